/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The client policy's JSON reader (docs/policy.md). Strict: duplicate or
 * unknown keys, wrong types and out-of-range values are refused with the
 * key's path, so that a typo never silently weakens a policy.
 */
#include <string.h>

#include <jansson.h>
#include <openssl/crypto.h>

#include "common/bytes.h"
#include "common/timeutil.h"
#include "evidence/policy.h"

#define TEE_PLATFORMS                                                          \
    ((1u << ATTLS_PLATFORM_AZURE_SNP) | (1u << ATTLS_PLATFORM_AZURE_TDX) |     \
     (1u << ATTLS_PLATFORM_GCP_SNP) | (1u << ATTLS_PLATFORM_GCP_TDX))

static attls_code bad(attls_status *st, const char *key, const char *why)
{
    return attls_fail(st, ATTLS_E_POLICY_VALUE, "policy.value",
                      "policy key \"%s\": %s", key, why);
}

/* Every key of @p obj must be in the NULL-terminated @p known. */
static attls_code only_keys(json_t *obj, const char *where,
                            const char *const *known, attls_status *st)
{
    const char *key;
    json_t *v;

    if (!json_is_object(obj))
        return bad(st, where, "not a JSON object");
    json_object_foreach(obj, key, v)
    {
        size_t i = 0;

        while (known[i] != NULL && strcmp(known[i], key) != 0)
            i++;
        if (known[i] == NULL)
            return attls_fail(st, ATTLS_E_POLICY_SYNTAX, "policy.key",
                              "unknown policy key \"%s\" in %s", key, where);
    }
    return ATTLS_OK;
}

static attls_code get_bool(json_t *v, const char *key, int *out,
                           attls_status *st)
{
    if (!json_is_boolean(v))
        return bad(st, key, "not true or false");
    *out = json_is_true(v);
    return ATTLS_OK;
}

/* An array of @p n-byte hex values, at most ATTLS_POLICY_MAX_LIST. */
static attls_code hex_list(json_t *v, const char *key, size_t n, uint8_t **out,
                           size_t *count, attls_status *st)
{
    size_t i;
    json_t *e;

    if (!json_is_array(v) || json_array_size(v) == 0 ||
        json_array_size(v) > ATTLS_POLICY_MAX_LIST)
        return bad(st, key, "not an array of 1 to 64 hex strings");
    *out = OPENSSL_zalloc(json_array_size(v) * n);
    if (*out == NULL)
        return attls_fail(st, ATTLS_E_INTERNAL, "policy.alloc", "no memory");
    json_array_foreach(v, i, e)
    {
        if (!json_is_string(e) || json_string_length(e) != 2 * n ||
            attls_hex_decode(json_string_value(e), 2 * n, *out + i * n, n) != 0)
            return attls_fail(st, ATTLS_E_POLICY_VALUE, "policy.value",
                              "policy key \"%s\"[%zu]: not %zu hex digits", key,
                              i, 2 * n);
    }
    *count = json_array_size(v);
    return ATTLS_OK;
}

static attls_code parse_platforms(attls_policy *p, json_t *v, attls_status *st)
{
    size_t i;
    json_t *e;

    if (!json_is_array(v) || json_array_size(v) == 0)
        return bad(st, "platforms", "not a non-empty array of names");
    p->platforms = 0;
    json_array_foreach(v, i, e)
    {
        attls_platform pl = json_is_string(e)
                                ? attls_platform_from_name(json_string_value(e))
                                : ATTLS_PLATFORM_UNKNOWN;

        if (pl == ATTLS_PLATFORM_UNKNOWN)
            return attls_fail(st, ATTLS_E_POLICY_VALUE, "policy.value",
                              "policy key \"platforms\"[%zu]: not azure-snp, "
                              "azure-tdx, gcp-snp, gcp-tdx or tpm",
                              i);
        p->platforms |= 1u << pl;
    }
    return ATTLS_OK;
}

