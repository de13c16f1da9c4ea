/* ut-reportd's SQL: the counters (rp_count), the per-class and per-cadre facts that let a corrected
 * event take back exactly what it added, children's snapshots and the upward link state. */
#include "reportd.h"
#include "ut/err.h"
#include "ut/log.h"
#include "ut/projection.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char schema_v2[] =
	/* the counters every report sums: one row per bucket, unit and metric */
	"CREATE TABLE rp_count(year INTEGER NOT NULL, month INTEGER NOT NULL, category TEXT NOT NULL,"
	" format TEXT NOT NULL, unit_id INTEGER NOT NULL, metric TEXT NOT NULL, value INTEGER NOT NULL,"
	" PRIMARY KEY(year, month, category, format, unit_id, metric)) WITHOUT ROWID;"
	/* which bucket a class's counters are summed in, and its own counters, so it can move */
	"CREATE TABLE rp_class(id INTEGER PRIMARY KEY, year INTEGER NOT NULL, month INTEGER NOT NULL,"
	" category TEXT NOT NULL, format TEXT NOT NULL);"
	"CREATE TABLE rp_class_count(class_id INTEGER NOT NULL, unit_id INTEGER NOT NULL, metric TEXT NOT NULL,"
	" value INTEGER NOT NULL, PRIMARY KEY(class_id, unit_id, metric)) WITHOUT ROWID;"
	"CREATE TABLE rp_unit(id INTEGER PRIMARY KEY, name TEXT NOT NULL, kind TEXT NOT NULL, ownership TEXT NOT NULL);"
	"CREATE TABLE rp_cadre(id TEXT PRIMARY KEY, unit_id INTEGER NOT NULL, full_time INTEGER NOT NULL,"
	" active INTEGER NOT NULL, version INTEGER NOT NULL) WITHOUT ROWID;"
	"CREATE TABLE rp_enrol(id INTEGER PRIMARY KEY, class_id INTEGER NOT NULL, unit_id INTEGER NOT NULL,"
	" confirmed INTEGER NOT NULL);"
	"CREATE TABLE rp_mark(class_id INTEGER NOT NULL, session_id INTEGER NOT NULL, cadre_id TEXT NOT NULL,"
	" mark TEXT NOT NULL, revision INTEGER NOT NULL, unit_id INTEGER NOT NULL,"
	" PRIMARY KEY(class_id, session_id, cadre_id)) WITHOUT ROWID;"
	"CREATE TABLE rp_completion(class_id INTEGER NOT NULL, cadre_id TEXT NOT NULL, unit_id INTEGER NOT NULL,"
	" full_time INTEGER NOT NULL, attended INTEGER NOT NULL, total INTEGER NOT NULL, completed INTEGER NOT NULL,"
	" PRIMARY KEY(class_id, cadre_id)) WITHOUT ROWID;"
	"CREATE TABLE rp_trained(cadre_id TEXT NOT NULL, year INTEGER NOT NULL, n INTEGER NOT NULL,"
	" unit_id INTEGER NOT NULL, full_time INTEGER NOT NULL, PRIMARY KEY(cadre_id, year)) WITHOUT ROWID;"
	"CREATE TABLE rp_delivery(key TEXT PRIMARY KEY, class_id INTEGER NOT NULL, metric TEXT NOT NULL) WITHOUT ROWID;"
	/* children: their key, their latest snapshot */
	"CREATE TABLE rp_child(node TEXT PRIMARY KEY, public_key TEXT NOT NULL UNIQUE, seq INTEGER NOT NULL DEFAULT 0,"
	" built_ms INTEGER NOT NULL DEFAULT 0, received_ms INTEGER NOT NULL DEFAULT 0, accepted INTEGER NOT NULL DEFAULT 0,"
	" ignored INTEGER NOT NULL DEFAULT 0, nodes INTEGER NOT NULL DEFAULT 0) WITHOUT ROWID;"
	"CREATE TABLE rp_child_row(node TEXT NOT NULL, year INTEGER NOT NULL, month INTEGER NOT NULL,"
	" category TEXT NOT NULL, format TEXT NOT NULL, unit_kind TEXT NOT NULL, metric TEXT NOT NULL,"
	" value INTEGER NOT NULL, PRIMARY KEY(node, year, month, category, format, unit_kind, metric)) WITHOUT ROWID;"
	"CREATE TABLE rp_link(key TEXT PRIMARY KEY, ival INTEGER NOT NULL DEFAULT 0, sval TEXT NOT NULL DEFAULT '')"
	" WITHOUT ROWID;";

/* Coverage targets set with `utctl plan set --coverage-target` (ut-schedd's EV_COVERAGE_SET). */
static const char schema_v3[] = "CREATE TABLE rp_coverage_target(year INTEGER PRIMARY KEY, percent INTEGER NOT NULL);";

/* The counters summed over units, kept by triggers in the same statement as rp_count, so a node-wide
 * report reads a few thousand rows instead of every bucket x unit x metric row (millions at 1M
 * participations from a thousand units). */
static const char schema_v4[] =
	"CREATE TABLE rp_total(year INTEGER NOT NULL, month INTEGER NOT NULL, category TEXT NOT NULL,"
	" format TEXT NOT NULL, metric TEXT NOT NULL, value INTEGER NOT NULL,"
	" PRIMARY KEY(year, month, category, format, metric)) WITHOUT ROWID;"
	"INSERT INTO rp_total SELECT year, month, category, format, metric, sum(value) FROM rp_count GROUP BY 1, 2, 3, 4, 5;"
	"CREATE TRIGGER rp_total_insert AFTER INSERT ON rp_count BEGIN"
	" INSERT INTO rp_total VALUES(NEW.year, NEW.month, NEW.category, NEW.format, NEW.metric, NEW.value)"
	" ON CONFLICT DO UPDATE SET value = value + excluded.value; END;"
	"CREATE TRIGGER rp_total_update AFTER UPDATE ON rp_count BEGIN"
	" UPDATE rp_total SET value = value - OLD.value WHERE year = OLD.year AND month = OLD.month"
	" AND category = OLD.category AND format = OLD.format AND metric = OLD.metric;"
	" INSERT INTO rp_total VALUES(NEW.year, NEW.month, NEW.category, NEW.format, NEW.metric, NEW.value)"
	" ON CONFLICT DO UPDATE SET value = value + excluded.value; END;"
	"CREATE TRIGGER rp_total_delete AFTER DELETE ON rp_count BEGIN"
	" UPDATE rp_total SET value = value - OLD.value WHERE year = OLD.year AND month = OLD.month"
	" AND category = OLD.category AND format = OLD.format AND metric = OLD.metric; END;";

/* A child's latest snapshot as one blob (snaprows.c) instead of a row per counter, and the children's
 * sums, kept by the difference between a child's old and new snapshot: storing a snapshot writes one
 * blob and the groups whose figures changed, and the subtree reports read the sums instead of
 * grouping every child's rows. A sum row is a group (year, category, format, unit kind, metric) with
 * its 13 months as columns (0 = the yearly figures), so a change costs one statement per group; its
 * id is the group's hash and chk a second hash (rp_srow_hash, rp_srow_check), so that statement is
 * an integer-keyed update. rp_child_sum gives the sums back as rows. The rows of rp_child_row move
 * over at the next start (rp_child_rows_convert), which then drops it. */
