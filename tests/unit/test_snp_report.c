/* SPDX-License-Identifier: Apache-2.0 */
/* SEV-SNP report parser: real reports v1/v2, every rule on edited copies. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "evidence/snp.h"
#include "snp_testutil.h"

static const uint8_t zero_chip[64];

static attls_code parse(const uint8_t *raw, attls_snp_report *r,
                        attls_status *st)
{
    attls_status_clear(st);
    return attls_snp_report_parse(raw, ATTLS_SNP_REPORT_SIZE, r, st);
}

static void load_report(const char *rel, uint8_t raw[ATTLS_SNP_REPORT_SIZE])
{
    attls_buf b;

    tu_read(rel, &b);
    assert_int_equal(b.len, ATTLS_SNP_REPORT_SIZE);
    memcpy(raw, b.data, ATTLS_SNP_REPORT_SIZE);
    attls_buf_free(&b);
}

static void test_gosevguest_fields(void **state)
{
    uint8_t raw[ATTLS_SNP_REPORT_SIZE], want[64] = {1, 2, 3, 4, 5};
    attls_snp_report r;
    attls_status st;
    char hex[129];

    (void)state;
    load_report("go-sev-guest/attestation.bin", raw);
    assert_int_equal(parse(raw, &r, &st), ATTLS_OK);
    assert_int_equal(r.version, 2);
    assert_int_equal(r.policy, 0xB0000);
    assert_true(r.policy & ATTLS_SNP_POLICY_DEBUG);
    assert_int_equal(r.vmpl, 0);
    assert_int_equal(r.signature_algo, 1);
    assert_int_equal(r.signing_key, ATTLS_SNP_SIGNED_BY_VCEK);
    assert_int_equal(r.platform_info, 1);
    assert_memory_equal(r.report_data, want, 64);
    attls_hex_encode(r.measurement, 48, hex);
    assert_string_equal(hex, "b07af9620f3b839b47996422ddec6058338951d984e3121"
                             "15131ea82705eaf5b6bdf8a9ece31a5a608eb0cf2e4872b"
                             "01");
    attls_hex_encode(r.chip_id, 8, hex);
    assert_string_equal(hex, "3ac3fe21e13fb099");
    assert_int_equal(r.current_tcb.raw, 0x4405000000000002ULL);
    assert_int_equal(r.reported_tcb.raw, 0x4405000000000002ULL);
    assert_int_equal(r.committed_tcb.raw, 0x4405000000000002ULL);
    assert_int_equal(r.launch_tcb.raw, 0x4405000000000002ULL);
    assert_int_equal(r.current_version.major, 1);
    assert_int_equal(r.current_version.minor, 49);
    assert_int_equal(r.current_version.build, 3);
    /* Version 2: no CPUID, so no product and no TCB layout yet. */
    assert_false(r.has_cpuid);
    assert_int_equal(r.product, ATTLS_SNP_PRODUCT_UNKNOWN);
    assert_false(r.reported_tcb.decoded);
    assert_int_equal(
        attls_snp_report_set_product(&r, ATTLS_SNP_PRODUCT_MILAN, &st),
        ATTLS_OK);
    assert_true(r.reported_tcb.decoded);
    assert_int_equal(r.reported_tcb.bootloader, 2);
    assert_int_equal(r.reported_tcb.tee, 0);
    assert_int_equal(r.reported_tcb.snp, 5);
    assert_int_equal(r.reported_tcb.microcode, 68);
    assert_memory_equal(r.raw, raw, ATTLS_SNP_REPORT_SIZE);
}

