/* SPDX-License-Identifier: Apache-2.0 */
#include "emu_tdx.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "common/timeutil.h"
#include "emu_util.h"
#include "emu_x509.h"

/* TDREPORT_STRUCT (TDX module ABI): REPORTMACSTRUCT, TEE_TCB_INFO, TDINFO. */
#define RM_TYPE 0x00
#define RM_CPUSVN 0x10
#define RM_TEE_TCB_INFO_HASH 0x20
#define RM_TEE_INFO_HASH 0x50
#define RM_REPORTDATA 0x80
#define RM_MAC 0xE0
#define TCB_INFO 0x100
#define TCB_INFO_SIZE 239
#define TI_VALID 0
#define TI_SVN 8
#define TI_MRSEAM 24
#define TI_MRSIGNERSEAM 72
#define TI_ATTRIBUTES 120
#define TI_SVN2 128
#define TD_INFO 0x200
#define TD_INFO_SIZE 512
#define TD_ATTRIBUTES 0
#define TD_XFAM 8
#define TD_MRTD 16
#define TD_MRCONFIGID 64
#define TD_MROWNER 112
#define TD_MROWNERCONFIG 160
#define TD_RTMR 208

/* Quote v4 */
#define Q_BODY 48
#define Q_SIGLEN 632
#define QE_REPORT_SIZE 384
#define QE_AUTH_SIZE 32

static const uint8_t intel_qe_vendor[16] = {0x93, 0x9a, 0x72, 0x33, 0xf7, 0x9c,
                                            0x4c, 0xa9, 0x94, 0x0a, 0x0d, 0xb3,
                                            0x95, 0x7f, 0x06, 0x07};
/* MRSIGNER and ATTRIBUTES of Intel's TD quoting enclave (snp-tdx.md 2.2). */
static const uint8_t td_qe_mrsigner[32] = {
    0xdc, 0x9e, 0x2a, 0x7c, 0x6f, 0x94, 0x8f, 0x17, 0x47, 0x4e, 0x34,
    0xa7, 0xfc, 0x43, 0xed, 0x03, 0x0f, 0x7c, 0x15, 0x63, 0xf1, 0xba,
    0xbd, 0xdf, 0x63, 0x40, 0xc8, 0x2e, 0x0e, 0x54, 0xa8, 0xc5};
static const uint8_t td_qe_attributes[16] = {0x15, 0, 0, 0, 0, 0, 0, 0,
                                             0xe7, 0, 0, 0, 0, 0, 0, 0};
static const uint8_t tee_tcb_info_valid[8] = {0xff, 0x01, 0x03};

static int sha(const char *md, const void *data, size_t len, uint8_t *out)
{
    unsigned int n = 0;

    if (EVP_Digest(data, len, out, &n, EVP_get_digestbyname(md), NULL) != 1) {
        emu_err("%s failed", md);
        return -1;
    }
    return 0;
}

static int report_mac(const emu_ctx *ctx, const uint8_t *report, uint8_t *mac)
{
    unsigned int n = 0;

    if (HMAC(EVP_sha256(), ctx->tdx_mac_key, sizeof(ctx->tdx_mac_key), report,
             RM_MAC, mac, &n) == NULL ||
        n != 32) {
        emu_err("HMAC failed");
        return -1;
    }
    return 0;
}

int emu_tdreport(const emu_ctx *ctx, const uint8_t report_data[64],
                 uint8_t out[EMU_TDREPORT_SIZE])
{
    const emu_tdx_profile *t = &ctx->tdx;
    uint8_t *ti = out + TCB_INFO, *td = out + TD_INFO;

    if (!emu_platform_is_tdx(ctx->platform)) {
        emu_err("%s is not a TDX machine", emu_platform_name(ctx->platform));
        return -1;
    }
    memset(out, 0, EMU_TDREPORT_SIZE);
    out[RM_TYPE] = 0x81; /* TDX; subtype 0, version 0 */
    memcpy(out + RM_CPUSVN, t->cpusvn, 16);
    memcpy(out + RM_REPORTDATA, report_data, 64);

    memcpy(ti + TI_VALID, tee_tcb_info_valid, sizeof(tee_tcb_info_valid));
    memcpy(ti + TI_SVN, t->tee_tcb_svn, 16);
    memcpy(ti + TI_MRSEAM, t->mrseam, 48);
    memcpy(ti + TI_SVN2, t->tee_tcb_svn, 16);

    emu_put_le64(td + TD_ATTRIBUTES, t->td_attributes);
    emu_put_le64(td + TD_XFAM, t->xfam);
    memcpy(td + TD_MRTD, t->mrtd, 48);
    memcpy(td + TD_RTMR, t->rtmr, sizeof(t->rtmr));

    if (sha("SHA384", ti, TCB_INFO_SIZE, out + RM_TEE_TCB_INFO_HASH) != 0 ||
        sha("SHA384", td, TD_INFO_SIZE, out + RM_TEE_INFO_HASH) != 0)
        return -1;
    return report_mac(ctx, out, out + RM_MAC);
}

