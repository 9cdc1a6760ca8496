/* SPDX-License-Identifier: Apache-2.0 */
/* Content of TCB Info v3 and QE Identity v2: values and every rule. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "tdx_test_util.h"

#define TCB_INFO TD_DCAP_COLL "/tcb_info.json"
#define QE_ID TD_DCAP_COLL "/qe_identity.json"

static attls_code parse_tcb_info_json(const json_t *j, attls_tdx_tcb_info *ti,
                                      attls_status *st)
{
    attls_buf b = td_dump(j);
    attls_code rc;

    attls_status_clear(st);
    rc = attls_tdx_tcb_info_parse((const char *)b.data, b.len, ti, st);
    attls_buf_free(&b);
    return rc;
}

static attls_code parse_qe_json(const json_t *j, attls_tdx_qe_identity *qi,
                                attls_status *st)
{
    attls_buf b = td_dump(j);
    attls_code rc;

    attls_status_clear(st);
    rc = attls_tdx_qe_identity_parse((const char *)b.data, b.len, qi, st);
    attls_buf_free(&b);
    return rc;
}

static void test_tcb_info_values(void **state)
{
    static const uint8_t sgx0[16] = {2, 2, 2, 2, 3, 1, 0, 5};
    static const uint8_t tdx0[16] = {5, 0, 2};
    json_t *j = td_json(TCB_INFO);
    attls_tdx_tcb_info ti;
    attls_status st;
    uint8_t ff[8];

    (void)state;
    memset(ff, 0xff, sizeof(ff));
    assert_int_equal(parse_tcb_info_json(j, &ti, &st), ATTLS_OK);
    assert_int_equal(ti.version, 3);
    assert_int_equal(ti.issue_date, td_time("2025-06-19T10:16:03Z"));
    assert_int_equal(ti.next_update, td_time("2025-07-19T10:16:03Z"));
    assert_memory_equal(ti.fmspc, "\xb0\xc0\x6f\x00\x00\x00", 6);
    assert_memory_equal(ti.pceid, "\x00\x00", 2);
    assert_int_equal(ti.eval_number, 17);
    assert_memory_equal(ti.module.attributes_mask, ff, 8);
    assert_int_equal(ti.module.n_levels, 0);
    assert_int_equal(ti.n_module_ids, 2);
    assert_string_equal(ti.module_ids[0].id, "TDX_03");
    assert_string_equal(ti.module_ids[1].id, "TDX_01");
    assert_int_equal(ti.module_ids[1].n_levels, 2);
    assert_int_equal(ti.module_ids[1].levels[0].isvsvn, 4);
    assert_int_equal(ti.module_ids[1].levels[1].status,
                     ATTLS_TDX_TCB_OUT_OF_DATE);
    assert_int_equal(ti.module_ids[1].levels[1].tcb_date,
                     td_time("2023-08-09T00:00:00Z"));
    assert_int_equal(ti.n_levels, 2);
    assert_memory_equal(ti.levels[0].sgx_svn, sgx0, 16);
    assert_memory_equal(ti.levels[0].tdx_svn, tdx0, 16);
    assert_int_equal(ti.levels[0].pcesvn, 11);
    assert_int_equal(ti.levels[0].status, ATTLS_TDX_TCB_UP_TO_DATE);
    assert_null(ti.levels[0].advisory_ids);
    assert_int_equal(ti.levels[1].pcesvn, 5);
    assert_int_equal(json_array_size(ti.levels[1].advisory_ids), 14);
    assert_string_equal(
        json_string_value(json_array_get(ti.levels[1].advisory_ids, 0)),
        "INTEL-SA-00106");
    attls_tdx_tcb_info_free(&ti);
    assert_null(ti.levels);
    json_decref(j);
}

static void test_qe_identity_values(void **state)
{
    json_t *j = td_json(QE_ID);
    attls_tdx_qe_identity qi;
    attls_status st;
    uint8_t want[32];

    (void)state;
    assert_int_equal(parse_qe_json(j, &qi, &st), ATTLS_OK);
    assert_int_equal(qi.version, 2);
    assert_int_equal(qi.miscselect, 0);
    assert_int_equal(qi.miscselect_mask, 0xffffffff);
    assert_int_equal(
        attls_hex_decode("FBFFFFFFFFFFFFFF0000000000000000", 32, want, 16), 0);
    assert_memory_equal(qi.attributes_mask, want, 16);
    assert_int_equal(attls_hex_decode("DC9E2A7C6F948F17474E34A7FC43ED030F7C15"
                                      "63F1BABDDF6340C82E0E54A8C5",
                                      64, want, 32),
                     0);
    assert_memory_equal(qi.mrsigner, want, 32);
    assert_int_equal(qi.isvprodid, 2);
    assert_int_equal(qi.n_levels, 1);
    assert_int_equal(qi.levels[0].isvsvn, 4);
    attls_tdx_qe_identity_free(&qi);
    /* miscselect is the little-endian encoding of the u32. */
    json_object_set_new(j, "miscselect", json_string("01020304"));
    assert_int_equal(parse_qe_json(j, &qi, &st), ATTLS_OK);
    assert_int_equal(qi.miscselect, 0x04030201);
    attls_tdx_qe_identity_free(&qi);
    /* The largest ISVSVN and ISVPRODID fit. */
    json_object_set_new(j, "isvprodid", json_integer(65535));
    json_object_set_new(td_at(j, "tcbLevels.0.tcb"), "isvsvn",
                        json_integer(65535));
    assert_int_equal(parse_qe_json(j, &qi, &st), ATTLS_OK);
    assert_int_equal(qi.levels[0].isvsvn, 65535);
    attls_tdx_qe_identity_free(&qi);
    json_decref(j);
}

