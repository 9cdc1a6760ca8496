/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The Azure paravisor's attestation report (vTPM NV 0x01400001): "HCLA"
 * header, SNP report or TDREPORT, IGVM request data and the runtime-claims
 * JSON whose SHA-256 is the hardware report's REPORT_DATA[0:32].
 */
#ifndef ATTLS_EMU_HCL_H
#define ATTLS_EMU_HCL_H

#include <stddef.h>
#include <stdint.h>

#include <tss2/tss2_tpm2_types.h>

#include "emu_ctx.h"

#define EMU_HCL_NV_SIZE 2600 /* MAX_ATTESTATION_INDEX_SIZE of the paravisor */
#define EMU_HCL_CLAIMS_OFFSET 0x4D4

/**
 * The report the paravisor regenerates: claims for @p ak and @p ek (RSA
 * public areas) with user-data @p user_data (the 64 bytes of NV 0x01400002),
 * bound into a fresh SNP report or TDREPORT. @p out gets EMU_HCL_NV_SIZE
 * bytes (the report, then zeros). @retval 0, -1 (reported)
 */
int emu_hcl_report(const emu_ctx *ctx, const TPMT_PUBLIC *ak,
                   const TPMT_PUBLIC *ek, const uint8_t user_data[64],
                   uint8_t out[EMU_HCL_NV_SIZE]);

#endif
