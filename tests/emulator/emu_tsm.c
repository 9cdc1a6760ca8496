/* SPDX-License-Identifier: Apache-2.0 */
/*
 * configfs-tsm without configfs: the provider side of
 * /sys/kernel/config/tsm/report (Linux Documentation/ABI/testing/
 * configfs-tsm) on an ordinary directory, STATE_DIR/sys/kernel/config/tsm.
 *
 * Three pieces make a plain directory behave like the kernel's:
 *
 * - mkdir/rmdir of an entry must populate/empty it atomically. The
 *   LD_PRELOAD shim (emu_tsm_preload.c) forwards them to this daemon over
 *   a Unix socket and returns only once the entry is ready or torn down.
 * - Reads of generation, outblob and auxblob must reflect every write that
 *   happened before them. They are FIFOs: the reader's open() blocks until
 *   this daemon opens the other end, and at that moment the daemon first
 *   consumes the inotify events of the entry. inotify queues IN_CLOSE_WRITE
 *   inside the writer's close(), so every write the reader made before its
 *   open() has been seen.
 * - inblob and privlevel are regular files; a write session (open, write,
 *   close) counts as one write, advances generation, and is committed at
 *   close, as configfs commits binary attributes on release.
 *
 * outblob is generated when read, cached per generation: an SEV-SNP report
 * (REPORT_DATA = inblob, zero-padded; VMPL = privlevel) or a TDX quote v4
 * (inblob must be exactly 64 bytes, as tdx_guest requires). auxblob is the
 * SEV certificate table (VCEK, ASK, ARK). Where the kernel would fail a
 * read with an errno the FIFO ends empty (documented in docs/emulator.md).
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "emu_ctx.h"
#include "emu_main.h"
#include "emu_snp.h"
#include "emu_tdx.h"
#include "emu_util.h"

#define INBLOB_MAX 64 /* TSM_INBLOB_MAX */
#define PRIVLEVEL_MAX 3

enum { SRV_GENERATION, SRV_OUTBLOB, SRV_AUXBLOB, SRV_COUNT };
static const char *const served[SRV_COUNT] = {"generation", "outblob",
                                              "auxblob"};

typedef struct entry entry;

typedef struct server {
    entry *e;
    int which;
    pthread_t thread;
    int started;
} server;

struct entry {
    entry *next;
    char name[256];
    char path[4096];
    int wd;
    unsigned write_gen;
    uint8_t inblob[INBLOB_MAX];
    size_t inblob_len;
    int inblob_modified, privlevel_modified;
    unsigned privlevel;
    uint8_t *outblob;
    size_t outblob_len;
    unsigned outblob_gen;
    int outblob_valid;
    int stopping;
    server srv[SRV_COUNT];
};

static struct {
    emu_ctx ctx;
    char report_dir[4096];
    int inotify_fd;
    int snp;
    pthread_mutex_t lock;
    entry *entries;
} g = {.lock = PTHREAD_MUTEX_INITIALIZER};

static int join(char *out, const char *dir, const char *name)
{
    return emu_path(out, 4096, dir, name);
}

/* Read a small attribute file the guest wrote. @retval bytes, -1 */
static ssize_t read_attr(const entry *e, const char *name, uint8_t *buf,
                         size_t cap)
{
    char path[4096];
    ssize_t n, total = 0;
    int fd;

    if (join(path, e->path, name) != 0)
        return -1;
    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    while ((size_t)total < cap &&
           (n = read(fd, buf + total, cap - (size_t)total)) > 0)
        total += n;
    close(fd);
    return total;
}

static void commit_inblob(entry *e)
{
    uint8_t buf[INBLOB_MAX + 1];
    ssize_t n = read_attr(e, "inblob", buf, sizeof(buf));

    if (n < 0 || n > INBLOB_MAX) {
        /* The kernel refuses a write beyond TSM_INBLOB_MAX. */
        emu_err("%s: inblob write of %zd bytes refused (at most %d)", e->name,
                n, INBLOB_MAX);
        return;
    }
    memcpy(e->inblob, buf, (size_t)n);
    e->inblob_len = (size_t)n;
    e->write_gen++;
}

static void commit_privlevel(entry *e)
{
    uint8_t buf[16];
    ssize_t n = read_attr(e, "privlevel", buf, sizeof(buf) - 1);
    char *end;
    unsigned long v;

    if (n <= 0)
        return;
    buf[n] = '\0';
    errno = 0;
    v = strtoul((char *)buf, &end, 10);
    if (errno != 0 || end == (char *)buf || (*end != '\0' && *end != '\n') ||
        v > PRIVLEVEL_MAX) {
        emu_err("%s: privlevel '%s' refused (0..%d)", e->name, (char *)buf,
                PRIVLEVEL_MAX);
        return;
    }
    e->privlevel = (unsigned)v;
    e->write_gen++;
}

