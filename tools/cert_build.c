/* SPDX-License-Identifier: Apache-2.0 */
#include "tools/cert_build.h"

#include <arpa/inet.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/rand.h>
#include <openssl/x509v3.h>

#include "evidence/cert_ext.h"
#include "evidence/format.h"

#define DN_MAX 1024
#define NOT_BEFORE_SLACK (5 * 60) /* clock skew between peers */

static attls_code dn_bad(attls_status *st, const char *text, const char *why)
{
    return attls_fail(st, ATTLS_E_ARGUMENT, "cert.subject",
                      "subject '%.200s': %s", text, why);
}

/* Next "TYPE=value" ending at @p sep (unescaped) or the end. */
static attls_code dn_component(const char *text, const char **p, char sep,
                               X509_NAME *name, attls_status *st)
{
    char type[64], value[DN_MAX];
    size_t t = 0, v = 0;

    while (**p != '\0' && **p != '=' && **p != sep && t + 1 < sizeof(type))
        type[t++] = *(*p)++;
    type[t] = '\0';
    if (**p != '=' || t == 0)
        return dn_bad(st, text, "expected TYPE=value");
    (*p)++;
    while (**p != '\0' && **p != sep) {
        if (**p == '\\' && (*p)[1] != '\0')
            (*p)++;
        if (v + 1 >= sizeof(value))
            return dn_bad(st, text, "value too long");
        value[v++] = *(*p)++;
    }
    value[v] = '\0';
    if (v == 0)
        return dn_bad(st, text, "empty value");
    if (!X509_NAME_add_entry_by_txt(name, type, MBSTRING_UTF8,
                                    (const unsigned char *)value, -1, -1, 0)) {
        ERR_clear_error();
        return attls_fail(st, ATTLS_E_ARGUMENT, "cert.subject",
                          "subject '%.200s': unknown attribute type '%s' or "
                          "invalid value",
                          text, type);
    }
    return ATTLS_OK;
}

attls_code attls_parse_dn(const char *text, X509_NAME **out, attls_status *st)
{
    char sep = text[0] == '/' ? '/' : ',';
    const char *p = sep == '/' ? text + 1 : text;
    X509_NAME *name = X509_NAME_new();
    attls_code rc = ATTLS_OK;

    *out = NULL;
    if (name == NULL)
        return attls_fail(st, ATTLS_E_INTERNAL, "cert.alloc", "out of memory");
    if (*p == '\0')
        rc = dn_bad(st, text, "empty");
    while (rc == ATTLS_OK && *p != '\0') {
        while (sep == ',' && *p == ' ')
            p++;
        rc = dn_component(text, &p, sep, name, st);
        if (rc == ATTLS_OK && *p == sep && *++p == '\0')
            rc = dn_bad(st, text, "trailing separator");
    }
    if (rc != ATTLS_OK) {
        X509_NAME_free(name);
        return rc;
    }
    *out = name;
    return ATTLS_OK;
}

/* "DNS:name", "IP:addr", or a bare name (an IP literal or a DNS name). */
static GENERAL_NAME *san_entry(const char *s)
{
    const char *v = s;
    int ip = 0;
    unsigned char buf[16];

    if (strncmp(s, "DNS:", 4) == 0) {
        v = s + 4;
    } else if (strncmp(s, "IP:", 3) == 0) {
        v = s + 3;
        ip = 1;
    } else {
        ip =
            inet_pton(AF_INET, s, buf) == 1 || inet_pton(AF_INET6, s, buf) == 1;
    }
    if (ip)
        return inet_pton(AF_INET, v, buf) == 1 ||
                       inet_pton(AF_INET6, v, buf) == 1
                   ? a2i_GENERAL_NAME(NULL, NULL, NULL, GEN_IPADD, v, 0)
                   : NULL;
    for (const char *c = v; *c != '\0'; c++) {
        if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
              (*c >= '0' && *c <= '9') || *c == '-' || *c == '.' ||
              (*c == '*' && c == v)))
            return NULL;
    }
    if (*v == '\0' || strlen(v) > 253)
        return NULL;
    return a2i_GENERAL_NAME(NULL, NULL, NULL, GEN_DNS, v, 0);
}

