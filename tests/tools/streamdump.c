/* ut-streamdump: prints every event in a daemon's stream as "<stream id> <event id> <type> <ts_ms>",
 * the type by its name in envelope.proto (a number only when the proto does not know it), so tests
 * can check that each event is there exactly once and in order, and benchmarks its age; an
 * EV_CADRES_IMPORTED line ends with how many cadres it registered and changed, an enrolment made
 * late (after the class started) with "late". */
#include "enrol.pb-c.h"
#include "envelope.pb-c.h"

#include <hiredis/hiredis.h>
#include <stdio.h>
#include <string.h>

static void print_type(const Ut__Envelope *env)
{
	const ProtobufCEnumValue *v =
		env ? protobuf_c_enum_descriptor_get_value(&ut__msg_type__descriptor, env->type) : NULL;
	if (v)
		printf(" %s", v->name);
	else
		printf(" %d", env ? (int)env->type : -1);
}

int main(int argc, char **argv)
{
	if (argc != 3 || !strcmp(argv[1], "--help")) {
		fprintf(stderr, "usage: ut-streamdump REDIS_SOCKET STREAM_KEY   (e.g. ut:ev:ut-schedd)\n");
		return 2;
	}
	redisContext *c = redisConnectUnix(argv[1]);
	if (!c || c->err) {
		fprintf(stderr, "ut-streamdump: %s: %s\n", argv[1], c ? c->errstr : "out of memory");
		return 3;
	}
	char start[64] = "-";
	for (;;) {
		redisReply *r = redisCommand(c, "XRANGE %s %s + COUNT 1000", argv[2], start);
		if (!r || r->type != REDIS_REPLY_ARRAY) {
			fprintf(stderr, "ut-streamdump: XRANGE failed\n");
			return 1;
		}
		if (r->elements == 0) {
			freeReplyObject(r);
			break;
		}
		for (size_t i = 0; i < r->elements; i++) {
			redisReply *e = r->element[i], *f = e->element[1];
			Ut__Envelope *env = NULL;
			for (size_t k = 0; k + 1 < f->elements; k += 2)
				if (!strcmp(f->element[k]->str, "d"))
					env = ut__envelope__unpack(NULL, f->element[k + 1]->len,
								   (const uint8_t *)f->element[k + 1]->str);
			printf("%s %s", e->element[0]->str, env ? env->id : "?");
			print_type(env);
			printf(" %lld", env ? (long long)env->ts_ms : -1LL);
			Ut__CadreBatch *b = env && env->type == UT__MSG_TYPE__EV_CADRES_IMPORTED
						    ? ut__cadre_batch__unpack(NULL, env->body.len, env->body.data)
						    : NULL;
			if (b)
				printf(" %zu %zu", b->n_registered, b->n_changed);
			Ut__Enrolment *en = env && env->type == UT__MSG_TYPE__EV_ENROL_CONFIRMED
						    ? ut__enrolment__unpack(NULL, env->body.len, env->body.data)
						    : NULL;
			if (en && en->late)
				printf(" late");
			if (en)
				ut__enrolment__free_unpacked(en, NULL);
			if (env && *env->actor) /* last, so the columns before keep their places */
				printf(" actor=%s", env->actor);
			printf("\n");
			if (b)
				ut__cadre_batch__free_unpacked(b, NULL);
			if (env)
				ut__envelope__free_unpacked(env, NULL);
			snprintf(start, sizeof start, "(%s", e->element[0]->str);
		}
		freeReplyObject(r);
	}
	redisFree(c);
	return 0;
}
