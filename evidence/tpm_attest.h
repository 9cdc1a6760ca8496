/* SPDX-License-Identifier: Apache-2.0 */
/**
 * @file evidence/tpm_attest.h
 * Offline verification of TPM2_Quote and TPM2_Certify results.
 *
 * Inputs are the bytes the TPM returned (a marshalled TPMS_ATTEST and its
 * signature), the attestation key (AK) as an EVP_PKEY, and what the caller
 * expects (extraData, PCR values, qualifiedSigner). Outputs are claims
 * structs that are filled in only when every check passed.
 *
 * Checks run in this order, and the first failure is reported:
 *  1. TPMS_ATTEST: magic TPM_GENERATED_VALUE, type (quote 0x8018 or certify
 *     0x8017), strict libtss2-mu unmarshalling with no trailing bytes;
 *  2. AK and signature: key type/size, scheme (RSASSA, RSAPSS, ECDSA) and
 *     hash (SHA-1/256/384/512) fit the key, then the signature itself;
 *  3. qualifiedSigner (when an expected value is given) and extraData;
 *  4. quote: the PCR selection and pcrDigest = H_sig(PCR values in
 *     TPML_PCR_SELECTION order); certify: certified Name = Name(public);
 *  5. policy: SHA-1 (signing hash or a selected SHA-1 PCR) is refused
 *     unless allowed. This comes last on purpose, so that a SHA-1 quote that
 *     is cryptographically sound reports ATTLS_E_TPM_SHA1_REFUSED and a
 *     forged one reports the cryptographic failure.
 *
 * Signatures come either as a marshalled TPMT_SIGNATURE (what TPM2_Quote,
 * tpm2-tools and go-tpm-tools return) or as the bare signature bytes with
 * the scheme and hash given by the caller (the Azure tools ship a raw
 * 256-byte RSASSA/SHA-256 signature). Raw RSA signatures are the signature
 * octets; raw ECDSA signatures are r || s, two equal-length big-endian
 * halves (the TPM's own representation, not DER).
 */
#ifndef ATTLS_EVIDENCE_TPM_ATTEST_H
#define ATTLS_EVIDENCE_TPM_ATTEST_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>
#include <openssl/evp.h>
#include <tss2/tss2_tpm2_types.h>

#include "attls/status.h"

/** PCR indices a selection can name (TPM2_MAX_PCRS). */
#define ATTLS_TPM_MAX_PCRS 32
/** Banks with a hash attls can compute: SHA-1, SHA-256, SHA-384, SHA-512. */
#define ATTLS_TPM_MAX_BANKS 4
/** Largest digest of a supported hash (SHA-512). */
#define ATTLS_TPM_MAX_DIGEST 64
/** Room for any TPM2B_NAME (a computed Name is at most 2 + 64 bytes). */
#define ATTLS_TPM_MAX_NAME sizeof(TPMU_NAME)

/* ------------------------------------------------------------------ */
/* Signatures                                                          */
/* ------------------------------------------------------------------ */

/** How the signature bytes are encoded. */
typedef enum attls_tpm_sig_format {
    ATTLS_TPM_SIG_TPMT = 0,    /**< marshalled TPMT_SIGNATURE */
    ATTLS_TPM_SIG_RAW = 1,     /**< bare signature; scheme and hash given */
    ATTLS_TPM_SIG_DECODED = 2, /**< an unmarshalled TPMT_SIGNATURE, e.g.
                                    from an evidence record */
} attls_tpm_sig_format;

/** A signature over a TPMS_ATTEST as received. */
typedef struct attls_tpm_sig {
    attls_tpm_sig_format format;
    uint16_t scheme;     /**< RAW: TPM2_ALG_RSASSA, _RSAPSS or _ECDSA */
    uint16_t hash;       /**< RAW: TPM2_ALG_SHA1, _SHA256, _SHA384, _SHA512 */
    const uint8_t *data; /**< TPMT and RAW */
    size_t len;
    const TPMT_SIGNATURE *decoded; /**< DECODED */
} attls_tpm_sig;

