/* Scheduling catalogue commands sent to ut-schedd: courses, venues, lecturers and yearly plans. */
#include "utctl.h"
#include "output.h"
#include "sched.pb-c.h"

#include <limits.h>
#include <string.h>
#include <time.h>

#define SCHEDD "ut-schedd"

enum {
	O_CODE = OPT_FIRST,
	O_TITLE,
	O_CATEGORY,
	O_HOURS,
	O_REFLECTION,
	O_LIMIT,
	O_AFTER,
	O_NAME,
	O_CAPACITY,
	O_ADDRESS,
	O_AFFILIATION,
	O_EMAIL,
	O_YEAR,
	O_CLASSES,
	O_PARTICIPATIONS,
	O_COVERAGE,
};

/* --limit and --after, shared by the plain list verbs. */
static const optspec_t list_opts[] = {
	{O_LIMIT, "limit", "N", 0, "at most N items (default 1000)"},
	{O_AFTER, "after", "ID", 0, "only items with an id greater than ID (the next page)"},
	{0},
};

static int list_verb(ctx_t *c, int argc, char **argv, int type, const ProtobufCMessageDescriptor *rdesc,
		     printer_fn *text)
{
	Ut__ListRequest req = UT__LIST_REQUEST__INIT;
	opts_t o;
	const char *arg, *pos[1];
	long long v;
	int k;
	opt_begin(&o, c, argc, argv, c->verb->opts);
	while ((k = opt_next(&o, &arg)) > 0) {
		if (k == O_LIMIT) {
			if (parse_num(c, "--limit", arg, 1, INT32_MAX, &v))
				return EXIT_USAGE;
			req.limit = (int32_t)v;
		} else if (k == O_AFTER) {
			if (parse_num(c, "--after", arg, 0, LLONG_MAX, &v))
				return EXIT_USAGE;
			req.after_id = v;
		}
	}
	if (k < 0 || opt_rest(&o, pos, 0, 0, "") < 0)
		return EXIT_USAGE;
	return request(c, SCHEDD, type, &req.base, rdesc, text);
}

/* ---- courses ---- */

static void course_added(const ctx_t *c, const ProtobufCMessage *m, const ProtobufCMessage *req)
{
	const Ut__Course *co = (const Ut__Course *)m;
	printf("course %lld created (%s)\n", (long long)co->id, co->code);
}

static const optspec_t course_add_opts[] = {
	{O_CODE, "code", "CODE", 1, "unique course code chosen by the training office, e.g. LAW-2026"},
	{O_TITLE, "title", "TEXT", 1, "course title"},
	{O_CATEGORY, "category", "CAT", 1,
	 "onboarding, chair_rotation, finance_audit, information, negotiation, labour_law, safety, other"},
	{O_HOURS, "hours", "N", 0, "usual length of the course in hours"},
	{O_REFLECTION, "reflection", NULL, 0, "participants must hand in a written reflection"},
	{0},
};

static int course_add(ctx_t *c, int argc, char **argv)
{
	Ut__Course co = UT__COURSE__INIT;
	opts_t o;
	const char *arg, *pos[1];
	long long v;
	int k;
	opt_begin(&o, c, argc, argv, c->verb->opts);
	while ((k = opt_next(&o, &arg)) > 0) {
		switch (k) {
		case O_CODE: co.code = (char *)arg; break;
		case O_TITLE: co.title = (char *)arg; break;
		case O_CATEGORY: co.category = (char *)arg; break;
		case O_HOURS:
			if (parse_num(c, "--hours", arg, 0, 10000, &v))
				return EXIT_USAGE;
			co.default_hours = (int32_t)v;
			break;
		case O_REFLECTION: co.requires_reflection = 1; break;
		}
	}
	if (k < 0 || opt_rest(&o, pos, 0, 0, "") < 0)
		return EXIT_USAGE;
	return request(c, SCHEDD, UT__MSG_TYPE__MSG_COURSE_ADD, &co.base, &ut__course__descriptor, course_added);
}

