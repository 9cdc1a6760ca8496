/* SPDX-License-Identifier: Apache-2.0 */
/*
 * TDX collateral: reading, locating the exact signed bytes, signatures and
 * issuer chains, validity windows, CRLs and PCK revocation.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include "tdx_test_util.h"

static attls_buf buf_of(const char *s)
{
    attls_buf b = {OPENSSL_malloc(strlen(s) + 1), strlen(s)};

    assert_non_null(b.data);
    memcpy(b.data, s, b.len + 1);
    return b;
}

/* ---- reading ------------------------------------------------------------ */

static void test_load_dir(void **state)
{
    attls_tdx_collateral c;
    attls_status st;
    char path[4096];

    (void)state;
    td_collateral_dir(&c, TD_DCAP_COLL);
    assert_int_equal(c.tcb_info.len, 2934);
    assert_int_equal(c.tcb_info_sig.len, 128);
    assert_int_equal(c.qe_identity.len, 461);
    assert_int_equal(c.pck_crl.len, 2663);
    assert_int_equal(c.pck_crl_chain.len, 1904);
    assert_int_equal(c.root_ca_crl.len, 292);
    assert_true(c.tcb_info_chain.len > 0 && c.qe_identity_chain.len > 0 &&
                c.qe_identity_sig.len > 0);
    attls_tdx_collateral_free(&c);
    assert_null(c.tcb_info.data);
    /* A folder without collateral files: nothing read, then incomplete. */
    memset(&c, 0, sizeof(c));
    attls_status_clear(&st);
    snprintf(path, sizeof(path), "%s/go-tdx-guest/negative",
             getenv("ATTLS_TESTDATA"));
    assert_int_equal(attls_tdx_collateral_load_dir(path, &c, &st), ATTLS_OK);
    assert_int_equal(attls_tdx_collateral_check_complete(&c, &st),
                     ATTLS_E_TDX_COLLATERAL_MISSING);
    td_assert_status(&st, ATTLS_E_TDX_COLLATERAL_MISSING, "TCB Info");
    /* A folder in place of a file cannot be read. */
    attls_status_clear(&st);
    snprintf(path, sizeof(path), "%s/dcap-qvl", getenv("ATTLS_TESTDATA"));
    assert_int_equal(attls_tdx_collateral_load_file(path, &c.tcb_info, &st),
                     ATTLS_E_IO);
    attls_tdx_collateral_free(&c);
}

/* ---- the signed value's span ------------------------------------------------
 */

static attls_code split(const char *doc, const char *detached,
                        const char *member, char *value, size_t value_len,
                        attls_status *st)
{
    attls_buf d = buf_of(doc), s = buf_of(detached);
    uint8_t sig[64];
    size_t off = 0, len = 0;
    attls_code rc;

    attls_status_clear(st);
    rc = attls_tdx_signed_json_split(&d, &s, member, &off, &len, sig, st);
    if (rc == ATTLS_OK) {
        assert_true(len < value_len);
        memcpy(value, d.data + off, len);
        value[len] = '\0';
        assert_int_equal(sig[0], 0xab);
        assert_int_equal(sig[63], 0xcd);
    }
    attls_buf_free(&d);
    attls_buf_free(&s);
    return rc;
}

#define SIG128                                                                 \
    "ab00000000000000000000000000000000000000000000000000000000000000"         \
    "00000000000000000000000000000000000000000000000000000000000000cd"

