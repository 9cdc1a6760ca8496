/* SPDX-License-Identifier: Apache-2.0 */
/*
 * TPM2_Quote / TPM2_Certify verification: the real Azure, GCE and Windows
 * quotes, and TPMS_ATTEST structures built and signed at test time to
 * reach every check (schemes, banks, selection, SHA-1 policy, certify).
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
#include <openssl/rsa.h>
#include <tss2/tss2_mu.h>

#include "common/bytes.h"
#include "evidence/tpm_attest.h"
#include "evidence/tpm_records.h"
#include "tpm_fixtures.h"

#define AZ "azure-cvm-tooling/"
#define GCE "go-tpm-tools/attestations/gce-cos-85-nonce9009.parts/"
#define GCE0 "go-tpm-tools/attestations/gce-cos-85-no-nonce.parts/"

static const uint8_t challenge[] = "challenge";
static const uint8_t nonce9009[] = {0x90, 0x09};

typedef struct keys {
    EVP_PKEY *rsa, *rsa_pub, *p256, *p256_pub, *p384, *p384_pub, *p521,
        *p521_pub;
} keys;

static keys K;

static int setup_keys(void **state)
{
    (void)state;
    K.rsa = fx_rsa_key(2048);
    K.rsa_pub = fx_public(K.rsa);
    K.p256 = fx_ec_key("prime256v1");
    K.p256_pub = fx_public(K.p256);
    K.p384 = fx_ec_key("secp384r1");
    K.p384_pub = fx_public(K.p384);
    K.p521 = fx_ec_key("secp521r1");
    K.p521_pub = fx_public(K.p521);
    return 0;
}

static int teardown_keys(void **state)
{
    EVP_PKEY **all = (EVP_PKEY **)&K;

    (void)state;
    for (size_t i = 0; i < sizeof(K) / sizeof(EVP_PKEY *); i++)
        EVP_PKEY_free(all[i]);
    return 0;
}

/* ------------------------------------------------------------------ */
/* Real vectors                                                        */
/* ------------------------------------------------------------------ */

static EVP_PKEY *pem_pubkey(const char *rel)
{
    attls_buf b;
    BIO *bio;
    EVP_PKEY *k;

    fx_read(rel, &b);
    bio = BIO_new_mem_buf(b.data, (int)b.len);
    k = PEM_read_bio_PUBKEY(bio, NULL, NULL, NULL);
    BIO_free(bio);
    attls_buf_free(&b);
    assert_non_null(k);
    return k;
}

static void tpm_public_file(const char *rel, TPMT_PUBLIC *pub)
{
    attls_buf b;

    fx_read(rel, &b);
    assert_int_equal(attls_tpm_public_parse(b.data, b.len, pub, NULL),
                     ATTLS_OK);
    attls_buf_free(&b);
}

typedef struct azure_quote {
    attls_buf attest, sig, pcr_file;
    attls_tpm_sig sig_in;
    attls_tpm_pcrs pcrs;
    EVP_PKEY *ak;
    attls_tpm_verify_opts opts;
} azure_quote;

static void azure_load(azure_quote *q)
{
    memset(q, 0, sizeof(*q));
    fx_read(AZ "quote.parts.tpms_attest", &q->attest);
    fx_read(AZ "quote.parts.rsassa_sig", &q->sig);
    fx_read(AZ "quote.parts.pcrs_sha256", &q->pcr_file);
    q->ak = pem_pubkey(AZ "akpub.pem");
    q->sig_in.format = ATTLS_TPM_SIG_RAW;
    q->sig_in.scheme = TPM2_ALG_RSASSA;
    q->sig_in.hash = TPM2_ALG_SHA256;
    q->sig_in.data = q->sig.data;
    q->sig_in.len = q->sig.len;
    fx_quote_pcrs(&q->attest, &q->pcr_file, &q->pcrs);
    q->opts.extra_data = challenge;
    q->opts.extra_data_len = sizeof(challenge) - 1;
}

static void azure_free(azure_quote *q)
{
    attls_buf_free(&q->attest);
    attls_buf_free(&q->sig);
    attls_buf_free(&q->pcr_file);
    EVP_PKEY_free(q->ak);
}

static attls_code azure_verify(azure_quote *q, attls_tpm_attest_claims *c,
                               attls_status *st)
{
    attls_status_clear(st);
    return attls_tpm_quote_verify(q->attest.data, q->attest.len, &q->sig_in,
                                  q->ak, &q->pcrs, &q->opts, c, st);
}

static void hex_equal(const uint8_t *b, size_t len, const char *hex)
{
    char buf[256];

    assert_true(2 * len + 1 <= sizeof(buf));
    attls_hex_encode(b, len, buf);
    assert_string_equal(buf, hex);
}

static void test_azure_quote_claims(void **state)
{
    azure_quote q;
    attls_tpm_attest_claims c;
    attls_status st;

    (void)state;
    azure_load(&q);
    assert_int_equal(azure_verify(&q, &c, &st), ATTLS_OK);
    assert_int_equal(c.type, TPM2_ST_ATTEST_QUOTE);
    hex_equal(c.qualified_signer, c.qualified_signer_len,
              "000bbf2498e2f2b96bee3a52db769ef9e9b8dc78fb75eb6a72550473ea3546"
              "f90590");
    assert_memory_equal(c.extra_data, "challenge", 9);
    assert_int_equal(c.extra_data_len, 9);
    assert_true(c.extra_data_checked);
    assert_int_equal(c.clock, 3131573);
    assert_int_equal(c.reset_count, 3);
    assert_int_equal(c.restart_count, 0);
    assert_int_equal(c.safe, 1);
    assert_true(c.firmware_version == 0x2020031200120003ull);
    assert_int_equal(c.sig_scheme, TPM2_ALG_RSASSA);
    assert_int_equal(c.sig_hash, TPM2_ALG_SHA256);
    assert_int_equal(c.pcr_bank_count, 1);
    assert_int_equal(c.pcr_banks[0].hash_alg, TPM2_ALG_SHA256);
    assert_int_equal(c.pcr_banks[0].mask, 0xffffff);
    hex_equal(c.pcr_digest, c.pcr_digest_len,
              "04fabd988106412e438c1b93ad3b4b046c760f8f99ec557d87adf2ab02b7a4"
              "a0");
    assert_true(c.pcrs_checked);
    assert_false(c.qualified_signer_checked);
    azure_free(&q);
}

