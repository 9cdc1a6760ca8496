/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The evidence sources of tpm/ against swtpm (run-tpm-test, ATTLS_TCTI):
 * NV reads and the owner index of the Azure user data, PCR reads across
 * banks, the attls and GCP-style attestation keys, quote and certify
 * (checked with the offline verifiers of evidence/tpm_attest.h), vTPM
 * layout detection, and the specific errors for missing provisioning.
 * run-tpm-test checks afterwards that nothing is left loaded.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <tss2/tss2_mu.h>

#include "evidence/tpm_attest.h"
#include "tpm/ak.h"
#include "tpm/attest.h"
#include "tpm/connection.h"
#include "tpm/keys.h"
#include "tpm/nv.h"
#include "tpm/parent.h"
#include "tpm/pcr.h"
#include "tpm/platform.h"

static attls_tpm_conn conn;

static int setup(void **state)
{
    (void)state;
    if (attls_tpm_configure(getenv("ATTLS_TCTI")) != 0)
        return -1;
    return attls_tpm_acquire(&conn) == TSS2_RC_SUCCESS ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    attls_tpm_release(&conn, TSS2_RC_SUCCESS);
    attls_tpm_disconnect();
    return 0;
}

static void undefine(TPM2_HANDLE index)
{
    ESYS_TR tr = ESYS_TR_NONE;

    if (!attls_nv_exists(conn.esys, index))
        return;
    assert_int_equal(Esys_TR_FromTPMPublic(conn.esys, index, ESYS_TR_NONE,
                                           ESYS_TR_NONE, ESYS_TR_NONE, &tr),
                     TSS2_RC_SUCCESS);
    assert_int_equal(Esys_NV_UndefineSpace(conn.esys, ESYS_TR_RH_OWNER, tr,
                                           ESYS_TR_PASSWORD, ESYS_TR_NONE,
                                           ESYS_TR_NONE),
                     TSS2_RC_SUCCESS);
}

/* Write @p len bytes to an owner index of exactly that size. */
static void nv_put(TPM2_HANDLE index, const uint8_t *data, size_t len)
{
    attls_status st = {0};

    if (attls_nv_write_owner(conn.esys, index, "test", data, len, &st) !=
        ATTLS_OK)
        fail_msg("%s", st.message);
}

static void test_nv(void **state)
{
    uint8_t data[64], data2[64];
    attls_buf b;
    attls_status st = {0};
    TPMS_NV_PUBLIC pub;

    (void)state;
    memset(data, 0x5a, sizeof(data));
    undefine(ATTLS_AZURE_NV_USER_DATA);
    assert_false(attls_nv_exists(conn.esys, ATTLS_AZURE_NV_USER_DATA));
    assert_int_equal(attls_azure_write_user_data(conn.esys, data, &st),
                     ATTLS_OK);
    assert_true(attls_nv_exists(conn.esys, ATTLS_AZURE_NV_USER_DATA));
    assert_int_equal(
        attls_nv_public(conn.esys, ATTLS_AZURE_NV_USER_DATA, "t", &pub, &st),
        ATTLS_OK);
    assert_int_equal(pub.dataSize, 64);
    assert_int_equal(pub.nameAlg, TPM2_ALG_SHA256);
    assert_int_equal(pub.attributes & (TPMA_NV_OWNERREAD | TPMA_NV_OWNERWRITE),
                     TPMA_NV_OWNERREAD | TPMA_NV_OWNERWRITE);
    /* Written again in place; read back whole. */
    memset(data2, 0xa5, sizeof(data2));
    assert_int_equal(attls_azure_write_user_data(conn.esys, data2, &st),
                     ATTLS_OK);
    assert_int_equal(
        attls_nv_read(conn.esys, ATTLS_AZURE_NV_USER_DATA, "t", &b, &st),
        ATTLS_OK);
    assert_int_equal(b.len, 64);
    assert_memory_equal(b.data, data2, 64);
    attls_buf_free(&b);
    /* An owner index of another size is redefined at 64 bytes. */
    undefine(ATTLS_AZURE_NV_USER_DATA);
    nv_put(ATTLS_AZURE_NV_USER_DATA, data, 16);
    assert_int_equal(attls_azure_write_user_data(conn.esys, data2, &st),
                     ATTLS_OK);
    assert_int_equal(
        attls_nv_public(conn.esys, ATTLS_AZURE_NV_USER_DATA, "t", &pub, &st),
        ATTLS_OK);
    assert_int_equal(pub.dataSize, 64);
    undefine(ATTLS_AZURE_NV_USER_DATA);
    /* A missing index is named in the error. */
    attls_status_clear(&st);
    assert_int_equal(attls_nv_read(conn.esys, 0x01500000, "nothing", &b, &st),
                     ATTLS_E_NV_MISSING);
    assert_non_null(strstr(st.message, "0x01500000"));
    assert_null(b.data);
}

