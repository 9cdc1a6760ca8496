/* SPDX-License-Identifier: Apache-2.0 */
#include "tpm/parent.h"

#include <string.h>

#include "common/log.h"
#include "tpm/connection.h"
#include "tpm/keys.h"

int attls_tpm_parent_handle_valid(uint32_t handle)
{
    return handle == 0 || handle == ATTLS_TPM_PARENT_OWNER ||
           (handle >> 24) == TPM2_HT_PERSISTENT;
}

void attls_tpm_srk_template(int rsa, TPM2B_PUBLIC *out)
{
    TPMT_PUBLIC *p = &out->publicArea;

    memset(out, 0, sizeof(*out));
    p->nameAlg = TPM2_ALG_SHA256;
    p->objectAttributes = TPMA_OBJECT_FIXEDTPM | TPMA_OBJECT_FIXEDPARENT |
                          TPMA_OBJECT_SENSITIVEDATAORIGIN |
                          TPMA_OBJECT_USERWITHAUTH | TPMA_OBJECT_NODA |
                          TPMA_OBJECT_RESTRICTED | TPMA_OBJECT_DECRYPT;
    if (rsa) {
        p->type = TPM2_ALG_RSA;
        p->parameters.rsaDetail.symmetric.algorithm = TPM2_ALG_AES;
        p->parameters.rsaDetail.symmetric.keyBits.aes = 128;
        p->parameters.rsaDetail.symmetric.mode.aes = TPM2_ALG_CFB;
        p->parameters.rsaDetail.scheme.scheme = TPM2_ALG_NULL;
        p->parameters.rsaDetail.keyBits = 2048;
        p->parameters.rsaDetail.exponent = 0;
    } else {
        p->type = TPM2_ALG_ECC;
        p->parameters.eccDetail.symmetric.algorithm = TPM2_ALG_AES;
        p->parameters.eccDetail.symmetric.keyBits.aes = 128;
        p->parameters.eccDetail.symmetric.mode.aes = TPM2_ALG_CFB;
        p->parameters.eccDetail.scheme.scheme = TPM2_ALG_NULL;
        p->parameters.eccDetail.curveID = TPM2_ECC_NIST_P256;
        p->parameters.eccDetail.kdf.scheme = TPM2_ALG_NULL;
    }
    /* unique stays empty: that is what makes the SRK reproducible. */
}

static TSS2_RC create_srk(ESYS_CONTEXT *esys, int rsa, const TPM2B_AUTH *auth,
                          ESYS_TR *out)
{
    TPM2B_SENSITIVE_CREATE sensitive = {0};
    TPM2B_PUBLIC template;
    TPM2B_DATA outside = {0};
    TPML_PCR_SELECTION pcrs = {0};
    TSS2_RC rc;

    attls_tpm_srk_template(rsa, &template);
    if (auth != NULL) {
        rc = Esys_TR_SetAuth(esys, ESYS_TR_RH_OWNER, auth);
        if (rc != TSS2_RC_SUCCESS)
            return rc;
    }
    for (int attempt = 0;; attempt++) {
        rc = Esys_CreatePrimary(esys, ESYS_TR_RH_OWNER, ESYS_TR_PASSWORD,
                                ESYS_TR_NONE, ESYS_TR_NONE, &sensitive,
                                &template, &outside, &pcrs, out, NULL, NULL,
                                NULL, NULL);
        if (!attls_tpm_should_retry(rc, attempt))
            break;
    }
    return rc;
}

static TSS2_RC open_persistent(ESYS_CONTEXT *esys, uint32_t handle,
                               const TPM2B_AUTH *auth, ESYS_TR *out)
{
    TSS2_RC rc;

    for (int attempt = 0;; attempt++) {
        rc = Esys_TR_FromTPMPublic(esys, handle, ESYS_TR_NONE, ESYS_TR_NONE,
                                   ESYS_TR_NONE, out);
        if (!attls_tpm_should_retry(rc, attempt))
            break;
    }
    if (rc != TSS2_RC_SUCCESS)
        return rc;
    if (auth != NULL) {
        rc = Esys_TR_SetAuth(esys, *out, auth);
        if (rc != TSS2_RC_SUCCESS) {
            Esys_TR_Close(esys, out);
            return rc;
        }
    }
    return TSS2_RC_SUCCESS;
}

TSS2_RC attls_tpm_parent_open(ESYS_CONTEXT *esys, uint32_t handle, int rsa,
                              const TPM2B_AUTH *auth, attls_tpm_parent *out)
{
    TSS2_RC rc;

    out->tr = ESYS_TR_NONE;
    out->transient = 0;
    if (!attls_tpm_parent_handle_valid(handle))
        return ATTLS_TPM_RC_UNSUPPORTED;
    if (handle == 0 || handle == ATTLS_TPM_PARENT_OWNER) {
        rc = create_srk(esys, rsa, auth, &out->tr);
        out->transient = rc == TSS2_RC_SUCCESS;
    } else {
        rc = open_persistent(esys, handle, auth, &out->tr);
    }
    if (rc != TSS2_RC_SUCCESS) {
        ATTLS_DEBUG_LOG("tpm", "parent 0x%08x: %s", handle,
                        attls_tpm_rc_text(rc));
        out->tr = ESYS_TR_NONE;
    }
    return rc;
}

void attls_tpm_parent_close(ESYS_CONTEXT *esys, attls_tpm_parent *p)
{
    if (p->tr == ESYS_TR_NONE)
        return;
    if (p->transient)
        attls_tpm_flush(esys, p->tr);
    else
        Esys_TR_Close(esys, &p->tr);
    p->tr = ESYS_TR_NONE;
    p->transient = 0;
}
