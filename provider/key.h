/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The key object behind every attls EVP_PKEY (the keymgmt's keydata).
 *
 * A key always has a public area (TPMT_PUBLIC). A TPM key also has either a
 * blob (parent, public, private: from a TSS2 key file or keygen) or a
 * persistent handle, plus its auth value. Public-only keys come from
 * import (certificates' keys compared by match, peers' keys): everything
 * done with them is software, in the provider's private library context.
 *
 * Residency: the first private operation of a process loads the key
 * (CreatePrimary + Load + FlushContext for a blob, ReadPublic for a
 * persistent handle) and keeps the ESYS_TR, tagged with the connection's
 * generation, so that later operations cost exactly one TPM command. The
 * handle is used and changed only under the TPM connection lock, and
 * flushed when the last reference goes, unless it belongs to another
 * process's connection (a forked child forgets it).
 *
 * Keys are reference counted: signature contexts hold a reference.
 */
#ifndef ATTLS_PROVIDER_KEY_H
#define ATTLS_PROVIDER_KEY_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include <openssl/core.h>
#include <openssl/evp.h>
#include <tss2/tss2_esys.h>

#include "provider/provider.h"
#include "tpm/keyfile.h"

typedef struct attls_key {
    attls_provctx *provctx;
    atomic_int refs;
    TPM2B_PUBLIC pub;       /* public area (always) */
    int has_private;        /* 1: a TPM key (blob or persistent) */
    uint32_t persistent;    /* non-zero: the persistent handle */
    attls_tpm_keyfile blob; /* when has_private and !persistent */
    TPM2B_AUTH auth;        /* the key's auth value; cleansed on free */
    EVP_PKEY *soft;         /* the public key in provctx->libctx */
    ESYS_TR tr;             /* loaded object; under the connection lock */
    uint64_t tr_generation; /* connection generation |tr| belongs to */
} attls_key;

/* A new key without a public area yet (for import / gen). */
attls_key *attls_key_new(attls_provctx *ctx);
int attls_key_up_ref(attls_key *key);
/* Drop a reference; the last one flushes the loaded object. */
void attls_key_free(attls_key *key);

/*
 * Give @p key a public area (checked and copied) and build its software
 * public key. Raises on failure.
 */
int attls_key_set_public(attls_key *key, const TPMT_PUBLIC *pub);
/* Make @p key a TPM key from a decoded key file (raises on failure). */
int attls_key_set_blob(attls_key *key, const attls_tpm_keyfile *kf);
/* Make @p key the persistent TPM key @p handle: reads its public area. */
int attls_key_set_persistent(attls_key *key, uint32_t handle);
/* Forget the TPM part: @p key becomes a public key (for PUBKEY loads). */
void attls_key_make_public(attls_key *key);
/* Set the key's auth value (at most sizeof(TPMU_HA) bytes). */
int attls_key_set_auth(attls_key *key, const void *auth, size_t len);

/*
 * Ask @p cb (the application's passphrase callback, from a decoder or a
 * store) for the key's auth value. @p why says why (for the error).
 */
int attls_key_auth_from_callback(attls_key *key, OSSL_PASSPHRASE_CALLBACK *cb,
                                 void *cbarg, const char *why);

/*
 * Set the auth value from the first line of @p path (without the line
 * end). For auth values that must not appear on command lines or in URIs.
 */
int attls_key_auth_from_file(attls_key *key, const char *path);

/* @return OpenSSL's key type name for @p key: "EC" or "RSA". */
const char *attls_key_type_name(const attls_key *key);
/* @return key size in bits. */
unsigned attls_key_bits(const attls_key *key);

/*
 * Private operations (one TPM command once the key is resident). Each
 * raises a specific error on failure and returns 1/0.
 */
int attls_key_sign_ecdsa(attls_key *key, const uint8_t *digest, size_t len,
                         TPMS_SIGNATURE_ECC *sig);
int attls_key_sign_rsassa(attls_key *key, TPMI_ALG_HASH halg,
                          const uint8_t *digest, size_t len,
                          TPM2B_PUBLIC_KEY_RSA *sig);
int attls_key_rsa_private(attls_key *key, const uint8_t *in, size_t len,
                          TPM2B_PUBLIC_KEY_RSA *out);

#endif