static void test_nv_large(void **state)
{
    uint8_t big[1500];
    attls_buf b;
    attls_status st = {0};

    (void)state;
    /* Larger than TPM2_PT_NV_BUFFER_MAX: read in chunks (written in two). */
    for (size_t i = 0; i < sizeof(big); i++)
        big[i] = (uint8_t)(i * 7);
    undefine(0x01500001);
    {
        TPM2B_AUTH auth = {0};
        TPM2B_NV_PUBLIC pub = {
            .nvPublic = {.nvIndex = 0x01500001,
                         .nameAlg = TPM2_ALG_SHA256,
                         .attributes = TPMA_NV_OWNERREAD | TPMA_NV_OWNERWRITE,
                         .dataSize = sizeof(big)}};
        TPM2B_MAX_NV_BUFFER chunk = {.size = 750};
        ESYS_TR tr;

        assert_int_equal(Esys_NV_DefineSpace(conn.esys, ESYS_TR_RH_OWNER,
                                             ESYS_TR_PASSWORD, ESYS_TR_NONE,
                                             ESYS_TR_NONE, &auth, &pub, &tr),
                         TSS2_RC_SUCCESS);
        for (UINT16 off = 0; off < sizeof(big); off += 750) {
            memcpy(chunk.buffer, big + off, 750);
            assert_int_equal(Esys_NV_Write(conn.esys, ESYS_TR_RH_OWNER, tr,
                                           ESYS_TR_PASSWORD, ESYS_TR_NONE,
                                           ESYS_TR_NONE, &chunk, off),
                             TSS2_RC_SUCCESS);
        }
        Esys_TR_Close(conn.esys, &tr);
    }
    assert_int_equal(attls_nv_read(conn.esys, 0x01500001, "t", &b, &st),
                     ATTLS_OK);
    assert_int_equal(b.len, sizeof(big));
    assert_memory_equal(b.data, big, sizeof(big));
    attls_buf_free(&b);
    undefine(0x01500001);
}

static void test_pcr_read(void **state)
{
    TPML_PCR_SELECTION all, one;
    TPM2B_DIGEST values[96], single;
    TPML_DIGEST_VALUES ext = {.count = 1};
    size_t count = 0, n = 0;
    attls_status st = {0};

    (void)state;
    assert_int_equal(
        attls_pcr_selection_parse(
            "sha1:0-23+sha256:0-23+sha384:0-23+sha512:0-23", &all, &st),
        ATTLS_OK);
    assert_int_equal(attls_pcr_read(conn.esys, &all, values, 96, &count, &st),
                     ATTLS_OK);
    assert_int_equal(count, 96);
    assert_int_equal(values[0].size, 20);
    assert_int_equal(values[24].size, 32);
    assert_int_equal(values[48].size, 48);
    assert_int_equal(values[95].size, 64);
    assert_int_equal(attls_pcr_read(conn.esys, &all, values, 95, &count, &st),
                     ATTLS_E_PCR_SELECTION);
    /* Extend the debug PCR 16 and see its sha256 value change alone. */
    ext.digests[0].hashAlg = TPM2_ALG_SHA256;
    memset(&ext.digests[0].digest, 0x11, 32);
    assert_int_equal(Esys_PCR_Extend(conn.esys, ESYS_TR_PCR16, ESYS_TR_PASSWORD,
                                     ESYS_TR_NONE, ESYS_TR_NONE, &ext),
                     TSS2_RC_SUCCESS);
    assert_int_equal(attls_pcr_selection_parse("sha256:16", &one, &st),
                     ATTLS_OK);
    assert_int_equal(attls_pcr_read(conn.esys, &one, &single, 1, &n, &st),
                     ATTLS_OK);
    assert_int_equal(n, 1);
    assert_memory_not_equal(single.buffer, values[24 + 16].buffer, 32);
    assert_int_equal(Esys_PCR_Reset(conn.esys, ESYS_TR_PCR16, ESYS_TR_PASSWORD,
                                    ESYS_TR_NONE, ESYS_TR_NONE),
                     TSS2_RC_SUCCESS);
}

