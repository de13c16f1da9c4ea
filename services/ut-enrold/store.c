/* ut-enrold's SQL: schema, and every read and write of org units, cadres, enrolments, attendance,
 * reflections and completions. Reads of classes go to the scheduling projection (sched_*). */
#include "enrold.h"
#include "ut/clock.h"
#include "ut/err.h"
#include "ut/projection.h"

#include <stdio.h>
#include <string.h>

/* Enrolment rows are never deleted and a re-enrolment after a cancellation is a new row, so the
 * rowid order is the order people asked in: the waitlist is ordered by id. At most one live
 * (not cancelled) row per cadre and class. */
const ut_migration_t enrol_migrations[ENROL_NMIGRATIONS] = {
	{1, ut_projection_schema},
	{2, "CREATE TABLE units(id INTEGER PRIMARY KEY, parent_id INTEGER NOT NULL, code TEXT NOT NULL UNIQUE,"
	    " name TEXT NOT NULL, kind TEXT NOT NULL, ownership TEXT NOT NULL, employees INTEGER NOT NULL,"
	    " level TEXT NOT NULL, created_ms INTEGER NOT NULL);"
	    "CREATE INDEX units_parent ON units(parent_id);"
	    "CREATE TABLE cadres(id TEXT PRIMARY KEY, name TEXT NOT NULL, name_key TEXT NOT NULL,"
	    " unit_id INTEGER NOT NULL REFERENCES units(id), position TEXT NOT NULL, full_time INTEGER NOT NULL,"
	    " elected_on TEXT NOT NULL, email TEXT NOT NULL, phone TEXT NOT NULL, locale TEXT NOT NULL,"
	    " state TEXT NOT NULL, version INTEGER NOT NULL, updated_ms INTEGER NOT NULL) WITHOUT ROWID;"
	    "CREATE INDEX cadres_unit ON cadres(unit_id);"
	    "CREATE TABLE enrolments(id INTEGER PRIMARY KEY, cadre_id TEXT NOT NULL, class_id INTEGER NOT NULL,"
	    " state TEXT NOT NULL, class_version INTEGER NOT NULL, reason TEXT NOT NULL,"
	    " created_ms INTEGER NOT NULL, changed_ms INTEGER NOT NULL);"
	    "CREATE UNIQUE INDEX enrolments_live ON enrolments(cadre_id, class_id) WHERE state != 'cancelled';"
	    "CREATE INDEX enrolments_cadre ON enrolments(cadre_id, state);"
	    "CREATE INDEX enrolments_class ON enrolments(class_id, state, id);"
	    "CREATE TABLE attendance(session_id INTEGER NOT NULL, cadre_id TEXT NOT NULL, class_id INTEGER NOT NULL,"
	    " mark TEXT NOT NULL, revision INTEGER NOT NULL, marked_ms INTEGER NOT NULL,"
	    " PRIMARY KEY(session_id, cadre_id)) WITHOUT ROWID;"
	    "CREATE INDEX attendance_class ON attendance(class_id, cadre_id);"
	    "CREATE TABLE attendance_log(id INTEGER PRIMARY KEY, session_id INTEGER NOT NULL, cadre_id TEXT NOT NULL,"
	    " class_id INTEGER NOT NULL, mark TEXT NOT NULL, previous TEXT NOT NULL, revision INTEGER NOT NULL,"
	    " marked_ms INTEGER NOT NULL);"
	    "CREATE TABLE reflections(cadre_id TEXT NOT NULL, class_id INTEGER NOT NULL, text TEXT NOT NULL,"
	    " revision INTEGER NOT NULL, submitted_ms INTEGER NOT NULL, PRIMARY KEY(cadre_id, class_id)) WITHOUT ROWID;"
	    "CREATE TABLE completions(class_id INTEGER NOT NULL, cadre_id TEXT NOT NULL, completed INTEGER NOT NULL,"
	    " sessions_total INTEGER NOT NULL, sessions_attended INTEGER NOT NULL, hours INTEGER NOT NULL,"
	    " reflection INTEGER NOT NULL, computed_ms INTEGER NOT NULL, PRIMARY KEY(class_id, cadre_id)) WITHOUT ROWID;"
	    "CREATE INDEX completions_cadre ON completions(cadre_id);"},
	/* Seats taken per class and state, so the capacity check on the hot path is one lookup
	 * instead of counting the class's rows (first kept by triggers; see 4). */
	{3, "CREATE TABLE enrol_counts(class_id INTEGER NOT NULL, state TEXT NOT NULL, n INTEGER NOT NULL,"
	    " PRIMARY KEY(class_id, state)) WITHOUT ROWID;"
	    "INSERT INTO enrol_counts SELECT class_id, state, count(*) FROM enrolments GROUP BY class_id, state;"
	    "CREATE TRIGGER enrol_counts_insert AFTER INSERT ON enrolments BEGIN"
	    " INSERT INTO enrol_counts VALUES(NEW.class_id, NEW.state, 1)"
	    " ON CONFLICT(class_id, state) DO UPDATE SET n = n + 1; END;"
	    "CREATE TRIGGER enrol_counts_update AFTER UPDATE OF state, class_id ON enrolments"
	    " WHEN OLD.state != NEW.state OR OLD.class_id != NEW.class_id BEGIN"
	    " UPDATE enrol_counts SET n = n - 1 WHERE class_id = OLD.class_id AND state = OLD.state;"
	    " INSERT INTO enrol_counts VALUES(NEW.class_id, NEW.state, 1)"
	    " ON CONFLICT(class_id, state) DO UPDATE SET n = n + 1; END;"
	    "CREATE TRIGGER enrol_counts_delete AFTER DELETE ON enrolments BEGIN"
	    " UPDATE enrol_counts SET n = n - 1 WHERE class_id = OLD.class_id AND state = OLD.state; END;"},
	/* The counts kept by count_add() below, next to each change of state, one row per class
	 * keyed by its rowid and updated in place: a trigger, or an update of a WITHOUT ROWID table,
	 * makes SQLite journal each statement, which doubled the cost of an enrolment. */
	{4, "DROP TRIGGER enrol_counts_insert; DROP TRIGGER enrol_counts_update; DROP TRIGGER enrol_counts_delete;"
	    "DROP TABLE enrol_counts;"
	    "CREATE TABLE enrol_counts(class_id INTEGER PRIMARY KEY, confirmed INTEGER NOT NULL DEFAULT 0,"
	    " waitlisted INTEGER NOT NULL DEFAULT 0, cancelled INTEGER NOT NULL DEFAULT 0);"
	    "INSERT INTO enrol_counts SELECT class_id, sum(state = 'confirmed'), sum(state = 'waitlisted'),"
	    " sum(state = 'cancelled') FROM enrolments GROUP BY class_id;"},
};

