/* The daemon frame: one zmq_poll loop over the request ROUTER, the Redis sockets (events read, a
 * relayed batch's answer), a signalfd and the timer heap. Requests are applied with group commit:
 * every ready request runs in one transaction (each in its own savepoint unless its handler
 * writes only after its checks), one COMMIT, then all replies go out. */
#include "ut/service.h"
#include "ut/clock.h"
#include "ut/err.h"
#include "ut/log.h"
#include "ut/outbox.h"
#include "ut/wal.h"

#include <errno.h>
#include <getopt.h>
#include <malloc.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zmq.h>

struct ut_service {
	const ut_service_def_t *def;
	ut_config_t cfg;
	char *run_dir;
	void *zctx;
	ut_rpc_server_t *rpc;
	ut_store_t *store;
	ut_outbox_t outbox;
	ut_bus_t *bus;
	ut_timers_t *timers;
	void *app;
	int sigfd;
	int stop;
	int emitted;        /* events queued since the last relay */
	const char *actor;  /* whose request or event is being handled: its events carry it */
	int relay_timer;    /* a retry is scheduled */
	int64_t started_ms;
	int64_t requests, commits, commit_us, events_applied;
	int backoff_ms;
	int64_t hold_until_ms; /* a backup is under way: published events stay in the outbox */
	ut_wal_t *wal;
	ut_rpc_req_t *reqs;
	ut_reply_t *reps;
	ut_bus_batch_t batch;
};

ut_store_t *ut_service_store(ut_service_t *svc) { return svc->store; }
const ut_config_t *ut_service_config(ut_service_t *svc) { return &svc->cfg; }
ut_timers_t *ut_service_timers(ut_service_t *svc) { return svc->timers; }
const char *ut_service_name(ut_service_t *svc) { return svc->def->name; }

int ut_service_by_officer(const Ut__Envelope *req)
{
	return !*req->role || !strcmp(req->role, "officer") || !strcmp(req->role, "admin");
}
void *ut_service_app(ut_service_t *svc) { return svc->app; }
void ut_service_set_app(ut_service_t *svc, void *app) { svc->app = app; }

int ut_service_emit(ut_service_t *svc, int type, const ProtobufCMessage *body)
{
	int rc = ut_outbox_put(&svc->outbox, type, body, svc->actor);
	if (!rc)
		svc->emitted = 1;
	return rc;
}

/* ---- outbox relay and Redis reconnection ---- */

static void relay(ut_service_t *svc);

static void relay_retry(void *arg)
{
	ut_service_t *svc = arg;
	svc->relay_timer = 0;
	relay(svc);
}

static void schedule_retry(ut_service_t *svc)
{
	if (svc->relay_timer)
		return;
	svc->backoff_ms = svc->backoff_ms ? svc->backoff_ms * 2 : 100;
	if (svc->backoff_ms > 2000)
		svc->backoff_ms = 2000;
	svc->relay_timer = 1;
	ut_timer_add(svc->timers, ut_clock_mono_ms() + svc->backoff_ms, relay_retry, svc);
}

/* Send what was committed and return without waiting: the reply is read when it arrives (the
 * loop polls for it), so Redis appends while the next requests are applied; what was committed
 * meanwhile goes in the next batch. */
static void relay(ut_service_t *svc)
{
	if (svc->relay_timer)
		return; /* Redis is away: the retry timer relays when it is back */
	for (;;) {
		int n = ut_outbox_relay_take(&svc->outbox, svc->bus, 0);
		if (n >= 0 && svc->outbox.sent > svc->outbox.published)
			return; /* the batch before is still in flight: this runs again on its reply */
		if (n >= 0)
			n = ut_outbox_relay_send(&svc->outbox, svc->bus, svc->cfg.relay_batch);
		if (n < 0) {
			schedule_retry(svc);
			return;
		}
		svc->backoff_ms = 0;
		if (n < svc->cfg.relay_batch)
			break;
	}
	svc->emitted = 0;
}

/* Delete published rows from the outbox, inside the caller's transaction; not while a node
 * backup is under way, so the copy of this database still holds every event published since the
 * daemons backed up before it were copied, and a restore relays them to those again. */
