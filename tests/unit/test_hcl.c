/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Azure HCL reports: the real SNP and TDX reports, every container rule on
 * edited copies, the runtime claims, and the full path with an SNP report
 * signed by a fake AMD hierarchy (no real HCL report comes with its VCEK).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <openssl/core_names.h>

#include "evidence/hcl.h"
#include "snp_testutil.h"

#define SNP_HCL "azure-cvm-tooling/hcl-report-snp.bin"
#define TDX_HCL "azure-cvm-tooling/hcl-report-tdx.bin"
#define HCL_2022 "azure-cvm-guest-attestation/hcl-report-snp-2022.bin"

static void put_le32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static attls_code verify_buf(const attls_buf *b,
                             const attls_hcl_verify_params *p,
                             attls_hcl_report *r, attls_status *st)
{
    attls_status_clear(st);
    return attls_hcl_verify(b->data, b->len, p, r, NULL, st);
}

static attls_code verify_file(const char *rel, attls_hcl_report *r,
                              attls_status *st)
{
    attls_buf b;
    attls_code rc;

    tu_read(rel, &b);
    rc = verify_buf(&b, NULL, r, st);
    attls_buf_free(&b);
    return rc;
}

static int rsa_bits(EVP_PKEY *k)
{
    return k != NULL && EVP_PKEY_is_a(k, "RSA") ? EVP_PKEY_get_bits(k) : -1;
}

static void test_real_snp(void **state)
{
    attls_hcl_report r;
    attls_status st;

    (void)state;
    assert_int_equal(verify_file(SNP_HCL, &r, &st), ATTLS_OK);
    assert_int_equal(r.version, 1);
    assert_int_equal(r.report_size, 1819);
    assert_int_equal(r.request_type, 2);
    assert_int_equal(r.data_size, 603);
    assert_int_equal(r.report_type, ATTLS_HCL_REPORT_SNP);
    assert_int_equal(r.hash_type, 1);
    assert_int_equal(r.claims_len, 583);
    assert_false(r.hw_verified);
    assert_int_equal(r.snp.version, 2);
    assert_int_equal(r.snp.vmpl, 0);
    assert_int_equal(r.snp.policy, 0x3001F);
    assert_int_equal(r.snp.reported_tcb.raw, 0x7308000000000003ULL);
    assert_int_equal(r.snp.current_tcb.raw, 0xCE08000000000003ULL);
    assert_int_equal(rsa_bits(r.claims.ak_pub), 2048);
    assert_null(r.claims.ek_pub);
    assert_false(r.claims.has_user_data);
    assert_int_equal(r.claims.vm_config.console_enabled, ATTLS_HCL_TRUE);
    assert_int_equal(r.claims.vm_config.secure_boot, ATTLS_HCL_TRUE);
    assert_int_equal(r.claims.vm_config.tpm_persisted, ATTLS_HCL_ABSENT);
    assert_true(r.claims.vm_config.has_current_time);
    assert_int_equal(r.claims.vm_config.current_time, 1678652405);
    assert_string_equal(r.claims.vm_config.vm_unique_id,
                        "BAEFD3E1-184B-4C4C-AB88-0BDAD260505F");
    attls_hcl_report_free(&r);
    attls_hcl_report_free(&r); /* a cleared report frees again */
}

static void test_real_tdx(void **state)
{
    attls_hcl_report r;
    attls_status st;
    uint8_t zero[64] = {0};
    char hex[97];

    (void)state;
    assert_int_equal(verify_file(TDX_HCL, &r, &st), ATTLS_OK);
    assert_int_equal(r.version, 2);
    assert_int_equal(r.report_size, 2438);
    assert_int_equal(r.data_size, 1222);
    assert_int_equal(r.claims_len, 1202);
    assert_int_equal(r.report_type, ATTLS_HCL_REPORT_TDX);
    assert_int_equal(r.tdx.type, 0x81);
    assert_int_equal(r.tdx.td_attributes, 0);
    assert_int_equal(r.tdx.xfam, 0x618E7);
    attls_hex_encode(r.tdx.mrtd, 48, hex);
    assert_string_equal(hex,
                        "75f3acc2e1dfc3acf404d7eaa69a2eefcd0475a0dd6516ef"
                        "5ba3cb83399c61b4aa1c638e3622bb650a514bfc6e858886");
    attls_hex_encode(r.tdx.report_data, 32, hex);
    assert_string_equal(hex, "e8f0796193ba21d6d43d2ea4bb6e4081ce4920729b348f39"
                             "099cd2f65ecb6170");
    assert_memory_equal(r.tdx.rtmr[3], zero, 48);
    assert_int_equal(rsa_bits(r.claims.ak_pub), 2048);
    assert_int_equal(rsa_bits(r.claims.ek_pub), 2048);
    assert_true(r.claims.has_user_data);
    assert_memory_equal(r.claims.user_data, zero, 64);
    assert_string_equal(r.claims.vm_config.root_cert_thumbprint,
                        "6nZZnYaJc4KqUZ_yvA-mucFdYNouvlPnITnNMXsHl-0");
    assert_int_equal(attls_hcl_check_user_data(&r, zero, &st), ATTLS_OK);
    zero[5] = 1;
    assert_int_equal(attls_hcl_check_user_data(&r, zero, &st),
                     ATTLS_E_HCL_USER_DATA_MISMATCH);
    attls_hcl_report_free(&r);
}

