/* SPDX-License-Identifier: Apache-2.0 */
/*
 * TPM public areas: strict unmarshalling, conversion to OpenSSL keys and
 * SubjectPublicKeyInfo, and the Name / qualified name a TPM computes.
 */
#include "evidence/tpm_attest.h"

#include <string.h>

#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/param_build.h>
#include <openssl/x509.h>
#include <tss2/tss2_mu.h>
#include <tss2/tss2_rc.h>

#include "evidence/tpm_internal.h"
#include "evidence/tpm_records.h"

/* Azure vTPM AK template (cloud-vtpm.md §3.4, openvmm ak_pub_template()). */
#define AZURE_AK_ATTRIBUTES 0x00050472u
#define AZURE_AK_BITS 2048

attls_code attls_tpm_public_parse(const uint8_t *buf, size_t len,
                                  TPMT_PUBLIC *out, attls_status *st)
{
    size_t off = 0, start = 0;
    TSS2_RC rc;

    memset(out, 0, sizeof(*out));
    if (buf == NULL && len != 0)
        return attls_fail(st, ATTLS_E_ARGUMENT, "tpm.public",
                          "no public area buffer");
    if (len == 0)
        return attls_fail(st, ATTLS_E_TPM_PUBLIC_PARSE, "tpm.public",
                          "the public area is empty");
    /* A TPM2B_PUBLIC starts with the size of what follows; no TPMT_PUBLIC
     * of a supported type starts that way (its type is 0x0001 or 0x0023
     * and it is longer than 3 or 37 bytes). */
    if (len >= 2 && ((size_t)buf[0] << 8 | buf[1]) == len - 2)
        start = 2;
    off = start;
    rc = Tss2_MU_TPMT_PUBLIC_Unmarshal(buf, len, &off, out);
    if (rc != TSS2_RC_SUCCESS) {
        memset(out, 0, sizeof(*out));
        return attls_fail(st, ATTLS_E_TPM_PUBLIC_PARSE, "tpm.public",
                          "%zu-byte %s does not unmarshal: %s", len,
                          start ? "TPM2B_PUBLIC" : "TPMT_PUBLIC",
                          Tss2_RC_Decode(rc));
    }
    if (off != len)
        return attls_fail(st, ATTLS_E_TPM_PUBLIC_PARSE, "tpm.public",
                          "%zu unexpected bytes follow the %zu-byte "
                          "TPMT_PUBLIC",
                          len - off, off - start);
    return ATTLS_OK;
}

static EVP_PKEY *pkey_fromdata(const char *type, OSSL_PARAM_BLD *bld)
{
    OSSL_PARAM *params = OSSL_PARAM_BLD_to_param(bld);
    EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(NULL, type, NULL);
    EVP_PKEY *pkey = NULL;

    if (params == NULL || ctx == NULL || EVP_PKEY_fromdata_init(ctx) != 1 ||
        EVP_PKEY_fromdata(ctx, &pkey, EVP_PKEY_PUBLIC_KEY, params) != 1)
        pkey = NULL;
    EVP_PKEY_CTX_free(ctx);
    OSSL_PARAM_free(params);
    return pkey;
}

static attls_code rsa_to_pkey(const TPMT_PUBLIC *pub, EVP_PKEY **out,
                              attls_status *st)
{
    const TPMS_RSA_PARMS *p = &pub->parameters.rsaDetail;
    const TPM2B_PUBLIC_KEY_RSA *n = &pub->unique.rsa;
    uint32_t e = p->exponent == 0 ? 65537 : p->exponent;
    OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new();
    BIGNUM *bn_n = BN_bin2bn(n->buffer, n->size, NULL);
    BIGNUM *bn_e = BN_new();
    attls_code rc;

    *out = NULL;
    if (p->keyBits == 0 || p->keyBits % 8 != 0 || n->size != p->keyBits / 8 ||
        (n->buffer[0] & 0x80) == 0) {
        rc = attls_fail(st, ATTLS_E_TPM_PUBLIC_UNSUPPORTED, "tpm.public",
                        "RSA public area: %u-byte modulus does not match "
                        "keyBits %u",
                        n->size, p->keyBits);
    } else if (bld != NULL && bn_n != NULL && bn_e != NULL &&
               BN_set_word(bn_e, e) &&
               OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, bn_n) &&
               OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, bn_e)) {
        *out = pkey_fromdata("RSA", bld);
        rc = *out != NULL
                 ? ATTLS_OK
                 : attls_fail(st, ATTLS_E_TPM_PUBLIC_UNSUPPORTED, "tpm.public",
                              "RSA-%u public area with exponent %u is not a "
                              "valid RSA key",
                              p->keyBits, e);
    } else {
        rc = attls_fail(st, ATTLS_E_INTERNAL, "tpm.public", "out of memory");
    }
    BN_free(bn_n);
    BN_free(bn_e);
    OSSL_PARAM_BLD_free(bld);
    return rc;
}

