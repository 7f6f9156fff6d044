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
}

int main(void)
{
	return unit_run("track", add);
}
