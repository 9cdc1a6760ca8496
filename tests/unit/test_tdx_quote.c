/* SPDX-License-Identifier: Apache-2.0 */
/* The TDX quote parser: real quotes, each header/length rule, truncation. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "tdx_test_util.h"

static const uint8_t *hexbytes(const char *hex, uint8_t *out, size_t len)
{
    assert_int_equal(attls_hex_decode(hex, strlen(hex), out, len), 0);
    return out;
}

/* Parse @p b with byte @p off replaced by @p v; return the code. */
static attls_code parse_with(const attls_buf *b, size_t off, uint8_t v,
                             attls_status *st)
{
    attls_tdx_quote q;
    uint8_t saved = b->data[off];
    attls_code rc;

    b->data[off] = v;
    attls_status_clear(st);
    rc = attls_tdx_quote_parse(b->data, b->len, &q, st);
    b->data[off] = saved;
    return rc;
}

static void put_le32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static void test_real_quotes_layout(void **state)
{
    static const struct {
        const char *file;
        uint16_t version, body_type;
        size_t body_len, quote_len, trailing, auth, chain;
    } quotes[] = {
        {"dcap-qvl/tdx_quote.dat", 4, 2, 584, 4936, 70, 32, 3677},
        {"dcap-qvl/tdx_quote_outdated.dat", 5, 3, 648, 5006, 0, 32, 3677},
        {"go-tdx-guest/quote_v5_sample.dat", 5, 3, 648, 5006, 0, 32, 3677},
        {"go-tdx-guest/tdx_prod_quote_SPR_E4.dat", 4, 2, 584, 4935, 39, 32,
         3677},
        {"go-tdx-guest-ccel/cos-113-tdx-quote.dat", 4, 2, 584, 4935, 3065, 32,
         3677},
        {"intel-qvl/tdx/quote.dat", 4, 2, 584, 3696, 0, 0, 2470},
    };

    (void)state;
    for (size_t i = 0; i < sizeof(quotes) / sizeof(quotes[0]); i++) {
        attls_buf b = td_read(quotes[i].file);
        attls_tdx_quote q;

        td_parse(&b, &q);
        assert_int_equal(q.version, quotes[i].version);
        assert_int_equal(q.body_type, quotes[i].body_type);
        assert_int_equal(q.body_len, quotes[i].body_len);
        assert_int_equal(q.signed_len,
                         48 + (q.version == 5 ? 6 : 0) + q.body_len);
        assert_ptr_equal(q.signed_data, b.data);
        assert_int_equal(q.quote_len, quotes[i].quote_len);
        assert_int_equal(q.trailing_len, quotes[i].trailing);
        assert_int_equal(q.qe_auth_len, quotes[i].auth);
        /* The PEM chain's terminating NUL (dcap, v5) is not part of it. */
        assert_int_equal(q.pck_chain_len, quotes[i].chain);
        assert_ptr_equal(q.signature, b.data + q.signed_len + 4);
        assert_ptr_equal(q.att_key, q.signature + 64);
        assert_ptr_equal(q.qe_report, q.att_key + 64 + 6);
        attls_buf_free(&b);
    }
}

