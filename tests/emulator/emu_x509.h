/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Test certificate authorities: key generation, certificate issuance with
 * the names, extensions and signature algorithms of the real vendor
 * hierarchies (RSASSA-PSS for AMD, ECDSA for Intel, RSA PKCS#1 for the
 * cloud vTPM CAs), CRLs, and PEM/DER files.
 */
#ifndef ATTLS_EMU_X509_H
#define ATTLS_EMU_X509_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

typedef enum emu_sig {
    EMU_SIG_RSA_SHA256,
    EMU_SIG_RSA_SHA384,
    EMU_SIG_RSA_PSS_SHA384, /* AMD: MGF1-SHA384, salt 48 */
    EMU_SIG_ECDSA_SHA256,
} emu_sig;

/** One extension: a standard one by name and openssl.cnf value, or raw DER. */
typedef struct emu_ext {
    const char *name;  /* e.g. "keyUsage"; NULL for a raw extension */
    const char *value; /* e.g. "critical,keyCertSign,cRLSign" */
    const char *oid;   /* raw extension OID */
    const uint8_t *der;
    size_t der_len;
    int critical;
} emu_ext;

typedef struct emu_cert_spec {
    const char *const *subject; /* "OU", "Engineering", "CN", "x", NULL */
    EVP_PKEY *pubkey;           /* the subject's key */
    X509 *issuer;               /* NULL: self-signed */
    EVP_PKEY *issuer_key;       /* NULL: self-signed with pubkey */
    const uint8_t *serial;      /* big-endian; NULL: 16 random bytes */
    size_t serial_len;
    time_t not_before, not_after;
    emu_sig sig;
    const emu_ext *exts;
    size_t n_exts;
} emu_cert_spec;

EVP_PKEY *emu_key_rsa(unsigned bits);
EVP_PKEY *emu_key_ec(const char *curve);

/** Issue a certificate. @return the certificate or NULL (reported) */
X509 *emu_cert_issue(const emu_cert_spec *spec);

/** Sign @p crl with @p key using @p sig. @retval 0, -1 (reported) */
int emu_crl_sign(X509_CRL *crl, EVP_PKEY *key, emu_sig sig);

/**
 * An empty CRL issued by @p issuer, valid from @p this_update to
 * @p next_update, CRL number @p number. @return the CRL or NULL (reported)
 */
X509_CRL *emu_crl_issue(X509 *issuer, EVP_PKEY *key, emu_sig sig,
                        time_t this_update, time_t next_update, long number);

int emu_key_save(const char *path, EVP_PKEY *key);
EVP_PKEY *emu_key_load(const char *path);
int emu_cert_save(const char *path, X509 *cert);
X509 *emu_cert_load(const char *path);
/** Append the PEM of @p cert to the PEM text in @p out. @retval 0, -1 */
int emu_cert_pem_append(X509 *cert, char **out, size_t *len);
/** DER of @p cert in a new buffer. @retval 0, -1 (reported) */
int emu_cert_der(X509 *cert, uint8_t **der, size_t *len);

/** DER SubjectPublicKeyInfo of @p key. @retval 0, -1 (reported) */
int emu_key_spki(EVP_PKEY *key, uint8_t **der, size_t *len);

/**
 * ECDSA signature of @p data (SHA-256 or SHA-384 as @p md) as raw r||s,
 * each big-endian in @p half bytes. @retval 0, -1 (reported)
 */
int emu_ecdsa_sign_raw(EVP_PKEY *key, const char *md, const void *data,
                       size_t len, size_t half, uint8_t *r, uint8_t *s);

/** The uncompressed point X||Y (2*@p half bytes) of EC key @p key. */
int emu_ec_point_raw(EVP_PKEY *key, size_t half, uint8_t *xy);

#endif
