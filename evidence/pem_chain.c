/* SPDX-License-Identifier: Apache-2.0 */
#include "evidence/pem_chain.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/pem.h>

static const char pem_begin[] = "-----BEGIN CERTIFICATE-----";
static const char pem_end[] = "-----END CERTIFICATE-----";

static int is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static size_t skip_space(const char *p, size_t pos, size_t len)
{
    while (pos < len && is_space(p[pos]))
        pos++;
    return pos;
}

/* Decode one PEM block [p, p+len) into a certificate, or NULL. */
static X509 *decode_block(const char *p, size_t len, char *why, size_t why_len)
{
    BIO *bio = BIO_new_mem_buf(p, (int)len);
    char *name = NULL, *header = NULL;
    unsigned char *der = NULL;
    const unsigned char *q;
    long der_len = 0;
    X509 *x = NULL;

    if (bio == NULL) {
        snprintf(why, why_len, "out of memory");
        return NULL;
    }
    if (PEM_read_bio(bio, &name, &header, &der, &der_len) != 1) {
        snprintf(why, why_len, "invalid PEM encoding (bad base64 or lines)");
        goto end;
    }
    if (strcmp(name, "CERTIFICATE") != 0 || header[0] != '\0') {
        snprintf(why, why_len, "unexpected PEM label or headers");
        goto end;
    }
    q = der;
    x = d2i_X509(NULL, &q, der_len);
    if (x == NULL) {
        snprintf(why, why_len, "not a DER X.509 certificate");
    } else if (q != der + der_len) {
        snprintf(why, why_len, "%ld bytes after the certificate's DER",
                 (long)(der + der_len - q));
        X509_free(x);
        x = NULL;
    }
end:
    OPENSSL_free(name);
    OPENSSL_free(header);
    OPENSSL_free(der);
    BIO_free(bio);
    return x;
}

/*
 * Find the block starting at @p pos; its end (past the END line) in *end.
 * -1: no BEGIN line at @p pos, -2: no END line after it.
 */
static int find_block(const char *pem, size_t pos, size_t len, size_t *end)
{
    size_t begin_len = sizeof(pem_begin) - 1, end_len = sizeof(pem_end) - 1;
    const char *stop;

    if (len - pos < begin_len || memcmp(pem + pos, pem_begin, begin_len) != 0)
        return -1;
    stop =
        memmem(pem + pos + begin_len, len - pos - begin_len, pem_end, end_len);
    if (stop == NULL)
        return -2;
    *end = (size_t)(stop - pem) + end_len;
    return 0;
}

STACK_OF(X509) *attls_pem_chain_parse(const char *pem, size_t len, char *why,
                                      size_t why_len)
{
    STACK_OF(X509) *certs = sk_X509_new_null();
    char reason[160];
    size_t pos = 0, end;
    int ok = 0, r;

    if (certs == NULL || len > INT32_MAX) {
        snprintf(why, why_len,
                 certs == NULL ? "out of memory" : "PEM text too large");
        sk_X509_free(certs);
        return NULL;
    }
    ERR_set_mark();
    while ((pos = skip_space(pem, pos, len)) < len) {
        X509 *x;

        if (sk_X509_num(certs) == ATTLS_PEM_CHAIN_MAX) {
            snprintf(why, why_len, "more than %d certificates",
                     ATTLS_PEM_CHAIN_MAX);
            goto end;
        }
        if ((r = find_block(pem, pos, len, &end)) != 0) {
            snprintf(why, why_len,
                     r == -1 ? "offset %zu: expected a '%s' block, found "
                               "other data"
                             : "offset %zu: '%s' without an END line",
                     pos, pem_begin);
            goto end;
        }
        x = decode_block(pem + pos, end - pos, reason, sizeof(reason));
        if (x == NULL) {
            snprintf(why, why_len, "certificate %d at offset %zu: %s",
                     sk_X509_num(certs) + 1, pos, reason);
            goto end;
        }
        if (!sk_X509_push(certs, x)) {
            X509_free(x);
            snprintf(why, why_len, "out of memory");
            goto end;
        }
        pos = end;
    }
    if (sk_X509_num(certs) == 0)
        snprintf(why, why_len, "no certificate");
    else
        ok = 1;
end:
    ERR_pop_to_mark();
    if (!ok) {
        sk_X509_pop_free(certs, X509_free);
        return NULL;
    }
    return certs;
}
