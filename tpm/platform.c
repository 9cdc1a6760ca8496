/* SPDX-License-Identifier: Apache-2.0 */
#include "tpm/platform.h"

#include "tpm/ak.h"
#include "tpm/nv.h"

attls_vtpm_layout attls_vtpm_detect(ESYS_CONTEXT *esys)
{
    if (attls_nv_exists(esys, ATTLS_AZURE_NV_HCL_REPORT))
        return ATTLS_VTPM_AZURE;
    if (attls_nv_exists(esys, ATTLS_GCP_NV_AK_TEMPLATE_RSA) ||
        attls_nv_exists(esys, ATTLS_GCP_NV_AK_TEMPLATE_ECC))
        return ATTLS_VTPM_GCP;
    return ATTLS_VTPM_PLAIN;
}

attls_code attls_azure_write_user_data(ESYS_CONTEXT *esys,
                                       const uint8_t data[64], attls_status *st)
{
    return attls_nv_write_owner(esys, ATTLS_AZURE_NV_USER_DATA,
                                "Azure guest user data", data,
                                ATTLS_AZURE_USER_DATA_LEN, st);
}

attls_code attls_azure_read_report(ESYS_CONTEXT *esys, attls_buf *out,
                                   attls_status *st)
{
    return attls_nv_read(esys, ATTLS_AZURE_NV_HCL_REPORT, "Azure HCL report",
                         out, st);
}
