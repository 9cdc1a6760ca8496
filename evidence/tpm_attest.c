/* SPDX-License-Identifier: Apache-2.0 */
/*
 * TPM2_Quote and TPM2_Certify verification: TPMS_ATTEST unmarshalling,
 * signature decoding and verification, and the checks on the attested
 * contents. The PCR digest lives in tpm_pcr.c, names in tpm_public.c.
 */
#include "evidence/tpm_attest.h"

#include <inttypes.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/rsa.h>
#include <tss2/tss2_mu.h>
#include <tss2/tss2_rc.h>

#include "evidence/tpm_internal.h"

/* Smallest and largest AK accepted: RSA-2048 is what every vTPM issues. */
#define AK_RSA_MIN_BITS 2048
#define AK_RSA_MAX_BITS 16384

static const char *attest_type_name(uint16_t type)
{
    switch (type) {
    case TPM2_ST_ATTEST_NV:
        return "NV";
    case TPM2_ST_ATTEST_COMMAND_AUDIT:
        return "command audit";
    case TPM2_ST_ATTEST_SESSION_AUDIT:
        return "session audit";
    case TPM2_ST_ATTEST_CERTIFY:
        return "certify";
    case TPM2_ST_ATTEST_QUOTE:
        return "quote";
    case TPM2_ST_ATTEST_TIME:
        return "time";
    case TPM2_ST_ATTEST_CREATION:
        return "creation";
    default:
        return "unknown";
    }
}

static const char *alg_or_hex(uint16_t alg, char *buf, size_t len)
{
    const char *name = attls_tpm_alg_name(alg);

    if (name != NULL)
        return name;
    snprintf(buf, len, "0x%04x", alg);
    return buf;
}

/* ------------------------------------------------------------------ */
/* TPMS_ATTEST                                                         */
/* ------------------------------------------------------------------ */

/*
 * Tss2_MU_TPMS_ATTEST_Unmarshal does not say where it failed. Only on
 * failure, unmarshal the same bytes field by field (still with libtss2-mu)
 * to name the field and its offset in the message.
 */
static void locate_attest_error(const uint8_t *buf, size_t len, char *where,
                                size_t where_len)
{
    TPMS_ATTEST a;
    size_t off = 6;
    const char *field = "qualifiedSigner";
    size_t at = off;

    memset(&a, 0, sizeof(a));
    if (Tss2_MU_TPM2B_NAME_Unmarshal(buf, len, &off, &a.qualifiedSigner))
        goto out;
    field = "extraData";
    at = off;
    if (Tss2_MU_TPM2B_DATA_Unmarshal(buf, len, &off, &a.extraData))
        goto out;
    field = "clockInfo";
    at = off;
    if (Tss2_MU_TPMS_CLOCK_INFO_Unmarshal(buf, len, &off, &a.clockInfo))
        goto out;
    field = "firmwareVersion";
    at = off;
    if (Tss2_MU_UINT64_Unmarshal(buf, len, &off, &a.firmwareVersion))
        goto out;
    field = "attested";
    at = off;
out:
    snprintf(where, where_len, "%s at offset %zu", field, at);
}

