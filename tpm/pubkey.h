/* SPDX-License-Identifier: Apache-2.0 */
/**
 * @file tpm/pubkey.h
 * Conversions between a TPMT_PUBLIC and OpenSSL's view of the same public
 * key (curve names, encoded points, EVP_PKEY in a given library context).
 * Pure software: no TPM command.
 */
#ifndef ATTLS_TPM_PUBKEY_H
#define ATTLS_TPM_PUBKEY_H

#include <stddef.h>
#include <stdint.h>

#include <openssl/bn.h>
#include <openssl/evp.h>
#include <tss2/tss2_tpm2_types.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Largest uncompressed point attls handles (P-384: 1 + 2 * 48). */
#define ATTLS_EC_POINT_MAX 97

/** @return OpenSSL's group name ("prime256v1", "secp384r1") or NULL. */
const char *attls_tpm_curve_name(TPMI_ECC_CURVE curve);

/**
 * @return the TPM curve for an OpenSSL or NIST group name ("P-256",
 * "prime256v1", "secp384r1" ...), or TPM2_ECC_NONE if unsupported.
 */
TPMI_ECC_CURVE attls_tpm_curve_from_name(const char *name);

/** @return the field size in bytes of @p curve, or 0. */
size_t attls_tpm_curve_bytes(TPMI_ECC_CURVE curve);

/**
 * Write the uncompressed point 04||X||Y (coordinates left-padded to the
 * field size) of an ECC public area.
 * @retval 1 success, 0 not an ECC key of a supported curve, or too large
 */
int attls_tpm_pub_ec_point(const TPMT_PUBLIC *pub, uint8_t *out, size_t size,
                           size_t *len);

/** @return the RSA public exponent (0 in the TPM means 65537). */
uint32_t attls_tpm_pub_rsa_exponent(const TPMT_PUBLIC *pub);

/**
 * Build a public-only EVP_PKEY of @p pub in @p libctx (for software
 * verification and public encoders).
 * @retval 1 success (*out owned by the caller), 0 failure
 */
int attls_tpm_pub_to_pkey(const TPMT_PUBLIC *pub, OSSL_LIB_CTX *libctx,
                          EVP_PKEY **out);

/**
 * Describe a foreign EC public key as a TPMT_PUBLIC (no attributes).
 * @param point an encoded point, compressed or not
 * @retval 1 success, 0 unsupported curve or invalid point
 */
int attls_tpm_pub_from_ec(OSSL_LIB_CTX *libctx, const char *group,
                          const uint8_t *point, size_t len, TPMT_PUBLIC *out);

/**
 * Describe a foreign RSA public key as a TPMT_PUBLIC (no attributes).
 * @retval 1 success, 0 unsupported size or exponent
 */
int attls_tpm_pub_from_rsa(const BIGNUM *n, const BIGNUM *e, TPMT_PUBLIC *out);

/**
 * @return 1 if @p a and @p b are the same public key (type, curve or size,
 * and the key values), regardless of attributes.
 */
int attls_tpm_pub_equal(const TPMT_PUBLIC *a, const TPMT_PUBLIC *b);

#ifdef __cplusplus
}
#endif

#endif
