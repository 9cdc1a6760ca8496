/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests for the attls evidence format: claims, binder, the id-pe-cmw
 * extension and the v1 profile (decoder and encoder), including malformed
 * and mutated input, since all of it comes from a peer's certificate.
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
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "common/bytes.h"
#include "evidence/binder.h"
#include "evidence/cert_ext.h"
#include "evidence/claims.h"
#include "evidence/format.h"

#define CLAIMS_TPM                                                             \
    "{\"version\":1,\"platform\":\"tpm\",\"residency\":\"vtpm\","              \
    "\"pcr-policy\":false,\"created\":\"2026-03-01T00:00:00Z\"}"

/*-
 * Claims
 */

static void test_claims_roundtrip(void **state)
{
    attls_claims c = {.version = 1,
                      .platform = ATTLS_PLATFORM_TPM,
                      .residency = ATTLS_RESIDENCY_VTPM,
                      .created = 1772323200},
                 d;
    attls_buf out;
    attls_status st = {0};

    (void)state;
    assert_int_equal(attls_claims_encode(&c, &out, &st), ATTLS_OK);
    assert_string_equal((char *)out.data, CLAIMS_TPM);
    attls_buf_free(&out);

    c.platform = ATTLS_PLATFORM_GCP_SNP;
    c.pcr_policy = 1;
    c.nonce_len = 3;
    memcpy(c.nonce, "\x01\xab\xff", 3);
    assert_int_equal(attls_claims_encode(&c, &out, &st), ATTLS_OK);
    assert_string_equal((char *)out.data,
                        "{\"version\":1,\"platform\":\"gcp-snp\","
                        "\"residency\":\"vtpm\",\"pcr-policy\":true,"
                        "\"created\":\"2026-03-01T00:00:00Z\","
                        "\"nonce\":\"01abff\"}");
    assert_int_equal(attls_claims_decode(out.data, out.len, &d, &st), ATTLS_OK);
    assert_int_equal(d.platform, ATTLS_PLATFORM_GCP_SNP);
    assert_int_equal(d.residency, ATTLS_RESIDENCY_VTPM);
    assert_true(d.pcr_policy);
    assert_int_equal((long long)d.created, 1772323200LL);
    assert_int_equal(d.nonce_len, 3);
    assert_memory_equal(d.nonce, "\x01\xab\xff", 3);
    attls_buf_free(&out);

    /* Inconsistent claims are never encoded. */
    c.residency = ATTLS_RESIDENCY_MEMORY;
    assert_int_equal(attls_claims_encode(&c, &out, &st), ATTLS_E_ARGUMENT);
    c.pcr_policy = 0;
    c.platform = ATTLS_PLATFORM_UNKNOWN;
    assert_int_equal(attls_claims_encode(&c, &out, &st), ATTLS_E_ARGUMENT);
}

static void expect_claims_reject(const char *json, const char *check)
{
    attls_claims c;
    attls_status st = {0};
    attls_code rc;

    attls_status_clear(&st);
    rc = attls_claims_decode((const uint8_t *)json, strlen(json), &c, &st);
    if (rc != ATTLS_E_CLAIMS || strcmp(st.check, check) != 0)
        fail_msg("'%s': got %s (%s: %s), expected %s", json,
                 attls_status_code_name(rc), st.check, st.message, check);
    assert_int_equal(c.platform, ATTLS_PLATFORM_UNKNOWN);
}

#define BASE_HEAD "{\"version\":1,\"platform\":\"tpm\",\"residency\":\"vtpm\","

