/* ut-enrol-load: many concurrent clients enrolling cadres into classes through ut-enrold, each client
 * a DEALER with several requests in flight. Prints one line per cadre, "<cadre> <class> <status>
 * <state> <place>", so a test can check every cadre was answered exactly once and compare the
 * answers with the database and the event stream. A summary with the rate goes to stderr. */
#include "enrol.pb-c.h"
#include "envelope.pb-c.h"
#include "ut/clock.h"
#include "ut/err.h"
#include "ut/rpc.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zmq.h>

typedef struct job {
	const char *endpoint, *prefix;
	int client, clients, ncadres, first_class, nclasses, inflight, timeout_ms, late;
	void *zctx;
	long sent, answered, timeouts, dups, ok;
} job_t;

static void cadre_of(const job_t *j, int i, char *id, size_t len, int64_t *cls)
{
	snprintf(id, len, "%s%05d", j->prefix, i);
	*cls = j->first_class + (i - 1) % j->nclasses;
}

static int send_one(const job_t *j, void *sock, int i)
{
	char cadre[64], rid[64];
	int64_t cls;
	cadre_of(j, i, cadre, sizeof cadre, &cls);
	snprintf(rid, sizeof rid, "load-%d", i);
	char *ids[1] = {cadre};
	Ut__EnrolRequest q = UT__ENROL_REQUEST__INIT;
	q.class_id = cls;
	q.cadre_ids = ids;
	q.n_cadre_ids = 1;
	q.late = j->late;
	unsigned char body[256], buf[512];
	size_t blen = ut__enrol_request__pack(&q, body);
	Ut__Envelope env = UT__ENVELOPE__INIT;
	env.id = rid;
	env.type = UT__MSG_TYPE__MSG_ENROL;
	env.node = "";
	env.ts_ms = ut_clock_now_ms();
	env.body.data = body;
	env.body.len = blen;
	size_t n = ut__envelope__pack(&env, buf);
	return zmq_send(sock, "", 0, ZMQ_SNDMORE) < 0 || zmq_send(sock, buf, n, 0) < 0 ? -1 : 0;
}

static void print_reply(const job_t *j, int i, const Ut__Envelope *r)
{
	char cadre[64];
	int64_t cls;
	cadre_of(j, i, cadre, sizeof cadre, &cls);
	const char *state = "-";
	int pos = 0;
	Ut__EnrolReply *er = NULL;
	if (r->status == UT__STATUS__STATUS_OK &&
	    (er = ut__enrol_reply__unpack(NULL, r->body.len, r->body.data)) && er->n_results == 1 &&
	    er->results[0]->enrolment) {
		state = er->results[0]->enrolment->state;
		pos = er->results[0]->enrolment->waitlist_pos;
	}
	printf("%s %lld %s %s %d\n", cadre, (long long)cls, ut_status_name(r->status), state, pos);
	if (er)
		ut__enrol_reply__free_unpacked(er, NULL);
}

static void *client_run(void *arg)
{
	job_t *j = arg;
	void *sock = zmq_socket(j->zctx, ZMQ_DEALER);
	int linger = 0, hwm = 100000;
	zmq_setsockopt(sock, ZMQ_LINGER, &linger, sizeof linger);
	zmq_setsockopt(sock, ZMQ_SNDHWM, &hwm, sizeof hwm);
	zmq_setsockopt(sock, ZMQ_RCVHWM, &hwm, sizeof hwm);
	if (zmq_connect(sock, j->endpoint) != 0) {
		fprintf(stderr, "ut-enrol-load: connect %s: %s\n", j->endpoint, zmq_strerror(zmq_errno()));
		zmq_close(sock);
		return NULL;
	}
	/* this client's cadres: i = client+1, client+1+clients, ... */
	int mine = 0;
	for (int i = j->client + 1; i <= j->ncadres; i += j->clients)
		mine++;
	int *idx = calloc((size_t)mine, sizeof *idx);
	char *state = calloc((size_t)mine, 1); /* 0 unsent, 1 in flight, 2 answered, 3 timed out */
	int64_t *deadline = calloc((size_t)mine, sizeof *deadline);
	for (int k = 0, i = j->client + 1; k < mine; k++, i += j->clients)
		idx[k] = i;
	int next = 0, flying = 0, done = 0;
	while (done < mine) {
		while (flying < j->inflight && next < mine) {
			if (send_one(j, sock, idx[next]) == 0) {
				state[next] = 1;
				deadline[next] = ut_clock_mono_ms() + j->timeout_ms;
				j->sent++;
				flying++;
			}
			next++;
		}
		/* the oldest in-flight request bounds the wait */
		int64_t first = 0;
		for (int k = 0; k < next; k++)
			if (state[k] == 1 && (!first || deadline[k] < first))
				first = deadline[k];
		long wait = first ? (long)(first - ut_clock_mono_ms()) : 0;
		zmq_pollitem_t it = {sock, 0, ZMQ_POLLIN, 0};
		if (wait > 0 && zmq_poll(&it, 1, wait) > 0) {
			while (1) {
				Ut__Envelope *r;
				if (ut_rpc_recv_envelope(sock, 1, &r) != 1)
					break;
				int i = r && r->id ? atoi(r->id + (strncmp(r->id, "load-", 5) ? 0 : 5)) : 0;
				int k = i > 0 ? (i - 1 - j->client) / j->clients : -1;
				if (k < 0 || k >= mine || idx[k] != i) {
					printf("? - unknown-reply - 0\n");
				} else if (state[k] == 1) {
					state[k] = 2;
					flying--;
					done++;
					j->answered++;
					j->ok += r->status == UT__STATUS__STATUS_OK;
					print_reply(j, i, r);
				} else {
					/* a second answer, or one after the timeout: both are worth knowing */
					j->dups += state[k] == 2;
					printf("%s%05d - %s - 0\n", j->prefix, i, state[k] == 2 ? "duplicate" : "late");
				}
				if (r)
					ut__envelope__free_unpacked(r, NULL);
			}
		}
		int64_t now = ut_clock_mono_ms();
		for (int k = 0; k < next; k++)
			if (state[k] == 1 && deadline[k] <= now) {
				char cadre[64];
				int64_t cls;
				cadre_of(j, idx[k], cadre, sizeof cadre, &cls);
				printf("%s %lld timeout - 0\n", cadre, (long long)cls);
				state[k] = 3;
				flying--;
				done++;
				j->timeouts++;
			}
	}
	free(idx);
	free(state);
	free(deadline);
	zmq_close(sock);
	return NULL;
}

