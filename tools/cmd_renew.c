/* SPDX-License-Identifier: Apache-2.0 */
/*
 * attls renew: re-issue an attls certificate when it is close to expiry or
 * when the PCRs it quoted no longer hold their values (a reboot into other
 * software), keeping its subject, names, lifetime, platform and residency;
 * then optionally run a reload command (nginx -s reload). Meant for the
 * systemd timer in conf/systemd.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include "common/bytes.h"
#include "common/timeutil.h"
#include "evidence/format.h"
#include "evidence/tpm_records.h"
#include "tools/cli.h"
#include "tools/commands.h"
#include "tools/issue_cli.h"
#include "tools/tls_key.h"
#include "tpm/connection.h"
#include "tpm/pcr.h"
#include "tpm/rc.h"

#define CERT_FILE_MAX (256 * 1024)
#define SAN_TEXT 300

typedef struct renew {
    attls_issue_cli cli;
    long threshold_days; /* -1: a third of the lifetime */
    const char *exec;
    int force;
    /* From the current certificate. */
    X509 *cert;
    attls_evidence ev;
    int have_ev;
    char sans[ATTLS_MAX_SANS][SAN_TEXT];
    char reason[640];
} renew;

static void usage(FILE *out)
{
    fprintf(out,
            "usage: attls renew --key FILE --cert FILE [OPTIONS]\n\n"
            "Re-issue the certificate when it expires within the threshold "
            "or the PCRs it\nquoted have changed; keep its subject, names, "
            "lifetime, platform and residency\n(options below override "
            "them). A vtpm key is kept (a PCR-policy key is replaced\nwhen "
            "its PCRs changed), a memory key is replaced.\n\noptions:\n"
            "  --threshold DAYS     renew when fewer days remain (default: a "
            "third of the\n                       certificate's lifetime)\n"
            "  --exec CMD           run CMD with /bin/sh after a renewal "
            "(e.g. 'nginx -s reload')\n"
            "  --force              renew now\n");
    attls_issue_cli_help(out);
    fprintf(out, "  --help               this text\n\nexit status: 0 renewed "
                 "or nothing to do, 2 usage, 3 error (also a failed --exec)\n");
}

/* The current certificate; absent or unreadable means "issue anew". */
static void read_current(renew *r)
{
    attls_buf file;
    attls_status st;
    BIO *bio;

    if (attls_read_file(r->cli.o.cert_path, CERT_FILE_MAX, &file) != 0) {
        snprintf(r->reason, sizeof(r->reason), "%s cannot be read",
                 r->cli.o.cert_path);
        return;
    }
    bio = BIO_new_mem_buf(file.data, (int)file.len);
    r->cert = bio != NULL ? PEM_read_bio_X509(bio, NULL, NULL, NULL) : NULL;
    BIO_free(bio);
    attls_buf_free(&file);
    attls_status_clear(&st);
    if (r->cert == NULL)
        snprintf(r->reason, sizeof(r->reason), "%s is not a PEM certificate",
                 r->cli.o.cert_path);
    else if (attls_evidence_from_cert(r->cert, &r->ev, NULL, &st) != ATTLS_OK)
        snprintf(r->reason, sizeof(r->reason),
                 "its evidence does not decode (%s)", st.message);
    else
        r->have_ev = 1;
}

static int expiring(renew *r, time_t now)
{
    const ASN1_TIME *nb = X509_get0_notBefore(r->cert);
    const ASN1_TIME *na = X509_get0_notAfter(r->cert);
    int life_days = 0, life_secs = 0, left_days = 0, left_secs = 0;
    long long life, left, threshold;
    ASN1_TIME *t_now = ASN1_TIME_set(NULL, now);

    if (t_now == NULL || !ASN1_TIME_diff(&life_days, &life_secs, nb, na) ||
        !ASN1_TIME_diff(&left_days, &left_secs, t_now, na)) {
        ASN1_TIME_free(t_now);
        snprintf(r->reason, sizeof(r->reason), "its validity is unreadable");
        return 1;
    }
    ASN1_TIME_free(t_now);
    life = (long long)life_days * 86400 + life_secs;
    left = (long long)left_days * 86400 + left_secs;
    threshold = r->threshold_days >= 0 ? r->threshold_days * 86400LL : life / 3;
    if (left > threshold)
        return 0;
    snprintf(r->reason, sizeof(r->reason),
             "it expires in %lld hours (threshold %lld hours)", left / 3600,
             threshold / 3600);
    return 1;
}