static const char *curve_group(TPMI_ECC_CURVE curve, size_t *field_len)
{
    switch (curve) {
    case TPM2_ECC_NIST_P256:
        *field_len = 32;
        return "prime256v1";
    case TPM2_ECC_NIST_P384:
        *field_len = 48;
        return "secp384r1";
    case TPM2_ECC_NIST_P521:
        *field_len = 66;
        return "secp521r1";
    default:
        *field_len = 0;
        return NULL;
    }
}

static attls_code ecc_to_pkey(const TPMT_PUBLIC *pub, EVP_PKEY **out,
                              attls_status *st)
{
    const TPMS_ECC_POINT *q = &pub->unique.ecc;
    size_t flen = 0;
    const char *group = curve_group(pub->parameters.eccDetail.curveID, &flen);
    uint8_t point[1 + 2 * 66];
    OSSL_PARAM_BLD *bld;

    *out = NULL;
    if (group == NULL)
        return attls_fail(st, ATTLS_E_TPM_PUBLIC_UNSUPPORTED, "tpm.public",
                          "ECC curve 0x%04x is not NIST P-256, P-384 or "
                          "P-521",
                          pub->parameters.eccDetail.curveID);
    /* Coordinates are left-padded to the field size. */
    if (q->x.size == 0 || q->x.size > flen || q->y.size == 0 ||
        q->y.size > flen)
        return attls_fail(st, ATTLS_E_TPM_PUBLIC_UNSUPPORTED, "tpm.public",
                          "ECC point coordinates of %u and %u bytes do not "
                          "fit %s (%zu-byte field)",
                          q->x.size, q->y.size, group, flen);
    memset(point, 0, sizeof(point));
    point[0] = 0x04;
    memcpy(point + 1 + flen - q->x.size, q->x.buffer, q->x.size);
    memcpy(point + 1 + 2 * flen - q->y.size, q->y.buffer, q->y.size);
    if ((bld = OSSL_PARAM_BLD_new()) == NULL ||
        !OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME, group,
                                         0) ||
        !OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY, point,
                                          1 + 2 * flen)) {
        OSSL_PARAM_BLD_free(bld);
        return attls_fail(st, ATTLS_E_INTERNAL, "tpm.public", "out of memory");
    }
    *out = pkey_fromdata("EC", bld);
    OSSL_PARAM_BLD_free(bld);
    if (*out == NULL)
        return attls_fail(st, ATTLS_E_TPM_PUBLIC_UNSUPPORTED, "tpm.public",
                          "ECC public area: the point is not on %s", group);
    return ATTLS_OK;
}

attls_code attls_tpm_public_to_pkey(const TPMT_PUBLIC *pub, EVP_PKEY **out,
                                    attls_status *st)
{
    attls_code rc;

    *out = NULL;
    ERR_set_mark();
    switch (pub->type) {
    case TPM2_ALG_RSA:
        rc = rsa_to_pkey(pub, out, st);
        break;
    case TPM2_ALG_ECC:
        rc = ecc_to_pkey(pub, out, st);
        break;
    default:
        rc = attls_fail(st, ATTLS_E_TPM_PUBLIC_UNSUPPORTED, "tpm.public",
                        "public area of type 0x%04x is not an RSA or ECC key",
                        pub->type);
    }
    ERR_pop_to_mark();
    return rc;
}

attls_code attls_tpm_public_to_spki(const TPMT_PUBLIC *pub, uint8_t **der,
                                    size_t *der_len, attls_status *st)
{
    EVP_PKEY *pkey = NULL;
    attls_code rc = attls_tpm_public_to_pkey(pub, &pkey, st);
    int n;

    *der = NULL;
    *der_len = 0;
    if (rc != ATTLS_OK)
        return rc;
    n = i2d_PUBKEY(pkey, der);
    EVP_PKEY_free(pkey);
    if (n <= 0) {
        *der = NULL;
        return attls_fail(st, ATTLS_E_INTERNAL, "tpm.public",
                          "cannot encode the SubjectPublicKeyInfo");
    }
    *der_len = (size_t)n;
    return ATTLS_OK;
}

