/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Debug log shared by every part of attls.
 *
 * Off unless ATTLS_DEBUG is set (to 1, or to file:/path to append to a file
 * instead of stderr). The setting is read once per process, at the first
 * call, because servers such as nginx clear the environment of the worker
 * processes they fork: the master's decision must carry over.
 *
 * Never pass secrets (auth values, private keys) to these functions.
 */
#ifndef ATTLS_COMMON_LOG_H
#define ATTLS_COMMON_LOG_H

#include <stdarg.h>

/** @return non-zero when ATTLS_DEBUG asked for debug output. */
int attls_log_enabled(void);

/**
 * Write one debug line "attls[pid] module: message" when enabled.
 * @param module short name of the part that logs ("tpm", "keymgmt", ...)
 */
void attls_log(const char *module, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/** va_list variant of attls_log(). */
void attls_vlog(const char *module, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));

#define ATTLS_DEBUG_LOG(module, ...)                                          \
    do {                                                                       \
        if (attls_log_enabled())                                               \
            attls_log(module, __VA_ARGS__);                                    \
    } while (0)

#endif
