/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Helpers for the provider tests that run against a TPM (swtpm started by
 * run-tpm-test, TCTI in ATTLS_TCTI). The provider is linked in and added as
 * a built-in named "attls", loaded after "default" in the default library
 * context: the production order. Its tpm/ connection is the one this
 * process's helpers query, so handle checks see the provider's objects.
 */
#ifndef ATTLS_TESTS_TPM_TEST_UTIL_H
#define ATTLS_TESTS_TPM_TEST_UTIL_H

#include <stddef.h>

#include <openssl/evp.h>

#include "attls/status.h"

/* Load default then attls into the default library context. */
void tt_load_providers(void);
/* Unload them (end of the program). */
void tt_unload_providers(void);

/* A default-provider-only library context for independent verification. */
OSSL_LIB_CTX *tt_verify_ctx(void);

/* Generate a TPM key: "EC" with group, or "RSA" with bits. */
EVP_PKEY *tt_gen_ec(const char *group);
EVP_PKEY *tt_gen_rsa(size_t bits);

/* The public key of @p pkey re-read (SPKI) into tt_verify_ctx(). */
EVP_PKEY *tt_public_copy(EVP_PKEY *pkey);

/*
 * DigestSign @p msg with @p pkey (RSA: @p pad/@p saltlen, 0 = defaults) and
 * verify with the default provider requiring exactly those parameters
 * (PSS: an explicit salt length). @return 1 if both worked.
 */
int tt_sign_verify(EVP_PKEY *pkey, const char *md, int pad, int saltlen);

/* Number of transient objects and loaded sessions in this connection. */
int tt_tpm_handle_count(void);

/* 1 if the error queue holds attls reason @p code (queue cleared). */
int tt_error_has_reason(attls_code code);

/* 1 if @p pkey belongs to the attls provider. */
int tt_is_attls_key(const EVP_PKEY *pkey);

#endif
