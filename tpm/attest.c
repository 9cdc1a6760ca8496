/* SPDX-License-Identifier: Apache-2.0 */
#include "tpm/attest.h"

#include <string.h>

#include <openssl/crypto.h>

#include "tpm/connection.h"
#include "tpm/rc.h"

static attls_code set_qd(TPM2B_DATA *d, const uint8_t *qd, size_t len,
                         attls_status *st)
{
    if (len > sizeof(d->buffer))
        return attls_fail(st, ATTLS_E_ARGUMENT, "tpm.qualifying_data",
                          "qualifying data of %zu bytes is too long", len);
    d->size = (UINT16)len;
    if (len > 0)
        memcpy(d->buffer, qd, len);
    return ATTLS_OK;
}

static attls_code quote_once(ESYS_CONTEXT *esys, const attls_ak *ak,
                             const TPM2B_DATA *qd,
                             const TPML_PCR_SELECTION *sel,
                             TPM2B_ATTEST *quoted, TPMT_SIGNATURE *sig,
                             attls_status *st)
{
    TPMT_SIG_SCHEME scheme = {.scheme = TPM2_ALG_NULL};
    TPM2B_ATTEST *q = NULL;
    TPMT_SIGNATURE *s = NULL;
    TSS2_RC rc;

    for (int attempt = 0;; attempt++) {
        rc = Esys_Quote(esys, ak->tr, ESYS_TR_PASSWORD, ESYS_TR_NONE,
                        ESYS_TR_NONE, qd, &scheme, sel, &q, &s);
        if (!attls_tpm_should_retry(rc, attempt))
            break;
    }
    if (rc != TSS2_RC_SUCCESS)
        return attls_fail(st, attls_tpm_rc_code(rc), "tpm.quote",
                          "TPM2_Quote failed: %s", attls_tpm_rc_text(rc));
    *quoted = *q;
    *sig = *s;
    Esys_Free(q);
    Esys_Free(s);
    return ATTLS_OK;
}

attls_code attls_tpm_quote(ESYS_CONTEXT *esys, const attls_ak *ak,
                           const uint8_t *qd, size_t qd_len,
                           const TPML_PCR_SELECTION *sel, TPM2B_ATTEST *quoted,
                           TPMT_SIGNATURE *sig, attls_status *st)
{
    TPM2B_DATA data = {0};
    attls_code rc = set_qd(&data, qd, qd_len, st);

    if (rc != ATTLS_OK)
        return rc;
    return quote_once(esys, ak, &data, sel, quoted, sig, st);
}

attls_code attls_tpm_certify(ESYS_CONTEXT *esys, ESYS_TR key,
                             const attls_ak *ak, const uint8_t *qd,
                             size_t qd_len, TPM2B_ATTEST *info,
                             TPMT_SIGNATURE *sig, attls_status *st)
{
    TPMT_SIG_SCHEME scheme = {.scheme = TPM2_ALG_NULL};
    TPM2B_DATA data = {0};
    TPM2B_ATTEST *i = NULL;
    TPMT_SIGNATURE *s = NULL;
    attls_code code = set_qd(&data, qd, qd_len, st);
    TSS2_RC rc;

    if (code != ATTLS_OK)
        return code;
    for (int attempt = 0;; attempt++) {
        rc = Esys_Certify(esys, key, ak->tr, ESYS_TR_PASSWORD, ESYS_TR_PASSWORD,
                          ESYS_TR_NONE, &data, &scheme, &i, &s);
        if (!attls_tpm_should_retry(rc, attempt))
            break;
    }
    if (rc != TSS2_RC_SUCCESS)
        return attls_fail(st, attls_tpm_rc_code(rc), "tpm.certify",
                          "TPM2_Certify failed: %s", attls_tpm_rc_text(rc));
    *info = *i;
    *sig = *s;
    Esys_Free(i);
    Esys_Free(s);
    return ATTLS_OK;
}
