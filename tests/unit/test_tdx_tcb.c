/* SPDX-License-Identifier: Apache-2.0 */
/*
 * TDX TCB evaluation: the real outcomes of the MANIFEST, then every
 * status, folding rule and mismatch on edited (unsigned) collateral.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "tdx_test_util.h"

typedef struct scenario {
    attls_tdx_td_report td;
    attls_sgx_report_body qe;
    attls_pck_sgx_ext pck;
    json_t *tcb_info, *qe_id; /* the signed values, editable */
} scenario;

/* The signed value of a collateral file in either form. */
static json_t *signed_value(const char *file, const char *member)
{
    json_t *j = td_json(file), *v = json_object_get(j, member);

    if (v == NULL)
        return j;
    json_incref(v);
    json_decref(j);
    return v;
}

static void load_pck(scenario *s, const attls_tdx_quote *q,
                     const char *pem_file)
{
    attls_buf pem = {NULL, 0};
    attls_tdx_pck pck;
    attls_status st;

    if (pem_file != NULL)
        pem = td_read(pem_file);
    attls_status_clear(&st);
    assert_int_equal(
        attls_tdx_pck_load(q, (const char *)pem.data, pem.len, &pck, &st),
        ATTLS_OK);
    assert_int_equal(attls_pck_sgx_ext_parse(pck.leaf, &s->pck, &st), ATTLS_OK);
    attls_tdx_pck_free(&pck);
    attls_buf_free(&pem);
}

static void load(scenario *s, const char *quote, const char *pck_pem,
                 const char *tcb_info, const char *qe_id)
{
    attls_buf b = td_read(quote);
    attls_tdx_quote q;

    td_parse(&b, &q);
    attls_tdx_td_report_decode(&q, &s->td);
    attls_sgx_report_decode(q.qe_report, &s->qe);
    load_pck(s, &q, pck_pem);
    s->tcb_info = signed_value(tcb_info, "tcbInfo");
    s->qe_id = signed_value(qe_id, "enclaveIdentity");
    attls_buf_free(&b);
}

static void load_dcap(scenario *s)
{
    load(s, "dcap-qvl/tdx_quote.dat", NULL, TD_DCAP_COLL "/tcb_info.json",
         TD_DCAP_COLL "/qe_identity.json");
}

static void unload(scenario *s)
{
    json_decref(s->tcb_info);
    json_decref(s->qe_id);
}

static attls_code evaluate(scenario *s, attls_tdx_tcb_result *r,
                           attls_status *st)
{
    attls_buf a = td_dump(s->tcb_info), b = td_dump(s->qe_id);
    attls_tdx_tcb_info ti;
    attls_tdx_qe_identity qi;
    attls_code rc;

    attls_status_clear(st);
    assert_int_equal(
        attls_tdx_tcb_info_parse((const char *)a.data, a.len, &ti, st),
        ATTLS_OK);
    assert_int_equal(
        attls_tdx_qe_identity_parse((const char *)b.data, b.len, &qi, st),
        ATTLS_OK);
    rc = attls_tdx_tcb_evaluate(&ti, &qi, &s->pck, &s->td, &s->qe, r, st);
    attls_tdx_qe_identity_free(&qi);
    attls_tdx_tcb_info_free(&ti);
    attls_buf_free(&a);
    attls_buf_free(&b);
    return rc;
}

static void set(json_t *root, const char *path, const char *key,
                const char *value)
{
    json_error_t err;
    json_t *v = json_loads(value, JSON_DECODE_ANY, &err),
           *at = td_at(root, path);

    assert_non_null(v);
    if (json_is_array(at))
        assert_int_equal(json_array_set_new(at, (size_t)atoi(key), v), 0);
    else
        assert_int_equal(json_object_set_new(at, key, v), 0);
}

