/* SPDX-License-Identifier: Apache-2.0 */
#include "tpm/imds.h"

#include <ctype.h>
#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <jansson.h>
#include <openssl/bio.h>
#include <openssl/crypto.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "common/log.h"

#define MAX_HEADERS (8 * 1024)
#define MAX_RESPONSE (ATTLS_IMDS_MAX_BODY + MAX_HEADERS)

typedef struct url_parts {
    char host[256];
    char port[8];
} url_parts;

static attls_code parse_base(const char *base, url_parts *u, attls_status *st)
{
    const char *p, *end;
    size_t n;

    if (strncmp(base, "http://", 7) != 0)
        return attls_fail(st, ATTLS_E_ARGUMENT, "http.url",
                          "IMDS URL '%.200s' is not http://host[:port]", base);
    p = base + 7;
    if (*p == '[') { /* IPv6 literal */
        end = strchr(p, ']');
        if (end == NULL)
            return attls_fail(st, ATTLS_E_ARGUMENT, "http.url",
                              "IMDS URL '%.200s': unterminated [", base);
        n = (size_t)(end - p - 1);
        p++;
        end++;
    } else {
        end = p + strcspn(p, ":/");
        n = (size_t)(end - p);
    }
    if (n == 0 || n >= sizeof(u->host))
        return attls_fail(st, ATTLS_E_ARGUMENT, "http.url",
                          "IMDS URL '%.200s' has no valid host", base);
    memcpy(u->host, p, n);
    u->host[n] = '\0';
    snprintf(u->port, sizeof(u->port), "80");
    if (*end == ':') {
        char *stop = NULL;
        long port = strtol(end + 1, &stop, 10);

        if (stop == end + 1 || port < 1 || port > 65535)
            return attls_fail(st, ATTLS_E_ARGUMENT, "http.url",
                              "IMDS URL '%.200s' has an invalid port", base);
        snprintf(u->port, sizeof(u->port), "%ld", port);
        end = stop;
    }
    if (*end != '\0' && strcmp(end, "/") != 0)
        return attls_fail(st, ATTLS_E_ARGUMENT, "http.url",
                          "IMDS URL '%.200s' must not have a path", base);
    return ATTLS_OK;
}

static int connect_to(const url_parts *u)
{
    struct addrinfo hints = {.ai_socktype = SOCK_STREAM}, *res = NULL, *ai;
    struct timeval tv = {.tv_sec = ATTLS_IMDS_TIMEOUT_MS / 1000,
                         .tv_usec = ATTLS_IMDS_TIMEOUT_MS % 1000 * 1000};
    int fd = -1, err;

    err = getaddrinfo(u->host, u->port, &hints, &res);
    if (err != 0) {
        errno = EHOSTUNREACH;
        return -1;
    }
    for (ai = res; ai != NULL; ai = ai->ai_next) {
        fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC,
                    ai->ai_protocol);
        if (fd < 0)
            continue;
        /* Linux applies SO_SNDTIMEO to connect() too. */
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
        if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)
            break;
        err = errno;
        close(fd);
        fd = -1;
        errno = err;
    }
    freeaddrinfo(res);
    return fd;
}

static int send_all(int fd, const char *data, size_t len)
{
    while (len > 0) {
        ssize_t n = send(fd, data, len, MSG_NOSIGNAL);

        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return -1;
        data += n;
        len -= (size_t)n;
    }
    return 0;
}

/* Read until the peer closes; -1 on error, -2 when over MAX_RESPONSE. */
static int recv_all(int fd, attls_buf *out)
{
    uint8_t *buf = OPENSSL_malloc(MAX_RESPONSE + 1);
    size_t len = 0;

    if (buf == NULL)
        return -1;
    for (;;) {
        ssize_t n = recv(fd, buf + len, MAX_RESPONSE + 1 - len, 0);

        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            OPENSSL_free(buf);
            return -1;
        }
        if (n == 0)
            break;
        len += (size_t)n;
        if (len > MAX_RESPONSE) {
            OPENSSL_free(buf);
            return -2;
        }
    }
    buf[len] = '\0';
    out->data = buf;
    out->len = len;
    return 0;
}

/* Value of header @p name in @p head (NUL-terminated header block). */
static const char *find_header(const char *head, const char *name)
{
    size_t n = strlen(name);

    for (const char *line = strstr(head, "\r\n"); line != NULL;
         line = strstr(line + 2, "\r\n")) {
        const char *h = line + 2;

        if (strncasecmp(h, name, n) == 0 && h[n] == ':') {
            h += n + 1;
            while (*h == ' ' || *h == '\t')
                h++;
            return h;
        }
    }
    return NULL;
}

