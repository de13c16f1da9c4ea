/* Fuzz target: any bytes as a request to ut-enrold (envelope, dispatch table, every handler's body
 * decoder, checks and SQL, the cadre import included) and as a scheduling event it consumes. */
#include "../../services/ut-enrold/enrold.h"
#include "fuzz_service.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	static ut_service_t *svc;
	if (!svc) {
		svc = fuzz_service_open(&ut_enrold_def, NULL);
		fuzz_prime(svc, &ut_enrold_def);
	}
	fuzz_requests(svc, &ut_enrold_def, data, size);
	fuzz_events(svc, &ut_enrold_def, data, size);
	return 0;
}
