/* SPDX-License-Identifier: Apache-2.0 */
#include "tools/show_records.h"

#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "evidence/binder.h"
#include "evidence/hcl.h"
#include "evidence/json_util.h"
#include "evidence/pkipath.h"
#include "evidence/snp.h"
#include "evidence/tdx_quote.h"
#include "evidence/tpm_attest.h"
#include "evidence/tpm_records.h"

static void bind(attls_show *s, const char *what, attls_bind_result r)
{
    static const char *names[] = {"absent", "match", "mismatch"};

    if (r == ATTLS_BIND_MISMATCH)
        s->mismatches++;
    json_object_set_new(s->binding, what, json_string(names[r]));
}

static attls_bind_result cmp(const uint8_t *a, size_t alen, const uint8_t *b,
                             size_t blen)
{
    return alen == blen && CRYPTO_memcmp(a, b, alen) == 0 ? ATTLS_BIND_MATCH
                                                          : ATTLS_BIND_MISMATCH;
}

static const char *alg(uint16_t id)
{
    const char *n = attls_tpm_alg_name(id);

    return n != NULL ? n : "unknown";
}

/*-
 * TPM records
 */

static json_t *attest_json(const TPMS_ATTEST *a)
{
    json_t *o = json_object();
    int bad = o == NULL;

    bad |= attls_json_set(
        o, "qualified-signer",
        attls_json_hex(a->qualifiedSigner.name, a->qualifiedSigner.size));
    bad |=
        attls_json_set(o, "extra-data",
                       attls_json_hex(a->extraData.buffer, a->extraData.size));
    bad |= attls_json_set(o, "clock",
                          json_integer((json_int_t)a->clockInfo.clock));
    bad |=
        attls_json_set(o, "reset-count", json_integer(a->clockInfo.resetCount));
    bad |= attls_json_set(o, "restart-count",
                          json_integer(a->clockInfo.restartCount));
    bad |= attls_json_set(o, "safe", json_boolean(a->clockInfo.safe));
    bad |= attls_json_set(o, "firmware-version",
                          attls_json_u64hex(a->firmwareVersion));
    if (bad) {
        json_decref(o);
        return NULL;
    }
    return o;
}

static json_t *signature_json(const TPMT_SIGNATURE *sig)
{
    size_t len = sig->sigAlg == TPM2_ALG_ECDSA
                     ? (size_t)sig->signature.ecdsa.signatureR.size +
                           sig->signature.ecdsa.signatureS.size
                     : sig->signature.rsassa.sig.size;

    return json_pack("{s:s, s:s, s:I}", "alg", alg(sig->sigAlg), "hash",
                     alg(sig->signature.any.hashAlg), "bytes", (json_int_t)len);
}

/* {"sha256": {"0": "hex", ...}} in selection order. */
static json_t *pcrs_json(const attls_quote_record *q)
{
    const TPML_PCR_SELECTION *sel = &q->attest.attested.quote.pcrSelect;
    json_t *banks = json_object();
    uint32_t k = 0;

    for (UINT32 b = 0; banks != NULL && b < sel->count; b++) {
        json_t *bank = json_object();
        char idx[8];

        for (int i = 0;
             bank != NULL && i < sel->pcrSelections[b].sizeofSelect * 8; i++) {
            if (!(sel->pcrSelections[b].pcrSelect[i / 8] & (1u << (i % 8))) ||
                k >= q->pcr_count)
                continue;
            snprintf(idx, sizeof(idx), "%d", i);
            attls_json_set(bank, idx,
                           attls_json_hex(q->pcrs[k].buffer, q->pcrs[k].size));
            k++;
        }
        if (attls_json_set(banks, alg(sel->pcrSelections[b].hash), bank) != 0) {
            json_decref(banks);
            banks = NULL;
        }
    }
    return banks;
}

static json_t *public_json(const TPMT_PUBLIC *p)
{
    TPM2B_NAME name;
    attls_status st;
    json_t *o = json_pack("{s:s, s:s, s:o}", "type", alg(p->type), "name-alg",
                          alg(p->nameAlg), "attributes",
                          attls_json_u64hex(p->objectAttributes));

    attls_status_clear(&st);
    if (o != NULL)
        attls_json_set(
            o, "auth-policy",
            attls_json_hex(p->authPolicy.buffer, p->authPolicy.size));
    if (o != NULL && attls_public_name(p, &name, &st) == ATTLS_OK)
        attls_json_set(o, "name", attls_json_hex(name.name, name.size));
    return o;
}

