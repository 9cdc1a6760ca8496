/* SPDX-License-Identifier: Apache-2.0 */
#include "tools/verify_opts.h"

#include <stdio.h>

#include <jansson.h>

void attls_cli_verify_init(attls_cli_verify *v)
{
    attls_cli_common_init(&v->common);
    v->policy_path = NULL;
}

int attls_cli_verify_option(attls_cli_verify *v, int opt, const char *arg)
{
    if (opt == ATTLS_CLI_POLICY_OPTION) {
        v->policy_path = arg;
        return 1;
    }
    return attls_cli_common_option(&v->common, opt, arg);
}

attls_policy *attls_cli_policy(const char *cmd, const attls_cli_verify *v,
                               int *exit_code)
{
    const char *path = v->policy_path;
    const attls_cli_common *common = &v->common;
    attls_status st;
    attls_policy *pol;

    attls_status_clear(&st);
    pol = path != NULL ? attls_policy_load_file(path, &st)
                       : attls_policy_new_default(&st);
    if (pol != NULL && common->have_at)
        attls_policy_set_time(pol, common->at);
    if (pol != NULL && common->roots_dir != NULL &&
        attls_policy_set_roots_dir(pol, common->roots_dir) != ATTLS_OK) {
        attls_policy_free(pol);
        pol = NULL;
        attls_fail(&st, ATTLS_E_INTERNAL, "cli.roots", "no memory");
    }
    if (pol == NULL) {
        attls_cli_report(cmd, &st);
        /* A policy that cannot be read is the operator's error, not a
         * verdict on the peer. */
        *exit_code =
            st.code == ATTLS_E_POLICY_SYNTAX || st.code == ATTLS_E_POLICY_VALUE
                ? ATTLS_EXIT_USAGE
                : ATTLS_EXIT_ERROR;
    }
    return pol;
}

static void print_scalar(const char *key, json_t *v)
{
    if (json_is_string(v))
        printf("%-12s %s\n", key, json_string_value(v));
    else if (json_is_boolean(v))
        printf("%-12s %s\n", key, json_is_true(v) ? "yes" : "no");
}

int attls_cli_print_claims(const char *json, int as_json)
{
    json_t *o = json_loads(json, 0, NULL), *v, *tee;
    const char *key;

    if (o == NULL)
        return -1;
    if (as_json) {
        json_dumpf(o, stdout, JSON_INDENT(2));
        putchar('\n');
    } else {
        json_object_foreach(o, key, v) print_scalar(key, v);
        tee = json_object_get(o, "tee");
        json_object_foreach(tee, key, v) print_scalar(key, v);
        v = json_object_get(json_object_get(o, "ak"), "trusted_through");
        print_scalar("ak", v);
    }
    json_decref(o);
    return fflush(stdout) == 0 ? 0 : -1;
}
