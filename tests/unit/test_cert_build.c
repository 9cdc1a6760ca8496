/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests for the X.509 side of attls cert (tools/cert_build.c) and the
 * atomic output files (tools/outfile.c), with software keys.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <limits.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <openssl/evp.h>
#include <openssl/x509v3.h>

#include "evidence/cert_ext.h"
#include "evidence/format.h"
#include "tools/cert_build.h"
#include "tools/outfile.h"

static EVP_PKEY *key;

static int setup(void **state)
{
    (void)state;
    key = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
    return key != NULL ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    EVP_PKEY_free(key);
    return 0;
}

static char *name_text(const X509_NAME *n)
{
    static char buf[256];

    X509_NAME_oneline(n, buf, sizeof(buf));
    return buf;
}

static void test_parse_dn(void **state)
{
    static const char *bad[] = {
        "", "CN", "=x", "CN=", "CN=a,", "/CN=a/", "XYZ=a", "CN=a,,O=b"};
    X509_NAME *n;
    attls_status st = {0};

    (void)state;
    assert_int_equal(attls_parse_dn("CN=web, O=Example\\, Inc", &n, &st),
                     ATTLS_OK);
    assert_string_equal(name_text(n), "/CN=web/O=Example, Inc");
    X509_NAME_free(n);
    assert_int_equal(attls_parse_dn("/C=DE/CN=a.b", &n, &st), ATTLS_OK);
    assert_string_equal(name_text(n), "/C=DE/CN=a.b");
    X509_NAME_free(n);
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        attls_status_clear(&st);
        if (attls_parse_dn(bad[i], &n, &st) != ATTLS_E_ARGUMENT)
            fail_msg("'%s' was accepted", bad[i]);
        assert_null(n);
        assert_string_equal(st.check, "cert.subject");
    }
}

static void test_template(void **state)
{
    attls_cert_params p = {
        .sans = {"web.example", "IP:10.0.0.1", "::1", "*.example"},
        .san_count = 4,
        .days = 7,
        .now = 1772323200};
    X509 *x;
    attls_status st = {0};
    GENERAL_NAMES *sans;
    BASIC_CONSTRAINTS *bc;
    ASN1_BIT_STRING *ku;
    EXTENDED_KEY_USAGE *eku;
    int crit = 0;

    (void)state;
    assert_int_equal(attls_cert_template(key, &p, &x, &st), ATTLS_OK);
    assert_int_equal(X509_get_version(x), X509_VERSION_3);
    assert_string_equal(name_text(X509_get_subject_name(x)), "/CN=web.example");
    assert_int_equal(
        X509_NAME_cmp(X509_get_subject_name(x), X509_get_issuer_name(x)), 0);
    assert_int_equal(
        ASN1_TIME_cmp_time_t(X509_get0_notBefore(x), 1772323200 - 300), 0);
    assert_int_equal(
        ASN1_TIME_cmp_time_t(X509_get0_notAfter(x), 1772323200 + 7 * 86400), 0);
    sans = X509_get_ext_d2i(x, NID_subject_alt_name, NULL, NULL);
    assert_non_null(sans);
    assert_int_equal(sk_GENERAL_NAME_num(sans), 4);
    assert_int_equal(sk_GENERAL_NAME_value(sans, 1)->type, GEN_IPADD);
    assert_int_equal(sk_GENERAL_NAME_value(sans, 2)->d.iPAddress->length, 16);
    GENERAL_NAMES_free(sans);
    bc = X509_get_ext_d2i(x, NID_basic_constraints, NULL, NULL);
    assert_non_null(bc);
    assert_false(bc->ca);
    BASIC_CONSTRAINTS_free(bc);
    ku = X509_get_ext_d2i(x, NID_key_usage, &crit, NULL);
    assert_non_null(ku);
    assert_int_equal(crit, 1);
    assert_true(ASN1_BIT_STRING_get_bit(ku, 0));  /* digitalSignature */
    assert_false(ASN1_BIT_STRING_get_bit(ku, 5)); /* keyCertSign */
    ASN1_BIT_STRING_free(ku);
    eku = X509_get_ext_d2i(x, NID_ext_key_usage, NULL, NULL);
    assert_non_null(eku);
    assert_int_equal(OBJ_obj2nid(sk_ASN1_OBJECT_value(eku, 0)),
                     NID_server_auth);
    sk_ASN1_OBJECT_pop_free(eku, ASN1_OBJECT_free);
    X509_free(x);
}

static void test_template_rejects(void **state)
{
    static const char *bad_sans[] = {"a b",   "IP:300.1.1.1", "DNS:", "a*",
                                     "*a.b*", "IP:example",   "a/b"};
    attls_cert_params p = {.days = 7, .now = 1772323200, .san_count = 1};
    X509 *x;
    attls_status st = {0};

    (void)state;
    for (size_t i = 0; i < sizeof(bad_sans) / sizeof(bad_sans[0]); i++) {
        p.sans[0] = bad_sans[i];
        attls_status_clear(&st);
        if (attls_cert_template(key, &p, &x, &st) != ATTLS_E_ARGUMENT)
            fail_msg("SAN '%s' was accepted", bad_sans[i]);
        assert_string_equal(st.check, "cert.san");
        assert_null(x);
    }
    p.sans[0] = "ok.example";
    p.days = 0;
    assert_int_equal(attls_cert_template(key, &p, &x, &st), ATTLS_E_ARGUMENT);
    p.days = 3651;
    assert_int_equal(attls_cert_template(key, &p, &x, &st), ATTLS_E_ARGUMENT);
    p.days = 1;
    p.subject = "CN";
    assert_int_equal(attls_cert_template(key, &p, &x, &st), ATTLS_E_ARGUMENT);
}

