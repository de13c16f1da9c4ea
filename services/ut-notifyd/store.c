/* All SQL of ut-notifyd: the cadre and enrolment projections it needs for addressing, the message
 * table (schedule, delivery log and dead letters in one, keyed by the idempotency key). */
#include "notifyd.h"
#include "ut/err.h"
#include "ut/projection.h"

#include <stdio.h>
#include <string.h>

/* One row per message, from scheduling to its outcome. The UNIQUE key is what makes a message
 * exist once whatever events repeat; status walks scheduled -> queued -> sent | retrying | dead,
 * or ends as withdrawn/skipped without being sent. */
static const char schema_v2[] =
	"CREATE TABLE notify_meta(key TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID;"
	"CREATE TABLE notify_units(id INTEGER PRIMARY KEY, name TEXT NOT NULL);"
	"CREATE TABLE notify_cadres(id TEXT PRIMARY KEY, name TEXT NOT NULL, unit_id INTEGER NOT NULL,"
	" email TEXT NOT NULL, phone TEXT NOT NULL, locale TEXT NOT NULL, state TEXT NOT NULL,"
	" version INTEGER NOT NULL) WITHOUT ROWID;"
	"CREATE TABLE notify_enrolments(cadre_id TEXT NOT NULL, class_id INTEGER NOT NULL, state TEXT NOT NULL,"
	" PRIMARY KEY(class_id, cadre_id)) WITHOUT ROWID;"
	"CREATE TABLE notify_seen(class_id INTEGER PRIMARY KEY, version INTEGER NOT NULL, first_start INTEGER NOT NULL);"
	"CREATE TABLE notify_optouts(cadre_id TEXT NOT NULL, channel TEXT NOT NULL, PRIMARY KEY(cadre_id, channel))"
	" WITHOUT ROWID;"
	"CREATE TABLE messages(id INTEGER PRIMARY KEY, key TEXT NOT NULL UNIQUE, cadre_id TEXT NOT NULL,"
	" class_id INTEGER NOT NULL, kind TEXT NOT NULL, offset_s INTEGER NOT NULL, class_version INTEGER NOT NULL,"
	" due_ms INTEGER NOT NULL, status TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0,"
	" error TEXT NOT NULL DEFAULT '', channel TEXT NOT NULL DEFAULT '', address TEXT NOT NULL DEFAULT '',"
	" locale TEXT NOT NULL DEFAULT '', reason TEXT NOT NULL DEFAULT '', sent_ms INTEGER NOT NULL DEFAULT 0,"
	" created_ms INTEGER NOT NULL, worker TEXT NOT NULL DEFAULT '', queue_seq INTEGER NOT NULL DEFAULT 0,"
	" job BLOB);"
	"CREATE INDEX messages_due ON messages(status, due_ms);"
	"CREATE INDEX messages_class ON messages(class_id, cadre_id);"
	"CREATE INDEX messages_seq ON messages(queue_seq) WHERE status = 'queued';";

/* The enrolment row each cadre's place is, so messages about it name the change (a cadre who
 * cancels and enrols again holds a new row, and hears of it again); the timetable a class's
 * schedule was computed against, so moving any session (not only the first) is seen. */
static const char schema_v3[] = "ALTER TABLE notify_enrolments ADD COLUMN enrolment_id INTEGER NOT NULL DEFAULT 0;"
				"ALTER TABLE notify_seen ADD COLUMN timetable INTEGER NOT NULL DEFAULT 0;";
/* What notices and calendars say of each session beside the projection: the venue's address, the
 * link to join online (the session's own, else the class's). */
static const char schema_v4[] =
	"ALTER TABLE notify_seen ADD COLUMN join_url TEXT NOT NULL DEFAULT '';"
	"CREATE TABLE notify_sessions(id INTEGER PRIMARY KEY, class_id INTEGER NOT NULL, address TEXT NOT NULL,"
	" join_url TEXT NOT NULL);"
	"CREATE INDEX notify_sessions_class ON notify_sessions(class_id);";

const ut_migration_t notify_migrations[] = {{1, ut_projection_schema}, {2, schema_v2}, {3, schema_v3}, {4, schema_v4}};

/* Where a session is, as notices say it: "Hall A, 12 Tràng Tiền" for a venue, else the link to
 * join (the session's, else the class's); y is its sched_sessions row, x its notify_sessions row
 * (none for a class not changed since ut-notifyd kept them), n the class's notify_seen row. */
