/* SPDX-License-Identifier: Apache-2.0 */
#include "tools/tls_key.h"

#include <errno.h>
#include <string.h>

#include <openssl/bio.h>
#include <openssl/decoder.h>
#include <openssl/err.h>
#include <openssl/pem.h>

#include "tpm/connection.h"
#include "tpm/parent.h"
#include "tpm/pcr.h"
#include "tpm/policy.h"
#include "tpm/rc.h"

/* A key file is small; anything bigger is not one of ours. */
#define KEYFILE_MAX (64 * 1024)

int attls_tls_key_type(const char *name, attls_tpm_keyspec *spec)
{
    static const struct {
        const char *name;
        attls_tpm_keyspec spec;
    } types[] = {
        {"ec-p256", {TPM2_ALG_ECC, TPM2_ECC_NIST_P256, 0}},
        {"ec-p384", {TPM2_ALG_ECC, TPM2_ECC_NIST_P384, 0}},
        {"rsa-2048", {TPM2_ALG_RSA, 0, 2048}},
        {"rsa-3072", {TPM2_ALG_RSA, 0, 3072}},
    };

    for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
        if (strcmp(types[i].name, name) == 0) {
            *spec = types[i].spec;
            return 0;
        }
    }
    return -1;
}

void attls_tls_key_free(attls_tls_key *k)
{
    if (k == NULL)
        return;
    EVP_PKEY_free(k->pkey);
    attls_buf_free(&k->pem);
    OPENSSL_cleanse(&k->kf, sizeof(k->kf));
    memset(k, 0, sizeof(*k));
}

static attls_code bio_to_buf(BIO *bio, attls_buf *out, attls_status *st)
{
    char *data = NULL;
    long n = BIO_get_mem_data(bio, &data);

    out->data = n > 0 ? OPENSSL_malloc((size_t)n + 1) : NULL;
    if (out->data == NULL)
        return attls_fail(st, ATTLS_E_INTERNAL, "key.encode",
                          "cannot encode the key file");
    memcpy(out->data, data, (size_t)n);
    out->data[n] = '\0';
    out->len = (size_t)n;
    return ATTLS_OK;
}

/* The key file's EVP_PKEY, decoded by the provider named in @p propq. */
static attls_code decode_pem(const attls_buf *pem, const char *propq,
                             EVP_PKEY **out, attls_status *st)
{
    BIO *bio = BIO_new_mem_buf(pem->data, (int)pem->len);
    OSSL_DECODER_CTX *dctx;
    int ok;

    *out = NULL;
    dctx = OSSL_DECODER_CTX_new_for_pkey(out, "PEM", NULL, NULL,
                                         EVP_PKEY_KEYPAIR, NULL, propq);
    ok = bio != NULL && dctx != NULL && OSSL_DECODER_from_bio(dctx, bio) == 1;
    OSSL_DECODER_CTX_free(dctx);
    BIO_free(bio);
    if (!ok || *out == NULL) {
        unsigned long e = ERR_peek_last_error();
        char why[256] = "no decoder accepted it";

        if (e != 0)
            ERR_error_string_n(e, why, sizeof(why));
        ERR_clear_error();
        EVP_PKEY_free(*out);
        *out = NULL;
        return attls_fail(st, ATTLS_E_KEYFILE_PARSE, "key.decode",
                          "the key file does not load (%s, %s)", propq, why);
    }
    return ATTLS_OK;
}

/*
 * The PolicyPCR of a PCR-policy key over @p pcrs and their current values
 * (kept in @p kf for the key file), into @p policy.
 */
static attls_code pcr_policy(ESYS_CONTEXT *esys, const TPML_PCR_SELECTION *pcrs,
                             attls_tpm_keyfile *kf, TPM2B_DIGEST *policy,
                             attls_status *st)
{
    TPM2B_DIGEST values[ATTLS_PCR_MAX_BANKS * ATTLS_PCR_COUNT];
    size_t count = 0;
    attls_code rc = attls_pcr_read(
        esys, pcrs, values, sizeof(values) / sizeof(values[0]), &count, st);

    if (rc != ATTLS_OK)
        return rc;
    if (attls_tpm_policy_pcr_values(values, count, &kf->policy_pcr_digest) !=
            TSS2_RC_SUCCESS ||
        attls_tpm_policy_pcr_digest(pcrs, &kf->policy_pcr_digest, policy) !=
            TSS2_RC_SUCCESS)
        return attls_fail(st, ATTLS_E_PCR_SELECTION, "key.pcr_policy",
                          "cannot compute the PolicyPCR digest");
    kf->pcr_policy = 1;
    kf->policy_pcrs = *pcrs;
    return ATTLS_OK;
}