/**
 * Decode @p in into a TPMT_SIGNATURE (no cryptography).
 * @retval ATTLS_OK @p out filled
 * @retval ATTLS_E_TPM_SIG_PARSE malformed TPMT_SIGNATURE, trailing bytes,
 *         or a raw signature of an impossible length
 * @retval ATTLS_E_TPM_SIG_SCHEME raw format with a scheme other than
 *         RSASSA, RSAPSS or ECDSA
 */
attls_code attls_tpm_sig_decode(const attls_tpm_sig *in, TPMT_SIGNATURE *out,
                                attls_status *st);

/**
 * Verify @p sig over @p msg with @p key (any supported AK).
 * @retval ATTLS_OK the signature verifies
 * @retval ATTLS_E_TPM_AK_KEY key not RSA >= 2048 bits or EC P-256/384/521
 * @retval ATTLS_E_TPM_SIG_SCHEME scheme/hash unsupported or unfit for @p key
 * @retval ATTLS_E_TPM_SIGNATURE the signature does not verify
 */
attls_code attls_tpm_sig_verify(EVP_PKEY *key, const uint8_t *msg,
                                size_t msg_len, const TPMT_SIGNATURE *sig,
                                attls_status *st);

/* ------------------------------------------------------------------ */
/* TPMS_ATTEST                                                         */
/* ------------------------------------------------------------------ */

/**
 * Unmarshal a TPMS_ATTEST of type @p want_type with libtss2-mu.
 * @retval ATTLS_OK @p out filled, every byte consumed
 * @retval ATTLS_E_TPM_ATTEST_PARSE too short or malformed
 * @retval ATTLS_E_TPM_ATTEST_MAGIC magic is not TPM2_GENERATED_VALUE
 * @retval ATTLS_E_TPM_ATTEST_TYPE type is not @p want_type
 * @retval ATTLS_E_TPM_ATTEST_TRAILING bytes follow the structure
 */
attls_code attls_tpm_attest_parse(const uint8_t *buf, size_t len,
                                  uint16_t want_type, TPMS_ATTEST *out,
                                  attls_status *st);

/* ------------------------------------------------------------------ */
/* PCR values                                                          */
/* ------------------------------------------------------------------ */

/** The values of one PCR bank that the caller supplies. */
typedef struct attls_tpm_pcr_bank {
    uint16_t hash_alg; /**< TPM2_ALG_SHA1, _SHA256, _SHA384 or _SHA512 */
    uint32_t present;  /**< bit i set: values[i] holds PCR i */
    uint8_t values[ATTLS_TPM_MAX_PCRS][ATTLS_TPM_MAX_DIGEST];
} attls_tpm_pcr_bank;

/** PCR values for up to one bank per supported hash. */
typedef struct attls_tpm_pcrs {
    size_t bank_count;
    attls_tpm_pcr_bank banks[ATTLS_TPM_MAX_BANKS];
} attls_tpm_pcrs;

/** Empty @p pcrs. */
void attls_tpm_pcrs_init(attls_tpm_pcrs *pcrs);

/**
 * Record the value of PCR @p index in bank @p hash_alg.
 * @retval ATTLS_OK stored
 * @retval ATTLS_E_TPM_PCR_INPUT unsupported bank, index >= 32, value of the
 *         wrong length, or a value given twice
 */
attls_code attls_tpm_pcrs_set(attls_tpm_pcrs *pcrs, uint16_t hash_alg,
                              unsigned index, const uint8_t *value, size_t len,
                              attls_status *st);

/**
 * Record a bank from raw concatenated values: the values of the PCRs that
 * @p sel selects, in ascending index order (what `tpm2_pcrread -o` writes
 * for the same selection). @p len must be exactly count * digest size.
 * @retval ATTLS_OK stored
 * @retval ATTLS_E_TPM_PCR_INPUT wrong length, unsupported bank, or a value
 *         already present
 */
attls_code attls_tpm_pcrs_set_raw(attls_tpm_pcrs *pcrs,
                                  const TPMS_PCR_SELECTION *sel,
                                  const uint8_t *raw, size_t len,
                                  attls_status *st);

