/* The hooks of the command table's rows: what a field binding cannot say (a session's time as
 * typed, a class's sessions with their own venues, a course by code or id, cross-field checks). */
#include "hooks.h"
#include "ut/clock.h"
#include "ut/curvekey.h"
#include "ut/err.h"
#include "ut/i18n.h"
#include "ut/pbjson.h"
#include "ut/sheet.h"
#include "ut/utf8.h"
#include "envelope.pb-c.h"
#include "enrol.pb-c.h"
#include "notify.pb-c.h"
#include "report.pb-c.h"
#include "sched.pb-c.h"
#include "web.pb-c.h"

#include <sodium.h>
#include <utf8proc.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#define MAX_SESSIONS 200 /* per `class add`; more can follow with `session add` */

/* ---- session times as people type them ---- */

typedef struct span {
	const char *at, *date, *start, *end;
} span_t;

static int copy_trim(char *dst, size_t cap, const char *s, size_t n)
{
	while (n && *s == ' ')
		s++, n--;
	while (n && s[n - 1] == ' ')
		n--;
	if (n >= cap)
		return 0;
	memcpy(dst, s, n);
	dst[n] = '\0';
	return 1;
}

/* Unix seconds of a span; *given = 0 when no time was given at all. */
static int span_parse(ut_fill_t *f, const span_t *w, int64_t *s, int64_t *e, int *given)
{
	static const char form[] = "\"YYYY-MM-DD HH:MM-HH:MM\"";
	char day[32], from[16], to[16] = "";
	*given = w->at || w->date || w->start || w->end;
	if (!*given)
		return 0;
	if (w->at) {
		if (w->date || w->start)
			return ut_cmd_fail(f, 1, _("give a session time either as --at or as --date and --start, not both"));
		const char *sp = strpbrk(w->at, " T");
		if (!sp || !copy_trim(day, sizeof day, w->at, (size_t)(sp - w->at)))
			return ut_cmd_fail(f, 1, _("'%s' is not a session time (%s)"), w->at, form);
		const char *dash = strchr(sp + 1, '-');
		size_t fl = dash ? (size_t)(dash - sp - 1) : strlen(sp + 1);
		if (!copy_trim(from, sizeof from, sp + 1, fl) ||
		    (dash && !copy_trim(to, sizeof to, dash + 1, strlen(dash + 1))) || (dash && !*to))
			return ut_cmd_fail(f, 1, _("'%s' is not a session time (%s)"), w->at, form);
	} else {
		if (!w->date || !w->start)
			return ut_cmd_fail(f, 1, _("a session time needs --date and --start (or --at %s)"), form);
		if (!copy_trim(day, sizeof day, w->date, strlen(w->date)) ||
		    !copy_trim(from, sizeof from, w->start, strlen(w->start)))
			return ut_cmd_fail(f, 1, _("'%s %s' is not a date and time"), w->date, w->start);
	}
	if (ut_clock_parse_date_time(day, from, s))
		return ut_cmd_fail(f, 1, _("'%s %s' is not a valid date and time (YYYY-MM-DD HH:MM)"), day, from);
	if (*to && w->end)
		return ut_cmd_fail(f, 1, _("the end of '%s' is given twice (in the range and with --end)"), w->at);
	const char *end = *to ? to : w->end;
	if (!end)
		return ut_cmd_fail(f, 1, _("the session starting %s %s needs an end: %s or --end"), day, from, form);
	int bad = strchr(end, ' ') || strchr(end, 'T') ? ut_clock_parse_local(end, e) : ut_clock_parse_date_time(day, end, e);
	if (bad)
		return ut_cmd_fail(f, 1, _("end '%s' is neither HH:MM nor YYYY-MM-DD HH:MM"), end);
	if (*e <= *s)
		return ut_cmd_fail(f, 1, _("the session starting %s %s ends before it starts (overnight: --end \"YYYY-MM-DD HH:MM\")"),
				   day, from);
	return 0;
}

static span_t *span_state(ut_fill_t *f)
{
	if (!f->hook_state) {
		f->hook_state = calloc(1, sizeof(span_t));
		f->hook_free = free;
	}
	return f->hook_state;
}

static int span_word(span_t *w, const char *name, const char *value)
{
	if (!strcmp(name, "at"))
		w->at = value;
	else if (!strcmp(name, "date"))
		w->date = value;
	else if (!strcmp(name, "start"))
		w->start = value;
	else if (!strcmp(name, "end"))
		w->end = value;
	else
		return 0;
	return 1;
}

/* session add: the span into the Session request. */
int session_add_hook(ut_fill_t *f, const ut_arg_t *a, const char *value)
{
	span_t *w = span_state(f);
	if (!w)
		return UT_ENOMEM;
	if (a)
		return span_word(w, a->name, value), 0;
	Ut__Session *s = (Ut__Session *)f->req;
	int given;
	if (span_parse(f, w, &s->starts_at, &s->ends_at, &given))
		return UT_EINVAL;
	return given ? 0 : ut_cmd_fail(f, 1, _("missing --at WHEN (or --date, --start and --end)"));
}

/* class add: each --end, --venue and --lecturer belongs to the --session before it; a --venue or
 * --lecturer before the first --session applies to every session that names none. */
typedef struct sessions {
	int n;
	span_t when[MAX_SESSIONS];
	int64_t venue[MAX_SESSIONS + 1], lecturer[MAX_SESSIONS + 1]; /* [0]: before any --session */
	char has_venue[MAX_SESSIONS + 1], has_lecturer[MAX_SESSIONS + 1];
} sessions_t;

