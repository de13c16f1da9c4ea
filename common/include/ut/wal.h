/* The WAL's writes and checkpoints made cheap for the thread that commits: a commit's WAL writes
 * go out in one system call, and a thread with a connection of its own copies the WAL into the
 * database, so a commit seldom waits for that copy and its fsync (only to start the WAL again
 * from its beginning, every few thousand pages, with what the thread had not yet copied). */
#ifndef UT_WAL_H
#define UT_WAL_H

#include "ut/store.h"

typedef struct ut_wal ut_wal_t;

/* The name of the VFS that gathers a WAL's writes until SQLite syncs the file, for a connection
 * with synchronous=full (with normal, a commit is visible to other connections before any sync,
 * so its bytes must not wait); NULL if it could not be registered. */
const char *ut_wal_vfs(void);

/* Start checkpointing an open store on its own thread; synchronous as configured ("full" or
 * "normal"). NULL when it cannot start: SQLite then checkpoints after commits, as by default. */
ut_wal_t *ut_wal_start(ut_store_t *s, const char *synchronous);
/* Stop the thread; before the store is destroyed. */
void ut_wal_stop(ut_wal_t **w);

#endif
