/* SPDX-License-Identifier: Apache-2.0 */
/* VCEK/VLEK loading and AMD extension parsing: real and crafted certs. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include "evidence/snp.h"
#include "snp_testutil.h"

#define AMD_OID(suffix) "1.3.6.1.4.1.3704.1." suffix

static attls_code parse_cert(X509 *x, attls_snp_vek *v, attls_status *st)
{
    attls_status_clear(st);
    return attls_snp_vek_parse(x, v, st);
}

static void test_real_milan_vcek(void **state)
{
    X509 *x = tu_load_cert("go-sev-guest/vcek_milan.der");
    attls_snp_vek v;
    attls_status st;
    char hex[129];

    (void)state;
    assert_int_equal(parse_cert(x, &v, &st), ATTLS_OK);
    assert_int_equal(v.type, ATTLS_SNP_VEK_VCEK);
    assert_int_equal(v.product, ATTLS_SNP_PRODUCT_MILAN);
    assert_string_equal(v.product_name, "Milan-B0");
    assert_true(v.has_struct_version);
    assert_int_equal(v.struct_version, 0);
    assert_int_equal(v.tcb.bootloader, 2);
    assert_int_equal(v.tcb.tee, 0);
    assert_int_equal(v.tcb.snp, 5);
    assert_int_equal(v.tcb.microcode, 68);
    assert_false(v.tcb.has_fmc);
    /* Composed in the Milan layout, equal to the report's REPORTED_TCB. */
    assert_int_equal(v.tcb.raw, 0x4405000000000002ULL);
    assert_int_equal(v.hwid_len, 64);
    attls_hex_encode(v.hwid, 8, hex);
    assert_string_equal(hex, "3ac3fe21e13fb099");
    assert_int_equal(v.not_before, tu_at("2022-09-24T00:55:28Z"));
    assert_int_equal(v.not_after, tu_at("2029-09-24T00:55:28Z"));
    X509_free(x);
}

static void test_real_turin_vcek(void **state)
{
    X509 *x = tu_load_cert("virtee-sev/vcek_turin.der");
    attls_snp_vek v;
    attls_status st;

    (void)state;
    assert_int_equal(parse_cert(x, &v, &st), ATTLS_OK);
    assert_int_equal(v.product, ATTLS_SNP_PRODUCT_TURIN);
    assert_string_equal(v.product_name, "Turin");
    assert_int_equal(v.struct_version, 1);
    assert_true(v.tcb.has_fmc);
    assert_int_equal(v.tcb.fmc, 0);
    assert_int_equal(v.tcb.bootloader, 0);
    assert_int_equal(v.tcb.microcode, 9);
    assert_int_equal(v.tcb.raw, 0x0900000000000000ULL);
    assert_int_equal(v.hwid_len, 8);
    assert_memory_equal(v.hwid, tu_chip8, 8);
    X509_free(x);
}

static void test_load_der_and_bundle(void **state)
{
    attls_buf b;
    X509 *vek;
    STACK_OF(X509) *rest;
    attls_status st;

    (void)state;
    tu_read("virtee-sev/vcek_milan.der", &b);
    attls_status_clear(&st);
    assert_int_equal(attls_snp_vek_load(b.data, b.len, &vek, &rest, &st),
                     ATTLS_OK);
    assert_int_equal(sk_X509_num(rest), 0);
    X509_free(vek);
    sk_X509_pop_free(rest, X509_free);
    /* DER with a trailing byte is not one certificate. */
    assert_int_equal(attls_snp_vek_load(b.data, b.len - 1, &vek, &rest, &st),
                     ATTLS_E_CERT_PARSE);
    assert_null(vek);
    assert_null(rest);
    attls_buf_free(&b);
    /* THIM bundle VCEK, ASK, ARK: the ARK is dropped (never trusted). */
    tu_read("azure-cvm-tooling/vcek-ask-ark-milan.pem", &b);
    attls_status_clear(&st);
    assert_int_equal(attls_snp_vek_load(b.data, b.len, &vek, &rest, &st),
                     ATTLS_OK);
    assert_int_equal(sk_X509_num(rest), 1);
    assert_int_equal(X509_check_issued(sk_X509_value(rest, 0), vek), X509_V_OK);
    X509_free(vek);
    sk_X509_pop_free(rest, X509_free);
    attls_buf_free(&b);
}

