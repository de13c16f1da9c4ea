/* Event bus on Redis Streams: ordered exactly-once publishing, consumer groups,
 * XACK after the consumer committed, XAUTOCLAIM of stuck entries, reconnection. */
#ifndef UT_BUS_H
#define UT_BUS_H

#include <stddef.h>
#include <stdint.h>

typedef struct ut_bus ut_bus_t;

typedef struct ut_bus_entry {
	char *stream;
	char id[48]; /* stream entry id */
	unsigned char *data;
	size_t len;
} ut_bus_entry_t;

typedef struct ut_bus_batch {
	ut_bus_entry_t *e;
	int n, cap;
} ut_bus_batch_t;

/* socket: unix socket path or NULL/"" to use host:port. Never fails on a Redis that is down:
 * connection is retried by ut_bus_connect. */
ut_bus_t *ut_bus_new(const char *socket, const char *host, int port, const char *prefix);
void ut_bus_destroy(ut_bus_t **b);
/* (Re)connect both connections if needed; 0 when connected. */
int ut_bus_connect(ut_bus_t *b);
int ut_bus_connected(ut_bus_t *b);
/* Full key for a stream name: prefix + "ev:" + name. Static buffer per bus. */
const char *ut_bus_key(ut_bus_t *b, const char *name);

/* Append n entries in order, in one round trip, with explicit increasing ids ("<ms>-<seq>").
 * An id at or below the stream's top was published before and is skipped, so a repeat after
 * a crash publishes nothing twice. Returns n, or UT_E*: then a prefix may be in the stream
 * and repeating the call is safe. */
int ut_bus_publish(ut_bus_t *b, const char *stream, int n, const char *const *ids,
		   const unsigned char *const *data, const size_t *len);
/* The same in two steps, so the caller works while Redis appends. Send: 0 or UT_E*; at most
 * one publish is in flight, and its result must be taken before the next is sent. Take: the
 * result as ut_bus_publish returns it, or 0 while none is in flight or (wait == 0) its reply
 * has not come. Any other command on the bus reads that reply first and keeps the result. */
int ut_bus_publish_send(ut_bus_t *b, const char *stream, int n, const char *const *ids,
			const unsigned char *const *data, const size_t *len);
int ut_bus_publish_take(ut_bus_t *b, int wait);
/* While a reply is awaited, the descriptor to poll for it, else -1. */
int ut_bus_publish_fd(ut_bus_t *b);
/* 1 when a result is waiting to be taken (read by another command). */
int ut_bus_publish_taken(ut_bus_t *b);

/* Consumer side. Register the consumer group `group` on each stream (created when missing). */
int ut_bus_subscribe(ut_bus_t *b, const char *group, const char *consumer, const char *const *streams,
		     int nstreams);
/* Send a blocking XREADGROUP on the reading connection. While it is pending ut_bus_read_fd()
 * is the descriptor to poll for input. First reads this consumer's own pending entries. */
int ut_bus_read_start(ut_bus_t *b, int count, int block_ms);
int ut_bus_read_fd(ut_bus_t *b);
/* The next read starts again with this consumer's pending entries (after a batch could not be
 * applied), so events are applied in stream order. */
void ut_bus_rewind(ut_bus_t *b);
/* After the fd became readable: append the delivered entries to out (entries whose data is
 * NULL were deleted from the stream: acknowledge and skip them). Returns 1 when the read is
 * complete (out may have no entries: start the next read), 0 if the reply is not complete
 * yet, UT_E* on a lost connection. */
int ut_bus_read_take(ut_bus_t *b, ut_bus_batch_t *out);
/* Acknowledge every entry of the batch (pipelined XACK). */
int ut_bus_ack(ut_bus_t *b, const ut_bus_batch_t *batch);
/* Take over entries idle longer than idle_ms from dead consumers (XAUTOCLAIM). Adds to out. */
int ut_bus_reclaim(ut_bus_t *b, int idle_ms, int count, ut_bus_batch_t *out);
/* Take over the entries of consumers that are not alive: a live consumer keeps the key
 * alive_prefix + its name (with a short time to live); the pending entries of one whose key is
 * gone are claimed at once, however briefly idle, and one with none left leaves the group. At
 * most count; adds to out; the number taken or UT_E*. */
int ut_bus_take_over(ut_bus_t *b, const char *alive_prefix, int count, ut_bus_batch_t *out);
void ut_bus_batch_clear(ut_bus_batch_t *batch);
void ut_bus_batch_free(ut_bus_batch_t *batch);

/* A plain command on the command connection, for the few callers that need one. */
struct redisReply *ut_bus_command(ut_bus_t *b, const char *fmt, ...);

#endif
