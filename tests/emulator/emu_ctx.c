/* SPDX-License-Identifier: Apache-2.0 */
#include "emu_ctx.h"

#include <errno.h>
#include <pthread.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <jansson.h>

#include "emu_der.h"
#include "emu_tdx.h"
#include "emu_util.h"
#include "emu_x509.h"

#define DAY 86400L
#define YEAR (365L * DAY)

/* ------------------------------------------------------------------ */
/* Platforms                                                            */

static const char *const platform_names[] = {
    [EMU_AZURE_SNP] = "azure-snp",
    [EMU_AZURE_TDX] = "azure-tdx",
    [EMU_GCP_SNP] = "gcp-snp",
    [EMU_GCP_TDX] = "gcp-tdx",
    [EMU_TPM] = "tpm",
};

int emu_platform_parse(const char *s, emu_platform *out)
{
    for (size_t i = 0; i < sizeof(platform_names) / sizeof(*platform_names);
         i++) {
        if (strcmp(s, platform_names[i]) == 0) {
            *out = (emu_platform)i;
            return 0;
        }
    }
    emu_err("unknown platform '%s' (azure-snp, azure-tdx, gcp-snp, gcp-tdx, "
            "tpm)",
            s);
    return -1;
}

const char *emu_platform_name(emu_platform p)
{
    return platform_names[p];
}

int emu_platform_is_azure(emu_platform p)
{
    return p == EMU_AZURE_SNP || p == EMU_AZURE_TDX;
}

int emu_platform_is_snp(emu_platform p)
{
    return p == EMU_AZURE_SNP || p == EMU_GCP_SNP;
}

int emu_platform_is_tdx(emu_platform p)
{
    return p == EMU_AZURE_TDX || p == EMU_GCP_TDX;
}

/* ------------------------------------------------------------------ */
/* Machine identity: generated once, stored in pki/platform.json        */

/*
 * Values modelled on the real captures (MANIFEST.md): an Azure Milan report
 * (policy 0x3001F, guest SVN 2, ID block present, firmware 1.52.4,
 * REPORTED_TCB (3,0,8,115) with provisional microcode 206 in CURRENT_TCB),
 * and Sapphire Rapids TDX platforms (FMSPC 00806F050000 as in the real
 * Azure and GCP quotes). Measurements and IDs are random per machine.
 */
static int new_snp_profile(emu_platform p, emu_snp_profile *s)
{
    const char *v = getenv("ATTLS_EMU_SNP_REPORT_VERSION");

    memset(s, 0, sizeof(*s));
    s->version = 3;
    if (v != NULL && strcmp(v, "2") == 0)
        s->version = 2;
    else if (v != NULL && strcmp(v, "3") != 0) {
        emu_err("ATTLS_EMU_SNP_REPORT_VERSION must be 2 or 3, not '%s'", v);
        return -1;
    }
    s->reported = (emu_snp_tcb){.bl = 3, .tee = 0, .snp = 8, .ucode = 115};
    s->current = s->reported;
    s->fw_major = 1;
    s->fw_minor = 52;
    s->fw_build = 4;
    s->cpuid_fam = 0x19; /* Milan: family 19h, model 01h, stepping 1 */
    s->cpuid_mod = 0x01;
    s->cpuid_step = 0x01;
    s->platform_info = 0x1; /* SMT enabled */
    if (emu_random(s->measurement, sizeof(s->measurement)) != 0 ||
        emu_random(s->report_id, sizeof(s->report_id)) != 0 ||
        emu_random(s->chip_id, sizeof(s->chip_id)) != 0)
        return -1;
    if (p == EMU_AZURE_SNP) {
        /* The paravisor is launched with a Microsoft-signed ID block. */
        s->policy = 0x3001F;
        s->guest_svn = 2;
        s->family_id[0] = 1;
        s->image_id[0] = 2;
        s->current.ucode = 206;
        if (emu_random(s->id_key_digest, sizeof(s->id_key_digest)) != 0)
            return -1;
    } else {
        s->policy = 0x30000;
    }
    return 0;
}

static int new_tdx_profile(emu_platform p, emu_tdx_profile *t)
{
    static const uint8_t cpusvn[16] = {6, 6, 0x13, 0x15, 3, 0xff, 0, 3};
    static const uint8_t fmspc[6] = {0x00, 0x80, 0x6F, 0x05, 0x00, 0x00};

    memset(t, 0, sizeof(*t));
    memcpy(t->cpusvn, cpusvn, sizeof(cpusvn));
    /* TDX module 1.x (TDX_01), ISVSVN 2 on Azure, 4 on GCP; microcode 6. */
    t->tee_tcb_svn[0] = p == EMU_AZURE_TDX ? 2 : 4;
    t->tee_tcb_svn[1] = 1;
    t->tee_tcb_svn[2] = 6;
    memcpy(t->fmspc, fmspc, sizeof(fmspc));
    t->pcesvn = 13;
    t->qe_isvsvn = 8;
    if (p == EMU_AZURE_TDX) {
        /* Azure: no SEPT_VE_DISABLE, RTMRs zero (measurements in vTPM). */
        t->td_attributes = 0;
        t->xfam = 0x618E7;
    } else {
        t->td_attributes = 0x10000000;
        t->xfam = 0x600E7;
        for (int i = 0; i < 3; i++)
            if (emu_random(t->rtmr[i], sizeof(t->rtmr[i])) != 0)
                return -1;
    }
    if (emu_random(t->mrseam, sizeof(t->mrseam)) != 0 ||
        emu_random(t->mrtd, sizeof(t->mrtd)) != 0 ||
        emu_random(t->qe_id, sizeof(t->qe_id)) != 0 ||
        emu_random(t->qe_mrenclave, sizeof(t->qe_mrenclave)) != 0 ||
        emu_random(t->ppid, sizeof(t->ppid)) != 0 ||
        emu_random(t->platform_instance_id, sizeof(t->platform_instance_id)) !=
            0)
        return -1;
    return 0;
}