static void test_load_rejects(void **state)
{
    static const char bad_pem[] = "-----BEGIN CERTIFICATE-----\n"
                                  "MIIB@@@@\n"
                                  "-----END CERTIFICATE-----\n";
    attls_buf one;
    char *many;
    size_t len = 0;
    X509 *vek;
    STACK_OF(X509) *rest;
    attls_status st;

    (void)state;
    attls_status_clear(&st);
    assert_int_equal(
        attls_snp_vek_load((const uint8_t *)"", 0, &vek, &rest, &st),
        ATTLS_E_CERT_PARSE);
    attls_status_clear(&st);
    assert_int_equal(attls_snp_vek_load((const uint8_t *)bad_pem,
                                        sizeof(bad_pem) - 1, &vek, &rest, &st),
                     ATTLS_E_CERT_PARSE);
    attls_status_clear(&st);
    assert_int_equal(
        attls_snp_vek_load((const uint8_t *)"garbage", 7, &vek, &rest, &st),
        ATTLS_E_CERT_PARSE);
    /* At most 8 certificates. */
    tu_read("roots-cloud/amd/ask_ark_milan.pem", &one);
    many = malloc(5 * one.len);
    assert_non_null(many);
    for (int i = 0; i < 5; i++, len += one.len)
        memcpy(many + len, one.data, one.len);
    attls_status_clear(&st);
    assert_int_equal(
        attls_snp_vek_load((const uint8_t *)many, len, &vek, &rest, &st),
        ATTLS_E_CERT_PARSE);
    assert_non_null(strstr(st.message, "more than 8 certificates"));
    free(many);
    /* A root bundle loads, but its first certificate is no VEK. */
    attls_status_clear(&st);
    assert_int_equal(attls_snp_vek_load(one.data, one.len, &vek, &rest, &st),
                     ATTLS_OK);
    assert_int_equal(sk_X509_num(rest), 0); /* the ARK */
    attls_snp_vek v;
    assert_int_equal(parse_cert(vek, &v, &st), ATTLS_E_SNP_VEK);
    assert_non_null(strstr(st.message, "SEV-VCEK"));
    X509_free(vek);
    sk_X509_pop_free(rest, X509_free);
    attls_buf_free(&one);
}

/* A self-signed certificate with the given extensions (no chain here). */
static attls_code parse_crafted(const char *cn, EVP_PKEY *key,
                                const tu_vek_exts *e, attls_snp_vek *v,
                                attls_status *st)
{
    X509 *x = tu_make_cert(cn, key, e, NULL, NULL, 0);
    attls_code rc = parse_cert(x, v, st);

    X509_free(x);
    return rc;
}

