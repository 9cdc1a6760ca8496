/* SPDX-License-Identifier: Apache-2.0 */
#include "tools/collect.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/crypto.h>
#include <tss2/tss2_mu.h>

#include "common/log.h"
#include "evidence/binder.h"
#include "evidence/format.h"
#include "evidence/hcl.h"
#include "evidence/snp.h"
#include "evidence/tdx_quote.h"
#include "evidence/tpm_attest.h"
#include "evidence/tpm_records.h"
#include "tpm/ak.h"
#include "tpm/attest.h"
#include "tpm/imds.h"
#include "tpm/pcr.h"
#include "tpm/policy.h"
#include "tpm/platform.h"

/* The paravisor regenerates the HCL report at most every 2 s. */
#define AZURE_REFRESH_MS 2100
#define AZURE_WAIT_MS 10000
/* Quote attempts when PCRs change between reading and quoting. */
#define QUOTE_TRIES 5

void attls_collect_opts_init(attls_collect_opts *o)
{
    const char *imds = getenv("ATTLS_IMDS_URL");

    memset(o, 0, sizeof(*o));
    o->platform = ATTLS_PLATFORM_UNKNOWN;
    o->residency = ATTLS_RESIDENCY_VTPM;
    attls_pcr_selection_parse(ATTLS_PCR_DEFAULT, &o->pcrs, NULL);
    o->imds_url = imds != NULL && *imds != '\0' ? imds : ATTLS_IMDS_URL;
    attls_tee_config_from_env(&o->tee);
    o->endorsements = 1;
    o->now = time(NULL);
    o->azure_wait_ms = AZURE_WAIT_MS;
}

void attls_collect_result_free(attls_collect_result *r)
{
    if (r == NULL)
        return;
    attls_buf_free(&r->json);
    memset(r, 0, sizeof(*r));
}

/* Everything one collection accumulates. */
typedef struct collector {
    ESYS_CONTEXT *esys;
    const attls_collect_opts *o;
    attls_platform platform;
    attls_buf claims;
    uint8_t binder[ATTLS_BINDER_LEN];
    uint8_t binder64[ATTLS_BINDER64_LEN];
    attls_ak ak;
    attls_buf rec[ATTLS_REC_COUNT]; /* owned copies */
    int echoed;
} collector;

static void collector_free(collector *c)
{
    attls_ak_close(c->esys, &c->ak);
    attls_buf_free(&c->claims);
    for (int i = 0; i < ATTLS_REC_COUNT; i++)
        attls_buf_free(&c->rec[i]);
}

static attls_code keep(collector *c, attls_record_id id, const uint8_t *data,
                       size_t len, attls_status *st)
{
    attls_buf_free(&c->rec[id]);
    c->rec[id].data = OPENSSL_memdup(data, len);
    if (c->rec[id].data == NULL)
        return attls_fail(st, ATTLS_E_INTERNAL, "collect.alloc",
                          "out of memory");
    c->rec[id].len = len;
    return ATTLS_OK;
}

/* A problem that does not stop issuing: say so and go on. */
static void warn(const char *what, const attls_status *w)
{
    fprintf(stderr, "attls: warning: %s (%s)\n", what, w->message);
}

static long long now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void sleep_ms(long long ms)
{
    struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = ms % 1000 * 1000000};

    while (ms > 0 && nanosleep(&ts, &ts) != 0)
        ;
}

/*-
 * Platform detection
 */

static attls_code detect_azure(ESYS_CONTEXT *esys, attls_platform *out,
                               attls_status *st)
{
    attls_buf nv = {NULL, 0};
    attls_hcl_report r;
    attls_code rc;

    memset(&r, 0, sizeof(r));
    rc = attls_azure_read_report(esys, &nv, st);
    if (rc == ATTLS_OK)
        rc = attls_hcl_report_parse(nv.data, nv.len, &r, st);
    if (rc == ATTLS_OK)
        *out = r.report_type == ATTLS_HCL_REPORT_TDX ? ATTLS_PLATFORM_AZURE_TDX
                                                     : ATTLS_PLATFORM_AZURE_SNP;
    attls_hcl_report_free(&r);
    attls_buf_free(&nv);
    return rc;
}