static int new_identity(emu_ctx *ctx)
{
    uint8_t r[32];
    char *b64;
    uint64_t n;

    if (emu_random(r, sizeof(r)) != 0)
        return -1;
    r[6] = (uint8_t)((r[6] & 0x0F) | 0x40); /* UUID version 4 */
    r[8] = (uint8_t)((r[8] & 0x3F) | 0x80);
    snprintf(ctx->azure.vm_unique_id, sizeof(ctx->azure.vm_unique_id),
             "%02X%02X%02X%02X-%02X%02X-%02X%02X-%02X%02X-%02X%02X%02X%02X%"
             "02X%02X",
             r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8], r[9], r[10],
             r[11], r[12], r[13], r[14], r[15]);
    if (emu_random(r, sizeof(r)) != 0 ||
        (b64 = attls_b64url_encode(r, sizeof(r))) == NULL)
        return -1;
    snprintf(ctx->azure.root_cert_thumbprint,
             sizeof(ctx->azure.root_cert_thumbprint), "%s", b64);
    OPENSSL_free(b64);

    snprintf(ctx->gcp.zone, sizeof(ctx->gcp.zone), "us-central1-a");
    snprintf(ctx->gcp.project_id, sizeof(ctx->gcp.project_id),
             "attls-emulator");
    snprintf(ctx->gcp.instance_name, sizeof(ctx->gcp.instance_name),
             "attls-emu-%s", emu_platform_name(ctx->platform));
    if (emu_random(&n, sizeof(n)) != 0)
        return -1;
    ctx->gcp.project_number = 100000000000ULL + n % 900000000000ULL;
    if (emu_random(&n, sizeof(n)) != 0)
        return -1;
    ctx->gcp.instance_id = (n >> 1) | (1ULL << 61); /* 19 digits, like GCE */
    return 0;
}

/* The profile fields, for platform.json. */
typedef enum { F_HEX, F_U64, F_U32, F_U16, F_U8, F_STR } field_type;
typedef struct field {
    const char *name;
    field_type type;
    size_t off, len;
} field;

#define HEX(st, m)                                                             \
    {                                                                          \
#m, F_HEX, offsetof(st, m), sizeof(((st *)0)->m)                       \
    }
#define NUM(st, m, t)                                                          \
    {                                                                          \
#m, t, offsetof(st, m), sizeof(((st *)0)->m)                           \
    }
#define STR(st, m)                                                             \
    {                                                                          \
#m, F_STR, offsetof(st, m), sizeof(((st *)0)->m)                       \
    }

static const field snp_fields[] = {
    NUM(emu_snp_profile, version, F_U32),
    NUM(emu_snp_profile, guest_svn, F_U32),
    NUM(emu_snp_profile, policy, F_U64),
    HEX(emu_snp_profile, family_id),
    HEX(emu_snp_profile, image_id),
    NUM(emu_snp_profile, platform_info, F_U64),
    HEX(emu_snp_profile, measurement),
    HEX(emu_snp_profile, host_data),
    HEX(emu_snp_profile, id_key_digest),
    HEX(emu_snp_profile, author_key_digest),
    HEX(emu_snp_profile, report_id),
    HEX(emu_snp_profile, chip_id),
    HEX(emu_snp_profile, reported),
    HEX(emu_snp_profile, current),
    NUM(emu_snp_profile, fw_major, F_U8),
    NUM(emu_snp_profile, fw_minor, F_U8),
    NUM(emu_snp_profile, fw_build, F_U8),
    NUM(emu_snp_profile, cpuid_fam, F_U8),
    NUM(emu_snp_profile, cpuid_mod, F_U8),
    NUM(emu_snp_profile, cpuid_step, F_U8),
};

static const field tdx_fields[] = {
    HEX(emu_tdx_profile, cpusvn),
    HEX(emu_tdx_profile, tee_tcb_svn),
    HEX(emu_tdx_profile, mrseam),
    NUM(emu_tdx_profile, td_attributes, F_U64),
    NUM(emu_tdx_profile, xfam, F_U64),
    HEX(emu_tdx_profile, mrtd),
    HEX(emu_tdx_profile, rtmr),
    HEX(emu_tdx_profile, fmspc),
    HEX(emu_tdx_profile, pceid),
    NUM(emu_tdx_profile, pcesvn, F_U16),
    NUM(emu_tdx_profile, qe_isvsvn, F_U16),
    HEX(emu_tdx_profile, qe_id),
    HEX(emu_tdx_profile, qe_mrenclave),
    HEX(emu_tdx_profile, ppid),
    HEX(emu_tdx_profile, platform_instance_id),
};

static const field azure_fields[] = {
    STR(emu_azure_identity, vm_unique_id),
    STR(emu_azure_identity, root_cert_thumbprint),
};

static const field gcp_fields[] = {
    STR(emu_gcp_identity, zone),
    STR(emu_gcp_identity, project_id),
    STR(emu_gcp_identity, instance_name),
    NUM(emu_gcp_identity, project_number, F_U64),
    NUM(emu_gcp_identity, instance_id, F_U64),
};

static json_t *fields_to_json(const void *base, const field *f, size_t n)
{
    json_t *o = json_object();
    char hex[2 * 192 + 1];

    for (size_t i = 0; o != NULL && i < n; i++) {
        const uint8_t *p = (const uint8_t *)base + f[i].off;
        json_t *v = NULL;
        uint64_t u = 0;

        switch (f[i].type) {
        case F_HEX:
            attls_hex_encode(p, f[i].len, hex);
            v = json_string(hex);
            break;
        case F_STR:
            v = json_string((const char *)p);
            break;
        default:
            memcpy(&u, p, f[i].len); /* little-endian host (x86, arm64) */
            snprintf(hex, sizeof(hex), "%llu", (unsigned long long)u);
            v = json_string(hex);
            break;
        }
        if (v == NULL || json_object_set_new(o, f[i].name, v) != 0) {
            json_decref(o);
            return NULL;
        }
    }
    return o;
}

static int fields_from_json(json_t *o, const char *section, void *base,
                            const field *f, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        json_t *v = json_object_get(o, f[i].name);
        const char *s = json_string_value(v);
        uint8_t *p = (uint8_t *)base + f[i].off;
        unsigned long long u;
        char *end;

        if (s == NULL) {
            emu_err("platform.json: %s.%s missing or not a string", section,
                    f[i].name);
            return -1;
        }
        switch (f[i].type) {
        case F_HEX:
            if (attls_hex_decode(s, strlen(s), p, f[i].len) != 0) {
                emu_err("platform.json: %s.%s is not %zu bytes of hex", section,
                        f[i].name, f[i].len);
                return -1;
            }
            break;
        case F_STR:
            if (strlen(s) >= f[i].len) {
                emu_err("platform.json: %s.%s too long", section, f[i].name);
                return -1;
            }
            memcpy(p, s, strlen(s) + 1);
            break;
        default:
            errno = 0;
            u = strtoull(s, &end, 10);
            if (errno != 0 || *end != '\0' || end == s ||
                (f[i].len < 8 && u >> (8 * f[i].len) != 0)) {
                emu_err("platform.json: %s.%s is not a %zu-byte number",
                        section, f[i].name, f[i].len);
                return -1;
            }
            memcpy(p, &u, f[i].len);
            break;
        }
    }
    return 0;
}

