/* What the daemon fuzz targets share: open a daemon's service in a temporary run directory (no
 * Redis, no link, synchronous=normal) and feed it one input as a request and as an event. */
#ifndef FUZZ_SERVICE_H
#define FUZZ_SERVICE_H

#include "enrol.pb-c.h"
#include "report.pb-c.h"
#include "sched.pb-c.h"
#include "ut/log.h"
#include "ut/service.h"

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char fuzz_dir[] = "/tmp/ut-fz.XXXXXX";
static ut_service_t *fuzz_svc;

static inline int fuzz_rm(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st, (void)flag, (void)ftw;
	return remove(path);
}

/* At exit (the end of a timed run, or of a replay): close the service, remove its directory. */
static inline void fuzz_cleanup(void)
{
	ut_service_close(&fuzz_svc);
	nftw(fuzz_dir, fuzz_rm, 8, FTW_DEPTH | FTW_PHYS);
}

/* A fresh run directory per process: the fuzzer's state lives in its own database. tweak may
 * change the configuration before the service opens. */
static inline ut_service_t *fuzz_service_open(const ut_service_def_t *def, void (*tweak)(ut_config_t *cfg))
{
	ut_service_t *svc = NULL;
	ut_config_t cfg;
	ut_config_defaults(&cfg);
	if (!mkdtemp(fuzz_dir))
		abort();
	atexit(fuzz_cleanup);
	free(cfg.run_dir);
	cfg.run_dir = strdup(fuzz_dir);
	free(cfg.sqlite_synchronous);
	cfg.sqlite_synchronous = strdup("normal");
	free(cfg.log_level);
	cfg.log_level = strdup("error");
	free(cfg.redis_socket);
	cfg.redis_socket = strdup("no-redis.sock"); /* events stay in the outbox; never a TCP Redis */
	ut_log_init("fuzz", UT_LOG_ERR);
	if (tweak)
		tweak(&cfg);
	if (ut_service_open(&svc, def, &cfg) != 0)
		abort();
	fuzz_svc = svc;
	/* refused inputs log errors by the thousand: keep the output readable (UT_FUZZ_VERBOSE=1 shows them) */
	if (!getenv("UT_FUZZ_VERBOSE"))
		ut_log_set_level(UT_LOG_ERR + 1);
	return svc;
}

/* Envelope of type `type` around body; malloc'd, length in *n. */
static inline unsigned char *fuzz_envelope(const char *id, int type, const unsigned char *body, size_t len, size_t *n)
{
	Ut__Envelope e = UT__ENVELOPE__INIT;
	e.id = (char *)id;
	e.type = type;
	e.node = "fuzz-child";
	e.ts_ms = 1767225600000; /* 2026-01-01: a fixed time, so inputs replay the same */
	e.body.data = (uint8_t *)body;
	e.body.len = len;
	*n = ut__envelope__get_packed_size(&e);
	unsigned char *frame = malloc(*n ? *n : 1);
	if (!frame)
		abort();
	ut__envelope__pack(&e, frame);
	return frame;
}

/* The input as a whole request frame, then as the body of the request type data[0] picks. */
static inline void fuzz_requests(ut_service_t *svc, const ut_service_def_t *def, const unsigned char *data, size_t size)
{
	ut_reply_t rep = {0};
	ut_service_handle(svc, data, size, &rep);
	ut_reply_clear(&rep);
	if (size < 1 || !def->nhandlers)
		return;
	size_t n;
	unsigned char *frame = fuzz_envelope("fuzz", def->handlers[data[0] % def->nhandlers].type, data + 1, size - 1, &n);
	ut_service_handle(svc, frame, n, &rep);
	ut_reply_clear(&rep);
	free(frame);
}

/* The input as a whole event frame, then as the body of the event type data[0] picks, each with a
 * new event id so the inbox lets it through, as the consumer would apply it. */
static inline void fuzz_events(ut_service_t *svc, const ut_service_def_t *def, const unsigned char *data, size_t size)
{
	static unsigned long seq;
	ut_service_apply_event(svc, data, size);
	if (size < 1 || !def->nevents)
		return;
	char id[32];
	snprintf(id, sizeof id, "fuzz-%lu", ++seq);
	size_t n;
	unsigned char *frame = fuzz_envelope(id, def->events[data[0] % def->nevents].type, data + 1, size - 1, &n);
	ut_service_apply_event(svc, frame, n);
	free(frame);
}

/* A message of `type` to the daemon: as a request if it handles it, as an event if it consumes it. */
static inline void fuzz_send(ut_service_t *svc, const ut_service_def_t *def, int type, const ProtobufCMessage *m)
{
	static unsigned long seq;
	size_t len = protobuf_c_message_get_packed_size(m), n;
	unsigned char *body = malloc(len ? len : 1);
	if (!body)
		abort();
	protobuf_c_message_pack(m, body);
	char id[32];
	snprintf(id, sizeof id, "prime-%lu", ++seq);
	unsigned char *frame = fuzz_envelope(id, type, body, len, &n);
	for (int i = 0; i < def->nhandlers; i++)
		if (def->handlers[i].type == type) {
			ut_reply_t rep = {0};
			ut_service_handle(svc, frame, n, &rep);
			if (rep.status != UT__STATUS__STATUS_OK && getenv("UT_FUZZ_VERBOSE"))
				fprintf(stderr, "prime: type %d refused: %s\n", type, rep.message);
			ut_reply_clear(&rep);
		}
	for (int i = 0; i < def->nevents; i++)
		if (def->events[i].type == type && ut_service_apply_event(svc, frame, n) != 0)
			abort();
	free(frame);
	free(body);
}

