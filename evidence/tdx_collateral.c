/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Raw TDX collateral: reading it, locating the signed JSON values, checking
 * their signatures and issuer chains, and the PCK / root CA CRLs.
 */
#include "evidence/tdx_collateral.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include "common/timeutil.h"
#include "evidence/ecdsa_raw.h"
#include "evidence/pem_chain.h"
#include "evidence/x509_chain.h"

static const char *const status_names[ATTLS_TDX_TCB_STATUS_COUNT] = {
    [ATTLS_TDX_TCB_NOT_EVALUATED] = "NotEvaluated",
    [ATTLS_TDX_TCB_UP_TO_DATE] = "UpToDate",
    [ATTLS_TDX_TCB_SW_HARDENING_NEEDED] = "SWHardeningNeeded",
    [ATTLS_TDX_TCB_CONFIGURATION_NEEDED] = "ConfigurationNeeded",
    [ATTLS_TDX_TCB_CONFIGURATION_AND_SW_HARDENING_NEEDED] =
        "ConfigurationAndSWHardeningNeeded",
    [ATTLS_TDX_TCB_OUT_OF_DATE] = "OutOfDate",
    [ATTLS_TDX_TCB_OUT_OF_DATE_CONFIGURATION_NEEDED] =
        "OutOfDateConfigurationNeeded",
    [ATTLS_TDX_TCB_REVOKED] = "Revoked",
    [ATTLS_TDX_TCB_NO_MATCH] = "NoMatchingTcbLevel",
};

const char *attls_tdx_tcb_status_name(attls_tdx_tcb_status s)
{
    if ((unsigned)s >= ATTLS_TDX_TCB_STATUS_COUNT)
        return "?";
    return status_names[s];
}

int attls_tdx_tcb_status_from_name(const char *name, attls_tdx_tcb_status *out)
{
    for (unsigned i = 0; i < ATTLS_TDX_TCB_STATUS_COUNT; i++) {
        if (strcmp(name, status_names[i]) == 0) {
            *out = (attls_tdx_tcb_status)i;
            return 0;
        }
    }
    return -1;
}

/* ---- reading ---------------------------------------------------------- */

/* Read @p path into @p dst; with @p optional a missing file is no error. */
static attls_code read_into(const char *path, int optional, attls_buf *dst,
                            attls_status *st)
{
    attls_buf b;
    int rc = attls_read_file(path, ATTLS_TDX_COLLATERAL_MAX_FILE, &b);

    if (rc == -1 && errno == ENOENT && optional)
        return ATTLS_OK;
    if (rc != 0)
        return attls_fail(st, ATTLS_E_IO, "tdx.collateral",
                          "cannot read %s: %s", path,
                          rc == -2 ? "larger than 1 MiB" : strerror(errno));
    attls_buf_free(dst);
    *dst = b;
    return ATTLS_OK;
}

attls_code attls_tdx_collateral_load_file(const char *path, attls_buf *dst,
                                          attls_status *st)
{
    return read_into(path, 0, dst, st);
}

attls_code attls_tdx_collateral_load_dir(const char *dir,
                                         attls_tdx_collateral *c,
                                         attls_status *st)
{
    const struct {
        const char *name;
        attls_buf *dst;
    } files[] = {
        {"tcb_info.json", &c->tcb_info},
        {"tcb_info.sig.hex", &c->tcb_info_sig},
        {"tcb_info_issuer_chain.pem", &c->tcb_info_chain},
        {"qe_identity.json", &c->qe_identity},
        {"qe_identity.sig.hex", &c->qe_identity_sig},
        {"qe_identity_issuer_chain.pem", &c->qe_identity_chain},
        {"pck_crl.der", &c->pck_crl},
        {"pck_crl_issuer_chain.pem", &c->pck_crl_chain},
        {"root_ca_crl.der", &c->root_ca_crl},
    };
    attls_code rc = ATTLS_OK;
    char path[4096];

    for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
        snprintf(path, sizeof(path), "%s/%s", dir, files[i].name);
        rc = read_into(path, 1, files[i].dst, st);
        if (rc != ATTLS_OK)
            break;
    }
    return rc;
}

