/* Yearly plans and coverage targets sent to ut-schedd (the other scheduling verbs are rows of the
 * command table). */
#include "utctl.h"
#include "output.h"
#include "sched.pb-c.h"

#include <limits.h>
#include <string.h>
#include <time.h>

#define SCHEDD "ut-schedd"

enum {
	O_YEAR = OPT_FIRST,
	O_CATEGORY,
	O_CLASSES,
	O_PARTICIPATIONS,
	O_COVERAGE,
};

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
			if (parse_num(c, "--year", arg, 2000, 2100, &v))
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

/* course, venue, lecturer, class and session verbs, plan show and plan targets are rows of the
 * command table */
const verb_t course_verbs[] = {{0}};
const verb_t venue_verbs[] = {{0}};
const verb_t lecturer_verbs[] = {{0}};
const verb_t class_verbs[] = {{0}};
const verb_t session_verbs[] = {{0}};

const verb_t plan_verbs[] = {
	{"set", plan_set, "set the yearly plan of one category, or the multi-year coverage targets (replacing earlier ones)",
	 "[--year YYYY --category CAT --classes N --participations N] [--coverage-target YEAR:PCT,...]", plan_set_opts,
	 "utctl plan set --year 2026 --category safety --classes 42 --participations 3000\n"
	 "  utctl plan set --coverage-target 2025:40,2026:75,2027:100", NULL},
	{0},
};