static void course_table(const ctx_t *c, const ProtobufCMessage *m, const ProtobufCMessage *req)
{
	static const char *const h[] = {"ID", "CODE", "CATEGORY", "HOURS", "REFLECTION", "TITLE"};
	const Ut__CourseList *l = (const Ut__CourseList *)m;
	table_t *t = table_new(6, h, "rllrll");
	for (size_t i = 0; i < l->n_courses; i++) {
		const Ut__Course *co = l->courses[i];
		table_row(t);
		table_cell(t, "%lld", (long long)co->id);
		table_cell(t, "%s", co->code);
		table_cell(t, "%s", co->category);
		table_cell(t, "%d", co->default_hours);
		table_cell(t, "%s", co->requires_reflection ? "yes" : "no");
		table_cell(t, "%s", co->title);
	}
	table_print(t, stdout, 0);
	table_free(&t);
}

static int course_list(ctx_t *c, int argc, char **argv)
{
	return list_verb(c, argc, argv, UT__MSG_TYPE__MSG_COURSE_LIST, &ut__course_list__descriptor, course_table);
}

static void course_shown(const ctx_t *c, const ProtobufCMessage *m, const ProtobufCMessage *req)
{
	const Ut__Course *co = (const Ut__Course *)m;
	table_t *t = table_new(2, NULL, NULL);
	table_row(t);
	table_cell(t, "id");
	table_cell(t, "%lld", (long long)co->id);
	table_row(t);
	table_cell(t, "code");
	table_cell(t, "%s", co->code);
	table_row(t);
	table_cell(t, "title");
	table_cell(t, "%s", co->title);
	table_row(t);
	table_cell(t, "category");
	table_cell(t, "%s", co->category);
	table_row(t);
	table_cell(t, "hours");
	table_cell(t, "%d", co->default_hours);
	table_row(t);
	table_cell(t, "reflection");
	table_cell(t, "%s", co->requires_reflection ? "required" : "not required");
	table_print(t, stdout, 0);
	table_free(&t);
}

static int course_show(ctx_t *c, int argc, char **argv)
{
	const char *pos[1];
	if (opt_none(c, argc, argv, pos, 1, 1, "CODE_OR_ID") < 0)
		return EXIT_USAGE;
	Ut__Ref ref = UT__REF__INIT;
	/* course codes carry letters (LAW-2026); a bare number is an id */
	if (is_number(pos[0])) {
		if (parse_id(c, "course id", pos[0], 0, &ref.id, NULL))
			return EXIT_USAGE;
	} else
		ref.code = (char *)pos[0];
	return request(c, SCHEDD, UT__MSG_TYPE__MSG_COURSE_GET, &ref.base, &ut__course__descriptor, course_shown);
}

/* ---- venues ---- */

static void venue_added(const ctx_t *c, const ProtobufCMessage *m, const ProtobufCMessage *req)
{
	const Ut__Venue *ve = (const Ut__Venue *)m;
	printf("venue %lld created (%s, %d seats)\n", (long long)ve->id, ve->name, ve->capacity);
}

static const optspec_t venue_add_opts[] = {
	{O_NAME, "name", "TEXT", 1, "venue name, unique on this node"},
	{O_CAPACITY, "capacity", "N", 1, "number of seats"},
	{O_ADDRESS, "address", "TEXT", 0, "street address, for notices"},
	{0},
};

static int venue_add(ctx_t *c, int argc, char **argv)
{
	Ut__Venue ve = UT__VENUE__INIT;
	opts_t o;
	const char *arg, *pos[1];
	long long v;
	int k;
	opt_begin(&o, c, argc, argv, c->verb->opts);
	while ((k = opt_next(&o, &arg)) > 0) {
		switch (k) {
		case O_NAME: ve.name = (char *)arg; break;
		case O_ADDRESS: ve.address = (char *)arg; break;
		case O_CAPACITY:
			if (parse_num(c, "--capacity", arg, 1, INT32_MAX, &v))
				return EXIT_USAGE;
			ve.capacity = (int32_t)v;
			break;
		}
	}
	if (k < 0 || opt_rest(&o, pos, 0, 0, "") < 0)
		return EXIT_USAGE;
	return request(c, SCHEDD, UT__MSG_TYPE__MSG_VENUE_ADD, &ve.base, &ut__venue__descriptor, venue_added);
}

