/* ut-report-inject: stands in for the daemons whose events ut-reportd consumes. Reads one event per
 * line from stdin, "<daemon>\t<EV_TYPE>\tfield=value\t...", packs it as the daemon's outbox would
 * (an Envelope around the typed body) and XADDs it, pipelined, to <prefix>ev:<daemon> with
 * increasing "<ms>-<seq>" ids. Fields are set by their .proto names; "start=/end=" add a session. */
#include "envelope.pb-c.h"
#include "enrol.pb-c.h"
#include "notify.pb-c.h"
#include "sched.pb-c.h"

#include <hiredis/hiredis.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>

static const struct {
	const char *name;
	int type;
	const ProtobufCMessageDescriptor *d;
} types[] = {
	{"EV_PLAN_SET", UT__MSG_TYPE__EV_PLAN_SET, &ut__plan__descriptor},
	{"EV_COURSE_CREATED", UT__MSG_TYPE__EV_COURSE_CREATED, &ut__course__descriptor},
	{"EV_CLASS_CREATED", UT__MSG_TYPE__EV_CLASS_CREATED, &ut__class__descriptor},
	{"EV_CLASS_SCHEDULED", UT__MSG_TYPE__EV_CLASS_SCHEDULED, &ut__class__descriptor},
	{"EV_CLASS_CHANGED", UT__MSG_TYPE__EV_CLASS_CHANGED, &ut__class__descriptor},
	{"EV_CLASS_CANCELLED", UT__MSG_TYPE__EV_CLASS_CANCELLED, &ut__class__descriptor},
	{"EV_CLASS_CLOSED", UT__MSG_TYPE__EV_CLASS_CLOSED, &ut__class__descriptor},
	{"EV_UNIT_ADDED", UT__MSG_TYPE__EV_UNIT_ADDED, &ut__org_unit__descriptor},
	{"EV_UNIT_CHANGED", UT__MSG_TYPE__EV_UNIT_CHANGED, &ut__org_unit__descriptor},
	{"EV_CADRE_REGISTERED", UT__MSG_TYPE__EV_CADRE_REGISTERED, &ut__cadre__descriptor},
	{"EV_CADRE_CHANGED", UT__MSG_TYPE__EV_CADRE_CHANGED, &ut__cadre__descriptor},
	{"EV_CADRE_LEFT", UT__MSG_TYPE__EV_CADRE_LEFT, &ut__cadre__descriptor},
	{"EV_ENROL_CONFIRMED", UT__MSG_TYPE__EV_ENROL_CONFIRMED, &ut__enrolment__descriptor},
	{"EV_ENROL_WAITLISTED", UT__MSG_TYPE__EV_ENROL_WAITLISTED, &ut__enrolment__descriptor},
	{"EV_ENROL_PROMOTED", UT__MSG_TYPE__EV_ENROL_PROMOTED, &ut__enrolment__descriptor},
	{"EV_ENROL_CANCELLED", UT__MSG_TYPE__EV_ENROL_CANCELLED, &ut__enrolment__descriptor},
	{"EV_ATTENDANCE_MARKED", UT__MSG_TYPE__EV_ATTENDANCE_MARKED, &ut__attendance__descriptor},
	{"EV_CLASS_COMPLETED", UT__MSG_TYPE__EV_CLASS_COMPLETED, &ut__completion__descriptor},
	{"EV_NOTIFY_DELIVERED", UT__MSG_TYPE__EV_NOTIFY_DELIVERED, &ut__delivery__descriptor},
	{"EV_NOTIFY_FAILED", UT__MSG_TYPE__EV_NOTIFY_FAILED, &ut__delivery__descriptor},
};

static int set_field(ProtobufCMessage *m, const char *name, const char *val)
{
	const ProtobufCFieldDescriptor *f = protobuf_c_message_descriptor_get_field_by_name(m->descriptor, name);
	if (!f || f->label == PROTOBUF_C_LABEL_REPEATED)
		return -1;
	void *p = (char *)m + f->offset;
	switch (f->type) {
	case PROTOBUF_C_TYPE_INT32: *(int32_t *)p = (int32_t)strtol(val, NULL, 10); break;
	case PROTOBUF_C_TYPE_ENUM: *(int *)p = (int)strtol(val, NULL, 10); break;
	case PROTOBUF_C_TYPE_INT64: *(int64_t *)p = strtoll(val, NULL, 10); break;
	case PROTOBUF_C_TYPE_UINT64: *(uint64_t *)p = strtoull(val, NULL, 10); break;
	case PROTOBUF_C_TYPE_BOOL: *(protobuf_c_boolean *)p = !strcmp(val, "1") || !strcmp(val, "true"); break;
	case PROTOBUF_C_TYPE_STRING: *(char **)p = (char *)val; break;
	default: return -1;
	}
	return 0;
}

static int64_t now_ms(void)
{
	struct timeval tv;
	gettimeofday(&tv, NULL);
	return (int64_t)tv.tv_sec * 1000 + tv.tv_usec / 1000;
}

/* The stream's last id's milliseconds, so ids stay increasing across runs. */
static int64_t last_ms(redisContext *c, const char *key)
{
	redisReply *r = redisCommand(c, "XREVRANGE %s + - COUNT 1", key);
	int64_t ms = 0;
	if (r && r->type == REDIS_REPLY_ARRAY && r->elements == 1)
		ms = strtoll(r->element[0]->element[0]->str, NULL, 10);
	if (r)
		freeReplyObject(r);
	return ms;
}

