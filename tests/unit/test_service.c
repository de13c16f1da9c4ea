/* Tests common/src/service.c's request batches on a real SQLite file: a batch is one transaction,
 * a refusal takes back only its own request's writes, and a handler that runs without a savepoint
 * (UT_WRITES_AFTER_CHECKS) but fails after writing makes the batch run again request by request;
 * a backup in a batch copies the database as the batch committed it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "envelope.pb-c.h"
#include "testutil.h"
#include "ut/err.h"
#include "ut/log.h"
#include "ut/rpc.h"
#include "ut/service.h"

enum { PUT_CHECKED = 1001, PUT_PLAIN = 1002 };

static int calls; /* handler runs, to see a batch run twice */

/* Body "v": store v. "?v": refuse before writing. "v!": store v, then refuse. */
static int put(ut_service_t *svc, const Ut__Envelope *req, ut_reply_t *rep)
{
	char v[64];
	snprintf(v, sizeof v, "%.*s", (int)req->body.len, (const char *)req->body.data);
	calls++;
	if (v[0] == '?')
		return ut_reply_err(rep, UT_EINVAL, "refused before writing");
	sqlite3_stmt *st = ut_store_stmt(ut_service_store(svc), "INSERT INTO t(v) VALUES(?)");
	if (!st)
		return UT_EINTERNAL;
	sqlite3_bind_text(st, 1, v, -1, SQLITE_TRANSIENT);
	int rc = ut_store_step_done(ut_service_store(svc), st, "put");
	if (!rc && v[strlen(v) - 1] == '!')
		rc = ut_reply_err(rep, UT_ECONFLICT, "refused after writing");
	return rc;
}

static const ut_migration_t migrations[] = {{1, "CREATE TABLE t(v TEXT PRIMARY KEY);"}};
static const ut_handler_t handlers[] = {
	{PUT_CHECKED, put, UT_WRITES_AFTER_CHECKS},
	{PUT_PLAIN, put, UT_WRITES},
};
static const ut_service_def_t def = {
	.name = "ut-testd",
	.summary = "test",
	.migrations = migrations,
	.nmigrations = 1,
	.handlers = handlers,
	.nhandlers = 2,
};

static char *tmp;
static ut_service_t *svc;

static int setup(void **state)
{
	(void)state;
	ut_log_init("test_service", UT_LOG_ERR + 1);
	ut_config_t cfg;
	ut_config_defaults(&cfg);
	if (!(tmp = tu_tmpdir()))
		return -1;
	free(cfg.run_dir);
	cfg.run_dir = strdup(tmp);
	free(cfg.redis_socket);
	cfg.redis_socket = strdup("no-redis.sock"); /* no events here: nothing to publish */
	free(cfg.log_level);
	cfg.log_level = strdup("warn");
	return ut_service_open(&svc, &def, &cfg);
}

static int teardown(void **state)
{
	(void)state;
	ut_service_close(&svc);
	tu_rmrf(tmp);
	free(tmp);
	return 0;
}

/* Run one batch of (type, body) requests; replies' statuses go to status[]. */
static void batch(int n, const int *types, const char *const *bodies, int *status)
{
	void *frames[8];
	size_t lens[8];
	ut_reply_t reps[8] = {0};
	for (int i = 0; i < n; i++) {
		Ut__Envelope e = UT__ENVELOPE__INIT;
		e.id = "t";
		e.type = types[i];
		e.body.data = (uint8_t *)bodies[i];
		e.body.len = strlen(bodies[i]);
		lens[i] = ut__envelope__get_packed_size(&e);
		assert_non_null(frames[i] = malloc(lens[i]));
		ut__envelope__pack(&e, frames[i]);
	}
	ut_service_handle_batch(svc, n, (const void *const *)frames, lens, reps);
	for (int i = 0; i < n; i++) {
		status[i] = reps[i].status;
		ut_reply_clear(&reps[i]);
		free(frames[i]);
	}
}

static int64_t count(const char *v)
{
	sqlite3_stmt *st = ut_store_stmt(ut_service_store(svc), "SELECT count(*) FROM t WHERE v = ?");
	sqlite3_bind_text(st, 1, v, -1, SQLITE_TRANSIENT);
	return ut_store_scalar(ut_service_store(svc), st, -1);
}

static void test_refusals_take_back_only_their_own_writes(void **state)
{
	(void)state;
	int types[] = {PUT_PLAIN, PUT_PLAIN, PUT_CHECKED, PUT_CHECKED}, st[4];
	const char *bodies[] = {"a1", "b1!", "?c1", "d1"};
	calls = 0;
	batch(4, types, bodies, st);
	assert_int_equal(st[0], UT__STATUS__STATUS_OK);
	assert_int_equal(st[1], UT__STATUS__STATUS_CONFLICT);
	assert_int_equal(st[2], UT__STATUS__STATUS_INVALID);
	assert_int_equal(st[3], UT__STATUS__STATUS_OK);
	assert_int_equal(calls, 4); /* every refusal came before a write the frame had to undo */
	assert_int_equal(count("a1"), 1);
	assert_int_equal(count("b1!"), 0);
	assert_int_equal(count("d1"), 1);
}

