/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Raising errors from the provider: an OpenSSL error through the core's
 * new_error/set_error_debug/vset_error upcalls with an attls reason code
 * (include/attls/status.h, ATTLS_ERRORS_KEY and the generic codes) and the
 * same text in the ATTLS_DEBUG log. Raise once, where the failure is found.
 */
#ifndef ATTLS_PROVIDER_ERRORS_H
#define ATTLS_PROVIDER_ERRORS_H

#include <openssl/core.h>
#include <openssl/crypto.h>
#include <tss2/tss2_common.h>

#include "attls/status.h"
#include "provider/provider.h"

#define ATTLS_RAISE(ctx, reason, ...)                                          \
    attls_raise_at((ctx), OPENSSL_FILE, OPENSSL_LINE, OPENSSL_FUNC, (reason),  \
                   __VA_ARGS__)

/* Raise the failure of a tpm/ call: reason from the TSS2_RC class. */
#define ATTLS_RAISE_TPM(ctx, rc, what)                                         \
    attls_raise_tpm_at((ctx), OPENSSL_FILE, OPENSSL_LINE, OPENSSL_FUNC, (rc),  \
                       (what))

/* Raise a keyfile/status failure recorded in an attls_status. */
#define ATTLS_RAISE_STATUS(ctx, st)                                            \
    ATTLS_RAISE((ctx), (st)->code, "%s: %s", (st)->check, (st)->message)

void attls_raise_at(const attls_provctx *ctx, const char *file, int line,
                    const char *func, attls_code reason, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));

void attls_raise_tpm_at(const attls_provctx *ctx, const char *file, int line,
                        const char *func, TSS2_RC rc, const char *what);

/* The reason strings the provider hands to the core. */
const OSSL_ITEM *attls_reason_strings(void);

#endif
