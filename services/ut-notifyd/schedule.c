/* The reminder schedule: enrolment and class events become message rows (confirmations at once,
 * reminders at the configured offsets before the class); a class that moves or is cancelled
 * withdraws what is pending; worker outcomes close a message or schedule its retry. */
#include "notifyd.h"
#include "ut/clock.h"
#include "ut/err.h"
#include "ut/log.h"
#include "ut/projection.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

int notify_parse_offsets(const char *s, int64_t *out, int max, int *n)
{
	*n = 0;
	const char *p = s;
	while (*p) {
		while (*p == ' ' || *p == ',')
			p++;
		if (!*p)
			break;
		char *end;
		long v = strtol(p, &end, 10);
		int64_t unit = *end == 'd' ? 86400 : *end == 'h' ? 3600 : *end == 'm' ? 60 : 0;
		if (end == p || v <= 0 || v > 366 * 24 * 60 || !unit || *n >= max)
			return UT_EINVAL;
		out[(*n)++] = v * unit;
		p = end + 1;
		if (*p && *p != ',' && *p != ' ')
			return UT_EINVAL;
	}
	return 0;
}

int notify_parse_course_offsets(const char *s, notify_course_offsets_t **out, int *n)
{
	*out = NULL;
	*n = 0;
	char *copy = strdup(s ? s : ""), *save = NULL;
	if (!copy)
		return UT_ENOMEM;
	int rc = 0;
	for (char *item = strtok_r(copy, ";", &save); item && !rc; item = strtok_r(NULL, ";", &save)) {
		while (*item == ' ')
			item++;
		if (!*item)
			continue;
		char *eq = strchr(item, '=');
		notify_course_offsets_t *more = realloc(*out, (size_t)(*n + 1) * sizeof *more);
		if (!more) {
			rc = UT_ENOMEM;
			break;
		}
		*out = more;
		notify_course_offsets_t *c = &more[*n];
		if (!eq || eq == item || (size_t)(eq - item) >= sizeof c->code) {
			rc = UT_EINVAL;
			break;
		}
		size_t len = (size_t)(eq - item);
		while (len && item[len - 1] == ' ')
			len--;
		memcpy(c->code, item, len);
		c->code[len] = '\0';
		rc = notify_parse_offsets(eq + 1, c->offsets, NOTIFY_MAX_OFFSETS, &c->n);
		if (!rc)
			(*n)++;
	}
	free(copy);
	if (rc) {
		free(*out);
		*out = NULL;
		*n = 0;
	}
	return rc;
}

int notify_parse_quiet(const char *s, int *from, int *to)
{
	*from = *to = -1;
	if (!s || !*s)
		return 0;
	int h1, m1, h2, m2;
	char tail;
	if (sscanf(s, "%d:%d-%d:%d%c", &h1, &m1, &h2, &m2, &tail) != 4 || h1 < 0 || h1 > 23 || h2 < 0 || h2 > 23 ||
	    m1 < 0 || m1 > 59 || m2 < 0 || m2 > 59 || (h1 == h2 && m1 == m2))
		return UT_EINVAL;
	*from = h1 * 60 + m1;
	*to = h2 * 60 + m2;
	return 0;
}

int64_t notify_quiet_adjust(int64_t due_ms, int from, int to, int64_t limit_ms)
{
	if (from < 0)
		return due_ms;
	time_t t = (time_t)(due_ms / 1000);
	struct tm tm;
	localtime_r(&t, &tm);
	int m = tm.tm_hour * 60 + tm.tm_min;
	int quiet = from < to ? m >= from && m < to : m >= from || m < to;
	if (!quiet)
		return due_ms;
	if (from > to && m >= from)
		tm.tm_mday++; /* the quiet period ends tomorrow morning */
	tm.tm_hour = to / 60;
	tm.tm_min = to % 60;
	tm.tm_sec = 0;
	tm.tm_isdst = -1;
	int64_t end = (int64_t)mktime(&tm) * 1000;
	/* a reminder after the class has started is useless: then it goes out in the quiet hours */
	return end > limit_ms ? due_ms : end;
}

