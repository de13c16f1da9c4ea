/* WAL checkpoints off the thread that commits: a thread with a connection of its own copies the
 * WAL into the database, so a commit never waits for that copy and its fsync. */
#ifndef UT_WAL_H
#define UT_WAL_H

#include "ut/store.h"

typedef struct ut_wal ut_wal_t;

/* Start checkpointing an open store on its own thread; synchronous as configured ("full" or
 * "normal"). NULL when it cannot start: SQLite then checkpoints after commits, as by default. */
ut_wal_t *ut_wal_start(ut_store_t *s, const char *synchronous);
/* Stop the thread; before the store is destroyed. */
void ut_wal_stop(ut_wal_t **w);

#endif
