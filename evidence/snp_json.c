/* SPDX-License-Identifier: Apache-2.0 */
/* SEV-SNP claims as JSON (the --json output and the client's view). */
#include "evidence/snp.h"

#include <stdio.h>

#include "evidence/json_util.h"

static json_t *tcb_json(const attls_snp_tcb *t)
{
    json_t *o = json_object();
    int err = attls_json_set(o, "value", attls_json_u64hex(t->raw));

    if (t->decoded) {
        if (t->has_fmc)
            err |= attls_json_set(o, "fmc", json_integer(t->fmc));
        err |= attls_json_set(o, "bootloader", json_integer(t->bootloader));
        err |= attls_json_set(o, "tee", json_integer(t->tee));
        err |= attls_json_set(o, "snp", json_integer(t->snp));
        err |= attls_json_set(o, "microcode", json_integer(t->microcode));
    }
    if (err) {
        json_decref(o);
        return NULL;
    }
    return o;
}

static json_t *policy_json(uint64_t p)
{
    return json_pack(
        "{s:o, s:i, s:i, s:b, s:b, s:b, s:b, s:b, s:b, s:b, s:b, s:b}", "value",
        attls_json_u64hex(p), "abi_minor", (int)(p & 0xff), "abi_major",
        (int)(p >> 8 & 0xff), "smt", !!(p & ATTLS_SNP_POLICY_SMT), "migrate_ma",
        !!(p & ATTLS_SNP_POLICY_MIGRATE_MA), "debug",
        !!(p & ATTLS_SNP_POLICY_DEBUG), "single_socket",
        !!(p & ATTLS_SNP_POLICY_SINGLE_SOCKET), "cxl_allow",
        !!(p & ATTLS_SNP_POLICY_CXL_ALLOW), "mem_aes_256_xts",
        !!(p & ATTLS_SNP_POLICY_MEM_AES_256_XTS), "rapl_dis",
        !!(p & ATTLS_SNP_POLICY_RAPL_DIS), "ciphertext_hiding",
        !!(p & ATTLS_SNP_POLICY_CIPHERTEXT_HIDING), "page_swap_disable",
        !!(p & ATTLS_SNP_POLICY_PAGE_SWAP_DISABLE));
}

/* PLATFORM_INFO bits known today; the raw value carries any newer ones. */
static json_t *platform_info_json(uint64_t p)
{
    return json_pack("{s:o, s:b, s:b, s:b, s:b, s:b, s:b, s:b}", "value",
                     attls_json_u64hex(p), "smt_en", !!(p & 1), "tsme_en",
                     !!(p & 2), "ecc_en", !!(p & 4), "rapl_dis", !!(p & 8),
                     "ciphertext_hiding_en", !!(p & 16), "alias_check_complete",
                     !!(p & 32), "sev_tio_en", !!(p & 128));
}

static const char *signing_key_name(attls_snp_signing_key k)
{
    switch (k) {
    case ATTLS_SNP_SIGNED_BY_VCEK:
        return "vcek";
    case ATTLS_SNP_SIGNED_BY_VLEK:
        return "vlek";
    default:
        return "none";
    }
}

static json_t *version_json(const attls_snp_fw_version *v)
{
    char buf[16];

    snprintf(buf, sizeof(buf), "%u.%u.%u", v->major, v->minor, v->build);
    return json_string(buf);
}

static int add_versioned(json_t *o, const attls_snp_report *r)
{
    int err = 0;

    if (r->version >= 2) {
        err |= attls_json_set(o, "committed_tcb", tcb_json(&r->committed_tcb));
        err |= attls_json_set(o, "current_version",
                              version_json(&r->current_version));
        err |= attls_json_set(o, "committed_version",
                              version_json(&r->committed_version));
        err |= attls_json_set(o, "launch_tcb", tcb_json(&r->launch_tcb));
    }
    if (r->has_cpuid)
        err |= attls_json_set(
            o, "cpuid",
            json_pack("{s:i, s:i, s:i}", "family", r->cpuid_family, "model",
                      r->cpuid_model, "stepping", r->cpuid_stepping));
    if (r->version >= 5) {
        err |= attls_json_set(o, "launch_mit_vector",
                              attls_json_u64hex(r->launch_mit_vector));
        err |= attls_json_set(o, "current_mit_vector",
                              attls_json_u64hex(r->current_mit_vector));
    }
    return err;
}

json_t *attls_snp_report_to_json(const attls_snp_report *r)
{
    json_t *o = json_pack(
        "{s:I, s:I, s:o, s:o, s:o, s:I, s:I, s:o, s:o, s:{s:b, s:b, s:s}, "
        "s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:s}",
        "version", (json_int_t)r->version, "guest_svn",
        (json_int_t)r->guest_svn, "policy", policy_json(r->policy), "family_id",
        attls_json_hex(r->family_id, 16), "image_id",
        attls_json_hex(r->image_id, 16), "vmpl", (json_int_t)r->vmpl,
        "signature_algo", (json_int_t)r->signature_algo, "current_tcb",
        tcb_json(&r->current_tcb), "platform_info",
        platform_info_json(r->platform_info), "signer", "author_key_en",
        r->author_key_en, "mask_chip_key", r->mask_chip_key, "signing_key",
        signing_key_name(r->signing_key), "report_data",
        attls_json_hex(r->report_data, 64), "measurement",
        attls_json_hex(r->measurement, 48), "host_data",
        attls_json_hex(r->host_data, 32), "id_key_digest",
        attls_json_hex(r->id_key_digest, 48), "author_key_digest",
        attls_json_hex(r->author_key_digest, 48), "report_id",
        attls_json_hex(r->report_id, 32), "report_id_ma",
        attls_json_hex(r->report_id_ma, 32), "reported_tcb",
        tcb_json(&r->reported_tcb), "chip_id", attls_json_hex(r->chip_id, 64),
        "product", attls_snp_product_name(r->product));

    if (o != NULL && add_versioned(o, r) != 0) {
        json_decref(o);
        o = NULL;
    }
    return o;
}

json_t *attls_snp_vek_to_json(const attls_snp_vek *v)
{
    json_t *o = json_pack(
        "{s:s, s:s, s:s, s:o, s:o, s:o}", "type",
        v->type == ATTLS_SNP_VEK_VLEK ? "vlek" : "vcek", "product_name",
        v->product_name, "product", attls_snp_product_name(v->product), "tcb",
        tcb_json(&v->tcb), "not_before", attls_json_time(v->not_before),
        "not_after", attls_json_time(v->not_after));
    int err = o == NULL;

    if (!err && v->has_struct_version)
        err |= attls_json_set(o, "struct_version",
                              json_integer(v->struct_version));
    if (!err && v->type == ATTLS_SNP_VEK_VCEK)
        err |= attls_json_set(o, "hwid", attls_json_hex(v->hwid, v->hwid_len));
    if (!err && v->type == ATTLS_SNP_VEK_VLEK)
        err |= attls_json_set(o, "csp_id", json_string(v->csp_id));
    if (err) {
        json_decref(o);
        return NULL;
    }
    return o;
}
