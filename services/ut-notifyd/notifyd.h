/* ut-notifyd internals: the SQL in store.c, reminder scheduling in schedule.c, due messages to the
 * delivery stream in dispatch.c (rendered in render.c, handed over by jobq.c), templates in
 * template.c, the delivery worker and its channels, the workers' liveness in alive.c. */
#ifndef NOTIFYD_H
#define NOTIFYD_H

#include "enrol.pb-c.h"
#include "notify.pb-c.h"
#include "sched.pb-c.h"
#include "ut/arena.h"
#include "ut/bus.h"
#include "ut/service.h"

/* Redis stream names (under the node's prefix + "ev:"): jobs for the workers, their outcomes. */
#define NOTIFY_JOBS "ut-notifyd-jobs"
#define NOTIFY_RESULTS "ut-notifyd-results"
#define NOTIFY_WORKERS "ut-notifyd-workers" /* the workers' consumer group */
#define NOTIFY_MAX_OFFSETS 16

/* main.c: the daemon as the service frame runs it (the fuzz target drives it too). */
extern const ut_service_def_t ut_notifyd_def;
extern const ut_migration_t notify_migrations[];
#define NOTIFY_NMIGRATIONS 4

/* ---- template.c: <kind>.<locale>.txt files, "Subject: ..." line, blank line, body ---- */
enum {
	V_CADRE_NAME,
	V_CADRE_ID,
	V_UNIT,
	V_CLASS_TITLE,
	V_CLASS_ID,
	V_CLASS_START,
	V_CLASS_END,
	V_VENUE,
	V_LECTURER,
	V_OFFSET,
	V_REASON,
	V_SESSION_START,
	V_UNTIL,
	V_NVARS
};
extern const char *const notify_var_names[V_NVARS];
extern const char *const notify_kinds[];   /* NULL-ended */
extern const char *const notify_locales[]; /* NULL-ended */

typedef struct notify_templates notify_templates_t;
/* Load every kind in every locale; a missing file, invalid UTF-8 or an unknown {{variable}} is
 * UT_EINVAL with "file:line: reason" in err. */
int notify_templates_load(notify_templates_t **out, const char *dir, char *err, size_t errlen);
void notify_templates_destroy(notify_templates_t **t);
/* Check one template text; 0 or UT_EINVAL with the reason in err. */
int notify_template_check(const char *text, size_t len, char *err, size_t errlen);
/* Render kind/locale with vals (NULL = ""). *subject and *text are malloc'd. */
int notify_render(const notify_templates_t *t, const char *kind, const char *locale, const char *const *vals,
		  char **subject, char **text);
int notify_is_kind(const char *kind);
int notify_is_locale(const char *locale);

/* ---- the daemon's state ---- */
typedef struct notify_course_offsets {
	char code[64];
	int64_t offsets[NOTIFY_MAX_OFFSETS];
	int n;
} notify_course_offsets_t;

typedef struct notify_app {
	ut_service_t *svc;
	notify_templates_t *tpl;
	int64_t offsets[NOTIFY_MAX_OFFSETS]; /* seconds before the start */
	int noffsets;
	notify_course_offsets_t *courses; /* [notify] course_offsets */
	int ncourses;
	int quiet_from, quiet_to; /* minutes after local midnight; -1 = no quiet hours */
	ut_bus_t *bus;            /* own connection: republishing jobs, trimming */
	struct notify_jobq *jobq; /* own connection: handing over fresh batches of jobs */
	int64_t epoch;            /* job stream ids are "<epoch>-<queue_seq>" */
	int64_t published;        /* highest queue_seq known to be in the stream */
	int64_t seq;              /* highest queue_seq given */
	int64_t trimmed;          /* job stream trimmed below this queue_seq */
	int due_timer;            /* a timer for the next due message is pending */
	int64_t gen;              /* bumped when what a job shows may have changed (cadre, class, opt-out) */
	struct notify_ahead *ahead; /* jobs rendered ahead of their due time */
	char *spool_dir;
} notify_app_t;

