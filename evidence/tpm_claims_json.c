/* SPDX-License-Identifier: Apache-2.0 */
/* JSON form of verified TPM2_Quote / TPM2_Certify claims. */
#include "evidence/tpm_attest.h"

#include <inttypes.h>
#include <stdio.h>

#include <openssl/crypto.h>

#include "common/bytes.h"

static json_t *hex_json(const uint8_t *in, size_t len)
{
    char *hex = OPENSSL_malloc(2 * len + 1);
    json_t *j;

    if (hex == NULL)
        return NULL;
    attls_hex_encode(in, len, hex);
    j = json_string(hex);
    OPENSSL_free(hex);
    return j;
}

static json_t *u64_hex_json(uint64_t v, int digits)
{
    char buf[24];

    snprintf(buf, sizeof(buf), "0x%0*" PRIx64, digits, v);
    return json_string(buf);
}

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

static json_t *clock_json(const attls_tpm_attest_claims *c)
{
    return json_pack("{s:I, s:I, s:I, s:b}", "clock", (json_int_t)c->clock,
                     "reset_count", (json_int_t)c->reset_count, "restart_count",
                     (json_int_t)c->restart_count, "safe", c->safe);
}

json_t *attls_tpm_attest_claims_json(const attls_tpm_attest_claims *c)
{
    json_t *o = json_object();
    int ok = o != NULL;

    if (!ok)
        return NULL;
    ok = json_object_set_new(o, "type",
                             json_string(c->type == TPM2_ST_ATTEST_QUOTE
                                             ? "quote"
                                             : "certify")) == 0 &&
         json_object_set_new(
             o, "qualified_signer",
             hex_json(c->qualified_signer, c->qualified_signer_len)) == 0 &&
         json_object_set_new(o, "qualified_signer_checked",
                             json_boolean(c->qualified_signer_checked)) == 0 &&
         json_object_set_new(o, "extra_data",
                             hex_json(c->extra_data, c->extra_data_len)) == 0 &&
         json_object_set_new(o, "extra_data_checked",
                             json_boolean(c->extra_data_checked)) == 0 &&
         json_object_set_new(o, "clock_info", clock_json(c)) == 0 &&
         json_object_set_new(o, "firmware_version",
                             u64_hex_json(c->firmware_version, 16)) == 0 &&
         json_object_set_new(o, "signature",
                             json_pack("{s:o, s:o}", "scheme",
                                       alg_json(c->sig_scheme), "hash",
                                       alg_json(c->sig_hash))) == 0;
    if (ok && c->type == TPM2_ST_ATTEST_QUOTE)
        ok = json_object_set_new(o, "pcr_selection", selection_json(c)) == 0 &&
             json_object_set_new(o, "pcr_digest",
                                 hex_json(c->pcr_digest, c->pcr_digest_len)) ==
                 0 &&
             json_object_set_new(o, "pcrs_checked",
                                 json_boolean(c->pcrs_checked)) == 0;
    else if (ok)
        ok = json_object_set_new(
                 o, "certified_name",
                 hex_json(c->certified_name, c->certified_name_len)) == 0 &&
             json_object_set_new(o, "certified_qualified_name",
                                 hex_json(c->certified_qualified_name,
                                          c->certified_qualified_name_len)) ==
                 0 &&
             json_object_set_new(o, "certified_attributes",
                                 u64_hex_json(c->certified_attributes, 8)) == 0;
    if (!ok) {
        json_decref(o);
        return NULL;
    }
    return o;
}
