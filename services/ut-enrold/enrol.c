/* Enrolment: a seat while the class has one, else a place on its waitlist in the order asked;
 * cancelling a seat promotes the first waiting. The hot path is four statements per cadre (one
 * lookup for the cadre, its live enrolment, overlap and seats taken; the insert; the seat count;
 * the outbox row), batched by group commit; the class comes from classes.c. */
#include "enrold.h"
#include "ut/clock.h"
#include "ut/err.h"
#include "ut/valid.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_BULK 10000
#define PROMOTE_SCAN 256

static int live_state(const char *state) { return strcmp(state, "cancelled") && strcmp(state, "closed"); }

/* Enrol one cadre into cls. Sets res (status, message, enrolment from the arena). Returns UT_E*
 * only for failures that must undo the whole request (storage); a refusal is in res->status and
 * comes before anything is written (the handler runs without a savepoint of its own). */
static int enrol_one(ut_service_t *svc, ut_arena_t *a, const es_class_t *cls, const char *cadre_id, int late,
		     Ut__EnrolResult *res)
{
	ut_store_t *s = ut_service_store(svc);
	ut_reply_t r = {0};
	es_check_t k;
	int64_t other;
	char title[256];
	res->cadre_id = ut_arena_strdup(a, cadre_id);
	int rc = ut_valid_text(&r, "cadre id", cadre_id, 1, 64);
	if (!rc && (rc = es_enrol_check(s, cls, cadre_id, &k)) == UT_ENOTFOUND)
		rc = ut_reply_err(&r, rc, "no cadre %s", cadre_id);
	else if (!rc && k.left)
		rc = ut_reply_err(&r, UT_ECONFLICT, "cadre %s (%s) has left", cadre_id, k.name);
	else if (!rc && *k.live)
		rc = ut_reply_err(&r, UT_ECONFLICT, "cadre %s is already %s in class %lld", cadre_id, k.live,
				  (long long)cls->id);
	else if (!rc && k.overlap && (rc = es_enrol_overlap(s, cadre_id, cls->id, &other, title, sizeof title)) > 0)
		rc = ut_reply_err(&r, UT_ECONFLICT,
				  "cadre %s is confirmed in class %lld (%s), whose sessions overlap class %lld's",
				  cadre_id, (long long)other, title, (long long)cls->id);
	if (rc) {
		if (r.status == 0) /* not a refusal: a storage failure */
			return rc;
		res->status = r.status;
		res->message = ut_arena_strdup(a, r.message);
		res->code = (char *)r.code; /* a format string: static */
		char *args[UT_REPLY_MAX_ARGS];
		size_t n = ut_reply_args(&r, args, UT_REPLY_MAX_ARGS);
		if (n && (res->args = (char **)ut_arena_ptrs(a, n)))
			for (res->n_args = 0; res->n_args < n; res->n_args++)
				res->args[res->n_args] = ut_arena_strdup(a, args[res->n_args]);
		return 0;
	}
	Ut__Enrolment *e = ut_arena_alloc(a, sizeof *e);
	if (!e)
		return UT_ENOMEM;
	ut__enrolment__init(e);
	e->cadre_id = res->cadre_id;
	e->class_id = cls->id;
	e->class_version = cls->version;
	e->reason = "";
	/* late only where it was: a class still to come takes the cadre as anyone else */
	e->late = late && (!strcmp(cls->state, "closed") ||
			   (cls->first_start && cls->first_start * 1000 <= ut_clock_now_ms()));
	e->state = k.confirmed < cls->capacity ? "confirmed" : "waitlisted";
	if ((rc = es_enrol_insert(s, e)))
		return rc;
	int event = UT__MSG_TYPE__EV_ENROL_CONFIRMED;
	if (!strcmp(e->state, "waitlisted")) {
		event = UT__MSG_TYPE__EV_ENROL_WAITLISTED;
		if ((e->waitlist_pos = es_enrol_waitpos(s, cls->id, e->id)) < 0)
			return e->waitlist_pos;
	}
	if ((rc = ut_service_emit(svc, event, &e->base)))
		return rc;
	/* recorded after the close: the cadre's completion is computed as for everyone else */
	if (!strcmp(cls->state, "closed") && !strcmp(e->state, "confirmed") &&
	    (rc = enrol_complete_cadre(svc, cls->id, e->cadre_id)))
		return rc;
	res->status = UT__STATUS__STATUS_OK;
	char msg[128];
	if (e->waitlist_pos)
		snprintf(msg, sizeof msg, "waitlisted in class %lld at place %d", (long long)cls->id, e->waitlist_pos);
	else
		snprintf(msg, sizeof msg, "confirmed in class %lld", (long long)cls->id);
	res->message = ut_arena_strdup(a, msg);
	res->enrolment = e;
	return 0;
}