static void test_split_forms(void **state)
{
    char v[256];
    attls_status st;

    (void)state;
    /* PCS form: the member's value byte for byte, whatever the spacing. */
    assert_int_equal(split("{\"tcbInfo\":{\"a\":1},\"signature\":\"" SIG128
                           "\"}",
                           "", "tcbInfo", v, sizeof(v), &st),
                     ATTLS_OK);
    assert_string_equal(v, "{\"a\":1}");
    assert_int_equal(split(" { \"signature\" : \"" SIG128 "\" ,\n"
                           "  \"tcbInfo\" :\t{ \"x\": \"}\\\"{\", "
                           "\"y\": [1, {\"z\": null}] } }\n",
                           "", "tcbInfo", v, sizeof(v), &st),
                     ATTLS_OK);
    assert_string_equal(v, "{ \"x\": \"}\\\"{\", \"y\": [1, {\"z\": null}] }");
    /* Bare form: the document, trimmed, with a detached signature. */
    assert_int_equal(split("\n {\"id\":\"TDX\"} \n", "\n" SIG128 "\n",
                           "tcbInfo", v, sizeof(v), &st),
                     ATTLS_OK);
    assert_string_equal(v, "{\"id\":\"TDX\"}");
    /* PCS form without an embedded signature takes the detached one. */
    assert_int_equal(split("{\"enclaveIdentity\":{\"id\":\"TD_QE\"}}", SIG128,
                           "enclaveIdentity", v, sizeof(v), &st),
                     ATTLS_OK);
    assert_string_equal(v, "{\"id\":\"TD_QE\"}");
}

static void test_split_rejects(void **state)
{
    char v[256];
    attls_status st;

    (void)state;
    assert_int_equal(split("", "", "tcbInfo", v, sizeof(v), &st),
                     ATTLS_E_TDX_COLLATERAL_MISSING);
    assert_int_equal(
        split("{\"id\":\"TDX\"}", "", "tcbInfo", v, sizeof(v), &st),
        ATTLS_E_TDX_COLLATERAL_FORMAT);
    td_assert_status(&st, ATTLS_E_TDX_COLLATERAL_FORMAT,
                     "without a separate signature");
    assert_int_equal(split("{\"tcbInfo\":{},\"signature\":\"" SIG128 "\"}",
                           SIG128, "tcbInfo", v, sizeof(v), &st),
                     ATTLS_E_TDX_COLLATERAL_FORMAT);
    td_assert_status(&st, ATTLS_E_TDX_COLLATERAL_FORMAT, "separately");
    assert_int_equal(
        split("{\"tcbInfo\":{}}", "", "tcbInfo", v, sizeof(v), &st),
        ATTLS_E_TDX_COLLATERAL_FORMAT);
    assert_int_equal(split("{\"tcbInfo\":{},\"signature\":\"abcd\"}", "",
                           "tcbInfo", v, sizeof(v), &st),
                     ATTLS_E_TDX_COLLATERAL_FORMAT);
    td_assert_status(&st, ATTLS_E_TDX_COLLATERAL_FORMAT, "128 hex digits");
    assert_int_equal(split("{\"tcbInfo\":{},\"signature\":5}", "", "tcbInfo", v,
                           sizeof(v), &st),
                     ATTLS_E_TDX_COLLATERAL_FORMAT);
    assert_int_equal(split("{\"id\":1}", "xyz", "tcbInfo", v, sizeof(v), &st),
                     ATTLS_E_TDX_COLLATERAL_FORMAT);
    /* Not JSON, not an object, trailing garbage, duplicate members. */
    assert_int_equal(
        split("{\"tcbInfo\":", SIG128, "tcbInfo", v, sizeof(v), &st),
        ATTLS_E_TDX_COLLATERAL_FORMAT);
    td_assert_status(&st, ATTLS_E_TDX_COLLATERAL_FORMAT, "not a JSON object");
    assert_int_equal(split("[1]", SIG128, "tcbInfo", v, sizeof(v), &st),
                     ATTLS_E_TDX_COLLATERAL_FORMAT);
    assert_int_equal(split("{} x", SIG128, "tcbInfo", v, sizeof(v), &st),
                     ATTLS_E_TDX_COLLATERAL_FORMAT);
    assert_int_equal(split("{\"tcbInfo\":{\"a\":1},\"tcbInfo\":{\"a\":2},"
                           "\"signature\":\"" SIG128 "\"}",
                           "", "tcbInfo", v, sizeof(v), &st),
                     ATTLS_E_TDX_COLLATERAL_FORMAT);
    /* An escaped member name would make the raw span ambiguous. */
    assert_int_equal(split("{\"tcb\\u0049nfo\":{},\"signature\":\"" SIG128
                           "\"}",
                           "", "tcbInfo", v, sizeof(v), &st),
                     ATTLS_E_TDX_COLLATERAL_FORMAT);
    td_assert_status(&st, ATTLS_E_TDX_COLLATERAL_FORMAT, "cannot locate");
}

