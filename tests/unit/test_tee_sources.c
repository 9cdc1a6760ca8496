/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests for the evidence sources of the VM that need no TPM:
 * configfs-tsm and device error paths (tpm/tee_report.c), the SNP
 * certificate table, PCR selection syntax (tpm/pcr.c) and the IMDS HTTP
 * client (tpm/imds.c) against a loopback server run by the test.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <openssl/crypto.h>

#include "common/bytes.h"
#include "tpm/imds.h"
#include "tpm/pcr.h"
#include "tpm/tee_report.h"

static char tmpdir[256];

static int setup(void **state)
{
    (void)state;
    snprintf(tmpdir, sizeof(tmpdir), "/tmp/attls-tee-XXXXXX");
    return mkdtemp(tmpdir) != NULL ? 0 : -1;
}

static int teardown(void **state)
{
    char cmd[300];

    (void)state;
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
    return system(cmd) == 0 ? 0 : -1;
}

/*-
 * TEE interfaces
 */

static void test_tee_absent(void **state)
{
    char tsm[300], sev[300], tdx[300];
    attls_tee_config cfg = {tsm, sev, tdx};
    attls_tee_kind kind;
    attls_tee_report r;
    attls_status st = {0};
    uint8_t rd[64] = {0};

    (void)state;
    snprintf(tsm, sizeof(tsm), "%s/no-tsm", tmpdir);
    snprintf(sev, sizeof(sev), "%s/no-sev", tmpdir);
    snprintf(tdx, sizeof(tdx), "%s/no-tdx", tmpdir);
    attls_status_clear(&st);
    assert_int_equal(attls_tee_detect(&cfg, &kind, &st), ATTLS_E_TEE_ABSENT);
    /* The message names every path looked at. */
    assert_non_null(strstr(st.message, tsm));
    assert_non_null(strstr(st.message, sev));
    assert_non_null(strstr(st.message, tdx));
    attls_status_clear(&st);
    assert_int_equal(attls_tee_get_report(&cfg, ATTLS_TEE_SNP, rd, &r, &st),
                     ATTLS_E_TEE_ABSENT);
    assert_non_null(strstr(st.message, sev));
    assert_null(r.report.data);
    attls_status_clear(&st);
    assert_int_equal(attls_tee_get_report(&cfg, ATTLS_TEE_TDX, rd, &r, &st),
                     ATTLS_E_TEE_ABSENT);
    assert_non_null(strstr(st.message, tdx));
    assert_int_equal(attls_tee_get_report(&cfg, ATTLS_TEE_NONE, rd, &r, &st),
                     ATTLS_E_ARGUMENT);
}

static void test_tsm_broken(void **state)
{
    char tsm[300], file[300];
    attls_tee_config cfg = {tsm, NULL, NULL};
    attls_tee_report r;
    attls_status st = {0};
    uint8_t rd[64] = {0};
    FILE *f;

    (void)state;
    /* A plain directory: entries get no attributes, unlike configfs. */
    snprintf(tsm, sizeof(tsm), "%s/tsm", tmpdir);
    assert_int_equal(mkdir(tsm, 0700), 0);
    attls_status_clear(&st);
    assert_int_equal(attls_tee_get_report(&cfg, ATTLS_TEE_SNP, rd, &r, &st),
                     ATTLS_E_TEE_REPORT);
    assert_string_equal(st.check, "tsm.io");
    assert_non_null(strstr(st.message, "provider"));
    /* The entry made for the request was removed again. */
    {
        char cmd[400];

        snprintf(cmd, sizeof(cmd), "test -z \"$(ls -A '%s')\"", tsm);
        assert_int_equal(system(cmd), 0);
    }
    /* A file where the directory should be. */
    snprintf(file, sizeof(file), "%s/not-a-dir", tmpdir);
    f = fopen(file, "w");
    assert_non_null(f);
    fclose(f);
    cfg.tsm_dir = file;
    attls_status_clear(&st);
    assert_int_equal(attls_tee_get_report(&cfg, ATTLS_TEE_TDX, rd, &r, &st),
                     ATTLS_E_TEE_REPORT);
    assert_non_null(strstr(st.message, "cannot create"));
}

