// SPDX-License-Identifier: GPL-2.0
/* pud_devmap(): ZONE_DEVICE PUD leaves (removed in 6.16) */
/* tests: pud_devmap */
#include <linux/mm.h>

int pw_probe(pud_t pud);
int pw_probe(pud_t pud)
{
	return pud_devmap(pud);
}
