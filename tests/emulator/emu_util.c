/* SPDX-License-Identifier: Apache-2.0 */
#include "emu_util.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/rand.h>

const char *emu_progname = "attls-emu";

static int print_openssl_error(const char *str, size_t len, void *u)
{
    (void)u;
    fprintf(stderr, "%s:   openssl: %.*s", emu_progname, (int)len, str);
    if (len == 0 || str[len - 1] != '\n')
        fputc('\n', stderr);
    return 1;
}

void emu_err(const char *fmt, ...)
{
    va_list ap;

    fprintf(stderr, "%s: ", emu_progname);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    ERR_print_errors_cb(print_openssl_error, NULL);
}

void emu_info(const char *fmt, ...)
{
    va_list ap;

    if (getenv("ATTLS_EMU_VERBOSE") == NULL)
        return;
    fprintf(stderr, "%s: ", emu_progname);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

int emu_path(char *out, size_t cap, const char *dir, const char *name)
{
    int n = snprintf(out, cap, "%s/%s", dir, name);

    if (n < 0 || (size_t)n >= cap) {
        emu_err("path too long: %s/%s", dir, name);
        return -1;
    }
    return 0;
}

int emu_write_file(const char *path, const void *data, size_t len,
                   unsigned mode)
{
    char tmp[4096];
    int fd, rc = -1;

    if (snprintf(tmp, sizeof(tmp), "%s.tmp.%ld", path, (long)getpid()) >=
        (int)sizeof(tmp)) {
        emu_err("path too long: %s", path);
        return -1;
    }
    fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
    if (fd < 0) {
        emu_err("cannot create %s: %s", tmp, strerror(errno));
        return -1;
    }
    if (emu_write_all(fd, data, len) != 0 || fsync(fd) != 0)
        emu_err("cannot write %s: %s", tmp, strerror(errno));
    else if (fchmod(fd, mode) != 0)
        emu_err("cannot chmod %s: %s", tmp, strerror(errno));
    else
        rc = 0;
    if (close(fd) != 0 && rc == 0) {
        emu_err("cannot close %s: %s", tmp, strerror(errno));
        rc = -1;
    }
    if (rc == 0 && rename(tmp, path) != 0) {
        emu_err("cannot rename %s to %s: %s", tmp, path, strerror(errno));
        rc = -1;
    }
    if (rc != 0)
        unlink(tmp);
    return rc;
}

int emu_read_file(const char *dir, const char *name, size_t max, attls_buf *out)
{
    char path[4096];
    int rc;

    if (emu_path(path, sizeof(path), dir, name) != 0)
        return -1;
    rc = attls_read_file(path, max, out);
    if (rc == -2)
        emu_err("%s is larger than %zu bytes", path, max);
    else if (rc != 0)
        emu_err("cannot read %s: %s", path, strerror(errno));
    return rc == 0 ? 0 : -1;
}

int emu_random(void *out, size_t len)
{
    if (len > INT32_MAX || RAND_bytes(out, (int)len) != 1) {
        emu_err("RAND_bytes failed");
        return -1;
    }
    return 0;
}

void emu_put_le16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}

void emu_put_le32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

void emu_put_le64(uint8_t *p, uint64_t v)
{
    for (int i = 0; i < 8; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

uint16_t emu_get_le16(const uint8_t *p)
{
    return (uint16_t)(p[0] | (p[1] << 8));
}

uint32_t emu_get_le32(const uint8_t *p)
{
    return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) |
           ((uint32_t)p[3] << 24);
}

uint64_t emu_get_le64(const uint8_t *p)
{
    return (uint64_t)emu_get_le32(p) | ((uint64_t)emu_get_le32(p + 4) << 32);
}

static void loopback(struct sockaddr_in *sa, uint16_t port)
{
    memset(sa, 0, sizeof(*sa));
    sa->sin_family = AF_INET;
    sa->sin_port = htons(port);
    sa->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
}

int emu_tcp_listen(uint16_t *port)
{
    struct sockaddr_in sa;
    socklen_t len = sizeof(sa);
    int fd, one = 1;

    fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        emu_err("socket: %s", strerror(errno));
        return -1;
    }
    loopback(&sa, *port);
    if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) != 0 ||
        bind(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0 ||
        listen(fd, 16) != 0 ||
        getsockname(fd, (struct sockaddr *)&sa, &len) != 0) {
        emu_err("cannot listen on 127.0.0.1:%u: %s", *port, strerror(errno));
        close(fd);
        return -1;
    }
    *port = ntohs(sa.sin_port);
    return fd;
}

int emu_tcp_listen_pair(uint16_t *port, int fds[2])
{
    for (int attempt = 0; attempt < 100; attempt++) {
        uint16_t p = 0, q;

        fds[0] = emu_tcp_listen(&p);
        if (fds[0] < 0)
            return -1;
        q = (uint16_t)(p + 1);
        if (p != 65535) {
            struct sockaddr_in sa;
            int one = 1;

            fds[1] = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
            loopback(&sa, q);
            if (fds[1] >= 0 &&
                setsockopt(fds[1], SOL_SOCKET, SO_REUSEADDR, &one,
                           sizeof(one)) == 0 &&
                bind(fds[1], (struct sockaddr *)&sa, sizeof(sa)) == 0 &&
                listen(fds[1], 16) == 0) {
                *port = p;
                return 0;
            }
            if (fds[1] >= 0)
                close(fds[1]);
        }
        close(fds[0]); /* P+1 is taken: try another pair */
    }
    emu_err("no free pair of consecutive ports on 127.0.0.1");
    return -1;
}

int emu_parse_listen_port(const char *s, uint16_t *port)
{
    if (strcmp(s, "auto") == 0) {
        *port = 0;
        return 0;
    }
    return emu_parse_port(s, port);
}

int emu_write_port_file(const char *dir, const char *name, uint16_t port)
{
    char path[4096], text[16];
    int n = snprintf(text, sizeof(text), "%u\n", port);

    return emu_path(path, sizeof(path), dir, name) != 0
               ? -1
               : emu_write_file(path, text, (size_t)n, 0644);
}

int emu_tcp_connect(uint16_t port)
{
    struct sockaddr_in sa;
    int fd;

    fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        emu_err("socket: %s", strerror(errno));
        return -1;
    }
    loopback(&sa, port);
    if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
        emu_err("cannot connect to 127.0.0.1:%u: %s", port, strerror(errno));
        close(fd);
        return -1;
    }
    return fd;
}

int emu_write_all(int fd, const void *buf, size_t len)
{
    const uint8_t *p = buf;

    while (len > 0) {
        ssize_t n = write(fd, p, len);

        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return -1;
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

int emu_read_exact(int fd, void *buf, size_t len)
{
    uint8_t *p = buf;
    size_t got = 0;

    while (got < len) {
        ssize_t n = read(fd, p + got, len - got);

        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return -1;
        if (n == 0)
            return got == 0 ? 0 : -1;
        got += (size_t)n;
    }
    return 1;
}

int emu_parse_port(const char *s, uint16_t *port)
{
    char *end;
    unsigned long v;

    errno = 0;
    v = strtoul(s, &end, 10);
    if (errno != 0 || end == s || *end != '\0' || v == 0 || v > 65535) {
        emu_err("invalid TCP port '%s'", s);
        return -1;
    }
    *port = (uint16_t)v;
    return 0;
}
