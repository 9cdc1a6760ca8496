/* SPDX-License-Identifier: Apache-2.0 */
#include "emu_tpm.h"

#include <string.h>

#include <tss2/tss2_mu.h>

#include "common/bytes.h"
#include "emu_util.h"
#include "evidence/tpm_attest.h"

int emu_tpm_pub_load(const char *path, TPMT_PUBLIC *pub)
{
    attls_status st;
    attls_buf buf;
    attls_code rc;

    if (attls_read_file(path, 4096, &buf) != 0) {
        emu_err("cannot read the public area %s", path);
        return -1;
    }
    attls_status_clear(&st);
    rc = attls_tpm_public_parse(buf.data, buf.len, pub, &st);
    attls_buf_free(&buf);
    if (rc != ATTLS_OK) {
        emu_err("%s: %s", path, st.message);
        return -1;
    }
    return 0;
}

int emu_gce_ak_template(int ecc, uint8_t *buf, size_t cap, size_t *len)
{
    TPMT_PUBLIC t;
    TSS2_RC rc;

    memset(&t, 0, sizeof(t));
    t.nameAlg = TPM2_ALG_SHA256;
    /* fixedTPM|fixedParent|sensitiveDataOrigin|userWithAuth|restricted|sign */
    t.objectAttributes = 0x00050072;
    if (ecc) {
        t.type = TPM2_ALG_ECC;
        t.parameters.eccDetail.symmetric.algorithm = TPM2_ALG_NULL;
        t.parameters.eccDetail.scheme.scheme = TPM2_ALG_ECDSA;
        t.parameters.eccDetail.scheme.details.ecdsa.hashAlg = TPM2_ALG_SHA256;
        t.parameters.eccDetail.curveID = TPM2_ECC_NIST_P256;
        t.parameters.eccDetail.kdf.scheme = TPM2_ALG_NULL;
        t.unique.ecc.x.size = 32;
        t.unique.ecc.y.size = 32;
    } else {
        t.type = TPM2_ALG_RSA;
        t.parameters.rsaDetail.symmetric.algorithm = TPM2_ALG_NULL;
        t.parameters.rsaDetail.scheme.scheme = TPM2_ALG_RSASSA;
        t.parameters.rsaDetail.scheme.details.rsassa.hashAlg = TPM2_ALG_SHA256;
        t.parameters.rsaDetail.keyBits = 2048;
        t.parameters.rsaDetail.exponent = 0;
        t.unique.rsa.size = 256;
    }
    *len = 0;
    rc = Tss2_MU_TPMT_PUBLIC_Marshal(&t, buf, cap, len);
    if (rc != TSS2_RC_SUCCESS) {
        emu_err("cannot marshal the GCE AK template");
        return -1;
    }
    return 0;
}

int emu_tpm_parse_hdr(const uint8_t *buf, size_t len, emu_tpm_hdr *h)
{
    size_t off = 0;

    if (Tss2_MU_UINT16_Unmarshal(buf, len, &off, &h->tag) != TSS2_RC_SUCCESS ||
        Tss2_MU_UINT32_Unmarshal(buf, len, &off, &h->size) != TSS2_RC_SUCCESS ||
        Tss2_MU_UINT32_Unmarshal(buf, len, &off, &h->code) != TSS2_RC_SUCCESS)
        return -1;
    return 0;
}

int emu_tpm_read_frame(int fd, uint8_t *buf, size_t cap, size_t *len)
{
    emu_tpm_hdr h;
    int rc = emu_read_exact(fd, buf, EMU_TPM_HEADER);

    if (rc <= 0) {
        if (rc < 0)
            emu_err("truncated TPM frame header");
        return rc;
    }
    if (emu_tpm_parse_hdr(buf, EMU_TPM_HEADER, &h) != 0 ||
        h.size < EMU_TPM_HEADER || h.size > cap) {
        emu_err("TPM frame of %u bytes (at most %zu)", h.size, cap);
        return -1;
    }
    if (h.size > EMU_TPM_HEADER &&
        emu_read_exact(fd, buf + EMU_TPM_HEADER, h.size - EMU_TPM_HEADER) !=
            1) {
        emu_err("truncated TPM frame (%u bytes announced)", h.size);
        return -1;
    }
    *len = h.size;
    return 1;
}

