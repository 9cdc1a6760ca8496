/* SPDX-License-Identifier: Apache-2.0 */
/**
 * @file evidence/format.h
 * attls evidence v1: the CMW collection profile of docs/evidence-format.md
 * (labels, media types, indicators, size ranges, which records each
 * platform and residency requires), its strict decoder, and its encoder.
 */
#ifndef ATTLS_EVIDENCE_FORMAT_H
#define ATTLS_EVIDENCE_FORMAT_H

#include <stddef.h>
#include <stdint.h>

#include <openssl/x509.h>

#include "attls/status.h"
#include "common/bytes.h"
#include "evidence/binder.h"
#include "evidence/claims.h"
#include "evidence/cmw.h"

/** The collection type (__cmwc_t) of attls evidence version 1. */
#define ATTLS_EVIDENCE_PROFILE "https://attls.dev/cmw/evidence/v1"

/** Largest certificate (DER) attls issues. */
#define ATTLS_CERT_MAX (16 * 1024)

/** The records of attls evidence v1, in encoding order. */
typedef enum attls_record_id {
    ATTLS_REC_CLAIMS = 0,
    ATTLS_REC_HCL_REPORT,
    ATTLS_REC_SNP_REPORT,
    ATTLS_REC_TDX_QUOTE,
    ATTLS_REC_AK_PUB,
    ATTLS_REC_TPM_QUOTE,
    ATTLS_REC_TPM_CERTIFY,
    ATTLS_REC_AK_CERT,
    ATTLS_REC_AK_INTERMEDIATES,
    ATTLS_REC_VCEK,
    ATTLS_REC_VLEK,
    ATTLS_REC_COUNT
} attls_record_id;

/** How one record is carried. */
typedef struct attls_record_spec {
    const char *label;
    const char *media_type;
    uint32_t ind;   /**< ATTLS_CMW_IND_EVIDENCE or _ENDORSEMENTS */
    size_t min_len; /**< bytes */
    size_t max_len;
} attls_record_spec;

/** @return the spec of record @p id (never NULL for a valid id). */
const attls_record_spec *attls_record_spec_of(attls_record_id id);

/** A decoded collection: claims plus pointers into the records. */
typedef struct attls_evidence {
    attls_cmw cmw;                         /**< owns the bytes */
    attls_claims claims;                   /**< decoded claims record */
    const attls_buf *rec[ATTLS_REC_COUNT]; /**< NULL when absent */
} attls_evidence;

/** The artefacts of one collection; a NULL data pointer means absent. */
typedef struct attls_evidence_parts {
    attls_buf rec[ATTLS_REC_COUNT]; /**< borrowed, never freed here */
} attls_evidence_parts;

/**
 * Check which records are present against the claims' platform and
 * residency (§3 of the format).
 * @param present bit (1u << id) set for each present record
 * @retval ATTLS_OK the set is allowed
 * @retval ATTLS_E_EVIDENCE_INCOMPLETE a required record is missing or a
 *         forbidden one is present
 */
attls_code attls_evidence_check_set(const attls_claims *c, unsigned present,
                                    attls_status *st);

/**
 * Decode a JSON CMW collection as attls evidence v1: CMW syntax, profile,
 * known labels with their media types, indicators and sizes, strict
 * claims, and the record set.
 * @retval ATTLS_OK @p ev filled (free with attls_evidence_free())
 * @retval ATTLS_E_CMW_SYNTAX, ATTLS_E_CMW_PROFILE, ATTLS_E_EVIDENCE_RECORD,
 *         ATTLS_E_CLAIMS, ATTLS_E_EVIDENCE_INCOMPLETE,
 *         ATTLS_E_EVIDENCE_TOO_LARGE as named
 */
attls_code attls_evidence_decode(const char *json, size_t len,
                                 attls_evidence *ev, attls_status *st);

/**
 * Extract (attls_cmw_ext_from_cert()) and decode the evidence of @p x.
 * @param critical if non-NULL, receives the extension's critical flag
 */
attls_code attls_evidence_from_cert(const X509 *x, attls_evidence *ev,
                                    int *critical, attls_status *st);

void attls_evidence_free(attls_evidence *ev);

/** Binder of @p ev for the certificate @p x (its SPKI and the claims). */
attls_code attls_evidence_binder(const attls_evidence *ev, const X509 *x,
                                 uint8_t out[ATTLS_BINDER_LEN],
                                 attls_status *st);

/**
 * Encode @p parts as a JSON CMW collection (evidence/build.c). The claims
 * record is decoded to check it and the record set before anything is
 * written, so the producer can never emit evidence its own decoder refuses.
 * @retval ATTLS_OK @p json owns the text
 * @retval ATTLS_E_ARGUMENT a record outside its size range
 * @retval ATTLS_E_CLAIMS, ATTLS_E_EVIDENCE_INCOMPLETE,
 *         ATTLS_E_EVIDENCE_TOO_LARGE
 */
attls_code attls_evidence_encode(const attls_evidence_parts *parts,
                                 attls_buf *json, attls_status *st);

#endif
