/* Request handlers: reports over the counters, the child registry, and the internal requests the
 * link thread makes (key lookup for ZAP, a child's snapshot arriving, building our own snapshot). */
#include "reportd.h"
#include "ut/clock.h"
#include "ut/err.h"
#include "ut/log.h"
#include "ut/utf8.h"
#include "ut/valid.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zmq.h>

int rp_coverage_target(const char *spec, int year, int *pct)
{
	int found = UT_ENOTFOUND;
	for (const char *p = spec ? spec : ""; *p;) {
		int y, v, n = 0;
		if (sscanf(p, " %d : %d %n", &y, &v, &n) != 2 || !n || y < 2000 || y > 2100 || v < 0 || v > 100)
			return UT_EINVAL;
		if (y == year) {
			*pct = v;
			found = 0;
		}
		p += n;
		if (*p == ',')
			p++;
		else if (*p)
			return UT_EINVAL;
	}
	return found;
}

static const char *const kinds[] = {"fulfilment", "coverage", "attendance", NULL};
static const char *const scopes[] = {"", "node", "subtree", NULL};
static const char *const groupings[] = {"", "category", "format", "month", NULL};

static int period_of(ut_reply_t *rep, const Ut__ReportQuery *q, rp_period_t *p)
{
	int rc;
	if ((rc = ut_valid_range(rep, "year", q->year, 2000, 2100)) || (rc = ut_valid_range(rep, "quarter", q->quarter, 0, 4)) ||
	    (rc = ut_valid_range(rep, "unit", q->unit_id, 0, INT64_MAX)) || (rc = ut_valid_enum(rep, "scope", q->scope, scopes)))
		return rc;
	if (!strcmp(q->scope, "subtree") && q->unit_id)
		return ut_reply_err(rep, UT_EINVAL, "--unit names a unit of this node; it cannot go with --scope subtree");
	p->year = q->year;
	p->m1 = q->quarter ? 3 * q->quarter - 2 : 1;
	p->m2 = q->quarter ? 3 * q->quarter : 12;
	p->unit_id = q->unit_id;
	return 0;
}

int rp_report_query(ut_service_t *svc, const Ut__Envelope *req, ut_reply_t *rep)
{
	Ut__ReportQuery *q = ut_rpc_body(req, &ut__report_query__descriptor, rep);
	if (!q)
		return UT_EINVAL;
	ut_arena_t a = {0};
	rp_period_t p;
	rp_cells_t cells = {0};
	Ut__ReportReply out = UT__REPORT_REPLY__INIT;
	int rc = ut_valid_enum(rep, "report", q->kind, kinds);
	if (!rc)
		rc = ut_valid_enum(rep, "by", q->by, groupings);
	if (!rc && *q->by && !strcmp(q->kind, "coverage"))
		rc = ut_reply_err(rep, UT_EINVAL, "the coverage report is per unit; --by does not apply");
	if (!rc)
		rc = period_of(rep, q, &p);
	if (!rc) {
		int subtree = !strcmp(q->scope, "subtree");
		const char *by = strcmp(q->kind, "coverage") ? (*q->by ? q->by : "category") : subtree ? "kind" : "unit";
		rc = rp_report_cells(ut_service_store(svc), &a, &p, by, subtree, &cells);
		int pct;
		if (!rc && !strcmp(q->kind, "coverage"))
			rc = rp_cumulative_cells(ut_service_store(svc), &a, &p, by, subtree, &cells);
		/* the node's multi-year target for this year, as a cell of no group: the one set with
		 * `utctl plan set --coverage-target`, else the one in the configuration */
		if (!rc && !strcmp(q->kind, "coverage") &&
		    (rp_coverage_stored(ut_service_store(svc), q->year, &pct) == 0 ||
		     rp_coverage_target(ut_service_config(svc)->report_coverage_targets, q->year, &pct) == 0))
			rc = rp_cells_add(&cells, &a, "", "", "coverage_target", pct);
		out.node = ut_service_config(svc)->node_id;
		out.kind = ut_arena_strdup(&a, q->kind);
		out.year = q->year;
		out.quarter = q->quarter;
		out.scope = subtree ? "subtree" : "node";
		out.cells = cells.v;
		out.n_cells = cells.n;
	}
	rc = ut_reply_msg(rep, &a, rc, &out.base);
	protobuf_c_message_free_unpacked(&q->base, NULL);
	return rc;
}

