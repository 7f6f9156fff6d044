// SPDX-License-Identifier: GPL-2.0
#include "config.h"

#include "program/cli.h"

int main(int argc, char **argv)
{
	return cli_main(argc, argv);
}
