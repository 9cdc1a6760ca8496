/* SPDX-License-Identifier: Apache-2.0 */
/* TPM algorithm ids: names, OpenSSL digests, small byte helpers. */
#include "evidence/tpm_internal.h"

#include <stdio.h>
#include <string.h>

#include <openssl/crypto.h>

#include "common/bytes.h"
#include "evidence/tpm_attest.h"

static const struct {
    uint16_t id;
    const char *name;
} alg_names[] = {
    {TPM2_ALG_RSA, "rsa"},
    {TPM2_ALG_ECC, "ecc"},
    {TPM2_ALG_SHA1, "sha1"},
    {TPM2_ALG_SHA256, "sha256"},
    {TPM2_ALG_SHA384, "sha384"},
    {TPM2_ALG_SHA512, "sha512"},
    {TPM2_ALG_SM3_256, "sm3"},
    {TPM2_ALG_RSASSA, "rsassa"},
    {TPM2_ALG_RSAPSS, "rsapss"},
    {TPM2_ALG_ECDSA, "ecdsa"},
    {TPM2_ALG_NULL, "null"},
    {TPM2_ALG_KEYEDHASH, "keyedhash"},
    {TPM2_ALG_SYMCIPHER, "symcipher"},
};

const char *attls_tpm_alg_name(uint16_t alg)
{
    for (size_t i = 0; i < sizeof(alg_names) / sizeof(alg_names[0]); i++) {
        if (alg_names[i].id == alg)
            return alg_names[i].name;
    }
    return NULL;
}

uint16_t attls_tpm_alg_from_name(const char *name)
{
    for (size_t i = 0; i < sizeof(alg_names) / sizeof(alg_names[0]); i++) {
        if (strcmp(alg_names[i].name, name) == 0)
            return alg_names[i].id;
    }
    return TPM2_ALG_ERROR;
}

const EVP_MD *attls_tpm_hash_md(uint16_t hash_alg)
{
    switch (hash_alg) {
    case TPM2_ALG_SHA1:
        return EVP_sha1();
    case TPM2_ALG_SHA256:
        return EVP_sha256();
    case TPM2_ALG_SHA384:
        return EVP_sha384();
    case TPM2_ALG_SHA512:
        return EVP_sha512();
    default:
        return NULL;
    }
}

size_t attls_tpm_hash_size(uint16_t hash_alg)
{
    const EVP_MD *md = attls_tpm_hash_md(hash_alg);

    return md == NULL ? 0 : (size_t)EVP_MD_get_size(md);
}

size_t attls_tpm_hash_parts(uint16_t hash_alg, const uint8_t *const *parts,
                            const size_t *lens, size_t n, uint8_t *out)
{
    const EVP_MD *md = attls_tpm_hash_md(hash_alg);
    EVP_MD_CTX *ctx;
    unsigned int out_len = 0;
    int ok;

    if (md == NULL || (ctx = EVP_MD_CTX_new()) == NULL)
        return 0;
    ok = EVP_DigestInit_ex(ctx, md, NULL);
    for (size_t i = 0; ok && i < n; i++)
        ok = EVP_DigestUpdate(ctx, parts[i], lens[i]);
    ok = ok && EVP_DigestFinal_ex(ctx, out, &out_len);
    EVP_MD_CTX_free(ctx);
    return ok ? out_len : 0;
}

int attls_tpm_bytes_equal(const uint8_t *a, size_t a_len, const uint8_t *b,
                          size_t b_len)
{
    if (a_len != b_len)
        return 0;
    return a_len == 0 || CRYPTO_memcmp(a, b, a_len) == 0;
}

void attls_tpm_hex_excerpt(const uint8_t *in, size_t len, size_t max, char *out,
                           size_t out_size)
{
    size_t n = len < max ? len : max;

    if (len == 0) {
        snprintf(out, out_size, "(empty)");
        return;
    }
    if (out_size < 2 * n + 4) {
        snprintf(out, out_size, "%s", "");
        return;
    }
    attls_hex_encode(in, n, out);
    if (n < len)
        strcat(out, "...");
}
