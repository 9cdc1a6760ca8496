/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests for evidence/tpm_records.c against real GCE and Azure vTPM
 * quotes (../shared/testdata), plus truncated and corrupted records.
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
#include <tss2/tss2_mu.h>

#include "common/bytes.h"
#include "evidence/tpm_records.h"

#define GCE "/go-tpm-tools/attestations/gce-cos-85-nonce9009.parts/"

static attls_buf load(const char *rel)
{
    const char *dir = getenv("ATTLS_TESTDATA");
    char path[1024];
    attls_buf b;

    assert_non_null(dir);
    snprintf(path, sizeof(path), "%s%s", dir, rel);
    if (attls_read_file(path, 1 << 20, &b) != 0)
        fail_msg("cannot read %s", path);
    return b;
}

static void to_attest(const attls_buf *b, TPM2B_ATTEST *a)
{
    assert_true(b->len <= sizeof(a->attestationData));
    a->size = (UINT16)b->len;
    memcpy(a->attestationData, b->data, b->len);
}

static void split_pcrs(const attls_buf *b, size_t dlen, TPM2B_DIGEST *pcrs,
                       size_t n)
{
    assert_int_equal(b->len, dlen * n);
    for (size_t i = 0; i < n; i++) {
        pcrs[i].size = (UINT16)dlen;
        memcpy(pcrs[i].buffer, b->data + i * dlen, dlen);
    }
}

typedef struct gce_quote {
    TPM2B_ATTEST attest;
    TPMT_SIGNATURE sig;
    TPM2B_DIGEST pcrs[24];
} gce_quote;

static void load_gce_quote(gce_quote *q)
{
    attls_buf a = load(GCE "quote-sha256.tpms_attest");
    attls_buf s = load(GCE "quote-sha256.tpmt_signature");
    attls_buf p = load(GCE "quote-sha256.pcrs");
    size_t off = 0;

    to_attest(&a, &q->attest);
    assert_int_equal(
        Tss2_MU_TPMT_SIGNATURE_Unmarshal(s.data, s.len, &off, &q->sig), 0);
    assert_int_equal(off, s.len);
    split_pcrs(&p, 32, q->pcrs, 24);
    attls_buf_free(&a);
    attls_buf_free(&s);
    attls_buf_free(&p);
}

static void test_quote_record_gce(void **state)
{
    gce_quote q;
    attls_buf rec;
    attls_quote_record *r = calloc(1, sizeof(*r));
    attls_status st = {0};

    (void)state;
    assert_non_null(r);
    load_gce_quote(&q);
    assert_int_equal(
        attls_quote_record_encode(&q.attest, &q.sig, q.pcrs, 24, &rec, &st),
        ATTLS_OK);
    /* 2+115 attest (2-byte nonce), 262 signature, 4 count, 24 x (2+32). */
    assert_int_equal(rec.len, 117 + 262 + 4 + 24 * 34);
    assert_int_equal(attls_quote_record_decode(rec.data, rec.len, r, &st),
                     ATTLS_OK);
    assert_int_equal(r->quoted.size, 115);
    assert_memory_equal(r->quoted.attestationData, q.attest.attestationData,
                        115);
    assert_int_equal(r->attest.type, TPM2_ST_ATTEST_QUOTE);
    assert_int_equal(r->attest.extraData.size, 2);
    assert_memory_equal(r->attest.extraData.buffer, "\x90\x09", 2);
    assert_int_equal(r->signature.sigAlg, TPM2_ALG_RSASSA);
    assert_int_equal(r->signature.signature.rsassa.sig.size, 256);
    assert_int_equal(r->pcr_count, 24);
    assert_memory_equal(r->pcrs[0].buffer, "\x0f\x35\xc2\x14\x60\x8d\x93\xc7",
                        8);
    assert_int_equal(
        attls_pcr_selection_count(&r->attest.attested.quote.pcrSelect), 24);

    /* Every truncation and any trailing byte is refused. */
    for (size_t n = 0; n < rec.len; n++)
        assert_int_equal(attls_quote_record_decode(rec.data, n, r, &st),
                         ATTLS_E_TPM_RECORD);
    {
        uint8_t *longer = malloc(rec.len + 1);

        assert_non_null(longer);
        memcpy(longer, rec.data, rec.len);
        longer[rec.len] = 0;
        attls_status_clear(&st);
        assert_int_equal(attls_quote_record_decode(longer, rec.len + 1, r, &st),
                         ATTLS_E_TPM_RECORD);
        assert_string_equal(st.check, "tpm_quote.trailing");
        free(longer);
    }
    attls_buf_free(&rec);
    free(r);
}

