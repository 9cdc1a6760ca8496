/* SPDX-License-Identifier: Apache-2.0 */
/* EC keymgmt: P-256 and P-384 keys resident in the TPM. */
#include <string.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/params.h>

#include "provider/errors.h"
#include "provider/keymgmt.h"
#include "tpm/pubkey.h"

static OSSL_FUNC_keymgmt_load_fn ec_load;
static OSSL_FUNC_keymgmt_get_params_fn ec_get_params;
static OSSL_FUNC_keymgmt_gettable_params_fn ec_gettable_params;
static OSSL_FUNC_keymgmt_import_fn ec_import;
static OSSL_FUNC_keymgmt_import_types_fn ec_import_types;
static OSSL_FUNC_keymgmt_export_types_fn ec_export_types;
static OSSL_FUNC_keymgmt_query_operation_name_fn ec_query_operation_name;
static OSSL_FUNC_keymgmt_gen_init_fn ec_gen_init;
static OSSL_FUNC_keymgmt_gen_set_params_fn ec_gen_set_params;
static OSSL_FUNC_keymgmt_gen_settable_params_fn ec_gen_settable_params;

static void *ec_load(const void *reference, size_t reference_sz)
{
    return attls_km_load_type(reference, reference_sz, TPM2_ALG_ECC);
}

/* Largest DER ECDSA-Sig-Value: SEQUENCE of two INTEGERs of fb+1 bytes. */
static int ecdsa_max_size(size_t fb)
{
    size_t content = 2 * (2 + fb + 1);

    return (int)(content + (content < 128 ? 2 : 3));
}

static int set_coordinate(OSSL_PARAM *p, const TPM2B_ECC_PARAMETER *c)
{
    BIGNUM *bn = BN_bin2bn(c->buffer, c->size, NULL);
    int ok = bn != NULL && OSSL_PARAM_set_BN(p, bn);

    BN_free(bn);
    return ok;
}

static int ec_get_params(void *keydata, OSSL_PARAM params[])
{
    attls_key *key = keydata;
    const TPMT_PUBLIC *pub = &key->pub.publicArea;
    TPMI_ECC_CURVE curve = pub->parameters.eccDetail.curveID;
    size_t fb = attls_tpm_curve_bytes(curve);
    uint8_t point[ATTLS_EC_POINT_MAX];
    size_t len = 0;
    OSSL_PARAM *p;

    if (fb == 0 || !attls_tpm_pub_ec_point(pub, point, sizeof(point), &len))
        return 0;
    if ((p = OSSL_PARAM_locate(params, OSSL_PKEY_PARAM_BITS)) != NULL &&
        !OSSL_PARAM_set_int(p, (int)(fb * 8)))
        return 0;
    if ((p = OSSL_PARAM_locate(params, OSSL_PKEY_PARAM_SECURITY_BITS)) !=
            NULL &&
        !OSSL_PARAM_set_int(p, (int)(fb * 4)))
        return 0;
    if ((p = OSSL_PARAM_locate(params, OSSL_PKEY_PARAM_MAX_SIZE)) != NULL &&
        !OSSL_PARAM_set_int(p, ecdsa_max_size(fb)))
        return 0;
    if ((p = OSSL_PARAM_locate(params, OSSL_PKEY_PARAM_DEFAULT_DIGEST)) !=
            NULL &&
        !OSSL_PARAM_set_utf8_string(p, fb == 48 ? "SHA384" : "SHA256"))
        return 0;
    if ((p = OSSL_PARAM_locate(params, OSSL_PKEY_PARAM_GROUP_NAME)) != NULL &&
        !OSSL_PARAM_set_utf8_string(p, attls_tpm_curve_name(curve)))
        return 0;
    if ((p = OSSL_PARAM_locate(params, OSSL_PKEY_PARAM_ENCODED_PUBLIC_KEY)) !=
            NULL &&
        !OSSL_PARAM_set_octet_string(p, point, len))
        return 0;
    if ((p = OSSL_PARAM_locate(params, OSSL_PKEY_PARAM_PUB_KEY)) != NULL &&
        !OSSL_PARAM_set_octet_string(p, point, len))
        return 0;
    if ((p = OSSL_PARAM_locate(params, OSSL_PKEY_PARAM_EC_PUB_X)) != NULL &&
        !set_coordinate(p, &pub->unique.ecc.x))
        return 0;
    if ((p = OSSL_PARAM_locate(params, OSSL_PKEY_PARAM_EC_PUB_Y)) != NULL &&
        !set_coordinate(p, &pub->unique.ecc.y))
        return 0;
    if ((p = OSSL_PARAM_locate(
             params, OSSL_PKEY_PARAM_EC_POINT_CONVERSION_FORMAT)) != NULL &&
        !OSSL_PARAM_set_utf8_string(p, "uncompressed"))
        return 0;
    return 1;
}