static attls_code parse_residency(attls_policy *p, json_t *v, attls_status *st)
{
    const char *s = json_string_value(v);

    if (s != NULL && strcmp(s, "any") == 0) {
        p->residency = ATTLS_RESIDENCY_UNKNOWN;
        return ATTLS_OK;
    }
    p->residency =
        s != NULL ? attls_residency_from_name(s) : ATTLS_RESIDENCY_UNKNOWN;
    if (p->residency == ATTLS_RESIDENCY_UNKNOWN)
        return bad(st, "residency", "not \"vtpm\", \"memory\" or \"any\"");
    return ATTLS_OK;
}

static attls_code parse_tcb(attls_policy *p, json_t *v, attls_status *st)
{
    static const char *const keys[] = {"bootloader", "tee", "snp", "microcode",
                                       NULL};
    uint8_t *dst[] = {&p->snp_min_tcb.bootloader, &p->snp_min_tcb.tee,
                      &p->snp_min_tcb.snp, &p->snp_min_tcb.microcode};
    attls_code rc = only_keys(v, "snp.min_tcb", keys, st);

    for (size_t i = 0; rc == ATTLS_OK && keys[i] != NULL; i++) {
        json_t *e = json_object_get(v, keys[i]);

        if (e == NULL)
            continue;
        if (!json_is_integer(e) || json_integer_value(e) < 0 ||
            json_integer_value(e) > 255)
            return attls_fail(st, ATTLS_E_POLICY_VALUE, "policy.value",
                              "policy key \"snp.min_tcb.%s\": not an integer "
                              "0-255",
                              keys[i]);
        *dst[i] = (uint8_t)json_integer_value(e);
    }
    p->check_snp_min_tcb = 1;
    p->snp_min_tcb.decoded = 1;
    return rc;
}

static attls_code parse_snp(attls_policy *p, json_t *v, attls_status *st)
{
    static const char *const keys[] = {"measurements", "min_tcb", NULL};
    attls_code rc = only_keys(v, "snp", keys, st);
    json_t *e;

    if (rc == ATTLS_OK && (e = json_object_get(v, "measurements")) != NULL)
        rc = hex_list(e, "snp.measurements", 48,
                      (uint8_t **)&p->snp_measurements, &p->n_snp_measurements,
                      st);
    if (rc == ATTLS_OK && (e = json_object_get(v, "min_tcb")) != NULL)
        rc = parse_tcb(p, e, st);
    return rc;
}

static attls_code parse_tcb_statuses(attls_policy *p, json_t *v,
                                     attls_status *st)
{
    char list[512] = "";
    size_t i, used = 0;
    json_t *e;

    if (!json_is_array(v) || json_array_size(v) == 0)
        return bad(st, "tdx.tcb_status", "not a non-empty array of names");
    json_array_foreach(v, i, e)
    {
        const char *s = json_string_value(e);
        int n;

        if (s == NULL || strchr(s, ',') != NULL)
            return bad(st, "tdx.tcb_status", "entries must be status names");
        n = snprintf(list + used, sizeof(list) - used, "%s%s", i ? "," : "", s);
        if (n < 0 || (size_t)n >= sizeof(list) - used)
            return bad(st, "tdx.tcb_status", "list too long");
        used += (size_t)n;
    }
    if (attls_tdx_tcb_set_parse(list, &p->tdx_tcb_statuses) != 0)
        return bad(st, "tdx.tcb_status",
                   "unknown status (UpToDate, SWHardeningNeeded, "
                   "ConfigurationNeeded, ConfigurationAndSWHardeningNeeded, "
                   "OutOfDate, OutOfDateConfigurationNeeded)");
    return ATTLS_OK;
}

