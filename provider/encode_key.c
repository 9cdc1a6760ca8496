/* SPDX-License-Identifier: Apache-2.0 */
/*-
 * Encoders for attls keys, so that writing a key never depends on a
 * cross-provider copy (which private export refuses):
 *   PrivateKeyInfo DER/PEM -> the TSS2 PRIVATE KEY format (as tpm2-openssl
 *                             does, so PEM_write_bio_PrivateKey and
 *                             `openssl genpkey` write TPM key files)
 *   SubjectPublicKeyInfo DER/PEM
 *   text (public values and TPM facts; never anything secret)
 */
#include <string.h>

#include <openssl/bio.h>
#include <openssl/core_names.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "provider/errors.h"
#include "provider/key.h"
#include "tpm/keyfile.h"

static OSSL_FUNC_encoder_newctx_fn enc_newctx;
static OSSL_FUNC_encoder_freectx_fn enc_freectx;
static OSSL_FUNC_encoder_does_selection_fn tss2_does_selection;
static OSSL_FUNC_encoder_does_selection_fn spki_does_selection;
static OSSL_FUNC_encoder_does_selection_fn text_does_selection;
static OSSL_FUNC_encoder_encode_fn tss2_der_encode;
static OSSL_FUNC_encoder_encode_fn tss2_pem_encode;
static OSSL_FUNC_encoder_encode_fn spki_der_encode;
static OSSL_FUNC_encoder_encode_fn spki_pem_encode;
static OSSL_FUNC_encoder_encode_fn text_encode;

static void *enc_newctx(void *provctx)
{
    return provctx;
}

static void enc_freectx(void *ctx)
{
    (void)ctx;
}

static int tss2_does_selection(void *ctx, int selection)
{
    (void)ctx;
    return (selection & OSSL_KEYMGMT_SELECT_PRIVATE_KEY) != 0;
}

static int spki_does_selection(void *ctx, int selection)
{
    (void)ctx;
    return (selection & OSSL_KEYMGMT_SELECT_PUBLIC_KEY) != 0;
}

static int text_does_selection(void *ctx, int selection)
{
    (void)ctx;
    return (selection & (OSSL_KEYMGMT_SELECT_KEYPAIR |
                         OSSL_KEYMGMT_SELECT_ALL_PARAMETERS)) != 0;
}

static int tss2_encode(attls_provctx *ctx, OSSL_CORE_BIO *cout,
                       const attls_key *key, int pem)
{
    BIO *out = NULL;
    uint8_t *der = NULL;
    size_t len = 0;
    int ok = 0;

    if (key == NULL || !key->has_private || key->persistent != 0) {
        ATTLS_RAISE(ctx, ATTLS_E_ARGUMENT,
                    "only keys with a TPM blob can be written as a TSS2 "
                    "PRIVATE KEY (a persistent key is named by its handle)");
        return 0;
    }
    if (attls_tpm_keyfile_encode(&key->blob, &der, &len) != ATTLS_OK) {
        ATTLS_RAISE(ctx, ATTLS_E_INTERNAL, "TSS2 key file encoding failed");
        return 0;
    }
    out = BIO_new_from_core_bio(ctx->libctx, cout);
    if (out != NULL)
        ok = pem ? PEM_write_bio(out, ATTLS_TSS2_PEM_LABEL, "", der,
                                 (long)len) > 0
                 : BIO_write(out, der, (int)len) == (int)len;
    BIO_free(out);
    OPENSSL_free(der);
    return ok;
}

static int spki_encode(attls_provctx *ctx, OSSL_CORE_BIO *cout,
                       const attls_key *key, int pem)
{
    BIO *out;
    int ok = 0;

    if (key == NULL || key->soft == NULL)
        return 0;
    out = BIO_new_from_core_bio(ctx->libctx, cout);
    if (out != NULL)
        ok = pem ? PEM_write_bio_PUBKEY(out, key->soft)
                 : i2d_PUBKEY_bio(out, key->soft);
    BIO_free(out);
    return ok > 0;
}

