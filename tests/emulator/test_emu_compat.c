/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Byte compatibility of the emulator with the real clouds.
 *
 * The checks of emu_check.h are first run on the real captures of
 * ../shared/testdata (they must accept them, and reject the known
 * negatives), then on what the emulator makes for each cloud platform.
 * Certificate extensions and collateral JSON are compared structurally
 * with the real ones (same OIDs in the same order, same ASN.1 shape, same
 * JSON keys). The TDX quotes go through attls's own verifier
 * (evidence/tdx.h) with the emulator's test roots and collateral, and must
 * fail against the pinned real Intel root.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <jansson.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509v3.h>
#include <tss2/tss2_mu.h>

#include "common/bytes.h"
#include "emu_check.h"
#include "emu_ctx.h"
#include "emu_hcl.h"
#include "emu_snp.h"
#include "emu_tdx.h"
#include "emu_tpm.h"
#include "emu_util.h"
#include "emu_x509.h"
#include "evidence/roots.h"
#include "evidence/tdx.h"

/* ------------------------------------------------------------------ */
/* Helpers                                                              */

static attls_buf read_at(const char *dir, const char *rel)
{
    char path[4096];
    attls_buf b;

    snprintf(path, sizeof(path), "%s/%s", dir, rel);
    if (attls_read_file(path, 1 << 20, &b) != 0)
        fail_msg("cannot read %s", path);
    return b;
}

static attls_buf testdata(const char *rel)
{
    return read_at(getenv("ATTLS_TESTDATA"), rel);
}

static X509 *der_cert(const attls_buf *b)
{
    const unsigned char *p = b->data;
    X509 *x = d2i_X509(NULL, &p, (long)b->len);

    assert_non_null(x);
    return x;
}

static STACK_OF(X509) *pem_certs(const char *path)
{
    STACK_OF(X509) *sk = sk_X509_new_null();
    attls_buf b;

    assert_int_equal(attls_read_file(path, 1 << 20, &b), 0);
    assert_true(attls_pem_certs_append((const char *)b.data, b.len, sk) > 0);
    attls_buf_free(&b);
    return sk;
}

static STACK_OF(X509) *testdata_certs(const char *rel)
{
    char path[4096];

    snprintf(path, sizeof(path), "%s/%s", getenv("ATTLS_TESTDATA"), rel);
    return pem_certs(path);
}