/* Apply every write the guest has finished. Called with g.lock held. */
static void drain_events(void)
{
    char buf[8192] __attribute__((aligned(__alignof__(struct inotify_event))));
    ssize_t n;

    while ((n = read(g.inotify_fd, buf, sizeof(buf))) > 0) {
        for (char *p = buf; p < buf + n;) {
            const struct inotify_event *ev = (const struct inotify_event *)p;
            entry *e = g.entries;

            p += sizeof(*ev) + ev->len;
            while (e != NULL && e->wd != ev->wd)
                e = e->next;
            if (e == NULL || ev->len == 0)
                continue;
            if (strcmp(ev->name, "inblob") == 0) {
                if (ev->mask & IN_MODIFY)
                    e->inblob_modified = 1;
                if ((ev->mask & IN_CLOSE_WRITE) && e->inblob_modified) {
                    e->inblob_modified = 0;
                    commit_inblob(e);
                }
            } else if (strcmp(ev->name, "privlevel") == 0) {
                if (ev->mask & IN_MODIFY)
                    e->privlevel_modified = 1;
                if ((ev->mask & IN_CLOSE_WRITE) && e->privlevel_modified) {
                    e->privlevel_modified = 0;
                    commit_privlevel(e);
                }
            }
        }
    }
}

/* outblob for the current generation. Called with g.lock held. */
static void refresh_outblob(entry *e)
{
    uint8_t rd[64] = {0};

    if (e->outblob_valid && e->outblob_gen == e->write_gen)
        return;
    free(e->outblob);
    e->outblob = NULL;
    e->outblob_len = 0;
    memcpy(rd, e->inblob, e->inblob_len);
    if (g.snp) {
        e->outblob = malloc(EMU_SNP_REPORT_SIZE);
        if (e->outblob != NULL &&
            emu_snp_report(&g.ctx, rd, e->privlevel, e->outblob) == 0)
            e->outblob_len = EMU_SNP_REPORT_SIZE;
    } else if (e->inblob_len != 64) {
        emu_err("%s: tdx_guest needs a 64-byte inblob, not %zu bytes", e->name,
                e->inblob_len);
    } else {
        uint8_t report[EMU_TDREPORT_SIZE];

        if (emu_tdreport(&g.ctx, rd, report) != 0 ||
            emu_td_quote(&g.ctx, report, 0, &e->outblob, &e->outblob_len) != 0)
            e->outblob_len = 0;
    }
    e->outblob_gen = e->write_gen;
    e->outblob_valid = 1;
}

/* What a reader of @p which gets now. Called with g.lock held. */
static int render(entry *e, int which, uint8_t **out, size_t *len)
{
    char text[32];

    drain_events();
    switch (which) {
    case SRV_GENERATION:
        snprintf(text, sizeof(text), "%u\n", e->write_gen);
        *len = strlen(text);
        *out = (uint8_t *)strdup(text);
        return *out == NULL ? -1 : 0;
    case SRV_OUTBLOB:
        refresh_outblob(e);
        *len = e->outblob_len;
        *out = malloc(*len ? *len : 1);
        if (*out != NULL && *len > 0)
            memcpy(*out, e->outblob, *len);
        return *out == NULL ? -1 : 0;
    default:
        return emu_snp_cert_table(&g.ctx, out, len);
    }
}

/*
 * Serve one FIFO forever. Each reader gets a FIFO of its own: as soon as a
 * reader has opened it, a fresh FIFO replaces it under the same name, so
 * that this reader sees end-of-file after its data even if it keeps the
 * file open while the next reader arrives.
 */
static void *serve_fifo(void *arg)
{
    server *s = arg;
    entry *e = s->e;
    char path[4096], next[4200];

    if (join(path, e->path, served[s->which]) != 0)
        return NULL;
    snprintf(next, sizeof(next), "%s/.%s.next", e->path, served[s->which]);
    for (;;) {
        uint8_t *data = NULL;
        size_t len = 0;
        int fd = open(path, O_WRONLY | O_CLOEXEC); /* waits for a reader */

        if (fd < 0) {
            if (errno == EINTR)
                continue;
            emu_err("%s: %s", path, strerror(errno));
            return NULL;
        }
        pthread_mutex_lock(&g.lock);
        if (e->stopping) {
            pthread_mutex_unlock(&g.lock);
            close(fd);
            return NULL;
        }
        if (render(e, s->which, &data, &len) != 0)
            len = 0;
        pthread_mutex_unlock(&g.lock);
        unlink(next);
        if (mkfifo(next, 0644) != 0 || rename(next, path) != 0) {
            emu_err("cannot renew %s: %s", path, strerror(errno));
            free(data);
            close(fd);
            return NULL;
        }
        if (len > 0 && emu_write_all(fd, data, len) != 0)
            emu_info("%s: reader went away", path);
        free(data);
        close(fd);
    }
}