static void test_azure_quote_rejections(void **state)
{
    azure_quote q;
    attls_status st;
    static const uint8_t other[] = "challengf";

    (void)state;
    azure_load(&q);
    q.opts.extra_data = other;
    assert_int_equal(azure_verify(&q, NULL, &st), ATTLS_E_TPM_NONCE);
    assert_string_equal(st.check, "tpm.attest.extra_data");
    assert_non_null(strstr(st.message, "6368616c6c656e6765"));
    q.opts.extra_data = NULL;
    q.opts.extra_data_len = 0;
    assert_int_equal(azure_verify(&q, NULL, &st), ATTLS_E_TPM_NONCE);
    q.opts.skip_extra_data = 1;
    assert_int_equal(azure_verify(&q, NULL, &st), ATTLS_OK);
    q.opts.skip_extra_data = 0;
    q.opts.extra_data = challenge;
    q.opts.extra_data_len = 9;
    /* One PCR value changed: the digest no longer matches. */
    q.pcrs.banks[0].values[7][0] ^= 1;
    assert_int_equal(azure_verify(&q, NULL, &st), ATTLS_E_TPM_PCR_DIGEST);
    assert_string_equal(st.check, "tpm.quote.pcr_digest");
    q.pcrs.banks[0].values[7][0] ^= 1;
    /* A PCR missing from the supplied values. */
    q.pcrs.banks[0].present &= ~(1u << 23);
    assert_int_equal(azure_verify(&q, NULL, &st), ATTLS_E_TPM_PCR_SELECTION);
    assert_non_null(strstr(st.message, "sha256:23"));
    q.pcrs.banks[0].present |= 1u << 23;
    /* Wrong raw scheme and hash. */
    q.sig_in.scheme = TPM2_ALG_RSAPSS;
    assert_int_equal(azure_verify(&q, NULL, &st), ATTLS_E_TPM_SIGNATURE);
    q.sig_in.scheme = TPM2_ALG_RSASSA;
    q.sig_in.hash = TPM2_ALG_SHA384;
    assert_int_equal(azure_verify(&q, NULL, &st), ATTLS_E_TPM_SIGNATURE);
    q.sig_in.hash = TPM2_ALG_SHA256;
    /* The raw bytes read as a TPMT_SIGNATURE. */
    q.sig_in.format = ATTLS_TPM_SIG_TPMT;
    assert_int_equal(azure_verify(&q, NULL, &st), ATTLS_E_TPM_SIG_PARSE);
    q.sig_in.format = ATTLS_TPM_SIG_RAW;
    assert_int_equal(azure_verify(&q, NULL, &st), ATTLS_OK);
    azure_free(&q);
}

static void test_azure_qualified_signer(void **state)
{
    azure_quote q;
    TPMT_PUBLIC pub;
    uint8_t qn[ATTLS_TPM_MAX_NAME];
    size_t qn_len = 0;
    attls_status st;

    (void)state;
    azure_load(&q);
    assert_int_equal(attls_tpm_public_azure_ak(q.ak, &pub, NULL), ATTLS_OK);
    assert_int_equal(attls_tpm_primary_qualified_name(&pub, TPM2_RH_ENDORSEMENT,
                                                      qn, &qn_len, NULL),
                     ATTLS_OK);
    hex_equal(qn, qn_len,
              "000bbf2498e2f2b96bee3a52db769ef9e9b8dc78fb75eb6a72550473ea3546"
              "f90590");
    q.opts.qualified_signer = qn;
    q.opts.qualified_signer_len = qn_len;
    assert_int_equal(azure_verify(&q, NULL, &st), ATTLS_OK);
    assert_int_equal(attls_tpm_primary_qualified_name(&pub, TPM2_RH_OWNER, qn,
                                                      &qn_len, NULL),
                     ATTLS_OK);
    assert_int_equal(azure_verify(&q, NULL, &st), ATTLS_E_TPM_SIGNER_MISMATCH);
    assert_string_equal(st.check, "tpm.attest.qualified_signer");
    azure_free(&q);
}

static attls_code gce_verify(const char *dir, const char *bank,
                             const uint8_t *nonce, size_t nonce_len,
                             int allow_sha1, attls_tpm_attest_claims *c,
                             attls_status *st)
{
    char rel[256];
    attls_buf attest, sig, raw;
    TPMT_PUBLIC pub;
    EVP_PKEY *ak = NULL;
    attls_tpm_pcrs pcrs;
    attls_tpm_verify_opts o = {.extra_data = nonce,
                               .extra_data_len = nonce_len,
                               .allow_sha1 = allow_sha1};
    attls_tpm_sig s;
    uint8_t qn[ATTLS_TPM_MAX_NAME];
    size_t qn_len = 0;
    attls_code rc;

    snprintf(rel, sizeof(rel), "%squote-%s.tpms_attest", dir, bank);
    fx_read(rel, &attest);
    snprintf(rel, sizeof(rel), "%squote-%s.tpmt_signature", dir, bank);
    fx_read(rel, &sig);
    snprintf(rel, sizeof(rel), "%squote-%s.pcrs", dir, bank);
    fx_read(rel, &raw);
    snprintf(rel, sizeof(rel), "%sak_pub.tpmt_public", dir);
    tpm_public_file(rel, &pub);
    assert_int_equal(attls_tpm_public_to_pkey(&pub, &ak, NULL), ATTLS_OK);
    assert_int_equal(attls_tpm_primary_qualified_name(&pub, TPM2_RH_ENDORSEMENT,
                                                      qn, &qn_len, NULL),
                     ATTLS_OK);
    hex_equal(qn, qn_len,
              "000bde01fe4b4ade2f8b7ae19b8a8897e0cb77ae417731d8ce38697ec4f6c0"
              "95030a");
    o.qualified_signer = qn;
    o.qualified_signer_len = qn_len;
    fx_quote_pcrs(&attest, &raw, &pcrs);
    s = fx_tpmt_input(sig.data, sig.len);
    attls_status_clear(st);
    rc = attls_tpm_quote_verify(attest.data, attest.len, &s, ak, &pcrs, &o, c,
                                st);
    EVP_PKEY_free(ak);
    attls_buf_free(&attest);
    attls_buf_free(&sig);
    attls_buf_free(&raw);
    return rc;
}

