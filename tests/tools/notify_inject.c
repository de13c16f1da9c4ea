/* ut-notify-inject: puts an enrolment-side event (cadre, unit, enrolment) on a daemon's event
 * stream the way the outbox relay does, so ut-notifyd can be tested before ut-enrold emits them. */
#include "enrol.pb-c.h"
#include "envelope.pb-c.h"

#include <hiredis/hiredis.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static void usage(void)
{
	fprintf(stderr, "usage: ut-notify-inject REDIS_SOCKET STREAM_KEY EVENT_ID TYPE [field=value ...]\n"
			"  TYPE: cadre-registered|cadre-changed|cadre-left (id name email phone locale unit version)\n"
			"        unit-added (id name)\n"
			"        enrol-confirmed|enrol-waitlisted|enrol-promoted|enrol-cancelled (cadre class version reason enrolment)\n"
			"        attendance (cadre class session mark), completed (cadre class reflection=0|1 missing=0|1 until=SECONDS)\n"
			"  repeat=N sends N events in one pipeline, with \"-<i>\" added to the event id and the cadre id.\n");
	exit(2);
}

static const char *field(int argc, char **argv, const char *name, const char *def)
{
	size_t n = strlen(name);
	for (int i = 5; i < argc; i++)
		if (!strncmp(argv[i], name, n) && argv[i][n] == '=')
			return argv[i] + n + 1;
	return def;
}

