/* Handlers for classes and their sessions: creation, changes, cancellation, closing, and the
 * double-booking rule for venues and lecturers. Every change bumps the class version and emits
 * the whole class, so consumers keep the newest version whatever order events arrive in. */
#include "schedd.h"
#include "ut/clock.h"
#include "ut/err.h"
#include "ut/valid.h"

#include <string.h>

#define levels ut_levels
#define formats ut_formats

#define MAX_SESSION_SECONDS 86400

static int live(const Ut__Class *c) { return strcmp(c->state, "cancelled") && strcmp(c->state, "closed"); }

/* A link cadres follow from a notice: a web address, nothing a mail client would run. */
static int check_link(ut_reply_t *rep, const char *url)
{
	int rc = ut_valid_text(rep, "join link", url, 0, 500);
	if (!rc && *url && strncmp(url, "https://", 8) && strncmp(url, "http://", 7))
		rc = ut_reply_err(rep, UT_EINVAL, "join link '%s' is not an http:// or https:// address", url);
	if (!rc && strpbrk(url, " \t\r\n"))
		rc = ut_reply_err(rep, UT_EINVAL, "a join link has no spaces");
	return rc;
}

/* Times, venue, lecturer, link and double booking of one session of a class with `capacity` seats. */
static int check_session(ut_store_t *s, ut_reply_t *rep, const Ut__Session *x, int capacity)
{
	char a[32], b[32];
	if (check_link(rep, x->join_url))
		return UT_EINVAL;
	if (x->starts_at <= 0 || x->ends_at <= 0)
		return ut_reply_err(rep, UT_EINVAL, "a session needs a start and an end");
	if (x->ends_at > UT_CLOCK_MAX_S)
		return ut_reply_err(rep, UT_EINVAL, "a session must end before the year 10000");
	if (x->ends_at <= x->starts_at)
		return ut_reply_err(rep, UT_EINVAL, "session ends (%s) before it starts (%s)",
				    ut_clock_format_local(x->ends_at, a, sizeof a),
				    ut_clock_format_local(x->starts_at, b, sizeof b));
	if (x->ends_at - x->starts_at > MAX_SESSION_SECONDS)
		return ut_reply_err(rep, UT_EINVAL, "a session lasts at most 24 hours; add one session per day");
	ut_arena_t ar = {0};
	int rc = 0;
	if (x->venue_id) {
		Ut__Venue *v;
		rc = sched_venue_get(s, &ar, x->venue_id, &v);
		if (rc == UT_ENOTFOUND)
			rc = ut_reply_err(rep, rc, "no venue %lld", (long long)x->venue_id);
		else if (!rc && v->capacity < capacity)
			rc = ut_reply_err(rep, UT_EINVAL, "venue %lld (%s) seats %d, fewer than the class capacity %d",
					  (long long)v->id, v->name, v->capacity, capacity);
	}
	if (!rc && x->lecturer_id) {
		Ut__Lecturer *l;
		rc = sched_lecturer_get(s, &ar, x->lecturer_id, &l);
		if (rc == UT_ENOTFOUND)
			rc = ut_reply_err(rep, rc, "no lecturer %lld", (long long)x->lecturer_id);
	}
	ut_arena_free(&ar);
	for (int by_venue = 1; by_venue >= 0 && !rc; by_venue--) {
		if (!(by_venue ? x->venue_id : x->lecturer_id))
			continue;
		sched_clash_t k;
		int found = sched_find_clash(s, x, by_venue, &k);
		if (found < 0)
			rc = found;
		else if (found && by_venue)
			rc = ut_reply_err(rep, UT_ECONFLICT, "venue %lld is already booked %s to %s by class %lld (%s)",
					  (long long)x->venue_id, ut_clock_format_local(k.starts_at, a, sizeof a),
					  ut_clock_format_local(k.ends_at, b, sizeof b), (long long)k.class_id, k.title);
		else if (found)
			rc = ut_reply_err(rep, UT_ECONFLICT, "lecturer %lld is already booked %s to %s by class %lld (%s)",
					  (long long)x->lecturer_id, ut_clock_format_local(k.starts_at, a, sizeof a),
					  ut_clock_format_local(k.ends_at, b, sizeof b), (long long)k.class_id, k.title);
	}
	return rc;
}

/* Reload the class, emit it as `event`, and reply with it. */
static int emit_class(ut_service_t *svc, ut_reply_t *rep, int64_t id, int event)
{
	ut_arena_t a = {0};
	Ut__Class *c = NULL;
	int rc = sched_class_load(ut_service_store(svc), &a, id, &c);
	if (!rc && a.failed)
		rc = UT_ENOMEM;
	if (!rc)
		rc = ut_service_emit(svc, event, &c->base);
	return ut_reply_msg(rep, &a, rc, c ? &c->base : NULL);
}