int emu_tdreport_check(const emu_ctx *ctx,
                       const uint8_t tdreport[EMU_TDREPORT_SIZE])
{
    uint8_t h[48], mac[32];

    if (tdreport[RM_TYPE] != 0x81) {
        emu_err("TDREPORT type 0x%02x is not TDX (0x81)", tdreport[RM_TYPE]);
        return -1;
    }
    if (report_mac(ctx, tdreport, mac) != 0)
        return -1;
    if (CRYPTO_memcmp(mac, tdreport + RM_MAC, sizeof(mac)) != 0) {
        emu_err("TDREPORT MAC does not verify: not made by this TD");
        return -1;
    }
    if (sha("SHA384", tdreport + TCB_INFO, TCB_INFO_SIZE, h) != 0 ||
        memcmp(h, tdreport + RM_TEE_TCB_INFO_HASH, 48) != 0 ||
        sha("SHA384", tdreport + TD_INFO, TD_INFO_SIZE, h) != 0 ||
        memcmp(h, tdreport + RM_TEE_INFO_HASH, 48) != 0) {
        emu_err("TDREPORT TEE_TCB_INFO/TDINFO do not match their hashes");
        return -1;
    }
    return 0;
}

/* The 584-byte TD report body of the quote, taken from the TDREPORT. */
static void quote_body(const uint8_t *r, uint8_t *b)
{
    const uint8_t *ti = r + TCB_INFO, *td = r + TD_INFO;

    memcpy(b + 0, ti + TI_SVN, 16);
    memcpy(b + 16, ti + TI_MRSEAM, 48);
    memcpy(b + 64, ti + TI_MRSIGNERSEAM, 48);
    memcpy(b + 112, ti + TI_ATTRIBUTES, 8);
    memcpy(b + 120, td + TD_ATTRIBUTES, 8);
    memcpy(b + 128, td + TD_XFAM, 8);
    memcpy(b + 136, td + TD_MRTD, 48);
    memcpy(b + 184, td + TD_MRCONFIGID, 48);
    memcpy(b + 232, td + TD_MROWNER, 48);
    memcpy(b + 280, td + TD_MROWNERCONFIG, 48);
    memcpy(b + 328, td + TD_RTMR, 4 * 48);
    memcpy(b + 520, r + RM_REPORTDATA, 64);
}

static int qe_report(const emu_ctx *ctx, const uint8_t att_key[64],
                     const uint8_t auth[QE_AUTH_SIZE], uint8_t *q)
{
    uint8_t buf[64 + QE_AUTH_SIZE];

    memset(q, 0, QE_REPORT_SIZE);
    memcpy(q + 0, ctx->tdx.cpusvn, 16);
    memcpy(q + 48, td_qe_attributes, 16);
    memcpy(q + 64, ctx->tdx.qe_mrenclave, 32);
    memcpy(q + 128, td_qe_mrsigner, 32);
    emu_put_le16(q + 256, 2); /* ISVPRODID of the TD-QE */
    emu_put_le16(q + 258, ctx->tdx.qe_isvsvn);
    /* REPORTDATA = SHA-256(attestation key || QE auth data) || 0^32 */
    memcpy(buf, att_key, 64);
    memcpy(buf + 64, auth, QE_AUTH_SIZE);
    return sha("SHA256", buf, sizeof(buf), q + 320);
}

static int pck_chain_pem(const emu_ctx *ctx, char **pem, size_t *len)
{
    *pem = NULL;
    *len = 0;
    if (emu_cert_pem_append(ctx->pck, pem, len) != 0 ||
        emu_cert_pem_append(ctx->platform_ca, pem, len) != 0 ||
        emu_cert_pem_append(ctx->intel_root, pem, len) != 0) {
        free(*pem);
        return -1;
    }
    (*len)++; /* the terminating NUL real quotes carry */
    return 0;
}

