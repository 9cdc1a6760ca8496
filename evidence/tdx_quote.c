/* SPDX-License-Identifier: Apache-2.0 */
/* Strict, bounded parsing of TDX quotes v4/v5 (layout in tdx_quote.h). */
#include "evidence/tdx_quote.h"

#include <string.h>

#include "common/bytes.h"

const uint8_t attls_tdx_intel_qe_vendor_id[16] = {
    0x93, 0x9a, 0x72, 0x33, 0xf7, 0x9c, 0x4c, 0xa9,
    0x94, 0x0a, 0x0d, 0xb3, 0x95, 0x7f, 0x06, 0x07};

/* Header offsets. */
#define HDR_VERSION 0
#define HDR_ATT_KEY_TYPE 2
#define HDR_TEE_TYPE 4
#define HDR_QE_VENDOR_ID 12
#define V5_DESCRIPTOR_LEN 6
/* Fixed part of the signature data: sig, key, cert type, cert size. */
#define SIG_FIXED_LEN (ATTLS_TDX_SIG_LEN + ATTLS_TDX_KEY_LEN + 2 + 4)

/*
 * A read position in [base, base + len). @code is what running out of
 * bytes means: TRUNCATED for the buffer, LENGTH inside a declared length.
 */
typedef struct cursor {
    const uint8_t *base;
    size_t len, pos;
    size_t abs; /* offset of base within the quote, for messages */
    attls_code code;
} cursor;

static attls_code need(const cursor *c, size_t n, const char *what,
                       attls_status *st)
{
    if (c->len - c->pos >= n)
        return ATTLS_OK;
    if (c->code == ATTLS_E_TDX_TRUNCATED)
        return attls_fail(st, c->code, "tdx.quote",
                          "quote of %zu bytes ends inside the %s (%zu bytes "
                          "needed at offset %zu)",
                          c->len, what, n, c->abs + c->pos);
    return attls_fail(st, c->code, "tdx.quote",
                      "the %s (%zu bytes at offset %zu) overruns its "
                      "enclosing length field (%zu bytes left)",
                      what, n, c->abs + c->pos, c->len - c->pos);
}

static const uint8_t *take(cursor *c, size_t n)
{
    const uint8_t *p = c->base + c->pos;

    c->pos += n;
    return p;
}

static attls_code parse_header(cursor *c, attls_tdx_quote *q, attls_status *st)
{
    attls_code rc = need(c, ATTLS_TDX_HEADER_LEN, "48-byte header", st);
    const uint8_t *h;
    uint16_t key_type;
    uint32_t tee_type;

    if (rc != ATTLS_OK)
        return rc;
    h = take(c, ATTLS_TDX_HEADER_LEN);
    q->version = attls_le16(h + HDR_VERSION);
    key_type = attls_le16(h + HDR_ATT_KEY_TYPE);
    tee_type = attls_le32(h + HDR_TEE_TYPE);
    if (q->version != 4 && q->version != 5)
        return attls_fail(st, ATTLS_E_TDX_VERSION, "tdx.quote",
                          "quote version %u at offset 0 is not supported "
                          "(4 or 5)",
                          q->version);
    if (key_type != ATTLS_TDX_ATT_KEY_ECDSA_P256)
        return attls_fail(st, ATTLS_E_TDX_KEY_TYPE, "tdx.quote",
                          "attestation key type %u at offset 2 is not 2 "
                          "(ECDSA-256-with-P-256)",
                          key_type);
    if (tee_type != ATTLS_TDX_TEE_TYPE_TDX)
        return attls_fail(st, ATTLS_E_TDX_TEE_TYPE, "tdx.quote",
                          "TEE type 0x%x at offset 4 is not TDX (0x81)",
                          tee_type);
    if (memcmp(h + HDR_QE_VENDOR_ID, attls_tdx_intel_qe_vendor_id, 16) != 0)
        return attls_fail(st, ATTLS_E_TDX_QE_VENDOR, "tdx.quote",
                          "QE vendor ID at offset 12 is not Intel's "
                          "939a7233f79c4ca9940a0db3957f0607");
    return ATTLS_OK;
}

