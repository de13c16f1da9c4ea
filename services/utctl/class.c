/* Class and session commands sent to ut-schedd: scheduling a class with its timetable, changing,
 * cancelling and closing it, and the session times people type ("2026-03-05 09:00-12:00"). */
#include "utctl.h"
#include "output.h"
#include "sched.pb-c.h"
#include "ut/clock.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#define SCHEDD "ut-schedd"
#define MAX_SESSIONS 200 /* per `class add`; more can follow with `session add` */

enum {
	O_COURSE = OPT_FIRST,
	O_TITLE,
	O_LEVEL,
	O_FORMAT,
	O_CAPACITY,
	O_AUDIENCE,
	O_SESSION,
	O_AT,
	O_DATE,
	O_START,
	O_END,
	O_VENUE,
	O_LECTURER,
	O_STATE,
	O_FROM,
	O_TO,
	O_LIMIT,
	O_AFTER,
	O_REASON,
	O_FORCE,
	O_JOIN,
};

/* A session's time as typed: --at "DATE HH:MM-HH:MM", or --at/--date+--start with --end. Kept as
 * text until the config (and so the time zone) is loaded. */
typedef struct span {
	const char *at, *date, *start, *end;
} span_t;

/* Copy s[0..n) without surrounding blanks; 0 if it does not fit. */
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

/* Unix seconds of a span; *given = 0 when no time option was used at all. */
static int span_parse(const ctx_t *c, const span_t *w, int64_t *s, int64_t *e, int *given)
{
	static const char form[] = "\"YYYY-MM-DD HH:MM-HH:MM\"";
	char day[32], from[16], to[16] = "";
	*given = w->at || w->date || w->start || w->end;
	if (!*given)
		return 0;
	if (w->at) {
		if (w->date || w->start)
			return usage(c, "give a session time either as --at or as --date and --start, not both");
		const char *sp = strpbrk(w->at, " T");
		if (!sp || !copy_trim(day, sizeof day, w->at, (size_t)(sp - w->at)))
			return usage(c, "'%s' is not a session time (%s)", w->at, form);
		const char *dash = strchr(sp + 1, '-');
		size_t fl = dash ? (size_t)(dash - sp - 1) : strlen(sp + 1);
		if (!copy_trim(from, sizeof from, sp + 1, fl) || (dash && !copy_trim(to, sizeof to, dash + 1, strlen(dash + 1))))
			return usage(c, "'%s' is not a session time (%s)", w->at, form);
		if (dash && !*to)
			return usage(c, "'%s' is not a session time (%s)", w->at, form);
	} else {
		if (!w->date || !w->start)
			return usage(c, "a session time needs --date and --start (or --at %s)", form);
		if (!copy_trim(day, sizeof day, w->date, strlen(w->date)) ||
		    !copy_trim(from, sizeof from, w->start, strlen(w->start)))
			return usage(c, "'%s %s' is not a date and time", w->date, w->start);
	}
	if (ut_clock_parse_date_time(day, from, s))
		return usage(c, "'%s %s' is not a valid date and time (YYYY-MM-DD HH:MM)", day, from);
	if (*to && w->end)
		return usage(c, "the end of '%s' is given twice (in the range and with --end)", w->at);
	const char *end = *to ? to : w->end;
	if (!end)
		return usage(c, "the session starting %s %s needs an end: %s or --end", day, from, form);
	int bad = strchr(end, ' ') || strchr(end, 'T') ? ut_clock_parse_local(end, e)
						       : ut_clock_parse_date_time(day, end, e);
	if (bad)
		return usage(c, "end '%s' is neither HH:MM nor YYYY-MM-DD HH:MM", end);
	if (*e <= *s)
		return usage(c, "the session starting %s %s ends before it starts (overnight: --end \"YYYY-MM-DD HH:MM\")",
			     day, from);
	return 0;
}