int emu_td_quote(const emu_ctx *ctx, const uint8_t tdreport[EMU_TDREPORT_SIZE],
                 size_t trailing, uint8_t **out, size_t *len)
{
    uint8_t att_key[64], auth[QE_AUTH_SIZE], *q = NULL, *p;
    size_t pem_len, cert_size, sig_len, total;
    char *pem = NULL;
    int rc = -1;

    if (ctx->attest_key == NULL) {
        emu_err("%s is not a TDX machine", emu_platform_name(ctx->platform));
        return -1;
    }
    for (int i = 0; i < QE_AUTH_SIZE; i++)
        auth[i] = (uint8_t)i; /* what Intel's QE puts there */
    if (emu_ec_point_raw(ctx->attest_key, 32, att_key) != 0 ||
        pck_chain_pem(ctx, &pem, &pem_len) != 0)
        goto end;
    cert_size = QE_REPORT_SIZE + 64 + 2 + QE_AUTH_SIZE + 2 + 4 + pem_len;
    sig_len = 64 + 64 + 2 + 4 + cert_size;
    total = Q_SIGLEN + 4 + sig_len + trailing;
    q = calloc(1, total);
    if (q == NULL) {
        emu_err("out of memory");
        goto end;
    }
    /* Header */
    emu_put_le16(q + 0, 4);
    emu_put_le16(q + 2, 2);    /* ECDSA-256-with-P-256 */
    emu_put_le32(q + 4, 0x81); /* TDX */
    memcpy(q + 12, intel_qe_vendor, 16);
    memcpy(q + 28, ctx->tdx.qe_id, 16); /* user data: QE ID, 4 zero bytes */
    quote_body(tdreport, q + Q_BODY);
    emu_put_le32(q + Q_SIGLEN, (uint32_t)sig_len);
    p = q + Q_SIGLEN + 4;
    if (emu_ecdsa_sign_raw(ctx->attest_key, "SHA256", q, Q_SIGLEN, 32, p,
                           p + 32) != 0)
        goto end;
    memcpy(p + 64, att_key, 64);
    p += 128;
    emu_put_le16(p, 6); /* QE report certification data */
    emu_put_le32(p + 2, (uint32_t)cert_size);
    p += 6;
    if (qe_report(ctx, att_key, auth, p) != 0 ||
        emu_ecdsa_sign_raw(ctx->pck_key, "SHA256", p, QE_REPORT_SIZE, 32,
                           p + QE_REPORT_SIZE, p + QE_REPORT_SIZE + 32) != 0)
        goto end;
    p += QE_REPORT_SIZE + 64;
    emu_put_le16(p, QE_AUTH_SIZE);
    memcpy(p + 2, auth, QE_AUTH_SIZE);
    p += 2 + QE_AUTH_SIZE;
    emu_put_le16(p, 5); /* PCK certificate chain, PEM */
    emu_put_le32(p + 2, (uint32_t)pem_len);
    memcpy(p + 6, pem, pem_len - 1); /* the last byte stays NUL */
    *out = q;
    *len = total;
    q = NULL;
    rc = 0;
end:
    free(pem);
    free(q);
    return rc;
}

/* ------------------------------------------------------------------ */
/* Collateral                                                           */

