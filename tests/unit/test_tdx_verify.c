/* SPDX-License-Identifier: Apache-2.0 */
/*
 * TDX verification stages 1-3: each cryptographic step, the whole
 * verification with and without collateral, the claims and the policy.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "tdx_test_util.h"

typedef struct vector {
    const char *quote, *at, *fmspc;
} vector;

static const vector real[] = {
    {"dcap-qvl/tdx_quote.dat", TD_AT_DCAP, "b0c06f000000"},
    {"dcap-qvl/tdx_quote_outdated.dat", TD_AT_2026, "90c06f000000"},
    {"go-tdx-guest/quote_v5_sample.dat", TD_AT_2026, "90c06f000000"},
    {"go-tdx-guest/tdx_prod_quote_SPR_E4.dat", TD_AT_SPR, "50806f000000"},
    {"go-tdx-guest-ccel/cos-113-tdx-quote.dat", TD_AT_2026, "00806f050000"},
};

static attls_code crypto(const attls_buf *b, const char *at,
                         const attls_trust_set *ts, attls_tdx_pck *pck,
                         attls_status *st)
{
    attls_tdx_verify_params p = {.at = td_time(at), .trust = ts};
    attls_tdx_quote q;

    td_parse(b, &q);
    attls_status_clear(st);
    return attls_tdx_verify_crypto(&q, &p, pck, st);
}

static void test_crypto_real_quotes(void **state)
{
    attls_trust_set ts;

    (void)state;
    td_trust_intel(&ts);
    for (size_t i = 0; i < sizeof(real) / sizeof(real[0]); i++) {
        attls_buf b = td_read(real[i].quote);
        attls_tdx_pck pck;
        attls_status st;
        uint8_t fmspc[6];

        if (crypto(&b, real[i].at, &ts, &pck, &st) != ATTLS_OK)
            fail_msg("%s: %s", real[i].quote, st.message);
        assert_int_equal(attls_hex_decode(real[i].fmspc, 12, fmspc, 6), 0);
        assert_memory_equal(pck.ext.fmspc, fmspc, 6);
        assert_false(pck.external);
        assert_int_equal(sk_X509_num(pck.certs), 3);
        attls_tdx_pck_free(&pck);
        attls_buf_free(&b);
    }
    attls_trust_set_free(&ts);
}

static void test_qe_report_data(void **state)
{
    attls_buf b = td_read("go-tdx-guest/tdx_prod_quote_SPR_E4.dat");
    attls_tdx_quote q;
    attls_status st;
    uint8_t *rd;

    (void)state;
    td_parse(&b, &q);
    attls_status_clear(&st);
    assert_int_equal(attls_tdx_verify_qe_report_data(&q, &st), ATTLS_OK);
    ((uint8_t *)q.qe_auth_data)[31] ^= 1;
    assert_int_equal(attls_tdx_verify_qe_report_data(&q, &st),
                     ATTLS_E_TDX_QE_REPORT_DATA);
    td_assert_status(&st, ATTLS_E_TDX_QE_REPORT_DATA,
                     "SHA-256(attestation key || 32 bytes of QE auth data)");
    ((uint8_t *)q.qe_auth_data)[31] ^= 1;
    rd = (uint8_t *)q.qe_report + 320;
    rd[40] = 1;
    attls_status_clear(&st);
    assert_int_equal(attls_tdx_verify_qe_report_data(&q, &st),
                     ATTLS_E_TDX_QE_REPORT_DATA);
    td_assert_status(&st, ATTLS_E_TDX_QE_REPORT_DATA, "[32:64] is not zero");
    attls_buf_free(&b);
}

static void test_quote_signature(void **state)
{
    attls_buf b = td_read("go-tdx-guest/quote_v5_sample.dat");
    attls_tdx_quote q;
    attls_status st;
    uint8_t saved[64];

    (void)state;
    td_parse(&b, &q);
    attls_status_clear(&st);
    assert_int_equal(attls_tdx_verify_quote_signature(&q, &st), ATTLS_OK);
    /* The last body byte (MRSERVICETD) is covered too. */
    b.data[q.signed_len - 1] ^= 0x80;
    assert_int_equal(attls_tdx_verify_quote_signature(&q, &st),
                     ATTLS_E_TDX_QUOTE_SIG);
    td_assert_status(&st, ATTLS_E_TDX_QUOTE_SIG, "702-byte header and body");
    b.data[q.signed_len - 1] ^= 0x80;
    /* An attestation key off the curve. */
    memcpy(saved, q.att_key, 64);
    memset((uint8_t *)q.att_key, 0x01, 64);
    attls_status_clear(&st);
    assert_int_equal(attls_tdx_verify_quote_signature(&q, &st),
                     ATTLS_E_TDX_ATT_KEY);
    memcpy((uint8_t *)q.att_key, saved, 64);
    attls_buf_free(&b);
}