static attls_code show_quote(attls_show *s, json_t *rec, attls_status *st)
{
    const attls_buf *b = s->ev->rec[ATTLS_REC_TPM_QUOTE];
    attls_quote_record *q = OPENSSL_zalloc(sizeof(*q));
    attls_code rc;

    if (q == NULL)
        return attls_fail(st, ATTLS_E_INTERNAL, "show.alloc", "out of memory");
    rc = attls_quote_record_decode(b->data, b->len, q, st);
    if (rc == ATTLS_OK) {
        json_t *a = attest_json(&q->attest);

        attls_json_set(a, "pcr-digest",
                       attls_json_hex(q->attest.attested.quote.pcrDigest.buffer,
                                      q->attest.attested.quote.pcrDigest.size));
        attls_json_set(rec, "quote", a);
        attls_json_set(rec, "signature", signature_json(&q->signature));
        attls_json_set(rec, "pcrs", pcrs_json(q));
        bind(s, "tpm-quote",
             cmp(q->attest.extraData.buffer, q->attest.extraData.size,
                 s->binder, 32));
    }
    OPENSSL_free(q);
    return rc;
}

/* Does the certificate carry the key that was certified? */
static attls_bind_result same_key(X509 *cert, const TPMT_PUBLIC *pub)
{
    uint8_t *spki = NULL, *mine = NULL;
    size_t len = 0;
    int mine_len;
    attls_status st;
    attls_bind_result r = ATTLS_BIND_MISMATCH;

    attls_status_clear(&st);
    mine_len = i2d_X509_PUBKEY(X509_get_X509_PUBKEY(cert), &mine);
    if (mine_len > 0 &&
        attls_tpm_public_to_spki(pub, &spki, &len, &st) == ATTLS_OK)
        r = cmp(spki, len, mine, (size_t)mine_len);
    OPENSSL_free(spki);
    OPENSSL_free(mine);
    return r;
}

static attls_code show_certify(attls_show *s, json_t *rec, attls_status *st)
{
    const attls_buf *b = s->ev->rec[ATTLS_REC_TPM_CERTIFY];
    attls_certify_record c;
    TPM2B_NAME name;
    attls_code rc = attls_certify_record_decode(b->data, b->len, &c, st);
    json_t *a;

    if (rc != ATTLS_OK)
        return rc;
    a = attest_json(&c.attest);
    attls_json_set(a, "name",
                   attls_json_hex(c.attest.attested.certify.name.name,
                                  c.attest.attested.certify.name.size));
    attls_json_set(rec, "certify", a);
    attls_json_set(rec, "signature", signature_json(&c.signature));
    attls_json_set(rec, "object", public_json(&c.object.publicArea));
    bind(
        s, "tpm-certify",
        cmp(c.attest.extraData.buffer, c.attest.extraData.size, s->binder, 32));
    rc = attls_public_name(&c.object.publicArea, &name, st);
    if (rc == ATTLS_OK)
        bind(s, "certified-name",
             cmp(name.name, name.size, c.attest.attested.certify.name.name,
                 c.attest.attested.certify.name.size));
    bind(s, "certified-key", same_key(s->cert, &c.object.publicArea));
    return rc;
}

static attls_code show_ak_pub(attls_show *s, json_t *rec, attls_status *st)
{
    const attls_buf *b = s->ev->rec[ATTLS_REC_AK_PUB];
    TPM2B_PUBLIC pub;
    attls_code rc =
        attls_public_unmarshal(b->data, b->len, &pub, "show.ak_pub", st);

    if (rc == ATTLS_OK)
        attls_json_set(rec, "object", public_json(&pub.publicArea));
    return rc;
}

/*-
 * Certificates
 */

