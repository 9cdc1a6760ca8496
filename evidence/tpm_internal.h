/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Helpers shared by the TPM structure verifiers (tpm_attest.c, tpm_pcr.c,
 * tpm_public.c, akcert.c). Not part of the public API.
 */
#ifndef ATTLS_EVIDENCE_TPM_INTERNAL_H
#define ATTLS_EVIDENCE_TPM_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include <openssl/evp.h>
#include <tss2/tss2_tpm2_types.h>

#include "attls/status.h"

/** The OpenSSL digest of a TPM hash algorithm id, or NULL if unsupported. */
const EVP_MD *attls_tpm_hash_md(uint16_t hash_alg);

/** Digest size of a supported TPM hash algorithm, 0 if unsupported. */
size_t attls_tpm_hash_size(uint16_t hash_alg);

/**
 * One-shot digest of the concatenation of @p n (pointer, length) parts.
 * @return digest length, or 0 on an unsupported hash or OpenSSL failure
 */
size_t attls_tpm_hash_parts(uint16_t hash_alg, const uint8_t *const *parts,
                            const size_t *lens, size_t n, uint8_t *out);

/** Bit i set: PCR i is selected (sizeofSelect is at most 4 bytes). */
uint32_t attls_tpm_selection_mask(const TPMS_PCR_SELECTION *sel);

/**
 * Every bank of @p sel has a supported hash and appears once.
 * @retval ATTLS_OK or ATTLS_E_TPM_PCR_SELECTION
 */
attls_code attls_tpm_selection_check(const TPML_PCR_SELECTION *sel,
                                     attls_status *st);

/**
 * Name of @p pub (attls_public_name()), with an unsupported nameAlg
 * reported as ATTLS_E_TPM_PUBLIC_UNSUPPORTED.
 */
attls_code attls_tpm_object_name(const TPMT_PUBLIC *pub, TPM2B_NAME *name,
                                 attls_status *st);

/** Constant-time equality of two byte strings (lengths compared first). */
int attls_tpm_bytes_equal(const uint8_t *a, size_t a_len, const uint8_t *b,
                          size_t b_len);

/** Hex of up to @p max bytes of @p in for messages ("…" when cut). */
void attls_tpm_hex_excerpt(const uint8_t *in, size_t len, size_t max, char *out,
                           size_t out_size);

#endif