/* The quote's PEM chain with certificate @p i replaced by @p pem. */
static char *chain_with(const attls_tdx_quote *q, int i, const char *pem)
{
    char *text = OPENSSL_zalloc(q->pck_chain_len + 1), *out;
    size_t begin[4] = {0}, len;

    assert_non_null(text);
    memcpy(text, q->pck_chain, q->pck_chain_len);
    for (int k = 1; k < 3; k++) {
        const char *next = strstr(text + begin[k - 1] + 1, "-----BEGIN");

        assert_non_null(next);
        begin[k] = (size_t)(next - text);
    }
    begin[3] = q->pck_chain_len;
    len = begin[i] + strlen(pem) + (begin[3] - begin[i + 1]) + 1;
    out = OPENSSL_zalloc(len);
    assert_non_null(out);
    memcpy(out, text, begin[i]);
    memcpy(out + begin[i], pem, strlen(pem));
    memcpy(out + begin[i] + strlen(pem), text + begin[i + 1],
           begin[3] - begin[i + 1]);
    OPENSSL_free(text);
    return out;
}

static void test_pck_chain(void **state)
{
    attls_buf b = td_read("go-tdx-guest/tdx_prod_quote_SPR_E4.dat");
    attls_buf fake = td_read("intel-qvl/tdx/trustedRootCaCert.pem");
    attls_tdx_quote q, forged;
    attls_tdx_pck pck;
    attls_trust_set ts, amd;
    attls_status st;
    char *text;

    (void)state;
    td_parse(&b, &q);
    td_trust_intel(&ts);
    attls_status_clear(&st);
    assert_int_equal(attls_trust_set_load("amd-milan", NULL, &amd, &st),
                     ATTLS_OK);
    /* Against the wrong pinned set. */
    assert_int_equal(attls_tdx_pck_load(&q, NULL, 0, &pck, &st), ATTLS_OK);
    assert_int_equal(
        attls_tdx_verify_pck_chain(&pck, td_time(TD_AT_SPR), &amd, &st),
        ATTLS_E_CERT_ROOT);
    td_assert_status(&st, ATTLS_E_CERT_ROOT, "not the pinned Intel SGX Root");
    /* Before the PCK's notBefore (2022-09-20). */
    attls_status_clear(&st);
    assert_int_equal(attls_tdx_verify_pck_chain(
                         &pck, td_time("2022-01-01T00:00:00Z"), &ts, &st),
                     ATTLS_E_CERT_EXPIRED);
    assert_string_equal(st.check, "tdx.pck_chain");
    attls_tdx_pck_free(&pck);
    /* The quote's root swapped for another self-signed "Intel" root. */
    forged = q;
    text = chain_with(&q, 2, (const char *)fake.data);
    forged.pck_chain = text;
    forged.pck_chain_len = strlen(text);
    attls_status_clear(&st);
    assert_int_equal(attls_tdx_pck_load(&forged, NULL, 0, &pck, &st), ATTLS_OK);
    assert_int_equal(
        attls_tdx_verify_pck_chain(&pck, td_time(TD_AT_SPR), &ts, &st),
        ATTLS_E_CERT_ROOT);
    attls_tdx_pck_free(&pck);
    OPENSSL_free(text);
    /* Only two certificates in the quote. */
    text = chain_with(&q, 2, "");
    forged.pck_chain = text;
    forged.pck_chain_len = strlen(text);
    attls_status_clear(&st);
    assert_int_equal(attls_tdx_pck_load(&forged, NULL, 0, &pck, &st),
                     ATTLS_E_TDX_PCK_PEM);
    td_assert_status(&st, ATTLS_E_TDX_PCK_PEM, "holds 2 certificates");
    /* Supplied separately, leaf and CA suffice: the root is pinned. */
    attls_status_clear(&st);
    assert_int_equal(attls_tdx_pck_load(&q, text, strlen(text), &pck, &st),
                     ATTLS_OK);
    assert_true(pck.external);
    assert_int_equal(
        attls_tdx_verify_pck_chain(&pck, td_time(TD_AT_SPR), &ts, &st),
        ATTLS_OK);
    attls_tdx_pck_free(&pck);
    OPENSSL_free(text);
    attls_trust_set_free(&amd);
    attls_trust_set_free(&ts);
    attls_buf_free(&fake);
    attls_buf_free(&b);
}

