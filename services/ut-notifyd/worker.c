/* `ut-notifyd --worker`: takes delivery jobs from the job stream (a consumer group shared by any
 * number of workers), sends each over its channel, and reports the outcome on the results stream
 * in the same Redis transaction as the XACK, so a job is acknowledged only with its outcome. */
#include "notifyd.h"
#include "ut/clock.h"
#include "ut/config.h"
#include "ut/err.h"
#include "ut/log.h"

#include <curl/curl.h>
#include <getopt.h>
#include <hiredis/hiredis.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <unistd.h>

typedef struct worker {
	ut_config_t cfg;
	ut_bus_t *bus;
	char name[128];
	char jobs[256], results[256], state[256], alive[256];
	char *spool_dir, *sock;
	notify_alive_t *beat;
	int sigfd, stop;
	long sent, failed;
} worker_t;

static const char *reply_str(redisReply *r) { return r && r->type == REDIS_REPLY_STRING ? r->str : ""; }

static void ack_only(worker_t *w, const char *id)
{
	redisReply *r = ut_bus_command(w->bus, "XACK %s %s %s", w->jobs, NOTIFY_WORKERS, id);
	if (r)
		freeReplyObject(r);
}

/* Before a send: the key's state, and "sending:<worker>" written unless it was sent already or
 * there is nothing to send (mark = ""). One round trip instead of HGET, then HSET. */
static const char claim_lua[] =
	"local v = redis.call('HGET', KEYS[1], ARGV[1])\n"
	"if v ~= 'sent' and ARGV[2] ~= '' then redis.call('HSET', KEYS[1], ARGV[1], ARGV[2]) end\n"
	"return v\n";

/* After a send: the key's state ("sent", or dropped when the send failed), the outcome on the
 * results stream and the XACK, in one script, so Redis has all three or none; with none the
 * job is still pending and will be reclaimed. One round trip instead of five. */
static const char done_lua[] =
	"if ARGV[2] == 'sent' then redis.call('HSET', KEYS[1], ARGV[1], 'sent')\n"
	"elseif ARGV[2] == 'drop' then redis.call('HDEL', KEYS[1], ARGV[1]) end\n"
	"redis.call('XADD', KEYS[2], '*', 'd', ARGV[3])\n"
	"return redis.call('XACK', KEYS[3], ARGV[4], ARGV[5])\n";

/* state: "sent" or "drop" to record with the outcome, "" to leave the key's state alone. */
static int report(worker_t *w, const char *entry, const Ut__Delivery *o, const char *state)
{
	char id[700];
	snprintf(id, sizeof id, "%s/worker/%s#%d@%s", w->cfg.node_id, o->key, o->attempts, entry);
	size_t blen = ut__delivery__get_packed_size(o);
	unsigned char *body = malloc(blen ? blen : 1);
	if (!body)
		return UT_ENOMEM;
	ut__delivery__pack(o, body);
	Ut__Envelope e = UT__ENVELOPE__INIT;
	e.id = id;
	e.type = UT__MSG_TYPE__MSG_NOTIFY_OUTCOME;
	e.node = w->cfg.node_id;
	e.ts_ms = ut_clock_now_ms();
	e.body.data = body;
	e.body.len = blen;
	size_t len = ut__envelope__get_packed_size(&e);
	unsigned char *buf = malloc(len ? len : 1);
	if (!buf) {
		free(body);
		return UT_ENOMEM;
	}
	ut__envelope__pack(&e, buf);
	free(body);
	redisReply *r = ut_bus_command(w->bus, "EVAL %s 3 %s %s %s %s %s %b %s %s", done_lua, w->state, w->results,
				       w->jobs, o->key, state, buf, len, NOTIFY_WORKERS, entry);
	int rc = r && r->type == REDIS_REPLY_INTEGER ? 0 : UT_EUNAVAIL;
	if (r && r->type == REDIS_REPLY_ERROR)
		ut_warn("outcome of %s: %s", o->key, r->str);
	if (r)
		freeReplyObject(r);
	free(buf);
	return rc;
}

/* Test hook: UT_NOTIFY_SEND_DELAY_MS holds every send that long, so a fault test can kill a
 * worker in the middle of one. */
static void test_delay(void)
{
	const char *d = getenv("UT_NOTIFY_SEND_DELAY_MS");
	if (d && atoi(d) > 0)
		usleep((useconds_t)atoi(d) * 1000);
}