#define JOIN_SQL "CASE WHEN coalesce(x.join_url, '') != '' THEN x.join_url ELSE coalesce(n.join_url, '') END"
#define WHERE_SQL                                                                                              \
	"CASE WHEN y.venue_name != '' THEN y.venue_name || CASE WHEN coalesce(x.address, '') != '' THEN ', ' ||" \
	" x.address ELSE '' END ELSE " JOIN_SQL " END"

static void copy(char *dst, size_t cap, const char *s) { snprintf(dst, cap, "%s", s ? s : ""); }

int notify_meta_get(ut_store_t *s, const char *key, int64_t *v)
{
	sqlite3_stmt *st = ut_store_stmt(s, "SELECT value FROM notify_meta WHERE key = ?");
	if (!st)
		return UT_EINTERNAL;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	int rc = sqlite3_step(st);
	int found = rc == SQLITE_ROW;
	if (found)
		*v = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	if (!found && rc != SQLITE_DONE)
		return ut_store_err(s, rc, "meta");
	return found ? 0 : UT_ENOTFOUND;
}

int notify_meta_set(ut_store_t *s, const char *key, int64_t v)
{
	sqlite3_stmt *st = ut_store_stmt(s, "INSERT OR REPLACE INTO notify_meta(key, value) VALUES(?, ?)");
	if (!st)
		return UT_EINTERNAL;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, v);
	return ut_store_step_done(s, st, "meta");
}

int notify_cadre_upsert(ut_store_t *s, const Ut__Cadre *c)
{
	/* a repeated or late event (lower version) leaves the newer row */
	sqlite3_stmt *st = ut_store_stmt(s, "INSERT INTO notify_cadres(id, name, unit_id, email, phone, locale, state,"
					    " version) VALUES(?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET"
					    " name = excluded.name, unit_id = excluded.unit_id, email = excluded.email,"
					    " phone = excluded.phone, locale = excluded.locale, state = excluded.state,"
					    " version = excluded.version WHERE excluded.version >= notify_cadres.version");
	if (!st)
		return UT_EINTERNAL;
	sqlite3_bind_text(st, 1, c->id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, c->name, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, c->unit_id);
	sqlite3_bind_text(st, 4, c->email, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, c->phone, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, c->locale, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 7, c->state, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 8, c->version);
	return ut_store_step_done(s, st, "cadre");
}

int notify_cadre_get(ut_store_t *s, const char *id, notify_cadre_t *out)
{
	memset(out, 0, sizeof *out);
	copy(out->id, sizeof out->id, id);
	sqlite3_stmt *st = ut_store_stmt(s, "SELECT c.name, c.email, c.phone, c.locale, coalesce(u.name, '')"
					    " FROM notify_cadres c LEFT JOIN notify_units u ON u.id = c.unit_id WHERE c.id = ?");
	if (!st)
		return UT_EINTERNAL;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	int rc = sqlite3_step(st), found = rc == SQLITE_ROW;
	if (found) {
		copy(out->name, sizeof out->name, ut_store_text(st, 0));
		copy(out->email, sizeof out->email, ut_store_text(st, 1));
		copy(out->phone, sizeof out->phone, ut_store_text(st, 2));
		copy(out->locale, sizeof out->locale, ut_store_text(st, 3));
		copy(out->unit, sizeof out->unit, ut_store_text(st, 4));
	}
	sqlite3_reset(st);
	if (!found && rc != SQLITE_DONE)
		return ut_store_err(s, rc, "cadre");
	return found ? 0 : UT_ENOTFOUND;
}

int notify_unit_upsert(ut_store_t *s, const Ut__OrgUnit *u)
{
	sqlite3_stmt *st = ut_store_stmt(s, "INSERT OR REPLACE INTO notify_units(id, name) VALUES(?, ?)");
	if (!st)
		return UT_EINTERNAL;
	sqlite3_bind_int64(st, 1, u->id);
	sqlite3_bind_text(st, 2, u->name, -1, SQLITE_STATIC);
	return ut_store_step_done(s, st, "unit");
}

int notify_enrol_set(ut_store_t *s, const char *cadre, int64_t class_id, const char *state, int64_t enrolment)
{
	sqlite3_stmt *st = ut_store_stmt(s, "INSERT OR REPLACE INTO notify_enrolments(cadre_id, class_id, state,"
					    " enrolment_id) VALUES(?, ?, ?, ?)");
	if (!st)
		return UT_EINTERNAL;
	sqlite3_bind_text(st, 1, cadre, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, class_id);
	sqlite3_bind_text(st, 3, state, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, enrolment);
	return ut_store_step_done(s, st, "enrolment");
}

