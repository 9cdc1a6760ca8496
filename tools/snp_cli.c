/* SPDX-License-Identifier: Apache-2.0 */
#include "tools/snp_cli.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/bytes.h"
#include "tools/cli.h"

#define VEK_FILE_MAX (64 * 1024)

void attls_snp_cli_init(attls_snp_cli *c, attls_cli_common *common)
{
    attls_cli_common_init(common);
    optind = 1;
    memset(c, 0, sizeof(*c));
    attls_snp_policy_init(&c->policy);
    /* The command checks only what it is asked to. */
    c->policy.allow_debug = 1;
}

int attls_snp_cli_has_vek(const attls_snp_cli *c)
{
    return c->chain_path != NULL || c->vcek_path != NULL;
}

static int parse_uint(const char *s, unsigned long max, unsigned long *out)
{
    char *end;

    if (*s < '0' || *s > '9')
        return -1;
    errno = 0;
    *out = strtoul(s, &end, 10);
    return errno == 0 && *end == '\0' && *out <= max ? 0 : -1;
}

static int set_tcb_part(attls_snp_tcb *t, const char *key, size_t key_len,
                        unsigned long v)
{
    static const struct {
        const char *name;
        size_t offset;
    } parts[] = {
        {"fmc", offsetof(attls_snp_tcb, fmc)},
        {"bl", offsetof(attls_snp_tcb, bootloader)},
        {"bootloader", offsetof(attls_snp_tcb, bootloader)},
        {"tee", offsetof(attls_snp_tcb, tee)},
        {"snp", offsetof(attls_snp_tcb, snp)},
        {"ucode", offsetof(attls_snp_tcb, microcode)},
        {"microcode", offsetof(attls_snp_tcb, microcode)},
    };

    for (size_t i = 0; i < sizeof(parts) / sizeof(parts[0]); i++) {
        if (strlen(parts[i].name) == key_len &&
            strncmp(parts[i].name, key, key_len) == 0) {
            ((uint8_t *)t)[parts[i].offset] = (uint8_t)v;
            return 0;
        }
    }
    return -1;
}

/* "bl=3,tee=0,snp=8,ucode=115[,fmc=0]"; absent components are 0. */
static int parse_min_tcb(const char *spec, attls_snp_tcb *out)
{
    char buf[128];
    char *save = NULL;

    memset(out, 0, sizeof(*out));
    if (strlen(spec) >= sizeof(buf))
        return -1;
    strcpy(buf, spec);
    for (char *tok = strtok_r(buf, ",", &save); tok != NULL;
         tok = strtok_r(NULL, ",", &save)) {
        char *eq = strchr(tok, '=');
        unsigned long v;

        if (eq == NULL || parse_uint(eq + 1, 255, &v) != 0 ||
            set_tcb_part(out, tok, (size_t)(eq - tok), v) != 0)
            return -1;
    }
    out->decoded = 1;
    return 0;
}

static int policy_option(attls_snp_cli *c, const char *cmd, int opt,
                         const char *arg)
{
    attls_snp_policy *p = &c->policy;
    unsigned long v;

    switch (opt) {
    case 0x210:
        p->allow_debug = 0;
        return 1;
    case 0x211:
        if (parse_uint(arg, 3, &v) != 0) {
            attls_cli_usage_error(cmd, "--vmpl '%s': expected 0 to 3", arg);
            return -1;
        }
        p->check_vmpl = 1;
        p->vmpl = (uint32_t)v;
        return 1;
    case 0x212:
        if (p->n_measurements == ATTLS_SNP_CLI_MAX_MEASUREMENTS ||
            attls_hex_decode(arg, strlen(arg),
                             c->measurements[p->n_measurements], 48) != 0) {
            attls_cli_usage_error(
                cmd,
                "--measurement '%s': expected 96 hex digits (at "
                "most %d measurements)",
                arg, ATTLS_SNP_CLI_MAX_MEASUREMENTS);
            return -1;
        }
        p->measurements = (const uint8_t(*)[48])c->measurements;
        p->n_measurements++;
        return 1;
    case 0x213:
        if (attls_hex_decode(arg, strlen(arg), c->report_data, 64) != 0) {
            attls_cli_usage_error(
                cmd, "--report-data '%s': expected 128 hex digits", arg);
            return -1;
        }
        p->report_data = c->report_data;
        return 1;
    case 0x214:
        if (parse_min_tcb(arg, &p->min_tcb) != 0) {
            attls_cli_usage_error(
                cmd,
                "--min-tcb '%s': expected e.g. "
                "bl=3,tee=0,snp=8,ucode=115[,fmc=0], values 0-255",
                arg);
            return -1;
        }
        p->check_min_tcb = 1;
        return 1;
    case 0x215:
        if (parse_uint(arg, ATTLS_SNP_MAX_VERSION, &v) != 0) {
            attls_cli_usage_error(cmd,
                                  "--min-version '%s': expected "
                                  "1 to %d",
                                  arg, ATTLS_SNP_MAX_VERSION);
            return -1;
        }
        p->min_version = (uint32_t)v;
        return 1;
    default:
        return 0;
    }
}

