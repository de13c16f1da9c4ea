/* Due messages become delivery jobs: rendered, addressed and marked queued with a queue
 * sequence number, in one transaction per batch, then handed to the job stream under ids made
 * from that number, so a crash between commit and hand-over republishes exactly the missing
 * jobs (rendered again from their rows). Batches are pipelined: Redis appends one while the
 * next is prepared and committed. Messages coming due within AHEAD_MS are rendered ahead, so
 * when a burst comes due only the marking and the hand-over are left. */
#include "notifyd.h"
#include "ut/clock.h"
#include "ut/err.h"
#include "ut/log.h"

#include <hiredis/hiredis.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* A burst starts with a small batch, so the first jobs go out at once, and doubles while it
 * lasts: larger batches spread the commit's fsync and the Redis round trip over more jobs. */
#define BATCH_FIRST 256
#define BATCH_MAX 4096
/* Rendering ahead: how far, in steps of AHEAD_STEP rows (the loop serves requests in between),
 * and at most AHEAD_MAX jobs (some 400 bytes each) held. */
#define AHEAD_MS 5000
#define AHEAD_STEP 2048
#define AHEAD_MAX 131072
/* SQLite's automatic checkpoint, outside bursts */
#define WAL_CHECKPOINT_PAGES 1000

/* Jobs rendered ahead, in (due_ms, id) order from b.head, under app->gen = gen. */
typedef struct notify_ahead {
	notify_batch_t b;
	int64_t gen;
	int64_t due, id; /* rendered up to this (due_ms, id) */
	int timer;
} ahead_t;

/* One batch of a dispatch round. */
typedef struct round {
	notify_renderer_t r;
	notify_batch_t batch;
	const unsigned char **data; /* the queued jobs in order, for the hand-over */
	size_t *len;
	int cap;
} round_t;

static void round_init(round_t *rd, notify_app_t *app, int again)
{
	memset(rd, 0, sizeof *rd);
	rd->r.app = app;
	rd->r.s = ut_service_store(app->svc);
	rd->r.cfg = ut_service_config(app->svc);
	rd->r.again = again;
	rd->r.out = &rd->batch;
}

static void round_free(round_t *rd)
{
	notify_batch_free(&rd->batch);
	free(rd->data);
	free(rd->len);
}

/* The hand-over arrays as large as the batch. */
static int round_arrays(round_t *rd)
{
	if (rd->batch.n <= rd->cap)
		return 0;
	int cap = rd->batch.n;
	const unsigned char **d = realloc(rd->data, (size_t)cap * sizeof *d);
	if (d)
		rd->data = d;
	size_t *l = realloc(rd->len, (size_t)cap * sizeof *l);
	if (l)
		rd->len = l;
	if (!d || !l)
		return UT_ENOMEM;
	rd->cap = cap;
	return 0;
}

/* ---- rendering ahead ---- */

static void ahead_reset(notify_app_t *app)
{
	ahead_t *ah = app->ahead;
	notify_batch_clear(&ah->b);
	ah->gen = app->gen;
	ah->due = ah->id = 0;
}

/* The next jobs of the ahead batch, if it has the message as it is now: the one taken, or NULL
 * (those before it are dropped: they were withdrawn or changed). */
static const notify_job_t *ahead_take(ahead_t *ah, int64_t id, int64_t due, int attempts)
{
	while (ah->b.head < ah->b.n) {
		const notify_job_t *j = &ah->b.jobs[ah->b.head];
		if (j->due_ms > due || (j->due_ms == due && j->id > id))
			return NULL;
		ah->b.head++;
		if (j->id == id && j->due_ms == due && j->attempts == attempts + 1)
			return j;
	}
	return NULL;
}

static void ahead_fill(void *arg)
{
	notify_app_t *app = arg;
	ahead_t *ah = app->ahead;
	ah->timer = 0;
	if (ah->gen != app->gen)
		ahead_reset(app);
	if (ah->b.n - ah->b.head >= AHEAD_MAX)
		return;
	notify_renderer_t r = {.app = app, .s = ut_service_store(app->svc), .cfg = ut_service_config(app->svc)};
	r.now = ut_clock_now_ms();
	r.out = &ah->b;
	if (ah->due < r.now) /* what is due now is the dispatcher's */
		ah->due = r.now, ah->id = INT64_MAX;
	notify_batch_compact(&ah->b);
	int n0 = ah->b.n;
	int rc = notify_msg_ahead_rows(r.s, ah->due, ah->id, r.now + AHEAD_MS, AHEAD_STEP, notify_render_row, &r);
	if (ah->b.n > n0) {
		ah->due = ah->b.jobs[ah->b.n - 1].due_ms;
		ah->id = ah->b.jobs[ah->b.n - 1].id;
	}
	if (!rc && ah->b.n - n0 == AHEAD_STEP) {
		ah->timer = 1;
		ut_timer_add(ut_service_timers(app->svc), ut_clock_mono_ms(), ahead_fill, app);
	}
}

