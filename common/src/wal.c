/* Checkpoints on a thread of their own (see ut/wal.h).
 *
 * Under load a commit of a batch of enrolments writes some sixty WAL pages, and every ~16 commits
 * SQLite's auto-checkpoint copied the WAL into the database and synced it, in the committing
 * thread: those were the slowest requests (5-12 ms). Now the WAL hook wakes a thread that runs a
 * PASSIVE checkpoint on a connection of its own, once per CKPT_PAGES new pages. */
#include "ut/wal.h"
#include "ut/err.h"
#include "ut/log.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum {
	CKPT_PAGES = 1000,      /* wake the checkpointer (SQLite's own default threshold) */
	CKPT_OWN_PAGES = 20000, /* far behind (80 MiB of WAL): the committing thread checkpoints */
};

struct ut_wal {
	ut_store_t *store;
	sqlite3 *db;  /* the checkpointer's connection */
	int last_rc;  /* of its last checkpoint, to log a failure once */
	int wake_at;  /* WAL pages at which it is woken next (the committing thread's) */
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int wake, stop, started;
};

static void *checkpointer(void *arg)
{
	ut_wal_t *w = arg;
	pthread_mutex_lock(&w->mu);
	while (!w->stop) {
		if (!w->wake) {
			pthread_cond_wait(&w->cv, &w->mu);
			continue;
		}
		w->wake = 0;
		pthread_mutex_unlock(&w->mu);
		/* PASSIVE: copies what no reader still needs, never waits for the writer */
		int rc = sqlite3_wal_checkpoint_v2(w->db, NULL, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
		if (rc != SQLITE_OK && rc != SQLITE_BUSY && rc != w->last_rc)
			ut_warn("background checkpoint: %s", sqlite3_errmsg(w->db));
		if (rc != SQLITE_BUSY)
			w->last_rc = rc;
		pthread_mutex_lock(&w->mu);
	}
	pthread_mutex_unlock(&w->mu);
	return NULL;
}

/* After each commit, in the committing thread, with the pages now in the WAL. Replaces SQLite's
 * auto-checkpoint. */
static int wal_hook(void *arg, sqlite3 *db, const char *name, int pages)
{
	ut_wal_t *w = arg;
	if (pages >= CKPT_OWN_PAGES)
		sqlite3_wal_checkpoint_v2(db, name, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
	if (pages < w->wake_at - CKPT_PAGES)
		w->wake_at = CKPT_PAGES; /* the WAL started again from its beginning */
	if (pages >= w->wake_at) {  /* once per CKPT_PAGES new pages, not after every commit */
		w->wake_at = pages + CKPT_PAGES;
		pthread_mutex_lock(&w->mu);
		w->wake = 1;
		pthread_cond_signal(&w->cv);
		pthread_mutex_unlock(&w->mu);
	}
	return SQLITE_OK;
}

ut_wal_t *ut_wal_start(ut_store_t *s, const char *synchronous)
{
	ut_wal_t *w = calloc(1, sizeof *w);
	if (!w)
		return NULL;
	w->store = s;
	w->wake_at = CKPT_PAGES;
	pthread_mutex_init(&w->mu, NULL);
	pthread_cond_init(&w->cv, NULL);
	char pragma[64]; /* a checkpoint syncs the WAL and the database unless synchronous=off */
	snprintf(pragma, sizeof pragma, "PRAGMA synchronous=%s", strcmp(synchronous, "normal") ? "FULL" : "NORMAL");
	if (sqlite3_open_v2(ut_store_path(s), &w->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK ||
	    sqlite3_exec(w->db, pragma, NULL, NULL, NULL) != SQLITE_OK ||
	    !(w->started = pthread_create(&w->thread, NULL, checkpointer, w) == 0)) {
		ut_warn("%s: checkpoints stay in the committing thread (%s)", ut_store_path(s),
			w->db ? sqlite3_errmsg(w->db) : strerror(errno));
		ut_wal_stop(&w);
		return NULL;
	}
	sqlite3_wal_hook(ut_store_db(s), wal_hook, w);
	return w;
}

void ut_wal_stop(ut_wal_t **wp)
{
	ut_wal_t *w = *wp;
	if (!w)
		return;
	if (w->started) {
		sqlite3_wal_autocheckpoint(ut_store_db(w->store), CKPT_PAGES); /* the hook's argument goes */
		pthread_mutex_lock(&w->mu);
		w->stop = 1;
		pthread_cond_signal(&w->cv);
		pthread_mutex_unlock(&w->mu);
		pthread_join(w->thread, NULL);
	}
	sqlite3_close_v2(w->db);
	pthread_cond_destroy(&w->cv);
	pthread_mutex_destroy(&w->mu);
	free(w);
	*wp = NULL;
}
