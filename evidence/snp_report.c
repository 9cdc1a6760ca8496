/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Strict parser of the SEV-SNP ATTESTATION_REPORT (AMD SEV-SNP ABI
 * specification #56860, table "ATTESTATION_REPORT Structure"), and the
 * product-dependent TCB_VERSION layouts.
 */
#include "evidence/snp.h"

#include <string.h>
#include <strings.h>

#include "common/bytes.h"

/* Offsets of the fields this file reads. */
enum {
    OFF_VERSION = 0x000,
    OFF_GUEST_SVN = 0x004,
    OFF_POLICY = 0x008,
    OFF_FAMILY_ID = 0x010,
    OFF_IMAGE_ID = 0x020,
    OFF_VMPL = 0x030,
    OFF_SIG_ALGO = 0x034,
    OFF_CURRENT_TCB = 0x038,
    OFF_PLATFORM_INFO = 0x040,
    OFF_SIGNER_INFO = 0x048,
    OFF_REPORT_DATA = 0x050,
    OFF_MEASUREMENT = 0x090,
    OFF_HOST_DATA = 0x0C0,
    OFF_ID_KEY_DIGEST = 0x0E0,
    OFF_AUTHOR_KEY_DIGEST = 0x110,
    OFF_REPORT_ID = 0x140,
    OFF_REPORT_ID_MA = 0x160,
    OFF_REPORTED_TCB = 0x180,
    OFF_CPUID_FAM = 0x188,
    OFF_CPUID_MOD = 0x189,
    OFF_CPUID_STEP = 0x18A,
    OFF_CHIP_ID = 0x1A0,
    OFF_COMMITTED_TCB = 0x1E0,
    OFF_CURRENT_BUILD = 0x1E8,
    OFF_COMMITTED_BUILD = 0x1EC,
    OFF_LAUNCH_TCB = 0x1F0,
    OFF_LAUNCH_MIT = 0x1F8,
    OFF_CURRENT_MIT = 0x200,
};

#define SIG_ALGO_ECDSA_P384_SHA384 1
#define POLICY_MBZ_MASK (~0ULL << 26)
#define SIGNER_INFO_V1_MBZ_MASK (~0U << 1)
#define SIGNER_INFO_MBZ_MASK (~0U << 5)
#define MAX_VMPL 3

/* A range that must be zero in the report versions [min, max]. */
typedef struct mbz_range {
    uint16_t start, end;
    uint8_t min_version, max_version;
    const char *what;
} mbz_range;

static const mbz_range mbz_ranges[] = {
    {0x04C, 0x050, 1, 5, "reserved after signer info"},
    {0x188, 0x1A0, 1, 2, "reserved before CHIP_ID"},
    {0x18B, 0x1A0, 3, 5, "reserved after CPUID fields"},
    {0x1E0, 0x2A0, 1, 1, "reserved tail of a version 1 report"},
    {0x1EB, 0x1EC, 2, 5, "reserved after CURRENT_MAJOR"},
    {0x1EF, 0x1F0, 2, 5, "reserved after COMMITTED_MAJOR"},
    {0x1F8, 0x2A0, 2, 4, "reserved tail (mitigation vectors are version 5)"},
    {0x208, 0x2A0, 5, 5, "reserved tail"},
    /* ECDSA P-384: r and s are 72-byte LE fields holding 48-byte values. */
    {0x2A0 + 48, 0x2E8, 1, 5, "high bytes of signature R"},
    {0x2E8 + 48, 0x330, 1, 5, "high bytes of signature S"},
    {0x330, 0x4A0, 1, 5, "reserved signature tail"},
};

const char *attls_snp_product_name(attls_snp_product p)
{
    switch (p) {
    case ATTLS_SNP_PRODUCT_MILAN:
        return "milan";
    case ATTLS_SNP_PRODUCT_GENOA:
        return "genoa";
    case ATTLS_SNP_PRODUCT_TURIN:
        return "turin";
    default:
        return "unknown";
    }
}

const char *attls_snp_trust_set(attls_snp_product p)
{
    switch (p) {
    case ATTLS_SNP_PRODUCT_MILAN:
        return "amd-milan";
    case ATTLS_SNP_PRODUCT_GENOA:
        return "amd-genoa";
    case ATTLS_SNP_PRODUCT_TURIN:
        return "amd-turin";
    default:
        return NULL;
    }
}

/* "Milan", "Milan-B0" (VCEK productName carries the stepping): a capital
 * letter and digits after the dash, nothing else. */
static int stepping_suffix_ok(const char *s)
{
    if (*s == '\0')
        return 1;
    if (s[0] != '-' || s[1] < 'A' || s[1] > 'Z' || s[2] == '\0')
        return 0;
    for (s += 2; *s != '\0'; s++) {
        if (*s < '0' || *s > '9')
            return 0;
    }
    return 1;
}

attls_snp_product attls_snp_product_from_string(const char *s)
{
    static const struct {
        const char *name;
        attls_snp_product product;
    } names[] = {
        {"milan", ATTLS_SNP_PRODUCT_MILAN},
        {"genoa", ATTLS_SNP_PRODUCT_GENOA},
        {"turin", ATTLS_SNP_PRODUCT_TURIN},
    };

    if (s == NULL)
        return ATTLS_SNP_PRODUCT_UNKNOWN;
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        size_t n = strlen(names[i].name);

        if (strncasecmp(s, names[i].name, n) == 0 && stepping_suffix_ok(s + n))
            return names[i].product;
    }
    return ATTLS_SNP_PRODUCT_UNKNOWN;
}