static int held(ut_service_t *svc)
{
	if (svc->hold_until_ms && ut_clock_mono_ms() >= svc->hold_until_ms)
		svc->hold_until_ms = 0;
	return svc->hold_until_ms != 0;
}

static int forget(ut_service_t *svc)
{
	return held(svc) ? 0 : ut_outbox_forget(&svc->outbox);
}

/* Published rows are deleted inside the next transaction the daemon makes anyway; when it is
 * idle, this timer makes one. */
static void forget_tick(void *arg)
{
	ut_service_t *svc = arg;
	if (svc->outbox.forgotten < svc->outbox.published && !held(svc) && ut_store_begin(svc->store) == 0) {
		if (forget(svc) == 0)
			ut_store_commit(svc->store);
		ut_store_rollback(svc->store);
	}
	ut_timer_add(svc->timers, ut_clock_mono_ms() + 1000, forget_tick, svc);
}

/* ---- requests ---- */

static const ut_handler_t *find_handler(const ut_service_def_t *def, int type)
{
	for (int i = 0; i < def->nhandlers; i++)
		if (def->handlers[i].type == type)
			return &def->handlers[i];
	return NULL;
}

static int handle_status(ut_service_t *svc, ut_reply_t *rep)
{
	Ut__StatusReply r = UT__STATUS_REPLY__INIT;
	r.daemon = (char *)svc->def->name;
	r.node = svc->cfg.node_id;
	r.version = UT_VERSION;
	r.uptime_s = (ut_clock_now_ms() - svc->started_ms) / 1000;
	r.db_path = (char *)ut_store_path(svc->store);
	r.redis_connected = ut_bus_connected(svc->bus);
	r.outbox_pending = ut_outbox_pending(&svc->outbox);
	r.events_applied = svc->events_applied;
	r.requests_served = svc->requests;
	r.commits = svc->commits;
	r.commit_us = svc->commit_us;
	ut_arena_t a = {0};
	if (svc->def->status && svc->def->status(svc, &a, &r) != 0)
		ut_warn("status: the daemon's own part is left out");
	int rc = ut_reply_body(rep, &r.base);
	ut_arena_free(&a);
	return rc;
}

/* MSG_BACKUP, run between batches (no transaction open), so the copy holds exactly what was
 * committed: every request before it, none half-applied. */
static int handle_backup(ut_service_t *svc, const Ut__Envelope *req, ut_reply_t *rep)
{
	Ut__BackupRequest *b = ut__backup_request__unpack(NULL, req->body.len, req->body.data);
	if (!b)
		return ut_reply_err(rep, UT_EINVAL, "the backup request cannot be decoded");
	Ut__BackupReply r = UT__BACKUP_REPLY__INIT;
	r.daemon = (char *)svc->def->name;
	r.path = "";
	r.schema_version = ut_store_schema_version(svc->store);
	int rc = 0;
	if (!*b->path) {
		if (b->hold_s <= 0 || b->hold_s > 3600)
			rc = ut_reply_err(rep, UT_EINVAL, "hold_s must be 1 to 3600 seconds without a path, not %d",
					  (int)b->hold_s);
		else
			svc->hold_until_ms = ut_clock_mono_ms() + (int64_t)b->hold_s * 1000;
	} else if (b->path[0] != '/') {
		rc = ut_reply_err(rep, UT_EINVAL, "the backup file must be an absolute path, not %s", b->path);
	} else if (access(b->path, F_OK) == 0) {
		rc = ut_reply_err(rep, UT_ECONFLICT, "%s exists; a backup is written to a new file", b->path);
	} else {
		int64_t t0 = ut_clock_mono_ms();
		rc = ut_store_backup(svc->store, b->path, &r.size);
		if (rc)
			ut_reply_err(rep, rc, "%s could not write its backup to %s", svc->def->name, b->path);
		else {
			ut_info("backup written to %s (%lld bytes, schema version %d)", b->path, (long long)r.size,
				(int)r.schema_version);
			r.path = b->path;
			r.took_ms = ut_clock_mono_ms() - t0;
			svc->hold_until_ms = 0;
		}
	}
	if (!rc)
		rc = ut_reply_body(rep, &r.base);
	ut__backup_request__free_unpacked(b, NULL);
	return rc;
}

