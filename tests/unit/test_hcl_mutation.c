/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Mutation tests of the Azure HCL verifier.
 *  - Real reports, no chain: every byte that is checked without the
 *    hardware signature (header, IGVM data, claims, REPORT_DATA, TDREPORT
 *    format fields, padding) flipped must fail with the predicted code.
 *  - A fully verifiable report (SNP report signed by a fake pinned AMD
 *    hierarchy, REPORT_DATA bound to the claims): every byte flipped must
 *    fail, whatever it is.
 *  - Truncation at every length.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "evidence/hcl.h"
#include "snp_testutil.h"

static const uint8_t flips[] = {0x01, 0x80, 0xFF};

typedef struct region {
    size_t start, end; /* end 0: report_size */
    attls_code codes[6];
    size_t n;
} region;

static attls_code run(const attls_buf *b, const attls_hcl_verify_params *p,
                      attls_status *st)
{
    attls_hcl_report r;
    attls_code rc;

    attls_status_clear(st);
    rc = attls_hcl_verify(b->data, b->len, p, &r, NULL, st);
    attls_hcl_report_free(&r);
    return rc;
}

static int allowed(const region *reg, attls_code rc)
{
    for (size_t i = 0; i < reg->n; i++) {
        if (reg->codes[i] == rc)
            return 1;
    }
    return 0;
}

static size_t flip_regions(const char *rel, const region *regs, size_t n_regs)
{
    size_t stride = tu_stride(), checked = 0;
    attls_status st;
    attls_buf b;
    uint32_t report_size;

    tu_read(rel, &b);
    assert_int_equal(run(&b, NULL, &st), ATTLS_OK);
    report_size = attls_le32(b.data + 8);
    for (size_t i = 0; i < n_regs; i++) {
        const region *reg = &regs[i];
        size_t end = reg->end ? reg->end : report_size;

        for (size_t off = reg->start; off < end; off += stride) {
            for (size_t f = stride > 1 ? off % sizeof(flips) : 0;
                 f<sizeof(flips); f += stride> 1 ? sizeof(flips) : 1) {
                attls_code rc;

                b.data[off] ^= flips[f];
                rc = run(&b, NULL, &st);
                b.data[off] ^= flips[f];
                if (!allowed(reg, rc))
                    fail_msg("%s: byte 0x%zx ^ 0x%02x gave %s (%s: %s)", rel,
                             off, flips[f], attls_status_code_name(rc),
                             st.check, st.message);
                checked++;
            }
        }
    }
    attls_buf_free(&b);
    return checked;
}

#define HEADER_CODES                                                           \
    {ATTLS_E_HCL_MAGIC,        ATTLS_E_HCL_VERSION, ATTLS_E_HCL_PARSE,         \
     ATTLS_E_HCL_REQUEST_TYPE, ATTLS_E_HCL_STATUS,  ATTLS_E_HCL_RESERVED},     \
        6
/* report_type 2 <-> 4 makes the other hardware report format apply. */
#define IGVM_CODES(other_hw)                                                   \
    {ATTLS_E_HCL_PARSE, ATTLS_E_HCL_VERSION, ATTLS_E_HCL_REPORT_TYPE,          \
     ATTLS_E_HCL_HASH_TYPE, other_hw},                                         \
        5

static void test_real_snp_flips(void **state)
{
    const region regs[] = {
        {0x000, 0x020, HEADER_CODES},
        /* SNP VMPL (0x50): 0 -> 1..3 is the paravisor check, > 3 a parse
         * error. */
        {0x050, 0x054, {ATTLS_E_HCL_VMPL, ATTLS_E_SNP_PARSE}, 2},
        {0x070, 0x0B0, {ATTLS_E_HCL_BINDING}, 1},
        {0x4C0, 0x4D4, IGVM_CODES(ATTLS_E_TDREPORT_TYPE)},
        {0x4D4, 0, {ATTLS_E_HCL_BINDING}, 1},
        {1819, 2048, {ATTLS_E_HCL_RESERVED}, 1},
    };
    size_t n;

    (void)state;
    n = flip_regions("azure-cvm-tooling/hcl-report-snp.bin", regs,
                     sizeof(regs) / sizeof(regs[0]));
    print_message("%zu SNP HCL mutations rejected\n", n);
}

