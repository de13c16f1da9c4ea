/* Tests common/src/bus.c on a real redis-server: exactly-once publish, groups, redelivery, reclaim, outages. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <hiredis/hiredis.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "testutil.h"
#include "ut/bus.h"
#include "ut/clock.h"
#include "ut/err.h"
#include "ut/log.h"

static char *tmp;
static char sock[128];

static int group_setup(void **state)
{
	(void)state;
	ut_log_init("test_bus", UT_LOG_ERR + 1); /* the outage test logs warnings on purpose */
	signal(SIGPIPE, SIG_IGN);                /* as every daemon does: a dead Redis is an error, not a signal */
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

static void sleep_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
	nanosleep(&ts, NULL);
}

static ut_bus_t *new_bus(const char *prefix)
{
	ut_bus_t *b = ut_bus_new(sock, NULL, 0, prefix);
	assert_non_null(b);
	assert_int_equal(ut_bus_connect(b), 0);
	assert_true(ut_bus_connected(b));
	return b;
}

static ut_bus_t *new_consumer(const char *prefix, const char *consumer, const char *const *streams, int n)
{
	ut_bus_t *b = new_bus(prefix);
	assert_int_equal(ut_bus_subscribe(b, "g", consumer, streams, n), 0);
	return b;
}

static char *key_of(ut_bus_t *b, const char *stream)
{
	return strdup(ut_bus_key(b, stream));
}

static long long xlen(ut_bus_t *b, const char *stream)
{
	char *key = key_of(b, stream);
	redisReply *r = ut_bus_command(b, "XLEN %s", key);
	free(key);
	assert_non_null(r);
	assert_int_equal(r->type, REDIS_REPLY_INTEGER);
	long long n = r->integer;
	freeReplyObject(r);
	return n;
}

static long long pending_count(ut_bus_t *b, const char *stream)
{
	char *key = key_of(b, stream);
	redisReply *r = ut_bus_command(b, "XPENDING %s g", key);
	free(key);
	assert_non_null(r);
	assert_int_equal(r->type, REDIS_REPLY_ARRAY);
	assert_true(r->elements >= 1);
	long long n = r->element[0]->integer;
	freeReplyObject(r);
	return n;
}

static int publish(ut_bus_t *b, const char *stream, int n, const char *const *ids, const char *const *data)
{
	size_t len[16];
	assert_true(n <= 16);
	for (int i = 0; i < n; i++)
		len[i] = strlen(data[i]);
	return ut_bus_publish(b, stream, n, ids, (const unsigned char *const *)data, len);
}

/* The entries of a stream, as "id=data;" pairs, through XRANGE. */
static char *stream_dump(ut_bus_t *b, const char *stream)
{
	char *key = key_of(b, stream);
	redisReply *r = ut_bus_command(b, "XRANGE %s - +", key);
	free(key);
	assert_non_null(r);
	assert_int_equal(r->type, REDIS_REPLY_ARRAY);
	size_t cap = 4096, used = 0;
	char *out = calloc(1, cap);
	for (size_t i = 0; i < r->elements; i++) {
		redisReply *e = r->element[i];
		assert_int_equal(e->elements, 2);
		redisReply *f = e->element[1];
		assert_int_equal(f->elements, 2);
		assert_string_equal(f->element[0]->str, "d");
		used += (size_t)snprintf(out + used, cap - used, "%s=%.*s;", e->element[0]->str, (int)f->element[1]->len,
					 f->element[1]->str);
		assert_true(used < cap);
	}
	freeReplyObject(r);
	return out;
}

/* One XREADGROUP round: start, poll, take. Returns the number of entries added. */
static int read_once(ut_bus_t *b, ut_bus_batch_t *out, int block_ms)
{
	int before = out->n;
	assert_int_equal(ut_bus_read_start(b, 100, block_ms), 0);
	int fd = ut_bus_read_fd(b);
	assert_true(fd >= 0);
	for (;;) {
		struct pollfd p = {fd, POLLIN, 0};
		int pr = poll(&p, 1, block_ms + 2000);
		if (pr != 1)
			fail_msg("XREADGROUP gave no answer within %d ms", block_ms + 2000);
		int rc = ut_bus_read_take(b, out);
		assert_true(rc >= 0);
		if (rc == 1)
			break;
	}
	assert_int_equal(ut_bus_read_fd(b), -1); /* no read in flight any more */
	return out->n - before;
}

