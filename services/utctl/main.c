/* utctl: global options, then the command table (common/client) or a noun's own verb table picks
 * the handler; the words a person reads come from the catalogues in their language. */
#include "utctl.h"
#include "ut/cmd.h"
#include "ut/i18n.h"
#include "ut/log.h"
#include "ut/utf8.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* `node` has verbs of its own in report.c (keygen, child) and backup.c (backup, restore), joined
 * once at start, beside its rows of the table (status). */
static verb_t node_all_verbs[16];

static void join_node_verbs(void)
{
	size_t n = 0;
	for (const verb_t *v = node_link_verbs; v->name && n + 1 < 16; v++)
		node_all_verbs[n++] = *v;
	for (const verb_t *v = node_backup_verbs; v->name && n + 1 < 16; v++)
		node_all_verbs[n++] = *v;
}

/* a noun whose every verb is a row of the command table */
static const verb_t table_only[] = {{0}};

const noun_t nouns[] = {
	{"node", N_("the node's daemons: up or down, how busy; its link keys and children; backup and restore"), node_all_verbs, 0},
	{"course", N_("courses: what a class teaches, and its category"), table_only, 0},
	{"venue", N_("venues where sessions are held"), table_only, 0},
	{"lecturer", N_("lecturers who teach sessions"), table_only, 0},
	{"class", N_("classes of a course: capacity, audience, state, timetable"), table_only, 0},
	{"session", N_("sittings of a class: date, time, venue, lecturer"), table_only, 0},
	{"plan", N_("yearly plans: classes and participations per category"), table_only, 0},
	{"report", N_("plan fulfilment, coverage, attendance, and the federation's figures"), table_only, 0},
	{"unit", N_("org units under the node: unions, enterprises, schools ..."), table_only, 0},
	{"cadre", N_("the cadre registry: add, search, import, records, due lists"), table_only, 0},
	/* `utctl enrol C001 12` and `utctl rollcall 12 31 --present ...` read as officers say them */
	{"enrol", N_("enrolments in classes, with waitlists"), table_only, "add"},
	{"rollcall", N_("attendance per session: present, late, excused, absent"), table_only, "mark"},
	{"reflection", N_("written reflections on a class"), table_only, 0},
	{"notify", N_("notifications: delivery log, due reminders, resend, preview, nudges"), table_only, 0},
	{"user", N_("accounts of the web console: add, list, passwd, role, disable"), table_only, 0},
	{"audit", N_("who changed what: every daemon's changes with the actor of each"), table_only, "list"},
	{0},
};

static int is_help(const char *a) { return strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0; }

/* 1 when the noun has a verb of its own by this name. */
static int has_own_verb(const noun_t *n, const char *verb)
{
	for (const verb_t *v = n->verbs; v->name; v++)
		if (!strcmp(v->name, verb))
			return 1;
	return 0;
}

/* 1 when the row cannot run without words (a required argument). */
static int needs_words(const ut_cmd_t *cmd)
{
	for (const ut_arg_t *a = cmd->args; a->name; a++)
		if (a->flags & UT_ARG_REQUIRED)
			return 1;
	return 0;
}

/* 1 when the row has an option of this name ("--format"): it is the row's, not the global one. */
static int own_option(const ut_cmd_t *cmd, const char *opt, size_t n)
{
	for (const ut_arg_t *a = cmd ? cmd->args : NULL; a && a->name; a++)
		if (!(a->flags & UT_ARG_POS) && strlen(a->name) == n - 2 && !strncmp(a->name, opt + 2, n - 2))
			return 1;
	return 0;
}

/* Take the global option at argv[*i] (and its value) into c. 1 when it was one, 0 when not, -1
 * after a usage error. `table`: the options only table rows know (--format, --input) count too,
 * unless `cmd` has an option of the same name (class add --format online). */
