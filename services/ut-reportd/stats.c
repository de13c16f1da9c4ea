/* Event handlers keeping the counters: each event adds its effect to the counters once, and a
 * correction (a new attendance mark, a cancelled enrolment, a recomputed completion) first takes
 * back what the fact it replaces had added. Nothing here scans to recount. */
#include "reportd.h"
#include "ut/err.h"
#include "ut/log.h"
#include "ut/projection.h"

#include <stdio.h>
#include <string.h>

static void *unpack(const Ut__Envelope *ev, const ProtobufCMessageDescriptor *d)
{
	return protobuf_c_message_unpack(d, NULL, ev->body.len, ev->body.data);
}

static int bucket_eq(const rp_bucket_t *a, const rp_bucket_t *b)
{
	return a->year == b->year && a->month == b->month && !strcmp(a->category, b->category) &&
	       !strcmp(a->format, b->format);
}

typedef struct move_arg {
	ut_store_t *s;
	int from, to;
} move_arg_t;

static int move_trained(void *arg, const char *cadre, int64_t unit, int full_time)
{
	move_arg_t *m = arg;
	int rc = rp_trained_adjust(m->s, cadre, m->from, unit, full_time, -1);
	return rc ? rc : rp_trained_adjust(m->s, cadre, m->to, unit, full_time, 1);
}

/* Set a class's own 0/1 counter to `want`, changing its bucket by the difference. */
static int class_flag(ut_store_t *s, int64_t id, const char *metric, int want)
{
	int64_t have = rp_class_value(s, id, 0, metric);
	return rp_class_add(s, id, 0, metric, want - have);
}

/* After the projection took a class event: put the class's counters where the class now belongs
 * and count it as scheduled, held or cancelled. */
static int class_changed(ut_store_t *s, int64_t id)
{
	char state[32];
	rp_bucket_t now, was;
	int rc = rp_sched_class(s, id, state, sizeof state, &now);
	if (rc <= 0)
		return rc;
	if ((rc = rp_class_bucket(s, id, &was)))
		return rc;
	if (!bucket_eq(&was, &now)) {
		if ((rc = rp_class_move(s, id, &was, &now)))
			return rc;
		if (was.year != now.year) {
			move_arg_t m = {s, was.year, now.year};
			if ((rc = rp_class_participants(s, id, move_trained, &m)))
				return rc;
		}
	}
	int cancelled = !strcmp(state, "cancelled");
	if ((rc = class_flag(s, id, "classes_scheduled", !cancelled)) ||
	    (rc = class_flag(s, id, "classes_held", !strcmp(state, "closed"))))
		return rc;
	return class_flag(s, id, "classes_cancelled", cancelled);
}

int rp_on_sched(ut_service_t *svc, const Ut__Envelope *ev)
{
	ut_store_t *s = ut_service_store(svc);
	int rc;
	if (ev->type == UT__MSG_TYPE__EV_PLAN_SET) {
		Ut__Plan *p = unpack(ev, &ut__plan__descriptor);
		if (!p)
			return UT_EINVAL;
		int64_t c0, p0, c1, p1;
		if (!(rc = rp_plan_get(s, p->year, p->category, &c0, &p0)) && !(rc = ut_projection_apply(svc, ev)) &&
		    !(rc = rp_plan_get(s, p->year, p->category, &c1, &p1))) {
			/* a plan is yearly: month 0, no format, the node itself */
			rp_bucket_t b = {.year = p->year};
			snprintf(b.category, sizeof b.category, "%s", p->category);
			if (!(rc = rp_count_bump(s, &b, 0, "classes_planned", c1 - c0)))
				rc = rp_count_bump(s, &b, 0, "participations_planned", p1 - p0);
		}
		protobuf_c_message_free_unpacked(&p->base, NULL);
		return rc;
	}
	if ((rc = ut_projection_apply(svc, ev)))
		return rc;
	if (ev->type == UT__MSG_TYPE__EV_COURSE_CREATED)
		return 0;
	Ut__Class *c = unpack(ev, &ut__class__descriptor);
	if (!c)
		return UT_EINVAL;
	rc = class_changed(s, c->id);
	protobuf_c_message_free_unpacked(&c->base, NULL);
	return rc;
}

int rp_on_unit(ut_service_t *svc, const Ut__Envelope *ev)
{
	Ut__OrgUnit *u = unpack(ev, &ut__org_unit__descriptor);
	if (!u)
		return UT_EINVAL;
	int rc = u->id > 0 ? rp_unit_put(ut_service_store(svc), u->id, u->name, u->kind, u->ownership) : UT_EINVAL;
	protobuf_c_message_free_unpacked(&u->base, NULL);
	return rc;
}

static const char *registered(int full_time) { return full_time ? "registered_ft" : "registered_pt"; }

