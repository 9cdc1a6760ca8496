/* SPDX-License-Identifier: Apache-2.0 */
/* attls verify-hcl: verify an Azure HCL attestation report offline. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "common/bytes.h"
#include "evidence/hcl.h"
#include "evidence/json_util.h"
#include "tools/cli.h"
#include "tools/cli_json.h"
#include "tools/commands.h"
#include "tools/snp_cli.h"

#define CMD "verify-hcl"
#define OPT_USER_DATA 0x300

static void usage(FILE *out)
{
    fprintf(out,
            "usage: attls verify-hcl HCL_REPORT [--chain PEM | --vcek FILE] "
            "[--product P]\n"
            "                        [--user-data HEX] [--at TIME] [--roots "
            "DIR] [--json]\n"
            "                        [SEV-SNP policy options of verify-snp, "
            "with --chain/--vcek]\n\n"
            "Verify an Azure HCL report (vTPM NV 0x01400001): strict parse, "
            "REPORT_DATA ==\nSHA-256(runtime claims), the claims and their "
            "HCLAkPub. With --chain/--vcek the\nembedded SEV-SNP report is "
            "verified as by verify-snp; without, and always for\nTDX, the "
            "hardware report is NOT authenticated (say so in the output).\n"
            "  --user-data HEX  the 64 bytes written to NV 0x01400002 "
            "(128 hex digits)\n"
            "exit: 0 verified, 1 rejected, 2 usage, 3 error; see attls(1)\n");
}

typedef struct opts {
    attls_cli_common common;
    attls_snp_cli snp;
    int check_user_data;
    uint8_t user_data[ATTLS_HCL_USER_DATA_SIZE];
    const char *path;
} opts;

/* 0 to go on, -1 after --help, else the exit code of a usage error. */
static int parse_args(int argc, char **argv, opts *o)
{
    static const struct option longopts[] = {
        ATTLS_SNP_CLI_VEK_OPTIONS,
        ATTLS_SNP_CLI_POLICY_OPTIONS,
        {"user-data", required_argument, NULL, OPT_USER_DATA},
        ATTLS_CLI_COMMON_OPTIONS,
        {NULL, 0, NULL, 0},
    };
    int c, r;

    memset(o, 0, sizeof(*o));
    attls_snp_cli_init(&o->snp, &o->common);
    while ((c = attls_snp_cli_next(argc, argv, longopts, CMD, usage, &o->common,
                                   &o->snp)) == OPT_USER_DATA) {
        if (attls_hex_decode(optarg, strlen(optarg), o->user_data,
                             sizeof(o->user_data)) != 0)
            return attls_cli_usage_error(
                CMD, "--user-data '%s': expected 128 hex digits", optarg);
        o->check_user_data = 1;
    }
    if ((r = attls_snp_cli_finish(argc, argv, c, CMD, "HCL_REPORT",
                                  &o->path)) != 0)
        return r;
    if (o->snp.chain_path != NULL && o->snp.vcek_path != NULL)
        return attls_cli_usage_error(CMD, "give --chain or --vcek, not both");
    if (o->snp.policy_requested && !attls_snp_cli_has_vek(&o->snp))
        return attls_cli_usage_error(
            CMD, "SEV-SNP policy options need --chain or --vcek");
    return 0;
}

static attls_code verify(const opts *o, attls_hcl_report *r, attls_snp_vek *vek,
                         attls_status *st)
{
    attls_hcl_verify_params params = {
        .snp = {.at = o->common.at,
                .roots_dir = o->common.roots_dir,
                .product = o->snp.product},
    };
    attls_buf buf = {0};
    attls_code rc;
    int n;

    if (attls_snp_cli_has_vek(&o->snp) &&
        (rc = attls_snp_cli_load_vek(&o->snp, &params.vek, &params.untrusted,
                                     st)) != ATTLS_OK)
        return rc;
    n = attls_read_file(o->path, ATTLS_HCL_MAX_SIZE, &buf);
    if (n == -2)
        rc = attls_fail(st, ATTLS_E_HCL_PARSE, "hcl.size",
                        "%s is larger than %d bytes", o->path,
                        ATTLS_HCL_MAX_SIZE);
    else if (n != 0)
        rc = attls_fail(st, ATTLS_E_IO, "hcl", "cannot read %s: %s", o->path,
                        strerror(errno));
    else
        rc = attls_hcl_verify(buf.data, buf.len, &params, r, vek, st);
    if (rc == ATTLS_OK && o->check_user_data)
        rc = attls_hcl_check_user_data(r, o->user_data, st);
    if (rc == ATTLS_OK && o->snp.policy_requested)
        rc = attls_snp_policy_check(&r->snp, &o->snp.policy, st);
    attls_buf_free(&buf);
    X509_free(params.vek);
    sk_X509_pop_free(params.untrusted, X509_free);
    return rc;
}

static json_t *result_json(const opts *o, const attls_hcl_report *r,
                           const attls_snp_vek *vek)
{
    json_t *doc = json_pack("{s:s, s:o}", "evidence", "azure-hcl", "at",
                            attls_json_time(o->common.at));

    if (doc == NULL || r->version == 0)
        return doc;
    if (json_object_set_new(doc, "report", attls_hcl_report_to_json(r)) != 0 ||
        (r->hw_verified &&
         json_object_set_new(doc, "vek", attls_snp_vek_to_json(vek)) != 0)) {
        json_decref(doc);
        return NULL;
    }
    return doc;
}

static void print_note(const attls_hcl_report *r, const attls_status *st)
{
    if (st->code != ATTLS_OK || r->hw_verified)
        return;
    if (r->report_type == ATTLS_HCL_REPORT_TDX)
        fprintf(stderr, "attls " CMD ": note: the TDX TDREPORT is NOT "
                        "authenticated (no TD quote here); the claims are "
                        "bound to it only\n");
    else
        fprintf(stderr, "attls " CMD ": note: the SEV-SNP report is NOT "
                        "authenticated (no --chain/--vcek); the claims are "
                        "bound to it only\n");
}

int attls_cmd_verify_hcl(int argc, char **argv)
{
    opts o;
    attls_hcl_report report;
    attls_snp_vek vek;
    attls_status st;
    int r = parse_args(argc, argv, &o);

    if (r != 0)
        return r < 0 ? ATTLS_EXIT_OK : r;
    memset(&report, 0, sizeof(report));
    memset(&vek, 0, sizeof(vek));
    attls_status_clear(&st);
    verify(&o, &report, &vek, &st);
    print_note(&report, &st);
    r = o.common.json &&
        attls_cli_print_json(result_json(&o, &report, &vek), &st) != 0;
    attls_hcl_report_free(&report);
    return r ? ATTLS_EXIT_ERROR : attls_cli_report(CMD, &st);
}
