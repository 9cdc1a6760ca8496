/* SPDX-License-Identifier: Apache-2.0 */
/*
 * SEV-SNP verification: real reports with their VCEKs, each binding check
 * on its own (signature bypassed), and end-to-end runs on synthetic
 * reports signed by a fake AMD hierarchy pinned with roots_dir (Turin,
 * Genoa v5, VLEK, masked CHIP_ID: no real vector exists for those).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "evidence/snp.h"
#include "snp_testutil.h"

static const uint8_t zero_chip[64];

static void load_report(const char *rel, attls_snp_report *r)
{
    attls_buf b;
    attls_status st;

    tu_read(rel, &b);
    attls_status_clear(&st);
    assert_int_equal(attls_snp_report_parse(b.data, b.len, r, &st), ATTLS_OK);
    attls_buf_free(&b);
}

static attls_code verify_real(const char *report, const char *vcek,
                              const char *at, attls_snp_product product,
                              attls_snp_vek *vek_out, attls_status *st)
{
    attls_snp_report r;
    X509 *x = tu_load_cert(vcek);
    attls_snp_verify_params p = {.at = tu_at(at), .product = product};
    attls_code rc;

    load_report(report, &r);
    attls_status_clear(st);
    rc = attls_snp_verify(&r, x, NULL, &p, vek_out, st);
    X509_free(x);
    return rc;
}

static void test_real_vectors(void **state)
{
    attls_snp_vek vek;
    attls_status st;

    (void)state;
    assert_int_equal(verify_real("go-sev-guest/attestation.bin",
                                 "go-sev-guest/vcek_milan.der", TU_AT,
                                 ATTLS_SNP_PRODUCT_UNKNOWN, &vek, &st),
                     ATTLS_OK);
    assert_string_equal(vek.product_name, "Milan-B0");
    assert_int_equal(verify_real("virtee-sev/report_milan.bin",
                                 "virtee-sev/vcek_milan.der", TU_AT,
                                 ATTLS_SNP_PRODUCT_MILAN, NULL, &st),
                     ATTLS_OK);
    assert_int_equal(verify_real("virtee-sev/negative/"
                                 "report_milan_byte21_xor80.bin",
                                 "virtee-sev/vcek_milan.der", TU_AT,
                                 ATTLS_SNP_PRODUCT_UNKNOWN, NULL, &st),
                     ATTLS_E_SNP_SIGNATURE);
    assert_string_equal(st.check, "snp.signature");
    /* The right chip's VCEK: no wrong-VCEK hint. */
    assert_null(strstr(st.message, "wrong VCEK"));
    /* Another chip's VCEK: the signature fails, the message says why. */
    assert_int_equal(verify_real("go-sev-guest/attestation.bin",
                                 "virtee-sev/vcek_milan.der", TU_AT,
                                 ATTLS_SNP_PRODUCT_UNKNOWN, NULL, &st),
                     ATTLS_E_SNP_SIGNATURE);
    assert_non_null(strstr(st.message, "wrong VCEK"));
}

static void test_real_chain_failures(void **state)
{
    attls_status st;

    (void)state;
    assert_int_equal(verify_real("virtee-sev/report_milan.bin",
                                 "virtee-sev/vcek_milan.der",
                                 "2030-04-03T19:23:44Z",
                                 ATTLS_SNP_PRODUCT_UNKNOWN, NULL, &st),
                     ATTLS_E_CERT_EXPIRED);
    assert_string_equal(st.check, "snp.vek_chain");
    assert_int_equal(verify_real("virtee-sev/report_milan.bin",
                                 "virtee-sev/vcek_milan.der",
                                 "2030-04-03T19:23:42Z",
                                 ATTLS_SNP_PRODUCT_UNKNOWN, NULL, &st),
                     ATTLS_OK);
    /* Turin VCEK against Milan or Genoa roots. */
    assert_int_equal(verify_real("virtee-sev/report_milan.bin",
                                 "virtee-sev/vcek_turin.der", TU_AT,
                                 ATTLS_SNP_PRODUCT_MILAN, NULL, &st),
                     ATTLS_E_CERT_ROOT);
    assert_int_equal(verify_real("virtee-sev/report_milan.bin",
                                 "virtee-sev/vcek_turin.der", TU_AT,
                                 ATTLS_SNP_PRODUCT_GENOA, NULL, &st),
                     ATTLS_E_CERT_ROOT);
    /* Its own roots: the chain holds, the signature is not its own. */
    assert_int_equal(verify_real("virtee-sev/report_milan.bin",
                                 "virtee-sev/vcek_turin.der", TU_AT,
                                 ATTLS_SNP_PRODUCT_UNKNOWN, NULL, &st),
                     ATTLS_E_SNP_SIGNATURE);
}

