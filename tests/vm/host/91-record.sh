#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The host's half of tests/vm/tests/91-record.sh: the recordings made in the
# guest (a real kernel, the module, pins, a divergence and migrations) open
# here, on another machine and kernel. The snapshot run's ticks replay as
# the live JSON snapshots, field by field, by --tick and by --at; the
# session's recording, replayed in tmux at the tick where the live session
# was paused, shows the same mappings, page map cells, pages, event log and
# page detail as the guest's capture. Reads $PW_OUT/files/ (pw_leave).
set -u
files=$PW_OUT/files
pw=$PW_BUILDDIR/src/pagewatch
name=${PW_TEST:-91-record}
tmp=$(mktemp -d /tmp/pw-vm-host.XXXXXX)
sock=pw-vm-host-$$
trap 'tmux -L $sock kill-server 2>/dev/null; rm -rf "$tmp"' EXIT

pass() { echo "PASS $name:$1"; }
fail() {
	echo "FAIL $name:$1"
	shift
	for line in "$@"; do printf '%s\n' "$line" | sed 's/^/  | /'; done
}

for f in rec-snap.pwr.gz rec.json rec-tui.pwr.gz rec.live.panes rec.live.found rec.live.detail rec.info; do
	if [ ! -s "$files/$f" ]; then
		fail host_got_the_guest_files "$files/$f is missing or empty"
		exit 0
	fi
done
pass host_got_the_guest_files

# the snapshot run: each tick against the live snapshot, field by field
awk -v d="$tmp" '/"type":"snapshot"/ { n++ } { print > (d "/live." n) }' "$files/rec.json"
bad=""
for t in 0 1 2; do
	"$pw" --replay "$files/rec-snap.pwr.gz" --snapshot --tick $t --format json >"$tmp/rep.$t"
	jq -cS . "$tmp/live.$((t + 1))" >"$tmp/live.$t.sorted"
	jq -cS . "$tmp/rep.$t" >"$tmp/rep.$t.sorted"
	cmp -s "$tmp/live.$t.sorted" "$tmp/rep.$t.sorted" || bad="$bad $t"
done
if [ -z "$bad" ]; then
	pass replayed_ticks_equal_guest_snapshots_field_by_field
