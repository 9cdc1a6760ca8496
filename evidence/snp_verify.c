/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Cryptographic verification of a parsed SEV-SNP report: the VEK chain to
 * the pinned ARK, the report signature, and the binding between the VEK
 * and the report (signer kind, product, TCB, chip).
 */
#include "evidence/snp.h"

#include <stdio.h>
#include <string.h>

#include <openssl/core_names.h>

#include "common/bytes.h"
#include "evidence/ecdsa_raw.h"
#include "evidence/x509_chain.h"

#define SIG_R_OFFSET 0x2A0
#define SIG_S_OFFSET 0x2E8
#define SIG_COMPONENT_LEN 72
#define TURIN_HWID_LEN 8

static const char *vek_type_name(attls_snp_vek_type t)
{
    return t == ATTLS_SNP_VEK_VLEK ? "VLEK" : "VCEK";
}

int attls_snp_key_is_p384(EVP_PKEY *key)
{
    char group[32];

    return key != NULL && EVP_PKEY_is_a(key, "EC") &&
           EVP_PKEY_get_utf8_string_param(key, OSSL_PKEY_PARAM_GROUP_NAME,
                                          group, sizeof(group), NULL) &&
           strcmp(group, "secp384r1") == 0;
}

attls_code attls_snp_verify_signature(const attls_snp_report *r, EVP_PKEY *key,
                                      attls_status *st)
{
    int ok;

    if (!attls_snp_key_is_p384(key))
        return attls_fail(st, ATTLS_E_CERT_KEY, "snp.signature",
                          "the VEK key is not an EC P-384 key");
    ok = attls_ecdsa_raw_verify(key, "SHA384", r->raw, ATTLS_SNP_SIGNED_SIZE,
                                r->raw + SIG_R_OFFSET, r->raw + SIG_S_OFFSET,
                                SIG_COMPONENT_LEN, ATTLS_ECDSA_LITTLE_ENDIAN);
    if (ok < 0)
        return attls_fail(st, ATTLS_E_INTERNAL, "snp.signature",
                          "cannot run the ECDSA verification");
    if (ok == 0)
        return attls_fail(st, ATTLS_E_SNP_SIGNATURE, "snp.signature",
                          "ECDSA P-384/SHA-384 signature (R at 0x2a0, S at "
                          "0x2e8, little-endian) over bytes [0x000, 0x2a0) "
                          "does not verify under the VEK key");
    return ATTLS_OK;
}

attls_code attls_snp_check_signer(const attls_snp_report *r,
                                  const attls_snp_vek *vek, attls_status *st)
{
    attls_snp_vek_type want;

    if (r->signing_key == ATTLS_SNP_SIGNED_BY_NONE)
        return attls_fail(st, ATTLS_E_SNP_SIGNER, "snp.signer",
                          "the report is not signed (SIGNING_KEY at 0x048 "
                          "is 7, none)");
    want = r->signing_key == ATTLS_SNP_SIGNED_BY_VLEK ? ATTLS_SNP_VEK_VLEK
                                                      : ATTLS_SNP_VEK_VCEK;
    if (vek->type != want)
        return attls_fail(st, ATTLS_E_SNP_SIGNER, "snp.signer",
                          "the report says it is signed by the %s (signer "
                          "info 0x%08x at 0x048), the certificate given is a "
                          "%s",
                          vek_type_name(want), r->signer_info,
                          vek_type_name(vek->type));
    if (want == ATTLS_SNP_VEK_VCEK && r->mask_chip_key)
        return attls_fail(st, ATTLS_E_SNP_SIGNER, "snp.signer",
                          "signer info 0x%08x at 0x048 has MASK_CHIP_KEY set: "
                          "the VCEK cannot have signed it",
                          r->signer_info);
    return ATTLS_OK;
}

static void describe_tcb(const attls_snp_tcb *t, char *buf, size_t len)
{
    int n = 0;

    if (t->has_fmc)
        n = snprintf(buf, len, "fmc %u ", t->fmc);
    snprintf(buf + n, len - (size_t)n, "bl %u tee %u snp %u ucode %u",
             t->bootloader, t->tee, t->snp, t->microcode);
}

attls_code attls_snp_check_tcb(const attls_snp_report *r,
                               const attls_snp_vek *vek, attls_status *st)
{
    const attls_snp_tcb *a = &r->reported_tcb, *b = &vek->tcb;
    char got[64], want[64];

    if (r->product != vek->product || !a->decoded)
        return attls_fail(st, ATTLS_E_SNP_PRODUCT, "snp.tcb",
                          "report product %s, VEK product %s: TCBs of "
                          "different layouts cannot be compared",
                          attls_snp_product_name(r->product),
                          attls_snp_product_name(vek->product));
    if (a->fmc == b->fmc && a->bootloader == b->bootloader &&
        a->tee == b->tee && a->snp == b->snp && a->microcode == b->microcode)
        return ATTLS_OK;
    describe_tcb(a, got, sizeof(got));
    describe_tcb(b, want, sizeof(want));
    return attls_fail(st, ATTLS_E_SNP_TCB_MISMATCH, "snp.tcb",
                      "REPORTED_TCB (0x180) is 0x%016llx (%s), the %s was "
                      "issued for 0x%016llx (%s)",
                      (unsigned long long)a->raw, got, vek_type_name(vek->type),
                      (unsigned long long)b->raw, want);
}

static int all_zero(const uint8_t *p, size_t len)
{
    uint8_t acc = 0;

    for (size_t i = 0; i < len; i++)
        acc |= p[i];
    return acc == 0;
}

