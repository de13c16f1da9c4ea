/* The rows of the command table (see cmd.h), noun by noun, and the hooks of the few arguments a
 * field binding cannot say: a session's time as typed, a course given by code or id, a class's
 * sessions with their own venues. Every string a person reads is a msgid (N_). */
#include "ut/cmd.h"
#include "ut/clock.h"
#include "ut/err.h"
#include "ut/i18n.h"
#include "ut/words.h"
#include "envelope.pb-c.h"
#include "sched.pb-c.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define SCHEDD "ut-schedd"
#define MAX_SESSIONS 200 /* per `class add`; more can follow with `session add` */

/* ---- arguments many rows share, defined once ---- */

#define ARG_LIMIT {"limit", "limit", UT_ARG_INT, 0, NC_("meta", "N"), N_("at most N items (default 1000)"), 1, 100000}
#define ARG_AFTER {"after", "after_id", UT_ARG_INT, 0, NC_("meta", "ID"), N_("only items with an id greater than ID (the next page)"), 0, INT64_MAX}
#define ARG_YEAR(field, help) {"year", field, UT_ARG_INT, 0, NC_("meta", "YYYY"), help, 2000, 2100}
#define ARG_CLASS(field) {"CLASS", field, UT_ARG_INT, UT_ARG_POS | UT_ARG_REQUIRED, NULL, N_("the class's number (its id)"), 1, INT64_MAX}
/* a session's time, as --at or --date/--start/--end, collected by span_hook */
#define ARGS_SPAN(at_help)                                                                                        \
	{"at", NULL, UT_ARG_HOOK, 0, NC_("meta", "WHEN"), at_help},                                                            \
	{"date", NULL, UT_ARG_HOOK, 0, NC_("meta", "DATE"), N_("the date, YYYY-MM-DD, with --start and --end instead of --at")}, \
	{"start", NULL, UT_ARG_HOOK, 0, NC_("meta", "HH:MM"), N_("the start time")},                                            \
	{"end", NULL, UT_ARG_HOOK, 0, NC_("meta", "HH:MM"), N_("the end time (or YYYY-MM-DD HH:MM when it ends on another day)")}

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
static int session_add_hook(ut_fill_t *f, const ut_arg_t *a, const char *value)
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

static int class_add_hook(ut_fill_t *f, const ut_arg_t *a, const char *value)
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
		if (strcmp(value, "none") &&
		    ut_cmd_resolve(f, venue ? UT_REF_VENUE : UT_REF_LECTURER, venue ? "--venue" : "--lecturer", value, &id))
			return UT_EINVAL;
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
static int course_ref_hook(ut_fill_t *f, const ut_arg_t *a, const char *value)
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

/* plan show: this year in the node's zone unless --year says otherwise. */
static int plan_show_hook(ut_fill_t *f, const ut_arg_t *a, const char *value)
{
	Ut__PlanQuery *q = (Ut__PlanQuery *)f->req;
	if (!a && !q->year) {
		time_t now = time(NULL);
		struct tm tm;
		localtime_r(&now, &tm);
		q->year = tm.tm_year + 1900;
	}
	return 0;
}

/* class change: the session's new time; the options that change a session need --session; and
 * something must change. */
static int class_change_hook(ut_fill_t *f, const ut_arg_t *a, const char *value)
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
	if (!s && !ch->capacity && !*ch->title && !*ch->audience && !*ch->state && !*ch->format)
		return ut_cmd_fail(f, 1, _("nothing to change"));
	if (!s)
		return 0;
	s->class_id = ch->id;
	/* without new times starts_at and ends_at stay 0: the daemon keeps the session's times */
	return span_parse(f, w, &s->starts_at, &s->ends_at, &given);
}

static int class_list_hook(ut_fill_t *f, const ut_arg_t *a, const char *value)
{
	const Ut__ClassQuery *q = (const Ut__ClassQuery *)f->req;
	if (!a && q->from && q->to && q->to <= q->from)
		return ut_cmd_fail(f, 1, _("--to is not after --from"));
	return 0;
}

/* session add: the reply is the whole class; people know the new session by its number in the
 * class, which is the count of its sessions (numbers follow the order sessions were added). */
static void session_added(const ProtobufCMessage *req, const ProtobufCMessage *rep, char *out, size_t len)
{
	const Ut__Class *k = (const Ut__Class *)rep;
	snprintf(out, len, _("session %zu added to class %lld (version %d)"), k->n_sessions, (long long)k->id, k->version);
}

