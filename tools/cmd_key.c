/* SPDX-License-Identifier: Apache-2.0 */
/*-
 * attls key create: make a TPM-resident TLS key.
 *
 *   attls key create [--algorithm ec|rsa] [--curve P-256|P-384]
 *                    [--bits 2048|3072] [--parent HANDLE]
 *                    [--auth file:PATH|env:NAME]
 *                    [--parent-auth file:PATH|env:NAME]
 *                    [--tcti TCTI] (--out FILE [--force] | --persistent H)
 *
 * --out writes a TSS2 PRIVATE KEY PEM file (emptyAuth always written) that
 * attls.so, tpm2-openssl and tpm2-tss-engine load; --persistent makes the
 * key a persistent TPM object at H (0x81000000-0x81ffffff) instead. Auth
 * values come from a file or the environment, never from argv.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/pem.h>

#include "common/bytes.h"
#include "tools/cli.h"
#include "tools/commands.h"
#include "tpm/connection.h"
#include "tpm/keyfile.h"
#include "tpm/keys.h"
#include "tpm/pubkey.h"

typedef struct key_opts {
    attls_tpm_keyspec spec;
    uint32_t parent;
    TPM2B_AUTH auth;
    TPM2B_AUTH parent_auth;
    const char *out;
    int force;
    uint32_t persistent;
    const char *tcti;
} key_opts;

static void usage(FILE *f)
{
    fprintf(f, "usage: attls key create [--algorithm ec|rsa] [--curve "
               "P-256|P-384]\n"
               "                        [--bits 2048|3072] [--parent HANDLE]\n"
               "                        [--auth file:PATH|env:NAME] "
               "[--parent-auth file:PATH|env:NAME]\n"
               "                        [--tcti TCTI] (--out FILE [--force] | "
               "--persistent 0x81xxxxxx)\n");
}

static int parse_handle(const char *s, uint32_t *out)
{
    char *end;
    unsigned long v;

    errno = 0;
    v = strtoul(s, &end, 0);
    if (*s == '\0' || *end != '\0' || errno != 0 || v > UINT32_MAX)
        return 0;
    *out = (uint32_t)v;
    return 1;
}

/* "file:PATH" (first line) or "env:NAME" into @p auth. */
static int read_secret(const char *spec, TPM2B_AUTH *auth)
{
    attls_buf buf = {0};
    const char *v = NULL;
    size_t len;

    if (strncmp(spec, "env:", 4) == 0) {
        v = getenv(spec + 4);
        if (v == NULL)
            return 0;
    } else if (strncmp(spec, "file:", 5) == 0) {
        if (attls_read_file(spec + 5, sizeof(auth->buffer) + 2, &buf) != 0)
            return 0;
        v = (const char *)buf.data;
    } else {
        return 0;
    }
    len = strcspn(v, "\r\n");
    if (len <= sizeof(auth->buffer)) {
        auth->size = (UINT16)len;
        memcpy(auth->buffer, v, len);
    }
    attls_buf_free(&buf);
    return len <= sizeof(auth->buffer);
}

enum { OPT_PARENT_AUTH = 0x200, OPT_FORCE };