/* ---- signatures, chains, validity -------------------------------------- */

static void test_verify_real_documents(void **state)
{
    attls_tdx_collateral c;
    attls_tdx_crls crls;
    attls_tdx_tcb_info ti;
    attls_tdx_qe_identity qi;
    attls_trust_set ts;
    attls_status st;

    (void)state;
    td_trust_intel(&ts);
    attls_status_clear(&st);
    /* Bare signed values with detached signatures (dcap-qvl). */
    td_collateral_dir(&c, TD_DCAP_COLL);
    assert_int_equal(attls_tdx_crls_load(&c, &crls, &st), ATTLS_OK);
    assert_int_equal(attls_tdx_tcb_info_verify(&c, &crls, td_time(TD_AT_DCAP),
                                               &ts, &ti, &st),
                     ATTLS_OK);
    assert_int_equal(ti.eval_number, 17);
    assert_int_equal(ti.n_levels, 2);
    assert_int_equal(ti.n_module_ids, 2);
    assert_int_equal(attls_tdx_qe_identity_verify(
                         &c, &crls, td_time(TD_AT_DCAP), &ts, &qi, &st),
                     ATTLS_OK);
    assert_int_equal(qi.isvprodid, 2);
    attls_tdx_qe_identity_free(&qi);
    attls_tdx_tcb_info_free(&ti);
    attls_tdx_crls_free(&crls);
    attls_tdx_collateral_free(&c);
    /* PCS responses with embedded signatures (go-tdx-guest, 2023). */
    td_collateral_gotdx(&c);
    assert_int_equal(attls_tdx_crls_load(&c, &crls, &st), ATTLS_OK);
    assert_int_equal(
        attls_tdx_tcb_info_verify(&c, &crls, td_time(TD_AT_SPR), &ts, &ti, &st),
        ATTLS_OK);
    assert_int_equal(ti.eval_number, 15);
    assert_int_equal(ti.n_module_ids, 0);
    assert_int_equal(attls_tdx_qe_identity_verify(&c, &crls, td_time(TD_AT_SPR),
                                                  &ts, &qi, &st),
                     ATTLS_OK);
    attls_tdx_qe_identity_free(&qi);
    attls_tdx_tcb_info_free(&ti);
    attls_tdx_crls_free(&crls);
    attls_tdx_collateral_free(&c);
    attls_trust_set_free(&ts);
}

static attls_code verify_tcb_info(const attls_tdx_collateral *c, time_t at,
                                  const attls_trust_set *ts, attls_status *st)
{
    attls_tdx_crls crls;
    attls_tdx_tcb_info ti;
    attls_code rc;

    attls_status_clear(st);
    assert_int_equal(attls_tdx_crls_load(c, &crls, st), ATTLS_OK);
    rc = attls_tdx_tcb_info_verify(c, &crls, at, ts, &ti, st);
    if (rc == ATTLS_OK)
        attls_tdx_tcb_info_free(&ti);
    attls_tdx_crls_free(&crls);
    return rc;
}

