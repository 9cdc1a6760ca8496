/* SPDX-License-Identifier: Apache-2.0 */
/**
 * @file attls/status.h
 * Result codes and the status record every attls verifier fills in.
 *
 * A verifier returns ATTLS_OK (0) or one ATTLS_E_* code, and writes into an
 * attls_status the code, the dotted name of the check that failed
 * ("snp.signature", "tdx.qe_report_data", ...) and a message saying what was
 * wrong, where and why. Codes are stable: they are part of the ABI and of the
 * command line's JSON output. Each part of the verifier owns a range.
 */
#ifndef ATTLS_STATUS_H
#define ATTLS_STATUS_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Marks the functions libattls.so exports (the rest is hidden). */
#ifndef ATTLS_EXPORT
#define ATTLS_EXPORT __attribute__((visibility("default")))
#endif

/*
 * X(name, value, short description). One list per range so that each part
 * adds its codes in its own block; the enum and attls_status_code_name() are
 * both generated from these lists.
 */
#define ATTLS_ERRORS_GENERIC(X)                                                \
    X(ATTLS_OK, 0, "verified")                                                 \
    X(ATTLS_E_INTERNAL, 1, "internal error (allocation or library failure)")   \
    X(ATTLS_E_ARGUMENT, 2, "invalid argument")                                 \
    X(ATTLS_E_IO, 3, "input could not be read")                                \
    X(ATTLS_E_UNSUPPORTED, 4, "unsupported input or option")

/* 100-199: certificates and chains shared by every verifier. */
#define ATTLS_ERRORS_X509(X)                                                   \
    X(ATTLS_E_CERT_PARSE, 100, "certificate could not be parsed")              \
    X(ATTLS_E_CERT_CHAIN, 101, "certificate chain does not verify")            \
    X(ATTLS_E_CERT_EXPIRED, 102, "certificate not valid at the given time")    \
    X(ATTLS_E_CERT_ROOT, 103, "chain does not end at a pinned root")           \
    X(ATTLS_E_CERT_SIGNATURE, 104, "certificate signature invalid")            \
    X(ATTLS_E_CERT_KEY, 105, "certificate key of the wrong type or size")      \
    X(ATTLS_E_CRL, 106, "CRL invalid, stale or revoking the certificate")

/* 200-299: AMD SEV-SNP reports. */
#define ATTLS_ERRORS_SNP(X)                                                    \
    X(ATTLS_E_SNP_PARSE, 200,                                                  \
      "SEV-SNP report field outside its defined range")                        \
    X(ATTLS_E_SNP_SIZE, 201, "SEV-SNP report is not 1184 bytes")               \
    X(ATTLS_E_SNP_VERSION, 202, "SEV-SNP report version not supported")        \
    X(ATTLS_E_SNP_RESERVED, 203, "SEV-SNP must-be-zero/one field violated")    \
    X(ATTLS_E_SNP_SIG_ALGO, 204, "SEV-SNP signature algorithm not supported")  \
    X(ATTLS_E_SNP_SIGNATURE, 205, "SEV-SNP report signature invalid")          \
    X(ATTLS_E_SNP_SIGNER, 206, "SEV-SNP report signer does not match the VEK") \
    X(ATTLS_E_SNP_PRODUCT, 207, "SEV-SNP product unknown or inconsistent")     \
    X(ATTLS_E_SNP_VEK, 208, "VCEK/VLEK AMD field missing or malformed")        \
    X(ATTLS_E_SNP_TCB_MISMATCH, 209, "VEK TCB differs from REPORTED_TCB")      \
    X(ATTLS_E_SNP_CHIP_ID_MISMATCH, 210, "VCEK hwID differs from CHIP_ID")     \
    X(ATTLS_E_SNP_POLICY_DEBUG, 220, "policy: guest debugging is enabled")     \
    X(ATTLS_E_SNP_POLICY_VMPL, 221,                                            \
      "policy: report VMPL not the expected one")                              \
    X(ATTLS_E_SNP_POLICY_MEASUREMENT, 222, "policy: measurement not allowed")  \
    X(ATTLS_E_SNP_POLICY_TCB, 223, "policy: REPORTED_TCB below the minimum")   \
    X(ATTLS_E_SNP_POLICY_REPORT_DATA, 224, "policy: REPORT_DATA not expected") \
    X(ATTLS_E_SNP_POLICY_VERSION, 225, "policy: report version too old")