int class_add_hook(ut_fill_t *f, const ut_arg_t *a, const char *value)
{
	if (!f->hook_state) {
		f->hook_state = calloc(1, sizeof(sessions_t));
		f->hook_free = free;
		if (!f->hook_state)
			return UT_ENOMEM;
	}
	sessions_t *st = f->hook_state;
	if (a && !strcmp(a->name, "session")) {
		if (st->n == MAX_SESSIONS)
			return ut_cmd_fail(f, 1, _("more than %d sessions; add the rest with 'utctl session add'"), MAX_SESSIONS);
		st->when[st->n++].at = value;
		return 0;
	}
	if (a && !strcmp(a->name, "end")) {
		if (!st->n)
			return ut_cmd_fail(f, 1, _("--end must follow the --session it ends"));
		if (st->when[st->n - 1].end)
			return ut_cmd_fail(f, 1, _("--end given twice for the session '%s'"), st->when[st->n - 1].at);
		st->when[st->n - 1].end = value;
		return 0;
	}
	if (a) { /* --venue or --lecturer: a name, an id or none */
		int venue = !strcmp(a->name, "venue");
		int64_t id = 0;
		int rc = strcmp(value, "none") ? ut_cmd_resolve(f, venue ? UT_REF_VENUE : UT_REF_LECTURER,
							       venue ? "--venue" : "--lecturer", value, &id)
					       : 0;
		if (rc)
			return rc;
		(venue ? st->venue : st->lecturer)[st->n] = id;
		(venue ? st->has_venue : st->has_lecturer)[st->n] = 1;
		return 0;
	}
	Ut__ClassAdd *add = (Ut__ClassAdd *)f->req;
	if (!(add->sessions = calloc((size_t)st->n + 1, sizeof *add->sessions)))
		return UT_ENOMEM;
	for (int i = 0; i < st->n; i++) {
		Ut__Session *s = malloc(sizeof *s);
		if (!s)
			return UT_ENOMEM;
		ut__session__init(s);
		add->sessions[add->n_sessions++] = s;
		int given;
		if (span_parse(f, &st->when[i], &s->starts_at, &s->ends_at, &given))
			return UT_EINVAL;
		s->venue_id = st->has_venue[i + 1] ? st->venue[i + 1] : st->venue[0];
		s->lecturer_id = st->has_lecturer[i + 1] ? st->lecturer[i + 1] : st->lecturer[0];
	}
	return 0;
}

/* course show: a bare number is the course's id, anything else its code. */
int course_ref_hook(ut_fill_t *f, const ut_arg_t *a, const char *value)
{
	if (!a)
		return 0;
	Ut__Ref *r = (Ut__Ref *)f->req;
	if (*value && strspn(value, "0123456789") == strlen(value)) {
		r->id = strtoll(value, NULL, 10);
		return 0;
	}
	if (!(r->code = strdup(value)))
		return UT_ENOMEM;
	return 0;
}

/* This year by local time (TZ): what a plan or report without --year is about. */
static int32_t this_year(void)
{
	time_t now = time(NULL);
	struct tm tm;
	localtime_r(&now, &tm);
	return tm.tm_year + 1900;
}

int plan_show_hook(ut_fill_t *f, const ut_arg_t *a, const char *value)
{
	Ut__PlanQuery *q = (Ut__PlanQuery *)f->req;
	if (!a && !q->year)
		q->year = this_year();
	return 0;
}

/* plan coverage 2025:40 2026:75 (or 2025:40,2026:75): each target appended to the request. */
int plan_coverage_hook(ut_fill_t *f, const ut_arg_t *a, const char *value)
{
	if (!a)
		return 0;
	for (const char *p = value; *p;) {
		int y, v, used = 0;
		if (sscanf(p, "%4d:%3d%n", &y, &v, &used) != 2 || (p[used] && p[used] != ','))
			return ut_cmd_fail(f, 1, _("'%s' is not YEAR:PERCENT (2027:100)"), value);
		json_t *t = json_pack("{s:i,s:i}", "year", y, "percent", v);
		int rc = t ? ut_pbjson_set_field(f->req, "targets", t, "", f->err, sizeof f->err) : UT_ENOMEM;
		json_decref(t);
		if (rc)
			return rc;
		p += used + (p[used] == ',');
	}
	return 0;
}

/* The report a row asks for is its verb; the year is this one unless given. */
int report_hook(ut_fill_t *f, const ut_arg_t *a, const char *value)
{
	Ut__ReportQuery *q = (Ut__ReportQuery *)f->req;
	if (a)
		return 0;
	if (!q->year)
		q->year = this_year();
	if (f->cmd->type != UT__MSG_TYPE__MSG_REPORT_QUERY)
		return 0;
	json_t *kind = json_string(f->cmd->verb);
	int rc = kind ? ut_pbjson_set_field(f->req, "kind", kind, "", f->err, sizeof f->err) : UT_ENOMEM;
	json_decref(kind);
	return rc;
}

/* class change: the session's new time; the options that change a session need --session; and
 * something must change. */
int class_change_hook(ut_fill_t *f, const ut_arg_t *a, const char *value)
{
	span_t *w = span_state(f);
	if (!w)
		return UT_ENOMEM;
	if (a)
		return span_word(w, a->name, value), 0;
	Ut__ClassChange *ch = (Ut__ClassChange *)f->req;
	Ut__Session *s = ch->session;
	int given, moves = w->at || w->date || w->start || w->end;
	if (!s && moves) {
		if (!(s = ch->session = malloc(sizeof *s)))
			return UT_ENOMEM;
		ut__session__init(s);
	}
	if (s && !s->id)
		return ut_cmd_fail(f, 1, _("--at, --date, --venue and --lecturer change a session: say which with --session N"));
	if (s && !moves && !s->venue_id && !s->lecturer_id && !ch->clear_venue && !ch->clear_lecturer)
		return ut_cmd_fail(f, 1, _("--session %lld: nothing to change (give --at, --venue or --lecturer)"), (long long)s->id);
	if (!s && !ch->capacity && !*ch->title && !*ch->audience && !*ch->state && !*ch->format && !*ch->join_url)
		return ut_cmd_fail(f, 1, _("nothing to change"));
	if (!s)
		return 0;
	s->class_id = ch->id;
	/* without new times starts_at and ends_at stay 0: the daemon keeps the session's times */
	return span_parse(f, w, &s->starts_at, &s->ends_at, &given);
}

