/* SPDX-License-Identifier: Apache-2.0 */
/**
 * @file tpm/parent.h
 * Parent keys: the standard storage root key (SRK) or a persistent handle.
 *
 * A parent of 0 or TPM2_RH_OWNER (0x40000001) means "the owner hierarchy's
 * primary made from the standard template", the convention of the TSS2 key
 * file shared with tpm2-openssl and tpm2-tss-engine: ECC P-256 (RSA-2048
 * when the file says rsaParent), nameAlg SHA-256, attributes 0x00030472
 * (fixedTPM|fixedParent|sensitiveDataOrigin|userWithAuth|noDA|restricted|
 * decrypt), AES-128-CFB, empty unique. The primary is created for one Load
 * and flushed right after it. A parent 0x81xxxxxx is a persistent key.
 */
#ifndef ATTLS_TPM_PARENT_H
#define ATTLS_TPM_PARENT_H

#include <stdint.h>
#include <tss2/tss2_esys.h>

#ifdef __cplusplus
extern "C" {
#endif

/** The owner hierarchy: "regenerate the standard SRK". */
#define ATTLS_TPM_PARENT_OWNER 0x40000001U

/** An opened parent: call attls_tpm_parent_close() when done. */
typedef struct attls_tpm_parent {
    ESYS_TR tr;    /**< usable as parentHandle */
    int transient; /**< 1: a primary this code created, flushed at close */
} attls_tpm_parent;

/**
 * @return 1 if @p handle can name a parent (0, 0x40000001 or a persistent
 * handle 0x81000000-0x81FFFFFF), else 0.
 */
int attls_tpm_parent_handle_valid(uint32_t handle);

/** Fill @p out with the standard SRK template (@p rsa: RSA-2048 variant). */
void attls_tpm_srk_template(int rsa, TPM2B_PUBLIC *out);

/**
 * Open the parent named by @p handle.
 * @param rsa for 0/owner: use the RSA SRK template
 * @param auth owner-hierarchy or persistent-parent auth (NULL: empty)
 * @retval TSS2_RC_SUCCESS @p out is open
 * @retval ATTLS_TPM_RC_UNSUPPORTED @p handle cannot be a parent
 * @retval other the CreatePrimary or ReadPublic failure
 */
TSS2_RC attls_tpm_parent_open(ESYS_CONTEXT *esys, uint32_t handle, int rsa,
                              const TPM2B_AUTH *auth, attls_tpm_parent *out);

/** Flush (primary) or forget (persistent) @p p; safe on a closed parent. */
void attls_tpm_parent_close(ESYS_CONTEXT *esys, attls_tpm_parent *p);

#ifdef __cplusplus
}
#endif

#endif