/* Evaluate and expect @p code with final status @p status. */
static void expect(scenario *s, attls_code code, attls_tdx_tcb_status status,
                   const char *text)
{
    attls_tdx_tcb_result r;
    attls_status st;
    attls_code rc = evaluate(s, &r, &st);

    if (rc != code || r.status != status ||
        (text != NULL && strstr(st.message, text) == NULL))
        fail_msg("got %s status %s: '%s'", attls_status_code_name(rc),
                 attls_tdx_tcb_status_name(r.status), st.message);
    attls_tdx_tcb_result_free(&r);
}

/* ---- the MANIFEST's outcomes ------------------------------------------- */

static void test_dcap_uptodate(void **state)
{
    scenario s;
    attls_tdx_tcb_result r;
    attls_status st;

    (void)state;
    load_dcap(&s);
    assert_int_equal(evaluate(&s, &r, &st), ATTLS_OK);
    assert_int_equal(r.status, ATTLS_TDX_TCB_UP_TO_DATE);
    assert_int_equal(r.platform_status, ATTLS_TDX_TCB_UP_TO_DATE);
    assert_int_equal(r.module_status, ATTLS_TDX_TCB_UP_TO_DATE);
    assert_int_equal(r.qe_status, ATTLS_TDX_TCB_UP_TO_DATE);
    assert_string_equal(r.module_id, "TDX_01");
    assert_int_equal(r.tcb_date, td_time("2024-03-13T00:00:00Z"));
    assert_int_equal(r.tcb_eval_number, 17);
    assert_int_equal(r.n_advisory_ids, 0);
    attls_tdx_tcb_result_free(&r);
    unload(&s);
}

static void test_v5_sample_uptodate(void **state)
{
    scenario s;
    attls_tdx_tcb_result r;
    attls_status st;

    (void)state;
    load(&s, "go-tdx-guest/quote_v5_sample.dat", NULL,
         "go-tdx-guest/tcbinfo_fmspc_90c06f000000.json",
         TD_OUTDATED_COLL "/qe_identity.json");
    assert_int_equal(evaluate(&s, &r, &st), ATTLS_OK);
    assert_int_equal(r.status, ATTLS_TDX_TCB_UP_TO_DATE);
    assert_string_equal(r.module_id, "TDX_01");
    assert_int_equal(r.tcb_date, td_time("2024-11-13T00:00:00Z"));
    attls_tdx_tcb_result_free(&r);
    unload(&s);
}

static void test_no_matching_level(void **state)
{
    scenario s;

    (void)state;
    load(&s, "dcap-qvl/tdx_quote_outdated.dat", NULL,
         TD_OUTDATED_COLL "/tcb_info.json",
         TD_OUTDATED_COLL "/qe_identity.json");
    expect(&s, ATTLS_E_TDX_TCB_NO_MATCH, ATTLS_TDX_TCB_NO_MATCH,
           "PCK SGX TCB component 8 is 3, below 5");
    unload(&s);
    load(&s, "go-tdx-guest/tdx_prod_quote_SPR_E4.dat", NULL,
         "go-tdx-guest/tcbinfo_fmspc_50806f000000.json",
         "go-tdx-guest/qe_identity_td_qe.json");
    expect(&s, ATTLS_E_TDX_TCB_NO_MATCH, ATTLS_TDX_TCB_NO_MATCH,
           "component 1 is 3, below 5");
    unload(&s);
}

/* Intel's synthetic bundle, SVNs clamped to 0..255 so that it parses. */
static void clamp_svns(json_t *j)
{
    const char *key;
    json_t *v;
    size_t i;

    if (json_is_array(j)) {
        json_array_foreach(j, i, v) clamp_svns(v);
        return;
    }
    json_object_foreach(j, key, v)
    {
        if (strcmp(key, "svn") == 0 && json_integer_value(v) > 255)
            json_integer_set(v, 255);
        else
            clamp_svns(v);
    }
}

