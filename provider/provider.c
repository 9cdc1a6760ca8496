/* SPDX-License-Identifier: Apache-2.0 */
/*
 * attls.so entry point: configuration, the private library context, the
 * algorithm tables and the reason strings.
 *
 * attls registers only what serves TPM-resident keys: KEYMGMT (EC, RSA),
 * SIGNATURE (ECDSA, RSA), DECODER and ENCODER for its key formats, and a
 * STORE for attls: URIs. Never digests, ciphers, RAND, KEYEXCH, KDF or MAC:
 * those would shadow the default provider (and put TLS hashing or the DRBG
 * on the TPM).
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/params.h>
#include <openssl/provider.h>

#include "common/log.h"
#include "provider/errors.h"
#include "provider/provider.h"
#include "tpm/connection.h"

#ifndef ATTLS_VERSION
#define ATTLS_VERSION "0.0.0"
#endif

static OSSL_FUNC_provider_teardown_fn attls_teardown;
static OSSL_FUNC_provider_gettable_params_fn attls_gettable_params;
static OSSL_FUNC_provider_get_params_fn attls_get_params;
static OSSL_FUNC_provider_query_operation_fn attls_query;
static OSSL_FUNC_provider_get_reason_strings_fn attls_get_reason_strings;

#define EC_NAMES "EC:id-ecPublicKey:1.2.840.10045.2.1"
#define RSA_NAMES "RSA:rsaEncryption:1.2.840.113549.1.1.1"

static const OSSL_ALGORITHM attls_keymgmt[] = {
    {EC_NAMES, ATTLS_PROPS, attls_ec_keymgmt_functions,
     "attls EC keys resident in a TPM"},
    {RSA_NAMES, ATTLS_PROPS, attls_rsa_keymgmt_functions,
     "attls RSA keys resident in a TPM"},
    {NULL, NULL, NULL, NULL},
};

static const OSSL_ALGORITHM attls_signature[] = {
    {"ECDSA", ATTLS_PROPS, attls_ecdsa_signature_functions,
     "ECDSA signed by the TPM"},
    {RSA_NAMES, ATTLS_PROPS, attls_rsa_signature_functions,
     "RSA PKCS#1 v1.5 and PSS signed by the TPM"},
    {NULL, NULL, NULL, NULL},
};

static const OSSL_ALGORITHM attls_decoder[] = {
    {"DER", ATTLS_PROPS ",input=pem", attls_pem2der_tss2_decoder_functions,
     "TSS2 PRIVATE KEY PEM to DER"},
    {EC_NAMES, ATTLS_PROPS ",input=der,structure=TSS2",
     attls_tss2_ec_decoder_functions, "TSS2 key file to attls EC key"},
    {RSA_NAMES, ATTLS_PROPS ",input=der,structure=TSS2",
     attls_tss2_rsa_decoder_functions, "TSS2 key file to attls RSA key"},
    {NULL, NULL, NULL, NULL},
};

#define ENC(names, out, structure, fns, desc)                                  \
    {                                                                          \
        names, ATTLS_PROPS ",output=" out structure, fns, desc                 \
    }
static const OSSL_ALGORITHM attls_encoder[] = {
    ENC(EC_NAMES, "der", ",structure=PrivateKeyInfo",
        attls_ec_tss2_der_encoder_functions, "attls EC key to TSS2 DER"),
    ENC(EC_NAMES, "pem", ",structure=PrivateKeyInfo",
        attls_ec_tss2_pem_encoder_functions, "attls EC key to TSS2 PEM"),
    ENC(RSA_NAMES, "der", ",structure=PrivateKeyInfo",
        attls_rsa_tss2_der_encoder_functions, "attls RSA key to TSS2 DER"),
    ENC(RSA_NAMES, "pem", ",structure=PrivateKeyInfo",
        attls_rsa_tss2_pem_encoder_functions, "attls RSA key to TSS2 PEM"),
    ENC(EC_NAMES, "der", ",structure=SubjectPublicKeyInfo",
        attls_ec_spki_der_encoder_functions, "EC public key to SPKI DER"),
    ENC(EC_NAMES, "pem", ",structure=SubjectPublicKeyInfo",
        attls_ec_spki_pem_encoder_functions, "EC public key to SPKI PEM"),
    ENC(RSA_NAMES, "der", ",structure=SubjectPublicKeyInfo",
        attls_rsa_spki_der_encoder_functions, "RSA public key to SPKI DER"),
    ENC(RSA_NAMES, "pem", ",structure=SubjectPublicKeyInfo",
        attls_rsa_spki_pem_encoder_functions, "RSA public key to SPKI PEM"),
    ENC(EC_NAMES, "text", "", attls_ec_text_encoder_functions,
        "attls EC key as text"),
    ENC(RSA_NAMES, "text", "", attls_rsa_text_encoder_functions,
        "attls RSA key as text"),
    {NULL, NULL, NULL, NULL},
};
#undef ENC

static const OSSL_ALGORITHM attls_store[] = {
    {"attls", ATTLS_PROPS, attls_store_functions,
     "persistent TPM keys named by attls: URIs"},
    {NULL, NULL, NULL, NULL},
};

static const OSSL_ALGORITHM *attls_query(void *provctx, int operation_id,
                                         int *no_cache)
{
    (void)provctx;
    *no_cache = 0;
    switch (operation_id) {
    case OSSL_OP_KEYMGMT:
        return attls_keymgmt;
    case OSSL_OP_SIGNATURE:
        return attls_signature;
    case OSSL_OP_DECODER:
        return attls_decoder;
    case OSSL_OP_ENCODER:
        return attls_encoder;
    case OSSL_OP_STORE:
        return attls_store;
    default:
        return NULL;
    }
}

static const OSSL_PARAM *attls_gettable_params(void *provctx)
{
    static const OSSL_PARAM known[] = {
        OSSL_PARAM_utf8_ptr(OSSL_PROV_PARAM_NAME, NULL, 0),
        OSSL_PARAM_utf8_ptr(OSSL_PROV_PARAM_VERSION, NULL, 0),
        OSSL_PARAM_utf8_ptr(OSSL_PROV_PARAM_BUILDINFO, NULL, 0),
        OSSL_PARAM_int(OSSL_PROV_PARAM_STATUS, NULL),
        OSSL_PARAM_END,
    };

    (void)provctx;
    return known;
}

static int attls_get_params(void *provctx, OSSL_PARAM params[])
{
    OSSL_PARAM *p;

    (void)provctx;
    p = OSSL_PARAM_locate(params, OSSL_PROV_PARAM_NAME);
    if (p != NULL && !OSSL_PARAM_set_utf8_ptr(p, "attls TPM key provider"))
        return 0;
    p = OSSL_PARAM_locate(params, OSSL_PROV_PARAM_VERSION);
    if (p != NULL && !OSSL_PARAM_set_utf8_ptr(p, ATTLS_VERSION))
        return 0;
    p = OSSL_PARAM_locate(params, OSSL_PROV_PARAM_BUILDINFO);
    if (p != NULL && !OSSL_PARAM_set_utf8_ptr(p, "attls " ATTLS_VERSION))
        return 0;
    p = OSSL_PARAM_locate(params, OSSL_PROV_PARAM_STATUS);
    if (p != NULL && !OSSL_PARAM_set_int(p, 1))
        return 0;
    return 1;
}

static const OSSL_ITEM *attls_get_reason_strings(void *provctx)
{
    (void)provctx;
    return attls_reason_strings();
}

static void attls_teardown(void *vctx)
{
    attls_provctx *ctx = vctx;

    if (ctx == NULL)
        return;
    OSSL_PROVIDER_unload(ctx->default_prov);
    OSSL_LIB_CTX_free(ctx->libctx);
    OPENSSL_free(ctx);
}

static const OSSL_DISPATCH attls_dispatch[] = {
    {OSSL_FUNC_PROVIDER_TEARDOWN, (void (*)(void))attls_teardown},
    {OSSL_FUNC_PROVIDER_GETTABLE_PARAMS, (void (*)(void))attls_gettable_params},
    {OSSL_FUNC_PROVIDER_GET_PARAMS, (void (*)(void))attls_get_params},
    {OSSL_FUNC_PROVIDER_QUERY_OPERATION, (void (*)(void))attls_query},
    {OSSL_FUNC_PROVIDER_GET_REASON_STRINGS,
     (void (*)(void))attls_get_reason_strings},
    {0, NULL},
};

static void take_upcalls(attls_provctx *ctx, const OSSL_DISPATCH *in,
                         OSSL_FUNC_core_get_params_fn **get_params)
{
    for (; in->function_id != 0; in++) {
        switch (in->function_id) {
        case OSSL_FUNC_CORE_GET_PARAMS:
            *get_params = OSSL_FUNC_core_get_params(in);
            break;
        case OSSL_FUNC_CORE_NEW_ERROR:
            ctx->new_error = OSSL_FUNC_core_new_error(in);
            break;
        case OSSL_FUNC_CORE_SET_ERROR_DEBUG:
            ctx->set_error_debug = OSSL_FUNC_core_set_error_debug(in);
            break;
        case OSSL_FUNC_CORE_VSET_ERROR:
            ctx->vset_error = OSSL_FUNC_core_vset_error(in);
            break;
        default:
            break;
        }
    }
}

/*
 * TCTI: ATTLS_TCTI from the environment wins over the section's "tcti"
 * key. Both are read now, at load: nginx clears its workers' environment.
 */