static int load_class(ut_store_t *s, ut_arena_t *a, ut_reply_t *rep, int64_t id, Ut__Class **c)
{
	int rc = sched_class_load(s, a, id, c);
	return rc == UT_ENOTFOUND ? ut_reply_err(rep, rc, "no class %lld", (long long)id) : rc;
}

/* A class that can still change: not cancelled, not closed. */
static int load_live(ut_store_t *s, ut_arena_t *a, ut_reply_t *rep, int64_t id, Ut__Class **c)
{
	int rc = load_class(s, a, rep, id, c);
	if (!rc && !live(*c))
		return ut_reply_err(rep, UT_ECONFLICT, "class %lld is %s", (long long)id, (*c)->state);
	return rc;
}

int sched_class_add(ut_service_t *svc, const Ut__Envelope *req, ut_reply_t *rep)
{
	Ut__ClassAdd *in = ut_rpc_body(req, &ut__class_add__descriptor, rep);
	if (!in)
		return UT_EINVAL;
	ut_store_t *s = ut_service_store(svc);
	ut_arena_t a = {0};
	Ut__Course *course = NULL;
	Ut__Class c; /* a copy, so defaults can be filled in without touching the unpacked request */
	int rc = 0;
	if (!in->cls)
		rc = ut_reply_err(rep, UT_EINVAL, "class is required");
	else if ((rc = sched_course_find(s, &a, in->cls->course_id, in->cls->course_code, &course)) == UT_ENOTFOUND)
		rc = ut_reply_err(rep, rc, "no course %s",
				  *in->cls->course_code ? in->cls->course_code : "given");
	if (rc)
		goto out;
	c = *in->cls;
	c.level = *c.level ? c.level : "county";
	c.format = *c.format ? c.format : "in_person";
	c.title = *c.title ? c.title : course->title;
	if ((rc = ut_valid_text(rep, "title", c.title, 1, 200)) || (rc = ut_valid_enum(rep, "level", c.level, levels)) ||
	    (rc = ut_valid_enum(rep, "format", c.format, formats)) ||
	    (rc = ut_valid_range(rep, "capacity", c.capacity, 1, 100000)) ||
	    (rc = ut_valid_text(rep, "audience", c.audience, 0, 500)) || (rc = check_link(rep, c.join_url)) ||
	    (rc = ut_valid_range(rep, "number of sessions", (int64_t)in->n_sessions, 0, 365)))
		goto out;
	c.course_id = course->id;
	c.state = "planned";
	c.version = 1;
	c.reason = "";
	if ((rc = sched_class_insert(s, &c)))
		goto out;
	for (size_t i = 0; i < in->n_sessions && !rc; i++) {
		Ut__Session *x = in->sessions[i];
		x->class_id = c.id;
		x->id = 0;
		if (!(rc = check_session(s, rep, x, c.capacity)))
			rc = sched_session_insert(s, x);
	}
	if (!rc)
		rc = emit_class(svc, rep, c.id, UT__MSG_TYPE__EV_CLASS_CREATED);
out:
	ut_arena_free(&a);
	protobuf_c_message_free_unpacked(&in->base, NULL);
	return rc;
}

int sched_class_get(ut_service_t *svc, const Ut__Envelope *req, ut_reply_t *rep)
{
	Ut__Ref *r = ut_rpc_body(req, &ut__ref__descriptor, rep);
	if (!r)
		return UT_EINVAL;
	ut_arena_t a = {0};
	Ut__Class *c = NULL;
	int rc = load_class(ut_service_store(svc), &a, rep, r->id, &c);
	protobuf_c_message_free_unpacked(&r->base, NULL);
	return ut_reply_msg(rep, &a, rc, c ? &c->base : NULL);
}

int sched_class_list_h(ut_service_t *svc, const Ut__Envelope *req, ut_reply_t *rep)
{
	Ut__ClassQuery *q = ut_rpc_body(req, &ut__class_query__descriptor, rep);
	if (!q)
		return UT_EINVAL;
	ut_arena_t a = {0};
	Ut__ClassList out = UT__CLASS_LIST__INIT;
	int rc = sched_class_list(ut_service_store(svc), &a, q, &out);
	protobuf_c_message_free_unpacked(&q->base, NULL);
	return ut_reply_msg(rep, &a, rc, &out.base);
}

