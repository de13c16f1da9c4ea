/* Transactional outbox (events written with their state change, relayed to Redis afterwards)
 * and inbox (event ids a consumer applied, recorded with their effect). */
#include "ut/outbox.h"
#include "ut/buf.h"
#include "ut/clock.h"
#include "ut/err.h"
#include "ut/log.h"
#include "envelope.pb-c.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int ut_outbox_init(ut_outbox_t *o, ut_store_t *s, const char *node, const char *daemon)
{
	memset(o, 0, sizeof *o);
	o->store = s;
	o->node = node;
	o->daemon = daemon;
	sqlite3_stmt *st = ut_store_stmt(s, "INSERT OR IGNORE INTO ut_meta(key, value) VALUES('outbox_epoch', ?)");
	if (!st)
		return UT_EINTERNAL;
	sqlite3_bind_int64(st, 1, ut_clock_now_ms());
	int rc = ut_store_step_done(s, st, "outbox epoch");
	if (rc)
		return rc;
	st = ut_store_stmt(s, "SELECT value FROM ut_meta WHERE key = 'outbox_epoch'");
	if (!st || sqlite3_step(st) != SQLITE_ROW)
		return UT_EINTERNAL;
	o->epoch = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	st = ut_store_stmt(s, "SELECT coalesce(min(seq) - 1, 0) FROM ut_outbox");
	if (!st || sqlite3_step(st) != SQLITE_ROW)
		return UT_EINTERNAL;
	o->published = o->forgotten = o->sent = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return 0;
}

int ut_outbox_put(ut_outbox_t *o, int type, const ProtobufCMessage *body, const char *actor)
{
	size_t n = protobuf_c_message_get_packed_size(body);
	unsigned char stackbuf[4096], *buf = n <= sizeof stackbuf ? stackbuf : malloc(n);
	if (!buf)
		return UT_ENOMEM;
	protobuf_c_message_pack(body, buf);
	sqlite3_stmt *st = ut_store_stmt(o->store, "INSERT INTO ut_outbox(type, ts_ms, body, actor) VALUES(?, ?, ?, ?)");
	int rc = UT_EINTERNAL;
	if (st) {
		sqlite3_bind_int(st, 1, type);
		sqlite3_bind_int64(st, 2, ut_clock_now_ms());
		sqlite3_bind_blob(st, 3, buf, (int)n, SQLITE_STATIC);
		sqlite3_bind_text(st, 4, actor ? actor : "", -1, SQLITE_STATIC);
		rc = ut_store_step_done(o->store, st, "outbox put");
	}
	if (buf != stackbuf)
		free(buf);
	return rc;
}

int64_t ut_outbox_pending(ut_outbox_t *o)
{
	sqlite3_stmt *st = ut_store_stmt(o->store, "SELECT count(*) FROM ut_outbox WHERE seq > ?");
	if (!st)
		return UT_EINTERNAL;
	sqlite3_bind_int64(st, 1, o->published);
	int64_t n = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : UT_EINTERNAL;
	sqlite3_reset(st);
	return n;
}

void ut_outbox_event_id(const ut_outbox_t *o, int64_t seq, char *buf, size_t len)
{
	snprintf(buf, len, "%s/%s/%lld-%lld", o->node, o->daemon, (long long)o->epoch, (long long)seq);
}

enum { RELAY_MAX_BYTES = 1 << 20, STREAM_ID_MAX = 48 /* "<epoch>-<seq>", two int64 and a dash */ };