static attls_buf json_of(size_t filler)
{
    static const char head[] = "{\"a\":[\"a/b\",\"";
    attls_buf b;

    b.len = sizeof(head) - 1 + filler + 3;
    b.data = malloc(b.len + 1);
    assert_non_null(b.data);
    memcpy(b.data, head, sizeof(head) - 1);
    memset(b.data + sizeof(head) - 1, 'A', filler);
    memcpy(b.data + sizeof(head) - 1 + filler, "\"]}", 4);
    return b;
}

static void test_finish(void **state)
{
    attls_cert_params p = {.days = 7, .now = 1772323200};
    attls_buf small = json_of(8), big = json_of(17000), got;
    X509 *x;
    attls_status st = {0};
    int critical = -1;

    (void)state;
    assert_int_equal(attls_cert_template(key, &p, &x, &st), ATTLS_OK);
    assert_int_equal(attls_cert_finish(x, &small, key, &st), ATTLS_OK);
    assert_int_equal(X509_verify(x, key), 1);
    assert_int_equal(attls_cmw_ext_from_cert(x, &got, &critical, &st),
                     ATTLS_OK);
    assert_int_equal(critical, 0);
    assert_int_equal(got.len, small.len);
    attls_buf_free(&got);
    X509_free(x);
    /* Over the 16 KiB budget: refused after signing. */
    assert_int_equal(attls_cert_template(key, &p, &x, &st), ATTLS_OK);
    attls_status_clear(&st);
    assert_int_equal(attls_cert_finish(x, &big, key, &st),
                     ATTLS_E_EVIDENCE_TOO_LARGE);
    assert_string_equal(st.check, "cert.size");
    X509_free(x);
    free(small.data);
    free(big.data);
}

static void test_csr(void **state)
{
    attls_cert_params p = {.subject = "CN=svc,O=Example",
                           .sans = {"svc.example"},
                           .san_count = 1,
                           .days = 7};
    attls_buf json = json_of(8), got;
    X509_REQ *req;
    attls_status st = {0};

    (void)state;
    assert_int_equal(attls_csr_template(key, &p, &req, &st), ATTLS_OK);
    assert_int_equal(attls_csr_finish(req, &p, &json, key, &st), ATTLS_OK);
    assert_int_equal(X509_REQ_verify(req, key), 1);
    assert_string_equal(name_text(X509_REQ_get_subject_name(req)),
                        "/CN=svc/O=Example");
    assert_int_equal(attls_cmw_ext_from_req(req, &got, NULL, &st), ATTLS_OK);
    assert_int_equal(got.len, json.len);
    attls_buf_free(&got);
    X509_REQ_free(req);
    free(json.data);
}

static void test_outfile(void **state)
{
    char dir[] = "/tmp/attls-out-XXXXXX", path[64], bad[PATH_MAX];
    attls_outfile f;
    attls_status st = {0};
    struct stat sb;
    attls_buf b;

    (void)state;
    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof(path), "%s/key.pem", dir);
    assert_int_equal(
        attls_outfile_prepare(&f, path, (const uint8_t *)"old", 3, 0600, &st),
        ATTLS_OK);
    assert_int_not_equal(stat(path, &sb), 0); /* not visible before commit */
    assert_int_equal(stat(f.tmp, &sb), 0);
    assert_int_equal(sb.st_mode & 0777, 0600);
    assert_int_equal(attls_outfile_commit(&f, &st), ATTLS_OK);
    assert_int_equal(attls_read_file(path, 100, &b), 0);
    assert_memory_equal(b.data, "old", 3);
    attls_buf_free(&b);
    /* An aborted replacement leaves the old content and no temporary. */
    assert_int_equal(
        attls_outfile_prepare(&f, path, (const uint8_t *)"new", 3, 0600, &st),
        ATTLS_OK);
    snprintf(bad, sizeof(bad), "%s", f.tmp);
    attls_outfile_abort(&f);
    assert_int_not_equal(stat(bad, &sb), 0);
    assert_int_equal(attls_read_file(path, 100, &b), 0);
    assert_memory_equal(b.data, "old", 3);
    attls_buf_free(&b);
    snprintf(bad, sizeof(bad), "%s/missing/dir/cert.pem", dir);
    attls_status_clear(&st);
    assert_int_equal(
        attls_outfile_prepare(&f, bad, (const uint8_t *)"x", 1, 0644, &st),
        ATTLS_E_OUTPUT);
    assert_non_null(strstr(st.message, bad));
    assert_int_equal(unlink(path), 0);
    assert_int_equal(rmdir(dir), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_dn),
        cmocka_unit_test(test_template),
        cmocka_unit_test(test_template_rejects),
        cmocka_unit_test(test_finish),
        cmocka_unit_test(test_csr),
        cmocka_unit_test(test_outfile),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
