/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The runtime claims of an Azure HCL report (OpenHCL igvm_attest
 * runtime_claims): {"keys": [JWK...], "vm-configuration": {...},
 * "user-data": "<128 hex>"}. Keys are found by "kid", never by position;
 * "key_ops" is ignored (early paravisors label the AK "encrypt").
 */
#include "evidence/hcl.h"

#include <stdio.h>
#include <string.h>

#include "common/bytes.h"
#include "evidence/jwk.h"

#define MAX_KEYS 16
#define KID_AK "HCLAkPub"
#define KID_EK "HCLEkPub"

void attls_hcl_claims_free(attls_hcl_claims *c)
{
    if (c == NULL)
        return;
    json_decref(c->json);
    EVP_PKEY_free(c->ak_pub);
    EVP_PKEY_free(c->ek_pub);
    memset(c, 0, sizeof(*c));
}

static attls_code load_object(const uint8_t *data, size_t len, json_t **out,
                              attls_status *st)
{
    json_error_t err;
    json_t *j;

    *out = NULL;
    if (len == 0 || len > ATTLS_HCL_MAX_SIZE)
        return attls_fail(st, ATTLS_E_HCL_CLAIMS, "hcl.claims",
                          "runtime claims are %zu bytes, expected 1 to %d", len,
                          ATTLS_HCL_MAX_SIZE);
    /* jansson checks UTF-8, refuses \u0000 and trailing bytes. */
    j = json_loadb((const char *)data, len, JSON_REJECT_DUPLICATES, &err);
    if (j == NULL)
        return attls_fail(st, ATTLS_E_HCL_CLAIMS, "hcl.claims",
                          "runtime claims (0x4d4) are not valid JSON: %s at "
                          "byte %d",
                          err.text, err.position);
    if (!json_is_object(j)) {
        json_decref(j);
        return attls_fail(st, ATTLS_E_HCL_CLAIMS, "hcl.claims",
                          "runtime claims are JSON but not an object");
    }
    *out = j;
    return ATTLS_OK;
}

/* Find the single key with @p kid; *found NULL when absent. */
static attls_code find_key(const json_t *keys, const char *kid,
                           const json_t **found, attls_status *st)
{
    size_t i;
    const json_t *k;

    *found = NULL;
    json_array_foreach(keys, i, k)
    {
        const char *id = json_string_value(json_object_get(k, "kid"));

        if (id == NULL || strcmp(id, kid) != 0)
            continue;
        if (*found != NULL)
            return attls_fail(st, ATTLS_E_HCL_AK, "hcl.keys",
                              "two keys have kid \"%s\"", kid);
        *found = k;
    }
    return ATTLS_OK;
}

static attls_code check_keys_shape(const json_t *keys, attls_status *st)
{
    size_t i;
    const json_t *k;

    if (!json_is_array(keys) || json_array_size(keys) == 0 ||
        json_array_size(keys) > MAX_KEYS)
        return attls_fail(st, ATTLS_E_HCL_CLAIMS, "hcl.keys",
                          "\"keys\" must be an array of 1 to %d JWKs",
                          MAX_KEYS);
    json_array_foreach(keys, i, k)
    {
        if (!json_is_object(k) || !json_is_string(json_object_get(k, "kid")))
            return attls_fail(st, ATTLS_E_HCL_CLAIMS, "hcl.keys",
                              "\"keys\"[%zu] is not an object with a string "
                              "\"kid\"",
                              i);
    }
    return ATTLS_OK;
}

static attls_code parse_keys(const json_t *root, attls_hcl_claims *out,
                             attls_status *st)
{
    const json_t *keys = json_object_get(root, "keys"), *ak, *ek;
    char why[160];
    attls_code rc;

    if ((rc = check_keys_shape(keys, st)) != ATTLS_OK ||
        (rc = find_key(keys, KID_AK, &ak, st)) != ATTLS_OK ||
        (rc = find_key(keys, KID_EK, &ek, st)) != ATTLS_OK)
        return rc;
    if (ak == NULL)
        return attls_fail(st, ATTLS_E_HCL_AK, "hcl.ak",
                          "no key with kid \"" KID_AK "\" in \"keys\"");
    out->ak_pub = attls_jwk_rsa_public(ak, why, sizeof(why));
    if (out->ak_pub == NULL)
        return attls_fail(st, ATTLS_E_HCL_AK, "hcl.ak",
                          KID_AK " is not a valid RSA JWK: %s", why);
    if (ek == NULL)
        return ATTLS_OK;
    out->ek_pub = attls_jwk_rsa_public(ek, why, sizeof(why));
    if (out->ek_pub == NULL)
        return attls_fail(st, ATTLS_E_HCL_AK, "hcl.ek",
                          KID_EK " is not a valid RSA JWK: %s", why);
    return ATTLS_OK;
}

