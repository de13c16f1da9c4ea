/* Due messages become delivery jobs: rendered, addressed, written back to the row with a queue
 * sequence number in one transaction, then published to the job stream under ids made from that
 * number, so a crash between commit and publish republishes exactly the missing jobs. */
#include "notifyd.h"
#include "ut/clock.h"
#include "ut/err.h"
#include "ut/log.h"

#include <hiredis/hiredis.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define DUE_BATCH 512

static void format_offset(int64_t s, char *buf, size_t len)
{
	if (s % 86400 == 0)
		snprintf(buf, len, "%lldd", (long long)(s / 86400));
	else if (s % 3600 == 0)
		snprintf(buf, len, "%lldh", (long long)(s / 3600));
	else
		snprintf(buf, len, "%lldm", (long long)(s / 60));
}

int notify_vars(ut_store_t *s, ut_arena_t *a, const char *cadre_id, int64_t class_id, const notify_class_t *cls,
		int64_t offset_s, const char *reason, const char *node_locale, const char **vals, char *locale,
		size_t loclen, notify_cadre_t *cad)
{
	notify_class_t c;
	char buf[64];
	int rc = notify_cadre_get(s, cadre_id, cad);
	if (rc && rc != UT_ENOTFOUND)
		return rc;
	/* a cadre we have not heard of yet is still addressed by id (spool), in the node's language */
	snprintf(locale, loclen, "%s", notify_is_locale(cad->locale) ? cad->locale : node_locale);
	if (!notify_is_locale(locale))
		snprintf(locale, loclen, "zh-Hans");
	if (cls && cls->id == class_id) {
		c = *cls;
		rc = 0;
	} else
		rc = notify_class_get(s, class_id, &c);
	if (rc && rc != UT_ENOTFOUND)
		return rc;
	for (int i = 0; i < V_NVARS; i++)
		vals[i] = "";
	vals[V_CADRE_NAME] = ut_arena_strdup(a, *cad->name ? cad->name : cadre_id);
	vals[V_CADRE_ID] = ut_arena_strdup(a, cadre_id);
	vals[V_UNIT] = ut_arena_strdup(a, cad->unit);
	snprintf(buf, sizeof buf, "%lld", (long long)class_id);
	vals[V_CLASS_ID] = ut_arena_strdup(a, buf);
	if (!rc) {
		vals[V_CLASS_TITLE] = ut_arena_strdup(a, c.title);
		if (c.first_start)
			vals[V_CLASS_START] = ut_arena_strdup(a, ut_clock_format_local(c.first_start, buf, sizeof buf));
		if (c.last_end)
			vals[V_CLASS_END] = ut_arena_strdup(a, ut_clock_format_local(c.last_end, buf, sizeof buf));
		vals[V_VENUE] = ut_arena_strdup(a, c.venue);
		vals[V_LECTURER] = ut_arena_strdup(a, c.lecturer);
	}
	format_offset(offset_s, buf, sizeof buf);
	vals[V_OFFSET] = ut_arena_strdup(a, buf);
	vals[V_REASON] = ut_arena_strdup(a, reason ? reason : "");
	return a->failed ? UT_ENOMEM : 0;
}

int notify_pick_channel(const ut_config_t *cfg, ut_store_t *s, const notify_cadre_t *c, const char **channel,
			const char **address, char *err, size_t errlen)
{
	char list[256];
	snprintf(list, sizeof list, "%s", cfg->notify_channels);
	*channel = *address = "";
	char *save = NULL;
	for (char *t = strtok_r(list, ", ", &save); t; t = strtok_r(NULL, ", ", &save)) {
		const char *ch = NULL, *addr = "";
		if (!strcmp(t, "email") && *cfg->notify_smtp_url && *c->email)
			ch = "email", addr = c->email;
		else if (!strcmp(t, "webhook") && *cfg->notify_webhook_url && *c->phone)
			ch = "webhook", addr = c->phone;
		else if (!strcmp(t, "spool") && *cfg->notify_spool_dir)
			ch = "spool", addr = *c->email ? c->email : c->phone;
		if (!ch)
			continue;
		int out = notify_optout_has(s, c->id, ch);
		if (out < 0)
			return out;
		if (out)
			continue;
		*channel = ch;
		*address = addr;
		return 0;
	}
	snprintf(err, errlen, "cadre %s has no usable contact for channels \"%s\" (email: %s, phone: %s)", c->id,
		 cfg->notify_channels, *c->email ? "yes" : "none", *c->phone ? "yes" : "none");
	return UT_ENOTFOUND;
}