#define TEXT(st, i) ut_arena_strdup(a, ut_store_text(st, i))
#define LIMIT(n) UT_LIST_LIMIT(n)

#define T(st, i, v) sqlite3_bind_text(st, i, (v) ? (v) : "", -1, SQLITE_STATIC)

/* ---- org units ---- */

int es_unit_insert(ut_store_t *s, Ut__OrgUnit *u)
{
	sqlite3_stmt *st = ut_store_stmt(s, "INSERT INTO units(parent_id, code, name, kind, ownership, employees,"
					    " level, created_ms) VALUES(?, ?, ?, ?, ?, ?, ?, ?)");
	if (!st)
		return UT_EINTERNAL;
	sqlite3_bind_int64(st, 1, u->parent_id);
	T(st, 2, u->code);
	T(st, 3, u->name);
	T(st, 4, u->kind);
	T(st, 5, u->ownership);
	sqlite3_bind_int(st, 6, u->employees);
	T(st, 7, u->level);
	sqlite3_bind_int64(st, 8, ut_clock_now_ms());
	int rc = ut_store_step_done(s, st, "unit insert");
	if (!rc)
		u->id = sqlite3_last_insert_rowid(ut_store_db(s));
	return rc;
}

int es_unit_update(ut_store_t *s, const Ut__OrgUnit *u)
{
	sqlite3_stmt *st = ut_store_stmt(s, "UPDATE units SET parent_id = ?, name = ?, kind = ?, ownership = ?,"
					    " employees = ?, level = ? WHERE id = ?");
	if (!st)
		return UT_EINTERNAL;
	sqlite3_bind_int64(st, 1, u->parent_id);
	T(st, 2, u->name);
	T(st, 3, u->kind);
	T(st, 4, u->ownership);
	sqlite3_bind_int(st, 5, u->employees);
	T(st, 6, u->level);
	sqlite3_bind_int64(st, 7, u->id);
	return ut_store_step_done(s, st, "unit update");
}

int es_unit_within(ut_store_t *s, int64_t id, int64_t ancestor)
{
	/* walk up from id; UNION (not ALL) ends the walk even on a damaged, cyclic tree */
	sqlite3_stmt *st = ut_store_stmt(s, "WITH RECURSIVE up(id) AS (SELECT ?1 UNION SELECT u.parent_id FROM units u"
					    " JOIN up ON u.id = up.id WHERE u.parent_id != 0) SELECT count(*) FROM up WHERE id = ?2");
	if (!st)
		return UT_EINTERNAL;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, ancestor);
	return (int)ut_store_scalar(s, st, 0);
}

#define UNIT_COLS "u.id, u.parent_id, u.code, u.name, u.kind, u.ownership, u.employees, u.level, coalesce(p.code, '')"

static void *unit_row(ut_arena_t *a, sqlite3_stmt *st)
{
	Ut__OrgUnit *u = ut_arena_alloc(a, sizeof *u);
	if (!u)
		return NULL;
	ut__org_unit__init(u);
	u->id = sqlite3_column_int64(st, 0);
	u->parent_id = sqlite3_column_int64(st, 1);
	u->code = TEXT(st, 2);
	u->name = TEXT(st, 3);
	u->kind = TEXT(st, 4);
	u->ownership = TEXT(st, 5);
	u->employees = sqlite3_column_int(st, 6);
	u->level = TEXT(st, 7);
	u->parent_code = TEXT(st, 8);
	return u;
}

int es_unit_find(ut_store_t *s, ut_arena_t *a, int64_t id, const char *code, Ut__OrgUnit **out)
{
	sqlite3_stmt *st = ut_store_stmt(s, "SELECT " UNIT_COLS " FROM units u LEFT JOIN units p ON p.id = u.parent_id"
					    " WHERE u.id = ?1 OR (?2 != '' AND u.code = ?2)");
	if (!st)
		return UT_EINTERNAL;
	sqlite3_bind_int64(st, 1, id);
	T(st, 2, code);
	return ut_store_row(s, a, st, unit_row, (void **)out);
}

int es_unit_list(ut_store_t *s, ut_arena_t *a, const Ut__UnitQuery *q, Ut__UnitList *out)
{
	/* the whole tree depth-first, each unit after its parent, siblings by code */
	sqlite3_stmt *st = ut_store_stmt(
		s, "WITH RECURSIVE t(id, path) AS (SELECT id, code FROM units WHERE parent_id = ?1"
		   " UNION ALL SELECT u.id, t.path || char(1) || u.code FROM units u JOIN t ON u.parent_id = t.id"
		   " WHERE ?2)"
		   " SELECT " UNIT_COLS " FROM t JOIN units u ON u.id = t.id LEFT JOIN units p ON p.id = u.parent_id"
		   " ORDER BY t.path LIMIT 10000");
	if (!st)
		return UT_EINTERNAL;
	sqlite3_bind_int64(st, 1, q->parent_id);
	sqlite3_bind_int(st, 2, q->all);
	return ut_store_rows(s, a, st, 10000, unit_row, &out->n_units, (void ***)&out->units);
}

/* ---- cadres ---- */

