/* SPDX-License-Identifier: Apache-2.0 */
/**
 * @file evidence/policy.h
 * The client policy (docs/policy.md) as the verifier reads it. The JSON
 * parser (evidence/policy.c) fills this structure; attls_verify_certificate()
 * and evidence/policy_check.c apply it.
 */
#ifndef ATTLS_EVIDENCE_POLICY_H
#define ATTLS_EVIDENCE_POLICY_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "attls/attls.h"
#include "evidence/claims.h"
#include "evidence/snp.h"
#include "evidence/tdx.h"
#include "evidence/tpm_attest.h"

#define ATTLS_POLICY_MAX_LIST 64 /**< entries of any allow-list */
#define ATTLS_POLICY_MAX_FILE (64 * 1024)

struct attls_policy {
    unsigned platforms;        /**< bit (1u << attls_platform) per allowed */
    attls_residency residency; /**< UNKNOWN: either */
    int allow_debug;
    long long max_age; /**< seconds; < 0: no limit */
    int have_time;
    time_t at;                      /**< verification time when have_time */
    char *roots_dir;                /**< NULL: pinned roots */
    int require_user_data;          /**< Azure: runtime claims echo binder64 */
    uint8_t nonce[ATTLS_NONCE_MAX]; /**< the claims must carry this nonce */
    size_t nonce_len;               /**< 0: any or none */
    /* SEV-SNP */
    uint8_t (*snp_measurements)[48];
    size_t n_snp_measurements;
    int check_snp_min_tcb;
    attls_snp_tcb snp_min_tcb;
    /* TDX: allow-lists, an empty list allows any value */
    uint8_t (*tdx_mrtd)[48];
    size_t n_tdx_mrtd;
    uint8_t (*tdx_rtmr[4])[48];
    size_t n_tdx_rtmr[4];
    unsigned tdx_tcb_statuses; /**< ATTLS_TDX_TCB_BIT set; 0: any */
    /* PCR values every quote must carry */
    attls_tpm_pcrs pcrs;
    /* platform tpm: SHA-256 of the AK's DER SubjectPublicKeyInfo */
    uint8_t (*ak_pins)[32];
    size_t n_ak_pins;
};

/** Apply the claims-level rules: platform, residency, age at @p at, nonce. */
attls_code attls_policy_check_claims(const attls_policy *pol,
                                     const attls_claims *c, time_t at,
                                     attls_status *st);

/**
 * Every PCR value the policy names must be in the quote's values.
 * @param quoted the verified quote's values
 * @retval ATTLS_OK, ATTLS_E_POLICY_PCR
 */
attls_code attls_policy_check_pcrs(const attls_policy *pol,
                                   const attls_tpm_pcrs *quoted,
                                   attls_status *st);

/** TDX MRTD and RTMR allow-lists. @retval ATTLS_OK,
 * ATTLS_E_POLICY_TDX_MEASUREMENT */
attls_code attls_policy_check_tdx(const attls_policy *pol,
                                  const attls_tdx_td_report *td,
                                  attls_status *st);

/** The SNP part as evidence/snp.h's policy (borrows @p pol's lists). */
void attls_policy_snp(const attls_policy *pol, attls_snp_policy *out);

/** Is the AK (DER SPKI) pinned? @retval ATTLS_OK, ATTLS_E_POLICY_AK */
attls_code attls_policy_check_ak(const attls_policy *pol, const uint8_t *spki,
                                 size_t len, attls_status *st);

#endif