/* 300-399: Intel TDX quotes and collateral. */
#define ATTLS_ERRORS_TDX(X)                                                    \
    X(ATTLS_E_TDX_TRUNCATED, 301, "TDX quote shorter than its structure")      \
    X(ATTLS_E_TDX_VERSION, 302, "TDX quote version not 4 or 5")                \
    X(ATTLS_E_TDX_KEY_TYPE, 303, "attestation key type not ECDSA-P256")        \
    X(ATTLS_E_TDX_TEE_TYPE, 304, "quote TEE type not TDX (0x81)")              \
    X(ATTLS_E_TDX_QE_VENDOR, 305, "QE vendor ID not Intel's")                  \
    X(ATTLS_E_TDX_BODY_TYPE, 306, "quote body type or size not a TD report")   \
    X(ATTLS_E_TDX_LENGTH, 307, "quote length fields inconsistent")             \
    X(ATTLS_E_TDX_CERT_DATA, 308, "certification data type not 6 wrapping 5")  \
    X(ATTLS_E_TDX_PCK_PEM, 309,                                                \
      "PCK chain in the quote not a strict PEM chain")                         \
    X(ATTLS_E_TDX_PCK_CERT, 310, "PCK certificate name or key not Intel's")    \
    X(ATTLS_E_TDX_PCK_EXTENSION, 311,                                          \
      "PCK SGX extension missing or malformed")                                \
    X(ATTLS_E_TDX_QE_REPORT_SIG, 312, "QE report not signed by the PCK key")   \
    X(ATTLS_E_TDX_QE_REPORT_DATA, 313,                                         \
      "QE report data does not bind the attestation key")                      \
    X(ATTLS_E_TDX_ATT_KEY, 314, "attestation key not a P-256 point")           \
    X(ATTLS_E_TDX_QUOTE_SIG, 315, "quote not signed by the attestation key")   \
    X(ATTLS_E_TDX_COLLATERAL_MISSING, 320, "required TDX collateral missing")  \
    X(ATTLS_E_TDX_COLLATERAL_FORMAT, 321, "TDX collateral malformed")          \
    X(ATTLS_E_TDX_COLLATERAL_SIGNER, 322,                                      \
      "collateral signer not Intel SGX TCB Signing")                           \
    X(ATTLS_E_TDX_COLLATERAL_SIG, 323, "collateral signature invalid")         \
    X(ATTLS_E_TDX_COLLATERAL_EXPIRED, 324,                                     \
      "collateral not valid at the given time")                                \
    X(ATTLS_E_TDX_FMSPC_MISMATCH, 330, "TCB Info FMSPC/PCEID differ from PCK") \
    X(ATTLS_E_TDX_QE_IDENTITY, 331, "QE report does not match QE Identity")    \
    X(ATTLS_E_TDX_QE_TCB, 332, "QE ISVSVN below every QE Identity TCB level")  \
    X(ATTLS_E_TDX_MODULE_IDENTITY, 333,                                        \
      "no TDX module identity for the module version")                         \
    X(ATTLS_E_TDX_MODULE_MISMATCH, 334,                                        \
      "MRSIGNERSEAM/SEAMATTRIBUTES differ from the TDX module identity")       \
    X(ATTLS_E_TDX_TCB_NO_MATCH, 335, "no matching TCB level")                  \
    X(ATTLS_E_TDX_TCB_REVOKED, 336, "TCB status Revoked")                      \
    X(ATTLS_E_TDX_DEBUG, 340, "TD is debuggable (TD_ATTRIBUTES.DEBUG)")        \
    X(ATTLS_E_TDX_TCB_STATUS, 341, "TCB status not acceptable by policy")      \
    X(ATTLS_E_TDX_TCB_NOT_EVALUATED, 342,                                      \
      "policy requires a TCB status but no collateral was evaluated")

