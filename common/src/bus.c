/* Event bus on Redis Streams. Two connections: one for commands (publish, ack, claim) and one
 * that holds a blocking XREADGROUP whose socket the service loop polls. A publish may be left in
 * flight on the first; its reply is read when it comes or before any other command is sent. Any
 * connection error drops both; the service reconnects on a timer and consumers re-read their
 * pending entries. */
#include "ut/bus.h"
#include "ut/buf.h"
#include "ut/err.h"
#include "ut/log.h"

#include <hiredis/hiredis.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct ut_bus {
	char *socket, *host, *prefix;
	int port;
	redisContext *cmd, *rd;
	int reading;      /* an XREADGROUP is in flight on rd */
	int backlog_done; /* own pending entries re-read since the last connect */
	char *group, *consumer;
	char **streams; /* full keys */
	int nstreams;
	char key[256];
	int down_logged;
	/* the publish in flight on cmd: its entry count (0: none), and its result once read */
	int pub_n, pub_have, pub_result;
	char pub_key[256];
};

/* Appends events in order with their explicit ids and stops at the first failure, so the
 * stream never holds an event whose predecessor is missing. An id at or below the stream's
 * top was published before (a relay that crashed before forgetting it) and is skipped. */
static const char publish_lua[] =
	"for i = 1, #ARGV, 2 do\n"
	"  local ok, err = pcall(redis.call, 'XADD', KEYS[1], ARGV[i], 'd', ARGV[i + 1])\n"
	"  if not ok then\n"
	"    local m = type(err) == 'table' and err.err or tostring(err)\n"
	"    if not string.find(m, 'equal or smaller', 1, true) then\n"
	"      return redis.error_reply(m)\n"
	"    end\n"
	"  end\n"
	"end\n"
	"return #ARGV / 2\n";

ut_bus_t *ut_bus_new(const char *socket, const char *host, int port, const char *prefix)
{
	ut_bus_t *b = calloc(1, sizeof *b);
	if (!b)
		return NULL;
	b->socket = strdup(socket ? socket : "");
	b->host = strdup(host ? host : "127.0.0.1");
	b->prefix = strdup(prefix ? prefix : "ut:");
	b->port = port;
	if (!b->socket || !b->host || !b->prefix)
		ut_bus_destroy(&b);
	return b;
}

static void disconnect(ut_bus_t *b)
{
	if (b->cmd)
		redisFree(b->cmd);
	if (b->rd)
		redisFree(b->rd);
	b->cmd = b->rd = NULL;
	if (b->pub_n && !b->pub_have) { /* its fate is unknown: the caller sends it again */
		b->pub_have = 1;
		b->pub_result = UT_EUNAVAIL;
	}
	b->reading = 0;
	b->backlog_done = 0;
}

void ut_bus_destroy(ut_bus_t **bp)
{
	ut_bus_t *b = *bp;
	if (!b)
		return;
	disconnect(b);
	for (int i = 0; i < b->nstreams; i++)
		free(b->streams[i]);
	free(b->streams);
	free(b->group);
	free(b->consumer);
	free(b->socket);
	free(b->host);
	free(b->prefix);
	free(b);
	*bp = NULL;
}

static redisContext *open_one(ut_bus_t *b)
{
	struct timeval tv = {1, 0};
	redisContext *c = *b->socket ? redisConnectUnixWithTimeout(b->socket, tv)
				     : redisConnectWithTimeout(b->host, b->port, tv);
	if (!c || c->err) {
		if (!b->down_logged)
			ut_warn("redis %s: %s", *b->socket ? b->socket : b->host, c ? c->errstr : "out of memory");
		b->down_logged = 1;
		if (c)
			redisFree(c);
		return NULL;
	}
	struct timeval io = {5, 0}; /* a hung Redis must not hang the daemon forever */
	redisSetTimeout(c, io);
	return c;
}

static void take_publish(ut_bus_t *b, int wait);

