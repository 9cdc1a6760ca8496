/* SPDX-License-Identifier: Apache-2.0 */
#include "evidence/x509_chain.h"

#include <string.h>

#include "common/timeutil.h"

void attls_x509_name_str(const X509_NAME *name, char *buf, size_t len)
{
    BIO *bio = BIO_new(BIO_s_mem());
    int n = 0;

    buf[0] = '\0';
    if (bio == NULL || name == NULL)
        goto end;
    if (X509_NAME_print_ex(bio, name, 0,
                           XN_FLAG_ONELINE & ~ASN1_STRFLGS_ESC_MSB) < 0)
        goto end;
    n = BIO_read(bio, buf, (int)len - 1);
    buf[n > 0 ? n : 0] = '\0';
    if (n <= 0)
        snprintf(buf, len, "(empty subject)");
end:
    BIO_free(bio);
}

void attls_x509_subject_str(X509 *x, char *buf, size_t len)
{
    buf[0] = '\0';
    if (x != NULL)
        attls_x509_name_str(X509_get_subject_name(x), buf, len);
}

static attls_code map_verify_error(int err)
{
    switch (err) {
    case X509_V_ERR_CERT_HAS_EXPIRED:
    case X509_V_ERR_CERT_NOT_YET_VALID:
    case X509_V_ERR_ERROR_IN_CERT_NOT_BEFORE_FIELD:
    case X509_V_ERR_ERROR_IN_CERT_NOT_AFTER_FIELD:
        return ATTLS_E_CERT_EXPIRED;
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
    case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
    case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
    case X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE:
    case X509_V_ERR_CERT_UNTRUSTED:
        return ATTLS_E_CERT_ROOT;
    case X509_V_ERR_CERT_SIGNATURE_FAILURE:
    case X509_V_ERR_UNABLE_TO_DECRYPT_CERT_SIGNATURE:
    case X509_V_ERR_UNABLE_TO_DECODE_ISSUER_PUBLIC_KEY:
        return ATTLS_E_CERT_SIGNATURE;
    case X509_V_ERR_UNABLE_TO_GET_CRL:
    case X509_V_ERR_CRL_HAS_EXPIRED:
    case X509_V_ERR_CRL_NOT_YET_VALID:
    case X509_V_ERR_CRL_SIGNATURE_FAILURE:
    case X509_V_ERR_UNABLE_TO_DECRYPT_CRL_SIGNATURE:
    case X509_V_ERR_ERROR_IN_CRL_LAST_UPDATE_FIELD:
    case X509_V_ERR_ERROR_IN_CRL_NEXT_UPDATE_FIELD:
    case X509_V_ERR_CERT_REVOKED:
    case X509_V_ERR_UNABLE_TO_GET_CRL_ISSUER:
        return ATTLS_E_CRL;
    default:
        return ATTLS_E_CERT_CHAIN;
    }
}

static STACK_OF(X509) *merge_untrusted(const attls_chain_params *p)
{
    STACK_OF(X509) *all = sk_X509_new_null();
    STACK_OF(X509) *parts[2] = {p->untrusted, p->trust->intermediates};

    if (all == NULL)
        return NULL;
    for (int i = 0; i < 2; i++) {
        for (int j = 0; j < sk_X509_num(parts[i]); j++) {
            if (!sk_X509_push(all, sk_X509_value(parts[i], j))) {
                sk_X509_free(all);
                return NULL;
            }
        }
    }
    return all; /* borrows the certificates: free with sk_X509_free */
}

static X509_STORE *anchor_store(const attls_trust_set *trust)
{
    X509_STORE *store = X509_STORE_new();

    if (store == NULL)
        return NULL;
    for (int i = 0; i < sk_X509_num(trust->anchors); i++) {
        if (!X509_STORE_add_cert(store, sk_X509_value(trust->anchors, i))) {
            X509_STORE_free(store);
            return NULL;
        }
    }
    return store;
}

attls_code attls_x509_chain_verify(X509 *leaf, const attls_chain_params *p,
                                   STACK_OF(X509) **chain_out,
                                   attls_status *st)
{
    X509_STORE *store = anchor_store(p->trust);
    STACK_OF(X509) *untrusted = merge_untrusted(p);
    X509_STORE_CTX *ctx = X509_STORE_CTX_new();
    attls_code rc = ATTLS_OK;
    const char *check = p->check ? p->check : "x509.chain";

    if (chain_out != NULL)
        *chain_out = NULL;
    if (store == NULL || untrusted == NULL || ctx == NULL ||
        !X509_STORE_CTX_init(ctx, store, leaf, untrusted)) {
        rc = attls_fail(st, ATTLS_E_INTERNAL, check,
                        "cannot set up certificate verification");
        goto end;
    }
    X509_STORE_CTX_set_time(ctx, 0, p->at);
    if (p->crls != NULL) {
        X509_STORE_CTX_set0_crls(ctx, p->crls);
        X509_STORE_CTX_set_flags(ctx, p->crl_leaf_only
                                          ? X509_V_FLAG_CRL_CHECK
                                          : X509_V_FLAG_CRL_CHECK |
                                                X509_V_FLAG_CRL_CHECK_ALL);
    }
    if (X509_verify_cert(ctx) != 1) {
        int err = X509_STORE_CTX_get_error(ctx);
        int depth = X509_STORE_CTX_get_error_depth(ctx);
        char subject[256], when[32];

        attls_x509_subject_str(X509_STORE_CTX_get_current_cert(ctx), subject,
                               sizeof(subject));
        attls_format_rfc3339(p->at, when, sizeof(when));
        rc = attls_fail(st, map_verify_error(err), check,
                        "certificate '%s' (depth %d): %s (verified at %s)",
                        subject, depth, X509_verify_cert_error_string(err),
                        when);
        goto end;
    }
    if (chain_out != NULL)
        *chain_out = X509_STORE_CTX_get1_chain(ctx);
end:
    X509_STORE_CTX_free(ctx);
    sk_X509_free(untrusted);
    X509_STORE_free(store);
    return rc;
}
