/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Intel TDX evidence: the 1024-byte TDREPORT a TD gets from TDG.MR.REPORT,
 * the quote-v4 the quoting enclave makes of it (QE report signed by the
 * PCK, PCK chain to the Intel SGX Root CA in certification data type 6/5),
 * and the collateral (TCB Info, QE Identity, CRLs) that evaluates it.
 */
#ifndef ATTLS_EMU_TDX_H
#define ATTLS_EMU_TDX_H

#include <stddef.h>
#include <stdint.h>

#include "emu_ctx.h"

#define EMU_TDREPORT_SIZE 1024
#define EMU_TD_QUOTE_SIGNED_SIZE 632 /* header 48 + TD report body 584 */

/**
 * The TDREPORT of the emulated TD for @p report_data. Its MAC is an HMAC
 * under a key only the emulator holds (the CPU's MAC key stands in for it).
 * @retval 0, -1 (reported)
 */
int emu_tdreport(const emu_ctx *ctx, const uint8_t report_data[64],
                 uint8_t out[EMU_TDREPORT_SIZE]);

/**
 * Check a TDREPORT the way the quoting enclave does (MAC, TEE_TCB_INFO and
 * TDINFO hashes). @retval 0 genuine, -1 not made by this machine (reported)
 */
int emu_tdreport_check(const emu_ctx *ctx,
                       const uint8_t tdreport[EMU_TDREPORT_SIZE]);

/**
 * Turn @p tdreport into a quote v4 followed by @p trailing zero bytes
 * (real quotes carry some). @retval 0 and malloc()ed @p out, -1 (reported)
 */
int emu_td_quote(const emu_ctx *ctx, const uint8_t tdreport[EMU_TDREPORT_SIZE],
                 size_t trailing, uint8_t **out, size_t *len);

/**
 * Write signed TCB Info, QE Identity, CRLs and issuer chains for this
 * platform to STATE_DIR/collateral (the layout of dcap-qvl's
 * tdx_quote_collateral). @retval 0, -1 (reported)
 */
int emu_tdx_collateral(const emu_ctx *ctx);

#endif
