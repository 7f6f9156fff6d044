// SPDX-License-Identifier: GPL-2.0
/* Change tracking: migrated and diverged pages between two snapshots. */
#include "config.h"

#include <errno.h>
#include <stdio.h>

#include "model.h"
#include "model/track.h"
#include "unit.h"

/* The fake module: PFN 0x100 is still pinned, every other PFN is not. */
static int fake_pinned(void *ctx, const uint64_t *pfns, bool *pinned, size_t nr)
{
	for (size_t i = 0; i < nr; i++)
		pinned[i] = pfns[i] == 0x100;
	return 0;
}

static const struct track_pin_query fake = { fake_pinned, NULL };

static int failing_query(void *ctx, const uint64_t *pfns, bool *pinned, size_t nr)
{
	return -EIO;
}

START_TEST(test_unchanged_page_is_neither_migrated_nor_diverged)
{
	struct snapshot old, new;

	model_init(&old, "[heap]");
	model_init(&new, "[heap]");
	model_add(&old, 0x2000, 0x100, 0, MODEL_PRESENT);
	model_add(&new, 0x2000, 0x100, 0, MODEL_PRESENT);
	ck_assert_int_eq(track_compare(&old, &new, &fake), 0);
	ck_assert(snapshot_page_test(&new.pages[0], SNAPSHOT_KNOWN_MIGRATED));
	ck_assert(!snapshot_page_test(&new.pages[0], SNAPSHOT_PAGE_MIGRATED));
	ck_assert(snapshot_page_test(&new.pages[0], SNAPSHOT_KNOWN_DIVERGED));
	ck_assert(!snapshot_page_test(&new.pages[0], SNAPSHOT_PAGE_DIVERGED));
	ck_assert_uint_eq(new.nr_changes, 0);
	snapshot_free(&old);
	snapshot_free(&new);
}
END_TEST

START_TEST(test_page_on_another_node_is_migrated_with_old_node_and_pfn)
{
	struct snapshot old, new;
	const struct snapshot_change *change;

	model_init(&old, "[heap]");
	model_init(&new, "[heap]");
	model_add(&old, 0x2000, 0x200, 0, MODEL_PRESENT);
	model_add(&new, 0x2000, 0x9200, 1, MODEL_PRESENT);
	ck_assert_int_eq(track_compare(&old, &new, &fake), 0);
	ck_assert(snapshot_page_test(&new.pages[0], SNAPSHOT_PAGE_MIGRATED));
	ck_assert(snapshot_page_test(&new.pages[0], SNAPSHOT_PAGE_REPLACED));
	change = track_find(&new, 0);
	ck_assert_ptr_nonnull(change);
	ck_assert_uint_eq(change->old_pfn, 0x200);
	ck_assert_uint_eq(change->old_node, 0);
	snapshot_free(&old);
	snapshot_free(&new);
}
END_TEST

START_TEST(test_pfn_change_while_old_pfn_pinned_is_diverged)
{
	struct snapshot old, new;

	model_init(&old, "[heap]");
	model_init(&new, "[heap]");
	model_add(&old, 0x2000, 0x100, 0, MODEL_PRESENT);
	model_add(&new, 0x2000, 0x101, 0, MODEL_PRESENT);
	ck_assert_int_eq(track_compare(&old, &new, &fake), 0);
	ck_assert(snapshot_page_test(&new.pages[0], SNAPSHOT_PAGE_REPLACED));
	ck_assert(!snapshot_page_test(&new.pages[0], SNAPSHOT_PAGE_MIGRATED));
	ck_assert(snapshot_page_test(&new.pages[0], SNAPSHOT_PAGE_DIVERGED));
	snapshot_free(&old);
	snapshot_free(&new);
}
END_TEST

