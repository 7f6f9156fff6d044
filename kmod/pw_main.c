// SPDX-License-Identifier: GPL-2.0
/*
 * pagewatch: read-only views of page-table entries and of the pages
 * behind them, under /sys/kernel/debug/pagewatch/ (see
 * include/pagewatch/abi.h). Module init and exit, and the version file.
 * The top of the module: it registers the files' operations; nothing
 * calls back into it.
 */
#include <linux/build_bug.h>
#include <linux/debugfs.h>
#include <linux/err.h>
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
		 PAGEWATCH_FEATURE_JOURNAL "\n");
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

/* Literal names: tests/kmod/man-flags.sh checks each is documented */
static int __init pw_create_files(struct dentry *dir)
{
	struct dentry *d[] = {
		debugfs_create_file("version", 0400, dir, NULL, &pw_version_fops),
		debugfs_create_file("pages", 0600, dir, NULL, &pw_pages_fops),
		debugfs_create_file("kpage", 0400, dir, NULL, &pw_kpage_fops),
		debugfs_create_file("target", 0600, dir, NULL, &pw_target_fops),
		debugfs_create_file("text", 0400, dir, NULL, &pw_text_fops),
		debugfs_create_file("journal", 0600, dir, NULL,
				    &pw_journal_fops),
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(d); i++)
		if (IS_ERR(d[i]))
			return PTR_ERR(d[i]);
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
	return 0;

err_remove_dir:
	debugfs_remove_recursive(pw_dir);
	return ret;
}

static void __exit pw_exit(void)
{
	/* waits for running file operations; open files pin the module */
	debugfs_remove_recursive(pw_dir);
	pw_target_exit();
	pw_journal_exit();
}

module_init(pw_init);
module_exit(pw_exit);

MODULE_DESCRIPTION("pagewatch: read-only page table and page state views");
MODULE_LICENSE("GPL");
