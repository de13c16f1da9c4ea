/* ut-schedd's SQL: schema, and every read and write of courses, venues, lecturers, classes,
 * sessions and plans. */
#include "schedd.h"
#include "ut/clock.h"
#include "ut/err.h"

#include <string.h>

const ut_migration_t sched_migrations[SCHED_NMIGRATIONS] = {
	{1, "CREATE TABLE courses(id INTEGER PRIMARY KEY, code TEXT NOT NULL UNIQUE, title TEXT NOT NULL,"
	    " category TEXT NOT NULL, default_hours INTEGER NOT NULL, requires_reflection INTEGER NOT NULL,"
	    " created_ms INTEGER NOT NULL);"
	    "CREATE TABLE venues(id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, capacity INTEGER NOT NULL,"
	    " address TEXT NOT NULL);"
	    "CREATE TABLE lecturers(id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, affiliation TEXT NOT NULL,"
	    " email TEXT NOT NULL);"
	    "CREATE TABLE classes(id INTEGER PRIMARY KEY, course_id INTEGER NOT NULL REFERENCES courses(id),"
	    " title TEXT NOT NULL, level TEXT NOT NULL, format TEXT NOT NULL, capacity INTEGER NOT NULL,"
	    " audience TEXT NOT NULL, state TEXT NOT NULL, version INTEGER NOT NULL, reason TEXT NOT NULL,"
	    " created_ms INTEGER NOT NULL, updated_ms INTEGER NOT NULL);"
	    "CREATE INDEX classes_state ON classes(state);"
	    "CREATE TABLE sessions(id INTEGER PRIMARY KEY, class_id INTEGER NOT NULL REFERENCES classes(id),"
	    " starts_at INTEGER NOT NULL, ends_at INTEGER NOT NULL, venue_id INTEGER REFERENCES venues(id),"
	    " lecturer_id INTEGER REFERENCES lecturers(id), CHECK (ends_at > starts_at));"
	    "CREATE INDEX sessions_class ON sessions(class_id, starts_at);"
	    "CREATE INDEX sessions_venue ON sessions(venue_id, starts_at) WHERE venue_id IS NOT NULL;"
	    "CREATE INDEX sessions_lecturer ON sessions(lecturer_id, starts_at) WHERE lecturer_id IS NOT NULL;"
	    "CREATE TABLE plans(year INTEGER NOT NULL, category TEXT NOT NULL, planned_classes INTEGER NOT NULL,"
	    " planned_participations INTEGER NOT NULL, updated_ms INTEGER NOT NULL,"
	    " PRIMARY KEY(year, category)) WITHOUT ROWID;"},
	{2, "CREATE TABLE coverage_targets(year INTEGER PRIMARY KEY, percent INTEGER NOT NULL,"
	    " updated_ms INTEGER NOT NULL);"},
	/* a class closed before its last session ended, on an officer's word (the reason beside it) */
	{3, "ALTER TABLE classes ADD COLUMN forced INTEGER NOT NULL DEFAULT 0;"},
	/* online classes: the link to join, the class's and a session's own */
	{4, "ALTER TABLE classes ADD COLUMN join_url TEXT NOT NULL DEFAULT '';"
	    "ALTER TABLE sessions ADD COLUMN join_url TEXT NOT NULL DEFAULT '';"},
};

#define TEXT(st, i) ut_arena_strdup(a, ut_store_text(st, i))
#define LIMIT(n) UT_LIST_LIMIT(n)

static int insert_done(ut_store_t *s, sqlite3_stmt *st, int64_t *id, const char *what)
{
	int rc = ut_store_step_done(s, st, what);
	if (!rc)
		*id = sqlite3_last_insert_rowid(ut_store_db(s));
	return rc;
}

/* ---- courses ---- */

