/* ut-schedd: the scheduling daemon. Wires the request handlers and the schema to the service frame. */
#include "schedd.h"

static const ut_handler_t handlers[] = {
	{UT__MSG_TYPE__MSG_COURSE_ADD, sched_course_add, 1},
	{UT__MSG_TYPE__MSG_COURSE_LIST, sched_course_list_h, 0},
	{UT__MSG_TYPE__MSG_COURSE_GET, sched_course_get, 0},
	{UT__MSG_TYPE__MSG_VENUE_ADD, sched_venue_add, 1},
	{UT__MSG_TYPE__MSG_VENUE_LIST, sched_venue_list_h, 0},
	{UT__MSG_TYPE__MSG_LECTURER_ADD, sched_lecturer_add, 1},
	{UT__MSG_TYPE__MSG_LECTURER_LIST, sched_lecturer_list_h, 0},
	{UT__MSG_TYPE__MSG_CLASS_ADD, sched_class_add, 1},
	{UT__MSG_TYPE__MSG_CLASS_LIST, sched_class_list_h, 0},
	{UT__MSG_TYPE__MSG_CLASS_GET, sched_class_get, 0},
	{UT__MSG_TYPE__MSG_CLASS_CHANGE, sched_class_change, 1},
	{UT__MSG_TYPE__MSG_CLASS_CANCEL, sched_class_cancel, 1},
	{UT__MSG_TYPE__MSG_CLASS_CLOSE, sched_class_close, 1},
	{UT__MSG_TYPE__MSG_CLASS_REOPEN, sched_class_reopen, 1},
	{UT__MSG_TYPE__MSG_SESSION_ADD, sched_session_add, 1},
	{UT__MSG_TYPE__MSG_SESSION_LIST, sched_session_list, 0},
	{UT__MSG_TYPE__MSG_PLAN_SET, sched_plan_set, 1},
	{UT__MSG_TYPE__MSG_PLAN_GET, sched_plan_get, 0},
	{UT__MSG_TYPE__MSG_COVERAGE_SET, sched_coverage_set, 1},
	{UT__MSG_TYPE__MSG_COVERAGE_GET, sched_coverage_get, 0},
};

const ut_service_def_t ut_schedd_def = {
	.name = "ut-schedd",
	.summary = "The scheduling daemon of a union training node: courses, venues, lecturers, classes,\n"
		   "their timetable and the yearly plans.",
	.migrations = sched_migrations,
	.nmigrations = SCHED_NMIGRATIONS,
	.handlers = handlers,
	.nhandlers = sizeof handlers / sizeof handlers[0],
};

int main(int argc, char **argv) { return ut_service_main(&ut_schedd_def, argc, argv); }
