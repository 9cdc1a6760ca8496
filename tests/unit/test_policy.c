/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests for the client policy (evidence/policy.c, policy_check.c):
 * strict parsing of malformed policies, each refused with its code, and
 * the verdicts of the claims, PCR, TDX and pinned-AK rules.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include "evidence/policy.h"

#define HEX48 "000000000000000000000000000000000000000000000000"
#define M48 HEX48 HEX48 /* 96 hex digits */

static attls_policy *load(const char *json, attls_status *st)
{
    attls_status_clear(st);
    return attls_policy_load_text(json, strlen(json), st);
}

static void expect_refused(const char *json, attls_code code)
{
    attls_status st;
    attls_policy *p = load(json, &st);

    if (p != NULL || st.code != code)
        fail_msg("'%s': got %s (%s), expected %s", json,
                 attls_status_code_name(st.code), st.message,
                 attls_status_code_name(code));
}

static void test_malformed(void **state)
{
    static const struct {
        const char *json;
        attls_code code;
    } cases[] = {
        {"", ATTLS_E_POLICY_SYNTAX},
        {"[]", ATTLS_E_POLICY_VALUE},
        {"{", ATTLS_E_POLICY_SYNTAX},
        {"{\"allow_debug\":false,\"allow_debug\":true}", ATTLS_E_POLICY_SYNTAX},
        {"{\"alow_debug\":true}", ATTLS_E_POLICY_SYNTAX},
        {"{\"allow_debug\":1}", ATTLS_E_POLICY_VALUE},
        {"{\"platforms\":[]}", ATTLS_E_POLICY_VALUE},
        {"{\"platforms\":\"azure-snp\"}", ATTLS_E_POLICY_VALUE},
        {"{\"platforms\":[\"aws-nitro\"]}", ATTLS_E_POLICY_VALUE},
        {"{\"platforms\":[1]}", ATTLS_E_POLICY_VALUE},
        {"{\"residency\":\"disk\"}", ATTLS_E_POLICY_VALUE},
        {"{\"residency\":true}", ATTLS_E_POLICY_VALUE},
        {"{\"max_age\":-1}", ATTLS_E_POLICY_VALUE},
        {"{\"max_age\":1.5}", ATTLS_E_POLICY_VALUE},
        {"{\"verification_time\":\"yesterday\"}", ATTLS_E_POLICY_VALUE},
        {"{\"roots_dir\":\"\"}", ATTLS_E_POLICY_VALUE},
        {"{\"snp\":{\"measurement\":[]}}", ATTLS_E_POLICY_SYNTAX},
        {"{\"snp\":{\"measurements\":[]}}", ATTLS_E_POLICY_VALUE},
        {"{\"snp\":{\"measurements\":[\"00\"]}}", ATTLS_E_POLICY_VALUE},
        {"{\"snp\":{\"measurements\":[\"" M48 "0\"]}}", ATTLS_E_POLICY_VALUE},
        {"{\"snp\":{\"measurements\":[\"" HEX48 "zz" HEX48 "\"]}}",
         ATTLS_E_POLICY_VALUE},
        {"{\"snp\":{\"min_tcb\":{\"snp\":256}}}", ATTLS_E_POLICY_VALUE},
        {"{\"snp\":{\"min_tcb\":{\"fw\":1}}}", ATTLS_E_POLICY_SYNTAX},
        {"{\"snp\":[]}", ATTLS_E_POLICY_VALUE},
        {"{\"tdx\":{\"rtmr4\":[]}}", ATTLS_E_POLICY_SYNTAX},
        {"{\"tdx\":{\"tcb_status\":[\"Great\"]}}", ATTLS_E_POLICY_VALUE},
        {"{\"tdx\":{\"tcb_status\":[\"UpToDate,OutOfDate\"]}}",
         ATTLS_E_POLICY_VALUE},
        {"{\"pcrs\":{}}", ATTLS_E_POLICY_VALUE},
        {"{\"pcrs\":{\"md5\":{\"0\":\"00\"}}}", ATTLS_E_POLICY_VALUE},
        {"{\"pcrs\":{\"sha256\":{\"24x\":\"00\"}}}", ATTLS_E_POLICY_VALUE},
        {"{\"pcrs\":{\"sha256\":{\"7\":\"0011\"}}}", ATTLS_E_POLICY_VALUE},
        {"{\"tpm_ak_pins\":[\"" HEX48 "\"]}", ATTLS_E_POLICY_VALUE},
        {"{\"nonce\":\"0\"}", ATTLS_E_POLICY_VALUE},
        {"{\"nonce\":\"\"}", ATTLS_E_POLICY_VALUE},
        {"{\"nonce\":\"0g\"}", ATTLS_E_POLICY_VALUE},
        {"{\"nonce\":12}", ATTLS_E_POLICY_VALUE},
    };

    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        expect_refused(cases[i].json, cases[i].code);
}

