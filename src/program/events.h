/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PW_EVENTS_H
#define PW_EVENTS_H

#include <signal.h>

#include "collect/collect.h"
#include "sinks/output.h"

/*
 * --events: stream the target's journal records to OUT as they come,
 * until the target exits, COUNT records were written (0: no limit) or
 * *STOP is set. Returns an exit status (enum cli_exit); errors are
 * reported on stderr.
 */
int events_stream(struct collect *c, struct output *out, long count,
		  volatile sig_atomic_t *stop);

#endif
