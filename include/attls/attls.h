/* SPDX-License-Identifier: Apache-2.0 */
/**
 * @file attls/attls.h
 * libattls: verify the attestation evidence that an attls certificate
 * carries (docs/evidence-format.md) against pinned vendor roots and a JSON
 * policy (docs/policy.md), directly or as an OpenSSL verify callback.
 *
 * Typical client:
 * @code
 *   attls_status st;
 *   attls_policy *pol = attls_policy_load_file("/etc/attls/policy.json", &st);
 *   SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
 *   attls_ssl_ctx_set_verify(ctx, pol);      // refuses unattested peers
 *   ... SSL_connect() ...
 *   attls_ssl_last_status(ssl, &st);          // why a handshake was refused
 * @endcode
 * Every function is thread-safe for distinct arguments; a policy is
 * read-only once loaded and may be shared by any number of SSL_CTX and
 * threads. See libattls(3).
 */
#ifndef ATTLS_ATTLS_H
#define ATTLS_ATTLS_H

#include <stddef.h>
#include <time.h>

#include <openssl/ssl.h>
#include <openssl/x509.h>

#include "attls/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/** A parsed, immutable verification policy. */
typedef struct attls_policy attls_policy;

/** What verified evidence says about the peer. */
typedef struct attls_result {
    char platform[16]; /**< "azure-snp", "azure-tdx", "gcp-snp", ... */
    char residency[8]; /**< "vtpm" or "memory" */
    time_t created;    /**< when the evidence was collected */
    int debug;         /**< the TEE allows debugging (never on ATTLS_OK
                            unless the policy allows it) */
    char *json;        /**< every verified claim as a JSON object (owned:
                            attls_result_free()); NULL when not verified */
} attls_result;

/**
 * Load a policy from a JSON file (docs/policy.md). Unknown keys, wrong types
 * and out-of-range values are refused.
 * @return a policy to free with attls_policy_free(), or NULL with @p st
 *         saying why (ATTLS_E_IO, ATTLS_E_POLICY_SYNTAX, ATTLS_E_POLICY_VALUE)
 */
ATTLS_EXPORT attls_policy *attls_policy_load_file(const char *path,
                                                  attls_status *st);

/** Same as attls_policy_load_file() for JSON text of @p len bytes. */
ATTLS_EXPORT attls_policy *attls_policy_load_text(const char *json, size_t len,
                                                  attls_status *st);

/** The default policy: a TEE platform, debug off, no other constraint. */
ATTLS_EXPORT attls_policy *attls_policy_new_default(attls_status *st);

/** Free @p pol (NULL is fine). */
ATTLS_EXPORT void attls_policy_free(attls_policy *pol);

/**
 * Replace the policy's verification time (tests, audits of old evidence).
 * @retval ATTLS_OK, ATTLS_E_ARGUMENT @p pol NULL
 */
ATTLS_EXPORT attls_code attls_policy_set_time(attls_policy *pol, time_t at);

/**
 * Replace the directory of trust-set overrides (DIR/<set>.pem, as
 * `attls --roots DIR`); NULL restores the pinned roots.
 * @retval ATTLS_OK, ATTLS_E_ARGUMENT, ATTLS_E_INTERNAL
 */
ATTLS_EXPORT attls_code attls_policy_set_roots_dir(attls_policy *pol,
                                                   const char *dir);

/**
 * Verify the evidence in certificate @p cert: every step of
 * docs/evidence-format.md §6, then @p pol.
 * @param result filled on ATTLS_OK (may be NULL); free with
 *        attls_result_free() in every case
 * @retval ATTLS_OK the evidence verifies and satisfies @p pol
 * @retval any ATTLS_E_* code, with @p st naming the check, what and why
 */
ATTLS_EXPORT attls_code attls_verify_certificate(X509 *cert,
                                                 const attls_policy *pol,
                                                 attls_result *result,
                                                 attls_status *st);

/** Free what attls_verify_certificate() put in @p r and zero it. */
ATTLS_EXPORT void attls_result_free(attls_result *r);

/**
 * Make every handshake of @p ctx verify the peer's leaf certificate with
 * attls_verify_certificate() and @p pol (SSL_VERIFY_PEER, fail if no peer
 * certificate). The peer's certificate is self-signed or issued by a CA the
 * client does not know: chain errors about the leaf's issuer are replaced
 * by attls's verdict; any other X.509 error still refuses the handshake.
 * @p pol must outlive @p ctx and every SSL made from it.
 * @retval ATTLS_OK installed
 * @retval ATTLS_E_ARGUMENT NULL argument
 * @retval ATTLS_E_INTERNAL OpenSSL ex_data failure
 */
ATTLS_EXPORT attls_code attls_ssl_ctx_set_verify(SSL_CTX *ctx,
                                                 const attls_policy *pol);

/**
 * Why the last handshake of @p ssl was refused (or ATTLS_OK and the
 * verified claims). @p result may be NULL; otherwise free it.
 * @retval the code stored in @p st; ATTLS_E_ARGUMENT when @p ssl never ran
 *         the attls callback
 */
ATTLS_EXPORT attls_code attls_ssl_last_status(const SSL *ssl, attls_status *st,
                                              attls_result *result);

#ifdef __cplusplus
}
#endif

#endif