static void test_checked_handler_failing_after_writing_reruns_the_batch(void **state)
{
	(void)state;
	int types[] = {PUT_CHECKED, PUT_CHECKED, PUT_PLAIN}, st[3];
	const char *bodies[] = {"a2", "b2!", "c2"};
	calls = 0;
	batch(3, types, bodies, st);
	assert_int_equal(st[0], UT__STATUS__STATUS_OK);
	assert_int_equal(st[1], UT__STATUS__STATUS_CONFLICT);
	assert_int_equal(st[2], UT__STATUS__STATUS_OK);
	assert_int_equal(calls, 2 + 3); /* stopped at the second, then all three with savepoints */
	assert_int_equal(count("a2"), 1);
	assert_int_equal(count("b2!"), 0);
	assert_int_equal(count("c2"), 1);
}

static void test_storage_failure_in_checked_handler_keeps_nothing_of_it(void **state)
{
	(void)state;
	/* a duplicate key is a failure of the insert itself: no reply says ok for it, nothing doubled */
	int types[] = {PUT_CHECKED, PUT_CHECKED, PUT_CHECKED}, st[3];
	const char *bodies[] = {"a3", "a3", "c3"};
	batch(3, types, bodies, st);
	assert_int_equal(st[0], UT__STATUS__STATUS_OK);
	assert_int_not_equal(st[1], UT__STATUS__STATUS_OK);
	assert_int_equal(st[2], UT__STATUS__STATUS_OK);
	assert_int_equal(count("a3"), 1);
	assert_int_equal(count("c3"), 1);
}

/* A packed BackupRequest as a NUL-ended string, for batch(). */
static char *backup_body(const char *path, int hold_s)
{
	Ut__BackupRequest b = UT__BACKUP_REQUEST__INIT;
	b.path = (char *)path;
	b.hold_s = hold_s;
	size_t n = ut__backup_request__get_packed_size(&b);
	char *out = calloc(1, n + 1);
	assert_non_null(out);
	ut__backup_request__pack(&b, (uint8_t *)out);
	return out;
}

static int64_t count_in(const char *db, const char *v)
{
	sqlite3 *h;
	sqlite3_stmt *st;
	assert_int_equal(sqlite3_open_v2(db, &h, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(h, "SELECT count(*) FROM t WHERE v = ?", -1, &st, NULL), SQLITE_OK);
	sqlite3_bind_text(st, 1, v, -1, SQLITE_TRANSIENT);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	int64_t n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(h);
	return n;
}

static void test_backup_is_the_committed_batch(void **state)
{
	(void)state;
	/* the copy is made after the batch's commit: its writes in, the refused one's out */
	char path[512];
	snprintf(path, sizeof path, "%s/copy.db", tmp);
	char *body = backup_body(path, 0);
	int types[] = {PUT_PLAIN, UT__MSG_TYPE__MSG_BACKUP, PUT_PLAIN, PUT_CHECKED}, st[4];
	const char *bodies[] = {"a4", body, "b4!", "c4"};
	batch(4, types, bodies, st);
	assert_int_equal(st[1], UT__STATUS__STATUS_OK);
	assert_int_equal(count_in(path, "a4"), 1);
	assert_int_equal(count_in(path, "b4!"), 0);
	assert_int_equal(count_in(path, "c4"), 1);
	/* a second copy to the same file is refused, the first one kept */
	int t1[] = {UT__MSG_TYPE__MSG_BACKUP, PUT_PLAIN};
	const char *b1[] = {body, "d4"};
	batch(2, t1, b1, st);
	assert_int_equal(st[0], UT__STATUS__STATUS_CONFLICT);
	assert_int_equal(count_in(path, "d4"), 0);
	free(body);
	/* no path: a hold, which needs its seconds */
	body = backup_body("", 0);
	const char *b2[] = {body};
	batch(1, t1, b2, st);
	assert_int_equal(st[0], UT__STATUS__STATUS_INVALID);
	free(body);
	body = backup_body("", 5);
	b2[0] = body;
	batch(1, t1, b2, st);
	assert_int_equal(st[0], UT__STATUS__STATUS_OK);
	free(body);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_refusals_take_back_only_their_own_writes),
		cmocka_unit_test(test_checked_handler_failing_after_writing_reruns_the_batch),
		cmocka_unit_test(test_storage_failure_in_checked_handler_keeps_nothing_of_it),
		cmocka_unit_test(test_backup_is_the_committed_batch),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