/* 400-499: Azure HCL reports and the TDREPORT they carry. */
#define ATTLS_ERRORS_HCL(X)                                                    \
    X(ATTLS_E_HCL_PARSE, 400, "Azure HCL report sizes inconsistent")           \
    X(ATTLS_E_HCL_MAGIC, 401, "not an Azure HCL report (no HCLA signature)")   \
    X(ATTLS_E_HCL_VERSION, 402, "Azure HCL report version not supported")      \
    X(ATTLS_E_HCL_REQUEST_TYPE, 403, "HCL report request type not AK_CERT")    \
    X(ATTLS_E_HCL_STATUS, 404, "HCL report status is an error")                \
    X(ATTLS_E_HCL_RESERVED, 405, "HCL reserved or padding bytes not zero")     \
    X(ATTLS_E_HCL_REPORT_TYPE, 406, "HCL hardware report type not SNP/TDX")    \
    X(ATTLS_E_HCL_HASH_TYPE, 407, "HCL runtime-data hash type not SHA-256")    \
    X(ATTLS_E_HCL_CLAIMS, 408, "HCL runtime claims not a valid JSON object")   \
    X(ATTLS_E_HCL_BINDING, 409,                                                \
      "REPORT_DATA does not bind the runtime claims")                          \
    X(ATTLS_E_HCL_AK, 410, "HCLAkPub missing or not a valid RSA JWK")          \
    X(ATTLS_E_HCL_USER_DATA, 411, "HCL user-data malformed")                   \
    X(ATTLS_E_HCL_VM_CONFIG, 412, "HCL vm-configuration malformed")            \
    X(ATTLS_E_HCL_VMPL, 413, "HCL SNP report not requested at VMPL 0")         \
    X(ATTLS_E_HCL_USER_DATA_MISMATCH, 414, "HCL user-data not the expected")   \
    X(ATTLS_E_TDREPORT_SIZE, 420, "TDREPORT is not 1024 bytes")                \
    X(ATTLS_E_TDREPORT_TYPE, 421, "TDREPORT type is not TDX (0x81)")           \
    X(ATTLS_E_TDREPORT_RESERVED, 422, "TDREPORT reserved bytes not zero")      \
    X(ATTLS_E_TDREPORT_QUOTE_MISMATCH, 423,                                    \
      "TDREPORT differs from the TD quote's body")