static void test_gce_quotes(void **state)
{
    attls_tpm_attest_claims c;
    attls_status st;

    (void)state;
    assert_int_equal(gce_verify(GCE, "sha256", nonce9009, 2, 0, &c, &st),
                     ATTLS_OK);
    assert_true(c.qualified_signer_checked);
    assert_int_equal(c.reset_count, 10);
    assert_true(c.firmware_version == 0x2016051100162800ull);
    assert_int_equal(c.clock, 8219159552ull);
    /* SHA-384 bank, digest with the signing hash (SHA-256). */
    assert_int_equal(gce_verify(GCE, "sha384", nonce9009, 2, 0, &c, &st),
                     ATTLS_OK);
    assert_int_equal(c.pcr_banks[0].hash_alg, TPM2_ALG_SHA384);
    assert_int_equal(c.pcr_digest_len, 32);
    /* SHA-1 bank: crypto passes, refused by default. */
    assert_int_equal(gce_verify(GCE, "sha1", nonce9009, 2, 0, &c, &st),
                     ATTLS_E_TPM_SHA1_REFUSED);
    assert_string_equal(st.check, "tpm.quote.sha1_bank");
    assert_int_equal(gce_verify(GCE, "sha1", nonce9009, 2, 1, &c, &st),
                     ATTLS_OK);
    /* The no-nonce attestation: empty extraData. */
    assert_int_equal(gce_verify(GCE0, "sha256", NULL, 0, 0, &c, &st), ATTLS_OK);
    assert_int_equal(c.extra_data_len, 0);
    assert_int_equal(gce_verify(GCE0, "sha256", nonce9009, 2, 0, &c, &st),
                     ATTLS_E_TPM_NONCE);
    assert_int_equal(gce_verify(GCE, "sha384", NULL, 0, 0, &c, &st),
                     ATTLS_E_TPM_NONCE);
}

/*
 * The attls tpm-quote record (evidence/tpm_records.h) carries the decoded
 * signature and the PCR values in selection order: verify straight from it.
 */
static void test_quote_record(void **state)
{
    attls_buf attest, sig, raw, rec;
    TPM2B_ATTEST quoted;
    TPMT_SIGNATURE decoded;
    TPM2B_DIGEST values[24];
    attls_quote_record *r = OPENSSL_zalloc(sizeof(*r));
    TPMT_PUBLIC pub;
    EVP_PKEY *ak = NULL;
    attls_tpm_pcrs pcrs;
    attls_tpm_sig s = {.format = ATTLS_TPM_SIG_DECODED};
    attls_tpm_verify_opts o = {.extra_data = nonce9009, .extra_data_len = 2};
    attls_status st;
    size_t off = 0;

    (void)state;
    fx_read(GCE "quote-sha384.tpms_attest", &attest);
    fx_read(GCE "quote-sha384.tpmt_signature", &sig);
    fx_read(GCE "quote-sha384.pcrs", &raw);
    tpm_public_file(GCE "ak_pub.tpmt_public", &pub);
    assert_int_equal(attls_tpm_public_to_pkey(&pub, &ak, NULL), ATTLS_OK);
    quoted.size = (UINT16)attest.len;
    memcpy(quoted.attestationData, attest.data, attest.len);
    assert_int_equal(
        Tss2_MU_TPMT_SIGNATURE_Unmarshal(sig.data, sig.len, &off, &decoded),
        TSS2_RC_SUCCESS);
    for (size_t i = 0; i < 24; i++) {
        values[i].size = 48;
        memcpy(values[i].buffer, raw.data + 48 * i, 48);
    }
    assert_int_equal(
        attls_quote_record_encode(&quoted, &decoded, values, 24, &rec, NULL),
        ATTLS_OK);
    assert_int_equal(attls_quote_record_decode(rec.data, rec.len, r, NULL),
                     ATTLS_OK);
    attls_tpm_pcrs_init(&pcrs);
    assert_int_equal(
        attls_tpm_pcrs_set_list(&pcrs, &r->attest.attested.quote.pcrSelect,
                                r->pcrs, r->pcr_count, NULL),
        ATTLS_OK);
    s.decoded = &r->signature;
    attls_status_clear(&st);
    assert_int_equal(attls_tpm_quote_verify(r->quoted.attestationData,
                                            r->quoted.size, &s, ak, &pcrs, &o,
                                            NULL, &st),
                     ATTLS_OK);
    /* The list must match the selection's count and digest sizes. */
    attls_tpm_pcrs_init(&pcrs);
    assert_int_equal(
        attls_tpm_pcrs_set_list(&pcrs, &r->attest.attested.quote.pcrSelect,
                                r->pcrs, 23, NULL),
        ATTLS_E_TPM_PCR_INPUT);
    attls_tpm_pcrs_init(&pcrs);
    values[0].size = 32;
    assert_int_equal(
        attls_tpm_pcrs_set_list(&pcrs, &r->attest.attested.quote.pcrSelect,
                                values, 24, NULL),
        ATTLS_E_TPM_PCR_INPUT);
    s.decoded = NULL;
    assert_int_equal(attls_tpm_quote_verify(r->quoted.attestationData,
                                            r->quoted.size, &s, ak, &pcrs, &o,
                                            NULL, NULL),
                     ATTLS_E_ARGUMENT);
    EVP_PKEY_free(ak);
    OPENSSL_free(r);
    attls_buf_free(&rec);
    attls_buf_free(&attest);
    attls_buf_free(&sig);
    attls_buf_free(&raw);
}

/* go-eventlog's Windows Shielded VM quote (base64 fields of a JSON file). */
static void b64_field(json_t *root, const char *a, const char *b,
                      attls_buf *out)
{
    const char *s =
        json_string_value(json_object_get(json_object_get(root, a), b));
    size_t n;
    int len;

    assert_non_null(s);
    n = strlen(s);
    out->data = OPENSSL_malloc(n);
    assert_non_null(out->data);
    len = EVP_DecodeBlock(out->data, (const unsigned char *)s, (int)n);
    assert_true(len >= 0);
    /* EVP_DecodeBlock counts '=' padding as zero bytes. */
    while (n > 0 && s[n - 1] == '=') {
        n--;
        len--;
    }
    out->len = (size_t)len;
}

