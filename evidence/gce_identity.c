/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The GCE instance identity extension (1.3.6.1.4.1.11129.2.1.21) of
 * Google's vTPM EK/AK certificates, decoded with OpenSSL ASN.1 templates.
 */
#include "evidence/akcert.h"

#include <inttypes.h>
#include <string.h>

#include <openssl/asn1t.h>
#include <openssl/err.h>
#include <openssl/objects.h>

#define GCE_IDENTITY_OID "1.3.6.1.4.1.11129.2.1.21"
/* Far larger than any real extension (89..110 bytes), small enough that a
 * hostile certificate cannot make the decoder work hard. */
#define GCE_IDENTITY_MAX_DER 4096

typedef struct attls_gce_security_st {
    ASN1_INTEGER *security_version;
    ASN1_BOOLEAN is_production;
    ASN1_BOOLEAN tpm_data_always_encrypted;
    ASN1_BOOLEAN suspend_resume_always_disabled;
    ASN1_BOOLEAN vmtd_always_disabled;
    ASN1_BOOLEAN always_in_yarn;
} ATTLS_GCE_SECURITY;

typedef struct attls_gce_instance_st {
    ASN1_UTF8STRING *zone;
    ASN1_INTEGER *project_number;
    ASN1_UTF8STRING *project_id;
    ASN1_INTEGER *instance_id;
    ASN1_UTF8STRING *instance_name;
    ATTLS_GCE_SECURITY *security;
} ATTLS_GCE_INSTANCE;

/* An absent optional BOOLEAN stays at its initial value -1. */
ASN1_SEQUENCE(ATTLS_GCE_SECURITY) =
    {
        ASN1_EXP_OPT(ATTLS_GCE_SECURITY, security_version, ASN1_INTEGER, 0),
        ASN1_EXP_OPT(ATTLS_GCE_SECURITY, is_production, ASN1_BOOLEAN, 1),
        ASN1_EXP_OPT(ATTLS_GCE_SECURITY, tpm_data_always_encrypted,
                     ASN1_BOOLEAN, 2),
        ASN1_EXP_OPT(ATTLS_GCE_SECURITY, suspend_resume_always_disabled,
                     ASN1_BOOLEAN, 3),
        ASN1_EXP_OPT(ATTLS_GCE_SECURITY, vmtd_always_disabled, ASN1_BOOLEAN, 4),
        ASN1_EXP_OPT(ATTLS_GCE_SECURITY, always_in_yarn, ASN1_BOOLEAN, 5),
} static_ASN1_SEQUENCE_END(ATTLS_GCE_SECURITY)

        ASN1_SEQUENCE(ATTLS_GCE_INSTANCE) =
            {
                ASN1_SIMPLE(ATTLS_GCE_INSTANCE, zone, ASN1_UTF8STRING),
                ASN1_SIMPLE(ATTLS_GCE_INSTANCE, project_number, ASN1_INTEGER),
                ASN1_SIMPLE(ATTLS_GCE_INSTANCE, project_id, ASN1_UTF8STRING),
                ASN1_SIMPLE(ATTLS_GCE_INSTANCE, instance_id, ASN1_INTEGER),
                ASN1_SIMPLE(ATTLS_GCE_INSTANCE, instance_name, ASN1_UTF8STRING),
                ASN1_EXP_OPT(ATTLS_GCE_INSTANCE, security, ATTLS_GCE_SECURITY,
                             0),
} static_ASN1_SEQUENCE_END(ATTLS_GCE_INSTANCE)

                static attls_code
    copy_name(const ASN1_UTF8STRING *s, const char *field, char *out,
              attls_status *st)
{
    const unsigned char *d = ASN1_STRING_get0_data(s);
    int n = ASN1_STRING_length(s);

    if (n <= 0 || n >= ATTLS_GCE_NAME_MAX)
        return attls_fail(st, ATTLS_E_TPM_GCE_IDENTITY, "gce.identity",
                          "%s is %d bytes; 1 to %d are accepted", field, n,
                          ATTLS_GCE_NAME_MAX - 1);
    for (int i = 0; i < n; i++) {
        if (d[i] < 0x21 || d[i] > 0x7e)
            return attls_fail(st, ATTLS_E_TPM_GCE_IDENTITY, "gce.identity",
                              "%s has byte 0x%02x at offset %d; only "
                              "printable ASCII is accepted",
                              field, d[i], i);
    }
    memcpy(out, d, (size_t)n);
    out[n] = '\0';
    return ATTLS_OK;
}