static void test_claims_rejects(void **state)
{
    (void)state;
    expect_claims_reject("", "claims.size");
    expect_claims_reject("[1]", "claims.json");
    expect_claims_reject("{", "claims.json");
    expect_claims_reject(BASE_HEAD "\"pcr-policy\":false}", "claims.member");
    expect_claims_reject(BASE_HEAD "\"pcr-policy\":false,\"created\":"
                                   "\"2026-03-01T00:00:00Z\",\"extra\":1}",
                         "claims.member");
    expect_claims_reject(BASE_HEAD "\"pcr-policy\":false,\"created\":"
                                   "\"2026-03-01T00:00:00Z\",\"created\":"
                                   "\"2026-03-01T00:00:00Z\"}",
                         "claims.json");
    expect_claims_reject("{\"version\":2,\"platform\":\"tpm\",\"residency\":"
                         "\"vtpm\",\"pcr-policy\":false,\"created\":"
                         "\"2026-03-01T00:00:00Z\"}",
                         "claims.version");
    expect_claims_reject("{\"version\":1.0,\"platform\":\"tpm\","
                         "\"residency\":\"vtpm\",\"pcr-policy\":false,"
                         "\"created\":\"2026-03-01T00:00:00Z\"}",
                         "claims.type");
    expect_claims_reject("{\"version\":1,\"platform\":\"aws-nitro\","
                         "\"residency\":\"vtpm\",\"pcr-policy\":false,"
                         "\"created\":\"2026-03-01T00:00:00Z\"}",
                         "claims.platform");
    expect_claims_reject("{\"version\":1,\"platform\":\"tpm\",\"residency\":"
                         "\"disk\",\"pcr-policy\":false,\"created\":"
                         "\"2026-03-01T00:00:00Z\"}",
                         "claims.residency");
    expect_claims_reject(BASE_HEAD "\"pcr-policy\":0,\"created\":"
                                   "\"2026-03-01T00:00:00Z\"}",
                         "claims.type");
    expect_claims_reject(BASE_HEAD "\"pcr-policy\":false,\"created\":"
                                   "\"2026-03-01T02:00:00+02:00\"}",
                         "claims.created");
    expect_claims_reject(BASE_HEAD "\"pcr-policy\":false,\"created\":"
                                   "\"2026-03-01T00:00:00.5Z\"}",
                         "claims.created");
    expect_claims_reject(BASE_HEAD "\"pcr-policy\":false,\"created\":"
                                   "\"yesterday\"}",
                         "claims.created");
    expect_claims_reject(BASE_HEAD "\"pcr-policy\":false,\"created\":"
                                   "\"2026-03-01T00:00:00Z\",\"nonce\":"
                                   "\"ABCD\"}",
                         "claims.nonce");
    expect_claims_reject(BASE_HEAD "\"pcr-policy\":false,\"created\":"
                                   "\"2026-03-01T00:00:00Z\",\"nonce\":"
                                   "\"abc\"}",
                         "claims.nonce");
    expect_claims_reject(BASE_HEAD "\"pcr-policy\":false,\"created\":"
                                   "\"2026-03-01T00:00:00Z\",\"nonce\":\"\"}",
                         "claims.nonce");
    expect_claims_reject("{\"version\":1,\"platform\":\"tpm\",\"residency\":"
                         "\"memory\",\"pcr-policy\":true,\"created\":"
                         "\"2026-03-01T00:00:00Z\"}",
                         "claims.pcr_policy");
}

/*-
 * Binder
 */

static void test_binder_known_answer(void **state)
{
    /* Computed independently (Python hashlib) from the definition in
     * docs/evidence-format.md §5.3. */
    static const char expect[] =
        "4b973bfccf3a1fe38381a87db74bb7432faeb015724daf3e7680ca5dcbc2f478";
    uint8_t spki[91], binder[32], b64[64];
    char hex[65];
    attls_status st = {0};

    (void)state;
    assert_int_equal(attls_hex_decode("3059301306072a8648ce3d020106082a8648"
                                      "ce3d030107034200",
                                      52, spki, 26),
                     0);
    for (int i = 0; i < 65; i++)
        spki[26 + i] = (uint8_t)i;
    assert_int_equal(attls_binder_compute(spki, sizeof(spki),
                                          (const uint8_t *)CLAIMS_TPM,
                                          strlen(CLAIMS_TPM), binder, &st),
                     ATTLS_OK);
    attls_hex_encode(binder, 32, hex);
    assert_string_equal(hex, expect);
    attls_binder64(binder, b64);
    assert_memory_equal(b64, binder, 32);
    for (int i = 32; i < 64; i++)
        assert_int_equal(b64[i], 0);
    /* Any change of key or claims changes the binder. */
    spki[90] ^= 1;
    assert_int_equal(attls_binder_compute(spki, sizeof(spki),
                                          (const uint8_t *)CLAIMS_TPM,
                                          strlen(CLAIMS_TPM), b64, &st),
                     ATTLS_OK);
    assert_memory_not_equal(b64, binder, 32);
    assert_int_equal(
        attls_binder_compute(spki, 0, (const uint8_t *)"x", 1, b64, &st),
        ATTLS_E_ARGUMENT);
    assert_int_equal(attls_binder_compute(spki, 1, NULL, 0, b64, &st),
                     ATTLS_E_ARGUMENT);
}

