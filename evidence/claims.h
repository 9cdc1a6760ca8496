/* SPDX-License-Identifier: Apache-2.0 */
/**
 * @file evidence/claims.h
 * The claims record of attls evidence (docs/evidence-format.md §4): which
 * platform and key residency the evidence is for, whether the key carries a
 * PCR policy, when it was collected and an optional operator nonce. Its
 * exact bytes are an input of the binder.
 */
#ifndef ATTLS_EVIDENCE_CLAIMS_H
#define ATTLS_EVIDENCE_CLAIMS_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "attls/status.h"
#include "common/bytes.h"

/** Where the evidence was produced. */
typedef enum attls_platform {
    ATTLS_PLATFORM_UNKNOWN = 0,
    ATTLS_PLATFORM_TPM,       /**< "tpm": a TPM without TEE */
    ATTLS_PLATFORM_AZURE_SNP, /**< "azure-snp" */
    ATTLS_PLATFORM_AZURE_TDX, /**< "azure-tdx" */
    ATTLS_PLATFORM_GCP_SNP,   /**< "gcp-snp" */
    ATTLS_PLATFORM_GCP_TDX,   /**< "gcp-tdx" */
} attls_platform;

/** Where the TLS private key lives. */
typedef enum attls_residency {
    ATTLS_RESIDENCY_UNKNOWN = 0,
    ATTLS_RESIDENCY_VTPM,   /**< "vtpm": in the vTPM, proved by TPM2_Certify */
    ATTLS_RESIDENCY_MEMORY, /**< "memory": software key in the CVM */
} attls_residency;

#define ATTLS_CLAIMS_VERSION 1
#define ATTLS_CLAIMS_MAX 1024
#define ATTLS_NONCE_MAX 64

typedef struct attls_claims {
    int version; /**< ATTLS_CLAIMS_VERSION */
    attls_platform platform;
    attls_residency residency;
    int pcr_policy; /**< key authPolicy = PolicyPCR(quote) */
    time_t created; /**< collection time, whole seconds, UTC */
    uint8_t nonce[ATTLS_NONCE_MAX];
    size_t nonce_len; /**< 0: no nonce */
} attls_claims;

/** @return "azure-snp", ..., or NULL for an unknown value. */
const char *attls_platform_name(attls_platform p);
/** @return the platform named @p name, or ATTLS_PLATFORM_UNKNOWN. */
attls_platform attls_platform_from_name(const char *name);
/** @return non-zero for the platforms with a TEE report. */
int attls_platform_has_tee(attls_platform p);

/** @return "vtpm", "memory", or NULL. */
const char *attls_residency_name(attls_residency r);
/** @return the residency named @p name, or ATTLS_RESIDENCY_UNKNOWN. */
attls_residency attls_residency_from_name(const char *name);

/**
 * Serialise @p c (compact JSON, members in the documented order).
 * @retval ATTLS_OK @p out owns the bytes
 * @retval ATTLS_E_ARGUMENT @p c is inconsistent (unknown platform or
 *         residency, pcr_policy with memory, nonce too long, bad time)
 * @retval ATTLS_E_INTERNAL allocation failure
 */
attls_code attls_claims_encode(const attls_claims *c, attls_buf *out,
                               attls_status *st);

/**
 * Parse a claims record strictly.
 * @retval ATTLS_OK @p c filled
 * @retval ATTLS_E_CLAIMS not JSON, unknown or missing members, wrong types
 *         or values, a non-canonical time, inconsistent residency/policy
 */
attls_code attls_claims_decode(const uint8_t *data, size_t len, attls_claims *c,
                               attls_status *st);

#endif