void notify_key(char *buf, size_t len, const char *cadre, int64_t class_id, const char *kind, int64_t offset_s,
		int version, int64_t enrolment)
{
	int n = snprintf(buf, len, "%s/%lld/%s/%lld/%d", cadre, (long long)class_id, kind, (long long)offset_s, version);
	if (enrolment > 0 && n >= 0 && (size_t)n < len)
		snprintf(buf + n, len - (size_t)n, "/%lld", (long long)enrolment);
}

/* One message row; status scheduled, or skipped with a reason. */
static int add_msg(ut_store_t *s, const char *cadre, int64_t enrolment, int64_t class_id, const char *kind,
		   int64_t offset_s, int version, int64_t due_ms, int64_t now, const char *status, const char *error,
		   const char *reason)
{
	char key[512];
	notify_key(key, sizeof key, cadre, class_id, kind, offset_s, version, enrolment);
	Ut__Delivery d = UT__DELIVERY__INIT;
	d.key = key;
	d.cadre_id = (char *)cadre;
	d.class_id = class_id;
	d.kind = (char *)kind;
	d.offset_s = offset_s;
	d.class_version = version;
	d.due_ms = due_ms;
	d.status = (char *)status;
	d.error = (char *)error;
	d.created_ms = now;
	int rc = notify_msg_insert(s, &d, reason);
	return rc < 0 ? rc : 0;
}

static int live(const notify_class_t *c) { return strcmp(c->state, "cancelled") && strcmp(c->state, "closed"); }

/* Reminders for one confirmed cadre at the class's current version. Past ones are recorded as
 * skipped (so the log says why nothing came), never sent late. */
static int schedule_reminders(notify_app_t *app, ut_store_t *s, const notify_place_t *p, const notify_class_t *c,
			      int64_t now)
{
	if (!live(c) || !c->first_start)
		return 0;
	int rc = 0, n = app->noffsets;
	int64_t start = c->first_start * 1000;
	const int64_t *offsets = app->offsets;
	for (int i = 0; i < app->ncourses; i++)
		if (!strcmp(app->courses[i].code, c->course_code)) {
			offsets = app->courses[i].offsets;
			n = app->courses[i].n;
		}
	for (int i = 0; i < n && !rc; i++) {
		int64_t due = start - offsets[i] * 1000;
		if (due <= now)
			rc = add_msg(s, p->cadre, p->enrolment, c->id, "reminder", offsets[i], c->version, due, now, "skipped",
				     "its time had passed when it was scheduled", "");
		else
			rc = add_msg(s, p->cadre, p->enrolment, c->id, "reminder", offsets[i], c->version,
				     notify_quiet_adjust(due, app->quiet_from, app->quiet_to, start), now, "scheduled", "", "");
	}
	return rc;
}

int notify_on_enrol(ut_service_t *svc, const Ut__Envelope *ev)
{
	notify_app_t *app = ut_service_app(svc);
	ut_store_t *s = ut_service_store(svc);
	Ut__Enrolment *e = ut__enrolment__unpack(NULL, ev->body.len, ev->body.data);
	if (!e)
		return UT_EINVAL;
	int rc = 0, reminders = 0;
	const char *state, *kind;
	switch (ev->type) {
	case UT__MSG_TYPE__EV_ENROL_CONFIRMED: state = "confirmed", kind = "confirmed", reminders = 1; break;
	case UT__MSG_TYPE__EV_ENROL_WAITLISTED: state = "waitlisted", kind = "waitlisted"; break;
	case UT__MSG_TYPE__EV_ENROL_PROMOTED: state = "confirmed", kind = "promoted", reminders = 1; break;
	default: state = "cancelled", kind = "cancelled"; break;
	}
	if (!*e->cadre_id || e->class_id <= 0) {
		ut__enrolment__free_unpacked(e, NULL);
		return UT_EINVAL;
	}
	int64_t now = ut_clock_now_ms();
	notify_class_t c;
	int have = notify_class_get(s, e->class_id, &c) == 0;
	int version = e->class_version ? e->class_version : have ? c.version : 0;
	notify_place_t place = {e->cadre_id, e->id, reminders};
	rc = notify_enrol_set(s, e->cadre_id, e->class_id, state, e->id);
	if (!rc && !strcmp(state, "cancelled"))
		rc = notify_msg_withdraw(s, e->class_id, e->cadre_id, 0) < 0 ? UT_EINTERNAL : 0;
	/* ut-enrold cancels the enrolments of a cancelled class: the class notice already told them;
	 * a cadre enrolled late is not asked to come on time to what has begun */
	int covered = (!strcmp(kind, "cancelled") && have && !strcmp(c.state, "cancelled")) ||
		      (e->late && ev->type == UT__MSG_TYPE__EV_ENROL_CONFIRMED);
	/* confirmations go out whatever the time: they are news, not reminders */
	if (!rc && !covered)
		rc = add_msg(s, e->cadre_id, e->id, e->class_id, kind, 0, version, now, now, "scheduled", "", e->reason);
	if (!rc && reminders && have)
		rc = schedule_reminders(app, s, &place, &c, now);
	ut__enrolment__free_unpacked(e, NULL);
	if (!rc)
		notify_dispatch_soon(app);
	return rc;
}

