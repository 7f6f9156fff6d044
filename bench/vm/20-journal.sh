# Live from the journal against polling (issue 12, point 3), in the guest
# with the module: the interactive session (pagewatch -p PID -i 1 --no-perf
# in a detached tmux) on a dense target as large as the guest allows, idle,
# then while 1 % of its pages move to the other node every second (pw-jfile
# churn, move_pages from another process), once live (the default with the
# journal) and once with --no-journal (polling). Figures: the session's CPU
# share of one core from /proc/PID/stat over 20 s, and in live mode how late
# the changes reach the screen at worst (the header's "at worst", the
# largest "on screen within" since the session began). Every
# output line goes to the host as a BENCH line. Sourced by the guest's
# /init with lib.sh.
if ! pw_load_module 2>/tmp/insmod.err; then
	pw_skip module_loaded "insmod failed: $(cat /tmp/insmod.err)"
fi
# the largest dense target the guest allows: 70 % of what is available
# (the bench guest has up to 4 GiB per node, tests/vm/run)
mib=$(awk '/^MemAvailable:/ { print int($2 / 1024 * 0.7) }' /proc/meminfo)
secs=20
hz=100		# USER_HZ of x86 Debian kernels
say() { echo "BENCH $*" >&3; }

pw-target dense $mib > /tmp/jb.range 2>&1 &
tgt=$!
# touching gigabytes under emulation takes a while
pw_wait_line /tmp/jb.range '^[0-9a-f]' 6000 || pw_fail bench_target_ready "$(cat /tmp/jb.range)"
set -- $(cat /tmp/jb.range)
start=$1 end=$2

tm() { tmux -L pwjb "$@"; }
cpu_ticks() { awk '{ print $14 + $15 }' /proc/$1/stat 2>/dev/null; }
# the collector thread's ticks (it names itself pw-collector)
collector_ticks() {
	local t
	for t in /proc/$1/task/*; do
		[ "$(cat $t/comm 2>/dev/null)" = pw-collector ] || continue
		awk '{ print $14 + $15 }' $t/stat
		return
	done
	echo 0
}
# the session's own worst since it began: "at worst N s" (header)
worst_of() { sed -n 's/.*at worst \([0-9.]*\)s.*/\1/p'; }

# run LABEL FLAGS CHURN: one session, its CPU over $secs s and its header;
# sets $cpu (% of a CPU) and $lag (the largest "on screen within" seen)
run() {
	local label=$1 flags=$2 churn=$3 pw t0 t1 mover= header l
	tm -f /dev/null new-session -d -s pw -x 200 -y 50 \
		"env TERM=screen /pagewatch/bin/pagewatch -p $tgt --no-perf -i 1 $flags; sleep 600"
	# past the first full read (minutes for gigabytes under emulation)
	for _ in $(seq 6000); do
		tm capture-pane -p -t pw 2>/dev/null | grep -q 'snapshot #3' && break
		sleep 0.1
	done
	pw=$(pidof pagewatch)
	[ "$churn" = yes ] && { pw-jfile churn $tgt $start $end 1 $((secs + 2)) > /tmp/jb.churn & mover=$!; }
	sleep 1
	t0=$(cpu_ticks $pw)
	c0=$(collector_ticks $pw)
	sleep $secs
	t1=$(cpu_ticks $pw)
	c1=$(collector_ticks $pw)
	header=$(tm capture-pane -p -t pw | grep -o 'snapshot #.*' | head -n 1)
	lag=$(echo "$header" | worst_of)
	: "${lag:=0}"
	[ -n "$mover" ] && wait $mover
	tm kill-server 2>/dev/null
	cpu=$(awk -v a=$t0 -v b=$t1 -v s=$secs -v hz=$hz 'BEGIN { printf "%.2f", (b - a) * 100 / hz / s }')
	coll=$(awk -v a=$c0 -v b=$c1 -v s=$secs -v hz=$hz 'BEGIN { printf "%.2f", (b - a) * 100 / hz / s }')
	say "$(printf '%-30s %6s %% of a CPU  | %s' "$label" "$cpu" "$header")"
	say "    of which the collector thread: $coll %"
	[ -s /tmp/jb.churn ] && say "    churn: $(cat /tmp/jb.churn)"
	rm -f /tmp/jb.churn
}

# target TEXT MET: one met / not met line, as bench/run.sh prints them
target() { say "  target: $1: $([ "$2" = 1 ] && echo met || echo NOT met)"; }

say "== live (journal) vs polling: dense $mib MiB ($((mib * 256)) pages), interval 1 s, ${secs} s each"
run "idle, live" "" no
idle_cpu=$cpu
run "idle, polling" "--no-journal" no
run "1 %/s moving, live" "" yes
churn_lag=$lag churn_cpu=$cpu
run "1 %/s moving, polling" "--no-journal" yes
target "idle, live: $idle_cpu % of a CPU (<= 2)" \
	"$(awk -v c=$idle_cpu 'BEGIN { print (c <= 2) }')"
target "1 %/s moving, live: every change on screen within ${churn_lag} s at worst (<= the 1 s interval)" \
	"$(awk -v l=$churn_lag 'BEGIN { print (l > 0 && l <= 1) }')"
kill $tgt
wait $tgt 2>/dev/null
pw_pass journal_bench_finished
