/* SPDX-License-Identifier: Apache-2.0 */
#include "common/log.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static pthread_once_t log_once = PTHREAD_ONCE_INIT;
static int log_on;
static FILE *log_stream;

static void log_init(void)
{
    const char *v = getenv("ATTLS_DEBUG");

    if (v == NULL || *v == '\0' || strcmp(v, "0") == 0)
        return;
    log_on = 1;
    log_stream = stderr;
    if (strncmp(v, "file:", 5) == 0) {
        FILE *f = fopen(v + 5, "a");

        if (f != NULL) {
            setvbuf(f, NULL, _IOLBF, 0);
            log_stream = f;
        }
    }
}

int attls_log_enabled(void)
{
    pthread_once(&log_once, log_init);
    return log_on;
}

void attls_vlog(const char *module, const char *fmt, va_list ap)
{
    char line[1024];
    int n;

    if (!attls_log_enabled())
        return;
    n = snprintf(line, sizeof(line), "attls[%ld] %s: ", (long)getpid(),
                 module);
    if (n < 0 || (size_t)n >= sizeof(line))
        return;
    vsnprintf(line + n, sizeof(line) - (size_t)n, fmt, ap);
    /* One fputs per line keeps lines from concurrent workers whole. */
    fprintf(log_stream, "%s\n", line);
}

void attls_log(const char *module, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    attls_vlog(module, fmt, ap);
    va_end(ap);
}
