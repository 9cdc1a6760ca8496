/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Pure software encodings around the TPM's signature operations, kept
 * apart so that unit tests check them without a TPM:
 *   pss.c       EMSA-PSS encoding (RFC 8017 §9.1.1)
 *   ecdsa_der.c the TPM's (r, s) as a DER ECDSA-Sig-Value
 *   algid.c     AlgorithmIdentifier DER for X.509 signing
 */
#ifndef ATTLS_PROVIDER_SIG_ENCODING_H
#define ATTLS_PROVIDER_SIG_ENCODING_H

#include <stddef.h>
#include <stdint.h>

#include <openssl/evp.h>

/*
 * EMSA-PSS-ENCODE of the message digest @p mhash (EVP_MD_get_size(md)
 * bytes) with MGF1(@p mgf1) and a random salt of @p saltlen bytes (drawn
 * from @p libctx), for a modulus of @p modbits bits. Writes the
 * modulus-sized big-endian integer (a leading zero byte when
 * modbits % 8 == 1) into @p em of @p emsize bytes.
 * @return 1 on success, 0 if the sizes do not fit or a crypto call failed
 */
int attls_pss_encode(OSSL_LIB_CTX *libctx, const EVP_MD *md, const EVP_MD *mgf1,
                     const uint8_t *mhash, size_t saltlen, unsigned modbits,
                     uint8_t *em, size_t emsize);

/* @return the largest salt for @p md and a @p modbits-bit modulus, or -1. */
int attls_pss_max_saltlen(const EVP_MD *md, unsigned modbits);

/*
 * DER-encode r and s (big-endian, any leading zeros) as ECDSA-Sig-Value.
 * With @p out NULL only *outlen is set.
 * @return 1 on success, 0 if it does not fit in @p outsize or on error
 */
int attls_ecdsa_to_der(const uint8_t *r, size_t rlen, const uint8_t *s,
                       size_t slen, uint8_t *out, size_t outsize,
                       size_t *outlen);

/*
 * AlgorithmIdentifier DER (OPENSSL_malloc'd in *der) for a signature:
 * ecdsa-with-SHAx, shaXWithRSAEncryption, or RSASSA-PSS with its
 * parameters (hash, MGF1 hash, salt length, trailer 1).
 * @return 1 on success, 0 for an unsupported combination
 */
int attls_algid_ecdsa(const EVP_MD *md, uint8_t **der, size_t *len);
int attls_algid_rsa_pkcs1(const EVP_MD *md, uint8_t **der, size_t *len);
int attls_algid_rsa_pss(const EVP_MD *md, const EVP_MD *mgf1, int saltlen,
                        uint8_t **der, size_t *len);

#endif