attls_code attls_tpm_attest_parse(const uint8_t *buf, size_t len,
                                  uint16_t want_type, TPMS_ATTEST *out,
                                  attls_status *st)
{
    uint32_t magic = 0;
    uint16_t type = 0;
    size_t off = 0;
    TSS2_RC rc;

    memset(out, 0, sizeof(*out));
    if (buf == NULL && len != 0)
        return attls_fail(st, ATTLS_E_ARGUMENT, "tpm.attest",
                          "no TPMS_ATTEST buffer");
    if (len < 6 ||
        Tss2_MU_UINT32_Unmarshal(buf, len, &off, &magic) != TSS2_RC_SUCCESS ||
        Tss2_MU_UINT16_Unmarshal(buf, len, &off, &type) != TSS2_RC_SUCCESS)
        return attls_fail(st, ATTLS_E_TPM_ATTEST_PARSE, "tpm.attest",
                          "TPMS_ATTEST is %zu bytes, shorter than its 6-byte "
                          "magic and type header",
                          len);
    if (magic != TPM2_GENERATED_VALUE)
        return attls_fail(st, ATTLS_E_TPM_ATTEST_MAGIC, "tpm.attest.magic",
                          "TPMS_ATTEST magic at offset 0 is 0x%08" PRIx32
                          ", not TPM_GENERATED_VALUE 0xff544347: the TPM did "
                          "not produce this structure",
                          magic);
    if (type != want_type)
        return attls_fail(st, ATTLS_E_TPM_ATTEST_TYPE, "tpm.attest.type",
                          "TPMS_ATTEST type at offset 4 is 0x%04x (%s), "
                          "expected 0x%04x (%s)",
                          type, attest_type_name(type), want_type,
                          attest_type_name(want_type));
    off = 0;
    rc = Tss2_MU_TPMS_ATTEST_Unmarshal(buf, len, &off, out);
    if (rc != TSS2_RC_SUCCESS) {
        char where[64];

        locate_attest_error(buf, len, where, sizeof(where));
        memset(out, 0, sizeof(*out));
        return attls_fail(st, ATTLS_E_TPM_ATTEST_PARSE, "tpm.attest",
                          "%zu-byte TPMS_ATTEST (%s) does not unmarshal: "
                          "%s: %s",
                          len, attest_type_name(type), where,
                          Tss2_RC_Decode(rc));
    }
    if (off != len)
        return attls_fail(st, ATTLS_E_TPM_ATTEST_TRAILING, "tpm.attest",
                          "%zu unexpected bytes follow the %zu-byte "
                          "TPMS_ATTEST (%s)",
                          len - off, off, attest_type_name(type));
    return ATTLS_OK;
}

/* ------------------------------------------------------------------ */
/* Signatures                                                          */
/* ------------------------------------------------------------------ */

static attls_code decode_raw(const attls_tpm_sig *in, TPMT_SIGNATURE *out,
                             attls_status *st)
{
    char a[8];

    switch (in->scheme) {
    case TPM2_ALG_RSASSA:
    case TPM2_ALG_RSAPSS:
        if (in->len == 0 || in->len > TPM2_MAX_RSA_KEY_BYTES)
            return attls_fail(st, ATTLS_E_TPM_SIG_PARSE, "tpm.signature",
                              "raw %s signature is %zu bytes; an RSA "
                              "signature has 1 to %d",
                              attls_tpm_alg_name(in->scheme), in->len,
                              TPM2_MAX_RSA_KEY_BYTES);
        out->sigAlg = in->scheme;
        out->signature.rsassa.hash = in->hash;
        out->signature.rsassa.sig.size = (UINT16)in->len;
        memcpy(out->signature.rsassa.sig.buffer, in->data, in->len);
        return ATTLS_OK;
    case TPM2_ALG_ECDSA: {
        size_t half = in->len / 2;

        if (in->len == 0 || in->len % 2 != 0 || half > TPM2_MAX_ECC_KEY_BYTES)
            return attls_fail(st, ATTLS_E_TPM_SIG_PARSE, "tpm.signature",
                              "raw ECDSA signature is %zu bytes; expected "
                              "r || s, two equal halves of at most %d bytes",
                              in->len, TPM2_MAX_ECC_KEY_BYTES);
        out->sigAlg = TPM2_ALG_ECDSA;
        out->signature.ecdsa.hash = in->hash;
        out->signature.ecdsa.signatureR.size = (UINT16)half;
        memcpy(out->signature.ecdsa.signatureR.buffer, in->data, half);
        out->signature.ecdsa.signatureS.size = (UINT16)half;
        memcpy(out->signature.ecdsa.signatureS.buffer, in->data + half, half);
        return ATTLS_OK;
    }
    default:
        return attls_fail(st, ATTLS_E_TPM_SIG_SCHEME, "tpm.signature",
                          "raw signature scheme %s is not RSASSA, RSAPSS or "
                          "ECDSA",
                          alg_or_hex(in->scheme, a, sizeof(a)));
    }
}

