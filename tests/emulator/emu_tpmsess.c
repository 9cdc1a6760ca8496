/* SPDX-License-Identifier: Apache-2.0 */
#include "emu_tpmsess.h"

#include <string.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <tss2/tss2_mu.h>

#include "emu_tpm.h"
#include "emu_util.h"
#include "evidence/tpm_internal.h"

int emu_cc_table_load(int fd, emu_cc_table *t)
{
    uint8_t cmd[32], rsp[EMU_TPM_MAX_FRAME];
    uint32_t next = TPM2_CC_FIRST, rc;
    TPMI_YES_NO more = TPM2_YES;
    size_t off, rlen;

    t->n = 0;
    while (more == TPM2_YES && t->n < TPM2_MAX_CAP_CC) {
        TPMS_CAPABILITY_DATA cap;

        off = 0;
        if (Tss2_MU_UINT16_Marshal(TPM2_ST_NO_SESSIONS, cmd, sizeof(cmd),
                                   &off) ||
            Tss2_MU_UINT32_Marshal(22, cmd, sizeof(cmd), &off) ||
            Tss2_MU_UINT32_Marshal(TPM2_CC_GetCapability, cmd, sizeof(cmd),
                                   &off) ||
            Tss2_MU_UINT32_Marshal(TPM2_CAP_COMMANDS, cmd, sizeof(cmd), &off) ||
            Tss2_MU_UINT32_Marshal(next, cmd, sizeof(cmd), &off) ||
            Tss2_MU_UINT32_Marshal(TPM2_MAX_CAP_CC, cmd, sizeof(cmd), &off) ||
            emu_tpm_transact(fd, cmd, off, rsp, sizeof(rsp), &rlen, &rc) != 0)
            return -1;
        off = EMU_TPM_HEADER;
        if (rc != 0 || Tss2_MU_BYTE_Unmarshal(rsp, rlen, &off, &more) ||
            Tss2_MU_TPMS_CAPABILITY_DATA_Unmarshal(rsp, rlen, &off, &cap) ||
            cap.capability != TPM2_CAP_COMMANDS) {
            emu_err("TPM2_GetCapability(COMMANDS) failed (rc 0x%x)", rc);
            return -1;
        }
        for (uint32_t i = 0;
             i < cap.data.command.count && t->n < TPM2_MAX_CAP_CC; i++)
            t->cca[t->n++] = cap.data.command.commandAttributes[i];
        if (cap.data.command.count == 0)
            break;
        next = (cap.data.command.commandAttributes[cap.data.command.count - 1] &
                TPMA_CC_COMMANDINDEX_MASK) +
               1;
    }
    return 0;
}

static const TPMA_CC *lookup(const emu_cc_table *t, uint32_t code)
{
    for (size_t i = 0; i < t->n; i++)
        if ((t->cca[i] & TPMA_CC_COMMANDINDEX_MASK) == (code & 0xFFFF) &&
            ((t->cca[i] & TPMA_CC_V) != 0) == ((code & 0x20000000) != 0))
            return &t->cca[i];
    return NULL;
}

int emu_cmd_parse(const emu_cc_table *t, const uint8_t *buf, size_t len,
                  emu_cmd *c)
{
    const TPMA_CC *a;
    size_t off = 0, end;
    uint32_t size, auth_size;

    memset(c, 0, sizeof(*c));
    if (Tss2_MU_UINT16_Unmarshal(buf, len, &off, &c->tag) ||
        Tss2_MU_UINT32_Unmarshal(buf, len, &off, &size) || size != len ||
        Tss2_MU_UINT32_Unmarshal(buf, len, &off, &c->code) ||
        (a = lookup(t, c->code)) == NULL)
        return -1;
    c->n_handles =
        (int)((*a & TPMA_CC_CHANDLES_MASK) >> TPMA_CC_CHANDLES_SHIFT);
    c->rhandle = (*a & TPMA_CC_RHANDLE) != 0;
    if (c->n_handles > 3)
        return -1;
    for (int i = 0; i < c->n_handles; i++)
        if (Tss2_MU_UINT32_Unmarshal(buf, len, &off, &c->handles[i]))
            return -1;
    if (c->tag == TPM2_ST_SESSIONS) {
        if (Tss2_MU_UINT32_Unmarshal(buf, len, &off, &auth_size) ||
            auth_size > len - off)
            return -1;
        end = off + auth_size;
        while (off < end) {
            if (c->n_auths == EMU_MAX_AUTHS ||
                Tss2_MU_TPMS_AUTH_COMMAND_Unmarshal(buf, end, &off,
                                                    &c->auth[c->n_auths++]))
                return -1;
        }
    } else if (c->tag != TPM2_ST_NO_SESSIONS) {
        return -1;
    }
    c->params = buf + off;
    c->params_len = len - off;
    return 0;
}

int emu_rsp_parse(const emu_cmd *c, const uint8_t *buf, size_t len, emu_rsp *r)
{
    size_t off = 0;
    uint32_t size, psize;

    memset(r, 0, sizeof(*r));
    if (Tss2_MU_UINT16_Unmarshal(buf, len, &off, &r->tag) ||
        Tss2_MU_UINT32_Unmarshal(buf, len, &off, &size) || size != len ||
        Tss2_MU_UINT32_Unmarshal(buf, len, &off, &r->rc))
        return -1;
    if (r->rc != 0)
        return 0;
    if (c->rhandle) {
        if (Tss2_MU_UINT32_Unmarshal(buf, len, &off, &r->handle))
            return -1;
        r->n_handles = 1;
    }
    if (r->tag != TPM2_ST_SESSIONS) {
        r->params = buf + off;
        r->params_len = len - off;
        return 0;
    }
    if (Tss2_MU_UINT32_Unmarshal(buf, len, &off, &psize) || psize > len - off)
        return -1;
    r->params = buf + off;
    r->params_len = psize;
    off += psize;
    for (int i = 0; i < c->n_auths; i++)
        if (Tss2_MU_TPMS_AUTH_RESPONSE_Unmarshal(buf, len, &off,
                                                 &r->auth[r->n_auths++]))
            return -1;
    return off == len ? 0 : -1;
}

