/* The command table's generic filler (words to a request, through the descriptors), name
 * resolution, and the help every row generates about itself. */
#include "ut/cmd.h"
#include "ut/clock.h"
#include "ut/err.h"
#include "ut/i18n.h"
#include "ut/pbjson.h"
#include "ut/words.h"
#include "envelope.pb-c.h"
#include "enrol.pb-c.h"
#include "sched.pb-c.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#define MAX_WORDS 512

const ut_cmd_t *ut_cmd_find(const char *noun, const char *verb)
{
	for (size_t i = 0; i < ut_ncmds; i++)
		if (!strcmp(ut_cmds[i].noun, noun) && !strcmp(ut_cmds[i].verb, verb))
			return &ut_cmds[i];
	return NULL;
}

int ut_cmd_has_noun(const char *noun)
{
	for (size_t i = 0; i < ut_ncmds; i++)
		if (!strcmp(ut_cmds[i].noun, noun))
			return 1;
	return 0;
}

int ut_cmd_fail(ut_fill_t *f, int usage, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(f->err, sizeof f->err, fmt, ap);
	va_end(ap);
	f->usage = usage;
	return UT_EINVAL;
}

const ProtobufCFieldDescriptor *ut_cmd_field(const ProtobufCMessageDescriptor *d, const char *path)
{
	char part[64];
	for (;;) {
		size_t n = strcspn(path, ".");
		if (n >= sizeof part)
			return NULL;
		memcpy(part, path, n);
		part[n] = '\0';
		const ProtobufCFieldDescriptor *fd = protobuf_c_message_descriptor_get_field_by_name(d, part);
		if (!fd || !path[n])
			return fd;
		if (fd->type != PROTOBUF_C_TYPE_MESSAGE || fd->label == PROTOBUF_C_LABEL_REPEATED)
			return NULL;
		d = fd->descriptor;
		path += n + 1;
	}
}

/* The message holding the last part of path, made on the way when missing; the last part's name in
 * *last. NULL when out of memory. */
static ProtobufCMessage *holder(ProtobufCMessage *m, const char *path, const char **last)
{
	const char *dot;
	while ((dot = strchr(path, '.'))) {
		char part[64];
		size_t n = (size_t)(dot - path);
		if (n >= sizeof part)
			return NULL;
		memcpy(part, path, n);
		part[n] = '\0';
		const ProtobufCFieldDescriptor *fd = protobuf_c_message_descriptor_get_field_by_name(m->descriptor, part);
		if (!fd)
			return NULL;
		ProtobufCMessage **sub = (ProtobufCMessage **)((char *)m + fd->offset);
		if (!*sub) {
			const ProtobufCMessageDescriptor *sd = fd->descriptor;
			if (!(*sub = malloc(sd->sizeof_message)))
				return NULL;
			sd->message_init(*sub);
		}
		m = *sub;
		path = dot + 1;
	}
	*last = path;
	return m;
}

/* Store v (a new reference, taken) in the field at path. */
static int store(ut_fill_t *f, const char *path, json_t *v)
{
	const char *last;
	char err[256];
	if (!v)
		return UT_ENOMEM;
	ProtobufCMessage *m = holder(f->req, path, &last);
	int rc = m ? ut_pbjson_set_field(m, last, v, NULL, err, sizeof err) : UT_ENOMEM;
	json_decref(v);
	if (rc == UT_EINVAL) /* a row whose kind does not fit its field: test_cmd finds these */
		return ut_cmd_fail(f, 0, "%s: %s", path, err);
	return rc;
}

static int number(ut_fill_t *f, const char *what, const char *s, int64_t min, int64_t max, int64_t *out)
{
	const char *d = s + (*s == '-' || *s == '+');
	char *end;
	if (!*d || strspn(d, "0123456789") != strlen(d))
		return ut_cmd_fail(f, 1, _("%s: '%s' is not a whole number"), what, s);
	errno = 0;
	long long v = strtoll(s, &end, 10);
	if (errno == ERANGE || v > max)
		return ut_cmd_fail(f, 1, _("%s: %s is too large (at most %lld)"), what, s, (long long)max);
	if (v < min)
		return ut_cmd_fail(f, 1, _("%s: %s is too small (at least %lld)"), what, s, (long long)min);
	*out = v;
	return 0;
}

static int same_name(const char *a, const char *b);

static int is_id(const char *s) { return *s && strspn(s, "0123456789") == strlen(s); }