static const char schema_v5[] =
	"CREATE TABLE rp_child_snap(node TEXT PRIMARY KEY, rows BLOB NOT NULL);"
	"CREATE TABLE rp_child_total(id INTEGER PRIMARY KEY, chk INTEGER NOT NULL, year INTEGER NOT NULL,"
	" category TEXT NOT NULL, format TEXT NOT NULL, unit_kind TEXT NOT NULL, metric TEXT NOT NULL,"
	" m0 INTEGER NOT NULL, m1 INTEGER NOT NULL, m2 INTEGER NOT NULL, m3 INTEGER NOT NULL, m4 INTEGER NOT NULL,"
	" m5 INTEGER NOT NULL, m6 INTEGER NOT NULL, m7 INTEGER NOT NULL, m8 INTEGER NOT NULL, m9 INTEGER NOT NULL,"
	" m10 INTEGER NOT NULL, m11 INTEGER NOT NULL, m12 INTEGER NOT NULL);"
	"CREATE VIEW rp_child_sum AS SELECT * FROM (SELECT t.year AS year, m.column1 AS month, t.category AS category,"
	" t.format AS format, t.unit_kind AS unit_kind, t.metric AS metric, CASE m.column1 WHEN 0 THEN m0"
	" WHEN 1 THEN m1 WHEN 2 THEN m2 WHEN 3 THEN m3 WHEN 4 THEN m4 WHEN 5 THEN m5 WHEN 6 THEN m6 WHEN 7 THEN m7"
	" WHEN 8 THEN m8 WHEN 9 THEN m9 WHEN 10 THEN m10 WHEN 11 THEN m11 WHEN 12 THEN m12 END AS value"
	" FROM rp_child_total t, (VALUES(0),(1),(2),(3),(4),(5),(6),(7),(8),(9),(10),(11),(12)) m) WHERE value != 0;";

const ut_migration_t report_migrations[] = {
	{1, ut_projection_schema}, {2, schema_v2}, {3, schema_v3}, {4, schema_v4}, {5, schema_v5}};

int rp_coverage_replace(ut_store_t *s, const Ut__CoverageTargets *t)
{
	int rc = ut_store_exec(s, "DELETE FROM rp_coverage_target");
	for (size_t i = 0; i < t->n_targets && !rc; i++) {
		sqlite3_stmt *st = ut_store_stmt(s, "INSERT OR REPLACE INTO rp_coverage_target(year, percent) VALUES(?, ?)");
		if (!st)
			return UT_EINTERNAL;
		sqlite3_bind_int(st, 1, t->targets[i]->year);
		sqlite3_bind_int(st, 2, t->targets[i]->percent);
		rc = ut_store_step_done(s, st, "coverage target");
	}
	return rc;
}

int rp_coverage_stored(ut_store_t *s, int year, int *pct)
{
	sqlite3_stmt *st = ut_store_stmt(s, "SELECT percent FROM rp_coverage_target WHERE year = ?");
	if (!st)
		return UT_EINTERNAL;
	sqlite3_bind_int(st, 1, year);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*pct = sqlite3_column_int(st, 0);
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? 0 : rc == SQLITE_DONE ? UT_ENOTFOUND : ut_store_err(s, rc, "coverage target");
}

#define STMT(st, sql)                                      \
	sqlite3_stmt *st = ut_store_stmt(s, sql);          \
	if (!st)                                           \
	return UT_EINTERNAL

static void bind_bucket(sqlite3_stmt *st, int first, const rp_bucket_t *b)
{
	sqlite3_bind_int(st, first, b->year);
	sqlite3_bind_int(st, first + 1, b->month);
	sqlite3_bind_text(st, first + 2, b->category, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, first + 3, b->format, -1, SQLITE_TRANSIENT);
}

int rp_count_bump(ut_store_t *s, const rp_bucket_t *b, int64_t unit, const char *metric, int64_t delta)
{
	if (!delta)
		return 0;
	STMT(st, "INSERT INTO rp_count(year, month, category, format, unit_id, metric, value) VALUES(?, ?, ?, ?, ?, ?, ?)"
		 " ON CONFLICT DO UPDATE SET value = value + excluded.value");
	bind_bucket(st, 1, b);
	sqlite3_bind_int64(st, 5, unit);
	sqlite3_bind_text(st, 6, metric, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 7, delta);
	return ut_store_step_done(s, st, "count bump");
}

static void copy(char *dst, size_t len, const char *src) { snprintf(dst, len, "%s", src ? src : ""); }

int rp_class_bucket(ut_store_t *s, int64_t class_id, rp_bucket_t *out)
{
	memset(out, 0, sizeof *out);
	STMT(st, "SELECT year, month, category, format FROM rp_class WHERE id = ?");
	sqlite3_bind_int64(st, 1, class_id);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		out->year = sqlite3_column_int(st, 0);
		out->month = sqlite3_column_int(st, 1);
		copy(out->category, sizeof out->category, ut_store_text(st, 2));
		copy(out->format, sizeof out->format, ut_store_text(st, 3));
	}
	sqlite3_reset(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : ut_store_err(s, rc, "class bucket");
}

int rp_class_set_bucket(ut_store_t *s, int64_t class_id, const rp_bucket_t *b)
{
	STMT(st, "INSERT OR REPLACE INTO rp_class(id, year, month, category, format) VALUES(?, ?, ?, ?, ?)");
	sqlite3_bind_int64(st, 1, class_id);
	bind_bucket(st, 2, b);
	return ut_store_step_done(s, st, "class bucket set");
}

int rp_sched_class(ut_store_t *s, int64_t class_id, char *state, size_t slen, rp_bucket_t *b)
{
	memset(b, 0, sizeof *b);
	STMT(st, "SELECT state, category, format, first_start FROM sched_classes WHERE id = ?");
	sqlite3_bind_int64(st, 1, class_id);
	int rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		sqlite3_reset(st);
		return rc == SQLITE_DONE ? 0 : ut_store_err(s, rc, "projected class");
	}
	copy(state, slen, ut_store_text(st, 0));
	copy(b->category, sizeof b->category, ut_store_text(st, 1));
	copy(b->format, sizeof b->format, ut_store_text(st, 2));
	if (sqlite3_column_type(st, 3) != SQLITE_NULL) {
		/* the month in the node's time zone, as the officer entered the dates */
		time_t t = (time_t)sqlite3_column_int64(st, 3);
		struct tm tm;
		if (localtime_r(&t, &tm)) {
			b->year = tm.tm_year + 1900;
			b->month = tm.tm_mon + 1;
		}
	}
	sqlite3_reset(st);
	return 1;
}

int64_t rp_class_value(ut_store_t *s, int64_t class_id, int64_t unit, const char *metric)
{
	sqlite3_stmt *st = ut_store_stmt(s, "SELECT value FROM rp_class_count WHERE class_id = ? AND unit_id = ? AND metric = ?");
	if (!st)
		return 0;
	sqlite3_bind_int64(st, 1, class_id);
	sqlite3_bind_int64(st, 2, unit);
	sqlite3_bind_text(st, 3, metric, -1, SQLITE_TRANSIENT);
	int64_t v = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	sqlite3_reset(st);
	return v;
}

int rp_class_add(ut_store_t *s, int64_t class_id, int64_t unit, const char *metric, int64_t delta)
{
	if (!delta)
		return 0;
	rp_bucket_t b;
	int rc = rp_class_bucket(s, class_id, &b);
	return rc ? rc : rp_class_add_in(s, class_id, &b, unit, metric, delta);
}

int rp_class_add_in(ut_store_t *s, int64_t class_id, const rp_bucket_t *b, int64_t unit, const char *metric,
		    int64_t delta)
{
	if (!delta)
		return 0;
	int rc;
	STMT(st, "INSERT INTO rp_class_count(class_id, unit_id, metric, value) VALUES(?, ?, ?, ?)"
		 " ON CONFLICT DO UPDATE SET value = value + excluded.value");
	sqlite3_bind_int64(st, 1, class_id);
	sqlite3_bind_int64(st, 2, unit);
	sqlite3_bind_text(st, 3, metric, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 4, delta);
	if ((rc = ut_store_step_done(s, st, "class count")))
		return rc;
	return rp_count_bump(s, b, unit, metric, delta);
}

