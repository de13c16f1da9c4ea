/* Helpers shared by the unit tests: temporary directories, files, a real redis-server, queries. */
#include "testutil.h"

#include <setjmp.h>
#include <stdarg.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <hiredis/hiredis.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static pid_t redis_pid = -1;

char *tu_tmpdir(void)
{
	char tmpl[] = "/tmp/utXXXXXX";
	if (!mkdtemp(tmpl))
		return NULL;
	return strdup(tmpl);
}

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	if (flag == FTW_DP)
		rmdir(path);
	else
		unlink(path);
	return 0; /* keep going: remove as much as possible */
}

void tu_rmrf(const char *dir)
{
	if (dir && *dir)
		nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

char *tu_write_file(const char *dir, const char *name, const char *text)
{
	char *path = NULL;
	if (asprintf(&path, "%s/%s", dir, name) < 0)
		return NULL;
	FILE *f = fopen(path, "w");
	if (!f) {
		free(path);
		return NULL;
	}
	fputs(text, f);
	fclose(f);
	return path;
}

static void sleep_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
	nanosleep(&ts, NULL);
}

static int pings(const char *sock)
{
	struct timeval tv = {0, 200000};
	redisContext *c = redisConnectUnixWithTimeout(sock, tv);
	int ok = 0;
	if (c && !c->err) {
		redisReply *r = redisCommand(c, "PING");
		ok = r && r->type == REDIS_REPLY_STATUS && strcmp(r->str, "PONG") == 0;
		if (r)
			freeReplyObject(r);
	}
	if (c)
		redisFree(c);
	return ok;
}

int tu_redis_start(const char *dir, char *sock_out, size_t len)
{
	if (redis_pid > 0)
		return -1;
	char sock[256], logf[256];
	snprintf(sock, sizeof sock, "%s/r.sock", dir);
	snprintf(logf, sizeof logf, "%s/redis.log", dir);
	if (strlen(sock) >= 100 || strlen(sock) >= len)
		return -1;
	snprintf(sock_out, len, "%s", sock);
	const char *bin = getenv("UT_REDIS_SERVER");
	if (!bin || !*bin)
		bin = "redis-server";
	pid_t pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		int fd = open("/dev/null", O_RDWR);
		if (fd >= 0) {
			dup2(fd, STDIN_FILENO);
			dup2(fd, STDOUT_FILENO);
		}
		execlp(bin, bin, "--port", "0", "--unixsocket", sock, "--save", "", "--appendonly", "no",
		       "--daemonize", "no", "--dir", dir, "--logfile", logf, (char *)NULL);
		fprintf(stderr, "exec %s: %s\n", bin, strerror(errno));
		_exit(127);
	}
	redis_pid = pid;
	for (int i = 0; i < 500; i++) { /* 500 x 10 ms */
		if (pings(sock))
			return 0;
		int st;
		if (waitpid(pid, &st, WNOHANG) == pid) {
			fprintf(stderr, "redis-server exited early (status %d); see %s\n", st, logf);
			redis_pid = -1;
			return -1;
		}
		sleep_ms(10);
	}
	fprintf(stderr, "redis-server did not answer PING on %s within 5 s\n", sock);
	tu_redis_stop();
	return -1;
}

void tu_redis_stop(void)
{
	if (redis_pid <= 0)
		return;
	kill(redis_pid, SIGTERM);
	for (int i = 0; i < 500; i++) {
		if (waitpid(redis_pid, NULL, WNOHANG) == redis_pid) {
			redis_pid = -1;
			return;
		}
		sleep_ms(10);
	}
	kill(redis_pid, SIGKILL);
	waitpid(redis_pid, NULL, 0);
	redis_pid = -1;
}

int64_t tu_query_int(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *st;
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	int64_t v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}
