/* SPDX-License-Identifier: Apache-2.0 */
/* --json output of the verify commands. */
#ifndef ATTLS_TOOLS_CLI_JSON_H
#define ATTLS_TOOLS_CLI_JSON_H

#include <jansson.h>

#include "attls/status.h"

/**
 * Print @p doc (a JSON object, or NULL for an empty one) on stdout with a
 * "result" member holding the outcome: {"code", "name", "check",
 * "message"}. Takes the reference to @p doc.
 * @retval 0 printed
 * @retval -1 out of memory or stdout failed (reported on stderr)
 */
int attls_cli_print_json(json_t *doc, const attls_status *st);

#endif
