/* SPDX-License-Identifier: Apache-2.0 */
#include "tpm/keyfile_policy.h"

#include <string.h>

#include <openssl/asn1t.h>
#include <openssl/crypto.h>
#include <tss2/tss2_mu.h>

#include "tpm/policy.h"

typedef struct attls_tpmpolicy_asn1 {
    ASN1_INTEGER *command_code;
    ASN1_OCTET_STRING *command_policy;
} attls_tpmpolicy_asn1;

ASN1_SEQUENCE(attls_tpmpolicy_asn1) =
    {
        ASN1_EXP(attls_tpmpolicy_asn1, command_code, ASN1_INTEGER, 0),
        ASN1_EXP(attls_tpmpolicy_asn1, command_policy, ASN1_OCTET_STRING, 1),
} static_ASN1_SEQUENCE_END(attls_tpmpolicy_asn1)

#define TPMPOLICY_IT ASN1_ITEM_rptr(attls_tpmpolicy_asn1)

    /* commandPolicy of PolicyPCR: TPM2B_DIGEST pcrDigest || TPML_PCR_SELECTION.
     */
    static attls_code
    unmarshal_policy_pcr(const ASN1_OCTET_STRING *os, attls_tpm_keyfile *kf,
                         attls_status *st)
{
    const uint8_t *p = os->data;
    size_t len = (size_t)os->length, off = 0;

    if (Tss2_MU_TPM2B_DIGEST_Unmarshal(p, len, &off, &kf->policy_pcr_digest) !=
            TSS2_RC_SUCCESS ||
        kf->policy_pcr_digest.size != TPM2_SHA256_DIGEST_SIZE)
        return attls_fail(st, ATTLS_E_KEYFILE_POLICY,
                          "keyfile.policy.commandPolicy",
                          "PolicyPCR commandPolicy (%zu bytes) does not start "
                          "with a 32-byte TPM2B_DIGEST pcrDigest",
                          len);
    if (Tss2_MU_TPML_PCR_SELECTION_Unmarshal(p, len, &off, &kf->policy_pcrs) !=
            TSS2_RC_SUCCESS ||
        off != len || kf->policy_pcrs.count == 0)
        return attls_fail(st, ATTLS_E_KEYFILE_POLICY,
                          "keyfile.policy.commandPolicy",
                          "PolicyPCR commandPolicy (%zu bytes) does not end "
                          "with exactly one non-empty TPML_PCR_SELECTION "
                          "(%zu bytes used)",
                          len, off);
    return ATTLS_OK;
}

static attls_code decode_one(const ASN1_TYPE *t, attls_tpm_keyfile *kf,
                             attls_status *st)
{
    const unsigned char *p;
    attls_tpmpolicy_asn1 *pol = NULL;
    uint64_t cc = 0;
    attls_code rc;

    if (t->type != V_ASN1_SEQUENCE)
        return attls_fail(st, ATTLS_E_KEYFILE_POLICY, "keyfile.policy",
                          "TPMPolicy is ASN.1 type %d, not a SEQUENCE",
                          t->type);
    p = t->value.sequence->data;
    pol = (attls_tpmpolicy_asn1 *)ASN1_item_d2i(
        NULL, &p, t->value.sequence->length, TPMPOLICY_IT);
    if (pol == NULL || p != t->value.sequence->data + t->value.sequence->length)
        rc = attls_fail(st, ATTLS_E_KEYFILE_POLICY, "keyfile.policy",
                        "TPMPolicy is not SEQUENCE { commandCode [0] INTEGER, "
                        "commandPolicy [1] OCTET STRING }");
    else if (!ASN1_INTEGER_get_uint64(&cc, pol->command_code) ||
             cc != TPM2_CC_PolicyPCR)
        rc =
            attls_fail(st, ATTLS_E_KEYFILE_POLICY, "keyfile.policy.commandCode",
                       "policy command 0x%llx: attls satisfies only "
                       "TPM2_PolicyPCR (0x%x)",
                       (unsigned long long)cc, (unsigned)TPM2_CC_PolicyPCR);
    else
        rc = unmarshal_policy_pcr(pol->command_policy, kf, st);
    ASN1_item_free((ASN1_VALUE *)pol, TPMPOLICY_IT);
    return rc;
}