/* OSSL_FUNC_encoder_encode_fn entry points: |impl| in DER or PEM. */
#define ENCODE_FN(name, impl, pem)                                             \
    static int name(void *ctx, OSSL_CORE_BIO *cout, const void *obj_raw,       \
                    const OSSL_PARAM obj_abstract[], int selection,            \
                    OSSL_PASSPHRASE_CALLBACK *cb, void *cbarg)                 \
    {                                                                          \
        (void)obj_abstract;                                                    \
        (void)selection;                                                       \
        (void)cb;                                                              \
        (void)cbarg;                                                           \
        return impl(ctx, cout, obj_raw, pem);                                  \
    }
ENCODE_FN(tss2_der_encode, tss2_encode, 0)
ENCODE_FN(tss2_pem_encode, tss2_encode, 1)
ENCODE_FN(spki_der_encode, spki_encode, 0)
ENCODE_FN(spki_pem_encode, spki_encode, 1)
#undef ENCODE_FN

static int print_tpm_facts(BIO *out, const attls_key *key)
{
    const TPMT_PUBLIC *pub = &key->pub.publicArea;

    if (!key->has_private)
        return BIO_printf(out, "attls public key (no TPM private part)\n") > 0;
    if (key->persistent != 0)
        return BIO_printf(out,
                          "attls TPM key: persistent handle 0x%08x, "
                          "attributes 0x%08x\n",
                          key->persistent, (unsigned)pub->objectAttributes) > 0;
    return BIO_printf(out,
                      "attls TPM key: parent 0x%08x%s, attributes 0x%08x, "
                      "%s\n",
                      key->blob.parent, key->blob.rsa_parent ? " (RSA)" : "",
                      (unsigned)pub->objectAttributes,
                      key->blob.empty_auth ? "empty auth"
                                           : "auth value required") > 0;
}

static int text_encode(void *vctx, OSSL_CORE_BIO *cout, const void *obj_raw,
                       const OSSL_PARAM obj_abstract[], int selection,
                       OSSL_PASSPHRASE_CALLBACK *cb, void *cbarg)
{
    attls_provctx *ctx = vctx;
    const attls_key *key = obj_raw;
    BIO *out;
    int ok = 0;

    (void)obj_abstract;
    (void)selection;
    (void)cb;
    (void)cbarg;
    if (key == NULL || key->soft == NULL)
        return 0;
    out = BIO_new_from_core_bio(ctx->libctx, cout);
    if (out != NULL)
        ok = print_tpm_facts(out, key) &&
             EVP_PKEY_print_public(out, key->soft, 0, NULL) > 0;
    BIO_free(out);
    return ok;
}

#define ENCODER_TABLE(name, does, fn)                                          \
    const OSSL_DISPATCH name[] = {                                             \
        {OSSL_FUNC_ENCODER_NEWCTX, (void (*)(void))enc_newctx},                \
        {OSSL_FUNC_ENCODER_FREECTX, (void (*)(void))enc_freectx},              \
        {OSSL_FUNC_ENCODER_DOES_SELECTION, (void (*)(void))does},              \
        {OSSL_FUNC_ENCODER_ENCODE, (void (*)(void))fn},                        \
        {0, NULL},                                                             \
    }

ENCODER_TABLE(attls_ec_tss2_der_encoder_functions, tss2_does_selection,
              tss2_der_encode);
ENCODER_TABLE(attls_ec_tss2_pem_encoder_functions, tss2_does_selection,
              tss2_pem_encode);
ENCODER_TABLE(attls_rsa_tss2_der_encoder_functions, tss2_does_selection,
              tss2_der_encode);
ENCODER_TABLE(attls_rsa_tss2_pem_encoder_functions, tss2_does_selection,
              tss2_pem_encode);
ENCODER_TABLE(attls_ec_spki_der_encoder_functions, spki_does_selection,
              spki_der_encode);
ENCODER_TABLE(attls_ec_spki_pem_encoder_functions, spki_does_selection,
              spki_pem_encode);
ENCODER_TABLE(attls_rsa_spki_der_encoder_functions, spki_does_selection,
              spki_der_encode);
ENCODER_TABLE(attls_rsa_spki_pem_encoder_functions, spki_does_selection,
              spki_pem_encode);
ENCODER_TABLE(attls_ec_text_encoder_functions, text_does_selection,
              text_encode);
ENCODER_TABLE(attls_rsa_text_encoder_functions, text_does_selection,
              text_encode);