static void bind_cadre(sqlite3_stmt *st, const Ut__Cadre *c, const char *key)
{
	T(st, 1, c->id);
	T(st, 2, c->name);
	T(st, 3, key);
	sqlite3_bind_int64(st, 4, c->unit_id);
	T(st, 5, c->position);
	sqlite3_bind_int(st, 6, c->full_time);
	T(st, 7, c->elected_on);
	T(st, 8, c->email);
	T(st, 9, c->phone);
	T(st, 10, c->locale);
	T(st, 11, c->state);
	sqlite3_bind_int(st, 12, c->version);
	sqlite3_bind_int64(st, 13, ut_clock_now_ms());
}

int es_cadre_insert(ut_store_t *s, const Ut__Cadre *c, const char *key)
{
	sqlite3_stmt *st = ut_store_stmt(s, "INSERT INTO cadres(id, name, name_key, unit_id, position, full_time,"
					    " elected_on, email, phone, locale, state, version, updated_ms)"
					    " VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
	if (!st)
		return UT_EINTERNAL;
	bind_cadre(st, c, key);
	return ut_store_step_done(s, st, "cadre insert");
}

int es_cadre_update(ut_store_t *s, const Ut__Cadre *c, const char *key)
{
	sqlite3_stmt *st = ut_store_stmt(s, "UPDATE cadres SET name = ?2, name_key = ?3, unit_id = ?4, position = ?5,"
					    " full_time = ?6, elected_on = ?7, email = ?8, phone = ?9, locale = ?10,"
					    " state = ?11, version = ?12, updated_ms = ?13 WHERE id = ?1");
	if (!st)
		return UT_EINTERNAL;
	bind_cadre(st, c, key);
	return ut_store_step_done(s, st, "cadre update");
}

#define CADRE_COLS                                                                                     \
	"c.id, c.name, c.unit_id, c.position, c.full_time, c.elected_on, c.email, c.phone, c.locale, c.state," \
	" c.version, u.kind, u.ownership, u.code"

static void *cadre_row(ut_arena_t *a, sqlite3_stmt *st)
{
	Ut__Cadre *c = ut_arena_alloc(a, sizeof *c);
	if (!c)
		return NULL;
	ut__cadre__init(c);
	c->id = TEXT(st, 0);
	c->name = TEXT(st, 1);
	c->unit_id = sqlite3_column_int64(st, 2);
	c->position = TEXT(st, 3);
	c->full_time = sqlite3_column_int(st, 4);
	c->elected_on = TEXT(st, 5);
	c->email = TEXT(st, 6);
	c->phone = TEXT(st, 7);
	c->locale = TEXT(st, 8);
	c->state = TEXT(st, 9);
	c->version = sqlite3_column_int(st, 10);
	c->unit_kind = TEXT(st, 11);
	c->unit_ownership = TEXT(st, 12);
	c->unit_code = TEXT(st, 13);
	return c;
}

int es_cadre_get(ut_store_t *s, ut_arena_t *a, const char *id, Ut__Cadre **out)
{
	sqlite3_stmt *st =
		ut_store_stmt(s, "SELECT " CADRE_COLS " FROM cadres c JOIN units u ON u.id = c.unit_id WHERE c.id = ?");
	if (!st)
		return UT_EINTERNAL;
	T(st, 1, id);
	return ut_store_row(s, a, st, cadre_row, (void **)out);
}

int es_cadre_list(ut_store_t *s, ut_arena_t *a, const Ut__CadreQuery *q, int64_t unit_id, const char *key,
		  Ut__CadreList *out)
{
	sqlite3_stmt *st = ut_store_stmt(
		s, "SELECT " CADRE_COLS " FROM cadres c JOIN units u ON u.id = c.unit_id"
		   " WHERE c.id > ?1 AND (?2 = 0 OR c.unit_id = ?2) AND (?3 = '' OR c.state = ?3)"
		   " AND (?4 = '' OR c.name_key LIKE '%' || ?4 || '%' ESCAPE '\\') AND (?6 = '' OR c.position = ?6)"
		   " ORDER BY c.id LIMIT ?5");
	if (!st)
		return UT_EINTERNAL;
	T(st, 1, q->after_id);
	sqlite3_bind_int64(st, 2, unit_id);
	T(st, 3, q->state);
	/* the fragment's own % and _ are literal */
	char esc[1024];
	size_t j = 0;
	for (const char *p = key ? key : ""; *p && j + 2 < sizeof esc; p++) {
		if (*p == '%' || *p == '_' || *p == '\\')
			esc[j++] = '\\';
		esc[j++] = *p;
	}
	esc[j] = '\0';
	sqlite3_bind_text(st, 4, esc, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int(st, 5, LIMIT(q->limit));
	T(st, 6, q->position);
	return ut_store_rows(s, a, st, LIMIT(q->limit), cadre_row, &out->n_cadres, (void ***)&out->cadres);
}

/* ---- classes (projection) ---- */

int es_class_seats(ut_store_t *s, int64_t id, es_class_t *out)
{
	sqlite3_stmt *st = ut_store_stmt(s, "SELECT capacity, version, state, EXISTS(SELECT 1 FROM sched_sessions"
					    " WHERE class_id = ?1), coalesce(first_start, 0) FROM sched_classes WHERE id = ?1");
	if (!st)
		return UT_EINTERNAL;
	sqlite3_bind_int64(st, 1, id);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		memset(out, 0, sizeof *out);
		out->id = id;
		out->capacity = sqlite3_column_int(st, 0);
		out->version = sqlite3_column_int(st, 1);
		ut_store_copy(st, 2, out->state, sizeof out->state);
		out->nsessions = sqlite3_column_int(st, 3);
		out->first_start = sqlite3_column_int64(st, 4);
	}
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? 0 : rc == SQLITE_DONE ? UT_ENOTFOUND : ut_store_err(s, rc, "class seats");
}

int es_class_get(ut_store_t *s, int64_t id, es_class_t *out)
{
	sqlite3_stmt *st = ut_store_stmt(
		s, "SELECT c.id, c.capacity, c.version, c.hours, coalesce(k.requires_reflection, 0), c.state, c.category,"
		   " c.title, (SELECT count(*) FROM sched_sessions x WHERE x.class_id = c.id), coalesce(c.last_end, 0)"
		   " FROM sched_classes c LEFT JOIN sched_courses k ON k.id = c.course_id WHERE c.id = ?");
	if (!st)
		return UT_EINTERNAL;
	sqlite3_bind_int64(st, 1, id);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		out->id = sqlite3_column_int64(st, 0);
		out->capacity = sqlite3_column_int(st, 1);
		out->version = sqlite3_column_int(st, 2);
		out->hours = sqlite3_column_int(st, 3);
		out->requires_reflection = sqlite3_column_int(st, 4);
		ut_store_copy(st, 5, out->state, sizeof out->state);
		ut_store_copy(st, 6, out->category, sizeof out->category);
		ut_store_copy(st, 7, out->title, sizeof out->title);
		out->nsessions = sqlite3_column_int(st, 8);
		out->last_end = sqlite3_column_int64(st, 9);
	}
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? 0 : rc == SQLITE_DONE ? UT_ENOTFOUND : ut_store_err(s, rc, "class get");
}

