/* SPDX-License-Identifier: Apache-2.0 */
/* PCR values: raw banks, the JSON format, and the digest in selection order. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "evidence/tpm_attest.h"
#include "tpm_fixtures.h"

static attls_code from_json(attls_tpm_pcrs *p, const char *json,
                            attls_status *st)
{
    attls_tpm_pcrs_init(p);
    attls_status_clear(st);
    return attls_tpm_pcrs_from_json(p, json, strlen(json), st);
}

#define D20 "00112233445566778899aabbccddeeff00112233"
#define D32 "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"

static void test_json_ok(void **state)
{
    attls_tpm_pcrs p;
    attls_status st;

    (void)state;
    assert_int_equal(from_json(&p,
                               "{\"sha256\": {\"0\": \"" D32
                               "\", \"23\": \"" D32
                               "\"}, \"sha1\": {\"31\": \"" D20 "\"}}",
                               &st),
                     ATTLS_OK);
    assert_int_equal(p.bank_count, 2);
    assert_int_equal(p.banks[0].hash_alg, TPM2_ALG_SHA256);
    assert_int_equal(p.banks[0].present, (1u << 0) | (1u << 23));
    assert_int_equal(p.banks[1].present, 1u << 31);
    assert_int_equal(p.banks[0].values[23][31], 0xff);
    /* Upper-case hex, an empty bank, an empty object. */
    assert_int_equal(from_json(&p,
                               "{\"sha384\": {}, \"sha256\": {\"1\": "
                               "\"00112233445566778899AABBCCDDEEFF0011223344556"
                               "6778899AABBCCDDEEFF\"}}",
                               &st),
                     ATTLS_OK);
    assert_int_equal(p.bank_count, 2);
    assert_int_equal(from_json(&p, "{}", &st), ATTLS_OK);
    assert_int_equal(p.bank_count, 0);
}

static void test_json_rejected(void **state)
{
    static const char *bad[] = {
        "",
        "[]",
        "{\"sha256\": {\"0\": \"" D32 "\"}",
        "{\"sha256\": []}",
        "{\"sha3\": {}}",
        "{\"SHA256\": {}}",
        "{\"sm3\": {}}",
        "{\"sha256\": {\"00\": \"" D32 "\"}}",
        "{\"sha256\": {\"32\": \"" D32 "\"}}",
        "{\"sha256\": {\"-1\": \"" D32 "\"}}",
        "{\"sha256\": {\"+1\": \"" D32 "\"}}",
        "{\"sha256\": {\"1x\": \"" D32 "\"}}",
        "{\"sha256\": {\"\": \"" D32 "\"}}",
        "{\"sha256\": {\"0\": \"" D20 "\"}}",
        "{\"sha1\": {\"0\": \"" D32 "\"}}",
        "{\"sha256\": {\"0\": \"" D32 "00\"}}",
        "{\"sha256\": {\"0\": 1}}",
        "{\"sha256\": {\"0\": null}}",
        "{\"sha256\": {\"0\": "
        "\"0g112233445566778899aabbccddeeff00112233445566778899aabbccddeeff\"}"
        "}",
        "{\"sha256\": {\"0\": \"" D32 "\", \"0\": \"" D32 "\"}}",
        "{\"sha256\": {}, \"sha256\": {}}",
    };
    attls_tpm_pcrs p;
    attls_status st;

    (void)state;
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        assert_int_equal(from_json(&p, bad[i], &st), ATTLS_E_TPM_PCR_INPUT);
        assert_string_equal(st.check, "tpm.pcrs");
        assert_true(st.message[0] != '\0');
    }
    /* Given twice across two inputs. */
    assert_int_equal(from_json(&p, "{\"sha256\": {\"4\": \"" D32 "\"}}", &st),
                     ATTLS_OK);
    assert_int_equal(attls_tpm_pcrs_from_json(
                         &p, "{\"sha256\": {\"4\": \"" D32 "\"}}",
                         strlen("{\"sha256\": {\"4\": \"" D32 "\"}}"), &st),
                     ATTLS_E_TPM_PCR_INPUT);
    assert_non_null(strstr(st.message, "twice"));
}

