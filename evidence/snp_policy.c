/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The verifier's policy for a cryptographically verified SEV-SNP report.
 * Kept apart from the verification: a report can be authentic and still
 * unacceptable (debuggable guest, unknown measurement, old TCB).
 */
#include "evidence/snp.h"

#include <stdio.h>
#include <string.h>

#include <openssl/crypto.h>

#include "common/bytes.h"

void attls_snp_policy_init(attls_snp_policy *p)
{
    memset(p, 0, sizeof(*p));
}

static attls_code check_debug(const attls_snp_report *r,
                              const attls_snp_policy *pol, attls_status *st)
{
    if (pol->allow_debug || !(r->policy & ATTLS_SNP_POLICY_DEBUG))
        return ATTLS_OK;
    return attls_fail(st, ATTLS_E_SNP_POLICY_DEBUG, "snp.policy.debug",
                      "POLICY (0x008) is 0x%016llx: bit 19 (DEBUG) is set, "
                      "the host can read and change guest memory",
                      (unsigned long long)r->policy);
}

static attls_code check_measurement(const attls_snp_report *r,
                                    const attls_snp_policy *pol,
                                    attls_status *st)
{
    char hex[2 * 48 + 1];

    if (pol->measurements == NULL)
        return ATTLS_OK;
    for (size_t i = 0; i < pol->n_measurements; i++) {
        if (memcmp(pol->measurements[i], r->measurement, 48) == 0)
            return ATTLS_OK;
    }
    attls_hex_encode(r->measurement, 48, hex);
    return attls_fail(st, ATTLS_E_SNP_POLICY_MEASUREMENT,
                      "snp.policy.measurement",
                      "MEASUREMENT (0x090) %s is not among the %zu allowed",
                      hex, pol->n_measurements);
}

static attls_code check_report_data(const attls_snp_report *r,
                                    const attls_snp_policy *pol,
                                    attls_status *st)
{
    char got[2 * 64 + 1], want[2 * 64 + 1];

    if (pol->report_data == NULL ||
        CRYPTO_memcmp(pol->report_data, r->report_data, 64) == 0)
        return ATTLS_OK;
    attls_hex_encode(r->report_data, 64, got);
    attls_hex_encode(pol->report_data, 64, want);
    return attls_fail(st, ATTLS_E_SNP_POLICY_REPORT_DATA,
                      "snp.policy.report_data",
                      "REPORT_DATA (0x050) is %s, expected %s", got, want);
}

/* The first component of @p a below @p b, for the message. */
static const char *first_below(const attls_snp_tcb *a, const attls_snp_tcb *b,
                               unsigned *got, unsigned *want)
{
    const struct {
        const char *name;
        uint8_t a, b;
    } parts[] = {
        {"fmc", a->fmc, b->fmc},
        {"bootloader", a->bootloader, b->bootloader},
        {"tee", a->tee, b->tee},
        {"snp", a->snp, b->snp},
        {"microcode", a->microcode, b->microcode},
    };

    for (size_t i = 0; i < sizeof(parts) / sizeof(parts[0]); i++) {
        if (parts[i].a < parts[i].b) {
            *got = parts[i].a;
            *want = parts[i].b;
            return parts[i].name;
        }
    }
    *got = *want = 0;
    return "none";
}

static attls_code check_min_tcb(const attls_snp_report *r,
                                const attls_snp_policy *pol, attls_status *st)
{
    attls_snp_tcb min = pol->min_tcb;
    unsigned got, want;
    const char *part;

    if (!pol->check_min_tcb)
        return ATTLS_OK;
    if (!r->reported_tcb.decoded)
        return attls_fail(st, ATTLS_E_SNP_PRODUCT, "snp.policy.tcb",
                          "minimum TCB asked, but the report's product (and "
                          "so its TCB layout) is unknown");
    /* Milan and Genoa have no FMC: a Turin minimum's fmc cannot apply. */
    if (!r->reported_tcb.has_fmc)
        min.fmc = 0;
    if (attls_snp_tcb_ge(&r->reported_tcb, &min))
        return ATTLS_OK;
    part = first_below(&r->reported_tcb, &min, &got, &want);
    return attls_fail(st, ATTLS_E_SNP_POLICY_TCB, "snp.policy.tcb",
                      "REPORTED_TCB (0x180) 0x%016llx: %s SPL %u is below the "
                      "minimum %u",
                      (unsigned long long)r->reported_tcb.raw, part, got, want);
}

attls_code attls_snp_policy_check(const attls_snp_report *r,
                                  const attls_snp_policy *pol, attls_status *st)
{
    attls_code rc;

    if (r->version < pol->min_version)
        return attls_fail(st, ATTLS_E_SNP_POLICY_VERSION, "snp.policy.version",
                          "report version %u, at least %u required", r->version,
                          pol->min_version);
    if ((rc = check_debug(r, pol, st)) != ATTLS_OK)
        return rc;
    if (pol->check_vmpl && r->vmpl != pol->vmpl)
        return attls_fail(st, ATTLS_E_SNP_POLICY_VMPL, "snp.policy.vmpl",
                          "VMPL (0x030) is %u, expected %u", r->vmpl,
                          pol->vmpl);
    if ((rc = check_measurement(r, pol, st)) != ATTLS_OK ||
        (rc = check_report_data(r, pol, st)) != ATTLS_OK)
        return rc;
    return check_min_tcb(r, pol, st);
}
