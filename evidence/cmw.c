/* SPDX-License-Identifier: Apache-2.0 */
#include "evidence/cmw.h"

#include <string.h>

#include <jansson.h>
#include <openssl/crypto.h>

#define CTYPE_KEY "__cmwc_t"

static int is_alnum(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
           (c >= '0' && c <= '9');
}

int attls_cmw_label_valid(const char *s)
{
    size_t n = strlen(s);

    if (n == 0 || n > ATTLS_CMW_MAX_LABEL || strcmp(s, CTYPE_KEY) == 0)
        return 0;
    for (size_t i = 0; i < n; i++) {
        if (!is_alnum(s[i]) && s[i] != '.' && s[i] != '_' && s[i] != '-')
            return 0;
    }
    return 1;
}

/* RFC 6838 §4.2 restricted-name: 1-127 chars, alnum first. */
static size_t restricted_name_len(const char *s)
{
    static const char extra[] = "!#$&-^_.+";
    size_t n = 0;

    if (!is_alnum(s[0]))
        return 0;
    while (s[n] != '\0' && (is_alnum(s[n]) || strchr(extra, s[n]) != NULL))
        n++;
    return n <= 127 ? n : 0;
}

int attls_cmw_media_type_valid(const char *s)
{
    size_t type_len, sub_len;

    if (strlen(s) > ATTLS_CMW_MAX_MEDIA_TYPE)
        return 0;
    type_len = restricted_name_len(s);
    if (type_len == 0 || s[type_len] != '/')
        return 0;
    sub_len = restricted_name_len(s + type_len + 1);
    return sub_len > 0 && s[type_len + 1 + sub_len] == '\0';
}

/* __cmwc_t: an absolute URI ("scheme:...") or a dotted absolute OID. */
static int ctype_valid(const char *s)
{
    size_t n = strlen(s), i = 0;
    int digits = 0, arcs = 0;

    if (n == 0 || n > ATTLS_CMW_MAX_CTYPE)
        return 0;
    for (i = 0; i < n; i++) {
        if (s[i] <= 0x20 || s[i] >= 0x7f)
            return 0;
    }
    if ((s[0] >= 'a' && s[0] <= 'z') || (s[0] >= 'A' && s[0] <= 'Z')) {
        for (i = 1; i < n && (is_alnum(s[i]) || strchr("+-.", s[i])); i++)
            ;
        return i < n && s[i] == ':' && i + 1 < n;
    }
    for (i = 0; i <= n; i++) {
        if (i == n || s[i] == '.') {
            if (digits == 0)
                return 0;
            arcs++;
            digits = 0;
        } else if (s[i] >= '0' && s[i] <= '9') {
            if (digits == 1 && s[i - 1] == '0')
                return 0; /* no leading zeros */
            digits++;
        } else {
            return 0;
        }
    }
    return arcs >= 2 && s[0] <= '2';
}

void attls_cmw_init(attls_cmw *c, const char *ctype)
{
    memset(c, 0, sizeof(*c));
    if (ctype != NULL)
        snprintf(c->type, sizeof(c->type), "%s", ctype);
}

void attls_cmw_free(attls_cmw *c)
{
    if (c == NULL)
        return;
    for (size_t i = 0; i < c->count; i++)
        attls_buf_free(&c->records[i].value);
    c->count = 0;
    c->type[0] = '\0';
}

const attls_cmw_record *attls_cmw_get(const attls_cmw *c, const char *label)
{
    for (size_t i = 0; i < c->count; i++) {
        if (strcmp(c->records[i].label, label) == 0)
            return &c->records[i];
    }
    return NULL;
}

/* Append without validation; @p value's bytes are taken over. */
static void append_record(attls_cmw *c, const char *label,
                          const char *media_type, uint32_t ind,
                          attls_buf *value)
{
    attls_cmw_record *r = &c->records[c->count++];

    snprintf(r->label, sizeof(r->label), "%s", label);
    snprintf(r->media_type, sizeof(r->media_type), "%s", media_type);
    r->ind = ind;
    r->value = *value;
    value->data = NULL;
    value->len = 0;
}

attls_code attls_cmw_add(attls_cmw *c, const char *label,
                         const char *media_type, uint32_t ind,
                         const uint8_t *data, size_t len, attls_status *st)
{
    attls_buf v = {NULL, 0};

    if (!attls_cmw_label_valid(label))
        return attls_fail(st, ATTLS_E_ARGUMENT, "cmw.label",
                          "invalid CMW label '%.80s'", label);
    if (!attls_cmw_media_type_valid(media_type))
        return attls_fail(st, ATTLS_E_ARGUMENT, "cmw.media_type",
                          "invalid media type '%.140s' for record '%s'",
                          media_type, label);
    if (attls_cmw_get(c, label) != NULL)
        return attls_fail(st, ATTLS_E_ARGUMENT, "cmw.label",
                          "record '%s' added twice", label);
    if (c->count == ATTLS_CMW_MAX_RECORDS)
        return attls_fail(st, ATTLS_E_ARGUMENT, "cmw.records",
                          "more than %d records", ATTLS_CMW_MAX_RECORDS);
    if (len > ATTLS_CMW_MAX_JSON / 4 * 3)
        return attls_fail(st, ATTLS_E_ARGUMENT, "cmw.value",
                          "record '%s' has %zu bytes: more than a collection "
                          "of %d bytes can hold",
                          label, len, ATTLS_CMW_MAX_JSON);
    v.data = OPENSSL_malloc(len + 1);
    if (v.data == NULL)
        return attls_fail(st, ATTLS_E_INTERNAL, "cmw.alloc", "out of memory");
    if (len > 0)
        memcpy(v.data, data, len);
    v.len = len;
    append_record(c, label, media_type, ind, &v);
    return ATTLS_OK;
}

