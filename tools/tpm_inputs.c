/* SPDX-License-Identifier: Apache-2.0 */
#include "tools/tpm_inputs.h"

#include <errno.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "tools/cli.h"

attls_code attls_cli_read(const char *path, size_t max, const char *what,
                          attls_buf *out, attls_status *st)
{
    int rc = attls_read_file(path, max, out);

    if (rc == -2)
        return attls_fail(st, ATTLS_E_IO, "cli.input",
                          "%s file %s is larger than %zu bytes", what, path,
                          max);
    if (rc != 0)
        return attls_fail(st, ATTLS_E_IO, "cli.input",
                          "cannot read %s file %s: %s", what, path,
                          strerror(errno));
    return ATTLS_OK;
}

static EVP_PKEY *spki_from(const attls_buf *b)
{
    const unsigned char *p = b->data;
    EVP_PKEY *pkey = NULL;

    ERR_set_mark();
    if (b->len > 11 && memcmp(b->data, "-----BEGIN ", 11) == 0) {
        BIO *bio = BIO_new_mem_buf(b->data, (int)b->len);

        pkey = bio ? PEM_read_bio_PUBKEY(bio, NULL, NULL, NULL) : NULL;
        BIO_free(bio);
    } else {
        pkey = d2i_PUBKEY(NULL, &p, (long)b->len);
        if (pkey != NULL && p != b->data + b->len) {
            EVP_PKEY_free(pkey);
            pkey = NULL;
        }
    }
    ERR_pop_to_mark();
    return pkey;
}

attls_code attls_cli_load_ak(const char *path, attls_cli_ak *ak,
                             attls_status *st)
{
    attls_buf b;
    attls_status why;
    attls_code rc;

    memset(ak, 0, sizeof(*ak));
    if ((rc = attls_cli_read(path, ATTLS_CLI_MAX_TPM_BLOB, "AK", &b, st)) !=
        ATTLS_OK)
        return rc;
    ak->pkey = spki_from(&b);
    if (ak->pkey == NULL && b.len > 11 &&
        memcmp(b.data, "-----BEGIN ", 11) == 0) {
        rc = attls_fail(st, ATTLS_E_TPM_AK_KEY, "cli.ak",
                        "%s is PEM but not a PUBLIC KEY block", path);
    } else if (ak->pkey == NULL) {
        /* Not a SubjectPublicKeyInfo: a TPM public area, or nothing. */
        attls_status_clear(&why);
        rc = attls_tpm_public_parse(b.data, b.len, &ak->pub, &why);
        if (rc == ATTLS_OK)
            rc = attls_tpm_public_to_pkey(&ak->pub, &ak->pkey, &why);
        ak->have_pub = rc == ATTLS_OK;
        if (rc != ATTLS_OK)
            attls_fail(st, rc, "cli.ak",
                       "%s is neither a DER public key nor a usable TPM "
                       "public area: %s",
                       path, why.message);
    }
    attls_buf_free(&b);
    return rc;
}

void attls_cli_ak_free(attls_cli_ak *ak)
{
    EVP_PKEY_free(ak->pkey);
    memset(ak, 0, sizeof(*ak));
}

int attls_cli_sig_format(const char *arg, attls_tpm_sig *sig)
{
    char scheme[16], hash[16];
    const char *dash;
    size_t n;

    if (strcmp(arg, "tpmt") == 0) {
        sig->format = ATTLS_TPM_SIG_TPMT;
        return 0;
    }
    if (strncmp(arg, "raw-", 4) != 0 || (dash = strchr(arg + 4, '-')) == NULL)
        return -1;
    n = (size_t)(dash - (arg + 4));
    if (n == 0 || n >= sizeof(scheme) || strlen(dash + 1) >= sizeof(hash))
        return -1;
    memcpy(scheme, arg + 4, n);
    scheme[n] = '\0';
    snprintf(hash, sizeof(hash), "%s", dash + 1);
    sig->format = ATTLS_TPM_SIG_RAW;
    sig->scheme = attls_tpm_alg_from_name(scheme);
    sig->hash = attls_tpm_alg_from_name(hash);
    if (sig->scheme != TPM2_ALG_RSASSA && sig->scheme != TPM2_ALG_RSAPSS &&
        sig->scheme != TPM2_ALG_ECDSA)
        return -1;
    if (sig->hash != TPM2_ALG_SHA1 && sig->hash != TPM2_ALG_SHA256 &&
        sig->hash != TPM2_ALG_SHA384 && sig->hash != TPM2_ALG_SHA512)
        return -1;
    return 0;
}

int attls_cli_nonce(const char *hex, attls_buf *out)
{
    out->data = NULL;
    out->len = 0;
    if (hex[0] == '\0')
        return 0;
    return attls_hex_decode_alloc(hex, strlen(hex), out) == 0 ? 0 : -1;
}