attls_code attls_tpm_sig_decode(const attls_tpm_sig *in, TPMT_SIGNATURE *out,
                                attls_status *st)
{
    size_t off = 0;
    TSS2_RC rc;

    memset(out, 0, sizeof(*out));
    if (in == NULL || (in->format != ATTLS_TPM_SIG_DECODED &&
                       in->data == NULL && in->len != 0))
        return attls_fail(st, ATTLS_E_ARGUMENT, "tpm.signature",
                          "no signature buffer");
    if (in->format == ATTLS_TPM_SIG_RAW)
        return decode_raw(in, out, st);
    if (in->format == ATTLS_TPM_SIG_DECODED) {
        if (in->decoded == NULL)
            return attls_fail(st, ATTLS_E_ARGUMENT, "tpm.signature",
                              "no decoded signature");
        *out = *in->decoded;
        return ATTLS_OK;
    }
    if (in->format != ATTLS_TPM_SIG_TPMT)
        return attls_fail(st, ATTLS_E_ARGUMENT, "tpm.signature",
                          "unknown signature format %d", (int)in->format);
    if (in->len == 0)
        return attls_fail(st, ATTLS_E_TPM_SIG_PARSE, "tpm.signature",
                          "the TPMT_SIGNATURE is empty");
    rc = Tss2_MU_TPMT_SIGNATURE_Unmarshal(in->data, in->len, &off, out);
    if (rc != TSS2_RC_SUCCESS) {
        memset(out, 0, sizeof(*out));
        return attls_fail(st, ATTLS_E_TPM_SIG_PARSE, "tpm.signature",
                          "%zu-byte TPMT_SIGNATURE does not unmarshal: %s",
                          in->len, Tss2_RC_Decode(rc));
    }
    if (off != in->len)
        return attls_fail(st, ATTLS_E_TPM_SIG_PARSE, "tpm.signature",
                          "%zu unexpected bytes follow the %zu-byte "
                          "TPMT_SIGNATURE",
                          in->len - off, off);
    return ATTLS_OK;
}

static attls_code check_ak_key(EVP_PKEY *key, attls_status *st)
{
    char group[32] = "";
    size_t group_len = 0;
    int bits;

    if (key == NULL)
        return attls_fail(st, ATTLS_E_ARGUMENT, "tpm.ak", "no AK given");
    bits = EVP_PKEY_get_bits(key);
    switch (EVP_PKEY_get_base_id(key)) {
    case EVP_PKEY_RSA:
        if (bits < AK_RSA_MIN_BITS || bits > AK_RSA_MAX_BITS)
            return attls_fail(st, ATTLS_E_TPM_AK_KEY, "tpm.ak",
                              "AK is RSA-%d; RSA keys of %d to %d bits are "
                              "accepted",
                              bits, AK_RSA_MIN_BITS, AK_RSA_MAX_BITS);
        return ATTLS_OK;
    case EVP_PKEY_EC:
        if (!EVP_PKEY_get_utf8_string_param(key, OSSL_PKEY_PARAM_GROUP_NAME,
                                            group, sizeof(group), &group_len) ||
            (strcmp(group, "prime256v1") != 0 &&
             strcmp(group, "secp384r1") != 0 &&
             strcmp(group, "secp521r1") != 0))
            return attls_fail(st, ATTLS_E_TPM_AK_KEY, "tpm.ak",
                              "AK is an EC key on curve '%s'; only NIST "
                              "P-256, P-384 and P-521 are accepted",
                              group[0] ? group : "(unnamed)");
        return ATTLS_OK;
    default:
        return attls_fail(st, ATTLS_E_TPM_AK_KEY, "tpm.ak",
                          "AK is a %s key; only RSA and EC AKs are accepted",
                          EVP_PKEY_get0_type_name(key)
                              ? EVP_PKEY_get0_type_name(key)
                              : "unknown");
    }
}

