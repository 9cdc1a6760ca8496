/* SPDX-License-Identifier: Apache-2.0 */
#include "tpm/keyfile.h"

#include <string.h>

#include <openssl/asn1t.h>
#include <openssl/crypto.h>
#include <openssl/objects.h>
#include <tss2/tss2_mu.h>

#include "tpm/keyfile_policy.h"
#include "tpm/parent.h"

typedef struct attls_tpmkey_asn1 {
    ASN1_OBJECT *type;
    ASN1_BOOLEAN empty_auth; /* -1 when absent */
    STACK_OF(ASN1_TYPE) *policy;
    ASN1_OCTET_STRING *secret;
    STACK_OF(ASN1_TYPE) *auth_policy;
    ASN1_UTF8STRING *description;
    ASN1_BOOLEAN rsa_parent; /* -1 when absent */
    ASN1_INTEGER *parent;
    ASN1_OCTET_STRING *pubkey;
    ASN1_OCTET_STRING *privkey;
} attls_tpmkey_asn1;

/*
 * policy elements are decoded one by one (tpm/keyfile_policy.c) for specific
 * errors; authPolicy is only detected (and refused): both decode as ANY.
 */
ASN1_SEQUENCE(attls_tpmkey_asn1) =
    {
        ASN1_SIMPLE(attls_tpmkey_asn1, type, ASN1_OBJECT),
        ASN1_EXP_OPT(attls_tpmkey_asn1, empty_auth, ASN1_BOOLEAN, 0),
        ASN1_EXP_SEQUENCE_OF_OPT(attls_tpmkey_asn1, policy, ASN1_ANY, 1),
        ASN1_EXP_OPT(attls_tpmkey_asn1, secret, ASN1_OCTET_STRING, 2),
        ASN1_EXP_SEQUENCE_OF_OPT(attls_tpmkey_asn1, auth_policy, ASN1_ANY, 3),
        ASN1_EXP_OPT(attls_tpmkey_asn1, description, ASN1_UTF8STRING, 4),
        ASN1_EXP_OPT(attls_tpmkey_asn1, rsa_parent, ASN1_BOOLEAN, 5),
        ASN1_SIMPLE(attls_tpmkey_asn1, parent, ASN1_INTEGER),
        ASN1_SIMPLE(attls_tpmkey_asn1, pubkey, ASN1_OCTET_STRING),
        ASN1_SIMPLE(attls_tpmkey_asn1, privkey, ASN1_OCTET_STRING),
} static_ASN1_SEQUENCE_END(attls_tpmkey_asn1)

#define TPMKEY_IT ASN1_ITEM_rptr(attls_tpmkey_asn1)

        static attls_code
    check_type(const attls_tpmkey_asn1 *k, attls_status *st)
{
    char oid[64];

    if (OBJ_obj2txt(oid, sizeof(oid), k->type, 1) <= 0)
        return attls_fail(st, ATTLS_E_KEYFILE_PARSE, "keyfile.type",
                          "type OBJECT IDENTIFIER cannot be read");
    if (strcmp(oid, ATTLS_TSS2_OID_LOADABLE) != 0)
        return attls_fail(st, ATTLS_E_KEYFILE_TYPE, "keyfile.type",
                          "type is %s, only loadableKey %s is supported "
                          "(importable keys and sealed data are not keys "
                          "attls can sign with)",
                          oid, ATTLS_TSS2_OID_LOADABLE);
    return ATTLS_OK;
}

static attls_code check_unsupported(const attls_tpmkey_asn1 *k,
                                    attls_status *st)
{
    if (k->secret != NULL)
        return attls_fail(st, ATTLS_E_KEYFILE_POLICY, "keyfile.secret",
                          "the key carries an import secret ([2] secret)");
    if (k->auth_policy != NULL)
        return attls_fail(st, ATTLS_E_KEYFILE_POLICY, "keyfile.authPolicy",
                          "the key has signed policies ([3] authPolicy), "
                          "which attls cannot satisfy");
    return ATTLS_OK;
}

static attls_code check_parent(const attls_tpmkey_asn1 *k, uint32_t *parent,
                               attls_status *st)
{
    uint64_t v;

    if (!ASN1_INTEGER_get_uint64(&v, k->parent))
        return attls_fail(st, ATTLS_E_KEYFILE_PARENT, "keyfile.parent",
                          "parent INTEGER is negative or larger than 64 bits");
    if (v > UINT32_MAX)
        return attls_fail(st, ATTLS_E_KEYFILE_PARENT, "keyfile.parent",
                          "parent 0x%llx is not a 32-bit TPM handle",
                          (unsigned long long)v);
    if (!attls_tpm_parent_handle_valid((uint32_t)v))
        return attls_fail(st, ATTLS_E_KEYFILE_PARENT, "keyfile.parent",
                          "parent 0x%08x is neither the owner hierarchy "
                          "(0x40000001) nor a persistent key (0x81xxxxxx)",
                          (unsigned)v);
    /* tpm2-openssl and tpm2-tss-engine read 0 as the owner hierarchy. */
    *parent = v == 0 ? ATTLS_TPM_PARENT_OWNER : (uint32_t)v;
    return ATTLS_OK;
}

