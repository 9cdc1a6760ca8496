/* SPDX-License-Identifier: Apache-2.0 */
#include "tools/cli.h"

#include <stdarg.h>
#include <string.h>

#include "common/timeutil.h"

void attls_cli_common_init(attls_cli_common *c)
{
    memset(c, 0, sizeof(*c));
    c->at = time(NULL);
}

int attls_cli_common_option(attls_cli_common *c, int opt, const char *arg)
{
    switch (opt) {
    case 0x100:
        if (attls_parse_rfc3339(arg, &c->at) != 0) {
            fprintf(stderr,
                    "attls: --at '%s' is not an RFC 3339 time "
                    "(e.g. 2026-03-01T00:00:00Z)\n",
                    arg);
            return -1;
        }
        c->have_at = 1;
        return 1;
    case 0x101:
        c->roots_dir = arg;
        return 1;
    case 0x102:
        c->json = 1;
        return 1;
    default:
        return 0;
    }
}

int attls_cli_exit_code(attls_code code)
{
    switch (code) {
    case ATTLS_OK:
        return ATTLS_EXIT_OK;
    case ATTLS_E_ARGUMENT:
        return ATTLS_EXIT_USAGE;
    case ATTLS_E_IO:
    case ATTLS_E_INTERNAL:
        return ATTLS_EXIT_ERROR;
    default:
        return ATTLS_EXIT_REJECTED;
    }
}

int attls_cli_report(const char *cmd, const attls_status *st)
{
    if (st->code == ATTLS_OK) {
        fprintf(stderr, "attls %s: OK\n", cmd);
    } else {
        fprintf(stderr, "attls %s: %s: %s: %s [%s]\n", cmd,
                attls_cli_exit_code(st->code) == ATTLS_EXIT_REJECTED
                    ? "rejected"
                    : "error",
                st->check[0] ? st->check : "-", st->message,
                attls_status_code_name(st->code));
    }
    return attls_cli_exit_code(st->code);
}

int attls_cli_usage_error(const char *cmd, const char *fmt, ...)
{
    va_list ap;

    fprintf(stderr, "attls %s: ", cmd);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, " (see 'attls %s --help')\n", cmd);
    return ATTLS_EXIT_USAGE;
}