static void test_signature_over_exact_bytes(void **state)
{
    attls_tdx_collateral c;
    attls_trust_set ts;
    attls_status st;
    time_t at = td_time(TD_AT_SPR);
    char *eval;
    json_t *doc;

    (void)state;
    td_trust_intel(&ts);
    td_collateral_gotdx(&c);
    assert_int_equal(verify_tcb_info(&c, at, &ts, &st), ATTLS_OK);
    /* tcbEvaluationDataNumber 15 -> 16: still JSON, no longer signed. */
    eval = strstr((char *)c.tcb_info.data, "\"tcbEvaluationDataNumber\":15");
    assert_non_null(eval);
    eval[27] = '6';
    assert_int_equal(verify_tcb_info(&c, at, &ts, &st),
                     ATTLS_E_TDX_COLLATERAL_SIG);
    td_assert_status(&st, ATTLS_E_TDX_COLLATERAL_SIG, "signed bytes");
    eval[27] = '5';
    /* Re-serialised with other spacing: same content, other bytes. */
    doc = td_json("go-tdx-guest/tcbinfo_fmspc_50806f000000.json");
    attls_buf_free(&c.tcb_info);
    {
        char *s = json_dumps(doc, JSON_INDENT(1) | JSON_PRESERVE_ORDER);

        c.tcb_info = buf_of(s);
        free(s);
    }
    assert_int_equal(verify_tcb_info(&c, at, &ts, &st),
                     ATTLS_E_TDX_COLLATERAL_SIG);
    /* Outside the signed value, bytes may change: here the spacing. */
    attls_buf_free(&c.tcb_info);
    {
        attls_buf raw = td_read("go-tdx-guest/tcbinfo_fmspc_50806f000000.json");
        char *sig = strstr((char *)raw.data, ",\"signature\"");
        size_t head = (size_t)(sig - (char *)raw.data);
        char *spaced = OPENSSL_malloc(raw.len + 4);

        memcpy(spaced, raw.data, head);
        memcpy(spaced + head, " ,\n ", 4);
        memcpy(spaced + head + 4, sig + 1, raw.len - head - 1);
        spaced[raw.len + 3] = '\0';
        c.tcb_info = buf_of(spaced);
        OPENSSL_free(spaced);
        attls_buf_free(&raw);
    }
    assert_int_equal(verify_tcb_info(&c, at, &ts, &st), ATTLS_OK);
    json_decref(doc);
    attls_tdx_collateral_free(&c);
    attls_trust_set_free(&ts);
}

