/* ut-ideal: the ceiling a durable request can reach on this machine, with no logic: ROUTER ->
 * protobuf-c decode -> SQLite INSERT in an open transaction -> XADD appended -> when no request
 * is left queued: flush the XADDs, COMMIT, read the XADD replies, send every reply. Speaks the
 * same envelope as the daemons, so ut-load drives it exactly as it drives ut-schedd. Its SQLite
 * is opened as the daemons' is (ut_store_open: WAL writes gathered per commit); it checkpoints
 * in its own thread, as SQLite does by default: with its few pages per commit, a checkpoint
 * thread, tried in alternating runs, made it slower at 16 in flight (its fsyncs competed with the
 * commits'). */
#include "envelope.pb-c.h"
#include "sched.pb-c.h"
#include "ut/store.h"

#include <hiredis/hiredis.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zmq.h>

#define BATCH 1024

typedef struct pending {
	zmq_msg_t route[2];
	int nroute;
	char id[64];
} pending_t;

static volatile sig_atomic_t stop;
static void on_term(int sig) { (void)sig; stop = 1; }

int main(int argc, char **argv)
{
	if (argc != 5) {
		fprintf(stderr, "usage: ut-ideal ENDPOINT DB_PATH REDIS_SOCKET full|normal\n");
		return 2;
	}
	signal(SIGTERM, on_term);
	signal(SIGINT, on_term);
	ut_store_t *store; /* WAL and synchronous as given, as the daemons open theirs */
	if (ut_store_open(&store, argv[2], NULL, 0, argv[4], 5000) != 0)
		return 1;
	sqlite3 *db = ut_store_db(store);
	sqlite3_exec(db, "CREATE TABLE IF NOT EXISTS t(id INTEGER PRIMARY KEY, code TEXT NOT NULL UNIQUE, title TEXT)",
		     NULL, NULL, NULL);
	sqlite3_stmt *ins, *begin, *commit;
	sqlite3_prepare_v2(db, "INSERT INTO t(code, title) VALUES(?, ?)", -1, &ins, NULL);
	sqlite3_prepare_v2(db, "BEGIN IMMEDIATE", -1, &begin, NULL);
	sqlite3_prepare_v2(db, "COMMIT", -1, &commit, NULL);
	redisContext *rc = redisConnectUnix(argv[3]);
	if (!rc || rc->err)
		return 1;
	void *ctx = zmq_ctx_new(), *s = zmq_socket(ctx, ZMQ_ROUTER);
	int linger = 0;
	zmq_setsockopt(s, ZMQ_LINGER, &linger, sizeof linger);
	if (zmq_bind(s, argv[1]) != 0)
		return 1;
	static pending_t p[BATCH];
	while (!stop) {
		zmq_pollitem_t it = {s, 0, ZMQ_POLLIN, 0};
		if (zmq_poll(&it, 1, 200) <= 0)
			continue;
		int n = 0;
		sqlite3_step(begin);
		sqlite3_reset(begin);
		while (n < BATCH) {
			zmq_msg_t m;
			zmq_msg_init(&m);
			if (zmq_msg_recv(&m, s, ZMQ_DONTWAIT) < 0) {
				zmq_msg_close(&m);
				break;
			}
			pending_t *q = &p[n];
			q->nroute = 0;
			while (zmq_msg_more(&m) && q->nroute < 2) {
				zmq_msg_init(&q->route[q->nroute]);
				zmq_msg_move(&q->route[q->nroute++], &m);
				zmq_msg_recv(&m, s, 0);
			}
			Ut__Envelope *e = ut__envelope__unpack(NULL, zmq_msg_size(&m), zmq_msg_data(&m));
			Ut__Course *c = e ? ut__course__unpack(NULL, e->body.len, e->body.data) : NULL;
			snprintf(q->id, sizeof q->id, "%s", e ? e->id : "");
			if (c) {
				sqlite3_bind_text(ins, 1, c->code, -1, SQLITE_STATIC);
				sqlite3_bind_text(ins, 2, c->title, -1, SQLITE_STATIC);
				sqlite3_step(ins);
				sqlite3_reset(ins);
				redisAppendCommand(rc, "XADD ideal:ev * d %b", e->body.data, e->body.len);
			}
			if (c)
				ut__course__free_unpacked(c, NULL);
			if (e)
				ut__envelope__free_unpacked(e, NULL);
			zmq_msg_close(&m);
			n++;
		}
		int done = 0;
		while (!done)
			redisBufferWrite(rc, &done);
		sqlite3_step(commit);
		sqlite3_reset(commit);
		for (int i = 0; i < n; i++) {
			void *r;
			if (redisGetReply(rc, &r) == REDIS_OK)
				freeReplyObject(r);
		}
		for (int i = 0; i < n; i++) {
			Ut__Envelope rep = UT__ENVELOPE__INIT;
			rep.id = p[i].id;
			rep.type = UT__MSG_TYPE__MSG_REPLY;
			rep.node = "";
			uint8_t buf[128];
			size_t len = ut__envelope__pack(&rep, buf);
			for (int k = 0; k < p[i].nroute; k++)
				zmq_msg_send(&p[i].route[k], s, ZMQ_SNDMORE);
			zmq_send(s, buf, len, 0);
		}
	}
	zmq_close(s);
	zmq_ctx_term(ctx);
	redisFree(rc);
	sqlite3_finalize(ins);
	sqlite3_finalize(begin);
	sqlite3_finalize(commit);
	ut_store_destroy(&store);
	return 0;
}