static attls_code san_extension(const attls_cert_params *p,
                                X509_EXTENSION **out, attls_status *st)
{
    GENERAL_NAMES *names = sk_GENERAL_NAME_new_null();
    attls_code rc = ATTLS_OK;

    *out = NULL;
    if (names == NULL)
        return attls_fail(st, ATTLS_E_INTERNAL, "cert.alloc", "out of memory");
    for (size_t i = 0; rc == ATTLS_OK && i < p->san_count; i++) {
        GENERAL_NAME *gn = san_entry(p->sans[i]);

        if (gn == NULL || sk_GENERAL_NAME_push(names, gn) <= 0) {
            GENERAL_NAME_free(gn);
            ERR_clear_error();
            rc = attls_fail(st, ATTLS_E_ARGUMENT, "cert.san",
                            "'%.200s' is not a DNS name or IP address",
                            p->sans[i]);
        }
    }
    if (rc == ATTLS_OK && p->san_count > 0) {
        *out = X509V3_EXT_i2d(NID_subject_alt_name, 0, names);
        if (*out == NULL)
            rc = attls_fail(st, ATTLS_E_INTERNAL, "cert.san",
                            "cannot encode the subjectAltName");
    }
    GENERAL_NAMES_free(names);
    return rc;
}

static X509_NAME *subject_of(const attls_cert_params *p, attls_status *st)
{
    X509_NAME *name = NULL;
    char cn[256];

    if (p->subject != NULL) {
        attls_parse_dn(p->subject, &name, st);
        return name;
    }
    if (p->subject_name != NULL) {
        name = X509_NAME_dup(p->subject_name);
        if (name == NULL)
            attls_fail(st, ATTLS_E_INTERNAL, "cert.alloc", "out of memory");
        return name;
    }
    /* Default: CN = the first DNS name, else "attls". */
    snprintf(cn, sizeof(cn), "attls");
    for (size_t i = 0; i < p->san_count; i++) {
        const char *s =
            strncmp(p->sans[i], "DNS:", 4) == 0 ? p->sans[i] + 4 : p->sans[i];

        if (strncmp(p->sans[i], "IP:", 3) != 0 && strchr(s, ':') == NULL) {
            snprintf(cn, sizeof(cn), "%s", s);
            break;
        }
    }
    name = X509_NAME_new();
    if (name != NULL &&
        !X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8,
                                    (const unsigned char *)cn, -1, -1, 0)) {
        X509_NAME_free(name);
        name = NULL;
    }
    if (name == NULL)
        attls_fail(st, ATTLS_E_INTERNAL, "cert.subject",
                   "cannot build the subject name");
    return name;
}

static int add_conf_ext(X509 *x, int nid, const char *value)
{
    X509V3_CTX ctx;
    X509_EXTENSION *e;
    int ok;

    X509V3_set_ctx(&ctx, x, x, NULL, NULL, 0);
    e = X509V3_EXT_conf_nid(NULL, &ctx, nid, value);
    ok = e != NULL && X509_add_ext(x, e, -1);
    X509_EXTENSION_free(e);
    return ok;
}

static int random_serial(X509 *x)
{
    unsigned char bytes[16];
    BIGNUM *bn;
    int ok;

    if (RAND_bytes(bytes, sizeof(bytes)) != 1)
        return 0;
    bytes[0] = (unsigned char)((bytes[0] & 0x7f) | 0x40); /* positive, 16B */
    bn = BN_bin2bn(bytes, sizeof(bytes), NULL);
    ok = bn != NULL && BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(x)) != NULL;
    BN_free(bn);
    return ok;
}

attls_code attls_cert_template(EVP_PKEY *key, const attls_cert_params *p,
                               X509 **out, attls_status *st)
{
    X509 *x = X509_new();
    X509_NAME *name = NULL;
    X509_EXTENSION *san = NULL;
    time_t now = p->now;
    attls_code rc = ATTLS_OK;

    *out = NULL;
    if (p->days < 1 || p->days > 3650)
        rc = attls_fail(st, ATTLS_E_ARGUMENT, "cert.days",
                        "validity of %d days (1 to 3650)", p->days);
    if (rc == ATTLS_OK && x == NULL)
        rc = attls_fail(st, ATTLS_E_INTERNAL, "cert.alloc", "out of memory");
    /* The names first: the default subject is made from them. */
    if (rc == ATTLS_OK)
        rc = san_extension(p, &san, st);
    if (rc == ATTLS_OK && (name = subject_of(p, st)) == NULL)
        rc = st != NULL ? st->code : ATTLS_E_ARGUMENT;
    if (rc == ATTLS_OK &&
        !(X509_set_version(x, X509_VERSION_3) && random_serial(x) &&
          X509_set_subject_name(x, name) && X509_set_issuer_name(x, name) &&
          X509_time_adj_ex(X509_getm_notBefore(x), 0, -NOT_BEFORE_SLACK,
                           &now) != NULL &&
          X509_time_adj_ex(X509_getm_notAfter(x), p->days, 0, &now) != NULL &&
          X509_set_pubkey(x, key) &&
          add_conf_ext(x, NID_basic_constraints, "critical,CA:FALSE") &&
          add_conf_ext(x, NID_key_usage, "critical,digitalSignature") &&
          add_conf_ext(x, NID_ext_key_usage, "serverAuth,clientAuth") &&
          add_conf_ext(x, NID_subject_key_identifier, "hash") &&
          (san == NULL || X509_add_ext(x, san, -1)))) {
        ERR_clear_error();
        rc = attls_fail(st, ATTLS_E_ISSUE, "cert.template",
                        "cannot build the certificate fields");
    }
    X509_EXTENSION_free(san);
    X509_NAME_free(name);
    if (rc != ATTLS_OK) {
        X509_free(x);
        return rc;
    }
    *out = x;
    return ATTLS_OK;
}