/*
 * One edit of a valid document: at object @p path ("" = top), set @p key
 * to @p value (JSON text), or delete it when @p value is NULL.
 */
typedef struct edit {
    const char *path, *key, *value, *message;
} edit;

static json_t *apply(const char *file, const edit *e)
{
    json_t *j = td_json(file), *at = e->path[0] ? td_at(j, e->path) : j;
    json_error_t err;

    if (e->value == NULL) {
        assert_int_equal(json_object_del(at, e->key), 0);
    } else {
        json_t *v = json_loads(e->value, JSON_DECODE_ANY, &err);

        if (v == NULL)
            fail_msg("bad test value %s: %s", e->value, err.text);
        if (json_is_array(at))
            assert_int_equal(
                json_array_set_new(at, strtoul(e->key, NULL, 10), v), 0);
        else
            assert_int_equal(json_object_set_new(at, e->key, v), 0);
    }
    return j;
}

static void test_tcb_info_rules(void **state)
{
    static const edit edits[] = {
        {"", "id", NULL, "tcbInfo.id is missing"},
        {"", "id", "\"SGX\"", "tcbInfo.id is 'SGX', not 'TDX'"},
        {"", "version", "2", "only 3 is supported"},
        {"", "version", "\"3\"", "tcbInfo.version is not an integer"},
        {"", "issueDate", "\"yesterday\"", "is not an RFC 3339 time"},
        {"", "nextUpdate", NULL, "tcbInfo.nextUpdate is missing"},
        {"", "fmspc", "\"B0C06F0000\"", "tcbInfo.fmspc is not 6 hex"},
        {"", "fmspc", "\"B0C06F00000G\"", "tcbInfo.fmspc is not 6 hex"},
        {"", "pceId", "0", "tcbInfo.pceId is not a string"},
        {"", "tcbType", "1", "only 0 is supported"},
        {"", "tcbEvaluationDataNumber", "-1", "= -1 is out of range"},
        {"", "tcbEvaluationDataNumber", "4294967296",
         "4294967296 is out of range 0..4294967295"},
        {"", "tdxModule", NULL, "tcbInfo.tdxModule is missing"},
        {"tdxModule", "mrsigner", "\"00\"", "tdxModule.mrsigner is not 48"},
        {"tdxModule", "attributesMask", "null", "is not a string"},
        {"", "tdxModuleIdentities", "{}", "is not an array"},
        {"tdxModuleIdentities", "0", "5",
         "tcbInfo.tdxModuleIdentities[0] is not an object"},
        {"tdxModuleIdentities.1", "id", "\"\"", "not a module identity name"},
        {"tdxModuleIdentities.1", "id", "\"TDX_0123456789AB\"",
         "not a module identity name"},
        {"tdxModuleIdentities.1", "tcbLevels", "[]",
         "tdxModuleIdentities[1].tcbLevels has 0 entries"},
        {"tdxModuleIdentities.1.tcbLevels.0.tcb", "isvsvn", "256",
         "tdxModuleIdentities[1].tcbLevels[0].tcb.isvsvn = 256 is out of "
         "range 0..255"},
        {"tdxModuleIdentities.1.tcbLevels.0", "tcbStatus",
         "\"SWHardeningNeeded\"", "is not a known status here"},
        {"", "tcbLevels", "[]", "tcbInfo.tcbLevels has 0 entries"},
        {"", "tcbLevels", "{}", "tcbInfo.tcbLevels is not an array"},
        {"tcbLevels.0.tcb", "sgxtcbcomponents", "[{\"svn\":1}]",
         "sgxtcbcomponents has 1 entries, expected 16..16"},
        {"tcbLevels.0.tcb.sgxtcbcomponents.1", "svn", "256",
         "tcbInfo.tcbLevels[0].tcb.sgxtcbcomponents[1].svn = 256 is out of "
         "range 0..255"},
        {"tcbLevels.0.tcb.sgxtcbcomponents.1", "svn", "2.0",
         "sgxtcbcomponents[1].svn is not an integer"},
        {"tcbLevels.0.tcb.sgxtcbcomponents.1", "svn", "true",
         "is not an integer"},
        {"tcbLevels.0.tcb.tdxtcbcomponents", "15", "\"x\"",
         "tdxtcbcomponents[15] is not an object"},
        {"tcbLevels.1.tcb", "tdxtcbcomponents", NULL,
         "tcbInfo.tcbLevels[1].tcb.tdxtcbcomponents is missing"},
        {"tcbLevels.0.tcb", "pcesvn", "65536", "= 65536 is out of range"},
        {"tcbLevels.0", "tcb", "[]",
         "tcbInfo.tcbLevels[0].tcb is not an "
         "object"},
        {"tcbLevels.0", "tcbStatus", "\"Bogus\"", "'Bogus' is not a known"},
        {"tcbLevels.0", "tcbStatus", "\"uptodate\"", "is not a known"},
        {"tcbLevels.0", "tcbStatus", "\"NoMatchingTcbLevel\"",
         "is not a known"},
        {"tcbLevels.0", "tcbDate", "\"2024-13-01T00:00:00Z\"",
         "tcbLevels[0].tcbDate = '2024-13-01T00:00:00Z' is not"},
        {"tcbLevels.1", "advisoryIDs", "[1]",
         "tcbLevels[1].advisoryIDs[0] is not a string"},
        {"tcbLevels.1", "advisoryIDs", "[\"\"]", "is not a string of 1..64"},
        {"tcbLevels.1", "advisoryIDs", "\"INTEL-SA-00106\"",
         "advisoryIDs is not an array"},
    };

    (void)state;
    for (size_t i = 0; i < sizeof(edits) / sizeof(edits[0]); i++) {
        json_t *j = apply(TCB_INFO, &edits[i]);
        attls_tdx_tcb_info ti;
        attls_status st;

        if (parse_tcb_info_json(j, &ti, &st) != ATTLS_E_TDX_COLLATERAL_FORMAT ||
            strstr(st.message, edits[i].message) == NULL)
            fail_msg("edit %zu (%s.%s): %s '%s'", i, edits[i].path,
                     edits[i].key, attls_status_code_name(st.code), st.message);
        assert_null(ti.doc);
        json_decref(j);
    }
}

