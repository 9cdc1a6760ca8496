/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Content of the signed TDX collateral values: TCB Info v3 and TD_QE
 * identity v2. Input here has already been checked against its signature;
 * this file only turns it into typed, range-checked C structures.
 */
#include "evidence/tdx_collateral.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <openssl/crypto.h>

#include "common/bytes.h"
#include "common/timeutil.h"

#define CHECK "tdx.collateral_format"
#define PATH_MAX_LEN 128

/* Statuses allowed for platform levels and for module/QE levels. */
#define STATUS_BIT(s) (1u << (s))
#define ISV_STATUSES                                                           \
    (STATUS_BIT(ATTLS_TDX_TCB_UP_TO_DATE) |                                    \
     STATUS_BIT(ATTLS_TDX_TCB_OUT_OF_DATE) |                                   \
     STATUS_BIT(ATTLS_TDX_TCB_REVOKED))
#define PLATFORM_STATUSES                                                      \
    (ISV_STATUSES | STATUS_BIT(ATTLS_TDX_TCB_SW_HARDENING_NEEDED) |            \
     STATUS_BIT(ATTLS_TDX_TCB_CONFIGURATION_NEEDED) |                          \
     STATUS_BIT(ATTLS_TDX_TCB_CONFIGURATION_AND_SW_HARDENING_NEEDED) |         \
     STATUS_BIT(ATTLS_TDX_TCB_OUT_OF_DATE_CONFIGURATION_NEEDED))

__attribute__((format(printf, 2, 3))) static attls_code
format_fail(attls_status *st, const char *fmt, ...)
{
    char msg[sizeof(st->message)];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    return attls_fail(st, ATTLS_E_TDX_COLLATERAL_FORMAT, CHECK, "%s", msg);
}

/* Build a JSON path for messages; long paths are cut, never overflow. */
__attribute__((format(printf, 3, 4))) static void
path_fmt(char *dst, size_t len, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(dst, len, fmt, ap);
    va_end(ap);
}

static const char *type_name(json_type t)
{
    switch (t) {
    case JSON_OBJECT:
        return "an object";
    case JSON_ARRAY:
        return "an array";
    case JSON_STRING:
        return "a string";
    case JSON_INTEGER:
        return "an integer";
    default:
        return "another JSON type";
    }
}

static attls_code j_member(const json_t *obj, const char *path, const char *key,
                           json_type type, const json_t **out, attls_status *st)
{
    const json_t *v = json_object_get(obj, key);

    if (v == NULL)
        return format_fail(st, "%s.%s is missing", path, key);
    if (json_typeof(v) != type)
        return format_fail(st, "%s.%s is not %s", path, key, type_name(type));
    *out = v;
    return ATTLS_OK;
}

static attls_code j_uint(const json_t *obj, const char *path, const char *key,
                         json_int_t max, json_int_t *out, attls_status *st)
{
    const json_t *v = NULL;
    attls_code rc = j_member(obj, path, key, JSON_INTEGER, &v, st);

    if (rc != ATTLS_OK)
        return rc;
    *out = json_integer_value(v);
    if (*out < 0 || *out > max)
        return format_fail(st, "%s.%s = %lld is out of range 0..%lld", path,
                           key, (long long)*out, (long long)max);
    return ATTLS_OK;
}

static attls_code j_u8(const json_t *obj, const char *path, const char *key,
                       uint8_t *out, attls_status *st)
{
    json_int_t v = 0;
    attls_code rc = j_uint(obj, path, key, 0xff, &v, st);

    *out = (uint8_t)v;
    return rc;
}

static attls_code j_u16(const json_t *obj, const char *path, const char *key,
                        uint16_t *out, attls_status *st)
{
    json_int_t v = 0;
    attls_code rc = j_uint(obj, path, key, 0xffff, &v, st);

    *out = (uint16_t)v;
    return rc;
}

static attls_code j_u32(const json_t *obj, const char *path, const char *key,
                        uint32_t *out, attls_status *st)
{
    json_int_t v = 0;
    attls_code rc = j_uint(obj, path, key, 0xffffffffLL, &v, st);

    *out = (uint32_t)v;
    return rc;
}

static attls_code j_string(const json_t *obj, const char *path, const char *key,
                           const char **out, attls_status *st)
{
    const json_t *v = NULL;
    attls_code rc = j_member(obj, path, key, JSON_STRING, &v, st);

    if (rc == ATTLS_OK)
        *out = json_string_value(v);
    return rc;
}

