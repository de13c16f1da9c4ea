/* A message row becomes its delivery job: the template rendered in the cadre's locale with the
 * class's values, the channel and address picked, packed into a batch. Used for due messages,
 * for messages rendered ahead of their due time, and for queued jobs published again. */
#include "notifyd.h"
#include "ut/clock.h"
#include "ut/err.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

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
		vals[V_VENUE] = ut_arena_strdup(a, c.where);
		vals[V_LECTURER] = ut_arena_strdup(a, c.lecturer);
	}
	format_offset(offset_s, buf, sizeof buf);
	vals[V_OFFSET] = ut_arena_strdup(a, buf);
	vals[V_REASON] = ut_arena_strdup(a, reason ? reason : "");
	return a->failed ? UT_ENOMEM : 0;
}

int notify_channel_ready(const ut_config_t *cfg, const char *ch)
{
	return !strcmp(ch, "email") ? !!*cfg->notify_smtp_url
	       : !strcmp(ch, "webhook") ? !!*cfg->notify_webhook_url
	       : !strcmp(ch, "spool") ? !!*cfg->notify_spool_dir
				       : 0;
}

/* The first channel of [notify] channels the cadre can be reached on and has not opted out of
 * (opted_out: 1, 0 or UT_E*). */
static int pick_channel(const ut_config_t *cfg, const char *cadre, const char *email, const char *phone,
			int (*opted_out)(void *arg, const char *channel), void *arg, const char **channel,
			const char **address, char *err, size_t errlen)
{
	char list[256];
	snprintf(list, sizeof list, "%s", cfg->notify_channels);
	*channel = *address = "";
	char *save = NULL;
	for (char *t = strtok_r(list, ", ", &save); t; t = strtok_r(NULL, ", ", &save)) {
		const char *ch = NULL, *addr = "";
		if (!notify_channel_ready(cfg, t))
			continue;
		if (!strcmp(t, "email") && *email)
			ch = "email", addr = email;
		else if (!strcmp(t, "webhook") && *phone)
			ch = "webhook", addr = phone;
		else if (!strcmp(t, "spool"))
			ch = "spool", addr = *email ? email : phone;
		if (!ch)
			continue;
		int out = opted_out(arg, ch);
		if (out < 0)
			return out;
		if (out)
			continue;
		*channel = ch;
		*address = addr;
		return 0;
	}
	snprintf(err, errlen, "cadre %s has no usable contact for channels \"%s\" (email: %s, phone: %s)", cadre,
		 cfg->notify_channels, *email ? "yes" : "none", *phone ? "yes" : "none");
	return UT_ENOTFOUND;
}

typedef struct optout_query {
	ut_store_t *s;
	const char *cadre;
} optout_query_t;

static int optout_in_store(void *arg, const char *channel)
{
	optout_query_t *q = arg;
	return notify_optout_has(q->s, q->cadre, channel);
}

int notify_pick_channel(const ut_config_t *cfg, ut_store_t *s, const notify_cadre_t *c, const char **channel,
			const char **address, char *err, size_t errlen)
{
	optout_query_t q = {s, c->id};
	return pick_channel(cfg, c->id, c->email, c->phone, optout_in_store, &q, channel, address, err, errlen);
}

