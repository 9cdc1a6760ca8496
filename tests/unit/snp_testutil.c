/* SPDX-License-Identifier: Apache-2.0 */
#include "snp_testutil.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/pem.h>
#include <openssl/sha.h>
#include <openssl/x509v3.h>

#include "common/timeutil.h"

#define AMD_OID(suffix) "1.3.6.1.4.1.3704.1." suffix

const uint8_t tu_chip64[64] = {0x11, 0x22, 0x33, 0x44, 0x55,       0x66,
                               0x77, 0x88, 0x99, 0xAA, [63] = 0x01};
const uint8_t tu_chip8[64] = {0x1e, 0x55, 0x0a, 0x8e, 0xe5, 0xcf, 0x9f, 0x4d};

const tu_vek_spec tu_spec_milan = {.type = ATTLS_SNP_VEK_VCEK,
                                   .product_name = "Milan-B0",
                                   .bl = 3,
                                   .tee = 0,
                                   .snp = 8,
                                   .ucode = 115,
                                   .hwid = tu_chip64,
                                   .hwid_len = 64};
const tu_vek_spec tu_spec_turin = {.type = ATTLS_SNP_VEK_VCEK,
                                   .product_name = "Turin",
                                   .fmc = 1,
                                   .bl = 2,
                                   .tee = 3,
                                   .snp = 4,
                                   .ucode = 5,
                                   .hwid = tu_chip8,
                                   .hwid_len = 8};
const tu_vek_spec tu_spec_genoa_vlek = {.type = ATTLS_SNP_VEK_VLEK,
                                        .product_name = "Genoa",
                                        .bl = 7,
                                        .tee = 0,
                                        .snp = 14,
                                        .ucode = 72,
                                        .csp_id = "CN=example-csp"};

void tu_read(const char *rel, attls_buf *out)
{
    char path[4096];

    snprintf(path, sizeof(path), "%s/%s", getenv("ATTLS_TESTDATA"), rel);
    assert_int_equal(attls_read_file(path, 1 << 20, out), 0);
}

time_t tu_at(const char *rfc3339)
{
    time_t t;

    assert_int_equal(attls_parse_rfc3339(rfc3339, &t), 0);
    return t;
}

X509 *tu_load_cert(const char *rel)
{
    attls_buf b;
    X509 *x;
    BIO *bio;
    const unsigned char *p;

    tu_read(rel, &b);
    bio = BIO_new_mem_buf(b.data, (int)b.len);
    x = PEM_read_bio_X509(bio, NULL, NULL, NULL);
    BIO_free(bio);
    if (x == NULL) {
        p = b.data;
        x = d2i_X509(NULL, &p, (long)b.len);
    }
    attls_buf_free(&b);
    assert_non_null(x);
    return x;
}

size_t tu_stride(void)
{
    const char *v = getenv("ATTLS_UNDER_VALGRIND");

    return v != NULL && *v != '\0' && strcmp(v, "0") != 0 ? 31 : 1;
}

static size_t der_int(uint8_t *out, uint8_t v)
{
    out[0] = 0x02;
    if (v < 0x80) {
        out[1] = 1;
        out[2] = v;
        return 3;
    }
    out[1] = 2;
    out[2] = 0;
    out[3] = v;
    return 4;
}

static size_t der_ia5(uint8_t *out, const char *s)
{
    size_t n = strlen(s);

    assert_true(n < 70);
    out[0] = 0x16;
    out[1] = (uint8_t)n;
    memcpy(out + 2, s, n);
    return n + 2;
}

void tu_vek_exts_set(tu_vek_exts *e, const char *oid, const uint8_t *der,
                     size_t len)
{
    size_t i;

    assert_true(len <= sizeof(e->ext[0].der));
    for (i = 0; i < e->n && strcmp(e->ext[i].oid, oid) != 0; i++)
        ;
    if (i == e->n) {
        assert_true(e->n < sizeof(e->ext) / sizeof(e->ext[0]));
        e->n++;
    }
    e->ext[i].oid = oid;
    memcpy(e->ext[i].der, der, len);
    e->ext[i].len = len;
}

