/* SPDX-License-Identifier: Apache-2.0 */
/**
 * @file evidence/snp.h
 * Offline verification of AMD SEV-SNP attestation reports.
 *
 * The steps are separate functions so that callers (the attls command, the
 * Azure HCL verifier, the client policy) can run exactly the ones they need
 * and so that tests can reach each check on its own:
 *
 *  1. attls_snp_report_parse(): strict parse of the 1184-byte report
 *     (versions 1 to 5, must-be-zero ranges per version, field ranges).
 *  2. attls_snp_vek_load() / attls_snp_vek_parse(): the VCEK or VLEK
 *     certificate and its AMD extensions (product, TCB SPLs, hwID).
 *  3. attls_snp_vek_verify_chain(): VEK -> ASK/ASVK -> pinned ARK of the
 *     product, at an explicit instant.
 *  4. attls_snp_verify_with_vek(): signer kind, product, ECDSA P-384
 *     signature over bytes [0, 0x2A0), VEK TCB == REPORTED_TCB, hwID ==
 *     CHIP_ID.
 *  5. attls_snp_policy_check(): the verifier's policy (debug, VMPL,
 *     measurements, minimum TCB, REPORT_DATA, report version). Not part of
 *     the cryptographic verification.
 *
 * attls_snp_verify() runs 2-4 in order. Every function returns ATTLS_OK or
 * the code of the first failed check and fills an attls_status naming the
 * check ("snp.signature"), the offset and the expected and found values.
 *
 * Report version 1 (AMD firmware before ABI 1.51, seen in 2022 Azure
 * evidence) is parsed with its own layout: everything from 0x1E0 to 0x2A0
 * (COMMITTED_TCB, firmware versions, LAUNCH_TCB) was reserved and must be
 * zero, and signer-info bits 31:1 must be zero (the signing key is the
 * VCEK). Its signature covers the same bytes with the same algorithm, so it
 * verifies like version 2; refuse it by policy (min_version) if wanted.
 */
#ifndef ATTLS_EVIDENCE_SNP_H
#define ATTLS_EVIDENCE_SNP_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <jansson.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include "attls/status.h"