static int append(char **buf, size_t *len, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int append(char **buf, size_t *len, const char *fmt, ...)
{
    va_list ap;
    char *grown;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0 || (grown = realloc(*buf, *len + (size_t)n + 1)) == NULL)
        return -1;
    *buf = grown;
    va_start(ap, fmt);
    vsnprintf(*buf + *len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    *len += (size_t)n;
    return 0;
}

static void upper_hex(const uint8_t *p, size_t n, char *out)
{
    attls_hex_encode(p, n, out);
    for (char *c = out; *c; c++)
        if (*c >= 'a' && *c <= 'f')
            *c = (char)(*c - 'a' + 'A');
}

/* Component names of the real PCS TCB Info for an SPR platform. */
static const char *const sgx_comp_desc[16] = {
    ",\"category\":\"BIOS\",\"type\":\"Early Microcode Update\"",
    ",\"category\":\"OS/VMM\",\"type\":\"SGX Late Microcode Update\"",
    ",\"category\":\"OS/VMM\",\"type\":\"TXT SINIT\"",
    ",\"category\":\"BIOS\"",
    ",\"category\":\"BIOS\"",
    ",\"category\":\"BIOS\"",
    "",
    ",\"category\":\"OS/VMM\",\"type\":\"SEAMLDR ACM\"",
};

static int tcb_level(char **j, size_t *n, const emu_tdx_profile *t,
                     unsigned pcesvn, const char *date, const char *status,
                     const char *advisories)
{
    int rc = append(j, n, "{\"tcb\":{\"sgxtcbcomponents\":[");

    for (int i = 0; i < 16; i++)
        rc |= append(j, n, "%s{\"svn\":%u%s}", i ? "," : "", t->cpusvn[i],
                     sgx_comp_desc[i] ? sgx_comp_desc[i] : "");
    rc |= append(j, n, "],\"pcesvn\":%u,\"tdxtcbcomponents\":[", pcesvn);
    rc |= append(j, n,
                 "{\"svn\":%u,\"category\":\"OS/VMM\",\"type\":\"TDX Module\"},"
                 "{\"svn\":0,\"category\":\"OS/VMM\",\"type\":\"TDX Module\"},"
                 "{\"svn\":%u,\"category\":\"OS/VMM\",\"type\":\"TDX Late "
                 "Microcode Update\"}",
                 t->tee_tcb_svn[0], t->tee_tcb_svn[2]);
    for (int i = 3; i < 16; i++)
        rc |= append(j, n, ",{\"svn\":0}");
    rc |= append(j, n, "]},\"tcbDate\":\"%s\",\"tcbStatus\":\"%s\"%s}", date,
                 status, advisories);
    return rc;
}

static int tcb_info_json(const emu_tdx_profile *t, const char *issue,
                         const char *next, char **j, size_t *n)
{
    static const char zero48[] = "000000000000000000000000000000000000000000000"
                                 "000000000000000000000000000000000000000000000"
                                 "000000";
    static const char module[] =
        "\"mrsigner\":\"%s\",\"attributes\":\"0000000000000000\","
        "\"attributesMask\":\"FFFFFFFFFFFFFFFF\"";
    char fmspc[13], pceid[5];
    int rc = 0;

    upper_hex(t->fmspc, 6, fmspc);
    upper_hex(t->pceid, 2, pceid);
    rc |= append(j, n,
                 "{\"id\":\"TDX\",\"version\":3,\"issueDate\":\"%s\","
                 "\"nextUpdate\":\"%s\",\"fmspc\":\"%s\",\"pceId\":\"%s\","
                 "\"tcbType\":0,\"tcbEvaluationDataNumber\":17,"
                 "\"tdxModule\":{",
                 issue, next, fmspc, pceid);
    rc |= append(j, n, module, zero48);
    rc |= append(j, n, "},\"tdxModuleIdentities\":[{\"id\":\"TDX_%02X\",",
                 t->tee_tcb_svn[1]);
    rc |= append(j, n, module, zero48);
    rc |= append(j, n,
                 ",\"tcbLevels\":[{\"tcb\":{\"isvsvn\":%u},\"tcbDate\":"
                 "\"2024-03-13T00:00:00Z\",\"tcbStatus\":\"UpToDate\"}]}],"
                 "\"tcbLevels\":[",
                 t->tee_tcb_svn[0]);
    rc |= tcb_level(j, n, t, t->pcesvn, "2024-03-13T00:00:00Z", "UpToDate", "");
    rc |= append(j, n, ",");
    rc |= tcb_level(j, n, t, 5, "2018-01-04T00:00:00Z", "OutOfDate",
                    ",\"advisoryIDs\":[\"INTEL-SA-00837\"]");
    rc |= append(j, n, "]}");
    return rc;
}

static int qe_identity_json(const emu_tdx_profile *t, const char *issue,
                            const char *next, char **j, size_t *n)
{
    char mrsigner[65];

    upper_hex(td_qe_mrsigner, 32, mrsigner);
    return append(j, n,
                  "{\"id\":\"TD_QE\",\"version\":2,\"issueDate\":\"%s\","
                  "\"nextUpdate\":\"%s\",\"tcbEvaluationDataNumber\":17,"
                  "\"miscselect\":\"00000000\",\"miscselectMask\":\"FFFFFFFF\","
                  "\"attributes\":\"11000000000000000000000000000000\","
                  "\"attributesMask\":\"FBFFFFFFFFFFFFFF0000000000000000\","
                  "\"mrsigner\":\"%s\",\"isvprodid\":2,\"tcbLevels\":[{\"tcb\":"
                  "{\"isvsvn\":%u},\"tcbDate\":\"2024-03-13T00:00:00Z\","
                  "\"tcbStatus\":\"UpToDate\"}]}",
                  issue, next, mrsigner, t->qe_isvsvn);
}

static int write_signed_json(const emu_ctx *ctx, const char *dir,
                             const char *base, const char *json, size_t len)
{
    uint8_t rs[64];
    char path[4096], name[128], hex[129];

    if (emu_ecdsa_sign_raw(ctx->tcb_signing_key, "SHA256", json, len, 32, rs,
                           rs + 32) != 0)
        return -1;
    attls_hex_encode(rs, sizeof(rs), hex);
    snprintf(name, sizeof(name), "%s.json", base);
    if (emu_path(path, sizeof(path), dir, name) != 0 ||
        emu_write_file(path, json, len, 0644) != 0)
        return -1;
    snprintf(name, sizeof(name), "%s.sig.hex", base);
    return emu_path(path, sizeof(path), dir, name) != 0 ||
                   emu_write_file(path, hex, 128, 0644) != 0
               ? -1
               : 0;
}

static int write_chain(const char *dir, const char *name, X509 *a, X509 *b)
{
    char path[4096], *pem = NULL;
    size_t len = 0;
    int rc = -1;

    if (emu_cert_pem_append(a, &pem, &len) == 0 &&
        emu_cert_pem_append(b, &pem, &len) == 0 &&
        emu_path(path, sizeof(path), dir, name) == 0)
        rc = emu_write_file(path, pem, len, 0644);
    free(pem);
    return rc;
}

static int write_crl(const char *dir, const char *name, X509 *issuer,
                     EVP_PKEY *key, time_t now)
{
    X509_CRL *crl = emu_crl_issue(issuer, key, EMU_SIG_ECDSA_SHA256, now,
                                  now + 30 * 86400L, 1);
    unsigned char *der = NULL;
    char path[4096];
    int n, rc = -1;

    if (crl != NULL && (n = i2d_X509_CRL(crl, &der)) > 0 &&
        emu_path(path, sizeof(path), dir, name) == 0)
        rc = emu_write_file(path, der, (size_t)n, 0644);
    OPENSSL_free(der);
    X509_CRL_free(crl);
    return rc;
}

int emu_tdx_collateral(const emu_ctx *ctx)
{
    char dir[4096], issue[32], next[32], *json = NULL;
    time_t now = time(NULL);
    size_t len = 0;
    int rc = -1;

    if (emu_path(dir, sizeof(dir), ctx->dir, "collateral") != 0)
        return -1;
    if (mkdir(dir, 0755) != 0 && errno != EEXIST) {
        emu_err("cannot create %s: %s", dir, strerror(errno));
        return -1;
    }
    attls_format_rfc3339(now, issue, sizeof(issue));
    attls_format_rfc3339(now + 30 * 86400L, next, sizeof(next));
    if (tcb_info_json(&ctx->tdx, issue, next, &json, &len) != 0 ||
        write_signed_json(ctx, dir, "tcb_info", json, len) != 0)
        goto end;
    free(json);
    json = NULL;
    len = 0;
    if (qe_identity_json(&ctx->tdx, issue, next, &json, &len) != 0 ||
        write_signed_json(ctx, dir, "qe_identity", json, len) != 0 ||
        write_chain(dir, "tcb_info_issuer_chain.pem", ctx->tcb_signing,
                    ctx->intel_root) != 0 ||
        write_chain(dir, "qe_identity_issuer_chain.pem", ctx->tcb_signing,
                    ctx->intel_root) != 0 ||
        write_chain(dir, "pck_crl_issuer_chain.pem", ctx->platform_ca,
                    ctx->intel_root) != 0 ||
        write_crl(dir, "pck_crl.der", ctx->platform_ca, ctx->platform_ca_key,
                  now) != 0 ||
        write_crl(dir, "root_ca_crl.der", ctx->intel_root, ctx->intel_root_key,
                  now) != 0)
        goto end;
    rc = 0;
end:
    if (rc != 0)
        emu_err("cannot write the TDX collateral to %s", dir);
    free(json);
    return rc;
}