static int date(ut_fill_t *f, const char *what, const char *s, int end_of_day, int64_t *out)
{
	if (strchr(s, ' ') || strchr(s, 'T')) {
		if (ut_clock_parse_local(s, out))
			return ut_cmd_fail(f, 1, _("%s: '%s' is not a date and time (YYYY-MM-DD HH:MM)"), what, s);
		return 0;
	}
	int64_t t;
	if (ut_clock_parse_date_time(s, "00:00", &t))
		return ut_cmd_fail(f, 1, _("%s: '%s' is not a date (YYYY-MM-DD)"), what, s);
	if (end_of_day) {
		/* the next midnight through mktime, which knows the zone's daylight-saving days */
		time_t tt = (time_t)t;
		struct tm tm;
		localtime_r(&tt, &tm);
		tm.tm_mday++;
		tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
		tm.tm_isdst = -1;
		t = (int64_t)mktime(&tm);
	}
	*out = t;
	return 0;
}

/* ---- names to ids ---- */

/* A name as people type it matches when equal ignoring ASCII case and surrounding blanks. */
static int same_name(const char *a, const char *b)
{
	while (*b == ' ')
		b++;
	size_t n = strlen(b);
	while (n && b[n - 1] == ' ')
		n--;
	return strlen(a) == n && strncasecmp(a, b, n) == 0;
}

typedef struct named {
	int64_t id;
	const char *name;
	const char *code; /* units: the code that stands for it in requests */
} named_t;

/* Pick the one of n things called `value`: its code, an exact name, else the only one whose name
 * holds it. *at is its index. */
static int pick(ut_fill_t *f, const char *what, const char *value, const named_t *v, size_t n, size_t *at)
{
	size_t hits = 0, last = 0;
	for (size_t i = 0; i < n && !hits; i++)
		if (v[i].code && !strcmp(v[i].code, value))
			hits++, last = i;
	for (size_t i = 0; i < n && !hits; i++)
		if (same_name(v[i].name, value))
			hits++, last = i;
	if (hits != 1) {
		hits = 0;
		for (size_t i = 0; i < n; i++)
			if (*value && strcasestr(v[i].name, value))
				hits++, last = i;
	}
	if (hits == 1) {
		*at = last;
		return 0;
	}
	char list[700] = "";
	size_t used = 0, shown = 0;
	for (size_t i = 0; i < n && used + 80 < sizeof list; i++) {
		if (hits && !strcasestr(v[i].name, value))
			continue;
		if (v[i].code)
			used += (size_t)snprintf(list + used, sizeof list - used, "%s%s (%s)", shown ? ", " : "", v[i].name,
						 v[i].code);
		else
			used += (size_t)snprintf(list + used, sizeof list - used, "%s%s (%lld)", shown ? ", " : "", v[i].name,
						 (long long)v[i].id);
		shown++;
	}
	if (hits)
		return ut_cmd_fail(f, 1, _("%s '%s' is ambiguous: %s"), what, value, list);
	if (!n)
		return ut_cmd_fail(f, 1, _("%s '%s' does not exist, and there are none yet"), what, value);
	return ut_cmd_fail(f, 1, _("%s '%s' does not exist; there are: %s"), what, value, list);
}

static void vnote(ut_fill_t *f, const char *fmt, va_list ap)
{
	char line[600];
	vsnprintf(line, sizeof line, fmt, ap);
	size_t have = f->notes ? strlen(f->notes) : 0, n = strlen(line);
	char *grown = realloc(f->notes, have + n + 2);
	if (grown) {
		memcpy(grown + have, line, n);
		grown[have + n] = '\n';
		grown[have + n + 1] = '\0';
		f->notes = grown;
	}
}

void ut_cmd_note(ut_fill_t *f, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vnote(f, fmt, ap);
	va_end(ap);
	f->refused++;
}

void ut_cmd_warn(ut_fill_t *f, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vnote(f, fmt, ap);
	va_end(ap);
}

static const char *node_locale = "";

void ut_cmd_set_node_locale(const char *locale) { node_locale = locale ? locale : ""; }
const char *ut_cmd_node_locale(void) { return node_locale; }

