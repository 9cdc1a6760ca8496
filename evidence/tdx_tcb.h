/* SPDX-License-Identifier: Apache-2.0 */
/*
 * TDX TCB evaluation against verified collateral, following Intel's QVL
 * (QuoteVerifier.cpp, TcbLevelCheck.cpp, TdxModuleCheck.cpp; steps
 * 4.1.2.4.10 - 4.1.2.4.17), in its order: FMSPC/PCEID match, TDX module
 * identity and module TCB level, QE identity and QE TCB level, platform
 * TCB level (SGX components and PCESVN from the PCK certificate, TDX
 * components from TEE_TCB_SVN), then the module and QE statuses folded
 * into the platform status.
 *
 * Differences from QVL, on purpose: levels are walked in document order
 * (Intel's PCS emits them in descending order; QVL re-sorts them), and the
 * advisory IDs reported are the union of those of the platform, module
 * and QE levels that applied, and SEAMATTRIBUTES is compared under the
 * module identity's attributesMask (as go-tdx-guest does; QVL wants it
 * zero and equal to the attributes, which real quotes satisfy either way).
 * TD relaunch (TEE_TCB_SVN2) is not evaluated.
 */
#ifndef ATTLS_EVIDENCE_TDX_TCB_H
#define ATTLS_EVIDENCE_TDX_TCB_H

#include "attls/status.h"
#include "evidence/pck_cert.h"
#include "evidence/tdx_collateral.h"
#include "evidence/tdx_quote.h"

/** Outcome of TCB evaluation. */
typedef struct attls_tdx_tcb_result {
    attls_tdx_tcb_status status;          /**< final, after folding */
    attls_tdx_tcb_status platform_status; /**< matched TDX TCB level */
    attls_tdx_tcb_status module_status;   /**< TDX module TCB level, or
                                               NOT_EVALUATED for TDX 1.0
                                               modules (TEE_TCB_SVN[1] 0) */
    attls_tdx_tcb_status qe_status;       /**< QE TCB level */
    char module_id[16];                   /**< "TDX_01", or "" */
    time_t tcb_date;                      /**< matched level's tcbDate */
    uint32_t tcb_eval_number;             /**< TCB Info's */
    char **advisory_ids;                  /**< union, in order seen */
    size_t n_advisory_ids;
} attls_tdx_tcb_result;

void attls_tdx_tcb_result_free(attls_tdx_tcb_result *r);

/**
 * FMSPC and PCE ID of the TCB Info equal the PCK certificate's.
 * @retval ATTLS_OK, ATTLS_E_TDX_FMSPC_MISMATCH
 */
attls_code attls_tdx_check_fmspc(const attls_tdx_tcb_info *ti,
                                 const attls_pck_sgx_ext *pck,
                                 attls_status *st);

/**
 * Match the QE report against the QE Identity: MRSIGNER, ISVPRODID,
 * MISCSELECT and ATTRIBUTES under their masks; then the QE TCB level, the
 * first (in document order) whose isvsvn <= the QE's ISVSVN.
 * @param level receives that level
 * @retval ATTLS_OK
 * @retval ATTLS_E_TDX_QE_IDENTITY a field differs (message names it)
 * @retval ATTLS_E_TDX_QE_TCB the QE's ISVSVN is below every level
 */
attls_code attls_tdx_check_qe_identity(const attls_tdx_qe_identity *qi,
                                       const attls_sgx_report_body *qe,
                                       const attls_tdx_isv_level **level,
                                       attls_status *st);

/**
 * Check the TDX module against the TCB Info. With TEE_TCB_SVN[1] (the
 * module's major version) zero, the "tdxModule" entry applies and there is
 * no module TCB level; otherwise the identity "TDX_<hh>" (hh = that byte
 * in upper-case hex) applies, and its first level whose isvsvn <=
 * TEE_TCB_SVN[0]. MRSIGNERSEAM must equal the identity's mrsigner and
 * SEAMATTRIBUTES & attributesMask its attributes.
 * @param identity receives the identity used
 * @param level    receives the module TCB level, or NULL (TDX 1.0)
 * @retval ATTLS_OK
 * @retval ATTLS_E_TDX_MODULE_IDENTITY no identity for the module version
 * @retval ATTLS_E_TDX_MODULE_MISMATCH MRSIGNERSEAM / SEAMATTRIBUTES differ
 * @retval ATTLS_E_TDX_TCB_NO_MATCH the module ISVSVN is below every level
 */
attls_code attls_tdx_check_module(const attls_tdx_tcb_info *ti,
                                  const attls_tdx_td_report *td,
                                  const attls_tdx_module_identity **identity,
                                  const attls_tdx_isv_level **level,
                                  attls_status *st);

/**
 * Find the platform TCB level: walking the levels in order, the first one
 * whose 16 SGX components and PCESVN are all <= the PCK certificate's
 * (the SGX level) and whose TDX components are all <= TEE_TCB_SVN (from
 * index 2 when TEE_TCB_SVN[1] > 0, since bytes 0-1 are then judged by the
 * module identity; from 0 otherwise).
 * @retval ATTLS_OK, ATTLS_E_TDX_TCB_NO_MATCH (message says which component
 *         ruled out the lowest level)
 */
attls_code attls_tdx_match_tcb_level(const attls_tdx_tcb_info *ti,
                                     const attls_pck_sgx_ext *pck,
                                     const attls_tdx_td_report *td,
                                     const attls_tdx_tcb_level **level,
                                     attls_status *st);

/**
 * Fold a module or QE level status into a platform status (QVL's
 * convergeTcbStatusWith*): Revoked wins; OutOfDate turns UpToDate and
 * SWHardeningNeeded into OutOfDate, and the ConfigurationNeeded statuses
 * into OutOfDateConfigurationNeeded; UpToDate changes nothing.
 */
attls_tdx_tcb_status attls_tdx_tcb_fold(attls_tdx_tcb_status platform,
                                        attls_tdx_tcb_status other);

/**
 * The whole evaluation, in QVL's order: FMSPC/PCEID, TDX module, QE
 * identity and QE TCB, platform level, folding. @p out is filled as far as
 * the evaluation got (status NO_MATCH or REVOKED on those failures).
 * @retval ATTLS_OK @p out->status is one of Intel's non-revoked statuses
 * @retval ATTLS_E_TDX_TCB_REVOKED the folded status is Revoked
 * @retval any code of the steps above, ATTLS_E_INTERNAL
 */
attls_code attls_tdx_tcb_evaluate(const attls_tdx_tcb_info *ti,
                                  const attls_tdx_qe_identity *qi,
                                  const attls_pck_sgx_ext *pck,
                                  const attls_tdx_td_report *td,
                                  const attls_sgx_report_body *qe,
                                  attls_tdx_tcb_result *out, attls_status *st);

#endif