#define NFIELDS(a) (sizeof(a) / sizeof(*(a)))

static int save_profile(const emu_ctx *ctx)
{
    json_t *o = json_object();
    char path[4096], *text = NULL;
    int rc = -1;

    if (o == NULL ||
        json_object_set_new(o, "platform",
                            json_string(emu_platform_name(ctx->platform))) ||
        json_object_set_new(
            o, "snp",
            fields_to_json(&ctx->snp, snp_fields, NFIELDS(snp_fields))) ||
        json_object_set_new(
            o, "tdx",
            fields_to_json(&ctx->tdx, tdx_fields, NFIELDS(tdx_fields))) ||
        json_object_set_new(
            o, "azure",
            fields_to_json(&ctx->azure, azure_fields, NFIELDS(azure_fields))) ||
        json_object_set_new(
            o, "gcp",
            fields_to_json(&ctx->gcp, gcp_fields, NFIELDS(gcp_fields))))
        goto end;
    text = json_dumps(o, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    if (text == NULL ||
        emu_path(path, sizeof(path), ctx->pki, "platform.json") != 0)
        goto end;
    rc = emu_write_file(path, text, strlen(text), 0644);
end:
    if (rc != 0)
        emu_err("cannot save platform.json");
    free(text);
    json_decref(o);
    return rc;
}

static int load_profile(emu_ctx *ctx)
{
    char path[4096];
    json_error_t jerr;
    json_t *o;
    int rc = -1;

    if (emu_path(path, sizeof(path), ctx->pki, "platform.json") != 0)
        return -1;
    o = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr);
    if (o == NULL) {
        emu_err("%s: %s (line %d)", path, jerr.text, jerr.line);
        return -1;
    }
    if (json_string_value(json_object_get(o, "platform")) == NULL)
        emu_err("%s: no platform", path);
    else if (emu_platform_parse(
                 json_string_value(json_object_get(o, "platform")),
                 &ctx->platform) == 0 &&
             fields_from_json(json_object_get(o, "snp"), "snp", &ctx->snp,
                              snp_fields, NFIELDS(snp_fields)) == 0 &&
             fields_from_json(json_object_get(o, "tdx"), "tdx", &ctx->tdx,
                              tdx_fields, NFIELDS(tdx_fields)) == 0 &&
             fields_from_json(json_object_get(o, "azure"), "azure", &ctx->azure,
                              azure_fields, NFIELDS(azure_fields)) == 0 &&
             fields_from_json(json_object_get(o, "gcp"), "gcp", &ctx->gcp,
                              gcp_fields, NFIELDS(gcp_fields)) == 0)
        rc = 0;
    json_decref(o);
    return rc;
}

/* ------------------------------------------------------------------ */
/* Key generation, in parallel: RSA-4096 CA keys dominate start time.   */

typedef struct keyjob {
    unsigned rsa_bits; /* 0: EC */
    const char *curve;
    EVP_PKEY **out;
} keyjob;

typedef struct keyjobs {
    keyjob *jobs;
    size_t n, next;
    pthread_mutex_t lock;
} keyjobs;

static void *keygen_worker(void *arg)
{
    keyjobs *q = arg;

    for (;;) {
        keyjob *j;

        pthread_mutex_lock(&q->lock);
        j = q->next < q->n ? &q->jobs[q->next++] : NULL;
        pthread_mutex_unlock(&q->lock);
        if (j == NULL)
            return NULL;
        *j->out = j->rsa_bits ? emu_key_rsa(j->rsa_bits) : emu_key_ec(j->curve);
    }
}

static int keygen_all(keyjob *jobs, size_t n)
{
    keyjobs q = {.jobs = jobs, .n = n};
    pthread_t t[4];
    size_t nt = 0;

    pthread_mutex_init(&q.lock, NULL);
    for (; nt < sizeof(t) / sizeof(*t); nt++)
        if (pthread_create(&t[nt], NULL, keygen_worker, &q) != 0)
            break;
    if (nt == 0)
        keygen_worker(&q);
    for (size_t i = 0; i < nt; i++)
        pthread_join(t[i], NULL);
    pthread_mutex_destroy(&q.lock);
    for (size_t i = 0; i < n; i++)
        if (*jobs[i].out == NULL)
            return -1;
    return 0;
}

/* ------------------------------------------------------------------ */
/* Certificates                                                         */

#define AMD_NAME(cn)                                                           \
    {                                                                          \
        "OU", "Engineering", "C", "US", "L", "Santa Clara", "ST", "CA", "O",   \
            "Advanced Micro Devices", "CN", cn, NULL                           \
    }
#define INTEL_NAME(cn)                                                         \
    {                                                                          \
        "CN", cn, "O", "Intel Corporation", "L", "Santa Clara", "ST", "CA",    \
            "C", "US", NULL                                                    \
    }
#define GCP_NAME(cn)                                                           \
    {                                                                          \
        "C", "US", "ST", "California", "L", "Mountain View", "O",              \
            "Google LLC", "OU", "Google Cloud", "CN", cn, NULL                 \
    }
#define EXT(n, v)                                                              \
    {                                                                          \
        .name = n, .value = v                                                  \
    }
#define NEXTS(a) (sizeof(a) / sizeof(*(a)))

static int save_pair(const emu_ctx *ctx, const char *base, EVP_PKEY *key,
                     X509 *cert)
{
    char path[4096], name[256];

    snprintf(name, sizeof(name), "%s.key", base);
    if (key != NULL && (emu_path(path, sizeof(path), ctx->pki, name) != 0 ||
                        emu_key_save(path, key) != 0))
        return -1;
    snprintf(name, sizeof(name), "%s.pem", base);
    if (cert != NULL && (emu_path(path, sizeof(path), ctx->pki, name) != 0 ||
                         emu_cert_save(path, cert) != 0))
        return -1;
    return 0;
}

/* One INTEGER-valued AMD extension: the extnValue is the DER INTEGER. */
static int amd_int_ext(emu_der *store, size_t *off, emu_ext *e, const char *oid,
                       unsigned v)
{
    size_t start = store->len;

    emu_der_uint(store, v);
    off[0] = start;
    *e = (emu_ext){.oid = oid, .der_len = store->len - start};
    return store->failed ? -1 : 0;
}

