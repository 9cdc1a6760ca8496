/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Strict parser of the Azure HCL attestation report container and the
 * REPORT_DATA binding of its runtime claims. Layout sources: the Azure
 * guest-attestation design document, HwVmReport.h and the OpenHCL
 * producer (openvmm igvm_attest); see ../shared/reference/cloud-vtpm.md.
 */
#include "evidence/hcl.h"

#include <string.h>

#include <openssl/crypto.h>
#include <openssl/sha.h>

#include "common/bytes.h"

enum {
    OFF_MAGIC = 0x00,
    OFF_VERSION = 0x04,
    OFF_REPORT_SIZE = 0x08,
    OFF_REQUEST_TYPE = 0x0C,
    OFF_STATUS = 0x10,
    OFF_RESERVED = 0x14,
    OFF_DATA_SIZE = ATTLS_HCL_IGVM_OFFSET,
    OFF_DATA_VERSION = ATTLS_HCL_IGVM_OFFSET + 4,
    OFF_REPORT_TYPE = ATTLS_HCL_IGVM_OFFSET + 8,
    OFF_HASH_TYPE = ATTLS_HCL_IGVM_OFFSET + 12,
    OFF_CLAIMS_LEN = ATTLS_HCL_IGVM_OFFSET + 16,
    /* Absolute REPORT_DATA offsets, for messages. */
    SNP_REPORT_DATA_ABS = ATTLS_HCL_HW_REPORT_OFFSET + 0x50,
    TDX_REPORT_DATA_ABS =
        ATTLS_HCL_HW_REPORT_OFFSET + ATTLS_TDREPORT_REPORT_DATA_OFFSET,
};

static attls_code check_zero(const uint8_t *buf, size_t start, size_t end,
                             const char *what, attls_status *st)
{
    for (size_t off = start; off < end; off++) {
        if (buf[off] != 0)
            return attls_fail(st, ATTLS_E_HCL_RESERVED, "hcl.reserved",
                              "%s [0x%zx, 0x%zx) must be zero: byte 0x%zx "
                              "is 0x%02x",
                              what, start, end, off, buf[off]);
    }
    return ATTLS_OK;
}

static attls_code parse_header(const uint8_t *buf, size_t len,
                               attls_hcl_report *r, attls_status *st)
{
    uint32_t magic = attls_le32(buf + OFF_MAGIC), status;

    if (magic != ATTLS_HCL_MAGIC)
        return attls_fail(st, ATTLS_E_HCL_MAGIC, "hcl.magic",
                          "signature (0x00) is 0x%08x, expected 0x%08x "
                          "(\"HCLA\")",
                          magic, ATTLS_HCL_MAGIC);
    r->version = attls_le32(buf + OFF_VERSION);
    if (r->version != 1 && r->version != 2)
        return attls_fail(st, ATTLS_E_HCL_VERSION, "hcl.version",
                          "version (0x04) is %u, expected 1 or 2", r->version);
    r->report_size = attls_le32(buf + OFF_REPORT_SIZE);
    if (r->report_size < ATTLS_HCL_CLAIMS_OFFSET || r->report_size > len)
        return attls_fail(st, ATTLS_E_HCL_PARSE, "hcl.report_size",
                          "report_size (0x08) is %u, the input is %zu bytes "
                          "and the fixed part %d",
                          r->report_size, len, ATTLS_HCL_CLAIMS_OFFSET);
    r->request_type = attls_le32(buf + OFF_REQUEST_TYPE);
    if (r->request_type != ATTLS_HCL_REQUEST_AK_CERT)
        return attls_fail(st, ATTLS_E_HCL_REQUEST_TYPE, "hcl.request_type",
                          "request_type (0x0c) is %u, expected %d "
                          "(AK_CERT_REQUEST, the vTPM NV report)",
                          r->request_type, ATTLS_HCL_REQUEST_AK_CERT);
    status = attls_le32(buf + OFF_STATUS);
    if (status != 0)
        return attls_fail(st, ATTLS_E_HCL_STATUS, "hcl.status",
                          "status (0x10) is 0x%08x: the paravisor reports an "
                          "error",
                          status);
    return check_zero(buf, OFF_RESERVED, ATTLS_HCL_HW_REPORT_OFFSET,
                      "header reserved bytes", st);
}

