/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Offline verification of Intel TDX quotes (v4 and v5) with optional
 * Intel collateral, in three separable stages:
 *
 *  1. crypto  - the quote's own evidence: QE report data binds the
 *               attestation key, the quote is signed by that key, the QE
 *               report by the PCK key, and the PCK chain ends at the pinned
 *               Intel SGX Root CA at the verification time;
 *  2. TCB     - with collateral: CRLs, TCB Info and QE Identity signatures
 *               and validity, then Intel's TCB level evaluation
 *               (evidence/tdx_tcb.h), giving a TCB status and advisories;
 *  3. policy  - opt-in: debug TDs, acceptable TCB statuses.
 *
 * Each step is a function with its own result codes (include/attls/
 * status.h, 300-399, plus the shared certificate codes 100-199), so that a
 * caller or a test can tell "crypto passed, TCB failed" apart.
 */
#ifndef ATTLS_EVIDENCE_TDX_H
#define ATTLS_EVIDENCE_TDX_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <jansson.h>
#include <openssl/x509.h>

#include "attls/status.h"
#include "evidence/pck_cert.h"
#include "evidence/roots.h"
#include "evidence/tdx_collateral.h"
#include "evidence/tdx_quote.h"
#include "evidence/tdx_tcb.h"

/** Inputs besides the quote. */
typedef struct attls_tdx_verify_params {
    time_t at;                    /**< verification instant */
    const attls_trust_set *trust; /**< the "intel-sgx" trust set */
    /**
     * Optional PEM PCK chain (leaf first, then its CA, root optional)
     * used instead of the quote's own certification data, as Intel's QVL
     * takes it; NULL to use the chain in the quote.
     */
    const char *pck_chain;
    size_t pck_chain_len;
    /** Optional collateral; NULL: crypto only, TCB not evaluated. */
    const attls_tdx_collateral *collateral;
} attls_tdx_verify_params;

/** The PCK certificate chain of a quote. */
typedef struct attls_tdx_pck {
    STACK_OF(X509) *certs; /**< as supplied, leaf first */
    X509 *leaf;            /**< certs[0] */
    int external;          /**< from attls_tdx_verify_params.pck_chain */
    attls_pck_sgx_ext ext; /**< filled by attls_tdx_verify_pck_chain() */
} attls_tdx_pck;

void attls_tdx_pck_free(attls_tdx_pck *pck);

/**
 * QE REPORTDATA == SHA-256(attestation key || QE auth data) || 32 zeros.
 * @retval ATTLS_OK, ATTLS_E_TDX_QE_REPORT_DATA, ATTLS_E_INTERNAL
 */
attls_code attls_tdx_verify_qe_report_data(const attls_tdx_quote *q,
                                           attls_status *st);

/**
 * ECDSA-P256/SHA-256 signature of header || body by the attestation key.
 * @retval ATTLS_OK
 * @retval ATTLS_E_TDX_ATT_KEY the key is not a valid P-256 point
 * @retval ATTLS_E_TDX_QUOTE_SIG the signature does not verify
 * @retval ATTLS_E_INTERNAL
 */
attls_code attls_tdx_verify_quote_signature(const attls_tdx_quote *q,
                                            attls_status *st);

/**
 * Parse the PCK chain: @p pem if non-NULL, else the quote's type-5
 * certification data, which must be exactly PCK, CA and root, as strict
 * PEM (one trailing NUL tolerated).
 * @retval ATTLS_OK @p out filled (free with attls_tdx_pck_free())
 * @retval ATTLS_E_TDX_PCK_PEM not strict PEM, or not three certificates
 */
attls_code attls_tdx_pck_load(const attls_tdx_quote *q, const char *pem,
                              size_t pem_len, attls_tdx_pck *out,
                              attls_status *st);

/**
 * Verify the PCK chain at @p at: for the quote's own chain, its root must
 * be self-signed and byte-identical to a pinned anchor of @p trust; the
 * chain must verify to that anchor; the leaf must be an Intel PCK
 * certificate issued by the Platform or Processor CA; its SGX extension
 * is parsed into @p pck->ext.
 * @retval ATTLS_OK
 * @retval ATTLS_E_CERT_SIGNATURE, ATTLS_E_CERT_ROOT, ATTLS_E_CERT_EXPIRED,
 *         ATTLS_E_CERT_CHAIN from the chain (check "tdx.pck_chain")
 * @retval ATTLS_E_TDX_PCK_CERT, ATTLS_E_TDX_PCK_EXTENSION
 */
attls_code attls_tdx_verify_pck_chain(attls_tdx_pck *pck, time_t at,
                                      const attls_trust_set *trust,
                                      attls_status *st);

/**
 * ECDSA-P256/SHA-256 signature of the 384-byte QE report by the PCK key.
 * @retval ATTLS_OK, ATTLS_E_TDX_QE_REPORT_SIG, ATTLS_E_INTERNAL
 */
