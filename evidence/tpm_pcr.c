/* SPDX-License-Identifier: Apache-2.0 */
/*
 * PCR values supplied by the caller (raw per bank, or JSON) and the quote's
 * pcrDigest recomputed from them in TPML_PCR_SELECTION order.
 */
#include "evidence/tpm_attest.h"

#include <stdio.h>
#include <string.h>

#include "common/bytes.h"
#include "evidence/tpm_internal.h"

uint32_t attls_tpm_selection_mask(const TPMS_PCR_SELECTION *sel)
{
    uint32_t mask = 0;
    size_t n = sel->sizeofSelect < TPM2_PCR_SELECT_MAX ? sel->sizeofSelect
                                                       : TPM2_PCR_SELECT_MAX;

    for (size_t i = 0; i < n; i++)
        mask |= (uint32_t)sel->pcrSelect[i] << (8 * i);
    return mask;
}

static unsigned lowest_bit(uint32_t mask)
{
    unsigned i = 0;

    while (i < 31 && !(mask & (1u << i)))
        i++;
    return i;
}

static unsigned popcount32(uint32_t v)
{
    unsigned n = 0;

    for (; v != 0; v &= v - 1)
        n++;
    return n;
}

void attls_tpm_pcrs_init(attls_tpm_pcrs *pcrs)
{
    memset(pcrs, 0, sizeof(*pcrs));
}

static attls_tpm_pcr_bank *find_bank(const attls_tpm_pcrs *pcrs,
                                     uint16_t hash_alg)
{
    for (size_t i = 0; i < pcrs->bank_count; i++) {
        if (pcrs->banks[i].hash_alg == hash_alg)
            return (attls_tpm_pcr_bank *)&pcrs->banks[i];
    }
    return NULL;
}

/* The bank for @p hash_alg, created empty if absent; NULL if unsupported. */
static attls_tpm_pcr_bank *bank_for(attls_tpm_pcrs *pcrs, uint16_t hash_alg,
                                    attls_status *st)
{
    attls_tpm_pcr_bank *b;

    if (attls_tpm_hash_size(hash_alg) == 0) {
        attls_fail(st, ATTLS_E_TPM_PCR_INPUT, "tpm.pcrs",
                   "PCR bank 0x%04x is not sha1, sha256, sha384 or sha512",
                   hash_alg);
        return NULL;
    }
    if ((b = find_bank(pcrs, hash_alg)) != NULL)
        return b;
    /* One bank per supported hash, so this cannot overflow. */
    b = &pcrs->banks[pcrs->bank_count++];
    memset(b, 0, sizeof(*b));
    b->hash_alg = hash_alg;
    return b;
}

attls_code attls_tpm_pcrs_set(attls_tpm_pcrs *pcrs, uint16_t hash_alg,
                              unsigned index, const uint8_t *value, size_t len,
                              attls_status *st)
{
    size_t size = attls_tpm_hash_size(hash_alg);
    attls_tpm_pcr_bank *b;

    if ((b = bank_for(pcrs, hash_alg, st)) == NULL)
        return ATTLS_E_TPM_PCR_INPUT;
    if (index >= ATTLS_TPM_MAX_PCRS)
        return attls_fail(st, ATTLS_E_TPM_PCR_INPUT, "tpm.pcrs",
                          "PCR index %u is out of range 0-%d", index,
                          ATTLS_TPM_MAX_PCRS - 1);
    if (len != size)
        return attls_fail(st, ATTLS_E_TPM_PCR_INPUT, "tpm.pcrs",
                          "value of PCR %s:%u is %zu bytes, a %s digest is "
                          "%zu",
                          attls_tpm_alg_name(hash_alg), index, len,
                          attls_tpm_alg_name(hash_alg), size);
    if (b->present & (1u << index))
        return attls_fail(st, ATTLS_E_TPM_PCR_INPUT, "tpm.pcrs",
                          "PCR %s:%u is given twice",
                          attls_tpm_alg_name(hash_alg), index);
    memcpy(b->values[index], value, len);
    b->present |= 1u << index;
    return ATTLS_OK;
}

