/* ut-reportd: the reporting daemon (plan fulfilment, coverage, attendance, and the statistics pushed to
 * the parent node). Wires the event and request tables, the schema and the link thread to the frame. */
#include "reportd.h"
#include "ut/err.h"
#include "ut/log.h"

static const ut_event_handler_t events[] = {
	{UT__MSG_TYPE__EV_COURSE_CREATED, rp_on_sched},
	{UT__MSG_TYPE__EV_CLASS_CREATED, rp_on_sched},
	{UT__MSG_TYPE__EV_CLASS_SCHEDULED, rp_on_sched},
	{UT__MSG_TYPE__EV_CLASS_CHANGED, rp_on_sched},
	{UT__MSG_TYPE__EV_CLASS_CANCELLED, rp_on_sched},
	{UT__MSG_TYPE__EV_CLASS_CLOSED, rp_on_sched},
	{UT__MSG_TYPE__EV_PLAN_SET, rp_on_sched},
	{UT__MSG_TYPE__EV_COVERAGE_SET, rp_on_coverage},
	{UT__MSG_TYPE__EV_UNIT_ADDED, rp_on_unit},
	{UT__MSG_TYPE__EV_UNIT_CHANGED, rp_on_unit},
	{UT__MSG_TYPE__EV_CADRE_REGISTERED, rp_on_cadre},
	{UT__MSG_TYPE__EV_CADRE_CHANGED, rp_on_cadre},
	{UT__MSG_TYPE__EV_CADRE_LEFT, rp_on_cadre},
	{UT__MSG_TYPE__EV_CADRES_IMPORTED, rp_on_cadres},
	{UT__MSG_TYPE__EV_ENROL_CONFIRMED, rp_on_enrol},
	{UT__MSG_TYPE__EV_ENROL_WAITLISTED, rp_on_enrol},
	{UT__MSG_TYPE__EV_ENROL_PROMOTED, rp_on_enrol},
	{UT__MSG_TYPE__EV_ENROL_CANCELLED, rp_on_enrol},
	{UT__MSG_TYPE__EV_ATTENDANCE_MARKED, rp_on_attendance},
	{UT__MSG_TYPE__EV_CLASS_COMPLETED, rp_on_completion},
	{UT__MSG_TYPE__EV_NOTIFY_DELIVERED, rp_on_delivery},
	{UT__MSG_TYPE__EV_NOTIFY_FAILED, rp_on_delivery},
};

static const ut_handler_t handlers[] = {
	{UT__MSG_TYPE__MSG_REPORT_QUERY, rp_report_query, 0},
	{UT__MSG_TYPE__MSG_REPORT_FEDERATION, rp_report_federation, 0},
	{UT__MSG_TYPE__MSG_REPORT_CHILD_ADD, rp_child_add_h, 1},
	{UT__MSG_TYPE__MSG_REPORT_CHILD_LIST, rp_child_list_h, 0},
	{UT__MSG_TYPE__MSG_REPORT_CHILD_REMOVE, rp_child_remove_h, 1},
	{UT__MSG_TYPE__MSG_REPORT_KEY_LOOKUP, rp_key_lookup_h, 0},
	{UT__MSG_TYPE__MSG_REPORT_SNAPSHOT_PUT, rp_snapshot_put_h, UT_WRITES | UT_UNAUDITED}, /* the link's own */
	{UT__MSG_TYPE__MSG_REPORT_SNAPSHOT_BUILD, rp_snapshot_build_h, UT_WRITES | UT_UNAUDITED},
	{UT__MSG_TYPE__MSG_REPORT_UPLINK_SET, rp_uplink_set_h, UT_WRITES | UT_UNAUDITED},
};

static const char *const consumes[] = {"ut-schedd", "ut-enrold", "ut-notifyd", NULL};

static int init(ut_service_t *svc)
{
	int pct;
	if (rp_coverage_target(ut_service_config(svc)->report_coverage_targets, 0, &pct) == UT_EINVAL) {
		ut_error("report.coverage_targets: \"%s\" is not a list of YEAR:PERCENT",
			 ut_service_config(svc)->report_coverage_targets);
		return UT_EINVAL;
	}
	int rc = rp_child_rows_convert(ut_service_store(svc));
	if (rc < 0) {
		ut_error("cannot convert the children's stored snapshots to schema 5");
		return rc;
	}
	if (rc > 0)
		ut_info("the stored snapshots of %d children converted to one blob each", rc);
	rp_link_t *l = NULL;
	rc = rp_link_start(svc, &l);
	ut_service_set_app(svc, l);
	return rc;
}

static void fini(ut_service_t *svc)
{
	rp_link_t *l = ut_service_app(svc);
	rp_link_stop(&l);
	ut_service_set_app(svc, NULL);
}

const ut_service_def_t ut_reportd_def = {
	.name = "ut-reportd",
	.summary = "The reporting daemon of a union training node: plan fulfilment, coverage, attendance, and the\n"
		   "statistics pushed to the parent node over CURVE.",
	.migrations = report_migrations,
	.nmigrations = REPORT_NMIGRATIONS,
	.handlers = handlers,
	.nhandlers = sizeof handlers / sizeof handlers[0],
	.consumes = consumes,
	.events = events,
	.nevents = sizeof events / sizeof events[0],
	.init = init,
	.fini = fini,
};

int main(int argc, char **argv) { return ut_service_main(&ut_reportd_def, argc, argv); }