/* MSG_AUDIT_LIST, answered by every daemon: the changes it made, who asked for each. */
static void handle_audit(ut_service_t *svc, const Ut__Envelope *req, ut_reply_t *rep)
{
	Ut__AuditQuery *q = ut_rpc_body(req, &ut__audit_query__descriptor, rep);
	if (!q)
		return;
	ut_arena_t a = {0};
	Ut__AuditList out = UT__AUDIT_LIST__INIT;
	int rc = ut_store_audit_list(svc->store, &a, q, &out);
	protobuf_c_message_free_unpacked(&q->base, NULL);
	if (ut_reply_msg(rep, &a, rc, &out.base) && rep->status == UT__STATUS__STATUS_OK)
		ut_reply_err(rep, UT_EINTERNAL, "%s cannot read its audit", svc->def->name);
}

static int is_backup(const ut_rpc_req_t *req)
{
	return !req->bad && req->env->type == UT__MSG_TYPE__MSG_BACKUP;
}

/* Run one request in the batch's transaction (opened by the first writer). Returns 1 when the
 * batch must be run again with a savepoint per request (safe = 1): a handler that ran without one
 * failed after it had written. */
static int run_request(ut_service_t *svc, ut_rpc_req_t *req, ut_reply_t *rep, int *in_tx, int safe)
{
	if (req->bad) {
		ut_reply_err(rep, UT_EINVAL, "%s (%zu bytes)", req->bad, req->size);
		return 0;
	}
	int type = req->env->type;
	if (type == UT__MSG_TYPE__MSG_BACKUP)
		return 0; /* after the commit (apply_requests) */
	if (type == UT__MSG_TYPE__MSG_STATUS) {
		handle_status(svc, rep);
		return 0;
	}
	if (type == UT__MSG_TYPE__MSG_AUDIT_LIST) {
		handle_audit(svc, req->env, rep);
		return 0;
	}
	const ut_handler_t *h = find_handler(svc->def, type);
	if (!h) {
		ut_reply_err(rep, UT_EINVAL, "%s does not handle message type %d", svc->def->name, type);
		return 0;
	}
	if (!h->writes) {
		int rc = h->fn(svc, req->env, rep);
		if (rc && rep->status == UT__STATUS__STATUS_OK)
			ut_reply_err(rep, rc, "%s", ut_strerror(rc));
		return 0;
	}
	if (!*in_tx) {
		if (ut_store_begin(svc->store) != 0) {
			ut_reply_err(rep, UT_EUNAVAIL, "%s cannot write its database now", svc->def->name);
			return 0;
		}
		*in_tx = 1;
		forget(svc);
	}
	int own = safe || (h->writes & ~UT_UNAUDITED) != UT_WRITES_AFTER_CHECKS;
	if (own && ut_store_savepoint(svc->store) != 0) {
		ut_reply_err(rep, UT_EUNAVAIL, "%s cannot write its database now", svc->def->name);
		return 0;
	}
	sqlite3_int64 changes = sqlite3_total_changes64(ut_store_db(svc->store));
	svc->actor = req->env->actor;
	int rc = h->fn(svc, req->env, rep);
	svc->actor = NULL;
	if (rc == 0 && rep->status != UT__STATUS__STATUS_OK)
		rc = ut_status_to_err(rep->status);
	if (rc && rep->status == UT__STATUS__STATUS_OK)
		ut_reply_err(rep, rc, "%s", ut_strerror(rc));
	/* the change and who asked for it, in one savepoint: kept together or not at all */
	const char *actor = *req->env->actor ? req->env->actor : "unknown";
	if (!rc && !(h->writes & UT_UNAUDITED) &&
	    (rc = ut_store_audit(svc->store, ut_clock_now_ms(), actor, type, req->env->id, req->env->body.data,
				 req->env->body.len)) != 0) {
		ut_reply_clear(rep);
		ut_reply_err(rep, rc, "%s could not record who made the change; nothing was changed", svc->def->name);
	}
	if (own && rc)
		ut_store_rollback_to(svc->store);
	else if (own)
		ut_store_release(svc->store);
	return !own && rc && sqlite3_total_changes64(ut_store_db(svc->store)) != changes;
}

