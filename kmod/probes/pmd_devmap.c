// SPDX-License-Identifier: GPL-2.0
/* pmd_devmap(): ZONE_DEVICE PMD leaves (removed in 6.16). */
/* tests: pmd_devmap */
#include <linux/mm.h>

int pw_probe(pmd_t pmd);
int pw_probe(pmd_t pmd)
{
	return pmd_devmap(pmd);
}
