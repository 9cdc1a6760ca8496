/* SPDX-License-Identifier: Apache-2.0 */
/* attls verify-akcert: check an Azure or GCE vTPM AK certificate offline. */
#include <stdio.h>
#include <string.h>

#include "evidence/akcert.h"
#include "evidence/roots.h"
#include "evidence/x509_crl.h"
#include "tools/cli.h"
#include "tools/cli_json.h"
#include "tools/commands.h"
#include "tools/tpm_inputs.h"

#define CMD "verify-akcert"
#define MAX_CRL_ARGS 8

static const char usage[] =
    "usage: attls verify-akcert FILE [--platform azure|gcp] [--nv]\n"
    "           [--ak FILE] [--intermediates FILE] [--crl FILE]...\n"
    "           [--at TIME] [--roots DIR] [--json]\n"
    "\n"
    "Verify a vTPM AK (or EK) certificate, PEM or DER, or with --nv the raw\n"
    "contents of its NV index (DER then zero padding), against the pinned\n"
    "Azure (azure-vtpm) or Google (gcp-vtpm) trust set at --at (default:\n"
    "now). Without --platform both are tried. --ak: the certificate key must\n"
    "be this AK (PEM/DER public key or TPMT_PUBLIC). --intermediates: PEM\n"
    "certificates shipped with the evidence. --crl: DER or PEM CRLs, each\n"
    "of which must apply to the chain and be current. For GCE the instance\n"
    "identity extension is decoded. Exit 0 verified, 1 rejected, 2 usage,\n"
    "3 error.\n";

typedef struct akcert_args {
    attls_cli_common common;
    const char *cert, *ak, *intermediates;
    const char *crls[MAX_CRL_ARGS];
    int n_crls, nv, platform; /* platform 0: try both */
} akcert_args;

typedef struct akcert_inputs {
    X509 *cert;
    attls_cli_ak ak;
    STACK_OF(X509) *intermediates;
    STACK_OF(X509_CRL) *crls;
} akcert_inputs;

static void inputs_free(akcert_inputs *in)
{
    X509_free(in->cert);
    attls_cli_ak_free(&in->ak);
    sk_X509_pop_free(in->intermediates, X509_free);
    sk_X509_CRL_pop_free(in->crls, X509_CRL_free);
}

static attls_code load_intermediates(const char *path, STACK_OF(X509) *out,
                                     attls_status *st)
{
    attls_buf b;
    attls_code rc;
    X509 *x = NULL;

    if ((rc = attls_cli_read(path, ATTLS_CLI_MAX_TEXT, "intermediates", &b,
                             st)) != ATTLS_OK)
        return rc;
    if (attls_pem_certs_append((const char *)b.data, b.len, out) <= 0) {
        /* Not PEM: one DER certificate. */
        rc = attls_akcert_parse(b.data, b.len, &x, st);
        if (rc == ATTLS_OK && !sk_X509_push(out, x)) {
            X509_free(x);
            rc = attls_fail(st, ATTLS_E_INTERNAL, "cli", "out of memory");
        }
    }
    attls_buf_free(&b);
    return rc;
}

static attls_code load_inputs(const akcert_args *a, akcert_inputs *in,
                              attls_status *st)
{
    attls_buf b;
    attls_code rc;

    memset(in, 0, sizeof(*in));
    in->intermediates = sk_X509_new_null();
    in->crls = sk_X509_CRL_new_null();
    if (in->intermediates == NULL || in->crls == NULL)
        return attls_fail(st, ATTLS_E_INTERNAL, "cli", "out of memory");
    if ((rc = attls_cli_read(a->cert, ATTLS_CLI_MAX_TPM_BLOB, "certificate", &b,
                             st)) != ATTLS_OK)
        return rc;
    rc = a->nv ? attls_akcert_from_nv(b.data, b.len, &in->cert, st)
               : attls_akcert_parse(b.data, b.len, &in->cert, st);
    attls_buf_free(&b);
    if (rc == ATTLS_OK && a->ak != NULL)
        rc = attls_cli_load_ak(a->ak, &in->ak, st);
    if (rc == ATTLS_OK && a->intermediates != NULL)
        rc = load_intermediates(a->intermediates, in->intermediates, st);
    for (int i = 0; rc == ATTLS_OK && i < a->n_crls; i++) {
        if ((rc = attls_cli_read(a->crls[i], ATTLS_CLI_MAX_TEXT, "CRL", &b,
                                 st)) != ATTLS_OK)
            break;
        rc = attls_x509_crls_parse(b.data, b.len, in->crls, st);
        attls_buf_free(&b);
    }
    return rc;
}

