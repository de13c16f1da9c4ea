/* Tests common/src/outbox.c on real SQLite and Redis: transactional puts, ordered once-only relay, forget, inbox. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <hiredis/hiredis.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "envelope.pb-c.h"
#include "testutil.h"
#include "ut/clock.h"
#include "ut/err.h"
#include "ut/log.h"
#include "ut/outbox.h"

#define NODE "cn-bj-haidian"
#define DAEMON "ut-testd"

static char *tmp;
static char sock[128];
static int testno;

/* Per test: its own database and its own key prefix, so tests do not see each other. */
typedef struct fixture {
	char *db;
	char prefix[32];
	ut_store_t *store;
	ut_bus_t *bus;
	ut_outbox_t ob;
} fixture_t;

static int group_setup(void **state)
{
	(void)state;
	ut_log_init("test_outbox", UT_LOG_ERR + 1);
	signal(SIGPIPE, SIG_IGN);
	tmp = tu_tmpdir();
	if (!tmp)
		return -1;
	return tu_redis_start(tmp, sock, sizeof sock);
}

static int group_teardown(void **state)
{
	(void)state;
	tu_redis_stop();
	tu_rmrf(tmp);
	free(tmp);
	return 0;
}

static int setup(void **state)
{
	fixture_t *f = calloc(1, sizeof *f);
	testno++;
	if (asprintf(&f->db, "%s/o%d.db", tmp, testno) < 0)
		return -1;
	snprintf(f->prefix, sizeof f->prefix, "o%d:", testno);
	if (ut_store_open(&f->store, f->db, NULL, 0, "normal", 1000) != 0)
		return -1;
	f->bus = ut_bus_new(sock, NULL, 0, f->prefix);
	if (!f->bus || ut_bus_connect(f->bus) != 0)
		return -1;
	if (ut_outbox_init(&f->ob, f->store, NODE, DAEMON) != 0)
		return -1;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	fixture_t *f = *state;
	ut_bus_destroy(&f->bus);
	ut_store_destroy(&f->store);
	free(f->db);
	free(f);
	return 0;
}

/* Queue one event whose body is a StatusReply carrying n. */
static void put(ut_outbox_t *o, int type, int n)
{
	Ut__StatusReply body = UT__STATUS_REPLY__INIT;
	char name[32];
	snprintf(name, sizeof name, "event %d", n);
	body.daemon = name;
	body.uptime_s = n;
	char actor[32];
	snprintf(actor, sizeof actor, "unix:officer%d", n);
	assert_int_equal(ut_outbox_put(o, type, &body.base, actor), 0);
}

static void put_committed(fixture_t *f, int first, int count)
{
	assert_int_equal(ut_store_begin(f->store), 0);
	for (int i = first; i < first + count; i++)
		put(&f->ob, UT__MSG_TYPE__EV_CLASS_CHANGED, i);
	assert_int_equal(ut_store_commit(f->store), 0);
}

