// SPDX-License-Identifier: GPL-2.0
/* page_mapcount(): inline over the exported __page_mapcount up to 6.8; gone in 6.12. */
/* tests: page_mapcount */
#include <linux/mm.h>

int pw_probe(struct page *page);
int pw_probe(struct page *page)
{
	return page_mapcount(page);
}