/* Once committed, the log says who changed what too, by ids only (the audit holds the request). */
static void log_changes(ut_service_t *svc, const ut_rpc_req_t *reqs, const ut_reply_t *reps, int n)
{
	for (int i = 0; i < n; i++) {
		const ut_handler_t *h = reqs[i].bad ? NULL : find_handler(svc->def, reqs[i].env->type);
		if (!h || !h->writes || (h->writes & UT_UNAUDITED) || reps[i].status != UT__STATUS__STATUS_OK)
			continue;
		const ProtobufCEnumValue *v = protobuf_c_enum_descriptor_get_value(&ut__msg_type__descriptor, h->type);
		const char *actor = reqs[i].env->actor;
		ut_info("%s by %s (request %s)", v ? v->name : "?", *actor ? actor : "unknown", reqs[i].env->id);
	}
}

/* Run n requests in one transaction and commit once; when the commit fails every reply becomes
 * `unavailable`, since nothing of the batch was kept. */
static void apply_requests(ut_service_t *svc, ut_rpc_req_t *reqs, ut_reply_t *reps, int n)
{
	int in_tx = 0, emitted_before = svc->emitted, redo = 0;
	for (int i = 0; i < n && !redo; i++)
		redo = run_request(svc, &reqs[i], &reps[i], &in_tx, 0);
	if (redo) {
		ut_warn("%s: a request failed after writing; running its batch of %d again", svc->def->name, n);
		ut_store_rollback(svc->store);
		svc->emitted = emitted_before;
		in_tx = 0;
		for (int i = 0; i < n; i++) {
			ut_reply_clear(&reps[i]);
			run_request(svc, &reqs[i], &reps[i], &in_tx, 1);
		}
	}
	int64_t t0 = in_tx ? ut_clock_mono_us() : 0;
	if (in_tx && ut_store_commit(svc->store) == 0) {
		svc->commits++;
		svc->commit_us += ut_clock_mono_us() - t0;
		log_changes(svc, reqs, reps, n);
	} else if (in_tx) {
		ut_store_rollback(svc->store);
		svc->emitted = emitted_before;
		for (int i = 0; i < n; i++) {
			ut_reply_clear(&reps[i]);
			ut_reply_err(&reps[i], UT_EUNAVAIL, "%s could not commit; nothing was changed", svc->def->name);
		}
	}
	for (int i = 0; i < n; i++)
		if (is_backup(&reqs[i])) {
			ut_reply_clear(&reps[i]);
			handle_backup(svc, reqs[i].env, &reps[i]);
		}
	svc->requests += n;
}

static void handle_requests(ut_service_t *svc)
{
	int n = 0;
	while (n < svc->cfg.batch_max && ut_rpc_server_recv(svc->rpc, &svc->reqs[n]) == 1)
		n++;
	if (!n)
		return;
	apply_requests(svc, svc->reqs, svc->reps, n);
	for (int i = 0; i < n; i++) {
		ut_rpc_server_reply(svc->rpc, &svc->reqs[i], svc->cfg.node_id, &svc->reps[i]);
		ut_reply_clear(&svc->reps[i]);
		ut_rpc_req_clear(&svc->reqs[i]);
	}
	ut_rpc_server_batch_done(svc->rpc);
	if (svc->emitted)
		relay(svc);
}

void ut_service_handle_batch(ut_service_t *svc, int n, const void *const *frames, const size_t *lens,
			     ut_reply_t *reps)
{
	ut_rpc_req_t *reqs = calloc((size_t)n, sizeof *reqs);
	if (!reqs) {
		for (int i = 0; i < n; i++)
			ut_reply_err(&reps[i], UT_ENOMEM, "out of memory");
		return;
	}
	for (int i = 0; i < n; i++)
		ut_rpc_req_decode(&reqs[i], frames[i], lens[i], (size_t)svc->cfg.rpc_max_request_kb * 1024);
	apply_requests(svc, reqs, reps, n);
	for (int i = 0; i < n; i++)
		ut_rpc_req_clear(&reqs[i]);
	free(reqs);
}