static int is_json(const attls_buf *b)
{
    for (size_t i = 0; i < b->len; i++) {
        if (b->data[i] == '{')
            return 1;
        if (b->data[i] != ' ' && b->data[i] != '\t' && b->data[i] != '\r' &&
            b->data[i] != '\n')
            return 0;
    }
    return 0;
}

/* BANK:FILE when the text before ':' names a bank, else FILE alone. */
static const char *split_bank(const char *arg, uint16_t *bank)
{
    const char *colon = strchr(arg, ':');
    char name[16];
    size_t n;

    *bank = TPM2_ALG_ERROR;
    if (colon == NULL || (n = (size_t)(colon - arg)) == 0 || n >= sizeof(name))
        return arg;
    memcpy(name, arg, n);
    name[n] = '\0';
    *bank = attls_tpm_alg_from_name(name);
    if (*bank != TPM2_ALG_SHA1 && *bank != TPM2_ALG_SHA256 &&
        *bank != TPM2_ALG_SHA384 && *bank != TPM2_ALG_SHA512) {
        *bank = TPM2_ALG_ERROR;
        return arg;
    }
    return colon + 1;
}

static attls_code load_raw(const char *arg, const char *path, uint16_t bank,
                           const attls_buf *b, const TPML_PCR_SELECTION *sel,
                           attls_tpm_pcrs *out, attls_status *st)
{
    if (bank == TPM2_ALG_ERROR) {
        if (sel->count != 1)
            return attls_fail(st, ATTLS_E_ARGUMENT, "cli.pcrs",
                              "--pcrs %s: the quote selects %u banks; say "
                              "which one the raw file holds (BANK:%s)",
                              arg, sel->count, path);
        bank = sel->pcrSelections[0].hash;
    }
    for (UINT32 i = 0; i < sel->count; i++) {
        if (sel->pcrSelections[i].hash == bank)
            return attls_tpm_pcrs_set_raw(out, &sel->pcrSelections[i], b->data,
                                          b->len, st);
    }
    return attls_fail(st, ATTLS_E_TPM_PCR_SELECTION, "tpm.quote.pcr_selection",
                      "--pcrs %s: the quote selects no PCR of bank %s", arg,
                      attls_tpm_alg_name(bank));
}

attls_code attls_cli_load_pcrs(char *const *args, int n,
                               const TPML_PCR_SELECTION *sel,
                               attls_tpm_pcrs *out, attls_status *st)
{
    attls_code rc = ATTLS_OK;

    attls_tpm_pcrs_init(out);
    for (int i = 0; rc == ATTLS_OK && i < n; i++) {
        uint16_t bank;
        const char *path = split_bank(args[i], &bank);
        attls_buf b;

        if ((rc = attls_cli_read(path, ATTLS_CLI_MAX_TEXT, "PCR", &b, st)) !=
            ATTLS_OK)
            break;
        if (bank == TPM2_ALG_ERROR && is_json(&b))
            rc = attls_tpm_pcrs_from_json(out, (const char *)b.data, b.len, st);
        else
            rc = load_raw(args[i], path, bank, &b, sel, out, st);
        attls_buf_free(&b);
    }
    return rc;
}

void attls_cli_attest_args_init(attls_cli_attest_args *a)
{
    memset(a, 0, sizeof(*a));
    a->sig_format.format = ATTLS_TPM_SIG_TPMT;
}

int attls_cli_attest_option(attls_cli_attest_args *a, const char *cmd, int opt,
                            const char *arg)
{
    switch (opt) {
    case 0x200:
        a->attest = arg;
        return 1;
    case 0x201:
        a->sig = arg;
        return 1;
    case 0x202:
        if (attls_cli_sig_format(arg, &a->sig_format) != 0) {
            attls_cli_usage_error(cmd,
                                  "--sig-format '%s': expected tpmt or "
                                  "raw-{rsassa,rsapss,ecdsa}-{sha1,sha256,"
                                  "sha384,sha512}",
                                  arg);
            return -1;
        }
        return 1;
    case 0x203:
        a->ak = arg;
        return 1;
    case 0x204:
        a->nonce = arg;
        return 1;
    case 0x205:
        a->hierarchy = arg;
        return 1;
    case 0x206:
        if (strcmp(arg, "azure") != 0) {
            attls_cli_usage_error(cmd,
                                  "--ak-template '%s': only 'azure' is "
                                  "known",
                                  arg);
            return -1;
        }
        a->ak_template = arg;
        return 1;
    case 0x207:
        a->allow_sha1 = 1;
        return 1;
    default:
        return 0;
    }
}

static uint32_t hierarchy_handle(const char *name)
{
    if (strcmp(name, "endorsement") == 0)
        return TPM2_RH_ENDORSEMENT;
    if (strcmp(name, "owner") == 0)
        return TPM2_RH_OWNER;
    if (strcmp(name, "platform") == 0)
        return TPM2_RH_PLATFORM;
    if (strcmp(name, "null") == 0)
        return TPM2_RH_NULL;
    return 0;
}

