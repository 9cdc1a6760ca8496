/* SPDX-License-Identifier: Apache-2.0 */
/*-
 * Signature context plumbing shared by ECDSA and RSA: init, digest,
 * dupctx (OpenSSL 3.0 duplicates the context in EVP_DigestSignFinal, so
 * it must work), software verification.
 */
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/params.h>
#include <openssl/rsa.h>

#include "provider/errors.h"
#include "provider/signature.h"
#include "tpm/pubkey.h"

attls_sigctx *attls_sig_newctx(void *provctx)
{
    attls_sigctx *ctx = OPENSSL_zalloc(sizeof(*ctx));

    if (ctx == NULL)
        return NULL;
    ctx->provctx = provctx;
    ctx->pad = RSA_PKCS1_PADDING;
    ctx->saltlen = RSA_PSS_SALTLEN_DIGEST;
    return ctx;
}

void attls_sig_freectx(void *vctx)
{
    attls_sigctx *ctx = vctx;

    if (ctx == NULL)
        return;
    attls_key_free(ctx->key);
    EVP_MD_free(ctx->md);
    EVP_MD_free(ctx->mgf1);
    EVP_MD_CTX_free(ctx->mdctx);
    OPENSSL_free(ctx);
}

void *attls_sig_dupctx(void *vctx)
{
    const attls_sigctx *src = vctx;
    attls_sigctx *dst = OPENSSL_memdup(src, sizeof(*src));

    if (dst == NULL)
        return NULL;
    dst->mdctx = NULL;
    if (dst->key != NULL)
        attls_key_up_ref(dst->key);
    if (dst->md != NULL && !EVP_MD_up_ref(dst->md))
        dst->md = NULL;
    if (dst->mgf1 != NULL && !EVP_MD_up_ref(dst->mgf1))
        dst->mgf1 = NULL;
    if (src->mdctx != NULL) {
        dst->mdctx = EVP_MD_CTX_new();
        if (dst->mdctx == NULL || !EVP_MD_CTX_copy_ex(dst->mdctx, src->mdctx)) {
            attls_sig_freectx(dst);
            return NULL;
        }
    }
    return dst;
}

int attls_sig_init(attls_sigctx *ctx, const attls_sig_alg *alg, void *vkey,
                   int operation)
{
    attls_key *key = vkey;

    if (key == NULL) {
        if (ctx->key == NULL)
            return 0;
        key = ctx->key; /* re-init with the same key */
    }
    if (key->soft == NULL || key->pub.publicArea.type != alg->key_type) {
        ATTLS_RAISE(ctx->provctx, ATTLS_E_ARGUMENT,
                    "key of the wrong type for this signature algorithm");
        return 0;
    }
    if (operation == EVP_PKEY_OP_SIGN && !key->has_private) {
        ATTLS_RAISE(ctx->provctx, ATTLS_E_KEY_NOT_PRIVATE,
                    "signing needs a TPM key; this attls key is public only");
        return 0;
    }
    if (key != ctx->key) {
        attls_key_up_ref(key);
        attls_key_free(ctx->key);
        ctx->key = key;
    }
    ctx->operation = operation;
    ctx->md_locked = 0;
    EVP_MD_CTX_free(ctx->mdctx);
    ctx->mdctx = NULL;
    return 1;
}

int attls_sig_set_md(attls_sigctx *ctx, const char *mdname)
{
    EVP_MD *md;

    if (ctx->md_locked && ctx->md != NULL && EVP_MD_is_a(ctx->md, mdname))
        return 1;
    if (ctx->md_locked) {
        ATTLS_RAISE(ctx->provctx, ATTLS_E_SIG_PARAM,
                    "the digest cannot change during a digest-sign");
        return 0;
    }
    md = EVP_MD_fetch(ctx->provctx->libctx, mdname, NULL);
    if (md == NULL || EVP_MD_get_size(md) <= 0 ||
        EVP_MD_get_size(md) > EVP_MAX_MD_SIZE) {
        EVP_MD_free(md);
        ATTLS_RAISE(ctx->provctx, ATTLS_E_DIGEST, "digest '%s' unavailable",
                    mdname);
        return 0;
    }
    EVP_MD_free(ctx->md);
    ctx->md = md;
    return 1;
}

int attls_sig_digest_init(attls_sigctx *ctx, const attls_sig_alg *alg,
                          const char *mdname, void *key, int operation)
{
    if (!attls_sig_init(ctx, alg, key, operation))
        return 0;
    if (mdname == NULL || *mdname == '\0')
        mdname = ctx->key->pub.publicArea.type == TPM2_ALG_ECC &&
                         attls_key_bits(ctx->key) == 384
                     ? "SHA384"
                     : "SHA256";
    if (!attls_sig_set_md(ctx, mdname))
        return 0;
    ctx->mdctx = EVP_MD_CTX_new();
    if (ctx->mdctx == NULL || !EVP_DigestInit_ex2(ctx->mdctx, ctx->md, NULL))
        return 0;
    ctx->md_locked = 1;
    return 1;
}

int attls_sig_digest_update(void *vctx, const unsigned char *data,
                            size_t datalen)
{
    attls_sigctx *ctx = vctx;

    if (ctx == NULL || ctx->mdctx == NULL)
        return 0;
    return EVP_DigestUpdate(ctx->mdctx, data, datalen);
}

