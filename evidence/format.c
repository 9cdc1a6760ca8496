/* SPDX-License-Identifier: Apache-2.0 */
#include "evidence/format.h"

#include <string.h>

#include "evidence/cert_ext.h"

#define EV ATTLS_CMW_IND_EVIDENCE
#define EN ATTLS_CMW_IND_ENDORSEMENTS

static const attls_record_spec specs[ATTLS_REC_COUNT] = {
    [ATTLS_REC_CLAIMS] = {"claims", "application/vnd.attls.claims+json", EV, 2,
                          1024},
    [ATTLS_REC_HCL_REPORT] = {"hcl-report",
                              "application/vnd.attls.azure-hcl-report", EV,
                              1238, 8192},
    [ATTLS_REC_SNP_REPORT] = {"snp-report",
                              "application/vnd.attls.sev-snp-report", EV, 1184,
                              1184},
    [ATTLS_REC_TDX_QUOTE] = {"tdx-quote", "application/vnd.attls.tdx-quote", EV,
                             1020, 16384},
    [ATTLS_REC_AK_PUB] = {"ak-pub", "application/vnd.attls.tpm2-public", EV, 10,
                          1024},
    [ATTLS_REC_TPM_QUOTE] = {"tpm-quote", "application/vnd.attls.tpm2-quote",
                             EV, 60, 8192},
    [ATTLS_REC_TPM_CERTIFY] = {"tpm-certify",
                               "application/vnd.attls.tpm2-certify", EV, 60,
                               4096},
    [ATTLS_REC_AK_CERT] = {"ak-cert", "application/pkix-cert", EN, 64, 4096},
    [ATTLS_REC_AK_INTERMEDIATES] = {"ak-intermediates",
                                    "application/pkix-pkipath", EN, 64, 8192},
    [ATTLS_REC_VCEK] = {"vcek", "application/pkix-cert", EN, 64, 4096},
    [ATTLS_REC_VLEK] = {"vlek", "application/pkix-cert", EN, 64, 4096},
};

const attls_record_spec *attls_record_spec_of(attls_record_id id)
{
    return id < ATTLS_REC_COUNT ? &specs[id] : NULL;
}

/* R required, O optional, F forbidden; tpm-certify depends on residency. */
enum { F = 0, O, R, C };

static const unsigned char rules[][ATTLS_REC_COUNT] = {
    /* claims hcl snp tdx akpub quote certify akcert akint vcek vlek */
    [ATTLS_PLATFORM_TPM] = {R, F, F, F, R, R, C, O, O, F, F},
    [ATTLS_PLATFORM_AZURE_SNP] = {R, R, F, F, F, R, C, R, O, O, O},
    [ATTLS_PLATFORM_AZURE_TDX] = {R, R, F, R, F, R, C, R, O, F, F},
    [ATTLS_PLATFORM_GCP_SNP] = {R, F, R, F, R, R, C, R, O, O, O},
    [ATTLS_PLATFORM_GCP_TDX] = {R, F, F, R, R, R, C, R, O, F, F},
};

static int has(unsigned present, attls_record_id id)
{
    return (present >> id) & 1u;
}

attls_code attls_evidence_check_set(const attls_claims *c, unsigned present,
                                    attls_status *st)
{
    const char *platform = attls_platform_name(c->platform);

    if (platform == NULL)
        return attls_fail(st, ATTLS_E_EVIDENCE_INCOMPLETE, "evidence.records",
                          "unknown platform");
    for (int id = 0; id < ATTLS_REC_COUNT; id++) {
        int rule = rules[c->platform][id];

        if (rule == C)
            rule = c->residency == ATTLS_RESIDENCY_VTPM ? R : F;
        if (rule == R && !has(present, (attls_record_id)id))
            return attls_fail(
                st, ATTLS_E_EVIDENCE_INCOMPLETE, "evidence.records",
                "record '%s' is required for platform %s, "
                "residency %s",
                specs[id].label, platform, attls_residency_name(c->residency));
        if (rule == F && has(present, (attls_record_id)id))
            return attls_fail(
                st, ATTLS_E_EVIDENCE_INCOMPLETE, "evidence.records",
                "record '%s' must not appear for platform %s, "
                "residency %s",
                specs[id].label, platform, attls_residency_name(c->residency));
    }
    if (has(present, ATTLS_REC_AK_INTERMEDIATES) &&
        !has(present, ATTLS_REC_AK_CERT))
        return attls_fail(st, ATTLS_E_EVIDENCE_INCOMPLETE, "evidence.records",
                          "'ak-intermediates' without 'ak-cert'");
    if (has(present, ATTLS_REC_VCEK) && has(present, ATTLS_REC_VLEK))
        return attls_fail(st, ATTLS_E_EVIDENCE_INCOMPLETE, "evidence.records",
                          "both 'vcek' and 'vlek': one report has one signer");
    return ATTLS_OK;
}

