/* SPDX-License-Identifier: Apache-2.0 */
/*
 * handshake_rate: full TLS handshakes per second against one server, from
 * one sequential client: no session resumption, a new TCP connection each
 * time, the server certificate verified every time.
 *
 * usage: handshake_rate --connect HOST:PORT --cafile CA.pem [--count N]
 *          [--servername NAME] [--tls 1.2|1.3] [--sigalgs LIST]
 *          [--ciphers LIST] [--request] [--quiet]
 *
 * --request sends "GET / HTTP/1.0" after each handshake and reads the
 * response to the end (the first response is printed unless --quiet).
 * Prints one line:
 *
 *   handshakes=N failed=F seconds=S per_second=R
 *
 * and exits 1 when any handshake failed (the first failure's OpenSSL errors
 * go to stderr), 2 on a usage error.
 */
#include <errno.h>
#include <getopt.h>
#include <netdb.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/ssl.h>

struct options {
    char *host;
    const char *port;
    const char *cafile;
    const char *servername;
    const char *sigalgs;
    const char *ciphers;
    int tls_version;
    unsigned long count;
    int request;
    int quiet;
};

static double now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int tcp_connect(const struct options *o)
{
    struct addrinfo hints = {.ai_family = AF_UNSPEC,
                             .ai_socktype = SOCK_STREAM};
    struct addrinfo *res = NULL, *ai;
    struct timeval tv = {.tv_sec = 30};
    int fd = -1, err;

    err = getaddrinfo(o->host, o->port, &hints, &res);
    if (err != 0) {
        fprintf(stderr, "handshake_rate: %s:%s: %s\n", o->host, o->port,
                gai_strerror(err));
        return -1;
    }
    for (ai = res; ai != NULL; ai = ai->ai_next) {
        fd = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
        if (fd < 0)
            continue;
        /* A server that stops answering must not hang the benchmark. */
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
        if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)
            break;
        close(fd);
        fd = -1;
    }
    if (fd < 0)
        fprintf(stderr, "handshake_rate: connect %s:%s: %s\n", o->host, o->port,
                strerror(errno));
    freeaddrinfo(res);
    return fd;
}

static SSL_CTX *make_ctx(const struct options *o)
{
    SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());

    if (ctx == NULL)
        return NULL;
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
    /* Every handshake is a full one. */
    SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
    SSL_CTX_set_options(ctx, SSL_OP_NO_TICKET);
    if (SSL_CTX_load_verify_locations(ctx, o->cafile, NULL) != 1 ||
        (o->tls_version != 0 &&
         (SSL_CTX_set_min_proto_version(ctx, o->tls_version) != 1 ||
          SSL_CTX_set_max_proto_version(ctx, o->tls_version) != 1)) ||
        (o->sigalgs != NULL &&
         SSL_CTX_set1_sigalgs_list(ctx, o->sigalgs) != 1) ||
        (o->ciphers != NULL && SSL_CTX_set_cipher_list(ctx, o->ciphers) != 1)) {
        SSL_CTX_free(ctx);
        return NULL;
    }
    return ctx;
}

/* Send GET / and read the response to its end; print it if asked. */
static int http_get(SSL *ssl, const struct options *o, int print)
{
    char req[512], buf[4096];
    int n, len;

    len = snprintf(req, sizeof(req), "GET / HTTP/1.0\r\nHost: %s\r\n\r\n",
                   o->servername);
    if (len < 0 || (size_t)len >= sizeof(req) ||
        SSL_write(ssl, req, len) != len)
        return -1;
    while ((n = SSL_read(ssl, buf, sizeof(buf))) > 0)
        if (print)
            fwrite(buf, 1, (size_t)n, stdout);
    return SSL_get_error(ssl, n) == SSL_ERROR_ZERO_RETURN ? 0 : -1;
}