static int create_amd(emu_ctx *ctx, EVP_PKEY *ark_key, EVP_PKEY *ask_key)
{
    static const char *const ark_name[] = AMD_NAME("ARK-Milan");
    static const char *const ask_name[] = AMD_NAME("SEV-Milan");
    static const char *const vcek_name[] = AMD_NAME("SEV-VCEK");
    static const uint8_t ark_serial[] = {0x01, 0x00, 0x00};
    static const uint8_t ask_serial[] = {0x01, 0x00, 0x01};
    static const uint8_t zero_serial[] = {0x00};
    static const char crl[] = "URI:https://kdsintf.amd.com/vcek/v1/Milan/crl";
    const emu_ext ark_ext[] = {
        EXT("keyUsage", "critical,keyCertSign,cRLSign"),
        EXT("subjectKeyIdentifier", "hash"),
        EXT("basicConstraints", "critical,CA:TRUE"),
        EXT("crlDistributionPoints", crl),
    };
    const emu_ext ask_ext[] = {
        EXT("subjectKeyIdentifier", "hash"),
        EXT("authorityKeyIdentifier", "keyid:always"),
        EXT("basicConstraints", "critical,CA:TRUE,pathlen:0"),
        EXT("keyUsage", "critical,keyCertSign"),
        EXT("crlDistributionPoints", crl),
    };
    /* VCEK extensions, in the order AMD's KDS emits them. */
    static const struct {
        const char *oid;
        int which; /* -1 structVersion, 0..3 bl/tee/snp/ucode, 4 zero */
    } spl[] = {
        {"1.3.6.1.4.1.3704.1.1", -1},  {"1.3.6.1.4.1.3704.1.3.1", 0},
        {"1.3.6.1.4.1.3704.1.3.2", 1}, {"1.3.6.1.4.1.3704.1.3.4", 4},
        {"1.3.6.1.4.1.3704.1.3.5", 4}, {"1.3.6.1.4.1.3704.1.3.6", 4},
        {"1.3.6.1.4.1.3704.1.3.7", 4}, {"1.3.6.1.4.1.3704.1.3.3", 2},
        {"1.3.6.1.4.1.3704.1.3.8", 3},
    };
    const emu_snp_tcb *tcb = &ctx->snp.reported;
    const unsigned vals[4] = {tcb->bl, tcb->tee, tcb->snp, tcb->ucode};
    static const char product[] = "Milan-B0";
    emu_ext vcek_ext[12];
    size_t off[12], n = 0;
    emu_der store;
    time_t now = time(NULL);
    emu_cert_spec spec;
    int rc = -1;

    emu_der_init(&store);
    spec = (emu_cert_spec){.subject = ark_name,
                           .pubkey = ark_key,
                           .serial = ark_serial,
                           .serial_len = 3,
                           .not_before = now - DAY,
                           .not_after = now + 25 * YEAR,
                           .sig = EMU_SIG_RSA_PSS_SHA384,
                           .exts = ark_ext,
                           .n_exts = NEXTS(ark_ext)};
    if ((ctx->ark = emu_cert_issue(&spec)) == NULL)
        goto end;
    spec = (emu_cert_spec){.subject = ask_name,
                           .pubkey = ask_key,
                           .issuer = ctx->ark,
                           .issuer_key = ark_key,
                           .serial = ask_serial,
                           .serial_len = 3,
                           .not_before = now - DAY,
                           .not_after = now + 25 * YEAR,
                           .sig = EMU_SIG_RSA_PSS_SHA384,
                           .exts = ask_ext,
                           .n_exts = NEXTS(ask_ext)};
    if ((ctx->ask = emu_cert_issue(&spec)) == NULL)
        goto end;

    /* structVersion, productName, the SPLs, then hwID = CHIP_ID (raw). */
    if (amd_int_ext(&store, &off[n], &vcek_ext[n], spl[0].oid, 0) != 0)
        goto end;
    n++;
    off[n] = store.len;
    emu_der_prim(&store, 0x16, product, strlen(product)); /* IA5String */
    vcek_ext[n] =
        (emu_ext){.oid = "1.3.6.1.4.1.3704.1.2", .der_len = store.len - off[n]};
    n++;
    for (size_t i = 1; i < sizeof(spl) / sizeof(*spl); i++, n++)
        if (amd_int_ext(&store, &off[n], &vcek_ext[n], spl[i].oid,
                        spl[i].which < 4 ? vals[spl[i].which] : 0) != 0)
            goto end;
    off[n] = store.len;
    emu_der_raw(&store, ctx->snp.chip_id, sizeof(ctx->snp.chip_id));
    vcek_ext[n++] = (emu_ext){.oid = "1.3.6.1.4.1.3704.1.4",
                              .der_len = sizeof(ctx->snp.chip_id)};
    if (store.failed)
        goto end;
    for (size_t i = 0; i < n; i++)
        vcek_ext[i].der = store.data + off[i];
    spec = (emu_cert_spec){.subject = vcek_name,
                           .pubkey = ctx->vcek_key,
                           .issuer = ctx->ask,
                           .issuer_key = ask_key,
                           .serial = zero_serial,
                           .serial_len = 1,
                           .not_before = now - DAY,
                           .not_after = now + 7 * YEAR,
                           .sig = EMU_SIG_RSA_PSS_SHA384,
                           .exts = vcek_ext,
                           .n_exts = n};
    if ((ctx->vcek = emu_cert_issue(&spec)) == NULL)
        goto end;
    rc = 0;
    if (save_pair(ctx, "amd-ark", ark_key, ctx->ark) != 0 ||
        save_pair(ctx, "amd-ask", ask_key, ctx->ask) != 0 ||
        save_pair(ctx, "amd-vcek", ctx->vcek_key, ctx->vcek) != 0)
        rc = -1;
end:
    emu_der_free(&store);
    return rc;
}

