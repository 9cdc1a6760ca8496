/* SPDX-License-Identifier: Apache-2.0 */
/**
 * @file evidence/binder.h
 * The binder: the hash that ties attestation evidence to one certificate
 * key and one claims record (docs/evidence-format.md §5.3).
 *
 *   binder = SHA-256("attls-binder-v1" || 00 || BE32(len(spki)) || spki ||
 *                    BE32(len(claims)) || claims)
 *
 * It is the qualifying data of the TPM quote and certify, and (zero-padded to
 * 64 bytes) the TEE REPORT_DATA or Azure user data.
 */
#ifndef ATTLS_EVIDENCE_BINDER_H
#define ATTLS_EVIDENCE_BINDER_H

#include <stddef.h>
#include <stdint.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

#include "attls/status.h"
#include "common/bytes.h"

#define ATTLS_BINDER_LEN 32
#define ATTLS_BINDER64_LEN 64
/** Domain-separation label; hashed with its terminating NUL. */
#define ATTLS_BINDER_LABEL "attls-binder-v1"

/**
 * Compute the binder of @p spki (DER SubjectPublicKeyInfo) and @p claims
 * (the claims record's bytes).
 * @retval ATTLS_OK @p out holds the binder
 * @retval ATTLS_E_ARGUMENT an input is empty or larger than 2^32-1 bytes
 * @retval ATTLS_E_INTERNAL digest failure
 */
attls_code attls_binder_compute(const uint8_t *spki, size_t spki_len,
                                const uint8_t *claims, size_t claims_len,
                                uint8_t out[ATTLS_BINDER_LEN],
                                attls_status *st);

/** @p out64 = @p binder followed by 32 zero bytes. */
void attls_binder64(const uint8_t binder[ATTLS_BINDER_LEN],
                    uint8_t out64[ATTLS_BINDER64_LEN]);

/**
 * DER SubjectPublicKeyInfo of @p x exactly as it will be (or was) signed.
 * @retval ATTLS_OK @p out owns the bytes
 * @retval ATTLS_E_CERT_KEY the certificate has no encodable public key
 */
attls_code attls_spki_of_cert(const X509 *x, attls_buf *out, attls_status *st);

/** Same for a certificate request. */
attls_code attls_spki_of_req(const X509_REQ *req, attls_buf *out,
                             attls_status *st);

#endif
