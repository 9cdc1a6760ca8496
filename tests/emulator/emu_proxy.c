/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The Azure paravisor in front of swtpm.
 *
 * A TCP proxy speaking swtpm's raw protocol (data port P, control port
 * P+1; tpm2-abrmd or any "swtpm:" TCTI connects to it instead of swtpm).
 * It forwards every command unchanged except those that touch the two
 * indices the paravisor owns and libtpms cannot hold at their Azure size
 * (libtpms limits NV indices to 2048 bytes):
 *
 *   0x01400001  attestation ("HCL") report, 2600 bytes
 *   0x01C101D0  AK certificate, 4096 bytes
 *
 * swtpm holds a 2048-byte "backing" index at each handle with the Azure
 * attributes and a secret auth value, so that they are listed, cannot be
 * written or undefined by the guest, and authorize reads exactly as the
 * real ones do. The proxy presents the Azure size in TPM2_NV_ReadPublic
 * (with the matching Name) and serves TPM2_NV_Read from its own copy after
 * swtpm has authorized the same read on the backing index.
 *
 * The data port (the control port is the next one) is written to
 * STATE_DIR/paravisor.port once both listen.
 *
 * Like OpenHCL (openvmm tpm_device refresh_device_attestation_data_on_nv_read)
 * it regenerates the report when a read of 0x01400001 starts (offset 0),
 * at most once per 2 s, from the 64 bytes of NV 0x01400002 (zeros when that
 * index is absent or unwritten).
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include <tss2/tss2_mu.h>

#include "emu_ctx.h"
#include "emu_hcl.h"
#include "emu_main.h"
#include "emu_tpm.h"
#include "emu_tpmsess.h"
#include "emu_util.h"

#define NV_REPORT 0x01400001u
#define NV_USER_DATA 0x01400002u
#define NV_AK_CERT 0x01C101D0u
#define AK_CERT_NV_SIZE 4096
#define NV_BUFFER_MAX 1024 /* TPM2_PT_NV_BUFFER_MAX of swtpm and Azure */
#define RENEW_PERIOD_NS 2000000000LL

#define RC_VALUE_P1 0x1C4u /* TPM_RC_VALUE + TPM_RC_P + TPM_RC_1 */
#define RC_NV_RANGE 0x146u
#define RC_AUTH_UNAVAILABLE 0x12Fu

typedef struct vindex {
    uint32_t handle;
    uint16_t size;
    uint8_t *content;
} vindex;

typedef struct proxy {
    emu_ctx ctx;
    uint16_t swtpm_port;
    TPMT_PUBLIC ak, ek;
    uint8_t report[EMU_HCL_NV_SIZE];
    uint8_t ak_cert[AK_CERT_NV_SIZE];
    vindex vidx[2];
    int renewed;
    struct timespec renewed_at;
    unsigned long renewals;
    emu_cc_table cc;
    emu_sessions sessions;
} proxy;

static vindex *find_vindex(proxy *px, uint32_t handle)
{
    for (size_t i = 0; i < sizeof(px->vidx) / sizeof(*px->vidx); i++)
        if (px->vidx[i].handle == handle)
            return &px->vidx[i];
    return NULL;
}

static int64_t elapsed_ns(const struct timespec *since)
{
    struct timespec now;

    clock_gettime(CLOCK_MONOTONIC, &now);
    return (int64_t)(now.tv_sec - since->tv_sec) * 1000000000LL +
           (now.tv_nsec - since->tv_nsec);
}

