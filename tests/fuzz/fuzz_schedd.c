/* Fuzz target: any bytes as a request to ut-schedd, through the envelope decoder, the dispatch
 * table, every handler's body decoder and its checks and SQL (the shared harness tries each input
 * as a whole frame and as the body of a request type the first byte picks). */
#include "../../services/ut-schedd/schedd.h"
#include "fuzz_service.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	static ut_service_t *svc;
	if (!svc)
		svc = fuzz_service_open(&ut_schedd_def, NULL);
	fuzz_requests(svc, &ut_schedd_def, data, size);
	return 0;
}
