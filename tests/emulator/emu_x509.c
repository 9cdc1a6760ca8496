/* SPDX-License-Identifier: Apache-2.0 */
#include "emu_x509.h"

#include <stdlib.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509v3.h>

#include "emu_util.h"

/*
 * RSA-4096 CA keys are generated with three primes (RFC 8017 multi-prime
 * RSA): about five times faster than two 2048-bit primes, which keeps
 * `tests/emulate start` quick. Certificates and signatures only show the
 * modulus and exponent, which are those of any RSA-4096 key.
 */
EVP_PKEY *emu_key_rsa(unsigned bits)
{
    EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(NULL, "RSA", NULL);
    EVP_PKEY *key = NULL;

    if (ctx == NULL || EVP_PKEY_keygen_init(ctx) != 1 ||
        EVP_PKEY_CTX_set_rsa_keygen_bits(ctx, (int)bits) != 1 ||
        (bits >= 4096 && EVP_PKEY_CTX_set_rsa_keygen_primes(ctx, 3) != 1) ||
        EVP_PKEY_generate(ctx, &key) != 1)
        key = NULL;
    EVP_PKEY_CTX_free(ctx);
    if (key == NULL)
        emu_err("RSA-%u key generation failed", bits);
    return key;
}

EVP_PKEY *emu_key_ec(const char *curve)
{
    EVP_PKEY *key = EVP_EC_gen(curve);

    if (key == NULL)
        emu_err("EC %s key generation failed", curve);
    return key;
}

static X509_NAME *make_name(const char *const *pairs)
{
    X509_NAME *name = X509_NAME_new();

    for (size_t i = 0; name != NULL && pairs[i] != NULL; i += 2) {
        if (!X509_NAME_add_entry_by_txt(name, pairs[i], MBSTRING_UTF8,
                                        (const unsigned char *)pairs[i + 1], -1,
                                        -1, 0)) {
            emu_err("bad name component %s=%s", pairs[i], pairs[i + 1]);
            X509_NAME_free(name);
            return NULL;
        }
    }
    return name;
}

static int set_serial(X509 *x, const uint8_t *serial, size_t len)
{
    uint8_t rnd[16];
    BIGNUM *bn;
    int ok;

    if (serial == NULL) {
        if (emu_random(rnd, sizeof(rnd)) != 0)
            return -1;
        rnd[0] &= 0x7F; /* positive, as RFC 5280 requires */
        rnd[0] |= 0x01; /* and 16 bytes long */
        serial = rnd;
        len = sizeof(rnd);
    }
    bn = BN_bin2bn(serial, (int)len, NULL);
    ok = bn != NULL && BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(x));
    BN_free(bn);
    return ok ? 0 : -1;
}

static int add_ext(X509 *x, X509 *issuer, const emu_ext *e)
{
    X509_EXTENSION *ext = NULL;
    int ok = 0;

    if (e->name != NULL) {
        X509V3_CTX ctx;

        X509V3_set_ctx(&ctx, issuer, x, NULL, NULL, 0);
        ext = X509V3_EXT_conf_nid(NULL, &ctx, OBJ_txt2nid(e->name), e->value);
    } else {
        ASN1_OBJECT *obj = OBJ_txt2obj(e->oid, 1);
        ASN1_OCTET_STRING *os = ASN1_OCTET_STRING_new();

        if (obj != NULL && os != NULL &&
            ASN1_OCTET_STRING_set(os, e->der, (int)e->der_len))
            ext = X509_EXTENSION_create_by_OBJ(NULL, obj, e->critical, os);
        ASN1_OBJECT_free(obj);
        ASN1_OCTET_STRING_free(os);
    }
    if (ext != NULL)
        ok = X509_add_ext(x, ext, -1);
    X509_EXTENSION_free(ext);
    if (!ok)
        emu_err("cannot add extension %s", e->name ? e->name : e->oid);
    return ok ? 0 : -1;
}

static EVP_MD_CTX *sign_ctx(EVP_PKEY *key, emu_sig sig)
{
    const char *md = sig == EMU_SIG_RSA_SHA256 || sig == EMU_SIG_ECDSA_SHA256
                         ? "SHA256"
                         : "SHA384";
    EVP_MD_CTX *mctx = EVP_MD_CTX_new();
    EVP_PKEY_CTX *pctx = NULL;

    if (mctx == NULL ||
        EVP_DigestSignInit_ex(mctx, &pctx, md, NULL, NULL, key, NULL) != 1)
        goto fail;
    if (sig == EMU_SIG_RSA_PSS_SHA384 &&
        (EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) != 1 ||
         EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, 48) != 1 ||
         EVP_PKEY_CTX_set_rsa_mgf1_md_name(pctx, "SHA384", NULL) != 1))
        goto fail;
    return mctx;
