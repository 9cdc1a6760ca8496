/* SPDX-License-Identifier: Apache-2.0 */
/**
 * @file evidence/tpm_records.h
 * The tpm-quote and tpm-certify records of attls evidence
 * (docs/evidence-format.md §5.1, §5.2): TPM wire-format concatenations,
 * marshalled and unmarshalled with libtss2-mu. Decoding checks structure
 * only (magic, type, sizes, PCR count against the selection); signatures
 * and bindings are the verifier's job.
 */
#ifndef ATTLS_EVIDENCE_TPM_RECORDS_H
#define ATTLS_EVIDENCE_TPM_RECORDS_H

#include <stddef.h>
#include <stdint.h>

#include <tss2/tss2_tpm2_types.h>

#include "attls/status.h"
#include "common/bytes.h"

/** Most PCR values one quote record carries (4 banks of 24 PCRs). */
#define ATTLS_QUOTE_MAX_PCRS 96

/** A decoded tpm-quote record. */
typedef struct attls_quote_record {
    TPM2B_ATTEST quoted;      /**< the signed bytes */
    TPMS_ATTEST attest;       /**< quoted, unmarshalled */
    TPMT_SIGNATURE signature; /**< AK signature over quoted */
    uint32_t pcr_count;
    TPM2B_DIGEST pcrs[ATTLS_QUOTE_MAX_PCRS]; /**< in selection order */
} attls_quote_record;

/** A decoded tpm-certify record. */
typedef struct attls_certify_record {
    TPM2B_ATTEST certify_info; /**< the signed bytes */
    TPMS_ATTEST attest;        /**< certify_info, unmarshalled */
    TPMT_SIGNATURE signature;  /**< AK signature over certify_info */
    TPM2B_PUBLIC object;       /**< public area of the certified key */
} attls_certify_record;

/** @return the digest size of TPM hash @p alg, or 0 if unknown. */
size_t attls_tpm_digest_size(TPMI_ALG_HASH alg);

/** @return the number of PCRs selected by @p sel. */
size_t attls_pcr_selection_count(const TPML_PCR_SELECTION *sel);

/**
 * Encode a tpm-quote record.
 * @retval ATTLS_OK @p out owns the bytes
 * @retval ATTLS_E_ARGUMENT @p pcr_count differs from the quote's selection
 *         or a value has the wrong size; too many values
 * @retval ATTLS_E_TPM_RECORD marshalling failed
 */
attls_code attls_quote_record_encode(const TPM2B_ATTEST *quoted,
                                     const TPMT_SIGNATURE *signature,
                                     const TPM2B_DIGEST *pcrs, size_t pcr_count,
                                     attls_buf *out, attls_status *st);

/**
 * Decode a tpm-quote record (@p r is large: allocate it, do not put it on a
 * small stack).
 * @retval ATTLS_OK @p r filled
 * @retval ATTLS_E_TPM_RECORD malformed, trailing bytes, not a quote, PCR
 *         values inconsistent with the selection
 */
attls_code attls_quote_record_decode(const uint8_t *data, size_t len,
                                     attls_quote_record *r, attls_status *st);

/** Encode a tpm-certify record (same return codes as the quote's). */
attls_code attls_certify_record_encode(const TPM2B_ATTEST *certify_info,
                                       const TPMT_SIGNATURE *signature,
                                       const TPM2B_PUBLIC *object,
                                       attls_buf *out, attls_status *st);

/**
 * Decode a tpm-certify record.
 * @retval ATTLS_OK @p r filled
 * @retval ATTLS_E_TPM_RECORD malformed, trailing bytes, not a certify, or a
 *         certified object that is neither RSA nor ECC
 */
attls_code attls_certify_record_decode(const uint8_t *data, size_t len,
                                       attls_certify_record *r,
                                       attls_status *st);

/**
 * Unmarshal a TPMS_ATTEST held in @p a, requiring the magic value, the
 * @p type and that every byte is consumed.
 */
attls_code attls_attest_unmarshal(const TPM2B_ATTEST *a, TPMI_ST_ATTEST type,
                                  TPMS_ATTEST *out, const char *check,
                                  attls_status *st);

/** Unmarshal a TPM2B_PUBLIC of exactly @p len bytes (RSA or ECC only). */
attls_code attls_public_unmarshal(const uint8_t *data, size_t len,
                                  TPM2B_PUBLIC *out, const char *check,
                                  attls_status *st);

/**
 * Name of a public area: nameAlg || H_nameAlg(marshalled TPMT_PUBLIC).
 * @retval ATTLS_OK @p name filled
 * @retval ATTLS_E_TPM_RECORD unsupported nameAlg or marshalling failure
 */
attls_code attls_public_name(const TPMT_PUBLIC *pub, TPM2B_NAME *name,
                             attls_status *st);

#endif
