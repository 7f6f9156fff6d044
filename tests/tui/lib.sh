# SPDX-License-Identifier: GPL-2.0
# Shared by the session tests: pagewatch runs in a detached tmux session
# on a server of the test's own (-L), driven with send-keys and read with
# capture-pane. Waits are bounded polls, never fixed long sleeps.
pw="${top_builddir:-.}/src/pagewatch"
failed=0
tmp=$(mktemp -d /tmp/pw-tui-test.XXXXXX)
base="pw-tui-$(basename "$0" .sh)-$$"
sock="$base-0"
socks=""
targets=""

command -v tmux >/dev/null || { echo "SKIP: tmux is not installed"; exit 77; }

cleanup() {
	for s in $socks; do tmux -L "$s" kill-server 2>/dev/null; done
	for p in $targets; do kill "$p" 2>/dev/null; done
	rm -rf "$tmp"
}
trap cleanup EXIT

tm() { tmux -L "$sock" "$@"; }
screen() { tm capture-pane -p -t pw "$@"; }
keys() { tm send-keys -t pw "$@"; }

pass() { echo "PASS: $*"; }
fail() {
	echo "FAIL: $1"
	echo "---- screen ----"
	screen 2>/dev/null
	echo "----------------"
	failed=1
}

# Start a target with a few known mappings: sleep; sets $target.
start_target() {
	sleep 600 &
	target=$!
	targets="$targets $target"
	for _ in $(seq 50); do
		[ "$(cat /proc/$target/comm 2>/dev/null)" = sleep ] && return 0
		sleep 0.1
	done
}

# A new server for every session: a server still going away after
# kill-server would take the next session with it.
stop_tui() {
	tm kill-server 2>/dev/null
}

# start_tui [-x COLS -y ROWS] [ENV=VALUE...] -- ARGS...: pagewatch in tmux.
# When pagewatch ends the pane says "pagewatch exited with N".
start_tui() {
	x=100 y=30
	while [ $# -gt 0 ] && [ "$1" != -- ]; do
		case $1 in
		-x) x=$2; shift 2 ;;
		-y) y=$2; shift 2 ;;
		*) envs="${envs:-} $1"; shift ;;
		esac
	done
	[ "${1:-}" = -- ] && shift
	sock="$base-$(($(echo $socks | wc -w) + 1))"
	socks="$socks $sock"
	tm -f /dev/null new-session -d -s pw -x "$x" -y "$y" \
		"env TERM=screen ${envs:-} $pw $*; echo pagewatch exited with \$?; sleep 600"
	envs=""
}

# wait_for TEXT [TENTHS]: poll the screen until it shows TEXT (fixed string).
wait_for() {
	for _ in $(seq "${2:-100}"); do
		tm has-session -t pw 2>/dev/null || return 1
		screen | grep -qF -- "$1" && return 0
		sleep 0.1
	done
	return 1
}

# wait_gone TEXT [TENTHS]: poll until the screen no longer shows TEXT.
wait_gone() {
	for _ in $(seq "${2:-100}"); do
		tm has-session -t pw 2>/dev/null || return 1
		screen | grep -qF -- "$1" || return 0
		sleep 0.1
	done
	return 1
}

# expect NAME TEXT: the screen comes to show TEXT.
expect() {
	if wait_for "$2"; then pass "$1"; else fail "$1 (no '$2')"; fi
}

# expect_gone NAME TEXT: the screen comes to stop showing TEXT.
expect_gone() {
	if wait_gone "$2"; then pass "$1"; else fail "$1 ('$2' still shown)"; fi
}

# The session is up once the first snapshot is drawn.
wait_session() {
	wait_for "snapshot #1" || wait_for "snapshot #" ||
		{ fail "the session starts"; exit 1; }
}