static void test_intel_qvl_module_mismatch(void **state)
{
    scenario s;

    (void)state;
    load(&s, "intel-qvl/tdx/quote.dat", "intel-qvl/tdx/pckCert.pem",
         "intel-qvl/tdx/tcbInfo.json", "intel-qvl/tdx/qeIdentity.json");
    clamp_svns(s.tcb_info);
    /* TEE_TCB_SVN[1] = 0xC1 names a module the TCB Info does not list. */
    assert_int_equal(s.td.tee_tcb_svn[1], 0xc1);
    expect(&s, ATTLS_E_TDX_MODULE_IDENTITY, ATTLS_TDX_TCB_NOT_EVALUATED,
           "names TDX module TDX_C1");
    unload(&s);
}

/* ---- platform level statuses ------------------------------------------- */

static void test_platform_statuses(void **state)
{
    static const attls_tdx_tcb_status all[] = {
        ATTLS_TDX_TCB_UP_TO_DATE,
        ATTLS_TDX_TCB_SW_HARDENING_NEEDED,
        ATTLS_TDX_TCB_CONFIGURATION_NEEDED,
        ATTLS_TDX_TCB_CONFIGURATION_AND_SW_HARDENING_NEEDED,
        ATTLS_TDX_TCB_OUT_OF_DATE,
        ATTLS_TDX_TCB_OUT_OF_DATE_CONFIGURATION_NEEDED,
    };
    scenario s;
    char name[64];

    (void)state;
    load_dcap(&s);
    for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++) {
        snprintf(name, sizeof(name), "\"%s\"",
                 attls_tdx_tcb_status_name(all[i]));
        set(s.tcb_info, "tcbLevels.0", "tcbStatus", name);
        expect(&s, ATTLS_OK, all[i], NULL);
    }
    set(s.tcb_info, "tcbLevels.0", "tcbStatus", "\"Revoked\"");
    expect(&s, ATTLS_E_TDX_TCB_REVOKED, ATTLS_TDX_TCB_REVOKED,
           "platform Revoked");
    unload(&s);
}

/* ---- the TDX module ---------------------------------------------------- */

static void test_module_levels(void **state)
{
    scenario s;

    (void)state;
    load_dcap(&s);
    /* TEE_TCB_SVN[0] = 6 now falls to TDX_01's OutOfDate level (2). */
    set(s.tcb_info, "tdxModuleIdentities.1.tcbLevels.0.tcb", "isvsvn", "7");
    expect(&s, ATTLS_OK, ATTLS_TDX_TCB_OUT_OF_DATE, NULL);
    set(s.tcb_info, "tcbLevels.0", "tcbStatus", "\"SWHardeningNeeded\"");
    expect(&s, ATTLS_OK, ATTLS_TDX_TCB_OUT_OF_DATE, NULL);
    set(s.tcb_info, "tcbLevels.0", "tcbStatus", "\"ConfigurationNeeded\"");
    expect(&s, ATTLS_OK, ATTLS_TDX_TCB_OUT_OF_DATE_CONFIGURATION_NEEDED, NULL);
    set(s.tcb_info, "tcbLevels.0", "tcbStatus",
        "\"ConfigurationAndSWHardeningNeeded\"");
    expect(&s, ATTLS_OK, ATTLS_TDX_TCB_OUT_OF_DATE_CONFIGURATION_NEEDED, NULL);
    set(s.tcb_info, "tdxModuleIdentities.1.tcbLevels.1", "tcbStatus",
        "\"Revoked\"");
    expect(&s, ATTLS_E_TDX_TCB_REVOKED, ATTLS_TDX_TCB_REVOKED,
           "TDX module Revoked");
    /* Below every module level. */
    set(s.tcb_info, "tdxModuleIdentities.1.tcbLevels.1.tcb", "isvsvn", "7");
    expect(&s, ATTLS_E_TDX_TCB_NO_MATCH, ATTLS_TDX_TCB_NO_MATCH,
           "TDX module TDX_01 ISVSVN 6 (TEE_TCB_SVN[0]) is below every");
    unload(&s);
}

