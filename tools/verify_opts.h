/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The policy options of the commands that verify attls certificates
 * (verify-cert, connect): --policy FILE plus --at and --roots, which
 * override the policy's verification_time and roots_dir.
 */
#ifndef ATTLS_TOOLS_VERIFY_OPTS_H
#define ATTLS_TOOLS_VERIFY_OPTS_H

#include "attls/attls.h"
#include "tools/cli.h"

#define ATTLS_CLI_POLICY_OPTION 0x180

/** Options of a command that verifies attls evidence. */
typedef struct attls_cli_verify {
    attls_cli_common common;
    const char *policy_path; /* --policy, NULL: the default policy */
} attls_cli_verify;

/* Long options for attls_cli_verify, to append to a command's table. */
#define ATTLS_CLI_VERIFY_OPTIONS                                               \
    {"policy", required_argument, NULL, ATTLS_CLI_POLICY_OPTION},              \
        ATTLS_CLI_COMMON_OPTIONS

void attls_cli_verify_init(attls_cli_verify *v);

/**
 * Handle --policy or a common option.
 * @retval 1 handled, 0 not one of them, -1 invalid value (reported)
 */
int attls_cli_verify_option(attls_cli_verify *v, int opt, const char *arg);

/**
 * Load --policy (or the default policy) and apply --at/--roots.
 * @return the policy, or NULL after printing why; *exit_code is set then
 */
attls_policy *attls_cli_policy(const char *cmd, const attls_cli_verify *v,
                               int *exit_code);

/** Print verified claims: indented JSON with --json, else a summary. */
int attls_cli_print_claims(const char *json, int as_json);

#endif
