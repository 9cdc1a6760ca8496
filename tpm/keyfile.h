/* SPDX-License-Identifier: Apache-2.0 */
/**
 * @file tpm/keyfile.h
 * The TSS2 PRIVATE KEY format (tpm2-tss-engine, tpm2-openssl,
 * tpm2_encodeobject; J. Bottomley's "ASN.1 Specification for TPM 2.0 Key
 * Files"):
 *
 *     TPMKey ::= SEQUENCE {
 *         type        OBJECT IDENTIFIER,          -- 2.23.133.10.1.3 only
 *         emptyAuth   [0] EXPLICIT BOOLEAN OPTIONAL,
 *         policy      [1] EXPLICIT SEQUENCE OF TPMPolicy OPTIONAL,
 *         secret      [2] EXPLICIT OCTET STRING OPTIONAL,
 *         authPolicy  [3] EXPLICIT SEQUENCE OF TPMAuthPolicy OPTIONAL,
 *         description [4] EXPLICIT UTF8String OPTIONAL,
 *         rsaParent   [5] EXPLICIT BOOLEAN OPTIONAL,
 *         parent      INTEGER,
 *         pubkey      OCTET STRING,               -- TPM2B_PUBLIC
 *         privkey     OCTET STRING }              -- TPM2B_PRIVATE
 *
 *     TPMPolicy ::= SEQUENCE {
 *         commandCode   [0] EXPLICIT INTEGER,
 *         commandPolicy [1] EXPLICIT OCTET STRING }
 *
 * Decoding is strict: exact OID, the whole input consumed, each blob
 * consumed exactly by Tss2_MU. An absent emptyAuth means the key needs an
 * auth value (the draft's rule); attls always writes emptyAuth.
 *
 * policy: attls accepts exactly one form, a PCR-policy key (tpm/policy.h):
 * one TPMPolicy with commandCode TPM_CC_PolicyPCR (0x17F) and
 * commandPolicy the command's marshalled parameters in Part 3 order,
 * TPM2B_DIGEST pcrDigest (32 bytes, SHA-256 of the PCR values) followed by
 * TPML_PCR_SELECTION pcrs, as openssl_tpm2_engine writes it; the key's
 * authPolicy must be that policy's digest and userWithAuth must be clear.
 * Any other policy, secret and authPolicy are refused.
 */
#ifndef ATTLS_TPM_KEYFILE_H
#define ATTLS_TPM_KEYFILE_H

#include <stddef.h>
#include <stdint.h>
#include <tss2/tss2_tpm2_types.h>

#include "attls/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/** PEM label of the format. */
#define ATTLS_TSS2_PEM_LABEL "TSS2 PRIVATE KEY"
/** OID of a loadable key. */
#define ATTLS_TSS2_OID_LOADABLE "2.23.133.10.1.3"
/** Refuse key files larger than this (a TPMKey is well under 4 KiB). */
#define ATTLS_TSS2_MAX_DER 16384

/** The fields attls uses. */
typedef struct attls_tpm_keyfile {
    uint32_t parent;    /**< 0x40000001 (owner SRK) or 0x81xxxxxx */
    int empty_auth;     /**< 1: the key's auth value is empty */
    int rsa_parent;     /**< 1: regenerate the RSA SRK, not the ECC one */
    TPM2B_PUBLIC pub;   /**< the key's public area */
    TPM2B_PRIVATE priv; /**< the key's wrapped private area */
    int pcr_policy;     /**< 1: authorised by TPM2_PolicyPCR only */
    TPML_PCR_SELECTION policy_pcrs; /**< pcr_policy: the PCRs */
    TPM2B_DIGEST policy_pcr_digest; /**< pcr_policy: SHA-256 of their values */
} attls_tpm_keyfile;

/**
 * Decode DER.
 * @param st receives the check ("keyfile.parent" ...) and a message naming
 * what was wrong and where (may be NULL)
 * @retval ATTLS_OK success
 * @retval ATTLS_E_KEYFILE_PARSE not a TPMKey, trailing bytes, bad emptyAuth
 * @retval ATTLS_E_KEYFILE_TYPE OID other than loadableKey
 * @retval ATTLS_E_KEYFILE_POLICY secret or authPolicy present, a policy
 *         other than one PolicyPCR, or one that is not the key's authPolicy
 * @retval ATTLS_E_KEYFILE_PARENT parent negative, too large or not a parent
 * @retval ATTLS_E_KEYFILE_BLOB a blob does not unmarshal exactly
 */
attls_code attls_tpm_keyfile_decode(const uint8_t *der, size_t len,
                                    attls_tpm_keyfile *out, attls_status *st);

/**
 * Encode to DER (emptyAuth always written; parent 0 is written as
 * 0x40000001; the policy when pcr_policy is set).
 * @param[out] der OPENSSL_malloc'd bytes
 * @retval ATTLS_OK, ATTLS_E_ARGUMENT (bad parent or blob), ATTLS_E_INTERNAL
 */
attls_code attls_tpm_keyfile_encode(const attls_tpm_keyfile *kf, uint8_t **der,
                                    size_t *len);

#ifdef __cplusplus
}
#endif

#endif
