/* SPDX-License-Identifier: Apache-2.0 */
/*-
 * RSA signatures.
 *
 * PKCS#1 v1.5: TPM2_Sign with RSASSA (the TPM adds the DigestInfo).
 * PSS: TPM2_Sign(RSAPSS) lets the TPM choose the salt length, and some
 * TPMs choose the maximum, which TLS 1.3 verifiers reject (salt must equal
 * the digest length). So attls encodes EMSA-PSS itself, with the salt
 * length asked for, and runs the raw RSA private operation in the TPM
 * (TPM2_RSA_Decrypt, scheme NULL). That needs an unrestricted key with
 * sign|decrypt and scheme NULL, which is how attls and tpm2-openssl create
 * keys; any other key is refused cleanly for PSS.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/params.h>
#include <openssl/rsa.h>

#include "provider/errors.h"
#include "provider/sig_encoding.h"
#include "provider/signature.h"

static OSSL_FUNC_signature_newctx_fn rsa_newctx;
static OSSL_FUNC_signature_sign_init_fn rsa_sign_init;
static OSSL_FUNC_signature_sign_fn rsa_sign;
static OSSL_FUNC_signature_verify_init_fn rsa_verify_init;
static OSSL_FUNC_signature_verify_fn rsa_verify;
static OSSL_FUNC_signature_digest_sign_init_fn rsa_digest_sign_init;
static OSSL_FUNC_signature_digest_sign_final_fn rsa_digest_sign_final;
static OSSL_FUNC_signature_digest_sign_fn rsa_digest_sign;
static OSSL_FUNC_signature_digest_verify_init_fn rsa_digest_verify_init;
static OSSL_FUNC_signature_digest_verify_final_fn rsa_digest_verify_final;
static OSSL_FUNC_signature_get_ctx_params_fn rsa_get_ctx_params;
static OSSL_FUNC_signature_gettable_ctx_params_fn rsa_gettable_ctx_params;
static OSSL_FUNC_signature_set_ctx_params_fn rsa_set_ctx_params;
static OSSL_FUNC_signature_settable_ctx_params_fn rsa_settable_ctx_params;

static TPMI_ALG_HASH tpm_hash(const EVP_MD *md)
{
    if (EVP_MD_is_a(md, "SHA1"))
        return TPM2_ALG_SHA1;
    if (EVP_MD_is_a(md, "SHA256"))
        return TPM2_ALG_SHA256;
    if (EVP_MD_is_a(md, "SHA384"))
        return TPM2_ALG_SHA384;
    if (EVP_MD_is_a(md, "SHA512"))
        return TPM2_ALG_SHA512;
    return TPM2_ALG_ERROR;
}

static int sign_pkcs1(attls_sigctx *ctx, const uint8_t *digest, size_t len,
                      uint8_t *sig, size_t *siglen, size_t sigsize)
{
    const TPMT_PUBLIC *pub = &ctx->key->pub.publicArea;
    TPMI_ALG_RSA_SCHEME scheme = pub->parameters.rsaDetail.scheme.scheme;
    TPM2B_PUBLIC_KEY_RSA out;
    TPMI_ALG_HASH halg;

    if (ctx->md == NULL || (halg = tpm_hash(ctx->md)) == TPM2_ALG_ERROR) {
        ATTLS_RAISE(ctx->provctx, ATTLS_E_DIGEST,
                    "RSA PKCS#1 v1.5 in the TPM needs SHA-1, SHA-256, "
                    "SHA-384 or SHA-512 set as the signature digest");
        return 0;
    }
    if (scheme != TPM2_ALG_NULL && scheme != TPM2_ALG_RSASSA) {
        ATTLS_RAISE(ctx->provctx, ATTLS_E_KEY_ATTRIBUTES,
                    "the key's scheme 0x%x forbids PKCS#1 v1.5 signatures",
                    scheme);
        return 0;
    }
    if (!attls_key_sign_rsassa(ctx->key, halg, digest, len, &out))
        return 0;
    if (out.size > sigsize || out.size != attls_sig_size(ctx)) {
        ATTLS_RAISE(ctx->provctx, ATTLS_E_SIG_PARAM,
                    "RSA signature of %u bytes, %zu expected", out.size,
                    attls_sig_size(ctx));
        return 0;
    }
    memcpy(sig, out.buffer, out.size);
    *siglen = out.size;
    return 1;
}

/* The salt length the context asks for, in bytes; -1 if impossible. */
static int pss_saltlen(const attls_sigctx *ctx)
{
    int max = attls_pss_max_saltlen(ctx->md, attls_key_bits(ctx->key));

    switch (ctx->saltlen) {
    case RSA_PSS_SALTLEN_DIGEST:
        return EVP_MD_get_size(ctx->md) <= max ? EVP_MD_get_size(ctx->md) : -1;
    case RSA_PSS_SALTLEN_MAX:
    case RSA_PSS_SALTLEN_AUTO: /* for signing, AUTO means the maximum */
        return max;
    default:
        return ctx->saltlen >= 0 && ctx->saltlen <= max ? ctx->saltlen : -1;
    }
}

