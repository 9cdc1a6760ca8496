/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Input files of the TPM verify commands (verify-quote, verify-certify,
 * verify-akcert): bounded reads, AK keys in their several encodings,
 * signature formats, nonces and PCR value files.
 */
#ifndef ATTLS_TOOLS_TPM_INPUTS_H
#define ATTLS_TOOLS_TPM_INPUTS_H

#include <getopt.h>

#include <openssl/evp.h>

#include "attls/status.h"
#include "common/bytes.h"
#include "evidence/tpm_attest.h"
#include "tools/cli.h"

/* Upper bounds of what the commands read; real inputs are far smaller. */
#define ATTLS_CLI_MAX_TPM_BLOB (64 * 1024)
#define ATTLS_CLI_MAX_TEXT (1024 * 1024)

/**
 * Read @p path (at most @p max bytes) into @p out.
 * @retval ATTLS_OK, or ATTLS_E_IO naming @p what, the path and the reason
 */
attls_code attls_cli_read(const char *path, size_t max, const char *what,
                          attls_buf *out, attls_status *st);

/** An attestation key as given on the command line. */
typedef struct attls_cli_ak {
    EVP_PKEY *pkey;  /**< always set on success */
    TPMT_PUBLIC pub; /**< set when the file was a TPM public area */
    int have_pub;
} attls_cli_ak;

/**
 * Load an AK from a PEM or DER SubjectPublicKeyInfo, or from a marshalled
 * TPMT_PUBLIC / TPM2B_PUBLIC (RSA or ECC).
 * @retval ATTLS_OK, ATTLS_E_IO, or ATTLS_E_ARGUMENT / the TPM public-area
 *         codes when the file is none of these
 */
attls_code attls_cli_load_ak(const char *path, attls_cli_ak *ak,
                             attls_status *st);

void attls_cli_ak_free(attls_cli_ak *ak);

/**
 * Parse --sig-format: "tpmt" or "raw-SCHEME-HASH" with SCHEME rsassa,
 * rsapss or ecdsa and HASH sha1, sha256, sha384 or sha512.
 * @retval 0 @p sig's format, scheme and hash set; -1 not recognised
 */
int attls_cli_sig_format(const char *arg, attls_tpm_sig *sig);

/**
 * Decode --nonce HEX (an empty string is an empty nonce).
 * @retval 0 @p out owns the bytes; -1 not hex
 */
int attls_cli_nonce(const char *hex, attls_buf *out);

/**
 * Load the --pcrs arguments: each is a JSON file (first non-blank byte
 * '{'), or [BANK:]FILE of raw values of the PCRs that @p sel selects in
 * BANK (BANK may be left out when @p sel has a single bank).
 * @retval ATTLS_OK, ATTLS_E_IO, ATTLS_E_ARGUMENT (unknown or ambiguous
 *         bank), ATTLS_E_TPM_PCR_INPUT (malformed values)
 */
attls_code attls_cli_load_pcrs(char *const *args, int n,
                               const TPML_PCR_SELECTION *sel,
                               attls_tpm_pcrs *out, attls_status *st);

/* ------------------------------------------------------------------ */
/* Options shared by verify-quote and verify-certify                    */
/* ------------------------------------------------------------------ */

#define ATTLS_CLI_ATTEST_OPTIONS                                               \
    {"attest", required_argument, NULL, 0x200},                                \
        {"sig", required_argument, NULL, 0x201},                               \
        {"sig-format", required_argument, NULL, 0x202},                        \
        {"ak", required_argument, NULL, 0x203},                                \
        {"nonce", required_argument, NULL, 0x204},                             \
        {"signer-hierarchy", required_argument, NULL, 0x205},                  \
        {"ak-template", required_argument, NULL, 0x206},                       \
    {                                                                          \
        "allow-sha1", no_argument, NULL, 0x207                                 \
    }

/** What the shared options say. */
typedef struct attls_cli_attest_args {
    const char *attest, *sig, *ak, *nonce, *hierarchy, *ak_template;
    attls_tpm_sig sig_format; /**< format, scheme, hash of --sig-format */
    int allow_sha1;
} attls_cli_attest_args;

/** Set the defaults: TPMT_SIGNATURE, nothing else given. */
void attls_cli_attest_args_init(attls_cli_attest_args *a);

/**
 * Handle one of ATTLS_CLI_ATTEST_OPTIONS.
 * @retval 1 handled, 0 not such an option, -1 invalid value (reported)
 */
int attls_cli_attest_option(attls_cli_attest_args *a, const char *cmd, int opt,
                            const char *arg);

/** A command's own options: 1 handled, 0 not one, -1 invalid (reported). */
typedef int (*attls_cli_option_fn)(void *ctx, int opt, const char *arg);

/**
 * Parse the command line of verify-quote / verify-certify: @p opts holds
 * ATTLS_CLI_ATTEST_OPTIONS, the command's own (handled by @p own) and
 * ATTLS_CLI_COMMON_OPTIONS. Prints @p usage for --help; checks the
 * shared options with attls_cli_attest_args_check().
 * @return -1 when the command should run, else the exit code to return
 */
int attls_cli_attest_getopt(int argc, char **argv, const char *cmd,
                            const char *usage, const struct option *opts,
                            attls_cli_common *common, attls_cli_attest_args *a,
                            attls_cli_option_fn own, void *ctx);

/**
 * Check that the required options are there and consistent.
 * @retval 0 fine, -1 usage error reported
 */
int attls_cli_attest_args_check(const attls_cli_attest_args *a,
                                const char *cmd);

/** The loaded inputs of a quote or certification. */
typedef struct attls_cli_attest_inputs {
    attls_buf attest, sig, nonce;
    attls_cli_ak ak;
    attls_tpm_sig sig_in;
    uint8_t signer[ATTLS_TPM_MAX_NAME];
    attls_tpm_verify_opts opts;
} attls_cli_attest_inputs;

/**
 * Read the files, the AK and the nonce; compute the expected
 * qualifiedSigner when --signer-hierarchy is given.
 * @retval ATTLS_OK, ATTLS_E_IO, or the code of the input that is invalid
 */
attls_code attls_cli_attest_load(const attls_cli_attest_args *a,
                                 attls_cli_attest_inputs *in, attls_status *st);

void attls_cli_attest_inputs_free(attls_cli_attest_inputs *in);

/** Tell on stderr which checks the options left out (nonce, PCRs). */
void attls_cli_attest_notes(const char *cmd, const attls_cli_attest_args *a,
                            int pcrs_given);

#endif
