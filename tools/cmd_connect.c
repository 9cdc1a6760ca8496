/* SPDX-License-Identifier: Apache-2.0 */
/*
 * attls connect HOST:PORT: a TLS client that accepts the server only if
 * the evidence in its certificate verifies (libattls's verify callback),
 * then prints the verified claims. With --get PATH it also sends an HTTP/1.0
 * GET and prints the response, so that a demo shows the attested server
 * answering.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/ssl.h>

#include "attls/attls.h"
#include "tools/cli.h"
#include "tools/commands.h"
#include "tools/verify_opts.h"

enum { OPT_SERVERNAME = 0x181, OPT_GET };

static void usage(FILE *out)
{
    fprintf(out,
            "usage: attls connect HOST:PORT [--policy FILE] [--at TIME] "
            "[--roots DIR]\n"
            "                     [--servername NAME] [--get PATH] "
            "[--json]\n\n"
            "Open a TLS connection and accept the server only if the "
            "attestation\nevidence in its certificate verifies against the "
            "pinned roots and the\npolicy (libattls(3)); print the verified "
            "claims.\n\n"
            "  --policy FILE      JSON policy (docs/policy.md)\n"
            "  --at TIME          verify at this RFC 3339 time\n"
            "  --roots DIR        trust sets DIR/<set>.pem replace the "
            "pinned roots\n"
            "  --servername NAME  SNI (default: HOST)\n"
            "  --get PATH         send GET PATH over the verified "
            "connection, print the reply\n"
            "  --json             print the claims as JSON\n\n"
            "exit status: 0 verified, 1 refused, 2 usage or bad policy, 3 "
            "connection error\n");
}

/* HTTP/1.0 GET over the verified connection; the reply goes to stdout. */
static int http_get(SSL *ssl, const char *host, const char *path)
{
    char req[1024], buf[4096];
    int n = snprintf(req, sizeof(req),
                     "GET %s HTTP/1.0\r\nHost: %s\r\nConnection: close\r\n\r\n",
                     path, host);

    if (n < 0 || (size_t)n >= sizeof(req) || SSL_write(ssl, req, n) != n)
        return -1;
    while ((n = SSL_read(ssl, buf, sizeof(buf))) > 0)
        if (fwrite(buf, 1, (size_t)n, stdout) != (size_t)n)
            return -1;
    return fflush(stdout) == 0 ? 0 : -1;
}

typedef struct connect_opts {
    const char *target, *servername, *get;
    int json;
} connect_opts;

static int run(const connect_opts *o, const attls_policy *pol)
{
    SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
    BIO *bio = NULL;
    SSL *ssl = NULL;
    attls_status st;
    attls_result res;
    int rc = ATTLS_EXIT_ERROR;

    attls_status_clear(&st);
    if (ctx == NULL || attls_ssl_ctx_set_verify(ctx, pol) != ATTLS_OK ||
        (bio = BIO_new_ssl_connect(ctx)) == NULL ||
        BIO_get_ssl(bio, &ssl) != 1 ||
        BIO_set_conn_hostname(bio, o->target) != 1 ||
        (o->servername != NULL &&
         SSL_set_tlsext_host_name(ssl, o->servername) != 1)) {
        fprintf(stderr, "attls connect: cannot set up TLS to %s\n", o->target);
        goto out;
    }
    if (BIO_do_handshake(bio) != 1) {
        if (attls_ssl_last_status(ssl, &st, NULL) != ATTLS_E_ARGUMENT) {
            rc = attls_cli_report("connect", &st);
        } else {
            fprintf(stderr,
                    "attls connect: %s: connection or handshake "
                    "failed:\n",
                    o->target);
            ERR_print_errors_fp(stderr);
        }
        goto out;
    }
    if (attls_ssl_last_status(ssl, &st, &res) != ATTLS_OK) {
        rc = attls_cli_report("connect", &st);
        goto out;
    }
    printf("connected to %s: %s, %s, attested server\n", o->target,
           SSL_get_version(ssl), SSL_get_cipher_name(ssl));
    rc = attls_cli_print_claims(res.json, o->json) == 0 ? ATTLS_EXIT_OK
                                                        : ATTLS_EXIT_ERROR;
    attls_result_free(&res);
    if (rc == ATTLS_EXIT_OK && o->get != NULL &&
        http_get(ssl, o->servername, o->get) != 0) {
        fprintf(stderr, "attls connect: GET %s failed\n", o->get);
        rc = ATTLS_EXIT_ERROR;
    }
    if (rc == ATTLS_EXIT_OK)
        attls_cli_report("connect", &st);
out:
    BIO_free_all(bio);
    SSL_CTX_free(ctx);
    return rc;
}

int attls_cmd_connect(int argc, char **argv)
{
    static const struct option options[] = {
        {"servername", required_argument, NULL, OPT_SERVERNAME},
        {"get", required_argument, NULL, OPT_GET},
        ATTLS_CLI_VERIFY_OPTIONS,
        {NULL, 0, NULL, 0},
    };
    attls_cli_verify vo;
    connect_opts o = {NULL, NULL, NULL, 0};
    char host[256];
    attls_policy *pol;
    int opt, rc = ATTLS_EXIT_OK;

    attls_cli_verify_init(&vo);
    optind = 1;
    while ((opt = getopt_long(argc, argv, "h", options, NULL)) != -1) {
        int handled = attls_cli_verify_option(&vo, opt, optarg);

        if (handled < 0)
            return ATTLS_EXIT_USAGE;
        if (handled > 0)
            continue;
        if (opt == OPT_SERVERNAME)
            o.servername = optarg;
        else if (opt == OPT_GET)
            o.get = optarg;
        else if (opt == 'h') {
            usage(stdout);
            return ATTLS_EXIT_OK;
        } else
            return attls_cli_usage_error("connect", "unknown option");
    }
    if (argc - optind != 1 || strrchr(argv[optind], ':') == NULL)
        return attls_cli_usage_error("connect", "give one HOST:PORT");
    o.target = argv[optind];
    o.json = vo.common.json;
    if (o.servername == NULL) {
        size_t n = (size_t)(strrchr(o.target, ':') - o.target);

        if (n == 0 || n >= sizeof(host))
            return attls_cli_usage_error("connect", "bad host in %s", o.target);
        memcpy(host, o.target, n);
        host[n] = '\0';
        o.servername = host;
    }
    if ((pol = attls_cli_policy("connect", &vo, &rc)) == NULL)
        return rc;
    rc = run(&o, pol);
    attls_policy_free(pol);
    return rc;
}
