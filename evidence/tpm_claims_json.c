/* SPDX-License-Identifier: Apache-2.0 */
/* JSON form of verified TPM2_Quote / TPM2_Certify claims. */
#include "evidence/tpm_attest.h"

#include <stdio.h>

#include "evidence/json_util.h"

static json_t *alg_json(uint16_t alg)
{
    const char *name = attls_tpm_alg_name(alg);
    char buf[8];

    if (name != NULL)
        return json_string(name);
    snprintf(buf, sizeof(buf), "0x%04x", alg);
    return json_string(buf);
}

/* [{"hash": "sha256", "pcrs": [0, 1, ...]}, ...] in selection order. */
static json_t *selection_json(const attls_tpm_attest_claims *c)
{
    json_t *banks = json_array();
    int ok = banks != NULL;

    for (size_t i = 0; ok && i < c->pcr_bank_count; i++) {
        json_t *pcrs = json_array();

        /* The *_new calls take the reference, also when they fail. */
        for (unsigned k = 0; pcrs != NULL && k < ATTLS_TPM_MAX_PCRS; k++) {
            if ((c->pcr_banks[i].mask & (1u << k)) &&
                json_array_append_new(pcrs, json_integer(k)) != 0)
                ok = 0;
        }
        ok = ok && pcrs != NULL &&
             json_array_append_new(banks,
                                   json_pack("{s:o, s:O}", "hash",
                                             alg_json(c->pcr_banks[i].hash_alg),
                                             "pcrs", pcrs)) == 0;
        json_decref(pcrs);
    }
    if (!ok) {
        json_decref(banks);
        return NULL;
    }
    return banks;
}

json_t *attls_tpm_attest_claims_json(const attls_tpm_attest_claims *c)
{
    json_t *o = json_object();
    int bad;

    if (o == NULL)
        return NULL;
    bad = attls_json_set(o, "type",
                         json_string(c->type == TPM2_ST_ATTEST_QUOTE
                                         ? "quote"
                                         : "certify")) |
          attls_json_set(
              o, "qualified_signer",
              attls_json_hex(c->qualified_signer, c->qualified_signer_len)) |
          attls_json_set(o, "qualified_signer_checked",
                         json_boolean(c->qualified_signer_checked)) |
          attls_json_set(o, "extra_data",
                         attls_json_hex(c->extra_data, c->extra_data_len)) |
          attls_json_set(o, "extra_data_checked",
                         json_boolean(c->extra_data_checked)) |
          attls_json_set(o, "clock_info",
                         json_pack("{s:I, s:I, s:I, s:b}", "clock",
                                   (json_int_t)c->clock, "reset_count",
                                   (json_int_t)c->reset_count, "restart_count",
                                   (json_int_t)c->restart_count, "safe",
                                   c->safe)) |
          attls_json_set(o, "firmware_version",
                         attls_json_u64hex(c->firmware_version)) |
          attls_json_set(o, "signature",
                         json_pack("{s:o, s:o}", "scheme",
                                   alg_json(c->sig_scheme), "hash",
                                   alg_json(c->sig_hash)));
    if (c->type == TPM2_ST_ATTEST_QUOTE)
        bad |=
            attls_json_set(o, "pcr_selection", selection_json(c)) |
            attls_json_set(o, "pcr_digest",
                           attls_json_hex(c->pcr_digest, c->pcr_digest_len)) |
            attls_json_set(o, "pcrs_checked", json_boolean(c->pcrs_checked));
    else
        bad |= attls_json_set(
                   o, "certified_name",
                   attls_json_hex(c->certified_name, c->certified_name_len)) |
               attls_json_set(o, "certified_qualified_name",
                              attls_json_hex(c->certified_qualified_name,
                                             c->certified_qualified_name_len)) |
               attls_json_set(o, "certified_attributes",
                              attls_json_u64hex(c->certified_attributes));
    if (bad) {
        json_decref(o);
        return NULL;
    }
    return o;
}
