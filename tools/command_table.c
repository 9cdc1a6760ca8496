/* SPDX-License-Identifier: Apache-2.0 */
#include <stddef.h>

#include "tools/commands.h"

/* One declaration and one row per subcommand, kept in the same order. */

const attls_command attls_commands[] = {
    {"verify-tdx", attls_cmd_verify_tdx,
     "verify an Intel TDX quote offline, optionally with Intel collateral"},
    {"verify-quote", attls_cmd_verify_quote,
     "verify a TPM2_Quote (TPMS_ATTEST + signature) offline"},
    {"verify-certify", attls_cmd_verify_certify,
     "verify a TPM2_Certify binding a key to the AK offline"},
    {"verify-akcert", attls_cmd_verify_akcert,
     "verify an Azure or GCE vTPM AK certificate offline"},
    {"key", attls_cmd_key, "create TPM-resident TLS keys (attls key create)"},
    {"verify-snp", attls_cmd_verify_snp,
     "verify an AMD SEV-SNP attestation report offline"},
    {"verify-hcl", attls_cmd_verify_hcl,
     "verify an Azure HCL report and its runtime claims offline"},
    {"cert", attls_cmd_cert,
     "create a TLS key and a certificate carrying attestation evidence"},
    {"renew", attls_cmd_renew,
     "re-issue an attls certificate near expiry or after a PCR change"},
    {"show", attls_cmd_show,
     "print the attestation evidence of an attls certificate as JSON"},
    {"verify-cert", attls_cmd_verify_cert,
     "verify an attls certificate's evidence end to end with a policy"},
    {"connect", attls_cmd_connect,
     "TLS client that accepts only a server whose evidence verifies"},
    {NULL, NULL, NULL},
};
