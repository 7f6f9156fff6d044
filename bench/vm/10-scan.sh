# Scan speed and memory in the guest (issues 7 and 18), the module path:
# bench/run.sh on dense and THP targets of 512 MiB (issue 18's module
# targets: the raw read, json and summary against numa_maps, THP against
# dense) and a sparse one, with the module loaded, then a dense one without
# it (--no-kmod) for comparison; each ends with the 1 MiB start-up targets
# (3x numa_maps in the guest) and --all over 4 GiB of the 1 TiB
# reservation (its spool is in the guest's memory: /tmp is the initramfs,
# so not the host's 64 GiB). Every output line goes to the host
# as a BENCH line. Sourced by the guest's /init with lib.sh.
if ! pw_load_module 2>/tmp/insmod.err; then
	pw_skip module_loaded "insmod failed: $(cat /tmp/insmod.err)"
fi
bench() {
	PW_BENCH_PAGEWATCH=/pagewatch/bin/pagewatch \
	PW_BENCH_TARGET=/pagewatch/bin/pw-target \
	PW_BENCH_READER=/pagewatch/bin/pw-target-static \
	PW_BENCH_PAGE_TYPES=/pagewatch/bin/page-types \
	PW_BENCH_RUNS=${PW_BENCH_RUNS:-3} PW_BENCH_GUEST=1 PW_BENCH_SCALE_MIB=0 \
	PW_BENCH_ALL_GIB=${PW_BENCH_ALL_GIB:-4} \
		sh /pagewatch/bench-run.sh 2>&1 | sed 's/^/BENCH /' >&3
}
# The emulator: under QEMU's TCG (Debian 12's 7.2) code already translated
# is not found again when the same program runs at other addresses, so
# with address-space randomisation every run of a dynamically linked or
# position-independent program pays to translate the dynamic loader, the
# C library and its own code afresh (2026-12-03, 6.12: `pw-target noop`
# 24 ms with it, 5 ms without; pagewatch's 1 MiB JSON snapshot 61-64 ms
# against 13 ms). A CPU pays nothing of the kind, and BusyBox's cat and
# the static readers, at fixed addresses, never pay it either: the rows
# below run with randomisation off, every program alike, after one line
# that shows what it costs here.
echo "BENCH == the emulator's cost of address-space randomisation" >&3
aslr_saved=$(cat /proc/sys/kernel/randomize_va_space)
for v in 2 0; do
	echo "$v" >/proc/sys/kernel/randomize_va_space
	set -- $(/pagewatch/bin/pw-target time 9 /pagewatch/bin/pw-target noop)
	printf 'BENCH exec with kernel.randomize_va_space %s: wall %.1f ms, cpu %.1f ms (pw-target noop, median of 9)\n' \
		"$v" "$1" "$2" >&3
done
echo "BENCH == module path" >&3
PW_BENCH_SIZES=512 bench
echo "BENCH == without the module (--no-kmod)" >&3
PW_BENCH_SIZES=512 PW_BENCH_LAYOUTS=dense PW_BENCH_FLAGS=--no-kmod bench
echo "$aslr_saved" >/proc/sys/kernel/randomize_va_space
pw_pass bench_finished
