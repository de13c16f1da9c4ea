/* Delivery workers' liveness, in Redis: each worker keeps a key with a short time to live
 * (<prefix>notify:alive:<name>) from a thread of its own, so a worker busy with a slow send stays
 * alive and a killed one is gone within the time to live; the same thread records its figures in
 * one hash (<prefix>notify:workers, name -> "seen_ms sent failed pid host"). Workers take over
 * the jobs of a consumer whose key is gone (ut_bus_take_over); ut-notifyd's status reads both. */
#include "notifyd.h"
#include "ut/clock.h"
#include "ut/err.h"
#include "ut/log.h"

#include <hiredis/hiredis.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define BEAT_MS (NOTIFY_ALIVE_TTL_MS / 4)
#define FORGET_MS (24 * 3600 * 1000LL) /* a worker down this long is no longer listed */

struct notify_alive {
	ut_bus_t *bus; /* the thread's own connection */
	char key[256], workers[256], name[128], host[64];
	const long *sent, *failed;
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int stop, started;
};

void notify_alive_keys(const char *prefix, char *alive_prefix, size_t alen, char *workers, size_t wlen)
{
	snprintf(alive_prefix, alen, "%snotify:alive:", prefix);
	snprintf(workers, wlen, "%snotify:workers", prefix);
}

static const char beat_lua[] = "redis.call('SET', KEYS[1], '1', 'PX', ARGV[1])\n"
			       "return redis.call('HSET', KEYS[2], ARGV[2], ARGV[3])\n";

static void beat(notify_alive_t *h)
{
	if (ut_bus_connect(h->bus) != 0)
		return;
	char ttl[16], val[256];
	snprintf(ttl, sizeof ttl, "%d", NOTIFY_ALIVE_TTL_MS);
	snprintf(val, sizeof val, "%lld %ld %ld %d %s", (long long)ut_clock_now_ms(),
		 __atomic_load_n(h->sent, __ATOMIC_RELAXED), __atomic_load_n(h->failed, __ATOMIC_RELAXED), (int)getpid(),
		 h->host);
	redisReply *r = ut_bus_command(h->bus, "EVAL %s 2 %s %s %s %s %s", beat_lua, h->key, h->workers, ttl, h->name, val);
	if (r)
		freeReplyObject(r);
}

static void *beat_thread(void *arg)
{
	notify_alive_t *h = arg;
	pthread_mutex_lock(&h->mu);
	while (!h->stop) {
		pthread_mutex_unlock(&h->mu);
		beat(h);
		pthread_mutex_lock(&h->mu);
		struct timespec until;
		clock_gettime(CLOCK_MONOTONIC, &until);
		until.tv_nsec += BEAT_MS * 1000000L;
		until.tv_sec += until.tv_nsec / 1000000000L;
		until.tv_nsec %= 1000000000L;
		while (!h->stop && pthread_cond_timedwait(&h->cv, &h->mu, &until) == 0)
			;
	}
	pthread_mutex_unlock(&h->mu);
	return NULL;
}

int notify_alive_start(notify_alive_t **out, const char *sock, const char *host, int port, const char *prefix,
		       const char *name, const long *sent, const long *failed)
{
	notify_alive_t *h = calloc(1, sizeof *h);
	if (!h)
		return UT_ENOMEM;
	char alive[200];
	notify_alive_keys(prefix, alive, sizeof alive, h->workers, sizeof h->workers);
	snprintf(h->key, sizeof h->key, "%s%s", alive, name);
	snprintf(h->name, sizeof h->name, "%s", name);
	gethostname(h->host, sizeof h->host - 1);
	h->sent = sent, h->failed = failed;
	pthread_condattr_t ca;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&h->cv, &ca);
	pthread_condattr_destroy(&ca);
	pthread_mutex_init(&h->mu, NULL);
	h->bus = ut_bus_new(sock, host, port, prefix);
	if (h->bus)
		beat(h); /* alive before it takes a job, so no other worker takes it over */
	if (!h->bus || pthread_create(&h->thread, NULL, beat_thread, h) != 0) {
		notify_alive_stop(&h);
		return UT_ENOMEM;
	}
	h->started = 1;
	*out = h;
	return 0;
}

