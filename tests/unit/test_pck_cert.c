/* SPDX-License-Identifier: Apache-2.0 */
/* PCK certificates: SGX extension parsing and the name/key checks. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>
#include <openssl/asn1.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/x509v3.h>

#include "evidence/pck_cert.h"
#include "tdx_test_util.h"

#define SGX "1.2.840.113741.1.13.1"

/* ---- real PCK certificates ------------------------------------------- */

static X509 *quote_pck(const char *file, X509 **ca)
{
    attls_buf b = td_read(file);
    attls_tdx_quote q;
    attls_tdx_pck pck;
    attls_status st;
    X509 *leaf;

    td_parse(&b, &q);
    attls_status_clear(&st);
    assert_int_equal(attls_tdx_pck_load(&q, NULL, 0, &pck, &st), ATTLS_OK);
    leaf = X509_dup(pck.leaf);
    if (ca != NULL)
        *ca = X509_dup(sk_X509_value(pck.certs, 1));
    attls_tdx_pck_free(&pck);
    attls_buf_free(&b);
    return leaf;
}

static void test_spr_pck_extension(void **state)
{
    static const uint8_t comps[16] = {3, 3, 2, 2, 2, 1, 0, 2};
    X509 *ca, *pck = quote_pck("go-tdx-guest/tdx_prod_quote_SPR_E4.dat", &ca);
    attls_pck_sgx_ext ext;
    attls_status st;
    uint8_t ppid[16];

    (void)state;
    attls_status_clear(&st);
    assert_int_equal(attls_pck_sgx_ext_parse(pck, &ext, &st), ATTLS_OK);
    assert_memory_equal(ext.fmspc, "\x50\x80\x6f\x00\x00\x00", 6);
    assert_memory_equal(ext.pceid, "\x00\x00", 2);
    assert_int_equal(ext.pcesvn, 11);
    assert_memory_equal(ext.tcb_comp_svn, comps, 16);
    assert_memory_equal(ext.cpusvn, comps, 16);
    assert_int_equal(
        attls_hex_decode("089ddfdb9c0359c82a3bc7719239574e", 32, ppid, 16), 0);
    assert_memory_equal(ext.ppid, ppid, 16);
    assert_int_equal(ext.sgx_type, ATTLS_SGX_TYPE_SCALABLE);
    assert_true(ext.has_platform_instance_id);
    assert_int_equal(attls_pck_cert_check(pck, ca, &st), ATTLS_OK);
    /* The CA is not a PCK certificate, and a PCK is not a PCK CA. */
    assert_int_equal(attls_pck_cert_check(ca, NULL, &st), ATTLS_E_TDX_PCK_CERT);
    td_assert_status(&st, ATTLS_E_TDX_PCK_CERT, "PCK Platform CA' is not");
    attls_status_clear(&st);
    assert_int_equal(attls_pck_cert_check(pck, pck, &st), ATTLS_E_TDX_PCK_CERT);
    td_assert_status(&st, ATTLS_E_TDX_PCK_CERT, "neither");
    /* The CA has no SGX extension. */
    attls_status_clear(&st);
    assert_int_equal(attls_pck_sgx_ext_parse(ca, &ext, &st),
                     ATTLS_E_TDX_PCK_EXTENSION);
    td_assert_status(&st, ATTLS_E_TDX_PCK_EXTENSION, "no SGX extension");
    X509_free(ca);
    X509_free(pck);
}

static void test_other_pck_fmspcs(void **state)
{
    static const struct {
        const char *file, *fmspc;
        uint16_t pcesvn;
    } pcks[] = {
        {"dcap-qvl/tdx_quote.dat", "b0c06f000000", 11},
        {"go-tdx-guest/quote_v5_sample.dat", "90c06f000000", 13},
        {"go-tdx-guest-ccel/cos-113-tdx-quote.dat", "00806f050000", 0},
    };

    (void)state;
    for (size_t i = 0; i < sizeof(pcks) / sizeof(pcks[0]); i++) {
        X509 *pck = quote_pck(pcks[i].file, NULL);
        attls_pck_sgx_ext ext;
        attls_status st;
        uint8_t fmspc[6];

        attls_status_clear(&st);
        assert_int_equal(attls_pck_sgx_ext_parse(pck, &ext, &st), ATTLS_OK);
        assert_int_equal(attls_hex_decode(pcks[i].fmspc, 12, fmspc, 6), 0);
        assert_memory_equal(ext.fmspc, fmspc, 6);
        if (pcks[i].pcesvn != 0)
            assert_int_equal(ext.pcesvn, pcks[i].pcesvn);
        X509_free(pck);
    }
}

/* ---- synthetic certificates ------------------------------------------- */

typedef struct der {
    uint8_t b[4096];
    size_t len;
} der;