static void test_2022_binding_fails(void **state)
{
    attls_hcl_report r;
    attls_status st;

    (void)state;
    assert_int_equal(verify_file(HCL_2022, &r, &st), ATTLS_E_HCL_BINDING);
    assert_string_equal(st.check, "hcl.binding");
    assert_non_null(strstr(st.message, "36a3cc02b1c81ee7e48a24c106e7820ae5"));
    assert_non_null(strstr(st.message, "718c2d8f96924be7d0cc494202ad21a44f"));
    /* It parsed, with its version 1 SNP report, before failing. */
    assert_int_equal(r.snp.version, 1);
    assert_null(r.claims.ak_pub);
    attls_hcl_report_free(&r);
}

typedef struct edit {
    size_t off;
    uint32_t value;
    attls_code want;
} edit;

/* One u32 field of the real SNP HCL report changed at a time. */
static void test_container_fields(void **state)
{
    static const edit edits[] = {
        {0x00, 0x414C4349, ATTLS_E_HCL_MAGIC},
        {0x04, 0, ATTLS_E_HCL_VERSION},
        {0x04, 3, ATTLS_E_HCL_VERSION},
        {0x08, 1818, ATTLS_E_HCL_PARSE},
        {0x08, 1820, ATTLS_E_HCL_PARSE},
        {0x08, 2049, ATTLS_E_HCL_PARSE},
        {0x08, 0x4D3, ATTLS_E_HCL_PARSE},
        {0x08, 0xFFFFFFFF, ATTLS_E_HCL_PARSE},
        {0x0C, 1, ATTLS_E_HCL_REQUEST_TYPE},
        {0x0C, 3, ATTLS_E_HCL_REQUEST_TYPE},
        {0x10, 1, ATTLS_E_HCL_STATUS},
        {0x14, 1, ATTLS_E_HCL_RESERVED},
        {0x1C, 0x80000000, ATTLS_E_HCL_RESERVED},
        {0x4C0, 604, ATTLS_E_HCL_PARSE},
        {0x4C4, 2, ATTLS_E_HCL_VERSION},
        {0x4C8, 0, ATTLS_E_HCL_REPORT_TYPE},
        {0x4C8, 3, ATTLS_E_HCL_REPORT_TYPE},
        {0x4C8, 4, ATTLS_E_TDREPORT_TYPE}, /* an SNP report is no TDREPORT */
        {0x4CC, 2, ATTLS_E_HCL_HASH_TYPE},
        {0x4D0, 584, ATTLS_E_HCL_PARSE},
        {0x4D0, 0xFFFFFFFF, ATTLS_E_HCL_PARSE},
        {0x7FC, 1, ATTLS_E_HCL_RESERVED},         /* padding */
        {0x2C, 0x80000000, ATTLS_E_SNP_RESERVED}, /* SNP policy bit 63 */
    };
    attls_buf b;
    attls_hcl_report r;
    attls_status st;

    (void)state;
    tu_read(SNP_HCL, &b);
    for (size_t i = 0; i < sizeof(edits) / sizeof(edits[0]); i++) {
        uint8_t saved[4];

        memcpy(saved, b.data + edits[i].off, 4);
        put_le32(b.data + edits[i].off, edits[i].value);
        if (verify_buf(&b, NULL, &r, &st) != edits[i].want)
            fail_msg("u32 at 0x%zx := 0x%x: %s, expected %s (%s)", edits[i].off,
                     edits[i].value, attls_status_code_name(st.code),
                     attls_status_code_name(edits[i].want), st.message);
        assert_true(st.message[0] != '\0');
        attls_hcl_report_free(&r);
        memcpy(b.data + edits[i].off, saved, 4);
    }
    /* One claims byte fewer: the dropped byte is now padding (must be
     * zero); once it is, the sizes agree and the binding fails. */
    put_le32(b.data + 0x08, 1818);
    put_le32(b.data + 0x4C0, 602);
    put_le32(b.data + 0x4D0, 582);
    assert_int_equal(verify_buf(&b, NULL, &r, &st), ATTLS_E_HCL_RESERVED);
    b.data[1818] = 0;
    assert_int_equal(verify_buf(&b, NULL, &r, &st), ATTLS_E_HCL_BINDING);
    attls_hcl_report_free(&r);
    attls_buf_free(&b);
}

