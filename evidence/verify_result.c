/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The claims of verified evidence as JSON: what a client logs or decides
 * on. Only values that the verifier checked are reported.
 */
#include "evidence/json_util.h"
#include "evidence/verify_internal.h"

static json_t *tcb_json(const attls_snp_tcb *t)
{
    return json_pack("{s:i, s:i, s:i, s:i}", "bootloader", t->bootloader, "tee",
                     t->tee, "snp", t->snp, "microcode", t->microcode);
}

static json_t *snp_json(const attls_snp_report *r)
{
    json_t *o = json_object();

    attls_json_set(o, "type", json_string("sev-snp"));
    attls_json_set(o, "measurement", attls_json_hex(r->measurement, 48));
    attls_json_set(o, "host_data", attls_json_hex(r->host_data, 32));
    attls_json_set(o, "policy", attls_json_u64hex(r->policy));
    attls_json_set(o, "vmpl", json_integer(r->vmpl));
    attls_json_set(o, "reported_tcb", tcb_json(&r->reported_tcb));
    attls_json_set(o, "product",
                   json_string(attls_snp_product_name(r->product)));
    return o;
}

static json_t *tdx_json(const attls_tdx_claims *c)
{
    json_t *o = json_object();
    json_t *rtmr = json_array();

    attls_json_set(o, "type", json_string("tdx"));
    attls_json_set(o, "mrtd", attls_json_hex(c->td.mrtd, 48));
    for (int i = 0; i < 4; i++)
        json_array_append_new(rtmr, attls_json_hex(c->td.rtmr[i], 48));
    attls_json_set(o, "rtmr", rtmr);
    attls_json_set(o, "td_attributes", attls_json_u64hex(c->td.td_attributes));
    attls_json_set(o, "tcb_status",
                   json_string(attls_tdx_tcb_status_name(c->tcb.status)));
    return o;
}

static json_t *pcrs_json(const attls_tpm_pcrs *p)
{
    json_t *banks = json_object();

    for (size_t b = 0; b < p->bank_count; b++) {
        const attls_tpm_pcr_bank *bank = &p->banks[b];
        size_t n = attls_tpm_digest_size(bank->hash_alg);
        json_t *o = json_object();

        for (unsigned i = 0; i < ATTLS_TPM_MAX_PCRS; i++) {
            char idx[4];

            if (!(bank->present & (1u << i)))
                continue;
            snprintf(idx, sizeof(idx), "%u", i);
            attls_json_set(o, idx, attls_json_hex(bank->values[i], n));
        }
        attls_json_set(banks, attls_tpm_alg_name(bank->hash_alg), o);
    }
    return banks;
}

static json_t *ak_json(const attls_vctx *v)
{
    const char *source = "ak-pub pinned by the policy";
    json_t *o;

    if (v->have_hcl)
        source = "HCLAkPub of the hardware-signed HCL report";
    else if (v->have_akcert)
        source = "ak-pub certified by ak-cert";
    o = json_pack("{s:s}", "trusted_through", source);
    if (v->have_akcert) {
        attls_json_set(o, "cert_subject", json_string(v->akcert.subject));
        attls_json_set(o, "cert_anchor", json_string(v->akcert.anchor));
    }
    return o;
}

json_t *attls_verify_result_json(const attls_vctx *v)
{
    const attls_claims *c = &v->ev.claims;
    json_t *o = json_object();
    int bad = o == NULL;

    bad |= attls_json_set(o, "platform",
                          json_string(attls_platform_name(c->platform)));
    bad |= attls_json_set(o, "residency",
                          json_string(attls_residency_name(c->residency)));
    bad |= attls_json_set(o, "pcr_policy", json_boolean(c->pcr_policy));
    bad |= attls_json_set(o, "created", attls_json_time(c->created));
    if (c->nonce_len > 0)
        bad |=
            attls_json_set(o, "nonce", attls_json_hex(c->nonce, c->nonce_len));
    bad |= attls_json_set(o, "binder",
                          attls_json_hex(v->binder, ATTLS_BINDER_LEN));
    bad |= attls_json_set(o, "debug", json_boolean(v->debug));
    if (v->snp != NULL)
        bad |= attls_json_set(o, "tee", snp_json(v->snp));
    else if (v->have_tdx)
        bad |= attls_json_set(o, "tee", tdx_json(&v->tdx));
    if (v->have_hcl)
        bad |= attls_json_set(o, "azure_user_data_echo",
                              json_boolean(v->user_data_echo));
    bad |= attls_json_set(o, "ak", ak_json(v));
    bad |= attls_json_set(o, "pcrs", pcrs_json(&v->pcrs));
    if (bad) {
        json_decref(o);
        return NULL;
    }
    return o;
}
