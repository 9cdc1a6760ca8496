/* SPDX-License-Identifier: Apache-2.0 */
/*
 * attls show CERT: the evidence of an attls certificate (or CSR) decoded as
 * JSON, with the binder recomputed from the certificate and compared with
 * every place that should carry it. Decoding only: attls verify judges.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include <openssl/evp.h>

#include "common/bytes.h"
#include "evidence/cert_ext.h"
#include "evidence/json_util.h"
#include "tools/cert_file.h"
#include "tools/cli.h"
#include "tools/commands.h"
#include "tools/show_records.h"

static void usage(FILE *out)
{
    fprintf(out,
            "usage: attls show CERT\n\n"
            "Print the attestation evidence of an attls certificate (PEM or "
            "DER) as JSON:\nthe claims, every record decoded, and whether "
            "the quote, certify and TEE\nreport carry the binder recomputed "
            "from the certificate's key.\n\n"
            "exit status: 0 decoded and consistent, 1 malformed evidence or a "
            "binder\nmismatch, 2 usage, 3 unreadable file\n");
}

static json_t *cert_json(X509 *x, int critical, size_t ext_len)
{
    char subject[512];
    unsigned char *der = NULL;
    int der_len = i2d_X509(x, &der);
    json_t *o;

    X509_NAME_oneline(X509_get_subject_name(x), subject, sizeof(subject));
    o = json_pack("{s:s, s:i}", "subject", subject, "bytes", der_len);
    OPENSSL_free(der);
    attls_json_set(o, "extension",
                   json_pack("{s:s, s:b, s:I}", "oid", ATTLS_OID_CMW,
                             "critical", critical, "json-bytes",
                             (json_int_t)ext_len));
    return o;
}

static int show(X509 *x, attls_status *st)
{
    attls_evidence ev;
    attls_buf json = {NULL, 0};
    attls_show s;
    json_t *doc = NULL, *claims;
    int critical = 0;
    char hex[65];
    attls_code rc;

    memset(&s, 0, sizeof(s));
    rc = attls_cmw_ext_from_cert(x, &json, &critical, st);
    if (rc == ATTLS_OK)
        rc = attls_evidence_decode((const char *)json.data, json.len, &ev, st);
    if (rc != ATTLS_OK) {
        attls_buf_free(&json);
        return attls_cli_report("show", st);
    }
    s.ev = &ev;
    s.cert = x;
    s.records = json_object();
    s.binding = json_object();
    rc = attls_evidence_binder(&ev, x, s.binder, st);
    if (rc == ATTLS_OK)
        rc = attls_show_records(&s, st);
    if (rc == ATTLS_OK && s.mismatches > 0)
        rc = attls_fail(st, ATTLS_E_BINDER_MISMATCH, "show.binding",
                        "%d place(s) do not carry the binder of this "
                        "certificate's key and claims",
                        s.mismatches);
    claims = json_loadb((const char *)ev.rec[ATTLS_REC_CLAIMS]->data,
                        ev.rec[ATTLS_REC_CLAIMS]->len, 0, NULL);
    attls_hex_encode(s.binder, sizeof(s.binder), hex);
    doc = json_object();
    attls_json_set(doc, "certificate", cert_json(x, critical, json.len));
    attls_json_set(doc, "profile", json_string(ev.cmw.type));
    attls_json_set(doc, "claims", claims);
    attls_json_set(doc, "binder", json_string(hex));
    attls_json_set(doc, "records", s.records);
    attls_json_set(doc, "binding", s.binding);
    attls_json_set(doc, "consistent", json_boolean(rc == ATTLS_OK));
    attls_evidence_free(&ev);
    attls_buf_free(&json);
    if (doc == NULL || json_dumpf(doc, stdout, JSON_INDENT(2)) != 0 ||
        fputc('\n', stdout) == EOF || fflush(stdout) != 0) {
        json_decref(doc);
        fprintf(stderr, "attls show: cannot write the JSON output\n");
        return ATTLS_EXIT_ERROR;
    }
    json_decref(doc);
    return rc == ATTLS_OK ? ATTLS_EXIT_OK : attls_cli_report("show", st);
}

int attls_cmd_show(int argc, char **argv)
{
    static const struct option options[] = {
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    attls_status st;
    X509 *x;
    int opt, rc;

    optind = 1;
    while ((opt = getopt_long(argc, argv, "h", options, NULL)) != -1) {
        if (opt == 'h') {
            usage(stdout);
            return ATTLS_EXIT_OK;
        }
        return attls_cli_usage_error("show", "unknown option");
    }
    if (argc - optind != 1)
        return attls_cli_usage_error("show", "give one certificate file");
    attls_status_clear(&st);
    if (attls_cli_read_cert(argv[optind], &x, &st) != ATTLS_OK)
        return attls_cli_report("show", &st);
    rc = show(x, &st);
    X509_free(x);
    return rc;
}