emu_session *emu_sessions_find(emu_sessions *ss, uint32_t handle)
{
    for (int i = 0; i < EMU_MAX_SESSIONS; i++)
        if (ss->s[i].handle == handle && handle != 0)
            return &ss->s[i];
    return NULL;
}

static void drop(emu_sessions *ss, uint32_t handle)
{
    emu_session *s = emu_sessions_find(ss, handle);

    if (s != NULL)
        memset(s, 0, sizeof(*s));
}

static void started(emu_sessions *ss, const emu_cmd *c, const emu_rsp *r)
{
    TPM2B_NONCE caller;
    TPM2B_ENCRYPTED_SECRET salt;
    TPM2_SE type;
    TPMT_SYM_DEF sym;
    TPMI_ALG_HASH hash;
    TPM2B_NONCE nonce_tpm;
    size_t off = 0, roff = 0;
    emu_session *s;

    if (Tss2_MU_TPM2B_NONCE_Unmarshal(c->params, c->params_len, &off,
                                      &caller) ||
        Tss2_MU_TPM2B_ENCRYPTED_SECRET_Unmarshal(c->params, c->params_len, &off,
                                                 &salt) ||
        Tss2_MU_TPM2_SE_Unmarshal(c->params, c->params_len, &off, &type) ||
        Tss2_MU_TPMT_SYM_DEF_Unmarshal(c->params, c->params_len, &off, &sym) ||
        Tss2_MU_UINT16_Unmarshal(c->params, c->params_len, &off, &hash) ||
        Tss2_MU_TPM2B_NONCE_Unmarshal(r->params, r->params_len, &roff,
                                      &nonce_tpm))
        return;
    drop(ss, r->handle); /* a handle is reused once its session ended */
    s = NULL;
    for (int i = 0; s == NULL && i < EMU_MAX_SESSIONS; i++)
        if (ss->s[i].handle == 0)
            s = &ss->s[i];
    if (s == NULL)
        return;
    s->handle = r->handle;
    s->hash = hash;
    s->key_empty =
        c->handles[0] == TPM2_RH_NULL && c->handles[1] == TPM2_RH_NULL;
    s->nonce_tpm = nonce_tpm;
}

void emu_sessions_observe(emu_sessions *ss, const emu_cmd *c, const emu_rsp *r)
{
    if (r->rc != 0)
        return; /* a failed command leaves the sessions as they were */
    if (c->code == TPM2_CC_StartAuthSession && r->n_handles == 1) {
        started(ss, c, r);
        return;
    }
    if (c->code == TPM2_CC_FlushContext && c->params_len == 4) {
        size_t off = 0;
        uint32_t h;

        if (Tss2_MU_UINT32_Unmarshal(c->params, 4, &off, &h) == 0)
            drop(ss, h);
        return;
    }
    for (int i = 0; i < c->n_auths && i < r->n_auths; i++) {
        emu_session *s = emu_sessions_find(ss, c->auth[i].sessionHandle);

        if (s == NULL)
            continue;
        if (!(r->auth[i].sessionAttributes & TPMA_SESSION_CONTINUESESSION))
            drop(ss, s->handle);
        else
            s->nonce_tpm = r->auth[i].nonce;
    }
}

size_t emu_param_hash(TPMI_ALG_HASH alg, int response, uint32_t code,
                      const TPM2B_NAME *names, int n_names,
                      const uint8_t *params, size_t len, uint8_t *out)
{
    const EVP_MD *md = attls_tpm_hash_md(alg);
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    uint8_t be[8];
    size_t off = 0;
    unsigned int n = 0;
    int ok;

    if (response)
        Tss2_MU_UINT32_Marshal(0, be, sizeof(be), &off);
    Tss2_MU_UINT32_Marshal(code, be, sizeof(be), &off);
    ok = md != NULL && ctx != NULL && EVP_DigestInit_ex(ctx, md, NULL) &&
         EVP_DigestUpdate(ctx, be, off);
    for (int i = 0; ok && i < n_names; i++)
        ok = EVP_DigestUpdate(ctx, names[i].name, names[i].size);
    ok = ok && EVP_DigestUpdate(ctx, params, len) &&
         EVP_DigestFinal_ex(ctx, out, &n);
    EVP_MD_CTX_free(ctx);
    return ok ? n : 0;
}

size_t emu_session_hmac(TPMI_ALG_HASH alg, const uint8_t *phash,
                        size_t phash_len, const TPM2B_NONCE *newer,
                        const TPM2B_NONCE *older, uint8_t attrs, uint8_t *out)
{
    const EVP_MD *md = attls_tpm_hash_md(alg);
    uint8_t msg[64 + 2 * sizeof(TPMU_HA) + 1];
    unsigned int n = 0;
    size_t m = 0;

    if (md == NULL || phash_len > 64 || newer->size > sizeof(TPMU_HA) ||
        older->size > sizeof(TPMU_HA))
        return 0;
    memcpy(msg + m, phash, phash_len);
    m += phash_len;
    memcpy(msg + m, newer->buffer, newer->size);
    m += newer->size;
    memcpy(msg + m, older->buffer, older->size);
    m += older->size;
    msg[m++] = attrs;
    /* Key = sessionKey || authValue = empty || empty. */
    return HMAC(md, "", 0, msg, m, out, &n) != NULL ? n : 0;
}
