/* SPDX-License-Identifier: Apache-2.0 */
#include "tools/issue_cli.h"

#include <stdlib.h>
#include <string.h>

#include "common/bytes.h"
#include "evidence/roots.h"
#include "tools/cli.h"
#include "tools/tls_key.h"
#include "tpm/connection.h"
#include "tpm/pcr.h"
#include "tpm/tee_report.h"

#define DEFAULT_DAYS 30
#define AK_CHAIN_MAX (64 * 1024)

void attls_issue_cli_init(attls_issue_cli *c)
{
    memset(c, 0, sizeof(*c));
    attls_collect_opts_init(&c->o.collect);
    attls_tls_key_type("ec-p256", &c->o.keyspec);
    c->o.cert.days = DEFAULT_DAYS;
    c->o.cert.now = c->o.collect.now;
}

void attls_issue_cli_free(attls_issue_cli *c)
{
    sk_X509_pop_free(c->ak_chain, X509_free);
    c->ak_chain = NULL;
}

void attls_issue_cli_help(FILE *out)
{
    fprintf(out,
            "  --key FILE           the TLS key file (TSS2 PEM for vtpm, "
            "PKCS#8 PEM for memory)\n"
            "  --cert FILE          the self-signed certificate to write\n"
            "  --csr FILE           write a CSR for an external CA instead\n"
            "  --subject DN         \"CN=name,O=org\" or \"/CN=name/O=org\" "
            "(default CN = first --san)\n"
            "  --san NAME           DNS name or IP address (repeatable)\n"
            "  --days N             validity in days (default %d)\n"
            "  --residency R        vtpm (default) or memory\n"
            "  --platform P         azure-snp, azure-tdx, gcp-snp, gcp-tdx or "
            "tpm (default: detect)\n"
            "  --pcr-policy         bind the vtpm key's use to the quoted "
            "PCR values\n"
            "  --pcrs SPEC          PCRs to quote (default %s)\n"
            "  --key-type T         ec-p256 (default), ec-p384, rsa-2048, "
            "rsa-3072\n"
            "  --nonce HEX          1-64 bytes bound into the evidence\n"
            "  --tcti TCTI          TPM access (default $ATTLS_TCTI or %s)\n"
            "  --imds-url URL       Azure IMDS (default $ATTLS_IMDS_URL or "
            "http://169.254.169.254)\n"
            "  --tsm-dir DIR        configfs-tsm report directory (default "
            "$ATTLS_TSM_REPORT_DIR or %s)\n"
            "  --no-endorsements    do not carry the VCEK/VLEK\n"
            "  --ak-chain PEMFILE   AK CA certificates to carry, closest to "
            "the root "
            "first\n"
            "  --azure-wait MS      how long to wait for the Azure user-data "
            "echo (default 10000)\n",
            DEFAULT_DAYS, ATTLS_PCR_DEFAULT, ATTLS_TPM_DEFAULT_TCTI,
            ATTLS_TSM_REPORT_DIR);
}

static int parse_int(const char *cmd, const char *opt, const char *arg, long lo,
                     long hi, long *out)
{
    char *end = NULL;
    long v = strtol(arg, &end, 10);

    if (end == arg || *end != '\0' || v < lo || v > hi) {
        attls_cli_usage_error(cmd, "%s '%s' is not a number from %ld to %ld",
                              opt, arg, lo, hi);
        return -1;
    }
    *out = v;
    return 0;
}

static int load_ak_chain(attls_issue_cli *c, const char *cmd, const char *path)
{
    attls_buf pem;
    int n;

    if (attls_read_file(path, AK_CHAIN_MAX, &pem) != 0) {
        attls_cli_usage_error(cmd, "cannot read --ak-chain %s", path);
        return -1;
    }
    if (c->ak_chain == NULL)
        c->ak_chain = sk_X509_new_null();
    n = c->ak_chain != NULL ? attls_pem_certs_append((const char *)pem.data,
                                                     pem.len, c->ak_chain)
                            : -1;
    attls_buf_free(&pem);
    if (n <= 0) {
        attls_cli_usage_error(cmd, "--ak-chain %s holds no PEM certificate",
                              path);
        return -1;
    }
    c->o.collect.ak_chain = c->ak_chain;
    return 0;
}

static int set_nonce(attls_issue_cli *c, const char *cmd, const char *arg)
{
    size_t n = strlen(arg);

    if (n == 0 || n % 2 != 0 || n / 2 > sizeof(c->nonce) ||
        attls_hex_decode(arg, n, c->nonce, n / 2) != 0) {
        attls_cli_usage_error(cmd, "--nonce must be 1 to 64 bytes of hex");
        return -1;
    }
    c->o.collect.nonce = c->nonce;
    c->o.collect.nonce_len = n / 2;
    return 0;
}

static int set_pcrs(attls_issue_cli *c, const char *cmd, const char *arg)
{
    attls_status st;

    attls_status_clear(&st);
    if (attls_pcr_selection_parse(arg, &c->o.collect.pcrs, &st) != ATTLS_OK) {
        attls_cli_usage_error(cmd, "%s", st.message);
        return -1;
    }
    c->pcrs_set = 1;
    return 0;
}

static int set_enum(const char *cmd, const char *opt, const char *arg,
                    int value)
{
    if (value == 0)
        attls_cli_usage_error(cmd, "unknown %s '%s'", opt, arg);
    return value == 0 ? -1 : 0;
}

