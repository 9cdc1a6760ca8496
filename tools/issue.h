/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Issuing an attested certificate (attls cert, attls renew): key, template,
 * evidence bound to the template's key, signature, atomic output.
 */
#ifndef ATTLS_TOOLS_ISSUE_H
#define ATTLS_TOOLS_ISSUE_H

#include "attls/status.h"
#include "tools/cert_build.h"
#include "tools/collect.h"
#include "tpm/keys.h"

typedef struct attls_issue_opts {
    const char *key_path;       /* written (new key) or read (reuse_key) */
    const char *cert_path;      /* self-signed certificate, or NULL */
    const char *csr_path;       /* CSR for an external CA, or NULL */
    attls_cert_params cert;     /* subject, SAN, days, now */
    attls_tpm_keyspec keyspec;  /* new keys */
    int reuse_key;              /* keep the key in key_path */
    attls_collect_opts collect; /* platform, residency, PCRs, ... */
} attls_issue_opts;

typedef struct attls_issue_result {
    attls_platform platform;
    size_t der_len; /* certificate or CSR */
    int user_data_echoed;
} attls_issue_result;

/**
 * Issue: make (or read) the key, build the certificate or CSR, collect the
 * evidence for its key, sign, and replace the output files atomically (the
 * key file mode 0600, written only when new).
 * @retval ATTLS_OK done
 * @retval codes of tls_key, collect, cert_build and outfile otherwise
 */
attls_code attls_issue(const attls_issue_opts *o, attls_issue_result *res,
                       attls_status *st);

/** Load "default" and the built-in "attls" provider; unload at exit. */
int attls_issue_load_providers(void);
void attls_issue_unload_providers(void);

#endif