static void put(der *d, const uint8_t *p, size_t n)
{
    assert_true(d->len + n <= sizeof(d->b));
    memcpy(d->b + d->len, p, n);
    d->len += n;
}

static void tlv(der *d, uint8_t tag, const uint8_t *v, size_t n)
{
    uint8_t hdr[4] = {tag};
    size_t h = 2;

    if (n < 128) {
        hdr[1] = (uint8_t)n;
    } else {
        hdr[1] = 0x82;
        hdr[2] = (uint8_t)(n >> 8);
        hdr[3] = (uint8_t)n;
        h = 4;
    }
    put(d, hdr, h);
    put(d, v, n);
}

static void oid(der *d, const char *txt)
{
    ASN1_OBJECT *o = OBJ_txt2obj(txt, 1);
    unsigned char *p = NULL;
    int n = i2d_ASN1_OBJECT(o, &p);

    assert_true(n > 0);
    put(d, p, (size_t)n);
    OPENSSL_free(p);
    ASN1_OBJECT_free(o);
}

static void integer(der *d, long v, uint8_t tag)
{
    ASN1_INTEGER *a = ASN1_INTEGER_new();
    unsigned char *p = NULL;
    int n;

    assert_int_equal(ASN1_INTEGER_set(a, v), 1);
    n = i2d_ASN1_INTEGER(a, &p);
    assert_true(n > 0);
    p[0] = tag; /* INTEGER and ENUMERATED share the content encoding */
    put(d, p, (size_t)n);
    OPENSSL_free(p);
    ASN1_INTEGER_free(a);
}

static void octets(der *d, size_t n)
{
    uint8_t v[32];

    for (size_t i = 0; i < n; i++)
        v[i] = (uint8_t)(0xa0 + i);
    tlv(d, V_ASN1_OCTET_STRING, v, n);
}

/* What to build, and how to break it. */
typedef struct spec {
    long comp[16], pcesvn, sgx_type;
    size_t ppid_len, pceid_len, fmspc_len, cpusvn_len;
    int omit_top, dup_top, omit_tcb, dup_tcb; /* arc numbers, 0 = none */
    int tcb_not_sequence, extra_entries, pair_of_three;
} spec;

static spec good(void)
{
    spec s = {.comp = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 255},
              .pcesvn = 65535,
              .sgx_type = 1,
              .ppid_len = 16,
              .pceid_len = 2,
              .fmspc_len = 6,
              .cpusvn_len = 16};
    return s;
}

static void pair(der *seq, const char *arc, const der *value)
{
    der e = {.len = 0};

    oid(&e, arc);
    put(&e, value->b, value->len);
    tlv(seq, V_ASN1_SEQUENCE | V_ASN1_CONSTRUCTED, e.b, e.len);
}

static void tcb_entry(der *seq, const spec *s, int arc)
{
    der v = {.len = 0};
    char name[64];

    snprintf(name, sizeof(name), SGX ".2.%d", arc);
    if (arc <= 16)
        integer(&v, s->comp[arc - 1], V_ASN1_INTEGER);
    else if (arc == 17)
        integer(&v, s->pcesvn, V_ASN1_INTEGER);
    else if (arc == 18)
        octets(&v, s->cpusvn_len);
    else
        integer(&v, 7, V_ASN1_INTEGER);
    pair(seq, name, &v);
}

static void tcb_value(der *v, const spec *s)
{
    der seq = {.len = 0};

    if (s->tcb_not_sequence) {
        integer(v, 1, V_ASN1_INTEGER);
        return;
    }
    for (int arc = 1; arc <= 18 + s->extra_entries; arc++) {
        if (arc != s->omit_tcb)
            tcb_entry(&seq, s, arc);
        if (arc == s->dup_tcb)
            tcb_entry(&seq, s, arc);
    }
    tlv(v, V_ASN1_SEQUENCE | V_ASN1_CONSTRUCTED, seq.b, seq.len);
}

static void top_entry(der *seq, const spec *s, int arc)
{
    der v = {.len = 0};
    char name[64];

    snprintf(name, sizeof(name), SGX ".%d", arc);
    switch (arc) {
    case 1:
        octets(&v, s->ppid_len);
        break;
    case 2:
        tcb_value(&v, s);
        break;
    case 3:
        octets(&v, s->pceid_len);
        break;
    case 4:
        octets(&v, s->fmspc_len);
        break;
    case 5:
        integer(&v, s->sgx_type, V_ASN1_ENUMERATED);
        break;
    case 6:
        octets(&v, 16);
        break;
    default: /* .7 Configuration and unknown arcs: any value */
        tlv(&v, V_ASN1_BOOLEAN, (const uint8_t *)"\xff", 1);
    }
    if (s->pair_of_three && arc == 4) {
        der e = {.len = 0};

        oid(&e, name);
        put(&e, v.b, v.len);
        put(&e, v.b, v.len);
        tlv(seq, V_ASN1_SEQUENCE | V_ASN1_CONSTRUCTED, e.b, e.len);
        return;
    }
    pair(seq, name, &v);
}

