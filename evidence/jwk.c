/* SPDX-License-Identifier: Apache-2.0 */
#include "evidence/jwk.h"

#include <stdio.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/param_build.h>

#include "common/bytes.h"

#define RSA_E_MAX_BYTES 8

/* Decode member @p name: unpadded base64url, minimal (no leading 0x00). */
static BIGNUM *member_bn(const json_t *jwk, const char *name, char *why,
                         size_t why_len)
{
    const json_t *v = json_object_get(jwk, name);
    const char *s = json_string_value(v);
    size_t len = json_string_length(v);
    attls_buf raw = {0};
    BIGNUM *bn = NULL;

    if (s == NULL) {
        snprintf(why, why_len, "\"%s\" missing or not a string", name);
        return NULL;
    }
    if (len == 0 || memchr(s, '=', len) != NULL ||
        attls_b64url_decode(s, len, &raw) != 0 || raw.len == 0) {
        snprintf(why, why_len, "\"%s\" is not unpadded base64url", name);
        goto end;
    }
    if (raw.data[0] == 0) {
        snprintf(why, why_len, "\"%s\" has a leading zero octet", name);
        goto end;
    }
    bn = BN_bin2bn(raw.data, (int)raw.len, NULL);
    if (bn == NULL)
        snprintf(why, why_len, "out of memory");
end:
    attls_buf_free(&raw);
    return bn;
}

static EVP_PKEY *rsa_from_bn(const BIGNUM *n, const BIGNUM *e)
{
    OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new();
    OSSL_PARAM *params = NULL;
    EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(NULL, "RSA", NULL);
    EVP_PKEY *key = NULL;

    if (bld == NULL || ctx == NULL ||
        !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, n) ||
        !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, e) ||
        (params = OSSL_PARAM_BLD_to_param(bld)) == NULL ||
        EVP_PKEY_fromdata_init(ctx) != 1 ||
        EVP_PKEY_fromdata(ctx, &key, EVP_PKEY_PUBLIC_KEY, params) != 1) {
        EVP_PKEY_free(key);
        key = NULL;
    }
    OSSL_PARAM_free(params);
    OSSL_PARAM_BLD_free(bld);
    EVP_PKEY_CTX_free(ctx);
    return key;
}

EVP_PKEY *attls_jwk_rsa_public(const json_t *jwk, char *why, size_t why_len)
{
    BIGNUM *n = NULL, *e = NULL;
    EVP_PKEY *key = NULL;
    int bits;

    if (!json_is_object(jwk)) {
        snprintf(why, why_len, "the key is not a JSON object");
        return NULL;
    }
    if (!json_is_string(json_object_get(jwk, "kty")) ||
        strcmp(json_string_value(json_object_get(jwk, "kty")), "RSA") != 0) {
        snprintf(why, why_len, "\"kty\" is not \"RSA\"");
        return NULL;
    }
    if ((n = member_bn(jwk, "n", why, why_len)) == NULL ||
        (e = member_bn(jwk, "e", why, why_len)) == NULL)
        goto end;
    bits = BN_num_bits(n);
    if (bits < ATTLS_JWK_RSA_MIN_BITS || bits > ATTLS_JWK_RSA_MAX_BITS ||
        !BN_is_odd(n)) {
        snprintf(why, why_len,
                 "\"n\" is a %d-bit %s number, an RSA modulus of %d to %d "
                 "bits is odd",
                 bits, BN_is_odd(n) ? "odd" : "even", ATTLS_JWK_RSA_MIN_BITS,
                 ATTLS_JWK_RSA_MAX_BITS);
        goto end;
    }
    if (!BN_is_odd(e) || BN_num_bits(e) < 2 ||
        BN_num_bytes(e) > RSA_E_MAX_BYTES) {
        snprintf(why, why_len,
                 "\"e\" must be odd, at least 3 and at most %d bytes",
                 RSA_E_MAX_BYTES);
        goto end;
    }
    ERR_set_mark();
    key = rsa_from_bn(n, e);
    ERR_pop_to_mark();
    if (key == NULL)
        snprintf(why, why_len, "OpenSSL refused the RSA key");
end:
    BN_free(n);
    BN_free(e);
    return key;
}
