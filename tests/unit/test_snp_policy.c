/* SPDX-License-Identifier: Apache-2.0 */
/* The SEV-SNP policy check, apart from the cryptographic verification. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "evidence/snp.h"
#include "snp_testutil.h"

/* The go-sev-guest report: DEBUG set, REPORT_DATA 0102030405, (2,0,5,68). */
static void load_debug_report(attls_snp_report *r, int set_product)
{
    attls_buf b;
    attls_status st;

    tu_read("go-sev-guest/attestation.bin", &b);
    attls_status_clear(&st);
    assert_int_equal(attls_snp_report_parse(b.data, b.len, r, &st), ATTLS_OK);
    attls_buf_free(&b);
    if (set_product)
        assert_int_equal(
            attls_snp_report_set_product(r, ATTLS_SNP_PRODUCT_MILAN, &st),
            ATTLS_OK);
}

static attls_code check(const attls_snp_report *r, const attls_snp_policy *p,
                        attls_status *st)
{
    attls_status_clear(st);
    return attls_snp_policy_check(r, p, st);
}

static void test_default_forbids_debug(void **state)
{
    attls_snp_report r;
    attls_snp_policy p;
    attls_status st;

    (void)state;
    load_debug_report(&r, 1);
    attls_snp_policy_init(&p);
    assert_int_equal(check(&r, &p, &st), ATTLS_E_SNP_POLICY_DEBUG);
    assert_string_equal(st.check, "snp.policy.debug");
    assert_non_null(strstr(st.message, "0x00000000000b0000"));
    p.allow_debug = 1;
    assert_int_equal(check(&r, &p, &st), ATTLS_OK);
    r.policy &= ~ATTLS_SNP_POLICY_DEBUG;
    p.allow_debug = 0;
    assert_int_equal(check(&r, &p, &st), ATTLS_OK);
}

static void test_vmpl_measurement_report_data(void **state)
{
    attls_snp_report r;
    attls_snp_policy p;
    attls_status st;
    uint8_t m[3][48] = {{0}};
    uint8_t rd[64] = {1, 2, 3, 4, 5};

    (void)state;
    load_debug_report(&r, 1);
    attls_snp_policy_init(&p);
    p.allow_debug = 1;
    p.check_vmpl = 1;
    p.vmpl = 1;
    assert_int_equal(check(&r, &p, &st), ATTLS_E_SNP_POLICY_VMPL);
    p.vmpl = 0;
    memcpy(m[2], r.measurement, 48);
    p.measurements = (const uint8_t(*)[48])m;
    p.n_measurements = 2;
    assert_int_equal(check(&r, &p, &st), ATTLS_E_SNP_POLICY_MEASUREMENT);
    assert_non_null(strstr(st.message, "b07af9620f3b839b"));
    p.n_measurements = 3;
    assert_int_equal(check(&r, &p, &st), ATTLS_OK);
    /* An empty allow-list allows nothing. */
    p.n_measurements = 0;
    assert_int_equal(check(&r, &p, &st), ATTLS_E_SNP_POLICY_MEASUREMENT);
    p.measurements = NULL;
    p.report_data = rd;
    assert_int_equal(check(&r, &p, &st), ATTLS_OK);
    rd[63] = 1;
    assert_int_equal(check(&r, &p, &st), ATTLS_E_SNP_POLICY_REPORT_DATA);
}

static void test_min_tcb(void **state)
{
    attls_snp_report r;
    attls_snp_policy p;
    attls_status st;

    (void)state;
    load_debug_report(&r, 0);
    attls_snp_policy_init(&p);
    p.allow_debug = 1;
    p.check_min_tcb = 1;
    p.min_tcb = (attls_snp_tcb){.bootloader = 2, .snp = 5, .microcode = 68};
    /* No product, no layout: cannot compare. */
    assert_int_equal(check(&r, &p, &st), ATTLS_E_SNP_PRODUCT);
    load_debug_report(&r, 1);
    assert_int_equal(check(&r, &p, &st), ATTLS_OK);
    p.min_tcb.microcode = 69;
    assert_int_equal(check(&r, &p, &st), ATTLS_E_SNP_POLICY_TCB);
    assert_non_null(strstr(st.message, "microcode SPL 68 is below the "
                                       "minimum 69"));
    p.min_tcb.microcode = 0;
    p.min_tcb.tee = 1;
    assert_int_equal(check(&r, &p, &st), ATTLS_E_SNP_POLICY_TCB);
    assert_non_null(strstr(st.message, "tee SPL 0"));
    /* An fmc minimum does not apply to Milan, which has no FMC. */
    p.min_tcb.tee = 0;
    p.min_tcb.fmc = 3;
    assert_int_equal(check(&r, &p, &st), ATTLS_OK);
}

static void test_min_version_and_order(void **state)
{
    attls_snp_report r;
    attls_snp_policy p;
    attls_status st;

    (void)state;
    load_debug_report(&r, 1);
    attls_snp_policy_init(&p);
    p.min_version = 3;
    p.check_vmpl = 1;
    p.vmpl = 2;
    /* Version first, then debug, then VMPL. */
    assert_int_equal(check(&r, &p, &st), ATTLS_E_SNP_POLICY_VERSION);
    p.min_version = 2;
    assert_int_equal(check(&r, &p, &st), ATTLS_E_SNP_POLICY_DEBUG);
    p.allow_debug = 1;
    assert_int_equal(check(&r, &p, &st), ATTLS_E_SNP_POLICY_VMPL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_default_forbids_debug),
        cmocka_unit_test(test_vmpl_measurement_report_data),
        cmocka_unit_test(test_min_tcb),
        cmocka_unit_test(test_min_version_and_order),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