int main(int argc, char **argv)
{
	if (argc != 9 && !(argc == 10 && !strcmp(argv[9], "late"))) {
		fprintf(stderr, "usage: ut-enrol-load ENDPOINT NCADRES PREFIX FIRST_CLASS NCLASSES CLIENTS INFLIGHT TIMEOUT_MS"
				" [late]\n"
				"Cadre i (PREFIX%%05d, 1..NCADRES) asks for class FIRST_CLASS + (i-1) %% NCLASSES;\n"
				"late: also into classes that have started or closed.\n");
		return 2;
	}
	int clients = atoi(argv[6]);
	if (clients < 1 || clients > 1024)
		return 2;
	void *zctx = zmq_ctx_new();
	job_t *jobs = calloc((size_t)clients, sizeof *jobs);
	pthread_t *th = calloc((size_t)clients, sizeof *th);
	int64_t t0 = ut_clock_mono_ms();
	for (int c = 0; c < clients; c++) {
		jobs[c] = (job_t){.endpoint = argv[1], .ncadres = atoi(argv[2]), .prefix = argv[3],
				  .first_class = atoi(argv[4]), .nclasses = atoi(argv[5]), .clients = clients,
				  .client = c, .inflight = atoi(argv[7]), .timeout_ms = atoi(argv[8]), .late = argc == 10, .zctx = zctx};
		pthread_create(&th[c], NULL, client_run, &jobs[c]);
	}
	long sent = 0, answered = 0, timeouts = 0, dups = 0, ok = 0;
	for (int c = 0; c < clients; c++) {
		pthread_join(th[c], NULL);
		sent += jobs[c].sent, answered += jobs[c].answered, timeouts += jobs[c].timeouts;
		dups += jobs[c].dups, ok += jobs[c].ok;
	}
	double secs = (double)(ut_clock_mono_ms() - t0) / 1000.0;
	fflush(stdout);
	fprintf(stderr, "ut-enrol-load: %d clients, %ld sent, %ld answered (%ld ok), %ld timed out, %ld duplicate"
			" answers, %.2f s, %.0f answers/s\n",
		clients, sent, answered, ok, timeouts, dups, secs, secs > 0 ? (double)answered / secs : 0.0);
	/* how many transactions the daemon needed: the group-commit ratio */
	ut_rpc_client_t *cl = ut_rpc_client_new(zctx, argv[1], 5000);
	Ut__Envelope *r = NULL;
	Ut__StatusReply *sr = NULL;
	if (cl && ut_rpc_call(cl, UT__MSG_TYPE__MSG_STATUS, NULL, &r) == 0 && r->status == UT__STATUS__STATUS_OK)
		sr = ut__status_reply__unpack(NULL, r->body.len, r->body.data);
	if (sr) {
		fprintf(stderr, "ut-enrol-load: daemon served %lld requests in %lld commits\n",
			(long long)sr->requests_served, (long long)sr->commits);
		ut__status_reply__free_unpacked(sr, NULL);
	}
	if (r)
		ut__envelope__free_unpacked(r, NULL);
	ut_rpc_client_destroy(&cl);
	free(jobs);
	free(th);
	zmq_ctx_term(zctx);
	return 0;
}
