/* SPDX-License-Identifier: Apache-2.0 */
/* attls verify-tdx: verify an Intel TDX quote offline, with collateral. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "common/bytes.h"
#include "common/timeutil.h"
#include "evidence/tdx.h"
#include "tools/cli.h"
#include "tools/cli_json.h"
#include "tools/commands.h"

#define CMD "verify-tdx"
#define QUOTE_MAX (1024 * 1024)

enum {
    OPT_COLLATERAL = 0x200,
    OPT_TCB_INFO,
    OPT_TCB_INFO_SIG,
    OPT_TCB_CHAIN,
    OPT_QE_IDENTITY,
    OPT_QE_IDENTITY_SIG,
    OPT_QE_CHAIN,
    OPT_PCK_CRL,
    OPT_PCK_CRL_CHAIN,
    OPT_ROOT_CRL,
    OPT_PCK_CERT,
    OPT_PCK_ISSUER_CHAIN,
    OPT_NO_DEBUG,
    OPT_ACCEPT_TCB,
    OPT_COUNT,
};

typedef struct options {
    attls_cli_common common;
    const char *quote;
    const char *collateral_dir;
    const char *files[OPT_COUNT - OPT_TCB_INFO]; /* OPT_TCB_INFO.. */
    attls_tdx_policy policy;
    int apply_policy;
} options;

static void usage(FILE *out)
{
    fprintf(
        out,
        "usage: attls " CMD " QUOTE [--collateral DIR] [OPTIONS]\n"
        "\n"
        "Verify an Intel TDX quote (v4/v5) offline: QE report, PCK chain\n"
        "to the pinned Intel SGX Root CA, quote signature; with\n"
        "collateral also the CRLs, TCB Info, QE Identity and the TCB "
        "status.\n"
        "\n"
        "  --collateral DIR        tcb_info.json, tcb_info.sig.hex,\n"
        "                          tcb_info_issuer_chain.pem, "
        "qe_identity.json,\n"
        "                          qe_identity.sig.hex, "
        "qe_identity_issuer_chain.pem,\n"
        "                          pck_crl.der, pck_crl_issuer_chain.pem,\n"
        "                          root_ca_crl.der (signatures may be "
        "embedded)\n"
        "  --tcb-info F, --tcb-info-sig F, --tcb-issuer-chain F,\n"
        "  --qe-identity F, --qe-identity-sig F, --qe-issuer-chain F,\n"
        "  --pck-crl F, --pck-crl-chain F, --root-crl F\n"
        "                          one collateral file each (override "
        "DIR)\n"
        "  --pck-cert F --pck-issuer-chain F\n"
        "                          PCK chain to use instead of the "
        "quote's\n"
        "  --no-debug              reject debuggable TDs (policy)\n"
        "  --accept-tcb LIST       accept only these TCB statuses, e.g.\n"
        "                          UpToDate,SWHardeningNeeded "
        "(needs collateral)\n"
        "  --at TIME               verification time, RFC 3339 "
        "(default: now)\n"
        "  --roots DIR             replace the pinned roots "
        "(DIR/intel-sgx.pem)\n"
        "  --json                  print the claims and the result as JSON\n"
        "\n"
        "Exit status: 0 verified, 1 rejected, 2 usage, 3 error.\n");
}