static int64_t table_rows(fixture_t *f)
{
	sqlite3_stmt *st;
	assert_int_equal(sqlite3_prepare_v2(ut_store_db(f->store), "SELECT count(*) FROM ut_outbox", -1, &st, NULL),
			 SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	int64_t n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return n;
}

typedef struct event {
	char sid[48]; /* stream entry id */
	Ut__Envelope *env;
	int n; /* the body's uptime_s */
} event_t;

/* Every entry of the daemon's stream, decoded. Returns how many (at most max). */
static int stream_events(fixture_t *f, event_t *ev, int max)
{
	char key[64];
	snprintf(key, sizeof key, "%s", ut_bus_key(f->bus, DAEMON));
	redisReply *r = ut_bus_command(f->bus, "XRANGE %s - +", key);
	assert_non_null(r);
	assert_int_equal(r->type, REDIS_REPLY_ARRAY);
	assert_true((int)r->elements <= max);
	for (size_t i = 0; i < r->elements; i++) {
		redisReply *e = r->element[i], *fv = e->element[1];
		snprintf(ev[i].sid, sizeof ev[i].sid, "%s", e->element[0]->str);
		assert_int_equal(fv->elements, 2);
		assert_string_equal(fv->element[0]->str, "d");
		ev[i].env = ut__envelope__unpack(NULL, fv->element[1]->len, (const uint8_t *)fv->element[1]->str);
		assert_non_null(ev[i].env);
		Ut__StatusReply *b = ut__status_reply__unpack(NULL, ev[i].env->body.len, ev[i].env->body.data);
		assert_non_null(b);
		ev[i].n = (int)b->uptime_s;
		char name[32];
		snprintf(name, sizeof name, "event %d", ev[i].n);
		assert_string_equal(b->daemon, name);
		ut__status_reply__free_unpacked(b, NULL);
	}
	int n = (int)r->elements;
	freeReplyObject(r);
	return n;
}

static void free_events(event_t *ev, int n)
{
	for (int i = 0; i < n; i++)
		ut__envelope__free_unpacked(ev[i].env, NULL);
}

/* Stream entries are the events 1..n in order, each once, with ids derived from the outbox seq. */
static void check_stream(fixture_t *f, int n)
{
	event_t ev[64];
	int got = stream_events(f, ev, 64);
	assert_int_equal(got, n);
	int64_t prev_seq = 0;
	for (int i = 0; i < got; i++) {
		assert_int_equal(ev[i].n, i + 1);
		long long epoch, seq;
		char tail;
		assert_int_equal(sscanf(ev[i].sid, "%lld-%lld%c", &epoch, &seq, &tail), 2);
		assert_int_equal(epoch, f->ob.epoch);
		assert_true(seq > prev_seq);
		prev_seq = seq;
		char want[160];
		snprintf(want, sizeof want, NODE "/" DAEMON "/%lld-%lld", epoch, seq);
		assert_string_equal(ev[i].env->id, want);
		char built[160];
		ut_outbox_event_id(&f->ob, seq, built, sizeof built);
		assert_string_equal(built, want);
		assert_string_equal(ev[i].env->node, NODE);
		assert_int_equal(ev[i].env->type, UT__MSG_TYPE__EV_CLASS_CHANGED);
		char actor[32]; /* who asked for the change travels with its event */
		snprintf(actor, sizeof actor, "unix:officer%d", ev[i].n);
		assert_string_equal(ev[i].env->actor, actor);
		assert_true(ev[i].env->ts_ms > 1700000000000LL);
		assert_int_equal(ev[i].env->status, 0);
	}
	free_events(ev, got);
}

static void test_init(void **state)
{
	fixture_t *f = *state;
	int64_t now = ut_clock_now_ms();
	assert_true(f->ob.epoch > now - 60000 && f->ob.epoch <= now);
	assert_int_equal(f->ob.published, 0);
	assert_int_equal(f->ob.forgotten, 0);
	assert_int_equal(ut_outbox_pending(&f->ob), 0);
	char id[160];
	ut_outbox_event_id(&f->ob, 12, id, sizeof id);
	char want[160];
	snprintf(want, sizeof want, "cn-bj-haidian/ut-testd/%lld-12", (long long)f->ob.epoch);
	assert_string_equal(id, want);

	/* the epoch belongs to the database: a later init keeps it */
	ut_outbox_t again;
	assert_int_equal(ut_outbox_init(&again, f->store, NODE, DAEMON), 0);
	assert_int_equal(again.epoch, f->ob.epoch);
}

static void test_rolled_back_put_leaves_nothing(void **state)
{
	fixture_t *f = *state;
	assert_int_equal(ut_store_begin(f->store), 0);
	put(&f->ob, UT__MSG_TYPE__EV_CLASS_CHANGED, 1);
	put(&f->ob, UT__MSG_TYPE__EV_CLASS_CHANGED, 2);
	ut_store_rollback(f->store);
	assert_int_equal(table_rows(f), 0);
	assert_int_equal(ut_outbox_pending(&f->ob), 0);
	assert_int_equal(ut_outbox_relay(&f->ob, f->bus, 100), 0);
	check_stream(f, 0);

	/* a put rolled back with its request's savepoint goes too; its neighbours stay */
	assert_int_equal(ut_store_begin(f->store), 0);
	assert_int_equal(ut_store_savepoint(f->store), 0);
	put(&f->ob, UT__MSG_TYPE__EV_CLASS_CHANGED, 1);
	ut_store_release(f->store);
	assert_int_equal(ut_store_savepoint(f->store), 0);
	put(&f->ob, UT__MSG_TYPE__EV_CLASS_CHANGED, 99);
	ut_store_rollback_to(f->store);
	assert_int_equal(ut_store_savepoint(f->store), 0);
	put(&f->ob, UT__MSG_TYPE__EV_CLASS_CHANGED, 2);
	ut_store_release(f->store);
	assert_int_equal(ut_store_commit(f->store), 0);
	assert_int_equal(ut_outbox_pending(&f->ob), 2);
	assert_int_equal(ut_outbox_relay(&f->ob, f->bus, 100), 2);
	check_stream(f, 2);
}

static void test_relay_in_order(void **state)
{
	fixture_t *f = *state;
	put_committed(f, 1, 3);
	assert_int_equal(ut_outbox_pending(&f->ob), 3);
	assert_int_equal(ut_outbox_relay(&f->ob, f->bus, 100), 3);
	assert_int_equal(ut_outbox_pending(&f->ob), 0);
	check_stream(f, 3);
	/* relaying again publishes nothing new */
	assert_int_equal(ut_outbox_relay(&f->ob, f->bus, 100), 0);
	check_stream(f, 3);

	/* batches of at most `max`, still in order */
	put_committed(f, 4, 5);
	assert_int_equal(ut_outbox_relay(&f->ob, f->bus, 2), 2);
	assert_int_equal(ut_outbox_pending(&f->ob), 3);
	assert_int_equal(ut_outbox_relay(&f->ob, f->bus, 2), 2);
	assert_int_equal(ut_outbox_relay(&f->ob, f->bus, 2), 1);
	assert_int_equal(ut_outbox_relay(&f->ob, f->bus, 2), 0);
	check_stream(f, 8);

	/* a body over the put's stack buffer */
	Ut__StatusReply big = UT__STATUS_REPLY__INIT;
	char *path = malloc(10000);
	memset(path, 'p', 9999);
	path[9999] = '\0';
	big.daemon = "event 9";
	big.uptime_s = 9;
	big.db_path = path;
	assert_int_equal(ut_store_begin(f->store), 0);
	assert_int_equal(ut_outbox_put(&f->ob, UT__MSG_TYPE__EV_CLASS_CHANGED, &big.base, ""), 0);
	assert_int_equal(ut_store_commit(f->store), 0);
	assert_int_equal(ut_outbox_relay(&f->ob, f->bus, 100), 1);
	event_t ev[16];
	int n = stream_events(f, ev, 16);
	assert_int_equal(n, 9);
	Ut__StatusReply *b = ut__status_reply__unpack(NULL, ev[8].env->body.len, ev[8].env->body.data);
	assert_string_equal(b->db_path, path);
	ut__status_reply__free_unpacked(b, NULL);
	free_events(ev, n);
	free(path);
}

/* The relay published, then the daemon died before forgetting: a new outbox over the same
 * database republishes the same rows, and the stream still holds each event once. */
static void test_crash_before_forget(void **state)
{
	fixture_t *f = *state;
	put_committed(f, 1, 3);
	assert_int_equal(ut_outbox_relay(&f->ob, f->bus, 100), 3);
	int64_t epoch = f->ob.epoch;

	/* "restart": reopen the database, new outbox */
	ut_store_destroy(&f->store);
	assert_int_equal(ut_store_open(&f->store, f->db, NULL, 0, "normal", 1000), 0);
	assert_int_equal(ut_outbox_init(&f->ob, f->store, NODE, DAEMON), 0);
	assert_int_equal(f->ob.epoch, epoch);
	assert_int_equal(ut_outbox_pending(&f->ob), 3); /* it cannot know they went out */
	assert_true(ut_outbox_relay(&f->ob, f->bus, 100) >= 0);
	assert_int_equal(ut_outbox_pending(&f->ob), 0);
	check_stream(f, 3);

	/* and a third time, with one new event behind the old ones */
	put_committed(f, 4, 1);
	ut_outbox_t third;
	assert_int_equal(ut_outbox_init(&third, f->store, NODE, DAEMON), 0);
	assert_int_equal(ut_outbox_pending(&third), 4);
	assert_true(ut_outbox_relay(&third, f->bus, 100) >= 0);
	check_stream(f, 4);
}

static void test_forget(void **state)
{
	fixture_t *f = *state;
	assert_int_equal(ut_outbox_forget(&f->ob), 0); /* nothing published yet: nothing to do */
	put_committed(f, 1, 3);
	assert_int_equal(ut_outbox_forget(&f->ob), 0); /* committed but unpublished rows stay */
	assert_int_equal(table_rows(f), 3);
	assert_int_equal(ut_outbox_relay(&f->ob, f->bus, 2), 2);
	assert_int_equal(ut_store_begin(f->store), 0);
	assert_int_equal(ut_outbox_forget(&f->ob), 0);
	assert_int_equal(ut_store_commit(f->store), 0);
	assert_int_equal(table_rows(f), 1); /* only the published two went */
	assert_int_equal(f->ob.forgotten, f->ob.published);
	assert_int_equal(ut_outbox_relay(&f->ob, f->bus, 100), 1);
	assert_int_equal(ut_store_begin(f->store), 0);
	assert_int_equal(ut_outbox_forget(&f->ob), 0);
	assert_int_equal(ut_store_commit(f->store), 0);
	assert_int_equal(table_rows(f), 1); /* the newest row stays, holding up the numbering */
	check_stream(f, 3);

	/* after a restart on a forgotten table, new events get new, higher ids (seq is never reused) */
	put_committed(f, 4, 2);
	ut_outbox_t fresh;
	assert_int_equal(ut_outbox_init(&fresh, f->store, NODE, DAEMON), 0);
	assert_int_equal(ut_outbox_relay(&fresh, f->bus, 100), 3); /* the kept row again, skipped */
	check_stream(f, 5);
	assert_int_equal(ut_store_begin(f->store), 0);
	assert_int_equal(ut_outbox_forget(&fresh), 0);
	assert_int_equal(ut_store_commit(f->store), 0);
	assert_int_equal(table_rows(f), 1);
	/* restarted: the kept row is published again and skipped by the stream; numbering goes on */
	assert_int_equal(ut_outbox_init(&f->ob, f->store, NODE, DAEMON), 0);
	put_committed(f, 6, 1);
	assert_int_equal(ut_outbox_relay(&f->ob, f->bus, 100), 2);
	check_stream(f, 6);
}

/* A database created when the outbox was AUTOINCREMENT, emptied by an older forget: numbering goes
 * on above its counter, not from 1 (ids at or below the stream's top would be skipped). */
static void test_numbering_after_autoincrement(void **state)
{
	fixture_t *f = *state;
	char *db;
	assert_true(asprintf(&db, "%s/legacy.db", tmp) > 0);
	sqlite3 *raw;
	assert_int_equal(sqlite3_open(db, &raw), SQLITE_OK);
	assert_int_equal(sqlite3_exec(raw,
				      "CREATE TABLE ut_outbox(seq INTEGER PRIMARY KEY AUTOINCREMENT, type INTEGER NOT NULL,"
				      " ts_ms INTEGER NOT NULL, body BLOB NOT NULL);"
				      "INSERT INTO ut_outbox VALUES(41, 1, 1, x'');"
				      "DELETE FROM ut_outbox;",
				      NULL, NULL, NULL),
			 SQLITE_OK);
	sqlite3_close(raw);
	ut_store_destroy(&f->store);
	assert_int_equal(ut_store_open(&f->store, db, NULL, 0, "normal", 1000), 0);
	assert_int_equal(ut_outbox_init(&f->ob, f->store, NODE, DAEMON), 0);
	put_committed(f, 1, 1);
	assert_int_equal(ut_outbox_relay(&f->ob, f->bus, 100), 1);
	event_t ev[2];
	assert_int_equal(stream_events(f, ev, 2), 1);
	assert_non_null(strstr(ev[0].sid, "-42"));
	free_events(ev, 1);
	free(db);
}

static void test_inbox(void **state)
{
	fixture_t *f = *state;
	const char *id = NODE "/ut-schedd/1772672400000-1";
	assert_int_equal(ut_inbox_count(f->store), 0);
	assert_int_equal(ut_store_begin(f->store), 0);
	assert_int_equal(ut_inbox_check(f->store, id), 0);
	assert_int_equal(ut_inbox_check(f->store, id), 1);
	assert_int_equal(ut_store_commit(f->store), 0);
	assert_int_equal(ut_inbox_count(f->store), 1);
	assert_int_equal(ut_inbox_check(f->store, id), 1); /* also in a later transaction */

	/* a consumer transaction that rolls back does not remember the event */
	const char *other = NODE "/ut-schedd/1772672400000-2";
	assert_int_equal(ut_store_begin(f->store), 0);
	assert_int_equal(ut_inbox_check(f->store, other), 0);
	ut_store_rollback(f->store);
	assert_int_equal(ut_inbox_count(f->store), 1);
	assert_int_equal(ut_store_begin(f->store), 0);
	assert_int_equal(ut_inbox_check(f->store, other), 0);
	assert_int_equal(ut_store_commit(f->store), 0);
	assert_int_equal(ut_inbox_count(f->store), 2);
}

/* The relay in two steps: one batch in flight at a time; another command on the bus reads its
 * reply first and keeps the result; a batch whose reply was lost is sent again, and the stream
 * holds every event once and in order. */
static void test_relay_in_flight(void **state)
{
	fixture_t *f = *state;
	put_committed(f, 1, 3);
	assert_int_equal(ut_outbox_relay_take(&f->ob, f->bus, 1), 0); /* none in flight */
	assert_int_equal(ut_outbox_relay_send(&f->ob, f->bus, 100), 3);
	assert_true(ut_bus_publish_fd(f->bus) >= 0);
	put_committed(f, 4, 2);
	assert_int_equal(ut_outbox_relay_send(&f->ob, f->bus, 100), 0); /* 1-3 still in flight */
	assert_int_equal(ut_outbox_pending(&f->ob), 5);

	redisReply *r = ut_bus_command(f->bus, "PING");
	assert_non_null(r);
	assert_string_equal(r->str, "PONG"); /* not the publish's reply */
	freeReplyObject(r);
	assert_int_equal(ut_bus_publish_taken(f->bus), 1);
	assert_int_equal(ut_bus_publish_fd(f->bus), -1);
	assert_int_equal(ut_outbox_relay_take(&f->ob, f->bus, 0), 3);
	assert_int_equal(ut_outbox_pending(&f->ob), 2);

	/* 4-5 sent while Redis holds writes, then the connection drops before their reply: sent again */
	redisContext *other = redisConnectUnix(sock);
	assert_true(other && !other->err);
	r = redisCommand(other, "CLIENT PAUSE 5000 WRITE");
	assert_true(r && r->type == REDIS_REPLY_STATUS);
	freeReplyObject(r);
	assert_int_equal(ut_outbox_relay_send(&f->ob, f->bus, 100), 2);
	r = redisCommand(other, "CLIENT KILL TYPE normal SKIPME yes");
	assert_true(r && r->type == REDIS_REPLY_INTEGER && r->integer >= 2); /* the bus's two */
	freeReplyObject(r);
	freeReplyObject(redisCommand(other, "CLIENT UNPAUSE"));
	redisFree(other);
	assert_int_equal(ut_outbox_relay_take(&f->ob, f->bus, 1), UT_EUNAVAIL);
	assert_int_equal(ut_outbox_pending(&f->ob), 2);
	assert_int_equal(ut_bus_connect(f->bus), 0);
	assert_int_equal(ut_outbox_relay(&f->ob, f->bus, 100), 2);
	assert_int_equal(ut_outbox_pending(&f->ob), 0);

	event_t ev[8];
	int n = stream_events(f, ev, 8);
	assert_int_equal(n, 5);
	for (int i = 0; i < n; i++)
		assert_int_equal(ev[i].n, i + 1);
	free_events(ev, n);
}

/* Redis away: relay fails, keeps the events pending, and delivers them once Redis is back. */
static void test_relay_while_redis_down(void **state)
{
	fixture_t *f = *state;
	put_committed(f, 1, 2);
	assert_int_equal(ut_outbox_relay(&f->ob, f->bus, 100), 2);
	tu_redis_stop();
	put_committed(f, 3, 2);
	assert_int_equal(ut_outbox_relay(&f->ob, f->bus, 100), UT_EUNAVAIL);
	assert_int_equal(ut_outbox_pending(&f->ob), 2);
	assert_int_equal(ut_outbox_relay(&f->ob, f->bus, 100), UT_EUNAVAIL);

	char again[128];
	assert_int_equal(tu_redis_start(tmp, again, sizeof again), 0);
	assert_int_equal(ut_bus_connect(f->bus), 0);
	assert_int_equal(ut_outbox_relay(&f->ob, f->bus, 100), 2);
	assert_int_equal(ut_outbox_pending(&f->ob), 0);
	/* this Redis lost events 1 and 2 (no persistence); 3 and 4 are there once */
	event_t ev[8];
	int n = stream_events(f, ev, 8);
	assert_int_equal(n, 2);
	assert_int_equal(ev[0].n, 3);
	assert_int_equal(ev[1].n, 4);
	free_events(ev, n);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_init, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rolled_back_put_leaves_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_relay_in_order, setup, teardown),
		cmocka_unit_test_setup_teardown(test_crash_before_forget, setup, teardown),
		cmocka_unit_test_setup_teardown(test_forget, setup, teardown),
		cmocka_unit_test_setup_teardown(test_numbering_after_autoincrement, setup, teardown),
		cmocka_unit_test_setup_teardown(test_inbox, setup, teardown),
		cmocka_unit_test_setup_teardown(test_relay_in_flight, setup, teardown),
		cmocka_unit_test_setup_teardown(test_relay_while_redis_down, setup, teardown), /* last */
	};
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
