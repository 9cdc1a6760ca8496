/* SPDX-License-Identifier: Apache-2.0 */
#include "evidence/claims.h"

#include <string.h>

#include <jansson.h>
#include <openssl/crypto.h>

#include "common/timeutil.h"

static const struct {
    attls_platform id;
    const char *name;
} platforms[] = {
    {ATTLS_PLATFORM_TPM, "tpm"},
    {ATTLS_PLATFORM_AZURE_SNP, "azure-snp"},
    {ATTLS_PLATFORM_AZURE_TDX, "azure-tdx"},
    {ATTLS_PLATFORM_GCP_SNP, "gcp-snp"},
    {ATTLS_PLATFORM_GCP_TDX, "gcp-tdx"},
};

const char *attls_platform_name(attls_platform p)
{
    for (size_t i = 0; i < sizeof(platforms) / sizeof(platforms[0]); i++) {
        if (platforms[i].id == p)
            return platforms[i].name;
    }
    return NULL;
}

attls_platform attls_platform_from_name(const char *name)
{
    for (size_t i = 0; i < sizeof(platforms) / sizeof(platforms[0]); i++) {
        if (strcmp(platforms[i].name, name) == 0)
            return platforms[i].id;
    }
    return ATTLS_PLATFORM_UNKNOWN;
}

int attls_platform_has_tee(attls_platform p)
{
    return p == ATTLS_PLATFORM_AZURE_SNP || p == ATTLS_PLATFORM_AZURE_TDX ||
           p == ATTLS_PLATFORM_GCP_SNP || p == ATTLS_PLATFORM_GCP_TDX;
}

const char *attls_residency_name(attls_residency r)
{
    switch (r) {
    case ATTLS_RESIDENCY_VTPM:
        return "vtpm";
    case ATTLS_RESIDENCY_MEMORY:
        return "memory";
    default:
        return NULL;
    }
}

attls_residency attls_residency_from_name(const char *name)
{
    if (strcmp(name, "vtpm") == 0)
        return ATTLS_RESIDENCY_VTPM;
    if (strcmp(name, "memory") == 0)
        return ATTLS_RESIDENCY_MEMORY;
    return ATTLS_RESIDENCY_UNKNOWN;
}

static attls_code check_consistent(const attls_claims *c, attls_code code,
                                   attls_status *st)
{
    if (c->version != ATTLS_CLAIMS_VERSION)
        return attls_fail(st, code, "claims.version",
                          "claims version %d (only %d is defined)", c->version,
                          ATTLS_CLAIMS_VERSION);
    if (attls_platform_name(c->platform) == NULL)
        return attls_fail(st, code, "claims.platform", "unknown platform");
    if (attls_residency_name(c->residency) == NULL)
        return attls_fail(st, code, "claims.residency", "unknown residency");
    if (c->pcr_policy && c->residency != ATTLS_RESIDENCY_VTPM)
        return attls_fail(st, code, "claims.pcr_policy",
                          "a PCR policy needs the key in the vTPM (residency "
                          "'vtpm'), not '%s'",
                          attls_residency_name(c->residency));
    if (c->nonce_len > ATTLS_NONCE_MAX)
        return attls_fail(st, code, "claims.nonce",
                          "nonce longer than %d bytes", ATTLS_NONCE_MAX);
    if (c->created < 0)
        return attls_fail(st, code, "claims.created",
                          "creation time before 1970");
    return ATTLS_OK;
}

attls_code attls_claims_encode(const attls_claims *c, attls_buf *out,
                               attls_status *st)
{
    char created[32], nonce[2 * ATTLS_NONCE_MAX + 1];
    json_t *o;
    char *text = NULL;
    attls_code rc;

    out->data = NULL;
    out->len = 0;
    rc = check_consistent(c, ATTLS_E_ARGUMENT, st);
    if (rc != ATTLS_OK)
        return rc;
    attls_format_rfc3339(c->created, created, sizeof(created));
    o = json_object();
    if (o != NULL &&
        json_object_set_new(o, "version", json_integer(c->version)) == 0 &&
        json_object_set_new(o, "platform",
                            json_string(attls_platform_name(c->platform))) ==
            0 &&
        json_object_set_new(o, "residency",
                            json_string(attls_residency_name(c->residency))) ==
            0 &&
        json_object_set_new(o, "pcr-policy", json_boolean(c->pcr_policy)) ==
            0 &&
        json_object_set_new(o, "created", json_string(created)) == 0) {
        if (c->nonce_len > 0) {
            attls_hex_encode(c->nonce, c->nonce_len, nonce);
            if (json_object_set_new(o, "nonce", json_string(nonce)) != 0)
                goto end;
        }
        text = json_dumps(o, JSON_COMPACT);
    }
end:
    json_decref(o);
    if (text != NULL) {
        out->len = strlen(text);
        out->data = OPENSSL_malloc(out->len + 1);
        if (out->data != NULL)
            memcpy(out->data, text, out->len + 1);
        else
            out->len = 0;
        free(text);
    }
    if (out->data == NULL)
        return attls_fail(st, ATTLS_E_INTERNAL, "claims.encode",
                          "claims JSON encoding failed (out of memory)");
    return ATTLS_OK;
}