attls_code attls_snp_check_chip_id(const attls_snp_report *r,
                                   const attls_snp_vek *vek, attls_status *st)
{
    size_t n = vek->hwid_len;
    char got[17], want[17];
    size_t first = 0;

    if (vek->type == ATTLS_SNP_VEK_VLEK || all_zero(r->chip_id, 64))
        return ATTLS_OK;
    if (n != 64 && n != TURIN_HWID_LEN)
        return attls_fail(st, ATTLS_E_SNP_VEK, "snp.chip_id",
                          "VCEK hwID is %zu bytes", n);
    if (memcmp(r->chip_id, vek->hwid, n) == 0) {
        if (n == 64 || all_zero(r->chip_id + n, 64 - n))
            return ATTLS_OK;
        return attls_fail(st, ATTLS_E_SNP_CHIP_ID_MISMATCH, "snp.chip_id",
                          "CHIP_ID (0x1a0) bytes 8..63 must be zero with a "
                          "Turin VCEK (8-byte hwID)");
    }
    while (r->chip_id[first] == vek->hwid[first])
        first++;
    attls_hex_encode(r->chip_id, 8, got);
    attls_hex_encode(vek->hwid, 8, want);
    return attls_fail(st, ATTLS_E_SNP_CHIP_ID_MISMATCH, "snp.chip_id",
                      "CHIP_ID (0x1a0) %s... differs from the VCEK hwID "
                      "%s... (first difference at byte %zu): the VCEK is "
                      "another chip's",
                      got, want, first);
}

/* After a signature failure, say so when the VCEK is another chip's. */
static void add_wrong_chip_hint(const attls_snp_report *r,
                                const attls_snp_vek *vek, attls_status *st)
{
    static const char hint[] =
        "; the VCEK's hwID is not this report's CHIP_ID: wrong VCEK";
    size_t used;

    if (st == NULL || st->code != ATTLS_E_SNP_SIGNATURE ||
        attls_snp_check_chip_id(r, vek, NULL) != ATTLS_E_SNP_CHIP_ID_MISMATCH)
        return;
    used = strlen(st->message);
    if (used + sizeof(hint) <= sizeof(st->message))
        memcpy(st->message + used, hint, sizeof(hint));
}

attls_code attls_snp_verify_with_vek(attls_snp_report *r, X509 *cert,
                                     const attls_snp_vek *vek, attls_status *st)
{
    attls_code rc;

    if ((rc = attls_snp_check_signer(r, vek, st)) != ATTLS_OK)
        return rc;
    /* Authenticity first: only a signed report's fields are worth
     * interpreting in the VEK's product layout. */
    rc = attls_snp_verify_signature(r, X509_get0_pubkey(cert), st);
    if (rc == ATTLS_E_SNP_SIGNATURE)
        add_wrong_chip_hint(r, vek, st);
    if (rc != ATTLS_OK ||
        (rc = attls_snp_report_set_product(r, vek->product, st)) != ATTLS_OK ||
        (rc = attls_snp_check_tcb(r, vek, st)) != ATTLS_OK)
        return rc;
    return attls_snp_check_chip_id(r, vek, st);
}

attls_code attls_snp_vek_verify_chain(X509 *vek, STACK_OF(X509) *untrusted,
                                      attls_snp_product product, time_t at,
                                      const char *roots_dir, attls_status *st)
{
    const char *set = attls_snp_trust_set(product);
    attls_trust_set trust;
    attls_chain_params params = {
        .at = at,
        .trust = &trust,
        .untrusted = untrusted,
        .check = "snp.vek_chain",
    };
    attls_code rc;

    if (set == NULL)
        return attls_fail(st, ATTLS_E_SNP_PRODUCT, "snp.vek_chain",
                          "no AMD root for product %s",
                          attls_snp_product_name(product));
    if ((rc = attls_trust_set_load(set, roots_dir, &trust, st)) != ATTLS_OK)
        return rc;
    rc = attls_x509_chain_verify(vek, &params, NULL, st);
    attls_trust_set_free(&trust);
    return rc;
}

attls_code attls_snp_verify(attls_snp_report *r, X509 *vek_cert,
                            STACK_OF(X509) *untrusted,
                            const attls_snp_verify_params *p,
                            attls_snp_vek *vek_out, attls_status *st)
{
    attls_snp_vek vek;
    attls_snp_product product;
    attls_code rc;

    if ((rc = attls_snp_vek_parse(vek_cert, &vek, st)) != ATTLS_OK)
        return rc;
    /* With an expected product the pinned root decides first, so a VEK of
     * another product fails as "wrong root" whatever it claims to be. */
    product =
        p->product != ATTLS_SNP_PRODUCT_UNKNOWN ? p->product : vek.product;
    rc = attls_snp_vek_verify_chain(vek_cert, untrusted, product, p->at,
                                    p->roots_dir, st);
    if (rc != ATTLS_OK)
        return rc;
    if (vek.product != product)
        return attls_fail(st, ATTLS_E_SNP_PRODUCT, "snp.product",
                          "the VEK is a %s certificate (productName '%s'), "
                          "%s expected",
                          attls_snp_product_name(vek.product), vek.product_name,
                          attls_snp_product_name(product));
    if ((rc = attls_snp_verify_with_vek(r, vek_cert, &vek, st)) != ATTLS_OK)
        return rc;
    if (vek_out != NULL)
        *vek_out = vek;
    return ATTLS_OK;
}