/* DER ECDSA-Sig-Value from the TPM's r and s. */
static attls_code ecdsa_der(const TPMS_SIGNATURE_ECDSA *e, uint8_t **der,
                            size_t *der_len, attls_status *st)
{
    ECDSA_SIG *sig = ECDSA_SIG_new();
    BIGNUM *r = BN_bin2bn(e->signatureR.buffer, e->signatureR.size, NULL);
    BIGNUM *s = BN_bin2bn(e->signatureS.buffer, e->signatureS.size, NULL);
    int n;

    *der = NULL;
    if (sig == NULL || r == NULL || s == NULL || !ECDSA_SIG_set0(sig, r, s)) {
        BN_free(r);
        BN_free(s);
        ECDSA_SIG_free(sig);
        return attls_fail(st, ATTLS_E_INTERNAL, "tpm.signature",
                          "cannot convert the ECDSA signature");
    }
    n = i2d_ECDSA_SIG(sig, der);
    ECDSA_SIG_free(sig);
    if (n <= 0)
        return attls_fail(st, ATTLS_E_INTERNAL, "tpm.signature",
                          "cannot encode the ECDSA signature");
    *der_len = (size_t)n;
    return ATTLS_OK;
}

/* Scheme, hash and key type must agree before any cryptography. */
static attls_code check_scheme(EVP_PKEY *key, const TPMT_SIGNATURE *sig,
                               uint16_t *hash, attls_status *st)
{
    int key_type = EVP_PKEY_get_base_id(key);
    int want_type;
    char a[8], h[8];

    switch (sig->sigAlg) {
    case TPM2_ALG_RSASSA:
    case TPM2_ALG_RSAPSS:
        want_type = EVP_PKEY_RSA;
        *hash = sig->signature.rsassa.hash;
        break;
    case TPM2_ALG_ECDSA:
        want_type = EVP_PKEY_EC;
        *hash = sig->signature.ecdsa.hash;
        break;
    default:
        return attls_fail(st, ATTLS_E_TPM_SIG_SCHEME, "tpm.signature",
                          "signature scheme %s is not RSASSA, RSAPSS or "
                          "ECDSA",
                          alg_or_hex(sig->sigAlg, a, sizeof(a)));
    }
    if (attls_tpm_hash_md(*hash) == NULL)
        return attls_fail(st, ATTLS_E_TPM_SIG_SCHEME, "tpm.signature",
                          "%s signature hash %s is not SHA-1, SHA-256, "
                          "SHA-384 or SHA-512",
                          attls_tpm_alg_name(sig->sigAlg),
                          alg_or_hex(*hash, h, sizeof(h)));
    if (key_type != want_type)
        return attls_fail(st, ATTLS_E_TPM_SIG_SCHEME, "tpm.signature",
                          "%s signature cannot come from the %s AK",
                          attls_tpm_alg_name(sig->sigAlg),
                          key_type == EVP_PKEY_RSA ? "RSA" : "EC");
    return ATTLS_OK;
}