/* In a comma-separated list of channels (the cadre's opt-outs as the due query returns them). */
static int optout_in_list(void *arg, const char *channel)
{
	size_t n = strlen(channel);
	for (const char *p = arg; *p;) {
		const char *e = strchr(p, ',');
		size_t len = e ? (size_t)(e - p) : strlen(p);
		if (len == n && !memcmp(p, channel, n))
			return 1;
		p += len + (e ? 1 : 0);
	}
	return 0;
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

/* Hand-written iCalendar (RFC 5545): one VEVENT per session, its UID stable across versions and
 * SEQUENCE = class version, so calendars update or cancel the same entries; LOCATION is the venue
 * and its address or the link to join, URL the link. Lines are not folded at 75 octets; clients
 * we know accept longer lines. */
char *notify_ics(const notify_class_t *c, const notify_session_t *x, int n, const char *node, int cancelled)
{
	if (n <= 0)
		return NULL;
	char title[1200], loc[2300], url[1100], a[32], b[32], now[32];
	size_t cap = 512 + (size_t)n * (sizeof title + sizeof loc + sizeof url + 256), len = 0;
	char *out = malloc(cap);
	if (!out)
		return NULL;
	ics_text(title, sizeof title, c->title);
	ics_time(ut_clock_now_ms() / 1000, now, sizeof now);
	len += (size_t)snprintf(out + len, cap - len,
				"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//union-training//ut-notifyd//EN\r\nMETHOD:%s\r\n",
				cancelled ? "CANCEL" : "REQUEST");
	for (int i = 0; i < n; i++) {
		ics_text(loc, sizeof loc, x[i].where);
		ics_text(url, sizeof url, x[i].join_url);
		ics_time(x[i].starts_at, a, sizeof a);
		ics_time(x[i].ends_at, b, sizeof b);
		len += (size_t)snprintf(out + len, cap - len,
					"BEGIN:VEVENT\r\nUID:class-%lld-session-%lld@%s\r\nSEQUENCE:%d\r\nDTSTAMP:%s\r\n"
					"DTSTART:%s\r\nDTEND:%s\r\nSUMMARY:%s (%d/%d)\r\nLOCATION:%s\r\n%s%s%s"
					"STATUS:%s\r\nEND:VEVENT\r\n",
					(long long)c->id, (long long)x[i].id, node, c->version, now, a, b, title, i + 1, n,
					loc, *url ? "URL:" : "", url, *url ? "\r\n" : "", cancelled ? "CANCELLED" : "CONFIRMED");
	}
	snprintf(out + len, cap - len, "END:VCALENDAR\r\n");
	return out;
}

static const char *session_text(ut_arena_t *a, ut_store_t *s, int64_t session_id)
{
	char buf[64];
	int64_t t = notify_session_start(s, session_id);
	return t ? ut_arena_strdup(a, ut_clock_format_local(t, buf, sizeof buf)) : "";
}

static const notify_class_vals_t *class_vals(notify_renderer_t *rd, int64_t id)
{
	notify_class_vals_t *v = &rd->cls;
	if (v->id == id && v->found)
		return v;
	v->id = id;
	v->found = notify_class_get(rd->s, id, &v->c) == 0;
	if (!v->found)
		return NULL;
	snprintf(v->id_text, sizeof v->id_text, "%lld", (long long)id);
	*v->start = *v->end = '\0';
	if (v->c.first_start)
		ut_clock_format_local(v->c.first_start, v->start, sizeof v->start);
	if (v->c.last_end)
		ut_clock_format_local(v->c.last_end, v->end, sizeof v->end);
	return v;
}

int notify_class_started(notify_renderer_t *rd, int64_t class_id)
{
	const notify_class_vals_t *cv = class_vals(rd, class_id);
	return cv && cv->c.first_start * 1000 <= rd->now;
}

static const char *static_locale(const char *want, const char *node_locale)
{
	for (int i = 0; notify_locales[i]; i++)
		if (!strcmp(notify_locales[i], want))
			return notify_locales[i];
	for (int i = 0; notify_locales[i]; i++)
		if (!strcmp(notify_locales[i], node_locale))
			return notify_locales[i];
	return "zh-Hans";
}

static void row_vals(notify_renderer_t *rd, const notify_due_row_t *r, const notify_class_vals_t *cv,
		     const char **vals, char *buf, size_t buflen, ut_arena_t *a)
{
	for (int i = 0; i < V_NVARS; i++)
		vals[i] = "";
	/* a cadre we have not heard of yet is still addressed by id (spool) */
	vals[V_CADRE_NAME] = *r->name ? r->name : r->cadre_id;
	vals[V_CADRE_ID] = r->cadre_id;
	vals[V_UNIT] = r->unit;
	if (cv) {
		vals[V_CLASS_ID] = cv->id_text;
		vals[V_CLASS_TITLE] = cv->c.title;
		vals[V_CLASS_START] = cv->start;
		vals[V_CLASS_END] = cv->end;
		vals[V_VENUE] = cv->c.where;
		vals[V_LECTURER] = cv->c.lecturer;
	} else {
		snprintf(buf, buflen, "%lld", (long long)r->class_id);
		vals[V_CLASS_ID] = ut_arena_strdup(a, buf);
	}
	format_offset(r->offset_s, buf, buflen);
	vals[V_OFFSET] = buf;
	vals[V_REASON] = r->reason;
	if (!strcmp(r->kind, "absent"))
		vals[V_SESSION_START] = session_text(a, rd->s, r->offset_s);
	if (!strcmp(r->kind, "reflection_due")) { /* the offset holds the deadline */
		char until[64];
		vals[V_UNTIL] = ut_arena_strdup(a, ut_clock_format_local(r->offset_s, until, sizeof until));
	}
}

/* ---- batches ---- */

notify_job_t *notify_batch_add(notify_batch_t *b)
{
	if (b->n == b->cap) {
		int cap = b->cap ? b->cap * 2 : 256;
		notify_job_t *j = realloc(b->jobs, (size_t)cap * sizeof *j);
		if (!j)
			return NULL;
		b->jobs = j;
		b->cap = cap;
	}
	notify_job_t *j = &b->jobs[b->n++];
	memset(j, 0, sizeof *j);
	return j;
}

static int batch_reserve(notify_batch_t *b, size_t more)
{
	if (b->used + more <= b->size)
		return 0;
	size_t size = b->size ? b->size : 65536;
	while (size < b->used + more)
		size *= 2;
	unsigned char *p = realloc(b->buf, size);
	if (!p)
		return UT_ENOMEM;
	b->buf = p;
	b->size = size;
	return 0;
}

/* The packed job and then its address (NUL-terminated) go into the batch's buffer. */
static int batch_put(notify_batch_t *b, notify_job_t *j, const Ut__Delivery *job)
{
	size_t len = ut__delivery__get_packed_size(job), alen = strlen(job->address) + 1;
	if (batch_reserve(b, len + alen) != 0)
		return UT_ENOMEM;
	ut__delivery__pack(job, b->buf + b->used);
	j->off = b->used;
	j->len = len;
	memcpy(b->buf + b->used + len, job->address, alen);
	b->used += len + alen;
	return 0;
}

int notify_batch_copy(notify_batch_t *to, const notify_batch_t *from, const notify_job_t *j)
{
	size_t all = j->len + strlen(notify_batch_address(from, j)) + 1;
	notify_job_t *t = notify_batch_add(to);
	if (!t || batch_reserve(to, all) != 0)
		return UT_ENOMEM;
	*t = *j;
	t->off = to->used;
	memcpy(to->buf + to->used, from->buf + j->off, all);
	to->used += all;
	return 0;
}

const char *notify_batch_address(const notify_batch_t *b, const notify_job_t *j)
{
	return (const char *)b->buf + j->off + j->len;
}

void notify_batch_clear(notify_batch_t *b)
{
	b->head = b->n = 0;
	b->used = 0;
}

/* Drop the jobs before head, keeping the rest in order at the start. */
void notify_batch_compact(notify_batch_t *b)
{
	if (!b->head)
		return;
	if (b->head >= b->n) {
		notify_batch_clear(b);
		return;
	}
	size_t from = b->jobs[b->head].off;
	memmove(b->buf, b->buf + from, b->used - from);
	b->used -= from;
	memmove(b->jobs, b->jobs + b->head, (size_t)(b->n - b->head) * sizeof *b->jobs);
	b->n -= b->head;
	b->head = 0;
	for (int i = 0; i < b->n; i++)
		b->jobs[i].off -= from;
}

void notify_batch_free(notify_batch_t *b)
{
	free(b->jobs);
	free(b->buf);
	memset(b, 0, sizeof *b);
}

/* ---- one message ---- */

static int is_calendar_kind(const char *kind)
{
	return !strcmp(kind, "confirmed") || !strcmp(kind, "promoted") || !strcmp(kind, "class_changed") ||
	       !strcmp(kind, "class_cancelled");
}

static const char *static_channel(const char *ch)
{
	static const char *const channels[] = {"email", "webhook", "spool"};
	for (size_t i = 0; i < sizeof channels / sizeof channels[0]; i++)
		if (!strcmp(ch, channels[i]))
			return channels[i];
	return "";
}

/* The channel, address and locale of a message: chosen now, or as it was queued. */
static void address_row(notify_renderer_t *rd, const notify_due_row_t *r, const char **channel,
			const char **address, const char **locale, char *err, size_t errlen)
{
	pick_channel(rd->cfg, r->cadre_id, r->email, r->phone, optout_in_list, (void *)r->optouts, channel, address,
		     err, errlen);
	*locale = static_locale(r->locale, rd->cfg->locale);
	if (rd->again) {
		/* the error text of a message with no channel is the only thing taken from now */
		*channel = static_channel(r->channel);
		*address = r->address;
		*locale = static_locale(r->queued_locale, *locale);
		if (**channel)
			*err = '\0';
	}
}

static int pack_row(notify_renderer_t *rd, const notify_due_row_t *r, const notify_class_vals_t *cv,
		    notify_job_t *j, ut_arena_t *a)
{
	const char *vals[V_NVARS], *channel, *address, *locale;
	char buf[32], err[512] = "";
	row_vals(rd, r, cv, vals, buf, sizeof buf, a);
	address_row(rd, r, &channel, &address, &locale, err, sizeof err);
	char *subject = NULL, *text = NULL, *ics = NULL;
	int rc = a->failed ? UT_ENOMEM : notify_render(rd->app->tpl, r->kind, locale, vals, &subject, &text);
	if (rc)
		return rc;
	notify_session_t *xs;
	int nx;
	if (is_calendar_kind(r->kind) && strcmp(channel, "webhook") && cv &&
	    !(rc = notify_sessions_get(rd->s, a, r->class_id, &xs, &nx)))
		ics = notify_ics(&cv->c, xs, nx, rd->cfg->node_id, !strcmp(r->kind, "class_cancelled"));
	if (rc)
		return rc;
	Ut__Delivery job = UT__DELIVERY__INIT;
	job.id = r->id;
	job.key = (char *)r->key;
	job.cadre_id = (char *)r->cadre_id;
	job.class_id = r->class_id;
	job.kind = (char *)r->kind;
	job.channel = (char *)channel;
	job.status = "queued";
	job.attempts = rd->again ? r->attempts : r->attempts + 1;
	job.error = err; /* when there is no channel, the worker reports this as a permanent failure */
	job.due_ms = r->due_ms;
	job.locale = (char *)locale;
	job.offset_s = r->offset_s;
	job.class_version = r->class_version;
	job.address = (char *)address;
	job.subject = subject;
	job.text = text;
	job.ics = ics ? ics : "";
	job.created_ms = r->created_ms;
	rc = batch_put(rd->out, j, &job);
	free(subject);
	free(text);
	free(ics);
	j->attempts = job.attempts;
	j->channel = channel;
	j->locale = locale;
	return rc;
}

int notify_render_row(void *arg, const notify_due_row_t *r)
{
	notify_renderer_t *rd = arg;
	notify_job_t *j = notify_batch_add(rd->out);
	if (!j)
		return UT_ENOMEM;
	j->id = r->id;
	j->seq = r->seq;
	j->due_ms = r->due_ms;
	j->class_id = r->class_id;
	j->reminder = !strcmp(r->kind, "reminder");
	const notify_class_vals_t *cv = class_vals(rd, r->class_id);
	/* a daemon that was down past a class start does not remind of it afterwards */
	if (!rd->again && j->reminder && cv && cv->c.first_start * 1000 <= rd->now)
		return 0;
	ut_arena_t a = {0};
	int rc = pack_row(rd, r, cv, j, &a);
	ut_arena_free(&a);
	if (rc)
		rd->out->n--;
	return rc;
}