/* Apply a session change onto the stored session `old`. */
static int change_session(ut_store_t *s, ut_reply_t *rep, const Ut__Class *c, const Ut__ClassChange *ch)
{
	const Ut__Session *in = ch->session;
	Ut__Session *old = NULL;
	for (size_t i = 0; i < c->n_sessions; i++)
		if (c->sessions[i]->id == in->id)
			old = c->sessions[i];
	if (!old)
		return ut_reply_err(rep, UT_ENOTFOUND, "class %lld has no session %lld", (long long)c->id,
				    (long long)in->id);
	Ut__Session x = *old;
	if (in->starts_at || in->ends_at) {
		x.starts_at = in->starts_at ? in->starts_at : old->starts_at;
		x.ends_at = in->ends_at ? in->ends_at : old->ends_at;
	}
	if (in->venue_id)
		x.venue_id = in->venue_id;
	if (ch->clear_venue)
		x.venue_id = 0;
	if (in->lecturer_id)
		x.lecturer_id = in->lecturer_id;
	if (ch->clear_lecturer)
		x.lecturer_id = 0;
	if (*in->join_url)
		x.join_url = strcmp(in->join_url, "none") ? in->join_url : "";
	int rc = check_session(s, rep, &x, c->capacity);
	return rc ? rc : sched_session_update(s, &x);
}

static const char *const forward[] = {"planned", "open", "running", NULL};

int sched_class_change(ut_service_t *svc, const Ut__Envelope *req, ut_reply_t *rep)
{
	Ut__ClassChange *ch = ut_rpc_body(req, &ut__class_change__descriptor, rep);
	if (!ch)
		return UT_EINVAL;
	ut_store_t *s = ut_service_store(svc);
	ut_arena_t a = {0};
	Ut__Class *c = NULL;
	int rc = load_live(s, &a, rep, ch->id, &c), changed = 0;
	if (rc)
		goto out;
	if (ch->capacity) {
		if ((rc = ut_valid_range(rep, "capacity", ch->capacity, 1, 100000)))
			goto out;
		c->capacity = ch->capacity;
		for (size_t i = 0; i < c->n_sessions && !rc; i++) /* the new size must fit every venue */
			rc = check_session(s, rep, c->sessions[i], c->capacity);
		changed = 1;
	}
	if (!rc && *ch->title && !(rc = ut_valid_text(rep, "title", ch->title, 1, 200))) {
		c->title = ch->title;
		changed = 1;
	}
	if (!rc && *ch->audience && !(rc = ut_valid_text(rep, "audience", ch->audience, 0, 500))) {
		c->audience = ch->audience;
		changed = 1;
	}
	if (!rc && *ch->format && !(rc = ut_valid_enum(rep, "format", ch->format, formats))) {
		c->format = ch->format;
		changed = 1;
	}
	if (!rc && *ch->join_url) {
		c->join_url = strcmp(ch->join_url, "none") ? ch->join_url : "";
		rc = check_link(rep, c->join_url);
		changed = 1;
	}
	if (!rc && *ch->state) {
		int from = -1, to = -1;
		for (int i = 0; forward[i]; i++) {
			if (!strcmp(forward[i], c->state))
				from = i;
			if (!strcmp(forward[i], ch->state))
				to = i;
		}
		if (to < 1)
			rc = ut_reply_err(rep, UT_EINVAL, "state can be changed to open or running (use cancel or close)");
		else if (to <= from)
			rc = ut_reply_err(rep, UT_ECONFLICT, "class %lld is already %s", (long long)c->id, c->state);
		else {
			c->state = ch->state;
			changed = 1;
		}
	}
	if (!rc && ch->session) {
		rc = change_session(s, rep, c, ch);
		changed = 1;
	}
	if (!rc && !changed)
		rc = ut_reply_err(rep, UT_EINVAL, "nothing to change");
	if (rc)
		goto out;
	c->version++;
	if (!(rc = sched_class_update(s, c)))
		rc = emit_class(svc, rep, c->id, UT__MSG_TYPE__EV_CLASS_CHANGED);
out:
	ut_arena_free(&a);
	protobuf_c_message_free_unpacked(&ch->base, NULL);
	return rc;
}

/* Closing makes every completion final, so a class closes once its last session has ended; before
 * that only when forced, with the reason kept in the class and its event for the audit. */
static int close_check(ut_reply_t *rep, const Ut__Class *c, const Ut__ClassAction *act)
{
	int64_t last = 0, now = ut_clock_now_ms() / 1000;
	char at[64];
	for (size_t i = 0; i < c->n_sessions; i++)
		if (c->sessions[i]->ends_at > last)
			last = c->sessions[i]->ends_at;
	if (act->force && !*act->reason)
		return ut_reply_err(rep, UT_EINVAL, "closing class %lld early needs a reason", (long long)c->id);
	if (last > now && !act->force)
		return ut_reply_err(rep, UT_ECONFLICT,
				    "class %lld has not ended: its last session ends at %s; closing computes every "
				    "cadre's completion from the roll-calls taken so far (force it with a reason)",
				    (long long)c->id, ut_clock_format_local(last, at, sizeof at));
	return 0;
}

