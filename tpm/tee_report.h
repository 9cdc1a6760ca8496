/* SPDX-License-Identifier: Apache-2.0 */
/**
 * @file tpm/tee_report.h
 * Hardware TEE reports with guest-chosen REPORT_DATA (GCP confidential VMs):
 * an AMD SEV-SNP attestation report or an Intel TDX quote.
 *
 * Sources, in order:
 *  1. configfs-tsm (Linux >= 6.7), `/sys/kernel/config/tsm/report` by
 *     default: one entry per request, with the generation check of the
 *     kernel ABI (Documentation/ABI/testing/configfs-tsm) so that a request
 *     changed by another writer is never taken for ours;
 *  2. `/dev/sev-guest` (SNP_GET_EXT_REPORT, then SNP_GET_REPORT);
 *  3. `/dev/tdx_guest` (TDX_CMD_GET_REPORT0, then the TDX_CMD_GET_QUOTE
 *     ioctl that some distribution kernels add; mainline kernels only make
 *     quotes through configfs-tsm).
 * The bytes are returned as the interface gave them (a TDX quote may carry
 * trailing padding); parsing and the REPORT_DATA echo check are the
 * caller's, with the evidence/ parsers. Nothing here talks to the TPM; the
 * file lives in tpm/ with the other evidence sources of the VM.
 */
#ifndef ATTLS_TPM_TEE_REPORT_H
#define ATTLS_TPM_TEE_REPORT_H

#include <stddef.h>
#include <stdint.h>

#include "attls/status.h"
#include "common/bytes.h"

#define ATTLS_TSM_REPORT_DIR "/sys/kernel/config/tsm/report"
#define ATTLS_SEV_GUEST_DEVICE "/dev/sev-guest"
#define ATTLS_TDX_GUEST_DEVICE "/dev/tdx_guest"
#define ATTLS_REPORT_DATA_LEN 64
#define ATTLS_SNP_REPORT_LEN 1184
/** configfs-tsm's TSM_OUTBLOB_MAX. */
#define ATTLS_TSM_OUTBLOB_MAX (32 * 1024)

typedef enum attls_tee_kind {
    ATTLS_TEE_NONE = 0,
    ATTLS_TEE_SNP, /**< AMD SEV-SNP */
    ATTLS_TEE_TDX, /**< Intel TDX */
} attls_tee_kind;

/** Where to look; NULL members take the defaults above. */
typedef struct attls_tee_config {
    const char *tsm_dir;
    const char *sev_device;
    const char *tdx_device;
} attls_tee_config;

/** A report and where it came from. */
typedef struct attls_tee_report {
    attls_tee_kind kind;
    attls_buf report; /**< SNP report (1184 bytes) or TDX quote */
    attls_buf certs;  /**< SNP certificate table (may be empty) */
    char source[256]; /**< "configfs-tsm <dir>" or the device path */
} attls_tee_report;

/** Fill @p cfg from ATTLS_TSM_REPORT_DIR, ATTLS_SEV_GUEST_DEVICE, ... */
void attls_tee_config_from_env(attls_tee_config *cfg);

/**
 * Which TEE this guest can get reports from (no report is requested; for
 * configfs-tsm one entry is made to read its provider, then removed).
 * @retval ATTLS_OK @p kind set
 * @retval ATTLS_E_TEE_ABSENT none of the three interfaces exists (the
 *         message names every path looked at)
 * @retval ATTLS_E_TEE_REPORT configfs-tsm exists but is unusable
 */
attls_code attls_tee_detect(const attls_tee_config *cfg, attls_tee_kind *kind,
                            attls_status *st);

/**
 * Request a report of kind @p want with @p report_data.
 * @retval ATTLS_OK @p out filled (free with attls_tee_report_free())
 * @retval ATTLS_E_TEE_ABSENT no interface for @p want
 * @retval ATTLS_E_TEE_REPORT the interface failed (what and where in the
 *         message)
 * @retval ATTLS_E_TSM_RACE configfs-tsm generation changed on every try
 */
attls_code
attls_tee_get_report(const attls_tee_config *cfg, attls_tee_kind want,
                     const uint8_t report_data[ATTLS_REPORT_DATA_LEN],
                     attls_tee_report *out, attls_status *st);

void attls_tee_report_free(attls_tee_report *r);

/** GUIDs of the SNP certificate table (GHCB spec, text byte order). */
#define ATTLS_SNP_GUID_VCEK "63da758d-e664-4564-adc5-f4b93be8accd"
#define ATTLS_SNP_GUID_VLEK "a8074bc2-a25a-483e-aae6-39c045a0b8a1"

/**
 * Find the certificate with GUID @p guid in an SNP certificate table
 * (entries {GUID[16], offset u32 LE, length u32 LE}, all-zero terminator,
 * offsets from the table start).
 * @retval ATTLS_OK found (@p out points into @p table, not a copy), or not
 *         listed (@p out NULL, @p out_len 0)
 * @retval ATTLS_E_TEE_REPORT malformed table: unterminated, or an entry
 *         pointing outside the table
 */
attls_code attls_snp_cert_table_find(const uint8_t *table, size_t len,
                                     const char *guid, const uint8_t **out,
                                     size_t *out_len, attls_status *st);

#endif
