/* SPDX-License-Identifier: Apache-2.0 */
#include "tpm/ak.h"

#include <string.h>

#include <openssl/core_names.h>
#include <openssl/x509.h>
#include <tss2/tss2_mu.h>

#include "common/log.h"
#include "tpm/connection.h"
#include "tpm/keys.h"
#include "tpm/nv.h"
#include "tpm/pubkey.h"
#include "tpm/rc.h"

/* What every AK must be: a restricted signing key that never leaves. */
#define AK_REQUIRED                                                            \
    (TPMA_OBJECT_FIXEDTPM | TPMA_OBJECT_FIXEDPARENT |                          \
     TPMA_OBJECT_SENSITIVEDATAORIGIN | TPMA_OBJECT_RESTRICTED |                \
     TPMA_OBJECT_SIGN_ENCRYPT)

static attls_code check_ak_public(const TPMT_PUBLIC *p, const char *where,
                                  attls_status *st)
{
    if ((p->objectAttributes & AK_REQUIRED) != AK_REQUIRED ||
        (p->objectAttributes & TPMA_OBJECT_DECRYPT) != 0 ||
        (p->type != TPM2_ALG_RSA && p->type != TPM2_ALG_ECC))
        return attls_fail(st, ATTLS_E_AK_TEMPLATE, "ak.attributes",
                          "%s is not a restricted RSA/ECC signing key "
                          "(type 0x%04x, attributes 0x%08x)",
                          where, (unsigned)p->type,
                          (unsigned)p->objectAttributes);
    return ATTLS_OK;
}

attls_code attls_ak_open_azure(ESYS_CONTEXT *esys, attls_ak *ak,
                               attls_status *st)
{
    TPM2B_PUBLIC *pub = NULL;
    TSS2_RC rc;
    attls_code code;

    memset(ak, 0, sizeof(*ak));
    ak->tr = ESYS_TR_NONE;
    if (!attls_tpm_handle_exists(esys, ATTLS_AZURE_AK_HANDLE))
        return attls_fail(st, ATTLS_E_AK_MISSING, "ak.azure",
                          "Azure attestation key not provisioned: no "
                          "persistent key at 0x%08x",
                          ATTLS_AZURE_AK_HANDLE);
    rc = attls_tpm_key_open_persistent(esys, ATTLS_AZURE_AK_HANDLE, &ak->tr,
                                       &pub);
    if (rc != TSS2_RC_SUCCESS)
        return attls_fail(st, ATTLS_E_AK_MISSING, "ak.azure",
                          "Azure attestation key 0x%08x not provisioned: %s",
                          ATTLS_AZURE_AK_HANDLE, attls_tpm_rc_text(rc));
    ak->pub = *pub;
    Esys_Free(pub);
    ak->cert_index = ATTLS_AZURE_NV_AK_CERT;
    code =
        check_ak_public(&ak->pub.publicArea, "persistent key 0x81000003", st);
    if (code != ATTLS_OK)
        attls_ak_close(esys, ak);
    return code;
}

/* TPM2_CreatePrimary in the Endorsement hierarchy. */
static attls_code create_primary(ESYS_CONTEXT *esys, const TPM2B_PUBLIC *tmpl,
                                 const char *what, attls_ak *ak,
                                 attls_status *st)
{
    TPM2B_SENSITIVE_CREATE sensitive = {0};
    TPM2B_DATA outside = {0};
    TPML_PCR_SELECTION pcrs = {0};
    TPM2B_PUBLIC *out = NULL;
    TSS2_RC rc;

    for (int attempt = 0;; attempt++) {
        rc = Esys_CreatePrimary(esys, ESYS_TR_RH_ENDORSEMENT, ESYS_TR_PASSWORD,
                                ESYS_TR_NONE, ESYS_TR_NONE, &sensitive, tmpl,
                                &outside, &pcrs, &ak->tr, &out, NULL, NULL,
                                NULL);
        if (!attls_tpm_should_retry(rc, attempt))
            break;
    }
    if (rc != TSS2_RC_SUCCESS) {
        ak->tr = ESYS_TR_NONE;
        return attls_fail(st, attls_tpm_rc_code(rc), "ak.create",
                          "creating the %s in the Endorsement hierarchy "
                          "failed: %s",
                          what, attls_tpm_rc_text(rc));
    }
    ak->transient = 1;
    ak->pub = *out;
    Esys_Free(out);
    return ATTLS_OK;
}

