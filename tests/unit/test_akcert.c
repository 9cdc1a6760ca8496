/* SPDX-License-Identifier: Apache-2.0 */
/*
 * vTPM AK certificates: parsing and NV contents, the real Google and Azure
 * certificates, the GCE instance identity extension (real and malformed),
 * CRLs (the real stale one and CRLs made at test time), the Azure
 * placeholder.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include "common/bytes.h"
#include "evidence/akcert.h"
#include "evidence/x509_crl.h"
#include "tpm_fixtures.h"

#define GCE "go-tpm-tools/attestations/gce-cos-85-nonce9009.parts/"
#define CERTS "go-tpm-tools/certificates/"

/* ------------------------------------------------------------------ */
/* Parsing and NV contents                                             */
/* ------------------------------------------------------------------ */

static attls_code parse(const uint8_t *b, size_t len, attls_status *st)
{
    X509 *x = NULL;
    attls_code rc;

    attls_status_clear(st);
    rc = attls_akcert_parse(b, len, &x, st);
    assert_true((rc == ATTLS_OK) == (x != NULL));
    X509_free(x);
    return rc;
}

static void test_parse(void **state)
{
    attls_buf pem, der, two, key;
    uint8_t *buf;
    attls_status st;

    (void)state;
    fx_read("gcp-vtpm-ek-ak/akcert.pem", &pem);
    fx_read(GCE "ak_cert.der", &der);
    fx_read("azure-cvm-tooling/akpub.pem", &key);
    assert_int_equal(parse(pem.data, pem.len, &st), ATTLS_OK);
    assert_int_equal(parse(der.data, der.len, &st), ATTLS_OK);
    buf = OPENSSL_malloc(2 * pem.len + 16);
    /* Text after the PEM block. */
    memcpy(buf, pem.data, pem.len);
    memcpy(buf + pem.len, "junk\n", 5);
    assert_int_equal(parse(buf, pem.len + 5, &st), ATTLS_E_CERT_PARSE);
    assert_non_null(strstr(st.message, "follow the PEM"));
    /* Blank lines around it are fine. */
    memcpy(buf, "\n\n", 2);
    memcpy(buf + 2, pem.data, pem.len);
    memcpy(buf + 2 + pem.len, "\n \n", 3);
    assert_int_equal(parse(buf, pem.len + 5, &st), ATTLS_OK);
    /* Two certificates. */
    memcpy(buf, pem.data, pem.len);
    memcpy(buf + pem.len, pem.data, pem.len);
    assert_int_equal(parse(buf, 2 * pem.len, &st), ATTLS_E_CERT_PARSE);
    /* A DER byte too many, and one too few. */
    memcpy(buf, der.data, der.len);
    buf[der.len] = 0;
    assert_int_equal(parse(buf, der.len + 1, &st), ATTLS_E_CERT_PARSE);
    assert_non_null(strstr(st.message, "1 unexpected bytes"));
    assert_int_equal(parse(der.data, der.len - 1, &st), ATTLS_E_CERT_PARSE);
    /* A PEM public key is not a certificate. */
    assert_int_equal(parse(key.data, key.len, &st), ATTLS_E_CERT_PARSE);
    assert_int_equal(parse(NULL, 0, &st), ATTLS_E_CERT_PARSE);
    fx_read(CERTS "pca_tpm_rsa_sign_cert.pem", &two);
    assert_int_equal(parse(two.data, two.len, &st), ATTLS_OK);
    OPENSSL_free(buf);
    attls_buf_free(&pem);
    attls_buf_free(&der);
    attls_buf_free(&two);
    attls_buf_free(&key);
}

static attls_code from_nv(const uint8_t *b, size_t len, attls_status *st)
{
    X509 *x = NULL;
    attls_code rc;

    attls_status_clear(st);
    rc = attls_akcert_from_nv(b, len, &x, st);
    assert_true((rc == ATTLS_OK) == (x != NULL));
    X509_free(x);
    return rc;
}