int sched_course_insert(ut_store_t *s, Ut__Course *c)
{
	sqlite3_stmt *st = ut_store_stmt(s, "INSERT INTO courses(code, title, category, default_hours,"
					    " requires_reflection, created_ms) VALUES(?, ?, ?, ?, ?, ?)");
	if (!st)
		return UT_EINTERNAL;
	sqlite3_bind_text(st, 1, c->code, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, c->title, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, c->category, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 4, c->default_hours);
	sqlite3_bind_int(st, 5, c->requires_reflection);
	sqlite3_bind_int64(st, 6, ut_clock_now_ms());
	return insert_done(s, st, &c->id, "course insert");
}

#define COURSE_COLS "id, code, title, category, default_hours, requires_reflection"

static void *course_row(ut_arena_t *a, sqlite3_stmt *st)
{
	Ut__Course *c = ut_arena_alloc(a, sizeof *c);
	if (!c)
		return NULL;
	ut__course__init(c);
	c->id = sqlite3_column_int64(st, 0);
	c->code = TEXT(st, 1);
	c->title = TEXT(st, 2);
	c->category = TEXT(st, 3);
	c->default_hours = sqlite3_column_int(st, 4);
	c->requires_reflection = sqlite3_column_int(st, 5);
	return c;
}

int sched_course_find(ut_store_t *s, ut_arena_t *a, int64_t id, const char *code, Ut__Course **out)
{
	sqlite3_stmt *st = ut_store_stmt(s, "SELECT " COURSE_COLS " FROM courses WHERE id = ? OR code = ?");
	if (!st)
		return UT_EINTERNAL;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_text(st, 2, code ? code : "", -1, SQLITE_STATIC);
	return ut_store_row(s, a, st, course_row, (void **)out);
}

int sched_course_list(ut_store_t *s, ut_arena_t *a, int64_t after, int limit, Ut__CourseList *out)
{
	sqlite3_stmt *st = ut_store_stmt(s, "SELECT " COURSE_COLS " FROM courses WHERE id > ? ORDER BY id LIMIT ?");
	if (!st)
		return UT_EINTERNAL;
	sqlite3_bind_int64(st, 1, after);
	sqlite3_bind_int(st, 2, LIMIT(limit));
	return ut_store_rows(s, a, st, LIMIT(limit), course_row, &out->n_courses, (void ***)&out->courses);
}

/* ---- venues and lecturers ---- */

int sched_venue_insert(ut_store_t *s, Ut__Venue *v)
{
	sqlite3_stmt *st = ut_store_stmt(s, "INSERT INTO venues(name, capacity, address) VALUES(?, ?, ?)");
	if (!st)
		return UT_EINTERNAL;
	sqlite3_bind_text(st, 1, v->name, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 2, v->capacity);
	sqlite3_bind_text(st, 3, v->address, -1, SQLITE_STATIC);
	return insert_done(s, st, &v->id, "venue insert");
}

static void *venue_row(ut_arena_t *a, sqlite3_stmt *st)
{
	Ut__Venue *v = ut_arena_alloc(a, sizeof *v);
	if (!v)
		return NULL;
	ut__venue__init(v);
	v->id = sqlite3_column_int64(st, 0);
	v->name = TEXT(st, 1);
	v->capacity = sqlite3_column_int(st, 2);
	v->address = TEXT(st, 3);
	return v;
}

int sched_venue_get(ut_store_t *s, ut_arena_t *a, int64_t id, Ut__Venue **out)
{
	sqlite3_stmt *st = ut_store_stmt(s, "SELECT id, name, capacity, address FROM venues WHERE id = ?");
	if (!st)
		return UT_EINTERNAL;
	sqlite3_bind_int64(st, 1, id);
	return ut_store_row(s, a, st, venue_row, (void **)out);
}

int sched_venue_list(ut_store_t *s, ut_arena_t *a, int64_t after, int limit, Ut__VenueList *out)
{
	sqlite3_stmt *st =
		ut_store_stmt(s, "SELECT id, name, capacity, address FROM venues WHERE id > ? ORDER BY id LIMIT ?");
	if (!st)
		return UT_EINTERNAL;
	sqlite3_bind_int64(st, 1, after);
	sqlite3_bind_int(st, 2, LIMIT(limit));
	return ut_store_rows(s, a, st, LIMIT(limit), venue_row, &out->n_venues, (void ***)&out->venues);
}

