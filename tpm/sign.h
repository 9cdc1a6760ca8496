/* SPDX-License-Identifier: Apache-2.0 */
/**
 * @file tpm/sign.h
 * The private-key operations: one TPM command each (plus the policy
 * session of a PCR-policy key, tpm/policy.h, which the caller runs).
 *
 * The digest is always computed by the caller in software; signing uses a
 * NULL validation ticket (TPM_ST_HASHCHECK, TPM_RH_NULL), which unrestricted
 * keys accept, so no TPM hash sequence is ever needed.
 */
#ifndef ATTLS_TPM_SIGN_H
#define ATTLS_TPM_SIGN_H

#include <stddef.h>
#include <stdint.h>
#include <tss2/tss2_esys.h>

#ifdef __cplusplus
extern "C" {
#endif

/**
 * @return the TPM hash algorithm whose digest is @p len bytes (SHA-1,
 * SHA-256, SHA-384, SHA-512), or TPM2_ALG_ERROR.
 */
TPMI_ALG_HASH attls_tpm_hash_for_size(size_t len);

/**
 * TPM2_Sign with ECDSA. @p digest is @p len bytes of hash @p halg.
 * @param auth the key's auth value (NULL: empty)
 * @param session ESYS_TR_PASSWORD (authorise with @p auth), or a policy
 * session that satisfies the key's authPolicy (tpm/policy.h); the same for
 * the functions below
 * @retval ATTLS_TPM_RC_SIZE @p len does not match @p halg
 */
TSS2_RC attls_tpm_sign_ecdsa(ESYS_CONTEXT *esys, ESYS_TR key,
                             const TPM2B_AUTH *auth, ESYS_TR session,
                             TPMI_ALG_HASH halg, const uint8_t *digest,
                             size_t len, TPMS_SIGNATURE_ECC *out);

/**
 * TPM2_Sign with RSASSA-PKCS1-v1_5: the TPM adds the DigestInfo of @p halg.
 * @param[out] sig the signature, modulus-sized
 */
TSS2_RC attls_tpm_sign_rsassa(ESYS_CONTEXT *esys, ESYS_TR key,
                              const TPM2B_AUTH *auth, ESYS_TR session,
                              TPMI_ALG_HASH halg, const uint8_t *digest,
                              size_t len, TPM2B_PUBLIC_KEY_RSA *sig);

/**
 * The raw RSA private operation m^d mod n: TPM2_RSA_Decrypt with scheme
 * NULL. Needs a key with the decrypt attribute and scheme NULL. @p in must
 * be modulus-sized and numerically below the modulus (an EMSA-PSS encoded
 * message is).
 * @param[out] out the result, which the TPM may return without leading
 * zero bytes
 */
TSS2_RC attls_tpm_rsa_private(ESYS_CONTEXT *esys, ESYS_TR key,
                              const TPM2B_AUTH *auth, ESYS_TR session,
                              const uint8_t *in, size_t len,
                              TPM2B_PUBLIC_KEY_RSA *out);

#ifdef __cplusplus
}
#endif

#endif
