/* utctl: global options, then the noun and verb tables pick the handler; everything else lives in the
 * handler files (node.c, sched.c, class.c). */
#include "utctl.h"
#include "ut/log.h"
#include "ut/utf8.h"

#include <stdio.h>
#include <string.h>

/* `node` has verbs in node.c (status) and report.c (keygen, child): joined once at start. */
static verb_t node_all_verbs[16];

static void join_node_verbs(void)
{
	size_t n = 0;
	for (const verb_t *v = node_verbs; v->name && n + 1 < 16; v++)
		node_all_verbs[n++] = *v;
	for (const verb_t *v = node_link_verbs; v->name && n + 1 < 16; v++)
		node_all_verbs[n++] = *v;
}

const noun_t nouns[] = {
	{"node", "the node's daemons: up or down, how busy; its link keys and children", node_all_verbs, 0},
	{"course", "courses: what a class teaches, and its category", course_verbs, 0},
	{"venue", "venues where sessions are held", venue_verbs, 0},
	{"lecturer", "lecturers who teach sessions", lecturer_verbs, 0},
	{"class", "classes of a course: capacity, audience, state, timetable", class_verbs, 0},
	{"session", "sittings of a class: date, time, venue, lecturer", session_verbs, 0},
	{"plan", "yearly plans: classes and participations per category", plan_verbs, 0},
	{"report", "plan fulfilment, coverage, attendance, and the federation's figures", report_verbs, 0},
	{"unit", "org units under the node: unions, enterprises, schools ...", unit_verbs, 0},
	{"cadre", "the cadre registry: add, search, import, records, due lists", cadre_verbs, 0},
	/* `utctl enrol C001 12` and `utctl rollcall 12 31 --present ...` read as officers say them */
	{"enrol", "enrolments in classes, with waitlists", enrol_verbs, "add"},
	{"rollcall", "attendance per session: present, late, excused, absent", rollcall_verbs, "mark"},
	{"reflection", "written reflections on a class", reflection_verbs, 0},
	{"notify", "notifications: delivery log, due reminders, resend, preview", notify_verbs, 0},
	{0},
};

enum { OPT_VERSION = OPT_FIRST };

static const optspec_t top_opts[] = {
	{OPT_VERSION, "version", NULL, 0, "print utctl's version"},
	{0},
};

static int is_help(const char *a) { return strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0; }

int main(int argc, char **argv)
{
	ut_log_init("utctl", UT_LOG_WARN);
	join_node_verbs();
	ctx_t c = {0};
	for (int i = 1; i < argc; i++)
		if (!ut_utf8_valid(argv[i], strlen(argv[i])))
			return usage(&c, "argument %d is not valid UTF-8", i);

	opts_t o;
	const char *arg;
	int k;
	opt_begin(&o, &c, argc, argv, top_opts);
	o.in_order = 1;
	while ((k = opt_next(&o, &arg)) > 0)
		if (k == OPT_VERSION) {
			printf("utctl %s\n", UT_VERSION);
			return EXIT_OK;
		}
	if (k < 0)
		return EXIT_USAGE;
	int i = optind;
	if (i >= argc)
		return usage(&c, "missing NOUN");
	if (strcmp(argv[i], "help") == 0) {
		print_top_help(stdout);
		return EXIT_OK;
	}
	const noun_t *n = nouns;
	while (n->name && strcmp(n->name, argv[i]) != 0)
		n++;
	if (!n->name)
		return usage(&c, "unknown noun '%s'", argv[i]);
	c.noun = n;
	snprintf(c.where, sizeof c.where, "%s", n->name);

	if (++i >= argc)
		return usage(&c, "missing VERB");
	if (is_help(argv[i]) || strcmp(argv[i], "help") == 0) {
		print_noun_help(n, stdout);
		return EXIT_OK;
	}
	const verb_t *v = n->verbs;
	while (v->name && strcmp(v->name, argv[i]) != 0)
		v++;
	if (!v->name && n->implied && argv[i][0] != '-') {
		for (v = n->verbs; v->name && strcmp(v->name, n->implied) != 0; v++)
			;
		i--; /* the word was the verb's first argument; the noun stands in the verb's place */
	}
	if (!v->name)
		return usage(&c, "unknown verb '%s'", argv[i]);
	c.verb = v;
	snprintf(c.where, sizeof c.where, "%s %s", n->name, v->name);

	/* help wins over every other argument, even broken ones: people ask for it when stuck */
	for (int j = i + 1; j < argc && strcmp(argv[j], "--") != 0; j++)
		if (is_help(argv[j])) {
			print_verb_help(&c, stdout);
			return EXIT_OK;
		}
	int rc = v->run(&c, argc - i, argv + i);
	ctx_close(&c);
	if (fflush(stdout) != 0 && rc == EXIT_OK)
		rc = EXIT_REFUSED;
	return rc;
}