static attls_code bad(attls_status *st, const char *check, const char *what)
{
    return attls_fail(st, ATTLS_E_CLAIMS, check, "claims: %s", what);
}

static attls_code decode_string_member(const char *key, const json_t *v,
                                       attls_claims *c, attls_status *st)
{
    const char *s = json_string_value(v);
    size_t n = json_string_length(v);

    if (strlen(s) != n)
        return bad(st, "claims.type", "string with an embedded NUL");
    if (strcmp(key, "platform") == 0) {
        c->platform = attls_platform_from_name(s);
        return c->platform == ATTLS_PLATFORM_UNKNOWN
                   ? bad(st, "claims.platform", "unknown platform")
                   : ATTLS_OK;
    }
    if (strcmp(key, "residency") == 0) {
        c->residency = attls_residency_from_name(s);
        return c->residency == ATTLS_RESIDENCY_UNKNOWN
                   ? bad(st, "claims.residency", "unknown residency")
                   : ATTLS_OK;
    }
    if (strcmp(key, "created") == 0) {
        char again[32];

        /* One spelling only, so a time has one byte string (binder). */
        if (attls_parse_rfc3339(s, &c->created) != 0)
            return bad(st, "claims.created", "created is not RFC 3339");
        attls_format_rfc3339(c->created, again, sizeof(again));
        return strcmp(again, s) == 0
                   ? ATTLS_OK
                   : bad(st, "claims.created",
                         "created is not YYYY-MM-DDThh:mm:ssZ (UTC, seconds)");
    }
    /* nonce: lower-case hex of 1..64 bytes */
    for (size_t i = 0; i < n; i++) {
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
            return bad(st, "claims.nonce", "nonce is not lower-case hex");
    }
    if (n == 0 || n % 2 != 0 || n / 2 > ATTLS_NONCE_MAX ||
        attls_hex_decode(s, n, c->nonce, n / 2) != 0)
        return bad(st, "claims.nonce",
                   "nonce must be 1 to 64 bytes of hex (2 to 128 digits)");
    c->nonce_len = n / 2;
    return ATTLS_OK;
}

/* Members: name, JSON type, required. */
static const struct {
    const char *name;
    json_type type;
    int required;
} members[] = {
    {"version", JSON_INTEGER, 1},  {"platform", JSON_STRING, 1},
    {"residency", JSON_STRING, 1}, {"pcr-policy", JSON_TRUE, 1},
    {"created", JSON_STRING, 1},   {"nonce", JSON_STRING, 0},
};

static int type_matches(const json_t *v, json_type t)
{
    return t == JSON_TRUE ? json_is_boolean(v) : json_typeof(v) == t;
}

static attls_code decode_object(json_t *o, attls_claims *c, attls_status *st)
{
    const char *key;
    json_t *v;
    size_t i, n = sizeof(members) / sizeof(members[0]);
    attls_code rc;

    json_object_foreach(o, key, v)
    {
        for (i = 0; i < n && strcmp(members[i].name, key) != 0; i++)
            ;
        if (i == n)
            return attls_fail(st, ATTLS_E_CLAIMS, "claims.member",
                              "claims: unknown member '%.64s'", key);
        if (!type_matches(v, members[i].type))
            return attls_fail(st, ATTLS_E_CLAIMS, "claims.type",
                              "claims: member '%s' has the wrong JSON type",
                              key);
        if (strcmp(key, "version") == 0) {
            json_int_t ver = json_integer_value(v);

            c->version = ver >= 0 && ver < 1000 ? (int)ver : -1;
        } else if (strcmp(key, "pcr-policy") == 0) {
            c->pcr_policy = json_is_true(v);
        } else if ((rc = decode_string_member(key, v, c, st)) != ATTLS_OK) {
            return rc;
        }
    }
    for (i = 0; i < n; i++) {
        if (members[i].required && json_object_get(o, members[i].name) == NULL)
            return attls_fail(st, ATTLS_E_CLAIMS, "claims.member",
                              "claims: member '%s' missing", members[i].name);
    }
    return check_consistent(c, ATTLS_E_CLAIMS, st);
}

attls_code attls_claims_decode(const uint8_t *data, size_t len, attls_claims *c,
                               attls_status *st)
{
    json_error_t err;
    json_t *o;
    attls_code rc;

    memset(c, 0, sizeof(*c));
    if (len == 0 || len > ATTLS_CLAIMS_MAX)
        return attls_fail(st, ATTLS_E_CLAIMS, "claims.size",
                          "claims record of %zu bytes (1..%d allowed)", len,
                          ATTLS_CLAIMS_MAX);
    o = json_loadb((const char *)data, len, JSON_REJECT_DUPLICATES, &err);
    if (o == NULL)
        return attls_fail(st, ATTLS_E_CLAIMS, "claims.json",
                          "claims are not valid JSON: %s (column %d)", err.text,
                          err.column);
    if (!json_is_object(o))
        rc = bad(st, "claims.json", "claims are not a JSON object");
    else
        rc = decode_object(o, c, st);
    json_decref(o);
    if (rc != ATTLS_OK)
        memset(c, 0, sizeof(*c));
    return rc;
}