static int ensure_groups(ut_bus_t *b)
{
	take_publish(b, 1);
	if (!b->cmd)
		return UT_EUNAVAIL;
	for (int i = 0; i < b->nstreams; i++) {
		redisReply *r = redisCommand(b->cmd, "XGROUP CREATE %s %s 0 MKSTREAM", b->streams[i], b->group);
		if (!r)
			return UT_EUNAVAIL;
		int ok = r->type != REDIS_REPLY_ERROR || strncmp(r->str, "BUSYGROUP", 9) == 0;
		if (!ok)
			ut_error("redis: XGROUP CREATE %s: %s", b->streams[i], r->str);
		freeReplyObject(r);
		if (!ok)
			return UT_EINTERNAL;
	}
	return 0;
}

int ut_bus_connect(ut_bus_t *b)
{
	if (b->cmd && b->rd)
		return 0;
	disconnect(b);
	if (!(b->cmd = open_one(b)) || !(b->rd = open_one(b))) {
		disconnect(b);
		return UT_EUNAVAIL;
	}
	if (b->group && ensure_groups(b) != 0) {
		disconnect(b);
		return UT_EUNAVAIL;
	}
	if (b->down_logged)
		ut_info("redis: connected");
	b->down_logged = 0;
	return 0;
}

int ut_bus_connected(ut_bus_t *b) { return b->cmd && b->rd; }

const char *ut_bus_key(ut_bus_t *b, const char *name)
{
	snprintf(b->key, sizeof b->key, "%sev:%s", b->prefix, name);
	return b->key;
}

static int lost(ut_bus_t *b, redisContext *c, const char *what)
{
	ut_warn("redis: %s: %s", what, c && c->err ? c->errstr : "connection lost");
	disconnect(b);
	return UT_EUNAVAIL;
}

/* Read the reply of the publish in flight, if any; wait == 0: only if it has come. */
static void take_publish(ut_bus_t *b, int wait)
{
	if (!b->pub_n || b->pub_have)
		return;
	void *r = NULL;
	if (redisGetReplyFromReader(b->cmd, &r) != REDIS_OK) {
		lost(b, b->cmd, "publish");
		return;
	}
	if (!r && !wait) {
		struct pollfd p = {b->cmd->fd, POLLIN, 0};
		if (poll(&p, 1, 0) != 1)
			return;
		if (redisBufferRead(b->cmd) != REDIS_OK || redisGetReplyFromReader(b->cmd, &r) != REDIS_OK) {
			lost(b, b->cmd, "publish");
			return;
		}
		if (!r)
			return;
	}
	if (!r && redisGetReply(b->cmd, &r) != REDIS_OK) {
		lost(b, b->cmd, "publish");
		return;
	}
	redisReply *rep = r;
	b->pub_have = 1;
	b->pub_result = b->pub_n;
	if (rep->type == REDIS_REPLY_ERROR) {
		ut_warn("redis: publish to %s: %s", b->pub_key, rep->str);
		b->pub_result = UT_EUNAVAIL;
	}
	freeReplyObject(r);
}

/* Connected, with the command connection free for a new command. */
static int cmd_ready(ut_bus_t *b)
{
	if (ut_bus_connect(b) != 0)
		return UT_EUNAVAIL;
	take_publish(b, 1);
	return b->cmd ? 0 : UT_EUNAVAIL;
}

redisReply *ut_bus_command(ut_bus_t *b, const char *fmt, ...)
{
	if (cmd_ready(b) != 0)
		return NULL;
	va_list ap;
	va_start(ap, fmt);
	redisReply *r = redisvCommand(b->cmd, fmt, ap);
	va_end(ap);
	if (!r)
		lost(b, b->cmd, "command");
	return r;
}

/* One argument of a command in Redis's protocol: "$<n>\r\n<bytes>\r\n". */
static void resp_arg(ut_buf_t *out, const void *s, size_t n)
{
	char head[32] = "$", *p = ut_decimal(head + 1, n);
	*p++ = '\r', *p++ = '\n';
	ut_buf_add(out, head, (size_t)(p - head));
	ut_buf_add(out, s, n);
	ut_buf_add(out, "\r\n", 2);
}

