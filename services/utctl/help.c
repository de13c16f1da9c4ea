/* --help at the top and noun levels, from the command table and the nouns' own verb tables; a
 * table row's help comes from the row itself (ut_cmd_print_help). */
#include "utctl.h"
#include "ut/cmd.h"
#include "ut/i18n.h"

#include <string.h>

/* Each verb of noun n once: the table's rows first, then the noun's own verbs. */
static void each_verb(const noun_t *n, void (*fn)(const char *verb, const char *help, void *arg), void *arg)
{
	for (size_t i = 0; i < ut_ncmds; i++)
		if (!strcmp(ut_cmds[i].noun, n->name))
			fn(ut_cmds[i].verb, _(ut_cmds[i].help), arg);
	for (const verb_t *v = n->verbs; v->name; v++)
		fn(v->name, _(v->help), arg);
}

static void join_name(const char *verb, const char *help, void *arg)
{
	char *verbs = arg;
	if (*verbs)
		strncat(verbs, "|", 127 - strlen(verbs));
	strncat(verbs, verb, 127 - strlen(verbs));
}

static void verb_line(const char *verb, const char *help, void *arg)
{
	fprintf(arg, "  %-12s %s\n", verb, help);
}

void print_top_help(FILE *f)
{
	fprintf(f, "%s utctl [--json] [--locale L] [--node-config FILE] [--timeout MS] NOUN VERB [ARGS]\n\n%s\n%s\n\n%s\n",
		_("usage:"), _("Command-line client of a union training node: asks the node's daemons over their sockets."),
		_("Dates are entered and shown in the node's time zone ([node] timezone)."), _("nouns:"));
	for (const noun_t *n = nouns; n->name; n++) {
		char verbs[128] = "";
		each_verb(n, join_name, verbs);
		fprintf(f, "  %-9s %-34s %s\n", n->name, verbs, _(n->help));
	}
	fprintf(f, "\n%s\n", _("global options (before the noun, or anywhere after the verb):"));
	fprintf(f, "  --json              %s\n", _("print JSON (one object, or an array for lists) instead of tables"));
	fprintf(f, "  --format FMT        %s\n", _("table, csv or json, for the commands that list; xlsx too for reports"));
	fprintf(f, "  --output FILE       %s\n", _("a report written to FILE instead of the standard output"));
	fprintf(f, "  --locale L          %s\n", _("zh-Hans, zh-Hant, vi or en; default LC_MESSAGES or LANG, else the node's"));
	fprintf(f, "  --node-config FILE  %s\n", _("node configuration; default $UT_NODE_CONFIG, else ./deploy/node.ini"));
	fprintf(f, "  --timeout MS        %s\n", _("how long to wait for a daemon (default [rpc] timeout_ms, 5000)"));
	fprintf(f, "  -h, --help          %s\n", _("help; also 'utctl NOUN --help' and 'utctl NOUN VERB --help'"));
	fprintf(f, "\n%s\n\n%s\n  utctl node status\n  utctl --json class list --state open\n",
		_("exit status: 0 ok, 1 refused by the daemon, 2 usage error, 3 node not answering."), _("example:"));
}

void print_noun_help(const noun_t *n, FILE *f)
{
	fprintf(f, "%s utctl %s VERB [ARGS]\n\n%s\n\n%s\n", _("usage:"), n->name, _(n->help), _("verbs:"));
	each_verb(n, verb_line, f);
	if (n->implied)
		fprintf(f, "\n'utctl %s ARGS...' = 'utctl %s %s ARGS...'.", n->name, n->name, n->implied);
	fprintf(f, "\n%s\n", _("'utctl NOUN VERB --help' lists a verb's arguments, with an example."));
}

void print_verb_help(const ctx_t *c, FILE *f)
{
	const noun_t *n = c->noun;
	const verb_t *v = c->verb;
	fprintf(f, "%s utctl %s %s%s%s\n\n%s\n", _("usage:"), n->name, v->name, v->synopsis && *v->synopsis ? " " : "",
		v->synopsis ? v->synopsis : "", _(v->help));
	int w = 0;
	for (const optspec_t *o = v->opts; o && o->name; o++) {
		int l = (int)strlen(o->name) + 2 + (o->arg ? (int)strlen(o->arg) + 1 : 0);
		if (l > w)
			w = l;
	}
	if (v->opts && v->opts->name) {
		fprintf(f, "\n%s\n", _("options:"));
		for (const optspec_t *o = v->opts; o->name; o++) {
			char flag[64];
			snprintf(flag, sizeof flag, "--%s%s%s", o->name, o->arg ? " " : "", o->arg ? o->arg : "");
			fprintf(f, "  %-*s  %s%s\n", w, flag, _(o->help), o->required ? _(" (required)") : "");
		}
	}
	fprintf(f, "\n%s\n", _("Also accepted: --json, --locale L, --node-config FILE, --timeout MS (see 'utctl --help')."));
	if (v->notes)
		fprintf(f, "\n%s\n", _(v->notes));
	if (v->example)
		fprintf(f, "\n%s\n  %s\n", _("example:"), v->example);
}
