/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * pagewatch ABI: the one definition of what the pagewatch kernel module
 * exports under /sys/kernel/debug/pagewatch/ and what the pagewatch tool
 * reads. Included unchanged by the module and by userspace.
 *
 * Rules: records are fixed-size and little-endian; bits and fields are only
 * ever added (a new field takes padding or grows the record together with
 * PAGEWATCH_ABI_VERSION); a reader checks the version file first.
 *
 * Files (all root-only, CAP_SYS_ADMIN checked at open; binding to a
 * process needs more, see "Binding" below):
 *
 *   version  text, "key value" lines: abi, record_size, features, one
 *            "flag BIT NAME" line per page flag.
 *   pages    binary, per open file. write() the target PID as decimal
 *            text; then pread() at offset (vaddr / PAGE_SIZE) * record_size
 *            returns one struct pagewatch_page per page from vaddr on. The
 *            offset and count must be multiples of the record size
 *            (-EINVAL). A read past the target's address space ends at 0.
 *            The file stays bound to that address space (not the PID)
 *            until the next write. write(): -EINVAL unless a decimal
 *            PID > 0 (white space allowed), -EPERM when the writer may
 *            not bind (see Binding), -ESRCH when no such process in the
 *            writer's PID namespace or it has no address space (kernel
 *            thread, exited). read():
 *            -ENXIO before a PID was written, -ESRCH once the target has
 *            exited, -EINTR on a fatal signal; an error after some records
 *            were copied ends the read short instead.
 *            lseek() SEEK_DATA / SEEK_HOLE (feature "seek_data"): the
 *            offset of the first record at or after the given one whose
 *            page is data (its record has a flag set: an entry at some
 *            level) or a hole (an empty record: no VMA, or no entry),
 *            found without visiting empty page-table levels; the offset
 *            itself when its record qualifies. The end of the address
 *            space is the hole every file ends with. -ENXIO for an offset
 *            below 0 or at or past that end, and for SEEK_DATA when no
 *            data follows; -ENXIO / -ESRCH / -EINTR as for read(). A hint
 *            of the moment: the target may change before the next read.
 *            ioctl(PAGEWATCH_IOC_COUNT, struct pagewatch_count *)
 *            (feature "count"): the records a read of [start, end) would
 *            return, counted in the kernel and never copied out (see
 *            struct pagewatch_count): a per-mapping summary in one call
 *            per range. -EINVAL unless start < end, both page aligned and
 *            end within the address space; -ENXIO / -ESRCH / -EINTR as
 *            for read(), -EFAULT for a bad pointer, -ENOTTY for any other
 *            command.
 *   kpage    binary, per-PFN: pread() at offset pfn * record_size returns
 *            struct pagewatch_page records for consecutive PFNs (like
 *            /proc/kpageflags); only the page's own facts are set, never
 *            the mapping facts (present, write, protnone...).
 *   target   text, global, for the text view: write "PID START-END"
 *            (hexadecimal user addresses, 0x optional, END exclusive,
 *            widened to whole pages) or "pfn START-END" (hexadecimal
 *            PFNs, END exclusive), at most 1 << 20 pages, or "none"; read
 *            shows the current setting in the same syntax ("none" when
 *            unset). -EINVAL when malformed or out of range, -EPERM when
 *            the writer may not bind a PID, -ESRCH when the process has
 *            no address space. A PID target holds the process (its struct
 *            pid), never its address space.
 *   text     text view of the records named by target (snapshot taken at
 *            open, where a PID target is bound: -EPERM when the opener
 *            may not bind, -ESRCH once the process has exited; -ENXIO when
 *            none is set), a "#" header line, then one
 *            line per page:
 *            "ADDR PFN NODE ORDER REFCOUNT MAPCOUNT PINCOUNT FLAGS", ADDR
 *            and PFN in hexadecimal without 0x, ADDR "-" for a pfn target,
 *            NODE "-" when none, FLAGS a comma-separated list of the names
 *            below in bit order ("-" when none). A read fails with -ESRCH
 *            once the target process has exited.
 *   journal  binary, per open file (feature "journal"): the change journal
 *            of the bound address space, from its MMU notifier. write()
 *            the target PID as decimal text to bind (as pages: -EINVAL,
 *            -EPERM, -ESRCH), which registers an MMU notifier on its mm
 *            (taking its mmap lock for writing once) until the file is
 *            closed or bound again; or "size N" to make the ring hold N
 *            records (a power of two, 16..1048576; default
 *            PAGEWATCH_JOURNAL_RING), which empties it. Every
 *            invalidate_range_start of the target becomes one struct
 *            pagewatch_journal_record; read() returns whole records only
 *            (-EINVAL for fewer than PAGEWATCH_JOURNAL_RECORD_SIZE bytes),
 *            blocks until one is there (-EINTR on a signal, -EAGAIN with
 *            O_NONBLOCK), returns 0 after the target's exited record was
 *            read; poll() reports POLLIN. When the ring is full new
 *            records are dropped: the last slot holds one overflow record
 *            whose lost field counts them. -ENXIO before a bind. Rebinding
 *            empties the ring.
 *
 * Every open() fails with -EPERM without CAP_SYS_ADMIN.
 *
 * Binding: every bind (a PID written to pages or target, the open of text
 * for a PID target) checks the calling task, not the file's opener: it
 * needs CAP_SYS_ADMIN and CAP_SYS_PTRACE in the initial user namespace
 * (-EPERM otherwise; the kernel log names the missing capability), and
 * the PID is looked up in the caller's PID namespace. A descriptor passed
 * over a UNIX socket or inherited by an unprivileged process cannot be
 * rebound. LSM ptrace policy (Yama's ptrace_scope, SELinux) is not
 * consulted: ptrace_may_access() is not exported. What a pages file
 * already bound reads is not checked again: like a /proc/PID/pagemap
 * descriptor, whose check is made once at open, it reads its target for
 * whoever holds it.
 */
#ifndef _PAGEWATCH_ABI_H
#define _PAGEWATCH_ABI_H

#include <linux/ioctl.h>
#include <linux/types.h>

#define PAGEWATCH_ABI_VERSION		1
#define PAGEWATCH_DEBUGFS_DIR		"pagewatch"
/*
 * The same five files, through the same file operations, are character
 * devices /dev/pagewatch/NAME (misc devices named "pagewatch-NAME"):
 * kernel lockdown closes debugfs files that can be written, not these.
 */
#define PAGEWATCH_DEVICE_DIR		"pagewatch"
#define PAGEWATCH_DEVICE_PREFIX		"pagewatch-"

/* node when the page has none (not present, no struct page) */
#define PAGEWATCH_NODE_NONE		0xffff

/*
 * One page. pfn is the page frame for present and migration entries and the
 * swap offset for swap entries (swap_type says which swap device; the
 * kernel's non-swap entries with a PFN, device-private/exclusive and
 * hwpoison, have SWAP set, their PFN in pfn and a swap_type of at least
 * the kernel's MAX_SWAPFILES). refcount is the folio's reference count (0
 * while frozen); mapcount the precise mapcount of this page
 * (PTE maps plus the folio's entire-map count); pincount the GUP pin
 * count: exact when PAGEWATCH_PAGE_PIN_EXACT is set (large folios count
 * pins), otherwise refcount / PAGEWATCH_GUP_PIN_COUNTING_BIAS. The page
 * facts (node, order, counts, thp, anon...) are filled for present pages
 * with a struct page; exactly one of THP and HUGETLB is set when order
 * > 0 (HUGETLB for a hugetlb folio: order 9 for 2 MiB, 18 for 1 GiB), and
 * PIN_EXACT only with one of them. Pages of hugetlb VMAs get one record
 * per 4 KiB page, like a PMD-mapped THP: PMD for a 2 MiB page, PUD for a
 * 1 GiB one (and for DAX or PFN-map PUD leaves), HUGETLB on their present
 * and migration records. SPECIAL marks an entry without a struct page, by
 * the kernel's own rule (vm_normal_page(), vm_normal_page_pmd()): in a
 * VM_PFNMAP / VM_IO / VM_MIXEDMAP mapping a private COW copy is an
 * ordinary page and gets all its facts. A migration entry does not freeze its folio (a split
 * rewrites the struct pages, a migration moves the counts, without the
 * lock the walk holds): its record has UNSTABLE set and only what the
 * entry guarantees, the source page's PFN and node, WRITE for a writable
 * migration entry, ANON (with KSM, ANON_EXCLUSIVE) or else FILE; counts
 * and order are 0, THP, PIN_EXACT and MAYBE_PINNED clear, meaning
 * unknown. The zero page gets its node only; the huge zero page its node,
 * ZERO, PMD, THP and order 9 (kpage cannot tell it: its record there is
 * that of an order-9 folio without ZERO). Holes, swap, markers, special
 * and skipped entries have node PAGEWATCH_NODE_NONE and zero counts.
 * WRITE means writable by ordinary stores: never set on a protnone entry
 * (SAVEDWRITE tells what the hint fault will do) nor on an x86
 * shadow-stack entry (which pte_write() counts); on a migration entry it
 * means a writable migration entry. 6.1's entries left by a failed swap-in
 * during swapoff (SWP_SWAPIN_ERROR) are reported as SWAP with a swap_type
 * of at least MAX_SWAPFILES and the frame the kernel stored in the entry
 * (no longer mapped) in pfn; on 6.12 they are PTE markers (MARKER).
 * PFN_VALID (kpage) means an online page (pfn_to_online_page()): a
 * ZONE_DEVICE PFN, an offline section or a PFN without memmap reads as an
 * empty record without it, as /proc/kpageflags reports KPF_NOPAGE.
 */
struct pagewatch_page {
	__le64 pfn;
	__le64 flags;
	__le32 refcount;
	__le32 mapcount;
	__le32 pincount;
	__le16 node;
	__u8 order;
	__u8 swap_type;
};

#define PAGEWATCH_RECORD_SIZE		32
#define PAGEWATCH_GUP_PIN_COUNTING_BIAS	1024

/* Bit numbers of struct pagewatch_page.flags */
#define PAGEWATCH_PAGE_PRESENT		0	/* a page is mapped here */
#define PAGEWATCH_PAGE_SWAP		1	/* swap entry (pfn = offset) */
#define PAGEWATCH_PAGE_MIGRATION	2	/* migration entry (pfn = page) */
#define PAGEWATCH_PAGE_PMD		3	/* mapped by a PMD (THP, hugetlb) */
#define PAGEWATCH_PAGE_THP		4	/* part of a large folio, not
						 * hugetlb
						 */
#define PAGEWATCH_PAGE_ANON		5
#define PAGEWATCH_PAGE_FILE		6	/* page cache or shmem */
#define PAGEWATCH_PAGE_KSM		7
#define PAGEWATCH_PAGE_ZERO		8	/* the shared (huge) zero page */
#define PAGEWATCH_PAGE_WRITE		9	/* writable now (never protnone) */
#define PAGEWATCH_PAGE_DIRTY		10
#define PAGEWATCH_PAGE_YOUNG		11
#define PAGEWATCH_PAGE_MAYBE_PINNED	12	/* folio_maybe_dma_pinned() */
#define PAGEWATCH_PAGE_PIN_EXACT	13	/* pincount is the kernel's count */
#define PAGEWATCH_PAGE_PROTNONE		14	/* NUMA-hinting PROT_NONE entry */
#define PAGEWATCH_PAGE_SAVEDWRITE	15	/* writable after the hint fault
						 * if it does not migrate (6.2+)
						 */
#define PAGEWATCH_PAGE_VMA_PROTNONE	16	/* mprotect(PROT_NONE) mapping */
#define PAGEWATCH_PAGE_ANON_EXCLUSIVE	17	/* PageAnonExclusive() */
#define PAGEWATCH_PAGE_SPECIAL		18	/* no struct page (pfnmap...) */
#define PAGEWATCH_PAGE_SKIPPED		19	/* the table kept changing */
#define PAGEWATCH_PAGE_PFN_VALID	20	/* kpage: an online page */
#define PAGEWATCH_PAGE_MARKER		21	/* PTE marker (uffd-wp, poison) */
#define PAGEWATCH_PAGE_UNSTABLE		22	/* counts, order, thp unknown */
#define PAGEWATCH_PAGE_HUGETLB		23	/* a hugetlb folio (order 9 or 18) */
#define PAGEWATCH_PAGE_PUD		24	/* mapped by a PUD (1 GiB) */
#define PAGEWATCH_PAGE_NR_FLAGS		25

/*
 * Names, in bit order: the one table the module's text view, the tool's
 * output and its --filter parsing all use. X(bit, name).
 */
#define PAGEWATCH_PAGE_FLAG_NAMES(X)					\
	X(PAGEWATCH_PAGE_PRESENT, "present")				\
	X(PAGEWATCH_PAGE_SWAP, "swap")					\
	X(PAGEWATCH_PAGE_MIGRATION, "migration")			\
	X(PAGEWATCH_PAGE_PMD, "pmd")					\
	X(PAGEWATCH_PAGE_THP, "thp")					\
	X(PAGEWATCH_PAGE_ANON, "anon")					\
	X(PAGEWATCH_PAGE_FILE, "file")					\
	X(PAGEWATCH_PAGE_KSM, "ksm")					\
	X(PAGEWATCH_PAGE_ZERO, "zero")					\
	X(PAGEWATCH_PAGE_WRITE, "write")				\
	X(PAGEWATCH_PAGE_DIRTY, "dirty")				\
	X(PAGEWATCH_PAGE_YOUNG, "young")				\
	X(PAGEWATCH_PAGE_MAYBE_PINNED, "maybe_pinned")			\
	X(PAGEWATCH_PAGE_PIN_EXACT, "pin_exact")			\
	X(PAGEWATCH_PAGE_PROTNONE, "protnone")				\
	X(PAGEWATCH_PAGE_SAVEDWRITE, "savedwrite")			\
	X(PAGEWATCH_PAGE_VMA_PROTNONE, "vma_protnone")			\
	X(PAGEWATCH_PAGE_ANON_EXCLUSIVE, "anon_exclusive")		\
	X(PAGEWATCH_PAGE_SPECIAL, "special")				\
	X(PAGEWATCH_PAGE_SKIPPED, "skipped")				\
	X(PAGEWATCH_PAGE_PFN_VALID, "pfn_valid")			\
	X(PAGEWATCH_PAGE_MARKER, "marker")				\
	X(PAGEWATCH_PAGE_UNSTABLE, "unstable")				\
	X(PAGEWATCH_PAGE_HUGETLB, "hugetlb")				\
	X(PAGEWATCH_PAGE_PUD, "pud")

/* Names of the "features" line of the version file */
#define PAGEWATCH_FEATURE_SAVEDWRITE_BIT	"savedwrite_bit"
#define PAGEWATCH_FEATURE_SAVEDWRITE_DERIVED	"savedwrite_derived"
#define PAGEWATCH_FEATURE_RCU_PTE_WALK		"rcu_pte_walk"
#define PAGEWATCH_FEATURE_KPAGE			"kpage"
#define PAGEWATCH_FEATURE_SEEK_DATA		"seek_data"
#define PAGEWATCH_FEATURE_JOURNAL		"journal"
/* hugetlb pages and PUD leaves are read, not skipped */
#define PAGEWATCH_FEATURE_HUGETLB		"hugetlb"
/* PAGEWATCH_IOC_COUNT on the pages file */
#define PAGEWATCH_FEATURE_COUNT			"count"

/*
 * The argument of PAGEWATCH_IOC_COUNT: the caller sets start and end
 * (addresses, page aligned, end exclusive); the kernel zeroes the rest and
 * counts the records of [start, end) exactly as a read of them would fill
 * them (the same walk, one PTE table at a time). In the CPU's byte order,
 * like any ioctl argument. Nodes at or past PAGEWATCH_COUNT_NODES are
 * added up in present_beyond.
 */
#define PAGEWATCH_COUNT_NODES		64

struct pagewatch_count {
	__u64 start;
	__u64 end;
	__u64 with_state;	/* records with PRESENT, SWAP or MIGRATION */
	__u64 present_beyond;	/* PRESENT with a node >= COUNT_NODES */
	__u64 flag[64];		/* records with flag bit B set */
	__u64 node_present[PAGEWATCH_COUNT_NODES];	/* PRESENT, by node */
	__u64 node_hugetlb[PAGEWATCH_COUNT_NODES];	/* of those, HUGETLB */
};

#define PAGEWATCH_IOC_MAGIC		0xB8
#define PAGEWATCH_IOC_COUNT	_IOWR(PAGEWATCH_IOC_MAGIC, 1, struct pagewatch_count)

/*
 * One record of the journal file: a change the kernel announced to the
 * target's MMU notifiers (invalidate_range_start), before it changes the
 * page tables of [start, end). time_ns is CLOCK_MONOTONIC; seq counts the
 * file's records from 1 (lost ones included, so a gap shows a loss too);
 * cause_pid and cause_comm are the thread group and command of the task
 * that made the change (the target itself for NUMA hint marking and hint
 * fault migration, kcompactd, khugepaged, kswapd, a move_pages() caller,
 * the OOM reaper...). An overflow record counts in lost the records
 * dropped after it; an exited record ends the journal.
 */
struct pagewatch_journal_record {
	__le64 time_ns;
	__le64 seq;
	__le64 start;
	__le64 end;
	__le64 lost;
	__le32 cause_pid;
	__le16 kind;		/* PAGEWATCH_JOURNAL_* */
	__le16 flags;		/* PAGEWATCH_JOURNAL_F_* */
	char cause_comm[16];	/* NUL-padded */
};

#define PAGEWATCH_JOURNAL_RECORD_SIZE	64
#define PAGEWATCH_JOURNAL_RING		16384	/* records, by default */
#define PAGEWATCH_JOURNAL_RING_MIN	16
#define PAGEWATCH_JOURNAL_RING_MAX	1048576

/*
 * Kinds: the kernel's enum mmu_notifier_event mapped to values that never
 * change (a kind a newer kernel adds reads as OTHER), then the journal's
 * own.
 */
#define PAGEWATCH_JOURNAL_UNMAP		0	/* munmap, MADV_DONTNEED, zap */
#define PAGEWATCH_JOURNAL_CLEAR		1	/* entries cleared: migration,
						 * reclaim, COW, collapse
						 */
#define PAGEWATCH_JOURNAL_PROTECTION_VMA 2	/* mprotect, NUMA hint marking */
#define PAGEWATCH_JOURNAL_PROTECTION_PAGE 3	/* write-protect of pages (KSM,
						 * fork's COW)
						 */
#define PAGEWATCH_JOURNAL_SOFT_DIRTY	4	/* clear_refs soft-dirty */
#define PAGEWATCH_JOURNAL_RELEASE	5	/* the address space goes */
#define PAGEWATCH_JOURNAL_MIGRATE	6	/* migrate_vma (device memory) */
#define PAGEWATCH_JOURNAL_EXCLUSIVE	7	/* device-exclusive entries */
#define PAGEWATCH_JOURNAL_OTHER		15	/* a kind this ABI predates */
#define PAGEWATCH_JOURNAL_OVERFLOW	16	/* lost records dropped here */
#define PAGEWATCH_JOURNAL_EXITED	17	/* the target's mm was torn down */

/* Bits of pagewatch_journal_record.flags */
#define PAGEWATCH_JOURNAL_F_BLOCKABLE	0x1	/* the notifier could sleep */

#define PAGEWATCH_JOURNAL_KIND_NAMES(X)					\
	X(PAGEWATCH_JOURNAL_UNMAP, "unmap")				\
	X(PAGEWATCH_JOURNAL_CLEAR, "clear")				\
	X(PAGEWATCH_JOURNAL_PROTECTION_VMA, "protection_vma")		\
	X(PAGEWATCH_JOURNAL_PROTECTION_PAGE, "protection_page")		\
	X(PAGEWATCH_JOURNAL_SOFT_DIRTY, "soft_dirty")			\
	X(PAGEWATCH_JOURNAL_RELEASE, "release")				\
	X(PAGEWATCH_JOURNAL_MIGRATE, "migrate")				\
	X(PAGEWATCH_JOURNAL_EXCLUSIVE, "exclusive")			\
	X(PAGEWATCH_JOURNAL_OTHER, "other")				\
	X(PAGEWATCH_JOURNAL_OVERFLOW, "overflow")			\
	X(PAGEWATCH_JOURNAL_EXITED, "exited")

#endif /* _PAGEWATCH_ABI_H */