attls_code attls_tpm_object_name(const TPMT_PUBLIC *pub, TPM2B_NAME *name,
                                 attls_status *st)
{
    if (attls_tpm_hash_md(pub->nameAlg) == NULL)
        return attls_fail(st, ATTLS_E_TPM_PUBLIC_UNSUPPORTED, "tpm.public.name",
                          "nameAlg 0x%04x is not SHA-1, SHA-256, SHA-384 or "
                          "SHA-512",
                          pub->nameAlg);
    return attls_public_name(pub, name, st);
}

attls_code attls_tpm_primary_qualified_name(const TPMT_PUBLIC *pub,
                                            uint32_t hierarchy, uint8_t *out,
                                            size_t *out_len, attls_status *st)
{
    TPM2B_NAME name;
    uint8_t handle[4];
    size_t n;
    const uint8_t *parts[2] = {handle, name.name};
    size_t lens[2] = {sizeof(handle), 0};
    attls_code rc;

    if (hierarchy != TPM2_RH_ENDORSEMENT && hierarchy != TPM2_RH_OWNER &&
        hierarchy != TPM2_RH_PLATFORM && hierarchy != TPM2_RH_NULL)
        return attls_fail(st, ATTLS_E_ARGUMENT, "tpm.public.qualified_name",
                          "0x%08x is not a hierarchy handle", hierarchy);
    if ((rc = attls_tpm_object_name(pub, &name, st)) != ATTLS_OK)
        return rc;
    handle[0] = (uint8_t)(hierarchy >> 24);
    handle[1] = (uint8_t)(hierarchy >> 16);
    handle[2] = (uint8_t)(hierarchy >> 8);
    handle[3] = (uint8_t)hierarchy;
    lens[1] = name.size;
    out[0] = name.name[0];
    out[1] = name.name[1];
    n = attls_tpm_hash_parts(pub->nameAlg, parts, lens, 2, out + 2);
    if (n == 0)
        return attls_fail(st, ATTLS_E_INTERNAL, "tpm.public.qualified_name",
                          "digest computation failed");
    *out_len = 2 + n;
    return ATTLS_OK;
}

attls_code attls_tpm_public_azure_ak(EVP_PKEY *rsa, TPMT_PUBLIC *out,
                                     attls_status *st)
{
    BIGNUM *n = NULL, *e = NULL;
    attls_code rc = ATTLS_OK;

    memset(out, 0, sizeof(*out));
    if (rsa == NULL || EVP_PKEY_get_base_id(rsa) != EVP_PKEY_RSA ||
        EVP_PKEY_get_bits(rsa) != AZURE_AK_BITS ||
        !EVP_PKEY_get_bn_param(rsa, OSSL_PKEY_PARAM_RSA_N, &n) ||
        !EVP_PKEY_get_bn_param(rsa, OSSL_PKEY_PARAM_RSA_E, &e) ||
        !BN_is_word(e, 65537) ||
        BN_bn2binpad(n, out->unique.rsa.buffer, AZURE_AK_BITS / 8) < 0) {
        rc = attls_fail(st, ATTLS_E_TPM_AK_KEY, "tpm.public.azure_ak",
                        "the Azure AK is an RSA-2048 key with exponent "
                        "65537; this key is not");
        memset(out, 0, sizeof(*out));
    } else {
        out->type = TPM2_ALG_RSA;
        out->nameAlg = TPM2_ALG_SHA256;
        out->objectAttributes = AZURE_AK_ATTRIBUTES;
        out->parameters.rsaDetail.symmetric.algorithm = TPM2_ALG_NULL;
        out->parameters.rsaDetail.scheme.scheme = TPM2_ALG_RSASSA;
        out->parameters.rsaDetail.scheme.details.rsassa.hashAlg =
            TPM2_ALG_SHA256;
        out->parameters.rsaDetail.keyBits = AZURE_AK_BITS;
        out->parameters.rsaDetail.exponent = 0;
        out->unique.rsa.size = AZURE_AK_BITS / 8;
    }
    BN_free(n);
    BN_free(e);
    return rc;
}