fail:
    emu_err("cannot set up the signature");
    EVP_MD_CTX_free(mctx);
    return NULL;
}

X509 *emu_cert_issue(const emu_cert_spec *spec)
{
    X509 *x = X509_new();
    X509_NAME *subject = make_name(spec->subject);
    EVP_PKEY *signer = spec->issuer_key ? spec->issuer_key : spec->pubkey;
    time_t not_before = spec->not_before, not_after = spec->not_after;
    X509 *issuer;
    EVP_MD_CTX *mctx = NULL;

    if (x == NULL || subject == NULL)
        goto fail;
    issuer = spec->issuer ? spec->issuer : x;
    if (!X509_set_version(x, X509_VERSION_3) ||
        set_serial(x, spec->serial, spec->serial_len) != 0 ||
        !X509_set_subject_name(x, subject) ||
        !X509_set_issuer_name(x, X509_get_subject_name(issuer)) ||
        X509_time_adj_ex(X509_getm_notBefore(x), 0, 0, &not_before) == NULL ||
        X509_time_adj_ex(X509_getm_notAfter(x), 0, 0, &not_after) == NULL ||
        !X509_set_pubkey(x, spec->pubkey))
        goto fail;
    for (size_t i = 0; i < spec->n_exts; i++)
        if (add_ext(x, issuer, &spec->exts[i]) != 0)
            goto fail;
    mctx = sign_ctx(signer, spec->sig);
    if (mctx == NULL || X509_sign_ctx(x, mctx) <= 0)
        goto fail;
    EVP_MD_CTX_free(mctx);
    X509_NAME_free(subject);
    return x;
fail:
    emu_err("cannot issue the certificate");
    EVP_MD_CTX_free(mctx);
    X509_NAME_free(subject);
    X509_free(x);
    return NULL;
}

int emu_crl_sign(X509_CRL *crl, EVP_PKEY *key, emu_sig sig)
{
    EVP_MD_CTX *mctx = sign_ctx(key, sig);
    int ok = mctx != NULL && X509_CRL_sign_ctx(crl, mctx) > 0;

    EVP_MD_CTX_free(mctx);
    if (!ok)
        emu_err("cannot sign the CRL");
    return ok ? 0 : -1;
}

X509_CRL *emu_crl_issue(X509 *issuer, EVP_PKEY *key, emu_sig sig,
                        time_t this_update, time_t next_update, long number)
{
    X509_CRL *crl = X509_CRL_new();
    ASN1_TIME *t1 = ASN1_TIME_set(NULL, this_update);
    ASN1_TIME *t2 = ASN1_TIME_set(NULL, next_update);
    ASN1_INTEGER *num = ASN1_INTEGER_new();
    X509V3_CTX ctx;
    X509_EXTENSION *akid = NULL;
    int ok = 0;

    if (crl != NULL && t1 != NULL && t2 != NULL && num != NULL &&
        X509_CRL_set_version(crl, X509_CRL_VERSION_2) &&
        X509_CRL_set_issuer_name(crl, X509_get_subject_name(issuer)) &&
        X509_CRL_set1_lastUpdate(crl, t1) &&
        X509_CRL_set1_nextUpdate(crl, t2) && ASN1_INTEGER_set(num, number) &&
        X509_CRL_add1_ext_i2d(crl, NID_crl_number, num, 0, 0)) {
        X509V3_set_ctx(&ctx, issuer, NULL, NULL, crl, 0);
        akid = X509V3_EXT_conf_nid(NULL, &ctx, NID_authority_key_identifier,
                                   "keyid:always");
        ok = akid != NULL && X509_CRL_add_ext(crl, akid, -1) &&
             emu_crl_sign(crl, key, sig) == 0;
    }
    X509_EXTENSION_free(akid);
    ASN1_TIME_free(t1);
    ASN1_TIME_free(t2);
    ASN1_INTEGER_free(num);
    if (!ok) {
        emu_err("cannot issue the CRL");
        X509_CRL_free(crl);
        return NULL;
    }
    return crl;
}

static int save_bio(const char *path, BIO *mem, unsigned mode)
{
    char *data;
    long len = BIO_get_mem_data(mem, &data);

    return len < 0 ? -1 : emu_write_file(path, data, (size_t)len, mode);
}

