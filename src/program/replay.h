/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PW_REPLAY_H
#define PW_REPLAY_H

#include <stddef.h>
#include <stdio.h>

#include "model/recording.h"
#include "sinks/output.h"

/*
 * --replay FILE --changes: what changed between ticks FROM and TO of REC,
 * one line per page (added, removed or changed, with the fields of the
 * one fields table that differ) to F in FORMAT's form. 0 or -errno.
 */
int replay_changes(struct recording *rec, size_t from, size_t to,
		   const struct output_ops *format, FILE *f);

#endif
