/* SPDX-License-Identifier: Apache-2.0 */
/*-
 * STORE loader for attls: URIs (provider/uri.h): one persistent TPM key
 * per URI, handed to attls's keymgmt by reference. Opening parses the URI
 * (no TPM); loading reads the key's public area from the TPM.
 */
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/core_object.h>
#include <openssl/params.h>
#include <openssl/store.h>

#include "provider/errors.h"
#include "provider/key.h"
#include "provider/uri.h"

static OSSL_FUNC_store_open_fn store_open;
static OSSL_FUNC_store_settable_ctx_params_fn store_settable_ctx_params;
static OSSL_FUNC_store_set_ctx_params_fn store_set_ctx_params;
static OSSL_FUNC_store_load_fn store_load;
static OSSL_FUNC_store_eof_fn store_eof;
static OSSL_FUNC_store_close_fn store_close;

typedef struct attls_store_ctx {
    attls_provctx *provctx;
    attls_uri uri;
    int expect; /* OSSL_STORE_INFO_* asked for, 0 = anything */
    int done;   /* the one object was loaded (or failed) */
} attls_store_ctx;

static void *store_open(void *provctx, const char *uri)
{
    attls_store_ctx *ctx = OPENSSL_zalloc(sizeof(*ctx));
    attls_status st;

    if (ctx == NULL)
        return NULL;
    ctx->provctx = provctx;
    attls_status_clear(&st);
    if (attls_uri_parse(uri, &ctx->uri, &st) != ATTLS_OK) {
        ATTLS_RAISE_STATUS(ctx->provctx, &st);
        OPENSSL_free(ctx);
        return NULL;
    }
    return ctx;
}

static const OSSL_PARAM *store_settable_ctx_params(void *provctx)
{
    static const OSSL_PARAM known[] = {
        OSSL_PARAM_int(OSSL_STORE_PARAM_EXPECT, NULL),
        OSSL_PARAM_END,
    };

    (void)provctx;
    return known;
}

static int store_set_ctx_params(void *vctx, const OSSL_PARAM params[])
{
    attls_store_ctx *ctx = vctx;
    const OSSL_PARAM *p;

    if (params == NULL)
        return 1;
    p = OSSL_PARAM_locate_const(params, OSSL_STORE_PARAM_EXPECT);
    if (p != NULL && !OSSL_PARAM_get_int(p, &ctx->expect))
        return 0;
    return 1;
}

static int store_load(void *vctx, OSSL_CALLBACK *object_cb, void *object_cbarg,
                      OSSL_PASSPHRASE_CALLBACK *pw_cb, void *pw_cbarg)
{
    attls_store_ctx *ctx = vctx;
    attls_key *key;
    int ok = 0;

    ctx->done = 1;
    /* Keys live here, private or (when asked for) their public half. */
    if (ctx->expect != 0 && ctx->expect != OSSL_STORE_INFO_PKEY &&
        ctx->expect != OSSL_STORE_INFO_PUBKEY)
        return 0;
    key = attls_key_new(ctx->provctx);
    if (key == NULL || !attls_key_set_persistent(key, ctx->uri.handle))
        goto end;
    if (ctx->expect == OSSL_STORE_INFO_PUBKEY)
        attls_key_make_public(key);
    if ((ctx->uri.auth == ATTLS_URI_AUTH_FILE &&
         !attls_key_auth_from_file(key, ctx->uri.auth_file)) ||
        (ctx->uri.auth == ATTLS_URI_AUTH_PROMPT &&
         !attls_key_auth_from_callback(key, pw_cb, pw_cbarg,
                                       "the URI says auth=prompt")))
        goto end;
    {
        int object_type = OSSL_OBJECT_PKEY;
        OSSL_PARAM params[4];

        params[0] =
            OSSL_PARAM_construct_int(OSSL_OBJECT_PARAM_TYPE, &object_type);
        params[1] = OSSL_PARAM_construct_utf8_string(
            OSSL_OBJECT_PARAM_DATA_TYPE, (char *)attls_key_type_name(key), 0);
        params[2] = OSSL_PARAM_construct_octet_string(
            OSSL_OBJECT_PARAM_REFERENCE, &key, sizeof(key));
        params[3] = OSSL_PARAM_construct_end();
        ok = object_cb(params, object_cbarg);
    }
end:
    attls_key_free(key);
    return ok;
}

static int store_eof(void *vctx)
{
    return ((attls_store_ctx *)vctx)->done;
}

static int store_close(void *vctx)
{
    OPENSSL_clear_free(vctx, sizeof(attls_store_ctx));
    return 1;
}

const OSSL_DISPATCH attls_store_functions[] = {
    {OSSL_FUNC_STORE_OPEN, (void (*)(void))store_open},
    {OSSL_FUNC_STORE_SETTABLE_CTX_PARAMS,
     (void (*)(void))store_settable_ctx_params},
    {OSSL_FUNC_STORE_SET_CTX_PARAMS, (void (*)(void))store_set_ctx_params},
    {OSSL_FUNC_STORE_LOAD, (void (*)(void))store_load},
    {OSSL_FUNC_STORE_EOF, (void (*)(void))store_eof},
    {OSSL_FUNC_STORE_CLOSE, (void (*)(void))store_close},
    {0, NULL},
};