static void test_nv(void **state)
{
    attls_buf der;
    uint8_t nv[4096];
    static const uint8_t not_cert[] = {0x30, 0x03, 0x02, 0x01, 0x00, 0, 0};
    static const uint8_t indefinite[] = {0x30, 0x80, 0x02, 0x01, 0x00, 0, 0};
    attls_status st;

    (void)state;
    fx_read(GCE "ak_cert.der", &der);
    memset(nv, 0, sizeof(nv));
    memcpy(nv, der.data, der.len);
    assert_int_equal(from_nv(nv, sizeof(nv), &st), ATTLS_OK);
    assert_int_equal(from_nv(nv, der.len, &st), ATTLS_OK);
    nv[sizeof(nv) - 1] = 0x01;
    assert_int_equal(from_nv(nv, sizeof(nv), &st),
                     ATTLS_E_TPM_AKCERT_NV_FORMAT);
    assert_non_null(strstr(st.message, "offset 4095"));
    nv[sizeof(nv) - 1] = 0;
    /* The DER length says more than the index holds. */
    assert_int_equal(from_nv(nv, der.len - 1, &st),
                     ATTLS_E_TPM_AKCERT_NV_FORMAT);
    assert_int_equal(from_nv(nv, 3, &st), ATTLS_E_TPM_AKCERT_NV_FORMAT);
    /* Not a SEQUENCE. */
    nv[0] = 0x31;
    assert_int_equal(from_nv(nv, sizeof(nv), &st),
                     ATTLS_E_TPM_AKCERT_NV_FORMAT);
    memset(nv, 0, sizeof(nv));
    assert_int_equal(from_nv(nv, sizeof(nv), &st),
                     ATTLS_E_TPM_AKCERT_NV_FORMAT);
    assert_non_null(strstr(st.message, "no certificate was provisioned"));
    assert_int_equal(from_nv(indefinite, sizeof(indefinite), &st),
                     ATTLS_E_TPM_AKCERT_NV_FORMAT);
    /* A well-formed SEQUENCE that is no certificate. */
    assert_int_equal(from_nv(not_cert, sizeof(not_cert), &st),
                     ATTLS_E_CERT_PARSE);
    assert_int_equal(from_nv(NULL, 0, &st), ATTLS_E_TPM_AKCERT_NV_FORMAT);
    attls_buf_free(&der);
}

/* ------------------------------------------------------------------ */
/* Real certificates                                                   */
/* ------------------------------------------------------------------ */

static attls_code verify_real(const char *rel, attls_ak_platform platform,
                              time_t at, EVP_PKEY *ak, attls_akcert_claims *c,
                              attls_status *st)
{
    X509 *x = fx_cert(rel);
    attls_trust_set ts;
    attls_akcert_opts o = {.at = at, .platform = platform, .ak = ak};
    attls_code rc;

    assert_int_equal(attls_trust_set_load(attls_ak_platform_trust_set(platform),
                                          NULL, &ts, NULL),
                     ATTLS_OK);
    o.trust = &ts;
    attls_status_clear(st);
    rc = attls_akcert_verify(x, &o, c, st);
    attls_trust_set_free(&ts);
    X509_free(x);
    return rc;
}

static void test_gcp_2024_ak(void **state)
{
    attls_akcert_claims c;
    attls_status st;
    const attls_gce_identity *g = &c.gce;
    json_t *j;

    (void)state;
    assert_int_equal(
        verify_real("gcp-vtpm-ek-ak/akcert.pem", ATTLS_AK_PLATFORM_GCP,
                    fx_time("2026-03-01T00:00:00Z"), NULL, &c, &st),
        ATTLS_OK);
    assert_int_equal(c.platform, ATTLS_AK_PLATFORM_GCP);
    assert_non_null(strstr(c.subject, "CN = 6524697943022743941"));
    assert_non_null(strstr(c.issuer, "EK/AK CA Intermediate"));
    assert_non_null(strstr(c.anchor, "EK/AK CA Root"));
    assert_int_equal(c.chain_length, 3);
    assert_string_equal(c.key_type, "rsa");
    assert_int_equal(c.key_bits, 2048);
    assert_false(c.ak_checked);
    assert_true(g->present);
    assert_string_equal(g->zone, "us-central1-a");
    assert_true(g->project_number == 995081019036ull);
    assert_string_equal(g->project_id, "core-eso");
    assert_true(g->instance_id == 6524697943022743941ull);
    assert_string_equal(g->instance_name, "instance-1");
    assert_true(g->has_security);
    assert_true(g->has_security_version);
    assert_int_equal(g->security_version, 0);
    assert_int_equal(g->is_production, ATTLS_BOOL_TRUE);
    assert_int_equal(g->tpm_data_always_encrypted, ATTLS_BOOL_TRUE);
    assert_int_equal(g->suspend_resume_always_disabled, ATTLS_BOOL_FALSE);
    assert_int_equal(g->vmtd_always_disabled, ATTLS_BOOL_FALSE);
    assert_int_equal(g->always_in_yarn, ATTLS_BOOL_FALSE);
    j = attls_akcert_claims_json(&c);
    assert_non_null(j);
    assert_string_equal(json_string_value(json_object_get(j, "platform")),
                        "gcp");
    assert_string_equal(json_string_value(json_object_get(
                            json_object_get(j, "gce_instance"), "instance_id")),
                        "6524697943022743941");
    assert_true(json_is_true(
        json_object_get(json_object_get(json_object_get(j, "gce_instance"),
                                        "security_properties"),
                        "is_production")));
    json_decref(j);
    /* Not an Azure certificate. */
    assert_int_equal(
        verify_real("gcp-vtpm-ek-ak/akcert.pem", ATTLS_AK_PLATFORM_AZURE,
                    fx_time("2026-03-01T00:00:00Z"), NULL, &c, &st),
        ATTLS_E_CERT_ROOT);
}

