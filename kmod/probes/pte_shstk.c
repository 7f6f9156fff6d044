// SPDX-License-Identifier: GPL-2.0
/* pte_shstk(): x86 user shadow-stack entries, which pte_write() counts (6.6+). */
/* tests: pte_shstk */
#include <linux/pgtable.h>

bool pw_probe(pte_t pte);
bool pw_probe(pte_t pte)
{
	return pte_shstk(pte);
}
