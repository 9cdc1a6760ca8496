/* SPDX-License-Identifier: Apache-2.0 */
#include "evidence/json_util.h"

#include <stdio.h>

#include <openssl/crypto.h>

#include "common/bytes.h"
#include "common/timeutil.h"

json_t *attls_json_hex(const uint8_t *p, size_t len)
{
    char *hex;
    json_t *j;

    if (len > SIZE_MAX / 2 - 1)
        return NULL;
    hex = OPENSSL_malloc(2 * len + 1);
    if (hex == NULL)
        return NULL;
    attls_hex_encode(p, len, hex);
    j = json_stringn(hex, 2 * len);
    OPENSSL_free(hex);
    return j;
}

json_t *attls_json_u64hex(uint64_t v)
{
    char buf[19];

    snprintf(buf, sizeof(buf), "0x%016llx", (unsigned long long)v);
    return json_string(buf);
}

json_t *attls_json_time(time_t t)
{
    char buf[32];

    attls_format_rfc3339(t, buf, sizeof(buf));
    return json_string(buf);
}

int attls_json_set(json_t *obj, const char *key, json_t *value)
{
    if (value == NULL)
        return -1;
    return json_object_set_new(obj, key, value) == 0 ? 0 : -1;
}
