/* ut-enrold: the enrolment daemon (org units, cadres, enrolments, waitlists, roll-call and training
 * records). Wires the handlers, the schema and the scheduling events to the service frame. */
#include "enrold.h"

static const ut_handler_t handlers[] = {
	{UT__MSG_TYPE__MSG_UNIT_ADD, enrol_unit_add, 1},
	{UT__MSG_TYPE__MSG_UNIT_LIST, enrol_unit_list, 0},
	{UT__MSG_TYPE__MSG_UNIT_GET, enrol_unit_get, 0},
	{UT__MSG_TYPE__MSG_UNIT_CHANGE, enrol_unit_change, 1},
	{UT__MSG_TYPE__MSG_CADRE_ADD, enrol_cadre_add, 1},
	{UT__MSG_TYPE__MSG_CADRE_GET, enrol_cadre_get, 0},
	{UT__MSG_TYPE__MSG_CADRE_LIST, enrol_cadre_list, 0},
	{UT__MSG_TYPE__MSG_CADRE_CHANGE, enrol_cadre_change, 1},
	{UT__MSG_TYPE__MSG_CADRE_LEAVE, enrol_cadre_leave, 1},
	{UT__MSG_TYPE__MSG_CADRE_RECORD, enrol_cadre_record, 0},
	{UT__MSG_TYPE__MSG_CADRE_IMPORT, enrol_cadre_import, 1},
	{UT__MSG_TYPE__MSG_CADRE_DUE, enrol_cadre_due, 0},
	{UT__MSG_TYPE__MSG_ENROL, enrol_enrol, UT_WRITES_AFTER_CHECKS},
	{UT__MSG_TYPE__MSG_ENROL_CANCEL, enrol_cancel, 1},
	{UT__MSG_TYPE__MSG_ENROL_LIST, enrol_list, 0},
	{UT__MSG_TYPE__MSG_ROLLCALL, enrol_rollcall, 1},
	{UT__MSG_TYPE__MSG_ATTENDANCE_LIST, enrol_attendance_list, 0},
	{UT__MSG_TYPE__MSG_REFLECTION_SUBMIT, enrol_reflection_submit, 1},
};

static const char *const consumes[] = {"ut-schedd", NULL};

static const ut_event_handler_t events[] = {
	{UT__MSG_TYPE__EV_COURSE_CREATED, enrol_on_class_event}, {UT__MSG_TYPE__EV_PLAN_SET, enrol_on_class_event},
	{UT__MSG_TYPE__EV_CLASS_CREATED, enrol_on_class_event},  {UT__MSG_TYPE__EV_CLASS_SCHEDULED, enrol_on_class_event},
	{UT__MSG_TYPE__EV_CLASS_CHANGED, enrol_on_class_event},  {UT__MSG_TYPE__EV_CLASS_CANCELLED, enrol_on_class_event},
	{UT__MSG_TYPE__EV_CLASS_CLOSED, enrol_on_class_event},
};

const ut_service_def_t ut_enrold_def = {
	.name = "ut-enrold",
	.summary = "The enrolment daemon of a union training node: org units, cadres, enrolments, waitlists,\n"
		   "roll-call, completion and training records.",
	.migrations = enrol_migrations,
	.nmigrations = ENROL_NMIGRATIONS,
	.handlers = handlers,
	.nhandlers = sizeof handlers / sizeof handlers[0],
	.consumes = consumes,
	.events = events,
	.nevents = sizeof events / sizeof events[0],
	.init = enrol_classes_init,
	.fini = enrol_classes_fini,
};

int main(int argc, char **argv) { return ut_service_main(&ut_enrold_def, argc, argv); }
