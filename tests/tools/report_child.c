/* ut-report-child: a child node as an attacker holding a registered key would be: it connects to a
 * parent's report endpoint over CURVE and sends the snapshots it is told to, whatever they hold, on
 * one connection, and prints each answer. Commands come on stdin, one a line:
 *   snap SEQ BUILT NODES [YEAR:MONTH:CATEGORY:FORMAT:UNIT_KIND:METRIC:VALUE ...]
 *   many SEQ BUILT N      a snapshot of N distinct groups (year 2016, participations 1 each)
 *   raw BYTES             an envelope of type MSG_REPORT_SNAPSHOT_PUT with a body of BYTES zeros
 *   flood N               N more connections at once, each with the key; prints "refused K", the
 *                         handshakes the parent refused within 10 s
 * BUILT is milliseconds since the epoch, or "now", "now+MS", "now-MS". Each answer is printed as
 * "STATUS SEQ ACCEPTED MESSAGE" (the envelope's status name, the ack's fields, the message), or
 * "none" when none came in 5 s; "closed" after the connection was dropped. */
#include "envelope.pb-c.h"
#include "report.pb-c.h"
#include "ut/clock.h"
#include "ut/curvekey.h"
#include "ut/err.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zmq.h>

static int64_t built_arg(const char *s)
{
	if (strncmp(s, "now", 3))
		return strtoll(s, NULL, 10);
	return ut_clock_now_ms() + (s[3] ? strtoll(s + 3, NULL, 10) : 0);
}

static Ut__SnapshotRow *row_arg(char *s)
{
	Ut__SnapshotRow *r = calloc(1, sizeof *r);
	ut__snapshot_row__init(r);
	char *f[7];
	for (int i = 0; i < 7; i++)
		f[i] = strsep(&s, ":");
	if (!f[6])
		return NULL;
	r->year = atoi(f[0]);
	r->month = atoi(f[1]);
	r->category = f[2];
	r->format = f[3];
	r->unit_kind = f[4];
	r->metric = f[5];
	r->value = strtoll(f[6], NULL, 10);
	return r;
}

static int send_env(void *sock, const char *id, const uint8_t *body, size_t len)
{
	Ut__Envelope e = UT__ENVELOPE__INIT;
	e.id = (char *)id;
	e.type = UT__MSG_TYPE__MSG_REPORT_SNAPSHOT_PUT;
	e.node = "";
	e.ts_ms = ut_clock_now_ms();
	e.body.data = (uint8_t *)body;
	e.body.len = len;
	size_t n = ut__envelope__get_packed_size(&e);
	uint8_t *buf = malloc(n ? n : 1);
	ut__envelope__pack(&e, buf);
	int rc = zmq_send(sock, buf, n, 0);
	free(buf);
	return rc < 0 ? -1 : 0;
}

static void print_reply(void *sock, const char *id)
{
	for (;;) {
		zmq_pollitem_t it = {sock, 0, ZMQ_POLLIN, 0};
		if (zmq_poll(&it, 1, 5000) <= 0) {
			printf("none\n");
			return;
		}
		zmq_msg_t m;
		zmq_msg_init(&m);
		if (zmq_msg_recv(&m, sock, 0) < 0) {
			zmq_msg_close(&m);
			printf("closed\n");
			return;
		}
		Ut__Envelope *e = ut__envelope__unpack(NULL, zmq_msg_size(&m), zmq_msg_data(&m));
		zmq_msg_close(&m);
		if (!e) {
			printf("undecodable\n");
			return;
		}
		if (strcmp(e->id, id)) { /* a late answer to an earlier command */
			ut__envelope__free_unpacked(e, NULL);
			continue;
		}
		Ut__SnapshotAck *a = e->status == UT__STATUS__STATUS_OK ? ut__snapshot_ack__unpack(NULL, e->body.len, e->body.data) : NULL;
		printf("%s %llu %d %s\n", ut_status_name(e->status), a ? (unsigned long long)a->seq : 0ULL, a ? a->accepted : 0,
		       a ? a->message : e->message);
		if (a)
			ut__snapshot_ack__free_unpacked(a, NULL);
		ut__envelope__free_unpacked(e, NULL);
		return;
	}
}

/* N connections with the key, each watched for the parent refusing its handshake. */
static void flood(void *ctx, char **argv, const char *pub, const char *sec, int n)
{
	void **socks = calloc((size_t)n, sizeof *socks), **mons = calloc((size_t)n, sizeof *mons);
	int zero = 0, refused = 0;
	for (int i = 0; i < n; i++) {
		char ep[64];
		snprintf(ep, sizeof ep, "inproc://flood-mon-%d", i);
		socks[i] = zmq_socket(ctx, ZMQ_DEALER);
		zmq_setsockopt(socks[i], ZMQ_LINGER, &zero, sizeof zero);
		zmq_setsockopt(socks[i], ZMQ_CURVE_SERVERKEY, argv[2], UT_CURVEKEY_LEN);
		zmq_setsockopt(socks[i], ZMQ_CURVE_PUBLICKEY, pub, UT_CURVEKEY_LEN);
		zmq_setsockopt(socks[i], ZMQ_CURVE_SECRETKEY, sec, UT_CURVEKEY_LEN);
		zmq_socket_monitor(socks[i], ep, ZMQ_EVENT_HANDSHAKE_FAILED_AUTH);
		mons[i] = zmq_socket(ctx, ZMQ_PAIR);
		zmq_setsockopt(mons[i], ZMQ_LINGER, &zero, sizeof zero);
		zmq_connect(mons[i], ep);
		zmq_connect(socks[i], argv[1]);
	}
	int64_t end = ut_clock_mono_ms() + 10000;
	zmq_pollitem_t *it = calloc((size_t)n, sizeof *it);
	for (int i = 0; i < n; i++)
		it[i] = (zmq_pollitem_t){mons[i], 0, ZMQ_POLLIN, 0};
	while (refused < n && ut_clock_mono_ms() < end) {
		if (zmq_poll(it, n, (long)(end - ut_clock_mono_ms())) <= 0)
			continue;
		for (int i = 0; i < n; i++)
			if (it[i].revents & ZMQ_POLLIN) {
				zmq_msg_t m;
				zmq_msg_init(&m);
				do
					zmq_msg_recv(&m, mons[i], 0);
				while (zmq_msg_more(&m));
				zmq_msg_close(&m);
				refused++;
				it[i].events = 0;
			}
	}
	printf("refused %d\n", refused);
	for (int i = 0; i < n; i++) {
		zmq_close(mons[i]);
		zmq_close(socks[i]);
	}
	free(it);
	free(socks);
	free(mons);
}

