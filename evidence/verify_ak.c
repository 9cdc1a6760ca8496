/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Step 5 of the verifier procedure: the attestation key. Azure: the AK is
 * HCLAkPub of the hardware-signed runtime claims, rebuilt into the vTPM's
 * AK template; the AK certificate must carry that key. GCP: the ak-pub
 * record, whose certificate chains to Google's pinned roots. tpm: ak-pub,
 * pinned by the policy.
 */
#include <string.h>

#include <openssl/crypto.h>

#include "evidence/pkipath.h"
#include "evidence/verify_internal.h"

#define AK_REQUIRED                                                            \
    (TPMA_OBJECT_FIXEDTPM | TPMA_OBJECT_FIXEDPARENT |                          \
     TPMA_OBJECT_SENSITIVEDATAORIGIN | TPMA_OBJECT_RESTRICTED |                \
     TPMA_OBJECT_SIGN_ENCRYPT)

static attls_code check_ak_attributes(const TPMT_PUBLIC *p, attls_status *st)
{
    if ((p->objectAttributes & AK_REQUIRED) != AK_REQUIRED ||
        (p->objectAttributes & TPMA_OBJECT_DECRYPT))
        return attls_fail(st, ATTLS_E_EVIDENCE_KEY_ATTRIBUTES, "ak.attributes",
                          "ak-pub attributes 0x%08x: an AK must be fixedTPM, "
                          "fixedParent, sensitiveDataOrigin, restricted, "
                          "sign and not decrypt",
                          (unsigned)p->objectAttributes);
    return ATTLS_OK;
}

static attls_code verify_akcert(attls_vctx *v, attls_ak_platform platform,
                                attls_status *st)
{
    const attls_buf *b = v->ev.rec[ATTLS_REC_AK_CERT];
    const attls_buf *im = v->ev.rec[ATTLS_REC_AK_INTERMEDIATES];
    attls_trust_set trust = {NULL, NULL};
    attls_akcert_opts o;
    X509 *cert = NULL;
    STACK_OF(X509) *inter = NULL;
    attls_code rc = attls_akcert_parse(b->data, b->len, &cert, st);

    if (rc == ATTLS_OK && im != NULL)
        rc = attls_pkipath_parse(im, &inter, st);
    if (rc == ATTLS_OK)
        rc = attls_trust_set_load(attls_ak_platform_trust_set(platform),
                                  v->roots, &trust, st);
    if (rc == ATTLS_OK) {
        memset(&o, 0, sizeof(o));
        o.at = v->at;
        o.platform = platform;
        o.trust = &trust;
        o.intermediates = inter;
        o.ak = v->ak;
        rc = attls_akcert_verify(cert, &o, &v->akcert, st);
        v->have_akcert = rc == ATTLS_OK;
        attls_trust_set_free(&trust);
    }
    sk_X509_pop_free(inter, X509_free);
    X509_free(cert);
    return rc;
}

/* The AK public area the paravisor's HCLAkPub stands for. */
static attls_code azure_ak(attls_vctx *v, attls_status *st)
{
    TPMT_PUBLIC pub;
    attls_code rc;

    if (v->hcl.claims.ak_pub == NULL)
        return attls_fail(st, ATTLS_E_HCL_AK, "ak.hcl",
                          "the HCL runtime claims carry no HCLAkPub");
    rc = attls_tpm_public_azure_ak(v->hcl.claims.ak_pub, &pub, st);
    if (rc == ATTLS_OK)
        rc = attls_tpm_public_to_pkey(&pub, &v->ak, st);
    return rc == ATTLS_OK ? verify_akcert(v, ATTLS_AK_PLATFORM_AZURE, st) : rc;
}

static attls_code ak_pub_record(attls_vctx *v, TPMT_PUBLIC *pub,
                                attls_status *st)
{
    const attls_buf *b = v->ev.rec[ATTLS_REC_AK_PUB];
    TPM2B_PUBLIC p;
    attls_code rc = attls_public_unmarshal(b->data, b->len, &p, "ak.pub", st);

    if (rc == ATTLS_OK)
        rc = check_ak_attributes(&p.publicArea, st);
    if (rc == ATTLS_OK) {
        *pub = p.publicArea;
        rc = attls_tpm_public_to_pkey(pub, &v->ak, st);
    }
    return rc;
}

static attls_code gcp_ak(attls_vctx *v, attls_status *st)
{
    TPMT_PUBLIC pub;
    attls_code rc = ak_pub_record(v, &pub, st);

    return rc == ATTLS_OK ? verify_akcert(v, ATTLS_AK_PLATFORM_GCP, st) : rc;
}

static attls_code tpm_ak(attls_vctx *v, attls_status *st)
{
    TPMT_PUBLIC pub;
    uint8_t *spki = NULL;
    size_t len = 0;
    attls_code rc = ak_pub_record(v, &pub, st);

    if (rc == ATTLS_OK)
        rc = attls_tpm_public_to_spki(&pub, &spki, &len, st);
    if (rc == ATTLS_OK)
        rc = attls_policy_check_ak(v->pol, spki, len, st);
    OPENSSL_free(spki);
    return rc;
}

attls_code attls_verify_ak(attls_vctx *v, attls_status *st)
{
    switch (v->ev.claims.platform) {
    case ATTLS_PLATFORM_AZURE_SNP:
    case ATTLS_PLATFORM_AZURE_TDX:
        return azure_ak(v, st);
    case ATTLS_PLATFORM_GCP_SNP:
    case ATTLS_PLATFORM_GCP_TDX:
        return gcp_ak(v, st);
    case ATTLS_PLATFORM_TPM:
        return tpm_ak(v, st);
    default:
        return attls_fail(st, ATTLS_E_CLAIMS, "ak.platform",
                          "unknown platform in the claims");
    }
}