int notify_enrol_list(ut_store_t *s, ut_arena_t *a, int64_t class_id, const char *state, notify_place_t **out,
		      int *n)
{
	sqlite3_stmt *st = ut_store_stmt(s, "SELECT cadre_id, enrolment_id, state FROM notify_enrolments WHERE class_id = ?1 AND"
					    " (state = ?2 OR (?2 = '' AND state IN ('confirmed', 'waitlisted')))"
					    " ORDER BY cadre_id");
	if (!st)
		return UT_EINTERNAL;
	sqlite3_bind_int64(st, 1, class_id);
	sqlite3_bind_text(st, 2, state, -1, SQLITE_STATIC);
	int cap = 16, rc;
	*n = 0;
	*out = ut_arena_alloc(a, (size_t)cap * sizeof **out);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW && *out) {
		if (*n == cap) {
			notify_place_t *more = ut_arena_alloc(a, (size_t)cap * 2 * sizeof *more);
			if (more)
				memcpy(more, *out, (size_t)cap * sizeof *more);
			*out = more;
			cap *= 2;
			if (!more)
				break;
		}
		(*out)[*n].cadre = ut_arena_strdup(a, ut_store_text(st, 0));
		(*out)[*n].confirmed = !strcmp(ut_store_text(st, 2), "confirmed");
		(*out)[(*n)++].enrolment = sqlite3_column_int64(st, 1);
	}
	sqlite3_reset(st);
	if (!*out || a->failed)
		return UT_ENOMEM;
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : ut_store_err(s, rc, "enrolments");
}

int notify_class_get(ut_store_t *s, int64_t id, notify_class_t *out)
{
	memset(out, 0, sizeof *out);
	out->id = id;
	sqlite3_stmt *st = ut_store_stmt(
		s, "SELECT c.title, c.state, c.version, coalesce(c.first_start, 0), coalesce(c.last_end, 0),"
		   " coalesce(y.venue_name, ''), coalesce(y.lecturer_name, ''), c.course_code, coalesce(" WHERE_SQL ", '')"
		   " FROM sched_classes c LEFT JOIN sched_sessions y ON y.id = (SELECT id FROM"
		   " sched_sessions WHERE class_id = c.id ORDER BY starts_at LIMIT 1)"
		   " LEFT JOIN notify_sessions x ON x.id = y.id LEFT JOIN notify_seen n ON n.class_id = c.id WHERE c.id = ?");
	if (!st)
		return UT_EINTERNAL;
	sqlite3_bind_int64(st, 1, id);
	int rc = sqlite3_step(st), found = rc == SQLITE_ROW;
	if (found) {
		copy(out->title, sizeof out->title, ut_store_text(st, 0));
		copy(out->state, sizeof out->state, ut_store_text(st, 1));
		out->version = sqlite3_column_int(st, 2);
		out->first_start = sqlite3_column_int64(st, 3);
		out->last_end = sqlite3_column_int64(st, 4);
		copy(out->venue, sizeof out->venue, ut_store_text(st, 5));
		copy(out->lecturer, sizeof out->lecturer, ut_store_text(st, 6));
		copy(out->course_code, sizeof out->course_code, ut_store_text(st, 7));
		copy(out->where, sizeof out->where, ut_store_text(st, 8));
	}
	sqlite3_reset(st);
	if (!found && rc != SQLITE_DONE)
		return ut_store_err(s, rc, "class");
	return found ? 0 : UT_ENOTFOUND;
}

int notify_seen_get(ut_store_t *s, int64_t class_id, int *version, int64_t *first_start, int64_t *timetable)
{
	*version = 0;
	*first_start = *timetable = 0;
	sqlite3_stmt *st = ut_store_stmt(s, "SELECT version, first_start, timetable FROM notify_seen WHERE class_id = ?");
	if (!st)
		return UT_EINTERNAL;
	sqlite3_bind_int64(st, 1, class_id);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*version = sqlite3_column_int(st, 0);
		*first_start = sqlite3_column_int64(st, 1);
		*timetable = sqlite3_column_int64(st, 2);
	}
	sqlite3_reset(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : ut_store_err(s, rc, "seen");
}