static void test_quote_record_rejects(void **state)
{
    gce_quote q;
    attls_buf rec;
    attls_quote_record *r = calloc(1, sizeof(*r));
    attls_status st = {0};
    size_t sig_at, count_at;

    (void)state;
    assert_non_null(r);
    load_gce_quote(&q);
    sig_at = 2u + q.attest.size;
    count_at = sig_at + 262;
    /* Fewer values than selected PCRs, or a value of the wrong size. */
    assert_int_equal(
        attls_quote_record_encode(&q.attest, &q.sig, q.pcrs, 23, &rec, &st),
        ATTLS_E_ARGUMENT);
    q.pcrs[5].size = 20;
    assert_int_equal(
        attls_quote_record_encode(&q.attest, &q.sig, q.pcrs, 24, &rec, &st),
        ATTLS_E_ARGUMENT);
    q.pcrs[5].size = 32;
    assert_int_equal(
        attls_quote_record_encode(&q.attest, &q.sig, q.pcrs, 24, &rec, &st),
        ATTLS_OK);

    /* Bad magic (byte 0), certify type instead of quote (byte 5). */
    rec.data[2] ^= 0x01;
    attls_status_clear(&st);
    assert_int_equal(attls_quote_record_decode(rec.data, rec.len, r, &st),
                     ATTLS_E_TPM_RECORD);
    assert_string_equal(st.check, "tpm_quote.attest");
    rec.data[2] ^= 0x01;
    rec.data[2 + 5] = 0x17;
    assert_int_equal(attls_quote_record_decode(rec.data, rec.len, r, &st),
                     ATTLS_E_TPM_RECORD);
    rec.data[2 + 5] = 0x18;
    /* Signature algorithm HMAC (0x0005) instead of RSASSA. */
    rec.data[sig_at + 1] = 0x05;
    attls_status_clear(&st);
    assert_int_equal(attls_quote_record_decode(rec.data, rec.len, r, &st),
                     ATTLS_E_TPM_RECORD);
    rec.data[sig_at + 1] = 0x14;
    /* PCR count 25 and 2^32-1. */
    rec.data[count_at + 3] = 25;
    assert_int_equal(attls_quote_record_decode(rec.data, rec.len, r, &st),
                     ATTLS_E_TPM_RECORD);
    memset(rec.data + count_at, 0xff, 4);
    attls_status_clear(&st);
    assert_int_equal(attls_quote_record_decode(rec.data, rec.len, r, &st),
                     ATTLS_E_TPM_RECORD);
    assert_string_equal(st.check, "tpm_quote.pcrs");
    attls_buf_free(&rec);
    free(r);
}

static void test_public_name_gce_ak(void **state)
{
    /* qualifiedSigner of every GCE quote = 000B || SHA-256(4000000B || Name)
     * for the AK (MANIFEST.md, go-tpm-tools attestations). */
    static const char qn_hex[] =
        "000bde01fe4b4ade2f8b7ae19b8a8897e0cb77ae417731d8ce38697ec4f6c095030a";
    attls_buf tpmt = load(GCE "ak_pub.tpmt_public");
    uint8_t wrapped[1024], qn[34], in[4 + 34];
    TPM2B_PUBLIC pub;
    TPM2B_NAME name;
    attls_status st = {0};
    unsigned int n = 0;

    (void)state;
    wrapped[0] = (uint8_t)(tpmt.len >> 8);
    wrapped[1] = (uint8_t)tpmt.len;
    memcpy(wrapped + 2, tpmt.data, tpmt.len);
    assert_int_equal(
        attls_public_unmarshal(wrapped, tpmt.len + 2, &pub, "t", &st),
        ATTLS_OK);
    assert_int_equal(pub.publicArea.objectAttributes, 0x00050072);
    assert_int_equal(attls_public_name(&pub.publicArea, &name, &st), ATTLS_OK);
    assert_int_equal(name.size, 34);
    memcpy(in, "\x40\x00\x00\x0b", 4);
    memcpy(in + 4, name.name, 34);
    qn[0] = 0x00;
    qn[1] = 0x0b;
    assert_int_equal(EVP_Digest(in, sizeof(in), qn + 2, &n, EVP_sha256(), NULL),
                     1);
    {
        uint8_t want[34];

        assert_int_equal(attls_hex_decode(qn_hex, 68, want, 34), 0);
        assert_memory_equal(qn, want, 34);
    }
    /* Declared size beyond the data, and a trailing byte. */
    assert_int_equal(
        attls_public_unmarshal(wrapped, tpmt.len + 1, &pub, "t", &st),
        ATTLS_E_TPM_RECORD);
    wrapped[tpmt.len + 2] = 0;
    assert_int_equal(
        attls_public_unmarshal(wrapped, tpmt.len + 3, &pub, "t", &st),
        ATTLS_E_TPM_RECORD);
    attls_buf_free(&tpmt);
}