int attls_cli_attest_args_check(const attls_cli_attest_args *a, const char *cmd)
{
    if (a->attest == NULL || a->sig == NULL || a->ak == NULL) {
        attls_cli_usage_error(cmd, "--attest, --sig and --ak are required");
        return -1;
    }
    if (a->hierarchy != NULL && hierarchy_handle(a->hierarchy) == 0) {
        attls_cli_usage_error(cmd,
                              "--signer-hierarchy '%s': expected endorsement, "
                              "owner, platform or null",
                              a->hierarchy);
        return -1;
    }
    if (a->ak_template != NULL && a->hierarchy == NULL) {
        attls_cli_usage_error(cmd, "--ak-template only serves "
                                   "--signer-hierarchy");
        return -1;
    }
    return 0;
}

int attls_cli_attest_getopt(int argc, char **argv, const char *cmd,
                            const char *usage, const struct option *opts,
                            attls_cli_common *common, attls_cli_attest_args *a,
                            attls_cli_option_fn own, void *ctx)
{
    int opt, r;

    attls_cli_common_init(common);
    attls_cli_attest_args_init(a);
    optind = 1;
    while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        if (opt == 'h') {
            fputs(usage, stdout);
            return ATTLS_EXIT_OK;
        }
        if ((r = own(ctx, opt, optarg)) == 0 &&
            (r = attls_cli_attest_option(a, cmd, opt, optarg)) == 0)
            r = attls_cli_common_option(common, opt, optarg);
        if (r < 0)
            return ATTLS_EXIT_USAGE;
        if (r == 0)
            return attls_cli_usage_error(cmd, "unknown option");
    }
    if (optind != argc)
        return attls_cli_usage_error(cmd, "unexpected argument '%s'",
                                     argv[optind]);
    if (attls_cli_attest_args_check(a, cmd) != 0)
        return ATTLS_EXIT_USAGE;
    return -1;
}

static attls_code expected_signer(const attls_cli_attest_args *a,
                                  attls_cli_attest_inputs *in, attls_status *st)
{
    TPMT_PUBLIC pub;
    size_t len = 0;
    attls_code rc;

    if (a->hierarchy == NULL)
        return ATTLS_OK;
    if (a->ak_template != NULL) {
        if ((rc = attls_tpm_public_azure_ak(in->ak.pkey, &pub, st)) != ATTLS_OK)
            return rc;
    } else if (in->ak.have_pub) {
        pub = in->ak.pub;
    } else {
        return attls_fail(st, ATTLS_E_ARGUMENT, "cli.ak",
                          "--signer-hierarchy needs the AK's public area: "
                          "give --ak as a TPMT_PUBLIC, or --ak-template");
    }
    rc = attls_tpm_primary_qualified_name(&pub, hierarchy_handle(a->hierarchy),
                                          in->signer, &len, st);
    in->opts.qualified_signer = in->signer;
    in->opts.qualified_signer_len = len;
    return rc;
}

attls_code attls_cli_attest_load(const attls_cli_attest_args *a,
                                 attls_cli_attest_inputs *in, attls_status *st)
{
    attls_code rc;

    memset(in, 0, sizeof(*in));
    if ((rc = attls_cli_read(a->attest, ATTLS_CLI_MAX_TPM_BLOB, "TPMS_ATTEST",
                             &in->attest, st)) != ATTLS_OK ||
        (rc = attls_cli_read(a->sig, ATTLS_CLI_MAX_TPM_BLOB, "signature",
                             &in->sig, st)) != ATTLS_OK ||
        (rc = attls_cli_load_ak(a->ak, &in->ak, st)) != ATTLS_OK)
        return rc;
    if (a->nonce != NULL && attls_cli_nonce(a->nonce, &in->nonce) != 0)
        return attls_fail(st, ATTLS_E_ARGUMENT, "cli.nonce",
                          "--nonce '%.40s' is not an even number of hex "
                          "digits",
                          a->nonce);
    in->sig_in = a->sig_format;
    in->sig_in.data = in->sig.data;
    in->sig_in.len = in->sig.len;
    in->opts.extra_data = in->nonce.data;
    in->opts.extra_data_len = in->nonce.len;
    in->opts.skip_extra_data = a->nonce == NULL;
    in->opts.allow_sha1 = a->allow_sha1;
    return expected_signer(a, in, st);
}

void attls_cli_attest_inputs_free(attls_cli_attest_inputs *in)
{
    attls_buf_free(&in->attest);
    attls_buf_free(&in->sig);
    attls_buf_free(&in->nonce);
    attls_cli_ak_free(&in->ak);
}

void attls_cli_attest_notes(const char *cmd, const attls_cli_attest_args *a,
                            int pcrs_given)
{
    if (a->nonce == NULL)
        fprintf(stderr,
                "attls %s: note: extraData not checked (no --nonce): "
                "freshness is not established\n",
                cmd);
    if (!pcrs_given)
        fprintf(stderr,
                "attls %s: note: pcrDigest not recomputed (no --pcrs): the "
                "PCR values are not attested\n",
                cmd);
}