static void test_windows_sha1_quote(void **state)
{
    attls_buf file, attest, sig, akpub;
    json_t *root, *pcr;
    size_t i;
    TPMT_PUBLIC pub;
    EVP_PKEY *ak = NULL;
    attls_tpm_pcrs pcrs;
    attls_tpm_verify_opts o = {0};
    attls_tpm_attest_claims c;
    attls_tpm_sig s;
    attls_status st;

    (void)state;
    fx_read("go-eventlog/windows_gcp_shielded_vm.json", &file);
    root = json_loadb((const char *)file.data, file.len, 0, NULL);
    assert_non_null(root);
    b64_field(root, "Quote", "Quote", &attest);
    b64_field(root, "Quote", "Signature", &sig);
    b64_field(root, "AK", "Public", &akpub);
    assert_int_equal(attls_tpm_public_parse(akpub.data, akpub.len, &pub, NULL),
                     ATTLS_OK);
    assert_int_equal(attls_tpm_public_to_pkey(&pub, &ak, NULL), ATTLS_OK);
    attls_tpm_pcrs_init(&pcrs);
    json_array_foreach(json_object_get(json_object_get(root, "Log"), "PCRs"), i,
                       pcr)
    {
        uint8_t v[20];
        const char *d = json_string_value(json_object_get(pcr, "Digest"));

        assert_int_equal(json_integer_value(json_object_get(pcr, "DigestAlg")),
                         3); /* Go crypto.SHA1 */
        assert_int_equal(EVP_DecodeBlock(v, (const unsigned char *)d, 28), 21);
        assert_int_equal(attls_tpm_pcrs_set(&pcrs, TPM2_ALG_SHA1,
                                            (unsigned)json_integer_value(
                                                json_object_get(pcr, "Index")),
                                            v, 20, NULL),
                         ATTLS_OK);
    }
    s = fx_tpmt_input(sig.data, sig.len);
    attls_status_clear(&st);
    assert_int_equal(attls_tpm_quote_verify(attest.data, attest.len, &s, ak,
                                            &pcrs, &o, &c, &st),
                     ATTLS_E_TPM_SHA1_REFUSED);
    assert_string_equal(st.check, "tpm.signature.sha1");
    o.allow_sha1 = 1;
    attls_status_clear(&st);
    assert_int_equal(attls_tpm_quote_verify(attest.data, attest.len, &s, ak,
                                            &pcrs, &o, &c, &st),
                     ATTLS_OK);
    assert_int_equal(c.sig_hash, TPM2_ALG_SHA1);
    assert_int_equal(c.pcr_digest_len, 20);
    assert_int_equal(c.pcr_banks[0].hash_alg, TPM2_ALG_SHA1);
    EVP_PKEY_free(ak);
    json_decref(root);
    attls_buf_free(&file);
    attls_buf_free(&attest);
    attls_buf_free(&sig);
    attls_buf_free(&akpub);
}

static void test_claims_json(void **state)
{
    azure_quote q;
    attls_tpm_attest_claims c;
    attls_status st;
    json_t *j, *sel;

    (void)state;
    azure_load(&q);
    assert_int_equal(azure_verify(&q, &c, &st), ATTLS_OK);
    j = attls_tpm_attest_claims_json(&c);
    assert_non_null(j);
    assert_string_equal(json_string_value(json_object_get(j, "type")), "quote");
    assert_string_equal(json_string_value(json_object_get(j, "extra_data")),
                        "6368616c6c656e6765");
    assert_string_equal(
        json_string_value(json_object_get(j, "firmware_version")),
        "0x2020031200120003");
    assert_int_equal(json_integer_value(json_object_get(
                         json_object_get(j, "clock_info"), "clock")),
                     3131573);
    sel = json_array_get(json_object_get(j, "pcr_selection"), 0);
    assert_string_equal(json_string_value(json_object_get(sel, "hash")),
                        "sha256");
    assert_int_equal(json_array_size(json_object_get(sel, "pcrs")), 24);
    assert_true(json_is_true(json_object_get(j, "pcrs_checked")));
    json_decref(j);
    azure_free(&q);
}

/* ------------------------------------------------------------------ */
/* Quotes built at test time                                           */
/* ------------------------------------------------------------------ */

typedef struct built {
    TPMS_ATTEST a;
    attls_tpm_pcrs pcrs;
    uint8_t attest[2048];
    size_t attest_len;
    TPMT_SIGNATURE sig;
    uint8_t sig_buf[2048];
    size_t sig_len;
} built;

static uint8_t nonce32[32] = {1, 2, 3, 4, 5, 6, 7, 8, 9};

/* A quote over @p b->a's selection, its digest and signature. */
static void build(built *b, EVP_PKEY *key, uint16_t scheme, uint16_t hash)
{
    if (b->a.type == TPM2_ST_ATTEST_QUOTE) {
        fx_pcr_values(&b->a, &b->pcrs);
        fx_set_pcr_digest(&b->a, &b->pcrs, hash);
    }
    b->attest_len = fx_marshal_attest(&b->a, b->attest, sizeof(b->attest));
    fx_sign(key, scheme, hash, b->attest, b->attest_len, &b->sig);
    b->sig_len = fx_marshal_sig(&b->sig, b->sig_buf, sizeof(b->sig_buf));
}

static void quote_init(built *b)
{
    memset(b, 0, sizeof(*b));
    fx_attest_init(&b->a, TPM2_ST_ATTEST_QUOTE, nonce32, sizeof(nonce32));
    fx_select(&b->a, TPM2_ALG_SHA256, 0x0000ff);
}

static attls_code verify_built(const built *b, EVP_PKEY *pub, int allow_sha1,
                               attls_tpm_attest_claims *c, attls_status *st)
{
    attls_tpm_sig s = fx_tpmt_input(b->sig_buf, b->sig_len);
    attls_tpm_verify_opts o = {.extra_data = nonce32,
                               .extra_data_len = sizeof(nonce32),
                               .allow_sha1 = allow_sha1};

    attls_status_clear(st);
    return attls_tpm_quote_verify(b->attest, b->attest_len, &s, pub, &b->pcrs,
                                  &o, c, st);
}

static void test_schemes(void **state)
{
    static const struct {
        EVP_PKEY **key, **pub, **wrong;
        uint16_t scheme, hash;
        size_t digest_len;
        attls_code wrong_code;
    } cases[] = {
        {&K.rsa, &K.rsa_pub, &K.p256_pub, TPM2_ALG_RSASSA, TPM2_ALG_SHA256, 32,
         ATTLS_E_TPM_SIG_SCHEME},
        {&K.rsa, &K.rsa_pub, &K.p256_pub, TPM2_ALG_RSASSA, TPM2_ALG_SHA384, 48,
         ATTLS_E_TPM_SIG_SCHEME},
        {&K.rsa, &K.rsa_pub, &K.p256_pub, TPM2_ALG_RSASSA, TPM2_ALG_SHA512, 64,
         ATTLS_E_TPM_SIG_SCHEME},
        {&K.rsa, &K.rsa_pub, &K.p384_pub, TPM2_ALG_RSAPSS, TPM2_ALG_SHA256, 32,
         ATTLS_E_TPM_SIG_SCHEME},
        {&K.rsa, &K.rsa_pub, &K.p384_pub, TPM2_ALG_RSAPSS, TPM2_ALG_SHA384, 48,
         ATTLS_E_TPM_SIG_SCHEME},
        {&K.p256, &K.p256_pub, &K.p384_pub, TPM2_ALG_ECDSA, TPM2_ALG_SHA256, 32,
         ATTLS_E_TPM_SIGNATURE},
        {&K.p384, &K.p384_pub, &K.p256_pub, TPM2_ALG_ECDSA, TPM2_ALG_SHA384, 48,
         ATTLS_E_TPM_SIGNATURE},
        {&K.p521, &K.p521_pub, &K.p256_pub, TPM2_ALG_ECDSA, TPM2_ALG_SHA512, 64,
         ATTLS_E_TPM_SIGNATURE},
        {&K.p256, &K.p256_pub, &K.rsa_pub, TPM2_ALG_ECDSA, TPM2_ALG_SHA384, 48,
         ATTLS_E_TPM_SIG_SCHEME},
    };
    built b;
    attls_tpm_attest_claims c;
    attls_status st;

    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        quote_init(&b);
        build(&b, *cases[i].key, cases[i].scheme, cases[i].hash);
        assert_int_equal(verify_built(&b, *cases[i].pub, 0, &c, &st), ATTLS_OK);
        assert_int_equal(c.sig_scheme, cases[i].scheme);
        assert_int_equal(c.sig_hash, cases[i].hash);
        assert_int_equal(c.pcr_digest_len, cases[i].digest_len);
        /* The same signature must not verify under another key. */
        assert_int_equal(verify_built(&b, *cases[i].wrong, 0, &c, &st),
                         cases[i].wrong_code);
    }
}

