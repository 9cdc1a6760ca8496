/* SPDX-License-Identifier: Apache-2.0 */
#include "evidence/roots.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include "common/bytes.h"

#define ROOTS_MAX_FILE (1024 * 1024)

int attls_pem_certs_append(const char *pem, size_t len, STACK_OF(X509) *certs)
{
    BIO *bio;
    X509 *x;
    int n = 0;

    if (len > INT32_MAX)
        return -1;
    bio = BIO_new_mem_buf(pem, (int)len);
    if (bio == NULL)
        return -1;
    ERR_set_mark();
    while ((x = PEM_read_bio_X509(bio, NULL, NULL, NULL)) != NULL) {
        if (!sk_X509_push(certs, x)) {
            X509_free(x);
            n = -1;
            break;
        }
        n++;
    }
    /* The loop ends with a "no start line" error at end of input. */
    if (n >= 0 && ERR_GET_REASON(ERR_peek_last_error()) != PEM_R_NO_START_LINE)
        n = -1;
    ERR_pop_to_mark();
    BIO_free(bio);
    return n;
}

static int is_self_signed(X509 *x)
{
    return X509_check_issued(x, x) == X509_V_OK;
}

static int contains(STACK_OF(X509) *certs, X509 *x)
{
    for (int i = 0; i < sk_X509_num(certs); i++) {
        if (X509_cmp(sk_X509_value(certs, i), x) == 0)
            return 1;
    }
    return 0;
}

/* Sort into anchors and intermediates; the same ARK in two files counts once. */
static attls_code split_anchors(STACK_OF(X509) *all, attls_trust_set *out,
                                const char *set, attls_status *st)
{
    while (sk_X509_num(all) > 0) {
        X509 *x = sk_X509_shift(all);
        STACK_OF(X509) *dst =
            is_self_signed(x) ? out->anchors : out->intermediates;

        if (contains(dst, x)) {
            X509_free(x);
            continue;
        }
        if (!sk_X509_push(dst, x)) {
            X509_free(x);
            return attls_fail(st, ATTLS_E_INTERNAL, "roots", "out of memory");
        }
    }
    if (sk_X509_num(out->anchors) == 0)
        return attls_fail(st, ATTLS_E_CERT_PARSE, "roots",
                          "trust set '%s' holds no self-signed certificate",
                          set);
    return ATTLS_OK;
}

static attls_code load_override(const char *dir, const char *set,
                                STACK_OF(X509) *all, int *found,
                                attls_status *st)
{
    char path[4096];
    attls_buf buf;
    int rc, n;

    *found = 0;
    snprintf(path, sizeof(path), "%s/%s.pem", dir, set);
    rc = attls_read_file(path, ROOTS_MAX_FILE, &buf);
    if (rc == -1 && errno == ENOENT)
        return ATTLS_OK;
    if (rc != 0)
        return attls_fail(st, ATTLS_E_IO, "roots", "cannot read %s: %s", path,
                          rc == -2 ? "larger than 1 MiB" : strerror(errno));
    n = attls_pem_certs_append((const char *)buf.data, buf.len, all);
    attls_buf_free(&buf);
    if (n <= 0)
        return attls_fail(st, ATTLS_E_CERT_PARSE, "roots",
                          "%s holds no valid PEM certificate", path);
    *found = 1;
    return ATTLS_OK;
}

static attls_code load_pinned(const char *set, STACK_OF(X509) *all,
                              attls_status *st)
{
    int known = 0;

    for (const attls_root_file *f = attls_root_files; f->set != NULL; f++) {
        if (strcmp(f->set, set) != 0)
            continue;
        known = 1;
        if (attls_pem_certs_append(f->pem, strlen(f->pem), all) <= 0)
            return attls_fail(st, ATTLS_E_INTERNAL, "roots",
                              "embedded root file %s/%s does not parse", set,
                              f->name);
    }
    if (!known)
        return attls_fail(st, ATTLS_E_ARGUMENT, "roots",
                          "unknown trust set '%s'", set);
    return ATTLS_OK;
}

attls_code attls_trust_set_load(const char *set, const char *override_dir,
                                attls_trust_set *out, attls_status *st)
{
    STACK_OF(X509) *all = sk_X509_new_null();
    attls_code rc = ATTLS_OK;
    int found = 0;

    out->anchors = sk_X509_new_null();
    out->intermediates = sk_X509_new_null();
    if (all == NULL || out->anchors == NULL || out->intermediates == NULL) {
        rc = attls_fail(st, ATTLS_E_INTERNAL, "roots", "out of memory");
        goto end;
    }
    if (override_dir != NULL)
        rc = load_override(override_dir, set, all, &found, st);
    if (rc == ATTLS_OK && !found)
        rc = load_pinned(set, all, st);
    if (rc == ATTLS_OK)
        rc = split_anchors(all, out, set, st);
end:
    sk_X509_pop_free(all, X509_free);
    if (rc != ATTLS_OK)
        attls_trust_set_free(out);
    return rc;
}

void attls_trust_set_free(attls_trust_set *ts)
{
    sk_X509_pop_free(ts->anchors, X509_free);
    sk_X509_pop_free(ts->intermediates, X509_free);
    ts->anchors = NULL;
    ts->intermediates = NULL;
}
