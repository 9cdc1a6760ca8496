/* SPDX-License-Identifier: Apache-2.0 */
/* RSA keymgmt: 2048/3072(/4096)-bit keys resident in the TPM. */
#include <string.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/params.h>

#include "provider/errors.h"
#include "provider/keymgmt.h"
#include "tpm/pubkey.h"

static OSSL_FUNC_keymgmt_load_fn rsa_load;
static OSSL_FUNC_keymgmt_get_params_fn rsa_get_params;
static OSSL_FUNC_keymgmt_gettable_params_fn rsa_gettable_params;
static OSSL_FUNC_keymgmt_import_fn rsa_import;
static OSSL_FUNC_keymgmt_import_types_fn rsa_import_types;
static OSSL_FUNC_keymgmt_export_types_fn rsa_export_types;
static OSSL_FUNC_keymgmt_query_operation_name_fn rsa_query_operation_name;
static OSSL_FUNC_keymgmt_gen_init_fn rsa_gen_init;
static OSSL_FUNC_keymgmt_gen_set_params_fn rsa_gen_set_params;
static OSSL_FUNC_keymgmt_gen_settable_params_fn rsa_gen_settable_params;

static void *rsa_load(const void *reference, size_t reference_sz)
{
    return attls_km_load_type(reference, reference_sz, TPM2_ALG_RSA);
}

static int set_bn_bin(OSSL_PARAM *p, const uint8_t *bin, size_t len)
{
    BIGNUM *bn = BN_bin2bn(bin, (int)len, NULL);
    int ok = bn != NULL && OSSL_PARAM_set_BN(p, bn);

    BN_free(bn);
    return ok;
}

static int set_bn_word(OSSL_PARAM *p, uint32_t w)
{
    BIGNUM *bn = BN_new();
    int ok = bn != NULL && BN_set_word(bn, w) && OSSL_PARAM_set_BN(p, bn);

    BN_free(bn);
    return ok;
}

static int rsa_get_params(void *keydata, OSSL_PARAM params[])
{
    attls_key *key = keydata;
    const TPMT_PUBLIC *pub = &key->pub.publicArea;
    int bits = (int)pub->parameters.rsaDetail.keyBits;
    OSSL_PARAM *p;

    if ((p = OSSL_PARAM_locate(params, OSSL_PKEY_PARAM_BITS)) != NULL &&
        !OSSL_PARAM_set_int(p, bits))
        return 0;
    if ((p = OSSL_PARAM_locate(params, OSSL_PKEY_PARAM_SECURITY_BITS)) !=
            NULL &&
        !OSSL_PARAM_set_int(p, BN_security_bits(bits, -1)))
        return 0;
    if ((p = OSSL_PARAM_locate(params, OSSL_PKEY_PARAM_MAX_SIZE)) != NULL &&
        !OSSL_PARAM_set_int(p, (bits + 7) / 8))
        return 0;
    if ((p = OSSL_PARAM_locate(params, OSSL_PKEY_PARAM_DEFAULT_DIGEST)) !=
            NULL &&
        !OSSL_PARAM_set_utf8_string(p, "SHA256"))
        return 0;
    if ((p = OSSL_PARAM_locate(params, OSSL_PKEY_PARAM_RSA_N)) != NULL &&
        !set_bn_bin(p, pub->unique.rsa.buffer, pub->unique.rsa.size))
        return 0;
    if ((p = OSSL_PARAM_locate(params, OSSL_PKEY_PARAM_RSA_E)) != NULL &&
        !set_bn_word(p, attls_tpm_pub_rsa_exponent(pub)))
        return 0;
    return 1;
}

static const OSSL_PARAM *rsa_gettable_params(void *provctx)
{
    static const OSSL_PARAM known[] = {
        OSSL_PARAM_int(OSSL_PKEY_PARAM_BITS, NULL),
        OSSL_PARAM_int(OSSL_PKEY_PARAM_SECURITY_BITS, NULL),
        OSSL_PARAM_int(OSSL_PKEY_PARAM_MAX_SIZE, NULL),
        OSSL_PARAM_utf8_string(OSSL_PKEY_PARAM_DEFAULT_DIGEST, NULL, 0),
        OSSL_PARAM_BN(OSSL_PKEY_PARAM_RSA_N, NULL, 0),
        OSSL_PARAM_BN(OSSL_PKEY_PARAM_RSA_E, NULL, 0),
        OSSL_PARAM_END,
    };

    (void)provctx;
    return known;
}

/* Public keys only; see ec_import in keymgmt_ec.c for the rules. */
static int rsa_import(void *keydata, int selection, const OSSL_PARAM params[])
{
    attls_key *key = keydata;
    BIGNUM *n = NULL, *e = NULL;
    const OSSL_PARAM *pn, *pe;
    TPMT_PUBLIC pub;
    int ok = 0;

    if (key == NULL || key->has_private ||
        (selection & OSSL_KEYMGMT_SELECT_KEYPAIR) == 0)
        return 0;
    if (OSSL_PARAM_locate_const(params, OSSL_PKEY_PARAM_RSA_D) != NULL)
        return 0;
    pn = OSSL_PARAM_locate_const(params, OSSL_PKEY_PARAM_RSA_N);
    pe = OSSL_PARAM_locate_const(params, OSSL_PKEY_PARAM_RSA_E);
    if (pn == NULL || pe == NULL || !OSSL_PARAM_get_BN(pn, &n) ||
        !OSSL_PARAM_get_BN(pe, &e))
        goto end;
    ok = attls_tpm_pub_from_rsa(n, e, &pub) && attls_key_set_public(key, &pub);
end:
    BN_free(n);
    BN_free(e);
    return ok;
}