int ut_cmd_call(ut_fill_t *f, const char *daemon, int type, const ProtobufCMessage *req,
		const ProtobufCMessageDescriptor *rd, ProtobufCMessage **out)
{
	if (!f->call)
		return ut_cmd_fail(f, 1, _("names cannot be looked up here; give the id"));
	int rc = f->call(f->call_ctx, daemon, type, req, rd, out, f->err, sizeof f->err);
	f->usage = 0;
	return rc;
}

static int by_name(ut_fill_t *f, const char *what, int type, const ProtobufCMessageDescriptor *rd,
		   const char *value, int64_t *id)
{
	Ut__ListRequest q = UT__LIST_REQUEST__INIT;
	q.limit = 100000;
	ProtobufCMessage *rep;
	int rc = ut_cmd_call(f, "ut-schedd", type, &q.base, rd, &rep);
	if (rc)
		return rc;
	/* a *List reply: its one repeated field of messages with id and name */
	const ProtobufCFieldDescriptor *fd = &rd->fields[0];
	size_t n = *(const size_t *)((const char *)rep + fd->quantifier_offset);
	ProtobufCMessage **items = *(ProtobufCMessage ***)((char *)rep + fd->offset);
	named_t *v = calloc(n ? n : 1, sizeof *v);
	if (!v) {
		protobuf_c_message_free_unpacked(rep, NULL);
		return UT_ENOMEM;
	}
	for (size_t i = 0; i < n; i++) {
		const ProtobufCMessageDescriptor *d = items[i]->descriptor;
		v[i].id = *(int64_t *)((char *)items[i] + protobuf_c_message_descriptor_get_field_by_name(d, "id")->offset);
		v[i].name = *(char **)((char *)items[i] + protobuf_c_message_descriptor_get_field_by_name(d, "name")->offset);
	}
	size_t at;
	if (!(rc = pick(f, what, value, v, n, &at)))
		*id = v[at].id;
	free(v);
	protobuf_c_message_free_unpacked(rep, NULL);
	return rc;
}

static int cmp_id(const void *a, const void *b)
{
	const Ut__Session *x = *(Ut__Session *const *)a, *y = *(Ut__Session *const *)b;
	return (x->id > y->id) - (x->id < y->id);
}

/* Session number `value` of class `class_id`: the sessions in the order they were added, so a
 * session keeps its number when it moves (sessions are mostly added in the order they happen). */
static int session_number(ut_fill_t *f, int64_t class_id, const char *value, int64_t *id)
{
	int64_t n;
	if (!class_id)
		return ut_cmd_fail(f, 1, _("say the class first"));
	if (number(f, _("session"), value, 1, 100000, &n))
		return UT_EINVAL;
	Ut__Ref ref = UT__REF__INIT;
	ref.id = class_id;
	Ut__Class *k;
	int rc = ut_cmd_call(f, "ut-schedd", UT__MSG_TYPE__MSG_CLASS_GET, &ref.base, &ut__class__descriptor,
		      (ProtobufCMessage **)&k);
	if (rc)
		return rc;
	qsort(k->sessions, k->n_sessions, sizeof *k->sessions, cmp_id);
	if ((size_t)n <= k->n_sessions) {
		*id = k->sessions[n - 1]->id;
		ut__class__free_unpacked(k, NULL);
		return 0;
	}
	char list[700] = "";
	size_t used = 0;
	for (size_t i = 0; i < k->n_sessions && used + 60 < sizeof list; i++) {
		char a[32];
		used += (size_t)snprintf(list + used, sizeof list - used, "%s%zu %s", i ? ", " : "", i + 1,
					 ut_clock_format_local(k->sessions[i]->starts_at, a, sizeof a));
	}
	if (k->n_sessions)
		ut_cmd_fail(f, 1, _("class %lld has no session %lld; its sessions: %s"), (long long)class_id, (long long)n,
			    list);
	else
		ut_cmd_fail(f, 1, _("class %lld has no sessions yet"), (long long)class_id);
	ut__class__free_unpacked(k, NULL);
	return UT_EINVAL;
}