attls_code attls_tdx_collateral_check_complete(const attls_tdx_collateral *c,
                                               attls_status *st)
{
    const struct {
        const char *what;
        const attls_buf *b;
    } needed[] = {
        {"TCB Info", &c->tcb_info},
        {"TCB Info issuer chain", &c->tcb_info_chain},
        {"QE Identity", &c->qe_identity},
        {"QE Identity issuer chain", &c->qe_identity_chain},
    };

    for (size_t i = 0; i < sizeof(needed) / sizeof(needed[0]); i++) {
        if (needed[i].b->len == 0)
            return attls_fail(st, ATTLS_E_TDX_COLLATERAL_MISSING,
                              "tdx.collateral", "the %s is missing",
                              needed[i].what);
    }
    return ATTLS_OK;
}

void attls_tdx_collateral_free(attls_tdx_collateral *c)
{
    attls_buf *all[] = {
        &c->tcb_info,    &c->tcb_info_sig,    &c->tcb_info_chain,
        &c->qe_identity, &c->qe_identity_sig, &c->qe_identity_chain,
        &c->pck_crl,     &c->pck_crl_chain,   &c->root_ca_crl};

    for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++)
        attls_buf_free(all[i]);
}

/* ---- signed JSON values ---------------------------------------------- */

static int is_json_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static size_t skip_space(const char *p, size_t i, size_t len)
{
    while (i < len && is_json_space(p[i]))
        i++;
    return i;
}

/* p[*i] is '"': move *i past the closing quote. */
static int skip_string(const char *p, size_t len, size_t *i)
{
    for (size_t j = *i + 1; j < len; j++) {
        if (p[j] == '\\')
            j++;
        else if (p[j] == '"') {
            *i = j + 1;
            return 0;
        }
    }
    return -1;
}

/*
 * Move *i past the JSON value starting there. The text has been accepted
 * by jansson already; this only finds where the value ends.
 */
static int skip_value(const char *p, size_t len, size_t *i)
{
    size_t j = *i;
    int depth = 0;

    if (j >= len)
        return -1;
    if (p[j] == '"')
        return skip_string(p, len, i);
    if (p[j] != '{' && p[j] != '[') {
        while (j < len && p[j] != ',' && p[j] != '}' && p[j] != ']' &&
               !is_json_space(p[j]))
            j++;
        if (j == *i)
            return -1;
        *i = j;
        return 0;
    }
    while (j < len) {
        if (p[j] == '"') {
            if (skip_string(p, len, &j) != 0)
                return -1;
            continue;
        }
        if (p[j] == '{' || p[j] == '[')
            depth++;
        else if ((p[j] == '}' || p[j] == ']') && --depth == 0) {
            *i = j + 1;
            return 0;
        }
        j++;
    }
    return -1;
}

/*
 * Span of the value of top-level member @p key, whose name must be written
 * without escapes (Intel's never has any; an escaped name is not found).
 */
static int member_span(const char *p, size_t len, const char *key, size_t *off,
                       size_t *vlen)
{
    size_t i = skip_space(p, 0, len), klen = strlen(key);

    if (i >= len || p[i] != '{')
        return -1;
    i = skip_space(p, i + 1, len);
    while (i < len && p[i] == '"') {
        size_t name = i + 1, value;
        int match;

        if (skip_string(p, len, &i) != 0)
            return -1;
        match = i - 1 - name == klen && memcmp(p + name, key, klen) == 0;
        i = skip_space(p, i, len);
        if (i >= len || p[i] != ':')
            return -1;
        value = i = skip_space(p, i + 1, len);
        if (skip_value(p, len, &i) != 0)
            return -1;
        if (match) {
            *off = value;
            *vlen = i - value;
            return 0;
        }
        i = skip_space(p, i, len);
        if (i >= len || p[i] != ',')
            return -1;
        i = skip_space(p, i + 1, len);
    }
    return -1;
}

static attls_code decode_signature(const char *hex, size_t len,
                                   const char *what, uint8_t sig[64],
                                   attls_status *st)
{
    size_t start = skip_space(hex, 0, len);

    while (len > start && is_json_space(hex[len - 1]))
        len--;
    if (attls_hex_decode(hex + start, len - start, sig, 64) != 0)
        return attls_fail(st, ATTLS_E_TDX_COLLATERAL_FORMAT,
                          "tdx.collateral_format",
                          "%s signature is not 128 hex digits (r||s)", what);
    return ATTLS_OK;
}

