/* The job stream writer: its own Redis connection on which a batch of jobs is sent without
 * waiting for the reply, so Redis appends one batch while the dispatcher prepares and commits
 * the next. At most one batch is in flight: the next is sent only after the previous one is
 * known to be in the stream, so the stream never holds a job whose predecessor is missing. */
#include "notifyd.h"
#include "ut/clock.h"
#include "ut/err.h"
#include "ut/log.h"

#include <errno.h>
#include <hiredis/hiredis.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>

#define RECONNECT_MS 1000

/* Entries in order under their explicit ids; the first failure ends the script, so the stream
 * holds a prefix of the batch. A batch is sent only right after what the stream is known to
 * hold, so no id can be at or below its top (the catch-up publish of the bus handles those). */
static const char append_lua[] = "for i = 1, #ARGV, 2 do redis.call('XADD', KEYS[1], ARGV[i], 'd', ARGV[i + 1]) end\n"
				 "return #ARGV / 2\n";

struct notify_jobq {
	char *socket, *host, *key;
	int port;
	redisContext *c;
	int64_t retry_at;     /* no connection attempt before this (monotonic ms) */
	int64_t pending_last; /* last seq of the batch in flight, 0 when none */
	struct iovec *iov; /* the command's pieces, 3 per entry, grown to the largest batch */
	char (*hdr)[96];   /* per entry: its id and the length of its job, in RESP */
	int cap;
};

notify_jobq_t *notify_jobq_new(const char *socket, const char *host, int port, const char *key)
{
	notify_jobq_t *q = calloc(1, sizeof *q);
	if (!q)
		return NULL;
	q->socket = strdup(socket ? socket : "");
	q->host = strdup(host ? host : "127.0.0.1");
	q->key = strdup(key);
	q->port = port;
	if (!q->socket || !q->host || !q->key)
		notify_jobq_destroy(&q);
	return q;
}

static void drop(notify_jobq_t *q, const char *why)
{
	if (why)
		ut_warn("redis (job stream): %s: %s", why, q->c && q->c->err ? q->c->errstr : "connection lost");
	if (q->c)
		redisFree(q->c);
	q->c = NULL;
	q->pending_last = 0;
}

void notify_jobq_destroy(notify_jobq_t **qp)
{
	notify_jobq_t *q = *qp;
	if (!q)
		return;
	drop(q, NULL);
	free(q->socket);
	free(q->host);
	free(q->key);
	free(q->iov);
	free(q->hdr);
	free(q);
	*qp = NULL;
}

static int connect_once(notify_jobq_t *q)
{
	if (q->c)
		return 0;
	int64_t now = ut_clock_mono_ms();
	if (now < q->retry_at)
		return UT_EUNAVAIL;
	q->retry_at = now + RECONNECT_MS;
	struct timeval tv = {1, 0};
	q->c = *q->socket ? redisConnectUnixWithTimeout(q->socket, tv) : redisConnectWithTimeout(q->host, q->port, tv);
	if (!q->c || q->c->err) {
		if (q->c)
			redisFree(q->c);
		q->c = NULL;
		return UT_EUNAVAIL;
	}
	struct timeval io = {5, 0}; /* a hung Redis must not hang the daemon forever */
	redisSetTimeout(q->c, io);
	return 0;
}

static const char crlf[] = "\r\n";

static int reserve(notify_jobq_t *q, int n)
{
	if (n <= q->cap)
		return 0;
	struct iovec *iov = realloc(q->iov, (size_t)(1 + 3 * n) * sizeof *iov);
	if (iov)
		q->iov = iov;
	char(*hdr)[96] = realloc(q->hdr, (size_t)n * sizeof *hdr);
	if (hdr)
		q->hdr = hdr;
	if (!iov || !hdr)
		return UT_ENOMEM;
	q->cap = n;
	return 0;
}

/* Write all of iov[0..n) to the socket, IOV_MAX at a time. */
static int write_all(int fd, struct iovec *iov, int n)
{
	while (n > 0) {
		ssize_t w = writev(fd, iov, n > IOV_MAX ? IOV_MAX : n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return UT_EUNAVAIL;
		while (n > 0 && (size_t)w >= iov->iov_len)
			w -= (ssize_t)iov->iov_len, iov++, n--;
		if (n > 0) {
			iov->iov_base = (char *)iov->iov_base + w;
			iov->iov_len -= (size_t)w;
		}
	}
	return 0;
}

/* EVAL <script> 1 <key>, then the id and job of each entry, in RESP, written straight from the
 * caller's buffers: the jobs are not copied into a command first. */
int notify_jobq_send(notify_jobq_t *q, int64_t epoch, int64_t seq0, int n, const unsigned char *const *data,
		     const size_t *len)
{
	if (q->pending_last || n <= 0)
		return UT_EINVAL;
	int rc = connect_once(q);
	if (rc || (rc = reserve(q, n)) != 0)
		return rc;
	char *head = NULL;
	int hl = asprintf(&head, "*%d\r\n$4\r\nEVAL\r\n$%zu\r\n%s\r\n$1\r\n1\r\n$%zu\r\n%s\r\n", 4 + 2 * n,
			  strlen(append_lua), append_lua, strlen(q->key), q->key);
	if (hl < 0)
		return UT_ENOMEM;
	struct iovec *v = q->iov;
	int k = 0;
	v[k++] = (struct iovec){head, (size_t)hl};
	for (int e = 0; e < n; e++) {
		char id[48];
		int il = snprintf(id, sizeof id, "%lld-%lld", (long long)epoch, (long long)(seq0 + e));
		int l = snprintf(q->hdr[e], sizeof q->hdr[e], "$%d\r\n%s\r\n$%zu\r\n", il, id, len[e]);
		v[k++] = (struct iovec){q->hdr[e], (size_t)l};
		v[k++] = (struct iovec){(void *)data[e], len[e]};
		v[k++] = (struct iovec){(void *)crlf, 2};
	}
	rc = write_all(q->c->fd, v, k);
	free(head);
	if (rc) {
		drop(q, "send");
		return rc;
	}
	q->pending_last = seq0 + n - 1;
	return 0;
}

int64_t notify_jobq_wait(notify_jobq_t *q)
{
	if (!q->pending_last)
		return 0;
	redisReply *r = NULL;
	if (redisGetReply(q->c, (void **)&r) != REDIS_OK || !r) {
		drop(q, "reply");
		return UT_EUNAVAIL;
	}
	int64_t last = q->pending_last;
	q->pending_last = 0;
	if (r->type == REDIS_REPLY_ERROR) {
		ut_warn("redis: append to %s: %s", q->key, r->str);
		last = UT_EUNAVAIL;
	}
	freeReplyObject(r);
	return last;
}