/* A unit by its code or name: the code into *code (malloc'd) and the id. */
static int unit_ref(ut_fill_t *f, const char *value, int64_t *id, char **code)
{
	Ut__UnitQuery q = UT__UNIT_QUERY__INIT;
	q.all = 1;
	Ut__UnitList *l;
	int rc = ut_cmd_call(f, "ut-enrold", UT__MSG_TYPE__MSG_UNIT_LIST, &q.base, &ut__unit_list__descriptor,
		      (ProtobufCMessage **)&l);
	if (rc)
		return rc;
	named_t *v = calloc(l->n_units ? l->n_units : 1, sizeof *v);
	if (!v) {
		ut__unit_list__free_unpacked(l, NULL);
		return UT_ENOMEM;
	}
	for (size_t i = 0; i < l->n_units; i++)
		v[i] = (named_t){l->units[i]->id, l->units[i]->name, l->units[i]->code};
	size_t at;
	if (!(rc = pick(f, _("unit"), value, v, l->n_units, &at))) {
		*id = v[at].id;
		if (code && !(*code = strdup(v[at].code)))
			rc = UT_ENOMEM;
	}
	free(v);
	ut__unit_list__free_unpacked(l, NULL);
	return rc;
}

int ut_cmd_resolve(ut_fill_t *f, ut_ref_t ref, const char *what, const char *value, int64_t *id)
{
	if (ref == UT_REF_UNIT)
		return unit_ref(f, value, id, NULL);
	if (ref != UT_REF_CLASS_SESSION && is_id(value))
		return number(f, what, value, 1, INT64_MAX, id);
	switch (ref) {
	case UT_REF_VENUE:
		return by_name(f, _("venue"), UT__MSG_TYPE__MSG_VENUE_LIST, &ut__venue_list__descriptor, value, id);
	case UT_REF_LECTURER:
		return by_name(f, _("lecturer"), UT__MSG_TYPE__MSG_LECTURER_LIST, &ut__lecturer_list__descriptor, value,
			       id);
	case UT_REF_COURSE: {
		Ut__Ref r = UT__REF__INIT;
		r.code = (char *)value;
		Ut__Course *c;
		int rc = ut_cmd_call(f, "ut-schedd", UT__MSG_TYPE__MSG_COURSE_GET, &r.base, &ut__course__descriptor,
			      (ProtobufCMessage **)&c);
		if (rc)
			return rc;
		*id = c->id;
		ut__course__free_unpacked(c, NULL);
		return 0;
	}
	case UT_REF_CLASS_SESSION:
	case UT_REF_UNIT: break;
	}
	return ut_cmd_fail(f, 0, "%s: no way to look this up", what);
}

/* ---- filling ---- */

static const char *int_field(const ProtobufCMessage *m, const char *path, int64_t *v)
{
	const ProtobufCFieldDescriptor *fd = ut_cmd_field(m->descriptor, path);
	const char *p = path, *dot;
	*v = 0;
	if (!fd)
		return NULL;
	while ((dot = strchr(p, '.'))) {
		char part[64];
		size_t n = (size_t)(dot - p);
		memcpy(part, p, n);
		part[n] = '\0';
		const ProtobufCFieldDescriptor *sd = protobuf_c_message_descriptor_get_field_by_name(m->descriptor, part);
		m = *(ProtobufCMessage **)((char *)m + sd->offset);
		if (!m)
			return path;
		p = dot + 1;
	}
	const char *at = (const char *)m + fd->offset;
	*v = fd->type == PROTOBUF_C_TYPE_INT64 ? *(const int64_t *)at : *(const int32_t *)at;
	return path;
}

ut_role_t ut_cmd_role_needed(const ut_cmd_t *cmd, const ProtobufCMessage *req, const ut_arg_t **arg)
{
	ut_role_t need = cmd->role;
	int64_t v;
	if (arg)
		*arg = NULL;
	for (const ut_arg_t *a = cmd->args; a && a->name; a++)
		if (a->role > need && a->field && int_field(req, a->field, &v) && v) {
			need = a->role;
			if (arg)
				*arg = a;
		}
	return need;
}

/* How an argument is named in messages: --capacity, or CLASS. */
static void arg_label(const ut_arg_t *a, char *b, size_t n)
{
	snprintf(b, n, a->flags & UT_ARG_POS ? "%s" : "--%s", a->name);
}

static int set_value(ut_fill_t *f, const ut_arg_t *a, const char *value);

int ut_cmd_set(ut_fill_t *f, const ut_arg_t *a, const char *value)
{
	int rc = set_value(f, a, value);
	if (!rc && a->given)
		rc = store(f, a->given, json_true());
	return rc;
}