/* Verify against one platform's trust set, into a private status. */
static attls_code verify_on(const akcert_args *a, const akcert_inputs *in,
                            attls_ak_platform platform,
                            attls_akcert_claims *claims, attls_status *st)
{
    attls_trust_set ts;
    attls_akcert_opts o;
    attls_code rc;

    attls_status_clear(st);
    rc = attls_trust_set_load(attls_ak_platform_trust_set(platform),
                              a->common.roots_dir, &ts, st);
    if (rc != ATTLS_OK)
        return rc;
    memset(&o, 0, sizeof(o));
    o.at = a->common.at;
    o.platform = platform;
    o.trust = &ts;
    o.intermediates = in->intermediates;
    o.crls = in->crls;
    o.ak = in->ak.pkey;
    rc = attls_akcert_verify(in->cert, &o, claims, st);
    attls_trust_set_free(&ts);
    return rc;
}

/*
 * Without --platform: the platform whose PKI the certificate belongs to is
 * the one that gets past "no path to a pinned root"; report its outcome.
 */
static attls_code verify_any(const akcert_args *a, const akcert_inputs *in,
                             attls_akcert_claims *claims, attls_status *st)
{
    attls_status azure, gcp;
    attls_code rc_azure, rc_gcp;

    rc_azure = verify_on(a, in, ATTLS_AK_PLATFORM_AZURE, claims, &azure);
    if (rc_azure == ATTLS_OK) {
        *st = azure;
        return ATTLS_OK;
    }
    rc_gcp = verify_on(a, in, ATTLS_AK_PLATFORM_GCP, claims, &gcp);
    if (rc_gcp == ATTLS_OK || rc_azure == ATTLS_E_CERT_ROOT) {
        *st = gcp;
        return rc_gcp;
    }
    if (rc_gcp == ATTLS_E_CERT_ROOT) {
        *st = azure;
        return rc_azure;
    }
    return attls_fail(st, rc_azure, azure.check,
                      "azure-vtpm: %.200s; gcp-vtpm: %.200s", azure.message,
                      gcp.message);
}

static int run(const akcert_args *a)
{
    akcert_inputs in;
    attls_akcert_claims claims;
    attls_status st;
    attls_code rc;
    json_t *doc = NULL;

    attls_status_clear(&st);
    rc = load_inputs(a, &in, &st);
    if (rc == ATTLS_OK)
        rc = a->platform ? verify_on(a, &in, a->platform, &claims, &st)
                         : verify_any(a, &in, &claims, &st);
    if (rc == ATTLS_OK && a->common.json &&
        (doc = attls_akcert_claims_json(&claims)) == NULL)
        attls_fail(&st, ATTLS_E_INTERNAL, "cli", "out of memory");
    inputs_free(&in);
    if (a->common.json && attls_cli_print_json(doc, &st) != 0)
        return ATTLS_EXIT_ERROR;
    return attls_cli_report(CMD, &st);
}

static int platform_option(akcert_args *a, const char *arg)
{
    if (strcmp(arg, "azure") == 0)
        a->platform = ATTLS_AK_PLATFORM_AZURE;
    else if (strcmp(arg, "gcp") == 0)
        a->platform = ATTLS_AK_PLATFORM_GCP;
    else
        return attls_cli_usage_error(CMD,
                                     "--platform '%s': expected azure "
                                     "or gcp",
                                     arg);
    return 0;
}

int attls_cmd_verify_akcert(int argc, char **argv)
{
    static const struct option opts[] = {
        {"platform", required_argument, NULL, 0x230},
        {"nv", no_argument, NULL, 0x231},
        {"ak", required_argument, NULL, 0x232},
        {"intermediates", required_argument, NULL, 0x233},
        {"crl", required_argument, NULL, 0x234},
        ATTLS_CLI_COMMON_OPTIONS,
        {NULL, 0, NULL, 0},
    };
    akcert_args a;
    int opt, r;

    memset(&a, 0, sizeof(a));
    attls_cli_common_init(&a.common);
    optind = 1;
    while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (opt) {
        case 'h':
            fputs(usage, stdout);
            return ATTLS_EXIT_OK;
        case 0x230:
            if (platform_option(&a, optarg) != 0)
                return ATTLS_EXIT_USAGE;
            continue;
        case 0x231:
            a.nv = 1;
            continue;
        case 0x232:
            a.ak = optarg;
            continue;
        case 0x233:
            a.intermediates = optarg;
            continue;
        case 0x234:
            if (a.n_crls == MAX_CRL_ARGS)
                return attls_cli_usage_error(CMD, "at most %d --crl",
                                             MAX_CRL_ARGS);
            a.crls[a.n_crls++] = optarg;
            continue;
        default:
            break;
        }
        if ((r = attls_cli_common_option(&a.common, opt, optarg)) < 0)
            return ATTLS_EXIT_USAGE;
        if (r == 0)
            return attls_cli_usage_error(CMD, "unknown option");
    }
    if (argc - optind != 1)
        return attls_cli_usage_error(CMD, "expected exactly one certificate "
                                          "file");
    a.cert = argv[optind];
    return run(&a);
}
