/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The attls provider context and the algorithm tables each provider/ file
 * contributes. Only OSSL_provider_init is exported from attls.so.
 */
#ifndef ATTLS_PROVIDER_PROVIDER_H
#define ATTLS_PROVIDER_PROVIDER_H

#include <openssl/core.h>
#include <openssl/core_dispatch.h>
#include <openssl/types.h>

/* Every algorithm attls registers carries exactly this property. */
#define ATTLS_PROPS "provider=attls"

/* Provider-wide state, created by OSSL_provider_init. */
typedef struct attls_provctx {
    const OSSL_CORE_HANDLE *handle;
    /*
     * A private library context with the default provider loaded: all the
     * provider's own software crypto (digests, verification, PSS, RNG) and
     * core BIO access go through it, never through the application's
     * context (where attls itself may be the preferred provider).
     */
    OSSL_LIB_CTX *libctx;
    OSSL_PROVIDER *default_prov;
    OSSL_FUNC_core_new_error_fn *new_error;
    OSSL_FUNC_core_set_error_debug_fn *set_error_debug;
    OSSL_FUNC_core_vset_error_fn *vset_error;
} attls_provctx;

/* Dispatch tables, one per file (see each file's end). */
extern const OSSL_DISPATCH attls_ec_keymgmt_functions[];
extern const OSSL_DISPATCH attls_rsa_keymgmt_functions[];
extern const OSSL_DISPATCH attls_ecdsa_signature_functions[];
extern const OSSL_DISPATCH attls_rsa_signature_functions[];
extern const OSSL_DISPATCH attls_pem2der_tss2_decoder_functions[];
extern const OSSL_DISPATCH attls_tss2_ec_decoder_functions[];
extern const OSSL_DISPATCH attls_tss2_rsa_decoder_functions[];
extern const OSSL_DISPATCH attls_ec_tss2_der_encoder_functions[];
extern const OSSL_DISPATCH attls_ec_tss2_pem_encoder_functions[];
extern const OSSL_DISPATCH attls_rsa_tss2_der_encoder_functions[];
extern const OSSL_DISPATCH attls_rsa_tss2_pem_encoder_functions[];
extern const OSSL_DISPATCH attls_ec_spki_der_encoder_functions[];
extern const OSSL_DISPATCH attls_ec_spki_pem_encoder_functions[];
extern const OSSL_DISPATCH attls_rsa_spki_der_encoder_functions[];
extern const OSSL_DISPATCH attls_rsa_spki_pem_encoder_functions[];
extern const OSSL_DISPATCH attls_ec_text_encoder_functions[];
extern const OSSL_DISPATCH attls_rsa_text_encoder_functions[];
extern const OSSL_DISPATCH attls_store_functions[];

#endif
