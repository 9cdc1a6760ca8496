/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Steps 6 to 8 of the verifier procedure: the AK's quote and certify, the
 * binder in both, the certified key being the certificate's key, and the
 * key's PolicyPCR when the claims announce one.
 */
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <tss2/tss2_mu.h>

#include "evidence/verify_internal.h"

#define TLS_KEY_REQUIRED                                                       \
    (TPMA_OBJECT_FIXEDTPM | TPMA_OBJECT_FIXEDPARENT |                          \
     TPMA_OBJECT_SENSITIVEDATAORIGIN | TPMA_OBJECT_SIGN_ENCRYPT)
#define TPM_CC_POLICY_PCR 0x0000017Fu

static attls_code check_binder(const attls_vctx *v, const TPM2B_DATA *extra,
                               const char *check, const char *what,
                               attls_status *st)
{
    if (extra->size == ATTLS_BINDER_LEN &&
        CRYPTO_memcmp(extra->buffer, v->binder, ATTLS_BINDER_LEN) == 0)
        return ATTLS_OK;
    return attls_fail(st, ATTLS_E_BINDER_MISMATCH, check,
                      "the %s's extraData (%u bytes) is not the binder of "
                      "this certificate's key and claims",
                      what, (unsigned)extra->size);
}

/* Verification inputs shared by the quote and the certify. */
static void expect_binder(const attls_vctx *v, const TPMT_SIGNATURE *signature,
                          attls_tpm_verify_opts *o, attls_tpm_sig *sig)
{
    memset(o, 0, sizeof(*o));
    o->extra_data = v->binder;
    o->extra_data_len = ATTLS_BINDER_LEN;
    memset(sig, 0, sizeof(*sig));
    sig->format = ATTLS_TPM_SIG_DECODED;
    sig->decoded = signature;
}

attls_code attls_verify_quote(attls_vctx *v, attls_status *st)
{
    const attls_buf *b = v->ev.rec[ATTLS_REC_TPM_QUOTE];
    attls_tpm_verify_opts o;
    attls_tpm_sig sig;
    attls_quote_record *q = OPENSSL_zalloc(sizeof(*q));
    attls_code rc;

    if (q == NULL)
        return attls_fail(st, ATTLS_E_INTERNAL, "quote.alloc", "no memory");
    v->quote = q;
    rc = attls_quote_record_decode(b->data, b->len, q, st);
    if (rc == ATTLS_OK)
        rc = check_binder(v, &q->attest.extraData, "quote.binder", "TPM2_Quote",
                          st);
    attls_tpm_pcrs_init(&v->pcrs);
    if (rc == ATTLS_OK)
        rc = attls_tpm_pcrs_set_list(&v->pcrs,
                                     &q->attest.attested.quote.pcrSelect,
                                     q->pcrs, q->pcr_count, st);
    if (rc != ATTLS_OK)
        return rc;
    expect_binder(v, &q->signature, &o, &sig);
    rc = attls_tpm_quote_verify(q->quoted.attestationData, q->quoted.size, &sig,
                                v->ak, &v->pcrs, &o, NULL, st);
    return rc == ATTLS_OK ? attls_policy_check_pcrs(v->pol, &v->pcrs, st) : rc;
}

/* The certified key must be the certificate's key. */
static attls_code same_key(const attls_vctx *v, const TPMT_PUBLIC *pub,
                           attls_status *st)
{
    EVP_PKEY *tpm = NULL;
    attls_code rc = attls_tpm_public_to_pkey(pub, &tpm, st);

    if (rc == ATTLS_OK && EVP_PKEY_eq(tpm, X509_get0_pubkey(v->cert)) != 1)
        rc = attls_fail(st, ATTLS_E_TPM_CERTIFIED_KEY_MISMATCH, "certify.key",
                        "the key certified by the vTPM is not the "
                        "certificate's public key");
    EVP_PKEY_free(tpm);
    return rc;
}

