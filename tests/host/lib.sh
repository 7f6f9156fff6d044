# SPDX-License-Identifier: GPL-2.0
# Shared by the host tests: run pagewatch against real processes here.
pw="${top_builddir:-.}/src/pagewatch"
failed=0
tmp=$(mktemp -d /tmp/pw-host-test.XXXXXX)
targets=""
trap 'for p in $targets; do kill "$p" 2>/dev/null; done; rm -rf "$tmp"' EXIT

pass() { echo "PASS: $*"; }
fail() { echo "FAIL: $*"; failed=1; }
skip() { echo "SKIP: $*"; }

# check NAME COMMAND...: pass when the command succeeds
check() {
	name=$1
	shift
	if "$@" >/dev/null; then pass "$name"; else fail "$name"; fi
}

# Start `sleep` and wait until it has exec'd; sets $target.
start_target() {
	sleep 600 &
	target=$!
	targets="$targets $target"
	for _ in 1 2 3 4 5 6 7 8 9 10; do
		[ "$(cat /proc/$target/comm 2>/dev/null)" = sleep ] && return 0
		sleep 0.1
	done
	return 0
}

is_root() { [ "$(id -u)" = 0 ]; }
