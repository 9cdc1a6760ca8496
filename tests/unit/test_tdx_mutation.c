/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Mutation tests of whole-quote verification: every byte of the header
 * and body, of the QE report, of the rest of the signature data and of the
 * PCK chain is flipped (XOR 0xff) in turn, and the quote truncated at
 * every length. Each mutation must fail with the code of the region it
 * hit - never pass, never crash (this runs under ASan+UBSan and valgrind).
 *
 * One group per meson test (argv[1]): header_body, qe_report,
 * signature_data, pck_chain, truncation. Natively and under ASan every
 * byte is flipped; under valgrind, which runs this code a hundred times
 * slower, fields of up to 8 bytes still are, longer ones at a per-group
 * stride (plus their last byte), so that each test stays within seconds.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "tdx_test_util.h"

#ifdef ATTLS_HAVE_VALGRIND_H
#include <valgrind/valgrind.h>
#else
#define RUNNING_ON_VALGRIND 0
#endif

/* Distance between flipped bytes of long regions (1 = every byte). */
static size_t stride = 1;

/* A v4 quote with trailing bytes and a NUL after its PEM; a v5/TDX 1.5. */
static const struct {
    const char *file, *at;
} quotes[] = {
    {"dcap-qvl/tdx_quote.dat", TD_AT_DCAP},
    {"go-tdx-guest/quote_v5_sample.dat", TD_AT_2026},
};

/* Bytes [start, end) of the quote; a flip there must give a or b. */
typedef struct region {
    size_t start, end;
    attls_code a, b;
    const char *what;
} region;

typedef struct fixture {
    attls_buf quote;
    attls_tdx_quote q; /* offsets of the unmodified quote */
    attls_trust_set trust;
    attls_tdx_verify_params p;
} fixture;

static void fixture_load(fixture *f, size_t i)
{
    f->quote = td_read(quotes[i].file);
    td_parse(&f->quote, &f->q);
    td_trust_intel(&f->trust);
    memset(&f->p, 0, sizeof(f->p));
    f->p.at = td_time(quotes[i].at);
    f->p.trust = &f->trust;
}

static void fixture_free(fixture *f)
{
    attls_trust_set_free(&f->trust);
    attls_buf_free(&f->quote);
}

static size_t off(const fixture *f, const void *p)
{
    return (size_t)((const uint8_t *)p - f->quote.data);
}

static attls_code verify(fixture *f, size_t len, attls_status *st)
{
    attls_tdx_claims claims;
    attls_code rc;

    attls_status_clear(st);
    rc = attls_tdx_verify(f->quote.data, len, &f->p, &claims, st);
    attls_tdx_claims_free(&claims);
    return rc;
}

static size_t flip_regions(fixture *f, const region *r, size_t n)
{
    attls_status st;
    size_t flips = 0;

    assert_int_equal(verify(f, f->quote.len, &st), ATTLS_OK);
    for (size_t i = 0; i < n; i++) {
        size_t step = r[i].end - r[i].start > 8 ? stride : 1;

        for (size_t o = r[i].start; o < r[i].end; flips++) {
            attls_code rc;

            f->quote.data[o] ^= 0xff;
            rc = verify(f, f->quote.len, &st);
            f->quote.data[o] ^= 0xff;
            if (rc != r[i].a && rc != r[i].b)
                fail_msg("byte %zu (%s) flipped: %s: %s", o, r[i].what,
                         attls_status_code_name(rc), st.message);
            /* Strides always end on the region's last byte. */
            o = o + 1 == r[i].end || o + step < r[i].end ? o + step
                                                         : r[i].end - 1;
        }
    }
    /* The quote is whole again. */
    assert_int_equal(verify(f, f->quote.len, &st), ATTLS_OK);
    return flips;
}

static void test_header_body(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(quotes) / sizeof(quotes[0]); i++) {
        fixture f;

        fixture_load(&f, i);
        {
            const size_t body = off(&f, f.q.body);
            const region r[] = {
                {0, 2, ATTLS_E_TDX_VERSION, 0, "version"},
                {2, 4, ATTLS_E_TDX_KEY_TYPE, 0, "key type"},
                {4, 8, ATTLS_E_TDX_TEE_TYPE, 0, "TEE type"},
                {8, 12, ATTLS_E_TDX_QUOTE_SIG, 0, "reserved"},
                {12, 28, ATTLS_E_TDX_QE_VENDOR, 0, "QE vendor ID"},
                {28, 48, ATTLS_E_TDX_QUOTE_SIG, 0, "user data"},
                {48, body, ATTLS_E_TDX_BODY_TYPE, 0, "v5 body descriptor"},
                {body, body + f.q.body_len, ATTLS_E_TDX_QUOTE_SIG, 0,
                 "TD report body"},
            };

            print_message("%s: %zu header and body bytes flipped\n",
                          quotes[i].file,
                          flip_regions(&f, r, sizeof(r) / sizeof(r[0])));
        }
        fixture_free(&f);
    }
}

