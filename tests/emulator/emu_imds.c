/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Azure Instance Metadata Service on loopback, the two endpoints attls
 * needs from it:
 *
 *   GET  /metadata/THIM/amd/certification   (header "Metadata: true")
 *        -> {"vcekCert", "tcbm", "certificateChain", "cacheControl"}
 *        the VCEK and its ASK/ARK chain (Azure SEV-SNP)
 *   POST /acc/tdquote  Content-Type exactly "application/json",
 *        {"report": base64url(TDREPORT)} -> {"quote": base64url(quote)}
 *        (Azure TDX; unknown TDREPORTs are refused as the QE refuses them)
 *
 * One request per connection, answered in order; plain HTTP/1.1 as the real
 * IMDS at 169.254.169.254 serves it. The port is written to
 * STATE_DIR/imds.port once the socket listens.
 */
#include <ctype.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <jansson.h>
#include <openssl/crypto.h>

#include "emu_ctx.h"
#include "emu_main.h"
#include "emu_tdx.h"
#include "emu_util.h"
#include "emu_x509.h"

#define MAX_HEAD 16384
#define MAX_BODY 65536
#define AZURE_QUOTE_TRAILING 70 /* zero bytes after real Azure quotes */

typedef struct request {
    char method[16], path[256];
    char content_type[128], metadata[16];
    char *body;
    size_t body_len;
} request;

static void respond(int fd, int status, const char *reason, const char *body)
{
    char head[256];
    size_t len = strlen(body);
    int n = snprintf(head, sizeof(head),
                     "HTTP/1.1 %d %s\r\nContent-Type: application/json; "
                     "charset=utf-8\r\nContent-Length: %zu\r\n"
                     "Connection: close\r\n\r\n",
                     status, reason, len);

    if (emu_write_all(fd, head, (size_t)n) == 0)
        emu_write_all(fd, body, len);
}

static void respond_error(int fd, int status, const char *reason,
                          const char *msg)
{
    json_t *o = json_pack("{s:s}", "error", msg);
    char *text = o ? json_dumps(o, JSON_COMPACT) : NULL;

    respond(fd, status, reason, text ? text : "{}");
    free(text);
    json_decref(o);
}

static void header_value(const char *line, const char *name, char *out,
                         size_t cap)
{
    size_t n = strlen(name);
    const char *v;

    if (strncasecmp(line, name, n) != 0 || line[n] != ':')
        return;
    for (v = line + n + 1; *v == ' ' || *v == '\t'; v++)
        ;
    snprintf(out, cap, "%s", v);
    for (size_t i = strlen(out); i > 0 && isspace((unsigned char)out[i - 1]);
         i--)
        out[i - 1] = '\0';
}

/* @retval 0 parsed, -1 malformed (answered), -2 connection gone */
static int read_request(int fd, request *rq)
{
    char head[MAX_HEAD + 1], *end = NULL, *line, *save;
    size_t got = 0, body_have, clen = 0;
    char clen_s[32] = "";

    memset(rq, 0, sizeof(*rq));
    while (end == NULL) {
        ssize_t n;

        if (got == MAX_HEAD) {
            respond_error(fd, 431, "Request Header Fields Too Large",
                          "header too large");
            return -1;
        }
        n = read(fd, head + got, MAX_HEAD - got);
        if (n <= 0)
            return -2;
        got += (size_t)n;
        head[got] = '\0';
        end = strstr(head, "\r\n\r\n");
    }
    *end = '\0';
    body_have = got - (size_t)(end + 4 - head);
    line = strtok_r(head, "\r\n", &save);
    if (line == NULL ||
        sscanf(line, "%15s %255s HTTP/1.%*c", rq->method, rq->path) != 2) {
        respond_error(fd, 400, "Bad Request", "malformed request line");
        return -1;
    }
    while ((line = strtok_r(NULL, "\r\n", &save)) != NULL) {
        header_value(line, "Content-Type", rq->content_type,
                     sizeof(rq->content_type));
        header_value(line, "Metadata", rq->metadata, sizeof(rq->metadata));
        header_value(line, "Content-Length", clen_s, sizeof(clen_s));
    }
    if (clen_s[0] != '\0') {
        char *e;

        errno = 0;
        clen = strtoul(clen_s, &e, 10);
        if (errno != 0 || *e != '\0' || clen > MAX_BODY) {
            respond_error(fd, 400, "Bad Request", "bad Content-Length");
            return -1;
        }
    }
    if (body_have > clen) {
        respond_error(fd, 400, "Bad Request", "body longer than announced");
        return -1;
    }
    rq->body = malloc(clen + 1);
    if (rq->body == NULL)
        return -2;
    memcpy(rq->body, end + 4, body_have);
    if (clen > body_have &&
        emu_read_exact(fd, rq->body + body_have, clen - body_have) != 1)
        return -2;
    rq->body[clen] = '\0';
    rq->body_len = clen;
    return 0;
}

