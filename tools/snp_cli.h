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
#include <openssl/x509.h>

#include "attls/status.h"
#include "evidence/snp.h"

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

/** No VEK, any product, no policy (debug allowed unless --no-debug). */
void attls_snp_cli_init(attls_snp_cli *c);

/**
 * Handle one of the options above for command @p cmd.
 * @retval 1 handled, 0 not one of these, -1 invalid value (reported)
 */
int attls_snp_cli_option(attls_snp_cli *c, const char *cmd, int opt,
                         const char *arg);

/** @return non-zero when --chain or --vcek was given. */
int attls_snp_cli_has_vek(const attls_snp_cli *c);

/**
 * Read the VEK given with --chain or --vcek.
 * @retval ATTLS_OK @p vek and @p untrusted set (free both)
 * @retval ATTLS_E_IO the file cannot be read
 * @retval codes of attls_snp_vek_load()
 */
attls_code attls_snp_cli_load_vek(const attls_snp_cli *c, X509 **vek,
                                  STACK_OF(X509) * *untrusted,
                                  attls_status *st);

#endif