attls_code attls_tpm_pcrs_set_raw(attls_tpm_pcrs *pcrs,
                                  const TPMS_PCR_SELECTION *sel,
                                  const uint8_t *raw, size_t len,
                                  attls_status *st)
{
    size_t size = attls_tpm_hash_size(sel->hash);
    uint32_t mask = attls_tpm_selection_mask(sel);
    unsigned count = popcount32(mask);
    size_t at = 0;
    attls_code rc;

    if (size == 0)
        return attls_fail(st, ATTLS_E_TPM_PCR_INPUT, "tpm.pcrs",
                          "PCR bank 0x%04x is not sha1, sha256, sha384 or "
                          "sha512",
                          sel->hash);
    if (len != count * size)
        return attls_fail(st, ATTLS_E_TPM_PCR_INPUT, "tpm.pcrs",
                          "raw %s PCR values are %zu bytes; the selection "
                          "covers %u PCRs of that bank, so %zu bytes "
                          "(%u x %zu) were expected",
                          attls_tpm_alg_name(sel->hash), len, count,
                          count * size, count, size);
    for (unsigned i = 0; i < ATTLS_TPM_MAX_PCRS; i++) {
        if (!(mask & (1u << i)))
            continue;
        rc = attls_tpm_pcrs_set(pcrs, sel->hash, i, raw + at, size, st);
        if (rc != ATTLS_OK)
            return rc;
        at += size;
    }
    /* Record the bank even when the selection in it is empty. */
    return bank_for(pcrs, sel->hash, st) ? ATTLS_OK : ATTLS_E_TPM_PCR_INPUT;
}

attls_code attls_tpm_pcrs_set_list(attls_tpm_pcrs *pcrs,
                                   const TPML_PCR_SELECTION *sel,
                                   const TPM2B_DIGEST *values, size_t count,
                                   attls_status *st)
{
    size_t k = 0;
    attls_code rc;

    for (UINT32 i = 0; i < sel->count && i < TPM2_NUM_PCR_BANKS; i++) {
        uint32_t mask = attls_tpm_selection_mask(&sel->pcrSelections[i]);

        if (bank_for(pcrs, sel->pcrSelections[i].hash, st) == NULL)
            return ATTLS_E_TPM_PCR_INPUT;
        for (unsigned j = 0; j < ATTLS_TPM_MAX_PCRS; j++) {
            if (!(mask & (1u << j)))
                continue;
            if (k == count)
                return attls_fail(st, ATTLS_E_TPM_PCR_INPUT, "tpm.pcrs",
                                  "%zu PCR values given, the selection "
                                  "covers more",
                                  count);
            rc = attls_tpm_pcrs_set(pcrs, sel->pcrSelections[i].hash, j,
                                    values[k].buffer, values[k].size, st);
            if (rc != ATTLS_OK)
                return rc;
            k++;
        }
    }
    if (k != count)
        return attls_fail(st, ATTLS_E_TPM_PCR_INPUT, "tpm.pcrs",
                          "%zu PCR values given, the selection covers %zu",
                          count, k);
    return ATTLS_OK;
}

/* "0".."31" exactly: no sign, no leading zero, no trailing text. */
static int parse_pcr_index(const char *s, unsigned *out)
{
    size_t n = strlen(s);

    if (n == 0 || n > 2 || (n == 2 && s[0] == '0'))
        return -1;
    *out = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        *out = *out * 10 + (unsigned)(s[i] - '0');
    }
    return *out < ATTLS_TPM_MAX_PCRS ? 0 : -1;
}