START_TEST(test_pfn_change_on_the_same_node_is_replaced_not_migrated_nor_diverged)
{
	struct snapshot old, new;

	model_init(&old, "[heap]");
	model_init(&new, "[heap]");
	model_add(&old, 0x2000, 0x300, 0, MODEL_PRESENT);
	model_add(&new, 0x2000, 0x301, 0, MODEL_PRESENT);
	ck_assert_int_eq(track_compare(&old, &new, &fake), 0);
	ck_assert(snapshot_page_test(&new.pages[0], SNAPSHOT_PAGE_REPLACED));
	ck_assert(!snapshot_page_test(&new.pages[0], SNAPSHOT_PAGE_MIGRATED));
	ck_assert(snapshot_page_test(&new.pages[0], SNAPSHOT_KNOWN_DIVERGED));
	ck_assert(!snapshot_page_test(&new.pages[0], SNAPSHOT_PAGE_DIVERGED));
	snapshot_free(&old);
	snapshot_free(&new);
}
END_TEST

/* The fake module, counting the PFNs it was asked about */
static size_t asked;

static int counting_pinned(void *ctx, const uint64_t *pfns, bool *pinned,
			   size_t nr)
{
	asked += nr;
	return fake_pinned(ctx, pfns, pinned, nr);
}

/*
 * A page seen unpinned that went to another node is not asked about: the
 * kernel migrates no pinned folio. One seen pinned, or replaced on its
 * node, or whose counts were unknown, is.
 */
START_TEST(test_only_old_pfns_a_pin_could_hold_are_asked_about)
{
	const struct track_pin_query counting = { counting_pinned, NULL };
	const uint64_t kmod = MODEL_PRESENT | SNAPSHOT_BIT(SNAPSHOT_KNOWN_KMOD);
	const uint64_t pinned = kmod | SNAPSHOT_BIT(PAGEWATCH_PAGE_MAYBE_PINNED);
	struct snapshot old, new;

	model_init(&old, "[heap]");
	model_init(&new, "[heap]");
	/* moved, seen unpinned: not asked, known not diverged */
	model_add(&old, 0x2000, 0x200, 0, kmod);
	model_add(&new, 0x2000, 0x9200, 1, kmod);
	/* moved, seen pinned, still pinned (0x100): asked, diverged */
	model_add(&old, 0x3000, 0x100, 0, pinned);
	model_add(&new, 0x3000, 0x9300, 1, kmod);
	/* replaced on its node, seen unpinned: asked */
	model_add(&old, 0x4000, 0x400, 0, kmod);
	model_add(&new, 0x4000, 0x401, 0, kmod);
	/* moved, counts never read (no module then): asked */
	model_add(&old, 0x5000, 0x500, 0, MODEL_PRESENT);
	model_add(&new, 0x5000, 0x9500, 1, kmod);
	asked = 0;
	ck_assert_int_eq(track_compare(&old, &new, &counting), 0);
	ck_assert_uint_eq(asked, 3);
	for (size_t i = 0; i < 4; i++)
		ck_assert(snapshot_page_test(&new.pages[i], SNAPSHOT_KNOWN_DIVERGED));
	ck_assert(!snapshot_page_test(&new.pages[0], SNAPSHOT_PAGE_DIVERGED));
	ck_assert(snapshot_page_test(&new.pages[1], SNAPSHOT_PAGE_DIVERGED));
	ck_assert(!snapshot_page_test(&new.pages[2], SNAPSHOT_PAGE_DIVERGED));
	ck_assert(!snapshot_page_test(&new.pages[3], SNAPSHOT_PAGE_DIVERGED));
	snapshot_free(&old);
	snapshot_free(&new);
}
END_TEST

START_TEST(test_pfn_change_without_module_leaves_divergence_unknown)
{
	struct snapshot old, new;

	model_init(&old, "[heap]");
	model_init(&new, "[heap]");
	model_add(&old, 0x2000, 0x100, 0, MODEL_PRESENT);
	model_add(&new, 0x2000, 0x101, 0, MODEL_PRESENT);
	ck_assert_int_eq(track_compare(&old, &new, NULL), 0);
	ck_assert(snapshot_page_test(&new.pages[0], SNAPSHOT_PAGE_REPLACED));
	ck_assert(!snapshot_page_test(&new.pages[0], SNAPSHOT_PAGE_MIGRATED));
	ck_assert(!snapshot_page_test(&new.pages[0], SNAPSHOT_KNOWN_DIVERGED));
	snapshot_free(&old);
	snapshot_free(&new);
}
END_TEST