/* Parse "3d,1d,2h"; "21:00-07:00". 0 or UT_EINVAL. */
int notify_parse_offsets(const char *s, int64_t *out, int max, int *n);
/* "CODE=7d,1d;CODE2=2h" into a malloc'd table. */
int notify_parse_course_offsets(const char *s, notify_course_offsets_t **out, int *n);
int notify_parse_quiet(const char *s, int *from, int *to);
/* The due time moved out of quiet hours (its end, local time), unless that is after limit_ms. */
int64_t notify_quiet_adjust(int64_t due_ms, int from, int to, int64_t limit_ms);

/* ---- store.c: all SQL ---- */
typedef struct notify_class {
	int64_t id;
	char title[512];
	char course_code[64];
	char state[32];
	int version;
	int64_t first_start, last_end; /* Unix seconds, 0 when there is no session */
	char venue[256], lecturer[256];
	char reason[512];
	char where[1100]; /* the first session's venue and address, or the link to join it online */
} notify_class_t;

/* One session as notices and calendars show it. */
typedef struct notify_session {
	int64_t id, starts_at, ends_at;
	const char *where, *join_url;
} notify_session_t;

typedef struct notify_cadre {
	char id[128];
	char name[256];
	char email[256];
	char phone[64];
	char locale[16];
	char unit[256];
} notify_cadre_t;

int notify_meta_get(ut_store_t *s, const char *key, int64_t *v);
int notify_meta_set(ut_store_t *s, const char *key, int64_t v);
int notify_cadre_upsert(ut_store_t *s, const Ut__Cadre *c);
int notify_cadre_get(ut_store_t *s, const char *id, notify_cadre_t *out);
int notify_unit_upsert(ut_store_t *s, const Ut__OrgUnit *u);
/* enrolment: ut-enrold's id of the enrolment row (0 when the event did not say). */
int notify_enrol_set(ut_store_t *s, const char *cadre, int64_t class_id, const char *state, int64_t enrolment);
typedef struct notify_place {
	const char *cadre;
	int64_t enrolment;
	int confirmed; /* else waitlisted */
} notify_place_t;
/* The places in the class with state `state` (or "" for confirmed and waitlisted), by cadre id. */
int notify_enrol_list(ut_store_t *s, ut_arena_t *a, int64_t class_id, const char *state, notify_place_t **out,
		      int *n);
int notify_class_get(ut_store_t *s, int64_t id, notify_class_t *out);
/* What the schedule was last computed against: version, first start and a fingerprint of every
 * session's times (0 when never). */
int notify_seen_get(ut_store_t *s, int64_t class_id, int *version, int64_t *first_start, int64_t *timetable);
/* Record the class version as seen, with its sessions' venue addresses and join links. */
int notify_seen_set(ut_store_t *s, const Ut__Class *c, int64_t first_start, int64_t timetable);
/* The class's sessions in order (arena), at most 365. */
int notify_sessions_get(ut_store_t *s, ut_arena_t *a, int64_t class_id, notify_session_t **out, int *n);
/* Insert a message unless its key exists: 1 inserted, 0 already there, or UT_E*. */
int notify_msg_insert(ut_store_t *s, const Ut__Delivery *d, const char *reason);
/* 1 when the cadre was already given (or is to be given) a message of this kind and offset (< 0:
 * any) about the class at any class version, else 0, or UT_E*. */
int notify_msg_had(ut_store_t *s, const char *cadre, int64_t class_id, const char *kind, int64_t offset_s);
/* Withdraw pending reminders of a class (cadre NULL = every cadre) with class version below
 * `below` (0 = any version). Returns how many, or UT_E*. */
