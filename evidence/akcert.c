/* SPDX-License-Identifier: Apache-2.0 */
/* vTPM AK certificates: parsing, NV contents, chain, CRLs, key equality. */
#include "evidence/akcert.h"

#include <string.h>
#include <strings.h>

#include <openssl/asn1.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include "common/timeutil.h"
#include "evidence/x509_chain.h"
#include "evidence/x509_crl.h"

#define AZURE_PLACEHOLDER_CN "MICROSOFT AZURE TRUSTED VM RSA"

const char *attls_ak_platform_trust_set(attls_ak_platform platform)
{
    switch (platform) {
    case ATTLS_AK_PLATFORM_AZURE:
        return "azure-vtpm";
    case ATTLS_AK_PLATFORM_GCP:
        return "gcp-vtpm";
    default:
        return NULL;
    }
}

static int only_space(const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (p[i] != ' ' && p[i] != '\t' && p[i] != '\r' && p[i] != '\n')
            return 0;
    }
    return 1;
}

static int only_zero(const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (p[i] != 0)
            return 0;
    }
    return 1;
}

static attls_code der_cert(const uint8_t *der, size_t len, X509 **out,
                           const char *what, attls_status *st)
{
    const unsigned char *p = der;

    *out = d2i_X509(NULL, &p, (long)len);
    if (*out == NULL)
        return attls_fail(st, ATTLS_E_CERT_PARSE, "akcert.parse",
                          "%s (%zu bytes) is not a DER X.509 certificate", what,
                          len);
    if (p != der + len) {
        X509_free(*out);
        *out = NULL;
        return attls_fail(st, ATTLS_E_CERT_PARSE, "akcert.parse",
                          "%zu unexpected bytes follow the %zu-byte "
                          "certificate in the %s",
                          (size_t)(der + len - p), (size_t)(p - der), what);
    }
    return ATTLS_OK;
}

static attls_code pem_cert(const uint8_t *buf, size_t len, X509 **out,
                           attls_status *st)
{
    BIO *bio = BIO_new_mem_buf(buf, (int)len);
    char *name = NULL, *header = NULL;
    unsigned char *der = NULL;
    long der_len = 0;
    attls_code rc;

    if (bio == NULL)
        return attls_fail(st, ATTLS_E_INTERNAL, "akcert.parse",
                          "out of memory");
    ERR_set_mark();
    if (PEM_read_bio(bio, &name, &header, &der, &der_len) != 1 ||
        strcmp(name, PEM_STRING_X509) != 0) {
        rc = attls_fail(st, ATTLS_E_CERT_PARSE, "akcert.parse",
                        "PEM input does not start with one CERTIFICATE "
                        "block");
    } else if (header != NULL && header[0] != '\0') {
        rc = attls_fail(st, ATTLS_E_CERT_PARSE, "akcert.parse",
                        "PEM CERTIFICATE block carries headers");
    } else {
        char *rest = NULL;
        long rest_len = BIO_get_mem_data(bio, &rest);

        rc =
            rest_len > 0 && !only_space((const uint8_t *)rest, (size_t)rest_len)
                ? attls_fail(st, ATTLS_E_CERT_PARSE, "akcert.parse",
                             "%ld bytes of other data follow the PEM "
                             "CERTIFICATE block",
                             rest_len)
                : der_cert(der, (size_t)der_len, out, "PEM block", st);
    }
    ERR_pop_to_mark();
    OPENSSL_free(name);
    OPENSSL_free(header);
    OPENSSL_free(der);
    BIO_free(bio);
    return rc;
}

attls_code attls_akcert_parse(const uint8_t *buf, size_t len, X509 **out,
                              attls_status *st)
{
    size_t lead = 0;
    attls_code rc;

    *out = NULL;
    if (buf == NULL || len == 0 || len > INT32_MAX)
        return attls_fail(st, ATTLS_E_CERT_PARSE, "akcert.parse",
                          "empty certificate input");
    while (lead < len && only_space(buf + lead, 1))
        lead++;
    ERR_set_mark();
    if (len - lead >= 11 && memcmp(buf + lead, "-----BEGIN ", 11) == 0)
        rc = pem_cert(buf + lead, len - lead, out, st);
    else
        rc = der_cert(buf, len, out, "DER input", st);
    ERR_pop_to_mark();
    return rc;
}

