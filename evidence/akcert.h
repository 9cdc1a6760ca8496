/* SPDX-License-Identifier: Apache-2.0 */
/**
 * @file evidence/akcert.h
 * vTPM attestation-key (AK) certificates of Azure and Google Cloud.
 *
 * An AK certificate is read from vTPM NV (Azure 0x01C101D0: DER followed by
 * zero padding; GCE 0x01c10000 / 0x01c10002) or received as PEM/DER, then
 * verified offline against the pinned trust set of its cloud at an
 * explicit instant, optionally against CRLs, and its public key compared
 * with the AK that signed a quote or certification.
 *
 * On Azure the AK certificate is extra assurance only: the AK is trusted
 * through the hardware report (HCLAkPub), see cloud-vtpm.md §3.7. On GCP
 * it is the anchor of trust in the AK; the vTPM there is not inside the
 * TEE.
 */
#ifndef ATTLS_EVIDENCE_AKCERT_H
#define ATTLS_EVIDENCE_AKCERT_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <jansson.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include "attls/status.h"
#include "evidence/roots.h"

/** Which cloud's PKI and rules apply. */
typedef enum attls_ak_platform {
    ATTLS_AK_PLATFORM_AZURE = 1, /**< trust set "azure-vtpm" */
    ATTLS_AK_PLATFORM_GCP = 2,   /**< trust set "gcp-vtpm" */
} attls_ak_platform;

/** Name of the pinned trust set of @p platform ("azure-vtpm", ...). */
const char *attls_ak_platform_trust_set(attls_ak_platform platform);

/** Tri-state of an optional ASN.1 BOOLEAN. */
typedef enum attls_opt_bool {
    ATTLS_BOOL_ABSENT = -1,
    ATTLS_BOOL_FALSE = 0,
    ATTLS_BOOL_TRUE = 1,
} attls_opt_bool;

/** Longest zone / project id / instance name accepted (bytes). */
#define ATTLS_GCE_NAME_MAX 128

/**
 * GCE instance identity, certificate extension 1.3.6.1.4.1.11129.2.1.21:
 * SEQUENCE { zone UTF8String, projectNumber INTEGER, projectId UTF8String,
 * instanceId INTEGER, instanceName UTF8String, [0] EXPLICIT SEQUENCE {
 * [0] securityVersion INTEGER, [1] isProduction BOOLEAN, [2]..[5] BOOLEAN }
 * OPTIONAL }, all inner fields EXPLICIT and OPTIONAL.
 */
typedef struct attls_gce_identity {
    int present; /**< the extension is in the certificate */
    char zone[ATTLS_GCE_NAME_MAX];
    uint64_t project_number;
    char project_id[ATTLS_GCE_NAME_MAX];
    uint64_t instance_id;
    char instance_name[ATTLS_GCE_NAME_MAX];
    int has_security; /**< the [0] security properties are present */
    int has_security_version;
    int64_t security_version;
    /** Google issues these for production VMs; go-tpm-tools ignores the
     *  identity unless this is TRUE. */
    attls_opt_bool is_production;
    /* [2]..[5] are undocumented; names as in Google's EK-certificate
     * parsers. */
    attls_opt_bool tpm_data_always_encrypted;
    attls_opt_bool suspend_resume_always_disabled;
    attls_opt_bool vmtd_always_disabled;
    attls_opt_bool always_in_yarn;
} attls_gce_identity;

/**
 * Decode the GCE instance identity extension of @p cert, if present.
 * The value must be DER (re-encoding gives the same bytes), the integers
 * non-negative and within 64 bits, the strings printable ASCII.
 * @retval ATTLS_OK @p out filled (out->present == 0 if there is none)
 * @retval ATTLS_E_TPM_GCE_IDENTITY the extension is malformed, repeated or
 *         out of bounds
 */
attls_code attls_gce_identity_decode(X509 *cert, attls_gce_identity *out,
                                     attls_status *st);