void ut_service_handle(ut_service_t *svc, const void *frame, size_t len, ut_reply_t *rep)
{
	ut_service_handle_batch(svc, 1, &frame, &len, rep);
}

/* ---- events ---- */

static ut_event_fn find_event(const ut_service_def_t *def, int type)
{
	for (int i = 0; i < def->nevents; i++)
		if (def->events[i].type == type)
			return def->events[i].fn;
	return NULL;
}

static void consume_retry(void *arg);

/* One event inside the consumer's open transaction: inbox check, its own savepoint, the handler.
 * Returns 1 applied, 0 skipped (malformed, repeated, unknown type or refused), or UT_E* when the
 * whole batch must be retried. */
static int apply_one(ut_service_t *svc, const void *data, size_t len, const char *sid, const char *stream)
{
	Ut__Envelope *ev = ut__envelope__unpack(NULL, len, data);
	if (!ev || !ev->id || !*ev->id) {
		ut_error("event %s on %s is malformed; skipped", sid, stream);
		if (ev)
			ut__envelope__free_unpacked(ev, NULL);
		return 0;
	}
	int rc = 0;
	ut_event_fn fn = find_event(svc->def, ev->type);
	int seen = fn ? ut_inbox_check(svc->store, ev->id) : 1;
	if (seen < 0)
		rc = seen;
	else if (!seen && (rc = ut_store_savepoint(svc->store)) == 0) {
		svc->actor = ev->actor; /* what it emits in turn was asked for by the same */
		int erc = fn(svc, ev);
		svc->actor = NULL;
		if (erc == UT_EUNAVAIL) {
			rc = erc;
		} else if (erc) {
			/* a bad event cannot become good by retrying: log it and go on */
			ut_error("event %s (type %d) not applied: %s", ev->id, ev->type, ut_strerror(erc));
			ut_store_rollback_to(svc->store);
		} else {
			ut_store_release(svc->store);
			rc = 1;
		}
	}
	ut__envelope__free_unpacked(ev, NULL);
	return rc;
}

/* Apply a batch in one transaction; acknowledge only after it committed. */
static int apply_batch(ut_service_t *svc)
{
	ut_bus_batch_t *b = &svc->batch;
	if (!b->n)
		return 0;
	int rc = ut_store_begin(svc->store), applied = 0;
	if (!rc)
		forget(svc);
	for (int i = 0; i < b->n && !rc; i++) {
		if (!b->e[i].data)
			continue; /* deleted from the stream */
		rc = apply_one(svc, b->e[i].data, b->e[i].len, b->e[i].id, b->e[i].stream);
		if (rc > 0)
			applied++, rc = 0;
	}
	if (!rc)
		rc = ut_store_commit(svc->store);
	if (rc) {
		ut_store_rollback(svc->store);
		ut_warn("events not applied now (%s); retrying", ut_strerror(rc));
		ut_bus_batch_clear(b);
		return rc;
	}
	svc->events_applied += applied;
	ut_bus_ack(svc->bus, b); /* if this fails they come back and the inbox skips them */
	ut_bus_batch_clear(b);
	if (svc->emitted)
		relay(svc);
	return 0;
}

int ut_service_apply_event(ut_service_t *svc, const void *frame, size_t len)
{
	int rc = ut_store_begin(svc->store);
	if (rc)
		return rc;
	forget(svc);
	rc = apply_one(svc, frame, len, "(direct)", "(none)");
	if (rc >= 0 && ut_store_commit(svc->store) == 0) {
		svc->events_applied += rc;
		return 0;
	}
	ut_store_rollback(svc->store);
	return rc < 0 ? rc : UT_EUNAVAIL;
}

