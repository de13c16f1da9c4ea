/* Roll-call per session (present, late, excused, absent; a correction bumps the revision and is
 * logged), reflections, and completion of every confirmed cadre when a class closes; a correction
 * after the close computes that cadre's completion again. */
#include "enrold.h"
#include "ut/clock.h"
#include "ut/err.h"
#include "ut/utf8.h"
#include "ut/valid.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>


#define MAX_MARKS 10000

/* The confirmed cadres of a class, malloc'd ids; *n their number. */
static int confirmed_ids(ut_store_t *s, int64_t cls, int64_t **ids, int *n)
{
	int total = es_enrol_count(s, cls, "confirmed");
	*ids = NULL;
	*n = 0;
	if (total <= 0)
		return total;
	if (!(*ids = malloc((size_t)total * sizeof **ids)))
		return UT_ENOMEM;
	*n = es_enrol_ids(s, cls, "confirmed", *ids, total);
	return *n < 0 ? *n : 0;
}

static int mark_one(ut_service_t *svc, ut_arena_t *a, int64_t cls, int64_t session, const char *cadre,
		    const char *mark, Ut__RollCallReply *out)
{
	ut_store_t *s = ut_service_store(svc);
	char old[16];
	int rev;
	int rc = es_mark_get(s, session, cadre, old, sizeof old, &rev);
	if (rc)
		return rc;
	if (!strcmp(old, mark)) {
		out->unchanged++;
		return 0;
	}
	Ut__Attendance *at = ut_arena_alloc(a, sizeof *at);
	if (!at)
		return UT_ENOMEM;
	ut__attendance__init(at);
	at->class_id = cls;
	at->session_id = session;
	at->cadre_id = ut_arena_strdup(a, cadre);
	at->mark = ut_arena_strdup(a, mark);
	at->revision = rev + 1;
	at->previous = ut_arena_strdup(a, old);
	at->marked_ms = ut_clock_now_ms();
	if (a->failed)
		return UT_ENOMEM;
	if ((rc = es_mark_put(s, at)) || (rc = ut_service_emit(svc, UT__MSG_TYPE__EV_ATTENDANCE_MARKED, &at->base)))
		return rc;
	out->marked[out->n_marked++] = at;
	return 0;
}

int enrol_rollcall(ut_service_t *svc, const Ut__Envelope *req, ut_reply_t *rep)
{
	Ut__RollCall *q = ut_rpc_body(req, &ut__roll_call__descriptor, rep);
	if (!q)
		return UT_EINVAL;
	ut_store_t *s = ut_service_store(svc);
	ut_arena_t a = {0};
	Ut__RollCallReply out = UT__ROLL_CALL_REPLY__INIT;
	es_class_t cls;
	int64_t *ids = NULL;
	int n = 0, rc = es_class_get(s, q->class_id, &cls);
	int64_t starts = 0;
	if (rc == UT_ENOTFOUND)
		rc = ut_reply_err(rep, rc, "no class %lld", (long long)q->class_id);
	else if (!rc && !strcmp(cls.state, "cancelled"))
		rc = ut_reply_err(rep, UT_ECONFLICT, "class %lld is %s", (long long)cls.id, cls.state);
	if (!rc && (starts = es_session_start(s, cls.id, q->session_id)) <= 0)
		rc = starts < 0 ? (int)starts
				: ut_reply_err(rep, UT_ENOTFOUND, "class %lld has no session %lld", (long long)cls.id,
					       (long long)q->session_id);
	/* marks for a session still to come would be guesses, and an absence would be notified */
	if (!rc && starts * 1000 > ut_clock_now_ms() && !q->force) {
		char at[64];
		rc = ut_reply_err(rep, UT_ECONFLICT, "the session of class %lld at %s has not started yet",
				  (long long)cls.id, ut_clock_format_local(starts, at, sizeof at));
	}
	/* a closed class's completions are final: only an officer corrects them */
	if (!rc && !strcmp(cls.state, "closed") && !ut_service_by_officer(req))
		rc = ut_reply_err(rep, UT_ECONFLICT, "class %lld is closed: only an officer may correct its roll-call",
				  (long long)cls.id);
	if (!rc && q->force && !ut_service_by_officer(req))
		rc = ut_reply_err(rep, UT_EINVAL, "only an officer may mark a session ahead of its start");
	if (!rc && q->all_present && q->rest_absent)
		rc = ut_reply_err(rep, UT_EINVAL, "give either all_present or rest_absent, not both");
	if (!rc && !q->n_marks && !q->all_present && !q->rest_absent)
		rc = ut_reply_err(rep, UT_EINVAL, "no marks given");
	if (!rc && q->n_marks > MAX_MARKS)
		rc = ut_reply_err(rep, UT_EINVAL, "at most %d marks in one roll-call", MAX_MARKS);
	if (!rc)
		rc = confirmed_ids(s, cls.id, &ids, &n);
	if (rc)
		goto out;
	/* check every mark before writing any: a sheet is taken whole or not at all */
	for (size_t i = 0; i < q->n_marks && !rc; i++) {
		Ut__Mark *m = q->marks[i];
		Ut__Enrolment *e;
		if ((rc = ut_valid_enum(rep, "mark", m->mark, enrol_marks)))
			break;
		rc = ut_valid_text(rep, "cadre id", m->cadre_id, 1, 64);
		if (!rc && (rc = es_enrol_live(s, &a, m->cadre_id, cls.id, &e)) == UT_ENOTFOUND)
			rc = ut_reply_err(rep, rc, "cadre %s is not enrolled in class %lld", m->cadre_id, (long long)cls.id);
		else if (!rc && strcmp(e->state, "confirmed"))
			rc = ut_reply_err(rep, UT_ECONFLICT, "cadre %s is %s, not confirmed, in class %lld", m->cadre_id,
					  e->state, (long long)cls.id);
		for (size_t j = 0; j < i && !rc; j++)
			if (!strcmp(q->marks[j]->cadre_id, m->cadre_id))
				rc = ut_reply_err(rep, UT_EINVAL, "cadre %s is marked twice", m->cadre_id);
	}
	size_t cap = q->n_marks + (q->all_present || q->rest_absent ? (size_t)n : 0);
	if (!rc && !(out.marked = (Ut__Attendance **)ut_arena_ptrs(&a, cap ? cap : 1)))
		rc = UT_ENOMEM;
	for (size_t i = 0; i < q->n_marks && !rc; i++)
		rc = mark_one(svc, &a, cls.id, q->session_id, q->marks[i]->cadre_id, q->marks[i]->mark, &out);
	int closed = !strcmp(cls.state, "closed");
	if (!rc && (q->all_present || q->rest_absent)) {
		for (int i = 0; i < n && !rc; i++) {
			Ut__Enrolment *e;
			ut_arena_t t = {0};
			if (!(rc = es_enrol_by_id(s, &t, ids[i], &e))) {
				int given = 0;
				for (size_t j = 0; j < q->n_marks && !given; j++)
					given = !strcmp(q->marks[j]->cadre_id, e->cadre_id);
				if (!given)
					rc = mark_one(svc, &a, cls.id, q->session_id, e->cadre_id,
						      q->all_present ? "present" : "absent", &out);
			}
			ut_arena_free(&t);
		}
	}
	for (size_t i = 0; i < out.n_marked && !rc && closed; i++)
		rc = enrol_complete_cadre(svc, cls.id, out.marked[i]->cadre_id);
out:
	free(ids);
	protobuf_c_message_free_unpacked(&q->base, NULL);
	return ut_reply_msg(rep, &a, rc, &out.base);
}