static attls_code check_key_attributes(const TPMT_PUBLIC *p, attls_status *st)
{
    if ((p->objectAttributes & TLS_KEY_REQUIRED) != TLS_KEY_REQUIRED ||
        (p->objectAttributes & TPMA_OBJECT_RESTRICTED))
        return attls_fail(st, ATTLS_E_EVIDENCE_KEY_ATTRIBUTES,
                          "certify.attributes",
                          "certified key attributes 0x%08x: a TLS key must "
                          "be fixedTPM, fixedParent, sensitiveDataOrigin, "
                          "sign and not restricted",
                          (unsigned)p->objectAttributes);
    return ATTLS_OK;
}

/*
 * authPolicy of TPM2_PolicyPCR(selection, H(values)) from a fresh session:
 * SHA-256(0^32 || BE32(TPM_CC_PolicyPCR) || TPML_PCR_SELECTION || H(values)).
 */
static attls_code pcr_policy(const attls_vctx *v, const TPMT_PUBLIC *p,
                             attls_status *st)
{
    const attls_quote_record *q = v->quote;
    uint8_t buf[32 + 4 + sizeof(TPML_PCR_SELECTION) + 32], want[32];
    size_t off = 36;
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    int ok = md != NULL && EVP_DigestInit_ex(md, EVP_sha256(), NULL) == 1;

    memset(buf, 0, 32);
    buf[32] = 0x00;
    buf[33] = 0x00;
    buf[34] = 0x01;
    buf[35] = 0x7F;
    ok = ok && Tss2_MU_TPML_PCR_SELECTION_Marshal(
                   &q->attest.attested.quote.pcrSelect, buf, sizeof(buf),
                   &off) == TSS2_RC_SUCCESS;
    for (uint32_t i = 0; ok && i < q->pcr_count; i++)
        ok = EVP_DigestUpdate(md, q->pcrs[i].buffer, q->pcrs[i].size) == 1;
    ok = ok && EVP_DigestFinal_ex(md, buf + off, NULL) == 1;
    ok = ok && EVP_Digest(buf, off + 32, want, NULL, EVP_sha256(), NULL) == 1;
    EVP_MD_CTX_free(md);
    if (!ok)
        return attls_fail(st, ATTLS_E_INTERNAL, "certify.pcr_policy",
                          "cannot compute the PolicyPCR digest");
    if ((p->objectAttributes & TPMA_OBJECT_USERWITHAUTH) ||
        p->authPolicy.size != 32 ||
        CRYPTO_memcmp(p->authPolicy.buffer, want, 32) != 0)
        return attls_fail(st, ATTLS_E_PCR_POLICY, "certify.pcr_policy",
                          "the claims say pcr-policy, but the key %s",
                          (p->objectAttributes & TPMA_OBJECT_USERWITHAUTH)
                              ? "has userWithAuth set"
                              : "authPolicy is not PolicyPCR over the "
                                "quoted PCRs");
    return ATTLS_OK;
}

attls_code attls_verify_certify(attls_vctx *v, attls_status *st)
{
    const attls_buf *b = v->ev.rec[ATTLS_REC_TPM_CERTIFY];
    attls_certify_record c;
    attls_tpm_verify_opts o;
    attls_tpm_sig sig;
    const TPMT_PUBLIC *obj = &c.object.publicArea;
    attls_code rc;

    if (v->ev.claims.residency != ATTLS_RESIDENCY_VTPM)
        return ATTLS_OK;
    rc = attls_certify_record_decode(b->data, b->len, &c, st);
    if (rc == ATTLS_OK)
        rc = check_binder(v, &c.attest.extraData, "certify.binder",
                          "TPM2_Certify", st);
    if (rc == ATTLS_OK)
        rc = check_key_attributes(obj, st);
    if (rc == ATTLS_OK)
        rc = same_key(v, obj, st);
    if (rc != ATTLS_OK)
        return rc;
    expect_binder(v, &c.signature, &o, &sig);
    rc = attls_tpm_certify_verify(c.certify_info.attestationData,
                                  c.certify_info.size, &sig, v->ak, obj, &o,
                                  NULL, st);
    if (rc == ATTLS_OK && v->ev.claims.pcr_policy)
        rc = pcr_policy(v, obj, st);
    return rc;
}
