/* The WAL's writes in one system call per commit, and checkpoints on a thread of their own (see
 * ut/wal.h).
 *
 * Under load a commit of a batch of enrolments writes some sixty WAL pages. SQLite writes each
 * frame as two pwrite calls (its 24-byte header, then the page), 120-odd calls per commit
 * (`SYSCALLS=1 tests/bench/enrol.sh` counts them per enrolment). The "ut-wal" VFS wraps the
 * default one and gathers a WAL's consecutive writes in memory until SQLite syncs, reads, sizes
 * or truncates the file, then writes them with one call. Nothing changes for durability: the bytes reach the file
 * before the fsync that makes the commit durable, and before any read of the file.
 *
 * And every ~16 commits SQLite's auto-checkpoint copied the WAL into the database and synced it,
 * in the committing thread, whose requests waited for both. Now the WAL hook wakes a thread that
 * runs a PASSIVE checkpoint on a connection of its own, once per CKPT_PAGES new pages; the
 * committing thread copies only what that thread left when the WAL reaches CKPT_OWN_PAGES. */
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
	/* The writer starts the WAL again from its beginning only if everything was copied when it
	 * begins a transaction; under steady load the thread never finishes between two of them, so
	 * at this size the committing thread copies the rest itself (a few hundred pages, since the
	 * thread copied the others): the WAL file stays below 32 MiB. */
	CKPT_OWN_PAGES = 8000,
};

/* ---- the VFS that gathers WAL writes ---- */

enum { GATHER_MAX = 1 << 20 }; /* write out at this size even before a sync */

typedef struct gfile {
	sqlite3_file base;   /* our methods */
	unsigned char *buf;  /* bytes for [off, off + len) not yet written */
	sqlite3_int64 off;
	size_t len, cap;
	sqlite3_file *real;  /* the default VFS's file, right after this struct */
} gfile_t;

static sqlite3_vfs gather_vfs;
static sqlite3_io_methods gather_io;

/* The unix VFS writes at most 128 KiB - 1 per call (it masks larger lengths), so in chunks. */
enum { CHUNK = 124 * 1024 };

static int gather_flush(gfile_t *g)
{
	int rc = SQLITE_OK;
	for (size_t at = 0; at < g->len && rc == SQLITE_OK; at += CHUNK)
		rc = g->real->pMethods->xWrite(g->real, g->buf + at, (int)(g->len - at < CHUNK ? g->len - at : CHUNK),
					       g->off + (sqlite3_int64)at);
	g->len = 0;
	return rc;
}

static int g_close(sqlite3_file *f)
{
	gfile_t *g = (gfile_t *)f;
	int rc = gather_flush(g);
	int rc2 = g->real->pMethods->xClose(g->real);
	free(g->buf);
	return rc ? rc : rc2;
}

static int g_read(sqlite3_file *f, void *p, int n, sqlite3_int64 off)
{
	gfile_t *g = (gfile_t *)f;
	int rc = gather_flush(g);
	return rc ? rc : g->real->pMethods->xRead(g->real, p, n, off);
}

static int g_write(sqlite3_file *f, const void *p, int n, sqlite3_int64 off)
{
	gfile_t *g = (gfile_t *)f;
	if (g->len && off != g->off + (sqlite3_int64)g->len) {
		int rc = gather_flush(g);
		if (rc)
			return rc;
	}
	if (!g->len)
		g->off = off;
	if (g->len + (size_t)n > g->cap) {
		size_t cap = g->cap ? g->cap : 64 * 1024;
		while (cap < g->len + (size_t)n)
			cap *= 2;
		unsigned char *b = cap <= GATHER_MAX ? realloc(g->buf, cap) : NULL;
		if (!b) { /* too much, or no memory: write what is gathered and this one directly */
			int rc = gather_flush(g);
			return rc ? rc : g->real->pMethods->xWrite(g->real, p, n, off);
		}
		g->buf = b;
		g->cap = cap;
	}
	memcpy(g->buf + g->len, p, (size_t)n);
	g->len += (size_t)n;
	return SQLITE_OK;
}