attls_code attls_collect_detect(ESYS_CONTEXT *esys, const attls_collect_opts *o,
                                attls_platform *out, attls_status *st)
{
    attls_tee_kind kind = ATTLS_TEE_NONE;
    attls_code rc;

    *out = o->platform;
    if (o->platform != ATTLS_PLATFORM_UNKNOWN)
        return ATTLS_OK;
    switch (attls_vtpm_detect(esys)) {
    case ATTLS_VTPM_AZURE:
        return detect_azure(esys, out, st);
    case ATTLS_VTPM_GCP:
        rc = attls_tee_detect(&o->tee, &kind, st);
        if (rc == ATTLS_OK)
            *out = kind == ATTLS_TEE_TDX ? ATTLS_PLATFORM_GCP_TDX
                                         : ATTLS_PLATFORM_GCP_SNP;
        return rc;
    default:
        *out = ATTLS_PLATFORM_TPM;
        return ATTLS_OK;
    }
}

/*-
 * Claims and binder
 */

static attls_code make_binder(collector *c, const attls_collect_key *key,
                              attls_status *st)
{
    attls_claims claims = {.version = ATTLS_CLAIMS_VERSION,
                           .platform = c->platform,
                           .residency = c->o->residency,
                           .pcr_policy = c->o->pcr_policy,
                           .created = c->o->now};
    attls_code rc;

    if (c->o->nonce_len > sizeof(claims.nonce))
        return attls_fail(st, ATTLS_E_ARGUMENT, "collect.nonce",
                          "nonce longer than %zu bytes", sizeof(claims.nonce));
    claims.nonce_len = c->o->nonce_len;
    if (c->o->nonce_len > 0)
        memcpy(claims.nonce, c->o->nonce, c->o->nonce_len);
    rc = attls_claims_encode(&claims, &c->claims, st);
    if (rc == ATTLS_OK)
        rc = attls_binder_compute(key->spki, key->spki_len, c->claims.data,
                                  c->claims.len, c->binder, st);
    if (rc == ATTLS_OK)
        rc = keep(c, ATTLS_REC_CLAIMS, c->claims.data, c->claims.len, st);
    attls_binder64(c->binder, c->binder64);
    return rc;
}

/*-
 * TEE evidence
 */

/* Read and parse the HCL report; @p echoed when it carries our data. */
static attls_code azure_read(collector *c, attls_buf *nv, attls_hcl_report *r,
                             attls_status *st)
{
    attls_hcl_verify_params p;
    attls_code rc;

    memset(&p, 0, sizeof(p));
    attls_hcl_report_free(r);
    attls_buf_free(nv);
    rc = attls_azure_read_report(c->esys, nv, st);
    if (rc == ATTLS_OK)
        rc = attls_hcl_verify(nv->data, nv->len, &p, r, NULL, st);
    c->echoed = rc == ATTLS_OK &&
                attls_hcl_check_user_data(r, c->binder64, NULL) == ATTLS_OK;
    return rc;
}

/*
 * Current paravisors regenerate the report on a read at most every 2 s and
 * copy the user data into it; older ones never do. Wait for the echo up to
 * azure_wait_ms, then keep what we have (the AK still binds the quote).
 */
static attls_code azure_report(collector *c, attls_hcl_report *r,
                               attls_status *st)
{
    attls_buf nv = {NULL, 0};
    long long start = now_ms(), last;
    attls_code rc;

    rc = attls_azure_write_user_data(c->esys, c->binder64, st);
    for (last = now_ms(); rc == ATTLS_OK; last = now_ms()) {
        rc = azure_read(c, &nv, r, st);
        if (rc != ATTLS_OK || c->echoed ||
            last + AZURE_REFRESH_MS - start > (long long)c->o->azure_wait_ms)
            break;
        sleep_ms(last + AZURE_REFRESH_MS - now_ms());
    }
    if (rc == ATTLS_OK && !c->echoed)
        fprintf(stderr,
                "attls: warning: the paravisor did not copy the "
                "binder into the HCL report's user-data within %u ms "
                "(older Azure hosts never do); the evidence binds "
                "the key through the AK's quote only\n",
                c->o->azure_wait_ms);
    if (rc == ATTLS_OK && (r->report_type == ATTLS_HCL_REPORT_TDX) !=
                              (c->platform == ATTLS_PLATFORM_AZURE_TDX))
        rc = attls_fail(st, ATTLS_E_PLATFORM_UNKNOWN, "collect.platform",
                        "the HCL report holds a %s report, not the %s asked "
                        "for",
                        r->report_type == ATTLS_HCL_REPORT_TDX ? "TDX" : "SNP",
                        attls_platform_name(c->platform));
    if (rc == ATTLS_OK)
        rc = keep(c, ATTLS_REC_HCL_REPORT, nv.data, r->report_size, st);
    attls_buf_free(&nv);
    return rc;
}