static void extension_der(der *out, const spec *s)
{
    der seq = {.len = 0};

    for (int arc = 1; arc <= 7 + s->extra_entries; arc++) {
        if (arc != s->omit_top)
            top_entry(&seq, s, arc);
        if (arc == s->dup_top)
            top_entry(&seq, s, arc);
    }
    tlv(out, V_ASN1_SEQUENCE | V_ASN1_CONSTRUCTED, seq.b, seq.len);
}

/* A self-signed certificate named @p cn with SGX extension(s) @p ext. */
static X509 *make_cert(const char *cn, const char *group, const der *ext,
                       int copies)
{
    EVP_PKEY *key = EVP_PKEY_Q_keygen(NULL, NULL, "EC", group);
    X509 *x = X509_new();
    X509_NAME *name = X509_NAME_new();
    ASN1_OBJECT *o = OBJ_txt2obj(SGX, 1);
    ASN1_OCTET_STRING *data = ASN1_OCTET_STRING_new();

    assert_non_null(key);
    assert_int_equal(X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                                                (const unsigned char *)cn, -1,
                                                -1, 0),
                     1);
    X509_set_version(x, X509_VERSION_3);
    ASN1_INTEGER_set(X509_get_serialNumber(x), 1);
    X509_set_subject_name(x, name);
    X509_set_issuer_name(x, name);
    X509_gmtime_adj(X509_getm_notBefore(x), 0);
    X509_gmtime_adj(X509_getm_notAfter(x), 3600);
    X509_set_pubkey(x, key);
    for (int i = 0; ext != NULL && i < copies; i++) {
        X509_EXTENSION *e;

        assert_int_equal(ASN1_OCTET_STRING_set(data, ext->b, (int)ext->len), 1);
        e = X509_EXTENSION_create_by_OBJ(NULL, o, 0, data);
        assert_non_null(e);
        assert_int_equal(X509_add_ext(x, e, -1), 1);
        X509_EXTENSION_free(e);
    }
    assert_true(X509_sign(x, key, EVP_sha256()) > 0);
    ASN1_OCTET_STRING_free(data);
    ASN1_OBJECT_free(o);
    X509_NAME_free(name);
    EVP_PKEY_free(key);
    return x;
}

static attls_code parse_spec(const spec *s, attls_pck_sgx_ext *ext,
                             attls_status *st)
{
    der d = {.len = 0};
    X509 *x;
    attls_code rc;

    extension_der(&d, s);
    x = make_cert("Intel SGX PCK Certificate", "P-256", &d, 1);
    attls_status_clear(st);
    rc = attls_pck_sgx_ext_parse(x, ext, st);
    X509_free(x);
    return rc;
}

static void test_synthetic_valid(void **state)
{
    spec s = good();
    attls_pck_sgx_ext ext;
    attls_status st;

    (void)state;
    assert_int_equal(parse_spec(&s, &ext, &st), ATTLS_OK);
    for (int i = 0; i < 16; i++)
        assert_int_equal(ext.tcb_comp_svn[i], s.comp[i]);
    assert_int_equal(ext.pcesvn, 65535);
    assert_int_equal(ext.sgx_type, 1);
    assert_memory_equal(ext.fmspc, "\xa0\xa1\xa2\xa3\xa4\xa5", 6);
    assert_true(ext.has_platform_instance_id);
    /* Unknown entries (.8, .2.19) are ignored; .6 is optional. */
    s.extra_entries = 1;
    s.omit_top = 6;
    assert_int_equal(parse_spec(&s, &ext, &st), ATTLS_OK);
    assert_false(ext.has_platform_instance_id);
}

static void expect_spec(const spec *s, const char *text)
{
    attls_pck_sgx_ext ext;
    attls_status st;

    assert_int_equal(parse_spec(s, &ext, &st), ATTLS_E_TDX_PCK_EXTENSION);
    td_assert_status(&st, ATTLS_E_TDX_PCK_EXTENSION, text);
    assert_string_equal(st.check, "tdx.pck_extension");
}

