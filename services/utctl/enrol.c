/* Enrolment commands sent to ut-enrold: org units, cadres (with the CSV import), enrolments and
 * waitlists, roll-call sheets, reflections and training records. */
#include "utctl.h"
#include "output.h"
#include "enrol.pb-c.h"
#include "ut/clock.h"
#include "ut/csv.h"
#include "ut/err.h"
#include "ut/utf8.h"

#include <errno.h>
#include <iconv.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define ENROLD "ut-enrold"
#define MAX_IDS 10000

enum {
	O_CODE = OPT_FIRST,
	O_NAME,
	O_KIND,
	O_OWNERSHIP,
	O_EMPLOYEES,
	O_PARENT,
	O_LEVEL,
	O_UNDER,
	O_ID,
	O_UNIT,
	O_POSITION,
	O_FULL_TIME,
	O_PART_TIME,
	O_ELECTED,
	O_EMAIL,
	O_PHONE,
	O_LOCALE,
	O_STATE,
	O_LIMIT,
	O_AFTER,
	O_REASON,
	O_CLASS,
	O_CADRE,
	O_FILE,
	O_PRESENT,
	O_LATE,
	O_EXCUSED,
	O_ABSENT,
	O_ALL_PRESENT,
	O_EXCEPT,
	O_REST_ABSENT,
	O_DRY_RUN,
	O_ENCODING,
	O_ONBOARDING,
	O_RETRAIN,
	O_FORMAT,
	O_TODAY,
	O_FORCE,
};

/* ---- files ---- */

/* The whole of `path` ("-" = stdin), at most max bytes, NUL-terminated. Says why on stderr. */
static char *read_all(const ctx_t *c, const char *path, size_t max, size_t *len)
{
	FILE *f = strcmp(path, "-") ? fopen(path, "rb") : stdin;
	if (!f) {
		fprintf(stderr, "utctl: %s: %s: %s\n", c->where, path, strerror(errno));
		return NULL;
	}
	size_t cap = 65536, n = 0;
	char *b = malloc(cap + 1);
	while (b) {
		if (n == cap) {
			if (cap > max)
				break;
			char *nb = realloc(b, cap * 2 + 1);
			if (!nb) {
				free(b);
				b = NULL;
				break;
			}
			b = nb;
			cap *= 2;
		}
		size_t r = fread(b + n, 1, cap - n, f);
		n += r;
		if (r == 0)
			break;
	}
	int err = ferror(f);
	if (f != stdin)
		fclose(f);
	if (!b) {
		fprintf(stderr, "utctl: out of memory\n");
		return NULL;
	}
	if (err) {
		fprintf(stderr, "utctl: %s: cannot read %s\n", c->where, path);
		free(b);
		return NULL;
	}
	if (n > max) {
		fprintf(stderr, "utctl: %s: %s is larger than %zu KiB ([enrol] import_max_kb); split it\n", c->where, path,
			max / 1024);
		free(b);
		return NULL;
	}
	b[n] = '\0';
	*len = n;
	return b;
}

/* Convert from a legacy Chinese encoding to UTF-8 (malloc'd). */
static char *to_utf8(const ctx_t *c, const char *enc, const char *in, size_t len, size_t *outlen)
{
	iconv_t cd = iconv_open("UTF-8", !strcmp(enc, "gb18030") ? "GB18030" : "BIG5");
	if (cd == (iconv_t)-1) {
		fprintf(stderr, "utctl: %s: this system cannot convert from %s\n", c->where, enc);
		return NULL;
	}
	size_t cap = len * 2 + 16, left = cap, inleft = len;
	char *out = malloc(cap + 1), *o = out, *i = (char *)in;
	if (out && iconv(cd, &i, &inleft, &o, &left) == (size_t)-1) {
		/* count the line of the bad byte for the message */
		int line = 1;
		for (const char *p = in; p < i; p++)
			line += *p == '\n';
		fprintf(stderr, "utctl: %s: line %d: not valid %s text\n", c->where, line, enc);
		free(out);
		out = NULL;
	}
	iconv_close(cd);
	if (out) {
		*o = '\0';
		*outlen = (size_t)(o - out);
	}
	return out;
}

/* Ids given as repeated options or comma lists: appended to ids[]. */
static int add_ids(const ctx_t *c, const char *arg, char **ids, int *n)
{
	char *copy = strdup(arg), *save = NULL;
	if (!copy)
		return EXIT_REFUSED;
	for (char *t = strtok_r(copy, ", ", &save); t; t = strtok_r(NULL, ", ", &save)) {
		if (*n >= MAX_IDS) {
			free(copy);
			return usage(c, "more than %d cadres", MAX_IDS);
		}
		if (!(ids[(*n)++] = strdup(t))) {
			free(copy);
			return EXIT_REFUSED;
		}
	}
	free(copy);
	return 0;
}

static void free_ids(char **ids, int n)
{
	for (int i = 0; i < n; i++)
		free(ids[i]);
}

/* ---- org units ---- */

/* The reply to unit add (the request was an OrgUnit) or unit change. */
static void unit_done(const ctx_t *c, const ProtobufCMessage *m, const ProtobufCMessage *req)
{
	const Ut__UnitReply *r = (const Ut__UnitReply *)m;
	printf("unit %lld %s (%s, level %s)\n", (long long)r->unit->id,
	       req->descriptor == &ut__org_unit__descriptor ? "created" : "changed", r->unit->code, r->unit->level);
	if (*r->warning)
		fprintf(stderr, "utctl: warning: %s\n", r->warning);
}

static const optspec_t unit_add_opts[] = {
	{O_CODE, "code", "CODE", 1, "unique unit code, e.g. ENT-0421"},
	{O_NAME, "name", "TEXT", 1, "the unit's name"},
	{O_KIND, "kind", "KIND", 1, "union, enterprise, school, agency, public_body or social_org"},
	{O_OWNERSHIP, "ownership", "OWN", 0, "public or non_public (default public)"},
	{O_EMPLOYEES, "employees", "N", 0, "number of employees"},
	{O_PARENT, "parent", "CODE", 0, "the unit it belongs to (default: directly under the node's union)"},
	{O_LEVEL, "level", "LEVEL", 0, "the level it belongs to (default: by the level rule, else this node's)"},
	{0},
};

static int unit_add(ctx_t *c, int argc, char **argv)
{
	Ut__OrgUnit u = UT__ORG_UNIT__INIT;
	u.ownership = "public";
	opts_t o;
	const char *arg, *pos[1];
	long long v;
	int k;
	opt_begin(&o, c, argc, argv, c->verb->opts);
	while ((k = opt_next(&o, &arg)) > 0) {
		switch (k) {
		case O_CODE: u.code = (char *)arg; break;
		case O_NAME: u.name = (char *)arg; break;
		case O_KIND: u.kind = (char *)arg; break;
		case O_OWNERSHIP: u.ownership = (char *)arg; break;
		case O_PARENT: u.parent_code = (char *)arg; break;
		case O_LEVEL: u.level = (char *)arg; break;
		case O_EMPLOYEES:
			if (parse_num(c, "--employees", arg, 0, INT32_MAX, &v))
				return EXIT_USAGE;
			u.employees = (int32_t)v;
			break;
		}
	}
	if (k < 0 || opt_rest(&o, pos, 0, 0, "") < 0)
		return EXIT_USAGE;
	return request(c, ENROLD, UT__MSG_TYPE__MSG_UNIT_ADD, &u.base, &ut__unit_reply__descriptor, unit_done);
}

static const optspec_t unit_change_opts[] = {
	{O_NAME, "name", "TEXT", 0, "new name"},
	{O_KIND, "kind", "KIND", 0, "union, enterprise, school, agency, public_body or social_org"},
	{O_OWNERSHIP, "ownership", "OWN", 0, "public or non_public"},
	{O_EMPLOYEES, "employees", "N", 0, "number of employees now"},
	{O_PARENT, "parent", "CODE", 0, "move under this unit"},
	{O_LEVEL, "level", "LEVEL", 0, "the level it belongs to (default: asked of the level rule again)"},
	{0},
};

