/* SPDX-License-Identifier: Apache-2.0 */
/**
 * @file evidence/cmw.h
 * JSON CMW collections (draft-ietf-rats-msg-wrap): build, encode, decode.
 *
 * This is the generic layer: a collection type plus labelled records
 * `[media-type, base64url-value, ind]`. It knows nothing about attls labels
 * (evidence/format.h does). Decoding is strict and bounded because the
 * collection comes from a peer's certificate: duplicate members, nested
 * collections, tunnels, padded or non-canonical base64url, media types with
 * parameters and anything over the limits below are refused.
 */
#ifndef ATTLS_EVIDENCE_CMW_H
#define ATTLS_EVIDENCE_CMW_H

#include <stddef.h>
#include <stdint.h>

#include "attls/status.h"
#include "common/bytes.h"

/** Largest JSON text attls encodes or decodes. */
#define ATTLS_CMW_MAX_JSON (32 * 1024)
/** Most records in one collection. */
#define ATTLS_CMW_MAX_RECORDS 16
/** Longest label (characters [A-Za-z0-9._-]). */
#define ATTLS_CMW_MAX_LABEL 64
/** Longest media type ("type/subtype", RFC 6838 restricted names). */
#define ATTLS_CMW_MAX_MEDIA_TYPE 127
/** Longest collection type (__cmwc_t). */
#define ATTLS_CMW_MAX_CTYPE 255

/** CMW conceptual-message indicator bits (the record's `ind`). */
#define ATTLS_CMW_IND_REFERENCE_VALUES 1u
#define ATTLS_CMW_IND_ENDORSEMENTS 2u
#define ATTLS_CMW_IND_EVIDENCE 4u
#define ATTLS_CMW_IND_ATTESTATION_RESULTS 8u

/** One labelled record. */
typedef struct attls_cmw_record {
    char label[ATTLS_CMW_MAX_LABEL + 1];
    char media_type[ATTLS_CMW_MAX_MEDIA_TYPE + 1];
    uint32_t ind;    /**< 0 when the record has no `ind` */
    attls_buf value; /**< decoded bytes, owned by the collection */
} attls_cmw_record;

/** A collection: its type and its records in document order. */
typedef struct attls_cmw {
    char type[ATTLS_CMW_MAX_CTYPE + 1]; /**< __cmwc_t, "" when absent */
    attls_cmw_record records[ATTLS_CMW_MAX_RECORDS];
    size_t count;
} attls_cmw;

/** Initialise @p c as an empty collection of type @p ctype (NULL: none). */
void attls_cmw_init(attls_cmw *c, const char *ctype);

/** Free every record's value and reset @p c to empty. */
void attls_cmw_free(attls_cmw *c);

/**
 * Append a record (the bytes are copied).
 * @param ind indicator bits, 0 for none
 * @retval ATTLS_OK added
 * @retval ATTLS_E_ARGUMENT invalid label or media type, duplicate label,
 *         too many records, or a value larger than the JSON limit allows
 * @retval ATTLS_E_INTERNAL allocation failure
 */
attls_code attls_cmw_add(attls_cmw *c, const char *label,
                         const char *media_type, uint32_t ind,
                         const uint8_t *data, size_t len, attls_status *st);

/** @return the record labelled @p label, or NULL. */
const attls_cmw_record *attls_cmw_get(const attls_cmw *c, const char *label);

/**
 * Serialise @p c as compact JSON: __cmwc_t first, then the records in the
 * order they were added. @p json receives the text (NUL-terminated, the NUL
 * not counted).
 * @retval ATTLS_OK done
 * @retval ATTLS_E_ARGUMENT empty collection
 * @retval ATTLS_E_EVIDENCE_TOO_LARGE text over ATTLS_CMW_MAX_JSON
 * @retval ATTLS_E_INTERNAL allocation or jansson failure
 */
attls_code attls_cmw_encode(const attls_cmw *c, attls_buf *json,
                            attls_status *st);

/**
 * Parse a JSON CMW collection. On failure @p c is left empty.
 * @retval ATTLS_OK @p c filled (free with attls_cmw_free())
 * @retval ATTLS_E_EVIDENCE_TOO_LARGE text over ATTLS_CMW_MAX_JSON
 * @retval ATTLS_E_CMW_SYNTAX not JSON, not an object, duplicate members,
 *         a member that is not a well-formed record, too many records
 * @retval ATTLS_E_INTERNAL allocation failure
 */
attls_code attls_cmw_decode(const char *json, size_t len, attls_cmw *c,
                            attls_status *st);

/** @return non-zero when @p s is a valid label. */
int attls_cmw_label_valid(const char *s);

/** @return non-zero when @p s is a valid parameter-free media type. */
int attls_cmw_media_type_valid(const char *s);

#endif
