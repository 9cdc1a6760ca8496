/* SPDX-License-Identifier: Apache-2.0 */
/*
 * attls cert: create a TLS key (in the vTPM, or in the confidential VM's
 * memory) and a certificate (self-signed, or a CSR) carrying attestation
 * evidence bound to that key (docs/evidence-format.md).
 */
#include <getopt.h>
#include <stdio.h>

#include "tools/cli.h"
#include "tools/commands.h"
#include "tools/issue_cli.h"

static void usage(FILE *out)
{
    fprintf(out, "usage: attls cert --key FILE (--cert FILE | --csr FILE) "
                 "[OPTIONS]\n\n"
                 "Create a TLS key and a certificate whose id-pe-cmw extension "
                 "carries attestation\nevidence bound to the key. Output files "
                 "are replaced atomically.\n\noptions:\n");
    attls_issue_cli_help(out);
    fprintf(out, "  --help               this text\n\nexit status: 0 issued, "
                 "2 usage, 3 error (TPM, TEE, platform, output)\n");
}

int attls_cmd_cert(int argc, char **argv)
{
    static const struct option options[] = {
        ATTLS_ISSUE_OPTIONS,
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    attls_issue_cli c;
    int opt, rc;

    attls_issue_cli_init(&c);
    optind = 1;
    while ((opt = getopt_long(argc, argv, "h", options, NULL)) != -1) {
        if (opt == 'h') {
            usage(stdout);
            attls_issue_cli_free(&c);
            return ATTLS_EXIT_OK;
        }
        rc = attls_issue_cli_option(&c, "cert", opt, optarg);
        if (rc <= 0) {
            if (rc == 0)
                attls_cli_usage_error("cert", "unknown option");
            attls_issue_cli_free(&c);
            return ATTLS_EXIT_USAGE;
        }
    }
    if (optind != argc) {
        attls_issue_cli_free(&c);
        return attls_cli_usage_error("cert", "unexpected argument '%s'",
                                     argv[optind]);
    }
    if (attls_issue_cli_finish(&c, "cert") != 0) {
        attls_issue_cli_free(&c);
        return ATTLS_EXIT_USAGE;
    }
    rc = attls_issue_cli_run(&c, "cert");
    attls_issue_cli_free(&c);
    return rc;
}
