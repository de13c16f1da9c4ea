/* The command table: one row per noun and verb, the one description of every request a person can
 * make, shared by utctl and the web console. A row names the request message and the daemon that
 * answers it; each argument is bound to a field of the request by name (protobuf-c descriptors),
 * with its kind, bounds and help; the row says which role may run it and which columns its reply
 * shows. One generic filler turns words (argv, or a form's fields) into the request, so parsing,
 * help and the web API cannot drift apart. Modelled on Redis's config table and smtpctl's parser. */
#ifndef UT_CMD_H
#define UT_CMD_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <protobuf-c/protobuf-c.h>

#include "ut/rpc.h"

/* Who may run a row; each role may run what the ones before it may. */
typedef enum { UT_ROLE_VIEWER, UT_ROLE_LECTURER, UT_ROLE_OFFICER, UT_ROLE_ADMIN } ut_role_t;

typedef enum {
	UT_ARG_TEXT,     /* the word as it is */
	UT_ARG_INT,      /* a whole number in [min, max] */
	UT_ARG_FLAG,     /* a switch without a value: the field is set to 1 (a bool, or a number) */
	UT_ARG_CHOICE,   /* one of `choices`, stored as given */
	UT_ARG_DATE,     /* YYYY-MM-DD [HH:MM] in the node's zone, as Unix seconds */
	UT_ARG_DATE_END, /* the same; a bare date means the next midnight, so the day is included */
	UT_ARG_REF,      /* a name or code a person knows, resolved to the id the request carries */
	UT_ARG_HOOK,     /* handed to the row's hook, in the order the words came */
	UT_ARG_FILE,     /* a file: read by the caller's reader, its content handed to the row's hook */
} ut_arg_kind_t;

/* What a UT_ARG_REF names. */
typedef enum {
	UT_REF_COURSE = 1, /* by code, or id */
	UT_REF_VENUE,      /* by name, or id */
	UT_REF_LECTURER,   /* by name, or id */
	UT_REF_CLASS_SESSION, /* a session by its number within the class in `ctx_field` */
	UT_REF_UNIT,       /* by code or exact name; into a string field its code, else its id */
} ut_ref_t;

#define UT_ARG_REQUIRED 1u
#define UT_ARG_POS 2u     /* a positional word (in row order), not an option */
#define UT_ARG_NONE_OK 4u /* "none" is allowed: for a REF, id 0 and the bool field `set` to 1 */
#define UT_ARG_REPEAT 8u  /* may be given more than once */
#define UT_ARG_LIST 16u   /* takes the words after it up to the next option, joined with commas
			   * (--present K1 K2 K3); positionals then come first */

typedef struct ut_arg {
	const char *name;  /* the option without dashes; a positional's metavariable */
	const char *field; /* the request field it fills, a path ("cls.capacity"); NULL for a hook */
	ut_arg_kind_t kind;
	unsigned flags;
	const char *meta; /* the value's metavariable in help; an option without one is a switch */
	const char *help; /* msgid */
	int64_t min, max; /* UT_ARG_INT */
	const char *const *choices; /* UT_ARG_CHOICE, NULL-terminated */
	ut_ref_t ref;               /* UT_ARG_REF */
	const char *set;            /* UT_ARG_NONE_OK: the bool field "none" sets */
	const char *ctx_field;      /* UT_REF_CLASS_SESSION: where the class id is */
	const char *given;          /* a bool field set whenever the argument is given (employees_set) */
	ut_role_t role;             /* a role above the row's that giving it needs (an officer's --force) */
} ut_arg_t;

