/* SPDX-License-Identifier: Apache-2.0 */
/*
 * TDX verification as a whole: the stages of tdx.h put together, the
 * claims a verified quote yields, and the opt-in policy.
 */
#include "evidence/tdx.h"

#include <stdio.h>
#include <string.h>

#include <openssl/crypto.h>

#include "common/bytes.h"
#include "common/timeutil.h"

void attls_tdx_claims_free(attls_tdx_claims *c)
{
    if (c == NULL)
        return;
    attls_tdx_tcb_result_free(&c->tcb);
    memset(c, 0, sizeof(*c));
}

attls_code attls_tdx_evaluate_collateral(
    const attls_tdx_quote *q, const attls_tdx_pck *pck,
    const attls_tdx_collateral *c, time_t at, const attls_trust_set *trust,
    attls_tdx_claims *claims, attls_status *st)
{
    attls_tdx_crls crls;
    attls_tdx_tcb_info ti;
    attls_tdx_qe_identity qi;
    attls_tdx_td_report td;
    attls_sgx_report_body qe;
    attls_code rc;

    memset(&ti, 0, sizeof(ti));
    memset(&qi, 0, sizeof(qi));
    if ((rc = attls_tdx_collateral_check_complete(c, st)) != ATTLS_OK ||
        (rc = attls_tdx_crls_load(c, &crls, st)) != ATTLS_OK)
        return rc;
    if ((rc = attls_tdx_pck_revocation_check(
             pck->leaf, pck->certs, &crls, at, trust,
             &claims->pck_revocation_checked, st)) != ATTLS_OK ||
        (rc = attls_tdx_tcb_info_verify(c, &crls, at, trust, &ti, st)) !=
            ATTLS_OK ||
        (rc = attls_tdx_qe_identity_verify(c, &crls, at, trust, &qi, st)) !=
            ATTLS_OK)
        goto end;
    attls_tdx_td_report_decode(q, &td);
    attls_sgx_report_decode(q->qe_report, &qe);
    attls_tdx_tcb_result_free(&claims->tcb);
    rc =
        attls_tdx_tcb_evaluate(&ti, &qi, &pck->ext, &td, &qe, &claims->tcb, st);
end:
    attls_tdx_qe_identity_free(&qi);
    attls_tdx_tcb_info_free(&ti);
    attls_tdx_crls_free(&crls);
    return rc;
}

attls_code attls_tdx_verify(const uint8_t *quote, size_t len,
                            const attls_tdx_verify_params *p,
                            attls_tdx_claims *claims, attls_status *st)
{
    attls_tdx_quote q;
    attls_tdx_pck pck;
    attls_code rc;

    memset(claims, 0, sizeof(*claims));
    if (p->trust == NULL)
        return attls_fail(st, ATTLS_E_ARGUMENT, "tdx",
                          "no trust set for the PCK chain");
    if ((rc = attls_tdx_quote_parse(quote, len, &q, st)) != ATTLS_OK ||
        (rc = attls_tdx_verify_crypto(&q, p, &pck, st)) != ATTLS_OK)
        return rc;
    claims->version = q.version;
    claims->body_type = q.body_type;
    claims->trailing_len = q.trailing_len;
    claims->pck_external = pck.external;
    claims->pck = pck.ext;
    attls_tdx_td_report_decode(&q, &claims->td);
    attls_sgx_report_decode(q.qe_report, &claims->qe);
    if (p->collateral != NULL)
        rc = attls_tdx_evaluate_collateral(&q, &pck, p->collateral, p->at,
                                           p->trust, claims, st);
    attls_tdx_pck_free(&pck);
    return rc;
}

/* ---- policy -------------------------------------------------------------- */