/* 1 when a quoted PCR holds another value now, 0 if not, -1 on error. */
static int pcrs_changed(renew *r, attls_status *st)
{
    const attls_buf *b = r->ev.rec[ATTLS_REC_TPM_QUOTE];
    attls_quote_record *q = OPENSSL_zalloc(sizeof(*q));
    TPM2B_DIGEST now[ATTLS_QUOTE_MAX_PCRS];
    attls_tpm_conn conn;
    size_t count = 0;
    TSS2_RC trc;
    int changed = -1;

    if (q == NULL ||
        attls_quote_record_decode(b->data, b->len, q, st) != ATTLS_OK) {
        OPENSSL_free(q);
        return -1;
    }
    trc = attls_tpm_acquire(&conn);
    if (trc != TSS2_RC_SUCCESS) {
        attls_fail(st, attls_tpm_rc_code(trc), "renew.tpm",
                   "cannot reach the TPM at '%s': %s", attls_tpm_tcti(),
                   attls_tpm_rc_text(trc));
    } else {
        if (attls_pcr_read(conn.esys, &q->attest.attested.quote.pcrSelect, now,
                           ATTLS_QUOTE_MAX_PCRS, &count, st) == ATTLS_OK) {
            changed = count != q->pcr_count;
            for (size_t i = 0; !changed && i < count; i++)
                changed =
                    now[i].size != q->pcrs[i].size ||
                    memcmp(now[i].buffer, q->pcrs[i].buffer, now[i].size) != 0;
        }
        attls_tpm_release(&conn, TSS2_RC_SUCCESS);
    }
    if (changed == 1) {
        char sel[128];

        attls_pcr_selection_format(&q->attest.attested.quote.pcrSelect, sel,
                                   sizeof(sel));
        snprintf(r->reason, sizeof(r->reason),
                 "the quoted PCRs (%s) hold other values now", sel);
    }
    OPENSSL_free(q);
    return changed;
}

/* Subject, SANs, lifetime, platform, residency, PCRs of the current one. */
static void inherit(renew *r)
{
    attls_issue_cli *c = &r->cli;
    GENERAL_NAMES *names;
    int life_days = 0, secs = 0;

    if (!c->subject_set)
        c->o.cert.subject_name = X509_get_subject_name(r->cert);
    names = X509_get_ext_d2i(r->cert, NID_subject_alt_name, NULL, NULL);
    for (int i = 0; !c->sans_set && i < sk_GENERAL_NAME_num(names) &&
                    c->o.cert.san_count < ATTLS_MAX_SANS;
         i++) {
        GENERAL_NAME *gn = sk_GENERAL_NAME_value(names, i);
        char *out = r->sans[c->o.cert.san_count];
        char ip[INET6_ADDRSTRLEN];

        if (gn->type == GEN_DNS)
            snprintf(out, SAN_TEXT, "DNS:%.*s", gn->d.dNSName->length,
                     (const char *)gn->d.dNSName->data);
        else if (gn->type == GEN_IPADD &&
                 inet_ntop(gn->d.iPAddress->length == 4 ? AF_INET : AF_INET6,
                           gn->d.iPAddress->data, ip, sizeof(ip)) != NULL)
            snprintf(out, SAN_TEXT, "IP:%s", ip);
        else
            continue;
        c->o.cert.sans[c->o.cert.san_count++] = out;
    }
    GENERAL_NAMES_free(names);
    if (!c->days_set &&
        ASN1_TIME_diff(&life_days, &secs, X509_get0_notBefore(r->cert),
                       X509_get0_notAfter(r->cert)) &&
        life_days >= 1)
        c->o.cert.days = life_days > 3650 ? 3650 : life_days;
    if (!r->have_ev)
        return;
    if (c->o.collect.platform == ATTLS_PLATFORM_UNKNOWN)
        c->o.collect.platform = r->ev.claims.platform;
    if (!c->residency_set)
        c->o.collect.residency = r->ev.claims.residency;
    c->o.collect.pcr_policy |= r->ev.claims.pcr_policy;
}