/* ---- the rows ---- */

static const ut_arg_t list_args[] = {ARG_LIMIT, ARG_AFTER, {0}};

static const ut_arg_t course_add_args[] = {
	{"code", "code", UT_ARG_TEXT, UT_ARG_REQUIRED, NC_("meta", "CODE"), N_("unique course code chosen by the training office, e.g. LAW-2026")},
	{"title", "title", UT_ARG_TEXT, UT_ARG_REQUIRED, NC_("meta", "TEXT"), N_("course title")},
	{"category", "category", UT_ARG_CHOICE, UT_ARG_REQUIRED, NC_("meta", "CAT"), N_("what the course is about"), .choices = ut_categories},
	{"hours", "default_hours", UT_ARG_INT, 0, NC_("meta", "N"), N_("usual length of the course in hours"), 0, 10000},
	{"reflection", "requires_reflection", UT_ARG_FLAG, 0, NULL, N_("participants must hand in a written reflection")},
	{0},
};
static const ut_col_t course_cols[] = {
	{"id", N_("ID")},
	{"code", N_("CODE")},
	{"category", N_("CATEGORY"), UT_COL_WORD},
	{"default_hours", N_("HOURS")},
	{"requires_reflection", N_("REFLECTION")},
	{"title", N_("TITLE")},
	{0},
};
static const ut_arg_t course_show_args[] = {
	{"COURSE", NULL, UT_ARG_HOOK, UT_ARG_POS | UT_ARG_REQUIRED, NULL, N_("the course's code (or id)")},
	{0},
};

static const ut_arg_t venue_add_args[] = {
	{"name", "name", UT_ARG_TEXT, UT_ARG_REQUIRED, NC_("meta", "TEXT"), N_("venue name, unique on this node")},
	{"capacity", "capacity", UT_ARG_INT, UT_ARG_REQUIRED, NC_("meta", "N"), N_("number of seats"), 1, INT32_MAX},
	{"address", "address", UT_ARG_TEXT, 0, NC_("meta", "TEXT"), N_("street address, for notices")},
	{0},
};
static const ut_col_t venue_cols[] = {
	{"id", N_("ID")}, {"name", N_("NAME")}, {"capacity", N_("CAPACITY")}, {"address", N_("ADDRESS")}, {0},
};

static const ut_arg_t lecturer_add_args[] = {
	{"name", "name", UT_ARG_TEXT, UT_ARG_REQUIRED, NC_("meta", "TEXT"), N_("lecturer's name, unique on this node")},
	{"affiliation", "affiliation", UT_ARG_TEXT, 0, NC_("meta", "TEXT"), N_("where the lecturer comes from (party school, university ...)")},
	{"email", "email", UT_ARG_TEXT, 0, NC_("meta", "ADDR"), N_("contact address")},
	{0},
};
static const ut_col_t lecturer_cols[] = {
	{"id", N_("ID")}, {"name", N_("NAME")}, {"affiliation", N_("AFFILIATION")}, {"email", N_("EMAIL")}, {0},
};

static const ut_arg_t class_add_args[] = {
	{"course", "cls.course_id", UT_ARG_REF, UT_ARG_REQUIRED, NC_("meta", "CODE"), N_("the course taught, by its code"), .ref = UT_REF_COURSE},
	{"capacity", "cls.capacity", UT_ARG_INT, UT_ARG_REQUIRED, NC_("meta", "N"), N_("seats: how many cadres can enrol"), 1, INT32_MAX},
	{"title", "cls.title", UT_ARG_TEXT, 0, NC_("meta", "TEXT"), N_("class title (default: the course's title)")},
	{"level", "cls.level", UT_ARG_CHOICE, 0, NC_("meta", "LEVEL"), N_("organised by"), .choices = ut_levels},
	{"format", "cls.format", UT_ARG_CHOICE, 0, NC_("meta", "FORMAT"), N_("how it is held"), .choices = ut_formats},
	{"audience", "cls.audience", UT_ARG_TEXT, 0, NC_("meta", "TEXT"), N_("who the class is for, e.g. \"newly elected grassroots chairs\"")},
	{"session", NULL, UT_ARG_HOOK, UT_ARG_REPEAT, NC_("meta", "WHEN"), N_("a session, \"YYYY-MM-DD HH:MM-HH:MM\" (or \"YYYY-MM-DD HH:MM\" and --end)")},
	{"end", NULL, UT_ARG_HOOK, UT_ARG_REPEAT, NC_("meta", "WHEN"), N_("end of the --session before it: HH:MM, or YYYY-MM-DD HH:MM for overnight")},
	{"venue", NULL, UT_ARG_HOOK, UT_ARG_REPEAT, NC_("meta", "NAME"), N_("venue of the --session before it (name or id); before any --session: of all; none = online")},
	{"lecturer", NULL, UT_ARG_HOOK, UT_ARG_REPEAT, NC_("meta", "NAME"), N_("lecturer of the --session before it (name or id); before any --session: of all; none")},
	{0},
};