/*-
 * The id-pe-cmw extension
 */

static EVP_PKEY *new_key(void)
{
    EVP_PKEY *k = EVP_EC_gen("P-256");

    assert_non_null(k);
    return k;
}

/* A self-signed certificate of @p key carrying @p exts (may be NULL). */
static X509 *new_cert(EVP_PKEY *key, X509_EXTENSION **exts, int n)
{
    X509 *x = X509_new();

    assert_non_null(x);
    assert_true(X509_set_version(x, 2));
    assert_true(ASN1_INTEGER_set(X509_get_serialNumber(x), 1));
    assert_non_null(X509_gmtime_adj(X509_getm_notBefore(x), 0));
    assert_non_null(X509_gmtime_adj(X509_getm_notAfter(x), 3600));
    assert_true(X509_set_pubkey(x, key));
    for (int i = 0; i < n; i++)
        assert_true(X509_add_ext(x, exts[i], -1));
    assert_true(X509_sign(x, key, EVP_sha256()) > 0);
    return x;
}

/* An id-pe-cmw extension whose extnValue is exactly @p der. */
static X509_EXTENSION *raw_ext(const uint8_t *der, size_t len, int critical)
{
    ASN1_OBJECT *oid = OBJ_txt2obj(ATTLS_OID_CMW, 1);
    ASN1_OCTET_STRING *v = ASN1_OCTET_STRING_new();
    X509_EXTENSION *e;

    assert_true(ASN1_OCTET_STRING_set(v, der, (int)len));
    e = X509_EXTENSION_create_by_OBJ(NULL, oid, critical, v);
    assert_non_null(e);
    ASN1_OBJECT_free(oid);
    ASN1_OCTET_STRING_free(v);
    return e;
}

static void test_ext_roundtrip(void **state)
{
    static const char json[] = "{\"a\":[\"a/b\",\"AA\"]}";
    EVP_PKEY *key = new_key();
    X509_EXTENSION *ext;
    X509 *x, *y;
    unsigned char *der = NULL;
    const unsigned char *p;
    attls_buf out;
    attls_status st = {0};
    int critical = -1, len;

    (void)state;
    assert_int_equal(attls_cmw_ext_create(json, strlen(json), &ext, &st),
                     ATTLS_OK);
    assert_false(X509_EXTENSION_get_critical(ext));
    x = new_cert(key, &ext, 1);
    len = i2d_X509(x, &der);
    assert_true(len > 0);
    p = der;
    y = d2i_X509(NULL, &p, len);
    assert_non_null(y);
    assert_int_equal(attls_cmw_ext_from_cert(y, &out, &critical, &st),
                     ATTLS_OK);
    assert_int_equal(critical, 0);
    assert_int_equal(out.len, strlen(json));
    assert_string_equal((char *)out.data, json);
    attls_buf_free(&out);
    /* extnValue is the DER UTF8String: 0c <len> <json>. */
    {
        const ASN1_OCTET_STRING *v = X509_EXTENSION_get_data(ext);

        assert_int_equal(ASN1_STRING_length(v), 2 + strlen(json));
        assert_int_equal(ASN1_STRING_get0_data(v)[0], 0x0c);
        assert_int_equal(ASN1_STRING_get0_data(v)[1], strlen(json));
    }
    OPENSSL_free(der);
    X509_free(x);
    X509_free(y);
    X509_EXTENSION_free(ext);
    EVP_PKEY_free(key);
}

