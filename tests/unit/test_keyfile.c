/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The TSS2 PRIVATE KEY codec (tpm/keyfile.c): a file written by Debian's
 * tpm2-openssl decodes and re-encodes byte for byte; every optional field
 * and every malformation gets its specific code; truncations and bit flips
 * never crash.
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
#include <tss2/tss2_mu.h>

#include "common/bytes.h"
#include "tpm/keyfile.h"
#include "tpm/parent.h"
#include "tpm/policy.h"

static uint8_t vec[4096];
static size_t vec_len;
static uint8_t pub_blob[sizeof(TPM2B_PUBLIC)], priv_blob[sizeof(TPM2B_PRIVATE)];
static size_t pub_len, priv_len;

static void read_vector(const char *name, uint8_t *out, size_t *len)
{
    char path[1024];
    FILE *f;
    char *pem_name = NULL, *hdr = NULL;
    unsigned char *der = NULL;
    long n = 0;

    snprintf(path, sizeof(path), "%s/tests/unit/data/%s",
             getenv("ATTLS_SOURCE_ROOT"), name);
    f = fopen(path, "r");
    assert_non_null(f);
    assert_int_equal(PEM_read(f, &pem_name, &hdr, &der, &n), 1);
    fclose(f);
    assert_string_equal(pem_name, ATTLS_TSS2_PEM_LABEL);
    assert_true((size_t)n <= sizeof(vec));
    memcpy(out, der, (size_t)n);
    *len = (size_t)n;
    OPENSSL_free(pem_name);
    OPENSSL_free(hdr);
    OPENSSL_free(der);
}

static int setup(void **state)
{
    attls_tpm_keyfile kf;

    (void)state;
    read_vector("tss2-ec-p256-tpm2openssl.pem", vec, &vec_len);
    assert_int_equal(attls_tpm_keyfile_decode(vec, vec_len, &kf, NULL),
                     ATTLS_OK);
    pub_len = priv_len = 0;
    assert_int_equal(Tss2_MU_TPM2B_PUBLIC_Marshal(&kf.pub, pub_blob,
                                                  sizeof(pub_blob), &pub_len),
                     TSS2_RC_SUCCESS);
    assert_int_equal(Tss2_MU_TPM2B_PRIVATE_Marshal(
                         &kf.priv, priv_blob, sizeof(priv_blob), &priv_len),
                     TSS2_RC_SUCCESS);
    return 0;
}

/*- A tiny DER writer for building variants of the vector. */
typedef struct der {
    uint8_t b[4096];
    size_t n;
} der;

static void put(der *d, const void *p, size_t n)
{
    assert_true(d->n + n <= sizeof(d->b));
    memcpy(d->b + d->n, p, n);
    d->n += n;
}

static void tlv(der *d, uint8_t tag, const void *v, size_t len)
{
    uint8_t h[4] = {tag};
    size_t hl;

    if (len < 128) {
        h[1] = (uint8_t)len;
        hl = 2;
    } else if (len < 256) {
        h[1] = 0x81;
        h[2] = (uint8_t)len;
        hl = 3;
    } else {
        h[1] = 0x82;
        h[2] = (uint8_t)(len >> 8);
        h[3] = (uint8_t)len;
        hl = 4;
    }
    put(d, h, hl);
    put(d, v, len);
}

/* Optional fields, as already-encoded bytes (NULL/0: absent). */
typedef struct fields {
    const char *oid_hex;  /* content of the OID */
    const uint8_t *extra; /* [0]..[5] fields, encoded, in order */
    size_t extra_len;
    const uint8_t *parent; /* INTEGER content */
    size_t parent_len;
    const uint8_t *pub;
    size_t pub_len;
    const uint8_t *priv;
    size_t priv_len;
    const uint8_t *trailer; /* bytes after the SEQUENCE */
    size_t trailer_len;
} fields;

static const uint8_t owner[] = {0x40, 0x00, 0x00, 0x01};
static const uint8_t oid_loadable[] = {0x67, 0x81, 0x05, 0x0A, 0x01, 0x03};