static const ut_arg_t class_list_args[] = {
	{"state", "state", UT_ARG_CHOICE, 0, NC_("meta", "STATE"), N_("only classes in this state"), .choices = ut_class_states},
	{"course", "course_code", UT_ARG_TEXT, 0, NC_("meta", "CODE"), N_("only classes of this course")},
	{"from", "from", UT_ARG_DATE, 0, NC_("meta", "DATE"), N_("only classes with a session starting on or after DATE (YYYY-MM-DD [HH:MM])")},
	{"to", "to", UT_ARG_DATE_END, 0, NC_("meta", "DATE"), N_("... and before DATE; a bare date includes that whole day")},
	ARG_LIMIT,
	ARG_AFTER,
	{0},
};
static const ut_col_t class_cols[] = {
	{"id", N_("ID")},
	{"course_code", N_("COURSE")},
	{"state", N_("STATE"), UT_COL_WORD},
	{"level", N_("LEVEL"), UT_COL_WORD},
	{"format", N_("FORMAT"), UT_COL_WORD},
	{"capacity", N_("CAPACITY")},
	{"sessions", N_("SESSIONS"), UT_COL_COUNT},
	{"sessions", N_("FIRST"), UT_COL_FIRST},
	{"hours", N_("HOURS")},
	{"title", N_("TITLE")},
	{0},
};
static const ut_col_t class_lines[] = {
	{"id", N_("class")},
	{"version", N_("version")},
	{"course_code", N_("course")},
	{"category", N_("category"), UT_COL_WORD},
	{"title", N_("title")},
	{"state", N_("state"), UT_COL_WORD},
	{"reason", N_("reason")},
	{"level", N_("level"), UT_COL_WORD},
	{"format", N_("format"), UT_COL_WORD},
	{"capacity", N_("capacity")},
	{"audience", N_("audience")},
	{"hours", N_("hours")},
	{"sessions", N_("sessions"), UT_COL_COUNT},
	{0},
};
static const ut_col_t session_cols[] = {
	{"", N_("NO."), UT_COL_NUMBER},
	{"id", N_("SESSION")},
	{"", N_("WHEN"), UT_COL_SPAN},
	{"venue_id", N_("VENUE"), UT_COL_NAMED, "venue_name"},
	{"lecturer_id", N_("LECTURER"), UT_COL_NAMED, "lecturer_name"},
	{0},
};

static const char *const forward_states[] = {NC_("value", "open"), NC_("value", "running"), NULL};
static const ut_arg_t class_change_args[] = {
	ARG_CLASS("id"),
	{"capacity", "capacity", UT_ARG_INT, 0, NC_("meta", "N"), N_("new number of seats"), 1, INT32_MAX},
	{"title", "title", UT_ARG_TEXT, 0, NC_("meta", "TEXT"), N_("new title")},
	{"audience", "audience", UT_ARG_TEXT, 0, NC_("meta", "TEXT"), N_("new audience description")},
	{"format", "format", UT_ARG_CHOICE, 0, NC_("meta", "FORMAT"), N_("how it is held"), .choices = ut_formats},
	{"state", "state", UT_ARG_CHOICE, 0, NC_("meta", "STATE"), N_("open (enrolment starts) or running; cancel and close have their own verbs"), .choices = forward_states},
	{"session", "session.id", UT_ARG_REF, 0, NC_("meta", "N"), N_("the session the options below change, by its number in the class (see 'utctl session list'); it keeps its number when moved"), .ref = UT_REF_CLASS_SESSION, .ctx_field = "id"},
	ARGS_SPAN(N_("its new time, \"YYYY-MM-DD HH:MM-HH:MM\"")),
	{"venue", "session.venue_id", UT_ARG_REF, UT_ARG_NONE_OK, NC_("meta", "NAME"), N_("its new venue, by name or id; none = online"), .ref = UT_REF_VENUE, .set = "clear_venue"},
	{"lecturer", "session.lecturer_id", UT_ARG_REF, UT_ARG_NONE_OK, NC_("meta", "NAME"), N_("its new lecturer, by name or id; none = no lecturer"), .ref = UT_REF_LECTURER, .set = "clear_lecturer"},
	{0},
};

