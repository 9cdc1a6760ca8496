/* SPDX-License-Identifier: Apache-2.0 */
/* Strict parser of the TDX TDREPORT_STRUCT (Intel TDX module ABI). */
#include "evidence/tdreport.h"

#include <string.h>

#include "common/bytes.h"
#include "evidence/json_util.h"

enum {
    OFF_REPORTTYPE = 0x000,
    OFF_CPUSVN = 0x010,
    OFF_TEE_TCB_INFO_HASH = 0x020,
    OFF_TEE_INFO_HASH = 0x050,
    OFF_REPORT_DATA = ATTLS_TDREPORT_REPORT_DATA_OFFSET,
    OFF_MAC = 0x0E0,
    OFF_TEE_TCB_VALID = 0x100,
    OFF_TEE_TCB_SVN = 0x108,
    OFF_MRSEAM = 0x118,
    OFF_MRSIGNERSEAM = 0x148,
    OFF_SEAM_ATTRIBUTES = 0x178,
    OFF_TEE_TCB_SVN2 = 0x180,
    OFF_TD_ATTRIBUTES = 0x200,
    OFF_XFAM = 0x208,
    OFF_MRTD = 0x210,
    OFF_MRCONFIGID = 0x240,
    OFF_MROWNER = 0x270,
    OFF_MROWNERCONFIG = 0x2A0,
    OFF_RTMR0 = 0x2D0,
    OFF_SERVTD_HASH = 0x390,
};

static const struct {
    uint16_t start, end;
    const char *what;
} reserved[] = {
    {0x003, 0x010, "REPORTTYPE reserved byte and REPORTMACSTRUCT reserved1"},
    {0x0C0, 0x0E0, "REPORTMACSTRUCT reserved2"},
    {0x1EF, 0x200, "reserved bytes between TEE_TCB_INFO and TDINFO"},
    {0x3C0, 0x400, "TDINFO reserved tail"},
};

static attls_code check_type(const uint8_t *raw, attls_status *st)
{
    if (raw[0] != ATTLS_TDREPORT_TYPE_TDX || raw[1] != 0 || raw[2] > 1)
        return attls_fail(st, ATTLS_E_TDREPORT_TYPE, "tdreport.type",
                          "REPORTTYPE (0x000) is type 0x%02x subtype %u "
                          "version %u, expected type 0x81 (TDX) subtype 0 "
                          "version 0 or 1",
                          raw[0], raw[1], raw[2]);
    return ATTLS_OK;
}

static attls_code check_reserved(const uint8_t *raw, attls_status *st)
{
    for (size_t i = 0; i < sizeof(reserved) / sizeof(reserved[0]); i++) {
        for (unsigned off = reserved[i].start; off < reserved[i].end; off++) {
            if (raw[off] != 0)
                return attls_fail(st, ATTLS_E_TDREPORT_RESERVED,
                                  "tdreport.reserved",
                                  "%s [0x%03x, 0x%03x) must be zero: byte "
                                  "0x%03x is 0x%02x",
                                  reserved[i].what, reserved[i].start,
                                  reserved[i].end, off, raw[off]);
        }
    }
    return ATTLS_OK;
}

