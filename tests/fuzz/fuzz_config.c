/* Fuzz target: any bytes as a node configuration file. */
#include "ut/config.h"
#include "ut/log.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	static char path[64];
	if (!*path) {
		snprintf(path, sizeof path, "/tmp/ut-fuzz-config.%d.ini", (int)getpid());
		ut_log_init("fuzz", UT_LOG_ERR + 1); /* unknown-key warnings would flood the output */
	}
	FILE *f = fopen(path, "wb");
	if (!f)
		abort();
	fwrite(data, 1, size, f);
	fclose(f);
	ut_config_t c;
	char err[512];
	int unknown;
	if (ut_config_load(&c, path, err, sizeof err, &unknown) == 0) {
		char *run = ut_config_run_dir(&c), *ep = ut_config_endpoint(&c, "ut-schedd");
		free(run);
		free(ep);
	}
	ut_config_free(&c);
	return 0;
}