/**
 * Record the values of every PCR @p sel selects from @p values, given in
 * TPML_PCR_SELECTION order (how TPM2_PCR_Read returns them and how the
 * attls tpm-quote record carries them).
 * @retval ATTLS_OK stored
 * @retval ATTLS_E_TPM_PCR_INPUT @p count is not the number of selected
 *         PCRs, a value has the wrong size for its bank, a bank is
 *         unsupported or a value is given twice
 */
attls_code attls_tpm_pcrs_set_list(attls_tpm_pcrs *pcrs,
                                   const TPML_PCR_SELECTION *sel,
                                   const TPM2B_DIGEST *values, size_t count,
                                   attls_status *st);

/**
 * Read PCR values from JSON text: an object whose keys are bank names
 * ("sha1", "sha256", "sha384", "sha512") and whose values are objects
 * mapping decimal PCR indices ("0".."31") to hex digests, e.g.
 * `{"sha256": {"0": "3d45...", "7": "..."}}`. Duplicate keys, unknown
 * banks, bad indices and digests of the wrong length are refused.
 * @retval ATTLS_OK values added to @p pcrs
 * @retval ATTLS_E_TPM_PCR_INPUT malformed JSON or a value refused above
 */
attls_code attls_tpm_pcrs_from_json(attls_tpm_pcrs *pcrs, const char *json,
                                    size_t len, attls_status *st);

/**
 * Check that @p pcrs holds exactly the PCRs @p sel selects and compute
 * H_@p hash_alg(values in TPML_PCR_SELECTION order, each bank in ascending
 * index order) into @p out (ATTLS_TPM_MAX_DIGEST bytes).
 * @retval ATTLS_OK digest written, @p out_len set
 * @retval ATTLS_E_TPM_PCR_SELECTION a selected PCR has no value, a value
 *         was supplied for a PCR the selection does not cover, a bank is
 *         selected twice, or a selected bank's hash is unsupported
 * @retval ATTLS_E_TPM_SIG_SCHEME @p hash_alg unsupported
 */
attls_code attls_tpm_pcr_digest(const TPML_PCR_SELECTION *sel,
                                const attls_tpm_pcrs *pcrs, uint16_t hash_alg,
                                uint8_t *out, size_t *out_len,
                                attls_status *st);

/* ------------------------------------------------------------------ */
/* Public areas and names                                              */
/* ------------------------------------------------------------------ */

/* The Name of an object, nameAlg || H_nameAlg(marshalled TPMT_PUBLIC), is
 * attls_public_name() of evidence/tpm_records.h. */

/**
 * Unmarshal a public area given either as TPMT_PUBLIC or as TPM2B_PUBLIC
 * (recognised by a leading size equal to the remaining length).
 * @retval ATTLS_OK @p out filled, every byte consumed
 * @retval ATTLS_E_TPM_PUBLIC_PARSE malformed or trailing bytes
 */
attls_code attls_tpm_public_parse(const uint8_t *buf, size_t len,
                                  TPMT_PUBLIC *out, attls_status *st);

/**
 * Convert an RSA or ECC (NIST P-256/384/521) public area into a public
 * EVP_PKEY. An RSA exponent of 0 means 65537.
 * @retval ATTLS_OK @p out owns a new key (EVP_PKEY_free)
 * @retval ATTLS_E_TPM_PUBLIC_UNSUPPORTED other types or curves, or a
 *         modulus/point whose size does not match the parameters
 * @retval ATTLS_E_INTERNAL OpenSSL failure
 */
attls_code attls_tpm_public_to_pkey(const TPMT_PUBLIC *pub, EVP_PKEY **out,
                                    attls_status *st);

/**
 * DER SubjectPublicKeyInfo of @p pub, for comparing with a certificate.
 * @retval ATTLS_OK @p der owns @p der_len bytes (OPENSSL_free)
 * @retval as attls_tpm_public_to_pkey() otherwise
 */
attls_code attls_tpm_public_to_spki(const TPMT_PUBLIC *pub, uint8_t **der,
                                    size_t *der_len, attls_status *st);

