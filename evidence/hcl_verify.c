/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The order of an Azure HCL report verification: parse, authenticate the
 * hardware report, check it came from the paravisor (VMPL 0), bind the
 * claims, parse them.
 */
#include "evidence/hcl.h"

static attls_code verify_hw_report(attls_hcl_report *r,
                                   const attls_hcl_verify_params *p,
                                   attls_snp_vek *vek_out, attls_status *st)
{
    attls_code rc;

    if (p == NULL || p->vek == NULL)
        return ATTLS_OK;
    if (r->report_type != ATTLS_HCL_REPORT_SNP)
        return attls_fail(st, ATTLS_E_UNSUPPORTED, "hcl.hw_report",
                          "a VCEK/VLEK was given but the hardware report is "
                          "a TDX TDREPORT: authenticate it with its TD quote");
    rc = attls_snp_verify(&r->snp, p->vek, p->untrusted, &p->snp, vek_out, st);
    if (rc == ATTLS_OK)
        r->hw_verified = 1;
    return rc;
}

attls_code attls_hcl_verify(const uint8_t *buf, size_t len,
                            const attls_hcl_verify_params *p,
                            attls_hcl_report *out, attls_snp_vek *vek_out,
                            attls_status *st)
{
    attls_code rc;

    if ((rc = attls_hcl_report_parse(buf, len, out, st)) != ATTLS_OK)
        return rc;
    if ((rc = verify_hw_report(out, p, vek_out, st)) != ATTLS_OK)
        return rc;
    /* The paravisor asks for its report at VMPL 0; a report from a lower
     * privilege level carries REPORT_DATA chosen by the guest OS. */
    if (out->report_type == ATTLS_HCL_REPORT_SNP && out->snp.vmpl != 0)
        return attls_fail(st, ATTLS_E_HCL_VMPL, "hcl.vmpl",
                          "the SNP report was requested at VMPL %u (0x050), "
                          "not by the paravisor at VMPL 0",
                          out->snp.vmpl);
    if ((rc = attls_hcl_check_binding(out, st)) != ATTLS_OK)
        return rc;
    return attls_hcl_claims_parse(out->claims_raw, out->claims_len,
                                  &out->claims, st);
}