static attls_code parse_igvm_data(const uint8_t *buf, attls_hcl_report *r,
                                  attls_status *st)
{
    uint32_t type;

    r->data_size = attls_le32(buf + OFF_DATA_SIZE);
    r->data_version = attls_le32(buf + OFF_DATA_VERSION);
    type = attls_le32(buf + OFF_REPORT_TYPE);
    r->hash_type = attls_le32(buf + OFF_HASH_TYPE);
    r->claims_len = attls_le32(buf + OFF_CLAIMS_LEN);
    if (r->data_version != 1)
        return attls_fail(st, ATTLS_E_HCL_VERSION, "hcl.data_version",
                          "IGVM request data version (0x4c4) is %u, "
                          "expected 1",
                          r->data_version);
    if (type != ATTLS_HCL_REPORT_SNP && type != ATTLS_HCL_REPORT_TDX)
        return attls_fail(st, ATTLS_E_HCL_REPORT_TYPE, "hcl.report_type",
                          "report_type (0x4c8) is %u, expected 2 (SEV-SNP) "
                          "or 4 (TDX)",
                          type);
    r->report_type = (attls_hcl_report_type)type;
    if (r->hash_type != ATTLS_HCL_HASH_SHA256)
        return attls_fail(st, ATTLS_E_HCL_HASH_TYPE, "hcl.hash_type",
                          "hash_type (0x4cc) is %u, expected 1 (SHA-256)",
                          r->hash_type);
    /* 64-bit sums: the u32 fields are attacker-chosen. */
    if ((uint64_t)r->report_size !=
            (uint64_t)ATTLS_HCL_CLAIMS_OFFSET + r->claims_len ||
        (uint64_t)r->data_size !=
            (uint64_t)ATTLS_HCL_IGVM_FIXED_SIZE + r->claims_len)
        return attls_fail(
            st, ATTLS_E_HCL_PARSE, "hcl.sizes",
            "claims_len (0x4d0) %u, data_size (0x4c0) %u and report_size "
            "(0x08) %u disagree: expected data_size = 20 + claims_len and "
            "report_size = 0x4d4 + claims_len",
            r->claims_len, r->data_size, r->report_size);
    return ATTLS_OK;
}

static attls_code parse_hw_report(const uint8_t *buf, attls_hcl_report *r,
                                  attls_status *st)
{
    const uint8_t *hw = buf + ATTLS_HCL_HW_REPORT_OFFSET;
    attls_code rc;

    if (r->report_type == ATTLS_HCL_REPORT_SNP)
        return attls_snp_report_parse(hw, ATTLS_HCL_HW_REPORT_SIZE, &r->snp,
                                      st);
    rc = attls_tdreport_parse(hw, ATTLS_TDREPORT_SIZE, &r->tdx, st);
    if (rc != ATTLS_OK)
        return rc;
    return check_zero(buf, ATTLS_HCL_HW_REPORT_OFFSET + ATTLS_TDREPORT_SIZE,
                      ATTLS_HCL_IGVM_OFFSET,
                      "hardware report bytes after the TDREPORT", st);
}

