/* `utctl audit`: the changes the node's daemons made, who asked for each, newest first: every
 * daemon's audit (MSG_AUDIT_LIST) merged by time, each request named by its command-table row and
 * shown as the JSON it was. */
#include "utctl.h"
#include "output.h"
#include "ut/clock.h"
#include "ut/cmd.h"
#include "ut/i18n.h"
#include "ut/pbjson.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

static const char *const daemons[] = {"ut-schedd", "ut-enrold", "ut-notifyd", "ut-reportd", "ut-webd"};
#define NDAEMONS (sizeof daemons / sizeof daemons[0])

enum { O_ACTOR = OPT_FIRST, O_LIMIT, O_SINCE };

static const optspec_t audit_opts[] = {
	{O_ACTOR, "actor", "WHO", 0, N_("only the changes of this actor (unix:root, web:wang.li)")},
	{O_LIMIT, "limit", "N", 0, N_("the newest N changes (default 50)")},
	{O_SINCE, "since", "YYYY-MM-DD", 0, N_("only changes from this day on")},
	{0},
};

typedef struct row {
	const char *daemon;
	const Ut__AuditEntry *e;
} row_t;

static int newest_first(const void *a, const void *b)
{
	int64_t x = ((const row_t *)a)->e->at_ms, y = ((const row_t *)b)->e->at_ms;
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

/* The request as JSON, by its row's message (a sign-in has none: its type's name). */
static json_t *request_json(const ut_cmd_t *cmd, const Ut__AuditEntry *e)
{
	if (e->size > (int64_t)e->body.len) /* too large to keep a copy of (an import) */
		return json_pack("{s:I}", "size", (json_int_t)e->size);
	ProtobufCMessage *m = cmd ? protobuf_c_message_unpack(cmd->req, NULL, e->body.len, e->body.data) : NULL;
	json_t *j = m ? ut_pbjson_from_msg(m) : json_object();
	if (m)
		protobuf_c_message_free_unpacked(m, NULL);
	if (json_object_get(j, "password_hash")) /* an account's: kept, never shown */
		json_object_set_new(j, "password_hash", json_string("(hidden)"));
	return j;
}

static int audit_list(ctx_t *c, int argc, char **argv)
{
	opts_t o;
	const char *arg;
	long long limit = 50;
	int k;
	Ut__AuditQuery q = UT__AUDIT_QUERY__INIT;
	int rc = ctx_ready(c);
	if (rc)
		return rc;
	opt_begin(&o, c, argc, argv, c->verb->opts);
	while ((k = opt_next(&o, &arg)) > 0) {
		if (k == O_ACTOR)
			q.actor = (char *)arg;
		else if (k == O_LIMIT && parse_num(c, "--limit", arg, 1, 10000, &limit))
			return EXIT_USAGE;
		else if (k == O_SINCE && ut_clock_parse_date_time(arg, "00:00", &q.since_ms))
			return usage(c, _("--since: '%s' is not a date (YYYY-MM-DD)"), arg);
	}
	const char *none[1];
	if (k < 0 || opt_rest(&o, none, 0, 0, "") < 0)
		return EXIT_USAGE;
	q.since_ms *= 1000;
	q.limit = (int32_t)limit;
	ProtobufCMessage *lists[NDAEMONS] = {0};
	row_t *rows = NULL;
	size_t n = 0;
	for (size_t d = 0; d < NDAEMONS && !rc; d++) {
		rc = call(c, daemons[d], UT__MSG_TYPE__MSG_AUDIT_LIST, &q.base, &ut__audit_list__descriptor, &lists[d]);
		const Ut__AuditList *l = (const Ut__AuditList *)lists[d];
		row_t *more = rc ? NULL : realloc(rows, (n + l->n_entries + 1) * sizeof *rows);
		if (!rc && !more)
			rc = EXIT_REFUSED;
		if (more)
			rows = more;
		for (size_t i = 0; more && i < l->n_entries; i++)
			rows[n++] = (row_t){daemons[d], l->entries[i]};
	}
	if (!rc) {
		qsort(rows, n, sizeof *rows, newest_first);
		if (n > (size_t)limit)
			n = (size_t)limit;
		json_t *all = json_array();
		static const char *const h[] = {N_("WHEN"), N_("WHO"), N_("WHAT"), N_("REQUEST")};
		const char *head[4] = {_(h[0]), _(h[1]), _(h[2]), _(h[3])};
		table_t *t = c->format == FMT_JSON ? NULL : table_new(4, head, "llll");
		for (size_t i = 0; i < n; i++) {
			const Ut__AuditEntry *e = rows[i].e;
			const ut_cmd_t *cmd = row_of(rows[i].daemon, e->type);
			const ProtobufCEnumValue *v = protobuf_c_enum_descriptor_get_value(&ut__msg_type__descriptor, e->type);
			char what[64], when[40];
			if (cmd)
				snprintf(what, sizeof what, "%s %s", cmd->noun, cmd->verb);
			else
				snprintf(what, sizeof what, "%s", v ? v->name : "?");
			json_t *req = request_json(cmd, e);
			if (!t) {
				json_array_append_new(all, json_pack("{s:I,s:s,s:s,s:s,s:o}", "at_ms", (json_int_t)e->at_ms,
								     "daemon", rows[i].daemon, "actor", e->actor, "what", what,
								     "request", req));
				continue;
			}
			char *text = json_dumps(req, JSON_COMPACT);
			table_row(t);
			table_cell(t, "%s", ut_clock_format_local(e->at_ms / 1000, when, sizeof when));
			table_cell(t, "%s", e->actor);
			table_cell(t, "%s", what);
			table_cell(t, "%.100s%s", text ? text : "", text && strlen(text) > 100 ? "..." : "");
			free(text);
			json_decref(req);
		}
		if (t) {
			table_print(t, stdout, 0);
			table_free(&t);
		} else {
			json_dumpf(all, stdout, JSON_INDENT(2));
			putchar('\n');
		}
		json_decref(all);
	}
	for (size_t d = 0; d < NDAEMONS; d++)
		if (lists[d])
			protobuf_c_message_free_unpacked(lists[d], NULL);
	free(rows);
	return rc;
}

const verb_t audit_verbs[] = {
	{"list", audit_list, N_("the changes made on the node, who asked for each, newest first"),
	 "[--actor WHO] [--limit N] [--since YYYY-MM-DD]", audit_opts, "utctl audit --actor web:wang.li --since 2027-03-01",
	 N_("Every daemon keeps each change it made with the actor of its request, in the same transaction: the Unix "
	    "user for utctl, the account for the web console.")},
	{0},
};