/* Read until `want` entries arrived (at most a few rounds: the first may be the backlog). */
static void read_until(ut_bus_t *b, ut_bus_batch_t *out, int want)
{
	int64_t deadline = ut_clock_mono_ms() + 3000;
	while (out->n < want) {
		if (ut_clock_mono_ms() > deadline)
			fail_msg("read %d entries, wanted %d", out->n, want);
		read_once(b, out, 100);
	}
	assert_int_equal(out->n, want);
}

static void assert_entry(const ut_bus_entry_t *e, const char *key, const char *id, const char *data)
{
	assert_string_equal(e->stream, key);
	assert_string_equal(e->id, id);
	assert_non_null(e->data);
	assert_int_equal(e->len, strlen(data));
	assert_memory_equal(e->data, data, e->len);
}

static void test_publish_exactly_once(void **state)
{
	(void)state;
	ut_bus_t *b = new_bus("p1:");
	assert_string_equal(ut_bus_key(b, "ut-schedd"), "p1:ev:ut-schedd");
	const char *ids[] = {"1000-1", "1000-2", "1000-3"};
	const char *data[] = {"a", "b", "c"};
	assert_int_equal(publish(b, "s", 3, ids, data), 3);
	assert_int_equal(xlen(b, "s"), 3);
	/* the relay crashed before forgetting: the same batch again adds nothing */
	assert_int_equal(publish(b, "s", 3, ids, data), 3);
	assert_int_equal(xlen(b, "s"), 3);
	/* an overlapping batch adds only what is new */
	const char *ids2[] = {"1000-2", "1000-3", "1000-4"};
	const char *data2[] = {"B?", "C?", "d"};
	assert_int_equal(publish(b, "s", 3, ids2, data2), 3);
	assert_int_equal(xlen(b, "s"), 4);
	char *dump = stream_dump(b, "s");
	assert_string_equal(dump, "1000-1=a;1000-2=b;1000-3=c;1000-4=d;");
	free(dump);
	assert_int_equal(ut_bus_publish(b, "s", 0, NULL, NULL, NULL), 0);
	assert_int_equal(xlen(b, "s"), 4);
	ut_bus_destroy(&b);
	assert_null(b);
	ut_bus_destroy(&b);
}

static void test_publish_binary(void **state)
{
	(void)state;
	ut_bus_t *b = new_bus("p2:");
	const unsigned char d0[] = {0x00, 0x01, 0xff, 0x00}, d1[] = {'x'};
	const unsigned char *data[] = {d0, d1};
	const size_t len[] = {sizeof d0, 0}; /* an empty payload too */
	const char *ids[] = {"5-1", "5-2"};
	assert_int_equal(ut_bus_publish(b, "bin", 2, ids, data, len), 2);
	redisReply *r = ut_bus_command(b, "XRANGE %s - +", "p2:ev:bin");
	assert_non_null(r);
	assert_int_equal(r->elements, 2);
	redisReply *v0 = r->element[0]->element[1]->element[1], *v1 = r->element[1]->element[1]->element[1];
	assert_int_equal(v0->len, sizeof d0);
	assert_memory_equal(v0->str, d0, sizeof d0);
	assert_int_equal(v1->len, 0);
	freeReplyObject(r);
	ut_bus_destroy(&b);
}

static void test_consume_in_order(void **state)
{
	(void)state;
	ut_bus_t *p = new_bus("c1:");
	const char *ids[] = {"1000-1", "1000-2", "1000-3"};
	const char *data[] = {"first", "second", "third"};
	assert_int_equal(publish(p, "s", 3, ids, data), 3);
	const char *t_ids[] = {"7-1"}, *t_data[] = {"on t"};
	assert_int_equal(publish(p, "t", 1, t_ids, t_data), 1);

	const char *streams[] = {"s", "t"};
	ut_bus_t *c = new_consumer("c1:", "c1", streams, 2);
	assert_int_equal(ut_bus_read_fd(c), -1);
	ut_bus_batch_t batch = {0};
	read_until(c, &batch, 4);
	/* per stream in order; streams in subscription order */
	assert_entry(&batch.e[0], "c1:ev:s", "1000-1", "first");
	assert_entry(&batch.e[1], "c1:ev:s", "1000-2", "second");
	assert_entry(&batch.e[2], "c1:ev:s", "1000-3", "third");
	assert_entry(&batch.e[3], "c1:ev:t", "7-1", "on t");
	assert_int_equal(ut_bus_ack(c, &batch), 0);
	ut_bus_batch_clear(&batch);
	assert_int_equal(batch.n, 0);

	/* nothing new: a blocking read ends empty after its block time */
	int64_t t0 = ut_clock_mono_ms();
	assert_int_equal(read_once(c, &batch, 150), 0);
	assert_true(ut_clock_mono_ms() - t0 >= 140);

	/* a new entry arrives while the read is in flight */
	assert_int_equal(ut_bus_read_start(c, 100, 2000), 0);
	assert_int_equal(ut_bus_read_start(c, 100, 2000), 0); /* already reading: no second command */
	const char *ids2[] = {"1000-4"}, *data2[] = {"fourth"};
	assert_int_equal(publish(p, "s", 1, ids2, data2), 1);
	struct pollfd pf = {ut_bus_read_fd(c), POLLIN, 0};
	assert_int_equal(poll(&pf, 1, 2000), 1);
	int rc;
	while ((rc = ut_bus_read_take(c, &batch)) == 0)
		assert_int_equal(poll(&pf, 1, 2000), 1);
	assert_int_equal(rc, 1);
	assert_int_equal(batch.n, 1);
	assert_entry(&batch.e[0], "c1:ev:s", "1000-4", "fourth");
	assert_int_equal(ut_bus_ack(c, &batch), 0);
	assert_int_equal(pending_count(c, "s"), 0);
	assert_int_equal(pending_count(c, "t"), 0);
	ut_bus_batch_free(&batch);
	assert_null(batch.e);

	/* misuse is refused, not crashed on */
	assert_int_equal(ut_bus_read_take(c, &batch), UT_EINVAL);
	ut_bus_t *none = new_bus("c1:");
	assert_int_equal(ut_bus_read_start(none, 10, 10), UT_EINVAL);
	ut_bus_destroy(&none);
	ut_bus_destroy(&c);
	ut_bus_destroy(&p);
}

