/* SPDX-License-Identifier: Apache-2.0 */
#include "provider/uri.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static attls_code parse_handle(const char *v, size_t len, attls_uri *out,
                               attls_status *st)
{
    char buf[16];
    char *end;
    unsigned long h;

    if (len == 0 || len >= sizeof(buf))
        return attls_fail(st, ATTLS_E_URI, "uri.handle",
                          "handle value of %zu characters", len);
    memcpy(buf, v, len);
    buf[len] = '\0';
    errno = 0;
    h = strtoul(buf, &end, 16);
    if (strncmp(buf, "0x", 2) != 0 || *end != '\0' || errno != 0 ||
        h > UINT32_MAX || (h >> 24) != 0x81)
        return attls_fail(st, ATTLS_E_URI, "uri.handle",
                          "handle '%s' is not a persistent handle "
                          "0x81000000-0x81ffffff written in hex",
                          buf);
    out->handle = (uint32_t)h;
    return ATTLS_OK;
}

static attls_code parse_auth(const char *v, size_t len, attls_uri *out,
                             attls_status *st)
{
    if (len == 6 && memcmp(v, "prompt", 6) == 0) {
        out->auth = ATTLS_URI_AUTH_PROMPT;
        return ATTLS_OK;
    }
    if (len > 5 && memcmp(v, "file:", 5) == 0 &&
        len - 5 < sizeof(out->auth_file)) {
        memcpy(out->auth_file, v + 5, len - 5);
        out->auth_file[len - 5] = '\0';
        out->auth = ATTLS_URI_AUTH_FILE;
        return ATTLS_OK;
    }
    return attls_fail(st, ATTLS_E_URI, "uri.auth",
                      "auth must be 'prompt' or 'file:/path' (the value "
                      "itself never goes in a URI)");
}

/* One "key=value" component of |len| bytes. */
static attls_code parse_component(const char *c, size_t len, attls_uri *out,
                                  int *seen, attls_status *st)
{
    const char *eq = memchr(c, '=', len);
    size_t klen, vlen;

    if (eq == NULL)
        return attls_fail(st, ATTLS_E_URI, "uri.component",
                          "component '%.*s' is not key=value", (int)len, c);
    klen = (size_t)(eq - c);
    vlen = len - klen - 1;
    if (klen == 6 && memcmp(c, "handle", 6) == 0 && !(*seen & 1)) {
        *seen |= 1;
        return parse_handle(eq + 1, vlen, out, st);
    }
    if (klen == 4 && memcmp(c, "auth", 4) == 0 && !(*seen & 2)) {
        *seen |= 2;
        return parse_auth(eq + 1, vlen, out, st);
    }
    return attls_fail(st, ATTLS_E_URI, "uri.component",
                      "unknown or repeated key '%.*s' (handle and auth are "
                      "allowed, once each)",
                      (int)klen, c);
}

attls_code attls_uri_parse(const char *uri, attls_uri *out, attls_status *st)
{
    const char *p;
    size_t n = strlen(ATTLS_URI_SCHEME);
    int seen = 0;
    attls_code code;

    memset(out, 0, sizeof(*out));
    if (strlen(uri) > ATTLS_URI_MAX || strncmp(uri, ATTLS_URI_SCHEME, n) != 0 ||
        uri[n] != ':')
        return attls_fail(st, ATTLS_E_URI, "uri.scheme",
                          "not an attls: URI (or longer than %d characters)",
                          ATTLS_URI_MAX);
    p = uri + n + 1;
    while (*p != '\0') {
        const char *semi = strchr(p, ';');
        size_t len = semi != NULL ? (size_t)(semi - p) : strlen(p);

        code = parse_component(p, len, out, &seen, st);
        if (code != ATTLS_OK)
            return code;
        p += len;
        if (*p == ';' && *++p == '\0')
            return attls_fail(st, ATTLS_E_URI, "uri.component",
                              "empty component after ';'");
    }
    if (!(seen & 1))
        return attls_fail(st, ATTLS_E_URI, "uri.handle",
                          "no handle=0x81xxxxxx in '%s'", uri);
    return ATTLS_OK;
}