static const ut_arg_t class_ref_args[] = {ARG_CLASS("id"), {0}};
static const ut_arg_t class_cancel_args[] = {
	ARG_CLASS("id"),
	{"reason", "reason", UT_ARG_TEXT, 0, NC_("meta", "TEXT"), N_("why, for the cadres already enrolled")},
	{0},
};

static const ut_arg_t session_add_args[] = {
	ARG_CLASS("class_id"),
	ARGS_SPAN(N_("\"YYYY-MM-DD HH:MM-HH:MM\" (or \"YYYY-MM-DD HH:MM\" with --end)")),
	{"venue", "venue_id", UT_ARG_REF, UT_ARG_NONE_OK, NC_("meta", "NAME"), N_("venue, by name or id; none or left out = online"), .ref = UT_REF_VENUE},
	{"lecturer", "lecturer_id", UT_ARG_REF, UT_ARG_NONE_OK, NC_("meta", "NAME"), N_("lecturer, by name or id"), .ref = UT_REF_LECTURER},
	{0},
};

static const ut_arg_t plan_show_args[] = {ARG_YEAR("year", N_("plan year (default: this year in the node's time zone)")), {0}};
static const ut_col_t plan_cols[] = {
	{"year", N_("YEAR")},
	{"category", N_("CATEGORY"), UT_COL_WORD},
	{"planned_classes", N_("CLASSES")},
	{"planned_participations", N_("PARTICIPATIONS")},
	{0},
};
static const ut_col_t target_cols[] = {{"year", N_("YEAR")}, {"percent", N_("PERCENT"), UT_COL_PERCENT}, {0}};

#define REQ(name) &ut__##name##__descriptor
#define MSG(t) UT__MSG_TYPE__MSG_##t