static der build(const fields *f)
{
    der body = {0}, out = {0};

    tlv(&body, 0x06,
        f->oid_hex != NULL ? (const void *)f->oid_hex
                           : (const void *)oid_loadable,
        f->oid_hex != NULL ? strlen(f->oid_hex) : sizeof(oid_loadable));
    if (f->extra != NULL)
        put(&body, f->extra, f->extra_len);
    tlv(&body, 0x02, f->parent != NULL ? f->parent : owner,
        f->parent != NULL ? f->parent_len : sizeof(owner));
    tlv(&body, 0x04, f->pub != NULL ? f->pub : pub_blob,
        f->pub != NULL ? f->pub_len : pub_len);
    tlv(&body, 0x04, f->priv != NULL ? f->priv : priv_blob,
        f->priv != NULL ? f->priv_len : priv_len);
    tlv(&out, 0x30, body.b, body.n);
    if (f->trailer != NULL)
        put(&out, f->trailer, f->trailer_len);
    return out;
}

static attls_code decode(const der *d, attls_tpm_keyfile *kf, attls_status *st)
{
    attls_status_clear(st);
    return attls_tpm_keyfile_decode(d->b, d->n, kf, st);
}

static void expect(const fields *f, attls_code code, const char *check)
{
    der d = build(f);
    attls_tpm_keyfile kf;
    attls_status st;

    assert_int_equal(decode(&d, &kf, &st), code);
    if (check != NULL)
        assert_string_equal(st.check, check);
}

static void test_tpm2_openssl_vector(void **state)
{
    attls_tpm_keyfile kf;
    uint8_t *der_out = NULL;
    size_t len = 0;

    (void)state;
    assert_int_equal(attls_tpm_keyfile_decode(vec, vec_len, &kf, NULL),
                     ATTLS_OK);
    assert_int_equal(kf.parent, ATTLS_TPM_PARENT_OWNER);
    assert_int_equal(kf.empty_auth, 1);
    assert_int_equal(kf.rsa_parent, 0);
    assert_int_equal(kf.pub.publicArea.type, TPM2_ALG_ECC);
    assert_int_equal(kf.pub.publicArea.parameters.eccDetail.curveID,
                     TPM2_ECC_NIST_P256);
    assert_int_equal(kf.pub.publicArea.objectAttributes, 0x00060072);
    /* attls writes exactly what tpm2-openssl wrote. */
    assert_int_equal(attls_tpm_keyfile_encode(&kf, &der_out, &len), ATTLS_OK);
    assert_int_equal(len, vec_len);
    assert_memory_equal(der_out, vec, len);
    OPENSSL_free(der_out);
}

static void test_rsa_vector(void **state)
{
    uint8_t rsa[4096];
    size_t len;
    attls_tpm_keyfile kf;

    (void)state;
    read_vector("tss2-rsa2048-tpm2openssl.pem", rsa, &len);
    assert_int_equal(attls_tpm_keyfile_decode(rsa, len, &kf, NULL), ATTLS_OK);
    assert_int_equal(kf.pub.publicArea.type, TPM2_ALG_RSA);
    assert_int_equal(kf.pub.publicArea.parameters.rsaDetail.keyBits, 2048);
}

static void test_empty_auth_values(void **state)
{
    static const uint8_t empty_false[] = {0xA0, 0x03, 0x01, 0x01, 0x00};
    fields absent = {0},
           f = {.extra = empty_false, .extra_len = sizeof(empty_false)};
    der d;
    attls_tpm_keyfile kf;
    attls_status st;
    uint8_t *out = NULL;
    size_t len;

    (void)state;
    d = build(&absent);
    assert_int_equal(decode(&d, &kf, &st), ATTLS_OK);
    assert_int_equal(kf.empty_auth, 0); /* absent: auth required */
    d = build(&f);
    assert_int_equal(decode(&d, &kf, &st), ATTLS_OK);
    assert_int_equal(kf.empty_auth, 0);
    /* attls always writes emptyAuth, FALSE too. */
    assert_int_equal(attls_tpm_keyfile_encode(&kf, &out, &len), ATTLS_OK);
    assert_non_null(memmem(out, len, empty_false, sizeof(empty_false)));
    OPENSSL_free(out);
}

