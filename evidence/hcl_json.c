/* SPDX-License-Identifier: Apache-2.0 */
/* Azure HCL report claims as JSON (the --json output). */
#include "evidence/hcl.h"

#include <openssl/pem.h>

#include "evidence/json_util.h"

/* SubjectPublicKeyInfo PEM of @p key as a JSON string. */
static json_t *pubkey_pem(EVP_PKEY *key)
{
    BIO *bio = BIO_new(BIO_s_mem());
    json_t *j = NULL;
    char *data;
    long len;

    if (bio != NULL && PEM_write_bio_PUBKEY(bio, key) == 1 &&
        (len = BIO_get_mem_data(bio, &data)) > 0)
        j = json_stringn(data, (size_t)len);
    BIO_free(bio);
    return j;
}

static json_t *claims_json(const attls_hcl_claims *c)
{
    json_t *o = json_object();
    int err = attls_json_set(o, "claims", json_incref(c->json));

    err |= attls_json_set(o, "ak_pub", pubkey_pem(c->ak_pub));
    if (c->ek_pub != NULL)
        err |= attls_json_set(o, "ek_pub", pubkey_pem(c->ek_pub));
    if (c->has_user_data)
        err |= attls_json_set(o, "user_data", attls_json_hex(c->user_data, 64));
    if (err) {
        json_decref(o);
        return NULL;
    }
    return o;
}

json_t *attls_hcl_report_to_json(const attls_hcl_report *r)
{
    int snp = r->report_type == ATTLS_HCL_REPORT_SNP;
    json_t *o = json_pack(
        "{s:{s:I, s:I, s:I}, s:{s:I, s:I, s:s, s:s, s:I}, s:o, s:b}", "header",
        "version", (json_int_t)r->version, "report_size",
        (json_int_t)r->report_size, "request_type", (json_int_t)r->request_type,
        "runtime_data", "data_size", (json_int_t)r->data_size, "version",
        (json_int_t)r->data_version, "report_type", snp ? "sev-snp" : "tdx",
        "hash_type", "sha256", "claims_len", (json_int_t)r->claims_len,
        snp ? "snp_report" : "tdreport",
        snp ? attls_snp_report_to_json(&r->snp)
            : attls_tdreport_to_json(&r->tdx),
        "hw_verified", r->hw_verified);

    json_t *claims;

    if (o == NULL || r->claims.json == NULL)
        return o;
    claims = claims_json(&r->claims);
    if (claims == NULL || json_object_update(o, claims) != 0) {
        json_decref(o);
        o = NULL;
    }
    json_decref(claims);
    return o;
}