static void test_set_raw(void **state)
{
    TPMS_PCR_SELECTION sel = {.hash = TPM2_ALG_SHA384,
                              .sizeofSelect = 3,
                              .pcrSelect = {0x05, 0x00, 0x80}};
    uint8_t raw[3 * 48];
    attls_tpm_pcrs p;
    attls_status st;

    (void)state;
    for (size_t i = 0; i < sizeof(raw); i++)
        raw[i] = (uint8_t)(i / 48 + 1);
    attls_tpm_pcrs_init(&p);
    attls_status_clear(&st);
    assert_int_equal(attls_tpm_pcrs_set_raw(&p, &sel, raw, sizeof(raw), &st),
                     ATTLS_OK);
    assert_int_equal(p.banks[0].present, (1u << 0) | (1u << 2) | (1u << 23));
    /* Values in ascending index order. */
    assert_int_equal(p.banks[0].values[0][0], 1);
    assert_int_equal(p.banks[0].values[2][0], 2);
    assert_int_equal(p.banks[0].values[23][0], 3);
    attls_tpm_pcrs_init(&p);
    assert_int_equal(
        attls_tpm_pcrs_set_raw(&p, &sel, raw, sizeof(raw) - 1, &st),
        ATTLS_E_TPM_PCR_INPUT);
    assert_non_null(strstr(st.message, "144 bytes"));
    sel.hash = TPM2_ALG_SM3_256;
    assert_int_equal(attls_tpm_pcrs_set_raw(&p, &sel, raw, sizeof(raw), NULL),
                     ATTLS_E_TPM_PCR_INPUT);
    /* A bank with no PCR selected takes no value. */
    sel.hash = TPM2_ALG_SHA256;
    memset(sel.pcrSelect, 0, sizeof(sel.pcrSelect));
    attls_tpm_pcrs_init(&p);
    assert_int_equal(attls_tpm_pcrs_set_raw(&p, &sel, raw, 0, NULL), ATTLS_OK);
    assert_int_equal(p.bank_count, 1);
    assert_int_equal(attls_tpm_pcrs_set_raw(&p, &sel, raw, 32, NULL),
                     ATTLS_E_TPM_PCR_INPUT);
}

static void test_set_bounds(void **state)
{
    attls_tpm_pcrs p;
    uint8_t v[64] = {0};

    (void)state;
    attls_tpm_pcrs_init(&p);
    assert_int_equal(attls_tpm_pcrs_set(&p, TPM2_ALG_SHA256, 32, v, 32, NULL),
                     ATTLS_E_TPM_PCR_INPUT);
    assert_int_equal(attls_tpm_pcrs_set(&p, TPM2_ALG_SHA256, 1, v, 31, NULL),
                     ATTLS_E_TPM_PCR_INPUT);
    assert_int_equal(attls_tpm_pcrs_set(&p, TPM2_ALG_NULL, 1, v, 32, NULL),
                     ATTLS_E_TPM_PCR_INPUT);
    /* All four banks fit; a fifth hash does not exist to overflow them. */
    assert_int_equal(attls_tpm_pcrs_set(&p, TPM2_ALG_SHA1, 1, v, 20, NULL),
                     ATTLS_OK);
    assert_int_equal(attls_tpm_pcrs_set(&p, TPM2_ALG_SHA256, 1, v, 32, NULL),
                     ATTLS_OK);
    assert_int_equal(attls_tpm_pcrs_set(&p, TPM2_ALG_SHA384, 1, v, 48, NULL),
                     ATTLS_OK);
    assert_int_equal(attls_tpm_pcrs_set(&p, TPM2_ALG_SHA512, 31, v, 64, NULL),
                     ATTLS_OK);
    assert_int_equal(p.bank_count, ATTLS_TPM_MAX_BANKS);
}

/* The digest of the real Azure PCR file is the quoted pcrDigest. */
static void test_digest_real(void **state)
{
    attls_buf raw;
    TPML_PCR_SELECTION sel = {
        .count = 1,
        .pcrSelections = {{.hash = TPM2_ALG_SHA256,
                           .sizeofSelect = 3,
                           .pcrSelect = {0xff, 0xff, 0xff}}}};
    attls_tpm_pcrs p;
    uint8_t d[64];
    size_t n = 0;
    attls_status st;
    static const uint8_t want[] = {
        0x04, 0xfa, 0xbd, 0x98, 0x81, 0x06, 0x41, 0x2e, 0x43, 0x8c, 0x1b,
        0x93, 0xad, 0x3b, 0x4b, 0x04, 0x6c, 0x76, 0x0f, 0x8f, 0x99, 0xec,
        0x55, 0x7d, 0x87, 0xad, 0xf2, 0xab, 0x02, 0xb7, 0xa4, 0xa0};

    (void)state;
    fx_read("azure-cvm-tooling/quote.parts.pcrs_sha256", &raw);
    attls_tpm_pcrs_init(&p);
    assert_int_equal(attls_tpm_pcrs_set_raw(&p, &sel.pcrSelections[0], raw.data,
                                            raw.len, NULL),
                     ATTLS_OK);
    attls_status_clear(&st);
    assert_int_equal(
        attls_tpm_pcr_digest(&sel, &p, TPM2_ALG_SHA256, d, &n, &st), ATTLS_OK);
    assert_int_equal(n, 32);
    assert_memory_equal(d, want, 32);
    assert_int_equal(
        attls_tpm_pcr_digest(&sel, &p, TPM2_ALG_SM3_256, d, &n, &st),
        ATTLS_E_TPM_SIG_SCHEME);
    assert_int_equal(
        attls_tpm_pcr_digest(&sel, NULL, TPM2_ALG_SHA256, d, &n, NULL),
        ATTLS_E_ARGUMENT);
    attls_buf_free(&raw);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_json_ok),
        cmocka_unit_test(test_json_rejected),
        cmocka_unit_test(test_set_raw),
        cmocka_unit_test(test_set_bounds),
        cmocka_unit_test(test_digest_real),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