static void test_redelivery_until_ack(void **state)
{
	(void)state;
	ut_bus_t *p = new_bus("r1:");
	const char *ids[] = {"1000-1", "1000-2", "1000-3"};
	const char *data[] = {"a", "b", "c"};
	assert_int_equal(publish(p, "s", 3, ids, data), 3);
	const char *streams[] = {"s"};

	/* read, crash before acknowledging */
	ut_bus_t *c = new_consumer("r1:", "worker", streams, 1);
	ut_bus_batch_t batch = {0};
	read_until(c, &batch, 3);
	ut_bus_destroy(&c);
	ut_bus_batch_clear(&batch);
	assert_int_equal(pending_count(p, "s"), 3);

	/* the restarted consumer first gets its unacknowledged entries back, from one read */
	c = new_consumer("r1:", "worker", streams, 1);
	assert_int_equal(read_once(c, &batch, 100), 3);
	assert_entry(&batch.e[0], "r1:ev:s", "1000-1", "a");
	assert_entry(&batch.e[2], "r1:ev:s", "1000-3", "c");

	/* acknowledge only the first: the other two come back on the next restart */
	ut_bus_batch_t first = {batch.e, 1, batch.cap};
	assert_int_equal(ut_bus_ack(c, &first), 0);
	assert_int_equal(pending_count(p, "s"), 2);
	ut_bus_destroy(&c);
	ut_bus_batch_clear(&batch);

	c = new_consumer("r1:", "worker", streams, 1);
	assert_int_equal(read_once(c, &batch, 100), 2);
	assert_entry(&batch.e[0], "r1:ev:s", "1000-2", "b");
	assert_entry(&batch.e[1], "r1:ev:s", "1000-3", "c");
	assert_int_equal(ut_bus_ack(c, &batch), 0);
	assert_int_equal(pending_count(p, "s"), 0);
	ut_bus_batch_clear(&batch);

	/* all acknowledged: the backlog is empty, then new entries only */
	assert_int_equal(read_once(c, &batch, 100), 0);
	assert_int_equal(read_once(c, &batch, 100), 0);
	const char *ids2[] = {"1000-4"}, *data2[] = {"d"};
	assert_int_equal(publish(p, "s", 1, ids2, data2), 1);
	read_until(c, &batch, 1);
	assert_entry(&batch.e[0], "r1:ev:s", "1000-4", "d");
	assert_int_equal(ut_bus_ack(c, &batch), 0);
	ut_bus_batch_free(&batch);
	ut_bus_destroy(&c);

	/* another restart finds nothing pending */
	c = new_consumer("r1:", "worker", streams, 1);
	assert_int_equal(read_once(c, &batch, 100), 0);
	assert_int_equal(read_once(c, &batch, 100), 0);
	ut_bus_batch_free(&batch);
	ut_bus_destroy(&c);
	ut_bus_destroy(&p);
}