const ut_cmd_t ut_cmds[] = {
	{"course", "add", N_("create a course"), SCHEDD, MSG(COURSE_ADD), REQ(course), REQ(course), UT_ROLE_OFFICER,
	 course_add_args, .done = N_("course %s created (%s)"), .done_args = "id,code",
	 .example = "utctl course add --code LAW-2026 --title \"劳动法律法规更新\" --category labour_law --hours 8 --reflection"},
	{"course", "list", N_("list courses"), SCHEDD, MSG(COURSE_LIST), REQ(list_request), REQ(course_list),
	 UT_ROLE_VIEWER, list_args, "courses", course_cols, .example = "utctl course list"},
	{"course", "show", N_("show one course by code or id"), SCHEDD, MSG(COURSE_GET), REQ(ref), REQ(course),
	 UT_ROLE_VIEWER, course_show_args, NULL, course_cols, .example = "utctl course show LAW-2026",
	 .hook = course_ref_hook},

	{"venue", "add", N_("create a venue"), SCHEDD, MSG(VENUE_ADD), REQ(venue), REQ(venue), UT_ROLE_OFFICER,
	 venue_add_args, .done = N_("venue %s created (%s, %s seats)"), .done_args = "id,name,capacity",
	 .example = "utctl venue add --name \"市总工会职工培训中心\" --capacity 120 --address \"人民路 8 号\""},
	{"venue", "list", N_("list venues"), SCHEDD, MSG(VENUE_LIST), REQ(list_request), REQ(venue_list),
	 UT_ROLE_VIEWER, list_args, "venues", venue_cols, .example = "utctl venue list"},

	{"lecturer", "add", N_("register a lecturer"), SCHEDD, MSG(LECTURER_ADD), REQ(lecturer), REQ(lecturer),
	 UT_ROLE_OFFICER, lecturer_add_args, .done = N_("lecturer %s created (%s)"), .done_args = "id,name",
	 .example = "utctl lecturer add --name \"王丽\" --affiliation \"市委党校\" --email wangli@example.org"},
	{"lecturer", "list", N_("list lecturers"), SCHEDD, MSG(LECTURER_LIST), REQ(list_request), REQ(lecturer_list),
	 UT_ROLE_VIEWER, list_args, "lecturers", lecturer_cols, .example = "utctl lecturer list"},

	{"class", "add", N_("schedule a class of a course, with its sessions"), SCHEDD, MSG(CLASS_ADD), REQ(class_add),
	 REQ(class), UT_ROLE_OFFICER, class_add_args, .done = N_("class %s created (version %s)"), .done_args = "id,version",
	 .example = "utctl class add --course LAW-2026 --capacity 120 --level city --lecturer \"王丽\" \\\n"
		    "      --session \"2026-03-05 09:00-12:00\" --venue \"市总工会职工培训中心\" \\\n"
		    "      --session \"2026-03-05 14:00-17:00\" --venue \"小会议室\"",
	 .notes = N_("Each --end, --venue and --lecturer belongs to the --session written before it; --venue and\n"
		     "--lecturer written before the first --session apply to every session that names none.\n"
		     "Times are in the node's time zone."),
	 .hook = class_add_hook},
	{"class", "list", N_("list classes, optionally filtered"), SCHEDD, MSG(CLASS_LIST), REQ(class_query),
	 REQ(class_list), UT_ROLE_VIEWER, class_list_args, "classes", class_cols,
	 .example = "utctl class list --state open --from 2026-03-01 --to 2026-03-31", .hook = class_list_hook},
	{"class", "show", N_("show a class and its timetable"), SCHEDD, MSG(CLASS_GET), REQ(ref), REQ(class),
	 UT_ROLE_VIEWER, class_ref_args, NULL, class_lines, .example = "utctl class show 12", .subcols = session_cols,
	 .subitems = "sessions"},
	{"class", "change", N_("change a class, or move one of its sessions"), SCHEDD, MSG(CLASS_CHANGE), REQ(class_change),
	 REQ(class), UT_ROLE_OFFICER, class_change_args, .done = N_("class %s changed (version %s)"), .done_args = "id,version",
	 .example = "utctl class change 12 --capacity 150\n"
		    "  utctl class change 12 --session 2 --at \"2026-03-06 09:00-12:00\" --venue none",
	 .notes = N_("Only what is given changes. A session keeps its time when only --venue or --lecturer is given."),
	 .hook = class_change_hook},
	{"class", "cancel", N_("cancel a class"), SCHEDD, MSG(CLASS_CANCEL), REQ(class_action), REQ(class),
	 UT_ROLE_OFFICER, class_cancel_args, .done = N_("class %s cancelled (version %s)"), .done_args = "id,version",
	 .example = "utctl class cancel 12 --reason \"场地维修\""},
	{"class", "close", N_("close a class that has ended (completions are final)"), SCHEDD, MSG(CLASS_CLOSE),
	 REQ(class_action), REQ(class), UT_ROLE_OFFICER, class_ref_args, .done = N_("class %s closed (version %s)"),
	 .done_args = "id,version", .example = "utctl class close 12"},

	{"session", "add", N_("add a session to a class's timetable"), SCHEDD, MSG(SESSION_ADD), REQ(session), REQ(class),
	 UT_ROLE_OFFICER, session_add_args, .said = session_added,
	 .example = "utctl session add 12 --at \"2026-03-12 09:00-12:00\" --venue \"Hội trường A\" --lecturer \"王丽\"",
	 .hook = session_add_hook},
	{"session", "list", N_("list the sessions of a class with their numbers (in the order they were added)"), SCHEDD,
	 MSG(SESSION_LIST), REQ(ref), REQ(session_list), UT_ROLE_VIEWER, class_ref_args, "sessions", session_cols,
	 .example = "utctl session list 12"},

	{"plan", "show", N_("show the plans of a year"), SCHEDD, MSG(PLAN_GET), REQ(plan_query), REQ(plan_list),
	 UT_ROLE_VIEWER, plan_show_args, "plans", plan_cols, .example = "utctl plan show --year 2026",
	 .hook = plan_show_hook},
	{"plan", "targets", N_("show the multi-year coverage targets"), SCHEDD, MSG(COVERAGE_GET),
	 REQ(coverage_targets), REQ(coverage_targets), UT_ROLE_VIEWER, NULL, "targets", target_cols,
	 .example = "utctl plan targets"},
};
const size_t ut_ncmds = sizeof ut_cmds / sizeof *ut_cmds;