static void test_synthetic_malformed(void **state)
{
    spec s;

    (void)state;
    for (int arc = 1; arc <= 5; arc++) {
        char text[48];

        s = good();
        s.omit_top = arc;
        snprintf(text, sizeof(text), "entry .%d is missing", arc);
        expect_spec(&s, text);
        s = good();
        s.dup_top = arc;
        snprintf(text, sizeof(text), "entry .%d appears twice", arc);
        expect_spec(&s, text);
    }
    for (int arc = 1; arc <= 18; arc++) {
        char text[48];

        s = good();
        s.omit_tcb = arc;
        snprintf(text, sizeof(text), "TCB entry .2.%d is missing", arc);
        expect_spec(&s, text);
        s = good();
        s.dup_tcb = arc;
        snprintf(text, sizeof(text), "TCB entry .2.%d appears twice", arc);
        expect_spec(&s, text);
    }
    s = good();
    s.comp[7] = 256;
    expect_spec(&s, "TCB entry .2.8: value out of range 0..255");
    s = good();
    s.comp[0] = -1;
    expect_spec(&s, "TCB entry .2.1: value out of range");
    s = good();
    s.pcesvn = 65536;
    expect_spec(&s, "TCB entry .2.17: value out of range 0..65535");
    s = good();
    s.sgx_type = 3;
    expect_spec(&s, "SGX Type (.5): value out of range 0..2");
    s = good();
    s.fmspc_len = 5;
    expect_spec(&s, "FMSPC (.4): expected an OCTET STRING of 6 bytes");
    s = good();
    s.pceid_len = 3;
    expect_spec(&s, "PCE-ID (.3)");
    s = good();
    s.ppid_len = 0;
    expect_spec(&s, "PPID (.1)");
    s = good();
    s.cpusvn_len = 15;
    expect_spec(&s, "TCB entry .2.18");
    s = good();
    s.tcb_not_sequence = 1;
    expect_spec(&s, "TCB (.2) is not a DER SEQUENCE");
    s = good();
    s.pair_of_three = 1;
    expect_spec(&s, "is not an {OID, value} SEQUENCE");
}

static void test_extension_container(void **state)
{
    der d = {.len = 0}, bad = {.len = 0};
    spec s = good();
    attls_pck_sgx_ext ext;
    attls_status st;
    X509 *x;

    (void)state;
    extension_der(&d, &s);
    x = make_cert("Intel SGX PCK Certificate", "P-256", &d, 2);
    attls_status_clear(&st);
    assert_int_equal(attls_pck_sgx_ext_parse(x, &ext, &st),
                     ATTLS_E_TDX_PCK_EXTENSION);
    td_assert_status(&st, ATTLS_E_TDX_PCK_EXTENSION, "twice");
    X509_free(x);
    /* A DER SEQUENCE followed by a stray byte. */
    put(&bad, d.b, d.len);
    put(&bad, (const uint8_t *)"\x00", 1);
    x = make_cert("Intel SGX PCK Certificate", "P-256", &bad, 1);
    attls_status_clear(&st);
    assert_int_equal(attls_pck_sgx_ext_parse(x, &ext, &st),
                     ATTLS_E_TDX_PCK_EXTENSION);
    td_assert_status(&st, ATTLS_E_TDX_PCK_EXTENSION, "not a DER SEQUENCE");
    /* Failure leaves no half-filled output. */
    assert_int_equal(ext.pcesvn, 0);
    X509_free(x);
}

static void test_cert_names_and_keys(void **state)
{
    X509 *ok = make_cert("Intel SGX PCK Certificate", "P-256", NULL, 0);
    X509 *p384 = make_cert("Intel SGX PCK Certificate", "P-384", NULL, 0);
    X509 *other = make_cert("Intel SGX TCB Signing", "P-256", NULL, 0);
    X509 *platform = make_cert("Intel SGX PCK Platform CA", "P-256", NULL, 0);
    X509 *processor = make_cert("Intel SGX PCK Processor CA", "P-256", NULL, 0);
    attls_status st;

    (void)state;
    attls_status_clear(&st);
    assert_int_equal(attls_pck_cert_check(ok, platform, &st), ATTLS_OK);
    assert_int_equal(attls_pck_cert_check(ok, processor, &st), ATTLS_OK);
    assert_int_equal(attls_pck_cert_check(p384, NULL, &st),
                     ATTLS_E_TDX_PCK_CERT);
    td_assert_status(&st, ATTLS_E_TDX_PCK_CERT, "not EC P-256");
    attls_status_clear(&st);
    assert_int_equal(attls_pck_cert_check(other, NULL, &st),
                     ATTLS_E_TDX_PCK_CERT);
    td_assert_status(&st, ATTLS_E_TDX_PCK_CERT, "'Intel SGX TCB Signing'");
    attls_status_clear(&st);
    assert_int_equal(attls_pck_cert_check(ok, other, &st),
                     ATTLS_E_TDX_PCK_CERT);
    X509_free(ok);
    X509_free(p384);
    X509_free(other);
    X509_free(platform);
    X509_free(processor);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_spr_pck_extension),
        cmocka_unit_test(test_other_pck_fmspcs),
        cmocka_unit_test(test_synthetic_valid),
        cmocka_unit_test(test_synthetic_malformed),
        cmocka_unit_test(test_extension_container),
        cmocka_unit_test(test_cert_names_and_keys),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
