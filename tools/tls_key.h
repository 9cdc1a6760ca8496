/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The TLS key of an attls certificate, in either residency:
 *  - vtpm: created in the TPM under the owner SRK, kept in a TSS2 PRIVATE
 *    KEY file, used through the attls provider (signing happens in the TPM);
 *  - memory: an ordinary software key (PKCS#8 PEM) made by the default
 *    provider, meant to live on a tmpfs inside the confidential VM.
 */
#ifndef ATTLS_TOOLS_TLS_KEY_H
#define ATTLS_TOOLS_TLS_KEY_H

#include <openssl/evp.h>
#include <tss2/tss2_esys.h>

#include "attls/status.h"
#include "common/bytes.h"
#include "evidence/claims.h"
#include "tpm/keyfile.h"
#include "tpm/keys.h"

typedef struct attls_tls_key {
    attls_residency residency;
    EVP_PKEY *pkey;       /* private key (attls provider key for vtpm) */
    attls_buf pem;        /* the key file's content */
    attls_tpm_keyfile kf; /* vtpm: parent and blobs */
} attls_tls_key;

/**
 * Parse a key type: "ec-p256" (default), "ec-p384", "rsa-2048", "rsa-3072".
 * @retval 0 @p spec filled, -1 unknown
 */
int attls_tls_key_type(const char *name, attls_tpm_keyspec *spec);

/**
 * Create a new key. With @p policy_pcrs (vtpm only; NULL: none) the key is a
 * PCR-policy key (tpm/policy.h) over those PCRs' current values.
 * @retval ATTLS_OK @p out filled (free with attls_tls_key_free())
 * @retval TPM codes for a failed creation, ATTLS_E_INTERNAL otherwise
 */
attls_code attls_tls_key_generate(attls_residency r,
                                  const attls_tpm_keyspec *spec,
                                  const TPML_PCR_SELECTION *policy_pcrs,
                                  attls_tls_key *out, attls_status *st);

/**
 * Read a key file written by attls_tls_key_generate() (the PEM label tells
 * the residency).
 * @retval ATTLS_OK @p out filled
 * @retval ATTLS_E_IO unreadable
 * @retval ATTLS_E_KEYFILE_* / ATTLS_E_ARGUMENT not a usable key
 */
attls_code attls_tls_key_read(const char *path, attls_tls_key *out,
                              attls_status *st);

/**
 * The residency of the key file at @p path from its PEM label alone (no
 * provider needed): ATTLS_RESIDENCY_UNKNOWN when it cannot be read.
 */
attls_residency attls_tls_key_file_residency(const char *path);

/** Load a vtpm key into the held connection (flush with attls_tpm_flush). */
attls_code attls_tls_key_tpm_load(ESYS_CONTEXT *esys, const attls_tls_key *k,
                                  ESYS_TR *out, attls_status *st);

void attls_tls_key_free(attls_tls_key *k);

#endif
