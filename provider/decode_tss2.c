/* SPDX-License-Identifier: Apache-2.0 */
/*-
 * Decoders for TSS2 PRIVATE KEY files, the path nginx 1.22 takes:
 * PEM_read_bio_PrivateKey -> OSSL_DECODER with every active provider's
 * decoders. pem2der claims only the "TSS2 PRIVATE KEY" label; the
 * der2key decoders (input=der, structure=TSS2) build the attls key and pass
 * it by reference, which OpenSSL hands to attls's own keymgmt load().
 *
 * Decoding needs no TPM: the key is loaded on its first signature (so an
 * nginx master never opens the TPM and its workers each load the key on
 * their own connection).
 *
 * OpenSSL's decoder contract: return 1 without producing anything for input
 * that is not ours, so other decoders get their turn; return 0 (fatal, with
 * a specific error) only for input that is ours and wrong.
 */
#include <string.h>

#include <openssl/bio.h>
#include <openssl/core_names.h>
#include <openssl/core_object.h>
#include <openssl/err.h>
#include <openssl/params.h>
#include <openssl/pem.h>

#include "common/log.h"
#include "provider/errors.h"
#include "provider/key.h"
#include "tpm/keyfile.h"

static OSSL_FUNC_decoder_newctx_fn tss2_newctx;
static OSSL_FUNC_decoder_freectx_fn tss2_freectx;
static OSSL_FUNC_decoder_decode_fn pem2der_decode;
static OSSL_FUNC_decoder_decode_fn tss2_ec_decode;
static OSSL_FUNC_decoder_decode_fn tss2_rsa_decode;
static OSSL_FUNC_decoder_does_selection_fn tss2_does_selection;

/* The decoders keep no state: the context is the provider context. */
static void *tss2_newctx(void *provctx)
{
    return provctx;
}

static void tss2_freectx(void *ctx)
{
    (void)ctx;
}

static int tss2_does_selection(void *provctx, int selection)
{
    (void)provctx;
    return selection == 0 || (selection & OSSL_KEYMGMT_SELECT_KEYPAIR) != 0;
}

static int pem2der_decode(void *vctx, OSSL_CORE_BIO *cin, int selection,
                          OSSL_CALLBACK *data_cb, void *data_cbarg,
                          OSSL_PASSPHRASE_CALLBACK *pw_cb, void *pw_cbarg)
{
    attls_provctx *ctx = vctx;
    BIO *in = BIO_new_from_core_bio(ctx->libctx, cin);
    char *name = NULL, *header = NULL;
    unsigned char *der = NULL;
    long len = 0;
    int ok = 1;

    (void)selection;
    (void)pw_cb;
    (void)pw_cbarg;
    if (in == NULL)
        return 0;
    /* Not PEM, or another label: not ours, and not an error. */
    ERR_set_mark();
    if (!PEM_read_bio(in, &name, &header, &der, &len) ||
        strcmp(name, ATTLS_TSS2_PEM_LABEL) != 0) {
        ERR_pop_to_mark();
        goto end;
    }
    ERR_pop_to_mark();
    if (header != NULL && *header != '\0') {
        ATTLS_RAISE(ctx, ATTLS_E_KEYFILE_PARSE,
                    "TSS2 PRIVATE KEY PEM with headers (encrypted PEM is "
                    "not part of the format)");
        ok = 0;
        goto end;
    }
    {
        OSSL_PARAM params[3];

        params[0] = OSSL_PARAM_construct_octet_string(OSSL_OBJECT_PARAM_DATA,
                                                      der, (size_t)len);
        params[1] = OSSL_PARAM_construct_utf8_string(
            OSSL_OBJECT_PARAM_DATA_STRUCTURE, (char *)"TSS2", 0);
        params[2] = OSSL_PARAM_construct_end();
        ok = data_cb(params, data_cbarg);
    }
end:
    OPENSSL_free(name);
    OPENSSL_free(header);
    OPENSSL_free(der);
    BIO_free(in);
    return ok;
}

/* Read the whole DER input, bounded. @return bytes read, -1 too big/error */
static long read_der(attls_provctx *ctx, OSSL_CORE_BIO *cin, uint8_t *buf,
                     size_t size)
{
    BIO *in = BIO_new_from_core_bio(ctx->libctx, cin);
    size_t total = 0;
    int n;

    if (in == NULL)
        return -1;
    while (total < size &&
           (n = BIO_read(in, buf + total, (int)(size - total))) > 0)
        total += (size_t)n;
    BIO_free(in);
    return total < size ? (long)total : -1;
}

/*
 * Is this a TSS2 TPMKey at all? SEQUENCE whose first element is an OID
 * under 2.23.133.10.1 (tcg-tpm2-key-types). Anything else is not ours.
 */
static int looks_like_tss2(const uint8_t *der, size_t len)
{
    static const uint8_t prefix[] = {0x06, 0x06, 0x67, 0x81, 0x05, 0x0A, 0x01};
    size_t hdr;

    if (len < 2 || der[0] != 0x30)
        return 0;
    if (der[1] < 0x80)
        hdr = 2;
    else if (der[1] == 0x81 || der[1] == 0x82)
        hdr = 2 + (der[1] & 0x7F);
    else
        return 0;
    return len >= hdr + sizeof(prefix) &&
           memcmp(der + hdr, prefix, sizeof(prefix)) == 0;
}

