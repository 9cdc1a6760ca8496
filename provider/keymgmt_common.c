/* SPDX-License-Identifier: Apache-2.0 */
/*-
 * Keymgmt functions shared by EC and RSA.
 *
 * The rule that makes attls work with the default provider activated first
 * (see ../shared/reference/openssl-provider-pitfalls.md §1): export refuses
 * any selection with private material. OpenSSL then cannot hand the key to
 * the default provider's signature and falls back to attls's.
 */
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/params.h>

#include "common/log.h"
#include "provider/errors.h"
#include "provider/keymgmt.h"
#include "tpm/pubkey.h"

int attls_km_selection_has_private(int selection)
{
    return (selection & OSSL_KEYMGMT_SELECT_PRIVATE_KEY) != 0;
}

void *attls_km_new(void *provctx)
{
    return attls_key_new(provctx);
}

void attls_km_free(void *keydata)
{
    attls_key_free(keydata);
}

int attls_km_has(const void *keydata, int selection)
{
    const attls_key *key = keydata;

    if (key == NULL)
        return 0;
    /* A key built by new() and not imported yet has nothing at all. */
    if (selection != 0 && key->soft == NULL)
        return 0;
    if (attls_km_selection_has_private(selection) && !key->has_private)
        return 0;
    return 1;
}

int attls_km_match(const void *keydata1, const void *keydata2, int selection)
{
    const attls_key *a = keydata1, *b = keydata2;

    if (a == NULL || b == NULL || a->soft == NULL || b->soft == NULL)
        return 0;
    if (a->pub.publicArea.type != b->pub.publicArea.type)
        return 0;
    if ((selection & OSSL_KEYMGMT_SELECT_DOMAIN_PARAMETERS) != 0 &&
        a->pub.publicArea.type == TPM2_ALG_ECC &&
        a->pub.publicArea.parameters.eccDetail.curveID !=
            b->pub.publicArea.parameters.eccDetail.curveID)
        return 0;
    /*
     * The public value identifies the key pair: a private-key match is
     * decided by it too (the private part never leaves the TPM).
     */
    if ((selection & OSSL_KEYMGMT_SELECT_KEYPAIR) != 0)
        return attls_tpm_pub_equal(&a->pub.publicArea, &b->pub.publicArea);
    return 1;
}

int attls_km_export(void *keydata, int selection, OSSL_CALLBACK *cb,
                    void *cbarg)
{
    attls_key *key = keydata;
    OSSL_PARAM *params = NULL;
    int ok;

    if (key == NULL || key->soft == NULL)
        return 0;
    if (attls_km_selection_has_private(selection)) {
        /* Not an error: OpenSSL tries this and falls back to attls. */
        ATTLS_DEBUG_LOG("keymgmt", "export with private selection refused");
        return 0;
    }
    if (EVP_PKEY_todata(key->soft, selection, &params) <= 0)
        return 0;
    ok = cb(params, cbarg);
    OSSL_PARAM_free(params);
    return ok;
}

void *attls_km_load_type(const void *reference, size_t reference_sz,
                         TPMI_ALG_PUBLIC type)
{
    attls_key *key;

    if (reference == NULL || reference_sz != sizeof(key))
        return NULL;
    /* The decoder or store passed the address of its key pointer: detach. */
    key = *(attls_key **)reference;
    if (key == NULL || key->pub.publicArea.type != type)
        return NULL;
    *(attls_key **)reference = NULL;
    return key;
}

void *attls_km_dup(const void *keydata_from, int selection)
{
    attls_key *key = (attls_key *)keydata_from;

    (void)selection;
    /* Keys never change once built: share the object (and residency). */
    if (key == NULL || !attls_key_up_ref(key))
        return NULL;
    return key;
}
