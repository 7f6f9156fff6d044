# The module loads, creates its debugfs directory and unloads cleanly.

if [ ! -f "$PW_KO" ]; then
	pw_fail module_loads "no pagewatch.ko in the guest: the module failed to build"
	exit 0
fi
pw_unload_module
pw_run module_loads insmod "$PW_KO"
if [ -d "$PW_DEBUGFS" ]; then
	pw_pass debugfs_directory_created
else
	pw_fail debugfs_directory_created "no $PW_DEBUGFS after insmod" "$(pw_dmesg_tail)"
fi
pw_run module_unloads rmmod pagewatch
if [ -e "$PW_DEBUGFS" ]; then
	pw_fail debugfs_directory_removed "$PW_DEBUGFS still exists after rmmod"
else
	pw_pass debugfs_directory_removed
fi
