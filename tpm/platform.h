/* SPDX-License-Identifier: Apache-2.0 */
/**
 * @file tpm/platform.h
 * Which cloud's vTPM layout this TPM has, and the Azure NV indices through
 * which the guest refreshes and reads the paravisor's HCL report
 * (reference: cloud-vtpm.md §3.1, §3.5, §4.1).
 */
#ifndef ATTLS_TPM_PLATFORM_H
#define ATTLS_TPM_PLATFORM_H

#include <stdint.h>
#include <tss2/tss2_esys.h>

#include "attls/status.h"
#include "common/bytes.h"

#define ATTLS_AZURE_NV_HCL_REPORT 0x01400001u
#define ATTLS_AZURE_NV_USER_DATA 0x01400002u
#define ATTLS_AZURE_USER_DATA_LEN 64

typedef enum attls_vtpm_layout {
    ATTLS_VTPM_PLAIN = 0, /**< no cloud provisioning found */
    ATTLS_VTPM_AZURE,     /**< NV 0x01400001 (HCL report) defined */
    ATTLS_VTPM_GCP,       /**< NV 0x01c10001 or 0x01c10003 (AK template) */
} attls_vtpm_layout;

/** @return the layout of the TPM behind @p esys (NV probes only). */
attls_vtpm_layout attls_vtpm_detect(ESYS_CONTEXT *esys);

/**
 * Write the 64 bytes of guest user data the paravisor copies into the next
 * HCL report (NV 0x01400002, defined if missing).
 */
attls_code attls_azure_write_user_data(ESYS_CONTEXT *esys,
                                       const uint8_t data[64],
                                       attls_status *st);

/**
 * Read NV 0x01400001 whole (report plus zero padding); the read itself
 * makes current paravisors regenerate the report (at most every 2 s).
 * @retval ATTLS_E_NV_MISSING not an Azure confidential VM
 */
attls_code attls_azure_read_report(ESYS_CONTEXT *esys, attls_buf *out,
                                   attls_status *st);

#endif
