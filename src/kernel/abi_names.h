/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PW_ABI_NAMES_H
#define PW_ABI_NAMES_H

#include <stdbool.h>

#include <pagewatch/abi.h>

/* Name of page flag BIT (PAGEWATCH_PAGE_*), or NULL past the table. */
const char *abi_names_flag(unsigned int bit);

/* Bit of the page flag called NAME; -1 when there is none. */
int abi_names_flag_bit(const char *name);

#endif