/* CPUID_FAM_ID/CPUID_MOD_ID of version >= 3 reports (combined family and
 * model, as virtee/sev Generation::identify_cpu). */
static attls_snp_product product_from_cpuid(uint8_t family, uint8_t model)
{
    if (family == 0x19 && model <= 0x0F)
        return ATTLS_SNP_PRODUCT_MILAN;
    if (family == 0x19 &&
        ((model >= 0x10 && model <= 0x1F) || (model >= 0xA0 && model <= 0xAF)))
        return ATTLS_SNP_PRODUCT_GENOA;
    if (family == 0x1A && model <= 0x11)
        return ATTLS_SNP_PRODUCT_TURIN;
    return ATTLS_SNP_PRODUCT_UNKNOWN;
}

attls_code attls_snp_tcb_decode(uint64_t raw, attls_snp_product p,
                                const char *what, attls_snp_tcb *out,
                                attls_status *st)
{
    uint8_t b[8];
    /* Bytes reserved in each layout. */
    static const uint8_t legacy_reserved = 0x3C; /* bytes 2..5 */
    static const uint8_t turin_reserved = 0x70;  /* bytes 4..6 */
    uint8_t reserved;

    for (int i = 0; i < 8; i++)
        b[i] = (uint8_t)(raw >> (8 * i));
    memset(out, 0, sizeof(*out));
    out->raw = raw;
    if (p == ATTLS_SNP_PRODUCT_UNKNOWN)
        return attls_fail(st, ATTLS_E_SNP_PRODUCT, "snp.tcb",
                          "%s 0x%016llx: the product is unknown, so is the "
                          "TCB layout",
                          what, (unsigned long long)raw);
    reserved = p == ATTLS_SNP_PRODUCT_TURIN ? turin_reserved : legacy_reserved;
    for (int i = 0; i < 8; i++) {
        if ((reserved >> i & 1) && b[i] != 0)
            return attls_fail(st, ATTLS_E_SNP_RESERVED, "snp.tcb",
                              "%s 0x%016llx: byte %d is reserved in the %s "
                              "TCB layout and must be 0, got 0x%02x",
                              what, (unsigned long long)raw, i,
                              attls_snp_product_name(p), b[i]);
    }
    if (p == ATTLS_SNP_PRODUCT_TURIN) {
        out->has_fmc = 1;
        out->fmc = b[0];
        out->bootloader = b[1];
        out->tee = b[2];
        out->snp = b[3];
    } else {
        out->bootloader = b[0];
        out->tee = b[1];
        out->snp = b[6];
    }
    out->microcode = b[7];
    out->decoded = 1;
    return ATTLS_OK;
}