void tu_vek_exts_remove(tu_vek_exts *e, const char *oid)
{
    for (size_t i = 0; i < e->n; i++) {
        if (strcmp(e->ext[i].oid, oid) == 0) {
            memmove(&e->ext[i], &e->ext[i + 1],
                    (e->n - i - 1) * sizeof(e->ext[0]));
            e->n--;
            return;
        }
    }
}

static void set_int(tu_vek_exts *e, const char *oid, uint8_t v)
{
    uint8_t der[4];

    tu_vek_exts_set(e, oid, der, der_int(der, v));
}

static void set_ia5(tu_vek_exts *e, const char *oid, const char *s)
{
    uint8_t der[80];

    tu_vek_exts_set(e, oid, der, der_ia5(der, s));
}

void tu_vek_exts_build(tu_vek_exts *e, const tu_vek_spec *s)
{
    int turin = strncmp(s->product_name, "Turin", 5) == 0;

    memset(e, 0, sizeof(*e));
    set_int(e, AMD_OID("1"), turin ? 1 : 0);
    set_ia5(e, AMD_OID("2"), s->product_name);
    set_int(e, AMD_OID("3.1"), s->bl);
    set_int(e, AMD_OID("3.2"), s->tee);
    set_int(e, AMD_OID("3.3"), s->snp);
    if (!turin)
        set_int(e, AMD_OID("3.4"), 0);
    set_int(e, AMD_OID("3.8"), s->ucode);
    if (turin)
        set_int(e, AMD_OID("3.9"), s->fmc);
    if (s->type == ATTLS_SNP_VEK_VCEK)
        tu_vek_exts_set(e, AMD_OID("4"), s->hwid, s->hwid_len);
    else
        set_ia5(e, AMD_OID("5"), s->csp_id);
}

EVP_PKEY *tu_p384_key(void)
{
    EVP_PKEY *k = EVP_EC_gen("P-384");

    assert_non_null(k);
    return k;
}

static void add_ext(X509 *x, const tu_ext *t)
{
    ASN1_OBJECT *obj = OBJ_txt2obj(t->oid, 1);
    ASN1_OCTET_STRING *os = ASN1_OCTET_STRING_new();
    X509_EXTENSION *ext;

    assert_non_null(obj);
    assert_non_null(os);
    assert_int_equal(ASN1_OCTET_STRING_set(os, t->der, (int)t->len), 1);
    ext = X509_EXTENSION_create_by_OBJ(NULL, obj, 0, os);
    assert_non_null(ext);
    assert_int_equal(X509_add_ext(x, ext, -1), 1);
    X509_EXTENSION_free(ext);
    ASN1_OCTET_STRING_free(os);
    ASN1_OBJECT_free(obj);
}

X509 *tu_make_cert(const char *cn, EVP_PKEY *key, const tu_vek_exts *exts,
                   X509 *issuer, EVP_PKEY *issuer_key, int ca)
{
    X509 *x = X509_new();
    X509_NAME *name = X509_NAME_new();

    assert_non_null(x);
    assert_non_null(name);
    assert_int_equal(X509_set_version(x, X509_VERSION_3), 1);
    assert_int_equal(ASN1_INTEGER_set(X509_get_serialNumber(x), ca), 1);
    assert_int_equal(X509_NAME_add_entry_by_txt(
                         name, "O", MBSTRING_ASC,
                         (const unsigned char *)"attls test AMD", -1, -1, 0),
                     1);
    assert_int_equal(X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                                                (const unsigned char *)cn, -1,
                                                -1, 0),
                     1);
    assert_int_equal(X509_set_subject_name(x, name), 1);
    assert_int_equal(X509_set_issuer_name(x, issuer != NULL
                                                 ? X509_get_subject_name(issuer)
                                                 : name),
                     1);
    X509_NAME_free(name);
    assert_non_null(
        ASN1_TIME_set(X509_getm_notBefore(x), tu_at("2020-01-01T00:00:00Z")));
    assert_non_null(
        ASN1_TIME_set(X509_getm_notAfter(x), tu_at("2040-01-01T00:00:00Z")));
    assert_int_equal(X509_set_pubkey(x, key), 1);
    if (ca) {
        BASIC_CONSTRAINTS *bc = BASIC_CONSTRAINTS_new();

        bc->ca = 1;
        assert_int_equal(X509_add1_ext_i2d(x, NID_basic_constraints, bc, 1, 0),
                         1);
        BASIC_CONSTRAINTS_free(bc);
    }
    for (size_t i = 0; exts != NULL && i < exts->n; i++)
        add_ext(x, &exts->ext[i]);
    assert_true(
        X509_sign(x, issuer_key != NULL ? issuer_key : key, EVP_sha384()) > 0);
    return x;
}

