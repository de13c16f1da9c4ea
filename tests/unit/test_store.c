/* Tests common/src/store.c: WAL open, migrations, statement cache, savepoints, error mapping. */
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
#include "ut/err.h"
#include "ut/log.h"
#include "ut/store.h"

static char *tmp;
static int dbno;

static int group_setup(void **state)
{
	(void)state;
	ut_log_init("test_store", UT_LOG_ERR + 1); /* the failures provoked here log errors */
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

/* A new database path per test. */
static char *db_path(void)
{
	char *p = NULL;
	if (asprintf(&p, "%s/t%d.db", tmp, ++dbno) < 0)
		return NULL;
	return p;
}

static int64_t query_int(ut_store_t *s, const char *sql) { return tu_query_int(ut_store_db(s), sql); }

static char *query_text(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *st;
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	char *v = strdup((const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	return v;
}

static int table_exists(sqlite3 *db, const char *name)
{
	sqlite3_stmt *st;
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT count(*) FROM sqlite_master WHERE type='table' AND name=?", -1,
					    &st, NULL),
			 SQLITE_OK);
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	int n = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return n;
}

static const ut_migration_t m3[] = {
	{1, "CREATE TABLE course(id INTEGER PRIMARY KEY, code TEXT NOT NULL UNIQUE);"},
	/* run twice it would fail on the UNIQUE code: proves a migration runs only once */
	{2, "INSERT INTO course(id, code) VALUES(1, 'C-001');"},
	{3, "ALTER TABLE course ADD COLUMN title TEXT NOT NULL DEFAULT '';"
	    "UPDATE course SET title = '工会干部培训' WHERE id = 1;"},
};

static void test_open_wal(void **state)
{
	(void)state;
	char *path = db_path();
	ut_store_t *s = NULL;
	assert_int_equal(ut_store_open(&s, path, NULL, 0, "full", 1000), 0);
	assert_non_null(s);
	assert_string_equal(ut_store_path(s), path);
	assert_int_equal(access(path, F_OK), 0);
	char *mode = query_text(ut_store_db(s), "PRAGMA journal_mode");
	assert_string_equal(mode, "wal");
	free(mode);
	assert_int_equal(query_int(s, "PRAGMA synchronous"), 2); /* FULL */
	assert_int_equal(query_int(s, "PRAGMA foreign_keys"), 1);
	assert_int_equal(ut_store_schema_version(s), 0);
	assert_true(table_exists(ut_store_db(s), "ut_outbox"));
	assert_true(table_exists(ut_store_db(s), "ut_inbox"));
	assert_true(table_exists(ut_store_db(s), "ut_meta"));
	assert_int_equal(ut_store_in_tx(s), 0);
	ut_store_destroy(&s);
	assert_null(s);
	ut_store_destroy(&s); /* harmless on NULL */

	/* WAL is a property of the file: a plain connection sees it too */
	sqlite3 *db;
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	mode = query_text(db, "PRAGMA journal_mode");
	assert_string_equal(mode, "wal");
	free(mode);
	sqlite3_close(db);

	assert_int_equal(ut_store_open(&s, path, NULL, 0, "normal", 1000), 0);
	assert_int_equal(query_int(s, "PRAGMA synchronous"), 1); /* NORMAL */
	ut_store_destroy(&s);
	free(path);
}

/* A database whose outbox predates the events' actor gets the column, its rows kept. */
static void test_outbox_gets_actor(void **state)
{
	(void)state;
	char *path = db_path();
	sqlite3 *db;
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "CREATE TABLE ut_outbox(seq INTEGER PRIMARY KEY, type INTEGER NOT NULL,"
					  " ts_ms INTEGER NOT NULL, body BLOB NOT NULL);"
					  "INSERT INTO ut_outbox(type, ts_ms, body) VALUES(1000, 1, x'00');",
				  NULL, NULL, NULL),
			 SQLITE_OK);
	sqlite3_close(db);
	ut_store_t *s = NULL;
	assert_int_equal(ut_store_open(&s, path, NULL, 0, "full", 1000), 0);
	assert_int_equal(query_int(s, "SELECT count(*) FROM ut_outbox WHERE actor = ''"), 1);
	ut_store_destroy(&s);
	assert_int_equal(ut_store_open(&s, path, NULL, 0, "full", 1000), 0); /* and again: added once */
	assert_int_equal(query_int(s, "SELECT count(*) FROM pragma_table_info('ut_outbox') WHERE name = 'actor'"), 1);
	ut_store_destroy(&s);
	free(path);
}