int emu_tpm_transact(int fd, const uint8_t *cmd, size_t cmd_len, uint8_t *rsp,
                     size_t cap, size_t *rsp_len, uint32_t *rc)
{
    emu_tpm_hdr h;

    if (emu_write_all(fd, cmd, cmd_len) != 0) {
        emu_err("cannot send a command to the TPM");
        return -1;
    }
    if (emu_tpm_read_frame(fd, rsp, cap, rsp_len) != 1 ||
        emu_tpm_parse_hdr(rsp, *rsp_len, &h) != 0) {
        emu_err("no response from the TPM");
        return -1;
    }
    *rc = h.code;
    return 0;
}

/* Command with handles and one password session; @p params appended. */
static int build_pw_cmd(uint32_t code, const uint32_t *handles, int nh,
                        const uint8_t *auth, size_t auth_len,
                        const uint8_t *params, size_t plen, uint8_t *out,
                        size_t cap, size_t *len)
{
    TPMS_AUTH_COMMAND ac;
    size_t off = EMU_TPM_HEADER, auth_start, auth_end;
    TSS2_RC rc = TSS2_RC_SUCCESS;

    memset(&ac, 0, sizeof(ac));
    if (auth_len > sizeof(ac.hmac.buffer))
        return -1;
    ac.sessionHandle = TPM2_RS_PW;
    ac.sessionAttributes = TPMA_SESSION_CONTINUESESSION;
    ac.hmac.size = (UINT16)auth_len;
    if (auth_len > 0)
        memcpy(ac.hmac.buffer, auth, auth_len);
    for (int i = 0; i < nh && rc == TSS2_RC_SUCCESS; i++)
        rc = Tss2_MU_UINT32_Marshal(handles[i], out, cap, &off);
    auth_start = off + 4;
    off = auth_start;
    if (rc == TSS2_RC_SUCCESS)
        rc = Tss2_MU_TPMS_AUTH_COMMAND_Marshal(&ac, out, cap, &off);
    auth_end = off;
    if (rc != TSS2_RC_SUCCESS || off + plen > cap)
        return -1;
    memcpy(out + off, params, plen);
    off += plen;
    *len = off;
    {
        size_t o = auth_start - 4, h = 0;

        Tss2_MU_UINT32_Marshal((UINT32)(auth_end - auth_start), out, cap, &o);
        Tss2_MU_UINT16_Marshal(TPM2_ST_SESSIONS, out, cap, &h);
        Tss2_MU_UINT32_Marshal((UINT32)off, out, cap, &h);
        Tss2_MU_UINT32_Marshal(code, out, cap, &h);
    }
    OPENSSL_cleanse(&ac, sizeof(ac));
    return 0;
}

int emu_tpm_cmd_nv_read(uint32_t auth_handle, uint32_t index,
                        const uint8_t *auth, size_t auth_len, uint16_t size,
                        uint16_t offset, uint8_t *out, size_t cap, size_t *len)
{
    const uint32_t handles[2] = {auth_handle, index};
    uint8_t params[4];
    size_t off = 0;

    Tss2_MU_UINT16_Marshal(size, params, sizeof(params), &off);
    Tss2_MU_UINT16_Marshal(offset, params, sizeof(params), &off);
    if (build_pw_cmd(TPM2_CC_NV_Read, handles, 2, auth, auth_len, params, off,
                     out, cap, len) != 0) {
        emu_err("cannot marshal TPM2_NV_Read");
        return -1;
    }
    return 0;
}

int emu_tpm_cmd_nv_read_public(uint32_t index, uint8_t *out, size_t cap,
                               size_t *len)
{
    size_t off = 0;

    if (Tss2_MU_UINT16_Marshal(TPM2_ST_NO_SESSIONS, out, cap, &off) ||
        Tss2_MU_UINT32_Marshal(14, out, cap, &off) ||
        Tss2_MU_UINT32_Marshal(TPM2_CC_NV_ReadPublic, out, cap, &off) ||
        Tss2_MU_UINT32_Marshal(index, out, cap, &off)) {
        emu_err("cannot marshal TPM2_NV_ReadPublic");
        return -1;
    }
    *len = off;
    return 0;
}

int emu_tpm_parse_nv_read(const uint8_t *rsp, size_t len, const uint8_t **data,
                          uint16_t *data_len, size_t *auth_off)
{
    size_t off = EMU_TPM_HEADER;
    uint32_t psize;
    uint16_t n;

    if (Tss2_MU_UINT32_Unmarshal(rsp, len, &off, &psize) ||
        Tss2_MU_UINT16_Unmarshal(rsp, len, &off, &n) || n > len - off ||
        psize != 2u + n) {
        emu_err("malformed TPM2_NV_Read response");
        return -1;
    }
    *data = rsp + off;
    *data_len = n;
    *auth_off = off + n;
    return 0;
}