static void test_pss_max_salt(void **state)
{
    built b;
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    EVP_PKEY_CTX *pctx = NULL;
    size_t len = 256;
    attls_status st;

    (void)state;
    /* Some TPMs use the largest salt the key allows, not the hash length. */
    quote_init(&b);
    build(&b, K.rsa, TPM2_ALG_RSAPSS, TPM2_ALG_SHA256);
    assert_true(
        EVP_DigestSignInit_ex(ctx, &pctx, "SHA256", NULL, NULL, K.rsa, NULL));
    assert_true(EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING));
    assert_true(EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_MAX));
    assert_true(EVP_DigestSign(ctx, b.sig.signature.rsapss.sig.buffer, &len,
                               b.attest, b.attest_len));
    EVP_MD_CTX_free(ctx);
    b.sig_len = fx_marshal_sig(&b.sig, b.sig_buf, sizeof(b.sig_buf));
    assert_int_equal(verify_built(&b, K.rsa_pub, 0, NULL, &st), ATTLS_OK);
}

static void test_attest_structure(void **state)
{
    built b;
    attls_status st;
    uint8_t buf[2048];
    TPMS_ATTEST a;

    (void)state;
    quote_init(&b);
    b.a.magic = 0xff544348;
    build(&b, K.p256, TPM2_ALG_ECDSA, TPM2_ALG_SHA256);
    assert_int_equal(verify_built(&b, K.p256_pub, 0, NULL, &st),
                     ATTLS_E_TPM_ATTEST_MAGIC);
    assert_string_equal(st.check, "tpm.attest.magic");
    /* A certification is not a quote, and vice versa. */
    memset(&b, 0, sizeof(b));
    fx_attest_init(&b.a, TPM2_ST_ATTEST_CERTIFY, nonce32, sizeof(nonce32));
    build(&b, K.p256, TPM2_ALG_ECDSA, TPM2_ALG_SHA256);
    assert_int_equal(verify_built(&b, K.p256_pub, 0, NULL, &st),
                     ATTLS_E_TPM_ATTEST_TYPE);
    assert_non_null(strstr(st.message, "0x8017 (certify)"));
    /* Trailing byte, signed together with the structure. */
    quote_init(&b);
    build(&b, K.p256, TPM2_ALG_ECDSA, TPM2_ALG_SHA256);
    memcpy(buf, b.attest, b.attest_len);
    buf[b.attest_len] = 0;
    assert_int_equal(attls_tpm_attest_parse(buf, b.attest_len + 1,
                                            TPM2_ST_ATTEST_QUOTE, &a, &st),
                     ATTLS_E_TPM_ATTEST_TRAILING);
    /* Truncated: the field that ends early is named (qualifiedSigner is
     * 2 + 34 bytes at offset 6, extraData 2 + 32 bytes at offset 42). */
    attls_status_clear(&st);
    assert_int_equal(
        attls_tpm_attest_parse(b.attest, 40, TPM2_ST_ATTEST_QUOTE, &a, &st),
        ATTLS_E_TPM_ATTEST_PARSE);
    assert_non_null(strstr(st.message, "qualifiedSigner at offset 6"));
    attls_status_clear(&st);
    assert_int_equal(
        attls_tpm_attest_parse(b.attest, 60, TPM2_ST_ATTEST_QUOTE, &a, &st),
        ATTLS_E_TPM_ATTEST_PARSE);
    assert_non_null(strstr(st.message, "extraData at offset 42"));
    attls_status_clear(&st);
    assert_int_equal(attls_tpm_attest_parse(b.attest, b.attest_len - 1,
                                            TPM2_ST_ATTEST_QUOTE, &a, &st),
                     ATTLS_E_TPM_ATTEST_PARSE);
    assert_non_null(strstr(st.message, "attested at offset"));
    attls_status_clear(&st);
    assert_int_equal(
        attls_tpm_attest_parse(b.attest, 5, TPM2_ST_ATTEST_QUOTE, &a, &st),
        ATTLS_E_TPM_ATTEST_PARSE);
    assert_int_equal(
        attls_tpm_attest_parse(NULL, 0, TPM2_ST_ATTEST_QUOTE, &a, NULL),
        ATTLS_E_TPM_ATTEST_PARSE);
}

