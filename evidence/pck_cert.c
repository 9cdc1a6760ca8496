/* SPDX-License-Identifier: Apache-2.0 */
#include "evidence/pck_cert.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/asn1.h>
#include <openssl/err.h>
#include <openssl/objects.h>
#include <openssl/x509v3.h>

#include "evidence/x509_chain.h"

#define SGX_EXT_OID "1.2.840.113741.1.13.1"
#define CHECK "tdx.pck_extension"

/* Entries of the SGX extension (arc .x) and of its TCB sequence (.2.x). */
enum {
    SGX_PPID = 1,
    SGX_TCB = 2,
    SGX_PCEID = 3,
    SGX_FMSPC = 4,
    SGX_TYPE = 5,
    SGX_PLATFORM_INSTANCE_ID = 6,
    SGX_CONFIGURATION = 7,
    SGX_TOP_MAX = 7,
    TCB_PCESVN = 17,
    TCB_CPUSVN = 18,
    TCB_MAX = 18,
};

/* DER SEQUENCE OF ANY that must span exactly [p, p+len). */
static STACK_OF(ASN1_TYPE) *decode_sequence(const unsigned char *p, long len)
{
    const unsigned char *q = p;
    STACK_OF(ASN1_TYPE) *seq = d2i_ASN1_SEQUENCE_ANY(NULL, &q, len);

    if (seq != NULL && q != p + len) {
        sk_ASN1_TYPE_pop_free(seq, ASN1_TYPE_free);
        return NULL;
    }
    return seq;
}

static STACK_OF(ASN1_TYPE) *decode_sequence_type(const ASN1_TYPE *t)
{
    if (ASN1_TYPE_get(t) != V_ASN1_SEQUENCE)
        return NULL;
    return decode_sequence(t->value.sequence->data, t->value.sequence->length);
}

/*
 * Number of the entry's arc below @p prefix ("...13.1" or "...13.1.2"),
 * or -1 when the OID is elsewhere or has further arcs.
 */
static long entry_arc(const ASN1_OBJECT *oid, const char *prefix)
{
    char txt[96], *endp;
    size_t plen = strlen(prefix);
    long arc;

    if (OBJ_obj2txt(txt, sizeof(txt), oid, 1) <= 0 ||
        strncmp(txt, prefix, plen) != 0 || txt[plen] != '.')
        return -1;
    arc = strtol(txt + plen + 1, &endp, 10);
    if (*endp != '\0' || arc <= 0)
        return -1;
    return arc;
}

/* One {OID, value} pair; *value borrowed from the returned sequence. */
static STACK_OF(ASN1_TYPE) *decode_entry(const ASN1_TYPE *t, long *arc,
                                         const char *prefix,
                                         const ASN1_TYPE **value)
{
    STACK_OF(ASN1_TYPE) *pair = decode_sequence_type(t);
    const ASN1_TYPE *oid;

    if (pair == NULL || sk_ASN1_TYPE_num(pair) != 2 ||
        ASN1_TYPE_get(oid = sk_ASN1_TYPE_value(pair, 0)) != V_ASN1_OBJECT) {
        sk_ASN1_TYPE_pop_free(pair, ASN1_TYPE_free);
        return NULL;
    }
    *arc = entry_arc(oid->value.object, prefix);
    *value = sk_ASN1_TYPE_value(pair, 1);
    return pair;
}

static attls_code octets(const ASN1_TYPE *v, uint8_t *out, size_t len,
                         const char *what, attls_status *st)
{
    if (ASN1_TYPE_get(v) != V_ASN1_OCTET_STRING ||
        (size_t)v->value.octet_string->length != len)
        return attls_fail(st, ATTLS_E_TDX_PCK_EXTENSION, CHECK,
                          "PCK SGX extension %s: expected an OCTET STRING of "
                          "%zu bytes",
                          what, len);
    memcpy(out, v->value.octet_string->data, len);
    return ATTLS_OK;
}

static attls_code integer(const ASN1_TYPE *v, int64_t max, int64_t *out,
                          const char *what, attls_status *st)
{
    int type = ASN1_TYPE_get(v);
    int ok;

    if (type == V_ASN1_INTEGER)
        ok = ASN1_INTEGER_get_int64(out, v->value.integer);
    else if (type == V_ASN1_ENUMERATED)
        ok = ASN1_ENUMERATED_get_int64(out, v->value.enumerated);
    else
        return attls_fail(st, ATTLS_E_TDX_PCK_EXTENSION, CHECK,
                          "PCK SGX extension %s: expected an INTEGER, found "
                          "ASN.1 type %d",
                          what, type);
    if (!ok || *out < 0 || *out > max)
        return attls_fail(st, ATTLS_E_TDX_PCK_EXTENSION, CHECK,
                          "PCK SGX extension %s: value out of range 0..%lld",
                          what, (long long)max);
    return ATTLS_OK;
}