/* The class from the projection, refused unless enrolment is open: a class that has started or
 * closed takes cadres only late, on an officer's word. */
static int enrollable(ut_service_t *svc, ut_reply_t *rep, int64_t id, int late, es_class_t *cls)
{
	int rc = enrol_class_seats(svc, id, cls);
	char at[64];
	if (rc == UT_ENOTFOUND)
		return ut_reply_err(rep, rc, "no class %lld (if it was just created, its event may still be on the way)",
				    (long long)id);
	if (rc)
		return rc;
	if (!strcmp(cls->state, "cancelled"))
		return ut_reply_err(rep, UT_ECONFLICT, "class %lld is %s", (long long)id, cls->state);
	if (!strcmp(cls->state, "closed") && !late)
		return ut_reply_err(rep, UT_ECONFLICT, "class %lld is %s (an officer may still enrol a cadre late)",
				    (long long)id, cls->state);
	if (!late && cls->first_start && cls->first_start * 1000 <= ut_clock_now_ms())
		return ut_reply_err(rep, UT_ECONFLICT, "class %lld started at %s (an officer may still enrol a cadre late)",
				    (long long)id, ut_clock_format_local(cls->first_start, at, sizeof at));
	return 0;
}

/* A refused class: an unknown cadre is the first thing to put right, so it is named instead. */
static int unknown_cadre(ut_store_t *s, ut_reply_t *rep, const Ut__EnrolRequest *q)
{
	char why[sizeof rep->message];
	snprintf(why, sizeof why, "%s", rep->message);
	for (size_t i = 0; i < q->n_cadre_ids; i++) {
		ut_arena_t a = {0};
		Ut__Cadre *c;
		int rc = es_cadre_get(s, &a, q->cadre_ids[i], &c);
		ut_arena_free(&a);
		if (rc == UT_ENOTFOUND)
			return ut_reply_err(rep, rc, "no cadre %s (and %s)", q->cadre_ids[i], why);
		if (rc)
			return rc;
	}
	return 0;
}

