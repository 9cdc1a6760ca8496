/* SPDX-License-Identifier: Apache-2.0 */
#include "tpm/pubkey.h"

#include <string.h>

#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/objects.h>
#include <openssl/param_build.h>

const char *attls_tpm_curve_name(TPMI_ECC_CURVE curve)
{
    switch (curve) {
    case TPM2_ECC_NIST_P256:
        return SN_X9_62_prime256v1;
    case TPM2_ECC_NIST_P384:
        return SN_secp384r1;
    default:
        return NULL;
    }
}

TPMI_ECC_CURVE attls_tpm_curve_from_name(const char *name)
{
    int nid;

    if (name == NULL)
        return TPM2_ECC_NONE;
    nid = EC_curve_nist2nid(name);
    if (nid == NID_undef)
        nid = OBJ_sn2nid(name);
    if (nid == NID_undef)
        nid = OBJ_txt2nid(name);
    switch (nid) {
    case NID_X9_62_prime256v1:
        return TPM2_ECC_NIST_P256;
    case NID_secp384r1:
        return TPM2_ECC_NIST_P384;
    default:
        return TPM2_ECC_NONE;
    }
}

size_t attls_tpm_curve_bytes(TPMI_ECC_CURVE curve)
{
    switch (curve) {
    case TPM2_ECC_NIST_P256:
        return 32;
    case TPM2_ECC_NIST_P384:
        return 48;
    default:
        return 0;
    }
}

/* Copy a big-endian TPM2B value right-aligned into |size| bytes. */
static int put_padded(uint8_t *out, size_t size, const uint8_t *in, size_t len)
{
    while (len > size && *in == 0) {
        in++;
        len--;
    }
    if (len > size)
        return 0;
    memset(out, 0, size - len);
    memcpy(out + size - len, in, len);
    return 1;
}

int attls_tpm_pub_ec_point(const TPMT_PUBLIC *pub, uint8_t *out, size_t size,
                           size_t *len)
{
    size_t fb;

    if (pub->type != TPM2_ALG_ECC)
        return 0;
    fb = attls_tpm_curve_bytes(pub->parameters.eccDetail.curveID);
    if (fb == 0 || size < 1 + 2 * fb)
        return 0;
    out[0] = POINT_CONVERSION_UNCOMPRESSED;
    if (!put_padded(out + 1, fb, pub->unique.ecc.x.buffer,
                    pub->unique.ecc.x.size) ||
        !put_padded(out + 1 + fb, fb, pub->unique.ecc.y.buffer,
                    pub->unique.ecc.y.size))
        return 0;
    *len = 1 + 2 * fb;
    return 1;
}

uint32_t attls_tpm_pub_rsa_exponent(const TPMT_PUBLIC *pub)
{
    uint32_t e = pub->parameters.rsaDetail.exponent;

    return e == 0 ? 65537U : e;
}

/*
 * OSSL_PARAM_BLD keeps a pointer to |point| until OSSL_PARAM_BLD_to_param:
 * the buffer belongs to the caller.
 */
static int ec_params(const TPMT_PUBLIC *pub, OSSL_PARAM_BLD *bld,
                     uint8_t point[ATTLS_EC_POINT_MAX])
{
    size_t len;
    const char *group = attls_tpm_curve_name(pub->parameters.eccDetail.curveID);

    return group != NULL &&
           attls_tpm_pub_ec_point(pub, point, ATTLS_EC_POINT_MAX, &len) &&
           OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME,
                                           group, 0) &&
           OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY, point,
                                            len);
}

static int rsa_params(const TPMT_PUBLIC *pub, OSSL_PARAM_BLD *bld, BIGNUM **n,
                      BIGNUM **e)
{
    *n = BN_bin2bn(pub->unique.rsa.buffer, pub->unique.rsa.size, NULL);
    *e = BN_new();
    return *n != NULL && *e != NULL &&
           BN_set_word(*e, attls_tpm_pub_rsa_exponent(pub)) &&
           OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, *n) &&
           OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, *e);
}

int attls_tpm_pub_to_pkey(const TPMT_PUBLIC *pub, OSSL_LIB_CTX *libctx,
                          EVP_PKEY **out)
{
    OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new();
    OSSL_PARAM *params = NULL;
    EVP_PKEY_CTX *pctx = NULL;
    BIGNUM *n = NULL, *e = NULL;
    uint8_t point[ATTLS_EC_POINT_MAX];
    int ok = 0;

    *out = NULL;
    if (bld == NULL)
        return 0;
    if (pub->type == TPM2_ALG_ECC) {
        if (!ec_params(pub, bld, point))
            goto end;
        pctx = EVP_PKEY_CTX_new_from_name(libctx, "EC", NULL);
    } else if (pub->type == TPM2_ALG_RSA) {
        if (!rsa_params(pub, bld, &n, &e))
            goto end;
        pctx = EVP_PKEY_CTX_new_from_name(libctx, "RSA", NULL);
    }
    params = OSSL_PARAM_BLD_to_param(bld);
    ok = pctx != NULL && params != NULL && EVP_PKEY_fromdata_init(pctx) > 0 &&
         EVP_PKEY_fromdata(pctx, out, EVP_PKEY_PUBLIC_KEY, params) > 0;
end:
    OSSL_PARAM_free(params);
    OSSL_PARAM_BLD_free(bld);
    EVP_PKEY_CTX_free(pctx);
    BN_free(n);
    BN_free(e);
    return ok;
}