static attls_code embedded_signature(const json_t *root,
                                     const attls_buf *detached,
                                     const char *member, uint8_t sig[64],
                                     attls_status *st)
{
    const json_t *s = json_object_get(root, "signature");

    if (s != NULL && detached->len > 0)
        return attls_fail(st, ATTLS_E_TDX_COLLATERAL_FORMAT,
                          "tdx.collateral_format",
                          "%s carries a signature and another was supplied "
                          "separately",
                          member);
    if (detached->len > 0)
        return decode_signature((const char *)detached->data, detached->len,
                                member, sig, st);
    if (!json_is_string(s))
        return attls_fail(st, ATTLS_E_TDX_COLLATERAL_FORMAT,
                          "tdx.collateral_format",
                          "%s document has no \"signature\" string", member);
    return decode_signature(json_string_value(s), json_string_length(s), member,
                            sig, st);
}

attls_code attls_tdx_signed_json_split(const attls_buf *doc,
                                       const attls_buf *detached,
                                       const char *member, size_t *off,
                                       size_t *len, uint8_t sig[64],
                                       attls_status *st)
{
    const char *text = (const char *)doc->data;
    json_error_t err;
    json_t *root;
    attls_code rc;

    if (doc->len == 0)
        return attls_fail(st, ATTLS_E_TDX_COLLATERAL_MISSING, "tdx.collateral",
                          "the %s document is empty", member);
    root = json_loadb(text, doc->len, JSON_REJECT_DUPLICATES, &err);
    if (!json_is_object(root)) {
        json_decref(root);
        return attls_fail(st, ATTLS_E_TDX_COLLATERAL_FORMAT,
                          "tdx.collateral_format",
                          "%s document is not a JSON object (line %d, "
                          "column %d: %s)",
                          member, err.line, err.column,
                          root == NULL ? err.text : "other JSON type");
    }
    if (json_object_get(root, member) == NULL) {
        /* The bare signed value itself; the signature comes separately. */
        *off = skip_space(text, 0, doc->len);
        *len = doc->len - *off;
        while (*len > 0 && is_json_space(text[*off + *len - 1]))
            (*len)--;
        rc = detached->len > 0
                 ? decode_signature((const char *)detached->data, detached->len,
                                    member, sig, st)
                 : attls_fail(st, ATTLS_E_TDX_COLLATERAL_FORMAT,
                              "tdx.collateral_format",
                              "bare %s value without a separate signature",
                              member);
    } else if (member_span(text, doc->len, member, off, len) != 0) {
        rc = attls_fail(
            st, ATTLS_E_TDX_COLLATERAL_FORMAT, "tdx.collateral_format",
            "cannot locate the raw \"%s\" value in the document", member);
    } else {
        rc = embedded_signature(root, detached, member, sig, st);
    }
    json_decref(root);
    return rc;
}

/* ---- CRLs ------------------------------------------------------------- */

static attls_code parse_crl(const attls_buf *b, const char *what,
                            X509_CRL **out, attls_status *st)
{
    static const char pem_label[] = "-----BEGIN X509 CRL-----";
    const unsigned char *p = b->data;

    *out = NULL;
    if (b->len == 0)
        return ATTLS_OK;
    if (b->len > INT32_MAX)
        return attls_fail(st, ATTLS_E_CRL, "tdx.crl", "the %s is too large",
                          what);
    ERR_set_mark();
    if (b->len >= sizeof(pem_label) - 1 &&
        memcmp(b->data, pem_label, sizeof(pem_label) - 1) == 0) {
        BIO *bio = BIO_new_mem_buf(b->data, (int)b->len);

        *out = bio ? PEM_read_bio_X509_CRL(bio, NULL, NULL, NULL) : NULL;
        BIO_free(bio);
    } else {
        *out = d2i_X509_CRL(NULL, &p, (long)b->len);
        if (*out != NULL && p != b->data + b->len) {
            X509_CRL_free(*out);
            *out = NULL;
        }
    }
    ERR_pop_to_mark();
    if (*out == NULL)
        return attls_fail(st, ATTLS_E_CRL, "tdx.crl",
                          "the %s is not a DER or PEM CRL", what);
    return ATTLS_OK;
}

