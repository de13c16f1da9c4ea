/* utctl internals: the invocation context, the noun/verb/option tables, argument and RPC helpers. */
#ifndef UTCTL_H
#define UTCTL_H

#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <protobuf-c/protobuf-c.h>

#include "ut/config.h"
#include "ut/rpc.h"

/* Exit codes, part of the command's interface: scripts and deploy/ut-node rely on them. */
enum { EXIT_OK = 0, EXIT_REFUSED = 1, EXIT_USAGE = 2, EXIT_DOWN = 3 };

struct noun;
struct verb;

enum { FMT_TABLE, FMT_CSV, FMT_JSON, FMT_XLSX };

/* Everything one invocation knows; passed to every handler instead of globals. */
typedef struct ctx {
	/* global options, accepted before the noun or anywhere after the verb */
	int json;
	int format;              /* FMT_*: --format, or --json */
	const char *input;       /* --input FILE.json: the request itself */
	const char *output;      /* --output FILE: a report written there instead of stdout */
	const char *locale;      /* --locale */
	int timeout_ms;          /* 0 = the config's rpc.timeout_ms */
	const char *config_path; /* NULL = $UT_NODE_CONFIG, deploy/node.ini, defaults */

	const struct noun *noun;
	const struct verb *verb;
	char where[64]; /* "class add", prefixes usage errors */
	int ready;      /* config loaded and zone set */
	ut_config_t cfg;
	void *zctx;
	ut_rpc_client_t *client; /* one daemon per invocation, except `node status` */
	const char *client_daemon;
	char *client_endpoint;
} ctx_t;

/* One long option of a verb: the table drives getopt_long, the required check and --help. */
typedef struct optspec {
	int key;          /* what opt_next returns; >= OPT_FIRST */
	const char *name; /* without the dashes */
	const char *arg;  /* metavariable shown in help; NULL for a flag */
	int required;
	const char *help;
} optspec_t;

typedef struct verb {
	const char *name;
	int (*run)(ctx_t *c, int argc, char **argv); /* argv[0] is the verb; returns an exit code */
	const char *help;                            /* one line, for the noun's verb list */
	const char *synopsis;                        /* after "utctl NOUN VERB" */
	const optspec_t *opts;                       /* ends with {0} */
	const char *example;                         /* full command line(s) */
	const char *notes;                           /* optional extra paragraph */
} verb_t;

typedef struct noun {
	const char *name;
	const char *help;
	const verb_t *verbs; /* ends with {0} */
	const char *implied;  /* verb meant when the word after the noun is none of its verbs */
} noun_t;

/* Keys of the options every verb accepts; verb options start at OPT_FIRST. */
enum { OPT_JSON = 200, OPT_CONFIG, OPT_TIMEOUT, OPT_HELP, OPT_FIRST = 256 };
#define MAX_OPTS 32

/* getopt_long over a verb's table plus the global options. */
typedef struct opts {
	ctx_t *c;
	int argc;
	char **argv;
	const optspec_t *spec;
	struct option lo[MAX_OPTS + 8];
	unsigned long seen; /* bit i: spec[i] was given */
	int in_order;       /* stop at the first non-option (the noun) */
	int done;
} opts_t;

void opt_begin(opts_t *o, ctx_t *c, int argc, char **argv, const optspec_t *spec);
/* The next option's key with its argument in *arg; 0 at the end; -1 after printing a usage error.
 * Global options are consumed here. At the end, required options are checked. */
int opt_next(opts_t *o, const char **arg);
/* Positional arguments left after the options: exactly `min`..`max` of them into pos[]. Returns
 * their number, or -1 after printing a usage error; `names` describes them ("CLASS_ID"). */
int opt_rest(opts_t *o, const char **pos, int min, int max, const char *names);
/* For verbs without options of their own: the global options, then opt_rest. */
int opt_none(ctx_t *c, int argc, char **argv, const char **pos, int min, int max, const char *names);
/* The same, with options only before the first word, so later words may begin with '-' (a Z85
 * key can). */
int opt_words(ctx_t *c, int argc, char **argv, const char **pos, int min, int max, const char *names);

/* Print "utctl: <where>: <reason> (see 'utctl <where> --help')" and return EXIT_USAGE. */
int usage(const ctx_t *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Whole number in [min, max]; else a usage error naming `what`. 0 or EXIT_USAGE. */
int parse_num(const ctx_t *c, const char *what, const char *s, long long min, long long max, long long *out);
/* A positive id, or with allow_none "none" giving *id = 0 and *none = 1. */
int parse_id(const ctx_t *c, const char *what, const char *s, int allow_none, int64_t *id, int *none);
int is_number(const char *s);

/* Load the config once and set the node's time zone; needed before any date is parsed. */
int ctx_ready(ctx_t *c);
void ctx_close(ctx_t *c);
/* One request to `daemon`; on success *out holds the reply body unpacked as `rdesc` (free with
 * protobuf_c_message_free_unpacked). Returns an exit code and has already said why on stderr. */
int call(ctx_t *c, const char *daemon, int type, const ProtobufCMessage *req, const ProtobufCMessageDescriptor *rdesc,
	 ProtobufCMessage **out);
/* Prints a reply in text mode; `req` is the request, for confirmations that echo it. */
typedef void printer_fn(const ctx_t *c, const ProtobufCMessage *reply, const ProtobufCMessage *req);
/* call(), then print the reply: as JSON (an array for *List replies) with --json, else with `text`. */
struct ut_cmd;
/* A row asked of every daemon at once (ut_cmd_every): its gathered reply in *out; down[i] 1 for
 * each daemon that did not answer. */
int call_every(ctx_t *c, const struct ut_cmd *cmd, const ProtobufCMessage *req, ProtobufCMessage **out, int down[]);
int request(ctx_t *c, const char *daemon, int type, const ProtobufCMessage *req,
	    const ProtobufCMessageDescriptor *rdesc, printer_fn *text);
/* The message for a daemon that does not answer. */
void say_down(const char *daemon, const char *endpoint);

/* The whole of `path` ("-" = stdin), at most max bytes, NUL-terminated; NULL after saying why. */
char *read_all(const ctx_t *c, const char *path, size_t max, size_t *len);

/* Run a row of the command table (table.c) with the words after its verb. */
int run_cmd(ctx_t *c, const struct ut_cmd *cmd, int argc, char **argv);

/* Help texts, all generated from the tables (help.c). */
void print_top_help(FILE *f);
void print_noun_help(const noun_t *n, FILE *f);
void print_verb_help(const ctx_t *c, FILE *f);
extern const noun_t nouns[];

/* The verbs not (yet) rows of the command table, per noun. */
extern const verb_t node_link_verbs[]; /* report.c: keygen, child; joined to the node noun */
extern const verb_t node_backup_verbs[]; /* backup.c: backup, restore; joined to the node noun */

/* report.c: a report row's reply (fulfilment, coverage, attendance, federation) as its table, CSV,
 * JSON or XLSX, to stdout or --output. Returns an exit code, having said why on stderr. */
int report_print(const ctx_t *c, const ProtobufCMessage *req, const ProtobufCMessage *rep);

#endif
