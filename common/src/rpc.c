/* Request/reply over ZeroMQ. The server keeps every routing frame of a request so that REQ,
 * DEALER-with-delimiter and bare DEALER peers all get their reply; the payload is the last frame. */
#include "ut/rpc.h"
#include "ut/clock.h"
#include "ut/err.h"
#include "ut/log.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zmq.h>

/* Each conversion of fmt formatted alone into rep->args. The daemons' formats use %s (with a
 * precision), %d, %ld, %lld, %zu and the like; a conversion outside those ends the arguments. */
static void capture_args(ut_reply_t *rep, const char *fmt, va_list ap)
{
	size_t used = 0;
	rep->nargs = 0;
	for (const char *p = fmt; (p = strchr(p, '%')) && rep->nargs < UT_REPLY_MAX_ARGS;) {
		const char *q = p + 1;
		if (*q == '%') {
			p = q + 1;
			continue;
		}
		while (strchr("-+ #0", *q))
			q++;
		while ((*q >= '0' && *q <= '9') || *q == '.')
			q++;
		int l = 0, z = 0;
		while (*q == 'l')
			l++, q++;
		if (*q == 'z')
			z = 1, q++;
		char one[16], val[256];
		size_t n = (size_t)(q - p + 1);
		if (n >= sizeof one)
			return;
		memcpy(one, p, n);
		one[n] = '\0';
		switch (*q) {
		case 's': snprintf(val, sizeof val, one, va_arg(ap, const char *)); break;
		case 'c': snprintf(val, sizeof val, one, va_arg(ap, int)); break;
		case 'd':
		case 'i':
		case 'u':
		case 'x':
			if (z)
				snprintf(val, sizeof val, one, va_arg(ap, size_t));
			else if (l >= 2)
				snprintf(val, sizeof val, one, va_arg(ap, long long));
			else if (l == 1)
				snprintf(val, sizeof val, one, va_arg(ap, long));
			else
				snprintf(val, sizeof val, one, va_arg(ap, int));
			break;
		case 'f':
		case 'g': snprintf(val, sizeof val, one, va_arg(ap, double)); break;
		default: return;
		}
		size_t vl = strlen(val);
		if (used + vl + 1 > sizeof rep->args)
			return;
		memcpy(rep->args + used, val, vl + 1);
		used += vl + 1;
		rep->nargs++;
		p = q + 1;
	}
}

int ut_reply_err(ut_reply_t *rep, int err, const char *fmt, ...)
{
	rep->status = ut_err_to_status(err);
	rep->code = fmt;
	va_list ap, aq;
	va_start(ap, fmt);
	va_copy(aq, ap);
	vsnprintf(rep->message, sizeof rep->message, fmt, ap);
	capture_args(rep, fmt, aq);
	va_end(aq);
	va_end(ap);
	return err;
}

int ut_reply_set(ut_reply_t *rep, int err, const char *message, const char *code, char *const *args, size_t nargs)
{
	rep->status = ut_err_to_status(err);
	snprintf(rep->message, sizeof rep->message, "%s", message ? message : "");
	rep->code = code && *code ? code : NULL;
	rep->nargs = 0;
	for (size_t i = 0, used = 0; i < nargs && i < UT_REPLY_MAX_ARGS; i++) {
		size_t n = strlen(args[i]) + 1;
		if (used + n > sizeof rep->args)
			break;
		memcpy(rep->args + used, args[i], n);
		used += n;
		rep->nargs++;
	}
	return err;
}

size_t ut_reply_args(const ut_reply_t *rep, char **argv, size_t max)
{
	size_t n = 0, off = 0;
	for (; n < (size_t)rep->nargs && n < max; n++) {
		argv[n] = (char *)rep->args + off;
		off += strlen(argv[n]) + 1;
	}
	return n;
}

