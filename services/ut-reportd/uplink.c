/* The link thread and the child side of the upward link: every report.interval_ms it asks its own
 * daemon for the subtree snapshot (so changes are debounced to one snapshot per interval), sends a
 * new sequence number to the parent over CURVE and resends it with backoff until acknowledged. */
#include "link.h"
#include "ut/clock.h"
#include "ut/err.h"
#include "ut/log.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <zmq.h>

/* The largest answer taken from a parent (an acknowledgement or a refusal is a few hundred bytes). */
#define UP_REPLY_MAX (64 << 10)
/* ZMTP heartbeats: a connection whose parent vanished without closing it (a host that lost power,
 * a NAT that forgot it) is found dead and dialled again instead of swallowing snapshots. */
#define UP_HEARTBEAT_MS 5000
#define UP_HEARTBEAT_TIMEOUT_MS 15000

static void set_error(rp_linkctx_t *l, const char *msg)
{
	if (strcmp(l->error, msg)) {
		if (*msg)
			ut_warn("report link: parent %s: %s", l->parent, msg);
		else
			ut_info("report link: parent %s reachable again", l->parent);
	}
	if (strcmp(l->error, msg))
		l->dirty = 1;
	snprintf(l->error, sizeof l->error, "%s", msg);
}

/* Tell the daemon what happened on the link (acks, errors, sends), for `report federation`. */
static void record(rp_linkctx_t *l)
{
	Ut__UplinkState u = UT__UPLINK_STATE__INIT;
	u.acked_seq = l->acked_seq;
	u.acked_ms = ut_clock_now_ms();
	u.error = l->error;
	u.sent = l->sent;
	Ut__Envelope *r = NULL;
	if (ut_rpc_call(l->self, UT__MSG_TYPE__MSG_REPORT_UPLINK_SET, &u.base, &r) == 0 && r->status == UT__STATUS__STATUS_OK) {
		Ut__UplinkState *st = ut__uplink_state__unpack(NULL, r->body.len, r->body.data);
		if (st && st->acked_seq > l->acked_seq)
			l->acked_seq = st->acked_seq; /* what a predecessor got acknowledged */
		if (st)
			ut__uplink_state__free_unpacked(st, NULL);
		l->sent = 0;
	}
	if (r)
		ut__envelope__free_unpacked(r, NULL);
}

static int up_open(rp_linkctx_t *l)
{
	int zero = 0, one = 1, ivl = 100, ivl_max = 5000, hwm = 16, hb = UP_HEARTBEAT_MS, hb_to = UP_HEARTBEAT_TIMEOUT_MS;
	int64_t maxmsg = UP_REPLY_MAX;
	if (!(l->up = zmq_socket(l->ctx, ZMQ_DEALER)) || zmq_setsockopt(l->up, ZMQ_LINGER, &zero, sizeof zero) ||
	    /* a parent answers with acknowledgements only: nothing it sends needs more room */
	    zmq_setsockopt(l->up, ZMQ_MAXMSGSIZE, &maxmsg, sizeof maxmsg) ||
	    zmq_setsockopt(l->up, ZMQ_RCVHWM, &hwm, sizeof hwm) ||
	    /* no queueing towards a parent that is not there: the resend timer is the queue */
	    zmq_setsockopt(l->up, ZMQ_IMMEDIATE, &one, sizeof one) ||
	    zmq_setsockopt(l->up, ZMQ_RECONNECT_IVL, &ivl, sizeof ivl) ||
	    zmq_setsockopt(l->up, ZMQ_RECONNECT_IVL_MAX, &ivl_max, sizeof ivl_max) ||
	    zmq_setsockopt(l->up, ZMQ_HEARTBEAT_IVL, &hb, sizeof hb) ||
	    zmq_setsockopt(l->up, ZMQ_HEARTBEAT_TIMEOUT, &hb_to, sizeof hb_to) ||
	    zmq_setsockopt(l->up, ZMQ_CURVE_SERVERKEY, l->parent_key, UT_CURVEKEY_LEN) ||
	    zmq_setsockopt(l->up, ZMQ_CURVE_PUBLICKEY, l->pub, UT_CURVEKEY_LEN) ||
	    zmq_setsockopt(l->up, ZMQ_CURVE_SECRETKEY, l->sec, UT_CURVEKEY_LEN)) {
		ut_error("report link: cannot set up the parent socket: %s", zmq_strerror(zmq_errno()));
		return UT_EINTERNAL;
	}
	/* a refused handshake is otherwise silent: watch for it to say why nothing gets through */
	char mon[80];
	snprintf(mon, sizeof mon, "inproc://rp-up-mon-%p-%d", (void *)l, ++l->opened);
	if (zmq_socket_monitor(l->up, mon, ZMQ_EVENT_HANDSHAKE_FAILED_AUTH | ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL |
						   ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL | ZMQ_EVENT_HANDSHAKE_SUCCEEDED) == 0 &&
	    (l->mon = zmq_socket(l->ctx, ZMQ_PAIR)) != NULL) {
		zmq_setsockopt(l->mon, ZMQ_LINGER, &zero, sizeof zero);
		zmq_connect(l->mon, mon);
	}
	if (zmq_connect(l->up, l->parent)) {
		ut_error("report link: bad parent endpoint %s: %s", l->parent, zmq_strerror(zmq_errno()));
		return UT_EINVAL;
	}
	if (l->opened == 1)
		ut_info("report link: snapshots go to %s every %d ms at most", l->parent, l->interval_ms);
	l->heard_at = ut_clock_mono_ms();
	return 0;
}

