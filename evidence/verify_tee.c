/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Step 4 of the verifier procedure: the TEE report of each platform
 * (docs/evidence-format.md §6), its binding to the binder or to the HCL
 * runtime claims, and the TEE part of the client policy.
 */
#include <string.h>

#include <openssl/crypto.h>

#include "evidence/verify_internal.h"

static const attls_buf *rec(const attls_vctx *v, attls_record_id id)
{
    return v->ev.rec[id];
}

/* The VCEK/VLEK the evidence carries (the verifier has no KDS cache). */
static attls_code load_vek(attls_vctx *v, X509 **vek,
                           STACK_OF(X509) **untrusted, attls_status *st)
{
    const attls_buf *b = rec(v, ATTLS_REC_VCEK);

    if (b == NULL)
        b = rec(v, ATTLS_REC_VLEK);
    if (b == NULL)
        return attls_fail(st, ATTLS_E_SNP_VEK, "tee.vek",
                          "the evidence has no vcek or vlek record, so the "
                          "SEV-SNP report cannot be verified offline (issue "
                          "the certificate with endorsements)");
    return attls_snp_vek_load(b->data, b->len, vek, untrusted, st);
}

static void snp_params(const attls_vctx *v, attls_snp_verify_params *p)
{
    memset(p, 0, sizeof(*p));
    p->at = v->at;
    p->roots_dir = v->roots;
    p->product = ATTLS_SNP_PRODUCT_UNKNOWN;
}

static attls_code snp_policy(attls_vctx *v, const attls_snp_report *r,
                             attls_status *st)
{
    attls_snp_policy sp;

    v->snp = r;
    v->debug = (r->policy & ATTLS_SNP_POLICY_DEBUG) != 0;
    attls_policy_snp(v->pol, &sp);
    return attls_snp_policy_check(r, &sp, st);
}

static attls_code check_user_data(attls_vctx *v, attls_status *st)
{
    const attls_hcl_claims *c = &v->hcl.claims;

    v->user_data_echo =
        c->has_user_data &&
        CRYPTO_memcmp(c->user_data, v->binder64, ATTLS_BINDER64_LEN) == 0;
    if (v->pol->require_user_data && !v->user_data_echo)
        return attls_fail(st, ATTLS_E_POLICY_USER_DATA, "policy.user_data",
                          "the HCL runtime claims' user-data is %s, not the "
                          "binder of this certificate, and the policy "
                          "requires the paravisor's echo",
                          c->has_user_data ? "another value" : "absent");
    return ATTLS_OK;
}

static attls_code azure_hcl(attls_vctx *v, attls_hcl_report_type want,
                            const attls_hcl_verify_params *hp, attls_status *st)
{
    const attls_buf *b = rec(v, ATTLS_REC_HCL_REPORT);
    attls_code rc;

    v->have_hcl = 1;
    rc = attls_hcl_verify(b->data, b->len, hp, &v->hcl,
                          hp != NULL ? &v->vek : NULL, st);
    if (rc != ATTLS_OK)
        return rc;
    if (v->hcl.report_type != want)
        return attls_fail(st, ATTLS_E_TEE_PLATFORM, "tee.platform",
                          "the claims say %s but the HCL report holds a %s "
                          "hardware report",
                          attls_platform_name(v->ev.claims.platform),
                          v->hcl.report_type == ATTLS_HCL_REPORT_SNP ? "SNP"
                                                                     : "TDX");
    return check_user_data(v, st);
}

static attls_code azure_snp(attls_vctx *v, attls_status *st)
{
    attls_hcl_verify_params hp;
    attls_code rc;

    memset(&hp, 0, sizeof(hp));
    snp_params(v, &hp.snp);
    rc = load_vek(v, &hp.vek, &hp.untrusted, st);
    if (rc == ATTLS_OK) {
        rc = azure_hcl(v, ATTLS_HCL_REPORT_SNP, &hp, st);
        v->have_vek = rc == ATTLS_OK;
    }
    X509_free(hp.vek);
    sk_X509_pop_free(hp.untrusted, X509_free);
    if (rc == ATTLS_OK && !v->hcl.hw_verified)
        rc = attls_fail(st, ATTLS_E_INTERNAL, "tee.hcl",
                        "the HCL verifier did not verify the SNP report");
    return rc == ATTLS_OK ? snp_policy(v, &v->hcl.snp, st) : rc;
}