int notify_seen_set(ut_store_t *s, const Ut__Class *c, int64_t first_start, int64_t timetable)
{
	sqlite3_stmt *st = ut_store_stmt(s, "DELETE FROM notify_sessions WHERE class_id = ?");
	if (!st)
		return UT_EINTERNAL;
	sqlite3_bind_int64(st, 1, c->id);
	int rc = ut_store_step_done(s, st, "sessions");
	for (size_t i = 0; i < c->n_sessions && !rc; i++) {
		const Ut__Session *x = c->sessions[i];
		if (!(st = ut_store_stmt(s, "INSERT OR REPLACE INTO notify_sessions(id, class_id, address, join_url)"
					    " VALUES(?, ?, ?, ?)")))
			return UT_EINTERNAL;
		sqlite3_bind_int64(st, 1, x->id);
		sqlite3_bind_int64(st, 2, c->id);
		sqlite3_bind_text(st, 3, x->venue_address, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 4, x->join_url, -1, SQLITE_STATIC);
		rc = ut_store_step_done(s, st, "session");
	}
	if (rc)
		return rc;
	st = ut_store_stmt(s, "INSERT OR REPLACE INTO notify_seen(class_id, version, first_start, timetable, join_url)"
			      " VALUES(?, ?, ?, ?, ?)");
	if (!st)
		return UT_EINTERNAL;
	int64_t class_id = c->id;
	int version = c->version;
	if (!st)
		return UT_EINTERNAL;
	sqlite3_bind_int64(st, 1, class_id);
	sqlite3_bind_int(st, 2, version);
	sqlite3_bind_int64(st, 3, first_start);
	sqlite3_bind_int64(st, 4, timetable);
	sqlite3_bind_text(st, 5, c->join_url, -1, SQLITE_STATIC);
	return ut_store_step_done(s, st, "seen");
}

int notify_sessions_get(ut_store_t *s, ut_arena_t *a, int64_t class_id, notify_session_t **out, int *n)
{
	sqlite3_stmt *st = ut_store_stmt(
		s, "SELECT y.id, y.starts_at, y.ends_at, " WHERE_SQL ", " JOIN_SQL " FROM sched_sessions y"
		   " LEFT JOIN notify_sessions x ON x.id = y.id LEFT JOIN notify_seen n ON n.class_id = y.class_id"
		   " WHERE y.class_id = ? ORDER BY y.starts_at, y.id LIMIT 365");
	if (!st)
		return UT_EINTERNAL;
	sqlite3_bind_int64(st, 1, class_id);
	*n = 0;
	*out = ut_arena_alloc(a, 365 * sizeof **out);
	int rc;
	while (*out && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		notify_session_t *x = &(*out)[(*n)++];
		x->id = sqlite3_column_int64(st, 0);
		x->starts_at = sqlite3_column_int64(st, 1);
		x->ends_at = sqlite3_column_int64(st, 2);
		x->where = ut_arena_strdup(a, ut_store_text(st, 3));
		x->join_url = ut_arena_strdup(a, ut_store_text(st, 4));
	}
	sqlite3_reset(st);
	if (!*out || a->failed)
		return UT_ENOMEM;
	return rc == SQLITE_DONE ? 0 : ut_store_err(s, rc, "sessions");
}

int notify_msg_insert(ut_store_t *s, const Ut__Delivery *d, const char *reason)
{
	/* a withdrawn message was never sent, so a cadre who enrols again gets it back */
	sqlite3_stmt *st = ut_store_stmt(s, "INSERT INTO messages(key, cadre_id, class_id, kind, offset_s,"
					    " class_version, due_ms, status, error, reason, created_ms)"
					    " VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(key) DO UPDATE SET"
					    " due_ms = excluded.due_ms, status = excluded.status, error = excluded.error"
					    " WHERE messages.status = 'withdrawn'");
	if (!st)
		return UT_EINTERNAL;
	sqlite3_bind_text(st, 1, d->key, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, d->cadre_id, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, d->class_id);
	sqlite3_bind_text(st, 4, d->kind, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 5, d->offset_s);
	sqlite3_bind_int(st, 6, d->class_version);
	sqlite3_bind_int64(st, 7, d->due_ms);
	sqlite3_bind_text(st, 8, d->status, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 9, d->error ? d->error : "", -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 10, reason ? reason : "", -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 11, d->created_ms);
	int rc = ut_store_step_done(s, st, "message");
	if (rc)
		return rc;
	return sqlite3_changes(ut_store_db(s)) > 0;
}

int notify_msg_had(ut_store_t *s, const char *cadre, int64_t class_id, const char *kind, int64_t offset_s)
{
	sqlite3_stmt *st = ut_store_stmt(s, "SELECT count(*) FROM messages WHERE class_id = ? AND cadre_id = ?"
					    " AND kind = ? AND (?4 < 0 OR offset_s = ?4) AND status != 'withdrawn'");
	if (!st)
		return UT_EINTERNAL;
	sqlite3_bind_int64(st, 1, class_id);
	sqlite3_bind_text(st, 2, cadre, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, kind, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, offset_s);
	return ut_store_scalar(s, st, 0) > 0;
}

