/* ut-load: keeps W requests in flight on one DEALER socket and reports replies, status counts,
 * latency and throughput. Requests are `course add` to ut-schedd (each a unique code) or, with
 * -c NCLASSES, `enrol` to ut-enrold (cadre PREFIX%05d into class 1 + i % NCLASSES). Every request
 * must be answered exactly once; the exit status says whether it was. With -s, the daemon's own
 * figures for the run (requests, commits and the time they took, from its status before and after). */
#include "enrol.pb-c.h"
#include "envelope.pb-c.h"
#include "sched.pb-c.h"
#include "ut/clock.h"
#include "ut/rpc.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <zmq.h>

static int64_t now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static int cmp64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return x < y ? -1 : x > y;
}

static int nclasses; /* > 0: enrolment requests */

/* The daemon's counters; 0 when it does not answer a status request. */
static int daemon_status(void *ctx, const char *endpoint, int64_t out[3])
{
	ut_rpc_client_t *cl = ut_rpc_client_new(ctx, endpoint, 5000);
	Ut__Envelope *rep = NULL;
	Ut__StatusReply *st = NULL;
	if (cl && ut_rpc_call(cl, UT__MSG_TYPE__MSG_STATUS, NULL, &rep) == 0 && rep->status == UT__STATUS__STATUS_OK)
		st = ut__status_reply__unpack(NULL, rep->body.len, rep->body.data);
	int ok = st != NULL;
	if (st) {
		out[0] = st->requests_served, out[1] = st->commits, out[2] = st->commit_us;
		ut__status_reply__free_unpacked(st, NULL);
	}
	if (rep)
		ut__envelope__free_unpacked(rep, NULL);
	ut_rpc_client_destroy(&cl);
	return ok;
}

static void send_one(void *s, const char *prefix, long i)
{
	char code[64], id[32], *ids[1] = {code};
	snprintf(id, sizeof id, "%ld", i);
	uint8_t body[256], buf[512];
	size_t n;
	Ut__Envelope e = UT__ENVELOPE__INIT;
	if (nclasses) {
		snprintf(code, sizeof code, "%s%05ld", prefix, i + 1);
		Ut__EnrolRequest q = UT__ENROL_REQUEST__INIT;
		q.class_id = 1 + i % nclasses;
		q.cadre_ids = ids;
		q.n_cadre_ids = 1;
		n = ut__enrol_request__pack(&q, body);
		e.type = UT__MSG_TYPE__MSG_ENROL;
	} else {
		snprintf(code, sizeof code, "%s-%ld", prefix, i);
		Ut__Course c = UT__COURSE__INIT;
		c.code = code;
		c.title = "Load";
		c.category = "safety";
		n = ut__course__pack(&c, body);
		e.type = UT__MSG_TYPE__MSG_COURSE_ADD;
	}
	e.id = id;
	e.node = "";
	e.body.data = body;
	e.body.len = n;
	size_t m = ut__envelope__pack(&e, buf);
	zmq_send(s, "", 0, ZMQ_SNDMORE);
	zmq_send(s, buf, m, 0);
}

int main(int argc, char **argv)
{
	long count = 1000, inflight = 16, rate = 0;
	const char *prefix = "L";
	int c, status_of_daemon = 0;
	while ((c = getopt(argc, argv, "n:w:p:r:c:sh")) != -1) {
		switch (c) {
		case 's': status_of_daemon = 1; break;
		case 'c': nclasses = atoi(optarg); break;
		case 'r': rate = atol(optarg); break;
		case 'n': count = atol(optarg); break;
		case 'w': inflight = atol(optarg); break;
		case 'p': prefix = optarg; break;
		default:
			fprintf(stderr, "usage: ut-load [-n COUNT] [-w IN_FLIGHT] [-r PER_SECOND] [-p PREFIX] [-c NCLASSES] [-s] ENDPOINT\n"
					"  -c N: enrol cadre PREFIX%%05d (1..COUNT) into class 1 + i %% N instead of adding courses\n"
					"  -s: also print the daemon's requests, commits and commit time over the run\n");
			return 2;
		}
	}
	if (optind != argc - 1 || count <= 0 || inflight <= 0)
		return 2;
	void *ctx = zmq_ctx_new(), *s = zmq_socket(ctx, ZMQ_DEALER);
	int linger = 0;
	zmq_setsockopt(s, ZMQ_LINGER, &linger, sizeof linger);
	if (zmq_connect(s, argv[optind]) != 0)
		return 3;
	int64_t *sent_at = calloc((size_t)count, sizeof *sent_at), *lat = calloc((size_t)count, sizeof *lat);
	char *answered = calloc((size_t)count, 1);
	int64_t before[3], after[3];
	if (status_of_daemon && !daemon_status(ctx, argv[optind], before))
		return 3;
	long next = 0, got = 0, dup = 0, status[8] = {0};
	int64_t t0 = now_us();
	while (got < count) {
		/* with a rate, request i may not leave before t0 + i / rate */
		while (next < count && next - got < inflight && (!rate || now_us() - t0 >= next * 1000000 / rate)) {
			sent_at[next] = now_us();
			send_one(s, prefix, next++);
		}
		zmq_pollitem_t it = {s, 0, ZMQ_POLLIN, 0};
		int wait = rate && next < count && next - got < inflight ? 1 : 5000;
		int pr = zmq_poll(&it, 1, wait);
		if (pr == 0 && wait == 1)
			continue; /* time for the next request */
		if (pr <= 0)
			break; /* an unanswered request: reported below */
		Ut__Envelope *r;
		ut_rpc_recv_envelope(s, 0, &r);
		if (!r)
			continue;
		long i = atol(r->id);
		if (i >= 0 && i < next && !answered[i]) {
			answered[i] = 1;
			lat[got++] = now_us() - sent_at[i];
			status[r->status < 8 ? r->status : 7]++;
		} else
			dup++;
		ut__envelope__free_unpacked(r, NULL);
	}
	double secs = (double)(now_us() - t0) / 1e6;
	qsort(lat, (size_t)got, sizeof *lat, cmp64);
	printf("requests %ld answered %ld duplicates %ld ok %ld conflict %ld other %ld\n", count, got, dup, status[0],
	       status[3], got - status[0] - status[3]);
	if (got)
		printf("throughput %.0f req/s p50 %lld us p99 %lld us in-flight %ld\n", (double)got / secs,
		       (long long)lat[got / 2], (long long)lat[(got * 99) / 100], inflight);
	if (status_of_daemon && daemon_status(ctx, argv[optind], after)) {
		int64_t req = after[0] - before[0] - 1, commits = after[1] - before[1]; /* less the first status */
		printf("daemon %lld requests %lld commits %.1f per commit %.0f us per commit\n", (long long)req,
		       (long long)commits, commits ? (double)req / (double)commits : 0.0,
		       commits ? (double)(after[2] - before[2]) / (double)commits : 0.0);
	}
	zmq_close(s);
	zmq_ctx_term(ctx);
	free(sent_at);
	free(lat);
	free(answered);
	return got == count && dup == 0 ? 0 : 1;
}