/* The policy must be what the TPM enforces: the key's authPolicy. */
static attls_code check_against_key(const attls_tpm_keyfile *kf,
                                    attls_status *st)
{
    const TPMT_PUBLIC *pub = &kf->pub.publicArea;

    if (attls_tpm_policy_pcr_binds(pub, &kf->policy_pcrs,
                                   &kf->policy_pcr_digest))
        return ATTLS_OK;
    if (pub->objectAttributes & TPMA_OBJECT_USERWITHAUTH)
        return attls_fail(st, ATTLS_E_KEYFILE_POLICY, "keyfile.policy",
                          "the key has userWithAuth set: its PCR policy would "
                          "not bind it (a plain auth value also signs)");
    return attls_fail(st, ATTLS_E_KEYFILE_POLICY, "keyfile.policy",
                      "the PolicyPCR policy is not the key's authPolicy (a "
                      "SHA-256 key whose authPolicy is that PolicyPCR digest "
                      "is needed)");
}

attls_code attls_keyfile_policy_decode(const STACK_OF(ASN1_TYPE) *policy,
                                       attls_tpm_keyfile *kf, attls_status *st)
{
    attls_code rc;

    if (sk_ASN1_TYPE_num(policy) != 1)
        return attls_fail(st, ATTLS_E_KEYFILE_POLICY, "keyfile.policy",
                          "policy has %d TPMPolicy elements: attls satisfies "
                          "exactly one, TPM2_PolicyPCR",
                          sk_ASN1_TYPE_num(policy));
    rc = decode_one(sk_ASN1_TYPE_value(policy, 0), kf, st);
    if (rc == ATTLS_OK)
        rc = check_against_key(kf, st);
    kf->pcr_policy = rc == ATTLS_OK;
    return rc;
}

static ASN1_OCTET_STRING *command_policy(const attls_tpm_keyfile *kf)
{
    uint8_t buf[sizeof(TPM2B_DIGEST) + sizeof(TPML_PCR_SELECTION)];
    size_t off = 0;
    ASN1_OCTET_STRING *os;

    if (Tss2_MU_TPM2B_DIGEST_Marshal(&kf->policy_pcr_digest, buf, sizeof(buf),
                                     &off) != TSS2_RC_SUCCESS ||
        Tss2_MU_TPML_PCR_SELECTION_Marshal(&kf->policy_pcrs, buf, sizeof(buf),
                                           &off) != TSS2_RC_SUCCESS)
        return NULL;
    os = ASN1_OCTET_STRING_new();
    if (os != NULL && !ASN1_OCTET_STRING_set(os, buf, (int)off)) {
        ASN1_OCTET_STRING_free(os);
        os = NULL;
    }
    return os;
}

/* One TPMPolicy as an ASN1_TYPE SEQUENCE holding its DER. */
static ASN1_TYPE *encode_one(const attls_tpm_keyfile *kf)
{
    attls_tpmpolicy_asn1 *pol =
        (attls_tpmpolicy_asn1 *)ASN1_item_new(TPMPOLICY_IT);
    ASN1_STRING *seq = NULL;
    ASN1_TYPE *t = NULL;

    if (pol == NULL)
        return NULL;
    ASN1_OCTET_STRING_free(pol->command_policy);
    pol->command_policy = command_policy(kf);
    if (pol->command_policy != NULL &&
        ASN1_INTEGER_set_uint64(pol->command_code, TPM2_CC_PolicyPCR) &&
        ASN1_item_pack(pol, TPMPOLICY_IT, &seq) != NULL) {
        t = ASN1_TYPE_new();
        if (t != NULL)
            ASN1_TYPE_set(t, V_ASN1_SEQUENCE, seq);
        else
            ASN1_STRING_free(seq);
    }
    ASN1_item_free((ASN1_VALUE *)pol, TPMPOLICY_IT);
    return t;
}

STACK_OF(ASN1_TYPE) *attls_keyfile_policy_encode(const attls_tpm_keyfile *kf,
                                                 int *ok)
{
    STACK_OF(ASN1_TYPE) *sk = NULL;
    ASN1_TYPE *t;

    *ok = 1;
    if (!kf->pcr_policy)
        return NULL;
    *ok = 0;
    sk = sk_ASN1_TYPE_new_null();
    t = sk != NULL ? encode_one(kf) : NULL;
    if (t == NULL || !sk_ASN1_TYPE_push(sk, t)) {
        ASN1_TYPE_free(t);
        sk_ASN1_TYPE_free(sk);
        return NULL;
    }
    *ok = 1;
    return sk;
}