int ut_reply_body(ut_reply_t *rep, const ProtobufCMessage *m)
{
	size_t n = protobuf_c_message_get_packed_size(m);
	unsigned char *b = malloc(n ? n : 1);
	if (!b)
		return ut_reply_err(rep, UT_ENOMEM, "out of memory");
	protobuf_c_message_pack(m, b);
	free(rep->body);
	rep->body = b;
	rep->body_len = n;
	return 0;
}

int ut_reply_msg(ut_reply_t *rep, ut_arena_t *a, int rc, const ProtobufCMessage *m)
{
	if (!rc && a->failed)
		rc = ut_reply_err(rep, UT_ENOMEM, "out of memory building the reply");
	if (!rc && m)
		rc = ut_reply_body(rep, m);
	ut_arena_free(a);
	return rc;
}

void ut_reply_clear(ut_reply_t *rep)
{
	free(rep->body);
	memset(rep, 0, sizeof *rep);
}

static void *unpack(const Ut__Envelope *req, const ProtobufCMessageDescriptor *d, ProtobufCAllocator *al,
		    ut_reply_t *rep)
{
	ProtobufCMessage *m = protobuf_c_message_unpack(d, al, req->body.len, req->body.data);
	if (!m)
		ut_reply_err(rep, UT_EINVAL, "malformed %s in a %zu-byte body", d->short_name, req->body.len);
	return m;
}

void *ut_rpc_body(const Ut__Envelope *req, const ProtobufCMessageDescriptor *d, ut_reply_t *rep)
{
	return unpack(req, d, NULL, rep);
}

static void *arena_alloc(void *a, size_t n) { return ut_arena_alloc(a, n); }
static void arena_keep(void *a, void *p) { (void)a, (void)p; }

void *ut_rpc_body_in(const Ut__Envelope *req, const ProtobufCMessageDescriptor *d, ut_arena_t *a, ut_reply_t *rep)
{
	ProtobufCAllocator al = {arena_alloc, arena_keep, a};
	return unpack(req, d, &al, rep);
}

struct ut_rpc_server {
	void *sock;
	size_t max_request;
	ut_arena_t batch; /* the requests received since the last ut_rpc_server_batch_done: one
			     allocation for many, where each envelope field was a malloc and a free */
};

ut_rpc_server_t *ut_rpc_server_new(void *zctx, const char *endpoint, size_t max_request)
{
	ut_rpc_server_t *s = calloc(1, sizeof *s);
	if (!s)
		return NULL;
	s->max_request = max_request;
	s->sock = zmq_socket(zctx, ZMQ_ROUTER);
	int64_t hard = (int64_t)max_request * 4 + 4096;
	int linger = 0, hwm = 100000;
	zmq_setsockopt(s->sock, ZMQ_MAXMSGSIZE, &hard, sizeof hard);
	zmq_setsockopt(s->sock, ZMQ_LINGER, &linger, sizeof linger);
	zmq_setsockopt(s->sock, ZMQ_RCVHWM, &hwm, sizeof hwm);
	zmq_setsockopt(s->sock, ZMQ_SNDHWM, &hwm, sizeof hwm);
	if (strncmp(endpoint, "ipc://", 6) == 0)
		unlink(endpoint + 6); /* a stale socket file from a killed predecessor */
	if (zmq_bind(s->sock, endpoint) != 0) {
		ut_error("bind %s: %s", endpoint, zmq_strerror(zmq_errno()));
		zmq_close(s->sock);
		free(s);
		return NULL;
	}
	return s;
}

void ut_rpc_server_destroy(ut_rpc_server_t **sp)
{
	if (!*sp)
		return;
	zmq_close((*sp)->sock);
	ut_arena_free(&(*sp)->batch);
	free(*sp);
	*sp = NULL;
}

void ut_rpc_server_batch_done(ut_rpc_server_t *s) { ut_arena_free(&s->batch); }

void *ut_rpc_server_socket(ut_rpc_server_t *s) { return s->sock; }