attls_code attls_tdx_crls_load(const attls_tdx_collateral *c,
                               attls_tdx_crls *out, attls_status *st)
{
    char why[200];
    attls_code rc;

    memset(out, 0, sizeof(*out));
    rc = parse_crl(&c->pck_crl, "PCK CRL", &out->pck_crl, st);
    if (rc == ATTLS_OK)
        rc = parse_crl(&c->root_ca_crl, "root CA CRL", &out->root_crl, st);
    if (rc == ATTLS_OK && c->pck_crl_chain.len > 0) {
        out->pck_crl_chain =
            attls_pem_chain_parse((const char *)c->pck_crl_chain.data,
                                  c->pck_crl_chain.len, why, sizeof(why));
        if (out->pck_crl_chain == NULL)
            rc = attls_fail(st, ATTLS_E_TDX_COLLATERAL_FORMAT, "tdx.crl",
                            "PCK CRL issuer chain: %s", why);
    }
    if (rc != ATTLS_OK)
        attls_tdx_crls_free(out);
    return rc;
}

void attls_tdx_crls_free(attls_tdx_crls *crls)
{
    X509_CRL_free(crls->pck_crl);
    X509_CRL_free(crls->root_crl);
    sk_X509_pop_free(crls->pck_crl_chain, X509_free);
    memset(crls, 0, sizeof(*crls));
}

/* Borrowing stacks for the chain verifier; free with the plain *_free. */
static STACK_OF(X509_CRL) *crl_stack(X509_CRL *a, X509_CRL *b)
{
    STACK_OF(X509_CRL) *s = sk_X509_CRL_new_null();

    if (s != NULL && ((a != NULL && !sk_X509_CRL_push(s, a)) ||
                      (b != NULL && !sk_X509_CRL_push(s, b)))) {
        sk_X509_CRL_free(s);
        s = NULL;
    }
    return s;
}

static STACK_OF(X509) *cert_stack(STACK_OF(X509) *a, STACK_OF(X509) *b)
{
    STACK_OF(X509) *s = sk_X509_new_null();
    STACK_OF(X509) *parts[2] = {a, b};

    for (int i = 0; i < 2 && s != NULL; i++) {
        for (int j = 0; j < sk_X509_num(parts[i]); j++) {
            if (!sk_X509_push(s, sk_X509_value(parts[i], j))) {
                sk_X509_free(s);
                return NULL;
            }
        }
    }
    return s;
}

static void name_str(const X509_NAME *name, char *buf, size_t len)
{
    buf[0] = '\0';
    if (X509_NAME_oneline(name, buf, (int)len) == NULL)
        snprintf(buf, len, "?");
}

attls_code attls_tdx_pck_revocation_check(X509 *pck, STACK_OF(X509) *untrusted,
                                          const attls_tdx_crls *crls, time_t at,
                                          const attls_trust_set *trust,
                                          int *checked, attls_status *st)
{
    STACK_OF(X509_CRL) *list = NULL;
    STACK_OF(X509) *certs = NULL;
    attls_chain_params p = {.at = at, .trust = trust, .check = "tdx.pck_crl"};
    char crl_issuer[256], pck_issuer[256];
    attls_code rc;

    *checked = 0;
    if (crls->pck_crl == NULL)
        return ATTLS_OK;
    /* QVL 4.1.2.4.6: the CRL must come from the CA that issued the PCK. */
    if (X509_NAME_cmp(X509_CRL_get_issuer(crls->pck_crl),
                      X509_get_issuer_name(pck)) != 0) {
        name_str(X509_CRL_get_issuer(crls->pck_crl), crl_issuer,
                 sizeof(crl_issuer));
        name_str(X509_get_issuer_name(pck), pck_issuer, sizeof(pck_issuer));
        return attls_fail(st, ATTLS_E_CRL, "tdx.pck_crl",
                          "PCK CRL issued by '%s', but the PCK by '%s'",
                          crl_issuer, pck_issuer);
    }
    list = crl_stack(crls->pck_crl, crls->root_crl);
    certs = cert_stack(untrusted, crls->pck_crl_chain);
    if (list == NULL || certs == NULL) {
        rc = attls_fail(st, ATTLS_E_INTERNAL, "tdx.pck_crl", "out of memory");
    } else {
        p.untrusted = certs;
        p.crls = list;
        /* Without the root CA CRL only the PCK itself can be checked. */
        p.crl_leaf_only = crls->root_crl == NULL;
        rc = attls_x509_chain_verify(pck, &p, NULL, st);
        *checked = rc == ATTLS_OK;
    }
    sk_X509_CRL_free(list);
    sk_X509_free(certs);
    return rc;
}

