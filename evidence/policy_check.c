/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The client policy's rules that are not a TEE verifier's own policy:
 * platform, residency, evidence age, PCR values, TDX measurements and the
 * pinned AKs of platform "tpm".
 */
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "common/bytes.h"
#include "common/timeutil.h"
#include "evidence/policy.h"
#include "evidence/tpm_records.h"

attls_code attls_policy_check_claims(const attls_policy *pol,
                                     const attls_claims *c, time_t at,
                                     attls_status *st)
{
    char created[32], now[32];

    if (!(pol->platforms & (1u << c->platform)))
        return attls_fail(st, ATTLS_E_POLICY_PLATFORM, "policy.platform",
                          "the evidence is from platform %s, which the "
                          "policy does not allow",
                          attls_platform_name(c->platform));
    if (pol->residency != ATTLS_RESIDENCY_UNKNOWN &&
        pol->residency != c->residency)
        return attls_fail(st, ATTLS_E_POLICY_RESIDENCY, "policy.residency",
                          "the key residency is %s, the policy requires %s",
                          attls_residency_name(c->residency),
                          attls_residency_name(pol->residency));
    attls_format_rfc3339(c->created, created, sizeof(created));
    attls_format_rfc3339(at, now, sizeof(now));
    if (pol->max_age >= 0 && c->created > at)
        return attls_fail(st, ATTLS_E_POLICY_AGE, "policy.age",
                          "the evidence was created at %s, after the "
                          "verification time %s",
                          created, now);
    if (pol->max_age >= 0 && (long long)(at - c->created) > pol->max_age)
        return attls_fail(st, ATTLS_E_POLICY_AGE, "policy.age",
                          "the evidence was created at %s, %lld s before %s: "
                          "older than max_age %lld s",
                          created, (long long)(at - c->created), now,
                          pol->max_age);
    if (pol->nonce_len > 0 &&
        (c->nonce_len != pol->nonce_len ||
         CRYPTO_memcmp(c->nonce, pol->nonce, c->nonce_len) != 0))
        return attls_fail(st, ATTLS_E_POLICY_NONCE, "policy.nonce",
                          "the claims carry %s, not the nonce the policy "
                          "expects",
                          c->nonce_len > 0 ? "another nonce" : "no nonce");
    return ATTLS_OK;
}

static const attls_tpm_pcr_bank *bank_of(const attls_tpm_pcrs *p, uint16_t alg)
{
    for (size_t i = 0; i < p->bank_count; i++)
        if (p->banks[i].hash_alg == alg)
            return &p->banks[i];
    return NULL;
}

attls_code attls_policy_check_pcrs(const attls_policy *pol,
                                   const attls_tpm_pcrs *quoted,
                                   attls_status *st)
{
    for (size_t b = 0; b < pol->pcrs.bank_count; b++) {
        const attls_tpm_pcr_bank *want = &pol->pcrs.banks[b];
        const attls_tpm_pcr_bank *got = bank_of(quoted, want->hash_alg);
        const char *bank = attls_tpm_alg_name(want->hash_alg);

        for (unsigned i = 0; i < ATTLS_TPM_MAX_PCRS; i++) {
            size_t n = attls_tpm_digest_size(want->hash_alg);
            char hex[2 * ATTLS_TPM_MAX_DIGEST + 1];

            if (!(want->present & (1u << i)))
                continue;
            if (got == NULL || !(got->present & (1u << i)))
                return attls_fail(st, ATTLS_E_POLICY_PCR, "policy.pcr",
                                  "the policy names PCR %s:%u, which the "
                                  "quote does not cover",
                                  bank, i);
            if (CRYPTO_memcmp(got->values[i], want->values[i], n) != 0) {
                attls_hex_encode(got->values[i], n, hex);
                return attls_fail(st, ATTLS_E_POLICY_PCR, "policy.pcr",
                                  "PCR %s:%u is %s, not the value the "
                                  "policy expects",
                                  bank, i, hex);
            }
        }
    }
    return ATTLS_OK;
}

static int listed(const uint8_t (*list)[48], size_t n, const uint8_t *v)
{
    for (size_t i = 0; i < n; i++)
        if (memcmp(list[i], v, 48) == 0)
            return 1;
    return 0;
}

attls_code attls_policy_check_tdx(const attls_policy *pol,
                                  const attls_tdx_td_report *td,
                                  attls_status *st)
{
    char hex[97];

    if (pol->n_tdx_mrtd > 0 && !listed((const uint8_t(*)[48])pol->tdx_mrtd,
                                       pol->n_tdx_mrtd, td->mrtd)) {
        attls_hex_encode(td->mrtd, 48, hex);
        return attls_fail(st, ATTLS_E_POLICY_TDX_MEASUREMENT, "policy.mrtd",
                          "MRTD %s is not in the policy's list", hex);
    }
    for (int i = 0; i < 4; i++) {
        if (pol->n_tdx_rtmr[i] == 0 ||
            listed((const uint8_t(*)[48])pol->tdx_rtmr[i], pol->n_tdx_rtmr[i],
                   td->rtmr[i]))
            continue;
        attls_hex_encode(td->rtmr[i], 48, hex);
        return attls_fail(st, ATTLS_E_POLICY_TDX_MEASUREMENT, "policy.rtmr",
                          "RTMR%d %s is not in the policy's list", i, hex);
    }
    return ATTLS_OK;
}

void attls_policy_snp(const attls_policy *pol, attls_snp_policy *out)
{
    attls_snp_policy_init(out);
    out->allow_debug = pol->allow_debug;
    out->measurements = (const uint8_t(*)[48])pol->snp_measurements;
    out->n_measurements = pol->n_snp_measurements;
    out->check_min_tcb = pol->check_snp_min_tcb;
    out->min_tcb = pol->snp_min_tcb;
}

attls_code attls_policy_check_ak(const attls_policy *pol, const uint8_t *spki,
                                 size_t len, attls_status *st)
{
    uint8_t md[32];
    char hex[65];

    if (EVP_Digest(spki, len, md, NULL, EVP_sha256(), NULL) != 1)
        return attls_fail(st, ATTLS_E_INTERNAL, "policy.ak", "SHA-256 failed");
    for (size_t i = 0; i < pol->n_ak_pins; i++)
        if (CRYPTO_memcmp(pol->ak_pins[i], md, 32) == 0)
            return ATTLS_OK;
    attls_hex_encode(md, 32, hex);
    return attls_fail(st, ATTLS_E_POLICY_AK, "policy.ak",
                      "platform tpm has no TEE: its AK (SPKI SHA-256 %s) must "
                      "be listed in the policy's tpm_ak_pins",
                      hex);
}
