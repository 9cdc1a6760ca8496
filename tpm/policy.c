/* SPDX-License-Identifier: Apache-2.0 */
#include "tpm/policy.h"

#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <tss2/tss2_mu.h>

#include "common/log.h"
#include "tpm/connection.h"
#include "tpm/keys.h"
#include "tpm/rc.h"

TSS2_RC attls_tpm_policy_pcr_values(const TPM2B_DIGEST *values, size_t count,
                                    TPM2B_DIGEST *pcr_digest)
{
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    unsigned int len = 0;
    int ok = md != NULL && EVP_DigestInit_ex(md, EVP_sha256(), NULL) == 1;

    for (size_t i = 0; ok && i < count; i++)
        ok = values[i].size <= sizeof(values[i].buffer) &&
             EVP_DigestUpdate(md, values[i].buffer, values[i].size) == 1;
    ok = ok && EVP_DigestFinal_ex(md, pcr_digest->buffer, &len) == 1;
    EVP_MD_CTX_free(md);
    pcr_digest->size = ok ? (UINT16)len : 0;
    return ok ? TSS2_RC_SUCCESS : ATTLS_TPM_RC_SIZE;
}

TSS2_RC attls_tpm_policy_pcr_digest(const TPML_PCR_SELECTION *pcrs,
                                    const TPM2B_DIGEST *pcr_digest,
                                    TPM2B_DIGEST *policy)
{
    uint8_t buf[TPM2_SHA256_DIGEST_SIZE + 4 + sizeof(TPML_PCR_SELECTION) +
                TPM2_SHA256_DIGEST_SIZE];
    size_t off = TPM2_SHA256_DIGEST_SIZE;
    unsigned int len = 0;

    memset(policy, 0, sizeof(*policy));
    if (pcr_digest->size != TPM2_SHA256_DIGEST_SIZE)
        return ATTLS_TPM_RC_SIZE;
    /* The empty policy a fresh session starts from. */
    memset(buf, 0, TPM2_SHA256_DIGEST_SIZE);
    if (Tss2_MU_TPM2_CC_Marshal(TPM2_CC_PolicyPCR, buf, sizeof(buf), &off) !=
            TSS2_RC_SUCCESS ||
        Tss2_MU_TPML_PCR_SELECTION_Marshal(pcrs, buf, sizeof(buf), &off) !=
            TSS2_RC_SUCCESS)
        return ATTLS_TPM_RC_UNSUPPORTED;
    memcpy(buf + off, pcr_digest->buffer, TPM2_SHA256_DIGEST_SIZE);
    off += TPM2_SHA256_DIGEST_SIZE;
    if (EVP_Digest(buf, off, policy->buffer, &len, EVP_sha256(), NULL) != 1)
        return ATTLS_TPM_RC_SIZE;
    policy->size = (UINT16)len;
    return TSS2_RC_SUCCESS;
}

int attls_tpm_policy_pcr_binds(const TPMT_PUBLIC *pub,
                               const TPML_PCR_SELECTION *pcrs,
                               const TPM2B_DIGEST *pcr_digest)
{
    TPM2B_DIGEST want;

    return pub->nameAlg == TPM2_ALG_SHA256 &&
           !(pub->objectAttributes & TPMA_OBJECT_USERWITHAUTH) &&
           attls_tpm_policy_pcr_digest(pcrs, pcr_digest, &want) ==
               TSS2_RC_SUCCESS &&
           pub->authPolicy.size == want.size &&
           CRYPTO_memcmp(pub->authPolicy.buffer, want.buffer, want.size) == 0;
}

static TSS2_RC start_policy_session(ESYS_CONTEXT *esys, ESYS_TR *session)
{
    TPMT_SYM_DEF symmetric = {.algorithm = TPM2_ALG_NULL};
    TSS2_RC rc;

    for (int attempt = 0;; attempt++) {
        rc = Esys_StartAuthSession(esys, ESYS_TR_NONE, ESYS_TR_NONE,
                                   ESYS_TR_NONE, ESYS_TR_NONE, ESYS_TR_NONE,
                                   NULL, TPM2_SE_POLICY, &symmetric,
                                   TPM2_ALG_SHA256, session);
        if (!attls_tpm_should_retry(rc, attempt))
            break;
    }
    if (rc != TSS2_RC_SUCCESS)
        *session = ESYS_TR_NONE;
    return rc;
}

TSS2_RC attls_tpm_policy_pcr_session(ESYS_CONTEXT *esys,
                                     const TPML_PCR_SELECTION *pcrs,
                                     ESYS_TR *session)
{
    TPM2B_DIGEST current = {0}; /* empty: the TPM uses the current values */
    TSS2_RC rc = start_policy_session(esys, session);

    if (rc != TSS2_RC_SUCCESS) {
        ATTLS_DEBUG_LOG("tpm", "StartAuthSession (policy): %s",
                        attls_tpm_rc_text(rc));
        return rc;
    }
    for (int attempt = 0;; attempt++) {
        rc = Esys_PolicyPCR(esys, *session, ESYS_TR_NONE, ESYS_TR_NONE,
                            ESYS_TR_NONE, &current, pcrs);
        if (!attls_tpm_should_retry(rc, attempt))
            break;
    }
    if (rc != TSS2_RC_SUCCESS) {
        ATTLS_DEBUG_LOG("tpm", "PolicyPCR: %s", attls_tpm_rc_text(rc));
        attls_tpm_flush(esys, *session);
        *session = ESYS_TR_NONE;
    }
    return rc;
}
