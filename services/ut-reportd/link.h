/* The link thread's state, shared by uplink.c (the thread and the child side) and downlink.c (the
 * parent side). Only the link thread touches it after start. */
#ifndef REPORTD_LINK_H
#define REPORTD_LINK_H

#include "reportd.h"
#include "ut/curvekey.h"
#include "ut/rpc.h"

#include <pthread.h>

/* Refused handshakes from one key and address since the last summary in the log. */
typedef struct rp_refusal {
	char key[UT_CURVEKEY_LEN + 1];
	char addr[64];
	int64_t n;
} rp_refusal_t;
#define RP_REFUSALS 16

typedef struct rp_linkctx {
	pthread_t th;
	int started;
	void *ctx;         /* the link's own ZeroMQ context: its ZAP handler serves only these sockets */
	void *ctrl_main;   /* main thread's end of the stop pipe */
	void *ctrl;        /* link thread's end */
	ut_rpc_client_t *self; /* the daemon's own request socket */
	char *self_ep;
	char node[128];
	char pub[UT_CURVEKEY_LEN + 1], sec[UT_CURVEKEY_LEN + 1];
	/* parent side */
	char *listen;
	void *zap, *down;
	void *fwd;         /* DEALER to the daemon: children's snapshots forwarded several at a time */
	uint64_t fwd_seq;
	size_t max_msg;    /* the daemon's largest request (rpc.max_request_kb): the link takes no more */
	rp_refusal_t refused[RP_REFUSALS];
	int nrefused;
	int64_t refused_other;   /* refusals from further keys or addresses, counted only */
	int64_t refused_logged;  /* monotonic ms of the last summary, 0 = none yet */
	int refused_log_ms;      /* report.refused_log_s */
	/* child side */
	char *parent, *parent_key;
	void *up, *mon;
	int interval_ms, resend_max_ms;
	uint8_t *pending;  /* the packed envelope waiting for its ack */
	size_t pending_len;
	uint64_t pending_seq, acked_seq;
	int64_t next_build, next_send;
	int backoff_ms;
	int64_t sent;      /* sends not yet recorded in the database */
	char error[512];
	int dirty;         /* acked_seq or error changed: tell the daemon */
	int opened;        /* uplink sockets made so far, for unique monitor endpoints */
	int64_t reopen_at; /* after a failed handshake: when to try a fresh socket, 0 = not waiting */
	int64_t heard_at;  /* monotonic ms of the socket's opening or the parent's last answer */
} rp_linkctx_t;

int rp_down_open(rp_linkctx_t *l);
void rp_down_zap(rp_linkctx_t *l);
void rp_down_recv(rp_linkctx_t *l);
/* When refusals wait to be summarised in the log (monotonic ms), 0 when none; rp_down_tick writes
 * the summary once it is due. */
int64_t rp_down_due(const rp_linkctx_t *l);
void rp_down_tick(rp_linkctx_t *l, int64_t now);

#endif
