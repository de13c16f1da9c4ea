/* The scheduling projection kept by consuming daemons: class rows are replaced only by a newer
 * version, so a repeated or late event leaves them as they are. */
#include "ut/projection.h"
#include "ut/clock.h"
#include "ut/err.h"
#include "ut/log.h"
#include "sched.pb-c.h"

const char ut_projection_schema[] =
	"CREATE TABLE sched_courses(id INTEGER PRIMARY KEY, code TEXT NOT NULL, title TEXT NOT NULL,"
	" category TEXT NOT NULL, default_hours INTEGER NOT NULL, requires_reflection INTEGER NOT NULL);"
	"CREATE TABLE sched_classes(id INTEGER PRIMARY KEY, course_id INTEGER NOT NULL, course_code TEXT NOT NULL,"
	" title TEXT NOT NULL, category TEXT NOT NULL, level TEXT NOT NULL, format TEXT NOT NULL,"
	" capacity INTEGER NOT NULL, audience TEXT NOT NULL, state TEXT NOT NULL, version INTEGER NOT NULL,"
	" hours INTEGER NOT NULL, first_start INTEGER, last_end INTEGER);"
	"CREATE TABLE sched_sessions(id INTEGER PRIMARY KEY, class_id INTEGER NOT NULL, starts_at INTEGER NOT NULL,"
	" ends_at INTEGER NOT NULL, venue_id INTEGER NOT NULL, lecturer_id INTEGER NOT NULL,"
	" venue_name TEXT NOT NULL, lecturer_name TEXT NOT NULL);"
	"CREATE INDEX sched_sessions_class ON sched_sessions(class_id);"
	"CREATE TABLE sched_plans(year INTEGER NOT NULL, category TEXT NOT NULL, planned_classes INTEGER NOT NULL,"
	" planned_participations INTEGER NOT NULL, PRIMARY KEY(year, category)) WITHOUT ROWID;";

static int apply_course(ut_store_t *s, const Ut__Course *c)
{
	sqlite3_stmt *st = ut_store_stmt(s, "INSERT OR REPLACE INTO sched_courses(id, code, title, category,"
					    " default_hours, requires_reflection) VALUES(?, ?, ?, ?, ?, ?)");
	if (!st)
		return UT_EINTERNAL;
	sqlite3_bind_int64(st, 1, c->id);
	sqlite3_bind_text(st, 2, c->code, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, c->title, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, c->category, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 5, c->default_hours);
	sqlite3_bind_int(st, 6, c->requires_reflection);
	return ut_store_step_done(s, st, "projection course");
}

