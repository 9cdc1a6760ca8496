/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The attls subcommands. Each lives in its own tools/cmd_*.c file, takes
 * argv starting at the subcommand's name and returns an ATTLS_EXIT_* code.
 */
#ifndef ATTLS_TOOLS_COMMANDS_H
#define ATTLS_TOOLS_COMMANDS_H

typedef int (*attls_cmd_fn)(int argc, char **argv);

typedef struct attls_command {
    const char *name;    /* as typed: "verify-snp", "key" */
    attls_cmd_fn run;    /* entry point */
    const char *summary; /* one line for `attls --help` */
} attls_command;

/* Defined in tools/command_table.c: one row per subcommand. */
extern const attls_command attls_commands[];

/* Entry points, one per tools/cmd_*.c. */
int attls_cmd_verify_tdx(int argc, char **argv);
int attls_cmd_verify_quote(int argc, char **argv);
int attls_cmd_verify_certify(int argc, char **argv);
int attls_cmd_verify_akcert(int argc, char **argv);
int attls_cmd_key(int argc, char **argv);
int attls_cmd_verify_snp(int argc, char **argv);
int attls_cmd_verify_hcl(int argc, char **argv);
int attls_cmd_cert(int argc, char **argv);
int attls_cmd_show(int argc, char **argv);
int attls_cmd_renew(int argc, char **argv);
int attls_cmd_verify_cert(int argc, char **argv);
int attls_cmd_connect(int argc, char **argv);

#endif
