/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The emulated machine: which platform it is, the per-machine identity
 * (chip ID, measurements, VM IDs) and the test PKI that signs its evidence.
 * `attls-emu pki` creates it in STATE_DIR/pki; every emulator daemon loads
 * it from there.
 */
#ifndef ATTLS_EMU_CTX_H
#define ATTLS_EMU_CTX_H

#include <stddef.h>
#include <stdint.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

typedef enum emu_platform {
    EMU_AZURE_SNP,
    EMU_AZURE_TDX,
    EMU_GCP_SNP,
    EMU_GCP_TDX,
    EMU_TPM,
} emu_platform;

/** Parse "azure-snp", ...; @retval 0, -1 unknown (reported) */
int emu_platform_parse(const char *s, emu_platform *out);
const char *emu_platform_name(emu_platform p);
int emu_platform_is_azure(emu_platform p);
int emu_platform_is_snp(emu_platform p);
int emu_platform_is_tdx(emu_platform p);

/** TCB_VERSION components, Milan/Genoa layout. */
typedef struct emu_snp_tcb {
    uint8_t bl, tee, snp, ucode;
} emu_snp_tcb;

/** Fields of the SEV-SNP report that describe the VM and the chip. */
typedef struct emu_snp_profile {
    uint32_t version; /* 2 or 3 */
    uint32_t guest_svn;
    uint64_t policy;
    uint8_t family_id[16], image_id[16];
    uint64_t platform_info;
    uint8_t measurement[48], host_data[32];
    uint8_t id_key_digest[48], author_key_digest[48];
    uint8_t report_id[32];
    uint8_t chip_id[64];
    emu_snp_tcb reported, current; /* reported = committed = launch */
    uint8_t fw_major, fw_minor, fw_build;
    uint8_t cpuid_fam, cpuid_mod, cpuid_step; /* version >= 3 */
} emu_snp_profile;

/** Fields of the TDREPORT, the QE and the PCK certificate. */
typedef struct emu_tdx_profile {
    uint8_t cpusvn[16];
    uint8_t tee_tcb_svn[16];
    uint8_t mrseam[48];
    uint64_t td_attributes, xfam;
    uint8_t mrtd[48];
    uint8_t rtmr[4][48];
    uint8_t fmspc[6], pceid[2];
    uint16_t pcesvn;
    uint16_t qe_isvsvn;
    uint8_t qe_id[16];
    uint8_t qe_mrenclave[32];
    uint8_t ppid[16], platform_instance_id[16];
} emu_tdx_profile;

typedef struct emu_gcp_identity {
    char zone[32], project_id[64], instance_name[64];
    uint64_t project_number, instance_id;
} emu_gcp_identity;

typedef struct emu_azure_identity {
    char vm_unique_id[37];         /* upper-case UUID */
    char root_cert_thumbprint[44]; /* base64url of 32 bytes */
} emu_azure_identity;

typedef struct emu_ctx {
    char dir[3072]; /* the state directory */
    char pki[3200]; /* dir/pki */
    emu_platform platform;
    emu_snp_profile snp;
    emu_tdx_profile tdx;
    emu_azure_identity azure;
    emu_gcp_identity gcp;

    /* AMD (SNP platforms) */
    EVP_PKEY *vcek_key;
    X509 *ark, *ask, *vcek;
    /* Intel (TDX platforms) */
    EVP_PKEY *pck_key, *attest_key, *tcb_signing_key, *platform_ca_key,
        *intel_root_key;
    X509 *intel_root, *platform_ca, *pck, *tcb_signing;
    uint8_t tdx_mac_key[32];
    /* Cloud vTPM CAs */
    EVP_PKEY *vtpm_root_key, *vtpm_ca_key;
    X509 *vtpm_root, *vtpm_ca;
} emu_ctx;

void emu_ctx_free(emu_ctx *ctx);

/**
 * Create a new machine of @p platform in @p dir: identity, test PKI
 * (STATE_DIR/pki), the root files the verifier takes with --roots
 * (STATE_DIR/roots) and, for TDX, signed collateral
 * (STATE_DIR/collateral). @retval 0, -1 (reported)
 */
int emu_ctx_create(const char *dir, emu_platform platform);

/** Load the machine created by emu_ctx_create(). @retval 0, -1 (reported) */
int emu_ctx_load(const char *dir, emu_ctx *ctx);

/**
 * Issue the vTPM attestation-key certificate for @p ak_pub (the key the
 * TPM holds): Azure AK certificate, or the GCE RSA/ECC AK certificate.
 * @retval 0 and a DER certificate in @p der (free()), -1 (reported)
 */
int emu_issue_ak_cert(const emu_ctx *ctx, EVP_PKEY *ak_pub, uint8_t **der,
                      size_t *len);

#endif