static void handle(worker_t *w, const ut_bus_entry_t *e)
{
	if (!e->data) {
		ack_only(w, e->id);
		return;
	}
	Ut__Delivery *job = ut__delivery__unpack(NULL, e->len, e->data);
	if (!job || !*job->key) {
		ut_error("job %s is malformed; dropped", e->id);
		if (job)
			ut__delivery__free_unpacked(job, NULL);
		ack_only(w, e->id);
		return;
	}
	Ut__Delivery o = UT__DELIVERY__INIT;
	o.id = job->id;
	o.key = job->key;
	o.cadre_id = job->cadre_id;
	o.class_id = job->class_id;
	o.kind = job->kind;
	o.channel = job->channel;
	o.attempts = job->attempts;
	o.worker = w->name;
	char err[1024] = "", mark[160];
	snprintf(mark, sizeof mark, "sending:%s", w->name);
	redisReply *r = ut_bus_command(w->bus, "EVAL %s 1 %s %s %s", claim_lua, w->state, job->key,
				       *job->channel ? mark : "");
	if (!r || r->type == REDIS_REPLY_ERROR) {
		if (r)
			freeReplyObject(r);
		ut__delivery__free_unpacked(job, NULL);
		return; /* Redis is away: the job stays pending and comes back */
	}
	int already = !strcmp(reply_str(r), "sent");
	int interrupted = !strncmp(reply_str(r), "sending", 7);
	freeReplyObject(r);
	int res;
	const char *state = "";
	if (already) {
		/* sent before, and the outcome did not make it: report it, never send twice */
		res = SEND_OK;
		snprintf(err, sizeof err, "already sent");
	} else if (!*job->channel) {
		res = SEND_PERM;
		snprintf(err, sizeof err, "%s", *job->error ? job->error : "no channel for this cadre");
	} else {
		/* A key left "sending" means a worker died during the send. Whether the message got
		 * out is unknowable for SMTP and webhooks (the server may have taken it just before
		 * the crash), so we send again: at-least-once inside that window, which is only the
		 * time between the server's accepting reply and the report below. Marking "sent"
		 * together with the XACK is what makes every other crash point exactly-once. The
		 * spool channel is idempotent by file name, so there it is exactly-once anyway. */
		if (interrupted)
			ut_warn("job %s (%s) was interrupted during a send; sending again", e->id, job->key);
		test_delay();
		if (!strcmp(job->channel, "spool"))
			res = w->spool_dir ? notify_spool_send(w->spool_dir, job, w->cfg.notify_smtp_from, err, sizeof err)
					   : SEND_PERM;
		else if (!strcmp(job->channel, "email"))
			res = notify_smtp_send(&w->cfg, job, err, sizeof err);
		else if (!strcmp(job->channel, "webhook"))
			res = notify_webhook_send(&w->cfg, job, err, sizeof err);
		else {
			res = SEND_PERM;
			snprintf(err, sizeof err, "unknown channel '%s'", job->channel);
		}
		state = res == SEND_OK ? "sent" : "drop";
	}
	o.status = res == SEND_OK ? "sent" : res == SEND_TEMP ? "temporary" : "permanent";
	o.error = err;
	o.sent_ms = res == SEND_OK ? ut_clock_now_ms() : 0;
	if (res == SEND_OK)
		__atomic_add_fetch(&w->sent, 1, __ATOMIC_RELAXED);
	else {
		__atomic_add_fetch(&w->failed, 1, __ATOMIC_RELAXED);
		ut_warn("job %s (%s) over %s: %s failure: %s", e->id, job->key, *job->channel ? job->channel : "-",
			res == SEND_TEMP ? "temporary" : "permanent", err);
	}
	if (report(w, e->id, &o, state) != 0)
		ut_warn("outcome of %s not recorded now; the job will be reclaimed", job->key);
	ut__delivery__free_unpacked(job, NULL);
}

static void handle_batch(worker_t *w, ut_bus_batch_t *b)
{
	for (int i = 0; i < b->n && !w->stop; i++)
		handle(w, &b->e[i]);
	ut_bus_batch_clear(b);
}

static int wait_signal(worker_t *w, int fd, int ms)
{
	struct pollfd p[2] = {{w->sigfd, POLLIN, 0}, {fd, POLLIN, 0}};
	int rc = poll(p, fd >= 0 ? 2 : 1, ms);
	if (rc > 0 && (p[0].revents & POLLIN)) {
		struct signalfd_siginfo si;
		if (read(w->sigfd, &si, sizeof si) == sizeof si)
			ut_info("signal %d: stopping after the current job", (int)si.ssi_signo);
		w->stop = 1;
	}
	return rc > 0 && fd >= 0 && (p[1].revents & POLLIN);
}