/* One certificate-table entry. */
static void entry(uint8_t *e, const char *guid_hex, uint32_t off, uint32_t len)
{
    assert_int_equal(attls_hex_decode(guid_hex, 32, e, 16), 0);
    for (int i = 0; i < 4; i++) {
        e[16 + i] = (uint8_t)(off >> (8 * i));
        e[20 + i] = (uint8_t)(len >> (8 * i));
    }
}

static void test_snp_cert_table(void **state)
{
    uint8_t t[24 * 3 + 8];
    const uint8_t *der;
    size_t len;
    attls_status st = {0};

    (void)state;
    memset(t, 0, sizeof(t));
    entry(t,
          "c0b406a4a80349529743"
          "3fb6014cd0ae",
          72, 3); /* ARK */
    entry(t + 24,
          "63da758de6644564adc5"
          "f4b93be8accd",
          75, 5); /* VCEK */
    memcpy(t + 72, "ark", 3);
    memcpy(t + 75, "vcek!", 5);
    assert_int_equal(attls_snp_cert_table_find(
                         t, sizeof(t), ATTLS_SNP_GUID_VCEK, &der, &len, &st),
                     ATTLS_OK);
    assert_int_equal(len, 5);
    assert_memory_equal(der, "vcek!", 5);
    assert_int_equal(attls_snp_cert_table_find(
                         t, sizeof(t), ATTLS_SNP_GUID_VLEK, &der, &len, &st),
                     ATTLS_OK);
    assert_null(der);
    assert_int_equal(len, 0);
    /* No terminator within the buffer. */
    assert_int_equal(
        attls_snp_cert_table_find(t, 48, ATTLS_SNP_GUID_VCEK, &der, &len, &st),
        ATTLS_E_TEE_REPORT);
    assert_int_equal(
        attls_snp_cert_table_find(t, 10, ATTLS_SNP_GUID_VCEK, &der, &len, &st),
        ATTLS_E_TEE_REPORT);
    /* An entry pointing outside the table. */
    entry(t + 24,
          "63da758de6644564adc5"
          "f4b93be8accd",
          75, 6);
    attls_status_clear(&st);
    assert_int_equal(attls_snp_cert_table_find(
                         t, sizeof(t), ATTLS_SNP_GUID_VCEK, &der, &len, &st),
                     ATTLS_E_TEE_REPORT);
    assert_non_null(strstr(st.message, "outside"));
    entry(t + 24,
          "63da758de6644564adc5"
          "f4b93be8accd",
          0xfffffffe, 4);
    assert_int_equal(attls_snp_cert_table_find(
                         t, sizeof(t), ATTLS_SNP_GUID_VCEK, &der, &len, &st),
                     ATTLS_E_TEE_REPORT);
    assert_int_equal(
        attls_snp_cert_table_find(t, sizeof(t), "xyz", &der, &len, &st),
        ATTLS_E_ARGUMENT);
}

/*-
 * PCR selections
 */

static void expect_pcr_roundtrip(const char *in, const char *out)
{
    TPML_PCR_SELECTION sel;
    attls_status st = {0};
    char buf[256];

    attls_status_clear(&st);
    if (attls_pcr_selection_parse(in, &sel, &st) != ATTLS_OK)
        fail_msg("'%s': %s", in, st.message);
    attls_pcr_selection_format(&sel, buf, sizeof(buf));
    assert_string_equal(buf, out);
}

