/* Fuzz target: any bytes as a request to ut-schedd, through the envelope decoder, the dispatch
 * table, every handler's body decoder and its checks and SQL. Each input is tried twice: as the
 * whole frame, and as a body behind a valid envelope whose type the first byte picks from the
 * handler table (so the fuzzer reaches the handlers without first learning the envelope). */
#include "../../services/ut-schedd/schedd.h"
#include "ut/log.h"

#include <stdlib.h>
#include <string.h>

static ut_service_t *svc;

static void open_service(void)
{
	char dir[] = "/tmp/ut-fuzz.XXXXXX";
	ut_config_t cfg;
	ut_config_defaults(&cfg);
	if (!mkdtemp(dir))
		abort();
	free(cfg.run_dir);
	cfg.run_dir = strdup(dir);
	free(cfg.sqlite_synchronous);
	cfg.sqlite_synchronous = strdup("normal");
	free(cfg.log_level);
	cfg.log_level = strdup("error");
	free(cfg.redis_socket);
	cfg.redis_socket = strdup("no-redis.sock"); /* events stay in the outbox */
	ut_log_init("fuzz", UT_LOG_ERR);
	if (ut_service_open(&svc, &ut_schedd_def, &cfg) != 0)
		abort();
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	if (!svc)
		open_service();
	ut_reply_t rep = {0};
	ut_service_handle(svc, data, size, &rep);
	ut_reply_clear(&rep);
	if (size < 1)
		return 0;
	Ut__Envelope e = UT__ENVELOPE__INIT;
	e.id = "fuzz";
	e.type = ut_schedd_def.handlers[data[0] % ut_schedd_def.nhandlers].type;
	e.node = "";
	e.body.data = (uint8_t *)data + 1;
	e.body.len = size - 1;
	size_t n = ut__envelope__get_packed_size(&e);
	unsigned char *frame = malloc(n ? n : 1);
	ut__envelope__pack(&e, frame);
	ut_service_handle(svc, frame, n, &rep);
	ut_reply_clear(&rep);
	free(frame);
	return 0;
}