static int apply_class(ut_store_t *s, const Ut__Class *c)
{
	sqlite3_stmt *st = ut_store_stmt(s, "SELECT version FROM sched_classes WHERE id = ?");
	if (!st)
		return UT_EINTERNAL;
	sqlite3_bind_int64(st, 1, c->id);
	int have = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int(st, 0) : 0;
	sqlite3_reset(st);
	if (have >= c->version)
		return 0; /* we already hold this version or a newer one */
	int64_t first = 0, last = 0;
	for (size_t i = 0; i < c->n_sessions; i++) {
		/* what ut-schedd accepts; beyond it the consumers' millisecond arithmetic would overflow */
		if (c->sessions[i]->starts_at <= 0 || c->sessions[i]->starts_at > UT_CLOCK_MAX_S ||
		    c->sessions[i]->ends_at <= 0 || c->sessions[i]->ends_at > UT_CLOCK_MAX_S)
			return UT_EINVAL;
		if (!first || c->sessions[i]->starts_at < first)
			first = c->sessions[i]->starts_at;
		if (c->sessions[i]->ends_at > last)
			last = c->sessions[i]->ends_at;
	}
	st = ut_store_stmt(s, "INSERT OR REPLACE INTO sched_classes(id, course_id, course_code, title, category, level,"
			      " format, capacity, audience, state, version, hours, first_start, last_end)"
			      " VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, nullif(?, 0), nullif(?, 0))");
	if (!st)
		return UT_EINTERNAL;
	sqlite3_bind_int64(st, 1, c->id);
	sqlite3_bind_int64(st, 2, c->course_id);
	sqlite3_bind_text(st, 3, c->course_code, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, c->title, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, c->category, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, c->level, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 7, c->format, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 8, c->capacity);
	sqlite3_bind_text(st, 9, c->audience, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 10, c->state, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 11, c->version);
	sqlite3_bind_int(st, 12, c->hours);
	sqlite3_bind_int64(st, 13, first);
	sqlite3_bind_int64(st, 14, last);
	int rc = ut_store_step_done(s, st, "projection class");
	if (rc)
		return rc;
	st = ut_store_stmt(s, "DELETE FROM sched_sessions WHERE class_id = ?");
	if (!st)
		return UT_EINTERNAL;
	sqlite3_bind_int64(st, 1, c->id);
	if ((rc = ut_store_step_done(s, st, "projection sessions")))
		return rc;
	for (size_t i = 0; i < c->n_sessions && !rc; i++) {
		const Ut__Session *x = c->sessions[i];
		st = ut_store_stmt(s, "INSERT INTO sched_sessions(id, class_id, starts_at, ends_at, venue_id, lecturer_id,"
				      " venue_name, lecturer_name) VALUES(?, ?, ?, ?, ?, ?, ?, ?)");
		if (!st)
			return UT_EINTERNAL;
		sqlite3_bind_int64(st, 1, x->id);
		sqlite3_bind_int64(st, 2, c->id);
		sqlite3_bind_int64(st, 3, x->starts_at);
		sqlite3_bind_int64(st, 4, x->ends_at);
		sqlite3_bind_int64(st, 5, x->venue_id);
		sqlite3_bind_int64(st, 6, x->lecturer_id);
		sqlite3_bind_text(st, 7, x->venue_name, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 8, x->lecturer_name, -1, SQLITE_STATIC);
		rc = ut_store_step_done(s, st, "projection session");
	}
	return rc;
}

static int apply_plan(ut_store_t *s, const Ut__Plan *p)
{
	sqlite3_stmt *st = ut_store_stmt(s, "INSERT OR REPLACE INTO sched_plans(year, category, planned_classes,"
					    " planned_participations) VALUES(?, ?, ?, ?)");
	if (!st)
		return UT_EINTERNAL;
	sqlite3_bind_int(st, 1, p->year);
	sqlite3_bind_text(st, 2, p->category, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 3, p->planned_classes);
	sqlite3_bind_int(st, 4, p->planned_participations);
	return ut_store_step_done(s, st, "projection plan");
}

int ut_projection_apply(ut_service_t *svc, const Ut__Envelope *ev)
{
	ut_store_t *s = ut_service_store(svc);
	const ProtobufCMessageDescriptor *d;
	switch (ev->type) {
	case UT__MSG_TYPE__EV_COURSE_CREATED: d = &ut__course__descriptor; break;
	case UT__MSG_TYPE__EV_PLAN_SET: d = &ut__plan__descriptor; break;
	case UT__MSG_TYPE__EV_CLASS_CREATED:
	case UT__MSG_TYPE__EV_CLASS_SCHEDULED:
	case UT__MSG_TYPE__EV_CLASS_CHANGED:
	case UT__MSG_TYPE__EV_CLASS_CANCELLED:
	case UT__MSG_TYPE__EV_CLASS_CLOSED: d = &ut__class__descriptor; break;
	default: return 0;
	}
	ProtobufCMessage *m = protobuf_c_message_unpack(d, NULL, ev->body.len, ev->body.data);
	if (!m)
		return UT_EINVAL;
	int rc = d == &ut__course__descriptor ? apply_course(s, (Ut__Course *)m)
		 : d == &ut__plan__descriptor ? apply_plan(s, (Ut__Plan *)m)
					      : apply_class(s, (Ut__Class *)m);
	protobuf_c_message_free_unpacked(m, NULL);
	return rc;
}
