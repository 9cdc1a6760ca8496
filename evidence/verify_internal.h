/* SPDX-License-Identifier: Apache-2.0 */
/**
 * @file evidence/verify_internal.h
 * State shared by the steps of attls_verify_certificate()
 * (docs/evidence-format.md §6): verify_cert.c runs them in order,
 * verify_tee.c checks the TEE report, verify_ak.c establishes the AK,
 * verify_tpm.c the quote and certify, verify_result.c reports the claims.
 */
#ifndef ATTLS_EVIDENCE_VERIFY_INTERNAL_H
#define ATTLS_EVIDENCE_VERIFY_INTERNAL_H

#include <jansson.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include "evidence/akcert.h"
#include "evidence/format.h"
#include "evidence/hcl.h"
#include "evidence/policy.h"
#include "evidence/snp.h"
#include "evidence/tdx.h"
#include "evidence/tpm_attest.h"
#include "evidence/tpm_records.h"

typedef struct attls_vctx {
    const attls_policy *pol;
    X509 *cert;
    time_t at;
    const char *roots; /**< NULL: pinned */
    attls_evidence ev;
    uint8_t binder[ATTLS_BINDER_LEN];
    uint8_t binder64[ATTLS_BINDER64_LEN];
    /* TEE */
    attls_hcl_report hcl;
    int have_hcl;
    attls_snp_report gcp_snp;
    const attls_snp_report *snp; /**< the verified SNP report, or NULL */
    attls_snp_vek vek;
    int have_vek;
    attls_tdx_claims tdx;
    int have_tdx;
    int debug;
    int user_data_echo; /**< Azure: runtime claims user-data == binder64 */
    /* AK */
    EVP_PKEY *ak;
    attls_akcert_claims akcert;
    int have_akcert;
    /* quote and certify */
    attls_quote_record *quote;
    attls_tpm_pcrs pcrs;
} attls_vctx;

/** Step 4: the TEE report of the claimed platform, and its policy. */
attls_code attls_verify_tee(attls_vctx *v, attls_status *st);

/** Step 5: the AK (v->ak) and its certificate. */
attls_code attls_verify_ak(attls_vctx *v, attls_status *st);

/** Step 6: the quote, its binder and PCR values (v->quote, v->pcrs). */
attls_code attls_verify_quote(attls_vctx *v, attls_status *st);

/** Steps 7 and 8: certify, the certified key, its PCR policy. */
attls_code attls_verify_certify(attls_vctx *v, attls_status *st);

/** The verified claims as a JSON object (new reference or NULL). */
json_t *attls_verify_result_json(const attls_vctx *v);

#endif