static void test_spr_td_report_fields(void **state)
{
    attls_buf b = td_read("go-tdx-guest/tdx_prod_quote_SPR_E4.dat");
    attls_tdx_quote q;
    attls_tdx_td_report td;
    attls_sgx_report_body qe;
    uint8_t want[64];

    (void)state;
    td_parse(&b, &q);
    attls_tdx_td_report_decode(&q, &td);
    assert_memory_equal(td.tee_tcb_svn,
                        hexbytes("03000400000000000000000000000000", want, 16),
                        16);
    assert_int_equal(td.td_attributes, 0x40000000);
    assert_int_equal(td.xfam, 0x61ae7);
    assert_int_equal(td.seam_attributes, 0);
    assert_memory_equal(
        td.mrtd,
        hexbytes("6363b8043668a3ad953278e10389574d326c6749fb78aa810ecd9336923d"
                 "b86f22fc00b8dcd404bc10d5e119d7215cbb",
                 want, 48),
        48);
    assert_memory_equal(
        td.mrseam,
        hexbytes("2fd279c16164a93dd5bf373d834328d46008c2b693af9ebb865b08b2ced3"
                 "20c9a89b4869a9fab60fbe9d0c5a5363c656",
                 want, 48),
        48);
    assert_memory_equal(
        td.rtmr[0],
        hexbytes("2927da70461cd63266f43230cc1849c03ef25ebe490062a801d8fcc80af4"
                 "2976823adf08f833c1e50b51779c6593f32a",
                 want, 48),
        48);
    assert_memory_equal(
        td.report_data,
        hexbytes("6c62dec1b8191749a31dab490be532a35944dea47caef1f980863993d989"
                 "9545eb7406a38d1eed313b987a467dacead6f0c87a6d766c66f6f29f8acb"
                 "281f1113",
                 want, 64),
        64);
    assert_false(td.is_tdx15);
    attls_sgx_report_decode(q.qe_report, &qe);
    assert_int_equal(qe.isvsvn, 4);
    assert_int_equal(qe.isvprodid, 2);
    assert_int_equal(qe.miscselect, 0);
    assert_memory_equal(
        qe.mrsigner,
        hexbytes("dc9e2a7c6f948f17474e34a7fc43ed030f7c1563f1babddf6340c82e0e54"
                 "a8c5",
                 want, 32),
        32);
    assert_memory_equal(qe.attributes,
                        hexbytes("1500000000000000e700000000000000", want, 16),
                        16);
    attls_buf_free(&b);
}

static void test_v5_td15_fields(void **state)
{
    attls_buf b = td_read("go-tdx-guest/quote_v5_sample.dat");
    attls_tdx_quote q;
    attls_tdx_td_report td;
    uint8_t want[48], zero[48] = {0};

    (void)state;
    td_parse(&b, &q);
    attls_tdx_td_report_decode(&q, &td);
    assert_true(td.is_tdx15);
    assert_memory_equal(td.tee_tcb_svn,
                        hexbytes("0b010400000000000000000000000000", want, 16),
                        16);
    assert_memory_equal(td.tee_tcb_svn2,
                        hexbytes("0d010400000000000000000000000000", want, 16),
                        16);
    assert_memory_equal(td.mrservicetd, zero, 48);
    assert_int_equal(td.td_attributes, ATTLS_TDX_TD_ATTR_SEPT_VE_DISABLE);
    assert_int_equal(td.xfam, 0x602e7);
    assert_memory_equal(
        td.mrtd,
        hexbytes("7348651a34b2d2d3462822e3a750ec6110125f36757c78480bbfc69cc0d2"
                 "1fb001a1ced3ee19747dda8f750c3bc8f876",
                 want, 48),
        48);
    attls_buf_free(&b);
}

static void test_header_fields(void **state)
{
    attls_buf b = td_read("dcap-qvl/tdx_quote.dat");
    attls_status st;

    (void)state;
    assert_int_equal(parse_with(&b, 0, 3, &st), ATTLS_E_TDX_VERSION);
    td_assert_status(&st, ATTLS_E_TDX_VERSION, "version 3 at offset 0");
    assert_int_equal(parse_with(&b, 0, 6, &st), ATTLS_E_TDX_VERSION);
    assert_int_equal(parse_with(&b, 1, 1, &st), ATTLS_E_TDX_VERSION);
    assert_int_equal(parse_with(&b, 2, 3, &st), ATTLS_E_TDX_KEY_TYPE);
    td_assert_status(&st, ATTLS_E_TDX_KEY_TYPE, "key type 3 at offset 2");
    assert_int_equal(parse_with(&b, 3, 1, &st), ATTLS_E_TDX_KEY_TYPE);
    assert_int_equal(parse_with(&b, 4, 0x00, &st), ATTLS_E_TDX_TEE_TYPE);
    td_assert_status(&st, ATTLS_E_TDX_TEE_TYPE, "TEE type 0x0 at offset 4");
    assert_int_equal(parse_with(&b, 7, 0x01, &st), ATTLS_E_TDX_TEE_TYPE);
    for (size_t off = 12; off < 28; off++)
        assert_int_equal(parse_with(&b, off, b.data[off] ^ 0x01, &st),
                         ATTLS_E_TDX_QE_VENDOR);
    /* Reserved bytes and user data are not interpreted by the parser. */
    assert_int_equal(parse_with(&b, 8, 0xff, &st), ATTLS_OK);
    assert_int_equal(parse_with(&b, 40, 0xff, &st), ATTLS_OK);
    attls_buf_free(&b);
}