int class_list_hook(ut_fill_t *f, const ut_arg_t *a, const char *value)
{
	const Ut__ClassQuery *q = (const Ut__ClassQuery *)f->req;
	if (!a && q->from && q->to && q->to <= q->from)
		return ut_cmd_fail(f, 1, _("--to is not after --from"));
	return 0;
}

/* session add: the reply is the whole class; people know the new session by its number in the
 * class, which is the count of its sessions (numbers follow the order sessions were added). */
void session_added(const ProtobufCMessage *req, const ProtobufCMessage *rep, FILE *out)
{
	const Ut__Class *k = (const Ut__Class *)rep;
	fprintf(out, _("session %zu added to class %lld (version %d)\n"), k->n_sessions, (long long)k->id, k->version);
}

/* class close: said so when it was closed before its last session ended. */
void class_closed(const ProtobufCMessage *req, const ProtobufCMessage *rep, FILE *out)
{
	const Ut__Class *k = (const Ut__Class *)rep;
	fprintf(out, k->forced ? _("class %lld closed early (version %d)\n") : _("class %lld closed (version %d)\n"),
		(long long)k->id, k->version);
	fputs(_("Each confirmed cadre's completion is computed from the roll-calls and reflections so far; an officer\n"
		"may still correct a roll-call, accept a reflection late, or reopen the class.\n"), out);
}

/* cadre due: under the table, how many are due and how many have a class planned. */
void due_counted(const ProtobufCMessage *req, const ProtobufCMessage *rep, FILE *out)
{
	const Ut__DueList *l = (const Ut__DueList *)rep;
	size_t planned = 0;
	for (size_t i = 0; i < l->n_items; i++)
		planned += l->items[i]->planned_class != 0;
	fprintf(out, _("%zu due, %zu planned\n"), l->n_items - planned, planned);
}

/* notify preview: the message as it would go, its text as it is. */
void notice_previewed(const ProtobufCMessage *req, const ProtobufCMessage *rep, FILE *out)
{
	const Ut__Preview *p = (const Ut__Preview *)rep;
	fprintf(out, "%s: %s\n%s: %s\n%s: %s\n%s: %s\n%s: %s\n\n%s", _("Kind"), ut_tr_word(p->kind), _("Locale"), p->locale,
		_("Channel"), *p->channel ? ut_tr_word(p->channel) : _("(none: no usable contact)"), _("To"),
		*p->address ? p->address : "-", _("Subject"), p->subject, p->text);
	if (*p->ics)
		fprintf(out, "\n--- %s class.ics ---\n%s", _("attachment"), p->ics);
}

/* notify optout: what the cadre gets now. */
void optout_said(const ProtobufCMessage *req, const ProtobufCMessage *rep, FILE *out)
{
	const Ut__OptOut *o = (const Ut__OptOut *)rep;
	fprintf(out, o->undo ? _("cadre %s gets %s messages again\n") : _("cadre %s no longer gets %s messages\n"), o->cadre_id,
		ut_tr_word(o->channel));
}


/* cadre due: at least one of the two criteria. */
int cadre_due_hook(ut_fill_t *f, const ut_arg_t *a, const char *value)
{
	const Ut__DueQuery *q = (const Ut__DueQuery *)f->req;
	if (!a && !q->onboarding_months && !q->retrain_years)
		return ut_cmd_fail(f, 1, _("give --onboarding-months N, --retrain-years N or both"));
	return 0;
}

/* unit add: public unless --ownership says otherwise. */
int unit_add_hook(ut_fill_t *f, const ut_arg_t *a, const char *value)
{
	Ut__OrgUnit *u = (Ut__OrgUnit *)f->req;
	if (!a && !*u->ownership && !(u->ownership = strdup("public")))
		return UT_ENOMEM;
	return 0;
}

/* unit list: the whole tree, or the part under --under. */
int unit_list_hook(ut_fill_t *f, const ut_arg_t *a, const char *value)
{
	if (!a)
		((Ut__UnitQuery *)f->req)->all = 1;
	return 0;
}

/* cadre add: full-time unless --part-time; cadre change: "yes" or "no" only when one is given. The
 * state is the name of the switch given (a string of the row, not freed). */
int cadre_time_hook(ut_fill_t *f, const ut_arg_t *a, const char *value)
{
	const char *given = f->hook_state;
	if (a) {
		if (given && strcmp(given, a->name))
			return ut_cmd_fail(f, 1, _("--full-time and --part-time: give one of them"));
		f->hook_state = (void *)a->name;
		return 0;
	}
	int full = !given || !strcmp(given, "full-time");
	if (f->req->descriptor == &ut__cadre__descriptor) {
		((Ut__Cadre *)f->req)->full_time = full;
		return 0;
	}
	Ut__CadreChange *ch = (Ut__CadreChange *)f->req;
	if (given && !(ch->full_time = strdup(full ? "yes" : "no")))
		return UT_ENOMEM;
	return 0;
}

/* ---- the cadre registry from a file ---- */

typedef struct import {
	char *file, *data;
	size_t len;
	const char *encoding;
} import_t;

static void import_free(void *p)
{
	import_t *im = p;
	free(im->file);
	free(im->data);
	free(im);
}

/* Officers' lists name a unit as people know it: the code of the one unit whose code or exact name
 * the cell is; the cell itself when none is (the node says the unit is unknown); NULL when several
 * units bear that name. */
