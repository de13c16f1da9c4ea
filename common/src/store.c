/* SQLite helpers: WAL, migrations by PRAGMA user_version, a statement cache, transactions. */
#include "ut/store.h"
#include "envelope.pb-c.h"
#include "ut/err.h"
#include "ut/log.h"
#include "ut/sqlmem.h"
#include "ut/wal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

typedef struct cached {
	const char *key; /* the caller's literal */
	char *sql;       /* a copy, to notice a key reused for other text */
	sqlite3_stmt *st;
	int64_t runs, ns; /* with UT_SQL_PROFILE set: how often and how long it ran */
} cached_t;

struct ut_store {
	sqlite3 *db;
	char *path;
	cached_t *cache;
	int ncache, capcache;
	int in_tx;
};

/* Outbox and inbox live in every daemon's database (see outbox.c). The outbox's seq is a plain
 * rowid that forgetting never lets fall back (AUTOINCREMENT cost an update of sqlite_sequence per
 * event; databases created before keep it, which is as correct). */
static const char base_schema[] =
	"CREATE TABLE IF NOT EXISTS ut_outbox(seq INTEGER PRIMARY KEY, type INTEGER NOT NULL,"
	" ts_ms INTEGER NOT NULL, body BLOB NOT NULL, actor TEXT NOT NULL DEFAULT '');"
	"CREATE TABLE IF NOT EXISTS ut_inbox(event_id TEXT PRIMARY KEY, applied_ms INTEGER NOT NULL) WITHOUT ROWID;"
	"CREATE TABLE IF NOT EXISTS ut_meta(key TEXT PRIMARY KEY, value) WITHOUT ROWID;"
	/* every change, with who asked for it: written in the change's own savepoint */
	"CREATE TABLE IF NOT EXISTS ut_audit(id INTEGER PRIMARY KEY, at_ms INTEGER NOT NULL, actor TEXT NOT NULL,"
	" type INTEGER NOT NULL, request_id TEXT NOT NULL, body BLOB NOT NULL, size INTEGER NOT NULL);";

sqlite3 *ut_store_db(ut_store_t *s) { return s->db; }
const char *ut_store_path(ut_store_t *s) { return s->path; }
int ut_store_in_tx(ut_store_t *s) { return s->in_tx; }

int ut_store_err(ut_store_t *s, int rc, const char *what)
{
	int prim = rc & 0xff;
	const char *msg = s && s->db ? sqlite3_errmsg(s->db) : sqlite3_errstr(rc);
	switch (prim) {
	case SQLITE_CONSTRAINT:
		return UT_ECONFLICT;
	case SQLITE_FULL:
	case SQLITE_IOERR:
	case SQLITE_READONLY:
	case SQLITE_CANTOPEN:
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
	case SQLITE_PERM:
	case SQLITE_NOMEM:
		ut_error("%s: %s: %s", s ? s->path : "sqlite", what, msg);
		return UT_EUNAVAIL;
	default:
		ut_error("%s: %s: %s (%d)", s ? s->path : "sqlite", what, msg, rc);
		return UT_EINTERNAL;
	}
}

int ut_store_exec(ut_store_t *s, const char *sql)
{
	char *err = NULL;
	int rc = sqlite3_exec(s->db, sql, NULL, NULL, &err);
	sqlite3_free(err);
	return rc == SQLITE_OK ? 0 : ut_store_err(s, rc, "exec");
}

int ut_store_schema_version(ut_store_t *s)
{
	sqlite3_stmt *st = ut_store_stmt(s, "PRAGMA user_version");
	int v = st && sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int(st, 0) : -1;
	if (st)
		sqlite3_reset(st);
	return v;
}

int ut_store_backup(ut_store_t *s, const char *path, int64_t *size)
{
	*size = 0;
	if (s->in_tx) {
		ut_error("%s: backup asked for inside a transaction", s->path);
		return UT_EINTERNAL;
	}
	/* VACUUM INTO reads one snapshot of the committed database (WAL included) and writes a
	 * compact copy; it refuses a target that exists and is not empty. */
	sqlite3_stmt *st = ut_store_stmt(s, "VACUUM INTO ?");
	if (!st)
		return UT_EINTERNAL;
	sqlite3_bind_text(st, 1, path, -1, SQLITE_STATIC);
	int rc = ut_store_step_done(s, st, "backup");
	sqlite3_clear_bindings(st);
	struct stat sb;
	if (!rc && stat(path, &sb) == 0)
		*size = (int64_t)sb.st_size;
	return rc;
}

