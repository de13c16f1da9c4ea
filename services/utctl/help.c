/* --help at every level, generated from the noun, verb and option tables so it cannot drift from them. */
#include "utctl.h"

#include <string.h>

static const char global_opts[] = "global options (before the noun, or anywhere after the verb):\n"
				  "  --json              print JSON (one object, or an array for lists) instead of tables\n"
				  "  --node-config FILE  node configuration; default $UT_NODE_CONFIG, else ./deploy/node.ini\n"
				  "                      if it exists, else built-in defaults\n"
				  "  --timeout MS        how long to wait for a daemon (default [rpc] timeout_ms, 5000)\n"
				  "  -h, --help          help; also 'utctl NOUN --help' and 'utctl NOUN VERB --help'\n";

void print_top_help(FILE *f)
{
	fprintf(f, "usage: utctl [--json] [--node-config FILE] [--timeout MS] NOUN VERB [ARGS]\n\n"
		   "Command-line client of a union training node: asks the node's daemons over their sockets.\n"
		   "Dates are entered and shown in the node's time zone ([node] timezone).\n\n"
		   "nouns:\n");
	for (const noun_t *n = nouns; n->name; n++) {
		char verbs[128] = "";
		for (const verb_t *v = n->verbs; v->name; v++) {
			if (v != n->verbs)
				strncat(verbs, "|", sizeof verbs - strlen(verbs) - 1);
			strncat(verbs, v->name, sizeof verbs - strlen(verbs) - 1);
		}
		fprintf(f, "  %-9s %-34s %s\n", n->name, verbs, n->help);
	}
	fprintf(f, "\n%s\n", global_opts);
	fprintf(f, "exit status: 0 ok, 1 refused by the daemon, 2 usage error, 3 node not answering.\n\n"
		   "example:\n  utctl node status\n  utctl --json class list --state open\n");
}

void print_noun_help(const noun_t *n, FILE *f)
{
	fprintf(f, "usage: utctl %s VERB [ARGS]\n\n%s\n\nverbs:\n", n->name, n->help);
	for (const verb_t *v = n->verbs; v->name; v++)
		fprintf(f, "  %-8s %s\n", v->name, v->help);
	if (n->implied)
		fprintf(f, "\n'utctl %s ARGS...' without a verb means 'utctl %s %s ARGS...'.", n->name, n->name, n->implied);
	fprintf(f, "\n'utctl %s VERB --help' lists a verb's options, with an example.\n", n->name);
}

void print_verb_help(const ctx_t *c, FILE *f)
{
	const noun_t *n = c->noun;
	const verb_t *v = c->verb;
	fprintf(f, "usage: utctl %s %s%s%s\n\n%s\n", n->name, v->name, v->synopsis && *v->synopsis ? " " : "",
		v->synopsis ? v->synopsis : "", v->help);
	int w = 0;
	for (const optspec_t *o = v->opts; o && o->name; o++) {
		int l = (int)strlen(o->name) + 2 + (o->arg ? (int)strlen(o->arg) + 1 : 0);
		if (l > w)
			w = l;
	}
	if (v->opts && v->opts->name) {
		fprintf(f, "\noptions:\n");
		for (const optspec_t *o = v->opts; o->name; o++) {
			char flag[64];
			snprintf(flag, sizeof flag, "--%s%s%s", o->name, o->arg ? " " : "", o->arg ? o->arg : "");
			fprintf(f, "  %-*s  %s%s\n", w, flag, o->help, o->required ? " (required)" : "");
		}
	}
	fprintf(f, "\nAlso accepted: --json, --node-config FILE, --timeout MS (see 'utctl --help').\n");
	if (v->notes)
		fprintf(f, "\n%s\n", v->notes);
	if (v->example)
		fprintf(f, "\nexample:\n  %s\n", v->example);
}