int sched_lecturer_insert(ut_store_t *s, Ut__Lecturer *l)
{
	sqlite3_stmt *st = ut_store_stmt(s, "INSERT INTO lecturers(name, affiliation, email) VALUES(?, ?, ?)");
	if (!st)
		return UT_EINTERNAL;
	sqlite3_bind_text(st, 1, l->name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, l->affiliation, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, l->email, -1, SQLITE_STATIC);
	return insert_done(s, st, &l->id, "lecturer insert");
}

static void *lecturer_row(ut_arena_t *a, sqlite3_stmt *st)
{
	Ut__Lecturer *l = ut_arena_alloc(a, sizeof *l);
	if (!l)
		return NULL;
	ut__lecturer__init(l);
	l->id = sqlite3_column_int64(st, 0);
	l->name = TEXT(st, 1);
	l->affiliation = TEXT(st, 2);
	l->email = TEXT(st, 3);
	return l;
}

int sched_lecturer_get(ut_store_t *s, ut_arena_t *a, int64_t id, Ut__Lecturer **out)
{
	sqlite3_stmt *st = ut_store_stmt(s, "SELECT id, name, affiliation, email FROM lecturers WHERE id = ?");
	if (!st)
		return UT_EINTERNAL;
	sqlite3_bind_int64(st, 1, id);
	return ut_store_row(s, a, st, lecturer_row, (void **)out);
}

int sched_lecturer_list(ut_store_t *s, ut_arena_t *a, int64_t after, int limit, Ut__LecturerList *out)
{
	sqlite3_stmt *st = ut_store_stmt(
		s, "SELECT id, name, affiliation, email FROM lecturers WHERE id > ? ORDER BY id LIMIT ?");
	if (!st)
		return UT_EINTERNAL;
	sqlite3_bind_int64(st, 1, after);
	sqlite3_bind_int(st, 2, LIMIT(limit));
	return ut_store_rows(s, a, st, LIMIT(limit), lecturer_row, &out->n_lecturers, (void ***)&out->lecturers);
}

/* ---- classes and sessions ---- */

int sched_class_insert(ut_store_t *s, Ut__Class *c)
{
	sqlite3_stmt *st = ut_store_stmt(s, "INSERT INTO classes(course_id, title, level, format, capacity, audience,"
					    " state, version, reason, created_ms, updated_ms, join_url)"
					    " VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?1 * 0 + ?10, ?10, ?11)");
	if (!st)
		return UT_EINTERNAL;
	sqlite3_bind_int64(st, 1, c->course_id);
	sqlite3_bind_text(st, 2, c->title, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, c->level, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, c->format, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 5, c->capacity);
	sqlite3_bind_text(st, 6, c->audience, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 7, c->state, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 8, c->version);
	sqlite3_bind_text(st, 9, c->reason, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 10, ut_clock_now_ms());
	sqlite3_bind_text(st, 11, c->join_url, -1, SQLITE_STATIC);
	return insert_done(s, st, &c->id, "class insert");
}

int sched_class_update(ut_store_t *s, const Ut__Class *c)
{
	sqlite3_stmt *st = ut_store_stmt(s, "UPDATE classes SET title = ?, format = ?, capacity = ?, audience = ?,"
					    " state = ?, version = ?, reason = ?, updated_ms = ?, forced = ?, join_url = ? WHERE id = ?");
	if (!st)
		return UT_EINTERNAL;
	sqlite3_bind_text(st, 1, c->title, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, c->format, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 3, c->capacity);
	sqlite3_bind_text(st, 4, c->audience, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, c->state, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 6, c->version);
	sqlite3_bind_text(st, 7, c->reason, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 8, ut_clock_now_ms());
	sqlite3_bind_int(st, 9, c->forced);
	sqlite3_bind_text(st, 10, c->join_url, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 11, c->id);
	return ut_store_step_done(s, st, "class update");
}

