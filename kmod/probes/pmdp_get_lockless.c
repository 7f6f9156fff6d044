// SPDX-License-Identifier: GPL-2.0
/* pmdp_get_lockless(): a torn-free PMD read without the lock (6.5+). */
/* tests: pmdp_get_lockless */
#include <linux/pgtable.h>

pmd_t pw_probe(pmd_t *pmdp);
pmd_t pw_probe(pmd_t *pmdp)
{
	return pmdp_get_lockless(pmdp);
}
