/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Helpers for the SEV-SNP and HCL unit tests: test vectors from
 * ../shared/testdata, and a fake AMD key hierarchy (ARK, ASK, VCEK/VLEK
 * with the AMD extensions) pinned through a --roots directory, so that
 * synthetic reports (Turin, version 3 and 5, VLEK-signed, Azure HCL with a
 * matching VCEK) can be signed and verified end to end.
 *
 * Every helper fails the current cmocka test on error.
 */
#ifndef ATTLS_TESTS_SNP_TESTUTIL_H
#define ATTLS_TESTS_SNP_TESTUTIL_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

#include "common/bytes.h"
#include "evidence/hcl.h"
#include "evidence/snp.h"

#define TU_AT "2026-03-01T00:00:00Z"

/** Read ATTLS_TESTDATA/@p rel. */
void tu_read(const char *rel, attls_buf *out);

/** Parse an RFC 3339 instant. */
time_t tu_at(const char *rfc3339);

/** The first certificate of ATTLS_TESTDATA/@p rel (PEM or DER). */
X509 *tu_load_cert(const char *rel);

/** Step for exhaustive loops: 1, or larger under valgrind (test setup). */
size_t tu_stride(void);

/** One certificate extension given as its DER value. */
typedef struct tu_ext {
    const char *oid;
    uint8_t der[80];
    size_t len;
} tu_ext;

/** The AMD extensions of a VEK, editable before the certificate is made. */
typedef struct tu_vek_exts {
    tu_ext ext[16];
    size_t n;
} tu_vek_exts;

/** What goes into a fake VEK. */
typedef struct tu_vek_spec {
    attls_snp_vek_type type;
    const char *product_name; /* "Milan-B0", "Turin", ... */
    uint8_t fmc, bl, tee, snp, ucode;
    const uint8_t *hwid; /* VCEK: 64 bytes, or 8 for Turin */
    size_t hwid_len;
    const char *csp_id; /* VLEK */
} tu_vek_spec;

/* Chip IDs: a 64-byte one, and a Turin one (the 8-byte hwID of the real
 * Turin VCEK, then zeros). */
extern const uint8_t tu_chip64[64];
extern const uint8_t tu_chip8[64];

/* Fake VEKs and the REPORTED_TCB they are issued for. */
extern const tu_vek_spec tu_spec_milan;      /* Milan-B0 VCEK, tu_chip64 */
#define TU_TCB_MILAN 0x7308000000000003ULL   /* bl 3 tee 0 snp 8 ucode 115 */
extern const tu_vek_spec tu_spec_turin;      /* Turin VCEK, tu_chip8 */
#define TU_TCB_TURIN 0x0500000004030201ULL   /* fmc 1 bl 2 tee 3 snp 4 ucode 5 \
                                              */
extern const tu_vek_spec tu_spec_genoa_vlek; /* Genoa VLEK */
#define TU_TCB_GENOA 0x480E000000000007ULL   /* bl 7 tee 0 snp 14 ucode 72 */

/** The extensions a real VEK of @p s would carry. */
void tu_vek_exts_build(tu_vek_exts *e, const tu_vek_spec *s);
/** Replace (or add) extension @p oid with DER @p der. */
void tu_vek_exts_set(tu_vek_exts *e, const char *oid, const uint8_t *der,
                     size_t len);
/** Drop extension @p oid. */
void tu_vek_exts_remove(tu_vek_exts *e, const char *oid);

/** A fresh EC P-384 key. */
EVP_PKEY *tu_p384_key(void);

/**
 * A certificate for @p key with subject CN @p cn, the extensions @p exts
 * (may be NULL), valid 2020-2040, signed by @p issuer_key (self-signed when
 * @p issuer is NULL), with basicConstraints CA when @p ca.
 */
X509 *tu_make_cert(const char *cn, EVP_PKEY *key, const tu_vek_exts *exts,
                   X509 *issuer, EVP_PKEY *issuer_key, int ca);

/** A fake AMD hierarchy pinned as the roots of one product. */
typedef struct tu_fake_amd {
    char dir[64];  /* pass as roots_dir */
    char file[96]; /* dir/amd-<product>.pem: ARK and ASK */
    EVP_PKEY *ark_key, *ask_key, *vek_key;
    X509 *ark, *ask, *vek;
} tu_fake_amd;

/** Make ARK, ASK and a VEK per @p spec, and write the roots file. */
void tu_fake_amd_init(tu_fake_amd *f, attls_snp_product product,
                      const tu_vek_spec *spec);
void tu_fake_amd_free(tu_fake_amd *f);

/** Sign report bytes [0, 0x2A0) with @p key (r, s little-endian). */
void tu_sign_report(uint8_t raw[ATTLS_SNP_REPORT_SIZE], EVP_PKEY *key);

/**
 * A plausible unsigned report: @p version, policy 0x30000, VMPL 0, signing
 * key @p signer, TCB bytes @p tcb in every TCB field, CHIP_ID @p chip_id,
 * CPUID (version >= 3) @p family/@p model.
 */
void tu_make_report(uint8_t raw[ATTLS_SNP_REPORT_SIZE], uint32_t version,
                    attls_snp_signing_key signer, uint64_t tcb,
                    const uint8_t chip_id[64], uint8_t family, uint8_t model);

/**
 * Put SHA-256(@p claims) and 32 zero bytes into the REPORT_DATA of the
 * hardware report @p hw (1184 bytes; SNP at 0x50, TDREPORT at 0x80).
 */
void tu_hcl_bind(uint8_t hw[ATTLS_HCL_HW_REPORT_SIZE],
                 attls_hcl_report_type type, const char *claims);

/**
 * An HCL report of @p total bytes (>= 0x4D4 + claims length; zero padded):
 * header version @p version, the hardware report @p hw as is, IGVM data
 * for @p type and @p claims.
 */
void tu_make_hcl(attls_buf *out, uint32_t version, attls_hcl_report_type type,
                 const uint8_t hw[ATTLS_HCL_HW_REPORT_SIZE], const char *claims,
                 size_t total);

/** Runtime claims with a valid HCLAkPub, as in real Azure evidence. */
extern const char tu_claims[];

#endif