static const OSSL_PARAM rsa_public_types[] = {
    OSSL_PARAM_BN(OSSL_PKEY_PARAM_RSA_N, NULL, 0),
    OSSL_PARAM_BN(OSSL_PKEY_PARAM_RSA_E, NULL, 0),
    OSSL_PARAM_END,
};

static const OSSL_PARAM *rsa_import_types(int selection)
{
    return attls_km_selection_has_private(selection) &&
                   (selection & OSSL_KEYMGMT_SELECT_PUBLIC_KEY) == 0
               ? NULL
               : rsa_public_types;
}

static const OSSL_PARAM *rsa_export_types(int selection)
{
    return attls_km_selection_has_private(selection) ? NULL : rsa_public_types;
}

static const char *rsa_query_operation_name(int operation_id)
{
    return operation_id == OSSL_OP_SIGNATURE ? "RSA" : NULL;
}

static int rsa_gen_set_params(void *genctx, const OSSL_PARAM params[])
{
    attls_genctx *g = genctx;
    const OSSL_PARAM *p;
    BIGNUM *e = NULL;
    size_t bits;
    int ok;

    if (params == NULL)
        return 1;
    p = OSSL_PARAM_locate_const(params, OSSL_PKEY_PARAM_RSA_BITS);
    if (p != NULL) {
        if (!OSSL_PARAM_get_size_t(p, &bits))
            return 0;
        if (bits != 2048 && bits != 3072 && bits != 4096) {
            ATTLS_RAISE(g->provctx, ATTLS_E_KEY_UNSUPPORTED,
                        "RSA key size %zu: attls TPM keys are 2048, 3072 "
                        "or 4096 bits",
                        bits);
            return 0;
        }
        g->bits = (TPMI_RSA_KEY_BITS)bits;
    }
    p = OSSL_PARAM_locate_const(params, OSSL_PKEY_PARAM_RSA_E);
    if (p != NULL) {
        ok = OSSL_PARAM_get_BN(p, &e) && BN_is_word(e, 65537);
        BN_free(e);
        if (!ok) {
            ATTLS_RAISE(g->provctx, ATTLS_E_KEY_UNSUPPORTED,
                        "attls TPM RSA keys use the exponent 65537");
            return 0;
        }
    }
    return attls_km_gen_set_common(g, params);
}

static const OSSL_PARAM *rsa_gen_settable_params(void *genctx, void *provctx)
{
    static const OSSL_PARAM known[] = {
        OSSL_PARAM_size_t(OSSL_PKEY_PARAM_RSA_BITS, NULL),
        OSSL_PARAM_BN(OSSL_PKEY_PARAM_RSA_E, NULL, 0),
        ATTLS_GEN_COMMON_SETTABLES,
        OSSL_PARAM_END,
    };

    (void)genctx;
    (void)provctx;
    return known;
}

static void *rsa_gen_init(void *provctx, int selection,
                          const OSSL_PARAM params[])
{
    attls_genctx *g =
        attls_km_gen_init_type(provctx, selection, NULL, TPM2_ALG_RSA);

    if (g != NULL && !rsa_gen_set_params(g, params)) {
        attls_km_gen_cleanup(g);
        return NULL;
    }
    return g;
}

const OSSL_DISPATCH attls_rsa_keymgmt_functions[] = {
    {OSSL_FUNC_KEYMGMT_NEW, (void (*)(void))attls_km_new},
    {OSSL_FUNC_KEYMGMT_GEN_INIT, (void (*)(void))rsa_gen_init},
    {OSSL_FUNC_KEYMGMT_GEN_SET_PARAMS, (void (*)(void))rsa_gen_set_params},
    {OSSL_FUNC_KEYMGMT_GEN_SETTABLE_PARAMS,
     (void (*)(void))rsa_gen_settable_params},
    {OSSL_FUNC_KEYMGMT_GEN, (void (*)(void))attls_km_gen},
    {OSSL_FUNC_KEYMGMT_GEN_CLEANUP, (void (*)(void))attls_km_gen_cleanup},
    {OSSL_FUNC_KEYMGMT_LOAD, (void (*)(void))rsa_load},
    {OSSL_FUNC_KEYMGMT_FREE, (void (*)(void))attls_km_free},
    {OSSL_FUNC_KEYMGMT_GET_PARAMS, (void (*)(void))rsa_get_params},
    {OSSL_FUNC_KEYMGMT_GETTABLE_PARAMS, (void (*)(void))rsa_gettable_params},
    {OSSL_FUNC_KEYMGMT_QUERY_OPERATION_NAME,
     (void (*)(void))rsa_query_operation_name},
    {OSSL_FUNC_KEYMGMT_HAS, (void (*)(void))attls_km_has},
    {OSSL_FUNC_KEYMGMT_MATCH, (void (*)(void))attls_km_match},
    {OSSL_FUNC_KEYMGMT_IMPORT, (void (*)(void))rsa_import},
    {OSSL_FUNC_KEYMGMT_IMPORT_TYPES, (void (*)(void))rsa_import_types},
    {OSSL_FUNC_KEYMGMT_EXPORT, (void (*)(void))attls_km_export},
    {OSSL_FUNC_KEYMGMT_EXPORT_TYPES, (void (*)(void))rsa_export_types},
    {OSSL_FUNC_KEYMGMT_DUP, (void (*)(void))attls_km_dup},
    {0, NULL},
};
