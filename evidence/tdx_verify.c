/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Stage 1 of TDX verification: the signatures and bindings inside the
 * quote and its PCK chain (Intel QVL steps 4.1.2.4.4 - 4.1.2.4.16).
 */
#include "evidence/tdx.h"

#include <string.h>

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/x509v3.h>

#include "evidence/ecdsa_raw.h"
#include "evidence/pem_chain.h"
#include "evidence/x509_chain.h"

void attls_tdx_pck_free(attls_tdx_pck *pck)
{
    if (pck == NULL)
        return;
    sk_X509_pop_free(pck->certs, X509_free);
    memset(pck, 0, sizeof(*pck));
}

static int sha256_two(const uint8_t *a, size_t a_len, const uint8_t *b,
                      size_t b_len, uint8_t out[32])
{
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    unsigned int len = 0;
    int ok = ctx != NULL && EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) &&
             EVP_DigestUpdate(ctx, a, a_len) &&
             EVP_DigestUpdate(ctx, b, b_len) &&
             EVP_DigestFinal_ex(ctx, out, &len) && len == 32;

    EVP_MD_CTX_free(ctx);
    return ok;
}

attls_code attls_tdx_verify_qe_report_data(const attls_tdx_quote *q,
                                           attls_status *st)
{
    static const uint8_t zeros[32];
    const uint8_t *report_data = q->qe_report + 320;
    uint8_t digest[32];

    if (!sha256_two(q->att_key, ATTLS_TDX_KEY_LEN, q->qe_auth_data,
                    q->qe_auth_len, digest))
        return attls_fail(st, ATTLS_E_INTERNAL, "tdx.qe_report_data",
                          "SHA-256 failed");
    /* QVL compares only the hash; the zero half is checked as well. */
    if (CRYPTO_memcmp(report_data, digest, 32) != 0)
        return attls_fail(st, ATTLS_E_TDX_QE_REPORT_DATA, "tdx.qe_report_data",
                          "QE REPORTDATA[0:32] is not SHA-256(attestation "
                          "key || %zu bytes of QE auth data)",
                          q->qe_auth_len);
    if (CRYPTO_memcmp(report_data + 32, zeros, 32) != 0)
        return attls_fail(st, ATTLS_E_TDX_QE_REPORT_DATA, "tdx.qe_report_data",
                          "QE REPORTDATA[32:64] is not zero");
    return ATTLS_OK;
}

attls_code attls_tdx_verify_quote_signature(const attls_tdx_quote *q,
                                            attls_status *st)
{
    EVP_PKEY *key =
        attls_ec_pubkey_from_xy("prime256v1", q->att_key, ATTLS_TDX_KEY_LEN);
    int ok;

    if (key == NULL)
        return attls_fail(st, ATTLS_E_TDX_ATT_KEY, "tdx.quote_signature",
                          "attestation key is not a point on P-256");
    ok = attls_ecdsa_raw_verify(key, "SHA256", q->signed_data, q->signed_len,
                                q->signature, q->signature + 32, 32,
                                ATTLS_ECDSA_BIG_ENDIAN);
    EVP_PKEY_free(key);
    if (ok < 0)
        return attls_fail(st, ATTLS_E_INTERNAL, "tdx.quote_signature",
                          "cannot verify the quote signature");
    if (ok == 0)
        return attls_fail(st, ATTLS_E_TDX_QUOTE_SIG, "tdx.quote_signature",
                          "quote signature over the %zu-byte header and body "
                          "does not verify with the attestation key",
                          q->signed_len);
    return ATTLS_OK;
}

attls_code attls_tdx_pck_load(const attls_tdx_quote *q, const char *pem,
                              size_t pem_len, attls_tdx_pck *out,
                              attls_status *st)
{
    const char *text = pem != NULL ? pem : q->pck_chain;
    size_t len = pem != NULL ? pem_len : q->pck_chain_len;
    const char *where =
        pem != NULL ? "supplied PCK chain" : "PCK chain in the quote";
    char why[200];

    memset(out, 0, sizeof(*out));
    out->external = pem != NULL;
    out->certs = attls_pem_chain_parse(text, len, why, sizeof(why));
    if (out->certs == NULL)
        return attls_fail(st, ATTLS_E_TDX_PCK_PEM, "tdx.pck_chain", "%s: %s",
                          where, why);
    if (!out->external && sk_X509_num(out->certs) != 3) {
        int n = sk_X509_num(out->certs);

        attls_tdx_pck_free(out);
        return attls_fail(st, ATTLS_E_TDX_PCK_PEM, "tdx.pck_chain",
                          "%s holds %d certificates, expected 3 (PCK, CA, "
                          "root)",
                          where, n);
    }
    out->leaf = sk_X509_value(out->certs, 0);
    return ATTLS_OK;
}