int enrol_enrol(ut_service_t *svc, const Ut__Envelope *req, ut_reply_t *rep)
{
	ut_arena_t a = {0}; /* the request and the reply */
	Ut__EnrolRequest *q = ut_rpc_body_in(req, &ut__enrol_request__descriptor, &a, rep);
	if (!q)
		return ut_reply_msg(rep, &a, UT_EINVAL, NULL);
	es_class_t cls;
	Ut__EnrolReply out = UT__ENROL_REPLY__INIT;
	int rc = 0;
	if (!q->n_cadre_ids)
		rc = ut_reply_err(rep, UT_EINVAL, "no cadre given");
	else if (q->n_cadre_ids > MAX_BULK)
		rc = ut_reply_err(rep, UT_EINVAL, "at most %d cadres in one request (got %zu)", MAX_BULK, q->n_cadre_ids);
	if (!rc && (rc = enrollable(svc, rep, q->class_id, q->late, &cls)) == UT_ECONFLICT) {
		int unknown = unknown_cadre(ut_service_store(svc), rep, q);
		rc = unknown ? unknown : rc;
	}
	if (!rc && !(out.results = (Ut__EnrolResult **)ut_arena_ptrs(&a, q->n_cadre_ids)))
		rc = UT_ENOMEM;
	for (size_t i = 0; i < q->n_cadre_ids && !rc; i++) {
		Ut__EnrolResult *res = ut_arena_alloc(&a, sizeof *res);
		if (!res) {
			rc = UT_ENOMEM;
			break;
		}
		ut__enrol_result__init(res);
		/* the same cadre twice in one list: the second is refused by the live-row check */
		rc = enrol_one(svc, &a, &cls, q->cadre_ids[i], q->late, res);
		out.results[out.n_results++] = res;
		if (res->status)
			out.refused++;
		else if (res->enrolment && res->enrolment->waitlist_pos)
			out.waitlisted++;
		else
			out.confirmed++;
	}
	/* One cadre refused: the request itself is refused, so plain clients see the reason. */
	if (!rc && q->n_cadre_ids == 1 && out.results[0]->status) {
		const Ut__EnrolResult *x = out.results[0];
		rc = ut_reply_set(rep, ut_status_to_err(x->status), x->message, x->code, x->args, x->n_args);
	}
	return ut_reply_msg(rep, &a, rc, &out.base);
}

int enrol_promote(ut_service_t *svc, int64_t cls_id, Ut__Enrolment *first_out)
{
	ut_store_t *s = ut_service_store(svc);
	es_class_t cls;
	int rc = es_class_get(s, cls_id, &cls);
	if (rc == UT_ENOTFOUND || (!rc && !live_state(cls.state)))
		return 0;
	int confirmed = rc ? rc : es_enrol_count(s, cls_id, "confirmed");
	if (confirmed < 0)
		return confirmed;
	int64_t ids[PROMOTE_SCAN];
	int n = confirmed < cls.capacity ? es_enrol_ids(s, cls_id, "waitlisted", ids, PROMOTE_SCAN) : 0;
	if (n < 0)
		return n;
	for (int i = 0; i < n && confirmed < cls.capacity && !rc; i++) {
		ut_arena_t a = {0};
		Ut__Enrolment *e;
		int64_t other;
		char title[256];
		if (!(rc = es_enrol_by_id(s, &a, ids[i], &e))) {
			/* someone confirmed meanwhile in an overlapping class keeps their place in the queue
			 * but cannot take this seat; the next one does */
			int o = es_enrol_overlap(s, e->cadre_id, cls_id, &other, title, sizeof title);
			if (o < 0)
				rc = o;
			else if (!o && !(rc = es_enrol_set_state(s, e, "confirmed", ""))) {
				e->state = "confirmed";
				e->class_version = cls.version;
				rc = ut_service_emit(svc, UT__MSG_TYPE__EV_ENROL_PROMOTED, &e->base);
				confirmed++;
				if (first_out && !first_out->id) {
					*first_out = *e;
					first_out->cadre_id = strdup(e->cadre_id); /* the caller frees it */
					first_out->reason = "";
					if (!first_out->cadre_id) {
						first_out->id = 0;
						rc = UT_ENOMEM;
					}
				}
			}
		}
		ut_arena_free(&a);
	}
	return rc;
}

int enrol_cancel_one(ut_service_t *svc, int64_t id, const char *reason, Ut__Enrolment *promoted_out)
{
	ut_store_t *s = ut_service_store(svc);
	ut_arena_t a = {0};
	Ut__Enrolment *e;
	int rc = es_enrol_by_id(s, &a, id, &e);
	if (!rc && !strcmp(e->state, "cancelled")) {
		ut_arena_free(&a);
		return 0;
	}
	int held = !rc && !strcmp(e->state, "confirmed");
	if (!rc)
		rc = es_enrol_set_state(s, e, "cancelled", reason);
	if (!rc) {
		e->state = "cancelled";
		e->reason = (char *)reason;
		rc = ut_service_emit(svc, UT__MSG_TYPE__EV_ENROL_CANCELLED, &e->base);
	}
	int64_t cls = rc ? 0 : e->class_id, waiting[64];
	char cadre[80];
	snprintf(cadre, sizeof cadre, "%s", rc ? "" : e->cadre_id);
	ut_arena_free(&a);
	if (!rc && held)
		rc = enrol_promote(svc, cls, promoted_out);
	/* the cadre's time is free again: a class where they wait with a seat open may take them now */
	int n = !rc && held ? es_enrol_waiting_classes(s, cadre, waiting, 64) : 0;
	if (n < 0)
		rc = n;
	for (int i = 0; i < n && !rc; i++)
		rc = enrol_promote(svc, waiting[i], NULL);
	return rc;
}