static void test_module_identity(void **state)
{
    scenario s;
    attls_tdx_tcb_result r;
    attls_status st;

    (void)state;
    load_dcap(&s);
    /* QVL upper-cases the identity's id. */
    set(s.tcb_info, "tdxModuleIdentities.1", "id", "\"tdx_01\"");
    expect(&s, ATTLS_OK, ATTLS_TDX_TCB_UP_TO_DATE, NULL);
    set(s.tcb_info, "tdxModuleIdentities.1", "id", "\"TDX_02\"");
    expect(&s, ATTLS_E_TDX_MODULE_IDENTITY, ATTLS_TDX_TCB_NOT_EVALUATED,
           "TEE_TCB_SVN[1] = 1 names TDX module TDX_01");
    set(s.tcb_info, "tdxModuleIdentities.1", "id", "\"TDX_01\"");
    set(s.tcb_info, "tdxModuleIdentities.1", "mrsigner",
        "\"01" /* 47 more zero bytes */
        "0000000000000000000000000000000000000000000000000000000000000000"
        "000000000000000000000000000000\"");
    expect(&s, ATTLS_E_TDX_MODULE_MISMATCH, ATTLS_TDX_TCB_NOT_EVALUATED,
           "MRSIGNERSEAM differs from the mrsigner of TDX_01");
    set(s.tcb_info, "tdxModuleIdentities.1", "mrsigner",
        "\"0000000000000000000000000000000000000000000000000000000000000000"
        "00000000000000000000000000000000\"");
    set(s.tcb_info, "tdxModuleIdentities.1", "attributes",
        "\"0100000000000000\"");
    expect(&s, ATTLS_E_TDX_MODULE_MISMATCH, ATTLS_TDX_TCB_NOT_EVALUATED,
           "SEAMATTRIBUTES");
    /* Bits outside the mask do not matter. */
    set(s.tcb_info, "tdxModuleIdentities.1", "attributesMask",
        "\"FEFFFFFFFFFFFFFF\"");
    set(s.tcb_info, "tdxModuleIdentities.1", "attributes",
        "\"0000000000000000\"");
    s.td.seam_attributes = 1;
    expect(&s, ATTLS_OK, ATTLS_TDX_TCB_UP_TO_DATE, NULL);
    /* The top-level tdxModule is not used for a TDX 1.5 module. */
    set(s.tcb_info, "tdxModule", "attributes", "\"FF00000000000000\"");
    assert_int_equal(evaluate(&s, &r, &st), ATTLS_OK);
    attls_tdx_tcb_result_free(&r);
    unload(&s);
}

/* TEE_TCB_SVN[1] = 0: "tdxModule" applies, TDX components from index 0. */
static void test_tdx10_module(void **state)
{
    scenario s;
    attls_tdx_tcb_result r;
    attls_status st;

    (void)state;
    load_dcap(&s);
    s.td.tee_tcb_svn[1] = 0;
    assert_int_equal(evaluate(&s, &r, &st), ATTLS_OK);
    assert_int_equal(r.status, ATTLS_TDX_TCB_UP_TO_DATE);
    assert_int_equal(r.module_status, ATTLS_TDX_TCB_NOT_EVALUATED);
    assert_string_equal(r.module_id, "");
    attls_tdx_tcb_result_free(&r);
    /* Now TEE_TCB_SVN[0] = 6 is compared with the levels' component 0. */
    set(s.tcb_info, "tcbLevels.0.tcb.tdxtcbcomponents.0", "svn", "7");
    set(s.tcb_info, "tcbLevels.1.tcb.tdxtcbcomponents.0", "svn", "7");
    expect(&s, ATTLS_E_TDX_TCB_NO_MATCH, ATTLS_TDX_TCB_NO_MATCH,
           "TEE_TCB_SVN[0] is 6, below 7");
    set(s.tcb_info, "tcbLevels.0.tcb.tdxtcbcomponents.0", "svn", "5");
    set(s.tcb_info, "tcbLevels.1.tcb.tdxtcbcomponents.0", "svn", "5");
    set(s.tcb_info, "tdxModule", "attributes", "\"0100000000000000\"");
    expect(&s, ATTLS_E_TDX_MODULE_MISMATCH, ATTLS_TDX_TCB_NOT_EVALUATED,
           "of tdxModule");
    unload(&s);
}

