/* SPDX-License-Identifier: Apache-2.0 */
#include "tpm/sign.h"

#include <string.h>

#include "tpm/connection.h"

TPMI_ALG_HASH attls_tpm_hash_for_size(size_t len)
{
    switch (len) {
    case TPM2_SHA1_DIGEST_SIZE:
        return TPM2_ALG_SHA1;
    case TPM2_SHA256_DIGEST_SIZE:
        return TPM2_ALG_SHA256;
    case TPM2_SHA384_DIGEST_SIZE:
        return TPM2_ALG_SHA384;
    case TPM2_SHA512_DIGEST_SIZE:
        return TPM2_ALG_SHA512;
    default:
        return TPM2_ALG_ERROR;
    }
}

static TSS2_RC sign(ESYS_CONTEXT *esys, ESYS_TR key, const TPM2B_AUTH *auth,
                    ESYS_TR session, const TPMT_SIG_SCHEME *scheme,
                    const uint8_t *digest, size_t len, TPMT_SIGNATURE **sig)
{
    TPMT_TK_HASHCHECK ticket = {.tag = TPM2_ST_HASHCHECK,
                                .hierarchy = TPM2_RH_NULL};
    TPM2B_DIGEST d = {0};
    TSS2_RC rc;

    if (attls_tpm_hash_for_size(len) != scheme->details.any.hashAlg ||
        len > sizeof(d.buffer))
        return ATTLS_TPM_RC_SIZE;
    d.size = (UINT16)len;
    memcpy(d.buffer, digest, len);
    rc = Esys_TR_SetAuth(esys, key, auth);
    if (rc != TSS2_RC_SUCCESS)
        return rc;
    for (int attempt = 0;; attempt++) {
        rc = Esys_Sign(esys, key, session, ESYS_TR_NONE, ESYS_TR_NONE, &d,
                       scheme, &ticket, sig);
        if (!attls_tpm_should_retry(rc, attempt))
            break;
    }
    return rc;
}

TSS2_RC attls_tpm_sign_ecdsa(ESYS_CONTEXT *esys, ESYS_TR key,
                             const TPM2B_AUTH *auth, ESYS_TR session,
                             TPMI_ALG_HASH halg, const uint8_t *digest,
                             size_t len, TPMS_SIGNATURE_ECC *out)
{
    TPMT_SIG_SCHEME scheme = {.scheme = TPM2_ALG_ECDSA,
                              .details.ecdsa.hashAlg = halg};
    TPMT_SIGNATURE *sig = NULL;
    TSS2_RC rc;

    rc = sign(esys, key, auth, session, &scheme, digest, len, &sig);
    if (rc == TSS2_RC_SUCCESS)
        *out = sig->signature.ecdsa;
    Esys_Free(sig);
    return rc;
}

TSS2_RC attls_tpm_sign_rsassa(ESYS_CONTEXT *esys, ESYS_TR key,
                              const TPM2B_AUTH *auth, ESYS_TR session,
                              TPMI_ALG_HASH halg, const uint8_t *digest,
                              size_t len, TPM2B_PUBLIC_KEY_RSA *out)
{
    TPMT_SIG_SCHEME scheme = {.scheme = TPM2_ALG_RSASSA,
                              .details.rsassa.hashAlg = halg};
    TPMT_SIGNATURE *sig = NULL;
    TSS2_RC rc;

    rc = sign(esys, key, auth, session, &scheme, digest, len, &sig);
    if (rc == TSS2_RC_SUCCESS)
        *out = sig->signature.rsassa.sig;
    Esys_Free(sig);
    return rc;
}

TSS2_RC attls_tpm_rsa_private(ESYS_CONTEXT *esys, ESYS_TR key,
                              const TPM2B_AUTH *auth, ESYS_TR session,
                              const uint8_t *in, size_t len,
                              TPM2B_PUBLIC_KEY_RSA *out)
{
    TPMT_RSA_DECRYPT scheme = {.scheme = TPM2_ALG_NULL};
    TPM2B_PUBLIC_KEY_RSA cipher = {0};
    TPM2B_DATA label = {0};
    TPM2B_PUBLIC_KEY_RSA *result = NULL;
    TSS2_RC rc;

    if (len == 0 || len > sizeof(cipher.buffer))
        return ATTLS_TPM_RC_SIZE;
    cipher.size = (UINT16)len;
    memcpy(cipher.buffer, in, len);
    rc = Esys_TR_SetAuth(esys, key, auth);
    if (rc != TSS2_RC_SUCCESS)
        return rc;
    for (int attempt = 0;; attempt++) {
        rc = Esys_RSA_Decrypt(esys, key, session, ESYS_TR_NONE, ESYS_TR_NONE,
                              &cipher, &scheme, &label, &result);
        if (!attls_tpm_should_retry(rc, attempt))
            break;
    }
    if (rc == TSS2_RC_SUCCESS)
        *out = *result;
    Esys_Free(result);
    return rc;
}