size_t attls_sig_size(const attls_sigctx *ctx)
{
    const TPMT_PUBLIC *pub = &ctx->key->pub.publicArea;
    size_t fb, content;

    if (pub->type == TPM2_ALG_RSA)
        return pub->parameters.rsaDetail.keyBits / 8U;
    fb = attls_tpm_curve_bytes(pub->parameters.eccDetail.curveID);
    content = 2 * (2 + fb + 1);
    return content + (content < 128 ? 2 : 3);
}

static int check_digest_len(attls_sigctx *ctx, size_t len)
{
    if (ctx->md != NULL && (size_t)EVP_MD_get_size(ctx->md) != len) {
        ATTLS_RAISE(ctx->provctx, ATTLS_E_DIGEST,
                    "input is %zu bytes, the %s digest is %d", len,
                    EVP_MD_get0_name(ctx->md), EVP_MD_get_size(ctx->md));
        return 0;
    }
    return 1;
}

int attls_sig_sign(attls_sigctx *ctx, const attls_sig_alg *alg, uint8_t *sig,
                   size_t *siglen, size_t sigsize, const uint8_t *tbs,
                   size_t tbslen)
{
    if (ctx->key == NULL || ctx->operation != EVP_PKEY_OP_SIGN)
        return 0;
    if (sig == NULL) {
        *siglen = attls_sig_size(ctx);
        return 1;
    }
    if (!check_digest_len(ctx, tbslen))
        return 0;
    return alg->sign_digest(ctx, tbs, tbslen, sig, siglen, sigsize);
}

int attls_sig_digest_sign_final(attls_sigctx *ctx, const attls_sig_alg *alg,
                                uint8_t *sig, size_t *siglen, size_t sigsize)
{
    uint8_t digest[EVP_MAX_MD_SIZE];
    unsigned int dlen = 0;

    if (ctx->mdctx == NULL || ctx->operation != EVP_PKEY_OP_SIGN)
        return 0;
    if (sig == NULL) {
        *siglen = attls_sig_size(ctx);
        return 1;
    }
    if (!EVP_DigestFinal_ex(ctx->mdctx, digest, &dlen))
        return 0;
    return alg->sign_digest(ctx, digest, dlen, sig, siglen, sigsize);
}

int attls_sig_digest_sign(attls_sigctx *ctx, const attls_sig_alg *alg,
                          uint8_t *sig, size_t *siglen, size_t sigsize,
                          const uint8_t *tbs, size_t tbslen)
{
    if (sig == NULL) {
        if (ctx->key == NULL)
            return 0;
        *siglen = attls_sig_size(ctx);
        return 1;
    }
    if (!attls_sig_digest_update(ctx, tbs, tbslen))
        return 0;
    return attls_sig_digest_sign_final(ctx, alg, sig, siglen, sigsize);
}

int attls_sig_verify(attls_sigctx *ctx, const attls_sig_alg *alg,
                     const uint8_t *sig, size_t siglen, const uint8_t *tbs,
                     size_t tbslen)
{
    EVP_PKEY_CTX *pctx;
    int ok;

    if (ctx->key == NULL || ctx->operation != EVP_PKEY_OP_VERIFY ||
        !check_digest_len(ctx, tbslen))
        return 0;
    /* Software, in the private library context: never the TPM. */
    pctx =
        EVP_PKEY_CTX_new_from_pkey(ctx->provctx->libctx, ctx->key->soft, NULL);
    ok =
        pctx != NULL && EVP_PKEY_verify_init(pctx) > 0 &&
        (ctx->md == NULL || EVP_PKEY_CTX_set_signature_md(pctx, ctx->md) > 0) &&
        alg->verify_setup(ctx, pctx) &&
        EVP_PKEY_verify(pctx, sig, siglen, tbs, tbslen) == 1;
    EVP_PKEY_CTX_free(pctx);
    return ok;
}

int attls_sig_digest_verify_final(attls_sigctx *ctx, const attls_sig_alg *alg,
                                  const uint8_t *sig, size_t siglen)
{
    uint8_t digest[EVP_MAX_MD_SIZE];
    unsigned int dlen = 0;

    if (ctx->mdctx == NULL || !EVP_DigestFinal_ex(ctx->mdctx, digest, &dlen))
        return 0;
    return attls_sig_verify(ctx, alg, sig, siglen, digest, dlen);
}

int attls_sig_get_md_param(attls_sigctx *ctx, OSSL_PARAM params[])
{
    OSSL_PARAM *p = OSSL_PARAM_locate(params, OSSL_SIGNATURE_PARAM_DIGEST);

    if (p != NULL && ctx->md != NULL &&
        !OSSL_PARAM_set_utf8_string(p, EVP_MD_get0_name(ctx->md)))
        return 0;
    return 1;
}

int attls_sig_set_md_param(attls_sigctx *ctx, const OSSL_PARAM params[])
{
    const OSSL_PARAM *p;
    const char *mdname = NULL;

    p = OSSL_PARAM_locate_const(params, OSSL_SIGNATURE_PARAM_DIGEST);
    if (p == NULL)
        return 1;
    if (!OSSL_PARAM_get_utf8_string_ptr(p, &mdname))
        return 0;
    return attls_sig_set_md(ctx, mdname);
}