attls_code attls_tdx_verify_qe_report_signature(const attls_tdx_quote *q,
                                                X509 *pck, attls_status *st);

/**
 * Stage 1, all cryptographic checks of a parsed quote, cheapest first:
 * QE report data, quote signature, PCK chain parsing, PCK chain
 * verification, QE report signature.
 * @retval ATTLS_OK @p pck filled (free with attls_tdx_pck_free())
 * @retval any code of the steps above
 */
attls_code attls_tdx_verify_crypto(const attls_tdx_quote *q,
                                   const attls_tdx_verify_params *p,
                                   attls_tdx_pck *pck, attls_status *st);

/** What a verified quote says. */
typedef struct attls_tdx_claims {
    uint16_t version;           /**< quote version, 4 or 5 */
    uint16_t body_type;         /**< 2 (TDX 1.0) or 3 (TDX 1.5) */
    attls_tdx_td_report td;     /**< MRTD, RTMRs, attributes, ... */
    attls_sgx_report_body qe;   /**< the QE's report (ISVSVN, MRSIGNER) */
    attls_pck_sgx_ext pck;      /**< FMSPC, PCE ID, PCESVN, SGX TCB */
    int pck_external;           /**< PCK chain supplied separately */
    size_t trailing_len;        /**< ignored bytes after the quote */
    int pck_revocation_checked; /**< the PCK CRL was applied */
    attls_tdx_tcb_result tcb;   /**< status NOT_EVALUATED w/o collateral */
} attls_tdx_claims;

void attls_tdx_claims_free(attls_tdx_claims *c);

/**
 * Stage 2 for a quote that passed stage 1: completeness of the
 * collateral, CRLs and PCK revocation, TCB Info and QE Identity
 * verification, TCB evaluation into @p claims->tcb.
 * @retval ATTLS_OK claims->tcb.status is a non-revoked Intel status
 * @retval ATTLS_E_TDX_COLLATERAL_*, ATTLS_E_CRL, ATTLS_E_CERT_*,
 *         ATTLS_E_TDX_FMSPC_MISMATCH, ATTLS_E_TDX_QE_IDENTITY,
 *         ATTLS_E_TDX_QE_TCB, ATTLS_E_TDX_MODULE_*, ATTLS_E_TDX_TCB_NO_MATCH,
 *         ATTLS_E_TDX_TCB_REVOKED
 */
attls_code attls_tdx_evaluate_collateral(
    const attls_tdx_quote *q, const attls_tdx_pck *pck,
    const attls_tdx_collateral *c, time_t at, const attls_trust_set *trust,
    attls_tdx_claims *claims, attls_status *st);

/**
 * Stages 1 and 2: parse @p quote, verify it and, when p->collateral is
 * set, evaluate its TCB. @p claims is filled once stage 1 passed (also
 * when stage 2 then fails: its tcb.status says NoMatchingTcbLevel or
 * Revoked where that was the failure); free it with
 * attls_tdx_claims_free() in every case.
 * @retval ATTLS_OK verified (and TCB evaluated when collateral was given)
 * @retval any code of attls_tdx_quote_parse(), attls_tdx_verify_crypto()
 *         and attls_tdx_evaluate_collateral()
 */
attls_code attls_tdx_verify(const uint8_t *quote, size_t len,
                            const attls_tdx_verify_params *p,
                            attls_tdx_claims *claims, attls_status *st);

/** Stage 3, the opt-in policy. */
typedef struct attls_tdx_policy {
    int allow_debug; /**< accept TD_ATTRIBUTES.DEBUG = 1 */
    /**
     * Acceptable TCB statuses, a set of ATTLS_TDX_TCB_BIT(status); 0 to
     * not judge the TCB. Non-zero requires that the TCB was evaluated.
     */
    unsigned accepted_tcb;
} attls_tdx_policy;

#define ATTLS_TDX_TCB_BIT(status) (1u << (status))

/**
 * Apply @p p to verified @p c.
 * @retval ATTLS_OK
 * @retval ATTLS_E_TDX_DEBUG the TD is debuggable and that is not allowed
 * @retval ATTLS_E_TDX_TCB_NOT_EVALUATED statuses are required, no TCB
 * @retval ATTLS_E_TDX_TCB_STATUS the TCB status is not in the set
 */
attls_code attls_tdx_policy_check(const attls_tdx_claims *c,
                                  const attls_tdx_policy *p, attls_status *st);

/**
 * Parse a comma-separated list of TCB status names ("UpToDate,
 * SWHardeningNeeded") into a set for attls_tdx_policy.accepted_tcb.
 * @retval 0 success, -1 empty list or unknown name
 */
int attls_tdx_tcb_set_parse(const char *list, unsigned *set);

/**
 * The claims as a JSON object (hex strings for measurements, the TCB
 * evaluation under "tcb").
 * @return a new reference, or NULL on allocation failure
 */
json_t *attls_tdx_claims_to_json(const attls_tdx_claims *c);

#endif
