/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Byte helpers shared by the verifiers, the evidence code and the command
 * line: bounded file reading, hex and base64url. Every function here is
 * total: bad input returns an error, never a partial result.
 */
#ifndef ATTLS_COMMON_BYTES_H
#define ATTLS_COMMON_BYTES_H

#include <stddef.h>
#include <stdint.h>

/** A heap buffer owned by whoever holds it; free with attls_buf_free(). */
typedef struct attls_buf {
    uint8_t *data;
    size_t len;
} attls_buf;

/** Free @p b's data (cleansing it) and reset it to empty. */
void attls_buf_free(attls_buf *b);

/**
 * Read a whole file of at most @p max_len bytes.
 * @retval 0 success, @p out owns the bytes (a NUL follows them, not counted)
 * @retval -1 open/read failed (errno set)
 * @retval -2 file larger than @p max_len
 */
int attls_read_file(const char *path, size_t max_len, attls_buf *out);

/** Lower-case hex of @p len bytes into @p out (2*len+1 bytes). */
void attls_hex_encode(const uint8_t *in, size_t len, char *out);

/**
 * Decode hex (either case, no separators) of exactly 2*@p out_len digits.
 * @retval 0 success, -1 wrong length or a non-hex digit
 */
int attls_hex_decode(const char *hex, size_t hex_len, uint8_t *out,
                     size_t out_len);

/**
 * Decode hex of any even length into a new buffer.
 * @retval 0 success, -1 odd length or bad digit, -2 allocation failure
 */
int attls_hex_decode_alloc(const char *hex, size_t hex_len, attls_buf *out);

/**
 * Base64url without padding (RFC 4648 §5) of @p len bytes.
 * @return a NUL-terminated string to free with OPENSSL_free(), or NULL
 */
char *attls_b64url_encode(const uint8_t *in, size_t len);

/**
 * Decode base64url (padding optional; standard-alphabet '+' '/' refused).
 * @retval 0 success, -1 malformed input, -2 allocation failure
 */
int attls_b64url_decode(const char *in, size_t in_len, attls_buf *out);

/* Little-endian loads, for the TEE report and quote structures. */
static inline uint16_t attls_le16(const uint8_t *p)
{
    return (uint16_t)(p[0] | (uint16_t)p[1] << 8);
}

static inline uint32_t attls_le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
           (uint32_t)p[3] << 24;
}

static inline uint64_t attls_le64(const uint8_t *p)
{
    return (uint64_t)attls_le32(p) | (uint64_t)attls_le32(p + 4) << 32;
}

#endif