static void test_container_sizes(void **state)
{
    attls_buf b;
    attls_hcl_report r;
    attls_status st;
    uint8_t *big;

    (void)state;
    tu_read(SNP_HCL, &b);
    attls_status_clear(&st);
    assert_int_equal(attls_hcl_report_parse(b.data, 0x4D3, &r, &st),
                     ATTLS_E_HCL_PARSE);
    attls_status_clear(&st);
    assert_int_equal(attls_hcl_report_parse(NULL, 0, &r, &st),
                     ATTLS_E_HCL_PARSE);
    /* Exactly report_size bytes (no padding) is a complete report. */
    assert_int_equal(attls_hcl_report_parse(b.data, 1819, &r, &st), ATTLS_OK);
    attls_hcl_report_free(&r);
    big = OPENSSL_zalloc(ATTLS_HCL_MAX_SIZE + 1);
    assert_non_null(big);
    memcpy(big, b.data, b.len);
    assert_int_equal(attls_hcl_report_parse(big, ATTLS_HCL_MAX_SIZE, &r, &st),
                     ATTLS_OK);
    attls_hcl_report_free(&r);
    assert_int_equal(
        attls_hcl_report_parse(big, ATTLS_HCL_MAX_SIZE + 1, &r, &st),
        ATTLS_E_HCL_PARSE);
    OPENSSL_free(big);
    attls_buf_free(&b);
}

static void test_tdx_container(void **state)
{
    attls_buf b;
    attls_hcl_report r;
    attls_status st;

    (void)state;
    tu_read(TDX_HCL, &b);
    b.data[0x430] = 1; /* after the TDREPORT, inside the 1184-byte slot */
    assert_int_equal(verify_buf(&b, NULL, &r, &st), ATTLS_E_HCL_RESERVED);
    assert_non_null(strstr(st.message, "after the TDREPORT"));
    b.data[0x430] = 0;
    b.data[0x20] = 0x00; /* REPORTTYPE */
    assert_int_equal(verify_buf(&b, NULL, &r, &st), ATTLS_E_TDREPORT_TYPE);
    b.data[0x20] = 0x81;
    b.data[0xA0 + 40] = 1; /* REPORTDATA[40] */
    assert_int_equal(verify_buf(&b, NULL, &r, &st), ATTLS_E_HCL_BINDING);
    assert_non_null(strstr(st.message, "must be zero"));
    attls_hcl_report_free(&r);
    attls_buf_free(&b);
}

/* The paravisor's report is at VMPL 0; the check runs before the binding. */
static void test_vmpl(void **state)
{
    attls_buf b;
    attls_hcl_report r;
    attls_status st;

    (void)state;
    tu_read(SNP_HCL, &b);
    b.data[0x20 + 0x30] = 1;
    assert_int_equal(verify_buf(&b, NULL, &r, &st), ATTLS_E_HCL_VMPL);
    assert_non_null(strstr(st.message, "VMPL 1"));
    attls_hcl_report_free(&r);
    attls_buf_free(&b);
}

static attls_code claims(const char *json, attls_hcl_claims *c,
                         attls_status *st)
{
    attls_status_clear(st);
    return attls_hcl_claims_parse((const uint8_t *)json, strlen(json), c, st);
}

