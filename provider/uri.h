/* SPDX-License-Identifier: Apache-2.0 */
/*
 * attls: URIs naming persistent TPM keys (provider/store.c):
 *
 *   attls:handle=0x81000010
 *   attls:handle=0x81000010;auth=prompt        ask the passphrase callback
 *   attls:handle=0x81000010;auth=file:/path    first line of a file
 *
 * The auth value itself never appears in a URI (URIs end up in logs and
 * process listings).
 */
#ifndef ATTLS_PROVIDER_URI_H
#define ATTLS_PROVIDER_URI_H

#include <stdint.h>

#include "attls/status.h"

#define ATTLS_URI_SCHEME "attls"
#define ATTLS_URI_MAX 1024

typedef enum attls_uri_auth {
    ATTLS_URI_AUTH_NONE,   /* empty auth value */
    ATTLS_URI_AUTH_PROMPT, /* the passphrase callback */
    ATTLS_URI_AUTH_FILE,   /* the first line of |auth_file| */
} attls_uri_auth;

typedef struct attls_uri {
    uint32_t handle;
    attls_uri_auth auth;
    char auth_file[ATTLS_URI_MAX];
} attls_uri;

/*
 * Parse @p uri strictly (known keys once each, a persistent handle).
 * @retval ATTLS_OK, or ATTLS_E_URI with @p st saying what and where
 */
attls_code attls_uri_parse(const char *uri, attls_uri *out, attls_status *st);

#endif
