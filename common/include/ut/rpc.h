/* Requests and replies over ZeroMQ: a ROUTER on the daemon side, DEALER clients with a timeout.
 * Every frame that reaches the server gets exactly one reply, also when it is malformed. */
#ifndef UT_RPC_H
#define UT_RPC_H

#include <stddef.h>
#include <protobuf-c/protobuf-c.h>
#include "envelope.pb-c.h"
#include "ut/arena.h"

#define UT_RPC_MAX_ROUTE 8

/* How many items a list reply holds: UT_LIST_DEFAULT when the request says none, at most
 * UT_LIST_MAX + 1 (a client shows at most UT_LIST_MAX and asks for one more to know there are). */
#define UT_LIST_DEFAULT 1000
#define UT_LIST_MAX 10000
#define UT_LIST_LIMIT(n) ((n) <= 0 ? UT_LIST_DEFAULT : (n) > UT_LIST_MAX + 1 ? UT_LIST_MAX + 1 : (n))

#define UT_REPLY_MAX_ARGS 8

typedef struct ut_reply {
	int status;          /* UT__STATUS__* */
	char message[512];   /* for a person, in English */
	const char *code;    /* the message's format, a string literal: the catalogues' msgid */
	int nargs;           /* the format's arguments, each as text, NUL-separated in args */
	char args[512];
	unsigned char *body; /* packed reply message, malloc'd, may be NULL */
	size_t body_len;
} ut_reply_t;

/* Set status and message. `err` is a UT_E* code (0 = ok). Returns err, so handlers can
 * `return ut_reply_err(rep, UT_EINVAL, "capacity must be positive");`. The format (always a string
 * literal) travels as the reply's code and each argument as text, so a client can say the same in
 * its reader's language from the catalogues (common/po/). */
int ut_reply_err(ut_reply_t *rep, int err, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Set status, message, code and arguments as another reply had them (a bulk request's one result
 * said as the request's reply). Returns err. */
int ut_reply_set(ut_reply_t *rep, int err, const char *message, const char *code, char *const *args, size_t nargs);
/* The arguments of rep (ut_reply_err's) into argv, pointing into rep; how many. */
size_t ut_reply_args(const ut_reply_t *rep, char **argv, size_t max);
/* Pack `m` as the reply body. */
int ut_reply_body(ut_reply_t *rep, const ProtobufCMessage *m);
void ut_reply_clear(ut_reply_t *rep);
/* The end of a handler that built its reply in an arena: unless rc is an error, pack m (when
 * given) as the body; then free the arena. Returns rc, or UT_ENOMEM if the arena ran out. */
int ut_reply_msg(ut_reply_t *rep, ut_arena_t *a, int rc, const ProtobufCMessage *m);
/* Unpack the request body as a `d` message; NULL with an `invalid` reply when it does not
 * decode. Free with protobuf_c_message_free_unpacked(m, NULL). */
void *ut_rpc_body(const Ut__Envelope *req, const ProtobufCMessageDescriptor *d, ut_reply_t *rep);
/* The same, decoded into the arena a (one free of the arena frees it; fields may be replaced by
 * other strings of the arena): for large bodies, which otherwise cost a malloc per field. */
void *ut_rpc_body_in(const Ut__Envelope *req, const ProtobufCMessageDescriptor *d, ut_arena_t *a, ut_reply_t *rep);

/* One received request: the routing frames to answer to and the decoded envelope. */
typedef struct ut_rpc_req {
	unsigned char *route[UT_RPC_MAX_ROUTE];
	size_t route_len[UT_RPC_MAX_ROUTE];
	int nroute;
	Ut__Envelope *env; /* NULL when the payload was malformed; see `bad` */
	const char *bad;   /* why it was malformed */
	size_t size;       /* payload bytes */
	ut_arena_t *mem;   /* what route and env were allocated from; NULL: malloc */
} ut_rpc_req_t;

typedef struct ut_rpc_server ut_rpc_server_t;

/* Bind a ROUTER on endpoint. max_request is the largest payload answered normally; larger
 * ones get an `invalid` reply (the transport itself drops frames over 4x that). */
ut_rpc_server_t *ut_rpc_server_new(void *zctx, const char *endpoint, size_t max_request);
void ut_rpc_server_destroy(ut_rpc_server_t **s);
void *ut_rpc_server_socket(ut_rpc_server_t *s);
/* Non-blocking: 1 = a request is in req (its env may be NULL: malformed), 0 = none ready. The
 * request lives in the server's batch memory until ut_rpc_server_batch_done. */
int ut_rpc_server_recv(ut_rpc_server_t *s, ut_rpc_req_t *req);
/* Every request received so far has been answered and cleared: free their memory at once. */
void ut_rpc_server_batch_done(ut_rpc_server_t *s);
/* Reply to req with rep; the envelope echoes the request id. */
int ut_rpc_server_reply(ut_rpc_server_t *s, const ut_rpc_req_t *req, const char *node, const ut_reply_t *rep);
void ut_rpc_req_clear(ut_rpc_req_t *req);
/* Decode a payload into req->env (from req->mem when set), or set req->bad (empty, larger than
 * max_request, malformed). */
void ut_rpc_req_decode(ut_rpc_req_t *req, const void *data, size_t len, size_t max_request);

typedef struct ut_rpc_client ut_rpc_client_t;

ut_rpc_client_t *ut_rpc_client_new(void *zctx, const char *endpoint, int timeout_ms);
void ut_rpc_client_destroy(ut_rpc_client_t **c);
/* From now on refuse, with UT_EINVAL and without sending it, a request whose payload is over max
 * bytes: the most a daemon answers ([rpc] max_request_kb). 0, the default: no limit. */
void ut_rpc_client_limit(ut_rpc_client_t *c, size_t max);
/* Who the following requests are for ("unix:root", "web:wang.li"): every daemon keeps it with the
 * change a request makes (the audit). Empty until set. */
void ut_rpc_client_set_actor(ut_rpc_client_t *c, const char *actor);
/* The web console account's role the requests carry (Envelope.role); NULL or "" for none. */
void ut_rpc_client_set_role(ut_rpc_client_t *c, const char *role);
/* Send a request and wait for its reply. 0 with *reply set (check (*reply)->status),
 * UT_ETIMEOUT when the daemon did not answer in time. Free with ut__envelope__free_unpacked. */
int ut_rpc_call(ut_rpc_client_t *c, int type, const ProtobufCMessage *body, Ut__Envelope **reply);
/* The same request to n daemons at once (one client each, NULL for one that could not be made),
 * waiting for all replies up to the longest of their timeouts: so a node with daemons down costs
 * one timeout, not one each. reply[i] is NULL where none came (err[i] says why: UT_ETIMEOUT,
 * UT_EUNAVAIL, UT_EINVAL over the client's limit). 0, or UT_ENOMEM; UT_EINVAL for more than 16. */
int ut_rpc_call_many(ut_rpc_client_t *const c[], size_t n, int type, const ProtobufCMessage *body,
		     Ut__Envelope *reply[], int err[]);
/* Same, with a body already packed. */
int ut_rpc_call_raw(ut_rpc_client_t *c, int type, const unsigned char *body, size_t len, Ut__Envelope **reply);
/* Read one whole message from a socket (routing frames, then the envelope in its last frame):
 * *env is that envelope, NULL when the frame is empty or unreadable. Returns 1 once a message was
 * read, 0 at once with dontwait when none is waiting, -1 on a socket error. For clients that keep
 * several requests in flight; free *env with ut__envelope__free_unpacked. */
int ut_rpc_recv_envelope(void *sock, int dontwait, Ut__Envelope **env);

#endif