static void test_virtee_fields(void **state)
{
    uint8_t raw[ATTLS_SNP_REPORT_SIZE];
    attls_snp_report r;
    attls_status st;

    (void)state;
    load_report("virtee-sev/report_milan.bin", raw);
    assert_int_equal(parse(raw, &r, &st), ATTLS_OK);
    assert_int_equal(r.policy, 0x30000);
    assert_false(r.policy & ATTLS_SNP_POLICY_DEBUG);
    assert_int_equal(r.reported_tcb.raw, 0x7308000000000003ULL);
    assert_int_equal(r.current_version.minor, 52);
    assert_int_equal(r.current_version.build, 4);
    assert_int_equal(
        attls_snp_report_set_product(&r, ATTLS_SNP_PRODUCT_GENOA, &st),
        ATTLS_OK);
    assert_int_equal(r.reported_tcb.microcode, 115);
    assert_int_equal(r.reported_tcb.snp, 8);
    /* The product is fixed once set. */
    attls_status_clear(&st);
    assert_int_equal(
        attls_snp_report_set_product(&r, ATTLS_SNP_PRODUCT_MILAN, &st),
        ATTLS_E_SNP_PRODUCT);
    attls_status_clear(&st);
    assert_int_equal(
        attls_snp_report_set_product(&r, ATTLS_SNP_PRODUCT_UNKNOWN, &st),
        ATTLS_E_SNP_PRODUCT);
}

/* Version 1 (2022 Azure): own layout, everything from 0x1E0 reserved. */
static void test_version1(void **state)
{
    uint8_t raw[ATTLS_SNP_REPORT_SIZE];
    attls_snp_report r;
    attls_status st;

    (void)state;
    load_report(
        "azure-cvm-guest-attestation/hcl-report-snp-2022.snp-report.bin", raw);
    assert_int_equal(parse(raw, &r, &st), ATTLS_OK);
    assert_int_equal(r.version, 1);
    assert_int_equal(r.guest_svn, 1);
    assert_int_equal(r.policy, 0x3001F);
    assert_int_equal(r.family_id[0], 1);
    assert_int_equal(r.image_id[0], 2);
    assert_int_equal(r.reported_tcb.raw, 0x3702000000000002ULL);
    assert_int_equal(r.committed_tcb.raw, 0);
    assert_int_equal(r.current_version.minor, 0);
    /* What version 2 calls COMMITTED_TCB is reserved in version 1. */
    raw[0x1E0] = 1;
    assert_int_equal(parse(raw, &r, &st), ATTLS_E_SNP_RESERVED);
    assert_non_null(strstr(st.message, "0x1e0"));
    raw[0x1E0] = 0;
    /* Signer info bit 1 (MASK_CHIP_KEY) did not exist in version 1. */
    raw[0x048] = 2;
    assert_int_equal(parse(raw, &r, &st), ATTLS_E_SNP_RESERVED);
    assert_string_equal(st.check, "snp.signer_info");
}

static void test_size(void **state)
{
    uint8_t raw[ATTLS_SNP_REPORT_SIZE + 1] = {0};
    attls_snp_report r;
    attls_status st;

    (void)state;
    attls_status_clear(&st);
    assert_int_equal(attls_snp_report_parse(raw, sizeof(raw), &r, &st),
                     ATTLS_E_SNP_SIZE);
    assert_non_null(strstr(st.message, "1185 bytes"));
    attls_status_clear(&st);
    assert_int_equal(attls_snp_report_parse(NULL, 0, &r, &st),
                     ATTLS_E_SNP_SIZE);
}

static void test_version_and_algo(void **state)
{
    uint8_t raw[ATTLS_SNP_REPORT_SIZE];
    attls_snp_report r;
    attls_status st;
    const uint32_t bad_versions[] = {0, 6, 0x100, 0xFFFFFFFF};

    (void)state;
    for (size_t i = 0; i < sizeof(bad_versions) / sizeof(bad_versions[0]);
         i++) {
        tu_make_report(raw, 2, ATTLS_SNP_SIGNED_BY_VCEK, 0, zero_chip, 0, 0);
        raw[0] = (uint8_t)bad_versions[i];
        raw[1] = (uint8_t)(bad_versions[i] >> 8);
        raw[3] = (uint8_t)(bad_versions[i] >> 24);
        assert_int_equal(parse(raw, &r, &st), ATTLS_E_SNP_VERSION);
        assert_string_equal(st.check, "snp.version");
    }
    tu_make_report(raw, 2, ATTLS_SNP_SIGNED_BY_VCEK, 0, zero_chip, 0, 0);
    raw[0x34] = 2;
    assert_int_equal(parse(raw, &r, &st), ATTLS_E_SNP_SIG_ALGO);
    raw[0x34] = 0;
    assert_int_equal(parse(raw, &r, &st), ATTLS_E_SNP_SIG_ALGO);
    assert_non_null(strstr(st.message, "SIGNATURE_ALGO (0x034) is 0"));
}

