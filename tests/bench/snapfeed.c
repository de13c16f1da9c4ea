/* ut-snapfeed: drives a parent ut-reportd's child registry and snapshot-storing path over its
 * request socket, as its link thread does after CURVE and ZAP (MSG_REPORT_SNAPSHOT_PUT with the node
 * id ZAP bound), with W requests in flight (W = 1: one call at a time), or through the CURVE link as
 * children do.
 *   ut-snapfeed register ENDPOINT N W          N children child-00000.. with fresh CURVE public keys
 *   ut-snapfeed put ENDPOINT N W ROWS SEQ [SHIFT]
 *                                              one snapshot of ROWS rows from each of the N children,
 *                                              every figure SHIFT more than at SHIFT 0
 *   ut-snapfeed link ENDPOINT LISTEN KEY C S ROWS
 *                                              C children link-00000.. registered with key pairs, each
 *                                              connected over CURVE to LISTEN (the parent's public key
 *                                              KEY), sending S snapshots one after the other (each
 *                                              waits for the ack, as a child does), every figure
 *                                              changed each time; timed after a first, untimed one
 * Prints the time until every request was answered, and how many were answered ok (for put: stored). */
#include "envelope.pb-c.h"
#include "report.pb-c.h"
#include "ut/rpc.h"

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

/* Whole counters of a county's year: month x metric x category x format, one unit type. */
static Ut__Snapshot *snapshot_new(char *node, long i, long rows, long seq, long shift)
{
	Ut__SnapshotRow *r = calloc((size_t)rows, sizeof *r), **rp = calloc((size_t)rows, sizeof *rp);
	Ut__Snapshot *sn = calloc(1, sizeof *sn);
	ut__snapshot__init(sn);
	for (long k = 0; k < rows; k++) {
		ut__snapshot_row__init(&r[k]);
		r[k].year = 2026;
		r[k].month = (int)(1 + k % 12);
		r[k].metric = (char *)metrics[(k / 12) % 10];
		r[k].category = (char *)cats[(k / 120) % 8];
		r[k].format = (char *)fmts[(k / 960) % 3];
		r[k].unit_kind = k / 2880 ? "school" : "enterprise";
		r[k].value = 1 + (i + k) % 97 + shift;
		rp[k] = &r[k];
	}
	sn->node = node;
	sn->seq = (uint64_t)seq;
	sn->built_ms = (int64_t)time(NULL) * 1000 + seq;
	sn->nodes = 1;
	sn->rows = rp;
	sn->n_rows = (size_t)rows;
	size_t sz = ut__snapshot__get_packed_size(sn);
	if (sz > packed_max)
		packed_max = sz;
	return sn;
}

static void snapshot_free(Ut__Snapshot *sn)
{
	if (sn->n_rows)
		free(sn->rows[0]);
	free(sn->rows);
	free(sn);
}

/* An envelope of type t around body, as one message with the empty delimiter first when delim. */
static void send_env(void *s, int delim, int type, const char *id, const uint8_t *body, size_t n)
{
	Ut__Envelope e = UT__ENVELOPE__INIT;
	e.id = (char *)id;
	e.node = "";
	e.type = type;
	e.body.data = (uint8_t *)body;
	e.body.len = n;
	size_t m = ut__envelope__get_packed_size(&e);
	uint8_t *buf = malloc(m);
	ut__envelope__pack(&e, buf);
	if (delim)
		zmq_send(s, "", 0, ZMQ_SNDMORE);
	zmq_send(s, buf, m, 0);
	free(buf);
}