static int write_attr(const char *dir, const char *name, const char *text,
                      mode_t mode)
{
    char path[4096];
    int fd;

    if (join(path, dir, name) != 0)
        return -1;
    fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
    if (fd < 0 || emu_write_all(fd, text, strlen(text)) != 0 ||
        fchmod(fd, mode) != 0) {
        emu_err("cannot create %s: %s", path, strerror(errno));
        if (fd >= 0)
            close(fd);
        return -1;
    }
    close(fd);
    return 0;
}

static void stop_entry(entry *e)
{
    int readers[64], n = 0;
    char path[4096];

    pthread_mutex_lock(&g.lock);
    e->stopping = 1;
    pthread_mutex_unlock(&g.lock);
    /*
     * A server blocked in open() wakes up when a reader appears; open one
     * (kept open until the server has gone: it may be between FIFOs).
     */
    for (int i = 0; i < SRV_COUNT; i++) {
        struct timespec ts;

        if (!e->srv[i].started || join(path, e->path, served[i]) != 0)
            continue;
        for (;;) {
            if (n < (int)(sizeof(readers) / sizeof(*readers)))
                readers[n] = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
            if (n < (int)(sizeof(readers) / sizeof(*readers)) &&
                readers[n] >= 0)
                n++;
            clock_gettime(CLOCK_REALTIME, &ts);
            ts.tv_nsec += 20000000;
            if (ts.tv_nsec >= 1000000000) {
                ts.tv_sec++;
                ts.tv_nsec -= 1000000000;
            }
            if (pthread_timedjoin_np(e->srv[i].thread, NULL, &ts) == 0)
                break;
        }
    }
    for (int i = 0; i < n; i++)
        close(readers[i]);
    if (e->wd >= 0)
        inotify_rm_watch(g.inotify_fd, e->wd);
}

static void remove_files(const char *dir)
{
    static const char *const files[] = {
        "provider", "generation", "inblob",         "outblob",
        "auxblob",  "privlevel",  "privlevel_floor"};
    char path[4096];

    for (size_t i = 0; i < sizeof(files) / sizeof(*files); i++)
        if (join(path, dir, files[i]) == 0)
            unlink(path);
}

static int valid_name(const char *name)
{
    size_t n = strlen(name);

    return n > 0 && n < 256 && strchr(name, '/') == NULL &&
           strcmp(name, ".") != 0 && strcmp(name, "..") != 0;
}

static int create_entry(const char *name, char *why, size_t cap)
{
    entry *e = calloc(1, sizeof(*e));
    char path[4096];
    int nsrv = g.snp ? SRV_COUNT : SRV_AUXBLOB; /* tdx_guest: no auxblob */
    struct stat st;

    if (e == NULL) {
        snprintf(why, cap, "out of memory");
        return -1;
    }
    e->wd = -1;
    snprintf(e->name, sizeof(e->name), "%.255s", name);
    if (join(e->path, g.report_dir, name) != 0 || lstat(e->path, &st) != 0 ||
        !S_ISDIR(st.st_mode)) {
        snprintf(why, cap, "%.200s is not a directory", name);
        free(e);
        return -1;
    }
    if (write_attr(e->path, "provider", g.snp ? "sev_guest\n" : "tdx_guest\n",
                   0444) ||
        write_attr(e->path, "inblob", "", 0600) ||
        (g.snp && (write_attr(e->path, "privlevel", "0\n", 0644) ||
                   write_attr(e->path, "privlevel_floor", "0\n", 0444))))
        goto fail;
    for (int i = 0; i < nsrv; i++)
        if (join(path, e->path, served[i]) != 0 || mkfifo(path, 0644) != 0) {
            emu_err("mkfifo %s: %s", path, strerror(errno));
            goto fail;
        }
    e->wd =
        inotify_add_watch(g.inotify_fd, e->path, IN_MODIFY | IN_CLOSE_WRITE);
    if (e->wd < 0) {
        emu_err("inotify_add_watch %s: %s", e->path, strerror(errno));
        goto fail;
    }
    pthread_mutex_lock(&g.lock);
    e->next = g.entries;
    g.entries = e;
    pthread_mutex_unlock(&g.lock);
    for (int i = 0; i < nsrv; i++) {
        e->srv[i] = (server){.e = e, .which = i};
        if (pthread_create(&e->srv[i].thread, NULL, serve_fifo, &e->srv[i]))
            break;
        e->srv[i].started = 1;
    }
    return 0;
fail:
    remove_files(e->path);
    if (e->wd >= 0)
        inotify_rm_watch(g.inotify_fd, e->wd);
    free(e);
    snprintf(why, cap, "cannot populate %.200s", name);
    return -1;
}