static int check_pss_key(attls_sigctx *ctx)
{
    const TPMT_PUBLIC *pub = &ctx->key->pub.publicArea;

    if (!(pub->objectAttributes & TPMA_OBJECT_DECRYPT) ||
        pub->parameters.rsaDetail.scheme.scheme != TPM2_ALG_NULL) {
        ATTLS_RAISE(ctx->provctx, ATTLS_E_KEY_ATTRIBUTES,
                    "RSA-PSS with a chosen salt needs a key with the decrypt "
                    "attribute and scheme NULL (attributes 0x%08x, scheme "
                    "0x%x); create the key with attls or tpm2-openssl",
                    (unsigned)pub->objectAttributes,
                    pub->parameters.rsaDetail.scheme.scheme);
        return 0;
    }
    return 1;
}

static int sign_pss(attls_sigctx *ctx, const uint8_t *digest, size_t len,
                    uint8_t *sig, size_t *siglen, size_t sigsize)
{
    size_t modlen = attls_sig_size(ctx);
    uint8_t em[512];
    TPM2B_PUBLIC_KEY_RSA out;
    int saltlen, ok;

    if (ctx->md == NULL || !check_pss_key(ctx))
        return 0;
    saltlen = pss_saltlen(ctx);
    if (saltlen < 0 || modlen > sizeof(em) || sigsize < modlen) {
        ATTLS_RAISE(ctx->provctx, ATTLS_E_SIG_PARAM,
                    "PSS salt length %d does not fit a %u-bit key with %s",
                    ctx->saltlen, attls_key_bits(ctx->key),
                    EVP_MD_get0_name(ctx->md));
        return 0;
    }
    (void)len; /* checked against the digest size by the caller */
    if (!attls_pss_encode(ctx->provctx->libctx, ctx->md, ctx->mgf1, digest,
                          (size_t)saltlen, attls_key_bits(ctx->key), em,
                          modlen)) {
        ATTLS_RAISE(ctx->provctx, ATTLS_E_INTERNAL, "EMSA-PSS encoding failed");
        return 0;
    }
    ok = attls_key_rsa_private(ctx->key, em, modlen, &out);
    OPENSSL_cleanse(em, sizeof(em));
    if (!ok)
        return 0;
    if (out.size > modlen) {
        ATTLS_RAISE(ctx->provctx, ATTLS_E_SIG_PARAM,
                    "raw RSA result of %u bytes for a %zu-byte modulus",
                    out.size, modlen);
        return 0;
    }
    /* The TPM may drop leading zero bytes: restore the modulus size. */
    memset(sig, 0, modlen - out.size);
    memcpy(sig + modlen - out.size, out.buffer, out.size);
    *siglen = modlen;
    return 1;
}

static int rsa_sign_digest(attls_sigctx *ctx, const uint8_t *digest, size_t len,
                           uint8_t *sig, size_t *siglen, size_t sigsize)
{
    if (ctx->pad == RSA_PKCS1_PSS_PADDING)
        return sign_pss(ctx, digest, len, sig, siglen, sigsize);
    return sign_pkcs1(ctx, digest, len, sig, siglen, sigsize);
}

static int rsa_verify_setup(attls_sigctx *ctx, EVP_PKEY_CTX *pctx)
{
    if (EVP_PKEY_CTX_set_rsa_padding(pctx, ctx->pad) <= 0)
        return 0;
    if (ctx->pad != RSA_PKCS1_PSS_PADDING)
        return 1;
    return EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, ctx->saltlen) > 0 &&
           (ctx->mgf1 == NULL ||
            EVP_PKEY_CTX_set_rsa_mgf1_md(pctx, ctx->mgf1) > 0);
}

static const attls_sig_alg rsa_alg = {TPM2_ALG_RSA, rsa_sign_digest,
                                      rsa_verify_setup};