/* Exactly 2 * @p len hex digits, either case. */
static attls_code j_hex(const json_t *obj, const char *path, const char *key,
                        uint8_t *out, size_t len, attls_status *st)
{
    const json_t *v = NULL;
    attls_code rc = j_member(obj, path, key, JSON_STRING, &v, st);

    if (rc != ATTLS_OK)
        return rc;
    if (attls_hex_decode(json_string_value(v), json_string_length(v), out,
                         len) != 0)
        return format_fail(st, "%s.%s is not %zu hex-encoded bytes", path, key,
                           len);
    return ATTLS_OK;
}

static attls_code j_date(const json_t *obj, const char *path, const char *key,
                         time_t *out, attls_status *st)
{
    const char *s;
    attls_code rc = j_string(obj, path, key, &s, st);

    if (rc == ATTLS_OK && attls_parse_rfc3339(s, out) != 0)
        return format_fail(st, "%s.%s = '%.40s' is not an RFC 3339 time", path,
                           key, s);
    return rc;
}

static attls_code j_status(const json_t *obj, const char *path, const char *key,
                           unsigned allowed, attls_tdx_tcb_status *out,
                           attls_status *st)
{
    const char *s;
    attls_code rc = j_string(obj, path, key, &s, st);

    if (rc != ATTLS_OK)
        return rc;
    if (attls_tdx_tcb_status_from_name(s, out) != 0 ||
        !(allowed & STATUS_BIT(*out)))
        return format_fail(st, "%s.%s = '%.40s' is not a known status here",
                           path, key, s);
    return ATTLS_OK;
}

static attls_code j_array(const json_t *obj, const char *path, const char *key,
                          size_t min, size_t max, const json_t **out,
                          attls_status *st)
{
    attls_code rc = j_member(obj, path, key, JSON_ARRAY, out, st);
    size_t n;

    if (rc != ATTLS_OK)
        return rc;
    n = json_array_size(*out);
    if (n < min || n > max)
        return format_fail(st, "%s.%s has %zu entries, expected %zu..%zu", path,
                           key, n, min, max);
    return ATTLS_OK;
}

/* Element @p i of @p arr, an object; @p path names that element. */
static attls_code j_object_at(const json_t *arr, size_t i, const char *path,
                              const json_t **out, attls_status *st)
{
    *out = json_array_get(arr, i);
    if (!json_is_object(*out))
        return format_fail(st, "%s is not an object", path);
    return ATTLS_OK;
}

/* Optional "advisoryIDs": an array of short strings. */
static attls_code j_advisories(const json_t *obj, const char *path,
                               const json_t **out, attls_status *st)
{
    const json_t *arr, *id;
    size_t i;
    attls_code rc;

    *out = NULL;
    if (json_object_get(obj, "advisoryIDs") == NULL)
        return ATTLS_OK;
    rc = j_array(obj, path, "advisoryIDs", 0, ATTLS_TDX_MAX_ADVISORIES, &arr,
                 st);
    if (rc != ATTLS_OK)
        return rc;
    json_array_foreach(arr, i, id)
    {
        if (!json_is_string(id) || json_string_length(id) == 0 ||
            json_string_length(id) > 64)
            return format_fail(st,
                               "%s.advisoryIDs[%zu] is not a string of 1..64 "
                               "characters",
                               path, i);
    }
    *out = arr;
    return ATTLS_OK;
}

static json_t *load_object(const char *json, size_t len, const char *what,
                           attls_code *rc, attls_status *st)
{
    json_error_t err;
    json_t *doc = json_loadb(json, len, JSON_REJECT_DUPLICATES, &err);

    *rc = ATTLS_OK;
    if (doc == NULL)
        *rc = format_fail(st, "%s is not valid JSON (line %d, column %d: %s)",
                          what, err.line, err.column, err.text);
    else if (!json_is_object(doc))
        *rc = format_fail(st, "%s is not a JSON object", what);
    if (*rc != ATTLS_OK) {
        json_decref(doc);
        doc = NULL;
    }
    return doc;
}

