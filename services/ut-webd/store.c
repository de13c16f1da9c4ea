/* ut-webd's SQL: accounts, sessions and the sign-in attempts of addresses. */
#include "webd.h"
#include "ut/err.h"

#include <string.h>

const ut_migration_t webd_migrations[WEBD_NMIGRATIONS] = {
	{1, "CREATE TABLE users(id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, role TEXT NOT NULL,"
	    " locale TEXT NOT NULL, disabled INTEGER NOT NULL DEFAULT 0, password_hash TEXT NOT NULL,"
	    " created_ms INTEGER NOT NULL, last_login_ms INTEGER NOT NULL DEFAULT 0,"
	    " failed INTEGER NOT NULL DEFAULT 0, locked_until_ms INTEGER NOT NULL DEFAULT 0);"
	    /* only the hash of a token is kept: a copy of the database opens no session */
	    "CREATE TABLE sessions(token_hash TEXT PRIMARY KEY, csrf TEXT NOT NULL,"
	    " user_id INTEGER NOT NULL REFERENCES users(id), created_ms INTEGER NOT NULL,"
	    " last_ms INTEGER NOT NULL) WITHOUT ROWID;"
	    "CREATE INDEX sessions_user ON sessions(user_id);"
	    "CREATE TABLE address_failures(address TEXT NOT NULL, at_ms INTEGER NOT NULL);"
	    "CREATE INDEX address_failures_at ON address_failures(address, at_ms);"},
};

#define TEXT(st, i) ut_arena_strdup(a, ut_store_text(st, i))
#define USER_COLS "name, role, locale, disabled, created_ms, last_login_ms"

static void *user_row(ut_arena_t *a, sqlite3_stmt *st)
{
	Ut__User *u = ut_arena_alloc(a, sizeof *u);
	if (!u)
		return NULL;
	ut__user__init(u);
	u->name = TEXT(st, 0);
	u->role = TEXT(st, 1);
	u->locale = TEXT(st, 2);
	u->disabled = sqlite3_column_int(st, 3) != 0;
	u->created_ms = sqlite3_column_int64(st, 4);
	u->last_login_ms = sqlite3_column_int64(st, 5);
	return u;
}

int webd_user_insert(ut_store_t *s, const Ut__User *u, int64_t now)
{
	sqlite3_stmt *st = ut_store_stmt(s, "INSERT INTO users(name, role, locale, password_hash, created_ms)"
					    " VALUES(?, ?, ?, ?, ?)");
	if (!st)
		return UT_EINTERNAL;
	sqlite3_bind_text(st, 1, u->name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, u->role, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, u->locale, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, u->password_hash, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 5, now);
	return ut_store_step_done(s, st, "user insert");
}

int webd_user_get(ut_store_t *s, ut_arena_t *a, const char *name, Ut__User **out)
{
	sqlite3_stmt *st = ut_store_stmt(s, "SELECT " USER_COLS ", password_hash FROM users WHERE name = ?");
	if (!st)
		return UT_EINTERNAL;
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_DONE) {
		sqlite3_reset(st);
		return UT_ENOTFOUND;
	}
	if (rc != SQLITE_ROW)
		return ut_store_err(s, rc, "user get");
	*out = user_row(a, st);
	if (*out)
		(*out)->password_hash = TEXT(st, 6);
	sqlite3_reset(st);
	return *out && !a->failed ? 0 : UT_ENOMEM;
}

int webd_user_list(ut_store_t *s, ut_arena_t *a, int limit, Ut__UserList *out)
{
	sqlite3_stmt *st = ut_store_stmt(s, "SELECT " USER_COLS " FROM users ORDER BY name LIMIT ?");
	if (!st)
		return UT_EINTERNAL;
	sqlite3_bind_int(st, 1, UT_LIST_LIMIT(limit));
	return ut_store_rows(s, a, st, UT_LIST_LIMIT(limit), user_row, &out->n_users, (void ***)&out->users);
}

