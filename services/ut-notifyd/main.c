/* ut-notifyd: the notification daemon (reminders and their delivery over email, webhook and spool).
 * Wires handlers, events and settings to the service frame; `--worker` runs a delivery worker. */
#include "notifyd.h"
#include "ut/err.h"
#include "ut/log.h"
#include "ut/projection.h"

#include <stdlib.h>
#include <string.h>

static const ut_handler_t handlers[] = {
	{UT__MSG_TYPE__MSG_NOTIFY_LOG, notify_log_h, 0},
	{UT__MSG_TYPE__MSG_NOTIFY_DUE, notify_due_h, 0},
	{UT__MSG_TYPE__MSG_NOTIFY_RESEND, notify_resend_h, 1},
	{UT__MSG_TYPE__MSG_NOTIFY_PREVIEW, notify_preview_h, 0},
	{UT__MSG_TYPE__MSG_NOTIFY_OPTOUT, notify_optout_h, 1},
	{UT__MSG_TYPE__MSG_NOTIFY_NUDGE, notify_nudge_h, 1},
};

static const char *const consumes[] = {"ut-schedd", "ut-enrold", NOTIFY_RESULTS, NULL};
static const ut_event_handler_t events[] = {
	{UT__MSG_TYPE__EV_COURSE_CREATED, notify_on_class},
	{UT__MSG_TYPE__EV_CLASS_CREATED, notify_on_class},
	{UT__MSG_TYPE__EV_CLASS_SCHEDULED, notify_on_class},
	{UT__MSG_TYPE__EV_CLASS_CHANGED, notify_on_class},
	{UT__MSG_TYPE__EV_CLASS_CANCELLED, notify_on_class},
	{UT__MSG_TYPE__EV_CLASS_CLOSED, notify_on_class},
	{UT__MSG_TYPE__EV_PLAN_SET, notify_on_class},
	{UT__MSG_TYPE__EV_UNIT_ADDED, notify_on_cadre},
	{UT__MSG_TYPE__EV_UNIT_CHANGED, notify_on_cadre},
	{UT__MSG_TYPE__EV_CADRE_REGISTERED, notify_on_cadre},
	{UT__MSG_TYPE__EV_CADRE_CHANGED, notify_on_cadre},
	{UT__MSG_TYPE__EV_CADRE_LEFT, notify_on_cadre},
	{UT__MSG_TYPE__EV_CADRES_IMPORTED, notify_on_cadre},
	{UT__MSG_TYPE__EV_ENROL_CONFIRMED, notify_on_enrol},
	{UT__MSG_TYPE__EV_ENROL_WAITLISTED, notify_on_enrol},
	{UT__MSG_TYPE__EV_ENROL_PROMOTED, notify_on_enrol},
	{UT__MSG_TYPE__EV_ENROL_CANCELLED, notify_on_enrol},
	{UT__MSG_TYPE__EV_ATTENDANCE_MARKED, notify_on_attendance},
	{UT__MSG_TYPE__EV_CLASS_COMPLETED, notify_on_completion},
	{UT__MSG_TYPE__MSG_NOTIFY_OUTCOME, notify_on_outcome},
};

static int init(ut_service_t *svc)
{
	const ut_config_t *cfg = ut_service_config(svc);
	notify_app_t *app = calloc(1, sizeof *app);
	if (!app)
		return UT_ENOMEM;
	app->svc = svc;
	ut_service_set_app(svc, app);
	char err[1024];
	if (notify_parse_offsets(cfg->notify_reminder_offsets, app->offsets, NOTIFY_MAX_OFFSETS, &app->noffsets) != 0) {
		ut_error("notify.reminder_offsets: \"%s\" is not a list of Nd, Nh or Nm (at most %d)",
			 cfg->notify_reminder_offsets, NOTIFY_MAX_OFFSETS);
		return UT_EINVAL;
	}
	if (notify_parse_course_offsets(cfg->notify_course_offsets, &app->courses, &app->ncourses) != 0) {
		ut_error("notify.course_offsets: \"%s\" is not a list of COURSE_CODE=offsets separated by ';'",
			 cfg->notify_course_offsets);
		return UT_EINVAL;
	}
	if (notify_parse_quiet(cfg->notify_quiet_hours, &app->quiet_from, &app->quiet_to) != 0) {
		ut_error("notify.quiet_hours: \"%s\" is not HH:MM-HH:MM", cfg->notify_quiet_hours);
		return UT_EINVAL;
	}
	char *dir = ut_config_resolve(cfg, cfg->notify_templates_dir);
	int rc = dir ? notify_templates_load(&app->tpl, dir, err, sizeof err) : UT_ENOMEM;
	free(dir);
	if (rc) {
		ut_error("templates: %s", err);
		return rc;
	}
	return notify_dispatch_init(svc, app);
}

static void fini(ut_service_t *svc)
{
	notify_app_t *app = ut_service_app(svc);
	if (!app)
		return;
	notify_templates_destroy(&app->tpl);
	free(app->courses);
	notify_dispatch_fini(app);
	free(app);
	ut_service_set_app(svc, NULL);
}

const ut_service_def_t ut_notifyd_def = {
	.name = "ut-notifyd",
	.summary = "The notification daemon of a union training node: reminders and their delivery over email, webhook and spool.\n"
		   "With --worker (before the other options) it runs a delivery worker instead.",
	.migrations = notify_migrations,
	.nmigrations = NOTIFY_NMIGRATIONS,
	.handlers = handlers,
	.nhandlers = sizeof handlers / sizeof handlers[0],
	.consumes = consumes,
	.events = events,
	.nevents = sizeof events / sizeof events[0],
	.init = init,
	.fini = fini,
	.status = notify_status,
};

int main(int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], "--worker"))
		return notify_worker_main(argc - 1, argv + 1);
	return ut_service_main(&ut_notifyd_def, argc, argv);
}