static void test_optional_fields_accepted(void **state)
{
    /* emptyAuth TRUE, description "web", rsaParent TRUE */
    static const uint8_t extra[] = {0xA0, 0x03, 0x01, 0x01, 0x01, 0xA4,
                                    0x05, 0x0C, 0x03, 'w',  'e',  'b',
                                    0xA5, 0x03, 0x01, 0x01, 0xFF};
    fields f = {.extra = extra, .extra_len = sizeof(extra)};
    der d = build(&f);
    attls_tpm_keyfile kf;
    attls_status st;

    (void)state;
    assert_int_equal(decode(&d, &kf, &st), ATTLS_OK);
    assert_int_equal(kf.rsa_parent, 1);
    assert_int_equal(kf.empty_auth, 1);
}

static void test_type_oid(void **state)
{
    fields importable = {.oid_hex = "\x67\x81\x05\x0A\x01\x04"};
    fields other = {.oid_hex = "\x2A\x03"};

    (void)state;
    expect(&importable, ATTLS_E_KEYFILE_TYPE, "keyfile.type");
    expect(&other, ATTLS_E_KEYFILE_TYPE, "keyfile.type");
}

static void test_policy_secret_authpolicy_refused(void **state)
{
    /* [1] { SEQUENCE { [0] INTEGER 0x16b, [1] OCTET STRING } } */
    static const uint8_t policy[] = {0xA1, 0x0E, 0x30, 0x0C, 0x30, 0x0A,
                                     0xA0, 0x04, 0x02, 0x02, 0x01, 0x6B,
                                     0xA1, 0x02, 0x04, 0x00};
    static const uint8_t secret[] = {0xA2, 0x04, 0x04, 0x02, 0xAB, 0xCD};
    static const uint8_t authpolicy[] = {0xA3, 0x04, 0x30, 0x02, 0x30, 0x00};
    fields f1 = {.extra = policy, .extra_len = sizeof(policy)};
    fields f2 = {.extra = secret, .extra_len = sizeof(secret)};
    fields f3 = {.extra = authpolicy, .extra_len = sizeof(authpolicy)};

    (void)state;
    expect(&f1, ATTLS_E_KEYFILE_POLICY, "keyfile.policy.commandCode");
    expect(&f2, ATTLS_E_KEYFILE_POLICY, "keyfile.secret");
    expect(&f3, ATTLS_E_KEYFILE_POLICY, "keyfile.authPolicy");
}

/*- PCR-policy keys: the vector's key turned into one (sha256:0,1,2 at zero). */
static const TPML_PCR_SELECTION pol_sel = {
    .count = 1,
    .pcrSelections = {{.hash = TPM2_ALG_SHA256,
                       .sizeofSelect = 3,
                       .pcrSelect = {0x07, 0, 0}}}};

/* SHA-256(0^32 || 0000017F || selection || SHA-256(0^96)), by hashlib. */
static const char pol_digest_hex[] =
    "e7f31f4b025ea047a62c000be9fbc43b21a06a798f9b81a9d90a8769ba595015";

typedef struct policy_key {
    uint8_t pub[sizeof(TPM2B_PUBLIC)]; /* authPolicy set, no userWithAuth */
    size_t pub_len;
    uint8_t cp[128]; /* commandPolicy: pcrDigest || selection */
    size_t cp_len;
    attls_tpm_keyfile kf;
} policy_key;

static void make_policy_key(policy_key *k, int user_with_auth)
{
    TPM2B_DIGEST zero[3];
    TPMT_PUBLIC *p = &k->kf.pub.publicArea;

    memset(k, 0, sizeof(*k));
    memset(zero, 0, sizeof(zero));
    for (int i = 0; i < 3; i++)
        zero[i].size = 32;
    assert_int_equal(attls_tpm_keyfile_decode(vec, vec_len, &k->kf, NULL),
                     ATTLS_OK);
    k->kf.pcr_policy = 1;
    k->kf.policy_pcrs = pol_sel;
    assert_int_equal(
        attls_tpm_policy_pcr_values(zero, 3, &k->kf.policy_pcr_digest),
        TSS2_RC_SUCCESS);
    assert_int_equal(attls_tpm_policy_pcr_digest(
                         &pol_sel, &k->kf.policy_pcr_digest, &p->authPolicy),
                     TSS2_RC_SUCCESS);
    if (!user_with_auth)
        p->objectAttributes &= ~TPMA_OBJECT_USERWITHAUTH;
    assert_int_equal(Tss2_MU_TPM2B_PUBLIC_Marshal(&k->kf.pub, k->pub,
                                                  sizeof(k->pub), &k->pub_len),
                     TSS2_RC_SUCCESS);
    assert_int_equal(Tss2_MU_TPM2B_DIGEST_Marshal(&k->kf.policy_pcr_digest,
                                                  k->cp, sizeof(k->cp),
                                                  &k->cp_len),
                     TSS2_RC_SUCCESS);
    assert_int_equal(Tss2_MU_TPML_PCR_SELECTION_Marshal(
                         &pol_sel, k->cp, sizeof(k->cp), &k->cp_len),
                     TSS2_RC_SUCCESS);
}