static void test_migrations_in_order(void **state)
{
	(void)state;
	char *path = db_path();
	ut_store_t *s = NULL;
	assert_int_equal(ut_store_open(&s, path, m3, 3, "full", 1000), 0);
	assert_int_equal(ut_store_schema_version(s), 3);
	assert_int_equal(query_int(s, "PRAGMA user_version"), 3);
	char *title = query_text(ut_store_db(s), "SELECT title FROM course WHERE code = 'C-001'");
	assert_string_equal(title, "工会干部培训");
	free(title);
	ut_store_destroy(&s);
	free(path);
}

static void test_reopen_applies_only_new(void **state)
{
	(void)state;
	char *path = db_path();
	ut_store_t *s = NULL;
	assert_int_equal(ut_store_open(&s, path, m3, 2, "full", 1000), 0);
	assert_int_equal(ut_store_schema_version(s), 2);
	assert_int_equal(query_int(s, "SELECT count(*) FROM course"), 1);
	ut_store_destroy(&s);

	/* same list again: nothing to do (migration 2 would fail if re-run) */
	assert_int_equal(ut_store_open(&s, path, m3, 2, "full", 1000), 0);
	assert_int_equal(ut_store_schema_version(s), 2);
	ut_store_destroy(&s);

	assert_int_equal(ut_store_open(&s, path, m3, 3, "full", 1000), 0);
	assert_int_equal(ut_store_schema_version(s), 3);
	assert_int_equal(query_int(s, "SELECT count(*) FROM course"), 1);
	ut_store_destroy(&s);

	/* an older program does not touch a newer database */
	assert_int_equal(ut_store_open(&s, path, m3, 1, "full", 1000), UT_EINVAL);
	assert_null(s);
	free(path);
}

static void test_failing_migration_rolls_back(void **state)
{
	(void)state;
	char *path = db_path();
	const ut_migration_t bad[] = {
		{1, "CREATE TABLE a(x);"},
		{2, "CREATE TABLE b(y); INSERT INTO a VALUES(1); INSERT INTO no_such_table VALUES(1);"},
	};
	ut_store_t *s = NULL;
	int rc = ut_store_open(&s, path, bad, 2, "full", 1000);
	assert_true(rc < 0);
	assert_null(s);

	sqlite3 *db;
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	char *v = query_text(db, "PRAGMA user_version");
	assert_string_equal(v, "1"); /* migration 1 committed, 2 did not */
	free(v);
	assert_true(table_exists(db, "a"));
	assert_false(table_exists(db, "b"));
	v = query_text(db, "SELECT count(*) FROM a");
	assert_string_equal(v, "0");
	free(v);
	sqlite3_close(db);

	/* the fixed migration then applies */
	const ut_migration_t fixed[] = {
		{1, "CREATE TABLE a(x);"},
		{2, "CREATE TABLE b(y); INSERT INTO a VALUES(1);"},
	};
	assert_int_equal(ut_store_open(&s, path, fixed, 2, "full", 1000), 0);
	assert_int_equal(ut_store_schema_version(s), 2);
	assert_int_equal(query_int(s, "SELECT count(*) FROM a"), 1);
	ut_store_destroy(&s);

	/* a list whose numbers are out of order is refused before anything runs */
	const ut_migration_t misnumbered[] = {
		{1, "CREATE TABLE a(x);"},
		{2, "CREATE TABLE b(y); INSERT INTO a VALUES(1);"},
		{4, "CREATE TABLE c(z);"},
	};
	assert_true(ut_store_open(&s, path, misnumbered, 3, "full", 1000) < 0);
	assert_null(s);
	free(path);
}

static void test_statement_cache(void **state)
{
	(void)state;
	char *path = db_path();
	ut_store_t *s = NULL;
	assert_int_equal(ut_store_open(&s, path, NULL, 0, "full", 1000), 0);
	static const char sql[] = "SELECT ?1 + 1";
	sqlite3_stmt *a = ut_store_stmt(s, sql);
	assert_non_null(a);
	sqlite3_bind_int(a, 1, 41);
	assert_int_equal(sqlite3_step(a), SQLITE_ROW);
	assert_int_equal(sqlite3_column_int(a, 0), 42);
	/* left mid-result on purpose: the cache hands it back reset and unbound */
	sqlite3_stmt *b = ut_store_stmt(s, sql);
	assert_ptr_equal(a, b);
	assert_int_equal(sqlite3_step(b), SQLITE_ROW);
	assert_int_equal(sqlite3_column_type(b, 0), SQLITE_NULL); /* NULL + 1: the binding was cleared */
	sqlite3_reset(b);

	/* the same text at another address is another key */
	char copy[sizeof sql];
	memcpy(copy, sql, sizeof sql);
	sqlite3_stmt *c = ut_store_stmt(s, copy);
	assert_non_null(c);
	assert_ptr_not_equal(c, a);
	/* a statement that does not compile gives NULL */
	assert_null(ut_store_stmt(s, "SELEC nonsense"));
	assert_null(ut_store_stmt(s, "SELECT * FROM no_such_table"));
	ut_store_destroy(&s);
	free(path);
}

