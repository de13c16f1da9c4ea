/* Scheduling events: keep the projection (ut/projection.h), then do what enrolment owes the class
 * in the same consumer transaction: a cancelled class cancels its enrolments, more seats promote
 * from the waitlist, a closed class computes completion. Repeats are harmless: each step looks at
 * the stored (newest) class, not at the event. */
#include "enrold.h"
#include "sched.pb-c.h"
#include "ut/err.h"
#include "ut/projection.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Every live enrolment of the class, cancelled with `reason`. */
static int cancel_all(ut_service_t *svc, int64_t cls, const char *reason)
{
	ut_store_t *s = ut_service_store(svc);
	int total = es_enrol_count(s, cls, "confirmed"), w = es_enrol_count(s, cls, "waitlisted");
	if (total < 0 || w < 0)
		return total < 0 ? total : w;
	total += w;
	if (!total)
		return 0;
	int64_t *ids = malloc((size_t)total * sizeof *ids);
	if (!ids)
		return UT_ENOMEM;
	int n = es_enrol_ids(s, cls, "", ids, total), rc = n < 0 ? n : 0;
	for (int i = 0; i < n && !rc; i++)
		rc = enrol_cancel_one(svc, ids[i], reason, NULL);
	free(ids);
	return rc;
}

int enrol_on_class_event(ut_service_t *svc, const Ut__Envelope *ev)
{
	enrol_classes_changed(svc);
	int rc = ut_projection_apply(svc, ev);
	if (rc)
		return rc;
	if (ev->type != UT__MSG_TYPE__EV_CLASS_CREATED && ev->type != UT__MSG_TYPE__EV_CLASS_SCHEDULED &&
	    ev->type != UT__MSG_TYPE__EV_CLASS_CHANGED && ev->type != UT__MSG_TYPE__EV_CLASS_CANCELLED &&
	    ev->type != UT__MSG_TYPE__EV_CLASS_CLOSED)
		return 0;
	Ut__Class *c = ut__class__unpack(NULL, ev->body.len, ev->body.data);
	if (!c)
		return UT_EINVAL;
	es_class_t cls;
	char reason[600];
	rc = es_class_get(ut_service_store(svc), c->id, &cls);
	if (!rc && !strcmp(cls.state, "cancelled")) {
		snprintf(reason, sizeof reason, "class cancelled%s%s", c->reason && *c->reason ? ": " : "",
			 c->reason ? c->reason : "");
		rc = cancel_all(svc, cls.id, reason);
	} else if (!rc && !strcmp(cls.state, "closed")) {
		int done = es_completion_done(ut_service_store(svc), cls.id);
		rc = done < 0 ? done : done ? 0 : enrol_complete_class(svc, cls.id);
	} else if (!rc) {
		/* a live class with completions was reopened: they stand no longer */
		int done = es_completion_done(ut_service_store(svc), cls.id);
		rc = done < 0 ? done : done ? enrol_withdraw_completions(svc, cls.id) : 0;
		if (!rc)
			rc = enrol_promote(svc, cls.id, NULL); /* capacity may have grown */
	}
	else if (rc == UT_ENOTFOUND)
		rc = 0;
	ut__class__free_unpacked(c, NULL);
	return rc;
}
