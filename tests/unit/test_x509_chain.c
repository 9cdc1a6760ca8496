/* SPDX-License-Identifier: Apache-2.0 */
/* Chain verification against the pinned roots, with real vendor certs. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <openssl/pem.h>

#include "common/bytes.h"
#include "common/timeutil.h"
#include "evidence/x509_chain.h"

static STACK_OF(X509) *load_certs(const char *rel)
{
    char path[4096];
    attls_buf b;
    STACK_OF(X509) *certs = sk_X509_new_null();

    snprintf(path, sizeof(path), "%s/%s", getenv("ATTLS_TESTDATA"), rel);
    assert_int_equal(attls_read_file(path, 1 << 20, &b), 0);
    if (attls_pem_certs_append((const char *)b.data, b.len, certs) <= 0) {
        const unsigned char *p = b.data;
        X509 *x = d2i_X509(NULL, &p, (long)b.len);

        assert_non_null(x);
        sk_X509_push(certs, x);
    }
    attls_buf_free(&b);
    return certs;
}

static time_t at(const char *s)
{
    time_t t;

    assert_int_equal(attls_parse_rfc3339(s, &t), 0);
    return t;
}

static attls_code verify_leaf(const char *rel, const char *set, time_t when,
                              attls_status *st)
{
    STACK_OF(X509) *certs = load_certs(rel);
    attls_trust_set ts;
    attls_chain_params p = {.at = when, .check = "test.chain"};
    attls_code rc;

    attls_status_clear(st);
    assert_int_equal(attls_trust_set_load(set, NULL, &ts, st), ATTLS_OK);
    p.trust = &ts;
    p.untrusted = certs;
    rc = attls_x509_chain_verify(sk_X509_value(certs, 0), &p, NULL, st);
    attls_trust_set_free(&ts);
    sk_X509_pop_free(certs, X509_free);
    return rc;
}

static void test_milan_vcek_chain(void **state)
{
    attls_status st;

    (void)state;
    assert_int_equal(verify_leaf("virtee-sev/vcek_milan.der", "amd-milan",
                                 at("2026-03-01T00:00:00Z"), &st),
                     ATTLS_OK);
    /* The same chain after the VCEK's notAfter. */
    assert_int_equal(verify_leaf("virtee-sev/vcek_milan.der", "amd-milan",
                                 at("2035-01-01T00:00:00Z"), &st),
                     ATTLS_E_CERT_EXPIRED);
    assert_string_equal(st.check, "test.chain");
    assert_non_null(strstr(st.message, "expired"));
}

static void test_wrong_product_root(void **state)
{
    attls_status st;

    (void)state;
    assert_int_equal(verify_leaf("virtee-sev/vcek_turin.der", "amd-milan",
                                 at("2026-03-01T00:00:00Z"), &st),
                     ATTLS_E_CERT_ROOT);
    assert_int_equal(verify_leaf("virtee-sev/vcek_turin.der", "amd-turin",
                                 at("2026-03-01T00:00:00Z"), &st),
                     ATTLS_OK);
}

static void test_gcp_issuer_selected_by_key(void **state)
{
    attls_status st;
    STACK_OF(X509) *leaf = load_certs("gcp-vtpm-ek-ak/ekcert.pem");
    STACK_OF(X509) *v3 =
        load_certs("roots-cloud/gcp/gcp_ek_ak_ca_intermediate_v3.crt");
    STACK_OF(X509) *root = load_certs("roots-cloud/gcp/gcp_ek_ak_ca_root.crt");
    attls_trust_set ts = {.anchors = root, .intermediates = v3};
    attls_chain_params p = {.at = time(NULL), .trust = &ts};

    (void)state;
    attls_status_clear(&st);
    /* Only the same-named but wrong intermediate: must not verify. */
    assert_int_not_equal(
        attls_x509_chain_verify(sk_X509_value(leaf, 0), &p, NULL, &st),
        ATTLS_OK);
    /* The pinned set knows the 2024 intermediate. */
    assert_int_equal(verify_leaf("gcp-vtpm-ek-ak/ekcert.pem", "gcp-vtpm",
                                 time(NULL), &st),
                     ATTLS_OK);
    sk_X509_pop_free(leaf, X509_free);
    sk_X509_pop_free(v3, X509_free);
    sk_X509_pop_free(root, X509_free);
}

static void test_unknown_set_and_override(void **state)
{
    attls_status st;
    attls_trust_set ts;
    char dir[4096];

    (void)state;
    attls_status_clear(&st);
    assert_int_equal(attls_trust_set_load("nope", NULL, &ts, &st),
                     ATTLS_E_ARGUMENT);
    /* An override directory without <set>.pem keeps the pinned set. */
    snprintf(dir, sizeof(dir), "%s/roots-cloud/amd", getenv("ATTLS_TESTDATA"));
    attls_status_clear(&st);
    assert_int_equal(attls_trust_set_load("amd-milan", dir, &ts, &st),
                     ATTLS_OK);
    assert_int_equal(sk_X509_num(ts.anchors), 1);
    assert_int_equal(sk_X509_num(ts.intermediates), 2);
    attls_trust_set_free(&ts);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_milan_vcek_chain),
        cmocka_unit_test(test_wrong_product_root),
        cmocka_unit_test(test_gcp_issuer_selected_by_key),
        cmocka_unit_test(test_unknown_set_and_override),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