/* ---- level matching ------------------------------------------------------ */

static void test_level_matching(void **state)
{
    scenario s;
    attls_tdx_tcb_result r;
    attls_status st;

    (void)state;
    load_dcap(&s);
    /* PCK component 5 is 4: the first level needs 5, the second matches. */
    set(s.tcb_info, "tcbLevels.0.tcb.sgxtcbcomponents.4", "svn", "5");
    assert_int_equal(evaluate(&s, &r, &st), ATTLS_OK);
    assert_int_equal(r.status, ATTLS_TDX_TCB_OUT_OF_DATE);
    assert_int_equal(r.tcb_date, td_time("2018-01-04T00:00:00Z"));
    assert_int_equal(r.n_advisory_ids, 14);
    assert_string_equal(r.advisory_ids[13], "INTEL-SA-00837");
    attls_tdx_tcb_result_free(&r);
    /* PCESVN 11 below both levels. */
    set(s.tcb_info, "tcbLevels.0.tcb", "pcesvn", "12");
    set(s.tcb_info, "tcbLevels.1.tcb", "pcesvn", "12");
    expect(&s, ATTLS_E_TDX_TCB_NO_MATCH, ATTLS_TDX_TCB_NO_MATCH,
           "PCESVN 11 is below 12 (tcbLevels[1])");
    set(s.tcb_info, "tcbLevels.1.tcb", "pcesvn", "5");
    /* TEE_TCB_SVN[2] = 3 below a TDX component. */
    set(s.tcb_info, "tcbLevels.1.tcb.tdxtcbcomponents.2", "svn", "4");
    expect(&s, ATTLS_E_TDX_TCB_NO_MATCH, ATTLS_TDX_TCB_NO_MATCH,
           "TEE_TCB_SVN[2] is 3, below 4");
    /* Bytes 0-1 are the module's business when TEE_TCB_SVN[1] > 0. */
    set(s.tcb_info, "tcbLevels.1.tcb.tdxtcbcomponents.2", "svn", "2");
    set(s.tcb_info, "tcbLevels.1.tcb.tdxtcbcomponents.0", "svn", "200");
    set(s.tcb_info, "tcbLevels.1.tcb.tdxtcbcomponents.1", "svn", "200");
    expect(&s, ATTLS_OK, ATTLS_TDX_TCB_OUT_OF_DATE, NULL);
    unload(&s);
}

static void test_document_order(void **state)
{
    scenario s;
    json_t *levels, *copy;

    (void)state;
    load_dcap(&s);
    levels = td_at(s.tcb_info, "tcbLevels");
    copy = json_deep_copy(json_array_get(levels, 0));
    json_object_set_new(copy, "tcbStatus", json_string("ConfigurationNeeded"));
    json_array_insert_new(levels, 0, copy);
    expect(&s, ATTLS_OK, ATTLS_TDX_TCB_CONFIGURATION_NEEDED, NULL);
    unload(&s);
}

/* ---- FMSPC, QE identity and QE TCB ------------------------------------- */

static void test_fmspc_pceid(void **state)
{
    scenario s;

    (void)state;
    load_dcap(&s);
    set(s.tcb_info, "", "fmspc", "\"B0C06F000001\"");
    expect(&s, ATTLS_E_TDX_FMSPC_MISMATCH, ATTLS_TDX_TCB_NOT_EVALUATED,
           "TCB Info is for FMSPC b0c06f000001, the PCK certificate has "
           "FMSPC b0c06f000000");
    set(s.tcb_info, "", "fmspc", "\"b0c06f000000\"");
    set(s.tcb_info, "", "pceId", "\"0100\"");
    expect(&s, ATTLS_E_TDX_FMSPC_MISMATCH, ATTLS_TDX_TCB_NOT_EVALUATED,
           "PCE ID 0100");
    unload(&s);
}