int ut_bus_publish_send(ut_bus_t *b, const char *stream, int n, const char *const *ids,
			const unsigned char *const *data, const size_t *len)
{
	if (n <= 0)
		return 0;
	if (b->pub_n)
		return UT_EINTERNAL; /* the caller takes each result before sending again */
	if (cmd_ready(b) != 0)
		return UT_EUNAVAIL;
	snprintf(b->pub_key, sizeof b->pub_key, "%s", ut_bus_key(b, stream));
	/* formatted here: hiredis, given an argument array, would measure and copy each event again */
	ut_buf_t cmd = {0};
	char head[32] = "*", *p = ut_decimal(head + 1, 4 + 2 * (uint64_t)n);
	*p++ = '\r', *p++ = '\n';
	ut_buf_add(&cmd, head, (size_t)(p - head));
	resp_arg(&cmd, "EVAL", 4);
	resp_arg(&cmd, publish_lua, sizeof publish_lua - 1);
	resp_arg(&cmd, "1", 1);
	resp_arg(&cmd, b->pub_key, strlen(b->pub_key));
	for (int i = 0; i < n; i++) {
		resp_arg(&cmd, ids[i], strlen(ids[i]));
		resp_arg(&cmd, data[i], len[i]);
	}
	int rc = cmd.failed ? REDIS_ERR : redisAppendFormattedCommand(b->cmd, cmd.p, cmd.n), done = 0;
	ut_buf_free(&cmd);
	if (rc != REDIS_OK && !b->cmd->err)
		return UT_ENOMEM;
	while (rc == REDIS_OK && !done)
		rc = redisBufferWrite(b->cmd, &done);
	if (rc != REDIS_OK)
		return lost(b, b->cmd, "publish");
	b->pub_n = n;
	b->pub_have = 0;
	return 0;
}

int ut_bus_publish_take(ut_bus_t *b, int wait)
{
	take_publish(b, wait);
	if (!b->pub_have)
		return 0;
	b->pub_n = b->pub_have = 0;
	return b->pub_result;
}

int ut_bus_publish_fd(ut_bus_t *b) { return b->pub_n && !b->pub_have && b->cmd ? b->cmd->fd : -1; }

int ut_bus_publish_taken(ut_bus_t *b) { return b->pub_n && b->pub_have; }

int ut_bus_publish(ut_bus_t *b, const char *stream, int n, const char *const *ids,
		   const unsigned char *const *data, const size_t *len)
{
	int rc = ut_bus_publish_send(b, stream, n, ids, data, len);
	return rc || n <= 0 ? rc : ut_bus_publish_take(b, 1);
}

int ut_bus_subscribe(ut_bus_t *b, const char *group, const char *consumer, const char *const *streams,
		     int nstreams)
{
	free(b->group);
	free(b->consumer);
	for (int i = 0; i < b->nstreams; i++)
		free(b->streams[i]);
	free(b->streams);
	b->nstreams = 0;
	b->group = strdup(group);
	b->consumer = strdup(consumer);
	b->streams = calloc((size_t)nstreams, sizeof *b->streams);
	if (!b->group || !b->consumer || !b->streams)
		return UT_ENOMEM;
	for (int i = 0; i < nstreams; i++)
		if (!(b->streams[i] = strdup(ut_bus_key(b, streams[i]))))
			return UT_ENOMEM;
	b->nstreams = nstreams;
	return ut_bus_connected(b) ? ensure_groups(b) : 0;
}

int ut_bus_read_start(ut_bus_t *b, int count, int block_ms)
{
	if (b->reading)
		return 0;
	if (!b->nstreams)
		return UT_EINVAL;
	if (ut_bus_connect(b) != 0)
		return UT_EUNAVAIL;
	int argc = 9 + 2 * b->nstreams, k = 0;
	const char *argv[9 + 2 * 16];
	char cnt[16], blk[16];
	if (b->nstreams > 16)
		return UT_EINVAL;
	snprintf(cnt, sizeof cnt, "%d", count);
	snprintf(blk, sizeof blk, "%d", block_ms);
	argv[k++] = "XREADGROUP";
	argv[k++] = "GROUP";
	argv[k++] = b->group;
	argv[k++] = b->consumer;
	argv[k++] = "COUNT";
	argv[k++] = cnt;
	argv[k++] = "BLOCK";
	argv[k++] = blk;
	argv[k++] = "STREAMS";
	for (int i = 0; i < b->nstreams; i++)
		argv[k++] = b->streams[i];
	for (int i = 0; i < b->nstreams; i++)
		argv[k++] = b->backlog_done ? ">" : "0"; /* "0": what we were given but never acked */
	if (redisAppendCommandArgv(b->rd, argc, argv, NULL) != REDIS_OK)
		return lost(b, b->rd, "XREADGROUP");
	int done = 0;
	while (!done)
		if (redisBufferWrite(b->rd, &done) != REDIS_OK)
			return lost(b, b->rd, "XREADGROUP");
	b->reading = 1;
	return 0;
}