static void test_signer_chain(void **state)
{
    attls_tdx_collateral c;
    attls_trust_set ts, fake;
    attls_status st;
    time_t at = td_time(TD_AT_SPR);

    (void)state;
    td_trust_intel(&ts);
    td_collateral_gotdx(&c);
    /* Signed by a PCK CA instead of the TCB Signing certificate. */
    attls_buf_free(&c.tcb_info_chain);
    c.tcb_info_chain = td_read("go-tdx-guest/pckcrl_issuer_chain.pem");
    assert_int_equal(verify_tcb_info(&c, at, &ts, &st),
                     ATTLS_E_TDX_COLLATERAL_SIGNER);
    td_assert_status(&st, ATTLS_E_TDX_COLLATERAL_SIGNER,
                     "'Intel SGX PCK Platform CA'");
    /* Only the root. */
    attls_buf_free(&c.tcb_info_chain);
    c.tcb_info_chain = td_read("roots-cloud/intel/intel_sgx_root_ca.pem");
    assert_int_equal(verify_tcb_info(&c, at, &ts, &st),
                     ATTLS_E_TDX_COLLATERAL_SIGNER);
    td_assert_status(&st, ATTLS_E_TDX_COLLATERAL_SIGNER, "no signing");
    /* Two non-root certificates. */
    attls_buf_free(&c.tcb_info_chain);
    {
        attls_buf a = td_read("go-tdx-guest/tcb_signing_issuer_chain.pem");
        attls_buf b = td_read("go-tdx-guest/pckcrl_issuer_chain.pem");

        c.tcb_info_chain.data = OPENSSL_malloc(a.len + b.len);
        memcpy(c.tcb_info_chain.data, a.data, a.len);
        memcpy(c.tcb_info_chain.data + a.len, b.data, b.len);
        c.tcb_info_chain.len = a.len + b.len;
        attls_buf_free(&a);
        attls_buf_free(&b);
    }
    assert_int_equal(verify_tcb_info(&c, at, &ts, &st),
                     ATTLS_E_TDX_COLLATERAL_SIGNER);
    td_assert_status(&st, ATTLS_E_TDX_COLLATERAL_SIGNER, "more than one");
    /* Not PEM; missing. */
    attls_buf_free(&c.tcb_info_chain);
    c.tcb_info_chain = buf_of("not a certificate");
    assert_int_equal(verify_tcb_info(&c, at, &ts, &st),
                     ATTLS_E_TDX_COLLATERAL_FORMAT);
    td_assert_status(&st, ATTLS_E_TDX_COLLATERAL_FORMAT, "issuer chain");
    attls_buf_free(&c.tcb_info_chain);
    assert_int_equal(verify_tcb_info(&c, at, &ts, &st),
                     ATTLS_E_TDX_COLLATERAL_MISSING);
    /* The right signer, but another root: not Intel's. */
    c.tcb_info_chain = td_read("go-tdx-guest/tcb_signing_issuer_chain.pem");
    td_trust_file(&fake, "intel-qvl/tdx/trustedRootCaCert.pem");
    assert_int_equal(verify_tcb_info(&c, at, &fake, &st), ATTLS_E_CERT_ROOT);
    assert_string_equal(st.check, "tdx.tcb_info_chain");
    /* Its root CA CRL is stale by then (2024-04-02) ... */
    assert_int_equal(
        verify_tcb_info(&c, td_time("2025-05-22T00:00:00Z"), &ts, &st),
        ATTLS_E_CRL);
    /* ... and the old TCB Signing certificate expired on 2025-05-21. */
    attls_buf_free(&c.root_ca_crl);
    assert_int_equal(
        verify_tcb_info(&c, td_time("2025-05-22T00:00:00Z"), &ts, &st),
        ATTLS_E_CERT_EXPIRED);
    attls_trust_set_free(&fake);
    attls_tdx_collateral_free(&c);
    attls_trust_set_free(&ts);
}

static void test_validity_window(void **state)
{
    attls_tdx_collateral c;
    attls_trust_set ts;
    attls_status st;

    (void)state;
    td_trust_intel(&ts);
    td_collateral_dir(&c, TD_DCAP_COLL);
    /* No CRLs here: only the JSON window is under test. */
    attls_buf_free(&c.pck_crl);
    attls_buf_free(&c.root_ca_crl);
    /* tcbInfo 2025-06-19T10:16:03Z .. 2025-07-19T10:16:03Z, inclusive. */
    assert_int_equal(
        verify_tcb_info(&c, td_time("2025-06-19T10:16:03Z"), &ts, &st),
        ATTLS_OK);
    assert_int_equal(
        verify_tcb_info(&c, td_time("2025-07-19T10:16:03Z"), &ts, &st),
        ATTLS_OK);
    assert_int_equal(
        verify_tcb_info(&c, td_time("2025-06-19T10:16:02Z"), &ts, &st),
        ATTLS_E_TDX_COLLATERAL_EXPIRED);
    td_assert_status(&st, ATTLS_E_TDX_COLLATERAL_EXPIRED,
                     "valid from 2025-06-19T10:16:03Z to "
                     "2025-07-19T10:16:03Z, not at 2025-06-19T10:16:02Z");
    assert_int_equal(
        verify_tcb_info(&c, td_time("2025-07-19T10:16:04Z"), &ts, &st),
        ATTLS_E_TDX_COLLATERAL_EXPIRED);
    attls_tdx_collateral_free(&c);
    attls_trust_set_free(&ts);
}

/* ---- CRLs ---------------------------------------------------------------- */