/* The SGX extension of a PCK certificate (1.2.840.113741.1.13.1). */
static int sgx_extension(const emu_tdx_profile *t, emu_der *d)
{
    char oid[64];

    emu_der_begin(d, 0x30);
    emu_der_begin(d, 0x30); /* PPID */
    emu_der_oid(d, "1.2.840.113741.1.13.1.1");
    emu_der_prim(d, 0x04, t->ppid, sizeof(t->ppid));
    emu_der_end(d);
    emu_der_begin(d, 0x30); /* TCB */
    emu_der_oid(d, "1.2.840.113741.1.13.1.2");
    emu_der_begin(d, 0x30);
    for (int i = 0; i < 16; i++) {
        snprintf(oid, sizeof(oid), "1.2.840.113741.1.13.1.2.%d", i + 1);
        emu_der_begin(d, 0x30);
        emu_der_oid(d, oid);
        emu_der_uint(d, t->cpusvn[i]);
        emu_der_end(d);
    }
    emu_der_begin(d, 0x30);
    emu_der_oid(d, "1.2.840.113741.1.13.1.2.17");
    emu_der_uint(d, t->pcesvn);
    emu_der_end(d);
    emu_der_begin(d, 0x30);
    emu_der_oid(d, "1.2.840.113741.1.13.1.2.18");
    emu_der_prim(d, 0x04, t->cpusvn, sizeof(t->cpusvn));
    emu_der_end(d);
    emu_der_end(d);
    emu_der_end(d);
    emu_der_begin(d, 0x30); /* PCE-ID */
    emu_der_oid(d, "1.2.840.113741.1.13.1.3");
    emu_der_prim(d, 0x04, t->pceid, sizeof(t->pceid));
    emu_der_end(d);
    emu_der_begin(d, 0x30); /* FMSPC */
    emu_der_oid(d, "1.2.840.113741.1.13.1.4");
    emu_der_prim(d, 0x04, t->fmspc, sizeof(t->fmspc));
    emu_der_end(d);
    emu_der_begin(d, 0x30); /* SGX type: Scalable */
    emu_der_oid(d, "1.2.840.113741.1.13.1.5");
    emu_der_prim(d, 0x0A, "\x01", 1);
    emu_der_end(d);
    emu_der_begin(d, 0x30); /* PlatformInstanceID */
    emu_der_oid(d, "1.2.840.113741.1.13.1.6");
    emu_der_prim(d, 0x04, t->platform_instance_id,
                 sizeof(t->platform_instance_id));
    emu_der_end(d);
    emu_der_begin(d, 0x30); /* Configuration */
    emu_der_oid(d, "1.2.840.113741.1.13.1.7");
    emu_der_begin(d, 0x30);
    for (int i = 1; i <= 3; i++) {
        snprintf(oid, sizeof(oid), "1.2.840.113741.1.13.1.7.%d", i);
        emu_der_begin(d, 0x30);
        emu_der_oid(d, oid);
        emu_der_bool(d, 1);
        emu_der_end(d);
    }
    emu_der_end(d);
    emu_der_end(d);
    emu_der_end(d);
    return emu_der_finish(d);
}

static int create_intel(emu_ctx *ctx)
{
    static const char *const root_name[] = INTEL_NAME("Intel SGX Root CA");
    static const char *const ca_name[] =
        INTEL_NAME("Intel SGX PCK Platform CA");
    static const char *const pck_name[] =
        INTEL_NAME("Intel SGX PCK Certificate");
    static const char *const tcb_name[] = INTEL_NAME("Intel SGX TCB Signing");
    static const char root_crl[] =
        "URI:https://certificates.trustedservices.intel.com/IntelSGXRootCA.der";
    static const char pck_crl[] =
        "URI:https://api.trustedservices.intel.com/sgx/certification/v4/"
        "pckcrl?ca=platform&encoding=der";
    const emu_ext root_ext[] = {
        EXT("subjectKeyIdentifier", "hash"),
        EXT("authorityKeyIdentifier", "keyid:always"),
        EXT("crlDistributionPoints", root_crl),
        EXT("keyUsage", "critical,keyCertSign,cRLSign"),
        EXT("basicConstraints", "critical,CA:TRUE,pathlen:1"),
    };
    const emu_ext ca_ext[] = {
        EXT("authorityKeyIdentifier", "keyid:always"),
        EXT("crlDistributionPoints", root_crl),
        EXT("subjectKeyIdentifier", "hash"),
        EXT("keyUsage", "critical,keyCertSign,cRLSign"),
        EXT("basicConstraints", "critical,CA:TRUE,pathlen:0"),
    };
    const emu_ext tcb_ext[] = {
        EXT("authorityKeyIdentifier", "keyid:always"),
        EXT("crlDistributionPoints", root_crl),
        EXT("subjectKeyIdentifier", "hash"),
        EXT("keyUsage", "critical,digitalSignature,nonRepudiation"),
        EXT("basicConstraints", "critical,CA:FALSE"),
    };
    emu_ext pck_ext[] = {
        EXT("authorityKeyIdentifier", "keyid:always"),
        EXT("crlDistributionPoints", pck_crl),
        EXT("subjectKeyIdentifier", "hash"),
        EXT("keyUsage", "critical,digitalSignature,nonRepudiation"),
        EXT("basicConstraints", "critical,CA:FALSE"),
        {.oid = "1.2.840.113741.1.13.1"},
    };
    time_t now = time(NULL);
    emu_cert_spec spec;
    emu_der sgx;
    int rc = -1;

    emu_der_init(&sgx);
    spec = (emu_cert_spec){.subject = root_name,
                           .pubkey = ctx->intel_root_key,
                           .not_before = now - DAY,
                           .not_after = now + 25 * YEAR,
                           .sig = EMU_SIG_ECDSA_SHA256,
                           .exts = root_ext,
                           .n_exts = NEXTS(root_ext)};
    if ((ctx->intel_root = emu_cert_issue(&spec)) == NULL)
        goto end;
    spec = (emu_cert_spec){.subject = ca_name,
                           .pubkey = ctx->platform_ca_key,
                           .issuer = ctx->intel_root,
                           .issuer_key = ctx->intel_root_key,
                           .not_before = now - DAY,
                           .not_after = now + 15 * YEAR,
                           .sig = EMU_SIG_ECDSA_SHA256,
                           .exts = ca_ext,
                           .n_exts = NEXTS(ca_ext)};
    if ((ctx->platform_ca = emu_cert_issue(&spec)) == NULL)
        goto end;
    spec = (emu_cert_spec){.subject = tcb_name,
                           .pubkey = ctx->tcb_signing_key,
                           .issuer = ctx->intel_root,
                           .issuer_key = ctx->intel_root_key,
                           .not_before = now - DAY,
                           .not_after = now + 7 * YEAR,
                           .sig = EMU_SIG_ECDSA_SHA256,
                           .exts = tcb_ext,
                           .n_exts = NEXTS(tcb_ext)};
    if ((ctx->tcb_signing = emu_cert_issue(&spec)) == NULL)
        goto end;
    if (sgx_extension(&ctx->tdx, &sgx) != 0) {
        emu_err("cannot encode the SGX PCK extension");
        goto end;
    }
    pck_ext[5].der = sgx.data;
    pck_ext[5].der_len = sgx.len;
    spec = (emu_cert_spec){.subject = pck_name,
                           .pubkey = ctx->pck_key,
                           .issuer = ctx->platform_ca,
                           .issuer_key = ctx->platform_ca_key,
                           .not_before = now - DAY,
                           .not_after = now + 7 * YEAR,
                           .sig = EMU_SIG_ECDSA_SHA256,
                           .exts = pck_ext,
                           .n_exts = NEXTS(pck_ext)};
    if ((ctx->pck = emu_cert_issue(&spec)) == NULL)
        goto end;
    if (emu_random(ctx->tdx_mac_key, sizeof(ctx->tdx_mac_key)) != 0)
        goto end;
    {
        char path[4096];

        if (emu_path(path, sizeof(path), ctx->pki, "tdx-report-mac.key") != 0 ||
            emu_write_file(path, ctx->tdx_mac_key, sizeof(ctx->tdx_mac_key),
                           0600) != 0)
            goto end;
    }
    if (save_pair(ctx, "intel-root", ctx->intel_root_key, ctx->intel_root) ||
        save_pair(ctx, "intel-platform-ca", ctx->platform_ca_key,
                  ctx->platform_ca) ||
        save_pair(ctx, "intel-pck", ctx->pck_key, ctx->pck) ||
        save_pair(ctx, "intel-tcb-signing", ctx->tcb_signing_key,
                  ctx->tcb_signing) ||
        save_pair(ctx, "intel-attestation", ctx->attest_key, NULL))
        goto end;
    rc = 0;
end:
    emu_der_free(&sgx);
    return rc;
}