int attls_issue_cli_option(attls_issue_cli *c, const char *cmd, int opt,
                           const char *arg)
{
    attls_collect_opts *co = &c->o.collect;
    long v = 0;

    switch (opt) {
    case 0x200:
        c->o.key_path = arg;
        return 1;
    case 0x201:
        c->o.cert_path = arg;
        return 1;
    case 0x202:
        c->o.csr_path = arg;
        return 1;
    case 0x203:
        c->o.cert.subject = arg;
        c->subject_set = 1;
        return 1;
    case 0x204:
        if (c->o.cert.san_count == ATTLS_MAX_SANS) {
            attls_cli_usage_error(cmd, "more than %d --san", ATTLS_MAX_SANS);
            return -1;
        }
        c->o.cert.sans[c->o.cert.san_count++] = arg;
        c->sans_set = 1;
        return 1;
    case 0x205:
        if (parse_int(cmd, "--days", arg, 1, 3650, &v) != 0)
            return -1;
        c->o.cert.days = (int)v;
        c->days_set = 1;
        return 1;
    case 0x206:
        co->residency = attls_residency_from_name(arg);
        c->residency_set = 1;
        return set_enum(cmd, "--residency", arg, co->residency) == 0 ? 1 : -1;
    case 0x207:
        co->platform = attls_platform_from_name(arg);
        return set_enum(cmd, "--platform", arg, co->platform) == 0 ? 1 : -1;
    case 0x208:
        co->pcr_policy = 1;
        return 1;
    case 0x209:
        return set_pcrs(c, cmd, arg) == 0 ? 1 : -1;
    case 0x20a:
        return set_enum(cmd, "--key-type", arg,
                        attls_tls_key_type(arg, &c->o.keyspec) == 0) == 0
                   ? 1
                   : -1;
    case 0x20b:
        return set_nonce(c, cmd, arg) == 0 ? 1 : -1;
    case 0x20c:
        /* The provider reads ATTLS_TCTI when it loads (it signs too). */
        return setenv("ATTLS_TCTI", arg, 1) == 0 ? 1 : -1;
    case 0x20d:
        co->imds_url = arg;
        return 1;
    case 0x20e:
        co->tee.tsm_dir = arg;
        return 1;
    case 0x20f:
        co->endorsements = 0;
        return 1;
    case 0x210:
        return load_ak_chain(c, cmd, arg) == 0 ? 1 : -1;
    case 0x211:
        if (parse_int(cmd, "--azure-wait", arg, 0, 600000, &v) != 0)
            return -1;
        co->azure_wait_ms = (unsigned)v;
        return 1;
    default:
        return 0;
    }
}

int attls_issue_cli_finish(attls_issue_cli *c, const char *cmd)
{
    /* The same TCTI for this process's own TPM use and for the provider. */
    if (attls_tpm_configure(getenv("ATTLS_TCTI")) != 0) {
        fprintf(stderr, "attls %s: out of memory\n", cmd);
        return -1;
    }
    if (c->o.key_path == NULL) {
        attls_cli_usage_error(cmd, "--key is required");
        return -1;
    }
    if ((c->o.cert_path == NULL) == (c->o.csr_path == NULL)) {
        attls_cli_usage_error(cmd, "give exactly one of --cert and --csr");
        return -1;
    }
    if (c->o.collect.pcr_policy &&
        c->o.collect.residency != ATTLS_RESIDENCY_VTPM) {
        attls_cli_usage_error(cmd, "--pcr-policy needs --residency vtpm");
        return -1;
    }
    return 0;
}

int attls_issue_cli_run(attls_issue_cli *c, const char *cmd)
{
    attls_issue_result res;
    attls_status st;
    attls_code rc;

    attls_status_clear(&st);
    if (!attls_issue_load_providers()) {
        fprintf(stderr,
                "attls %s: cannot load the default and attls "
                "providers\n",
                cmd);
        return ATTLS_EXIT_ERROR;
    }
    rc = attls_issue(&c->o, &res, &st);
    attls_issue_unload_providers();
    if (rc != ATTLS_OK) {
        /* Issuing failures are errors, never "rejected" evidence. */
        fprintf(stderr, "attls %s: error: %s: %s [%s]\n", cmd,
                st.check[0] ? st.check : "-", st.message,
                attls_status_code_name(st.code));
        return rc == ATTLS_E_ARGUMENT ? ATTLS_EXIT_USAGE : ATTLS_EXIT_ERROR;
    }
    fprintf(stderr, "attls %s: OK: %s %s, %s key, %zu bytes%s\n", cmd,
            c->o.csr_path != NULL ? "request" : "certificate",
            c->o.csr_path != NULL ? c->o.csr_path : c->o.cert_path,
            attls_residency_name(c->o.collect.residency), res.der_len,
            res.platform == ATTLS_PLATFORM_AZURE_SNP ||
                    res.platform == ATTLS_PLATFORM_AZURE_TDX
                ? (res.user_data_echoed ? ", Azure user-data echoed"
                                        : ", no Azure user-data echo")
                : "");
    fprintf(stderr, "attls %s: platform %s\n", cmd,
            attls_platform_name(res.platform));
    return ATTLS_EXIT_OK;
}
