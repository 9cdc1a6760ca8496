/* SPDX-License-Identifier: Apache-2.0 */
/**
 * @file tpm/ak.h
 * Attestation keys (restricted signing keys that sign TPM2_Quote and
 * TPM2_Certify), per vTPM layout:
 *  - Azure: the persistent key 0x81000003 the paravisor provisions;
 *  - GCP: an Endorsement-hierarchy primary created from the template Google
 *    stores in NV (0x01c10001 RSA, 0x01c10003 ECC);
 *  - any other TPM: an Endorsement-hierarchy primary from attls's own ECC
 *    P-256 template (docs/evidence-format.md §7).
 * And reading the AK certificate out of its NV index.
 */
#ifndef ATTLS_TPM_AK_H
#define ATTLS_TPM_AK_H

#include <stdint.h>
#include <tss2/tss2_esys.h>

#include "attls/status.h"
#include "common/bytes.h"

#define ATTLS_AZURE_AK_HANDLE 0x81000003u
#define ATTLS_AZURE_NV_AK_CERT 0x01C101D0u
#define ATTLS_GCP_NV_AK_CERT_RSA 0x01c10000u
#define ATTLS_GCP_NV_AK_TEMPLATE_RSA 0x01c10001u
#define ATTLS_GCP_NV_AK_CERT_ECC 0x01c10002u
#define ATTLS_GCP_NV_AK_TEMPLATE_ECC 0x01c10003u

/** An open AK: close with attls_ak_close(). */
typedef struct attls_ak {
    ESYS_TR tr;
    int transient;          /**< 1: a primary created here, flushed at close */
    TPM2B_PUBLIC pub;       /**< its public area */
    TPM2_HANDLE cert_index; /**< NV index of its certificate, 0: none */
} attls_ak;

/**
 * Open the Azure AK.
 * @retval ATTLS_OK @p ak open
 * @retval ATTLS_E_AK_MISSING no key at 0x81000003
 * @retval ATTLS_E_AK_TEMPLATE the key there is not a restricted signing key
 */
attls_code attls_ak_open_azure(ESYS_CONTEXT *esys, attls_ak *ak,
                               attls_status *st);

/**
 * Create the GCP AK from its NV template, RSA if NV 0x01c10001 exists,
 * else ECC from 0x01c10003.
 * @retval ATTLS_OK @p ak open (transient)
 * @retval ATTLS_E_AK_MISSING neither template index exists
 * @retval ATTLS_E_AK_TEMPLATE the template does not unmarshal or is not a
 *         restricted signing template
 * @retval other the NV read or TPM2_CreatePrimary failure
 */
attls_code attls_ak_open_gcp(ESYS_CONTEXT *esys, attls_ak *ak,
                             attls_status *st);

/** Create the attls AK of a TPM without cloud provisioning (no cert). */
attls_code attls_ak_open_attls(ESYS_CONTEXT *esys, attls_ak *ak,
                               attls_status *st);

/** The attls AK template (ECC P-256, ECDSA-SHA256, restricted sign). */
void attls_ak_attls_template(TPM2B_PUBLIC *out);

/** Flush (transient) or forget (persistent) @p ak; safe when closed. */
void attls_ak_close(ESYS_CONTEXT *esys, attls_ak *ak);

/**
 * Read the DER AK certificate from @p ak->cert_index: the DER length comes
 * from its own header (the NV index is zero-padded), it must parse, carry
 * the AK's public key, and not be Azure's "not yet provisioned" placeholder.
 * @retval ATTLS_OK @p der owns the certificate
 * @retval ATTLS_E_NV_MISSING the index is not defined
 * @retval ATTLS_E_AK_CERT malformed, placeholder, or another key
 */
attls_code attls_ak_read_cert(ESYS_CONTEXT *esys, const attls_ak *ak,
                              attls_buf *der, attls_status *st);

#endif