static void expect_ext_reject(const uint8_t *der, size_t len, attls_code code,
                              const char *check)
{
    attls_buf out;
    attls_status st = {0};
    attls_code rc;

    attls_status_clear(&st);
    rc = attls_cmw_ext_decode(der, len, &out, &st);
    if (rc != code || strcmp(st.check, check) != 0)
        fail_msg("got %s (%s: %s), expected %s (%s)",
                 attls_status_code_name(rc), st.check, st.message,
                 attls_status_code_name(code), check);
    assert_null(out.data);
}

static void test_ext_rejects(void **state)
{
    static const uint8_t cbor[] = {0x04, 0x02, 0xa0, 0x00};
    static const uint8_t printable[] = {0x13, 0x02, '{', '}'};
    static const uint8_t trailing[] = {0x0c, 0x02, '{', '}', 0x00};
    static const uint8_t long_form[] = {0x0c, 0x81, 0x02, '{', '}'};
    static const uint8_t short_len[] = {0x0c, 0x05, '{', '}'};
    static const uint8_t ok[] = {0x0c, 0x02, '{', '}'};
    EVP_PKEY *key = new_key();
    X509_EXTENSION *two[2];
    X509 *x;
    attls_buf out;
    attls_status st = {0};
    int critical = 0;

    (void)state;
    expect_ext_reject(cbor, sizeof(cbor), ATTLS_E_EVIDENCE_EXTENSION,
                      "cmw_ext.choice");
    expect_ext_reject(printable, sizeof(printable), ATTLS_E_EVIDENCE_EXTENSION,
                      "cmw_ext.choice");
    expect_ext_reject(trailing, sizeof(trailing), ATTLS_E_EVIDENCE_EXTENSION,
                      "cmw_ext.der");
    expect_ext_reject(long_form, sizeof(long_form), ATTLS_E_EVIDENCE_EXTENSION,
                      "cmw_ext.der");
    expect_ext_reject(short_len, sizeof(short_len), ATTLS_E_EVIDENCE_EXTENSION,
                      "cmw_ext.der");
    expect_ext_reject(ok, 0, ATTLS_E_EVIDENCE_EXTENSION, "cmw_ext.size");
    for (size_t n = 1; n < sizeof(ok); n++)
        expect_ext_reject(ok, n, ATTLS_E_EVIDENCE_EXTENSION, "cmw_ext.der");

    /* No extension, two extensions, and a critical one (accepted). */
    x = new_cert(key, NULL, 0);
    assert_int_equal(attls_cmw_ext_from_cert(x, &out, NULL, &st),
                     ATTLS_E_EVIDENCE_MISSING);
    X509_free(x);
    two[0] = raw_ext(ok, sizeof(ok), 0);
    two[1] = raw_ext(ok, sizeof(ok), 0);
    x = new_cert(key, two, 2);
    attls_status_clear(&st);
    assert_int_equal(attls_cmw_ext_from_cert(x, &out, NULL, &st),
                     ATTLS_E_EVIDENCE_EXTENSION);
    assert_string_equal(st.check, "cmw_ext.unique");
    X509_free(x);
    X509_EXTENSION_free(two[0]);
    X509_EXTENSION_free(two[1]);
    two[0] = raw_ext(ok, sizeof(ok), 1);
    x = new_cert(key, two, 1);
    assert_int_equal(attls_cmw_ext_from_cert(x, &out, &critical, &st),
                     ATTLS_OK);
    assert_int_equal(critical, 1);
    attls_buf_free(&out);
    X509_free(x);
    X509_EXTENSION_free(two[0]);
    EVP_PKEY_free(key);
}

/*-
 * The v1 profile
 */

/* Filler bytes for the records whose content the profile does not parse. */
static uint8_t filler[16384];

typedef struct parts_fixture {
    attls_evidence_parts parts;
    char claims[256];
} parts_fixture;

static void set_part(parts_fixture *f, attls_record_id id, size_t len)
{
    f->parts.rec[id].data = filler;
    f->parts.rec[id].len = len;
}

