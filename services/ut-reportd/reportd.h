/* ut-reportd internals: the SQL in store.c, the event handlers keeping the counters in stats.c, the
 * request handlers in report.c, the CURVE link to the parent (uplink.c) and from children (downlink.c). */
#ifndef REPORTD_H
#define REPORTD_H

#include <stdint.h>

#include "enrol.pb-c.h"
#include "notify.pb-c.h"
#include "report.pb-c.h"
#include "sched.pb-c.h"
#include "ut/arena.h"
#include "ut/service.h"

/* main.c: the daemon as the service frame runs it (the fuzz target drives it too). */
extern const ut_service_def_t ut_reportd_def;
extern const ut_migration_t report_migrations[];
#define REPORT_NMIGRATIONS 5

/* Where a class's counters are summed: the month of its first session, its category and format.
 * A class not known yet (its events come on another stream) sits in year 0 until it is. */
typedef struct rp_bucket {
	int year, month;
	char category[64], format[32];
} rp_bucket_t;

/* snaprows.c: a child's snapshot rows in the compact form stored per child (one blob), sorted by key
 * with repeated keys summed. Labels point into the snapshot they came from or into `text`. */
typedef struct rp_srow {
	int32_t year, month;
	const char *category, *format, *unit_kind, *metric;
	int64_t value;
	uint32_t ix[4]; /* the four labels' places in their set's label table */
} rp_srow_t;
typedef struct rp_srows {
	rp_srow_t *v;
	size_t n;
	const char **lab; /* the distinct labels, in strcmp order */
	size_t nlab;
	char *text;       /* the labels of an unpacked blob */
} rp_srows_t;
/* Order of keys: year, category, format, unit kind, metric (the group), then month. */
int rp_srow_cmp(const rp_srow_t *a, const rp_srow_t *b);
int rp_srow_group_cmp(const rp_srow_t *a, const rp_srow_t *b);
/* The group's identity in rp_child_total (year and the four labels), and a second, independent
 * hash that tells two groups sharing the first apart. */
uint64_t rp_srow_hash(const rp_srow_t *r);
uint64_t rp_srow_check(const rp_srow_t *r);
/* Sort by key and sum repeated keys (rows' labels may come from anywhere; ix and lab are set here):
 * UT_EINVAL when a sum overflows. */
int rp_srows_canon(rp_srows_t *r);
/* The snapshot's rows, canonical; they point into sn. */
int rp_srows_of(const Ut__Snapshot *sn, rp_srows_t *out);
/* The number of groups (keys but the month) among canonical rows. */
size_t rp_srows_groups(const rp_srows_t *r);
/* Canonical rows to a blob (malloc'd) and back; UT_EINVAL when a blob is malformed. No blob = no rows. */
int rp_srows_pack(const rp_srows_t *r, uint8_t **blob, size_t *len);
int rp_srows_unpack(const void *blob, size_t len, rp_srows_t *out);
void rp_srows_clear(rp_srows_t *r);
/* fn(key, cur - old) for every key whose value differs between two canonical row sets. */
typedef int (*rp_delta_fn)(void *arg, const rp_srow_t *key, int64_t delta);
int rp_srows_diff(const rp_srows_t *old, const rp_srows_t *cur, rp_delta_fn fn, void *arg);

/* store.c: every statement of the daemon. */
int rp_count_bump(ut_store_t *s, const rp_bucket_t *b, int64_t unit, const char *metric, int64_t delta);
int rp_class_bucket(ut_store_t *s, int64_t class_id, rp_bucket_t *out);
int rp_class_set_bucket(ut_store_t *s, int64_t class_id, const rp_bucket_t *b);
/* The class's state from the scheduling projection: 1 found, 0 not, or UT_E*. */
int rp_sched_class(ut_store_t *s, int64_t class_id, char *state, size_t slen, rp_bucket_t *b);
/* Add delta to the class's own per-unit counter and to the bucket it is summed in. */
int rp_class_add(ut_store_t *s, int64_t class_id, int64_t unit, const char *metric, int64_t delta);
/* The same when the caller already holds the class's bucket (several counters of one event). */
int rp_class_add_in(ut_store_t *s, int64_t class_id, const rp_bucket_t *b, int64_t unit, const char *metric,
		    int64_t delta);
