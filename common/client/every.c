/* Rows asked of every daemon of the node at once (`node status`, `audit list`): one request to
 * each over the caller's clients, in parallel, and the row's gather making one reply of theirs. */
#include "hooks.h"
#include "ut/cmd.h"
#include "ut/err.h"
#include "ut/i18n.h"
#include "ut/pbjson.h"
#include "ut/words.h"
#include "envelope.pb-c.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

const char *const ut_node_daemons[UT_NODE_DAEMONS] = {"ut-schedd", "ut-enrold", "ut-notifyd", "ut-reportd", "ut-webd"};

int ut_cmd_every(const ut_cmd_t *cmd, ut_rpc_client_t *const cl[], const ProtobufCMessage *req,
		 ProtobufCMessage **rep, int down[])
{
	Ut__Envelope *env[UT_NODE_DAEMONS];
	int err[UT_NODE_DAEMONS];
	ProtobufCMessage *got[UT_NODE_DAEMONS] = {0};
	char why_text[UT_NODE_DAEMONS][512];
	const char *why[UT_NODE_DAEMONS] = {0};
	*rep = NULL;
	int rc = ut_rpc_call_many(cl, UT_NODE_DAEMONS, cmd->type, req, env, err);
	if (rc)
		return rc;
	for (size_t i = 0; i < UT_NODE_DAEMONS; i++) {
		down[i] = env[i] == NULL;
		if (!env[i])
			continue;
		if (env[i]->status == UT__STATUS__STATUS_OK &&
		    !(got[i] = protobuf_c_message_unpack(cmd->each, NULL, env[i]->body.len, env[i]->body.data)))
			snprintf(why_text[i], sizeof why_text[i], "%s", _("its reply does not decode"));
		else if (env[i]->status != UT__STATUS__STATUS_OK) {
			const char *t = env[i]->code && *env[i]->code ? ut_tr(env[i]->code) : NULL;
			if (t && t != env[i]->code)
				ut_i18n_render(why_text[i], sizeof why_text[i], t, (const char *const *)env[i]->args,
					       env[i]->n_args);
			else
				snprintf(why_text[i], sizeof why_text[i], "%s", env[i]->message);
		}
		if (!got[i])
			why[i] = why_text[i];
		ut__envelope__free_unpacked(env[i], NULL);
	}
	rc = cmd->gather(req, got, down, why, rep);
	for (size_t i = 0; i < UT_NODE_DAEMONS; i++)
		if (got[i])
			protobuf_c_message_free_unpacked(got[i], NULL);
	return rc;
}

/* A message built from borrowed parts as one the caller owns, freed like any decoded reply. */
static int owned(const ProtobufCMessage *m, ProtobufCMessage **out)
{
	size_t n = protobuf_c_message_get_packed_size(m);
	uint8_t *b = malloc(n ? n : 1);
	if (b)
		protobuf_c_message_pack(m, b);
	*out = b ? protobuf_c_message_unpack(m->descriptor, NULL, n, b) : NULL;
	free(b);
	return *out ? 0 : UT_ENOMEM;
}

/* ---- node status ---- */

int ut_gather_status(const ProtobufCMessage *req, ProtobufCMessage *const rep[], const int down[],
		     const char *const why[], ProtobufCMessage **out)
{
	(void)req;
	Ut__DaemonState s[UT_NODE_DAEMONS], *sp[UT_NODE_DAEMONS];
	for (size_t i = 0; i < UT_NODE_DAEMONS; i++) {
		ut__daemon_state__init(&s[i]);
		s[i].daemon = (char *)ut_node_daemons[i];
		s[i].state = (char *)ut_daemon_states[rep[i] ? 0 : down[i] ? 1 : 2];
		s[i].error = (char *)(why[i] ? why[i] : "");
		s[i].status = (Ut__StatusReply *)rep[i];
		sp[i] = &s[i];
	}
	Ut__NodeStatus ns = UT__NODE_STATUS__INIT;
	ns.n_daemons = UT_NODE_DAEMONS;
	ns.daemons = sp;
	return owned(&ns.base, out);
}

/* ---- audit list ---- */

typedef struct audit_row {
	const char *daemon;
	Ut__AuditEntry *e;
} audit_row_t;