int rp_uplink_state(ut_service_t *svc, ut_arena_t *a, Ut__UplinkState *out)
{
	ut_store_t *s = ut_service_store(svc);
	char err[512];
	out->parent = ut_service_config(svc)->report_parent;
	out->built_seq = (uint64_t)rp_link_int(s, "built_seq");
	out->acked_seq = (uint64_t)rp_link_int(s, "acked_seq");
	out->acked_ms = rp_link_int(s, "acked_ms");
	out->sent = rp_link_int(s, "sent");
	rp_link_text(s, "error", err, sizeof err);
	out->error = ut_arena_strdup(a, err);
	return out->error ? 0 : UT_ENOMEM;
}

int rp_report_federation(ut_service_t *svc, const Ut__Envelope *req, ut_reply_t *rep)
{
	Ut__ReportQuery *q = ut_rpc_body(req, &ut__report_query__descriptor, rep);
	if (!q)
		return UT_EINVAL;
	ut_store_t *s = ut_service_store(svc);
	const ut_config_t *cfg = ut_service_config(svc);
	ut_arena_t a = {0};
	rp_period_t p;
	rp_cells_t own = {0}, total = {0}, per = {0};
	Ut__FederationReply out = UT__FEDERATION_REPLY__INIT;
	Ut__ChildList kids = UT__CHILD_LIST__INIT;
	Ut__UplinkState up = UT__UPLINK_STATE__INIT;
	int rc = period_of(rep, q, &p);
	if (!rc && q->unit_id)
		rc = ut_reply_err(rep, UT_EINVAL, "the federation report is per node; --unit does not apply");
	if (!rc && !(rc = rp_report_cells(s, &a, &p, "category", 0, &own)) &&
	    !(rc = rp_report_cells(s, &a, &p, "category", 1, &total)) && !(rc = rp_child_cells(s, &a, &p, &per)) &&
	    !(rc = rp_child_list(s, &a, ut_clock_now_ms(), (int64_t)cfg->report_stale_after_s * 1000, &kids)) &&
	    !(rc = rp_uplink_state(svc, &a, &up))) {
		/* hand each child its cells: both lists are ordered by node id */
		size_t k = 0;
		for (size_t i = 0; i < kids.n_children; i++) {
			Ut__Child *c = kids.children[i];
			while (k < per.n && strcmp(per.v[k]->group, c->node) < 0)
				k++;
			c->cells = per.v ? per.v + k : NULL; /* no child has cells: NULL + 0 is undefined */
			while (k < per.n && !strcmp(per.v[k]->group, c->node))
				k++, c->n_cells++;
		}
		out.node = cfg->node_id;
		out.year = q->year;
		out.own = own.v;
		out.n_own = own.n;
		out.total = total.v;
		out.n_total = total.n;
		out.children = kids.children;
		out.n_children = kids.n_children;
		out.uplink = &up;
	}
	rc = ut_reply_msg(rep, &a, rc, &out.base);
	protobuf_c_message_free_unpacked(&q->base, NULL);
	return rc;
}

/* A node id as the config accepts it, and a CURVE public key in Z85. */
static int valid_node(ut_reply_t *rep, const char *field, const char *id)
{
	size_t n = strlen(id);
	if (!n || n > 64 || strpbrk(id, "/ \t\r\n") || !ut_utf8_valid(id, n))
		return ut_reply_err(rep, UT_EINVAL, "%s: \"%.64s\" must be 1-64 characters without spaces or '/'", field, id);
	return 0;
}

static int valid_key(ut_reply_t *rep, const char *key)
{
	uint8_t raw[32];
	if (strlen(key) != 40 || !zmq_z85_decode(raw, key))
		return ut_reply_err(rep, UT_EINVAL, "public key must be 40 characters of Z85 (utctl node keygen prints it)");
	return 0;
}

int rp_child_add_h(ut_service_t *svc, const Ut__Envelope *req, ut_reply_t *rep)
{
	Ut__Child *c = ut_rpc_body(req, &ut__child__descriptor, rep);
	if (!c)
		return UT_EINVAL;
	ut_store_t *s = ut_service_store(svc);
	ut_arena_t a = {0};
	Ut__Child *other = NULL;
	int rc = valid_node(rep, "child node id", c->node);
	if (!rc)
		rc = valid_key(rep, c->public_key);
	if (!rc && !strcmp(c->node, ut_service_config(svc)->node_id))
		rc = ut_reply_err(rep, UT_EINVAL, "%s is this node's own id", c->node);
	if (!rc && rp_child_by_key(s, &a, c->public_key, &other) == 0 && strcmp(other->node, c->node))
		rc = ut_reply_err(rep, UT_ECONFLICT, "that key is already registered for child %s", other->node);
	if (!rc && !(rc = rp_child_add(s, c->node, c->public_key)))
		ut_info("child %s registered with key %s", c->node, c->public_key);
	rc = ut_reply_msg(rep, &a, rc, &c->base);
	protobuf_c_message_free_unpacked(&c->base, NULL);
	return rc;
}

