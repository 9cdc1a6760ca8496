/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Pinned vendor trust anchors (evidence/roots/), compiled in, replaceable
 * with --roots DIR.
 */
#ifndef ATTLS_EVIDENCE_ROOTS_H
#define ATTLS_EVIDENCE_ROOTS_H

#include <openssl/x509.h>

#include "attls/status.h"

/** One embedded PEM file (generated table, NULL-terminated). */
typedef struct attls_root_file {
    const char *set;  /* "amd-milan", "intel-sgx", "azure-vtpm", ... */
    const char *name; /* file name, for messages */
    const char *pem;  /* one or more certificates */
} attls_root_file;

extern const attls_root_file attls_root_files[];

/** A trust set: self-signed anchors plus known intermediates. */
typedef struct attls_trust_set {
    STACK_OF(X509) *anchors;
    STACK_OF(X509) *intermediates;
} attls_trust_set;

/**
 * Load trust set @p set ("amd-milan", "amd-genoa", "amd-turin", "intel-sgx",
 * "azure-vtpm", "gcp-vtpm"). When @p override_dir is non-NULL and
 * override_dir/<set>.pem exists, that file replaces the pinned set.
 * @retval ATTLS_OK and @p out filled (free with attls_trust_set_free())
 * @retval ATTLS_E_ARGUMENT unknown set, ATTLS_E_IO unreadable override,
 *         ATTLS_E_CERT_PARSE a PEM that does not parse or holds no anchor
 */
attls_code attls_trust_set_load(const char *set, const char *override_dir,
                                attls_trust_set *out, attls_status *st);

void attls_trust_set_free(attls_trust_set *ts);

/**
 * Parse every certificate of a PEM buffer into @p certs (appended).
 * @return the number of certificates read, or -1 on a malformed PEM
 */
int attls_pem_certs_append(const char *pem, size_t len, STACK_OF(X509) *certs);

#endif