static void test_pcr_selection(void **state)
{
    static const char *bad[] = {
        "",
        "sha256",
        "sha256:",
        "md5:0",
        "sha256:24",
        "sha256:0-24",
        "sha256:5-3",
        "sha256:1,1",
        "sha256:0-3,2",
        "sha256:0+sha256:1",
        "sha256:0,",
        "sha256:0+",
        "sha256:0;1",
        "sha256:-1",
        "sha256:007",
        "sha1:0+sha256:0+sha384:0+sha512:0+sha1:1",
    };
    TPML_PCR_SELECTION sel;
    attls_status st = {0};

    (void)state;
    expect_pcr_roundtrip(ATTLS_PCR_DEFAULT, "sha256:0-9,11-15");
    expect_pcr_roundtrip("sha256:0,1,2,3", "sha256:0-3");
    expect_pcr_roundtrip("sha1:23+sha384:0,2-4", "sha1:23+sha384:0,2-4");
    assert_int_equal(attls_pcr_selection_parse("sha256:0-23", &sel, NULL),
                     ATTLS_OK);
    assert_int_equal(sel.count, 1);
    assert_int_equal(sel.pcrSelections[0].sizeofSelect, 3);
    assert_int_equal(sel.pcrSelections[0].pcrSelect[2], 0xff);
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        attls_status_clear(&st);
        if (attls_pcr_selection_parse(bad[i], &sel, &st) !=
            ATTLS_E_PCR_SELECTION)
            fail_msg("'%s' was accepted", bad[i]);
        assert_string_equal(st.check, "pcr.selection");
    }
}

/*-
 * IMDS over a loopback HTTP server
 */

typedef struct server {
    int fd;
    int port;
    const char *response; /* sent verbatim to each client */
    size_t response_len;
    char request[8192]; /* what the last client sent */
} server;

static void *serve_one(void *arg)
{
    server *s = arg;
    int c = accept(s->fd, NULL, NULL);
    size_t len = 0;

    if (c < 0)
        return NULL;
    /* Read the request head and body (Content-Length) before answering. */
    for (;;) {
        ssize_t n = recv(c, s->request + len, sizeof(s->request) - 1 - len, 0);
        char *end, *cl;

        if (n <= 0)
            break;
        len += (size_t)n;
        s->request[len] = '\0';
        end = strstr(s->request, "\r\n\r\n");
        cl = strstr(s->request, "Content-Length: ");
        if (end != NULL && cl != NULL &&
            len >= (size_t)(end + 4 - s->request) + strtoul(cl + 16, NULL, 10))
            break;
    }
    send(c, s->response, s->response_len, MSG_NOSIGNAL);
    close(c);
    return NULL;
}