static void test_crl_encodings(void **state)
{
    attls_tdx_collateral c;
    attls_tdx_crls crls;
    attls_status st;
    BIO *bio = BIO_new(BIO_s_mem());
    char *pem;
    long len;

    (void)state;
    td_collateral_dir(&c, TD_DCAP_COLL);
    attls_status_clear(&st);
    assert_int_equal(attls_tdx_crls_load(&c, &crls, &st), ATTLS_OK);
    assert_non_null(crls.pck_crl);
    assert_non_null(crls.root_crl);
    assert_int_equal(sk_X509_num(crls.pck_crl_chain), 2);
    /* The same CRL in PEM. */
    assert_int_equal(PEM_write_bio_X509_CRL(bio, crls.pck_crl), 1);
    len = BIO_get_mem_data(bio, &pem);
    attls_buf_free(&c.pck_crl);
    c.pck_crl.data = OPENSSL_malloc((size_t)len);
    memcpy(c.pck_crl.data, pem, (size_t)len);
    c.pck_crl.len = (size_t)len;
    attls_tdx_crls_free(&crls);
    assert_int_equal(attls_tdx_crls_load(&c, &crls, &st), ATTLS_OK);
    assert_non_null(crls.pck_crl);
    attls_tdx_crls_free(&crls);
    /* DER with a byte too many, and no CRL at all. */
    attls_buf_free(&c.root_ca_crl);
    c.root_ca_crl = td_read(TD_DCAP_COLL "/root_ca_crl.der");
    c.root_ca_crl.data[c.root_ca_crl.len++] = 0;
    assert_int_equal(attls_tdx_crls_load(&c, &crls, &st), ATTLS_E_CRL);
    td_assert_status(&st, ATTLS_E_CRL, "root CA CRL is not a DER or PEM CRL");
    assert_null(crls.pck_crl);
    attls_buf_free(&c.root_ca_crl);
    c.root_ca_crl = buf_of("-----BEGIN X509 CRL-----\nAAAA\n");
    attls_status_clear(&st);
    assert_int_equal(attls_tdx_crls_load(&c, &crls, &st), ATTLS_E_CRL);
    attls_buf_free(&c.root_ca_crl);
    attls_buf_free(&c.pck_crl_chain);
    c.pck_crl_chain = buf_of("junk");
    attls_status_clear(&st);
    assert_int_equal(attls_tdx_crls_load(&c, &crls, &st),
                     ATTLS_E_TDX_COLLATERAL_FORMAT);
    BIO_free(bio);
    attls_tdx_collateral_free(&c);
}

/* A small PKI: root -> "Intel SGX PCK Platform CA" -> PCK, with CRLs. */
typedef struct pki {
    EVP_PKEY *root_key, *ca_key, *leaf_key;
    X509 *root, *ca, *leaf;
    attls_trust_set trust;
    STACK_OF(X509) *untrusted;
} pki;

static X509 *issue(const char *cn, EVP_PKEY *key, X509 *issuer,
                   EVP_PKEY *issuer_key, long serial, int ca)
{
    X509 *x = X509_new();
    X509_NAME *name = X509_NAME_new();
    X509V3_CTX ctx;
    X509_EXTENSION *bc;

    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                               (const unsigned char *)cn, -1, -1, 0);
    X509_set_version(x, X509_VERSION_3);
    ASN1_INTEGER_set(X509_get_serialNumber(x), serial);
    X509_set_subject_name(x, name);
    X509_set_issuer_name(x, issuer ? X509_get_subject_name(issuer) : name);
    X509_time_adj_ex(X509_getm_notBefore(x), -1, 0, NULL);
    X509_time_adj_ex(X509_getm_notAfter(x), 30, 0, NULL);
    X509_set_pubkey(x, key);
    X509V3_set_ctx(&ctx, issuer ? issuer : x, x, NULL, NULL, 0);
    bc = X509V3_EXT_conf_nid(NULL, &ctx, NID_basic_constraints,
                             ca ? "critical,CA:TRUE" : "critical,CA:FALSE");
    X509_add_ext(x, bc, -1);
    X509_EXTENSION_free(bc);
    if (ca) {
        X509_EXTENSION *ku = X509V3_EXT_conf_nid(
            NULL, &ctx, NID_key_usage, "critical,keyCertSign,cRLSign");

        X509_add_ext(x, ku, -1);
        X509_EXTENSION_free(ku);
    }
    assert_true(X509_sign(x, issuer_key, EVP_sha256()) > 0);
    X509_NAME_free(name);
    return x;
}