int emu_key_save(const char *path, EVP_PKEY *key)
{
    BIO *mem = BIO_new(BIO_s_mem());
    int rc = -1;

    if (mem != NULL &&
        PEM_write_bio_PrivateKey(mem, key, NULL, NULL, 0, NULL, NULL))
        rc = save_bio(path, mem, 0600);
    else
        emu_err("cannot encode the key for %s", path);
    BIO_free(mem);
    return rc;
}

EVP_PKEY *emu_key_load(const char *path)
{
    BIO *bio = BIO_new_file(path, "r");
    EVP_PKEY *key = NULL;

    if (bio != NULL)
        key = PEM_read_bio_PrivateKey(bio, NULL, NULL, NULL);
    BIO_free(bio);
    if (key == NULL)
        emu_err("cannot load the key %s", path);
    return key;
}

int emu_cert_save(const char *path, X509 *cert)
{
    BIO *mem = BIO_new(BIO_s_mem());
    int rc = -1;

    if (mem != NULL && PEM_write_bio_X509(mem, cert))
        rc = save_bio(path, mem, 0644);
    else
        emu_err("cannot encode the certificate for %s", path);
    BIO_free(mem);
    return rc;
}

X509 *emu_cert_load(const char *path)
{
    BIO *bio = BIO_new_file(path, "r");
    X509 *x = NULL;

    if (bio != NULL)
        x = PEM_read_bio_X509(bio, NULL, NULL, NULL);
    BIO_free(bio);
    if (x == NULL)
        emu_err("cannot load the certificate %s", path);
    return x;
}

int emu_cert_pem_append(X509 *cert, char **out, size_t *len)
{
    BIO *mem = BIO_new(BIO_s_mem());
    char *data, *grown;
    long n;
    int rc = -1;

    if (mem == NULL || !PEM_write_bio_X509(mem, cert))
        goto end;
    n = BIO_get_mem_data(mem, &data);
    grown = n < 0 ? NULL : realloc(*out, *len + (size_t)n + 1);
    if (grown == NULL)
        goto end;
    memcpy(grown + *len, data, (size_t)n);
    *len += (size_t)n;
    grown[*len] = '\0';
    *out = grown;
    rc = 0;
end:
    if (rc != 0)
        emu_err("cannot encode a certificate as PEM");
    BIO_free(mem);
    return rc;
}

int emu_cert_der(X509 *cert, uint8_t **der, size_t *len)
{
    unsigned char *p = NULL;
    int n = i2d_X509(cert, &p);

    if (n <= 0) {
        emu_err("cannot encode a certificate as DER");
        return -1;
    }
    *der = p;
    *len = (size_t)n;
    return 0;
}

int emu_key_spki(EVP_PKEY *key, uint8_t **der, size_t *len)
{
    unsigned char *p = NULL;
    int n = i2d_PUBKEY(key, &p);

    if (n <= 0) {
        emu_err("cannot encode a public key");
        return -1;
    }
    *der = p;
    *len = (size_t)n;
    return 0;
}

int emu_ecdsa_sign_raw(EVP_PKEY *key, const char *md, const void *data,
                       size_t len, size_t half, uint8_t *r, uint8_t *s)
{
    EVP_MD_CTX *mctx = EVP_MD_CTX_new();
    unsigned char sig[160];
    const unsigned char *p = sig;
    size_t siglen = sizeof(sig);
    ECDSA_SIG *es = NULL;
    int rc = -1;

    if (mctx == NULL ||
        EVP_DigestSignInit_ex(mctx, NULL, md, NULL, NULL, key, NULL) != 1 ||
        EVP_DigestSign(mctx, sig, &siglen, data, len) != 1)
        goto end;
    es = d2i_ECDSA_SIG(NULL, &p, (long)siglen);
    if (es == NULL ||
        BN_bn2binpad(ECDSA_SIG_get0_r(es), r, (int)half) != (int)half ||
        BN_bn2binpad(ECDSA_SIG_get0_s(es), s, (int)half) != (int)half)
        goto end;
    rc = 0;
end:
    if (rc != 0)
        emu_err("ECDSA signature failed");
    ECDSA_SIG_free(es);
    EVP_MD_CTX_free(mctx);
    return rc;
}

int emu_ec_point_raw(EVP_PKEY *key, size_t half, uint8_t *xy)
{
    unsigned char pt[1 + 2 * 66];
    size_t n = 0;

    if (EVP_PKEY_get_octet_string_param(key, OSSL_PKEY_PARAM_PUB_KEY, pt,
                                        sizeof(pt), &n) != 1 ||
        n != 1 + 2 * half || pt[0] != 0x04) {
        emu_err("cannot export an EC public point");
        return -1;
    }
    memcpy(xy, pt + 1, 2 * half);
    return 0;
}
