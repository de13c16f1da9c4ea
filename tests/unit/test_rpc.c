/* Tests common/src/rpc.c: ROUTER server and DEALER client over ipc, one reply per frame, timeouts. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <zmq.h>

#include "testutil.h"
#include "ut/clock.h"
#include "ut/err.h"
#include "ut/log.h"
#include "ut/rpc.h"

#define MAX_REQUEST 1024
#define TYPE_ECHO UT__MSG_TYPE__MSG_STATUS /* the test server echoes the body */
#define TYPE_SILENT 7001                   /* never answered (a hung daemon) */
#define TYPE_SLOW 7002                     /* answered after 300 ms */

static char *tmp;
static char endpoint[128];
static void *zctx;
static ut_rpc_server_t *server;
static pthread_t server_thread;
static atomic_int stop;
static atomic_int served; /* replies about to be sent: counted first, so a client that has its reply sees its count */
static atomic_int bad_seen;

/* Everything a test opens is registered, so that teardown can close what a failed assertion
 * left open: zmq_ctx_term would otherwise wait for it forever. */
#define MAXOPEN 32
static void *raw_open[MAXOPEN];
static ut_rpc_client_t *clients_open[MAXOPEN];

static void sleep_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
	nanosleep(&ts, NULL);
}

/* The daemon side, as service.c does it: every received frame gets exactly one reply. */
static void *serve(void *arg)
{
	(void)arg;
	void *sock = ut_rpc_server_socket(server);
	while (!atomic_load(&stop)) {
		zmq_pollitem_t it = {sock, 0, ZMQ_POLLIN, 0};
		if (zmq_poll(&it, 1, 20) <= 0)
			continue;
		ut_rpc_req_t req;
		while (ut_rpc_server_recv(server, &req) == 1) {
			ut_reply_t rep = {0};
			if (req.bad) {
				atomic_fetch_add(&bad_seen, 1);
				ut_reply_err(&rep, UT_EINVAL, "%s (%zu bytes)", req.bad, req.size);
			} else if (req.env->type == TYPE_SILENT) {
				ut_rpc_req_clear(&req);
				continue;
			} else if (req.env->type == TYPE_ECHO) {
				rep.body = malloc(req.env->body.len ? req.env->body.len : 1);
				if (req.env->body.len)
					memcpy(rep.body, req.env->body.data, req.env->body.len);
				rep.body_len = req.env->body.len;
			} else if (req.env->type == TYPE_SLOW) {
				sleep_ms(300);
				ut_reply_err(&rep, UT_OK, "slow");
			} else
				ut_reply_err(&rep, UT_EINVAL, "type %d not handled", req.env->type);
			atomic_fetch_add(&served, 1);
			ut_rpc_server_reply(server, &req, "test-node", &rep);
			ut_reply_clear(&rep);
			ut_rpc_req_clear(&req);
		}
		ut_rpc_server_batch_done(server);
	}
	return NULL;
}

static int setup(void **state)
{
	(void)state;
	ut_log_init("test_rpc", UT_LOG_WARN);
	tmp = tu_tmpdir();
	if (!tmp)
		return -1;
	snprintf(endpoint, sizeof endpoint, "ipc://%s/t.sock", tmp);
	zctx = zmq_ctx_new();
	server = ut_rpc_server_new(zctx, endpoint, MAX_REQUEST);
	if (!server)
		return -1;
	atomic_store(&stop, 0);
	return pthread_create(&server_thread, NULL, serve, NULL) == 0 ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	for (int i = 0; i < MAXOPEN; i++) {
		if (raw_open[i])
			zmq_close(raw_open[i]);
		ut_rpc_client_destroy(&clients_open[i]);
	}
	atomic_store(&stop, 1);
	pthread_join(server_thread, NULL);
	ut_rpc_server_destroy(&server);
	zmq_ctx_term(zctx);
	tu_rmrf(tmp);
	free(tmp);
	return 0;
}

/* A raw socket of `type` connected to the server, with a receive timeout. */
static void *raw_socket(int type)
{
	void *s = zmq_socket(zctx, type);
	assert_non_null(s);
	int linger = 0, rcvto = 2000;
	zmq_setsockopt(s, ZMQ_LINGER, &linger, sizeof linger);
	zmq_setsockopt(s, ZMQ_RCVTIMEO, &rcvto, sizeof rcvto);
	assert_int_equal(zmq_connect(s, endpoint), 0);
	for (int i = 0; i < MAXOPEN; i++)
		if (!raw_open[i]) {
			raw_open[i] = s;
			return s;
		}
	fail_msg("too many open sockets");
	return NULL;
}