static const char *unit_code_of(const Ut__UnitList *l, char *const *nfc_names, const char *cell, int *known)
{
	const char *code = cell;
	int named = 0;
	*known = 1;
	for (size_t u = 0; u < l->n_units; u++) {
		if (!strcmp(l->units[u]->code, cell))
			return cell;
		if (!strcmp(nfc_names[u] ? nfc_names[u] : l->units[u]->name, cell) && named++ == 0)
			code = l->units[u]->code;
	}
	*known = named > 0;
	return named > 1 ? NULL : code;
}

/* cadre import: the file (kept until every word is in, as --encoding may follow it), read as a
 * cadre list; every line's errors are noted, and then the node checks the good lines without
 * changing anything, so the officer sees every mistake in one round. */
int cadre_import_hook(ut_fill_t *f, const ut_arg_t *a, const char *value)
{
	import_t *im = f->hook_state;
	if (!im) {
		if (!(im = f->hook_state = calloc(1, sizeof *im)))
			return UT_ENOMEM;
		f->hook_free = import_free;
	}
	if (a && a->kind == UT_ARG_HOOK) { /* --encoding */
		if (!ut_sheet_encoding_known(value))
			return ut_cmd_fail(f, 1, _("--encoding: '%s' is not %s"), value, UT_SHEET_ENCODINGS);
		im->encoding = value;
		return 0;
	}
	if (a) {
		if (!(im->file = strdup(value)) || !(im->data = malloc(f->file_len + 1)))
			return UT_ENOMEM;
		memcpy(im->data, f->file_data, f->file_len);
		im->len = f->file_len;
		return 0;
	}
	ut_sheet_opts_t so = {.encoding = im->encoding, .day_first = !strcmp(ut_cmd_node_locale(), "vi")};
	ut_sheet_t *s = NULL;
	int rc = ut_sheet_read(&s, im->data, im->len, ut_sheet_cadre_cols, &so);
	if (rc == UT_ENOMEM || !s) {
		ut_sheet_destroy(&s);
		return UT_ENOMEM;
	}
	if (s->warning)
		ut_cmd_warn(f, _("warning: %s: %s"), im->file, s->warning);
	for (int i = 0; i < s->kept; i++)
		ut_cmd_note(f, "%s: %s", im->file, s->errors[i]);
	if (s->nerrors > s->kept)
		ut_cmd_note(f, _("%s: ... and %d more"), im->file, s->nerrors - s->kept);
	Ut__UnitQuery uq = UT__UNIT_QUERY__INIT;
	uq.all = 1;
	Ut__UnitList *units = NULL;
	rc = ut_cmd_call(f, "ut-enrold", UT__MSG_TYPE__MSG_UNIT_LIST, &uq.base, &ut__unit_list__descriptor,
			 (ProtobufCMessage **)&units);
	/* the file's units are NFC (as the reader gives names), whatever keyboard typed them */
	char **nfc_names = rc ? NULL : calloc(units->n_units + 1, sizeof *nfc_names);
	if (!rc && !nfc_names)
		rc = UT_ENOMEM;
	for (size_t u = 0; !rc && u < units->n_units; u++)
		nfc_names[u] = (char *)utf8proc_NFC((const utf8proc_uint8_t *)units->units[u]->name);
	Ut__CadreImport *q = (Ut__CadreImport *)f->req;
	q->workbook = !strcmp(s->line_word, "row");
	q->refused = s->nerrors;
	/* a column the file does not have leaves the stored values as they are: a list of names and
	 * units does not wipe the phones */
	static const struct { int col; const char *field; } keepable[] = {
		{UT_SHEET_C_FULL_TIME, "full_time"}, {UT_SHEET_C_ELECTED, "elected_on"}, {UT_SHEET_C_EMAIL, "email"},
		{UT_SHEET_C_PHONE, "phone"}, {UT_SHEET_C_LOCALE, "locale"}};
	for (size_t k = 0; !rc && k < sizeof keepable / sizeof *keepable; k++) {
		if (s->has >> keepable[k].col & 1)
			continue;
		json_t *v = json_string(keepable[k].field);
		rc = v ? ut_pbjson_set_field(f->req, "keep", v, "", f->err, sizeof f->err) : UT_ENOMEM;
		json_decref(v);
	}
	for (int i = 0; !rc && i < s->nrows; i++) {
		char **v = s->rows[i];
		int known;
		const char *unit = unit_code_of(units, nfc_names, v[UT_SHEET_C_UNIT], &known);
		if (*v[UT_SHEET_C_UNIT] && !unit && ++q->refused)
			ut_cmd_note(f, _("%s: %s %d: several units are named %s: give the unit's code"), im->file,
				    ut_tr_word(s->line_word), s->lines[i], v[UT_SHEET_C_UNIT]);
		/* a line the reader refused still goes to the node for its other checks (unknown unit,
		 * repeated id, ...) when its required cells are good; else its unit is checked here */
		int sendable = *v[UT_SHEET_C_ID] && *v[UT_SHEET_C_NAME] && *v[UT_SHEET_C_UNIT] && *v[UT_SHEET_C_POSITION];
		if (s->bad[i] && !sendable && *v[UT_SHEET_C_UNIT] && !known && ++q->refused)
			ut_cmd_note(f, _("%s: %s %d: no unit %s"), im->file, ut_tr_word(s->line_word), s->lines[i],
				    v[UT_SHEET_C_UNIT]);
		if (!unit || (s->bad[i] && !sendable))
			continue;
		/* cells are taken as the text they are: "=1+2" is a name, "+84 ..." a phone number */
		json_t *c = json_pack("{s:s,s:s,s:s,s:s,s:b,s:s,s:s,s:s,s:s}", "id", v[UT_SHEET_C_ID], "name",
				      v[UT_SHEET_C_NAME], "unit_code", unit, "position", v[UT_SHEET_C_POSITION],
				      "full_time", strcmp(v[UT_SHEET_C_FULL_TIME], "no") != 0, "elected_on",
				      v[UT_SHEET_C_ELECTED], "email", v[UT_SHEET_C_EMAIL], "phone", v[UT_SHEET_C_PHONE],
				      "locale", v[UT_SHEET_C_LOCALE]);
		json_t *line = json_integer(s->lines[i]);
		rc = c && line ? ut_pbjson_set_field(f->req, "cadres", c, "", f->err, sizeof f->err) : UT_ENOMEM;
		if (!rc)
			rc = ut_pbjson_set_field(f->req, "lines", line, "", f->err, sizeof f->err);
		json_decref(c);
		json_decref(line);
	}
	ut_sheet_destroy(&s);
	for (size_t u = 0; nfc_names && u < units->n_units; u++)
		free(nfc_names[u]);
	free(nfc_names);
	if (units)
		ut__unit_list__free_unpacked(units, NULL);
	if (rc)
		return rc;
	if (f->refused) {
		q->dry_run = 1;
		if (!q->n_cadres)
			return ut_cmd_fail(f, 0, _("%s: no line can be imported"), im->file);
		ut_cmd_note(f, _("%s: nothing is imported; the other lines are checked all the same"), im->file);
	} else if (!q->n_cadres)
		return ut_cmd_fail(f, 0, _("%s: no cadres in the file"), im->file);
	return 0;
}

