/* SPDX-License-Identifier: Apache-2.0 */
/* TDREPORT_STRUCT parser: the Azure TDREPORT, every rule on edited copies. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "evidence/tdreport.h"
#include "snp_testutil.h"

/* The TDREPORT inside the Azure TDX HCL report (0x20..0x420). */
static void load_azure_tdreport(uint8_t raw[ATTLS_TDREPORT_SIZE])
{
    attls_buf b;

    tu_read("azure-cvm-tooling/hcl-report-tdx.bin", &b);
    memcpy(raw, b.data + 0x20, ATTLS_TDREPORT_SIZE);
    attls_buf_free(&b);
}

static attls_code parse(const uint8_t *raw, attls_tdreport *t, attls_status *st)
{
    attls_status_clear(st);
    return attls_tdreport_parse(raw, ATTLS_TDREPORT_SIZE, t, st);
}

static void test_azure_fields(void **state)
{
    uint8_t raw[ATTLS_TDREPORT_SIZE];
    attls_tdreport t;
    attls_status st;
    char hex[97];

    (void)state;
    load_azure_tdreport(raw);
    assert_int_equal(parse(raw, &t, &st), ATTLS_OK);
    assert_int_equal(t.type, 0x81);
    assert_int_equal(t.subtype, 0);
    assert_int_equal(t.version, 0);
    assert_int_equal(t.tee_tcb_valid, 0x301FF);
    assert_int_equal(t.tee_tcb_svn[0], 2);
    assert_int_equal(t.tee_tcb_svn[2], 6);
    attls_hex_encode(t.mrseam, 8, hex);
    assert_string_equal(hex, "360304d34a16aace");
    assert_int_equal(t.tee_tcb_svn2[0], 2);
    assert_int_equal(t.td_attributes, 0);
    assert_int_equal(t.xfam, 0x618E7);
    attls_hex_encode(t.mrtd, 48, hex);
    assert_string_equal(hex,
                        "75f3acc2e1dfc3acf404d7eaa69a2eefcd0475a0dd6516ef"
                        "5ba3cb83399c61b4aa1c638e3622bb650a514bfc6e858886");
    attls_hex_encode(t.report_data, 8, hex);
    assert_string_equal(hex, "e8f0796193ba21d6");
    attls_hex_encode(t.mac, 4, hex);
    assert_string_equal(hex, "678f8d8c");
    assert_memory_equal(t.raw, raw, ATTLS_TDREPORT_SIZE);
}

static void test_size_and_type(void **state)
{
    uint8_t raw[ATTLS_TDREPORT_SIZE + 1];
    attls_tdreport t;
    attls_status st;

    (void)state;
    load_azure_tdreport(raw);
    attls_status_clear(&st);
    assert_int_equal(attls_tdreport_parse(raw, 1023, &t, &st),
                     ATTLS_E_TDREPORT_SIZE);
    attls_status_clear(&st);
    assert_int_equal(attls_tdreport_parse(raw, 1025, &t, &st),
                     ATTLS_E_TDREPORT_SIZE);
    attls_status_clear(&st);
    assert_int_equal(attls_tdreport_parse(NULL, 0, &t, &st),
                     ATTLS_E_TDREPORT_SIZE);
    raw[0] = 0x00; /* SGX */
    assert_int_equal(parse(raw, &t, &st), ATTLS_E_TDREPORT_TYPE);
    raw[0] = 0x81;
    raw[1] = 1;
    assert_int_equal(parse(raw, &t, &st), ATTLS_E_TDREPORT_TYPE);
    raw[1] = 0;
    raw[2] = 1; /* TDX 1.5 report version */
    assert_int_equal(parse(raw, &t, &st), ATTLS_OK);
    assert_int_equal(t.version, 1);
    raw[2] = 2;
    assert_int_equal(parse(raw, &t, &st), ATTLS_E_TDREPORT_TYPE);
    assert_non_null(strstr(st.message, "version 2"));
}

static void test_reserved(void **state)
{
    static const struct {
        uint16_t start, end;
    } ranges[] = {
        {0x003, 0x010}, {0x0C0, 0x0E0}, {0x1EF, 0x200}, {0x3C0, 0x400}};
    uint8_t raw[ATTLS_TDREPORT_SIZE];
    attls_tdreport t;
    attls_status st;

    (void)state;
    load_azure_tdreport(raw);
    for (size_t i = 0; i < sizeof(ranges) / sizeof(ranges[0]); i++) {
        for (unsigned off = ranges[i].start; off < ranges[i].end; off++) {
            raw[off] = 0x01;
            assert_int_equal(parse(raw, &t, &st), ATTLS_E_TDREPORT_RESERVED);
            raw[off] = 0;
        }
    }
    /* TEE_TCB_INFO's reserved tail depends on the module version: free. */
    raw[0x1EE] = 0x5A;
    assert_int_equal(parse(raw, &t, &st), ATTLS_OK);
}

/* go-tdx-guest's report.dat is not a TDREPORT at offset 0: its REPORTTYPE
 * bytes are not 0x81 (the structure sits 48 bytes earlier: TEE_TCB_INFO
 * at 0xD0, TDINFO at 0x1D0). A strict parser rejects it. */
