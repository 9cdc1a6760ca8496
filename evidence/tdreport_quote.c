/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A TDREPORT against the TD report body of a quote made from it. The quote
 * is what an offline verifier can authenticate (Intel PCK chain); the
 * TDREPORT (here: inside an Azure HCL report) is worth what it shares with
 * an authenticated quote.
 */
#include "evidence/tdreport.h"

#include <string.h>

#include "common/bytes.h"

typedef struct field {
    const char *name;
    const uint8_t *report, *quote;
    size_t len;
} field;

static attls_code mismatch(const field *f, attls_status *st)
{
    char got[2 * 16 + 1], want[2 * 16 + 1];
    size_t n = f->len < 16 ? f->len : 16;

    attls_hex_encode(f->report, n, got);
    attls_hex_encode(f->quote, n, want);
    return attls_fail(st, ATTLS_E_TDREPORT_QUOTE_MISMATCH, "tdreport.quote",
                      "%s differs: TDREPORT %s%s, quote %s%s", f->name, got,
                      f->len > n ? "..." : "", want, f->len > n ? "..." : "");
}

attls_code attls_tdreport_match_quote(const attls_tdreport *t,
                                      const attls_tdx_td_report *q,
                                      attls_status *st)
{
    uint8_t t_attr[8], q_attr[8], t_xfam[8], q_xfam[8], t_seam[8], q_seam[8];
    const field fields[] = {
        {"REPORTDATA", t->report_data, q->report_data, 64},
        {"MRTD", t->mrtd, q->mrtd, 48},
        {"RTMR0", t->rtmr[0], q->rtmr[0], 48},
        {"RTMR1", t->rtmr[1], q->rtmr[1], 48},
        {"RTMR2", t->rtmr[2], q->rtmr[2], 48},
        {"RTMR3", t->rtmr[3], q->rtmr[3], 48},
        {"TD_ATTRIBUTES", t_attr, q_attr, 8},
        {"XFAM", t_xfam, q_xfam, 8},
        {"MRCONFIGID", t->mrconfigid, q->mrconfigid, 48},
        {"MROWNER", t->mrowner, q->mrowner, 48},
        {"MROWNERCONFIG", t->mrownerconfig, q->mrownerconfig, 48},
        {"TEE_TCB_SVN", t->tee_tcb_svn, q->tee_tcb_svn, 16},
        {"MRSEAM", t->mrseam, q->mrseam, 48},
        {"MRSIGNERSEAM", t->mrsignerseam, q->mrsignerseam, 48},
        {"SEAMATTRIBUTES", t_seam, q_seam, 8},
        /* TDX 1.5 bodies only (the entries after this one). */
        {"TEE_TCB_SVN2", t->tee_tcb_svn2, q->tee_tcb_svn2, 16},
        {"MRSERVICETD (SERVTD_HASH)", t->servtd_hash, q->mrservicetd, 48},
    };
    size_t n = sizeof(fields) / sizeof(fields[0]);

    /* Compare integers as their little-endian bytes, like the rest. */
    for (int i = 0; i < 8; i++) {
        t_attr[i] = (uint8_t)(t->td_attributes >> (8 * i));
        q_attr[i] = (uint8_t)(q->td_attributes >> (8 * i));
        t_xfam[i] = (uint8_t)(t->xfam >> (8 * i));
        q_xfam[i] = (uint8_t)(q->xfam >> (8 * i));
        t_seam[i] = (uint8_t)(t->seam_attributes >> (8 * i));
        q_seam[i] = (uint8_t)(q->seam_attributes >> (8 * i));
    }
    if (!q->is_tdx15)
        n -= 2;
    for (size_t i = 0; i < n; i++) {
        if (memcmp(fields[i].report, fields[i].quote, fields[i].len) != 0)
            return mismatch(&fields[i], st);
    }
    return ATTLS_OK;
}
