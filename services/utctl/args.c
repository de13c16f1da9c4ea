/* Argument handling shared by every verb: getopt_long driven by the verb's option table, usage errors,
 * and the parsers for numbers and ids. */
#include "utctl.h"
#include "ut/i18n.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int usage(const ctx_t *c, const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	if (c->where[0])
		fprintf(stderr, _("utctl: %s: %s (see 'utctl %s --help')\n"), c->where, msg, c->where);
	else
		fprintf(stderr, _("utctl: %s (see 'utctl --help')\n"), msg);
	return EXIT_USAGE;
}

void opt_begin(opts_t *o, ctx_t *c, int argc, char **argv, const optspec_t *spec)
{
	memset(o, 0, sizeof *o);
	o->c = c;
	o->argc = argc;
	o->argv = argv;
	o->spec = spec;
	int n = 0;
	for (const optspec_t *s = spec; s && s->name && n < MAX_OPTS; s++, n++)
		o->lo[n] = (struct option){s->name, s->arg ? required_argument : no_argument, NULL, s->key};
	o->lo[n++] = (struct option){"json", no_argument, NULL, OPT_JSON};
	o->lo[n++] = (struct option){"node-config", required_argument, NULL, OPT_CONFIG};
	o->lo[n++] = (struct option){"timeout", required_argument, NULL, OPT_TIMEOUT};
	o->lo[n++] = (struct option){"help", no_argument, NULL, OPT_HELP};
	o->lo[n] = (struct option){0};
	optind = 0; /* 0, not 1: makes GNU getopt forget the previous scan completely */
	opterr = 0; /* we word the errors ourselves */
}

static const char *long_name(const opts_t *o, int key)
{
	for (const struct option *l = o->lo; l->name; l++)
		if (l->val == key)
			return l->name;
	return "?";
}

/* An unknown option, an ambiguous abbreviation or a flag given "=value": say which. */
static int bad_option(opts_t *o)
{
	const char *a = optind > 0 && optind <= o->argc ? o->argv[optind - 1] : "";
	if (optopt && optopt < 128)
		return usage(o->c, "unknown option '-%c'", optopt);
	if (optopt)
		return usage(o->c, "option '--%s' does not take a value", long_name(o, optopt));
	return usage(o->c, "unknown option '%s'", a);
}

int opt_next(opts_t *o, const char **arg)
{
	ctx_t *c = o->c;
	*arg = NULL;
	if (o->done)
		return 0;
	for (;;) {
		int k = getopt_long(o->argc, o->argv, o->in_order ? "+:h" : ":h", o->lo, NULL);
		long long v;
		switch (k) {
		case -1:
			o->done = 1;
			for (int i = 0; o->spec && o->spec[i].name; i++)
				if (o->spec[i].required && !(o->seen & (1UL << i))) {
					usage(c, "missing --%s%s%s", o->spec[i].name, o->spec[i].arg ? " " : "",
					      o->spec[i].arg ? o->spec[i].arg : "");
					return -1;
				}
			return 0;
		case '?':
			bad_option(o);
			return -1;
		case ':':
			usage(c, "option '--%s' needs a value", long_name(o, optopt));
			return -1;
		case 'h':
		case OPT_HELP: /* main catches most; this is the rest (--json --help, --he) */
			if (c->verb)
				print_verb_help(c, stdout);
			else if (c->noun)
				print_noun_help(c->noun, stdout);
			else
				print_top_help(stdout);
			exit(EXIT_OK);
		case OPT_JSON:
			c->json = 1;
			c->format = FMT_JSON;
			continue;
		case OPT_CONFIG:
			c->config_path = optarg;
			continue;
		case OPT_TIMEOUT:
			if (parse_num(c, "--timeout", optarg, 1, 600000, &v))
				return -1;
			c->timeout_ms = (int)v;
			continue;
		}
		for (int i = 0; o->spec && o->spec[i].name; i++)
			if (o->spec[i].key == k)
				o->seen |= 1UL << i;
		*arg = optarg;
		return k;
	}
}

int opt_rest(opts_t *o, const char **pos, int min, int max, const char *names)
{
	int n = o->argc - optind;
	if (n < min || n > max) {
		if (n < min)
			usage(o->c, "missing %s", names);
		else
			usage(o->c, "unexpected argument '%s'", o->argv[optind + max]);
		return -1;
	}
	for (int i = 0; i < n; i++)
		pos[i] = o->argv[optind + i];
	return n;
}

int is_number(const char *s)
{
	if (!*s)
		return 0;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return 0;
	return 1;
}

int parse_num(const ctx_t *c, const char *what, const char *s, long long min, long long max, long long *out)
{
	const char *d = s + (*s == '-' || *s == '+');
	if (!is_number(d))
		return usage(c, "%s: '%s' is not a whole number", what, s);
	errno = 0;
	long long v = strtoll(s, NULL, 10);
	if (errno == ERANGE || v < min)
		return errno == ERANGE && *s != '-' ? usage(c, "%s: %s is too large (at most %lld)", what, s, max)
						     : usage(c, "%s: %s is too small (at least %lld)", what, s, min);
	if (v > max)
		return usage(c, "%s: %s is too large (at most %lld)", what, s, max);
	*out = v;
	return 0;
}

int parse_id(const ctx_t *c, const char *what, const char *s, int allow_none, int64_t *id, int *none)
{
	if (none)
		*none = 0;
	if (allow_none && strcmp(s, "none") == 0) {
		*id = 0;
		*none = 1;
		return 0;
	}
	if (!is_number(s))
		return allow_none ? usage(c, "%s: '%s' is not an id or 'none'", what, s)
				  : usage(c, "%s: '%s' is not an id", what, s);
	long long v;
	if (parse_num(c, what, s, 1, LLONG_MAX, &v))
		return EXIT_USAGE;
	*id = v;
	return 0;
}

static int words(ctx_t *c, int argc, char **argv, const char **pos, int min, int max, const char *names, int in_order)
{
	opts_t o;
	const char *arg;
	int k;
	opt_begin(&o, c, argc, argv, NULL);
	o.in_order = in_order;
	while ((k = opt_next(&o, &arg)) > 0)
		;
	return k < 0 ? -1 : opt_rest(&o, pos, min, max, names);
}

int opt_none(ctx_t *c, int argc, char **argv, const char **pos, int min, int max, const char *names)
{
	return words(c, argc, argv, pos, min, max, names, 0);
}

int opt_words(ctx_t *c, int argc, char **argv, const char **pos, int min, int max, const char *names)
{
	return words(c, argc, argv, pos, min, max, names, 1);
}