int rp_child_remove_h(ut_service_t *svc, const Ut__Envelope *req, ut_reply_t *rep)
{
	Ut__Child *c = ut_rpc_body(req, &ut__child__descriptor, rep);
	if (!c)
		return UT_EINVAL;
	int rc = valid_node(rep, "child node id", c->node);
	if (!rc && (rc = rp_child_remove(ut_service_store(svc), c->node)) == UT_ENOTFOUND)
		rc = ut_reply_err(rep, rc, "%.64s is not a registered child", c->node);
	else if (!rc)
		ut_info("child %s removed: its key is refused and its figures no longer count", c->node);
	if (!rc)
		rc = ut_reply_body(rep, &c->base);
	protobuf_c_message_free_unpacked(&c->base, NULL);
	return rc;
}

int rp_child_list_h(ut_service_t *svc, const Ut__Envelope *req, ut_reply_t *rep)
{
	ut_arena_t a = {0};
	Ut__ChildList out = UT__CHILD_LIST__INIT;
	int rc = rp_child_list(ut_service_store(svc), &a, ut_clock_now_ms(),
			       (int64_t)ut_service_config(svc)->report_stale_after_s * 1000, &out);
	return ut_reply_msg(rep, &a, rc, &out.base);
}

int rp_key_lookup_h(ut_service_t *svc, const Ut__Envelope *req, ut_reply_t *rep)
{
	Ut__KeyQuery *q = ut_rpc_body(req, &ut__key_query__descriptor, rep);
	if (!q)
		return UT_EINVAL;
	ut_arena_t a = {0};
	Ut__Child *c = NULL;
	int rc = rp_child_by_key(ut_service_store(svc), &a, q->public_key, &c);
	if (rc == UT_ENOTFOUND)
		rc = ut_reply_err(rep, rc, "no child has key %.40s", q->public_key);
	rc = ut_reply_msg(rep, &a, rc, c ? &c->base : NULL);
	protobuf_c_message_free_unpacked(&q->base, NULL);
	return rc;
}

/* A counter's largest magnitude (2^53, exact as a double); the sums over rows and children are
 * computed with overflow checks all the same. */
#define ROW_MAX (INT64_C(1) << 53)
/* A child's sequence grows by one per snapshot it builds (one per report.interval_ms at most): a
 * larger jump than a year of snapshots at ten a second, or a sequence beyond 2^53, is not a real
 * child's, and storing it would make the child's real snapshots look old. */
#define SEQ_JUMP_MAX UINT64_C(400000000)
#define SEQ_MAX (UINT64_C(1) << 53)

static int valid_label(const char *s) { return strlen(s) <= 64 && ut_utf8_valid(s, strlen(s)); }

static int valid_metric(const char *m)
{
	size_t n = 0;
	for (; m[n]; n++)
		if ((m[n] < 'a' || m[n] > 'z') && m[n] != '_')
			return 0;
	return n && n <= 40;
}

static void *arena_alloc(void *a, size_t n) { return ut_arena_alloc(a, n); }
static void arena_keep(void *a, void *p) { (void)a, (void)p; }

/* A snapshot's hundreds of rows and labels decoded into a few arena chunks instead of a malloc each. */
static Ut__SnapshotPut *snapshot_put_body(const Ut__Envelope *req, ut_arena_t *a, ut_reply_t *rep)
{
	ProtobufCAllocator al = {arena_alloc, arena_keep, a};
	Ut__SnapshotPut *p = ut__snapshot_put__unpack(&al, req->body.len, req->body.data);
	if (!p || a->failed) {
		ut_reply_err(rep, UT_EINVAL, "malformed %s in a %zu-byte body", ut__snapshot_put__descriptor.short_name,
			     req->body.len);
		return NULL;
	}
	return p;
}

/* Whether a child's snapshot may be stored: 0, or the refusal (replied). p->node is set to the node
 * the sender's key is registered for when it came over the link. */