static int cadre_apply(ut_store_t *s, const Ut__Cadre *c, int left)
{
	rp_cadre_t was, now = {.found = 1};
	rp_bucket_t current = {0}; /* year 0: cadres registered now */
	int rc = !*c->id ? UT_EINVAL : rp_cadre_get(s, c->id, &was);
	if (rc || (was.found && c->version && c->version < was.version))
		return rc; /* an older version of what we hold changes nothing */
	now.unit_id = c->unit_id;
	now.full_time = c->full_time;
	now.version = c->version;
	now.active = !left && strcmp(c->state, "left") != 0;
	if (was.found && was.active && (rc = rp_count_bump(s, &current, was.unit_id, registered(was.full_time), -1)))
		return rc;
	if (now.active && (rc = rp_count_bump(s, &current, now.unit_id, registered(now.full_time), 1)))
		return rc;
	if (*c->unit_kind && (rc = rp_unit_put(s, c->unit_id, "", c->unit_kind, c->unit_ownership)))
		return rc;
	return rp_cadre_put(s, c->id, &now);
}

int rp_on_cadre(ut_service_t *svc, const Ut__Envelope *ev)
{
	Ut__Cadre *c = unpack(ev, &ut__cadre__descriptor);
	if (!c)
		return UT_EINVAL;
	int rc = cadre_apply(ut_service_store(svc), c, ev->type == UT__MSG_TYPE__EV_CADRE_LEFT);
	protobuf_c_message_free_unpacked(&c->base, NULL);
	return rc;
}

int rp_on_cadres(ut_service_t *svc, const Ut__Envelope *ev)
{
	Ut__CadreBatch *b = unpack(ev, &ut__cadre_batch__descriptor);
	if (!b)
		return UT_EINVAL;
	int rc = 0;
	for (size_t i = 0; i < b->n_registered + b->n_changed && !rc; i++)
		rc = cadre_apply(ut_service_store(svc),
				 i < b->n_registered ? b->registered[i] : b->changed[i - b->n_registered], 0);
	protobuf_c_message_free_unpacked(&b->base, NULL);
	return rc;
}

int rp_on_enrol(ut_service_t *svc, const Ut__Envelope *ev)
{
	ut_store_t *s = ut_service_store(svc);
	Ut__Enrolment *e = unpack(ev, &ut__enrolment__descriptor);
	if (!e)
		return UT_EINVAL;
	rp_enrol_t was, now = {.found = 1, .class_id = e->class_id};
	rp_cadre_t cadre;
	int rc = e->id <= 0 || e->class_id <= 0 ? UT_EINVAL : rp_enrol_get(s, e->id, &was);
	if (!rc)
		rc = rp_cadre_get(s, e->cadre_id, &cadre);
	if (rc)
		goto out;
	now.confirmed = ev->type == UT__MSG_TYPE__EV_ENROL_CONFIRMED || ev->type == UT__MSG_TYPE__EV_ENROL_PROMOTED;
	/* the unit it was counted under stays with the fact, so taking it back hits the same counter */
	now.unit_id = was.found ? was.unit_id : cadre.unit_id;
	if (was.found && was.confirmed && (rc = rp_class_add(s, was.class_id, was.unit_id, "enrolled", -1)))
		goto out;
	if (now.confirmed && (rc = rp_class_add(s, now.class_id, now.unit_id, "enrolled", 1)))
		goto out;
	rc = rp_enrol_put(s, e->id, &now);
out:
	protobuf_c_message_free_unpacked(&e->base, NULL);
	return rc;
}

static const char *mark_metric(const char *mark)
{
	static const char *const m[][2] = {{"present", "marks_present"}, {"late", "marks_late"},
					   {"excused", "marks_excused"}, {"absent", "marks_absent"}};
	for (size_t i = 0; i < sizeof m / sizeof m[0]; i++)
		if (!strcmp(mark, m[i][0]))
			return m[i][1];
	return NULL;
}

int rp_on_attendance(ut_service_t *svc, const Ut__Envelope *ev)
{
	ut_store_t *s = ut_service_store(svc);
	Ut__Attendance *a = unpack(ev, &ut__attendance__descriptor);
	if (!a)
		return UT_EINVAL;
	rp_mark_t was, now = {.found = 1, .revision = a->revision};
	rp_cadre_t cadre;
	const char *metric = mark_metric(a->mark);
	int rc = !metric || a->class_id <= 0 || !*a->cadre_id ? UT_EINVAL
								 : rp_mark_get(s, a->class_id, a->session_id, a->cadre_id, &was);
	if (rc || (was.found && was.revision >= a->revision))
		goto out; /* a mark we already hold, or one a later correction replaced */
	if ((rc = rp_cadre_get(s, a->cadre_id, &cadre)))
		goto out;
	snprintf(now.mark, sizeof now.mark, "%s", a->mark);
	now.unit_id = was.found ? was.unit_id : cadre.unit_id;
	if (was.found && (rc = rp_class_add(s, a->class_id, was.unit_id, mark_metric(was.mark), -1)))
		goto out;
	if (!(rc = rp_class_add(s, a->class_id, now.unit_id, metric, 1)))
		rc = rp_mark_put(s, a->class_id, a->session_id, a->cadre_id, &now);
out:
	protobuf_c_message_free_unpacked(&a->base, NULL);
	return rc;
}