static void make_parts(parts_fixture *f, const char *platform,
                       const char *residency)
{
    memset(f, 0, sizeof(*f));
    snprintf(f->claims, sizeof(f->claims),
             "{\"version\":1,\"platform\":\"%s\",\"residency\":\"%s\","
             "\"pcr-policy\":false,\"created\":\"2026-03-01T00:00:00Z\"}",
             platform, residency);
    f->parts.rec[ATTLS_REC_CLAIMS].data = (uint8_t *)f->claims;
    f->parts.rec[ATTLS_REC_CLAIMS].len = strlen(f->claims);
    set_part(f, ATTLS_REC_TPM_QUOTE, 400);
    if (strcmp(residency, "vtpm") == 0)
        set_part(f, ATTLS_REC_TPM_CERTIFY, 300);
    if (strcmp(platform, "tpm") == 0) {
        set_part(f, ATTLS_REC_AK_PUB, 280);
        return;
    }
    set_part(f, ATTLS_REC_AK_CERT, 1400);
    if (strncmp(platform, "azure", 5) == 0)
        set_part(f, ATTLS_REC_HCL_REPORT, 2438);
    else
        set_part(f, ATTLS_REC_AK_PUB, 280);
    if (strcmp(platform, "azure-tdx") == 0 || strcmp(platform, "gcp-tdx") == 0)
        set_part(f, ATTLS_REC_TDX_QUOTE, 4936);
    if (strcmp(platform, "gcp-snp") == 0)
        set_part(f, ATTLS_REC_SNP_REPORT, 1184);
}

static void test_profile_roundtrip(void **state)
{
    static const char *platforms[] = {"tpm", "azure-snp", "azure-tdx",
                                      "gcp-snp", "gcp-tdx"};
    static const char *residencies[] = {"vtpm", "memory"};
    parts_fixture f;
    attls_buf json;
    attls_evidence ev;
    attls_status st = {0};

    (void)state;
    for (size_t i = 0; i < 5; i++) {
        for (size_t j = 0; j < 2; j++) {
            make_parts(&f, platforms[i], residencies[j]);
            attls_status_clear(&st);
            if (attls_evidence_encode(&f.parts, &json, &st) != ATTLS_OK)
                fail_msg("%s/%s: %s", platforms[i], residencies[j], st.message);
            assert_int_equal(
                attls_evidence_decode((char *)json.data, json.len, &ev, &st),
                ATTLS_OK);
            assert_string_equal(attls_platform_name(ev.claims.platform),
                                platforms[i]);
            assert_string_equal(attls_residency_name(ev.claims.residency),
                                residencies[j]);
            for (int id = 0; id < ATTLS_REC_COUNT; id++) {
                if (f.parts.rec[id].data == NULL) {
                    assert_null(ev.rec[id]);
                    continue;
                }
                assert_non_null(ev.rec[id]);
                assert_int_equal(ev.rec[id]->len, f.parts.rec[id].len);
                assert_memory_equal(ev.rec[id]->data, f.parts.rec[id].data,
                                    f.parts.rec[id].len);
            }
            attls_evidence_free(&ev);
            attls_buf_free(&json);
        }
    }
    /* Optional endorsements. */
    make_parts(&f, "gcp-snp", "memory");
    set_part(&f, ATTLS_REC_VCEK, 1360);
    set_part(&f, ATTLS_REC_AK_INTERMEDIATES, 1500);
    assert_int_equal(attls_evidence_encode(&f.parts, &json, &st), ATTLS_OK);
    assert_int_equal(
        attls_evidence_decode((char *)json.data, json.len, &ev, &st), ATTLS_OK);
    assert_non_null(ev.rec[ATTLS_REC_VCEK]);
    assert_non_null(ev.rec[ATTLS_REC_AK_INTERMEDIATES]);
    attls_evidence_free(&ev);
    attls_buf_free(&json);
}

static void expect_encode_reject(parts_fixture *f, attls_code code)
{
    attls_buf json;
    attls_status st = {0};
    attls_code rc;

    attls_status_clear(&st);
    rc = attls_evidence_encode(&f->parts, &json, &st);
    if (rc != code)
        fail_msg("got %s (%s), expected %s", attls_status_code_name(rc),
                 st.message, attls_status_code_name(code));
    assert_null(json.data);
}