static int global(ctx_t *c, int argc, char **argv, int *i, int table, const ut_cmd_t *cmd)
{
	const char *a = argv[*i], *eq = strchr(a, '=');
	size_t n = eq ? (size_t)(eq - a) : strlen(a);
	static const char *const valued[] = {"--format", "--locale", "--input", "--output", "--node-config", "--timeout",
					     NULL};
	if (!strcmp(a, "--json")) {
		c->json = 1;
		c->format = FMT_JSON;
		return 1;
	}
	for (const char *const *v = valued; *v; v++) {
		if (strlen(*v) != n || strncmp(a, *v, n))
			continue;
		if ((!table && (!strcmp(*v, "--format") || !strcmp(*v, "--input") || !strcmp(*v, "--output"))) ||
		    own_option(cmd, a, n))
			return 0;
		const char *val = eq ? eq + 1 : *i + 1 < argc ? argv[++*i] : NULL;
		if (!val) {
			usage(c, _("option '%s' needs a value"), *v);
			return -1;
		}
		if (!strcmp(*v, "--format")) {
			if (!strcmp(val, "table"))
				c->format = FMT_TABLE;
			else if (!strcmp(val, "csv"))
				c->format = FMT_CSV;
			else if (!strcmp(val, "json"))
				c->format = FMT_JSON, c->json = 1;
			else if (!strcmp(val, "xlsx"))
				c->format = FMT_XLSX;
			else {
				usage(c, _("--format: '%s' is not one of table, csv, json, xlsx"), val);
				return -1;
			}
		} else if (!strcmp(*v, "--locale"))
			c->locale = val;
		else if (!strcmp(*v, "--input"))
			c->input = val;
		else if (!strcmp(*v, "--output"))
			c->output = val;
		else if (!strcmp(*v, "--node-config"))
			c->config_path = val;
		else {
			long long ms;
			if (parse_num(c, "--timeout", val, 1, 600000, &ms))
				return -1;
			c->timeout_ms = (int)ms;
		}
		return 1;
	}
	return 0;
}

/* The reader's language: --locale, the environment, else the node's ([node] locale). The config is
 * read quietly here: a broken one is reported by the command that needs it. */
static int choose_locale(ctx_t *c)
{
	const char *node = NULL;
	ut_config_t cfg;
	int have = 0;
	if (!c->locale) { /* an environment of C or POSIX leaves it to the node */
		const char *path = c->config_path ? c->config_path : getenv("UT_NODE_CONFIG");
		char err[256];
		if (!path || !*path)
			path = "deploy/node.ini";
		if (ut_config_load(&cfg, path, err, sizeof err, NULL) == 0)
			node = cfg.locale, have = 1;
		else
			ut_config_free(&cfg);
	}
	const char *l = ut_i18n_pick(c->locale, node);
	if (!l) {
		ut_i18n_use("en");
		return usage(c, "--locale: '%s' is not one of zh-Hans, zh-Hant, vi, en", c->locale);
	}
	ut_i18n_use(l);
	if (have)
		ut_config_free(&cfg);
	return 0;
}