static int configure_tcti(attls_provctx *ctx,
                          OSSL_FUNC_core_get_params_fn *get_params)
{
    const char *cnf = NULL;
    const char *env = getenv("ATTLS_TCTI");
    const char *tcti;
    OSSL_PARAM params[] = {
        OSSL_PARAM_utf8_ptr("tcti", (char **)&cnf, 0),
        OSSL_PARAM_END,
    };

    if (get_params != NULL && !get_params(ctx->handle, params))
        cnf = NULL;
    if (cnf != NULL && *cnf == '\0') {
        ATTLS_RAISE(ctx, ATTLS_E_CONFIG,
                    "the attls section sets tcti to an empty value; remove "
                    "the line for the default (%s)",
                    ATTLS_TPM_DEFAULT_TCTI);
        return 0;
    }
    tcti = env != NULL && *env != '\0' ? env : cnf;
    if (attls_tpm_configure(tcti) != 0)
        return 0;
    ATTLS_DEBUG_LOG("provider", "TCTI '%s' (from %s)", attls_tpm_tcti(),
                    tcti == NULL  ? "default"
                    : tcti == env ? "ATTLS_TCTI"
                                  : "openssl.cnf");
    return 1;
}

/* The one symbol attls.so exports (see attls.map). */
__attribute__((visibility("default"))) int
OSSL_provider_init(const OSSL_CORE_HANDLE *handle, const OSSL_DISPATCH *in,
                   const OSSL_DISPATCH **out, void **provctx)
{
    OSSL_FUNC_core_get_params_fn *get_params = NULL;
    attls_provctx *ctx = OPENSSL_zalloc(sizeof(*ctx));

    if (ctx == NULL)
        return 0;
    ctx->handle = handle;
    take_upcalls(ctx, in, &get_params);
    if (!configure_tcti(ctx, get_params))
        goto err;
    /* No TPM access here: the connection opens on first use. */
    ctx->libctx = OSSL_LIB_CTX_new_from_dispatch(handle, in);
    if (ctx->libctx == NULL)
        goto err;
    ctx->default_prov = OSSL_PROVIDER_load(ctx->libctx, "default");
    if (ctx->default_prov == NULL) {
        ATTLS_RAISE(ctx, ATTLS_E_INTERNAL,
                    "cannot load the default provider into attls's private "
                    "library context");
        goto err;
    }
    *provctx = ctx;
    *out = attls_dispatch;
    return 1;
err:
    attls_teardown(ctx);
    return 0;
}
