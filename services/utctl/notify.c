/* Notification commands sent to ut-notifyd: the delivery log, what is due next, a deliberate
 * resend, and a preview of exactly what a message would say. */
#include "utctl.h"
#include "output.h"
#include "notify.pb-c.h"
#include "ut/clock.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#define NOTIFYD "ut-notifyd"

enum { O_CADRE = OPT_FIRST, O_CLASS, O_STATUS, O_LIMIT, O_LOCALE, O_UNDO, O_NOTE, O_FILE };

#define MAX_NUDGE 10000

static const optspec_t query_opts[] = {
	{O_CADRE, "cadre", "ID", 0, "only messages to this cadre"},
	{O_CLASS, "class", "ID", 0, "only messages about this class"},
	{O_STATUS, "status", "S", 0, "scheduled, queued, sent, retrying, dead, withdrawn or skipped"},
	{O_LIMIT, "limit", "N", 0, "at most N messages (default 1000)"},
	{0},
};

static const char *when(int64_t ms, char *buf, size_t len)
{
	if (!ms)
		return "-";
	return ut_clock_format_local(ms / 1000, buf, len);
}

static void delivery_table(const ctx_t *c, const ProtobufCMessage *m, const ProtobufCMessage *req)
{
	static const char *const h[] = {"ID", "STATUS", "KIND", "CADRE", "CLASS", "OFFSET", "DUE", "CHANNEL", "TRIES", "ERROR"};
	const Ut__DeliveryList *l = (const Ut__DeliveryList *)m;
	table_t *t = table_new(10, h, "rlllrrllrl");
	char b[32];
	for (size_t i = 0; i < l->n_deliveries; i++) {
		const Ut__Delivery *d = l->deliveries[i];
		table_row(t);
		table_cell(t, "%lld", (long long)d->id);
		table_cell(t, "%s", d->status);
		table_cell(t, "%s", d->kind);
		table_cell(t, "%s", d->cadre_id);
		table_cell(t, "%lld", (long long)d->class_id);
		if (d->offset_s % 86400 == 0 && d->offset_s)
			table_cell(t, "%lldd", (long long)(d->offset_s / 86400));
		else if (d->offset_s % 3600 == 0 && d->offset_s)
			table_cell(t, "%lldh", (long long)(d->offset_s / 3600));
		else if (d->offset_s)
			table_cell(t, "%lldm", (long long)(d->offset_s / 60));
		else
			table_cell(t, "-");
		table_cell(t, "%s", when(d->due_ms, b, sizeof b));
		table_cell(t, "%s", *d->channel ? d->channel : "-");
		table_cell(t, "%d", d->attempts);
		table_cell(t, "%s", d->error);
	}
	table_print(t, stdout, 0);
	table_free(&t);
	if (!l->n_deliveries)
		printf("(no messages)\n");
}

static int query(ctx_t *c, int argc, char **argv, int type)
{
	Ut__NotifyQuery q = UT__NOTIFY_QUERY__INIT;
	opts_t o;
	const char *arg, *pos[1];
	long long v;
	int k;
	opt_begin(&o, c, argc, argv, c->verb->opts);
	while ((k = opt_next(&o, &arg)) > 0) {
		switch (k) {
		case O_CADRE: q.cadre_id = (char *)arg; break;
		case O_CLASS:
			if (parse_num(c, "--class", arg, 1, INT64_MAX, &v))
				return EXIT_USAGE;
			q.class_id = v;
			break;
		case O_STATUS: q.status = (char *)arg; break;
		case O_LIMIT:
			if (parse_num(c, "--limit", arg, 1, 100000, &v))
				return EXIT_USAGE;
			q.limit = (int32_t)v;
			break;
		}
	}
	if (k < 0 || opt_rest(&o, pos, 0, 0, "") < 0)
		return EXIT_USAGE;
	if (ctx_ready(c))
		return EXIT_USAGE;
	return request(c, NOTIFYD, type, &q.base, &ut__delivery_list__descriptor, delivery_table);
}

static int notify_log(ctx_t *c, int argc, char **argv) { return query(c, argc, argv, UT__MSG_TYPE__MSG_NOTIFY_LOG); }
static int notify_due(ctx_t *c, int argc, char **argv) { return query(c, argc, argv, UT__MSG_TYPE__MSG_NOTIFY_DUE); }

