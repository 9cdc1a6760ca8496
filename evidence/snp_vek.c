/* SPDX-License-Identifier: Apache-2.0 */
/*
 * VCEK/VLEK certificates: loading them with what the evidence offers, and
 * reading the AMD extensions (AMD "VCEK Certificate and KDS Interface
 * Specification" #57230): productName, the TCB SPLs, hwID and CSP_ID.
 */
#include "evidence/snp.h"

#include <string.h>

#include <openssl/asn1.h>
#include <openssl/err.h>
#include <openssl/objects.h>
#include <openssl/x509v3.h>

#include "evidence/pem_chain.h"

#define VEK_MAX_INPUT (64 * 1024)
#define HWID_LEN_LEGACY 64
#define HWID_LEN_TURIN 8

#define AMD_OID(suffix) "1.3.6.1.4.1.3704.1." suffix

/* The TCB SPL extensions and where they go. */
typedef struct spl_ext {
    const char *oid;
    const char *name;
    size_t offset; /* in attls_snp_tcb */
    int turin_only;
} spl_ext;

static const spl_ext spl_exts[] = {
    {AMD_OID("3.1"), "blSPL", offsetof(attls_snp_tcb, bootloader), 0},
    {AMD_OID("3.2"), "teeSPL", offsetof(attls_snp_tcb, tee), 0},
    {AMD_OID("3.3"), "snpSPL", offsetof(attls_snp_tcb, snp), 0},
    {AMD_OID("3.8"), "ucodeSPL", offsetof(attls_snp_tcb, microcode), 0},
    {AMD_OID("3.9"), "fmcSPL", offsetof(attls_snp_tcb, fmc), 1},
};

static void free_certs(STACK_OF(X509) *certs)
{
    sk_X509_pop_free(certs, X509_free);
}

static attls_code load_der(const uint8_t *buf, size_t len,
                           STACK_OF(X509) *certs, attls_status *st)
{
    const unsigned char *p = buf;
    X509 *x;

    ERR_set_mark();
    x = d2i_X509(NULL, &p, (long)len);
    ERR_pop_to_mark();
    if (x == NULL || p != buf + len) {
        X509_free(x);
        return attls_fail(st, ATTLS_E_CERT_PARSE, "snp.vek",
                          "VEK input (%zu bytes) is neither PEM certificates "
                          "nor exactly one DER certificate",
                          len);
    }
    if (!sk_X509_push(certs, x)) {
        X509_free(x);
        return attls_fail(st, ATTLS_E_INTERNAL, "snp.vek", "out of memory");
    }
    return ATTLS_OK;
}

/* PEM (first non-blank byte '-') or DER, as AMD KDS and THIM serve it. */
static int looks_like_pem(const uint8_t *buf, size_t len)
{
    size_t i = 0;

    while (i < len && (buf[i] == ' ' || buf[i] == '\t' || buf[i] == '\r' ||
                       buf[i] == '\n'))
        i++;
    return i < len && buf[i] == '-';
}

static attls_code load_certs(const uint8_t *buf, size_t len,
                             STACK_OF(X509) **certs, attls_status *st)
{
    char why[200];

    if (!looks_like_pem(buf, len)) {
        if ((*certs = sk_X509_new_null()) == NULL)
            return attls_fail(st, ATTLS_E_INTERNAL, "snp.vek", "out of memory");
        return load_der(buf, len, *certs, st);
    }
    /* Evidence, not a local file: only CERTIFICATE blocks, strictly. */
    *certs = attls_pem_chain_parse((const char *)buf, len, why, sizeof(why));
    if (*certs == NULL)
        return attls_fail(st, ATTLS_E_CERT_PARSE, "snp.vek",
                          "VEK PEM input: %s", why);
    return ATTLS_OK;
}