static int set_value(ut_fill_t *f, const ut_arg_t *a, const char *value)
{
	char what[64];
	int64_t v;
	arg_label(a, what, sizeof what);
	if ((a->flags & UT_ARG_NONE_OK) && !strcmp(value, "none"))
		return a->set ? store(f, a->set, json_true()) : 0;
	switch (a->kind) {
	case UT_ARG_TEXT: return store(f, a->field, json_string(value));
	case UT_ARG_CHOICE: {
		/* the protocol's word, or the same word in the reader's language */
		for (const char *const *c = a->choices; *c; c++)
			if (!strcmp(*c, value) || same_name(ut_tr_word(*c), value))
				return store(f, a->field, json_string(*c));
		char list[600] = "";
		size_t used = 0;
		for (const char *const *c = a->choices; *c && used + 60 < sizeof list; c++) {
			const char *w = ut_tr_word(*c);
			used += (size_t)snprintf(list + used, sizeof list - used, w != *c ? "%s%s (%s)" : "%s%s",
						 c == a->choices ? "" : ", ", w, *c);
		}
		return ut_cmd_fail(f, 1, _("%s: '%s' is not one of %s"), what, value, list);
	}
	case UT_ARG_INT:
		if (number(f, what, value, a->min, a->max, &v))
			return UT_EINVAL;
		return store(f, a->field, json_integer(v));
	case UT_ARG_FLAG: {
		const ProtobufCFieldDescriptor *fd = ut_cmd_field(f->req->descriptor, a->field);
		return store(f, a->field, fd && fd->type == PROTOBUF_C_TYPE_BOOL ? json_true() : json_integer(1));
	}
	case UT_ARG_DATE:
	case UT_ARG_DATE_END:
		if (date(f, what, value, a->kind == UT_ARG_DATE_END, &v))
			return UT_EINVAL;
		return store(f, a->field, json_integer(v));
	case UT_ARG_REF: {
		int rc;
		if (a->ref == UT_REF_UNIT) {
			/* requests name units by code: into a string field goes the code, else the id */
			const ProtobufCFieldDescriptor *fd = ut_cmd_field(f->req->descriptor, a->field);
			char *code = NULL;
			int string = fd && fd->type == PROTOBUF_C_TYPE_STRING;
			if ((rc = unit_ref(f, value, &v, string ? &code : NULL)) || !string)
				return rc ? rc : store(f, a->field, json_integer(v));
			rc = store(f, a->field, json_string(code));
			free(code);
			return rc;
		}
		if (a->ref == UT_REF_CLASS_SESSION) {
			int64_t cls;
			int_field(f->req, a->ctx_field, &cls);
			rc = session_number(f, cls, value, &v);
		} else
			rc = ut_cmd_resolve(f, a->ref, what, value, &v);
		return rc ? rc : store(f, a->field, json_integer(v));
	}
	case UT_ARG_HOOK: return f->cmd->hook ? f->cmd->hook(f, a, value) : 0;
	case UT_ARG_FILE: {
		char *data = NULL, err[512];
		size_t len = 0;
		if (!f->read)
			return ut_cmd_fail(f, 1, _("%s: files cannot be read here"), what);
		int rc = f->read(f->call_ctx, value, &data, &len, err, sizeof err);
		if (rc) {
			free(data);
			return rc == UT_ENOMEM ? rc : ut_cmd_fail(f, 1, "%s", err);
		}
		f->file_data = data;
		f->file_len = len;
		rc = f->cmd->hook ? f->cmd->hook(f, a, value) : 0;
		f->file_data = NULL;
		free(data);
		return rc;
	}
	}
	return UT_EINVAL;
}

typedef struct word {
	const ut_arg_t *arg;
	const char *value;
	char *owned; /* a list joined here, freed with the words */
} word_t;

static const ut_arg_t *option(const ut_cmd_t *cmd, const char *name, size_t n)
{
	for (const ut_arg_t *a = cmd->args; a && a->name; a++)
		if (!(a->flags & UT_ARG_POS) && strlen(a->name) == n && !strncmp(a->name, name, n))
			return a;
	return NULL;
}

int ut_cmd_fill_argv(ut_fill_t *f, const ut_cmd_t *cmd, int argc, char **argv, ut_call_fn *call_fn, void *call_ctx)
{
	return ut_cmd_fill_argv_files(f, cmd, argc, argv, call_fn, NULL, call_ctx);
}

