/* SPDX-License-Identifier: Apache-2.0 */
/* ECDSA: TPM2_Sign over a software digest, the (r, s) result as DER. */
#include <openssl/core_names.h>
#include <openssl/params.h>

#include "provider/errors.h"
#include "provider/sig_encoding.h"
#include "provider/signature.h"

static OSSL_FUNC_signature_newctx_fn ecdsa_newctx;
static OSSL_FUNC_signature_sign_init_fn ecdsa_sign_init;
static OSSL_FUNC_signature_sign_fn ecdsa_sign;
static OSSL_FUNC_signature_verify_init_fn ecdsa_verify_init;
static OSSL_FUNC_signature_verify_fn ecdsa_verify;
static OSSL_FUNC_signature_digest_sign_init_fn ecdsa_digest_sign_init;
static OSSL_FUNC_signature_digest_sign_final_fn ecdsa_digest_sign_final;
static OSSL_FUNC_signature_digest_sign_fn ecdsa_digest_sign;
static OSSL_FUNC_signature_digest_verify_init_fn ecdsa_digest_verify_init;
static OSSL_FUNC_signature_digest_verify_final_fn ecdsa_digest_verify_final;
static OSSL_FUNC_signature_get_ctx_params_fn ecdsa_get_ctx_params;
static OSSL_FUNC_signature_gettable_ctx_params_fn ecdsa_gettable_ctx_params;
static OSSL_FUNC_signature_set_ctx_params_fn ecdsa_set_ctx_params;
static OSSL_FUNC_signature_settable_ctx_params_fn ecdsa_settable_ctx_params;

static int ecdsa_sign_digest(attls_sigctx *ctx, const uint8_t *digest,
                             size_t len, uint8_t *sig, size_t *siglen,
                             size_t sigsize)
{
    TPMS_SIGNATURE_ECC ecc;

    if (!attls_key_sign_ecdsa(ctx->key, digest, len, &ecc))
        return 0;
    if (!attls_ecdsa_to_der(ecc.signatureR.buffer, ecc.signatureR.size,
                            ecc.signatureS.buffer, ecc.signatureS.size, sig,
                            sigsize, siglen)) {
        ATTLS_RAISE(ctx->provctx, ATTLS_E_SIG_PARAM,
                    "ECDSA signature does not fit in %zu bytes", sigsize);
        return 0;
    }
    return 1;
}

static int ecdsa_verify_setup(attls_sigctx *ctx, EVP_PKEY_CTX *pctx)
{
    (void)ctx;
    (void)pctx;
    return 1;
}

static const attls_sig_alg ecdsa_alg = {TPM2_ALG_ECC, ecdsa_sign_digest,
                                        ecdsa_verify_setup};

static void *ecdsa_newctx(void *provctx, const char *propq)
{
    (void)propq;
    return attls_sig_newctx(provctx);
}

static int ecdsa_sign_init(void *ctx, void *key, const OSSL_PARAM params[])
{
    return attls_sig_init(ctx, &ecdsa_alg, key, EVP_PKEY_OP_SIGN) &&
           ecdsa_set_ctx_params(ctx, params);
}

static int ecdsa_sign(void *ctx, unsigned char *sig, size_t *siglen,
                      size_t sigsize, const unsigned char *tbs, size_t tbslen)
{
    return attls_sig_sign(ctx, &ecdsa_alg, sig, siglen, sigsize, tbs, tbslen);
}

static int ecdsa_verify_init(void *ctx, void *key, const OSSL_PARAM params[])
{
    return attls_sig_init(ctx, &ecdsa_alg, key, EVP_PKEY_OP_VERIFY) &&
           ecdsa_set_ctx_params(ctx, params);
}

static int ecdsa_verify(void *ctx, const unsigned char *sig, size_t siglen,
                        const unsigned char *tbs, size_t tbslen)
{
    return attls_sig_verify(ctx, &ecdsa_alg, sig, siglen, tbs, tbslen);
}

static int ecdsa_digest_sign_init(void *ctx, const char *mdname, void *key,
                                  const OSSL_PARAM params[])
{
    return attls_sig_digest_init(ctx, &ecdsa_alg, mdname, key,
                                 EVP_PKEY_OP_SIGN) &&
           ecdsa_set_ctx_params(ctx, params);
}

static int ecdsa_digest_sign_final(void *ctx, unsigned char *sig,
                                   size_t *siglen, size_t sigsize)
{
    return attls_sig_digest_sign_final(ctx, &ecdsa_alg, sig, siglen, sigsize);
}

static int ecdsa_digest_sign(void *ctx, unsigned char *sig, size_t *siglen,
                             size_t sigsize, const unsigned char *tbs,
                             size_t tbslen)
{
    return attls_sig_digest_sign(ctx, &ecdsa_alg, sig, siglen, sigsize, tbs,
                                 tbslen);
}