/* The guest's 64 bytes in NV 0x01400002, or zeros when it has none. */
static void read_user_data(int up, uint8_t user[64])
{
    uint8_t cmd[256], rsp[EMU_TPM_MAX_FRAME];
    size_t clen, rlen, auth_off;
    const uint8_t *data;
    TPMS_NV_PUBLIC pub;
    uint16_t dlen;
    uint32_t rc;

    memset(user, 0, 64);
    if (emu_tpm_cmd_nv_read_public(NV_USER_DATA, cmd, sizeof(cmd), &clen) ||
        emu_tpm_transact(up, cmd, clen, rsp, sizeof(rsp), &rlen, &rc))
        return;
    if (rc != 0) {
        emu_info("NV 0x%08x not defined (rc 0x%x): user-data zero",
                 NV_USER_DATA, rc);
        return;
    }
    if (emu_tpm_parse_nv_read_public(rsp, rlen, &pub) != 0)
        return;
    /* The paravisor reads the index as the platform; owner auth is empty. */
    if (emu_tpm_cmd_nv_read(TPM2_RH_OWNER, NV_USER_DATA, NULL, 0,
                            pub.dataSize < 64 ? pub.dataSize : 64, 0, cmd,
                            sizeof(cmd), &clen) ||
        emu_tpm_transact(up, cmd, clen, rsp, sizeof(rsp), &rlen, &rc))
        return;
    if (rc != 0) {
        emu_info("NV 0x%08x unreadable (rc 0x%x): user-data zero", NV_USER_DATA,
                 rc);
        return;
    }
    if (emu_tpm_parse_nv_read(rsp, rlen, &data, &dlen, &auth_off) == 0 &&
        dlen <= 64)
        memcpy(user, data, dlen);
}

static int renew_report(proxy *px, int up)
{
    uint8_t user[64];

    read_user_data(up, user);
    if (emu_hcl_report(&px->ctx, &px->ak, &px->ek, user, px->report) != 0) {
        emu_err("cannot regenerate the attestation report");
        return -1;
    }
    clock_gettime(CLOCK_MONOTONIC, &px->renewed_at);
    px->renewed = 1;
    px->renewals++;
    emu_info("attestation report regenerated (%lu)", px->renewals);
    return 0;
}

static void maybe_renew(proxy *px, int up)
{
    if (px->renewed && elapsed_ns(&px->renewed_at) <= RENEW_PERIOD_NS) {
        emu_info("attestation report renewal rate limited");
        return;
    }
    renew_report(px, up);
}

static int error_response(uint32_t rc, uint8_t *out, size_t *len)
{
    size_t off = 0;

    Tss2_MU_UINT16_Marshal(TPM2_ST_NO_SESSIONS, out, EMU_TPM_HEADER, &off);
    Tss2_MU_UINT32_Marshal(EMU_TPM_HEADER, out, EMU_TPM_HEADER, &off);
    Tss2_MU_UINT32_Marshal(rc, out, EMU_TPM_HEADER, &off);
    *len = off;
    return 0;
}

/* Send a command upstream and follow its sessions. */
static int upstream(proxy *px, int up, const uint8_t *cmd, size_t len,
                    uint8_t *rsp, size_t *rlen, emu_rsp *r)
{
    emu_cmd c;
    uint32_t rc;

    if (emu_tpm_transact(up, cmd, len, rsp, EMU_TPM_MAX_FRAME, rlen, &rc))
        return -1;
    memset(r, 0, sizeof(*r));
    r->rc = rc;
    if (emu_cmd_parse(&px->cc, cmd, len, &c) == 0 &&
        emu_rsp_parse(&c, rsp, *rlen, r) == 0)
        emu_sessions_observe(&px->sessions, &c, r);
    return 0;
}

/*
 * The public area of a virtual index: swtpm's backing index with the Azure
 * size. @p bname gets the backing index's Name, @p vname the presented one.
 */
static int virtual_public(proxy *px, int up, const vindex *v,
                          TPMS_NV_PUBLIC *pub, TPM2B_NAME *bname,
                          TPM2B_NAME *vname)
{
    uint8_t cmd[32], rsp[EMU_TPM_MAX_FRAME];
    size_t clen, rlen;
    emu_rsp r;

    if (emu_tpm_cmd_nv_read_public(v->handle, cmd, sizeof(cmd), &clen) ||
        upstream(px, up, cmd, clen, rsp, &rlen, &r) || r.rc != 0 ||
        emu_tpm_parse_nv_read_public(rsp, rlen, pub) != 0 ||
        emu_tpm_nv_name(pub, bname) != 0)
        return -1;
    pub->dataSize = v->size;
    return emu_tpm_nv_name(pub, vname);
}