int main(int argc, char **argv)
{
	if (argc < 5)
		usage();
	const char *t = argv[4];
	ProtobufCMessage *m = NULL;
	int type = 0;
	Ut__Cadre c = UT__CADRE__INIT;
	Ut__OrgUnit u = UT__ORG_UNIT__INIT;
	Ut__Enrolment e = UT__ENROLMENT__INIT;
	Ut__Attendance at = UT__ATTENDANCE__INIT;
	Ut__Completion co = UT__COMPLETION__INIT;
	if (!strncmp(t, "cadre-", 6)) {
		type = !strcmp(t, "cadre-registered") ? UT__MSG_TYPE__EV_CADRE_REGISTERED
		       : !strcmp(t, "cadre-left")     ? UT__MSG_TYPE__EV_CADRE_LEFT
						      : UT__MSG_TYPE__EV_CADRE_CHANGED;
		c.id = (char *)field(argc, argv, "id", "");
		c.name = (char *)field(argc, argv, "name", "");
		c.email = (char *)field(argc, argv, "email", "");
		c.phone = (char *)field(argc, argv, "phone", "");
		c.locale = (char *)field(argc, argv, "locale", "");
		c.unit_id = atoll(field(argc, argv, "unit", "0"));
		c.version = atoi(field(argc, argv, "version", "1"));
		c.state = "active";
		m = &c.base;
	} else if (!strcmp(t, "unit-added")) {
		type = UT__MSG_TYPE__EV_UNIT_ADDED;
		u.id = atoll(field(argc, argv, "id", "0"));
		u.name = (char *)field(argc, argv, "name", "");
		m = &u.base;
	} else if (!strncmp(t, "enrol-", 6)) {
		type = !strcmp(t, "enrol-confirmed")    ? UT__MSG_TYPE__EV_ENROL_CONFIRMED
		       : !strcmp(t, "enrol-waitlisted") ? UT__MSG_TYPE__EV_ENROL_WAITLISTED
		       : !strcmp(t, "enrol-promoted")   ? UT__MSG_TYPE__EV_ENROL_PROMOTED
		       : !strcmp(t, "enrol-cancelled")  ? UT__MSG_TYPE__EV_ENROL_CANCELLED
							: 0;
		e.id = atoll(field(argc, argv, "enrolment", "0"));
		e.cadre_id = (char *)field(argc, argv, "cadre", "");
		e.class_id = atoll(field(argc, argv, "class", "0"));
		e.class_version = atoi(field(argc, argv, "version", "0"));
		e.reason = (char *)field(argc, argv, "reason", "");
		e.state = type == UT__MSG_TYPE__EV_ENROL_CANCELLED ? "cancelled"
			  : type == UT__MSG_TYPE__EV_ENROL_WAITLISTED ? "waitlisted" : "confirmed";
		m = &e.base;
	}
	else if (!strcmp(t, "attendance")) {
		type = UT__MSG_TYPE__EV_ATTENDANCE_MARKED;
		at.cadre_id = (char *)field(argc, argv, "cadre", "");
		at.class_id = atoll(field(argc, argv, "class", "0"));
		at.session_id = atoll(field(argc, argv, "session", "0"));
		at.mark = (char *)field(argc, argv, "mark", "absent");
		at.revision = 1;
		m = &at.base;
	} else if (!strcmp(t, "completed")) {
		type = UT__MSG_TYPE__EV_CLASS_COMPLETED;
		co.cadre_id = (char *)field(argc, argv, "cadre", "");
		co.class_id = atoll(field(argc, argv, "class", "0"));
		co.reflection_submitted = atoi(field(argc, argv, "reflection", "0"));
		co.reflection_missing = atoi(field(argc, argv, "missing", "0"));
		co.reflection_until = atoll(field(argc, argv, "until", "0"));
		m = &co.base;
	}
	if (!type)
		usage();
	size_t blen = protobuf_c_message_get_packed_size(m);
	unsigned char *body = malloc(blen + 1);
	protobuf_c_message_pack(m, body);
	Ut__Envelope env = UT__ENVELOPE__INIT;
	env.id = argv[3];
	env.type = type;
	env.node = "test-node";
	env.ts_ms = (int64_t)time(NULL) * 1000;
	env.body.data = body;
	env.body.len = blen;
	size_t len = ut__envelope__get_packed_size(&env);
	unsigned char *buf = malloc(len + 1);
	ut__envelope__pack(&env, buf);
	redisContext *r = redisConnectUnix(argv[1]);
	if (!r || r->err) {
		fprintf(stderr, "cannot connect to redis at %s\n", argv[1]);
		return 1;
	}
	int repeat = atoi(field(argc, argv, "repeat", "0")), ok = 1;
	if (repeat > 0) {
		/* a load generator: the same event for cadres <cadre>-1 .. <cadre>-N, pipelined */
		int is_cadre = m == &c.base;
		char *cadre = is_cadre ? c.id : e.cadre_id;
		for (int i = 1; i <= repeat; i++) {
			char cid[256], eid[256];
			snprintf(cid, sizeof cid, "%s-%d", cadre ? cadre : "", i);
			snprintf(eid, sizeof eid, "%s-%d", argv[3], i);
			if (is_cadre)
				c.id = cid;
			else
				e.cadre_id = cid;
			free(body);
			blen = protobuf_c_message_get_packed_size(m);
			body = malloc(blen + 1);
			protobuf_c_message_pack(m, body);
			env.id = eid;
			env.body.data = body;
			env.body.len = blen;
			free(buf);
			len = ut__envelope__get_packed_size(&env);
			buf = malloc(len + 1);
			ut__envelope__pack(&env, buf);
			redisAppendCommand(r, "XADD %s * d %b", argv[2], buf, len);
		}
		for (int i = 1; i <= repeat; i++) {
			void *rep = NULL;
			if (redisGetReply(r, &rep) != REDIS_OK)
				ok = 0;
			if (rep)
				freeReplyObject(rep);
		}
		printf("%d\n", repeat);
	} else {
		redisReply *rep = redisCommand(r, "XADD %s * d %b", argv[2], buf, len);
		ok = rep && rep->type == REDIS_REPLY_STRING;
		if (ok)
			printf("%s\n", rep->str);
		else
			fprintf(stderr, "XADD failed: %s\n", rep && rep->str ? rep->str : "no reply");
		if (rep)
			freeReplyObject(rep);
	}
	redisFree(r);
	free(body);
	free(buf);
	return ok ? 0 : 1;
}