static void test_qe_report(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(quotes) / sizeof(quotes[0]); i++) {
        fixture f;

        fixture_load(&f, i);
        {
            const size_t qe = off(&f, f.q.qe_report);
            const region r[] = {
                {qe, qe + 320, ATTLS_E_TDX_QE_REPORT_SIG, 0, "QE report"},
                {qe + 320, qe + 384, ATTLS_E_TDX_QE_REPORT_DATA, 0,
                 "QE REPORTDATA"},
            };

            print_message("%s: %zu QE report bytes flipped\n", quotes[i].file,
                          flip_regions(&f, r, sizeof(r) / sizeof(r[0])));
        }
        fixture_free(&f);
    }
}

static void test_signature_data(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(quotes) / sizeof(quotes[0]); i++) {
        fixture f;

        fixture_load(&f, i);
        {
            const size_t sig = off(&f, f.q.signature),
                         cert = off(&f, f.q.att_key) + 64,
                         qe_sig = off(&f, f.q.qe_report_sig),
                         auth = off(&f, f.q.qe_auth_data),
                         inner = auth + f.q.qe_auth_len;
            const region r[] = {
                {sig - 4, sig, ATTLS_E_TDX_TRUNCATED, ATTLS_E_TDX_LENGTH,
                 "signature data length"},
                {sig, sig + 64, ATTLS_E_TDX_QUOTE_SIG, 0, "quote signature"},
                {sig + 64, cert, ATTLS_E_TDX_QE_REPORT_DATA, 0,
                 "attestation key"},
                {cert, cert + 2, ATTLS_E_TDX_CERT_DATA, 0,
                 "certification data type"},
                {cert + 2, cert + 6, ATTLS_E_TDX_LENGTH, 0,
                 "certification data size"},
                {qe_sig, qe_sig + 64, ATTLS_E_TDX_QE_REPORT_SIG, 0,
                 "QE report signature"},
                /* A larger size shifts the inner header into the PEM. */
                {auth - 2, auth, ATTLS_E_TDX_LENGTH, ATTLS_E_TDX_CERT_DATA,
                 "QE auth data size"},
                {auth, inner, ATTLS_E_TDX_QE_REPORT_DATA, 0, "QE auth data"},
                {inner, inner + 2, ATTLS_E_TDX_CERT_DATA, 0, "inner type"},
                {inner + 2, inner + 6, ATTLS_E_TDX_LENGTH, 0, "inner size"},
            };

            print_message("%s: %zu signature data bytes flipped\n",
                          quotes[i].file,
                          flip_regions(&f, r, sizeof(r) / sizeof(r[0])));
        }
        fixture_free(&f);
    }
}

static void test_pck_chain(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(quotes) / sizeof(quotes[0]); i++) {
        fixture f;

        fixture_load(&f, i);
        {
            const size_t pem = off(&f, f.q.pck_chain);
            /* Including the terminating NUL, when there is one. */
            const region r[] = {
                {pem, f.q.quote_len, ATTLS_E_TDX_PCK_PEM, 0, "PEM chain"},
            };

            print_message("%s: %zu PCK chain bytes flipped\n", quotes[i].file,
                          flip_regions(&f, r, 1));
        }
        fixture_free(&f);
    }
}

static void test_truncation(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(quotes) / sizeof(quotes[0]); i++) {
        fixture f;
        attls_status st;

        fixture_load(&f, i);
        for (size_t len = 0; len < f.q.quote_len; len++) {
            attls_code rc = verify(&f, len, &st);

            if (rc != ATTLS_E_TDX_TRUNCATED)
                fail_msg("%s cut to %zu bytes: %s: %s", quotes[i].file, len,
                         attls_status_code_name(rc), st.message);
        }
        /* Trailing bytes are not part of the quote. */
        assert_int_equal(verify(&f, f.q.quote_len, &st), ATTLS_OK);
        assert_int_equal(verify(&f, f.quote.len, &st), ATTLS_OK);
        fixture_free(&f);
    }
}

int main(int argc, char **argv)
{
    static const struct {
        struct CMUnitTest test;
        size_t valgrind_stride;
    } groups[] = {
        {cmocka_unit_test(test_header_body), 8},
        {cmocka_unit_test(test_qe_report), 24},
        {cmocka_unit_test(test_signature_data), 8},
        {cmocka_unit_test(test_pck_chain), 64},
        {cmocka_unit_test(test_truncation), 1},
    };
    struct CMUnitTest one[1];

    for (size_t i = 0; argc == 2 && i < sizeof(groups) / sizeof(groups[0]);
         i++) {
        if (strcmp(groups[i].test.name + strlen("test_"), argv[1]) == 0) {
            one[0] = groups[i].test;
            if (RUNNING_ON_VALGRIND)
                stride = groups[i].valgrind_stride;
            return cmocka_run_group_tests(one, NULL, NULL);
        }
    }
    fprintf(stderr,
            "usage: %s GROUP (header_body, qe_report, "
            "signature_data, pck_chain, truncation)\n",
            argv[0]);
    return 2;
}
