#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# F1 and ? show the help drawn from the key table, with the filter names;
# any other key closes it.
set -u
. "${top_srcdir:-.}/tests/tui/lib.sh"

start_target
start_tui -- -p "$target" --no-kmod
wait_session
keys F1
expect "F1 opens the help" "pagewatch keys"
expect "help lists F1 with its aliases" "F1 ? h"
expect "help lists the find key" "find an address (hex) or a mapping"
expect "help lists the quit keys" "F10"
expect "help lists the filter names" "Filters: pinned,protnone,migrated,replaced,diverged,thp,hugetlb,swapped,node=N"
keys x
expect_gone "any key closes the help" "pagewatch keys"
keys "?"
expect "? opens the help too" "pagewatch keys"
keys Escape
expect_gone "Esc closes it" "pagewatch keys"
exit $failed