static int snapshot_check(ut_service_t *svc, ut_arena_t *a, Ut__SnapshotPut *p, int64_t now, ut_reply_t *rep)
{
	ut_store_t *s = ut_service_store(svc);
	const Ut__Snapshot *sn = p->snapshot;
	Ut__Child *owner = NULL;
	uint64_t have = 0;
	int64_t have_built = 0, received = 0, gap = ut_service_config(svc)->report_min_interval_ms;
	int rc;
	if (*p->public_key) {
		/* from the link: the key's node now, not the one it had when the connection opened */
		if ((rc = rp_child_by_key(s, a, p->public_key, &owner)) == UT_ENOTFOUND)
			return ut_reply_err(rep, UT_EINVAL, "refused: the key is not registered");
		if (rc)
			return rc;
		p->node = owner->node;
	}
	if (!sn || !sn->seq)
		return ut_reply_err(rep, UT_EINVAL, "a snapshot with a sequence number is required");
	if (strcmp(sn->node, p->node))
		/* the key decides who is speaking, not what the message says */
		return ut_reply_err(rep, UT_EINVAL, "refused: this key is registered for node %.64s, the snapshot claims %.64s",
				    p->node, sn->node);
	if (sn->nodes < 1 || sn->nodes > 1000000)
		return ut_reply_err(rep, UT_EINVAL, "snapshot of %.64s: node count %d is out of range", sn->node, sn->nodes);
	if (sn->seq > SEQ_MAX)
		return ut_reply_err(rep, UT_EINVAL, "snapshot of %.64s: sequence %llu is out of range", sn->node,
				    (unsigned long long)sn->seq);
	if (sn->built_ms > now + (int64_t)ut_service_config(svc)->report_clock_skew_s * 1000)
		return ut_reply_err(rep, UT_EINVAL, "snapshot of %.64s: built %lld s ahead of this node's clock", sn->node,
				    (long long)((sn->built_ms - now) / 1000));
	if ((rc = rp_child_seq(s, p->node, &have, &have_built, &received)) == UT_ENOTFOUND)
		return ut_reply_err(rep, rc, "%.64s is not a registered child", sn->node);
	if (rc)
		return rc;
	if (have && sn->seq > have && sn->seq - have > SEQ_JUMP_MAX)
		return ut_reply_err(rep, UT_EINVAL, "snapshot of %.64s: sequence jumps from %llu to %llu", sn->node,
				    (unsigned long long)have, (unsigned long long)sn->seq);
	/* a repeat is acknowledged at once; a new snapshot waits its turn */
	if ((sn->seq > have || sn->built_ms > have_built) && received && now - received < gap)
		return ut_reply_err(rep, UT_EUNAVAIL, "snapshot of %.64s too soon after the last one; send again in %lld ms",
				    sn->node, (long long)(gap - (now - received)));
	for (size_t i = 0; i < sn->n_rows; i++) {
		const Ut__SnapshotRow *r = sn->rows[i];
		if (r->year < 0 || r->year > 2100 || r->month < 0 || r->month > 12 || r->value > ROW_MAX ||
		    !valid_metric(r->metric) || !valid_label(r->category) || !valid_label(r->format) ||
		    !valid_label(r->unit_kind))
			return ut_reply_err(rep, UT_EINVAL, "snapshot of %.64s: row %zu is malformed", sn->node, i + 1);
		if (r->value < 0) /* counts only: a negative one would be taken off the others' */
			return ut_reply_err(rep, UT_EINVAL, "snapshot of %.64s: row %zu has a negative counter", sn->node, i + 1);
	}
	return 0;
}

