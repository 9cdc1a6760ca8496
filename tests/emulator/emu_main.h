/* SPDX-License-Identifier: Apache-2.0 */
/* The subcommands of attls-emu (one file each). */
#ifndef ATTLS_EMU_MAIN_H
#define ATTLS_EMU_MAIN_H

int emu_cmd_proxy(int argc, char **argv);
int emu_cmd_tsm(int argc, char **argv);
int emu_cmd_imds(int argc, char **argv);

#endif