static void test_chain_with_bundle_and_override(void **state)
{
    attls_buf b;
    X509 *vek;
    STACK_OF(X509) *rest;
    attls_status st;
    char dir[] = "/tmp/attls-snp-roots-XXXXXX", path[64];
    FILE *f;
    attls_buf turin;

    (void)state;
    tu_read("azure-cvm-tooling/vcek-ask-ark-milan.pem", &b);
    attls_status_clear(&st);
    assert_int_equal(attls_snp_vek_load(b.data, b.len, &vek, &rest, &st),
                     ATTLS_OK);
    attls_buf_free(&b);
    assert_int_equal(attls_snp_vek_verify_chain(vek, rest,
                                                ATTLS_SNP_PRODUCT_MILAN,
                                                tu_at(TU_AT), NULL, &st),
                     ATTLS_OK);
    assert_int_equal(attls_snp_vek_verify_chain(vek, rest,
                                                ATTLS_SNP_PRODUCT_UNKNOWN,
                                                tu_at(TU_AT), NULL, &st),
                     ATTLS_E_SNP_PRODUCT);
    /* --roots replacing amd-milan with the Turin roots. */
    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof(path), "%s/amd-milan.pem", dir);
    tu_read("roots-cloud/amd/ask_ark_turin_vcek.pem", &turin);
    f = fopen(path, "w");
    assert_non_null(f);
    assert_int_equal(fwrite(turin.data, 1, turin.len, f), turin.len);
    assert_int_equal(fclose(f), 0);
    attls_buf_free(&turin);
    attls_status_clear(&st);
    assert_int_equal(attls_snp_vek_verify_chain(vek, NULL,
                                                ATTLS_SNP_PRODUCT_MILAN,
                                                tu_at(TU_AT), dir, &st),
                     ATTLS_E_CERT_ROOT);
    unlink(path);
    rmdir(dir);
    X509_free(vek);
    sk_X509_pop_free(rest, X509_free);
}

static void test_signature_function(void **state)
{
    attls_snp_report r;
    X509 *x = tu_load_cert("virtee-sev/vcek_milan.der");
    EVP_PKEY *other = tu_p384_key();
    EVP_PKEY *p256 = EVP_EC_gen("P-256");
    attls_status st;

    (void)state;
    load_report("virtee-sev/report_milan.bin", &r);
    attls_status_clear(&st);
    assert_int_equal(attls_snp_verify_signature(&r, X509_get0_pubkey(x), &st),
                     ATTLS_OK);
    assert_int_equal(attls_snp_verify_signature(&r, other, &st),
                     ATTLS_E_SNP_SIGNATURE);
    attls_status_clear(&st);
    assert_int_equal(attls_snp_verify_signature(&r, p256, &st),
                     ATTLS_E_CERT_KEY);
    attls_status_clear(&st);
    assert_int_equal(attls_snp_verify_signature(&r, NULL, &st),
                     ATTLS_E_CERT_KEY);
    /* r = 0 and s = 0 are invalid, not a crash. */
    memset(r.raw + 0x2A0, 0, 144);
    attls_status_clear(&st);
    assert_int_equal(attls_snp_verify_signature(&r, X509_get0_pubkey(x), &st),
                     ATTLS_E_SNP_SIGNATURE);
    /* r and s all-ones in their 48 bytes: not below the group order. */
    memset(r.raw + 0x2A0, 0xFF, 48);
    memset(r.raw + 0x2E8, 0xFF, 48);
    attls_status_clear(&st);
    assert_int_equal(attls_snp_verify_signature(&r, X509_get0_pubkey(x), &st),
                     ATTLS_E_SNP_SIGNATURE);
    EVP_PKEY_free(other);
    EVP_PKEY_free(p256);
    X509_free(x);
}

