/* SPDX-License-Identifier: Apache-2.0 */
/*-
 * Key generation: TPM2_Create under the parent, nothing left loaded.
 *
 * A keymgmt gen can be reached by generic fetches (libssl's ephemeral ECDHE
 * keys when a property query prefers attls; tpm2-tss's ECC-salted sessions;
 * see pitfalls §1.4 and §8). Such callers must never fill the TPM, so
 * generation only makes the key blob: the primary is flushed at once, the
 * new key is not loaded, and it is loaded (then flushed when freed) only if
 * something signs with it. A gen reached from inside a TPM operation of the
 * same thread (ESYS's own crypto calling back into OpenSSL) is refused
 * instead of deadlocking on the connection lock.
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/params.h>

#include "common/log.h"
#include "provider/errors.h"
#include "provider/keymgmt.h"
#include "tpm/connection.h"
#include "tpm/keys.h"

void *attls_km_gen_init_type(void *provctx, int selection,
                             const OSSL_PARAM params[], TPMI_ALG_PUBLIC type)
{
    attls_genctx *g = OPENSSL_zalloc(sizeof(*g));

    if (g == NULL)
        return NULL;
    g->provctx = provctx;
    g->selection = selection;
    g->type = type;
    g->curve = TPM2_ECC_NIST_P256;
    g->bits = 2048;
    g->parent = ATTLS_TPM_PARENT_OWNER;
    /* Type-specific params are applied by the caller's set_params. */
    if (!attls_km_gen_set_common(g, params)) {
        attls_km_gen_cleanup(g);
        return NULL;
    }
    return g;
}

static int set_auth(attls_genctx *g, TPM2B_AUTH *auth, const OSSL_PARAM *p)
{
    const char *s = NULL;
    size_t len;

    if (!OSSL_PARAM_get_utf8_string_ptr(p, &s))
        return 0;
    len = strlen(s);
    if (len > sizeof(auth->buffer)) {
        ATTLS_RAISE(g->provctx, ATTLS_E_ARGUMENT,
                    "%s is %zu bytes, at most %zu allowed", p->key, len,
                    sizeof(auth->buffer));
        return 0;
    }
    OPENSSL_cleanse(auth, sizeof(*auth));
    auth->size = (UINT16)len;
    memcpy(auth->buffer, s, len);
    return 1;
}

static int set_parent(attls_genctx *g, const OSSL_PARAM *p)
{
    const char *s = NULL;
    unsigned int u;
    char *end;
    unsigned long v;

    if (p->data_type == OSSL_PARAM_UNSIGNED_INTEGER ||
        p->data_type == OSSL_PARAM_INTEGER) {
        if (!OSSL_PARAM_get_uint(p, &u))
            return 0;
        v = u;
    } else {
        if (!OSSL_PARAM_get_utf8_string_ptr(p, &s))
            return 0;
        v = strtoul(s, &end, 0);
        if (*s == '\0' || *end != '\0' || v > UINT32_MAX)
            v = 1; /* not a parent: reported below */
    }
    if (!attls_tpm_parent_handle_valid((uint32_t)v)) {
        ATTLS_RAISE(g->provctx, ATTLS_E_ARGUMENT,
                    "parent '%s' is neither 0x40000001 (owner SRK) nor a "
                    "persistent handle 0x81xxxxxx",
                    s != NULL ? s : "(integer)");
        return 0;
    }
    g->parent = v == 0 ? ATTLS_TPM_PARENT_OWNER : (uint32_t)v;
    return 1;
}

int attls_km_gen_set_common(attls_genctx *g, const OSSL_PARAM params[])
{
    const OSSL_PARAM *p;

    if (params == NULL)
        return 1;
    p = OSSL_PARAM_locate_const(params, ATTLS_GEN_PARAM_PARENT);
    if (p != NULL && !set_parent(g, p))
        return 0;
    p = OSSL_PARAM_locate_const(params, ATTLS_GEN_PARAM_USER_AUTH);
    if (p != NULL && !set_auth(g, &g->auth, p))
        return 0;
    p = OSSL_PARAM_locate_const(params, ATTLS_GEN_PARAM_PARENT_AUTH);
    if (p != NULL && !set_auth(g, &g->parent_auth, p))
        return 0;
    return 1;
}

static TSS2_RC create_blob(attls_genctx *g, attls_tpm_keyfile *kf)
{
    attls_tpm_keyspec spec = {g->type, g->curve, g->bits};
    attls_tpm_conn c;
    TSS2_RC rc;

    rc = attls_tpm_acquire(&c);
    if (rc != TSS2_RC_SUCCESS)
        return rc;
    rc = attls_tpm_key_create_blob(c.esys, g->parent, &g->parent_auth, &spec,
                                   &g->auth, kf);
    attls_tpm_release(&c, rc);
    return rc;
}

void *attls_km_gen(void *genctx, OSSL_CALLBACK *cb, void *cbarg)
{
    attls_genctx *g = genctx;
    attls_tpm_keyfile kf;
    attls_key *key = NULL;
    TSS2_RC rc;

    (void)cb;
    (void)cbarg;
    if (g == NULL)
        return NULL;
    if ((g->selection & OSSL_KEYMGMT_SELECT_KEYPAIR) == 0) {
        ATTLS_RAISE(g->provctx, ATTLS_E_KEYGEN,
                    "attls only generates key pairs (no domain parameters)");
        return NULL;
    }
    rc = create_blob(g, &kf);
    if (rc != TSS2_RC_SUCCESS) {
        ATTLS_RAISE_TPM(g->provctx, rc, "TPM2_Create of a new key");
        return NULL;
    }
    key = attls_key_new(g->provctx);
    if (key == NULL || !attls_key_set_blob(key, &kf) ||
        !attls_key_set_auth(key, g->auth.buffer, g->auth.size)) {
        attls_key_free(key);
        key = NULL;
    }
    OPENSSL_cleanse(&kf, sizeof(kf));
    ATTLS_DEBUG_LOG("keymgmt", "generated a %s key under 0x%08x",
                    g->type == TPM2_ALG_ECC ? "EC" : "RSA", g->parent);
    return key;
}

void attls_km_gen_cleanup(void *genctx)
{
    OPENSSL_clear_free(genctx, sizeof(attls_genctx));
}