/* cadre import: what the node found wrong, else what was (or would be) done. */
void imported(const ProtobufCMessage *req, const ProtobufCMessage *rep, FILE *out)
{
	const Ut__ImportReply *r = (const Ut__ImportReply *)rep;
	int rows = ((const Ut__CadreImport *)req)->workbook;
	for (size_t i = 0; i < r->n_errors; i++) {
		const Ut__ImportError *e = i < r->n_details ? r->details[i] : NULL;
		char said[700];
		if (e && *e->code) { /* said in the reader's language, lines named as the reader's were */
			ut_i18n_render(said, sizeof said, _(e->code), (const char *const *)e->args, e->n_args);
			fprintf(stderr, rows ? _("row %d: %s\n") : _("line %d: %s\n"), e->line, said);
		} else
			fprintf(stderr, "%s\n", r->errors[i]);
	}
	if (r->more_errors)
		fprintf(stderr, _("... and %d more\n"), r->more_errors);
	size_t all = r->n_errors + (size_t)r->more_errors + (size_t)((const Ut__CadreImport *)req)->refused;
	if (all) /* the file's own errors and the node's */
		fprintf(stderr, _("utctl: %zu errors; nothing imported\n"), all);
	else if (r->dry_run)
		fprintf(out, _("dry run, nothing changed: would be %d added, %d changed, %d unchanged\n"), r->added,
			r->changed, r->unchanged);
	else
		fprintf(out, _("imported: %d added, %d changed, %d unchanged\n"), r->added, r->changed, r->unchanged);
}

/* ---- enrolment and roll-call ---- */

/* The id of the one active cadre named exactly `name` (malloc'd into *id), or a note saying why not
 * (the candidates when several share the name). UT_ENOTFOUND after the note. */
static int cadre_by_name(ut_fill_t *f, const char *where, const char *name, char **id)
{
	Ut__CadreQuery q = UT__CADRE_QUERY__INIT;
	q.name = (char *)name;
	q.state = "active";
	q.limit = 100;
	Ut__CadreList *l;
	int rc = ut_cmd_call(f, "ut-enrold", UT__MSG_TYPE__MSG_CADRE_LIST, &q.base, &ut__cadre_list__descriptor,
			     (ProtobufCMessage **)&l);
	if (rc)
		return rc;
	char others[400] = "";
	size_t used = 0;
	int n = 0;
	*id = NULL;
	for (size_t i = 0; i < l->n_cadres; i++) {
		if (strcmp(l->cadres[i]->name, name))
			continue; /* the search also finds fragments and other spellings */
		if (n++ == 0 && !(*id = strdup(l->cadres[i]->id)))
			rc = UT_ENOMEM;
		if (used + 80 < sizeof others)
			used += (size_t)snprintf(others + used, sizeof others - used, "%s%s (%s)", n > 1 ? ", " : "",
						 l->cadres[i]->id, l->cadres[i]->unit_code);
	}
	if (!rc && n != 1) {
		if (n)
			ut_cmd_note(f, _("%s: %d cadres are named %s: %s; give the id"), where, n, name, others);
		else
			ut_cmd_note(f, _("%s: no active cadre is named %s"), where, name);
		free(*id);
		*id = NULL;
		rc = UT_ENOTFOUND;
	}
	ut__cadre_list__free_unpacked(l, NULL);
	return rc;
}

/* The sheet errors as one refusal: every line, as the reader said them (its first ones, then how
 * many more). */
static int sheet_fail(ut_fill_t *f, const char *file, const ut_sheet_t *s)
{
	for (int i = 0; i < s->kept; i++)
		ut_cmd_note(f, "%s: %s", file, s->errors[i]);
	if (s->nerrors > s->kept)
		ut_cmd_note(f, _("%s: ... and %d more"), file, s->nerrors - s->kept);
	return ut_cmd_fail(f, 1, _("%s cannot be read (errors: %d); nothing is done"), file, s->nerrors);
}

/* Read f's file as a sheet of cols; UT_EINVAL after saying why. */
static int sheet_of(ut_fill_t *f, const char *file, const ut_sheet_col_t *cols, ut_sheet_t **s)
{
	ut_sheet_opts_t so = {.header_optional = 1};
	int rc = ut_sheet_read(s, f->file_data, f->file_len, cols, &so);
	if (rc == UT_ENOMEM || !*s)
		return UT_ENOMEM;
	if ((*s)->warning)
		ut_cmd_warn(f, _("warning: %s: %s"), file, (*s)->warning);
	return rc ? sheet_fail(f, file, *s) : 0;
}

/* The characters of a cadre id (letters, digits, - _ . /). */
#define ID_CHARS "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_./"

/* Append the cadres of a file (ids, or names where a line has no id) to ids; a name that is no
 * one's or several people's is noted and left out, the rest go. */
