/* SPDX-License-Identifier: Apache-2.0 */
/**
 * @file tpm/policy.h
 * PCR-policy keys: a key whose authPolicy is TPM2_PolicyPCR over a PCR
 * selection and the values those PCRs had when the key was made, with
 * userWithAuth clear, so that the key signs only while the PCRs still hold
 * those values (TPM 2.0 Part 3 §23.7; docs/evidence-format.md §6 step 8).
 *
 * The policy digest is computed in software (SHA-256, the key's nameAlg):
 *
 *     authPolicy = SHA-256(0^32 || BE32(TPM_CC_PolicyPCR) ||
 *                          TPML_PCR_SELECTION || pcrDigest)
 *     pcrDigest  = SHA-256(pcr[0] || ... || pcr[n-1])  (selection order)
 *
 * and satisfied at each use by a fresh policy session.
 */
#ifndef ATTLS_TPM_POLICY_H
#define ATTLS_TPM_POLICY_H

#include <stddef.h>
#include <tss2/tss2_esys.h>

#ifdef __cplusplus
extern "C" {
#endif

/**
 * pcrDigest of TPM2_PolicyPCR: SHA-256 over @p count PCR values in
 * selection order.
 * @retval TSS2_RC_SUCCESS or ATTLS_TPM_RC_SIZE (a value too large)
 */
TSS2_RC attls_tpm_policy_pcr_values(const TPM2B_DIGEST *values, size_t count,
                                    TPM2B_DIGEST *pcr_digest);

/**
 * The SHA-256 policy digest a trial session reaches after
 * TPM2_PolicyPCR(@p pcrs, @p pcr_digest) from the empty policy.
 * @retval TSS2_RC_SUCCESS
 * @retval ATTLS_TPM_RC_SIZE @p pcr_digest is not 32 bytes
 * @retval ATTLS_TPM_RC_UNSUPPORTED @p pcrs does not marshal
 */
TSS2_RC attls_tpm_policy_pcr_digest(const TPML_PCR_SELECTION *pcrs,
                                    const TPM2B_DIGEST *pcr_digest,
                                    TPM2B_DIGEST *policy);

/**
 * @return 1 when @p pub is authorised by TPM2_PolicyPCR(@p pcrs,
 * @p pcr_digest) alone: nameAlg SHA-256, that policy's digest as authPolicy
 * and userWithAuth clear; 0 otherwise
 */
int attls_tpm_policy_pcr_binds(const TPMT_PUBLIC *pub,
                               const TPML_PCR_SELECTION *pcrs,
                               const TPM2B_DIGEST *pcr_digest);

/**
 * Start an unsalted, unbound SHA-256 policy session and run
 * TPM2_PolicyPCR(@p pcrs) with an empty pcrDigest, so that the TPM takes the
 * PCRs' current values: the session then authorises the key only if they
 * are still the values of its authPolicy (TPM2_RC_POLICY_FAIL otherwise).
 * @param[out] session flush with attls_tpm_flush(), also after a failed
 * command; ESYS_TR_NONE on failure (nothing is left loaded)
 */
TSS2_RC attls_tpm_policy_pcr_session(ESYS_CONTEXT *esys,
                                     const TPML_PCR_SELECTION *pcrs,
                                     ESYS_TR *session);

#ifdef __cplusplus
}
#endif

#endif
