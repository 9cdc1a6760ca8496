/* SPDX-License-Identifier: Apache-2.0 */
/*-
 * EMSA-PSS encoding in software (RFC 8017 §9.1.1), so that attls chooses
 * the salt length (TLS 1.3 requires salt = digest length) instead of the
 * TPM's TPM2_Sign, which picks it itself. The encoded message then goes
 * through the TPM's raw RSA private operation.
 */
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "provider/sig_encoding.h"

int attls_pss_max_saltlen(const EVP_MD *md, unsigned modbits)
{
    int hlen = EVP_MD_get_size(md);
    size_t emlen = (modbits - 1 + 7) / 8;

    if (hlen <= 0 || modbits < 16 || emlen < (size_t)hlen + 2)
        return -1;
    return (int)(emlen - (size_t)hlen - 2);
}

/* MGF1 (RFC 8017 B.2.1): xor the mask of |seed| into |out|. */
static int mgf1_xor(const EVP_MD *md, const uint8_t *seed, size_t seedlen,
                    uint8_t *out, size_t outlen)
{
    EVP_MD_CTX *c = EVP_MD_CTX_new();
    uint8_t block[EVP_MAX_MD_SIZE];
    unsigned int blen;
    uint32_t counter = 0;
    size_t done = 0;
    int ok = c != NULL;

    while (ok && done < outlen) {
        uint8_t cnt[4] = {(uint8_t)(counter >> 24), (uint8_t)(counter >> 16),
                          (uint8_t)(counter >> 8), (uint8_t)counter};

        ok = EVP_DigestInit_ex2(c, md, NULL) &&
             EVP_DigestUpdate(c, seed, seedlen) &&
             EVP_DigestUpdate(c, cnt, sizeof(cnt)) &&
             EVP_DigestFinal_ex(c, block, &blen);
        for (unsigned int i = 0; ok && i < blen && done < outlen; i++)
            out[done++] ^= block[i];
        counter++;
    }
    OPENSSL_cleanse(block, sizeof(block));
    EVP_MD_CTX_free(c);
    return ok;
}

/* H = Hash(0x00 * 8 || mHash || salt) */
static int pss_hash(const EVP_MD *md, const uint8_t *mhash, size_t hlen,
                    const uint8_t *salt, size_t saltlen, uint8_t *h)
{
    static const uint8_t zeros[8] = {0};
    EVP_MD_CTX *c = EVP_MD_CTX_new();
    int ok = c != NULL && EVP_DigestInit_ex2(c, md, NULL) &&
             EVP_DigestUpdate(c, zeros, sizeof(zeros)) &&
             EVP_DigestUpdate(c, mhash, hlen) &&
             (saltlen == 0 || EVP_DigestUpdate(c, salt, saltlen)) &&
             EVP_DigestFinal_ex(c, h, NULL);

    EVP_MD_CTX_free(c);
    return ok;
}

int attls_pss_encode(OSSL_LIB_CTX *libctx, const EVP_MD *md, const EVP_MD *mgf1,
                     const uint8_t *mhash, size_t saltlen, unsigned modbits,
                     uint8_t *em, size_t emsize)
{
    size_t hlen = (size_t)EVP_MD_get_size(md);
    size_t embits = modbits - 1;
    size_t emlen = (embits + 7) / 8;
    size_t modlen = (modbits + 7) / 8;
    int maxsalt = attls_pss_max_saltlen(md, modbits);
    uint8_t *out, *db, *h;
    size_t dblen;

    if (maxsalt < 0 || saltlen > (size_t)maxsalt || emsize != modlen)
        return 0;
    /* em = [0x00 if modbits % 8 == 1] maskedDB || H || 0xbc */
    memset(em, 0, emsize);
    out = em + (modlen - emlen);
    dblen = emlen - hlen - 1;
    db = out;
    h = out + dblen;
    /* DB = PS || 0x01 || salt, the salt drawn into place. */
    db[dblen - saltlen - 1] = 0x01;
    if (saltlen > 0 &&
        RAND_bytes_ex(libctx, db + dblen - saltlen, saltlen, 0) <= 0)
        return 0;
    if (!pss_hash(md, mhash, hlen, db + dblen - saltlen, saltlen, h) ||
        !mgf1_xor(mgf1 != NULL ? mgf1 : md, h, hlen, db, dblen))
        return 0;
    /* Clear the leftmost 8 * emlen - embits bits. */
    db[0] &= (uint8_t)(0xFF >> (8 * emlen - embits));
    out[emlen - 1] = 0xbc;
    return 1;
}