/* Every must-be-zero byte of each version, one at a time. */
static void test_mbz_ranges(void **state)
{
    static const struct {
        uint32_t version;
        uint16_t start, end;
    } ranges[] = {
        {1, 0x04C, 0x050}, {1, 0x188, 0x1A0}, {1, 0x1E0, 0x2A0},
        {2, 0x04C, 0x050}, {2, 0x188, 0x1A0}, {2, 0x1EB, 0x1EC},
        {2, 0x1EF, 0x1F0}, {2, 0x1F8, 0x2A0}, {3, 0x18B, 0x1A0},
        {4, 0x1F8, 0x2A0}, {5, 0x208, 0x2A0}, {2, 0x2D0, 0x2E8},
        {2, 0x318, 0x330}, {5, 0x330, 0x4A0},
    };
    uint8_t raw[ATTLS_SNP_REPORT_SIZE];
    attls_snp_report r;
    attls_status st;

    (void)state;
    for (size_t i = 0; i < sizeof(ranges) / sizeof(ranges[0]); i++) {
        for (unsigned off = ranges[i].start; off < ranges[i].end; off++) {
            tu_make_report(raw, ranges[i].version, ATTLS_SNP_SIGNED_BY_VCEK, 0,
                           zero_chip, 0x19, 0x01);
            assert_int_equal(parse(raw, &r, &st), ATTLS_OK);
            raw[off] = 0x10;
            assert_int_equal(parse(raw, &r, &st), ATTLS_E_SNP_RESERVED);
            assert_string_equal(st.check, "snp.reserved");
        }
    }
    /* Version 5 gives meaning to the mitigation vectors. */
    tu_make_report(raw, 5, ATTLS_SNP_SIGNED_BY_VCEK, 0, zero_chip, 0x19, 1);
    raw[0x1F8] = 0x03;
    raw[0x207] = 0x80;
    assert_int_equal(parse(raw, &r, &st), ATTLS_OK);
    assert_int_equal(r.launch_mit_vector, 3);
    assert_int_equal(r.current_mit_vector, 0x8000000000000000ULL);
}

static void test_policy_bits(void **state)
{
    uint8_t raw[ATTLS_SNP_REPORT_SIZE];
    attls_snp_report r;
    attls_status st;

    (void)state;
    tu_make_report(raw, 2, ATTLS_SNP_SIGNED_BY_VCEK, 0, zero_chip, 0, 0);
    raw[0x0A] = 0x01; /* bit 17 (must be one) cleared: 0x10000 */
    assert_int_equal(parse(raw, &r, &st), ATTLS_E_SNP_RESERVED);
    assert_non_null(strstr(st.message, "bit 17"));
    tu_make_report(raw, 2, ATTLS_SNP_SIGNED_BY_VCEK, 0, zero_chip, 0, 0);
    raw[0x0B] = 0x04; /* bit 26 */
    assert_int_equal(parse(raw, &r, &st), ATTLS_E_SNP_RESERVED);
    assert_non_null(strstr(st.message, "63:26"));
    tu_make_report(raw, 2, ATTLS_SNP_SIGNED_BY_VCEK, 0, zero_chip, 0, 0);
    raw[0x0B] = 0x03;  /* bits 24, 25: defined */
    raw[0x0A] |= 0x08; /* debug */
    assert_int_equal(parse(raw, &r, &st), ATTLS_OK);
    assert_true(r.policy & ATTLS_SNP_POLICY_DEBUG);
    assert_true(r.policy & ATTLS_SNP_POLICY_PAGE_SWAP_DISABLE);
}