static int64_t count_rows(ut_store_t *s) { return query_int(s, "SELECT count(*) FROM t"); }

static void insert(ut_store_t *s, int v)
{
	sqlite3_stmt *st = ut_store_stmt(s, "INSERT INTO t(v) VALUES(?)");
	assert_non_null(st);
	sqlite3_bind_int(st, 1, v);
	assert_int_equal(ut_store_step_done(s, st, "insert"), 0);
}

static void test_transactions_and_savepoints(void **state)
{
	(void)state;
	char *path = db_path();
	const ut_migration_t m[] = {{1, "CREATE TABLE t(v INTEGER UNIQUE);"}};
	ut_store_t *s = NULL;
	assert_int_equal(ut_store_open(&s, path, m, 1, "full", 1000), 0);

	/* a group commit: request 1 kept, request 2 rolled back alone, request 3 kept */
	assert_int_equal(ut_store_begin(s), 0);
	assert_int_equal(ut_store_in_tx(s), 1);
	assert_int_equal(ut_store_savepoint(s), 0);
	insert(s, 1);
	ut_store_release(s);
	assert_int_equal(ut_store_savepoint(s), 0);
	insert(s, 2);
	insert(s, 22);
	assert_int_equal(count_rows(s), 3);
	ut_store_rollback_to(s);
	assert_int_equal(count_rows(s), 1);
	assert_int_equal(ut_store_in_tx(s), 1); /* the outer transaction goes on */
	assert_int_equal(ut_store_savepoint(s), 0);
	insert(s, 3);
	ut_store_release(s);
	assert_int_equal(ut_store_commit(s), 0);
	assert_int_equal(ut_store_in_tx(s), 0);
	assert_int_equal(query_int(s, "SELECT group_concat(v) = '1,3' FROM (SELECT v FROM t ORDER BY v)"), 1);

	/* a second BEGIN inside a transaction fails and the first goes on */
	assert_int_equal(ut_store_begin(s), 0);
	insert(s, 4);
	assert_true(ut_store_begin(s) < 0);
	assert_int_equal(ut_store_in_tx(s), 1);
	ut_store_rollback(s);
	assert_int_equal(ut_store_in_tx(s), 0);
	assert_int_equal(count_rows(s), 2);
	ut_store_rollback(s); /* no transaction: harmless */

	/* a failed write inside a savepoint: its savepoint goes, the rest commits */
	assert_int_equal(ut_store_begin(s), 0);
	assert_int_equal(ut_store_savepoint(s), 0);
	insert(s, 5);
	ut_store_release(s);
	assert_int_equal(ut_store_savepoint(s), 0);
	insert(s, 6);
	sqlite3_stmt *st = ut_store_stmt(s, "INSERT INTO t(v) VALUES(?)");
	sqlite3_bind_int(st, 1, 1);
	assert_int_equal(ut_store_step_done(s, st, "dup"), UT_ECONFLICT);
	ut_store_rollback_to(s);
	assert_int_equal(ut_store_commit(s), 0);
	assert_int_equal(query_int(s, "SELECT group_concat(v) = '1,3,5' FROM (SELECT v FROM t ORDER BY v)"), 1);
	ut_store_destroy(&s);
	free(path);
}

static void test_error_mapping(void **state)
{
	(void)state;
	char *path = db_path();
	const ut_migration_t m[] = {{1, "CREATE TABLE t(v INTEGER UNIQUE);"}};
	ut_store_t *s = NULL;
	assert_int_equal(ut_store_open(&s, path, m, 1, "full", 1000), 0);
	insert(s, 7);
	sqlite3_stmt *st = ut_store_stmt(s, "INSERT INTO t(v) VALUES(?)");
	sqlite3_bind_int(st, 1, 7);
	assert_int_equal(ut_store_step_done(s, st, "duplicate"), UT_ECONFLICT);
	assert_int_equal(ut_store_exec(s, "INSERT INTO t(v) VALUES(7)"), UT_ECONFLICT);
	assert_int_equal(ut_store_exec(s, "INSERT INTO nowhere VALUES(1)"), UT_EINTERNAL);
	assert_int_equal(ut_store_exec(s, "CREATE TABLE ok(x); DROP TABLE ok;"), 0);

	/* the mapping by code, extended codes included */
	assert_int_equal(ut_store_err(s, SQLITE_CONSTRAINT_UNIQUE, "x"), UT_ECONFLICT);
	assert_int_equal(ut_store_err(s, SQLITE_CONSTRAINT_FOREIGNKEY, "x"), UT_ECONFLICT);
	assert_int_equal(ut_store_err(s, SQLITE_FULL, "x"), UT_EUNAVAIL);
	assert_int_equal(ut_store_err(s, SQLITE_IOERR_WRITE, "x"), UT_EUNAVAIL);
	assert_int_equal(ut_store_err(s, SQLITE_READONLY, "x"), UT_EUNAVAIL);
	assert_int_equal(ut_store_err(s, SQLITE_BUSY, "x"), UT_EUNAVAIL);
	assert_int_equal(ut_store_err(NULL, SQLITE_CANTOPEN, "x"), UT_EUNAVAIL);
	assert_int_equal(ut_store_err(NULL, SQLITE_ERROR, "x"), UT_EINTERNAL);
	assert_int_equal(ut_store_err(NULL, SQLITE_MISMATCH, "x"), UT_EINTERNAL);

	/* ut_store_text */
	st = ut_store_stmt(s, "SELECT NULL, 'Văn'");
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_string_equal(ut_store_text(st, 0), "");
	assert_string_equal(ut_store_text(st, 1), "Văn");
	sqlite3_reset(st);
	ut_store_destroy(&s);
	free(path);
}