int ut_cmd_fill_argv_files(ut_fill_t *f, const ut_cmd_t *cmd, int argc, char **argv, ut_call_fn *call_fn,
			   ut_read_fn *read_fn, void *call_ctx)
{
	memset(f, 0, sizeof *f);
	f->cmd = cmd;
	f->call = call_fn;
	f->read = read_fn;
	f->call_ctx = call_ctx;
	if (!(f->req = malloc(cmd->req->sizeof_message)))
		return UT_ENOMEM;
	cmd->req->message_init(f->req);

	word_t *w = calloc(MAX_WORDS, sizeof *w);
	if (!w)
		return UT_ENOMEM;
	int nw = 0, npos = 0, rc = UT_EINVAL, only_pos = 0;
	const ut_arg_t *pos[16];
	for (const ut_arg_t *a = cmd->args; a && a->name; a++)
		if ((a->flags & UT_ARG_POS) && npos < 16)
			pos[npos++] = a;
	int next_pos = 0;
	for (int i = 0; i < argc; i++) {
		const char *s = argv[i];
		if (nw == MAX_WORDS) {
			ut_cmd_fail(f, 1, _("too many words (at most %d)"), MAX_WORDS);
			goto out;
		}
		if (!only_pos && !strcmp(s, "--")) {
			only_pos = 1;
			continue;
		}
		if (!only_pos && s[0] == '-' && s[1] == '-') {
			const char *eq = strchr(s + 2, '=');
			size_t n = eq ? (size_t)(eq - s - 2) : strlen(s + 2);
			const ut_arg_t *a = option(cmd, s + 2, n);
			if (!a) {
				ut_cmd_fail(f, 1, _("unknown option '%.*s'"), (int)n + 2, s);
				goto out;
			}
			const char *v = eq ? eq + 1 : NULL;
			if (!a->meta && v) { /* an option without a metavariable is a switch */
				ut_cmd_fail(f, 1, _("option '--%s' does not take a value"), a->name);
				goto out;
			}
			if (a->meta && !v) {
				if (i + 1 >= argc) {
					ut_cmd_fail(f, 1, _("option '--%s' needs a value"), a->name);
					goto out;
				}
				v = argv[++i];
			}
			if (!(a->flags & UT_ARG_REPEAT))
				for (int k = 0; k < nw; k++)
					if (w[k].arg == a) {
						ut_cmd_fail(f, 1, _("option '--%s' is given twice"), a->name);
						goto out;
					}
			if ((a->flags & UT_ARG_LIST) && v && i + 1 < argc && argv[i + 1][0] != '-') {
				/* the words up to the next option, as one comma list */
				size_t size = strlen(v) + 1;
				int j = i + 1;
				for (; j < argc && argv[j][0] != '-'; j++)
					size += strlen(argv[j]) + 1;
				char *joined = malloc(size);
				if (!joined) {
					rc = UT_ENOMEM;
					goto out;
				}
				strcpy(joined, v);
				for (int k = i + 1; k < j; k++)
					strcat(strcat(joined, ","), argv[k]);
				w[nw].owned = joined;
				v = joined;
				i = j - 1;
			}
			w[nw++].arg = a;
			w[nw - 1].value = v ? v : "1";
			continue;
		}
		if (!only_pos && s[0] == '-' && s[1] && !(s[1] >= '0' && s[1] <= '9')) {
			ut_cmd_fail(f, 1, _("unknown option '%s'"), s);
			goto out;
		}
		if (next_pos == npos && npos && (pos[npos - 1]->flags & UT_ARG_REPEAT)) {
			w[nw++] = (word_t){pos[npos - 1], s, NULL}; /* the last positional takes the rest */
			continue;
		}
		if (next_pos == npos) {
			ut_cmd_fail(f, 1, _("unexpected argument '%s'"), s);
			goto out;
		}
		w[nw++] = (word_t){pos[next_pos++], s, NULL};
	}
	for (const ut_arg_t *a = cmd->args; a && a->name; a++) {
		int given = 0;
		for (int k = 0; k < nw; k++)
			given += w[k].arg == a;
		if ((a->flags & UT_ARG_REQUIRED) && !given) {
			if (a->flags & UT_ARG_POS)
				ut_cmd_fail(f, 1, _("missing %s"), a->name);
			else
				ut_cmd_fail(f, 1, _("missing --%s %s"), a->name, a->meta ? a->meta : "");
			goto out;
		}
	}
	/* in the row's order, so a class is known before its session number; hooks and files as the
	 * words came */
#define IN_ORDER(a) ((a)->kind == UT_ARG_HOOK || (a)->kind == UT_ARG_FILE)
	for (const ut_arg_t *a = cmd->args; a && a->name; a++)
		for (int k = 0; k < nw; k++)
			if (w[k].arg == a && !IN_ORDER(a) && (rc = ut_cmd_set(f, a, w[k].value)))
				goto out;
	for (int k = 0; k < nw; k++)
		if (IN_ORDER(w[k].arg) && (rc = ut_cmd_set(f, w[k].arg, w[k].value)))
			goto out;
#undef IN_ORDER
	rc = cmd->hook ? cmd->hook(f, NULL, NULL) : 0;
out:
	for (int k = 0; k < nw; k++)
		free(w[k].owned);
	free(w);
	return rc;
}