attls_code attls_hcl_report_parse(const uint8_t *buf, size_t len,
                                  attls_hcl_report *out, attls_status *st)
{
    attls_code rc;

    memset(out, 0, sizeof(*out));
    if (buf == NULL || len < ATTLS_HCL_CLAIMS_OFFSET ||
        len > ATTLS_HCL_MAX_SIZE)
        return attls_fail(st, ATTLS_E_HCL_PARSE, "hcl.size",
                          "HCL report is %zu bytes, expected %d to %d",
                          buf == NULL ? (size_t)0 : len,
                          ATTLS_HCL_CLAIMS_OFFSET, ATTLS_HCL_MAX_SIZE);
    if ((rc = parse_header(buf, len, out, st)) != ATTLS_OK ||
        (rc = parse_igvm_data(buf, out, st)) != ATTLS_OK ||
        (rc = check_zero(buf, out->report_size, len,
                         "padding after report_size", st)) != ATTLS_OK ||
        (rc = parse_hw_report(buf, out, st)) != ATTLS_OK)
        goto fail;
    out->claims_raw = OPENSSL_memdup(buf + ATTLS_HCL_CLAIMS_OFFSET,
                                     out->claims_len ? out->claims_len : 1);
    if (out->claims_raw == NULL) {
        rc = attls_fail(st, ATTLS_E_INTERNAL, "hcl", "out of memory");
        goto fail;
    }
    return ATTLS_OK;
fail:
    attls_hcl_report_free(out);
    return rc;
}

void attls_hcl_report_free(attls_hcl_report *r)
{
    if (r == NULL)
        return;
    attls_hcl_claims_free(&r->claims);
    OPENSSL_free(r->claims_raw);
    memset(r, 0, sizeof(*r));
}

static const uint8_t *report_data(const attls_hcl_report *r, int *abs)
{
    if (r->report_type == ATTLS_HCL_REPORT_TDX) {
        *abs = TDX_REPORT_DATA_ABS;
        return r->tdx.report_data;
    }
    *abs = SNP_REPORT_DATA_ABS;
    return r->snp.report_data;
}

attls_code attls_hcl_check_binding(const attls_hcl_report *r, attls_status *st)
{
    uint8_t digest[SHA256_DIGEST_LENGTH];
    char got[2 * 32 + 1], want[2 * 32 + 1];
    int abs;
    const uint8_t *rd = report_data(r, &abs);

    if (r->claims_raw == NULL ||
        SHA256(r->claims_raw, r->claims_len, digest) == NULL)
        return attls_fail(st, ATTLS_E_INTERNAL, "hcl.binding",
                          "cannot hash the runtime claims");
    if (CRYPTO_memcmp(rd, digest, sizeof(digest)) != 0) {
        attls_hex_encode(rd, 32, got);
        attls_hex_encode(digest, 32, want);
        return attls_fail(st, ATTLS_E_HCL_BINDING, "hcl.binding",
                          "REPORT_DATA[0:32] (0x%x) is %s, SHA-256 of the %u "
                          "bytes of runtime claims is %s",
                          abs, got, r->claims_len, want);
    }
    for (int i = 32; i < 64; i++) {
        if (rd[i] != 0)
            return attls_fail(st, ATTLS_E_HCL_BINDING, "hcl.binding",
                              "REPORT_DATA[32:64] (0x%x) must be zero: byte "
                              "%d is 0x%02x",
                              abs + 32, i, rd[i]);
    }
    return ATTLS_OK;
}

attls_code attls_hcl_check_user_data(const attls_hcl_report *r,
                                     const uint8_t expected[64],
                                     attls_status *st)
{
    char got[2 * 64 + 1], want[2 * 64 + 1];

    if (!r->claims.has_user_data)
        return attls_fail(st, ATTLS_E_HCL_USER_DATA_MISMATCH, "hcl.user_data",
                          "the claims carry no user-data (the paravisor "
                          "ignored NV 0x01400002)");
    if (CRYPTO_memcmp(r->claims.user_data, expected,
                      ATTLS_HCL_USER_DATA_SIZE) == 0)
        return ATTLS_OK;
    attls_hex_encode(r->claims.user_data, 64, got);
    attls_hex_encode(expected, 64, want);
    return attls_fail(st, ATTLS_E_HCL_USER_DATA_MISMATCH, "hcl.user_data",
                      "user-data is %s, expected %s", got, want);
}