/* 500-599: TPM2 quotes, certifications and AK certificates. */
#define ATTLS_ERRORS_TPM(X)                                                    \
    X(ATTLS_E_TPM_ATTEST_PARSE, 500, "TPMS_ATTEST malformed")                  \
    X(ATTLS_E_TPM_ATTEST_TRAILING, 501, "bytes after the TPMS_ATTEST")         \
    X(ATTLS_E_TPM_ATTEST_MAGIC, 502, "TPMS_ATTEST magic is not TPM_GENERATED") \
    X(ATTLS_E_TPM_ATTEST_TYPE, 503, "TPMS_ATTEST of the wrong type")           \
    X(ATTLS_E_TPM_SIG_PARSE, 504, "TPM signature malformed")                   \
    X(ATTLS_E_TPM_SIG_SCHEME, 505,                                             \
      "signature scheme or hash unsupported or unfit for the AK")              \
    X(ATTLS_E_TPM_SIGNATURE, 506, "TPM signature does not verify")             \
    X(ATTLS_E_TPM_NONCE, 507, "extraData differs from the expected value")     \
    X(ATTLS_E_TPM_PCR_DIGEST, 508, "PCR digest differs from the PCR values")   \
    X(ATTLS_E_TPM_PCR_SELECTION, 509,                                          \
      "PCR selection differs from the PCR values or is invalid")               \
    X(ATTLS_E_TPM_SHA1_REFUSED, 510, "SHA-1 used where it is not allowed")     \
    X(ATTLS_E_TPM_NAME_MISMATCH, 511,                                          \
      "certified object is not the given public area")                         \
    X(ATTLS_E_TPM_SIGNER_MISMATCH, 512,                                        \
      "qualifiedSigner is not the expected key")                               \
    X(ATTLS_E_TPM_PUBLIC_PARSE, 513, "TPMT_PUBLIC malformed")                  \
    X(ATTLS_E_TPM_PUBLIC_UNSUPPORTED, 514,                                     \
      "TPMT_PUBLIC of an unsupported type, curve or algorithm")                \
    X(ATTLS_E_TPM_PCR_INPUT, 515, "PCR values malformed")                      \
    X(ATTLS_E_TPM_AK_KEY, 516, "AK public key of an unsupported type or size") \
    X(ATTLS_E_TPM_CERTIFIED_KEY_MISMATCH, 517,                                 \
      "certified key differs from the expected public key")                    \
    X(ATTLS_E_TPM_AKCERT_PLACEHOLDER, 520,                                     \
      "AK certificate is the Azure not-yet-provisioned placeholder")           \
    X(ATTLS_E_TPM_AKCERT_KEY_MISMATCH, 521,                                    \
      "AK certificate key differs from the AK")                                \
    X(ATTLS_E_TPM_AKCERT_NV_FORMAT, 522,                                       \
      "AK certificate NV contents are not DER plus zero padding")              \
    X(ATTLS_E_TPM_GCE_IDENTITY, 523,                                           \
      "GCE instance identity extension malformed")

/* 600-699: the evidence extension and the client policy. */
#define ATTLS_ERRORS_EVIDENCE(X)                                               \
    X(ATTLS_E_EVIDENCE_PARSE, 600, "attls evidence malformed")                 \
    /* 601-639: the evidence format (docs/evidence-format.md). */              \
    X(ATTLS_E_EVIDENCE_MISSING, 601, "certificate carries no attls evidence")  \
    X(ATTLS_E_EVIDENCE_EXTENSION, 602,                                         \
      "id-pe-cmw extension malformed, repeated or not the json choice")        \
    X(ATTLS_E_CMW_SYNTAX, 603, "CMW collection is not well-formed")            \
    X(ATTLS_E_CMW_PROFILE, 604, "CMW collection type is not attls evidence v1")\
    X(ATTLS_E_EVIDENCE_RECORD, 605,                                            \
      "evidence record unknown, mistyped or of the wrong size")                \
    X(ATTLS_E_EVIDENCE_INCOMPLETE, 606,                                        \
      "record required by the platform and residency missing, or forbidden")   \
    X(ATTLS_E_CLAIMS, 607, "claims record malformed or inconsistent")          \
    X(ATTLS_E_TPM_RECORD, 608, "tpm-quote or tpm-certify record malformed")    \
    X(ATTLS_E_BINDER_MISMATCH, 609,                                            \
      "evidence is bound to another key or other claims (binder mismatch)")    \
    X(ATTLS_E_EVIDENCE_TOO_LARGE, 610, "evidence exceeds the size budget")    \
    X(ATTLS_E_EVIDENCE_KEY_ATTRIBUTES, 611,                                    \
      "AK or certified key attributes not those the format requires")          \
    X(ATTLS_E_PCR_POLICY, 612,                                                 \
      "certified key authPolicy is not PolicyPCR over the quoted PCRs")        \
    X(ATTLS_E_TEE_PLATFORM, 613,                                               \
      "TEE report type does not match the claimed platform")                   \
    /* 640-699: the client policy (docs/policy.md). */                         \
    X(ATTLS_E_POLICY_SYNTAX, 640, "policy is not valid JSON or has unknown keys")\
    X(ATTLS_E_POLICY_VALUE, 641, "policy value of the wrong type or range")    \
    X(ATTLS_E_POLICY_PLATFORM, 642, "policy: platform not allowed")            \
    X(ATTLS_E_POLICY_RESIDENCY, 643, "policy: key residency not allowed")      \
    X(ATTLS_E_POLICY_PCR, 644, "policy: PCR value not the expected one")       \
    X(ATTLS_E_POLICY_AGE, 645, "policy: evidence too old or from the future")  \
    X(ATTLS_E_POLICY_AK, 646, "policy: TPM attestation key not pinned")        \
    X(ATTLS_E_POLICY_TDX_MEASUREMENT, 647,                                     \
      "policy: TDX MRTD or RTMR not allowed")                                  \
    X(ATTLS_E_POLICY_USER_DATA, 648,                                           \
      "policy: Azure user-data does not echo the binder")                      \
    X(ATTLS_E_POLICY_NONCE, 649, "policy: claims nonce not the expected one")