/* "2026-03-05 09:00-12:00", or both ends in full when they fall on different days. */
static const char *span_format(int64_t s, int64_t e, char *buf, size_t len)
{
	char a[32], b[32];
	ut_clock_format_local(s, a, sizeof a);
	ut_clock_format_local(e, b, sizeof b);
	if (strlen(a) == 16 && strlen(b) == 16 && memcmp(a, b, 11) == 0)
		snprintf(buf, len, "%s-%s", a, b + 11);
	else
		snprintf(buf, len, "%s - %s", a, b);
	return buf;
}

static const char *named(int64_t id, const char *name, char *buf, size_t len)
{
	if (!id)
		return "-";
	if (name && *name)
		snprintf(buf, len, "%s (%lld)", name, (long long)id);
	else
		snprintf(buf, len, "#%lld", (long long)id);
	return buf;
}

static void sessions_print(Ut__Session *const *v, size_t n, int indent)
{
	static const char *const h[] = {"SESSION", "WHEN", "VENUE", "LECTURER"};
	table_t *t = table_new(4, h, "rlll");
	for (size_t i = 0; i < n; i++) {
		char when[64], vb[256], lb[256];
		table_row(t);
		table_cell(t, "%lld", (long long)v[i]->id);
		table_cell(t, "%s", span_format(v[i]->starts_at, v[i]->ends_at, when, sizeof when));
		if (*v[i]->join_url && !v[i]->venue_id)
			table_cell(t, "%s", v[i]->join_url);
		else
			table_cell(t, "%s", named(v[i]->venue_id, v[i]->venue_name, vb, sizeof vb));
		table_cell(t, "%s", named(v[i]->lecturer_id, v[i]->lecturer_name, lb, sizeof lb));
	}
	table_print(t, stdout, indent);
	table_free(&t);
}

/* Confirmations of the verbs whose reply is the whole class. */
static void class_done(const ProtobufCMessage *m, const char *what)
{
	const Ut__Class *k = (const Ut__Class *)m;
	printf("class %lld %s (version %d)\n", (long long)k->id, what, k->version);
}

static void class_created(const ctx_t *c, const ProtobufCMessage *m, const ProtobufCMessage *req)
{
	class_done(m, "created");
}

static void class_changed(const ctx_t *c, const ProtobufCMessage *m, const ProtobufCMessage *req)
{
	class_done(m, "changed");
}

static void class_cancelled(const ctx_t *c, const ProtobufCMessage *m, const ProtobufCMessage *req)
{
	class_done(m, "cancelled");
}

static void class_closed(const ctx_t *c, const ProtobufCMessage *m, const ProtobufCMessage *req)
{
	class_done(m, ((const Ut__Class *)m)->forced ? "closed early" : "closed");
}

static void class_reopened(const ctx_t *c, const ProtobufCMessage *m, const ProtobufCMessage *req)
{
	class_done(m, "reopened: its completions are withdrawn until it is closed again");
}

/* ---- class add ---- */

static const optspec_t class_add_opts[] = {
	{O_COURSE, "course", "CODE", 1, "the course taught, by code (or numeric id)"},
	{O_CAPACITY, "capacity", "N", 1, "seats: how many cadres can enrol"},
	{O_TITLE, "title", "TEXT", 0, "class title (default: the course's title)"},
	{O_LEVEL, "level", "LEVEL", 0, "organised by: federation, province, city, county or grassroots"},
	{O_FORMAT, "format", "FORMAT", 0, "in_person, online or on_site"},
	{O_AUDIENCE, "audience", "TEXT", 0, "who the class is for, e.g. \"newly elected grassroots chairs\""},
	{O_SESSION, "session", "WHEN", 0, "a session, \"YYYY-MM-DD HH:MM-HH:MM\" (or \"YYYY-MM-DD HH:MM\" and --end); repeat"},
	{O_END, "end", "WHEN", 0, "end of the --session before it: HH:MM, or YYYY-MM-DD HH:MM for overnight"},
	{O_VENUE, "venue", "ID", 0, "venue of the --session before it; before any --session: of all; none = online"},
	{O_LECTURER, "lecturer", "ID", 0, "lecturer of the --session before it; before any --session: of all; none"},
	{O_JOIN, "join-url", "URL", 0, "online: the link cadres join by (shown in notices and calendars)"},
	{0},
};