static int parse_options(int argc, char **argv, options *o)
{
    static const struct option longopts[] = {
        {"collateral", required_argument, NULL, OPT_COLLATERAL},
        {"tcb-info", required_argument, NULL, OPT_TCB_INFO},
        {"tcb-info-sig", required_argument, NULL, OPT_TCB_INFO_SIG},
        {"tcb-issuer-chain", required_argument, NULL, OPT_TCB_CHAIN},
        {"qe-identity", required_argument, NULL, OPT_QE_IDENTITY},
        {"qe-identity-sig", required_argument, NULL, OPT_QE_IDENTITY_SIG},
        {"qe-issuer-chain", required_argument, NULL, OPT_QE_CHAIN},
        {"pck-crl", required_argument, NULL, OPT_PCK_CRL},
        {"pck-crl-chain", required_argument, NULL, OPT_PCK_CRL_CHAIN},
        {"root-crl", required_argument, NULL, OPT_ROOT_CRL},
        {"pck-cert", required_argument, NULL, OPT_PCK_CERT},
        {"pck-issuer-chain", required_argument, NULL, OPT_PCK_ISSUER_CHAIN},
        {"no-debug", no_argument, NULL, OPT_NO_DEBUG},
        {"accept-tcb", required_argument, NULL, OPT_ACCEPT_TCB},
        ATTLS_CLI_COMMON_OPTIONS,
        {NULL, 0, NULL, 0},
    };
    int opt, r;

    memset(o, 0, sizeof(*o));
    attls_cli_common_init(&o->common);
    o->policy.allow_debug = 1;
    optind = 1;
    while ((opt = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
        if ((r = attls_cli_common_option(&o->common, opt, optarg)) != 0) {
            if (r < 0)
                return ATTLS_EXIT_USAGE;
            continue;
        }
        if (opt == 'h') {
            usage(stdout);
            return ATTLS_EXIT_OK;
        } else if (opt == OPT_COLLATERAL) {
            o->collateral_dir = optarg;
        } else if (opt >= OPT_TCB_INFO && opt <= OPT_PCK_ISSUER_CHAIN) {
            o->files[opt - OPT_TCB_INFO] = optarg;
        } else if (opt == OPT_NO_DEBUG) {
            o->policy.allow_debug = 0;
            o->apply_policy = 1;
        } else if (opt == OPT_ACCEPT_TCB) {
            if (attls_tdx_tcb_set_parse(optarg, &o->policy.accepted_tcb) != 0)
                return attls_cli_usage_error(
                    CMD, "--accept-tcb '%s' is not a list of TCB statuses",
                    optarg);
            o->apply_policy = 1;
        } else {
            return attls_cli_usage_error(CMD, "unknown option");
        }
    }
    if (optind != argc - 1)
        return attls_cli_usage_error(CMD, "expected exactly one QUOTE file");
    o->quote = argv[optind];
    if ((o->files[OPT_PCK_CERT - OPT_TCB_INFO] == NULL) !=
        (o->files[OPT_PCK_ISSUER_CHAIN - OPT_TCB_INFO] == NULL))
        return attls_cli_usage_error(
            CMD, "--pck-cert and --pck-issuer-chain go together");
    return -1;
}

static const char *file_opt(const options *o, int opt)
{
    return o->files[opt - OPT_TCB_INFO];
}

static int have_collateral(const options *o)
{
    if (o->collateral_dir != NULL)
        return 1;
    for (int opt = OPT_TCB_INFO; opt <= OPT_ROOT_CRL; opt++) {
        if (file_opt(o, opt) != NULL)
            return 1;
    }
    return 0;
}

/* DIR first, then each explicit file; a new document drops DIR's sig. */
static attls_code load_collateral(const options *o, attls_tdx_collateral *c,
                                  attls_status *st)
{
    attls_buf *dst[] = {
        [OPT_TCB_INFO - OPT_TCB_INFO] = &c->tcb_info,
        [OPT_TCB_INFO_SIG - OPT_TCB_INFO] = &c->tcb_info_sig,
        [OPT_TCB_CHAIN - OPT_TCB_INFO] = &c->tcb_info_chain,
        [OPT_QE_IDENTITY - OPT_TCB_INFO] = &c->qe_identity,
        [OPT_QE_IDENTITY_SIG - OPT_TCB_INFO] = &c->qe_identity_sig,
        [OPT_QE_CHAIN - OPT_TCB_INFO] = &c->qe_identity_chain,
        [OPT_PCK_CRL - OPT_TCB_INFO] = &c->pck_crl,
        [OPT_PCK_CRL_CHAIN - OPT_TCB_INFO] = &c->pck_crl_chain,
        [OPT_ROOT_CRL - OPT_TCB_INFO] = &c->root_ca_crl,
    };
    attls_code rc = ATTLS_OK;

    if (o->collateral_dir != NULL)
        rc = attls_tdx_collateral_load_dir(o->collateral_dir, c, st);
    if (file_opt(o, OPT_TCB_INFO) != NULL)
        attls_buf_free(&c->tcb_info_sig);
    if (file_opt(o, OPT_QE_IDENTITY) != NULL)
        attls_buf_free(&c->qe_identity_sig);
    for (int opt = OPT_TCB_INFO; opt <= OPT_ROOT_CRL && rc == ATTLS_OK; opt++) {
        if (file_opt(o, opt) != NULL)
            rc = attls_tdx_collateral_load_file(file_opt(o, opt),
                                                dst[opt - OPT_TCB_INFO], st);
    }
    return rc;
}

/* --pck-cert and --pck-issuer-chain, concatenated into one PEM text. */
static attls_code load_pck_chain(const options *o, attls_buf *out,
                                 attls_status *st)
{
    attls_buf cert = {0}, chain = {0};
    attls_code rc;

    if ((rc = attls_tdx_collateral_load_file(file_opt(o, OPT_PCK_CERT), &cert,
                                             st)) != ATTLS_OK ||
        (rc = attls_tdx_collateral_load_file(file_opt(o, OPT_PCK_ISSUER_CHAIN),
                                             &chain, st)) != ATTLS_OK)
        goto end;
    out->len = cert.len + 1 + chain.len;
    out->data = OPENSSL_malloc(out->len);
    if (out->data == NULL) {
        out->len = 0;
        rc = attls_fail(st, ATTLS_E_INTERNAL, "cli", "out of memory");
        goto end;
    }
    memcpy(out->data, cert.data, cert.len);
    out->data[cert.len] = '\n';
    memcpy(out->data + cert.len + 1, chain.data, chain.len);
end:
    attls_buf_free(&cert);
    attls_buf_free(&chain);
    return rc;
}

static void print_hex_line(const char *label, const uint8_t *b, size_t len)
{
    char hex[2 * 64 + 1];

    attls_hex_encode(b, len, hex);
    printf("%-15s %s\n", label, hex);
}

static void print_tcb(const attls_tdx_claims *c, int collateral)
{
    const attls_tdx_tcb_result *t = &c->tcb;
    char date[32];

    if (t->status == ATTLS_TDX_TCB_NOT_EVALUATED) {
        printf("%-15s not evaluated%s\n", "TCB status",
               collateral ? " (the collateral was rejected)"
                          : " (no collateral)");
        return;
    }
    attls_format_rfc3339(t->tcb_date, date, sizeof(date));
    printf("%-15s %s (platform %s, TDX module %s %s, QE %s)\n", "TCB status",
           attls_tdx_tcb_status_name(t->status),
           attls_tdx_tcb_status_name(t->platform_status),
           t->module_id[0] ? t->module_id : "-",
           attls_tdx_tcb_status_name(t->module_status),
           attls_tdx_tcb_status_name(t->qe_status));
    if (t->platform_status != ATTLS_TDX_TCB_NOT_EVALUATED &&
        t->platform_status != ATTLS_TDX_TCB_NO_MATCH)
        printf("%-15s %s, TCB evaluation data number %u\n", "TCB date", date,
               t->tcb_eval_number);
    printf("%-15s", "advisories");
    for (size_t i = 0; i < t->n_advisory_ids; i++)
        printf(" %s", t->advisory_ids[i]);
    printf("%s\n", t->n_advisory_ids == 0 ? " none" : "");
    printf("%-15s %s\n", "PCK revocation",
           c->pck_revocation_checked ? "checked against the PCK CRL"
                                     : "not checked (no PCK CRL)");
}

static void print_claims(const attls_tdx_claims *c, int collateral)
{
    const attls_tdx_td_report *td = &c->td;
    char name[16];

    printf("TDX quote v%u, TDX %s TD report, %zu trailing bytes ignored\n",
           c->version, td->is_tdx15 ? "1.5" : "1.0", c->trailing_len);
    print_hex_line("MRTD", td->mrtd, ATTLS_TDX_MR_LEN);
    for (int i = 0; i < 4; i++) {
        snprintf(name, sizeof(name), "RTMR%d", i);
        print_hex_line(name, td->rtmr[i], ATTLS_TDX_MR_LEN);
    }
    print_hex_line("MRCONFIGID", td->mrconfigid, ATTLS_TDX_MR_LEN);
    print_hex_line("MROWNER", td->mrowner, ATTLS_TDX_MR_LEN);
    print_hex_line("MROWNERCONFIG", td->mrownerconfig, ATTLS_TDX_MR_LEN);
    print_hex_line("REPORTDATA", td->report_data, 64);
    print_hex_line("MRSEAM", td->mrseam, ATTLS_TDX_MR_LEN);
    print_hex_line("TEE_TCB_SVN", td->tee_tcb_svn, 16);
    printf("%-15s 0x%016llx (debug: %s)\n", "TD_ATTRIBUTES",
           (unsigned long long)td->td_attributes,
           td->td_attributes & ATTLS_TDX_TD_ATTR_DEBUG ? "YES" : "no");
    printf("%-15s 0x%016llx\n", "XFAM", (unsigned long long)td->xfam);
    print_hex_line("FMSPC", c->pck.fmspc, 6);
    printf("%-15s %u, QE ISVSVN %u\n", "PCESVN", c->pck.pcesvn, c->qe.isvsvn);
    print_tcb(c, collateral);
}

static attls_code run(const options *o, attls_tdx_claims *claims,
                      int *have_claims, attls_status *st)
{
    attls_tdx_collateral coll;
    attls_tdx_verify_params p = {.at = o->common.at};
    attls_trust_set trust = {0};
    attls_buf quote = {0}, pck = {0};
    attls_code rc;
    int r;

    memset(&coll, 0, sizeof(coll));
    if ((rc = attls_trust_set_load("intel-sgx", o->common.roots_dir, &trust,
                                   st)) != ATTLS_OK)
        return rc;
    r = attls_read_file(o->quote, QUOTE_MAX, &quote);
    if (r != 0) {
        rc = attls_fail(st, ATTLS_E_IO, "cli", "cannot read %s: %s", o->quote,
                        r == -2 ? "larger than 1 MiB" : strerror(errno));
        goto end;
    }
    if (have_collateral(o)) {
        if ((rc = load_collateral(o, &coll, st)) != ATTLS_OK)
            goto end;
        p.collateral = &coll;
    }
    if (file_opt(o, OPT_PCK_CERT) != NULL) {
        if ((rc = load_pck_chain(o, &pck, st)) != ATTLS_OK)
            goto end;
        p.pck_chain = (const char *)pck.data;
        p.pck_chain_len = pck.len;
    }
    p.trust = &trust;
    rc = attls_tdx_verify(quote.data, quote.len, &p, claims, st);
    /* Claims exist once the crypto stage passed, TCB verdict or not. */
    *have_claims = claims->version != 0;
    if (rc == ATTLS_OK && o->apply_policy)
        rc = attls_tdx_policy_check(claims, &o->policy, st);
end:
    attls_buf_free(&quote);
    attls_buf_free(&pck);
    attls_tdx_collateral_free(&coll);
    attls_trust_set_free(&trust);
    return rc;
}

int attls_cmd_verify_tdx(int argc, char **argv)
{
    options o;
    attls_tdx_claims claims;
    attls_status st;
    json_t *doc = NULL;
    int exit_code = parse_options(argc, argv, &o), have_claims = 0;

    if (exit_code >= 0)
        return exit_code;
    memset(&claims, 0, sizeof(claims));
    attls_status_clear(&st);
    run(&o, &claims, &have_claims, &st);
    /* Claims are shown once the quote verified, also when the TCB did not. */
    if (have_claims && !o.common.json)
        print_claims(&claims, have_collateral(&o));
    if (have_claims && o.common.json &&
        (doc = attls_tdx_claims_to_json(&claims)) == NULL)
        attls_fail(&st, ATTLS_E_INTERNAL, "cli", "out of memory");
    attls_tdx_claims_free(&claims);
    if (o.common.json && attls_cli_print_json(doc, &st) != 0)
        return ATTLS_EXIT_ERROR;
    return attls_cli_report(CMD, &st);
}