/* Keep a TDX quote without trailing zero padding, after checking it. */
static attls_code keep_tdx_quote(collector *c, const attls_buf *q,
                                 const uint8_t want_rd[64], attls_status *st)
{
    attls_tdx_quote parsed;
    attls_tdx_td_report body;
    size_t len;
    attls_code rc = attls_tdx_quote_parse(q->data, q->len, &parsed, st);

    if (rc != ATTLS_OK)
        return rc;
    attls_tdx_td_report_decode(&parsed, &body);
    if (memcmp(body.report_data, want_rd, 64) != 0)
        return attls_fail(st, ATTLS_E_TEE_REPORT, "collect.report_data",
                          "the TD quote does not carry the REPORT_DATA that "
                          "was requested");
    for (len = parsed.quote_len; len < q->len && q->data[len] == 0; len++)
        ;
    if (len == q->len) /* only zero padding follows: drop it */
        len = parsed.quote_len;
    else
        len = q->len;
    return keep(c, ATTLS_REC_TDX_QUOTE, q->data, len, st);
}

static attls_code azure_tee(collector *c, attls_status *st)
{
    attls_hcl_report r;
    attls_buf quote = {NULL, 0}, vcek = {NULL, 0};
    attls_status w;
    attls_code rc;

    memset(&r, 0, sizeof(r));
    rc = azure_report(c, &r, st);
    if (rc == ATTLS_OK && c->platform == ATTLS_PLATFORM_AZURE_TDX) {
        rc = attls_imds_td_quote(c->o->imds_url, r.tdx.raw, sizeof(r.tdx.raw),
                                 &quote, st);
        if (rc == ATTLS_OK)
            rc = keep_tdx_quote(c, &quote, r.tdx.report_data, st);
    }
    if (rc == ATTLS_OK && c->platform == ATTLS_PLATFORM_AZURE_SNP &&
        c->o->endorsements) {
        attls_status_clear(&w);
        if (attls_imds_vcek(c->o->imds_url, &vcek, &w) == ATTLS_OK)
            rc = keep(c, ATTLS_REC_VCEK, vcek.data, vcek.len, st);
        else
            warn("no VCEK from IMDS; the verifier must supply it", &w);
    }
    attls_buf_free(&quote);
    attls_buf_free(&vcek);
    attls_hcl_report_free(&r);
    return rc;
}

/* The VCEK or VLEK of the SNP certificate table, when there is one. */
static attls_code keep_snp_endorsement(collector *c, const attls_buf *table,
                                       int vlek, attls_status *st)
{
    const uint8_t *der = NULL;
    size_t len = 0;
    attls_status w;

    attls_status_clear(&w);
    if (table->len == 0)
        return ATTLS_OK;
    if (attls_snp_cert_table_find(table->data, table->len,
                                  vlek ? ATTLS_SNP_GUID_VLEK
                                       : ATTLS_SNP_GUID_VCEK,
                                  &der, &len, &w) != ATTLS_OK) {
        warn("SNP certificate table unusable", &w);
        return ATTLS_OK;
    }
    if (der == NULL)
        return ATTLS_OK;
    return keep(c, vlek ? ATTLS_REC_VLEK : ATTLS_REC_VCEK, der, len, st);
}

