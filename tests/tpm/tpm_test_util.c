/* SPDX-License-Identifier: Apache-2.0 */
#include "tpm_test_util.h"

#include <stdlib.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/provider.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include "tpm/connection.h"

int OSSL_provider_init(const OSSL_CORE_HANDLE *handle, const OSSL_DISPATCH *in,
                       const OSSL_DISPATCH **out, void **provctx);

static OSSL_PROVIDER *prov_default, *prov_attls;
static OSSL_LIB_CTX *verify_ctx;
static OSSL_PROVIDER *verify_default;

void tt_load_providers(void)
{
    OSSL_PROVIDER_add_builtin(NULL, "attls", OSSL_provider_init);
    prov_default = OSSL_PROVIDER_load(NULL, "default");
    prov_attls = OSSL_PROVIDER_load(NULL, "attls");
    verify_ctx = OSSL_LIB_CTX_new();
    verify_default = OSSL_PROVIDER_load(verify_ctx, "default");
    if (prov_default == NULL || prov_attls == NULL || verify_default == NULL) {
        ERR_print_errors_fp(stderr);
        abort();
    }
}

void tt_unload_providers(void)
{
    OSSL_PROVIDER_unload(prov_attls);
    OSSL_PROVIDER_unload(prov_default);
    OSSL_PROVIDER_unload(verify_default);
    OSSL_LIB_CTX_free(verify_ctx);
    attls_tpm_disconnect();
}

OSSL_LIB_CTX *tt_verify_ctx(void)
{
    return verify_ctx;
}

static EVP_PKEY *gen(const char *alg, const OSSL_PARAM *params)
{
    EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(NULL, alg, "provider=attls");
    EVP_PKEY *pkey = NULL;

    if (ctx == NULL || EVP_PKEY_keygen_init(ctx) <= 0 ||
        EVP_PKEY_CTX_set_params(ctx, params) <= 0 ||
        EVP_PKEY_keygen(ctx, &pkey) <= 0)
        ERR_print_errors_fp(stderr);
    EVP_PKEY_CTX_free(ctx);
    return pkey;
}

EVP_PKEY *tt_gen_ec(const char *group)
{
    OSSL_PARAM params[] = {
        OSSL_PARAM_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME, (char *)group, 0),
        OSSL_PARAM_END,
    };

    return gen("EC", params);
}

EVP_PKEY *tt_gen_rsa(size_t bits)
{
    OSSL_PARAM params[] = {
        OSSL_PARAM_size_t(OSSL_PKEY_PARAM_RSA_BITS, &bits),
        OSSL_PARAM_END,
    };

    return gen("RSA", params);
}

EVP_PKEY *tt_public_copy(EVP_PKEY *pkey)
{
    unsigned char *der = NULL;
    const unsigned char *p;
    int len = i2d_PUBKEY(pkey, &der);
    EVP_PKEY *pub = NULL;

    if (len > 0) {
        p = der;
        pub = d2i_PUBKEY_ex(NULL, &p, len, verify_ctx, NULL);
    }
    OPENSSL_free(der);
    return pub;
}

static int set_rsa(EVP_PKEY_CTX *pctx, int pad, int saltlen)
{
    if (pad == 0)
        return 1;
    if (EVP_PKEY_CTX_set_rsa_padding(pctx, pad) <= 0)
        return 0;
    return pad != RSA_PKCS1_PSS_PADDING ||
           EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, saltlen) > 0;
}

int tt_sign_verify(EVP_PKEY *pkey, const char *md, int pad, int saltlen)
{
    static const unsigned char msg[] = "attls signs inside the TPM";
    unsigned char sig[1024];
    size_t siglen = sizeof(sig);
    EVP_MD_CTX *sctx = EVP_MD_CTX_new(), *vctx = EVP_MD_CTX_new();
    EVP_PKEY_CTX *pctx = NULL;
    EVP_PKEY *pub = tt_public_copy(pkey);
    int ok = 0;

    if (sctx == NULL || vctx == NULL || pub == NULL)
        goto end;
    if (EVP_DigestSignInit_ex(sctx, &pctx, md, NULL, NULL, pkey, NULL) <= 0 ||
        !set_rsa(pctx, pad, saltlen) ||
        EVP_DigestSignUpdate(sctx, msg, sizeof(msg)) <= 0 ||
        EVP_DigestSignFinal(sctx, sig, &siglen) <= 0)
        goto end;
    /* Verify with the default provider only, with explicit parameters. */
    if (EVP_DigestVerifyInit_ex(vctx, &pctx, md, verify_ctx, NULL, pub, NULL) <=
            0 ||
        !set_rsa(pctx, pad, saltlen))
        goto end;
    ok = EVP_DigestVerify(vctx, sig, siglen, msg, sizeof(msg)) == 1;
end:
    /* Errors stay queued: tests check their reasons. */
    EVP_MD_CTX_free(sctx);
    EVP_MD_CTX_free(vctx);
    EVP_PKEY_free(pub);
    return ok;
}

static int count_handles(ESYS_CONTEXT *esys, TPM2_HANDLE first)
{
    TPMS_CAPABILITY_DATA *cap = NULL;
    TPMI_YES_NO more;
    int n = -1;

    if (Esys_GetCapability(esys, ESYS_TR_NONE, ESYS_TR_NONE, ESYS_TR_NONE,
                           TPM2_CAP_HANDLES, first, 64, &more,
                           &cap) == TSS2_RC_SUCCESS) {
        n = 0;
        for (UINT32 i = 0; i < cap->data.handles.count; i++)
            n += (cap->data.handles.handle[i] >> 24) == (first >> 24);
    }
    Esys_Free(cap);
    return n;
}

int tt_tpm_handle_count(void)
{
    attls_tpm_conn c;
    int a, b;

    if (attls_tpm_acquire(&c) != TSS2_RC_SUCCESS)
        return -1;
    /* Literals: the tss2 TPM2_*_FIRST macros shift into the sign bit. */
    a = count_handles(c.esys, 0x80000000U);
    b = count_handles(c.esys, 0x02000000U);
    attls_tpm_release(&c, TSS2_RC_SUCCESS);
    return a < 0 || b < 0 ? -1 : a + b;
}

int tt_error_has_reason(attls_code code)
{
    const char *text = attls_status_code_text(code);
    unsigned long e;
    int found = 0;

    while ((e = ERR_get_error()) != 0) {
        const char *r = ERR_reason_error_string(e);

        if ((attls_code)ERR_GET_REASON(e) == code && r != NULL &&
            strcmp(r, text) == 0)
            found = 1;
    }
    return found;
}

int tt_is_attls_key(const EVP_PKEY *pkey)
{
    const OSSL_PROVIDER *p = EVP_PKEY_get0_provider(pkey);

    return p != NULL && strcmp(OSSL_PROVIDER_get0_name(p), "attls") == 0;
}