static int64_t up_stuck_ms(const rp_linkctx_t *l)
{
	int64_t ms = 4 * (int64_t)l->resend_max_ms;
	return ms < UP_HEARTBEAT_MS ? UP_HEARTBEAT_MS : ms;
}

static void up_close(rp_linkctx_t *l)
{
	if (l->up)
		zmq_close(l->up);
	if (l->mon)
		zmq_close(l->mon);
	l->up = l->mon = NULL;
}

static void up_monitor(rp_linkctx_t *l)
{
	zmq_msg_t m;
	zmq_msg_init(&m);
	uint16_t ev = 0;
	if (zmq_msg_recv(&m, l->mon, 0) >= 0 && zmq_msg_size(&m) >= 2)
		memcpy(&ev, zmq_msg_data(&m), 2);
	while (zmq_msg_more(&m) && zmq_msg_recv(&m, l->mon, 0) >= 0)
		;
	zmq_msg_close(&m);
	if (ev == ZMQ_EVENT_HANDSHAKE_FAILED_AUTH || ev == ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL ||
	    ev == ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL) {
		if (ev == ZMQ_EVENT_HANDSHAKE_FAILED_AUTH)
			set_error(l, "the parent refused this node's key (not registered there)");
		else if (ev == ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL)
			set_error(l, "handshake with the parent failed (wrong parent_key?)");
		/* libzmq does not reconnect after any failed handshake (a refusal, or a connection that
		 * met a parent still starting): the parent may register us later or be ready in a moment,
		 * so try again with a fresh socket after the longest resend wait */
		up_close(l);
		l->reopen_at = ut_clock_mono_ms() + l->resend_max_ms;
	}
	else if (ev == ZMQ_EVENT_HANDSHAKE_SUCCEEDED && l->pending)
		l->next_send = 0; /* connected: send what waits now instead of at the next backoff */
}

static void up_send(rp_linkctx_t *l, int64_t now)
{
	if (l->up && zmq_send(l->up, l->pending, l->pending_len, ZMQ_DONTWAIT) < 0 && !*l->error)
		set_error(l, "parent unreachable; snapshot kept and resent");
	l->sent++;
	l->next_send = now + l->backoff_ms;
	l->backoff_ms = l->backoff_ms * 2 > l->resend_max_ms ? l->resend_max_ms : l->backoff_ms * 2;
}

static void up_build(rp_linkctx_t *l, int64_t now)
{
	l->next_build = now + l->interval_ms;
	Ut__Envelope *r = NULL;
	if (ut_rpc_call_raw(l->self, UT__MSG_TYPE__MSG_REPORT_SNAPSHOT_BUILD, NULL, 0, &r) != 0 ||
	    r->status != UT__STATUS__STATUS_OK) {
		if (r)
			ut_warn("report link: cannot build a snapshot: %s", r->message);
		goto out;
	}
	Ut__Snapshot *sn = ut__snapshot__unpack(NULL, r->body.len, r->body.data);
	uint64_t seq = sn ? sn->seq : 0;
	if (sn)
		ut__snapshot__free_unpacked(sn, NULL);
	if (!seq || seq <= l->acked_seq || seq == l->pending_seq)
		goto out;
	/* a newer snapshot replaces one still waiting: only the latest matters */
	char id[160];
	snprintf(id, sizeof id, "%s/snapshot/%llu", l->node, (unsigned long long)seq);
	Ut__Envelope e = UT__ENVELOPE__INIT;
	e.id = id;
	e.type = UT__MSG_TYPE__MSG_REPORT_SNAPSHOT_PUT;
	e.node = l->node;
	e.ts_ms = ut_clock_now_ms();
	e.body = r->body;
	size_t n = ut__envelope__get_packed_size(&e);
	uint8_t *buf = malloc(n ? n : 1);
	if (!buf)
		goto out;
	ut__envelope__pack(&e, buf);
	free(l->pending);
	l->pending = buf;
	l->pending_len = n;
	l->pending_seq = seq;
	l->backoff_ms = l->interval_ms < 250 ? l->interval_ms : 250;
	up_send(l, now);
out:
	if (r)
		ut__envelope__free_unpacked(r, NULL);
}

