/* SPDX-License-Identifier: Apache-2.0 */
/**
 * @file evidence/hcl.h
 * Azure confidential-VM "HCL" attestation reports (vTPM NV index
 * 0x01400001): the paravisor's hardware report (SEV-SNP report or TDX
 * TDREPORT) whose REPORT_DATA binds the runtime claims JSON that carries
 * the vTPM attestation key (HCLAkPub).
 *
 * Layout (little-endian): header {"HCLA", version 1|2, report_size,
 * request_type 2, status 0, 12 reserved bytes}; the hardware report at
 * 0x20 (1184 bytes: an SNP report, or a 1024-byte TDREPORT and 160 zero
 * bytes); the IGVM request data at 0x4C0 {data_size = 20 + claims_len,
 * version 1, report_type 2 SNP | 4 TDX, hash_type 1 SHA-256, claims_len};
 * the claims at 0x4D4; report_size = 0x4D4 + claims_len; zero padding to
 * the end of the NV index.
 *
 * Binding: REPORT_DATA[0:32] == SHA-256(claims), REPORT_DATA[32:64] == 0.
 * The binding makes the claims (and the AK) as trustworthy as the hardware
 * report: for SNP, verify the report with its VCEK chain; for TDX the
 * TDREPORT can only be authenticated through a TD quote made from it,
 * which is the TDX verifier's job (compare REPORTDATA/MRTD/RTMRs).
 */
#ifndef ATTLS_EVIDENCE_HCL_H
#define ATTLS_EVIDENCE_HCL_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include "attls/status.h"
#include "evidence/snp.h"
#include "evidence/tdreport.h"

