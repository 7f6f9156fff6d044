# The package's module is the tested module: the pagewatch.ko that DKMS
# built for this kernel from the pagewatch-dkms package on the host
# (tests/host/packages.sh), installed where DKMS installs it, indexed by
# Debian's depmod and loaded by modprobe; then pagewatch, through it, finds
# the io_uring pins and the NUMA-hinting (protnone) pages this test makes,
# counted against the module's raw records (pw-verify dump) and the
# kernel's own pin count, in JSON and in OpenMetrics. The module stays
# loaded: 99-lockdown raises lockdown over it.

rel=$(uname -r)
ko=/lib/modules/$rel/updates/dkms/pagewatch.ko
K=/pagewatch/kmod
PW=/pagewatch/bin/pagewatch
if [ ! -f "$ko" ]; then
	pw_skip module_from_dkms "no DKMS-built module for $rel in the guest: tests/host/packages.sh, as root, builds it before check-vm"
	exit 0
fi
pw_unload_module
pw_run depmod_indexes_the_dkms_module $K/depmod -a "$rel"
pw_eq modules_dep_lists_it "updates/dkms/pagewatch.ko:" \
	"$(grep pagewatch "/lib/modules/$rel/modules.dep")" "/lib/modules/$rel/modules.dep"
pw_run modprobe_loads_it $K/modprobe pagewatch || exit 0
pw_eq loaded_module_is_the_dkms_build "$($K/modinfo -F srcversion "$ko")" \
	"$(cat /sys/module/pagewatch/srcversion)" "modinfo -F srcversion of $ko, /sys/module/pagewatch/srcversion"
pw_eq dkms_status_on_the_host_said_installed "installed" \
	"$(sed -n 's/.*: \(installed\).*/\1/p' "/lib/modules/$rel/updates/dkms/dkms-status")" \
	"the host's dkms status line for $rel"
# the version the host's dkms status line names: pagewatch/VERSION, ...
want=$(sed -n 's|^pagewatch/\([^,]*\),.*|\1|p' "/lib/modules/$rel/updates/dkms/dkms-status")
pw_eq modinfo_version_is_the_package_version "${want:-no version in dkms status}" \
	"$($K/modinfo -F version "$ko")" "modinfo -F version $ko"
pw_eq modinfo_has_description_author_license "3 fields" \
	"$(for f in description author license; do $K/modinfo -F $f "$ko"; done | grep -c .) fields" \
	"modinfo -F description/author/license"
pw_eq sysfs_version_is_the_package_version "${want:-no version in dkms status}" \
	"$(cat /sys/module/pagewatch/version 2>/dev/null)" "/sys/module/pagewatch/version"

# count JSON-FILE REGION-FILE REGION FIELD: pages of REGION whose FIELD is true
count() {
	jq -r "select(.type == \"page\" and .$4 == true) | .addr" "$1" |
		pw_in_regions "$2" "$3" | wc -l
}

# ---- pins: pw-pin registers 16 small pages as io_uring fixed buffers
pages=16
pw-pin $pages reg-small > /tmp/dkms-pin.out 2>&1 &
pid=$!
if pw_wait_line /tmp/dkms-pin.out '^ready'; then
	kill -USR1 $pid
	pw_wait_line /tmp/dkms-pin.out '^done reg-small$'
	$PW -p $pid -s --format json > /tmp/dkms-pin.json 2> /tmp/dkms-pin.err
	pw_eq snapshot_reads_the_dkms_module "true" \
		"$(jq -r 'select(.type == "snapshot") | .sources.kmod' /tmp/dkms-pin.json)" \
		"sources.kmod of pagewatch's JSON header; stderr: $(head -n 2 /tmp/dkms-pin.err)"
	raw=$(pw-verify dump $pid $(pw_region /tmp/dkms-pin.out small) |
		awk '$8 ~ /(^|,)maybe_pinned(,|$)/ { n++ } END { print n + 0 }')
	pw_eq pinned_pages_found "$pages $pages" \
		"$(count /tmp/dkms-pin.json /tmp/dkms-pin.out small pinned) $raw" \
		"pinned pages of the registered region: pagewatch's JSON, the module's records"
	$PW -p $pid -s --format openmetrics > /tmp/dkms-pin.prom 2>/dev/null
	got=$(grep "^pagewatch_pinned_pages{pid=\"$pid\"," /tmp/dkms-pin.prom | awk '{print $NF}')
	want=$(jq -s '[.[] | select(.type == "page" and .pinned == true)] | length' /tmp/dkms-pin.json)
	pw_eq openmetrics_pinned_pages_gauge "$want" "$got" \
		"pagewatch_pinned_pages of the process against the JSON's pinned pages"
	pw_eq openmetrics_ends_with_eof "# EOF" "$(tail -n 1 /tmp/dkms-pin.prom)"
else
	pw_fail pin_workload_ready "pw-pin did not get ready:" "$(cat /tmp/dkms-pin.out)"
fi
kill $pid 2>/dev/null
wait $pid 2>/dev/null

# ---- protnone: NUMA balancing marks the untouched half of pw-numa's buffer
# (a kernel without NUMA balancing, the RT build: none reported instead)
if pw_require_numa_balancing; then
	pages=64
	pw_numa_balancing_fast
	pw-numa $pages > /tmp/dkms-numa.out 2>&1 &
	pid=$!
	if pw_wait_line /tmp/dkms-numa.out '^ready'; then
		i=0
		while [ $i -lt 60 ]; do
			$PW -p $pid -s --format json --filter protnone > /tmp/dkms-numa.json 2>/dev/null
			[ "$(count /tmp/dkms-numa.json /tmp/dkms-numa.out cold protnone)" = $pages ] && break
			sleep 0.5
			i=$((i + 1))
		done
		pw_stop $pid
		$PW -p $pid -s --format json > /tmp/dkms-numa.json 2>/dev/null
		raw=$(pw-verify dump $pid $(pw_region /tmp/dkms-numa.out cold) |
			awk '$8 ~ /(^|,)protnone(,|$)/ { n++ } END { print n + 0 }')
		pw_eq protnone_pages_found "$pages $pages" \
			"$(count /tmp/dkms-numa.json /tmp/dkms-numa.out cold protnone) $raw" \
			"protnone pages of the untouched region after $i polls: pagewatch's JSON, the module's records"
		kill -CONT $pid
	else
		pw_fail numa_workload_ready "pw-numa did not get ready:" "$(cat /tmp/dkms-numa.out)"
	fi
	kill $pid 2>/dev/null
	wait $pid 2>/dev/null
	pw_numa_balancing_restore
fi