static void venue_table(const ctx_t *c, const ProtobufCMessage *m, const ProtobufCMessage *req)
{
	static const char *const h[] = {"ID", "NAME", "CAPACITY", "ADDRESS"};
	const Ut__VenueList *l = (const Ut__VenueList *)m;
	table_t *t = table_new(4, h, "rlrl");
	for (size_t i = 0; i < l->n_venues; i++) {
		table_row(t);
		table_cell(t, "%lld", (long long)l->venues[i]->id);
		table_cell(t, "%s", l->venues[i]->name);
		table_cell(t, "%d", l->venues[i]->capacity);
		table_cell(t, "%s", l->venues[i]->address);
	}
	table_print(t, stdout, 0);
	table_free(&t);
}

static int venue_list(ctx_t *c, int argc, char **argv)
{
	return list_verb(c, argc, argv, UT__MSG_TYPE__MSG_VENUE_LIST, &ut__venue_list__descriptor, venue_table);
}

/* ---- lecturers ---- */

static void lecturer_added(const ctx_t *c, const ProtobufCMessage *m, const ProtobufCMessage *req)
{
	const Ut__Lecturer *le = (const Ut__Lecturer *)m;
	printf("lecturer %lld created (%s)\n", (long long)le->id, le->name);
}

static const optspec_t lecturer_add_opts[] = {
	{O_NAME, "name", "TEXT", 1, "lecturer's name, unique on this node"},
	{O_AFFILIATION, "affiliation", "TEXT", 0, "where the lecturer comes from (party school, university ...)"},
	{O_EMAIL, "email", "ADDR", 0, "contact address"},
	{0},
};

static int lecturer_add(ctx_t *c, int argc, char **argv)
{
	Ut__Lecturer le = UT__LECTURER__INIT;
	opts_t o;
	const char *arg, *pos[1];
	int k;
	opt_begin(&o, c, argc, argv, c->verb->opts);
	while ((k = opt_next(&o, &arg)) > 0) {
		switch (k) {
		case O_NAME: le.name = (char *)arg; break;
		case O_AFFILIATION: le.affiliation = (char *)arg; break;
		case O_EMAIL: le.email = (char *)arg; break;
		}
	}
	if (k < 0 || opt_rest(&o, pos, 0, 0, "") < 0)
		return EXIT_USAGE;
	return request(c, SCHEDD, UT__MSG_TYPE__MSG_LECTURER_ADD, &le.base, &ut__lecturer__descriptor,
		       lecturer_added);
}

static void lecturer_table(const ctx_t *c, const ProtobufCMessage *m, const ProtobufCMessage *req)
{
	static const char *const h[] = {"ID", "NAME", "AFFILIATION", "EMAIL"};
	const Ut__LecturerList *l = (const Ut__LecturerList *)m;
	table_t *t = table_new(4, h, "rlll");
	for (size_t i = 0; i < l->n_lecturers; i++) {
		table_row(t);
		table_cell(t, "%lld", (long long)l->lecturers[i]->id);
		table_cell(t, "%s", l->lecturers[i]->name);
		table_cell(t, "%s", l->lecturers[i]->affiliation);
		table_cell(t, "%s", l->lecturers[i]->email);
	}
	table_print(t, stdout, 0);
	table_free(&t);
}

static int lecturer_list(ctx_t *c, int argc, char **argv)
{
	return list_verb(c, argc, argv, UT__MSG_TYPE__MSG_LECTURER_LIST, &ut__lecturer_list__descriptor,
			 lecturer_table);
}

/* ---- yearly plans ---- */

static void plan_done(const ctx_t *c, const ProtobufCMessage *m, const ProtobufCMessage *req)
{
	const Ut__Plan *p = (const Ut__Plan *)m;
	printf("plan %d %s set: %d classes, %d participations\n", p->year, p->category, p->planned_classes,
	       p->planned_participations);
}

static void coverage_done(const ctx_t *c, const ProtobufCMessage *m, const ProtobufCMessage *req)
{
	const Ut__CoverageTargets *l = (const Ut__CoverageTargets *)m;
	printf("coverage targets:");
	for (size_t i = 0; i < l->n_targets; i++)
		printf(" %d %d%%%s", l->targets[i]->year, l->targets[i]->percent, i + 1 < l->n_targets ? "," : "");
	printf("\n");
}