/* Current value of a class's own counter. */
int64_t rp_class_value(ut_store_t *s, int64_t class_id, int64_t unit, const char *metric);
/* Move every counter of a class from one bucket to another. */
int rp_class_move(ut_store_t *s, int64_t class_id, const rp_bucket_t *from, const rp_bucket_t *to);
/* Cadres who took part in the class (for moving distinct-trained counts between years). */
typedef int (*rp_participant_fn)(void *arg, const char *cadre, int64_t unit, int full_time);
int rp_class_participants(ut_store_t *s, int64_t class_id, rp_participant_fn fn, void *arg);
/* One more (delta 1) or one less (-1) class attended in `year` by a cadre; the distinct count of
 * trained cadres changes when the cadre's number goes between 0 and 1. */
int rp_trained_adjust(ut_store_t *s, const char *cadre, int year, int64_t unit, int full_time, int delta);

int rp_plan_get(ut_store_t *s, int year, const char *category, int64_t *classes, int64_t *participations);
int rp_unit_put(ut_store_t *s, int64_t id, const char *name, const char *kind, const char *ownership);

typedef struct rp_cadre {
	int found, active, full_time, version;
	int64_t unit_id;
} rp_cadre_t;
int rp_cadre_get(ut_store_t *s, const char *id, rp_cadre_t *out);
int rp_cadre_put(ut_store_t *s, const char *id, const rp_cadre_t *c);

typedef struct rp_enrol {
	int found, confirmed;
	int64_t class_id, unit_id;
} rp_enrol_t;
int rp_enrol_get(ut_store_t *s, int64_t id, rp_enrol_t *out);
int rp_enrol_put(ut_store_t *s, int64_t id, const rp_enrol_t *e);

typedef struct rp_mark {
	int found, revision;
	char mark[16];
	int64_t unit_id;
} rp_mark_t;
int rp_mark_get(ut_store_t *s, int64_t class_id, int64_t session_id, const char *cadre, rp_mark_t *out);
int rp_mark_put(ut_store_t *s, int64_t class_id, int64_t session_id, const char *cadre, const rp_mark_t *m);

typedef struct rp_completion {
	int found, full_time, attended, total, completed;
	int64_t unit_id;
} rp_completion_t;
int rp_completion_get(ut_store_t *s, int64_t class_id, const char *cadre, rp_completion_t *out);
int rp_completion_put(ut_store_t *s, int64_t class_id, const char *cadre, const rp_completion_t *c);
int rp_completion_del(ut_store_t *s, int64_t class_id, const char *cadre);

/* A delivery's outcome as counted: metric "" when not counted yet. */
int rp_delivery_get(ut_store_t *s, const char *key, int64_t *class_id, char *metric, size_t mlen);
int rp_delivery_put(ut_store_t *s, const char *key, int64_t class_id, const char *metric);

/* A growing list of report cells, allocated from an arena. */
typedef struct rp_cells {
	Ut__ReportCell **v;
	size_t n, cap;
} rp_cells_t;
int rp_cells_add(rp_cells_t *l, ut_arena_t *a, const char *group, const char *label, const char *metric,
		 int64_t value);

/* Reports: counters summed over a period (months m1..m2 of year; yearly figures and cadres registered
 * always count), grouped by "category", "unit", "kind" (unit type) or "" (one group). subtree adds
 * the children's latest snapshots (which know unit types, not units). */
typedef struct rp_period {
	int year, m1, m2;
	int64_t unit_id;
} rp_period_t;
int rp_report_cells(ut_store_t *s, ut_arena_t *a, const rp_period_t *p, const char *by, int subtree,
		    rp_cells_t *out);
/* Cadres first trained in a year up to p->year, as cells cumulative_ft / cumulative_pt. */
int rp_cumulative_cells(ut_store_t *s, ut_arena_t *a, const rp_period_t *p, const char *by, int subtree,
			rp_cells_t *out);
/* The coverage target (percent) for a year from "YEAR:PCT,...": 0 with *pct set, UT_ENOTFOUND when
 * the year has none, UT_EINVAL when the text is malformed. */
int rp_coverage_target(const char *spec, int year, int *pct);
/* Each child's subtree totals over the period, cells grouped by child node id. */
int rp_child_cells(ut_store_t *s, ut_arena_t *a, const rp_period_t *p, rp_cells_t *out);