static int cadres_of_file(ut_fill_t *f, const char *file, char ***ids, size_t *n)
{
	ut_sheet_t *s = NULL;
	int rc = sheet_of(f, file, ut_sheet_cadre_ref_cols, &s);
	char **more = rc ? NULL : realloc(*ids, ((size_t)s->nrows + *n + 1) * sizeof **ids);
	if (!rc && !more)
		rc = UT_ENOMEM;
	if (more)
		*ids = more;
	for (int i = 0; !rc && i < s->nrows; i++) {
		const char *id = s->rows[i][UT_SHEET_K_ID], *name = s->rows[i][UT_SHEET_K_NAME];
		char where[300], *found = NULL;
		/* a list of one column is ids and names mixed: what cannot be an id is a name */
		if (*id && !*name && strspn(id, ID_CHARS) != strlen(id))
			name = id, id = "";
		snprintf(where, sizeof where, "%s %s %d", file, ut_tr_word(s->line_word), s->lines[i]);
		if (*id)
			found = strdup(id);
		else if (*name && (rc = cadre_by_name(f, where, name, &found)) == UT_ENOTFOUND)
			rc = 0; /* noted; the others go */
		else if (!*name)
			continue;
		if (!rc && found)
			(*ids)[(*n)++] = found;
		else if (!rc && *id)
			rc = UT_ENOMEM;
	}
	ut_sheet_destroy(&s);
	return rc;
}

/* enrol bulk: the cadres of --file, or of stdin when there is none. */
int enrol_bulk_hook(ut_fill_t *f, const ut_arg_t *a, const char *value)
{
	Ut__EnrolRequest *q = (Ut__EnrolRequest *)f->req;
	if (!a && !f->hook_state) { /* no --file: the list comes on stdin */
		static const ut_arg_t in = {"file", NULL, UT_ARG_FILE, 0, "FILE", ""};
		f->hook_state = (void *)&in;
		int rc = ut_cmd_set(f, &in, "-");
		if (rc)
			return rc;
	}
	if (!a)
		return q->n_cadre_ids || f->refused ? 0 : ut_cmd_fail(f, 1, _("no cadres in the list"));
	f->hook_state = (void *)a; /* a file was read: no stdin */
	return cadres_of_file(f, value, &q->cadre_ids, &q->n_cadre_ids);
}

/* notify nudge: the cadres named and those of --file; why, in the templates' words (--for) or the
 * officer's own (--note). */
int nudge_hook(ut_fill_t *f, const ut_arg_t *a, const char *value)
{
	Ut__Nudge *q = (Ut__Nudge *)f->req;
	if (a)
		return cadres_of_file(f, value, &q->cadre_ids, &q->n_cadre_ids);
	if (!q->n_cadre_ids && !f->refused)
		return ut_cmd_fail(f, 1, _("no cadres in the list"));
	if (!*q->note)
		return ut_cmd_fail(f, 1, _("say what they are due for: --for onboarding or retrain, or --note TEXT"));
	return 0;
}

/* notify nudge: how many were queued, and how many had one today already. */
void nudged(const ProtobufCMessage *req, const ProtobufCMessage *rep, FILE *out)
{
	const Ut__DeliveryList *l = (const Ut__DeliveryList *)rep;
	const Ut__Nudge *r = (const Ut__Nudge *)req;
	fprintf(out, _("nudges queued: %zu; already nudged today: %zu\n"), l->n_deliveries,
		r->n_cadre_ids > l->n_deliveries ? r->n_cadre_ids - l->n_deliveries : 0);
}

typedef struct marks {
	int except;
} marks_t;

static int add_marks(ut_fill_t *f, const char *list, const char *mark)
{
	Ut__RollCall *q = (Ut__RollCall *)f->req;
	char *copy = strdup(list), *save = NULL;
	if (!copy)
		return UT_ENOMEM;
	int rc = 0;
	for (char *t = strtok_r(copy, ", ", &save); t && !rc; t = strtok_r(NULL, ", ", &save)) {
		Ut__Mark **grown = realloc(q->marks, (q->n_marks + 1) * sizeof *grown);
		Ut__Mark *m = grown ? malloc(sizeof *m) : NULL;
		if (grown)
			q->marks = grown;
		if (!m) {
			rc = UT_ENOMEM;
			break;
		}
		ut__mark__init(m);
		q->marks[q->n_marks++] = m;
		if (!(m->cadre_id = strdup(t)) || !(m->mark = strdup(mark)))
			rc = UT_ENOMEM;
	}
	free(copy);
	return rc;
}

/* rollcall mark: marks by list (--present K1 K2), by --except, or from a sign-in sheet whose cadres
 * are named by id or, where the id is empty, by exact name (all found, or nothing is marked). */
