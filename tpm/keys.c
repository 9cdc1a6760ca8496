/* SPDX-License-Identifier: Apache-2.0 */
#include "tpm/keys.h"

#include <string.h>

#include <openssl/crypto.h>

#include "common/log.h"
#include "tpm/connection.h"

#define ATTLS_KEY_ATTRIBUTES                                                   \
    (TPMA_OBJECT_USERWITHAUTH | TPMA_OBJECT_SIGN_ENCRYPT |                     \
     TPMA_OBJECT_DECRYPT | TPMA_OBJECT_FIXEDTPM | TPMA_OBJECT_FIXEDPARENT |    \
     TPMA_OBJECT_SENSITIVEDATAORIGIN)

static int rsa_bits_supported(unsigned bits)
{
    return bits == 2048 || bits == 3072 || bits == 4096;
}

static int curve_supported(TPMI_ECC_CURVE curve)
{
    return curve == TPM2_ECC_NIST_P256 || curve == TPM2_ECC_NIST_P384;
}

TSS2_RC attls_tpm_key_template(const attls_tpm_keyspec *spec, TPM2B_PUBLIC *out)
{
    TPMT_PUBLIC *p = &out->publicArea;

    memset(out, 0, sizeof(*out));
    p->type = spec->type;
    p->nameAlg = TPM2_ALG_SHA256;
    p->objectAttributes = ATTLS_KEY_ATTRIBUTES;
    if (spec->auth_policy != NULL) {
        if (spec->auth_policy->size != TPM2_SHA256_DIGEST_SIZE)
            return ATTLS_TPM_RC_SIZE;
        p->objectAttributes &= ~TPMA_OBJECT_USERWITHAUTH;
        p->authPolicy = *spec->auth_policy;
    }
    switch (spec->type) {
    case TPM2_ALG_ECC:
        if (!curve_supported(spec->curve))
            return ATTLS_TPM_RC_UNSUPPORTED;
        p->parameters.eccDetail.symmetric.algorithm = TPM2_ALG_NULL;
        p->parameters.eccDetail.scheme.scheme = TPM2_ALG_NULL;
        p->parameters.eccDetail.curveID = spec->curve;
        p->parameters.eccDetail.kdf.scheme = TPM2_ALG_NULL;
        return TSS2_RC_SUCCESS;
    case TPM2_ALG_RSA:
        if (!rsa_bits_supported(spec->bits))
            return ATTLS_TPM_RC_UNSUPPORTED;
        p->parameters.rsaDetail.symmetric.algorithm = TPM2_ALG_NULL;
        p->parameters.rsaDetail.scheme.scheme = TPM2_ALG_NULL;
        p->parameters.rsaDetail.keyBits = spec->bits;
        p->parameters.rsaDetail.exponent = 0;
        return TSS2_RC_SUCCESS;
    default:
        return ATTLS_TPM_RC_UNSUPPORTED;
    }
}

unsigned attls_tpm_key_bits(const TPMT_PUBLIC *pub)
{
    if (pub->type == TPM2_ALG_RSA)
        return pub->parameters.rsaDetail.keyBits;
    if (pub->type != TPM2_ALG_ECC)
        return 0;
    switch (pub->parameters.eccDetail.curveID) {
    case TPM2_ECC_NIST_P256:
        return 256;
    case TPM2_ECC_NIST_P384:
        return 384;
    default:
        return 0;
    }
}

TSS2_RC attls_tpm_key_supported(const TPMT_PUBLIC *pub)
{
    switch (pub->type) {
    case TPM2_ALG_ECC:
        if (!curve_supported(pub->parameters.eccDetail.curveID) ||
            pub->unique.ecc.x.size == 0 || pub->unique.ecc.y.size == 0)
            return ATTLS_TPM_RC_UNSUPPORTED;
        return TSS2_RC_SUCCESS;
    case TPM2_ALG_RSA:
        if (!rsa_bits_supported(pub->parameters.rsaDetail.keyBits) ||
            pub->unique.rsa.size * 8U != pub->parameters.rsaDetail.keyBits)
            return ATTLS_TPM_RC_UNSUPPORTED;
        return TSS2_RC_SUCCESS;
    default:
        return ATTLS_TPM_RC_UNSUPPORTED;
    }
}

TSS2_RC attls_tpm_key_check(const TPMT_PUBLIC *pub)
{
    TSS2_RC rc = attls_tpm_key_supported(pub);

    if (rc != TSS2_RC_SUCCESS)
        return rc;
    if (!(pub->objectAttributes & TPMA_OBJECT_SIGN_ENCRYPT) ||
        (pub->objectAttributes & TPMA_OBJECT_RESTRICTED))
        return ATTLS_TPM_RC_ATTRIBUTES;
    return TSS2_RC_SUCCESS;
}

TSS2_RC attls_tpm_key_create(ESYS_CONTEXT *esys, ESYS_TR parent,
                             const attls_tpm_keyspec *spec,
                             const TPM2B_AUTH *auth, TPM2B_PUBLIC **pub,
                             TPM2B_PRIVATE **priv)
{
    TPM2B_SENSITIVE_CREATE sensitive = {0};
    TPM2B_PUBLIC template;
    TPM2B_DATA outside = {0};
    TPML_PCR_SELECTION pcrs = {0};
    TSS2_RC rc;

    rc = attls_tpm_key_template(spec, &template);
    if (rc != TSS2_RC_SUCCESS)
        return rc;
    if (auth != NULL)
        sensitive.sensitive.userAuth = *auth;
    for (int attempt = 0;; attempt++) {
        rc = Esys_Create(esys, parent, ESYS_TR_PASSWORD, ESYS_TR_NONE,
                         ESYS_TR_NONE, &sensitive, &template, &outside, &pcrs,
                         priv, pub, NULL, NULL, NULL);
        if (!attls_tpm_should_retry(rc, attempt))
            break;
    }
    OPENSSL_cleanse(&sensitive, sizeof(sensitive));
    return rc;
}

