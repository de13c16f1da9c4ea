/* ut-notifyd: the notification daemon (reminders and their delivery over email, webhook and spool).
 * It keeps the scheduling projection from ut-schedd's events in its own database. */
#include "ut/projection.h"

static const ut_migration_t migrations[] = {{1, ut_projection_schema}};
static const char *const consumes[] = {"ut-schedd", NULL};
static const ut_event_handler_t events[] = {UT_PROJECTION_EVENTS};

static const ut_service_def_t def = {
	.name = "ut-notifyd",
	.summary = "The notification daemon of a union training node: reminders and their delivery over email, webhook and spool.",
	.migrations = migrations,
	.nmigrations = sizeof migrations / sizeof migrations[0],
	.consumes = consumes,
	.events = events,
	.nevents = sizeof events / sizeof events[0],
};

int main(int argc, char **argv) { return ut_service_main(&def, argc, argv); }
