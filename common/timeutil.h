/* SPDX-License-Identifier: Apache-2.0 */
#ifndef ATTLS_COMMON_TIMEUTIL_H
#define ATTLS_COMMON_TIMEUTIL_H

#include <time.h>

/**
 * Parse an RFC 3339 UTC or offset timestamp ("2026-03-01T00:00:00Z",
 * "2023-06-18T00:00:00.123+02:00") into seconds since the epoch.
 * Fractional seconds are accepted and dropped.
 * @retval 0 success, -1 malformed or out of range
 */
int attls_parse_rfc3339(const char *s, time_t *out);

/** Format @p t as "YYYY-MM-DDThh:mm:ssZ" into @p buf (at least 21 bytes). */
void attls_format_rfc3339(time_t t, char *buf, size_t len);

#endif