static int one_handshake(SSL_CTX *ctx, const struct options *o, int print)
{
    SSL *ssl = NULL;
    int fd, ok = -1;

    fd = tcp_connect(o);
    if (fd < 0)
        return -1;
    ssl = SSL_new(ctx);
    if (ssl == NULL || SSL_set_fd(ssl, fd) != 1 ||
        SSL_set_tlsext_host_name(ssl, o->servername) != 1 ||
        SSL_set1_host(ssl, o->servername) != 1)
        goto out;
    if (SSL_connect(ssl) != 1) {
        long v = SSL_get_verify_result(ssl);

        if (v != X509_V_OK)
            fprintf(stderr, "handshake_rate: certificate: %s\n",
                    X509_verify_cert_error_string(v));
        goto out;
    }
    if (o->request && http_get(ssl, o, print) != 0) {
        fprintf(stderr, "handshake_rate: GET / failed\n");
        goto out;
    }
    SSL_shutdown(ssl);
    ok = 0;
out:
    SSL_free(ssl);
    close(fd);
    return ok;
}

static int parse_args(int argc, char **argv, struct options *o)
{
    static const struct option longopts[] = {
        {"connect", required_argument, NULL, 'c'},
        {"cafile", required_argument, NULL, 'a'},
        {"count", required_argument, NULL, 'n'},
        {"servername", required_argument, NULL, 's'},
        {"tls", required_argument, NULL, 't'},
        {"sigalgs", required_argument, NULL, 'g'},
        {"ciphers", required_argument, NULL, 'C'},
        {"request", no_argument, NULL, 'r'},
        {"quiet", no_argument, NULL, 'q'},
        {NULL, 0, NULL, 0},
    };
    char *colon, *end;
    int opt;

    while ((opt = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
        switch (opt) {
        case 'c':
            colon = strrchr(optarg, ':');
            if (colon == NULL || colon == optarg || colon[1] == '\0')
                return -1;
            *colon = '\0';
            o->host = optarg;
            o->port = colon + 1;
            break;
        case 'a':
            o->cafile = optarg;
            break;
        case 'n':
            errno = 0;
            o->count = strtoul(optarg, &end, 10);
            if (errno != 0 || *end != '\0' || *optarg == '-' || o->count == 0 ||
                o->count > 10000000)
                return -1;
            break;
        case 's':
            o->servername = optarg;
            break;
        case 't':
            if (strcmp(optarg, "1.2") == 0)
                o->tls_version = TLS1_2_VERSION;
            else if (strcmp(optarg, "1.3") == 0)
                o->tls_version = TLS1_3_VERSION;
            else
                return -1;
            break;
        case 'g':
            o->sigalgs = optarg;
            break;
        case 'C':
            o->ciphers = optarg;
            break;
        case 'r':
            o->request = 1;
            break;
        case 'q':
            o->quiet = 1;
            break;
        default:
            return -1;
        }
    }
    return optind == argc && o->host != NULL && o->cafile != NULL ? 0 : -1;
}

int main(int argc, char **argv)
{
    struct options o = {.servername = "localhost", .count = 100};
    unsigned long i, failed = 0;
    double start, seconds;
    SSL_CTX *ctx;

    if (parse_args(argc, argv, &o) != 0) {
        fprintf(stderr,
                "usage: handshake_rate --connect HOST:PORT --cafile CA.pem "
                "[--count N] [--servername NAME] [--tls 1.2|1.3] "
                "[--sigalgs LIST] [--ciphers LIST] [--request] [--quiet]\n");
        return 2;
    }
    /* A server closing early is a failed handshake, not a dead client. */
    signal(SIGPIPE, SIG_IGN);
    ctx = make_ctx(&o);
    if (ctx == NULL) {
        fprintf(stderr, "handshake_rate: cannot set up the TLS client\n");
        ERR_print_errors_fp(stderr);
        return 2;
    }
    start = now();
    for (i = 0; i < o.count; i++) {
        if (one_handshake(ctx, &o, i == 0 && !o.quiet) == 0)
            continue;
        if (failed++ == 0) {
            fprintf(stderr, "handshake_rate: handshake %lu failed:\n", i + 1);
            ERR_print_errors_fp(stderr);
        }
        ERR_clear_error();
    }
    seconds = now() - start;
    printf("handshakes=%lu failed=%lu seconds=%.3f per_second=%.2f\n",
           o.count - failed, failed, seconds,
           (double)(o.count - failed) / seconds);
    SSL_CTX_free(ctx);
    return failed == 0 ? 0 : 1;
}