static void test_gce_cos85_ak(void **state)
{
    attls_buf b;
    TPMT_PUBLIC pub;
    EVP_PKEY *ak = NULL, *other = fx_ec_key("prime256v1");
    attls_akcert_claims c;
    attls_status st;

    (void)state;
    fx_read(GCE "ak_pub.tpmt_public", &b);
    assert_int_equal(attls_tpm_public_parse(b.data, b.len, &pub, NULL),
                     ATTLS_OK);
    assert_int_equal(attls_tpm_public_to_pkey(&pub, &ak, NULL), ATTLS_OK);
    assert_int_equal(verify_real(GCE "ak_cert.der", ATTLS_AK_PLATFORM_GCP,
                                 fx_time("2026-03-01T00:00:00Z"), ak, &c, &st),
                     ATTLS_OK);
    assert_true(c.ak_checked);
    assert_string_equal(c.subject, "(empty subject)");
    assert_string_equal(c.gce.instance_name, "cos-test");
    assert_string_equal(c.gce.project_id, "google.com:wuale-gcp-testing");
    assert_true(c.gce.project_number == 117478743145ull);
    assert_true(c.gce.instance_id == 6797026933021542085ull);
    assert_int_equal(c.gce.is_production, ATTLS_BOOL_TRUE);
    assert_int_equal(verify_real(GCE "ak_cert.der", ATTLS_AK_PLATFORM_GCP,
                                 fx_time("2026-03-01T00:00:00Z"), other, &c,
                                 &st),
                     ATTLS_E_TPM_AKCERT_KEY_MISMATCH);
    assert_string_equal(st.check, "akcert.key");
    EVP_PKEY_free(ak);
    EVP_PKEY_free(other);
    attls_buf_free(&b);
}

static void test_gcp_hierarchies(void **state)
{
    static const char *files[] = {
        CERTS "pca_tpm_ecc_enc_cert.pem", CERTS "pca_tpm_ecc_sign_cert.pem",
        CERTS "pca_tpm_rsa_enc_cert.pem", CERTS "pca_tpm_rsa_sign_cert.pem",
        CERTS "uca_tpm_ecc_enc_cert.pem", CERTS "uca_tpm_ecc_sign_cert.pem",
        CERTS "uca_tpm_rsa_enc_cert.pem", CERTS "uca_tpm_rsa_sign_cert.pem",
        "gcp-vtpm-ek-ak/ekcert.pem",
    };
    attls_akcert_claims c;
    attls_status st;

    (void)state;
    for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
        assert_int_equal(verify_real(files[i], ATTLS_AK_PLATFORM_GCP,
                                     fx_time("2026-03-01T00:00:00Z"), NULL, &c,
                                     &st),
                         ATTLS_OK);
        assert_true(c.gce.present);
        assert_string_equal(c.gce.zone, "us-central1-a");
    }
    assert_int_equal(
        verify_real(CERTS "uca_tpm_ecc_sign_cert.pem", ATTLS_AK_PLATFORM_GCP,
                    fx_time("2026-03-01T00:00:00Z"), NULL, &c, &st),
        ATTLS_OK);
    assert_string_equal(c.key_type, "ec");
    assert_string_equal(c.subject, "(empty subject)");
    /* Before the legacy leaves were issued. */
    assert_int_equal(
        verify_real(CERTS "uca_tpm_rsa_sign_cert.pem", ATTLS_AK_PLATFORM_GCP,
                    fx_time("2020-01-01T00:00:00Z"), NULL, &c, &st),
        ATTLS_E_CERT_EXPIRED);
}

/* The 2024 EK is issued by the 2024 intermediate, which has the same name
 * as the 2022 one: only the right key may be accepted as issuer. */
static void test_same_name_intermediate(void **state)
{
    X509 *ek = fx_cert("gcp-vtpm-ek-ak/ekcert.pem");
    attls_trust_set ts = {sk_X509_new_null(), sk_X509_new_null()};
    STACK_OF(X509) *evidence = sk_X509_new_null();
    attls_akcert_opts o = {.at = fx_time("2026-03-01T00:00:00Z"),
                           .platform = ATTLS_AK_PLATFORM_GCP,
                           .trust = &ts};
    attls_status st;

    (void)state;
    sk_X509_push(ts.anchors, fx_cert("roots-cloud/gcp/gcp_ek_ak_ca_root.crt"));
    sk_X509_push(ts.intermediates,
                 fx_cert("roots-cloud/gcp/gcp_ek_ak_ca_intermediate_v3.crt"));
    attls_status_clear(&st);
    assert_int_equal(attls_akcert_verify(ek, &o, NULL, &st), ATTLS_E_CERT_ROOT);
    /* The right intermediate shipped with the evidence. */
    sk_X509_push(evidence, fx_cert("gcp-vtpm-ek-ak/ek_intermediate.pem"));
    o.intermediates = evidence;
    attls_status_clear(&st);
    assert_int_equal(attls_akcert_verify(ek, &o, NULL, &st), ATTLS_OK);
    sk_X509_pop_free(evidence, X509_free);
    sk_X509_pop_free(ts.anchors, X509_free);
    sk_X509_pop_free(ts.intermediates, X509_free);
    X509_free(ek);
}