attls_code attls_snp_vek_load(const uint8_t *buf, size_t len, X509 **vek,
                              STACK_OF(X509) **untrusted, attls_status *st)
{
    STACK_OF(X509) *certs = NULL;
    STACK_OF(X509) *rest = NULL;
    attls_code rc;

    *vek = NULL;
    *untrusted = NULL;
    if (buf == NULL || len == 0 || len > VEK_MAX_INPUT)
        return attls_fail(st, ATTLS_E_CERT_PARSE, "snp.vek",
                          "VEK input is %zu bytes, expected 1 to %d",
                          buf == NULL ? (size_t)0 : len, VEK_MAX_INPUT);
    if ((rc = load_certs(buf, len, &certs, st)) != ATTLS_OK)
        goto end;
    if ((rest = sk_X509_new_null()) == NULL) {
        rc = attls_fail(st, ATTLS_E_INTERNAL, "snp.vek", "out of memory");
        goto end;
    }
    *vek = sk_X509_shift(certs);
    while (sk_X509_num(certs) > 0) {
        X509 *x = sk_X509_shift(certs);

        /* The ARK comes from the pinned set, never from the evidence. */
        if (X509_check_issued(x, x) == X509_V_OK) {
            X509_free(x);
            continue;
        }
        if (!sk_X509_push(rest, x)) {
            X509_free(x);
            rc = attls_fail(st, ATTLS_E_INTERNAL, "snp.vek", "out of memory");
            goto end;
        }
    }
    *untrusted = rest;
    rest = NULL;
end:
    if (rc != ATTLS_OK) {
        X509_free(*vek);
        *vek = NULL;
    }
    free_certs(certs);
    free_certs(rest);
    return rc;
}

/*
 * The DER value of AMD extension @p oid, or NULL when it is absent. A
 * repeated extension is an error (*rc set), since which copy counts would
 * be ambiguous.
 */
static const ASN1_OCTET_STRING *find_ext(X509 *cert, const char *oid,
                                         const char *name, attls_code *rc,
                                         attls_status *st)
{
    ASN1_OBJECT *obj = OBJ_txt2obj(oid, 1);
    const ASN1_OCTET_STRING *value = NULL;
    int idx;

    *rc = ATTLS_OK;
    if (obj == NULL) {
        *rc =
            attls_fail(st, ATTLS_E_INTERNAL, "snp.vek", "OBJ_txt2obj(%s)", oid);
        return NULL;
    }
    idx = X509_get_ext_by_OBJ(cert, obj, -1);
    if (idx >= 0 && X509_get_ext_by_OBJ(cert, obj, idx) >= 0)
        *rc = attls_fail(st, ATTLS_E_SNP_VEK, "snp.vek",
                         "extension %s (%s) appears more than once", name, oid);
    else if (idx >= 0)
        value = X509_EXTENSION_get_data(X509_get_ext(cert, idx));
    ASN1_OBJECT_free(obj);
    return value;
}

/* A DER INTEGER in 0..255 filling the extension value exactly. */
static attls_code decode_spl(const ASN1_OCTET_STRING *v, const char *name,
                             uint8_t *out, attls_status *st)
{
    const unsigned char *p = ASN1_STRING_get0_data(v);
    int len = ASN1_STRING_length(v);
    ASN1_INTEGER *i;
    int64_t val;

    ERR_set_mark();
    i = d2i_ASN1_INTEGER(NULL, &p, len);
    if (i == NULL || p != ASN1_STRING_get0_data(v) + len ||
        !ASN1_INTEGER_get_int64(&val, i)) {
        ERR_pop_to_mark();
        ASN1_INTEGER_free(i);
        return attls_fail(st, ATTLS_E_SNP_VEK, "snp.vek",
                          "extension %s is not exactly one DER INTEGER", name);
    }
    ERR_pop_to_mark();
    ASN1_INTEGER_free(i);
    if (val < 0 || val > 255)
        return attls_fail(st, ATTLS_E_SNP_VEK, "snp.vek",
                          "extension %s is %lld, an SPL is 0 to 255", name,
                          (long long)val);
    *out = (uint8_t)val;
    return ATTLS_OK;
}

/* A DER IA5String of printable characters, copied NUL-terminated. */
static attls_code decode_ia5(const ASN1_OCTET_STRING *v, const char *name,
                             char *out, size_t out_len, attls_status *st)
{
    const unsigned char *p = ASN1_STRING_get0_data(v);
    int len = ASN1_STRING_length(v);
    ASN1_IA5STRING *s;
    const unsigned char *d;
    int n;

    ERR_set_mark();
    s = d2i_ASN1_IA5STRING(NULL, &p, len);
    ERR_pop_to_mark();
    if (s == NULL || p != ASN1_STRING_get0_data(v) + len)
        goto bad;
    d = ASN1_STRING_get0_data(s);
    n = ASN1_STRING_length(s);
    if (n < 1 || (size_t)n >= out_len)
        goto bad;
    for (int k = 0; k < n; k++) {
        if (d[k] < 0x20 || d[k] > 0x7E)
            goto bad;
    }
    memcpy(out, d, (size_t)n);
    out[n] = '\0';
    ASN1_IA5STRING_free(s);
    return ATTLS_OK;
bad:
    ASN1_IA5STRING_free(s);
    return attls_fail(st, ATTLS_E_SNP_VEK, "snp.vek",
                      "extension %s is not a DER IA5String of 1 to %zu "
                      "printable characters",
                      name, out_len - 1);
}