static void resent(const ctx_t *c, const ProtobufCMessage *m, const ProtobufCMessage *req)
{
	const Ut__Delivery *d = (const Ut__Delivery *)m;
	printf("message %lld queued again as message %lld (%s)\n", (long long)((const Ut__Delivery *)req)->id,
	       (long long)d->id, d->key);
}

static int notify_resend(ctx_t *c, int argc, char **argv)
{
	const char *pos[1];
	if (opt_none(c, argc, argv, pos, 1, 1, "MESSAGE_ID") < 0)
		return EXIT_USAGE;
	Ut__Delivery d = UT__DELIVERY__INIT;
	int none;
	if (parse_id(c, "MESSAGE_ID", pos[0], 0, &d.id, &none))
		return EXIT_USAGE;
	return request(c, NOTIFYD, UT__MSG_TYPE__MSG_NOTIFY_RESEND, &d.base, &ut__delivery__descriptor, resent);
}

static void previewed(const ctx_t *c, const ProtobufCMessage *m, const ProtobufCMessage *req)
{
	const Ut__Preview *p = (const Ut__Preview *)m;
	printf("Kind: %s\nLocale: %s\nChannel: %s\nTo: %s\nSubject: %s\n\n%s", p->kind, p->locale,
	       *p->channel ? p->channel : "(none: no usable contact)", *p->address ? p->address : "-", p->subject, p->text);
	if (*p->ics)
		printf("\n--- attachment class.ics ---\n%s", p->ics);
}

static const optspec_t preview_opts[] = {
	{O_LOCALE, "locale", "L", 0, "zh-Hans, zh-Hant, vi or en (default: the cadre's, else the node's)"},
	{0},
};

static int notify_preview(ctx_t *c, int argc, char **argv)
{
	Ut__PreviewRequest r = UT__PREVIEW_REQUEST__INIT;
	opts_t o;
	const char *arg, *pos[3];
	int k, none;
	opt_begin(&o, c, argc, argv, c->verb->opts);
	while ((k = opt_next(&o, &arg)) > 0)
		if (k == O_LOCALE)
			r.locale = (char *)arg;
	if (k < 0 || opt_rest(&o, pos, 3, 3, "KIND CADRE CLASS") < 0)
		return EXIT_USAGE;
	r.kind = (char *)pos[0];
	r.cadre_id = (char *)pos[1];
	if (parse_id(c, "CLASS", pos[2], 0, &r.class_id, &none))
		return EXIT_USAGE;
	return request(c, NOTIFYD, UT__MSG_TYPE__MSG_NOTIFY_PREVIEW, &r.base, &ut__preview__descriptor, previewed);
}

static void opted(const ctx_t *c, const ProtobufCMessage *m, const ProtobufCMessage *req)
{
	const Ut__OptOut *o = (const Ut__OptOut *)m;
	printf("cadre %s %s %s messages\n", o->cadre_id, o->undo ? "gets" : "no longer gets", o->channel);
}

static const optspec_t optout_opts[] = {
	{O_UNDO, "undo", NULL, 0, "opt back in"},
	{0},
};

static int notify_optout(ctx_t *c, int argc, char **argv)
{
	Ut__OptOut r = UT__OPT_OUT__INIT;
	opts_t o;
	const char *arg, *pos[2];
	int k;
	opt_begin(&o, c, argc, argv, c->verb->opts);
	while ((k = opt_next(&o, &arg)) > 0)
		if (k == O_UNDO)
			r.undo = 1;
	if (k < 0 || opt_rest(&o, pos, 2, 2, "CADRE CHANNEL") < 0)
		return EXIT_USAGE;
	r.cadre_id = (char *)pos[0];
	r.channel = (char *)pos[1];
	return request(c, NOTIFYD, UT__MSG_TYPE__MSG_NOTIFY_OPTOUT, &r.base, &ut__opt_out__descriptor, opted);
}

static void nudged(const ctx_t *c, const ProtobufCMessage *m, const ProtobufCMessage *req)
{
	const Ut__DeliveryList *l = (const Ut__DeliveryList *)m;
	const Ut__Nudge *r = (const Ut__Nudge *)req;
	printf("%zu nudge(s) queued", l->n_deliveries);
	if (l->n_deliveries < r->n_cadre_ids)
		printf(", %zu cadre(s) already nudged today", r->n_cadre_ids - l->n_deliveries);
	printf("\n");
}