typedef struct sess_arg {
	span_t when;
	int64_t venue, lecturer;
	int has_venue, has_lecturer;
} sess_arg_t;

static int class_add(ctx_t *c, int argc, char **argv)
{
	Ut__Class cls = UT__CLASS__INIT;
	sess_arg_t *sa = calloc(MAX_SESSIONS, sizeof *sa);
	Ut__Session *ss = calloc(MAX_SESSIONS, sizeof *ss);
	Ut__Session **sp = calloc(MAX_SESSIONS, sizeof *sp);
	sess_arg_t all = {0}; /* --venue/--lecturer given before any --session */
	int ns = 0, k, rc = EXIT_USAGE;
	opts_t o;
	const char *arg, *pos[1];
	long long v;
	if (!sa || !ss || !sp)
		abort();
	opt_begin(&o, c, argc, argv, c->verb->opts);
	while ((k = opt_next(&o, &arg)) > 0) {
		sess_arg_t *cur = ns ? &sa[ns - 1] : &all;
		int none;
		switch (k) {
		case O_COURSE:
			if (!is_number(arg))
				cls.course_code = (char *)arg;
			else if (parse_id(c, "--course", arg, 0, &cls.course_id, NULL))
				goto out;
			break;
		case O_CAPACITY:
			if (parse_num(c, "--capacity", arg, 1, INT32_MAX, &v))
				goto out;
			cls.capacity = (int32_t)v;
			break;
		case O_TITLE: cls.title = (char *)arg; break;
		case O_LEVEL: cls.level = (char *)arg; break;
		case O_FORMAT: cls.format = (char *)arg; break;
		case O_AUDIENCE: cls.audience = (char *)arg; break;
		case O_JOIN: cls.join_url = (char *)arg; break;
		case O_SESSION:
			if (ns == MAX_SESSIONS) {
				usage(c, "more than %d sessions; add the rest with 'utctl session add'", MAX_SESSIONS);
				goto out;
			}
			sa[ns++].when.at = arg;
			break;
		case O_END:
			if (!ns) {
				usage(c, "--end must follow the --session it ends");
				goto out;
			}
			if (cur->when.end) {
				usage(c, "--end given twice for the session '%s'", cur->when.at);
				goto out;
			}
			cur->when.end = arg;
			break;
		case O_VENUE:
			if (parse_id(c, "--venue", arg, 1, &cur->venue, &none))
				goto out;
			cur->has_venue = 1;
			break;
		case O_LECTURER:
			if (parse_id(c, "--lecturer", arg, 1, &cur->lecturer, &none))
				goto out;
			cur->has_lecturer = 1;
			break;
		}
	}
	if (k < 0 || opt_rest(&o, pos, 0, 0, "") < 0 || (rc = ctx_ready(c)))
		goto out;
	rc = EXIT_USAGE;
	for (int i = 0; i < ns; i++) {
		int given;
		ss[i] = (Ut__Session)UT__SESSION__INIT;
		if (span_parse(c, &sa[i].when, &ss[i].starts_at, &ss[i].ends_at, &given))
			goto out;
		ss[i].venue_id = sa[i].has_venue ? sa[i].venue : all.venue;
		ss[i].lecturer_id = sa[i].has_lecturer ? sa[i].lecturer : all.lecturer;
		sp[i] = &ss[i];
	}
	Ut__ClassAdd add = UT__CLASS_ADD__INIT;
	add.cls = &cls;
	add.n_sessions = (size_t)ns;
	add.sessions = sp;
	rc = request(c, SCHEDD, UT__MSG_TYPE__MSG_CLASS_ADD, &add.base, &ut__class__descriptor, class_created);
out:
	free(sa);
	free(ss);
	free(sp);
	return rc;
}

/* ---- class list / show ---- */