attls_code attls_tpm_sig_verify(EVP_PKEY *key, const uint8_t *msg,
                                size_t msg_len, const TPMT_SIGNATURE *sig,
                                attls_status *st)
{
    EVP_MD_CTX *ctx = NULL;
    EVP_PKEY_CTX *pctx = NULL;
    uint8_t *der = NULL;
    const uint8_t *sig_bytes;
    size_t sig_len = 0;
    uint16_t hash = 0;
    attls_code rc;
    int ok;

    if ((rc = check_ak_key(key, st)) != ATTLS_OK ||
        (rc = check_scheme(key, sig, &hash, st)) != ATTLS_OK)
        return rc;
    if (sig->sigAlg == TPM2_ALG_ECDSA) {
        if ((rc = ecdsa_der(&sig->signature.ecdsa, &der, &sig_len, st)) !=
            ATTLS_OK)
            return rc;
        sig_bytes = der;
    } else {
        sig_bytes = sig->signature.rsassa.sig.buffer;
        sig_len = sig->signature.rsassa.sig.size;
    }
    ERR_set_mark();
    ctx = EVP_MD_CTX_new();
    ok = ctx != NULL &&
         EVP_DigestVerifyInit_ex(ctx, &pctx,
                                 EVP_MD_get0_name(attls_tpm_hash_md(hash)),
                                 NULL, NULL, key, NULL) == 1;
    if (ok && sig->sigAlg == TPM2_ALG_RSAPSS)
        /* TPMs choose the salt length themselves (hash length or the
         * maximum): recover it from the signature. */
        ok = EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) == 1 &&
             EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_AUTO) == 1;
    else if (ok && sig->sigAlg == TPM2_ALG_RSASSA)
        ok = EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PADDING) == 1;
    if (!ok) {
        rc = attls_fail(st, ATTLS_E_INTERNAL, "tpm.signature",
                        "cannot set up %s/%s verification",
                        attls_tpm_alg_name(sig->sigAlg),
                        attls_tpm_alg_name(hash));
    } else if (EVP_DigestVerify(ctx, sig_bytes, sig_len, msg, msg_len) != 1) {
        rc = attls_fail(
            st, ATTLS_E_TPM_SIGNATURE, "tpm.signature",
            "%s/%s signature (%zu bytes) over the %zu-byte "
            "TPMS_ATTEST does not verify with the %d-bit %s AK",
            attls_tpm_alg_name(sig->sigAlg), attls_tpm_alg_name(hash),
            sig->sigAlg == TPM2_ALG_ECDSA
                ? (size_t)sig->signature.ecdsa.signatureR.size +
                      sig->signature.ecdsa.signatureS.size
                : sig_len,
            msg_len, EVP_PKEY_get_bits(key),
            EVP_PKEY_get_base_id(key) == EVP_PKEY_RSA ? "RSA" : "EC");
    }
    ERR_pop_to_mark();
    EVP_MD_CTX_free(ctx);
    OPENSSL_free(der);
    return rc;
}

/* ------------------------------------------------------------------ */
/* Quote and certify                                                   */
/* ------------------------------------------------------------------ */

static uint16_t sig_hash_of(const TPMT_SIGNATURE *sig)
{
    return sig->sigAlg == TPM2_ALG_ECDSA ? sig->signature.ecdsa.hash
                                         : sig->signature.rsassa.hash;
}

static attls_code check_signer(const TPMS_ATTEST *a,
                               const attls_tpm_verify_opts *opts,
                               attls_status *st)
{
    char got[2 * ATTLS_TPM_MAX_NAME + 8], want[2 * ATTLS_TPM_MAX_NAME + 8];

    if (opts->qualified_signer == NULL)
        return ATTLS_OK;
    if (attls_tpm_bytes_equal(a->qualifiedSigner.name, a->qualifiedSigner.size,
                              opts->qualified_signer,
                              opts->qualified_signer_len))
        return ATTLS_OK;
    attls_tpm_hex_excerpt(a->qualifiedSigner.name, a->qualifiedSigner.size,
                          ATTLS_TPM_MAX_NAME, got, sizeof(got));
    attls_tpm_hex_excerpt(opts->qualified_signer, opts->qualified_signer_len,
                          ATTLS_TPM_MAX_NAME, want, sizeof(want));
    return attls_fail(st, ATTLS_E_TPM_SIGNER_MISMATCH,
                      "tpm.attest.qualified_signer",
                      "qualifiedSigner %s is not the expected %s: the "
                      "signing key is not the expected AK",
                      got, want);
}