static void raw_close(void *s)
{
	for (int i = 0; i < MAXOPEN; i++)
		if (raw_open[i] == s)
			raw_open[i] = NULL;
	zmq_close(s);
}

static ut_rpc_client_t *client(const char *ep, int timeout_ms)
{
	ut_rpc_client_t *c = ut_rpc_client_new(zctx, ep, timeout_ms);
	assert_non_null(c);
	for (int i = 0; i < MAXOPEN; i++)
		if (!clients_open[i]) {
			clients_open[i] = c;
			return c;
		}
	fail_msg("too many open clients");
	return NULL;
}

static void client_done(ut_rpc_client_t **c)
{
	for (int i = 0; i < MAXOPEN; i++)
		if (clients_open[i] == *c)
			clients_open[i] = NULL;
	ut_rpc_client_destroy(c);
	assert_null(*c);
}

/* Receive a whole message; returns the last frame's envelope (NULL if it does not decode) and
 * the number of frames. */
static Ut__Envelope *recv_reply(void *s, int *nframes)
{
	zmq_msg_t m;
	zmq_msg_init(&m);
	Ut__Envelope *env = NULL;
	int more = 1, n = 0;
	while (more) {
		if (zmq_msg_recv(&m, s, 0) < 0)
			fail_msg("no reply within 2 s: %s", zmq_strerror(zmq_errno()));
		n++;
		more = zmq_msg_more(&m);
		if (!more)
			env = ut__envelope__unpack(NULL, zmq_msg_size(&m), zmq_msg_data(&m));
	}
	zmq_msg_close(&m);
	if (nframes)
		*nframes = n;
	return env;
}

static size_t pack_env(const char *id, int type, const void *body, size_t len, unsigned char **out)
{
	Ut__Envelope env = UT__ENVELOPE__INIT;
	env.id = (char *)id;
	env.type = type;
	env.node = "client";
	env.body.data = (uint8_t *)body;
	env.body.len = len;
	size_t n = ut__envelope__get_packed_size(&env);
	*out = malloc(n ? n : 1);
	ut__envelope__pack(&env, *out);
	return n;
}

static void test_call_echo(void **state)
{
	(void)state;
	ut_rpc_client_t *c = client(endpoint, 2000);
	assert_non_null(c);
	for (int i = 0; i < 20; i++) {
		char body[64];
		int n = snprintf(body, sizeof body, "request %d 培训", i);
		Ut__Envelope *r = NULL;
		assert_int_equal(ut_rpc_call_raw(c, TYPE_ECHO, (unsigned char *)body, (size_t)n, &r), 0);
		assert_non_null(r);
		assert_int_equal(r->status, UT__STATUS__STATUS_OK);
		assert_int_equal(r->type, UT__MSG_TYPE__MSG_REPLY);
		assert_string_equal(r->node, "test-node");
		assert_true(r->ts_ms > 0);
		assert_int_equal(r->body.len, (size_t)n);
		assert_memory_equal(r->body.data, body, (size_t)n);
		assert_true(strlen(r->id) > 0);
		ut__envelope__free_unpacked(r, NULL);
	}
	/* a packed message as body, unpacked again with ut_rpc_body */
	Ut__StatusReply sr = UT__STATUS_REPLY__INIT;
	sr.daemon = "ut-schedd";
	sr.uptime_s = 77;
	Ut__Envelope *r = NULL;
	assert_int_equal(ut_rpc_call(c, TYPE_ECHO, &sr.base, &r), 0);
	ut_reply_t rep = {0};
	Ut__StatusReply *back = ut_rpc_body(r, &ut__status_reply__descriptor, &rep);
	assert_non_null(back);
	assert_string_equal(back->daemon, "ut-schedd");
	assert_int_equal(back->uptime_s, 77);
	protobuf_c_message_free_unpacked(&back->base, NULL);
	ut__envelope__free_unpacked(r, NULL);
	/* no body at all */
	assert_int_equal(ut_rpc_call(c, TYPE_ECHO, NULL, &r), 0);
	assert_int_equal(r->status, UT__STATUS__STATUS_OK);
	assert_int_equal(r->body.len, 0);
	ut__envelope__free_unpacked(r, NULL);
	/* the server reports unknown types in its reply */
	assert_int_equal(ut_rpc_call_raw(c, 4242, NULL, 0, &r), 0);
	assert_int_equal(r->status, UT__STATUS__STATUS_INVALID);
	assert_string_equal(r->message, "type 4242 not handled");
	ut__envelope__free_unpacked(r, NULL);
	/* with a limit, a payload over it is refused unsent; one under it goes */
	ut_rpc_client_limit(c, 200);
	unsigned char big[300] = {0};
	int before = atomic_load(&served);
	assert_int_equal(ut_rpc_call_raw(c, TYPE_ECHO, big, sizeof big, &r), UT_EINVAL);
	assert_null(r);
	assert_int_equal(ut_rpc_call_raw(c, TYPE_ECHO, big, 100, &r), 0);
	assert_int_equal(r->body.len, 100);
	ut__envelope__free_unpacked(r, NULL);
	assert_int_equal(atomic_load(&served), before + 1); /* only the second reached the server */
	client_done(&c);
}

