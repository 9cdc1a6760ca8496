/* SPDX-License-Identifier: Apache-2.0 */
#include "emu_check.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <jansson.h>
#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/x509v3.h>

#include "common/bytes.h"
#include "emu_util.h"

static int fail(char *why, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static int fail(char *why, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(why, EMU_WHY, fmt, ap);
    va_end(ap);
    return -1;
}

static int zero(const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (p[i] != 0)
            return 0;
    return 1;
}

static int mbz(const uint8_t *r, size_t from, size_t to, char *why)
{
    return zero(r + from, to - from)
               ? 0
               : fail(why, "SNP report: bytes 0x%03zx..0x%03zx must be zero",
                      from, to);
}

int emu_check_snp_layout(const uint8_t *r, size_t len, char *why)
{
    uint32_t version, signer;
    uint64_t policy;

    if (len != 0x4A0)
        return fail(why, "SNP report: %zu bytes, expected 1184", len);
    version = emu_get_le32(r);
    policy = emu_get_le64(r + 0x08);
    signer = emu_get_le32(r + 0x48);
    if (version < 2 || version > 5)
        return fail(why, "SNP report: version %u not in 2..5", version);
    if (emu_get_le32(r + 0x34) != 1)
        return fail(why, "SNP report: SIGNATURE_ALGO %u, expected 1",
                    emu_get_le32(r + 0x34));
    if (!(policy & (1ULL << 17)) || (policy >> 26) != 0)
        return fail(why,
                    "SNP report: POLICY 0x%llx: bit 17 must be 1, "
                    "bits 63:26 zero",
                    (unsigned long long)policy);
    if (emu_get_le32(r + 0x30) > 3)
        return fail(why, "SNP report: VMPL %u > 3", emu_get_le32(r + 0x30));
    if ((signer >> 5) != 0 || ((signer >> 2) & 7) > 1)
        return fail(why, "SNP report: signer info 0x%x invalid", signer);
    if (mbz(r, 0x04C, 0x050, why) ||
        mbz(r, version >= 3 ? 0x18B : 0x188, 0x1A0, why) ||
        mbz(r, 0x1EB, 0x1EC, why) || mbz(r, 0x1EF, 0x1F0, why) ||
        (version < 5 && mbz(r, 0x1F8, 0x208, why)) ||
        mbz(r, 0x208, 0x2A0, why) || mbz(r, 0x2A0 + 48, 0x2E8, why) ||
        mbz(r, 0x2E8 + 48, 0x330, why) || mbz(r, 0x330, 0x4A0, why))
        return -1;
    return 0;
}

int emu_check_snp_signature(const uint8_t *r, X509 *vek, char *why)
{
    EVP_PKEY *key = X509_get0_pubkey(vek);
    ECDSA_SIG *sig = ECDSA_SIG_new();
    BIGNUM *br = BN_lebin2bn(r + 0x2A0, 72, NULL);
    BIGNUM *bs = BN_lebin2bn(r + 0x2E8, 72, NULL);
    EVP_MD_CTX *mctx = EVP_MD_CTX_new();
    unsigned char *der = NULL;
    int n, ok = 0;

    if (sig != NULL && br != NULL && bs != NULL &&
        ECDSA_SIG_set0(sig, br, bs)) {
        br = bs = NULL;
        n = i2d_ECDSA_SIG(sig, &der);
        ok = n > 0 && key != NULL && mctx != NULL &&
             EVP_DigestVerifyInit_ex(mctx, NULL, "SHA384", NULL, NULL, key,
                                     NULL) == 1 &&
             EVP_DigestVerify(mctx, der, (size_t)n, r, 0x2A0) == 1;
    }
    BN_free(br);
    BN_free(bs);
    ECDSA_SIG_free(sig);
    OPENSSL_free(der);
    EVP_MD_CTX_free(mctx);
    ERR_clear_error(); /* a failed verification leaves its errors queued */
    return ok ? 0 : fail(why, "SNP report signature does not verify");
}

static int ext_bytes(X509 *x, const char *oid, const uint8_t **p, size_t *n)
{
    ASN1_OBJECT *obj = OBJ_txt2obj(oid, 1);
    int i = obj ? X509_get_ext_by_OBJ(x, obj, -1) : -1;
    const ASN1_OCTET_STRING *os;

    ASN1_OBJECT_free(obj);
    if (i < 0)
        return -1;
    os = X509_EXTENSION_get_data(X509_get_ext(x, i));
    *p = ASN1_STRING_get0_data(os);
    *n = (size_t)ASN1_STRING_length(os);
    return 0;
}

static int ext_int(X509 *x, const char *oid, long *v)
{
    const uint8_t *p;
    size_t n;
    ASN1_INTEGER *ai;
    int ok;

    if (ext_bytes(x, oid, &p, &n) != 0 ||
        (ai = d2i_ASN1_INTEGER(NULL, &p, (long)n)) == NULL)
        return -1;
    ok = ASN1_INTEGER_get_int64((int64_t *)v, ai) == 1;
    ASN1_INTEGER_free(ai);
    return ok ? 0 : -1;
}

int emu_check_vcek(const uint8_t *r, X509 *vcek, STACK_OF(X509) *ask_ark,
                   char *why)
{
    static const struct {
        const char *oid;
        int byte;
    } spl[] = {{"1.3.6.1.4.1.3704.1.3.1", 0},
               {"1.3.6.1.4.1.3704.1.3.2", 1},
               {"1.3.6.1.4.1.3704.1.3.3", 6},
               {"1.3.6.1.4.1.3704.1.3.8", 7}};
    X509_STORE *store = X509_STORE_new();
    X509_STORE_CTX *ctx = X509_STORE_CTX_new();
    STACK_OF(X509) *untrusted = sk_X509_new_null();
    const uint8_t *hwid;
    size_t hwid_len;
    int ok = 0;

    for (int i = 0; i < sk_X509_num(ask_ark); i++) {
        X509 *c = sk_X509_value(ask_ark, i);

        if (X509_check_issued(c, c) == X509_V_OK)
            X509_STORE_add_cert(store, c);
        else
            sk_X509_push(untrusted, c);
    }
    ok = store != NULL && ctx != NULL &&
         X509_STORE_CTX_init(ctx, store, vcek, untrusted) == 1 &&
         X509_verify_cert(ctx) == 1;
    X509_STORE_CTX_free(ctx);
    X509_STORE_free(store);
    sk_X509_free(untrusted);
    ERR_clear_error();
    if (!ok)
        return fail(why, "VCEK does not chain to the ARK");
    for (size_t i = 0; i < sizeof(spl) / sizeof(*spl); i++) {
        long v;

        if (ext_int(vcek, spl[i].oid, &v) != 0 || v != r[0x180 + spl[i].byte])
            return fail(why, "VCEK %s differs from REPORTED_TCB byte %d",
                        spl[i].oid, spl[i].byte);
    }
    if (ext_bytes(vcek, "1.3.6.1.4.1.3704.1.4", &hwid, &hwid_len) != 0 ||
        hwid_len != 64 || memcmp(hwid, r + 0x1A0, 64) != 0)
        return fail(why, "VCEK hwID differs from CHIP_ID");
    return 0;
}

int emu_check_hcl(const uint8_t *b, size_t nv_len, const uint8_t **claims,
                  size_t *claims_len, uint32_t *report_type, char *why)
{
    uint32_t version, report_size, data_size, clen, type;
    const uint8_t *rd;
    uint8_t h[32];
    unsigned int n = 0;

    if (nv_len < 0x4D4)
        return fail(why, "HCL: %zu bytes, shorter than the header", nv_len);
    if (emu_get_le32(b) != 0x414C4348)
        return fail(why, "HCL: no HCLA signature");
    version = emu_get_le32(b + 4);
    report_size = emu_get_le32(b + 8);
    data_size = emu_get_le32(b + 0x4C0);
    type = emu_get_le32(b + 0x4C8);
    clen = emu_get_le32(b + 0x4D0);
    if (version != 1 && version != 2)
        return fail(why, "HCL: version %u, expected 1 or 2", version);
    if (emu_get_le32(b + 0x0C) != 2 || emu_get_le32(b + 0x10) != 0)
        return fail(why, "HCL: request type %u status %u, expected 2 and 0",
                    emu_get_le32(b + 0x0C), emu_get_le32(b + 0x10));
    if (clen > nv_len - 0x4D4 || report_size != 0x4D4 + clen ||
        data_size != 20 + clen)
        return fail(why,
                    "HCL: report_size %u data_size %u claims %u "
                    "inconsistent (NV %zu bytes)",
                    report_size, data_size, clen, nv_len);
    if (emu_get_le32(b + 0x4C4) != 1 || (type != 2 && type != 4) ||
        emu_get_le32(b + 0x4CC) != 1)
        return fail(why, "HCL: request data version %u type %u hash %u",
                    emu_get_le32(b + 0x4C4), type, emu_get_le32(b + 0x4CC));
    if (!zero(b + report_size, nv_len - report_size))
        return fail(why, "HCL: bytes after report_size are not zero");
    if (type == 4 && !zero(b + 0x420, 0xA0))
        return fail(why, "HCL: the 160 bytes after the TDREPORT not zero");
    rd = b + (type == 2 ? 0x70 : 0xA0);
    if (EVP_Digest(b + 0x4D4, clen, h, &n, EVP_sha256(), NULL) != 1 ||
        memcmp(h, rd, 32) != 0 || !zero(rd + 32, 32))
        return fail(why, "HCL: REPORT_DATA != SHA-256(claims) || 0^32");
    *claims = b + 0x4D4;
    *claims_len = clen;
    *report_type = type;
    return 0;
}

static const char *str(json_t *o, const char *key)
{
    const char *v = json_string_value(json_object_get(o, key));

    return v != NULL ? v : "";
}

static int keys_are(json_t *o, const char *const *names, const char *what,
                    char *why)
{
    const char *k;
    json_t *v;
    size_t i = 0;

    if (!json_is_object(o))
        return fail(why, "claims: %s is not an object", what);
    json_object_foreach(o, k, v)
    {
        (void)v;
        if (names[i] == NULL || strcmp(k, names[i]) != 0)
            return fail(why, "claims: %s key #%zu is '%s', expected '%s'", what,
                        i, k, names[i] ? names[i] : "(none)");
        i++;
    }
    return names[i] == NULL
               ? 0
               : fail(why, "claims: %s lacks '%s'", what, names[i]);
}

int emu_check_claims(const uint8_t *claims, size_t len, const uint8_t *ak_n,
                     size_t ak_n_len, const uint8_t *user_data, char *why)
{
    /* The order of the current Azure format (hcl-report-tdx.bin). */
    static const char *const top[] = {"keys", "vm-configuration", "user-data",
                                      NULL};
    static const char *const jwk[] = {"kid", "key_ops", "kty", "e", "n", NULL};
    static const char *const vmc[] = {
        "console-enabled", "root-cert-thumbprint", "secure-boot", "tpm-enabled",
        "tpm-persisted",   "vmUniqueId",           NULL};
    static const char *const kids[] = {"HCLAkPub", "HCLEkPub"};
    json_error_t jerr;
    json_t *root =
        json_loadb((const char *)claims, len,
                   JSON_REJECT_DUPLICATES | JSON_PRESERVE_ORDER, &jerr);
    json_t *keys;
    const char *ud;
    uint8_t ud_bytes[64];
    int rc = -1;

    if (root == NULL)
        return fail(why, "claims: not JSON: %s", jerr.text);
    keys = json_object_get(root, "keys");
    if (keys_are(root, top, "the claims", why) ||
        keys_are(json_object_get(root, "vm-configuration"), vmc,
                 "vm-configuration", why))
        goto end;
    if (json_array_size(keys) != 2) {
        fail(why, "claims: %zu keys, expected HCLAkPub and HCLEkPub",
             json_array_size(keys));
        goto end;
    }
    for (size_t i = 0; i < 2; i++) {
        json_t *k = json_array_get(keys, i);

        if (keys_are(k, jwk, "a JWK", why))
            goto end;
        if (strcmp(str(k, "kid"), kids[i]) != 0 ||
            strcmp(str(k, "kty"), "RSA") != 0 ||
            strcmp(str(k, "e"), "AQAB") != 0) {
            fail(why, "claims: key %zu is not the RSA %s", i, kids[i]);
            goto end;
        }
    }
    if (ak_n != NULL) {
        const char *n =
            json_string_value(json_object_get(json_array_get(keys, 0), "n"));
        attls_buf nb = {0};
        int same = n != NULL && attls_b64url_decode(n, strlen(n), &nb) == 0 &&
                   nb.len == ak_n_len && memcmp(nb.data, ak_n, ak_n_len) == 0;

        attls_buf_free(&nb);
        if (!same) {
            fail(why, "claims: HCLAkPub is not the AK's modulus");
            goto end;
        }
    }
    ud = json_string_value(json_object_get(root, "user-data"));
    if (ud == NULL || strlen(ud) != 128 ||
        attls_hex_decode(ud, 128, ud_bytes, sizeof(ud_bytes)) != 0) {
        fail(why, "claims: user-data is not 128 hex digits");
        goto end;
    }
    if (user_data != NULL && memcmp(ud_bytes, user_data, 64) != 0) {
        fail(why, "claims: user-data is not the 64 bytes written");
        goto end;
    }
    rc = 0;
end:
    json_decref(root);
    return rc;
}

int emu_check_tdreport(const uint8_t *t, char *why)
{
    uint8_t h[48];
    unsigned int n = 0;

    if (t[0] != 0x81)
        return fail(why, "TDREPORT: type 0x%02x, expected 0x81", t[0]);
    if (EVP_Digest(t + 0x100, 239, h, &n, EVP_sha384(), NULL) != 1 ||
        memcmp(h, t + 0x20, 48) != 0)
        return fail(why, "TDREPORT: TEE_TCB_INFO_HASH mismatch");
    if (EVP_Digest(t + 0x200, 512, h, &n, EVP_sha384(), NULL) != 1 ||
        memcmp(h, t + 0x50, 48) != 0)
        return fail(why, "TDREPORT: TEE_INFO_HASH mismatch");
    return 0;
}

int emu_check_td_quote_layout(const uint8_t *q, size_t len, char *why)
{
    static const uint8_t intel[16] = {0x93, 0x9a, 0x72, 0x33, 0xf7, 0x9c,
                                      0x4c, 0xa9, 0x94, 0x0a, 0x0d, 0xb3,
                                      0x95, 0x7f, 0x06, 0x07};
    uint32_t sig_len, cert_size, inner_size;
    size_t end, p;
    uint16_t auth;

    if (len < 0x302 + 384 + 64 + 2)
        return fail(why, "TD quote: %zu bytes, too short", len);
    if (emu_get_le16(q) != 4 || emu_get_le16(q + 2) != 2 ||
        emu_get_le32(q + 4) != 0x81 || memcmp(q + 12, intel, 16) != 0)
        return fail(why,
                    "TD quote: header (version %u, key type %u, TEE "
                    "0x%x, vendor) not an Intel TDX quote v4",
                    emu_get_le16(q), emu_get_le16(q + 2), emu_get_le32(q + 4));
    sig_len = emu_get_le32(q + 0x278);
    if (sig_len > len - 0x27C)
        return fail(why, "TD quote: signature data of %u bytes overruns",
                    sig_len);
    end = 0x27C + (size_t)sig_len;
    cert_size = emu_get_le32(q + 0x2FE);
    if (emu_get_le16(q + 0x2FC) != 6 || 0x302 + (size_t)cert_size != end)
        return fail(why, "TD quote: certification data type %u size %u",
                    emu_get_le16(q + 0x2FC), cert_size);
    auth = emu_get_le16(q + 0x4C2);
    p = 0x4C4 + (size_t)auth;
    if (p + 6 > end)
        return fail(why, "TD quote: QE auth data of %u bytes overruns", auth);
    inner_size = emu_get_le32(q + p + 2);
    if (emu_get_le16(q + p) != 5 || p + 6 + inner_size != end)
        return fail(why, "TD quote: inner certification type %u size %u",
                    emu_get_le16(q + p), inner_size);
    if (inner_size < 64 ||
        memcmp(q + p + 6, "-----BEGIN CERTIFICATE-----", 27) != 0)
        return fail(why, "TD quote: the PCK chain is not PEM");
    return 0;
}
