/* SPDX-License-Identifier: Apache-2.0 */
/* attls: create attested TLS keys and certificates, verify evidence. */
#include <stdio.h>
#include <string.h>

#include "tools/cli.h"
#include "tools/commands.h"

static void print_help(FILE *out)
{
    fprintf(out, "usage: attls COMMAND [OPTIONS]\n\ncommands:\n");
    for (const attls_command *c = attls_commands; c->name != NULL; c++)
        fprintf(out, "  %-14s %s\n", c->name, c->summary);
    fprintf(out, "\n'attls COMMAND --help' describes a command; "
                 "see also attls(1).\n");
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        print_help(stderr);
        return ATTLS_EXIT_USAGE;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
        strcmp(argv[1], "help") == 0) {
        print_help(stdout);
        return ATTLS_EXIT_OK;
    }
    if (strcmp(argv[1], "--version") == 0) {
        printf("attls %s\n", ATTLS_VERSION);
        return ATTLS_EXIT_OK;
    }
    for (const attls_command *c = attls_commands; c->name != NULL; c++) {
        if (strcmp(argv[1], c->name) == 0)
            return c->run(argc - 1, argv + 1);
    }
    fprintf(stderr, "attls: unknown command '%s'\n", argv[1]);
    print_help(stderr);
    return ATTLS_EXIT_USAGE;
}
