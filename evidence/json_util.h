/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Small jansson helpers for turning verified claims into JSON. Every
 * constructor returns a new reference or NULL on allocation failure, and
 * attls_json_set() takes a NULL value as a failure, so that a builder can
 * OR the results of a series of calls and check once.
 */
#ifndef ATTLS_EVIDENCE_JSON_UTIL_H
#define ATTLS_EVIDENCE_JSON_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <jansson.h>

/** Lower-case hex string of @p len bytes. */
json_t *attls_json_hex(const uint8_t *p, size_t len);

/** "0x" and 16 hex digits, for 64-bit fields and bit masks. */
json_t *attls_json_u64hex(uint64_t v);

/** RFC 3339 UTC time string. */
json_t *attls_json_time(time_t t);

/**
 * Set @p key of @p obj to @p value, taking the reference.
 * @retval 0 set
 * @retval -1 @p value was NULL or the object could not grow (the value's
 *         reference is released either way)
 */
int attls_json_set(json_t *obj, const char *key, json_t *value);

#endif