/* Add (sign 1) or take back (-1) what one completion fact contributes. A participation is a cadre
 * confirmed in a held class who attended at least one of its sessions. */
static int completion_effect(ut_store_t *s, int64_t class_id, const char *cadre, const rp_completion_t *c, int sign)
{
	int64_t u = c->unit_id;
	rp_bucket_t b;
	int rc = rp_class_bucket(s, class_id, &b);
	if (rc || (rc = rp_class_add_in(s, class_id, &b, u, "enrolled_at_close", sign)) ||
	    (rc = rp_class_add_in(s, class_id, &b, u, "sessions_attended", sign * (int64_t)c->attended)) ||
	    (rc = rp_class_add_in(s, class_id, &b, u, "sessions_total", sign * (int64_t)c->total)) ||
	    (c->completed && (rc = rp_class_add_in(s, class_id, &b, u, "completed", sign))))
		return rc;
	if (c->attended <= 0)
		return 0;
	if ((rc = rp_class_add_in(s, class_id, &b, u, c->full_time ? "participations_ft" : "participations_pt", sign)) ||
	    (rc = rp_class_add_in(s, class_id, &b, u, "participations", sign)))
		return rc;
	return rp_trained_adjust(s, cadre, b.year, u, c->full_time, sign);
}

int rp_on_completion(ut_service_t *svc, const Ut__Envelope *ev)
{
	ut_store_t *s = ut_service_store(svc);
	Ut__Completion *c = unpack(ev, &ut__completion__descriptor);
	if (!c)
		return UT_EINVAL;
	rp_completion_t was, now = {.found = 1};
	int rc = c->class_id <= 0 || !*c->cadre_id || c->sessions_attended < 0 || c->sessions_total < 0 ||
			 c->sessions_attended > c->sessions_total
		     ? UT_EINVAL
		     : rp_completion_get(s, c->class_id, c->cadre_id, &was);
	if (rc)
		goto out;
	now.unit_id = c->unit_id;
	now.full_time = c->full_time;
	now.attended = c->sessions_attended;
	now.total = c->sessions_total;
	now.completed = c->completed;
	if (was.found && (rc = completion_effect(s, c->class_id, c->cadre_id, &was, -1)))
		goto out;
	if (c->withdrawn) { /* the class was reopened: nothing stands until it closes again */
		rc = rp_completion_del(s, c->class_id, c->cadre_id);
		goto out;
	}
	if ((rc = completion_effect(s, c->class_id, c->cadre_id, &now, 1)) ||
	    (rc = rp_completion_put(s, c->class_id, c->cadre_id, &now)))
		goto out;
	if (*c->unit_kind)
		rc = rp_unit_put(s, c->unit_id, "", c->unit_kind, c->unit_ownership);
out:
	protobuf_c_message_free_unpacked(&c->base, NULL);
	return rc;
}

int rp_on_delivery(ut_service_t *svc, const Ut__Envelope *ev)
{
	ut_store_t *s = ut_service_store(svc);
	Ut__Delivery *d = unpack(ev, &ut__delivery__descriptor);
	if (!d)
		return UT_EINVAL;
	char key[300], was[32];
	int64_t was_class;
	/* the idempotency key names one message; a resend that finally went out moves it to sent */
	if (*d->key)
		snprintf(key, sizeof key, "%s", d->key);
	else
		snprintf(key, sizeof key, "#%lld", (long long)d->id);
	/* reminders apart from every other notice (confirmations, absences, ...): a year whose reminders
	 * were all skipped reports none sent */
	int sent = ev->type == UT__MSG_TYPE__EV_NOTIFY_DELIVERED, reminder = !strcmp(d->kind, "reminder");
	const char *metric = reminder ? (sent ? "reminders_sent" : "reminders_failed")
				      : (sent ? "notices_sent" : "notices_failed");
	int rc = !*d->key && d->id <= 0 ? UT_EINVAL : rp_delivery_get(s, key, &was_class, was, sizeof was);
	if (rc || !strcmp(was, metric))
		goto out;
	if (*was && (rc = rp_class_add(s, was_class, 0, was, -1)))
		goto out;
	if (!(rc = rp_class_add(s, d->class_id, 0, metric, 1)))
		rc = rp_delivery_put(s, key, d->class_id, metric);
out:
	protobuf_c_message_free_unpacked(&d->base, NULL);
	return rc;
}

int rp_on_coverage(ut_service_t *svc, const Ut__Envelope *ev)
{
	Ut__CoverageTargets *t = unpack(ev, &ut__coverage_targets__descriptor);
	if (!t)
		return UT_EINVAL;
	int rc = rp_coverage_replace(ut_service_store(svc), t);
	protobuf_c_message_free_unpacked(&t->base, NULL);
	return rc;
}