static void test_azure_cas(void **state)
{
    attls_akcert_claims c;
    attls_status st;

    (void)state;
    assert_int_equal(
        verify_real("roots-cloud/azure/global-virtual-tpm-ca-01.pem",
                    ATTLS_AK_PLATFORM_AZURE, fx_time("2025-06-01T00:00:00Z"),
                    NULL, &c, &st),
        ATTLS_OK);
    assert_non_null(strstr(c.anchor, "Azure Virtual TPM Root"));
    assert_false(c.gce.present);
    assert_int_equal(
        verify_real("roots-cloud/azure/global-virtual-tpm-ca-01.pem",
                    ATTLS_AK_PLATFORM_AZURE, fx_time("2026-03-01T00:00:00Z"),
                    NULL, &c, &st),
        ATTLS_E_CERT_EXPIRED);
    assert_int_equal(
        verify_real("roots-cloud/azure/global-virtual-tpm-ca-03.pem",
                    ATTLS_AK_PLATFORM_AZURE, fx_time("2026-03-01T00:00:00Z"),
                    NULL, &c, &st),
        ATTLS_OK);
}

/* ------------------------------------------------------------------ */
/* Certificates and CRLs made at test time                             */
/* ------------------------------------------------------------------ */

static void add_ext(X509 *x, X509 *issuer, int nid, const char *value)
{
    X509V3_CTX ctx;
    X509_EXTENSION *ext;

    X509V3_set_ctx(&ctx, issuer ? issuer : x, x, NULL, NULL, 0);
    ext = X509V3_EXT_conf_nid(NULL, &ctx, nid, value);
    assert_non_null(ext);
    assert_true(X509_add_ext(x, ext, -1));
    X509_EXTENSION_free(ext);
}

/* A certificate for @p key named @p cn, issued by @p issuer (NULL: self). */
static X509 *make_cert(EVP_PKEY *key, const char *cn, X509 *issuer,
                       EVP_PKEY *issuer_key, long serial, const char *ku)
{
    X509 *x = X509_new();
    X509_NAME *name = X509_NAME_new();

    assert_non_null(x);
    X509_set_version(x, 2);
    ASN1_INTEGER_set(X509_get_serialNumber(x), serial);
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                               (const unsigned char *)cn, -1, -1, 0);
    X509_set_subject_name(x, name);
    X509_set_issuer_name(x, issuer ? X509_get_subject_name(issuer) : name);
    X509_NAME_free(name);
    ASN1_TIME_set(X509_getm_notBefore(x), fx_time("2025-01-01T00:00:00Z"));
    ASN1_TIME_set(X509_getm_notAfter(x), fx_time("2035-01-01T00:00:00Z"));
    X509_set_pubkey(x, key);
    add_ext(x, issuer, NID_basic_constraints,
            issuer ? "critical,CA:FALSE" : "critical,CA:TRUE");
    add_ext(x, issuer, NID_key_usage, ku);
    add_ext(x, issuer, NID_subject_key_identifier, "hash");
    if (issuer)
        add_ext(x, issuer, NID_authority_key_identifier, "keyid");
    assert_true(X509_sign(x, issuer_key ? issuer_key : key, EVP_sha256()) > 0);
    return x;
}

typedef struct pki {
    EVP_PKEY *ca_key, *leaf_key;
    X509 *ca, *leaf;
    attls_trust_set ts;
} pki;

static void pki_make(pki *p, const char *ca_name, const char *ca_ku)
{
    p->ca_key = fx_ec_key("prime256v1");
    p->leaf_key = fx_ec_key("prime256v1");
    p->ca = make_cert(p->ca_key, ca_name, NULL, NULL, 1, ca_ku);
    p->leaf = make_cert(p->leaf_key, "attls test AK", p->ca, p->ca_key, 2,
                        "critical,digitalSignature");
    p->ts.anchors = sk_X509_new_null();
    p->ts.intermediates = sk_X509_new_null();
    X509_up_ref(p->ca);
    sk_X509_push(p->ts.anchors, p->ca);
}

static void pki_free(pki *p)
{
    EVP_PKEY_free(p->ca_key);
    EVP_PKEY_free(p->leaf_key);
    X509_free(p->ca);
    X509_free(p->leaf);
    sk_X509_pop_free(p->ts.anchors, X509_free);
    sk_X509_pop_free(p->ts.intermediates, X509_free);
}

/* A CRL named after @p issuer, signed by @p key, revoking @p serial
 * (0: none), with or without nextUpdate and a critical extension. */
