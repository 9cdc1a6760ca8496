/* SPDX-License-Identifier: Apache-2.0 */
#include "evidence/tpm_records.h"

#include <stdio.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <tss2/tss2_mu.h>

#include "evidence/tpm_attest.h"

/* Large enough for every record: the limits of docs/evidence-format.md §3. */
#define RECORD_MAX 8192

size_t attls_tpm_digest_size(TPMI_ALG_HASH alg)
{
    switch (alg) {
    case TPM2_ALG_SHA1:
        return 20;
    case TPM2_ALG_SHA256:
    case TPM2_ALG_SM3_256:
        return 32;
    case TPM2_ALG_SHA384:
        return 48;
    case TPM2_ALG_SHA512:
        return 64;
    default:
        return 0;
    }
}

size_t attls_pcr_selection_count(const TPML_PCR_SELECTION *sel)
{
    size_t n = 0;

    for (UINT32 i = 0; i < sel->count && i < TPM2_NUM_PCR_BANKS; i++) {
        for (UINT8 b = 0;
             b < sel->pcrSelections[i].sizeofSelect && b < TPM2_PCR_SELECT_MAX;
             b++) {
            for (BYTE v = sel->pcrSelections[i].pcrSelect[b]; v != 0;
                 v &= (BYTE)(v - 1))
                n++;
        }
    }
    return n;
}

static attls_code mu_fail(attls_status *st, const char *check, const char *what,
                          size_t offset)
{
    return attls_fail(st, ATTLS_E_TPM_RECORD, check,
                      "%s does not unmarshal (at byte %zu)", what, offset);
}

attls_code attls_attest_unmarshal(const TPM2B_ATTEST *a, TPMI_ST_ATTEST type,
                                  TPMS_ATTEST *out, const char *check,
                                  attls_status *st)
{
    attls_status why;

    /* The verifier's strict parser; a record reports any fault as its own. */
    attls_status_clear(&why);
    if (attls_tpm_attest_parse(a->attestationData, a->size, type, out, &why) !=
        ATTLS_OK)
        return attls_fail(st, ATTLS_E_TPM_RECORD, check, "%s", why.message);
    return ATTLS_OK;
}

attls_code attls_public_unmarshal(const uint8_t *data, size_t len,
                                  TPM2B_PUBLIC *out, const char *check,
                                  attls_status *st)
{
    size_t off = 0, inner = 0;
    UINT16 size = 0;

    memset(out, 0, sizeof(*out));
    if (Tss2_MU_UINT16_Unmarshal(data, len, &off, &size) != TSS2_RC_SUCCESS ||
        size > len - off)
        return attls_fail(st, ATTLS_E_TPM_RECORD, check,
                          "TPM2B_PUBLIC size field missing or beyond the "
                          "record");
    /* Unmarshal the TPMT_PUBLIC from exactly its declared bytes. */
    if (Tss2_MU_TPMT_PUBLIC_Unmarshal(data + off, size, &inner,
                                      &out->publicArea) != TSS2_RC_SUCCESS)
        return mu_fail(st, check, "TPMT_PUBLIC", off + inner);
    if (inner != size || off + size != len)
        return attls_fail(st, ATTLS_E_TPM_RECORD, check,
                          "TPM2B_PUBLIC sizes inconsistent (declared %u, "
                          "used %zu, record %zu)",
                          (unsigned)size, inner, len - off);
    out->size = size;
    if (out->publicArea.type != TPM2_ALG_RSA &&
        out->publicArea.type != TPM2_ALG_ECC)
        return attls_fail(st, ATTLS_E_TPM_RECORD, check,
                          "public area of type 0x%04x (RSA or ECC expected)",
                          (unsigned)out->publicArea.type);
    return ATTLS_OK;
}

attls_code attls_public_name(const TPMT_PUBLIC *pub, TPM2B_NAME *name,
                             attls_status *st)
{
    uint8_t buf[sizeof(TPMT_PUBLIC)];
    size_t len = 0, dlen = attls_tpm_digest_size(pub->nameAlg);
    const EVP_MD *md = pub->nameAlg == TPM2_ALG_SHA256   ? EVP_sha256()
                       : pub->nameAlg == TPM2_ALG_SHA384 ? EVP_sha384()
                       : pub->nameAlg == TPM2_ALG_SHA512 ? EVP_sha512()
                       : pub->nameAlg == TPM2_ALG_SHA1   ? EVP_sha1()
                                                         : NULL;
    unsigned int n = 0;

    if (md == NULL || dlen == 0)
        return attls_fail(st, ATTLS_E_TPM_RECORD, "tpm.name",
                          "nameAlg 0x%04x unsupported", (unsigned)pub->nameAlg);
    if (Tss2_MU_TPMT_PUBLIC_Marshal(pub, buf, sizeof(buf), &len) !=
        TSS2_RC_SUCCESS)
        return attls_fail(st, ATTLS_E_TPM_RECORD, "tpm.name",
                          "TPMT_PUBLIC does not marshal");
    name->name[0] = (uint8_t)(pub->nameAlg >> 8);
    name->name[1] = (uint8_t)pub->nameAlg;
    if (EVP_Digest(buf, len, name->name + 2, &n, md, NULL) != 1 || n != dlen)
        return attls_fail(st, ATTLS_E_INTERNAL, "tpm.name",
                          "digest of the public area failed");
    name->size = (UINT16)(2 + dlen);
    return ATTLS_OK;
}

