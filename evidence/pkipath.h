/* SPDX-License-Identifier: Apache-2.0 */
/**
 * @file evidence/pkipath.h
 * The ak-intermediates record: PkiPath ::= SEQUENCE OF Certificate
 * (RFC 6066), the certificate closest to the root first.
 */
#ifndef ATTLS_EVIDENCE_PKIPATH_H
#define ATTLS_EVIDENCE_PKIPATH_H

#include <openssl/x509.h>

#include "attls/status.h"
#include "common/bytes.h"

/**
 * Parse a DER PkiPath.
 * @retval ATTLS_OK @p out owns the certificates in record order
 *         (sk_X509_pop_free(..., X509_free))
 * @retval ATTLS_E_EVIDENCE_RECORD not DER, trailing bytes, or an entry that
 *         is not a certificate (@p out is NULL)
 */
attls_code attls_pkipath_parse(const attls_buf *b, STACK_OF(X509) **out,
                               attls_status *st);

#endif