static const optspec_t class_list_opts[] = {
	{O_STATE, "state", "STATE", 0, "only classes in this state: planned, open, running, closed, cancelled"},
	{O_COURSE, "course", "CODE", 0, "only classes of this course"},
	{O_FROM, "from", "DATE", 0, "only classes with a session starting on or after DATE (YYYY-MM-DD [HH:MM])"},
	{O_TO, "to", "DATE", 0, "... and before DATE; a bare date includes that whole day"},
	{O_LIMIT, "limit", "N", 0, "at most N classes (default 1000)"},
	{O_AFTER, "after", "ID", 0, "only classes with an id greater than ID (the next page)"},
	{0},
};

static void class_table(const ctx_t *c, const ProtobufCMessage *m, const ProtobufCMessage *req)
{
	static const char *const h[] = {"ID", "COURSE", "STATE", "LEVEL", "FORMAT", "CAPACITY",
					"SESSIONS", "FIRST", "HOURS", "TITLE"};
	const Ut__ClassList *l = (const Ut__ClassList *)m;
	table_t *t = table_new(10, h, "rllllrrlrl");
	for (size_t i = 0; i < l->n_classes; i++) {
		const Ut__Class *k = l->classes[i];
		int64_t first = 0;
		char buf[32];
		for (size_t j = 0; j < k->n_sessions; j++)
			if (!first || k->sessions[j]->starts_at < first)
				first = k->sessions[j]->starts_at;
		table_row(t);
		table_cell(t, "%lld", (long long)k->id);
		table_cell(t, "%s", k->course_code);
		table_cell(t, "%s", k->state);
		table_cell(t, "%s", k->level);
		table_cell(t, "%s", k->format);
		table_cell(t, "%d", k->capacity);
		table_cell(t, "%zu", k->n_sessions);
		table_cell(t, "%s", first ? ut_clock_format_local(first, buf, sizeof buf) : "-");
		table_cell(t, "%d", k->hours);
		table_cell(t, "%s", k->title);
	}
	table_print(t, stdout, 0);
	table_free(&t);
}

static int class_list(ctx_t *c, int argc, char **argv)
{
	Ut__ClassQuery q = UT__CLASS_QUERY__INIT;
	const char *from = NULL, *to = NULL, *arg, *pos[1];
	opts_t o;
	long long v;
	int k, rc;
	opt_begin(&o, c, argc, argv, c->verb->opts);
	while ((k = opt_next(&o, &arg)) > 0) {
		switch (k) {
		case O_STATE: q.state = (char *)arg; break;
		case O_COURSE: q.course_code = (char *)arg; break;
		case O_FROM: from = arg; break;
		case O_TO: to = arg; break;
		case O_LIMIT:
			if (parse_num(c, "--limit", arg, 1, INT32_MAX, &v))
				return EXIT_USAGE;
			q.limit = (int32_t)v;
			break;
		case O_AFTER:
			if (parse_num(c, "--after", arg, 0, LLONG_MAX, &v))
				return EXIT_USAGE;
			q.after_id = v;
			break;
		}
	}
	if (k < 0 || opt_rest(&o, pos, 0, 0, "") < 0)
		return EXIT_USAGE;
	if ((rc = ctx_ready(c)))
		return rc;
	if ((from && parse_day(c, "--from", from, 0, &q.from)) || (to && parse_day(c, "--to", to, 1, &q.to)))
		return EXIT_USAGE;
	if (from && to && q.to <= q.from)
		return usage(c, "--to %s is not after --from %s", to, from);
	return request(c, SCHEDD, UT__MSG_TYPE__MSG_CLASS_LIST, &q.base, &ut__class_list__descriptor, class_table);
}