/* How a reply column shows its field. */
typedef enum {
	UT_COL_PLAIN, /* the value as it is; a bool as yes/no */
	UT_COL_WORD,  /* a value word (state, level ...), translated */
	UT_COL_TIME,  /* Unix seconds as YYYY-MM-DD HH:MM in the node's zone; 0 as - */
	UT_COL_COUNT, /* the number of items of a repeated field */
	UT_COL_SPAN,  /* a session's starts_at..ends_at ("field" is the message holding them) */
	UT_COL_NAMED, /* an id with the name in `field2` beside it; 0 as - */
	UT_COL_FIRST, /* the earliest starts_at of the repeated sessions in `field` */
	UT_COL_NUMBER,/* the item's place in the list, from 1 (a session's number in its class) */
	UT_COL_PERCENT, /* a whole percentage: 75 as 75% */
	UT_COL_DAYS,    /* Unix seconds `field`..`field2` as YYYY-MM-DD..YYYY-MM-DD (one day once) */
	UT_COL_RATIO,   /* `field`/`field2`, e.g. sessions attended of sessions held */
	UT_COL_TIME_MS, /* Unix milliseconds, as UT_COL_TIME */
	UT_COL_OFFSET,  /* seconds before something, as 3d, 2h or 30m; 0 as - */
	UT_COL_PLANNED, /* a due-list item: "planned: class N" when it has a class, else "due" */
	UT_COL_DURATION, /* seconds as 2d03h, 1h02m, 5m03s or 42s */
	UT_COL_BRIEF,    /* long text (a request as JSON) cut at 100 characters in a table */
} ut_col_kind_t;

typedef struct ut_col {
	const char *field;  /* in the item (lists) or the reply; a path ("cadre.name") */
	const char *head;   /* msgid of the header */
	ut_col_kind_t kind;
	const char *field2; /* UT_COL_NAMED: the name beside the id */
} ut_col_t;

/* The daemons of a node, in the order a row asked of every daemon gets their answers. */
extern const char *const ut_node_daemons[];
#define UT_NODE_DAEMONS 5
/* A row's daemon when it asks every daemon of the node at once (`node status`, `audit list`). */
#define UT_CMD_EVERY "*"

struct ut_fill;
typedef struct ut_cmd {
	const char *noun, *verb;
	const char *help; /* msgid: one line */
	const char *daemon;
	int type;                                  /* the request's Ut__MsgType */
	const ProtobufCMessageDescriptor *req, *rep;
	ut_role_t role;
	const ut_arg_t *args; /* ends with {0} */
	const char *items;    /* a list reply: the repeated field of items shown as rows */
	const ut_col_t *cols; /* the columns of the rows (lists) or the lines (one thing); ends with {0} */
	const char *done;      /* msgid of the confirmation of a change, its %s filled from done_args */
	const char *done_args; /* reply fields, comma-separated */
	const char *example;   /* full command lines, one per line */
	const char *notes;     /* msgid of an extra paragraph */
	/* UT_ARG_HOOK arguments, in the order given, then once with a == NULL when all are in. */
	int (*hook)(struct ut_fill *f, const ut_arg_t *a, const char *value);
	const ut_col_t *subcols; /* a second table under a one-thing reply: its repeated `subitems` */
	const char *subitems;
	/* What `done` or the columns cannot say from reply fields alone (a preview's text), or a line
	 * under a list's table (its counts): printed to out, translated. */
	void (*said)(const ProtobufCMessage *req, const ProtobufCMessage *rep, FILE *out);
	/* 1: a report; its rows are figures under labels in the reader's language (ut/reportfmt.h),
	 * summed per group, not columns of the reply */
	int figures;
	/* A UT_CMD_EVERY row's reply from every daemon's: rep[i] the decoded reply of
	 * ut_node_daemons[i], NULL when it did not answer (down[i] 1) or refused (why[i] its text).
	 * 0, or UT_ENOMEM. */
	int (*gather)(const ProtobufCMessage *req, ProtobufCMessage *const rep[], const int down[],
		      const char *const why[], ProtobufCMessage **out);
	const ProtobufCMessageDescriptor *each; /* a UT_CMD_EVERY row: each daemon's reply (rep: the gathered) */
} ut_cmd_t;

extern const ut_cmd_t ut_cmds[];
extern const size_t ut_ncmds;

/* The row for noun and verb; NULL when there is none. */
const ut_cmd_t *ut_cmd_find(const char *noun, const char *verb);
/* 1 when some row has this noun. */
int ut_cmd_has_noun(const char *noun);

/* Asks the node for something while filling (names to ids): one request and its decoded reply,
 * the same call utctl and the web console make for the request itself. 0, or a UT_E* code with
 * the reason already in err. */
typedef int ut_call_fn(void *ctx, const char *daemon, int type, const ProtobufCMessage *req,
		       const ProtobufCMessageDescriptor *rdesc, ProtobufCMessage **out, char *err, size_t errlen);

/* Reads a file a person named (utctl: a path, "-" for stdin; the web console: an upload): the whole
 * content, malloc'd, in *data. 0, or a UT_E* code with the reason in err. */