void notify_dispatch_changed(notify_app_t *app) { app->gen++; }

/* ---- one batch ---- */

/* notify_msg_due_ids callback: the job rendered ahead, else the message rendered now. */
static int take_due(void *arg, int64_t id, int64_t due, int attempts)
{
	round_t *rd = arg;
	ahead_t *ah = rd->r.app->ahead;
	const notify_job_t *j = ahead_take(ah, id, due, attempts);
	if (!j)
		return notify_msg_row(rd->r.s, id, notify_render_row, &rd->r);
	int rc = notify_batch_copy(&rd->batch, &ah->b, j);
	/* a daemon that was down past a class start does not remind of it afterwards */
	if (!rc && j->reminder && notify_class_started(&rd->r, j->class_id))
		rd->batch.jobs[rd->batch.n - 1].attempts = 0;
	return rc;
}

/* Render the next due messages into the round's batch: retries first (they are few, and a
 * burst of reminders does not hold them up), then scheduled ones, from the jobs rendered ahead
 * when there are some. */
static int collect_due(round_t *rd, int limit)
{
	notify_app_t *app = rd->r.app;
	int rc = notify_msg_due_rows(rd->r.s, "retrying", rd->r.now, limit, notify_render_row, &rd->r);
	if (rc || rd->batch.n >= limit)
		return rc;
	if (app->ahead->gen != app->gen)
		ahead_reset(app);
	if (app->ahead->b.head < app->ahead->b.n)
		return notify_msg_due_ids(rd->r.s, rd->r.now, limit - rd->batch.n, take_due, rd);
	return notify_msg_due_rows(rd->r.s, "scheduled", rd->r.now, limit - rd->batch.n, notify_render_row, &rd->r);
}

/* Mark the batch queued (or skipped) in one transaction; the number of jobs queued, or UT_E*
 * with nothing changed. */
static int queue_batch(round_t *rd)
{
	notify_app_t *app = rd->r.app;
	ut_store_t *s = rd->r.s;
	int64_t seq0 = app->seq;
	int rc = round_arrays(rd), nq = 0;
	if (!rc)
		rc = ut_store_begin(s);
	for (int i = 0; i < rd->batch.n && !rc; i++) {
		notify_job_t *j = &rd->batch.jobs[i];
		if (!j->attempts) {
			rc = notify_msg_outcome(s, j->id, "skipped", "the class had started when it came due", 0, 0, "");
			continue;
		}
		rc = notify_msg_queue(s, j->id, j->attempts, j->channel, notify_batch_address(&rd->batch, j), j->locale,
				      app->seq + 1);
		if (!rc) {
			j->seq = ++app->seq;
			rd->data[nq] = rd->batch.buf + j->off;
			rd->len[nq++] = j->len;
		}
	}
	if (!rc)
		rc = ut_store_commit(s);
	if (rc) {
		ut_store_rollback(s);
		app->seq = seq0;
		return rc;
	}
	return nq;
}

/* ---- hand-over ---- */

/* The batch in flight is in the stream (or failed: then the catch-up publish renders its jobs
 * again from the database). */
static void settle(notify_app_t *app)
{
	int64_t last = notify_jobq_wait(app->jobq);
	if (last > 0)
		app->published = last;
	else if (last < 0)
		ut_warn("delivery jobs not handed over now (%s); republishing them", ut_strerror((int)last));
}

/* Send the batch just committed (jobs seq0 + 1 ..) while the next one is prepared. Only right
 * after what the stream is known to hold: otherwise the catch-up publish goes first. */
static void hand_over(notify_app_t *app, round_t *rd, int64_t seq0, int nq)
{
	settle(app);
	if (!nq || app->published != seq0)
		return;
	int rc = notify_jobq_send(app->jobq, app->epoch, seq0 + 1, nq, rd->data, rd->len);
	if (rc)
		ut_debug("delivery jobs not handed over now (%s); republishing them", ut_strerror(rc));
}

/* The last job id of ours the stream has (it keeps that id after trimming), so a restarted
 * daemon republishes only what is missing; 0 when unknown. */
