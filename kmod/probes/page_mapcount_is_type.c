// SPDX-License-Identifier: GPL-2.0
/* page_mapcount_is_type(): typed pages keep their type in _mapcount (6.11+). */
/* tests: page_mapcount_is_type */
#include <linux/page-flags.h>

bool pw_probe(unsigned int mapcount);
bool pw_probe(unsigned int mapcount)
{
	return page_mapcount_is_type(mapcount);
}