int attls_snp_cli_option(attls_snp_cli *c, const char *cmd, int opt,
                         const char *arg)
{
    int r;

    switch (opt) {
    case 0x200:
        c->chain_path = arg;
        return 1;
    case 0x201:
        c->vcek_path = arg;
        return 1;
    case 0x202:
        c->product = attls_snp_product_from_string(arg);
        if (c->product == ATTLS_SNP_PRODUCT_UNKNOWN ||
            strchr(arg, '-') != NULL) {
            attls_cli_usage_error(cmd,
                                  "--product '%s': expected milan, "
                                  "genoa or turin",
                                  arg);
            return -1;
        }
        return 1;
    default:
        r = policy_option(c, cmd, opt, arg);
        if (r == 1)
            c->policy_requested = 1;
        return r;
    }
}

int attls_snp_cli_next(int argc, char **argv, const struct option *longopts,
                       const char *cmd, void (*usage)(FILE *),
                       attls_cli_common *common, attls_snp_cli *c)
{
    int opt, r;

    for (;;) {
        opt = getopt_long(argc, argv, "h", longopts, NULL);
        if (opt == -1)
            return ATTLS_SNP_CLI_END;
        if (opt == 'h') {
            usage(stdout);
            return ATTLS_SNP_CLI_HELP;
        }
        if (opt == '?') {
            usage(stderr);
            return ATTLS_SNP_CLI_BAD;
        }
        r = attls_cli_common_option(common, opt, optarg);
        if (r == 0)
            r = attls_snp_cli_option(c, cmd, opt, optarg);
        if (r < 0)
            return ATTLS_SNP_CLI_BAD;
        if (r == 0)
            return opt;
    }
}

int attls_snp_cli_finish(int argc, char **argv, int last, const char *cmd,
                         const char *what, const char **path)
{
    if (last == ATTLS_SNP_CLI_HELP)
        return -1;
    if (last != ATTLS_SNP_CLI_END)
        return ATTLS_EXIT_USAGE;
    if (optind != argc - 1)
        return attls_cli_usage_error(cmd, "expected one %s file", what);
    *path = argv[optind];
    return 0;
}

attls_code attls_snp_cli_load_vek(const attls_snp_cli *c, X509 **vek,
                                  STACK_OF(X509) **untrusted, attls_status *st)
{
    const char *path = c->chain_path != NULL ? c->chain_path : c->vcek_path;
    attls_buf buf;
    attls_code rc;
    int r;

    *vek = NULL;
    *untrusted = NULL;
    r = attls_read_file(path, VEK_FILE_MAX, &buf);
    if (r != 0)
        return attls_fail(st, ATTLS_E_IO, "snp.vek", "cannot read %s: %s", path,
                          r == -2 ? "larger than 64 KiB" : strerror(errno));
    rc = attls_snp_vek_load(buf.data, buf.len, vek, untrusted, st);
    attls_buf_free(&buf);
    return rc;
}