/* [1] { SEQUENCE OF n x TPMPolicy { [0] INTEGER cc, [1] OCTET STRING } } */
static der policy_field(uint16_t cc, const uint8_t *cp, size_t cp_len, int n)
{
    der code = {0}, pol = {0}, inner = {0}, one = {0}, seq = {0}, out = {0};
    uint8_t cc_be[] = {(uint8_t)(cc >> 8), (uint8_t)cc};

    tlv(&code, 0x02, cc_be, sizeof(cc_be));
    tlv(&inner, 0xA0, code.b, code.n);
    tlv(&pol, 0x04, cp, cp_len);
    tlv(&inner, 0xA1, pol.b, pol.n);
    tlv(&one, 0x30, inner.b, inner.n);
    for (int i = 0; i < n; i++)
        put(&seq, one.b, one.n);
    tlv(&out, 0x30, seq.b, seq.n);
    memcpy(one.b, out.b, out.n);
    one.n = out.n;
    out.n = 0;
    tlv(&out, 0xA1, one.b, one.n);
    return out;
}

static void expect_policy(const policy_key *k, const der *policy,
                          attls_code code, const char *check)
{
    fields f = {.extra = policy->b,
                .extra_len = policy->n,
                .pub = k->pub,
                .pub_len = k->pub_len};

    expect(&f, code, check);
}

static void test_policy_digest_known_answer(void **state)
{
    policy_key k;
    uint8_t want[32];

    (void)state;
    make_policy_key(&k, 0);
    assert_int_equal(
        OPENSSL_hexstr2buf_ex(want, sizeof(want), NULL, pol_digest_hex, '\0'),
        1);
    assert_int_equal(k.kf.pub.publicArea.authPolicy.size, 32);
    assert_memory_equal(k.kf.pub.publicArea.authPolicy.buffer, want, 32);
}

static void test_pcr_policy_round_trip(void **state)
{
    /* [0] { INTEGER 0x017F } and commandPolicy = 0x0020 digest, selection */
    static const uint8_t cc[] = {0xA0, 0x04, 0x02, 0x02, 0x01, 0x7F};
    static const uint8_t sel[] = {0x00, 0x00, 0x00, 0x01, 0x00,
                                  0x0B, 0x03, 0x07, 0x00, 0x00};
    policy_key k;
    attls_tpm_keyfile back;
    uint8_t *out = NULL, *again = NULL;
    size_t len = 0, len2 = 0;

    (void)state;
    make_policy_key(&k, 0);
    assert_int_equal(attls_tpm_keyfile_encode(&k.kf, &out, &len), ATTLS_OK);
    assert_non_null(memmem(out, len, cc, sizeof(cc)));
    assert_non_null(memmem(out, len, k.cp, k.cp_len));
    assert_int_equal(k.cp_len, 2 + 32 + sizeof(sel));
    assert_memory_equal(k.cp + 34, sel, sizeof(sel));
    assert_int_equal(attls_tpm_keyfile_decode(out, len, &back, NULL), ATTLS_OK);
    assert_int_equal(back.pcr_policy, 1);
    assert_memory_equal(&back.policy_pcrs, &pol_sel, sizeof(pol_sel));
    assert_memory_equal(&back.policy_pcr_digest, &k.kf.policy_pcr_digest,
                        sizeof(back.policy_pcr_digest));
    assert_int_equal(attls_tpm_keyfile_encode(&back, &again, &len2), ATTLS_OK);
    assert_int_equal(len2, len);
    assert_memory_equal(again, out, len);
    OPENSSL_free(out);
    OPENSSL_free(again);
}

