/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Certificate chain verification shared by every verifier (AMD VCEK/VLEK,
 * Intel PCK and collateral signers, Azure and Google AK certificates).
 *
 * Always at an explicit instant, against a pinned trust set, never strict
 * RFC 5280 (AMD certificates lack an Authority Key Identifier), issuers
 * chosen by key and AKID by OpenSSL, no purpose/EKU check, no AIA fetching.
 */
#ifndef ATTLS_EVIDENCE_X509_CHAIN_H
#define ATTLS_EVIDENCE_X509_CHAIN_H

#include <time.h>

#include <openssl/x509.h>

#include "attls/status.h"
#include "evidence/roots.h"

typedef struct attls_chain_params {
    time_t at;                      /* verification instant */
    const attls_trust_set *trust;   /* anchors and known intermediates */
    STACK_OF(X509) *untrusted;      /* intermediates from the evidence */
    STACK_OF(X509_CRL) *crls;       /* non-NULL: check revocation of all */
    const char *check;              /* dotted check name for errors */
    int crl_leaf_only;              /* with crls: check only the leaf */
} attls_chain_params;

/**
 * Verify @p leaf up to an anchor of @p p->trust at @p p->at.
 * @param chain_out if non-NULL, receives the verified chain (leaf first,
 *        anchor last); free with sk_X509_pop_free(..., X509_free)
 * @retval ATTLS_OK chain verified
 * @retval ATTLS_E_CERT_EXPIRED a certificate is not valid at p->at
 * @retval ATTLS_E_CERT_ROOT no path to a pinned anchor
 * @retval ATTLS_E_CERT_SIGNATURE a certificate signature is invalid
 * @retval ATTLS_E_CRL a CRL is missing, stale, badly signed or revokes
 * @retval ATTLS_E_CERT_CHAIN any other chain error
 */
attls_code attls_x509_chain_verify(X509 *leaf, const attls_chain_params *p,
                                   STACK_OF(X509) **chain_out,
                                   attls_status *st);

/** One-line subject of @p x for messages ("CN=SEV-Milan, ..."). */
void attls_x509_subject_str(X509 *x, char *buf, size_t len);

/** One-line form of any name (issuer, CRL issuer), as above. */
void attls_x509_name_str(const X509_NAME *name, char *buf, size_t len);

#endif
