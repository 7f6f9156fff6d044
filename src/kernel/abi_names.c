// SPDX-License-Identifier: GPL-2.0
/* Names of the module's page flags, from the ABI header's one table. */
#include "config.h"

#include <string.h>

#include "kernel/abi_names.h"

_Static_assert(sizeof(struct pagewatch_page) == PAGEWATCH_RECORD_SIZE,
	       "struct pagewatch_page must match PAGEWATCH_RECORD_SIZE");

#define PW_FLAG_NAME(bit, name) [bit] = name,
static const char *const flag_names[PAGEWATCH_PAGE_NR_FLAGS] = {
	PAGEWATCH_PAGE_FLAG_NAMES(PW_FLAG_NAME)
};
#undef PW_FLAG_NAME

const char *abi_names_flag(unsigned int bit)
{
	if (bit >= PAGEWATCH_PAGE_NR_FLAGS)
		return NULL;
	return flag_names[bit];
}

int abi_names_flag_bit(const char *name)
{
	for (unsigned int bit = 0; bit < PAGEWATCH_PAGE_NR_FLAGS; bit++)
		if (flag_names[bit] && strcmp(flag_names[bit], name) == 0)
			return (int)bit;
	return -1;
}
