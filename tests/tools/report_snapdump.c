/* ut-report-snapdump: asks a ut-reportd for the snapshot it would send upward and writes its bytes
 * to stdout exactly as they go into the envelope, so a test can search them for personal data. */
#include "envelope.pb-c.h"
#include "ut/rpc.h"

#include <stdio.h>
#include <string.h>
#include <zmq.h>

int main(int argc, char **argv)
{
	if (argc != 2 || !strcmp(argv[1], "--help")) {
		fprintf(stderr, "usage: ut-report-snapdump ENDPOINT > snapshot.bin\n");
		return 2;
	}
	void *ctx = zmq_ctx_new();
	ut_rpc_client_t *c = ut_rpc_client_new(ctx, argv[1], 5000);
	Ut__Envelope *r = NULL;
	int rc = c ? ut_rpc_call_raw(c, UT__MSG_TYPE__MSG_REPORT_SNAPSHOT_BUILD, NULL, 0, &r) : -1;
	if (rc || r->status != UT__STATUS__STATUS_OK) {
		fprintf(stderr, "ut-report-snapdump: %s\n", rc ? "no answer" : r->message);
		rc = 1;
	} else
		fwrite(r->body.data, 1, r->body.len, stdout);
	if (r)
		ut__envelope__free_unpacked(r, NULL);
	ut_rpc_client_destroy(&c);
	zmq_ctx_term(ctx);
	return rc ? 1 : 0;
}