static void test_go_tdx_guest_report_dat(void **state)
{
    attls_buf b;
    attls_tdreport t;
    attls_status st;

    (void)state;
    tu_read("go-tdx-guest/report.dat", &b);
    assert_int_equal(b.len, ATTLS_TDREPORT_SIZE);
    attls_status_clear(&st);
    assert_int_equal(attls_tdreport_parse(b.data, b.len, &t, &st),
                     ATTLS_E_TDREPORT_TYPE);
    assert_non_null(strstr(st.message, "type 0x0f"));
    attls_buf_free(&b);
}

/* The quote body a TD quote of this TDREPORT would carry. */
static void body_of(const attls_tdreport *t, attls_tdx_td_report *q)
{
    memset(q, 0, sizeof(*q));
    memcpy(q->tee_tcb_svn, t->tee_tcb_svn, 16);
    memcpy(q->mrseam, t->mrseam, 48);
    memcpy(q->mrsignerseam, t->mrsignerseam, 48);
    q->seam_attributes = t->seam_attributes;
    q->td_attributes = t->td_attributes;
    q->xfam = t->xfam;
    memcpy(q->mrtd, t->mrtd, 48);
    memcpy(q->mrconfigid, t->mrconfigid, 48);
    memcpy(q->mrowner, t->mrowner, 48);
    memcpy(q->mrownerconfig, t->mrownerconfig, 48);
    memcpy(q->rtmr, t->rtmr, sizeof(q->rtmr));
    memcpy(q->report_data, t->report_data, 64);
    q->is_tdx15 = 1;
    memcpy(q->tee_tcb_svn2, t->tee_tcb_svn2, 16);
    memcpy(q->mrservicetd, t->servtd_hash, 48);
}

static void test_match_quote(void **state)
{
    uint8_t raw[ATTLS_TDREPORT_SIZE];
    attls_tdreport t;
    attls_tdx_td_report q;
    attls_status st;
    struct {
        uint8_t *byte;
        const char *name;
    } edits[] = {
        {&q.report_data[63], "REPORTDATA"},
        {&q.mrtd[0], "MRTD"},
        {&q.rtmr[0][5], "RTMR0"},
        {&q.rtmr[3][47], "RTMR3"},
        {&q.mrconfigid[1], "MRCONFIGID"},
        {&q.mrowner[2], "MROWNER"},
        {&q.mrownerconfig[3], "MROWNERCONFIG"},
        {&q.tee_tcb_svn[0], "TEE_TCB_SVN"},
        {&q.mrseam[47], "MRSEAM"},
        {&q.mrsignerseam[0], "MRSIGNERSEAM"},
        {&q.tee_tcb_svn2[1], "TEE_TCB_SVN2"},
        {&q.mrservicetd[0], "MRSERVICETD"},
    };

    (void)state;
    load_azure_tdreport(raw);
    assert_int_equal(parse(raw, &t, &st), ATTLS_OK);
    body_of(&t, &q);
    assert_int_equal(attls_tdreport_match_quote(&t, &q, &st), ATTLS_OK);
    for (size_t i = 0; i < sizeof(edits) / sizeof(edits[0]); i++) {
        *edits[i].byte ^= 0x40;
        attls_status_clear(&st);
        assert_int_equal(attls_tdreport_match_quote(&t, &q, &st),
                         ATTLS_E_TDREPORT_QUOTE_MISMATCH);
        assert_non_null(strstr(st.message, edits[i].name));
        *edits[i].byte ^= 0x40;
    }
    q.td_attributes |= ATTLS_TDX_TD_ATTR_DEBUG;
    attls_status_clear(&st);
    assert_int_equal(attls_tdreport_match_quote(&t, &q, &st),
                     ATTLS_E_TDREPORT_QUOTE_MISMATCH);
    assert_non_null(strstr(st.message, "TD_ATTRIBUTES"));
    q.td_attributes = t.td_attributes;
    q.xfam ^= 1ULL << 40;
    attls_status_clear(&st);
    assert_int_equal(attls_tdreport_match_quote(&t, &q, &st),
                     ATTLS_E_TDREPORT_QUOTE_MISMATCH);
    q.xfam = t.xfam;
    q.seam_attributes = 1;
    attls_status_clear(&st);
    assert_int_equal(attls_tdreport_match_quote(&t, &q, &st),
                     ATTLS_E_TDREPORT_QUOTE_MISMATCH);
    q.seam_attributes = 0;
    /* A TDX 1.0 body has no TEE_TCB_SVN2/MRSERVICETD to compare. */
    q.is_tdx15 = 0;
    memset(q.tee_tcb_svn2, 0xEE, 16);
    assert_int_equal(attls_tdreport_match_quote(&t, &q, &st), ATTLS_OK);
}

static void test_json(void **state)
{
    uint8_t raw[ATTLS_TDREPORT_SIZE];
    attls_tdreport t;
    attls_status st;
    json_t *j;

    (void)state;
    load_azure_tdreport(raw);
    assert_int_equal(parse(raw, &t, &st), ATTLS_OK);
    j = attls_tdreport_to_json(&t);
    assert_non_null(j);
    assert_int_equal(json_array_size(json_object_get(j, "rtmr")), 4);
    assert_true(json_is_false(json_object_get(j, "debug")));
    assert_string_equal(json_string_value(json_object_get(j, "td_attributes")),
                        "0x0000000000000000");
    json_decref(j);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_azure_fields),
        cmocka_unit_test(test_size_and_type),
        cmocka_unit_test(test_reserved),
        cmocka_unit_test(test_go_tdx_guest_report_dat),
        cmocka_unit_test(test_match_quote),
        cmocka_unit_test(test_json),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