static int unit_change(ctx_t *c, int argc, char **argv)
{
	Ut__UnitChange ch = UT__UNIT_CHANGE__INIT;
	opts_t o;
	const char *arg, *pos[1];
	long long v;
	int k;
	opt_begin(&o, c, argc, argv, c->verb->opts);
	while ((k = opt_next(&o, &arg)) > 0) {
		switch (k) {
		case O_NAME: ch.name = (char *)arg; break;
		case O_KIND: ch.kind = (char *)arg; break;
		case O_OWNERSHIP: ch.ownership = (char *)arg; break;
		case O_PARENT: ch.parent_code = (char *)arg; break;
		case O_LEVEL: ch.level = (char *)arg; break;
		case O_EMPLOYEES:
			if (parse_num(c, "--employees", arg, 0, INT32_MAX, &v))
				return EXIT_USAGE;
			ch.employees = (int32_t)v;
			ch.employees_set = 1;
			break;
		}
	}
	if (k < 0 || opt_rest(&o, pos, 1, 1, "CODE") < 0)
		return EXIT_USAGE;
	ch.code = (char *)pos[0];
	return request(c, ENROLD, UT__MSG_TYPE__MSG_UNIT_CHANGE, &ch.base, &ut__unit_reply__descriptor, unit_done);
}

static void unit_table(const ctx_t *c, const ProtobufCMessage *m, const ProtobufCMessage *req)
{
	static const char *const h[] = {"ID", "CODE", "NAME", "KIND", "OWNERSHIP", "EMPLOYEES", "LEVEL", "PARENT"};
	const Ut__UnitList *l = (const Ut__UnitList *)m;
	table_t *t = table_new(8, h, "rlllllrl");
	for (size_t i = 0; i < l->n_units; i++) {
		const Ut__OrgUnit *u = l->units[i];
		table_row(t);
		table_cell(t, "%lld", (long long)u->id);
		table_cell(t, "%s", u->code);
		table_cell(t, "%s", u->name);
		table_cell(t, "%s", u->kind);
		table_cell(t, "%s", u->ownership);
		table_cell(t, "%d", u->employees);
		table_cell(t, "%s", u->level);
		table_cell(t, "%s", *u->parent_code ? u->parent_code : "-");
	}
	table_print(t, stdout, 0);
	table_free(&t);
}

static const optspec_t unit_list_opts[] = {
	{O_UNDER, "under", "CODE", 0, "only the units under this one"},
	{0},
};

static int unit_list(ctx_t *c, int argc, char **argv)
{
	Ut__UnitQuery q = UT__UNIT_QUERY__INIT;
	q.all = 1;
	opts_t o;
	const char *arg, *pos[1];
	int k;
	opt_begin(&o, c, argc, argv, c->verb->opts);
	while ((k = opt_next(&o, &arg)) > 0)
		if (k == O_UNDER)
			q.code = (char *)arg;
	if (k < 0 || opt_rest(&o, pos, 0, 0, "") < 0)
		return EXIT_USAGE;
	return request(c, ENROLD, UT__MSG_TYPE__MSG_UNIT_LIST, &q.base, &ut__unit_list__descriptor, unit_table);
}

static void kv(table_t *t, const char *k, const char *v)
{
	table_row(t);
	table_cell(t, "%s", k);
	table_cell(t, "%s", v && *v ? v : "-");
}

static void unit_shown(const ctx_t *c, const ProtobufCMessage *m, const ProtobufCMessage *req)
{
	const Ut__OrgUnit *u = (const Ut__OrgUnit *)m;
	char b[32];
	table_t *t = table_new(2, NULL, NULL);
	snprintf(b, sizeof b, "%lld", (long long)u->id);
	kv(t, "id", b);
	kv(t, "code", u->code);
	kv(t, "name", u->name);
	kv(t, "kind", u->kind);
	kv(t, "ownership", u->ownership);
	snprintf(b, sizeof b, "%d", u->employees);
	kv(t, "employees", b);
	kv(t, "level", u->level);
	kv(t, "parent", u->parent_code);
	table_print(t, stdout, 0);
	table_free(&t);
}

static int unit_show(ctx_t *c, int argc, char **argv)
{
	const char *pos[1];
	if (opt_none(c, argc, argv, pos, 1, 1, "CODE_OR_ID") < 0)
		return EXIT_USAGE;
	Ut__UnitQuery q = UT__UNIT_QUERY__INIT;
	if (is_number(pos[0])) {
		if (parse_id(c, "unit id", pos[0], 0, &q.id, NULL))
			return EXIT_USAGE;
	} else
		q.code = (char *)pos[0];
	return request(c, ENROLD, UT__MSG_TYPE__MSG_UNIT_GET, &q.base, &ut__org_unit__descriptor, unit_shown);
}

/* ---- cadres ---- */

static const optspec_t cadre_add_opts[] = {
	{O_ID, "id", "ID", 1, "registry id (staff or card number), unique on this node"},
	{O_NAME, "name", "TEXT", 1, "full name (Chinese, Vietnamese ...; stored NFC-normalised)"},
	{O_UNIT, "unit", "CODE", 1, "the org unit the cadre works in"},
	{O_POSITION, "position", "POS", 1,
	 "chair, vice_chair, committee_member, finance_audit, information_officer, negotiator or other"},
	{O_FULL_TIME, "full-time", NULL, 0, "a full-time union cadre (default)"},
	{O_PART_TIME, "part-time", NULL, 0, "a part-time union cadre"},
	{O_ELECTED, "elected", "DATE", 0, "date elected or appointed, YYYY-MM-DD"},
	{O_EMAIL, "email", "ADDR", 0, "e-mail address"},
	{O_PHONE, "phone", "NUMBER", 0, "phone number"},
	{O_LOCALE, "locale", "LOC", 0, "preferred language: zh-Hans, zh-Hant, vi or en (default: the node's)"},
	{0},
};

static void cadre_done(const ctx_t *c, const ProtobufCMessage *m, const ProtobufCMessage *req)
{
	const Ut__Cadre *k = (const Ut__Cadre *)m;
	printf("cadre %s %s (%s, version %d)\n", k->id, !strcmp(c->verb->name, "add") ? "registered" : !strcmp(c->verb->name, "leave") ? "has left" : "changed", k->name, k->version);
}

static int cadre_add(ctx_t *c, int argc, char **argv)
{
	Ut__Cadre k = UT__CADRE__INIT;
	k.full_time = 1;
	opts_t o;
	const char *arg, *pos[1];
	int n;
	opt_begin(&o, c, argc, argv, c->verb->opts);
	while ((n = opt_next(&o, &arg)) > 0) {
		switch (n) {
		case O_ID: k.id = (char *)arg; break;
		case O_NAME: k.name = (char *)arg; break;
		case O_UNIT: k.unit_code = (char *)arg; break;
		case O_POSITION: k.position = (char *)arg; break;
		case O_FULL_TIME: k.full_time = 1; break;
		case O_PART_TIME: k.full_time = 0; break;
		case O_ELECTED: k.elected_on = (char *)arg; break;
		case O_EMAIL: k.email = (char *)arg; break;
		case O_PHONE: k.phone = (char *)arg; break;
		case O_LOCALE: k.locale = (char *)arg; break;
		}
	}
	if (n < 0 || opt_rest(&o, pos, 0, 0, "") < 0)
		return EXIT_USAGE;
	return request(c, ENROLD, UT__MSG_TYPE__MSG_CADRE_ADD, &k.base, &ut__cadre__descriptor, cadre_done);
}

static void cadre_shown(const ctx_t *c, const ProtobufCMessage *m, const ProtobufCMessage *req)
{
	const Ut__Cadre *k = (const Ut__Cadre *)m;
	char b[32];
	table_t *t = table_new(2, NULL, NULL);
	kv(t, "id", k->id);
	kv(t, "name", k->name);
	kv(t, "unit", k->unit_code);
	kv(t, "unit kind", k->unit_kind);
	kv(t, "position", k->position);
	kv(t, "full-time", k->full_time ? "yes" : "no (part-time)");
	kv(t, "elected", k->elected_on);
	kv(t, "email", k->email);
	kv(t, "phone", k->phone);
	kv(t, "locale", k->locale);
	kv(t, "state", k->state);
	snprintf(b, sizeof b, "%d", k->version);
	kv(t, "version", b);
	table_print(t, stdout, 0);
	table_free(&t);
}