static attls_code parse_v5_descriptor(cursor *c, attls_tdx_quote *q,
                                      attls_status *st)
{
    attls_code rc = need(c, V5_DESCRIPTOR_LEN, "v5 body descriptor", st);
    const uint8_t *d;
    uint32_t size;

    if (rc != ATTLS_OK)
        return rc;
    d = take(c, V5_DESCRIPTOR_LEN);
    q->body_type = attls_le16(d);
    size = attls_le32(d + 2);
    if (!(q->body_type == ATTLS_TDX_BODY_TYPE_TD10 &&
          size == ATTLS_TDX_BODY10_LEN) &&
        !(q->body_type == ATTLS_TDX_BODY_TYPE_TD15 &&
          size == ATTLS_TDX_BODY15_LEN))
        return attls_fail(st, ATTLS_E_TDX_BODY_TYPE, "tdx.quote",
                          "v5 body type %u of %u bytes at offset 48 is not "
                          "a TD report (type 2 of 584 or type 3 of 648 "
                          "bytes)",
                          q->body_type, size);
    q->body_len = size;
    return ATTLS_OK;
}

static attls_code parse_body(cursor *c, attls_tdx_quote *q, attls_status *st)
{
    attls_code rc = ATTLS_OK;

    q->body_type = ATTLS_TDX_BODY_TYPE_TD10;
    q->body_len = ATTLS_TDX_BODY10_LEN;
    if (q->version == 5)
        rc = parse_v5_descriptor(c, q, st);
    if (rc == ATTLS_OK)
        rc = need(c, q->body_len, "TD report body", st);
    if (rc != ATTLS_OK)
        return rc;
    q->body = take(c, q->body_len);
    q->signed_data = c->base;
    q->signed_len = c->pos;
    return ATTLS_OK;
}

/*
 * A certification data header: u16 type, which must be @p want, and u32
 * size, which must be exactly what is left of @p c (the data follows).
 */
static attls_code cert_header(cursor *c, uint16_t want, const char *what,
                              attls_status *st)
{
    attls_code rc = need(c, 6, what, st);
    uint16_t type;
    uint32_t size;

    if (rc != ATTLS_OK)
        return rc;
    type = attls_le16(take(c, 2));
    size = attls_le32(take(c, 4));
    if (type != want)
        return attls_fail(st, ATTLS_E_TDX_CERT_DATA, "tdx.quote",
                          "%s type %u at offset %zu is not %u", what, type,
                          c->abs + c->pos - 6, want);
    if (size != c->len - c->pos)
        return attls_fail(st, ATTLS_E_TDX_LENGTH, "tdx.quote",
                          "%s size %u at offset %zu differs from the %zu "
                          "bytes that follow it",
                          what, size, c->abs + c->pos - 4, c->len - c->pos);
    return ATTLS_OK;
}

/* The QE report certification data (type 6) filling all of @p c. */
static attls_code parse_qe_cert_data(cursor *c, attls_tdx_quote *q,
                                     attls_status *st)
{
    attls_code rc;
    size_t size;

    rc = need(c, ATTLS_TDX_QE_REPORT_LEN + ATTLS_TDX_SIG_LEN + 2,
              "QE report, its signature and the auth data size", st);
    if (rc != ATTLS_OK)
        return rc;
    q->qe_report = take(c, ATTLS_TDX_QE_REPORT_LEN);
    q->qe_report_sig = take(c, ATTLS_TDX_SIG_LEN);
    q->qe_auth_len = attls_le16(take(c, 2));
    if ((rc = need(c, q->qe_auth_len, "QE auth data", st)) != ATTLS_OK)
        return rc;
    q->qe_auth_data = take(c, q->qe_auth_len);
    rc = cert_header(c, ATTLS_TDX_CERT_PCK_CHAIN,
                     "inner certification data (5 = PCK chain)", st);
    if (rc != ATTLS_OK)
        return rc;
    size = c->len - c->pos;
    q->pck_chain = (const char *)take(c, size);
    q->pck_chain_len = size;
    /* Quote generators terminate the PEM text with one NUL. */
    if (size > 0 && q->pck_chain[size - 1] == '\0')
        q->pck_chain_len--;
    return ATTLS_OK;
}