int rp_class_move(ut_store_t *s, int64_t class_id, const rp_bucket_t *from, const rp_bucket_t *to)
{
	/* take every counter of the class out of the old bucket and into the new one, in SQL, however
	 * many units its participants come from */
	STMT(st, "INSERT INTO rp_count(year, month, category, format, unit_id, metric, value)"
		 " SELECT ?, ?, ?, ?, unit_id, metric, ? * value FROM rp_class_count WHERE class_id = ? AND value != 0"
		 " ON CONFLICT DO UPDATE SET value = value + excluded.value");
	int rc = 0;
	for (int pass = 0; pass < 2 && !rc; pass++) {
		bind_bucket(st, 1, pass ? to : from);
		sqlite3_bind_int(st, 5, pass ? 1 : -1);
		sqlite3_bind_int64(st, 6, class_id);
		rc = ut_store_step_done(s, st, "class move");
		sqlite3_clear_bindings(st);
	}
	return rc ? rc : rp_class_set_bucket(s, class_id, to);
}

int rp_class_participants(ut_store_t *s, int64_t class_id, rp_participant_fn fn, void *arg)
{
	/* copied out before the callbacks write */
	STMT(st, "SELECT cadre_id, unit_id, full_time FROM rp_completion WHERE class_id = ? AND attended > 0");
	sqlite3_bind_int64(st, 1, class_id);
	size_t cap = 256, n = 0;
	struct p {
		char cadre[64];
		int64_t unit;
		int ft;
	} *v = malloc(cap * sizeof *v);
	int step, rc = 0;
	while (v && (step = sqlite3_step(st)) == SQLITE_ROW) {
		if (n == cap) {
			struct p *nv = realloc(v, 2 * cap * sizeof *v);
			if (!nv)
				break;
			v = nv;
			cap *= 2;
		}
		copy(v[n].cadre, sizeof v[n].cadre, ut_store_text(st, 0));
		v[n].unit = sqlite3_column_int64(st, 1);
		v[n].ft = sqlite3_column_int(st, 2);
		n++;
	}
	sqlite3_reset(st);
	if (!v)
		return UT_ENOMEM;
	for (size_t i = 0; i < n && !rc; i++)
		rc = fn(arg, v[i].cadre, v[i].unit, v[i].ft);
	free(v);
	return rc;
}

/* The first year a cadre was trained, with the unit and kind of cadre counted then; 0 = none. */
static int first_trained(ut_store_t *s, const char *cadre, int64_t *unit, int *ft)
{
	sqlite3_stmt *st = ut_store_stmt(s, "SELECT year, unit_id, full_time FROM rp_trained WHERE cadre_id = ? ORDER BY year LIMIT 1");
	if (!st)
		return 0;
	sqlite3_bind_text(st, 1, cadre, -1, SQLITE_TRANSIENT);
	int y = 0;
	if (sqlite3_step(st) == SQLITE_ROW) {
		y = sqlite3_column_int(st, 0);
		*unit = sqlite3_column_int64(st, 1);
		*ft = sqlite3_column_int(st, 2);
	}
	sqlite3_reset(st);
	return y;
}

static int trained_adjust_year(ut_store_t *s, const char *cadre, int year, int64_t unit, int full_time, int delta);

int rp_trained_adjust(ut_store_t *s, const char *cadre, int year, int64_t unit, int full_time, int delta)
{
	if (year <= 0)
		return 0; /* the class's year is not known yet: counted when it is */
	/* cumulative coverage counts each cadre once, in the first year they were trained; a
	 * correction can move that year, so compare before and after (the cadre's rows only) */
	int64_t u0 = 0, u1 = 0;
	int ft0 = 0, ft1 = 0, y0 = first_trained(s, cadre, &u0, &ft0);
	int rc = trained_adjust_year(s, cadre, year, unit, full_time, delta);
	int y1 = rc ? 0 : first_trained(s, cadre, &u1, &ft1);
	if (rc || (y0 == y1 && u0 == u1 && ft0 == ft1))
		return rc;
	rp_bucket_t b0 = {.year = y0}, b1 = {.year = y1};
	if (y0 && (rc = rp_count_bump(s, &b0, u0, ft0 ? "first_trained_ft" : "first_trained_pt", -1)))
		return rc;
	return y1 ? rp_count_bump(s, &b1, u1, ft1 ? "first_trained_ft" : "first_trained_pt", 1) : 0;
}

