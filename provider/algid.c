/* SPDX-License-Identifier: Apache-2.0 */
/*
 * AlgorithmIdentifier DER for OSSL_SIGNATURE_PARAM_ALGORITHM_ID, which
 * X509_sign and friends ask the signature context for.
 */
#include <openssl/asn1.h>
#include <openssl/objects.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include "provider/sig_encoding.h"

static int algor_to_der(X509_ALGOR *a, uint8_t **der, size_t *len)
{
    unsigned char *out = NULL;
    int n = i2d_X509_ALGOR(a, &out);

    if (n <= 0)
        return 0;
    *der = out;
    *len = (size_t)n;
    return 1;
}

/* Signature OID for |md| with key type |pkey_nid|, parameters absent/NULL. */
static int simple_algid(const EVP_MD *md, int pkey_nid, int param_type,
                        uint8_t **der, size_t *len)
{
    X509_ALGOR *a = NULL;
    int sig_nid, ok;

    if (md == NULL ||
        !OBJ_find_sigid_by_algs(&sig_nid, EVP_MD_get_type(md), pkey_nid))
        return 0;
    a = X509_ALGOR_new();
    ok = a != NULL &&
         X509_ALGOR_set0(a, OBJ_nid2obj(sig_nid), param_type, NULL) &&
         algor_to_der(a, der, len);
    X509_ALGOR_free(a);
    return ok;
}

int attls_algid_ecdsa(const EVP_MD *md, uint8_t **der, size_t *len)
{
    /* RFC 5758: ecdsa-with-SHA* have absent parameters. */
    return simple_algid(md, NID_X9_62_id_ecPublicKey, V_ASN1_UNDEF, der, len);
}

int attls_algid_rsa_pkcs1(const EVP_MD *md, uint8_t **der, size_t *len)
{
    /* RFC 4055: the RSA PKCS#1 v1.5 OIDs have NULL parameters. */
    return simple_algid(md, NID_rsaEncryption, V_ASN1_NULL, der, len);
}

/*
 * The hash AlgorithmIdentifier inside RSASSA-PSS-params. RFC 4055 lets the
 * parameters be NULL or absent; NULL is what OpenSSL writes, so certificates
 * signed by attls look like those signed with software keys.
 */
static X509_ALGOR *md_algor(const EVP_MD *md)
{
    X509_ALGOR *a = X509_ALGOR_new();

    if (a != NULL && !X509_ALGOR_set0(a, OBJ_nid2obj(EVP_MD_get_type(md)),
                                      V_ASN1_NULL, NULL)) {
        X509_ALGOR_free(a);
        a = NULL;
    }
    return a;
}

/* mgf1 AlgorithmIdentifier with the hash AlgorithmIdentifier as parameter */
static X509_ALGOR *mgf1_algor(const EVP_MD *mgf1)
{
    X509_ALGOR *hash = md_algor(mgf1), *a = NULL;
    ASN1_STRING *seq = NULL;

    if (hash != NULL &&
        ASN1_item_pack(hash, ASN1_ITEM_rptr(X509_ALGOR), &seq) != NULL) {
        a = X509_ALGOR_new();
        if (a != NULL &&
            !X509_ALGOR_set0(a, OBJ_nid2obj(NID_mgf1), V_ASN1_SEQUENCE, seq)) {
            X509_ALGOR_free(a);
            a = NULL;
        } else if (a != NULL) {
            seq = NULL;
        }
    }
    ASN1_STRING_free(seq);
    X509_ALGOR_free(hash);
    return a;
}

static ASN1_STRING *pss_params(const EVP_MD *md, const EVP_MD *mgf1,
                               int saltlen)
{
    RSA_PSS_PARAMS *pss = RSA_PSS_PARAMS_new();
    ASN1_STRING *seq = NULL;

    if (pss == NULL)
        return NULL;
    /* DEFAULT values (SHA-1, MGF1-SHA-1, 20) are omitted, as DER wants. */
    if (EVP_MD_get_type(md) != NID_sha1 &&
        (pss->hashAlgorithm = md_algor(md)) == NULL)
        goto end;
    if (EVP_MD_get_type(mgf1) != NID_sha1 &&
        (pss->maskGenAlgorithm = mgf1_algor(mgf1)) == NULL)
        goto end;
    if (saltlen != 20 && ((pss->saltLength = ASN1_INTEGER_new()) == NULL ||
                          !ASN1_INTEGER_set(pss->saltLength, saltlen)))
        goto end;
    ASN1_item_pack(pss, ASN1_ITEM_rptr(RSA_PSS_PARAMS), &seq);
end:
    RSA_PSS_PARAMS_free(pss);
    return seq;
}

int attls_algid_rsa_pss(const EVP_MD *md, const EVP_MD *mgf1, int saltlen,
                        uint8_t **der, size_t *len)
{
    X509_ALGOR *a = NULL;
    ASN1_STRING *params;
    int ok = 0;

    if (md == NULL || saltlen < 0)
        return 0;
    params = pss_params(md, mgf1 != NULL ? mgf1 : md, saltlen);
    if (params == NULL)
        return 0;
    a = X509_ALGOR_new();
    if (a != NULL && X509_ALGOR_set0(a, OBJ_nid2obj(NID_rsassaPss),
                                     V_ASN1_SEQUENCE, params)) {
        params = NULL;
        ok = algor_to_der(a, der, len);
    }
    ASN1_STRING_free(params);
    X509_ALGOR_free(a);
    return ok;
}