/* ---- enrolments ---- */

#define ENROL_COLS "id, cadre_id, class_id, state, class_version, reason, changed_ms"

static void *enrol_row(ut_arena_t *a, sqlite3_stmt *st)
{
	Ut__Enrolment *e = ut_arena_alloc(a, sizeof *e);
	if (!e)
		return NULL;
	ut__enrolment__init(e);
	e->id = sqlite3_column_int64(st, 0);
	e->cadre_id = TEXT(st, 1);
	e->class_id = sqlite3_column_int64(st, 2);
	e->state = TEXT(st, 3);
	e->class_version = sqlite3_column_int(st, 4);
	e->reason = TEXT(st, 5);
	e->changed_ms = sqlite3_column_int64(st, 6);
	return e;
}

int es_enrol_live(ut_store_t *s, ut_arena_t *a, const char *cadre, int64_t cls, Ut__Enrolment **out)
{
	sqlite3_stmt *st = ut_store_stmt(s, "SELECT " ENROL_COLS " FROM enrolments WHERE cadre_id = ? AND class_id = ?"
					    " AND state != 'cancelled'");
	if (!st)
		return UT_EINTERNAL;
	T(st, 1, cadre);
	sqlite3_bind_int64(st, 2, cls);
	return ut_store_row(s, a, st, enrol_row, (void **)out);
}

int es_enrol_by_id(ut_store_t *s, ut_arena_t *a, int64_t id, Ut__Enrolment **out)
{
	sqlite3_stmt *st = ut_store_stmt(s, "SELECT " ENROL_COLS " FROM enrolments WHERE id = ?");
	if (!st)
		return UT_EINTERNAL;
	sqlite3_bind_int64(st, 1, id);
	return ut_store_row(s, a, st, enrol_row, (void **)out);
}

/* The statements for one state's column of enrol_counts: 0 update, 1 insert, 2 read. */
static const char *const count_sql[][3] = {
	{"UPDATE enrol_counts SET confirmed = confirmed + ?2 WHERE class_id = ?1",
	 "INSERT INTO enrol_counts(class_id, confirmed) VALUES(?1, ?2)",
	 "SELECT coalesce((SELECT confirmed FROM enrol_counts WHERE class_id = ?1), 0)"},
	{"UPDATE enrol_counts SET waitlisted = waitlisted + ?2 WHERE class_id = ?1",
	 "INSERT INTO enrol_counts(class_id, waitlisted) VALUES(?1, ?2)",
	 "SELECT coalesce((SELECT waitlisted FROM enrol_counts WHERE class_id = ?1), 0)"},
	{"UPDATE enrol_counts SET cancelled = cancelled + ?2 WHERE class_id = ?1",
	 "INSERT INTO enrol_counts(class_id, cancelled) VALUES(?1, ?2)",
	 "SELECT coalesce((SELECT cancelled FROM enrol_counts WHERE class_id = ?1), 0)"},
};

static int count_col(const char *state)
{
	return !strcmp(state, "confirmed") ? 0 : !strcmp(state, "waitlisted") ? 1 : !strcmp(state, "cancelled") ? 2 : -1;
}

/* enrol_counts(class).state += delta */
static int count_add(ut_store_t *s, int64_t cls, const char *state, int delta)
{
	int col = count_col(state);
	if (col < 0)
		return UT_EINTERNAL;
	for (int pass = 0; pass < 2; pass++) {
		sqlite3_stmt *st = ut_store_stmt(s, count_sql[col][pass]);
		if (!st)
			return UT_EINTERNAL;
		sqlite3_bind_int64(st, 1, cls);
		sqlite3_bind_int(st, 2, delta);
		int rc = ut_store_step_done(s, st, "enrolment count");
		if (rc || sqlite3_changes(ut_store_db(s)))
			return rc;
	}
	return 0;
}

int es_enrol_insert(ut_store_t *s, Ut__Enrolment *e)
{
	sqlite3_stmt *st = ut_store_stmt(s, "INSERT INTO enrolments(cadre_id, class_id, state, class_version, reason,"
					    " created_ms, changed_ms) VALUES(?, ?, ?, ?, ?, ?6, ?6)");
	if (!st)
		return UT_EINTERNAL;
	e->changed_ms = ut_clock_now_ms();
	T(st, 1, e->cadre_id);
	sqlite3_bind_int64(st, 2, e->class_id);
	T(st, 3, e->state);
	sqlite3_bind_int(st, 4, e->class_version);
	T(st, 5, e->reason);
	sqlite3_bind_int64(st, 6, e->changed_ms);
	int rc = ut_store_step_done(s, st, "enrolment insert");
	if (!rc)
		e->id = sqlite3_last_insert_rowid(ut_store_db(s));
	return rc ? rc : count_add(s, e->class_id, e->state, 1);
}

