/* SPDX-License-Identifier: Apache-2.0 */
/*
 * attls show: each evidence record decoded as JSON, and the binder
 * comparisons a reader (or a test) can check at a glance. Decoding only:
 * no signature, chain or policy is verified here (that is attls verify).
 */
#ifndef ATTLS_TOOLS_SHOW_RECORDS_H
#define ATTLS_TOOLS_SHOW_RECORDS_H

#include <jansson.h>
#include <openssl/x509.h>

#include "attls/status.h"
#include "evidence/format.h"

/** Outcome of one binder comparison. */
typedef enum attls_bind_result {
    ATTLS_BIND_ABSENT = 0, /* nothing to compare on this platform */
    ATTLS_BIND_MATCH,
    ATTLS_BIND_MISMATCH,
} attls_bind_result;

/** What show found, record by record. */
typedef struct attls_show {
    const attls_evidence *ev;
    X509 *cert;
    uint8_t binder[32];
    uint8_t binder64[64];
    json_t *records; /* label -> decoded record */
    json_t *binding; /* comparison -> "match" / "mismatch" / "absent" */
    int mismatches;
} attls_show;

/**
 * Decode every record of @p s->ev into @p s->records and compare what
 * should carry the binder with it.
 * @retval ATTLS_OK decoded (mismatches are counted, not failures)
 * @retval the record parsers' codes when a record does not decode
 */
attls_code attls_show_records(attls_show *s, attls_status *st);

#endif