static X509_CRL *make_crl(X509 *issuer, EVP_PKEY *key, long serial,
                          int next_update, int critical_ext)
{
    X509_CRL *crl = X509_CRL_new();
    ASN1_TIME *t = ASN1_TIME_new();

    X509_CRL_set_version(crl, 1);
    X509_CRL_set_issuer_name(crl, X509_get_subject_name(issuer));
    ASN1_TIME_set(t, fx_time("2026-01-01T00:00:00Z"));
    X509_CRL_set1_lastUpdate(crl, t);
    ASN1_TIME_set(t, fx_time("2026-06-01T00:00:00Z"));
    if (next_update)
        X509_CRL_set1_nextUpdate(crl, t);
    if (serial != 0) {
        X509_REVOKED *r = X509_REVOKED_new();
        ASN1_INTEGER *s = ASN1_INTEGER_new();

        ASN1_INTEGER_set(s, serial);
        X509_REVOKED_set_serialNumber(r, s);
        ASN1_TIME_set(t, fx_time("2026-02-01T00:00:00Z"));
        X509_REVOKED_set_revocationDate(r, t);
        X509_CRL_add0_revoked(crl, r);
        ASN1_INTEGER_free(s);
    }
    if (critical_ext) {
        ASN1_INTEGER *num = ASN1_INTEGER_new();

        ASN1_INTEGER_set(num, 7);
        X509_CRL_add1_ext_i2d(crl, NID_delta_crl, num, 1, 0);
        ASN1_INTEGER_free(num);
    }
    X509_CRL_sort(crl);
    assert_true(X509_CRL_sign(crl, key, EVP_sha256()) > 0);
    ASN1_TIME_free(t);
    return crl;
}

static attls_code verify_with_crl(pki *p, X509_CRL *crl, time_t at,
                                  attls_akcert_claims *c, attls_status *st)
{
    STACK_OF(X509_CRL) *crls = sk_X509_CRL_new_null();
    attls_akcert_opts o = {.at = at,
                           .platform = ATTLS_AK_PLATFORM_GCP,
                           .trust = &p->ts,
                           .crls = crls};
    attls_code rc;

    sk_X509_CRL_push(crls, crl);
    attls_status_clear(st);
    rc = attls_akcert_verify(p->leaf, &o, c, st);
    sk_X509_CRL_pop_free(crls, X509_CRL_free);
    return rc;
}

static void test_crls_made(void **state)
{
    pki p, other;
    attls_akcert_claims c;
    attls_status st;
    time_t at = fx_time("2026-03-01T00:00:00Z");

    (void)state;
    pki_make(&p, "attls test CA", "critical,keyCertSign,cRLSign");
    pki_make(&other, "other test CA", "critical,keyCertSign,cRLSign");
    assert_int_equal(
        verify_with_crl(&p, make_crl(p.ca, p.ca_key, 99, 1, 0), at, &c, &st),
        ATTLS_OK);
    assert_int_equal(c.crls_checked, 1);
    assert_false(c.gce.present);
    assert_int_equal(
        verify_with_crl(&p, make_crl(p.ca, p.ca_key, 2, 1, 0), at, &c, &st),
        ATTLS_E_CRL);
    assert_non_null(strstr(st.message, "revoked"));
    /* Revoked, but the CRL was issued after the verification time. */
    assert_int_equal(verify_with_crl(&p, make_crl(p.ca, p.ca_key, 2, 1, 0),
                                     fx_time("2025-12-01T00:00:00Z"), &c, &st),
                     ATTLS_E_CRL);
    assert_non_null(strstr(st.message, "not yet valid"));
    assert_int_equal(verify_with_crl(&p, make_crl(p.ca, p.ca_key, 0, 1, 0),
                                     fx_time("2026-07-01T00:00:00Z"), &c, &st),
                     ATTLS_E_CRL);
    assert_non_null(strstr(st.message, "stale"));
    assert_int_equal(
        verify_with_crl(&p, make_crl(p.ca, p.ca_key, 0, 0, 0), at, &c, &st),
        ATTLS_E_CRL);
    assert_non_null(strstr(st.message, "no nextUpdate"));
    assert_int_equal(
        verify_with_crl(&p, make_crl(p.ca, p.ca_key, 0, 1, 1), at, &c, &st),
        ATTLS_E_CRL);
    assert_non_null(strstr(st.message, "critical extension"));
    /* Another CA's CRL, and a CRL with our CA's name but another key. */
    assert_int_equal(verify_with_crl(&p,
                                     make_crl(other.ca, other.ca_key, 0, 1, 0),
                                     at, &c, &st),
                     ATTLS_E_CRL);
    assert_non_null(strstr(st.message, "not the subject"));
    assert_int_equal(
        verify_with_crl(&p, make_crl(p.ca, other.ca_key, 0, 1, 0), at, &c, &st),
        ATTLS_E_CRL);
    assert_non_null(strstr(st.message, "does not verify"));
    /* The leaf names no certificate below it. */
    assert_int_equal(
        verify_with_crl(&p, make_crl(p.leaf, p.leaf_key, 0, 1, 0), at, &c, &st),
        ATTLS_E_CRL);
    pki_free(&p);
    pki_free(&other);
    /* A CA not allowed to sign CRLs. */
    pki_make(&p, "attls test CA", "critical,keyCertSign");
    assert_int_equal(
        verify_with_crl(&p, make_crl(p.ca, p.ca_key, 0, 1, 0), at, &c, &st),
        ATTLS_E_CRL);
    assert_non_null(strstr(st.message, "key usage"));
    pki_free(&p);
}

