/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The X.509 side of attls cert: a TLS server certificate (or CSR) template
 * for a key, then the evidence extension and the signature.
 */
#ifndef ATTLS_TOOLS_CERT_BUILD_H
#define ATTLS_TOOLS_CERT_BUILD_H

#include <stddef.h>
#include <time.h>

#include <openssl/x509.h>

#include "attls/status.h"
#include "common/bytes.h"

#define ATTLS_MAX_SANS 32

typedef struct attls_cert_params {
    const char *subject;              /* "CN=a,O=b" or "/CN=a/O=b" */
    const X509_NAME *subject_name;    /* used when subject is NULL */
    const char *sans[ATTLS_MAX_SANS]; /* "DNS:x", "IP:y", or a bare name */
    size_t san_count;
    int days; /* validity */
    time_t now;
} attls_cert_params;

/**
 * Parse a distinguished name written "CN=a,O=b" (RFC 4514 order as typed,
 * '\' escapes) or "/CN=a/O=b" (OpenSSL -subj style).
 * @retval ATTLS_OK @p out owns a new name
 * @retval ATTLS_E_ARGUMENT malformed (what and where in the message)
 */
attls_code attls_parse_dn(const char *text, X509_NAME **out, attls_status *st);

/**
 * An unsigned self-issued certificate for @p key: v3, random serial,
 * validity now-5min .. now+days, subject = issuer, SAN, basicConstraints
 * CA:FALSE, keyUsage digitalSignature, EKU serverAuth+clientAuth, SKI.
 */
attls_code attls_cert_template(EVP_PKEY *key, const attls_cert_params *p,
                               X509 **out, attls_status *st);

/** A certificate request with the same subject and SAN. */
attls_code attls_csr_template(EVP_PKEY *key, const attls_cert_params *p,
                              X509_REQ **out, attls_status *st);

/**
 * Add the id-pe-cmw extension holding @p json, sign with @p signer
 * (SHA-256, or SHA-384 for P-384 keys) and check the size budget.
 * @retval ATTLS_OK signed
 * @retval ATTLS_E_ISSUE signing failed
 * @retval ATTLS_E_EVIDENCE_TOO_LARGE the DER exceeds ATTLS_CERT_MAX
 */
attls_code attls_cert_finish(X509 *x, const attls_buf *json, EVP_PKEY *signer,
                             attls_status *st);

/**
 * The same for a CSR: the SAN of @p p and the evidence go in its
 * extensionRequest attribute (an external CA must copy both).
 */
attls_code attls_csr_finish(X509_REQ *req, const attls_cert_params *p,
                            const attls_buf *json, EVP_PKEY *signer,
                            attls_status *st);

#endif