static attls_code tcb_entry(long arc, const ASN1_TYPE *v,
                            attls_pck_sgx_ext *out, attls_status *st)
{
    char what[48];
    int64_t n;
    attls_code rc;

    snprintf(what, sizeof(what), "TCB entry .2.%ld", arc);
    if (arc == TCB_CPUSVN)
        return octets(v, out->cpusvn, sizeof(out->cpusvn), what, st);
    if (arc == TCB_PCESVN) {
        if ((rc = integer(v, 0xffff, &n, what, st)) == ATTLS_OK)
            out->pcesvn = (uint16_t)n;
        return rc;
    }
    if ((rc = integer(v, 0xff, &n, what, st)) == ATTLS_OK)
        out->tcb_comp_svn[arc - 1] = (uint8_t)n;
    return rc;
}

static attls_code parse_tcb(const ASN1_TYPE *v, attls_pck_sgx_ext *out,
                            attls_status *st)
{
    STACK_OF(ASN1_TYPE) *seq = decode_sequence_type(v);
    int seen[TCB_MAX + 1] = {0};
    attls_code rc = ATTLS_OK;

    if (seq == NULL)
        return attls_fail(st, ATTLS_E_TDX_PCK_EXTENSION, CHECK,
                          "PCK SGX extension TCB (.2) is not a DER SEQUENCE");
    for (int i = 0; i < sk_ASN1_TYPE_num(seq) && rc == ATTLS_OK; i++) {
        const ASN1_TYPE *value;
        long arc;
        STACK_OF(ASN1_TYPE) *pair = decode_entry(
            sk_ASN1_TYPE_value(seq, i), &arc, SGX_EXT_OID ".2", &value);

        if (pair == NULL)
            rc = attls_fail(st, ATTLS_E_TDX_PCK_EXTENSION, CHECK,
                            "PCK SGX extension TCB item %d is not an "
                            "{OID, value} SEQUENCE",
                            i);
        else if (arc >= 1 && arc <= TCB_MAX && seen[arc]++)
            rc = attls_fail(st, ATTLS_E_TDX_PCK_EXTENSION, CHECK,
                            "PCK SGX extension TCB entry .2.%ld appears twice",
                            arc);
        else if (arc >= 1 && arc <= TCB_MAX)
            rc = tcb_entry(arc, value, out, st);
        sk_ASN1_TYPE_pop_free(pair, ASN1_TYPE_free);
    }
    sk_ASN1_TYPE_pop_free(seq, ASN1_TYPE_free);
    for (int arc = 1; arc <= TCB_MAX && rc == ATTLS_OK; arc++) {
        if (!seen[arc])
            rc =
                attls_fail(st, ATTLS_E_TDX_PCK_EXTENSION, CHECK,
                           "PCK SGX extension TCB entry .2.%d is missing", arc);
    }
    return rc;
}

static attls_code top_entry(long arc, const ASN1_TYPE *v,
                            attls_pck_sgx_ext *out, attls_status *st)
{
    int64_t n;
    attls_code rc;

    switch (arc) {
    case SGX_PPID:
        return octets(v, out->ppid, sizeof(out->ppid), "PPID (.1)", st);
    case SGX_TCB:
        return parse_tcb(v, out, st);
    case SGX_PCEID:
        return octets(v, out->pceid, sizeof(out->pceid), "PCE-ID (.3)", st);
    case SGX_FMSPC:
        return octets(v, out->fmspc, sizeof(out->fmspc), "FMSPC (.4)", st);
    case SGX_TYPE:
        if ((rc = integer(v, ATTLS_SGX_TYPE_SCALABLE_WITH_INTEGRITY, &n,
                          "SGX Type (.5)", st)) == ATTLS_OK)
            out->sgx_type = (attls_sgx_type)n;
        return rc;
    case SGX_PLATFORM_INSTANCE_ID:
        out->has_platform_instance_id = 1;
        return octets(v, out->platform_instance_id,
                      sizeof(out->platform_instance_id),
                      "PlatformInstanceID (.6)", st);
    default: /* .7 Configuration and future entries: not used here */
        return ATTLS_OK;
    }
}

/* The extension's DER value, which must occur exactly once. */
static attls_code find_extension(X509 *pck, const ASN1_OCTET_STRING **der,
                                 attls_status *st)
{
    ASN1_OBJECT *oid = OBJ_txt2obj(SGX_EXT_OID, 1);
    attls_code rc = ATTLS_OK;
    int idx;

    if (oid == NULL)
        return attls_fail(st, ATTLS_E_INTERNAL, CHECK,
                          "cannot build the SGX extension OID");
    idx = X509_get_ext_by_OBJ(pck, oid, -1);
    if (idx < 0)
        rc = attls_fail(st, ATTLS_E_TDX_PCK_EXTENSION, CHECK,
                        "PCK certificate has no SGX extension (" SGX_EXT_OID
                        ")");
    else if (X509_get_ext_by_OBJ(pck, oid, idx) >= 0)
        rc = attls_fail(st, ATTLS_E_TDX_PCK_EXTENSION, CHECK,
                        "PCK certificate has the SGX extension twice");
    else
        *der = X509_EXTENSION_get_data(X509_get_ext(pck, idx));
    ASN1_OBJECT_free(oid);
    return rc;
}

