# Record and replay (issue 19) on a real kernel: while pw-pin's io_uring-
# pinned region is replaced under its pin (diverged) and its spare region
# moved to the other node (migrated), two runs record it: pagewatch -s -n 3
# (JSON Lines) and the interactive session in tmux, which is then paused
# and its panes and a page's detail captured. Here, every tick of the
# snapshot run's recording replays as the live snapshot, byte for byte,
# and the recording holds the journal's records and tracking's results.
# The recordings, the live JSON and the captures go to the host
# (pw_leave), where tests/vm/host/91-record.sh replays them in tmux.

pw_require_module
PW=/pagewatch/bin/pagewatch
pages=16
cols=120
rows=40
pw-pin $pages reg-small dontneed move-spare > /tmp/rec.out 2>&1 &
pid=$!
if ! pw_wait_line /tmp/rec.out '^ready'; then
	pw_fail pin_workload_ready "pw-pin did not get ready:" "$(cat /tmp/rec.out)"
	kill $pid
	exit 0
fi
tm() { tmux -L pwrec "$@"; }
screen() { tm capture-pane -p -t pw; }
cleanup() {
	tm kill-server 2>/dev/null
	kill $pid 2>/dev/null
	wait $pid 2>/dev/null
}
step() {
	kill -USR1 $pid
	if ! pw_wait_line /tmp/rec.out "^done $1\$"; then
		pw_fail step_$1 "pw-pin step $1 did not complete:" "$(cat /tmp/rec.out)"
		cleanup
		exit 0
	fi
}
# wait_for TEXT [TENTHS]: poll the screen until it shows TEXT
wait_for() {
	local i=0
	while [ $i -lt "${2:-100}" ]; do
		screen 2>/dev/null | grep -qF -- "$1" && return 0
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}
# settle: until two looks a second apart show the same screen
settle() {
	local i=0 last="" now
	while [ $i -lt 30 ]; do
		now=$(screen)
		[ "$now" = "$last" ] && return 0
		last=$now
		sleep 1
		i=$((i + 1))
	done
}
step reg-small
small=$(pw_region /tmp/rec.out small)
range=$(for r in small spare; do pw_region /tmp/rec.out $r; done | tr ' ' '\n' |
	awk '{ a = ("0x" $1) + 0 } NR == 1 || a < lo { lo = a; l = $1 } NR == 1 || a > hi { hi = a; h = $1 }
	     END { print l "-" h }')

# the session, recording from its first refresh (UTC: the host's replay
# shows the log's times in the same zone)
tm -f /dev/null new-session -d -s pw -x $cols -y $rows \
	"env TERM=screen TZ=UTC $PW -p $pid --no-perf -i 1 --record /tmp/rec-tui.pwr.gz; echo pagewatch exited with \$?; sleep 600" 2> /tmp/rec.tmux.err
if ! wait_for "snapshot #" 300; then
	pw_fail session_starts "no 'snapshot #' within 30 s; tmux: $(cat /tmp/rec.tmux.err)" "$(screen 2>&1 | head -n 20)"
	cleanup
	exit 0
fi
# the snapshot run, stopped after its first snapshot while the pages change
$PW -s -p $pid -n 3 -i 1 --range $range --format json \
	--record /tmp/rec-snap.pwr.gz > /tmp/rec.json 2> /tmp/rec.json.err &
p=$!
i=0
while [ $i -lt 200 ] && [ ! -s /tmp/rec.json ]; do sleep 0.05; i=$((i + 1)); done
pw_stop $p
step dontneed
step move-spare
kill -CONT $p
i=0
while [ $i -lt 600 ] && kill -0 $p 2>/dev/null; do sleep 0.1; i=$((i + 1)); done
wait $p
pw_eq recording_run_exits_0 0 $? "exit status of pagewatch -s -n 3 -i 1 --record ($(head -n 3 /tmp/rec.json.err))"

# in the guest: each tick replays as the live snapshot it recorded
awk '/"type":"snapshot"/ { n++ } { print > ("/tmp/rec.live." n) }' /tmp/rec.json
same=""
for t in 0 1 2; do
	$PW --replay /tmp/rec-snap.pwr.gz --snapshot --tick $t --format json > /tmp/rec.rep.$t 2>&1
	cmp -s /tmp/rec.live.$((t + 1)) /tmp/rec.rep.$t && same="$same$t "
done
pw_eq replayed_ticks_equal_live_snapshots "0 1 2 " "$same" \
	"ticks whose --replay --snapshot --tick N --format json equals live snapshot N+1 byte for byte"
zcat /tmp/rec-snap.pwr.gz > /tmp/rec-snap.pwr
pw_eq recording_is_journal_following true \
	"$(head -n 1 /tmp/rec-snap.pwr | jq -r .journal)" "the header's journal key (the module's journal read between ticks)"
n=$(grep -c '"type":"event"' /tmp/rec-snap.pwr)
[ "$n" -gt 0 ] && pw_pass recording_holds_journal_records ||
	pw_fail recording_holds_journal_records "no event line in the recording of a run that saw MADV_DONTNEED and move_pages"
pw_eq recording_holds_each_tracked_page_once "$((2 * pages))" \
	"$(grep -c '^{"c":' /tmp/rec-snap.pwr)" \
	"tracking lines (c) of the recording: the replaced small and the moved spare pages"

# the session: until it shows both changes, then paused and captured
i=0
while [ $i -lt 60 ]; do
	screen | grep -q " diverged " && screen | grep -q " migrated " && break
	sleep 0.5
	i=$((i + 1))
done
tm send-keys -t pw Space
wait_for "PAUSED" 50
settle
screen > /tmp/rec.live.panes
tm send-keys -t pw / "${small% *}" Enter
wait_for "found" 50
settle
screen > /tmp/rec.live.found
# an address found selects its page in the pages pane: Enter opens it
tm send-keys -t pw Enter
wait_for "any key closes" 50 || pw_fail detail_opens "$(screen)"
screen > /tmp/rec.live.detail
tm send-keys -t pw Escape
tm send-keys -t pw q
wait_for "pagewatch exited with 0" 100 && pw_pass session_recording_ends_with_status_0 ||
	pw_fail session_recording_ends_with_status_0 "$(screen | tail -n 5)"
grep -q " diverged " /tmp/rec.live.panes && grep -q " migrated " /tmp/rec.live.panes &&
	pw_pass session_logged_divergence_and_migration ||
	pw_fail session_logged_divergence_and_migration "the paused screen:" "$(cat /tmp/rec.live.panes)"
zcat /tmp/rec-tui.pwr.gz | tail -n 1 | grep -q '"type":"end"' &&
	pw_pass session_recording_closed ||
	pw_fail session_recording_closed "its last line: $(zcat /tmp/rec-tui.pwr.gz | tail -n 1 | cut -c1-100)"
echo "small ${small% *}" > /tmp/rec.info
echo "cols $cols rows $rows" >> /tmp/rec.info
for f in rec-snap.pwr.gz rec.json rec-tui.pwr.gz rec.live.panes rec.live.found rec.live.detail rec.info; do
	pw_leave $f /tmp/$f
done
cleanup
