/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ECDSA with the raw signature and key encodings TEE reports use: r and s
 * as fixed-width integers (big-endian in Intel quotes and collateral,
 * little-endian in AMD SEV-SNP reports) and public keys as bare X||Y.
 * OpenSSL's EVP interface wants DER signatures and encoded keys; these
 * helpers do the conversion once, strictly.
 */
#ifndef ATTLS_EVIDENCE_ECDSA_RAW_H
#define ATTLS_EVIDENCE_ECDSA_RAW_H

#include <stddef.h>
#include <stdint.h>

#include <openssl/evp.h>

/** Byte order of the raw r and s integers. */
typedef enum attls_ecdsa_endian {
    ATTLS_ECDSA_BIG_ENDIAN,
    ATTLS_ECDSA_LITTLE_ENDIAN,
} attls_ecdsa_endian;

/**
 * Verify an ECDSA signature given as two raw integers.
 * @param key     the signer's EC public key
 * @param digest  "SHA256", "SHA384", ...
 * @param r, s    @p width bytes each, in @p endian byte order
 * @retval 1  the signature is valid
 * @retval 0  the signature does not verify (including r or s of zero or
 *            not below the group order)
 * @retval -1 allocation or library failure
 * The OpenSSL error queue is left as it was found.
 */
int attls_ecdsa_raw_verify(EVP_PKEY *key, const char *digest,
                           const uint8_t *msg, size_t msg_len, const uint8_t *r,
                           const uint8_t *s, size_t width,
                           attls_ecdsa_endian endian);

/**
 * Build an EC public key from big-endian X||Y (no 0x04 prefix).
 * @param group  curve name ("prime256v1", "secp384r1")
 * @param xy_len twice the coordinate size of @p group
 * @return a new key (EVP_PKEY_free), or NULL when the point is not on the
 *         curve, is the point at infinity, has the wrong length, or on
 *         allocation failure. The OpenSSL error queue is left unchanged.
 */
EVP_PKEY *attls_ec_pubkey_from_xy(const char *group, const uint8_t *xy,
                                  size_t xy_len);

#endif
