/* Transactional outbox and inbox: events are written with the state change they describe, in the
 * same SQLite transaction, and consumed events are remembered in the consumer's transaction. */
#ifndef UT_OUTBOX_H
#define UT_OUTBOX_H

#include <stdint.h>
#include <protobuf-c/protobuf-c.h>
#include "ut/bus.h"
#include "ut/store.h"

typedef struct ut_outbox {
	ut_store_t *store;
	const char *node, *daemon; /* not owned */
	int64_t epoch;             /* creation time of this database's outbox, ms: stream ids are
				      "<epoch>-<seq>", so a new database never reuses an old id */
	int64_t published;         /* highest seq in the stream */
	int64_t sent;              /* highest seq sent; above published while a batch is in flight */
	int64_t forgotten;         /* highest seq deleted from the table */
} ut_outbox_t;

int ut_outbox_init(ut_outbox_t *o, ut_store_t *s, const char *node, const char *daemon);
/* Inside the caller's transaction: queue an event of `type` with `body`, for `actor` (who asked for
 * the change; "" for none). */
int ut_outbox_put(ut_outbox_t *o, int type, const ProtobufCMessage *body, const char *actor);
/* Events committed but not yet in the stream. */
int64_t ut_outbox_pending(ut_outbox_t *o);
/* Publish up to `max` committed events to the daemon's stream, in order, in one round trip.
 * Returns the number published, or UT_E*. */
int ut_outbox_relay(ut_outbox_t *o, ut_bus_t *bus, int max);
/* The same without waiting: send up to `max` events (returns how many; 0 while a batch is in
 * flight), then take the batch's result (as ut_bus_publish_take; a failed batch is sent again). */
int ut_outbox_relay_send(ut_outbox_t *o, ut_bus_t *bus, int max);
int ut_outbox_relay_take(ut_outbox_t *o, ut_bus_t *bus, int wait);
/* Delete rows already published; call inside a transaction the daemon commits anyway, so the
 * bookkeeping costs no extra fsync. A crash before it only republishes ids Redis skips. */
int ut_outbox_forget(ut_outbox_t *o);
/* The event id of an outbox sequence number: "<node>/<daemon>/<epoch>-<seq>". */
void ut_outbox_event_id(const ut_outbox_t *o, int64_t seq, char *buf, size_t len);

/* Inside the consumer's transaction: 1 if `event_id` was applied before, else 0 and it is
 * recorded now, or UT_E*. */
int ut_inbox_check(ut_store_t *s, const char *event_id);
int64_t ut_inbox_count(ut_store_t *s);

#endif