void ut_rpc_req_clear(ut_rpc_req_t *req)
{
	if (!req->mem) {
		for (int i = 0; i < req->nroute; i++)
			free(req->route[i]);
		if (req->env)
			ut__envelope__free_unpacked(req->env, NULL);
	}
	memset(req, 0, sizeof *req);
}

void ut_rpc_req_decode(ut_rpc_req_t *req, const void *data, size_t len, size_t max_request)
{
	req->size = len;
	if (req->bad)
		return;
	if (len == 0)
		req->bad = "empty request";
	else if (len > max_request)
		req->bad = "request too large";
	else {
		ProtobufCAllocator al = {arena_alloc, arena_keep, req->mem};
		if (!(req->env = ut__envelope__unpack(req->mem ? &al : NULL, len, data)))
			req->bad = req->mem && req->mem->failed ? "out of memory" : "malformed envelope";
	}
}

int ut_rpc_server_recv(ut_rpc_server_t *s, ut_rpc_req_t *req)
{
	memset(req, 0, sizeof *req);
	req->mem = &s->batch;
	zmq_msg_t msg;
	int more = 1, got = 0;
	while (more) {
		zmq_msg_init(&msg);
		if (zmq_msg_recv(&msg, s->sock, got ? 0 : ZMQ_DONTWAIT) < 0) {
			zmq_msg_close(&msg);
			if (!got)
				return 0;
			req->bad = "truncated message";
			return 1;
		}
		got++;
		more = zmq_msg_more(&msg);
		size_t len = zmq_msg_size(&msg);
		if (more) {
			/* routing frames: identity, then for REQ peers an empty delimiter */
			unsigned char *r = req->nroute < UT_RPC_MAX_ROUTE ? ut_arena_alloc(req->mem, len ? len : 1) : NULL;
			if (r) {
				memcpy(r, zmq_msg_data(&msg), len);
				req->route[req->nroute] = r;
				req->route_len[req->nroute++] = len;
			} else if (req->nroute < UT_RPC_MAX_ROUTE)
				req->bad = "out of memory";
			else
				req->bad = "too many frames";
		} else {
			if (got == 1)
				req->bad = "no routing frame"; /* cannot happen on a ROUTER */
			ut_rpc_req_decode(req, zmq_msg_data(&msg), len, s->max_request);
		}
		zmq_msg_close(&msg);
	}
	return 1;
}

int ut_rpc_server_reply(ut_rpc_server_t *s, const ut_rpc_req_t *req, const char *node, const ut_reply_t *rep)
{
	if (req->nroute == 0)
		return UT_EINVAL;
	Ut__Envelope env = UT__ENVELOPE__INIT;
	env.id = req->env && req->env->id ? req->env->id : "";
	env.type = UT__MSG_TYPE__MSG_REPLY;
	env.node = (char *)node;
	env.ts_ms = ut_clock_now_ms();
	env.status = rep->status;
	env.message = (char *)rep->message;
	char *args[UT_REPLY_MAX_ARGS];
	env.code = (char *)(rep->code ? rep->code : "");
	env.args = args;
	env.n_args = ut_reply_args(rep, args, UT_REPLY_MAX_ARGS);
	env.body.data = rep->body;
	env.body.len = rep->body_len;
	size_t n = ut__envelope__get_packed_size(&env);
	zmq_msg_t msg;
	if (zmq_msg_init_size(&msg, n) != 0)
		return UT_ENOMEM;
	ut__envelope__pack(&env, zmq_msg_data(&msg));
	for (int i = 0; i < req->nroute; i++)
		zmq_send(s->sock, req->route[i], req->route_len[i], ZMQ_SNDMORE | ZMQ_DONTWAIT);
	int rc = zmq_msg_send(&msg, s->sock, ZMQ_DONTWAIT);
	zmq_msg_close(&msg);
	return rc < 0 ? UT_EUNAVAIL : 0; /* peer gone: nothing to do */
}

