/* SPDX-License-Identifier: Apache-2.0 */
#include "evidence/cert_ext.h"

#include <string.h>

#include <openssl/asn1.h>
#include <openssl/crypto.h>
#include <openssl/objects.h>
#include <openssl/x509v3.h>

#define TAG_UTF8STRING 0x0c
#define TAG_OCTET_STRING 0x04

static ASN1_OBJECT *cmw_oid(void)
{
    return OBJ_txt2obj(ATTLS_OID_CMW, 1);
}

attls_code attls_cmw_ext_create(const char *json, size_t len,
                                X509_EXTENSION **out, attls_status *st)
{
    ASN1_UTF8STRING *s = NULL;
    ASN1_OCTET_STRING *value = NULL;
    ASN1_OBJECT *oid = NULL;
    unsigned char *der = NULL;
    int der_len = -1;

    *out = NULL;
    if (len > ATTLS_CMW_EXT_MAX - 8)
        return attls_fail(st, ATTLS_E_EVIDENCE_TOO_LARGE, "cmw_ext.size",
                          "CMW JSON of %zu bytes too large for the extension",
                          len);
    s = ASN1_UTF8STRING_new();
    if (s != NULL && ASN1_STRING_set(s, json, (int)len) == 1)
        der_len = i2d_ASN1_UTF8STRING(s, &der);
    value = ASN1_OCTET_STRING_new();
    oid = cmw_oid();
    if (der_len > 0 && value != NULL && oid != NULL) {
        ASN1_STRING_set0(value, der, der_len);
        der = NULL;
        *out = X509_EXTENSION_create_by_OBJ(NULL, oid, 0, value);
    }
    OPENSSL_free(der);
    ASN1_OCTET_STRING_free(value);
    ASN1_OBJECT_free(oid);
    ASN1_UTF8STRING_free(s);
    if (*out == NULL)
        return attls_fail(st, ATTLS_E_INTERNAL, "cmw_ext.create",
                          "could not build the id-pe-cmw extension");
    return ATTLS_OK;
}

attls_code attls_cmw_ext_decode(const uint8_t *der, size_t len, attls_buf *json,
                                attls_status *st)
{
    const unsigned char *p = der;
    ASN1_UTF8STRING *s = NULL;
    unsigned char *again = NULL;
    int again_len;
    attls_code rc = ATTLS_E_EVIDENCE_EXTENSION;

    json->data = NULL;
    json->len = 0;
    if (len == 0 || len > ATTLS_CMW_EXT_MAX)
        return attls_fail(st, rc, "cmw_ext.size",
                          "id-pe-cmw value of %zu bytes (1..%d allowed)", len,
                          ATTLS_CMW_EXT_MAX);
    if (der[0] == TAG_OCTET_STRING)
        return attls_fail(st, rc, "cmw_ext.choice",
                          "id-pe-cmw uses the cbor alternative; attls "
                          "evidence is JSON");
    if (der[0] != TAG_UTF8STRING)
        return attls_fail(st, rc, "cmw_ext.choice",
                          "id-pe-cmw value starts with tag 0x%02x, not a "
                          "UTF8String",
                          der[0]);
    s = d2i_ASN1_UTF8STRING(NULL, &p, (long)len);
    if (s == NULL || (size_t)(p - der) != len) {
        rc = attls_fail(st, rc, "cmw_ext.der",
                        s == NULL ? "id-pe-cmw UTF8String does not parse"
                                  : "trailing bytes after the id-pe-cmw "
                                    "UTF8String");
        goto end;
    }
    /* Only DER: the re-encoding must give back the same bytes. */
    again_len = i2d_ASN1_UTF8STRING(s, &again);
    if (again_len < 0 || (size_t)again_len != len ||
        memcmp(again, der, len) != 0) {
        rc = attls_fail(st, rc, "cmw_ext.der",
                        "id-pe-cmw UTF8String is not DER-encoded");
        goto end;
    }
    json->data = OPENSSL_malloc((size_t)ASN1_STRING_length(s) + 1);
    if (json->data == NULL) {
        rc = attls_fail(st, ATTLS_E_INTERNAL, "cmw_ext.alloc", "out of memory");
        goto end;
    }
    json->len = (size_t)ASN1_STRING_length(s);
    memcpy(json->data, ASN1_STRING_get0_data(s), json->len);
    json->data[json->len] = '\0';
    rc = ATTLS_OK;
end:
    OPENSSL_free(again);
    ASN1_UTF8STRING_free(s);
    return rc;
}

attls_code attls_cmw_ext_find(const STACK_OF(X509_EXTENSION) * exts,
                              attls_buf *json, int *critical, attls_status *st)
{
    ASN1_OBJECT *oid = cmw_oid();
    X509_EXTENSION *ext;
    const ASN1_OCTET_STRING *v;
    int idx, again;

    json->data = NULL;
    json->len = 0;
    if (oid == NULL)
        return attls_fail(st, ATTLS_E_INTERNAL, "cmw_ext.oid",
                          "could not create the id-pe-cmw OID");
    idx = X509v3_get_ext_by_OBJ(exts, oid, -1);
    again = idx >= 0 ? X509v3_get_ext_by_OBJ(exts, oid, idx) : -1;
    ASN1_OBJECT_free(oid);
    if (idx < 0)
        return attls_fail(st, ATTLS_E_EVIDENCE_MISSING, "cmw_ext.present",
                          "no id-pe-cmw (" ATTLS_OID_CMW ") extension");
    if (again >= 0)
        return attls_fail(st, ATTLS_E_EVIDENCE_EXTENSION, "cmw_ext.unique",
                          "id-pe-cmw extension appears more than once");
    ext = X509v3_get_ext(exts, idx);
    if (critical != NULL)
        *critical = X509_EXTENSION_get_critical(ext);
    v = X509_EXTENSION_get_data(ext);
    return attls_cmw_ext_decode(ASN1_STRING_get0_data(v),
                                (size_t)ASN1_STRING_length(v), json, st);
}

attls_code attls_cmw_ext_from_cert(const X509 *x, attls_buf *json,
                                   int *critical, attls_status *st)
{
    return attls_cmw_ext_find(X509_get0_extensions(x), json, critical, st);
}

attls_code attls_cmw_ext_from_req(X509_REQ *req, attls_buf *json, int *critical,
                                  attls_status *st)
{
    STACK_OF(X509_EXTENSION) *exts = X509_REQ_get_extensions(req);
    attls_code rc;

    rc = attls_cmw_ext_find(exts, json, critical, st);
    sk_X509_EXTENSION_pop_free(exts, X509_EXTENSION_free);
    return rc;
}