int main(int argc, char **argv)
{
	if (argc != 5) {
		fprintf(stderr, "usage: ut-report-child ENDPOINT PARENT_KEY KEY_FILE NODE < commands\n");
		return 2;
	}
	char pub[UT_CURVEKEY_LEN + 1], sec[UT_CURVEKEY_LEN + 1];
	if (ut_curvekey_load(argv[3], pub, sec)) {
		fprintf(stderr, "ut-report-child: cannot read %s\n", argv[3]);
		return 2;
	}
	void *ctx = zmq_ctx_new(), *s = zmq_socket(ctx, ZMQ_DEALER);
	int zero = 0;
	zmq_setsockopt(s, ZMQ_LINGER, &zero, sizeof zero);
	zmq_setsockopt(s, ZMQ_CURVE_SERVERKEY, argv[2], UT_CURVEKEY_LEN);
	zmq_setsockopt(s, ZMQ_CURVE_PUBLICKEY, pub, UT_CURVEKEY_LEN);
	zmq_setsockopt(s, ZMQ_CURVE_SECRETKEY, sec, UT_CURVEKEY_LEN);
	if (zmq_connect(s, argv[1])) {
		fprintf(stderr, "ut-report-child: bad endpoint %s\n", argv[1]);
		return 2;
	}
	char line[65536];
	int k = 0;
	setvbuf(stdout, NULL, _IOLBF, 0);
	while (fgets(line, sizeof line, stdin)) {
		char *save = NULL, *cmd = strtok_r(line, " \t\n", &save);
		if (!cmd)
			continue;
		char id[32];
		snprintf(id, sizeof id, "hostile-%d", ++k);
		uint8_t *body = NULL;
		size_t len = 0;
		if (!strcmp(cmd, "flood")) {
			char *n = strtok_r(NULL, " \t\n", &save);
			flood(ctx, argv, pub, sec, n ? atoi(n) : 1);
			continue;
		}
		if (!strcmp(cmd, "raw")) {
			char *n = strtok_r(NULL, " \t\n", &save);
			len = n ? strtoull(n, NULL, 10) : 0;
			body = calloc(1, len ? len : 1);
		} else if (!strcmp(cmd, "snap") || !strcmp(cmd, "many")) {
			char *seq = strtok_r(NULL, " \t\n", &save), *built = strtok_r(NULL, " \t\n", &save),
			     *nodes = strtok_r(NULL, " \t\n", &save);
			if (!nodes) {
				fprintf(stderr, "ut-report-child: %s needs SEQ BUILT NODES\n", cmd);
				return 2;
			}
			Ut__Snapshot sn = UT__SNAPSHOT__INIT;
			sn.node = argv[4];
			sn.seq = strtoull(seq, NULL, 10);
			sn.built_ms = built_arg(built);
			size_t cap = 16;
			Ut__SnapshotRow **rows = malloc(cap * sizeof *rows);
			char (*labels)[24] = NULL;
			if (!strcmp(cmd, "many")) {
				/* N groups: distinct categories, one row each */
				size_t n = strtoull(nodes, NULL, 10);
				sn.nodes = 1;
				rows = realloc(rows, (n ? n : 1) * sizeof *rows);
				labels = calloc(n ? n : 1, sizeof *labels);
				for (size_t i = 0; i < n; i++) {
					Ut__SnapshotRow *r = calloc(1, sizeof *r);
					ut__snapshot_row__init(r);
					snprintf(labels[i], sizeof labels[i], "g%zu", i);
					r->year = 2016;
					r->month = 1;
					r->category = labels[i];
					r->format = "in_person";
					r->unit_kind = "enterprise";
					r->metric = "participations";
					r->value = 1;
					rows[sn.n_rows++] = r;
				}
			} else {
				sn.nodes = atoi(nodes);
				for (char *a; (a = strtok_r(NULL, " \t\n", &save));) {
					if (sn.n_rows == cap)
						rows = realloc(rows, (cap *= 2) * sizeof *rows);
					if (!(rows[sn.n_rows++] = row_arg(a))) {
						fprintf(stderr, "ut-report-child: a row is YEAR:MONTH:CATEGORY:FORMAT:UNIT_KIND:METRIC:VALUE\n");
						return 2;
					}
				}
			}
			sn.rows = rows;
			len = ut__snapshot__get_packed_size(&sn);
			body = malloc(len ? len : 1);
			ut__snapshot__pack(&sn, body);
			for (size_t i = 0; i < sn.n_rows; i++)
				free(rows[i]);
			free(rows);
			free(labels);
		} else {
			fprintf(stderr, "ut-report-child: unknown command %s\n", cmd);
			return 2;
		}
		if (send_env(s, id, body, len))
			printf("unsent\n");
		else
			print_reply(s, id);
		free(body);
	}
	zmq_close(s);
	zmq_ctx_term(ctx);
	return 0;
}