static int g_truncate(sqlite3_file *f, sqlite3_int64 size)
{
	gfile_t *g = (gfile_t *)f;
	int rc = gather_flush(g);
	return rc ? rc : g->real->pMethods->xTruncate(g->real, size);
}

static int g_sync(sqlite3_file *f, int flags)
{
	gfile_t *g = (gfile_t *)f;
	int rc = gather_flush(g);
	return rc ? rc : g->real->pMethods->xSync(g->real, flags);
}

static int g_size(sqlite3_file *f, sqlite3_int64 *size)
{
	gfile_t *g = (gfile_t *)f;
	int rc = gather_flush(g);
	return rc ? rc : g->real->pMethods->xFileSize(g->real, size);
}

static int g_lock(sqlite3_file *f, int l) { return ((gfile_t *)f)->real->pMethods->xLock(((gfile_t *)f)->real, l); }
static int g_unlock(sqlite3_file *f, int l) { return ((gfile_t *)f)->real->pMethods->xUnlock(((gfile_t *)f)->real, l); }
static int g_check(sqlite3_file *f, int *out)
{
	return ((gfile_t *)f)->real->pMethods->xCheckReservedLock(((gfile_t *)f)->real, out);
}

static int g_control(sqlite3_file *f, int op, void *arg)
{
	gfile_t *g = (gfile_t *)f;
	int rc = gather_flush(g);
	return rc ? rc : g->real->pMethods->xFileControl(g->real, op, arg);
}

static int g_sector(sqlite3_file *f) { return ((gfile_t *)f)->real->pMethods->xSectorSize(((gfile_t *)f)->real); }
static int g_device(sqlite3_file *f)
{
	return ((gfile_t *)f)->real->pMethods->xDeviceCharacteristics(((gfile_t *)f)->real);
}

/* Only WAL files are wrapped; every other file is the default VFS's own. */
static int g_open(sqlite3_vfs *vfs, const char *name, sqlite3_file *f, int flags, int *out_flags)
{
	sqlite3_vfs *real = vfs->pAppData;
	if (!(flags & SQLITE_OPEN_WAL))
		return real->xOpen(real, name, f, flags, out_flags);
	gfile_t *g = (gfile_t *)f;
	memset(g, 0, sizeof *g);
	g->real = (sqlite3_file *)(g + 1);
	int rc = real->xOpen(real, name, g->real, flags, out_flags);
	if (rc == SQLITE_OK)
		g->base.pMethods = &gather_io;
	return rc;
}

static int vfs_ok;

static void vfs_register(void)
{
	sqlite3_vfs *real = sqlite3_vfs_find(NULL);
	if (!real)
		return;
	gather_io = (sqlite3_io_methods){
		.iVersion = 1, /* a WAL file has no shared memory or memory map of its own */
		.xClose = g_close,
		.xRead = g_read,
		.xWrite = g_write,
		.xTruncate = g_truncate,
		.xSync = g_sync,
		.xFileSize = g_size,
		.xLock = g_lock,
		.xUnlock = g_unlock,
		.xCheckReservedLock = g_check,
		.xFileControl = g_control,
		.xSectorSize = g_sector,
		.xDeviceCharacteristics = g_device,
	};
	gather_vfs = *real; /* the default's methods for everything but opening files */
	gather_vfs.zName = "ut-wal";
	gather_vfs.szOsFile = (int)sizeof(gfile_t) + real->szOsFile;
	gather_vfs.pAppData = real;
	gather_vfs.xOpen = g_open;
	gather_vfs.pNext = NULL;
	vfs_ok = sqlite3_vfs_register(&gather_vfs, 0) == SQLITE_OK;
}

const char *ut_wal_vfs(void)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	pthread_once(&once, vfs_register);
	return vfs_ok ? gather_vfs.zName : NULL;
}

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
	if (pages >= CKPT_OWN_PAGES) { /* copied here: nothing left for the thread */
		sqlite3_wal_checkpoint_v2(db, name, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
		return SQLITE_OK;
	}
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