#ifdef __cplusplus
extern "C" {
#endif

#define ATTLS_SNP_REPORT_SIZE 0x4A0 /**< every report version */
#define ATTLS_SNP_SIGNED_SIZE 0x2A0 /**< bytes covered by the signature */
#define ATTLS_SNP_MIN_VERSION 1
#define ATTLS_SNP_MAX_VERSION 5

/** GUEST POLICY bits (report offset 0x08). */
#define ATTLS_SNP_POLICY_SMT (1ULL << 16)
#define ATTLS_SNP_POLICY_RESERVED_ONE (1ULL << 17) /* must be 1 */
#define ATTLS_SNP_POLICY_MIGRATE_MA (1ULL << 18)
#define ATTLS_SNP_POLICY_DEBUG (1ULL << 19)
#define ATTLS_SNP_POLICY_SINGLE_SOCKET (1ULL << 20)
#define ATTLS_SNP_POLICY_CXL_ALLOW (1ULL << 21)
#define ATTLS_SNP_POLICY_MEM_AES_256_XTS (1ULL << 22)
#define ATTLS_SNP_POLICY_RAPL_DIS (1ULL << 23)
#define ATTLS_SNP_POLICY_CIPHERTEXT_HIDING (1ULL << 24)
#define ATTLS_SNP_POLICY_PAGE_SWAP_DISABLE (1ULL << 25)

/** The AMD EPYC generations whose reports and roots attls knows. */
typedef enum attls_snp_product {
    ATTLS_SNP_PRODUCT_UNKNOWN = 0,
    ATTLS_SNP_PRODUCT_MILAN,
    ATTLS_SNP_PRODUCT_GENOA,
    ATTLS_SNP_PRODUCT_TURIN,
} attls_snp_product;

/** SIGNING_KEY of the signer info (report 0x48, bits 4:2). */
typedef enum attls_snp_signing_key {
    ATTLS_SNP_SIGNED_BY_VCEK = 0,
    ATTLS_SNP_SIGNED_BY_VLEK = 1,
    ATTLS_SNP_SIGNED_BY_NONE = 7,
} attls_snp_signing_key;

/**
 * A TCB_VERSION. Its byte layout depends on the product (Milan/Genoa:
 * bl, tee, -, -, -, -, snp, ucode; Turin: fmc, bl, tee, snp, -, -, -,
 * ucode), so the components are only filled in (decoded = 1) once the
 * product is known. Never compare raw values: TCBs compare per component.
 */
typedef struct attls_snp_tcb {
    uint64_t raw; /**< little-endian u64 as in the report */
    int decoded;  /**< components below are valid */
    int has_fmc;  /**< the layout has an FMC SPL (Turin and later) */
    uint8_t fmc;  /**< Turin: FMC SPL; 0 otherwise */
    uint8_t bootloader;
    uint8_t tee;
    uint8_t snp;
    uint8_t microcode;
} attls_snp_tcb;

/** An AMD SP firmware version (major.minor.build). */
typedef struct attls_snp_fw_version {
    uint8_t major, minor, build;
} attls_snp_fw_version;

/** A parsed ATTESTATION_REPORT (all integers converted from LE). */
typedef struct attls_snp_report {
    uint8_t raw[ATTLS_SNP_REPORT_SIZE]; /**< the exact input bytes */
    uint32_t version;
    uint32_t guest_svn;
    uint64_t policy; /**< ATTLS_SNP_POLICY_* bits, ABI major/minor */
    uint8_t family_id[16];
    uint8_t image_id[16];
    uint32_t vmpl; /**< 0-3 */
    uint32_t signature_algo;
    attls_snp_tcb current_tcb;
    uint64_t platform_info;
    uint32_t signer_info; /**< raw 0x48 */
    int author_key_en;
    int mask_chip_key;
    attls_snp_signing_key signing_key;
    uint8_t report_data[64];
    uint8_t measurement[48];
    uint8_t host_data[32];
    uint8_t id_key_digest[48];
    uint8_t author_key_digest[48];
    uint8_t report_id[32];
    uint8_t report_id_ma[32];
    attls_snp_tcb reported_tcb;
    int has_cpuid; /**< version >= 3 */
    uint8_t cpuid_family, cpuid_model, cpuid_stepping;
    uint8_t chip_id[64];
    attls_snp_tcb committed_tcb;            /**< version >= 2 */
    attls_snp_fw_version current_version;   /**< version >= 2 */
    attls_snp_fw_version committed_version; /**< version >= 2 */
    attls_snp_tcb launch_tcb;               /**< version >= 2 */
    uint64_t launch_mit_vector;             /**< version >= 5 */
    uint64_t current_mit_vector;            /**< version >= 5 */
    /** From CPUID (version >= 3) or set from the VEK; fixes the TCB layout. */
    attls_snp_product product;
} attls_snp_report;

/** Which AMD key signed the report, as certified. */
typedef enum attls_snp_vek_type {
    ATTLS_SNP_VEK_VCEK = 0, /**< chip key, CN=SEV-VCEK, has hwID */
    ATTLS_SNP_VEK_VLEK = 1, /**< cloud provider key, CN=SEV-VLEK, CSP_ID */
} attls_snp_vek_type;

/** The AMD fields of a VCEK/VLEK certificate. */
typedef struct attls_snp_vek {
    attls_snp_vek_type type;
    attls_snp_product product;
    char product_name[32]; /**< productName, e.g. "Milan-B0", "Turin" */
    int has_struct_version;
    long struct_version;
    attls_snp_tcb tcb; /**< SPLs composed in the product's layout */
    uint8_t hwid[64];  /**< VCEK: 64 bytes (Milan/Genoa) or 8 (Turin) */
    size_t hwid_len;   /**< 0 for a VLEK */
    char csp_id[128];  /**< VLEK: CSP_ID, empty for a VCEK */
    time_t not_before; /**< certificate validity, for reporting */
    time_t not_after;
} attls_snp_vek;

/** Inputs of attls_snp_verify(). */
typedef struct attls_snp_verify_params {
    time_t at;             /**< verification instant for the chain */
    const char *roots_dir; /**< NULL: pinned roots; else --roots DIR */
    /** UNKNOWN: use the VEK's productName; else the chain must end at this
     *  product's ARK and the VEK must name it. */
    attls_snp_product product;
} attls_snp_verify_params;

/**
 * Parse and check a report.
 * @param buf the report bytes, exactly ATTLS_SNP_REPORT_SIZE long
 * @retval ATTLS_OK @p out filled (TCBs decoded when the version >= 3)
 * @retval ATTLS_E_SNP_SIZE wrong length
 * @retval ATTLS_E_SNP_VERSION version outside 1..5
 * @retval ATTLS_E_SNP_SIG_ALGO SIGNATURE_ALGO is not 1 (ECDSA P-384/SHA-384)
 * @retval ATTLS_E_SNP_RESERVED a must-be-zero range, policy bit 17 (must be
 *         one) or a reserved TCB byte is violated
 * @retval ATTLS_E_SNP_PARSE VMPL > 3 or SIGNING_KEY 2-6 (reserved values)
 * @retval ATTLS_E_SNP_PRODUCT CPUID family/model of no supported product
 */
attls_code attls_snp_report_parse(const uint8_t *buf, size_t len,
                                  attls_snp_report *out, attls_status *st);

/**
 * Fix the product of @p r (and so its TCB layout) and decode its TCBs.
 * @retval ATTLS_OK product set, TCBs decoded
 * @retval ATTLS_E_SNP_PRODUCT @p p is UNKNOWN or differs from the CPUID
 *         product of a version >= 3 report
 * @retval ATTLS_E_SNP_RESERVED a reserved byte of a TCB is not zero
 */
attls_code attls_snp_report_set_product(attls_snp_report *r,
                                        attls_snp_product p, attls_status *st);

/**
 * Decode @p raw in the TCB layout of @p p into @p out.
 * @param what field name for messages ("REPORTED_TCB")
 * @retval ATTLS_OK decoded
 * @retval ATTLS_E_SNP_PRODUCT @p p is UNKNOWN
 * @retval ATTLS_E_SNP_RESERVED a byte reserved in that layout is not zero
 */
attls_code attls_snp_tcb_decode(uint64_t raw, attls_snp_product p,
                                const char *what, attls_snp_tcb *out,
                                attls_status *st);

/** @return 1 when every component of @p a is >= the same one of @p b. */
int attls_snp_tcb_ge(const attls_snp_tcb *a, const attls_snp_tcb *b);

/** @return "milan", "genoa", "turin" or "unknown". */
const char *attls_snp_product_name(attls_snp_product p);

/**
 * Map "milan"/"genoa"/"turin" (any case) or a VEK productName ("Milan-B0",
 * "Genoa", "Turin") to a product.
 * @return the product, or ATTLS_SNP_PRODUCT_UNKNOWN
 */
attls_snp_product attls_snp_product_from_string(const char *s);

/** @return the pinned trust set of @p p ("amd-milan", ...) or NULL. */
const char *attls_snp_trust_set(attls_snp_product p);

/**
 * Split a VEK input into the VEK and the certificates offered with it.
 * @param buf a PEM bundle (VEK first, then optionally ASK/ASVK and ARK, as
 *        from AMD KDS or Azure THIM) or one DER certificate
 * @param untrusted receives the certificates after the VEK, without any
 *        self-signed one: an ARK from the evidence is never trusted, the
 *        pinned one is. Free with sk_X509_pop_free(..., X509_free).
 * @retval ATTLS_OK @p vek and @p untrusted set (free both)
 * @retval ATTLS_E_CERT_PARSE not strict PEM certificates (only CERTIFICATE
 *         blocks and blanks, attls_pem_chain_parse()), not exactly one DER
 *         certificate, empty, larger than 64 KiB, or more than 8 certificates
 */
attls_code attls_snp_vek_load(const uint8_t *buf, size_t len, X509 **vek,
                              STACK_OF(X509) * *untrusted, attls_status *st);

/**
 * Read the AMD fields of a VCEK/VLEK certificate. Untrusted until the chain
 * is verified; the parse is strict and bounded either way.
 * @retval ATTLS_OK @p out filled
 * @retval ATTLS_E_SNP_VEK subject is not SEV-VCEK/SEV-VLEK; an AMD extension
 *         is missing, repeated or malformed; an SPL is outside 0..255;
 *         hwID has the wrong length; a VLEK lacks CSP_ID
 * @retval ATTLS_E_SNP_PRODUCT productName names no supported product
 * @retval ATTLS_E_CERT_KEY the key is not an EC P-384 key
 */
attls_code attls_snp_vek_parse(X509 *cert, attls_snp_vek *out,
                               attls_status *st);

/**
 * Verify @p vek up to the pinned ARK of @p product at @p at.
 * @param untrusted intermediates offered with the evidence (may be NULL);
 *        the pinned set already holds the ASK and ASVK
 * @retval ATTLS_OK chain verified
 * @retval ATTLS_E_SNP_PRODUCT @p product is UNKNOWN
 * @retval ATTLS_E_CERT_* as attls_x509_chain_verify() (wrong product:
 *         ATTLS_E_CERT_ROOT; expired: ATTLS_E_CERT_EXPIRED)
 */
attls_code attls_snp_vek_verify_chain(X509 *vek, STACK_OF(X509) * untrusted,
                                      attls_snp_product product, time_t at,
                                      const char *roots_dir, attls_status *st);

/** @return 1 when @p key is an EC key on P-384 (the only VEK key type). */
int attls_snp_key_is_p384(EVP_PKEY *key);

/**
 * Check the ECDSA P-384/SHA-384 signature of @p r under @p key (r and s
 * widths were checked by attls_snp_report_parse()).
 * @retval ATTLS_OK signature valid
 * @retval ATTLS_E_SNP_SIGNATURE signature invalid (including r or s zero or
 *         not below the group order)
 * @retval ATTLS_E_CERT_KEY @p key is not an EC P-384 key
 */
attls_code attls_snp_verify_signature(const attls_snp_report *r, EVP_PKEY *key,
                                      attls_status *st);

/**
 * Check that the report names the kind of key that @p vek is.
 * @retval ATTLS_OK consistent
 * @retval ATTLS_E_SNP_SIGNER the report is unsigned (SIGNING_KEY 7), names
 *         the other key kind, or is VCEK-signed with MASK_CHIP_KEY set
 */
attls_code attls_snp_check_signer(const attls_snp_report *r,
                                  const attls_snp_vek *vek, attls_status *st);

/**
 * Check the VEK's TCB SPLs against REPORTED_TCB (the TCB it was issued
 * for); @p r must have its product set.
 * @retval ATTLS_OK equal
 * @retval ATTLS_E_SNP_TCB_MISMATCH a component differs
 * @retval ATTLS_E_SNP_PRODUCT @p r and @p vek are of different products
 */
attls_code attls_snp_check_tcb(const attls_snp_report *r,
                               const attls_snp_vek *vek, attls_status *st);

/**
 * Check a VCEK's hwID against CHIP_ID (no-op for a VLEK). An all-zero
 * CHIP_ID (the host masks it, MASK_CHIP_ID) cannot be compared and is
 * accepted: the signature already ties the report to this chip's key.
 * @retval ATTLS_OK equal, masked, or a VLEK
 * @retval ATTLS_E_SNP_CHIP_ID_MISMATCH hwID differs (Turin: the first 8
 *         bytes differ or CHIP_ID bytes 8..63 are not zero)
 */
attls_code attls_snp_check_chip_id(const attls_snp_report *r,
                                   const attls_snp_vek *vek, attls_status *st);

/**
 * Everything but the chain: signer kind, signature under @p cert's key,
 * product (sets @p r's product from @p vek), TCB and chip ID binding. For
 * a VEK whose chain was verified (or is trusted otherwise).
 * @retval ATTLS_OK the report is signed by @p cert and bound to it
 * @retval codes of attls_snp_check_signer(), attls_snp_verify_signature(),
 *         attls_snp_report_set_product(), attls_snp_check_tcb(),
 *         attls_snp_check_chip_id(), in that order
 */
attls_code attls_snp_verify_with_vek(attls_snp_report *r, X509 *cert,
                                     const attls_snp_vek *vek,
                                     attls_status *st);

/**
 * Full cryptographic verification of a parsed report: VEK fields, chain to
 * the pinned ARK at @p p->at, then attls_snp_verify_with_vek().
 * @param vek_out if non-NULL, receives the VEK's AMD fields
 * @retval ATTLS_OK verified; @p r->product is set and its TCBs decoded
 * @retval any code of attls_snp_vek_parse(), attls_snp_vek_verify_chain()
 *         and attls_snp_verify_with_vek()
 * @retval ATTLS_E_SNP_PRODUCT the VEK names another product than
 *         @p p->product
 */
attls_code attls_snp_verify(attls_snp_report *r, X509 *vek,
                            STACK_OF(X509) * untrusted,
                            const attls_snp_verify_params *p,
                            attls_snp_vek *vek_out, attls_status *st);

/** A verifier's policy for a verified report (attls_snp_policy_init()). */
typedef struct attls_snp_policy {
    int allow_debug; /**< 0: POLICY.DEBUG must be 0 */
    int check_vmpl;  /**< compare VMPL with @c vmpl */
    uint32_t vmpl;
    const uint8_t (*measurements)[48]; /**< allow-list, NULL = any */
    size_t n_measurements;
    int check_min_tcb;          /**< REPORTED_TCB >= @c min_tcb componentwise */
    attls_snp_tcb min_tcb;      /**< components only (fmc used on Turin) */
    const uint8_t *report_data; /**< 64 bytes expected, NULL = any */
    uint32_t min_version;       /**< 0 = any report version */
} attls_snp_policy;

/** The strict default: debug forbidden, nothing else checked. */
void attls_snp_policy_init(attls_snp_policy *p);

/**
 * Apply @p pol to a verified report (its product must be set for a TCB
 * check). Checks run in the order of the codes below.
 * @retval ATTLS_OK the report satisfies the policy
 * @retval ATTLS_E_SNP_POLICY_VERSION version below min_version
 * @retval ATTLS_E_SNP_POLICY_DEBUG DEBUG set and not allowed
 * @retval ATTLS_E_SNP_POLICY_VMPL VMPL differs
 * @retval ATTLS_E_SNP_POLICY_MEASUREMENT measurement not in the list
 * @retval ATTLS_E_SNP_POLICY_REPORT_DATA REPORT_DATA differs
 * @retval ATTLS_E_SNP_POLICY_TCB a REPORTED_TCB component below the minimum
 * @retval ATTLS_E_SNP_PRODUCT TCB check asked but the product is unknown
 */
attls_code attls_snp_policy_check(const attls_snp_report *r,
                                  const attls_snp_policy *pol,
                                  attls_status *st);

/**
 * The claims of @p r as a JSON object: every field, hex for byte strings,
 * "0x…" for 64-bit values, decoded policy/platform/signer bits and TCB
 * components (when the product is known), "product".
 * @return a new reference, or NULL on allocation failure
 */
json_t *attls_snp_report_to_json(const attls_snp_report *r);

/** The AMD fields and validity of a VEK as a JSON object (or NULL). */
json_t *attls_snp_vek_to_json(const attls_snp_vek *v);

#ifdef __cplusplus
}
#endif

#endif
