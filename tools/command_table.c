/* SPDX-License-Identifier: Apache-2.0 */
#include <stddef.h>

#include "tools/commands.h"

/* One declaration and one row per subcommand, kept in the same order. */

const attls_command attls_commands[] = {
    {NULL, NULL, NULL},
};
