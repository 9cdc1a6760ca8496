/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests for evidence/cmw.c: JSON CMW collections, built and parsed. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "evidence/cmw.h"

static attls_code decode_str(const char *json, attls_cmw *c, attls_status *st)
{
    attls_status_clear(st);
    return attls_cmw_decode(json, strlen(json), c, st);
}

/* Decoding @p json must fail with @p code and check name @p check. */
static void expect_reject(const char *json, attls_code code, const char *check)
{
    attls_cmw c;
    attls_status st = {0};
    attls_code rc = decode_str(json, &c, &st);

    if (rc != code || strcmp(st.check, check) != 0)
        fail_msg("'%s': got %s (%s: %s), expected %s (%s)", json,
                 attls_status_code_name(rc), st.check, st.message,
                 attls_status_code_name(code), check);
    assert_int_equal(c.count, 0);
}

static void test_roundtrip(void **state)
{
    const uint8_t a[] = {0xfb, 0xff, 0xfe, 0x01}, b[] = {'h', 'i'};
    attls_cmw c, d;
    attls_buf json;
    attls_status st = {0};
    const attls_cmw_record *r;

    (void)state;
    attls_cmw_init(&c, "https://example.com/p");
    assert_int_equal(
        attls_cmw_add(&c, "one", "application/x-a", 4, a, sizeof(a), &st),
        ATTLS_OK);
    assert_int_equal(
        attls_cmw_add(&c, "two.b_c-d", "text/plain", 0, b, sizeof(b), &st),
        ATTLS_OK);
    assert_int_equal(attls_cmw_encode(&c, &json, &st), ATTLS_OK);
    assert_string_equal((char *)json.data,
                        "{\"__cmwc_t\":\"https://example.com/p\","
                        "\"one\":[\"application/x-a\",\"-__-AQ\",4],"
                        "\"two.b_c-d\":[\"text/plain\",\"aGk\"]}");
    assert_int_equal(attls_cmw_decode((char *)json.data, json.len, &d, &st),
                     ATTLS_OK);
    assert_string_equal(d.type, "https://example.com/p");
    assert_int_equal(d.count, 2);
    r = attls_cmw_get(&d, "one");
    assert_non_null(r);
    assert_string_equal(r->media_type, "application/x-a");
    assert_int_equal(r->ind, 4);
    assert_int_equal(r->value.len, sizeof(a));
    assert_memory_equal(r->value.data, a, sizeof(a));
    r = attls_cmw_get(&d, "two.b_c-d");
    assert_non_null(r);
    assert_int_equal(r->ind, 0);
    assert_memory_equal(r->value.data, b, sizeof(b));
    assert_null(attls_cmw_get(&d, "three"));
    attls_buf_free(&json);
    attls_cmw_free(&c);
    attls_cmw_free(&d);
}

static void test_decode_accepts(void **state)
{
    attls_cmw c;
    attls_status st = {0};

    (void)state;
    /* Whitespace, an OID collection type, no type at all, empty values. */
    assert_int_equal(decode_str(" { \"__cmwc_t\" : \"1.3.6.1.4.1.0\" ,\n"
                                "\"a\" : [ \"a/b\" , \"\" ] } ",
                                &c, &st),
                     ATTLS_OK);
    assert_string_equal(c.type, "1.3.6.1.4.1.0");
    assert_int_equal(attls_cmw_get(&c, "a")->value.len, 0);
    attls_cmw_free(&c);
    assert_int_equal(decode_str("{\"x\":[\"a/b\",\"AA\",4294967295]}", &c, &st),
                     ATTLS_OK);
    assert_string_equal(c.type, "");
    assert_int_equal(c.records[0].ind, 4294967295u);
    attls_cmw_free(&c);
}

