/* SPDX-License-Identifier: Apache-2.0 */
/* Command-line options shared by attls cert and attls renew. */
#ifndef ATTLS_TOOLS_ISSUE_CLI_H
#define ATTLS_TOOLS_ISSUE_CLI_H

#include <getopt.h>
#include <stdio.h>

#include <openssl/x509.h>

#include "tools/issue.h"

typedef struct attls_issue_cli {
    attls_issue_opts o;
    uint8_t nonce[64];
    int subject_set, days_set, sans_set, residency_set, pcrs_set;
    STACK_OF(X509) *ak_chain;
} attls_issue_cli;

/* Options 0x200.. so that they do not clash with ATTLS_CLI_COMMON_OPTIONS. */
#define ATTLS_ISSUE_OPTIONS                                                    \
    {"key", required_argument, NULL, 0x200},                                   \
        {"cert", required_argument, NULL, 0x201},                              \
        {"csr", required_argument, NULL, 0x202},                               \
        {"subject", required_argument, NULL, 0x203},                           \
        {"san", required_argument, NULL, 0x204},                               \
        {"days", required_argument, NULL, 0x205},                              \
        {"residency", required_argument, NULL, 0x206},                         \
        {"platform", required_argument, NULL, 0x207},                          \
        {"pcr-policy", no_argument, NULL, 0x208},                              \
        {"pcrs", required_argument, NULL, 0x209},                              \
        {"key-type", required_argument, NULL, 0x20a},                          \
        {"nonce", required_argument, NULL, 0x20b},                             \
        {"tcti", required_argument, NULL, 0x20c},                              \
        {"imds-url", required_argument, NULL, 0x20d},                          \
        {"tsm-dir", required_argument, NULL, 0x20e},                           \
        {"no-endorsements", no_argument, NULL, 0x20f},                         \
        {"ak-chain", required_argument, NULL, 0x210},                          \
    {                                                                          \
        "azure-wait", required_argument, NULL, 0x211                           \
    }

/** Defaults: new EC P-256 vtpm key, 30 days, detected platform. */
void attls_issue_cli_init(attls_issue_cli *c);

/**
 * Handle one ATTLS_ISSUE_OPTIONS option.
 * @retval 1 handled, 0 not one of them, -1 invalid (reported on stderr)
 */
int attls_issue_cli_option(attls_issue_cli *c, const char *cmd, int opt,
                           const char *arg);

/**
 * Check the combination and finish the options (TCTI into the
 * environment for the provider).
 * @retval 0 ok, -1 invalid (reported)
 */
int attls_issue_cli_finish(attls_issue_cli *c, const char *cmd);

void attls_issue_cli_free(attls_issue_cli *c);

/** The option lines of the usage text. */
void attls_issue_cli_help(FILE *out);

/** Run attls_issue() and report the outcome on stderr; exit code. */
int attls_issue_cli_run(attls_issue_cli *c, const char *cmd);

#endif
