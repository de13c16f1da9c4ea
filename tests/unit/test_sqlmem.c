/* Tests common/src/sqlmem.c through SQLite's own allocation calls: sizes, reuse of freed blocks,
 * realloc keeping the content, blocks freed by a thread that then exits. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <pthread.h>
#include <sqlite3.h>
#include <string.h>

#include "ut/sqlmem.h"

#if defined(__SANITIZE_ADDRESS__)
#define SQLMEM_OFF 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SQLMEM_OFF 1
#endif
#endif

static int group_setup(void **state)
{
	(void)state;
	ut_sqlmem_install();
	return sqlite3_initialize() == SQLITE_OK ? 0 : -1;
}

static void fill(unsigned char *p, int n, int seed)
{
	for (int i = 0; i < n; i++)
		p[i] = (unsigned char)(seed + i * 7);
}

static int filled(const unsigned char *p, int n, int seed)
{
	for (int i = 0; i < n; i++)
		if (p[i] != (unsigned char)(seed + i * 7))
			return 0;
	return 1;
}

static void test_sizes_and_reuse(void **state)
{
	(void)state;
	void *p = sqlite3_malloc(100);
	assert_non_null(p);
#ifdef SQLMEM_OFF
	assert_true(sqlite3_msize(p) >= 100); /* SQLite's own malloc under the sanitizer */
	sqlite3_free(p);
	skip();
#else
	assert_int_equal(sqlite3_msize(p), 128);
	void *small = sqlite3_malloc(1);
	assert_int_equal(sqlite3_msize(small), 64);
	sqlite3_free(small);
	sqlite3_free(p);
	void *q = sqlite3_malloc(120); /* same size class: the block just freed */
	assert_ptr_equal(q, p);
	sqlite3_free(q);
	void *big = sqlite3_malloc(5000); /* above the classes: its own size, rounded to 8 */
	assert_int_equal(sqlite3_msize(big), 5000);
	void *big2 = sqlite3_malloc(5001);
	assert_int_equal(sqlite3_msize(big2), 5008);
	sqlite3_free(big);
	sqlite3_free(big2);
#endif
}

static void test_realloc_keeps_content(void **state)
{
	(void)state;
	unsigned char *p = sqlite3_malloc(40);
	assert_non_null(p);
	fill(p, 40, 1);
	unsigned char *same = sqlite3_realloc(p, 60); /* still fits its 64-byte block */
#ifndef SQLMEM_OFF
	assert_ptr_equal(same, p);
#endif
	p = same;
	assert_true(filled(p, 40, 1));
	fill(p, 60, 2);
	p = sqlite3_realloc(p, 1500); /* to a larger class */
	assert_non_null(p);
	assert_true(filled(p, 60, 2));
	fill(p, 1500, 3);
	p = sqlite3_realloc(p, 9000); /* out of the classes */
	assert_non_null(p);
	assert_true(filled(p, 1500, 3));
	fill(p, 9000, 4);
	p = sqlite3_realloc(p, 70000); /* large to large */
	assert_non_null(p);
	assert_true(filled(p, 9000, 4));
	p = sqlite3_realloc(p, 100); /* back into a class */
	assert_non_null(p);
	assert_true(filled(p, 100, 4));
	assert_true(sqlite3_msize(p) >= 100);
	sqlite3_free(p);
}

/* More blocks than a thread keeps, in every class, freed by a thread that
 * exits. */
static void *churn(void *arg)
{
	(void)arg;
	void *blocks[300];
	for (int round = 0; round < 3; round++) {
		for (int i = 0; i < 300; i++) {
			int n = 8 << (i % 9); /* 8 bytes to 2 KiB, and beyond */
			if (!(blocks[i] = sqlite3_malloc(n)))
				return "malloc failed";
			memset(blocks[i], i, (size_t)n);
		}
		for (int i = 0; i < 300; i++) {
			int n = 8 << (i % 9);
			unsigned char *b = blocks[i];
			if (b[0] != (unsigned char)i || b[n - 1] != (unsigned char)i)
				return "a block was handed out twice";
			sqlite3_free(b);
		}
	}
	return NULL;
}

static void test_threads(void **state)
{
	(void)state;
	pthread_t t[4];
	for (int i = 0; i < 4; i++)
		assert_int_equal(pthread_create(&t[i], NULL, churn, NULL), 0);
	const char *main_err = churn(NULL);
	for (int i = 0; i < 4; i++) {
		void *err;
		assert_int_equal(pthread_join(t[i], &err), 0);
		assert_null(err);
	}
	assert_null(main_err);
	/* and SQLite runs on it: a table of a thousand rows, sorted */
	sqlite3 *db;
	assert_int_equal(sqlite3_open(":memory:", &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db,
	                              "CREATE TABLE t(x TEXT); WITH RECURSIVE n(i) "
	                              "AS (SELECT 1 UNION ALL SELECT i + 1"
	                              " FROM n WHERE i < 1000) INSERT INTO t SELECT "
	                              "printf('%05d', 1001 - i) FROM n",
	                              NULL, NULL, NULL),
	                 SQLITE_OK);
	sqlite3_stmt *st;
	assert_int_equal(
	    sqlite3_prepare_v2(db, "SELECT group_concat(x, '') FROM (SELECT x FROM t ORDER BY x)", -1, &st, NULL),
	    SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	const char *all = (const char *)sqlite3_column_text(st, 0);
	assert_int_equal(strlen(all), 5000);
	assert_memory_equal(all, "00001", 5);
	assert_memory_equal(all + 4995, "01000", 5);
	sqlite3_finalize(st);
	sqlite3_close(db);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_sizes_and_reuse),
	    cmocka_unit_test(test_realloc_keeps_content),
	    cmocka_unit_test(test_threads),
	};
	return cmocka_run_group_tests(tests, group_setup, NULL);
}