static void test_qe_report_signature(void **state)
{
    attls_buf spr = td_read("go-tdx-guest/tdx_prod_quote_SPR_E4.dat");
    attls_buf dcap = td_read("dcap-qvl/tdx_quote.dat");
    attls_tdx_quote q_spr, q_dcap;
    attls_tdx_pck pck;
    attls_status st;

    (void)state;
    td_parse(&spr, &q_spr);
    td_parse(&dcap, &q_dcap);
    attls_status_clear(&st);
    assert_int_equal(attls_tdx_pck_load(&q_dcap, NULL, 0, &pck, &st), ATTLS_OK);
    assert_int_equal(
        attls_tdx_verify_qe_report_signature(&q_dcap, pck.leaf, &st), ATTLS_OK);
    /* Another platform's (valid, Intel-issued) PCK. */
    assert_int_equal(
        attls_tdx_verify_qe_report_signature(&q_spr, pck.leaf, &st),
        ATTLS_E_TDX_QE_REPORT_SIG);
    td_assert_status(&st, ATTLS_E_TDX_QE_REPORT_SIG, "PCK certificate's key");
    attls_tdx_pck_free(&pck);
    attls_buf_free(&spr);
    attls_buf_free(&dcap);
}

/* ---- the whole verification ---------------------------------------------- */

static attls_code verify(const char *quote, const char *at,
                         const attls_tdx_collateral *c, attls_tdx_claims *cl,
                         attls_status *st)
{
    attls_buf b = td_read(quote);
    attls_trust_set ts;
    attls_tdx_verify_params p = {.at = td_time(at), .collateral = c};
    attls_code rc;

    td_trust_intel(&ts);
    p.trust = &ts;
    attls_status_clear(st);
    rc = attls_tdx_verify(b.data, b.len, &p, cl, st);
    attls_trust_set_free(&ts);
    attls_buf_free(&b);
    return rc;
}

static void test_verify_with_collateral(void **state)
{
    attls_tdx_collateral c;
    attls_tdx_claims cl;
    attls_status st;

    (void)state;
    td_collateral_dir(&c, TD_DCAP_COLL);
    assert_int_equal(verify("dcap-qvl/tdx_quote.dat", TD_AT_DCAP, &c, &cl, &st),
                     ATTLS_OK);
    assert_int_equal(cl.version, 4);
    assert_int_equal(cl.body_type, 2);
    assert_int_equal(cl.trailing_len, 70);
    assert_int_equal(cl.td.td_attributes, ATTLS_TDX_TD_ATTR_SEPT_VE_DISABLE);
    assert_int_equal(cl.qe.isvsvn, 6);
    assert_int_equal(cl.pck.pcesvn, 11);
    assert_true(cl.pck_revocation_checked);
    assert_int_equal(cl.tcb.status, ATTLS_TDX_TCB_UP_TO_DATE);
    attls_tdx_claims_free(&cl);
    /* Crypto passes, TCB fails: the claims say so. */
    attls_tdx_collateral_free(&c);
    td_collateral_dir(&c, TD_OUTDATED_COLL);
    assert_int_equal(
        verify("dcap-qvl/tdx_quote_outdated.dat", TD_AT_2026, &c, &cl, &st),
        ATTLS_E_TDX_TCB_NO_MATCH);
    assert_int_equal(cl.version, 5);
    assert_int_equal(cl.tcb.status, ATTLS_TDX_TCB_NO_MATCH);
    {
        json_t *j = attls_tdx_claims_to_json(&cl);

        assert_string_equal(json_string_value(td_at(j, "tcb.status")),
                            "NoMatchingTcbLevel");
        assert_string_equal(json_string_value(td_at(j, "tcb.qe_status")),
                            "UpToDate");
        assert_null(json_object_get(td_at(j, "tcb"), "tcb_date"));
        json_decref(j);
    }
    attls_tdx_claims_free(&cl);
    /* Incomplete collateral is an error, not "TCB not evaluated". */
    attls_buf_free(&c.qe_identity_chain);
    assert_int_equal(
        verify("go-tdx-guest/quote_v5_sample.dat", TD_AT_2026, &c, &cl, &st),
        ATTLS_E_TDX_COLLATERAL_MISSING);
    td_assert_status(&st, ATTLS_E_TDX_COLLATERAL_MISSING,
                     "QE Identity issuer chain");
    attls_tdx_claims_free(&cl);
    attls_tdx_collateral_free(&c);
}