static attls_code parse_tdx(attls_policy *p, json_t *v, attls_status *st)
{
    static const char *const keys[] = {"mrtd",  "rtmr0",      "rtmr1", "rtmr2",
                                       "rtmr3", "tcb_status", NULL};
    attls_code rc = only_keys(v, "tdx", keys, st);
    json_t *e;

    if (rc == ATTLS_OK && (e = json_object_get(v, "mrtd")) != NULL)
        rc = hex_list(e, "tdx.mrtd", 48, (uint8_t **)&p->tdx_mrtd,
                      &p->n_tdx_mrtd, st);
    for (int i = 0; rc == ATTLS_OK && i < 4; i++) {
        char key[8];

        snprintf(key, sizeof(key), "rtmr%d", i);
        if ((e = json_object_get(v, key)) != NULL)
            rc = hex_list(e, key, 48, (uint8_t **)&p->tdx_rtmr[i],
                          &p->n_tdx_rtmr[i], st);
    }
    if (rc == ATTLS_OK && (e = json_object_get(v, "tcb_status")) != NULL)
        rc = parse_tcb_statuses(p, e, st);
    return rc;
}

static attls_code parse_pcrs(attls_policy *p, json_t *v, attls_status *st)
{
    char *text;
    attls_code rc;
    attls_status inner;

    if (!json_is_object(v) || json_object_size(v) == 0)
        return bad(st, "pcrs", "not a non-empty object of banks");
    text = json_dumps(v, JSON_COMPACT);
    if (text == NULL)
        return attls_fail(st, ATTLS_E_INTERNAL, "policy.alloc", "no memory");
    attls_status_clear(&inner);
    rc = attls_tpm_pcrs_from_json(&p->pcrs, text, strlen(text), &inner);
    free(text);
    if (rc != ATTLS_OK)
        return attls_fail(st, ATTLS_E_POLICY_VALUE, "policy.value",
                          "policy key \"pcrs\": %s", inner.message);
    return ATTLS_OK;
}

static attls_code parse_time(attls_policy *p, json_t *v, attls_status *st)
{
    const char *s = json_string_value(v);

    if (s == NULL || attls_parse_rfc3339(s, &p->at) != 0)
        return bad(st, "verification_time", "not an RFC 3339 time");
    p->have_time = 1;
    return ATTLS_OK;
}

static attls_code parse_max_age(attls_policy *p, json_t *v, attls_status *st)
{
    if (!json_is_integer(v) || json_integer_value(v) < 0)
        return bad(st, "max_age", "not a non-negative integer (seconds)");
    p->max_age = json_integer_value(v);
    return ATTLS_OK;
}

static attls_code parse_nonce(attls_policy *p, json_t *v, attls_status *st)
{
    size_t n = json_string_length(v);

    if (!json_is_string(v) || n < 2 || n > 2 * ATTLS_NONCE_MAX || n % 2 ||
        attls_hex_decode(json_string_value(v), n, p->nonce, n / 2) != 0)
        return bad(st, "nonce", "not 2 to 128 hex digits");
    p->nonce_len = n / 2;
    return ATTLS_OK;
}

static attls_code parse_roots(attls_policy *p, json_t *v, attls_status *st)
{
    if (!json_is_string(v) || json_string_length(v) == 0)
        return bad(st, "roots_dir", "not a directory name");
    return attls_policy_set_roots_dir(p, json_string_value(v)) == ATTLS_OK
               ? ATTLS_OK
               : attls_fail(st, ATTLS_E_INTERNAL, "policy.alloc", "no memory");
}

static attls_code parse_object(attls_policy *p, json_t *root, attls_status *st)
{
    static const char *const keys[] = {"platforms",
                                       "residency",
                                       "allow_debug",
                                       "max_age",
                                       "roots_dir",
                                       "verification_time",
                                       "azure_require_user_data",
                                       "snp",
                                       "tdx",
                                       "pcrs",
                                       "tpm_ak_pins",
                                       "nonce",
                                       NULL};
    attls_code rc = only_keys(root, "the policy", keys, st);
    json_t *v;

    if (rc != ATTLS_OK)
        return rc;
#define FIELD(key, call)                                                       \
    if (rc == ATTLS_OK && (v = json_object_get(root, key)) != NULL)            \
    rc = (call)
    FIELD("platforms", parse_platforms(p, v, st));
    FIELD("residency", parse_residency(p, v, st));
    FIELD("allow_debug", get_bool(v, "allow_debug", &p->allow_debug, st));
    FIELD("max_age", parse_max_age(p, v, st));
    FIELD("roots_dir", parse_roots(p, v, st));
    FIELD("verification_time", parse_time(p, v, st));
    FIELD("azure_require_user_data",
          get_bool(v, "azure_require_user_data", &p->require_user_data, st));
    FIELD("snp", parse_snp(p, v, st));
    FIELD("tdx", parse_tdx(p, v, st));
    FIELD("pcrs", parse_pcrs(p, v, st));
    FIELD("tpm_ak_pins", hex_list(v, "tpm_ak_pins", 32, (uint8_t **)&p->ak_pins,
                                  &p->n_ak_pins, st));
    FIELD("nonce", parse_nonce(p, v, st));
#undef FIELD
    return rc;
}

