# Lockdown (what Debian raises on a Secure Boot machine): with the module
# loaded (the DKMS build when 91-dkms loaded it), securityfs mounted and
# "integrity" written to /sys/kernel/security/lockdown, debugfs refuses the
# module's writable files, as the kernel means it to, while the character
# devices under /dev/pagewatch/, with the same file operations, still
# open; pagewatch finds them by itself (sources.kmod_device), and the whole
# snapshot comparison of 85-snapshot passes again through them. Lockdown
# cannot be lowered: this test runs last.

pw_require_module
SEC=/sys/kernel/security
grep -q " $SEC " /proc/mounts || mount -t securityfs none $SEC
if [ ! -f $SEC/lockdown ]; then
	pw_fail lockdown_lsm_present "no $SEC/lockdown: the kernel has no lockdown LSM" \
		"$(ls $SEC 2>&1)"
	exit 0
fi
for f in version pages kpage target text; do
	[ -c /dev/pagewatch/$f ] || missing="${missing:-} $f"
done
pw_eq device_nodes_exist "" "${missing:-}" "files missing under /dev/pagewatch/ (devtmpfs)"
# NUMA balancing's knobs are debugfs files lockdown closes: set them first
pw_numa_balancing_fast
echo integrity > $SEC/lockdown
pw_eq lockdown_raised_to_integrity "[integrity]" \
	"$(tr ' ' '\n' < $SEC/lockdown | grep '^\[')" "the level in brackets in $SEC/lockdown"

if sh -c ": < $PW_DEBUGFS/pages" 2>/dev/null; then
	pw_fail debugfs_pages_refused "$PW_DEBUGFS/pages still opens under lockdown"
else
	pw_pass debugfs_pages_refused
fi
if sh -c ": < /dev/pagewatch/pages" 2>/tmp/ld.err; then
	pw_pass device_pages_opens
else
	pw_fail device_pages_opens "$(cat /tmp/ld.err)"
fi
pw_eq device_version_reads "abi 1" "$(head -n 1 /dev/pagewatch/version)"

sleep 600 &
target=$!
/pagewatch/bin/pagewatch -p $target -s --format json > /tmp/ld.json 2> /tmp/ld.err
pw_eq snapshot_exits_0 0 $? "pagewatch -p PID -s under lockdown; stderr: $(head -n 2 /tmp/ld.err)"
pw_eq json_sources_say_device "true true" \
	"$(jq -r 'select(.type == "snapshot") | "\(.sources.kmod) \(.sources.kmod_device)"' /tmp/ld.json)" \
	"sources.kmod and sources.kmod_device of the JSON header"
pw_eq module_fields_known "0" \
	"$(jq -s '[.[] | select(.type == "page" and .present) | select(.refcount == null or .protnone == null or .pinned == null)] | length' /tmp/ld.json)" \
	"present pages whose refcount, protnone or pinned is unknown"
kill $target
wait $target 2>/dev/null

# the debugfs directory alone, as where /dev has no pagewatch nodes: one
# line naming lockdown, not a silent fall back to /proc
mount -t tmpfs none /dev/pagewatch
sleep 600 &
target=$!
/pagewatch/bin/pagewatch -p $target -s --format json > /tmp/ld2.json 2> /tmp/ld2.err
pw_eq without_device_exits_0 0 $? "pagewatch without /dev/pagewatch under lockdown"
pw_eq without_device_one_line_names_lockdown 1 \
	"$(grep -c "lockdown closed the module's debugfs" /tmp/ld2.err)" "$(cat /tmp/ld2.err)"
kill $target
wait $target 2>/dev/null
umount /dev/pagewatch

# every check of the snapshot comparison, again, under lockdown; pw-verify
# reads the module's records through the devices too
mkdir -p /tmp/ld-bin
printf '#!/bin/sh\nPAGEWATCH_KMOD_DIR=/dev/pagewatch exec /pagewatch/bin/pw-verify "$@"\n' > /tmp/ld-bin/pw-verify
chmod +x /tmp/ld-bin/pw-verify
PATH=/tmp/ld-bin:$PATH
. /pagewatch/tests/85-snapshot.sh