static void test_claims_real(void **state)
{
    attls_buf b;
    attls_hcl_claims c;
    attls_status st;

    (void)state;
    tu_read("azure-cvm-tooling/var-data.json", &b);
    attls_status_clear(&st);
    assert_int_equal(attls_hcl_claims_parse(b.data, b.len, &c, &st), ATTLS_OK);
    assert_int_equal(rsa_bits(c.ak_pub), 2048);
    assert_int_equal(rsa_bits(c.ek_pub), 2048);
    assert_true(c.has_user_data);
    assert_string_equal(c.vm_config.vm_unique_id,
                        "3404EF27-32A2-4A07-A4C7-1A1171624C5D");
    assert_false(c.vm_config.has_current_time);
    attls_hcl_claims_free(&c);
    attls_buf_free(&b);
    tu_read("azure-cvm-guest-attestation/hcl-report-snp-2022.runtime-data.json",
            &b);
    assert_int_equal(attls_hcl_claims_parse(b.data, b.len, &c, &st), ATTLS_OK);
    assert_int_equal(c.vm_config.current_time, 1649797958);
    attls_hcl_claims_free(&c);
    attls_buf_free(&b);
    /* The test claims: user-data hex in mixed case. */
    assert_int_equal(claims(tu_claims, &c, &st), ATTLS_OK);
    assert_int_equal(c.user_data[9], 0x99);
    assert_int_equal(c.user_data[15], 0xff);
    assert_int_equal(c.user_data[31], 0xff);
    assert_int_equal(c.vm_config.console_enabled, ATTLS_HCL_FALSE);
    assert_int_equal(c.vm_config.tpm_persisted, ATTLS_HCL_TRUE);
    attls_hcl_claims_free(&c);
}

/* Replace the first @p from in tu_claims with @p to. */
static char *claims_with(const char *from, const char *to)
{
    const char *at = strstr(tu_claims, from);
    size_t n = strlen(tu_claims) - strlen(from) + strlen(to) + 1;
    char *s = malloc(n);

    assert_non_null(at);
    assert_non_null(s);
    snprintf(s, n, "%.*s%s%s", (int)(at - tu_claims), tu_claims, to,
             at + strlen(from));
    return s;
}

static void test_claims_rejects(void **state)
{
    static const struct {
        const char *from, *to;
        attls_code want;
    } cases[] = {
        /* JSON itself */
        {"{\"keys\"", "[{\"keys\"", ATTLS_E_HCL_CLAIMS},
        {"\"tpm-enabled\":true,", "\"tpm-enabled\":true,\"tpm-enabled\":true,",
         ATTLS_E_HCL_CLAIMS},
        {"11111111-", "\xC3\x28", ATTLS_E_HCL_CLAIMS}, /* invalid UTF-8 */
        {"11111111-", "\\u0000", ATTLS_E_HCL_CLAIMS},
        {"{\"keys\"", "{\"keys\":1,\"keys\"", ATTLS_E_HCL_CLAIMS},
        /* keys */
        {"\"keys\":[", "\"keys\":{\"a\":", ATTLS_E_HCL_CLAIMS},
        {"\"keys\":[", "\"keys\":[1,", ATTLS_E_HCL_CLAIMS},
        {"\"keys\":[", "\"keys\":[{\"kid\":5},", ATTLS_E_HCL_CLAIMS},
        {"\"kid\":\"HCLAkPub\"", "\"kid\":\"HCLEkPubX\"", ATTLS_E_HCL_AK},
        {"\"kid\":\"HCLAkPub\"", "\"kid\":\"hclakpub\"", ATTLS_E_HCL_AK},
        {"\"keys\":[", "\"keys\":[{\"kid\":\"HCLAkPub\",\"kty\":\"RSA\"},",
         ATTLS_E_HCL_AK},
        {"\"kty\":\"RSA\"", "\"kty\":\"EC\"", ATTLS_E_HCL_AK},
        {"\"e\":\"AQAB\"", "\"e\":\"AQAB=\"", ATTLS_E_HCL_AK},
        {"\"e\":\"AQAB\"", "\"e\":\"AAEAAQ\"", ATTLS_E_HCL_AK},
        {"\"e\":\"AQAB\"", "\"e\":65537", ATTLS_E_HCL_AK},
        {"\"n\":\"tegZ", "\"n\":\"+egZ", ATTLS_E_HCL_AK},
        {"\"keys\":[",
         "\"keys\":[{\"kid\":\"HCLEkPub\",\"kty\":\"RSA\",\"e\":\"AQAB\","
         "\"n\":\"AQAB\"},",
         ATTLS_E_HCL_AK},
        /* user-data */
        {"\"user-data\":\"00", "\"user-data\":\"0", ATTLS_E_HCL_USER_DATA},
        {"\"user-data\":\"00", "\"user-data\":\"0g", ATTLS_E_HCL_USER_DATA},
        {"\"user-data\":\"00", "\"user-data\":\"0000", ATTLS_E_HCL_USER_DATA},
        {"\"user-data\":\"", "\"user-data\":[\"", ATTLS_E_HCL_CLAIMS},
        /* vm-configuration */
        {"\"vm-configuration\":{", "\"vm-configuration\":[{",
         ATTLS_E_HCL_CLAIMS},
        {"\"vm-configuration\"", "\"vm-config\"", ATTLS_E_HCL_VM_CONFIG},
        {"\"secure-boot\":true", "\"secure-boot\":\"true\"",
         ATTLS_E_HCL_VM_CONFIG},
        {"\"secure-boot\":true", "\"secure-boot\":1", ATTLS_E_HCL_VM_CONFIG},
        {"\"vmUniqueId\":\"", "\"vmUniqueId\":7,\"x\":\"",
         ATTLS_E_HCL_VM_CONFIG},
        {"\"vmUniqueId\":\"",
         "\"vmUniqueId\":\"0123456789012345678901234567890123456789012345678"
         "901234567890123456789",
         ATTLS_E_HCL_VM_CONFIG},
        {"\"tpm-persisted\":true", "\"current-time\":-1",
         ATTLS_E_HCL_VM_CONFIG},
        {"\"tpm-persisted\":true", "\"current-time\":1.5",
         ATTLS_E_HCL_VM_CONFIG},
    };
    attls_hcl_claims c;
    attls_status st;

    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char *s = claims_with(cases[i].from, cases[i].to);
        attls_code rc = claims(s, &c, &st);

        if (rc != cases[i].want)
            fail_msg("case %zu (%s -> %s): %s, expected %s (%s)", i,
                     cases[i].from, cases[i].to, attls_status_code_name(rc),
                     attls_status_code_name(cases[i].want), st.message);
        assert_null(c.json); /* cleared on failure */
        free(s);
    }
    /* Trailing bytes, NUL inside, empty. */
    assert_int_equal(claims("{} x", &c, &st), ATTLS_E_HCL_CLAIMS);
    attls_status_clear(&st);
    assert_int_equal(
        attls_hcl_claims_parse((const uint8_t *)"{}\0", 3, &c, &st),
        ATTLS_E_HCL_CLAIMS);
    assert_int_equal(claims("", &c, &st), ATTLS_E_HCL_CLAIMS);
    assert_int_equal(claims("\"keys\"", &c, &st), ATTLS_E_HCL_CLAIMS);
    assert_int_equal(claims("{}", &c, &st), ATTLS_E_HCL_CLAIMS);
    assert_int_equal(claims("{\"keys\":[]}", &c, &st), ATTLS_E_HCL_CLAIMS);
}