static int64_t stream_top(notify_app_t *app)
{
	char key[256];
	snprintf(key, sizeof key, "%s", ut_bus_key(app->bus, NOTIFY_JOBS));
	redisReply *r = ut_bus_command(app->bus, "XINFO STREAM %s", key);
	long long epoch = 0, seq = 0;
	for (size_t i = 0; r && r->type == REDIS_REPLY_ARRAY && i + 1 < r->elements; i += 2) {
		redisReply *k = r->element[i], *v = r->element[i + 1];
		if (k->type == REDIS_REPLY_STRING && !strcmp(k->str, "last-generated-id") && v->type == REDIS_REPLY_STRING &&
		    sscanf(v->str, "%lld-%lld", &epoch, &seq) != 2)
			epoch = seq = 0;
	}
	if (r)
		freeReplyObject(r);
	return epoch == app->epoch && seq <= app->seq ? seq : 0;
}

/* Catch-up: publish queued jobs above what we know the stream has, rendered again from their
 * rows. Ids at or below the stream's top are skipped by ut_bus_publish, so nothing goes out
 * twice whatever `published` says. */
static void republish(notify_app_t *app)
{
	round_t rd;
	round_init(&rd, app, 1);
	if (!app->published && ut_bus_connect(app->bus) == 0)
		app->published = stream_top(app);
	for (;;) {
		notify_batch_clear(&rd.batch);
		int rc = notify_msg_queued_rows(rd.r.s, app->published, BATCH_FIRST, notify_render_row, &rd.r);
		rc = rc ? rc : round_arrays(&rd);
		if (rc) {
			ut_warn("queued jobs not rendered now (%s); retrying on the next tick", ut_strerror(rc));
			break;
		}
		if (rd.batch.n) {
			char ids[BATCH_FIRST][48];
			const char *idp[BATCH_FIRST];
			for (int i = 0; i < rd.batch.n; i++) {
				snprintf(ids[i], sizeof ids[i], "%lld-%lld", (long long)app->epoch,
					 (long long)rd.batch.jobs[i].seq);
				idp[i] = ids[i];
				rd.data[i] = rd.batch.buf + rd.batch.jobs[i].off;
				rd.len[i] = rd.batch.jobs[i].len;
			}
			int pr = ut_bus_publish(app->bus, NOTIFY_JOBS, rd.batch.n, idp, rd.data, rd.len);
			if (pr != rd.batch.n) {
				ut_warn("delivery jobs not published now (%s); retrying on the next tick", ut_strerror(pr));
				break;
			}
			app->published = rd.batch.jobs[rd.batch.n - 1].seq;
		}
		/* none queued above: every later job was answered, so it was in the stream */
		if (rd.batch.n < BATCH_FIRST) {
			app->published = app->seq;
			break;
		}
	}
	round_free(&rd);
}

static void dispatch(notify_app_t *app)
{
	round_t rd;
	round_init(&rd, app, 0);
	int64_t t0 = ut_clock_mono_ms();
	int total = 0, limit = BATCH_FIRST;
	/* no checkpoint inside a burst (it writes back and syncs the database file while the jobs
	 * wait): the WAL grows, and the first commit after the burst folds it back */
	sqlite3_wal_autocheckpoint(ut_store_db(rd.r.s), 0);
	if (app->published < app->seq)
		republish(app);
	for (;;) {
		notify_batch_clear(&rd.batch);
		rd.r.now = ut_clock_now_ms();
		int rc = collect_due(&rd, limit);
		if (rc)
			ut_warn("due messages not prepared now (%s); retrying on the next tick", ut_strerror(rc));
		if (rc || !rd.batch.n)
			break;
		int64_t seq0 = app->seq;
		int nq = queue_batch(&rd);
		if (nq < 0) {
			ut_warn("due messages not queued now (%s); retrying on the next tick", ut_strerror(nq));
			break;
		}
		hand_over(app, &rd, seq0, nq);
		total += rd.batch.n;
		if (rd.batch.n < limit)
			break;
		limit = limit * 2 > BATCH_MAX ? BATCH_MAX : limit * 2;
	}
	settle(app);
	if (app->published < app->seq)
		republish(app);
	/* jobs rendered ahead for messages now due and not taken were withdrawn or changed */
	ahead_t *ah = app->ahead;
	while (ah->b.head < ah->b.n && ah->b.jobs[ah->b.head].due_ms <= rd.r.now)
		ah->b.head++;
	round_free(&rd);
	sqlite3_wal_autocheckpoint(ut_store_db(ut_service_store(app->svc)), WAL_CHECKPOINT_PAGES);
	if (total)
		ut_debug("queued %d due message(s) in %lld ms", total, (long long)(ut_clock_mono_ms() - t0));
}