static void test_file_errors(void **state)
{
    attls_status st;

    (void)state;
    attls_status_clear(&st);
    assert_null(attls_policy_load_file("/nonexistent/policy.json", &st));
    assert_int_equal(st.code, ATTLS_E_IO);
    attls_status_clear(&st);
    assert_null(attls_policy_load_text(NULL, 0, &st));
    assert_int_equal(st.code, ATTLS_E_POLICY_SYNTAX);
}

static void test_full_policy(void **state)
{
    const char *json =
        "{\"platforms\":[\"azure-snp\",\"gcp-tdx\"],\"residency\":\"vtpm\","
        "\"allow_debug\":true,\"max_age\":3600,\"roots_dir\":\"/r\","
        "\"verification_time\":\"2026-03-01T00:00:00Z\","
        "\"azure_require_user_data\":true,"
        "\"snp\":{\"measurements\":[\"" M48 "\"],\"min_tcb\":{\"bootloader\":"
        "3,\"tee\":0,\"snp\":8,\"microcode\":115}},"
        "\"tdx\":{\"mrtd\":[\"" M48 "\",\"" M48 "\"],\"rtmr2\":[\"" M48
        "\"],\"tcb_status\":[\"UpToDate\",\"SWHardeningNeeded\"]},"
        "\"pcrs\":{\"sha256\":{\"7\":\"" HEX48 "0000000000000000\"}},"
        "\"tpm_ak_pins\":[\"" HEX48 "0000000000000000\"]}";
    attls_status st;
    attls_policy *p = load(json, &st);

    (void)state;
    if (p == NULL)
        fail_msg("%s", st.message);
    assert_int_equal(p->platforms, (1u << ATTLS_PLATFORM_AZURE_SNP) |
                                       (1u << ATTLS_PLATFORM_GCP_TDX));
    assert_int_equal(p->residency, ATTLS_RESIDENCY_VTPM);
    assert_true(p->allow_debug);
    assert_int_equal(p->max_age, 3600);
    assert_string_equal(p->roots_dir, "/r");
    assert_true(p->have_time);
    assert_true(p->require_user_data);
    assert_int_equal(p->n_snp_measurements, 1);
    assert_true(p->check_snp_min_tcb);
    assert_int_equal(p->snp_min_tcb.microcode, 115);
    assert_int_equal(p->n_tdx_mrtd, 2);
    assert_int_equal(p->n_tdx_rtmr[2], 1);
    assert_int_equal(p->n_tdx_rtmr[0], 0);
    assert_int_not_equal(p->tdx_tcb_statuses, 0);
    assert_int_equal(p->pcrs.bank_count, 1);
    assert_int_equal(p->n_ak_pins, 1);
    attls_policy_free(p);
}

static void test_defaults(void **state)
{
    attls_status st;
    attls_policy *p = load("{}", &st);

    (void)state;
    assert_non_null(p);
    /* Every TEE platform, never the plain TPM; debug off; no age limit. */
    assert_false(p->platforms & (1u << ATTLS_PLATFORM_TPM));
    assert_true(p->platforms & (1u << ATTLS_PLATFORM_AZURE_TDX));
    assert_false(p->allow_debug);
    assert_true(p->max_age < 0);
    assert_null(p->roots_dir);
    assert_int_equal(attls_policy_set_roots_dir(p, "/x"), ATTLS_OK);
    assert_string_equal(p->roots_dir, "/x");
    assert_int_equal(attls_policy_set_roots_dir(p, NULL), ATTLS_OK);
    assert_null(p->roots_dir);
    assert_int_equal(attls_policy_set_time(NULL, 0), ATTLS_E_ARGUMENT);
    attls_policy_free(p);
    attls_policy_free(NULL);
}