static void test_certify_record(void **state)
{
    /* A certify-shaped TPMS_ATTEST built here; its content is structural. */
    TPMS_ATTEST a = {.magic = TPM2_GENERATED_VALUE,
                     .type = TPM2_ST_ATTEST_CERTIFY};
    TPM2B_ATTEST attest = {0};
    TPMT_SIGNATURE sig = {.sigAlg = TPM2_ALG_ECDSA};
    TPM2B_PUBLIC obj = {0};
    attls_certify_record r;
    attls_buf rec;
    attls_status st = {0};
    size_t off = 0;

    (void)state;
    a.extraData.size = 32;
    memset(a.extraData.buffer, 0xab, 32);
    a.attested.certify.name.size = 34;
    a.attested.certify.name.name[1] = 0x0b;
    assert_int_equal(Tss2_MU_TPMS_ATTEST_Marshal(&a, attest.attestationData,
                                                 sizeof(attest.attestationData),
                                                 &off),
                     0);
    attest.size = (UINT16)off;
    sig.signature.ecdsa.hash = TPM2_ALG_SHA256;
    sig.signature.ecdsa.signatureR.size = 32;
    sig.signature.ecdsa.signatureS.size = 32;
    obj.publicArea.type = TPM2_ALG_ECC;
    obj.publicArea.nameAlg = TPM2_ALG_SHA256;
    obj.publicArea.parameters.eccDetail.symmetric.algorithm = TPM2_ALG_NULL;
    obj.publicArea.parameters.eccDetail.scheme.scheme = TPM2_ALG_NULL;
    obj.publicArea.parameters.eccDetail.curveID = TPM2_ECC_NIST_P256;
    obj.publicArea.parameters.eccDetail.kdf.scheme = TPM2_ALG_NULL;
    obj.publicArea.unique.ecc.x.size = 32;
    obj.publicArea.unique.ecc.y.size = 32;
    assert_int_equal(
        attls_certify_record_encode(&attest, &sig, &obj, &rec, &st), ATTLS_OK);
    assert_int_equal(attls_certify_record_decode(rec.data, rec.len, &r, &st),
                     ATTLS_OK);
    assert_int_equal(r.attest.extraData.size, 32);
    assert_int_equal(r.signature.sigAlg, TPM2_ALG_ECDSA);
    assert_int_equal(r.object.publicArea.type, TPM2_ALG_ECC);
    for (size_t n = 0; n < rec.len; n++)
        assert_int_equal(attls_certify_record_decode(rec.data, n, &r, &st),
                         ATTLS_E_TPM_RECORD);
    attls_buf_free(&rec);
    /* A quote is not a certify. */
    a.type = TPM2_ST_ATTEST_QUOTE;
    memset(&a.attested, 0, sizeof(a.attested));
    off = 0;
    assert_int_equal(Tss2_MU_TPMS_ATTEST_Marshal(&a, attest.attestationData,
                                                 sizeof(attest.attestationData),
                                                 &off),
                     0);
    attest.size = (UINT16)off;
    assert_int_equal(
        attls_certify_record_encode(&attest, &sig, &obj, &rec, &st),
        ATTLS_E_TPM_RECORD);
}

static void test_azure_quote_attest(void **state)
{
    attls_buf a = load("/azure-cvm-tooling/quote.parts.tpms_attest");
    TPM2B_ATTEST attest;
    TPMS_ATTEST out;
    attls_status st = {0};

    (void)state;
    to_attest(&a, &attest);
    assert_int_equal(
        attls_attest_unmarshal(&attest, TPM2_ST_ATTEST_QUOTE, &out, "t", &st),
        ATTLS_OK);
    assert_int_equal(out.extraData.size, 9);
    assert_memory_equal(out.extraData.buffer, "challenge", 9);
    /* One byte more than the structure: refused. */
    attest.size++;
    assert_int_equal(
        attls_attest_unmarshal(&attest, TPM2_ST_ATTEST_QUOTE, &out, "t", &st),
        ATTLS_E_TPM_RECORD);
    attls_buf_free(&a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_quote_record_gce),
        cmocka_unit_test(test_quote_record_rejects),
        cmocka_unit_test(test_public_name_gce_ak),
        cmocka_unit_test(test_certify_record),
        cmocka_unit_test(test_azure_quote_attest),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