/* Under the parent: the key, bound to @p policy_pcrs when not NULL. */
static attls_code create_under_owner(ESYS_CONTEXT *esys,
                                     const attls_tpm_keyspec *spec,
                                     const TPML_PCR_SELECTION *policy_pcrs,
                                     attls_tls_key *k, TPM2B_PUBLIC **pub,
                                     TPM2B_PRIVATE **priv, TSS2_RC *last_rc,
                                     attls_status *st)
{
    attls_tpm_keyspec s = *spec;
    attls_tpm_parent parent;
    TPM2B_DIGEST policy;
    TSS2_RC rc;

    if (policy_pcrs != NULL) {
        attls_code c = pcr_policy(esys, policy_pcrs, &k->kf, &policy, st);

        if (c != ATTLS_OK)
            return c;
        s.auth_policy = &policy;
    }
    rc = attls_tpm_parent_open(esys, ATTLS_TPM_PARENT_OWNER, 0, NULL, &parent);
    if (rc == TSS2_RC_SUCCESS) {
        rc = attls_tpm_key_create(esys, parent.tr, &s, NULL, pub, priv);
        attls_tpm_parent_close(esys, &parent);
    }
    *last_rc = rc;
    if (rc != TSS2_RC_SUCCESS)
        return attls_fail(st, attls_tpm_rc_code(rc), "key.tpm",
                          "creating the TLS key in the TPM failed: %s",
                          attls_tpm_rc_text(rc));
    return ATTLS_OK;
}

static attls_code tpm_create(const attls_tpm_keyspec *spec,
                             const TPML_PCR_SELECTION *policy_pcrs,
                             attls_tls_key *k, attls_status *st)
{
    attls_tpm_conn conn;
    TPM2B_PUBLIC *pub = NULL;
    TPM2B_PRIVATE *priv = NULL;
    TSS2_RC rc = attls_tpm_acquire(&conn);
    attls_code code;

    if (rc != TSS2_RC_SUCCESS)
        return attls_fail(st, attls_tpm_rc_code(rc), "key.tpm",
                          "cannot reach the TPM at '%s': %s", attls_tpm_tcti(),
                          attls_tpm_rc_text(rc));
    code = create_under_owner(conn.esys, spec, policy_pcrs, k, &pub, &priv, &rc,
                              st);
    attls_tpm_release(&conn, rc);
    if (code != ATTLS_OK)
        return code;
    k->kf.parent = ATTLS_TPM_PARENT_OWNER;
    k->kf.empty_auth = 1;
    k->kf.pub = *pub;
    k->kf.priv = *priv;
    Esys_Free(pub);
    Esys_Free(priv);
    return ATTLS_OK;
}

static attls_code tpm_pem(attls_tls_key *k, attls_status *st)
{
    uint8_t *der = NULL;
    size_t len = 0;
    BIO *bio;
    attls_code rc = attls_tpm_keyfile_encode(&k->kf, &der, &len);

    if (rc != ATTLS_OK)
        return attls_fail(st, rc, "key.encode",
                          "cannot encode the TSS2 key file");
    bio = BIO_new(BIO_s_mem());
    if (bio == NULL ||
        PEM_write_bio(bio, ATTLS_TSS2_PEM_LABEL, "", der, (long)len) <= 0)
        rc = attls_fail(st, ATTLS_E_INTERNAL, "key.encode",
                        "cannot write the TSS2 key file");
    else
        rc = bio_to_buf(bio, &k->pem, st);
    BIO_free(bio);
    OPENSSL_free(der);
    return rc;
}

static attls_code soft_create(const attls_tpm_keyspec *spec, attls_tls_key *k,
                              attls_status *st)
{
    BIO *bio;
    attls_code rc;

    /* Pinned to the default provider: attls would make a TPM key. */
    if (spec->type == TPM2_ALG_RSA)
        k->pkey = EVP_PKEY_Q_keygen(NULL, "provider=default", "RSA",
                                    (size_t)spec->bits);
    else
        k->pkey = EVP_PKEY_Q_keygen(
            NULL, "provider=default", "EC",
            spec->curve == TPM2_ECC_NIST_P384 ? "P-384" : "P-256");
    if (k->pkey == NULL)
        return attls_fail(st, ATTLS_E_INTERNAL, "key.generate",
                          "software key generation failed");
    bio = BIO_new(BIO_s_mem());
    if (bio == NULL ||
        PEM_write_bio_PrivateKey(bio, k->pkey, NULL, NULL, 0, NULL, NULL) <= 0)
        rc = attls_fail(st, ATTLS_E_INTERNAL, "key.encode",
                        "cannot encode the software key");
    else
        rc = bio_to_buf(bio, &k->pem, st);
    BIO_free(bio);
    return rc;
}