static void class_shown(const ctx_t *c, const ProtobufCMessage *m, const ProtobufCMessage *req)
{
	const Ut__Class *k = (const Ut__Class *)m;
	table_t *t = table_new(2, NULL, NULL);
	table_row(t);
	table_cell(t, "class");
	table_cell(t, "%lld (version %d)", (long long)k->id, k->version);
	table_row(t);
	table_cell(t, "course");
	table_cell(t, "%s%s%s%s", k->course_code, *k->category ? " (" : "", k->category, *k->category ? ")" : "");
	table_row(t);
	table_cell(t, "title");
	table_cell(t, "%s", k->title);
	table_row(t);
	table_cell(t, "state");
	table_cell(t, "%s%s%s", k->state, *k->reason ? ": " : "", k->reason);
	table_row(t);
	table_cell(t, "level");
	table_cell(t, "%s", k->level);
	table_row(t);
	table_cell(t, "format");
	table_cell(t, "%s", k->format);
	table_row(t);
	table_cell(t, "capacity");
	table_cell(t, "%d", k->capacity);
	table_row(t);
	table_cell(t, "audience");
	table_cell(t, "%s", k->audience);
	if (*k->join_url) {
		table_row(t);
		table_cell(t, "join link");
		table_cell(t, "%s", k->join_url);
	}
	table_row(t);
	table_cell(t, "hours");
	table_cell(t, "%d", k->hours);
	table_row(t);
	table_cell(t, "sessions");
	table_cell(t, "%zu", k->n_sessions);
	table_print(t, stdout, 0);
	table_free(&t);
	if (k->n_sessions) {
		putchar('\n');
		sessions_print(k->sessions, k->n_sessions, 0);
	}
}

/* The CLASS_ID positional of class show/cancel/close and session list. */
static int class_ref(ctx_t *c, int argc, char **argv, Ut__Ref *ref)
{
	const char *pos[1];
	if (opt_none(c, argc, argv, pos, 1, 1, "CLASS_ID") < 0)
		return EXIT_USAGE;
	return parse_id(c, "class id", pos[0], 0, &ref->id, NULL);
}

static int class_show(ctx_t *c, int argc, char **argv)
{
	Ut__Ref ref = UT__REF__INIT;
	int rc = class_ref(c, argc, argv, &ref);
	return rc ? rc : request(c, SCHEDD, UT__MSG_TYPE__MSG_CLASS_GET, &ref.base, &ut__class__descriptor, class_shown);
}

/* ---- class change / cancel / close ---- */

static const optspec_t class_change_opts[] = {
	{O_CAPACITY, "capacity", "N", 0, "new number of seats"},
	{O_TITLE, "title", "TEXT", 0, "new title"},
	{O_AUDIENCE, "audience", "TEXT", 0, "new audience description"},
	{O_FORMAT, "format", "FORMAT", 0, "in_person, online or on_site"},
	{O_JOIN, "join-url", "URL", 0, "the class's link to join (none removes it)"},
	{O_STATE, "state", "STATE", 0, "open (enrolment starts) or running; cancel and close have their own verbs"},
	{O_SESSION, "session", "SID", 0, "the session that the options below change (see 'utctl session list')"},
	{O_AT, "at", "WHEN", 0, "its new time, \"YYYY-MM-DD HH:MM-HH:MM\""},
	{O_DATE, "date", "DATE", 0, "its new date, YYYY-MM-DD, with --start and --end"},
	{O_START, "start", "HH:MM", 0, "its new start time"},
	{O_END, "end", "HH:MM", 0, "its new end time (or YYYY-MM-DD HH:MM)"},
	{O_VENUE, "venue", "ID", 0, "its new venue; none = online"},
	{O_LECTURER, "lecturer", "ID", 0, "its new lecturer; none = no lecturer"},
	{0},
};