TSS2_RC attls_tpm_key_create_blob(ESYS_CONTEXT *esys, uint32_t parent,
                                  const TPM2B_AUTH *parent_auth,
                                  const attls_tpm_keyspec *spec,
                                  const TPM2B_AUTH *auth,
                                  attls_tpm_keyfile *out)
{
    attls_tpm_parent p;
    TPM2B_PUBLIC *pub = NULL;
    TPM2B_PRIVATE *priv = NULL;
    TSS2_RC rc;

    memset(out, 0, sizeof(*out));
    rc = attls_tpm_parent_open(esys, parent, 0, parent_auth, &p);
    if (rc != TSS2_RC_SUCCESS)
        return rc;
    rc = attls_tpm_key_create(esys, p.tr, spec, auth, &pub, &priv);
    attls_tpm_parent_close(esys, &p);
    if (rc == TSS2_RC_SUCCESS) {
        out->parent = parent == 0 ? ATTLS_TPM_PARENT_OWNER : parent;
        out->empty_auth = auth == NULL || auth->size == 0;
        out->pub = *pub;
        out->priv = *priv;
    }
    Esys_Free(pub);
    Esys_Free(priv);
    return rc;
}

TSS2_RC attls_tpm_key_load(ESYS_CONTEXT *esys, uint32_t parent, int rsa_parent,
                           const TPM2B_AUTH *parent_auth,
                           const TPM2B_PUBLIC *pub, const TPM2B_PRIVATE *priv,
                           ESYS_TR *out)
{
    attls_tpm_parent p;
    TSS2_RC rc;

    rc = attls_tpm_parent_open(esys, parent, rsa_parent, parent_auth, &p);
    if (rc != TSS2_RC_SUCCESS)
        return rc;
    for (int attempt = 0;; attempt++) {
        rc = Esys_Load(esys, p.tr, ESYS_TR_PASSWORD, ESYS_TR_NONE, ESYS_TR_NONE,
                       priv, pub, out);
        if (!attls_tpm_should_retry(rc, attempt))
            break;
    }
    /* The primary is flushed right after Load: one slot at most, briefly. */
    attls_tpm_parent_close(esys, &p);
    if (rc != TSS2_RC_SUCCESS) {
        ATTLS_DEBUG_LOG("tpm", "Load under 0x%08x: %s", parent,
                        attls_tpm_rc_text(rc));
        *out = ESYS_TR_NONE;
    }
    return rc;
}

TSS2_RC attls_tpm_key_open_persistent(ESYS_CONTEXT *esys, uint32_t handle,
                                      ESYS_TR *tr, TPM2B_PUBLIC **pub)
{
    TSS2_RC rc;

    *tr = ESYS_TR_NONE;
    *pub = NULL;
    if ((handle >> 24) != TPM2_HT_PERSISTENT)
        return ATTLS_TPM_RC_UNSUPPORTED;
    for (int attempt = 0;; attempt++) {
        rc = Esys_TR_FromTPMPublic(esys, handle, ESYS_TR_NONE, ESYS_TR_NONE,
                                   ESYS_TR_NONE, tr);
        if (!attls_tpm_should_retry(rc, attempt))
            break;
    }
    if (rc != TSS2_RC_SUCCESS) {
        *tr = ESYS_TR_NONE;
        return rc;
    }
    for (int attempt = 0;; attempt++) {
        rc = Esys_ReadPublic(esys, *tr, ESYS_TR_NONE, ESYS_TR_NONE,
                             ESYS_TR_NONE, pub, NULL, NULL);
        if (!attls_tpm_should_retry(rc, attempt))
            break;
    }
    if (rc != TSS2_RC_SUCCESS) {
        Esys_TR_Close(esys, tr);
        *tr = ESYS_TR_NONE;
        *pub = NULL;
    }
    return rc;
}

TSS2_RC attls_tpm_key_persist(ESYS_CONTEXT *esys, ESYS_TR key, uint32_t handle)
{
    ESYS_TR persistent = ESYS_TR_NONE;
    TSS2_RC rc;

    if ((handle >> 24) != TPM2_HT_PERSISTENT)
        return ATTLS_TPM_RC_UNSUPPORTED;
    for (int attempt = 0;; attempt++) {
        rc = Esys_EvictControl(esys, ESYS_TR_RH_OWNER, key, ESYS_TR_PASSWORD,
                               ESYS_TR_NONE, ESYS_TR_NONE, handle, &persistent);
        if (!attls_tpm_should_retry(rc, attempt))
            break;
    }
    if (rc == TSS2_RC_SUCCESS)
        Esys_TR_Close(esys, &persistent);
    return rc;
}

void attls_tpm_flush(ESYS_CONTEXT *esys, ESYS_TR tr)
{
    TSS2_RC rc;

    if (tr == ESYS_TR_NONE)
        return;
    for (int attempt = 0;; attempt++) {
        rc = Esys_FlushContext(esys, tr);
        if (!attls_tpm_should_retry(rc, attempt))
            break;
    }
    if (rc != TSS2_RC_SUCCESS)
        ATTLS_DEBUG_LOG("tpm", "FlushContext: %s", attls_tpm_rc_text(rc));
}