/**
 * Parse one certificate given as PEM (a single CERTIFICATE block, nothing
 * but white space around it) or as DER (exactly one certificate, no
 * trailing bytes).
 * @retval ATTLS_OK @p out owns the certificate (X509_free)
 * @retval ATTLS_E_CERT_PARSE otherwise
 */
attls_code attls_akcert_parse(const uint8_t *buf, size_t len, X509 **out,
                              attls_status *st);

/**
 * Extract the certificate from the contents of an AK-certificate NV index:
 * one DER certificate whose length is taken from its header, then only
 * zero bytes up to the end of the index.
 * @retval ATTLS_OK @p out owns the certificate (X509_free)
 * @retval ATTLS_E_TPM_AKCERT_NV_FORMAT empty index, not a DER SEQUENCE,
 *         indefinite or overlong length, or a non-zero byte after the
 *         certificate
 * @retval ATTLS_E_CERT_PARSE the DER bytes are not a certificate
 */
attls_code attls_akcert_from_nv(const uint8_t *nv, size_t len, X509 **out,
                                attls_status *st);

/**
 * @return 1 if @p cert is Azure's "not provisioned yet" placeholder: an
 * issuer CN starting with "MICROSOFT AZURE TRUSTED VM RSA" (the test of
 * the Azure guest attestation client library), else 0.
 */
int attls_akcert_is_azure_placeholder(X509 *cert);

/** How to verify an AK certificate; zero-initialise, then fill in. */
typedef struct attls_akcert_opts {
    time_t at;                     /**< verification instant */
    attls_ak_platform platform;    /**< rules that apply */
    const attls_trust_set *trust;  /**< anchors + known intermediates */
    STACK_OF(X509) *intermediates; /**< from the evidence (untrusted) */
    STACK_OF(X509_CRL) *crls;      /**< optional; see x509_crl.h */
    EVP_PKEY *ak;                  /**< optional: must be the cert key */
} attls_akcert_opts;

/** What a verified AK certificate says. */
typedef struct attls_akcert_claims {
    attls_ak_platform platform;
    char subject[256]; /**< "(empty subject)" for legacy GCE leaves */
    char issuer[256];
    char anchor[256]; /**< subject of the pinned root the chain ends at */
    char serial[2 * 32 + 4];
    time_t not_before;
    time_t not_after;
    int chain_length; /**< certificates from leaf to anchor, inclusive */
    char key_type[8]; /**< "rsa" or "ec" */
    int key_bits;
    uint8_t spki_sha256[32]; /**< SHA-256 of the DER SubjectPublicKeyInfo */
    int ak_checked;          /**< the key was compared with opts->ak */
    size_t crls_checked;
    attls_gce_identity gce; /**< GCP only */
} attls_akcert_claims;

/**
 * Verify @p cert as an AK (or EK) certificate of @p opts->platform.
 * Order: Azure placeholder, chain to the trust set at opts->at, CRLs, key
 * equality with opts->ak, GCE identity (GCP).
 * @param claims filled only on ATTLS_OK (may be NULL)
 * @retval ATTLS_OK verified
 * @retval ATTLS_E_TPM_AKCERT_PLACEHOLDER Azure placeholder certificate
 * @retval ATTLS_E_CERT_EXPIRED, _CERT_ROOT, _CERT_SIGNATURE, _CERT_CHAIN
 *         see attls_x509_chain_verify()
 * @retval ATTLS_E_CRL see attls_x509_crls_check()
 * @retval ATTLS_E_TPM_AKCERT_KEY_MISMATCH the key is not opts->ak
 * @retval ATTLS_E_TPM_GCE_IDENTITY malformed GCE instance identity
 * @retval ATTLS_E_ARGUMENT missing certificate, trust set or platform
 */
attls_code attls_akcert_verify(X509 *cert, const attls_akcert_opts *opts,
                               attls_akcert_claims *claims, attls_status *st);

/**
 * The claims as a JSON object (jansson).
 * @return a new reference, or NULL on allocation failure
 */
json_t *attls_akcert_claims_json(const attls_akcert_claims *claims);

#endif
