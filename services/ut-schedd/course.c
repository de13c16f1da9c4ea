/* Handlers for courses, venues and lecturers: the things classes are made of. */
#include "schedd.h"
#include "ut/err.h"
#include "ut/valid.h"

#include <stdlib.h>

int sched_course_add(ut_service_t *svc, const Ut__Envelope *req, ut_reply_t *rep)
{
	Ut__Course *c = ut_rpc_body(req, &ut__course__descriptor, rep);
	if (!c)
		return UT_EINVAL;
	int rc;
	if ((rc = ut_valid_text(rep, "code", c->code, 1, 32)) || (rc = ut_valid_text(rep, "title", c->title, 1, 200)) ||
	    (rc = ut_valid_enum(rep, "category", c->category, sched_categories)) ||
	    (rc = ut_valid_range(rep, "default hours", c->default_hours, 0, 2000)))
		goto out;
	rc = sched_course_insert(ut_service_store(svc), c);
	if (rc == UT_ECONFLICT)
		rc = ut_reply_err(rep, rc, "a course with code %s already exists", c->code);
	if (!rc)
		rc = ut_service_emit(svc, UT__MSG_TYPE__EV_COURSE_CREATED, &c->base);
	if (!rc)
		rc = ut_reply_body(rep, &c->base);
out:
	protobuf_c_message_free_unpacked(&c->base, NULL);
	return rc;
}

int sched_course_list_h(ut_service_t *svc, const Ut__Envelope *req, ut_reply_t *rep)
{
	Ut__ListRequest *q = ut_rpc_body(req, &ut__list_request__descriptor, rep);
	if (!q)
		return UT_EINVAL;
	ut_arena_t a = {0};
	Ut__CourseList out = UT__COURSE_LIST__INIT;
	int rc = sched_course_list(ut_service_store(svc), &a, q->after_id, q->limit, &out);
	protobuf_c_message_free_unpacked(&q->base, NULL);
	return ut_reply_msg(rep, &a, rc, &out.base);
}

int sched_course_get(ut_service_t *svc, const Ut__Envelope *req, ut_reply_t *rep)
{
	Ut__Ref *r = ut_rpc_body(req, &ut__ref__descriptor, rep);
	if (!r)
		return UT_EINVAL;
	ut_arena_t a = {0};
	Ut__Course *c = NULL;
	int rc = sched_course_find(ut_service_store(svc), &a, r->id, r->code, &c);
	if (rc == UT_ENOTFOUND)
		ut_reply_err(rep, rc, "no course %s", r->code && *r->code ? r->code : "with that id");
	protobuf_c_message_free_unpacked(&r->base, NULL);
	return ut_reply_msg(rep, &a, rc, c ? &c->base : NULL);
}

int sched_venue_add(ut_service_t *svc, const Ut__Envelope *req, ut_reply_t *rep)
{
	Ut__Venue *v = ut_rpc_body(req, &ut__venue__descriptor, rep);
	if (!v)
		return UT_EINVAL;
	int rc;
	if (!(rc = ut_valid_text(rep, "name", v->name, 1, 200)) &&
	    !(rc = ut_valid_text(rep, "address", v->address, 0, 500)) &&
	    !(rc = ut_valid_range(rep, "capacity", v->capacity, 1, 100000))) {
		rc = sched_venue_insert(ut_service_store(svc), v);
		if (rc == UT_ECONFLICT)
			rc = ut_reply_err(rep, rc, "a venue named %s already exists", v->name);
		if (!rc)
			rc = ut_reply_body(rep, &v->base);
	}
	protobuf_c_message_free_unpacked(&v->base, NULL);
	return rc;
}

int sched_venue_list_h(ut_service_t *svc, const Ut__Envelope *req, ut_reply_t *rep)
{
	Ut__ListRequest *q = ut_rpc_body(req, &ut__list_request__descriptor, rep);
	if (!q)
		return UT_EINVAL;
	ut_arena_t a = {0};
	Ut__VenueList out = UT__VENUE_LIST__INIT;
	int rc = sched_venue_list(ut_service_store(svc), &a, q->after_id, q->limit, &out);
	protobuf_c_message_free_unpacked(&q->base, NULL);
	return ut_reply_msg(rep, &a, rc, &out.base);
}

int sched_lecturer_add(ut_service_t *svc, const Ut__Envelope *req, ut_reply_t *rep)
{
	Ut__Lecturer *l = ut_rpc_body(req, &ut__lecturer__descriptor, rep);
	if (!l)
		return UT_EINVAL;
	int rc;
	if (!(rc = ut_valid_text(rep, "name", l->name, 1, 200)) &&
	    !(rc = ut_valid_text(rep, "affiliation", l->affiliation, 0, 200)) &&
	    !(rc = ut_valid_text(rep, "email", l->email, 0, 254))) {
		rc = sched_lecturer_insert(ut_service_store(svc), l);
		if (rc == UT_ECONFLICT)
			rc = ut_reply_err(rep, rc, "a lecturer named %s already exists", l->name);
		if (!rc)
			rc = ut_reply_body(rep, &l->base);
	}
	protobuf_c_message_free_unpacked(&l->base, NULL);
	return rc;
}

int sched_lecturer_list_h(ut_service_t *svc, const Ut__Envelope *req, ut_reply_t *rep)
{
	Ut__ListRequest *q = ut_rpc_body(req, &ut__list_request__descriptor, rep);
	if (!q)
		return UT_EINVAL;
	ut_arena_t a = {0};
	Ut__LecturerList out = UT__LECTURER_LIST__INIT;
	int rc = sched_lecturer_list(ut_service_store(svc), &a, q->after_id, q->limit, &out);
	protobuf_c_message_free_unpacked(&q->base, NULL);
	return ut_reply_msg(rep, &a, rc, &out.base);
}
