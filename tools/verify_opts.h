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

/**
 * Load --policy (or the default policy) and apply --at/--roots.
 * @return the policy, or NULL after printing why; *exit_code is set then
 */
attls_policy *attls_cli_policy(const char *cmd, const char *path,
                               const attls_cli_common *common, int *exit_code);

/** Print verified claims: indented JSON with --json, else a summary. */
int attls_cli_print_claims(const char *json, int as_json);

#endif