static void write_roots(tu_fake_amd *f)
{
    FILE *out = fopen(f->file, "w");

    assert_non_null(out);
    assert_int_equal(PEM_write_X509(out, f->ask), 1);
    assert_int_equal(PEM_write_X509(out, f->ark), 1);
    assert_int_equal(fclose(out), 0);
}

void tu_fake_amd_init(tu_fake_amd *f, attls_snp_product product,
                      const tu_vek_spec *spec)
{
    tu_vek_exts exts;

    memset(f, 0, sizeof(*f));
    snprintf(f->dir, sizeof(f->dir), "/tmp/attls-snp-test-XXXXXX");
    assert_non_null(mkdtemp(f->dir));
    snprintf(f->file, sizeof(f->file), "%s/%s.pem", f->dir,
             attls_snp_trust_set(product));
    f->ark_key = tu_p384_key();
    f->ask_key = tu_p384_key();
    f->vek_key = tu_p384_key();
    f->ark = tu_make_cert("ARK-Test", f->ark_key, NULL, NULL, NULL, 1);
    f->ask = tu_make_cert("SEV-Test", f->ask_key, NULL, f->ark, f->ark_key, 1);
    tu_vek_exts_build(&exts, spec);
    f->vek =
        tu_make_cert(spec->type == ATTLS_SNP_VEK_VLEK ? "SEV-VLEK" : "SEV-VCEK",
                     f->vek_key, &exts, f->ask, f->ask_key, 0);
    write_roots(f);
}

void tu_fake_amd_free(tu_fake_amd *f)
{
    unlink(f->file);
    rmdir(f->dir);
    X509_free(f->ark);
    X509_free(f->ask);
    X509_free(f->vek);
    EVP_PKEY_free(f->ark_key);
    EVP_PKEY_free(f->ask_key);
    EVP_PKEY_free(f->vek_key);
    memset(f, 0, sizeof(*f));
}

void tu_sign_report(uint8_t raw[ATTLS_SNP_REPORT_SIZE], EVP_PKEY *key)
{
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    unsigned char der[160];
    const unsigned char *p = der;
    size_t len = sizeof(der);
    ECDSA_SIG *sig;
    const BIGNUM *r, *s;

    assert_non_null(ctx);
    assert_int_equal(EVP_DigestSignInit(ctx, NULL, EVP_sha384(), NULL, key), 1);
    assert_int_equal(EVP_DigestSign(ctx, der, &len, raw, ATTLS_SNP_SIGNED_SIZE),
                     1);
    EVP_MD_CTX_free(ctx);
    sig = d2i_ECDSA_SIG(NULL, &p, (long)len);
    assert_non_null(sig);
    ECDSA_SIG_get0(sig, &r, &s);
    memset(raw + 0x2A0, 0, ATTLS_SNP_REPORT_SIZE - 0x2A0);
    assert_int_equal(BN_bn2lebinpad(r, raw + 0x2A0, 72), 72);
    assert_int_equal(BN_bn2lebinpad(s, raw + 0x2E8, 72), 72);
    ECDSA_SIG_free(sig);
}