static int tss2_decode(attls_provctx *ctx, OSSL_CORE_BIO *cin,
                       TPMI_ALG_PUBLIC type, OSSL_CALLBACK *data_cb,
                       void *data_cbarg, OSSL_PASSPHRASE_CALLBACK *pw_cb,
                       void *pw_cbarg)
{
    uint8_t der[ATTLS_TSS2_MAX_DER + 1];
    attls_tpm_keyfile kf;
    attls_status st;
    attls_key *key = NULL;
    long len = read_der(ctx, cin, der, sizeof(der));
    int ok = 0;

    if (len < 0 || !looks_like_tss2(der, (size_t)len))
        return 1; /* not ours (or too large to be ours) */
    attls_status_clear(&st);
    if (attls_tpm_keyfile_decode(der, (size_t)len, &kf, &st) != ATTLS_OK) {
        ATTLS_RAISE_STATUS(ctx, &st);
        return 0;
    }
    if (kf.pub.publicArea.type != type) {
        ok = 1; /* a key of the other type: its decoder takes it */
        goto end;
    }
    key = attls_key_new(ctx);
    if (key == NULL || !attls_key_set_blob(key, &kf) ||
        (!kf.empty_auth &&
         !attls_key_auth_from_callback(
             key, pw_cb, pw_cbarg,
             "the key file says the key has an auth value (emptyAuth is "
             "FALSE or absent)")))
        goto end;
    {
        int object_type = OSSL_OBJECT_PKEY;
        OSSL_PARAM params[4];

        params[0] =
            OSSL_PARAM_construct_int(OSSL_OBJECT_PARAM_TYPE, &object_type);
        params[1] = OSSL_PARAM_construct_utf8_string(
            OSSL_OBJECT_PARAM_DATA_TYPE,
            (char *)(type == TPM2_ALG_ECC ? "EC" : "RSA"), 0);
        params[2] = OSSL_PARAM_construct_octet_string(
            OSSL_OBJECT_PARAM_REFERENCE, &key, sizeof(key));
        params[3] = OSSL_PARAM_construct_end();
        /* keymgmt load() takes |key| and sets our pointer to NULL. */
        ok = data_cb(params, data_cbarg);
    }
    ATTLS_DEBUG_LOG("decoder", "TSS2 %s key under parent 0x%08x decoded",
                    type == TPM2_ALG_ECC ? "EC" : "RSA", kf.parent);
end:
    attls_key_free(key);
    OPENSSL_cleanse(&kf, sizeof(kf));
    return ok;
}

static int tss2_ec_decode(void *ctx, OSSL_CORE_BIO *cin, int selection,
                          OSSL_CALLBACK *data_cb, void *data_cbarg,
                          OSSL_PASSPHRASE_CALLBACK *pw_cb, void *pw_cbarg)
{
    (void)selection;
    return tss2_decode(ctx, cin, TPM2_ALG_ECC, data_cb, data_cbarg, pw_cb,
                       pw_cbarg);
}

static int tss2_rsa_decode(void *ctx, OSSL_CORE_BIO *cin, int selection,
                           OSSL_CALLBACK *data_cb, void *data_cbarg,
                           OSSL_PASSPHRASE_CALLBACK *pw_cb, void *pw_cbarg)
{
    (void)selection;
    return tss2_decode(ctx, cin, TPM2_ALG_RSA, data_cb, data_cbarg, pw_cb,
                       pw_cbarg);
}

const OSSL_DISPATCH attls_pem2der_tss2_decoder_functions[] = {
    {OSSL_FUNC_DECODER_NEWCTX, (void (*)(void))tss2_newctx},
    {OSSL_FUNC_DECODER_FREECTX, (void (*)(void))tss2_freectx},
    {OSSL_FUNC_DECODER_DECODE, (void (*)(void))pem2der_decode},
    {0, NULL},
};

const OSSL_DISPATCH attls_tss2_ec_decoder_functions[] = {
    {OSSL_FUNC_DECODER_NEWCTX, (void (*)(void))tss2_newctx},
    {OSSL_FUNC_DECODER_FREECTX, (void (*)(void))tss2_freectx},
    {OSSL_FUNC_DECODER_DOES_SELECTION, (void (*)(void))tss2_does_selection},
    {OSSL_FUNC_DECODER_DECODE, (void (*)(void))tss2_ec_decode},
    {0, NULL},
};

const OSSL_DISPATCH attls_tss2_rsa_decoder_functions[] = {
    {OSSL_FUNC_DECODER_NEWCTX, (void (*)(void))tss2_newctx},
    {OSSL_FUNC_DECODER_FREECTX, (void (*)(void))tss2_freectx},
    {OSSL_FUNC_DECODER_DOES_SELECTION, (void (*)(void))tss2_does_selection},
    {OSSL_FUNC_DECODER_DECODE, (void (*)(void))tss2_rsa_decode},
    {0, NULL},
};