static int newest_first(const void *a, const void *b)
{
	int64_t x = ((const audit_row_t *)a)->e->at_ms, y = ((const audit_row_t *)b)->e->at_ms;
	return x < y ? 1 : x > y ? -1 : 0;
}

/* The row a request type of a daemon is; NULL for a request of no row (a sign-in). */
static const ut_cmd_t *row_of(const char *daemon, int type)
{
	for (size_t i = 0; i < ut_ncmds; i++)
		if (ut_cmds[i].type == type && !strcmp(ut_cmds[i].daemon, daemon))
			return &ut_cmds[i];
	return NULL;
}

/* The request as JSON text, by its row's message; {"size": N} for one too large to keep a copy of
 * (an import). An account's password hash is kept, never shown. */
static char *request_json(const ut_cmd_t *cmd, const Ut__AuditEntry *e)
{
	json_t *j;
	if (e->size > (int64_t)e->body.len)
		j = json_pack("{s:I}", "size", (json_int_t)e->size);
	else {
		ProtobufCMessage *m = cmd ? protobuf_c_message_unpack(cmd->req, NULL, e->body.len, e->body.data) : NULL;
		j = m ? ut_pbjson_from_msg(m) : json_object();
		if (m)
			protobuf_c_message_free_unpacked(m, NULL);
	}
	if (j && json_object_get(j, "password_hash"))
		json_object_set_new(j, "password_hash", json_string("(hidden)"));
	char *text = j ? json_dumps(j, JSON_COMPACT) : NULL;
	json_decref(j);
	return text;
}

/* Every daemon's newest changes merged by time, newest first, at most the query's limit; each
 * named by its row and its request shown as JSON instead of its bytes. */
int ut_gather_audit(const ProtobufCMessage *req, ProtobufCMessage *const rep[], const int down[],
		    const char *const why[], ProtobufCMessage **out)
{
	(void)down, (void)why;
	const Ut__AuditQuery *q = (const Ut__AuditQuery *)req;
	size_t n = 0, k = 0;
	for (size_t i = 0; i < UT_NODE_DAEMONS; i++)
		n += rep[i] ? ((const Ut__AuditList *)rep[i])->n_entries : 0;
	audit_row_t *rows = malloc((n ? n : 1) * sizeof *rows);
	Ut__AuditEntry *es = malloc((n ? n : 1) * sizeof *es), **ep = malloc((n ? n : 1) * sizeof *ep);
	char (*what)[64] = malloc((n ? n : 1) * sizeof *what), **json = calloc(n ? n : 1, sizeof *json);
	int rc = rows && es && ep && what && json ? 0 : UT_ENOMEM;
	for (size_t i = 0; !rc && i < UT_NODE_DAEMONS; i++)
		for (size_t j = 0; rep[i] && j < ((const Ut__AuditList *)rep[i])->n_entries; j++)
			rows[k++] = (audit_row_t){ut_node_daemons[i], ((const Ut__AuditList *)rep[i])->entries[j]};
	if (!rc) {
		qsort(rows, k, sizeof *rows, newest_first);
		size_t limit = (size_t)UT_LIST_LIMIT(q->limit);
		if (k > limit)
			k = limit;
	}
	for (size_t i = 0; !rc && i < k; i++) {
		const ut_cmd_t *cmd = row_of(rows[i].daemon, rows[i].e->type);
		const ProtobufCEnumValue *v =
			protobuf_c_enum_descriptor_get_value(&ut__msg_type__descriptor, rows[i].e->type);
		if (cmd)
			snprintf(what[i], sizeof what[i], "%s %s", cmd->noun, cmd->verb);
		else
			snprintf(what[i], sizeof what[i], "%s", v ? v->name : "?");
		if (!(json[i] = request_json(cmd, rows[i].e)))
			rc = UT_ENOMEM;
		es[i] = *rows[i].e; /* borrowed fields; the copy is packed below */
		es[i].body.len = 0;
		es[i].daemon = (char *)rows[i].daemon;
		es[i].what = what[i];
		es[i].request = json[i];
		ep[i] = &es[i];
	}
	if (!rc) {
		Ut__AuditList l = UT__AUDIT_LIST__INIT;
		l.n_entries = k;
		l.entries = ep;
		rc = owned(&l.base, out);
	}
	for (size_t i = 0; json && i < k; i++)
		free(json[i]);
	free(rows), free(es), free(ep), free(what), free(json);
	return rc;
}