static void test_tcb_info_accepts(void **state)
{
    static const edit edits[] = {
        {"", "fmspc", "\"b0c06f000000\"", NULL},
        {"", "futureField", "{\"x\":[1,2]}", NULL},
        {"tcbLevels.0.tcb.sgxtcbcomponents.1", "svn", "255", NULL},
        {"", "tdxModuleIdentities", "[]", NULL},
        {"", "tdxModuleIdentities", NULL, NULL},
        {"tcbLevels.1", "advisoryIDs", "[]", NULL},
    };

    (void)state;
    for (size_t i = 0; i < sizeof(edits) / sizeof(edits[0]); i++) {
        json_t *j = apply(TCB_INFO, &edits[i]);
        attls_tdx_tcb_info ti;
        attls_status st;

        if (parse_tcb_info_json(j, &ti, &st) != ATTLS_OK)
            fail_msg("edit %zu: %s", i, st.message);
        assert_memory_equal(ti.fmspc, "\xb0\xc0\x6f\x00\x00\x00", 6);
        attls_tdx_tcb_info_free(&ti);
        json_decref(j);
    }
}

static void test_tcb_info_limits(void **state)
{
    json_t *j = td_json(TCB_INFO), *levels = td_at(j, "tcbLevels");
    attls_tdx_tcb_info ti;
    attls_status st;
    const char *bad[] = {"", "[]",
                         "{\"id\":", "{\"id\":\"TDX\",\"id\":\"TDX\"}",
                         "{\"a\":1} {}"};

    (void)state;
    while (json_array_size(levels) < ATTLS_TDX_MAX_LEVELS)
        json_array_append(levels, json_array_get(levels, 0));
    assert_int_equal(parse_tcb_info_json(j, &ti, &st), ATTLS_OK);
    assert_int_equal(ti.n_levels, ATTLS_TDX_MAX_LEVELS);
    attls_tdx_tcb_info_free(&ti);
    json_array_append(levels, json_array_get(levels, 0));
    assert_int_equal(parse_tcb_info_json(j, &ti, &st),
                     ATTLS_E_TDX_COLLATERAL_FORMAT);
    td_assert_status(&st, ATTLS_E_TDX_COLLATERAL_FORMAT, "has 129 entries");
    json_decref(j);
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        attls_status_clear(&st);
        assert_int_equal(
            attls_tdx_tcb_info_parse(bad[i], strlen(bad[i]), &ti, &st),
            ATTLS_E_TDX_COLLATERAL_FORMAT);
        assert_string_equal(st.check, "tdx.collateral_format");
    }
}