void ut_cmd_fill_free(ut_fill_t *f)
{
	if (f->req)
		protobuf_c_message_free_unpacked(f->req, NULL);
	f->req = NULL;
	if (f->hook_free && f->hook_state)
		f->hook_free(f->hook_state);
	f->hook_state = NULL;
	free(f->notes);
	f->notes = NULL;
}

/* ---- help ---- */

/* Columns a line of UTF-8 takes in a terminal: CJK counts two. Enough for help's left column. */
static int display_cols(const char *s)
{
	int w = 0;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if ((*p & 0xC0) != 0x80)
			w += *p >= 0xE3 && *p <= 0xED ? 2 : 1;
	return w > 24 ? 24 : w;
}

static void arg_synopsis(const ut_arg_t *a, FILE *o)
{
	int opt = !(a->flags & UT_ARG_REQUIRED);
	fputc(' ', o);
	if (opt)
		fputc('[', o);
	if (a->flags & UT_ARG_POS)
		fputs(a->name, o);
	else if (!a->meta)
		fprintf(o, "--%s", a->name);
	else
		fprintf(o, "--%s %s", a->name, ut_trc("meta", a->meta));
	if (opt)
		fputc(']', o);
	if (a->flags & UT_ARG_REPEAT)
		fputs("...", o);
}

void ut_cmd_print_usage(const ut_cmd_t *cmd, FILE *o)
{
	fprintf(o, "%s utctl %s %s", _("usage:"), cmd->noun, cmd->verb);
	for (const ut_arg_t *a = cmd->args; a && a->name; a++)
		if (a->flags & UT_ARG_POS)
			arg_synopsis(a, o);
	for (const ut_arg_t *a = cmd->args; a && a->name; a++)
		if (!(a->flags & UT_ARG_POS))
			arg_synopsis(a, o);
	fputc('\n', o);
}

void ut_cmd_print_help(const ut_cmd_t *cmd, FILE *o)
{
	ut_cmd_print_usage(cmd, o);
	fprintf(o, "\n%s\n", _(cmd->help));
	int any = 0;
	for (const ut_arg_t *a = cmd->args; a && a->name; a++) {
		char left[80];
		if (a->flags & UT_ARG_POS)
			snprintf(left, sizeof left, "%s", a->name);
		else if (!a->meta)
			snprintf(left, sizeof left, "--%s", a->name);
		else
			snprintf(left, sizeof left, "--%s %s", a->name, ut_trc("meta", a->meta));
		if (!any++)
			fprintf(o, "\n%s\n", _("arguments:"));
		fprintf(o, "  %s%*s %s", left, 24 - display_cols(left), "", _(a->help));
		if (a->role > cmd->role)
			fprintf(o, _(" (%s only)"), ut_tr_word(ut_roles[a->role]));
		if (a->kind == UT_ARG_CHOICE && a->choices) {
			fputs(": ", o);
			/* the word to type, and what it means where the reader's language says it otherwise */
			for (const char *const *c = a->choices; *c; c++) {
				const char *w = ut_tr_word(*c);
				fprintf(o, w != *c ? "%s%s (%s)" : "%s%s", c == a->choices ? "" : ", ", w, *c);
			}
		}
		fputc('\n', o);
	}
	if (cmd->notes)
		fprintf(o, "\n%s\n", _(cmd->notes));
	fprintf(o, "\n%s\n  --json, --format table|csv|json, --locale zh-Hans|zh-Hant|vi|en, --input FILE.json,\n"
		   "  --node-config FILE, --timeout MS, --help\n",
		_("every command also takes:"));
	if (cmd->example)
		fprintf(o, "\n%s\n  %s\n", _("example:"), cmd->example);
}
