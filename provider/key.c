/* SPDX-License-Identifier: Apache-2.0 */
#include "provider/key.h"

#include <string.h>

#include <openssl/crypto.h>

#include "common/bytes.h"
#include "common/log.h"
#include "provider/errors.h"
#include "tpm/connection.h"
#include "tpm/keys.h"
#include "tpm/policy.h"
#include "tpm/pubkey.h"
#include "tpm/sign.h"

attls_key *attls_key_new(attls_provctx *ctx)
{
    attls_key *key = OPENSSL_zalloc(sizeof(*key));

    if (key == NULL)
        return NULL;
    key->provctx = ctx;
    atomic_init(&key->refs, 1);
    key->tr = ESYS_TR_NONE;
    return key;
}

int attls_key_up_ref(attls_key *key)
{
    atomic_fetch_add(&key->refs, 1);
    return 1;
}

/* Flush the object this process loaded; never touch another process's. */
static void release_resident(attls_key *key)
{
    attls_tpm_conn c;

    if (key->tr == ESYS_TR_NONE)
        return;
    if (attls_tpm_acquire_existing(&c)) {
        if (c.generation == key->tr_generation) {
            if (key->persistent != 0)
                Esys_TR_Close(c.esys, &key->tr);
            else
                attls_tpm_flush(c.esys, key->tr);
        }
        attls_tpm_release(&c, TSS2_RC_SUCCESS);
    }
    key->tr = ESYS_TR_NONE;
}

void attls_key_free(attls_key *key)
{
    if (key == NULL || atomic_fetch_sub(&key->refs, 1) != 1)
        return;
    release_resident(key);
    EVP_PKEY_free(key->soft);
    OPENSSL_clear_free(key, sizeof(*key));
}

int attls_key_set_public(attls_key *key, const TPMT_PUBLIC *pub)
{
    EVP_PKEY *soft = NULL;

    if (attls_tpm_key_supported(pub) != TSS2_RC_SUCCESS) {
        ATTLS_RAISE(key->provctx, ATTLS_E_KEY_UNSUPPORTED,
                    "key type 0x%x of %u bits: attls handles EC P-256/P-384 "
                    "and RSA 2048/3072/4096",
                    pub->type, attls_tpm_key_bits(pub));
        return 0;
    }
    if (!attls_tpm_pub_to_pkey(pub, key->provctx->libctx, &soft)) {
        ATTLS_RAISE(key->provctx, ATTLS_E_KEY_UNSUPPORTED,
                    "public key is not a valid %s key",
                    pub->type == TPM2_ALG_ECC ? "EC" : "RSA");
        return 0;
    }
    EVP_PKEY_free(key->soft);
    key->soft = soft;
    key->pub.size = sizeof(*pub);
    key->pub.publicArea = *pub;
    return 1;
}

static int check_tpm_key(attls_key *key, const TPMT_PUBLIC *pub)
{
    if (attls_tpm_key_check(pub) == ATTLS_TPM_RC_ATTRIBUTES) {
        ATTLS_RAISE(key->provctx, ATTLS_E_KEY_ATTRIBUTES,
                    "TPM key attributes 0x%08x: attls needs an unrestricted "
                    "signing key (sign set, restricted clear)",
                    (unsigned)pub->objectAttributes);
        return 0;
    }
    return attls_key_set_public(key, pub);
}

int attls_key_set_blob(attls_key *key, const attls_tpm_keyfile *kf)
{
    if (!check_tpm_key(key, &kf->pub.publicArea))
        return 0;
    key->blob = *kf;
    key->has_private = 1;
    key->persistent = 0;
    return 1;
}

int attls_key_set_persistent(attls_key *key, uint32_t handle)
{
    attls_tpm_conn c;
    TPM2B_PUBLIC *pub = NULL;
    ESYS_TR tr = ESYS_TR_NONE;
    TSS2_RC rc;
    int ok;

    rc = attls_tpm_acquire(&c);
    if (rc != TSS2_RC_SUCCESS) {
        ATTLS_RAISE_TPM(key->provctx, rc, "connecting to the TPM");
        return 0;
    }
    rc = attls_tpm_key_open_persistent(c.esys, handle, &tr, &pub);
    if (rc == TSS2_RC_SUCCESS)
        Esys_TR_Close(c.esys, &tr);
    attls_tpm_release(&c, rc);
    if (rc != TSS2_RC_SUCCESS) {
        char what[64];

        snprintf(what, sizeof(what), "opening persistent key 0x%08x", handle);
        ATTLS_RAISE_TPM(key->provctx, rc, what);
        return 0;
    }
    ok = check_tpm_key(key, &pub->publicArea);
    Esys_Free(pub);
    if (ok) {
        key->has_private = 1;
        key->persistent = handle;
    }
    return ok;
}