static int cadre_show(ctx_t *c, int argc, char **argv)
{
	const char *pos[1];
	if (opt_none(c, argc, argv, pos, 1, 1, "CADRE_ID") < 0)
		return EXIT_USAGE;
	Ut__CadreRef r = UT__CADRE_REF__INIT;
	r.id = (char *)pos[0];
	return request(c, ENROLD, UT__MSG_TYPE__MSG_CADRE_GET, &r.base, &ut__cadre__descriptor, cadre_shown);
}

static void cadre_table(const ctx_t *c, const ProtobufCMessage *m, const ProtobufCMessage *req)
{
	static const char *const h[] = {"ID", "NAME", "UNIT", "POSITION", "TIME", "ELECTED", "STATE"};
	const Ut__CadreList *l = (const Ut__CadreList *)m;
	table_t *t = table_new(7, h, NULL);
	for (size_t i = 0; i < l->n_cadres; i++) {
		const Ut__Cadre *k = l->cadres[i];
		table_row(t);
		table_cell(t, "%s", k->id);
		table_cell(t, "%s", k->name);
		table_cell(t, "%s", k->unit_code);
		table_cell(t, "%s", k->position);
		table_cell(t, "%s", k->full_time ? "full" : "part");
		table_cell(t, "%s", *k->elected_on ? k->elected_on : "-");
		table_cell(t, "%s", k->state);
	}
	table_print(t, stdout, 0);
	table_free(&t);
}

static const optspec_t cadre_list_opts[] = {
	{O_NAME, "name", "TEXT", 0, "a fragment of the name; case and diacritics are ignored (Nguyen finds Nguyễn)"},
	{O_UNIT, "unit", "CODE", 0, "only cadres of this unit"},
	{O_STATE, "state", "STATE", 0, "active or left (default: both)"},
	{O_LIMIT, "limit", "N", 0, "at most N cadres (default 1000)"},
	{O_AFTER, "after", "ID", 0, "only cadres with an id after ID (the next page)"},
	{0},
};

static int cadre_list(ctx_t *c, int argc, char **argv)
{
	Ut__CadreQuery q = UT__CADRE_QUERY__INIT;
	opts_t o;
	const char *arg, *pos[1];
	long long v;
	int k;
	opt_begin(&o, c, argc, argv, c->verb->opts);
	while ((k = opt_next(&o, &arg)) > 0) {
		switch (k) {
		case O_NAME: q.name = (char *)arg; break;
		case O_UNIT: q.unit_code = (char *)arg; break;
		case O_STATE: q.state = (char *)arg; break;
		case O_AFTER: q.after_id = (char *)arg; break;
		case O_LIMIT:
			if (parse_num(c, "--limit", arg, 1, 10000, &v))
				return EXIT_USAGE;
			q.limit = (int32_t)v;
			break;
		}
	}
	if (k < 0 || opt_rest(&o, pos, 0, 0, "") < 0)
		return EXIT_USAGE;
	return request(c, ENROLD, UT__MSG_TYPE__MSG_CADRE_LIST, &q.base, &ut__cadre_list__descriptor, cadre_table);
}

static const optspec_t cadre_change_opts[] = {
	{O_NAME, "name", "TEXT", 0, "new name"},
	{O_UNIT, "unit", "CODE", 0, "moved to this unit"},
	{O_POSITION, "position", "POS", 0, "new position"},
	{O_FULL_TIME, "full-time", NULL, 0, "now full-time"},
	{O_PART_TIME, "part-time", NULL, 0, "now part-time"},
	{O_ELECTED, "elected", "DATE", 0, "date elected or appointed (re-election: the new date)"},
	{O_EMAIL, "email", "ADDR", 0, "e-mail address; - clears it"},
	{O_PHONE, "phone", "NUMBER", 0, "phone number; - clears it"},
	{O_LOCALE, "locale", "LOC", 0, "preferred language"},
	{0},
};

static int cadre_change(ctx_t *c, int argc, char **argv)
{
	Ut__CadreChange ch = UT__CADRE_CHANGE__INIT;
	opts_t o;
	const char *arg, *pos[1];
	int k;
	opt_begin(&o, c, argc, argv, c->verb->opts);
	while ((k = opt_next(&o, &arg)) > 0) {
		switch (k) {
		case O_NAME: ch.name = (char *)arg; break;
		case O_UNIT: ch.unit_code = (char *)arg; break;
		case O_POSITION: ch.position = (char *)arg; break;
		case O_FULL_TIME: ch.full_time = "yes"; break;
		case O_PART_TIME: ch.full_time = "no"; break;
		case O_ELECTED: ch.elected_on = (char *)arg; break;
		case O_EMAIL: ch.email = (char *)arg; break;
		case O_PHONE: ch.phone = (char *)arg; break;
		case O_LOCALE: ch.locale = (char *)arg; break;
		}
	}
	if (k < 0 || opt_rest(&o, pos, 1, 1, "CADRE_ID") < 0)
		return EXIT_USAGE;
	ch.id = (char *)pos[0];
	return request(c, ENROLD, UT__MSG_TYPE__MSG_CADRE_CHANGE, &ch.base, &ut__cadre__descriptor, cadre_done);
}

static const optspec_t reason_opts[] = {
	{O_REASON, "reason", "TEXT", 0, "why, for the record and the notices"},
	{0},
};

static int cadre_leave(ctx_t *c, int argc, char **argv)
{
	Ut__CadreRef r = UT__CADRE_REF__INIT;
	opts_t o;
	const char *arg, *pos[1];
	int k;
	opt_begin(&o, c, argc, argv, c->verb->opts);
	while ((k = opt_next(&o, &arg)) > 0)
		if (k == O_REASON)
			r.reason = (char *)arg;
	if (k < 0 || opt_rest(&o, pos, 1, 1, "CADRE_ID") < 0)
		return EXIT_USAGE;
	r.id = (char *)pos[0];
	return request(c, ENROLD, UT__MSG_TYPE__MSG_CADRE_LEAVE, &r.base, &ut__cadre__descriptor, cadre_done);
}

static void record_print(const ctx_t *c, const ProtobufCMessage *m, const ProtobufCMessage *req)
{
	static const char *const h[] = {"CLASS", "COURSE", "CATEGORY", "DATES", "HOURS", "ENROLMENT", "ATTENDED",
					"REFLECTION", "RESULT", "TITLE"};
	const Ut__TrainingRecord *r = (const Ut__TrainingRecord *)m;
	printf("%s %s (%s, %s)\n", r->cadre->id, r->cadre->name, r->cadre->unit_code, r->cadre->position);
	table_t *t = table_new(10, h, "rlllrllll");
	for (size_t i = 0; i < r->n_entries; i++) {
		const Ut__RecordEntry *e = r->entries[i];
		char a[32] = "-", b[32] = "";
		if (e->first_start) {
			ut_clock_format_local(e->first_start, a, sizeof a);
			ut_clock_format_local(e->last_end, b, sizeof b);
			a[10] = b[10] = '\0';
		}
		table_row(t);
		table_cell(t, "%lld", (long long)e->class_id);
		table_cell(t, "%s", e->course_code);
		table_cell(t, "%s", e->category);
		table_cell(t, "%s%s%s", a, *b && strcmp(a, b) ? ".." : "", *b && strcmp(a, b) ? b : "");
		table_cell(t, "%d", e->hours);
		table_cell(t, "%s", e->enrolment);
		table_cell(t, "%d/%d", e->sessions_attended, e->sessions_total);
		table_cell(t, "%s", e->reflection ? "yes" : "no");
		table_cell(t, "%s", e->result);
		table_cell(t, "%s", e->title);
	}
	table_print(t, stdout, 0);
	table_free(&t);
	printf("hours completed: %d\n", r->hours_completed);
}

static int cadre_record(ctx_t *c, int argc, char **argv)
{
	const char *pos[1];
	if (opt_none(c, argc, argv, pos, 1, 1, "CADRE_ID") < 0)
		return EXIT_USAGE;
	Ut__CadreRef r = UT__CADRE_REF__INIT;
	r.id = (char *)pos[0];
	return request(c, ENROLD, UT__MSG_TYPE__MSG_CADRE_RECORD, &r.base, &ut__training_record__descriptor,
		       record_print);
}

