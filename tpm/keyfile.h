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
 * Decoding is strict: exact OID, the whole input consumed, policy, secret
 * and authPolicy refused (attls does not do policy sessions), each blob
 * consumed exactly by Tss2_MU. An absent emptyAuth means the key needs an
 * auth value (the draft's rule); attls always writes emptyAuth.
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
} attls_tpm_keyfile;

/**
 * Decode DER.
 * @param st receives the check ("keyfile.parent" ...) and a message naming
 * what was wrong and where (may be NULL)
 * @retval ATTLS_OK success
 * @retval ATTLS_E_KEYFILE_PARSE not a TPMKey, trailing bytes, bad emptyAuth
 * @retval ATTLS_E_KEYFILE_TYPE OID other than loadableKey
 * @retval ATTLS_E_KEYFILE_POLICY policy, secret or authPolicy present
 * @retval ATTLS_E_KEYFILE_PARENT parent negative, too large or not a parent
 * @retval ATTLS_E_KEYFILE_BLOB a blob does not unmarshal exactly
 */
attls_code attls_tpm_keyfile_decode(const uint8_t *der, size_t len,
                                    attls_tpm_keyfile *out, attls_status *st);

/**
 * Encode to DER (emptyAuth always written; parent 0 is written as
 * 0x40000001).
 * @param[out] der OPENSSL_malloc'd bytes
 * @retval ATTLS_OK, ATTLS_E_ARGUMENT (bad parent or blob), ATTLS_E_INTERNAL
 */
attls_code attls_tpm_keyfile_encode(const attls_tpm_keyfile *kf, uint8_t **der,
                                    size_t *len);

#ifdef __cplusplus
}
#endif

#endif
