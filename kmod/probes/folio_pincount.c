// SPDX-License-Identifier: GPL-2.0
/* folio->_pincount: the exact pin count of a large folio (6.1 and later). */
/* tests: _pincount */
#include <linux/mm_types.h>

atomic_t *pw_probe(struct folio *folio);
atomic_t *pw_probe(struct folio *folio)
{
	return &folio->_pincount;
}