/* ---- import ---- */

/* The columns of a cadre file; the header line names them, in any order. */
static const char *const import_cols[] = {"id", "name", "unit", "position", "full_time", "elected_on",
					  "email", "phone", "locale", NULL};
enum { COL_ID, COL_NAME, COL_UNIT, COL_POSITION, COL_FULL_TIME, COL_ELECTED, COL_EMAIL, COL_PHONE, COL_LOCALE, NCOLS };
#define MAX_REPORTED 50

static const optspec_t import_opts[] = {
	{O_DRY_RUN, "dry-run", NULL, 0, "check the file and say what would change; change nothing"},
	{O_ENCODING, "encoding", "ENC", 0, "utf-8 (default, with or without BOM), gb18030 or big5"},
	{0},
};

static void imported(const ctx_t *c, const ProtobufCMessage *m, const ProtobufCMessage *req)
{
	const Ut__ImportReply *r = (const Ut__ImportReply *)m;
	printf("%s%d added, %d changed, %d unchanged\n", r->dry_run ? "dry run, nothing changed: would be " : "imported: ",
	       r->added, r->changed, r->unchanged);
}

/* One error line on stderr, at most MAX_REPORTED of them. */
static void bad_line(int *nbad, const char *file, int line, const char *fmt, const char *a, const char *b)
{
	if (++*nbad <= MAX_REPORTED) {
		fprintf(stderr, "%s: line %d: ", file, line);
		fprintf(stderr, fmt, a, b);
		fputc('\n', stderr);
	}
}

static int parse_full_time(const char *s, int *out)
{
	static const char *const yes[] = {"", "yes", "y", "1", "true", "full", "full-time", "是", "专职", "có", NULL};
	static const char *const no[] = {"no", "n", "0", "false", "part", "part-time", "否", "兼职", "không", NULL};
	for (int i = 0; yes[i]; i++)
		if (!strcasecmp(s, yes[i]))
			return *out = 1, 0;
	for (int i = 0; no[i]; i++)
		if (!strcasecmp(s, no[i]))
			return *out = 0, 0;
	return -1;
}

static int cadre_import(ctx_t *c, int argc, char **argv)
{
	opts_t o;
	const char *arg, *pos[1], *enc = "utf-8";
	int k, dry = 0;
	opt_begin(&o, c, argc, argv, c->verb->opts);
	while ((k = opt_next(&o, &arg)) > 0) {
		if (k == O_DRY_RUN)
			dry = 1;
		if (k == O_ENCODING)
			enc = arg;
	}
	if (k < 0 || opt_rest(&o, pos, 1, 1, "FILE.csv") < 0)
		return EXIT_USAGE;
	if (strcasecmp(enc, "utf-8") && strcasecmp(enc, "utf8") && strcasecmp(enc, "gb18030") && strcasecmp(enc, "big5"))
		return usage(c, "--encoding: '%s' is not utf-8, gb18030 or big5", enc);
	int rc = ctx_ready(c);
	if (rc)
		return rc;
	const char *file = pos[0];
	size_t len;
	char *raw = read_all(c, file, (size_t)c->cfg.enrol_import_max_kb * 1024, &len), *data = raw;
	if (!raw)
		return EXIT_REFUSED;
	if (!strcasecmp(enc, "gb18030") || !strcasecmp(enc, "big5")) {
		char lower[16];
		snprintf(lower, sizeof lower, "%s", !strcasecmp(enc, "big5") ? "big5" : "gb18030");
		data = to_utf8(c, lower, raw, len, &len);
		free(raw);
		if (!data)
			return EXIT_REFUSED;
	}
	/* invalid UTF-8 (a GBK file read as UTF-8, say): name the first bad line */
	if (!ut_utf8_valid(data, len) || strlen(data) != len) {
		int line = 1;
		size_t good = 0;
		for (size_t i = 0; i < len; i++) {
			if (data[i] == '\n') {
				if (!ut_utf8_valid(data + good, i - good) || memchr(data + good, '\0', i - good))
					break;
				line++;
				good = i + 1;
			}
		}
		fprintf(stderr, "%s: line %d: not valid UTF-8 text (for a Chinese file from Excel try --encoding gb18030"
				" or big5); nothing imported\n", file, line);
		free(data);
		return EXIT_REFUSED;
	}
	Ut__CadreImport q = UT__CADRE_IMPORT__INIT;
	ut_arena_t rows = {0}; /* the cadres and their fields: one allocation per 16 KiB, not per field */
	q.dry_run = dry;
	size_t cap = 1024;
	q.cadres = malloc(cap * sizeof *q.cadres);
	q.lines = malloc(cap * sizeof *q.lines);
	int col[NCOLS], ncols = 0, nbad = 0;
	for (int i = 0; i < NCOLS; i++)
		col[i] = -1;
	ut_csv_t csv;
	ut_csv_init(&csv, data, len);
	rc = q.cadres && q.lines ? 0 : EXIT_REFUSED;
	/* the header: known column names, the required ones present */
	if (!rc && (k = ut_csv_next(&csv)) != 1) {
		fprintf(stderr, "%s: %s\n", file, k == 0 ? "the file is empty" : csv.err);
		rc = EXIT_REFUSED;
	}
	for (int i = 0; !rc && i < csv.n; i++) {
		const char *h = ut_csv_field(&csv, i);
		int j = 0;
		while (import_cols[j] && strcasecmp(import_cols[j], h))
			j++;
		if (!import_cols[j])
			bad_line(&nbad, file, 1, "unknown column '%s'%s", h,
				 " (known: id, name, unit, position, full_time, elected_on, email, phone, locale)");
		else if (col[j] >= 0)
			bad_line(&nbad, file, 1, "column '%s' twice%s", h, "");
		else
			col[j] = i;
	}
	ncols = csv.n;
	for (int j = 0; !rc && j <= COL_POSITION; j++)
		if (col[j] < 0)
			bad_line(&nbad, file, 1, "the required column '%s' is missing%s", import_cols[j], "");
	while (!rc && !nbad && (k = ut_csv_next(&csv)) == 1) {
		if (csv.n != ncols) {
			char a[16], b[16];
			snprintf(a, sizeof a, "%d", csv.n);
			snprintf(b, sizeof b, "%d", ncols);
			bad_line(&nbad, file, csv.line, "%s fields where the header has %s", a, b);
			continue;
		}
		if (q.n_cadres == cap) {
			cap *= 2;
			Ut__Cadre **nc = realloc(q.cadres, cap * sizeof *nc);
			int32_t *nl = nc ? realloc(q.lines, cap * sizeof *nl) : NULL;
			if (nc)
				q.cadres = nc;
			if (nl)
				q.lines = nl;
			if (!nc || !nl) {
				rc = EXIT_REFUSED;
				break;
			}
		}
		Ut__Cadre *x = ut_arena_alloc(&rows, sizeof *x);
		if (!x) {
			rc = EXIT_REFUSED;
			break;
		}
		ut__cadre__init(x);
		/* cells are taken as the text they are: "=1+2" is a name, "+84 ..." a phone number */
#define F(j) (col[j] >= 0 ? ut_arena_strdup(&rows, ut_csv_field(&csv, col[j])) : "")
		x->id = F(COL_ID);
		x->name = F(COL_NAME);
		x->unit_code = F(COL_UNIT);
		x->position = F(COL_POSITION);
		x->elected_on = F(COL_ELECTED);
		x->email = F(COL_EMAIL);
		x->phone = F(COL_PHONE);
		x->locale = F(COL_LOCALE);
#undef F
		q.cadres[q.n_cadres] = x;
		q.lines[q.n_cadres++] = csv.line;
		if (!x->id || !x->name || !x->unit_code || !x->position || !x->elected_on || !x->email || !x->phone ||
		    !x->locale) {
			rc = EXIT_REFUSED;
			break;
		}
		if (parse_full_time(col[COL_FULL_TIME] >= 0 ? ut_csv_field(&csv, col[COL_FULL_TIME]) : "", &k))
			bad_line(&nbad, file, csv.line, "full_time '%s' is not yes or no%s", ut_csv_field(&csv, col[COL_FULL_TIME]), "");
		x->full_time = k;
	}
	if (!rc && !nbad && k < 0)
		bad_line(&nbad, file, csv.line, "%s%s", csv.err ? csv.err : "unreadable", "");
	if (!rc && !nbad && !q.n_cadres) {
		fprintf(stderr, "%s: no cadres after the header; nothing imported\n", file);
		rc = EXIT_REFUSED;
	}
	q.n_lines = q.n_cadres;
	if (!rc && nbad) {
		if (nbad > MAX_REPORTED)
			fprintf(stderr, "%s: ... and %d more\n", file, nbad - MAX_REPORTED);
		fprintf(stderr, "utctl: %d bad line%s in %s; nothing imported\n", nbad, nbad > 1 ? "s" : "", file);
		rc = EXIT_REFUSED;
	}
	ProtobufCMessage *rep = NULL;
	if (!rc)
		rc = call(c, ENROLD, UT__MSG_TYPE__MSG_CADRE_IMPORT, &q.base, &ut__import_reply__descriptor, &rep);
	if (!rc) {
		const Ut__ImportReply *r = (const Ut__ImportReply *)rep;
		for (size_t i = 0; i < r->n_errors; i++)
			fprintf(stderr, "%s: %s\n", file, r->errors[i]);
		if (r->n_errors) {
			fprintf(stderr, "utctl: %zu bad line%s in %s; nothing imported\n", r->n_errors,
				r->n_errors > 1 ? "s" : "", file);
			rc = EXIT_REFUSED;
		} else if (c->json)
			json_print(stdout, rep);
		else
			imported(c, rep, &q.base);
		protobuf_c_message_free_unpacked(rep, NULL);
	}
	ut_arena_free(&rows);
	free(q.cadres);
	free(q.lines);
	ut_csv_free(&csv);
	free(data);
	return rc;
}

