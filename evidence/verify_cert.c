/* SPDX-License-Identifier: Apache-2.0 */
/*
 * attls_verify_certificate(): the verifier procedure of
 * docs/evidence-format.md §6 over one certificate, then the client policy.
 * Each step lives in its own file (verify_internal.h); this one runs them
 * in order and owns the state.
 */
#include <string.h>

#include <openssl/crypto.h>

#include "evidence/verify_internal.h"

static void vctx_free(attls_vctx *v)
{
    attls_evidence_free(&v->ev);
    if (v->have_hcl)
        attls_hcl_report_free(&v->hcl);
    if (v->have_tdx)
        attls_tdx_claims_free(&v->tdx);
    EVP_PKEY_free(v->ak);
    OPENSSL_free(v->quote);
}

static attls_code run(attls_vctx *v, attls_status *st)
{
    int critical = 0;
    attls_code rc = attls_evidence_from_cert(v->cert, &v->ev, &critical, st);

    if (rc != ATTLS_OK)
        return rc;
    /* Cheap policy refusals first: no cryptography for a peer the policy
     * would refuse anyway. */
    rc = attls_policy_check_claims(v->pol, &v->ev.claims, v->at, st);
    if (rc == ATTLS_OK)
        rc = attls_evidence_binder(&v->ev, v->cert, v->binder, st);
    if (rc != ATTLS_OK)
        return rc;
    attls_binder64(v->binder, v->binder64);
    if ((rc = attls_verify_tee(v, st)) != ATTLS_OK)
        return rc;
    if ((rc = attls_verify_ak(v, st)) != ATTLS_OK)
        return rc;
    if ((rc = attls_verify_quote(v, st)) != ATTLS_OK)
        return rc;
    return attls_verify_certify(v, st);
}

static attls_code fill_result(const attls_vctx *v, attls_result *r,
                              attls_status *st)
{
    json_t *j = attls_verify_result_json(v);

    r->json = j != NULL ? json_dumps(j, JSON_COMPACT) : NULL;
    json_decref(j);
    if (r->json == NULL)
        return attls_fail(st, ATTLS_E_INTERNAL, "verify.result",
                          "cannot serialise the claims");
    snprintf(r->platform, sizeof(r->platform), "%s",
             attls_platform_name(v->ev.claims.platform));
    snprintf(r->residency, sizeof(r->residency), "%s",
             attls_residency_name(v->ev.claims.residency));
    r->created = v->ev.claims.created;
    r->debug = v->debug;
    return ATTLS_OK;
}

attls_code attls_verify_certificate(X509 *cert, const attls_policy *pol,
                                    attls_result *result, attls_status *st)
{
    attls_policy *fallback = NULL;
    attls_vctx *v;
    attls_code rc;

    attls_status_clear(st);
    if (result != NULL)
        memset(result, 0, sizeof(*result));
    if (cert == NULL)
        return attls_fail(st, ATTLS_E_ARGUMENT, "verify.argument",
                          "no certificate");
    if (pol == NULL && (pol = fallback = attls_policy_new_default(st)) == NULL)
        return st != NULL ? st->code : ATTLS_E_INTERNAL;
    v = OPENSSL_zalloc(sizeof(*v));
    if (v == NULL) {
        attls_policy_free(fallback);
        return attls_fail(st, ATTLS_E_INTERNAL, "verify.alloc", "no memory");
    }
    v->pol = pol;
    v->cert = cert;
    v->at = pol->have_time ? pol->at : time(NULL);
    v->roots = pol->roots_dir;
    rc = run(v, st);
    if (rc == ATTLS_OK && result != NULL)
        rc = fill_result(v, result, st);
    vctx_free(v);
    OPENSSL_free(v);
    attls_policy_free(fallback);
    return rc;
}

void attls_result_free(attls_result *r)
{
    if (r == NULL)
        return;
    free(r->json);
    memset(r, 0, sizeof(*r));
}
