/* SPDX-License-Identifier: Apache-2.0 */
#include "tpm/pcr.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tpm/connection.h"
#include "tpm/rc.h"

static const struct {
    const char *name;
    TPMI_ALG_HASH alg;
} banks[] = {
    {"sha1", TPM2_ALG_SHA1},
    {"sha256", TPM2_ALG_SHA256},
    {"sha384", TPM2_ALG_SHA384},
    {"sha512", TPM2_ALG_SHA512},
};

static const char *bank_name(TPMI_ALG_HASH alg)
{
    for (size_t i = 0; i < sizeof(banks) / sizeof(banks[0]); i++) {
        if (banks[i].alg == alg)
            return banks[i].name;
    }
    return "?";
}

static attls_code bad(attls_status *st, const char *spec, const char *why)
{
    return attls_fail(st, ATTLS_E_PCR_SELECTION, "pcr.selection",
                      "PCR selection '%.100s': %s", spec, why);
}

/* One index (0..23) at *p; advances *p. */
static int parse_index(const char **p)
{
    char *end = NULL;
    long v;

    if (**p < '0' || **p > '9')
        return -1;
    v = strtol(*p, &end, 10);
    if (end - *p > 2 || v < 0 || v >= ATTLS_PCR_COUNT)
        return -1;
    *p = end;
    return (int)v;
}

/* "0-9,11" into @p s; stops at '+' or the end. */
static attls_code parse_list(const char *spec, const char **p,
                             TPMS_PCR_SELECTION *s, attls_status *st)
{
    for (;;) {
        int lo = parse_index(p), hi = lo;

        if (lo < 0)
            return bad(st, spec, "expected a PCR index 0-23");
        if (**p == '-') {
            (*p)++;
            hi = parse_index(p);
            if (hi < lo)
                return bad(st, spec, "range not of the form low-high");
        }
        for (int i = lo; i <= hi; i++) {
            if (s->pcrSelect[i / 8] & (1u << (i % 8)))
                return bad(st, spec, "a PCR is selected twice");
            s->pcrSelect[i / 8] |= (BYTE)(1u << (i % 8));
        }
        if (**p != ',')
            return ATTLS_OK;
        (*p)++;
    }
}

attls_code attls_pcr_selection_parse(const char *spec, TPML_PCR_SELECTION *sel,
                                     attls_status *st)
{
    const char *p = spec;

    memset(sel, 0, sizeof(*sel));
    if (spec == NULL || *spec == '\0')
        return bad(st, "", "empty");
    for (;;) {
        TPMS_PCR_SELECTION *s;
        size_t i, n = strcspn(p, ":");
        attls_code rc;

        for (i = 0; i < sizeof(banks) / sizeof(banks[0]); i++) {
            if (strlen(banks[i].name) == n && strncmp(banks[i].name, p, n) == 0)
                break;
        }
        if (i == sizeof(banks) / sizeof(banks[0]) || p[n] != ':')
            return bad(st, spec, "expected sha1:, sha256:, sha384: or sha512:");
        for (UINT32 k = 0; k < sel->count; k++) {
            if (sel->pcrSelections[k].hash == banks[i].alg)
                return bad(st, spec, "a bank appears twice");
        }
        if (sel->count == ATTLS_PCR_MAX_BANKS)
            return bad(st, spec, "too many banks");
        s = &sel->pcrSelections[sel->count++];
        s->hash = banks[i].alg;
        s->sizeofSelect = 3;
        p += n + 1;
        rc = parse_list(spec, &p, s, st);
        if (rc != ATTLS_OK)
            return rc;
        if (*p == '\0')
            return ATTLS_OK;
        if (*p != '+')
            return bad(st, spec, "unexpected character");
        p++;
    }
}

void attls_pcr_selection_format(const TPML_PCR_SELECTION *sel, char *buf,
                                size_t len)
{
    size_t off = 0;

    buf[0] = '\0';
    for (UINT32 b = 0; b < sel->count && off < len; b++) {
        const TPMS_PCR_SELECTION *s = &sel->pcrSelections[b];
        const char *sep = ":";

        off += (size_t)snprintf(buf + off, len - off, "%s%s", b ? "+" : "",
                                bank_name(s->hash));
        for (int i = 0; i < s->sizeofSelect * 8 && off < len; i++) {
            int j = i;

            if (!(s->pcrSelect[i / 8] & (1u << (i % 8))))
                continue;
            while (j + 1 < s->sizeofSelect * 8 &&
                   (s->pcrSelect[(j + 1) / 8] & (1u << ((j + 1) % 8))))
                j++;
            off += (size_t)(j > i ? snprintf(buf + off, len - off, "%s%d-%d",
                                             sep, i, j)
                                  : snprintf(buf + off, len - off, "%s%d", sep,
                                             i));
            sep = ",";
            i = j;
        }
    }
}

