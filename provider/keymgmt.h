/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Key management shared by the EC and RSA keymgmts (keymgmt_common.c,
 * keymgmt_gen.c); keymgmt_ec.c and keymgmt_rsa.c add what differs: params,
 * import, generation settings.
 */
#ifndef ATTLS_PROVIDER_KEYMGMT_H
#define ATTLS_PROVIDER_KEYMGMT_H

#include <openssl/core_dispatch.h>
#include <tss2/tss2_tpm2_types.h>

#include "provider/key.h"

OSSL_FUNC_keymgmt_new_fn attls_km_new;
OSSL_FUNC_keymgmt_free_fn attls_km_free;
OSSL_FUNC_keymgmt_has_fn attls_km_has;
OSSL_FUNC_keymgmt_match_fn attls_km_match;
OSSL_FUNC_keymgmt_export_fn attls_km_export;
OSSL_FUNC_keymgmt_dup_fn attls_km_dup;

/* load() for keys of TPM type @p type (TPM2_ALG_ECC / TPM2_ALG_RSA). */
void *attls_km_load_type(const void *reference, size_t reference_sz,
                         TPMI_ALG_PUBLIC type);

/* Selections that name private material. */
int attls_km_selection_has_private(int selection);

/* Key generation context (keymgmt_gen.c). */
typedef struct attls_genctx {
    attls_provctx *provctx;
    int selection;
    TPMI_ALG_PUBLIC type;   /* TPM2_ALG_ECC or TPM2_ALG_RSA */
    TPMI_ECC_CURVE curve;   /* EC: the group */
    TPMI_RSA_KEY_BITS bits; /* RSA: modulus size */
    uint32_t parent;        /* parent handle (owner SRK by default) */
    TPM2B_AUTH auth;        /* the new key's auth value */
    TPM2B_AUTH parent_auth; /* owner hierarchy / persistent parent auth */
} attls_genctx;

void *attls_km_gen_init_type(void *provctx, int selection,
                             const OSSL_PARAM params[], TPMI_ALG_PUBLIC type);
/* Set the parameters common to EC and RSA: parent, user-auth, parent-auth. */
int attls_km_gen_set_common(attls_genctx *g, const OSSL_PARAM params[]);
OSSL_FUNC_keymgmt_gen_fn attls_km_gen;
OSSL_FUNC_keymgmt_gen_cleanup_fn attls_km_gen_cleanup;

/* Gen parameter names shared with tpm2-openssl's -pkeyopt spelling. */
#define ATTLS_GEN_PARAM_PARENT "parent"
#define ATTLS_GEN_PARAM_USER_AUTH "user-auth"
#define ATTLS_GEN_PARAM_PARENT_AUTH "parent-auth"
#define ATTLS_GEN_COMMON_SETTABLES                                             \
    OSSL_PARAM_utf8_string(ATTLS_GEN_PARAM_PARENT, NULL, 0),                   \
        OSSL_PARAM_utf8_string(ATTLS_GEN_PARAM_USER_AUTH, NULL, 0),            \
        OSSL_PARAM_utf8_string(ATTLS_GEN_PARAM_PARENT_AUTH, NULL, 0)

#endif