static void *rsa_newctx(void *provctx, const char *propq)
{
    (void)propq;
    return attls_sig_newctx(provctx);
}

static int rsa_sign_init(void *ctx, void *key, const OSSL_PARAM params[])
{
    return attls_sig_init(ctx, &rsa_alg, key, EVP_PKEY_OP_SIGN) &&
           rsa_set_ctx_params(ctx, params);
}

static int rsa_sign(void *ctx, unsigned char *sig, size_t *siglen,
                    size_t sigsize, const unsigned char *tbs, size_t tbslen)
{
    return attls_sig_sign(ctx, &rsa_alg, sig, siglen, sigsize, tbs, tbslen);
}

static int rsa_verify_init(void *ctx, void *key, const OSSL_PARAM params[])
{
    return attls_sig_init(ctx, &rsa_alg, key, EVP_PKEY_OP_VERIFY) &&
           rsa_set_ctx_params(ctx, params);
}

static int rsa_verify(void *ctx, const unsigned char *sig, size_t siglen,
                      const unsigned char *tbs, size_t tbslen)
{
    return attls_sig_verify(ctx, &rsa_alg, sig, siglen, tbs, tbslen);
}

static int rsa_digest_sign_init(void *ctx, const char *mdname, void *key,
                                const OSSL_PARAM params[])
{
    return attls_sig_digest_init(ctx, &rsa_alg, mdname, key,
                                 EVP_PKEY_OP_SIGN) &&
           rsa_set_ctx_params(ctx, params);
}

static int rsa_digest_sign_final(void *ctx, unsigned char *sig, size_t *siglen,
                                 size_t sigsize)
{
    return attls_sig_digest_sign_final(ctx, &rsa_alg, sig, siglen, sigsize);
}

static int rsa_digest_sign(void *ctx, unsigned char *sig, size_t *siglen,
                           size_t sigsize, const unsigned char *tbs,
                           size_t tbslen)
{
    return attls_sig_digest_sign(ctx, &rsa_alg, sig, siglen, sigsize, tbs,
                                 tbslen);
}

static int rsa_digest_verify_init(void *ctx, const char *mdname, void *key,
                                  const OSSL_PARAM params[])
{
    return attls_sig_digest_init(ctx, &rsa_alg, mdname, key,
                                 EVP_PKEY_OP_VERIFY) &&
           rsa_set_ctx_params(ctx, params);
}

static int rsa_digest_verify_final(void *ctx, const unsigned char *sig,
                                   size_t siglen)
{
    return attls_sig_digest_verify_final(ctx, &rsa_alg, sig, siglen);
}

static int get_algid(attls_sigctx *ctx, OSSL_PARAM *p)
{
    uint8_t *der = NULL;
    size_t len = 0;
    int ok;

    if (ctx->md == NULL || ctx->key == NULL)
        return 0;
    if (ctx->pad == RSA_PKCS1_PSS_PADDING)
        ok = attls_algid_rsa_pss(ctx->md, ctx->mgf1, pss_saltlen(ctx), &der,
                                 &len);
    else
        ok = attls_algid_rsa_pkcs1(ctx->md, &der, &len);
    ok = ok && OSSL_PARAM_set_octet_string(p, der, len);
    OPENSSL_free(der);
    return ok;
}

static int rsa_get_ctx_params(void *vctx, OSSL_PARAM params[])
{
    attls_sigctx *ctx = vctx;
    OSSL_PARAM *p;

    if (ctx == NULL)
        return 0;
    p = OSSL_PARAM_locate(params, OSSL_SIGNATURE_PARAM_ALGORITHM_ID);
    if (p != NULL && !get_algid(ctx, p))
        return 0;
    p = OSSL_PARAM_locate(params, OSSL_SIGNATURE_PARAM_PAD_MODE);
    if (p != NULL && !OSSL_PARAM_set_int(p, ctx->pad))
        return 0;
    p = OSSL_PARAM_locate(params, OSSL_SIGNATURE_PARAM_PSS_SALTLEN);
    if (p != NULL && !OSSL_PARAM_set_int(p, ctx->saltlen))
        return 0;
    p = OSSL_PARAM_locate(params, OSSL_SIGNATURE_PARAM_MGF1_DIGEST);
    if (p != NULL && (ctx->mgf1 != NULL || ctx->md != NULL) &&
        !OSSL_PARAM_set_utf8_string(
            p, EVP_MD_get0_name(ctx->mgf1 != NULL ? ctx->mgf1 : ctx->md)))
        return 0;
    return attls_sig_get_md_param(ctx, params);
}