static json_t *record_to_json(const attls_cmw_record *r)
{
    char *b64 = attls_b64url_encode(r->value.data, r->value.len);
    json_t *arr = json_array();

    if (b64 == NULL || arr == NULL ||
        json_array_append_new(arr, json_string(r->media_type)) != 0 ||
        json_array_append_new(arr, json_string(b64)) != 0 ||
        (r->ind != 0 &&
         json_array_append_new(arr, json_integer(r->ind)) != 0)) {
        json_decref(arr);
        arr = NULL;
    }
    OPENSSL_free(b64);
    return arr;
}

attls_code attls_cmw_encode(const attls_cmw *c, attls_buf *json,
                            attls_status *st)
{
    json_t *obj;
    char *text = NULL;
    size_t len;
    attls_code rc = ATTLS_E_INTERNAL;

    json->data = NULL;
    json->len = 0;
    if (c->count == 0)
        return attls_fail(st, ATTLS_E_ARGUMENT, "cmw.records",
                          "a CMW collection needs at least one record");
    obj = json_object();
    if (obj == NULL)
        return attls_fail(st, ATTLS_E_INTERNAL, "cmw.alloc", "out of memory");
    if (c->type[0] != '\0' &&
        json_object_set_new(obj, CTYPE_KEY, json_string(c->type)) != 0)
        goto end;
    for (size_t i = 0; i < c->count; i++) {
        json_t *rec = record_to_json(&c->records[i]);

        if (rec == NULL ||
            json_object_set_new(obj, c->records[i].label, rec) != 0)
            goto end;
    }
    text = json_dumps(obj, JSON_COMPACT);
    if (text == NULL)
        goto end;
    len = strlen(text);
    if (len > ATTLS_CMW_MAX_JSON) {
        rc = attls_fail(st, ATTLS_E_EVIDENCE_TOO_LARGE, "cmw.size",
                        "CMW collection is %zu bytes, limit %d", len,
                        ATTLS_CMW_MAX_JSON);
        goto end;
    }
    json->data = OPENSSL_malloc(len + 1);
    if (json->data == NULL)
        goto end;
    memcpy(json->data, text, len + 1);
    json->len = len;
    rc = ATTLS_OK;
end:
    if (rc == ATTLS_E_INTERNAL)
        attls_fail(st, rc, "cmw.encode",
                   "JSON encoding failed (out of memory)");
    free(text);
    json_decref(obj);
    return rc;
}

/* Strict unpadded, canonical base64url into @p out. */
static attls_code decode_value(const char *label, const char *s, size_t n,
                               attls_buf *out, attls_status *st)
{
    char *again;
    int same;

    if (memchr(s, '=', n) != NULL)
        return attls_fail(st, ATTLS_E_CMW_SYNTAX, "cmw.value",
                          "record '%s': base64url value is padded", label);
    switch (attls_b64url_decode(s, n, out)) {
    case 0:
        break;
    case -2:
        return attls_fail(st, ATTLS_E_INTERNAL, "cmw.alloc", "out of memory");
    default:
        return attls_fail(st, ATTLS_E_CMW_SYNTAX, "cmw.value",
                          "record '%s': value is not base64url", label);
    }
    again = attls_b64url_encode(out->data, out->len);
    if (again == NULL) {
        attls_buf_free(out);
        return attls_fail(st, ATTLS_E_INTERNAL, "cmw.alloc", "out of memory");
    }
    same = strlen(again) == n && memcmp(again, s, n) == 0;
    OPENSSL_free(again);
    if (!same) {
        attls_buf_free(out);
        return attls_fail(st, ATTLS_E_CMW_SYNTAX, "cmw.value",
                          "record '%s': base64url value is not canonical "
                          "(non-zero unused bits)",
                          label);
    }
    return ATTLS_OK;
}

static attls_code decode_ind(const char *label, const json_t *j, uint32_t *ind,
                             attls_status *st)
{
    json_int_t v;

    if (!json_is_integer(j))
        return attls_fail(st, ATTLS_E_CMW_SYNTAX, "cmw.ind",
                          "record '%s': ind is not an integer", label);
    v = json_integer_value(j);
    if (v < 1 || v > (json_int_t)UINT32_MAX)
        return attls_fail(st, ATTLS_E_CMW_SYNTAX, "cmw.ind",
                          "record '%s': ind %lld outside 1..2^32-1", label,
                          (long long)v);
    *ind = (uint32_t)v;
    return ATTLS_OK;
}