/* Marshal a successful TPM2_NV_Read response carrying @p data. */
static size_t nv_read_response(const uint8_t *data, uint16_t n,
                               const uint8_t *auth, size_t auth_len,
                               uint8_t *out)
{
    size_t o = 0, total = EMU_TPM_HEADER + 4 + 2 + n + auth_len;

    Tss2_MU_UINT16_Marshal(TPM2_ST_SESSIONS, out, EMU_TPM_MAX_FRAME, &o);
    Tss2_MU_UINT32_Marshal((UINT32)total, out, EMU_TPM_MAX_FRAME, &o);
    Tss2_MU_UINT32_Marshal(0, out, EMU_TPM_MAX_FRAME, &o);
    Tss2_MU_UINT32_Marshal(2u + n, out, EMU_TPM_MAX_FRAME, &o);
    Tss2_MU_UINT16_Marshal(n, out, EMU_TPM_MAX_FRAME, &o);
    memcpy(out + o, data, n);
    memcpy(out + o + n, auth, auth_len);
    return total;
}

/* TPM2_NV_Read(size, offset) of @p handle with one prepared session. */
static int build_nv_read(uint32_t auth_handle, uint32_t handle,
                         const TPMS_AUTH_COMMAND *ac, uint16_t size,
                         uint16_t offset, uint8_t *out, size_t *len)
{
    size_t o = 0, a;

    if (Tss2_MU_UINT16_Marshal(TPM2_ST_SESSIONS, out, EMU_TPM_MAX_FRAME, &o) ||
        Tss2_MU_UINT32_Marshal(0, out, EMU_TPM_MAX_FRAME, &o) ||
        Tss2_MU_UINT32_Marshal(TPM2_CC_NV_Read, out, EMU_TPM_MAX_FRAME, &o) ||
        Tss2_MU_UINT32_Marshal(auth_handle, out, EMU_TPM_MAX_FRAME, &o) ||
        Tss2_MU_UINT32_Marshal(handle, out, EMU_TPM_MAX_FRAME, &o) ||
        Tss2_MU_UINT32_Marshal(0, out, EMU_TPM_MAX_FRAME, &o))
        return -1;
    a = o;
    if (Tss2_MU_TPMS_AUTH_COMMAND_Marshal(ac, out, EMU_TPM_MAX_FRAME, &o) ||
        Tss2_MU_UINT16_Marshal(size, out, EMU_TPM_MAX_FRAME, &o) ||
        Tss2_MU_UINT16_Marshal(offset, out, EMU_TPM_MAX_FRAME, &o))
        return -1;
    *len = o;
    o = 2;
    Tss2_MU_UINT32_Marshal((UINT32)*len, out, EMU_TPM_MAX_FRAME, &o);
    o = a - 4;
    Tss2_MU_UINT32_Marshal((UINT32)(*len - a - 4), out, EMU_TPM_MAX_FRAME, &o);
    return 0;
}

static int refuse(const vindex *v, const char *why, uint32_t rc, uint8_t *out,
                  size_t *out_len)
{
    emu_err("TPM2_NV_Read of 0x%08x refused: %s", v->handle, why);
    return error_response(rc, out, out_len);
}

/*
 * Serve TPM2_NV_Read of a virtual index. swtpm authorizes the same read on
 * the backing index (one byte at offset 0) with the guest's session: a
 * password session as sent, an HMAC session re-signed for the backing
 * index's Name; the answer carries the TPM's new nonce, so the session
 * stays in step for the guest's next command.
 */