START_TEST(test_failed_pin_query_leaves_divergence_unknown)
{
	struct track_pin_query failing = { failing_query, NULL };
	struct snapshot old, new;

	model_init(&old, "[heap]");
	model_init(&new, "[heap]");
	model_add(&old, 0x2000, 0x100, 0, MODEL_PRESENT);
	model_add(&new, 0x2000, 0x101, 0, MODEL_PRESENT);
	ck_assert_int_eq(track_compare(&old, &new, &failing), 0);
	ck_assert(!snapshot_page_test(&new.pages[0], SNAPSHOT_KNOWN_DIVERGED));
	snapshot_free(&old);
	snapshot_free(&new);
}
END_TEST

START_TEST(test_page_missing_from_either_snapshot_is_not_tracked)
{
	struct snapshot old, new;

	model_init(&old, "[heap]");
	model_init(&new, "[heap]");
	model_add(&old, 0x2000, 0x100, 0, MODEL_PRESENT);
	model_add(&new, 0x3000, 0x101, 0, MODEL_PRESENT);
	ck_assert_int_eq(track_compare(&old, &new, &fake), 0);
	ck_assert(!snapshot_page_test(&new.pages[0], SNAPSHOT_KNOWN_MIGRATED));
	ck_assert_uint_eq(new.nr_changes, 0);
	snapshot_free(&old);
	snapshot_free(&new);
}
END_TEST

START_TEST(test_pages_without_known_pfn_are_not_tracked)
{
	struct snapshot old, new;
	uint64_t no_pfn = SNAPSHOT_BIT(PAGEWATCH_PAGE_PRESENT);

	model_init(&old, "[heap]");
	model_init(&new, "[heap]");
	model_add(&old, 0x2000, 0, 0, no_pfn);
	model_add(&new, 0x2000, 0, 0, no_pfn);
	ck_assert_int_eq(track_compare(&old, &new, &fake), 0);
	ck_assert(!snapshot_page_test(&new.pages[0], SNAPSHOT_KNOWN_MIGRATED));
	snapshot_free(&old);
	snapshot_free(&new);
}
END_TEST

START_TEST(test_changes_are_found_among_many_pages)
{
	struct snapshot old, new;

	model_init(&old, "[heap]");
	model_init(&new, "[heap]");
	for (uint64_t i = 0; i < 100; i++) {
		model_add(&old, 0x1000 + i * 0x1000, 0x1000 + i, 0, MODEL_PRESENT);
		model_add(&new, 0x1000 + i * 0x1000, 0x1000 + i + (i % 10 == 3),
			  0, MODEL_PRESENT);
	}
	ck_assert_int_eq(track_compare(&old, &new, &fake), 0);
	ck_assert_uint_eq(new.nr_changes, 10);
	ck_assert_ptr_nonnull(track_find(&new, 53));
	ck_assert_ptr_null(track_find(&new, 54));
	ck_assert_uint_eq(track_find(&new, 93)->old_pfn, 0x1000 + 93);
	snapshot_free(&old);
	snapshot_free(&new);
}
END_TEST

/*
 * A mixed pair of snapshots: pages that stay, move, are replaced, go and
 * come, on both nodes, some seen pinned, some without the module's counts
 * or a PFN, a swapped page, all over 20,000 pages with holes
 */