int notify_msg_withdraw(ut_store_t *s, int64_t class_id, const char *cadre, int below);
/* Withdraw every pending message to a cadre (who left). */
int notify_msg_withdraw_cadre(ut_store_t *s, const char *cadre);
/* A due message with what addressing it needs; the strings live until the callback returns. */
typedef struct notify_due_row {
	int64_t id, class_id, offset_s, due_ms, created_ms;
	int class_version, attempts;
	const char *key, *cadre_id, *kind, *reason;
	const char *name, *email, *phone, *locale, *unit; /* "" for a cadre not heard of yet */
	const char *optouts;                              /* channels opted out of, comma-separated */
	int64_t seq;                                      /* a queued message: as it was queued */
	const char *channel, *address, *queued_locale;
} notify_due_row_t;
/* Messages with status ("scheduled" or "retrying") due at now, oldest first, at most limit:
 * fn(arg, row) per message; a non-zero return stops the walk and is returned. */
int notify_msg_due_rows(ut_store_t *s, const char *status, int64_t now, int limit,
			int (*fn)(void *arg, const notify_due_row_t *r), void *arg);
/* Earliest due time of a pending message; 0 when none. */
int notify_msg_next_due(ut_store_t *s, int64_t *due);
int notify_msg_load(ut_store_t *s, ut_arena_t *a, int64_t id, Ut__Delivery **out, char **reason);
int notify_msg_by_key(ut_store_t *s, const char *key, int64_t *id);
/* Mark a message queued under seq (the job is rendered from the row again if it has to be
 * published again). */
int notify_msg_queue(ut_store_t *s, int64_t id, int attempts, const char *channel, const char *address,
		     const char *locale, int64_t seq);
/* Queued messages with queue_seq > after, in order, at most limit: fn(arg, row) per message. */
int notify_msg_queued_rows(ut_store_t *s, int64_t after, int limit, int (*fn)(void *arg, const notify_due_row_t *r),
			   void *arg);
int notify_msg_outcome(ut_store_t *s, int64_t id, const char *status, const char *error, int64_t sent_ms,
		       int64_t due_ms, const char *worker);
/* 1 when the cadre opted out of the channel, else 0, or UT_E*. */
int notify_optout_has(ut_store_t *s, const char *cadre, const char *channel);
int notify_optout_set(ut_store_t *s, const char *cadre, const char *channel, int undo);
/* Start (Unix seconds) of a session, 0 when unknown. */
int64_t notify_session_start(ut_store_t *s, int64_t session_id);
/* Lowest queue_seq still queued (its job not yet answered), 0 when none. */
int notify_msg_min_queued(ut_store_t *s, int64_t *seq);
/* How many notices are in each state that is not yet an end. */
int notify_msg_counts(ut_store_t *s, int64_t *scheduled, int64_t *queued, int64_t *retrying, int64_t *dead);
int notify_msg_max_seq(ut_store_t *s, int64_t *seq);
/* The log (due_only: pending messages by due time). */
int notify_msg_list(ut_store_t *s, ut_arena_t *a, const Ut__NotifyQuery *q, int due_only, Ut__DeliveryList *out);

/* ---- schedule.c: events -> message rows ---- */
int notify_on_enrol(ut_service_t *svc, const Ut__Envelope *ev);
int notify_on_class(ut_service_t *svc, const Ut__Envelope *ev);
int notify_on_cadre(ut_service_t *svc, const Ut__Envelope *ev);
int notify_on_outcome(ut_service_t *svc, const Ut__Envelope *ev);
int notify_on_attendance(ut_service_t *svc, const Ut__Envelope *ev);
int notify_on_completion(ut_service_t *svc, const Ut__Envelope *ev);
/* Key "cadre/class/kind/offset/version", and "/enrolment" for a message about an enrolment row
 * (enrolment > 0): a cadre who cancels and enrols again holds a new row, so each change has a
 * key of its own. */
void notify_key(char *buf, size_t len, const char *cadre, int64_t class_id, const char *kind, int64_t offset_s,
		int version, int64_t enrolment);