static attls_code check_extra_data(const TPMS_ATTEST *a,
                                   const attls_tpm_verify_opts *opts,
                                   attls_status *st)
{
    char got[2 * 24 + 8], want[2 * 24 + 8];

    if (opts->skip_extra_data)
        return ATTLS_OK;
    if (attls_tpm_bytes_equal(a->extraData.buffer, a->extraData.size,
                              opts->extra_data, opts->extra_data_len))
        return ATTLS_OK;
    attls_tpm_hex_excerpt(a->extraData.buffer, a->extraData.size, 24, got,
                          sizeof(got));
    attls_tpm_hex_excerpt(opts->extra_data, opts->extra_data_len, 24, want,
                          sizeof(want));
    return attls_fail(st, ATTLS_E_TPM_NONCE, "tpm.attest.extra_data",
                      "extraData is %s (%u bytes), expected %s (%zu bytes): "
                      "stale or replayed evidence, or a different binding",
                      got, a->extraData.size, want, opts->extra_data_len);
}

/* Steps shared by quote and certify: parse, signature, signer, extraData. */
static attls_code verify_common(const uint8_t *attest, size_t attest_len,
                                uint16_t type, const attls_tpm_sig *sig,
                                EVP_PKEY *ak, const attls_tpm_verify_opts *opts,
                                TPMS_ATTEST *a, TPMT_SIGNATURE *s,
                                attls_status *st)
{
    attls_code rc;

    if (attest == NULL || sig == NULL || ak == NULL || opts == NULL)
        return attls_fail(st, ATTLS_E_ARGUMENT, "tpm.attest",
                          "TPMS_ATTEST, signature, AK and options are "
                          "required");
    if ((rc = attls_tpm_attest_parse(attest, attest_len, type, a, st)) !=
            ATTLS_OK ||
        (rc = attls_tpm_sig_decode(sig, s, st)) != ATTLS_OK ||
        (rc = attls_tpm_sig_verify(ak, attest, attest_len, s, st)) !=
            ATTLS_OK ||
        (rc = check_signer(a, opts, st)) != ATTLS_OK)
        return rc;
    return check_extra_data(a, opts, st);
}

static attls_code refuse_sha1_signature(const TPMT_SIGNATURE *s,
                                        const attls_tpm_verify_opts *opts,
                                        const char *what, attls_status *st)
{
    if (opts->allow_sha1 || sig_hash_of(s) != TPM2_ALG_SHA1)
        return ATTLS_OK;
    return attls_fail(st, ATTLS_E_TPM_SHA1_REFUSED, "tpm.signature.sha1",
                      "the %s verifies, but is signed %s/SHA-1; SHA-1 "
                      "signatures are refused unless explicitly allowed",
                      what, attls_tpm_alg_name(s->sigAlg));
}

static void claims_common(const TPMS_ATTEST *a, const TPMT_SIGNATURE *s,
                          const attls_tpm_verify_opts *opts,
                          attls_tpm_attest_claims *c)
{
    memset(c, 0, sizeof(*c));
    c->type = a->type;
    c->qualified_signer_len = a->qualifiedSigner.size;
    memcpy(c->qualified_signer, a->qualifiedSigner.name,
           a->qualifiedSigner.size);
    c->qualified_signer_checked = opts->qualified_signer != NULL;
    c->extra_data_len = a->extraData.size;
    memcpy(c->extra_data, a->extraData.buffer, a->extraData.size);
    c->extra_data_checked = !opts->skip_extra_data;
    c->clock = a->clockInfo.clock;
    c->reset_count = a->clockInfo.resetCount;
    c->restart_count = a->clockInfo.restartCount;
    c->safe = a->clockInfo.safe != 0;
    c->firmware_version = a->firmwareVersion;
    c->sig_scheme = s->sigAlg;
    c->sig_hash = sig_hash_of(s);
}