static void pki_make(pki *p)
{
    p->root_key = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
    p->ca_key = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
    p->leaf_key = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
    p->root = issue("Test Root", p->root_key, NULL, p->root_key, 1, 1);
    p->ca = issue("Intel SGX PCK Platform CA", p->ca_key, p->root, p->root_key,
                  2, 1);
    p->leaf =
        issue("Intel SGX PCK Certificate", p->leaf_key, p->ca, p->ca_key, 3, 0);
    p->trust.anchors = sk_X509_new_null();
    p->trust.intermediates = sk_X509_new_null();
    X509_up_ref(p->root);
    sk_X509_push(p->trust.anchors, p->root);
    p->untrusted = sk_X509_new_null();
    sk_X509_push(p->untrusted, p->ca);
}

static void pki_free(pki *p)
{
    sk_X509_free(p->untrusted);
    attls_trust_set_free(&p->trust);
    X509_free(p->root);
    X509_free(p->ca);
    X509_free(p->leaf);
    EVP_PKEY_free(p->root_key);
    EVP_PKEY_free(p->ca_key);
    EVP_PKEY_free(p->leaf_key);
}

/* A CRL by @p issuer, valid now -1 .. +@p days, revoking @p serial (0: none).
 */
static X509_CRL *make_crl(X509 *issuer, EVP_PKEY *key, long serial, int days)
{
    X509_CRL *crl = X509_CRL_new();
    ASN1_TIME *t = ASN1_TIME_new();

    X509_CRL_set_version(crl, 1);
    X509_CRL_set_issuer_name(crl, X509_get_subject_name(issuer));
    X509_time_adj_ex(t, -1, 0, NULL);
    X509_CRL_set1_lastUpdate(crl, t);
    X509_time_adj_ex(t, days, 0, NULL);
    X509_CRL_set1_nextUpdate(crl, t);
    if (serial != 0) {
        X509_REVOKED *r = X509_REVOKED_new();
        ASN1_INTEGER *s = ASN1_INTEGER_new();

        ASN1_INTEGER_set(s, serial);
        X509_REVOKED_set_serialNumber(r, s);
        X509_time_adj_ex(t, -1, 0, NULL);
        X509_REVOKED_set_revocationDate(r, t);
        X509_CRL_add0_revoked(crl, r);
        ASN1_INTEGER_free(s);
    }
    X509_CRL_sort(crl);
    assert_true(X509_CRL_sign(crl, key, EVP_sha256()) > 0);
    ASN1_TIME_free(t);
    return crl;
}

static attls_code revocation(pki *p, X509_CRL *pck_crl, X509_CRL *root_crl,
                             int *checked, attls_status *st)
{
    attls_tdx_crls crls = {pck_crl, root_crl, NULL};

    attls_status_clear(st);
    return attls_tdx_pck_revocation_check(p->leaf, p->untrusted, &crls,
                                          time(NULL), &p->trust, checked, st);
}

