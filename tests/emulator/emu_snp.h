/* SPDX-License-Identifier: Apache-2.0 */
/*
 * SEV-SNP ATTESTATION_REPORT (1184 bytes, layout of AMD SEV-SNP ABI
 * "ATTESTATION_REPORT", versions 2 and 3) signed ECDSA-P384/SHA-384 by the
 * emulated chip's VCEK, and the GHCB certificate table a guest receives with
 * an extended report (configfs-tsm auxblob).
 */
#ifndef ATTLS_EMU_SNP_H
#define ATTLS_EMU_SNP_H

#include <stddef.h>
#include <stdint.h>

#include "emu_ctx.h"

#define EMU_SNP_REPORT_SIZE 0x4A0
#define EMU_SNP_SIGNED_SIZE 0x2A0

/**
 * Build and sign the report the firmware returns for @p report_data at
 * privilege level @p vmpl. @retval 0, -1 (reported)
 */
int emu_snp_report(const emu_ctx *ctx, const uint8_t report_data[64],
                   uint32_t vmpl, uint8_t out[EMU_SNP_REPORT_SIZE]);

/**
 * The certificate table (VCEK, ASK, ARK) of an extended guest request.
 * @retval 0 and a malloc()ed table in @p out, -1 (reported)
 */
int emu_snp_cert_table(const emu_ctx *ctx, uint8_t **out, size_t *len);

#endif