/* ---- due lists ---- */

static const optspec_t due_opts[] = {
	{O_ONBOARDING, "onboarding-months", "N", 0, "elected more than N months ago without a completed onboarding class"},
	{O_RETRAIN, "retrain-years", "N", 0, "last completed class of a category more than N years ago"},
	{O_UNIT, "unit", "CODE", 0, "only cadres of this unit and the units under it"},
	{O_FORMAT, "format", "FMT", 0, "table (default), csv or json"},
	{O_TODAY, "today", "DATE", 0, "count as of this day, YYYY-MM-DD (planning ahead); default today"},
	{0},
};

/* A CSV cell: quoted when needed; a cell a spreadsheet would run as a formula gets a leading '. */
static void csv_cell(const char *s, int last)
{
	int quote = strpbrk(s, ",\"\r\n") != NULL;
	if (ut_csv_formula_like(s))
		putchar('\'');
	if (quote)
		putchar('"');
	for (; *s; s++) {
		if (*s == '"')
			putchar('"');
		putchar(*s);
	}
	if (quote)
		putchar('"');
	fputs(last ? "\r\n" : ",", stdout);
}

static void due_print(const Ut__DueList *l, const char *fmt)
{
	if (!strcmp(fmt, "csv")) {
		fputs("id,name,unit,position,elected_on,reason,category,last_trained,planned_class\r\n", stdout);
		for (size_t i = 0; i < l->n_items; i++) {
			const Ut__DueItem *d = l->items[i];
			char planned[24] = "";
			if (d->planned_class)
				snprintf(planned, sizeof planned, "%lld", (long long)d->planned_class);
			const char *cells[] = {d->cadre->id,         d->cadre->name, d->cadre->unit_code, d->cadre->position,
					       d->cadre->elected_on, d->reason,      d->category,         d->last_trained,
					       planned};
			for (int k = 0; k < 9; k++)
				csv_cell(cells[k], k == 8);
		}
		return;
	}
	static const char *const h[] = {"ID", "NAME", "UNIT", "ELECTED", "DUE", "CATEGORY", "LAST TRAINED", "STATUS"};
	table_t *t = table_new(8, h, NULL);
	size_t planned = 0;
	for (size_t i = 0; i < l->n_items; i++) {
		const Ut__DueItem *d = l->items[i];
		planned += d->planned_class != 0;
		table_row(t);
		table_cell(t, "%s", d->cadre->id);
		table_cell(t, "%s", d->cadre->name);
		table_cell(t, "%s", d->cadre->unit_code);
		table_cell(t, "%s", *d->cadre->elected_on ? d->cadre->elected_on : "-");
		table_cell(t, "%s", d->reason);
		table_cell(t, "%s", *d->category ? d->category : "-");
		table_cell(t, "%s", *d->last_trained ? d->last_trained : "-");
		if (d->planned_class)
			table_cell(t, "planned: class %lld", (long long)d->planned_class);
		else
			table_cell(t, "due");
	}
	table_print(t, stdout, 0);
	table_free(&t);
	printf("%zu due, %zu planned\n", l->n_items - planned, planned);
}

static int cadre_due(ctx_t *c, int argc, char **argv)
{
	Ut__DueQuery q = UT__DUE_QUERY__INIT;
	opts_t o;
	const char *arg, *pos[1], *fmt = "table";
	long long v;
	int k;
	opt_begin(&o, c, argc, argv, c->verb->opts);
	while ((k = opt_next(&o, &arg)) > 0) {
		switch (k) {
		case O_ONBOARDING:
			if (parse_num(c, "--onboarding-months", arg, 1, 1200, &v))
				return EXIT_USAGE;
			q.onboarding_months = (int32_t)v;
			break;
		case O_RETRAIN:
			if (parse_num(c, "--retrain-years", arg, 1, 100, &v))
				return EXIT_USAGE;
			q.retrain_years = (int32_t)v;
			break;
		case O_UNIT: q.unit_code = (char *)arg; break;
		case O_TODAY: q.today = (char *)arg; break;
		case O_FORMAT: fmt = arg; break;
		}
	}
	if (k < 0 || opt_rest(&o, pos, 0, 0, "") < 0)
		return EXIT_USAGE;
	if (strcmp(fmt, "table") && strcmp(fmt, "csv") && strcmp(fmt, "json"))
		return usage(c, "--format: '%s' is not table, csv or json", fmt);
	if (!q.onboarding_months && !q.retrain_years)
		return usage(c, "give --onboarding-months N, --retrain-years N or both");
	if (!strcmp(fmt, "json"))
		c->json = 1;
	ProtobufCMessage *rep;
	int rc = call(c, ENROLD, UT__MSG_TYPE__MSG_CADRE_DUE, &q.base, &ut__due_list__descriptor, &rep);
	if (rc)
		return rc;
	if (c->json)
		json_print_items(stdout, rep);
	else
		due_print((const Ut__DueList *)rep, fmt);
	protobuf_c_message_free_unpacked(rep, NULL);
	return EXIT_OK;
}

/* ---- enrolment ---- */

static int class_arg(const ctx_t *c, const char *s, int64_t *id) { return parse_id(c, "class", s, 0, id, NULL); }

static void enrol_results(const ctx_t *c, const ProtobufCMessage *m, const ProtobufCMessage *req)
{
	const Ut__EnrolReply *r = (const Ut__EnrolReply *)m;
	for (size_t i = 0; i < r->n_results; i++) {
		const Ut__EnrolResult *x = r->results[i];
		printf("%s: %s%s%s\n", x->cadre_id, x->status ? ut_status_name(x->status) : "ok", ": ", x->message);
	}
	if (r->n_results > 1)
		printf("%d confirmed, %d waitlisted, %d refused\n", r->confirmed, r->waitlisted, r->refused);
}

/* Send an enrolment; exit 1 when any cadre was refused. */
static int send_enrol(ctx_t *c, Ut__EnrolRequest *q)
{
	ProtobufCMessage *rep;
	int rc = call(c, ENROLD, UT__MSG_TYPE__MSG_ENROL, &q->base, &ut__enrol_reply__descriptor, &rep);
	if (rc)
		return rc;
	if (c->json)
		json_print(stdout, rep);
	else
		enrol_results(c, rep, &q->base);
	rc = ((Ut__EnrolReply *)rep)->refused ? EXIT_REFUSED : EXIT_OK;
	protobuf_c_message_free_unpacked(rep, NULL);
	return rc;
}

