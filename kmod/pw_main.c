// SPDX-License-Identifier: GPL-2.0
/*
 * pagewatch: read-only views of page-table entries and of the pages
 * behind them, under /sys/kernel/debug/pagewatch/ and, through the very
 * same file operations, as character devices /dev/pagewatch/NAME (see
 * include/pagewatch/abi.h). Module init and exit, the version file and the
 * table of files. The top of the module: it registers the files'
 * operations; nothing calls back into it.
 */
#include <linux/build_bug.h>
#include <linux/debugfs.h>
#include <linux/err.h>
#include <linux/miscdevice.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/seq_file.h>
#include <linux/utsname.h>

#include "pw.h"

/* Up to 6.1 NUMA hint entries keep their write bit (pte_savedwrite()) */
#ifdef pte_savedwrite
#define PW_FEATURE_SAVEDWRITE	PAGEWATCH_FEATURE_SAVEDWRITE_BIT
#else
#define PW_FEATURE_SAVEDWRITE	PAGEWATCH_FEATURE_SAVEDWRITE_DERIVED
#endif

static struct dentry *pw_dir;

static int pw_version_show(struct seq_file *m, void *v)
{
	seq_printf(m, "abi %d\n", PAGEWATCH_ABI_VERSION);
	seq_printf(m, "record_size %d\n", PAGEWATCH_RECORD_SIZE);
	seq_printf(m, "kernel %s\n", init_utsname()->release);
	seq_puts(m, "features " PW_FEATURE_SAVEDWRITE " "
		 PAGEWATCH_FEATURE_RCU_PTE_WALK " "
		 PAGEWATCH_FEATURE_KPAGE " "
		 PAGEWATCH_FEATURE_SEEK_DATA " "
		 PAGEWATCH_FEATURE_JOURNAL " "
		 PAGEWATCH_FEATURE_HUGETLB " "
		 PAGEWATCH_FEATURE_COUNT "\n");
	pw_seq_flag_lines(m);
	return 0;
}

static int pw_version_open(struct inode *inode, struct file *file)
{
	int ret = pw_open_check(inode, file);

	if (ret)
		return ret;
	return single_open(file, pw_version_show, NULL);
}

static const struct file_operations pw_version_fops = {
	.owner = THIS_MODULE,
	.open = pw_version_open,
	.release = single_release,
	.read = seq_read,
	.llseek = seq_lseek,
};

/*
 * The files, one table for debugfs and the devices. Literal names:
 * tests/kmod/man-flags.sh checks each is documented.
 */
static const struct {
	const char *name;
	const char *nodename;	/* under /dev */
	umode_t mode;
	const struct file_operations *fops;
} pw_files[] = {
	{ "version", PAGEWATCH_DEVICE_DIR "/version", 0400, &pw_version_fops },
	{ "pages", PAGEWATCH_DEVICE_DIR "/pages", 0600, &pw_pages_fops },
	{ "kpage", PAGEWATCH_DEVICE_DIR "/kpage", 0400, &pw_kpage_fops },
	{ "target", PAGEWATCH_DEVICE_DIR "/target", 0600, &pw_target_fops },
	{ "text", PAGEWATCH_DEVICE_DIR "/text", 0400, &pw_text_fops },
	{ "journal", PAGEWATCH_DEVICE_DIR "/journal", 0600, &pw_journal_fops },
};

static struct miscdevice pw_devs[ARRAY_SIZE(pw_files)];
static char pw_dev_names[ARRAY_SIZE(pw_files)][24];

static int __init pw_create_files(struct dentry *dir)
{
	struct dentry *d;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(pw_files); i++) {
		d = debugfs_create_file(pw_files[i].name, pw_files[i].mode, dir,
					NULL, pw_files[i].fops);
		if (IS_ERR(d))
			return PTR_ERR(d);
	}
	return 0;
}

/*
 * Lockdown (6.1, 6.12: debugfs_locked_down()) refuses every debugfs file
 * that can be written or has an ioctl or mmap, so pages and target, and
 * with them every module field, are closed there. Lockdown says nothing
 * about character devices: the same file operations under /dev keep the
 * module usable, with the same CAP_SYS_ADMIN check at open.
 * misc_open() takes a module reference through fops->owner for each open
 * file, so the module cannot go while a device is open.
 */
static void pw_remove_devices(unsigned int nr)
{
	while (nr--)
		misc_deregister(&pw_devs[nr]);
}

static int __init pw_create_devices(void)
{
	unsigned int i;
	int ret;

	for (i = 0; i < ARRAY_SIZE(pw_files); i++) {
		snprintf(pw_dev_names[i], sizeof(pw_dev_names[i]), "%s%s",
			 PAGEWATCH_DEVICE_PREFIX, pw_files[i].name);
		pw_devs[i].minor = MISC_DYNAMIC_MINOR;
		pw_devs[i].name = pw_dev_names[i];
		pw_devs[i].nodename = pw_files[i].nodename;
		pw_devs[i].mode = pw_files[i].mode;
		pw_devs[i].fops = pw_files[i].fops;
		ret = misc_register(&pw_devs[i]);
		if (ret) {
			pw_remove_devices(i);
			return ret;
		}
	}
	return 0;
}

static int __init pw_init(void)
{
	int ret;

	BUILD_BUG_ON(sizeof(struct pagewatch_page) != PAGEWATCH_RECORD_SIZE);
	BUILD_BUG_ON(PAGEWATCH_GUP_PIN_COUNTING_BIAS != GUP_PIN_COUNTING_BIAS);
	BUILD_BUG_ON(PAGEWATCH_PAGE_NR_FLAGS > 64);
	BUILD_BUG_ON(PW_BATCH > 512);
	BUILD_BUG_ON(sizeof(struct pagewatch_journal_record) !=
		     PAGEWATCH_JOURNAL_RECORD_SIZE);

	pw_dir = debugfs_create_dir(PAGEWATCH_DEBUGFS_DIR, NULL);
	if (IS_ERR(pw_dir))
		return PTR_ERR(pw_dir);
	ret = pw_create_files(pw_dir);
	if (ret)
		goto err_remove_dir;
	ret = pw_create_devices();
	if (ret)
		goto err_remove_dir;
	return 0;

err_remove_dir:
	debugfs_remove_recursive(pw_dir);
	return ret;
}

static void __exit pw_exit(void)
{
	/* no open file is left: each holds a module reference */
	pw_remove_devices(ARRAY_SIZE(pw_devs));
	/* waits for running file operations; open files pin the module */
	debugfs_remove_recursive(pw_dir);
	pw_target_exit();
	pw_journal_exit();
}

module_init(pw_init);
module_exit(pw_exit);

MODULE_DESCRIPTION("pagewatch: read-only page table and page state views");
MODULE_AUTHOR("pagewatch developers");
MODULE_LICENSE("GPL");
MODULE_VERSION(PW_VERSION);
