/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Helpers shared by the TDX unit tests: test data from ATTLS_TESTDATA,
 * fixed instants, the pinned and the synthetic Intel trust sets, the
 * collateral sets of the MANIFEST, and JSON editing of collateral.
 */
#ifndef ATTLS_TESTS_TDX_TEST_UTIL_H
#define ATTLS_TESTS_TDX_TEST_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <jansson.h>

#include "common/bytes.h"
#include "evidence/tdx.h"

/* Folders of ../shared/testdata and the MANIFEST's verification times. */
#define TD_DCAP_COLL "dcap-qvl/tdx_quote_collateral"
#define TD_OUTDATED_COLL "dcap-qvl/tdx_quote_outdated_collateral"
#define TD_AT_DCAP "2025-07-01T00:00:00Z"
#define TD_AT_2026 "2026-03-01T00:00:00Z"
#define TD_AT_SPR "2023-07-01T01:00:00Z"

/** Read testdata file @p rel (asserts on failure). */
attls_buf td_read(const char *rel);

/** RFC 3339 to time_t (asserts on failure). */
time_t td_time(const char *rfc3339);

/** The pinned "intel-sgx" trust set. */
void td_trust_intel(attls_trust_set *ts);

/** A trust set whose only anchor is the certificate(s) of testdata @p rel. */
void td_trust_file(attls_trust_set *ts, const char *rel);

/** Collateral from a dcap-qvl style folder of the testdata. */
void td_collateral_dir(attls_tdx_collateral *c, const char *rel);

/** The go-tdx-guest 2023 collateral of tdx_prod_quote_SPR_E4.dat. */
void td_collateral_gotdx(attls_tdx_collateral *c);

/** Parse a quote held in @p b (asserts success). */
void td_parse(const attls_buf *b, attls_tdx_quote *q);

/** Load testdata JSON @p rel as a jansson object (asserts). */
json_t *td_json(const char *rel);

/** Compact dump of @p j into a buffer (caller frees with attls_buf_free). */
attls_buf td_dump(const json_t *j);

/**
 * The object at dotted @p path ("tcbLevels.0.tcb") below @p root; array
 * indexes are numbers. Asserts the path exists.
 */
json_t *td_at(json_t *root, const char *path);

/** Assert that @p st holds @p code and its message contains @p text. */
#define td_assert_status(st, want, text)                                       \
    do {                                                                       \
        assert_int_equal((st)->code, (want));                                  \
        if (strstr((st)->message, (text)) == NULL)                             \
            fail_msg("message '%s' lacks '%s'", (st)->message, (text));        \
    } while (0)

#endif
