/* The parent side of the upward link: a CURVE ROUTER children connect to, and the ZAP handler that
 * lets in only registered child keys and binds each key to its child's node id (the User-Id every
 * message then carries). Runs in the link thread; state changes go through the daemon's requests. */
#include "link.h"
#include "ut/clock.h"
#include "ut/err.h"
#include "ut/log.h"

#include <stdlib.h>
#include <string.h>
#include <zmq.h>

int rp_down_open(rp_linkctx_t *l)
{
	int zero = 0, one = 1;
	int64_t maxmsg = 64LL << 20;
	if (!(l->zap = zmq_socket(l->ctx, ZMQ_REP)) || zmq_setsockopt(l->zap, ZMQ_LINGER, &zero, sizeof zero) ||
	    zmq_bind(l->zap, "inproc://zeromq.zap.01")) {
		ut_error("report link: cannot bind the ZAP handler: %s", zmq_strerror(zmq_errno()));
		return UT_EINTERNAL;
	}
	if (!(l->down = zmq_socket(l->ctx, ZMQ_ROUTER)) || zmq_setsockopt(l->down, ZMQ_LINGER, &zero, sizeof zero) ||
	    zmq_setsockopt(l->down, ZMQ_CURVE_SERVER, &one, sizeof one) ||
	    zmq_setsockopt(l->down, ZMQ_CURVE_SECRETKEY, l->sec, UT_CURVEKEY_LEN) ||
	    zmq_setsockopt(l->down, ZMQ_ZAP_DOMAIN, "ut-report", 9) ||
	    zmq_setsockopt(l->down, ZMQ_MAXMSGSIZE, &maxmsg, sizeof maxmsg) || zmq_bind(l->down, l->listen)) {
		ut_error("report link: cannot listen on %s: %s", l->listen, zmq_strerror(zmq_errno()));
		return UT_EINVAL;
	}
	ut_info("report link: children connect to %s (CURVE)", l->listen);
	return 0;
}

/* Receive every frame of one message; returns how many (at most max), the rest dropped. */
static int recv_frames(void *sock, zmq_msg_t *m, int max)
{
	int n = 0, more = 1;
	while (more) {
		zmq_msg_t x;
		zmq_msg_init(&x);
		if (zmq_msg_recv(&x, sock, 0) < 0) {
			zmq_msg_close(&x);
			break;
		}
		more = zmq_msg_more(&x);
		if (n < max)
			m[n++] = x;
		else
			zmq_msg_close(&x);
	}
	return n;
}

static void close_frames(zmq_msg_t *m, int n)
{
	for (int i = 0; i < n; i++)
		zmq_msg_close(&m[i]);
}

/* ZAP (RFC 27): version, request id, domain, address, identity, mechanism, credentials. */
void rp_down_zap(rp_linkctx_t *l)
{
	zmq_msg_t f[8];
	int n = recv_frames(l->zap, f, 8);
	const char *status = "400", *text = "unknown key";
	char user[128] = "", key[UT_CURVEKEY_LEN + 1] = "";
	if (n >= 7 && zmq_msg_size(&f[5]) == 5 && !memcmp(zmq_msg_data(&f[5]), "CURVE", 5) && zmq_msg_size(&f[6]) == 32) {
		zmq_z85_encode(key, zmq_msg_data(&f[6]), 32);
		Ut__KeyQuery q = UT__KEY_QUERY__INIT;
		q.public_key = key;
		Ut__Envelope *r = NULL;
		int rc = ut_rpc_call(l->self, UT__MSG_TYPE__MSG_REPORT_KEY_LOOKUP, &q.base, &r);
		Ut__Child *c = !rc && r->status == UT__STATUS__STATUS_OK ? ut__child__unpack(NULL, r->body.len, r->body.data) : NULL;
		if (c && *c->node) {
			snprintf(user, sizeof user, "%s", c->node);
			status = "200";
			text = "OK";
		} else if (rc)
			text = "parent busy";
		if (c)
			ut__child__free_unpacked(c, NULL);
		if (r)
			ut__envelope__free_unpacked(r, NULL);
	}
	if (*status == '2')
		ut_info("report link: key %s accepted as child %s", key, user);
	else
		ut_warn("report link: connection with key %s refused: %s", *key ? key : "(none)", text);
	if (n >= 2) {
		zmq_send(l->zap, "1.0", 3, ZMQ_SNDMORE);
		zmq_send(l->zap, zmq_msg_data(&f[1]), zmq_msg_size(&f[1]), ZMQ_SNDMORE);
		zmq_send(l->zap, status, 3, ZMQ_SNDMORE);
		zmq_send(l->zap, text, strlen(text), ZMQ_SNDMORE);
		zmq_send(l->zap, user, strlen(user), ZMQ_SNDMORE);
		zmq_send(l->zap, "", 0, 0);
	} else if (n) {
		/* malformed: a REP socket must still answer once */
		zmq_send(l->zap, "", 0, 0);
	}
	close_frames(f, n);
}