struct ut_rpc_client {
	void *sock;
	int timeout_ms;
	size_t max; /* largest payload sent; 0: any */
	unsigned long seq;
	char prefix[32];
	char actor[128]; /* who the requests are for; kept by the daemons with each change */
	char role[16];   /* their console role; empty: the node's own user */
};

ut_rpc_client_t *ut_rpc_client_new(void *zctx, const char *endpoint, int timeout_ms)
{
	ut_rpc_client_t *c = calloc(1, sizeof *c);
	if (!c)
		return NULL;
	c->sock = zmq_socket(zctx, ZMQ_DEALER);
	c->timeout_ms = timeout_ms;
	snprintf(c->prefix, sizeof c->prefix, "%d-%lx", (int)getpid(), (unsigned long)ut_clock_now_ms());
	int linger = 0;
	zmq_setsockopt(c->sock, ZMQ_LINGER, &linger, sizeof linger);
	if (zmq_connect(c->sock, endpoint) != 0) {
		ut_error("connect %s: %s", endpoint, zmq_strerror(zmq_errno()));
		zmq_close(c->sock);
		free(c);
		return NULL;
	}
	return c;
}

void ut_rpc_client_limit(ut_rpc_client_t *c, size_t max) { c->max = max; }

void ut_rpc_client_destroy(ut_rpc_client_t **cp)
{
	if (!*cp)
		return;
	zmq_close((*cp)->sock);
	free(*cp);
	*cp = NULL;
}

/* Send one request; its id (for matching the reply) into id. */
static int send_request(ut_rpc_client_t *c, int type, const unsigned char *body, size_t len, char *id, size_t idlen)
{
	snprintf(id, idlen, "%s-%lu", c->prefix, ++c->seq);
	Ut__Envelope env = UT__ENVELOPE__INIT;
	env.id = id;
	env.type = type;
	env.node = "";
	env.actor = c->actor;
	env.role = c->role;
	env.ts_ms = ut_clock_now_ms();
	env.body.data = (uint8_t *)body;
	env.body.len = len;
	size_t n = ut__envelope__get_packed_size(&env);
	if (c->max && n > c->max)
		return UT_EINVAL;
	unsigned char *buf = malloc(n ? n : 1);
	if (!buf)
		return UT_ENOMEM;
	ut__envelope__pack(&env, buf);
	/* empty delimiter first, as a REQ socket would send */
	int rc = zmq_send(c->sock, "", 0, ZMQ_SNDMORE) < 0 || zmq_send(c->sock, buf, n, 0) < 0 ? UT_EUNAVAIL : 0;
	free(buf);
	return rc;
}

/* Take what waits on the client's socket: 1 with *reply when it answers request id. */
static int take_reply(ut_rpc_client_t *c, const char *id, Ut__Envelope **reply)
{
	Ut__Envelope *r;
	ut_rpc_recv_envelope(c->sock, 0, &r);
	/* A reply without id answers a request the server could not read (too large, malformed);
	 * ours is the one it can be, as it answers such requests at once. */
	if (r && r->id && (strcmp(r->id, id) == 0 || (!*r->id && r->status != UT__STATUS__STATUS_OK))) {
		*reply = r;
		return 1;
	}
	if (r) /* a late reply to an earlier request that timed out */
		ut__envelope__free_unpacked(r, NULL);
	return 0;
}

int ut_rpc_call_raw(ut_rpc_client_t *c, int type, const unsigned char *body, size_t len, Ut__Envelope **reply)
{
	*reply = NULL;
	char id[64];
	int rc = send_request(c, type, body, len, id, sizeof id);
	if (rc)
		return rc;
	int64_t deadline = ut_clock_mono_ms() + c->timeout_ms;
	for (;;) {
		long wait = (long)(deadline - ut_clock_mono_ms());
		if (wait <= 0)
			return UT_ETIMEOUT;
		zmq_pollitem_t it = {c->sock, 0, ZMQ_POLLIN, 0};
		int pr = zmq_poll(&it, 1, wait);
		if (pr < 0 && zmq_errno() != EINTR)
			return UT_EUNAVAIL;
		if (pr > 0 && take_reply(c, id, reply))
			return 0;
	}
}

