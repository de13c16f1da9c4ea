/* Tests common/src/wal.c on real SQLite files: the VFS that gathers WAL writes, the checkpoint
 * thread. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "testutil.h"
#include "ut/clock.h"
#include "ut/err.h"
#include "ut/log.h"
#include "ut/wal.h"

static char *tmp;
static int dbno;

static int group_setup(void **state)
{
	(void)state;
	ut_log_init("test_wal", UT_LOG_ERR + 1);
	tmp = tu_tmpdir();
	return tmp ? 0 : -1;
}

static int group_teardown(void **state)
{
	(void)state;
	tu_rmrf(tmp);
	free(tmp);
	return 0;
}

static ut_store_t *open_store(const char *synchronous, char **path)
{
	ut_store_t *s = NULL;
	assert_true(asprintf(path, "%s/w%d.db", tmp, ++dbno) > 0);
	assert_int_equal(ut_store_open(&s, *path, NULL, 0, synchronous, 1000), 0);
	assert_int_equal(ut_store_exec(s, "CREATE TABLE t(x BLOB)"), 0);
	return s;
}

static int64_t query_int(ut_store_t *s, const char *sql) { return tu_query_int(ut_store_db(s), sql); }

static off_t file_size(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 ? st.st_size : -1;
}

static void insert_rows(ut_store_t *s, int rows)
{
	char sql[200];
	snprintf(sql, sizeof sql,
		 "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < %d)"
		 " INSERT INTO t SELECT randomblob(3900) FROM n",
		 rows);
	assert_int_equal(ut_store_exec(s, sql), 0);
}

/* SQLite's own checkpoints after a commit are off, and the pages still reach the database file:
 * the checkpoint thread copied them. */
static void test_checkpoint_thread(void **state)
{
	(void)state;
	char *path;
	ut_store_t *s = open_store("full", &path);
	assert_int_equal(query_int(s, "PRAGMA wal_autocheckpoint"), 1000); /* SQLite's, in this thread */
	ut_wal_t *w = ut_wal_start(s, "full");
	assert_non_null(w);
	assert_int_equal(query_int(s, "PRAGMA wal_autocheckpoint"), 0); /* replaced */
	off_t before = file_size(path);
	for (int c = 0; c < 12; c++) { /* 1,200 pages: past the 1,000 that wake the thread */
		assert_int_equal(ut_store_begin(s), 0);
		insert_rows(s, 100);
		assert_int_equal(ut_store_commit(s), 0);
	}
	/* the checkpoint thread's copy, waited for with a deadline a loaded machine still meets */
	for (int64_t end = ut_clock_mono_ms() + 30000; file_size(path) < before + 1000 * 4096 && ut_clock_mono_ms() < end;)
		usleep(10000);
	assert_true(file_size(path) >= before + 1000 * 4096);
	ut_wal_stop(&w);
	assert_null(w);
	assert_int_equal(query_int(s, "PRAGMA wal_autocheckpoint"), 1000); /* SQLite's again */
	assert_int_equal(query_int(s, "SELECT count(*) FROM t"), 1200);
	ut_store_destroy(&s);
	free(path);
}

/* A store with synchronous=full writes its WAL through the gathering VFS; each commit is whole in
 * the file for another connection (the default VFS, as the checkpoint thread and sqlite3 use)
 * right after COMMIT returns, whether it was small, spilled past the 124 KiB a write may carry,
 * or larger than what is gathered at once (4 MiB). With normal, the default VFS is used. */
static void test_gathered_writes(void **state)
{
	(void)state;
	assert_non_null(ut_wal_vfs());
	assert_string_equal(ut_wal_vfs(), "ut-wal");
	char *path;
	ut_store_t *s = open_store("full", &path);
	assert_string_equal(sqlite3_vfs_find(NULL)->zName, "unix"); /* not made the default */
	sqlite3 *other;
	assert_int_equal(sqlite3_open(path, &other), SQLITE_OK);
	const int rows[] = {1, 40, 1500, 3};
	int total = 0;
	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		assert_int_equal(ut_store_begin(s), 0);
		insert_rows(s, rows[i]);
		assert_int_equal(ut_store_commit(s), 0);
		total += rows[i];
		sqlite3_stmt *st;
		assert_int_equal(sqlite3_prepare_v2(other, "SELECT count(*), sum(length(x)) FROM t", -1, &st, NULL),
				 SQLITE_OK);
		assert_int_equal(sqlite3_step(st), SQLITE_ROW);
		assert_int_equal(sqlite3_column_int(st, 0), total);
		assert_int_equal(sqlite3_column_int64(st, 1), (int64_t)total * 3900);
		sqlite3_finalize(st);
	}
	sqlite3_stmt *st; /* the WAL's frames check out for the other connection too */
	assert_int_equal(sqlite3_prepare_v2(other, "PRAGMA integrity_check", -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_string_equal((const char *)sqlite3_column_text(st, 0), "ok");
	sqlite3_finalize(st);
	sqlite3_close(other);
	ut_store_destroy(&s);
	free(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_gathered_writes),
		cmocka_unit_test(test_checkpoint_thread),
	};
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