int notify_msg_withdraw(ut_store_t *s, int64_t class_id, const char *cadre, int below)
{
	sqlite3_stmt *st = ut_store_stmt(s, "UPDATE messages SET status = 'withdrawn' WHERE class_id = ?1"
					    " AND (?2 IS NULL OR cadre_id = ?2) AND (?3 = 0 OR class_version < ?3)"
					    " AND kind = 'reminder' AND status IN ('scheduled', 'retrying')");
	if (!st)
		return UT_EINTERNAL;
	sqlite3_bind_int64(st, 1, class_id);
	if (cadre)
		sqlite3_bind_text(st, 2, cadre, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 3, below);
	int rc = ut_store_step_done(s, st, "withdraw");
	return rc ? rc : sqlite3_changes(ut_store_db(s));
}

/* Rows of "SELECT " ROW_COLS: a message with its cadre, unit and opt-outs. */
#define ROW_COLS                                                                                        \
	"m.id, m.key, m.cadre_id, m.class_id, m.kind, m.offset_s, m.class_version, m.due_ms, m.attempts,"  \
	" m.created_ms, m.reason, coalesce(c.name, ''), coalesce(c.email, ''), coalesce(c.phone, ''),"     \
	" coalesce(c.locale, ''), coalesce(u.name, ''),"                                                    \
	" (SELECT group_concat(o.channel) FROM notify_optouts o WHERE o.cadre_id = m.cadre_id),"            \
	" m.queue_seq, m.channel, m.address, m.locale"
#define ROW_JOINS " LEFT JOIN notify_cadres c ON c.id = m.cadre_id LEFT JOIN notify_units u ON u.id = c.unit_id"

static int msg_rows(ut_store_t *s, sqlite3_stmt *st, int (*fn)(void *arg, const notify_due_row_t *r), void *arg,
		    const char *what)
{
	int rc, frc = 0;
	while (!frc && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		notify_due_row_t r = {
			.id = sqlite3_column_int64(st, 0),
			.key = ut_store_text(st, 1),
			.cadre_id = ut_store_text(st, 2),
			.class_id = sqlite3_column_int64(st, 3),
			.kind = ut_store_text(st, 4),
			.offset_s = sqlite3_column_int64(st, 5),
			.class_version = sqlite3_column_int(st, 6),
			.due_ms = sqlite3_column_int64(st, 7),
			.attempts = sqlite3_column_int(st, 8),
			.created_ms = sqlite3_column_int64(st, 9),
			.reason = ut_store_text(st, 10),
			.name = ut_store_text(st, 11),
			.email = ut_store_text(st, 12),
			.phone = ut_store_text(st, 13),
			.locale = ut_store_text(st, 14),
			.unit = ut_store_text(st, 15),
			.optouts = ut_store_text(st, 16),
			.seq = sqlite3_column_int64(st, 17),
			.channel = ut_store_text(st, 18),
			.address = ut_store_text(st, 19),
			.queued_locale = ut_store_text(st, 20),
		};
		frc = fn(arg, &r);
	}
	sqlite3_reset(st);
	if (frc)
		return frc;
	return rc == SQLITE_DONE ? 0 : ut_store_err(s, rc, what);
}

int notify_msg_due_rows(ut_store_t *s, const char *status, int64_t now, int limit,
			int (*fn)(void *arg, const notify_due_row_t *r), void *arg)
{
	/* One status per statement: the range of messages_due comes out in (due_ms, id) order and
	 * stops at the limit. With "status IN (...)" SQLite sorted every due row to return the first
	 * `limit`, so a burst of N due messages cost O(N) per batch, O(N^2 / limit) in all. Each row
	 * comes with its cadre, unit and opt-outs: one step per message, not four lookups. */
	sqlite3_stmt *st = ut_store_stmt(s, "SELECT " ROW_COLS " FROM messages m" ROW_JOINS " WHERE m.status = ?3"
					    " AND m.due_ms <= ?1 ORDER BY m.due_ms, m.id LIMIT ?2");
	if (!st)
		return UT_EINTERNAL;
	sqlite3_bind_int64(st, 1, now);
	sqlite3_bind_int(st, 2, limit);
	sqlite3_bind_text(st, 3, status, -1, SQLITE_STATIC);
	return msg_rows(s, st, fn, arg, "due rows");
}

