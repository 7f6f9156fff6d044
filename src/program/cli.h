/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PW_CLI_H
#define PW_CLI_H

/* Exit statuses, documented in pagewatch(1) EXIT STATUS */
enum cli_exit {
	CLI_EXIT_OK = 0,
	CLI_EXIT_FAILURE = 1,		/* any other error */
	CLI_EXIT_USAGE = 2,		/* bad option: --range, --filter, --format... */
	CLI_EXIT_NO_PROCESS = 3,	/* no such PID */
	CLI_EXIT_TARGET_EXITED = 4,	/* target exited during a snapshot */
	CLI_EXIT_PERMISSION = 5,	/* permission denied */
	CLI_EXIT_ABI = 6,		/* module ABI version mismatch */
	CLI_EXIT_NO_MODULE = 7,		/* --events without the module's journal */
	CLI_EXIT_DAMAGED = 8,		/* --replay: the recording is damaged */
};

int cli_main(int argc, char **argv);

#endif