static void test_signer_check(void **state)
{
    attls_snp_report r;
    attls_snp_vek v = {.type = ATTLS_SNP_VEK_VCEK};
    attls_status st;

    (void)state;
    load_report("virtee-sev/report_milan.bin", &r);
    attls_status_clear(&st);
    assert_int_equal(attls_snp_check_signer(&r, &v, &st), ATTLS_OK);
    v.type = ATTLS_SNP_VEK_VLEK;
    assert_int_equal(attls_snp_check_signer(&r, &v, &st), ATTLS_E_SNP_SIGNER);
    assert_non_null(strstr(st.message, "signed by the VCEK"));
    r.signing_key = ATTLS_SNP_SIGNED_BY_VLEK;
    attls_status_clear(&st);
    assert_int_equal(attls_snp_check_signer(&r, &v, &st), ATTLS_OK);
    r.signing_key = ATTLS_SNP_SIGNED_BY_NONE;
    assert_int_equal(attls_snp_check_signer(&r, &v, &st), ATTLS_E_SNP_SIGNER);
    assert_non_null(strstr(st.message, "not signed"));
    r.signing_key = ATTLS_SNP_SIGNED_BY_VCEK;
    r.mask_chip_key = 1;
    v.type = ATTLS_SNP_VEK_VCEK;
    attls_status_clear(&st);
    assert_int_equal(attls_snp_check_signer(&r, &v, &st), ATTLS_E_SNP_SIGNER);
    assert_non_null(strstr(st.message, "MASK_CHIP_KEY"));
}

/* The binding checks alone, as if the signature had been bypassed. */
static void test_tcb_check(void **state)
{
    attls_snp_report r;
    X509 *x = tu_load_cert("virtee-sev/vcek_milan.der");
    attls_snp_vek v;
    attls_status st;

    (void)state;
    load_report("virtee-sev/report_milan.bin", &r);
    attls_status_clear(&st);
    assert_int_equal(attls_snp_vek_parse(x, &v, &st), ATTLS_OK);
    /* Product not set yet: the layouts cannot be compared. */
    assert_int_equal(attls_snp_check_tcb(&r, &v, &st), ATTLS_E_SNP_PRODUCT);
    assert_int_equal(attls_snp_report_set_product(&r, v.product, &st),
                     ATTLS_OK);
    attls_status_clear(&st);
    assert_int_equal(attls_snp_check_tcb(&r, &v, &st), ATTLS_OK);
    /* REPORTED_TCB.bl changed: the VEK was issued for another TCB. */
    r.reported_tcb.bootloader = 2;
    assert_int_equal(attls_snp_check_tcb(&r, &v, &st),
                     ATTLS_E_SNP_TCB_MISMATCH);
    assert_non_null(strstr(st.message, "bl 2 tee 0 snp 8 ucode 115"));
    assert_non_null(strstr(st.message, "bl 3 tee 0 snp 8 ucode 115"));
    r.reported_tcb.bootloader = 3;
    r.reported_tcb.microcode = 116;
    attls_status_clear(&st);
    assert_int_equal(attls_snp_check_tcb(&r, &v, &st),
                     ATTLS_E_SNP_TCB_MISMATCH);
    X509_free(x);
}

static void test_chip_id_check(void **state)
{
    attls_snp_report r;
    attls_snp_vek v = {.type = ATTLS_SNP_VEK_VCEK, .hwid_len = 64};
    attls_status st;

    (void)state;
    memset(&r, 0, sizeof(r));
    memcpy(r.chip_id, tu_chip64, 64);
    memcpy(v.hwid, tu_chip64, 64);
    attls_status_clear(&st);
    assert_int_equal(attls_snp_check_chip_id(&r, &v, &st), ATTLS_OK);
    v.hwid[63] ^= 1;
    assert_int_equal(attls_snp_check_chip_id(&r, &v, &st),
                     ATTLS_E_SNP_CHIP_ID_MISMATCH);
    assert_non_null(strstr(st.message, "byte 63"));
    /* A VLEK carries no hwID; a masked CHIP_ID cannot be compared. */
    v.type = ATTLS_SNP_VEK_VLEK;
    attls_status_clear(&st);
    assert_int_equal(attls_snp_check_chip_id(&r, &v, &st), ATTLS_OK);
    v.type = ATTLS_SNP_VEK_VCEK;
    memset(r.chip_id, 0, 64);
    assert_int_equal(attls_snp_check_chip_id(&r, &v, &st), ATTLS_OK);
    /* Turin: 8-byte hwID, CHIP_ID bytes 8..63 zero. */
    memcpy(r.chip_id, tu_chip8, 64);
    memcpy(v.hwid, tu_chip8, 8);
    v.hwid_len = 8;
    assert_int_equal(attls_snp_check_chip_id(&r, &v, &st), ATTLS_OK);
    r.chip_id[40] = 1;
    assert_int_equal(attls_snp_check_chip_id(&r, &v, &st),
                     ATTLS_E_SNP_CHIP_ID_MISMATCH);
    assert_non_null(strstr(st.message, "bytes 8..63"));
    r.chip_id[40] = 0;
    r.chip_id[0] ^= 0x80;
    attls_status_clear(&st);
    assert_int_equal(attls_snp_check_chip_id(&r, &v, &st),
                     ATTLS_E_SNP_CHIP_ID_MISMATCH);
    assert_non_null(strstr(st.message, "byte 0"));
}