static void test_signature_inputs(void **state)
{
    built b;
    attls_status st;
    TPMT_SIGNATURE out;
    attls_tpm_sig s;
    uint8_t buf[2048];
    size_t n;

    (void)state;
    attls_status_clear(&st);
    quote_init(&b);
    build(&b, K.rsa, TPM2_ALG_RSASSA, TPM2_ALG_SHA256);
    /* Trailing byte after the TPMT_SIGNATURE. */
    memcpy(buf, b.sig_buf, b.sig_len);
    buf[b.sig_len] = 0;
    s = fx_tpmt_input(buf, b.sig_len + 1);
    assert_int_equal(attls_tpm_sig_decode(&s, &out, &st),
                     ATTLS_E_TPM_SIG_PARSE);
    /* Schemes the verifier does not take. */
    b.sig.sigAlg = TPM2_ALG_HMAC;
    b.sig.signature.hmac.hashAlg = TPM2_ALG_SHA256;
    b.sig_len = fx_marshal_sig(&b.sig, b.sig_buf, sizeof(b.sig_buf));
    assert_int_equal(verify_built(&b, K.rsa_pub, 0, NULL, &st),
                     ATTLS_E_TPM_SIG_SCHEME);
    quote_init(&b);
    build(&b, K.rsa, TPM2_ALG_RSASSA, TPM2_ALG_SHA256);
    b.sig.signature.rsassa.hash = TPM2_ALG_SM3_256;
    b.sig_len = fx_marshal_sig(&b.sig, b.sig_buf, sizeof(b.sig_buf));
    assert_int_equal(verify_built(&b, K.rsa_pub, 0, NULL, &st),
                     ATTLS_E_TPM_SIG_SCHEME);
    assert_non_null(strstr(st.message, "sm3"));
    /* An ECDSA signature cannot come from an RSA AK. */
    quote_init(&b);
    build(&b, K.p256, TPM2_ALG_ECDSA, TPM2_ALG_SHA256);
    assert_int_equal(verify_built(&b, K.rsa_pub, 0, NULL, &st),
                     ATTLS_E_TPM_SIG_SCHEME);
    /* Raw ECDSA r || s. */
    n = b.sig.signature.ecdsa.signatureR.size;
    memcpy(buf, b.sig.signature.ecdsa.signatureR.buffer, n);
    memcpy(buf + n, b.sig.signature.ecdsa.signatureS.buffer, n);
    s.format = ATTLS_TPM_SIG_RAW;
    s.scheme = TPM2_ALG_ECDSA;
    s.hash = TPM2_ALG_SHA256;
    s.data = buf;
    s.len = 2 * n;
    {
        attls_tpm_verify_opts o = {.extra_data = nonce32,
                                   .extra_data_len = sizeof(nonce32)};

        attls_status_clear(&st);
        assert_int_equal(attls_tpm_quote_verify(b.attest, b.attest_len, &s,
                                                K.p256_pub, &b.pcrs, &o, NULL,
                                                &st),
                         ATTLS_OK);
        s.len = 2 * n - 1;
        assert_int_equal(attls_tpm_sig_decode(&s, &out, &st),
                         ATTLS_E_TPM_SIG_PARSE);
        s.len = 0;
        assert_int_equal(attls_tpm_sig_decode(&s, &out, &st),
                         ATTLS_E_TPM_SIG_PARSE);
        s.scheme = TPM2_ALG_SM2;
        s.len = 2 * n;
        attls_status_clear(&st);
        assert_int_equal(attls_tpm_sig_decode(&s, &out, &st),
                         ATTLS_E_TPM_SIG_SCHEME);
        s.scheme = TPM2_ALG_RSASSA;
        s.len = 0;
        assert_int_equal(attls_tpm_sig_decode(&s, &out, &st),
                         ATTLS_E_TPM_SIG_PARSE);
        s.len = TPM2_MAX_RSA_KEY_BYTES + 1;
        assert_int_equal(attls_tpm_sig_decode(&s, &out, &st),
                         ATTLS_E_TPM_SIG_PARSE);
    }
}

static void test_ak_keys(void **state)
{
    built b;
    attls_status st;
    EVP_PKEY *small = fx_rsa_key(1024), *small_pub = fx_public(small);
    EVP_PKEY *k1 = fx_ec_key("secp256k1"), *k1_pub = fx_public(k1);
    EVP_PKEY *ed = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");

    (void)state;
    quote_init(&b);
    build(&b, small, TPM2_ALG_RSASSA, TPM2_ALG_SHA256);
    assert_int_equal(verify_built(&b, small_pub, 0, NULL, &st),
                     ATTLS_E_TPM_AK_KEY);
    assert_non_null(strstr(st.message, "RSA-1024"));
    quote_init(&b);
    build(&b, k1, TPM2_ALG_ECDSA, TPM2_ALG_SHA256);
    assert_int_equal(verify_built(&b, k1_pub, 0, NULL, &st),
                     ATTLS_E_TPM_AK_KEY);
    assert_non_null(strstr(st.message, "secp256k1"));
    assert_non_null(ed);
    assert_int_equal(verify_built(&b, ed, 0, NULL, &st), ATTLS_E_TPM_AK_KEY);
    EVP_PKEY_free(small);
    EVP_PKEY_free(small_pub);
    EVP_PKEY_free(k1);
    EVP_PKEY_free(k1_pub);
    EVP_PKEY_free(ed);
}

static void test_multi_bank_order(void **state)
{
    built b;
    attls_tpm_attest_claims c;
    attls_status st;
    TPMS_ATTEST swapped;

    (void)state;
    memset(&b, 0, sizeof(b));
    fx_attest_init(&b.a, TPM2_ST_ATTEST_QUOTE, nonce32, sizeof(nonce32));
    fx_select(&b.a, TPM2_ALG_SHA384, 0x00ff0001);
    fx_select(&b.a, TPM2_ALG_SHA256, 0x000000fe);
    fx_select(&b.a, TPM2_ALG_SHA512, 0x80000000);
    build(&b, K.p384, TPM2_ALG_ECDSA, TPM2_ALG_SHA384);
    assert_int_equal(verify_built(&b, K.p384_pub, 0, &c, &st), ATTLS_OK);
    assert_int_equal(c.pcr_bank_count, 3);
    assert_int_equal(c.pcr_banks[0].hash_alg, TPM2_ALG_SHA384);
    assert_int_equal(c.pcr_banks[0].mask, 0x00ff0001);
    assert_int_equal(c.pcr_banks[2].mask, 0x80000000);
    assert_int_equal(c.pcr_digest_len, 48);
    /* The digest over the same values in another bank order must fail. */
    swapped = b.a;
    swapped.attested.quote.pcrSelect.pcrSelections[0] =
        b.a.attested.quote.pcrSelect.pcrSelections[1];
    swapped.attested.quote.pcrSelect.pcrSelections[1] =
        b.a.attested.quote.pcrSelect.pcrSelections[0];
    fx_set_pcr_digest(&swapped, &b.pcrs, TPM2_ALG_SHA384);
    b.a.attested.quote.pcrDigest = swapped.attested.quote.pcrDigest;
    b.attest_len = fx_marshal_attest(&b.a, b.attest, sizeof(b.attest));
    fx_sign(K.p384, TPM2_ALG_ECDSA, TPM2_ALG_SHA384, b.attest, b.attest_len,
            &b.sig);
    b.sig_len = fx_marshal_sig(&b.sig, b.sig_buf, sizeof(b.sig_buf));
    assert_int_equal(verify_built(&b, K.p384_pub, 0, NULL, &st),
                     ATTLS_E_TPM_PCR_DIGEST);
}

static void resign(built *b, EVP_PKEY *key, uint16_t scheme, uint16_t hash)
{
    b->attest_len = fx_marshal_attest(&b->a, b->attest, sizeof(b->attest));
    fx_sign(key, scheme, hash, b->attest, b->attest_len, &b->sig);
    b->sig_len = fx_marshal_sig(&b->sig, b->sig_buf, sizeof(b->sig_buf));
}