static attls_code parse_user_data(const json_t *root, attls_hcl_claims *out,
                                  attls_status *st)
{
    const json_t *v = json_object_get(root, "user-data");

    if (v == NULL)
        return ATTLS_OK;
    /* Real evidence has both cases; compare the bytes, not the text. */
    if (!json_is_string(v) ||
        attls_hex_decode(json_string_value(v), json_string_length(v),
                         out->user_data, ATTLS_HCL_USER_DATA_SIZE) != 0)
        return attls_fail(st, ATTLS_E_HCL_USER_DATA, "hcl.user_data",
                          "\"user-data\" must be a string of %d hex digits",
                          2 * ATTLS_HCL_USER_DATA_SIZE);
    out->has_user_data = 1;
    return ATTLS_OK;
}

static attls_code get_flag(const json_t *cfg, const char *name,
                           attls_hcl_flag *out, attls_status *st)
{
    const json_t *v = json_object_get(cfg, name);

    *out = ATTLS_HCL_ABSENT;
    if (v == NULL)
        return ATTLS_OK;
    if (!json_is_boolean(v))
        return attls_fail(st, ATTLS_E_HCL_VM_CONFIG, "hcl.vm_configuration",
                          "\"%s\" is not a boolean", name);
    *out = json_is_true(v) ? ATTLS_HCL_TRUE : ATTLS_HCL_FALSE;
    return ATTLS_OK;
}

static attls_code get_string(const json_t *cfg, const char *name, char *out,
                             size_t out_len, attls_status *st)
{
    const json_t *v = json_object_get(cfg, name);
    size_t n;

    out[0] = '\0';
    if (v == NULL)
        return ATTLS_OK;
    n = json_string_length(v);
    if (!json_is_string(v) || n == 0 || n >= out_len ||
        memchr(json_string_value(v), '\0', n) != NULL)
        return attls_fail(st, ATTLS_E_HCL_VM_CONFIG, "hcl.vm_configuration",
                          "\"%s\" is not a string of 1 to %zu characters", name,
                          out_len - 1);
    memcpy(out, json_string_value(v), n + 1);
    return ATTLS_OK;
}

static attls_code parse_vm_config(const json_t *root, attls_hcl_claims *out,
                                  attls_status *st)
{
    const json_t *cfg = json_object_get(root, "vm-configuration"), *t;
    attls_hcl_vm_config *c = &out->vm_config;
    attls_code rc;

    if (!json_is_object(cfg))
        return attls_fail(st, ATTLS_E_HCL_VM_CONFIG, "hcl.vm_configuration",
                          "\"vm-configuration\" %s",
                          cfg == NULL ? "missing" : "is not an object");
    if ((rc = get_flag(cfg, "console-enabled", &c->console_enabled, st)) ||
        (rc = get_flag(cfg, "secure-boot", &c->secure_boot, st)) ||
        (rc = get_flag(cfg, "tpm-enabled", &c->tpm_enabled, st)) ||
        (rc = get_flag(cfg, "tpm-persisted", &c->tpm_persisted, st)) ||
        (rc = get_string(cfg, "vmUniqueId", c->vm_unique_id,
                         sizeof(c->vm_unique_id), st)) ||
        (rc = get_string(cfg, "root-cert-thumbprint", c->root_cert_thumbprint,
                         sizeof(c->root_cert_thumbprint), st)))
        return rc;
    t = json_object_get(cfg, "current-time");
    if (t == NULL)
        return ATTLS_OK;
    if (!json_is_integer(t) || json_integer_value(t) < 0)
        return attls_fail(st, ATTLS_E_HCL_VM_CONFIG, "hcl.vm_configuration",
                          "\"current-time\" is not a non-negative integer");
    c->has_current_time = 1;
    c->current_time = json_integer_value(t);
    return ATTLS_OK;
}

attls_code attls_hcl_claims_parse(const uint8_t *json, size_t len,
                                  attls_hcl_claims *out, attls_status *st)
{
    attls_code rc;

    memset(out, 0, sizeof(*out));
    if ((rc = load_object(json, len, &out->json, st)) != ATTLS_OK ||
        (rc = parse_keys(out->json, out, st)) != ATTLS_OK ||
        (rc = parse_user_data(out->json, out, st)) != ATTLS_OK ||
        (rc = parse_vm_config(out->json, out, st)) != ATTLS_OK)
        attls_hcl_claims_free(out);
    return rc;
}
