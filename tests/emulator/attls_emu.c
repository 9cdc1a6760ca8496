/* SPDX-License-Identifier: Apache-2.0 */
/*
 * attls-emu: the cloud vTPM and TEE emulator behind tests/emulate.
 *
 *   attls-emu pki STATE_DIR PLATFORM        create the machine and test PKI
 *   attls-emu ak-cert STATE_DIR PUB OUT     issue the vTPM AK certificate
 *   attls-emu gce-template rsa|ecc OUT      GCE AK template (TPMT_PUBLIC)
 *   attls-emu create-primary PORT TMPL OUT  EK-hierarchy primary from a
 *                                           template, public area to OUT
 *   attls-emu report STATE_DIR KIND HEX OUT one report, for tests:
 *       snp | snp-certs | tdreport | td-quote | hcl (HEX = 64-byte input)
 *   attls-emu proxy STATE_DIR PORT SWTPM_PORT   Azure paravisor (daemon)
 *   attls-emu tsm STATE_DIR                 configfs-tsm provider (daemon)
 *   attls-emu imds STATE_DIR PORT           Azure IMDS (daemon)
 *
 * Test infrastructure: built by meson, never installed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <unistd.h>

#include <openssl/crypto.h>
#include <tss2/tss2_mu.h>

#include "emu_ctx.h"
#include "emu_hcl.h"
#include "emu_main.h"
#include "emu_snp.h"
#include "emu_tdx.h"
#include "emu_tpm.h"
#include "emu_util.h"
#include "evidence/tpm_attest.h"

static int cmd_pki(int argc, char **argv)
{
    emu_platform p;

    if (argc != 2) {
        emu_err("usage: attls-emu pki STATE_DIR PLATFORM");
        return 2;
    }
    if (emu_platform_parse(argv[1], &p) != 0)
        return 2;
    return emu_ctx_create(argv[0], p) == 0 ? 0 : 1;
}

static int cmd_ak_cert(int argc, char **argv)
{
    emu_ctx ctx;
    TPMT_PUBLIC pub;
    attls_status st;
    EVP_PKEY *key = NULL;
    uint8_t *der = NULL;
    size_t len = 0;
    int rc = 1;

    if (argc != 3) {
        emu_err("usage: attls-emu ak-cert STATE_DIR AK_PUB OUT_DER");
        return 2;
    }
    if (emu_ctx_load(argv[0], &ctx) != 0)
        return 1;
    attls_status_clear(&st);
    if (emu_tpm_pub_load(argv[1], &pub) == 0 &&
        attls_tpm_public_to_pkey(&pub, &key, &st) == ATTLS_OK &&
        emu_issue_ak_cert(&ctx, key, &der, &len) == 0 &&
        emu_write_file(argv[2], der, len, 0644) == 0)
        rc = 0;
    if (st.code != ATTLS_OK)
        emu_err("%s: %s", argv[1], st.message);
    OPENSSL_free(der);
    EVP_PKEY_free(key);
    emu_ctx_free(&ctx);
    return rc;
}

static int cmd_gce_template(int argc, char **argv)
{
    uint8_t buf[512];
    size_t len;

    if (argc != 2 || (strcmp(argv[0], "rsa") && strcmp(argv[0], "ecc"))) {
        emu_err("usage: attls-emu gce-template rsa|ecc OUT");
        return 2;
    }
    if (emu_gce_ak_template(strcmp(argv[0], "ecc") == 0, buf, sizeof(buf),
                            &len) != 0 ||
        emu_write_file(argv[1], buf, len, 0644) != 0)
        return 1;
    return 0;
}

static int cmd_create_primary(int argc, char **argv)
{
    uint8_t buf[4096];
    attls_buf tmpl = {0};
    TPM2B_PUBLIC pub;
    uint16_t port;
    size_t len = 0;
    int fd = -1, rc = 1;

    if (argc != 3) {
        emu_err("usage: attls-emu create-primary SWTPM_PORT TEMPLATE OUT_PUB");
        return 2;
    }
    if (emu_parse_port(argv[0], &port) != 0)
        return 2;
    if (attls_read_file(argv[1], 1024, &tmpl) != 0) {
        emu_err("cannot read the template %s", argv[1]);
        return 1;
    }
    fd = emu_tcp_connect(port);
    if (fd >= 0 &&
        emu_tpm_create_primary_ek(fd, tmpl.data, tmpl.len, &pub) == 0 &&
        Tss2_MU_TPM2B_PUBLIC_Marshal(&pub, buf, sizeof(buf), &len) == 0 &&
        emu_write_file(argv[2], buf, len, 0644) == 0)
        rc = 0;
    if (fd >= 0)
        close(fd);
    attls_buf_free(&tmpl);
    return rc;
}

static int make_report(emu_ctx *ctx, const char *kind, const uint8_t in[64],
                       uint8_t **out, size_t *len)
{
    char path[4096];

    if (strcmp(kind, "snp") == 0 || strcmp(kind, "tdreport") == 0) {
        int snp = kind[0] == 's';

        *len = snp ? EMU_SNP_REPORT_SIZE : EMU_TDREPORT_SIZE;
        *out = malloc(*len);
        if (*out == NULL)
            return -1;
        return snp ? emu_snp_report(ctx, in, 0, *out)
                   : emu_tdreport(ctx, in, *out);
    }
    if (strcmp(kind, "snp-certs") == 0)
        return emu_snp_cert_table(ctx, out, len);
    if (strcmp(kind, "td-quote") == 0) {
        uint8_t r[EMU_TDREPORT_SIZE];

        return emu_tdreport(ctx, in, r) != 0
                   ? -1
                   : emu_td_quote(ctx, r, 0, out, len);
    }
    if (strcmp(kind, "hcl") == 0) {
        TPMT_PUBLIC ak, ek;

        if (emu_path(path, sizeof(path), ctx->dir, "tpm/ak.pub") != 0 ||
            emu_tpm_pub_load(path, &ak) != 0 ||
            emu_path(path, sizeof(path), ctx->dir, "tpm/ek.pub") != 0 ||
            emu_tpm_pub_load(path, &ek) != 0)
            return -1;
        *len = EMU_HCL_NV_SIZE;
        *out = malloc(*len);
        return *out == NULL ? -1 : emu_hcl_report(ctx, &ak, &ek, in, *out);
    }
    emu_err("unknown report kind '%s' (snp, snp-certs, tdreport, td-quote, "
            "hcl)",
            kind);
    return -1;
}

static int cmd_report(int argc, char **argv)
{
    uint8_t in[64], *out = NULL;
    size_t len = 0;
    emu_ctx ctx;
    int rc = 1;

    if (argc != 4) {
        emu_err("usage: attls-emu report STATE_DIR KIND HEX64 OUT");
        return 2;
    }
    if (attls_hex_decode(argv[2], strlen(argv[2]), in, sizeof(in)) != 0) {
        emu_err("the input must be 64 bytes of hex (128 digits)");
        return 2;
    }
    if (emu_ctx_load(argv[0], &ctx) != 0)
        return 1;
    if (make_report(&ctx, argv[1], in, &out, &len) == 0 &&
        emu_write_file(argv[3], out, len, 0644) == 0)
        rc = 0;
    free(out);
    emu_ctx_free(&ctx);
    return rc;
}

static const struct {
    const char *name;
    int (*fn)(int argc, char **argv);
} commands[] = {
    {"pki", cmd_pki},
    {"ak-cert", cmd_ak_cert},
    {"gce-template", cmd_gce_template},
    {"create-primary", cmd_create_primary},
    {"report", cmd_report},
    {"proxy", emu_cmd_proxy},
    {"tsm", emu_cmd_tsm},
    {"imds", emu_cmd_imds},
};

int main(int argc, char **argv)
{
    static char prog[64];

    if (argc < 2) {
        fprintf(stderr,
                "usage: attls-emu COMMAND ARGS... (pki, ak-cert, "
                "gce-template, create-primary, report, proxy, tsm, imds)\n");
        return 2;
    }
    for (size_t i = 0; i < sizeof(commands) / sizeof(*commands); i++) {
        if (strcmp(argv[1], commands[i].name) == 0) {
            snprintf(prog, sizeof(prog), "attls-emu %s", argv[1]);
            emu_progname = prog;
            return commands[i].fn(argc - 2, argv + 2);
        }
    }
    fprintf(stderr, "attls-emu: unknown command '%s'\n", argv[1]);
    return 2;
}
