/* Tests common/src/arena.c: zeroed aligned allocations across chunks, large blocks, strings, free. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdalign.h>
#include <string.h>

#include "ut/arena.h"

static int all_zero(const unsigned char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i])
			return 0;
	return 1;
}

/* Thousands of blocks over many 16 KiB chunks: each zeroed, aligned, and none overlapping
 * (every block keeps the pattern written into it until the end). */
static void test_many_allocations(void **state)
{
	(void)state;
	ut_arena_t a = {0};
	enum { N = 5000 };
	static unsigned char *blk[N];
	static size_t len[N];
	size_t total = 0;
	for (int i = 0; i < N; i++) {
		len[i] = 1 + (size_t)(i * 37) % 300;
		blk[i] = ut_arena_alloc(&a, len[i]);
		assert_non_null(blk[i]);
		assert_int_equal((uintptr_t)blk[i] % 8, 0); /* int64, double, pointers */
		assert_true(all_zero(blk[i], len[i]));
		memset(blk[i], i & 0xff, len[i]);
		total += len[i];
	}
	assert_true(total > 10 * 16384); /* really spans many chunks */
	for (int i = 0; i < N; i++)
		for (size_t k = 0; k < len[i]; k++)
			if (blk[i][k] != (unsigned char)(i & 0xff))
				fail_msg("block %d byte %zu overwritten", i, k);
	assert_int_equal(a.failed, 0);
	ut_arena_free(&a);
	assert_null(a.head);
}

static void test_large_allocation(void **state)
{
	(void)state;
	ut_arena_t a = {0};
	unsigned char *small = ut_arena_alloc(&a, 10);
	memset(small, 0xAB, 10);
	size_t sizes[] = {16384, 16385, 100000, 1 << 20};
	for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
		unsigned char *p = ut_arena_alloc(&a, sizes[i]);
		assert_non_null(p);
		assert_true(all_zero(p, sizes[i]));
		memset(p, 0x5A, sizes[i]); /* the sanitizer build checks the whole block is ours */
	}
	/* small allocations go on working after a large one */
	unsigned char *after = ut_arena_alloc(&a, 24);
	assert_non_null(after);
	assert_true(all_zero(after, 24));
	for (int i = 0; i < 10; i++)
		assert_int_equal(small[i], 0xAB);
	assert_int_equal(a.failed, 0);
	ut_arena_free(&a);
}

/* A size that cannot be allocated fails cleanly and marks the arena, never wraps around. */
static void test_impossible_size(void **state)
{
	(void)state;
	ut_arena_t a = {0};
	assert_non_null(ut_arena_alloc(&a, 8));
	assert_null(ut_arena_alloc(&a, SIZE_MAX));
	assert_int_equal(a.failed, 1);
	a.failed = 0;
	assert_null(ut_arena_alloc(&a, SIZE_MAX - 8));
	assert_int_equal(a.failed, 1);
	a.failed = 0;
	assert_null(ut_arena_ptrs(&a, SIZE_MAX / 4));
	assert_int_equal(a.failed, 1);
	ut_arena_free(&a);
	assert_int_equal(a.failed, 0); /* free resets the flag for the next reply */
}

static void test_strdup(void **state)
{
	(void)state;
	ut_arena_t a = {0};
	const char *src = "工会干部培训 Nguyễn Văn Ánh";
	char *d = ut_arena_strdup(&a, src);
	assert_non_null(d);
	assert_ptr_not_equal(d, src);
	assert_string_equal(d, src);
	char *e = ut_arena_strdup(&a, "");
	assert_string_equal(e, "");
	char *n = ut_arena_strdup(&a, NULL);
	assert_non_null(n);
	assert_string_equal(n, "");
	/* strings do not overlap */
	char *f = ut_arena_strdup(&a, "second");
	assert_string_equal(d, src);
	assert_string_equal(f, "second");
	ut_arena_free(&a);
}

static void test_ptrs_zeroed(void **state)
{
	(void)state;
	ut_arena_t a = {0};
	void **p = ut_arena_ptrs(&a, 100);
	assert_non_null(p);
	for (int i = 0; i < 100; i++)
		assert_null(p[i]);
	void **z = ut_arena_ptrs(&a, 0);
	assert_non_null(z);
	assert_null(z[0]);
	int *ints = ut_arena_alloc(&a, 64 * sizeof(int));
	for (int i = 0; i < 64; i++)
		assert_int_equal(ints[i], 0);
	ut_arena_free(&a);
}

static void test_free_and_reuse(void **state)
{
	(void)state;
	ut_arena_t a = {0};
	ut_arena_free(&a); /* empty arena */
	for (int round = 0; round < 3; round++) {
		for (int i = 0; i < 200; i++) {
			unsigned char *p = ut_arena_alloc(&a, 500);
			assert_non_null(p);
			assert_true(all_zero(p, 500));
			memset(p, 0xFF, 500);
		}
		assert_non_null(a.head);
		ut_arena_free(&a);
		assert_null(a.head);
		assert_int_equal(a.failed, 0);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_many_allocations), cmocka_unit_test(test_large_allocation),
		cmocka_unit_test(test_impossible_size),  cmocka_unit_test(test_strdup),
		cmocka_unit_test(test_ptrs_zeroed),      cmocka_unit_test(test_free_and_reuse),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