static void test_real_tdx_flips(void **state)
{
    const region regs[] = {
        {0x000, 0x020, HEADER_CODES},
        {0x020, 0x022, {ATTLS_E_TDREPORT_TYPE}, 1},
        /* REPORTTYPE.version 0 -> 1 is a valid (TDX 1.5) TDREPORT; like the
         * measurements, only a TD quote can authenticate it. */
        {0x022, 0x023, {ATTLS_E_TDREPORT_TYPE, ATTLS_OK}, 2},
        {0x023, 0x030, {ATTLS_E_TDREPORT_RESERVED}, 1},
        {0x0A0, 0x0E0, {ATTLS_E_HCL_BINDING}, 1},
        {0x0E0, 0x100, {ATTLS_E_TDREPORT_RESERVED}, 1},
        {0x20F, 0x220, {ATTLS_E_TDREPORT_RESERVED}, 1},
        {0x3E0, 0x4C0, {ATTLS_E_TDREPORT_RESERVED, ATTLS_E_HCL_RESERVED}, 2},
        {0x4C0, 0x4D4, IGVM_CODES(ATTLS_E_SNP_VERSION)},
        {0x4D4, 0, {ATTLS_E_HCL_BINDING}, 1},
        {2438, 2600, {ATTLS_E_HCL_RESERVED}, 1},
    };
    size_t n;

    (void)state;
    n = flip_regions("azure-cvm-tooling/hcl-report-tdx.bin", regs,
                     sizeof(regs) / sizeof(regs[0]));
    print_message("%zu TDX HCL mutations rejected\n", n);
}

/* With the hardware signature checked, no byte may change unnoticed. */
static void test_verified_snp_every_byte(void **state)
{
    static const uint8_t chip[64] = {0x5A, [63] = 0xA5};
    const tu_vek_spec spec = {.type = ATTLS_SNP_VEK_VCEK,
                              .product_name = "Genoa",
                              .bl = 9,
                              .tee = 0,
                              .snp = 21,
                              .ucode = 84,
                              .hwid = chip,
                              .hwid_len = 64};
    const uint64_t tcb = 0x5415000000000009ULL;
    uint8_t hw[ATTLS_HCL_HW_REPORT_SIZE];
    /* Each run verifies a chain and a signature: sparser under valgrind. */
    size_t stride = tu_stride() > 1 ? 3 * tu_stride() : 1, checked = 0;
    attls_hcl_verify_params p;
    attls_status st;
    tu_fake_amd f;
    attls_buf b;

    (void)state;
    tu_fake_amd_init(&f, ATTLS_SNP_PRODUCT_GENOA, &spec);
    p = (attls_hcl_verify_params){
        .snp = {.at = tu_at(TU_AT), .roots_dir = f.dir}, .vek = f.vek};
    tu_make_report(hw, 3, ATTLS_SNP_SIGNED_BY_VCEK, tcb, chip, 0x19, 0x11);
    tu_hcl_bind(hw, ATTLS_HCL_REPORT_SNP, tu_claims);
    tu_sign_report(hw, f.vek_key);
    tu_make_hcl(&b, 2, ATTLS_HCL_REPORT_SNP, hw, tu_claims, 2048);
    assert_int_equal(run(&b, &p, &st), ATTLS_OK);
    for (size_t off = 0; off < b.len; off += stride) {
        uint8_t flip = flips[off % sizeof(flips)];
        attls_code rc;

        b.data[off] ^= flip;
        rc = run(&b, &p, &st);
        b.data[off] ^= flip;
        if (rc == ATTLS_OK || rc == ATTLS_E_INTERNAL || st.message[0] == 0)
            fail_msg("byte 0x%zx ^ 0x%02x gave %s (%s)", off, flip,
                     attls_status_code_name(rc), st.message);
        checked++;
    }
    print_message("%zu verified-HCL mutations rejected\n", checked);
    attls_buf_free(&b);
    tu_fake_amd_free(&f);
}

static void test_truncation(void **state)
{
    static const char *const files[] = {
        "azure-cvm-tooling/hcl-report-snp.bin",
        "azure-cvm-tooling/hcl-report-tdx.bin",
    };
    attls_status st;

    (void)state;
    for (size_t i = 0; i < 2; i++) {
        attls_buf b;
        uint32_t report_size;

        tu_read(files[i], &b);
        report_size = attls_le32(b.data + 8);
        for (size_t len = 0;
             len<b.len; len += tu_stride()> 1 ? 3 * tu_stride() : 1) {
            attls_buf cut = {b.data, len};
            attls_code want = len >= report_size ? ATTLS_OK : ATTLS_E_HCL_PARSE;

            /* Only zero padding follows report_size: cutting it is fine. */
            if (run(&cut, NULL, &st) != want)
                fail_msg("%s cut to %zu bytes: %s", files[i], len,
                         attls_status_code_name(st.code));
        }
        attls_buf_free(&b);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_real_snp_flips),
        cmocka_unit_test(test_real_tdx_flips),
        cmocka_unit_test(test_verified_snp_every_byte),
        cmocka_unit_test(test_truncation),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
