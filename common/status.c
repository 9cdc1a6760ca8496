/* SPDX-License-Identifier: Apache-2.0 */
#include "attls/status.h"
#include "common/log.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void attls_status_clear(attls_status *st)
{
    if (st == NULL)
        return;
    st->code = ATTLS_OK;
    st->check[0] = '\0';
    st->message[0] = '\0';
}

attls_code attls_fail(attls_status *st, attls_code code, const char *check,
                      const char *fmt, ...)
{
    va_list ap;

    if (st == NULL || st->code != ATTLS_OK)
        return code;
    st->code = code;
    snprintf(st->check, sizeof(st->check), "%s", check);
    va_start(ap, fmt);
    vsnprintf(st->message, sizeof(st->message), fmt, ap);
    va_end(ap);
    ATTLS_DEBUG_LOG("verify", "%s: %s (%s)", st->check, st->message,
                    attls_status_code_name(code));
    return code;
}

#define NAME_CASE_(name, value, text)                                          \
    case name:                                                                 \
        return #name;
const char *attls_status_code_name(attls_code code)
{
    switch (code) {
        ATTLS_ERRORS_ALL(NAME_CASE_)
    }
    return "ATTLS_E_UNKNOWN";
}
#undef NAME_CASE_

#define TEXT_CASE_(name, value, text)                                          \
    case name:                                                                 \
        return text;
const char *attls_status_code_text(attls_code code)
{
    switch (code) {
        ATTLS_ERRORS_ALL(TEXT_CASE_)
    }
    return "unknown error";
}
#undef TEXT_CASE_