static void test_reclaim(void **state)
{
	(void)state;
	ut_bus_t *p = new_bus("k1:");
	const char *ids[] = {"1000-1", "1000-2", "1000-3"};
	const char *data[] = {"a", "b", "c"};
	assert_int_equal(publish(p, "s", 3, ids, data), 3);
	const char *streams[] = {"s"};

	ut_bus_t *a = new_consumer("k1:", "A", streams, 1);
	ut_bus_batch_t ba = {0}, bb = {0};
	read_until(a, &ba, 3); /* and A dies without acknowledging */

	ut_bus_t *b = new_consumer("k1:", "B", streams, 1);
	assert_int_equal(ut_bus_reclaim(b, 60000, 10, &bb), 0); /* not idle long enough */
	assert_int_equal(bb.n, 0);
	sleep_ms(30);
	assert_int_equal(ut_bus_reclaim(b, 20, 10, &bb), 3);
	assert_int_equal(bb.n, 3);
	assert_entry(&bb.e[0], "k1:ev:s", "1000-1", "a");
	assert_entry(&bb.e[1], "k1:ev:s", "1000-2", "b");
	assert_entry(&bb.e[2], "k1:ev:s", "1000-3", "c");

	/* B owns them now, each delivered twice */
	redisReply *r = ut_bus_command(p, "XPENDING %s g - + 10", "k1:ev:s");
	assert_non_null(r);
	assert_int_equal(r->elements, 3);
	for (size_t i = 0; i < 3; i++) {
		assert_string_equal(r->element[i]->element[1]->str, "B");
		assert_int_equal(r->element[i]->element[3]->integer, 2);
	}
	freeReplyObject(r);
	/* a second reclaim right away takes nothing more */
	ut_bus_batch_t again = {0};
	assert_int_equal(ut_bus_reclaim(b, 1000, 10, &again), 0);
	ut_bus_batch_free(&again);

	assert_int_equal(ut_bus_ack(b, &bb), 0);
	assert_int_equal(pending_count(p, "s"), 0);
	ut_bus_destroy(&a);
	ut_bus_batch_clear(&ba);
	a = new_consumer("k1:", "A", streams, 1);
	assert_int_equal(read_once(a, &ba, 100), 0); /* A's backlog is gone */
	ut_bus_batch_free(&ba);
	ut_bus_batch_free(&bb);
	ut_bus_destroy(&a);
	ut_bus_destroy(&b);
	ut_bus_destroy(&p);
}

/* An entry deleted from the stream while pending comes back with no data, to be acked and skipped. */
static void test_deleted_pending_entry(void **state)
{
	(void)state;
	ut_bus_t *p = new_bus("d1:");
	const char *ids[] = {"1000-1", "1000-2"};
	const char *data[] = {"gone", "kept"};
	assert_int_equal(publish(p, "s", 2, ids, data), 2);
	const char *streams[] = {"s"};
	ut_bus_t *c = new_consumer("d1:", "c", streams, 1);
	ut_bus_batch_t batch = {0};
	read_until(c, &batch, 2);
	ut_bus_destroy(&c);
	ut_bus_batch_clear(&batch);
	redisReply *r = ut_bus_command(p, "XDEL %s 1000-1", "d1:ev:s");
	assert_non_null(r);
	assert_int_equal(r->integer, 1);
	freeReplyObject(r);

	c = new_consumer("d1:", "c", streams, 1);
	assert_int_equal(read_once(c, &batch, 100), 2);
	assert_string_equal(batch.e[0].id, "1000-1");
	assert_null(batch.e[0].data);
	assert_entry(&batch.e[1], "d1:ev:s", "1000-2", "kept");
	assert_int_equal(ut_bus_ack(c, &batch), 0);
	assert_int_equal(pending_count(p, "s"), 0);
	ut_bus_batch_free(&batch);
	ut_bus_destroy(&c);
	ut_bus_destroy(&p);
}

/* Redis lost the stream and its group (FLUSHALL, a restart without persistence) while the
 * consumer stayed connected: the read error re-creates the group and reading goes on. */
static void test_group_lost(void **state)
{
	(void)state;
	ut_bus_t *p = new_bus("g1:");
	const char *streams[] = {"s"};
	ut_bus_t *c = new_consumer("g1:", "c", streams, 1);
	const char *ids[] = {"1000-1"}, *data[] = {"before"};
	assert_int_equal(publish(p, "s", 1, ids, data), 1);
	ut_bus_batch_t batch = {0};
	read_until(c, &batch, 1);
	assert_int_equal(ut_bus_ack(c, &batch), 0);
	ut_bus_batch_clear(&batch);

	redisReply *r = ut_bus_command(p, "DEL %s", "g1:ev:s");
	assert_non_null(r);
	assert_int_equal(r->integer, 1);
	freeReplyObject(r);
	const char *ids2[] = {"2000-1"}, *data2[] = {"after"};
	assert_int_equal(publish(p, "s", 1, ids2, data2), 1); /* a new stream, without the group */

	assert_int_equal(read_once(c, &batch, 100), 0); /* NOGROUP: the group is made again */
	assert_true(ut_bus_connected(c));
	read_until(c, &batch, 1);
	assert_entry(&batch.e[0], "g1:ev:s", "2000-1", "after");
	assert_int_equal(ut_bus_ack(c, &batch), 0);
	assert_int_equal(pending_count(p, "s"), 0);
	ut_bus_batch_free(&batch);
	ut_bus_destroy(&c);
	ut_bus_destroy(&p);
}