static void test_vmpl_and_signer(void **state)
{
    uint8_t raw[ATTLS_SNP_REPORT_SIZE];
    attls_snp_report r;
    attls_status st;

    (void)state;
    tu_make_report(raw, 2, ATTLS_SNP_SIGNED_BY_VCEK, 0, zero_chip, 0, 0);
    raw[0x30] = 3;
    assert_int_equal(parse(raw, &r, &st), ATTLS_OK);
    assert_int_equal(r.vmpl, 3);
    raw[0x30] = 4;
    assert_int_equal(parse(raw, &r, &st), ATTLS_E_SNP_PARSE);
    assert_string_equal(st.check, "snp.vmpl");
    raw[0x30] = 0;
    raw[0x33] = 0xFF;
    assert_int_equal(parse(raw, &r, &st), ATTLS_E_SNP_PARSE);
    raw[0x33] = 0;
    for (unsigned key = 0; key < 8; key++) {
        raw[0x48] = (uint8_t)(key << 2 | 3);
        if (key == 0 || key == 1 || key == 7) {
            assert_int_equal(parse(raw, &r, &st), ATTLS_OK);
            assert_int_equal(r.signing_key, key);
            assert_true(r.author_key_en);
            assert_true(r.mask_chip_key);
        } else {
            assert_int_equal(parse(raw, &r, &st), ATTLS_E_SNP_PARSE);
            assert_string_equal(st.check, "snp.signer_info");
        }
    }
    raw[0x48] = 0x20; /* bit 5 */
    assert_int_equal(parse(raw, &r, &st), ATTLS_E_SNP_RESERVED);
    raw[0x48] = 0;
    raw[0x4B] = 0x80;
    assert_int_equal(parse(raw, &r, &st), ATTLS_E_SNP_RESERVED);
}

static void test_cpuid_products(void **state)
{
    static const struct {
        uint8_t family, model;
        attls_snp_product product;
    } cases[] = {
        {0x19, 0x00, ATTLS_SNP_PRODUCT_MILAN},
        {0x19, 0x01, ATTLS_SNP_PRODUCT_MILAN},
        {0x19, 0x0F, ATTLS_SNP_PRODUCT_MILAN},
        {0x19, 0x10, ATTLS_SNP_PRODUCT_GENOA},
        {0x19, 0x11, ATTLS_SNP_PRODUCT_GENOA},
        {0x19, 0x1F, ATTLS_SNP_PRODUCT_GENOA},
        {0x19, 0xA0, ATTLS_SNP_PRODUCT_GENOA},
        {0x19, 0xAF, ATTLS_SNP_PRODUCT_GENOA},
        {0x1A, 0x00, ATTLS_SNP_PRODUCT_TURIN},
        {0x1A, 0x11, ATTLS_SNP_PRODUCT_TURIN},
        {0x19, 0x20, ATTLS_SNP_PRODUCT_UNKNOWN},
        {0x19, 0xB0, ATTLS_SNP_PRODUCT_UNKNOWN},
        {0x1A, 0x12, ATTLS_SNP_PRODUCT_UNKNOWN},
        {0x1A, 0x50, ATTLS_SNP_PRODUCT_UNKNOWN}, /* Venice */
        {0x17, 0x31, ATTLS_SNP_PRODUCT_UNKNOWN}, /* Rome: no SNP reports */
        {0x00, 0x00, ATTLS_SNP_PRODUCT_UNKNOWN},
    };
    uint8_t raw[ATTLS_SNP_REPORT_SIZE];
    attls_snp_report r;
    attls_status st;

    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        /* The TCB is zero, valid in both layouts. */
        tu_make_report(raw, 3, ATTLS_SNP_SIGNED_BY_VCEK, 0, zero_chip,
                       cases[i].family, cases[i].model);
        if (cases[i].product == ATTLS_SNP_PRODUCT_UNKNOWN) {
            assert_int_equal(parse(raw, &r, &st), ATTLS_E_SNP_PRODUCT);
            assert_non_null(strstr(st.message, "CPUID family"));
            continue;
        }
        assert_int_equal(parse(raw, &r, &st), ATTLS_OK);
        assert_true(r.has_cpuid);
        assert_int_equal(r.cpuid_stepping, 1);
        assert_int_equal(r.product, cases[i].product);
        assert_true(r.reported_tcb.decoded);
    }
}