static attls_code gcp_tee(collector *c, attls_status *st)
{
    attls_tee_kind kind =
        c->platform == ATTLS_PLATFORM_GCP_TDX ? ATTLS_TEE_TDX : ATTLS_TEE_SNP;
    attls_tee_report tr;
    attls_snp_report snp;
    attls_code rc;

    rc = attls_tee_get_report(&c->o->tee, kind, c->binder64, &tr, st);
    if (rc != ATTLS_OK)
        return rc;
    if (kind == ATTLS_TEE_TDX) {
        rc = keep_tdx_quote(c, &tr.report, c->binder64, st);
    } else {
        rc = attls_snp_report_parse(tr.report.data, tr.report.len, &snp, st);
        if (rc == ATTLS_OK &&
            memcmp(snp.report_data, c->binder64, sizeof(c->binder64)) != 0)
            rc = attls_fail(st, ATTLS_E_TEE_REPORT, "collect.report_data",
                            "the SEV-SNP report from %s does not carry the "
                            "REPORT_DATA that was requested",
                            tr.source);
        if (rc == ATTLS_OK)
            rc = keep(c, ATTLS_REC_SNP_REPORT, tr.report.data, tr.report.len,
                      st);
        /* signer info bits 4:2: 0 = VCEK, 1 = VLEK */
        if (rc == ATTLS_OK && c->o->endorsements)
            rc = keep_snp_endorsement(c, &tr.certs,
                                      ((snp.raw[0x48] >> 2) & 7) == 1, st);
    }
    attls_tee_report_free(&tr);
    return rc;
}

/*-
 * TPM evidence
 */

static attls_code open_ak(collector *c, attls_status *st)
{
    switch (c->platform) {
    case ATTLS_PLATFORM_AZURE_SNP:
    case ATTLS_PLATFORM_AZURE_TDX:
        return attls_ak_open_azure(c->esys, &c->ak, st);
    case ATTLS_PLATFORM_GCP_SNP:
    case ATTLS_PLATFORM_GCP_TDX:
        return attls_ak_open_gcp(c->esys, &c->ak, st);
    default:
        return attls_ak_open_attls(c->esys, &c->ak, st);
    }
}

static attls_code ak_records(collector *c, attls_status *st)
{
    uint8_t buf[sizeof(TPM2B_PUBLIC)];
    size_t off = 0;
    attls_buf cert = {NULL, 0};
    attls_code rc = ATTLS_OK;

    /* Azure's AK is rebuilt by the verifier from HCLAkPub (format §3). */
    if (c->platform != ATTLS_PLATFORM_AZURE_SNP &&
        c->platform != ATTLS_PLATFORM_AZURE_TDX) {
        if (Tss2_MU_TPM2B_PUBLIC_Marshal(&c->ak.pub, buf, sizeof(buf), &off) !=
            TSS2_RC_SUCCESS)
            return attls_fail(st, ATTLS_E_TPM_RECORD, "collect.ak_pub",
                              "the AK public area does not marshal");
        rc = keep(c, ATTLS_REC_AK_PUB, buf, off, st);
    }
    if (rc == ATTLS_OK && c->ak.cert_index != 0) {
        rc = attls_ak_read_cert(c->esys, &c->ak, &cert, st);
        if (rc == ATTLS_OK)
            rc = keep(c, ATTLS_REC_AK_CERT, cert.data, cert.len, st);
    }
    attls_buf_free(&cert);
    return rc;
}

/* PkiPath ::= SEQUENCE OF Certificate, closest to the root first. */
static attls_code ak_chain_record(collector *c, attls_status *st)
{
    STACK_OF(ASN1_TYPE) *seq;
    unsigned char *der = NULL;
    int n = -1, ok;
    attls_code rc;

    if (c->o->ak_chain == NULL || sk_X509_num(c->o->ak_chain) == 0)
        return ATTLS_OK;
    if (c->rec[ATTLS_REC_AK_CERT].data == NULL)
        return attls_fail(st, ATTLS_E_ARGUMENT, "collect.ak_chain",
                          "AK intermediates given, but this platform has no "
                          "AK certificate");
    seq = sk_ASN1_TYPE_new_null();
    ok = seq != NULL;
    for (int i = 0; ok && i < sk_X509_num(c->o->ak_chain); i++) {
        unsigned char *one = NULL;
        int len = i2d_X509(sk_X509_value(c->o->ak_chain, i), &one);
        const unsigned char *p = one;
        ASN1_TYPE *t = len > 0 ? d2i_ASN1_TYPE(NULL, &p, len) : NULL;

        OPENSSL_free(one);
        ok = t != NULL && sk_ASN1_TYPE_push(seq, t) > 0;
        if (!ok)
            ASN1_TYPE_free(t);
    }
    if (ok)
        n = i2d_ASN1_SEQUENCE_ANY(seq, &der);
    sk_ASN1_TYPE_pop_free(seq, ASN1_TYPE_free);
    if (n <= 0)
        return attls_fail(st, ATTLS_E_INTERNAL, "collect.ak_chain",
                          "cannot encode the AK intermediates");
    rc = keep(c, ATTLS_REC_AK_INTERMEDIATES, der, (size_t)n, st);
    OPENSSL_free(der);
    return rc;
}