#define RPC_MANY_MAX 16

int ut_rpc_call_many(ut_rpc_client_t *const c[], size_t n, int type, const ProtobufCMessage *body,
		     Ut__Envelope *reply[], int err[])
{
	if (n > RPC_MANY_MAX)
		return UT_EINVAL;
	size_t len = body ? protobuf_c_message_get_packed_size(body) : 0;
	unsigned char *buf = malloc(len ? len : 1);
	if (!buf)
		return UT_ENOMEM;
	if (body)
		protobuf_c_message_pack(body, buf);
	char id[RPC_MANY_MAX][64];
	int timeout = 0;
	size_t waiting = 0;
	for (size_t i = 0; i < n; i++) {
		reply[i] = NULL;
		err[i] = c[i] ? send_request(c[i], type, buf, len, id[i], sizeof id[i]) : UT_EUNAVAIL;
		if (!err[i]) {
			err[i] = UT_ETIMEOUT; /* until its reply comes */
			waiting++;
			if (c[i]->timeout_ms > timeout)
				timeout = c[i]->timeout_ms;
		}
	}
	free(buf);
	int64_t deadline = ut_clock_mono_ms() + timeout;
	while (waiting) {
		long wait = (long)(deadline - ut_clock_mono_ms());
		if (wait <= 0)
			break;
		zmq_pollitem_t it[RPC_MANY_MAX];
		size_t who[RPC_MANY_MAX], k = 0;
		for (size_t i = 0; i < n; i++)
			if (err[i] == UT_ETIMEOUT && !reply[i])
				it[k] = (zmq_pollitem_t){c[i]->sock, 0, ZMQ_POLLIN, 0}, who[k++] = i;
		int pr = zmq_poll(it, (int)k, wait);
		if (pr < 0 && zmq_errno() != EINTR)
			break;
		for (size_t j = 0; pr > 0 && j < k; j++)
			if ((it[j].revents & ZMQ_POLLIN) && take_reply(c[who[j]], id[who[j]], &reply[who[j]])) {
				err[who[j]] = 0;
				waiting--;
			}
	}
	return 0;
}

int ut_rpc_recv_envelope(void *sock, int dontwait, Ut__Envelope **env)
{
	*env = NULL;
	zmq_msg_t msg;
	zmq_msg_init(&msg);
	int got = 0, more = 1;
	while (more && zmq_msg_recv(&msg, sock, got || !dontwait ? 0 : ZMQ_DONTWAIT) >= 0) {
		got = 1;
		more = zmq_msg_more(&msg);
		if (!more && zmq_msg_size(&msg))
			*env = ut__envelope__unpack(NULL, zmq_msg_size(&msg), zmq_msg_data(&msg));
	}
	int err = zmq_errno();
	zmq_msg_close(&msg);
	return got ? 1 : dontwait && err == EAGAIN ? 0 : -1;
}

void ut_rpc_client_set_actor(ut_rpc_client_t *c, const char *actor)
{
	snprintf(c->actor, sizeof c->actor, "%s", actor ? actor : "");
}

void ut_rpc_client_set_role(ut_rpc_client_t *c, const char *role)
{
	snprintf(c->role, sizeof c->role, "%s", role ? role : "");
}

int ut_rpc_call(ut_rpc_client_t *c, int type, const ProtobufCMessage *body, Ut__Envelope **reply)
{
	size_t n = body ? protobuf_c_message_get_packed_size(body) : 0;
	unsigned char *buf = malloc(n ? n : 1);
	if (!buf)
		return UT_ENOMEM;
	if (body)
		protobuf_c_message_pack(body, buf);
	int rc = ut_rpc_call_raw(c, type, buf, n, reply);
	free(buf);
	return rc;
}
