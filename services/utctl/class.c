/* class change (the other class and session verbs are rows of the command table), with the session
 * times people type ("2026-03-05 09:00-12:00"). */
#include "utctl.h"
#include "output.h"
#include "sched.pb-c.h"
#include "ut/clock.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#define SCHEDD "ut-schedd"

enum {
	O_CAPACITY = OPT_FIRST,
	O_TITLE,
	O_FORMAT,
	O_AUDIENCE,
	O_STATE,
	O_SESSION,
	O_AT,
	O_DATE,
	O_START,
	O_END,
	O_VENUE,
	O_LECTURER,
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

static void class_changed(const ctx_t *c, const ProtobufCMessage *m, const ProtobufCMessage *req)
{
	const Ut__Class *k = (const Ut__Class *)m;
	printf("class %lld changed (version %d)\n", (long long)k->id, k->version);
}

/* ---- class change / cancel / close ---- */

static const optspec_t class_change_opts[] = {
	{O_CAPACITY, "capacity", "N", 0, "new number of seats"},
	{O_TITLE, "title", "TEXT", 0, "new title"},
	{O_AUDIENCE, "audience", "TEXT", 0, "new audience description"},
	{O_FORMAT, "format", "FORMAT", 0, "in_person, online or on_site"},
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

/* add, list, show, cancel, close and the session verbs are rows of the command table */
const verb_t class_verbs[] = {
	{"change", class_change, "change a class, or move one of its sessions",
	 "CLASS_ID [--capacity N] [--title T] [--audience A] [--format F] [--state open|running]\n"
	 "       [--session SID [--at WHEN | --date D --start HH:MM --end HH:MM] [--venue ID|none]\n"
	 "       [--lecturer ID|none]]",
	 class_change_opts,
	 "utctl class change 12 --capacity 150\n"
	 "  utctl class change 12 --session 31 --at \"2026-03-06 09:00-12:00\" --venue none",
	 "Only what is given changes. A session keeps its time when only --venue or --lecturer is given."},
	{0},
};

const verb_t session_verbs[] = {{0}};