attls_code attls_tdx_policy_check(const attls_tdx_claims *c,
                                  const attls_tdx_policy *p, attls_status *st)
{
    attls_tdx_tcb_status s = c->tcb.status;

    if (!p->allow_debug && (c->td.td_attributes & ATTLS_TDX_TD_ATTR_DEBUG))
        return attls_fail(st, ATTLS_E_TDX_DEBUG, "tdx.policy.debug",
                          "TD_ATTRIBUTES 0x%016llx has DEBUG (bit 0) set: "
                          "the TD's memory and state are not confidential",
                          (unsigned long long)c->td.td_attributes);
    if (p->accepted_tcb == 0)
        return ATTLS_OK;
    if (s == ATTLS_TDX_TCB_NOT_EVALUATED)
        return attls_fail(st, ATTLS_E_TDX_TCB_NOT_EVALUATED, "tdx.policy.tcb",
                          "the policy requires a TCB status, but no "
                          "collateral was evaluated");
    if (!(p->accepted_tcb & ATTLS_TDX_TCB_BIT(s)))
        return attls_fail(st, ATTLS_E_TDX_TCB_STATUS, "tdx.policy.tcb",
                          "TCB status %s is not accepted by the policy",
                          attls_tdx_tcb_status_name(s));
    return ATTLS_OK;
}

int attls_tdx_tcb_set_parse(const char *list, unsigned *set)
{
    char name[64];
    const char *p = list;

    *set = 0;
    while (*p != '\0') {
        size_t n = strcspn(p, ",");
        attls_tdx_tcb_status s;

        if (n == 0 || n >= sizeof(name))
            return -1;
        memcpy(name, p, n);
        name[n] = '\0';
        if (attls_tdx_tcb_status_from_name(name, &s) != 0 ||
            s == ATTLS_TDX_TCB_NOT_EVALUATED || s == ATTLS_TDX_TCB_NO_MATCH)
            return -1;
        *set |= ATTLS_TDX_TCB_BIT(s);
        p += n;
        if (*p == ',' && *++p == '\0')
            return -1;
    }
    return *set != 0 ? 0 : -1;
}

/* ---- claims as JSON ------------------------------------------------------ */

static int set_hex(json_t *o, const char *key, const uint8_t *b, size_t len)
{
    char hex[2 * 64 + 1];

    attls_hex_encode(b, len, hex);
    return json_object_set_new(o, key, json_string(hex));
}

static int set_u64(json_t *o, const char *key, uint64_t v)
{
    char buf[19];

    snprintf(buf, sizeof(buf), "0x%016llx", (unsigned long long)v);
    return json_object_set_new(o, key, json_string(buf));
}

static int set_date(json_t *o, const char *key, time_t t)
{
    char buf[32];

    attls_format_rfc3339(t, buf, sizeof(buf));
    return json_object_set_new(o, key, json_string(buf));
}

static json_t *td_json(const attls_tdx_td_report *td)
{
    json_t *o = json_object(), *rtmr = json_array();
    int bad = o == NULL || rtmr == NULL;

    for (int i = 0; i < 4 && !bad; i++) {
        char hex[2 * ATTLS_TDX_MR_LEN + 1];

        attls_hex_encode(td->rtmr[i], ATTLS_TDX_MR_LEN, hex);
        bad = json_array_append_new(rtmr, json_string(hex)) != 0;
    }
    bad = bad || set_hex(o, "tee_tcb_svn", td->tee_tcb_svn, 16) ||
          set_hex(o, "mrseam", td->mrseam, ATTLS_TDX_MR_LEN) ||
          set_hex(o, "mrsignerseam", td->mrsignerseam, ATTLS_TDX_MR_LEN) ||
          set_u64(o, "seam_attributes", td->seam_attributes) ||
          set_u64(o, "td_attributes", td->td_attributes) ||
          json_object_set_new(
              o, "debug",
              json_boolean(td->td_attributes & ATTLS_TDX_TD_ATTR_DEBUG)) ||
          set_u64(o, "xfam", td->xfam) ||
          set_hex(o, "mrtd", td->mrtd, ATTLS_TDX_MR_LEN) ||
          set_hex(o, "mrconfigid", td->mrconfigid, ATTLS_TDX_MR_LEN) ||
          set_hex(o, "mrowner", td->mrowner, ATTLS_TDX_MR_LEN) ||
          set_hex(o, "mrownerconfig", td->mrownerconfig, ATTLS_TDX_MR_LEN) ||
          json_object_set(o, "rtmr", rtmr) ||
          set_hex(o, "report_data", td->report_data, 64);
    if (!bad && td->is_tdx15)
        bad = set_hex(o, "tee_tcb_svn2", td->tee_tcb_svn2, 16) ||
              set_hex(o, "mrservicetd", td->mrservicetd, ATTLS_TDX_MR_LEN);
    json_decref(rtmr);
    if (bad) {
        json_decref(o);
        return NULL;
    }
    return o;
}