/* Sign @p raw with the fake VEK and run the whole verification. */
static attls_code verify_fake(tu_fake_amd *f, uint8_t *raw,
                              attls_snp_product expected, attls_snp_report *r,
                              attls_status *st)
{
    attls_snp_verify_params p = {
        .at = tu_at(TU_AT), .roots_dir = f->dir, .product = expected};
    attls_code rc;

    tu_sign_report(raw, f->vek_key);
    attls_status_clear(st);
    rc = attls_snp_report_parse(raw, ATTLS_SNP_REPORT_SIZE, r, st);
    if (rc != ATTLS_OK)
        return rc;
    return attls_snp_verify(r, f->vek, NULL, &p, NULL, st);
}

static void test_fake_turin_v3(void **state)
{
    const uint64_t tcb = TU_TCB_TURIN;
    uint8_t raw[ATTLS_SNP_REPORT_SIZE];
    attls_snp_report r;
    attls_status st;
    tu_fake_amd f;

    (void)state;
    tu_fake_amd_init(&f, ATTLS_SNP_PRODUCT_TURIN, &tu_spec_turin);
    tu_make_report(raw, 3, ATTLS_SNP_SIGNED_BY_VCEK, tcb, tu_chip8, 0x1A, 0x02);
    assert_int_equal(verify_fake(&f, raw, ATTLS_SNP_PRODUCT_UNKNOWN, &r, &st),
                     ATTLS_OK);
    assert_int_equal(r.product, ATTLS_SNP_PRODUCT_TURIN);
    assert_int_equal(r.reported_tcb.fmc, 1);
    /* Same TCB, fmc one lower in the report: not what the VCEK is for. */
    tu_make_report(raw, 3, ATTLS_SNP_SIGNED_BY_VCEK, tcb - 1, tu_chip8, 0x1A,
                   0x02);
    assert_int_equal(verify_fake(&f, raw, ATTLS_SNP_PRODUCT_UNKNOWN, &r, &st),
                     ATTLS_E_SNP_TCB_MISMATCH);
    assert_non_null(strstr(st.message, "fmc 0"));
    /* A Turin VCEK signing a report whose CPUID says Milan. */
    tu_make_report(raw, 3, ATTLS_SNP_SIGNED_BY_VCEK, 0x0500000000000302ULL,
                   tu_chip8, 0x19, 0x01);
    assert_int_equal(verify_fake(&f, raw, ATTLS_SNP_PRODUCT_UNKNOWN, &r, &st),
                     ATTLS_E_SNP_PRODUCT);
    /* Another chip. */
    tu_make_report(raw, 3, ATTLS_SNP_SIGNED_BY_VCEK, tcb, tu_chip64, 0x1A,
                   0x02);
    assert_int_equal(verify_fake(&f, raw, ATTLS_SNP_PRODUCT_UNKNOWN, &r, &st),
                     ATTLS_E_SNP_CHIP_ID_MISMATCH);
    /* Expecting Milan: the Turin chain is not Milan's (even pinned here). */
    tu_make_report(raw, 3, ATTLS_SNP_SIGNED_BY_VCEK, tcb, tu_chip8, 0x1A, 0x02);
    assert_int_equal(verify_fake(&f, raw, ATTLS_SNP_PRODUCT_MILAN, &r, &st),
                     ATTLS_E_CERT_ROOT);
    tu_fake_amd_free(&f);
}

