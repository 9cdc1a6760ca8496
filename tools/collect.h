/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Collecting attls evidence on the VM (attls cert, attls renew): detect the
 * platform, compute the binder of the certificate's key and claims, put it
 * into the TEE report (or Azure user data), the quote and the certify, and
 * assemble the CMW collection of docs/evidence-format.md.
 */
#ifndef ATTLS_TOOLS_COLLECT_H
#define ATTLS_TOOLS_COLLECT_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <openssl/x509.h>
#include <tss2/tss2_esys.h>

#include "attls/status.h"
#include "common/bytes.h"
#include "evidence/claims.h"
#include "tpm/tee_report.h"

typedef struct attls_collect_opts {
    attls_platform platform;   /* ATTLS_PLATFORM_UNKNOWN: detect */
    attls_residency residency; /* vtpm or memory */
    int pcr_policy;
    TPML_PCR_SELECTION pcrs;  /* quote selection */
    const char *imds_url;     /* Azure IMDS base URL */
    attls_tee_config tee;     /* configfs-tsm and device paths */
    int endorsements;         /* carry VCEK/VLEK when available */
    STACK_OF(X509) *ak_chain; /* AK intermediates (root side first), or NULL */
    const uint8_t *nonce;
    size_t nonce_len;
    time_t now;
    unsigned azure_wait_ms; /* how long to wait for the user-data echo */
} attls_collect_opts;

/** Defaults: detect, vtpm, ATTLS_PCR_DEFAULT, env paths, endorsements. */
void attls_collect_opts_init(attls_collect_opts *o);

/** The TLS key the evidence is for. */
typedef struct attls_collect_key {
    const uint8_t *spki; /* DER SubjectPublicKeyInfo, as in the certificate */
    size_t spki_len;
    ESYS_TR tpm_key;                /* vtpm: the loaded key, else NONE */
    const TPM2B_PUBLIC *tpm_public; /* vtpm: its public area */
} attls_collect_key;

/** What was collected, for messages and tests. */
typedef struct attls_collect_result {
    attls_platform platform;
    uint8_t binder[32];
    int user_data_echoed; /* Azure: the report carries the binder */
    attls_buf json;       /* the CMW collection */
} attls_collect_result;

/**
 * Detect the platform when @p o asks for it: Azure (HCL report index,
 * report_type SNP or TDX), GCP (AK template index; TEE from configfs-tsm or
 * the devices), else a plain TPM.
 */
attls_code attls_collect_detect(ESYS_CONTEXT *esys, const attls_collect_opts *o,
                                attls_platform *out, attls_status *st);

/**
 * Collect evidence for @p key under the held connection @p esys.
 * @retval ATTLS_OK @p res filled (free with attls_collect_result_free())
 * @retval platform, TPM, TEE and IMDS codes naming what failed
 */
attls_code attls_collect(ESYS_CONTEXT *esys, const attls_collect_opts *o,
                         const attls_collect_key *key,
                         attls_collect_result *res, attls_status *st);

void attls_collect_result_free(attls_collect_result *r);

#endif