static attls_code check_signature_alg(const TPMT_SIGNATURE *s,
                                      const char *check, attls_status *st)
{
    if (s->sigAlg != TPM2_ALG_RSASSA && s->sigAlg != TPM2_ALG_RSAPSS &&
        s->sigAlg != TPM2_ALG_ECDSA)
        return attls_fail(st, ATTLS_E_TPM_RECORD, check,
                          "signature algorithm 0x%04x (RSASSA, RSAPSS or "
                          "ECDSA expected)",
                          (unsigned)s->sigAlg);
    return ATTLS_OK;
}

/* Check that @p pcrs match the sizes and count of @p sel. */
static attls_code check_pcr_values(const TPML_PCR_SELECTION *sel,
                                   const TPM2B_DIGEST *pcrs, size_t n,
                                   attls_code code, attls_status *st)
{
    size_t k = 0;

    if (attls_pcr_selection_count(sel) != n)
        return attls_fail(st, code, "tpm_quote.pcrs",
                          "%zu PCR values for %zu selected PCRs", n,
                          attls_pcr_selection_count(sel));
    for (UINT32 i = 0; i < sel->count; i++) {
        size_t want = attls_tpm_digest_size(sel->pcrSelections[i].hash);
        size_t in_bank = 0;
        TPML_PCR_SELECTION one = {.count = 1};

        one.pcrSelections[0] = sel->pcrSelections[i];
        in_bank = attls_pcr_selection_count(&one);
        if (want == 0 && in_bank > 0)
            return attls_fail(st, code, "tpm_quote.pcrs",
                              "PCR bank 0x%04x unsupported",
                              (unsigned)sel->pcrSelections[i].hash);
        for (size_t j = 0; j < in_bank; j++, k++) {
            if (pcrs[k].size != want)
                return attls_fail(st, code, "tpm_quote.pcrs",
                                  "PCR value %zu has %u bytes, its bank "
                                  "0x%04x needs %zu",
                                  k, (unsigned)pcrs[k].size,
                                  (unsigned)sel->pcrSelections[i].hash, want);
        }
    }
    return ATTLS_OK;
}

static attls_code finish_encode(const uint8_t *buf, size_t len, attls_buf *out,
                                attls_status *st)
{
    out->data = OPENSSL_malloc(len + 1);
    if (out->data == NULL)
        return attls_fail(st, ATTLS_E_INTERNAL, "tpm_record.alloc",
                          "out of memory");
    memcpy(out->data, buf, len);
    out->len = len;
    return ATTLS_OK;
}

attls_code attls_quote_record_encode(const TPM2B_ATTEST *quoted,
                                     const TPMT_SIGNATURE *signature,
                                     const TPM2B_DIGEST *pcrs, size_t pcr_count,
                                     attls_buf *out, attls_status *st)
{
    uint8_t buf[RECORD_MAX];
    size_t off = 0;
    TPMS_ATTEST a;
    attls_code rc;

    out->data = NULL;
    out->len = 0;
    if (pcr_count > ATTLS_QUOTE_MAX_PCRS)
        return attls_fail(st, ATTLS_E_ARGUMENT, "tpm_quote.pcrs",
                          "%zu PCR values (at most %d)", pcr_count,
                          ATTLS_QUOTE_MAX_PCRS);
    rc = attls_attest_unmarshal(quoted, TPM2_ST_ATTEST_QUOTE, &a,
                                "tpm_quote.attest", st);
    if (rc == ATTLS_OK)
        rc = check_pcr_values(&a.attested.quote.pcrSelect, pcrs, pcr_count,
                              ATTLS_E_ARGUMENT, st);
    if (rc != ATTLS_OK)
        return rc;
    if (Tss2_MU_TPM2B_ATTEST_Marshal(quoted, buf, sizeof(buf), &off) != 0 ||
        Tss2_MU_TPMT_SIGNATURE_Marshal(signature, buf, sizeof(buf), &off) !=
            0 ||
        Tss2_MU_UINT32_Marshal((UINT32)pcr_count, buf, sizeof(buf), &off) != 0)
        return attls_fail(st, ATTLS_E_TPM_RECORD, "tpm_quote.encode",
                          "quote or signature does not marshal");
    for (size_t i = 0; i < pcr_count; i++) {
        if (Tss2_MU_TPM2B_DIGEST_Marshal(&pcrs[i], buf, sizeof(buf), &off) != 0)
            return attls_fail(st, ATTLS_E_TPM_RECORD, "tpm_quote.encode",
                              "PCR value %zu does not marshal", i);
    }
    return finish_encode(buf, off, out, st);
}

