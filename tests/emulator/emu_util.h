/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Small helpers shared by the cloud emulator (tests/emulator): error
 * messages, files in the state directory, little-endian fields and TCP
 * sockets on the loopback interface. Test infrastructure only: nothing here
 * is linked into attls itself.
 */
#ifndef ATTLS_EMU_UTIL_H
#define ATTLS_EMU_UTIL_H

#include <stddef.h>
#include <stdint.h>

#include "common/bytes.h"

/** Program name used as the prefix of every message ("attls-emu proxy"). */
extern const char *emu_progname;

/** Print "PROG: message" (plus the OpenSSL error queue, if any) on stderr. */
void emu_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/** Print "PROG: message" on stderr when ATTLS_EMU_VERBOSE is set. */
void emu_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/** Join @p dir and @p name into @p out (size @p cap); -1 when too long. */
int emu_path(char *out, size_t cap, const char *dir, const char *name);

/**
 * Write @p len bytes to @p path atomically (temporary file, fsync, rename)
 * with permissions @p mode. @retval 0 success, -1 failure (reported)
 */
int emu_write_file(const char *path, const void *data, size_t len,
                   unsigned mode);

/** Read @p dir/@p name (at most @p max bytes). @retval 0, -1 (reported) */
int emu_read_file(const char *dir, const char *name, size_t max,
                  attls_buf *out);

/** Fill @p out with @p len random bytes. @retval 0, -1 (reported) */
int emu_random(void *out, size_t len);

void emu_put_le16(uint8_t *p, uint16_t v);
void emu_put_le32(uint8_t *p, uint32_t v);
void emu_put_le64(uint8_t *p, uint64_t v);
uint16_t emu_get_le16(const uint8_t *p);
uint32_t emu_get_le32(const uint8_t *p);
uint64_t emu_get_le64(const uint8_t *p);

/**
 * Listen on 127.0.0.1:@p port (TCP, SO_REUSEADDR); port 0 lets the kernel
 * choose a free one, stored back in @p port.
 * @return the socket, or -1 (reported)
 */
int emu_tcp_listen(uint16_t *port);

/**
 * Listen on two consecutive ports P and P+1 (swtpm's data and control
 * ports), P chosen by the kernel. @retval 0 and @p fds, @p port; -1
 */
int emu_tcp_listen_pair(uint16_t *port, int fds[2]);

/**
 * Parse a listening port argument: a number, or "auto" for one the kernel
 * chooses (0). @retval 0, -1 (reported)
 */
int emu_parse_listen_port(const char *s, uint16_t *port);

/** Write "PORT\n" to @p dir/@p name atomically. @retval 0, -1 */
int emu_write_port_file(const char *dir, const char *name, uint16_t port);

/** Connect to 127.0.0.1:@p port. @return the socket, or -1 (reported) */
int emu_tcp_connect(uint16_t port);

/** Write all of @p len bytes. @retval 0, -1 on error */
int emu_write_all(int fd, const void *buf, size_t len);

/**
 * Read exactly @p len bytes.
 * @retval 1 done, 0 end of stream before the first byte, -1 error or
 *         end of stream in the middle
 */
int emu_read_exact(int fd, void *buf, size_t len);

/** Parse a decimal TCP port. @retval 0, -1 (reported) */
int emu_parse_port(const char *s, uint16_t *port);

#endif