static void test_pcr_selection_errors(void **state)
{
    built b;
    attls_status st;
    attls_tpm_attest_claims c;
    uint8_t v[32] = {0};

    (void)state;
    /* A value for a PCR the quote does not cover. */
    quote_init(&b);
    build(&b, K.p256, TPM2_ALG_ECDSA, TPM2_ALG_SHA256);
    assert_int_equal(
        attls_tpm_pcrs_set(&b.pcrs, TPM2_ALG_SHA256, 9, v, 32, NULL), ATTLS_OK);
    assert_int_equal(verify_built(&b, K.p256_pub, 0, NULL, &st),
                     ATTLS_E_TPM_PCR_SELECTION);
    assert_non_null(strstr(st.message, "sha256:9"));
    /* ... or of a bank it does not select at all. */
    quote_init(&b);
    build(&b, K.p256, TPM2_ALG_ECDSA, TPM2_ALG_SHA256);
    assert_int_equal(attls_tpm_pcrs_set(&b.pcrs, TPM2_ALG_SHA1, 0, v, 20, NULL),
                     ATTLS_OK);
    assert_int_equal(verify_built(&b, K.p256_pub, 0, NULL, &st),
                     ATTLS_E_TPM_PCR_SELECTION);
    /* The same bank twice. */
    quote_init(&b);
    fx_select(&b.a, TPM2_ALG_SHA256, 0x100);
    build(&b, K.p256, TPM2_ALG_ECDSA, TPM2_ALG_SHA256);
    assert_int_equal(verify_built(&b, K.p256_pub, 0, NULL, &st),
                     ATTLS_E_TPM_PCR_SELECTION);
    assert_non_null(strstr(st.message, "twice"));
    /* A bank whose hash the verifier cannot compute. */
    quote_init(&b);
    build(&b, K.p256, TPM2_ALG_ECDSA, TPM2_ALG_SHA256);
    b.a.attested.quote.pcrSelect.pcrSelections[0].hash = TPM2_ALG_SM3_256;
    resign(&b, K.p256, TPM2_ALG_ECDSA, TPM2_ALG_SHA256);
    assert_int_equal(verify_built(&b, K.p256_pub, 0, NULL, &st),
                     ATTLS_E_TPM_PCR_SELECTION);
    /* pcrDigest of another size than the signing hash's. */
    quote_init(&b);
    build(&b, K.p256, TPM2_ALG_ECDSA, TPM2_ALG_SHA256);
    b.a.attested.quote.pcrDigest.size = 20;
    resign(&b, K.p256, TPM2_ALG_ECDSA, TPM2_ALG_SHA256);
    assert_int_equal(verify_built(&b, K.p256_pub, 0, NULL, &st),
                     ATTLS_E_TPM_PCR_DIGEST);
    /* No PCR values: the digest is reported, not checked. */
    quote_init(&b);
    build(&b, K.p256, TPM2_ALG_ECDSA, TPM2_ALG_SHA256);
    {
        attls_tpm_sig s = fx_tpmt_input(b.sig_buf, b.sig_len);
        attls_tpm_verify_opts o = {.extra_data = nonce32,
                                   .extra_data_len = sizeof(nonce32)};

        attls_status_clear(&st);
        assert_int_equal(attls_tpm_quote_verify(b.attest, b.attest_len, &s,
                                                K.p256_pub, NULL, &o, &c, &st),
                         ATTLS_OK);
        assert_false(c.pcrs_checked);
    }
    /* An empty selection is a valid quote of no PCR: H(nothing). */
    memset(&b, 0, sizeof(b));
    fx_attest_init(&b.a, TPM2_ST_ATTEST_QUOTE, nonce32, sizeof(nonce32));
    build(&b, K.p256, TPM2_ALG_ECDSA, TPM2_ALG_SHA256);
    assert_int_equal(verify_built(&b, K.p256_pub, 0, &c, &st), ATTLS_OK);
    assert_int_equal(c.pcr_bank_count, 0);
}

static void test_sha1_policy(void **state)
{
    built b;
    attls_status st;

    (void)state;
    /* SHA-1 signing hash over a SHA-256 bank. */
    quote_init(&b);
    build(&b, K.rsa, TPM2_ALG_RSASSA, TPM2_ALG_SHA1);
    assert_int_equal(verify_built(&b, K.rsa_pub, 0, NULL, &st),
                     ATTLS_E_TPM_SHA1_REFUSED);
    assert_string_equal(st.check, "tpm.signature.sha1");
    assert_int_equal(verify_built(&b, K.rsa_pub, 1, NULL, &st), ATTLS_OK);
    /* A forged SHA-1 quote reports the cryptographic failure, not SHA-1. */
    b.sig_buf[b.sig_len - 1] ^= 1;
    assert_int_equal(verify_built(&b, K.rsa_pub, 0, NULL, &st),
                     ATTLS_E_TPM_SIGNATURE);
    /* A SHA-1 bank listed with no PCR selected is not SHA-1 use. */
    quote_init(&b);
    fx_select(&b.a, TPM2_ALG_SHA1, 0);
    build(&b, K.rsa, TPM2_ALG_RSASSA, TPM2_ALG_SHA256);
    assert_int_equal(verify_built(&b, K.rsa_pub, 0, NULL, &st), ATTLS_OK);
    quote_init(&b);
    fx_select(&b.a, TPM2_ALG_SHA1, 1);
    build(&b, K.rsa, TPM2_ALG_RSASSA, TPM2_ALG_SHA256);
    assert_int_equal(verify_built(&b, K.rsa_pub, 0, NULL, &st),
                     ATTLS_E_TPM_SHA1_REFUSED);
    assert_int_equal(verify_built(&b, K.rsa_pub, 1, NULL, &st), ATTLS_OK);
}