static void consume_start(ut_service_t *svc)
{
	if (ut_bus_read_start(svc->bus, svc->cfg.bus_read_count, 2000) != 0)
		ut_timer_add(svc->timers, ut_clock_mono_ms() + 500, consume_retry, svc);
}

static void consume_retry(void *arg) { consume_start(arg); }

static void handle_events(ut_service_t *svc)
{
	int rc = ut_bus_read_take(svc->bus, &svc->batch);
	if (rc == 0)
		return; /* partial reply */
	if (rc < 0 || apply_batch(svc) != 0) {
		ut_bus_batch_clear(&svc->batch);
		ut_bus_rewind(svc->bus); /* the unapplied entries come first again, in order */
		ut_timer_add(svc->timers, ut_clock_mono_ms() + 500, consume_retry, svc);
		return;
	}
	consume_start(svc);
}

static void reclaim_tick(void *arg)
{
	ut_service_t *svc = arg;
	/* only on the command connection, between reads: a pending read does not block it */
	if (ut_bus_connected(svc->bus) && ut_bus_reclaim(svc->bus, svc->cfg.bus_claim_idle_ms, 100, &svc->batch) > 0)
		apply_batch(svc);
	ut_bus_batch_clear(&svc->batch);
	ut_timer_add(svc->timers, ut_clock_mono_ms() + svc->cfg.bus_claim_idle_ms / 2, reclaim_tick, svc);
}

/* ---- start-up and the loop ---- */

static int make_run_dir(const char *dir)
{
	struct stat st;
	if (stat(dir, &st) == 0) {
		if (!S_ISDIR(st.st_mode)) {
			ut_error("run directory %s is not a directory", dir);
			return UT_EINVAL;
		}
		if (st.st_mode & 077)
			ut_warn("run directory %s is mode %03o; it should be 0700", dir, st.st_mode & 0777);
		return 0;
	}
	char tmp[4096];
	snprintf(tmp, sizeof tmp, "%s", dir);
	for (char *p = tmp + 1; *p; p++)
		if (*p == '/') {
			*p = '\0';
			mkdir(tmp, 0700);
			*p = '/';
		}
	if (mkdir(tmp, 0700) != 0 && errno != EEXIST) {
		ut_error("cannot create run directory %s: %s", dir, strerror(errno));
		return UT_EUNAVAIL;
	}
	return 0;
}

static int start(ut_service_t *svc)
{
	const ut_service_def_t *def = svc->def;
	ut_clock_set_zone(svc->cfg.timezone);
	if (!(svc->run_dir = ut_config_run_dir(&svc->cfg)) || make_run_dir(svc->run_dir) != 0)
		return UT_EINVAL;
	char *db = NULL, *redis_sock = NULL, *ep = ut_config_endpoint(&svc->cfg, def->name);
	if (asprintf(&db, "%s/%s.db", svc->run_dir, def->name) < 0)
		db = NULL;
	if (*svc->cfg.redis_socket && asprintf(&redis_sock, "%s%s%s", svc->cfg.redis_socket[0] == '/' ? "" : svc->run_dir,
					       svc->cfg.redis_socket[0] == '/' ? "" : "/", svc->cfg.redis_socket) < 0)
		redis_sock = NULL;
	int rc = UT_EINTERNAL;
	if (!db || !ep)
		goto out;
	if ((rc = ut_store_open(&svc->store, db, def->migrations, def->nmigrations, svc->cfg.sqlite_synchronous,
				svc->cfg.busy_timeout_ms)) != 0) {
		if (rc != UT_EINVAL) /* a schema newer than this program: said where it was found */
			ut_error("cannot open %s: is the run directory writable, with space left?", db);
		goto out;
	}
	svc->wal = ut_wal_start(svc->store, svc->cfg.sqlite_synchronous);
	if ((rc = ut_outbox_init(&svc->outbox, svc->store, svc->cfg.node_id, def->name)) != 0)
		goto out;
	rc = UT_EINTERNAL;
	svc->timers = ut_timers_new();
	svc->bus = ut_bus_new(redis_sock, svc->cfg.redis_host, svc->cfg.redis_port, svc->cfg.redis_prefix);
	svc->zctx = zmq_ctx_new();
	svc->reqs = calloc((size_t)svc->cfg.batch_max, sizeof *svc->reqs);
	svc->reps = calloc((size_t)svc->cfg.batch_max, sizeof *svc->reps);
	if (!svc->timers || !svc->bus || !svc->zctx || !svc->reqs || !svc->reps)
		goto out;
	if (!(svc->rpc = ut_rpc_server_new(svc->zctx, ep, (size_t)svc->cfg.rpc_max_request_kb * 1024)))
		goto out;
	if (def->init && (rc = def->init(svc)) != 0)
		goto out;
	ut_bus_connect(svc->bus);
	if (def->consumes) {
		int n = 0;
		while (def->consumes[n])
			n++;
		if ((rc = ut_bus_subscribe(svc->bus, def->name, def->name, def->consumes, n)) != 0)
			goto out;
		consume_start(svc);
		ut_timer_add(svc->timers, ut_clock_mono_ms() + svc->cfg.bus_claim_idle_ms / 2, reclaim_tick, svc);
	}
	ut_timer_add(svc->timers, ut_clock_mono_ms() + 1000, forget_tick, svc);
	relay(svc); /* whatever a predecessor committed but did not publish */
	ut_info("serving on %s, database %s, node %s", ep, db, svc->cfg.node_id);
	rc = 0;
out:
	free(db);
	free(ep);
	free(redis_sock);
	return rc;
}