/* Decode a chunked body in place; -1 when malformed. */
static int dechunk(uint8_t *body, size_t len, size_t *out_len)
{
    size_t in = 0, out = 0;

    for (;;) {
        char *end = NULL;
        unsigned long size;
        const uint8_t *crlf;

        if (in >= len || !isxdigit(body[in]))
            return -1;
        size = strtoul((const char *)body + in, &end, 16);
        crlf = memmem(body + in, len - in, "\r\n", 2);
        if (crlf == NULL || (const uint8_t *)end > crlf ||
            size > ATTLS_IMDS_MAX_BODY)
            return -1;
        in = (size_t)(crlf - body) + 2;
        if (size == 0)
            break;
        if (size > len - in || len - in - size < 2 ||
            memcmp(body + in + size, "\r\n", 2) != 0)
            return -1;
        memmove(body + out, body + in, size);
        out += size;
        in += size + 2;
    }
    *out_len = out;
    return 0;
}

static attls_code parse_response(attls_buf *raw, attls_buf *body,
                                 const char *what, attls_status *st)
{
    char *text = (char *)raw->data;
    char *head_end = strstr(text, "\r\n\r\n");
    const char *cl, *te;
    uint8_t *payload;
    size_t payload_len;
    int status;

    if (raw->len < 12 || head_end == NULL ||
        (strncmp(text, "HTTP/1.1 ", 9) != 0 &&
         strncmp(text, "HTTP/1.0 ", 9) != 0) ||
        !isdigit((unsigned char)text[9]) || !isdigit((unsigned char)text[10]) ||
        !isdigit((unsigned char)text[11]))
        return attls_fail(st, ATTLS_E_IMDS, "http.response",
                          "%s: response is not HTTP/1.x", what);
    status = atoi(text + 9);
    *head_end = '\0';
    payload = (uint8_t *)head_end + 4;
    payload_len = raw->len - (size_t)(payload - raw->data);
    if (status != 200)
        return attls_fail(st, ATTLS_E_IMDS, "http.status", "%s: HTTP status %d",
                          what, status);
    te = find_header(text, "Transfer-Encoding");
    cl = find_header(text, "Content-Length");
    if (te != NULL && strncasecmp(te, "chunked", 7) == 0) {
        if (dechunk(payload, payload_len, &payload_len) != 0)
            return attls_fail(st, ATTLS_E_IMDS, "http.chunked",
                              "%s: malformed chunked body", what);
    } else if (cl != NULL) {
        char *end = NULL;
        unsigned long n = strtoul(cl, &end, 10);

        if (end == cl || n > payload_len)
            return attls_fail(st, ATTLS_E_IMDS, "http.length",
                              "%s: Content-Length %.20s but %zu body bytes",
                              what, cl, payload_len);
        payload_len = n;
    }
    if (payload_len > ATTLS_IMDS_MAX_BODY)
        return attls_fail(st, ATTLS_E_IMDS, "http.length",
                          "%s: body of %zu bytes is too large", what,
                          payload_len);
    body->data = OPENSSL_malloc(payload_len + 1);
    if (body->data == NULL)
        return attls_fail(st, ATTLS_E_INTERNAL, "http.alloc", "out of memory");
    memcpy(body->data, payload, payload_len);
    body->data[payload_len] = '\0';
    body->len = payload_len;
    return ATTLS_OK;
}

attls_code attls_http_request(const char *base, const char *method,
                              const char *path, const char *headers,
                              const char *body, attls_buf *resp,
                              attls_status *st)
{
    url_parts u;
    char what[512], *req = NULL;
    attls_buf raw = {NULL, 0};
    size_t body_len = body != NULL ? strlen(body) : 0;
    int fd, n, rrc;
    attls_code rc;

    resp->data = NULL;
    resp->len = 0;
    rc = parse_base(base, &u, st);
    if (rc != ATTLS_OK)
        return rc;
    snprintf(what, sizeof(what), "%s %s:%s%s", method, u.host, u.port, path);
    fd = connect_to(&u);
    if (fd < 0)
        return attls_fail(st, ATTLS_E_IMDS, "http.connect",
                          "%s: cannot connect: %s", what, strerror(errno));
    n = asprintf(&req,
                 "%s %s HTTP/1.1\r\nHost: %s\r\nUser-Agent: attls\r\n"
                 "Connection: close\r\n%sContent-Length: %zu\r\n\r\n%s",
                 method, path, u.host, headers != NULL ? headers : "", body_len,
                 body != NULL ? body : "");
    if (n < 0) {
        close(fd);
        return attls_fail(st, ATTLS_E_INTERNAL, "http.alloc", "out of memory");
    }
    if (send_all(fd, req, (size_t)n) != 0)
        rc = attls_fail(st, ATTLS_E_IMDS, "http.send", "%s: send failed: %s",
                        what, strerror(errno));
    else if ((rrc = recv_all(fd, &raw)) != 0)
        rc = attls_fail(st, ATTLS_E_IMDS, "http.recv", "%s: %s", what,
                        rrc == -2 ? "response larger than 72 KiB"
                                  : strerror(errno));
    else
        rc = parse_response(&raw, resp, what, st);
    free(req);
    close(fd);
    attls_buf_free(&raw);
    ATTLS_DEBUG_LOG("imds", "%s: %s", what, rc == ATTLS_OK ? "200" : "failed");
    return rc;
}

