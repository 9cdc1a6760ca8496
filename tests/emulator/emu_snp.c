/* SPDX-License-Identifier: Apache-2.0 */
#include "emu_snp.h"

#include <stdlib.h>
#include <string.h>

#include "emu_util.h"
#include "emu_x509.h"

/* TCB_VERSION, Milan/Genoa layout: bytes 0, 1, 6, 7 = bl, tee, snp, ucode. */
static void put_tcb(uint8_t *p, const emu_snp_tcb *t)
{
    memset(p, 0, 8);
    p[0] = t->bl;
    p[1] = t->tee;
    p[6] = t->snp;
    p[7] = t->ucode;
}

int emu_snp_report(const emu_ctx *ctx, const uint8_t report_data[64],
                   uint32_t vmpl, uint8_t out[EMU_SNP_REPORT_SIZE])
{
    const emu_snp_profile *s = &ctx->snp;
    uint8_t r[72] = {0}, sig_s[72] = {0};

    if (ctx->vcek_key == NULL) {
        emu_err("no VCEK: %s is not an SEV-SNP machine",
                emu_platform_name(ctx->platform));
        return -1;
    }
    memset(out, 0, EMU_SNP_REPORT_SIZE);
    emu_put_le32(out + 0x000, s->version);
    emu_put_le32(out + 0x004, s->guest_svn);
    emu_put_le64(out + 0x008, s->policy);
    memcpy(out + 0x010, s->family_id, 16);
    memcpy(out + 0x020, s->image_id, 16);
    emu_put_le32(out + 0x030, vmpl);
    emu_put_le32(out + 0x034, 1); /* ECDSA P-384 with SHA-384 */
    put_tcb(out + 0x038, &s->current);
    emu_put_le64(out + 0x040, s->platform_info);
    emu_put_le32(out + 0x048, 0); /* signed by the VCEK, no author key */
    memcpy(out + 0x050, report_data, 64);
    memcpy(out + 0x090, s->measurement, 48);
    memcpy(out + 0x0C0, s->host_data, 32);
    memcpy(out + 0x0E0, s->id_key_digest, 48);
    memcpy(out + 0x110, s->author_key_digest, 48);
    memcpy(out + 0x140, s->report_id, 32);
    memset(out + 0x160, 0xFF, 32); /* REPORT_ID_MA: no migration agent */
    put_tcb(out + 0x180, &s->reported);
    if (s->version >= 3) {
        out[0x188] = s->cpuid_fam;
        out[0x189] = s->cpuid_mod;
        out[0x18A] = s->cpuid_step;
    }
    memcpy(out + 0x1A0, s->chip_id, 64);
    put_tcb(out + 0x1E0, &s->reported); /* COMMITTED_TCB */
    out[0x1E8] = s->fw_build;           /* CURRENT_BUILD/MINOR/MAJOR */
    out[0x1E9] = s->fw_minor;
    out[0x1EA] = s->fw_major;
    out[0x1EC] = s->fw_build; /* COMMITTED_BUILD/MINOR/MAJOR */
    out[0x1ED] = s->fw_minor;
    out[0x1EE] = s->fw_major;
    put_tcb(out + 0x1F0, &s->reported); /* LAUNCH_TCB */

    /* r and s: 72-byte little-endian fields, the high 24 bytes zero. */
    if (emu_ecdsa_sign_raw(ctx->vcek_key, "SHA384", out, EMU_SNP_SIGNED_SIZE,
                           48, r, sig_s) != 0)
        return -1;
    for (int i = 0; i < 48; i++) {
        out[0x2A0 + i] = r[47 - i];
        out[0x2E8 + i] = sig_s[47 - i];
    }
    return 0;
}

/* GUIDs as raw bytes in the canonical string order (go-sev-guest abi). */
static const uint8_t guid_vcek[16] = {0x63, 0xda, 0x75, 0x8d, 0xe6, 0x64,
                                      0x45, 0x64, 0xad, 0xc5, 0xf4, 0xb9,
                                      0x3b, 0xe8, 0xac, 0xcd};
static const uint8_t guid_ask[16] = {0x4a, 0xb7, 0xb3, 0x79, 0xbb, 0xac,
                                     0x4f, 0xe4, 0xa0, 0x2f, 0x05, 0xae,
                                     0xf3, 0x27, 0xc7, 0x82};
static const uint8_t guid_ark[16] = {0xc0, 0xb4, 0x06, 0xa4, 0xa8, 0x03,
                                     0x49, 0x52, 0x97, 0x43, 0x3f, 0xb6,
                                     0x01, 0x4c, 0xd0, 0xae};

int emu_snp_cert_table(const emu_ctx *ctx, uint8_t **out, size_t *len)
{
    const uint8_t *guids[3] = {guid_vcek, guid_ask, guid_ark};
    X509 *certs[3] = {ctx->vcek, ctx->ask, ctx->ark};
    uint8_t *der[3] = {NULL, NULL, NULL}, *t = NULL;
    size_t dlen[3] = {0}, off = 4 * 24, total;
    int rc = -1;

    for (int i = 0; i < 3; i++)
        if (certs[i] == NULL || emu_cert_der(certs[i], &der[i], &dlen[i]))
            goto end;
    total = off + dlen[0] + dlen[1] + dlen[2];
    t = calloc(1, total);
    if (t == NULL) {
        emu_err("out of memory");
        goto end;
    }
    for (int i = 0; i < 3; i++) {
        memcpy(t + 24 * i, guids[i], 16);
        emu_put_le32(t + 24 * i + 16, (uint32_t)off);
        emu_put_le32(t + 24 * i + 20, (uint32_t)dlen[i]);
        memcpy(t + off, der[i], dlen[i]);
        off += dlen[i];
    }
    /* Entry 3 stays all-zero: the terminator. */
    *out = t;
    *len = total;
    t = NULL;
    rc = 0;
end:
    for (int i = 0; i < 3; i++)
        OPENSSL_free(der[i]);
    free(t);
    return rc;
}