static int trained_adjust_year(ut_store_t *s, const char *cadre, int year, int64_t unit, int full_time, int delta)
{
	STMT(get, "SELECT n, unit_id, full_time FROM rp_trained WHERE cadre_id = ? AND year = ?");
	sqlite3_bind_text(get, 1, cadre, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int(get, 2, year);
	int have = 0, n = 0, rc;
	int64_t u = unit;
	int ft = full_time;
	if (sqlite3_step(get) == SQLITE_ROW) {
		have = 1;
		n = sqlite3_column_int(get, 0);
		u = sqlite3_column_int64(get, 1);
		ft = sqlite3_column_int(get, 2);
	}
	sqlite3_reset(get);
	int now = n + delta;
	if (now < 0)
		now = 0;
	if (now == 0) {
		if (!have)
			return 0;
		STMT(del, "DELETE FROM rp_trained WHERE cadre_id = ? AND year = ?");
		sqlite3_bind_text(del, 1, cadre, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int(del, 2, year);
		rc = ut_store_step_done(s, del, "trained delete");
	} else {
		STMT(put, "INSERT OR REPLACE INTO rp_trained(cadre_id, year, n, unit_id, full_time) VALUES(?, ?, ?, ?, ?)");
		sqlite3_bind_text(put, 1, cadre, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int(put, 2, year);
		sqlite3_bind_int(put, 3, now);
		sqlite3_bind_int64(put, 4, u);
		sqlite3_bind_int(put, 5, ft);
		rc = ut_store_step_done(s, put, "trained put");
	}
	if (rc || (n > 0) == (now > 0))
		return rc;
	/* yearly, for the whole node: a distinct count has no month, category or format */
	rp_bucket_t b = {.year = year};
	return rp_count_bump(s, &b, u, ft ? "trained_ft" : "trained_pt", now > 0 ? 1 : -1);
}

int rp_plan_get(ut_store_t *s, int year, const char *category, int64_t *classes, int64_t *participations)
{
	*classes = *participations = 0;
	STMT(st, "SELECT planned_classes, planned_participations FROM sched_plans WHERE year = ? AND category = ?");
	sqlite3_bind_int(st, 1, year);
	sqlite3_bind_text(st, 2, category, -1, SQLITE_TRANSIENT);
	if (sqlite3_step(st) == SQLITE_ROW) {
		*classes = sqlite3_column_int64(st, 0);
		*participations = sqlite3_column_int64(st, 1);
	}
	sqlite3_reset(st);
	return 0;
}

int rp_unit_put(ut_store_t *s, int64_t id, const char *name, const char *kind, const char *ownership)
{
	/* a cadre or completion event may name the unit's kind before the unit event arrives: never
	 * overwrite known text with nothing */
	STMT(st, "INSERT INTO rp_unit(id, name, kind, ownership) VALUES(?, ?, ?, ?) ON CONFLICT DO UPDATE SET"
		 " name = CASE WHEN excluded.name != '' THEN excluded.name ELSE name END,"
		 " kind = CASE WHEN excluded.kind != '' THEN excluded.kind ELSE kind END,"
		 " ownership = CASE WHEN excluded.ownership != '' THEN excluded.ownership ELSE ownership END");
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_text(st, 2, name ? name : "", -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 3, kind ? kind : "", -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 4, ownership ? ownership : "", -1, SQLITE_TRANSIENT);
	return ut_store_step_done(s, st, "unit put");
}

int rp_cadre_get(ut_store_t *s, const char *id, rp_cadre_t *out)
{
	memset(out, 0, sizeof *out);
	STMT(st, "SELECT unit_id, full_time, active, version FROM rp_cadre WHERE id = ?");
	sqlite3_bind_text(st, 1, id, -1, SQLITE_TRANSIENT);
	if (sqlite3_step(st) == SQLITE_ROW) {
		out->found = 1;
		out->unit_id = sqlite3_column_int64(st, 0);
		out->full_time = sqlite3_column_int(st, 1);
		out->active = sqlite3_column_int(st, 2);
		out->version = sqlite3_column_int(st, 3);
	}
	sqlite3_reset(st);
	return 0;
}

int rp_cadre_put(ut_store_t *s, const char *id, const rp_cadre_t *c)
{
	STMT(st, "INSERT OR REPLACE INTO rp_cadre(id, unit_id, full_time, active, version) VALUES(?, ?, ?, ?, ?)");
	sqlite3_bind_text(st, 1, id, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 2, c->unit_id);
	sqlite3_bind_int(st, 3, c->full_time);
	sqlite3_bind_int(st, 4, c->active);
	sqlite3_bind_int(st, 5, c->version);
	return ut_store_step_done(s, st, "cadre put");
}

int rp_enrol_get(ut_store_t *s, int64_t id, rp_enrol_t *out)
{
	memset(out, 0, sizeof *out);
	STMT(st, "SELECT class_id, unit_id, confirmed FROM rp_enrol WHERE id = ?");
	sqlite3_bind_int64(st, 1, id);
	if (sqlite3_step(st) == SQLITE_ROW) {
		out->found = 1;
		out->class_id = sqlite3_column_int64(st, 0);
		out->unit_id = sqlite3_column_int64(st, 1);
		out->confirmed = sqlite3_column_int(st, 2);
	}
	sqlite3_reset(st);
	return 0;
}

int rp_enrol_put(ut_store_t *s, int64_t id, const rp_enrol_t *e)
{
	STMT(st, "INSERT OR REPLACE INTO rp_enrol(id, class_id, unit_id, confirmed) VALUES(?, ?, ?, ?)");
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, e->class_id);
	sqlite3_bind_int64(st, 3, e->unit_id);
	sqlite3_bind_int(st, 4, e->confirmed);
	return ut_store_step_done(s, st, "enrol put");
}

int rp_mark_get(ut_store_t *s, int64_t class_id, int64_t session_id, const char *cadre, rp_mark_t *out)
{
	memset(out, 0, sizeof *out);
	STMT(st, "SELECT mark, revision, unit_id FROM rp_mark WHERE class_id = ? AND session_id = ? AND cadre_id = ?");
	sqlite3_bind_int64(st, 1, class_id);
	sqlite3_bind_int64(st, 2, session_id);
	sqlite3_bind_text(st, 3, cadre, -1, SQLITE_TRANSIENT);
	if (sqlite3_step(st) == SQLITE_ROW) {
		out->found = 1;
		copy(out->mark, sizeof out->mark, ut_store_text(st, 0));
		out->revision = sqlite3_column_int(st, 1);
		out->unit_id = sqlite3_column_int64(st, 2);
	}
	sqlite3_reset(st);
	return 0;
}

int rp_mark_put(ut_store_t *s, int64_t class_id, int64_t session_id, const char *cadre, const rp_mark_t *m)
{
	STMT(st, "INSERT OR REPLACE INTO rp_mark(class_id, session_id, cadre_id, mark, revision, unit_id)"
		 " VALUES(?, ?, ?, ?, ?, ?)");
	sqlite3_bind_int64(st, 1, class_id);
	sqlite3_bind_int64(st, 2, session_id);
	sqlite3_bind_text(st, 3, cadre, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 4, m->mark, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int(st, 5, m->revision);
	sqlite3_bind_int64(st, 6, m->unit_id);
	return ut_store_step_done(s, st, "mark put");
}

int rp_completion_get(ut_store_t *s, int64_t class_id, const char *cadre, rp_completion_t *out)
{
	memset(out, 0, sizeof *out);
	STMT(st, "SELECT unit_id, full_time, attended, total, completed FROM rp_completion"
		 " WHERE class_id = ? AND cadre_id = ?");
	sqlite3_bind_int64(st, 1, class_id);
	sqlite3_bind_text(st, 2, cadre, -1, SQLITE_TRANSIENT);
	if (sqlite3_step(st) == SQLITE_ROW) {
		out->found = 1;
		out->unit_id = sqlite3_column_int64(st, 0);
		out->full_time = sqlite3_column_int(st, 1);
		out->attended = sqlite3_column_int(st, 2);
		out->total = sqlite3_column_int(st, 3);
		out->completed = sqlite3_column_int(st, 4);
	}
	sqlite3_reset(st);
	return 0;
}

int rp_completion_put(ut_store_t *s, int64_t class_id, const char *cadre, const rp_completion_t *c)
{
	STMT(st, "INSERT OR REPLACE INTO rp_completion(class_id, cadre_id, unit_id, full_time, attended, total, completed)"
		 " VALUES(?, ?, ?, ?, ?, ?, ?)");
	sqlite3_bind_int64(st, 1, class_id);
	sqlite3_bind_text(st, 2, cadre, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 3, c->unit_id);
	sqlite3_bind_int(st, 4, c->full_time);
	sqlite3_bind_int(st, 5, c->attended);
	sqlite3_bind_int(st, 6, c->total);
	sqlite3_bind_int(st, 7, c->completed);
	return ut_store_step_done(s, st, "completion put");
}

int rp_completion_del(ut_store_t *s, int64_t class_id, const char *cadre)
{
	STMT(st, "DELETE FROM rp_completion WHERE class_id = ? AND cadre_id = ?");
	sqlite3_bind_int64(st, 1, class_id);
	sqlite3_bind_text(st, 2, cadre, -1, SQLITE_TRANSIENT);
	return ut_store_step_done(s, st, "completion delete");
}

int rp_delivery_get(ut_store_t *s, const char *key, int64_t *class_id, char *metric, size_t mlen)
{
	*class_id = 0;
	metric[0] = '\0';
	STMT(st, "SELECT class_id, metric FROM rp_delivery WHERE key = ?");
	sqlite3_bind_text(st, 1, key, -1, SQLITE_TRANSIENT);
	if (sqlite3_step(st) == SQLITE_ROW) {
		*class_id = sqlite3_column_int64(st, 0);
		copy(metric, mlen, ut_store_text(st, 1));
	}
	sqlite3_reset(st);
	return 0;
}

int rp_delivery_put(ut_store_t *s, const char *key, int64_t class_id, const char *metric)
{
	STMT(st, "INSERT OR REPLACE INTO rp_delivery(key, class_id, metric) VALUES(?, ?, ?)");
	sqlite3_bind_text(st, 1, key, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 2, class_id);
	sqlite3_bind_text(st, 3, metric, -1, SQLITE_TRANSIENT);
	return ut_store_step_done(s, st, "delivery put");
}

/* ---- reports ---- */

int rp_cells_add(rp_cells_t *l, ut_arena_t *a, const char *group, const char *label, const char *metric,
		 int64_t value)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 64;
		Ut__ReportCell **v = (Ut__ReportCell **)ut_arena_ptrs(a, cap);
		if (!v)
			return UT_ENOMEM;
		if (l->n)
			memcpy(v, l->v, l->n * sizeof *v);
		l->v = v;
		l->cap = cap;
	}
	Ut__ReportCell *c = ut_arena_alloc(a, sizeof *c);
	if (!c)
		return UT_ENOMEM;
	ut__report_cell__init(c);
	c->group = ut_arena_strdup(a, group ? group : "");
	c->label = ut_arena_strdup(a, label ? label : "");
	c->metric = ut_arena_strdup(a, metric);
	c->value = value;
	if (!c->group || !c->label || !c->metric)
		return UT_ENOMEM;
	l->v[l->n++] = c;
	return 0;
}

/* The period filter shared by every report: the months asked for, the yearly figures (month 0) of
 * that year, and the cadres registered now (year 0). */
#define PERIOD "((year = ?1 AND (month = 0 OR month BETWEEN ?2 AND ?3)) OR (year = 0 AND metric IN ('registered_ft', 'registered_pt')))"

/* The group of the category, format and month reports (?5 names it); months as "01".."12", "00" for
 * yearly figures (plans, distinct cadres). */
#define GROUP "CASE ?5 WHEN 'format' THEN format WHEN 'month' THEN printf('%02d', month) ELSE category END"

static int collect(ut_store_t *s, sqlite3_stmt *st, ut_arena_t *a, rp_cells_t *out, const char *what)
{
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		if (rp_cells_add(out, a, ut_store_text(st, 0), ut_store_text(st, 1), ut_store_text(st, 2),
				 sqlite3_column_int64(st, 3))) {
			sqlite3_reset(st);
			return UT_ENOMEM;
		}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : ut_store_err(s, rc, what);
}

int rp_report_cells(ut_store_t *s, ut_arena_t *a, const rp_period_t *p, const char *by, int subtree,
		    rp_cells_t *out)
{
	sqlite3_stmt *st;
	if (!strcmp(by, "unit"))
		st = ut_store_stmt(s, "SELECT CAST(c.unit_id AS TEXT), coalesce(u.name, ''), c.metric, sum(c.value)"
				      " FROM rp_count c LEFT JOIN rp_unit u ON u.id = c.unit_id WHERE " PERIOD
				      " AND (?4 = 0 OR c.unit_id = ?4) GROUP BY c.unit_id, c.metric ORDER BY c.unit_id, c.metric");
	else if (!strcmp(by, "kind") && subtree)
		st = ut_store_stmt(s, "SELECT g, '', metric, sum(value) FROM (SELECT coalesce(u.kind, '') AS g, c.metric AS metric,"
				      " c.value AS value, c.year AS year, c.month AS month FROM rp_count c LEFT JOIN rp_unit u"
				      " ON u.id = c.unit_id UNION ALL SELECT unit_kind, metric, value, year, month FROM rp_child_sum)"
				      " WHERE " PERIOD " AND ?4 = ?4 GROUP BY g, metric ORDER BY g, metric");
	else if (!strcmp(by, "kind"))
		st = ut_store_stmt(s, "SELECT coalesce(u.kind, ''), '', c.metric, sum(c.value) FROM rp_count c LEFT JOIN rp_unit u"
				      " ON u.id = c.unit_id WHERE " PERIOD " AND (?4 = 0 OR c.unit_id = ?4)"
				      " GROUP BY 1, c.metric ORDER BY 1, c.metric");
	else if (subtree)
		st = ut_store_stmt(s, "SELECT " GROUP ", '', metric, sum(value) FROM (SELECT category, format, metric, value, year,"
				      " month FROM rp_total UNION ALL SELECT category, format, metric, value, year, month FROM rp_child_sum)"
				      " WHERE " PERIOD " AND ?4 = ?4 GROUP BY 1, metric ORDER BY 1, metric");
	else if (!p->unit_id) /* the whole node: the sums over units */
		st = ut_store_stmt(s, "SELECT " GROUP ", '', metric, sum(value) FROM rp_total WHERE " PERIOD
				      " AND ?4 = ?4 GROUP BY 1, metric ORDER BY 1, metric");
	else
		st = ut_store_stmt(s, "SELECT " GROUP ", '', metric, sum(value) FROM rp_count WHERE " PERIOD
				      " AND (?4 = 0 OR unit_id = ?4) GROUP BY 1, metric ORDER BY 1, metric");
	if (!st)
		return UT_EINTERNAL;
	sqlite3_bind_text(st, 5, by, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int(st, 1, p->year);
	sqlite3_bind_int(st, 2, p->m1);
	sqlite3_bind_int(st, 3, p->m2);
	sqlite3_bind_int64(st, 4, p->unit_id);
	return collect(s, st, a, out, "report");
}

int rp_cumulative_cells(ut_store_t *s, ut_arena_t *a, const rp_period_t *p, const char *by, int subtree,
			rp_cells_t *out)
{
	/* cadres first trained in any year up to this one: the multi-year coverage */
	sqlite3_stmt *st;
	if (!strcmp(by, "unit"))
		st = ut_store_stmt(s, "SELECT CAST(c.unit_id AS TEXT), coalesce(u.name, ''), 'cumulative' || substr(c.metric, 14),"
				      " sum(c.value) FROM rp_count c LEFT JOIN rp_unit u ON u.id = c.unit_id WHERE c.year BETWEEN 1 AND ?1"
				      " AND c.metric IN ('first_trained_ft', 'first_trained_pt') AND (?2 = 0 OR c.unit_id = ?2)"
				      " GROUP BY c.unit_id, c.metric ORDER BY c.unit_id, c.metric");
	else if (subtree)
		st = ut_store_stmt(s, "SELECT g, '', 'cumulative' || substr(metric, 14), sum(value) FROM (SELECT coalesce(u.kind, '') AS g,"
				      " c.metric AS metric, c.value AS value, c.year AS year FROM rp_count c LEFT JOIN rp_unit u"
				      " ON u.id = c.unit_id UNION ALL SELECT unit_kind, metric, value, year FROM rp_child_sum)"
				      " WHERE year BETWEEN 1 AND ?1 AND metric IN ('first_trained_ft', 'first_trained_pt') AND ?2 = ?2"
				      " GROUP BY g, metric ORDER BY g, metric");
	else
		st = ut_store_stmt(s, "SELECT coalesce(u.kind, ''), '', 'cumulative' || substr(c.metric, 14), sum(c.value)"
				      " FROM rp_count c LEFT JOIN rp_unit u ON u.id = c.unit_id WHERE c.year BETWEEN 1 AND ?1"
				      " AND c.metric IN ('first_trained_ft', 'first_trained_pt') AND (?2 = 0 OR c.unit_id = ?2)"
				      " GROUP BY 1, c.metric ORDER BY 1, c.metric");
	if (!st)
		return UT_EINTERNAL;
	sqlite3_bind_int(st, 1, p->year);
	sqlite3_bind_int64(st, 2, p->unit_id);
	return collect(s, st, a, out, "cumulative report");
}

/* The PERIOD filter on one row of a child's snapshot. */
static int in_period(const rp_srow_t *r, const rp_period_t *p)
{
	if (r->year == 0)
		return !strcmp(r->metric, "registered_ft") || !strcmp(r->metric, "registered_pt");
	return r->year == p->year && (r->month == 0 || (r->month >= p->m1 && r->month <= p->m2));
}

/* Scratch for one child's sums: one slot per label of its blob. */
typedef struct metric_sum {
	int64_t value;
	int seen;
} metric_sum_t;

/* One child's cells: its rows in the period summed by metric. A metric's slot is its place in the
 * blob's label table, which is in strcmp order, so the cells come out ordered by metric. m has a
 * zeroed slot per label. */
static int child_cells(ut_arena_t *a, const char *node, const rp_srows_t *r, const rp_period_t *p,
		       metric_sum_t *m, rp_cells_t *out)
{
	for (size_t i = 0; i < r->n; i++) {
		metric_sum_t *x = &m[r->v[i].ix[3]];
		if (!in_period(&r->v[i], p))
			continue;
		if (__builtin_add_overflow(x->value, r->v[i].value, &x->value))
			return UT_EINVAL;
		x->seen = 1;
	}
	int rc = 0;
	for (size_t i = 0; i < r->nlab && !rc; i++)
		if (m[i].seen)
			rc = rp_cells_add(out, a, node, "", r->lab[i], m[i].value);
	return rc;
}

int rp_child_cells(ut_store_t *s, ut_arena_t *a, const rp_period_t *p, rp_cells_t *out)
{
	/* each blob is a few kilobytes: reading them all is cheaper than keeping per-child sums */
	STMT(st, "SELECT node, rows FROM rp_child_snap ORDER BY node");
	metric_sum_t *m = NULL;
	size_t cap = 0;
	int rc = 0, step;
	while (!rc && (step = sqlite3_step(st)) == SQLITE_ROW) {
		rp_srows_t r;
		rc = rp_srows_unpack(sqlite3_column_blob(st, 1), (size_t)sqlite3_column_bytes(st, 1), &r);
		if (!rc && r.nlab > cap) {
			free(m);
			cap = r.nlab;
			if (!(m = malloc(cap * sizeof *m)))
				rc = UT_ENOMEM;
		}
		if (!rc && r.nlab)
			memset(m, 0, r.nlab * sizeof *m);
		if (!rc)
			rc = child_cells(a, ut_store_text(st, 0), &r, p, m, out);
		rp_srows_clear(&r);
	}
	sqlite3_reset(st);
	free(m);
	if (rc == UT_EINVAL)
		ut_error("child report: a stored snapshot is malformed or its figures overflow");
	return rc ? rc : step == SQLITE_DONE ? 0 : ut_store_err(s, step, "child report");
}

/* ---- children ---- */

int rp_child_add(ut_store_t *s, const char *node, const char *key)
{
	/* a new key for a known child replaces the old one (key rotation); its figures stay, but the
	 * sequence and build time start again, so nothing the old key sent holds back the new one */
	STMT(st, "INSERT INTO rp_child(node, public_key) VALUES(?, ?) ON CONFLICT(node) DO UPDATE SET"
		 " public_key = excluded.public_key, seq = iif(public_key = excluded.public_key, seq, 0),"
		 " built_ms = iif(public_key = excluded.public_key, built_ms, 0)");
	sqlite3_bind_text(st, 1, node, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 2, key, -1, SQLITE_TRANSIENT);
	return ut_store_step_done(s, st, "child add");
}

static int child_rows_put(ut_store_t *s, const char *node, const rp_srows_t *cur, const uint8_t *blob, size_t len);

int rp_child_remove(ut_store_t *s, const char *node)
{
	rp_srows_t none = {0};
	STMT(del, "DELETE FROM rp_child WHERE node = ?");
	sqlite3_bind_text(del, 1, node, -1, SQLITE_TRANSIENT);
	int rc = ut_store_step_done(s, del, "child remove");
	if (rc)
		return rc;
	if (!sqlite3_changes(ut_store_db(s)))
		return UT_ENOTFOUND;
	/* its figures leave the sums as a snapshot without rows would take them out */
	if ((rc = child_rows_put(s, node, &none, NULL, 0)))
		return rc;
	STMT(snap, "DELETE FROM rp_child_snap WHERE node = ?");
	sqlite3_bind_text(snap, 1, node, -1, SQLITE_TRANSIENT);
	return ut_store_step_done(s, snap, "child snapshot remove");
}

static Ut__Child *child_row(sqlite3_stmt *st, ut_arena_t *a, int64_t now_ms, int64_t stale_ms)
{
	Ut__Child *c = ut_arena_alloc(a, sizeof *c);
	if (!c)
		return NULL;
	ut__child__init(c);
	c->node = ut_arena_strdup(a, ut_store_text(st, 0));
	c->public_key = ut_arena_strdup(a, ut_store_text(st, 1));
	c->seq = (uint64_t)sqlite3_column_int64(st, 2);
	c->built_ms = sqlite3_column_int64(st, 3);
	c->received_ms = sqlite3_column_int64(st, 4);
	c->accepted = sqlite3_column_int64(st, 5);
	c->ignored = sqlite3_column_int64(st, 6);
	c->stale = !c->received_ms || now_ms - c->received_ms > stale_ms;
	return c->node && c->public_key ? c : NULL;
}

int rp_child_list(ut_store_t *s, ut_arena_t *a, int64_t now_ms, int64_t stale_ms, Ut__ChildList *out)
{
	STMT(st, "SELECT node, public_key, seq, built_ms, received_ms, accepted, ignored FROM rp_child ORDER BY node");
	int rc;
	size_t cap = 0;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (out->n_children == cap) {
			cap = cap ? cap * 2 : 16;
			Ut__Child **v = (Ut__Child **)ut_arena_ptrs(a, cap);
			if (!v)
				break;
			if (out->n_children)
				memcpy(v, out->children, out->n_children * sizeof *v);
			out->children = v;
		}
		Ut__Child *c = child_row(st, a, now_ms, stale_ms);
		if (!c)
			break;
		out->children[out->n_children++] = c;
	}
	sqlite3_reset(st);
	if (a->failed)
		return UT_ENOMEM;
	return rc == SQLITE_DONE ? 0 : ut_store_err(s, rc, "child list");
}

int rp_child_by_key(ut_store_t *s, ut_arena_t *a, const char *key, Ut__Child **out)
{
	STMT(st, "SELECT node, public_key, seq, built_ms, received_ms, accepted, ignored FROM rp_child WHERE public_key = ?");
	sqlite3_bind_text(st, 1, key, -1, SQLITE_TRANSIENT);
	int rc = sqlite3_step(st);
	*out = rc == SQLITE_ROW ? child_row(st, a, 0, 0) : NULL;
	sqlite3_reset(st);
	if (rc == SQLITE_DONE)
		return UT_ENOTFOUND;
	return *out ? 0 : rc == SQLITE_ROW ? UT_ENOMEM : ut_store_err(s, rc, "child by key");
}

/* The changes of one group of keys, gathered across its months, then written in one statement. */
typedef struct group_delta {
	ut_store_t *s;
	const rp_srow_t *key; /* a changed key of the group; NULL when nothing is gathered */
	int64_t d[13];
} group_delta_t;

static void bind_months(sqlite3_stmt *st, int first, const int64_t *d)
{
	for (int i = 0; i < 13; i++)
		sqlite3_bind_int64(st, first + i, d[i]);
}

/* A group's sums go back to zero only when some of them fall (children's counters are never
 * negative), so only then does a second statement delete the group if every month is zero: a child
 * cannot fill the table with groups it sent once and then dropped. */
static int group_flush(group_delta_t *g)
{
	ut_store_t *s = g->s;
	const rp_srow_t *k = g->key;
	int64_t id = (int64_t)rp_srow_hash(k), chk = (int64_t)rp_srow_check(k);
	g->key = NULL;
	STMT(up, "UPDATE rp_child_total SET m0 = m0 + ?, m1 = m1 + ?, m2 = m2 + ?, m3 = m3 + ?, m4 = m4 +"
		 " ?, m5 = m5 + ?, m6 = m6 + ?, m7 = m7 + ?, m8 = m8 + ?, m9 = m9 + ?, m10 = m10 + ?, m11"
		 " = m11 + ?, m12 = m12 + ? WHERE id = ? AND chk = ?");
	bind_months(up, 1, g->d);
	sqlite3_bind_int64(up, 14, id);
	sqlite3_bind_int64(up, 15, chk);
	int rc = ut_store_step_done(s, up, "child total");
	if (!rc && !sqlite3_changes(ut_store_db(s))) {
		/* a new group; one sharing the id but not the check fails here rather than mixing figures */
		STMT(ins, "INSERT INTO rp_child_total(id, chk, year, category, format, unit_kind, metric, m0, m1,"
			  " m2, m3, m4, m5, m6, m7, m8, m9, m10, m11, m12) VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
			  " ?, ?, ?, ?, ?, ?, ?, ?, ?)");
		sqlite3_bind_int64(ins, 1, id);
		sqlite3_bind_int64(ins, 2, chk);
		sqlite3_bind_int(ins, 3, k->year);
		sqlite3_bind_text(ins, 4, k->category, -1, SQLITE_STATIC);
		sqlite3_bind_text(ins, 5, k->format, -1, SQLITE_STATIC);
		sqlite3_bind_text(ins, 6, k->unit_kind, -1, SQLITE_STATIC);
		sqlite3_bind_text(ins, 7, k->metric, -1, SQLITE_STATIC);
		bind_months(ins, 8, g->d);
		rc = ut_store_step_done(s, ins, "child total insert");
	}
	int fell = 0;
	for (int i = 0; i < 13; i++)
		fell |= g->d[i] < 0;
	if (!rc && fell) {
		STMT(del, "DELETE FROM rp_child_total WHERE id = ? AND chk = ? AND m0 = 0 AND m1 = 0 AND m2 = 0 AND"
			  " m3 = 0 AND m4 = 0 AND m5 = 0 AND m6 = 0 AND m7 = 0 AND m8 = 0 AND m9 = 0 AND m10 = 0"
			  " AND m11 = 0 AND m12 = 0");
		sqlite3_bind_int64(del, 1, id);
		sqlite3_bind_int64(del, 2, chk);
		rc = ut_store_step_done(s, del, "child total delete");
	}
	memset(g->d, 0, sizeof g->d);
	return rc;
}

/* One key's change (rp_srows_diff walks keys group by group). */
static int group_add(void *arg, const rp_srow_t *k, int64_t delta)
{
	group_delta_t *g = arg;
	int rc = g->key && rp_srow_group_cmp(g->key, k) ? group_flush(g) : 0;
	if (rc)
		return rc;
	if (k->month < 0 || k->month > 12)
		return UT_EINVAL;
	g->key = k;
	g->d[k->month] = delta;
	return 0;
}

/* The child's stored rows, unless they are the same bytes as blob (*same set). */
static int child_rows(ut_store_t *s, const char *node, const uint8_t *blob, size_t len, int *same, rp_srows_t *old)
{
	memset(old, 0, sizeof *old);
	STMT(st, "SELECT rows FROM rp_child_snap WHERE node = ?");
	sqlite3_bind_text(st, 1, node, -1, SQLITE_TRANSIENT);
	int rc = sqlite3_step(st);
	size_t n = rc == SQLITE_ROW ? (size_t)sqlite3_column_bytes(st, 0) : 0;
	const void *b = n ? sqlite3_column_blob(st, 0) : NULL;
	*same = rc == SQLITE_ROW && n == len && (!n || !memcmp(b, blob, n));
	int urc = *same ? 0 : rp_srows_unpack(b, n, old);
	sqlite3_reset(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return ut_store_err(s, rc, "child rows");
	if (urc == UT_EINVAL)
		ut_error("the stored snapshot of %s is malformed", node);
	return urc;
}

/* Replace the child's rows with cur (packed as blob) and move the sums by the difference. */
static int child_rows_put(ut_store_t *s, const char *node, const rp_srows_t *cur, const uint8_t *blob, size_t len)
{
	rp_srows_t old;
	int same, rc = child_rows(s, node, blob, len, &same, &old);
	if (rc || same)
		return rc;
	group_delta_t g = {s, NULL, {0}};
	rc = rp_srows_diff(&old, cur, group_add, &g);
	if (!rc && g.key)
		rc = group_flush(&g); /* before the rows its key points into go */
	rp_srows_clear(&old);
	if (rc)
		return rc;
	STMT(put, "INSERT INTO rp_child_snap(node, rows) VALUES(?, ?) ON CONFLICT(node) DO UPDATE SET rows = excluded.rows");
	sqlite3_bind_text(put, 1, node, -1, SQLITE_TRANSIENT);
	sqlite3_bind_blob(put, 2, len ? (const void *)blob : "", (int)len, SQLITE_STATIC);
	return ut_store_step_done(s, put, "child rows");
}

/* The snapshot's rows in stored form, then as the child's rows. */
static int child_store_rows(ut_store_t *s, const char *node, const rp_srows_t *cur)
{
	uint8_t *blob = NULL;
	size_t len = 0;
	int rc = rp_srows_pack(cur, &blob, &len);
	if (!rc)
		rc = child_rows_put(s, node, cur, blob, len);
	free(blob);
	return rc;
}

int rp_child_seq(ut_store_t *s, const char *node, uint64_t *seq, int64_t *built_ms, int64_t *received_ms)
{
	STMT(st, "SELECT seq, built_ms, received_ms FROM rp_child WHERE node = ?");
	sqlite3_bind_text(st, 1, node, -1, SQLITE_TRANSIENT);
	int rc = sqlite3_step(st);
	*seq = rc == SQLITE_ROW ? (uint64_t)sqlite3_column_int64(st, 0) : 0;
	*built_ms = rc == SQLITE_ROW ? sqlite3_column_int64(st, 1) : 0;
	*received_ms = rc == SQLITE_ROW ? sqlite3_column_int64(st, 2) : 0;
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? 0 : rc == SQLITE_DONE ? UT_ENOTFOUND : ut_store_err(s, rc, "child seq");
}

int rp_child_snapshot(ut_store_t *s, const Ut__Snapshot *snap, const rp_srows_t *cur, int64_t now_ms,
		      uint64_t *have_seq)
{
	STMT(get, "SELECT seq, built_ms FROM rp_child WHERE node = ?");
	sqlite3_bind_text(get, 1, snap->node, -1, SQLITE_TRANSIENT);
	int rc = sqlite3_step(get);
	*have_seq = rc == SQLITE_ROW ? (uint64_t)sqlite3_column_int64(get, 0) : 0;
	int64_t have_built = rc == SQLITE_ROW ? sqlite3_column_int64(get, 1) : 0;
	sqlite3_reset(get);
	if (rc != SQLITE_ROW)
		return rc == SQLITE_DONE ? UT_ENOTFOUND : ut_store_err(s, rc, "child seq");
	/* a repeat or a late older one has neither a higher seq nor a later build time; a child that
	 * lost its database starts again at seq 1 but builds later, and must not be shut out */
	if (snap->seq <= *have_seq && snap->built_ms <= have_built) {
		STMT(ign, "UPDATE rp_child SET ignored = ignored + 1 WHERE node = ?");
		sqlite3_bind_text(ign, 1, snap->node, -1, SQLITE_TRANSIENT);
		rc = ut_store_step_done(s, ign, "child ignored");
		return rc ? rc : 0;
	}
	/* whole counters, not increments: the latest snapshot replaces the one before */
	if ((rc = child_store_rows(s, snap->node, cur)))
		return rc;
	STMT(up, "UPDATE rp_child SET seq = ?, built_ms = ?, received_ms = ?, accepted = accepted + 1, nodes = ?"
		 " WHERE node = ?");
	sqlite3_bind_int64(up, 1, (int64_t)snap->seq);
	sqlite3_bind_int64(up, 2, snap->built_ms);
	sqlite3_bind_int64(up, 3, now_ms);
	sqlite3_bind_int(up, 4, snap->nodes);
	sqlite3_bind_text(up, 5, snap->node, -1, SQLITE_TRANSIENT);
	return (rc = ut_store_step_done(s, up, "child update")) ? rc : 1;
}

/* One child's schema-4 rows (labels in the arena) as its schema-5 blob and sums. */
static int convert_child(ut_store_t *s, const char *node, rp_srows_t *r)
{
	uint8_t *blob = NULL;
	size_t len = 0;
	int rc = rp_srows_canon(r);
	if (!rc)
		rc = rp_srows_pack(r, &blob, &len);
	if (!rc)
		rc = child_rows_put(s, node, r, blob, len);
	free(blob);
	return rc;
}

/* Every row of rp_child_row, child by child, through convert_child; the number of children. */
static int convert_rows(ut_store_t *s, sqlite3_stmt *st)
{
	ut_arena_t a = {0};
	rp_srows_t r = {0};
	size_t cap = 0;
	char node[256] = "";
	int rc = 0, step, children = 0;
	while (!rc && (step = sqlite3_step(st)) == SQLITE_ROW) {
		if (strcmp(node, ut_store_text(st, 0))) {
			if (*node && !(rc = convert_child(s, node, &r)))
				children++;
			r.n = 0;
			ut_arena_free(&a);
			copy(node, sizeof node, ut_store_text(st, 0));
		}
		if (!rc && r.n == cap) {
			rp_srow_t *v = realloc(r.v, (cap = cap ? 2 * cap : 256) * sizeof *v);
			rc = v ? 0 : UT_ENOMEM;
			r.v = v ? v : r.v;
		}
		if (rc)
			break;
		r.v[r.n++] = (rp_srow_t){sqlite3_column_int(st, 1), sqlite3_column_int(st, 2),
					 ut_arena_strdup(&a, ut_store_text(st, 3)), ut_arena_strdup(&a, ut_store_text(st, 4)),
					 ut_arena_strdup(&a, ut_store_text(st, 5)), ut_arena_strdup(&a, ut_store_text(st, 6)),
					 sqlite3_column_int64(st, 7), {0}};
		rc = a.failed ? UT_ENOMEM : 0;
	}
	if (!rc && step != SQLITE_DONE)
		rc = ut_store_err(s, step, "child rows convert");
	if (!rc && *node && !(rc = convert_child(s, node, &r)))
		children++;
	ut_arena_free(&a);
	rp_srows_clear(&r);
	return rc ? rc : children;
}

int rp_child_rows_convert(ut_store_t *s)
{
	STMT(has, "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'rp_child_row'");
	int64_t n = ut_store_scalar(s, has, 0);
	if (n <= 0)
		return (int)n;
	/* prepared here, not cached: the table goes at the end */
	sqlite3_stmt *st = NULL;
	int rc = ut_store_begin(s);
	if (!rc && sqlite3_prepare_v2(ut_store_db(s), "SELECT node, year, month, category, format, unit_kind, metric, value"
						     " FROM rp_child_row ORDER BY node", -1, &st, NULL) != SQLITE_OK)
		rc = ut_store_err(s, sqlite3_errcode(ut_store_db(s)), "child rows convert");
	int children = rc ? 0 : convert_rows(s, st);
	sqlite3_finalize(st);
	if (!rc && children < 0)
		rc = children;
	if (!rc)
		rc = ut_store_exec(s, "DROP TABLE rp_child_row");
	if (!rc)
		rc = ut_store_commit(s);
	if (rc) {
		ut_store_rollback(s);
		return rc;
	}
	return children;
}

int rp_snapshot_rows(ut_store_t *s, ut_arena_t *a, Ut__Snapshot *out)
{
	/* units are this node's business; upward they are only a type. No cadre table is read here.
	 * A parent refuses negative figures, so a sum below zero (never a real count) is not sent. */
	STMT(st, "SELECT year, month, category, format, kind, metric, sum(value) FROM ("
		 " SELECT c.year, c.month, c.category, c.format, coalesce(u.kind, '') AS kind, c.metric, c.value"
		 " FROM rp_count c LEFT JOIN rp_unit u ON u.id = c.unit_id"
		 " UNION ALL SELECT year, month, category, format, unit_kind, metric, value FROM rp_child_sum)"
		 " GROUP BY 1, 2, 3, 4, 5, 6 HAVING sum(value) > 0 ORDER BY 1, 2, 3, 4, 5, 6");
	int rc;
	size_t cap = 0;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (out->n_rows == cap) {
			cap = cap ? cap * 2 : 128;
			Ut__SnapshotRow **v = (Ut__SnapshotRow **)ut_arena_ptrs(a, cap);
			if (!v)
				break;
			if (out->n_rows)
				memcpy(v, out->rows, out->n_rows * sizeof *v);
			out->rows = v;
		}
		Ut__SnapshotRow *r = ut_arena_alloc(a, sizeof *r);
		if (!r)
			break;
		ut__snapshot_row__init(r);
		r->year = sqlite3_column_int(st, 0);
		r->month = sqlite3_column_int(st, 1);
		r->category = ut_arena_strdup(a, ut_store_text(st, 2));
		r->format = ut_arena_strdup(a, ut_store_text(st, 3));
		r->unit_kind = ut_arena_strdup(a, ut_store_text(st, 4));
		r->metric = ut_arena_strdup(a, ut_store_text(st, 5));
		r->value = sqlite3_column_int64(st, 6);
		out->rows[out->n_rows++] = r;
	}
	sqlite3_reset(st);
	if (a->failed)
		return UT_ENOMEM;
	if (rc != SQLITE_DONE)
		return ut_store_err(s, rc, "snapshot rows");
	STMT(n, "SELECT 1 + coalesce(sum(CASE WHEN nodes > 0 THEN nodes ELSE 0 END), 0) FROM rp_child");
	out->nodes = sqlite3_step(n) == SQLITE_ROW ? sqlite3_column_int(n, 0) : 1;
	sqlite3_reset(n);
	return 0;
}

/* ---- link state ---- */

int64_t rp_link_int(ut_store_t *s, const char *key)
{
	sqlite3_stmt *st = ut_store_stmt(s, "SELECT ival FROM rp_link WHERE key = ?");
	if (!st)
		return 0;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_TRANSIENT);
	int64_t v = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	sqlite3_reset(st);
	return v;
}

int rp_link_set_int(ut_store_t *s, const char *key, int64_t v)
{
	STMT(st, "INSERT INTO rp_link(key, ival) VALUES(?, ?) ON CONFLICT DO UPDATE SET ival = excluded.ival");
	sqlite3_bind_text(st, 1, key, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 2, v);
	return ut_store_step_done(s, st, "link int");
}

int rp_link_text(ut_store_t *s, const char *key, char *buf, size_t len)
{
	buf[0] = '\0';
	STMT(st, "SELECT sval FROM rp_link WHERE key = ?");
	sqlite3_bind_text(st, 1, key, -1, SQLITE_TRANSIENT);
	if (sqlite3_step(st) == SQLITE_ROW)
		copy(buf, len, ut_store_text(st, 0));
	sqlite3_reset(st);
	return 0;
}

int rp_link_set_text(ut_store_t *s, const char *key, const char *v)
{
	STMT(st, "INSERT INTO rp_link(key, sval) VALUES(?, ?) ON CONFLICT DO UPDATE SET sval = excluded.sval");
	sqlite3_bind_text(st, 1, key, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 2, v, -1, SQLITE_TRANSIENT);
	return ut_store_step_done(s, st, "link text");
}
