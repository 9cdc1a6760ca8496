/* SPDX-License-Identifier: Apache-2.0 */
#include <stddef.h>

#include "tools/commands.h"

/* One declaration and one row per subcommand, kept in the same order. */

const attls_command attls_commands[] = {
    {"verify-tdx", attls_cmd_verify_tdx,
     "verify an Intel TDX quote offline, optionally with Intel collateral"},
    {NULL, NULL, NULL},
};