/* A TLS-style key under the owner SRK, loaded. */
static ESYS_TR load_tls_key(TPM2B_PUBLIC *pub_out)
{
    attls_tpm_keyspec spec = {TPM2_ALG_ECC, TPM2_ECC_NIST_P256, 0};
    attls_tpm_parent parent;
    TPM2B_PUBLIC *pub = NULL;
    TPM2B_PRIVATE *priv = NULL;
    ESYS_TR key = ESYS_TR_NONE;

    assert_int_equal(attls_tpm_parent_open(conn.esys, ATTLS_TPM_PARENT_OWNER, 0,
                                           NULL, &parent),
                     TSS2_RC_SUCCESS);
    assert_int_equal(
        attls_tpm_key_create(conn.esys, parent.tr, &spec, NULL, &pub, &priv),
        TSS2_RC_SUCCESS);
    attls_tpm_parent_close(conn.esys, &parent);
    assert_int_equal(attls_tpm_key_load(conn.esys, ATTLS_TPM_PARENT_OWNER, 0,
                                        NULL, pub, priv, &key),
                     TSS2_RC_SUCCESS);
    *pub_out = *pub;
    Esys_Free(pub);
    Esys_Free(priv);
    return key;
}

static void quote_and_certify(const attls_ak *ak)
{
    uint8_t qd[32];
    TPML_PCR_SELECTION sel;
    TPM2B_ATTEST quoted, info;
    TPMT_SIGNATURE sig, csig;
    TPM2B_DIGEST values[24];
    TPM2B_PUBLIC key_pub;
    uint8_t sigbuf[sizeof(TPMT_SIGNATURE)];
    size_t count = 0, off = 0;
    attls_tpm_pcrs pcrs;
    attls_tpm_verify_opts opts = {.extra_data = qd, .extra_data_len = 32};
    attls_tpm_sig s = {.format = ATTLS_TPM_SIG_TPMT};
    attls_status st = {0};
    EVP_PKEY *akey = NULL;
    ESYS_TR key;

    memset(qd, 0x42, sizeof(qd));
    assert_int_equal(attls_pcr_selection_parse(ATTLS_PCR_DEFAULT, &sel, &st),
                     ATTLS_OK);
    assert_int_equal(attls_pcr_read(conn.esys, &sel, values, 24, &count, &st),
                     ATTLS_OK);
    if (attls_tpm_quote(conn.esys, ak, qd, sizeof(qd), &sel, &quoted, &sig,
                        &st) != ATTLS_OK)
        fail_msg("%s", st.message);
    assert_int_equal(count, 15);
    /* Verify it as a verifier would: AK signature, extraData, pcrDigest. */
    assert_int_equal(attls_tpm_public_to_pkey(&ak->pub.publicArea, &akey, &st),
                     ATTLS_OK);
    attls_tpm_pcrs_init(&pcrs);
    assert_int_equal(attls_tpm_pcrs_set_list(&pcrs, &sel, values, count, &st),
                     ATTLS_OK);
    assert_int_equal(
        Tss2_MU_TPMT_SIGNATURE_Marshal(&sig, sigbuf, sizeof(sigbuf), &off),
        TSS2_RC_SUCCESS);
    s.data = sigbuf;
    s.len = off;
    if (attls_tpm_quote_verify(quoted.attestationData, quoted.size, &s, akey,
                               &pcrs, &opts, NULL, &st) != ATTLS_OK)
        fail_msg("quote: %s", st.message);
    /* Another qualifying data is refused. */
    qd[0] ^= 1;
    attls_status_clear(&st);
    assert_int_equal(attls_tpm_quote_verify(quoted.attestationData, quoted.size,
                                            &s, akey, &pcrs, &opts, NULL, &st),
                     ATTLS_E_TPM_NONCE);
    qd[0] ^= 1;

    key = load_tls_key(&key_pub);
    if (attls_tpm_certify(conn.esys, key, ak, qd, sizeof(qd), &info, &csig,
                          &st) != ATTLS_OK)
        fail_msg("%s", st.message);
    attls_tpm_flush(conn.esys, key);
    off = 0;
    assert_int_equal(
        Tss2_MU_TPMT_SIGNATURE_Marshal(&csig, sigbuf, sizeof(sigbuf), &off),
        TSS2_RC_SUCCESS);
    s.len = off;
    if (attls_tpm_certify_verify(info.attestationData, info.size, &s, akey,
                                 &key_pub.publicArea, &opts, NULL,
                                 &st) != ATTLS_OK)
        fail_msg("certify: %s", st.message);
    EVP_PKEY_free(akey);
}