typedef int ut_read_fn(void *ctx, const char *name, char **data, size_t *len, char *err, size_t errlen);

typedef struct ut_fill {
	const ut_cmd_t *cmd;
	ProtobufCMessage *req; /* the request being filled, malloc'd like a decoded message */
	ut_call_fn *call;
	ut_read_fn *read;
	void *call_ctx;
	const char *file_data; /* a UT_ARG_FILE's content while its hook runs */
	size_t file_len;
	char *notes;     /* lines the reader should see beside the reply (names not found), or NULL */
	int refused;     /* how many of the request's items the notes refused */
	char err[1024];  /* why filling failed, in the reader's language */
	int usage;       /* 1: the words were wrong (a usage error); 0: the node said no */
	void *hook_state; /* the row's hook keeps what it collects here; freed with the fill */
	void (*hook_free)(void *);
} ut_fill_t;

/* Fill a new request of cmd from argv (the words after the verb; options and positionals in any
 * order, "--" ends the options). 0, or UT_EINVAL with f->err set (f->usage says whose fault). */
int ut_cmd_fill_argv(ut_fill_t *f, const ut_cmd_t *cmd, int argc, char **argv, ut_call_fn *call, void *call_ctx)
	__attribute__((warn_unused_result));
/* The same, with a reader for the files the words name (UT_ARG_FILE). */
int ut_cmd_fill_argv_files(ut_fill_t *f, const ut_cmd_t *cmd, int argc, char **argv, ut_call_fn *call,
			   ut_read_fn *read, void *ctx) __attribute__((warn_unused_result));
/* Add a line to f->notes (printf-style, the format a msgid) and count an item refused. */
void ut_cmd_note(ut_fill_t *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The same, for a line that refuses nothing (a warning). */
void ut_cmd_warn(ut_fill_t *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The node's [node] locale, where the node's practice decides how words are read (01/06/2025 is
 * day first on a Vietnamese node): set once by the client from the node's configuration. */
void ut_cmd_set_node_locale(const char *locale);
const char *ut_cmd_node_locale(void);
/* Ask the node for something (a lookup of a hook's): the fill's call, with its errors in f->err. */
int ut_cmd_call(ut_fill_t *f, const char *daemon, int type, const ProtobufCMessage *req,
		const ProtobufCMessageDescriptor *rdesc, ProtobufCMessage **out) __attribute__((warn_unused_result));
/* Set one argument of the request from a word, as the filler does: for hooks and form fields. */
int ut_cmd_set(ut_fill_t *f, const ut_arg_t *a, const char *value) __attribute__((warn_unused_result));
/* Resolve a name to an id as a UT_ARG_REF does (for hooks). */
int ut_cmd_resolve(ut_fill_t *f, ut_ref_t ref, const char *what, const char *value, int64_t *id)
	__attribute__((warn_unused_result));
/* Say why filling failed (printf-style, the format a msgid): returns UT_EINVAL. */
int ut_cmd_fail(ut_fill_t *f, int usage, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
void ut_cmd_fill_free(ut_fill_t *f);

/* Ask every daemon of the node for a UT_CMD_EVERY row's request at once, through the caller's
 * clients (cl[i] for ut_node_daemons[i], NULL where none could be made), and gather the answers
 * into the row's reply. down[i] is set to 1 for each daemon that did not answer. 0, or UT_ENOMEM. */
int ut_cmd_every(const ut_cmd_t *cmd, ut_rpc_client_t *const cl[], const ProtobufCMessage *req,
		 ProtobufCMessage **rep, int down[]) __attribute__((warn_unused_result));

/* The role a filled request needs: the row's, or more where it sets an argument reserved to a
 * higher role; *arg (may be NULL) is then that argument. */
ut_role_t ut_cmd_role_needed(const ut_cmd_t *cmd, const ProtobufCMessage *req, const ut_arg_t **arg);

/* "utctl NOUN VERB ..." with every argument, and the whole help of a row, from the row itself. */
void ut_cmd_print_usage(const ut_cmd_t *cmd, FILE *f);
void ut_cmd_print_help(const ut_cmd_t *cmd, FILE *f);

/* A field of m by path ("cls.capacity"); NULL descriptor when the path names no field. *base is the
 * message holding the last part. */
const ProtobufCFieldDescriptor *ut_cmd_field(const ProtobufCMessageDescriptor *d, const char *path);

#endif