attls_code attls_akcert_from_nv(const uint8_t *nv, size_t len, X509 **out,
                                attls_status *st)
{
    const unsigned char *p = nv;
    long body = 0;
    int tag = 0, cls = 0, ret;
    size_t total;

    *out = NULL;
    if (nv == NULL || len == 0 || len > INT32_MAX)
        return attls_fail(st, ATTLS_E_TPM_AKCERT_NV_FORMAT, "akcert.nv",
                          "AK certificate NV contents are empty");
    if (nv[0] == 0x00 && only_zero(nv, len))
        return attls_fail(st, ATTLS_E_TPM_AKCERT_NV_FORMAT, "akcert.nv",
                          "all %zu bytes of the AK certificate NV index are "
                          "zero: no certificate was provisioned",
                          len);
    ERR_set_mark();
    ret = ASN1_get_object(&p, &body, &tag, &cls, (long)len);
    ERR_pop_to_mark();
    /* 0x80: malformed or longer than the index; 0x21: indefinite length. */
    if ((ret & 0x80) || ret != V_ASN1_CONSTRUCTED || tag != V_ASN1_SEQUENCE ||
        cls != V_ASN1_UNIVERSAL)
        return attls_fail(st, ATTLS_E_TPM_AKCERT_NV_FORMAT, "akcert.nv",
                          "NV contents (%zu bytes, first byte 0x%02x) do not "
                          "start with a definite-length DER SEQUENCE that "
                          "fits the index",
                          len, nv[0]);
    total = (size_t)(p - nv) + (size_t)body;
    for (size_t i = total; i < len; i++) {
        if (nv[i] != 0)
            return attls_fail(st, ATTLS_E_TPM_AKCERT_NV_FORMAT, "akcert.nv",
                              "non-zero byte 0x%02x at offset %zu after the "
                              "%zu-byte certificate: NV padding must be zero",
                              nv[i], i, total);
    }
    return der_cert(nv, total, out, "AK certificate NV index", st);
}

int attls_akcert_is_azure_placeholder(X509 *cert)
{
    X509_NAME *issuer = X509_get_issuer_name(cert);
    int idx = -1;

    while ((idx = X509_NAME_get_index_by_NID(issuer, NID_commonName, idx)) >=
           0) {
        ASN1_STRING *cn =
            X509_NAME_ENTRY_get_data(X509_NAME_get_entry(issuer, idx));
        const char *d = (const char *)ASN1_STRING_get0_data(cn);
        size_t n = (size_t)ASN1_STRING_length(cn);

        if (n >= strlen(AZURE_PLACEHOLDER_CN) &&
            strncasecmp(d, AZURE_PLACEHOLDER_CN,
                        strlen(AZURE_PLACEHOLDER_CN)) == 0)
            return 1;
    }
    return 0;
}

static attls_code check_key(X509 *cert, EVP_PKEY *ak, attls_status *st)
{
    EVP_PKEY *key = X509_get0_pubkey(cert);
    char subject[256];

    if (key != NULL && EVP_PKEY_eq(key, ak) == 1)
        return ATTLS_OK;
    attls_x509_subject_str(cert, subject, sizeof(subject));
    return attls_fail(st, ATTLS_E_TPM_AKCERT_KEY_MISMATCH, "akcert.key",
                      "the public key of certificate '%s' (%s-%d) is not "
                      "the AK (%s-%d) that signs the evidence",
                      subject, key ? EVP_PKEY_get0_type_name(key) : "none",
                      key ? EVP_PKEY_get_bits(key) : 0,
                      EVP_PKEY_get0_type_name(ak), EVP_PKEY_get_bits(ak));
}

static time_t asn1_time_t(const ASN1_TIME *t)
{
    struct tm tm;

    if (t == NULL || ASN1_TIME_to_tm(t, &tm) != 1)
        return 0;
    return timegm(&tm);
}

