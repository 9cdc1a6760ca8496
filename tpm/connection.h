/* SPDX-License-Identifier: Apache-2.0 */
/**
 * @file tpm/connection.h
 * The process's one connection to the TPM.
 *
 * Every part of attls that talks to the TPM (provider, command line, quote,
 * certify, NV) goes through this API:
 *
 *     attls_tpm_conn c;
 *     TSS2_RC rc = attls_tpm_acquire(&c);
 *     if (rc != TSS2_RC_SUCCESS) ...;      // not connected, lock not held
 *     rc = Esys_Something(c.esys, ...);
 *     attls_tpm_release(&c, rc);
 *
 * - One ESYS_CONTEXT per process, opened lazily by the first acquire (never
 *   at provider load: the TPM may not be up yet, and OpenSSL may be loading
 *   the provider from inside another library's initialisation).
 * - A mutex serialises threads: everything between acquire and release is
 *   one critical section (load, sign, flush stay together).
 * - After fork() the child never uses, finalizes or flushes anything the
 *   parent opened: a pthread_atfork child handler only sets a flag (and a
 *   cached-pid check backs it up); the next acquire opens a fresh
 *   connection. Objects loaded in the parent are simply forgotten.
 * - Each freshly opened connection gets a new generation number. A caller
 *   that keeps an ESYS_TR across acquire/release (a resident key) records
 *   the generation and treats the handle as gone when it changes.
 * - A TCTI-level failure (TPM or resource manager went away) drops the
 *   connection at release; the next acquire reconnects.
 *
 * The TCTI string comes from attls_tpm_configure(); default
 * "device:/dev/tpmrm0".
 */
#ifndef ATTLS_TPM_CONNECTION_H
#define ATTLS_TPM_CONNECTION_H

#include <stdint.h>
#include <tss2/tss2_esys.h>

#include "tpm/rc.h"

#ifdef __cplusplus
extern "C" {
#endif

/** TCTI used when nothing was configured. */
#define ATTLS_TPM_DEFAULT_TCTI "device:/dev/tpmrm0"

/** Extra attempts after ESYS's own retries for RETRY/YIELDED/TESTING. */
#define ATTLS_TPM_MAX_RETRIES 8

/** A held connection: valid between acquire and release. */
typedef struct attls_tpm_conn {
    ESYS_CONTEXT *esys;  /**< the process's ESYS context */
    uint64_t generation; /**< changes whenever a new context is opened */
} attls_tpm_conn;

/**
 * Set the TCTI configuration string (e.g. "swtpm:port=2321",
 * "tabrmd:bus_type=session"); NULL or "" restores the default. Takes effect
 * at the next connect: an open connection is kept.
 * @retval 0 stored, -1 allocation failure
 */
int attls_tpm_configure(const char *tcti);

/** @return the TCTI string the next connect will use (never NULL). */
const char *attls_tpm_tcti(void);

/**
 * Lock the connection and open it if needed.
 * @param[out] conn filled in on success
 * @retval TSS2_RC_SUCCESS connected, lock held: call attls_tpm_release()
 * @retval other TCTI loader or ESYS error; lock not held
 */
TSS2_RC attls_tpm_acquire(attls_tpm_conn *conn);

/**
 * Lock the connection only if this process already has it open (never
 * connects). For cleanup paths, e.g. flushing a key when it is freed.
 * @retval 1 locked (call attls_tpm_release()), 0 not connected
 */
int attls_tpm_acquire_existing(attls_tpm_conn *conn);

/**
 * Unlock the connection. @p last_rc is the last TSS2 result seen while it
 * was held: a TCTI-layer failure closes the connection so that the next
 * acquire reconnects (objects of the old connection are gone with it).
 */
void attls_tpm_release(attls_tpm_conn *conn, TSS2_RC last_rc);

/**
 * @return non-zero when the calling thread holds the connection (used to
 * refuse re-entry from OpenSSL code that ESYS itself calls).
 */
int attls_tpm_held_by_me(void);

/**
 * Close the connection if this process opened one (no TPM commands are sent;
 * in a forked child the parent's connection is left alone). For tests and
 * tools that want a clean exit; the provider relies on process exit.
 */
void attls_tpm_disconnect(void);

/**
 * Decide whether to repeat a command that failed with @p rc.
 * Sleeps (with backoff) and returns 1 for TPM_RC_RETRY, TPM_RC_YIELDED and
 * TPM_RC_TESTING while @p attempt < ATTLS_TPM_MAX_RETRIES; otherwise 0.
 */
int attls_tpm_should_retry(TSS2_RC rc, int attempt);

#ifdef __cplusplus
}
#endif

#endif
