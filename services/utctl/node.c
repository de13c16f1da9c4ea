/* `utctl node status`: ask the node's daemons (the four and the web console) at once and print
 * one line each. */
#include "utctl.h"
#include "output.h"
#include "ut/err.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <zmq.h>

static const char *const daemons[] = {"ut-schedd", "ut-enrold", "ut-notifyd", "ut-reportd", "ut-webd"};
#define NDAEMONS (sizeof daemons / sizeof daemons[0])

typedef struct probe {
	void *zctx;
	const char *daemon;
	char *endpoint;
	int timeout_ms;
	int err;              /* UT_E* from the call; UT_ETIMEOUT also when no client could be made */
	Ut__Envelope *rep;    /* the reply, when err == 0 */
	Ut__StatusReply *st;  /* its body, when the status is ok */
} probe_t;

static void *probe_run(void *arg)
{
	probe_t *p = arg;
	ut_rpc_client_t *cl = p->endpoint ? ut_rpc_client_new(p->zctx, p->endpoint, p->timeout_ms) : NULL;
	p->err = cl ? ut_rpc_call(cl, UT__MSG_TYPE__MSG_STATUS, NULL, &p->rep) : UT_ETIMEOUT;
	ut_rpc_client_destroy(&cl);
	if (!p->err && p->rep->status == UT__STATUS__STATUS_OK)
		p->st = ut__status_reply__unpack(NULL, p->rep->body.len, p->rep->body.data);
	return NULL;
}

static const char *uptime(int64_t s, char *buf, size_t len)
{
	if (s >= 86400)
		snprintf(buf, len, "%lldd%02lldh", (long long)(s / 86400), (long long)(s % 86400 / 3600));
	else if (s >= 3600)
		snprintf(buf, len, "%lldh%02lldm", (long long)(s / 3600), (long long)(s % 3600 / 60));
	else if (s >= 60)
		snprintf(buf, len, "%lldm%02llds", (long long)(s / 60), (long long)(s % 60));
	else
		snprintf(buf, len, "%llds", (long long)s);
	return buf;
}

static const char *state_of(const probe_t *p)
{
	return p->err ? "down" : p->st ? "up" : "error";
}

static void print_text(const probe_t *pr)
{
	static const char *const h[] = {"DAEMON", "STATE", "UPTIME", "REQUESTS", "EVENTS", "OUTBOX", "REDIS", "DB"};
	table_t *t = table_new(8, h, "llrrrrll");
	for (size_t i = 0; i < NDAEMONS; i++) {
		const probe_t *p = &pr[i];
		char b[32];
		table_row(t);
		table_cell(t, "%s", p->daemon);
		table_cell(t, "%s", state_of(p));
		if (!p->st) {
			for (int k = 0; k < 6; k++)
				table_cell(t, "-");
			continue;
		}
		table_cell(t, "%s", uptime(p->st->uptime_s, b, sizeof b));
		table_cell(t, "%lld", (long long)p->st->requests_served);
		table_cell(t, "%lld", (long long)p->st->events_applied);
		table_cell(t, "%lld", (long long)p->st->outbox_pending);
		table_cell(t, "%s", p->st->redis_connected ? "yes" : "no");
		table_cell(t, "%s", *p->st->db_path ? p->st->db_path : "-");
	}
	table_print(t, stdout, 0);
	table_free(&t);
}

static void print_json(const probe_t *pr)
{
	jw_t j;
	jw_init(&j, stdout);
	jw_arr(&j);
	for (size_t i = 0; i < NDAEMONS; i++) {
		const probe_t *p = &pr[i];
		jw_obj(&j);
		jw_key(&j, "daemon");
		jw_str(&j, p->daemon);
		jw_key(&j, "state");
		jw_str(&j, state_of(p));
		jw_key(&j, "endpoint");
		jw_str(&j, p->endpoint);
		if (p->st)
			jw_fields(&j, &p->st->base, "daemon");
		else if (!p->err) {
			jw_key(&j, "error");
			jw_str(&j, p->rep->message);
		}
		jw_end_obj(&j);
	}
	jw_end_arr(&j);
	fputc('\n', stdout);
}

static int node_status(ctx_t *c, int argc, char **argv)
{
	const char *pos[1];
	if (opt_none(c, argc, argv, pos, 0, 0, "") < 0)
		return EXIT_USAGE;
	int rc = ctx_ready(c);
	if (rc)
		return rc;
	if (!c->zctx && !(c->zctx = zmq_ctx_new())) {
		fprintf(stderr, "utctl: cannot start ZeroMQ\n");
		return EXIT_REFUSED;
	}

	/* in parallel, so a dead daemon costs one timeout, not one each */
	probe_t pr[NDAEMONS];
	pthread_t th[NDAEMONS];
	int started[NDAEMONS];
	for (size_t i = 0; i < NDAEMONS; i++) {
		pr[i] = (probe_t){.zctx = c->zctx, .daemon = daemons[i], .timeout_ms = c->timeout_ms};
		pr[i].endpoint = ut_config_endpoint(&c->cfg, daemons[i]);
		started[i] = pthread_create(&th[i], NULL, probe_run, &pr[i]) == 0;
		if (!started[i])
			probe_run(&pr[i]);
	}
	for (size_t i = 0; i < NDAEMONS; i++)
		if (started[i])
			pthread_join(th[i], NULL);

	if (c->json)
		print_json(pr);
	else
		print_text(pr);
	fflush(stdout);
	for (size_t i = 0; i < NDAEMONS; i++) {
		probe_t *p = &pr[i];
		if (p->err) {
			say_down(p->daemon, p->endpoint);
			rc = EXIT_DOWN;
		} else if (!p->st) {
			fprintf(stderr, "utctl: %s: %s: %s\n", p->daemon,
				p->rep->status == UT__STATUS__STATUS_OK ? "internal" : ut_status_name(p->rep->status),
				p->rep->status == UT__STATUS__STATUS_OK ? "status reply cannot be decoded" : p->rep->message);
			if (rc != EXIT_DOWN)
				rc = EXIT_REFUSED;
		}
		if (p->st)
			ut__status_reply__free_unpacked(p->st, NULL);
		if (p->rep)
			ut__envelope__free_unpacked(p->rep, NULL);
		free(p->endpoint);
	}
	return rc;
}

const verb_t node_verbs[] = {
	{"status", node_status, "ask every daemon of the node whether it is up, and how busy it is", "", NULL,
	 "utctl node status\n  utctl --node-config /etc/ut/node.ini --json node status",
	 "Columns: daemon, up/down, uptime, requests served since start, events applied, events waiting\n"
	 "in the outbox, whether Redis is connected, database file. Exits 3 if any daemon is not answering."},
	{0},
};
