/* Enrolment commands sent to ut-enrold: org units, cadres (with the CSV import), enrolments and
 * waitlists, roll-call sheets, reflections and training records. */
#include "utctl.h"
#include "output.h"
#include "enrol.pb-c.h"
#include "ut/clock.h"
#include "ut/csv.h"
#include "ut/err.h"
#include "ut/sheet.h"
#include "ut/utf8.h"

#include <errno.h>
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

static const optspec_t reason_opts[] = {
	{O_REASON, "reason", "TEXT", 0, "why, for the record and the notices"},
	{0},
};

/* ---- import ---- */

static const optspec_t import_opts[] = {
	{O_DRY_RUN, "dry-run", NULL, 0, "check the file and say what would change; change nothing"},
	{O_ENCODING, "encoding", "ENC", 0, "of a text file: " UT_SHEET_ENCODINGS " (default: detected)"},
	{0},
};

static void imported(const ctx_t *c, const ProtobufCMessage *m, const ProtobufCMessage *req)
{
	const Ut__ImportReply *r = (const Ut__ImportReply *)m;
	printf("%s%d added, %d changed, %d unchanged\n", r->dry_run ? "dry run, nothing changed: would be " : "imported: ",
	       r->added, r->changed, r->unchanged);
}

/* Units sorted by code or by name, for the lookups of a whole file. */
static int by_code(const void *a, const void *b)
{
	return strcmp((*(Ut__OrgUnit *const *)a)->code, (*(Ut__OrgUnit *const *)b)->code);
}

static int by_name(const void *a, const void *b)
{
	return strcmp((*(Ut__OrgUnit *const *)a)->name, (*(Ut__OrgUnit *const *)b)->name);
}

/* Officers' lists name a unit as people know it: a cell that is no unit's code but exactly one
 * unit's name becomes that unit's code (from *list, which the caller frees after the import); a
 * name two units share marks its row bad. Returns the number of such rows. */
static int unit_names(ctx_t *c, const char *file, ut_sheet_t *s, ProtobufCMessage **list)
{
	Ut__UnitQuery q = UT__UNIT_QUERY__INIT;
	q.all = 1;
	if (call(c, ENROLD, UT__MSG_TYPE__MSG_UNIT_LIST, &q.base, &ut__unit_list__descriptor, list))
		return 0; /* the import's own call says what is wrong */
	Ut__UnitList *l = (Ut__UnitList *)*list;
	size_t n = l->n_units;
	Ut__OrgUnit **names = malloc((n + 1) * sizeof *names);
	if (!names)
		return 0;
	memcpy(names, l->units, n * sizeof *names);
	qsort(l->units, n, sizeof *l->units, by_code);
	qsort(names, n, sizeof *names, by_name);
	int bad = 0;
	for (int i = 0; i < s->nrows; i++) {
		char **v = &s->rows[i][UT_SHEET_C_UNIT];
		Ut__OrgUnit key = {.code = *v, .name = *v}, *k = &key, **u;
		if (s->bad[i] || !**v || bsearch(&k, l->units, n, sizeof *l->units, by_code) ||
		    !(u = bsearch(&k, names, n, sizeof *names, by_name)))
			continue;
		if ((u > names && !strcmp(u[-1]->name, *v)) || (u + 1 < names + n && !strcmp(u[1]->name, *v))) {
			fprintf(stderr, "%s: %s %d: several units are named %s: give the unit's code\n", file, s->line_word,
				s->lines[i], *v);
			s->bad[i] = 1;
			bad++;
		} else
			*v = (*u)->code;
	}
	free(names);
	return bad;
}