static void test_verify_failures_leave_no_claims(void **state)
{
    attls_buf b = td_read("go-tdx-guest/negative/header_0x1E_to_0x32.dat");
    attls_tdx_verify_params p = {.at = td_time(TD_AT_SPR)};
    attls_tdx_claims cl;
    attls_trust_set ts;
    attls_status st;

    (void)state;
    attls_status_clear(&st);
    assert_int_equal(attls_tdx_verify(b.data, b.len, &p, &cl, &st),
                     ATTLS_E_ARGUMENT);
    td_trust_intel(&ts);
    p.trust = &ts;
    attls_status_clear(&st);
    assert_int_equal(attls_tdx_verify(b.data, b.len, &p, &cl, &st),
                     ATTLS_E_TDX_QUOTE_SIG);
    assert_int_equal(cl.version, 0);
    assert_int_equal(cl.tcb.status, ATTLS_TDX_TCB_NOT_EVALUATED);
    attls_tdx_claims_free(&cl);
    attls_trust_set_free(&ts);
    attls_buf_free(&b);
}

static void test_claims_json(void **state)
{
    attls_tdx_collateral c;
    attls_tdx_claims cl;
    attls_status st;
    json_t *j;

    (void)state;
    td_collateral_dir(&c, TD_OUTDATED_COLL);
    assert_int_equal(
        verify("go-tdx-guest/quote_v5_sample.dat", TD_AT_2026, &c, &cl, &st),
        ATTLS_OK);
    j = attls_tdx_claims_to_json(&cl);
    assert_non_null(j);
    assert_string_equal(json_string_value(td_at(j, "type")), "tdx");
    assert_int_equal(json_integer_value(td_at(j, "quote_version")), 5);
    assert_string_equal(json_string_value(td_at(j, "tdx_version")), "1.5");
    assert_string_equal(json_string_value(td_at(j, "td.td_attributes")),
                        "0x0000000010000000");
    assert_true(json_is_false(td_at(j, "td.debug")));
    assert_string_equal(json_string_value(td_at(j, "td.tee_tcb_svn2")),
                        "0d010400000000000000000000000000");
    assert_int_equal(json_array_size(td_at(j, "td.rtmr")), 4);
    assert_string_equal(json_string_value(td_at(j, "platform.fmspc")),
                        "90c06f000000");
    assert_int_equal(json_integer_value(td_at(j, "platform.qe_isvsvn")), 7);
    assert_string_equal(json_string_value(td_at(j, "tcb.status")), "UpToDate");
    assert_string_equal(json_string_value(td_at(j, "tcb.tdx_module_identity")),
                        "TDX_01");
    assert_string_equal(json_string_value(td_at(j, "tcb.tcb_date")),
                        "2024-11-13T00:00:00Z");
    assert_int_equal(
        json_integer_value(td_at(j, "tcb.tcb_evaluation_data_number")), 18);
    assert_true(json_is_true(td_at(j, "tcb.pck_revocation_checked")));
    json_decref(j);
    attls_tdx_claims_free(&cl);
    /* Crypto only: a TDX 1.0 body, TCB not evaluated. */
    assert_int_equal(verify("go-tdx-guest-ccel/cos-113-tdx-quote.dat",
                            TD_AT_2026, NULL, &cl, &st),
                     ATTLS_OK);
    j = attls_tdx_claims_to_json(&cl);
    assert_string_equal(json_string_value(td_at(j, "tcb.status")),
                        "NotEvaluated");
    assert_null(json_object_get(td_at(j, "tcb"), "advisory_ids"));
    assert_null(json_object_get(td_at(j, "td"), "mrservicetd"));
    assert_int_equal(json_integer_value(td_at(j, "trailing_bytes")), 3065);
    json_decref(j);
    attls_tdx_claims_free(&cl);
    attls_tdx_collateral_free(&c);
}