int ut_bus_read_fd(ut_bus_t *b) { return b->reading && b->rd ? b->rd->fd : -1; }

void ut_bus_rewind(ut_bus_t *b) { b->backlog_done = 0; }

static int batch_push(ut_bus_batch_t *out, const char *stream, const char *id, const char *data, size_t len)
{
	if (out->n == out->cap) {
		int cap = out->cap ? out->cap * 2 : 64;
		ut_bus_entry_t *e = realloc(out->e, (size_t)cap * sizeof *e);
		if (!e)
			return UT_ENOMEM;
		out->e = e;
		out->cap = cap;
	}
	ut_bus_entry_t *e = &out->e[out->n];
	memset(e, 0, sizeof *e);
	snprintf(e->id, sizeof e->id, "%s", id);
	e->stream = strdup(stream);
	e->len = len;
	if (data) {
		e->data = malloc(len ? len : 1);
		if (e->data)
			memcpy(e->data, data, len);
	}
	if (!e->stream || (data && !e->data)) {
		free(e->stream);
		free(e->data);
		return UT_ENOMEM;
	}
	out->n++;
	return 0;
}

/* entries: [[id, [field, value, ...] or nil], ...]; an entry without our field is kept with
 * data NULL so that it is acknowledged and skipped. */
static int take_entries(const char *stream, const redisReply *list, ut_bus_batch_t *out)
{
	int added = 0;
	for (size_t j = 0; list && list->type == REDIS_REPLY_ARRAY && j < list->elements; j++) {
		const redisReply *ent = list->element[j];
		if (ent->type != REDIS_REPLY_ARRAY || ent->elements < 2 || ent->element[0]->type != REDIS_REPLY_STRING)
			continue;
		const redisReply *f = ent->element[1];
		const char *data = NULL;
		size_t len = 0;
		for (size_t k = 0; f->type == REDIS_REPLY_ARRAY && k + 1 < f->elements; k += 2)
			if (f->element[k]->type == REDIS_REPLY_STRING && strcmp(f->element[k]->str, "d") == 0) {
				data = f->element[k + 1]->str;
				len = f->element[k + 1]->len;
			}
		if (batch_push(out, stream, ent->element[0]->str, data, len) != 0)
			return UT_ENOMEM;
		added++;
	}
	return added;
}

int ut_bus_read_take(ut_bus_t *b, ut_bus_batch_t *out)
{
	if (!b->reading)
		return UT_EINVAL;
	void *rv = NULL;
	if (redisBufferRead(b->rd) != REDIS_OK || redisGetReplyFromReader(b->rd, &rv) != REDIS_OK)
		return lost(b, b->rd, "XREADGROUP");
	if (!rv)
		return 0;
	redisReply *r = rv;
	b->reading = 0;
	int total = 0, rc = 1;
	if (r->type == REDIS_REPLY_ERROR) {
		ut_warn("redis: XREADGROUP: %s", r->str);
		if (strncmp(r->str, "NOGROUP", 7) == 0 && ensure_groups(b) == 0)
			b->backlog_done = 0; /* Redis lost its data: start over from what it has */
		else
			rc = UT_EUNAVAIL;
	} else if (r->type == REDIS_REPLY_ARRAY) {
		for (size_t i = 0; i < r->elements; i++) {
			const redisReply *s = r->element[i];
			if (s->type != REDIS_REPLY_ARRAY || s->elements != 2)
				continue;
			int n = take_entries(s->element[0]->str, s->element[1], out);
			if (n < 0) {
				rc = n;
				break;
			}
			total += n;
		}
	}
	if (rc == 1 && !b->backlog_done && total == 0)
		b->backlog_done = 1;
	freeReplyObject(r);
	return rc;
}