/* {"tcb": {"isvsvn": n}, "tcbDate", "tcbStatus", "advisoryIDs"?} list. */
static attls_code parse_isv_levels(const json_t *obj, const char *path,
                                   uint16_t max_svn,
                                   attls_tdx_isv_level **levels, size_t *n,
                                   attls_status *st)
{
    const json_t *arr;
    char lpath[PATH_MAX_LEN], tpath[PATH_MAX_LEN];
    attls_code rc =
        j_array(obj, path, "tcbLevels", 1, ATTLS_TDX_MAX_LEVELS, &arr, st);

    if (rc != ATTLS_OK)
        return rc;
    *n = json_array_size(arr);
    *levels = OPENSSL_zalloc(*n * sizeof(**levels));
    if (*levels == NULL)
        return attls_fail(st, ATTLS_E_INTERNAL, CHECK, "out of memory");
    for (size_t i = 0; i < *n && rc == ATTLS_OK; i++) {
        attls_tdx_isv_level *l = &(*levels)[i];
        const json_t *lv, *tcb;
        json_int_t svn;

        path_fmt(lpath, sizeof(lpath), "%s.tcbLevels[%zu]", path, i);
        path_fmt(tpath, sizeof(tpath), "%s.tcb", lpath);
        if ((rc = j_object_at(arr, i, lpath, &lv, st)) != ATTLS_OK ||
            (rc = j_member(lv, lpath, "tcb", JSON_OBJECT, &tcb, st)) !=
                ATTLS_OK ||
            (rc = j_uint(tcb, tpath, "isvsvn", max_svn, &svn, st)) !=
                ATTLS_OK ||
            (rc = j_date(lv, lpath, "tcbDate", &l->tcb_date, st)) != ATTLS_OK ||
            (rc = j_status(lv, lpath, "tcbStatus", ISV_STATUSES, &l->status,
                           st)) != ATTLS_OK)
            break;
        l->isvsvn = (uint16_t)svn;
        rc = j_advisories(lv, lpath, &l->advisory_ids, st);
    }
    return rc;
}

/* "tdxModule" (no id, no levels) or an entry of "tdxModuleIdentities". */
static attls_code parse_module(const json_t *obj, const char *path,
                               int is_identity, attls_tdx_module_identity *m,
                               attls_status *st)
{
    const char *id;
    attls_code rc;

    if ((rc = j_hex(obj, path, "mrsigner", m->mrsigner, sizeof(m->mrsigner),
                    st)) != ATTLS_OK ||
        (rc = j_hex(obj, path, "attributes", m->attributes,
                    sizeof(m->attributes), st)) != ATTLS_OK ||
        (rc = j_hex(obj, path, "attributesMask", m->attributes_mask,
                    sizeof(m->attributes_mask), st)) != ATTLS_OK ||
        !is_identity)
        return rc;
    if ((rc = j_string(obj, path, "id", &id, st)) != ATTLS_OK)
        return rc;
    if (strlen(id) == 0 || strlen(id) >= sizeof(m->id))
        return format_fail(st, "%s.id '%.40s' is not a module identity name",
                           path, id);
    memcpy(m->id, id, strlen(id) + 1);
    return parse_isv_levels(obj, path, 0xff, &m->levels, &m->n_levels, st);
}

static attls_code parse_module_identities(const json_t *ti,
                                          attls_tdx_tcb_info *out,
                                          attls_status *st)
{
    const char *path = "tcbInfo";
    char mpath[PATH_MAX_LEN];
    const json_t *arr;
    attls_code rc;

    if (json_object_get(ti, "tdxModuleIdentities") == NULL)
        return ATTLS_OK;
    rc = j_array(ti, path, "tdxModuleIdentities", 0, ATTLS_TDX_MAX_MODULES,
                 &arr, st);
    if (rc != ATTLS_OK)
        return rc;
    if (json_array_size(arr) == 0)
        return ATTLS_OK;
    out->module_ids =
        OPENSSL_zalloc(json_array_size(arr) * sizeof(*out->module_ids));
    if (out->module_ids == NULL)
        return attls_fail(st, ATTLS_E_INTERNAL, CHECK, "out of memory");
    out->n_module_ids = json_array_size(arr);
    for (size_t i = 0; i < out->n_module_ids && rc == ATTLS_OK; i++) {
        const json_t *m;

        path_fmt(mpath, sizeof(mpath), "tcbInfo.tdxModuleIdentities[%zu]", i);
        rc = j_object_at(arr, i, mpath, &m, st);
        if (rc == ATTLS_OK)
            rc = parse_module(m, mpath, 1, &out->module_ids[i], st);
    }
    return rc;
}