int enrol_attendance_list(ut_service_t *svc, const Ut__Envelope *req, ut_reply_t *rep)
{
	Ut__EnrolQuery *q = ut_rpc_body(req, &ut__enrol_query__descriptor, rep);
	if (!q)
		return UT_EINVAL;
	ut_arena_t a = {0};
	Ut__AttendanceList out = UT__ATTENDANCE_LIST__INIT;
	int rc = es_mark_list(ut_service_store(svc), &a, q->class_id, &out);
	protobuf_c_message_free_unpacked(&q->base, NULL);
	return ut_reply_msg(rep, &a, rc, &out.base);
}

/* The last moment a reflection for the class is taken without an officer's word. */
static int64_t reflection_until(ut_service_t *svc, const es_class_t *cls)
{
	return cls->last_end + (int64_t)ut_service_config(svc)->enrol_reflection_days * 86400;
}

int enrol_reflection_submit(ut_service_t *svc, const Ut__Envelope *req, ut_reply_t *rep)
{
	Ut__Reflection *r = ut_rpc_body(req, &ut__reflection__descriptor, rep);
	if (!r)
		return UT_EINVAL;
	ut_store_t *s = ut_service_store(svc);
	ut_arena_t a = {0};
	Ut__Enrolment *e;
	es_class_t cls;
	int rc = ut_valid_text(rep, "cadre id", r->cadre_id, 1, 64);
	if (!rc) {
		/* reflections are long texts with line breaks: check UTF-8 and length, allow \n \r \t */
		size_t len = strlen(r->text);
		long cps = ut_utf8_len(r->text, len);
		if (!len)
			rc = ut_reply_err(rep, UT_EINVAL, "the reflection is empty");
		else if (cps < 0)
			rc = ut_reply_err(rep, UT_EINVAL, "the reflection is not valid UTF-8");
		else if (cps > 20000)
			rc = ut_reply_err(rep, UT_EINVAL, "the reflection is longer than 20000 characters");
	}
	if (!rc && (rc = es_class_get(s, r->class_id, &cls)) == UT_ENOTFOUND)
		rc = ut_reply_err(rep, rc, "no class %lld", (long long)r->class_id);
	if (!rc && !strcmp(cls.state, "cancelled"))
		rc = ut_reply_err(rep, UT_ECONFLICT, "class %lld is cancelled", (long long)cls.id);
	if (!rc && (rc = es_enrol_live(s, &a, r->cadre_id, cls.id, &e)) == UT_ENOTFOUND)
		rc = ut_reply_err(rep, rc, "cadre %s is not enrolled in class %lld", r->cadre_id, (long long)cls.id);
	if (!rc && strcmp(e->state, "confirmed"))
		rc = ut_reply_err(rep, UT_ECONFLICT, "cadre %s is %s, not confirmed, in class %lld", r->cadre_id, e->state,
				  (long long)cls.id);
	if (!rc && r->late && !ut_service_by_officer(req))
		rc = ut_reply_err(rep, UT_EINVAL, "only an officer may accept a reflection late");
	if (!rc && !r->late && cls.last_end && reflection_until(svc, &cls) * 1000 < ut_clock_now_ms()) {
		char at[64];
		rc = ut_reply_err(rep, UT_ECONFLICT,
				  "reflections for class %lld were due by %s (an officer may still accept one late)",
				  (long long)cls.id, ut_clock_format_local(reflection_until(svc, &cls), at, sizeof at));
	}
	if (!rc)
		rc = es_reflection_put(s, r);
	/* a reflection handed in late still counts: the cadre's completion is computed again */
	if (!rc && !strcmp(cls.state, "closed") && es_completion_done(s, cls.id) > 0)
		rc = enrol_complete_cadre(svc, cls.id, r->cadre_id);
	if (!rc) {
		Ut__Reflection back = *r;
		back.text = ""; /* no need to send the text back */
		rc = ut_reply_body(rep, &back.base);
	}
	ut_arena_free(&a);
	protobuf_c_message_free_unpacked(&r->base, NULL);
	return rc;
}