static void up_recv(rp_linkctx_t *l)
{
	zmq_msg_t m;
	zmq_msg_init(&m);
	if (zmq_msg_recv(&m, l->up, 0) < 0) {
		zmq_msg_close(&m);
		return;
	}
	Ut__Envelope *e = ut__envelope__unpack(NULL, zmq_msg_size(&m), zmq_msg_data(&m));
	while (zmq_msg_more(&m) && zmq_msg_recv(&m, l->up, 0) >= 0)
		;
	zmq_msg_close(&m);
	if (!e)
		return;
	l->heard_at = ut_clock_mono_ms();
	Ut__SnapshotAck *a = e->status == UT__STATUS__STATUS_OK ? ut__snapshot_ack__unpack(NULL, e->body.len, e->body.data) : NULL;
	if (a && a->accepted) {
		/* only a sequence this node sent counts: a parent's word for a higher one would stop
		 * every snapshot up to it */
		if (a->seq > l->acked_seq && l->pending && a->seq <= l->pending_seq)
			l->acked_seq = a->seq;
		if (l->pending && l->acked_seq >= l->pending_seq) {
			free(l->pending);
			l->pending = NULL;
			l->pending_seq = 0;
			ut_info("report link: parent acknowledged snapshot %llu", (unsigned long long)l->acked_seq);
		}
		set_error(l, "");
	} else {
		char msg[512];
		snprintf(msg, sizeof msg, "%s: %s", ut_status_name(e->status), *e->message ? e->message : "no reason given");
		set_error(l, msg);
	}
	l->dirty = 1; /* the ack (or the refusal) goes into the database once, after this round */
	if (a)
		ut__snapshot_ack__free_unpacked(a, NULL);
	ut__envelope__free_unpacked(e, NULL);
}

static void *run(void *arg)
{
	rp_linkctx_t *l = arg;
	if (l->parent)
		record(l); /* learn what a predecessor got acknowledged */
	for (;;) {
		zmq_pollitem_t it[5];
		int n = 0, izap = -1, idown = -1, iup = -1, imon = -1;
		it[n++] = (zmq_pollitem_t){l->ctrl, 0, ZMQ_POLLIN, 0};
		if (l->zap)
			izap = n, it[n++] = (zmq_pollitem_t){l->zap, 0, ZMQ_POLLIN, 0};
		if (l->down)
			idown = n, it[n++] = (zmq_pollitem_t){l->down, 0, ZMQ_POLLIN, 0};
		if (l->up)
			iup = n, it[n++] = (zmq_pollitem_t){l->up, 0, ZMQ_POLLIN, 0};
		if (l->mon)
			imon = n, it[n++] = (zmq_pollitem_t){l->mon, 0, ZMQ_POLLIN, 0};
		/* the earliest thing to do; a child always has its next build (0 at first: now) */
		int64_t now = ut_clock_mono_ms(), due = rp_down_due(l);
		int timed = due != 0;
		if (l->parent) {
			if (!timed || l->next_build < due)
				due = l->next_build;
			if (l->pending && l->next_send < due)
				due = l->next_send;
			if (l->reopen_at && l->reopen_at < due)
				due = l->reopen_at;
			timed = 1;
		}
		long wait = !timed ? -1 : due > now ? (long)(due - now) : 0;
		if (zmq_poll(it, n, wait) < 0 && zmq_errno() != EINTR)
			break;
		if (it[0].revents & ZMQ_POLLIN)
			break; /* stop */
		if (izap >= 0 && (it[izap].revents & ZMQ_POLLIN))
			rp_down_zap(l);
		if (idown >= 0 && (it[idown].revents & ZMQ_POLLIN))
			rp_down_recv(l);
		if (imon >= 0 && (it[imon].revents & ZMQ_POLLIN))
			up_monitor(l);
		if (iup >= 0 && (it[iup].revents & ZMQ_POLLIN))
			up_recv(l);
		now = ut_clock_mono_ms();
		rp_down_tick(l, now);
		/* A snapshot waits and the parent has said nothing for four of the longest resend waits:
		 * whatever state the socket is in (libzmq gives up on a connection after a protocol error
		 * without telling), a fresh one dials again. A parent that is down costs a socket a while. */
		if (l->up && l->pending && now - l->heard_at > up_stuck_ms(l)) {
			ut_debug("report link: no answer from %s for %lld ms; dialling again", l->parent,
				 (long long)(now - l->heard_at));
			up_close(l);
			l->reopen_at = now;
		}
		if (l->reopen_at && now >= l->reopen_at) {
			l->reopen_at = 0;
			if (up_open(l))
				up_close(l), l->reopen_at = now + l->resend_max_ms;
		}
		if (l->parent && now >= l->next_build)
			up_build(l, now);
		else if (l->parent && l->pending && now >= l->next_send)
			up_send(l, now);
		if (l->dirty) {
			l->dirty = 0;
			record(l);
		}
	}
	void **socks[] = {&l->zap, &l->down, &l->fwd, &l->up, &l->mon, &l->ctrl};
	for (size_t i = 0; i < sizeof socks / sizeof socks[0]; i++)
		if (*socks[i]) {
			zmq_close(*socks[i]);
			*socks[i] = NULL;
		}
	ut_rpc_client_destroy(&l->self);
	return NULL;
}