#define assert_check(call)                                                     \
    do {                                                                       \
        char why_[EMU_WHY] = "";                                               \
        if ((call) != 0)                                                       \
            fail_msg("%s: %s", #call, why_);                                   \
    } while (0)
#define assert_check_fails(call, expect)                                       \
    do {                                                                       \
        char why_[EMU_WHY] = "";                                               \
        assert_int_not_equal((call), 0);                                       \
        if (strstr(why_, (expect)) == NULL)                                    \
            fail_msg("%s: '%s' lacks '%s'", #call, why_, (expect));            \
    } while (0)
#define WHY why_

/* The OIDs of a certificate's extensions, in order, one per line. */
static void ext_oids(X509 *x, char *out, size_t cap)
{
    out[0] = '\0';
    for (int i = 0; i < X509_get_ext_count(x); i++) {
        char oid[128];

        OBJ_obj2txt(oid, sizeof(oid),
                    X509_EXTENSION_get_object(X509_get_ext(x, i)), 1);
        strncat(out, oid, cap - strlen(out) - 1);
        strncat(out, "\n", cap - strlen(out) - 1);
    }
}

static const uint8_t *ext_value(X509 *x, const char *oid, size_t *len)
{
    ASN1_OBJECT *obj = OBJ_txt2obj(oid, 1);
    int i = X509_get_ext_by_OBJ(x, obj, -1);
    const ASN1_OCTET_STRING *os;

    ASN1_OBJECT_free(obj);
    assert_true(i >= 0);
    os = X509_EXTENSION_get_data(X509_get_ext(x, i));
    *len = (size_t)ASN1_STRING_length(os);
    return ASN1_STRING_get0_data(os);
}

/*
 * The shape of a DER value: tags and nesting, and the value of every
 * OBJECT IDENTIFIER; the content of other primitives is left out.
 */
static void der_shape(const uint8_t *p, size_t len, char *out, size_t cap)
{
    while (len > 0) {
        const unsigned char *q = p;
        long n;
        int tag, cls, hdr;
        char item[160];

        hdr = ASN1_get_object(&q, &n, &tag, &cls, (long)len);
        assert_false(hdr & 0x80);
        snprintf(item, sizeof(item), "%d/%d%s", cls >> 6, tag,
                 (hdr & V_ASN1_CONSTRUCTED) ? "{" : " ");
        if (tag == V_ASN1_OBJECT && cls == 0) {
            ASN1_OBJECT *o = NULL;
            const unsigned char *r = p;
            char oid[96];

            assert_non_null(o = d2i_ASN1_OBJECT(NULL, &r, (long)len));
            OBJ_obj2txt(oid, sizeof(oid), o, 1);
            ASN1_OBJECT_free(o);
            snprintf(item, sizeof(item), "oid:%s ", oid);
        }
        strncat(out, item, cap - strlen(out) - 1);
        if (hdr & V_ASN1_CONSTRUCTED) {
            der_shape(q, (size_t)n, out, cap);
            strncat(out, "} ", cap - strlen(out) - 1);
        }
        len -= (size_t)(q - p) + (size_t)n;
        p = q + n;
    }
}

/* ------------------------------------------------------------------ */
/* The checks accept the real captures and reject the real negatives.   */

static void real_snp_reports(void **state)
{
    STACK_OF(X509) *milan = testdata_certs("roots-cloud/amd/ask_ark_milan.pem");
    static const char *const pairs[][2] = {
        {"virtee-sev/report_milan.bin", "virtee-sev/vcek_milan.der"},
        {"go-sev-guest/attestation.bin", "go-sev-guest/vcek_milan.der"},
    };
    attls_buf hcl = testdata("azure-cvm-tooling/hcl-report-snp.bin");
    attls_buf neg =
        testdata("virtee-sev/negative/report_milan_byte21_xor80.bin");
    STACK_OF(X509) *wrong =
        testdata_certs("azure-cvm-tooling/vcek-ask-ark-milan.pem");

    (void)state;
    for (size_t i = 0; i < 2; i++) {
        attls_buf r = testdata(pairs[i][0]), v = testdata(pairs[i][1]);
        X509 *vcek = der_cert(&v);

        assert_check(emu_check_snp_layout(r.data, r.len, WHY));
        assert_check(emu_check_snp_signature(r.data, vcek, WHY));
        assert_check(emu_check_vcek(r.data, vcek, milan, WHY));
        X509_free(vcek);
        attls_buf_free(&r);
        attls_buf_free(&v);
    }
    assert_check(emu_check_snp_layout(hcl.data + 0x20, 0x4A0, WHY));
    assert_check_fails(
        emu_check_snp_signature(hcl.data + 0x20, sk_X509_value(wrong, 0), WHY),
        "does not verify");
    assert_check_fails(
        emu_check_vcek(hcl.data + 0x20, sk_X509_value(wrong, 0), milan, WHY),
        "hwID");
    {
        attls_buf v = testdata("virtee-sev/vcek_milan.der");
        X509 *vcek = der_cert(&v);

        assert_check_fails(emu_check_snp_signature(neg.data, vcek, WHY),
                           "does not verify");
        X509_free(vcek);
        attls_buf_free(&v);
    }
    sk_X509_pop_free(milan, X509_free);
    sk_X509_pop_free(wrong, X509_free);
    attls_buf_free(&hcl);
    attls_buf_free(&neg);
}

static void real_hcl_reports(void **state)
{
    attls_buf tdx = testdata("azure-cvm-tooling/hcl-report-tdx.bin");
    attls_buf snp = testdata("azure-cvm-tooling/hcl-report-snp.bin");
    attls_buf old =
        testdata("azure-cvm-guest-attestation/hcl-report-snp-2022.bin");
    const uint8_t *claims;
    size_t clen;
    uint32_t type;

    (void)state;
    assert_check(emu_check_hcl(tdx.data, tdx.len, &claims, &clen, &type, WHY));
    assert_int_equal(type, 4);
    assert_check(emu_check_claims(claims, clen, NULL, 0, NULL, WHY));
    assert_check(emu_check_tdreport(tdx.data + 0x20, WHY));
    assert_check(emu_check_hcl(snp.data, snp.len, &claims, &clen, &type, WHY));
    assert_int_equal(type, 2);
    /* The 2023 format: HCLAkPub only, no user-data. */
    assert_check_fails(emu_check_claims(claims, clen, NULL, 0, NULL, WHY),
                       "user-data");
    assert_check_fails(
        emu_check_hcl(old.data, old.len, &claims, &clen, &type, WHY),
        "REPORT_DATA");
    attls_buf_free(&tdx);
    attls_buf_free(&snp);
    attls_buf_free(&old);
}

static void real_td_quotes(void **state)
{
    static const char *const quotes[] = {
        "dcap-qvl/tdx_quote.dat",
        "go-tdx-guest/tdx_prod_quote_SPR_E4.dat",
        "go-tdx-guest-ccel/cos-113-tdx-quote.dat",
    };

    (void)state;
    for (size_t i = 0; i < sizeof(quotes) / sizeof(*quotes); i++) {
        attls_buf q = testdata(quotes[i]);

        assert_check(emu_check_td_quote_layout(q.data, q.len, WHY));
        attls_buf_free(&q);
    }
}

/* ------------------------------------------------------------------ */
/* Emulated machines                                                    */

typedef struct machines {
    char dir[256];
    emu_ctx ctx[4]; /* azure-snp, azure-tdx, gcp-snp, gcp-tdx */
} machines;

static const emu_platform platforms[4] = {EMU_AZURE_SNP, EMU_AZURE_TDX,
                                          EMU_GCP_SNP, EMU_GCP_TDX};

static int setup(void **state)
{
    machines *m = calloc(1, sizeof(*m));
    char sub[512];

    snprintf(m->dir, sizeof(m->dir), "%s/attls-emu-compat.XXXXXX",
             getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    if (mkdtemp(m->dir) == NULL)
        return -1;
    for (int i = 0; i < 4; i++) {
        snprintf(sub, sizeof(sub), "%s/%s", m->dir,
                 emu_platform_name(platforms[i]));
        if (mkdir(sub, 0700) != 0 || emu_ctx_create(sub, platforms[i]) != 0 ||
            emu_ctx_load(sub, &m->ctx[i]) != 0)
            return -1;
    }
    *state = m;
    return 0;
}

static int teardown(void **state)
{
    machines *m = *state;
    char cmd[600];

    for (int i = 0; i < 4; i++)
        emu_ctx_free(&m->ctx[i]);
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", m->dir);
    if (system(cmd) != 0)
        return -1;
    free(m);
    return 0;
}

static STACK_OF(X509) *roots_of(const emu_ctx *ctx, const char *set)
{
    char path[4096];

    snprintf(path, sizeof(path), "%s/roots/%s.pem", ctx->dir, set);
    return pem_certs(path);
}

static void emu_snp_reports(void **state)
{
    machines *m = *state;
    STACK_OF(X509) *real = testdata_certs("roots-cloud/amd/ask_ark_milan.pem");

    for (int i = 0; i < 4; i++) {
        const emu_ctx *ctx = &m->ctx[i];
        STACK_OF(X509) *roots;
        uint8_t rd[64], r[EMU_SNP_REPORT_SIZE];

        if (!emu_platform_is_snp(ctx->platform))
            continue;
        roots = roots_of(ctx, "amd-milan");
        assert_int_equal(RAND_bytes(rd, sizeof(rd)), 1);
        for (uint32_t vmpl = 0; vmpl < 2; vmpl++) {
            assert_int_equal(emu_snp_report(ctx, rd, vmpl, r), 0);
            assert_check(emu_check_snp_layout(r, sizeof(r), WHY));
            assert_check(emu_check_snp_signature(r, ctx->vcek, WHY));
            assert_check(emu_check_vcek(r, ctx->vcek, roots, WHY));
            assert_memory_equal(r + 0x50, rd, 64);
            assert_int_equal(emu_get_le32(r + 0x30), vmpl);
        }
        assert_int_equal(emu_get_le32(r), 3); /* Milan CPUID in v3 */
        assert_int_equal(r[0x188], 0x19);
        /* The test ARK is not AMD's. */
        assert_check_fails(emu_check_vcek(r, ctx->vcek, real, WHY), "ARK");
        r[0x15] ^= 0x80; /* the virtee negative's mutation */
        assert_check_fails(emu_check_snp_signature(r, ctx->vcek, WHY),
                           "does not verify");
        sk_X509_pop_free(roots, X509_free);
    }
    sk_X509_pop_free(real, X509_free);
}

static void emu_vcek_like_amd(void **state)
{
    machines *m = *state;
    attls_buf v = testdata("go-sev-guest/vcek_milan.der");
    X509 *real = der_cert(&v);
    char ours[1024], theirs[1024];
    const uint8_t *p;
    size_t n;

    ext_oids(real, theirs, sizeof(theirs));
    ext_oids(m->ctx[0].vcek, ours, sizeof(ours));
    assert_string_equal(ours, theirs);
    p = ext_value(m->ctx[0].vcek, "1.3.6.1.4.1.3704.1.2", &n);
    assert_memory_equal(p, "\x16\x08Milan-B0", 10);
    assert_int_equal(X509_get_signature_nid(m->ctx[0].vcek),
                     X509_get_signature_nid(real));
    assert_int_equal(ASN1_INTEGER_get(X509_get0_serialNumber(m->ctx[0].vcek)),
                     0);
    assert_int_equal(EVP_PKEY_get_bits(X509_get0_pubkey(m->ctx[0].ark)), 4096);
    X509_free(real);
    attls_buf_free(&v);
}

static void emu_snp_cert_tables(void **state)
{
    machines *m = *state;
    const emu_ctx *ctx = &m->ctx[2]; /* gcp-snp */
    X509 *certs[3] = {ctx->vcek, ctx->ask, ctx->ark};
    uint8_t *t = NULL;
    size_t len = 0;

    assert_int_equal(emu_snp_cert_table(ctx, &t, &len), 0);
    assert_memory_equal(t, "\x63\xda\x75\x8d\xe6\x64\x45\x64", 8);
    for (int i = 0; i < 3; i++) {
        uint32_t off = emu_get_le32(t + 24 * i + 16);
        uint32_t n = emu_get_le32(t + 24 * i + 20);
        const unsigned char *p = t + off;
        X509 *x;

        assert_true(off + n <= len);
        assert_non_null(x = d2i_X509(NULL, &p, n));
        assert_int_equal(X509_cmp(x, certs[i]), 0);
        X509_free(x);
    }
    for (int i = 0; i < 24; i++)
        assert_int_equal(t[72 + i], 0); /* terminator */
    free(t);
}

static void random_rsa_public(TPMT_PUBLIC *p)
{
    memset(p, 0, sizeof(*p));
    p->type = TPM2_ALG_RSA;
    p->nameAlg = TPM2_ALG_SHA256;
    p->parameters.rsaDetail.keyBits = 2048;
    p->unique.rsa.size = 256;
    assert_int_equal(RAND_bytes(p->unique.rsa.buffer, 256), 1);
    p->unique.rsa.buffer[0] |= 0x80;
}

static void emu_hcl_reports(void **state)
{
    machines *m = *state;
    attls_buf real = testdata("azure-cvm-tooling/hcl-report-tdx.bin");

    for (int i = 0; i < 2; i++) {
        const emu_ctx *ctx = &m->ctx[i];
        uint8_t out[EMU_HCL_NV_SIZE], user[64];
        const uint8_t *claims;
        size_t clen;
        uint32_t type;
        TPMT_PUBLIC ak, ek;

        random_rsa_public(&ak);
        random_rsa_public(&ek);
        assert_int_equal(RAND_bytes(user, sizeof(user)), 1);
        assert_int_equal(emu_hcl_report(ctx, &ak, &ek, user, out), 0);
        assert_check(
            emu_check_hcl(out, sizeof(out), &claims, &clen, &type, WHY));
        assert_check(emu_check_claims(claims, clen, ak.unique.rsa.buffer, 256,
                                      user, WHY));
        /* Header and request data as in the real (2025) TDX capture. */
        assert_memory_equal(out, real.data, 8);
        assert_memory_equal(out + 0x0C, real.data + 0x0C, 0x14);
        assert_memory_equal(out + 0x4C4, real.data + 0x4C4, 4);
        assert_memory_equal(out + 0x4CC, real.data + 0x4CC, 4);
        if (ctx->platform == EMU_AZURE_SNP) {
            STACK_OF(X509) *roots = roots_of(ctx, "amd-milan");

            assert_int_equal(type, 2);
            assert_check(emu_check_snp_layout(out + 0x20, 0x4A0, WHY));
            assert_check(emu_check_snp_signature(out + 0x20, ctx->vcek, WHY));
            assert_check(emu_check_vcek(out + 0x20, ctx->vcek, roots, WHY));
            assert_int_equal(emu_get_le32(out + 0x20 + 0x30), 0); /* VMPL0 */
            sk_X509_pop_free(roots, X509_free);
        } else {
            assert_int_equal(type, 4);
            assert_check(emu_check_tdreport(out + 0x20, WHY));
            assert_int_equal(emu_tdreport_check(ctx, out + 0x20), 0);
        }
        /* Any change to the claims breaks the binding. */
        out[0x4D4 + 10] ^= 1;
        assert_check_fails(
            emu_check_hcl(out, sizeof(out), &claims, &clen, &type, WHY),
            "REPORT_DATA");
    }
    attls_buf_free(&real);
}

static void emu_tdreport_mac(void **state)
{
    machines *m = *state;
    uint8_t rd[64] = {1, 2, 3}, r[EMU_TDREPORT_SIZE];

    assert_int_equal(emu_tdreport(&m->ctx[3], rd, r), 0);
    assert_check(emu_check_tdreport(r, WHY));
    assert_int_equal(emu_tdreport_check(&m->ctx[3], r), 0);
    /* Another machine's key, or any change, makes the MAC fail. */
    assert_int_not_equal(emu_tdreport_check(&m->ctx[1], r), 0);
    r[0x80] ^= 1;
    assert_int_not_equal(emu_tdreport_check(&m->ctx[3], r), 0);
}

static attls_code verify_quote(const emu_ctx *ctx, const uint8_t *q, size_t len,
                               const char *roots_dir, attls_tdx_claims *claims)
{
    attls_tdx_verify_params p = {.at = time(NULL)};
    attls_tdx_collateral coll;
    attls_trust_set trust;
    attls_status st;
    char dir[4096];
    attls_code rc;

    attls_status_clear(&st);
    snprintf(dir, sizeof(dir), "%s/collateral", ctx->dir);
    memset(&coll, 0, sizeof(coll));
    assert_int_equal(attls_tdx_collateral_load_dir(dir, &coll, &st), ATTLS_OK);
    assert_int_equal(attls_trust_set_load("intel-sgx", roots_dir, &trust, &st),
                     ATTLS_OK);
    p.trust = &trust;
    p.collateral = &coll;
    rc = attls_tdx_verify(q, len, &p, claims, &st);
    if (rc != ATTLS_OK)
        print_message("verify-tdx: %s: %s\n", st.check, st.message);
    attls_trust_set_free(&trust);
    attls_tdx_collateral_free(&coll);
    return rc;
}

static void emu_td_quotes(void **state)
{
    machines *m = *state;

    for (int i = 0; i < 4; i++) {
        const emu_ctx *ctx = &m->ctx[i];
        uint8_t rd[64], r[EMU_TDREPORT_SIZE], *q = NULL;
        attls_tdx_claims claims;
        char roots[4096];
        size_t len;

        if (!emu_platform_is_tdx(ctx->platform))
            continue;
        snprintf(roots, sizeof(roots), "%s/roots", ctx->dir);
        assert_int_equal(RAND_bytes(rd, sizeof(rd)), 1);
        assert_int_equal(emu_tdreport(ctx, rd, r), 0);
        assert_int_equal(emu_td_quote(ctx, r, 70, &q, &len), 0);
        assert_check(emu_check_td_quote_layout(q, len, WHY));

        memset(&claims, 0, sizeof(claims));
        assert_int_equal(verify_quote(ctx, q, len, roots, &claims), ATTLS_OK);
        assert_int_equal(claims.tcb.status, ATTLS_TDX_TCB_UP_TO_DATE);
        assert_int_equal(claims.trailing_len, 70);
        assert_memory_equal(claims.td.report_data, rd, 64);
        assert_memory_equal(claims.td.mrtd, ctx->tdx.mrtd, 48);
        assert_memory_equal(claims.td.rtmr, ctx->tdx.rtmr,
                            sizeof(ctx->tdx.rtmr));
        assert_int_equal(claims.td.td_attributes, ctx->tdx.td_attributes);
        attls_tdx_claims_free(&claims);

        /* The pinned (real) Intel root does not sign the test PCK chain. */
        memset(&claims, 0, sizeof(claims));
        assert_int_equal(verify_quote(ctx, q, len, NULL, &claims),
                         ATTLS_E_CERT_ROOT);
        attls_tdx_claims_free(&claims);
        free(q);
    }
}

static void emu_pck_like_intel(void **state)
{
    machines *m = *state;
    attls_buf rq = testdata("dcap-qvl/tdx_quote.dat");
    attls_tdx_quote q;
    attls_tdx_pck pck;
    attls_status st;
    char ours[4096] = "", theirs[4096] = "", eo[512], et[512];
    const uint8_t *p;
    size_t n;

    attls_status_clear(&st);
    assert_int_equal(attls_tdx_quote_parse(rq.data, rq.len, &q, &st), ATTLS_OK);
    assert_int_equal(attls_tdx_pck_load(&q, NULL, 0, &pck, &st), ATTLS_OK);
    ext_oids(pck.leaf, et, sizeof(et));
    ext_oids(m->ctx[3].pck, eo, sizeof(eo));
    assert_string_equal(eo, et);
    p = ext_value(pck.leaf, "1.2.840.113741.1.13.1", &n);
    der_shape(p, n, theirs, sizeof(theirs));
    p = ext_value(m->ctx[3].pck, "1.2.840.113741.1.13.1", &n);
    der_shape(p, n, ours, sizeof(ours));
    assert_string_equal(ours, theirs);
    attls_tdx_pck_free(&pck);
    attls_buf_free(&rq);
}

static void emu_ak_certs(void **state)
{
    machines *m = *state;
    attls_buf real = testdata("gcp-vtpm-ek-ak/akcert.pem");
    STACK_OF(X509) *rc = sk_X509_new_null();
    char ours[2048] = "", theirs[2048] = "", eo[512], et[512];
    const int idx[2] = {0, 2}; /* azure-snp, gcp-snp */

    assert_true(attls_pem_certs_append((const char *)real.data, real.len, rc) ==
                1);
    for (int k = 0; k < 2; k++) {
        const emu_ctx *ctx = &m->ctx[idx[k]];
        int azure = emu_platform_is_azure(ctx->platform);
        STACK_OF(X509) *roots =
            roots_of(ctx, azure ? "azure-vtpm" : "gcp-vtpm");
        EVP_PKEY *ak = emu_key_rsa(2048);
        X509_STORE *store = X509_STORE_new();
        X509_STORE_CTX *sc = X509_STORE_CTX_new();
        uint8_t *der = NULL;
        const unsigned char *p;
        size_t len;
        X509 *cert;

        assert_int_equal(emu_issue_ak_cert(ctx, ak, &der, &len), 0);
        p = der;
        assert_non_null(cert = d2i_X509(NULL, &p, (long)len));
        assert_int_equal(EVP_PKEY_eq(X509_get0_pubkey(cert), ak), 1);
        X509_STORE_add_cert(store, sk_X509_value(roots, 0));
        assert_int_equal(X509_STORE_CTX_init(sc, store, cert, roots), 1);
        X509_VERIFY_PARAM_set_flags(X509_STORE_CTX_get0_param(sc),
                                    X509_V_FLAG_X509_STRICT);
        assert_int_equal(X509_verify_cert(sc), 1);
        if (!azure) {
            const uint8_t *v;
            size_t n;

            ext_oids(sk_X509_value(rc, 0), et, sizeof(et));
            ext_oids(cert, eo, sizeof(eo));
            assert_string_equal(eo, et);
            v = ext_value(sk_X509_value(rc, 0), "1.3.6.1.4.1.11129.2.1.21", &n);
            der_shape(v, n, theirs, sizeof(theirs));
            v = ext_value(cert, "1.3.6.1.4.1.11129.2.1.21", &n);
            der_shape(v, n, ours, sizeof(ours));
            assert_string_equal(ours, theirs);
        }
        X509_STORE_CTX_free(sc);
        X509_STORE_free(store);
        X509_free(cert);
        OPENSSL_free(der);
        EVP_PKEY_free(ak);
        sk_X509_pop_free(roots, X509_free);
    }
    sk_X509_pop_free(rc, X509_free);
    attls_buf_free(&real);
}

static void gce_templates(void **state)
{
    attls_buf real = testdata("go-tpm-tools/attestations/"
                              "gce-cos-85-nonce9009.parts/ak_pub.tpmt_public");
    uint8_t rsa[512], ecc[512];
    size_t rlen, elen, off = 0;
    TPMT_PUBLIC t;

    (void)state;
    assert_int_equal(emu_gce_ak_template(0, rsa, sizeof(rsa), &rlen), 0);
    assert_int_equal(emu_gce_ak_template(1, ecc, sizeof(ecc), &elen), 0);
    /* The sizes tpm2_nvreadpublic shows for 0x01c10001 / 0x01c10003. */
    assert_int_equal(rlen, 280);
    assert_int_equal(elen, 88);
    /* The real GCE AK public area up to its modulus is the template. */
    assert_int_equal(real.len, rlen);
    assert_memory_equal(rsa, real.data, rlen - 256);
    assert_int_equal(Tss2_MU_TPMT_PUBLIC_Unmarshal(ecc, elen, &off, &t), 0);
    assert_int_equal(off, elen);
    assert_int_equal(t.objectAttributes, 0x00050072);
    assert_int_equal(t.parameters.eccDetail.curveID, TPM2_ECC_NIST_P256);
    attls_buf_free(&real);
}

static void json_keys(const char *json, size_t len, char *out, size_t cap)
{
    json_t *o = json_loadb(json, len, JSON_PRESERVE_ORDER, NULL);
    const char *k;
    json_t *v;

    assert_non_null(o);
    out[0] = '\0';
    json_object_foreach(o, k, v)
    {
        (void)v;
        strncat(out, k, cap - strlen(out) - 1);
        strncat(out, ",", cap - strlen(out) - 1);
    }
    json_decref(o);
}

static void emu_collateral_like_intel(void **state)
{
    machines *m = *state;
    static const char *const docs[] = {"tcb_info.json", "qe_identity.json"};
    char dir[4096], ours[512], theirs[512];

    snprintf(dir, sizeof(dir), "%s/collateral", m->ctx[3].dir);
    for (int i = 0; i < 2; i++) {
        char rel[128];
        attls_buf a = read_at(dir, docs[i]), b;

        snprintf(rel, sizeof(rel), "dcap-qvl/tdx_quote_collateral/%s", docs[i]);
        b = testdata(rel);
        json_keys((const char *)a.data, a.len, ours, sizeof(ours));
        json_keys((const char *)b.data, b.len, theirs, sizeof(theirs));
        assert_string_equal(ours, theirs);
        attls_buf_free(&a);
        attls_buf_free(&b);
    }
}

int main(void)
{
    const struct CMUnitTest real[] = {
        cmocka_unit_test(real_snp_reports),
        cmocka_unit_test(real_hcl_reports),
        cmocka_unit_test(real_td_quotes),
        cmocka_unit_test(gce_templates),
    };
    const struct CMUnitTest emulated[] = {
        cmocka_unit_test(emu_snp_reports),
        cmocka_unit_test(emu_vcek_like_amd),
        cmocka_unit_test(emu_snp_cert_tables),
        cmocka_unit_test(emu_hcl_reports),
        cmocka_unit_test(emu_tdreport_mac),
        cmocka_unit_test(emu_td_quotes),
        cmocka_unit_test(emu_pck_like_intel),
        cmocka_unit_test(emu_ak_certs),
        cmocka_unit_test(emu_collateral_like_intel),
    };
    int failed = cmocka_run_group_tests_name("real captures", real, NULL, NULL);

    return failed +
           cmocka_run_group_tests_name("emulated", emulated, setup, teardown);
}