static void send_one(void *s, int put, long i, long rows, long seq, long shift)
{
	char node[32], id[32], key[41];
	snprintf(node, sizeof node, "child-%05ld", i);
	snprintf(id, sizeof id, "%ld", i);
	uint8_t *body;
	size_t n;
	int type;
	if (!put) {
		char sec[41];
		zmq_curve_keypair(key, sec);
		Ut__Child c = UT__CHILD__INIT;
		c.node = node;
		c.public_key = key;
		body = malloc(ut__child__get_packed_size(&c));
		n = ut__child__pack(&c, body);
		type = UT__MSG_TYPE__MSG_REPORT_CHILD_ADD;
	} else {
		Ut__Snapshot *sn = snapshot_new(node, i, rows, seq, shift);
		Ut__SnapshotPut p = UT__SNAPSHOT_PUT__INIT;
		p.node = node;
		p.snapshot = sn;
		body = malloc(ut__snapshot_put__get_packed_size(&p));
		n = ut__snapshot_put__pack(&p, body);
		type = UT__MSG_TYPE__MSG_REPORT_SNAPSHOT_PUT;
		snapshot_free(sn);
	}
	send_env(s, 1, type, id, body, n);
	free(body);
}

/* The next envelope on s within timeout_ms, skipping an empty delimiter; NULL when none came. */
static Ut__Envelope *recv_env(void *s, int timeout_ms)
{
	zmq_pollitem_t it = {s, 0, ZMQ_POLLIN, 0};
	if (zmq_poll(&it, 1, timeout_ms) <= 0)
		return NULL;
	Ut__Envelope *r;
	ut_rpc_recv_envelope(s, 0, &r);
	return r;
}

/* ---- link: children over CURVE ---- */

typedef struct kid {
	void *s;
	char node[32], pub[41], sec[41];
	long seq, last; /* the snapshot waiting for its ack, the last to send */
} kid_t;

static void kid_send(kid_t *k, long i, long rows, long seq)
{
	Ut__Snapshot *sn = snapshot_new(k->node, i, rows, seq, seq);
	size_t n = ut__snapshot__get_packed_size(sn);
	uint8_t *body = malloc(n);
	ut__snapshot__pack(sn, body);
	char id[64];
	snprintf(id, sizeof id, "%s/snapshot/%ld", k->node, seq);
	send_env(k->s, 0, UT__MSG_TYPE__MSG_REPORT_SNAPSHOT_PUT, id, body, n);
	free(body);
	snapshot_free(sn);
	k->seq = seq;
}

/* Register the children with the parent, one request each, all in flight. */
static int kids_register(void *ctx, const char *ep, kid_t *k, long c)
{
	void *s = zmq_socket(ctx, ZMQ_DEALER);
	int linger = 0, ok = 0;
	zmq_setsockopt(s, ZMQ_LINGER, &linger, sizeof linger);
	zmq_connect(s, ep);
	for (long i = 0; i < c; i++) {
		Ut__Child ch = UT__CHILD__INIT;
		ch.node = k[i].node;
		ch.public_key = k[i].pub;
		uint8_t body[256];
		send_env(s, 1, UT__MSG_TYPE__MSG_REPORT_CHILD_ADD, "r", body, ut__child__pack(&ch, body));
	}
	for (long i = 0; i < c; i++) {
		Ut__Envelope *r = recv_env(s, 30000);
		ok += r && r->status == UT__STATUS__STATUS_OK;
		if (r)
			ut__envelope__free_unpacked(r, NULL);
	}
	zmq_close(s);
	return ok == c ? 0 : -1;
}

/* Until every child's snapshot `last` is acknowledged: each sends its next on the ack of the one
 * before. Returns how many were stored. */