void notify_alive_stop(notify_alive_t **hp)
{
	notify_alive_t *h = *hp;
	if (!h)
		return;
	if (h->started) {
		pthread_mutex_lock(&h->mu);
		h->stop = 1;
		pthread_cond_signal(&h->cv);
		pthread_mutex_unlock(&h->mu);
		pthread_join(h->thread, NULL);
		/* a worker that stopped is not one that died: its key and its line go */
		redisReply *r = ut_bus_command(h->bus, "DEL %s", h->key);
		if (r)
			freeReplyObject(r);
		if ((r = ut_bus_command(h->bus, "HDEL %s %s", h->workers, h->name)))
			freeReplyObject(r);
	}
	ut_bus_destroy(&h->bus);
	pthread_cond_destroy(&h->cv);
	pthread_mutex_destroy(&h->mu);
	free(h);
	*hp = NULL;
}

/* ---- read by ut-notifyd ---- */

/* The workers' lines and, for each, whether its key is there, in one script; lines of workers
 * down for longer than FORGET_MS are dropped. Reply: name, line, 1|0, name, line, 1|0, ... */
static const char list_lua[] = "local h = redis.call('HGETALL', KEYS[1])\n"
			       "local out = {}\n"
			       "for i = 1, #h, 2 do\n"
			       "  local up = redis.call('EXISTS', ARGV[1] .. h[i])\n"
			       "  local seen = tonumber(string.match(h[i + 1], '^%d+')) or 0\n"
			       "  if up == 0 and seen < tonumber(ARGV[2]) then redis.call('HDEL', KEYS[1], h[i])\n"
			       "  else out[#out + 1] = h[i]; out[#out + 1] = h[i + 1]; out[#out + 1] = up end\n"
			       "end\n"
			       "return out\n";

int notify_alive_list(ut_bus_t *bus, const char *prefix, ut_arena_t *a, Ut__DeliveryStatus *d)
{
	char alive[200], workers[256], forget[24];
	notify_alive_keys(prefix, alive, sizeof alive, workers, sizeof workers);
	snprintf(forget, sizeof forget, "%lld", (long long)(ut_clock_now_ms() - FORGET_MS));
	redisReply *r = ut_bus_command(bus, "EVAL %s 1 %s %s %s", list_lua, workers, alive, forget);
	if (!r || r->type != REDIS_REPLY_ARRAY) {
		if (r)
			freeReplyObject(r);
		return UT_EUNAVAIL;
	}
	size_t n = r->elements / 3;
	d->workers = ut_arena_alloc(a, (n ? n : 1) * sizeof *d->workers);
	if (!d->workers) {
		freeReplyObject(r);
		return UT_ENOMEM;
	}
	for (size_t i = 0; i < n; i++) {
		redisReply **e = r->element + 3 * i;
		Ut__WorkerState *w = ut_arena_alloc(a, sizeof *w);
		char host[64] = "";
		long long seen = 0, sent = 0, failed = 0;
		int pid = 0;
		if (!w || e[0]->type != REDIS_REPLY_STRING || e[1]->type != REDIS_REPLY_STRING)
			continue;
		ut__worker_state__init(w);
		sscanf(e[1]->str, "%lld %lld %lld %d %63s", &seen, &sent, &failed, &pid, host);
		w->name = ut_arena_strdup(a, e[0]->str);
		w->state = (char *)(e[2]->type == REDIS_REPLY_INTEGER && e[2]->integer ? "up" : "down");
		w->seen_ms = seen, w->sent = sent, w->failed = failed, w->pid = pid;
		w->host = ut_arena_strdup(a, host);
		if (w->name && w->host)
			d->workers[d->n_workers++] = w;
	}
	freeReplyObject(r);
	return 0;
}