static int parse_args(int argc, char **argv, key_opts *o)
{
    static const struct option longopts[] = {
        {"algorithm", required_argument, NULL, 'a'},
        {"curve", required_argument, NULL, 'c'},
        {"bits", required_argument, NULL, 'b'},
        {"parent", required_argument, NULL, 'p'},
        {"auth", required_argument, NULL, 'A'},
        {"parent-auth", required_argument, NULL, OPT_PARENT_AUTH},
        {"tcti", required_argument, NULL, 'T'},
        {"out", required_argument, NULL, 'o'},
        {"force", no_argument, NULL, OPT_FORCE},
        {"persistent", required_argument, NULL, 'P'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *curve = "P-256";
    int opt, bits = 2048;

    o->spec.type = TPM2_ALG_ECC;
    o->parent = ATTLS_TPM_PARENT_OWNER;
    optind = 1;
    while ((opt = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
        switch (opt) {
        case 'a':
            if (strcmp(optarg, "ec") == 0)
                o->spec.type = TPM2_ALG_ECC;
            else if (strcmp(optarg, "rsa") == 0)
                o->spec.type = TPM2_ALG_RSA;
            else
                return attls_cli_usage_error("key create",
                                             "--algorithm must be ec or rsa");
            break;
        case 'c':
            curve = optarg;
            break;
        case 'b':
            bits = strcmp(optarg, "2048") == 0   ? 2048
                   : strcmp(optarg, "3072") == 0 ? 3072
                                                 : 0;
            if (bits == 0)
                return attls_cli_usage_error("key create",
                                             "--bits must be 2048 or 3072");
            break;
        case 'p':
            if (!parse_handle(optarg, &o->parent) ||
                !attls_tpm_parent_handle_valid(o->parent))
                return attls_cli_usage_error(
                    "key create",
                    "--parent '%s' is not 0x40000001 or a persistent handle",
                    optarg);
            break;
        case 'A':
        case OPT_PARENT_AUTH:
            if (!read_secret(optarg, opt == 'A' ? &o->auth : &o->parent_auth))
                return attls_cli_usage_error(
                    "key create",
                    "%s '%s': use file:PATH or env:NAME (readable, one line "
                    "of at most %zu bytes)",
                    opt == 'A' ? "--auth" : "--parent-auth", optarg,
                    sizeof(o->auth.buffer));
            break;
        case 'T':
            o->tcti = optarg;
            break;
        case 'o':
            o->out = optarg;
            break;
        case OPT_FORCE:
            o->force = 1;
            break;
        case 'P':
            if (!parse_handle(optarg, &o->persistent) ||
                (o->persistent >> 24) != TPM2_HT_PERSISTENT)
                return attls_cli_usage_error(
                    "key create", "--persistent '%s' is not 0x81xxxxxx",
                    optarg);
            break;
        case 'h':
            usage(stdout);
            return -1;
        default:
            return attls_cli_usage_error("key create", "unknown option");
        }
    }
    if (optind != argc)
        return attls_cli_usage_error("key create", "unexpected argument '%s'",
                                     argv[optind]);
    if ((o->out == NULL) == (o->persistent == 0))
        return attls_cli_usage_error("key create",
                                     "give exactly one of --out and "
                                     "--persistent");
    o->spec.bits = (TPMI_RSA_KEY_BITS)bits;
    o->spec.curve = attls_tpm_curve_from_name(curve);
    if (o->spec.type == TPM2_ALG_ECC && o->spec.curve == TPM2_ECC_NONE)
        return attls_cli_usage_error("key create",
                                     "--curve '%s': P-256 or P-384", curve);
    return 0;
}

static int tpm_error(const char *what, TSS2_RC rc)
{
    fprintf(stderr, "attls key create: %s: %s (TSS2_RC 0x%x, TCTI '%s') [%s]\n",
            what, attls_tpm_rc_text(rc), (unsigned)rc, attls_tpm_tcti(),
            attls_status_code_name(attls_tpm_rc_code(rc)));
    return ATTLS_EXIT_ERROR;
}

static int write_keyfile(const key_opts *o, const attls_tpm_keyfile *kf)
{
    uint8_t *der = NULL;
    size_t len = 0;
    BIO *bio = NULL;
    int fd, ok = 0;

    if (attls_tpm_keyfile_encode(kf, &der, &len) != ATTLS_OK) {
        fprintf(stderr, "attls key create: cannot encode the key file\n");
        return ATTLS_EXIT_ERROR;
    }
    fd = open(o->out,
              O_WRONLY | O_CREAT | O_CLOEXEC | (o->force ? O_TRUNC : O_EXCL),
              0600);
    if (fd >= 0)
        bio = BIO_new_fd(fd, BIO_CLOSE);
    if (bio != NULL)
        ok = PEM_write_bio(bio, ATTLS_TSS2_PEM_LABEL, "", der, (long)len) > 0 &&
             BIO_flush(bio) > 0;
    if (bio != NULL)
        BIO_free(bio);
    else if (fd >= 0)
        close(fd);
    OPENSSL_free(der);
    if (!ok) {
        fprintf(stderr, "attls key create: cannot write '%s': %s%s\n", o->out,
                strerror(errno),
                errno == EEXIST ? " (use --force to replace it)" : "");
        return ATTLS_EXIT_ERROR;
    }
    return ATTLS_EXIT_OK;
}

/* Load the new key, make it persistent, flush the transient copy. */
static TSS2_RC make_persistent(ESYS_CONTEXT *esys, const key_opts *o,
                               const attls_tpm_keyfile *kf)
{
    ESYS_TR tr;
    TSS2_RC rc;

    rc = attls_tpm_key_load(esys, kf->parent, 0, &o->parent_auth, &kf->pub,
                            &kf->priv, &tr);
    if (rc != TSS2_RC_SUCCESS)
        return rc;
    rc = attls_tpm_key_persist(esys, tr, o->persistent);
    attls_tpm_flush(esys, tr);
    return rc;
}

static int create(const key_opts *o)
{
    attls_tpm_keyfile kf;
    attls_tpm_conn c;
    TSS2_RC rc;
    int ret;

    rc = attls_tpm_acquire(&c);
    if (rc != TSS2_RC_SUCCESS)
        return tpm_error("connecting to the TPM", rc);
    rc = attls_tpm_key_create_blob(c.esys, o->parent, &o->parent_auth, &o->spec,
                                   &o->auth, &kf);
    if (rc == TSS2_RC_SUCCESS && o->persistent != 0) {
        rc = make_persistent(c.esys, o, &kf);
        attls_tpm_release(&c, rc);
        ret = rc == TSS2_RC_SUCCESS
                  ? ATTLS_EXIT_OK
                  : tpm_error("making the key persistent", rc);
    } else {
        attls_tpm_release(&c, rc);
        ret = rc == TSS2_RC_SUCCESS ? write_keyfile(o, &kf)
                                    : tpm_error("creating the key", rc);
    }
    OPENSSL_cleanse(&kf, sizeof(kf));
    attls_tpm_disconnect();
    return ret;
}

int attls_cmd_key(int argc, char **argv)
{
    key_opts o;
    int ret;

    memset(&o, 0, sizeof(o));
    if (argc < 2 || strcmp(argv[1], "create") != 0) {
        if (argc >= 2 &&
            (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
            usage(stdout);
            return ATTLS_EXIT_OK;
        }
        usage(stderr);
        return ATTLS_EXIT_USAGE;
    }
    ret = parse_args(argc - 1, argv + 1, &o);
    if (ret == 0) {
        const char *tcti = o.tcti != NULL ? o.tcti : getenv("ATTLS_TCTI");

        if (attls_tpm_configure(tcti) != 0)
            ret = ATTLS_EXIT_ERROR;
        else
            ret = create(&o);
    } else if (ret < 0) {
        ret = ATTLS_EXIT_OK; /* --help */
    }
    OPENSSL_cleanse(&o, sizeof(o));
    return ret;
}
