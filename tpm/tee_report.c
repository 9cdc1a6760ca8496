/* SPDX-License-Identifier: Apache-2.0 */
#include "tpm/tee_report.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <linux/sev-guest.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "common/log.h"

/* configfs-tsm: tries before giving up on a generation race. */
#define TSM_TRIES 3
/* SNP firmware message: status, report_size, 24 reserved, report. */
#define SNP_RESP_REPORT_OFFSET 32
#define TDX_TDREPORT_LEN 1024
#define TDX_QUOTE_BUF_LEN (16 * 1024)

/*
 * /dev/tdx_guest: TDX_CMD_GET_REPORT0 is mainline (Linux 6.2+); the
 * GET_QUOTE ioctl and its header are the ABI of the distribution kernels
 * that google/go-tdx-guest drives. Debian's headers predate both.
 */
struct tdx_report_req {
    uint8_t reportdata[ATTLS_REPORT_DATA_LEN];
    uint8_t tdreport[TDX_TDREPORT_LEN];
};
struct tdx_quote_req {
    uint64_t buf;
    uint64_t len;
};
struct tdx_quote_hdr {
    uint64_t version;
    uint64_t status;
    uint32_t in_len;
    uint32_t out_len;
    uint8_t data[];
};
#define TDX_CMD_GET_REPORT0 _IOWR('T', 1, struct tdx_report_req)
#define TDX_CMD_GET_QUOTE _IOWR('T', 2, struct tdx_quote_req)

static const char *or_default(const char *v, const char *def)
{
    return v != NULL && v[0] != '\0' ? v : def;
}

void attls_tee_config_from_env(attls_tee_config *cfg)
{
    cfg->tsm_dir = getenv("ATTLS_TSM_REPORT_DIR");
    cfg->sev_device = getenv("ATTLS_SEV_GUEST_DEVICE");
    cfg->tdx_device = getenv("ATTLS_TDX_GUEST_DEVICE");
}

void attls_tee_report_free(attls_tee_report *r)
{
    if (r == NULL)
        return;
    attls_buf_free(&r->report);
    attls_buf_free(&r->certs);
    r->kind = ATTLS_TEE_NONE;
    r->source[0] = '\0';
}

static const char *kind_name(attls_tee_kind k)
{
    return k == ATTLS_TEE_SNP ? "SEV-SNP" : k == ATTLS_TEE_TDX ? "TDX" : "none";
}

static uint32_t le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
           (uint32_t)p[3] << 24;
}

/*-
 * File helpers (configfs attributes are small files read and written whole)
 */

/* Whole attribute into @p out; -1 with errno set on failure. */
static int read_all(const char *path, size_t max, attls_buf *out)
{
    int rc = attls_read_file(path, max, out);

    if (rc == -2)
        errno = EFBIG;
    return rc == 0 ? 0 : -1;
}

static int write_all(const char *path, const uint8_t *data, size_t len)
{
    int fd = open(path, O_WRONLY | O_CLOEXEC);
    size_t off = 0;
    int rc = 0;

    if (fd < 0)
        return -1;
    while (off < len) {
        ssize_t n = write(fd, data + off, len - off);

        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            rc = -1;
            break;
        }
        off += (size_t)n;
    }
    /* configfs commits a binary attribute when the file is closed. */
    if (close(fd) != 0)
        rc = -1;
    return rc;
}

static int read_u64(const char *path, uint64_t *v)
{
    attls_buf b;
    char *end = NULL;
    int rc = -1;

    if (read_all(path, 64, &b) != 0)
        return -1;
    errno = 0;
    if (b.len > 0 && b.data[0] >= '0' && b.data[0] <= '9') {
        unsigned long long x = strtoull((char *)b.data, &end, 10);

        if (errno == 0 && (*end == '\n' || *end == '\0')) {
            *v = x;
            rc = 0;
        }
    }
    if (rc != 0)
        errno = EPROTO;
    attls_buf_free(&b);
    return rc;
}

/*-
 * configfs-tsm
 */

static attls_code tsm_fail(attls_status *st, const char *what, const char *path)
{
    return attls_fail(st, ATTLS_E_TEE_REPORT, "tsm.io",
                      "configfs-tsm: %s %s: %s", what, path, strerror(errno));
}

