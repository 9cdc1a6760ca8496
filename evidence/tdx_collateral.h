/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Intel TDX collateral (Intel PCS v4 / PCCS): TCB Info (TDX, version 3),
 * QE Identity (TD_QE, version 2), their issuer chains, the PCK CRL and the
 * Intel SGX Root CA CRL.
 *
 * Each JSON document is accepted in two forms: the PCS response
 * {"tcbInfo": {...}, "signature": "<hex r||s>"} (or "enclaveIdentity"), or
 * the bare signed value with the signature supplied separately (the
 * dcap-qvl collateral layout). Either way the ECDSA-P256 signature is
 * checked over the exact bytes of the signed value as they appear in the
 * input, and only those bytes are parsed for content.
 */
#ifndef ATTLS_EVIDENCE_TDX_COLLATERAL_H
#define ATTLS_EVIDENCE_TDX_COLLATERAL_H

#include <stdint.h>
#include <time.h>

#include <jansson.h>
#include <openssl/x509.h>

#include "attls/status.h"
#include "common/bytes.h"
#include "evidence/roots.h"

/** TCB status of a TCB level, a TDX module level or a QE level. */
typedef enum attls_tdx_tcb_status {
    ATTLS_TDX_TCB_NOT_EVALUATED = 0, /**< no collateral was evaluated */
    ATTLS_TDX_TCB_UP_TO_DATE,
    ATTLS_TDX_TCB_SW_HARDENING_NEEDED,
    ATTLS_TDX_TCB_CONFIGURATION_NEEDED,
    ATTLS_TDX_TCB_CONFIGURATION_AND_SW_HARDENING_NEEDED,
    ATTLS_TDX_TCB_OUT_OF_DATE,
    ATTLS_TDX_TCB_OUT_OF_DATE_CONFIGURATION_NEEDED,
    ATTLS_TDX_TCB_REVOKED,
    ATTLS_TDX_TCB_NO_MATCH, /**< no TCB level matches the platform */
} attls_tdx_tcb_status;

#define ATTLS_TDX_TCB_STATUS_COUNT (ATTLS_TDX_TCB_NO_MATCH + 1)

/**
 * @return Intel's name of @p s ("UpToDate", "OutOfDateConfigurationNeeded",
 *         ...), "NotEvaluated", "NoMatchingTcbLevel", or "?" when invalid.
 */
const char *attls_tdx_tcb_status_name(attls_tdx_tcb_status s);

/**
 * Map a status name (as returned by attls_tdx_tcb_status_name(),
 * case-sensitive) back to the enum.
 * @retval 0 found, -1 unknown name
 */
int attls_tdx_tcb_status_from_name(const char *name, attls_tdx_tcb_status *out);

/**
 * Raw collateral, as read from files or received with the evidence. Empty
 * buffers mean "not supplied".
 */
typedef struct attls_tdx_collateral {
    attls_buf tcb_info;          /**< PCS response or bare signed tcbInfo */
    attls_buf tcb_info_sig;      /**< hex r||s when tcb_info is bare */
    attls_buf tcb_info_chain;    /**< PEM: "Intel SGX TCB Signing" [+ root] */
    attls_buf qe_identity;       /**< PCS response or bare enclaveIdentity */
    attls_buf qe_identity_sig;   /**< hex r||s when qe_identity is bare */
    attls_buf qe_identity_chain; /**< PEM: "Intel SGX TCB Signing" [+ root] */
    attls_buf pck_crl;           /**< DER or PEM; optional */
    attls_buf pck_crl_chain;     /**< PEM: the CRL's issuer [+ root]; opt. */
    attls_buf root_ca_crl;       /**< DER or PEM; optional */
} attls_tdx_collateral;

/** Largest collateral file attls reads (Intel's are a few KiB). */
#define ATTLS_TDX_COLLATERAL_MAX_FILE (1024 * 1024)

/**
 * Read a collateral directory laid out like dcap-qvl's: tcb_info.json,
 * tcb_info.sig.hex, tcb_info_issuer_chain.pem, qe_identity.json,
 * qe_identity.sig.hex, qe_identity_issuer_chain.pem, pck_crl.der,
 * pck_crl_issuer_chain.pem, root_ca_crl.der. Missing files leave their
 * buffer empty; attls_tdx_collateral_check_complete() says what is needed.
 * @retval ATTLS_OK, ATTLS_E_IO (a file exists but cannot be read or is
 *         larger than ATTLS_TDX_COLLATERAL_MAX_FILE)
 */
attls_code attls_tdx_collateral_load_dir(const char *dir,
                                         attls_tdx_collateral *c,
                                         attls_status *st);

