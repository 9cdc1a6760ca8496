/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Mutation tests of the SEV-SNP verifier on real reports and VCEKs: every
 * byte of the report (signed region and signature) and of the VCEK flipped,
 * every truncation. Each mutation must fail with the code the byte's role
 * predicts, never pass, never crash (ASan/UBSan, valgrind). Under valgrind
 * (ATTLS_UNDER_VALGRIND) the loops take a stride to stay fast.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "evidence/snp.h"
#include "snp_testutil.h"

typedef struct vector {
    const char *report;
    const char *vcek;
} vector;

static const vector vectors[] = {
    {"virtee-sev/report_milan.bin", "virtee-sev/vcek_milan.der"},
    {"go-sev-guest/attestation.bin", "go-sev-guest/vcek_milan.der"},
};

static const uint8_t flips[] = {0x01, 0x80, 0xFF};

typedef struct allowed {
    attls_code codes[4];
    size_t n;
} allowed;

static int in_range(unsigned off, unsigned start, unsigned end)
{
    return off >= start && off < end;
}

/* The codes a flip at @p off of a version 2 report may produce. */
static allowed expected_for(unsigned off)
{
    static const struct {
        uint16_t start, end;
        allowed codes;
    } roles[] = {
        /* 2 -> 0/6/0x82: bad version; 1: v1 reserved tail; 3-5: no CPUID. */
        {0x000,
         0x004,
         {{ATTLS_E_SNP_VERSION, ATTLS_E_SNP_PRODUCT, ATTLS_E_SNP_RESERVED}, 3}},
        /* bit 17 or bits 63:26: reserved; other bits: signature. */
        {0x008, 0x010, {{ATTLS_E_SNP_RESERVED, ATTLS_E_SNP_SIGNATURE}, 2}},
        {0x030, 0x034, {{ATTLS_E_SNP_PARSE, ATTLS_E_SNP_SIGNATURE}, 2}},
        {0x034, 0x038, {{ATTLS_E_SNP_SIG_ALGO}, 1}},
        {0x048,
         0x04C,
         {{ATTLS_E_SNP_RESERVED, ATTLS_E_SNP_PARSE, ATTLS_E_SNP_SIGNER,
           ATTLS_E_SNP_SIGNATURE},
          4}},
        {0x04C, 0x050, {{ATTLS_E_SNP_RESERVED}, 1}},
        {0x188, 0x1A0, {{ATTLS_E_SNP_RESERVED}, 1}},
        {0x1EB, 0x1EC, {{ATTLS_E_SNP_RESERVED}, 1}},
        {0x1EF, 0x1F0, {{ATTLS_E_SNP_RESERVED}, 1}},
        {0x1F8, 0x2A0, {{ATTLS_E_SNP_RESERVED}, 1}},
        {0x2A0, 0x2D0, {{ATTLS_E_SNP_SIGNATURE}, 1}},
        {0x2D0, 0x2E8, {{ATTLS_E_SNP_RESERVED}, 1}},
        {0x2E8, 0x318, {{ATTLS_E_SNP_SIGNATURE}, 1}},
        {0x318, 0x4A0, {{ATTLS_E_SNP_RESERVED}, 1}},
    };
    allowed sig = {{ATTLS_E_SNP_SIGNATURE}, 1};

    for (size_t i = 0; i < sizeof(roles) / sizeof(roles[0]); i++) {
        if (in_range(off, roles[i].start, roles[i].end))
            return roles[i].codes;
    }
    /* Every other byte is signed data without a format rule. */
    return sig;
}

static int is_allowed(const allowed *a, attls_code rc)
{
    for (size_t i = 0; i < a->n; i++) {
        if (a->codes[i] == rc)
            return 1;
    }
    return 0;
}

/* Parse and verify against an already-trusted VEK (no chain: its result
 * does not depend on the report). */
static attls_code verify_bytes(const uint8_t *raw, size_t len, X509 *cert,
                               const attls_snp_vek *vek, attls_status *st)
{
    attls_snp_report r;
    attls_code rc;

    attls_status_clear(st);
    rc = attls_snp_report_parse(raw, len, &r, st);
    if (rc == ATTLS_OK)
        rc = attls_snp_verify_with_vek(&r, cert, vek, st);
    return rc;
}