static int set_coordinate(TPM2B_ECC_PARAMETER *c, const uint8_t *in, size_t len)
{
    if (len > sizeof(c->buffer))
        return 0;
    c->size = (UINT16)len;
    memcpy(c->buffer, in, len);
    return 1;
}

int attls_tpm_pub_from_ec(OSSL_LIB_CTX *libctx, const char *group,
                          const uint8_t *point, size_t len, TPMT_PUBLIC *out)
{
    TPMI_ECC_CURVE curve = attls_tpm_curve_from_name(group);
    size_t fb = attls_tpm_curve_bytes(curve);
    uint8_t buf[ATTLS_EC_POINT_MAX];
    EC_GROUP *g = NULL;
    EC_POINT *pt = NULL;
    size_t n = 0;
    int ok = 0;

    if (fb == 0 || len == 0)
        return 0;
    /* Let OpenSSL validate the point (on the curve) and uncompress it. */
    g = EC_GROUP_new_by_curve_name_ex(libctx, NULL,
                                      OBJ_sn2nid(attls_tpm_curve_name(curve)));
    pt = g != NULL ? EC_POINT_new(g) : NULL;
    if (pt != NULL && EC_POINT_oct2point(g, pt, point, len, NULL))
        n = EC_POINT_point2oct(g, pt, POINT_CONVERSION_UNCOMPRESSED, buf,
                               sizeof(buf), NULL);
    if (n == 1 + 2 * fb) {
        memset(out, 0, sizeof(*out));
        out->type = TPM2_ALG_ECC;
        out->nameAlg = TPM2_ALG_SHA256;
        out->parameters.eccDetail.symmetric.algorithm = TPM2_ALG_NULL;
        out->parameters.eccDetail.scheme.scheme = TPM2_ALG_NULL;
        out->parameters.eccDetail.curveID = curve;
        out->parameters.eccDetail.kdf.scheme = TPM2_ALG_NULL;
        ok = set_coordinate(&out->unique.ecc.x, buf + 1, fb) &&
             set_coordinate(&out->unique.ecc.y, buf + 1 + fb, fb);
    }
    EC_POINT_free(pt);
    EC_GROUP_free(g);
    return ok;
}

int attls_tpm_pub_from_rsa(const BIGNUM *n, const BIGNUM *e, TPMT_PUBLIC *out)
{
    int bits = BN_num_bits(n);
    int nbytes = BN_num_bytes(n);
    BN_ULONG ev = BN_get_word(e);

    if (bits != 2048 && bits != 3072 && bits != 4096)
        return 0;
    if (ev == (BN_ULONG)-1 || ev > UINT32_MAX || ev < 3 || !(ev & 1))
        return 0;
    memset(out, 0, sizeof(*out));
    out->type = TPM2_ALG_RSA;
    out->nameAlg = TPM2_ALG_SHA256;
    out->parameters.rsaDetail.symmetric.algorithm = TPM2_ALG_NULL;
    out->parameters.rsaDetail.scheme.scheme = TPM2_ALG_NULL;
    out->parameters.rsaDetail.keyBits = (TPMI_RSA_KEY_BITS)bits;
    out->parameters.rsaDetail.exponent = ev == 65537 ? 0 : (UINT32)ev;
    if ((size_t)nbytes > sizeof(out->unique.rsa.buffer))
        return 0;
    out->unique.rsa.size = (UINT16)nbytes;
    return BN_bn2bin(n, out->unique.rsa.buffer) == nbytes;
}

static int b_equal(const uint8_t *a, size_t alen, const uint8_t *b, size_t blen)
{
    /* Leading zero bytes are not significant in TPM2B integers. */
    while (alen > 0 && *a == 0) {
        a++;
        alen--;
    }
    while (blen > 0 && *b == 0) {
        b++;
        blen--;
    }
    return alen == blen && memcmp(a, b, alen) == 0;
}

int attls_tpm_pub_equal(const TPMT_PUBLIC *a, const TPMT_PUBLIC *b)
{
    if (a->type != b->type)
        return 0;
    if (a->type == TPM2_ALG_ECC)
        return a->parameters.eccDetail.curveID ==
                   b->parameters.eccDetail.curveID &&
               b_equal(a->unique.ecc.x.buffer, a->unique.ecc.x.size,
                       b->unique.ecc.x.buffer, b->unique.ecc.x.size) &&
               b_equal(a->unique.ecc.y.buffer, a->unique.ecc.y.size,
                       b->unique.ecc.y.buffer, b->unique.ecc.y.size);
    if (a->type == TPM2_ALG_RSA)
        return attls_tpm_pub_rsa_exponent(a) == attls_tpm_pub_rsa_exponent(b) &&
               b_equal(a->unique.rsa.buffer, a->unique.rsa.size,
                       b->unique.rsa.buffer, b->unique.rsa.size);
    return 0;
}