static void test_pcr_policy_refused_forms(void **state)
{
    static const uint8_t not_seq[] = {0xA1, 0x05, 0x30, 0x03, 0x02, 0x01, 0x00};
    policy_key k, uwa;
    der d;
    fields plain = {0};

    (void)state;
    make_policy_key(&k, 0);
    make_policy_key(&uwa, 1);
    d = policy_field(TPM2_CC_PolicyPCR, k.cp, k.cp_len, 1);
    plain.extra = d.b;
    plain.extra_len = d.n;
    expect_policy(&k, &d, ATTLS_OK, NULL);
    /* The same policy on a key whose authPolicy is not it, or that a plain
     * auth value also unlocks. */
    expect(&plain, ATTLS_E_KEYFILE_POLICY, "keyfile.policy");
    expect_policy(&uwa, &d, ATTLS_E_KEYFILE_POLICY, "keyfile.policy");
    d = policy_field(TPM2_CC_PolicyPCR, k.cp, k.cp_len, 2);
    expect_policy(&k, &d, ATTLS_E_KEYFILE_POLICY, "keyfile.policy");
    d = policy_field(TPM2_CC_PolicyPCR, k.cp, k.cp_len, 0);
    expect_policy(&k, &d, ATTLS_E_KEYFILE_POLICY, "keyfile.policy");
    d = policy_field(TPM2_CC_PolicyCommandCode, k.cp, k.cp_len, 1);
    expect_policy(&k, &d, ATTLS_E_KEYFILE_POLICY, "keyfile.policy.commandCode");
    d = policy_field(TPM2_CC_PolicyPCR, k.cp, k.cp_len - 1, 1);
    expect_policy(&k, &d, ATTLS_E_KEYFILE_POLICY,
                  "keyfile.policy.commandPolicy");
    k.cp[k.cp_len] = 0;
    d = policy_field(TPM2_CC_PolicyPCR, k.cp, k.cp_len + 1, 1);
    expect_policy(&k, &d, ATTLS_E_KEYFILE_POLICY,
                  "keyfile.policy.commandPolicy");
    /* A 20-byte pcrDigest (SHA-1) is not what a SHA-256 session computes. */
    k.cp[1] = 20;
    d = policy_field(TPM2_CC_PolicyPCR, k.cp, 2 + 20, 1);
    expect_policy(&k, &d, ATTLS_E_KEYFILE_POLICY,
                  "keyfile.policy.commandPolicy");
    d.n = 0;
    put(&d, not_seq, sizeof(not_seq));
    expect_policy(&k, &d, ATTLS_E_KEYFILE_POLICY, "keyfile.policy");
}

static void test_parent_values(void **state)
{
    static const uint8_t persistent[] = {0x00, 0x81, 0x00, 0x00, 0x01};
    static const uint8_t zero[] = {0x00};
    static const uint8_t negative[] = {0xFF};
    static const uint8_t too_big[] = {0x01, 0x00, 0x00, 0x00, 0x00};
    static const uint8_t transient[] = {0x00, 0x80, 0x00, 0x00, 0x01};
    fields f = {.parent = persistent, .parent_len = sizeof(persistent)};
    der d = build(&f);
    attls_tpm_keyfile kf;
    attls_status st;

    (void)state;
    /* 0x81000001 needs a 5-byte INTEGER. */
    assert_int_equal(decode(&d, &kf, &st), ATTLS_OK);
    assert_int_equal(kf.parent, 0x81000001);
    f.parent = zero;
    f.parent_len = sizeof(zero);
    d = build(&f);
    assert_int_equal(decode(&d, &kf, &st), ATTLS_OK);
    assert_int_equal(kf.parent, ATTLS_TPM_PARENT_OWNER); /* 0 = owner */
    f.parent = negative;
    f.parent_len = sizeof(negative);
    expect(&f, ATTLS_E_KEYFILE_PARENT, "keyfile.parent");
    f.parent = too_big;
    f.parent_len = sizeof(too_big);
    expect(&f, ATTLS_E_KEYFILE_PARENT, "keyfile.parent");
    f.parent = transient;
    f.parent_len = sizeof(transient);
    expect(&f, ATTLS_E_KEYFILE_PARENT, "keyfile.parent");
}

