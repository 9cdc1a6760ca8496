/* SPDX-License-Identifier: Apache-2.0 */
/*
 * attls verify-cert CERT: verify the attestation evidence of an attls
 * certificate end to end (docs/evidence-format.md §6) against the pinned
 * roots and a policy, the way libattls verifies a TLS peer.
 */
#include <getopt.h>
#include <stdio.h>

#include "attls/attls.h"
#include "tools/cert_file.h"
#include "tools/cli.h"
#include "tools/commands.h"
#include "tools/verify_opts.h"

static void usage(FILE *out)
{
    fprintf(out,
            "usage: attls verify-cert CERT [--policy FILE] [--at TIME] "
            "[--roots DIR] [--json]\n\n"
            "Verify the attestation evidence of an attls certificate (PEM or "
            "DER):\nTEE report, AK, quote, certify and the binder to the "
            "certificate's key,\nthen the policy (docs/policy.md; default: a "
            "TEE platform, debug off).\nPrints the verified claims.\n\n"
            "  --policy FILE  JSON policy\n"
            "  --at TIME      verify at this RFC 3339 time (overrides the "
            "policy)\n"
            "  --roots DIR    trust sets DIR/<set>.pem replace the pinned "
            "roots\n"
            "  --json         print the claims as JSON\n\n"
            "exit status: 0 verified, 1 rejected, 2 usage or bad policy, 3 "
            "unreadable input\n");
}

int attls_cmd_verify_cert(int argc, char **argv)
{
    static const struct option options[] = {
        ATTLS_CLI_VERIFY_OPTIONS,
        {NULL, 0, NULL, 0},
    };
    attls_cli_verify vo;
    attls_policy *pol;
    attls_result res;
    attls_status st;
    X509 *x = NULL;
    int opt, rc = ATTLS_EXIT_OK;

    attls_cli_verify_init(&vo);
    optind = 1;
    while ((opt = getopt_long(argc, argv, "h", options, NULL)) != -1) {
        int handled = attls_cli_verify_option(&vo, opt, optarg);

        if (handled < 0)
            return ATTLS_EXIT_USAGE;
        if (handled > 0)
            continue;
        if (opt == 'h') {
            usage(stdout);
            return ATTLS_EXIT_OK;
        }
        return attls_cli_usage_error("verify-cert", "unknown option");
    }
    if (argc - optind != 1)
        return attls_cli_usage_error("verify-cert", "give one certificate");
    if ((pol = attls_cli_policy("verify-cert", &vo, &rc)) == NULL)
        return rc;
    attls_status_clear(&st);
    if (attls_cli_read_cert(argv[optind], &x, &st) == ATTLS_OK &&
        attls_verify_certificate(x, pol, &res, &st) == ATTLS_OK) {
        if (attls_cli_print_claims(res.json, vo.common.json) != 0)
            attls_fail(&st, ATTLS_E_IO, "cli.output",
                       "cannot write the claims");
        attls_result_free(&res);
    }
    X509_free(x);
    attls_policy_free(pol);
    return attls_cli_report("verify-cert", &st);
}