static attls_code check_pcr_digest(const TPMS_QUOTE_INFO *q, uint16_t hash,
                                   const attls_tpm_pcrs *pcrs, attls_status *st)
{
    uint8_t digest[ATTLS_TPM_MAX_DIGEST];
    size_t digest_len = attls_tpm_hash_size(hash);
    char got[2 * ATTLS_TPM_MAX_DIGEST + 8], want[2 * ATTLS_TPM_MAX_DIGEST + 8];
    attls_code rc;

    if (q->pcrDigest.size != digest_len)
        return attls_fail(st, ATTLS_E_TPM_PCR_DIGEST, "tpm.quote.pcr_digest",
                          "pcrDigest is %u bytes, but the quote is signed "
                          "with %s, whose digests are %zu bytes",
                          q->pcrDigest.size, attls_tpm_alg_name(hash),
                          digest_len);
    if (pcrs == NULL)
        return ATTLS_OK;
    rc = attls_tpm_pcr_digest(&q->pcrSelect, pcrs, hash, digest, &digest_len,
                              st);
    if (rc != ATTLS_OK)
        return rc;
    if (attls_tpm_bytes_equal(digest, digest_len, q->pcrDigest.buffer,
                              q->pcrDigest.size))
        return ATTLS_OK;
    attls_tpm_hex_excerpt(q->pcrDigest.buffer, q->pcrDigest.size,
                          ATTLS_TPM_MAX_DIGEST, got, sizeof(got));
    attls_tpm_hex_excerpt(digest, digest_len, ATTLS_TPM_MAX_DIGEST, want,
                          sizeof(want));
    return attls_fail(st, ATTLS_E_TPM_PCR_DIGEST, "tpm.quote.pcr_digest",
                      "quoted pcrDigest %s differs from %s(supplied PCR "
                      "values) = %s: the PCR values are not the quoted ones",
                      got, attls_tpm_alg_name(hash), want);
}

static attls_code refuse_sha1_bank(const TPML_PCR_SELECTION *sel,
                                   const attls_tpm_verify_opts *opts,
                                   attls_status *st)
{
    if (opts->allow_sha1)
        return ATTLS_OK;
    for (UINT32 i = 0; i < sel->count; i++) {
        if (sel->pcrSelections[i].hash == TPM2_ALG_SHA1 &&
            attls_tpm_selection_mask(&sel->pcrSelections[i]) != 0)
            return attls_fail(st, ATTLS_E_TPM_SHA1_REFUSED,
                              "tpm.quote.sha1_bank",
                              "the quote verifies, but selects PCRs of the "
                              "SHA-1 bank (selection %u); SHA-1 banks are "
                              "refused unless explicitly allowed",
                              i);
    }
    return ATTLS_OK;
}

attls_code attls_tpm_quote_verify(const uint8_t *attest, size_t attest_len,
                                  const attls_tpm_sig *sig, EVP_PKEY *ak,
                                  const attls_tpm_pcrs *pcrs,
                                  const attls_tpm_verify_opts *opts,
                                  attls_tpm_attest_claims *claims,
                                  attls_status *st)
{
    TPMS_ATTEST a;
    TPMT_SIGNATURE s;
    const TPMS_QUOTE_INFO *q = &a.attested.quote;
    attls_code rc;

    rc = verify_common(attest, attest_len, TPM2_ST_ATTEST_QUOTE, sig, ak, opts,
                       &a, &s, st);
    if (rc == ATTLS_OK)
        rc = attls_tpm_selection_check(&q->pcrSelect, st);
    if (rc == ATTLS_OK)
        rc = check_pcr_digest(q, sig_hash_of(&s), pcrs, st);
    if (rc == ATTLS_OK)
        rc = refuse_sha1_signature(&s, opts, "quote", st);
    if (rc == ATTLS_OK)
        rc = refuse_sha1_bank(&q->pcrSelect, opts, st);
    if (rc != ATTLS_OK || claims == NULL)
        return rc;
    claims_common(&a, &s, opts, claims);
    claims->pcr_bank_count = q->pcrSelect.count;
    for (UINT32 i = 0; i < q->pcrSelect.count; i++) {
        claims->pcr_banks[i].hash_alg = q->pcrSelect.pcrSelections[i].hash;
        claims->pcr_banks[i].mask =
            attls_tpm_selection_mask(&q->pcrSelect.pcrSelections[i]);
    }
    claims->pcr_digest_len = q->pcrDigest.size;
    memcpy(claims->pcr_digest, q->pcrDigest.buffer, q->pcrDigest.size);
    claims->pcrs_checked = pcrs != NULL;
    return ATTLS_OK;
}