static int class_change(ctx_t *c, int argc, char **argv)
{
	Ut__ClassChange ch = UT__CLASS_CHANGE__INIT;
	Ut__Session s = UT__SESSION__INIT;
	span_t when = {0};
	const char *arg, *pos[1], *needs_session = NULL;
	opts_t o;
	long long v;
	int k, rc, none, changes = 0, session_changes = 0;
	opt_begin(&o, c, argc, argv, c->verb->opts);
	while ((k = opt_next(&o, &arg)) > 0) {
		changes++;
		switch (k) {
		case O_CAPACITY:
			if (parse_num(c, "--capacity", arg, 1, INT32_MAX, &v))
				return EXIT_USAGE;
			ch.capacity = (int32_t)v;
			break;
		case O_TITLE: ch.title = (char *)arg; break;
		case O_AUDIENCE: ch.audience = (char *)arg; break;
		case O_FORMAT: ch.format = (char *)arg; break;
		case O_JOIN: ch.join_url = (char *)arg; break;
		case O_STATE: ch.state = (char *)arg; break;
		case O_SESSION:
			changes--;
			if (parse_id(c, "--session", arg, 0, &s.id, NULL))
				return EXIT_USAGE;
			break;
		default:
			session_changes++;
			for (const optspec_t *sp = c->verb->opts; sp->name; sp++)
				if (sp->key == k)
					needs_session = sp->name;
			switch (k) {
			case O_AT: when.at = arg; break;
			case O_DATE: when.date = arg; break;
			case O_START: when.start = arg; break;
			case O_END: when.end = arg; break;
			case O_VENUE:
				if (parse_id(c, "--venue", arg, 1, &s.venue_id, &none))
					return EXIT_USAGE;
				ch.clear_venue = none;
				break;
			case O_LECTURER:
				if (parse_id(c, "--lecturer", arg, 1, &s.lecturer_id, &none))
					return EXIT_USAGE;
				ch.clear_lecturer = none;
				break;
			}
		}
	}
	if (k < 0 || opt_rest(&o, pos, 1, 1, "CLASS_ID") < 0 || parse_id(c, "class id", pos[0], 0, &ch.id, NULL))
		return EXIT_USAGE;
	if (needs_session && !s.id)
		return usage(c, "--%s changes a session: say which with --session SID", needs_session);
	if (s.id && !session_changes)
		return usage(c, "--session %lld: nothing to change (give --at, --venue or --lecturer)", (long long)s.id);
	if (!changes)
		return usage(c, "nothing to change");
	if ((rc = ctx_ready(c)))
		return rc;
	int given;
	if (span_parse(c, &when, &s.starts_at, &s.ends_at, &given))
		return EXIT_USAGE;
	/* without new times starts_at/ends_at stay 0: the daemon keeps the session's times */
	if (s.id) {
		s.class_id = ch.id;
		ch.session = &s;
	}
	return request(c, SCHEDD, UT__MSG_TYPE__MSG_CLASS_CHANGE, &ch.base, &ut__class__descriptor, class_changed);
}

static const optspec_t class_cancel_opts[] = {
	{O_REASON, "reason", "TEXT", 0, "why, for the cadres already enrolled"},
	{0},
};

static int class_cancel(ctx_t *c, int argc, char **argv)
{
	Ut__ClassAction a = UT__CLASS_ACTION__INIT;
	const char *arg, *pos[1];
	opts_t o;
	int k;
	opt_begin(&o, c, argc, argv, c->verb->opts);
	while ((k = opt_next(&o, &arg)) > 0)
		if (k == O_REASON)
			a.reason = (char *)arg;
	if (k < 0 || opt_rest(&o, pos, 1, 1, "CLASS_ID") < 0 || parse_id(c, "class id", pos[0], 0, &a.id, NULL))
		return EXIT_USAGE;
	return request(c, SCHEDD, UT__MSG_TYPE__MSG_CLASS_CANCEL, &a.base, &ut__class__descriptor, class_cancelled);
}

static const optspec_t class_close_opts[] = {
	{O_FORCE, "force", NULL, 0, "close before the last session has ended (needs --reason)"},
	{O_REASON, "reason", "TEXT", 0, "why, kept with the class and in its event"},
	{0},
};

