/* SPDX-License-Identifier: Apache-2.0 */
/* attls verify-certify: check a TPM2_Certify offline. */
#include <stdio.h>
#include <string.h>

#include <openssl/pem.h>
#include <openssl/x509.h>

#include "evidence/akcert.h"
#include "evidence/tpm_attest.h"
#include "tools/cli.h"
#include "tools/cli_json.h"
#include "tools/commands.h"
#include "tools/tpm_inputs.h"

#define CMD "verify-certify"

static const char usage[] =
    "usage: attls verify-certify --attest FILE --sig FILE --ak FILE\n"
    "           --public FILE [--sig-format tpmt|raw-SCHEME-HASH]\n"
    "           [--nonce HEX] [--tls-cert FILE] [--allow-sha1]\n"
    "           [--signer-hierarchy endorsement|owner|platform|null\n"
    "            [--ak-template azure]] [--json]\n"
    "\n"
    "Verify a TPM2_Certify: the marshalled TPMS_ATTEST (--attest) is signed\n"
    "by the AK (--ak), carries extraData == --nonce, and certifies the\n"
    "object whose public area (TPMT_PUBLIC or TPM2B_PUBLIC) is --public:\n"
    "its Name, nameAlg || H(TPMT_PUBLIC), is the certified Name. With\n"
    "--tls-cert, the certified key must also be the public key of that\n"
    "X.509 certificate (PEM or DER). Exit 0 verified, 1 rejected, 2 usage,\n"
    "3 error.\n";

/* The certified key must be the certificate's key. */
static attls_code match_cert(const char *path, const TPMT_PUBLIC *pub,
                             attls_status *st)
{
    attls_buf b;
    X509 *cert = NULL;
    EVP_PKEY *key = NULL;
    attls_code rc;

    if ((rc = attls_cli_read(path, ATTLS_CLI_MAX_TPM_BLOB, "certificate", &b,
                             st)) != ATTLS_OK)
        return rc;
    rc = attls_akcert_parse(b.data, b.len, &cert, st);
    attls_buf_free(&b);
    if (rc == ATTLS_OK)
        rc = attls_tpm_public_to_pkey(pub, &key, st);
    if (rc == ATTLS_OK && EVP_PKEY_eq(X509_get0_pubkey(cert), key) != 1)
        rc = attls_fail(st, ATTLS_E_TPM_CERTIFIED_KEY_MISMATCH,
                        "tpm.certify.tls_key",
                        "the certified key is not the public key of %s", path);
    EVP_PKEY_free(key);
    X509_free(cert);
    return rc;
}

static attls_code load_public(const char *path, TPMT_PUBLIC *pub,
                              attls_status *st)
{
    attls_buf b;
    attls_code rc;

    if ((rc = attls_cli_read(path, ATTLS_CLI_MAX_TPM_BLOB, "public area", &b,
                             st)) != ATTLS_OK)
        return rc;
    rc = attls_tpm_public_parse(b.data, b.len, pub, st);
    attls_buf_free(&b);
    return rc;
}

static int run(const attls_cli_common *common, const attls_cli_attest_args *a,
               const char *public_path, const char *tls_cert)
{
    attls_cli_attest_inputs in;
    attls_tpm_attest_claims claims;
    TPMT_PUBLIC pub;
    attls_status st;
    attls_code rc;
    json_t *doc = NULL;

    attls_status_clear(&st);
    rc = attls_cli_attest_load(a, &in, &st);
    if (rc == ATTLS_OK)
        rc = load_public(public_path, &pub, &st);
    if (rc == ATTLS_OK)
        rc = attls_tpm_certify_verify(in.attest.data, in.attest.len, &in.sig_in,
                                      in.ak.pkey, &pub, &in.opts, &claims, &st);
    if (rc == ATTLS_OK && tls_cert != NULL)
        rc = match_cert(tls_cert, &pub, &st);
    if (rc == ATTLS_OK) {
        attls_cli_attest_notes(CMD, a, 1);
        if (common->json &&
            (doc = attls_tpm_attest_claims_json(&claims)) == NULL)
            attls_fail(&st, ATTLS_E_INTERNAL, "cli", "out of memory");
    }
    attls_cli_attest_inputs_free(&in);
    if (common->json && attls_cli_print_json(doc, &st) != 0)
        return ATTLS_EXIT_ERROR;
    return attls_cli_report(CMD, &st);
}

typedef struct certify_options {
    const char *public_path, *tls_cert;
} certify_options;

static int certify_option(void *ctx, int opt, const char *arg)
{
    certify_options *c = ctx;

    if (opt == 0x220)
        c->public_path = arg;
    else if (opt == 0x221)
        c->tls_cert = arg;
    else
        return 0;
    return 1;
}

int attls_cmd_verify_certify(int argc, char **argv)
{
    static const struct option opts[] = {
        ATTLS_CLI_ATTEST_OPTIONS,
        {"public", required_argument, NULL, 0x220},
        {"tls-cert", required_argument, NULL, 0x221},
        ATTLS_CLI_COMMON_OPTIONS,
        {NULL, 0, NULL, 0},
    };
    attls_cli_common common;
    attls_cli_attest_args a;
    certify_options c = {NULL, NULL};
    int r = attls_cli_attest_getopt(argc, argv, CMD, usage, opts, &common, &a,
                                    certify_option, &c);

    if (r >= 0)
        return r;
    if (c.public_path == NULL)
        return attls_cli_usage_error(CMD, "--public is required");
    return run(&common, &a, c.public_path, c.tls_cert);
}