void attls_key_make_public(attls_key *key)
{
    release_resident(key);
    key->has_private = 0;
    key->persistent = 0;
    OPENSSL_cleanse(&key->blob, sizeof(key->blob));
    OPENSSL_cleanse(&key->auth, sizeof(key->auth));
}

int attls_key_set_auth(attls_key *key, const void *auth, size_t len)
{
    if (len > sizeof(key->auth.buffer)) {
        ATTLS_RAISE(key->provctx, ATTLS_E_ARGUMENT,
                    "auth value is %zu bytes, at most %zu allowed", len,
                    sizeof(key->auth.buffer));
        return 0;
    }
    OPENSSL_cleanse(&key->auth, sizeof(key->auth));
    key->auth.size = (UINT16)len;
    if (len > 0)
        memcpy(key->auth.buffer, auth, len);
    return 1;
}

int attls_key_auth_from_callback(attls_key *key, OSSL_PASSPHRASE_CALLBACK *cb,
                                 void *cbarg, const char *why)
{
    char pass[sizeof(TPMU_HA) + 1];
    size_t len = 0;
    int ok;

    if (cb == NULL || !cb(pass, sizeof(pass), &len, NULL, cbarg)) {
        ATTLS_RAISE(key->provctx, ATTLS_E_AUTH_MISSING,
                    "%s and no passphrase was supplied", why);
        return 0;
    }
    ok = attls_key_set_auth(key, pass, len);
    OPENSSL_cleanse(pass, sizeof(pass));
    return ok;
}

int attls_key_auth_from_file(attls_key *key, const char *path)
{
    attls_buf buf = {0};
    int ok;

    if (attls_read_file(path, sizeof(TPMU_HA) + 2, &buf) != 0) {
        ATTLS_RAISE(key->provctx, ATTLS_E_AUTH_MISSING,
                    "cannot read the auth file '%s' (missing, unreadable or "
                    "longer than one %zu-byte line)",
                    path, sizeof(TPMU_HA));
        return 0;
    }
    ok = attls_key_set_auth(key, buf.data, strcspn((char *)buf.data, "\r\n"));
    attls_buf_free(&buf);
    return ok;
}

const char *attls_key_type_name(const attls_key *key)
{
    return key->pub.publicArea.type == TPM2_ALG_RSA ? "RSA" : "EC";
}

unsigned attls_key_bits(const attls_key *key)
{
    return attls_tpm_key_bits(&key->pub.publicArea);
}

/* Under the connection lock: make |key| loaded on this connection. */
static TSS2_RC ensure_loaded(attls_key *key, const attls_tpm_conn *c)
{
    TPM2B_PUBLIC *pub = NULL;
    ESYS_TR tr = ESYS_TR_NONE;
    TSS2_RC rc;

    if (key->tr != ESYS_TR_NONE && key->tr_generation == c->generation)
        return TSS2_RC_SUCCESS;
    /* A handle of an older connection (or a parent process) is gone. */
    key->tr = ESYS_TR_NONE;
    if (key->persistent != 0) {
        rc = attls_tpm_key_open_persistent(c->esys, key->persistent, &tr, &pub);
        if (rc == TSS2_RC_SUCCESS &&
            !attls_tpm_pub_equal(&pub->publicArea, &key->pub.publicArea)) {
            Esys_TR_Close(c->esys, &tr);
            rc = ATTLS_TPM_RC_MISMATCH;
        }
        Esys_Free(pub);
    } else {
        rc = attls_tpm_key_load(c->esys, key->blob.parent, key->blob.rsa_parent,
                                NULL, &key->blob.pub, &key->blob.priv, &tr);
    }
    if (rc == TSS2_RC_SUCCESS) {
        key->tr = tr;
        key->tr_generation = c->generation;
        ATTLS_DEBUG_LOG("key", "key loaded (handle of generation %llu)",
                        (unsigned long long)c->generation);
    }
    return rc;
}

typedef TSS2_RC (*private_op_fn)(ESYS_CONTEXT *esys, ESYS_TR tr,
                                 const TPM2B_AUTH *auth, ESYS_TR session,
                                 void *arg);

/*
 * Run @p op on the loaded key. A PCR-policy key is authorised by a fresh
 * PolicyPCR session (the TPM compares the PCRs' current values with the
 * key's authPolicy), flushed whatever happens: 3 TPM commands per use.
 */