static void test_fake_genoa_v5_vlek(void **state)
{
    const uint64_t tcb = TU_TCB_GENOA;
    uint8_t raw[ATTLS_SNP_REPORT_SIZE];
    attls_snp_report r;
    attls_status st;
    tu_fake_amd f;

    (void)state;
    tu_fake_amd_init(&f, ATTLS_SNP_PRODUCT_GENOA, &tu_spec_genoa_vlek);
    /* VLEK reports may carry a zero CHIP_ID; a VLEK has no hwID anyway. */
    tu_make_report(raw, 5, ATTLS_SNP_SIGNED_BY_VLEK, tcb, tu_chip64, 0x19,
                   0x11);
    raw[0x1F8] = 1; /* LAUNCH_MIT_VECTOR */
    assert_int_equal(verify_fake(&f, raw, ATTLS_SNP_PRODUCT_GENOA, &r, &st),
                     ATTLS_OK);
    assert_int_equal(r.launch_mit_vector, 1);
    /* The same key claimed as the VCEK. */
    tu_make_report(raw, 5, ATTLS_SNP_SIGNED_BY_VCEK, tcb, tu_chip64, 0x19,
                   0x11);
    assert_int_equal(verify_fake(&f, raw, ATTLS_SNP_PRODUCT_UNKNOWN, &r, &st),
                     ATTLS_E_SNP_SIGNER);
    tu_make_report(raw, 5, ATTLS_SNP_SIGNED_BY_NONE, tcb, tu_chip64, 0x19,
                   0x11);
    assert_int_equal(verify_fake(&f, raw, ATTLS_SNP_PRODUCT_UNKNOWN, &r, &st),
                     ATTLS_E_SNP_SIGNER);
    tu_fake_amd_free(&f);
}

static void test_fake_milan_v2_masked_chip(void **state)
{
    const tu_vek_spec spec = {.type = ATTLS_SNP_VEK_VCEK,
                              .product_name = "Milan-B1",
                              .bl = 4,
                              .tee = 0,
                              .snp = 22,
                              .ucode = 213,
                              .hwid = tu_chip64,
                              .hwid_len = 64};
    const uint64_t tcb = 0xD516000000000004ULL;
    uint8_t raw[ATTLS_SNP_REPORT_SIZE];
    attls_snp_report r;
    attls_status st;
    tu_fake_amd f;

    (void)state;
    tu_fake_amd_init(&f, ATTLS_SNP_PRODUCT_MILAN, &spec);
    tu_make_report(raw, 2, ATTLS_SNP_SIGNED_BY_VCEK, tcb, zero_chip, 0, 0);
    assert_int_equal(verify_fake(&f, raw, ATTLS_SNP_PRODUCT_UNKNOWN, &r, &st),
                     ATTLS_OK);
    assert_int_equal(r.reported_tcb.microcode, 213);
    /* A reserved TCB byte in a v2 report is caught once the VEK says
     * Milan (version 2 has no CPUID to tell earlier). */
    tu_make_report(raw, 2, ATTLS_SNP_SIGNED_BY_VCEK, tcb | 1ULL << 24,
                   tu_chip64, 0, 0);
    assert_int_equal(verify_fake(&f, raw, ATTLS_SNP_PRODUCT_UNKNOWN, &r, &st),
                     ATTLS_E_SNP_RESERVED);
    assert_string_equal(st.check, "snp.tcb");
    /* With a valid signature, the VEK's own wrong TCB. */
    tu_make_report(raw, 2, ATTLS_SNP_SIGNED_BY_VCEK, tcb + 1, tu_chip64, 0, 0);
    assert_int_equal(verify_fake(&f, raw, ATTLS_SNP_PRODUCT_UNKNOWN, &r, &st),
                     ATTLS_E_SNP_TCB_MISMATCH);
    tu_fake_amd_free(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_real_vectors),
        cmocka_unit_test(test_real_chain_failures),
        cmocka_unit_test(test_chain_with_bundle_and_override),
        cmocka_unit_test(test_signature_function),
        cmocka_unit_test(test_signer_check),
        cmocka_unit_test(test_tcb_check),
        cmocka_unit_test(test_chip_id_check),
        cmocka_unit_test(test_fake_turin_v3),
        cmocka_unit_test(test_fake_genoa_v5_vlek),
        cmocka_unit_test(test_fake_milan_v2_masked_chip),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