static void ics_text(char *out, size_t cap, const char *s)
{
	size_t n = 0;
	for (; *s && n + 3 < cap; s++) {
		if (*s == ',' || *s == ';' || *s == '\\')
			out[n++] = '\\', out[n++] = *s;
		else if (*s == '\n')
			out[n++] = '\\', out[n++] = 'n';
		else if ((unsigned char)*s >= 0x20)
			out[n++] = *s;
	}
	out[n] = '\0';
}

static void ics_time(int64_t t, char *buf, size_t len)
{
	time_t tt = (time_t)t;
	struct tm tm;
	gmtime_r(&tt, &tm);
	strftime(buf, len, "%Y%m%dT%H%M%SZ", &tm);
}

/* Hand-written iCalendar (RFC 5545): one VEVENT per class, UID stable across versions and
 * SEQUENCE = class version, so calendars update or cancel the same entry. Lines are not folded
 * at 75 octets; clients we know accept longer lines. */
char *notify_ics(const notify_class_t *c, const char *node, int cancelled)
{
	if (!c->first_start)
		return NULL;
	char title[1200], loc[600], a[32], b[32], now[32], *out = NULL;
	ics_text(title, sizeof title, c->title);
	ics_text(loc, sizeof loc, c->venue);
	ics_time(c->first_start, a, sizeof a);
	ics_time(c->last_end ? c->last_end : c->first_start + 3600, b, sizeof b);
	ics_time(ut_clock_now_ms() / 1000, now, sizeof now);
	if (asprintf(&out,
		     "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//union-training//ut-notifyd//EN\r\nMETHOD:%s\r\n"
		     "BEGIN:VEVENT\r\nUID:class-%lld@%s\r\nSEQUENCE:%d\r\nDTSTAMP:%s\r\nDTSTART:%s\r\nDTEND:%s\r\n"
		     "SUMMARY:%s\r\nLOCATION:%s\r\nSTATUS:%s\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
		     cancelled ? "CANCEL" : "REQUEST", (long long)c->id, node, c->version, now, a, b, title, loc,
		     cancelled ? "CANCELLED" : "CONFIRMED") < 0)
		return NULL;
	return out;
}

static const char *session_text(ut_arena_t *a, ut_store_t *s, int64_t session_id)
{
	char buf[64];
	int64_t t = notify_session_start(s, session_id);
	return t ? ut_arena_strdup(a, ut_clock_format_local(t, buf, sizeof buf)) : "";
}

/* The class of the last message prepared: a burst of reminders is mostly about one class, and
 * the lookup is the dearest part of preparing one. Valid within one dispatch round only. */
static notify_class_t last_class;
static int last_class_rc = UT_ENOTFOUND;

static int class_cached(ut_store_t *s, int64_t id, notify_class_t *c)
{
	if (last_class.id != id || last_class_rc == UT_ENOTFOUND) {
		last_class_rc = notify_class_get(s, id, &last_class);
		last_class.id = id;
	}
	*c = last_class;
	return last_class_rc;
}

/* Render and address one due message and mark it queued with the next sequence number. */
static int prepare(notify_app_t *app, int64_t id)
{
	ut_store_t *s = ut_service_store(app->svc);
	const ut_config_t *cfg = ut_service_config(app->svc);
	ut_arena_t a = {0};
	Ut__Delivery *d;
	char *reason = NULL, locale[16], err[512] = "";
	const char *vals[V_NVARS];
	notify_cadre_t cad;
	int rc = notify_msg_load(s, &a, id, &d, &reason);
	notify_class_t c;
	int have_class = !rc && class_cached(s, d->class_id, &c) == 0;
	/* a daemon that was down past a class start does not remind of it afterwards */
	if (have_class && !strcmp(d->kind, "reminder") && c.first_start * 1000 <= ut_clock_now_ms()) {
		rc = notify_msg_outcome(s, id, "skipped", "the class had started when it came due", 0, 0, "");
		ut_arena_free(&a);
		return rc;
	}
	if (!rc)
		rc = notify_vars(s, &a, d->cadre_id, d->class_id, have_class ? &c : NULL, d->offset_s, reason,
				 cfg->locale, vals, locale, sizeof locale, &cad);
	if (rc) {
		ut_arena_free(&a);
		return rc;
	}
	if (!strcmp(d->kind, "absent"))
		vals[V_SESSION_START] = session_text(&a, s, d->offset_s);
	Ut__Delivery job = UT__DELIVERY__INIT;
	const char *channel, *address;
	rc = notify_pick_channel(cfg, s, &cad, &channel, &address, err, sizeof err);
	if (rc && rc != UT_ENOTFOUND) {
		ut_arena_free(&a);
		return rc;
	}
	char *subject = NULL, *text = NULL, *ics = NULL;
	if ((rc = notify_render(app->tpl, d->kind, locale, vals, &subject, &text)) != 0) {
		ut_arena_free(&a);
		return rc;
	}
	int cal = !strcmp(d->kind, "confirmed") || !strcmp(d->kind, "promoted") || !strcmp(d->kind, "class_changed") ||
		  !strcmp(d->kind, "class_cancelled");
	if (cal && strcmp(channel, "webhook") && have_class)
		ics = notify_ics(&c, cfg->node_id, !strcmp(d->kind, "class_cancelled"));
	job.id = d->id;
	job.key = d->key;
	job.cadre_id = d->cadre_id;
	job.class_id = d->class_id;
	job.kind = d->kind;
	job.channel = (char *)channel;
	job.status = "queued";
	job.attempts = d->attempts + 1;
	job.error = err; /* when there is no channel, the worker reports this as a permanent failure */
	job.due_ms = d->due_ms;
	job.locale = locale;
	job.offset_s = d->offset_s;
	job.class_version = d->class_version;
	job.address = (char *)address;
	job.subject = subject;
	job.text = text;
	job.ics = ics ? ics : "";
	job.created_ms = d->created_ms;
	size_t len = ut__delivery__get_packed_size(&job);
	unsigned char *buf = malloc(len ? len : 1);
	if (!buf)
		rc = UT_ENOMEM;
	else {
		ut__delivery__pack(&job, buf);
		rc = notify_msg_queue(s, &job, app->seq + 1, buf, len);
		if (!rc)
			app->seq++;
	}
	free(buf);
	free(subject);
	free(text);
	free(ics);
	ut_arena_free(&a);
	return rc;
}