static int migrate(ut_store_t *s, const ut_migration_t *m, int n)
{
	int have = ut_store_schema_version(s);
	if (have < 0)
		return UT_EINTERNAL;
	if (have > n) {
		ut_error("%s: schema version %d is newer than this program's, %d: run a build at least as new as"
			 " the one that wrote it", s->path, have, n);
		return UT_EINVAL;
	}
	for (int i = have; i < n; i++) {
		if (m[i].version != i + 1) {
			ut_error("migration %d listed out of order", m[i].version);
			return UT_EINTERNAL;
		}
		char pragma[64];
		snprintf(pragma, sizeof pragma, "PRAGMA user_version=%d", m[i].version);
		int rc = ut_store_begin(s);
		if (!rc)
			rc = ut_store_exec(s, m[i].sql);
		if (!rc)
			rc = ut_store_exec(s, pragma);
		if (!rc)
			rc = ut_store_commit(s);
		if (rc) {
			ut_store_rollback(s);
			ut_error("%s: migration %d failed", s->path, m[i].version);
			return rc;
		}
		ut_info("%s: schema migrated to version %d", s->path, m[i].version);
	}
	return 0;
}

/* UT_SQL_PROFILE=1 in the environment: time every cached statement and log the totals when the
 * store closes, to find where a request's time goes. */
static int profile_cb(unsigned type, void *ctx, void *p, void *x)
{
	ut_store_t *s = ctx;
	for (int i = 0; type == SQLITE_TRACE_PROFILE && i < s->ncache; i++)
		if (s->cache[i].st == p) {
			s->cache[i].runs++;
			s->cache[i].ns += *(sqlite3_int64 *)x;
		}
	return 0;
}

static void profile_report(ut_store_t *s)
{
	for (int i = 0; i < s->ncache; i++)
		if (s->cache[i].runs)
			ut_warn("sql profile: %8lld runs %10.3f ms %8.2f us/run  %.100s", (long long)s->cache[i].runs,
				(double)s->cache[i].ns / 1e6, (double)s->cache[i].ns / 1e3 / (double)s->cache[i].runs,
				s->cache[i].sql);
}

