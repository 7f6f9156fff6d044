// SPDX-License-Identifier: GPL-2.0
/* pmd_special(): huge PFN maps mark their PMD leaves (6.12) */
/* tests: pmd_special */
#include <linux/mm.h>

int pw_probe(pmd_t pmd);
int pw_probe(pmd_t pmd)
{
	return pmd_special(pmd);
}
