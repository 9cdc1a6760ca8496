/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Parsing TPM 2.0 commands and responses in flight (handle and
 * authorization areas), and following the authorization sessions that
 * pass through, so that a proxy can take part in an HMAC session whose key
 * it knows: an unbound, unsalted session (session key empty) authorizing an
 * entity with an empty auth value, the sessions tpm2-tools open by default.
 */
#ifndef ATTLS_EMU_TPMSESS_H
#define ATTLS_EMU_TPMSESS_H

#include <stddef.h>
#include <stdint.h>

#include <tss2/tss2_tpm2_types.h>

#define EMU_MAX_AUTHS 3
#define EMU_MAX_SESSIONS 64

/* Handle counts of every command the TPM implements (TPM2_CAP_COMMANDS). */
typedef struct emu_cc_table {
    TPMA_CC cca[TPM2_MAX_CAP_CC];
    size_t n;
} emu_cc_table;

/** Ask the TPM behind @p fd. @retval 0, -1 (reported) */
int emu_cc_table_load(int fd, emu_cc_table *t);

typedef struct emu_cmd {
    uint16_t tag;
    uint32_t code;
    int n_handles;
    uint32_t handles[3];
    int n_auths;
    TPMS_AUTH_COMMAND auth[EMU_MAX_AUTHS];
    const uint8_t *params;
    size_t params_len;
    int rhandle; /* the response carries a handle */
} emu_cmd;

typedef struct emu_rsp {
    uint16_t tag;
    uint32_t rc;
    int n_handles;
    uint32_t handle;
    const uint8_t *params;
    size_t params_len;
    int n_auths;
    TPMS_AUTH_RESPONSE auth[EMU_MAX_AUTHS];
} emu_rsp;

/** @retval 0 parsed, -1 unknown command or malformed */
int emu_cmd_parse(const emu_cc_table *t, const uint8_t *buf, size_t len,
                  emu_cmd *c);
/** Parse the response to @p c. @retval 0, -1 malformed */
int emu_rsp_parse(const emu_cmd *c, const uint8_t *buf, size_t len, emu_rsp *r);

typedef struct emu_session {
    uint32_t handle; /* 0: free slot */
    TPMI_ALG_HASH hash;
    int key_empty; /* unbound and unsalted: the session key is empty */
    TPM2B_NONCE nonce_tpm;
} emu_session;

typedef struct emu_sessions {
    emu_session s[EMU_MAX_SESSIONS];
} emu_sessions;

/** Follow a command and its response (new sessions, nonces, flushes). */
void emu_sessions_observe(emu_sessions *ss, const emu_cmd *c, const emu_rsp *r);
emu_session *emu_sessions_find(emu_sessions *ss, uint32_t handle);

/**
 * cpHash = H(commandCode || names || params) or rpHash = H(0 || commandCode
 * || params) (@p names NULL). @retval digest length, 0 on failure
 */
size_t emu_param_hash(TPMI_ALG_HASH alg, int response, uint32_t code,
                      const TPM2B_NAME *names, int n_names,
                      const uint8_t *params, size_t len, uint8_t *out);

/**
 * Session HMAC with key sessionKey || authValue, both empty:
 * HMAC(pHash || nonceNewer || nonceOlder || attrs). @retval length, 0
 */
size_t emu_session_hmac(TPMI_ALG_HASH alg, const uint8_t *phash,
                        size_t phash_len, const TPM2B_NONCE *newer,
                        const TPM2B_NONCE *older, uint8_t attrs, uint8_t *out);

#endif