/**
 * Qualified name of a primary object of @p hierarchy (TPM2_RH_ENDORSEMENT,
 * TPM2_RH_OWNER, TPM2_RH_PLATFORM or TPM2_RH_NULL):
 * nameAlg || H_nameAlg(hierarchy handle || Name). For an AK this is the
 * value a genuine TPM puts in TPMS_ATTEST.qualifiedSigner. It only shows
 * that the signer claims to be that key (a non-restricted signer can
 * forge it); trust comes from the AK itself.
 * @param out at least ATTLS_TPM_MAX_NAME bytes
 * @retval ATTLS_OK @p out_len set
 * @retval ATTLS_E_ARGUMENT @p hierarchy is not one of the four above
 * @retval ATTLS_E_TPM_PUBLIC_UNSUPPORTED nameAlg not SHA-1/256/384/512
 */
attls_code attls_tpm_primary_qualified_name(const TPMT_PUBLIC *pub,
                                            uint32_t hierarchy, uint8_t *out,
                                            size_t *out_len, attls_status *st);

/**
 * The public area of the Azure vTPM AK (persistent 0x81000003) whose
 * modulus is that of @p rsa: RSA-2048, nameAlg SHA-256, attributes
 * 0x00050472, RSASSA/SHA-256, exponent 0. Lets a caller that only has the
 * AK as a key (the HCLAkPub JWK, akpub.pem) compute the expected Name and
 * qualifiedSigner.
 * @retval ATTLS_OK @p out filled
 * @retval ATTLS_E_TPM_AK_KEY @p rsa is not an RSA-2048 key with e = 65537
 */
attls_code attls_tpm_public_azure_ak(EVP_PKEY *rsa, TPMT_PUBLIC *out,
                                     attls_status *st);

/* ------------------------------------------------------------------ */
/* Quote and certify verification                                      */
/* ------------------------------------------------------------------ */

/** What the caller expects; zero-initialise, then set what applies. */
typedef struct attls_tpm_verify_opts {
    /** Expected extraData (nonce or binding); NULL with length 0 means
     *  the TPMS_ATTEST must carry an empty extraData. */
    const uint8_t *extra_data;
    size_t extra_data_len;
    /** Non-zero: do not compare extraData (claims record it unchecked). */
    int skip_extra_data;
    /** Expected qualifiedSigner, e.g. from
     *  attls_tpm_primary_qualified_name(); NULL: not checked. */
    const uint8_t *qualified_signer;
    size_t qualified_signer_len;
    /** Non-zero: accept SHA-1 signatures and SHA-1 PCR banks. */
    int allow_sha1;
} attls_tpm_verify_opts;

/** One bank of a quote's PCR selection. */
typedef struct attls_tpm_pcr_select {
    uint16_t hash_alg;
    uint32_t mask; /**< bit i set: PCR i selected */
} attls_tpm_pcr_select;

/** What a verified TPMS_ATTEST says. */
typedef struct attls_tpm_attest_claims {
    uint16_t type; /**< TPM2_ST_ATTEST_QUOTE or TPM2_ST_ATTEST_CERTIFY */
    uint8_t qualified_signer[ATTLS_TPM_MAX_NAME];
    size_t qualified_signer_len;
    int qualified_signer_checked;
    uint8_t extra_data[sizeof(TPMU_HA)];
    size_t extra_data_len;
    int extra_data_checked;
    uint64_t clock; /**< milliseconds the TPM has been powered */
    uint32_t reset_count;
    uint32_t restart_count;
    int safe;
    uint64_t firmware_version;
    uint16_t sig_scheme; /**< TPM2_ALG_RSASSA, _RSAPSS or _ECDSA */
    uint16_t sig_hash;
    /* TPM2_Quote */
    size_t pcr_bank_count;
    attls_tpm_pcr_select pcr_banks[TPM2_NUM_PCR_BANKS];
    uint8_t pcr_digest[sizeof(TPMU_HA)];
    size_t pcr_digest_len;
    int pcrs_checked; /**< pcrDigest recomputed from supplied values */
    /* TPM2_Certify */
    uint8_t certified_name[ATTLS_TPM_MAX_NAME];
    size_t certified_name_len;
    uint8_t certified_qualified_name[ATTLS_TPM_MAX_NAME];
    size_t certified_qualified_name_len;
    uint32_t certified_attributes; /**< objectAttributes of the public */
} attls_tpm_attest_claims;