int notify_on_class(ut_service_t *svc, const Ut__Envelope *ev)
{
	notify_dispatch_changed(ut_service_app(svc));
	int rc = ut_projection_apply(svc, ev);
	if (rc || ev->type == UT__MSG_TYPE__EV_COURSE_CREATED || ev->type == UT__MSG_TYPE__EV_PLAN_SET)
		return rc;
	notify_app_t *app = ut_service_app(svc);
	ut_store_t *s = ut_service_store(svc);
	Ut__Class *c = ut__class__unpack(NULL, ev->body.len, ev->body.data);
	if (!c)
		return UT_EINVAL;
	int seen_version;
	int64_t seen_first, seen_tt, first = 0, now = ut_clock_now_ms();
	uint64_t tt = 0; /* order-free: a sum over the sessions of a mix of each one's id and times */
	for (size_t i = 0; i < c->n_sessions; i++) {
		const Ut__Session *x = c->sessions[i];
		if (!first || x->starts_at < first)
			first = x->starts_at;
		uint64_t h = ((uint64_t)x->id * 0x9E3779B97F4A7C15u) ^ ((uint64_t)x->starts_at * 0xC2B2AE3D27D4EB4Fu) ^
			     ((uint64_t)x->ends_at * 0x165667B19E3779F9u);
		tt += h ^ (h >> 29);
	}
	tt |= 1; /* 0 means "not known" (rows from before the fingerprint) */
	rc = notify_seen_get(s, c->id, &seen_version, &seen_first, &seen_tt);
	if (rc || c->version <= seen_version) {
		ut__class__free_unpacked(c, NULL);
		return rc; /* a repeat or an older version: what we scheduled stands */
	}
	ut_arena_t a = {0};
	notify_place_t *ids = NULL;
	int n = 0;
	int cancelled = ev->type == UT__MSG_TYPE__EV_CLASS_CANCELLED || !strcmp(c->state, "cancelled");
	if (cancelled || !strcmp(c->state, "closed")) {
		rc = notify_msg_withdraw(s, c->id, NULL, 0);
		rc = rc < 0 ? rc : 0;
		if (!rc && cancelled)
			rc = notify_enrol_list(s, &a, c->id, "", &ids, &n);
		for (int i = 0; i < n && !rc; i++)
			rc = add_msg(s, ids[i].cadre, ids[i].enrolment, c->id, "class_cancelled", 0, c->version, now, now,
				     "scheduled", "", c->reason);
	} else {
		/* every new version replaces the pending reminders: the same offsets come back with the
		 * new version in their key, at the new times, and past ones are not sent again */
		rc = notify_msg_withdraw(s, c->id, NULL, c->version);
		rc = rc < 0 ? rc : 0;
		notify_class_t pc;
		int have = !rc && notify_class_get(s, c->id, &pc) == 0;
		/* any session moved (or added, or dropped): those holding or awaiting a seat are told */
		int moved = seen_version > 0 && (seen_tt ? (uint64_t)seen_tt != tt : seen_first && first != seen_first);
		if (have)
			rc = notify_enrol_list(s, &a, c->id, "", &ids, &n);
		for (int i = 0; i < n && !rc; i++) {
			if (moved)
				rc = add_msg(s, ids[i].cadre, ids[i].enrolment, c->id, "class_changed", 0, c->version, now,
					     now, "scheduled", "", "");
			if (!rc && ids[i].confirmed)
				rc = schedule_reminders(app, s, &ids[i], &pc, now);
		}
	}
	if (!rc)
		rc = notify_seen_set(s, c, first, (int64_t)tt);
	ut_arena_free(&a);
	ut__class__free_unpacked(c, NULL);
	if (!rc)
		notify_dispatch_soon(app);
	return rc;
}