/*
 * 800-899: collecting evidence on the VM (tpm/: NV indices, attestation keys,
 * TEE report interfaces, IMDS) and issuing the certificate (attls cert).
 */
#define ATTLS_ERRORS_PLATFORM(X)                                               \
    X(ATTLS_E_PLATFORM_UNKNOWN, 800, "platform unknown or not detected")       \
    X(ATTLS_E_NV_MISSING, 801, "NV index not defined")                         \
    X(ATTLS_E_NV_CONTENT, 802, "NV index content malformed")                   \
    X(ATTLS_E_NV_ACCESS, 803, "NV index could not be read, defined or written")\
    X(ATTLS_E_AK_MISSING, 804, "attestation key not provisioned")              \
    X(ATTLS_E_AK_TEMPLATE, 805, "attestation key template invalid")            \
    X(ATTLS_E_AK_CERT, 806, "attestation key certificate missing or invalid")  \
    X(ATTLS_E_TEE_ABSENT, 807, "no TEE report interface present")              \
    X(ATTLS_E_TEE_REPORT, 808, "TEE report request failed")                    \
    X(ATTLS_E_TSM_RACE, 809,                                                   \
      "configfs-tsm request changed by another writer (generation)")           \
    X(ATTLS_E_IMDS, 810, "IMDS request failed")                                \
    X(ATTLS_E_PCR_UNSTABLE, 811, "PCR values kept changing during the quote")  \
    X(ATTLS_E_PCR_SELECTION, 812, "PCR selection invalid or unsupported")      \
    X(ATTLS_E_ISSUE, 813, "certificate or CSR could not be built or signed")   \
    X(ATTLS_E_OUTPUT, 814, "output file could not be written atomically")      \
    X(ATTLS_E_RENEW_STATE, 815, "current certificate unusable for renewal")    \
    X(ATTLS_E_EXEC, 816, "reload command failed")                              \
    X(ATTLS_E_KEY_PCR_POLICY, 817,                                             \
      "key's PCR policy is not over the quoted PCR state")

/*
 * 700-799: TPM-resident keys, the TSS2 key file and the provider. These
 * values double as the provider's OpenSSL reason codes (ERR_GET_REASON).
 */