static void test_qe_identity_match(void **state)
{
    static const struct {
        const char *key, *value, *text;
    } edits[] = {
        {"mrsigner",
         "\"DC9E2A7C6F948F17474E34A7FC43ED030F7C1563F1BABDDF6340C82E0E54A8C"
         "6\"",
         "MRSIGNER"},
        {"isvprodid", "1", "ISVPRODID 2, QE Identity expects 1"},
        {"miscselect", "\"01000000\"",
         "MISCSELECT 0x00000000 under mask 0xffffffff is not 0x00000001"},
        {"attributes", "\"13000000000000000000000000000000\"", "ATTRIBUTES"},
    };
    scenario s;

    (void)state;
    for (size_t i = 0; i < sizeof(edits) / sizeof(edits[0]); i++) {
        load_dcap(&s);
        set(s.qe_id, "", edits[i].key, edits[i].value);
        expect(&s, ATTLS_E_TDX_QE_IDENTITY, ATTLS_TDX_TCB_NOT_EVALUATED,
               edits[i].text);
        unload(&s);
    }
    /* Attribute bits outside the mask (byte 0 bit 2) are ignored. */
    load_dcap(&s);
    set(s.qe_id, "", "attributesMask", "\"F9FFFFFFFFFFFFFF0000000000000000\"");
    set(s.qe_id, "", "attributes", "\"11000000000000000000000000000000\"");
    expect(&s, ATTLS_OK, ATTLS_TDX_TCB_UP_TO_DATE, NULL);
    unload(&s);
}

static void test_qe_tcb(void **state)
{
    scenario s;
    json_t *levels, *lower;

    (void)state;
    load_dcap(&s);
    /* QE ISVSVN 6 below the UpToDate level; an OutOfDate level below. */
    set(s.qe_id, "tcbLevels.0.tcb", "isvsvn", "7");
    levels = td_at(s.qe_id, "tcbLevels");
    lower = json_deep_copy(json_array_get(levels, 0));
    json_object_set_new(json_object_get(lower, "tcb"), "isvsvn",
                        json_integer(5));
    json_object_set_new(lower, "tcbStatus", json_string("OutOfDate"));
    json_array_append_new(levels, lower);
    expect(&s, ATTLS_OK, ATTLS_TDX_TCB_OUT_OF_DATE, NULL);
    set(s.tcb_info, "tcbLevels.0", "tcbStatus", "\"ConfigurationNeeded\"");
    expect(&s, ATTLS_OK, ATTLS_TDX_TCB_OUT_OF_DATE_CONFIGURATION_NEEDED, NULL);
    set(s.qe_id, "tcbLevels.1", "tcbStatus", "\"Revoked\"");
    expect(&s, ATTLS_E_TDX_TCB_REVOKED, ATTLS_TDX_TCB_REVOKED, "QE Revoked");
    set(s.qe_id, "tcbLevels.1.tcb", "isvsvn", "7");
    expect(&s, ATTLS_E_TDX_QE_TCB, ATTLS_TDX_TCB_NO_MATCH,
           "QE ISVSVN 6 is below every QE Identity TCB level");
    unload(&s);
}

static void test_advisory_union(void **state)
{
    scenario s;
    attls_tdx_tcb_result r;
    attls_status st;

    (void)state;
    load_dcap(&s);
    set(s.tcb_info, "tcbLevels.0", "advisoryIDs",
        "[\"INTEL-SA-00001\",\"INTEL-SA-00002\"]");
    set(s.tcb_info, "tdxModuleIdentities.1.tcbLevels.0", "advisoryIDs",
        "[\"INTEL-SA-00002\",\"INTEL-SA-00003\"]");
    set(s.qe_id, "tcbLevels.0", "advisoryIDs",
        "[\"INTEL-SA-00004\",\"INTEL-SA-00001\"]");
    assert_int_equal(evaluate(&s, &r, &st), ATTLS_OK);
    assert_int_equal(r.n_advisory_ids, 4);
    for (int i = 0; i < 4; i++) {
        char want[16];

        snprintf(want, sizeof(want), "INTEL-SA-%05d", i + 1);
        assert_string_equal(r.advisory_ids[i], want);
    }
    attls_tdx_tcb_result_free(&r);
    assert_null(r.advisory_ids);
    unload(&s);
}