int attls_snp_tcb_ge(const attls_snp_tcb *a, const attls_snp_tcb *b)
{
    return a->fmc >= b->fmc && a->bootloader >= b->bootloader &&
           a->tee >= b->tee && a->snp >= b->snp && a->microcode >= b->microcode;
}

static attls_code check_mbz(const uint8_t *raw, uint32_t version,
                            attls_status *st)
{
    for (size_t i = 0; i < sizeof(mbz_ranges) / sizeof(mbz_ranges[0]); i++) {
        const mbz_range *m = &mbz_ranges[i];

        if (version < m->min_version || version > m->max_version)
            continue;
        for (unsigned off = m->start; off < m->end; off++) {
            if (raw[off] != 0)
                return attls_fail(
                    st, ATTLS_E_SNP_RESERVED, "snp.reserved",
                    "%s [0x%03x, 0x%03x) must be zero in a version %u "
                    "report: byte 0x%03x is 0x%02x",
                    m->what, m->start, m->end, version, off, raw[off]);
        }
    }
    return ATTLS_OK;
}

static attls_code check_header(const uint8_t *raw, attls_status *st)
{
    uint32_t version = attls_le32(raw + OFF_VERSION);
    uint32_t algo = attls_le32(raw + OFF_SIG_ALGO);

    if (version < ATTLS_SNP_MIN_VERSION || version > ATTLS_SNP_MAX_VERSION)
        return attls_fail(st, ATTLS_E_SNP_VERSION, "snp.version",
                          "VERSION (0x000) is %u, supported are %d to %d",
                          version, ATTLS_SNP_MIN_VERSION,
                          ATTLS_SNP_MAX_VERSION);
    if (algo != SIG_ALGO_ECDSA_P384_SHA384)
        return attls_fail(st, ATTLS_E_SNP_SIG_ALGO, "snp.signature_algo",
                          "SIGNATURE_ALGO (0x034) is %u, expected 1 "
                          "(ECDSA P-384 with SHA-384)",
                          algo);
    return ATTLS_OK;
}

static attls_code check_policy(uint64_t policy, attls_status *st)
{
    if (!(policy & ATTLS_SNP_POLICY_RESERVED_ONE))
        return attls_fail(st, ATTLS_E_SNP_RESERVED, "snp.policy",
                          "POLICY (0x008) is 0x%016llx: bit 17 is reserved "
                          "and must be 1",
                          (unsigned long long)policy);
    if (policy & POLICY_MBZ_MASK)
        return attls_fail(st, ATTLS_E_SNP_RESERVED, "snp.policy",
                          "POLICY (0x008) is 0x%016llx: bits 63:26 are "
                          "reserved and must be 0 (got 0x%016llx)",
                          (unsigned long long)policy,
                          (unsigned long long)(policy & POLICY_MBZ_MASK));
    return ATTLS_OK;
}

