/* Fuzz target: any bytes as a request to ut-notifyd and as an event it consumes; the daemon side
 * only (no delivery worker, no Redis: the dispatcher's jobs stay queued in the database). */
#include "../../services/ut-notifyd/notifyd.h"
#include "fuzz_service.h"

/* the shipped templates, by absolute path from CMake: init refuses to start without them */
static void tweak(ut_config_t *cfg)
{
	free(cfg->notify_templates_dir);
	cfg->notify_templates_dir = strdup(UT_FUZZ_TEMPLATES_DIR);
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	static ut_service_t *svc;
	if (!svc) {
		svc = fuzz_service_open(&ut_notifyd_def, tweak);
		fuzz_prime(svc, &ut_notifyd_def);
	}
	fuzz_requests(svc, &ut_notifyd_def, data, size);
	fuzz_events(svc, &ut_notifyd_def, data, size);
	return 0;
}