/* Version >= 3: the CPUID product decodes the TCBs at parse time. */
static void test_tcb_layout_from_cpuid(void **state)
{
    uint8_t raw[ATTLS_SNP_REPORT_SIZE];
    attls_snp_report r;
    attls_status st;
    /* Turin: fmc 1, bl 2, tee 3, snp 4, ucode 5. */
    const uint64_t turin = 0x0500000004030201ULL;
    /* Milan: bl 2, tee 3, snp 4, ucode 5. */
    const uint64_t milan = 0x0504000000000302ULL;

    (void)state;
    tu_make_report(raw, 3, ATTLS_SNP_SIGNED_BY_VCEK, turin, zero_chip, 0x1A,
                   0x02);
    assert_int_equal(parse(raw, &r, &st), ATTLS_OK);
    assert_true(r.reported_tcb.has_fmc);
    assert_int_equal(r.reported_tcb.fmc, 1);
    assert_int_equal(r.reported_tcb.bootloader, 2);
    assert_int_equal(r.reported_tcb.tee, 3);
    assert_int_equal(r.reported_tcb.snp, 4);
    assert_int_equal(r.reported_tcb.microcode, 5);
    /* A Milan-layout TCB has bytes the Turin layout reserves. */
    tu_make_report(raw, 3, ATTLS_SNP_SIGNED_BY_VCEK, milan, zero_chip, 0x1A,
                   0x02);
    assert_int_equal(parse(raw, &r, &st), ATTLS_E_SNP_RESERVED);
    assert_string_equal(st.check, "snp.tcb");
    tu_make_report(raw, 3, ATTLS_SNP_SIGNED_BY_VCEK, milan, zero_chip, 0x19,
                   0x01);
    assert_int_equal(parse(raw, &r, &st), ATTLS_OK);
    assert_false(r.reported_tcb.has_fmc);
    assert_int_equal(r.reported_tcb.bootloader, 2);
    assert_int_equal(r.reported_tcb.snp, 4);
    /* And the other way round. */
    tu_make_report(raw, 3, ATTLS_SNP_SIGNED_BY_VCEK, turin, zero_chip, 0x19,
                   0x01);
    assert_int_equal(parse(raw, &r, &st), ATTLS_E_SNP_RESERVED);
    assert_non_null(strstr(st.message, "milan TCB layout"));
    /* The VEK of a version 3 report must be of the CPUID product. */
    tu_make_report(raw, 3, ATTLS_SNP_SIGNED_BY_VCEK, 0, zero_chip, 0x19, 0x11);
    assert_int_equal(parse(raw, &r, &st), ATTLS_OK);
    assert_int_equal(
        attls_snp_report_set_product(&r, ATTLS_SNP_PRODUCT_MILAN, &st),
        ATTLS_E_SNP_PRODUCT);
    assert_non_null(strstr(st.message, "genoa"));
}