static void test_v5_body_descriptor(void **state)
{
    attls_buf b = td_read("go-tdx-guest/quote_v5_sample.dat");
    attls_status st;

    (void)state;
    /* Type 1 (SGX enclave report), type 2 with a TDX 1.5 size, type 4. */
    assert_int_equal(parse_with(&b, 48, 1, &st), ATTLS_E_TDX_BODY_TYPE);
    td_assert_status(&st, ATTLS_E_TDX_BODY_TYPE, "body type 1 of 648 bytes");
    assert_int_equal(parse_with(&b, 48, 2, &st), ATTLS_E_TDX_BODY_TYPE);
    assert_int_equal(parse_with(&b, 48, 4, &st), ATTLS_E_TDX_BODY_TYPE);
    assert_int_equal(parse_with(&b, 50, 0x48, &st), ATTLS_E_TDX_BODY_TYPE);
    assert_int_equal(parse_with(&b, 53, 0x01, &st), ATTLS_E_TDX_BODY_TYPE);
    attls_buf_free(&b);
}

/* A v4 quote rewritten as v5 with a type-2 (TDX 1.0) body parses. */
static void test_v5_with_td10_body(void **state)
{
    attls_buf v4 = td_read("dcap-qvl/tdx_quote.dat");
    uint8_t *v5 = OPENSSL_malloc(v4.len + 6);
    attls_tdx_quote q;
    attls_status st;

    (void)state;
    assert_non_null(v5);
    memcpy(v5, v4.data, 48);
    v5[0] = 5;
    v5[48] = 2;
    v5[49] = 0;
    put_le32(v5 + 50, 584);
    memcpy(v5 + 54, v4.data + 48, v4.len - 48);
    attls_status_clear(&st);
    assert_int_equal(attls_tdx_quote_parse(v5, v4.len + 6, &q, &st), ATTLS_OK);
    assert_int_equal(q.body_type, 2);
    assert_int_equal(q.signed_len, 54 + 584);
    assert_ptr_equal(q.body, v5 + 54);
    assert_int_equal(q.trailing_len, 70);
    OPENSSL_free(v5);
    attls_buf_free(&v4);
}