attls_policy *attls_policy_new_default(attls_status *st)
{
    attls_policy *p = OPENSSL_zalloc(sizeof(*p));

    if (p == NULL) {
        attls_fail(st, ATTLS_E_INTERNAL, "policy.alloc", "no memory");
        return NULL;
    }
    p->platforms = TEE_PLATFORMS;
    p->max_age = -1;
    attls_tpm_pcrs_init(&p->pcrs);
    return p;
}

attls_policy *attls_policy_load_text(const char *json, size_t len,
                                     attls_status *st)
{
    json_error_t err;
    json_t *root;
    attls_policy *p;

    if (json == NULL || len > ATTLS_POLICY_MAX_FILE) {
        attls_fail(st, ATTLS_E_POLICY_SYNTAX, "policy.json",
                   "policy missing or over %d bytes", ATTLS_POLICY_MAX_FILE);
        return NULL;
    }
    root = json_loadb(json, len, JSON_REJECT_DUPLICATES, &err);
    if (root == NULL) {
        attls_fail(st, ATTLS_E_POLICY_SYNTAX, "policy.json",
                   "policy is not JSON: line %d column %d: %s", err.line,
                   err.column, err.text);
        return NULL;
    }
    p = attls_policy_new_default(st);
    if (p != NULL && parse_object(p, root, st) != ATTLS_OK) {
        attls_policy_free(p);
        p = NULL;
    }
    json_decref(root);
    return p;
}

attls_policy *attls_policy_load_file(const char *path, attls_status *st)
{
    attls_buf b;
    attls_policy *p;

    if (path == NULL || attls_read_file(path, ATTLS_POLICY_MAX_FILE, &b) != 0) {
        attls_fail(st, ATTLS_E_IO, "policy.file",
                   "cannot read the policy file %s (or it is over %d bytes)",
                   path != NULL ? path : "(null)", ATTLS_POLICY_MAX_FILE);
        return NULL;
    }
    p = attls_policy_load_text((const char *)b.data, b.len, st);
    attls_buf_free(&b);
    return p;
}

void attls_policy_free(attls_policy *p)
{
    if (p == NULL)
        return;
    OPENSSL_free(p->roots_dir);
    OPENSSL_free(p->snp_measurements);
    OPENSSL_free(p->tdx_mrtd);
    for (int i = 0; i < 4; i++)
        OPENSSL_free(p->tdx_rtmr[i]);
    OPENSSL_free(p->ak_pins);
    OPENSSL_free(p);
}

attls_code attls_policy_set_time(attls_policy *p, time_t at)
{
    if (p == NULL)
        return ATTLS_E_ARGUMENT;
    p->at = at;
    p->have_time = 1;
    return ATTLS_OK;
}

attls_code attls_policy_set_roots_dir(attls_policy *p, const char *dir)
{
    char *copy = NULL;

    if (p == NULL)
        return ATTLS_E_ARGUMENT;
    if (dir != NULL && (copy = OPENSSL_strdup(dir)) == NULL)
        return ATTLS_E_INTERNAL;
    OPENSSL_free(p->roots_dir);
    p->roots_dir = copy;
    return ATTLS_OK;
}
