/* SPDX-License-Identifier: Apache-2.0 */
#include "provider/errors.h"

#include <stdarg.h>
#include <stdio.h>

#include "common/log.h"
#include "tpm/connection.h"

#define REASON_ITEM_(name, value, text) {value, (void *)text},
static const OSSL_ITEM reason_strings[] = {
    ATTLS_ERRORS_GENERIC(REASON_ITEM_) ATTLS_ERRORS_KEY(REASON_ITEM_){0, NULL},
};
#undef REASON_ITEM_

const OSSL_ITEM *attls_reason_strings(void)
{
    /* ATTLS_OK (0) is not a reason: start after it. */
    return reason_strings + 1;
}

static void vraise(const attls_provctx *ctx, const char *file, int line,
                   const char *func, attls_code reason, const char *fmt,
                   va_list ap)
{
    va_list log_ap;

    va_copy(log_ap, ap);
    if (attls_log_enabled()) {
        char msg[512];

        vsnprintf(msg, sizeof(msg), fmt, log_ap);
        attls_log("error", "%s (%s) at %s:%d", msg,
                  attls_status_code_name(reason), file, line);
    }
    va_end(log_ap);
    if (ctx == NULL || ctx->new_error == NULL || ctx->vset_error == NULL)
        return;
    ctx->new_error(ctx->handle);
    if (ctx->set_error_debug != NULL)
        ctx->set_error_debug(ctx->handle, file, line, func);
    ctx->vset_error(ctx->handle, (uint32_t)reason, fmt, ap);
}

void attls_raise_at(const attls_provctx *ctx, const char *file, int line,
                    const char *func, attls_code reason, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vraise(ctx, file, line, func, reason, fmt, ap);
    va_end(ap);
}

void attls_raise_tpm_at(const attls_provctx *ctx, const char *file, int line,
                        const char *func, TSS2_RC rc, const char *what)
{
    const char *hint = "";

    switch (attls_tpm_rc_code(rc)) {
    case ATTLS_E_TPM_UNREACHABLE:
    case ATTLS_E_TPM_TCTI:
        hint = " (check the provider's tcti setting or ATTLS_TCTI)";
        break;
    default:
        break;
    }
    attls_raise_at(ctx, file, line, func, attls_tpm_rc_code(rc),
                   "%s: %s (TSS2_RC 0x%x, TCTI '%s')%s", what,
                   attls_tpm_rc_text(rc), (unsigned)rc, attls_tpm_tcti(), hint);
}
