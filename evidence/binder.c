/* SPDX-License-Identifier: Apache-2.0 */
#include "evidence/binder.h"

#include <string.h>

#include <openssl/crypto.h>

static void be32(size_t v, uint8_t out[4])
{
    out[0] = (uint8_t)(v >> 24);
    out[1] = (uint8_t)(v >> 16);
    out[2] = (uint8_t)(v >> 8);
    out[3] = (uint8_t)v;
}

attls_code attls_binder_compute(const uint8_t *spki, size_t spki_len,
                                const uint8_t *claims, size_t claims_len,
                                uint8_t out[ATTLS_BINDER_LEN], attls_status *st)
{
    static const char label[] = ATTLS_BINDER_LABEL; /* hashed with its NUL */
    uint8_t len_spki[4], len_claims[4];
    unsigned int n = 0;
    EVP_MD_CTX *ctx;
    int ok;

    if (spki == NULL || spki_len == 0 || claims == NULL || claims_len == 0)
        return attls_fail(st, ATTLS_E_ARGUMENT, "binder.input",
                          "binder needs a public key and a claims record");
    if (spki_len > UINT32_MAX || claims_len > UINT32_MAX)
        return attls_fail(st, ATTLS_E_ARGUMENT, "binder.input",
                          "binder input larger than 2^32-1 bytes");
    be32(spki_len, len_spki);
    be32(claims_len, len_claims);
    ctx = EVP_MD_CTX_new();
    ok = ctx != NULL && EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) == 1 &&
         EVP_DigestUpdate(ctx, label, sizeof(label)) == 1 &&
         EVP_DigestUpdate(ctx, len_spki, 4) == 1 &&
         EVP_DigestUpdate(ctx, spki, spki_len) == 1 &&
         EVP_DigestUpdate(ctx, len_claims, 4) == 1 &&
         EVP_DigestUpdate(ctx, claims, claims_len) == 1 &&
         EVP_DigestFinal_ex(ctx, out, &n) == 1 && n == ATTLS_BINDER_LEN;
    EVP_MD_CTX_free(ctx);
    if (!ok)
        return attls_fail(st, ATTLS_E_INTERNAL, "binder.digest",
                          "SHA-256 of the binder input failed");
    return ATTLS_OK;
}

void attls_binder64(const uint8_t binder[ATTLS_BINDER_LEN],
                    uint8_t out64[ATTLS_BINDER64_LEN])
{
    memcpy(out64, binder, ATTLS_BINDER_LEN);
    memset(out64 + ATTLS_BINDER_LEN, 0, ATTLS_BINDER64_LEN - ATTLS_BINDER_LEN);
}

static attls_code spki_der(const X509_PUBKEY *pk, attls_buf *out,
                           attls_status *st)
{
    unsigned char *der = NULL;
    int n;

    out->data = NULL;
    out->len = 0;
    n = pk != NULL ? i2d_X509_PUBKEY(pk, &der) : -1;
    if (n <= 0)
        return attls_fail(st, ATTLS_E_CERT_KEY, "binder.spki",
                          "certificate has no encodable "
                          "SubjectPublicKeyInfo");
    out->data = der;
    out->len = (size_t)n;
    return ATTLS_OK;
}

attls_code attls_spki_of_cert(const X509 *x, attls_buf *out, attls_status *st)
{
    return spki_der(X509_get_X509_PUBKEY(x), out, st);
}

attls_code attls_spki_of_req(const X509_REQ *req, attls_buf *out,
                             attls_status *st)
{
    return spki_der(X509_REQ_get_X509_PUBKEY((X509_REQ *)req), out, st);
}
