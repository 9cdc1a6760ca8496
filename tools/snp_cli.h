/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Options shared by verify-snp and verify-hcl: where the VCEK/VLEK comes
 * from (--chain, --vcek), the expected product, and the opt-in SEV-SNP
 * policy checks (--no-debug, --vmpl, --measurement, --report-data,
 * --min-tcb, --min-version).
 */
#ifndef ATTLS_TOOLS_SNP_CLI_H
#define ATTLS_TOOLS_SNP_CLI_H

#include <getopt.h>
#include <stdio.h>

#include <openssl/x509.h>

#include "attls/status.h"
#include "evidence/snp.h"
#include "tools/cli.h"

#define ATTLS_SNP_CLI_MAX_MEASUREMENTS 64

typedef struct attls_snp_cli {
    const char *chain_path; /* --chain: PEM VEK[,ASK/ASVK,ARK] */
    const char *vcek_path;  /* --vcek: one DER (or PEM) certificate */
    attls_snp_product product;
    int policy_requested; /* any policy option given */
    attls_snp_policy policy;
    uint8_t measurements[ATTLS_SNP_CLI_MAX_MEASUREMENTS][48];
    uint8_t report_data[64];
} attls_snp_cli;

#define ATTLS_SNP_CLI_VEK_OPTIONS                                              \
    {"chain", required_argument, NULL, 0x200},                                 \
        {"vcek", required_argument, NULL, 0x201},                              \
    {                                                                          \
        "product", required_argument, NULL, 0x202                              \
    }

#define ATTLS_SNP_CLI_POLICY_OPTIONS                                           \
    {"no-debug", no_argument, NULL, 0x210},                                    \
        {"vmpl", required_argument, NULL, 0x211},                              \
        {"measurement", required_argument, NULL, 0x212},                       \
        {"report-data", required_argument, NULL, 0x213},                       \
        {"min-tcb", required_argument, NULL, 0x214},                           \
    {                                                                          \
        "min-version", required_argument, NULL, 0x215                          \
    }

/**
 * Start parsing a command line: @p common and @p c to their defaults (no
 * VEK, any product, no policy: debug allowed unless --no-debug), getopt
 * reset.
 */
void attls_snp_cli_init(attls_snp_cli *c, attls_cli_common *common);

/**
 * Handle one of the options above for command @p cmd.
 * @retval 1 handled, 0 not one of these, -1 invalid value (reported)
 */
int attls_snp_cli_option(attls_snp_cli *c, const char *cmd, int opt,
                         const char *arg);

/* attls_snp_cli_next() results besides an option code. */
enum {
    ATTLS_SNP_CLI_END = -1,  /* no more options */
    ATTLS_SNP_CLI_HELP = -2, /* --help: usage printed on stdout */
    ATTLS_SNP_CLI_BAD = -3,  /* invalid option or value (reported) */
};

/**
 * One getopt_long() step of verify-snp/verify-hcl: --help, the common
 * options (tools/cli.h) and the options above are handled here.
 * @param usage prints the command's usage (stdout for --help, stderr for
 *        an unknown option)
 * @return an option code of the command's own, or ATTLS_SNP_CLI_*
 */
int attls_snp_cli_next(int argc, char **argv, const struct option *longopts,
                       const char *cmd, void (*usage)(FILE *),
                       attls_cli_common *common, attls_snp_cli *c);

/**
 * After the option loop ended with @p last (from attls_snp_cli_next()),
 * take the one positional argument, named @p what in messages.
 * @retval 0 @p path set
 * @retval -1 --help was given (nothing more to do)
 * @retval ATTLS_EXIT_USAGE bad options or not exactly one argument
 */
int attls_snp_cli_finish(int argc, char **argv, int last, const char *cmd,
                         const char *what, const char **path);

/** @return non-zero when --chain or --vcek was given. */
int attls_snp_cli_has_vek(const attls_snp_cli *c);

/**
 * Read the VEK given with --chain or --vcek.
 * @retval ATTLS_OK @p vek and @p untrusted set (free both)
 * @retval ATTLS_E_IO the file cannot be read
 * @retval codes of attls_snp_vek_load()
 */
attls_code attls_snp_cli_load_vek(const attls_snp_cli *c, X509 **vek,
                                  STACK_OF(X509) **untrusted, attls_status *st);

#endif