static void fill_claims(X509 *cert, STACK_OF(X509) *chain,
                        const attls_akcert_opts *opts, attls_akcert_claims *c)
{
    EVP_PKEY *key = X509_get0_pubkey(cert);
    const ASN1_INTEGER *serial = X509_get0_serialNumber(cert);
    unsigned char *spki = NULL;
    int spki_len = i2d_PUBKEY(key, &spki);
    BIGNUM *bn = ASN1_INTEGER_to_BN(serial, NULL);
    char *hex = bn ? BN_bn2hex(bn) : NULL;

    c->platform = opts->platform;
    attls_x509_subject_str(cert, c->subject, sizeof(c->subject));
    attls_x509_name_str(X509_get_issuer_name(cert), c->issuer,
                        sizeof(c->issuer));
    attls_x509_subject_str(sk_X509_value(chain, sk_X509_num(chain) - 1),
                           c->anchor, sizeof(c->anchor));
    snprintf(c->serial, sizeof(c->serial), "%s", hex ? hex : "");
    c->not_before = asn1_time_t(X509_get0_notBefore(cert));
    c->not_after = asn1_time_t(X509_get0_notAfter(cert));
    c->chain_length = sk_X509_num(chain);
    snprintf(c->key_type, sizeof(c->key_type), "%s",
             EVP_PKEY_get_base_id(key) == EVP_PKEY_RSA  ? "rsa"
             : EVP_PKEY_get_base_id(key) == EVP_PKEY_EC ? "ec"
                                                        : "other");
    c->key_bits = EVP_PKEY_get_bits(key);
    if (spki_len > 0)
        EVP_Digest(spki, (size_t)spki_len, c->spki_sha256, NULL, EVP_sha256(),
                   NULL);
    c->ak_checked = opts->ak != NULL;
    c->crls_checked = (size_t)sk_X509_CRL_num(opts->crls);
    OPENSSL_free(hex);
    BN_free(bn);
    OPENSSL_free(spki);
}

attls_code attls_akcert_verify(X509 *cert, const attls_akcert_opts *opts,
                               attls_akcert_claims *claims, attls_status *st)
{
    attls_chain_params p;
    STACK_OF(X509) *chain = NULL;
    attls_gce_identity gce;
    attls_code rc;

    memset(&gce, 0, sizeof(gce));

    if (cert == NULL || opts == NULL || opts->trust == NULL ||
        attls_ak_platform_trust_set(opts->platform) == NULL)
        return attls_fail(st, ATTLS_E_ARGUMENT, "akcert",
                          "certificate, trust set and platform are required");
    if (opts->platform == ATTLS_AK_PLATFORM_AZURE &&
        attls_akcert_is_azure_placeholder(cert))
        return attls_fail(
            st, ATTLS_E_TPM_AKCERT_PLACEHOLDER, "akcert.placeholder",
            "the AK certificate is issued by \"" AZURE_PLACEHOLDER_CN
            "\": Azure has not provisioned the AK certificate "
            "yet (retry after the paravisor renews it)");
    memset(&p, 0, sizeof(p));
    p.at = opts->at;
    p.trust = opts->trust;
    p.untrusted = opts->intermediates;
    p.check = "akcert.chain";
    rc = attls_x509_chain_verify(cert, &p, &chain, st);
    if (rc == ATTLS_OK && sk_X509_CRL_num(opts->crls) > 0)
        rc = attls_x509_crls_check(chain, opts->crls, opts->at, "akcert.crl",
                                   st);
    if (rc == ATTLS_OK && opts->ak != NULL)
        rc = check_key(cert, opts->ak, st);
    if (rc == ATTLS_OK && opts->platform == ATTLS_AK_PLATFORM_GCP)
        rc = attls_gce_identity_decode(cert, &gce, st);
    if (rc == ATTLS_OK && claims != NULL) {
        memset(claims, 0, sizeof(*claims));
        fill_claims(cert, chain, opts, claims);
        if (opts->platform == ATTLS_AK_PLATFORM_GCP)
            claims->gce = gce;
    }
    sk_X509_pop_free(chain, X509_free);
    return rc;
}