static void test_attls_ak(void **state)
{
    attls_ak ak;
    attls_status st = {0};

    (void)state;
    assert_int_equal(attls_ak_open_attls(conn.esys, &ak, &st), ATTLS_OK);
    assert_true(ak.transient);
    assert_int_equal(ak.cert_index, 0);
    quote_and_certify(&ak);
    attls_ak_close(conn.esys, &ak);
    assert_int_equal(ak.tr, ESYS_TR_NONE);
}

static void test_cloud_aks(void **state)
{
    TPM2B_PUBLIC tmpl;
    uint8_t buf[sizeof(TPMT_PUBLIC) + 8];
    size_t len = 0;
    attls_ak ak;
    attls_buf der;
    attls_status st = {0};

    (void)state;
    assert_int_equal(attls_vtpm_detect(conn.esys), ATTLS_VTPM_PLAIN);
    attls_status_clear(&st);
    assert_int_equal(attls_ak_open_azure(conn.esys, &ak, &st),
                     ATTLS_E_AK_MISSING);
    assert_non_null(strstr(st.message, "0x81000003"));
    attls_status_clear(&st);
    assert_int_equal(attls_ak_open_gcp(conn.esys, &ak, &st),
                     ATTLS_E_AK_MISSING);
    assert_non_null(strstr(st.message, "0x01c10001"));
    assert_non_null(strstr(st.message, "0x01c10003"));

    /* A template that is not a restricted signing key. */
    memset(buf, 0xee, sizeof(buf));
    nv_put(ATTLS_GCP_NV_AK_TEMPLATE_RSA, buf, 40);
    assert_int_equal(attls_vtpm_detect(conn.esys), ATTLS_VTPM_GCP);
    assert_int_equal(attls_ak_open_gcp(conn.esys, &ak, &st),
                     ATTLS_E_AK_TEMPLATE);
    undefine(ATTLS_GCP_NV_AK_TEMPLATE_RSA);

    /* A good template (zero-padded, as GCE stores it) makes the AK. */
    attls_ak_attls_template(&tmpl);
    memset(buf, 0, sizeof(buf));
    assert_int_equal(
        Tss2_MU_TPMT_PUBLIC_Marshal(&tmpl.publicArea, buf, sizeof(buf), &len),
        TSS2_RC_SUCCESS);
    nv_put(ATTLS_GCP_NV_AK_TEMPLATE_ECC, buf, len + 8);
    attls_status_clear(&st);
    if (attls_ak_open_gcp(conn.esys, &ak, &st) != ATTLS_OK)
        fail_msg("%s", st.message);
    assert_int_equal(ak.cert_index, ATTLS_GCP_NV_AK_CERT_ECC);
    quote_and_certify(&ak);
    /* Its certificate index: missing, then junk. */
    attls_status_clear(&st);
    assert_int_equal(attls_ak_read_cert(conn.esys, &ak, &der, &st),
                     ATTLS_E_NV_MISSING);
    assert_non_null(strstr(st.message, "0x01c10002"));
    memset(buf, 0x30, 64);
    nv_put(ATTLS_GCP_NV_AK_CERT_ECC, buf, 64);
    attls_status_clear(&st);
    assert_int_equal(attls_ak_read_cert(conn.esys, &ak, &der, &st),
                     ATTLS_E_AK_CERT);
    attls_ak_close(conn.esys, &ak);
    undefine(ATTLS_GCP_NV_AK_CERT_ECC);
    undefine(ATTLS_GCP_NV_AK_TEMPLATE_ECC);
    assert_int_equal(attls_vtpm_detect(conn.esys), ATTLS_VTPM_PLAIN);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_nv),        cmocka_unit_test(test_nv_large),
        cmocka_unit_test(test_pcr_read),  cmocka_unit_test(test_attls_ak),
        cmocka_unit_test(test_cloud_aks),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
