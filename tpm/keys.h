/* SPDX-License-Identifier: Apache-2.0 */
/**
 * @file tpm/keys.h
 * TPM-resident signing keys: templates, checks, create, load, persist.
 *
 * attls keys are unrestricted sign|decrypt keys with scheme NULL (the
 * attributes tpm2-openssl gives its keys, so that files interoperate):
 * userWithAuth|sign|decrypt|fixedTPM|fixedParent|sensitiveDataOrigin,
 * nameAlg SHA-256. Scheme NULL lets one key sign ECDSA or RSASSA through
 * TPM2_Sign and RSA-PSS through a raw TPM2_RSA_Decrypt (tpm/sign.h).
 *
 * Every function takes the ESYS context of a held connection
 * (tpm/connection.h) and returns a TSS2_RC.
 */
#ifndef ATTLS_TPM_KEYS_H
#define ATTLS_TPM_KEYS_H

#include <stdint.h>
#include <tss2/tss2_esys.h>

#include "tpm/keyfile.h"
#include "tpm/parent.h"

#ifdef __cplusplus
extern "C" {
#endif

/** What key to make. */
typedef struct attls_tpm_keyspec {
    TPMI_ALG_PUBLIC type;   /**< TPM2_ALG_ECC or TPM2_ALG_RSA */
    TPMI_ECC_CURVE curve;   /**< ECC: TPM2_ECC_NIST_P256 or _P384 */
    TPMI_RSA_KEY_BITS bits; /**< RSA: 2048, 3072 or 4096 */
    /**
     * NULL, or a SHA-256 authPolicy (tpm/policy.h): the key is then made
     * without userWithAuth, so only a session satisfying it authorises use.
     */
    const TPM2B_DIGEST *auth_policy;
} attls_tpm_keyspec;

/**
 * Fill @p out with the attls key template for @p spec.
 * @retval TSS2_RC_SUCCESS or ATTLS_TPM_RC_UNSUPPORTED
 */
TSS2_RC attls_tpm_key_template(const attls_tpm_keyspec *spec,
                               TPM2B_PUBLIC *out);

/**
 * Check that @p pub is of a type attls handles: ECC P-256/P-384 or RSA
 * 2048/3072/4096 with a public value of the right size.
 * @retval TSS2_RC_SUCCESS or ATTLS_TPM_RC_UNSUPPORTED
 */
TSS2_RC attls_tpm_key_supported(const TPMT_PUBLIC *pub);

/**
 * Check that @p pub is a key attls can use: ECC P-256/P-384 or RSA
 * 2048/3072/4096, sign attribute set, not restricted (attls signs with a
 * NULL ticket, which restricted keys refuse).
 * @retval TSS2_RC_SUCCESS usable
 * @retval ATTLS_TPM_RC_UNSUPPORTED algorithm, curve or size
 * @retval ATTLS_TPM_RC_ATTRIBUTES attributes
 */
TSS2_RC attls_tpm_key_check(const TPMT_PUBLIC *pub);

/** @return the key size in bits (RSA modulus or curve size), 0 if unknown. */
unsigned attls_tpm_key_bits(const TPMT_PUBLIC *pub);

/**
 * TPM2_Create a key under @p parent. Nothing stays loaded.
 * @param auth the new key's auth value (NULL: empty)
 * @param[out] pub, priv the blobs, to free with Esys_Free()
 */
TSS2_RC attls_tpm_key_create(ESYS_CONTEXT *esys, ESYS_TR parent,
                             const attls_tpm_keyspec *spec,
                             const TPM2B_AUTH *auth, TPM2B_PUBLIC **pub,
                             TPM2B_PRIVATE **priv);

/**
 * Open @p parent, TPM2_Create a key under it, close the parent: the whole
 * keygen, with nothing left loaded. Fills @p out (emptyAuth from @p auth).
 * @param parent 0x40000001 (owner SRK) or a persistent parent
 * @param parent_auth owner-hierarchy or parent auth (NULL: empty)
 */
TSS2_RC attls_tpm_key_create_blob(ESYS_CONTEXT *esys, uint32_t parent,
                                  const TPM2B_AUTH *parent_auth,
                                  const attls_tpm_keyspec *spec,
                                  const TPM2B_AUTH *auth,
                                  attls_tpm_keyfile *out);

/**
 * Open the parent, TPM2_Load the blobs under it, close the parent (a
 * regenerated primary is flushed at once).
 * @param[out] out the loaded key; flush with attls_tpm_flush()
 */
TSS2_RC attls_tpm_key_load(ESYS_CONTEXT *esys, uint32_t parent, int rsa_parent,
                           const TPM2B_AUTH *parent_auth,
                           const TPM2B_PUBLIC *pub, const TPM2B_PRIVATE *priv,
                           ESYS_TR *out);

/**
 * Open the persistent key @p handle and read its public area.
 * @param[out] tr the key; release with Esys_TR_Close() (not a flush)
 * @param[out] pub its public area, to free with Esys_Free()
 * @retval ATTLS_TPM_RC_UNSUPPORTED @p handle is not a persistent handle
 */
TSS2_RC attls_tpm_key_open_persistent(ESYS_CONTEXT *esys, uint32_t handle,
                                      ESYS_TR *tr, TPM2B_PUBLIC **pub);

/**
 * Make the loaded key @p key persistent at @p handle (owner hierarchy,
 * empty owner auth). @p key stays loaded.
 */
TSS2_RC attls_tpm_key_persist(ESYS_CONTEXT *esys, ESYS_TR key, uint32_t handle);

/** TPM2_FlushContext @p tr (retrying RETRY/YIELDED); errors only logged. */
void attls_tpm_flush(ESYS_CONTEXT *esys, ESYS_TR tr);

#ifdef __cplusplus
}
#endif

#endif
