/* The frame every daemon runs in: configuration, its SQLite store, a ROUTER for requests with
 * group commit, the outbox relay, event consumption, timers and clean shutdown, all on one
 * zmq_poll loop. A daemon's main.c fills a ut_service_def_t and calls ut_service_main. */
#ifndef UT_SERVICE_H
#define UT_SERVICE_H

#include "envelope.pb-c.h"
#include "ut/bus.h"
#include "ut/config.h"
#include "ut/rpc.h"
#include "ut/store.h"
#include "ut/timer.h"

typedef struct ut_service ut_service_t;

/* A request handler. Runs inside the batch transaction (in its own savepoint when it writes);
 * returns 0 or UT_E* having set rep. A failing write handler's changes are rolled back alone. */
typedef int (*ut_handler_fn)(ut_service_t *svc, const Ut__Envelope *req, ut_reply_t *rep);

/* What a request handler does to the database. A writing handler runs inside a savepoint of its
 * own, so a refusal takes back exactly what it wrote; one that refuses only before its first write
 * (a failure after it is a storage failure) can say UT_WRITES_AFTER_CHECKS and save the savepoint,
 * which costs SQLite a copy of every page the request touches. If such a handler fails after
 * writing all the same, the batch is rolled back and run again with a savepoint per request. */
enum { UT_READS = 0, UT_WRITES = 1, UT_WRITES_AFTER_CHECKS = 2 };
/* Every successful write is kept in the audit (ut_audit) with the request's actor, unless its
 * handler says what it writes is no change a person makes (a session's last use). */
enum { UT_UNAUDITED = 8 };

typedef struct ut_handler {
	int type;    /* UT__MSG_TYPE__* */
	ut_handler_fn fn;
	int writes;  /* UT_READS, UT_WRITES or UT_WRITES_AFTER_CHECKS, | UT_UNAUDITED */
} ut_handler_t;

/* An event handler: apply the event's effect inside the consumer's transaction. The service
 * has already checked the inbox, so it runs once per event id. Unknown types are skipped. */
typedef int (*ut_event_fn)(ut_service_t *svc, const Ut__Envelope *ev);

typedef struct ut_event_handler {
	int type;
	ut_event_fn fn;
} ut_event_handler_t;

typedef struct ut_service_def {
	const char *name;                 /* "ut-schedd": socket, database, stream and group name */
	const char *summary;              /* one line for --help */
	const ut_migration_t *migrations;
	int nmigrations;
	const ut_handler_t *handlers;
	int nhandlers;
	const char *const *consumes;      /* daemons whose event streams this one reads, NULL-ended */
	const ut_event_handler_t *events;
	int nevents;
	int (*init)(ut_service_t *svc);   /* after the store is open; may set the app pointer */
	void (*fini)(ut_service_t *svc);
	/* The daemon's own part of its status (allocated from a); 0 or UT_E*, then the status is
	 * answered without it. */
	int (*status)(ut_service_t *svc, ut_arena_t *a, Ut__StatusReply *r);
} ut_service_def_t;

/* Parse the command line (--config FILE, --help, --version, --check-config), run until SIGTERM
 * or SIGINT, return the process exit code. */
int ut_service_main(const ut_service_def_t *def, int argc, char **argv);

/* The same service without the loop, for tests and fuzzing: takes over cfg, opens the store,
 * binds the socket, connects to Redis if it can. */
int ut_service_open(ut_service_t **out, const ut_service_def_t *def, ut_config_t *cfg);
void ut_service_close(ut_service_t **svc);
/* Handle one request frame exactly as the loop does (its own transaction); rep gets the reply. */
void ut_service_handle(ut_service_t *svc, const void *frame, size_t len, ut_reply_t *rep);
/* Handle n frames as the loop handles one batch (one transaction, one commit); reps[i] replies. */
void ut_service_handle_batch(ut_service_t *svc, int n, const void *const *frames, const size_t *lens,
			     ut_reply_t *reps);

/* Apply one event frame (a packed envelope) exactly as the consumer does: its own transaction,
 * inbox check, savepoint, handler, commit; for tests and fuzzing, like ut_service_handle (events it
 * emits stay in the outbox). 0 (applied, or skipped as the consumer would) or UT_E*. */
int ut_service_apply_event(ut_service_t *svc, const void *frame, size_t len);

ut_store_t *ut_service_store(ut_service_t *svc);
const ut_config_t *ut_service_config(ut_service_t *svc);
ut_timers_t *ut_service_timers(ut_service_t *svc);
const char *ut_service_name(ut_service_t *svc);
/* 1 when a request is an officer's (or an admin's) on the web console, or from the node's own user
 * (utctl, no role): what only an officer may do is refused otherwise. */
int ut_service_by_officer(const Ut__Envelope *req);
void *ut_service_app(ut_service_t *svc);
void ut_service_set_app(ut_service_t *svc, void *app);
/* Inside a handler's transaction: queue an event on this daemon's stream (outbox). */
int ut_service_emit(ut_service_t *svc, int type, const ProtobufCMessage *body);

#endif
