/* SQLite helpers: open in WAL mode, numbered migrations, a prepared-statement cache, transactions. */
#ifndef UT_STORE_H
#define UT_STORE_H

#include <stdint.h>
#include <sqlite3.h>
#include "ut/arena.h"

typedef struct ut_store ut_store_t;

/* Migration n brings the schema from version n-1 to n; the list is in order from 1. */
typedef struct ut_migration {
	int version;
	const char *sql;
} ut_migration_t;

/* Open (creating) the database, set WAL, busy timeout and synchronous ("full" or "normal"),
 * create the outbox/inbox tables and apply pending migrations in one transaction each. */
int ut_store_open(ut_store_t **out, const char *path, const ut_migration_t *migrations, int n,
		  const char *synchronous, int busy_timeout_ms);
void ut_store_destroy(ut_store_t **s);
sqlite3 *ut_store_db(ut_store_t *s);
const char *ut_store_path(ut_store_t *s);
int ut_store_schema_version(ut_store_t *s);
/* A consistent copy of the committed database at `path` (which must not exist), outside any
 * transaction; *size gets its size in bytes. 0 or UT_E*, logged. */
int ut_store_backup(ut_store_t *s, const char *path, int64_t *size);

/* A cached prepared statement for `sql`, reset and unbound. Keyed by the string, so pass
 * literals. NULL (logged) if it does not compile. */
sqlite3_stmt *ut_store_stmt(ut_store_t *s, const char *sql);
/* Run statements with no result rows. */
int ut_store_exec(ut_store_t *s, const char *sql);

/* BEGIN IMMEDIATE / COMMIT / ROLLBACK. */
int ut_store_begin(ut_store_t *s);
int ut_store_commit(ut_store_t *s);
void ut_store_rollback(ut_store_t *s);
int ut_store_in_tx(ut_store_t *s);
/* One request inside a group commit: a savepoint that is released or rolled back alone. */
int ut_store_savepoint(ut_store_t *s);
void ut_store_release(ut_store_t *s);
void ut_store_rollback_to(ut_store_t *s);

/* Map a SQLite result code to UT_E*: disk full, I/O and read-only -> UT_EUNAVAIL,
 * constraint -> UT_ECONFLICT, others -> UT_EINTERNAL. Logs the SQLite message once. */
int ut_store_err(ut_store_t *s, int rc, const char *what);
/* Step a statement that returns no rows: 0 or UT_E*. Resets it. */
int ut_store_step_done(ut_store_t *s, sqlite3_stmt *st, const char *what);
/* Turns the current row into a message allocated in the arena; NULL when out of memory. */
typedef void *(*ut_row_fn)(ut_arena_t *a, sqlite3_stmt *st);
/* Every row of st (at most limit) through fn into an arena array: a repeated field. Resets st. */
int ut_store_rows(ut_store_t *s, ut_arena_t *a, sqlite3_stmt *st, int limit, ut_row_fn fn, size_t *n, void ***items);
/* The first row of st through fn; UT_ENOTFOUND when there is none. */
int ut_store_row(ut_store_t *s, ut_arena_t *a, sqlite3_stmt *st, ut_row_fn fn, void **out);
/* The first column of the first row, or dflt when there is no row; UT_E* on error. */
int64_t ut_store_scalar(ut_store_t *s, sqlite3_stmt *st, int64_t dflt);
/* The audit (ut_audit, in every daemon's database): a change made at at_ms on actor's request,
 * with the request's body when it is at most UT_AUDIT_BODY_MAX bytes (else only its size). */
#define UT_AUDIT_BODY_MAX 16384
typedef struct Ut__AuditQuery Ut__AuditQuery;
typedef struct Ut__AuditList Ut__AuditList;
int ut_store_audit(ut_store_t *s, int64_t at_ms, const char *actor, int type, const char *request_id,
		   const void *body, size_t len);
/* The changes before q->before_id (0: all), at q->since_ms or later, of q->actor when given, newest
 * first. */
int ut_store_audit_list(ut_store_t *s, ut_arena_t *a, const Ut__AuditQuery *q, Ut__AuditList *out);

/* Text column as a C string, "" for NULL. */
const char *ut_store_text(sqlite3_stmt *st, int col);
/* Text column into buf (len > 0 bytes), cut to fit; "" for NULL. Returns buf. */
char *ut_store_copy(sqlite3_stmt *st, int col, char *buf, size_t len);

#endif