/* Serve one request with @p response; @p base receives the URL. */
static void start_server(server *s, const char *response, size_t len,
                         char base[64], pthread_t *t)
{
    struct sockaddr_in sa = {.sin_family = AF_INET};
    socklen_t sl = sizeof(sa);

    memset(s, 0, sizeof(*s));
    s->response = response;
    s->response_len = len;
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    s->fd = socket(AF_INET, SOCK_STREAM, 0);
    assert_true(s->fd >= 0);
    assert_int_equal(bind(s->fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
    assert_int_equal(listen(s->fd, 1), 0);
    assert_int_equal(getsockname(s->fd, (struct sockaddr *)&sa, &sl), 0);
    snprintf(base, 64, "http://127.0.0.1:%d", ntohs(sa.sin_port));
    assert_int_equal(pthread_create(t, NULL, serve_one, s), 0);
}

static void stop_server(server *s, pthread_t t)
{
    pthread_join(t, NULL);
    close(s->fd);
}

static attls_code exchange(const char *response, size_t len, const char *method,
                           const char *path, const char *body, attls_buf *out,
                           server *s, attls_status *st)
{
    pthread_t t;
    char base[64];
    attls_code rc;

    start_server(s, response, len, base, &t);
    attls_status_clear(st);
    rc = attls_http_request(base, method, path, NULL, body, out, st);
    stop_server(s, t);
    return rc;
}

static attls_code td_quote(const char *response, attls_buf *quote, server *s,
                           attls_status *st)
{
    uint8_t tdreport[1024];
    pthread_t t;
    char base[64];
    attls_code rc;

    memset(tdreport, 0xa5, sizeof(tdreport));
    start_server(s, response, strlen(response), base, &t);
    attls_status_clear(st);
    rc = attls_imds_td_quote(base, tdreport, sizeof(tdreport), quote, st);
    stop_server(s, t);
    return rc;
}

static void test_imds_td_quote(void **state)
{
    attls_buf q;
    attls_status st = {0};
    server s;
    char *report_b64;

    (void)state;
    assert_int_equal(td_quote("HTTP/1.1 200 OK\r\nContent-Length: 18\r\n\r\n"
                              "{\"quote\":\"AQIDBA\"}",
                              &q, &s, &st),
                     ATTLS_OK);
    assert_int_equal(q.len, 4);
    assert_memory_equal(q.data, "\x01\x02\x03\x04", 4);
    attls_buf_free(&q);
    /* The request: POST, exact content type, base64url of the TDREPORT. */
    assert_non_null(strstr(s.request, "POST /acc/tdquote HTTP/1.1\r\n"));
    assert_non_null(strstr(s.request, "Content-Type: application/json\r\n"));
    {
        uint8_t tdreport[1024];

        memset(tdreport, 0xa5, sizeof(tdreport));
        report_b64 = attls_b64url_encode(tdreport, sizeof(tdreport));
        assert_non_null(report_b64);
        assert_non_null(strstr(s.request, report_b64));
        OPENSSL_free(report_b64);
    }
    assert_int_equal(
        td_quote("HTTP/1.1 200 OK\r\n\r\n{\"quote\":\"A+B/\"}", &q, &s, &st),
        ATTLS_E_IMDS);
    assert_string_equal(st.check, "imds.quote");
    assert_int_equal(
        td_quote("HTTP/1.1 200 OK\r\n\r\n{\"quote\":7}", &q, &s, &st),
        ATTLS_E_IMDS);
    assert_string_equal(st.check, "imds.json");
    assert_int_equal(
        td_quote("HTTP/1.1 200 OK\r\n\r\n{\"quote\":\"\"}", &q, &s, &st),
        ATTLS_E_IMDS);
    assert_int_equal(td_quote("HTTP/1.1 200 OK\r\n\r\n[]", &q, &s, &st),
                     ATTLS_E_IMDS);
}

static void test_imds_vcek(void **state)
{
    static const char not_pem[] = "HTTP/1.1 200 OK\r\n\r\n{\"vcekCert\":"
                                  "\"-----BEGIN CERTIFICATE-----\\nAAAA\\n"
                                  "-----END CERTIFICATE-----\\n\"}";
    attls_buf der;
    attls_status st = {0};
    server s;
    pthread_t t;
    char base[64];

    (void)state;
    start_server(&s, not_pem, sizeof(not_pem) - 1, base, &t);
    attls_status_clear(&st);
    assert_int_equal(attls_imds_vcek(base, &der, &st), ATTLS_E_IMDS);
    stop_server(&s, t);
    assert_string_equal(st.check, "imds.vcek");
    assert_non_null(strstr(s.request, "GET /metadata/THIM/amd/certification"));
    assert_non_null(strstr(s.request, "Metadata: true\r\n"));
}

#define EXCHANGE(resp, out, s, st)                                             \
    exchange(resp, sizeof(resp) - 1, "GET", "/x", NULL, out, s, st)

static void test_http_responses(void **state)
{
    static const char ok_cl[] = "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n"
                                "\r\nhello-and-more";
    static const char ok_chunked[] =
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
        "3\r\nhel\r\n2;ext=1\r\nlo\r\n0\r\n\r\n";
    static const char ok_close[] = "HTTP/1.0 200 OK\r\n\r\nhello";
    static const char status_415[] = "HTTP/1.1 415 Unsupported Media Type\r\n"
                                     "Content-Length: 0\r\n\r\n";
    static const char short_body[] = "HTTP/1.1 200 OK\r\nContent-Length: 50"
                                     "\r\n\r\nhello";
    static const char bad_chunk[] = "HTTP/1.1 200 OK\r\nTransfer-Encoding: "
                                    "chunked\r\n\r\nz\r\nhel\r\n0\r\n\r\n";
    static const char overrun_chunk[] = "HTTP/1.1 200 OK\r\nTransfer-Encoding:"
                                        " chunked\r\n\r\n9\r\nhel\r\n";
    static const char not_http[] = "SSH-2.0-OpenSSH\r\n\r\n";
    attls_buf out;
    attls_status st = {0};
    server s;

    (void)state;
    assert_int_equal(EXCHANGE(ok_cl, &out, &s, &st), ATTLS_OK);
    assert_int_equal(out.len, 5);
    assert_memory_equal(out.data, "hello", 5);
    attls_buf_free(&out);
    assert_non_null(strstr(s.request, "GET /x HTTP/1.1\r\nHost: 127.0.0.1"));
    assert_non_null(strstr(s.request, "Connection: close"));
    assert_int_equal(EXCHANGE(ok_chunked, &out, &s, &st), ATTLS_OK);
    assert_int_equal(out.len, 5);
    assert_memory_equal(out.data, "hello", 5);
    attls_buf_free(&out);
    assert_int_equal(EXCHANGE(ok_close, &out, &s, &st), ATTLS_OK);
    assert_string_equal((char *)out.data, "hello");
    attls_buf_free(&out);
    assert_int_equal(EXCHANGE(status_415, &out, &s, &st), ATTLS_E_IMDS);
    assert_non_null(strstr(st.message, "415"));
    assert_int_equal(EXCHANGE(short_body, &out, &s, &st), ATTLS_E_IMDS);
    assert_string_equal(st.check, "http.length");
    assert_int_equal(EXCHANGE(bad_chunk, &out, &s, &st), ATTLS_E_IMDS);
    assert_int_equal(EXCHANGE(overrun_chunk, &out, &s, &st), ATTLS_E_IMDS);
    assert_int_equal(EXCHANGE(not_http, &out, &s, &st), ATTLS_E_IMDS);
    assert_null(out.data);
}

static void test_http_limits_and_urls(void **state)
{
    size_t big_len = ATTLS_IMDS_MAX_BODY + 16 * 1024;
    char *big = malloc(big_len);
    attls_buf out;
    attls_status st = {0};
    server s;

    (void)state;
    assert_non_null(big);
    memset(big, 'a', big_len);
    memcpy(big, "HTTP/1.1 200 OK\r\n\r\n", 19);
    assert_int_equal(exchange(big, big_len, "GET", "/x", NULL, &out, &s, &st),
                     ATTLS_E_IMDS);
    assert_string_equal(st.check, "http.recv");
    free(big);
    /* URLs: only http://host[:port], no path. */
    assert_int_equal(attls_http_request("https://127.0.0.1", "GET", "/", NULL,
                                        NULL, &out, &st),
                     ATTLS_E_ARGUMENT);
    assert_int_equal(attls_http_request("http://127.0.0.1:0", "GET", "/", NULL,
                                        NULL, &out, &st),
                     ATTLS_E_ARGUMENT);
    assert_int_equal(attls_http_request("http://127.0.0.1/metadata", "GET", "/",
                                        NULL, NULL, &out, &st),
                     ATTLS_E_ARGUMENT);
    assert_int_equal(
        attls_http_request("http://[::1", "GET", "/", NULL, NULL, &out, &st),
        ATTLS_E_ARGUMENT);
    /* Nothing listens on port 1 of loopback. */
    attls_status_clear(&st);
    assert_int_equal(attls_http_request("http://127.0.0.1:1", "GET", "/", NULL,
                                        NULL, &out, &st),
                     ATTLS_E_IMDS);
    assert_string_equal(st.check, "http.connect");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tee_absent),
        cmocka_unit_test(test_tsm_broken),
        cmocka_unit_test(test_snp_cert_table),
        cmocka_unit_test(test_pcr_selection),
        cmocka_unit_test(test_http_responses),
        cmocka_unit_test(test_http_limits_and_urls),
        cmocka_unit_test(test_imds_td_quote),
        cmocka_unit_test(test_imds_vcek),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