static void answer(rp_linkctx_t *l, zmq_msg_t *route, const char *id, int status, const char *message,
		   const uint8_t *body, size_t len)
{
	Ut__Envelope e = UT__ENVELOPE__INIT;
	e.id = (char *)(id ? id : "");
	e.type = UT__MSG_TYPE__MSG_REPLY;
	e.node = l->node;
	e.ts_ms = ut_clock_now_ms();
	e.status = status;
	e.message = (char *)message;
	e.body.data = (uint8_t *)body;
	e.body.len = len;
	size_t n = ut__envelope__get_packed_size(&e);
	uint8_t *buf = malloc(n ? n : 1);
	if (!buf)
		return;
	ut__envelope__pack(&e, buf);
	if (zmq_send(l->down, zmq_msg_data(route), zmq_msg_size(route), ZMQ_SNDMORE | ZMQ_DONTWAIT) >= 0)
		zmq_send(l->down, buf, n, ZMQ_DONTWAIT);
	free(buf);
}

/* A child's snapshot: the node id is the one ZAP bound to its key, whatever the snapshot says. */
void rp_down_recv(rp_linkctx_t *l)
{
	zmq_msg_t f[2];
	int n = recv_frames(l->down, f, 2);
	if (n < 2) {
		close_frames(f, n);
		return;
	}
	const char *user = zmq_msg_gets(&f[1], "User-Id");
	Ut__Envelope *env = ut__envelope__unpack(NULL, zmq_msg_size(&f[1]), zmq_msg_data(&f[1]));
	Ut__Snapshot *sn = env && env->type == UT__MSG_TYPE__MSG_REPORT_SNAPSHOT_PUT
				   ? ut__snapshot__unpack(NULL, env->body.len, env->body.data)
				   : NULL;
	if (!user || !*user)
		answer(l, &f[0], env ? env->id : "", UT__STATUS__STATUS_INVALID, "refused: the key is not registered", NULL, 0);
	else if (!sn)
		answer(l, &f[0], env ? env->id : "", UT__STATUS__STATUS_INVALID, "expected a snapshot", NULL, 0);
	else {
		Ut__SnapshotPut p = UT__SNAPSHOT_PUT__INIT;
		p.node = (char *)user;
		p.snapshot = sn;
		Ut__Envelope *r = NULL;
		int rc = ut_rpc_call(l->self, UT__MSG_TYPE__MSG_REPORT_SNAPSHOT_PUT, &p.base, &r);
		if (rc)
			answer(l, &f[0], env->id, UT__STATUS__STATUS_UNAVAILABLE, "parent busy; send again later", NULL, 0);
		else {
			if (r->status != UT__STATUS__STATUS_OK)
				ut_warn("report link: snapshot from %s refused: %s", user, r->message);
			answer(l, &f[0], env->id, r->status, r->message, r->body.data, r->body.len);
		}
		if (r)
			ut__envelope__free_unpacked(r, NULL);
	}
	if (sn)
		ut__snapshot__free_unpacked(sn, NULL);
	if (env)
		ut__envelope__free_unpacked(env, NULL);
	close_frames(f, n);
}