/* sgxtcbcomponents / tdxtcbcomponents: exactly 16 {"svn": 0..255, ...}. */
static attls_code parse_components(const json_t *tcb, const char *path,
                                   const char *key, uint8_t svn[16],
                                   attls_status *st)
{
    char cpath[PATH_MAX_LEN];
    const json_t *arr, *c;
    attls_code rc = j_array(tcb, path, key, 16, 16, &arr, st);

    for (size_t i = 0; i < 16 && rc == ATTLS_OK; i++) {
        path_fmt(cpath, sizeof(cpath), "%s.%s[%zu]", path, key, i);
        if ((rc = j_object_at(arr, i, cpath, &c, st)) == ATTLS_OK)
            rc = j_u8(c, cpath, "svn", &svn[i], st);
    }
    return rc;
}

static attls_code parse_tcb_level(const json_t *lv, const char *path,
                                  attls_tdx_tcb_level *l, attls_status *st)
{
    char tpath[PATH_MAX_LEN];
    const json_t *tcb;
    attls_code rc;

    path_fmt(tpath, sizeof(tpath), "%s.tcb", path);
    if ((rc = j_member(lv, path, "tcb", JSON_OBJECT, &tcb, st)) != ATTLS_OK ||
        (rc = parse_components(tcb, tpath, "sgxtcbcomponents", l->sgx_svn,
                               st)) != ATTLS_OK ||
        (rc = j_u16(tcb, tpath, "pcesvn", &l->pcesvn, st)) != ATTLS_OK ||
        (rc = parse_components(tcb, tpath, "tdxtcbcomponents", l->tdx_svn,
                               st)) != ATTLS_OK ||
        (rc = j_date(lv, path, "tcbDate", &l->tcb_date, st)) != ATTLS_OK ||
        (rc = j_status(lv, path, "tcbStatus", PLATFORM_STATUSES, &l->status,
                       st)) != ATTLS_OK)
        return rc;
    return j_advisories(lv, path, &l->advisory_ids, st);
}

static attls_code parse_tcb_levels(const json_t *ti, attls_tdx_tcb_info *out,
                                   attls_status *st)
{
    char lpath[PATH_MAX_LEN];
    const json_t *arr;
    attls_code rc =
        j_array(ti, "tcbInfo", "tcbLevels", 1, ATTLS_TDX_MAX_LEVELS, &arr, st);

    if (rc != ATTLS_OK)
        return rc;
    out->n_levels = json_array_size(arr);
    out->levels = OPENSSL_zalloc(out->n_levels * sizeof(*out->levels));
    if (out->levels == NULL)
        return attls_fail(st, ATTLS_E_INTERNAL, CHECK, "out of memory");
    for (size_t i = 0; i < out->n_levels && rc == ATTLS_OK; i++) {
        const json_t *lv;

        path_fmt(lpath, sizeof(lpath), "tcbInfo.tcbLevels[%zu]", i);
        if ((rc = j_object_at(arr, i, lpath, &lv, st)) == ATTLS_OK)
            rc = parse_tcb_level(lv, lpath, &out->levels[i], st);
    }
    return rc;
}

static attls_code parse_tcb_info_header(const json_t *ti,
                                        attls_tdx_tcb_info *out,
                                        attls_status *st)
{
    const char *path = "tcbInfo", *id;
    const json_t *module;
    attls_code rc;

    if ((rc = j_string(ti, path, "id", &id, st)) != ATTLS_OK)
        return rc;
    if (strcmp(id, "TDX") != 0)
        return format_fail(st, "tcbInfo.id is '%.20s', not 'TDX'", id);
    if ((rc = j_u32(ti, path, "version", &out->version, st)) != ATTLS_OK)
        return rc;
    if (out->version != 3)
        return format_fail(st, "tcbInfo.version is %u, only 3 is supported",
                           out->version);
    if ((rc = j_date(ti, path, "issueDate", &out->issue_date, st)) !=
            ATTLS_OK ||
        (rc = j_date(ti, path, "nextUpdate", &out->next_update, st)) !=
            ATTLS_OK ||
        (rc = j_hex(ti, path, "fmspc", out->fmspc, sizeof(out->fmspc), st)) !=
            ATTLS_OK ||
        (rc = j_hex(ti, path, "pceId", out->pceid, sizeof(out->pceid), st)) !=
            ATTLS_OK ||
        (rc = j_u32(ti, path, "tcbType", &out->tcb_type, st)) != ATTLS_OK ||
        (rc = j_u32(ti, path, "tcbEvaluationDataNumber", &out->eval_number,
                    st)) != ATTLS_OK)
        return rc;
    if (out->tcb_type != 0)
        return format_fail(st, "tcbInfo.tcbType is %u, only 0 is supported",
                           out->tcb_type);
    if ((rc = j_member(ti, path, "tdxModule", JSON_OBJECT, &module, st)) !=
        ATTLS_OK)
        return rc;
    return parse_module(module, "tcbInfo.tdxModule", 0, &out->module, st);
}