static json_t *x509_json(X509 *x)
{
    char subject[512], issuer[512];
    unsigned char md[32];
    unsigned int mdlen = 0;
    const ASN1_INTEGER *serial = X509_get0_serialNumber(x);
    json_t *o;

    X509_NAME_oneline(X509_get_subject_name(x), subject, sizeof(subject));
    X509_NAME_oneline(X509_get_issuer_name(x), issuer, sizeof(issuer));
    X509_digest(x, EVP_sha256(), md, &mdlen);
    o = json_pack("{s:s, s:s}", "subject", subject, "issuer", issuer);
    if (o != NULL) {
        attls_json_set(o, "serial",
                       attls_json_hex(ASN1_STRING_get0_data(serial),
                                      (size_t)ASN1_STRING_length(serial)));
        attls_json_set(o, "sha256", attls_json_hex(md, mdlen));
    }
    return o;
}

static attls_code show_cert(const attls_buf *b, const char *label, json_t *rec,
                            attls_status *st)
{
    const unsigned char *p = b->data;
    X509 *x = d2i_X509(NULL, &p, (long)b->len);

    if (x == NULL || (size_t)(p - b->data) != b->len) {
        X509_free(x);
        return attls_fail(st, ATTLS_E_EVIDENCE_RECORD, "show.certificate",
                          "record '%s' is not one DER certificate", label);
    }
    attls_json_set(rec, "certificate", x509_json(x));
    X509_free(x);
    return ATTLS_OK;
}

/* PkiPath: SEQUENCE OF Certificate. */
static attls_code show_pkipath(const attls_buf *b, json_t *rec,
                               attls_status *st)
{
    STACK_OF(X509) *certs = NULL;
    json_t *list = json_array();
    attls_code rc = attls_pkipath_parse(b, &certs, st);

    if (rc == ATTLS_OK && list == NULL)
        rc = attls_fail(st, ATTLS_E_INTERNAL, "show.pkipath", "no memory");
    for (int i = 0; rc == ATTLS_OK && i < sk_X509_num(certs); i++)
        json_array_append_new(list, x509_json(sk_X509_value(certs, i)));
    sk_X509_pop_free(certs, X509_free);
    if (rc == ATTLS_OK)
        attls_json_set(rec, "certificates", list);
    else
        json_decref(list);
    return rc;
}

/*-
 * TEE reports
 */

static attls_code show_snp(attls_show *s, json_t *rec, attls_status *st)
{
    const attls_buf *b = s->ev->rec[ATTLS_REC_SNP_REPORT];
    attls_snp_report r;
    attls_code rc = attls_snp_report_parse(b->data, b->len, &r, st);

    if (rc != ATTLS_OK)
        return rc;
    attls_json_set(rec, "report", attls_snp_report_to_json(&r));
    bind(s, "report-data", cmp(r.report_data, 64, s->binder64, 64));
    return ATTLS_OK;
}

static attls_code show_tdx(attls_show *s, json_t *rec, const uint8_t *want,
                           attls_status *st)
{
    const attls_buf *b = s->ev->rec[ATTLS_REC_TDX_QUOTE];
    attls_tdx_quote q;
    attls_tdx_td_report body;
    attls_code rc = attls_tdx_quote_parse(b->data, b->len, &q, st);
    json_t *o, *rtmr;

    if (rc != ATTLS_OK)
        return rc;
    attls_tdx_td_report_decode(&q, &body);
    o = json_pack("{s:i, s:i}", "version", q.version, "body-type", q.body_type);
    rtmr = json_array();
    for (int i = 0; rtmr != NULL && i < 4; i++)
        json_array_append_new(rtmr, attls_json_hex(body.rtmr[i], 48));
    attls_json_set(o, "mrtd", attls_json_hex(body.mrtd, 48));
    attls_json_set(o, "rtmr", rtmr);
    attls_json_set(o, "td-attributes", attls_json_u64hex(body.td_attributes));
    attls_json_set(o, "report-data", attls_json_hex(body.report_data, 64));
    attls_json_set(o, "pck-chain-bytes",
                   json_integer((json_int_t)q.pck_chain_len));
    attls_json_set(o, "trailing-bytes",
                   json_integer((json_int_t)q.trailing_len));
    attls_json_set(rec, "quote", o);
    bind(s, want == s->binder64 ? "report-data" : "tdx-quote-tdreport",
         cmp(body.report_data, 64, want, 64));
    return ATTLS_OK;
}

