/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Strict parsing of PEM certificate lists taken from evidence (the PCK
 * chain inside a TDX quote, collateral issuer chains). Unlike
 * attls_pem_certs_append(), which reads trusted local files, nothing but
 * CERTIFICATE blocks and whitespace is accepted, and every block must hold
 * exactly one DER certificate with no trailing bytes.
 */
#ifndef ATTLS_EVIDENCE_PEM_CHAIN_H
#define ATTLS_EVIDENCE_PEM_CHAIN_H

#include <stddef.h>

#include <openssl/x509.h>

/** Upper bound on certificates in one chain; longer input is refused. */
#define ATTLS_PEM_CHAIN_MAX 8

/**
 * Parse @p len bytes of PEM text: one or more "CERTIFICATE" blocks
 * separated (and optionally surrounded) by ASCII whitespace only.
 * @param why  receives the reason on failure ("certificate 2 at offset
 *             1320: invalid PEM encoding ...")
 * @return the certificates in input order (free with
 *         sk_X509_pop_free(..., X509_free)), or NULL when the input is
 *         malformed or on allocation failure (reason in @p why).
 * The OpenSSL error queue is left as it was found.
 */
STACK_OF(X509) *attls_pem_chain_parse(const char *pem, size_t len, char *why,
                                      size_t why_len);

#endif
