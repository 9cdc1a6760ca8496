/* SPDX-License-Identifier: Apache-2.0 */
#include "tpm/nv.h"

#include <string.h>

#include <openssl/crypto.h>

#include "tpm/connection.h"
#include "tpm/rc.h"

/* Chunk size when the TPM does not say (the TCG minimum is 512). */
#define NV_CHUNK_DEFAULT 512

/* TPM_RC_HANDLE (format 1, any handle or parameter number) from the TPM. */
static int is_missing(TSS2_RC rc)
{
    return (rc & TSS2_RC_LAYER_MASK) == TSS2_TPM_RC_LAYER &&
           (rc & TPM2_RC_FMT1) != 0 && (rc & 0x3F) == (TPM2_RC_HANDLE & 0x3F);
}

static attls_code tpm_fail(attls_status *st, TSS2_RC rc, const char *cmd,
                           TPM2_HANDLE index, const char *what)
{
    return attls_fail(st, ATTLS_E_NV_ACCESS, "nv.command",
                      "%s of NV index 0x%08x (%s) failed: %s", cmd,
                      (unsigned)index, what, attls_tpm_rc_text(rc));
}

/* ESYS_TR of an NV index; @p rc_out the TSS2 result. */
static ESYS_TR open_index(ESYS_CONTEXT *esys, TPM2_HANDLE index,
                          TSS2_RC *rc_out)
{
    ESYS_TR tr = ESYS_TR_NONE;
    TSS2_RC rc;

    if (!attls_tpm_handle_exists(esys, index)) {
        *rc_out = TPM2_RC_HANDLE | TPM2_RC_1; /* as the TPM would say */
        return ESYS_TR_NONE;
    }
    for (int attempt = 0;; attempt++) {
        rc = Esys_TR_FromTPMPublic(esys, index, ESYS_TR_NONE, ESYS_TR_NONE,
                                   ESYS_TR_NONE, &tr);
        if (!attls_tpm_should_retry(rc, attempt))
            break;
    }
    *rc_out = rc;
    return rc == TSS2_RC_SUCCESS ? tr : ESYS_TR_NONE;
}

/* Why open_index() failed: the index is missing, or the TPM said no. */
static attls_code open_fail(attls_status *st, TSS2_RC rc, TPM2_HANDLE index,
                            const char *what)
{
    if (is_missing(rc))
        return attls_fail(st, ATTLS_E_NV_MISSING, "nv.missing",
                          "NV index 0x%08x (%s) is not defined",
                          (unsigned)index, what);
    return tpm_fail(st, rc, "opening", index, what);
}

static attls_code public_of(ESYS_CONTEXT *esys, ESYS_TR tr, TPM2_HANDLE index,
                            const char *what, TPMS_NV_PUBLIC *pub,
                            attls_status *st)
{
    TPM2B_NV_PUBLIC *p = NULL;
    TSS2_RC rc;

    for (int attempt = 0;; attempt++) {
        rc = Esys_NV_ReadPublic(esys, tr, ESYS_TR_NONE, ESYS_TR_NONE,
                                ESYS_TR_NONE, &p, NULL);
        if (!attls_tpm_should_retry(rc, attempt))
            break;
    }
    if (rc != TSS2_RC_SUCCESS)
        return tpm_fail(st, rc, "NV_ReadPublic", index, what);
    *pub = p->nvPublic;
    Esys_Free(p);
    return ATTLS_OK;
}

attls_code attls_nv_public(ESYS_CONTEXT *esys, TPM2_HANDLE index,
                           const char *what, TPMS_NV_PUBLIC *pub,
                           attls_status *st)
{
    TSS2_RC rc;
    ESYS_TR tr = open_index(esys, index, &rc);
    attls_code code;

    if (tr == ESYS_TR_NONE)
        return open_fail(st, rc, index, what);
    code = public_of(esys, tr, index, what, pub, st);
    Esys_TR_Close(esys, &tr);
    return code;
}

int attls_tpm_handle_exists(ESYS_CONTEXT *esys, TPM2_HANDLE handle)
{
    TPMS_CAPABILITY_DATA *cap = NULL;
    TSS2_RC rc;
    int found;

    for (int attempt = 0;; attempt++) {
        rc = Esys_GetCapability(esys, ESYS_TR_NONE, ESYS_TR_NONE, ESYS_TR_NONE,
                                TPM2_CAP_HANDLES, handle, 1, NULL, &cap);
        if (!attls_tpm_should_retry(rc, attempt))
            break;
    }
    found = rc == TSS2_RC_SUCCESS && cap->data.handles.count >= 1 &&
            cap->data.handles.handle[0] == handle;
    Esys_Free(cap);
    return found;
}