static json_t *platform_json(const attls_tdx_claims *c)
{
    json_t *o = json_object(), *comps = json_array();
    int bad = o == NULL || comps == NULL;

    for (int i = 0; i < 16 && !bad; i++)
        bad = json_array_append_new(comps,
                                    json_integer(c->pck.tcb_comp_svn[i])) != 0;
    bad =
        bad || set_hex(o, "fmspc", c->pck.fmspc, 6) ||
        set_hex(o, "pceid", c->pck.pceid, 2) ||
        json_object_set_new(o, "pcesvn", json_integer(c->pck.pcesvn)) ||
        json_object_set(o, "sgx_tcb_components", comps) ||
        json_object_set_new(o, "qe_isvsvn", json_integer(c->qe.isvsvn)) ||
        json_object_set_new(o, "qe_isvprodid", json_integer(c->qe.isvprodid)) ||
        set_hex(o, "qe_mrsigner", c->qe.mrsigner, 32) ||
        json_object_set_new(
            o, "pck_chain",
            json_string(c->pck_external ? "supplied" : "quote"));
    json_decref(comps);
    if (bad) {
        json_decref(o);
        return NULL;
    }
    return o;
}

static json_t *tcb_json(const attls_tdx_claims *c)
{
    const attls_tdx_tcb_result *t = &c->tcb;
    json_t *o = json_object(), *ids = json_array();
    int bad = o == NULL || ids == NULL;

    for (size_t i = 0; i < t->n_advisory_ids && !bad; i++)
        bad = json_array_append_new(ids, json_string(t->advisory_ids[i])) != 0;
    bad = bad ||
          json_object_set_new(
              o, "status", json_string(attls_tdx_tcb_status_name(t->status)));
    if (!bad && t->status != ATTLS_TDX_TCB_NOT_EVALUATED)
        bad = json_object_set_new(
                  o, "platform_status",
                  json_string(attls_tdx_tcb_status_name(t->platform_status))) ||
              json_object_set_new(
                  o, "tdx_module_status",
                  json_string(attls_tdx_tcb_status_name(t->module_status))) ||
              json_object_set_new(o, "tdx_module_identity",
                                  json_string(t->module_id)) ||
              json_object_set_new(
                  o, "qe_status",
                  json_string(attls_tdx_tcb_status_name(t->qe_status))) ||
              json_object_set_new(o, "tcb_evaluation_data_number",
                                  json_integer(t->tcb_eval_number)) ||
              json_object_set(o, "advisory_ids", ids) ||
              json_object_set_new(o, "pck_revocation_checked",
                                  json_boolean(c->pck_revocation_checked));
    /* A date only when a platform level matched. */
    if (!bad && t->platform_status != ATTLS_TDX_TCB_NOT_EVALUATED &&
        t->platform_status != ATTLS_TDX_TCB_NO_MATCH)
        bad = set_date(o, "tcb_date", t->tcb_date);
    json_decref(ids);
    if (bad) {
        json_decref(o);
        return NULL;
    }
    return o;
}

json_t *attls_tdx_claims_to_json(const attls_tdx_claims *c)
{
    json_t *o = json_object();
    json_t *td = td_json(&c->td), *platform = platform_json(c);
    json_t *tcb = tcb_json(c);
    int bad = o == NULL || td == NULL || platform == NULL || tcb == NULL;

    bad = bad || json_object_set_new(o, "type", json_string("tdx")) ||
          json_object_set_new(o, "quote_version", json_integer(c->version)) ||
          json_object_set_new(o, "tdx_version",
                              json_string(c->td.is_tdx15 ? "1.5" : "1.0")) ||
          json_object_set(o, "td", td) ||
          json_object_set(o, "platform", platform) ||
          json_object_set(o, "tcb", tcb) ||
          json_object_set_new(o, "trailing_bytes",
                              json_integer((json_int_t)c->trailing_len));
    json_decref(td);
    json_decref(platform);
    json_decref(tcb);
    if (bad) {
        json_decref(o);
        return NULL;
    }
    return o;
}