int es_enrol_set_state(ut_store_t *s, Ut__Enrolment *e, const char *state, const char *reason)
{
	sqlite3_stmt *st =
		ut_store_stmt(s, "UPDATE enrolments SET state = ?, reason = ?, changed_ms = ? WHERE id = ?");
	if (!st)
		return UT_EINTERNAL;
	e->changed_ms = ut_clock_now_ms();
	T(st, 1, state);
	T(st, 2, reason);
	sqlite3_bind_int64(st, 3, e->changed_ms);
	sqlite3_bind_int64(st, 4, e->id);
	int rc = ut_store_step_done(s, st, "enrolment state");
	if (!rc && strcmp(e->state, state) && !(rc = count_add(s, e->class_id, e->state, -1)))
		rc = count_add(s, e->class_id, state, 1);
	return rc;
}

int es_enrol_count(ut_store_t *s, int64_t cls, const char *state)
{
	int col = count_col(state);
	sqlite3_stmt *st = col < 0 ? NULL : ut_store_stmt(s, count_sql[col][2]);
	if (!st)
		return UT_EINTERNAL;
	sqlite3_bind_int64(st, 1, cls);
	return (int)ut_store_scalar(s, st, 0);
}

int es_enrol_waitpos(ut_store_t *s, int64_t cls, int64_t id)
{
	sqlite3_stmt *st = ut_store_stmt(s, "SELECT count(*) FROM enrolments WHERE class_id = ? AND state = 'waitlisted'"
					    " AND id <= ?");
	if (!st)
		return UT_EINTERNAL;
	sqlite3_bind_int64(st, 1, cls);
	sqlite3_bind_int64(st, 2, id);
	return (int)ut_store_scalar(s, st, 0);
}

#define OVERLAP_SQL(cadre, cls)                                                                            \
	"SELECT e.class_id, c.title FROM enrolments e"                                                     \
	" JOIN sched_classes c ON c.id = e.class_id AND c.state NOT IN ('cancelled', 'closed')"            \
	" JOIN sched_sessions a ON a.class_id = e.class_id"                                                \
	" JOIN sched_sessions b ON b.class_id = " cls " AND a.starts_at < b.ends_at AND b.starts_at < a.ends_at" \
	" WHERE e.cadre_id = " cadre " AND e.state = 'confirmed' AND e.class_id != " cls " LIMIT 1"

int es_enrol_check(ut_store_t *s, const es_class_t *cls, const char *cadre, es_check_t *out)
{
	/* one statement for what an enrolment decides on; the overlap only for a class with sessions */
	sqlite3_stmt *st = ut_store_stmt(
		s, "SELECT c.state, c.name,"
		   " (SELECT state FROM enrolments WHERE cadre_id = ?1 AND class_id = ?2 AND state != 'cancelled'),"
		   " CASE WHEN ?3 THEN (SELECT class_id FROM (" OVERLAP_SQL("?1", "?2") ")) ELSE 0 END,"
		   " (SELECT confirmed FROM enrol_counts WHERE class_id = ?2)"
		   " FROM cadres c WHERE c.id = ?1");
	if (!st)
		return UT_EINTERNAL;
	T(st, 1, cadre);
	sqlite3_bind_int64(st, 2, cls->id);
	sqlite3_bind_int(st, 3, cls->nsessions > 0);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		out->left = !strcmp(ut_store_text(st, 0), "left");
		ut_store_copy(st, 1, out->name, sizeof out->name);
		ut_store_copy(st, 2, out->live, sizeof out->live);
		out->overlap = sqlite3_column_int64(st, 3);
		out->confirmed = sqlite3_column_int(st, 4);
	}
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? 0 : rc == SQLITE_DONE ? UT_ENOTFOUND : ut_store_err(s, rc, "enrolment check");
}

int es_enrol_overlap(ut_store_t *s, const char *cadre, int64_t cls, int64_t *other, char *title, size_t tlen)
{
	sqlite3_stmt *st = ut_store_stmt(s, OVERLAP_SQL("?1", "?2"));
	if (!st)
		return UT_EINTERNAL;
	T(st, 1, cadre);
	sqlite3_bind_int64(st, 2, cls);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*other = sqlite3_column_int64(st, 0);
		ut_store_copy(st, 1, title, tlen);
	}
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : ut_store_err(s, rc, "overlap");
}

static int ids(ut_store_t *s, sqlite3_stmt *st, int64_t *out, int max)
{
	int n = 0, rc;
	while (n < max && (rc = sqlite3_step(st)) == SQLITE_ROW)
		out[n++] = sqlite3_column_int64(st, 0);
	if (n < max && rc != SQLITE_DONE) {
		sqlite3_reset(st);
		return ut_store_err(s, rc, "ids");
	}
	sqlite3_reset(st);
	return n;
}

int es_enrol_ids(ut_store_t *s, int64_t cls, const char *state, int64_t *out, int max)
{
	sqlite3_stmt *st = ut_store_stmt(s, "SELECT id FROM enrolments WHERE class_id = ?1 AND"
					    " (?2 = '' AND state != 'cancelled' OR state = ?2) ORDER BY id LIMIT ?3");
	if (!st)
		return UT_EINTERNAL;
	sqlite3_bind_int64(st, 1, cls);
	T(st, 2, state);
	sqlite3_bind_int(st, 3, max);
	return ids(s, st, out, max);
}

int es_enrol_ids_of_cadre(ut_store_t *s, const char *cadre, int64_t *out, int max)
{
	sqlite3_stmt *st = ut_store_stmt(s, "SELECT e.id FROM enrolments e JOIN sched_classes c ON c.id = e.class_id"
					    " WHERE e.cadre_id = ?1 AND e.state != 'cancelled'"
					    " AND c.state NOT IN ('cancelled', 'closed') ORDER BY e.id LIMIT ?2");
	if (!st)
		return UT_EINTERNAL;
	T(st, 1, cadre);
	sqlite3_bind_int(st, 2, max);
	return ids(s, st, out, max);
}

int es_enrol_waiting_classes(ut_store_t *s, const char *cadre, int64_t *out, int max)
{
	sqlite3_stmt *st = ut_store_stmt(s, "SELECT class_id FROM enrolments WHERE cadre_id = ?1 AND state = 'waitlisted'"
					    " ORDER BY id LIMIT ?2");
	if (!st)
		return UT_EINTERNAL;
	T(st, 1, cadre);
	sqlite3_bind_int(st, 2, max);
	return ids(s, st, out, max);
}