/* A raw DEALER chooses its own id: the reply echoes exactly that id. */
static void test_reply_echoes_id(void **state)
{
	(void)state;
	void *d = raw_socket(ZMQ_DEALER);
	const char *ids[] = {"req-42", "Nguyễn/1", "x"};
	for (size_t i = 0; i < 3; i++) {
		unsigned char *buf;
		size_t n = pack_env(ids[i], TYPE_ECHO, "hi", 2, &buf);
		assert_int_equal(zmq_send(d, "", 0, ZMQ_SNDMORE), 0);
		assert_int_equal(zmq_send(d, buf, n, 0), (int)n);
		free(buf);
		int frames;
		Ut__Envelope *r = recv_reply(d, &frames);
		assert_int_equal(frames, 2); /* delimiter + envelope */
		assert_non_null(r);
		assert_string_equal(r->id, ids[i]);
		assert_int_equal(r->status, UT__STATUS__STATUS_OK);
		ut__envelope__free_unpacked(r, NULL);
	}
	/* a bare DEALER (no delimiter) is answered with the envelope alone */
	unsigned char *buf;
	size_t n = pack_env("bare-1", TYPE_ECHO, "x", 1, &buf);
	assert_int_equal(zmq_send(d, buf, n, 0), (int)n);
	free(buf);
	int frames;
	Ut__Envelope *r = recv_reply(d, &frames);
	assert_int_equal(frames, 1);
	assert_string_equal(r->id, "bare-1");
	ut__envelope__free_unpacked(r, NULL);
	raw_close(d);
}

static void expect_invalid(void *d, const void *payload, size_t len, int delimiter, const char *message)
{
	int before = atomic_load(&bad_seen);
	if (delimiter)
		assert_int_equal(zmq_send(d, "", 0, ZMQ_SNDMORE), 0);
	assert_int_equal(zmq_send(d, payload, len, 0), (int)len);
	Ut__Envelope *r = recv_reply(d, NULL);
	assert_non_null(r);
	assert_int_equal(r->status, UT__STATUS__STATUS_INVALID);
	assert_int_equal(r->type, UT__MSG_TYPE__MSG_REPLY);
	assert_string_equal(r->id, "");
	if (strcmp(r->message, message) != 0)
		fail_msg("message \"%s\", want \"%s\"", r->message, message);
	ut__envelope__free_unpacked(r, NULL);
	assert_int_equal(atomic_load(&bad_seen), before + 1);
}

