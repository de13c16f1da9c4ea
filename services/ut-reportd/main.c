/* ut-reportd: the reporting daemon (plan fulfilment, coverage and the statistics pushed to the parent node).
 * It keeps the scheduling projection from ut-schedd's events in its own database. */
#include "ut/projection.h"

static const ut_migration_t migrations[] = {{1, ut_projection_schema}};
static const char *const consumes[] = {"ut-schedd", NULL};
static const ut_event_handler_t events[] = {UT_PROJECTION_EVENTS};

static const ut_service_def_t def = {
	.name = "ut-reportd",
	.summary = "The reporting daemon of a union training node: plan fulfilment, coverage and the statistics pushed to the parent node.",
	.migrations = migrations,
	.nmigrations = sizeof migrations / sizeof migrations[0],
	.consumes = consumes,
	.events = events,
	.nevents = sizeof events / sizeof events[0],
};

int main(int argc, char **argv) { return ut_service_main(&def, argc, argv); }
