/* Helpers shared by the unit tests: temporary directories, files, and a real redis-server. */
#ifndef UT_TESTUTIL_H
#define UT_TESTUTIL_H

#include <sqlite3.h>
#include <stddef.h>
#include <stdint.h>

/* A fresh directory "/tmp/utXXXXXX" (short, so unix socket paths under it stay < 100 bytes).
 * malloc'd; NULL on failure. */
char *tu_tmpdir(void);
/* Remove a directory tree (no symlinks followed). */
void tu_rmrf(const char *dir);
/* Write `text` to dir/name; returns the malloc'd full path, NULL on failure. */
char *tu_write_file(const char *dir, const char *name, const char *text);

/* Start $UT_REDIS_SERVER (or redis-server from PATH) on the unix socket dir/r.sock, without
 * persistence, and wait (at most 5 s) until it answers PING. The socket path goes to sock_out.
 * Returns 0, or -1 when it did not come up. One server at a time. */
int tu_redis_start(const char *dir, char *sock_out, size_t len);
/* SIGTERM the server and reap it (SIGKILL after 5 s). */
void tu_redis_stop(void);

/* The first column of the first row of sql on db, prepared afresh each time (a PRAGMA's value is
 * read when it is prepared); the test fails if there is no row. */
int64_t tu_query_int(sqlite3 *db, const char *sql);

#endif