static void test_crl_real(void **state)
{
    X509 *ak = fx_cert("gcp-vtpm-ek-ak/akcert.pem");
    attls_buf der;
    attls_trust_set ts;
    STACK_OF(X509_CRL) *crls = sk_X509_CRL_new_null();
    attls_akcert_opts o = {.platform = ATTLS_AK_PLATFORM_GCP, .crls = crls};
    attls_akcert_claims c;
    attls_status st;

    (void)state;
    fx_read("gcp-vtpm-ek-ak/intermediate.crl", &der);
    assert_int_equal(attls_x509_crls_parse(der.data, der.len, crls, NULL),
                     ATTLS_OK);
    assert_int_equal(attls_trust_set_load("gcp-vtpm", NULL, &ts, NULL),
                     ATTLS_OK);
    o.trust = &ts;
    o.at = fx_time("2024-05-10T00:00:00Z");
    attls_status_clear(&st);
    assert_int_equal(attls_akcert_verify(ak, &o, &c, &st), ATTLS_OK);
    assert_int_equal(c.crls_checked, 1);
    o.at = fx_time("2026-03-01T00:00:00Z");
    attls_status_clear(&st);
    assert_int_equal(attls_akcert_verify(ak, &o, &c, &st), ATTLS_E_CRL);
    assert_string_equal(st.check, "akcert.crl");
    assert_non_null(strstr(st.message, "stale"));
    attls_trust_set_free(&ts);
    sk_X509_CRL_pop_free(crls, X509_CRL_free);
    attls_buf_free(&der);
    X509_free(ak);
}

static void test_crl_parse(void **state)
{
    attls_buf der;
    STACK_OF(X509_CRL) *crls = sk_X509_CRL_new_null();
    uint8_t *buf;
    BIO *bio = BIO_new(BIO_s_mem());
    const unsigned char *p;
    X509_CRL *crl;
    char *pem;
    long pem_len;
    attls_status st;

    (void)state;
    fx_read("gcp-vtpm-ek-ak/intermediate.crl", &der);
    buf = OPENSSL_malloc(der.len + 1);
    memcpy(buf, der.data, der.len);
    buf[der.len] = 0;
    attls_status_clear(&st);
    assert_int_equal(attls_x509_crls_parse(buf, der.len + 1, crls, &st),
                     ATTLS_E_CRL);
    assert_int_equal(attls_x509_crls_parse(buf, der.len - 1, crls, NULL),
                     ATTLS_E_CRL);
    assert_int_equal(attls_x509_crls_parse(buf, 0, crls, NULL), ATTLS_E_CRL);
    assert_int_equal(sk_X509_CRL_num(crls), 0);
    /* Two PEM CRLs in one file. */
    p = der.data;
    crl = d2i_X509_CRL(NULL, &p, (long)der.len);
    PEM_write_bio_X509_CRL(bio, crl);
    PEM_write_bio_X509_CRL(bio, crl);
    pem_len = BIO_get_mem_data(bio, &pem);
    assert_int_equal(
        attls_x509_crls_parse((uint8_t *)pem, (size_t)pem_len, crls, NULL),
        ATTLS_OK);
    assert_int_equal(sk_X509_CRL_num(crls), 2);
    assert_int_equal(
        attls_x509_crls_parse((const uint8_t *)"-----BEGIN X", 12, crls, NULL),
        ATTLS_E_CRL);
    X509_CRL_free(crl);
    BIO_free(bio);
    OPENSSL_free(buf);
    sk_X509_CRL_pop_free(crls, X509_CRL_free);
    attls_buf_free(&der);
}

static void test_azure_placeholder(void **state)
{
    EVP_PKEY *key = fx_ec_key("prime256v1");
    X509 *ph = make_cert(key, "Microsoft Azure Trusted VM RSA CA 01", NULL,
                         NULL, 5, "critical,digitalSignature");
    X509 *plain = make_cert(key, "Azure Trusted VM", NULL, NULL, 6,
                            "critical,digitalSignature");
    attls_trust_set ts;
    attls_akcert_opts o = {.at = fx_time("2026-03-01T00:00:00Z"),
                           .platform = ATTLS_AK_PLATFORM_AZURE};
    attls_status st;

    (void)state;
    assert_int_equal(attls_akcert_is_azure_placeholder(ph), 1);
    assert_int_equal(attls_akcert_is_azure_placeholder(plain), 0);
    assert_int_equal(attls_trust_set_load("azure-vtpm", NULL, &ts, NULL),
                     ATTLS_OK);
    o.trust = &ts;
    attls_status_clear(&st);
    assert_int_equal(attls_akcert_verify(ph, &o, NULL, &st),
                     ATTLS_E_TPM_AKCERT_PLACEHOLDER);
    assert_string_equal(st.check, "akcert.placeholder");
    attls_status_clear(&st);
    assert_int_equal(attls_akcert_verify(plain, &o, NULL, &st),
                     ATTLS_E_CERT_ROOT);
    /* The placeholder rule is Azure's only. */
    o.platform = ATTLS_AK_PLATFORM_GCP;
    attls_status_clear(&st);
    assert_int_equal(attls_akcert_verify(ph, &o, NULL, &st), ATTLS_E_CERT_ROOT);
    attls_trust_set_free(&ts);
    X509_free(ph);
    X509_free(plain);
    EVP_PKEY_free(key);
}

