/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Intel SGX PCK certificates: the name/key checks and the SGX extension
 * (OID 1.2.840.113741.1.13.1) that carries the platform's TCB, PCE ID and
 * FMSPC, which TDX TCB evaluation matches against Intel's TCB Info.
 */
#ifndef ATTLS_EVIDENCE_PCK_CERT_H
#define ATTLS_EVIDENCE_PCK_CERT_H

#include <stdint.h>

#include <openssl/x509.h>

#include "attls/status.h"

/** SGX Type (extension .5). */
typedef enum attls_sgx_type {
    ATTLS_SGX_TYPE_STANDARD = 0,
    ATTLS_SGX_TYPE_SCALABLE = 1,
    ATTLS_SGX_TYPE_SCALABLE_WITH_INTEGRITY = 2,
} attls_sgx_type;

/** The fields of the PCK certificate's SGX extension. */
typedef struct attls_pck_sgx_ext {
    uint8_t ppid[16];             /**< .1 */
    uint8_t tcb_comp_svn[16];     /**< .2.1 - .2.16: SGX TCB component SVNs */
    uint16_t pcesvn;              /**< .2.17 */
    uint8_t cpusvn[16];           /**< .2.18 */
    uint8_t pceid[2];             /**< .3 */
    uint8_t fmspc[6];             /**< .4 */
    attls_sgx_type sgx_type;      /**< .5 */
    int has_platform_instance_id; /**< .6 present (Platform CA PCKs) */
    uint8_t platform_instance_id[16]; /**< .6 */
} attls_pck_sgx_ext;

/**
 * Parse the SGX extension of @p pck. Every mandatory entry (.1 - .5, and
 * .2.1 - .2.18 inside the TCB) must be present exactly once with its
 * ASN.1 type and size; unknown entries are ignored, duplicates refused.
 * @retval ATTLS_OK @p out filled
 * @retval ATTLS_E_TDX_PCK_EXTENSION extension absent, duplicated or
 *         malformed (message names the entry and the problem)
 * @retval ATTLS_E_INTERNAL allocation failure
 */
attls_code attls_pck_sgx_ext_parse(X509 *pck, attls_pck_sgx_ext *out,
                                   attls_status *st);

/**
 * Check that @p pck looks like an Intel PCK certificate: subject CN
 * contains "SGX PCK Certificate" and the key is EC P-256; and that its
 * issuer @p ca (may be NULL to skip) is the "Intel SGX PCK Platform CA"
 * or "Intel SGX PCK Processor CA".
 * @retval ATTLS_OK, ATTLS_E_TDX_PCK_CERT (message says which rule failed)
 */
attls_code attls_pck_cert_check(X509 *pck, X509 *ca, attls_status *st);

#endif