/* The Azure path end to end: SNP report signed by a (fake) VCEK whose
 * REPORT_DATA binds the claims, in an HCL report, verified with the chain. */
static void test_full_snp_path(void **state)
{
    uint8_t hw[ATTLS_HCL_HW_REPORT_SIZE];
    attls_hcl_verify_params p;
    attls_hcl_report r;
    attls_snp_vek vek;
    attls_status st;
    tu_fake_amd f;
    attls_buf b;

    (void)state;
    tu_fake_amd_init(&f, ATTLS_SNP_PRODUCT_MILAN, &tu_spec_milan);
    p = (attls_hcl_verify_params){
        .snp = {.at = tu_at(TU_AT), .roots_dir = f.dir}, .vek = f.vek};
    tu_make_report(hw, 2, ATTLS_SNP_SIGNED_BY_VCEK, TU_TCB_MILAN, tu_chip64, 0,
                   0);
    tu_hcl_bind(hw, ATTLS_HCL_REPORT_SNP, tu_claims);
    tu_sign_report(hw, f.vek_key);
    tu_make_hcl(&b, 1, ATTLS_HCL_REPORT_SNP, hw, tu_claims, 2600);
    attls_status_clear(&st);
    assert_int_equal(attls_hcl_verify(b.data, b.len, &p, &r, &vek, &st),
                     ATTLS_OK);
    assert_true(r.hw_verified);
    assert_int_equal(vek.type, ATTLS_SNP_VEK_VCEK);
    assert_int_equal(r.snp.product, ATTLS_SNP_PRODUCT_MILAN);
    assert_int_equal(rsa_bits(r.claims.ak_pub), 2048);
    attls_hcl_report_free(&r);
    /* The same report without the chain: bound, not authenticated. */
    assert_int_equal(verify_buf(&b, NULL, &r, &st), ATTLS_OK);
    assert_false(r.hw_verified);
    attls_hcl_report_free(&r);
    /* Signed at VMPL 2: the guest OS chose REPORT_DATA. */
    hw[0x30] = 2;
    tu_sign_report(hw, f.vek_key);
    memcpy(b.data + 0x20, hw, sizeof(hw));
    assert_int_equal(verify_buf(&b, &p, &r, &st), ATTLS_E_HCL_VMPL);
    assert_true(r.hw_verified);
    attls_hcl_report_free(&r);
    /* Signed, but REPORT_DATA's upper half not zero. */
    hw[0x30] = 0;
    hw[0x50 + 63] = 1;
    tu_sign_report(hw, f.vek_key);
    memcpy(b.data + 0x20, hw, sizeof(hw));
    assert_int_equal(verify_buf(&b, &p, &r, &st), ATTLS_E_HCL_BINDING);
    attls_hcl_report_free(&r);
    /* Signed claims changed afterwards. */
    hw[0x50 + 63] = 0;
    tu_sign_report(hw, f.vek_key);
    memcpy(b.data + 0x20, hw, sizeof(hw));
    b.data[ATTLS_HCL_CLAIMS_OFFSET + 10] ^= 0x20;
    assert_int_equal(verify_buf(&b, &p, &r, &st), ATTLS_E_HCL_BINDING);
    attls_hcl_report_free(&r);
    /* The report tampered after signing. */
    b.data[ATTLS_HCL_CLAIMS_OFFSET + 10] ^= 0x20;
    b.data[0x20 + 0x90] ^= 1; /* MEASUREMENT */
    assert_int_equal(verify_buf(&b, &p, &r, &st), ATTLS_E_SNP_SIGNATURE);
    attls_hcl_report_free(&r);
    attls_buf_free(&b);
    tu_fake_amd_free(&f);
}

