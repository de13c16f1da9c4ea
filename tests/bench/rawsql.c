/* ut-rawsql: the raw SQLite limits the import, report and snapshot benchmarks compare with, on the
 * same machine and disk in the same run: WAL, synchronous=FULL, one transaction, prepared statements.
 *   cadres DB CSV          rows of CSV (id,name,unit,position) into a table shaped and indexed like
 *                          ut-enrold's cadres (WITHOUT ROWID, PK id, index on unit_id), created if
 *                          missing, so runs can add to the rows of the ones before; prints ms
 *   groupby DB N RUNS      N participation rows (class_id, category, month, cadre, attended) in a
 *                          plain table, then GROUP BY category, month over them; prints the median ms
 *   upserts DB N BYTES     N upserts of BYTES-byte blobs keyed by node in one transaction; prints ms */
#include "ut/sqlmem.h"
#include "ut/wal.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

static void die(sqlite3 *db, const char *what)
{
	fprintf(stderr, "ut-rawsql: %s: %s\n", what, db ? sqlite3_errmsg(db) : "?");
	exit(1);
}

static void exec(sqlite3 *db, const char *sql)
{
	if (sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK)
		die(db, sql);
}

static sqlite3 *open_db(const char *path)
{
	sqlite3 *db; /* the daemons' own settings (common/src/store.c), allocator and VFS */
	ut_sqlmem_install();
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, ut_wal_vfs()) != SQLITE_OK)
		die(db, "open");
	exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA cache_size=-8192; PRAGMA temp_store=MEMORY");
	return db;
}

static sqlite3_stmt *prep(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		die(db, sql);
	return st;
}

static int cadres(const char *path, const char *csv)
{
	sqlite3 *db = open_db(path);
	exec(db, "CREATE TABLE IF NOT EXISTS cadres(id TEXT PRIMARY KEY, name TEXT NOT NULL, name_key TEXT NOT NULL,"
		 " unit_id INTEGER NOT NULL, position TEXT NOT NULL, full_time INTEGER NOT NULL,"
		 " elected_on TEXT NOT NULL, email TEXT NOT NULL, phone TEXT NOT NULL, locale TEXT NOT NULL,"
		 " state TEXT NOT NULL, version INTEGER NOT NULL, updated_ms INTEGER NOT NULL) WITHOUT ROWID;"
		 "CREATE INDEX IF NOT EXISTS cadres_unit ON cadres(unit_id)");
	double t0 = now_ms();
	FILE *f = fopen(csv, "r");
	if (!f)
		die(NULL, csv);
	sqlite3_stmt *ins = prep(db, "INSERT INTO cadres VALUES(?, ?, ?, ?, ?, 1, '', '', '', '', 'active', 1, ?)");
	char line[1024];
	long n = 0;
	exec(db, "BEGIN IMMEDIATE");
	if (!fgets(line, sizeof line, f)) /* header */
		die(NULL, "empty csv");
	while (fgets(line, sizeof line, f)) {
		char *f1 = strtok(line, ",\r\n"), *f2 = strtok(NULL, ",\r\n"), *f3 = strtok(NULL, ",\r\n"),
		     *f4 = strtok(NULL, ",\r\n");
		if (!f4)
			continue;
		sqlite3_bind_text(ins, 1, f1, -1, SQLITE_STATIC);
		sqlite3_bind_text(ins, 2, f2, -1, SQLITE_STATIC);
		sqlite3_bind_text(ins, 3, f2, -1, SQLITE_STATIC);
		sqlite3_bind_int64(ins, 4, 1 + (n % 100));
		sqlite3_bind_text(ins, 5, f4, -1, SQLITE_STATIC);
		sqlite3_bind_int64(ins, 6, (sqlite3_int64)t0);
		(void)f3;
		if (sqlite3_step(ins) != SQLITE_DONE)
			die(db, "insert");
		sqlite3_reset(ins);
		n++;
	}
	exec(db, "COMMIT");
	double ms = now_ms() - t0;
	fclose(f);
	printf("rows %ld ms %.1f rows/s %.0f\n", n, ms, (double)n * 1000 / ms);
	sqlite3_finalize(ins);
	sqlite3_close(db);
	return 0;
}

