/* SPDX-License-Identifier: Apache-2.0 */
/**
 * @file tpm/nv.h
 * NV indices: existence and size, whole reads in chunks of
 * TPM2_PT_NV_BUFFER_MAX, and the owner-defined index the Azure user data
 * lives in. Failures are reported as attls codes whose messages name the
 * index (the caller says what the index is for).
 */
#ifndef ATTLS_TPM_NV_H
#define ATTLS_TPM_NV_H

#include <stddef.h>
#include <stdint.h>
#include <tss2/tss2_esys.h>

#include "attls/status.h"
#include "common/bytes.h"

/** Largest NV index attls reads (the Azure AK certificate index: 4096). */
#define ATTLS_NV_MAX_READ 8192

/**
 * Public area of NV index @p index.
 * @param what what the index holds, for messages ("Azure HCL report")
 * @retval ATTLS_OK @p pub filled
 * @retval ATTLS_E_NV_MISSING the index is not defined
 * @retval other attls_tpm_rc_code() of the failure
 */
attls_code attls_nv_public(ESYS_CONTEXT *esys, TPM2_HANDLE index,
                           const char *what, TPMS_NV_PUBLIC *pub,
                           attls_status *st);

/**
 * @return 1 if the TPM lists @p handle (an NV index or a persistent
 * object) among its handles, 0 if not or on error. A capability query, so
 * that probing an absent index does not make ESYS log TPM errors.
 */
int attls_tpm_handle_exists(ESYS_CONTEXT *esys, TPM2_HANDLE handle);

/** @return 1 if NV index @p index is defined, 0 if not (or on error). */
int attls_nv_exists(ESYS_CONTEXT *esys, TPM2_HANDLE index);

/**
 * Read the whole NV index @p index (owner authorization when the index
 * allows ownerread, else its own empty auth value).
 * @retval ATTLS_OK @p out owns dataSize bytes
 * @retval ATTLS_E_NV_MISSING not defined
 * @retval ATTLS_E_NV_ACCESS neither owner nor auth reads allowed, or the
 *         read failed (TSS2 text in the message)
 * @retval ATTLS_E_NV_CONTENT larger than ATTLS_NV_MAX_READ
 */
attls_code attls_nv_read(ESYS_CONTEXT *esys, TPM2_HANDLE index,
                         const char *what, attls_buf *out, attls_status *st);

/**
 * Write @p len bytes at offset 0 of the owner-hierarchy index @p index,
 * defining it first (ownerread|ownerwrite, nameAlg SHA-256, @p len bytes)
 * when it does not exist, and redefining an owner-created index of
 * another size.
 * @retval ATTLS_OK written
 * @retval ATTLS_E_NV_ACCESS define, undefine or write failed, or the index
 *         exists with another size and was not created by the owner
 */
attls_code attls_nv_write_owner(ESYS_CONTEXT *esys, TPM2_HANDLE index,
                                const char *what, const uint8_t *data,
                                size_t len, attls_status *st);

#endif