static void test_crafted_extensions(void **state)
{
    EVP_PKEY *key = tu_p384_key();
    tu_vek_exts e;
    attls_snp_vek v;
    attls_status st;
    static const uint8_t spl_222[] = {0x02, 0x02, 0x00, 0xDE};
    static const uint8_t spl_256[] = {0x02, 0x02, 0x01, 0x00};
    static const uint8_t spl_neg[] = {0x02, 0x01, 0xFF};
    static const uint8_t spl_trailing[] = {0x02, 0x01, 0x05, 0x00};
    static const uint8_t spl_octets[] = {0x04, 0x01, 0x05};
    static const uint8_t name_utf8[] = {0x0C, 0x05, 'M', 'i', 'l', 'a', 'n'};
    static const uint8_t name_ctrl[] = {0x16, 0x05, 'M', 'i', 'l', 0x01, 'n'};
    uint8_t wrapped[66] = {0x04, 0x40};

    (void)state;
    tu_vek_exts_build(&e, &tu_spec_milan);
    assert_int_equal(parse_crafted("SEV-VCEK", key, &e, &v, &st), ATTLS_OK);
    assert_int_equal(v.tcb.raw, 0x7308000000000003ULL);
    /* ucode >= 128 takes two content bytes. */
    tu_vek_exts_set(&e, AMD_OID("3.8"), spl_222, sizeof(spl_222));
    assert_int_equal(parse_crafted("SEV-VCEK", key, &e, &v, &st), ATTLS_OK);
    assert_int_equal(v.tcb.microcode, 222);
    tu_vek_exts_set(&e, AMD_OID("3.8"), spl_256, sizeof(spl_256));
    assert_int_equal(parse_crafted("SEV-VCEK", key, &e, &v, &st),
                     ATTLS_E_SNP_VEK);
    assert_non_null(strstr(st.message, "256"));
    tu_vek_exts_set(&e, AMD_OID("3.8"), spl_neg, sizeof(spl_neg));
    assert_int_equal(parse_crafted("SEV-VCEK", key, &e, &v, &st),
                     ATTLS_E_SNP_VEK);
    tu_vek_exts_set(&e, AMD_OID("3.8"), spl_trailing, sizeof(spl_trailing));
    assert_int_equal(parse_crafted("SEV-VCEK", key, &e, &v, &st),
                     ATTLS_E_SNP_VEK);
    tu_vek_exts_set(&e, AMD_OID("3.8"), spl_octets, sizeof(spl_octets));
    assert_int_equal(parse_crafted("SEV-VCEK", key, &e, &v, &st),
                     ATTLS_E_SNP_VEK);
    assert_non_null(strstr(st.message, "ucodeSPL"));
    /* Every required SPL. */
    static const char *const required[] = {AMD_OID("2"),   AMD_OID("3.1"),
                                           AMD_OID("3.2"), AMD_OID("3.3"),
                                           AMD_OID("3.8"), AMD_OID("4")};
    for (size_t i = 0; i < sizeof(required) / sizeof(required[0]); i++) {
        tu_vek_exts_build(&e, &tu_spec_milan);
        tu_vek_exts_remove(&e, required[i]);
        assert_int_equal(parse_crafted("SEV-VCEK", key, &e, &v, &st),
                         ATTLS_E_SNP_VEK);
        assert_non_null(strstr(st.message, "missing"));
    }
    /* structVersion is optional; reserved SPLs are ignored. */
    tu_vek_exts_build(&e, &tu_spec_milan);
    tu_vek_exts_remove(&e, AMD_OID("1"));
    tu_vek_exts_remove(&e, AMD_OID("3.4"));
    assert_int_equal(parse_crafted("SEV-VCEK", key, &e, &v, &st), ATTLS_OK);
    assert_false(v.has_struct_version);
    /* productName: a printable IA5String naming a known product. */
    tu_vek_exts_set(&e, AMD_OID("2"), name_utf8, sizeof(name_utf8));
    assert_int_equal(parse_crafted("SEV-VCEK", key, &e, &v, &st),
                     ATTLS_E_SNP_VEK);
    tu_vek_exts_set(&e, AMD_OID("2"), name_ctrl, sizeof(name_ctrl));
    assert_int_equal(parse_crafted("SEV-VCEK", key, &e, &v, &st),
                     ATTLS_E_SNP_VEK);
    tu_vek_exts_build(&e, &(tu_vek_spec){.type = ATTLS_SNP_VEK_VCEK,
                                         .product_name = "Siena",
                                         .hwid = tu_chip64,
                                         .hwid_len = 64});
    assert_int_equal(parse_crafted("SEV-VCEK", key, &e, &v, &st),
                     ATTLS_E_SNP_PRODUCT);
    assert_non_null(strstr(st.message, "Siena"));
    /* hwID: raw, or wrapped in an OCTET STRING; nothing else. */
    memcpy(wrapped + 2, tu_chip64, 64);
    tu_vek_exts_build(&e, &tu_spec_milan);
    tu_vek_exts_set(&e, AMD_OID("4"), wrapped, sizeof(wrapped));
    assert_int_equal(parse_crafted("SEV-VCEK", key, &e, &v, &st), ATTLS_OK);
    assert_memory_equal(v.hwid, tu_chip64, 64);
    wrapped[0] = 0x03;
    tu_vek_exts_set(&e, AMD_OID("4"), wrapped, sizeof(wrapped));
    assert_int_equal(parse_crafted("SEV-VCEK", key, &e, &v, &st),
                     ATTLS_E_SNP_VEK);
    tu_vek_exts_set(&e, AMD_OID("4"), tu_chip64, 63);
    assert_int_equal(parse_crafted("SEV-VCEK", key, &e, &v, &st),
                     ATTLS_E_SNP_VEK);
    /* A Milan VCEK with a Turin-sized hwID. */
    tu_vek_exts_set(&e, AMD_OID("4"), tu_chip8, 8);
    assert_int_equal(parse_crafted("SEV-VCEK", key, &e, &v, &st),
                     ATTLS_E_SNP_VEK);
    assert_non_null(strstr(st.message, "64-byte"));
    EVP_PKEY_free(key);
}