static attls_code decode_record(attls_cmw *c, const char *label,
                                const json_t *j, attls_status *st)
{
    const json_t *type, *value;
    size_t n;
    uint32_t ind = 0;
    attls_buf v = {NULL, 0};
    attls_code rc;

    if (!attls_cmw_label_valid(label))
        return attls_fail(st, ATTLS_E_CMW_SYNTAX, "cmw.label",
                          "invalid label '%.80s' (1-%d characters of "
                          "[A-Za-z0-9._-])",
                          label, ATTLS_CMW_MAX_LABEL);
    if (json_is_object(j))
        return attls_fail(st, ATTLS_E_CMW_SYNTAX, "cmw.nested",
                          "member '%s' is a nested collection (not used by "
                          "attls)",
                          label);
    n = json_array_size(j);
    if (!json_is_array(j) || n < 2 || n > 3)
        return attls_fail(st, ATTLS_E_CMW_SYNTAX, "cmw.record",
                          "member '%s' is not a [type, value(, ind)] record",
                          label);
    type = json_array_get(j, 0);
    value = json_array_get(j, 1);
    if (!json_is_string(type))
        return attls_fail(st, ATTLS_E_CMW_SYNTAX, "cmw.media_type",
                          "record '%s': type is not a string (CoAP content "
                          "formats are not allowed in JSON)",
                          label);
    if (json_string_value(type)[0] == '#')
        return attls_fail(st, ATTLS_E_CMW_SYNTAX, "cmw.tunnel",
                          "record '%s' is a CMW tunnel (not used by attls)",
                          label);
    if (strlen(json_string_value(type)) != json_string_length(type) ||
        !attls_cmw_media_type_valid(json_string_value(type)))
        return attls_fail(st, ATTLS_E_CMW_SYNTAX, "cmw.media_type",
                          "record '%s': invalid media type '%.140s'", label,
                          json_string_value(type));
    if (!json_is_string(value))
        return attls_fail(st, ATTLS_E_CMW_SYNTAX, "cmw.value",
                          "record '%s': value is not a string", label);
    if (n == 3 &&
        (rc = decode_ind(label, json_array_get(j, 2), &ind, st)) != ATTLS_OK)
        return rc;
    rc = decode_value(label, json_string_value(value),
                      json_string_length(value), &v, st);
    if (rc != ATTLS_OK)
        return rc;
    append_record(c, label, json_string_value(type), ind, &v);
    return ATTLS_OK;
}

static attls_code decode_ctype(attls_cmw *c, const json_t *j, attls_status *st)
{
    if (!json_is_string(j) ||
        strlen(json_string_value(j)) != json_string_length(j) ||
        !ctype_valid(json_string_value(j)))
        return attls_fail(st, ATTLS_E_CMW_SYNTAX, "cmw.ctype",
                          CTYPE_KEY " is not an absolute URI or OID string");
    snprintf(c->type, sizeof(c->type), "%s", json_string_value(j));
    return ATTLS_OK;
}

static attls_code decode_members(attls_cmw *c, json_t *root, attls_status *st)
{
    const char *key;
    json_t *val;
    attls_code rc = ATTLS_OK;

    json_object_foreach(root, key, val)
    {
        if (strcmp(key, CTYPE_KEY) == 0) {
            rc = decode_ctype(c, val, st);
        } else if (c->count == ATTLS_CMW_MAX_RECORDS) {
            rc = attls_fail(st, ATTLS_E_CMW_SYNTAX, "cmw.records",
                            "more than %d records", ATTLS_CMW_MAX_RECORDS);
        } else {
            rc = decode_record(c, key, val, st);
        }
        if (rc != ATTLS_OK)
            return rc;
    }
    if (c->count == 0)
        return attls_fail(st, ATTLS_E_CMW_SYNTAX, "cmw.records",
                          "CMW collection has no records");
    return ATTLS_OK;
}

attls_code attls_cmw_decode(const char *json, size_t len, attls_cmw *c,
                            attls_status *st)
{
    json_error_t err;
    json_t *root;
    attls_code rc;

    attls_cmw_init(c, NULL);
    if (len > ATTLS_CMW_MAX_JSON)
        return attls_fail(st, ATTLS_E_EVIDENCE_TOO_LARGE, "cmw.size",
                          "CMW collection is %zu bytes, limit %d", len,
                          ATTLS_CMW_MAX_JSON);
    /* Duplicate members would let two readers see different records. */
    root = json_loadb(json, len, JSON_REJECT_DUPLICATES, &err);
    if (root == NULL)
        return attls_fail(st, ATTLS_E_CMW_SYNTAX, "cmw.json",
                          "CMW collection is not valid JSON: %s (line %d, "
                          "column %d)",
                          err.text, err.line, err.column);
    if (!json_is_object(root)) {
        json_decref(root);
        return attls_fail(st, ATTLS_E_CMW_SYNTAX, "cmw.json",
                          "CMW collection is not a JSON object");
    }
    rc = decode_members(c, root, st);
    json_decref(root);
    if (rc != ATTLS_OK)
        attls_cmw_free(c);
    return rc;
}