/* class close and class reopen: CLASS_ID [--force] [--reason TEXT] */
static int class_action(ctx_t *c, int argc, char **argv, int type, void (*done)(const ctx_t *, const ProtobufCMessage *,
									    const ProtobufCMessage *))
{
	Ut__ClassAction a = UT__CLASS_ACTION__INIT;
	const char *arg, *pos[1];
	opts_t o;
	int k;
	opt_begin(&o, c, argc, argv, c->verb->opts);
	while ((k = opt_next(&o, &arg)) > 0)
		if (k == O_REASON)
			a.reason = (char *)arg;
		else if (k == O_FORCE)
			a.force = 1;
	if (k < 0 || opt_rest(&o, pos, 1, 1, "CLASS_ID") < 0 || parse_id(c, "class id", pos[0], 0, &a.id, NULL))
		return EXIT_USAGE;
	return request(c, SCHEDD, type, &a.base, &ut__class__descriptor, done);
}

static int class_close(ctx_t *c, int argc, char **argv)
{
	return class_action(c, argc, argv, UT__MSG_TYPE__MSG_CLASS_CLOSE, class_closed);
}

static int class_reopen(ctx_t *c, int argc, char **argv)
{
	return class_action(c, argc, argv, UT__MSG_TYPE__MSG_CLASS_REOPEN, class_reopened);
}

/* ---- sessions ---- */

static const optspec_t session_add_opts[] = {
	{O_AT, "at", "WHEN", 0, "\"YYYY-MM-DD HH:MM-HH:MM\" (or \"YYYY-MM-DD HH:MM\" with --end)"},
	{O_DATE, "date", "DATE", 0, "YYYY-MM-DD, with --start and --end instead of --at"},
	{O_START, "start", "HH:MM", 0, "start time"},
	{O_END, "end", "HH:MM", 0, "end time (or YYYY-MM-DD HH:MM for overnight)"},
	{O_VENUE, "venue", "ID", 0, "venue id; none or left out = online"},
	{O_LECTURER, "lecturer", "ID", 0, "lecturer id"},
	{O_JOIN, "join-url", "URL", 0, "online: this session's own link to join"},
	{0},
};

static void session_added(const ctx_t *c, const ProtobufCMessage *m, const ProtobufCMessage *req)
{
	const Ut__Class *k = (const Ut__Class *)m;
	const Ut__Session *want = (const Ut__Session *)req;
	int64_t id = 0;
	/* the reply is the whole class; the new session is the one at the requested time */
	for (size_t i = 0; i < k->n_sessions; i++)
		if (k->sessions[i]->starts_at == want->starts_at && k->sessions[i]->ends_at == want->ends_at &&
		    k->sessions[i]->id > id)
			id = k->sessions[i]->id;
	if (id)
		printf("session %lld added to class %lld (version %d)\n", (long long)id, (long long)k->id, k->version);
	else
		printf("session added to class %lld (version %d)\n", (long long)k->id, k->version);
}

static int session_add(ctx_t *c, int argc, char **argv)
{
	Ut__Session s = UT__SESSION__INIT;
	span_t when = {0};
	const char *arg, *pos[1];
	opts_t o;
	int k, rc, none, given;
	opt_begin(&o, c, argc, argv, c->verb->opts);
	while ((k = opt_next(&o, &arg)) > 0) {
		switch (k) {
		case O_AT: when.at = arg; break;
		case O_DATE: when.date = arg; break;
		case O_START: when.start = arg; break;
		case O_END: when.end = arg; break;
		case O_VENUE:
			if (parse_id(c, "--venue", arg, 1, &s.venue_id, &none))
				return EXIT_USAGE;
			break;
		case O_LECTURER:
			if (parse_id(c, "--lecturer", arg, 1, &s.lecturer_id, &none))
				return EXIT_USAGE;
			break;
		case O_JOIN: s.join_url = (char *)arg; break;
		}
	}
	if (k < 0 || opt_rest(&o, pos, 1, 1, "CLASS_ID") < 0 || parse_id(c, "class id", pos[0], 0, &s.class_id, NULL))
		return EXIT_USAGE;
	if ((rc = ctx_ready(c)))
		return rc;
	if (span_parse(c, &when, &s.starts_at, &s.ends_at, &given))
		return EXIT_USAGE;
	if (!given)
		return usage(c, "missing --at WHEN (or --date, --start and --end)");
	return request(c, SCHEDD, UT__MSG_TYPE__MSG_SESSION_ADD, &s.base, &ut__class__descriptor, session_added);
}

