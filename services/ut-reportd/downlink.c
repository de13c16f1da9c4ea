/* The parent side of the upward link: a CURVE ROUTER children connect to, and the ZAP handler that
 * lets in only registered child keys and gives each connection its key as User-Id. The daemon finds
 * the key's node for every snapshot, so a key rotated or removed while its connection stays open is
 * refused from its next snapshot on. Runs in the link thread; state changes go through the daemon's
 * requests, the snapshots that arrived together forwarded together so the daemon stores them in one
 * commit. */
#include "link.h"
#include "ut/clock.h"
#include "ut/err.h"
#include "ut/log.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zmq.h>

/* Snapshots forwarded at once at most, and how long the daemon has to answer them. */
#define FWD_MAX 64
#define FWD_TIMEOUT_MS 2000
/* What CURVE adds to a message (the MESSAGE command, nonce and box), counted by ZMQ_MAXMSGSIZE. */
#define CURVE_OVERHEAD 256
/* Messages queued per child: one child sends one snapshot and waits for its answer. */
#define DOWN_RCVHWM 4

int rp_down_open(rp_linkctx_t *l)
{
	int zero = 0, one = 1, hwm = DOWN_RCVHWM;
	/* larger than the daemon takes (plus CURVE's own framing), libzmq drops the connection before
	 * reading it all; up to it, the link reads it and answers (forward) */
	int64_t maxmsg = (int64_t)l->max_msg + CURVE_OVERHEAD;
	if (!(l->zap = zmq_socket(l->ctx, ZMQ_REP)) || zmq_setsockopt(l->zap, ZMQ_LINGER, &zero, sizeof zero) ||
	    zmq_bind(l->zap, "inproc://zeromq.zap.01")) {
		ut_error("report link: cannot bind the ZAP handler: %s", zmq_strerror(zmq_errno()));
		return UT_EINTERNAL;
	}
	if (!(l->down = zmq_socket(l->ctx, ZMQ_ROUTER)) || zmq_setsockopt(l->down, ZMQ_LINGER, &zero, sizeof zero) ||
	    zmq_setsockopt(l->down, ZMQ_CURVE_SERVER, &one, sizeof one) ||
	    zmq_setsockopt(l->down, ZMQ_CURVE_SECRETKEY, l->sec, UT_CURVEKEY_LEN) ||
	    zmq_setsockopt(l->down, ZMQ_ZAP_DOMAIN, "ut-report", 9) ||
	    zmq_setsockopt(l->down, ZMQ_MAXMSGSIZE, &maxmsg, sizeof maxmsg) ||
	    zmq_setsockopt(l->down, ZMQ_RCVHWM, &hwm, sizeof hwm) || zmq_bind(l->down, l->listen)) {
		ut_error("report link: cannot listen on %s: %s", l->listen, zmq_strerror(zmq_errno()));
		return UT_EINVAL;
	}
	if (!(l->fwd = zmq_socket(l->ctx, ZMQ_DEALER)) || zmq_setsockopt(l->fwd, ZMQ_LINGER, &zero, sizeof zero) ||
	    zmq_connect(l->fwd, l->self_ep)) {
		ut_error("report link: cannot reach the daemon's socket %s: %s", l->self_ep, zmq_strerror(zmq_errno()));
		return UT_EINTERNAL;
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

int64_t rp_down_due(const rp_linkctx_t *l)
{
	return l->nrefused || l->refused_other ? l->refused_logged + l->refused_log_ms : 0;
}

/* One line for every refusal since the last: a client retrying without end costs a line a period. */
void rp_down_tick(rp_linkctx_t *l, int64_t now)
{
	if (!rp_down_due(l) || now < rp_down_due(l))
		return;
	char line[1024];
	size_t n = 0;
	int64_t total = l->refused_other;
	for (int i = 0; i < l->nrefused; i++) {
		const rp_refusal_t *r = &l->refused[i];
		total += r->n;
		if (n < sizeof line)
			n += (size_t)snprintf(line + n, sizeof line - n, "%s key %s from %s (%lld)", i ? ";" : "", r->key,
					      r->addr, (long long)r->n);
	}
	if (l->refused_other && n < sizeof line)
		snprintf(line + n, sizeof line - n, "; others (%lld)", (long long)l->refused_other);
	ut_warn("report link: %lld connections refused, unknown keys:%s", (long long)total, line);
	l->nrefused = 0;
	l->refused_other = 0;
	l->refused_logged = now;
}

static void refusal(rp_linkctx_t *l, const char *key, const char *addr)
{
	int i = 0;
	while (i < l->nrefused && (strcmp(l->refused[i].key, key) || strcmp(l->refused[i].addr, addr)))
		i++;
	if (i == l->nrefused && i < RP_REFUSALS) {
		snprintf(l->refused[i].key, sizeof l->refused[i].key, "%s", key);
		snprintf(l->refused[i].addr, sizeof l->refused[i].addr, "%s", addr);
		l->refused[i].n = 0;
		l->nrefused++;
	}
	if (i < l->nrefused)
		l->refused[i].n++;
	else
		l->refused_other++;
	rp_down_tick(l, ut_clock_mono_ms()); /* the first one after a quiet period at once */
}

/* ZAP (RFC 27): version, request id, domain, address, identity, mechanism, credentials. */
void rp_down_zap(rp_linkctx_t *l)
{
	zmq_msg_t f[8];
	int n = recv_frames(l->zap, f, 8);
	const char *status = "400", *text = "unknown key";
	char user[128] = "", node[128] = "", key[UT_CURVEKEY_LEN + 1] = "";
	if (n >= 7 && zmq_msg_size(&f[5]) == 5 && !memcmp(zmq_msg_data(&f[5]), "CURVE", 5) && zmq_msg_size(&f[6]) == 32) {
		zmq_z85_encode(key, zmq_msg_data(&f[6]), 32);
		Ut__KeyQuery q = UT__KEY_QUERY__INIT;
		q.public_key = key;
		Ut__Envelope *r = NULL;
		int rc = ut_rpc_call(l->self, UT__MSG_TYPE__MSG_REPORT_KEY_LOOKUP, &q.base, &r);
		Ut__Child *c = !rc && r->status == UT__STATUS__STATUS_OK ? ut__child__unpack(NULL, r->body.len, r->body.data) : NULL;
		if (c && *c->node) {
			snprintf(user, sizeof user, "%s", key);
			snprintf(node, sizeof node, "%s", c->node);
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
		ut_info("report link: key %s accepted as child %s", key, node);
	else if (!strcmp(text, "unknown key")) {
		char addr[64] = "";
		if (n >= 4)
			snprintf(addr, sizeof addr, "%.*s", (int)zmq_msg_size(&f[3]), (const char *)zmq_msg_data(&f[3]));
		refusal(l, *key ? key : "(none)", addr);
	} else
		ut_warn("report link: connection with key %s refused: %s", key, text);
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

/* A snapshot on its way to the daemon: where its answer goes. */
typedef struct fwd {
	zmq_msg_t route;
	char id[32];  /* the request id towards the daemon */
	char *env_id; /* the child's envelope id, echoed in the answer */
	char key[UT_CURVEKEY_LEN + 1];
	int answered;
} fwd_t;

static size_t put_varint(uint8_t *p, uint64_t v)
{
	size_t n = 0;
	for (; v >= 0x80; v >>= 7)
		p[n++] = (uint8_t)(v | 0x80);
	p[n++] = (uint8_t)v;
	return n;
}

/* The daemon's request storing the snapshot as the key's node, packed (malloc'd); NULL when out of
 * memory. The snapshot goes on as the bytes the child sent, field 2 of SnapshotPut (length-delimited,
 * as every embedded message is): the daemon decodes and checks it, the link thread need not. */
static uint8_t *put_request(const char *id, const char *key, const ProtobufCBinaryData *snap, size_t *n)
{
	Ut__SnapshotPut p = UT__SNAPSHOT_PUT__INIT;
	p.public_key = (char *)key;
	Ut__Envelope e = UT__ENVELOPE__INIT;
	e.id = (char *)id;
	e.type = UT__MSG_TYPE__MSG_REPORT_SNAPSHOT_PUT;
	e.node = "";
	e.ts_ms = ut_clock_now_ms();
	size_t head = ut__snapshot_put__get_packed_size(&p);
	e.body.data = malloc(head + 11 + snap->len);
	uint8_t *buf = NULL;
	if (e.body.data) {
		e.body.len = ut__snapshot_put__pack(&p, e.body.data);
		e.body.data[e.body.len++] = 0x12; /* field 2, length-delimited */
		e.body.len += put_varint(e.body.data + e.body.len, snap->len);
		if (snap->len)
			memcpy(e.body.data + e.body.len, snap->data, snap->len);
		e.body.len += snap->len;
		*n = ut__envelope__get_packed_size(&e);
		if ((buf = malloc(*n)))
			ut__envelope__pack(&e, buf);
	}
	free(e.body.data);
	return buf;
}

/* Pass the snapshot on to the daemon without waiting for its answer: 1 sent (f holds the route),
 * 0 answered here. */
static int forward(rp_linkctx_t *l, zmq_msg_t *route, const char *user, const Ut__Envelope *env, fwd_t *f)
{
	size_t n = 0;
	snprintf(f->id, sizeof f->id, "down-%llu", (unsigned long long)++l->fwd_seq);
	uint8_t *buf = put_request(f->id, user, &env->body, &n);
	if (buf && n > l->max_msg) {
		/* the daemon would refuse it unread, with no request id to match: say so here */
		char msg[128];
		snprintf(msg, sizeof msg, "snapshot too large: %zu bytes, this parent takes at most %zu", n, l->max_msg);
		answer(l, route, env->id, UT__STATUS__STATUS_INVALID, msg, NULL, 0);
		free(buf);
		return 0;
	}
	f->env_id = strdup(env->id);
	int sent = buf && f->env_id && zmq_send(l->fwd, "", 0, ZMQ_SNDMORE | ZMQ_DONTWAIT) >= 0 &&
		   zmq_send(l->fwd, buf, n, ZMQ_DONTWAIT) >= 0;
	free(buf);
	if (!sent) {
		answer(l, route, env->id, UT__STATUS__STATUS_UNAVAILABLE, "parent busy; send again later", NULL, 0);
		free(f->env_id);
		return 0;
	}
	zmq_msg_init(&f->route);
	zmq_msg_move(&f->route, route);
	snprintf(f->key, sizeof f->key, "%s", user);
	f->answered = 0;
	return 1;
}

/* One message from a child: its node is the one its key is registered for, whatever the snapshot says.
 * 1 when it went on to the daemon (f filled), 0 when it was answered here. */
static int take(rp_linkctx_t *l, fwd_t *f)
{
	zmq_msg_t m[2];
	int n = recv_frames(l->down, m, 2), sent = 0;
	if (n < 2) {
		close_frames(m, n);
		return 0;
	}
	const char *user = zmq_msg_gets(&m[1], "User-Id");
	Ut__Envelope *env = ut__envelope__unpack(NULL, zmq_msg_size(&m[1]), zmq_msg_data(&m[1]));
	if (!user || !*user)
		answer(l, &m[0], env ? env->id : "", UT__STATUS__STATUS_INVALID, "refused: the key is not registered", NULL, 0);
	else if (!env || env->type != UT__MSG_TYPE__MSG_REPORT_SNAPSHOT_PUT)
		answer(l, &m[0], env ? env->id : "", UT__STATUS__STATUS_INVALID, "expected a snapshot", NULL, 0);
	else
		sent = forward(l, &m[0], user, env, f);
	if (env)
		ut__envelope__free_unpacked(env, NULL);
	close_frames(m, n);
	return sent;
}

/* The daemon's next answer, or NULL when none came before the deadline. */
static Ut__Envelope *fwd_reply(rp_linkctx_t *l, int64_t deadline)
{
	long wait = (long)(deadline - ut_clock_mono_ms());
	zmq_pollitem_t it = {l->fwd, 0, ZMQ_POLLIN, 0};
	if (wait <= 0 || zmq_poll(&it, 1, wait) <= 0)
		return NULL;
	zmq_msg_t m;
	zmq_msg_init(&m);
	Ut__Envelope *r = NULL;
	int more = 1;
	while (more && zmq_msg_recv(&m, l->fwd, 0) >= 0) {
		more = zmq_msg_more(&m);
		if (!more && zmq_msg_size(&m) && !r)
			r = ut__envelope__unpack(NULL, zmq_msg_size(&m), zmq_msg_data(&m));
	}
	zmq_msg_close(&m);
	return r;
}

/* Hand each child the daemon's answer to its snapshot; those the daemon did not answer in time are
 * told to send again (an answer coming later matches nothing and is dropped). */
static void settle(rp_linkctx_t *l, fwd_t *f, int n)
{
	int64_t deadline = ut_clock_mono_ms() + FWD_TIMEOUT_MS;
	for (int left = n; left > 0;) {
		Ut__Envelope *r = fwd_reply(l, deadline);
		if (!r && ut_clock_mono_ms() >= deadline)
			break;
		for (int i = 0; r && i < n; i++)
			if (!f[i].answered && !strcmp(r->id, f[i].id)) {
				/* a child told to wait is not refused: it sends again, and its link says so */
				if (r->status != UT__STATUS__STATUS_OK && r->status != UT__STATUS__STATUS_UNAVAILABLE)
					ut_warn("report link: snapshot from key %s refused: %s", f[i].key, r->message);
				answer(l, &f[i].route, f[i].env_id, r->status, r->message, r->body.data, r->body.len);
				f[i].answered = 1;
				left--;
			}
		if (r)
			ut__envelope__free_unpacked(r, NULL);
	}
	for (int i = 0; i < n; i++) {
		if (!f[i].answered)
			answer(l, &f[i].route, f[i].env_id, UT__STATUS__STATUS_UNAVAILABLE, "parent busy; send again later", NULL, 0);
		zmq_msg_close(&f[i].route);
		free(f[i].env_id);
	}
}

static int readable(void *sock)
{
	int ev = 0;
	size_t len = sizeof ev;
	return zmq_getsockopt(sock, ZMQ_EVENTS, &ev, &len) == 0 && (ev & ZMQ_POLLIN);
}

/* Every snapshot that is there (up to FWD_MAX) goes to the daemon before any answer is awaited, so
 * children reporting at the same time share a commit instead of waiting for one each. */
void rp_down_recv(rp_linkctx_t *l)
{
	fwd_t f[FWD_MAX];
	int n = 0;
	do
		n += take(l, &f[n]);
	while (n < FWD_MAX && readable(l->down));
	settle(l, f, n);
}