static void put_le32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static void put_le64(uint8_t *p, uint64_t v)
{
    for (int i = 0; i < 8; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

void tu_make_report(uint8_t raw[ATTLS_SNP_REPORT_SIZE], uint32_t version,
                    attls_snp_signing_key signer, uint64_t tcb,
                    const uint8_t chip_id[64], uint8_t family, uint8_t model)
{
    memset(raw, 0, ATTLS_SNP_REPORT_SIZE);
    put_le32(raw + 0x000, version);
    put_le64(raw + 0x008, 0x30000);
    put_le32(raw + 0x034, 1);
    put_le64(raw + 0x038, tcb);
    put_le32(raw + 0x048, (uint32_t)signer << 2);
    memset(raw + 0x050, 0xAB, 64); /* REPORT_DATA */
    memset(raw + 0x090, 0xCD, 48); /* MEASUREMENT */
    memset(raw + 0x160, 0xFF, 32); /* REPORT_ID_MA: no migration agent */
    put_le64(raw + 0x180, tcb);
    memcpy(raw + 0x1A0, chip_id, 64);
    if (version >= 2) {
        put_le64(raw + 0x1E0, tcb);
        raw[0x1E8] = 3; /* firmware 1.55.3 */
        raw[0x1E9] = 55;
        raw[0x1EA] = 1;
        raw[0x1EC] = 3;
        raw[0x1ED] = 55;
        raw[0x1EE] = 1;
        put_le64(raw + 0x1F0, tcb);
    }
    if (version >= 3) {
        raw[0x188] = family;
        raw[0x189] = model;
        raw[0x18A] = 1;
    }
}

const char tu_claims[] =
    "{\"keys\":[{\"kid\":\"HCLAkPub\",\"key_ops\":[\"sign\"],\"kty\":\"RSA\","
    "\"e\":\"AQAB\",\"n\":\"tegZ0wABCCWLhBK-LqnHoHW16fe3IN9MHs9bvdN9BpMnva_"
    "OqvqoFw4lp0lrZoMTi51C1jzjkRIpo2ICUhEUZdwIbXSUb1gb8UnSb73IDUYldyWSIF9uG--"
    "o9N1iBPAkfHzA3Fy3IA0yJ1fI8AYG-k3JJ4I-4itXEcjlAxtm3UcCNaf2moil_sWJXkw9K9o8_"
    "uflPmssBpNZT6i5kH09JiYamTA1eCVoUhc2zCwnP_NWScm7ViZA-"
    "vj9YUzAa7ek0iBRwFo5EPyiMiOroxJ79Fl27ftWq8EUOs8qo241G6fj7k8VbbivhRb0uImr2LX"
    "vyJOAQwX0FpAdXlvWG8jwmQ\"}],"
    "\"vm-configuration\":{\"console-enabled\":false,\"secure-boot\":true,"
    "\"tpm-enabled\":true,\"tpm-persisted\":true,"
    "\"vmUniqueId\":\"11111111-2222-3333-4444-555555555555\"},"
    "\"user-data\":"
    "\"00112233445566778899AABBCCDDEEFF00112233445566778899aabbccddeeff"
    "00000000000000000000000000000000000000000000000000000000000000ff\"}";

void tu_hcl_bind(uint8_t hw[ATTLS_HCL_HW_REPORT_SIZE],
                 attls_hcl_report_type type, const char *claims)
{
    uint8_t *rd =
        hw + (type == ATTLS_HCL_REPORT_TDX ? ATTLS_TDREPORT_REPORT_DATA_OFFSET
                                           : 0x50);

    assert_non_null(SHA256((const uint8_t *)claims, strlen(claims), rd));
    memset(rd + 32, 0, 32);
}

void tu_make_hcl(attls_buf *out, uint32_t version, attls_hcl_report_type type,
                 const uint8_t hw[ATTLS_HCL_HW_REPORT_SIZE], const char *claims,
                 size_t total)
{
    size_t n = strlen(claims);
    uint8_t *p;

    assert_true(total >= ATTLS_HCL_CLAIMS_OFFSET + n);
    p = OPENSSL_zalloc(total);
    assert_non_null(p);
    put_le32(p + 0x00, ATTLS_HCL_MAGIC);
    put_le32(p + 0x04, version);
    put_le32(p + 0x08, (uint32_t)(ATTLS_HCL_CLAIMS_OFFSET + n));
    put_le32(p + 0x0C, ATTLS_HCL_REQUEST_AK_CERT);
    memcpy(p + ATTLS_HCL_HW_REPORT_OFFSET, hw, ATTLS_HCL_HW_REPORT_SIZE);
    put_le32(p + 0x4C0, (uint32_t)(ATTLS_HCL_IGVM_FIXED_SIZE + n));
    put_le32(p + 0x4C4, 1);
    put_le32(p + 0x4C8, type);
    put_le32(p + 0x4CC, ATTLS_HCL_HASH_SHA256);
    put_le32(p + 0x4D0, (uint32_t)n);
    memcpy(p + ATTLS_HCL_CLAIMS_OFFSET, claims, n);
    out->data = p;
    out->len = total;
}