static void test_argument_errors(void **state)
{
    built b;
    attls_tpm_sig s;
    attls_tpm_verify_opts o = {0};
    TPMT_PUBLIC pub;

    (void)state;
    quote_init(&b);
    build(&b, K.p256, TPM2_ALG_ECDSA, TPM2_ALG_SHA256);
    s = fx_tpmt_input(b.sig_buf, b.sig_len);
    assert_int_equal(
        attls_tpm_quote_verify(NULL, 0, &s, K.p256_pub, NULL, &o, NULL, NULL),
        ATTLS_E_ARGUMENT);
    assert_int_equal(attls_tpm_quote_verify(b.attest, b.attest_len, &s, NULL,
                                            NULL, &o, NULL, NULL),
                     ATTLS_E_ARGUMENT);
    assert_int_equal(attls_tpm_quote_verify(b.attest, b.attest_len, &s,
                                            K.p256_pub, NULL, NULL, NULL, NULL),
                     ATTLS_E_ARGUMENT);
    assert_int_equal(attls_tpm_certify_verify(b.attest, b.attest_len, &s,
                                              K.p256_pub, NULL, &o, NULL, NULL),
                     ATTLS_E_ARGUMENT);
    fx_tpm_public(K.p256_pub, TPM2_ALG_SHA256, &pub);
    assert_int_equal(attls_tpm_certify_verify(b.attest, b.attest_len, NULL,
                                              K.p256_pub, &pub, &o, NULL, NULL),
                     ATTLS_E_ARGUMENT);
}

/* ------------------------------------------------------------------ */
/* TPM2_Certify                                                        */
/* ------------------------------------------------------------------ */

static void certify_init(built *b, const TPMT_PUBLIC *certified)
{
    memset(b, 0, sizeof(*b));
    fx_attest_init(&b->a, TPM2_ST_ATTEST_CERTIFY, nonce32, sizeof(nonce32));
    fx_name(certified, &b->a.attested.certify.name);
    b->a.attested.certify.qualifiedName.size = 34;
    memset(b->a.attested.certify.qualifiedName.name, 0x77, 34);
}

static attls_code verify_certify(const built *b, EVP_PKEY *ak,
                                 const TPMT_PUBLIC *pub, int allow_sha1,
                                 attls_tpm_attest_claims *c, attls_status *st)
{
    attls_tpm_sig s = fx_tpmt_input(b->sig_buf, b->sig_len);
    attls_tpm_verify_opts o = {.extra_data = nonce32,
                               .extra_data_len = sizeof(nonce32),
                               .allow_sha1 = allow_sha1};

    attls_status_clear(st);
    return attls_tpm_certify_verify(b->attest, b->attest_len, &s, ak, pub, &o,
                                    c, st);
}

static void test_certify(void **state)
{
    TPMT_PUBLIC tls_rsa, tls_ec, other;
    built b;
    attls_tpm_attest_claims c;
    attls_status st;
    json_t *j;

    (void)state;
    fx_tpm_public(K.rsa_pub, TPM2_ALG_SHA256, &tls_rsa);
    fx_tpm_public(K.p384_pub, TPM2_ALG_SHA384, &tls_ec);
    fx_tpm_public(K.p521_pub, TPM2_ALG_SHA256, &other);
    /* RSA TLS key certified by an ECDSA AK. */
    certify_init(&b, &tls_rsa);
    build(&b, K.p256, TPM2_ALG_ECDSA, TPM2_ALG_SHA256);
    assert_int_equal(verify_certify(&b, K.p256_pub, &tls_rsa, 0, &c, &st),
                     ATTLS_OK);
    assert_int_equal(c.type, TPM2_ST_ATTEST_CERTIFY);
    assert_int_equal(c.certified_name_len, 34);
    assert_int_equal(c.certified_qualified_name_len, 34);
    assert_int_equal(c.certified_attributes, tls_rsa.objectAttributes);
    j = attls_tpm_attest_claims_json(&c);
    assert_string_equal(json_string_value(json_object_get(j, "type")),
                        "certify");
    assert_non_null(json_object_get(j, "certified_name"));
    assert_null(json_object_get(j, "pcr_selection"));
    json_decref(j);
    /* Another object's public area. */
    assert_int_equal(verify_certify(&b, K.p256_pub, &other, 0, &c, &st),
                     ATTLS_E_TPM_NAME_MISMATCH);
    assert_string_equal(st.check, "tpm.certify.name");
    /* Same key, other nameAlg: another Name. */
    tls_rsa.nameAlg = TPM2_ALG_SHA384;
    assert_int_equal(verify_certify(&b, K.p256_pub, &tls_rsa, 0, &c, &st),
                     ATTLS_E_TPM_NAME_MISMATCH);
    tls_rsa.nameAlg = TPM2_ALG_SM3_256;
    assert_int_equal(verify_certify(&b, K.p256_pub, &tls_rsa, 0, &c, &st),
                     ATTLS_E_TPM_PUBLIC_UNSUPPORTED);
    assert_string_equal(st.check, "tpm.public.name");
    /* ECC key with a SHA-384 Name, RSAPSS AK. */
    certify_init(&b, &tls_ec);
    build(&b, K.rsa, TPM2_ALG_RSAPSS, TPM2_ALG_SHA256);
    assert_int_equal(verify_certify(&b, K.rsa_pub, &tls_ec, 0, &c, &st),
                     ATTLS_OK);
    assert_int_equal(c.certified_name_len, 50);
    /* A quote is not a certification. */
    quote_init(&b);
    build(&b, K.p256, TPM2_ALG_ECDSA, TPM2_ALG_SHA256);
    assert_int_equal(verify_certify(&b, K.p256_pub, &tls_ec, 0, &c, &st),
                     ATTLS_E_TPM_ATTEST_TYPE);
    /* SHA-1 Name of the certified object. */
    tls_ec.nameAlg = TPM2_ALG_SHA1;
    certify_init(&b, &tls_ec);
    build(&b, K.p256, TPM2_ALG_ECDSA, TPM2_ALG_SHA256);
    assert_int_equal(verify_certify(&b, K.p256_pub, &tls_ec, 0, &c, &st),
                     ATTLS_E_TPM_SHA1_REFUSED);
    assert_string_equal(st.check, "tpm.certify.sha1_name");
    assert_int_equal(verify_certify(&b, K.p256_pub, &tls_ec, 1, &c, &st),
                     ATTLS_OK);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_azure_quote_claims),
        cmocka_unit_test(test_azure_quote_rejections),
        cmocka_unit_test(test_azure_qualified_signer),
        cmocka_unit_test(test_gce_quotes),
        cmocka_unit_test(test_quote_record),
        cmocka_unit_test(test_windows_sha1_quote),
        cmocka_unit_test(test_claims_json),
        cmocka_unit_test(test_schemes),
        cmocka_unit_test(test_pss_max_salt),
        cmocka_unit_test(test_attest_structure),
        cmocka_unit_test(test_signature_inputs),
        cmocka_unit_test(test_ak_keys),
        cmocka_unit_test(test_multi_bank_order),
        cmocka_unit_test(test_pcr_selection_errors),
        cmocka_unit_test(test_sha1_policy),
        cmocka_unit_test(test_argument_errors),
        cmocka_unit_test(test_certify),
    };
    return cmocka_run_group_tests(tests, setup_keys, teardown_keys);
}