attls_code attls_tdx_tcb_info_parse(const char *json, size_t len,
                                    attls_tdx_tcb_info *out, attls_status *st)
{
    attls_code rc;

    memset(out, 0, sizeof(*out));
    out->doc = load_object(json, len, "tcbInfo", &rc, st);
    if (rc == ATTLS_OK)
        rc = parse_tcb_info_header(out->doc, out, st);
    if (rc == ATTLS_OK)
        rc = parse_module_identities(out->doc, out, st);
    if (rc == ATTLS_OK)
        rc = parse_tcb_levels(out->doc, out, st);
    if (rc != ATTLS_OK)
        attls_tdx_tcb_info_free(out);
    return rc;
}

void attls_tdx_tcb_info_free(attls_tdx_tcb_info *ti)
{
    if (ti == NULL)
        return;
    for (size_t i = 0; i < ti->n_module_ids; i++)
        OPENSSL_free(ti->module_ids[i].levels);
    OPENSSL_free(ti->module_ids);
    OPENSSL_free(ti->levels);
    json_decref(ti->doc);
    memset(ti, 0, sizeof(*ti));
}

/* miscselect is written as the little-endian bytes of the u32. */
static attls_code j_le32_hex(const json_t *obj, const char *path,
                             const char *key, uint32_t *out, attls_status *st)
{
    uint8_t b[4];
    attls_code rc = j_hex(obj, path, key, b, sizeof(b), st);

    *out = attls_le32(b);
    return rc;
}

static attls_code parse_qe_identity_fields(const json_t *qi,
                                           attls_tdx_qe_identity *out,
                                           attls_status *st)
{
    const char *path = "enclaveIdentity", *id;
    attls_code rc;

    if ((rc = j_string(qi, path, "id", &id, st)) != ATTLS_OK)
        return rc;
    if (strcmp(id, "TD_QE") != 0)
        return format_fail(st, "enclaveIdentity.id is '%.20s', not 'TD_QE'",
                           id);
    if ((rc = j_u32(qi, path, "version", &out->version, st)) != ATTLS_OK)
        return rc;
    if (out->version != 2)
        return format_fail(st,
                           "enclaveIdentity.version is %u, only 2 is "
                           "supported",
                           out->version);
    if ((rc = j_date(qi, path, "issueDate", &out->issue_date, st)) !=
            ATTLS_OK ||
        (rc = j_date(qi, path, "nextUpdate", &out->next_update, st)) !=
            ATTLS_OK ||
        (rc = j_u32(qi, path, "tcbEvaluationDataNumber", &out->eval_number,
                    st)) != ATTLS_OK ||
        (rc = j_le32_hex(qi, path, "miscselect", &out->miscselect, st)) !=
            ATTLS_OK ||
        (rc = j_le32_hex(qi, path, "miscselectMask", &out->miscselect_mask,
                         st)) != ATTLS_OK ||
        (rc = j_hex(qi, path, "attributes", out->attributes,
                    sizeof(out->attributes), st)) != ATTLS_OK ||
        (rc = j_hex(qi, path, "attributesMask", out->attributes_mask,
                    sizeof(out->attributes_mask), st)) != ATTLS_OK ||
        (rc = j_hex(qi, path, "mrsigner", out->mrsigner, sizeof(out->mrsigner),
                    st)) != ATTLS_OK ||
        (rc = j_u16(qi, path, "isvprodid", &out->isvprodid, st)) != ATTLS_OK)
        return rc;
    return parse_isv_levels(qi, path, 0xffff, &out->levels, &out->n_levels, st);
}

attls_code attls_tdx_qe_identity_parse(const char *json, size_t len,
                                       attls_tdx_qe_identity *out,
                                       attls_status *st)
{
    attls_code rc;

    memset(out, 0, sizeof(*out));
    out->doc = load_object(json, len, "enclaveIdentity", &rc, st);
    if (rc == ATTLS_OK)
        rc = parse_qe_identity_fields(out->doc, out, st);
    if (rc != ATTLS_OK)
        attls_tdx_qe_identity_free(out);
    return rc;
}

void attls_tdx_qe_identity_free(attls_tdx_qe_identity *qi)
{
    if (qi == NULL)
        return;
    OPENSSL_free(qi->levels);
    json_decref(qi->doc);
    memset(qi, 0, sizeof(*qi));
}