/* 1 when the quote's pcrDigest is the digest of @p values, 0 if not. */
static int pcr_digest_holds(const TPM2B_ATTEST *quoted,
                            const TPMT_SIGNATURE *sig,
                            const TPML_PCR_SELECTION *sel,
                            const TPM2B_DIGEST *values, size_t count,
                            attls_status *st)
{
    uint8_t digest[ATTLS_TPM_MAX_DIGEST];
    size_t dlen = 0;
    attls_tpm_pcrs pcrs;
    TPMS_ATTEST a;

    attls_tpm_pcrs_init(&pcrs);
    if (attls_attest_unmarshal(quoted, TPM2_ST_ATTEST_QUOTE, &a,
                               "collect.quote", st) != ATTLS_OK ||
        attls_tpm_pcrs_set_list(&pcrs, sel, values, count, st) != ATTLS_OK ||
        attls_tpm_pcr_digest(sel, &pcrs, sig->signature.any.hashAlg, digest,
                             &dlen, st) != ATTLS_OK)
        return -1;
    return a.attested.quote.pcrDigest.size == dlen &&
           memcmp(a.attested.quote.pcrDigest.buffer, digest, dlen) == 0;
}

/*
 * pcr-policy: the key's authPolicy must be PolicyPCR over exactly the quoted
 * selection and values (what a verifier checks, evidence-format.md §6
 * step 8); a PCR extended since the key was made fails here, not there.
 */
static attls_code key_policy_matches(const collector *c,
                                     const attls_collect_key *key,
                                     const TPM2B_DIGEST *values, size_t count,
                                     attls_status *st)
{
    TPM2B_DIGEST pcr_digest;

    if (!c->o->pcr_policy)
        return ATTLS_OK;
    if (key->tpm_public == NULL)
        return attls_fail(st, ATTLS_E_ARGUMENT, "collect.pcr_policy",
                          "pcr-policy needs a vtpm key");
    if (attls_tpm_policy_pcr_values(values, count, &pcr_digest) !=
        TSS2_RC_SUCCESS)
        return attls_fail(st, ATTLS_E_INTERNAL, "collect.pcr_policy",
                          "cannot compute the PolicyPCR digest");
    if (!attls_tpm_policy_pcr_binds(&key->tpm_public->publicArea, &c->o->pcrs,
                                    &pcr_digest))
        return attls_fail(st, ATTLS_E_KEY_PCR_POLICY, "collect.pcr_policy",
                          "the key is not bound to the quoted PCR state "
                          "(not a PCR-policy key, another PCR selection, or "
                          "PCRs extended since it was made): make a new key");
    return ATTLS_OK;
}

/*
 * Read the PCRs, quote them, and check that the quote covers the values
 * read; a PCR extended in between (IMA, a login) means another round.
 */
