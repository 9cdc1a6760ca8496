/* SPDX-License-Identifier: Apache-2.0 */
/* Reading one certificate file (PEM or DER) for the attls command. */
#ifndef ATTLS_TOOLS_CERT_FILE_H
#define ATTLS_TOOLS_CERT_FILE_H

#include <openssl/x509.h>

#include "attls/status.h"

/**
 * Read @p path as one DER certificate or the first PEM certificate.
 * @retval ATTLS_OK @p out owns the certificate
 * @retval ATTLS_E_IO unreadable or over 256 KiB
 * @retval ATTLS_E_CERT_PARSE neither DER nor PEM
 */
attls_code attls_cli_read_cert(const char *path, X509 **out, attls_status *st);

#endif
