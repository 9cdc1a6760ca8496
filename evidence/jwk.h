/* SPDX-License-Identifier: Apache-2.0 */
/*
 * JSON Web Keys (RFC 7517/7518) to OpenSSL keys. Used for the vTPM keys in
 * Azure HCL runtime claims ("HCLAkPub", "HCLEkPub").
 */
#ifndef ATTLS_EVIDENCE_JWK_H
#define ATTLS_EVIDENCE_JWK_H

#include <stddef.h>

#include <jansson.h>
#include <openssl/evp.h>

#define ATTLS_JWK_RSA_MIN_BITS 2048
#define ATTLS_JWK_RSA_MAX_BITS 8192

/**
 * Build an RSA public key from a JWK object with "kty":"RSA" and base64url
 * (unpadded) "n" and "e", each in the minimal number of octets (RFC 7518
 * 6.3.1). Other members are ignored.
 * @param why receives the reason on failure
 * @return a new key (EVP_PKEY_free) or NULL: not an object, kty not "RSA",
 *         n or e missing, not strings, not unpadded base64url, with leading
 *         zero octets, n outside 2048..8192 bits or even, e even, below 3
 *         or wider than 64 bits, or allocation failure
 */
EVP_PKEY *attls_jwk_rsa_public(const json_t *jwk, char *why, size_t why_len);

#endif