/* Who an enrolment's cadre is, for a list people read: name and unit code. */
static int enrol_who(ut_store_t *s, ut_arena_t *a, Ut__Enrolment *e)
{
	sqlite3_stmt *st = ut_store_stmt(s, "SELECT c.name, u.code FROM cadres c JOIN units u ON u.id = c.unit_id"
					    " WHERE c.id = ?");
	if (!st)
		return UT_EINTERNAL;
	T(st, 1, e->cadre_id);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		e->cadre_name = ut_arena_strdup(a, (const char *)sqlite3_column_text(st, 0));
		e->unit_code = ut_arena_strdup(a, (const char *)sqlite3_column_text(st, 1));
	}
	sqlite3_reset(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return ut_store_err(s, rc, "enrolment's cadre");
	return e->cadre_name && e->unit_code ? 0 : rc == SQLITE_ROW ? UT_ENOMEM : 0;
}

int es_enrol_list(ut_store_t *s, ut_arena_t *a, const Ut__EnrolQuery *q, Ut__EnrolList *out)
{
	/* live rows first (confirmed, then the waitlist in order), then cancellations; one statement
	 * for a class (with or without a cadre) and one for a cadre, so that each reads its own part
	 * of an index, not every enrolment of the node (both name ?1 to ?3: one binding for both) */
#define LIST_REST                                                                                         \
	" AND (?3 = '' OR state = ?3) ORDER BY class_id,"                                                  \
	" CASE state WHEN 'confirmed' THEN 0 WHEN 'waitlisted' THEN 1 ELSE 2 END, id LIMIT 10000"
	static const char *const by_class = "SELECT " ENROL_COLS " FROM enrolments WHERE class_id = ?1"
					    " AND (?2 = '' OR cadre_id = ?2)" LIST_REST,
				 *const by_cadre = "SELECT " ENROL_COLS " FROM enrolments WHERE cadre_id = ?2"
						   " AND ?1 = 0" LIST_REST;
#undef LIST_REST
	sqlite3_stmt *st = ut_store_stmt(s, q->class_id ? by_class : by_cadre);
	if (!st)
		return UT_EINTERNAL;
	sqlite3_bind_int64(st, 1, q->class_id);
	T(st, 2, q->cadre_id);
	T(st, 3, q->state);
	int rc = ut_store_rows(s, a, st, 10000, enrol_row, &out->n_enrolments, (void ***)&out->enrolments);
	int pos = 0;
	int64_t cls = -1;
	for (size_t i = 0; i < out->n_enrolments && !rc; i++) {
		Ut__Enrolment *e = out->enrolments[i];
		if (e->class_id != cls) {
			cls = e->class_id;
			pos = 0;
		}
		/* counted in the list only when it holds the class's whole queue */
		if (!strcmp(e->state, "waitlisted"))
			e->waitlist_pos = q->class_id && !*q->cadre_id ? ++pos : es_enrol_waitpos(s, e->class_id, e->id);
		rc = e->waitlist_pos < 0 ? e->waitlist_pos : enrol_who(s, a, e);
	}
	return rc;
}

/* ---- roll-call, reflections, completion ---- */

int64_t es_session_start(ut_store_t *s, int64_t cls, int64_t session)
{
	sqlite3_stmt *st = ut_store_stmt(s, "SELECT starts_at FROM sched_sessions WHERE id = ? AND class_id = ?");
	if (!st)
		return UT_EINTERNAL;
	sqlite3_bind_int64(st, 1, session);
	sqlite3_bind_int64(st, 2, cls);
	return ut_store_scalar(s, st, 0);
}

