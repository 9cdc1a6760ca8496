/* SPDX-License-Identifier: Apache-2.0 */
/**
 * @file evidence/tdreport.h
 * The Intel TDX TDREPORT_STRUCT (TDG.MR.REPORT output, 1024 bytes), as
 * carried by Azure TDX HCL reports.
 *
 * A TDREPORT is authenticated only by a MAC that can be checked inside the
 * same platform; offline it is worth what the TD quote made from it says.
 * This parser extracts the fields so that a caller can bind them to a
 * verified quote (REPORTDATA, MRTD, RTMRs, attributes must be equal).
 *
 * Layout: REPORTMACSTRUCT (256 bytes: REPORTTYPE, CPUSVN, TEE_TCB_INFO
 * hash, TEE_INFO hash, REPORTDATA at 0x80, MAC), TEE_TCB_INFO (239 bytes),
 * 17 reserved bytes, TDINFO (512 bytes from 0x200: attributes, XFAM, MRTD,
 * MRCONFIGID, MROWNER, MROWNERCONFIG, RTMR0-3, SERVTD_HASH).
 */
#ifndef ATTLS_EVIDENCE_TDREPORT_H
#define ATTLS_EVIDENCE_TDREPORT_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "attls/status.h"
#include "evidence/tdx_quote.h"

#ifdef __cplusplus
extern "C" {
#endif

#define ATTLS_TDREPORT_SIZE 1024
#define ATTLS_TDREPORT_TYPE_TDX 0x81
#define ATTLS_TDREPORT_REPORT_DATA_OFFSET 0x80
#define ATTLS_TD_ATTRIBUTES_DEBUG (1ULL << 0)

/** A parsed TDREPORT_STRUCT. */
typedef struct attls_tdreport {
    uint8_t raw[ATTLS_TDREPORT_SIZE];
    /* REPORTMACSTRUCT */
    uint8_t type, subtype, version; /**< REPORTTYPE: 0x81, 0, 0 or 1 */
    uint8_t cpusvn[16];
    uint8_t tee_tcb_info_hash[48];
    uint8_t tee_info_hash[48];
    uint8_t report_data[64];
    uint8_t mac[32];
    /* TEE_TCB_INFO */
    uint64_t tee_tcb_valid;
    uint8_t tee_tcb_svn[16];
    uint8_t mrseam[48];
    uint8_t mrsignerseam[48];
    uint64_t seam_attributes;
    uint8_t tee_tcb_svn2[16]; /**< TDX 1.5; zero before */
    /* TDINFO */
    uint64_t td_attributes; /**< bit 0 DEBUG */
    uint64_t xfam;
    uint8_t mrtd[48];
    uint8_t mrconfigid[48];
    uint8_t mrowner[48];
    uint8_t mrownerconfig[48];
    uint8_t rtmr[4][48];
    uint8_t servtd_hash[48];
} attls_tdreport;

/**
 * Parse a TDREPORT_STRUCT.
 * @retval ATTLS_OK @p out filled
 * @retval ATTLS_E_TDREPORT_SIZE @p len is not 1024
 * @retval ATTLS_E_TDREPORT_TYPE REPORTTYPE is not TDX (type 0x81, subtype
 *         0, version 0 or 1)
 * @retval ATTLS_E_TDREPORT_RESERVED a reserved field of REPORTMACSTRUCT,
 *         the gap before TDINFO or TDINFO's reserved tail is not zero
 */
attls_code attls_tdreport_parse(const uint8_t *buf, size_t len,
                                attls_tdreport *out, attls_status *st);

/**
 * Bind a TDREPORT to a TD quote made from it: every field the quote's TD
 * report body carries must be equal (REPORTDATA, MRTD, RTMR0-3, TD
 * attributes, XFAM, MRCONFIGID, MROWNER, MROWNERCONFIG, TEE_TCB_SVN, MRSEAM,
 * MRSIGNERSEAM, SEAM attributes; for a TDX 1.5 body also TEE_TCB_SVN2 and
 * MRSERVICETD == SERVTD_HASH). Azure TDX: the HCL report's TDREPORT is
 * authenticated by the quote (verified with the TDX verifier) only through
 * this comparison.
 * @retval ATTLS_OK equal
 * @retval ATTLS_E_TDREPORT_QUOTE_MISMATCH a field differs (named)
 */
attls_code attls_tdreport_match_quote(const attls_tdreport *t,
                                      const attls_tdx_td_report *body,
                                      attls_status *st);

/** The fields of @p t as a JSON object (hex strings), or NULL (no memory). */
json_t *attls_tdreport_to_json(const attls_tdreport *t);

#ifdef __cplusplus
}
#endif

#endif