static attls_code tsm_mkdir(const char *dir, char *entry, size_t len,
                            attls_status *st)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    snprintf(entry, len, "%s/attls-%ld-%ld", dir, (long)getpid(),
             (long)ts.tv_nsec);
    if (mkdir(entry, 0700) == 0)
        return ATTLS_OK;
    if (errno == ENOENT)
        return attls_fail(st, ATTLS_E_TEE_ABSENT, "tsm.absent",
                          "configfs-tsm report directory %s does not exist",
                          dir);
    return tsm_fail(st, "cannot create", entry);
}

static attls_code tsm_provider(const char *entry, attls_tee_kind *kind,
                               attls_status *st)
{
    char path[4096];
    attls_buf b;

    snprintf(path, sizeof(path), "%s/provider", entry);
    if (read_all(path, 256, &b) != 0)
        return tsm_fail(st, "cannot read", path);
    if (strcmp((char *)b.data, "sev_guest\n") == 0)
        *kind = ATTLS_TEE_SNP;
    else if (strcmp((char *)b.data, "tdx_guest\n") == 0)
        *kind = ATTLS_TEE_TDX;
    else
        *kind = ATTLS_TEE_NONE;
    attls_buf_free(&b);
    if (*kind == ATTLS_TEE_NONE)
        return attls_fail(st, ATTLS_E_TEE_REPORT, "tsm.provider",
                          "configfs-tsm provider in %s is neither sev_guest "
                          "nor tdx_guest",
                          path);
    return ATTLS_OK;
}

/* One request; ATTLS_E_TSM_RACE when the generation moved under us. */
static attls_code tsm_try(const char *entry, const uint8_t rd[64],
                          attls_tee_report *out, attls_status *st)
{
    char path[4096], gen_path[4096];
    uint64_t g0, g;

    snprintf(gen_path, sizeof(gen_path), "%s/generation", entry);
    if (read_u64(gen_path, &g0) != 0)
        return tsm_fail(st, "cannot read", gen_path);
    snprintf(path, sizeof(path), "%s/inblob", entry);
    if (write_all(path, rd, ATTLS_REPORT_DATA_LEN) != 0)
        return tsm_fail(st, "cannot write", path);
    snprintf(path, sizeof(path), "%s/outblob", entry);
    if (read_all(path, ATTLS_TSM_OUTBLOB_MAX, &out->report) != 0)
        return tsm_fail(st, "cannot read", path);
    if (read_u64(gen_path, &g) != 0)
        return tsm_fail(st, "cannot read", gen_path);
    if (g != g0 + 1)
        return ATTLS_E_TSM_RACE;
    snprintf(path, sizeof(path), "%s/auxblob", entry);
    if (read_all(path, ATTLS_TSM_OUTBLOB_MAX, &out->certs) != 0 &&
        errno != ENOENT)
        return tsm_fail(st, "cannot read", path);
    if (read_u64(gen_path, &g) != 0)
        return tsm_fail(st, "cannot read", gen_path);
    return g == g0 + 1 ? ATTLS_OK : ATTLS_E_TSM_RACE;
}

static attls_code tsm_report(const char *dir, attls_tee_kind want,
                             const uint8_t rd[64], attls_tee_report *out,
                             attls_status *st)
{
    char entry[4000];
    attls_tee_kind kind = ATTLS_TEE_NONE;
    attls_code rc = tsm_mkdir(dir, entry, sizeof(entry), st);

    if (rc != ATTLS_OK)
        return rc;
    rc = tsm_provider(entry, &kind, st);
    if (rc == ATTLS_OK && kind != want)
        rc = attls_fail(st, ATTLS_E_TEE_REPORT, "tsm.provider",
                        "configfs-tsm at %s makes %s reports, not %s", dir,
                        kind_name(kind), kind_name(want));
    for (int i = 0; rc == ATTLS_OK && i < TSM_TRIES; i++) {
        attls_tee_report_free(out);
        rc = tsm_try(entry, rd, out, st);
        if (rc == ATTLS_E_TSM_RACE) {
            ATTLS_DEBUG_LOG("tee",
                            "configfs-tsm generation moved in %s, "
                            "retrying",
                            entry);
            rc = i + 1 < TSM_TRIES ? ATTLS_OK : ATTLS_E_TSM_RACE;
            continue;
        }
        break;
    }
    if (rc == ATTLS_E_TSM_RACE)
        attls_fail(st, rc, "tsm.generation",
                   "configfs-tsm entry %s was changed by another writer "
                   "during each of %d tries",
                   entry, TSM_TRIES);
    if (rmdir(entry) != 0)
        ATTLS_DEBUG_LOG("tee", "cannot remove %s: %s", entry, strerror(errno));
    if (rc == ATTLS_OK) {
        out->kind = want;
        snprintf(out->source, sizeof(out->source), "configfs-tsm %s", dir);
    }
    return rc;
}