/* A marshalled TPMT_PUBLIC, possibly followed by zero padding. */
static attls_code template_from_nv(const attls_buf *nv, TPM2_HANDLE index,
                                   TPM2B_PUBLIC *tmpl, attls_status *st)
{
    size_t off = 0;

    memset(tmpl, 0, sizeof(*tmpl));
    if (Tss2_MU_TPMT_PUBLIC_Unmarshal(nv->data, nv->len, &off,
                                      &tmpl->publicArea) != TSS2_RC_SUCCESS)
        return attls_fail(st, ATTLS_E_AK_TEMPLATE, "ak.template",
                          "NV index 0x%08x does not hold a TPMT_PUBLIC "
                          "template",
                          (unsigned)index);
    for (size_t i = off; i < nv->len; i++) {
        if (nv->data[i] != 0)
            return attls_fail(st, ATTLS_E_AK_TEMPLATE, "ak.template",
                              "NV index 0x%08x: non-zero bytes after the "
                              "template (at %zu)",
                              (unsigned)index, i);
    }
    return check_ak_public(&tmpl->publicArea, "the AK template", st);
}

attls_code attls_ak_open_gcp(ESYS_CONTEXT *esys, attls_ak *ak, attls_status *st)
{
    TPM2_HANDLE tindex = ATTLS_GCP_NV_AK_TEMPLATE_RSA;
    TPM2B_PUBLIC tmpl;
    attls_buf nv = {NULL, 0};
    attls_code code;

    memset(ak, 0, sizeof(*ak));
    ak->tr = ESYS_TR_NONE;
    if (!attls_nv_exists(esys, tindex))
        tindex = ATTLS_GCP_NV_AK_TEMPLATE_ECC;
    if (!attls_nv_exists(esys, tindex))
        return attls_fail(st, ATTLS_E_AK_MISSING, "ak.gcp",
                          "GCP attestation key not provisioned: neither NV "
                          "index 0x%08x (RSA template) nor 0x%08x (ECC "
                          "template) is defined",
                          ATTLS_GCP_NV_AK_TEMPLATE_RSA,
                          ATTLS_GCP_NV_AK_TEMPLATE_ECC);
    code = attls_nv_read(esys, tindex, "GCP AK template", &nv, st);
    if (code == ATTLS_OK)
        code = template_from_nv(&nv, tindex, &tmpl, st);
    attls_buf_free(&nv);
    if (code == ATTLS_OK)
        code = create_primary(esys, &tmpl, "GCP attestation key", ak, st);
    if (code == ATTLS_OK)
        ak->cert_index = tindex == ATTLS_GCP_NV_AK_TEMPLATE_RSA
                             ? ATTLS_GCP_NV_AK_CERT_RSA
                             : ATTLS_GCP_NV_AK_CERT_ECC;
    return code;
}

void attls_ak_attls_template(TPM2B_PUBLIC *out)
{
    TPMT_PUBLIC *p = &out->publicArea;

    memset(out, 0, sizeof(*out));
    p->type = TPM2_ALG_ECC;
    p->nameAlg = TPM2_ALG_SHA256;
    p->objectAttributes = TPMA_OBJECT_FIXEDTPM | TPMA_OBJECT_FIXEDPARENT |
                          TPMA_OBJECT_SENSITIVEDATAORIGIN |
                          TPMA_OBJECT_USERWITHAUTH | TPMA_OBJECT_NODA |
                          TPMA_OBJECT_RESTRICTED | TPMA_OBJECT_SIGN_ENCRYPT;
    p->parameters.eccDetail.symmetric.algorithm = TPM2_ALG_NULL;
    p->parameters.eccDetail.scheme.scheme = TPM2_ALG_ECDSA;
    p->parameters.eccDetail.scheme.details.ecdsa.hashAlg = TPM2_ALG_SHA256;
    p->parameters.eccDetail.curveID = TPM2_ECC_NIST_P256;
    p->parameters.eccDetail.kdf.scheme = TPM2_ALG_NULL;
}

attls_code attls_ak_open_attls(ESYS_CONTEXT *esys, attls_ak *ak,
                               attls_status *st)
{
    TPM2B_PUBLIC tmpl;

    memset(ak, 0, sizeof(*ak));
    ak->tr = ESYS_TR_NONE;
    attls_ak_attls_template(&tmpl);
    return create_primary(esys, &tmpl, "attls attestation key", ak, st);
}