/* Children and their snapshots. */
int rp_child_add(ut_store_t *s, const char *node, const char *key);
/* Forget a child: its key, its snapshot and its share of the sums; UT_ENOTFOUND when unknown. */
int rp_child_remove(ut_store_t *s, const char *node);
int rp_child_list(ut_store_t *s, ut_arena_t *a, int64_t now_ms, int64_t stale_ms, Ut__ChildList *out);
int rp_child_by_key(ut_store_t *s, ut_arena_t *a, const char *key, Ut__Child **out);
/* The sequence, build and arrival time of the child's latest stored snapshot (0 when none); UT_ENOTFOUND
 * when no such child is registered. */
int rp_child_seq(ut_store_t *s, const char *node, uint64_t *seq, int64_t *built_ms, int64_t *received_ms);
/* Store a child's snapshot (its canonical rows in cur) unless its seq is not newer: 1 stored, 0
 * ignored (counted), or UT_E*. */
int rp_child_snapshot(ut_store_t *s, const Ut__Snapshot *snap, const rp_srows_t *cur, int64_t now_ms,
		      uint64_t *have_seq);
/* Schema 4 kept children's rows in rp_child_row: move them to the blobs and totals of schema 5, once
 * (run at start, before any request). The number of children converted, or UT_E*. */
int rp_child_rows_convert(ut_store_t *s);

/* The subtree aggregate as snapshot rows (arena), and the number of nodes in it. */
int rp_snapshot_rows(ut_store_t *s, ut_arena_t *a, Ut__Snapshot *out);
/* Link state kept across restarts: integers and one text. */
int64_t rp_link_int(ut_store_t *s, const char *key);
int rp_link_set_int(ut_store_t *s, const char *key, int64_t v);
int rp_link_text(ut_store_t *s, const char *key, char *buf, size_t len);
int rp_link_set_text(ut_store_t *s, const char *key, const char *v);

/* stats.c: event handlers. */
int rp_on_sched(ut_service_t *svc, const Ut__Envelope *ev);
/* EV_COVERAGE_SET: the node's multi-year coverage targets, replacing the stored ones. */
int rp_on_coverage(ut_service_t *svc, const Ut__Envelope *ev);
/* store.c: replace every target; the target for a year (UT_ENOTFOUND when none is stored). */
int rp_coverage_replace(ut_store_t *s, const Ut__CoverageTargets *t);
int rp_coverage_stored(ut_store_t *s, int year, int *pct);
int rp_on_unit(ut_service_t *svc, const Ut__Envelope *ev);
int rp_on_cadre(ut_service_t *svc, const Ut__Envelope *ev);
int rp_on_cadres(ut_service_t *svc, const Ut__Envelope *ev); /* EV_CADRES_IMPORTED */
int rp_on_enrol(ut_service_t *svc, const Ut__Envelope *ev);
int rp_on_attendance(ut_service_t *svc, const Ut__Envelope *ev);
int rp_on_completion(ut_service_t *svc, const Ut__Envelope *ev);
int rp_on_delivery(ut_service_t *svc, const Ut__Envelope *ev);

/* report.c: request handlers. */
int rp_report_query(ut_service_t *svc, const Ut__Envelope *req, ut_reply_t *rep);
int rp_report_federation(ut_service_t *svc, const Ut__Envelope *req, ut_reply_t *rep);
int rp_child_add_h(ut_service_t *svc, const Ut__Envelope *req, ut_reply_t *rep);
int rp_child_remove_h(ut_service_t *svc, const Ut__Envelope *req, ut_reply_t *rep);
int rp_child_list_h(ut_service_t *svc, const Ut__Envelope *req, ut_reply_t *rep);
int rp_key_lookup_h(ut_service_t *svc, const Ut__Envelope *req, ut_reply_t *rep);
int rp_snapshot_put_h(ut_service_t *svc, const Ut__Envelope *req, ut_reply_t *rep);
int rp_snapshot_build_h(ut_service_t *svc, const Ut__Envelope *req, ut_reply_t *rep);
int rp_uplink_set_h(ut_service_t *svc, const Ut__Envelope *req, ut_reply_t *rep);
/* The uplink state as stored (arena strings). */
int rp_uplink_state(ut_service_t *svc, ut_arena_t *a, Ut__UplinkState *out);

/* link: one thread with the CURVE sockets and the ZAP handler; it reaches the daemon's state only
 * through the daemon's own request socket, so the main loop stays the sole writer. */
typedef struct rp_linkctx rp_link_t;
/* Nothing to do (no parent, no listen endpoint): 0 with *out NULL. A missing key is an error. */
int rp_link_start(ut_service_t *svc, rp_link_t **out);
void rp_link_stop(rp_link_t **l);

#endif
