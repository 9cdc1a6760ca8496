/* SPDX-License-Identifier: Apache-2.0 */
/**
 * @file evidence/x509_crl.h
 * Check caller-supplied CRLs against an already verified chain.
 *
 * Unlike X509_V_FLAG_CRL_CHECK_ALL, which needs a CRL for every
 * certificate, this applies exactly the CRLs given (e.g. Google's
 * "EK/AK CA Root" CRL covering the intermediates) and refuses any CRL that
 * does not apply: a CRL a caller passes must be checked, never ignored.
 */
#ifndef ATTLS_EVIDENCE_X509_CRL_H
#define ATTLS_EVIDENCE_X509_CRL_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <openssl/x509.h>

#include "attls/status.h"

/**
 * For every CRL in @p crls: its issuer must be a certificate of @p chain
 * (leaf first, as returned by attls_x509_chain_verify()) allowed to sign
 * CRLs, its signature must verify under that issuer's key, it must have
 * no critical extension, thisUpdate <= @p at < nextUpdate, it must cover
 * at least one certificate of the chain, and revoke none of them.
 * @param check dotted check name for errors (NULL: "x509.crl")
 * @retval ATTLS_OK every CRL applies and revokes nothing in the chain
 * @retval ATTLS_E_CRL the first CRL that fails, with the reason
 */
attls_code attls_x509_crls_check(STACK_OF(X509) *chain,
                                 STACK_OF(X509_CRL) *crls, time_t at,
                                 const char *check, attls_status *st);

/**
 * Parse CRLs from PEM (any number of X509 CRL blocks) or DER (exactly one,
 * no trailing bytes) and append them to @p out.
 * @retval ATTLS_OK at least one CRL appended
 * @retval ATTLS_E_CRL malformed input
 */
attls_code attls_x509_crls_parse(const uint8_t *buf, size_t len,
                                 STACK_OF(X509_CRL) *out, attls_status *st);

#endif