/*
 * hwID is the raw CHIP_ID (64 bytes; 8 on Turin) without an ASN.1 tag in
 * real VCEKs; newer KDS certificates may wrap it in an OCTET STRING.
 */
static attls_code decode_hwid(const ASN1_OCTET_STRING *v, size_t want,
                              attls_snp_vek *out, attls_status *st)
{
    const unsigned char *d = ASN1_STRING_get0_data(v);
    size_t len = (size_t)ASN1_STRING_length(v);

    if (len == want) {
        memcpy(out->hwid, d, want);
        out->hwid_len = want;
        return ATTLS_OK;
    }
    if (len == want + 2 && d[0] == V_ASN1_OCTET_STRING && d[1] == want) {
        memcpy(out->hwid, d + 2, want);
        out->hwid_len = want;
        return ATTLS_OK;
    }
    return attls_fail(st, ATTLS_E_SNP_VEK, "snp.vek",
                      "hwID extension (%s) is %zu bytes, expected the %zu-byte "
                      "%s CHIP_ID, raw or as an OCTET STRING",
                      AMD_OID("4"), len, want,
                      attls_snp_product_name(out->product));
}

static attls_code parse_type(X509 *cert, attls_snp_vek *out, attls_status *st)
{
    X509_NAME *subject = X509_get_subject_name(cert);
    int idx = X509_NAME_get_index_by_NID(subject, NID_commonName, -1);
    const ASN1_STRING *cn;

    if (idx < 0 ||
        X509_NAME_get_index_by_NID(subject, NID_commonName, idx) >= 0)
        goto bad;
    cn = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(subject, idx));
    if (ASN1_STRING_length(cn) == 8 &&
        memcmp(ASN1_STRING_get0_data(cn), "SEV-VCEK", 8) == 0) {
        out->type = ATTLS_SNP_VEK_VCEK;
        return ATTLS_OK;
    }
    if (ASN1_STRING_length(cn) == 8 &&
        memcmp(ASN1_STRING_get0_data(cn), "SEV-VLEK", 8) == 0) {
        out->type = ATTLS_SNP_VEK_VLEK;
        return ATTLS_OK;
    }
bad:
    return attls_fail(st, ATTLS_E_SNP_VEK, "snp.vek",
                      "subject must have exactly one CN, SEV-VCEK or "
                      "SEV-VLEK");
}

static attls_code check_key(X509 *cert, attls_status *st)
{
    EVP_PKEY *key = X509_get0_pubkey(cert);

    if (!attls_snp_key_is_p384(key))
        return attls_fail(st, ATTLS_E_CERT_KEY, "snp.vek",
                          "the VEK key is %s, not an EC P-384 key",
                          key == NULL ? "undecodable"
                                      : EVP_PKEY_get0_type_name(key));
    return ATTLS_OK;
}

static attls_code parse_product(X509 *cert, attls_snp_vek *out,
                                attls_status *st)
{
    attls_code rc;
    const ASN1_OCTET_STRING *v =
        find_ext(cert, AMD_OID("2"), "productName", &rc, st);

    if (rc != ATTLS_OK)
        return rc;
    if (v == NULL)
        return attls_fail(st, ATTLS_E_SNP_VEK, "snp.vek",
                          "productName extension (%s) missing", AMD_OID("2"));
    rc = decode_ia5(v, "productName", out->product_name,
                    sizeof(out->product_name), st);
    if (rc != ATTLS_OK)
        return rc;
    out->product = attls_snp_product_from_string(out->product_name);
    if (out->product == ATTLS_SNP_PRODUCT_UNKNOWN)
        return attls_fail(st, ATTLS_E_SNP_PRODUCT, "snp.vek",
                          "productName '%s' is not Milan, Genoa or Turin",
                          out->product_name);
    return ATTLS_OK;
}