static void stop_all(ut_service_t *svc)
{
	if (svc->def->fini)
		svc->def->fini(svc);
	ut_rpc_server_destroy(&svc->rpc);
	if (svc->zctx)
		zmq_ctx_term(svc->zctx);
	ut_bus_batch_free(&svc->batch);
	ut_bus_destroy(&svc->bus);
	ut_timers_destroy(&svc->timers);
	ut_wal_stop(&svc->wal);
	ut_store_destroy(&svc->store);
	free(svc->reqs);
	free(svc->reps);
	free(svc->run_dir);
	ut_config_free(&svc->cfg);
	if (svc->sigfd >= 0)
		close(svc->sigfd);
}

static int loop(ut_service_t *svc)
{
	while (!svc->stop) {
		if (ut_bus_publish_taken(svc->bus))
			relay(svc); /* another command read the publish's reply */
		zmq_pollitem_t it[4] = {
			{ut_rpc_server_socket(svc->rpc), 0, ZMQ_POLLIN, 0},
			{NULL, svc->sigfd, ZMQ_POLLIN, 0},
			{NULL, ut_bus_read_fd(svc->bus), ZMQ_POLLIN, 0},
			{NULL, ut_bus_publish_fd(svc->bus), ZMQ_POLLIN, 0},
		};
		int nit = 2;
		for (int i = 2; i < 4; i++)
			if (it[i].fd >= 0)
				it[nit++] = it[i];
		long wait = ut_timers_wait_ms(svc->timers, ut_clock_mono_ms());
		int rc = zmq_poll(it, nit, wait);
		if (rc < 0 && zmq_errno() != EINTR) {
			ut_error("zmq_poll: %s", zmq_strerror(zmq_errno()));
			return 1;
		}
		for (int i = 0; rc > 0 && i < nit; i++) {
			if (!(it[i].revents & ZMQ_POLLIN))
				continue;
			if (i == 0)
				handle_requests(svc);
			else if (it[i].fd == svc->sigfd) {
				struct signalfd_siginfo si;
				if (read(svc->sigfd, &si, sizeof si) == sizeof si)
					ut_info("signal %d: finishing the current batch and stopping", (int)si.ssi_signo);
				svc->stop = 1;
			} else if (it[i].fd == ut_bus_read_fd(svc->bus))
				handle_events(svc);
			else if (it[i].fd == ut_bus_publish_fd(svc->bus))
				relay(svc);
		}
		ut_timers_run(svc->timers, ut_clock_mono_ms());
	}
	/* the batch in flight, then the rest; what is still left is published at the next start */
	ut_outbox_relay_take(&svc->outbox, svc->bus, 1);
	relay(svc);
	ut_outbox_relay_take(&svc->outbox, svc->bus, 1);
	return 0;
}