/* The common head of both records: TPM2B_ATTEST then TPMT_SIGNATURE. */
static attls_code decode_head(const uint8_t *data, size_t len,
                              TPMI_ST_ATTEST type, const char *what,
                              TPM2B_ATTEST *attest, TPMS_ATTEST *info,
                              TPMT_SIGNATURE *sig, size_t *off,
                              attls_status *st)
{
    char check[32];
    attls_code rc;

    if (len > RECORD_MAX)
        return attls_fail(st, ATTLS_E_TPM_RECORD, "tpm_record.size",
                          "%s record of %zu bytes (limit %d)", what, len,
                          RECORD_MAX);
    snprintf(check, sizeof(check), "%s.attest", what);
    if (Tss2_MU_TPM2B_ATTEST_Unmarshal(data, len, off, attest) !=
        TSS2_RC_SUCCESS)
        return mu_fail(st, check, "TPM2B_ATTEST", *off);
    rc = attls_attest_unmarshal(attest, type, info, check, st);
    if (rc != ATTLS_OK)
        return rc;
    snprintf(check, sizeof(check), "%s.signature", what);
    if (Tss2_MU_TPMT_SIGNATURE_Unmarshal(data, len, off, sig) !=
        TSS2_RC_SUCCESS)
        return mu_fail(st, check, "TPMT_SIGNATURE", *off);
    return check_signature_alg(sig, check, st);
}

attls_code attls_quote_record_decode(const uint8_t *data, size_t len,
                                     attls_quote_record *r, attls_status *st)
{
    size_t off = 0;
    attls_code rc;

    memset(r, 0, sizeof(*r));
    rc = decode_head(data, len, TPM2_ST_ATTEST_QUOTE, "tpm_quote", &r->quoted,
                     &r->attest, &r->signature, &off, st);
    if (rc != ATTLS_OK)
        return rc;
    if (Tss2_MU_UINT32_Unmarshal(data, len, &off, &r->pcr_count) !=
        TSS2_RC_SUCCESS)
        return mu_fail(st, "tpm_quote.pcrs", "PCR count", off);
    if (r->pcr_count > ATTLS_QUOTE_MAX_PCRS)
        return attls_fail(st, ATTLS_E_TPM_RECORD, "tpm_quote.pcrs",
                          "%u PCR values (at most %d)", (unsigned)r->pcr_count,
                          ATTLS_QUOTE_MAX_PCRS);
    for (uint32_t i = 0; i < r->pcr_count; i++) {
        if (Tss2_MU_TPM2B_DIGEST_Unmarshal(data, len, &off, &r->pcrs[i]) !=
            TSS2_RC_SUCCESS)
            return mu_fail(st, "tpm_quote.pcrs", "PCR value", off);
    }
    if (off != len)
        return attls_fail(st, ATTLS_E_TPM_RECORD, "tpm_quote.trailing",
                          "%zu trailing bytes after the PCR values", len - off);
    return check_pcr_values(&r->attest.attested.quote.pcrSelect, r->pcrs,
                            r->pcr_count, ATTLS_E_TPM_RECORD, st);
}

attls_code attls_certify_record_encode(const TPM2B_ATTEST *certify_info,
                                       const TPMT_SIGNATURE *signature,
                                       const TPM2B_PUBLIC *object,
                                       attls_buf *out, attls_status *st)
{
    uint8_t buf[RECORD_MAX];
    size_t off = 0;
    TPMS_ATTEST a;
    attls_code rc;

    out->data = NULL;
    out->len = 0;
    rc = attls_attest_unmarshal(certify_info, TPM2_ST_ATTEST_CERTIFY, &a,
                                "tpm_certify.attest", st);
    if (rc != ATTLS_OK)
        return rc;
    if (Tss2_MU_TPM2B_ATTEST_Marshal(certify_info, buf, sizeof(buf), &off) !=
            0 ||
        Tss2_MU_TPMT_SIGNATURE_Marshal(signature, buf, sizeof(buf), &off) !=
            0 ||
        Tss2_MU_TPM2B_PUBLIC_Marshal(object, buf, sizeof(buf), &off) != 0)
        return attls_fail(st, ATTLS_E_TPM_RECORD, "tpm_certify.encode",
                          "certify, signature or public area does not "
                          "marshal");
    return finish_encode(buf, off, out, st);
}

attls_code attls_certify_record_decode(const uint8_t *data, size_t len,
                                       attls_certify_record *r,
                                       attls_status *st)
{
    size_t off = 0;
    attls_code rc;

    memset(r, 0, sizeof(*r));
    rc = decode_head(data, len, TPM2_ST_ATTEST_CERTIFY, "tpm_certify",
                     &r->certify_info, &r->attest, &r->signature, &off, st);
    if (rc != ATTLS_OK)
        return rc;
    return attls_public_unmarshal(data + off, len - off, &r->object,
                                  "tpm_certify.object", st);
}