int attls_nv_exists(ESYS_CONTEXT *esys, TPM2_HANDLE index)
{
    return attls_tpm_handle_exists(esys, index);
}

static UINT32 nv_chunk(ESYS_CONTEXT *esys)
{
    TPMS_CAPABILITY_DATA *cap = NULL;
    UINT32 chunk = NV_CHUNK_DEFAULT;

    if (Esys_GetCapability(esys, ESYS_TR_NONE, ESYS_TR_NONE, ESYS_TR_NONE,
                           TPM2_CAP_TPM_PROPERTIES, TPM2_PT_NV_BUFFER_MAX, 1,
                           NULL, &cap) == TSS2_RC_SUCCESS &&
        cap->data.tpmProperties.count == 1 &&
        cap->data.tpmProperties.tpmProperty[0].property ==
            TPM2_PT_NV_BUFFER_MAX &&
        cap->data.tpmProperties.tpmProperty[0].value >= 64)
        chunk = cap->data.tpmProperties.tpmProperty[0].value;
    Esys_Free(cap);
    return chunk < TPM2_MAX_NV_BUFFER_SIZE ? chunk : TPM2_MAX_NV_BUFFER_SIZE;
}

static attls_code read_chunks(ESYS_CONTEXT *esys, ESYS_TR tr, ESYS_TR auth,
                              TPM2_HANDLE index, const char *what, uint8_t *buf,
                              UINT16 size, attls_status *st)
{
    UINT32 chunk = nv_chunk(esys);

    for (UINT16 off = 0; off < size;) {
        UINT32 left = (UINT32)size - off;
        UINT16 n = (UINT16)(left < chunk ? left : chunk);
        TPM2B_MAX_NV_BUFFER *data = NULL;
        TSS2_RC rc;

        for (int attempt = 0;; attempt++) {
            rc = Esys_NV_Read(esys, auth, tr, ESYS_TR_PASSWORD, ESYS_TR_NONE,
                              ESYS_TR_NONE, n, off, &data);
            if (!attls_tpm_should_retry(rc, attempt))
                break;
        }
        if (rc != TSS2_RC_SUCCESS)
            return tpm_fail(st, rc, "NV_Read", index, what);
        if (data->size != n) {
            Esys_Free(data);
            return attls_fail(st, ATTLS_E_NV_ACCESS, "nv.read",
                              "NV_Read of 0x%08x (%s) returned %u bytes for "
                              "%u",
                              (unsigned)index, what, (unsigned)data->size,
                              (unsigned)n);
        }
        memcpy(buf + off, data->buffer, n);
        Esys_Free(data);
        off = (UINT16)(off + n);
    }
    return ATTLS_OK;
}

attls_code attls_nv_read(ESYS_CONTEXT *esys, TPM2_HANDLE index,
                         const char *what, attls_buf *out, attls_status *st)
{
    TPMS_NV_PUBLIC pub;
    TSS2_RC rc;
    ESYS_TR tr, auth;
    attls_code code;

    out->data = NULL;
    out->len = 0;
    tr = open_index(esys, index, &rc);
    if (tr == ESYS_TR_NONE)
        return open_fail(st, rc, index, what);
    code = public_of(esys, tr, index, what, &pub, st);
    if (code == ATTLS_OK && pub.dataSize > ATTLS_NV_MAX_READ)
        code = attls_fail(st, ATTLS_E_NV_CONTENT, "nv.size",
                          "NV index 0x%08x (%s) holds %u bytes, more than %d",
                          (unsigned)index, what, (unsigned)pub.dataSize,
                          ATTLS_NV_MAX_READ);
    auth = (pub.attributes & TPMA_NV_OWNERREAD)  ? ESYS_TR_RH_OWNER
           : (pub.attributes & TPMA_NV_AUTHREAD) ? tr
                                                 : ESYS_TR_NONE;
    if (code == ATTLS_OK && auth == ESYS_TR_NONE)
        code = attls_fail(st, ATTLS_E_NV_ACCESS, "nv.attributes",
                          "NV index 0x%08x (%s) allows neither owner nor "
                          "auth reads (attributes 0x%08x)",
                          (unsigned)index, what, (unsigned)pub.attributes);
    if (code == ATTLS_OK) {
        out->data = OPENSSL_zalloc((size_t)pub.dataSize + 1);
        if (out->data == NULL)
            code =
                attls_fail(st, ATTLS_E_INTERNAL, "nv.alloc", "out of memory");
    }
    if (code == ATTLS_OK)
        code = read_chunks(esys, tr, auth, index, what, out->data, pub.dataSize,
                           st);
    Esys_TR_Close(esys, &tr);
    if (code == ATTLS_OK)
        out->len = pub.dataSize;
    else
        attls_buf_free(out);
    return code;
}