int es_mark_get(ut_store_t *s, int64_t session, const char *cadre, char *mark, size_t len, int *rev)
{
	sqlite3_stmt *st = ut_store_stmt(s, "SELECT mark, revision FROM attendance WHERE session_id = ? AND cadre_id = ?");
	if (!st)
		return UT_EINTERNAL;
	sqlite3_bind_int64(st, 1, session);
	T(st, 2, cadre);
	int rc = sqlite3_step(st);
	*mark = '\0';
	*rev = 0;
	if (rc == SQLITE_ROW) {
		ut_store_copy(st, 0, mark, len);
		*rev = sqlite3_column_int(st, 1);
	}
	sqlite3_reset(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : ut_store_err(s, rc, "mark get");
}

int es_mark_put(ut_store_t *s, const Ut__Attendance *at)
{
	sqlite3_stmt *st = ut_store_stmt(s, "INSERT OR REPLACE INTO attendance(session_id, cadre_id, class_id, mark,"
					    " revision, marked_ms) VALUES(?, ?, ?, ?, ?, ?)");
	if (!st)
		return UT_EINTERNAL;
	sqlite3_bind_int64(st, 1, at->session_id);
	T(st, 2, at->cadre_id);
	sqlite3_bind_int64(st, 3, at->class_id);
	T(st, 4, at->mark);
	sqlite3_bind_int(st, 5, at->revision);
	sqlite3_bind_int64(st, 6, at->marked_ms);
	int rc = ut_store_step_done(s, st, "mark put");
	if (rc)
		return rc;
	/* every mark and correction is kept: who was marked what, and when */
	st = ut_store_stmt(s, "INSERT INTO attendance_log(session_id, cadre_id, class_id, mark, previous, revision,"
			      " marked_ms) VALUES(?, ?, ?, ?, ?, ?, ?)");
	if (!st)
		return UT_EINTERNAL;
	sqlite3_bind_int64(st, 1, at->session_id);
	T(st, 2, at->cadre_id);
	sqlite3_bind_int64(st, 3, at->class_id);
	T(st, 4, at->mark);
	T(st, 5, at->previous);
	sqlite3_bind_int(st, 6, at->revision);
	sqlite3_bind_int64(st, 7, at->marked_ms);
	return ut_store_step_done(s, st, "mark log");
}

static void *mark_row(ut_arena_t *a, sqlite3_stmt *st)
{
	Ut__Attendance *m = ut_arena_alloc(a, sizeof *m);
	if (!m)
		return NULL;
	ut__attendance__init(m);
	m->class_id = sqlite3_column_int64(st, 0);
	m->session_id = sqlite3_column_int64(st, 1);
	m->cadre_id = TEXT(st, 2);
	m->mark = TEXT(st, 3);
	m->revision = sqlite3_column_int(st, 4);
	m->marked_ms = sqlite3_column_int64(st, 5);
	return m;
}

/* A mark of a list people read: with its session's number in the class, as people name it. */
static void *mark_list_row(ut_arena_t *a, sqlite3_stmt *st)
{
	Ut__Attendance *m = mark_row(a, st);
	if (m)
		m->session_number = sqlite3_column_int(st, 6);
	return m;
}

int es_mark_list(ut_store_t *s, ut_arena_t *a, int64_t cls, Ut__AttendanceList *out)
{
	sqlite3_stmt *st = ut_store_stmt(s, "SELECT class_id, session_id, cadre_id, mark, revision, marked_ms,"
					    " (SELECT count(*) FROM sched_sessions x WHERE x.class_id = a.class_id"
					    " AND x.id <= a.session_id) FROM attendance a WHERE class_id = ?"
					    " ORDER BY session_id, cadre_id LIMIT 10000");
	if (!st)
		return UT_EINTERNAL;
	sqlite3_bind_int64(st, 1, cls);
	return ut_store_rows(s, a, st, 10000, mark_list_row, &out->n_marks, (void ***)&out->marks);
}

int es_reflection_put(ut_store_t *s, Ut__Reflection *r)
{
	sqlite3_stmt *st = ut_store_stmt(
		s, "INSERT INTO reflections(cadre_id, class_id, text, revision, submitted_ms) VALUES(?1, ?2, ?3, 1, ?4)"
		   " ON CONFLICT(cadre_id, class_id) DO UPDATE SET text = ?3, revision = revision + 1, submitted_ms = ?4"
		   " RETURNING revision");
	if (!st)
		return UT_EINTERNAL;
	r->submitted_ms = ut_clock_now_ms();
	T(st, 1, r->cadre_id);
	sqlite3_bind_int64(st, 2, r->class_id);
	T(st, 3, r->text);
	sqlite3_bind_int64(st, 4, r->submitted_ms);
	int64_t v = ut_store_scalar(s, st, 0);
	if (v < 0)
		return (int)v;
	r->revision = (int32_t)v;
	return 0;
}

int es_reflection_has(ut_store_t *s, const char *cadre, int64_t cls)
{
	sqlite3_stmt *st = ut_store_stmt(s, "SELECT count(*) FROM reflections WHERE cadre_id = ? AND class_id = ?");
	if (!st)
		return UT_EINTERNAL;
	T(st, 1, cadre);
	sqlite3_bind_int64(st, 2, cls);
	return (int)ut_store_scalar(s, st, 0);
}

int es_attended(ut_store_t *s, int64_t cls, const char *cadre)
{
	sqlite3_stmt *st = ut_store_stmt(s, "SELECT count(*) FROM attendance a JOIN sched_sessions x ON x.id = a.session_id"
					    " WHERE a.class_id = ? AND a.cadre_id = ? AND a.mark IN ('present', 'late')");
	if (!st)
		return UT_EINTERNAL;
	sqlite3_bind_int64(st, 1, cls);
	T(st, 2, cadre);
	return (int)ut_store_scalar(s, st, 0);
}

int es_completion_done(ut_store_t *s, int64_t cls)
{
	sqlite3_stmt *st = ut_store_stmt(s, "SELECT count(*) FROM completions WHERE class_id = ?");
	if (!st)
		return UT_EINTERNAL;
	sqlite3_bind_int64(st, 1, cls);
	return (int)ut_store_scalar(s, st, 0);
}

int es_completion_withdraw(ut_store_t *s, ut_arena_t *a, int64_t cls, char ***cadres, int *n)
{
	sqlite3_stmt *st = ut_store_stmt(s, "DELETE FROM completions WHERE class_id = ? RETURNING cadre_id");
	if (!st)
		return UT_EINTERNAL;
	sqlite3_bind_int64(st, 1, cls);
	int rc, cap = 0;
	*n = 0;
	*cadres = NULL;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (*n == cap) {
			char **more = (char **)ut_arena_ptrs(a, (size_t)(cap = cap ? cap * 2 : 64));
			if (!more)
				break;
			if (*n)
				memcpy(more, *cadres, (size_t)*n * sizeof *more);
			*cadres = more;
		}
		(*cadres)[(*n)++] = TEXT(st, 0);
	}
	sqlite3_reset(st);
	if (a->failed)
		return UT_ENOMEM;
	return rc == SQLITE_DONE ? 0 : ut_store_err(s, rc, "completion withdraw");
}

int es_completion_put(ut_store_t *s, const Ut__Completion *c)
{
	sqlite3_stmt *st = ut_store_stmt(s, "INSERT OR REPLACE INTO completions(class_id, cadre_id, completed,"
					    " sessions_total, sessions_attended, hours, reflection, computed_ms)"
					    " VALUES(?, ?, ?, ?, ?, ?, ?, ?)");
	if (!st)
		return UT_EINTERNAL;
	sqlite3_bind_int64(st, 1, c->class_id);
	T(st, 2, c->cadre_id);
	sqlite3_bind_int(st, 3, c->completed);
	sqlite3_bind_int(st, 4, c->sessions_total);
	sqlite3_bind_int(st, 5, c->sessions_attended);
	sqlite3_bind_int(st, 6, c->hours);
	sqlite3_bind_int(st, 7, c->reflection_submitted);
	sqlite3_bind_int64(st, 8, ut_clock_now_ms());
	return ut_store_step_done(s, st, "completion put");
}

