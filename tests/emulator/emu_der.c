/* SPDX-License-Identifier: Apache-2.0 */
#include "emu_der.h"

#include <stdlib.h>
#include <string.h>

#include <openssl/asn1.h>
#include <openssl/objects.h>

void emu_der_init(emu_der *d)
{
    memset(d, 0, sizeof(*d));
}

void emu_der_free(emu_der *d)
{
    free(d->data);
    memset(d, 0, sizeof(*d));
}

static int reserve(emu_der *d, size_t more)
{
    uint8_t *p;
    size_t cap;

    if (d->failed)
        return -1;
    if (d->len + more <= d->cap)
        return 0;
    cap = d->cap ? d->cap : 256;
    while (cap < d->len + more)
        cap *= 2;
    p = realloc(d->data, cap);
    if (p == NULL) {
        d->failed = 1;
        return -1;
    }
    d->data = p;
    d->cap = cap;
    return 0;
}

static size_t length_octets(size_t len, uint8_t out[5])
{
    size_t n = 0;

    if (len < 0x80) {
        out[0] = (uint8_t)len;
        return 1;
    }
    for (size_t v = len; v > 0; v >>= 8)
        n++;
    out[0] = (uint8_t)(0x80 | n);
    for (size_t i = 0; i < n; i++)
        out[1 + i] = (uint8_t)(len >> (8 * (n - 1 - i)));
    return n + 1;
}

void emu_der_raw(emu_der *d, const void *bytes, size_t len)
{
    if (reserve(d, len) != 0)
        return;
    if (len > 0)
        memcpy(d->data + d->len, bytes, len);
    d->len += len;
}

void emu_der_prim(emu_der *d, uint8_t tag, const void *content, size_t len)
{
    uint8_t hdr[6];
    size_t n;

    if (len > 0xFFFFFFFFu) {
        d->failed = 1;
        return;
    }
    hdr[0] = tag;
    n = length_octets(len, hdr + 1);
    emu_der_raw(d, hdr, n + 1);
    emu_der_raw(d, content, len);
}

void emu_der_begin(emu_der *d, uint8_t tag)
{
    if (d->depth >= EMU_DER_DEPTH) {
        d->failed = 1;
        return;
    }
    emu_der_raw(d, &tag, 1);
    d->open[d->depth++] = d->len;
}

void emu_der_end(emu_der *d)
{
    uint8_t lo[5];
    size_t start, content, n;

    if (d->failed || d->depth == 0) {
        d->failed = 1;
        return;
    }
    start = d->open[--d->depth];
    content = d->len - start;
    n = length_octets(content, lo);
    if (reserve(d, n) != 0)
        return;
    memmove(d->data + start + n, d->data + start, content);
    memcpy(d->data + start, lo, n);
    d->len += n;
}

void emu_der_uint(emu_der *d, uint64_t v)
{
    uint8_t b[9];
    size_t n = 0;

    /* Big-endian, minimal, with a leading zero when the top bit is set. */
    for (int i = 7; i >= 0; i--) {
        uint8_t byte = (uint8_t)(v >> (8 * i));

        if (n == 0 && byte == 0 && i > 0)
            continue;
        if (n == 0 && (byte & 0x80))
            b[n++] = 0;
        b[n++] = byte;
    }
    emu_der_prim(d, 0x02, b, n);
}

void emu_der_oid(emu_der *d, const char *dotted)
{
    ASN1_OBJECT *obj = OBJ_txt2obj(dotted, 1);
    unsigned char *der = NULL;
    int n;

    if (obj == NULL) {
        d->failed = 1;
        return;
    }
    n = i2d_ASN1_OBJECT(obj, &der);
    if (n <= 0)
        d->failed = 1;
    else
        emu_der_raw(d, der, (size_t)n);
    OPENSSL_free(der);
    ASN1_OBJECT_free(obj);
}

void emu_der_bool(emu_der *d, int v)
{
    uint8_t b = v ? 0xFF : 0x00;

    emu_der_prim(d, 0x01, &b, 1);
}

int emu_der_finish(const emu_der *d)
{
    return d->failed || d->depth != 0 || d->len == 0 ? -1 : 0;
}