int enrol_cancel(ut_service_t *svc, const Ut__Envelope *req, ut_reply_t *rep)
{
	Ut__EnrolCancel *q = ut_rpc_body(req, &ut__enrol_cancel__descriptor, rep);
	if (!q)
		return UT_EINVAL;
	ut_store_t *s = ut_service_store(svc);
	ut_arena_t a = {0};
	Ut__Enrolment *e = NULL, promoted = UT__ENROLMENT__INIT;
	Ut__EnrolCancelReply out = UT__ENROL_CANCEL_REPLY__INIT;
	es_class_t cls;
	int rc = ut_valid_text(rep, "reason", q->reason, 0, 500);
	if (!rc && !(rc = ut_valid_text(rep, "cadre id", q->cadre_id, 1, 64))) {
		rc = es_enrol_live(s, &a, q->cadre_id, q->class_id, &e);
		if (rc == UT_ENOTFOUND)
			rc = ut_reply_err(rep, rc, "cadre %s is not enrolled in class %lld", q->cadre_id,
					  (long long)q->class_id);
	}
	if (!rc && !(rc = es_class_get(s, q->class_id, &cls)) && !strcmp(cls.state, "closed"))
		rc = ut_reply_err(rep, UT_ECONFLICT, "class %lld is closed; its enrolments are history", (long long)cls.id);
	if (!rc)
		rc = enrol_cancel_one(svc, e->id, *q->reason ? q->reason : "cancelled on request", &promoted);
	if (!rc) {
		e->state = "cancelled";
		e->reason = ut_arena_strdup(&a, *q->reason ? q->reason : "cancelled on request");
		out.cancelled = e;
		if (promoted.id)
			out.promoted = &promoted;
	}
	rc = ut_reply_msg(rep, &a, rc, &out.base);
	if (promoted.id)
		free(promoted.cadre_id);
	protobuf_c_message_free_unpacked(&q->base, NULL);
	return rc;
}

int enrol_list(ut_service_t *svc, const Ut__Envelope *req, ut_reply_t *rep)
{
	Ut__EnrolQuery *q = ut_rpc_body(req, &ut__enrol_query__descriptor, rep);
	if (!q)
		return UT_EINVAL;
	ut_store_t *s = ut_service_store(svc);
	ut_arena_t a = {0};
	Ut__EnrolList out = UT__ENROL_LIST__INIT;
	es_class_t cls;
	int rc = 0;
	if (!q->class_id && !*q->cadre_id)
		rc = ut_reply_err(rep, UT_EINVAL, "name a class or a cadre");
	if (!rc && q->class_id) {
		rc = es_class_get(s, q->class_id, &cls);
		if (rc == UT_ENOTFOUND)
			rc = ut_reply_err(rep, rc, "no class %lld", (long long)q->class_id);
		if (!rc) {
			out.capacity = cls.capacity;
			out.confirmed = es_enrol_count(s, cls.id, "confirmed");
			out.waitlisted = es_enrol_count(s, cls.id, "waitlisted");
		}
	}
	if (!rc)
		rc = es_enrol_list(s, &a, q, &out);
	protobuf_c_message_free_unpacked(&q->base, NULL);
	return ut_reply_msg(rep, &a, rc, &out.base);
}
