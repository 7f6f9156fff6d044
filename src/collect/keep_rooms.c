// SPDX-License-Identifier: GPL-2.0
/*
 * Rooms lent to consumers while their reader fills them (the spool's and
 * the summary's staging buffers). A reader thread takes its consumers one
 * after the other (scan.c), and a consumer that is done gives its room
 * back for the next one: a snapshot holds, and makes present, a room per
 * reader thread, not one per consumer.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>

#include "collect/keep.h"

void keep_rooms_init(struct keep_rooms *r, size_t bytes)
{
	pthread_mutex_init(&r->lock, NULL);
	r->bytes = bytes;
	r->nr = 0;
}

void keep_rooms_fini(struct keep_rooms *r)
{
	while (r->nr)
		free(r->free[--r->nr].buf);
	pthread_mutex_destroy(&r->lock);
}

int keep_room_get(struct keep_rooms *r, struct keep_room *room)
{
	pthread_mutex_lock(&r->lock);
	if (r->nr) {
		*room = r->free[--r->nr];
		pthread_mutex_unlock(&r->lock);
		return 0;
	}
	pthread_mutex_unlock(&r->lock);
	room->buf = malloc(r->bytes);
	room->present = 0;
	return room->buf ? 0 : -ENOMEM;
}

void keep_room_put(struct keep_rooms *r, struct keep_room *room)
{
	bool kept = false;

	if (!room->buf)
		return;
	pthread_mutex_lock(&r->lock);
	if (r->nr < KEEP_ROOMS_MAX) {
		r->free[r->nr++] = *room;
		kept = true;
	}
	pthread_mutex_unlock(&r->lock);
	if (!kept)
		free(room->buf);	/* more than a thread each */
	room->buf = NULL;
	room->present = 0;
}