static void claims_of(attls_claims *c, attls_platform pl, attls_residency r,
                      time_t created)
{
    memset(c, 0, sizeof(*c));
    c->version = 1;
    c->platform = pl;
    c->residency = r;
    c->created = created;
}

static attls_code check(const char *json, const attls_claims *c, time_t at)
{
    attls_status st;
    attls_policy *p = load(json, &st);
    attls_code rc;

    assert_non_null(p);
    attls_status_clear(&st);
    rc = attls_policy_check_claims(p, c, at, &st);
    attls_policy_free(p);
    return rc;
}

static void test_claims_verdicts(void **state)
{
    attls_claims c;

    (void)state;
    claims_of(&c, ATTLS_PLATFORM_GCP_SNP, ATTLS_RESIDENCY_MEMORY, 1000);
    assert_int_equal(check("{}", &c, 5000), ATTLS_OK);
    assert_int_equal(check("{\"platforms\":[\"azure-snp\"]}", &c, 5000),
                     ATTLS_E_POLICY_PLATFORM);
    assert_int_equal(check("{\"residency\":\"vtpm\"}", &c, 5000),
                     ATTLS_E_POLICY_RESIDENCY);
    assert_int_equal(check("{\"residency\":\"any\"}", &c, 5000), ATTLS_OK);
    assert_int_equal(check("{\"max_age\":4000}", &c, 5000), ATTLS_OK);
    assert_int_equal(check("{\"max_age\":3999}", &c, 5000), ATTLS_E_POLICY_AGE);
    /* Evidence from the future is refused when ages are checked. */
    assert_int_equal(check("{\"max_age\":3999}", &c, 999), ATTLS_E_POLICY_AGE);
    assert_int_equal(check("{\"nonce\":\"00ff\"}", &c, 5000),
                     ATTLS_E_POLICY_NONCE);
    c.nonce[1] = 0xff;
    c.nonce_len = 2;
    assert_int_equal(check("{\"nonce\":\"00FF\"}", &c, 5000), ATTLS_OK);
    assert_int_equal(check("{\"nonce\":\"00fe\"}", &c, 5000),
                     ATTLS_E_POLICY_NONCE);
    assert_int_equal(check("{\"nonce\":\"00ff00\"}", &c, 5000),
                     ATTLS_E_POLICY_NONCE);
    claims_of(&c, ATTLS_PLATFORM_TPM, ATTLS_RESIDENCY_VTPM, 1000);
    assert_int_equal(check("{}", &c, 5000), ATTLS_E_POLICY_PLATFORM);
    assert_int_equal(check("{\"platforms\":[\"tpm\"]}", &c, 5000), ATTLS_OK);
}

static void test_pcr_verdicts(void **state)
{
    const char *json =
        "{\"pcrs\":{\"sha256\":{\"7\":\"" HEX48 "000000000000000a\"}}}";
    attls_status st;
    attls_policy *p = load(json, &st);
    attls_tpm_pcrs q;
    uint8_t v[32] = {0};

    (void)state;
    assert_non_null(p);
    attls_tpm_pcrs_init(&q);
    attls_status_clear(&st);
    /* The quote does not cover PCR 7. */
    assert_int_equal(attls_policy_check_pcrs(p, &q, &st), ATTLS_E_POLICY_PCR);
    assert_int_equal(attls_tpm_pcrs_set(&q, TPM2_ALG_SHA256, 7, v, 32, &st),
                     ATTLS_OK);
    attls_status_clear(&st);
    assert_int_equal(attls_policy_check_pcrs(p, &q, &st), ATTLS_E_POLICY_PCR);
    assert_non_null(strstr(st.message, "sha256:7"));
    attls_tpm_pcrs_init(&q);
    v[31] = 0x0a;
    assert_int_equal(attls_tpm_pcrs_set(&q, TPM2_ALG_SHA256, 7, v, 32, &st),
                     ATTLS_OK);
    assert_int_equal(attls_policy_check_pcrs(p, &q, &st), ATTLS_OK);
    attls_policy_free(p);
}