static const OSSL_PARAM *rsa_gettable_ctx_params(void *ctx, void *provctx)
{
    static const OSSL_PARAM known[] = {
        OSSL_PARAM_octet_string(OSSL_SIGNATURE_PARAM_ALGORITHM_ID, NULL, 0),
        OSSL_PARAM_utf8_string(OSSL_SIGNATURE_PARAM_DIGEST, NULL, 0),
        OSSL_PARAM_int(OSSL_SIGNATURE_PARAM_PAD_MODE, NULL),
        OSSL_PARAM_int(OSSL_SIGNATURE_PARAM_PSS_SALTLEN, NULL),
        OSSL_PARAM_utf8_string(OSSL_SIGNATURE_PARAM_MGF1_DIGEST, NULL, 0),
        OSSL_PARAM_END,
    };

    (void)ctx;
    (void)provctx;
    return known;
}

static int set_pad(attls_sigctx *ctx, const OSSL_PARAM *p)
{
    const char *s = NULL;
    int pad = 0;

    if (p->data_type == OSSL_PARAM_UTF8_STRING) {
        if (!OSSL_PARAM_get_utf8_string_ptr(p, &s))
            return 0;
        if (strcmp(s, OSSL_PKEY_RSA_PAD_MODE_PKCSV15) == 0)
            pad = RSA_PKCS1_PADDING;
        else if (strcmp(s, OSSL_PKEY_RSA_PAD_MODE_PSS) == 0)
            pad = RSA_PKCS1_PSS_PADDING;
    } else if (!OSSL_PARAM_get_int(p, &pad)) {
        return 0;
    }
    if (pad != RSA_PKCS1_PADDING && pad != RSA_PKCS1_PSS_PADDING) {
        ATTLS_RAISE(ctx->provctx, ATTLS_E_SIG_PARAM,
                    "RSA padding %s%s%d: attls signs with PKCS#1 v1.5 or PSS",
                    s != NULL ? s : "", s != NULL ? " / " : "", pad);
        return 0;
    }
    ctx->pad = pad;
    return 1;
}

static int parse_int(const char *s, int *out)
{
    char *end;
    long v;

    errno = 0;
    v = strtol(s, &end, 10);
    if (*s == '\0' || *end != '\0' || errno != 0 || v < INT_MIN || v > INT_MAX)
        return 0;
    *out = (int)v;
    return 1;
}

static int set_saltlen(attls_sigctx *ctx, const OSSL_PARAM *p)
{
    const char *s = NULL;
    int saltlen;

    if (p->data_type == OSSL_PARAM_UTF8_STRING) {
        if (!OSSL_PARAM_get_utf8_string_ptr(p, &s))
            return 0;
        if (strcmp(s, OSSL_PKEY_RSA_PSS_SALT_LEN_DIGEST) == 0)
            saltlen = RSA_PSS_SALTLEN_DIGEST;
        else if (strcmp(s, OSSL_PKEY_RSA_PSS_SALT_LEN_MAX) == 0)
            saltlen = RSA_PSS_SALTLEN_MAX;
        else if (strcmp(s, OSSL_PKEY_RSA_PSS_SALT_LEN_AUTO) == 0)
            saltlen = RSA_PSS_SALTLEN_AUTO;
        else if (!parse_int(s, &saltlen))
            saltlen = INT_MIN;
    } else if (!OSSL_PARAM_get_int(p, &saltlen)) {
        return 0;
    }
    if (saltlen < RSA_PSS_SALTLEN_MAX) {
        ATTLS_RAISE(ctx->provctx, ATTLS_E_SIG_PARAM,
                    "PSS salt length '%s' not understood",
                    s != NULL ? s : "(integer below -3)");
        return 0;
    }
    ctx->saltlen = saltlen;
    return 1;
}

static int set_mgf1(attls_sigctx *ctx, const OSSL_PARAM *p)
{
    const char *name = NULL;
    EVP_MD *md;

    if (!OSSL_PARAM_get_utf8_string_ptr(p, &name))
        return 0;
    md = EVP_MD_fetch(ctx->provctx->libctx, name, NULL);
    if (md == NULL) {
        ATTLS_RAISE(ctx->provctx, ATTLS_E_DIGEST,
                    "MGF1 digest '%s' unavailable", name);
        return 0;
    }
    EVP_MD_free(ctx->mgf1);
    ctx->mgf1 = md;
    return 1;
}