static void destroy_entry(const char *name)
{
    entry **pp, *e = NULL;

    pthread_mutex_lock(&g.lock);
    for (pp = &g.entries; *pp != NULL; pp = &(*pp)->next) {
        if (strcmp((*pp)->name, name) == 0) {
            e = *pp;
            *pp = e->next;
            break;
        }
    }
    pthread_mutex_unlock(&g.lock);
    if (e == NULL)
        return;
    stop_entry(e);
    remove_files(e->path);
    free(e->outblob);
    free(e);
}

/* One request of the shim: "mkdir NAME\n" or "rmdir NAME\n". */
static void serve_shim(int fd)
{
    char req[320], why[256] = "", *nl;
    ssize_t n = read(fd, req, sizeof(req) - 1);
    int ok = 0;

    if (n <= 0)
        return;
    req[n] = '\0';
    nl = strchr(req, '\n');
    if (nl != NULL)
        *nl = '\0';
    if (strncmp(req, "mkdir ", 6) == 0 && valid_name(req + 6))
        ok = create_entry(req + 6, why, sizeof(why)) == 0;
    else if (strncmp(req, "rmdir ", 6) == 0 && valid_name(req + 6)) {
        destroy_entry(req + 6);
        ok = 1;
    } else
        snprintf(why, sizeof(why), "bad request");
    if (ok)
        emu_write_all(fd, "ok\n", 3);
    else {
        char reply[300];
        int m = snprintf(reply, sizeof(reply), "error %.250s\n", why);

        emu_write_all(fd, reply, (size_t)m);
    }
}

static int mkdirs(const char *base, const char *rel, char *out)
{
    char tmp[4096];
    const char *p = rel;

    snprintf(out, 4096, "%s", base);
    while (*p) {
        const char *slash = strchr(p, '/');
        size_t n = slash ? (size_t)(slash - p) : strlen(p);

        if (snprintf(tmp, sizeof(tmp), "%s/%.*s", out, (int)n, p) >=
            (int)sizeof(tmp))
            return -1;
        snprintf(out, 4096, "%s", tmp);
        if (mkdir(out, 0755) != 0 && errno != EEXIST) {
            emu_err("mkdir %s: %s", out, strerror(errno));
            return -1;
        }
        p += n + (slash ? 1 : 0);
    }
    return 0;
}

int emu_cmd_tsm(int argc, char **argv)
{
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    char sock[4096];
    int ls;

    if (argc != 1) {
        emu_err("usage: attls-emu tsm STATE_DIR");
        return 2;
    }
    signal(SIGPIPE, SIG_IGN);
    if (emu_ctx_load(argv[0], &g.ctx) != 0)
        return 1;
    if (emu_platform_is_azure(g.ctx.platform) || g.ctx.platform == EMU_TPM) {
        emu_err("%s has no configfs-tsm provider (GCP machines only)",
                emu_platform_name(g.ctx.platform));
        return 1;
    }
    g.snp = emu_platform_is_snp(g.ctx.platform);
    if (mkdirs(argv[0], "sys/kernel/config/tsm/report", g.report_dir) != 0 ||
        join(sock, argv[0], "tsm.sock") != 0 ||
        strlen(sock) >= sizeof(sa.sun_path)) {
        emu_err("cannot set up the tsm tree or socket under %s", argv[0]);
        return 1;
    }
    g.inotify_fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    if (g.inotify_fd < 0) {
        emu_err("inotify_init1: %s", strerror(errno));
        return 1;
    }
    snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", sock);
    unlink(sock);
    ls = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (ls < 0 || bind(ls, (struct sockaddr *)&sa, sizeof(sa)) != 0 ||
        listen(ls, 16) != 0) {
        emu_err("cannot listen on %s: %s", sock, strerror(errno));
        return 1;
    }
    fprintf(stderr, "%s: %s provider at %s\n", emu_progname,
            g.snp ? "sev_guest" : "tdx_guest", g.report_dir);
    for (;;) {
        int c = accept(ls, NULL, NULL);

        if (c < 0) {
            if (errno == EINTR || errno == ECONNABORTED)
                continue;
            emu_err("accept: %s", strerror(errno));
            return 1;
        }
        serve_shim(c);
        close(c);
    }
}