int notify_msg_due_ids(ut_store_t *s, int64_t now, int limit,
		       int (*fn)(void *arg, int64_t id, int64_t due_ms, int attempts), void *arg)
{
	sqlite3_stmt *st = ut_store_stmt(s, "SELECT id, due_ms, attempts FROM messages WHERE status = 'scheduled'"
					    " AND due_ms <= ?1 ORDER BY due_ms, id LIMIT ?2");
	if (!st)
		return UT_EINTERNAL;
	sqlite3_bind_int64(st, 1, now);
	sqlite3_bind_int(st, 2, limit);
	int rc, frc = 0;
	while (!frc && (rc = sqlite3_step(st)) == SQLITE_ROW)
		frc = fn(arg, sqlite3_column_int64(st, 0), sqlite3_column_int64(st, 1), sqlite3_column_int(st, 2));
	sqlite3_reset(st);
	if (frc)
		return frc;
	return rc == SQLITE_DONE ? 0 : ut_store_err(s, rc, "due ids");
}

int notify_msg_row(ut_store_t *s, int64_t id, int (*fn)(void *arg, const notify_due_row_t *r), void *arg)
{
	sqlite3_stmt *st = ut_store_stmt(s, "SELECT " ROW_COLS " FROM messages m" ROW_JOINS " WHERE m.id = ?");
	if (!st)
		return UT_EINTERNAL;
	sqlite3_bind_int64(st, 1, id);
	return msg_rows(s, st, fn, arg, "message row");
}

int notify_msg_ahead_rows(ut_store_t *s, int64_t after_due, int64_t after_id, int64_t until, int limit,
			  int (*fn)(void *arg, const notify_due_row_t *r), void *arg)
{
	sqlite3_stmt *st = ut_store_stmt(s, "SELECT " ROW_COLS " FROM messages m" ROW_JOINS " WHERE m.status = 'scheduled'"
					    " AND (m.due_ms, m.id) > (?1, ?2) AND m.due_ms <= ?3 ORDER BY m.due_ms, m.id LIMIT ?4");
	if (!st)
		return UT_EINTERNAL;
	sqlite3_bind_int64(st, 1, after_due);
	sqlite3_bind_int64(st, 2, after_id);
	sqlite3_bind_int64(st, 3, until);
	sqlite3_bind_int(st, 4, limit);
	return msg_rows(s, st, fn, arg, "rows ahead");
}

int notify_msg_next_due(ut_store_t *s, int64_t *due)
{
	*due = 0;
	/* per status, so each min() is one index probe rather than a scan of both ranges */
	sqlite3_stmt *st = ut_store_stmt(s, "SELECT min(m) FROM (SELECT min(due_ms) AS m FROM messages WHERE status = 'scheduled'"
					    " UNION ALL SELECT min(due_ms) FROM messages WHERE status = 'retrying')");
	if (!st)
		return UT_EINTERNAL;
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*due = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? 0 : ut_store_err(s, rc, "next due");
}

#define MSG_COLS                                                                                        \
	"id, key, cadre_id, class_id, kind, offset_s, class_version, due_ms, status, attempts, error, channel," \
	" address, locale, sent_ms, created_ms, worker, reason"

static Ut__Delivery *msg_row(ut_arena_t *a, sqlite3_stmt *st, char **reason)
{
	Ut__Delivery *d = ut_arena_alloc(a, sizeof *d);
	if (!d)
		return NULL;
	ut__delivery__init(d);
	d->id = sqlite3_column_int64(st, 0);
	d->key = ut_arena_strdup(a, ut_store_text(st, 1));
	d->cadre_id = ut_arena_strdup(a, ut_store_text(st, 2));
	d->class_id = sqlite3_column_int64(st, 3);
	d->kind = ut_arena_strdup(a, ut_store_text(st, 4));
	d->offset_s = sqlite3_column_int64(st, 5);
	d->class_version = sqlite3_column_int(st, 6);
	d->due_ms = sqlite3_column_int64(st, 7);
	d->status = ut_arena_strdup(a, ut_store_text(st, 8));
	d->attempts = sqlite3_column_int(st, 9);
	d->error = ut_arena_strdup(a, ut_store_text(st, 10));
	d->channel = ut_arena_strdup(a, ut_store_text(st, 11));
	d->address = ut_arena_strdup(a, ut_store_text(st, 12));
	d->locale = ut_arena_strdup(a, ut_store_text(st, 13));
	d->sent_ms = sqlite3_column_int64(st, 14);
	d->created_ms = sqlite3_column_int64(st, 15);
	d->worker = ut_arena_strdup(a, ut_store_text(st, 16));
	if (reason)
		*reason = ut_arena_strdup(a, ut_store_text(st, 17));
	return a->failed ? NULL : d;
}

