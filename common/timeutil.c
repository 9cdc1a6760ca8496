/* SPDX-License-Identifier: Apache-2.0 */
#include "common/timeutil.h"

#include <stdio.h>
#include <stdint.h>
#include <string.h>


static int digits(const char *s, int n, int *out)
{
    int v = 0;

    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return 0;
}

int attls_parse_rfc3339(const char *s, time_t *out)
{
    struct tm tm;
    int year, mon, day, hh, mm, ss, off_h = 0, off_m = 0, sign = 0;
    int64_t secs;
    const char *p;

    if (s == NULL || strlen(s) < 20)
        return -1;
    if (digits(s, 4, &year) || s[4] != '-' || digits(s + 5, 2, &mon) ||
        s[7] != '-' || digits(s + 8, 2, &day) ||
        (s[10] != 'T' && s[10] != 't' && s[10] != ' ') ||
        digits(s + 11, 2, &hh) || s[13] != ':' || digits(s + 14, 2, &mm) ||
        s[16] != ':' || digits(s + 17, 2, &ss))
        return -1;
    p = s + 19;
    if (*p == '.') {
        p++;
        if (*p < '0' || *p > '9')
            return -1;
        while (*p >= '0' && *p <= '9')
            p++;
    }
    if (*p == 'Z' || *p == 'z') {
        p++;
    } else if (*p == '+' || *p == '-') {
        sign = *p == '+' ? 1 : -1;
        if (digits(p + 1, 2, &off_h) || p[3] != ':' ||
            digits(p + 4, 2, &off_m) || off_h > 23 || off_m > 59)
            return -1;
        p += 6;
    } else {
        return -1;
    }
    if (*p != '\0' || mon < 1 || mon > 12 || day < 1 || day > 31 || hh > 23 ||
        mm > 59 || ss > 60)
        return -1;
    memset(&tm, 0, sizeof(tm));
    tm.tm_year = year - 1900;
    tm.tm_mon = mon - 1;
    tm.tm_mday = day;
    tm.tm_hour = hh;
    tm.tm_min = mm;
    tm.tm_sec = ss == 60 ? 59 : ss;
    /* timegm() ignores TZ, unlike mktime(). */
    secs = (int64_t)timegm(&tm);
    if (secs == -1 && !(year == 1969 && mon == 12 && day == 31))
        return -1;
    secs -= (int64_t)sign * (off_h * 3600 + off_m * 60);
    *out = (time_t)secs;
    return 0;
}

void attls_format_rfc3339(time_t t, char *buf, size_t len)
{
    struct tm tm;

    if (gmtime_r(&t, &tm) == NULL) {
        snprintf(buf, len, "invalid-time");
        return;
    }
    strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}