int ut_bus_ack(ut_bus_t *b, const ut_bus_batch_t *batch)
{
	if (!batch->n)
		return 0;
	if (cmd_ready(b) != 0)
		return UT_EUNAVAIL;
	for (int i = 0; i < batch->n; i++)
		redisAppendCommand(b->cmd, "XACK %s %s %s", batch->e[i].stream, b->group, batch->e[i].id);
	for (int i = 0; i < batch->n; i++) {
		void *r = NULL;
		if (redisGetReply(b->cmd, &r) != REDIS_OK)
			return lost(b, b->cmd, "XACK");
		freeReplyObject(r);
	}
	return 0;
}

int ut_bus_reclaim(ut_bus_t *b, int idle_ms, int count, ut_bus_batch_t *out)
{
	int total = 0;
	for (int i = 0; i < b->nstreams; i++) {
		redisReply *r = ut_bus_command(b, "XAUTOCLAIM %s %s %s %d 0-0 COUNT %d", b->streams[i], b->group,
					       b->consumer, idle_ms, count);
		if (!r)
			return UT_EUNAVAIL;
		if (r->type == REDIS_REPLY_ARRAY && r->elements >= 2) {
			int n = take_entries(b->streams[i], r->element[1], out);
			if (n > 0)
				total += n;
		}
		freeReplyObject(r);
	}
	return total;
}

/* Consumers of the group whose liveness key is gone: their pending entries claimed for this
 * consumer (at most ARGV[4]), and those with none pending removed from the group. */
static const char take_over_lua[] =
	"local out, left = {}, tonumber(ARGV[4])\n"
	"for _, c in ipairs(redis.call('XINFO', 'CONSUMERS', KEYS[1], ARGV[1])) do\n"
	"  local name, pending\n"
	"  for i = 1, #c, 2 do\n"
	"    if c[i] == 'name' then name = c[i + 1] elseif c[i] == 'pending' then pending = c[i + 1] end\n"
	"  end\n"
	"  if name ~= ARGV[2] and left > 0 and redis.call('EXISTS', ARGV[3] .. name) == 0 then\n"
	"    if pending == 0 then redis.call('XGROUP', 'DELCONSUMER', KEYS[1], ARGV[1], name)\n"
	"    else\n"
	"      local ids = {}\n"
	"      for _, e in ipairs(redis.call('XPENDING', KEYS[1], ARGV[1], '-', '+', left, name)) do ids[#ids + 1] = e[1] end\n"
	"      for _, e in ipairs(redis.call('XCLAIM', KEYS[1], ARGV[1], ARGV[2], 0, unpack(ids))) do\n"
	"        out[#out + 1] = e; left = left - 1\n"
	"      end\n"
	"    end\n"
	"  end\n"
	"end\n"
	"return out\n";

int ut_bus_take_over(ut_bus_t *b, const char *alive_prefix, int count, ut_bus_batch_t *out)
{
	int total = 0;
	for (int i = 0; i < b->nstreams; i++) {
		redisReply *r = ut_bus_command(b, "EVAL %s 1 %s %s %s %s %d", take_over_lua, b->streams[i], b->group,
					       b->consumer, alive_prefix, count);
		if (!r)
			return UT_EUNAVAIL;
		if (r->type == REDIS_REPLY_ARRAY) {
			int n = take_entries(b->streams[i], r, out);
			if (n > 0)
				total += n;
		}
		freeReplyObject(r);
	}
	return total;
}

void ut_bus_batch_clear(ut_bus_batch_t *batch)
{
	for (int i = 0; i < batch->n; i++) {
		free(batch->e[i].stream);
		free(batch->e[i].data);
	}
	batch->n = 0;
}

void ut_bus_batch_free(ut_bus_batch_t *batch)
{
	ut_bus_batch_clear(batch);
	free(batch->e);
	memset(batch, 0, sizeof *batch);
}
