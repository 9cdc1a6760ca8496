/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Independent checks of what the emulator produces, written against the
 * published layouts (snp-tdx.md, cloud-vtpm.md) and exercised on the real
 * captures of ../shared/testdata as well: a check that a real report fails
 * is a wrong check. Used by the byte-compatibility test (test_emu_compat)
 * and, through the emu-check command, by the shell tests on what the
 * product-facing interfaces (TPM NV, configfs-tsm, IMDS) returned.
 *
 * Every function returns 0 when the input passes and -1 otherwise, with a
 * reason in @p why (what, where, why).
 */
#ifndef ATTLS_EMU_CHECK_H
#define ATTLS_EMU_CHECK_H

#include <stddef.h>
#include <stdint.h>

#include <openssl/x509.h>

#define EMU_WHY 256

/** SEV-SNP report layout: size, version, algorithm, policy, MBZ ranges. */
int emu_check_snp_layout(const uint8_t *r, size_t len, char *why);

/** ECDSA-P384/SHA-384 report signature (r, s little-endian) by @p vek. */
int emu_check_snp_signature(const uint8_t *r, X509 *vek, char *why);

/**
 * VCEK against the report: VCEK -> ASK -> ARK (PSS, no strict mode, ARK
 * from @p ask_ark), blSPL/teeSPL/snpSPL/ucodeSPL == REPORTED_TCB and
 * hwID == CHIP_ID.
 */
int emu_check_vcek(const uint8_t *r, X509 *vcek, STACK_OF(X509) *ask_ark,
                   char *why);

/**
 * HCL report (NV 0x01400001 content of @p nv_len bytes): header, sizes,
 * request data, zero padding, REPORT_DATA == SHA-256(claims) || 0^32.
 * On success @p claims / @p claims_len point into @p b and @p report_type
 * is 2 (SNP) or 4 (TDX).
 */
int emu_check_hcl(const uint8_t *b, size_t nv_len, const uint8_t **claims,
                  size_t *claims_len, uint32_t *report_type, char *why);

/**
 * Runtime claims: the keys (in order) of the current Azure format, JWK
 * fields, 128-hex-digit user-data; @p ak_n (if non-NULL) must be the
 * modulus of HCLAkPub, @p user_data (if non-NULL) the decoded user-data.
 */
int emu_check_claims(const uint8_t *claims, size_t len, const uint8_t *ak_n,
                     size_t ak_n_len, const uint8_t *user_data, char *why);

/** TDREPORT: type, TEE_TCB_INFO and TDINFO hashes. */
int emu_check_tdreport(const uint8_t *t, char *why);

/** TD quote v4 layout up to the PEM chain (crypto: evidence/tdx.h). */
int emu_check_td_quote_layout(const uint8_t *q, size_t len, char *why);

#endif