static void test_redis_down_and_back(void **state)
{
	(void)state;
	ut_bus_t *p = new_bus("o1:");
	const char *ids[] = {"1000-1", "1000-2"};
	const char *data[] = {"a", "b"};
	assert_int_equal(publish(p, "s", 2, ids, data), 2);
	const char *streams[] = {"s"};
	ut_bus_t *c = new_consumer("o1:", "c", streams, 1);
	ut_bus_batch_t batch = {0};
	read_until(c, &batch, 2);
	assert_int_equal(ut_bus_ack(c, &batch), 0);
	ut_bus_batch_clear(&batch);
	/* a blocking read is in flight when Redis goes */
	assert_int_equal(ut_bus_read_start(c, 100, 5000), 0);
	int fd = ut_bus_read_fd(c);

	tu_redis_stop();

	struct pollfd pf = {fd, POLLIN, 0};
	assert_int_equal(poll(&pf, 1, 2000), 1); /* EOF wakes the reader */
	assert_int_equal(ut_bus_read_take(c, &batch), UT_EUNAVAIL);
	assert_false(ut_bus_connected(c));
	assert_int_equal(ut_bus_read_fd(c), -1);

	const char *ids2[] = {"1000-3"}, *data2[] = {"c"};
	assert_int_equal(publish(p, "s", 1, ids2, data2), UT_EUNAVAIL);
	assert_false(ut_bus_connected(p));
	assert_int_equal(ut_bus_connect(p), UT_EUNAVAIL);
	assert_false(ut_bus_connected(p));
	assert_int_equal(publish(p, "s", 1, ids2, data2), UT_EUNAVAIL);
	assert_null(ut_bus_command(p, "PING"));
	assert_int_equal(ut_bus_read_start(c, 100, 100), UT_EUNAVAIL);
	assert_int_equal(ut_bus_reclaim(c, 0, 10, &batch), UT_EUNAVAIL);
	assert_int_equal(ut_bus_ack(c, &(ut_bus_batch_t){0}), 0); /* nothing to ack needs no Redis */

	char again[128];
	assert_int_equal(tu_redis_start(tmp, again, sizeof again), 0);
	assert_string_equal(again, sock);

	assert_int_equal(ut_bus_connect(p), 0);
	assert_true(ut_bus_connected(p));
	/* this Redis keeps no data: the stream starts over */
	assert_int_equal(publish(p, "s", 1, ids2, data2), 1);
	assert_int_equal(xlen(p, "s"), 1);
	/* the consumer's group is created again on reconnect; it reads what is there now */
	assert_int_equal(ut_bus_connect(c), 0);
	read_until(c, &batch, 1);
	assert_entry(&batch.e[0], "o1:ev:s", "1000-3", "c");
	assert_int_equal(ut_bus_ack(c, &batch), 0);
	assert_int_equal(pending_count(p, "s"), 0);
	ut_bus_batch_free(&batch);
	ut_bus_destroy(&c);
	ut_bus_destroy(&p);

	/* a bus for a Redis that is not there is created anyway and connects later */
	char nowhere[160];
	snprintf(nowhere, sizeof nowhere, "%s/none.sock", tmp);
	ut_bus_t *n = ut_bus_new(nowhere, NULL, 0, NULL);
	assert_non_null(n);
	assert_int_equal(ut_bus_connect(n), UT_EUNAVAIL);
	assert_false(ut_bus_connected(n));
	assert_string_equal(ut_bus_key(n, "x"), "ut:ev:x");
	ut_bus_destroy(&n);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_publish_exactly_once),
		cmocka_unit_test(test_publish_binary),
		cmocka_unit_test(test_consume_in_order),
		cmocka_unit_test(test_redelivery_until_ack),
		cmocka_unit_test(test_reclaim),
		cmocka_unit_test(test_deleted_pending_entry),
		cmocka_unit_test(test_group_lost),
		cmocka_unit_test(test_redis_down_and_back), /* last: it restarts Redis */
	};
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