static attls_code parse_signer_info(attls_snp_report *r, attls_status *st)
{
    uint32_t info = r->signer_info;
    uint32_t mbz =
        r->version == 1 ? SIGNER_INFO_V1_MBZ_MASK : SIGNER_INFO_MBZ_MASK;
    unsigned key = info >> 2 & 7;

    if (info & mbz)
        return attls_fail(st, ATTLS_E_SNP_RESERVED, "snp.signer_info",
                          "signer info (0x048) is 0x%08x: bits 31:%d are "
                          "reserved in a version %u report and must be 0",
                          info, r->version == 1 ? 1 : 5, r->version);
    if (key != ATTLS_SNP_SIGNED_BY_VCEK && key != ATTLS_SNP_SIGNED_BY_VLEK &&
        key != ATTLS_SNP_SIGNED_BY_NONE)
        return attls_fail(st, ATTLS_E_SNP_PARSE, "snp.signer_info",
                          "signer info (0x048) is 0x%08x: SIGNING_KEY %u is "
                          "reserved (0 VCEK, 1 VLEK, 7 none)",
                          info, key);
    r->author_key_en = info & 1;
    r->mask_chip_key = info >> 1 & 1;
    r->signing_key = (attls_snp_signing_key)key;
    return ATTLS_OK;
}

static void copy_fields(const uint8_t *raw, attls_snp_report *r)
{
    memcpy(r->raw, raw, ATTLS_SNP_REPORT_SIZE);
    r->version = attls_le32(raw + OFF_VERSION);
    r->guest_svn = attls_le32(raw + OFF_GUEST_SVN);
    r->policy = attls_le64(raw + OFF_POLICY);
    memcpy(r->family_id, raw + OFF_FAMILY_ID, sizeof(r->family_id));
    memcpy(r->image_id, raw + OFF_IMAGE_ID, sizeof(r->image_id));
    r->vmpl = attls_le32(raw + OFF_VMPL);
    r->signature_algo = attls_le32(raw + OFF_SIG_ALGO);
    r->current_tcb.raw = attls_le64(raw + OFF_CURRENT_TCB);
    r->platform_info = attls_le64(raw + OFF_PLATFORM_INFO);
    r->signer_info = attls_le32(raw + OFF_SIGNER_INFO);
    memcpy(r->report_data, raw + OFF_REPORT_DATA, sizeof(r->report_data));
    memcpy(r->measurement, raw + OFF_MEASUREMENT, sizeof(r->measurement));
    memcpy(r->host_data, raw + OFF_HOST_DATA, sizeof(r->host_data));
    memcpy(r->id_key_digest, raw + OFF_ID_KEY_DIGEST, sizeof(r->id_key_digest));
    memcpy(r->author_key_digest, raw + OFF_AUTHOR_KEY_DIGEST,
           sizeof(r->author_key_digest));
    memcpy(r->report_id, raw + OFF_REPORT_ID, sizeof(r->report_id));
    memcpy(r->report_id_ma, raw + OFF_REPORT_ID_MA, sizeof(r->report_id_ma));
    r->reported_tcb.raw = attls_le64(raw + OFF_REPORTED_TCB);
    memcpy(r->chip_id, raw + OFF_CHIP_ID, sizeof(r->chip_id));
    if (r->version >= 2) {
        r->committed_tcb.raw = attls_le64(raw + OFF_COMMITTED_TCB);
        r->current_version.build = raw[OFF_CURRENT_BUILD];
        r->current_version.minor = raw[OFF_CURRENT_BUILD + 1];
        r->current_version.major = raw[OFF_CURRENT_BUILD + 2];
        r->committed_version.build = raw[OFF_COMMITTED_BUILD];
        r->committed_version.minor = raw[OFF_COMMITTED_BUILD + 1];
        r->committed_version.major = raw[OFF_COMMITTED_BUILD + 2];
        r->launch_tcb.raw = attls_le64(raw + OFF_LAUNCH_TCB);
    }
    if (r->version >= 3) {
        r->has_cpuid = 1;
        r->cpuid_family = raw[OFF_CPUID_FAM];
        r->cpuid_model = raw[OFF_CPUID_MOD];
        r->cpuid_stepping = raw[OFF_CPUID_STEP];
    }
    if (r->version >= 5) {
        r->launch_mit_vector = attls_le64(raw + OFF_LAUNCH_MIT);
        r->current_mit_vector = attls_le64(raw + OFF_CURRENT_MIT);
    }
}