static const OSSL_PARAM *ec_gettable_params(void *provctx)
{
    static const OSSL_PARAM known[] = {
        OSSL_PARAM_int(OSSL_PKEY_PARAM_BITS, NULL),
        OSSL_PARAM_int(OSSL_PKEY_PARAM_SECURITY_BITS, NULL),
        OSSL_PARAM_int(OSSL_PKEY_PARAM_MAX_SIZE, NULL),
        OSSL_PARAM_utf8_string(OSSL_PKEY_PARAM_DEFAULT_DIGEST, NULL, 0),
        OSSL_PARAM_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME, NULL, 0),
        OSSL_PARAM_octet_string(OSSL_PKEY_PARAM_ENCODED_PUBLIC_KEY, NULL, 0),
        OSSL_PARAM_octet_string(OSSL_PKEY_PARAM_PUB_KEY, NULL, 0),
        OSSL_PARAM_BN(OSSL_PKEY_PARAM_EC_PUB_X, NULL, 0),
        OSSL_PARAM_BN(OSSL_PKEY_PARAM_EC_PUB_Y, NULL, 0),
        OSSL_PARAM_utf8_string(OSSL_PKEY_PARAM_EC_POINT_CONVERSION_FORMAT, NULL,
                               0),
        OSSL_PARAM_END,
    };

    (void)provctx;
    return known;
}

/*
 * Public keys only (certificate keys for match, peers' keys). A PRIVATE
 * selection without a private value is a public import (OpenSSL 3.0
 * exports with SELECT_ALL, openssl/openssl#21596); a private value is
 * refused so that OpenSSL keeps such a key in its own provider.
 */
static int ec_import(void *keydata, int selection, const OSSL_PARAM params[])
{
    attls_key *key = keydata;
    const char *group = NULL;
    const void *point = NULL;
    size_t len = 0;
    const OSSL_PARAM *p;
    TPMT_PUBLIC pub;

    if (key == NULL || key->has_private ||
        (selection & OSSL_KEYMGMT_SELECT_KEYPAIR) == 0)
        return 0;
    if (OSSL_PARAM_locate_const(params, OSSL_PKEY_PARAM_PRIV_KEY) != NULL)
        return 0;
    p = OSSL_PARAM_locate_const(params, OSSL_PKEY_PARAM_GROUP_NAME);
    if (p == NULL || !OSSL_PARAM_get_utf8_string_ptr(p, &group))
        return 0;
    p = OSSL_PARAM_locate_const(params, OSSL_PKEY_PARAM_PUB_KEY);
    if (p == NULL || !OSSL_PARAM_get_octet_string_ptr(p, &point, &len))
        return 0;
    if (!attls_tpm_pub_from_ec(key->provctx->libctx, group, point, len, &pub))
        return 0;
    return attls_key_set_public(key, &pub);
}

static const OSSL_PARAM ec_public_types[] = {
    OSSL_PARAM_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME, NULL, 0),
    OSSL_PARAM_octet_string(OSSL_PKEY_PARAM_PUB_KEY, NULL, 0),
    OSSL_PARAM_END,
};

static const OSSL_PARAM *ec_import_types(int selection)
{
    return attls_km_selection_has_private(selection) &&
                   (selection & OSSL_KEYMGMT_SELECT_PUBLIC_KEY) == 0
               ? NULL
               : ec_public_types;
}