static attls_code copy_u64(const ASN1_INTEGER *v, const char *field,
                           uint64_t *out, attls_status *st)
{
    if (ASN1_INTEGER_get_uint64(out, v) != 1)
        return attls_fail(st, ATTLS_E_TPM_GCE_IDENTITY, "gce.identity",
                          "%s is negative or wider than 64 bits", field);
    return ATTLS_OK;
}

static attls_opt_bool opt_bool(ASN1_BOOLEAN b)
{
    return b < 0 ? ATTLS_BOOL_ABSENT : b ? ATTLS_BOOL_TRUE : ATTLS_BOOL_FALSE;
}

/* OpenSSL keeps a BOOLEAN's content byte as it was (and writes it back),
 * so DER's 0x00 / 0xff rule is checked here. */
static attls_code check_bools(const ATTLS_GCE_SECURITY *sec, attls_status *st)
{
    const ASN1_BOOLEAN v[] = {sec->is_production,
                              sec->tpm_data_always_encrypted,
                              sec->suspend_resume_always_disabled,
                              sec->vmtd_always_disabled, sec->always_in_yarn};

    for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
        if (v[i] != -1 && v[i] != 0 && v[i] != 0xff)
            return attls_fail(st, ATTLS_E_TPM_GCE_IDENTITY, "gce.identity",
                              "security property [%zu] is BOOLEAN 0x%02x: not "
                              "DER (0x00 or 0xff)",
                              i + 1, (unsigned)v[i] & 0xff);
    }
    return ATTLS_OK;
}

static attls_code copy_security(const ATTLS_GCE_SECURITY *sec,
                                attls_gce_identity *out, attls_status *st)
{
    attls_code rc = check_bools(sec, st);

    if (rc != ATTLS_OK)
        return rc;
    out->has_security = 1;
    out->is_production = opt_bool(sec->is_production);
    out->tpm_data_always_encrypted = opt_bool(sec->tpm_data_always_encrypted);
    out->suspend_resume_always_disabled =
        opt_bool(sec->suspend_resume_always_disabled);
    out->vmtd_always_disabled = opt_bool(sec->vmtd_always_disabled);
    out->always_in_yarn = opt_bool(sec->always_in_yarn);
    if (sec->security_version == NULL)
        return ATTLS_OK;
    if (ASN1_INTEGER_get_int64(&out->security_version, sec->security_version) !=
        1)
        return attls_fail(st, ATTLS_E_TPM_GCE_IDENTITY, "gce.identity",
                          "securityVersion is wider than 64 bits");
    out->has_security_version = 1;
    return ATTLS_OK;
}