static int cadre_import(ctx_t *c, int argc, char **argv)
{
	opts_t o;
	const char *arg, *pos[1];
	ut_sheet_opts_t so = {0};
	int k, dry = 0;
	opt_begin(&o, c, argc, argv, c->verb->opts);
	while ((k = opt_next(&o, &arg)) > 0) {
		if (k == O_DRY_RUN)
			dry = 1;
		if (k == O_ENCODING)
			so.encoding = arg;
	}
	if (k < 0 || opt_rest(&o, pos, 1, 1, "FILE") < 0)
		return EXIT_USAGE;
	if (so.encoding && !ut_sheet_encoding_known(so.encoding))
		return usage(c, "--encoding: '%s' is not %s", so.encoding, UT_SHEET_ENCODINGS);
	int rc = ctx_ready(c);
	if (rc)
		return rc;
	const char *file = pos[0];
	ut_sheet_t *s = NULL;
	int bad = sheet_load(c, file, (size_t)c->cfg.enrol_import_max_kb * 1024, ut_sheet_cadre_cols, &so, &s);
	int nerr = s ? s->nerrors : 0;
	if (bad && !nerr) { /* unreadable, or out of memory: said already */
		ut_sheet_destroy(&s);
		return bad;
	}
	ProtobufCMessage *units = NULL;
	nerr += unit_names(c, file, s, &units);
	Ut__CadreImport q = UT__CADRE_IMPORT__INIT;
	/* with errors in the file, the daemon still checks the good lines (changing nothing), so the
	 * officer sees the unknown units and repeated ids in the same round */
	q.dry_run = dry || nerr;
	size_t n = s ? (size_t)s->nrows : 0;
	q.cadres = calloc(n + 1, sizeof *q.cadres);
	q.lines = calloc(n + 1, sizeof *q.lines);
	Ut__Cadre *rows = calloc(n + 1, sizeof *rows);
	rc = q.cadres && q.lines && rows ? 0 : EXIT_REFUSED;
	for (size_t i = 0; !rc && i < n; i++) {
		if (s->bad[i])
			continue;
		/* cells are taken as the text they are: "=1+2" is a name, "+84 ..." a phone number */
		char **v = s->rows[i];
		Ut__Cadre *x = &rows[q.n_cadres];
		ut__cadre__init(x);
		x->id = v[UT_SHEET_C_ID];
		x->name = v[UT_SHEET_C_NAME];
		x->unit_code = v[UT_SHEET_C_UNIT];
		x->position = v[UT_SHEET_C_POSITION];
		x->full_time = strcmp(v[UT_SHEET_C_FULL_TIME], "no") != 0;
		x->elected_on = v[UT_SHEET_C_ELECTED];
		x->email = v[UT_SHEET_C_EMAIL];
		x->phone = v[UT_SHEET_C_PHONE];
		x->locale = v[UT_SHEET_C_LOCALE];
		q.lines[q.n_cadres] = s->lines[i];
		q.cadres[q.n_cadres++] = x;
	}
	q.n_lines = q.n_cadres;
	ProtobufCMessage *rep = NULL;
	if (!rc && q.n_cadres)
		rc = call(c, ENROLD, UT__MSG_TYPE__MSG_CADRE_IMPORT, &q.base, &ut__import_reply__descriptor, &rep);
	if (rep) {
		const Ut__ImportReply *r = (const Ut__ImportReply *)rep;
		for (size_t i = 0; i < r->n_errors; i++)
			fprintf(stderr, "%s: %s\n", file, r->errors[i]);
		nerr += (int)r->n_errors;
		if (!nerr && c->json)
			json_print(stdout, rep);
		else if (!nerr)
			imported(c, rep, &q.base);
		protobuf_c_message_free_unpacked(rep, NULL);
	}
	if (!rc && nerr) {
		fprintf(stderr, "utctl: %d error%s in %s; nothing imported\n", nerr, nerr > 1 ? "s" : "", file);
		rc = EXIT_REFUSED;
	}
	free(rows);
	free(q.cadres);
	free(q.lines);
	if (units)
		protobuf_c_message_free_unpacked(units, NULL);
	ut_sheet_destroy(&s);
	return rc;
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
	{O_FILE, "file", "SHEET", 0, "a sign-in sheet (.xlsx, CSV or text): cadre id and mark, header optional"},
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

/* The id of the one active cadre whose name is exactly `name` (malloc'd), or NULL with why on stderr. */
static char *cadre_named(ctx_t *c, const char *where, const char *name)
{
	Ut__CadreQuery q = UT__CADRE_QUERY__INIT;
	q.name = (char *)name;
	q.state = "active";
	q.limit = 100;
	ProtobufCMessage *rep;
	if (call(c, ENROLD, UT__MSG_TYPE__MSG_CADRE_LIST, &q.base, &ut__cadre_list__descriptor, &rep))
		return NULL;
	const Ut__CadreList *l = (const Ut__CadreList *)rep;
	char *id = NULL, others[200] = "";
	int n = 0;
	for (size_t i = 0; i < l->n_cadres; i++) {
		if (strcmp(l->cadres[i]->name, name))
			continue; /* the search also finds fragments and other spellings */
		if (n++ == 0)
			id = strdup(l->cadres[i]->id);
		snprintf(others + strlen(others), sizeof others - strlen(others), "%s%s", n > 1 ? ", " : "",
			 l->cadres[i]->id);
	}
	if (n != 1) {
		if (n)
			fprintf(stderr, "%s: %d cadres are named %s (%s): give the id\n", where, n, name, others);
		else
			fprintf(stderr, "%s: no active cadre is named %s\n", where, name);
		free(id);
		id = NULL;
	}
	protobuf_c_message_free_unpacked(rep, NULL);
	return id;
}

static int sheet_marks(ctx_t *c, const char *file, Ut__Mark **marks, size_t *n)
{
	ut_sheet_opts_t so = {.header_optional = 1};
	ut_sheet_t *s = NULL;
	int rc = ctx_ready(c), bad = 0;
	if (!rc && (rc = sheet_load(c, file, 4 << 20, ut_sheet_rollcall_cols, &so, &s)))
		rc = EXIT_USAGE;
	for (int i = 0; !rc && i < s->nrows; i++) {
		char **v = s->rows[i], where[300], *id = NULL;
		snprintf(where, sizeof where, "%s: %s %d", file, s->line_word, s->lines[i]);
		if (!*v[UT_SHEET_R_ID] && !*v[UT_SHEET_R_NAME])
			fprintf(stderr, "%s: neither a cadre id nor a name\n", where);
		else if (*v[UT_SHEET_R_ID] || (id = cadre_named(c, where, v[UT_SHEET_R_NAME])))
			rc = add_marks(c, id ? id : v[UT_SHEET_R_ID], v[UT_SHEET_R_MARK], marks, n);
		bad += !id && !*v[UT_SHEET_R_ID];
		free(id);
	}
	if (!rc && bad) {
		fprintf(stderr, "utctl: %d cadre%s of %s not found; nothing marked\n", bad, bad > 1 ? "s" : "", file);
		rc = EXIT_USAGE;
	}
	ut_sheet_destroy(&s);
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

/* unit verbs and cadre add, show, list, change, leave and record are rows of the command table */
const verb_t unit_verbs[] = {{0}};

const verb_t cadre_verbs[] = {
	{"import", cadre_import, "import cadres from a spreadsheet (.xlsx, CSV or text): all lines or none",
	 "FILE [--dry-run] [--encoding ENC]", import_opts, "utctl cadre import 干部名册.xlsx --dry-run",
	 "The header names the columns in Chinese, Vietnamese or English (工号 / Mã cán bộ / id, 姓名 / Họ và tên /\n"
	 "name, 单位 / Đơn vị / unit, 职务 / Chức vụ / position required; full_time, elected_on, email, phone,\n"
	 "locale); title lines above it, a first serial-number column (序号, STT, No.) and other columns are\n"
	 "skipped. A unit is named by its code or its exact name. Positions, full/part-time and locales may be written in any of the four languages; dates as\n"
	 "2025-06-01, 2025/6/1, 2025.6.1 or 2025年6月1日, and 01/06/2025 is day first on a node whose locale is vi\n"
	 "(elsewhere such a date is refused when the day and month could be swapped). An .xlsx is read from its\n"
	 "first sheet; a text file's encoding and separator (, ; tab) are detected. A known id is updated to the\n"
	 "file's values; a line equal to the stored cadre changes nothing, so importing the same file again is\n"
	 "harmless. Every error of every line is reported and then nothing is imported. Cells are trimmed and\n"
	 "otherwise kept as the text they are (=, +, -, @ included)."},
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
	 "CLASS_ID SESSION_ID [--present ID...] [--late ID...] [--all-present [--except ID...]] [--file SHEET]",
	 rollcall_opts, "utctl rollcall mark 12 31 --all-present --except C0007 C0019",
	 "The ids after a list option run to the next option: --present C1 C2 C3 --late C4. Give the class and\n"
	 "session first. A sheet's marks may be written in any of the four languages (到 / 出席 / 迟到 / 请假 /\n"
	 "缺席, có mặt / đi muộn / có phép / vắng, present / late / excused / absent); its header (工号 / Mã cán bộ\n"
	 "/ cadre_id, 签到 / Điểm danh / mark) is recognised, or the columns are cadre id, mark."},
	{"show", rollcall_show, "show every mark of a class", "CLASS_ID", NULL, "utctl rollcall show 12", NULL},
	{0},
};

const verb_t reflection_verbs[] = {
	{"submit", reflection_submit, "hand in a cadre's written reflection on a class (again: replaces it)",
	 "CADRE_ID CLASS_ID --file FILE", reflection_opts, "utctl reflection submit C0001 12 --file reflection.txt", NULL},
	{0},
};
