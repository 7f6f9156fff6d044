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
echo "BENCH == module path" >&3
PW_BENCH_SIZES=512 bench
echo "BENCH == without the module (--no-kmod)" >&3
PW_BENCH_SIZES=512 PW_BENCH_LAYOUTS=dense PW_BENCH_FLAGS=--no-kmod bench
pw_pass bench_finished