static int run_exec(const char *cmd)
{
    int status = system(cmd);

    if (status == -1 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        fprintf(stderr, "attls renew: error: --exec '%s' %s %d [%s]\n", cmd,
                status == -1          ? "could not run: errno"
                : WIFSIGNALED(status) ? "was killed by signal"
                                      : "exited with status",
                status == -1          ? errno
                : WIFSIGNALED(status) ? WTERMSIG(status)
                                      : WEXITSTATUS(status),
                attls_status_code_name(ATTLS_E_EXEC));
        return ATTLS_EXIT_ERROR;
    }
    return ATTLS_EXIT_OK;
}

static int decide_and_renew(renew *r)
{
    attls_status st;
    int changed = 0, rc;

    attls_status_clear(&st);
    read_current(r);
    if (r->cert != NULL && r->have_ev && !r->force) {
        changed = pcrs_changed(r, &st);
        attls_tpm_disconnect();
        if (changed < 0) {
            fprintf(stderr, "attls renew: error: %s: %s [%s]\n", st.check,
                    st.message, attls_status_code_name(st.code));
            return ATTLS_EXIT_ERROR;
        }
        if (!changed && !expiring(r, r->cli.o.collect.now)) {
            fprintf(stderr, "attls renew: %s is current: nothing to do\n",
                    r->cli.o.cert_path);
            return ATTLS_EXIT_OK;
        }
    } else if (r->force) {
        snprintf(r->reason, sizeof(r->reason), "--force");
    }
    if (r->cert != NULL)
        inherit(r);
    /* Keep a vtpm key, unless its PCR policy no longer holds. */
    r->cli.o.reuse_key = attls_tls_key_file_residency(r->cli.o.key_path) ==
                             ATTLS_RESIDENCY_VTPM &&
                         r->cli.o.collect.residency == ATTLS_RESIDENCY_VTPM &&
                         !(changed && r->cli.o.collect.pcr_policy);
    fprintf(stderr, "attls renew: renewing %s: %s\n", r->cli.o.cert_path,
            r->reason);
    rc = attls_issue_cli_run(&r->cli, "renew");
    if (rc == ATTLS_EXIT_OK && r->exec != NULL)
        rc = run_exec(r->exec);
    return rc;
}

static int parse(renew *r, int argc, char **argv)
{
    static const struct option options[] = {
        ATTLS_ISSUE_OPTIONS,
        {"threshold", required_argument, NULL, 0x300},
        {"exec", required_argument, NULL, 0x301},
        {"force", no_argument, NULL, 0x302},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    int opt, rc;
    char *end;

    optind = 1;
    while ((opt = getopt_long(argc, argv, "h", options, NULL)) != -1) {
        switch (opt) {
        case 'h':
            usage(stdout);
            return 1;
        case 0x300:
            r->threshold_days = strtol(optarg, &end, 10);
            if (end == optarg || *end != '\0' || r->threshold_days < 0 ||
                r->threshold_days > 3650) {
                attls_cli_usage_error("renew",
                                      "--threshold '%s' is not a number of "
                                      "days (0 to 3650)",
                                      optarg);
                return -1;
            }
            break;
        case 0x301:
            r->exec = optarg;
            break;
        case 0x302:
            r->force = 1;
            break;
        default:
            rc = attls_issue_cli_option(&r->cli, "renew", opt, optarg);
            if (rc == 0)
                attls_cli_usage_error("renew", "unknown option");
            if (rc <= 0)
                return -1;
        }
    }
    if (optind != argc) {
        attls_cli_usage_error("renew", "unexpected argument '%s'",
                              argv[optind]);
        return -1;
    }
    if (r->cli.o.csr_path != NULL) {
        attls_cli_usage_error("renew", "renew handles self-signed "
                                       "certificates (--cert), not --csr");
        return -1;
    }
    return attls_issue_cli_finish(&r->cli, "renew");
}

int attls_cmd_renew(int argc, char **argv)
{
    renew r;
    int rc;

    memset(&r, 0, sizeof(r));
    attls_issue_cli_init(&r.cli);
    r.threshold_days = -1;
    rc = parse(&r, argc, argv);
    if (rc == 0)
        rc = decide_and_renew(&r);
    else
        rc = rc > 0 ? ATTLS_EXIT_OK : ATTLS_EXIT_USAGE;
    if (r.have_ev)
        attls_evidence_free(&r.ev);
    X509_free(r.cert);
    attls_issue_cli_free(&r.cli);
    return rc;
}