static void test_fold_table(void **state)
{
    static const struct {
        attls_tdx_tcb_status platform, other, want;
    } rows[] = {
        {ATTLS_TDX_TCB_UP_TO_DATE, ATTLS_TDX_TCB_UP_TO_DATE,
         ATTLS_TDX_TCB_UP_TO_DATE},
        {ATTLS_TDX_TCB_SW_HARDENING_NEEDED, ATTLS_TDX_TCB_UP_TO_DATE,
         ATTLS_TDX_TCB_SW_HARDENING_NEEDED},
        {ATTLS_TDX_TCB_UP_TO_DATE, ATTLS_TDX_TCB_OUT_OF_DATE,
         ATTLS_TDX_TCB_OUT_OF_DATE},
        {ATTLS_TDX_TCB_SW_HARDENING_NEEDED, ATTLS_TDX_TCB_OUT_OF_DATE,
         ATTLS_TDX_TCB_OUT_OF_DATE},
        {ATTLS_TDX_TCB_CONFIGURATION_NEEDED, ATTLS_TDX_TCB_OUT_OF_DATE,
         ATTLS_TDX_TCB_OUT_OF_DATE_CONFIGURATION_NEEDED},
        {ATTLS_TDX_TCB_CONFIGURATION_AND_SW_HARDENING_NEEDED,
         ATTLS_TDX_TCB_OUT_OF_DATE,
         ATTLS_TDX_TCB_OUT_OF_DATE_CONFIGURATION_NEEDED},
        {ATTLS_TDX_TCB_OUT_OF_DATE, ATTLS_TDX_TCB_OUT_OF_DATE,
         ATTLS_TDX_TCB_OUT_OF_DATE},
        {ATTLS_TDX_TCB_OUT_OF_DATE_CONFIGURATION_NEEDED,
         ATTLS_TDX_TCB_OUT_OF_DATE,
         ATTLS_TDX_TCB_OUT_OF_DATE_CONFIGURATION_NEEDED},
        {ATTLS_TDX_TCB_UP_TO_DATE, ATTLS_TDX_TCB_REVOKED,
         ATTLS_TDX_TCB_REVOKED},
        {ATTLS_TDX_TCB_REVOKED, ATTLS_TDX_TCB_UP_TO_DATE,
         ATTLS_TDX_TCB_REVOKED},
        {ATTLS_TDX_TCB_CONFIGURATION_NEEDED, ATTLS_TDX_TCB_UP_TO_DATE,
         ATTLS_TDX_TCB_CONFIGURATION_NEEDED},
    };

    (void)state;
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
        assert_int_equal(attls_tdx_tcb_fold(rows[i].platform, rows[i].other),
                         rows[i].want);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_dcap_uptodate),
        cmocka_unit_test(test_v5_sample_uptodate),
        cmocka_unit_test(test_no_matching_level),
        cmocka_unit_test(test_intel_qvl_module_mismatch),
        cmocka_unit_test(test_platform_statuses),
        cmocka_unit_test(test_module_levels),
        cmocka_unit_test(test_module_identity),
        cmocka_unit_test(test_tdx10_module),
        cmocka_unit_test(test_level_matching),
        cmocka_unit_test(test_document_order),
        cmocka_unit_test(test_fmspc_pceid),
        cmocka_unit_test(test_qe_identity_match),
        cmocka_unit_test(test_qe_tcb),
        cmocka_unit_test(test_advisory_union),
        cmocka_unit_test(test_fold_table),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
