/* SPDX-License-Identifier: Apache-2.0 */
#include "tools/cli_json.h"

#include <stdio.h>

int attls_cli_print_json(json_t *doc, const attls_status *st)
{
    int ok;

    if (doc == NULL)
        doc = json_object();
    /* json_object_set_new() takes the packed value, also on failure. */
    ok = doc != NULL &&
         json_object_set_new(
             doc, "result",
             json_pack("{s:i, s:s, s:s, s:s}", "code", (int)st->code, "name",
                       attls_status_code_name(st->code), "check", st->check,
                       "message", st->message)) == 0 &&
         json_dumpf(doc, stdout, JSON_INDENT(2) | JSON_SORT_KEYS) == 0 &&
         fputc('\n', stdout) != EOF && fflush(stdout) == 0;
    json_decref(doc);
    if (!ok) {
        fprintf(stderr, "attls: cannot write the JSON result\n");
        return -1;
    }
    return 0;
}