int notify_msg_load(ut_store_t *s, ut_arena_t *a, int64_t id, Ut__Delivery **out, char **reason)
{
	sqlite3_stmt *st = ut_store_stmt(s, "SELECT " MSG_COLS " FROM messages WHERE id = ?");
	if (!st)
		return UT_EINTERNAL;
	sqlite3_bind_int64(st, 1, id);
	int rc = sqlite3_step(st);
	*out = rc == SQLITE_ROW ? msg_row(a, st, reason) : NULL;
	sqlite3_reset(st);
	if (rc == SQLITE_ROW)
		return *out ? 0 : UT_ENOMEM;
	return rc == SQLITE_DONE ? UT_ENOTFOUND : ut_store_err(s, rc, "message");
}

int notify_msg_by_key(ut_store_t *s, const char *key, int64_t *id)
{
	sqlite3_stmt *st = ut_store_stmt(s, "SELECT id FROM messages WHERE key = ?");
	if (!st)
		return UT_EINTERNAL;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*id = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	if (rc == SQLITE_ROW)
		return 0;
	return rc == SQLITE_DONE ? UT_ENOTFOUND : ut_store_err(s, rc, "message key");
}

int notify_msg_queue(ut_store_t *s, int64_t id, int attempts, const char *channel, const char *address,
		     const char *locale, int64_t seq)
{
	/* no job blob: rewriting every row with its rendered job split the table pages and tripled
	 * what each commit writes; a job lost before it reached the stream is rendered again */
	sqlite3_stmt *st = ut_store_stmt(s, "UPDATE messages SET status = 'queued', attempts = ?, channel = ?,"
					    " address = ?, locale = ?, queue_seq = ? WHERE id = ?");
	if (!st)
		return UT_EINTERNAL;
	sqlite3_bind_int(st, 1, attempts);
	sqlite3_bind_text(st, 2, channel, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, address, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, locale, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 5, seq);
	sqlite3_bind_int64(st, 6, id);
	return ut_store_step_done(s, st, "queue");
}

int notify_msg_queued_rows(ut_store_t *s, int64_t after, int limit, int (*fn)(void *arg, const notify_due_row_t *r),
			   void *arg)
{
	/* INDEXED BY: without statistics the planner took messages_due (status = 'queued') and
	 * sorted every queued row */
	sqlite3_stmt *st = ut_store_stmt(s, "SELECT " ROW_COLS " FROM messages m INDEXED BY messages_seq" ROW_JOINS
					    " WHERE m.status = 'queued' AND m.queue_seq > ? ORDER BY m.queue_seq LIMIT ?");
	if (!st)
		return UT_EINTERNAL;
	sqlite3_bind_int64(st, 1, after);
	sqlite3_bind_int(st, 2, limit);
	return msg_rows(s, st, fn, arg, "queued rows");
}

int notify_msg_outcome(ut_store_t *s, int64_t id, const char *status, const char *error, int64_t sent_ms,
		       int64_t due_ms, const char *worker)
{
	/* job: kept by earlier versions while queued */
	sqlite3_stmt *st = ut_store_stmt(s, "UPDATE messages SET status = ?, error = ?, sent_ms = ?,"
					    " due_ms = CASE WHEN ? > 0 THEN ? ELSE due_ms END, worker = ?, job = NULL WHERE id = ?");
	if (!st)
		return UT_EINTERNAL;
	sqlite3_bind_text(st, 1, status, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, error ? error : "", -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, sent_ms);
	sqlite3_bind_int64(st, 4, due_ms);
	sqlite3_bind_int64(st, 5, due_ms);
	sqlite3_bind_text(st, 6, worker ? worker : "", -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 7, id);
	return ut_store_step_done(s, st, "outcome");
}

int notify_msg_max_seq(ut_store_t *s, int64_t *seq)
{
	sqlite3_stmt *st = ut_store_stmt(s, "SELECT coalesce(max(queue_seq), 0) FROM messages");
	if (!st)
		return UT_EINTERNAL;
	int rc = sqlite3_step(st);
	*seq = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? 0 : ut_store_err(s, rc, "max seq");
}