/* ---- signed documents -------------------------------------------------- */

attls_code attls_tdx_check_validity(time_t issue_date, time_t next_update,
                                    time_t at, const char *what,
                                    const char *check, attls_status *st)
{
    char t_at[32], t_issue[32], t_next[32];

    if (at >= issue_date && at <= next_update)
        return ATTLS_OK;
    attls_format_rfc3339(at, t_at, sizeof(t_at));
    attls_format_rfc3339(issue_date, t_issue, sizeof(t_issue));
    attls_format_rfc3339(next_update, t_next, sizeof(t_next));
    return attls_fail(st, ATTLS_E_TDX_COLLATERAL_EXPIRED, check,
                      "%s is valid from %s to %s, not at %s", what, t_issue,
                      t_next, t_at);
}

/* The one certificate of the issuer chain that is not self-signed. */
static attls_code find_signer(STACK_OF(X509) *chain, const char *what,
                              const char *check, X509 **signer,
                              attls_status *st)
{
    char cn[128] = "";

    *signer = NULL;
    for (int i = 0; i < sk_X509_num(chain); i++) {
        X509 *x = sk_X509_value(chain, i);

        if (X509_check_issued(x, x) == X509_V_OK)
            continue;
        if (*signer != NULL)
            return attls_fail(st, ATTLS_E_TDX_COLLATERAL_SIGNER, check,
                              "%s issuer chain holds more than one "
                              "non-root certificate",
                              what);
        *signer = x;
    }
    if (*signer == NULL)
        return attls_fail(st, ATTLS_E_TDX_COLLATERAL_SIGNER, check,
                          "%s issuer chain holds no signing certificate", what);
    if (X509_NAME_get_text_by_NID(X509_get_subject_name(*signer),
                                  NID_commonName, cn, sizeof(cn)) < 0 ||
        strcmp(cn, "Intel SGX TCB Signing") != 0)
        return attls_fail(st, ATTLS_E_TDX_COLLATERAL_SIGNER, check,
                          "%s is signed by '%s', not by 'Intel SGX TCB "
                          "Signing'",
                          what, cn);
    return ATTLS_OK;
}

static attls_code verify_signer_chain(X509 *signer, STACK_OF(X509) *chain,
                                      const attls_tdx_crls *crls, time_t at,
                                      const attls_trust_set *trust,
                                      const char *check, attls_status *st)
{
    STACK_OF(X509_CRL) *list = NULL;
    attls_chain_params p = {
        .at = at, .trust = trust, .untrusted = chain, .check = check};
    attls_code rc;

    /* The root CA CRL covers the TCB Signing certificate. */
    if (crls->root_crl != NULL) {
        list = crl_stack(crls->root_crl, NULL);
        if (list == NULL)
            return attls_fail(st, ATTLS_E_INTERNAL, check, "out of memory");
        p.crls = list;
    }
    rc = attls_x509_chain_verify(signer, &p, NULL, st);
    sk_X509_CRL_free(list);
    return rc;
}

typedef struct signed_doc {
    const attls_buf *doc, *sig, *chain;
    const char *member; /* "tcbInfo" / "enclaveIdentity" */
    const char *what;   /* "TCB Info" / "QE Identity", for messages */
    const char *check;  /* "tdx.tcb_info" / "tdx.qe_identity" */
} signed_doc;