static attls_code check_certified_name(const TPMS_CERTIFY_INFO *c,
                                       const TPMT_PUBLIC *certified,
                                       attls_status *st)
{
    char got[2 * ATTLS_TPM_MAX_NAME + 8], want[2 * ATTLS_TPM_MAX_NAME + 8];
    TPM2B_NAME name;
    attls_code rc = attls_tpm_object_name(certified, &name, st);

    if (rc != ATTLS_OK)
        return rc;
    if (attls_tpm_bytes_equal(c->name.name, c->name.size, name.name, name.size))
        return ATTLS_OK;
    attls_tpm_hex_excerpt(c->name.name, c->name.size, ATTLS_TPM_MAX_NAME, got,
                          sizeof(got));
    attls_tpm_hex_excerpt(name.name, name.size, ATTLS_TPM_MAX_NAME, want,
                          sizeof(want));
    return attls_fail(st, ATTLS_E_TPM_NAME_MISMATCH, "tpm.certify.name",
                      "certified Name %s is not the Name %s of the given "
                      "public area: the TPM certified another object",
                      got, want);
}

attls_code attls_tpm_certify_verify(const uint8_t *attest, size_t attest_len,
                                    const attls_tpm_sig *sig, EVP_PKEY *ak,
                                    const TPMT_PUBLIC *certified,
                                    const attls_tpm_verify_opts *opts,
                                    attls_tpm_attest_claims *claims,
                                    attls_status *st)
{
    TPMS_ATTEST a;
    TPMT_SIGNATURE s;
    const TPMS_CERTIFY_INFO *c = &a.attested.certify;
    attls_code rc;

    if (certified == NULL)
        return attls_fail(st, ATTLS_E_ARGUMENT, "tpm.certify",
                          "the certified public area is required");
    rc = verify_common(attest, attest_len, TPM2_ST_ATTEST_CERTIFY, sig, ak,
                       opts, &a, &s, st);
    if (rc == ATTLS_OK)
        rc = check_certified_name(c, certified, st);
    if (rc == ATTLS_OK)
        rc = refuse_sha1_signature(&s, opts, "certification", st);
    if (rc == ATTLS_OK && !opts->allow_sha1 &&
        certified->nameAlg == TPM2_ALG_SHA1)
        rc = attls_fail(st, ATTLS_E_TPM_SHA1_REFUSED, "tpm.certify.sha1_name",
                        "the certification verifies, but the certified "
                        "object's Name is a SHA-1 digest; refused unless "
                        "SHA-1 is explicitly allowed");
    if (rc != ATTLS_OK || claims == NULL)
        return rc;
    claims_common(&a, &s, opts, claims);
    claims->certified_name_len = c->name.size;
    memcpy(claims->certified_name, c->name.name, c->name.size);
    claims->certified_qualified_name_len = c->qualifiedName.size;
    memcpy(claims->certified_qualified_name, c->qualifiedName.name,
           c->qualifiedName.size);
    claims->certified_attributes = certified->objectAttributes;
    return ATTLS_OK;
}