int rollcall_hook(ut_fill_t *f, const ut_arg_t *a, const char *value)
{
	Ut__RollCall *q = (Ut__RollCall *)f->req;
	if (!f->hook_state) {
		if (!(f->hook_state = calloc(1, sizeof(marks_t))))
			return UT_ENOMEM;
		f->hook_free = free;
	}
	marks_t *st = f->hook_state;
	if (a && a->kind == UT_ARG_FILE) {
		ut_sheet_t *s = NULL;
		int rc = sheet_of(f, value, ut_sheet_rollcall_cols, &s), before = f->refused;
		for (int i = 0; !rc && i < s->nrows; i++) {
			char **v = s->rows[i], where[300], *id = NULL;
			snprintf(where, sizeof where, "%s %s %d", value, ut_tr_word(s->line_word), s->lines[i]);
			if (*v[UT_SHEET_R_ID])
				rc = add_marks(f, v[UT_SHEET_R_ID], v[UT_SHEET_R_MARK]);
			else if (!*v[UT_SHEET_R_NAME])
				ut_cmd_note(f, _("%s: neither a cadre id nor a name"), where);
			else if (!(rc = cadre_by_name(f, where, v[UT_SHEET_R_NAME], &id)))
				rc = add_marks(f, id, v[UT_SHEET_R_MARK]);
			else if (rc == UT_ENOTFOUND)
				rc = 0;
			free(id);
		}
		ut_sheet_destroy(&s);
		if (!rc && f->refused > before)
			return ut_cmd_fail(f, 1, _("%d cadres of %s not found; nothing marked"), f->refused - before, value);
		return rc;
	}
	if (a) {
		st->except |= !strcmp(a->name, "except");
		return add_marks(f, value, st->except && !strcmp(a->name, "except") ? "absent" : a->name);
	}
	if (st->except && !q->all_present)
		return ut_cmd_fail(f, 1, _("--except goes with --all-present"));
	if (q->all_present && q->rest_absent)
		return ut_cmd_fail(f, 1, _("--all-present and --rest-absent exclude each other"));
	if (!q->n_marks && !q->all_present && !q->rest_absent)
		return ut_cmd_fail(f, 1, _("no marks: give --present, --all-present, --file ..."));
	return 0;
}

/* reflection submit: the text of the file, as it is (UTF-8). */
int reflection_hook(ut_fill_t *f, const ut_arg_t *a, const char *value)
{
	if (!a)
		return 0;
	Ut__Reflection *r = (Ut__Reflection *)f->req;
	if (memchr(f->file_data, 0, f->file_len) || !ut_utf8_valid(f->file_data, f->file_len))
		return ut_cmd_fail(f, 1, _("%s is not UTF-8 text"), value);
	if (!(r->text = strndup(f->file_data, f->file_len)))
		return UT_ENOMEM;
	return 0;
}

/* enrol add and bulk: each cadre's answer, then the counts when there were several. */
void enrol_said(const ProtobufCMessage *req, const ProtobufCMessage *rep, FILE *out)
{
	const Ut__EnrolReply *r = (const Ut__EnrolReply *)rep;
	for (size_t i = 0; i < r->n_results; i++) {
		const Ut__EnrolResult *x = r->results[i];
		char said[1024];
		const char *t = *x->code ? ut_tr(x->code) : NULL;
		if (x->status && t && t != x->code)
			ut_i18n_render(said, sizeof said, t, (const char *const *)x->args, x->n_args);
		else if (x->status || !x->enrolment)
			snprintf(said, sizeof said, "%s", x->message);
		else if (x->enrolment->waitlist_pos)
			snprintf(said, sizeof said, _("waitlisted in class %lld at place %d"), (long long)x->enrolment->class_id,
				 x->enrolment->waitlist_pos);
		else
			snprintf(said, sizeof said, _("confirmed in class %lld"), (long long)x->enrolment->class_id);
		fprintf(out, "%s: %s: %s\n", x->cadre_id, ut_tr_word(x->status ? ut_status_name(x->status) : "ok"), said);
	}
	if (r->n_results > 1)
		fprintf(out, _("%d confirmed, %d waitlisted, %d refused\n"), r->confirmed, r->waitlisted, r->refused);
}

/* enrol cancel: who gave the seat up, and who got it. */
void enrol_cancelled(const ProtobufCMessage *req, const ProtobufCMessage *rep, FILE *out)
{
	const Ut__EnrolCancelReply *r = (const Ut__EnrolCancelReply *)rep;
	fprintf(out, _("cadre %s cancelled in class %lld\n"), r->cancelled->cadre_id, (long long)r->cancelled->class_id);
	if (r->promoted)
		fprintf(out, _("cadre %s promoted from the waitlist\n"), r->promoted->cadre_id);
}

/* enrol list of one class: the seats taken and the queue. */
void enrol_listed(const ProtobufCMessage *req, const ProtobufCMessage *rep, FILE *out)
{
	const Ut__EnrolList *l = (const Ut__EnrolList *)rep;
	const Ut__EnrolQuery *q = (const Ut__EnrolQuery *)req;
	if (q->class_id)
		fprintf(out, _("class %lld: %d of %d seats taken, %d waiting\n"), (long long)q->class_id, l->confirmed,
			l->capacity, l->waitlisted);
}

/* enrol list: a class or a cadre. */
int enrol_list_hook(ut_fill_t *f, const ut_arg_t *a, const char *value)
{
	const Ut__EnrolQuery *q = (const Ut__EnrolQuery *)f->req;
	return a || q->class_id || *q->cadre_id ? 0 : ut_cmd_fail(f, 1, _("give --class ID or --cadre ID"));
}

/* rollcall mark: the corrections, then the counts. */
void rollcall_said(const ProtobufCMessage *req, const ProtobufCMessage *rep, FILE *out)
{
	const Ut__RollCallReply *r = (const Ut__RollCallReply *)rep;
	int corrected = 0;
	for (size_t i = 0; i < r->n_marked; i++)
		if (*r->marked[i]->previous) {
			corrected++;
			fprintf(out, _("%s: %s (was %s, revision %d)\n"), r->marked[i]->cadre_id, ut_tr_word(r->marked[i]->mark),
				ut_tr_word(r->marked[i]->previous), r->marked[i]->revision);
		}
	fprintf(out, _("%zu marked (%d corrections), %d unchanged\n"), r->n_marked, corrected, r->unchanged);
}

/* ---- the web console's accounts ---- */

#define MIN_PASSWORD 10

/* One line from the terminal, not echoed. */
static int ask(const char *prompt, char *buf, size_t len)
{
	FILE *tty = fopen("/dev/tty", "r+");
	if (!tty)
		return -1;
	struct termios old, quiet;
	int fd = fileno(tty), restore = tcgetattr(fd, &old) == 0;
	if (restore) {
		quiet = old;
		quiet.c_lflag &= (tcflag_t)~ECHO;
		tcsetattr(fd, TCSAFLUSH, &quiet);
	}
	fputs(prompt, tty);
	fflush(tty);
	int ok = fgets(buf, (int)len, tty) != NULL;
	if (restore)
		tcsetattr(fd, TCSAFLUSH, &old);
	fputs("\n", tty);
	fclose(tty);
	buf[ok ? strcspn(buf, "\r\n") : 0] = '\0';
	return ok ? 0 : -1;
}