static int create_vtpm_ca(emu_ctx *ctx)
{
    static const char *const az_root_name[] = {
        "C",  "US",
        "O",  "Microsoft Corporation",
        "CN", "Azure Virtual TPM Root Certificate Authority 2023",
        NULL};
    static const char *const az_ca_name[] = {"CN", "Global Virtual TPM CA - 03",
                                             NULL};
    static const char *const gcp_root_name[] = GCP_NAME("EK/AK CA Root");
    static const char *const gcp_ca_name[] = GCP_NAME("EK/AK CA Intermediate");
    static const uint8_t ms_ca_version[] = {0x02, 0x01, 0x00};
    const emu_ext az_root_ext[] = {
        EXT("keyUsage", "critical,digitalSignature,keyCertSign,cRLSign"),
        EXT("basicConstraints", "critical,CA:TRUE"),
        EXT("subjectKeyIdentifier", "hash"),
        {.oid = "1.3.6.1.4.1.311.21.1",
         .der = ms_ca_version,
         .der_len = sizeof(ms_ca_version)},
    };
    const emu_ext az_ca_ext[] = {
        EXT("basicConstraints", "critical,CA:TRUE,pathlen:0"),
        EXT("keyUsage", "critical,keyCertSign"),
        EXT("extendedKeyUsage", "2.23.133.8.1,2.23.133.8.3"),
        EXT("subjectKeyIdentifier", "hash"),
        EXT("authorityKeyIdentifier", "keyid:always"),
        EXT("crlDistributionPoints", "URI:http://www.microsoft.com/pkiops/crl/"
                                     "Azure%20Virtual%20TPM%20Root%"
                                     "20Certificate%20Authority%202023.crl"),
        EXT("authorityInfoAccess",
            "caIssuers;URI:http://www.microsoft.com/pkiops/certs/"
            "Azure%20Virtual%20TPM%20Root%20Certificate%20Authority%202023."
            "crt"),
    };
    const emu_ext gcp_root_ext[] = {
        EXT("keyUsage", "critical,keyCertSign,cRLSign"),
        EXT("extendedKeyUsage", "2.23.133.8.1"),
        EXT("basicConstraints", "critical,CA:TRUE"),
        EXT("subjectKeyIdentifier", "hash"),
        EXT("authorityKeyIdentifier", "keyid:always"),
    };
    const emu_ext gcp_ca_ext[] = {
        EXT("keyUsage", "critical,keyCertSign,cRLSign"),
        EXT("extendedKeyUsage", "2.23.133.8.1"),
        EXT("basicConstraints", "critical,CA:TRUE"),
        EXT("subjectKeyIdentifier", "hash"),
        EXT("authorityKeyIdentifier", "keyid:always"),
        EXT("authorityInfoAccess",
            "caIssuers;URI:http://privateca-content-emulated.storage."
            "googleapis.com/attls-emu-root/ca.crt"),
        EXT("crlDistributionPoints",
            "URI:http://privateca-content-emulated.storage.googleapis.com/"
            "attls-emu-root/crl.crl"),
    };
    int azure = emu_platform_is_azure(ctx->platform);
    time_t now = time(NULL);
    emu_cert_spec spec;

    spec = (emu_cert_spec){
        .subject = azure ? az_root_name : gcp_root_name,
        .pubkey = ctx->vtpm_root_key,
        .not_before = now - DAY,
        .not_after = now + (azure ? 25 : 100) * YEAR,
        .sig = azure ? EMU_SIG_RSA_SHA384 : EMU_SIG_RSA_SHA256,
        .exts = azure ? az_root_ext : gcp_root_ext,
        .n_exts = azure ? NEXTS(az_root_ext) : NEXTS(gcp_root_ext)};
    if ((ctx->vtpm_root = emu_cert_issue(&spec)) == NULL)
        return -1;
    spec =
        (emu_cert_spec){.subject = azure ? az_ca_name : gcp_ca_name,
                        .pubkey = ctx->vtpm_ca_key,
                        .issuer = ctx->vtpm_root,
                        .issuer_key = ctx->vtpm_root_key,
                        .not_before = now - DAY,
                        .not_after = now + (azure ? 2 : 100) * YEAR,
                        .sig = azure ? EMU_SIG_RSA_SHA384 : EMU_SIG_RSA_SHA256,
                        .exts = azure ? az_ca_ext : gcp_ca_ext,
                        .n_exts = azure ? NEXTS(az_ca_ext) : NEXTS(gcp_ca_ext)};
    if ((ctx->vtpm_ca = emu_cert_issue(&spec)) == NULL)
        return -1;
    return save_pair(ctx, "vtpm-root", ctx->vtpm_root_key, ctx->vtpm_root) ||
                   save_pair(ctx, "vtpm-ca", ctx->vtpm_ca_key, ctx->vtpm_ca)
               ? -1
               : 0;
}