static void test_tcb_decode_and_compare(void **state)
{
    attls_snp_tcb a, b;
    attls_status st;

    (void)state;
    attls_status_clear(&st);
    assert_int_equal(attls_snp_tcb_decode(0x7308000000000003ULL,
                                          ATTLS_SNP_PRODUCT_UNKNOWN, "T", &a,
                                          &st),
                     ATTLS_E_SNP_PRODUCT);
    for (int byte = 2; byte <= 5; byte++) {
        attls_status_clear(&st);
        assert_int_equal(attls_snp_tcb_decode(1ULL << (8 * byte),
                                              ATTLS_SNP_PRODUCT_GENOA, "T", &a,
                                              &st),
                         ATTLS_E_SNP_RESERVED);
    }
    for (int byte = 4; byte <= 6; byte++) {
        attls_status_clear(&st);
        assert_int_equal(attls_snp_tcb_decode(1ULL << (8 * byte),
                                              ATTLS_SNP_PRODUCT_TURIN, "T", &a,
                                              &st),
                         ATTLS_E_SNP_RESERVED);
    }
    assert_int_equal(attls_snp_tcb_decode(0x7308000000000003ULL,
                                          ATTLS_SNP_PRODUCT_MILAN, "T", &a,
                                          &st),
                     ATTLS_OK);
    assert_int_equal(attls_snp_tcb_decode(0x7308000000000003ULL,
                                          ATTLS_SNP_PRODUCT_MILAN, "T", &b,
                                          &st),
                     ATTLS_OK);
    assert_true(attls_snp_tcb_ge(&a, &b));
    b.tee = 1; /* componentwise: one smaller part is enough to fail */
    b.microcode = 0;
    assert_false(attls_snp_tcb_ge(&a, &b));
    assert_true(attls_snp_tcb_ge(&b, &(attls_snp_tcb){.tee = 1}));
}

static void test_product_names(void **state)
{
    (void)state;
    assert_int_equal(attls_snp_product_from_string("Milan-B0"),
                     ATTLS_SNP_PRODUCT_MILAN);
    assert_int_equal(attls_snp_product_from_string("Milan-B1"),
                     ATTLS_SNP_PRODUCT_MILAN);
    assert_int_equal(attls_snp_product_from_string("milan"),
                     ATTLS_SNP_PRODUCT_MILAN);
    assert_int_equal(attls_snp_product_from_string("GENOA"),
                     ATTLS_SNP_PRODUCT_GENOA);
    assert_int_equal(attls_snp_product_from_string("Turin"),
                     ATTLS_SNP_PRODUCT_TURIN);
    assert_int_equal(attls_snp_product_from_string("Turin-C1"),
                     ATTLS_SNP_PRODUCT_TURIN);
    assert_int_equal(attls_snp_product_from_string("Milan-"),
                     ATTLS_SNP_PRODUCT_UNKNOWN);
    assert_int_equal(attls_snp_product_from_string("Milan-B"),
                     ATTLS_SNP_PRODUCT_UNKNOWN);
    assert_int_equal(attls_snp_product_from_string("Milan-b0"),
                     ATTLS_SNP_PRODUCT_UNKNOWN);
    assert_int_equal(attls_snp_product_from_string("Milanx"),
                     ATTLS_SNP_PRODUCT_UNKNOWN);
    assert_int_equal(attls_snp_product_from_string("Siena"),
                     ATTLS_SNP_PRODUCT_UNKNOWN);
    assert_int_equal(attls_snp_product_from_string(""),
                     ATTLS_SNP_PRODUCT_UNKNOWN);
    assert_int_equal(attls_snp_product_from_string(NULL),
                     ATTLS_SNP_PRODUCT_UNKNOWN);
    assert_string_equal(attls_snp_trust_set(ATTLS_SNP_PRODUCT_TURIN),
                        "amd-turin");
    assert_null(attls_snp_trust_set(ATTLS_SNP_PRODUCT_UNKNOWN));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_gosevguest_fields),
        cmocka_unit_test(test_virtee_fields),
        cmocka_unit_test(test_version1),
        cmocka_unit_test(test_size),
        cmocka_unit_test(test_version_and_algo),
        cmocka_unit_test(test_mbz_ranges),
        cmocka_unit_test(test_policy_bits),
        cmocka_unit_test(test_vmpl_and_signer),
        cmocka_unit_test(test_cpuid_products),
        cmocka_unit_test(test_tcb_layout_from_cpuid),
        cmocka_unit_test(test_tcb_decode_and_compare),
        cmocka_unit_test(test_product_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