#define ATTLS_ERRORS_KEY(X)                                                    \
    X(ATTLS_E_TPM_UNREACHABLE, 700, "no TPM reachable through the TCTI")       \
    X(ATTLS_E_TPM_TCTI, 701, "TCTI configuration invalid or module missing")   \
    X(ATTLS_E_TPM_COMMAND, 702, "TPM command failed")                          \
    X(ATTLS_E_TPM_HANDLE, 703, "TPM handle does not exist")                    \
    X(ATTLS_E_TPM_AUTH, 704, "TPM authorization failed (wrong auth value)")    \
    X(ATTLS_E_TPM_BUSY, 705, "TPM busy: retries exhausted")                    \
    X(ATTLS_E_TPM_MEMORY, 706, "TPM out of object or session memory")          \
    X(ATTLS_E_TPM_LOAD, 708, "key blob does not load under its parent")        \
    X(ATTLS_E_TPM_LOCKOUT, 709, "TPM in dictionary-attack lockout")            \
    X(ATTLS_E_KEYFILE_PARSE, 710, "TSS2 key file malformed")                   \
    X(ATTLS_E_KEYFILE_TYPE, 711, "TSS2 key file type (OID) not supported")     \
    X(ATTLS_E_KEYFILE_POLICY, 712,                                             \
      "TSS2 key file policy, secret or authPolicy unsupported or wrong")       \
    X(ATTLS_E_KEYFILE_PARENT, 713, "TSS2 key file parent handle invalid")      \
    X(ATTLS_E_KEYFILE_BLOB, 714, "TSS2 key file public or private blob bad")   \
    X(ATTLS_E_KEY_UNSUPPORTED, 720, "key algorithm, curve or size unsupported")\
    X(ATTLS_E_KEY_ATTRIBUTES, 721, "TPM key attributes forbid this use")       \
    X(ATTLS_E_KEY_NOT_PRIVATE, 722, "operation needs a TPM key, key is public")\
    X(ATTLS_E_PRIVATE_EXPORT, 723, "private key material cannot leave the TPM")\
    X(ATTLS_E_SIG_PARAM, 724, "signature parameter unsupported or invalid")    \
    X(ATTLS_E_DIGEST, 725, "digest unavailable or wrong size")                 \
    X(ATTLS_E_URI, 726, "attls: URI malformed")                                \
    X(ATTLS_E_AUTH_MISSING, 727, "key needs an auth value and none was given") \
    X(ATTLS_E_CONFIG, 728, "provider configuration invalid")                   \
    X(ATTLS_E_FORKED, 729, "TPM connection cannot be reopened after fork()")   \
    X(ATTLS_E_TPM_RECURSION, 730, "TPM used from inside a TPM operation")      \
    X(ATTLS_E_KEY_MISMATCH, 731, "key parameters do not match")                \
    X(ATTLS_E_KEYGEN, 732, "key generation refused or failed")                 \
    X(ATTLS_E_TPM_POLICY, 733,                                                 \
      "key policy not satisfied (PCRs changed since the key was made)")

#define ATTLS_ERRORS_ALL(X)                                                    \
    ATTLS_ERRORS_GENERIC(X)                                                    \
    ATTLS_ERRORS_X509(X)                                                       \
    ATTLS_ERRORS_SNP(X)                                                        \
    ATTLS_ERRORS_TDX(X)                                                        \
    ATTLS_ERRORS_HCL(X)                                                        \
    ATTLS_ERRORS_TPM(X)                                                        \
    ATTLS_ERRORS_EVIDENCE(X)                                                   \
    ATTLS_ERRORS_PLATFORM(X)                                                   \
    ATTLS_ERRORS_KEY(X)

#define ATTLS_ERROR_ENUM_(name, value, text) name = value,
/** Every result code attls can return. */
typedef enum attls_code { ATTLS_ERRORS_ALL(ATTLS_ERROR_ENUM_) } attls_code;
#undef ATTLS_ERROR_ENUM_

/** What went wrong, filled in by the first check that fails. */
typedef struct attls_status {
    attls_code code;   /**< ATTLS_OK or the failing check's code */
    char check[64];    /**< dotted name of the failing check, e.g. "snp.vcek" */
    char message[512]; /**< what, where and why, for people and logs */
} attls_status;

/** Reset @p st to ATTLS_OK with empty texts. */
ATTLS_EXPORT void attls_status_clear(attls_status *st);

/**
 * Record a failure in @p st (which may be NULL) and return @p code, so that
 * a check can end with `return attls_fail(st, CODE, "x.y", "...", ...);`.
 * Only the first failure is kept: later calls do not overwrite it.
 */
ATTLS_EXPORT attls_code attls_fail(attls_status *st, attls_code code, const char *check,
                      const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/** @return the symbolic name ("ATTLS_E_SNP_PARSE") of @p code. */
ATTLS_EXPORT const char *attls_status_code_name(attls_code code);

/** @return the short description of @p code. */
ATTLS_EXPORT const char *attls_status_code_text(attls_code code);

#ifdef __cplusplus
}
#endif

#endif