static long kids_run(kid_t *k, long c, long rows)
{
	zmq_pollitem_t *it = calloc((size_t)c, sizeof *it);
	long busy = c, stored = 0;
	for (long i = 0; i < c; i++)
		it[i] = (zmq_pollitem_t){k[i].s, 0, ZMQ_POLLIN, 0};
	while (busy > 0 && zmq_poll(it, (int)c, 30000) > 0)
		for (long i = 0; i < c; i++) {
			if (!(it[i].revents & ZMQ_POLLIN))
				continue;
			Ut__Envelope *r = recv_env(k[i].s, 0);
			Ut__SnapshotAck *a = r && r->status == UT__STATUS__STATUS_OK
						     ? ut__snapshot_ack__unpack(NULL, r->body.len, r->body.data)
						     : NULL;
			if (a && a->seq == (uint64_t)k[i].seq) { /* else a refusal or "busy": the resend below */
				stored += !strcmp(a->message, "stored");
				if (k[i].seq == k[i].last)
					busy--, it[i].events = 0;
			} else if (r && r->status != UT__STATUS__STATUS_OK)
				fprintf(stderr, "ut-snapfeed: %s: %s\n", k[i].node, r->message);
			if (it[i].events)
				kid_send(&k[i], i, rows, a && a->seq == (uint64_t)k[i].seq ? k[i].seq + 1 : k[i].seq);
			if (a)
				ut__snapshot_ack__free_unpacked(a, NULL);
			if (r)
				ut__envelope__free_unpacked(r, NULL);
		}
	free(it);
	return stored;
}

static int link_main(char **argv)
{
	long c = atol(argv[5]), n = atol(argv[6]), rows = atol(argv[7]);
	if (c <= 0 || c > 1000 || n <= 0 || rows <= 0 || rows > 5760 || strlen(argv[4]) != 40)
		return 2;
	void *ctx = zmq_ctx_new();
	kid_t *k = calloc((size_t)c, sizeof *k);
	for (long i = 0; i < c; i++) {
		snprintf(k[i].node, sizeof k[i].node, "link-%05ld", i);
		zmq_curve_keypair(k[i].pub, k[i].sec);
	}
	if (kids_register(ctx, argv[2], k, c))
		return 1;
	int linger = 0;
	for (long i = 0; i < c; i++) {
		k[i].s = zmq_socket(ctx, ZMQ_DEALER);
		zmq_setsockopt(k[i].s, ZMQ_LINGER, &linger, sizeof linger);
		zmq_setsockopt(k[i].s, ZMQ_CURVE_SERVERKEY, argv[4], 40);
		zmq_setsockopt(k[i].s, ZMQ_CURVE_PUBLICKEY, k[i].pub, 40);
		zmq_setsockopt(k[i].s, ZMQ_CURVE_SECRETKEY, k[i].sec, 40);
		if (zmq_connect(k[i].s, argv[3]))
			return 3;
		k[i].last = 1;
		kid_send(&k[i], i, rows, 1); /* the handshakes and a first snapshot, untimed */
	}
	long warm = kids_run(k, c, rows);
	for (long i = 0; i < c; i++) {
		k[i].last = 1 + n;
		kid_send(&k[i], i, rows, 2);
	}
	double t0 = now_ms();
	long stored = kids_run(k, c, rows);
	double ms = now_ms() - t0;
	printf("children %ld first %ld requests %ld stored %ld ms %.1f per_s %.0f snapshot_bytes %zu\n", c, warm, c * n,
	       stored, ms, (double)stored * 1000 / ms, packed_max);
	for (long i = 0; i < c; i++)
		zmq_close(k[i].s);
	free(k);
	zmq_ctx_term(ctx);
	return warm == c && stored == c * n ? 0 : 1;
}

int main(int argc, char **argv)
{
	if (argc == 8 && !strcmp(argv[1], "link"))
		return link_main(argv);
	int put = (argc == 7 || argc == 8) && !strcmp(argv[1], "put");
	if (!put && !(argc == 5 && !strcmp(argv[1], "register"))) {
		fprintf(stderr, "usage: ut-snapfeed register ENDPOINT N W | put ENDPOINT N W ROWS SEQ [SHIFT]"
				" | link ENDPOINT LISTEN KEY C S ROWS\n");
		return 2;
	}
	long count = atol(argv[3]), inflight = atol(argv[4]), rows = put ? atol(argv[5]) : 0, seq = put ? atol(argv[6]) : 0;
	long shift = argc == 8 ? atol(argv[7]) : 0;
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
			send_one(s, put, next++, rows, seq, shift);
		Ut__Envelope *r = recv_env(s, 30000);
		if (!r)
			break; /* unanswered: reported below */
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