static int run(worker_t *w)
{
	const char *streams[] = {NOTIFY_JOBS};
	if (notify_alive_start(&w->beat, w->sock, w->cfg.redis_host, w->cfg.redis_port, w->cfg.redis_prefix, w->name,
			       &w->sent, &w->failed) != 0 ||
	    ut_bus_subscribe(w->bus, NOTIFY_WORKERS, w->name, streams, 1) != 0) {
		notify_alive_stop(&w->beat);
		return 1;
	}
	ut_bus_batch_t batch = {0};
	int64_t next_claim = 0, next_take = 0;
	int claim_every = w->cfg.notify_claim_idle_ms / 2 > 50 ? w->cfg.notify_claim_idle_ms / 2 : 50;
	ut_info("worker %s taking jobs from %s", w->name, w->jobs);
	while (!w->stop) {
		if (ut_bus_connect(w->bus) != 0) {
			wait_signal(w, -1, 500);
			continue;
		}
		if (ut_clock_mono_ms() >= next_claim) {
			/* jobs a dead worker took and never acknowledged */
			if (ut_bus_reclaim(w->bus, w->cfg.notify_claim_idle_ms, 16, &batch) > 0)
				ut_info("took over %d job(s) left by a stopped worker", batch.n);
			handle_batch(w, &batch);
			next_claim = ut_clock_mono_ms() + claim_every;
		}
		if (ut_clock_mono_ms() >= next_take) {
			/* jobs of a worker that died: its heartbeat stopped */
			if (ut_bus_take_over(w->bus, w->alive, 16, &batch) > 0)
				ut_info("took over %d job(s) of a worker that stopped beating", batch.n);
			handle_batch(w, &batch);
			next_take = ut_clock_mono_ms() + NOTIFY_ALIVE_TTL_MS / 4;
		}
		/* few jobs per read: a slow send then holds up little, and workers share the load */
		if (ut_bus_read_start(w->bus, 4, 500) != 0) {
			wait_signal(w, -1, 200);
			continue;
		}
		if (!wait_signal(w, ut_bus_read_fd(w->bus), claim_every))
			continue;
		int rc = ut_bus_read_take(w->bus, &batch);
		if (rc == 1)
			handle_batch(w, &batch);
		else if (rc < 0)
			ut_bus_batch_clear(&batch);
	}
	ut_bus_batch_free(&batch);
	notify_alive_stop(&w->beat);
	ut_info("stopped: %ld sent, %ld failed", w->sent, w->failed);
	return 0;
}

int notify_worker_main(int argc, char **argv)
{
	static const struct option opts[] = {{"config", required_argument, 0, 'c'},
					     {"name", required_argument, 0, 'n'},
					     {"help", no_argument, 0, 'h'},
					     {0, 0, 0, 0}};
	const char *config = getenv("UT_NODE_CONFIG"), *name = NULL;
	int c;
	ut_log_init("ut-notifyd-worker", UT_LOG_INFO);
	while ((c = getopt_long(argc, argv, "c:n:h", opts, NULL)) != -1) {
		switch (c) {
		case 'c': config = optarg; break;
		case 'n': name = optarg; break;
		case 'h':
			printf("usage: ut-notifyd --worker [--config FILE] [--name NAME]\n"
			       "A delivery worker: sends the jobs ut-notifyd queues on the job stream over email,\n"
			       "webhook or spool and reports each outcome. Start as many as sending needs.\n");
			return 0;
		default: return 2;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "ut-notifyd --worker: unexpected argument '%s'\n", argv[optind]);
		return 2;
	}
	worker_t w = {.sigfd = -1};
	char err[512];
	if (config && *config) {
		if (ut_config_load(&w.cfg, config, err, sizeof err, NULL) != 0) {
			ut_error("configuration: %s", err);
			ut_config_free(&w.cfg);
			return 1;
		}
	} else
		ut_config_defaults(&w.cfg);
	ut_log_set_level(ut_log_level_parse(w.cfg.log_level));
	ut_clock_set_zone(w.cfg.timezone);
	char host[64] = "host";
	gethostname(host, sizeof host - 1);
	if (name)
		snprintf(w.name, sizeof w.name, "%s", name);
	else
		snprintf(w.name, sizeof w.name, "worker-%s-%d", host, (int)getpid());
	char *run_dir = ut_config_run_dir(&w.cfg);
	if (*w.cfg.notify_spool_dir && asprintf(&w.spool_dir, "%s%s%s", w.cfg.notify_spool_dir[0] == '/' ? "" : run_dir,
						w.cfg.notify_spool_dir[0] == '/' ? "" : "/", w.cfg.notify_spool_dir) < 0)
		w.spool_dir = NULL;
	if (*w.cfg.redis_socket && asprintf(&w.sock, "%s%s%s", w.cfg.redis_socket[0] == '/' ? "" : run_dir,
					    w.cfg.redis_socket[0] == '/' ? "" : "/", w.cfg.redis_socket) < 0)
		w.sock = NULL;
	free(run_dir);
	w.bus = ut_bus_new(w.sock, w.cfg.redis_host, w.cfg.redis_port, w.cfg.redis_prefix);
	if (!w.bus) {
		free(w.sock);
		ut_config_free(&w.cfg);
		return 1;
	}
	snprintf(w.jobs, sizeof w.jobs, "%s", ut_bus_key(w.bus, NOTIFY_JOBS));
	snprintf(w.results, sizeof w.results, "%s", ut_bus_key(w.bus, NOTIFY_RESULTS));
	snprintf(w.state, sizeof w.state, "%snotify:state", w.cfg.redis_prefix);
	char workers[256];
	notify_alive_keys(w.cfg.redis_prefix, w.alive, sizeof w.alive, workers, sizeof workers);
	curl_global_init(CURL_GLOBAL_DEFAULT);
	sigset_t mask;
	sigemptyset(&mask);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	signal(SIGPIPE, SIG_IGN);
	w.sigfd = signalfd(-1, &mask, SFD_CLOEXEC);
	int rc = run(&w);
	curl_global_cleanup();
	ut_bus_destroy(&w.bus);
	free(w.spool_dir);
	free(w.sock);
	close(w.sigfd);
	ut_config_free(&w.cfg);
	return rc;
}