static int serve_nv_read(proxy *px, int up, vindex *v, const emu_cmd *c,
                         uint8_t *out, size_t *out_len)
{
    TPMS_AUTH_COMMAND probe_auth = c->auth[0];
    const TPMS_AUTH_COMMAND *ca = &c->auth[0];
    uint8_t probe[EMU_TPM_MAX_FRAME], rsp[EMU_TPM_MAX_FRAME];
    uint8_t auth[2 + sizeof(TPMU_HA) + 1 + 2 + sizeof(TPMU_HA)];
    uint8_t ph[64], mac[64];
    TPM2B_NAME names[2], bname;
    TPMS_NV_PUBLIC pub;
    TPMS_AUTH_RESPONSE ra;
    emu_session *s = NULL;
    uint16_t size, offset;
    size_t plen, rlen, alen = 0, o = 0, n;
    emu_rsp r;

    if (c->n_auths != 1 || c->params_len != 4)
        return refuse(v, "exactly one authorization session is supported",
                      RC_AUTH_UNAVAILABLE, out, out_len);
    Tss2_MU_UINT16_Unmarshal(c->params, 4, &o, &size);
    Tss2_MU_UINT16_Unmarshal(c->params, 4, &o, &offset);
    if (ca->sessionHandle != TPM2_RS_PW) {
        s = emu_sessions_find(&px->sessions, ca->sessionHandle);
        if (s == NULL || !s->key_empty)
            return refuse(v, "bound or salted session (key unknown)",
                          RC_AUTH_UNAVAILABLE, out, out_len);
        if (c->handles[0] != TPM2_RH_OWNER)
            return refuse(v, "HMAC sessions only for owner authorization",
                          RC_AUTH_UNAVAILABLE, out, out_len);
        if (ca->sessionAttributes &
            (TPMA_SESSION_ENCRYPT | TPMA_SESSION_DECRYPT | TPMA_SESSION_AUDIT))
            return refuse(v, "encrypt/decrypt/audit session attributes",
                          RC_AUTH_UNAVAILABLE, out, out_len);
    }
    /* Range errors first: a failed command must not advance a session. */
    if (size > NV_BUFFER_MAX)
        return error_response(RC_VALUE_P1, out, out_len);
    if ((uint32_t)offset + size > v->size)
        return error_response(RC_NV_RANGE, out, out_len);
    if (v->handle == NV_REPORT && offset == 0)
        maybe_renew(px, up);
    if (virtual_public(px, up, v, &pub, &bname, &names[1]) != 0)
        return -1;
    o = 0;
    names[0].size = 4;
    Tss2_MU_UINT32_Marshal(c->handles[0], names[0].name, 4, &o);
    if (s != NULL) {
        /* The guest's HMAC must verify with an empty owner auth. */
        n = emu_param_hash(s->hash, 0, TPM2_CC_NV_Read, names, 2, c->params, 4,
                           ph);
        if (n == 0 ||
            emu_session_hmac(s->hash, ph, n, &ca->nonce, &s->nonce_tpm,
                             ca->sessionAttributes, mac) != ca->hmac.size ||
            memcmp(mac, ca->hmac.buffer, ca->hmac.size) != 0)
            return refuse(v, "session HMAC does not verify (owner auth set?)",
                          0x98E /* TPM_RC_AUTH_FAIL, session 1 */, out,
                          out_len);
        names[1] = bname;
        n = emu_param_hash(s->hash, 0, TPM2_CC_NV_Read, names, 2,
                           (const uint8_t *)"\x00\x01\x00\x00", 4, ph);
        if (n == 0 || (probe_auth.hmac.size = (UINT16)emu_session_hmac(
                           s->hash, ph, n, &ca->nonce, &s->nonce_tpm,
                           ca->sessionAttributes, probe_auth.hmac.buffer)) == 0)
            return -1;
    }
    if (build_nv_read(c->handles[0], v->handle, &probe_auth, 1, 0, probe,
                      &plen) != 0 ||
        upstream(px, up, probe, plen, rsp, &rlen, &r) != 0)
        return -1;
    if (r.rc != 0) {
        memcpy(out, rsp, rlen);
        *out_len = rlen;
        return 0;
    }
    if (r.n_auths != 1)
        return -1;
    ra = r.auth[0];
    if (s != NULL) {
        uint8_t params[2 + NV_BUFFER_MAX];

        params[0] = (uint8_t)(size >> 8);
        params[1] = (uint8_t)size;
        memcpy(params + 2, v->content + offset, size);
        n = emu_param_hash(s->hash, 1, TPM2_CC_NV_Read, NULL, 0, params,
                           2u + size, ph);
        ra.hmac.size =
            (UINT16)emu_session_hmac(s->hash, ph, n, &ra.nonce, &ca->nonce,
                                     ra.sessionAttributes, ra.hmac.buffer);
        if (n == 0 || ra.hmac.size == 0)
            return -1;
    }
    if (Tss2_MU_TPMS_AUTH_RESPONSE_Marshal(&ra, auth, sizeof(auth), &alen))
        return -1;
    *out_len = nv_read_response(v->content + offset, size, auth, alen, out);
    return 0;
}

