/* ut-rawsend: sends hand-made (often broken) frames to a daemon and prints its reply, so the
 * bad-input tests can check that every frame gets exactly one sensible answer. */
#include "envelope.pb-c.h"
#include "sched.pb-c.h"
#include "ut/err.h"
#include "ut/rpc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zmq.h>

static void usage(void)
{
	fprintf(stderr, "usage: ut-rawsend ENDPOINT garbage N | empty | type T | body T BYTES | size N | frames K | truncated\n"
			"       ut-rawsend ENDPOINT course CODE TITLE CATEGORY | class COURSE START END [VENUE]\n"
			"T is a message type by name (MSG_STATUS) or a number.\n"
			"Prints \"<status> <message>\" of the reply; exit 3 when none comes in 3 s.\n");
	exit(2);
}

/* A message type by its name in envelope.proto (MSG_STATUS) or, for types no daemon knows, a number. */
static int type_arg(const char *arg)
{
	const ProtobufCEnumValue *v = protobuf_c_enum_descriptor_get_value_by_name(&ut__msg_type__descriptor, arg);
	return v ? v->value : atoi(arg);
}

static size_t envelope(int type, const unsigned char *body, size_t len, unsigned char **out)
{
	Ut__Envelope e = UT__ENVELOPE__INIT;
	e.id = "raw-1";
	e.type = type;
	e.node = "";
	e.body.data = (uint8_t *)body;
	e.body.len = len;
	size_t n = ut__envelope__get_packed_size(&e);
	*out = malloc(n + 1);
	ut__envelope__pack(&e, *out);
	return n;
}

/* An envelope around a message packed without any of utctl's checks. */
static size_t pack(int type, const ProtobufCMessage *m, unsigned char **out)
{
	size_t n = protobuf_c_message_get_packed_size(m);
	unsigned char *b = malloc(n + 1);
	protobuf_c_message_pack(m, b);
	size_t len = envelope(type, b, n, out);
	free(b);
	return len;
}

int main(int argc, char **argv)
{
	if (argc < 3)
		usage();
	void *ctx = zmq_ctx_new(), *s = zmq_socket(ctx, ZMQ_DEALER);
	int linger = 0;
	zmq_setsockopt(s, ZMQ_LINGER, &linger, sizeof linger);
	if (zmq_connect(s, argv[1]) != 0)
		usage();
	const char *mode = argv[2];
	unsigned char *payload = NULL;
	size_t len = 0;
	int extra = 0;
	srand(42);
	if (!strcmp(mode, "garbage") && argc == 4) {
		len = (size_t)atol(argv[3]);
		payload = malloc(len + 1);
		for (size_t i = 0; i < len; i++)
			payload[i] = (unsigned char)(rand() | 0x80); /* never a valid field key start */
	} else if (!strcmp(mode, "empty")) {
		payload = malloc(1);
	} else if (!strcmp(mode, "type") && argc == 4) {
		len = envelope(type_arg(argv[3]), NULL, 0, &payload);
	} else if (!strcmp(mode, "body") && argc == 5) {
		len = envelope(type_arg(argv[3]), (const unsigned char *)argv[4], strlen(argv[4]), &payload);
	} else if (!strcmp(mode, "size") && argc == 4) {
		size_t n = (size_t)atol(argv[3]);
		unsigned char *big = calloc(1, n + 1);
		len = envelope(UT__MSG_TYPE__MSG_STATUS, big, n, &payload);
		free(big);
	} else if (!strcmp(mode, "frames") && argc == 4) {
		extra = atoi(argv[3]);
		len = envelope(UT__MSG_TYPE__MSG_STATUS, NULL, 0, &payload);
	} else if (!strcmp(mode, "course") && argc == 6) {
		Ut__Course c = UT__COURSE__INIT;
		c.code = argv[3];
		c.title = argv[4];
		c.category = argv[5];
		len = pack(UT__MSG_TYPE__MSG_COURSE_ADD, &c.base, &payload);
	} else if (!strcmp(mode, "class") && (argc == 6 || argc == 7)) {
		Ut__Class c = UT__CLASS__INIT;
		Ut__Session x = UT__SESSION__INIT, *xs = &x;
		Ut__ClassAdd add = UT__CLASS_ADD__INIT;
		c.course_code = argv[3];
		c.capacity = 30;
		x.starts_at = atoll(argv[4]);
		x.ends_at = atoll(argv[5]);
		x.venue_id = argc == 7 ? atoll(argv[6]) : 0;
		add.cls = &c;
		add.n_sessions = 1;
		add.sessions = &xs;
		len = pack(UT__MSG_TYPE__MSG_CLASS_ADD, &add.base, &payload);
	} else if (!strcmp(mode, "truncated")) {
		len = envelope(UT__MSG_TYPE__MSG_STATUS, (const unsigned char *)"0123456789", 10, &payload);
		len -= 5;
	} else
		usage();
	zmq_send(s, "", 0, ZMQ_SNDMORE);
	for (int i = 0; i < extra; i++)
		zmq_send(s, "x", 1, ZMQ_SNDMORE);
	zmq_send(s, payload, len, 0);
	free(payload);
	zmq_pollitem_t it = {s, 0, ZMQ_POLLIN, 0};
	int rc = 3;
	if (zmq_poll(&it, 1, 3000) == 1) {
		Ut__Envelope *r;
		ut_rpc_recv_envelope(s, 0, &r);
		if (r) {
			printf("%s %s\n", ut_status_name(r->status), r->message);
			ut__envelope__free_unpacked(r, NULL);
			rc = 0;
		} else {
			printf("unreadable reply\n");
			rc = 1;
		}
	} else
		printf("no reply\n");
	zmq_close(s);
	zmq_ctx_term(ctx);
	return rc;
}