int emu_tpm_parse_nv_read_public(const uint8_t *rsp, size_t len,
                                 TPMS_NV_PUBLIC *pub)
{
    TPM2B_NV_PUBLIC p2b;
    size_t off = EMU_TPM_HEADER;

    memset(&p2b, 0, sizeof(p2b));
    if (Tss2_MU_TPM2B_NV_PUBLIC_Unmarshal(rsp, len, &off, &p2b)) {
        emu_err("malformed TPM2_NV_ReadPublic response");
        return -1;
    }
    *pub = p2b.nvPublic;
    return 0;
}

int emu_tpm_nv_name(const TPMS_NV_PUBLIC *pub, TPM2B_NAME *name)
{
    uint8_t buf[sizeof(TPMS_NV_PUBLIC)];
    size_t off = 0, n2 = 0;
    unsigned int dlen = 0;

    if (pub->nameAlg != TPM2_ALG_SHA256 ||
        Tss2_MU_TPMS_NV_PUBLIC_Marshal(pub, buf, sizeof(buf), &off) ||
        Tss2_MU_UINT16_Marshal(TPM2_ALG_SHA256, name->name, sizeof(name->name),
                               &n2) ||
        EVP_Digest(buf, off, name->name + 2, &dlen, EVP_sha256(), NULL) != 1) {
        emu_err("cannot compute the name of NV index 0x%08x", pub->nvIndex);
        return -1;
    }
    name->size = (UINT16)(2 + dlen);
    return 0;
}

int emu_tpm_create_primary_ek(int fd, const uint8_t *tmpl, size_t tmpl_len,
                              TPM2B_PUBLIC *out)
{
    static const uint32_t hierarchy = TPM2_RH_ENDORSEMENT;
    uint8_t params[1024], cmd[EMU_TPM_MAX_FRAME], rsp[EMU_TPM_MAX_FRAME];
    size_t off = 0, clen, rlen;
    uint32_t rc, handle, psize;

    /* inSensitive (empty), inPublic, outsideInfo, creationPCR (none) */
    if (tmpl_len > sizeof(params) - 16 ||
        Tss2_MU_UINT16_Marshal(4, params, sizeof(params), &off) ||
        Tss2_MU_UINT32_Marshal(0, params, sizeof(params), &off) ||
        Tss2_MU_UINT16_Marshal((UINT16)tmpl_len, params, sizeof(params), &off))
        return -1;
    memcpy(params + off, tmpl, tmpl_len);
    off += tmpl_len;
    if (Tss2_MU_UINT16_Marshal(0, params, sizeof(params), &off) ||
        Tss2_MU_UINT32_Marshal(0, params, sizeof(params), &off) ||
        build_pw_cmd(TPM2_CC_CreatePrimary, &hierarchy, 1, NULL, 0, params, off,
                     cmd, sizeof(cmd), &clen) != 0 ||
        emu_tpm_transact(fd, cmd, clen, rsp, sizeof(rsp), &rlen, &rc) != 0)
        return -1;
    if (rc != 0) {
        emu_err("TPM2_CreatePrimary failed: 0x%x", rc);
        return -1;
    }
    off = EMU_TPM_HEADER;
    memset(out, 0, sizeof(*out));
    if (Tss2_MU_UINT32_Unmarshal(rsp, rlen, &off, &handle) ||
        Tss2_MU_UINT32_Unmarshal(rsp, rlen, &off, &psize) ||
        Tss2_MU_TPM2B_PUBLIC_Unmarshal(rsp, rlen, &off, out)) {
        emu_err("malformed TPM2_CreatePrimary response");
        return -1;
    }
    off = 0;
    if (Tss2_MU_UINT16_Marshal(TPM2_ST_NO_SESSIONS, cmd, sizeof(cmd), &off) ||
        Tss2_MU_UINT32_Marshal(14, cmd, sizeof(cmd), &off) ||
        Tss2_MU_UINT32_Marshal(TPM2_CC_FlushContext, cmd, sizeof(cmd), &off) ||
        Tss2_MU_UINT32_Marshal(handle, cmd, sizeof(cmd), &off) ||
        emu_tpm_transact(fd, cmd, off, rsp, sizeof(rsp), &rlen, &rc) != 0 ||
        rc != 0) {
        emu_err("cannot flush the primary key 0x%08x", handle);
        return -1;
    }
    return 0;
}
