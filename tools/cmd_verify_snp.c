/* SPDX-License-Identifier: Apache-2.0 */
/* attls verify-snp: verify an AMD SEV-SNP attestation report offline. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "common/bytes.h"
#include "common/timeutil.h"
#include "evidence/json_util.h"
#include "evidence/snp.h"
#include "tools/cli.h"
#include "tools/cli_json.h"
#include "tools/commands.h"
#include "tools/snp_cli.h"

#define CMD "verify-snp"
#define OPT_PARSE_ONLY 0x300
/* Larger than any report, so that a wrong file fails as ATTLS_E_SNP_SIZE. */
#define REPORT_FILE_MAX (64 * 1024)

static void usage(FILE *out)
{
    fprintf(out,
            "usage: attls verify-snp REPORT (--chain PEM | --vcek FILE | "
            "--parse-only)\n"
            "                        [--product milan|genoa|turin] [--at "
            "TIME] [--roots DIR] [--json]\n"
            "                        [--no-debug] [--vmpl N] [--measurement "
            "HEX]... [--report-data HEX]\n"
            "                        [--min-tcb bl=N,tee=N,snp=N,ucode=N"
            "[,fmc=N]] [--min-version N]\n\n"
            "Verify a 1184-byte SEV-SNP report: VCEK/VLEK chain to the pinned "
            "AMD root of the\nproduct at TIME (default now), ECDSA P-384 "
            "signature, VEK TCB == REPORTED_TCB,\nhwID == CHIP_ID. Policy "
            "checks run only for the policy options given.\n"
            "  --chain PEM      VEK, then optionally ASK/ASVK and ARK (the "
            "ARK is never trusted)\n"
            "  --vcek FILE      the VCEK/VLEK alone (DER or PEM)\n"
            "  --parse-only     parse and print, verify nothing\n"
            "exit: 0 verified, 1 rejected, 2 usage, 3 error; see attls(1)\n");
}

typedef struct opts {
    attls_cli_common common;
    attls_snp_cli snp;
    int parse_only;
    const char *report_path;
} opts;

/* 0 to go on, -1 after --help, else the exit code of a usage error. */
static int parse_args(int argc, char **argv, opts *o)
{
    static const struct option longopts[] = {
        ATTLS_SNP_CLI_VEK_OPTIONS,
        ATTLS_SNP_CLI_POLICY_OPTIONS,
        {"parse-only", no_argument, NULL, OPT_PARSE_ONLY},
        ATTLS_CLI_COMMON_OPTIONS,
        {NULL, 0, NULL, 0},
    };
    int c, r;

    memset(o, 0, sizeof(*o));
    attls_snp_cli_init(&o->snp, &o->common);
    while ((c = attls_snp_cli_next(argc, argv, longopts, CMD, usage, &o->common,
                                   &o->snp)) == OPT_PARSE_ONLY)
        o->parse_only = 1;
    if ((r = attls_snp_cli_finish(argc, argv, c, CMD, "REPORT",
                                  &o->report_path)) != 0)
        return r;
    if (!!o->parse_only + !!o->snp.chain_path + !!o->snp.vcek_path != 1)
        return attls_cli_usage_error(
            CMD, "give exactly one of --chain, --vcek, --parse-only");
    if (o->parse_only && o->snp.policy_requested)
        return attls_cli_usage_error(
            CMD, "policy options need a verified report, not --parse-only");
    return 0;
}

static attls_code read_report(const char *path, attls_snp_report *r,
                              attls_status *st)
{
    attls_buf buf;
    attls_code rc;
    int n = attls_read_file(path, REPORT_FILE_MAX, &buf);

    if (n == -2)
        return attls_fail(st, ATTLS_E_SNP_SIZE, "snp.size",
                          "%s is larger than 64 KiB, not a report", path);
    if (n != 0)
        return attls_fail(st, ATTLS_E_IO, "snp.report", "cannot read %s: %s",
                          path, strerror(errno));
    rc = attls_snp_report_parse(buf.data, buf.len, r, st);
    attls_buf_free(&buf);
    return rc;
}

static attls_code verify(const opts *o, attls_snp_report *r, attls_snp_vek *vek,
                         int *verified, attls_status *st)
{
    attls_snp_verify_params params = {
        .at = o->common.at,
        .roots_dir = o->common.roots_dir,
        .product = o->snp.product,
    };
    STACK_OF(X509) *untrusted = NULL;
    X509 *cert = NULL;
    attls_code rc;

    if ((rc = read_report(o->report_path, r, st)) != ATTLS_OK || o->parse_only)
        return rc;
    rc = attls_snp_cli_load_vek(&o->snp, &cert, &untrusted, st);
    if (rc == ATTLS_OK)
        rc = attls_snp_verify(r, cert, untrusted, &params, vek, st);
    if (rc == ATTLS_OK) {
        *verified = 1;
        if (o->snp.policy_requested)
            rc = attls_snp_policy_check(r, &o->snp.policy, st);
    }
    X509_free(cert);
    sk_X509_pop_free(untrusted, X509_free);
    return rc;
}

static json_t *claims_json(const opts *o, const attls_snp_report *r,
                           const attls_snp_vek *vek, int verified)
{
    json_t *doc =
        json_pack("{s:s, s:b, s:o, s:s}", "evidence", "sev-snp", "verified",
                  verified, "at", attls_json_time(o->common.at), "policy",
                  o->snp.policy_requested ? "checked" : "not checked");

    if (doc == NULL || r->version == 0)
        return doc;
    if (json_object_set_new(doc, "report", attls_snp_report_to_json(r)) != 0 ||
        (verified &&
         json_object_set_new(doc, "vek", attls_snp_vek_to_json(vek)) != 0)) {
        json_decref(doc);
        return NULL;
    }
    return doc;
}

int attls_cmd_verify_snp(int argc, char **argv)
{
    opts o;
    attls_snp_report report;
    attls_snp_vek vek;
    attls_status st;
    int verified = 0, r = parse_args(argc, argv, &o);

    if (r != 0)
        return r < 0 ? ATTLS_EXIT_OK : r;
    memset(&report, 0, sizeof(report));
    memset(&vek, 0, sizeof(vek));
    attls_status_clear(&st);
    verify(&o, &report, &vek, &verified, &st);
    if (o.parse_only && st.code == ATTLS_OK)
        fprintf(stderr, "attls " CMD ": parsed only, the report is NOT "
                        "verified\n");
    if (o.common.json &&
        attls_cli_print_json(claims_json(&o, &report, &vek, verified), &st) !=
            0)
        return ATTLS_EXIT_ERROR;
    return attls_cli_report(CMD, &st);
}