/* An outbox made before events carried their actor gets the column (empty for its old rows). */
static int outbox_actor(ut_store_t *s)
{
	sqlite3_stmt *st = NULL;
	int have = 0;
	if (sqlite3_prepare_v2(s->db, "SELECT count(*) FROM pragma_table_info('ut_outbox') WHERE name = 'actor'", -1, &st,
			       NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
		have = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return have ? 0 : ut_store_exec(s, "ALTER TABLE ut_outbox ADD COLUMN actor TEXT NOT NULL DEFAULT ''");
}

int ut_store_open(ut_store_t **out, const char *path, const ut_migration_t *migrations, int n,
		  const char *synchronous, int busy_timeout_ms)
{
	*out = NULL;
	ut_store_t *s = calloc(1, sizeof *s);
	if (!s || !(s->path = strdup(path))) {
		free(s);
		return UT_ENOMEM;
	}
	/* Each connection is used by one thread: no global malloc statistics, no mutexes around them,
	 * small blocks reused (sqlmem.h). Only possible before SQLite initialises, so later calls fail
	 * harmlessly. */
	ut_sqlmem_install();
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
	sqlite3_config(SQLITE_CONFIG_MULTITHREAD);
	int full = strcmp(synchronous, "normal") != 0;
	int rc = sqlite3_open_v2(path, &s->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
				 full ? ut_wal_vfs() : NULL);
	if (rc != SQLITE_OK) {
		rc = ut_store_err(s, rc, "open");
		ut_store_destroy(&s);
		return rc;
	}
	sqlite3_busy_timeout(s->db, busy_timeout_ms);
	if (getenv("UT_SQL_PROFILE"))
		sqlite3_trace_v2(s->db, SQLITE_TRACE_PROFILE, profile_cb, s);
	sqlite3_extended_result_codes(s->db, 1);
	char pragmas[256];
	snprintf(pragmas, sizeof pragmas,
		 "PRAGMA journal_mode=WAL; PRAGMA synchronous=%s; PRAGMA foreign_keys=ON;"
		 " PRAGMA cache_size=-8192; PRAGMA temp_store=MEMORY;",
		 full ? "FULL" : "NORMAL");
	if ((rc = ut_store_exec(s, pragmas)) || (rc = ut_store_exec(s, base_schema)) || (rc = outbox_actor(s)) ||
	    (rc = migrate(s, migrations, n))) {
		ut_store_destroy(&s);
		return rc;
	}
	*out = s;
	return 0;
}

void ut_store_destroy(ut_store_t **sp)
{
	ut_store_t *s = *sp;
	if (!s)
		return;
	if (getenv("UT_SQL_PROFILE"))
		profile_report(s);
	for (int i = 0; i < s->ncache; i++) {
		sqlite3_finalize(s->cache[i].st);
		free(s->cache[i].sql);
	}
	free(s->cache);
	if (s->db)
		sqlite3_close_v2(s->db);
	free(s->path);
	free(s);
	*sp = NULL;
}

sqlite3_stmt *ut_store_stmt(ut_store_t *s, const char *sql)
{
	for (int i = 0; i < s->ncache; i++) {
		cached_t *c = &s->cache[i];
		if (c->key == sql && strcmp(c->sql, sql) == 0) {
			sqlite3_reset(c->st);
			sqlite3_clear_bindings(c->st);
			return c->st;
		}
	}
	sqlite3_stmt *st;
	int rc = sqlite3_prepare_v3(s->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL);
	if (rc != SQLITE_OK) {
		ut_store_err(s, rc, sql);
		return NULL;
	}
	if (s->ncache == s->capcache) {
		int cap = s->capcache ? s->capcache * 2 : 32;
		cached_t *c = realloc(s->cache, (size_t)cap * sizeof *c);
		if (!c) {
			sqlite3_finalize(st);
			return NULL;
		}
		s->cache = c;
		s->capcache = cap;
	}
	char *copy = strdup(sql);
	if (!copy) {
		sqlite3_finalize(st);
		return NULL;
	}
	s->cache[s->ncache++] = (cached_t){sql, copy, st, 0, 0};
	return st;
}

int ut_store_step_done(ut_store_t *s, sqlite3_stmt *st, const char *what)
{
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc == SQLITE_DONE || rc == SQLITE_ROW)
		return 0;
	return ut_store_err(s, rc, what);
}

const char *ut_store_text(sqlite3_stmt *st, int col)
{
	const unsigned char *t = sqlite3_column_text(st, col);
	return t ? (const char *)t : "";
}

char *ut_store_copy(sqlite3_stmt *st, int col, char *buf, size_t len)
{
	const unsigned char *t = sqlite3_column_text(st, col);
	size_t n = t ? (size_t)sqlite3_column_bytes(st, col) : 0;
	if (n >= len)
		n = len - 1;
	memcpy(buf, t ? (const char *)t : "", n);
	buf[n] = '\0';
	return buf;
}

static int run(ut_store_t *s, const char *sql, const char *what)
{
	sqlite3_stmt *st = ut_store_stmt(s, sql);
	return st ? ut_store_step_done(s, st, what) : UT_EINTERNAL;
}

int ut_store_begin(ut_store_t *s)
{
	int rc = run(s, "BEGIN IMMEDIATE", "begin");
	if (rc == 0) /* a failed BEGIN inside a transaction leaves that one open */
		s->in_tx = 1;
	return rc;
}

int ut_store_commit(ut_store_t *s)
{
	int rc = run(s, "COMMIT", "commit");
	if (rc == 0)
		s->in_tx = 0;
	return rc;
}

void ut_store_rollback(ut_store_t *s)
{
	if (sqlite3_get_autocommit(s->db) == 0)
		run(s, "ROLLBACK", "rollback");
	s->in_tx = 0;
}

int ut_store_savepoint(ut_store_t *s) { return run(s, "SAVEPOINT req", "savepoint"); }
void ut_store_release(ut_store_t *s) { run(s, "RELEASE req", "release"); }

void ut_store_rollback_to(ut_store_t *s)
{
	run(s, "ROLLBACK TO req", "rollback to");
	run(s, "RELEASE req", "release");
}

int ut_store_rows(ut_store_t *s, ut_arena_t *a, sqlite3_stmt *st, int limit, ut_row_fn fn, size_t *n, void ***items)
{
	*items = ut_arena_ptrs(a, (size_t)limit);
	*n = 0;
	int rc = SQLITE_DONE;
	while (*items && *n < (size_t)limit && (rc = sqlite3_step(st)) == SQLITE_ROW)
		if (!((*items)[(*n)++] = fn(a, st)))
			break;
	sqlite3_reset(st);
	if (a->failed || !*items)
		return UT_ENOMEM;
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : ut_store_err(s, rc, "rows");
}

int ut_store_row(ut_store_t *s, ut_arena_t *a, sqlite3_stmt *st, ut_row_fn fn, void **out)
{
	size_t n;
	void **items;
	int rc = ut_store_rows(s, a, st, 1, fn, &n, &items);
	if (!rc && n == 0)
		rc = UT_ENOTFOUND;
	if (!rc)
		*out = items[0];
	return rc;
}

int64_t ut_store_scalar(ut_store_t *s, sqlite3_stmt *st, int64_t dflt)
{
	int rc = sqlite3_step(st);
	int64_t v = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : dflt;
	sqlite3_reset(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? v : ut_store_err(s, rc, "scalar");
}

int ut_store_audit(ut_store_t *s, int64_t at_ms, const char *actor, int type, const char *request_id,
		   const void *body, size_t len)
{
	sqlite3_stmt *st = ut_store_stmt(s, "INSERT INTO ut_audit(at_ms, actor, type, request_id, body, size)"
					    " VALUES(?, ?, ?, ?, ?, ?)");
	if (!st)
		return UT_EINTERNAL;
	int keep = len <= UT_AUDIT_BODY_MAX; /* an import of thousands of cadres: its size, not its copy */
	sqlite3_bind_int64(st, 1, at_ms);
	sqlite3_bind_text(st, 2, actor, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 3, type);
	sqlite3_bind_text(st, 4, request_id, -1, SQLITE_STATIC);
	sqlite3_bind_blob(st, 5, keep && len ? body : "", keep ? (int)len : 0, SQLITE_STATIC);
	sqlite3_bind_int64(st, 6, (sqlite3_int64)len);
	return ut_store_step_done(s, st, "audit insert");
}

static void *audit_row(ut_arena_t *a, sqlite3_stmt *st)
{
	Ut__AuditEntry *e = ut_arena_alloc(a, sizeof *e);
	if (!e)
		return NULL;
	ut__audit_entry__init(e);
	e->id = sqlite3_column_int64(st, 0);
	e->at_ms = sqlite3_column_int64(st, 1);
	e->actor = ut_arena_strdup(a, ut_store_text(st, 2));
	e->type = sqlite3_column_int(st, 3);
	e->request_id = ut_arena_strdup(a, ut_store_text(st, 4));
	e->body.len = (size_t)sqlite3_column_bytes(st, 5);
	if (e->body.len && (e->body.data = ut_arena_alloc(a, e->body.len)))
		memcpy(e->body.data, sqlite3_column_blob(st, 5), e->body.len);
	e->size = sqlite3_column_int64(st, 6);
	return e;
}

int ut_store_audit_list(ut_store_t *s, ut_arena_t *a, const Ut__AuditQuery *q, Ut__AuditList *out)
{
	sqlite3_stmt *st = ut_store_stmt(s, "SELECT id, at_ms, actor, type, request_id, body, size FROM ut_audit"
					    " WHERE (?1 = 0 OR id < ?1) AND at_ms >= ?2 AND (?3 = '' OR actor = ?3)"
					    " ORDER BY id DESC LIMIT ?4");
	if (!st)
		return UT_EINTERNAL;
	int limit = q->limit <= 0 ? 1000 : q->limit > 10001 ? 10001 : q->limit;
	sqlite3_bind_int64(st, 1, q->before_id);
	sqlite3_bind_int64(st, 2, q->since * 1000 > q->since_ms ? q->since * 1000 : q->since_ms);
	sqlite3_bind_text(st, 3, q->actor, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 4, limit);
	return ut_store_rows(s, a, st, limit, audit_row, &out->n_entries, (void ***)&out->entries);
}
