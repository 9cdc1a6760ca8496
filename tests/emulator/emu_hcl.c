/* SPDX-License-Identifier: Apache-2.0 */
#include "emu_hcl.h"

#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <openssl/evp.h>

#include "emu_snp.h"
#include "emu_tdx.h"
#include "emu_util.h"

#define HCL_HW_REPORT 0x20
#define HCL_HW_REPORT_SIZE 0x4A0 /* the SNP report size; TDX pads with 0 */
#define HCL_REQUEST_DATA 0x4C0

static json_t *rsa_jwk(const char *kid, const char *op, const TPMT_PUBLIC *p)
{
    uint32_t e = p->parameters.rsaDetail.exponent
                     ? p->parameters.rsaDetail.exponent
                     : 65537;
    uint8_t eb[4] = {(uint8_t)(e >> 24), (uint8_t)(e >> 16), (uint8_t)(e >> 8),
                     (uint8_t)e};
    size_t skip = 0;
    char *es, *ns;
    json_t *jwk = NULL;

    if (p->type != TPM2_ALG_RSA || p->unique.rsa.size == 0) {
        emu_err("%s is not an RSA public key", kid);
        return NULL;
    }
    while (skip < 3 && eb[skip] == 0)
        skip++;
    es = attls_b64url_encode(eb + skip, sizeof(eb) - skip);
    ns = attls_b64url_encode(p->unique.rsa.buffer, p->unique.rsa.size);
    if (es != NULL && ns != NULL)
        jwk = json_pack("{s:s, s:[s], s:s, s:s, s:s}", "kid", kid, "key_ops",
                        op, "kty", "RSA", "e", es, "n", ns);
    OPENSSL_free(es);
    OPENSSL_free(ns);
    return jwk;
}

/* The runtime claims, in the key order of real Azure reports. */
static char *runtime_claims(const emu_ctx *ctx, const TPMT_PUBLIC *ak,
                            const TPMT_PUBLIC *ek, const uint8_t user_data[64])
{
    json_t *akj = rsa_jwk("HCLAkPub", "sign", ak);
    json_t *ekj = rsa_jwk("HCLEkPub", "encrypt", ek);
    json_t *claims = NULL;
    char hex[129], *text = NULL;

    attls_hex_encode(user_data, 64, hex);
    for (char *c = hex; *c; c++) /* the paravisor writes upper-case hex */
        if (*c >= 'a' && *c <= 'f')
            *c = (char)(*c - 'a' + 'A');
    if (akj != NULL && ekj != NULL) {
        /* "o" steals both references, also when packing fails. */
        claims = json_pack("{s:[o, o], s:{s:b, s:s, s:b, s:b, s:b, s:s}, s:s}",
                           "keys", akj, ekj, "vm-configuration",
                           "console-enabled", 1, "root-cert-thumbprint",
                           ctx->azure.root_cert_thumbprint, "secure-boot", 1,
                           "tpm-enabled", 1, "tpm-persisted", 1, "vmUniqueId",
                           ctx->azure.vm_unique_id, "user-data", hex);
        akj = ekj = NULL;
    }
    json_decref(akj);
    json_decref(ekj);
    if (claims != NULL)
        text = json_dumps(claims, JSON_COMPACT | JSON_PRESERVE_ORDER);
    json_decref(claims);
    if (text == NULL)
        emu_err("cannot build the runtime claims");
    return text;
}

int emu_hcl_report(const emu_ctx *ctx, const TPMT_PUBLIC *ak,
                   const TPMT_PUBLIC *ek, const uint8_t user_data[64],
                   uint8_t out[EMU_HCL_NV_SIZE])
{
    int tdx = ctx->platform == EMU_AZURE_TDX;
    uint8_t report_data[64] = {0};
    unsigned int dlen = 0;
    size_t claims_len;
    char *claims;
    int rc = -1;

    if (!emu_platform_is_azure(ctx->platform)) {
        emu_err("%s has no paravisor report", emu_platform_name(ctx->platform));
        return -1;
    }
    claims = runtime_claims(ctx, ak, ek, user_data);
    if (claims == NULL)
        return -1;
    claims_len = strlen(claims);
    if (EMU_HCL_CLAIMS_OFFSET + claims_len > EMU_HCL_NV_SIZE) {
        emu_err("runtime claims of %zu bytes do not fit the NV index",
                claims_len);
        goto end;
    }
    memset(out, 0, EMU_HCL_NV_SIZE);
    /* REPORT_DATA = SHA-256(claims) || 32 zero bytes */
    if (EVP_Digest(claims, claims_len, report_data, &dlen, EVP_sha256(),
                   NULL) != 1)
        goto end;
    if (tdx ? emu_tdreport(ctx, report_data, out + HCL_HW_REPORT)
            : emu_snp_report(ctx, report_data, 0, out + HCL_HW_REPORT))
        goto end;

    emu_put_le32(out + 0x00, 0x414C4348); /* "HCLA" */
    emu_put_le32(out + 0x04, 2);          /* version */
    emu_put_le32(out + 0x08, (uint32_t)(EMU_HCL_CLAIMS_OFFSET + claims_len));
    emu_put_le32(out + 0x0C, 2); /* AK_CERT_REQUEST */
    emu_put_le32(out + HCL_REQUEST_DATA + 0x00, (uint32_t)(20 + claims_len));
    emu_put_le32(out + HCL_REQUEST_DATA + 0x04, 1); /* request data version */
    emu_put_le32(out + HCL_REQUEST_DATA + 0x08, tdx ? 4 : 2);
    emu_put_le32(out + HCL_REQUEST_DATA + 0x0C, 1); /* SHA-256 */
    emu_put_le32(out + HCL_REQUEST_DATA + 0x10, (uint32_t)claims_len);
    memcpy(out + EMU_HCL_CLAIMS_OFFSET, claims, claims_len);
    rc = 0;
end:
    free(claims);
    return rc;
}