/*-
 * /dev/sev-guest
 */

static int snp_ioctl(int fd, unsigned long cmd, void *req, void *resp,
                     struct snp_guest_request_ioctl *g)
{
    int rc;

    for (int busy = 0; busy < 10; busy++) {
        memset(g, 0, sizeof(*g));
        g->msg_version = 1;
        g->req_data = (uint64_t)(uintptr_t)req;
        g->resp_data = (uint64_t)(uintptr_t)resp;
        rc = ioctl(fd, cmd, g);
        if (rc == 0 || g->vmm_error != SNP_GUEST_VMM_ERR_BUSY)
            return rc;
        usleep(100000);
    }
    return rc;
}

/* SNP_GET_EXT_REPORT; grows the certificate buffer once if asked to. */
static int snp_ext_report(int fd, const uint8_t rd[64],
                          struct snp_report_resp *resp, attls_buf *certs,
                          struct snp_guest_request_ioctl *g)
{
    struct snp_ext_report_req req;
    size_t cap = 4 * 4096;

    for (int tries = 0; tries < 2; tries++) {
        void *pages = NULL;
        int rc;

        if (posix_memalign(&pages, 4096, cap) != 0)
            return -1;
        memset(pages, 0, cap);
        memset(&req, 0, sizeof(req));
        memcpy(req.data.user_data, rd, ATTLS_REPORT_DATA_LEN);
        req.certs_address = (uint64_t)(uintptr_t)pages;
        req.certs_len = (uint32_t)cap;
        rc = snp_ioctl(fd, SNP_GET_EXT_REPORT, &req, resp, g);
        if (rc == 0) {
            certs->data = OPENSSL_memdup(pages, req.certs_len);
            certs->len = certs->data != NULL ? req.certs_len : 0;
        }
        free(pages);
        if (rc == 0 || g->vmm_error != SNP_GUEST_VMM_ERR_INVALID_LEN ||
            req.certs_len <= cap || req.certs_len > 64 * 4096)
            return rc;
        cap = (req.certs_len + 4095) / 4096 * 4096;
    }
    return -1;
}

static attls_code sev_guest_report(const char *dev, const uint8_t rd[64],
                                   attls_tee_report *out, attls_status *st)
{
    struct snp_report_resp resp;
    struct snp_guest_request_ioctl g;
    uint32_t status, size;
    int fd = open(dev, O_RDWR | O_CLOEXEC);

    if (fd < 0)
        return attls_fail(
            st, errno == ENOENT ? ATTLS_E_TEE_ABSENT : ATTLS_E_TEE_REPORT,
            "sev_guest.open", "cannot open %s: %s", dev, strerror(errno));
    memset(&resp, 0, sizeof(resp));
    if (snp_ext_report(fd, rd, &resp, &out->certs, &g) != 0) {
        struct snp_report_req req;

        /* Hosts without a certificate table: the plain report. */
        memset(&req, 0, sizeof(req));
        memcpy(req.user_data, rd, ATTLS_REPORT_DATA_LEN);
        memset(&resp, 0, sizeof(resp));
        if (snp_ioctl(fd, SNP_GET_REPORT, &req, &resp, &g) != 0) {
            int e = errno;

            close(fd);
            return attls_fail(st, ATTLS_E_TEE_REPORT, "sev_guest.ioctl",
                              "SNP_GET_REPORT on %s failed: %s (firmware "
                              "error 0x%x, VMM error 0x%x)",
                              dev, strerror(e), (unsigned)g.fw_error,
                              (unsigned)g.vmm_error);
        }
    }
    close(fd);
    status = le32(resp.data);
    size = le32(resp.data + 4);
    if (status != 0 || size < ATTLS_SNP_REPORT_LEN ||
        size > sizeof(resp.data) - SNP_RESP_REPORT_OFFSET)
        return attls_fail(st, ATTLS_E_TEE_REPORT, "sev_guest.response",
                          "%s answered status 0x%x, report size %u", dev,
                          (unsigned)status, (unsigned)size);
    out->report.data = OPENSSL_memdup(resp.data + SNP_RESP_REPORT_OFFSET,
                                      ATTLS_SNP_REPORT_LEN);
    if (out->report.data == NULL)
        return attls_fail(st, ATTLS_E_INTERNAL, "tee.alloc", "out of memory");
    out->report.len = ATTLS_SNP_REPORT_LEN;
    out->kind = ATTLS_TEE_SNP;
    snprintf(out->source, sizeof(out->source), "%s", dev);
    return ATTLS_OK;
}