static void test_tdx_verdicts(void **state)
{
    const char *json =
        "{\"tdx\":{\"mrtd\":[\"" M48 "\"],\"rtmr3\":[\"" M48 "\"]}}";
    attls_status st;
    attls_policy *p = load(json, &st);
    attls_tdx_td_report td;

    (void)state;
    assert_non_null(p);
    memset(&td, 0, sizeof(td));
    assert_int_equal(attls_policy_check_tdx(p, &td, &st), ATTLS_OK);
    td.rtmr[3][47] = 1;
    attls_status_clear(&st);
    assert_int_equal(attls_policy_check_tdx(p, &td, &st),
                     ATTLS_E_POLICY_TDX_MEASUREMENT);
    assert_string_equal(st.check, "policy.rtmr");
    td.rtmr[3][47] = 0;
    td.mrtd[0] = 1;
    attls_status_clear(&st);
    assert_int_equal(attls_policy_check_tdx(p, &td, &st),
                     ATTLS_E_POLICY_TDX_MEASUREMENT);
    assert_string_equal(st.check, "policy.mrtd");
    attls_policy_free(p);
}

static void test_ak_pins(void **state)
{
    const uint8_t spki[] = {0x30, 0x03, 0x02, 0x01, 0x00};
    uint8_t md[32];
    char json[128], hex[65];
    attls_status st;
    attls_policy *p;

    (void)state;
    assert_int_equal(
        EVP_Digest(spki, sizeof(spki), md, NULL, EVP_sha256(), NULL), 1);
    for (int i = 0; i < 32; i++)
        snprintf(hex + 2 * i, 3, "%02x", md[i]);
    snprintf(json, sizeof(json), "{\"tpm_ak_pins\":[\"%s\"]}", hex);
    p = load(json, &st);
    assert_non_null(p);
    assert_int_equal(attls_policy_check_ak(p, spki, sizeof(spki), &st),
                     ATTLS_OK);
    attls_status_clear(&st);
    assert_int_equal(attls_policy_check_ak(p, spki, sizeof(spki) - 1, &st),
                     ATTLS_E_POLICY_AK);
    attls_policy_free(p);
}

/* The sample policies of conf/ parse. */
static void test_sample_policies(void **state)
{
    static const char *const names[] = {"policy-default.json",
                                        "policy-azure-snp.json",
                                        "policy-gcp-memory.json"};
    const char *root = getenv("ATTLS_SOURCE_ROOT");

    (void)state;
    if (root == NULL)
        skip();
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        char path[4096];
        attls_status st;
        attls_policy *p;

        snprintf(path, sizeof(path), "%s/conf/%s", root, names[i]);
        attls_status_clear(&st);
        p = attls_policy_load_file(path, &st);
        if (p == NULL)
            fail_msg("%s: %s", path, st.message);
        attls_policy_free(p);
    }
}

/* A certificate without evidence is refused before anything else. */
static void test_verify_plain_certificate(void **state)
{
    EVP_PKEY *key = EVP_EC_gen("P-256");
    X509 *x = X509_new();
    attls_result r;
    attls_status st;

    (void)state;
    assert_non_null(key);
    assert_non_null(x);
    X509_set_pubkey(x, key);
    X509_gmtime_adj(X509_getm_notBefore(x), 0);
    X509_gmtime_adj(X509_getm_notAfter(x), 60);
    assert_true(X509_sign(x, key, EVP_sha256()) > 0);
    assert_int_equal(attls_verify_certificate(x, NULL, &r, &st),
                     ATTLS_E_EVIDENCE_MISSING);
    assert_null(r.json);
    assert_int_equal(attls_verify_certificate(NULL, NULL, &r, &st),
                     ATTLS_E_ARGUMENT);
    attls_result_free(&r);
    X509_free(x);
    EVP_PKEY_free(key);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_malformed),
        cmocka_unit_test(test_file_errors),
        cmocka_unit_test(test_full_policy),
        cmocka_unit_test(test_defaults),
        cmocka_unit_test(test_claims_verdicts),
        cmocka_unit_test(test_pcr_verdicts),
        cmocka_unit_test(test_tdx_verdicts),
        cmocka_unit_test(test_ak_pins),
        cmocka_unit_test(test_sample_policies),
        cmocka_unit_test(test_verify_plain_certificate),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
