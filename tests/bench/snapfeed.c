/* ut-snapfeed: drives a parent ut-reportd's child registry and snapshot-storing path over its
 * request socket, as its link thread does after CURVE and ZAP (MSG_REPORT_SNAPSHOT_PUT with the node
 * id ZAP bound), with W requests in flight (W = 1 is what the link thread does: one call at a time).
 *   ut-snapfeed register ENDPOINT N W          N children child-00000.. with fresh CURVE public keys
 *   ut-snapfeed put ENDPOINT N W ROWS SEQ      one snapshot of ROWS rows from each of the N children
 * Prints the time until every request was answered, and how many were answered ok (for put: stored). */
#include "envelope.pb-c.h"
#include "report.pb-c.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <zmq.h>

static double now_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

static const char *const cats[] = {"onboarding", "chair", "finance_audit", "information",
				   "negotiation", "labour_law", "safety", "other"};
static const char *const metrics[] = {"classes_planned", "classes_held", "classes_scheduled", "participations",
				      "participations_ft", "participations_pt", "enrolled_at_close",
				      "sessions_attended", "sessions_total", "completed"};
static const char *const fmts[] = {"onsite", "online", "door_to_door"};

static size_t packed_max;

static void send_one(void *s, int put, long i, long rows, long seq)
{
	char node[32], id[32], key[41];
	snprintf(node, sizeof node, "child-%05ld", i);
	snprintf(id, sizeof id, "%ld", i);
	Ut__Envelope e = UT__ENVELOPE__INIT;
	uint8_t *body;
	size_t n;
	if (!put) {
		char sec[41];
		zmq_curve_keypair(key, sec);
		Ut__Child c = UT__CHILD__INIT;
		c.node = node;
		c.public_key = key;
		body = malloc(ut__child__get_packed_size(&c));
		n = ut__child__pack(&c, body);
		e.type = UT__MSG_TYPE__MSG_REPORT_CHILD_ADD;
	} else {
		/* whole counters of a county's year: month x metric x category x format, one unit type */
		Ut__SnapshotRow *r = calloc((size_t)rows, sizeof *r), **rp = calloc((size_t)rows, sizeof *rp);
		for (long k = 0; k < rows; k++) {
			ut__snapshot_row__init(&r[k]);
			r[k].year = 2026;
			r[k].month = (int)(1 + k % 12);
			r[k].metric = (char *)metrics[(k / 12) % 10];
			r[k].category = (char *)cats[(k / 120) % 8];
			r[k].format = (char *)fmts[(k / 960) % 3];
			r[k].unit_kind = k / 2880 ? "school" : "enterprise";
			r[k].value = 1 + (i + k) % 97;
			rp[k] = &r[k];
		}
		Ut__Snapshot sn = UT__SNAPSHOT__INIT;
		sn.node = node;
		sn.seq = (uint64_t)seq;
		sn.built_ms = (int64_t)time(NULL) * 1000 + seq;
		sn.nodes = 1;
		sn.rows = rp;
		sn.n_rows = (size_t)rows;
		Ut__SnapshotPut p = UT__SNAPSHOT_PUT__INIT;
		p.node = node;
		p.snapshot = &sn;
		size_t sz = ut__snapshot__get_packed_size(&sn);
		if (sz > packed_max)
			packed_max = sz;
		body = malloc(ut__snapshot_put__get_packed_size(&p));
		n = ut__snapshot_put__pack(&p, body);
		e.type = UT__MSG_TYPE__MSG_REPORT_SNAPSHOT_PUT;
		free(r);
		free(rp);
	}
	e.id = id;
	e.node = "";
	e.body.data = body;
	e.body.len = n;
	size_t m = ut__envelope__get_packed_size(&e);
	uint8_t *buf = malloc(m);
	ut__envelope__pack(&e, buf);
	zmq_send(s, "", 0, ZMQ_SNDMORE);
	zmq_send(s, buf, m, 0);
	free(buf);
	free(body);
}

int main(int argc, char **argv)
{
	int put = argc == 7 && !strcmp(argv[1], "put");
	if (!put && !(argc == 5 && !strcmp(argv[1], "register"))) {
		fprintf(stderr, "usage: ut-snapfeed register ENDPOINT N W | put ENDPOINT N W ROWS SEQ\n");
		return 2;
	}
	long count = atol(argv[3]), inflight = atol(argv[4]), rows = put ? atol(argv[5]) : 0, seq = put ? atol(argv[6]) : 0;
	if (count <= 0 || inflight <= 0 || (put && (rows <= 0 || rows > 5760 || seq <= 0)))
		return 2;
	void *ctx = zmq_ctx_new(), *s = zmq_socket(ctx, ZMQ_DEALER);
	int linger = 0;
	zmq_setsockopt(s, ZMQ_LINGER, &linger, sizeof linger);
	if (zmq_connect(s, argv[2]) != 0)
		return 3;
	char *answered = calloc((size_t)count, 1);
	long next = 0, got = 0, ok = 0, stored = 0;
	double t0 = now_ms();
	while (got < count) {
		while (next < count && next - got < inflight)
			send_one(s, put, next++, rows, seq);
		zmq_pollitem_t it = {s, 0, ZMQ_POLLIN, 0};
		if (zmq_poll(&it, 1, 30000) <= 0)
			break; /* unanswered: reported below */
		zmq_msg_t msg;
		zmq_msg_init(&msg);
		int more = 1;
		Ut__Envelope *r = NULL;
		while (more && zmq_msg_recv(&msg, s, 0) >= 0) {
			more = zmq_msg_more(&msg);
			if (!more)
				r = ut__envelope__unpack(NULL, zmq_msg_size(&msg), zmq_msg_data(&msg));
		}
		zmq_msg_close(&msg);
		if (!r)
			continue;
		long i = atol(r->id);
		if (i >= 0 && i < next && !answered[i]) {
			answered[i] = 1;
			got++;
			if (r->status == UT__STATUS__STATUS_OK) {
				ok++;
				Ut__SnapshotAck *a = put ? ut__snapshot_ack__unpack(NULL, r->body.len, r->body.data) : NULL;
				if (a && a->accepted && a->seq == (uint64_t)seq && !strcmp(a->message, "stored"))
					stored++;
				if (a)
					ut__snapshot_ack__free_unpacked(a, NULL);
			} else if (ok + 1 == got)
				fprintf(stderr, "ut-snapfeed: %s\n", r->message);
		}
		ut__envelope__free_unpacked(r, NULL);
	}
	double ms = now_ms() - t0;
	printf("requests %ld answered %ld ok %ld stored %ld ms %.1f per_s %.0f snapshot_bytes %zu\n", count, got, ok,
	       stored, ms, (double)got * 1000 / ms, packed_max);
	zmq_close(s);
	zmq_ctx_term(ctx);
	free(answered);
	return got == count && ok == count ? 0 : 1;
}