int notify_on_cadre(ut_service_t *svc, const Ut__Envelope *ev)
{
	ut_store_t *s = ut_service_store(svc);
	int rc;
	notify_dispatch_changed(ut_service_app(svc));
	if (ev->type == UT__MSG_TYPE__EV_UNIT_ADDED || ev->type == UT__MSG_TYPE__EV_UNIT_CHANGED) {
		Ut__OrgUnit *u = ut__org_unit__unpack(NULL, ev->body.len, ev->body.data);
		if (!u)
			return UT_EINVAL;
		rc = notify_unit_upsert(s, u);
		ut__org_unit__free_unpacked(u, NULL);
		return rc;
	}
	if (ev->type == UT__MSG_TYPE__EV_CADRES_IMPORTED) {
		Ut__CadreBatch *b = ut__cadre_batch__unpack(NULL, ev->body.len, ev->body.data);
		if (!b)
			return UT_EINVAL;
		rc = 0;
		for (size_t i = 0; i < b->n_registered + b->n_changed && !rc; i++) {
			Ut__Cadre *c = i < b->n_registered ? b->registered[i] : b->changed[i - b->n_registered];
			rc = *c->id ? notify_cadre_upsert(s, c) : UT_EINVAL;
		}
		ut__cadre_batch__free_unpacked(b, NULL);
		return rc;
	}
	Ut__Cadre *c = ut__cadre__unpack(NULL, ev->body.len, ev->body.data);
	if (!c)
		return UT_EINVAL;
	rc = *c->id ? notify_cadre_upsert(s, c) : UT_EINVAL;
	if (!rc && ev->type == UT__MSG_TYPE__EV_CADRE_LEFT)
		rc = notify_msg_withdraw_cadre(s, c->id);
	ut__cadre__free_unpacked(c, NULL);
	return rc;
}

/* A worker's outcome. Only the outcome of the attempt now queued counts: a late or repeated one
 * (a reclaimed job finishing twice) finds the row already closed and changes nothing. */
int notify_on_outcome(ut_service_t *svc, const Ut__Envelope *ev)
{
	notify_app_t *app = ut_service_app(svc);
	ut_store_t *s = ut_service_store(svc);
	const ut_config_t *cfg = ut_service_config(svc);
	Ut__Delivery *o = ut__delivery__unpack(NULL, ev->body.len, ev->body.data);
	if (!o)
		return UT_EINVAL;
	ut_arena_t a = {0};
	Ut__Delivery *d;
	int rc = notify_msg_load(s, &a, o->id, &d, NULL);
	if (rc || strcmp(d->status, "queued") || d->attempts != o->attempts) {
		ut_arena_free(&a);
		ut__delivery__free_unpacked(o, NULL);
		return rc == UT_ENOTFOUND ? UT_EINVAL : rc;
	}
	int64_t now = ut_clock_now_ms();
	const char *status;
	char err[600];
	snprintf(err, sizeof err, "%s", o->error);
	int64_t due = 0;
	if (!strcmp(o->status, "sent"))
		status = "sent";
	else if (!strcmp(o->status, "temporary") && d->attempts < cfg->notify_max_attempts) {
		status = "retrying";
		int64_t delay = cfg->notify_retry_base_ms;
		for (int i = 1; i < d->attempts && delay < 86400000; i++)
			delay *= 2;
		due = now + (delay > 86400000 ? 86400000 : delay);
	} else {
		status = "dead";
		if (!strcmp(o->status, "temporary"))
			snprintf(err, sizeof err, "gave up after %d attempts: %s", d->attempts, o->error);
	}
	rc = notify_msg_outcome(s, d->id, status, err, !strcmp(status, "sent") ? (o->sent_ms ? o->sent_ms : now) : 0,
				due, o->worker);
	if (!rc && strcmp(status, "retrying")) {
		d->status = (char *)status;
		d->error = err;
		d->channel = o->channel;
		d->sent_ms = !strcmp(status, "sent") ? (o->sent_ms ? o->sent_ms : now) : 0;
		d->worker = o->worker;
		d->address = (char *)""; /* personal data stays in this daemon */
		rc = ut_service_emit(svc, !strcmp(status, "sent") ? UT__MSG_TYPE__EV_NOTIFY_DELIVERED
								 : UT__MSG_TYPE__EV_NOTIFY_FAILED, &d->base);
		if (strcmp(status, "sent"))
			ut_warn("message %lld (%s) dead-lettered: %s", (long long)d->id, d->key, err);
	}
	if (!rc && due)
		notify_dispatch_soon(app);
	ut_arena_free(&a);
	ut__delivery__free_unpacked(o, NULL);
	return rc;
}