/* The quote's root must be a genuine self-signed copy of a pinned one. */
static attls_code check_embedded_root(X509 *root, const attls_trust_set *trust,
                                      attls_status *st)
{
    char subject[256];
    int ok;

    attls_x509_subject_str(root, subject, sizeof(subject));
    ERR_set_mark();
    ok = X509_check_issued(root, root) == X509_V_OK &&
         X509_verify(root, X509_get0_pubkey(root)) == 1;
    ERR_pop_to_mark();
    if (!ok)
        return attls_fail(st, ATTLS_E_CERT_SIGNATURE, "tdx.pck_chain",
                          "root certificate '%s' in the quote is not "
                          "validly self-signed",
                          subject);
    for (int i = 0; i < sk_X509_num(trust->anchors); i++) {
        if (X509_cmp(root, sk_X509_value(trust->anchors, i)) == 0)
            return ATTLS_OK;
    }
    return attls_fail(st, ATTLS_E_CERT_ROOT, "tdx.pck_chain",
                      "root certificate '%s' in the quote is not the pinned "
                      "Intel SGX Root CA",
                      subject);
}

attls_code attls_tdx_verify_pck_chain(attls_tdx_pck *pck, time_t at,
                                      const attls_trust_set *trust,
                                      attls_status *st)
{
    attls_chain_params p = {.at = at,
                            .trust = trust,
                            .untrusted = pck->certs,
                            .check = "tdx.pck_chain"};
    STACK_OF(X509) *chain = NULL;
    attls_code rc = ATTLS_OK;

    if (!pck->external)
        rc = check_embedded_root(sk_X509_value(pck->certs, 2), trust, st);
    if (rc == ATTLS_OK)
        rc = attls_x509_chain_verify(pck->leaf, &p, &chain, st);
    /* A verified chain of an end-entity has at least leaf, CA and root. */
    if (rc == ATTLS_OK && sk_X509_num(chain) < 3)
        rc = attls_fail(st, ATTLS_E_TDX_PCK_CERT, "tdx.pck_cert",
                        "PCK certificate is not issued by an intermediate "
                        "CA of the Intel SGX Root CA");
    if (rc == ATTLS_OK)
        rc = attls_pck_cert_check(pck->leaf, sk_X509_value(chain, 1), st);
    if (rc == ATTLS_OK)
        rc = attls_pck_sgx_ext_parse(pck->leaf, &pck->ext, st);
    sk_X509_pop_free(chain, X509_free);
    return rc;
}

attls_code attls_tdx_verify_qe_report_signature(const attls_tdx_quote *q,
                                                X509 *pck, attls_status *st)
{
    int ok = attls_ecdsa_raw_verify(
        X509_get0_pubkey(pck), "SHA256", q->qe_report, ATTLS_TDX_QE_REPORT_LEN,
        q->qe_report_sig, q->qe_report_sig + 32, 32, ATTLS_ECDSA_BIG_ENDIAN);

    if (ok < 0)
        return attls_fail(st, ATTLS_E_INTERNAL, "tdx.qe_report_signature",
                          "cannot verify the QE report signature");
    if (ok == 0)
        return attls_fail(st, ATTLS_E_TDX_QE_REPORT_SIG,
                          "tdx.qe_report_signature",
                          "QE report signature does not verify with the PCK "
                          "certificate's key");
    return ATTLS_OK;
}

attls_code attls_tdx_verify_crypto(const attls_tdx_quote *q,
                                   const attls_tdx_verify_params *p,
                                   attls_tdx_pck *pck, attls_status *st)
{
    attls_code rc;

    memset(pck, 0, sizeof(*pck));
    if ((rc = attls_tdx_verify_qe_report_data(q, st)) != ATTLS_OK ||
        (rc = attls_tdx_verify_quote_signature(q, st)) != ATTLS_OK ||
        (rc = attls_tdx_pck_load(q, p->pck_chain, p->pck_chain_len, pck, st)) !=
            ATTLS_OK)
        return rc;
    if ((rc = attls_tdx_verify_pck_chain(pck, p->at, p->trust, st)) !=
            ATTLS_OK ||
        (rc = attls_tdx_verify_qe_report_signature(q, pck->leaf, st)) !=
            ATTLS_OK)
        attls_tdx_pck_free(pck);
    return rc;
}