/* TPM2_NV_ReadPublic of a virtual index: the Azure size and its Name. */
static int rewrite_read_public(vindex *v, uint8_t *rsp, size_t *len)
{
    TPM2B_NV_PUBLIC p2b;
    TPM2B_NAME name;
    emu_tpm_hdr h;
    size_t off = 0;

    if (emu_tpm_parse_hdr(rsp, *len, &h) != 0 || h.code != 0)
        return 0; /* errors pass through */
    memset(&p2b, 0, sizeof(p2b));
    if (emu_tpm_parse_nv_read_public(rsp, *len, &p2b.nvPublic) != 0)
        return -1;
    p2b.nvPublic.dataSize = v->size;
    if (emu_tpm_nv_name(&p2b.nvPublic, &name) != 0)
        return -1;
    off = EMU_TPM_HEADER;
    if (Tss2_MU_TPM2B_NV_PUBLIC_Marshal(&p2b, rsp, EMU_TPM_MAX_FRAME, &off) ||
        Tss2_MU_TPM2B_NAME_Marshal(&name, rsp, EMU_TPM_MAX_FRAME, &off))
        return -1;
    *len = off;
    off = 2;
    Tss2_MU_UINT32_Marshal((UINT32)*len, rsp, EMU_TPM_MAX_FRAME, &off);
    return 0;
}

/* One command of the guest: @retval 0 answered, -1 connection broken. */
static int handle_command(proxy *px, int client, int up, const uint8_t *cmd,
                          size_t len)
{
    uint8_t rsp[EMU_TPM_MAX_FRAME];
    size_t rlen = 0;
    vindex *v = NULL;
    emu_cmd c;
    emu_rsp r;

    if (emu_cmd_parse(&px->cc, cmd, len, &c) == 0) {
        if (c.code == TPM2_CC_NV_Read && c.n_handles == 2)
            v = find_vindex(px, c.handles[1]);
        else if (c.code == TPM2_CC_NV_ReadPublic && c.n_handles == 1)
            v = find_vindex(px, c.handles[0]);
    }
    if (v != NULL && c.code == TPM2_CC_NV_Read) {
        if (serve_nv_read(px, up, v, &c, rsp, &rlen) != 0)
            return -1;
    } else {
        if (upstream(px, up, cmd, len, rsp, &rlen, &r) != 0)
            return -1;
        /* With sessions the response is HMAC-protected: leave it alone. */
        if (v != NULL && c.tag == TPM2_ST_NO_SESSIONS &&
            rewrite_read_public(v, rsp, &rlen) != 0)
            return -1;
    }
    return emu_write_all(client, rsp, rlen) == 0 ? 0 : -1;
}

