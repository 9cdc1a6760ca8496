/* SPDX-License-Identifier: Apache-2.0 */
/**
 * @file tpm/imds.h
 * The Azure Instance Metadata Service (IMDS) endpoints attls needs, over a
 * minimal HTTP/1.1 client (plain TCP: IMDS is http://169.254.169.254, and
 * tests serve it on loopback):
 *  - POST {base}/acc/tdquote: an Azure TDX TDREPORT in, a TD quote out;
 *  - GET {base}/metadata/THIM/amd/certification: the VCEK of an Azure SNP
 *    host (optional endorsement).
 * Responses are bounded (64 KiB) and parsed strictly.
 */
#ifndef ATTLS_TPM_IMDS_H
#define ATTLS_TPM_IMDS_H

#include <stddef.h>
#include <stdint.h>

#include "attls/status.h"
#include "common/bytes.h"

#define ATTLS_IMDS_URL "http://169.254.169.254"
/** Largest response body accepted. */
#define ATTLS_IMDS_MAX_BODY (64 * 1024)
/** Connect/read/write timeout. */
#define ATTLS_IMDS_TIMEOUT_MS 10000

/**
 * One HTTP exchange with Connection: close.
 * @param base "http://host[:port]" (no path, no https)
 * @param method "GET" or "POST"
 * @param headers extra header lines, each ending in "\r\n" (may be NULL)
 * @param body request body (NULL for none)
 * @retval ATTLS_OK status 200 and @p resp owns the body
 * @retval ATTLS_E_ARGUMENT malformed @p base
 * @retval ATTLS_E_IMDS connection failed, timed out, malformed or oversized
 *         response, or a status other than 200 (in the message)
 */
attls_code attls_http_request(const char *base, const char *method,
                              const char *path, const char *headers,
                              const char *body, attls_buf *resp,
                              attls_status *st);

/**
 * Turn a TDREPORT (1024 bytes) into a TD quote through IMDS.
 * @retval ATTLS_OK @p quote owns the quote bytes
 * @retval ATTLS_E_IMDS the request failed or the answer has no valid
 *         base64url "quote"
 */
attls_code attls_imds_td_quote(const char *base, const uint8_t *tdreport,
                               size_t len, attls_buf *quote, attls_status *st);

/**
 * The VCEK certificate (DER) IMDS offers for this Azure SNP host.
 * @retval ATTLS_OK @p vcek owns the DER
 * @retval ATTLS_E_IMDS the request failed or "vcekCert" is not a PEM
 *         certificate
 */
attls_code attls_imds_vcek(const char *base, attls_buf *vcek, attls_status *st);

#endif