typedef struct pubset {
	int n;
	int64_t seq[DUE_BATCH];
	char ids[DUE_BATCH][48];
	unsigned char *data[DUE_BATCH];
	size_t len[DUE_BATCH];
	int64_t epoch;
} pubset_t;

static int collect(void *arg, int64_t seq, const void *job, size_t len)
{
	pubset_t *p = arg;
	unsigned char *c = malloc(len ? len : 1);
	if (!c)
		return UT_ENOMEM;
	memcpy(c, job, len);
	p->seq[p->n] = seq;
	snprintf(p->ids[p->n], sizeof p->ids[p->n], "%lld-%lld", (long long)p->epoch, (long long)seq);
	p->data[p->n] = c;
	p->len[p->n++] = len;
	return 0;
}

/* Publish queued jobs above what we know the stream has. Ids at or below the stream's top are
 * skipped by ut_bus_publish, so after a restart (published = 0) nothing goes out twice. */
static void publish(notify_app_t *app)
{
	for (;;) {
		pubset_t *p = calloc(1, sizeof *p);
		if (!p)
			return;
		p->epoch = app->epoch;
		int rc = notify_msg_unpublished(ut_service_store(app->svc), app->published, DUE_BATCH, collect, p);
		const char *ids[DUE_BATCH];
		for (int i = 0; i < p->n; i++)
			ids[i] = p->ids[i];
		int n = p->n, more = 0;
		if (!rc && n) {
			int pr = ut_bus_publish(app->bus, NOTIFY_JOBS, n, ids, (const unsigned char *const *)p->data, p->len);
			if (pr == n) {
				app->published = p->seq[n - 1];
				more = n == DUE_BATCH;
			} else
				ut_warn("delivery jobs not published now (%s); retrying on the next tick", ut_strerror(pr));
		}
		for (int i = 0; i < n; i++)
			free(p->data[i]);
		free(p);
		if (!more)
			return;
	}
}

static void dispatch(notify_app_t *app)
{
	ut_store_t *s = ut_service_store(app->svc);
	int64_t ids[DUE_BATCH], t0 = ut_clock_mono_ms();
	int n, total = 0;
	last_class_rc = UT_ENOTFOUND; /* classes change between rounds */
	for (;;) {
		int64_t now = ut_clock_now_ms();
		if (notify_msg_due(s, now, DUE_BATCH, ids, &n) != 0 || !n)
			break;
		if (ut_store_begin(s) != 0)
			break;
		int rc = 0;
		int64_t seq0 = app->seq;
		for (int i = 0; i < n && !rc; i++)
			rc = prepare(app, ids[i]);
		if (!rc)
			rc = ut_store_commit(s);
		if (rc) {
			ut_store_rollback(s);
			app->seq = seq0;
			ut_warn("due messages not queued now (%s); retrying on the next tick", ut_strerror(rc));
			break;
		}
		publish(app);
		total += n;
		if (n < DUE_BATCH)
			break;
	}
	publish(app);
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
	free(sock);
	if (!app->bus)
		return UT_ENOMEM;
	ut_bus_connect(app->bus);
	app->published = 0;
	ut_timer_add(ut_service_timers(svc), ut_clock_mono_ms(), notify_dispatch_tick, app);
	return 0;
}