int ut_outbox_relay_send(ut_outbox_t *o, ut_bus_t *bus, int max)
{
	if (o->sent > o->published)
		return 0; /* one batch in flight at a time: a later one must not pass a failed one */
	sqlite3_stmt *st = ut_store_stmt(o->store, "SELECT seq, type, ts_ms, body, actor FROM ut_outbox WHERE seq > ?"
						   " ORDER BY seq LIMIT ?");
	if (!st)
		return UT_EINTERNAL;
	sqlite3_bind_int64(st, 1, o->published);
	sqlite3_bind_int(st, 2, max);
	int n = 0, rc = SQLITE_DONE;
	/* the envelopes packed one after another in one buffer, the stream ids in slots of their own
	 * (only the first n of each array are used: no need to zero) */
	char(*sids)[STREAM_ID_MAX] = malloc((size_t)max * sizeof *sids);
	const char **ids = malloc((size_t)max * sizeof *ids);
	const unsigned char **data = malloc((size_t)max * sizeof *data);
	size_t *len = malloc((size_t)max * sizeof *len);
	ut_buf_t packed = {0};
	int64_t last = o->published;
	/* "<node>/<daemon>/<epoch>-<seq>", the stream id being its "<epoch>-<seq>" tail */
	char eid[160 + STREAM_ID_MAX];
	int pre = snprintf(eid, 160, "%s/%s/", o->node, o->daemon);
	pre = pre < 0 ? 0 : pre > 159 ? 159 : pre;
	char *seq_at = ut_decimal(eid + pre, (uint64_t)o->epoch);
	*seq_at++ = '-';
	/* a batch stops at RELAY_MAX_BYTES: events of imports are ~100 KiB each */
	while (sids && ids && data && len && n < max && packed.n < RELAY_MAX_BYTES &&
	       (rc = sqlite3_step(st)) == SQLITE_ROW) {
		last = sqlite3_column_int64(st, 0);
		*ut_decimal(seq_at, (uint64_t)last) = '\0';
		strcpy(sids[n], eid + pre);
		Ut__Envelope env = UT__ENVELOPE__INIT;
		env.id = eid;
		env.type = sqlite3_column_int(st, 1);
		env.node = (char *)o->node;
		env.ts_ms = sqlite3_column_int64(st, 2);
		env.body.data = (uint8_t *)sqlite3_column_blob(st, 3);
		env.body.len = (size_t)sqlite3_column_bytes(st, 3);
		env.actor = (char *)ut_store_text(st, 4); /* who asked for the change the event tells */
		len[n] = ut__envelope__get_packed_size(&env);
		uint8_t *at = ut_buf_room(&packed, len[n]);
		if (!at) {
			rc = SQLITE_NOMEM;
			break;
		}
		ut__envelope__pack(&env, at);
		n++;
	}
	sqlite3_reset(st);
	for (size_t i = 0, at = 0; i < (size_t)n; at += len[i++]) {
		ids[i] = sids[i];
		data[i] = (const unsigned char *)packed.p + at; /* where the buffer ended up */
	}
	if (!sids || !ids || !data || !len)
		rc = UT_ENOMEM;
	else if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		rc = ut_store_err(o->store, rc, "outbox read");
	else
		rc = ut_bus_publish_send(bus, o->daemon, n, ids, data, len);
	if (rc == 0)
		o->sent = last;
	ut_buf_free(&packed);
	free(sids);
	free(ids);
	free(data);
	free(len);
	return rc ? rc : n;
}

int ut_outbox_relay_take(ut_outbox_t *o, ut_bus_t *bus, int wait)
{
	if (o->sent == o->published)
		return 0;
	int rc = ut_bus_publish_take(bus, wait);
	if (rc > 0)
		o->published = o->sent;
	else if (rc < 0)
		o->sent = o->published;
	return rc;
}

int ut_outbox_relay(ut_outbox_t *o, ut_bus_t *bus, int max)
{
	int rc = ut_outbox_relay_take(o, bus, 1);
	if (rc >= 0)
		rc = ut_outbox_relay_send(o, bus, max);
	return rc > 0 ? ut_outbox_relay_take(o, bus, 1) : rc;
}

int ut_outbox_forget(ut_outbox_t *o)
{
	if (o->forgotten >= o->published)
		return 0;
	/* The newest row stays: seq is the table's rowid, one more than the highest row, so an emptied
	 * table would start again at 1 (a restart republishes that row; the stream skips it). */
	sqlite3_stmt *st = ut_store_stmt(o->store, "DELETE FROM ut_outbox WHERE seq <= ?"
						   " AND seq < (SELECT max(seq) FROM ut_outbox)");
	if (!st)
		return UT_EINTERNAL;
	sqlite3_bind_int64(st, 1, o->published);
	int rc = ut_store_step_done(o->store, st, "outbox forget");
	if (!rc)
		o->forgotten = o->published;
	return rc;
}

int ut_inbox_check(ut_store_t *s, const char *event_id)
{
	sqlite3_stmt *st = ut_store_stmt(s, "INSERT OR IGNORE INTO ut_inbox(event_id, applied_ms) VALUES(?, ?)");
	if (!st)
		return UT_EINTERNAL;
	sqlite3_bind_text(st, 1, event_id, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, ut_clock_now_ms());
	int rc = ut_store_step_done(s, st, "inbox");
	if (rc)
		return rc;
	return sqlite3_changes(ut_store_db(s)) == 0;
}

int64_t ut_inbox_count(ut_store_t *s)
{
	sqlite3_stmt *st = ut_store_stmt(s, "SELECT count(*) FROM ut_inbox");
	if (!st)
		return UT_EINTERNAL;
	int64_t n = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : UT_EINTERNAL;
	sqlite3_reset(st);
	return n;
}