/* The signature data, @p c covering exactly its declared length. */
static attls_code parse_signature_data(cursor *c, attls_tdx_quote *q,
                                       attls_status *st)
{
    attls_code rc = need(c, SIG_FIXED_LEN, "signature data fixed part", st);
    cursor cert;

    if (rc != ATTLS_OK)
        return rc;
    q->signature = take(c, ATTLS_TDX_SIG_LEN);
    q->att_key = take(c, ATTLS_TDX_KEY_LEN);
    rc = cert_header(c, ATTLS_TDX_CERT_QE_REPORT,
                     "certification data (6 = QE report)", st);
    if (rc != ATTLS_OK)
        return rc;
    cert = (cursor){c->base + c->pos, c->len - c->pos, 0, c->abs + c->pos,
                    ATTLS_E_TDX_LENGTH};
    return parse_qe_cert_data(&cert, q, st);
}

attls_code attls_tdx_quote_parse(const uint8_t *buf, size_t len,
                                 attls_tdx_quote *q, attls_status *st)
{
    cursor c = {buf, len, 0, 0, ATTLS_E_TDX_TRUNCATED};
    cursor sig;
    uint32_t sig_len;
    attls_code rc;

    memset(q, 0, sizeof(*q));
    if ((rc = parse_header(&c, q, st)) != ATTLS_OK ||
        (rc = parse_body(&c, q, st)) != ATTLS_OK ||
        (rc = need(&c, 4, "signature data length", st)) != ATTLS_OK)
        goto fail;
    sig_len = attls_le32(take(&c, 4));
    if ((rc = need(&c, sig_len, "signature data", st)) != ATTLS_OK)
        goto fail;
    sig = (cursor){buf + c.pos, sig_len, 0, c.pos, ATTLS_E_TDX_LENGTH};
    if ((rc = parse_signature_data(&sig, q, st)) != ATTLS_OK)
        goto fail;
    q->quote_len = c.pos + sig_len;
    q->trailing_len = len - q->quote_len;
    return ATTLS_OK;
fail:
    memset(q, 0, sizeof(*q));
    return rc;
}

void attls_tdx_td_report_decode(const attls_tdx_quote *q,
                                attls_tdx_td_report *out)
{
    const uint8_t *b = q->body;

    memset(out, 0, sizeof(*out));
    memcpy(out->tee_tcb_svn, b + 0, 16);
    memcpy(out->mrseam, b + 16, ATTLS_TDX_MR_LEN);
    memcpy(out->mrsignerseam, b + 64, ATTLS_TDX_MR_LEN);
    out->seam_attributes = attls_le64(b + 112);
    out->td_attributes = attls_le64(b + 120);
    out->xfam = attls_le64(b + 128);
    memcpy(out->mrtd, b + 136, ATTLS_TDX_MR_LEN);
    memcpy(out->mrconfigid, b + 184, ATTLS_TDX_MR_LEN);
    memcpy(out->mrowner, b + 232, ATTLS_TDX_MR_LEN);
    memcpy(out->mrownerconfig, b + 280, ATTLS_TDX_MR_LEN);
    for (int i = 0; i < 4; i++)
        memcpy(out->rtmr[i], b + 328 + i * ATTLS_TDX_MR_LEN, ATTLS_TDX_MR_LEN);
    memcpy(out->report_data, b + 520, 64);
    if (q->body_len == ATTLS_TDX_BODY15_LEN) {
        out->is_tdx15 = 1;
        memcpy(out->tee_tcb_svn2, b + 584, 16);
        memcpy(out->mrservicetd, b + 600, ATTLS_TDX_MR_LEN);
    }
}

void attls_sgx_report_decode(const uint8_t raw[ATTLS_TDX_QE_REPORT_LEN],
                             attls_sgx_report_body *out)
{
    memcpy(out->cpusvn, raw + 0, 16);
    out->miscselect = attls_le32(raw + 16);
    memcpy(out->attributes, raw + 48, 16);
    memcpy(out->mrenclave, raw + 64, 32);
    memcpy(out->mrsigner, raw + 128, 32);
    out->isvprodid = attls_le16(raw + 256);
    out->isvsvn = attls_le16(raw + 258);
    memcpy(out->report_data, raw + 320, 64);
}