static const optspec_t enrol_add_opts[] = {
	{O_LATE, "late", NULL, 0, "into a class that has started or closed (no \"attend on time\" notice)"},
	{0},
};

static int enrol_add(ctx_t *c, int argc, char **argv)
{
	const char *arg, *pos[2];
	Ut__EnrolRequest q = UT__ENROL_REQUEST__INIT;
	opts_t o;
	int k;
	opt_begin(&o, c, argc, argv, c->verb->opts);
	while ((k = opt_next(&o, &arg)) > 0)
		if (k == O_LATE)
			q.late = 1;
	if (k < 0 || opt_rest(&o, pos, 2, 2, "CADRE_ID CLASS_ID") < 0)
		return EXIT_USAGE;
	char *ids[1] = {(char *)pos[0]};
	if (class_arg(c, pos[1], &q.class_id))
		return EXIT_USAGE;
	q.cadre_ids = ids;
	q.n_cadre_ids = 1;
	return send_enrol(c, &q);
}

static const optspec_t bulk_opts[] = {
	{O_FILE, "file", "FILE", 0, "cadre ids, one a line (or the first column of a CSV); - or none: stdin"},
	{0},
};

static int enrol_bulk(ctx_t *c, int argc, char **argv)
{
	opts_t o;
	const char *arg, *pos[1], *file = "-";
	int k;
	opt_begin(&o, c, argc, argv, c->verb->opts);
	while ((k = opt_next(&o, &arg)) > 0)
		if (k == O_FILE)
			file = arg;
	if (k < 0 || opt_rest(&o, pos, 1, 1, "CLASS_ID") < 0)
		return EXIT_USAGE;
	Ut__EnrolRequest q = UT__ENROL_REQUEST__INIT;
	if (class_arg(c, pos[0], &q.class_id))
		return EXIT_USAGE;
	size_t len;
	char *data = read_all(c, file, 4 << 20, &len);
	if (!data)
		return EXIT_USAGE;
	char **ids = calloc(MAX_IDS, sizeof *ids);
	int n = 0, rc = ids ? 0 : EXIT_REFUSED;
	ut_csv_t csv;
	ut_csv_init(&csv, data, len);
	while (!rc && (k = ut_csv_next(&csv)) == 1) {
		const char *id = ut_csv_field(&csv, 0);
		if (!*id || (csv.line == 1 && !strcmp(id, "cadre_id")))
			continue; /* header */
		if (n >= MAX_IDS)
			rc = usage(c, "more than %d cadres in %s", MAX_IDS, file);
		else if (!(ids[n++] = strdup(id)))
			rc = EXIT_REFUSED;
	}
	if (!rc && k < 0)
		rc = usage(c, "%s line %d: %s", file, csv.line, csv.err ? csv.err : "unreadable");
	if (!rc && !n)
		rc = usage(c, "no cadre ids in %s", file);
	if (!rc) {
		q.cadre_ids = ids;
		q.n_cadre_ids = (size_t)n;
		rc = send_enrol(c, &q);
	}
	ut_csv_free(&csv);
	if (ids)
		free_ids(ids, n);
	free(ids);
	free(data);
	return rc;
}

static void cancelled(const ctx_t *c, const ProtobufCMessage *m, const ProtobufCMessage *req)
{
	const Ut__EnrolCancelReply *r = (const Ut__EnrolCancelReply *)m;
	printf("cadre %s cancelled in class %lld\n", r->cancelled->cadre_id, (long long)r->cancelled->class_id);
	if (r->promoted)
		printf("cadre %s promoted from the waitlist\n", r->promoted->cadre_id);
}

static int enrol_cancel(ctx_t *c, int argc, char **argv)
{
	Ut__EnrolCancel q = UT__ENROL_CANCEL__INIT;
	opts_t o;
	const char *arg, *pos[2];
	int k;
	opt_begin(&o, c, argc, argv, c->verb->opts);
	while ((k = opt_next(&o, &arg)) > 0)
		if (k == O_REASON)
			q.reason = (char *)arg;
	if (k < 0 || opt_rest(&o, pos, 2, 2, "CADRE_ID CLASS_ID") < 0)
		return EXIT_USAGE;
	q.cadre_id = (char *)pos[0];
	if (class_arg(c, pos[1], &q.class_id))
		return EXIT_USAGE;
	return request(c, ENROLD, UT__MSG_TYPE__MSG_ENROL_CANCEL, &q.base, &ut__enrol_cancel_reply__descriptor,
		       cancelled);
}

static void enrol_table(const ctx_t *c, const ProtobufCMessage *m, const ProtobufCMessage *req)
{
	static const char *const h[] = {"CLASS", "CADRE", "STATE", "PLACE", "REASON"};
	const Ut__EnrolList *l = (const Ut__EnrolList *)m;
	const Ut__EnrolQuery *q = (const Ut__EnrolQuery *)req;
	if (q->class_id)
		printf("class %lld: %d of %d seats taken, %d waiting\n", (long long)q->class_id, l->confirmed, l->capacity,
		       l->waitlisted);
	table_t *t = table_new(5, h, "rllrl");
	for (size_t i = 0; i < l->n_enrolments; i++) {
		const Ut__Enrolment *e = l->enrolments[i];
		table_row(t);
		table_cell(t, "%lld", (long long)e->class_id);
		table_cell(t, "%s", e->cadre_id);
		table_cell(t, "%s", e->state);
		if (e->waitlist_pos)
			table_cell(t, "%d", e->waitlist_pos);
		else
			table_cell(t, "-");
		table_cell(t, "%s", *e->reason ? e->reason : "-");
	}
	table_print(t, stdout, 0);
	table_free(&t);
}

static const optspec_t enrol_list_opts[] = {
	{O_CLASS, "class", "ID", 0, "the enrolments of a class: seats, then the waitlist in order"},
	{O_CADRE, "cadre", "ID", 0, "the enrolments of a cadre"},
	{O_STATE, "state", "STATE", 0, "confirmed, waitlisted or cancelled"},
	{0},
};

static int enrol_list(ctx_t *c, int argc, char **argv)
{
	Ut__EnrolQuery q = UT__ENROL_QUERY__INIT;
	opts_t o;
	const char *arg, *pos[1];
	int k;
	opt_begin(&o, c, argc, argv, c->verb->opts);
	while ((k = opt_next(&o, &arg)) > 0) {
		if (k == O_CLASS && class_arg(c, arg, &q.class_id))
			return EXIT_USAGE;
		if (k == O_CADRE)
			q.cadre_id = (char *)arg;
		if (k == O_STATE)
			q.state = (char *)arg;
	}
	if (k < 0 || opt_rest(&o, pos, 0, 0, "") < 0)
		return EXIT_USAGE;
	if (!q.class_id && !*q.cadre_id)
		return usage(c, "give --class ID or --cadre ID");
	int rc = ctx_ready(c);
	if (rc)
		return rc;
	ProtobufCMessage *rep;
	if ((rc = call(c, ENROLD, UT__MSG_TYPE__MSG_ENROL_LIST, &q.base, &ut__enrol_list__descriptor, &rep)))
		return rc;
	if (c->json)
		json_print(stdout, rep);
	else
		enrol_table(c, rep, &q.base);
	protobuf_c_message_free_unpacked(rep, NULL);
	return EXIT_OK;
}

/* ---- roll-call ---- */

static const optspec_t rollcall_opts[] = {
	{O_PRESENT, "present", "ID[,ID...]", 0, "these cadres were present; repeat or separate with commas"},
	{O_LATE, "late", "ID[,ID...]", 0, "came late (counts as present for completion)"},
	{O_EXCUSED, "excused", "ID[,ID...]", 0, "absent with leave"},
	{O_ABSENT, "absent", "ID[,ID...]", 0, "absent"},
	{O_ALL_PRESENT, "all-present", NULL, 0, "every confirmed cadre not named otherwise was present"},
	{O_EXCEPT, "except", "ID[,ID...]", 0, "with --all-present: these were absent"},
	{O_REST_ABSENT, "rest-absent", NULL, 0, "every confirmed cadre not named otherwise was absent"},
	{O_FILE, "file", "SHEET.csv", 0, "a sign-in sheet: cadre_id,mark per line (header optional)"},
	{O_FORCE, "force", NULL, 0, "mark a session that has not started yet"},
	{0},
};