static TSS2_RC authorised_op(attls_key *key, ESYS_CONTEXT *esys,
                             private_op_fn op, void *arg)
{
    ESYS_TR session = ESYS_TR_PASSWORD;
    TSS2_RC rc;

    if (key->persistent == 0 && key->blob.pcr_policy) {
        rc = attls_tpm_policy_pcr_session(esys, &key->blob.policy_pcrs,
                                          &session);
        if (rc != TSS2_RC_SUCCESS)
            return rc;
    }
    rc = op(esys, key->tr, &key->auth, session, arg);
    if (session != ESYS_TR_PASSWORD)
        attls_tpm_flush(esys, session);
    return rc;
}

/* Acquire, load if needed, run one TPM command, release, raise. */
static int run_private_op(attls_key *key, private_op_fn op, void *arg,
                          const char *what)
{
    attls_tpm_conn c;
    TSS2_RC rc;

    if (!key->has_private) {
        ATTLS_RAISE(key->provctx, ATTLS_E_KEY_NOT_PRIVATE,
                    "%s: the key has no TPM private part (public key only)",
                    what);
        return 0;
    }
    rc = attls_tpm_acquire(&c);
    if (rc != TSS2_RC_SUCCESS) {
        ATTLS_RAISE_TPM(key->provctx, rc, "connecting to the TPM");
        return 0;
    }
    rc = ensure_loaded(key, &c);
    if (rc == TSS2_RC_SUCCESS) {
        rc = authorised_op(key, c.esys, op, arg);
        if (attls_tpm_rc_code(rc) == ATTLS_E_TPM_HANDLE &&
            key->persistent == 0) {
            /* Evicted behind our back (e.g. by a resource manager). */
            key->tr = ESYS_TR_NONE;
            rc = ensure_loaded(key, &c);
            if (rc == TSS2_RC_SUCCESS)
                rc = authorised_op(key, c.esys, op, arg);
        }
    } else {
        what = key->persistent != 0 ? "opening the persistent key"
                                    : "loading the key under its parent";
    }
    attls_tpm_release(&c, rc);
    if (rc != TSS2_RC_SUCCESS) {
        ATTLS_RAISE_TPM(key->provctx, rc, what);
        return 0;
    }
    return 1;
}

typedef struct sign_args {
    TPMI_ALG_HASH halg;
    const uint8_t *in;
    size_t len;
    void *out;
} sign_args;

static TSS2_RC op_ecdsa(ESYS_CONTEXT *esys, ESYS_TR tr, const TPM2B_AUTH *auth,
                        ESYS_TR session, void *arg)
{
    sign_args *a = arg;

    return attls_tpm_sign_ecdsa(esys, tr, auth, session, a->halg, a->in, a->len,
                                a->out);
}

static TSS2_RC op_rsassa(ESYS_CONTEXT *esys, ESYS_TR tr, const TPM2B_AUTH *auth,
                         ESYS_TR session, void *arg)
{
    sign_args *a = arg;

    return attls_tpm_sign_rsassa(esys, tr, auth, session, a->halg, a->in,
                                 a->len, a->out);
}

static TSS2_RC op_rsa_raw(ESYS_CONTEXT *esys, ESYS_TR tr,
                          const TPM2B_AUTH *auth, ESYS_TR session, void *arg)
{
    sign_args *a = arg;

    return attls_tpm_rsa_private(esys, tr, auth, session, a->in, a->len,
                                 a->out);
}

int attls_key_sign_ecdsa(attls_key *key, const uint8_t *digest, size_t len,
                         TPMS_SIGNATURE_ECC *sig)
{
    sign_args a = {attls_tpm_hash_for_size(len), digest, len, sig};

    if (a.halg == TPM2_ALG_ERROR) {
        ATTLS_RAISE(key->provctx, ATTLS_E_DIGEST,
                    "ECDSA digest of %zu bytes: 20, 32, 48 or 64 expected",
                    len);
        return 0;
    }
    return run_private_op(key, op_ecdsa, &a, "TPM2_Sign (ECDSA)");
}

int attls_key_sign_rsassa(attls_key *key, TPMI_ALG_HASH halg,
                          const uint8_t *digest, size_t len,
                          TPM2B_PUBLIC_KEY_RSA *sig)
{
    sign_args a = {halg, digest, len, sig};

    return run_private_op(key, op_rsassa, &a, "TPM2_Sign (RSASSA)");
}

int attls_key_rsa_private(attls_key *key, const uint8_t *in, size_t len,
                          TPM2B_PUBLIC_KEY_RSA *out)
{
    sign_args a = {TPM2_ALG_NULL, in, len, out};

    return run_private_op(key, op_rsa_raw, &a,
                          "TPM2_RSA_Decrypt (raw RSA for PSS)");
}
