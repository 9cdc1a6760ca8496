/* SPDX-License-Identifier: Apache-2.0 */
/*
 * LD_PRELOAD shim for the emulated configfs-tsm tree (see emu_tsm.c).
 *
 * configfs creates an entry's attribute files inside mkdir(2) and removes
 * them inside rmdir(2); an ordinary directory cannot. For a directory
 * created or removed directly under $ATTLS_TSM_REPORT_DIR this shim asks
 * the emulator (Unix socket $ATTLS_EMU_TSM_SOCKET) to populate or empty it
 * and returns only when that is done. Every other call goes straight to
 * libc. tests/emulate sets both variables for the GCP platforms only.
 */
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#define EXPORT __attribute__((visibility("default")))

int mkdir(const char *path, mode_t mode);
int mkdirat(int dirfd, const char *path, mode_t mode);
int rmdir(const char *path);
int unlinkat(int dirfd, const char *path, int flags);

/*
 * If @p path (relative to @p dirfd) names an entry of the report directory,
 * copy its last component to @p name and return 1.
 */
static int report_entry(int dirfd, const char *path, char *name, size_t cap)
{
    const char *dir = getenv("ATTLS_TSM_REPORT_DIR");
    char parent[4096];
    struct stat a, b;
    size_t len = strlen(path);
    const char *slash;

    if (dir == NULL || getenv("ATTLS_EMU_TSM_SOCKET") == NULL)
        return 0;
    while (len > 1 && path[len - 1] == '/')
        len--;
    if (len >= sizeof(parent))
        return 0;
    memcpy(parent, path, len);
    parent[len] = '\0';
    slash = strrchr(parent, '/');
    if (slash == NULL) {
        if (len >= cap)
            return 0;
        memcpy(name, parent, len + 1);
        snprintf(parent, sizeof(parent), ".");
    } else {
        size_t n = strlen(slash + 1);

        if (n == 0 || n >= cap)
            return 0;
        memcpy(name, slash + 1, n + 1);
        parent[slash == parent ? 1 : (size_t)(slash - parent)] = '\0';
    }
    if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
        return 0;
    if (fstatat(dirfd, parent, &a, 0) != 0 || stat(dir, &b) != 0)
        return 0;
    return a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

/*
 * @retval 0 the emulator did it
 * @retval -1 it refused (errno EIO)
 * @retval -2 it is not running (stopped machine; errno unchanged)
 */
static int ask_emulator(const char *verb, const char *name)
{
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    const char *sock = getenv("ATTLS_EMU_TSM_SOCKET");
    char req[320], reply[320];
    ssize_t n;
    int fd, rc = -1, saved = errno;

    if (strlen(sock) >= sizeof(sa.sun_path)) {
        errno = ENAMETOOLONG;
        return -1;
    }
    snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", sock);
    n = snprintf(req, sizeof(req), "%s %s\n", verb, name);
    fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd >= 0 && connect(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
        close(fd);
        errno = saved;
        return -2;
    }
    if (fd >= 0 && write(fd, req, (size_t)n) == n) {
        n = read(fd, reply, sizeof(reply) - 1);
        if (n >= 3 && memcmp(reply, "ok\n", 3) == 0)
            rc = 0;
        else if (n > 0) {
            reply[n] = '\0';
            fprintf(stderr, "attls-emu tsm shim: %s %s: %s", verb, name, reply);
        }
    }
    if (fd >= 0)
        close(fd);
    errno = rc == 0 ? saved : EIO;
    return rc;
}

static int after_mkdir(int dirfd, const char *path, int rc)
{
    int (*real_unlinkat)(int, const char *, int) =
        (int (*)(int, const char *, int))dlsym(RTLD_NEXT, "unlinkat");
    char name[256];

    if (rc != 0 || !report_entry(dirfd, path, name, sizeof(name)))
        return rc;
    if (ask_emulator("mkdir", name) == 0)
        return 0;
    /* No entry without its attributes: configfs makes both or neither. */
    real_unlinkat(dirfd, path, AT_REMOVEDIR);
    errno = EIO;
    return -1;
}

EXPORT int mkdir(const char *path, mode_t mode)
{
    int (*real)(const char *, mode_t) =
        (int (*)(const char *, mode_t))dlsym(RTLD_NEXT, "mkdir");

    return after_mkdir(AT_FDCWD, path, real(path, mode));
}

EXPORT int mkdirat(int dirfd, const char *path, mode_t mode)
{
    int (*real)(int, const char *, mode_t) =
        (int (*)(int, const char *, mode_t))dlsym(RTLD_NEXT, "mkdirat");

    return after_mkdir(dirfd, path, real(dirfd, path, mode));
}

EXPORT int rmdir(const char *path)
{
    int (*real)(const char *) =
        (int (*)(const char *))dlsym(RTLD_NEXT, "rmdir");
    char name[256];

    /* With the emulator stopped the entry is a plain directory again. */
    if (report_entry(AT_FDCWD, path, name, sizeof(name)) &&
        ask_emulator("rmdir", name) == -1)
        return -1;
    return real(path);
}

EXPORT int unlinkat(int dirfd, const char *path, int flags)
{
    int (*real)(int, const char *, int) =
        (int (*)(int, const char *, int))dlsym(RTLD_NEXT, "unlinkat");
    char name[256];

    if ((flags & AT_REMOVEDIR) &&
        report_entry(dirfd, path, name, sizeof(name)) &&
        ask_emulator("rmdir", name) == -1)
        return -1;
    return real(dirfd, path, flags);
}