static void test_verify_arguments(void **state)
{
    X509 *x = fx_cert("gcp-vtpm-ek-ak/akcert.pem");
    attls_trust_set ts = {NULL, NULL};
    attls_akcert_opts o = {.platform = ATTLS_AK_PLATFORM_GCP};

    (void)state;
    assert_int_equal(attls_akcert_verify(x, &o, NULL, NULL), ATTLS_E_ARGUMENT);
    o.trust = &ts;
    o.platform = 0;
    assert_int_equal(attls_akcert_verify(x, &o, NULL, NULL), ATTLS_E_ARGUMENT);
    assert_int_equal(attls_akcert_verify(NULL, &o, NULL, NULL),
                     ATTLS_E_ARGUMENT);
    assert_null(attls_ak_platform_trust_set(0));
    X509_free(x);
}

/* ------------------------------------------------------------------ */
/* GCE instance identity: malformed extensions                         */
/* ------------------------------------------------------------------ */

typedef struct der {
    uint8_t b[1024];
    size_t n;
} der;

static void put(der *d, const void *p, size_t n)
{
    assert_true(d->n + n <= sizeof(d->b));
    memcpy(d->b + d->n, p, n);
    d->n += n;
}

/* Tag, short or one-byte long length, contents. */
static void tlv(der *d, uint8_t tag, const void *p, size_t n)
{
    uint8_t h[3] = {tag, 0, 0};

    assert_true(n < 256);
    if (n < 128) {
        h[1] = (uint8_t)n;
        put(d, h, 2);
    } else {
        h[1] = 0x81;
        h[2] = (uint8_t)n;
        put(d, h, 3);
    }
    put(d, p, n);
}

static void utf8(der *d, const char *s)
{
    tlv(d, 0x0c, s, strlen(s));
}

static void integer(der *d, const uint8_t *p, size_t n)
{
    tlv(d, 0x02, p, n);
}

static const uint8_t one = 1, two = 2;

/* zone, projectNumber 1, projectId, instanceId 2, instanceName, then
 * @p tail (the [0] security properties or other test bytes). */
static void identity(der *out, const char *zone, const der *tail)
{
    der body = {.n = 0};

    utf8(&body, zone);
    integer(&body, &one, 1);
    utf8(&body, "proj");
    integer(&body, &two, 1);
    utf8(&body, "vm");
    if (tail != NULL)
        put(&body, tail->b, tail->n);
    out->n = 0;
    tlv(out, 0x30, body.b, body.n);
}

static attls_code decode_ext(const der *value, int twice, attls_gce_identity *g,
                             attls_status *st)
{
    EVP_PKEY *key = fx_ec_key("prime256v1");
    X509 *x = make_cert(key, "gce", NULL, NULL, 9, "critical,keyCertSign");
    ASN1_OBJECT *oid = OBJ_txt2obj("1.3.6.1.4.1.11129.2.1.21", 1);
    ASN1_OCTET_STRING *os = ASN1_OCTET_STRING_new();
    X509_EXTENSION *ext;
    attls_code rc;

    ASN1_OCTET_STRING_set(os, value->b, (int)value->n);
    ext = X509_EXTENSION_create_by_OBJ(NULL, oid, 0, os);
    assert_non_null(ext);
    assert_true(X509_add_ext(x, ext, -1));
    if (twice)
        assert_true(X509_add_ext(x, ext, -1));
    attls_status_clear(st);
    rc = attls_gce_identity_decode(x, g, st);
    X509_EXTENSION_free(ext);
    ASN1_OCTET_STRING_free(os);
    ASN1_OBJECT_free(oid);
    X509_free(x);
    EVP_PKEY_free(key);
    return rc;
}

static void test_gce_identity_forms(void **state)
{
    der v, sec, inner, field;
    attls_gce_identity g;
    attls_status st;
    static const uint8_t f = 0x00;

    (void)state;
    /* No security properties. */
    identity(&v, "europe-west4-b", NULL);
    assert_int_equal(decode_ext(&v, 0, &g, &st), ATTLS_OK);
    assert_true(g.present);
    assert_false(g.has_security);
    assert_string_equal(g.zone, "europe-west4-b");
    assert_true(g.project_number == 1 && g.instance_id == 2);
    assert_int_equal(g.is_production, ATTLS_BOOL_ABSENT);
    /* Only [1] isProduction FALSE. */
    field.n = 0;
    tlv(&field, 0x01, &f, 1);
    inner.n = 0;
    tlv(&inner, 0xa1, field.b, field.n);
    sec.n = 0;
    tlv(&sec, 0x30, inner.b, inner.n);
    inner = sec;
    sec.n = 0;
    tlv(&sec, 0xa0, inner.b, inner.n);
    identity(&v, "z", &sec);
    assert_int_equal(decode_ext(&v, 0, &g, &st), ATTLS_OK);
    assert_true(g.has_security);
    assert_false(g.has_security_version);
    assert_int_equal(g.is_production, ATTLS_BOOL_FALSE);
    assert_int_equal(g.tpm_data_always_encrypted, ATTLS_BOOL_ABSENT);
}