static int ecdsa_digest_verify_init(void *ctx, const char *mdname, void *key,
                                    const OSSL_PARAM params[])
{
    return attls_sig_digest_init(ctx, &ecdsa_alg, mdname, key,
                                 EVP_PKEY_OP_VERIFY) &&
           ecdsa_set_ctx_params(ctx, params);
}

static int ecdsa_digest_verify_final(void *ctx, const unsigned char *sig,
                                     size_t siglen)
{
    return attls_sig_digest_verify_final(ctx, &ecdsa_alg, sig, siglen);
}

static int ecdsa_get_ctx_params(void *vctx, OSSL_PARAM params[])
{
    attls_sigctx *ctx = vctx;
    OSSL_PARAM *p;
    uint8_t *der = NULL;
    size_t len = 0;
    int ok;

    if (ctx == NULL)
        return 0;
    p = OSSL_PARAM_locate(params, OSSL_SIGNATURE_PARAM_ALGORITHM_ID);
    if (p != NULL) {
        ok = ctx->md != NULL && attls_algid_ecdsa(ctx->md, &der, &len) &&
             OSSL_PARAM_set_octet_string(p, der, len);
        OPENSSL_free(der);
        if (!ok)
            return 0;
    }
    return attls_sig_get_md_param(ctx, params);
}

static const OSSL_PARAM *ecdsa_gettable_ctx_params(void *ctx, void *provctx)
{
    static const OSSL_PARAM known[] = {
        OSSL_PARAM_octet_string(OSSL_SIGNATURE_PARAM_ALGORITHM_ID, NULL, 0),
        OSSL_PARAM_utf8_string(OSSL_SIGNATURE_PARAM_DIGEST, NULL, 0),
        OSSL_PARAM_END,
    };

    (void)ctx;
    (void)provctx;
    return known;
}

static int ecdsa_set_ctx_params(void *ctx, const OSSL_PARAM params[])
{
    if (ctx == NULL)
        return 0;
    if (params == NULL)
        return 1;
    return attls_sig_set_md_param(ctx, params);
}

static const OSSL_PARAM *ecdsa_settable_ctx_params(void *ctx, void *provctx)
{
    static const OSSL_PARAM known[] = {
        OSSL_PARAM_utf8_string(OSSL_SIGNATURE_PARAM_DIGEST, NULL, 0),
        OSSL_PARAM_utf8_string(OSSL_SIGNATURE_PARAM_PROPERTIES, NULL, 0),
        OSSL_PARAM_END,
    };

    (void)ctx;
    (void)provctx;
    return known;
}

const OSSL_DISPATCH attls_ecdsa_signature_functions[] = {
    {OSSL_FUNC_SIGNATURE_NEWCTX, (void (*)(void))ecdsa_newctx},
    {OSSL_FUNC_SIGNATURE_SIGN_INIT, (void (*)(void))ecdsa_sign_init},
    {OSSL_FUNC_SIGNATURE_SIGN, (void (*)(void))ecdsa_sign},
    {OSSL_FUNC_SIGNATURE_VERIFY_INIT, (void (*)(void))ecdsa_verify_init},
    {OSSL_FUNC_SIGNATURE_VERIFY, (void (*)(void))ecdsa_verify},
    {OSSL_FUNC_SIGNATURE_DIGEST_SIGN_INIT,
     (void (*)(void))ecdsa_digest_sign_init},
    {OSSL_FUNC_SIGNATURE_DIGEST_SIGN_UPDATE,
     (void (*)(void))attls_sig_digest_update},
    {OSSL_FUNC_SIGNATURE_DIGEST_SIGN_FINAL,
     (void (*)(void))ecdsa_digest_sign_final},
    {OSSL_FUNC_SIGNATURE_DIGEST_SIGN, (void (*)(void))ecdsa_digest_sign},
    {OSSL_FUNC_SIGNATURE_DIGEST_VERIFY_INIT,
     (void (*)(void))ecdsa_digest_verify_init},
    {OSSL_FUNC_SIGNATURE_DIGEST_VERIFY_UPDATE,
     (void (*)(void))attls_sig_digest_update},
    {OSSL_FUNC_SIGNATURE_DIGEST_VERIFY_FINAL,
     (void (*)(void))ecdsa_digest_verify_final},
    {OSSL_FUNC_SIGNATURE_FREECTX, (void (*)(void))attls_sig_freectx},
    {OSSL_FUNC_SIGNATURE_DUPCTX, (void (*)(void))attls_sig_dupctx},
    {OSSL_FUNC_SIGNATURE_GET_CTX_PARAMS, (void (*)(void))ecdsa_get_ctx_params},
    {OSSL_FUNC_SIGNATURE_GETTABLE_CTX_PARAMS,
     (void (*)(void))ecdsa_gettable_ctx_params},
    {OSSL_FUNC_SIGNATURE_SET_CTX_PARAMS, (void (*)(void))ecdsa_set_ctx_params},
    {OSSL_FUNC_SIGNATURE_SETTABLE_CTX_PARAMS,
     (void (*)(void))ecdsa_settable_ctx_params},
    {0, NULL},
};