/* Decode the extension value; DER only (re-encoding must give it back). */
static attls_code decode_value(const ASN1_OCTET_STRING *value,
                               attls_gce_identity *out, attls_status *st)
{
    const unsigned char *der = ASN1_STRING_get0_data(value);
    const unsigned char *p = der;
    long len = ASN1_STRING_length(value);
    unsigned char *again = NULL;
    ATTLS_GCE_INSTANCE *gi = NULL;
    attls_code rc = ATTLS_OK;
    int again_len;

    if (len <= 0 || len > GCE_IDENTITY_MAX_DER)
        return attls_fail(st, ATTLS_E_TPM_GCE_IDENTITY, "gce.identity",
                          "extension value is %ld bytes; 1 to %d are "
                          "accepted",
                          len, GCE_IDENTITY_MAX_DER);
    gi = (ATTLS_GCE_INSTANCE *)ASN1_item_d2i(
        NULL, &p, len, ASN1_ITEM_rptr(ATTLS_GCE_INSTANCE));
    if (gi == NULL || p != der + len) {
        rc = attls_fail(st, ATTLS_E_TPM_GCE_IDENTITY, "gce.identity",
                        "%ld-byte extension value %s", len,
                        gi == NULL ? "is not the GCE instance identity "
                                     "SEQUENCE"
                                   : "has trailing bytes");
        goto end;
    }
    again_len = ASN1_item_i2d((ASN1_VALUE *)gi, &again,
                              ASN1_ITEM_rptr(ATTLS_GCE_INSTANCE));
    if (again_len != len || memcmp(again, der, (size_t)len) != 0) {
        rc = attls_fail(st, ATTLS_E_TPM_GCE_IDENTITY, "gce.identity",
                        "extension value is BER, not DER (non-minimal or "
                        "indefinite length)");
        goto end;
    }
    if ((rc = copy_name(gi->zone, "zone", out->zone, st)) != ATTLS_OK ||
        (rc = copy_u64(gi->project_number, "projectNumber",
                       &out->project_number, st)) != ATTLS_OK ||
        (rc = copy_name(gi->project_id, "projectId", out->project_id, st)) !=
            ATTLS_OK ||
        (rc = copy_u64(gi->instance_id, "instanceId", &out->instance_id, st)) !=
            ATTLS_OK ||
        (rc = copy_name(gi->instance_name, "instanceName", out->instance_name,
                        st)) != ATTLS_OK)
        goto end;
    if (gi->security != NULL)
        rc = copy_security(gi->security, out, st);
end:
    OPENSSL_free(again);
    ASN1_item_free((ASN1_VALUE *)gi, ASN1_ITEM_rptr(ATTLS_GCE_INSTANCE));
    return rc;
}

static void identity_clear(attls_gce_identity *out)
{
    memset(out, 0, sizeof(*out));
    out->is_production = ATTLS_BOOL_ABSENT;
    out->tpm_data_always_encrypted = ATTLS_BOOL_ABSENT;
    out->suspend_resume_always_disabled = ATTLS_BOOL_ABSENT;
    out->vmtd_always_disabled = ATTLS_BOOL_ABSENT;
    out->always_in_yarn = ATTLS_BOOL_ABSENT;
}

attls_code attls_gce_identity_decode(X509 *cert, attls_gce_identity *out,
                                     attls_status *st)
{
    ASN1_OBJECT *oid = OBJ_txt2obj(GCE_IDENTITY_OID, 1);
    int idx, again;
    attls_code rc;

    identity_clear(out);
    if (oid == NULL)
        return attls_fail(st, ATTLS_E_INTERNAL, "gce.identity",
                          "cannot build OID " GCE_IDENTITY_OID);
    if (cert == NULL) {
        ASN1_OBJECT_free(oid);
        return attls_fail(st, ATTLS_E_ARGUMENT, "gce.identity",
                          "no certificate");
    }
    idx = X509_get_ext_by_OBJ(cert, oid, -1);
    again = idx < 0 ? -1 : X509_get_ext_by_OBJ(cert, oid, idx);
    ASN1_OBJECT_free(oid);
    if (idx < 0)
        return ATTLS_OK;
    if (again >= 0)
        return attls_fail(st, ATTLS_E_TPM_GCE_IDENTITY, "gce.identity",
                          "extension " GCE_IDENTITY_OID
                          " appears twice (positions %d and %d)",
                          idx, again);
    ERR_set_mark();
    rc =
        decode_value(X509_EXTENSION_get_data(X509_get_ext(cert, idx)), out, st);
    ERR_pop_to_mark();
    if (rc != ATTLS_OK) {
        identity_clear(out);
        return rc;
    }
    out->present = 1;
    return ATTLS_OK;
}