int main(int argc, char **argv)
{
	ut_log_init("utctl", UT_LOG_WARN);
	join_node_verbs();
	ctx_t c = {0};
	for (int i = 1; i < argc; i++)
		if (!ut_utf8_valid(argv[i], strlen(argv[i])))
			return usage(&c, "argument %d is not valid UTF-8", i);

	int i = 1, help = 0;
	for (; i < argc && argv[i][0] == '-'; i++) {
		int g = global(&c, argc, argv, &i, 1, NULL);
		if (g < 0)
			return EXIT_USAGE;
		if (g)
			continue;
		if (!strcmp(argv[i], "--version")) {
			printf("utctl %s\n", UT_VERSION);
			return EXIT_OK;
		}
		if (is_help(argv[i])) {
			help = 1;
			continue;
		}
		return usage(&c, _("unknown option '%s'"), argv[i]);
	}
	/* the words people read come next, so the language is chosen before anything is said */
	if (choose_locale(&c))
		return EXIT_USAGE;
	if (help || i >= argc || strcmp(argv[i], "help") == 0) {
		if (!help && i >= argc)
			return usage(&c, _("missing NOUN"));
		print_top_help(stdout);
		return EXIT_OK;
	}
	const noun_t *n = nouns;
	while (n->name && strcmp(n->name, argv[i]) != 0)
		n++;
	if (!n->name)
		return usage(&c, _("unknown noun '%s'"), argv[i]);
	c.noun = n;
	snprintf(c.where, sizeof c.where, "%s", n->name);

	/* a noun whose implied verb needs no words (audit list) may be given alone, or with options only */
	const ut_cmd_t *implied = n->implied ? ut_cmd_find(n->name, n->implied) : NULL;
	int optional = implied && !needs_words(implied);
	int own_implied = n->implied && (has_own_verb(n, n->implied) || optional), alone = 0;
	if (++i >= argc && !own_implied)
		return usage(&c, _("missing VERB"));
	if (i >= argc)
		alone = 1, i--; /* the noun stands in the verb's place */
	if (!alone && (is_help(argv[i]) || strcmp(argv[i], "help") == 0)) {
		print_noun_help(n, stdout);
		return EXIT_OK;
	}
	const ut_cmd_t *cmd = alone ? (optional ? implied : NULL) : ut_cmd_find(n->name, argv[i]);
	if (!cmd && !alone && i + 1 < argc) { /* a verb of two words: `node child add` */
		char two[64];
		snprintf(two, sizeof two, "%s %s", argv[i], argv[i + 1]);
		if ((cmd = ut_cmd_find(n->name, two)))
			i++;
	}
	if (!cmd && implied && (argv[i][0] != '-' || optional) && !has_own_verb(n, argv[i]) && (cmd = implied))
		i--; /* the word was the verb's first argument: `utctl enrol C001 12` */
	if (cmd) {
		snprintf(c.where, sizeof c.where, "%s %s", n->name, cmd->verb);
		char **rest = calloc((size_t)argc + 1, sizeof *rest);
		int nrest = 0, only_words = 0;
		if (!rest)
			return EXIT_REFUSED;
		for (int j = i + 1; j < argc; j++) {
			if (!only_words && !strcmp(argv[j], "--"))
				only_words = 1;
			if (!only_words && is_help(argv[j])) {
				ut_cmd_print_help(cmd, stdout);
				free(rest);
				return EXIT_OK;
			}
			int g = only_words ? 0 : global(&c, argc, argv, &j, 1, cmd);
			if (g < 0) {
				free(rest);
				return EXIT_USAGE;
			}
			if (!g)
				rest[nrest++] = argv[j];
		}
		if (choose_locale(&c)) { /* a --locale after the verb */
			free(rest);
			return EXIT_USAGE;
		}
		int rc = run_cmd(&c, cmd, nrest, rest);
		free(rest);
		ctx_close(&c);
		if (fflush(stdout) != 0 && rc == EXIT_OK)
			rc = EXIT_REFUSED;
		return rc;
	}
	const verb_t *v = n->verbs;
	while (!alone && v->name && strcmp(v->name, argv[i]) != 0)
		v++;
	if (alone || (!v->name && n->implied && (argv[i][0] != '-' || own_implied))) {
		for (v = n->verbs; v->name && strcmp(v->name, n->implied) != 0; v++)
			;
		if (!alone)
			i--; /* the word was the verb's first argument; the noun stands in the verb's place */
	}
	if (!v->name)
		return usage(&c, _("unknown verb '%s'"), argv[i]);
	c.verb = v;
	snprintf(c.where, sizeof c.where, "%s %s", n->name, v->name);

	/* help wins over every other argument, even broken ones: people ask for it when stuck */
	for (int j = i + 1; j < argc && strcmp(argv[j], "--") != 0; j++)
		if (is_help(argv[j])) {
			print_verb_help(&c, stdout);
			return EXIT_OK;
		}
	/* --locale is global, except for the verbs that have their own (a cadre's or a report's); the
	 * verbs' own parser knows the other global options */
	int nv = 0, own_locale = 0;
	for (const optspec_t *o = v->opts; o && o->name; o++)
		own_locale |= !strcmp(o->name, "locale");
	for (int j = i; j < argc; j++) {
		if (own_locale) {
			argv[i + nv++] = argv[j];
			continue;
		}
		if (!strcmp(argv[j], "--locale") && j + 1 < argc) {
			c.locale = argv[++j];
			continue;
		}
		if (!strncmp(argv[j], "--locale=", 9)) {
			c.locale = argv[j] + 9;
			continue;
		}
		argv[i + nv++] = argv[j];
	}
	if (choose_locale(&c))
		return EXIT_USAGE;
	int rc = v->run(&c, nv, argv + i);
	ctx_close(&c);
	if (fflush(stdout) != 0 && rc == EXIT_OK)
		rc = EXIT_REFUSED;
	return rc;
}