static void test_decode_rejects_structure(void **state)
{
    (void)state;
    expect_reject("", ATTLS_E_CMW_SYNTAX, "cmw.json");
    expect_reject("not json", ATTLS_E_CMW_SYNTAX, "cmw.json");
    expect_reject("[\"a/b\",\"AA\"]", ATTLS_E_CMW_SYNTAX, "cmw.json");
    expect_reject("{\"a\":[\"a/b\",\"AA\"]} trailing", ATTLS_E_CMW_SYNTAX,
                  "cmw.json");
    expect_reject("{\"a\":[\"a/b\",\"AA\"],\"a\":[\"a/b\",\"AB\"]}",
                  ATTLS_E_CMW_SYNTAX, "cmw.json");
    expect_reject("{}", ATTLS_E_CMW_SYNTAX, "cmw.records");
    expect_reject("{\"__cmwc_t\":\"urn:x\"}", ATTLS_E_CMW_SYNTAX,
                  "cmw.records");
    expect_reject("{\"a\":{\"b\":[\"a/b\",\"AA\"]}}", ATTLS_E_CMW_SYNTAX,
                  "cmw.nested");
    expect_reject("{\"a\":[\"a/b\"]}", ATTLS_E_CMW_SYNTAX, "cmw.record");
    expect_reject("{\"a\":[\"a/b\",\"AA\",4,5]}", ATTLS_E_CMW_SYNTAX,
                  "cmw.record");
    expect_reject("{\"a\":\"a/b\"}", ATTLS_E_CMW_SYNTAX, "cmw.record");
    expect_reject("{\"a\":null}", ATTLS_E_CMW_SYNTAX, "cmw.record");
    expect_reject("{\"a\":[\"#cmw-c2j-tunnel\",\"AA\"]}", ATTLS_E_CMW_SYNTAX,
                  "cmw.tunnel");
    /* Invalid UTF-8 and escaped NULs never reach the record layer. */
    expect_reject("{\"a\":[\"a/b\",\"A\xff\"]}", ATTLS_E_CMW_SYNTAX,
                  "cmw.json");
    expect_reject("{\"a\\u0000b\":[\"a/b\",\"AA\"]}", ATTLS_E_CMW_SYNTAX,
                  "cmw.json");
}

static void test_decode_rejects_fields(void **state)
{
    (void)state;
    expect_reject("{\"a b\":[\"a/b\",\"AA\"]}", ATTLS_E_CMW_SYNTAX,
                  "cmw.label");
    expect_reject("{\"\":[\"a/b\",\"AA\"]}", ATTLS_E_CMW_SYNTAX, "cmw.label");
    expect_reject("{\"a\":[30001,\"AA\"]}", ATTLS_E_CMW_SYNTAX,
                  "cmw.media_type");
    expect_reject("{\"a\":[\"a/b; x=y\",\"AA\"]}", ATTLS_E_CMW_SYNTAX,
                  "cmw.media_type");
    expect_reject("{\"a\":[\"ab\",\"AA\"]}", ATTLS_E_CMW_SYNTAX,
                  "cmw.media_type");
    expect_reject("{\"a\":[\"a/\",\"AA\"]}", ATTLS_E_CMW_SYNTAX,
                  "cmw.media_type");
    expect_reject("{\"a\":[\"/b\",\"AA\"]}", ATTLS_E_CMW_SYNTAX,
                  "cmw.media_type");
    expect_reject("{\"a\":[\"a/b\",42]}", ATTLS_E_CMW_SYNTAX, "cmw.value");
    expect_reject("{\"a\":[\"a/b\",\"AA==\"]}", ATTLS_E_CMW_SYNTAX,
                  "cmw.value");
    expect_reject("{\"a\":[\"a/b\",\"A+/A\"]}", ATTLS_E_CMW_SYNTAX,
                  "cmw.value");
    expect_reject("{\"a\":[\"a/b\",\"A\"]}", ATTLS_E_CMW_SYNTAX, "cmw.value");
    expect_reject("{\"a\":[\"a/b\",\"A A\"]}", ATTLS_E_CMW_SYNTAX, "cmw.value");
    /* "AB" decodes to one byte but leaves non-zero unused bits. */
    expect_reject("{\"a\":[\"a/b\",\"AB\"]}", ATTLS_E_CMW_SYNTAX, "cmw.value");
    expect_reject("{\"a\":[\"a/b\",\"AA\",0]}", ATTLS_E_CMW_SYNTAX, "cmw.ind");
    expect_reject("{\"a\":[\"a/b\",\"AA\",-4]}", ATTLS_E_CMW_SYNTAX, "cmw.ind");
    expect_reject("{\"a\":[\"a/b\",\"AA\",4.0]}", ATTLS_E_CMW_SYNTAX,
                  "cmw.ind");
    expect_reject("{\"a\":[\"a/b\",\"AA\",\"4\"]}", ATTLS_E_CMW_SYNTAX,
                  "cmw.ind");
    expect_reject("{\"a\":[\"a/b\",\"AA\",4294967296]}", ATTLS_E_CMW_SYNTAX,
                  "cmw.ind");
    expect_reject("{\"__cmwc_t\":7,\"a\":[\"a/b\",\"AA\"]}", ATTLS_E_CMW_SYNTAX,
                  "cmw.ctype");
    expect_reject("{\"__cmwc_t\":\"relative/path\",\"a\":[\"a/b\",\"AA\"]}",
                  ATTLS_E_CMW_SYNTAX, "cmw.ctype");
    expect_reject("{\"__cmwc_t\":\"1.3.06\",\"a\":[\"a/b\",\"AA\"]}",
                  ATTLS_E_CMW_SYNTAX, "cmw.ctype");
    expect_reject("{\"__cmwc_t\":\"3.1\",\"a\":[\"a/b\",\"AA\"]}",
                  ATTLS_E_CMW_SYNTAX, "cmw.ctype");
    expect_reject("{\"__cmwc_t\":\"urn:a b\",\"a\":[\"a/b\",\"AA\"]}",
                  ATTLS_E_CMW_SYNTAX, "cmw.ctype");
}