static void test_profile_record_set(void **state)
{
    parts_fixture f;

    (void)state;
    make_parts(&f, "gcp-snp", "vtpm");
    f.parts.rec[ATTLS_REC_TPM_CERTIFY].data = NULL;
    expect_encode_reject(&f, ATTLS_E_EVIDENCE_INCOMPLETE);
    make_parts(&f, "gcp-snp", "memory");
    set_part(&f, ATTLS_REC_TPM_CERTIFY, 300);
    expect_encode_reject(&f, ATTLS_E_EVIDENCE_INCOMPLETE);
    make_parts(&f, "gcp-snp", "vtpm");
    set_part(&f, ATTLS_REC_HCL_REPORT, 2000);
    expect_encode_reject(&f, ATTLS_E_EVIDENCE_INCOMPLETE);
    make_parts(&f, "azure-snp", "vtpm");
    set_part(&f, ATTLS_REC_AK_PUB, 280);
    expect_encode_reject(&f, ATTLS_E_EVIDENCE_INCOMPLETE);
    make_parts(&f, "azure-tdx", "vtpm");
    f.parts.rec[ATTLS_REC_TDX_QUOTE].data = NULL;
    expect_encode_reject(&f, ATTLS_E_EVIDENCE_INCOMPLETE);
    make_parts(&f, "azure-tdx", "vtpm");
    set_part(&f, ATTLS_REC_VCEK, 1360);
    expect_encode_reject(&f, ATTLS_E_EVIDENCE_INCOMPLETE);
    make_parts(&f, "gcp-snp", "vtpm");
    set_part(&f, ATTLS_REC_VCEK, 1360);
    set_part(&f, ATTLS_REC_VLEK, 1360);
    expect_encode_reject(&f, ATTLS_E_EVIDENCE_INCOMPLETE);
    make_parts(&f, "tpm", "vtpm");
    set_part(&f, ATTLS_REC_AK_INTERMEDIATES, 1500);
    expect_encode_reject(&f, ATTLS_E_EVIDENCE_INCOMPLETE);
    make_parts(&f, "gcp-tdx", "vtpm");
    f.parts.rec[ATTLS_REC_AK_CERT].data = NULL;
    expect_encode_reject(&f, ATTLS_E_EVIDENCE_INCOMPLETE);
    /* Sizes out of range, inconsistent claims. */
    make_parts(&f, "gcp-snp", "vtpm");
    set_part(&f, ATTLS_REC_SNP_REPORT, 1183);
    expect_encode_reject(&f, ATTLS_E_ARGUMENT);
    make_parts(&f, "gcp-snp", "vtpm");
    set_part(&f, ATTLS_REC_AK_CERT, 4097);
    expect_encode_reject(&f, ATTLS_E_ARGUMENT);
    make_parts(&f, "gcp-snp", "vtpm");
    f.parts.rec[ATTLS_REC_CLAIMS].data = (uint8_t *)"{}";
    f.parts.rec[ATTLS_REC_CLAIMS].len = 2;
    expect_encode_reject(&f, ATTLS_E_CLAIMS);
    make_parts(&f, "gcp-snp", "vtpm");
    f.parts.rec[ATTLS_REC_CLAIMS].data = NULL;
    expect_encode_reject(&f, ATTLS_E_EVIDENCE_INCOMPLETE);
}

static void expect_decode_reject(const char *json, attls_code code,
                                 const char *check)
{
    attls_evidence ev;
    attls_status st = {0};
    attls_code rc;

    attls_status_clear(&st);
    rc = attls_evidence_decode(json, strlen(json), &ev, &st);
    if (rc != code || strcmp(st.check, check) != 0)
        fail_msg("'%.200s': got %s (%s: %s), expected %s (%s)", json,
                 attls_status_code_name(rc), st.check, st.message,
                 attls_status_code_name(code), check);
    assert_int_equal(ev.cmw.count, 0);
    assert_null(ev.rec[ATTLS_REC_CLAIMS]);
}