static attls_code show_hcl(attls_show *s, json_t *rec, attls_status *st)
{
    const attls_buf *b = s->ev->rec[ATTLS_REC_HCL_REPORT];
    attls_hcl_verify_params p;
    attls_hcl_report r;
    attls_status ignore;
    attls_code rc;

    memset(&p, 0, sizeof(p));
    rc = attls_hcl_verify(b->data, b->len, &p, &r, NULL, st);
    if (rc == ATTLS_OK) {
        attls_json_set(rec, "report", attls_hcl_report_to_json(&r));
        bind(s, "hcl-claims", ATTLS_BIND_MATCH); /* checked by verify */
        attls_status_clear(&ignore);
        bind(s, "user-data",
             !r.claims.has_user_data ? ATTLS_BIND_ABSENT
             : attls_hcl_check_user_data(&r, s->binder64, &ignore) == ATTLS_OK
                 ? ATTLS_BIND_MATCH
                 : ATTLS_BIND_MISMATCH);
        if (s->ev->rec[ATTLS_REC_TDX_QUOTE] != NULL) {
            json_t *q = json_object_get(s->records, "tdx-quote");

            if (q == NULL) {
                q = json_object();
                if (attls_json_set(s->records, "tdx-quote", q) != 0)
                    q = NULL;
            }
            rc = q != NULL ? show_tdx(s, q, r.tdx.report_data, st)
                           : attls_fail(st, ATTLS_E_INTERNAL, "show.alloc",
                                        "out of memory");
        }
    }
    attls_hcl_report_free(&r);
    return rc;
}

/*-
 * All records
 */

static json_t *record_base(const attls_cmw_record *r)
{
    json_t *o = json_pack("{s:s, s:I}", "media-type", r->media_type, "bytes",
                          (json_int_t)r->value.len);

    if (o != NULL && r->ind != 0)
        attls_json_set(o, "ind", json_integer(r->ind));
    return o;
}

static attls_code show_one(attls_show *s, const attls_cmw_record *r,
                           json_t *rec, attls_status *st)
{
    const attls_evidence *ev = s->ev;

    if (&r->value == ev->rec[ATTLS_REC_TPM_QUOTE])
        return show_quote(s, rec, st);
    if (&r->value == ev->rec[ATTLS_REC_TPM_CERTIFY])
        return show_certify(s, rec, st);
    if (&r->value == ev->rec[ATTLS_REC_AK_PUB])
        return show_ak_pub(s, rec, st);
    if (&r->value == ev->rec[ATTLS_REC_AK_INTERMEDIATES])
        return show_pkipath(&r->value, rec, st);
    if (&r->value == ev->rec[ATTLS_REC_AK_CERT] ||
        &r->value == ev->rec[ATTLS_REC_VCEK] ||
        &r->value == ev->rec[ATTLS_REC_VLEK])
        return show_cert(&r->value, r->label, rec, st);
    if (&r->value == ev->rec[ATTLS_REC_SNP_REPORT])
        return show_snp(s, rec, st);
    if (&r->value == ev->rec[ATTLS_REC_HCL_REPORT])
        return show_hcl(s, rec, st);
    /* The GCP TD quote; on Azure show_hcl() decodes it. */
    if (&r->value == ev->rec[ATTLS_REC_TDX_QUOTE] &&
        ev->rec[ATTLS_REC_HCL_REPORT] == NULL)
        return show_tdx(s, rec, s->binder64, st);
    return ATTLS_OK;
}

attls_code attls_show_records(attls_show *s, attls_status *st)
{
    attls_code rc = ATTLS_OK;

    attls_binder64(s->binder, s->binder64);
    for (size_t i = 0; rc == ATTLS_OK && i < s->ev->cmw.count; i++) {
        const attls_cmw_record *r = &s->ev->cmw.records[i];
        json_t *rec = json_object_get(s->records, r->label);

        if (rec == NULL) {
            rec = record_base(r);
            if (attls_json_set(s->records, r->label, rec) != 0)
                return attls_fail(st, ATTLS_E_INTERNAL, "show.alloc",
                                  "out of memory");
        } else {
            /* Filled in early (the Azure TD quote): add the base fields. */
            json_t *base = record_base(r);

            json_object_update(rec, base);
            json_decref(base);
        }
        rc = show_one(s, r, rec, st);
    }
    return rc;
}
