/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Shared plumbing of the attls command: exit codes, the options every
 * verify command takes (--at, --roots, --json), and result reporting.
 */
#ifndef ATTLS_TOOLS_CLI_H
#define ATTLS_TOOLS_CLI_H

#include <getopt.h>
#include <stdio.h>
#include <time.h>

#include "attls/status.h"

/* The same exit codes for every subcommand (documented in attls(1)). */
enum {
    ATTLS_EXIT_OK = 0,       /* verified / done */
    ATTLS_EXIT_REJECTED = 1, /* the evidence was checked and rejected */
    ATTLS_EXIT_USAGE = 2,    /* bad command line */
    ATTLS_EXIT_ERROR = 3,    /* input unreadable, TPM unreachable, internal */
};

/** Options shared by every verify command. */
typedef struct attls_cli_common {
    time_t at;             /* verification instant */
    int have_at;           /* --at given; otherwise the wall clock */
    const char *roots_dir; /* --roots: replaces the pinned roots */
    int json;              /* --json: print the claims as JSON */
} attls_cli_common;

/* Long options for attls_cli_common, to append to a command's table. */
#define ATTLS_CLI_COMMON_OPTIONS                                               \
    {"at", required_argument, NULL, 0x100},                                    \
        {"roots", required_argument, NULL, 0x101},                             \
        {"json", no_argument, NULL, 0x102},                                    \
    {                                                                          \
        "help", no_argument, NULL, 'h'                                         \
    }

/** Initialise @p c: wall-clock time, pinned roots, text output. */
void attls_cli_common_init(attls_cli_common *c);

/**
 * Handle one of ATTLS_CLI_COMMON_OPTIONS.
 * @retval 1 handled, 0 not a common option, -1 invalid value (reported)
 */
int attls_cli_common_option(attls_cli_common *c, int opt, const char *arg);

/** Map a verifier result to the command's exit code. */
int attls_cli_exit_code(attls_code code);

/**
 * Print the outcome of @p cmd on stderr: "attls CMD: OK" or
 * "attls CMD: rejected: check: message [ATTLS_E_...]"; return the exit code.
 */
int attls_cli_report(const char *cmd, const attls_status *st);

/** Print a usage error for @p cmd and return ATTLS_EXIT_USAGE. */
int attls_cli_usage_error(const char *cmd, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#endif