/* user add, user passwd: the password from --password-file, else asked twice; only its Argon2id
 * hash goes into the request. */
int password_hook(ut_fill_t *f, const ut_arg_t *a, const char *value)
{
	char pw[256], again[256];
	const char *name = strcmp(f->cmd->verb, "add") ? ((Ut__UserChange *)f->req)->name : ((Ut__User *)f->req)->name;
	if (a) { /* the file's first line */
		size_t n = strcspn(f->file_data, "\r\n");
		if (n >= sizeof pw)
			return ut_cmd_fail(f, 1, _("%s: the password is longer than %zu bytes"), value, sizeof pw - 1);
		memcpy(pw, f->file_data, n);
		pw[n] = '\0';
		f->hook_state = (void *)a;
	} else if (f->hook_state)
		return 0; /* hashed already */
	else {
		char prompt[200];
		snprintf(prompt, sizeof prompt, _("password for %s: "), name);
		if (ask(prompt, pw, sizeof pw))
			return ut_cmd_fail(f, 1, _("no terminal to ask for the password: give --password-file (- for stdin)"));
		if (ask(_("the same again: "), again, sizeof again) || strcmp(pw, again)) {
			sodium_memzero(pw, sizeof pw);
			return ut_cmd_fail(f, 1, _("the two passwords differ"));
		}
		sodium_memzero(again, sizeof again);
	}
	int rc = 0;
	char hash[crypto_pwhash_STRBYTES];
	if (strlen(pw) < MIN_PASSWORD)
		rc = ut_cmd_fail(f, 1, _("a password has at least %d characters"), MIN_PASSWORD);
	else if (sodium_init() < 0 || crypto_pwhash_str(hash, pw, strlen(pw), crypto_pwhash_OPSLIMIT_INTERACTIVE,
							   crypto_pwhash_MEMLIMIT_INTERACTIVE))
		rc = UT_ENOMEM;
	sodium_memzero(pw, sizeof pw);
	if (!rc) {
		json_t *h = json_string(hash);
		rc = h ? ut_pbjson_set_field(f->req, "password_hash", h, "", f->err, sizeof f->err) : UT_ENOMEM;
		json_decref(h);
	}
	return rc;
}

/* user disable: disabled unless --undo. */
int disable_hook(ut_fill_t *f, const ut_arg_t *a, const char *value)
{
	Ut__UserChange *c = (Ut__UserChange *)f->req;
	if (!a)
		c->disable = !c->enable;
	return 0;
}

void disable_said(const ProtobufCMessage *req, const ProtobufCMessage *rep, FILE *out)
{
	const Ut__User *u = (const Ut__User *)rep;
	fprintf(out, u->disabled ? _("account %s disabled; its sessions are ended\n") : _("account %s enabled\n"), u->name);
}

/* node child add: the key as `utctl node keygen` prints it. */
int child_key_hook(ut_fill_t *f, const ut_arg_t *a, const char *value)
{
	if (!a)
		return 0;
	if (!ut_curvekey_valid(value))
		return ut_cmd_fail(f, 1, _("PUBKEY must be 40 characters of Z85, as `utctl node keygen` prints it"));
	char *k = strdup(value);
	if (!k)
		return UT_ENOMEM;
	((Ut__Child *)f->req)->public_key = k;
	return 0;
}

/* node status: under the daemons, ut-notifyd's delivery workers, its notices by state, and what
 * an operator must hear about: no channel beyond the spool, no worker running. */
void node_status_said(const ProtobufCMessage *req, const ProtobufCMessage *rep, FILE *out)
{
	const Ut__NodeStatus *ns = (const Ut__NodeStatus *)rep;
	const Ut__DeliveryStatus *d = NULL;
	for (size_t i = 0; i < ns->n_daemons; i++)
		if (ns->daemons[i]->status && ns->daemons[i]->status->delivery)
			d = ns->daemons[i]->status->delivery;
	if (!d)
		return;
	size_t up = 0;
	int64_t now = ut_clock_now_ms();
	fprintf(out, "\n%s\n", _("Delivery workers:"));
	for (size_t i = 0; i < d->n_workers; i++) {
		const Ut__WorkerState *w = d->workers[i];
		char ago[32];
		ut_clock_format_duration(now > w->seen_ms ? (now - w->seen_ms) / 1000 : 0, ago, sizeof ago);
		up += !strcmp(w->state, "up");
		fprintf(out, _("  %s (%s, pid %d): %s, last seen %s ago, %lld sent, %lld failed\n"), w->name, w->host,
			(int)w->pid, ut_tr_word(w->state), ago, (long long)w->sent, (long long)w->failed);
	}
	if (!d->n_workers)
		fprintf(out, "  %s\n", _("(none)"));
	fprintf(out, _("Notices: %lld scheduled, %lld queued, %lld retrying, %lld dead\n"), (long long)d->scheduled,
		(long long)d->queued, (long long)d->retrying, (long long)d->dead);
	int beyond_spool = 0;
	for (size_t i = 0; i < d->n_channels; i++)
		beyond_spool |= strcmp(d->channels[i], "spool") != 0;
	if (!beyond_spool)
		fprintf(out, "%s\n", _("Warning: no email or webhook channel is configured ([notify] smtp_url, webhook_url): "
					"notices go to the spool directory only."));
	if (!up)
		fprintf(out, "%s\n", _("Warning: no delivery worker is running: notices wait in the queue "
					"(start one: ut-notifyd --worker, or ./deploy/ut-node up)."));
}