/* Absent from a session: one follow-up per cadre and session (the session id takes the offset's
 * place in the key), whatever versions the class went through (a reopened class is corrected, not
 * held again), and never for a session still to come (marked ahead on an officer's word). A later
 * correction to present does not unsend it. */
int notify_on_attendance(ut_service_t *svc, const Ut__Envelope *ev)
{
	Ut__Attendance *a = ut__attendance__unpack(NULL, ev->body.len, ev->body.data);
	if (!a)
		return UT_EINVAL;
	ut_store_t *s = ut_service_store(svc);
	int64_t now = ut_clock_now_ms();
	int rc = 0;
	if (!*a->cadre_id || a->class_id <= 0 || a->session_id <= 0)
		rc = UT_EINVAL;
	else if (!strcmp(a->mark, "absent") && notify_session_start(s, a->session_id) * 1000 <= now &&
		 !(rc = notify_msg_had(s, a->cadre_id, a->class_id, "absent", a->session_id))) {
		notify_class_t c;
		int version = notify_class_get(s, a->class_id, &c) == 0 ? c.version : 0;
		rc = add_msg(s, a->cadre_id, 0, a->class_id, "absent", a->session_id, version, now, now, "scheduled", "",
			     "");
		if (!rc)
			notify_dispatch_soon(ut_service_app(svc));
	}
	ut__attendance__free_unpacked(a, NULL);
	return rc < 0 ? rc : 0; /* 1: the cadre was told already */
}

/* A class closed: those whose completion waits only for the written reflection their course asks
 * for are told it is due, once (a class reopened and closed again computes completions anew);
 * where attendance falls short a reflection would change nothing, so nobody is asked for one, nor
 * once the time for reflections is over. The deadline takes the offset's place in the key. */
int notify_on_completion(ut_service_t *svc, const Ut__Envelope *ev)
{
	Ut__Completion *m = ut__completion__unpack(NULL, ev->body.len, ev->body.data);
	if (!m)
		return UT_EINVAL;
	int rc = 0;
	ut_store_t *s = ut_service_store(svc);
	if (!*m->cadre_id || m->class_id <= 0)
		rc = UT_EINVAL;
	else if (m->reflection_missing && m->reflection_until * 1000 > ut_clock_now_ms() &&
		 !(rc = notify_msg_had(s, m->cadre_id, m->class_id, "reflection_due", -1))) {
		notify_class_t c;
		int64_t now = ut_clock_now_ms();
		int version = notify_class_get(s, m->class_id, &c) == 0 ? c.version : 0;
		rc = add_msg(s, m->cadre_id, 0, m->class_id, "reflection_due", m->reflection_until, version, now, now,
			     "scheduled", "", "");
		if (!rc)
			notify_dispatch_soon(ut_service_app(svc));
	}
	ut__completion__free_unpacked(m, NULL);
	return rc < 0 ? rc : 0; /* 1: the cadre was told already */
}