static void test_blobs_exact(void **state)
{
    uint8_t longer[sizeof(pub_blob) + 1];
    fields f = {0};

    (void)state;
    memcpy(longer, pub_blob, pub_len);
    longer[pub_len] = 0;
    f.pub = longer;
    f.pub_len = pub_len + 1; /* one byte after the TPM2B_PUBLIC */
    expect(&f, ATTLS_E_KEYFILE_BLOB, "keyfile.pubkey");
    f.pub_len = pub_len - 1; /* truncated */
    expect(&f, ATTLS_E_KEYFILE_BLOB, "keyfile.pubkey");
    f.pub = NULL;
    f.priv = priv_blob;
    f.priv_len = priv_len - 3;
    expect(&f, ATTLS_E_KEYFILE_BLOB, "keyfile.privkey");
    f.priv = (const uint8_t *)"\x00\x00";
    f.priv_len = 2; /* an empty TPM2B_PRIVATE */
    expect(&f, ATTLS_E_KEYFILE_BLOB, "keyfile.privkey");
}

static void test_outer_structure(void **state)
{
    static const uint8_t junk[] = {0x00};
    fields f = {.trailer = junk, .trailer_len = 1};
    attls_tpm_keyfile kf;
    attls_status st;

    (void)state;
    expect(&f, ATTLS_E_KEYFILE_PARSE, "keyfile.der");
    attls_status_clear(&st);
    assert_int_equal(attls_tpm_keyfile_decode(vec, 0, &kf, &st),
                     ATTLS_E_KEYFILE_PARSE);
    attls_status_clear(&st);
    assert_int_equal(
        attls_tpm_keyfile_decode((const uint8_t *)"\x30\x00", 2, &kf, &st),
        ATTLS_E_KEYFILE_PARSE);
    attls_status_clear(&st);
    assert_int_equal(
        attls_tpm_keyfile_decode(vec, ATTLS_TSS2_MAX_DER + 1, &kf, &st),
        ATTLS_E_KEYFILE_PARSE);
}

static void test_every_truncation_fails(void **state)
{
    attls_tpm_keyfile kf;

    (void)state;
    for (size_t n = 0; n < vec_len; n++)
        assert_int_not_equal(attls_tpm_keyfile_decode(vec, n, &kf, NULL),
                             ATTLS_OK);
}

static void test_bit_flips_never_crash(void **state)
{
    uint8_t buf[sizeof(vec)];
    attls_tpm_keyfile kf;
    int accepted = 0;

    (void)state;
    for (size_t i = 0; i < vec_len; i++) {
        for (int bit = 0; bit < 8; bit++) {
            memcpy(buf, vec, vec_len);
            buf[i] ^= (uint8_t)(1 << bit);
            accepted +=
                attls_tpm_keyfile_decode(buf, vec_len, &kf, NULL) == ATTLS_OK;
        }
    }
    /* Flips inside key bytes still decode; structural ones must not. */
    assert_true(accepted > 0 && accepted < (int)(vec_len * 8));
}

static void test_encode_refuses_bad_input(void **state)
{
    attls_tpm_keyfile kf;
    uint8_t *out = NULL;
    size_t len;

    (void)state;
    assert_int_equal(attls_tpm_keyfile_decode(vec, vec_len, &kf, NULL),
                     ATTLS_OK);
    kf.parent = 0x80000001;
    assert_int_equal(attls_tpm_keyfile_encode(&kf, &out, &len),
                     ATTLS_E_ARGUMENT);
    kf.parent = 0;
    kf.priv.size = 0;
    assert_int_equal(attls_tpm_keyfile_encode(&kf, &out, &len),
                     ATTLS_E_ARGUMENT);
    assert_null(out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tpm2_openssl_vector),
        cmocka_unit_test(test_rsa_vector),
        cmocka_unit_test(test_empty_auth_values),
        cmocka_unit_test(test_optional_fields_accepted),
        cmocka_unit_test(test_type_oid),
        cmocka_unit_test(test_policy_secret_authpolicy_refused),
        cmocka_unit_test(test_policy_digest_known_answer),
        cmocka_unit_test(test_pcr_policy_round_trip),
        cmocka_unit_test(test_pcr_policy_refused_forms),
        cmocka_unit_test(test_parent_values),
        cmocka_unit_test(test_blobs_exact),
        cmocka_unit_test(test_outer_structure),
        cmocka_unit_test(test_every_truncation_fails),
        cmocka_unit_test(test_bit_flips_never_crash),
        cmocka_unit_test(test_encode_refuses_bad_input),
    };

    return cmocka_run_group_tests(tests, setup, NULL);
}