static void serve_data_client(proxy *px, int client)
{
    uint8_t cmd[EMU_TPM_MAX_FRAME];
    struct timeval tv = {.tv_sec = 60};
    size_t len;
    int up = emu_tcp_connect(px->swtpm_port);

    if (up < 0)
        return;
    setsockopt(client, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    setsockopt(up, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    while (emu_tpm_read_frame(client, cmd, sizeof(cmd), &len) == 1)
        if (handle_command(px, client, up, cmd, len) != 0)
            break;
    close(up);
}

/* The control channel carries no attestation state: relay it as is. */
static void relay_ctrl_client(proxy *px, int client)
{
    int up = emu_tcp_connect((uint16_t)(px->swtpm_port + 1));
    struct pollfd p[2] = {{.fd = client, .events = POLLIN},
                          {.fd = up, .events = POLLIN}};
    uint8_t buf[4096];

    while (up >= 0 && poll(p, 2, 60000) > 0) {
        for (int i = 0; i < 2; i++) {
            ssize_t n;

            if (!(p[i].revents & (POLLIN | POLLHUP | POLLERR)))
                continue;
            n = read(p[i].fd, buf, sizeof(buf));
            if (n <= 0 || emu_write_all(p[1 - i].fd, buf, (size_t)n) != 0)
                goto end;
        }
    }
end:
    if (up >= 0)
        close(up);
}

static int load_state(proxy *px, const char *dir)
{
    char path[4096];
    attls_buf cert = {0};
    int up;

    if (emu_ctx_load(dir, &px->ctx) != 0)
        return -1;
    if (!emu_platform_is_azure(px->ctx.platform)) {
        emu_err("the vTPM proxy emulates the Azure paravisor; %s has none",
                emu_platform_name(px->ctx.platform));
        return -1;
    }
    if (emu_path(path, sizeof(path), px->ctx.dir, "tpm/ak.pub") != 0 ||
        emu_tpm_pub_load(path, &px->ak) != 0 ||
        emu_path(path, sizeof(path), px->ctx.dir, "tpm/ek.pub") != 0 ||
        emu_tpm_pub_load(path, &px->ek) != 0 ||
        emu_path(path, sizeof(path), px->ctx.dir, "tpm") != 0 ||
        emu_read_file(path, "ak-cert.der", AK_CERT_NV_SIZE, &cert))
        return -1;
    memcpy(px->ak_cert, cert.data, cert.len); /* zero padding follows */
    attls_buf_free(&cert);
    px->vidx[0] = (vindex){NV_REPORT, EMU_HCL_NV_SIZE, px->report};
    px->vidx[1] = (vindex){NV_AK_CERT, AK_CERT_NV_SIZE, px->ak_cert};

    /* The paravisor makes the first report at boot. */
    up = emu_tcp_connect(px->swtpm_port);
    if (up < 0)
        return -1;
    if (emu_cc_table_load(up, &px->cc) != 0 || renew_report(px, up) != 0) {
        close(up);
        return -1;
    }
    close(up);
    return 0;
}

int emu_cmd_proxy(int argc, char **argv)
{
    static proxy px;
    uint16_t listen_port;
    int fds[2], ld, lc;

    if (argc != 3) {
        emu_err("usage: attls-emu proxy STATE_DIR LISTEN_PORT|auto "
                "SWTPM_PORT");
        return 2;
    }
    if (emu_parse_listen_port(argv[1], &listen_port) != 0 ||
        emu_parse_port(argv[2], &px.swtpm_port) != 0 || listen_port == 65535 ||
        px.swtpm_port == 65535)
        return 2;
    signal(SIGPIPE, SIG_IGN);
    if (load_state(&px, argv[0]) != 0)
        return 1;
    if (listen_port == 0) {
        if (emu_tcp_listen_pair(&listen_port, fds) != 0)
            return 1;
    } else {
        uint16_t ctrl = (uint16_t)(listen_port + 1);

        fds[0] = emu_tcp_listen(&listen_port);
        fds[1] = emu_tcp_listen(&ctrl);
    }
    ld = fds[0];
    lc = fds[1];
    if (ld < 0 || lc < 0 ||
        emu_write_port_file(argv[0], "paravisor.port", listen_port) != 0)
        return 1;
    fprintf(stderr, "%s: serving 127.0.0.1:%u (control %u) for swtpm %u\n",
            emu_progname, listen_port, listen_port + 1, px.swtpm_port);
    for (;;) {
        struct pollfd p[2] = {{.fd = ld, .events = POLLIN},
                              {.fd = lc, .events = POLLIN}};
        int c;

        if (poll(p, 2, -1) < 0) {
            if (errno == EINTR)
                continue;
            emu_err("poll: %s", strerror(errno));
            return 1;
        }
        /* One connection at a time, as swtpm itself serves them. */
        if (p[1].revents & POLLIN) {
            c = accept(lc, NULL, NULL);
            if (c >= 0) {
                relay_ctrl_client(&px, c);
                close(c);
            }
        }
        if (p[0].revents & POLLIN) {
            c = accept(ld, NULL, NULL);
            if (c >= 0) {
                serve_data_client(&px, c);
                close(c);
            }
        }
    }
}