/*-
 * /dev/tdx_guest
 */

static attls_code tdx_guest_quote(const char *dev, const uint8_t rd[64],
                                  attls_tee_report *out, attls_status *st)
{
    struct tdx_report_req rep;
    struct tdx_quote_req req;
    struct tdx_quote_hdr *hdr;
    size_t max = TDX_QUOTE_BUF_LEN - sizeof(*hdr);
    int fd = open(dev, O_RDWR | O_CLOEXEC), rc;

    if (fd < 0)
        return attls_fail(
            st, errno == ENOENT ? ATTLS_E_TEE_ABSENT : ATTLS_E_TEE_REPORT,
            "tdx_guest.open", "cannot open %s: %s", dev, strerror(errno));
    memset(&rep, 0, sizeof(rep));
    memcpy(rep.reportdata, rd, ATTLS_REPORT_DATA_LEN);
    if (ioctl(fd, TDX_CMD_GET_REPORT0, &rep) != 0) {
        int e = errno;

        close(fd);
        return attls_fail(st, ATTLS_E_TEE_REPORT, "tdx_guest.report",
                          "TDX_CMD_GET_REPORT0 on %s failed: %s", dev,
                          strerror(e));
    }
    hdr = calloc(1, TDX_QUOTE_BUF_LEN);
    if (hdr == NULL) {
        close(fd);
        return attls_fail(st, ATTLS_E_INTERNAL, "tee.alloc", "out of memory");
    }
    hdr->version = 1;
    hdr->in_len = TDX_TDREPORT_LEN;
    memcpy(hdr->data, rep.tdreport, TDX_TDREPORT_LEN);
    req.buf = (uint64_t)(uintptr_t)hdr;
    req.len = TDX_QUOTE_BUF_LEN;
    rc = ioctl(fd, TDX_CMD_GET_QUOTE, &req);
    close(fd);
    if (rc != 0 || hdr->status != 0 || hdr->out_len == 0 ||
        hdr->out_len > max) {
        int e = errno;

        free(hdr);
        if (rc != 0)
            return attls_fail(st, ATTLS_E_TEE_REPORT, "tdx_guest.quote",
                              "%s cannot make TD quotes (%s); mainline "
                              "kernels make them through configfs-tsm "
                              "(Linux 6.7+)",
                              dev, strerror(e));
        return attls_fail(st, ATTLS_E_TEE_REPORT, "tdx_guest.quote",
                          "quote request on %s failed: status 0x%" PRIx64
                          ", length %u",
                          dev, hdr->status, (unsigned)hdr->out_len);
    }
    out->report.data = OPENSSL_memdup(hdr->data, hdr->out_len);
    out->report.len = out->report.data != NULL ? hdr->out_len : 0;
    free(hdr);
    if (out->report.data == NULL)
        return attls_fail(st, ATTLS_E_INTERNAL, "tee.alloc", "out of memory");
    out->kind = ATTLS_TEE_TDX;
    snprintf(out->source, sizeof(out->source), "%s", dev);
    return ATTLS_OK;
}

/*-
 * Entry points
 */

static int exists(const char *path)
{
    struct stat sb;

    return stat(path, &sb) == 0;
}