static void test_malformed_payloads(void **state)
{
	(void)state;
	void *d = raw_socket(ZMQ_DEALER);
	const unsigned char garbage[] = {0xff, 0xff, 0xff, 0xff, 0x0f, 0x07, 0x00};
	expect_invalid(d, garbage, sizeof garbage, 1, "malformed envelope (7 bytes)");
	expect_invalid(d, garbage, sizeof garbage, 0, "malformed envelope (7 bytes)");
	/* a length-delimited field claiming more bytes than there are */
	const unsigned char truncated[] = {0x0a, 0x50, 'a', 'b'};
	expect_invalid(d, truncated, sizeof truncated, 1, "malformed envelope (4 bytes)");
	expect_invalid(d, "", 0, 1, "empty request (0 bytes)");
	expect_invalid(d, "", 0, 0, "empty request (0 bytes)");

	/* over max_request but under the transport limit: refused with a reply */
	unsigned char *body = calloc(1, 2000), *buf;
	size_t n = pack_env("too-big", TYPE_ECHO, body, 2000, &buf);
	char want[64];
	snprintf(want, sizeof want, "request too large (%zu bytes)", n);
	expect_invalid(d, buf, n, 1, want);
	free(buf);
	free(body);
	/* exactly max_request is answered normally */
	body = calloc(1, MAX_REQUEST);
	size_t blen = MAX_REQUEST - 32;
	for (;;) {
		n = pack_env("at-limit", TYPE_ECHO, body, blen, &buf);
		if (n == MAX_REQUEST)
			break;
		free(buf);
		blen += MAX_REQUEST - n;
	}
	assert_int_equal(zmq_send(d, "", 0, ZMQ_SNDMORE), 0);
	assert_int_equal(zmq_send(d, buf, n, 0), (int)n);
	Ut__Envelope *r = recv_reply(d, NULL);
	assert_int_equal(r->status, UT__STATUS__STATUS_OK);
	assert_string_equal(r->id, "at-limit");
	ut__envelope__free_unpacked(r, NULL);
	free(buf);
	free(body);

	/* more routing frames than the server keeps: still exactly one (invalid) reply */
	for (int i = 0; i < UT_RPC_MAX_ROUTE + 2; i++)
		assert_int_equal(zmq_send(d, "r", 1, ZMQ_SNDMORE), 1);
	n = pack_env("many-frames", TYPE_ECHO, "x", 1, &buf);
	int before = atomic_load(&bad_seen);
	assert_int_equal(zmq_send(d, buf, n, 0), (int)n);
	free(buf);
	r = recv_reply(d, NULL);
	assert_non_null(r);
	assert_int_equal(r->status, UT__STATUS__STATUS_INVALID);
	assert_non_null(strstr(r->message, "too many frames"));
	ut__envelope__free_unpacked(r, NULL);
	assert_int_equal(atomic_load(&bad_seen), before + 1);
	raw_close(d);

	/* the client API gets the same answer for a body over the limit */
	ut_rpc_client_t *c = client(endpoint, 2000);
	body = calloc(1, 3000);
	assert_int_equal(ut_rpc_call_raw(c, TYPE_ECHO, body, 3000, &r), 0);
	assert_int_equal(r->status, UT__STATUS__STATUS_INVALID);
	assert_non_null(strstr(r->message, "request too large"));
	ut__envelope__free_unpacked(r, NULL);
	free(body);
	client_done(&c);
}

/* A frame past the transport limit (4 x max_request + 4096) drops that peer's connection; the
 * server lives on and answers others. */
static void test_oversized_frame_dropped(void **state)
{
	(void)state;
	ut_rpc_client_t *big = client(endpoint, 300);
	unsigned char *body = calloc(1, 5 * MAX_REQUEST + 4096);
	Ut__Envelope *r = NULL;
	assert_int_equal(ut_rpc_call_raw(big, TYPE_ECHO, body, 5 * MAX_REQUEST + 4096, &r), UT_ETIMEOUT);
	assert_null(r);
	free(body);
	client_done(&big);

	ut_rpc_client_t *c = client(endpoint, 2000);
	assert_int_equal(ut_rpc_call_raw(c, TYPE_ECHO, (const unsigned char *)"ok", 2, &r), 0);
	assert_int_equal(r->status, UT__STATUS__STATUS_OK);
	ut__envelope__free_unpacked(r, NULL);
	client_done(&c);
}

static void test_req_socket(void **state)
{
	(void)state;
	void *q = raw_socket(ZMQ_REQ);
	for (int i = 0; i < 3; i++) {
		char id[32];
		snprintf(id, sizeof id, "req-sock-%d", i);
		unsigned char *buf;
		size_t n = pack_env(id, TYPE_ECHO, id, strlen(id), &buf);
		assert_int_equal(zmq_send(q, buf, n, 0), (int)n);
		free(buf);
		int frames;
		Ut__Envelope *r = recv_reply(q, &frames);
		assert_int_equal(frames, 1); /* REQ strips the delimiter */
		assert_non_null(r);
		assert_string_equal(r->id, id);
		assert_int_equal(r->status, UT__STATUS__STATUS_OK);
		assert_memory_equal(r->body.data, id, strlen(id));
		ut__envelope__free_unpacked(r, NULL);
	}
	/* garbage from a REQ peer is answered too, so the REQ socket can send again */
	assert_int_equal(zmq_send(q, "\xff\xff", 2, 0), 2);
	Ut__Envelope *r = recv_reply(q, NULL);
	assert_int_equal(r->status, UT__STATUS__STATUS_INVALID);
	ut__envelope__free_unpacked(r, NULL);
	raw_close(q);
}

