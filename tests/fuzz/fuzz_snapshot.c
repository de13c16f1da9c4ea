/* Fuzz target: any bytes as a child's snapshot reaching the parent the way the link thread hands it
 * over (SNAPSHOT_PUT for the key's node), stored, merged, and read back in the federation report. */
#include "../../services/ut-reportd/reportd.h"
#include "fuzz_service.h"

#define CHILD "fuzz-child"

static void tweak(ut_config_t *cfg)
{
	free(cfg->report_parent);
	cfg->report_parent = strdup("");
	free(cfg->report_listen);
	cfg->report_listen = strdup(""); /* no link thread: the fuzzer plays it */
}

static void request(ut_service_t *svc, int type, const ProtobufCMessage *m)
{
	size_t len = m ? protobuf_c_message_get_packed_size(m) : 0, n;
	unsigned char *body = malloc(len ? len : 1);
	if (!body)
		abort();
	if (m)
		protobuf_c_message_pack(m, body);
	unsigned char *frame = fuzz_envelope("fuzz", type, body, len, &n);
	ut_reply_t rep = {0};
	ut_service_handle(svc, frame, n, &rep);
	ut_reply_clear(&rep);
	free(frame);
	free(body);
}

static void put(ut_service_t *svc, Ut__Snapshot *sn)
{
	Ut__SnapshotPut p = UT__SNAPSHOT_PUT__INIT;
	p.node = CHILD; /* what ZAP bound to the sender's key, whatever the snapshot says */
	p.snapshot = sn;
	request(svc, UT__MSG_TYPE__MSG_REPORT_SNAPSHOT_PUT, &p.base);
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	static ut_service_t *svc;
	static uint64_t seq;
	if (!svc) {
		svc = fuzz_service_open(&ut_reportd_def, tweak);
		Ut__Child c = UT__CHILD__INIT;
		c.node = CHILD;
		c.public_key = "Yne@$w-vo<fVvi]a<NY6T1ed:M$fCG*[IaLV{hID"; /* any valid Z85 key */
		request(svc, UT__MSG_TYPE__MSG_REPORT_CHILD_ADD, &c.base);
	}
	Ut__Snapshot *sn = ut__snapshot__unpack(NULL, size, data);
	if (!sn)
		return 0;
	put(svc, sn); /* as sent: another node's id is refused, a stale seq ignored */
	/* and as if it were the registered child's newest, so every input reaches the merge */
	char *node = sn->node;
	uint64_t s = sn->seq;
	sn->node = CHILD;
	sn->seq = ++seq + (1ULL << 62);
	put(svc, sn);
	sn->node = node;
	sn->seq = s;
	Ut__ReportQuery q = UT__REPORT_QUERY__INIT;
	q.kind = q.by = q.scope = "";
	q.year = sn->n_rows && sn->rows[0]->year >= 2000 && sn->rows[0]->year <= 2100 ? sn->rows[0]->year : 2026;
	request(svc, UT__MSG_TYPE__MSG_REPORT_FEDERATION, &q.base);
	request(svc, UT__MSG_TYPE__MSG_REPORT_SNAPSHOT_BUILD, NULL);
	ut__snapshot__free_unpacked(sn, NULL);
	return 0;
}