static void *record_row(ut_arena_t *a, sqlite3_stmt *st)
{
	Ut__RecordEntry *r = ut_arena_alloc(a, sizeof *r);
	if (!r)
		return NULL;
	ut__record_entry__init(r);
	r->class_id = sqlite3_column_int64(st, 0);
	r->course_code = TEXT(st, 1);
	r->title = TEXT(st, 2);
	r->category = TEXT(st, 3);
	r->hours = sqlite3_column_int(st, 4);
	r->first_start = sqlite3_column_int64(st, 5);
	r->last_end = sqlite3_column_int64(st, 6);
	r->class_state = TEXT(st, 7);
	r->enrolment = TEXT(st, 8);
	r->result = TEXT(st, 9);
	r->sessions_total = sqlite3_column_int(st, 10);
	r->sessions_attended = sqlite3_column_int(st, 11);
	r->reflection = sqlite3_column_int(st, 12);
	return r;
}

int es_record(ut_store_t *s, ut_arena_t *a, const char *cadre, Ut__TrainingRecord *out)
{
	/* one line per class: the cadre's latest enrolment row in it */
	sqlite3_stmt *st = ut_store_stmt(
		s, "SELECT e.class_id, coalesce(c.course_code, ''), coalesce(c.title, ''), coalesce(c.category, ''),"
		   " coalesce(m.hours, c.hours, 0), coalesce(c.first_start, 0), coalesce(c.last_end, 0),"
		   " coalesce(c.state, ''), e.state,"
		   " CASE WHEN m.completed = 1 THEN 'completed' WHEN m.completed = 0 THEN 'not_completed' ELSE 'pending' END,"
		   " coalesce(m.sessions_total, (SELECT count(*) FROM sched_sessions x WHERE x.class_id = e.class_id)),"
		   " coalesce(m.sessions_attended, (SELECT count(*) FROM attendance t WHERE t.class_id = e.class_id"
		   "  AND t.cadre_id = e.cadre_id AND t.mark IN ('present', 'late'))),"
		   " EXISTS (SELECT 1 FROM reflections r WHERE r.cadre_id = e.cadre_id AND r.class_id = e.class_id)"
		   " FROM enrolments e LEFT JOIN sched_classes c ON c.id = e.class_id"
		   " LEFT JOIN completions m ON m.class_id = e.class_id AND m.cadre_id = e.cadre_id"
		   " WHERE e.id IN (SELECT max(id) FROM enrolments WHERE cadre_id = ?1 GROUP BY class_id)"
		   " ORDER BY coalesce(c.first_start, 0), e.class_id LIMIT 10000");
	if (!st)
		return UT_EINTERNAL;
	T(st, 1, cadre);
	int rc = ut_store_rows(s, a, st, 10000, record_row, &out->n_entries, (void ***)&out->entries);
	for (size_t i = 0; i < out->n_entries; i++)
		if (!strcmp(out->entries[i]->result, "completed"))
			out->hours_completed += out->entries[i]->hours;
	return rc;
}

/* ---- due lists ---- */

static void *due_row(ut_arena_t *a, sqlite3_stmt *st)
{
	Ut__DueItem *d = ut_arena_alloc(a, sizeof *d);
	if (!d)
		return NULL;
	ut__due_item__init(d);
	if (!(d->cadre = cadre_row(a, st)))
		return NULL;
	d->reason = TEXT(st, 14);
	d->category = TEXT(st, 15);
	d->last_trained = TEXT(st, 16);
	d->planned_class = sqlite3_column_int64(st, 17);
	return d;
}

int es_due(ut_store_t *s, ut_arena_t *a, const Ut__DueQuery *q, int64_t unit_id, const char *today, Ut__DueList *out)
{
	/* onboarding: elected long enough ago and no onboarding class completed; retraining: per
	 * category, the last completed class ended before the cutoff. Units include their subtree.
	 * A cadre confirmed in a class of that kind still to be closed is planned: its earliest. */
#define PLANNED(cat)                                                                                         \
	"coalesce((SELECT e.class_id FROM enrolments e JOIN sched_classes p ON p.id = e.class_id"             \
	" WHERE e.cadre_id = c.id AND e.state = 'confirmed' AND p.category = " cat                            \
	" AND p.state NOT IN ('cancelled', 'closed') ORDER BY p.first_start LIMIT 1), 0)"
	sqlite3_stmt *st = ut_store_stmt(
		s, "WITH RECURSIVE sub(id) AS (SELECT ?1 UNION ALL SELECT u.id FROM units u JOIN sub ON u.parent_id = sub.id)"
		   " SELECT " CADRE_COLS ", 'onboarding', '', '', " PLANNED("'onboarding'") " FROM cadres c JOIN units u ON u.id = c.unit_id"
		   " WHERE ?2 > 0 AND c.state = 'active' AND c.elected_on != ''"
		   " AND c.elected_on <= date(?4, '-' || ?2 || ' months') AND (?1 = 0 OR c.unit_id IN sub)"
		   " AND NOT EXISTS (SELECT 1 FROM completions m JOIN sched_classes k ON k.id = m.class_id"
		   "  WHERE m.cadre_id = c.id AND m.completed = 1 AND k.category = 'onboarding')"
		   " UNION ALL"
		   " SELECT " CADRE_COLS ", 'retrain', k.category, date(max(k.last_end), 'unixepoch', 'localtime'),"
		   " " PLANNED("k.category")
		   " FROM cadres c JOIN units u ON u.id = c.unit_id JOIN completions m ON m.cadre_id = c.id AND m.completed = 1"
		   " JOIN sched_classes k ON k.id = m.class_id"
		   " WHERE ?3 > 0 AND c.state = 'active' AND (?1 = 0 OR c.unit_id IN sub) GROUP BY c.id, k.category"
		   " HAVING max(k.last_end) < unixepoch(date(?4, '-' || ?3 || ' years'), 'utc')"
		   " ORDER BY 1, 15, 16 LIMIT 10000");
#undef PLANNED
	if (!st)
		return UT_EINTERNAL;
	sqlite3_bind_int64(st, 1, unit_id);
	sqlite3_bind_int(st, 2, q->onboarding_months);
	sqlite3_bind_int(st, 3, q->retrain_years);
	T(st, 4, today);
	return ut_store_rows(s, a, st, 10000, due_row, &out->n_items, (void ***)&out->items);
}
