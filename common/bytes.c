/* SPDX-License-Identifier: Apache-2.0 */
#include "common/bytes.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

void attls_buf_free(attls_buf *b)
{
    if (b == NULL)
        return;
    OPENSSL_clear_free(b->data, b->len);
    b->data = NULL;
    b->len = 0;
}

int attls_read_file(const char *path, size_t max_len, attls_buf *out)
{
    FILE *f;
    uint8_t *data;
    size_t cap = 4096, len = 0;
    int rc = -1;

    out->data = NULL;
    out->len = 0;
    f = fopen(path, "rb");
    if (f == NULL)
        return -1;
    data = OPENSSL_malloc(cap + 1);
    while (data != NULL) {
        size_t n = fread(data + len, 1, cap - len, f);

        len += n;
        if (len > max_len) {
            rc = -2;
            break;
        }
        if (n == 0) {
            if (ferror(f))
                break;
            data[len] = 0;
            out->data = data;
            out->len = len;
            data = NULL;
            rc = 0;
            break;
        }
        if (len == cap) {
            uint8_t *bigger = OPENSSL_realloc(data, cap * 2 + 1);

            if (bigger == NULL)
                break;
            data = bigger;
            cap *= 2;
        }
    }
    if (data == NULL && rc == -1 && out->data == NULL)
        errno = errno ? errno : ENOMEM;
    OPENSSL_free(data);
    fclose(f);
    return rc;
}

void attls_hex_encode(const uint8_t *in, size_t len, char *out)
{
    static const char digits[] = "0123456789abcdef";

    for (size_t i = 0; i < len; i++) {
        out[2 * i] = digits[in[i] >> 4];
        out[2 * i + 1] = digits[in[i] & 0xf];
    }
    out[2 * len] = '\0';
}

static int hex_nibble(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

int attls_hex_decode(const char *hex, size_t hex_len, uint8_t *out,
                     size_t out_len)
{
    if (hex_len != 2 * out_len)
        return -1;
    for (size_t i = 0; i < out_len; i++) {
        int hi = hex_nibble(hex[2 * i]), lo = hex_nibble(hex[2 * i + 1]);

        if (hi < 0 || lo < 0)
            return -1;
        out[i] = (uint8_t)(hi << 4 | lo);
    }
    return 0;
}

int attls_hex_decode_alloc(const char *hex, size_t hex_len, attls_buf *out)
{
    out->data = NULL;
    out->len = 0;
    if (hex_len % 2 != 0)
        return -1;
    out->data = OPENSSL_malloc(hex_len / 2 + 1);
    if (out->data == NULL)
        return -2;
    if (attls_hex_decode(hex, hex_len, out->data, hex_len / 2) != 0) {
        OPENSSL_free(out->data);
        out->data = NULL;
        return -1;
    }
    out->len = hex_len / 2;
    return 0;
}

char *attls_b64url_encode(const uint8_t *in, size_t len)
{
    size_t cap = 4 * ((len + 2) / 3) + 1;
    char *out;
    int n;

    if (len > (size_t)INT32_MAX / 2)
        return NULL;
    out = OPENSSL_malloc(cap);
    if (out == NULL)
        return NULL;
    n = EVP_EncodeBlock((unsigned char *)out, in, (int)len);
    while (n > 0 && out[n - 1] == '=')
        n--;
    out[n] = '\0';
    for (int i = 0; i < n; i++) {
        if (out[i] == '+')
            out[i] = '-';
        else if (out[i] == '/')
            out[i] = '_';
    }
    return out;
}

int attls_b64url_decode(const char *in, size_t in_len, attls_buf *out)
{
    char *std = NULL;
    size_t padded, pad;
    int n, rc = -1;

    out->data = NULL;
    out->len = 0;
    while (in_len > 0 && in[in_len - 1] == '=')
        in_len--;
    if (in_len % 4 == 1 || in_len > (size_t)INT32_MAX / 2)
        return -1;
    pad = (4 - in_len % 4) % 4;
    padded = in_len + pad;
    std = OPENSSL_malloc(padded + 1);
    out->data = OPENSSL_malloc(padded / 4 * 3 + 1);
    if (std == NULL || out->data == NULL) {
        rc = -2;
        goto end;
    }
    for (size_t i = 0; i < in_len; i++) {
        char c = in[i];

        /* EVP_DecodeBlock accepts '+' '/' and skips blanks: refuse them. */
        if (c == '-')
            c = '+';
        else if (c == '_')
            c = '/';
        else if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                   (c >= '0' && c <= '9')))
            goto end;
        std[i] = c;
    }
    memset(std + in_len, '=', pad);
    std[padded] = '\0';
    n = EVP_DecodeBlock(out->data, (unsigned char *)std, (int)padded);
    if (n < 0)
        goto end;
    out->len = (size_t)n - pad;
    rc = 0;
end:
    OPENSSL_free(std);
    if (rc != 0) {
        OPENSSL_free(out->data);
        out->data = NULL;
        out->len = 0;
    }
    return rc;
}