static void test_report_byte_flips(void **state)
{
    size_t stride = tu_stride(), checked = 0;

    (void)state;
    for (size_t v = 0; v < sizeof(vectors) / sizeof(vectors[0]); v++) {
        attls_buf b;
        X509 *cert = tu_load_cert(vectors[v].vcek);
        attls_snp_vek vek;
        attls_status st;
        uint8_t raw[ATTLS_SNP_REPORT_SIZE];

        tu_read(vectors[v].report, &b);
        memcpy(raw, b.data, sizeof(raw));
        attls_buf_free(&b);
        attls_status_clear(&st);
        assert_int_equal(attls_snp_vek_parse(cert, &vek, &st), ATTLS_OK);
        assert_int_equal(verify_bytes(raw, sizeof(raw), cert, &vek, &st),
                         ATTLS_OK);
        /* Under a stride, each vector samples other offsets. */
        for (unsigned off = stride > 1 ? (unsigned)v : 0; off < sizeof(raw);
             off += (unsigned)stride) {
            allowed want = expected_for(off);

            /* Under a stride, one flip per offset, rotating. */
            for (size_t f = stride > 1 ? off % sizeof(flips) : 0;
                 f<sizeof(flips); f += stride> 1 ? sizeof(flips) : 1) {
                attls_code rc;

                raw[off] ^= flips[f];
                rc = verify_bytes(raw, sizeof(raw), cert, &vek, &st);
                raw[off] ^= flips[f];
                if (!is_allowed(&want, rc))
                    fail_msg("%s: byte 0x%03x ^ 0x%02x gave %s (%s: %s)",
                             vectors[v].report, off, flips[f],
                             attls_status_code_name(rc), st.check, st.message);
                assert_true(st.message[0] != '\0');
                checked++;
            }
        }
        X509_free(cert);
    }
    print_message("%zu report mutations rejected\n", checked);
}

static void test_report_truncation(void **state)
{
    attls_buf b;
    attls_status st;
    attls_snp_report r;

    (void)state;
    tu_read("virtee-sev/report_milan.bin", &b);
    for (size_t len = 0; len < b.len; len++) {
        attls_status_clear(&st);
        assert_int_equal(attls_snp_report_parse(b.data, len, &r, &st),
                         ATTLS_E_SNP_SIZE);
    }
    attls_buf_free(&b);
}

/* A flipped VCEK: whatever breaks, it is reported, never accepted. */
static void test_vcek_byte_flips(void **state)
{
    /* Each run verifies a full chain: under valgrind sample more sparsely. */
    size_t stride = tu_stride() > 1 ? 3 * tu_stride() : 1, checked = 0;
    const uint8_t vcek_flips[] = {0x01, 0xFF};
    attls_snp_verify_params p = {.at = tu_at(TU_AT)};
    attls_snp_report base;
    attls_buf b, der;
    attls_status st;

    (void)state;
    tu_read("virtee-sev/report_milan.bin", &b);
    attls_status_clear(&st);
    assert_int_equal(attls_snp_report_parse(b.data, b.len, &base, &st),
                     ATTLS_OK);
    attls_buf_free(&b);
    tu_read("virtee-sev/vcek_milan.der", &der);
    for (size_t off = 0; off < der.len; off += stride) {
        for (size_t f = stride > 1 ? off % sizeof(vcek_flips) : 0;
             f<sizeof(vcek_flips); f += stride> 1 ? sizeof(vcek_flips) : 1) {
            attls_snp_report r = base;
            STACK_OF(X509) *rest = NULL;
            X509 *vek = NULL;
            attls_code rc;

            der.data[off] ^= vcek_flips[f];
            attls_status_clear(&st);
            rc = attls_snp_vek_load(der.data, der.len, &vek, &rest, &st);
            if (rc == ATTLS_OK)
                rc = attls_snp_verify(&r, vek, rest, &p, NULL, &st);
            der.data[off] ^= vcek_flips[f];
            if (rc == ATTLS_OK || rc == ATTLS_E_INTERNAL)
                fail_msg("VCEK byte %zu ^ 0x%02x gave %s (%s)", off,
                         vcek_flips[f], attls_status_code_name(rc), st.message);
            assert_true(st.check[0] != '\0');
            X509_free(vek);
            sk_X509_pop_free(rest, X509_free);
            checked++;
        }
    }
    attls_buf_free(&der);
    print_message("%zu VCEK mutations rejected\n", checked);
}

static void test_vcek_truncation(void **state)
{
    attls_buf der;
    attls_status st;
    size_t stride = tu_stride();

    (void)state;
    tu_read("virtee-sev/vcek_milan.der", &der);
    for (size_t len = 0; len < der.len; len += stride) {
        X509 *vek;
        STACK_OF(X509) *rest;

        attls_status_clear(&st);
        assert_int_equal(attls_snp_vek_load(der.data, len, &vek, &rest, &st),
                         ATTLS_E_CERT_PARSE);
    }
    attls_buf_free(&der);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_report_byte_flips),
        cmocka_unit_test(test_report_truncation),
        cmocka_unit_test(test_vcek_byte_flips),
        cmocka_unit_test(test_vcek_truncation),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
