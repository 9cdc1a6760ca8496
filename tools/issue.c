/* SPDX-License-Identifier: Apache-2.0 */
#include "tools/issue.h"

#include <string.h>

#include <openssl/bio.h>
#include <openssl/core.h>
#include <openssl/pem.h>
#include <openssl/provider.h>

#include "evidence/binder.h"
#include "tools/outfile.h"
#include "tools/tls_key.h"
#include "tpm/connection.h"
#include "tpm/rc.h"

/* OSSL_provider_init (openssl/core.h) is provider/provider.c's, linked in. */
static OSSL_PROVIDER *prov_default, *prov_attls;

int attls_issue_load_providers(void)
{
    if (!OSSL_PROVIDER_add_builtin(NULL, "attls", OSSL_provider_init))
        return 0;
    prov_default = OSSL_PROVIDER_load(NULL, "default");
    prov_attls = OSSL_PROVIDER_load(NULL, "attls");
    return prov_default != NULL && prov_attls != NULL;
}

void attls_issue_unload_providers(void)
{
    OSSL_PROVIDER_unload(prov_attls);
    OSSL_PROVIDER_unload(prov_default);
    prov_attls = prov_default = NULL;
    attls_tpm_disconnect();
}

/* The evidence for the key in @p spki, under one TPM connection. */
static attls_code collect(const attls_issue_opts *o, const attls_tls_key *key,
                          const attls_buf *spki, attls_collect_result *res,
                          attls_status *st)
{
    attls_collect_key ck = {.spki = spki->data,
                            .spki_len = spki->len,
                            .tpm_key = ESYS_TR_NONE,
                            .tpm_public = &key->kf.pub};
    attls_tpm_conn conn;
    TSS2_RC trc = attls_tpm_acquire(&conn);
    attls_code rc = ATTLS_OK;

    if (trc != TSS2_RC_SUCCESS)
        return attls_fail(st, attls_tpm_rc_code(trc), "issue.tpm",
                          "cannot reach the TPM at '%s': %s", attls_tpm_tcti(),
                          attls_tpm_rc_text(trc));
    if (key->residency == ATTLS_RESIDENCY_VTPM)
        rc = attls_tls_key_tpm_load(conn.esys, key, &ck.tpm_key, st);
    if (rc == ATTLS_OK)
        rc = attls_collect(conn.esys, &o->collect, &ck, res, st);
    attls_tpm_flush(conn.esys, ck.tpm_key);
    attls_tpm_release(&conn, TSS2_RC_SUCCESS);
    return rc;
}

static attls_code pem_of(int is_req, void *obj, attls_buf *out,
                         attls_status *st)
{
    BIO *bio = BIO_new(BIO_s_mem());
    char *data = NULL;
    long n;
    int ok = bio != NULL && (is_req ? PEM_write_bio_X509_REQ(bio, obj)
                                    : PEM_write_bio_X509(bio, obj)) > 0;

    n = ok ? BIO_get_mem_data(bio, &data) : 0;
    out->data = n > 0 ? OPENSSL_memdup(data, (size_t)n) : NULL;
    out->len = out->data != NULL ? (size_t)n : 0;
    BIO_free(bio);
    if (out->data == NULL)
        return attls_fail(st, ATTLS_E_INTERNAL, "issue.pem",
                          "cannot encode the output as PEM");
    return ATTLS_OK;
}

/* Sign and encode the certificate or CSR. */
static attls_code build(const attls_issue_opts *o, const attls_tls_key *key,
                        attls_buf *pem, attls_issue_result *res,
                        attls_status *st)
{
    X509 *x = NULL;
    X509_REQ *req = NULL;
    attls_buf spki = {NULL, 0};
    attls_collect_result cr;
    attls_code rc;

    memset(&cr, 0, sizeof(cr));
    if (o->csr_path != NULL) {
        rc = attls_csr_template(key->pkey, &o->cert, &req, st);
        if (rc == ATTLS_OK)
            rc = attls_spki_of_req(req, &spki, st);
    } else {
        rc = attls_cert_template(key->pkey, &o->cert, &x, st);
        if (rc == ATTLS_OK)
            rc = attls_spki_of_cert(x, &spki, st);
    }
    if (rc == ATTLS_OK)
        rc = collect(o, key, &spki, &cr, st);
    /* The TPM connection is released here: the provider signs with it. */
    if (rc == ATTLS_OK)
        rc = req != NULL
                 ? attls_csr_finish(req, &o->cert, &cr.json, key->pkey, st)
                 : attls_cert_finish(x, &cr.json, key->pkey, st);
    if (rc == ATTLS_OK) {
        res->platform = cr.platform;
        res->user_data_echoed = cr.user_data_echoed;
        res->der_len = req != NULL ? (size_t)i2d_X509_REQ(req, NULL)
                                   : (size_t)i2d_X509(x, NULL);
        rc =
            pem_of(req != NULL, req != NULL ? (void *)req : (void *)x, pem, st);
    }
    attls_collect_result_free(&cr);
    attls_buf_free(&spki);
    X509_free(x);
    X509_REQ_free(req);
    return rc;
}

attls_code attls_issue(const attls_issue_opts *o, attls_issue_result *res,
                       attls_status *st)
{
    attls_tls_key key;
    attls_buf pem = {NULL, 0};
    attls_outfile key_out, cert_out;
    attls_code rc;

    memset(res, 0, sizeof(*res));
    memset(&key_out, 0, sizeof(key_out));
    memset(&cert_out, 0, sizeof(cert_out));
    if (o->reuse_key)
        rc = attls_tls_key_read(o->key_path, &key, st);
    else
        rc = attls_tls_key_generate(
            o->collect.residency, &o->keyspec,
            o->collect.pcr_policy ? &o->collect.pcrs : NULL, &key, st);
    if (rc == ATTLS_OK && key.residency != o->collect.residency)
        rc = attls_fail(st, ATTLS_E_ARGUMENT, "issue.residency",
                        "%s holds a %s key, not a %s one", o->key_path,
                        attls_residency_name(key.residency),
                        attls_residency_name(o->collect.residency));
    if (rc == ATTLS_OK)
        rc = build(o, &key, &pem, res, st);
    if (rc == ATTLS_OK && !o->reuse_key)
        rc = attls_outfile_prepare(&key_out, o->key_path, key.pem.data,
                                   key.pem.len, 0600, st);
    if (rc == ATTLS_OK)
        rc = attls_outfile_prepare(
            &cert_out, o->csr_path != NULL ? o->csr_path : o->cert_path,
            pem.data, pem.len, 0644, st);
    /* Key first: a certificate never names a key that is not there yet. */
    if (rc == ATTLS_OK)
        rc = attls_outfile_commit(&key_out, st);
    if (rc == ATTLS_OK)
        rc = attls_outfile_commit(&cert_out, st);
    attls_outfile_abort(&key_out);
    attls_outfile_abort(&cert_out);
    attls_buf_free(&pem);
    attls_tls_key_free(&key);
    return rc;
}