static attls_code unmarshal_blobs(const attls_tpmkey_asn1 *k,
                                  attls_tpm_keyfile *out, attls_status *st)
{
    size_t off = 0;
    TSS2_RC rc;

    rc = Tss2_MU_TPM2B_PUBLIC_Unmarshal(
        k->pubkey->data, (size_t)k->pubkey->length, &off, &out->pub);
    if (rc != TSS2_RC_SUCCESS || off != (size_t)k->pubkey->length)
        return attls_fail(st, ATTLS_E_KEYFILE_BLOB, "keyfile.pubkey",
                          "pubkey (%d bytes) is not exactly one TPM2B_PUBLIC "
                          "(%zu bytes used)",
                          k->pubkey->length, off);
    off = 0;
    rc = Tss2_MU_TPM2B_PRIVATE_Unmarshal(
        k->privkey->data, (size_t)k->privkey->length, &off, &out->priv);
    if (rc != TSS2_RC_SUCCESS || off != (size_t)k->privkey->length ||
        out->priv.size == 0)
        return attls_fail(st, ATTLS_E_KEYFILE_BLOB, "keyfile.privkey",
                          "privkey (%d bytes) is not exactly one non-empty "
                          "TPM2B_PRIVATE (%zu bytes used)",
                          k->privkey->length, off);
    return ATTLS_OK;
}

attls_code attls_tpm_keyfile_decode(const uint8_t *der, size_t len,
                                    attls_tpm_keyfile *out, attls_status *st)
{
    const unsigned char *p = der;
    attls_tpmkey_asn1 *k = NULL;
    attls_code code;

    memset(out, 0, sizeof(*out));
    if (len == 0 || len > ATTLS_TSS2_MAX_DER)
        return attls_fail(st, ATTLS_E_KEYFILE_PARSE, "keyfile.der",
                          "key file DER is %zu bytes (1 to %d expected)", len,
                          ATTLS_TSS2_MAX_DER);
    k = (attls_tpmkey_asn1 *)ASN1_item_d2i(NULL, &p, (long)len, TPMKEY_IT);
    if (k == NULL)
        return attls_fail(st, ATTLS_E_KEYFILE_PARSE, "keyfile.der",
                          "not a TSS2 TPMKey SEQUENCE");
    if ((size_t)(p - der) != len) {
        code = attls_fail(st, ATTLS_E_KEYFILE_PARSE, "keyfile.der",
                          "%zu bytes after the TPMKey SEQUENCE",
                          len - (size_t)(p - der));
        goto end;
    }
    if ((code = check_type(k, st)) != ATTLS_OK ||
        (code = check_unsupported(k, st)) != ATTLS_OK ||
        (code = check_parent(k, &out->parent, st)) != ATTLS_OK ||
        (code = unmarshal_blobs(k, out, st)) != ATTLS_OK ||
        (k->policy != NULL &&
         (code = attls_keyfile_policy_decode(k->policy, out, st)) != ATTLS_OK))
        goto end;
    /* Absent emptyAuth (-1) means an auth value is needed. */
    out->empty_auth = k->empty_auth > 0;
    out->rsa_parent = k->rsa_parent > 0;
end:
    ASN1_item_free((ASN1_VALUE *)k, TPMKEY_IT);
    if (code != ATTLS_OK)
        OPENSSL_cleanse(out, sizeof(*out));
    return code;
}

/* Marshal into the OCTET STRINGs ASN1_item_new already allocated. */
static int set_public(ASN1_OCTET_STRING *os, const TPM2B_PUBLIC *pub)
{
    uint8_t buf[sizeof(TPM2B_PUBLIC)];
    size_t off = 0;

    return Tss2_MU_TPM2B_PUBLIC_Marshal(pub, buf, sizeof(buf), &off) ==
               TSS2_RC_SUCCESS &&
           ASN1_OCTET_STRING_set(os, buf, (int)off);
}

static int set_private(ASN1_OCTET_STRING *os, const TPM2B_PRIVATE *priv)
{
    uint8_t buf[sizeof(TPM2B_PRIVATE)];
    size_t off = 0;

    return priv->size != 0 &&
           Tss2_MU_TPM2B_PRIVATE_Marshal(priv, buf, sizeof(buf), &off) ==
               TSS2_RC_SUCCESS &&
           ASN1_OCTET_STRING_set(os, buf, (int)off);
}

attls_code attls_tpm_keyfile_encode(const attls_tpm_keyfile *kf, uint8_t **der,
                                    size_t *len)
{
    attls_tpmkey_asn1 *k = NULL;
    unsigned char *out = NULL;
    attls_code code = ATTLS_E_INTERNAL;
    uint32_t parent = kf->parent == 0 ? ATTLS_TPM_PARENT_OWNER : kf->parent;
    int n;

    *der = NULL;
    *len = 0;
    if (!attls_tpm_parent_handle_valid(parent))
        return ATTLS_E_ARGUMENT;
    k = (attls_tpmkey_asn1 *)ASN1_item_new(TPMKEY_IT);
    if (k == NULL)
        return ATTLS_E_INTERNAL;
    k->type = OBJ_txt2obj(ATTLS_TSS2_OID_LOADABLE, 1);
    /* Written explicitly: readers disagree on what "absent" means. */
    k->empty_auth = kf->empty_auth ? 1 : 0;
    k->rsa_parent = kf->rsa_parent ? 1 : -1;
    if (!set_public(k->pubkey, &kf->pub) ||
        !set_private(k->privkey, &kf->priv)) {
        code = ATTLS_E_ARGUMENT;
        goto end;
    }
    k->policy = attls_keyfile_policy_encode(kf, &n);
    if (!n || k->type == NULL || !ASN1_INTEGER_set_uint64(k->parent, parent))
        goto end;
    n = ASN1_item_i2d((ASN1_VALUE *)k, &out, TPMKEY_IT);
    if (n <= 0)
        goto end;
    *der = out;
    *len = (size_t)n;
    code = ATTLS_OK;
end:
    ASN1_item_free((ASN1_VALUE *)k, TPMKEY_IT);
    return code;
}
