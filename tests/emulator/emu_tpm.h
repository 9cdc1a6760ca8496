/* SPDX-License-Identifier: Apache-2.0 */
/*
 * TPM 2.0 helpers for the emulator: public areas (files written by
 * tpm2-tools, the GCE AK templates), and raw command/response framing on
 * swtpm's TCP data channel, marshalled with libtss2-mu.
 */
#ifndef ATTLS_EMU_TPM_H
#define ATTLS_EMU_TPM_H

#include <stddef.h>
#include <stdint.h>

#include <openssl/evp.h>
#include <tss2/tss2_tpm2_types.h>

/* Largest command or response swtpm exchanges (TPM2_PT_MAX_*_SIZE). */
#define EMU_TPM_MAX_FRAME 4096
#define EMU_TPM_HEADER 10

/**
 * Load a marshalled TPM2B_PUBLIC or TPMT_PUBLIC (tpm2-tools "-u" output)
 * with attls_tpm_public_parse(). @retval 0, -1 (reported)
 */
int emu_tpm_pub_load(const char *path, TPMT_PUBLIC *pub);

/**
 * The AK template GCE stores in NV 0x01c10001 (RSA) or 0x01c10003 (ECC):
 * a marshalled TPMT_PUBLIC, objectAttributes 0x00050072, RSASSA-SHA256
 * RSA-2048 or ECDSA-SHA256 P-256, unique filled with zeros (280 / 88 bytes,
 * the sizes a real GCE vTPM reports for these indices).
 * @retval 0, -1 (reported)
 */
int emu_gce_ak_template(int ecc, uint8_t *buf, size_t cap, size_t *len);

/**
 * Read one command or response frame (header + body) from @p fd.
 * @retval 1 a frame, 0 clean end of stream, -1 error (reported)
 */
int emu_tpm_read_frame(int fd, uint8_t *buf, size_t cap, size_t *len);

/**
 * Send @p cmd on @p fd and read the response.
 * @retval 0 and the response code in @p rc, -1 transport error (reported)
 */
int emu_tpm_transact(int fd, const uint8_t *cmd, size_t cmd_len, uint8_t *rsp,
                     size_t cap, size_t *rsp_len, uint32_t *rc);

/** Parsed header of a frame. */
typedef struct emu_tpm_hdr {
    uint16_t tag;
    uint32_t size;
    uint32_t code; /* command code or response code */
} emu_tpm_hdr;

int emu_tpm_parse_hdr(const uint8_t *buf, size_t len, emu_tpm_hdr *h);

/**
 * TPM2_NV_Read(authHandle, nvIndex, size, offset) with a password session
 * holding @p auth. @retval 0 and the marshalled command in @p out.
 */
int emu_tpm_cmd_nv_read(uint32_t auth_handle, uint32_t index,
                        const uint8_t *auth, size_t auth_len, uint16_t size,
                        uint16_t offset, uint8_t *out, size_t cap, size_t *len);

/** TPM2_NV_ReadPublic(nvIndex), no sessions. */
int emu_tpm_cmd_nv_read_public(uint32_t index, uint8_t *out, size_t cap,
                               size_t *len);

/**
 * Parse the response of TPM2_NV_Read: the data and the offset of the
 * response authorization area. @retval 0, -1 malformed (reported)
 */
int emu_tpm_parse_nv_read(const uint8_t *rsp, size_t len, const uint8_t **data,
                          uint16_t *data_len, size_t *auth_off);

/** Parse the response of TPM2_NV_ReadPublic. */
int emu_tpm_parse_nv_read_public(const uint8_t *rsp, size_t len,
                                 TPMS_NV_PUBLIC *pub);

/**
 * TPM2_CreatePrimary in the endorsement hierarchy (empty auth) from the
 * marshalled TPMT_PUBLIC @p tmpl, then TPM2_FlushContext: the key a guest
 * gets from the same template. @retval 0 and its public area, -1 (reported)
 */
int emu_tpm_create_primary_ek(int fd, const uint8_t *tmpl, size_t tmpl_len,
                              TPM2B_PUBLIC *out);

/** Name of an NV index: nameAlg || H(marshalled TPMS_NV_PUBLIC). */
int emu_tpm_nv_name(const TPMS_NV_PUBLIC *pub, TPM2B_NAME *name);

#endif
