// SPDX-License-Identifier: GPL-2.0
/* folio_pincount_ptr(): how 6.1 reaches the same counter (removed in 6.3). */
/* tests: folio_pincount_ptr */
#include <linux/mm.h>

atomic_t *pw_probe(struct folio *folio);
atomic_t *pw_probe(struct folio *folio)
{
	return folio_pincount_ptr(folio);
}