/* A small node every daemon knows the same way (unit 1 "XQ", cadres C001 and C002, course 1, class 1
 * with two sessions and one seat, C001 confirmed and C002 waiting, a plan, child "county-1"), so
 * that inputs naming these ids reach the handlers' deeper paths from the first run. */
static inline void fuzz_prime(ut_service_t *svc, const ut_service_def_t *def)
{
	Ut__OrgUnit u = UT__ORG_UNIT__INIT;
	u.id = 1, u.code = "XQ", u.name = "海淀区总工会", u.kind = "union", u.ownership = "public";
	fuzz_send(svc, def, UT__MSG_TYPE__MSG_UNIT_ADD, &u.base);
	fuzz_send(svc, def, UT__MSG_TYPE__EV_UNIT_ADDED, &u.base);
	Ut__Cadre c = UT__CADRE__INIT;
	c.id = "C001", c.name = "Nguyễn Thị Hương", c.unit_id = 1, c.unit_code = "XQ", c.position = "chair";
	c.full_time = 1, c.elected_on = "2025-06-01", c.email = "huong@example.org", c.locale = "vi", c.state = "active";
	c.version = 1, c.unit_kind = "union", c.unit_ownership = "public";
	fuzz_send(svc, def, UT__MSG_TYPE__MSG_CADRE_ADD, &c.base);
	fuzz_send(svc, def, UT__MSG_TYPE__EV_CADRE_REGISTERED, &c.base);
	c.id = "C002", c.name = "王小明", c.position = "finance_audit", c.full_time = 0, c.locale = "zh-Hans", c.email = "";
	fuzz_send(svc, def, UT__MSG_TYPE__MSG_CADRE_ADD, &c.base);
	fuzz_send(svc, def, UT__MSG_TYPE__EV_CADRE_REGISTERED, &c.base);
	Ut__Course co = UT__COURSE__INIT;
	co.id = 1, co.code = "SAFE-2030", co.title = "安全生产培训", co.category = "safety", co.default_hours = 6;
	co.requires_reflection = 1;
	fuzz_send(svc, def, UT__MSG_TYPE__EV_COURSE_CREATED, &co.base);
	Ut__Session s1 = UT__SESSION__INIT, s2 = UT__SESSION__INIT, *ss[] = {&s1, &s2};
	s1.id = 1, s1.class_id = 1, s1.starts_at = 1898150400, s1.ends_at = 1898161200, s1.venue_name = "Hội trường A";
	s2.id = 2, s2.class_id = 1, s2.starts_at = 1898236800, s2.ends_at = 1898247600, s2.lecturer_name = "Lê Xuân Trường";
	Ut__Class k = UT__CLASS__INIT; /* 2030: reminders are still ahead */
	k.id = 1, k.course_id = 1, k.course_code = "SAFE-2030", k.title = "安全生产培训", k.category = "safety";
	k.level = "county", k.format = "in_person", k.capacity = 1, k.state = "open", k.version = 1, k.sessions = ss;
	k.n_sessions = 2, k.hours = 6;
	fuzz_send(svc, def, UT__MSG_TYPE__EV_CLASS_CREATED, &k.base);
	Ut__Plan p = UT__PLAN__INIT;
	p.year = 2030, p.category = "safety", p.planned_classes = 42, p.planned_participations = 3000;
	fuzz_send(svc, def, UT__MSG_TYPE__EV_PLAN_SET, &p.base);
	char *ids[] = {"C001", "C002"};
	Ut__EnrolRequest er = UT__ENROL_REQUEST__INIT;
	er.class_id = 1, er.cadre_ids = ids, er.n_cadre_ids = 2;
	fuzz_send(svc, def, UT__MSG_TYPE__MSG_ENROL, &er.base);
	Ut__Enrolment e = UT__ENROLMENT__INIT;
	e.id = 1, e.cadre_id = "C001", e.class_id = 1, e.state = "confirmed", e.class_version = 1;
	fuzz_send(svc, def, UT__MSG_TYPE__EV_ENROL_CONFIRMED, &e.base);
	e.id = 2, e.cadre_id = "C002", e.state = "waitlisted", e.waitlist_pos = 1;
	fuzz_send(svc, def, UT__MSG_TYPE__EV_ENROL_WAITLISTED, &e.base);
	Ut__Child ch = UT__CHILD__INIT;
	ch.node = "county-1", ch.public_key = "Yne@$w-vo<fVvi]a<NY6T1ed:M$fCG*[IaLV{hID"; /* any valid Z85 key */
	fuzz_send(svc, def, UT__MSG_TYPE__MSG_REPORT_CHILD_ADD, &ch.base);
}

#endif
