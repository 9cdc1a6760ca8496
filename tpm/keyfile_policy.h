/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The policy [1] field of the TSS2 key file (tpm/keyfile.h): only the
 * PolicyPCR form of a PCR-policy key. Internal to tpm/keyfile.c.
 */
#ifndef ATTLS_TPM_KEYFILE_POLICY_H
#define ATTLS_TPM_KEYFILE_POLICY_H

#include <openssl/asn1.h>

#include "tpm/keyfile.h"

/**
 * Decode @p policy (SEQUENCE OF TPMPolicy, elements as ASN1_TYPE) into
 * @p kf and check it against @p kf->pub (authPolicy, no userWithAuth).
 * @retval ATTLS_OK or ATTLS_E_KEYFILE_POLICY
 */
attls_code attls_keyfile_policy_decode(const STACK_OF(ASN1_TYPE) *policy,
                                       attls_tpm_keyfile *kf, attls_status *st);

/**
 * The policy field of @p kf (a new stack of one TPMPolicy), NULL when
 * @p kf has no policy or on error (@p *ok = 0).
 */
STACK_OF(ASN1_TYPE) *attls_keyfile_policy_encode(const attls_tpm_keyfile *kf,
                                                 int *ok);

#endif