int notify_msg_list(ut_store_t *s, ut_arena_t *a, const Ut__NotifyQuery *q, int due_only, Ut__DeliveryList *out)
{
	sqlite3_stmt *st =
		due_only ? ut_store_stmt(s, "SELECT " MSG_COLS " FROM messages WHERE status IN ('scheduled', 'retrying')"
					    " AND (?1 = '' OR cadre_id = ?1) AND (?2 = 0 OR class_id = ?2)"
					    " AND (?3 = '' OR status = ?3) ORDER BY due_ms, id LIMIT ?4")
			 : ut_store_stmt(s, "SELECT " MSG_COLS " FROM messages WHERE (?1 = '' OR cadre_id = ?1)"
					    " AND (?2 = 0 OR class_id = ?2) AND (?3 = '' OR status = ?3) ORDER BY id LIMIT ?4");
	if (!st)
		return UT_EINTERNAL;
	int limit = UT_LIST_LIMIT(q->limit);
	sqlite3_bind_text(st, 1, q->cadre_id ? q->cadre_id : "", -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, q->class_id);
	sqlite3_bind_text(st, 3, q->status ? q->status : "", -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 4, limit);
	out->deliveries = (Ut__Delivery **)ut_arena_ptrs(a, (size_t)limit);
	out->n_deliveries = 0;
	int rc = SQLITE_DONE;
	while (out->deliveries && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		Ut__Delivery *d = msg_row(a, st, NULL);
		if (!d)
			break;
		out->deliveries[out->n_deliveries++] = d;
	}
	sqlite3_reset(st);
	if (!out->deliveries || a->failed)
		return UT_ENOMEM;
	return rc == SQLITE_DONE || rc == SQLITE_ROW ? 0 : ut_store_err(s, rc, "log");
}

int notify_optout_has(ut_store_t *s, const char *cadre, const char *channel)
{
	sqlite3_stmt *st = ut_store_stmt(s, "SELECT 1 FROM notify_optouts WHERE cadre_id = ? AND channel = ?");
	if (!st)
		return UT_EINTERNAL;
	sqlite3_bind_text(st, 1, cadre, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, channel, -1, SQLITE_STATIC);
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : ut_store_err(s, rc, "optout");
}

int notify_optout_set(ut_store_t *s, const char *cadre, const char *channel, int undo)
{
	sqlite3_stmt *st = undo ? ut_store_stmt(s, "DELETE FROM notify_optouts WHERE cadre_id = ? AND channel = ?")
				: ut_store_stmt(s, "INSERT OR IGNORE INTO notify_optouts(cadre_id, channel) VALUES(?, ?)");
	if (!st)
		return UT_EINTERNAL;
	sqlite3_bind_text(st, 1, cadre, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, channel, -1, SQLITE_STATIC);
	return ut_store_step_done(s, st, "optout");
}

int notify_msg_withdraw_cadre(ut_store_t *s, const char *cadre)
{
	sqlite3_stmt *st = ut_store_stmt(s, "UPDATE messages SET status = 'withdrawn', error = 'the cadre left'"
					    " WHERE cadre_id = ? AND status IN ('scheduled', 'retrying')");
	if (!st)
		return UT_EINTERNAL;
	sqlite3_bind_text(st, 1, cadre, -1, SQLITE_STATIC);
	return ut_store_step_done(s, st, "withdraw cadre");
}

int64_t notify_session_start(ut_store_t *s, int64_t session_id)
{
	sqlite3_stmt *st = ut_store_stmt(s, "SELECT starts_at FROM sched_sessions WHERE id = ?");
	if (!st)
		return 0;
	sqlite3_bind_int64(st, 1, session_id);
	int64_t t = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	sqlite3_reset(st);
	return t;
}

int notify_msg_min_queued(ut_store_t *s, int64_t *seq)
{
	sqlite3_stmt *st = ut_store_stmt(s, "SELECT coalesce(min(queue_seq), 0) FROM messages INDEXED BY messages_seq"
					    " WHERE status = 'queued'");
	if (!st)
		return UT_EINTERNAL;
	int rc = sqlite3_step(st);
	*seq = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? 0 : ut_store_err(s, rc, "min queued");
}

int notify_msg_counts(ut_store_t *s, int64_t *scheduled, int64_t *queued, int64_t *retrying, int64_t *dead)
{
	sqlite3_stmt *st = ut_store_stmt(s, "SELECT status, count(*) FROM messages INDEXED BY messages_due"
					    " WHERE status IN ('scheduled', 'queued', 'retrying', 'dead') GROUP BY status");
	if (!st)
		return UT_EINTERNAL;
	*scheduled = *queued = *retrying = *dead = 0;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *status = (const char *)sqlite3_column_text(st, 0);
		int64_t n = sqlite3_column_int64(st, 1);
		int64_t *to = !strcmp(status, "scheduled") ? scheduled
			      : !strcmp(status, "queued") ? queued
			      : !strcmp(status, "retrying") ? retrying
							     : dead;
		*to = n;
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : ut_store_err(s, rc, "notice counts");
}