static void due_timer(void *arg)
{
	notify_app_t *app = arg;
	app->due_timer = 0;
	dispatch(app);
	/* the heap runs on the monotonic clock, the schedule on the wall clock: a timer only for a
	 * message due before the next tick, the tick catches everything else (and clock jumps) */
	int64_t due;
	const ut_config_t *cfg = ut_service_config(app->svc);
	if (notify_msg_next_due(ut_service_store(app->svc), &due) == 0 && due) {
		int64_t wait = due - ut_clock_now_ms();
		if (wait < cfg->notify_tick_ms && !app->due_timer) {
			app->due_timer = 1;
			ut_timer_add(ut_service_timers(app->svc), ut_clock_mono_ms() + (wait > 0 ? wait : 0), due_timer, app);
		}
	}
}

void notify_dispatch_soon(notify_app_t *app)
{
	if (app->due_timer)
		return;
	app->due_timer = 1;
	ut_timer_add(ut_service_timers(app->svc), ut_clock_mono_ms(), due_timer, app);
}

/* Jobs below the oldest one still queued have all been answered (a worker reports the outcome
 * with its XACK), so the stream keeps only what may still be delivered. Trimming leaves the
 * stream's last id, so the republish-skip rule still holds. */
static void trim(notify_app_t *app)
{
	int64_t min;
	if (notify_msg_min_queued(ut_service_store(app->svc), &min) != 0 || !ut_bus_connected(app->bus))
		return;
	if (!min)
		min = app->published + 1;
	if (min <= app->trimmed)
		return;
	char key[256];
	snprintf(key, sizeof key, "%s", ut_bus_key(app->bus, NOTIFY_JOBS));
	redisReply *r = ut_bus_command(app->bus, "XTRIM %s MINID %lld-%lld", key, (long long)app->epoch, (long long)min);
	if (r && r->type == REDIS_REPLY_INTEGER)
		app->trimmed = min;
	if (r)
		freeReplyObject(r);
}

void notify_dispatch_tick(void *arg)
{
	notify_app_t *app = arg;
	if (!app->due_timer)
		due_timer(app);
	if (!app->ahead->timer)
		ahead_fill(app);
	trim(app);
	ut_timer_add(ut_service_timers(app->svc), ut_clock_mono_ms() + ut_service_config(app->svc)->notify_tick_ms,
		     notify_dispatch_tick, app);
}

int notify_dispatch_init(ut_service_t *svc, notify_app_t *app)
{
	ut_store_t *s = ut_service_store(svc);
	const ut_config_t *cfg = ut_service_config(svc);
	int rc = notify_meta_get(s, "queue_epoch", &app->epoch);
	if (rc == UT_ENOTFOUND) {
		/* the stream ids of this database start above anything an older database published */
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		app->epoch = (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
		if ((rc = ut_store_begin(s)) == 0) {
			rc = notify_meta_set(s, "queue_epoch", app->epoch);
			rc = rc ? rc : ut_store_commit(s);
			if (rc)
				ut_store_rollback(s);
		}
	}
	if (rc || (rc = notify_msg_max_seq(s, &app->seq)) != 0)
		return rc;
	char *sock = NULL, *run = ut_config_run_dir(cfg);
	if (*cfg->redis_socket && asprintf(&sock, "%s%s%s", cfg->redis_socket[0] == '/' ? "" : run,
					   cfg->redis_socket[0] == '/' ? "" : "/", cfg->redis_socket) < 0)
		sock = NULL;
	free(run);
	app->bus = ut_bus_new(sock, cfg->redis_host, cfg->redis_port, cfg->redis_prefix);
	if (app->bus)
		app->jobq = notify_jobq_new(sock, cfg->redis_host, cfg->redis_port, ut_bus_key(app->bus, NOTIFY_JOBS));
	free(sock);
	app->ahead = calloc(1, sizeof *app->ahead);
	if (!app->bus || !app->jobq || !app->ahead)
		return UT_ENOMEM;
	ut_bus_connect(app->bus);
	app->published = 0;
	ut_timer_add(ut_service_timers(svc), ut_clock_mono_ms(), notify_dispatch_tick, app);
	return 0;
}

void notify_dispatch_fini(notify_app_t *app)
{
	ut_bus_destroy(&app->bus);
	notify_jobq_destroy(&app->jobq);
	if (app->ahead)
		notify_batch_free(&app->ahead->b);
	free(app->ahead);
	app->ahead = NULL;
}
