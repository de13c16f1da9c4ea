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

/* ---- tables ---- */


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