static int rsa_set_ctx_params(void *vctx, const OSSL_PARAM params[])
{
    attls_sigctx *ctx = vctx;
    const OSSL_PARAM *p;

    if (ctx == NULL)
        return 0;
    if (params == NULL)
        return 1;
    if (!attls_sig_set_md_param(ctx, params))
        return 0;
    p = OSSL_PARAM_locate_const(params, OSSL_SIGNATURE_PARAM_PAD_MODE);
    if (p != NULL && !set_pad(ctx, p))
        return 0;
    p = OSSL_PARAM_locate_const(params, OSSL_SIGNATURE_PARAM_PSS_SALTLEN);
    if (p != NULL && !set_saltlen(ctx, p))
        return 0;
    p = OSSL_PARAM_locate_const(params, OSSL_SIGNATURE_PARAM_MGF1_DIGEST);
    if (p != NULL && !set_mgf1(ctx, p))
        return 0;
    return 1;
}

static const OSSL_PARAM *rsa_settable_ctx_params(void *ctx, void *provctx)
{
    static const OSSL_PARAM known[] = {
        OSSL_PARAM_utf8_string(OSSL_SIGNATURE_PARAM_DIGEST, NULL, 0),
        OSSL_PARAM_utf8_string(OSSL_SIGNATURE_PARAM_PROPERTIES, NULL, 0),
        OSSL_PARAM_utf8_string(OSSL_SIGNATURE_PARAM_PAD_MODE, NULL, 0),
        OSSL_PARAM_utf8_string(OSSL_SIGNATURE_PARAM_PSS_SALTLEN, NULL, 0),
        OSSL_PARAM_utf8_string(OSSL_SIGNATURE_PARAM_MGF1_DIGEST, NULL, 0),
        OSSL_PARAM_utf8_string(OSSL_SIGNATURE_PARAM_MGF1_PROPERTIES, NULL, 0),
        OSSL_PARAM_END,
    };

    (void)ctx;
    (void)provctx;
    return known;
}

const OSSL_DISPATCH attls_rsa_signature_functions[] = {
    {OSSL_FUNC_SIGNATURE_NEWCTX, (void (*)(void))rsa_newctx},
    {OSSL_FUNC_SIGNATURE_SIGN_INIT, (void (*)(void))rsa_sign_init},
    {OSSL_FUNC_SIGNATURE_SIGN, (void (*)(void))rsa_sign},
    {OSSL_FUNC_SIGNATURE_VERIFY_INIT, (void (*)(void))rsa_verify_init},
    {OSSL_FUNC_SIGNATURE_VERIFY, (void (*)(void))rsa_verify},
    {OSSL_FUNC_SIGNATURE_DIGEST_SIGN_INIT,
     (void (*)(void))rsa_digest_sign_init},
    {OSSL_FUNC_SIGNATURE_DIGEST_SIGN_UPDATE,
     (void (*)(void))attls_sig_digest_update},
    {OSSL_FUNC_SIGNATURE_DIGEST_SIGN_FINAL,
     (void (*)(void))rsa_digest_sign_final},
    {OSSL_FUNC_SIGNATURE_DIGEST_SIGN, (void (*)(void))rsa_digest_sign},
    {OSSL_FUNC_SIGNATURE_DIGEST_VERIFY_INIT,
     (void (*)(void))rsa_digest_verify_init},
    {OSSL_FUNC_SIGNATURE_DIGEST_VERIFY_UPDATE,
     (void (*)(void))attls_sig_digest_update},
    {OSSL_FUNC_SIGNATURE_DIGEST_VERIFY_FINAL,
     (void (*)(void))rsa_digest_verify_final},
    {OSSL_FUNC_SIGNATURE_FREECTX, (void (*)(void))attls_sig_freectx},
    {OSSL_FUNC_SIGNATURE_DUPCTX, (void (*)(void))attls_sig_dupctx},
    {OSSL_FUNC_SIGNATURE_GET_CTX_PARAMS, (void (*)(void))rsa_get_ctx_params},
    {OSSL_FUNC_SIGNATURE_GETTABLE_CTX_PARAMS,
     (void (*)(void))rsa_gettable_ctx_params},
    {OSSL_FUNC_SIGNATURE_SET_CTX_PARAMS, (void (*)(void))rsa_set_ctx_params},
    {OSSL_FUNC_SIGNATURE_SETTABLE_CTX_PARAMS,
     (void (*)(void))rsa_settable_ctx_params},
    {0, NULL},
};