typedef struct stream {
	char key[128];
	int64_t ms, seq;
} stream_t;

int main(int argc, char **argv)
{
	if (argc != 4 || !strcmp(argv[1], "--help")) {
		fprintf(stderr, "usage: ut-report-inject REDIS_SOCKET PREFIX NODE < events\n"
				"  each line: <daemon>\\t<EV_TYPE>\\tfield=value...  (e.g. ut-enrold\\tEV_CLASS_COMPLETED\\tclass_id=3\\t...)\n");
		return 2;
	}
	redisContext *c = redisConnectUnix(argv[1]);
	if (!c || c->err) {
		fprintf(stderr, "ut-report-inject: %s: %s\n", argv[1], c ? c->errstr : "out of memory");
		return 3;
	}
	stream_t st[8];
	int nst = 0, pending = 0, lineno = 0, bad = 0;
	long sent = 0;
	char line[8192];
	while (fgets(line, sizeof line, stdin)) {
		lineno++;
		line[strcspn(line, "\n")] = '\0';
		if (!*line || *line == '#')
			continue;
		char *save = NULL, *daemon = strtok_r(line, "\t", &save), *tname = strtok_r(NULL, "\t", &save);
		size_t ti = 0;
		while (tname && ti < sizeof types / sizeof types[0] && strcmp(types[ti].name, tname))
			ti++;
		if (!daemon || !tname || ti == sizeof types / sizeof types[0]) {
			fprintf(stderr, "ut-report-inject: line %d: unknown event type\n", lineno);
			bad = 1;
			continue;
		}
		ProtobufCMessage *m = calloc(1, types[ti].d->sizeof_message);
		protobuf_c_message_init(types[ti].d, m);
		Ut__Session sess = UT__SESSION__INIT, *sp = &sess;
		int has_sess = 0;
		for (char *kv; (kv = strtok_r(NULL, "\t", &save));) {
			char *eq = strchr(kv, '=');
			if (!eq)
				continue;
			*eq = '\0';
			if (!strcmp(kv, "start") || !strcmp(kv, "end")) {
				has_sess = 1;
				*(strcmp(kv, "start") ? &sess.ends_at : &sess.starts_at) = strtoll(eq + 1, NULL, 10);
			} else if (set_field(m, kv, eq + 1)) {
				fprintf(stderr, "ut-report-inject: line %d: %s has no field %s\n", lineno, tname, kv);
				bad = 1;
			}
		}
		if (has_sess && types[ti].d == &ut__class__descriptor) {
			Ut__Class *cl = (Ut__Class *)m;
			sess.id = cl->id;
			sess.class_id = cl->id;
			cl->n_sessions = 1;
			cl->sessions = &sp;
		}
		stream_t *s = NULL;
		char key[128];
		snprintf(key, sizeof key, "%sev:%s", argv[2], daemon);
		for (int i = 0; i < nst; i++)
			if (!strcmp(st[i].key, key))
				s = &st[i];
		if (!s && nst < 8) {
			s = &st[nst++];
			snprintf(s->key, sizeof s->key, "%s", key);
			int64_t last = last_ms(c, key), now = now_ms();
			s->ms = now > last ? now : last + 1;
			s->seq = 0;
		}
		size_t bl = protobuf_c_message_get_packed_size(m);
		uint8_t *body = malloc(bl + 1);
		protobuf_c_message_pack(m, body);
		char eid[200], sid[64];
		s->seq++;
		snprintf(eid, sizeof eid, "%s/%s/inj-%lld-%lld", argv[3], daemon, (long long)s->ms, (long long)s->seq);
		snprintf(sid, sizeof sid, "%lld-%lld", (long long)s->ms, (long long)s->seq);
		Ut__Envelope e = UT__ENVELOPE__INIT;
		e.id = eid;
		e.type = types[ti].type;
		e.node = argv[3];
		e.ts_ms = now_ms();
		e.body.data = body;
		e.body.len = bl;
		size_t el = ut__envelope__get_packed_size(&e);
		uint8_t *env = malloc(el + 1);
		ut__envelope__pack(&e, env);
		const char *av[] = {"XADD", s->key, sid, "d", (const char *)env};
		size_t al[] = {4, strlen(s->key), strlen(sid), 1, el};
		redisAppendCommandArgv(c, 5, av, al);
		free(env);
		free(body);
		free(m);
		sent++;
		if (++pending == 1000) {
			for (; pending; pending--) {
				redisReply *r;
				if (redisGetReply(c, (void **)&r) != REDIS_OK) {
					fprintf(stderr, "ut-report-inject: redis: %s\n", c->errstr);
					return 1;
				}
				if (r->type == REDIS_REPLY_ERROR) {
					fprintf(stderr, "ut-report-inject: XADD: %s\n", r->str);
					bad = 1;
				}
				freeReplyObject(r);
			}
		}
	}
	for (; pending; pending--) {
		redisReply *r;
		if (redisGetReply(c, (void **)&r) != REDIS_OK) {
			fprintf(stderr, "ut-report-inject: redis: %s\n", c->errstr);
			return 1;
		}
		if (r->type == REDIS_REPLY_ERROR) {
			fprintf(stderr, "ut-report-inject: XADD: %s\n", r->str);
			bad = 1;
		}
		freeReplyObject(r);
	}
	redisFree(c);
	printf("%ld events\n", sent);
	return bad;
}