attls_code attls_tls_key_generate(attls_residency r,
                                  const attls_tpm_keyspec *spec,
                                  const TPML_PCR_SELECTION *policy_pcrs,
                                  attls_tls_key *out, attls_status *st)
{
    attls_code rc;

    memset(out, 0, sizeof(*out));
    out->residency = r;
    if (r == ATTLS_RESIDENCY_MEMORY) {
        rc = soft_create(spec, out, st);
    } else {
        rc = tpm_create(spec, policy_pcrs, out, st);
        if (rc == ATTLS_OK)
            rc = tpm_pem(out, st);
        if (rc == ATTLS_OK)
            rc = decode_pem(&out->pem, "provider=attls", &out->pkey, st);
    }
    if (rc != ATTLS_OK)
        attls_tls_key_free(out);
    return rc;
}

static const char tss2_begin[] = "-----BEGIN " ATTLS_TSS2_PEM_LABEL "-----";

attls_residency attls_tls_key_file_residency(const char *path)
{
    attls_buf pem;
    attls_residency r;

    if (attls_read_file(path, KEYFILE_MAX, &pem) != 0)
        return ATTLS_RESIDENCY_UNKNOWN;
    r = strstr((char *)pem.data, tss2_begin) != NULL ? ATTLS_RESIDENCY_VTPM
        : strstr((char *)pem.data, "PRIVATE KEY-----") != NULL
            ? ATTLS_RESIDENCY_MEMORY
            : ATTLS_RESIDENCY_UNKNOWN;
    attls_buf_free(&pem);
    return r;
}

attls_code attls_tls_key_read(const char *path, attls_tls_key *out,
                              attls_status *st)
{
    char *name = NULL, *header = NULL;
    unsigned char *der = NULL;
    long len = 0;
    BIO *bio;
    attls_code rc;

    memset(out, 0, sizeof(*out));
    switch (attls_read_file(path, KEYFILE_MAX, &out->pem)) {
    case 0:
        break;
    case -2:
        return attls_fail(st, ATTLS_E_KEYFILE_PARSE, "key.read",
                          "%s is larger than a key file", path);
    default:
        return attls_fail(st, ATTLS_E_IO, "key.read", "cannot read %s: %s",
                          path, strerror(errno));
    }
    if (strstr((char *)out->pem.data, tss2_begin) == NULL) {
        out->residency = ATTLS_RESIDENCY_MEMORY;
        rc = decode_pem(&out->pem, "provider=default", &out->pkey, st);
    } else {
        out->residency = ATTLS_RESIDENCY_VTPM;
        bio = BIO_new_mem_buf(out->pem.data, (int)out->pem.len);
        rc = bio != NULL && PEM_read_bio(bio, &name, &header, &der, &len) > 0 &&
                     strcmp(name, ATTLS_TSS2_PEM_LABEL) == 0
                 ? attls_tpm_keyfile_decode(der, (size_t)len, &out->kf, st)
                 : attls_fail(st, ATTLS_E_KEYFILE_PARSE, "key.read",
                              "%s: malformed TSS2 PRIVATE KEY PEM", path);
        BIO_free(bio);
        OPENSSL_free(name);
        OPENSSL_free(header);
        OPENSSL_free(der);
        if (rc == ATTLS_OK)
            rc = decode_pem(&out->pem, "provider=attls", &out->pkey, st);
    }
    if (rc != ATTLS_OK)
        attls_tls_key_free(out);
    return rc;
}

attls_code attls_tls_key_tpm_load(ESYS_CONTEXT *esys, const attls_tls_key *k,
                                  ESYS_TR *out, attls_status *st)
{
    TSS2_RC rc;

    *out = ESYS_TR_NONE;
    if (k->residency != ATTLS_RESIDENCY_VTPM)
        return attls_fail(st, ATTLS_E_ARGUMENT, "key.load",
                          "a memory-resident key has nothing to load");
    rc = attls_tpm_key_load(esys, k->kf.parent, k->kf.rsa_parent, NULL,
                            &k->kf.pub, &k->kf.priv, out);
    if (rc != TSS2_RC_SUCCESS)
        return attls_fail(st, attls_tpm_rc_code(rc), "key.load",
                          "the TLS key does not load under 0x%08x: %s",
                          (unsigned)k->kf.parent, attls_tpm_rc_text(rc));
    return ATTLS_OK;
}