static attls_code parse_struct_version(X509 *cert, attls_snp_vek *out,
                                       attls_status *st)
{
    attls_code rc;
    const ASN1_OCTET_STRING *v =
        find_ext(cert, AMD_OID("1"), "structVersion", &rc, st);
    uint8_t version;

    if (rc != ATTLS_OK || v == NULL)
        return rc;
    if ((rc = decode_spl(v, "structVersion", &version, st)) != ATTLS_OK)
        return rc;
    out->has_struct_version = 1;
    out->struct_version = version;
    return ATTLS_OK;
}

/* Fill out->tcb from the SPL extensions, in the product's byte layout. */
static attls_code parse_spls(X509 *cert, attls_snp_vek *out, attls_status *st)
{
    int turin = out->product == ATTLS_SNP_PRODUCT_TURIN;
    attls_snp_tcb *t = &out->tcb;
    uint64_t raw;
    attls_code rc;

    for (size_t i = 0; i < sizeof(spl_exts) / sizeof(spl_exts[0]); i++) {
        const spl_ext *e = &spl_exts[i];
        const ASN1_OCTET_STRING *v;

        if (e->turin_only && !turin)
            continue;
        v = find_ext(cert, e->oid, e->name, &rc, st);
        if (rc != ATTLS_OK)
            return rc;
        if (v == NULL)
            return attls_fail(st, ATTLS_E_SNP_VEK, "snp.vek",
                              "%s extension (%s) missing from a %s VEK",
                              e->name, e->oid,
                              attls_snp_product_name(out->product));
        rc = decode_spl(v, e->name, (uint8_t *)t + e->offset, st);
        if (rc != ATTLS_OK)
            return rc;
    }
    if (turin)
        raw = (uint64_t)t->fmc | (uint64_t)t->bootloader << 8 |
              (uint64_t)t->tee << 16 | (uint64_t)t->snp << 24;
    else
        raw = (uint64_t)t->bootloader | (uint64_t)t->tee << 8 |
              (uint64_t)t->snp << 48;
    t->raw = raw | (uint64_t)t->microcode << 56;
    t->has_fmc = turin;
    t->decoded = 1;
    return ATTLS_OK;
}

static attls_code parse_identity(X509 *cert, attls_snp_vek *out,
                                 attls_status *st)
{
    attls_code rc;
    const ASN1_OCTET_STRING *v;

    if (out->type == ATTLS_SNP_VEK_VLEK) {
        v = find_ext(cert, AMD_OID("5"), "CSP_ID", &rc, st);
        if (rc != ATTLS_OK)
            return rc;
        if (v == NULL)
            return attls_fail(st, ATTLS_E_SNP_VEK, "snp.vek",
                              "CSP_ID extension (%s) missing from a VLEK",
                              AMD_OID("5"));
        return decode_ia5(v, "CSP_ID", out->csp_id, sizeof(out->csp_id), st);
    }
    v = find_ext(cert, AMD_OID("4"), "hwID", &rc, st);
    if (rc != ATTLS_OK)
        return rc;
    if (v == NULL)
        return attls_fail(st, ATTLS_E_SNP_VEK, "snp.vek",
                          "hwID extension (%s) missing from a VCEK",
                          AMD_OID("4"));
    return decode_hwid(v,
                       out->product == ATTLS_SNP_PRODUCT_TURIN
                           ? HWID_LEN_TURIN
                           : HWID_LEN_LEGACY,
                       out, st);
}

static time_t asn1_time_to_time_t(const ASN1_TIME *t)
{
    struct tm tm;

    if (t == NULL || !ASN1_TIME_to_tm(t, &tm))
        return (time_t)-1;
    return timegm(&tm);
}

attls_code attls_snp_vek_parse(X509 *cert, attls_snp_vek *out, attls_status *st)
{
    attls_code rc;

    memset(out, 0, sizeof(*out));
    if (cert == NULL)
        return attls_fail(st, ATTLS_E_ARGUMENT, "snp.vek", "no VEK given");
    if ((rc = parse_type(cert, out, st)) != ATTLS_OK ||
        (rc = check_key(cert, st)) != ATTLS_OK ||
        (rc = parse_product(cert, out, st)) != ATTLS_OK ||
        (rc = parse_struct_version(cert, out, st)) != ATTLS_OK ||
        (rc = parse_spls(cert, out, st)) != ATTLS_OK ||
        (rc = parse_identity(cert, out, st)) != ATTLS_OK) {
        memset(out, 0, sizeof(*out));
        return rc;
    }
    out->not_before = asn1_time_to_time_t(X509_get0_notBefore(cert));
    out->not_after = asn1_time_to_time_t(X509_get0_notAfter(cert));
    return ATTLS_OK;
}