/* STATE_DIR/roots/<set>.pem, the files `--roots DIR` replaces a set with. */
static int write_roots(const emu_ctx *ctx)
{
    char dir[4096], path[4096], *pem = NULL;
    const char *set;
    X509 *certs[2];
    size_t len = 0;
    int rc = -1;

    if (emu_path(dir, sizeof(dir), ctx->dir, "roots") != 0 ||
        (mkdir(dir, 0755) != 0 && errno != EEXIST)) {
        emu_err("cannot create %s/roots", ctx->dir);
        return -1;
    }
    if (ctx->platform == EMU_TPM)
        return 0;
    if (emu_platform_is_snp(ctx->platform)) {
        set = "amd-milan.pem"; /* KDS cert_chain order: ASK, then ARK */
        certs[0] = ctx->ask;
        certs[1] = ctx->ark;
    } else {
        set = "intel-sgx.pem";
        certs[0] = ctx->intel_root;
        certs[1] = NULL;
    }
    for (int i = 0; i < 2 && certs[i] != NULL; i++)
        if (emu_cert_pem_append(certs[i], &pem, &len) != 0)
            goto end;
    if (emu_path(path, sizeof(path), dir, set) != 0 ||
        emu_write_file(path, pem, len, 0644) != 0)
        goto end;
    free(pem);
    pem = NULL;
    len = 0;
    set = emu_platform_is_azure(ctx->platform) ? "azure-vtpm.pem"
                                               : "gcp-vtpm.pem";
    if (emu_cert_pem_append(ctx->vtpm_root, &pem, &len) != 0 ||
        emu_cert_pem_append(ctx->vtpm_ca, &pem, &len) != 0 ||
        emu_path(path, sizeof(path), dir, set) != 0 ||
        emu_write_file(path, pem, len, 0644) != 0)
        goto end;
    rc = 0;
end:
    free(pem);
    return rc;
}

static int make_dir(const char *dir, const char *sub, char *out, size_t cap)
{
    if (emu_path(out, cap, dir, sub) != 0)
        return -1;
    if (mkdir(out, 0700) != 0 && errno != EEXIST) {
        emu_err("cannot create %s: %s", out, strerror(errno));
        return -1;
    }
    return 0;
}

int emu_ctx_create(const char *dir, emu_platform platform)
{
    emu_ctx ctx;
    EVP_PKEY *ark_key = NULL, *ask_key = NULL;
    keyjob jobs[8];
    size_t n = 0;
    int rc = -1;

    memset(&ctx, 0, sizeof(ctx));
    ctx.platform = platform;
    if (snprintf(ctx.dir, sizeof(ctx.dir), "%s", dir) >= (int)sizeof(ctx.dir) ||
        make_dir(dir, "pki", ctx.pki, sizeof(ctx.pki)) != 0)
        goto end;
    if (new_snp_profile(platform, &ctx.snp) != 0 ||
        new_tdx_profile(platform, &ctx.tdx) != 0 || new_identity(&ctx) != 0 ||
        save_profile(&ctx) != 0)
        goto end;
    if (platform == EMU_TPM) {
        rc = write_roots(&ctx);
        goto end;
    }
    /* Key sizes and types as in the real hierarchies (see docs/emulator.md). */
    if (emu_platform_is_snp(platform)) {
        jobs[n++] = (keyjob){.rsa_bits = 4096, .out = &ark_key};
        jobs[n++] = (keyjob){.rsa_bits = 4096, .out = &ask_key};
        jobs[n++] = (keyjob){.curve = "P-384", .out = &ctx.vcek_key};
    } else {
        jobs[n++] = (keyjob){.curve = "P-256", .out = &ctx.intel_root_key};
        jobs[n++] = (keyjob){.curve = "P-256", .out = &ctx.platform_ca_key};
        jobs[n++] = (keyjob){.curve = "P-256", .out = &ctx.pck_key};
        jobs[n++] = (keyjob){.curve = "P-256", .out = &ctx.tcb_signing_key};
        jobs[n++] = (keyjob){.curve = "P-256", .out = &ctx.attest_key};
    }
    jobs[n++] = (keyjob){.rsa_bits = 4096, .out = &ctx.vtpm_root_key};
    jobs[n++] =
        (keyjob){.rsa_bits = emu_platform_is_azure(platform) ? 2048 : 4096,
                 .out = &ctx.vtpm_ca_key};
    if (keygen_all(jobs, n) != 0)
        goto end;
    if (emu_platform_is_snp(platform) && create_amd(&ctx, ark_key, ask_key))
        goto end;
    if (emu_platform_is_tdx(platform) &&
        (create_intel(&ctx) != 0 || emu_tdx_collateral(&ctx) != 0))
        goto end;
    if (create_vtpm_ca(&ctx) != 0 || write_roots(&ctx) != 0)
        goto end;
    rc = 0;
end:
    EVP_PKEY_free(ark_key);
    EVP_PKEY_free(ask_key);
    emu_ctx_free(&ctx);
    return rc;
}

/* ------------------------------------------------------------------ */
/* Loading                                                              */

static int load_pair(const emu_ctx *ctx, const char *base, EVP_PKEY **key,
                     X509 **cert)
{
    char path[4096], name[256];

    snprintf(name, sizeof(name), "%s.key", base);
    if (key != NULL && (emu_path(path, sizeof(path), ctx->pki, name) != 0 ||
                        (*key = emu_key_load(path)) == NULL))
        return -1;
    snprintf(name, sizeof(name), "%s.pem", base);
    if (cert != NULL && (emu_path(path, sizeof(path), ctx->pki, name) != 0 ||
                         (*cert = emu_cert_load(path)) == NULL))
        return -1;
    return 0;
}

int emu_ctx_load(const char *dir, emu_ctx *ctx)
{
    attls_buf mac = {0};

    memset(ctx, 0, sizeof(*ctx));
    if (snprintf(ctx->dir, sizeof(ctx->dir), "%s", dir) >=
            (int)sizeof(ctx->dir) ||
        emu_path(ctx->pki, sizeof(ctx->pki), dir, "pki") != 0 ||
        load_profile(ctx) != 0)
        goto fail;
    if (ctx->platform == EMU_TPM)
        return 0;
    if (emu_platform_is_snp(ctx->platform) &&
        (load_pair(ctx, "amd-ark", NULL, &ctx->ark) != 0 ||
         load_pair(ctx, "amd-ask", NULL, &ctx->ask) != 0 ||
         load_pair(ctx, "amd-vcek", &ctx->vcek_key, &ctx->vcek) != 0))
        goto fail;
    if (emu_platform_is_tdx(ctx->platform)) {
        if (load_pair(ctx, "intel-root", &ctx->intel_root_key,
                      &ctx->intel_root) != 0 ||
            load_pair(ctx, "intel-platform-ca", &ctx->platform_ca_key,
                      &ctx->platform_ca) != 0 ||
            load_pair(ctx, "intel-pck", &ctx->pck_key, &ctx->pck) != 0 ||
            load_pair(ctx, "intel-tcb-signing", &ctx->tcb_signing_key,
                      &ctx->tcb_signing) != 0 ||
            load_pair(ctx, "intel-attestation", &ctx->attest_key, NULL) != 0 ||
            emu_read_file(ctx->pki, "tdx-report-mac.key", 64, &mac) != 0)
            goto fail;
        if (mac.len != sizeof(ctx->tdx_mac_key)) {
            emu_err("%s/tdx-report-mac.key: %zu bytes, expected 32", ctx->pki,
                    mac.len);
            goto fail;
        }
        memcpy(ctx->tdx_mac_key, mac.data, mac.len);
        attls_buf_free(&mac);
    }
    if (load_pair(ctx, "vtpm-root", &ctx->vtpm_root_key, &ctx->vtpm_root) !=
            0 ||
        load_pair(ctx, "vtpm-ca", &ctx->vtpm_ca_key, &ctx->vtpm_ca) != 0)
        goto fail;
    return 0;
fail:
    attls_buf_free(&mac);
    emu_ctx_free(ctx);
    return -1;
}