/* The string member @p key of the JSON object in @p body. */
static attls_code json_member(const attls_buf *body, const char *key,
                              const char *what, json_t **root,
                              const char **value, attls_status *st)
{
    json_error_t err;
    json_t *v;

    *root = json_loadb((const char *)body->data, body->len,
                       JSON_REJECT_DUPLICATES, &err);
    v = json_is_object(*root) ? json_object_get(*root, key) : NULL;
    if (!json_is_string(v)) {
        json_decref(*root);
        *root = NULL;
        return attls_fail(st, ATTLS_E_IMDS, "imds.json",
                          "%s: answer is not a JSON object with a string "
                          "'%s'",
                          what, key);
    }
    *value = json_string_value(v);
    return ATTLS_OK;
}

attls_code attls_imds_td_quote(const char *base, const uint8_t *tdreport,
                               size_t len, attls_buf *quote, attls_status *st)
{
    char *b64 = attls_b64url_encode(tdreport, len), *req = NULL;
    attls_buf body = {NULL, 0};
    json_t *root = NULL;
    const char *q = NULL;
    attls_code rc;

    quote->data = NULL;
    quote->len = 0;
    if (b64 == NULL || asprintf(&req, "{\"report\":\"%s\"}", b64) < 0) {
        OPENSSL_free(b64);
        return attls_fail(st, ATTLS_E_INTERNAL, "imds.alloc", "out of memory");
    }
    OPENSSL_free(b64);
    /* IMDS answers 415 unless the type is exactly application/json. */
    rc = attls_http_request(base, "POST", "/acc/tdquote",
                            "Content-Type: application/json\r\n", req, &body,
                            st);
    free(req);
    if (rc == ATTLS_OK)
        rc = json_member(&body, "quote", "IMDS /acc/tdquote", &root, &q, st);
    if (rc == ATTLS_OK &&
        (attls_b64url_decode(q, strlen(q), quote) != 0 || quote->len == 0)) {
        attls_buf_free(quote);
        rc = attls_fail(st, ATTLS_E_IMDS, "imds.quote",
                        "IMDS /acc/tdquote: \"quote\" is empty or not "
                        "base64url");
    }
    json_decref(root);
    attls_buf_free(&body);
    return rc;
}

attls_code attls_imds_vcek(const char *base, attls_buf *vcek, attls_status *st)
{
    attls_buf body = {NULL, 0};
    json_t *root = NULL;
    const char *pem = NULL;
    X509 *x = NULL;
    BIO *bio;
    unsigned char *der = NULL;
    int n;
    attls_code rc;

    vcek->data = NULL;
    vcek->len = 0;
    rc = attls_http_request(base, "GET", "/metadata/THIM/amd/certification",
                            "Metadata: true\r\n", NULL, &body, st);
    if (rc == ATTLS_OK)
        rc = json_member(&body, "vcekCert", "IMDS THIM", &root, &pem, st);
    if (rc == ATTLS_OK) {
        bio = BIO_new_mem_buf(pem, -1);
        x = bio != NULL ? PEM_read_bio_X509(bio, NULL, NULL, NULL) : NULL;
        BIO_free(bio);
        n = x != NULL ? i2d_X509(x, &der) : -1;
        if (n <= 0)
            rc = attls_fail(st, ATTLS_E_IMDS, "imds.vcek",
                            "IMDS THIM: \"vcekCert\" is not a PEM "
                            "certificate");
        else {
            vcek->data = der;
            vcek->len = (size_t)n;
        }
    }
    X509_free(x);
    json_decref(root);
    attls_buf_free(&body);
    return rc;
}