static const OSSL_PARAM *ec_export_types(int selection)
{
    return attls_km_selection_has_private(selection) ? NULL : ec_public_types;
}

static const char *ec_query_operation_name(int operation_id)
{
    return operation_id == OSSL_OP_SIGNATURE ? "ECDSA" : NULL;
}

static int ec_gen_set_params(void *genctx, const OSSL_PARAM params[])
{
    attls_genctx *g = genctx;
    const char *name = NULL;
    const OSSL_PARAM *p;

    if (params == NULL)
        return 1;
    p = OSSL_PARAM_locate_const(params, OSSL_PKEY_PARAM_GROUP_NAME);
    if (p != NULL) {
        if (!OSSL_PARAM_get_utf8_string_ptr(p, &name))
            return 0;
        g->curve = attls_tpm_curve_from_name(name);
        if (g->curve == TPM2_ECC_NONE) {
            ATTLS_RAISE(g->provctx, ATTLS_E_KEY_UNSUPPORTED,
                        "curve '%s': attls TPM keys are P-256 or P-384", name);
            return 0;
        }
    }
    return attls_km_gen_set_common(g, params);
}

static const OSSL_PARAM *ec_gen_settable_params(void *genctx, void *provctx)
{
    static const OSSL_PARAM known[] = {
        OSSL_PARAM_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME, NULL, 0),
        ATTLS_GEN_COMMON_SETTABLES,
        OSSL_PARAM_END,
    };

    (void)genctx;
    (void)provctx;
    return known;
}

static void *ec_gen_init(void *provctx, int selection,
                         const OSSL_PARAM params[])
{
    attls_genctx *g =
        attls_km_gen_init_type(provctx, selection, NULL, TPM2_ALG_ECC);

    if (g != NULL && !ec_gen_set_params(g, params)) {
        attls_km_gen_cleanup(g);
        return NULL;
    }
    return g;
}

const OSSL_DISPATCH attls_ec_keymgmt_functions[] = {
    {OSSL_FUNC_KEYMGMT_NEW, (void (*)(void))attls_km_new},
    {OSSL_FUNC_KEYMGMT_GEN_INIT, (void (*)(void))ec_gen_init},
    {OSSL_FUNC_KEYMGMT_GEN_SET_PARAMS, (void (*)(void))ec_gen_set_params},
    {OSSL_FUNC_KEYMGMT_GEN_SETTABLE_PARAMS,
     (void (*)(void))ec_gen_settable_params},
    {OSSL_FUNC_KEYMGMT_GEN, (void (*)(void))attls_km_gen},
    {OSSL_FUNC_KEYMGMT_GEN_CLEANUP, (void (*)(void))attls_km_gen_cleanup},
    {OSSL_FUNC_KEYMGMT_LOAD, (void (*)(void))ec_load},
    {OSSL_FUNC_KEYMGMT_FREE, (void (*)(void))attls_km_free},
    {OSSL_FUNC_KEYMGMT_GET_PARAMS, (void (*)(void))ec_get_params},
    {OSSL_FUNC_KEYMGMT_GETTABLE_PARAMS, (void (*)(void))ec_gettable_params},
    {OSSL_FUNC_KEYMGMT_QUERY_OPERATION_NAME,
     (void (*)(void))ec_query_operation_name},
    {OSSL_FUNC_KEYMGMT_HAS, (void (*)(void))attls_km_has},
    {OSSL_FUNC_KEYMGMT_MATCH, (void (*)(void))attls_km_match},
    {OSSL_FUNC_KEYMGMT_IMPORT, (void (*)(void))ec_import},
    {OSSL_FUNC_KEYMGMT_IMPORT_TYPES, (void (*)(void))ec_import_types},
    {OSSL_FUNC_KEYMGMT_EXPORT, (void (*)(void))attls_km_export},
    {OSSL_FUNC_KEYMGMT_EXPORT_TYPES, (void (*)(void))ec_export_types},
    {OSSL_FUNC_KEYMGMT_DUP, (void (*)(void))attls_km_dup},
    {0, NULL},
};
