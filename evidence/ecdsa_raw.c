/* SPDX-License-Identifier: Apache-2.0 */
#include "evidence/ecdsa_raw.h"

#include <string.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/param_build.h>

/* Largest coordinate we handle: P-521 (66 bytes); SNP pads to 72. */
#define ECDSA_RAW_MAX_WIDTH 72

static BIGNUM *raw_to_bn(const uint8_t *in, size_t width,
                         attls_ecdsa_endian endian)
{
    if (endian == ATTLS_ECDSA_LITTLE_ENDIAN)
        return BN_lebin2bn(in, (int)width, NULL);
    return BN_bin2bn(in, (int)width, NULL);
}

/* DER-encode (r, s); returns the length or -1. *der is OPENSSL_free'd. */
static int raw_sig_to_der(const uint8_t *r, const uint8_t *s, size_t width,
                          attls_ecdsa_endian endian, unsigned char **der)
{
    ECDSA_SIG *sig = ECDSA_SIG_new();
    BIGNUM *br = raw_to_bn(r, width, endian);
    BIGNUM *bs = raw_to_bn(s, width, endian);
    int len = -1;

    *der = NULL;
    if (sig == NULL || br == NULL || bs == NULL ||
        !ECDSA_SIG_set0(sig, br, bs)) {
        BN_free(br);
        BN_free(bs);
        ECDSA_SIG_free(sig);
        return -1;
    }
    len = i2d_ECDSA_SIG(sig, der);
    ECDSA_SIG_free(sig);
    return len > 0 ? len : -1;
}

int attls_ecdsa_raw_verify(EVP_PKEY *key, const char *digest,
                           const uint8_t *msg, size_t msg_len, const uint8_t *r,
                           const uint8_t *s, size_t width,
                           attls_ecdsa_endian endian)
{
    EVP_MD_CTX *ctx = NULL;
    unsigned char *der = NULL;
    int der_len, rc = -1;

    if (key == NULL || width == 0 || width > ECDSA_RAW_MAX_WIDTH)
        return -1;
    ERR_set_mark();
    der_len = raw_sig_to_der(r, s, width, endian, &der);
    ctx = EVP_MD_CTX_new();
    if (der_len < 0 || ctx == NULL ||
        EVP_DigestVerifyInit_ex(ctx, NULL, digest, NULL, NULL, key, NULL) != 1)
        goto end;
    /* 1 = valid; 0 = bad signature; < 0 = malformed, also a bad one. */
    rc = EVP_DigestVerify(ctx, der, (size_t)der_len, msg, msg_len) == 1;
end:
    EVP_MD_CTX_free(ctx);
    OPENSSL_free(der);
    ERR_pop_to_mark();
    return rc;
}

static size_t group_coordinate_size(const char *group)
{
    if (strcmp(group, "prime256v1") == 0 || strcmp(group, "P-256") == 0)
        return 32;
    if (strcmp(group, "secp384r1") == 0 || strcmp(group, "P-384") == 0)
        return 48;
    return 0;
}

static EVP_PKEY *pubkey_fromdata(const char *group, const uint8_t *point,
                                 size_t point_len)
{
    OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new();
    OSSL_PARAM *params = NULL;
    EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(NULL, "EC", NULL);
    EVP_PKEY *key = NULL;

    if (bld == NULL || ctx == NULL ||
        !OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME, group,
                                         0) ||
        !OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY, point,
                                          point_len))
        goto end;
    params = OSSL_PARAM_BLD_to_param(bld);
    if (params == NULL || EVP_PKEY_fromdata_init(ctx) != 1 ||
        EVP_PKEY_fromdata(ctx, &key, EVP_PKEY_PUBLIC_KEY, params) != 1)
        key = NULL;
end:
    OSSL_PARAM_free(params);
    OSSL_PARAM_BLD_free(bld);
    EVP_PKEY_CTX_free(ctx);
    return key;
}

/*
 * On the curve and not the point at infinity. For the prime-order curves
 * used here (cofactor 1) that is the whole of public-key validation; the
 * full check would add a scalar multiplication by the order per key.
 */
static int pubkey_valid(EVP_PKEY *key)
{
    EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_pkey(NULL, key, NULL);
    int ok = ctx != NULL && EVP_PKEY_public_check_quick(ctx) == 1;

    EVP_PKEY_CTX_free(ctx);
    return ok;
}

EVP_PKEY *attls_ec_pubkey_from_xy(const char *group, const uint8_t *xy,
                                  size_t xy_len)
{
    uint8_t point[1 + 2 * ECDSA_RAW_MAX_WIDTH];
    size_t coord = group_coordinate_size(group);
    EVP_PKEY *key = NULL;

    if (coord == 0 || xy_len != 2 * coord)
        return NULL;
    point[0] = POINT_CONVERSION_UNCOMPRESSED;
    memcpy(point + 1, xy, xy_len);
    ERR_set_mark();
    key = pubkey_fromdata(group, point, 1 + xy_len);
    if (key != NULL && !pubkey_valid(key)) {
        EVP_PKEY_free(key);
        key = NULL;
    }
    ERR_pop_to_mark();
    return key;
}
