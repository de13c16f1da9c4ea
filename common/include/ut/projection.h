/* The scheduling projection a consuming daemon keeps from ut-schedd's events: courses, classes
 * with their sessions and version, and yearly plans, in its own SQLite file. An event older than
 * what is stored (lower class version) changes nothing, so repeats and reordering are harmless. */
#ifndef UT_PROJECTION_H
#define UT_PROJECTION_H

#include "ut/service.h"

/* Migration SQL creating the projection tables (sched_courses, sched_classes, sched_sessions,
 * sched_plans); a daemon lists it among its own migrations. */
extern const char ut_projection_schema[];
/* Apply one scheduling event (already checked against the inbox). */
int ut_projection_apply(ut_service_t *svc, const Ut__Envelope *ev);

/* The entries of a daemon's event table that keep the projection. */
#define UT_PROJECTION_EVENTS                                                                                \
	{UT__MSG_TYPE__EV_COURSE_CREATED, ut_projection_apply}, {UT__MSG_TYPE__EV_CLASS_CREATED, ut_projection_apply}, \
	{UT__MSG_TYPE__EV_CLASS_SCHEDULED, ut_projection_apply},                                            \
	{UT__MSG_TYPE__EV_CLASS_CHANGED, ut_projection_apply},                                              \
	{UT__MSG_TYPE__EV_CLASS_CANCELLED, ut_projection_apply},                                            \
	{UT__MSG_TYPE__EV_CLASS_CLOSED, ut_projection_apply}, {UT__MSG_TYPE__EV_PLAN_SET, ut_projection_apply}

#endif