static void mixed_pair(struct snapshot *old, struct snapshot *new)
{
	const uint64_t kmod = MODEL_PRESENT | SNAPSHOT_BIT(SNAPSHOT_KNOWN_KMOD);
	const uint64_t pinned = kmod | SNAPSHOT_BIT(PAGEWATCH_PAGE_MAYBE_PINNED);
	const uint64_t no_pfn = SNAPSHOT_BIT(PAGEWATCH_PAGE_PRESENT) |
				SNAPSHOT_BIT(SNAPSHOT_KNOWN_NODE);
	const uint64_t swapped = SNAPSHOT_BIT(PAGEWATCH_PAGE_SWAP);

	model_init(old, "[heap]");
	model_init(new, "[heap]");
	old->mappings[0].end = new->mappings[0].end = 0x40000000;
	for (uint64_t i = 0; i < 20000; i++) {
		uint64_t va = 0x100000 + i * 0x1000 + (i / 1000) * 0x400000;
		uint64_t kind = (i * 2654435761u) % 11;
		uint64_t flags = kind == 1 ? pinned : kind == 2 ? MODEL_PRESENT :
				 kind == 3 ? no_pfn : kind == 4 ? swapped : kmod;

		if (kind != 5)
			model_add(old, va, 0x1000 + i, i % 2, flags);
		if (kind == 6)
			continue;
		/* moved, replaced on its node, or the same page */
		model_add(new, va, i % 3 ? 0x1000 + i : 0x80000 + i,
			  i % 7 == 0 ? !(i % 2) : i % 2, i % 5 ? kmod : flags);
	}
}

static void assert_same_tracking(const struct snapshot *a,
				 const struct snapshot *b)
{
	ck_assert_uint_eq(a->nr_pages, b->nr_pages);
	for (size_t i = 0; i < a->nr_pages; i++)
		ck_assert_uint_eq(a->pages[i].flags, b->pages[i].flags);
	ck_assert_uint_eq(a->nr_changes, b->nr_changes);
	for (size_t i = 0; i < a->nr_changes; i++) {
		ck_assert_uint_eq(a->changes[i].page, b->changes[i].page);
		ck_assert_uint_eq(a->changes[i].old_pfn, b->changes[i].old_pfn);
		ck_assert_uint_eq(a->changes[i].old_node, b->changes[i].old_node);
		ck_assert_uint_eq(a->changes[i].via_node, b->changes[i].via_node);
	}
}

/*
 * Repeated snapshots compare with a base of 16 bytes a page: it finds
 * what the snapshot itself finds, page for page and change for change,
 * asking about the same old PFNs
 */
START_TEST(test_a_base_of_16_bytes_a_page_tracks_as_the_snapshot_does)
{
	const struct track_pin_query counting = { counting_pinned, NULL };
	struct snapshot old, by_snap, by_base, unused;
	struct track_base base;
	size_t asked_by_snap;

	ck_assert_uint_eq(sizeof(struct track_page), 16);
	mixed_pair(&old, &by_snap);
	mixed_pair(&unused, &by_base);
	snapshot_free(&unused);
	asked = 0;
	ck_assert_int_eq(track_compare(&old, &by_snap, &counting), 0);
	asked_by_snap = asked;
	ck_assert_uint_gt(by_snap.nr_changes, 1000);
	ck_assert_int_eq(track_base_make(&base, &old), 0);
	asked = 0;
	ck_assert_int_eq(track_compare_base(&base, &by_base, &counting, NULL), 0);
	ck_assert_uint_eq(asked, asked_by_snap);
	assert_same_tracking(&by_snap, &by_base);
	track_base_free(&base);
	snapshot_free(&old);
	snapshot_free(&by_snap);
	snapshot_free(&by_base);
}
END_TEST

/*
 * The next base is made in the comparison's walk: it holds what a base
 * made of the new snapshot holds (present pages, and those whose node is
 * known; not a swapped page), and its next comparison tracks alike
 */
