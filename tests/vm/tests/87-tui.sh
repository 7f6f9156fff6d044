# The interactive session on a real kernel (issue 5, point 10): pagewatch -p
# PID in a detached tmux, against pw-numa with an io_uring-pinned region and
# NUMA balancing leaving its untouched pages protnone. Found with "/" and
# the region's address, the page map draws one cell per page: every pinned
# page's cell is P (maybe_pinned), every untouched page's cell N (protnone),
# as the legend says; q ends the session with status 0.

pw_require_module
pw_require_numa_balancing || exit 0
PW=/pagewatch/bin/pagewatch
pages=64
cols=120
rows=40
pw_numa_balancing_fast
pw-numa $pages pin > /tmp/tui.out 2>&1 &
pid=$!
if ! pw_wait_line /tmp/tui.out '^ready'; then
	pw_fail numa_workload_ready "pw-numa did not get ready:" "$(cat /tmp/tui.out)"
	kill $pid
	pw_numa_balancing_restore
	exit 0
fi
cleanup() {
	tmux -L pwvm kill-server 2>/dev/null
	kill $pid
	wait $pid 2>/dev/null
	pw_numa_balancing_restore
}

# the scanner marks the untouched half within seconds (60-protnone.sh)
i=0
while [ $i -lt 60 ]; do
	n=$(pw-verify dump $pid $(pw_region /tmp/tui.out cold) | awk '$8 ~ /(^|,)protnone(,|$)/ { n++ } END { print n + 0 }')
	[ "$n" = $pages ] && break
	sleep 0.5
	i=$((i + 1))
done
if [ "$n" != $pages ]; then
	pw_fail untouched_pages_become_protnone "$n of $pages cold pages protnone after 30 s (module's records)"
	cleanup
	exit 0
fi

tm() { tmux -L pwvm "$@"; }
screen() { tm capture-pane -p -t pw; }
tm -f /dev/null new-session -d -s pw -x $cols -y $rows \
	"env TERM=screen $PW -p $pid --no-perf; echo pagewatch exited with \$?; sleep 600" 2> /tmp/tui.err
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
if ! wait_for "snapshot #"; then
	pw_fail session_starts_in_tmux "no 'snapshot #' on the screen within 10 s; tmux: $(cat /tmp/tui.err)" \
		"$(screen 2>&1 | head -n 20)"
	cleanup
	exit 0
fi
pw_pass session_starts_in_tmux

# cells REGION: the page map's cells of REGION, one character per page,
# once the screen shows its VMA at one page per cell (empty if it never
# does); the grid is the rows between the title and the legend
vma_of() {
	awk -v a=$((0x$1)) '{ split($1, r, "-"); if (("0x" r[1]) + 0 <= a && a < ("0x" r[2]) + 0) print r[1] "-" r[2] }' /proc/$pid/maps
}
cells() {
	local start end vma
	set -- $(pw_region /tmp/tui.out $1)
	start=$1 end=$2
	vma=$(vma_of $start)
	tm send-keys -t pw / "$start" Enter
	wait_for "Page map: [anon] $vma, 1 cell = 1 page" 30 || return 0
	screen | awk -v vs=$((0x${vma%-*})) -v s=$((0x$start)) -v e=$((0x$end)) '
		/ Page map: / { on = 1; next }
		/^0-9 node/ { on = 0 }
		on { grid = grid $0 }
		END { print substr(grid, (s - vs) / 4096 + 1, (e - s) / 4096) }'
}
# census CELLS: "COUNT CHAR" per distinct cell character
census() {
	echo "$1" | fold -w 1 | sort | uniq -c | awk '{ printf "%s%d %s", (NR > 1 ? ", " : ""), $1, $2 }'
}

# marked NAME WANT CELLS WHAT: pw_eq on the census, with the screen on failure
marked() {
	if [ "$(census "$3")" = "$2" ]; then
		pw_pass $1
	else
		pw_fail $1 "what:     $4" "expected: $2" "seen:     $(census "$3")" "screen:" "$(screen)"
	fi
}

# the session refreshes every second: wait for a refresh showing the marks
i=0
while [ $i -lt 10 ]; do
	pinned=$(cells pinned)
	[ "$(census "$pinned")" = "$pages P" ] && break
	sleep 0.3
	i=$((i + 1))
done
marked page_map_marks_every_pinned_page_P "$pages P" "$pinned" \
	"cells of the io_uring-registered region in the page map after '/ $(pw_region /tmp/tui.out pinned | cut -d' ' -f1)' (count char)"
i=0
while [ $i -lt 10 ]; do
	cold=$(cells cold)
	[ "$(census "$cold")" = "$pages N" ] && break
	sleep 0.3
	i=$((i + 1))
done
marked page_map_marks_every_protnone_page_N "$pages N" "$cold" \
	"cells of the untouched half of the hot+cold VMA after '/ $(pw_region /tmp/tui.out cold | cut -d' ' -f1)' (count char)"
legend=$(screen | grep '^0-9 node')
case "$legend" in
*"P maybe_pinned"*"N protnone"*) pw_pass legend_names_pinned_and_protnone_marks ;;
*) pw_fail legend_names_pinned_and_protnone_marks "what:     the page map's legend line" \
	"expected: ... P maybe_pinned ... N protnone ..." "seen:     $legend" ;;
esac
tm send-keys -t pw q
if wait_for "pagewatch exited with 0" 50; then
	pw_pass q_ends_session_with_status_0
else
	pw_fail q_ends_session_with_status_0 "no 'pagewatch exited with 0' after q:" "$(screen | tail -n 5)"
fi
cleanup
true