/**
 * Verify a TPM2_Quote: @p attest signed by @p ak, carrying the expected
 * extraData, and (when @p pcrs is non-NULL) a pcrDigest that matches the
 * PCR values, which must cover exactly the quoted selection.
 * @param pcrs NULL: pcrDigest is reported but not recomputed
 * @param claims filled only on ATTLS_OK (may be NULL)
 * @retval ATTLS_OK every check passed
 * @retval ATTLS_E_TPM_ATTEST_PARSE, _ATTEST_MAGIC, _ATTEST_TYPE,
 *         _ATTEST_TRAILING see attls_tpm_attest_parse()
 * @retval ATTLS_E_TPM_SIG_PARSE, _SIG_SCHEME, _AK_KEY, _SIGNATURE see
 *         attls_tpm_sig_decode() and attls_tpm_sig_verify()
 * @retval ATTLS_E_TPM_SIGNER_MISMATCH qualifiedSigner differs from opts
 * @retval ATTLS_E_TPM_NONCE extraData differs from opts
 * @retval ATTLS_E_TPM_PCR_SELECTION see attls_tpm_pcr_digest()
 * @retval ATTLS_E_TPM_PCR_DIGEST pcrDigest of the wrong size or value
 * @retval ATTLS_E_TPM_SHA1_REFUSED SHA-1 signature or bank, not allowed
 * @retval ATTLS_E_ARGUMENT a required pointer is NULL
 */
attls_code attls_tpm_quote_verify(const uint8_t *attest, size_t attest_len,
                                  const attls_tpm_sig *sig, EVP_PKEY *ak,
                                  const attls_tpm_pcrs *pcrs,
                                  const attls_tpm_verify_opts *opts,
                                  attls_tpm_attest_claims *claims,
                                  attls_status *st);

/**
 * Verify a TPM2_Certify: @p attest signed by @p ak, carrying the expected
 * extraData, certifying the object whose public area is @p certified
 * (attested.certify.name == Name(@p certified)). Binds that key, e.g. the
 * TLS key, to the AK.
 * @param claims filled only on ATTLS_OK (may be NULL)
 * @retval ATTLS_OK every check passed
 * @retval ATTLS_E_TPM_NAME_MISMATCH the certified Name is another object's
 * @retval ATTLS_E_TPM_PUBLIC_UNSUPPORTED @p certified has an unsupported
 *         nameAlg
 * @retval ATTLS_E_TPM_SHA1_REFUSED SHA-1 signature or nameAlg, not allowed
 * @retval as attls_tpm_quote_verify() for the other checks
 */
attls_code attls_tpm_certify_verify(const uint8_t *attest, size_t attest_len,
                                    const attls_tpm_sig *sig, EVP_PKEY *ak,
                                    const TPMT_PUBLIC *certified,
                                    const attls_tpm_verify_opts *opts,
                                    attls_tpm_attest_claims *claims,
                                    attls_status *st);

/* ------------------------------------------------------------------ */
/* Names of algorithms and JSON claims                                 */
/* ------------------------------------------------------------------ */

/** "sha256", "rsassa", "ecdsa", ... or NULL for other algorithm ids. */
const char *attls_tpm_alg_name(uint16_t alg);

/** Inverse of attls_tpm_alg_name(); TPM2_ALG_ERROR (0) if unknown. */
uint16_t attls_tpm_alg_from_name(const char *name);

/**
 * The claims as a JSON object (jansson): type, qualified_signer,
 * extra_data, clock_info, firmware_version, signature, and pcr_selection +
 * pcr_digest (quote) or certified_name + certified_qualified_name (certify).
 * @return a new reference, or NULL on allocation failure
 */
json_t *attls_tpm_attest_claims_json(const attls_tpm_attest_claims *claims);

#endif