#define CLASS_COLS                                                                                          \
	"c.id, c.course_id, k.code, c.title, k.category, c.level, c.format, c.capacity, c.audience, c.state," \
	" c.version, c.reason, c.forced, c.join_url"

static void *class_row(ut_arena_t *a, sqlite3_stmt *st)
{
	Ut__Class *c = ut_arena_alloc(a, sizeof *c);
	if (!c)
		return NULL;
	ut__class__init(c);
	c->id = sqlite3_column_int64(st, 0);
	c->course_id = sqlite3_column_int64(st, 1);
	c->course_code = TEXT(st, 2);
	c->title = TEXT(st, 3);
	c->category = TEXT(st, 4);
	c->level = TEXT(st, 5);
	c->format = TEXT(st, 6);
	c->capacity = sqlite3_column_int(st, 7);
	c->audience = TEXT(st, 8);
	c->state = TEXT(st, 9);
	c->version = sqlite3_column_int(st, 10);
	c->reason = TEXT(st, 11);
	c->forced = sqlite3_column_int(st, 12);
	c->join_url = TEXT(st, 13);
	return c;
}

static void *session_row(ut_arena_t *a, sqlite3_stmt *st)
{
	Ut__Session *x = ut_arena_alloc(a, sizeof *x);
	if (!x)
		return NULL;
	ut__session__init(x);
	x->id = sqlite3_column_int64(st, 0);
	x->class_id = sqlite3_column_int64(st, 1);
	x->starts_at = sqlite3_column_int64(st, 2);
	x->ends_at = sqlite3_column_int64(st, 3);
	x->venue_id = sqlite3_column_int64(st, 4);
	x->lecturer_id = sqlite3_column_int64(st, 5);
	x->venue_name = TEXT(st, 6);
	x->lecturer_name = TEXT(st, 7);
	x->join_url = TEXT(st, 8);
	x->venue_address = TEXT(st, 9);
	return x;
}

/* Sessions of a class, with names, and the class's total hours. */
static int load_sessions(ut_store_t *s, ut_arena_t *a, Ut__Class *c)
{
	sqlite3_stmt *st = ut_store_stmt(
		s, "SELECT x.id, x.class_id, x.starts_at, x.ends_at, coalesce(x.venue_id, 0), coalesce(x.lecturer_id, 0),"
		   " coalesce(v.name, ''), coalesce(l.name, ''), x.join_url, coalesce(v.address, '')"
		   " FROM sessions x LEFT JOIN venues v ON v.id = x.venue_id"
		   " LEFT JOIN lecturers l ON l.id = x.lecturer_id WHERE x.class_id = ? ORDER BY x.starts_at, x.id"
		   " LIMIT 1000");
	if (!st)
		return UT_EINTERNAL;
	sqlite3_bind_int64(st, 1, c->id);
	int rc = ut_store_rows(s, a, st, 1000, session_row, &c->n_sessions, (void ***)&c->sessions);
	int64_t secs = 0;
	for (size_t i = 0; i < c->n_sessions; i++)
		secs += c->sessions[i]->ends_at - c->sessions[i]->starts_at;
	c->hours = (int32_t)((secs + 1800) / 3600);
	return rc;
}

int sched_class_load(ut_store_t *s, ut_arena_t *a, int64_t id, Ut__Class **out)
{
	sqlite3_stmt *st = ut_store_stmt(s, "SELECT " CLASS_COLS " FROM classes c JOIN courses k ON k.id = c.course_id"
					    " WHERE c.id = ?");
	if (!st)
		return UT_EINTERNAL;
	sqlite3_bind_int64(st, 1, id);
	int rc = ut_store_row(s, a, st, class_row, (void **)out);
	return rc ? rc : load_sessions(s, a, *out);
}