static attls_code parse_entries(STACK_OF(ASN1_TYPE) *seq,
                                attls_pck_sgx_ext *out, attls_status *st)
{
    int seen[SGX_TOP_MAX + 1] = {0};
    attls_code rc = ATTLS_OK;

    for (int i = 0; i < sk_ASN1_TYPE_num(seq) && rc == ATTLS_OK; i++) {
        const ASN1_TYPE *value;
        long arc;
        STACK_OF(ASN1_TYPE) *pair =
            decode_entry(sk_ASN1_TYPE_value(seq, i), &arc, SGX_EXT_OID, &value);

        if (pair == NULL)
            rc = attls_fail(st, ATTLS_E_TDX_PCK_EXTENSION, CHECK,
                            "PCK SGX extension item %d is not an "
                            "{OID, value} SEQUENCE",
                            i);
        else if (arc >= 1 && arc <= SGX_TOP_MAX && seen[arc]++)
            rc = attls_fail(st, ATTLS_E_TDX_PCK_EXTENSION, CHECK,
                            "PCK SGX extension entry .%ld appears twice", arc);
        else if (arc >= 1 && arc <= SGX_TOP_MAX)
            rc = top_entry(arc, value, out, st);
        sk_ASN1_TYPE_pop_free(pair, ASN1_TYPE_free);
    }
    for (int arc = SGX_PPID; arc <= SGX_TYPE && rc == ATTLS_OK; arc++) {
        if (!seen[arc])
            rc = attls_fail(st, ATTLS_E_TDX_PCK_EXTENSION, CHECK,
                            "PCK SGX extension entry .%d is missing", arc);
    }
    return rc;
}

attls_code attls_pck_sgx_ext_parse(X509 *pck, attls_pck_sgx_ext *out,
                                   attls_status *st)
{
    const ASN1_OCTET_STRING *der = NULL;
    STACK_OF(ASN1_TYPE) *seq = NULL;
    attls_code rc;

    memset(out, 0, sizeof(*out));
    ERR_set_mark();
    rc = find_extension(pck, &der, st);
    if (rc == ATTLS_OK) {
        seq = decode_sequence(der->data, der->length);
        rc = seq != NULL ? parse_entries(seq, out, st)
                         : attls_fail(st, ATTLS_E_TDX_PCK_EXTENSION, CHECK,
                                      "PCK SGX extension is not a DER "
                                      "SEQUENCE");
    }
    sk_ASN1_TYPE_pop_free(seq, ASN1_TYPE_free);
    ERR_pop_to_mark();
    if (rc != ATTLS_OK)
        memset(out, 0, sizeof(*out));
    return rc;
}

/* Subject CN of @p x into @p buf ("" when absent). */
static void common_name(X509 *x, char *buf, int len)
{
    buf[0] = '\0';
    if (X509_NAME_get_text_by_NID(X509_get_subject_name(x), NID_commonName, buf,
                                  len) < 0)
        buf[0] = '\0';
}

static int is_p256(X509 *x)
{
    EVP_PKEY *key = X509_get0_pubkey(x);
    char group[32];

    return key != NULL && EVP_PKEY_is_a(key, "EC") &&
           EVP_PKEY_get_group_name(key, group, sizeof(group), NULL) == 1 &&
           strcmp(group, "prime256v1") == 0;
}

attls_code attls_pck_cert_check(X509 *pck, X509 *ca, attls_status *st)
{
    char cn[128];

    common_name(pck, cn, sizeof(cn));
    if (strstr(cn, "SGX PCK Certificate") == NULL)
        return attls_fail(st, ATTLS_E_TDX_PCK_CERT, "tdx.pck_cert",
                          "leaf certificate CN '%s' is not an Intel SGX PCK "
                          "Certificate",
                          cn);
    if (!is_p256(pck))
        return attls_fail(st, ATTLS_E_TDX_PCK_CERT, "tdx.pck_cert",
                          "PCK certificate key is not EC P-256");
    if (ca == NULL)
        return ATTLS_OK;
    common_name(ca, cn, sizeof(cn));
    if (strcmp(cn, "Intel SGX PCK Platform CA") != 0 &&
        strcmp(cn, "Intel SGX PCK Processor CA") != 0)
        return attls_fail(st, ATTLS_E_TDX_PCK_CERT, "tdx.pck_cert",
                          "PCK issuer CN '%s' is neither the Intel SGX PCK "
                          "Platform CA nor the Processor CA",
                          cn);
    return ATTLS_OK;
}
