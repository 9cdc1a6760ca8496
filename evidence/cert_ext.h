/* SPDX-License-Identifier: Apache-2.0 */
/**
 * @file evidence/cert_ext.h
 * The id-pe-cmw X.509 extension (1.3.6.1.5.5.7.1.35) carrying a JSON CMW:
 * extnValue = DER(CMW ::= CHOICE { json UTF8String, cbor OCTET STRING }),
 * attls always uses the json alternative and marks the extension
 * non-critical (docs/evidence-format.md §1).
 */
#ifndef ATTLS_EVIDENCE_CERT_EXT_H
#define ATTLS_EVIDENCE_CERT_EXT_H

#include <stddef.h>
#include <stdint.h>

#include <openssl/x509.h>

#include "attls/status.h"
#include "common/bytes.h"

#define ATTLS_OID_CMW "1.3.6.1.5.5.7.1.35"
/** Largest extnValue a reader accepts. */
#define ATTLS_CMW_EXT_MAX (32 * 1024 + 8)

/**
 * Build a non-critical id-pe-cmw extension holding @p json.
 * @retval ATTLS_OK @p out owns a new extension (X509_EXTENSION_free())
 * @retval ATTLS_E_EVIDENCE_TOO_LARGE @p json too long
 * @retval ATTLS_E_INTERNAL ASN.1 or allocation failure
 */
attls_code attls_cmw_ext_create(const char *json, size_t len,
                                X509_EXTENSION **out, attls_status *st);

/**
 * Decode an id-pe-cmw extnValue (the DER CMW CHOICE) into the JSON text.
 * @retval ATTLS_OK @p json owns the text (NUL-terminated, NUL not counted)
 * @retval ATTLS_E_EVIDENCE_EXTENSION not DER, the cbor alternative,
 *         trailing bytes, too long
 * @retval ATTLS_E_INTERNAL allocation failure
 */
attls_code attls_cmw_ext_decode(const uint8_t *der, size_t len, attls_buf *json,
                                attls_status *st);

/**
 * Find the one id-pe-cmw extension of @p exts and decode it.
 * @param critical if non-NULL, receives the extension's critical flag
 * @retval ATTLS_OK found and decoded
 * @retval ATTLS_E_EVIDENCE_MISSING no such extension
 * @retval ATTLS_E_EVIDENCE_EXTENSION more than one, or malformed
 */
attls_code attls_cmw_ext_find(const STACK_OF(X509_EXTENSION) * exts,
                              attls_buf *json, int *critical, attls_status *st);

/** attls_cmw_ext_find() over a certificate's extensions. */
attls_code attls_cmw_ext_from_cert(const X509 *x, attls_buf *json,
                                   int *critical, attls_status *st);

/** attls_cmw_ext_find() over a CSR's requested extensions. */
attls_code attls_cmw_ext_from_req(X509_REQ *req, attls_buf *json, int *critical,
                                  attls_status *st);

#endif