int sched_class_list(ut_store_t *s, ut_arena_t *a, const Ut__ClassQuery *q, Ut__ClassList *out)
{
	sqlite3_stmt *st = ut_store_stmt(
		s, "SELECT " CLASS_COLS " FROM classes c JOIN courses k ON k.id = c.course_id"
		   " WHERE c.id > ?1 AND (?2 = '' OR c.state = ?2) AND (?3 = '' OR k.code = ?3)"
		   " AND (?4 = 0 AND ?5 = 0 OR EXISTS (SELECT 1 FROM sessions x WHERE x.class_id = c.id"
		   " AND (?4 = 0 OR x.starts_at >= ?4) AND (?5 = 0 OR x.starts_at < ?5)))"
		   " ORDER BY c.id LIMIT ?6");
	if (!st)
		return UT_EINTERNAL;
	sqlite3_bind_int64(st, 1, q->after_id);
	sqlite3_bind_text(st, 2, q->state ? q->state : "", -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, q->course_code ? q->course_code : "", -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, q->from);
	sqlite3_bind_int64(st, 5, q->to);
	sqlite3_bind_int(st, 6, LIMIT(q->limit));
	int rc = ut_store_rows(s, a, st, LIMIT(q->limit), class_row, &out->n_classes, (void ***)&out->classes);
	for (size_t i = 0; i < out->n_classes && !rc; i++)
		rc = load_sessions(s, a, out->classes[i]);
	return rc;
}

static void bind_session(sqlite3_stmt *st, const Ut__Session *x)
{
	sqlite3_bind_int64(st, 1, x->class_id);
	sqlite3_bind_int64(st, 2, x->starts_at);
	sqlite3_bind_int64(st, 3, x->ends_at);
	if (x->venue_id)
		sqlite3_bind_int64(st, 4, x->venue_id);
	else
		sqlite3_bind_null(st, 4);
	if (x->lecturer_id)
		sqlite3_bind_int64(st, 5, x->lecturer_id);
	else
		sqlite3_bind_null(st, 5);
	sqlite3_bind_text(st, 6, x->join_url, -1, SQLITE_STATIC);
}

int sched_session_insert(ut_store_t *s, Ut__Session *x)
{
	sqlite3_stmt *st = ut_store_stmt(s, "INSERT INTO sessions(class_id, starts_at, ends_at, venue_id, lecturer_id,"
					    " join_url) VALUES(?, ?, ?, ?, ?, ?)");
	if (!st)
		return UT_EINTERNAL;
	bind_session(st, x);
	return insert_done(s, st, &x->id, "session insert");
}

int sched_session_update(ut_store_t *s, const Ut__Session *x)
{
	sqlite3_stmt *st = ut_store_stmt(s, "UPDATE sessions SET class_id = ?1, starts_at = ?2, ends_at = ?3,"
					    " venue_id = ?4, lecturer_id = ?5, join_url = ?6 WHERE id = ?7");
	if (!st)
		return UT_EINTERNAL;
	bind_session(st, x);
	sqlite3_bind_int64(st, 7, x->id);
	return ut_store_step_done(s, st, "session update");
}

int sched_find_clash(ut_store_t *s, const Ut__Session *x, int by_venue, sched_clash_t *out)
{
	/* Sessions last at most a day (the handlers enforce it), so only sessions starting in
	 * (start - 1 day, end) can overlap: an index range, not a scan. */
	sqlite3_stmt *st = by_venue
		? ut_store_stmt(s, "SELECT c.id, c.title, o.starts_at, o.ends_at FROM sessions o"
				   " JOIN classes c ON c.id = o.class_id WHERE o.venue_id = ?1 AND o.id != ?2"
				   " AND o.starts_at > ?3 - 86400 AND o.starts_at < ?4 AND o.ends_at > ?3"
				   " AND c.state != 'cancelled' LIMIT 1")
		: ut_store_stmt(s, "SELECT c.id, c.title, o.starts_at, o.ends_at FROM sessions o"
				   " JOIN classes c ON c.id = o.class_id WHERE o.lecturer_id = ?1 AND o.id != ?2"
				   " AND o.starts_at > ?3 - 86400 AND o.starts_at < ?4 AND o.ends_at > ?3"
				   " AND c.state != 'cancelled' LIMIT 1");
	if (!st)
		return UT_EINTERNAL;
	sqlite3_bind_int64(st, 1, by_venue ? x->venue_id : x->lecturer_id);
	sqlite3_bind_int64(st, 2, x->id);
	sqlite3_bind_int64(st, 3, x->starts_at);
	sqlite3_bind_int64(st, 4, x->ends_at);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		out->class_id = sqlite3_column_int64(st, 0);
		ut_store_copy(st, 1, out->title, sizeof out->title);
		out->starts_at = sqlite3_column_int64(st, 2);
		out->ends_at = sqlite3_column_int64(st, 3);
	}
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : ut_store_err(s, rc, "clash");
}