/* The PCRs of @p want not yet read, read in one command into @p table. */
static attls_code read_once(ESYS_CONTEXT *esys, TPML_PCR_SELECTION *want,
                            TPM2B_DIGEST table[][ATTLS_PCR_COUNT],
                            attls_status *st)
{
    TPML_PCR_SELECTION *got = NULL;
    TPML_DIGEST *values = NULL;
    UINT32 counter, next = 0;
    TSS2_RC rc;

    for (int attempt = 0;; attempt++) {
        rc = Esys_PCR_Read(esys, ESYS_TR_NONE, ESYS_TR_NONE, ESYS_TR_NONE, want,
                           &counter, &got, &values);
        if (!attls_tpm_should_retry(rc, attempt))
            break;
    }
    if (rc != TSS2_RC_SUCCESS)
        return attls_fail(st, attls_tpm_rc_code(rc), "pcr.read",
                          "TPM2_PCR_Read failed: %s", attls_tpm_rc_text(rc));
    if (values->count == 0) {
        Esys_Free(got);
        Esys_Free(values);
        return attls_fail(st, ATTLS_E_PCR_SELECTION, "pcr.bank",
                          "the TPM returned no PCR values: a selected bank "
                          "is not allocated");
    }
    for (UINT32 b = 0; b < got->count; b++) {
        const TPMS_PCR_SELECTION *g = &got->pcrSelections[b];

        for (int i = 0; i < g->sizeofSelect * 8 && i < ATTLS_PCR_COUNT; i++) {
            if (!(g->pcrSelect[i / 8] & (1u << (i % 8))) ||
                next >= values->count)
                continue;
            for (UINT32 k = 0; k < want->count; k++) {
                if (want->pcrSelections[k].hash != g->hash)
                    continue;
                table[k][i] = values->digests[next];
                want->pcrSelections[k].pcrSelect[i / 8] &=
                    (BYTE) ~(1u << (i % 8));
            }
            next++;
        }
    }
    Esys_Free(got);
    Esys_Free(values);
    return ATTLS_OK;
}

static int none_left(const TPML_PCR_SELECTION *s)
{
    for (UINT32 k = 0; k < s->count; k++) {
        for (int b = 0; b < s->pcrSelections[k].sizeofSelect; b++) {
            if (s->pcrSelections[k].pcrSelect[b] != 0)
                return 0;
        }
    }
    return 1;
}

attls_code attls_pcr_read(ESYS_CONTEXT *esys, const TPML_PCR_SELECTION *sel,
                          TPM2B_DIGEST *values, size_t max, size_t *count,
                          attls_status *st)
{
    TPM2B_DIGEST table[ATTLS_PCR_MAX_BANKS][ATTLS_PCR_COUNT];
    TPML_PCR_SELECTION want = *sel;
    attls_code rc = ATTLS_OK;

    *count = 0;
    if (sel->count > ATTLS_PCR_MAX_BANKS)
        return attls_fail(st, ATTLS_E_PCR_SELECTION, "pcr.bank",
                          "more than %d PCR banks", ATTLS_PCR_MAX_BANKS);
    /* Each round reads at least one PCR (at most 8) or fails. */
    for (int round = 0; rc == ATTLS_OK && !none_left(&want); round++) {
        if (round == ATTLS_PCR_MAX_BANKS * ATTLS_PCR_COUNT)
            return attls_fail(st, ATTLS_E_PCR_SELECTION, "pcr.bank",
                              "TPM2_PCR_Read makes no progress");
        rc = read_once(esys, &want, table, st);
    }
    for (UINT32 k = 0; rc == ATTLS_OK && k < sel->count; k++) {
        const TPMS_PCR_SELECTION *s = &sel->pcrSelections[k];

        for (int i = 0; i < s->sizeofSelect * 8 && i < ATTLS_PCR_COUNT; i++) {
            if (!(s->pcrSelect[i / 8] & (1u << (i % 8))))
                continue;
            if (*count == max)
                return attls_fail(st, ATTLS_E_PCR_SELECTION, "pcr.count",
                                  "more than %zu PCRs selected", max);
            values[(*count)++] = table[k][i];
        }
    }
    return rc;
}
