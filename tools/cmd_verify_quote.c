/* SPDX-License-Identifier: Apache-2.0 */
/* attls verify-quote: check a TPM2_Quote offline. */
#include <stdio.h>
#include <string.h>

#include "evidence/tpm_attest.h"
#include "tools/cli.h"
#include "tools/cli_json.h"
#include "tools/commands.h"
#include "tools/tpm_inputs.h"

#define CMD "verify-quote"
#define MAX_PCR_ARGS 8

static const char usage[] =
    "usage: attls verify-quote --attest FILE --sig FILE --ak FILE\n"
    "           [--sig-format tpmt|raw-SCHEME-HASH] [--nonce HEX]\n"
    "           [--pcrs [BANK:]FILE]... [--allow-sha1]\n"
    "           [--signer-hierarchy endorsement|owner|platform|null\n"
    "            [--ak-template azure]] [--json]\n"
    "\n"
    "Verify a TPM2_Quote: the marshalled TPMS_ATTEST (--attest) is signed\n"
    "by the AK (--ak: PEM/DER public key, or TPMT_PUBLIC/TPM2B_PUBLIC),\n"
    "carries extraData == --nonce, and its pcrDigest is the digest of the\n"
    "PCR values given with --pcrs, which must cover exactly the quoted\n"
    "selection. --pcrs FILE is JSON ({\"sha256\": {\"0\": \"hex\", ...}}) or\n"
    "the raw concatenated values of the PCRs the quote selects in BANK, in\n"
    "ascending order. --sig-format raw-rsassa-sha256 reads a bare signature\n"
    "instead of a TPMT_SIGNATURE. SHA-1 signatures and banks are refused\n"
    "unless --allow-sha1. Exit 0 verified, 1 rejected, 2 usage, 3 error.\n";

static int run(const attls_cli_common *common, const attls_cli_attest_args *a,
               char *const *pcr_args, int n_pcrs)
{
    attls_cli_attest_inputs in;
    attls_tpm_attest_claims claims;
    attls_tpm_pcrs *pcrs = NULL;
    TPMS_ATTEST parsed;
    attls_status st;
    attls_code rc;
    json_t *doc = NULL;

    attls_status_clear(&st);
    rc = attls_cli_attest_load(a, &in, &st);
    if (rc == ATTLS_OK && n_pcrs > 0) {
        /* The raw PCR format needs the quoted selection: parse first (the
         * verification below parses again and reports any failure). */
        attls_status ignored;

        attls_status_clear(&ignored);
        pcrs = OPENSSL_zalloc(sizeof(*pcrs));
        if (pcrs == NULL)
            rc = attls_fail(&st, ATTLS_E_INTERNAL, "cli", "out of memory");
        else if (attls_tpm_attest_parse(in.attest.data, in.attest.len,
                                        TPM2_ST_ATTEST_QUOTE, &parsed,
                                        &ignored) == ATTLS_OK)
            rc = attls_cli_load_pcrs(
                pcr_args, n_pcrs, &parsed.attested.quote.pcrSelect, pcrs, &st);
    }
    if (rc == ATTLS_OK)
        rc = attls_tpm_quote_verify(in.attest.data, in.attest.len, &in.sig_in,
                                    in.ak.pkey, pcrs, &in.opts, &claims, &st);
    if (rc == ATTLS_OK) {
        attls_cli_attest_notes(CMD, a, pcrs != NULL);
        if (common->json &&
            (doc = attls_tpm_attest_claims_json(&claims)) == NULL)
            attls_fail(&st, ATTLS_E_INTERNAL, "cli", "out of memory");
    }
    OPENSSL_free(pcrs);
    attls_cli_attest_inputs_free(&in);
    if (common->json && attls_cli_print_json(doc, &st) != 0)
        return ATTLS_EXIT_ERROR;
    return attls_cli_report(CMD, &st);
}

typedef struct quote_options {
    char *pcr_args[MAX_PCR_ARGS];
    int n_pcrs;
} quote_options;

static int quote_option(void *ctx, int opt, const char *arg)
{
    quote_options *q = ctx;

    if (opt != 0x210)
        return 0;
    if (q->n_pcrs == MAX_PCR_ARGS) {
        attls_cli_usage_error(CMD, "at most %d --pcrs", MAX_PCR_ARGS);
        return -1;
    }
    q->pcr_args[q->n_pcrs++] = (char *)arg;
    return 1;
}

int attls_cmd_verify_quote(int argc, char **argv)
{
    static const struct option opts[] = {
        ATTLS_CLI_ATTEST_OPTIONS,
        {"pcrs", required_argument, NULL, 0x210},
        ATTLS_CLI_COMMON_OPTIONS,
        {NULL, 0, NULL, 0},
    };
    attls_cli_common common;
    attls_cli_attest_args a;
    quote_options q = {.n_pcrs = 0};
    int r = attls_cli_attest_getopt(argc, argv, CMD, usage, opts, &common, &a,
                                    quote_option, &q);

    return r >= 0 ? r : run(&common, &a, q.pcr_args, q.n_pcrs);
}