/**
 * Read one file into @p dst (replacing its content).
 * @retval ATTLS_OK, ATTLS_E_IO
 */
attls_code attls_tdx_collateral_load_file(const char *path, attls_buf *dst,
                                          attls_status *st);

/**
 * Check that the documents TCB evaluation needs are present: TCB Info,
 * QE Identity and both issuer chains.
 * @retval ATTLS_OK, ATTLS_E_TDX_COLLATERAL_MISSING (message names the item)
 */
attls_code attls_tdx_collateral_check_complete(const attls_tdx_collateral *c,
                                               attls_status *st);

/** Free every buffer of @p c. */
void attls_tdx_collateral_free(attls_tdx_collateral *c);

/**
 * Locate the signed value and the signature of a signed collateral
 * document. @p member is "tcbInfo" or "enclaveIdentity". When the document
 * is a JSON object holding @p member, the signed bytes are that member's
 * value, byte for byte, and the signature is the "signature" member
 * unless @p detached is non-empty (both present: refused). Otherwise the
 * whole document (without surrounding whitespace) is the signed value and
 * @p detached must hold the signature.
 * @param off, len  the signed value's span within @p doc
 * @param sig       receives r||s (64 bytes)
 * @retval ATTLS_OK
 * @retval ATTLS_E_TDX_COLLATERAL_FORMAT not JSON, duplicate members, no
 *         signature, signature not 128 hex digits, two signatures
 * @retval ATTLS_E_TDX_COLLATERAL_MISSING empty @p doc
 */
attls_code attls_tdx_signed_json_split(const attls_buf *doc,
                                       const attls_buf *detached,
                                       const char *member, size_t *off,
                                       size_t *len, uint8_t sig[64],
                                       attls_status *st);

/** CRLs of the collateral, parsed once. */
typedef struct attls_tdx_crls {
    X509_CRL *pck_crl;             /**< NULL when not supplied */
    X509_CRL *root_crl;            /**< NULL when not supplied */
    STACK_OF(X509) *pck_crl_chain; /**< the PCK CRL issuer chain, or NULL */
} attls_tdx_crls;

/**
 * Parse the CRLs of @p c (DER, or PEM "X509 CRL").
 * @retval ATTLS_OK (absent CRLs stay NULL)
 * @retval ATTLS_E_CRL a CRL does not parse
 * @retval ATTLS_E_TDX_PCK_PEM the PCK CRL issuer chain is not strict PEM
 */
attls_code attls_tdx_crls_load(const attls_tdx_collateral *c,
                               attls_tdx_crls *out, attls_status *st);

void attls_tdx_crls_free(attls_tdx_crls *crls);

/**
 * Check the PCK certificate and its CA against the CRLs at @p at: the PCK
 * CRL must be issued by the PCK's issuer and, with the root CA CRL, be
 * signed, current and not list the PCK (or, with the root CRL, the CA).
 * Does nothing when no PCK CRL was supplied.
 * @param untrusted the PCK's intermediates (from the quote)
 * @param checked   set to 1 when revocation was checked
 * @retval ATTLS_OK
 * @retval ATTLS_E_CRL wrong issuer, stale, badly signed, or revoked
 * @retval other ATTLS_E_CERT_* codes from the chain verification
 */
attls_code attls_tdx_pck_revocation_check(X509 *pck, STACK_OF(X509) *untrusted,
                                          const attls_tdx_crls *crls, time_t at,
                                          const attls_trust_set *trust,
                                          int *checked, attls_status *st);

/** A TCB level of a TDX module identity or of the QE identity. */
typedef struct attls_tdx_isv_level {
    uint16_t isvsvn;
    attls_tdx_tcb_status status;
    time_t tcb_date;
    const json_t *advisory_ids; /**< array of strings, or NULL */
} attls_tdx_isv_level;

/** A TDX module identity ("tdxModule" or an entry of tdxModuleIdentities). */
typedef struct attls_tdx_module_identity {
    char id[16]; /**< "TDX_01"; empty for "tdxModule" */
    uint8_t mrsigner[48];
    uint8_t attributes[8];
    uint8_t attributes_mask[8];
    size_t n_levels; /**< 0 for "tdxModule" */
    attls_tdx_isv_level *levels;
} attls_tdx_module_identity;

/** A platform TCB level of the TDX TCB Info. */
typedef struct attls_tdx_tcb_level {
    uint8_t sgx_svn[16]; /**< sgxtcbcomponents[i].svn */
    uint16_t pcesvn;
    uint8_t tdx_svn[16]; /**< tdxtcbcomponents[i].svn */
    attls_tdx_tcb_status status;
    time_t tcb_date;
    const json_t *advisory_ids; /**< array of strings, or NULL */
} attls_tdx_tcb_level;