/* A database that cannot be written: writes give UT_EUNAVAIL (retry later), not INTERNAL. */
static void test_read_only(void **state)
{
	(void)state;
	char *path = db_path();
	const ut_migration_t m[] = {{1, "CREATE TABLE t(v INTEGER UNIQUE);"}};
	ut_store_t *s = NULL;
	assert_int_equal(ut_store_open(&s, path, m, 1, "full", 1000), 0);
	insert(s, 1);

	/* query_only refuses writes with SQLITE_READONLY, also for root */
	assert_int_equal(ut_store_exec(s, "PRAGMA query_only=1"), 0);
	sqlite3_stmt *st = ut_store_stmt(s, "INSERT INTO t(v) VALUES(?)");
	sqlite3_bind_int(st, 1, 2);
	assert_int_equal(ut_store_step_done(s, st, "insert"), UT_EUNAVAIL);
	assert_int_equal(ut_store_exec(s, "DELETE FROM t"), UT_EUNAVAIL);
	assert_int_equal(ut_store_exec(s, "PRAGMA query_only=0"), 0);
	insert(s, 3);
	assert_int_equal(count_rows(s), 2);

	/* a connection opened read-only */
	sqlite3 *ro;
	assert_int_equal(sqlite3_open_v2(path, &ro, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	int rc = sqlite3_exec(ro, "INSERT INTO t(v) VALUES(9)", NULL, NULL, NULL);
	assert_int_equal(rc & 0xff, SQLITE_READONLY);
	assert_int_equal(ut_store_err(NULL, rc, "insert"), UT_EUNAVAIL);
	sqlite3_close(ro);
	ut_store_destroy(&s);

	/* the file itself read-only: only meaningful when permissions bind us (not as root) */
	if (geteuid() != 0) {
		assert_int_equal(chmod(path, 0444), 0);
		rc = ut_store_open(&s, path, m, 1, "full", 1000);
		if (rc == 0) {
			assert_int_equal(ut_store_exec(s, "INSERT INTO t(v) VALUES(10)"), UT_EUNAVAIL);
			ut_store_destroy(&s);
		} else
			assert_int_equal(rc, UT_EUNAVAIL);
		chmod(path, 0644);
	}
	free(path);
}

/* Another connection holds the write lock past the busy timeout: UT_EUNAVAIL, bounded in time. */
static void test_busy(void **state)
{
	(void)state;
	char *path = db_path();
	ut_store_t *s = NULL;
	assert_int_equal(ut_store_open(&s, path, NULL, 0, "full", 50), 0);
	sqlite3 *other;
	assert_int_equal(sqlite3_open(path, &other), SQLITE_OK);
	assert_int_equal(sqlite3_exec(other, "BEGIN IMMEDIATE", NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(ut_store_begin(s), UT_EUNAVAIL);
	assert_int_equal(ut_store_in_tx(s), 0);
	assert_int_equal(sqlite3_exec(other, "COMMIT", NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(ut_store_begin(s), 0);
	assert_int_equal(ut_store_commit(s), 0);
	sqlite3_close(other);
	ut_store_destroy(&s);
	free(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_open_wal),
		cmocka_unit_test(test_outbox_gets_actor),
		cmocka_unit_test(test_migrations_in_order),
		cmocka_unit_test(test_reopen_applies_only_new),
		cmocka_unit_test(test_failing_migration_rolls_back),
		cmocka_unit_test(test_statement_cache),
		cmocka_unit_test(test_transactions_and_savepoints),
		cmocka_unit_test(test_error_mapping),
		cmocka_unit_test(test_read_only),
		cmocka_unit_test(test_busy),
	};
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