static attls_code decode_tcbs(attls_snp_report *r, attls_snp_product p,
                              attls_status *st)
{
    struct {
        attls_snp_tcb *tcb;
        const char *what;
    } tcbs[] = {
        {&r->current_tcb, "CURRENT_TCB (0x038)"},
        {&r->reported_tcb, "REPORTED_TCB (0x180)"},
        {&r->committed_tcb, "COMMITTED_TCB (0x1E0)"},
        {&r->launch_tcb, "LAUNCH_TCB (0x1F0)"},
    };
    attls_snp_tcb decoded[4];

    /* Decode all four before changing @p r, so a failure leaves it as is. */
    for (int i = 0; i < 4; i++) {
        attls_code rc = attls_snp_tcb_decode(tcbs[i].tcb->raw, p, tcbs[i].what,
                                             &decoded[i], st);

        if (rc != ATTLS_OK)
            return rc;
    }
    for (int i = 0; i < 4; i++)
        *tcbs[i].tcb = decoded[i];
    r->product = p;
    return ATTLS_OK;
}

attls_code attls_snp_report_set_product(attls_snp_report *r,
                                        attls_snp_product p, attls_status *st)
{
    if (p == ATTLS_SNP_PRODUCT_UNKNOWN)
        return attls_fail(st, ATTLS_E_SNP_PRODUCT, "snp.product",
                          "no product given for a version %u report",
                          r->version);
    if (r->product != ATTLS_SNP_PRODUCT_UNKNOWN && r->product != p)
        return attls_fail(st, ATTLS_E_SNP_PRODUCT, "snp.product",
                          "the report is from a %s (%s), not a %s",
                          attls_snp_product_name(r->product),
                          r->has_cpuid ? "CPUID family/model at 0x188"
                                       : "set before",
                          attls_snp_product_name(p));
    return decode_tcbs(r, p, st);
}

attls_code attls_snp_report_parse(const uint8_t *buf, size_t len,
                                  attls_snp_report *out, attls_status *st)
{
    attls_snp_product p;
    attls_code rc;

    memset(out, 0, sizeof(*out));
    if (buf == NULL || len != ATTLS_SNP_REPORT_SIZE)
        return attls_fail(st, ATTLS_E_SNP_SIZE, "snp.size",
                          "report is %zu bytes, expected %d (0x%x)",
                          buf == NULL ? (size_t)0 : len, ATTLS_SNP_REPORT_SIZE,
                          ATTLS_SNP_REPORT_SIZE);
    if ((rc = check_header(buf, st)) != ATTLS_OK)
        return rc;
    copy_fields(buf, out);
    if ((rc = check_mbz(buf, out->version, st)) != ATTLS_OK ||
        (rc = check_policy(out->policy, st)) != ATTLS_OK ||
        (rc = parse_signer_info(out, st)) != ATTLS_OK)
        goto fail;
    if (out->vmpl > MAX_VMPL) {
        rc = attls_fail(st, ATTLS_E_SNP_PARSE, "snp.vmpl",
                        "VMPL (0x030) is %u, a guest request has 0 to %d",
                        out->vmpl, MAX_VMPL);
        goto fail;
    }
    if (out->has_cpuid) {
        p = product_from_cpuid(out->cpuid_family, out->cpuid_model);
        if (p == ATTLS_SNP_PRODUCT_UNKNOWN) {
            rc = attls_fail(st, ATTLS_E_SNP_PRODUCT, "snp.product",
                            "CPUID family 0x%02x model 0x%02x (0x188) is "
                            "not Milan, Genoa or Turin",
                            out->cpuid_family, out->cpuid_model);
            goto fail;
        }
        if ((rc = decode_tcbs(out, p, st)) != ATTLS_OK)
            goto fail;
    }
    return ATTLS_OK;
fail:
    memset(out, 0, sizeof(*out));
    return rc;
}