/* One confirmed cadre's completion, stored and announced. */
static int complete_one(ut_service_t *svc, const es_class_t *cls, const char *cadre)
{
	ut_store_t *s = ut_service_store(svc);
	int pct = ut_service_config(svc)->enrol_completion_pct;
	ut_arena_t a = {0};
	Ut__Cadre *c;
	int rc = es_cadre_get(s, &a, cadre, &c);
	if (!rc) {
		Ut__Completion m = UT__COMPLETION__INIT;
		m.cadre_id = (char *)cadre;
		m.class_id = cls->id;
		m.sessions_total = cls->nsessions;
		m.sessions_attended = es_attended(s, cls->id, cadre);
		m.reflection_submitted = es_reflection_has(s, cadre, cls->id) > 0;
		/* late counts as present; a class without sessions completes nobody */
		int attended = m.sessions_total > 0 && m.sessions_attended * 100 >= pct * m.sessions_total;
		m.completed = attended && (!cls->requires_reflection || m.reflection_submitted);
		m.reflection_missing = attended && !m.completed;
		if (m.reflection_missing)
			m.reflection_until = reflection_until(svc, cls);
		m.hours = cls->hours;
		m.category = (char *)cls->category;
		m.full_time = c->full_time;
		m.unit_id = c->unit_id;
		m.unit_kind = c->unit_kind;
		m.unit_ownership = c->unit_ownership;
		if (m.sessions_attended < 0)
			rc = m.sessions_attended;
		else if (!(rc = es_completion_put(s, &m)))
			rc = ut_service_emit(svc, UT__MSG_TYPE__EV_CLASS_COMPLETED, &m.base);
	}
	ut_arena_free(&a);
	return rc;
}

int enrol_complete_class(ut_service_t *svc, int64_t cls_id)
{
	ut_store_t *s = ut_service_store(svc);
	es_class_t cls;
	int64_t *ids;
	int n, rc = es_class_get(s, cls_id, &cls);
	if (rc || (rc = confirmed_ids(s, cls_id, &ids, &n)))
		return rc;
	for (int i = 0; i < n && !rc; i++) {
		ut_arena_t a = {0};
		Ut__Enrolment *e;
		if (!(rc = es_enrol_by_id(s, &a, ids[i], &e)))
			rc = complete_one(svc, &cls, e->cadre_id);
		ut_arena_free(&a);
	}
	free(ids);
	return rc;
}

int enrol_complete_cadre(ut_service_t *svc, int64_t cls_id, const char *cadre)
{
	es_class_t cls;
	int rc = es_class_get(ut_service_store(svc), cls_id, &cls);
	return rc ? rc : complete_one(svc, &cls, cadre);
}

int enrol_withdraw_completions(ut_service_t *svc, int64_t cls)
{
	ut_arena_t a = {0};
	char **cadres;
	int n, rc = es_completion_withdraw(ut_service_store(svc), &a, cls, &cadres, &n);
	for (int i = 0; i < n && !rc; i++) {
		Ut__Completion m = UT__COMPLETION__INIT;
		m.cadre_id = cadres[i];
		m.class_id = cls;
		m.withdrawn = 1;
		rc = ut_service_emit(svc, UT__MSG_TYPE__EV_CLASS_COMPLETED, &m.base);
	}
	ut_arena_free(&a);
	return rc;
}