static const optspec_t plan_set_opts[] = {
	{O_YEAR, "year", "YYYY", 0, "plan year"},
	{O_CATEGORY, "category", "CAT", 0, "course category the plan counts (see 'utctl course add --help')"},
	{O_CLASSES, "classes", "N", 0, "classes planned in the year"},
	{O_PARTICIPATIONS, "participations", "N", 0, "participations planned (one cadre in one class counts 1)"},
	{O_COVERAGE, "coverage-target", "YEAR:PCT,...", 0,
	 "share of the node's cadres trained by the end of each year, cumulative (e.g. 2025:40,2026:75,2027:100)"},
	{0},
};

/* "2025:40,2026:75" into targets; 0 or a usage error. */
static int parse_targets(ctx_t *c, const char *arg, Ut__CoverageTarget *t, Ut__CoverageTarget **tp, size_t max,
			 size_t *n)
{
	*n = 0;
	for (const char *p = arg; *p;) {
		int y, v, used = 0;
		if (*n == max || sscanf(p, "%4d:%3d%n", &y, &v, &used) != 2 || (p[used] && p[used] != ','))
			return usage(c, "--coverage-target: '%s' is not a list of YEAR:PERCENT", arg);
		ut__coverage_target__init(&t[*n]);
		t[*n].year = y;
		t[*n].percent = v;
		tp[*n] = &t[*n];
		(*n)++;
		p += used + (p[used] == ',');
	}
	return *n ? 0 : usage(c, "--coverage-target: no YEAR:PERCENT given");
}

static int plan_set(ctx_t *c, int argc, char **argv)
{
	Ut__Plan p = UT__PLAN__INIT;
	Ut__CoverageTarget t[50], *tp[50];
	Ut__CoverageTargets targets = UT__COVERAGE_TARGETS__INIT;
	opts_t o;
	const char *arg, *pos[1];
	long long v;
	int k, given = 0;
	opt_begin(&o, c, argc, argv, c->verb->opts);
	while ((k = opt_next(&o, &arg)) > 0) {
		switch (k) {
		case O_YEAR:
			if (parse_num(c, "--year", arg, 1970, 9999, &v))
				return EXIT_USAGE;
			p.year = (int32_t)v;
			given |= 1;
			break;
		case O_CATEGORY: p.category = (char *)arg; given |= 2; break;
		case O_CLASSES:
			if (parse_num(c, "--classes", arg, 0, INT32_MAX, &v))
				return EXIT_USAGE;
			p.planned_classes = (int32_t)v;
			given |= 4;
			break;
		case O_PARTICIPATIONS:
			if (parse_num(c, "--participations", arg, 0, INT32_MAX, &v))
				return EXIT_USAGE;
			p.planned_participations = (int32_t)v;
			given |= 8;
			break;
		case O_COVERAGE:
			if (parse_targets(c, arg, t, tp, 50, &targets.n_targets))
				return EXIT_USAGE;
			targets.targets = tp;
			break;
		}
	}
	if (k < 0 || opt_rest(&o, pos, 0, 0, "") < 0)
		return EXIT_USAGE;
	if (given && given != 15)
		return usage(c, "a yearly plan needs --year, --category, --classes and --participations");
	if (!given && !targets.n_targets)
		return usage(c, "give a yearly plan (--year ...) or --coverage-target, or both");
	int rc = given ? request(c, SCHEDD, UT__MSG_TYPE__MSG_PLAN_SET, &p.base, &ut__plan__descriptor, plan_done) : 0;
	if (!rc && targets.n_targets)
		rc = request(c, SCHEDD, UT__MSG_TYPE__MSG_COVERAGE_SET, &targets.base, &ut__coverage_targets__descriptor,
			     coverage_done);
	return rc;
}

static int plan_targets(ctx_t *c, int argc, char **argv)
{
	opts_t o;
	const char *arg, *pos[1];
	int k;
	opt_begin(&o, c, argc, argv, c->verb->opts);
	while ((k = opt_next(&o, &arg)) > 0)
		;
	if (k < 0 || opt_rest(&o, pos, 0, 0, "") < 0)
		return EXIT_USAGE;
	Ut__CoverageTargets none = UT__COVERAGE_TARGETS__INIT;
	return request(c, SCHEDD, UT__MSG_TYPE__MSG_COVERAGE_GET, &none.base, &ut__coverage_targets__descriptor,
		       coverage_done);
}