static attls_code json_bank(attls_tpm_pcrs *pcrs, const char *bank_name,
                            json_t *values, attls_status *st)
{
    uint16_t alg = attls_tpm_alg_from_name(bank_name);
    size_t size = attls_tpm_hash_size(alg);
    const char *key;
    json_t *v;
    attls_code rc;

    if (size == 0)
        return attls_fail(st, ATTLS_E_TPM_PCR_INPUT, "tpm.pcrs",
                          "PCR JSON: bank \"%.32s\" is not sha1, sha256, "
                          "sha384 or sha512",
                          bank_name);
    if (!json_is_object(values))
        return attls_fail(st, ATTLS_E_TPM_PCR_INPUT, "tpm.pcrs",
                          "PCR JSON: bank \"%s\" must be an object of "
                          "\"index\": \"hex\"",
                          bank_name);
    if (bank_for(pcrs, alg, st) == NULL)
        return ATTLS_E_TPM_PCR_INPUT;
    json_object_foreach(values, key, v)
    {
        uint8_t digest[ATTLS_TPM_MAX_DIGEST];
        unsigned index;
        const char *hex = json_string_value(v);

        if (parse_pcr_index(key, &index) != 0)
            return attls_fail(st, ATTLS_E_TPM_PCR_INPUT, "tpm.pcrs",
                              "PCR JSON: bank %s: key \"%.32s\" is not a PCR "
                              "index 0-31",
                              bank_name, key);
        if (hex == NULL ||
            attls_hex_decode(hex, json_string_length(v), digest, size) != 0)
            return attls_fail(st, ATTLS_E_TPM_PCR_INPUT, "tpm.pcrs",
                              "PCR JSON: %s:%u must be a string of %zu hex "
                              "digits",
                              bank_name, index, 2 * size);
        rc = attls_tpm_pcrs_set(pcrs, alg, index, digest, size, st);
        if (rc != ATTLS_OK)
            return rc;
    }
    return ATTLS_OK;
}

attls_code attls_tpm_pcrs_from_json(attls_tpm_pcrs *pcrs, const char *json,
                                    size_t len, attls_status *st)
{
    json_error_t err;
    json_t *root = json_loadb(json, len, JSON_REJECT_DUPLICATES, &err);
    const char *bank;
    json_t *values;
    attls_code rc = ATTLS_OK;

    if (root == NULL)
        return attls_fail(st, ATTLS_E_TPM_PCR_INPUT, "tpm.pcrs",
                          "PCR JSON line %d column %d: %s", err.line,
                          err.column, err.text);
    if (!json_is_object(root)) {
        rc = attls_fail(st, ATTLS_E_TPM_PCR_INPUT, "tpm.pcrs",
                        "PCR JSON must be an object of banks, e.g. "
                        "{\"sha256\": {\"0\": \"hex\"}}");
    } else {
        json_object_foreach(root, bank, values)
        {
            if ((rc = json_bank(pcrs, bank, values, st)) != ATTLS_OK)
                break;
        }
    }
    json_decref(root);
    return rc;
}

attls_code attls_tpm_selection_check(const TPML_PCR_SELECTION *sel,
                                     attls_status *st)
{
    for (UINT32 i = 0; i < sel->count; i++) {
        uint16_t alg = sel->pcrSelections[i].hash;

        if (attls_tpm_hash_size(alg) == 0)
            return attls_fail(st, ATTLS_E_TPM_PCR_SELECTION,
                              "tpm.quote.pcr_selection",
                              "selection %u names bank 0x%04x, which is not "
                              "SHA-1, SHA-256, SHA-384 or SHA-512",
                              i, alg);
        for (UINT32 j = 0; j < i; j++) {
            if (sel->pcrSelections[j].hash == alg)
                return attls_fail(st, ATTLS_E_TPM_PCR_SELECTION,
                                  "tpm.quote.pcr_selection",
                                  "bank %s is selected twice (selections %u "
                                  "and %u)",
                                  attls_tpm_alg_name(alg), j, i);
        }
    }
    return ATTLS_OK;
}