static void rollcall_done(const ctx_t *c, const ProtobufCMessage *m, const ProtobufCMessage *req)
{
	const Ut__RollCallReply *r = (const Ut__RollCallReply *)m;
	int corrected = 0;
	for (size_t i = 0; i < r->n_marked; i++) {
		if (*r->marked[i]->previous) {
			corrected++;
			printf("%s: %s (was %s, revision %d)\n", r->marked[i]->cadre_id, r->marked[i]->mark,
			       r->marked[i]->previous, r->marked[i]->revision);
		}
	}
	printf("%zu marked (%d corrections), %d unchanged\n", r->n_marked, corrected, r->unchanged);
}

static int add_marks(const ctx_t *c, const char *arg, const char *mark, Ut__Mark **marks, size_t *n)
{
	char *ids[MAX_IDS];
	int k = 0, rc = add_ids(c, arg, ids, &k);
	for (int i = 0; i < k && !rc; i++) {
		if (*n >= MAX_IDS)
			rc = usage(c, "more than %d marks", MAX_IDS);
		else if (!(marks[*n] = calloc(1, sizeof **marks)))
			rc = EXIT_REFUSED;
		else {
			ut__mark__init(marks[*n]);
			marks[*n]->cadre_id = ids[i];
			ids[i] = NULL;
			marks[(*n)++]->mark = (char *)mark;
		}
	}
	for (int i = 0; i < k; i++)
		free(ids[i]);
	return rc;
}

static int sheet_marks(const ctx_t *c, const char *file, Ut__Mark **marks, size_t *n)
{
	size_t len;
	char *data = read_all(c, file, 4 << 20, &len);
	if (!data)
		return EXIT_USAGE;
	static const char *const known[] = {"present", "late", "excused", "absent"};
	ut_csv_t csv;
	int k, rc = 0;
	ut_csv_init(&csv, data, len);
	while (!rc && (k = ut_csv_next(&csv)) == 1) {
		const char *id = ut_csv_field(&csv, 0), *mk = ut_csv_field(&csv, 1);
		if (csv.line == 1 && !strcmp(id, "cadre_id"))
			continue;
		const char *mark = NULL;
		for (int i = 0; i < 4; i++)
			if (!strcmp(mk, known[i]))
				mark = known[i];
		if (csv.n != 2 || !*id)
			rc = usage(c, "%s line %d: expected cadre_id,mark", file, csv.line);
		else if (!mark)
			rc = usage(c, "%s line %d: mark '%s' is not present, late, excused or absent", file, csv.line, mk);
		else
			rc = add_marks(c, id, mark, marks, n);
	}
	if (!rc && k < 0)
		rc = usage(c, "%s line %d: %s", file, csv.line, csv.err ? csv.err : "unreadable");
	ut_csv_free(&csv);
	free(data);
	return rc;
}

/* "--present K1 K2 K3" as typed in the form: the words after a list option, up to the next
 * option, become one comma list "--present K1,K2,K3". The class and session come first. */
static char **join_lists(int argc, char **argv, int *nargc)
{
	static const char *const lists[] = {"--present", "--late", "--excused", "--absent", "--except", NULL};
	char **out = calloc((size_t)argc + 1, sizeof *out);
	int n = 0;
	for (int i = 0; out && i < argc; i++) {
		int is_list = 0;
		for (int k = 0; lists[k]; k++)
			is_list |= !strcmp(argv[i], lists[k]);
		if (!is_list || i + 1 >= argc) {
			out[n++] = strdup(argv[i]);
			continue;
		}
		out[n++] = strdup(argv[i]);
		size_t len = 1;
		int j = i + 1;
		for (; j < argc && argv[j][0] != '-'; j++)
			len += strlen(argv[j]) + 1;
		if (j == i + 1)
			continue; /* "--present=K1" or a missing value: getopt says what is wrong */
		char *joined = calloc(1, len);
		for (int k = i + 1; joined && k < j; k++) {
			if (k > i + 1)
				strcat(joined, ",");
			strcat(joined, argv[k]);
		}
		out[n++] = joined;
		i = j - 1;
	}
	*nargc = n;
	return out;
}

static int rollcall_mark_joined(ctx_t *c, int argc, char **argv);

static int rollcall_mark(ctx_t *c, int argc, char **argv)
{
	int n;
	char **v = join_lists(argc, argv, &n);
	if (!v)
		return EXIT_REFUSED;
	for (int i = 0; i < n; i++)
		if (!v[i]) {
			for (int k = 0; k < n; k++)
				free(v[k]);
			free(v);
			return EXIT_REFUSED;
		}
	int rc = rollcall_mark_joined(c, n, v);
	for (int i = 0; i < n; i++)
		free(v[i]);
	free(v);
	return rc;
}

static int rollcall_mark_joined(ctx_t *c, int argc, char **argv)
{
	Ut__RollCall q = UT__ROLL_CALL__INIT;
	Ut__Mark **marks = calloc(MAX_IDS, sizeof *marks);
	size_t n = 0;
	opts_t o;
	const char *arg, *pos[2];
	int k, rc = marks ? 0 : EXIT_REFUSED, except = 0;
	opt_begin(&o, c, argc, argv, c->verb->opts);
	while (!rc && (k = opt_next(&o, &arg)) > 0) {
		switch (k) {
		case O_PRESENT: rc = add_marks(c, arg, "present", marks, &n); break;
		case O_LATE: rc = add_marks(c, arg, "late", marks, &n); break;
		case O_EXCUSED: rc = add_marks(c, arg, "excused", marks, &n); break;
		case O_ABSENT: rc = add_marks(c, arg, "absent", marks, &n); break;
		case O_EXCEPT: except = 1; rc = add_marks(c, arg, "absent", marks, &n); break;
		case O_ALL_PRESENT: q.all_present = 1; break;
		case O_REST_ABSENT: q.rest_absent = 1; break;
		case O_FILE: rc = sheet_marks(c, arg, marks, &n); break;
		case O_FORCE: q.force = 1; break;
		}
	}
	if (!rc && (k < 0 || opt_rest(&o, pos, 2, 2, "CLASS_ID SESSION_ID") < 0))
		rc = EXIT_USAGE;
	if (!rc && except && !q.all_present)
		rc = usage(c, "--except goes with --all-present");
	if (!rc && q.all_present && q.rest_absent)
		rc = usage(c, "--all-present and --rest-absent exclude each other");
	if (!rc && !n && !q.all_present && !q.rest_absent)
		rc = usage(c, "no marks: give --present, --all-present, --file ...");
	if (!rc && (class_arg(c, pos[0], &q.class_id) || parse_id(c, "session", pos[1], 0, &q.session_id, NULL)))
		rc = EXIT_USAGE;
	if (!rc) {
		q.marks = marks;
		q.n_marks = n;
		rc = request(c, ENROLD, UT__MSG_TYPE__MSG_ROLLCALL, &q.base, &ut__roll_call_reply__descriptor,
			     rollcall_done);
	}
	for (size_t i = 0; i < n; i++) {
		free(marks[i]->cadre_id);
		free(marks[i]);
	}
	free(marks);
	return rc;
}

static void marks_table(const ctx_t *c, const ProtobufCMessage *m, const ProtobufCMessage *req)
{
	static const char *const h[] = {"SESSION", "CADRE", "MARK", "REVISION"};
	const Ut__AttendanceList *l = (const Ut__AttendanceList *)m;
	table_t *t = table_new(4, h, "rllr");
	for (size_t i = 0; i < l->n_marks; i++) {
		table_row(t);
		table_cell(t, "%lld", (long long)l->marks[i]->session_id);
		table_cell(t, "%s", l->marks[i]->cadre_id);
		table_cell(t, "%s", l->marks[i]->mark);
		table_cell(t, "%d", l->marks[i]->revision);
	}
	table_print(t, stdout, 0);
	table_free(&t);
}