static void test_tdx_with_vek_unsupported(void **state)
{
    attls_buf b;
    X509 *x = tu_load_cert("virtee-sev/vcek_milan.der");
    attls_hcl_verify_params p = {.snp = {.at = tu_at(TU_AT)}, .vek = x};
    attls_hcl_report r;
    attls_status st;

    (void)state;
    tu_read(TDX_HCL, &b);
    assert_int_equal(verify_buf(&b, &p, &r, &st), ATTLS_E_UNSUPPORTED);
    attls_hcl_report_free(&r);
    attls_buf_free(&b);
    X509_free(x);
}

static void test_json(void **state)
{
    attls_hcl_report r;
    attls_status st;
    json_t *j;

    (void)state;
    assert_int_equal(verify_file(SNP_HCL, &r, &st), ATTLS_OK);
    j = attls_hcl_report_to_json(&r);
    assert_non_null(j);
    assert_int_equal(json_integer_value(json_object_get(
                         json_object_get(j, "header"), "report_size")),
                     1819);
    assert_string_equal(json_string_value(json_object_get(
                            json_object_get(j, "snp_report"), "product")),
                        "unknown");
    assert_true(json_is_false(json_object_get(j, "hw_verified")));
    assert_non_null(strstr(json_string_value(json_object_get(j, "ak_pub")),
                           "-----BEGIN PUBLIC KEY-----"));
    assert_true(json_is_object(json_object_get(j, "claims")));
    json_decref(j);
    attls_hcl_report_free(&r);
    assert_int_equal(verify_file(TDX_HCL, &r, &st), ATTLS_OK);
    j = attls_hcl_report_to_json(&r);
    assert_non_null(j);
    assert_string_equal(json_string_value(json_object_get(
                            json_object_get(j, "tdreport"), "xfam")),
                        "0x00000000000618e7");
    assert_string_equal(json_string_value(json_object_get(j, "user_data")),
                        "00000000000000000000000000000000000000000000000000"
                        "00000000000000000000000000000000000000000000000000"
                        "0000000000000000000000000000");
    json_decref(j);
    attls_hcl_report_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_real_snp),
        cmocka_unit_test(test_real_tdx),
        cmocka_unit_test(test_2022_binding_fails),
        cmocka_unit_test(test_container_fields),
        cmocka_unit_test(test_container_sizes),
        cmocka_unit_test(test_tdx_container),
        cmocka_unit_test(test_vmpl),
        cmocka_unit_test(test_claims_real),
        cmocka_unit_test(test_claims_rejects),
        cmocka_unit_test(test_full_snp_path),
        cmocka_unit_test(test_tdx_with_vek_unsupported),
        cmocka_unit_test(test_json),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