static void test_timeout(void **state)
{
	(void)state;
	/* nobody listening at all */
	char nowhere[160];
	snprintf(nowhere, sizeof nowhere, "ipc://%s/nobody.sock", tmp);
	ut_rpc_client_t *c = client(nowhere, 200);
	assert_non_null(c);
	Ut__Envelope *r = (Ut__Envelope *)1;
	int64_t t0 = ut_clock_mono_ms();
	assert_int_equal(ut_rpc_call_raw(c, TYPE_ECHO, NULL, 0, &r), UT_ETIMEOUT);
	int64_t took = ut_clock_mono_ms() - t0;
	assert_null(r);
	assert_true(took >= 190 && took < 1500);
	client_done(&c);

	/* a server that never answers this request */
	c = client(endpoint, 200);
	t0 = ut_clock_mono_ms();
	assert_int_equal(ut_rpc_call_raw(c, TYPE_SILENT, NULL, 0, &r), UT_ETIMEOUT);
	took = ut_clock_mono_ms() - t0;
	assert_true(took >= 190 && took < 1500);

	/* a late reply to a timed-out request is not taken for the next request's reply */
	ut_rpc_client_t *slow = client(endpoint, 100);
	assert_int_equal(ut_rpc_call_raw(slow, TYPE_SLOW, NULL, 0, &r), UT_ETIMEOUT);
	sleep_ms(400); /* the late reply is now waiting in the socket */
	assert_int_equal(ut_rpc_call_raw(slow, TYPE_ECHO, (const unsigned char *)"fresh", 5, &r), 0);
	assert_int_equal(r->status, UT__STATUS__STATUS_OK);
	assert_string_equal(r->message, "");
	assert_int_equal(r->body.len, 5);
	assert_memory_equal(r->body.data, "fresh", 5);
	ut__envelope__free_unpacked(r, NULL);
	client_done(&slow);
	client_done(&c);
}

static void test_reply_helpers(void **state)
{
	(void)state;
	ut_reply_t rep = {0};
	assert_int_equal(ut_reply_err(&rep, UT_ECONFLICT, "room %s is booked", "A-101"), UT_ECONFLICT);
	assert_int_equal(rep.status, UT__STATUS__STATUS_CONFLICT);
	assert_string_equal(rep.message, "room A-101 is booked");
	Ut__StatusReply sr = UT__STATUS_REPLY__INIT;
	sr.node = "cn-bj";
	assert_int_equal(ut_reply_body(&rep, &sr.base), 0);
	assert_non_null(rep.body);
	assert_int_equal(rep.body_len, ut__status_reply__get_packed_size(&sr));
	assert_int_equal(ut_reply_body(&rep, &sr.base), 0); /* replacing frees the old body */
	ut_reply_clear(&rep);
	assert_null(rep.body);
	assert_int_equal(rep.status, 0);
	assert_string_equal(rep.message, "");

	/* a body that does not decode as the named message */
	Ut__Envelope env = UT__ENVELOPE__INIT;
	env.body.data = (uint8_t *)"\xff\xff\xff";
	env.body.len = 3;
	assert_null(ut_rpc_body(&env, &ut__status_reply__descriptor, &rep));
	assert_int_equal(rep.status, UT__STATUS__STATUS_INVALID);
	assert_string_equal(rep.message, "malformed StatusReply in a 3-byte body");
	ut_reply_clear(&rep);

	/* an endpoint that cannot be bound gives no server */
	assert_null(ut_rpc_server_new(zctx, "tcp://256.0.0.1:1", 10));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_call_echo),
		cmocka_unit_test(test_reply_echoes_id),
		cmocka_unit_test(test_malformed_payloads),
		cmocka_unit_test(test_oversized_frame_dropped),
		cmocka_unit_test(test_req_socket),
		cmocka_unit_test(test_timeout),
		cmocka_unit_test(test_reply_helpers),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