int webd_user_update(ut_store_t *s, const Ut__UserChange *c)
{
	sqlite3_stmt *st = ut_store_stmt(s, "UPDATE users SET role = coalesce(nullif(?, ''), role),"
					    " password_hash = coalesce(nullif(?, ''), password_hash),"
					    " disabled = CASE WHEN ? THEN 1 WHEN ? THEN 0 ELSE disabled END,"
					    " failed = CASE WHEN ? != '' THEN 0 ELSE failed END,"
					    " locked_until_ms = CASE WHEN ? != '' THEN 0 ELSE locked_until_ms END"
					    " WHERE name = ?");
	if (!st)
		return UT_EINTERNAL;
	sqlite3_bind_text(st, 1, c->role, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, c->password_hash, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 3, c->disable);
	sqlite3_bind_int(st, 4, c->enable);
	sqlite3_bind_text(st, 5, c->password_hash, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, c->password_hash, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 7, c->name, -1, SQLITE_STATIC);
	int rc = ut_store_step_done(s, st, "user update");
	if (rc)
		return rc;
	if (!sqlite3_changes(ut_store_db(s)))
		return UT_ENOTFOUND;
	if (c->disable || *c->password_hash) { /* a new password or a disabled account: its sessions end */
		st = ut_store_stmt(s, "DELETE FROM sessions WHERE user_id = (SELECT id FROM users WHERE name = ?)");
		if (!st)
			return UT_EINTERNAL;
		sqlite3_bind_text(st, 1, c->name, -1, SQLITE_STATIC);
		rc = ut_store_step_done(s, st, "sessions of a changed user");
	}
	return rc;
}

int webd_user_count(ut_store_t *s)
{
	sqlite3_stmt *st = ut_store_stmt(s, "SELECT count(*) FROM users");
	return st ? (int)ut_store_scalar(s, st, 0) : UT_EINTERNAL;
}

int webd_user_failures(ut_store_t *s, const char *name, int *failed, int64_t *locked_until)
{
	sqlite3_stmt *st = ut_store_stmt(s, "SELECT failed, locked_until_ms FROM users WHERE name = ?");
	if (!st)
		return UT_EINTERNAL;
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	int rc = sqlite3_step(st);
	*failed = 0;
	*locked_until = 0;
	if (rc == SQLITE_ROW) {
		*failed = sqlite3_column_int(st, 0);
		*locked_until = sqlite3_column_int64(st, 1);
	}
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? 0 : rc == SQLITE_DONE ? UT_ENOTFOUND : ut_store_err(s, rc, "user failures");
}

int webd_user_login_result(ut_store_t *s, const char *name, int ok, int64_t now)
{
	sqlite3_stmt *st = ok ? ut_store_stmt(s, "UPDATE users SET failed = 0, locked_until_ms = 0, last_login_ms = ?1"
						 " WHERE name = ?2")
			      : ut_store_stmt(s, "UPDATE users SET failed = failed + 1, locked_until_ms = CASE"
						 " WHEN failed + 1 >= ?3 THEN ?1 + ?4 ELSE locked_until_ms END WHERE name = ?2");
	if (!st)
		return UT_EINTERNAL;
	sqlite3_bind_int64(st, 1, now);
	sqlite3_bind_text(st, 2, name, -1, SQLITE_STATIC);
	if (!ok) {
		sqlite3_bind_int(st, 3, WEBD_ACCOUNT_FAILS);
		sqlite3_bind_int64(st, 4, WEBD_LOCK_MS);
	}
	return ut_store_step_done(s, st, "login result");
}

int webd_address_failures(ut_store_t *s, const char *address, int64_t since)
{
	sqlite3_stmt *st = ut_store_stmt(s, "SELECT count(*) FROM address_failures WHERE address = ? AND at_ms >= ?");
	if (!st)
		return UT_EINTERNAL;
	sqlite3_bind_text(st, 1, address, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, since);
	return (int)ut_store_scalar(s, st, 0);
}

int webd_address_failed(ut_store_t *s, const char *address, int64_t now)
{
	sqlite3_stmt *st = ut_store_stmt(s, "INSERT INTO address_failures(address, at_ms) VALUES(?, ?)");
	if (!st)
		return UT_EINTERNAL;
	sqlite3_bind_text(st, 1, address, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, now);
	return ut_store_step_done(s, st, "address failure");
}