static attls_code quote_record(collector *c, const attls_collect_key *key,
                               attls_status *st)
{
    TPM2B_DIGEST values[ATTLS_QUOTE_MAX_PCRS];
    TPM2B_ATTEST quoted;
    TPMT_SIGNATURE sig;
    attls_buf rec = {NULL, 0};
    size_t count = 0;
    int holds = 0;
    attls_code rc = ATTLS_OK;

    for (int attempt = 0; rc == ATTLS_OK && !holds && attempt < QUOTE_TRIES;
         attempt++) {
        rc = attls_pcr_read(c->esys, &c->o->pcrs, values, ATTLS_QUOTE_MAX_PCRS,
                            &count, st);
        if (rc == ATTLS_OK)
            rc = attls_tpm_quote(c->esys, &c->ak, c->binder, sizeof(c->binder),
                                 &c->o->pcrs, &quoted, &sig, st);
        if (rc == ATTLS_OK) {
            holds =
                pcr_digest_holds(&quoted, &sig, &c->o->pcrs, values, count, st);
            if (holds < 0)
                rc = st != NULL ? st->code : ATTLS_E_TPM_RECORD;
        }
    }
    if (rc == ATTLS_OK && !holds)
        rc = attls_fail(st, ATTLS_E_PCR_UNSTABLE, "collect.pcrs",
                        "the PCR values changed between reading and quoting "
                        "in %d attempts",
                        QUOTE_TRIES);
    if (rc == ATTLS_OK)
        rc = key_policy_matches(c, key, values, count, st);
    if (rc == ATTLS_OK)
        rc = attls_quote_record_encode(&quoted, &sig, values, count, &rec, st);
    if (rc == ATTLS_OK)
        rc = keep(c, ATTLS_REC_TPM_QUOTE, rec.data, rec.len, st);
    attls_buf_free(&rec);
    return rc;
}

static attls_code certify_record(collector *c, const attls_collect_key *key,
                                 attls_status *st)
{
    TPM2B_ATTEST info;
    TPMT_SIGNATURE sig;
    attls_buf rec = {NULL, 0};
    attls_code rc;

    if (c->o->residency != ATTLS_RESIDENCY_VTPM)
        return ATTLS_OK;
    if (key->tpm_key == ESYS_TR_NONE || key->tpm_public == NULL)
        return attls_fail(st, ATTLS_E_ARGUMENT, "collect.key",
                          "vtpm residency needs the loaded TPM key");
    rc = attls_tpm_certify(c->esys, key->tpm_key, &c->ak, c->binder,
                           sizeof(c->binder), &info, &sig, st);
    if (rc == ATTLS_OK)
        rc =
            attls_certify_record_encode(&info, &sig, key->tpm_public, &rec, st);
    if (rc == ATTLS_OK)
        rc = keep(c, ATTLS_REC_TPM_CERTIFY, rec.data, rec.len, st);
    attls_buf_free(&rec);
    return rc;
}

static attls_code tee_evidence(collector *c, attls_status *st)
{
    switch (c->platform) {
    case ATTLS_PLATFORM_AZURE_SNP:
    case ATTLS_PLATFORM_AZURE_TDX:
        return azure_tee(c, st);
    case ATTLS_PLATFORM_GCP_SNP:
    case ATTLS_PLATFORM_GCP_TDX:
        return gcp_tee(c, st);
    default:
        return ATTLS_OK;
    }
}

attls_code attls_collect(ESYS_CONTEXT *esys, const attls_collect_opts *o,
                         const attls_collect_key *key,
                         attls_collect_result *res, attls_status *st)
{
    collector c;
    attls_evidence_parts parts;
    attls_code rc;

    memset(res, 0, sizeof(*res));
    memset(&c, 0, sizeof(c));
    c.esys = esys;
    c.o = o;
    c.ak.tr = ESYS_TR_NONE;
    rc = attls_collect_detect(esys, o, &c.platform, st);
    if (rc == ATTLS_OK)
        rc = make_binder(&c, key, st);
    if (rc == ATTLS_OK)
        rc = tee_evidence(&c, st);
    if (rc == ATTLS_OK)
        rc = open_ak(&c, st);
    if (rc == ATTLS_OK)
        rc = ak_records(&c, st);
    if (rc == ATTLS_OK)
        rc = ak_chain_record(&c, st);
    if (rc == ATTLS_OK)
        rc = quote_record(&c, key, st);
    if (rc == ATTLS_OK)
        rc = certify_record(&c, key, st);
    if (rc == ATTLS_OK) {
        memset(&parts, 0, sizeof(parts));
        for (int i = 0; i < ATTLS_REC_COUNT; i++)
            parts.rec[i] = c.rec[i];
        rc = attls_evidence_encode(&parts, &res->json, st);
    }
    if (rc == ATTLS_OK) {
        res->platform = c.platform;
        memcpy(res->binder, c.binder, sizeof(res->binder));
        res->user_data_echoed = c.echoed;
    }
    collector_free(&c);
    return rc;
}
