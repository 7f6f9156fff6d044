// SPDX-License-Identifier: GPL-2.0
/* pud_special(): huge PFN maps mark their PUD leaves (6.12) */
/* tests: pud_special */
#include <linux/mm.h>

int pw_probe(pud_t pud);
int pw_probe(pud_t pud)
{
	return pud_special(pud);
}