static void expect_bad(const der *v, int twice, const char *why)
{
    attls_gce_identity g;
    attls_status st;

    if (decode_ext(v, twice, &g, &st) != ATTLS_E_TPM_GCE_IDENTITY)
        fail_msg("accepted, expected a failure naming '%s'", why);
    assert_string_equal(st.check, "gce.identity");
    if (strstr(st.message, why) == NULL)
        fail_msg("message '%s' lacks '%s'", st.message, why);
    assert_false(g.present);
}

static void test_gce_identity_malformed(void **state)
{
    der v, body, tail;
    char longname[201];
    static const uint8_t neg = 0xff, bad_bool = 0x01;
    static const uint8_t wide[9] = {0x01};
    static const uint8_t trailing = 0x00;

    (void)state;
    identity(&v, "z", NULL);
    expect_bad(&v, 1, "twice");
    /* Negative projectNumber, 65-bit instanceId. */
    body.n = 0;
    utf8(&body, "z");
    integer(&body, &neg, 1);
    utf8(&body, "p");
    integer(&body, &two, 1);
    utf8(&body, "vm");
    v.n = 0;
    tlv(&v, 0x30, body.b, body.n);
    expect_bad(&v, 0, "projectNumber");
    body.n = 0;
    utf8(&body, "z");
    integer(&body, &one, 1);
    utf8(&body, "p");
    integer(&body, wide, sizeof(wide));
    utf8(&body, "vm");
    v.n = 0;
    tlv(&v, 0x30, body.b, body.n);
    expect_bad(&v, 0, "instanceId");
    /* Strings: a control character, too long, another string type. */
    identity(&v, "us-\ncentral1", NULL);
    expect_bad(&v, 0, "zone");
    memset(longname, 'a', 200);
    longname[200] = '\0';
    identity(&v, longname, NULL);
    expect_bad(&v, 0, "zone is 200 bytes");
    identity(&v, "z", NULL);
    v.b[2] = 0x13; /* PrintableString */
    expect_bad(&v, 0, "not the GCE instance identity");
    /* A missing field, an unknown one, trailing bytes. */
    body.n = 0;
    utf8(&body, "z");
    integer(&body, &one, 1);
    utf8(&body, "p");
    integer(&body, &two, 1);
    v.n = 0;
    tlv(&v, 0x30, body.b, body.n);
    expect_bad(&v, 0, "not the GCE instance identity");
    tail.n = 0;
    tlv(&tail, 0xa1, &trailing, 0);
    identity(&v, "z", &tail);
    expect_bad(&v, 0, "not the GCE instance identity");
    identity(&v, "z", NULL);
    v.b[v.n++] = 0x00;
    expect_bad(&v, 0, "trailing");
    /* BER: a BOOLEAN that is neither 00 nor ff, a long-form length. */
    body.n = 0;
    tlv(&body, 0x01, &bad_bool, 1);
    tail.n = 0;
    tlv(&tail, 0xa1, body.b, body.n);
    body = tail;
    tail.n = 0;
    tlv(&tail, 0x30, body.b, body.n);
    body = tail;
    tail.n = 0;
    tlv(&tail, 0xa0, body.b, body.n);
    identity(&v, "z", &tail);
    expect_bad(&v, 0, "not DER");
    identity(&v, "z", NULL);
    memmove(v.b + 3, v.b + 2, v.n - 2);
    v.b[1] = 0x81;
    v.b[2] = (uint8_t)(v.n - 2);
    v.n++;
    expect_bad(&v, 0, "not DER");
    v.n = 0;
    expect_bad(&v, 0, "0 bytes");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse),
        cmocka_unit_test(test_nv),
        cmocka_unit_test(test_gcp_2024_ak),
        cmocka_unit_test(test_gce_cos85_ak),
        cmocka_unit_test(test_gcp_hierarchies),
        cmocka_unit_test(test_same_name_intermediate),
        cmocka_unit_test(test_azure_cas),
        cmocka_unit_test(test_crls_made),
        cmocka_unit_test(test_crl_real),
        cmocka_unit_test(test_crl_parse),
        cmocka_unit_test(test_azure_placeholder),
        cmocka_unit_test(test_verify_arguments),
        cmocka_unit_test(test_gce_identity_forms),
        cmocka_unit_test(test_gce_identity_malformed),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
