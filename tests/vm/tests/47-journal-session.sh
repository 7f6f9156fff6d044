# The interactive session driven by the change journal (issue 12, points 3
# and 4): in a detached tmux, pagewatch -p PID says it runs live from the
# journal; pages moved to the other node and back by two children within
# one interval (4 pages, so that every line fits the events pane) both
# show in the event log with the mover as cause, and the
# MADV_DONTNEED of 8 io_uring-pinned pages says in words that pinned pages
# lost their CPU mapping. q ends the session with status 0.

pw_require_module
PW=/pagewatch/bin/pagewatch
cols=300
rows=70
# (300 columns: the mappings header once overran its buffer this wide)
pw-journal move 4 > /tmp/js.out 2> /tmp/js.err &
pid=$!
if ! pw_wait_line /tmp/js.out '^ready'; then
	pw_fail journal_workload_ready "$(cat /tmp/js.out /tmp/js.err)"
	kill $pid
	exit 0
fi
tm() { tmux -L pwjs "$@"; }
screen() { tm capture-pane -p -t pw; }
cleanup() {
	tm kill-server 2>/dev/null
	kill $pid 2>/dev/null
	wait $pid 2>/dev/null
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
# an interval of 5 s: both moves happen within one
tm -f /dev/null new-session -d -s pw -x $cols -y $rows \
	"env TERM=screen $PW -p $pid --no-perf -i 5; echo pagewatch exited with \$?; sleep 600" 2> /tmp/js.tmux
if ! wait_for "live (journal)" 150; then
	pw_fail session_says_live_journal "no 'live (journal)' on the screen within 15 s: $(cat /tmp/js.tmux)" \
		"$(screen 2>&1 | head -n 8)"
	cleanup
	exit 0
fi
pw_pass session_says_live_journal

kill -USR1 $pid
pw_wait_line /tmp/js.out '^nodes' 1200 || pw_fail journal_workload_moved "$(cat /tmp/js.out /tmp/js.err)"
set -- $(grep '^step move ' /tmp/js.out)
there=$5
set -- $(grep '^step moveback ' /tmp/js.out)
back=$5
# both moves happened within one interval: the next refresh logs both
if wait_for "by pw-mover[$there]" 600; then
	pw_pass event_log_shows_the_move_by_its_mover
else
	pw_fail event_log_shows_the_move_by_its_mover "no line 'by pw-mover[$there]':" \
		"$(screen | grep -e ' by ' | head -n 8)"
fi
if wait_for "by pw-mover[$back]" 300; then
	pw_pass event_log_shows_the_move_back_by_its_mover
else
	pw_fail event_log_shows_the_move_back_by_its_mover "no line 'by pw-mover[$back]':" \
		"$(screen | grep -e ' by ' | head -n 8)"
fi
kill -USR1 $pid
pw_wait_line /tmp/js.out '^done' 1200 || pw_fail journal_workload_done "$(cat /tmp/js.out /tmp/js.err)"
set -- $(grep '^step pinned ' /tmp/js.out)
pinned_at=$3
if wait_for "8 pinned pages of [anon] $pinned_at: CPU mapping invalidated" 150; then
	pw_pass event_log_says_pinned_pages_lost_their_mapping
else
	pw_fail event_log_says_pinned_pages_lost_their_mapping \
		"expected: '8 pinned pages of [anon] $pinned_at: CPU mapping invalidated'" \
		"$(screen | grep -i -e pinned -e clear | head -n 8)"
fi
pw_info "events on screen: $(screen | grep -c ' by ') journal lines; $(screen | grep -m 3 ' by ' | tr -s ' ' | tr '\n' ';')"

kill $pid
wait $pid 2>/dev/null
tm send-keys -t pw q
wait_for "pagewatch exited with" 50
pw_eq session_quits_with_status_0 "pagewatch exited with 0" \
	"$(screen | grep -o 'pagewatch exited with [0-9]*')" "the session's exit"
cleanup
true