static void thim(const emu_ctx *ctx, int fd, const request *rq)
{
    const emu_snp_tcb *t = &ctx->snp.reported;
    char *vcek = NULL, *chain = NULL, *text = NULL, tcbm[17];
    size_t vlen = 0, clen = 0;
    json_t *o = NULL;

    if (strcmp(rq->metadata, "true") != 0) {
        respond_error(fd, 400, "Bad Request",
                      "Required metadata header not specified");
        return;
    }
    /* TCB as the big-endian hex of the little-endian TCB_VERSION. */
    snprintf(tcbm, sizeof(tcbm), "%02X%02X00000000%02X%02X", t->ucode, t->snp,
             t->tee, t->bl);
    if (emu_cert_pem_append(ctx->vcek, &vcek, &vlen) == 0 &&
        emu_cert_pem_append(ctx->ask, &chain, &clen) == 0 &&
        emu_cert_pem_append(ctx->ark, &chain, &clen) == 0)
        o = json_pack("{s:s, s:s, s:s, s:s}", "vcekCert", vcek, "tcbm", tcbm,
                      "certificateChain", chain, "cacheControl", "86400");
    text = o ? json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
    if (text != NULL)
        respond(fd, 200, "OK", text);
    else
        respond_error(fd, 500, "Internal Server Error", "no certificates");
    free(text);
    json_decref(o);
    free(vcek);
    free(chain);
}

static void tdquote(const emu_ctx *ctx, int fd, const request *rq)
{
    json_error_t jerr;
    json_t *in = NULL, *out = NULL;
    const char *b64;
    attls_buf report = {0};
    uint8_t *quote = NULL;
    size_t qlen = 0;
    char *enc = NULL, *text = NULL;

    if (strcmp(rq->content_type, "application/json") != 0) {
        respond_error(fd, 415, "Unsupported Media Type",
                      "Content-Type must be application/json");
        return;
    }
    in = json_loadb(rq->body, rq->body_len, JSON_REJECT_DUPLICATES, &jerr);
    b64 = json_string_value(json_object_get(in, "report"));
    if (b64 == NULL || attls_b64url_decode(b64, strlen(b64), &report) != 0 ||
        report.len != EMU_TDREPORT_SIZE) {
        respond_error(fd, 400, "Bad Request",
                      "expected {\"report\": base64url(1024-byte TDREPORT)}");
        goto end;
    }
    if (emu_tdreport_check(ctx, report.data) != 0) {
        respond_error(fd, 400, "Bad Request", "TDREPORT verification failed");
        goto end;
    }
    if (emu_td_quote(ctx, report.data, AZURE_QUOTE_TRAILING, &quote, &qlen) !=
            0 ||
        (enc = attls_b64url_encode(quote, qlen)) == NULL ||
        (out = json_pack("{s:s}", "quote", enc)) == NULL ||
        (text = json_dumps(out, JSON_COMPACT)) == NULL) {
        respond_error(fd, 500, "Internal Server Error", "quote failed");
        goto end;
    }
    respond(fd, 200, "OK", text);
end:
    free(text);
    OPENSSL_free(enc);
    free(quote);
    attls_buf_free(&report);
    json_decref(in);
    json_decref(out);
}

static void serve(const emu_ctx *ctx, int fd)
{
    request rq;
    int rc = read_request(fd, &rq);

    if (rc == 0) {
        int snp = ctx->platform == EMU_AZURE_SNP;
        const char *want = NULL;

        if (snp && strcmp(rq.path, "/metadata/THIM/amd/certification") == 0)
            want = "GET";
        else if (!snp && strcmp(rq.path, "/acc/tdquote") == 0)
            want = "POST";
        if (want == NULL)
            respond_error(fd, 404, "Not Found", "no such endpoint");
        else if (strcmp(rq.method, want) != 0)
            respond_error(fd, 405, "Method Not Allowed", want);
        else if (snp)
            thim(ctx, fd, &rq);
        else
            tdquote(ctx, fd, &rq);
    }
    free(rq.body);
}

int emu_cmd_imds(int argc, char **argv)
{
    struct timeval tv = {.tv_sec = 10};
    emu_ctx ctx;
    uint16_t port;
    int ld;

    if (argc != 2) {
        emu_err("usage: attls-emu imds STATE_DIR PORT|auto");
        return 2;
    }
    if (emu_parse_listen_port(argv[1], &port) != 0)
        return 2;
    signal(SIGPIPE, SIG_IGN);
    if (emu_ctx_load(argv[0], &ctx) != 0)
        return 1;
    if (!emu_platform_is_azure(ctx.platform)) {
        emu_err("IMDS is Azure's; the machine is %s",
                emu_platform_name(ctx.platform));
        emu_ctx_free(&ctx);
        return 1;
    }
    ld = emu_tcp_listen(&port);
    if (ld < 0 || emu_write_port_file(argv[0], "imds.port", port) != 0) {
        emu_ctx_free(&ctx);
        return 1;
    }
    fprintf(stderr, "%s: serving http://127.0.0.1:%u\n", emu_progname, port);
    for (;;) {
        int c = accept(ld, NULL, NULL);

        if (c < 0) {
            if (errno == EINTR || errno == ECONNABORTED)
                continue;
            emu_err("accept: %s", strerror(errno));
            break;
        }
        setsockopt(c, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
        serve(&ctx, c);
        close(c);
    }
    close(ld);
    emu_ctx_free(&ctx);
    return 1;
}