static void test_qe_identity_rules(void **state)
{
    static const edit edits[] = {
        {"", "id", "\"QE\"", "enclaveIdentity.id is 'QE', not 'TD_QE'"},
        {"", "version", "3", "only 2 is supported"},
        {"", "miscselect", "\"0000000\"", "miscselect is not 4 hex"},
        {"", "miscselectMask", NULL, "miscselectMask is missing"},
        {"", "attributesMask", "\"FBFFFFFFFFFFFFFF00000000000000\"",
         "attributesMask is not 16 hex"},
        {"", "mrsigner", "\"DC9E\"", "mrsigner is not 32 hex"},
        {"", "isvprodid", "65536", "isvprodid = 65536 is out of range"},
        {"", "tcbEvaluationDataNumber", "\"17\"", "is not an integer"},
        {"tcbLevels.0.tcb", "isvsvn", "65536",
         "enclaveIdentity.tcbLevels[0].tcb.isvsvn = 65536 is out of range"},
        {"tcbLevels.0", "tcbStatus", "\"ConfigurationNeeded\"",
         "is not a known status here"},
        {"", "tcbLevels", "[]", "enclaveIdentity.tcbLevels has 0 entries"},
    };

    (void)state;
    for (size_t i = 0; i < sizeof(edits) / sizeof(edits[0]); i++) {
        json_t *j = apply(QE_ID, &edits[i]);
        attls_tdx_qe_identity qi;
        attls_status st;

        if (parse_qe_json(j, &qi, &st) != ATTLS_E_TDX_COLLATERAL_FORMAT ||
            strstr(st.message, edits[i].message) == NULL)
            fail_msg("edit %zu (%s.%s): %s '%s'", i, edits[i].path,
                     edits[i].key, attls_status_code_name(st.code), st.message);
        assert_null(qi.levels);
        json_decref(j);
    }
}

static void test_status_names(void **state)
{
    attls_tdx_tcb_status s;

    (void)state;
    for (int i = 0; i < ATTLS_TDX_TCB_STATUS_COUNT; i++) {
        assert_int_equal(
            attls_tdx_tcb_status_from_name(attls_tdx_tcb_status_name(i), &s),
            0);
        assert_int_equal(s, i);
    }
    assert_string_equal(attls_tdx_tcb_status_name(
                            ATTLS_TDX_TCB_OUT_OF_DATE_CONFIGURATION_NEEDED),
                        "OutOfDateConfigurationNeeded");
    assert_string_equal(attls_tdx_tcb_status_name(ATTLS_TDX_TCB_STATUS_COUNT),
                        "?");
    assert_int_equal(attls_tdx_tcb_status_from_name("UpToDate ", &s), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tcb_info_values),
        cmocka_unit_test(test_qe_identity_values),
        cmocka_unit_test(test_tcb_info_rules),
        cmocka_unit_test(test_tcb_info_accepts),
        cmocka_unit_test(test_tcb_info_limits),
        cmocka_unit_test(test_qe_identity_rules),
        cmocka_unit_test(test_status_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
