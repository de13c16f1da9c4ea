/* Fuzz target: any bytes as a request to ut-reportd (reports, child registry, snapshots, uplink
 * state) and as an event it counts. No parent and no listen endpoint, so no link thread runs. */
#include "../../services/ut-reportd/reportd.h"
#include "fuzz_service.h"

static void tweak(ut_config_t *cfg)
{
	free(cfg->report_parent);
	cfg->report_parent = strdup("");
	free(cfg->report_listen);
	cfg->report_listen = strdup("");
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	static ut_service_t *svc;
	if (!svc) {
		svc = fuzz_service_open(&ut_reportd_def, tweak);
		fuzz_prime(svc, &ut_reportd_def);
	}
	fuzz_requests(svc, &ut_reportd_def, data, size);
	fuzz_events(svc, &ut_reportd_def, data, size);
	return 0;
}
