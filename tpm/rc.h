/* SPDX-License-Identifier: Apache-2.0 */
/**
 * @file tpm/rc.h
 * TSS2_RC helpers: attls's own result layer, decoded text, and the mapping
 * from a TSS2_RC to the attls code (and so the provider reason) naming it.
 */
#ifndef ATTLS_TPM_RC_H
#define ATTLS_TPM_RC_H

#include <tss2/tss2_common.h>

#include "attls/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/** TSS2_RC layer of the failures tpm/ detects itself (decoded as "attls"). */
#define ATTLS_TPM_RC_LAYER TSS2_RC_LAYER(0xA7)
/** The calling thread already holds the TPM connection. */
#define ATTLS_TPM_RC_RECURSION ((TSS2_RC)(ATTLS_TPM_RC_LAYER | 1U))
/** Memory allocation failed. */
#define ATTLS_TPM_RC_MEMORY ((TSS2_RC)(ATTLS_TPM_RC_LAYER | 2U))
/** The object's algorithm, curve or size is not one attls supports. */
#define ATTLS_TPM_RC_UNSUPPORTED ((TSS2_RC)(ATTLS_TPM_RC_LAYER | 3U))
/** The object's attributes do not allow the requested use. */
#define ATTLS_TPM_RC_ATTRIBUTES ((TSS2_RC)(ATTLS_TPM_RC_LAYER | 4U))
/** A size does not fit (digest, signature or buffer). */
#define ATTLS_TPM_RC_SIZE ((TSS2_RC)(ATTLS_TPM_RC_LAYER | 5U))

/** A persistent handle now holds a different key than expected. */
#define ATTLS_TPM_RC_MISMATCH ((TSS2_RC)(ATTLS_TPM_RC_LAYER | 6U))

/**
 * A forked child cannot open tpm2-abrmd: its parent already used it, and
 * GLib's shared D-Bus connection does not survive fork().
 */
#define ATTLS_TPM_RC_FORKED_DBUS ((TSS2_RC)(ATTLS_TPM_RC_LAYER | 7U))

/** Register the "attls" layer with Tss2_RC_Decode (idempotent). */
void attls_tpm_rc_register(void);

/** @return Tss2_RC_Decode() text for @p rc (per-thread static storage). */
const char *attls_tpm_rc_text(TSS2_RC rc);

/** @return the attls code that names @p rc's failure class. */
attls_code attls_tpm_rc_code(TSS2_RC rc);

#ifdef __cplusplus
}
#endif

#endif