static void test_revocation(void **state)
{
    pki p;
    attls_status st;
    int checked = -1;
    X509_CRL *clean_pck, *clean_root, *revoke_pck, *revoke_ca, *stale, *by_root;

    (void)state;
    pki_make(&p);
    clean_pck = make_crl(p.ca, p.ca_key, 0, 30);
    clean_root = make_crl(p.root, p.root_key, 0, 30);
    revoke_pck = make_crl(p.ca, p.ca_key, 3, 30);
    revoke_ca = make_crl(p.root, p.root_key, 2, 30);
    stale = make_crl(p.ca, p.ca_key, 0, -1);
    by_root = make_crl(p.root, p.root_key, 0, 30);
    /* No PCK CRL: nothing checked, nothing failed. */
    assert_int_equal(revocation(&p, NULL, clean_root, &checked, &st), ATTLS_OK);
    assert_int_equal(checked, 0);
    assert_int_equal(revocation(&p, clean_pck, clean_root, &checked, &st),
                     ATTLS_OK);
    assert_int_equal(checked, 1);
    assert_int_equal(revocation(&p, revoke_pck, clean_root, &checked, &st),
                     ATTLS_E_CRL);
    td_assert_status(&st, ATTLS_E_CRL, "certificate revoked");
    assert_int_equal(checked, 0);
    assert_int_equal(revocation(&p, clean_pck, revoke_ca, &checked, &st),
                     ATTLS_E_CRL);
    td_assert_status(&st, ATTLS_E_CRL, "(depth 1)");
    /* Without the root CA CRL only the PCK itself is checked. */
    assert_int_equal(revocation(&p, revoke_pck, NULL, &checked, &st),
                     ATTLS_E_CRL);
    assert_int_equal(revocation(&p, clean_pck, NULL, &checked, &st), ATTLS_OK);
    assert_int_equal(checked, 1);
    assert_int_equal(revocation(&p, stale, clean_root, &checked, &st),
                     ATTLS_E_CRL);
    td_assert_status(&st, ATTLS_E_CRL, "CRL has expired");
    /* A CRL of another issuer than the PCK's. */
    assert_int_equal(revocation(&p, by_root, clean_root, &checked, &st),
                     ATTLS_E_CRL);
    td_assert_status(&st, ATTLS_E_CRL, "but the PCK by");
    X509_CRL_free(clean_pck);
    X509_CRL_free(clean_root);
    X509_CRL_free(revoke_pck);
    X509_CRL_free(revoke_ca);
    X509_CRL_free(stale);
    X509_CRL_free(by_root);
    pki_free(&p);
}

/* The real dcap-qvl PCK against its real CRLs (44 entries, not revoked). */
static void test_revocation_real(void **state)
{
    attls_buf q = td_read("dcap-qvl/tdx_quote.dat");
    attls_tdx_quote quote;
    attls_tdx_pck pck;
    attls_tdx_collateral c;
    attls_tdx_crls crls;
    attls_trust_set ts;
    attls_status st;
    int checked = 0;

    (void)state;
    td_parse(&q, &quote);
    td_trust_intel(&ts);
    td_collateral_dir(&c, TD_DCAP_COLL);
    attls_status_clear(&st);
    assert_int_equal(attls_tdx_pck_load(&quote, NULL, 0, &pck, &st), ATTLS_OK);
    assert_int_equal(attls_tdx_crls_load(&c, &crls, &st), ATTLS_OK);
    assert_int_equal(sk_X509_REVOKED_num(X509_CRL_get_REVOKED(crls.pck_crl)),
                     44);
    assert_int_equal(attls_tdx_pck_revocation_check(pck.leaf, pck.certs, &crls,
                                                    td_time(TD_AT_DCAP), &ts,
                                                    &checked, &st),
                     ATTLS_OK);
    assert_int_equal(checked, 1);
    attls_tdx_crls_free(&crls);
    attls_tdx_pck_free(&pck);
    attls_tdx_collateral_free(&c);
    attls_trust_set_free(&ts);
    attls_buf_free(&q);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_load_dir),
        cmocka_unit_test(test_split_forms),
        cmocka_unit_test(test_split_rejects),
        cmocka_unit_test(test_verify_real_documents),
        cmocka_unit_test(test_signature_over_exact_bytes),
        cmocka_unit_test(test_signer_chain),
        cmocka_unit_test(test_validity_window),
        cmocka_unit_test(test_crl_encodings),
        cmocka_unit_test(test_revocation),
        cmocka_unit_test(test_revocation_real),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