/** Limits on list sizes in collateral (Intel's use a fraction). */
#define ATTLS_TDX_MAX_LEVELS 128
#define ATTLS_TDX_MAX_MODULES 32
#define ATTLS_TDX_MAX_ADVISORIES 256

/** A parsed TDX TCB Info (version 3). */
typedef struct attls_tdx_tcb_info {
    json_t *doc; /**< the parsed signed value; owns advisory_ids */
    uint32_t version;
    time_t issue_date, next_update;
    uint8_t fmspc[6];
    uint8_t pceid[2];
    uint32_t tcb_type;
    uint32_t eval_number;             /**< tcbEvaluationDataNumber */
    attls_tdx_module_identity module; /**< "tdxModule" */
    size_t n_module_ids;
    attls_tdx_module_identity *module_ids; /**< tdxModuleIdentities */
    size_t n_levels;
    attls_tdx_tcb_level *levels; /**< tcbLevels, in document order */
} attls_tdx_tcb_info;

/** A parsed TD_QE identity (version 2). */
typedef struct attls_tdx_qe_identity {
    json_t *doc;
    uint32_t version;
    time_t issue_date, next_update;
    uint32_t eval_number;
    uint32_t miscselect, miscselect_mask; /**< little-endian hex in JSON */
    uint8_t attributes[16], attributes_mask[16];
    uint8_t mrsigner[32];
    uint16_t isvprodid;
    size_t n_levels;
    attls_tdx_isv_level *levels;
} attls_tdx_qe_identity;

/**
 * Parse the content of a TDX TCB Info value (the signed bytes): id "TDX",
 * version 3, tcbType 0, every field typed and range-checked (SVNs
 * 0..255, PCESVN 0..65535, hex fields of exact length in either case,
 * RFC 3339 dates, known status names), exactly 16 SGX and 16 TDX
 * components per level, at least one level. Unknown members are ignored.
 * @retval ATTLS_OK, ATTLS_E_TDX_COLLATERAL_FORMAT (message gives the JSON
 *         path, e.g. "tcbInfo.tcbLevels[0].tcb.sgxtcbcomponents[1].svn")
 * @retval ATTLS_E_INTERNAL allocation failure
 */
attls_code attls_tdx_tcb_info_parse(const char *json, size_t len,
                                    attls_tdx_tcb_info *out, attls_status *st);

void attls_tdx_tcb_info_free(attls_tdx_tcb_info *ti);

/**
 * Parse the content of a QE Identity value: id "TD_QE", version 2.
 * @retval ATTLS_OK, ATTLS_E_TDX_COLLATERAL_FORMAT, ATTLS_E_INTERNAL
 */
attls_code attls_tdx_qe_identity_parse(const char *json, size_t len,
                                       attls_tdx_qe_identity *out,
                                       attls_status *st);

void attls_tdx_qe_identity_free(attls_tdx_qe_identity *qi);

/**
 * Check a document's validity window: issue_date <= at <= next_update.
 * @retval ATTLS_OK, ATTLS_E_TDX_COLLATERAL_EXPIRED
 */
attls_code attls_tdx_check_validity(time_t issue_date, time_t next_update,
                                    time_t at, const char *what,
                                    const char *check, attls_status *st);

/**
 * Verify and parse the TCB Info of @p c: the issuer chain (its one
 * non-self-signed certificate must be "Intel SGX TCB Signing", chained to
 * @p trust at @p at and, with a root CA CRL, not revoked), the signature
 * over the exact signed bytes, the content and its validity window.
 * @retval ATTLS_OK @p out filled (free with attls_tdx_tcb_info_free())
 * @retval ATTLS_E_TDX_COLLATERAL_MISSING, ATTLS_E_TDX_COLLATERAL_FORMAT,
 *         ATTLS_E_TDX_COLLATERAL_SIGNER, ATTLS_E_TDX_COLLATERAL_SIG,
 *         ATTLS_E_TDX_COLLATERAL_EXPIRED, ATTLS_E_CERT_*, ATTLS_E_CRL
 */
attls_code attls_tdx_tcb_info_verify(const attls_tdx_collateral *c,
                                     const attls_tdx_crls *crls, time_t at,
                                     const attls_trust_set *trust,
                                     attls_tdx_tcb_info *out, attls_status *st);

/** The same for the QE Identity of @p c. */
attls_code attls_tdx_qe_identity_verify(const attls_tdx_collateral *c,
                                        const attls_tdx_crls *crls, time_t at,
                                        const attls_trust_set *trust,
                                        attls_tdx_qe_identity *out,
                                        attls_status *st);

#endif
