/* SPDX-License-Identifier: Apache-2.0 */
/* Encoder of attls evidence v1: artefacts -> JSON CMW collection. */
#include <string.h>

#include "evidence/format.h"

static attls_code check_part(attls_record_id id, const attls_buf *b,
                             attls_status *st)
{
    const attls_record_spec *s = attls_record_spec_of(id);

    if (b->len < s->min_len || b->len > s->max_len)
        return attls_fail(st, ATTLS_E_ARGUMENT, "evidence.size",
                          "record '%s' would have %zu bytes (%zu..%zu "
                          "allowed)",
                          s->label, b->len, s->min_len, s->max_len);
    return ATTLS_OK;
}

attls_code attls_evidence_encode(const attls_evidence_parts *parts,
                                 attls_buf *json, attls_status *st)
{
    const attls_buf *claims = &parts->rec[ATTLS_REC_CLAIMS];
    attls_claims c;
    attls_cmw cmw;
    unsigned present = 0;
    attls_code rc;

    json->data = NULL;
    json->len = 0;
    if (claims->data == NULL)
        return attls_fail(st, ATTLS_E_EVIDENCE_INCOMPLETE, "evidence.records",
                          "record 'claims' missing");
    rc = attls_claims_decode(claims->data, claims->len, &c, st);
    if (rc != ATTLS_OK)
        return rc;
    for (int id = 0; id < ATTLS_REC_COUNT; id++) {
        if (parts->rec[id].data == NULL)
            continue;
        rc = check_part((attls_record_id)id, &parts->rec[id], st);
        if (rc != ATTLS_OK)
            return rc;
        present |= 1u << id;
    }
    rc = attls_evidence_check_set(&c, present, st);
    if (rc != ATTLS_OK)
        return rc;
    attls_cmw_init(&cmw, ATTLS_EVIDENCE_PROFILE);
    for (int id = 0; id < ATTLS_REC_COUNT && rc == ATTLS_OK; id++) {
        const attls_record_spec *s = attls_record_spec_of((attls_record_id)id);

        if (parts->rec[id].data != NULL)
            rc = attls_cmw_add(&cmw, s->label, s->media_type, s->ind,
                               parts->rec[id].data, parts->rec[id].len, st);
    }
    if (rc == ATTLS_OK)
        rc = attls_cmw_encode(&cmw, json, st);
    attls_cmw_free(&cmw);
    return rc;
}