attls_code attls_tee_detect(const attls_tee_config *cfg, attls_tee_kind *kind,
                            attls_status *st)
{
    const char *tsm = or_default(cfg->tsm_dir, ATTLS_TSM_REPORT_DIR);
    const char *sev = or_default(cfg->sev_device, ATTLS_SEV_GUEST_DEVICE);
    const char *tdx = or_default(cfg->tdx_device, ATTLS_TDX_GUEST_DEVICE);
    char entry[4000];
    attls_code rc;

    *kind = ATTLS_TEE_NONE;
    if (exists(tsm)) {
        rc = tsm_mkdir(tsm, entry, sizeof(entry), st);
        if (rc != ATTLS_OK)
            return rc;
        rc = tsm_provider(entry, kind, st);
        rmdir(entry);
        return rc;
    }
    if (exists(sev))
        *kind = ATTLS_TEE_SNP;
    else if (exists(tdx))
        *kind = ATTLS_TEE_TDX;
    else
        return attls_fail(st, ATTLS_E_TEE_ABSENT, "tee.absent",
                          "no TEE report interface: %s, %s and %s are all "
                          "absent",
                          tsm, sev, tdx);
    return ATTLS_OK;
}

attls_code
attls_tee_get_report(const attls_tee_config *cfg, attls_tee_kind want,
                     const uint8_t report_data[ATTLS_REPORT_DATA_LEN],
                     attls_tee_report *out, attls_status *st)
{
    const char *tsm = or_default(cfg->tsm_dir, ATTLS_TSM_REPORT_DIR);
    const char *dev = want == ATTLS_TEE_SNP
                          ? or_default(cfg->sev_device, ATTLS_SEV_GUEST_DEVICE)
                          : or_default(cfg->tdx_device, ATTLS_TDX_GUEST_DEVICE);
    attls_code rc;

    memset(out, 0, sizeof(*out));
    if (want != ATTLS_TEE_SNP && want != ATTLS_TEE_TDX)
        return attls_fail(st, ATTLS_E_ARGUMENT, "tee.kind",
                          "no TEE kind requested");
    if (exists(tsm))
        rc = tsm_report(tsm, want, report_data, out, st);
    else if (!exists(dev))
        rc = attls_fail(st, ATTLS_E_TEE_ABSENT, "tee.absent",
                        "no %s report interface: neither %s nor %s exists",
                        kind_name(want), tsm, dev);
    else if (want == ATTLS_TEE_SNP)
        rc = sev_guest_report(dev, report_data, out, st);
    else
        rc = tdx_guest_quote(dev, report_data, out, st);
    if (rc != ATTLS_OK)
        attls_tee_report_free(out);
    else
        ATTLS_DEBUG_LOG("tee",
                        "%s report of %zu bytes (+%zu certificate "
                        "bytes) from %s",
                        kind_name(want), out->report.len, out->certs.len,
                        out->source);
    return rc;
}

static int guid_bytes(const char *text, uint8_t out[16])
{
    char hex[33];
    size_t n = 0;

    for (const char *p = text; *p != '\0' && n < 32; p++) {
        if (*p != '-')
            hex[n++] = *p;
    }
    hex[n] = '\0';
    return n == 32 ? attls_hex_decode(hex, 32, out, 16) : -1;
}

attls_code attls_snp_cert_table_find(const uint8_t *table, size_t len,
                                     const char *guid, const uint8_t **out,
                                     size_t *out_len, attls_status *st)
{
    static const uint8_t zero[24];
    uint8_t want[16];

    *out = NULL;
    *out_len = 0;
    if (guid_bytes(guid, want) != 0)
        return attls_fail(st, ATTLS_E_ARGUMENT, "snp.cert_table",
                          "malformed GUID '%s'", guid);
    for (size_t off = 0;; off += 24) {
        const uint8_t *e = table + off;
        uint32_t where, n;

        if (len < 24 || off > len - 24)
            return attls_fail(st, ATTLS_E_TEE_REPORT, "snp.cert_table",
                              "SNP certificate table of %zu bytes has no "
                              "terminating entry",
                              len);
        if (memcmp(e, zero, 24) == 0)
            return ATTLS_OK;
        where = le32(e + 16);
        n = le32(e + 20);
        if (where > len || n > len - where)
            return attls_fail(st, ATTLS_E_TEE_REPORT, "snp.cert_table",
                              "SNP certificate table entry %zu points at "
                              "[%u, +%u) outside its %zu bytes",
                              off / 24, (unsigned)where, (unsigned)n, len);
        if (memcmp(e, want, 16) == 0 && *out == NULL) {
            *out = table + where;
            *out_len = n;
        }
    }
}