static int finish(ut_service_t *svc, const Ut__Envelope *req, ut_reply_t *rep, const char *state, int event)
{
	Ut__ClassAction *act = ut_rpc_body(req, &ut__class_action__descriptor, rep);
	if (!act)
		return UT_EINVAL;
	ut_store_t *s = ut_service_store(svc);
	ut_arena_t a = {0};
	Ut__Class *c = NULL;
	int rc = load_live(s, &a, rep, act->id, &c);
	if (!rc)
		rc = ut_valid_text(rep, "reason", act->reason, 0, 500);
	if (!rc && event == UT__MSG_TYPE__EV_CLASS_CLOSED)
		rc = close_check(rep, c, act);
	if (!rc) {
		c->state = (char *)state;
		c->reason = act->reason;
		c->forced = event == UT__MSG_TYPE__EV_CLASS_CLOSED && act->force;
		c->version++;
		if (!(rc = sched_class_update(s, c)))
			rc = emit_class(svc, rep, c->id, event);
	}
	ut_arena_free(&a);
	protobuf_c_message_free_unpacked(&act->base, NULL);
	return rc;
}

int sched_class_cancel(ut_service_t *svc, const Ut__Envelope *req, ut_reply_t *rep)
{
	return finish(svc, req, rep, "cancelled", UT__MSG_TYPE__EV_CLASS_CANCELLED);
}

int sched_class_close(ut_service_t *svc, const Ut__Envelope *req, ut_reply_t *rep)
{
	return finish(svc, req, rep, "closed", UT__MSG_TYPE__EV_CLASS_CLOSED);
}

/* A closed class runs again so its roll-calls can be corrected and it can be closed anew; the
 * change event tells ut-enrold to withdraw the completions it computed. */
int sched_class_reopen(ut_service_t *svc, const Ut__Envelope *req, ut_reply_t *rep)
{
	Ut__ClassAction *act = ut_rpc_body(req, &ut__class_action__descriptor, rep);
	if (!act)
		return UT_EINVAL;
	ut_store_t *s = ut_service_store(svc);
	ut_arena_t a = {0};
	Ut__Class *c = NULL;
	int rc = load_class(s, &a, rep, act->id, &c);
	if (!rc && strcmp(c->state, "closed"))
		rc = ut_reply_err(rep, UT_ECONFLICT, "class %lld is %s, not closed", (long long)c->id, c->state);
	if (!rc && !*act->reason)
		rc = ut_reply_err(rep, UT_EINVAL, "reopening class %lld needs a reason", (long long)c->id);
	if (!rc)
		rc = ut_valid_text(rep, "reason", act->reason, 1, 500);
	if (!rc) {
		c->state = "running";
		c->reason = act->reason;
		c->forced = 0;
		c->version++;
		if (!(rc = sched_class_update(s, c)))
			rc = emit_class(svc, rep, c->id, UT__MSG_TYPE__EV_CLASS_CHANGED);
	}
	ut_arena_free(&a);
	protobuf_c_message_free_unpacked(&act->base, NULL);
	return rc;
}

int sched_session_add(ut_service_t *svc, const Ut__Envelope *req, ut_reply_t *rep)
{
	Ut__Session *x = ut_rpc_body(req, &ut__session__descriptor, rep);
	if (!x)
		return UT_EINVAL;
	ut_store_t *s = ut_service_store(svc);
	ut_arena_t a = {0};
	Ut__Class *c = NULL;
	int rc = load_live(s, &a, rep, x->class_id, &c);
	if (!rc && c->n_sessions >= 365)
		rc = ut_reply_err(rep, UT_EINVAL, "class %lld already has %zu sessions", (long long)c->id, c->n_sessions);
	x->id = 0;
	if (!rc && !(rc = check_session(s, rep, x, c->capacity)) && !(rc = sched_session_insert(s, x))) {
		c->version++;
		if (!(rc = sched_class_update(s, c)))
			rc = emit_class(svc, rep, c->id, UT__MSG_TYPE__EV_CLASS_SCHEDULED);
	}
	ut_arena_free(&a);
	protobuf_c_message_free_unpacked(&x->base, NULL);
	return rc;
}

int sched_session_list(ut_service_t *svc, const Ut__Envelope *req, ut_reply_t *rep)
{
	Ut__Ref *r = ut_rpc_body(req, &ut__ref__descriptor, rep);
	if (!r)
		return UT_EINVAL;
	ut_arena_t a = {0};
	Ut__Class *c = NULL;
	int rc = load_class(ut_service_store(svc), &a, rep, r->id, &c);
	Ut__SessionList out = UT__SESSION_LIST__INIT;
	if (!rc) {
		out.n_sessions = c->n_sessions;
		out.sessions = c->sessions;
	}
	protobuf_c_message_free_unpacked(&r->base, NULL);
	return ut_reply_msg(rep, &a, rc, &out.base);
}