/* ---- jobq.c: batches of jobs to the delivery stream, one in flight ---- */
typedef struct notify_jobq notify_jobq_t;
notify_jobq_t *notify_jobq_new(const char *socket, const char *host, int port, const char *key);
void notify_jobq_destroy(notify_jobq_t **q);
/* Send n entries with ids "<epoch>-<seq0 + i>" and return without waiting for the reply: 0, or
 * UT_E* (nothing was sent). Only when no batch is in flight. */
int notify_jobq_send(notify_jobq_t *q, int64_t epoch, int64_t seq0, int n, const unsigned char *const *data,
		     const size_t *len);
/* Wait for the batch in flight: its last seq once the stream has it all, 0 when none was in
 * flight, UT_E* when it failed (a prefix may be in the stream). */
int64_t notify_jobq_wait(notify_jobq_t *q);

/* ---- render.c: a message row -> its delivery job, packed into a batch ---- */
typedef struct notify_job {
	int64_t id, seq, due_ms, class_id;
	int attempts; /* of the attempt queued; 0 = not queued (the class had started) */
	int reminder;
	const char *channel, *locale; /* static strings */
	size_t off, len;              /* the packed job in the batch's buffer, its address after it */
} notify_job_t;

/* Jobs in order, their packed bytes in one buffer; head: the first not yet taken. */
typedef struct notify_batch {
	notify_job_t *jobs;
	int head, n, cap;
	unsigned char *buf;
	size_t used, size;
} notify_batch_t;

/* The class of the last message rendered, with its values formatted: a burst of reminders is
 * mostly about one class. */
typedef struct notify_class_vals {
	int64_t id;
	int found;
	notify_class_t c;
	char id_text[24], start[64], end[64];
} notify_class_vals_t;

typedef struct notify_renderer {
	notify_app_t *app;
	ut_store_t *s;
	const ut_config_t *cfg;
	int64_t now;
	int again; /* rendering queued messages again, as they were queued */
	notify_class_vals_t cls;
	notify_batch_t *out;
} notify_renderer_t;

/* Render a row into rd->out (a notify_msg_*_rows callback): a job with attempts 0 when it is a
 * reminder of a class that has started. */
int notify_render_row(void *rd, const notify_due_row_t *r);
/* 1 when the class has started at rd->now. */
int notify_class_started(notify_renderer_t *rd, int64_t class_id);
notify_job_t *notify_batch_add(notify_batch_t *b);
/* Append a copy of job j of another batch. */
int notify_batch_copy(notify_batch_t *to, const notify_batch_t *from, const notify_job_t *j);
const char *notify_batch_address(const notify_batch_t *b, const notify_job_t *j);
void notify_batch_clear(notify_batch_t *b);
void notify_batch_compact(notify_batch_t *b);
void notify_batch_free(notify_batch_t *b);

/* ---- dispatch.c: due messages -> jobs on the delivery stream ---- */
int notify_dispatch_init(ut_service_t *svc, notify_app_t *app);
void notify_dispatch_fini(notify_app_t *app);
void notify_dispatch_tick(void *arg);
/* Kick the dispatcher soon (after new messages were scheduled). */
void notify_dispatch_soon(notify_app_t *app);
/* What jobs show may have changed (a cadre, unit, class or opt-out): render again. */
void notify_dispatch_changed(notify_app_t *app);
/* The light form of notify_msg_due_rows for status "scheduled": fn(arg, id, due_ms, attempts). */
int notify_msg_due_ids(ut_store_t *s, int64_t now, int limit,
		       int (*fn)(void *arg, int64_t id, int64_t due_ms, int attempts), void *arg);
/* One message as notify_msg_due_rows gives it. */
int notify_msg_row(ut_store_t *s, int64_t id, int (*fn)(void *arg, const notify_due_row_t *r), void *arg);
/* Scheduled messages due after (due_ms, id) = (after_due, after_id) and at most until, in order. */
int notify_msg_ahead_rows(ut_store_t *s, int64_t after_due, int64_t after_id, int64_t until, int limit,
			  int (*fn)(void *arg, const notify_due_row_t *r), void *arg);
