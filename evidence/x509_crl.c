/* SPDX-License-Identifier: Apache-2.0 */
#include "evidence/x509_crl.h"

#include <string.h>

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include "common/timeutil.h"
#include "evidence/x509_chain.h"

/* The chain certificate that signed @p crl, or NULL with the reason. */
static X509 *find_issuer(STACK_OF(X509) *chain, X509_CRL *crl, const char **why)
{
    int name_matched = 0;

    *why = "is not the subject of any certificate of the chain";
    for (int i = 0; i < sk_X509_num(chain); i++) {
        X509 *c = sk_X509_value(chain, i);
        EVP_PKEY *key = X509_get0_pubkey(c);

        if (X509_NAME_cmp(X509_get_subject_name(c), X509_CRL_get_issuer(crl)) !=
            0)
            continue;
        name_matched = 1;
        if (key != NULL && X509_CRL_verify(crl, key) == 1) {
            if (!(X509_get_key_usage(c) & KU_CRL_SIGN)) {
                *why = "names a certificate whose key usage excludes CRL "
                       "signing";
                return NULL;
            }
            return c;
        }
    }
    if (name_matched)
        *why = "matches a chain certificate by name, but the CRL signature "
               "does not verify with its key";
    return NULL;
}

static attls_code check_times(X509_CRL *crl, time_t at, const char *issuer,
                              const char *check, attls_status *st)
{
    const ASN1_TIME *last = X509_CRL_get0_lastUpdate(crl);
    const ASN1_TIME *next = X509_CRL_get0_nextUpdate(crl);
    char when[32];

    attls_format_rfc3339(at, when, sizeof(when));
    if (last == NULL || X509_cmp_time(last, &at) != -1)
        return attls_fail(st, ATTLS_E_CRL, check,
                          "CRL of '%s': thisUpdate is missing, malformed or "
                          "after %s (not yet valid)",
                          issuer, when);
    if (next == NULL)
        return attls_fail(st, ATTLS_E_CRL, check,
                          "CRL of '%s' has no nextUpdate: its freshness "
                          "cannot be judged",
                          issuer);
    if (X509_cmp_time(next, &at) != 1)
        return attls_fail(st, ATTLS_E_CRL, check,
                          "CRL of '%s' is stale: nextUpdate is not after %s "
                          "(the verification time)",
                          issuer, when);
    return ATTLS_OK;
}

static attls_code check_extensions(X509_CRL *crl, const char *issuer,
                                   const char *check, attls_status *st)
{
    for (int i = 0; i < X509_CRL_get_ext_count(crl); i++) {
        X509_EXTENSION *ext = X509_CRL_get_ext(crl, i);
        char oid[80];

        if (!X509_EXTENSION_get_critical(ext))
            continue;
        OBJ_obj2txt(oid, sizeof(oid), X509_EXTENSION_get_object(ext), 1);
        return attls_fail(st, ATTLS_E_CRL, check,
                          "CRL of '%s' has critical extension %s, which is "
                          "not supported (delta or partitioned CRL)",
                          issuer, oid);
    }
    return ATTLS_OK;
}

/* Revocation of every chain certificate that @p issuer issued. */
static attls_code check_revoked(STACK_OF(X509) *chain, X509_CRL *crl,
                                X509 *issuer, const char *issuer_name,
                                const char *check, attls_status *st)
{
    int covered = 0;

    for (int i = 0; i < sk_X509_num(chain); i++) {
        X509 *c = sk_X509_value(chain, i);
        X509_REVOKED *rev = NULL;
        char subject[256];

        if (c == issuer || X509_check_issued(issuer, c) != X509_V_OK)
            continue;
        covered++;
        /* 2 = entry with reason removeFromCRL: not revoked. */
        if (X509_CRL_get0_by_cert(crl, &rev, c) != 1)
            continue;
        attls_x509_subject_str(c, subject, sizeof(subject));
        return attls_fail(st, ATTLS_E_CRL, check,
                          "certificate '%s' (chain depth %d) is revoked by "
                          "the CRL of '%s'",
                          subject, i, issuer_name);
    }
    if (covered == 0)
        return attls_fail(st, ATTLS_E_CRL, check,
                          "CRL of '%s' covers no certificate of the chain",
                          issuer_name);
    return ATTLS_OK;
}

attls_code attls_x509_crls_check(STACK_OF(X509) *chain,
                                 STACK_OF(X509_CRL) *crls, time_t at,
                                 const char *check, attls_status *st)
{
    attls_code rc = ATTLS_OK;

    if (check == NULL)
        check = "x509.crl";
    if (chain == NULL)
        return attls_fail(st, ATTLS_E_ARGUMENT, check, "no chain given");
    ERR_set_mark();
    for (int i = 0; rc == ATTLS_OK && i < sk_X509_CRL_num(crls); i++) {
        X509_CRL *crl = sk_X509_CRL_value(crls, i);
        const char *why;
        char issuer_name[256];
        X509 *issuer = find_issuer(chain, crl, &why);

        attls_x509_name_str(X509_CRL_get_issuer(crl), issuer_name,
                            sizeof(issuer_name));
        if (issuer == NULL)
            rc = attls_fail(st, ATTLS_E_CRL, check,
                            "CRL %d: its issuer '%s' %s", i, issuer_name, why);
        if (rc == ATTLS_OK)
            rc = check_extensions(crl, issuer_name, check, st);
        if (rc == ATTLS_OK)
            rc = check_times(crl, at, issuer_name, check, st);
        if (rc == ATTLS_OK)
            rc = check_revoked(chain, crl, issuer, issuer_name, check, st);
    }
    ERR_pop_to_mark();
    return rc;
}

attls_code attls_x509_crls_parse(const uint8_t *buf, size_t len,
                                 STACK_OF(X509_CRL) *out, attls_status *st)
{
    const unsigned char *p = buf;
    X509_CRL *crl;
    BIO *bio;
    int n = 0;

    if (buf == NULL || len == 0 || len > INT32_MAX)
        return attls_fail(st, ATTLS_E_CRL, "x509.crl", "empty CRL input");
    if (len < 11 || memcmp(buf, "-----BEGIN ", 11) != 0) {
        crl = d2i_X509_CRL(NULL, &p, (long)len);
        if (crl == NULL || p != buf + len) {
            X509_CRL_free(crl);
            return attls_fail(st, ATTLS_E_CRL, "x509.crl",
                              "%zu bytes are not one DER CRL (%s)", len,
                              crl == NULL ? "does not parse"
                                          : "trailing bytes");
        }
        if (!sk_X509_CRL_push(out, crl)) {
            X509_CRL_free(crl);
            return attls_fail(st, ATTLS_E_INTERNAL, "x509.crl",
                              "out of memory");
        }
        return ATTLS_OK;
    }
    if ((bio = BIO_new_mem_buf(buf, (int)len)) == NULL)
        return attls_fail(st, ATTLS_E_INTERNAL, "x509.crl", "out of memory");
    ERR_set_mark();
    while ((crl = PEM_read_bio_X509_CRL(bio, NULL, NULL, NULL)) != NULL) {
        if (!sk_X509_CRL_push(out, crl)) {
            X509_CRL_free(crl);
            n = -1;
            break;
        }
        n++;
    }
    if (n > 0 && ERR_GET_REASON(ERR_peek_last_error()) != PEM_R_NO_START_LINE)
        n = -1;
    ERR_pop_to_mark();
    BIO_free(bio);
    if (n <= 0)
        return attls_fail(st, ATTLS_E_CRL, "x509.crl",
                          "PEM input holds no valid X509 CRL block");
    return ATTLS_OK;
}
