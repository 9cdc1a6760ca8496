/* SPDX-License-Identifier: Apache-2.0 */
/**
 * @file tpm/pcr.h
 * PCR selections ("sha256:0-9,11-15+sha384:0,1", the tpm2-tools syntax with
 * ranges) and reading their values in TPML_PCR_SELECTION order.
 */
#ifndef ATTLS_TPM_PCR_H
#define ATTLS_TPM_PCR_H

#include <stddef.h>
#include <tss2/tss2_esys.h>

#include "attls/status.h"

/** The default quote selection: PCR 10 (IMA) changes continuously. */
#define ATTLS_PCR_DEFAULT "sha256:0-9,11-15"
/** Most banks in a selection. */
#define ATTLS_PCR_MAX_BANKS 4
/** PCR indices 0..23. */
#define ATTLS_PCR_COUNT 24

/**
 * Parse @p spec: banks separated by '+', each "ALG:LIST" where ALG is
 * sha1, sha256, sha384 or sha512 and LIST is comma-separated indices or
 * ranges "a-b" within 0..23. A bank at most once, every index at most once.
 * @retval ATTLS_OK @p sel filled (3-byte select bitmaps)
 * @retval ATTLS_E_PCR_SELECTION malformed (what and where in the message)
 */
attls_code attls_pcr_selection_parse(const char *spec, TPML_PCR_SELECTION *sel,
                                     attls_status *st);

/** Format @p sel back into the syntax above (at most @p len bytes). */
void attls_pcr_selection_format(const TPML_PCR_SELECTION *sel, char *buf,
                                size_t len);

/**
 * Read the values of every PCR @p sel selects, in selection order (bank by
 * bank, ascending index), through as many TPM2_PCR_Read as needed.
 * @param values room for @p max digests
 * @retval ATTLS_OK @p count values written
 * @retval ATTLS_E_PCR_SELECTION a bank the TPM does not have allocated
 * @retval other attls_tpm_rc_code() of a failed TPM2_PCR_Read
 */
attls_code attls_pcr_read(ESYS_CONTEXT *esys, const TPML_PCR_SELECTION *sel,
                          TPM2B_DIGEST *values, size_t max, size_t *count,
                          attls_status *st);

#endif