/* Fill vals (strings in the arena) for a message to cadre about class (cls: the class if the
 * caller has it, else NULL and it is loaded). */
int notify_vars(ut_store_t *s, ut_arena_t *a, const char *cadre_id, int64_t class_id, const notify_class_t *cls,
		int64_t offset_s, const char *reason, const char *node_locale, const char **vals, char *locale,
		size_t loclen, notify_cadre_t *cadre);
/* Pick the channel and address; 0, or UT_ENOTFOUND with why in err. */
int notify_pick_channel(const ut_config_t *cfg, ut_store_t *s, const notify_cadre_t *c, const char **channel,
			const char **address, char *err, size_t errlen);
/* iCalendar text for a class (malloc'd): one event per session; NULL when it has none. */
char *notify_ics(const notify_class_t *c, const notify_session_t *x, int n, const char *node, int cancelled);

/* ---- requests (requests.c) ---- */
int notify_log_h(ut_service_t *svc, const Ut__Envelope *req, ut_reply_t *rep);
int notify_due_h(ut_service_t *svc, const Ut__Envelope *req, ut_reply_t *rep);
int notify_resend_h(ut_service_t *svc, const Ut__Envelope *req, ut_reply_t *rep);
int notify_preview_h(ut_service_t *svc, const Ut__Envelope *req, ut_reply_t *rep);
int notify_optout_h(ut_service_t *svc, const Ut__Envelope *req, ut_reply_t *rep);
int notify_nudge_h(ut_service_t *svc, const Ut__Envelope *req, ut_reply_t *rep);

/* ---- worker.c and its channels ---- */
int notify_worker_main(int argc, char **argv);

/* ---- alive.c: workers' liveness and figures in Redis ---- */
#define NOTIFY_ALIVE_TTL_MS 2000 /* a worker whose heartbeat is older is down; its jobs are taken over */
typedef struct notify_alive notify_alive_t;
/* The prefix of the liveness keys (a consumer's name follows) and the hash of workers' lines. */
void notify_alive_keys(const char *prefix, char *alive_prefix, size_t alen, char *workers, size_t wlen);
/* A thread with its own Redis connection keeps the worker's key alive and its line (*sent,
 * *failed, read atomically) fresh until notify_alive_stop, which removes both. */
int notify_alive_start(notify_alive_t **out, const char *sock, const char *host, int port, const char *prefix,
		       const char *name, const long *sent, const long *failed);
void notify_alive_stop(notify_alive_t **h);
/* The workers as Redis has them, into d (allocated from a). 0 or UT_EUNAVAIL. */
int notify_alive_list(ut_bus_t *bus, const char *prefix, ut_arena_t *a, Ut__DeliveryStatus *d);
/* render.c: 1 when the channel has what sending on it needs (email an smtp_url, ...). */
int notify_channel_ready(const ut_config_t *cfg, const char *channel);
/* requests.c, main.c's status hook: the workers, the notices by state, the channels that can send. */
int notify_status(ut_service_t *svc, ut_arena_t *a, Ut__StatusReply *r);
enum { SEND_OK = 0, SEND_TEMP = 1, SEND_PERM = 2 };
/* Each returns SEND_* with a reason in err on failure. */
int notify_spool_send(const char *dir, const Ut__Delivery *job, const char *from, char *err, size_t errlen);
int notify_smtp_send(const ut_config_t *cfg, const Ut__Delivery *job, char *err, size_t errlen);
int notify_webhook_send(const ut_config_t *cfg, const Ut__Delivery *job, char *err, size_t errlen);
/* The RFC 5322 message (with the .ics as a second MIME part when there is one), malloc'd. */
char *notify_mime(const Ut__Delivery *job, const char *from, size_t *len);

#endif
