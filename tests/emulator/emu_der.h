/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A minimal DER writer for the vendor-specific certificate extensions the
 * emulator issues (AMD VCEK TCB fields, Intel SGX PCK extension, GCE
 * instance identity): nested constructed values with definite lengths.
 */
#ifndef ATTLS_EMU_DER_H
#define ATTLS_EMU_DER_H

#include <stddef.h>
#include <stdint.h>

#define EMU_DER_DEPTH 8

typedef struct emu_der {
    uint8_t *data;
    size_t len, cap;
    size_t open[EMU_DER_DEPTH]; /* content start of each open value */
    int depth;
    int failed; /* sticky: set on allocation failure or misuse */
} emu_der;

void emu_der_init(emu_der *d);
void emu_der_free(emu_der *d);

/** Open a constructed value with identifier octet @p tag (0x30, 0xA0...). */
void emu_der_begin(emu_der *d, uint8_t tag);
/** Close the innermost open value, writing its definite length. */
void emu_der_end(emu_der *d);

/** Append a primitive value: tag, definite length, content. */
void emu_der_prim(emu_der *d, uint8_t tag, const void *content, size_t len);
/** INTEGER holding the non-negative @p v in minimal two's complement. */
void emu_der_uint(emu_der *d, uint64_t v);
/** OBJECT IDENTIFIER from dotted text ("1.2.840.113741.1.13.1.4"). */
void emu_der_oid(emu_der *d, const char *dotted);
void emu_der_bool(emu_der *d, int v);
/** Raw bytes appended as they are (already DER, or deliberately untagged). */
void emu_der_raw(emu_der *d, const void *bytes, size_t len);

/** @retval 0 the value is complete and well-formed, -1 otherwise */
int emu_der_finish(const emu_der *d);

#endif