/* A valid plain-TPM, memory-residency collection with a tweak. */
static char *tpm_json(const char *ctype, const char *extra_record,
                      const char *claims_type, const char *claims)
{
    char *b64 = attls_b64url_encode((const uint8_t *)claims, strlen(claims));
    char *quote = attls_b64url_encode(filler, 100);
    char *akpub = attls_b64url_encode(filler, 50);
    char *out = malloc(4096);

    assert_non_null(out);
    snprintf(out, 4096,
             "{\"__cmwc_t\":\"%s\",\"claims\":[\"%s\",\"%s\",4],"
             "\"ak-pub\":[\"application/vnd.attls.tpm2-public\",\"%s\",4],"
             "\"tpm-quote\":[\"application/vnd.attls.tpm2-quote\",\"%s\"]%s}",
             ctype, claims_type, b64, akpub, quote, extra_record);
    OPENSSL_free(b64);
    OPENSSL_free(quote);
    OPENSSL_free(akpub);
    return out;
}

#define MEM_CLAIMS                                                             \
    "{\"version\":1,\"platform\":\"tpm\",\"residency\":\"memory\","            \
    "\"pcr-policy\":false,\"created\":\"2026-03-01T00:00:00Z\"}"
#define CLAIMS_TYPE "application/vnd.attls.claims+json"

static void test_profile_decode_rejects(void **state)
{
    attls_evidence ev;
    attls_status st = {0};
    char *j;

    (void)state;
    j = tpm_json(ATTLS_EVIDENCE_PROFILE, "", CLAIMS_TYPE, MEM_CLAIMS);
    assert_int_equal(attls_evidence_decode(j, strlen(j), &ev, &st), ATTLS_OK);
    attls_evidence_free(&ev);
    free(j);

    j = tpm_json("https://attls.dev/cmw/evidence/v2", "", CLAIMS_TYPE,
                 MEM_CLAIMS);
    expect_decode_reject(j, ATTLS_E_CMW_PROFILE, "evidence.profile");
    free(j);
    j = tpm_json(ATTLS_EVIDENCE_PROFILE, ",\"extra\":[\"a/b\",\"AA\"]",
                 CLAIMS_TYPE, MEM_CLAIMS);
    expect_decode_reject(j, ATTLS_E_EVIDENCE_RECORD, "evidence.label");
    free(j);
    j = tpm_json(ATTLS_EVIDENCE_PROFILE, "", "application/json", MEM_CLAIMS);
    expect_decode_reject(j, ATTLS_E_EVIDENCE_RECORD, "evidence.media_type");
    free(j);
    j = tpm_json(ATTLS_EVIDENCE_PROFILE,
                 ",\"vcek\":[\"application/pkix-cert\",\"AA\",2]", CLAIMS_TYPE,
                 MEM_CLAIMS);
    expect_decode_reject(j, ATTLS_E_EVIDENCE_RECORD, "evidence.size");
    free(j);
    j = tpm_json(
        ATTLS_EVIDENCE_PROFILE,
        ",\"tpm-certify\":[\"application/vnd.attls.tpm2-certify\","
        "\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
        "AAAAAAAAAAAAAAAAAAAAAA\",2]",
        CLAIMS_TYPE, MEM_CLAIMS);
    expect_decode_reject(j, ATTLS_E_EVIDENCE_RECORD, "evidence.ind");
    free(j);
    j = tpm_json(
        ATTLS_EVIDENCE_PROFILE,
        ",\"tpm-certify\":[\"application/vnd.attls.tpm2-certify\","
        "\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
        "AAAAAAAAAAAAAAAAAAAAAA\",4]",
        CLAIMS_TYPE, MEM_CLAIMS);
    expect_decode_reject(j, ATTLS_E_EVIDENCE_INCOMPLETE, "evidence.records");
    free(j);
    j = tpm_json(ATTLS_EVIDENCE_PROFILE, "", CLAIMS_TYPE,
                 "{\"version\":1,\"platform\":\"tpm\",\"residency\":\"memory\","
                 "\"pcr-policy\":false}");
    expect_decode_reject(j, ATTLS_E_CLAIMS, "claims.member");
    free(j);
    expect_decode_reject("{\"__cmwc_t\":\"" ATTLS_EVIDENCE_PROFILE "\","
                         "\"ak-pub\":[\"application/vnd.attls.tpm2-public\","
                         "\"AAAAAAAAAAAAAA\",4]}",
                         ATTLS_E_EVIDENCE_INCOMPLETE, "evidence.records");
    expect_decode_reject("{\"claims\":[\"a/b\",\"AA\"]}", ATTLS_E_CMW_PROFILE,
                         "evidence.profile");
}

