#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The bash completion (contrib/bash-completion/pagewatch, run through
# bash-completion as an interactive shell would) offers every option that
# `pagewatch --help` lists, every --format name and --filter item, each of
# which pagewatch accepts, and PIDs and command names where they go.
set -u
. "${top_srcdir:-.}/tests/host/lib.sh"

bc=/usr/share/bash-completion/bash_completion
[ -r "$bc" ] || { echo "SKIP: $bc missing: install bash-completion (scripts/install-deps)"; exit 77; }
# shellcheck disable=SC1090
. "$bc"
# shellcheck disable=SC1091
. "${top_srcdir:-.}/contrib/bash-completion/pagewatch"

# compopt works only while bash itself runs a completion: a no-op here
compopt() { :; }

# complete WORD...: what completing the last word of "pagewatch WORD..." offers
complete_line() {
	COMP_WORDS=("$pw" "$@")
	COMP_CWORD=$#
	COMP_LINE="${COMP_WORDS[*]}"
	COMP_POINT=${#COMP_LINE}
	COMPREPLY=()
	_pagewatch "$pw" "${COMP_WORDS[$COMP_CWORD]}" "${COMP_WORDS[$((COMP_CWORD - 1))]}"
	printf '%s\n' "${COMPREPLY[@]}" | sort -u
}

# every long option of --help, offered for "--"
"$pw" --help | grep -oE '^ +(-[a-zA-Z], )?--[a-z-]+' | grep -oE -- '--[a-z-]+' | sort -u >"$tmp/help"
complete_line -- >"$tmp/offered"
missing=$(comm -23 "$tmp/help" "$tmp/offered" | tr '\n' ' ')
[ "$(wc -l <"$tmp/help")" -ge 18 ] && [ -z "$missing" ] &&
	pass "every long option of --help is offered ($(wc -l <"$tmp/help") of them)" ||
	fail "options --help lists but completion does not offer: $missing"

complete_line --format '' >"$tmp/formats"
[ "$(tr '\n' ' ' <"$tmp/formats")" = "csv json openmetrics text " ] &&
	pass "--format offers csv json openmetrics text" ||
	fail "--format offers: $(tr '\n' ' ' <"$tmp/formats")"
while read -r format; do
	check "pagewatch accepts --format $format" "$pw" --format "$format" --version
done <"$tmp/formats"

complete_line --filter '' >"$tmp/filters"
[ "$(tr '\n' ' ' <"$tmp/filters")" = "diverged hugetlb migrated node=N pinned protnone replaced swapped thp " ] &&
	pass "--filter offers every item of the filter table" ||
	fail "--filter offers: $(tr '\n' ' ' <"$tmp/filters")"
while read -r item; do
	[ "$item" = node=N ] && item=node=0
	check "pagewatch accepts --filter $item" "$pw" --filter "$item" --version
done <"$tmp/filters"
complete_line --filter pinned,p >"$tmp/list"
[ "$(tr '\n' ' ' <"$tmp/list")" = "pinned,pinned pinned,protnone " ] &&
	pass "--filter completes the last item of a list" ||
	fail "--filter pinned,p offers: $(tr '\n' ' ' <"$tmp/list")"

start_target
check "-p offers the PID of a running process" grep -qx "$target" <(complete_line -p '')
check "--comm offers the command name of a running process" grep -qx sleep <(complete_line --comm sle)
check "-o completes file names" grep -qx "$tmp/help" <(complete_line -o "$tmp/he")
exit $failed