static void test_crafted_turin_and_vlek(void **state)
{
    EVP_PKEY *key = tu_p384_key();
    tu_vek_exts e;
    attls_snp_vek v;
    attls_status st;

    (void)state;
    tu_vek_exts_build(&e, &tu_spec_turin);
    assert_int_equal(parse_crafted("SEV-VCEK", key, &e, &v, &st), ATTLS_OK);
    assert_int_equal(v.tcb.raw, TU_TCB_TURIN);
    tu_vek_exts_remove(&e, AMD_OID("3.9"));
    assert_int_equal(parse_crafted("SEV-VCEK", key, &e, &v, &st),
                     ATTLS_E_SNP_VEK);
    assert_non_null(strstr(st.message, "fmcSPL"));
    /* A Turin VCEK with a 64-byte hwID. */
    tu_vek_exts_build(&e, &tu_spec_turin);
    tu_vek_exts_set(&e, AMD_OID("4"), tu_chip64, 64);
    assert_int_equal(parse_crafted("SEV-VCEK", key, &e, &v, &st),
                     ATTLS_E_SNP_VEK);
    /* VLEK: CSP_ID instead of hwID. */
    tu_vek_exts_build(&e, &tu_spec_genoa_vlek);
    assert_int_equal(parse_crafted("SEV-VLEK", key, &e, &v, &st), ATTLS_OK);
    assert_int_equal(v.type, ATTLS_SNP_VEK_VLEK);
    assert_int_equal(v.product, ATTLS_SNP_PRODUCT_GENOA);
    assert_string_equal(v.csp_id, "CN=example-csp");
    assert_int_equal(v.hwid_len, 0);
    assert_int_equal(v.tcb.raw, TU_TCB_GENOA);
    tu_vek_exts_remove(&e, AMD_OID("5"));
    assert_int_equal(parse_crafted("SEV-VLEK", key, &e, &v, &st),
                     ATTLS_E_SNP_VEK);
    assert_non_null(strstr(st.message, "CSP_ID"));
    /* The subject names the key kind. */
    tu_vek_exts_build(&e, &tu_spec_milan);
    assert_int_equal(parse_crafted("SEV-VCEKX", key, &e, &v, &st),
                     ATTLS_E_SNP_VEK);
    assert_int_equal(parse_crafted("SEV-Milan", key, &e, &v, &st),
                     ATTLS_E_SNP_VEK);
    EVP_PKEY_free(key);
}

static void test_duplicate_extension(void **state)
{
    EVP_PKEY *key = tu_p384_key();
    tu_vek_exts e;
    attls_snp_vek v;
    attls_status st;
    static const uint8_t spl9[] = {0x02, 0x01, 0x09};

    (void)state;
    tu_vek_exts_build(&e, &tu_spec_milan);
    /* Append a second ucodeSPL with another value. */
    e.ext[e.n] = e.ext[0];
    e.ext[e.n].oid = AMD_OID("3.8");
    memcpy(e.ext[e.n].der, spl9, sizeof(spl9));
    e.ext[e.n].len = sizeof(spl9);
    e.n++;
    assert_int_equal(parse_crafted("SEV-VCEK", key, &e, &v, &st),
                     ATTLS_E_SNP_VEK);
    assert_non_null(strstr(st.message, "more than once"));
    EVP_PKEY_free(key);
}

static void test_key_type(void **state)
{
    EVP_PKEY *p256 = EVP_EC_gen("P-256");
    EVP_PKEY *ed = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
    tu_vek_exts e;
    attls_snp_vek v;
    attls_status st;
    X509 *x;

    (void)state;
    assert_non_null(p256);
    assert_non_null(ed);
    tu_vek_exts_build(&e, &tu_spec_milan);
    assert_int_equal(parse_crafted("SEV-VCEK", p256, &e, &v, &st),
                     ATTLS_E_CERT_KEY);
    x = X509_new();
    assert_int_equal(X509_set_pubkey(x, ed), 1);
    assert_int_equal(parse_cert(x, &v, &st), ATTLS_E_SNP_VEK); /* no CN */
    X509_free(x);
    assert_int_equal(attls_snp_key_is_p384(ed), 0);
    assert_int_equal(attls_snp_key_is_p384(NULL), 0);
    attls_status_clear(&st);
    assert_int_equal(attls_snp_vek_parse(NULL, &v, &st), ATTLS_E_ARGUMENT);
    EVP_PKEY_free(p256);
    EVP_PKEY_free(ed);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_real_milan_vcek),
        cmocka_unit_test(test_real_turin_vcek),
        cmocka_unit_test(test_load_der_and_bundle),
        cmocka_unit_test(test_load_rejects),
        cmocka_unit_test(test_crafted_extensions),
        cmocka_unit_test(test_crafted_turin_and_vlek),
        cmocka_unit_test(test_duplicate_extension),
        cmocka_unit_test(test_key_type),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