/* Flip bytes of a valid collection: never a crash, leak or partial result. */
static void test_profile_mutations(void **state)
{
    parts_fixture f;
    attls_buf json;
    attls_evidence ev;
    attls_status st = {0};
    uint32_t seed = 12345;
    size_t accepted = 0;

    (void)state;
    make_parts(&f, "gcp-tdx", "vtpm");
    assert_int_equal(attls_evidence_encode(&f.parts, &json, &st), ATTLS_OK);
    for (int round = 0; round < 1000; round++) {
        uint8_t *copy = malloc(json.len);
        size_t len = json.len;

        assert_non_null(copy);
        memcpy(copy, json.data, json.len);
        for (int k = 0; k < 1 + round % 3; k++) {
            seed = seed * 1103515245u + 12345u;
            copy[(seed >> 8) % len] ^= (uint8_t)(1u << ((seed >> 4) % 8));
        }
        if (round % 7 == 0)
            len = (seed >> 12) % len; /* truncation */
        if (attls_evidence_decode((char *)copy, len, &ev, &st) == ATTLS_OK) {
            accepted++;
            assert_non_null(ev.rec[ATTLS_REC_CLAIMS]);
            attls_evidence_free(&ev);
        } else {
            assert_int_equal(ev.cmw.count, 0);
        }
        free(copy);
    }
    /* Flips inside base64 payload can stay valid; structure flips cannot. */
    assert_true(accepted < 1000);
    attls_buf_free(&json);
}

static void test_binder_from_cert(void **state)
{
    parts_fixture f;
    attls_buf json, spki;
    X509_EXTENSION *ext;
    EVP_PKEY *k1 = new_key(), *k2 = new_key();
    X509 *x1, *x2;
    attls_evidence ev;
    attls_status st = {0};
    uint8_t b1[32], b2[32], direct[32];

    (void)state;
    make_parts(&f, "tpm", "memory");
    assert_int_equal(attls_evidence_encode(&f.parts, &json, &st), ATTLS_OK);
    assert_int_equal(
        attls_cmw_ext_create((char *)json.data, json.len, &ext, &st), ATTLS_OK);
    x1 = new_cert(k1, &ext, 1);
    x2 = new_cert(k2, &ext, 1); /* the same evidence moved to another key */
    assert_int_equal(attls_evidence_from_cert(x1, &ev, NULL, &st), ATTLS_OK);
    assert_int_equal(attls_evidence_binder(&ev, x1, b1, &st), ATTLS_OK);
    assert_int_equal(attls_evidence_binder(&ev, x2, b2, &st), ATTLS_OK);
    assert_memory_not_equal(b1, b2, 32);
    /* The binder is over the SPKI exactly as signed. */
    assert_int_equal(attls_spki_of_cert(x1, &spki, &st), ATTLS_OK);
    assert_int_equal(attls_binder_compute(spki.data, spki.len,
                                          (const uint8_t *)f.claims,
                                          strlen(f.claims), direct, &st),
                     ATTLS_OK);
    assert_memory_equal(direct, b1, 32);
    attls_buf_free(&spki);
    attls_evidence_free(&ev);
    attls_buf_free(&json);
    X509_EXTENSION_free(ext);
    X509_free(x1);
    X509_free(x2);
    EVP_PKEY_free(k1);
    EVP_PKEY_free(k2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_claims_roundtrip),
        cmocka_unit_test(test_claims_rejects),
        cmocka_unit_test(test_binder_known_answer),
        cmocka_unit_test(test_ext_roundtrip),
        cmocka_unit_test(test_ext_rejects),
        cmocka_unit_test(test_profile_roundtrip),
        cmocka_unit_test(test_profile_record_set),
        cmocka_unit_test(test_profile_decode_rejects),
        cmocka_unit_test(test_profile_mutations),
        cmocka_unit_test(test_binder_from_cert),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
