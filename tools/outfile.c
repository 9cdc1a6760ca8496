/* SPDX-License-Identifier: Apache-2.0 */
#include "tools/outfile.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static attls_code out_fail(attls_status *st, const char *what, const char *path)
{
    return attls_fail(st, ATTLS_E_OUTPUT, "output.write", "%s %s: %s", what,
                      path, strerror(errno));
}

attls_code attls_outfile_prepare(attls_outfile *f, const char *path,
                                 const uint8_t *data, size_t len, mode_t mode,
                                 attls_status *st)
{
    size_t off = 0;
    int fd;

    memset(f, 0, sizeof(*f));
    if (snprintf(f->path, sizeof(f->path), "%s", path) >=
            (int)sizeof(f->path) ||
        snprintf(f->tmp, sizeof(f->tmp), "%s.attls-XXXXXX", path) >=
            (int)sizeof(f->tmp)) {
        f->tmp[0] = '\0';
        return attls_fail(st, ATTLS_E_OUTPUT, "output.path",
                          "output path too long: %.100s...", path);
    }
    fd = mkstemp(f->tmp);
    if (fd < 0) {
        attls_code rc = out_fail(st, "cannot create a file next to", path);

        f->tmp[0] = '\0';
        return rc;
    }
    if (fchmod(fd, mode) != 0)
        goto fail;
    while (off < len) {
        ssize_t n = write(fd, data + off, len - off);

        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            goto fail;
        off += (size_t)n;
    }
    if (fsync(fd) != 0)
        goto fail;
    if (close(fd) != 0) {
        fd = -1;
        goto fail;
    }
    return ATTLS_OK;
fail : {
    attls_code rc = out_fail(st, "cannot write", f->tmp);

    if (fd >= 0)
        close(fd);
    attls_outfile_abort(f);
    return rc;
}
}

attls_code attls_outfile_commit(attls_outfile *f, attls_status *st)
{
    char dir[PATH_MAX];
    int fd;

    if (f->tmp[0] == '\0')
        return ATTLS_OK;
    if (rename(f->tmp, f->path) != 0) {
        attls_code rc = out_fail(st, "cannot replace", f->path);

        attls_outfile_abort(f);
        return rc;
    }
    f->tmp[0] = '\0';
    /* Make the rename itself durable. */
    snprintf(dir, sizeof(dir), "%s", f->path);
    fd = open(dirname(dir), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0) {
        fsync(fd);
        close(fd);
    }
    return ATTLS_OK;
}

void attls_outfile_abort(attls_outfile *f)
{
    if (f->tmp[0] != '\0')
        unlink(f->tmp);
    f->tmp[0] = '\0';
}