static attls_code gcp_snp(attls_vctx *v, attls_status *st)
{
    const attls_buf *b = rec(v, ATTLS_REC_SNP_REPORT);
    attls_snp_verify_params p;
    X509 *vek = NULL;
    STACK_OF(X509) *untrusted = NULL;
    attls_code rc = attls_snp_report_parse(b->data, b->len, &v->gcp_snp, st);

    snp_params(v, &p);
    if (rc == ATTLS_OK)
        rc = load_vek(v, &vek, &untrusted, st);
    if (rc == ATTLS_OK)
        rc = attls_snp_verify(&v->gcp_snp, vek, untrusted, &p, &v->vek, st);
    X509_free(vek);
    sk_X509_pop_free(untrusted, X509_free);
    if (rc != ATTLS_OK)
        return rc;
    v->have_vek = 1;
    if (CRYPTO_memcmp(v->gcp_snp.report_data, v->binder64, 64) != 0)
        return attls_fail(st, ATTLS_E_BINDER_MISMATCH, "tee.report_data",
                          "SNP REPORT_DATA is not binder64 of this "
                          "certificate's key and claims");
    return snp_policy(v, &v->gcp_snp, st);
}

static attls_code tdx_quote(attls_vctx *v, attls_status *st)
{
    const attls_buf *b = rec(v, ATTLS_REC_TDX_QUOTE);
    attls_trust_set trust;
    attls_tdx_verify_params p;
    attls_tdx_policy tp;
    attls_code rc = attls_trust_set_load("intel-sgx", v->roots, &trust, st);

    if (rc != ATTLS_OK)
        return rc;
    memset(&p, 0, sizeof(p));
    p.at = v->at;
    p.trust = &trust;
    v->have_tdx = 1;
    rc = attls_tdx_verify(b->data, b->len, &p, &v->tdx, st);
    attls_trust_set_free(&trust);
    if (rc != ATTLS_OK)
        return rc;
    v->debug = (v->tdx.td.td_attributes & ATTLS_TDX_TD_ATTR_DEBUG) != 0;
    memset(&tp, 0, sizeof(tp));
    tp.allow_debug = v->pol->allow_debug;
    tp.accepted_tcb = v->pol->tdx_tcb_statuses;
    rc = attls_tdx_policy_check(&v->tdx, &tp, st);
    return rc == ATTLS_OK ? attls_policy_check_tdx(v->pol, &v->tdx.td, st) : rc;
}

static attls_code azure_tdx(attls_vctx *v, attls_status *st)
{
    attls_code rc = azure_hcl(v, ATTLS_HCL_REPORT_TDX, NULL, st);

    if (rc == ATTLS_OK)
        rc = tdx_quote(v, st);
    /* The quote must be the quote of the TDREPORT the paravisor signed. */
    return rc == ATTLS_OK
               ? attls_tdreport_match_quote(&v->hcl.tdx, &v->tdx.td, st)
               : rc;
}

static attls_code gcp_tdx(attls_vctx *v, attls_status *st)
{
    attls_code rc = tdx_quote(v, st);

    if (rc == ATTLS_OK &&
        CRYPTO_memcmp(v->tdx.td.report_data, v->binder64, 64) != 0)
        rc = attls_fail(st, ATTLS_E_BINDER_MISMATCH, "tee.report_data",
                        "TDX REPORTDATA is not binder64 of this "
                        "certificate's key and claims");
    return rc;
}

attls_code attls_verify_tee(attls_vctx *v, attls_status *st)
{
    switch (v->ev.claims.platform) {
    case ATTLS_PLATFORM_AZURE_SNP:
        return azure_snp(v, st);
    case ATTLS_PLATFORM_AZURE_TDX:
        return azure_tdx(v, st);
    case ATTLS_PLATFORM_GCP_SNP:
        return gcp_snp(v, st);
    case ATTLS_PLATFORM_GCP_TDX:
        return gcp_tdx(v, st);
    case ATTLS_PLATFORM_TPM:
        return ATTLS_OK; /* no TEE: the policy's platform list decides */
    default:
        return attls_fail(st, ATTLS_E_CLAIMS, "tee.platform",
                          "unknown platform in the claims");
    }
}