void emu_ctx_free(emu_ctx *ctx)
{
    EVP_PKEY *keys[] = {ctx->vcek_key,        ctx->pck_key,
                        ctx->attest_key,      ctx->tcb_signing_key,
                        ctx->platform_ca_key, ctx->intel_root_key,
                        ctx->vtpm_root_key,   ctx->vtpm_ca_key};
    X509 *certs[] = {ctx->ark,         ctx->ask,         ctx->vcek,
                     ctx->intel_root,  ctx->platform_ca, ctx->pck,
                     ctx->tcb_signing, ctx->vtpm_root,   ctx->vtpm_ca};

    for (size_t i = 0; i < sizeof(keys) / sizeof(*keys); i++)
        EVP_PKEY_free(keys[i]);
    for (size_t i = 0; i < sizeof(certs) / sizeof(*certs); i++)
        X509_free(certs[i]);
    OPENSSL_cleanse(ctx->tdx_mac_key, sizeof(ctx->tdx_mac_key));
    memset(ctx, 0, sizeof(*ctx));
}

/* ------------------------------------------------------------------ */
/* vTPM attestation-key certificates                                    */

/* GCE instance identity: 1.3.6.1.4.1.11129.2.1.21, as in real AK certs. */
static int gce_identity(const emu_gcp_identity *g, emu_der *d)
{
    emu_der_begin(d, 0x30);
    emu_der_prim(d, 0x0C, g->zone, strlen(g->zone));
    emu_der_uint(d, g->project_number);
    emu_der_prim(d, 0x0C, g->project_id, strlen(g->project_id));
    emu_der_uint(d, g->instance_id);
    emu_der_prim(d, 0x0C, g->instance_name, strlen(g->instance_name));
    emu_der_begin(d, 0xA0);
    emu_der_begin(d, 0x30);
    emu_der_begin(d, 0xA0); /* securityVersion */
    emu_der_uint(d, 0);
    emu_der_end(d);
    for (int i = 1; i <= 5; i++) { /* isProduction, then four flags */
        emu_der_begin(d, (uint8_t)(0xA0 + i));
        emu_der_bool(d, i <= 2);
        emu_der_end(d);
    }
    emu_der_end(d);
    emu_der_end(d);
    emu_der_end(d);
    return emu_der_finish(d);
}

int emu_issue_ak_cert(const emu_ctx *ctx, EVP_PKEY *ak_pub, uint8_t **der,
                      size_t *len)
{
    char cn[128], instance[32];
    const char *az_name[] = {"CN", cn, NULL};
    const char *gcp_name[] = {
        "L",  ctx->gcp.zone,       "O",  "Google Compute Engine",
        "OU", ctx->gcp.project_id, "CN", instance,
        NULL};
    const emu_ext az_ext[] = {
        EXT("keyUsage", "critical,digitalSignature"),
        EXT("basicConstraints", "critical,CA:FALSE"),
        EXT("extendedKeyUsage", "2.23.133.8.3,1.3.6.1.4.1.311.10.3.12"),
        EXT("subjectKeyIdentifier", "hash"),
        EXT("authorityKeyIdentifier", "keyid:always"),
    };
    emu_ext gcp_ext[] = {
        EXT("keyUsage", "critical,digitalSignature"),
        EXT("basicConstraints", "critical,CA:FALSE"),
        EXT("subjectKeyIdentifier", "hash"),
        EXT("authorityKeyIdentifier", "keyid:always"),
        EXT("authorityInfoAccess",
            "caIssuers;URI:http://privateca-content-emulated.storage."
            "googleapis.com/attls-emu-intermediate/ca.crt"),
        {.oid = "1.3.6.1.4.1.11129.2.1.21"},
    };
    int azure = emu_platform_is_azure(ctx->platform);
    time_t now = time(NULL);
    emu_cert_spec spec;
    emu_der ident;
    X509 *cert = NULL;
    int rc = -1;

    emu_der_init(&ident);
    snprintf(instance, sizeof(instance), "%llu",
             (unsigned long long)ctx->gcp.instance_id);
    /* Lower-case VM ID, as in the leaves reported for Azure vTPMs. */
    snprintf(cn, sizeof(cn), "%s.TrustedVM.Azure.windows.net",
             ctx->azure.vm_unique_id);
    for (char *p = cn; *p != '.'; p++)
        if (*p >= 'A' && *p <= 'F')
            *p = (char)(*p - 'A' + 'a');
    if (!azure) {
        if (gce_identity(&ctx->gcp, &ident) != 0) {
            emu_err("cannot encode the GCE instance identity");
            goto end;
        }
        gcp_ext[5].der = ident.data;
        gcp_ext[5].der_len = ident.len;
    }
    spec = (emu_cert_spec){.subject = azure ? az_name : gcp_name,
                           .pubkey = ak_pub,
                           .issuer = ctx->vtpm_ca,
                           .issuer_key = ctx->vtpm_ca_key,
                           .not_before = now - DAY,
                           .not_after = now + (azure ? 1 : 30) * YEAR,
                           .sig = EMU_SIG_RSA_SHA256,
                           .exts = azure ? az_ext : gcp_ext,
                           .n_exts = azure ? NEXTS(az_ext) : NEXTS(gcp_ext)};
    cert = emu_cert_issue(&spec);
    if (cert != NULL && emu_cert_der(cert, der, len) == 0)
        rc = 0;
end:
    X509_free(cert);
    emu_der_free(&ident);
    return rc;
}