static char *dup_or_null(const char *s) { return s && *s ? strdup(s) : NULL; }

int rp_link_start(ut_service_t *svc, rp_link_t **out)
{
	const ut_config_t *cfg = ut_service_config(svc);
	*out = NULL;
	if (!*cfg->report_parent && !*cfg->report_listen)
		return 0;
	if (*cfg->report_parent && !ut_curvekey_valid(cfg->report_parent_key)) {
		ut_error("report.parent is set, so report.parent_key must be the parent's public key (40 characters of Z85)");
		return UT_EINVAL;
	}
	rp_linkctx_t *l = calloc(1, sizeof *l);
	if (!l)
		return UT_ENOMEM;
	char *path = ut_curvekey_path(cfg);
	int rc = path ? ut_curvekey_load(path, l->pub, l->sec) : UT_ENOMEM;
	if (rc == UT_ENOTFOUND)
		ut_error("no key pair in %s: run `utctl node keygen` first", path);
	else if (rc)
		ut_error("key file %s is malformed or readable by others (it must be mode 0600)", path);
	free(path);
	if (rc) {
		free(l);
		return UT_EINVAL;
	}
	snprintf(l->node, sizeof l->node, "%s", cfg->node_id);
	l->listen = dup_or_null(cfg->report_listen);
	l->parent = dup_or_null(cfg->report_parent);
	l->parent_key = dup_or_null(cfg->report_parent_key);
	l->interval_ms = cfg->report_interval_ms;
	l->resend_max_ms = cfg->report_resend_max_ms;
	l->max_msg = (size_t)cfg->rpc_max_request_kb * 1024;
	l->refused_log_ms = cfg->report_refused_log_s * 1000;
	l->self_ep = ut_config_endpoint(cfg, ut_service_name(svc));
	l->ctx = zmq_ctx_new();
	int zero = 0;
	if (!l->ctx || !l->self_ep || !(l->ctrl_main = zmq_socket(l->ctx, ZMQ_PAIR)) ||
	    zmq_setsockopt(l->ctrl_main, ZMQ_LINGER, &zero, sizeof zero) || zmq_bind(l->ctrl_main, "inproc://rp-ctrl") ||
	    !(l->ctrl = zmq_socket(l->ctx, ZMQ_PAIR)) || zmq_connect(l->ctrl, "inproc://rp-ctrl") ||
	    /* short: at shutdown the daemon stops answering while this thread may be asking */
	    !(l->self = ut_rpc_client_new(l->ctx, l->self_ep, 2000))) {
		rp_link_stop(&l);
		return UT_EINTERNAL;
	}
	/* bound here, not in the thread: a port in use or a bad endpoint stops the daemon at start
	 * with the reason, as any other configuration error does (the sockets then move to the
	 * thread; pthread_create is the memory barrier ZeroMQ asks for) */
	if ((l->listen && (rc = rp_down_open(l))) || (l->parent && (rc = up_open(l)))) {
		rp_link_stop(&l);
		return rc;
	}
	if (pthread_create(&l->th, NULL, run, l) != 0) {
		rp_link_stop(&l);
		return UT_EINTERNAL;
	}
	l->started = 1;
	*out = l;
	return 0;
}

void rp_link_stop(rp_link_t **lp)
{
	rp_linkctx_t *l = *lp;
	if (!l)
		return;
	if (l->started) {
		zmq_send(l->ctrl_main, "", 0, 0);
		pthread_join(l->th, NULL);
	} else {
		void *socks[] = {l->ctrl, l->zap, l->down, l->fwd, l->up, l->mon};
		for (size_t i = 0; i < sizeof socks / sizeof socks[0]; i++)
			if (socks[i])
				zmq_close(socks[i]);
		ut_rpc_client_destroy(&l->self);
	}
	if (l->ctrl_main)
		zmq_close(l->ctrl_main);
	if (l->ctx)
		zmq_ctx_term(l->ctx);
	free(l->pending);
	free(l->listen);
	free(l->parent);
	free(l->parent_key);
	free(l->self_ep);
	memset(l->sec, 0, sizeof l->sec);
	free(l);
	*lp = NULL;
}