attls_code attls_csr_template(EVP_PKEY *key, const attls_cert_params *p,
                              X509_REQ **out, attls_status *st)
{
    X509_REQ *req = X509_REQ_new();
    X509_NAME *name = NULL;
    attls_code rc = ATTLS_OK;

    *out = NULL;
    if (req == NULL)
        return attls_fail(st, ATTLS_E_INTERNAL, "cert.alloc", "out of memory");
    name = subject_of(p, st);
    if (name == NULL)
        rc = st != NULL ? st->code : ATTLS_E_ARGUMENT;
    else if (!X509_REQ_set_version(req, X509_REQ_VERSION_1) ||
             !X509_REQ_set_subject_name(req, name) ||
             !X509_REQ_set_pubkey(req, key))
        rc = attls_fail(st, ATTLS_E_ISSUE, "csr.template",
                        "cannot build the request fields");
    X509_NAME_free(name);
    if (rc != ATTLS_OK) {
        X509_REQ_free(req);
        return rc;
    }
    *out = req;
    return ATTLS_OK;
}

static const EVP_MD *digest_for(EVP_PKEY *key)
{
    return EVP_PKEY_get_bits(key) == 384 && EVP_PKEY_is_a(key, "EC")
               ? EVP_sha384()
               : EVP_sha256();
}

static attls_code sign_fail(attls_status *st, const char *what)
{
    unsigned long e = ERR_peek_last_error();
    char why[256] = "unknown reason";

    if (e != 0)
        ERR_error_string_n(e, why, sizeof(why));
    ERR_clear_error();
    return attls_fail(st, ATTLS_E_ISSUE, "cert.sign",
                      "signing the %s failed: %s", what, why);
}

attls_code attls_cert_finish(X509 *x, const attls_buf *json, EVP_PKEY *signer,
                             attls_status *st)
{
    X509_EXTENSION *ext = NULL;
    int der_len;
    attls_code rc;

    rc = attls_cmw_ext_create((const char *)json->data, json->len, &ext, st);
    if (rc != ATTLS_OK)
        return rc;
    if (!X509_add_ext(x, ext, -1)) {
        X509_EXTENSION_free(ext);
        return attls_fail(st, ATTLS_E_ISSUE, "cert.extension",
                          "cannot add the evidence extension");
    }
    X509_EXTENSION_free(ext);
    if (X509_sign(x, signer, digest_for(signer)) <= 0)
        return sign_fail(st, "certificate");
    der_len = i2d_X509(x, NULL);
    if (der_len <= 0 || der_len > ATTLS_CERT_MAX)
        return attls_fail(st, ATTLS_E_EVIDENCE_TOO_LARGE, "cert.size",
                          "the certificate has %d bytes, over the %d-byte "
                          "budget",
                          der_len, ATTLS_CERT_MAX);
    return ATTLS_OK;
}

attls_code attls_csr_finish(X509_REQ *req, const attls_cert_params *p,
                            const attls_buf *json, EVP_PKEY *signer,
                            attls_status *st)
{
    STACK_OF(X509_EXTENSION) *exts = sk_X509_EXTENSION_new_null();
    X509_EXTENSION *cmw = NULL, *san = NULL;
    attls_code rc = ATTLS_OK;

    if (exts == NULL)
        return attls_fail(st, ATTLS_E_INTERNAL, "cert.alloc", "out of memory");
    rc = san_extension(p, &san, st);
    if (rc == ATTLS_OK)
        rc =
            attls_cmw_ext_create((const char *)json->data, json->len, &cmw, st);
    if (rc == ATTLS_OK &&
        ((san != NULL && sk_X509_EXTENSION_push(exts, san) <= 0) ||
         sk_X509_EXTENSION_push(exts, cmw) <= 0 ||
         !X509_REQ_add_extensions(req, exts)))
        rc = attls_fail(st, ATTLS_E_ISSUE, "csr.extensions",
                        "cannot add the requested extensions");
    sk_X509_EXTENSION_free(exts);
    X509_EXTENSION_free(cmw);
    X509_EXTENSION_free(san);
    if (rc == ATTLS_OK && X509_REQ_sign(req, signer, digest_for(signer)) <= 0)
        rc = sign_fail(st, "certificate request");
    return rc;
}
