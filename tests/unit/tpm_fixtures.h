/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Fixtures for the TPM verifier tests: real vectors from
 * ../shared/testdata, test keys, and TPMS_ATTEST / TPMT_SIGNATURE built
 * with libtss2-mu and signed at test time, so that every branch of the
 * verifiers can be reached. PCR digests are computed here independently
 * of evidence/tpm_pcr.c.
 */
#ifndef ATTLS_TESTS_TPM_FIXTURES_H
#define ATTLS_TESTS_TPM_FIXTURES_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <openssl/evp.h>
#include <openssl/x509.h>
#include <tss2/tss2_tpm2_types.h>

#include "common/bytes.h"
#include "evidence/tpm_attest.h"

/** Read ATTLS_TESTDATA/@p rel (asserts on failure). */
void fx_read(const char *rel, attls_buf *out);

/** Parse one PEM or DER certificate of ATTLS_TESTDATA/@p rel. */
X509 *fx_cert(const char *rel);

/**
 * PCR values of a single-bank quote from a raw file of the values of the
 * PCRs it selects (as the shared vectors hold them).
 */
void fx_quote_pcrs(const attls_buf *attest, const attls_buf *raw,
                   attls_tpm_pcrs *pcrs);

/** RFC 3339 to time_t (asserts). */
time_t fx_time(const char *rfc3339);

/** The embedded RSA test key of @p bits (2048 or 1024). */
EVP_PKEY *fx_rsa_key(int bits);

/** A fresh EC key on @p group ("prime256v1", "secp384r1", ...). */
EVP_PKEY *fx_ec_key(const char *group);

/** Public-only copy of @p key (as a verifier receives it). */
EVP_PKEY *fx_public(EVP_PKEY *key);

/** A signing-key public area for @p key (RSA or ECC), nameAlg @p name_alg. */
void fx_tpm_public(EVP_PKEY *key, uint16_t name_alg, TPMT_PUBLIC *out);

/** Name of @p pub (nameAlg || H(marshalled TPMT_PUBLIC)), computed here. */
void fx_name(const TPMT_PUBLIC *pub, TPM2B_NAME *name);

/** A plausible TPMS_ATTEST of @p type with extraData @p nonce. */
void fx_attest_init(TPMS_ATTEST *a, uint16_t type, const uint8_t *nonce,
                    size_t nonce_len);

/** Add bank @p alg with PCRs @p mask to a quote's selection. */
void fx_select(TPMS_ATTEST *a, uint16_t alg, uint32_t mask);

/** Deterministic PCR values for every selected PCR of @p a into @p pcrs. */
void fx_pcr_values(const TPMS_ATTEST *a, attls_tpm_pcrs *pcrs);

/**
 * Set a->attested.quote.pcrDigest = H_@p hash(values in selection order),
 * computed here with EVP directly.
 */
void fx_set_pcr_digest(TPMS_ATTEST *a, const attls_tpm_pcrs *pcrs,
                       uint16_t hash);

/** Marshal @p a with libtss2-mu; returns the length. */
size_t fx_marshal_attest(const TPMS_ATTEST *a, uint8_t *buf, size_t cap);

/**
 * Sign @p msg as a TPM would: @p scheme TPM2_ALG_RSASSA / _RSAPSS /
 * _ECDSA with @p hash, into a TPMT_SIGNATURE (ECDSA r and s padded to the
 * field size; PSS salt = digest length).
 */
void fx_sign(EVP_PKEY *key, uint16_t scheme, uint16_t hash, const uint8_t *msg,
             size_t len, TPMT_SIGNATURE *out);

/** Marshal @p sig with libtss2-mu; returns the length. */
size_t fx_marshal_sig(const TPMT_SIGNATURE *sig, uint8_t *buf, size_t cap);

/** A TPMT_SIGNATURE input for the verifiers. */
attls_tpm_sig fx_tpmt_input(const uint8_t *buf, size_t len);

#endif