static int rollcall_show(ctx_t *c, int argc, char **argv)
{
	const char *pos[1];
	if (opt_none(c, argc, argv, pos, 1, 1, "CLASS_ID") < 0)
		return EXIT_USAGE;
	Ut__EnrolQuery q = UT__ENROL_QUERY__INIT;
	if (class_arg(c, pos[0], &q.class_id))
		return EXIT_USAGE;
	return request(c, ENROLD, UT__MSG_TYPE__MSG_ATTENDANCE_LIST, &q.base, &ut__attendance_list__descriptor,
		       marks_table);
}

/* ---- reflections ---- */

static const optspec_t reflection_opts[] = {
	{O_FILE, "file", "FILE", 1, "the text (UTF-8); - for stdin"},
	{O_LATE, "late", NULL, 0, "after [enrol] reflection_days, on the officer's word"},
	{0},
};

static void reflection_done(const ctx_t *c, const ProtobufCMessage *m, const ProtobufCMessage *req)
{
	const Ut__Reflection *r = (const Ut__Reflection *)m;
	printf("reflection of %s for class %lld recorded (revision %d)\n", r->cadre_id, (long long)r->class_id,
	       r->revision);
}

static int reflection_submit(ctx_t *c, int argc, char **argv)
{
	Ut__Reflection r = UT__REFLECTION__INIT;
	opts_t o;
	const char *arg, *pos[2], *file = NULL;
	int k;
	opt_begin(&o, c, argc, argv, c->verb->opts);
	while ((k = opt_next(&o, &arg)) > 0)
		if (k == O_FILE)
			file = arg;
		else if (k == O_LATE)
			r.late = 1;
	if (k < 0 || opt_rest(&o, pos, 2, 2, "CADRE_ID CLASS_ID") < 0)
		return EXIT_USAGE;
	r.cadre_id = (char *)pos[0];
	if (class_arg(c, pos[1], &r.class_id))
		return EXIT_USAGE;
	size_t len;
	char *text = read_all(c, file, 512 << 10, &len);
	if (!text)
		return EXIT_USAGE;
	if (!ut_utf8_valid(text, len) || strlen(text) != len) {
		free(text);
		return usage(c, "%s is not UTF-8 text", file);
	}
	r.text = text;
	int rc = request(c, ENROLD, UT__MSG_TYPE__MSG_REFLECTION_SUBMIT, &r.base, &ut__reflection__descriptor,
			 reflection_done);
	free(text);
	return rc;
}

/* ---- tables ---- */

const verb_t unit_verbs[] = {
	{"add", unit_add, "register an org unit under the node",
	 "--code CODE --name TEXT --kind KIND [--ownership OWN] [--employees N] [--parent CODE] [--level LEVEL]",
	 unit_add_opts,
	 "utctl unit add --code ENT-0421 --name \"华新机械有限公司\" --kind enterprise --ownership non_public --employees 320",
	 "Non-public enterprises are placed by the level rule ([enrol] city_min_employees, default 500: that many\n"
	 "employees or more belong to the city, fewer to the county); a unit registered on a node of the other\n"
	 "level is accepted with a warning."},
	{"change", unit_change, "change a unit: name, kind, ownership, size, parent, level",
	 "CODE [--name TEXT] [--kind KIND] [--ownership OWN] [--employees N] [--parent CODE] [--level LEVEL]",
	 unit_change_opts, "utctl unit change ENT-0421 --employees 560", NULL},
	{"list", unit_list, "list the units as a tree", "[--under CODE]", unit_list_opts, "utctl unit list", NULL},
	{"show", unit_show, "show one unit by code or id", "CODE_OR_ID", NULL, "utctl unit show ENT-0421", NULL},
	{0},
};

const verb_t cadre_verbs[] = {
	{"add", cadre_add, "register a cadre",
	 "--id ID --name TEXT --unit CODE --position POS [--part-time] [--elected DATE] [--email ADDR] [--phone N] [--locale LOC]",
	 cadre_add_opts,
	 "utctl cadre add --id C0001 --name \"Nguyễn Thị Hương\" --unit ENT-0421 --position chair --elected 2025-06-01 --locale vi",
	 NULL},
	{"show", cadre_show, "show one cadre", "CADRE_ID", NULL, "utctl cadre show C0001", NULL},
	{"list", cadre_list, "list or search cadres", "[--name TEXT] [--unit CODE] [--state STATE] [--limit N] [--after ID]",
	 cadre_list_opts, "utctl cadre list --name huong", NULL},
	{"change", cadre_change, "change a cadre's data", "CADRE_ID [--name TEXT] [--unit CODE] [--position POS] ...",
	 cadre_change_opts, "utctl cadre change C0001 --position vice_chair --phone 0912345678", NULL},
	{"leave", cadre_leave, "record that a cadre left; their open enrolments are cancelled", "CADRE_ID [--reason TEXT]",
	 reason_opts, "utctl cadre leave C0001 --reason \"retired\"", NULL},
	{"import", cadre_import, "import cadres from a CSV file: all lines or none", "FILE.csv [--dry-run] [--encoding ENC]",
	 import_opts, "utctl cadre import cadres.csv --dry-run",
	 "The first line names the columns: id, name, unit, position (required), full_time, elected_on, email,\n"
	 "phone, locale. A known id is updated to the file's values; a line equal to the stored cadre changes\n"
	 "nothing, so importing the same file again is harmless. Every bad line is reported with its number and\n"
	 "then nothing is imported. Cells are kept as the text they are (=, +, -, @ included)."},
	{"due", cadre_due, "cadres due for onboarding or retraining",
	 "[--onboarding-months N] [--retrain-years N] [--unit CODE] [--format table|csv|json] [--today DATE]", due_opts,
	 "utctl cadre due --onboarding-months 6 --retrain-years 3 --unit XQ --format csv > due.csv",
	 "Onboarding: active cadres elected or appointed more than N months ago who completed no class of the\n"
	 "onboarding category. Retraining: for each category a cadre completed, the last such class ended more\n"
	 "than N years ago."},
	{"record", cadre_record, "a cadre's training record: classes, hours, results, reflections", "CADRE_ID", NULL,
	 "utctl cadre record C0001", NULL},
	{0},
};

const verb_t enrol_verbs[] = {
	{"add", enrol_add, "enrol a cadre in a class: a seat while there is one, else the waitlist",
	 "CADRE_ID CLASS_ID [--late]", enrol_add_opts, "utctl enrol add C0001 12",
	 "Refused when the cadre is already enrolled, has left, the class is cancelled, has started or closed\n"
	 "(unless --late), or the cadre holds a seat in another class whose sessions overlap."},
	{"bulk", enrol_bulk, "enrol many cadres in one request, each answered", "CLASS_ID [--file FILE]", bulk_opts,
	 "utctl enrol bulk 12 --file chairs.txt", "Exit status 1 when any cadre was refused; the others are enrolled."},
	{"cancel", enrol_cancel, "cancel an enrolment; a freed seat goes to the first waiting",
	 "CADRE_ID CLASS_ID [--reason TEXT]", reason_opts, "utctl enrol cancel C0001 12 --reason \"on duty\"", NULL},
	{"list", enrol_list, "list enrolments of a class (seats, then the waitlist) or of a cadre",
	 "--class ID | --cadre ID [--state STATE]", enrol_list_opts, "utctl enrol list --class 12", NULL},
	{0},
};

const verb_t rollcall_verbs[] = {
	{"mark", rollcall_mark, "record the roll-call of a session; marking again corrects (and is logged)",
	 "CLASS_ID SESSION_ID [--present ID...] [--late ID...] [--all-present [--except ID...]] [--file SHEET.csv]",
	 rollcall_opts, "utctl rollcall mark 12 31 --all-present --except C0007 C0019",
	 "The ids after a list option run to the next option: --present C1 C2 C3 --late C4. Give the class and\n"
	 "session first."},
	{"show", rollcall_show, "show every mark of a class", "CLASS_ID", NULL, "utctl rollcall show 12", NULL},
	{0},
};

const verb_t reflection_verbs[] = {
	{"submit", reflection_submit, "hand in a cadre's written reflection on a class (again: replaces it)",
	 "CADRE_ID CLASS_ID --file FILE", reflection_opts, "utctl reflection submit C0001 12 --file reflection.txt", NULL},
	{0},
};