else
	fail replayed_ticks_equal_guest_snapshots_field_by_field "ticks that differ:$bad" \
		"$(diff "$tmp/live.${bad# }.sorted" "$tmp/rep.${bad# }.sorted" | head -n 10)"
fi
at=$(head -n 1 "$tmp/live.2" | jq -r .time)
"$pw" --replay "$files/rec-snap.pwr.gz" --snapshot --at "$at" --format json >"$tmp/rep.at"
cmp -s "$tmp/live.2" "$tmp/rep.at" && pass "replay_at_${at}_equals_live_snapshot_2" ||
	fail "replay_at_${at}_equals_live_snapshot_2" "$(diff "$tmp/live.2" "$tmp/rep.at" | head -n 5)"
n=$(jq -s '[.[] | select(.type == "page" and .seq == 2 and (.migrated or .diverged))] | length' "$tmp/rep.1")
[ "$n" -gt 0 ] && pass replayed_tick_1_shows_migrated_and_diverged_pages ||
	fail replayed_tick_1_shows_migrated_and_diverged_pages "no page migrated or diverged in tick 1"
"$pw" --replay "$files/rec-snap.pwr.gz" --changes --from +0 --to end >"$tmp/changes"
[ "$(grep -c ' changed ' "$tmp/changes")" -ge 16 ] && pass changes_list_the_moved_and_replaced_pages ||
	fail changes_list_the_moved_and_replaced_pages "$(head -n 5 "$tmp/changes")"

# the session's recording, in tmux as the guest's was
if ! command -v tmux >/dev/null; then
	echo "SKIP $name:session_replay: tmux is not installed"
	exit 0
fi
read -r _ small <"$files/rec.info"
cols=$(sed -n 's/^cols \([0-9]*\) rows .*/\1/p' "$files/rec.info")
rows=$(sed -n 's/^cols [0-9]* rows \([0-9]*\)/\1/p' "$files/rec.info")
seq=$(sed -n 's/.*snapshot #\([0-9]*\),.*/\1/p' "$files/rec.live.panes" | head -n 1)
# the frame on screen: the last tick at or before that refresh (a quiet
# refresh of the live session numbers itself but publishes no frame)
tick=$(zcat "$files/rec-tui.pwr.gz" | grep '^{"type":"tick"' |
	sed 's/.*"tick":\([0-9]*\),"seq":\([0-9]*\),.*/\1 \2/' |
	awk -v s="$seq" '$2 <= s { t = $1; q = $2 } END { if (t != "") print t, q }')
if [ -z "$tick" ]; then
	fail session_recording_holds_the_paused_snapshot "no tick at or before snapshot #$seq"
	exit 0
fi
read -r tick seq <<<"$tick"
tm() { tmux -L $sock "$@"; }
screen() { tm capture-pane -p -t pw; }
keys() { tm send-keys -t pw "$@"; }
wait_for() {
	for _ in $(seq "${2:-100}"); do
		screen 2>/dev/null | grep -qF -- "$1" && return 0
		sleep 0.1
	done
	return 1
}
settle() {
	local last="" now
	for _ in $(seq 30); do
		now=$(screen)
		[ "$now" = "$last" ] && return 0
		last=$now
		sleep 0.3
	done
}
# the cut mark is "…" in a UTF-8 locale, "~" without one (the guest)
panes() { sed -n "5,$((rows - 1))p" | sed "s/…/~/g"; }
detail() { sed -n 's/^[^|]*|\([^|]*\)|.*$/\1/p' | grep -v -e '^recording: ' -e '^ *$'; }
tm -f /dev/null new-session -d -s pw -x "$cols" -y "$rows" \
	"env TERM=screen TZ=UTC $pw --replay $files/rec-tui.pwr.gz; echo pagewatch exited with \$?; sleep 600"
wait_for "tick 0/" || { fail session_replay_opens "$(screen)"; exit 0; }
keys t "#$tick" Enter
if ! wait_for "(snapshot #$seq)"; then
	fail "session_replay_seeks_to_snapshot_$seq" "$(screen | head -n 5)"
	exit 0
fi
settle
screen | panes >"$tmp/rep.panes"
panes <"$files/rec.live.panes" >"$tmp/live.panes"
cmp -s "$tmp/live.panes" "$tmp/rep.panes" &&
	pass "snapshot_${seq}_mappings_page_map_pages_and_event_log_equal_the_guest_session" ||
	fail "snapshot_${seq}_mappings_page_map_pages_and_event_log_equal_the_guest_session" \
		"$(diff "$tmp/live.panes" "$tmp/rep.panes" | head -n 20)"
keys / "$small" Enter
wait_for "found" 50
settle
screen | panes >"$tmp/rep.found"
panes <"$files/rec.live.found" >"$tmp/live.found"
cmp -s "$tmp/live.found" "$tmp/rep.found" &&
	pass "snapshot_${seq}_pinned_region_cells_and_pages_equal_the_guest_session" ||
	fail "snapshot_${seq}_pinned_region_cells_and_pages_equal_the_guest_session" \
		"$(diff "$tmp/live.found" "$tmp/rep.found" | head -n 20)"
keys Enter
wait_for "any key closes" 50 || echo "  | no detail window:" "$(screen)"
screen | detail >"$tmp/rep.detail"
detail <"$files/rec.live.detail" >"$tmp/live.detail"
[ -s "$tmp/rep.detail" ] && cmp -s "$tmp/live.detail" "$tmp/rep.detail" &&
	pass "snapshot_${seq}_page_detail_equals_the_guest_session" ||
	fail "snapshot_${seq}_page_detail_equals_the_guest_session" \
		"$(diff "$tmp/live.detail" "$tmp/rep.detail" | head -n 20)"
keys Escape q
wait_for "pagewatch exited with 0" 50 && pass session_replay_quits_with_status_0 ||
	fail session_replay_quits_with_status_0 "$(screen | tail -n 3)"