static void plan_table(const ctx_t *c, const ProtobufCMessage *m, const ProtobufCMessage *req)
{
	static const char *const h[] = {"YEAR", "CATEGORY", "CLASSES", "PARTICIPATIONS"};
	const Ut__PlanList *l = (const Ut__PlanList *)m;
	table_t *t = table_new(4, h, "rlrr");
	for (size_t i = 0; i < l->n_plans; i++) {
		table_row(t);
		table_cell(t, "%d", l->plans[i]->year);
		table_cell(t, "%s", l->plans[i]->category);
		table_cell(t, "%d", l->plans[i]->planned_classes);
		table_cell(t, "%d", l->plans[i]->planned_participations);
	}
	table_print(t, stdout, 0);
	table_free(&t);
}

static const optspec_t plan_show_opts[] = {
	{O_YEAR, "year", "YYYY", 0, "plan year (default: this year in the node's time zone)"},
	{0},
};

static int plan_show(ctx_t *c, int argc, char **argv)
{
	Ut__PlanQuery q = UT__PLAN_QUERY__INIT;
	opts_t o;
	const char *arg, *pos[1];
	long long v;
	int k;
	opt_begin(&o, c, argc, argv, c->verb->opts);
	while ((k = opt_next(&o, &arg)) > 0)
		if (k == O_YEAR) {
			if (parse_num(c, "--year", arg, 1970, 9999, &v))
				return EXIT_USAGE;
			q.year = (int32_t)v;
		}
	if (k < 0 || opt_rest(&o, pos, 0, 0, "") < 0)
		return EXIT_USAGE;
	int rc = ctx_ready(c);
	if (rc)
		return rc;
	if (!q.year) {
		time_t now = time(NULL);
		struct tm tm;
		localtime_r(&now, &tm);
		q.year = tm.tm_year + 1900;
	}
	return request(c, SCHEDD, UT__MSG_TYPE__MSG_PLAN_GET, &q.base, &ut__plan_list__descriptor, plan_table);
}

const verb_t course_verbs[] = {
	{"add", course_add, "create a course", "--code CODE --title TEXT --category CAT [--hours N] [--reflection]",
	 course_add_opts, "utctl course add --code LAW-2026 --title \"劳动法律法规更新\" --category labour_law --hours 8 --reflection",
	 NULL},
	{"list", course_list, "list courses", "[--limit N] [--after ID]", list_opts, "utctl course list", NULL},
	{"show", course_show, "show one course by code or id", "CODE_OR_ID", NULL, "utctl course show LAW-2026",
	 "A bare number is taken as the course id, anything else as its code."},
	{0},
};

const verb_t venue_verbs[] = {
	{"add", venue_add, "create a venue", "--name TEXT --capacity N [--address TEXT]", venue_add_opts,
	 "utctl venue add --name \"市总工会职工培训中心\" --capacity 120 --address \"人民路 8 号\"", NULL},
	{"list", venue_list, "list venues", "[--limit N] [--after ID]", list_opts, "utctl venue list", NULL},
	{0},
};

const verb_t lecturer_verbs[] = {
	{"add", lecturer_add, "register a lecturer", "--name TEXT [--affiliation TEXT] [--email ADDR]", lecturer_add_opts,
	 "utctl lecturer add --name \"王丽\" --affiliation \"市委党校\" --email wangli@example.org", NULL},
	{"list", lecturer_list, "list lecturers", "[--limit N] [--after ID]", list_opts, "utctl lecturer list", NULL},
	{0},
};

const verb_t plan_verbs[] = {
	{"set", plan_set, "set the yearly plan of one category, or the multi-year coverage targets (replacing earlier ones)",
	 "[--year YYYY --category CAT --classes N --participations N] [--coverage-target YEAR:PCT,...]", plan_set_opts,
	 "utctl plan set --year 2026 --category safety --classes 42 --participations 3000\n"
	 "  utctl plan set --coverage-target 2025:40,2026:75,2027:100", NULL},
	{"targets", plan_targets, "show the multi-year coverage targets", "", NULL, "utctl plan targets", NULL},
	{"show", plan_show, "show the plans of a year", "[--year YYYY]", plan_show_opts, "utctl plan show --year 2026", NULL},
	{0},
};