int rp_snapshot_put_h(ut_service_t *svc, const Ut__Envelope *req, ut_reply_t *rep)
{
	ut_arena_t body = {0};
	Ut__SnapshotPut *p = snapshot_put_body(req, &body, rep);
	if (!p) {
		ut_arena_free(&body);
		return UT_EINVAL;
	}
	const Ut__Snapshot *sn = p->snapshot;
	Ut__SnapshotAck ack = UT__SNAPSHOT_ACK__INIT;
	uint64_t have = 0;
	int64_t now = ut_clock_now_ms();
	rp_srows_t cur = {0};
	int rc = snapshot_check(svc, &body, p, now, rep), stored = 0, max = ut_service_config(svc)->report_max_groups;
	if (!rc && (rc = rp_srows_of(sn, &cur)) == UT_EINVAL)
		rc = ut_reply_err(rep, rc, "snapshot of %.64s: a sum of its rows overflows", sn->node);
	else if (!rc && rp_srows_groups(&cur) > (size_t)max)
		/* every group is a row in the sums kept for the children: the cap bounds one child's share */
		rc = ut_reply_err(rep, UT_EINVAL, "snapshot of %.64s: %zu groups, more than the %d a child may send",
				  sn->node, rp_srows_groups(&cur), max);
	if (!rc) {
		rc = rp_child_snapshot(ut_service_store(svc), sn, &cur, now, &have);
		if (rc == UT_ENOTFOUND)
			rc = ut_reply_err(rep, rc, "%.64s is not a registered child", sn->node);
		else if (rc == 1) {
			ut_info("snapshot %llu of %s stored (%zu rows, %d nodes)", (unsigned long long)sn->seq, sn->node,
				sn->n_rows, sn->nodes);
			rc = 0;
			stored = 1;
		}
	}
	if (!rc) {
		ack.node = p->node;
		ack.seq = sn->seq; /* only what the child sent: a higher stored one is not its to learn */
		ack.accepted = 1;
		ack.message = stored ? "stored" : "already have this or a newer snapshot";
		rc = ut_reply_body(rep, &ack.base);
	}
	rp_srows_clear(&cur);
	ut_arena_free(&body);
	return rc;
}

/* FNV-1a: enough to tell whether the subtree's figures changed since the last snapshot. */
static uint64_t fnv(const uint8_t *p, size_t n)
{
	uint64_t h = 1469598103934665603ULL;
	for (size_t i = 0; i < n; i++)
		h = (h ^ p[i]) * 1099511628211ULL;
	return h;
}

int rp_snapshot_build_h(ut_service_t *svc, const Ut__Envelope *req, ut_reply_t *rep)
{
	ut_store_t *s = ut_service_store(svc);
	ut_arena_t a = {0};
	Ut__Snapshot sn = UT__SNAPSHOT__INIT;
	int rc = rp_snapshot_rows(s, &a, &sn);
	if (rc)
		return ut_reply_msg(rep, &a, rc, NULL);
	size_t n = ut__snapshot__get_packed_size(&sn);
	uint8_t *buf = malloc(n ? n : 1);
	if (!buf)
		return ut_reply_msg(rep, &a, UT_ENOMEM, NULL);
	ut__snapshot__pack(&sn, buf);
	int64_t h = (int64_t)fnv(buf, n);
	free(buf);
	int64_t seq = rp_link_int(s, "built_seq"), built = rp_link_int(s, "built_ms");
	if (!seq || h != rp_link_int(s, "built_hash")) {
		seq++;
		built = ut_clock_now_ms();
		if ((rc = rp_link_set_int(s, "built_seq", seq)) || (rc = rp_link_set_int(s, "built_hash", h)) ||
		    (rc = rp_link_set_int(s, "built_ms", built)))
			return ut_reply_msg(rep, &a, rc, NULL);
	}
	sn.node = ut_service_config(svc)->node_id;
	sn.seq = (uint64_t)seq;
	sn.built_ms = built;
	return ut_reply_msg(rep, &a, 0, &sn.base);
}

int rp_uplink_set_h(ut_service_t *svc, const Ut__Envelope *req, ut_reply_t *rep)
{
	Ut__UplinkState *u = ut_rpc_body(req, &ut__uplink_state__descriptor, rep);
	if (!u)
		return UT_EINVAL;
	ut_store_t *s = ut_service_store(svc);
	ut_arena_t a = {0};
	Ut__UplinkState out = UT__UPLINK_STATE__INIT;
	int rc = 0;
	if ((int64_t)u->acked_seq > rp_link_int(s, "acked_seq") &&
	    (!(rc = rp_link_set_int(s, "acked_seq", (int64_t)u->acked_seq))))
		rc = rp_link_set_int(s, "acked_ms", u->acked_ms ? u->acked_ms : ut_clock_now_ms());
	int64_t sent = rp_link_int(s, "sent");
	sent = sent < 0 ? 0 : sent;
	if (!rc && u->sent > 0) /* a running count; it stops at the largest, never wraps */
		rc = rp_link_set_int(s, "sent", u->sent > INT64_MAX - sent ? INT64_MAX : sent + u->sent);
	if (!rc)
		rc = rp_link_set_text(s, "error", u->error);
	if (!rc)
		rc = rp_uplink_state(svc, &a, &out);
	rc = ut_reply_msg(rep, &a, rc, &out.base);
	protobuf_c_message_free_unpacked(&u->base, NULL);
	return rc;
}