static int find_spec(const char *label)
{
    for (int id = 0; id < ATTLS_REC_COUNT; id++) {
        if (strcmp(specs[id].label, label) == 0)
            return id;
    }
    return -1;
}

static attls_code check_record(const attls_cmw_record *r, int id,
                               attls_code size_code, attls_status *st)
{
    const attls_record_spec *s = &specs[id];

    if (strcmp(r->media_type, s->media_type) != 0)
        return attls_fail(st, ATTLS_E_EVIDENCE_RECORD, "evidence.media_type",
                          "record '%s' has media type '%s', expected '%s'",
                          s->label, r->media_type, s->media_type);
    if (r->ind != 0 && r->ind != s->ind)
        return attls_fail(st, ATTLS_E_EVIDENCE_RECORD, "evidence.ind",
                          "record '%s' has ind %u, expected %u", s->label,
                          (unsigned)r->ind, (unsigned)s->ind);
    if (r->value.len < s->min_len || r->value.len > s->max_len)
        return attls_fail(st, size_code, "evidence.size",
                          "record '%s' has %zu bytes (%zu..%zu allowed)",
                          s->label, r->value.len, s->min_len, s->max_len);
    return ATTLS_OK;
}

static attls_code map_records(attls_evidence *ev, unsigned *present,
                              attls_status *st)
{
    *present = 0;
    for (size_t i = 0; i < ev->cmw.count; i++) {
        const attls_cmw_record *r = &ev->cmw.records[i];
        int id = find_spec(r->label);
        attls_code rc;

        if (id < 0)
            return attls_fail(st, ATTLS_E_EVIDENCE_RECORD, "evidence.label",
                              "unknown record '%s' in attls evidence v1",
                              r->label);
        rc = check_record(r, id, ATTLS_E_EVIDENCE_RECORD, st);
        if (rc != ATTLS_OK)
            return rc;
        ev->rec[id] = &r->value;
        *present |= 1u << id;
    }
    return ATTLS_OK;
}

attls_code attls_evidence_decode(const char *json, size_t len,
                                 attls_evidence *ev, attls_status *st)
{
    unsigned present = 0;
    attls_code rc;

    memset(ev, 0, sizeof(*ev));
    rc = attls_cmw_decode(json, len, &ev->cmw, st);
    if (rc != ATTLS_OK)
        return rc;
    if (strcmp(ev->cmw.type, ATTLS_EVIDENCE_PROFILE) != 0) {
        rc = attls_fail(
            st, ATTLS_E_CMW_PROFILE, "evidence.profile",
            "collection type '%.100s' is not " ATTLS_EVIDENCE_PROFILE,
            ev->cmw.type[0] ? ev->cmw.type : "(none)");
        goto end;
    }
    rc = map_records(ev, &present, st);
    if (rc == ATTLS_OK && ev->rec[ATTLS_REC_CLAIMS] == NULL)
        rc = attls_fail(st, ATTLS_E_EVIDENCE_INCOMPLETE, "evidence.records",
                        "record 'claims' missing");
    if (rc == ATTLS_OK)
        rc = attls_claims_decode(ev->rec[ATTLS_REC_CLAIMS]->data,
                                 ev->rec[ATTLS_REC_CLAIMS]->len, &ev->claims,
                                 st);
    if (rc == ATTLS_OK)
        rc = attls_evidence_check_set(&ev->claims, present, st);
end:
    if (rc != ATTLS_OK)
        attls_evidence_free(ev);
    return rc;
}

attls_code attls_evidence_from_cert(const X509 *x, attls_evidence *ev,
                                    int *critical, attls_status *st)
{
    attls_buf json = {NULL, 0};
    attls_code rc;

    memset(ev, 0, sizeof(*ev));
    rc = attls_cmw_ext_from_cert(x, &json, critical, st);
    if (rc == ATTLS_OK)
        rc = attls_evidence_decode((const char *)json.data, json.len, ev, st);
    attls_buf_free(&json);
    return rc;
}

void attls_evidence_free(attls_evidence *ev)
{
    if (ev == NULL)
        return;
    attls_cmw_free(&ev->cmw);
    memset(ev, 0, sizeof(*ev));
}

attls_code attls_evidence_binder(const attls_evidence *ev, const X509 *x,
                                 uint8_t out[ATTLS_BINDER_LEN],
                                 attls_status *st)
{
    attls_buf spki = {NULL, 0};
    attls_code rc;

    if (ev->rec[ATTLS_REC_CLAIMS] == NULL)
        return attls_fail(st, ATTLS_E_EVIDENCE_INCOMPLETE, "binder.claims",
                          "no claims record");
    rc = attls_spki_of_cert(x, &spki, st);
    if (rc == ATTLS_OK)
        rc = attls_binder_compute(spki.data, spki.len,
                                  ev->rec[ATTLS_REC_CLAIMS]->data,
                                  ev->rec[ATTLS_REC_CLAIMS]->len, out, st);
    attls_buf_free(&spki);
    return rc;
}