void attls_ak_close(ESYS_CONTEXT *esys, attls_ak *ak)
{
    if (ak->tr == ESYS_TR_NONE)
        return;
    if (ak->transient)
        attls_tpm_flush(esys, ak->tr);
    else
        Esys_TR_Close(esys, &ak->tr);
    ak->tr = ESYS_TR_NONE;
}

/* The certificate's key as a TPMT_PUBLIC (RSA or ECC). */
static int cert_public(X509 *x, TPMT_PUBLIC *out)
{
    EVP_PKEY *k = X509_get0_pubkey(x);
    BIGNUM *n = NULL, *e = NULL;
    uint8_t point[ATTLS_EC_POINT_MAX];
    char group[64];
    size_t len = 0;
    int ok = 0;

    if (k == NULL)
        return 0;
    if (EVP_PKEY_is_a(k, "RSA")) {
        ok = EVP_PKEY_get_bn_param(k, OSSL_PKEY_PARAM_RSA_N, &n) &&
             EVP_PKEY_get_bn_param(k, OSSL_PKEY_PARAM_RSA_E, &e) &&
             attls_tpm_pub_from_rsa(n, e, out);
    } else if (EVP_PKEY_is_a(k, "EC")) {
        ok = EVP_PKEY_get_utf8_string_param(k, OSSL_PKEY_PARAM_GROUP_NAME,
                                            group, sizeof(group), NULL) &&
             EVP_PKEY_get_octet_string_param(k,
                                             OSSL_PKEY_PARAM_ENCODED_PUBLIC_KEY,
                                             point, sizeof(point), &len) &&
             attls_tpm_pub_from_ec(NULL, group, point, len, out);
    }
    BN_free(n);
    BN_free(e);
    return ok;
}

/* DER length from the SEQUENCE header (the NV index is zero-padded). */
static size_t der_length(const uint8_t *p, size_t len)
{
    size_t n;

    if (len < 4 || p[0] != 0x30)
        return 0;
    if (p[1] < 0x80)
        n = 2 + (size_t)p[1];
    else if (p[1] == 0x81)
        n = 3 + (size_t)p[2];
    else if (p[1] == 0x82)
        n = 4 + ((size_t)p[2] << 8 | p[3]);
    else
        return 0;
    return n <= len ? n : 0;
}

static int is_placeholder(X509 *x)
{
    char issuer[512];

    X509_NAME_oneline(X509_get_issuer_name(x), issuer, sizeof(issuer));
    return strstr(issuer, "MICROSOFT AZURE TRUSTED VM RSA") != NULL;
}

attls_code attls_ak_read_cert(ESYS_CONTEXT *esys, const attls_ak *ak,
                              attls_buf *der, attls_status *st)
{
    attls_buf nv = {NULL, 0};
    const unsigned char *p;
    X509 *x = NULL;
    TPMT_PUBLIC key;
    size_t n = 0;
    attls_code code;

    der->data = NULL;
    der->len = 0;
    code = attls_nv_read(esys, ak->cert_index, "AK certificate", &nv, st);
    if (code != ATTLS_OK)
        return code;
    n = der_length(nv.data, nv.len);
    p = nv.data;
    if (n > 0)
        x = d2i_X509(NULL, &p, (long)n);
    if (x == NULL || (size_t)(p - nv.data) != n)
        code = attls_fail(st, ATTLS_E_AK_CERT, "ak.cert",
                          "NV index 0x%08x does not start with a DER "
                          "certificate",
                          (unsigned)ak->cert_index);
    else if (is_placeholder(x))
        code = attls_fail(st, ATTLS_E_AK_CERT, "ak.cert",
                          "NV index 0x%08x holds Azure's placeholder: the AK "
                          "certificate is not provisioned yet",
                          (unsigned)ak->cert_index);
    else if (!cert_public(x, &key) ||
             !attls_tpm_pub_equal(&key, &ak->pub.publicArea))
        code = attls_fail(st, ATTLS_E_AK_CERT, "ak.cert",
                          "the certificate in NV index 0x%08x is not for the "
                          "attestation key",
                          (unsigned)ak->cert_index);
    if (code == ATTLS_OK) {
        der->data = OPENSSL_memdup(nv.data, n);
        der->len = der->data != NULL ? n : 0;
        if (der->data == NULL)
            code =
                attls_fail(st, ATTLS_E_INTERNAL, "ak.alloc", "out of memory");
    }
    X509_free(x);
    attls_buf_free(&nv);
    return code;
}
