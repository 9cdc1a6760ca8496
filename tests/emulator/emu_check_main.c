/* SPDX-License-Identifier: Apache-2.0 */
/*
 * emu-check: the checks of emu_check.h on files, for the shell tests.
 *
 *   emu-check snp REPORT VCEK_PEM ROOTS_PEM [REPORT_DATA_HEX [VMPL]]
 *   emu-check hcl NV_FILE [--vcek PEM --roots PEM] [--user-data FILE]
 *                         [--ak-pub FILE]
 *   emu-check tdreport FILE
 *   emu-check td-quote FILE
 *
 * ROOTS_PEM holds the ASK and the (trusted) ARK; --ak-pub is a marshalled
 * TPM2B_PUBLIC. Prints "OK" or the first failure; exit 0 / 1 / 2 (usage).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/pem.h>

#include "common/bytes.h"
#include "emu_check.h"
#include "emu_tpm.h"
#include "emu_util.h"

#define MAX_FILE (1024 * 1024)

static int load(const char *path, attls_buf *b)
{
    if (attls_read_file(path, MAX_FILE, b) != 0) {
        fprintf(stderr, "emu-check: cannot read %s\n", path);
        return -1;
    }
    return 0;
}

static STACK_OF(X509) *load_certs(const char *path)
{
    STACK_OF(X509) *sk = sk_X509_new_null();
    BIO *bio = BIO_new_file(path, "r");
    X509 *x;

    while (sk != NULL && bio != NULL &&
           (x = PEM_read_bio_X509(bio, NULL, NULL, NULL)) != NULL)
        sk_X509_push(sk, x);
    BIO_free(bio);
    if (sk == NULL || sk_X509_num(sk) == 0) {
        fprintf(stderr, "emu-check: no certificate in %s\n", path);
        sk_X509_pop_free(sk, X509_free);
        return NULL;
    }
    return sk;
}

static int check_snp_crypto(const uint8_t *r, const char *vcek_path,
                            const char *roots_path, char *why)
{
    STACK_OF(X509) *vcek = load_certs(vcek_path);
    STACK_OF(X509) *roots = load_certs(roots_path);
    int rc = -1;

    if (vcek == NULL || roots == NULL)
        snprintf(why, EMU_WHY, "certificates missing");
    else if (emu_check_snp_signature(r, sk_X509_value(vcek, 0), why) == 0 &&
             emu_check_vcek(r, sk_X509_value(vcek, 0), roots, why) == 0)
        rc = 0;
    sk_X509_pop_free(vcek, X509_free);
    sk_X509_pop_free(roots, X509_free);
    return rc;
}

static int cmd_snp(int argc, char **argv, char *why)
{
    attls_buf b = {0};
    uint8_t rd[64];
    int rc = -1;

    if (argc < 3 || argc > 5)
        return 2;
    if (load(argv[0], &b) != 0)
        return -1;
    if (emu_check_snp_layout(b.data, b.len, why) == 0 &&
        check_snp_crypto(b.data, argv[1], argv[2], why) == 0) {
        rc = 0;
        if (argc >= 4 &&
            (attls_hex_decode(argv[3], strlen(argv[3]), rd, 64) != 0 ||
             memcmp(rd, b.data + 0x50, 64) != 0)) {
            snprintf(why, EMU_WHY, "REPORT_DATA is not %s", argv[3]);
            rc = -1;
        }
        if (rc == 0 && argc == 5 &&
            emu_get_le32(b.data + 0x30) != strtoul(argv[4], NULL, 10)) {
            snprintf(why, EMU_WHY, "VMPL %u, expected %s",
                     emu_get_le32(b.data + 0x30), argv[4]);
            rc = -1;
        }
    }
    attls_buf_free(&b);
    return rc;
}

static int cmd_hcl(int argc, char **argv, char *why)
{
    const char *vcek = NULL, *roots = NULL, *user = NULL, *akf = NULL;
    attls_buf b = {0}, ud = {0};
    const uint8_t *claims;
    size_t clen;
    uint32_t type;
    TPMT_PUBLIC ak;
    int rc = -1;

    if (argc < 1 || (argc - 1) % 2 != 0)
        return 2;
    for (int i = 1; i < argc; i += 2) {
        if (strcmp(argv[i], "--vcek") == 0)
            vcek = argv[i + 1];
        else if (strcmp(argv[i], "--roots") == 0)
            roots = argv[i + 1];
        else if (strcmp(argv[i], "--user-data") == 0)
            user = argv[i + 1];
        else if (strcmp(argv[i], "--ak-pub") == 0)
            akf = argv[i + 1];
        else
            return 2;
    }
    if ((vcek == NULL) != (roots == NULL))
        return 2;
    if (load(argv[0], &b) != 0)
        return -1;
    if (emu_check_hcl(b.data, b.len, &claims, &clen, &type, why) != 0)
        goto end;
    if (type == 2 && (emu_check_snp_layout(b.data + 0x20, 0x4A0, why) != 0 ||
                      (vcek != NULL &&
                       check_snp_crypto(b.data + 0x20, vcek, roots, why) != 0)))
        goto end;
    if (type == 4 && emu_check_tdreport(b.data + 0x20, why) != 0)
        goto end;
    if (user != NULL && (load(user, &ud) != 0 || ud.len != 64)) {
        snprintf(why, EMU_WHY, "%s is not 64 bytes", user);
        goto end;
    }
    if (akf != NULL && emu_tpm_pub_load(akf, &ak) != 0) {
        snprintf(why, EMU_WHY, "cannot load the AK %s", akf);
        goto end;
    }
    rc = emu_check_claims(claims, clen, akf ? ak.unique.rsa.buffer : NULL,
                          akf ? ak.unique.rsa.size : 0, user ? ud.data : NULL,
                          why);
end:
    attls_buf_free(&b);
    attls_buf_free(&ud);
    return rc;
}

static int cmd_blob(int argc, char **argv, int quote, char *why)
{
    attls_buf b = {0};
    int rc;

    if (argc != 1)
        return 2;
    if (load(argv[0], &b) != 0)
        return -1;
    if (quote)
        rc = emu_check_td_quote_layout(b.data, b.len, why);
    else if (b.len != 1024) {
        snprintf(why, EMU_WHY, "TDREPORT of %zu bytes, expected 1024", b.len);
        rc = -1;
    } else
        rc = emu_check_tdreport(b.data, why);
    attls_buf_free(&b);
    return rc;
}

int main(int argc, char **argv)
{
    char why[EMU_WHY] = "";
    int rc = 2;

    if (argc >= 2 && strcmp(argv[1], "snp") == 0)
        rc = cmd_snp(argc - 2, argv + 2, why);
    else if (argc >= 2 && strcmp(argv[1], "hcl") == 0)
        rc = cmd_hcl(argc - 2, argv + 2, why);
    else if (argc >= 2 && strcmp(argv[1], "tdreport") == 0)
        rc = cmd_blob(argc - 2, argv + 2, 0, why);
    else if (argc >= 2 && strcmp(argv[1], "td-quote") == 0)
        rc = cmd_blob(argc - 2, argv + 2, 1, why);
    if (rc == 2) {
        fprintf(stderr, "usage: emu-check snp|hcl|tdreport|td-quote FILE "
                        "... (see emu_check_main.c)\n");
        return 2;
    }
    if (rc != 0) {
        printf("FAIL: %s\n", why[0] ? why : "cannot check");
        return 1;
    }
    printf("OK\n");
    return 0;
}