/* Verify @p d; on success its signed value is text[*off, *off + *len). */
static attls_code verify_signed_doc(const signed_doc *d,
                                    const attls_tdx_crls *crls, time_t at,
                                    const attls_trust_set *trust, size_t *off,
                                    size_t *len, attls_status *st)
{
    STACK_OF(X509) *chain = NULL;
    X509 *signer;
    uint8_t sig[64];
    char why[200], check[64];
    attls_code rc;
    int ok;

    rc = attls_tdx_signed_json_split(d->doc, d->sig, d->member, off, len, sig,
                                     st);
    if (rc != ATTLS_OK)
        return rc;
    if (d->chain->len == 0)
        return attls_fail(st, ATTLS_E_TDX_COLLATERAL_MISSING, d->check,
                          "the %s issuer chain is missing", d->what);
    chain = attls_pem_chain_parse((const char *)d->chain->data, d->chain->len,
                                  why, sizeof(why));
    if (chain == NULL)
        return attls_fail(st, ATTLS_E_TDX_COLLATERAL_FORMAT, d->check,
                          "%s issuer chain: %s", d->what, why);
    snprintf(check, sizeof(check), "%s_chain", d->check);
    if ((rc = find_signer(chain, d->what, d->check, &signer, st)) != ATTLS_OK ||
        (rc = verify_signer_chain(signer, chain, crls, at, trust, check, st)) !=
            ATTLS_OK)
        goto end;
    ok = attls_ecdsa_raw_verify(X509_get0_pubkey(signer), "SHA256",
                                d->doc->data + *off, *len, sig, sig + 32, 32,
                                ATTLS_ECDSA_BIG_ENDIAN);
    if (ok < 0)
        rc = attls_fail(st, ATTLS_E_INTERNAL, d->check,
                        "cannot verify the %s signature", d->what);
    else if (ok == 0)
        rc = attls_fail(st, ATTLS_E_TDX_COLLATERAL_SIG, d->check,
                        "%s signature does not verify over its %zu signed "
                        "bytes with the TCB Signing key",
                        d->what, *len);
end:
    sk_X509_pop_free(chain, X509_free);
    return rc;
}

attls_code attls_tdx_tcb_info_verify(const attls_tdx_collateral *c,
                                     const attls_tdx_crls *crls, time_t at,
                                     const attls_trust_set *trust,
                                     attls_tdx_tcb_info *out, attls_status *st)
{
    const signed_doc d = {&c->tcb_info, &c->tcb_info_sig, &c->tcb_info_chain,
                          "tcbInfo",    "TCB Info",       "tdx.tcb_info"};
    size_t off, len;
    attls_code rc;

    memset(out, 0, sizeof(*out));
    rc = verify_signed_doc(&d, crls, at, trust, &off, &len, st);
    if (rc == ATTLS_OK)
        rc = attls_tdx_tcb_info_parse((const char *)c->tcb_info.data + off, len,
                                      out, st);
    if (rc == ATTLS_OK)
        rc = attls_tdx_check_validity(out->issue_date, out->next_update, at,
                                      "TCB Info", "tdx.tcb_info", st);
    if (rc != ATTLS_OK)
        attls_tdx_tcb_info_free(out);
    return rc;
}

attls_code attls_tdx_qe_identity_verify(const attls_tdx_collateral *c,
                                        const attls_tdx_crls *crls, time_t at,
                                        const attls_trust_set *trust,
                                        attls_tdx_qe_identity *out,
                                        attls_status *st)
{
    const signed_doc d = {&c->qe_identity,       &c->qe_identity_sig,
                          &c->qe_identity_chain, "enclaveIdentity",
                          "QE Identity",         "tdx.qe_identity"};
    size_t off, len;
    attls_code rc;

    memset(out, 0, sizeof(*out));
    rc = verify_signed_doc(&d, crls, at, trust, &off, &len, st);
    if (rc == ATTLS_OK)
        rc = attls_tdx_qe_identity_parse(
            (const char *)c->qe_identity.data + off, len, out, st);
    if (rc == ATTLS_OK)
        rc = attls_tdx_check_validity(out->issue_date, out->next_update, at,
                                      "QE Identity", "tdx.qe_identity", st);
    if (rc != ATTLS_OK)
        attls_tdx_qe_identity_free(out);
    return rc;
}