START_TEST(test_the_next_base_made_while_comparing_is_the_new_snapshots)
{
	struct snapshot old, new, third, third_again, unused;
	struct track_base base, next, made;
	size_t kept = 0;

	mixed_pair(&old, &new);
	ck_assert_int_eq(track_base_make(&base, &old), 0);
	ck_assert_int_eq(track_compare_base(&base, &new, &fake, &next), 0);
	ck_assert_int_eq(track_base_make(&made, &new), 0);
	for (size_t i = 0; i < new.nr_pages; i++)
		kept += snapshot_page_test(&new.pages[i], PAGEWATCH_PAGE_PRESENT) ||
			snapshot_page_known(&new.pages[i], SNAPSHOT_KNOWN_NODE);
	ck_assert_uint_eq(next.nr_pages, kept);
	ck_assert_uint_eq(made.nr_pages, kept);
	ck_assert_mem_eq(next.pages, made.pages, kept * sizeof(*made.pages));
	/* the third snapshot is the first pair's old one, come back */
	mixed_pair(&third, &unused);
	snapshot_free(&unused);
	mixed_pair(&third_again, &unused);
	snapshot_free(&unused);
	ck_assert_int_eq(track_compare_base(&next, &third, &fake, NULL), 0);
	ck_assert_int_eq(track_compare(&new, &third_again, &fake), 0);
	assert_same_tracking(&third, &third_again);
	track_base_free(&base);
	track_base_free(&next);
	track_base_free(&made);
	snapshot_free(&old);
	snapshot_free(&new);
	snapshot_free(&third);
	snapshot_free(&third_again);
}
END_TEST

/*
 * Journal events seen through a base name the mapping and count the pins
 * that the snapshot it was made of names and counts
 */
START_TEST(test_events_seen_through_a_base_are_those_seen_through_the_snapshot)
{
	struct kmod_journal_record rec = {
		.kind = PAGEWATCH_JOURNAL_CLEAR,
		.start = 0x100000,
		.end = 0x100000 + 3000 * 0x1000,
	};
	struct event_view by_snap, by_base;
	struct page_event a, b;
	struct snapshot old, new;
	struct track_base base;

	mixed_pair(&old, &new);
	old.sources |= 1U << SNAPSHOT_SRC_KMOD;
	ck_assert_int_eq(track_base_make(&base, &old), 0);
	event_view_of_snapshot(&by_snap, &old);
	event_from_record(&a, &rec, 0, &by_snap);
	/* the base takes the mappings over: their names stay where they were */
	track_base_take_mappings(&base, &old);
	ck_assert_ptr_null(old.mappings);
	track_base_view(&base, &by_base);
	event_from_record(&b, &rec, 0, &by_base);
	ck_assert_str_eq(b.vma, "[heap]");
	ck_assert_ptr_eq(a.vma, b.vma);
	ck_assert(b.pinned_known);
	ck_assert_uint_gt(b.pinned_pages, 100);
	ck_assert_uint_eq(a.pinned_pages, b.pinned_pages);
	track_base_free(&base);
	snapshot_free(&old);
	snapshot_free(&new);
}
END_TEST

static void add(TCase *tc)
{
	tcase_add_test(tc, test_unchanged_page_is_neither_migrated_nor_diverged);
	tcase_add_test(tc, test_page_on_another_node_is_migrated_with_old_node_and_pfn);
	tcase_add_test(tc, test_pfn_change_while_old_pfn_pinned_is_diverged);
	tcase_add_test(tc, test_only_old_pfns_a_pin_could_hold_are_asked_about);
	tcase_add_test(tc, test_pfn_change_on_the_same_node_is_replaced_not_migrated_nor_diverged);
	tcase_add_test(tc, test_pfn_change_without_module_leaves_divergence_unknown);
	tcase_add_test(tc, test_failed_pin_query_leaves_divergence_unknown);
	tcase_add_test(tc, test_page_missing_from_either_snapshot_is_not_tracked);
	tcase_add_test(tc, test_pages_without_known_pfn_are_not_tracked);
	tcase_add_test(tc, test_changes_are_found_among_many_pages);
	tcase_add_test(tc, test_a_base_of_16_bytes_a_page_tracks_as_the_snapshot_does);
	tcase_add_test(tc, test_the_next_base_made_while_comparing_is_the_new_snapshots);
	tcase_add_test(tc, test_events_seen_through_a_base_are_those_seen_through_the_snapshot);
}

int main(void)
{
	return unit_run("track", add);
}