static int cmpd(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static int groupby(const char *path, long n, int runs)
{
	static const char *const cat[] = {"onboarding", "chair", "finance_audit", "information",
					  "negotiation", "labour_law", "safety", "other"};
	sqlite3 *db = open_db(path);
	exec(db, "CREATE TABLE participation(class_id INTEGER NOT NULL, category TEXT NOT NULL, month INTEGER NOT NULL,"
		 " cadre TEXT NOT NULL, attended INTEGER NOT NULL)");
	sqlite3_stmt *ins = prep(db, "INSERT INTO participation VALUES(?, ?, ?, ?, ?)");
	exec(db, "BEGIN");
	for (long i = 0; i < n; i++) {
		long c = 1 + i / 100, k = i % 100, cadre = (c * 7919 + k * 4729) % 100000;
		char id[16];
		snprintf(id, sizeof id, "C%06ld", cadre);
		sqlite3_bind_int64(ins, 1, c);
		sqlite3_bind_text(ins, 2, cat[c % 8], -1, SQLITE_STATIC);
		sqlite3_bind_int(ins, 3, (int)(1 + c % 12));
		sqlite3_bind_text(ins, 4, id, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int(ins, 5, (int)(1 + cadre % 2));
		if (sqlite3_step(ins) != SQLITE_DONE)
			die(db, "insert");
		sqlite3_reset(ins);
	}
	exec(db, "COMMIT");
	sqlite3_finalize(ins);
	/* what the fulfilment report shows per category: classes, participations, sessions attended */
	sqlite3_stmt *q = prep(db, "SELECT category, month, count(DISTINCT class_id), count(*), sum(attended)"
				   " FROM participation GROUP BY category, month");
	double t[64];
	if (runs < 1 || runs > 64)
		runs = 5;
	long groups = 0, total = 0;
	for (int r = 0; r < runs; r++) {
		double t0 = now_ms();
		groups = total = 0;
		while (sqlite3_step(q) == SQLITE_ROW) {
			groups++;
			total += sqlite3_column_int64(q, 3);
		}
		sqlite3_reset(q);
		t[r] = now_ms() - t0;
	}
	qsort(t, (size_t)runs, sizeof t[0], cmpd);
	printf("rows %ld groups %ld median_ms %.1f min_ms %.1f\n", total, groups, t[runs / 2], t[0]);
	sqlite3_finalize(q);
	sqlite3_close(db);
	return 0;
}

static int upserts(const char *path, long n, long bytes)
{
	sqlite3 *db = open_db(path);
	exec(db, "CREATE TABLE snap(node TEXT PRIMARY KEY, seq INTEGER NOT NULL, body BLOB NOT NULL)");
	sqlite3_stmt *up = prep(db, "INSERT INTO snap VALUES(?, ?, ?) ON CONFLICT(node) DO UPDATE SET"
				    " seq = excluded.seq, body = excluded.body WHERE excluded.seq > seq");
	unsigned char *blob = malloc((size_t)bytes);
	if (!blob)
		return 1;
	for (long i = 0; i < bytes; i++)
		blob[i] = (unsigned char)(i * 131 + 7);
	double t0 = now_ms();
	exec(db, "BEGIN IMMEDIATE");
	for (long i = 0; i < n; i++) {
		char node[32];
		snprintf(node, sizeof node, "child-%05ld", i);
		blob[0] = (unsigned char)i;
		sqlite3_bind_text(up, 1, node, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int64(up, 2, 1);
		sqlite3_bind_blob(up, 3, blob, (int)bytes, SQLITE_STATIC);
		if (sqlite3_step(up) != SQLITE_DONE)
			die(db, "upsert");
		sqlite3_reset(up);
	}
	exec(db, "COMMIT");
	double ms = now_ms() - t0;
	printf("upserts %ld bytes %ld ms %.1f per_s %.0f\n", n, bytes, ms, (double)n * 1000 / ms);
	free(blob);
	sqlite3_finalize(up);
	sqlite3_close(db);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 4 && !strcmp(argv[1], "cadres"))
		return cadres(argv[2], argv[3]);
	if (argc == 5 && !strcmp(argv[1], "groupby"))
		return groupby(argv[2], atol(argv[3]), atoi(argv[4]));
	if (argc == 5 && !strcmp(argv[1], "upserts"))
		return upserts(argv[2], atol(argv[3]), atol(argv[4]));
	fprintf(stderr, "usage: ut-rawsql cadres DB CSV | groupby DB N RUNS | upserts DB N BYTES\n");
	return 2;
}