#ifdef __cplusplus
extern "C" {
#endif

#define ATTLS_HCL_MAGIC 0x414C4348u /* "HCLA" */
#define ATTLS_HCL_HW_REPORT_OFFSET 0x20
#define ATTLS_HCL_HW_REPORT_SIZE 0x4A0
#define ATTLS_HCL_IGVM_OFFSET 0x4C0
#define ATTLS_HCL_CLAIMS_OFFSET 0x4D4
#define ATTLS_HCL_IGVM_FIXED_SIZE 20
/** Upper bound on the input (OpenHCL's NV index is 2900 bytes). */
#define ATTLS_HCL_MAX_SIZE (32 * 1024)
#define ATTLS_HCL_REQUEST_AK_CERT 2
#define ATTLS_HCL_HASH_SHA256 1
#define ATTLS_HCL_USER_DATA_SIZE 64

/** IGVM report_type values attls handles. */
typedef enum attls_hcl_report_type {
    ATTLS_HCL_REPORT_SNP = 2,
    ATTLS_HCL_REPORT_TDX = 4,
} attls_hcl_report_type;

/** A boolean claim that may be absent. */
typedef enum attls_hcl_flag {
    ATTLS_HCL_ABSENT = -1,
    ATTLS_HCL_FALSE = 0,
    ATTLS_HCL_TRUE = 1,
} attls_hcl_flag;

/** "vm-configuration" members with a known type (others are ignored). */
typedef struct attls_hcl_vm_config {
    attls_hcl_flag console_enabled;
    attls_hcl_flag secure_boot;
    attls_hcl_flag tpm_enabled;
    attls_hcl_flag tpm_persisted;
    int has_current_time; /**< early (2022-2023) paravisors only */
    long long current_time;
    char vm_unique_id[64];         /**< "" when absent */
    char root_cert_thumbprint[96]; /**< "" when absent */
} attls_hcl_vm_config;

/** The runtime claims, parsed. */
typedef struct attls_hcl_claims {
    json_t *json;     /**< the whole claims object (owned) */
    EVP_PKEY *ak_pub; /**< HCLAkPub, the vTPM attestation key */
    EVP_PKEY *ek_pub; /**< HCLEkPub when present, else NULL */
    int has_user_data;
    uint8_t user_data[ATTLS_HCL_USER_DATA_SIZE];
    attls_hcl_vm_config vm_config;
} attls_hcl_claims;

/** A parsed HCL report. Free with attls_hcl_report_free(). */
typedef struct attls_hcl_report {
    uint32_t version;
    uint32_t report_size;
    uint32_t request_type;
    uint32_t data_size;
    uint32_t data_version;
    attls_hcl_report_type report_type;
    uint32_t hash_type;
    uint32_t claims_len;
    attls_snp_report snp;    /**< report_type SNP */
    attls_tdreport tdx;      /**< report_type TDX */
    uint8_t *claims_raw;     /**< claims_len bytes (owned) */
    attls_hcl_claims claims; /**< after attls_hcl_claims_parse() */
    int hw_verified; /**< the SNP report's signature and chain verified */
} attls_hcl_report;

/** Inputs of attls_hcl_verify(). */
typedef struct attls_hcl_verify_params {
    attls_snp_verify_params snp; /**< time, roots, product for the VCEK */
    X509 *vek;                   /**< SNP only; NULL: binding only */
    STACK_OF(X509) * untrusted;  /**< intermediates offered with @c vek */
} attls_hcl_verify_params;

/**
 * Parse the container and the hardware report; copy the claims bytes (not
 * yet parsed as JSON).
 * @param len the NV content: report_size bytes, then zero padding
 * @retval ATTLS_OK @p out filled (free with attls_hcl_report_free())
 * @retval ATTLS_E_HCL_PARSE shorter than the fixed part, longer than
 *         ATTLS_HCL_MAX_SIZE, or report_size, data_size and claims_len
 *         inconsistent with each other or with @p len
 * @retval ATTLS_E_HCL_MAGIC no "HCLA" at 0
 * @retval ATTLS_E_HCL_VERSION header version not 1 or 2, or IGVM request
 *         data version not 1
 * @retval ATTLS_E_HCL_REQUEST_TYPE request_type not 2 (AK_CERT_REQUEST)
 * @retval ATTLS_E_HCL_STATUS status not 0
 * @retval ATTLS_E_HCL_RESERVED header reserved bytes, the TDX tail after the
 *         TDREPORT or the padding after report_size not zero
 * @retval ATTLS_E_HCL_REPORT_TYPE report_type not 2 (SNP) or 4 (TDX)
 * @retval ATTLS_E_HCL_HASH_TYPE hash_type not 1 (SHA-256)
 * @retval codes of attls_snp_report_parse() / attls_tdreport_parse()
 */
attls_code attls_hcl_report_parse(const uint8_t *buf, size_t len,
                                  attls_hcl_report *out, attls_status *st);

/** Release what @p r owns and clear it; NULL and cleared reports are ok. */
void attls_hcl_report_free(attls_hcl_report *r);

/**
 * Check REPORT_DATA[0:32] == SHA-256(claims) and REPORT_DATA[32:64] == 0.
 * @retval ATTLS_OK bound
 * @retval ATTLS_E_HCL_BINDING hash differs or upper half not zero
 */
attls_code attls_hcl_check_binding(const attls_hcl_report *r, attls_status *st);

/**
 * Parse runtime claims: a UTF-8 JSON object (no duplicate keys, no NUL,
 * nothing after it) with "keys" holding exactly one JWK with kid
 * "HCLAkPub" (and at most one "HCLEkPub"), optional "user-data" (128 hex
 * digits, either case), "vm-configuration" object with typed members.
 * @retval ATTLS_OK @p out filled (free with attls_hcl_claims_free())
 * @retval ATTLS_E_HCL_CLAIMS not a valid JSON object, or "keys" malformed
 * @retval ATTLS_E_HCL_AK HCLAkPub missing, repeated or not an RSA JWK (also
 *         for a malformed HCLEkPub)
 * @retval ATTLS_E_HCL_USER_DATA user-data not a 128-hex-digit string
 * @retval ATTLS_E_HCL_VM_CONFIG vm-configuration missing, not an object, or
 *         a known member of the wrong type or length
 */
attls_code attls_hcl_claims_parse(const uint8_t *json, size_t len,
                                  attls_hcl_claims *out, attls_status *st);

/** Release what @p c owns and clear it. */
void attls_hcl_claims_free(attls_hcl_claims *c);

/**
 * Compare the claims' user-data with the 64 bytes the verifier expects
 * (written to NV 0x01400002 before the report was read).
 * @retval ATTLS_OK equal
 * @retval ATTLS_E_HCL_USER_DATA_MISMATCH absent (old paravisors ignore the
 *         index) or different
 */
attls_code attls_hcl_check_user_data(const attls_hcl_report *r,
                                     const uint8_t expected[64],
                                     attls_status *st);

/**
 * Verify an HCL report: parse, authenticate the SNP report when
 * @p p->vek is given (attls_snp_verify()), require VMPL 0 for SNP,
 * check the binding, parse the claims. Without a VEK (and always for TDX)
 * @p out->hw_verified stays 0: the claims are only as good as the caller's
 * separate authentication of the hardware report.
 * @param out filled as far as the checks got, also on failure (for
 *        reporting); always release it with attls_hcl_report_free()
 * @param vek_out receives the VEK fields when a VEK was verified (or NULL)
 * @retval ATTLS_OK all checks passed (see @p out->hw_verified)
 * @retval ATTLS_E_UNSUPPORTED a VEK was given for a TDX report
 * @retval ATTLS_E_HCL_VMPL the SNP report was not requested at VMPL 0, so
 *         REPORT_DATA is not the paravisor's
 * @retval codes of the functions above and of attls_snp_verify()
 */
attls_code attls_hcl_verify(const uint8_t *buf, size_t len,
                            const attls_hcl_verify_params *p,
                            attls_hcl_report *out, attls_snp_vek *vek_out,
                            attls_status *st);

/**
 * The report as JSON: header, IGVM request data, the hardware report
 * (attls_snp_report_to_json() or attls_tdreport_to_json()), the parsed
 * claims ("claims": the JSON object itself; "ak_pub": SubjectPublicKeyInfo
 * PEM; "user_data" hex) and "hw_verified".
 * @return a new reference, or NULL on allocation failure
 */
json_t *attls_hcl_report_to_json(const attls_hcl_report *r);

#ifdef __cplusplus
}
#endif

#endif