/* ---- policy ----------------------------------------------------------------
 */

static void test_policy(void **state)
{
    attls_tdx_claims cl;
    attls_tdx_policy p = {0};
    attls_status st;

    (void)state;
    memset(&cl, 0, sizeof(cl));
    attls_status_clear(&st);
    assert_int_equal(attls_tdx_policy_check(&cl, &p, &st), ATTLS_OK);
    cl.td.td_attributes = ATTLS_TDX_TD_ATTR_DEBUG | ATTLS_TDX_TD_ATTR_PKS;
    assert_int_equal(attls_tdx_policy_check(&cl, &p, &st), ATTLS_E_TDX_DEBUG);
    td_assert_status(&st, ATTLS_E_TDX_DEBUG, "0x0000000040000001");
    p.allow_debug = 1;
    attls_status_clear(&st);
    assert_int_equal(attls_tdx_policy_check(&cl, &p, &st), ATTLS_OK);
    p.accepted_tcb = ATTLS_TDX_TCB_BIT(ATTLS_TDX_TCB_UP_TO_DATE);
    assert_int_equal(attls_tdx_policy_check(&cl, &p, &st),
                     ATTLS_E_TDX_TCB_NOT_EVALUATED);
    cl.tcb.status = ATTLS_TDX_TCB_SW_HARDENING_NEEDED;
    attls_status_clear(&st);
    assert_int_equal(attls_tdx_policy_check(&cl, &p, &st),
                     ATTLS_E_TDX_TCB_STATUS);
    td_assert_status(&st, ATTLS_E_TDX_TCB_STATUS,
                     "TCB status SWHardeningNeeded is not accepted");
    p.accepted_tcb |= ATTLS_TDX_TCB_BIT(ATTLS_TDX_TCB_SW_HARDENING_NEEDED);
    attls_status_clear(&st);
    assert_int_equal(attls_tdx_policy_check(&cl, &p, &st), ATTLS_OK);
}

static void test_tcb_set_parse(void **state)
{
    unsigned set;

    (void)state;
    assert_int_equal(attls_tdx_tcb_set_parse("UpToDate", &set), 0);
    assert_int_equal(set, ATTLS_TDX_TCB_BIT(ATTLS_TDX_TCB_UP_TO_DATE));
    assert_int_equal(attls_tdx_tcb_set_parse(
                         "UpToDate,ConfigurationAndSWHardeningNeeded", &set),
                     0);
    assert_int_equal(
        set, ATTLS_TDX_TCB_BIT(ATTLS_TDX_TCB_UP_TO_DATE) |
                 ATTLS_TDX_TCB_BIT(
                     ATTLS_TDX_TCB_CONFIGURATION_AND_SW_HARDENING_NEEDED));
    assert_int_equal(attls_tdx_tcb_set_parse("", &set), -1);
    assert_int_equal(attls_tdx_tcb_set_parse("UpToDate,", &set), -1);
    assert_int_equal(attls_tdx_tcb_set_parse(",UpToDate", &set), -1);
    assert_int_equal(attls_tdx_tcb_set_parse("UpToDate,,OutOfDate", &set), -1);
    assert_int_equal(attls_tdx_tcb_set_parse("uptodate", &set), -1);
    assert_int_equal(attls_tdx_tcb_set_parse("NotEvaluated", &set), -1);
    assert_int_equal(attls_tdx_tcb_set_parse("NoMatchingTcbLevel", &set), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_crypto_real_quotes),
        cmocka_unit_test(test_qe_report_data),
        cmocka_unit_test(test_quote_signature),
        cmocka_unit_test(test_pck_chain),
        cmocka_unit_test(test_qe_report_signature),
        cmocka_unit_test(test_verify_with_collateral),
        cmocka_unit_test(test_verify_failures_leave_no_claims),
        cmocka_unit_test(test_claims_json),
        cmocka_unit_test(test_policy),
        cmocka_unit_test(test_tcb_set_parse),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