int webd_session_insert(ut_store_t *s, const char *token_hash, const char *csrf, const char *name, int64_t now)
{
	sqlite3_stmt *st = ut_store_stmt(s, "INSERT INTO sessions(token_hash, csrf, user_id, created_ms, last_ms)"
					    " SELECT ?1, ?2, id, ?3, ?3 FROM users WHERE name = ?4");
	if (!st)
		return UT_EINTERNAL;
	sqlite3_bind_text(st, 1, token_hash, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, csrf, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, now);
	sqlite3_bind_text(st, 4, name, -1, SQLITE_STATIC);
	return ut_store_step_done(s, st, "session insert");
}

static void *session_row(ut_arena_t *a, sqlite3_stmt *st)
{
	Ut__WebSession *w = ut_arena_alloc(a, sizeof *w);
	if (!w)
		return NULL;
	ut__web_session__init(w);
	w->csrf = TEXT(st, 0);
	w->name = TEXT(st, 1);
	w->role = TEXT(st, 2);
	w->locale = TEXT(st, 3);
	w->expires_ms = sqlite3_column_int64(st, 4);
	return w;
}

int webd_session_get(ut_store_t *s, ut_arena_t *a, const char *token_hash, int64_t now, webd_lifetime_t life,
		     Ut__WebSession **out)
{
	sqlite3_stmt *st = ut_store_stmt(s, "SELECT s.csrf, u.name, u.role, u.locale,"
					    " min(s.last_ms + ?2, s.created_ms + ?3) FROM sessions s JOIN users u"
					    " ON u.id = s.user_id WHERE s.token_hash = ?1 AND u.disabled = 0"
					    " AND s.last_ms + ?2 > ?4 AND s.created_ms + ?3 > ?4");
	if (!st)
		return UT_EINTERNAL;
	sqlite3_bind_text(st, 1, token_hash, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, life.idle_ms);
	sqlite3_bind_int64(st, 3, life.max_ms);
	sqlite3_bind_int64(st, 4, now);
	return ut_store_row(s, a, st, session_row, (void **)out);
}

int webd_session_touch(ut_store_t *s, const char *token_hash, int64_t now, webd_lifetime_t life)
{
	/* written at most once a minute (or a quarter of the idle time), so reading pages does not
	 * cost a commit each */
	sqlite3_stmt *st = ut_store_stmt(s, "UPDATE sessions SET last_ms = ?2 WHERE token_hash = ?1 AND last_ms < ?2 - ?3");
	if (!st)
		return UT_EINTERNAL;
	sqlite3_bind_text(st, 1, token_hash, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, now);
	sqlite3_bind_int64(st, 3, life.idle_ms / 4 < 60000 ? life.idle_ms / 4 : 60000);
	return ut_store_step_done(s, st, "session touch");
}

int webd_session_delete(ut_store_t *s, const char *token_hash, const char *everywhere_of)
{
	sqlite3_stmt *st = everywhere_of
				   ? ut_store_stmt(s, "DELETE FROM sessions WHERE user_id = (SELECT id FROM users WHERE name = ?)")
				   : ut_store_stmt(s, "DELETE FROM sessions WHERE token_hash = ?");
	if (!st)
		return UT_EINTERNAL;
	sqlite3_bind_text(st, 1, everywhere_of ? everywhere_of : token_hash, -1, SQLITE_STATIC);
	return ut_store_step_done(s, st, "session delete");
}

int webd_session_purge(ut_store_t *s, int64_t now, webd_lifetime_t life)
{
	sqlite3_stmt *st = ut_store_stmt(s, "DELETE FROM sessions WHERE last_ms + ?2 <= ?1 OR created_ms + ?3 <= ?1");
	if (!st)
		return UT_EINTERNAL;
	sqlite3_bind_int64(st, 1, now);
	sqlite3_bind_int64(st, 2, life.idle_ms);
	sqlite3_bind_int64(st, 3, life.max_ms);
	int rc = ut_store_step_done(s, st, "session purge");
	if (rc)
		return rc;
	st = ut_store_stmt(s, "DELETE FROM address_failures WHERE at_ms < ?");
	if (!st)
		return UT_EINTERNAL;
	sqlite3_bind_int64(st, 1, now - WEBD_LOCK_MS);
	return ut_store_step_done(s, st, "address failures purge");
}
