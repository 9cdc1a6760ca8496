/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Signature contexts shared by ECDSA and RSA (signature_common.c).
 *
 * Digests are computed in software in the provider's private library
 * context; the TPM sees exactly one command per signature (TPM2_Sign, or
 * TPM2_RSA_Decrypt for PSS). Verification is software too, on the key's
 * public part: the TPM is never used for it.
 */
#ifndef ATTLS_PROVIDER_SIGNATURE_H
#define ATTLS_PROVIDER_SIGNATURE_H

#include <openssl/core_dispatch.h>
#include <openssl/evp.h>

#include "provider/key.h"

typedef struct attls_sigctx {
    attls_provctx *provctx;
    attls_key *key;    /* a reference; NULL before init */
    int operation;     /* EVP_PKEY_OP_SIGN or EVP_PKEY_OP_VERIFY */
    EVP_MD *md;        /* signature digest (NULL: none set yet) */
    EVP_MD_CTX *mdctx; /* running hash of digest_sign/digest_verify */
    int md_locked;     /* digest fixed by a digest-sign/verify init */
    int pad;           /* RSA: RSA_PKCS1_PADDING or RSA_PKCS1_PSS_PADDING */
    int saltlen;       /* RSA-PSS: bytes, or RSA_PSS_SALTLEN_* */
    EVP_MD *mgf1;      /* RSA-PSS: MGF1 digest (NULL: same as md) */
} attls_sigctx;

/* Per-algorithm behaviour plugged into the common code. */
typedef struct attls_sig_alg {
    TPMI_ALG_PUBLIC key_type;
    /* Sign a digest of |len| bytes into sig (sigsize bytes). */
    int (*sign_digest)(attls_sigctx *ctx, const uint8_t *digest, size_t len,
                       uint8_t *sig, size_t *siglen, size_t sigsize);
    /* Configure a software verify context (padding etc.). */
    int (*verify_setup)(attls_sigctx *ctx, EVP_PKEY_CTX *pctx);
} attls_sig_alg;

attls_sigctx *attls_sig_newctx(void *provctx);
OSSL_FUNC_signature_freectx_fn attls_sig_freectx;
OSSL_FUNC_signature_dupctx_fn attls_sig_dupctx;

int attls_sig_init(attls_sigctx *ctx, const attls_sig_alg *alg, void *key,
                   int operation);
int attls_sig_set_md(attls_sigctx *ctx, const char *mdname);
int attls_sig_digest_init(attls_sigctx *ctx, const attls_sig_alg *alg,
                          const char *mdname, void *key, int operation);
OSSL_FUNC_signature_digest_sign_update_fn attls_sig_digest_update;
int attls_sig_sign(attls_sigctx *ctx, const attls_sig_alg *alg, uint8_t *sig,
                   size_t *siglen, size_t sigsize, const uint8_t *tbs,
                   size_t tbslen);
int attls_sig_digest_sign_final(attls_sigctx *ctx, const attls_sig_alg *alg,
                                uint8_t *sig, size_t *siglen, size_t sigsize);
int attls_sig_digest_sign(attls_sigctx *ctx, const attls_sig_alg *alg,
                          uint8_t *sig, size_t *siglen, size_t sigsize,
                          const uint8_t *tbs, size_t tbslen);
int attls_sig_verify(attls_sigctx *ctx, const attls_sig_alg *alg,
                     const uint8_t *sig, size_t siglen, const uint8_t *tbs,
                     size_t tbslen);
int attls_sig_digest_verify_final(attls_sigctx *ctx, const attls_sig_alg *alg,
                                  const uint8_t *sig, size_t siglen);

/* Digest name/properties get/set shared by both algorithms. */
int attls_sig_get_md_param(attls_sigctx *ctx, OSSL_PARAM params[]);
int attls_sig_set_md_param(attls_sigctx *ctx, const OSSL_PARAM params[]);

/* Signature size of the context's key (max DER size for ECDSA). */
size_t attls_sig_size(const attls_sigctx *ctx);

#endif