static const optspec_t nudge_opts[] = {
	{O_NOTE, "note", "TEXT", 1, "what they are due for, e.g. \"onboarding for new chairs\""},
	{O_FILE, "file", "FILE", 0, "cadre ids, one per line (the first CSV column; '-' = stdin)"},
	{0},
};

static int notify_nudge(ctx_t *c, int argc, char **argv)
{
	Ut__Nudge r = UT__NUDGE__INIT;
	opts_t o;
	const char *arg, *file = NULL, **pos = calloc(MAX_NUDGE, sizeof *pos);
	char **ids = calloc(MAX_NUDGE, sizeof *ids), line[512];
	int k, n, rc = EXIT_USAGE;
	size_t nids = 0, argn = 0;
	if (!pos || !ids)
		goto out;
	opt_begin(&o, c, argc, argv, c->verb->opts);
	while ((k = opt_next(&o, &arg)) > 0)
		if (k == O_NOTE)
			r.note = (char *)arg;
		else if (k == O_FILE)
			file = arg;
	if (k < 0 || (n = opt_rest(&o, pos, file ? 0 : 1, MAX_NUDGE, "CADRE...")) < 0)
		goto out;
	for (int i = 0; i < n; i++)
		ids[nids++] = (char *)pos[i];
	argn = nids;
	if (file) {
		FILE *f = strcmp(file, "-") ? fopen(file, "r") : stdin;
		if (!f) {
			rc = usage(c, "cannot read %s", file);
			goto out;
		}
		while (fgets(line, sizeof line, f)) {
			line[strcspn(line, ",\r\n")] = '\0';
			if (!*line || !strcmp(line, "id"))
				continue; /* blank lines and a CSV header */
			if (nids == MAX_NUDGE) {
				rc = usage(c, "at most %d cadres per nudge", MAX_NUDGE);
				if (f != stdin)
					fclose(f);
				goto out;
			}
			if (!(ids[nids] = strdup(line)))
				break;
			nids++;
		}
		if (f != stdin)
			fclose(f);
	}
	r.cadre_ids = ids;
	r.n_cadre_ids = nids;
	rc = request(c, NOTIFYD, UT__MSG_TYPE__MSG_NOTIFY_NUDGE, &r.base, &ut__delivery_list__descriptor, nudged);
out:
	/* ids from the file were strdup'd; those from argv were not */
	for (size_t i = argn; ids && i < nids; i++)
		free(ids[i]);
	free(ids);
	free(pos);
	return rc;
}

const verb_t notify_verbs[] = {
	{"log", notify_log, "messages sent, pending, retried and dead-lettered", "[--cadre ID] [--class ID] [--status S]",
	 query_opts, "utctl notify log --class 3 --status dead", NULL},
	{"due", notify_due, "what will be sent next, soonest first", "[--cadre ID] [--class ID]", query_opts,
	 "utctl notify due --class 3", NULL},
	{"resend", notify_resend, "send a message again (as a new message)", "MESSAGE_ID", NULL, "utctl notify resend 17",
	 "Only messages that are finished (sent, dead, withdrawn, skipped) can be resent."},
	{"preview", notify_preview, "show exactly what a message would say now", "KIND CADRE CLASS [--locale L]",
	 preview_opts, "utctl notify preview reminder 440102198001011234 3 --locale vi",
	 "KIND: confirmed, waitlisted, promoted, cancelled, class_cancelled, class_changed, reminder, absent,\n"
	 "reflection_due."},
	{"optout", notify_optout, "stop (or with --undo resume) messages to a cadre over one channel",
	 "CADRE CHANNEL [--undo]", optout_opts, "utctl notify optout 440102198001011234 email",
	 "CHANNEL: email, webhook or spool. Messages already queued still go."},
	{"nudge", notify_nudge, "remind cadres of training they are due for (once a day each)",
	 "CADRE... --note TEXT | --file FILE --note TEXT", nudge_opts,
	 "utctl cadre due --onboarding-months 6 --format csv | utctl notify nudge --file - --note 'onboarding'", NULL},
	{0},
};