attls_code attls_tdreport_parse(const uint8_t *buf, size_t len,
                                attls_tdreport *out, attls_status *st)
{
    const uint8_t *raw = buf;
    attls_code rc;

    memset(out, 0, sizeof(*out));
    if (buf == NULL || len != ATTLS_TDREPORT_SIZE)
        return attls_fail(st, ATTLS_E_TDREPORT_SIZE, "tdreport.size",
                          "TDREPORT is %zu bytes, expected %d",
                          buf == NULL ? (size_t)0 : len, ATTLS_TDREPORT_SIZE);
    if ((rc = check_type(raw, st)) != ATTLS_OK ||
        (rc = check_reserved(raw, st)) != ATTLS_OK)
        return rc;
    memcpy(out->raw, raw, ATTLS_TDREPORT_SIZE);
    out->type = raw[OFF_REPORTTYPE];
    out->subtype = raw[OFF_REPORTTYPE + 1];
    out->version = raw[OFF_REPORTTYPE + 2];
    memcpy(out->cpusvn, raw + OFF_CPUSVN, 16);
    memcpy(out->tee_tcb_info_hash, raw + OFF_TEE_TCB_INFO_HASH, 48);
    memcpy(out->tee_info_hash, raw + OFF_TEE_INFO_HASH, 48);
    memcpy(out->report_data, raw + OFF_REPORT_DATA, 64);
    memcpy(out->mac, raw + OFF_MAC, 32);
    out->tee_tcb_valid = attls_le64(raw + OFF_TEE_TCB_VALID);
    memcpy(out->tee_tcb_svn, raw + OFF_TEE_TCB_SVN, 16);
    memcpy(out->mrseam, raw + OFF_MRSEAM, 48);
    memcpy(out->mrsignerseam, raw + OFF_MRSIGNERSEAM, 48);
    out->seam_attributes = attls_le64(raw + OFF_SEAM_ATTRIBUTES);
    memcpy(out->tee_tcb_svn2, raw + OFF_TEE_TCB_SVN2, 16);
    out->td_attributes = attls_le64(raw + OFF_TD_ATTRIBUTES);
    out->xfam = attls_le64(raw + OFF_XFAM);
    memcpy(out->mrtd, raw + OFF_MRTD, 48);
    memcpy(out->mrconfigid, raw + OFF_MRCONFIGID, 48);
    memcpy(out->mrowner, raw + OFF_MROWNER, 48);
    memcpy(out->mrownerconfig, raw + OFF_MROWNERCONFIG, 48);
    for (int i = 0; i < 4; i++)
        memcpy(out->rtmr[i], raw + OFF_RTMR0 + 48 * i, 48);
    memcpy(out->servtd_hash, raw + OFF_SERVTD_HASH, 48);
    return ATTLS_OK;
}

json_t *attls_tdreport_to_json(const attls_tdreport *t)
{
    return json_pack(
        "{s:i, s:i, s:i, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, "
        "s:o, s:o, s:b, s:o, s:o, s:o, s:o, s:o, s:[o, o, o, o], s:o}",
        "type", t->type, "subtype", t->subtype, "version", t->version, "cpusvn",
        attls_json_hex(t->cpusvn, 16), "tee_tcb_info_hash",
        attls_json_hex(t->tee_tcb_info_hash, 48), "tee_info_hash",
        attls_json_hex(t->tee_info_hash, 48), "report_data",
        attls_json_hex(t->report_data, 64), "mac", attls_json_hex(t->mac, 32),
        "tee_tcb_valid", attls_json_u64hex(t->tee_tcb_valid), "tee_tcb_svn",
        attls_json_hex(t->tee_tcb_svn, 16), "mrseam",
        attls_json_hex(t->mrseam, 48), "mrsignerseam",
        attls_json_hex(t->mrsignerseam, 48), "seam_attributes",
        attls_json_u64hex(t->seam_attributes), "tee_tcb_svn2",
        attls_json_hex(t->tee_tcb_svn2, 16), "td_attributes",
        attls_json_u64hex(t->td_attributes), "debug",
        !!(t->td_attributes & ATTLS_TD_ATTRIBUTES_DEBUG), "xfam",
        attls_json_u64hex(t->xfam), "mrtd", attls_json_hex(t->mrtd, 48),
        "mrconfigid", attls_json_hex(t->mrconfigid, 48), "mrowner",
        attls_json_hex(t->mrowner, 48), "mrownerconfig",
        attls_json_hex(t->mrownerconfig, 48), "rtmr",
        attls_json_hex(t->rtmr[0], 48), attls_json_hex(t->rtmr[1], 48),
        attls_json_hex(t->rtmr[2], 48), attls_json_hex(t->rtmr[3], 48),
        "servtd_hash", attls_json_hex(t->servtd_hash, 48));
}