static void test_signature_data_lengths(void **state)
{
    attls_buf b = td_read("go-tdx-guest/tdx_prod_quote_SPR_E4.dat");
    const size_t sig = 632, cert = 636 + 128, auth = cert + 6 + 384 + 64,
                 inner = auth + 2 + 32;
    attls_tdx_quote q;
    attls_status st;

    (void)state;
    td_parse(&b, &q);
    /* Signature data length: larger than the buffer, or than needed. */
    assert_int_equal(parse_with(&b, sig + 2, 0x01, &st), ATTLS_E_TDX_TRUNCATED);
    td_assert_status(&st, ATTLS_E_TDX_TRUNCATED, "ends inside the signature");
    assert_int_equal(parse_with(&b, sig, 0x10, &st), ATTLS_E_TDX_LENGTH);
    /* Shorter than the fixed part (128 + 6 bytes). */
    put_le32(b.data + sig, 100);
    assert_int_equal(parse_with(&b, sig, 100, &st), ATTLS_E_TDX_LENGTH);
    td_assert_status(&st, ATTLS_E_TDX_LENGTH, "fixed part");
    put_le32(b.data + sig, (uint32_t)(q.quote_len - 636));
    /* Certification data type and size. */
    assert_int_equal(parse_with(&b, cert, 5, &st), ATTLS_E_TDX_CERT_DATA);
    td_assert_status(&st, ATTLS_E_TDX_CERT_DATA, "type 5 at offset 764");
    assert_int_equal(parse_with(&b, cert + 1, 1, &st), ATTLS_E_TDX_CERT_DATA);
    assert_int_equal(parse_with(&b, cert + 2, b.data[cert + 2] + 1, &st),
                     ATTLS_E_TDX_LENGTH);
    assert_int_equal(parse_with(&b, cert + 2, b.data[cert + 2] - 1, &st),
                     ATTLS_E_TDX_LENGTH);
    /* QE auth data size beyond the certification data. */
    assert_int_equal(parse_with(&b, auth + 1, 0xff, &st), ATTLS_E_TDX_LENGTH);
    td_assert_status(&st, ATTLS_E_TDX_LENGTH, "QE auth data");
    /* One more auth byte shifts the inner header: its type reads 0x0500. */
    assert_int_equal(parse_with(&b, auth, 33, &st), ATTLS_E_TDX_CERT_DATA);
    /* Inner type 4 (PCK leaf only) and 1-3 are not supported. */
    for (uint8_t t = 0; t < 8; t++) {
        if (t != 5)
            assert_int_equal(parse_with(&b, inner, t, &st),
                             ATTLS_E_TDX_CERT_DATA);
    }
    assert_int_equal(parse_with(&b, inner + 2, b.data[inner + 2] + 1, &st),
                     ATTLS_E_TDX_LENGTH);
    td_assert_status(&st, ATTLS_E_TDX_LENGTH, "inner certification data");
    assert_int_equal(parse_with(&b, inner + 5, 0x80, &st), ATTLS_E_TDX_LENGTH);
    attls_buf_free(&b);
}

/* Every truncation inside the quote is TRUNCATED; trailing bytes are not. */
static void truncate_all(const char *file)
{
    attls_buf b = td_read(file);
    attls_tdx_quote q;
    attls_status st;
    size_t used;

    td_parse(&b, &q);
    used = q.quote_len;
    for (size_t len = 0; len <= b.len; len++) {
        attls_code rc;

        attls_status_clear(&st);
        rc = attls_tdx_quote_parse(b.data, len, &q, &st);
        if (len < used && rc != ATTLS_E_TDX_TRUNCATED)
            fail_msg("%s cut to %zu bytes: %s (%s)", file, len,
                     attls_status_code_name(rc), st.message);
        if (len >= used) {
            assert_int_equal(rc, ATTLS_OK);
            assert_int_equal(q.trailing_len, len - used);
        }
    }
    attls_buf_free(&b);
}

static void test_truncation(void **state)
{
    (void)state;
    truncate_all("dcap-qvl/tdx_quote.dat");
    truncate_all("go-tdx-guest/quote_v5_sample.dat");
    truncate_all("go-tdx-guest/tdx_prod_quote_SPR_E4.dat");
    truncate_all("intel-qvl/tdx/quote.dat");
}

static void test_failure_clears_output(void **state)
{
    attls_buf b = td_read("dcap-qvl/tdx_quote.dat");
    attls_tdx_quote q;
    attls_status st;

    (void)state;
    attls_status_clear(&st);
    assert_int_equal(attls_tdx_quote_parse(b.data, 600, &q, &st),
                     ATTLS_E_TDX_TRUNCATED);
    assert_null(q.body);
    assert_null(q.pck_chain);
    assert_int_equal(q.version, 0);
    assert_string_equal(st.check, "tdx.quote");
    /* A NULL status is allowed and the code still returned. */
    assert_int_equal(attls_tdx_quote_parse(b.data, 10, &q, NULL),
                     ATTLS_E_TDX_TRUNCATED);
    attls_buf_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_real_quotes_layout),
        cmocka_unit_test(test_spr_td_report_fields),
        cmocka_unit_test(test_v5_td15_fields),
        cmocka_unit_test(test_header_fields),
        cmocka_unit_test(test_v5_body_descriptor),
        cmocka_unit_test(test_v5_with_td10_body),
        cmocka_unit_test(test_signature_data_lengths),
        cmocka_unit_test(test_truncation),
        cmocka_unit_test(test_failure_clears_output),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
