/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Atomic replacement of output files: the new content goes to a temporary
 * file in the same directory (with the final mode, fsync'ed), and only a
 * rename() makes it visible, so a reader (nginx reloading) sees the old
 * file or the new one, never a mix. Several files are prepared first and
 * committed together.
 */
#ifndef ATTLS_TOOLS_OUTFILE_H
#define ATTLS_TOOLS_OUTFILE_H

#include <limits.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "attls/status.h"

typedef struct attls_outfile {
    char path[PATH_MAX];
    char tmp[PATH_MAX]; /* "" when nothing is pending */
} attls_outfile;

/**
 * Write @p data to a temporary sibling of @p path with mode @p mode.
 * @retval ATTLS_OK prepared (commit or abort it)
 * @retval ATTLS_E_OUTPUT the directory is not writable or the write failed
 */
attls_code attls_outfile_prepare(attls_outfile *f, const char *path,
                                 const uint8_t *data, size_t len, mode_t mode,
                                 attls_status *st);

/** rename() the temporary file over the path and sync the directory. */
attls_code attls_outfile_commit(attls_outfile *f, attls_status *st);

/** Remove a prepared temporary file (no-op when nothing is pending). */
void attls_outfile_abort(attls_outfile *f);

#endif