static attls_code define_owner(ESYS_CONTEXT *esys, TPM2_HANDLE index,
                               const char *what, UINT16 size, ESYS_TR *tr,
                               attls_status *st)
{
    TPM2B_AUTH auth = {0};
    TPM2B_NV_PUBLIC pub = {
        .nvPublic = {.nvIndex = index,
                     .nameAlg = TPM2_ALG_SHA256,
                     .attributes = TPMA_NV_OWNERREAD | TPMA_NV_OWNERWRITE,
                     .dataSize = size}};
    TSS2_RC rc;

    for (int attempt = 0;; attempt++) {
        rc = Esys_NV_DefineSpace(esys, ESYS_TR_RH_OWNER, ESYS_TR_PASSWORD,
                                 ESYS_TR_NONE, ESYS_TR_NONE, &auth, &pub, tr);
        if (!attls_tpm_should_retry(rc, attempt))
            break;
    }
    if (rc != TSS2_RC_SUCCESS)
        return tpm_fail(st, rc, "NV_DefineSpace", index, what);
    return ATTLS_OK;
}

/* Open the index for writing: define it, or redefine it at @p size. */
static attls_code writable_index(ESYS_CONTEXT *esys, TPM2_HANDLE index,
                                 const char *what, UINT16 size, ESYS_TR *tr,
                                 attls_status *st)
{
    TPMS_NV_PUBLIC pub;
    TSS2_RC rc;
    attls_code code;

    *tr = open_index(esys, index, &rc);
    if (*tr == ESYS_TR_NONE)
        return is_missing(rc) ? define_owner(esys, index, what, size, tr, st)
                              : tpm_fail(st, rc, "opening", index, what);
    code = public_of(esys, *tr, index, what, &pub, st);
    if (code != ATTLS_OK || pub.dataSize == size)
        return code;
    if (pub.attributes & TPMA_NV_PLATFORMCREATE) {
        Esys_TR_Close(esys, tr);
        return attls_fail(st, ATTLS_E_NV_ACCESS, "nv.size",
                          "NV index 0x%08x (%s) holds %u bytes, not %u, and "
                          "was defined by the platform",
                          (unsigned)index, what, (unsigned)pub.dataSize,
                          (unsigned)size);
    }
    rc = Esys_NV_UndefineSpace(esys, ESYS_TR_RH_OWNER, *tr, ESYS_TR_PASSWORD,
                               ESYS_TR_NONE, ESYS_TR_NONE);
    if (rc != TSS2_RC_SUCCESS) {
        Esys_TR_Close(esys, tr);
        return tpm_fail(st, rc, "NV_UndefineSpace", index, what);
    }
    *tr = ESYS_TR_NONE; /* UndefineSpace released the ESYS_TR */
    return define_owner(esys, index, what, size, tr, st);
}

attls_code attls_nv_write_owner(ESYS_CONTEXT *esys, TPM2_HANDLE index,
                                const char *what, const uint8_t *data,
                                size_t len, attls_status *st)
{
    TPM2B_MAX_NV_BUFFER buf = {0};
    ESYS_TR tr = ESYS_TR_NONE;
    TSS2_RC rc;
    attls_code code;

    if (len == 0 || len > sizeof(buf.buffer))
        return attls_fail(st, ATTLS_E_ARGUMENT, "nv.write",
                          "cannot write %zu bytes to NV index 0x%08x in one "
                          "command",
                          len, (unsigned)index);
    code = writable_index(esys, index, what, (UINT16)len, &tr, st);
    if (code != ATTLS_OK)
        return code;
    buf.size = (UINT16)len;
    memcpy(buf.buffer, data, len);
    for (int attempt = 0;; attempt++) {
        rc = Esys_NV_Write(esys, ESYS_TR_RH_OWNER, tr, ESYS_TR_PASSWORD,
                           ESYS_TR_NONE, ESYS_TR_NONE, &buf, 0);
        if (!attls_tpm_should_retry(rc, attempt))
            break;
    }
    Esys_TR_Close(esys, &tr);
    if (rc != TSS2_RC_SUCCESS)
        return tpm_fail(st, rc, "NV_Write", index, what);
    return ATTLS_OK;
}
