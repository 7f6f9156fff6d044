// SPDX-License-Identifier: GPL-2.0
#include "config.h"

#include <stdio.h>
#include <string.h>

int main(int argc, char **argv)
{
	if (argc > 1 && (!strcmp(argv[1], "-V") || !strcmp(argv[1], "--version"))) {
		printf("pagewatch %s\n", PACKAGE_VERSION);
		return 0;
	}
	fprintf(stderr, "pagewatch: not built yet\n");
	return 1;
}
