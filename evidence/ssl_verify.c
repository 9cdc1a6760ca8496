/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libattls's OpenSSL hook: a certificate verification callback that
 * replaces "is the peer's issuer trusted?" by "does the peer's evidence
 * verify?". X.509 path validation still runs, so that everything except the
 * leaf's unknown issuer (validity, extensions, signatures of a chain the
 * peer sent) keeps refusing the handshake; the attls verdict on the leaf
 * decides the rest. The outcome of each handshake is kept on its SSL for
 * attls_ssl_last_status().
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/ssl.h>
#include <openssl/x509_vfy.h>

#include "evidence/policy.h"

/* What one handshake's verification concluded (SSL ex_data). */
typedef struct verdict {
    attls_status st;
    attls_result result;
    int ran;
} verdict;

static CRYPTO_ONCE once = CRYPTO_ONCE_STATIC_INIT;
static int ctx_index = -1; /* SSL_CTX -> const attls_policy * */
static int ssl_index = -1; /* SSL -> verdict * */

static void free_verdict(void *parent, void *ptr, CRYPTO_EX_DATA *ad, int idx,
                         long argl, void *argp)
{
    verdict *v = ptr;

    (void)parent, (void)ad, (void)idx, (void)argl, (void)argp;
    if (v == NULL)
        return;
    attls_result_free(&v->result);
    OPENSSL_free(v);
}

static void init_indices(void)
{
    ctx_index = SSL_CTX_get_ex_new_index(0, NULL, NULL, NULL, NULL);
    ssl_index = SSL_get_ex_new_index(0, NULL, NULL, NULL, free_verdict);
}

static verdict *verdict_of(SSL *ssl)
{
    verdict *v = SSL_get_ex_data(ssl, ssl_index);

    if (v == NULL && (v = OPENSSL_zalloc(sizeof(*v))) != NULL &&
        !SSL_set_ex_data(ssl, ssl_index, v)) {
        OPENSSL_free(v);
        v = NULL;
    }
    if (v != NULL) {
        attls_result_free(&v->result);
        attls_status_clear(&v->st);
        v->ran = 1;
    }
    return v;
}

/* The leaf's issuer is unknown to the client: expected, attls decides. */
static int issuer_error(int depth, int err)
{
    if (err == X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN)
        return 1;
    return depth == 0 && (err == X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT ||
                          err == X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT ||
                          err == X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY ||
                          err == X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE ||
                          err == X509_V_ERR_CERT_UNTRUSTED);
}

static int tolerate_issuer(int ok, X509_STORE_CTX *xs)
{
    if (ok)
        return 1;
    return issuer_error(X509_STORE_CTX_get_error_depth(xs),
                        X509_STORE_CTX_get_error(xs));
}

static int x509_checks(X509_STORE_CTX *xs, const attls_policy *pol,
                       attls_status *st)
{
    int err;

    X509_STORE_CTX_set_verify_cb(xs, tolerate_issuer);
    if (pol->have_time)
        X509_STORE_CTX_set_time(xs, 0, pol->at);
    if (X509_verify_cert(xs) == 1)
        return 1;
    err = X509_STORE_CTX_get_error(xs);
    attls_fail(st, ATTLS_E_CERT_CHAIN, "tls.x509",
               "the peer's certificate fails X.509 validation at depth %d: %s",
               X509_STORE_CTX_get_error_depth(xs),
               X509_verify_cert_error_string(err));
    return 0;
}

static int verify_peer(X509_STORE_CTX *xs, void *arg)
{
    SSL *ssl =
        X509_STORE_CTX_get_ex_data(xs, SSL_get_ex_data_X509_STORE_CTX_idx());
    const attls_policy *pol =
        ssl != NULL ? SSL_CTX_get_ex_data(SSL_get_SSL_CTX(ssl), ctx_index)
                    : NULL;
    X509 *leaf = X509_STORE_CTX_get0_cert(xs);
    verdict *v = ssl != NULL ? verdict_of(ssl) : NULL;
    attls_status local;
    attls_status *st = v != NULL ? &v->st : &local;

    (void)arg;
    attls_status_clear(&local);
    if (pol == NULL || leaf == NULL)
        attls_fail(st, ATTLS_E_INTERNAL, "tls.callback",
                   "no policy or no peer certificate in the verify callback");
    else if (x509_checks(xs, pol, st))
        attls_verify_certificate(leaf, pol, v != NULL ? &v->result : NULL, st);
    if (st->code == ATTLS_OK && v == NULL)
        attls_fail(st, ATTLS_E_INTERNAL, "tls.callback", "no memory");
    if (st->code != ATTLS_OK) {
        X509_STORE_CTX_set_error(xs, X509_V_ERR_APPLICATION_VERIFICATION);
        return 0;
    }
    X509_STORE_CTX_set_error(xs, X509_V_OK);
    return 1;
}

attls_code attls_ssl_ctx_set_verify(SSL_CTX *ctx, const attls_policy *pol)
{
    if (ctx == NULL || pol == NULL)
        return ATTLS_E_ARGUMENT;
    if (!CRYPTO_THREAD_run_once(&once, init_indices) || ctx_index < 0 ||
        ssl_index < 0 || !SSL_CTX_set_ex_data(ctx, ctx_index, (void *)pol))
        return ATTLS_E_INTERNAL;
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT,
                       NULL);
    SSL_CTX_set_cert_verify_callback(ctx, verify_peer, NULL);
    return ATTLS_OK;
}

attls_code attls_ssl_last_status(const SSL *ssl, attls_status *st,
                                 attls_result *result)
{
    const verdict *v = NULL;

    if (result != NULL)
        memset(result, 0, sizeof(*result));
    if (ssl != NULL && CRYPTO_THREAD_run_once(&once, init_indices))
        v = SSL_get_ex_data(ssl, ssl_index);
    if (v == NULL || !v->ran)
        return attls_fail(st, ATTLS_E_ARGUMENT, "tls.status",
                          "this connection never ran the attls callback");
    if (st != NULL)
        *st = v->st;
    if (result != NULL && v->st.code == ATTLS_OK) {
        *result = v->result;
        result->json = v->result.json != NULL ? strdup(v->result.json) : NULL;
        if (v->result.json != NULL && result->json == NULL)
            return attls_fail(st, ATTLS_E_INTERNAL, "tls.status", "no memory");
    }
    return v->st.code;
}