/* Every selected PCR has a value, and every value is selected. */
static attls_code check_coverage(const TPML_PCR_SELECTION *sel,
                                 const attls_tpm_pcrs *pcrs, attls_status *st)
{
    attls_code rc = attls_tpm_selection_check(sel, st);

    if (rc != ATTLS_OK)
        return rc;
    for (UINT32 i = 0; i < sel->count; i++) {
        uint16_t alg = sel->pcrSelections[i].hash;
        uint32_t mask = attls_tpm_selection_mask(&sel->pcrSelections[i]);
        const attls_tpm_pcr_bank *b = find_bank(pcrs, alg);
        uint32_t missing = mask & ~(b ? b->present : 0);

        if (missing != 0)
            return attls_fail(
                st, ATTLS_E_TPM_PCR_SELECTION, "tpm.quote.pcr_selection",
                "the quote selects PCR %s:%u but no value was "
                "supplied for it (%u of %u selected %s PCRs "
                "missing)",
                attls_tpm_alg_name(alg), lowest_bit(missing),
                popcount32(missing), popcount32(mask), attls_tpm_alg_name(alg));
    }
    for (size_t k = 0; k < pcrs->bank_count; k++) {
        const attls_tpm_pcr_bank *b = &pcrs->banks[k];
        uint32_t selected = 0, extra;

        for (UINT32 i = 0; i < sel->count; i++) {
            if (sel->pcrSelections[i].hash == b->hash_alg)
                selected = attls_tpm_selection_mask(&sel->pcrSelections[i]);
        }
        extra = b->present & ~selected;
        if (extra != 0)
            return attls_fail(
                st, ATTLS_E_TPM_PCR_SELECTION, "tpm.quote.pcr_selection",
                "a value was supplied for PCR %s:%u, which "
                "the quote does not cover: it would not be "
                "attested",
                attls_tpm_alg_name(b->hash_alg), lowest_bit(extra));
    }
    return ATTLS_OK;
}

attls_code attls_tpm_pcr_digest(const TPML_PCR_SELECTION *sel,
                                const attls_tpm_pcrs *pcrs, uint16_t hash_alg,
                                uint8_t *out, size_t *out_len, attls_status *st)
{
    const EVP_MD *md = attls_tpm_hash_md(hash_alg);
    EVP_MD_CTX *ctx;
    unsigned int n = 0;
    attls_code rc;
    int ok;

    if (sel == NULL || pcrs == NULL || out == NULL || out_len == NULL)
        return attls_fail(st, ATTLS_E_ARGUMENT, "tpm.quote.pcr_digest",
                          "selection, PCR values and output are required");
    if (md == NULL)
        return attls_fail(st, ATTLS_E_TPM_SIG_SCHEME, "tpm.quote.pcr_digest",
                          "digest algorithm 0x%04x is not SHA-1, SHA-256, "
                          "SHA-384 or SHA-512",
                          hash_alg);
    if ((rc = check_coverage(sel, pcrs, st)) != ATTLS_OK)
        return rc;
    if ((ctx = EVP_MD_CTX_new()) == NULL)
        return attls_fail(st, ATTLS_E_INTERNAL, "tpm.quote.pcr_digest",
                          "out of memory");
    ok = EVP_DigestInit_ex(ctx, md, NULL);
    for (UINT32 i = 0; ok && i < sel->count; i++) {
        uint16_t alg = sel->pcrSelections[i].hash;
        uint32_t mask = attls_tpm_selection_mask(&sel->pcrSelections[i]);
        const attls_tpm_pcr_bank *b = find_bank(pcrs, alg);
        size_t size = attls_tpm_hash_size(alg);

        for (unsigned k = 0; ok && k < ATTLS_TPM_MAX_PCRS; k++) {
            if (mask & (1u << k))
                ok = EVP_DigestUpdate(ctx, b->values[k], size);
        }
    }
    ok = ok && EVP_DigestFinal_ex(ctx, out, &n);
    EVP_MD_CTX_free(ctx);
    if (!ok)
        return attls_fail(st, ATTLS_E_INTERNAL, "tpm.quote.pcr_digest",
                          "digest computation failed");
    *out_len = n;
    return ATTLS_OK;
}