static void test_decode_limits(void **state)
{
    char json[4096];
    size_t off = 0;
    attls_cmw c;
    attls_status st = {0};
    char *big;

    (void)state;
    off += (size_t)snprintf(json + off, sizeof(json) - off, "{");
    for (int i = 0; i <= ATTLS_CMW_MAX_RECORDS; i++)
        off += (size_t)snprintf(json + off, sizeof(json) - off,
                                "%s\"r%d\":[\"a/b\",\"AA\"]", i ? "," : "", i);
    snprintf(json + off, sizeof(json) - off, "}");
    expect_reject(json, ATTLS_E_CMW_SYNTAX, "cmw.records");

    big = malloc(ATTLS_CMW_MAX_JSON + 64);
    assert_non_null(big);
    memset(big, ' ', ATTLS_CMW_MAX_JSON + 63);
    big[ATTLS_CMW_MAX_JSON + 63] = '\0';
    memcpy(big, "{\"a\":[\"a/b\",\"AA\"]}", 18);
    assert_int_equal(decode_str(big, &c, &st), ATTLS_E_EVIDENCE_TOO_LARGE);
    free(big);
    /* Deep nesting is refused as a nested collection, never recursed. */
    expect_reject("{\"a\":{\"a\":{\"a\":{\"a\":[\"a/b\",\"AA\"]}}}}",
                  ATTLS_E_CMW_SYNTAX, "cmw.nested");
}

static void test_add_rejects(void **state)
{
    attls_cmw c;
    attls_status st = {0};
    attls_buf json;
    uint8_t *big;

    (void)state;
    attls_cmw_init(&c, NULL);
    assert_int_equal(attls_cmw_encode(&c, &json, &st), ATTLS_E_ARGUMENT);
    assert_int_equal(attls_cmw_add(&c, "__cmwc_t", "a/b", 0, NULL, 0, &st),
                     ATTLS_E_ARGUMENT);
    assert_int_equal(attls_cmw_add(&c, "a", "a/b;q=1", 0, NULL, 0, &st),
                     ATTLS_E_ARGUMENT);
    assert_int_equal(attls_cmw_add(&c, "a", "a/b", 0, NULL, 0, &st), ATTLS_OK);
    assert_int_equal(attls_cmw_add(&c, "a", "a/b", 0, NULL, 0, &st),
                     ATTLS_E_ARGUMENT);
    for (int i = 1; i < ATTLS_CMW_MAX_RECORDS; i++) {
        char label[8];

        snprintf(label, sizeof(label), "r%d", i);
        assert_int_equal(attls_cmw_add(&c, label, "a/b", 0, NULL, 0, &st),
                         ATTLS_OK);
    }
    assert_int_equal(attls_cmw_add(&c, "last", "a/b", 0, NULL, 0, &st),
                     ATTLS_E_ARGUMENT);
    attls_cmw_free(&c);

    /* A collection whose text would exceed the limit is not emitted. */
    big = calloc(1, ATTLS_CMW_MAX_JSON / 4 * 3);
    assert_non_null(big);
    attls_cmw_init(&c, NULL);
    assert_int_equal(
        attls_cmw_add(&c, "a", "a/b", 0, big, ATTLS_CMW_MAX_JSON / 4 * 3, &st),
        ATTLS_OK);
    assert_int_equal(attls_cmw_encode(&c, &json, &st),
                     ATTLS_E_EVIDENCE_TOO_LARGE);
    assert_null(json.data);
    attls_cmw_free(&c);
    free(big);
}

static void test_validators(void **state)
{
    (void)state;
    assert_true(attls_cmw_media_type_valid("application/pkix-cert"));
    assert_true(attls_cmw_media_type_valid("application/vnd.attls.x+json"));
    assert_false(attls_cmw_media_type_valid("application/"));
    assert_false(attls_cmw_media_type_valid("-a/b"));
    assert_false(attls_cmw_media_type_valid("a/b/c"));
    assert_false(attls_cmw_media_type_valid("a/b "));
    assert_true(attls_cmw_label_valid("tpm-quote"));
    assert_false(attls_cmw_label_valid("tpm quote"));
    assert_false(attls_cmw_label_valid(
        "01234567890123456789012345678901234567890123456789012345678901234"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_roundtrip),
        cmocka_unit_test(test_decode_accepts),
        cmocka_unit_test(test_decode_rejects_structure),
        cmocka_unit_test(test_decode_rejects_fields),
        cmocka_unit_test(test_decode_limits),
        cmocka_unit_test(test_add_rejects),
        cmocka_unit_test(test_validators),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