/* ---- plans ---- */

int sched_plan_upsert(ut_store_t *s, const Ut__Plan *p)
{
	sqlite3_stmt *st = ut_store_stmt(s, "INSERT OR REPLACE INTO plans(year, category, planned_classes,"
					    " planned_participations, updated_ms) VALUES(?, ?, ?, ?, ?)");
	if (!st)
		return UT_EINTERNAL;
	sqlite3_bind_int(st, 1, p->year);
	sqlite3_bind_text(st, 2, p->category, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 3, p->planned_classes);
	sqlite3_bind_int(st, 4, p->planned_participations);
	sqlite3_bind_int64(st, 5, ut_clock_now_ms());
	return ut_store_step_done(s, st, "plan upsert");
}

static void *plan_row(ut_arena_t *a, sqlite3_stmt *st)
{
	Ut__Plan *p = ut_arena_alloc(a, sizeof *p);
	if (!p)
		return NULL;
	ut__plan__init(p);
	p->year = sqlite3_column_int(st, 0);
	p->category = TEXT(st, 1);
	p->planned_classes = sqlite3_column_int(st, 2);
	p->planned_participations = sqlite3_column_int(st, 3);
	return p;
}

int sched_plan_list(ut_store_t *s, ut_arena_t *a, int year, Ut__PlanList *out)
{
	sqlite3_stmt *st = ut_store_stmt(s, "SELECT year, category, planned_classes, planned_participations FROM plans"
					    " WHERE ?1 = 0 OR year = ?1 ORDER BY year, category LIMIT 1000");
	if (!st)
		return UT_EINTERNAL;
	sqlite3_bind_int(st, 1, year);
	return ut_store_rows(s, a, st, 1000, plan_row, &out->n_plans, (void ***)&out->plans);
}

int sched_coverage_upsert(ut_store_t *s, const Ut__CoverageTarget *t)
{
	sqlite3_stmt *st = ut_store_stmt(s, "INSERT OR REPLACE INTO coverage_targets(year, percent, updated_ms)"
					    " VALUES(?, ?, ?)");
	if (!st)
		return UT_EINTERNAL;
	sqlite3_bind_int(st, 1, t->year);
	sqlite3_bind_int(st, 2, t->percent);
	sqlite3_bind_int64(st, 3, ut_clock_now_ms());
	return ut_store_step_done(s, st, "coverage upsert");
}

static void *coverage_row(ut_arena_t *a, sqlite3_stmt *st)
{
	Ut__CoverageTarget *t = ut_arena_alloc(a, sizeof *t);
	if (!t)
		return NULL;
	ut__coverage_target__init(t);
	t->year = sqlite3_column_int(st, 0);
	t->percent = sqlite3_column_int(st, 1);
	return t;
}

int sched_coverage_list(ut_store_t *s, ut_arena_t *a, Ut__CoverageTargets *out)
{
	sqlite3_stmt *st = ut_store_stmt(s, "SELECT year, percent FROM coverage_targets ORDER BY year LIMIT 200");
	if (!st)
		return UT_EINTERNAL;
	return ut_store_rows(s, a, st, 200, coverage_row, &out->n_targets, (void ***)&out->targets);
}
