/* SPDX-License-Identifier: Apache-2.0 */
/**
 * @file tpm/attest.h
 * TPM2_Quote of a PCR selection and TPM2_Certify of a loaded key, both
 * signed by an attestation key with caller-chosen qualifying data (the
 * attls binder).
 */
#ifndef ATTLS_TPM_ATTEST_H
#define ATTLS_TPM_ATTEST_H

#include <stddef.h>
#include <stdint.h>
#include <tss2/tss2_esys.h>

#include "attls/status.h"
#include "tpm/ak.h"

/**
 * TPM2_Quote @p sel with @p ak and qualifying data @p qd (the AK's own
 * signing scheme). Reading the PCR values the quote covers, and checking
 * that they did not change in between, is the caller's (tools/collect.c).
 * @retval ATTLS_OK @p quoted and @p sig filled
 * @retval ATTLS_E_ARGUMENT @p qd longer than a TPM2B_DATA
 * @retval other attls_tpm_rc_code() of a failed TPM2_Quote
 */
attls_code attls_tpm_quote(ESYS_CONTEXT *esys, const attls_ak *ak,
                           const uint8_t *qd, size_t qd_len,
                           const TPML_PCR_SELECTION *sel, TPM2B_ATTEST *quoted,
                           TPMT_SIGNATURE *sig, attls_status *st);

/**
 * TPM2_Certify @p key (empty auth value, admin role) with @p ak and @p qd.
 * @retval ATTLS_OK @p info and @p sig filled
 * @retval other attls_tpm_rc_code() of the failure
 */
attls_code attls_tpm_certify(ESYS_CONTEXT *esys, ESYS_TR key,
                             const attls_ak *ak, const uint8_t *qd,
                             size_t qd_len, TPM2B_ATTEST *info,
                             TPMT_SIGNATURE *sig, attls_status *st);

#endif
