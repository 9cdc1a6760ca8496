/* SPDX-License-Identifier: Apache-2.0 */
#include "tpm/rc.h"

#include <pthread.h>
#include <tss2/tss2_rc.h>
#include <tss2/tss2_tpm2_types.h>

static const char *attls_layer_text(TSS2_RC rc)
{
    switch (rc & ~TSS2_RC_LAYER_MASK) {
    case ATTLS_TPM_RC_RECURSION & ~TSS2_RC_LAYER_MASK:
        return "TPM used from inside a TPM operation on the same thread";
    case ATTLS_TPM_RC_MEMORY & ~TSS2_RC_LAYER_MASK:
        return "out of memory";
    case ATTLS_TPM_RC_UNSUPPORTED & ~TSS2_RC_LAYER_MASK:
        return "key algorithm, curve or size not supported";
    case ATTLS_TPM_RC_ATTRIBUTES & ~TSS2_RC_LAYER_MASK:
        return "key attributes do not allow this use";
    case ATTLS_TPM_RC_SIZE & ~TSS2_RC_LAYER_MASK:
        return "size out of range";
    case ATTLS_TPM_RC_FORKED_DBUS & ~TSS2_RC_LAYER_MASK:
        return "tpm2-abrmd was used before fork(): GLib's D-Bus connection "
               "does not survive it; use device:/dev/tpmrm0, or do not use "
               "the TPM in the parent before forking";
    case ATTLS_TPM_RC_MISMATCH & ~TSS2_RC_LAYER_MASK:
        return "the handle holds a different key than expected";
    default:
        return NULL;
    }
}

static pthread_once_t rc_once = PTHREAD_ONCE_INIT;

static void rc_register_once(void)
{
    Tss2_RC_SetHandler(0xA7, "attls", attls_layer_text);
}

void attls_tpm_rc_register(void)
{
    pthread_once(&rc_once, rc_register_once);
}

const char *attls_tpm_rc_text(TSS2_RC rc)
{
    attls_tpm_rc_register();
    return Tss2_RC_Decode(rc);
}

static attls_code tcti_code(TSS2_RC base)
{
    switch (base) {
    case TSS2_BASE_RC_NOT_SUPPORTED:
    case TSS2_BASE_RC_BAD_VALUE:
    case TSS2_BASE_RC_BAD_REFERENCE:
    case TSS2_BASE_RC_ABI_MISMATCH:
    case TSS2_BASE_RC_NOT_IMPLEMENTED:
        return ATTLS_E_TPM_TCTI;
    default:
        return ATTLS_E_TPM_UNREACHABLE;
    }
}

/* Format-one codes carry handle/session/parameter numbers: strip them. */
static attls_code tpm_code(TSS2_RC code)
{
    if (code & TPM2_RC_FMT1) {
        switch (code & (TPM2_RC_FMT1 | 0x3FU)) {
        case TPM2_RC_AUTH_FAIL:
        case TPM2_RC_BAD_AUTH:
            return ATTLS_E_TPM_AUTH;
        case TPM2_RC_HANDLE:
            return ATTLS_E_TPM_HANDLE;
        case TPM2_RC_INTEGRITY:
            return ATTLS_E_TPM_LOAD;
        case TPM2_RC_CURVE:
        case TPM2_RC_KEY_SIZE:
            return ATTLS_E_KEY_UNSUPPORTED;
        case TPM2_RC_POLICY_FAIL:
            return ATTLS_E_TPM_POLICY;
        default:
            return ATTLS_E_TPM_COMMAND;
        }
    }
    switch (code) {
    case TPM2_RC_OBJECT_MEMORY:
    case TPM2_RC_SESSION_MEMORY:
    case TPM2_RC_OBJECT_HANDLES:
    case TPM2_RC_SESSION_HANDLES:
        return ATTLS_E_TPM_MEMORY;
    case TPM2_RC_RETRY:
    case TPM2_RC_YIELDED:
    case TPM2_RC_TESTING:
        return ATTLS_E_TPM_BUSY;
    case TPM2_RC_LOCKOUT:
        return ATTLS_E_TPM_LOCKOUT;
    case TPM2_RC_PCR_CHANGED:
        return ATTLS_E_TPM_POLICY;
    default:
        if (code >= TPM2_RC_REFERENCE_H0 && code <= TPM2_RC_REFERENCE_H0 + 6)
            return ATTLS_E_TPM_HANDLE;
        return ATTLS_E_TPM_COMMAND;
    }
}

attls_code attls_tpm_rc_code(TSS2_RC rc)
{
    TSS2_RC layer = rc & TSS2_RC_LAYER_MASK;
    TSS2_RC base = rc & ~TSS2_RC_LAYER_MASK;

    switch (layer) {
    case ATTLS_TPM_RC_LAYER:
        if (rc == ATTLS_TPM_RC_RECURSION)
            return ATTLS_E_TPM_RECURSION;
        if (rc == ATTLS_TPM_RC_UNSUPPORTED)
            return ATTLS_E_KEY_UNSUPPORTED;
        if (rc == ATTLS_TPM_RC_ATTRIBUTES)
            return ATTLS_E_KEY_ATTRIBUTES;
        if (rc == ATTLS_TPM_RC_FORKED_DBUS)
            return ATTLS_E_FORKED;
        if (rc == ATTLS_TPM_RC_MISMATCH)
            return ATTLS_E_KEY_MISMATCH;
        if (rc == ATTLS_TPM_RC_SIZE)
            return ATTLS_E_DIGEST;
        return ATTLS_E_INTERNAL;
    case TSS2_TCTI_RC_LAYER:
        return tcti_code(base);
    case TSS2_RESMGR_RC_LAYER:
        return ATTLS_E_TPM_UNREACHABLE;
    case TSS2_TPM_RC_LAYER:
    case TSS2_RESMGR_TPM_RC_LAYER:
        return tpm_code(base);
    case TSS2_ESAPI_RC_LAYER:
        if (base == TSS2_BASE_RC_BAD_TCTI_STRUCTURE)
            return ATTLS_E_TPM_TCTI;
        if (base == TSS2_BASE_RC_IO_ERROR || base == TSS2_BASE_RC_NO_CONNECTION)
            return ATTLS_E_TPM_UNREACHABLE;
        return ATTLS_E_TPM_COMMAND;
    default:
        return ATTLS_E_TPM_COMMAND;
    }
}
