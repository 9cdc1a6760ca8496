/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Intel TDX quote layout (versions 4 and 5) and its strict parser.
 *
 * v4: header (48) | TD report body (584) | u32 signature data length |
 *     signature data.
 * v5: header (48) | u16 body type | u32 body size | body (584 for type 2,
 *     648 for type 3 = TDX 1.5) | u32 signature data length | signature
 *     data.
 * Signature data: quote signature r||s (64) | attestation key X||Y (64) |
 * u16 certification data type (6) | u32 size | QE report (384) | QE report
 * signature (64) | u16 QE auth data size | QE auth data | u16 inner type
 * (5) | u32 size | PEM PCK chain. Integers are little-endian; signatures
 * and keys big-endian. Bytes after the signature data are ignored.
 */
#ifndef ATTLS_EVIDENCE_TDX_QUOTE_H
#define ATTLS_EVIDENCE_TDX_QUOTE_H

#include <stddef.h>
#include <stdint.h>

#include "attls/status.h"

#define ATTLS_TDX_HEADER_LEN 48
#define ATTLS_TDX_BODY10_LEN 584 /* TD report body, TDX 1.0 */
#define ATTLS_TDX_BODY15_LEN 648 /* TD report body, TDX 1.5 */
#define ATTLS_TDX_QE_REPORT_LEN 384
#define ATTLS_TDX_SIG_LEN 64 /* r||s */
#define ATTLS_TDX_KEY_LEN 64 /* X||Y */
#define ATTLS_TDX_MR_LEN 48

/** Header values attls accepts. */
#define ATTLS_TDX_ATT_KEY_ECDSA_P256 2
#define ATTLS_TDX_TEE_TYPE_TDX 0x81
#define ATTLS_TDX_BODY_TYPE_TD10 2
#define ATTLS_TDX_BODY_TYPE_TD15 3
#define ATTLS_TDX_CERT_QE_REPORT 6
#define ATTLS_TDX_CERT_PCK_CHAIN 5

/** Intel's QE vendor ID, 939a7233-f79c-4ca9-940a-0db3957f0607. */
extern const uint8_t attls_tdx_intel_qe_vendor_id[16];

/**
 * A parsed quote: views into the caller's buffer, which must outlive it.
 * Only the structure has been checked; nothing has been verified.
 */
typedef struct attls_tdx_quote {
    uint16_t version;           /**< 4 or 5 */
    uint16_t body_type;         /**< 2 (TDX 1.0) or 3 (TDX 1.5) */
    const uint8_t *body;        /**< TD report body */
    size_t body_len;            /**< 584 or 648 */
    const uint8_t *signed_data; /**< header .. end of body: what is signed */
    size_t signed_len;
    const uint8_t *signature;     /**< quote signature r||s */
    const uint8_t *att_key;       /**< attestation key X||Y */
    const uint8_t *qe_report;     /**< SGX report body of the QE */
    const uint8_t *qe_report_sig; /**< r||s by the PCK key */
    const uint8_t *qe_auth_data;
    size_t qe_auth_len;
    const char *pck_chain; /**< PEM text, one trailing NUL removed */
    size_t pck_chain_len;
    size_t quote_len;    /**< bytes up to the end of the signature data */
    size_t trailing_len; /**< bytes after that, ignored */
} attls_tdx_quote;

/**
 * Parse @p len bytes as a TDX quote. Checks, in order, each with its own
 * code: the header fits, version 4 or 5, attestation key type 2, TEE type
 * 0x81, Intel's QE vendor ID, the v5 body descriptor, the body and the
 * signature data fit, the certification data is type 6 whose size is the
 * rest of the signature data exactly, the QE auth data fits, and the
 * inner certification data is type 5 filling the rest exactly.
 * @retval ATTLS_OK @p q filled
 * @retval ATTLS_E_TDX_TRUNCATED the buffer ends inside the quote
 * @retval ATTLS_E_TDX_VERSION, ATTLS_E_TDX_KEY_TYPE, ATTLS_E_TDX_TEE_TYPE,
 *         ATTLS_E_TDX_QE_VENDOR header field not supported
 * @retval ATTLS_E_TDX_BODY_TYPE v5 body type/size not a TD report
 * @retval ATTLS_E_TDX_LENGTH nested length fields inconsistent
 * @retval ATTLS_E_TDX_CERT_DATA certification data type not 6 / inner 5
 */
attls_code attls_tdx_quote_parse(const uint8_t *buf, size_t len,
                                 attls_tdx_quote *q, attls_status *st);

/** Fields of the TD report body (TD_ATTRIBUTES etc. as little-endian u64). */
typedef struct attls_tdx_td_report {
    uint8_t tee_tcb_svn[16];
    uint8_t mrseam[ATTLS_TDX_MR_LEN];
    uint8_t mrsignerseam[ATTLS_TDX_MR_LEN];
    uint64_t seam_attributes;
    uint64_t td_attributes;
    uint64_t xfam;
    uint8_t mrtd[ATTLS_TDX_MR_LEN];
    uint8_t mrconfigid[ATTLS_TDX_MR_LEN];
    uint8_t mrowner[ATTLS_TDX_MR_LEN];
    uint8_t mrownerconfig[ATTLS_TDX_MR_LEN];
    uint8_t rtmr[4][ATTLS_TDX_MR_LEN];
    uint8_t report_data[64];
    int is_tdx15;             /**< the two fields below are present */
    uint8_t tee_tcb_svn2[16]; /**< TDX 1.5 */
    uint8_t mrservicetd[ATTLS_TDX_MR_LEN]; /**< TDX 1.5 */
} attls_tdx_td_report;

/** TD_ATTRIBUTES bits. */
#define ATTLS_TDX_TD_ATTR_DEBUG (1ull << 0)
#define ATTLS_TDX_TD_ATTR_SEPT_VE_DISABLE (1ull << 28)
#define ATTLS_TDX_TD_ATTR_PKS (1ull << 30)
#define ATTLS_TDX_TD_ATTR_PERFMON (1ull << 63)

/** Decode the TD report body of a parsed quote. */
void attls_tdx_td_report_decode(const attls_tdx_quote *q,
                                attls_tdx_td_report *out);

/** Fields of the QE's SGX report body (384 bytes). */
typedef struct attls_sgx_report_body {
    uint8_t cpusvn[16];
    uint32_t miscselect;
    uint8_t attributes[16];
    uint8_t mrenclave[32];
    uint8_t mrsigner[32];
    uint16_t isvprodid;
    uint16_t isvsvn;
    uint8_t report_data[64];
} attls_sgx_report_body;

/** Decode a 384-byte SGX report body. */
void attls_sgx_report_decode(const uint8_t raw[ATTLS_TDX_QE_REPORT_LEN],
                             attls_sgx_report_body *out);

#endif