static void usage(const ut_service_def_t *def, FILE *f)
{
	fprintf(f,
		"usage: %s [--config FILE] [--check-config] [--help] [--version]\n"
		"%s\n\n"
		"  -c, --config FILE   node configuration (default: $UT_NODE_CONFIG, else built-in defaults)\n"
		"      --check-config  read the configuration, report problems, and exit\n"
		"      --print-defaults  print a configuration file with every setting and exit\n"
		"  -h, --help          this text\n"
		"  -V, --version       print the version\n\n"
		"Serves requests on ipc://<run_dir>/%s.sock; logs to stderr; stops cleanly on SIGTERM.\n",
		def->name, def->summary, def->name);
}

int ut_service_main(const ut_service_def_t *def, int argc, char **argv)
{
	static const struct option opts[] = {{"config", required_argument, 0, 'c'},
					     {"check-config", no_argument, 0, 'k'},
					     {"print-defaults", no_argument, 0, 'p'},
					     {"help", no_argument, 0, 'h'},
					     {"version", no_argument, 0, 'V'},
					     {0, 0, 0, 0}};
	const char *config = getenv("UT_NODE_CONFIG");
	int check = 0, c;
	ut_log_init(def->name, UT_LOG_INFO);
	/* Blocks of 256 KiB and more (a large import's arena, SQLite's spill) come from mmap and go
	 * back to the system when freed: glibc would otherwise raise this threshold after the first
	 * such free and serve the next ones from the heap, where they stayed as a daemon's RSS. */
	mallopt(M_MMAP_THRESHOLD, 256 * 1024);
	while ((c = getopt_long(argc, argv, "c:hV", opts, NULL)) != -1) {
		switch (c) {
		case 'c': config = optarg; break;
		case 'k': check = 1; break;
		case 'p': ut_config_write_defaults(stdout); return 0;
		case 'h': usage(def, stdout); return 0;
		case 'V': printf("%s %s\n", def->name, UT_VERSION); return 0;
		default: usage(def, stderr); return 2;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "%s: unexpected argument '%s'\n", def->name, argv[optind]);
		usage(def, stderr);
		return 2;
	}
	ut_config_t cfg;
	char err[512];
	if (config && *config) {
		if (ut_config_load(&cfg, config, err, sizeof err, NULL) != 0) {
			ut_error("configuration: %s", err);
			ut_config_free(&cfg);
			return 1;
		}
	} else
		ut_config_defaults(&cfg);
	if (check) {
		printf("%s: configuration %s is valid\n", def->name, config && *config ? config : "(defaults)");
		ut_config_free(&cfg);
		return 0;
	}
	sigset_t mask;
	sigemptyset(&mask);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	signal(SIGPIPE, SIG_IGN);
	ut_service_t *svc;
	if (ut_service_open(&svc, def, &cfg) != 0)
		return 1;
	svc->sigfd = signalfd(-1, &mask, SFD_CLOEXEC);
	int rc = loop(svc);
	ut_service_close(&svc);
	ut_info("stopped");
	return rc;
}

int ut_service_open(ut_service_t **out, const ut_service_def_t *def, ut_config_t *cfg)
{
	ut_service_t *svc = calloc(1, sizeof *svc);
	*out = NULL;
	if (!svc) {
		ut_config_free(cfg);
		return UT_ENOMEM;
	}
	svc->def = def;
	svc->sigfd = -1;
	svc->cfg = *cfg;
	memset(cfg, 0, sizeof *cfg);
	ut_log_set_level(ut_log_level_parse(svc->cfg.log_level));
	svc->started_ms = ut_clock_now_ms();
	int rc = start(svc);
	if (rc) {
		ut_service_close(&svc);
		return rc;
	}
	*out = svc;
	return 0;
}

void ut_service_close(ut_service_t **svcp)
{
	if (!*svcp)
		return;
	stop_all(*svcp);
	free(*svcp);
	*svcp = NULL;
}