static void session_table(const ctx_t *c, const ProtobufCMessage *m, const ProtobufCMessage *req)
{
	const Ut__SessionList *l = (const Ut__SessionList *)m;
	sessions_print(l->sessions, l->n_sessions, 0);
}

static int session_list(ctx_t *c, int argc, char **argv)
{
	Ut__Ref ref = UT__REF__INIT;
	int rc = class_ref(c, argc, argv, &ref);
	return rc ? rc
		  : request(c, SCHEDD, UT__MSG_TYPE__MSG_SESSION_LIST, &ref.base, &ut__session_list__descriptor,
			    session_table);
}

const verb_t class_verbs[] = {
	{"add", class_add, "schedule a class of a course, with its sessions",
	 "--course CODE --capacity N [--title T] [--level L] [--format F] [--audience A]\n"
	 "       [--session WHEN [--end WHEN] [--venue ID] [--lecturer ID]]...",
	 class_add_opts,
	 "utctl class add --course LAW-2026 --capacity 120 --level city --format in_person \\\n"
	 "      --audience \"基层工会主席\" --lecturer 7 \\\n"
	 "      --session \"2026-03-05 09:00-12:00\" --venue 3 \\\n"
	 "      --session \"2026-03-05 14:00-17:00\" --venue 4",
	 "Each --end, --venue and --lecturer belongs to the --session written before it; --venue and\n"
	 "--lecturer written before the first --session apply to every session that names none.\n"
	 "Times are in the node's time zone."},
	{"list", class_list, "list classes, optionally filtered",
	 "[--state S] [--course CODE] [--from DATE] [--to DATE] [--limit N] [--after ID]", class_list_opts,
	 "utctl class list --state open --from 2026-03-01 --to 2026-03-31", NULL},
	{"show", class_show, "show a class and its timetable", "CLASS_ID", NULL, "utctl class show 12", NULL},
	{"change", class_change, "change a class, or move one of its sessions",
	 "CLASS_ID [--capacity N] [--title T] [--audience A] [--format F] [--state open|running]\n"
	 "       [--session SID [--at WHEN | --date D --start HH:MM --end HH:MM] [--venue ID|none]\n"
	 "       [--lecturer ID|none]]",
	 class_change_opts,
	 "utctl class change 12 --capacity 150\n"
	 "  utctl class change 12 --session 31 --at \"2026-03-06 09:00-12:00\" --venue none",
	 "Only what is given changes. A session keeps its time when only --venue or --lecturer is given."},
	{"cancel", class_cancel, "cancel a class", "CLASS_ID [--reason TEXT]", class_cancel_opts,
	 "utctl class cancel 12 --reason \"场地维修\"", NULL},
	{"close", class_close, "close a class that has ended (computes every cadre's completion)",
	 "CLASS_ID [--force --reason TEXT]", class_close_opts,
	 "utctl class close 12\n  utctl class close 12 --force --reason \"last session held online\"",
	 "Refused before the last session has ended unless --force with a reason."},
	{"reopen", class_reopen, "reopen a closed class (its completions are withdrawn)", "CLASS_ID --reason TEXT",
	 class_close_opts + 1, "utctl class reopen 12 --reason \"roll-call of session 3 was wrong\"",
	 "Correct roll-calls or reflections, then close it again."},
	{0},
};

const verb_t session_verbs[] = {
	{"add", session_add, "add a session to a class's timetable",
	 "CLASS_ID (--at WHEN | --date D --start HH:MM --end HH:MM) [--venue ID] [--lecturer ID]", session_add_opts,
	 "utctl session add 12 --at \"2026-03-12 09:00-12:00\" --venue 3 --lecturer 7\n"
	 "  utctl session add 12 --date 2026-03-12 --start 14:00 --end 17:00",
	 NULL},
	{"list", session_list, "list the sessions of a class", "CLASS_ID", NULL, "utctl session list 12", NULL},
	{0},
};
