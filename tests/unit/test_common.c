/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests for common/: hex, base64url, RFC 3339 time, status. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <openssl/crypto.h>

#include "attls/status.h"
#include "common/bytes.h"
#include "common/timeutil.h"

static void test_hex_roundtrip(void **state)
{
    uint8_t in[] = {0x00, 0x01, 0xab, 0xff}, out[4];
    char hex[9];

    (void)state;
    attls_hex_encode(in, sizeof(in), hex);
    assert_string_equal(hex, "0001abff");
    assert_int_equal(attls_hex_decode("0001ABff", 8, out, 4), 0);
    assert_memory_equal(in, out, 4);
    assert_int_equal(attls_hex_decode("0001abf", 7, out, 4), -1);
    assert_int_equal(attls_hex_decode("0001abfg", 8, out, 4), -1);
}

static void test_b64url(void **state)
{
    attls_buf b;
    char *s;
    const uint8_t data[] = {0xfb, 0xff, 0xfe, 0x01};

    (void)state;
    s = attls_b64url_encode(data, sizeof(data));
    assert_non_null(s);
    assert_string_equal(s, "-__-AQ");
    assert_int_equal(attls_b64url_decode(s, strlen(s), &b), 0);
    assert_int_equal(b.len, sizeof(data));
    assert_memory_equal(b.data, data, sizeof(data));
    attls_buf_free(&b);
    OPENSSL_free(s);
    assert_int_equal(attls_b64url_decode("-__-AQ==", 8, &b), 0);
    attls_buf_free(&b);
    /* Standard alphabet, blanks and impossible lengths are refused. */
    assert_int_equal(attls_b64url_decode("+//+AQ", 6, &b), -1);
    assert_int_equal(attls_b64url_decode("-_ _-AQ", 7, &b), -1);
    assert_int_equal(attls_b64url_decode("A", 1, &b), -1);
    assert_null(b.data);
    assert_int_equal(attls_b64url_decode("", 0, &b), 0);
    assert_int_equal(b.len, 0);
    attls_buf_free(&b);
}

static void test_rfc3339(void **state)
{
    time_t t;
    char buf[32];

    (void)state;
    assert_int_equal(attls_parse_rfc3339("2026-03-01T00:00:00Z", &t), 0);
    assert_int_equal((long long)t, 1772323200LL);
    attls_format_rfc3339(t, buf, sizeof(buf));
    assert_string_equal(buf, "2026-03-01T00:00:00Z");
    assert_int_equal(attls_parse_rfc3339("2026-03-01T02:00:00.5+02:00", &t),
                     0);
    assert_int_equal((long long)t, 1772323200LL);
    assert_int_equal(attls_parse_rfc3339("2026-03-01", &t), -1);
    assert_int_equal(attls_parse_rfc3339("2026-13-01T00:00:00Z", &t), -1);
    assert_int_equal(attls_parse_rfc3339("2026-03-01T00:00:00", &t), -1);
    assert_int_equal(attls_parse_rfc3339("2026-03-01T00:00:00Zjunk", &t), -1);
    assert_int_equal(attls_parse_rfc3339(NULL, &t), -1);
}

static void test_status_first_failure_wins(void **state)
{
    attls_status st;

    (void)state;
    attls_status_clear(&st);
    assert_int_equal(attls_fail(&st, ATTLS_E_IO, "a.b", "first %d", 1),
                     ATTLS_E_IO);
    assert_int_equal(attls_fail(&st, ATTLS_E_INTERNAL, "c", "second"),
                     ATTLS_E_INTERNAL);
    assert_int_equal(st.code, ATTLS_E_IO);
    assert_string_equal(st.check, "a.b");
    assert_string_equal(st.message, "first 1");
    assert_string_equal(attls_status_code_name(ATTLS_E_IO), "ATTLS_E_IO");
    assert_string_equal(attls_status_code_name(ATTLS_OK), "ATTLS_OK");
    assert_string_equal(attls_status_code_name((attls_code)99999),
                        "ATTLS_E_UNKNOWN");
    assert_int_equal(attls_fail(NULL, ATTLS_E_IO, "x", "no status"),
                     ATTLS_E_IO);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hex_roundtrip),
        cmocka_unit_test(test_b64url),
        cmocka_unit_test(test_rfc3339),
        cmocka_unit_test(test_status_first_failure_wins),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
