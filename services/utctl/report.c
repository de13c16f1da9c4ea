/* How `utctl report ...` (rows of the command table) prints: the reply's cells summed per group as
 * an aligned table, CSV for Excel/WPS or JSON; and the upward link's keys: `utctl node keygen`, `node child`. */
#include "utctl.h"
#include "output.h"
#include "report.pb-c.h"
#include "ut/curvekey.h"
#include "ut/err.h"
#include "ut/i18n.h"
#include "ut/labels.h"
#include "ut/reportfmt.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#define REPORTD "ut-reportd"

/* A column: a metric as it is, or a percentage of summed metrics (den set). */
typedef struct col {
	const char *key;
	const char *num[3];
	const char *den[5];
} col_t;

static const col_t fulfilment_cols[] = {
	{"classes_planned", {"classes_planned"}, {0}},
	{"classes_held", {"classes_held"}, {0}},
	{"classes_pct", {"classes_held"}, {"classes_planned"}},
	{"classes_cancelled", {"classes_cancelled"}, {0}},
	{"participations_planned", {"participations_planned"}, {0}},
	{"participations", {"participations"}, {0}},
	{"participations_pct", {"participations"}, {"participations_planned"}},
	{0},
};
static const col_t attendance_cols[] = {
	{"enrolled_at_close", {"enrolled_at_close"}, {0}},
	{"participations", {"participations"}, {0}},
	{"attendance_rate", {"sessions_attended"}, {"sessions_total"}},
	{"completion_rate", {"completed"}, {"enrolled_at_close"}},
	{"rollcall_rate", {"marks_present", "marks_late"}, {"marks_present", "marks_late", "marks_excused", "marks_absent"}},
	{"reminders_sent", {"reminders_sent"}, {0}},
	{"reminders_failed", {"reminders_failed"}, {0}},
	{"notices_sent", {"notices_sent"}, {0}},
	{"notices_failed", {"notices_failed"}, {0}},
	{0},
};
static const col_t coverage_cols[] = {
	{"registered_ft", {"registered_ft"}, {0}},
	{"trained_ft", {"trained_ft"}, {0}},
	{"ft_pct", {"trained_ft"}, {"registered_ft"}},
	{"registered_pt", {"registered_pt"}, {0}},
	{"trained_pt", {"trained_pt"}, {0}},
	{"pt_pct", {"trained_pt"}, {"registered_pt"}},
	{"cumulative", {"cumulative_ft", "cumulative_pt"}, {0}},
	{"cumulative_pct", {"cumulative_ft", "cumulative_pt"}, {"registered_ft", "registered_pt"}},
	{0},
};
static const col_t federation_cols[] = {
	{"classes_planned", {"classes_planned"}, {0}},
	{"classes_held", {"classes_held"}, {0}},
	{"classes_pct", {"classes_held"}, {"classes_planned"}},
	{"participations_planned", {"participations_planned"}, {0}},
	{"participations", {"participations"}, {0}},
	{"participations_pct", {"participations"}, {"participations_planned"}},
	{"trained", {"trained_ft", "trained_pt"}, {0}},
	{"registered", {"registered_ft", "registered_pt"}, {0}},
	{"coverage_pct", {"trained_ft", "trained_pt"}, {"registered_ft", "registered_pt"}},
	{0},
};

/* One row of a report: a group's metrics, summed from the reply's cells. */
#define MAXM 32
typedef struct row {
	char group[160], label[256];
	const char *metric[MAXM];
	int64_t value[MAXM];
	int n;
	/* federation only */
	int fed;
	uint64_t seq;
	int64_t received_ms;
	int stale;
} row_t;

static void row_add(row_t *r, const char *metric, int64_t v)
{
	for (int i = 0; i < r->n; i++)
		if (!strcmp(r->metric[i], metric)) {
			r->value[i] += v;
			return;
		}
	if (r->n < MAXM) {
		r->metric[r->n] = metric;
		r->value[r->n++] = v;
	}
}

static int64_t row_get(const row_t *r, const char *const *metrics)
{
	int64_t s = 0;
	for (int k = 0; k < 5 && metrics[k]; k++)
		for (int i = 0; i < r->n; i++)
			if (!strcmp(r->metric[i], metrics[k]))
				s += r->value[i];
	return s;
}

static void row_sum(row_t *dst, const row_t *src)
{
	for (int i = 0; i < src->n; i++)
		row_add(dst, src->metric[i], src->value[i]);
}

/* A column's value: the number, or the percentage (-1 when there is nothing to compare with). */
static int64_t col_value(const col_t *c, const row_t *r)
{
	int64_t num = row_get(r, c->num);
	return c->den[0] ? ut_pct(num, row_get(r, c->den)) : num;
}

static int row_empty(const row_t *r, const col_t *cols)
{
	for (const col_t *c = cols; c->key; c++)
		if (row_get(r, c->num) || (c->den[0] && row_get(r, c->den)))
			return 0;
	return 1;
}

typedef struct rep {
	const char *kind, *group_key;
	int format; /* FMT_* */
	const col_t *cols;
	row_t *rows;
	int n;
	row_t total;
	int fed;
	int target; /* the node's coverage target for the year, -1 = none */
} rep_t;

static row_t *group_row(rep_t *R, const char *group, const char *label)
{
	for (int i = 0; i < R->n; i++)
		if (!strcmp(R->rows[i].group, group))
			return &R->rows[i];
	row_t *v = realloc(R->rows, (size_t)(R->n + 1) * sizeof *v);
	if (!v)
		return NULL;
	R->rows = v;
	row_t *r = &R->rows[R->n++];
	memset(r, 0, sizeof *r);
	snprintf(r->group, sizeof r->group, "%s", group);
	snprintf(r->label, sizeof r->label, "%s", label);
	return r;
}

static void fmt_pct(char *buf, size_t len, int64_t v) { v < 0 ? snprintf(buf, len, "-") : snprintf(buf, len, "%lld%%", (long long)v); }

static void cell_text(const col_t *c, const row_t *r, char *buf, size_t len)
{
	int64_t v = col_value(c, r);
	if (c->den[0])
		fmt_pct(buf, len, v);
	else
		snprintf(buf, len, "%lld", (long long)v);
}

static const char *when(int64_t ms, char *buf, size_t len)
{
	if (!ms)
		return NULL;
	time_t t = (time_t)(ms / 1000);
	struct tm tm;
	if (!localtime_r(&t, &tm) || !strftime(buf, len, "%Y-%m-%d %H:%M", &tm))
		return NULL;
	return buf;
}

static void print_table(const rep_t *R)
{
	int nc = 1, extra = R->fed ? 3 : 0;
	for (const col_t *c = R->cols; c->key; c++)
		nc++;
	const char *h[MAXM + 4];
	char align[MAXM + 5] = "l";
	h[0] = ut_report_label(R->group_key);
	if (R->fed) {
		h[1] = ut_report_label("seq");
		h[2] = ut_report_label("received");
		h[3] = ut_report_label("stale");
		strcat(align, "rll");
	}
	for (int i = 1; i < nc; i++) {
		h[i + extra] = ut_report_label(R->cols[i - 1].key);
		strcat(align, "r");
	}
	table_t *t = table_new(nc + extra, h, align);
	for (int i = 0; i <= R->n; i++) {
		const row_t *r = i < R->n ? &R->rows[i] : &R->total;
		table_row(t);
		table_cell(t, "%s", i < R->n ? r->label : ut_report_label("total"));
		if (R->fed) {
			char b[32];
			if (r->fed) {
				table_cell(t, "%llu", (unsigned long long)r->seq);
				const char *w = when(r->received_ms, b, sizeof b);
				table_cell(t, "%s", w ? w : ut_report_label("never"));
				table_cell(t, "%s", ut_report_label(r->stale ? "yes" : "no"));
			} else
				for (int k = 0; k < 3; k++)
					table_cell(t, "%s", "");
		}
		for (const col_t *c = R->cols; c->key; c++) {
			char b[32];
			cell_text(c, r, b, sizeof b);
			table_cell(t, "%s", b);
		}
	}
	table_print(t, stdout, 0);
	table_free(&t);
	if (R->target >= 0)
		printf("%s: %d%%\n", ut_report_label("coverage_target"), R->target);
}

static void print_csv(const rep_t *R)
{
	/* the BOM makes Excel and WPS read UTF-8; CRLF is what they write themselves */
	fputs("\xEF\xBB\xBF", stdout);
	ut_csv_cell(stdout, ut_report_label(R->group_key));
	if (R->fed)
		for (const char *const *k = (const char *const[]){"seq", "received", "stale", NULL}; *k; k++) {
			fputc(',', stdout);
			ut_csv_cell(stdout, ut_report_label(*k));
		}
	for (const col_t *c = R->cols; c->key; c++) {
		fputc(',', stdout);
		ut_csv_cell(stdout, ut_report_label(c->key));
	}
	fputs("\r\n", stdout);
	for (int i = 0; i <= R->n; i++) {
		const row_t *r = i < R->n ? &R->rows[i] : &R->total;
		ut_csv_cell(stdout, i < R->n ? r->label : ut_report_label("total"));
		if (R->fed) {
			char b[32] = "";
			const char *w = r->fed ? when(r->received_ms, b, sizeof b) : "";
			if (r->fed)
				printf(",%llu,", (unsigned long long)r->seq);
			else
				fputs(",,", stdout);
			ut_csv_cell(stdout, w ? w : "");
			fputc(',', stdout);
			ut_csv_cell(stdout, r->fed ? ut_report_label(r->stale ? "yes" : "no") : "");
		}
		for (const col_t *c = R->cols; c->key; c++) {
			char b[32];
			cell_text(c, r, b, sizeof b);
			fputc(',', stdout);
			ut_csv_cell(stdout, b);
		}
		fputs("\r\n", stdout);
	}
}

static void json_row(jw_t *j, const rep_t *R, const row_t *r, int total)
{
	jw_obj(j);
	if (!total) {
		jw_key(j, R->group_key);
		jw_str(j, r->group);
	}
	jw_key(j, "label");
	jw_str(j, total ? ut_report_label("total") : r->label);
	if (r->fed) {
		jw_key(j, "seq");
		jw_int(j, (int64_t)r->seq);
		jw_key(j, "received_ms");
		jw_int(j, r->received_ms);
		jw_key(j, "stale");
		jw_bool(j, r->stale);
	}
	for (const col_t *c = R->cols; c->key; c++) {
		int64_t v = col_value(c, r);
		jw_key(j, c->key);
		if (c->den[0] && v < 0)
			jw_null(j);
		else
			jw_int(j, v);
	}
	jw_end_obj(j);
}

static void print_json(const rep_t *R, const char *node, int year, int quarter, const char *scope)
{
	jw_t j;
	jw_init(&j, stdout);
	jw_obj(&j);
	jw_key(&j, "node");
	jw_str(&j, node);
	jw_key(&j, "report");
	jw_str(&j, R->kind);
	jw_key(&j, "year");
	jw_int(&j, year);
	jw_key(&j, "quarter");
	jw_int(&j, quarter);
	jw_key(&j, "scope");
	jw_str(&j, scope);
	jw_key(&j, "locale");
	jw_str(&j, ut_i18n_locale());
	jw_key(&j, "rows");
	jw_arr(&j);
	for (int i = 0; i < R->n; i++)
		json_row(&j, R, &R->rows[i], 0);
	jw_end_arr(&j);
	jw_key(&j, "total");
	json_row(&j, R, &R->total, 1);
	if (R->target >= 0) {
		jw_key(&j, "coverage_target");
		jw_int(&j, R->target);
	}
	jw_end_obj(&j);
	fputc('\n', stdout);
}

static void print_report(const rep_t *R, const char *node, int year, int quarter, const char *scope)
{
	if (R->format == FMT_CSV)
		print_csv(R);
	else if (R->format == FMT_JSON)
		print_json(R, node, year, quarter, scope);
	else
		print_table(R);
}

/* fulfilment, coverage and attendance: the reply's cells summed into rows per group. */
static void report_rows(const ctx_t *c, const Ut__ReportQuery *q, const Ut__ReportReply *r)
{
	const char *kind = q->kind;
	int cov = !strcmp(kind, "coverage");
	const char *by = *q->by ? q->by : "category";
	rep_t R = {.kind = kind, .format = c->format,
		   .cols = cov ? coverage_cols : !strcmp(kind, "attendance") ? attendance_cols : fulfilment_cols,
		   .group_key = cov ? "unit" : by, .target = -1};
	for (size_t i = 0; i < r->n_cells; i++) {
		const Ut__ReportCell *x = r->cells[i];
		char label[256];
		if (!strcmp(x->metric, "coverage_target")) {
			R.target = (int)x->value;
			continue;
		}
		if (cov && !strcmp(r->scope, "node"))
			snprintf(label, sizeof label, "%s", *x->label ? x->label : x->group);
		else if (!strcmp(by, "month") && strcmp(x->group, "00"))
			snprintf(label, sizeof label, "%d-%s", r->year, x->group);
		else if (!strcmp(by, "month"))
			snprintf(label, sizeof label, "%s", ut_report_label("yearly"));
		else
			snprintf(label, sizeof label, "%s", ut_report_label(x->group));
		row_t *g = group_row(&R, x->group, label);
		if (g)
			row_add(g, x->metric, x->value);
		row_add(&R.total, x->metric, x->value);
	}
	/* a row with nothing this report shows (another report's figures) would be noise */
	int keep = 0;
	for (int i = 0; i < R.n; i++)
		if (!row_empty(&R.rows[i], R.cols))
			R.rows[keep++] = R.rows[i];
	R.n = keep;
	print_report(&R, r->node, r->year, r->quarter, r->scope);
	free(R.rows);
}

/* federation: this node's own row, a row per child with its snapshot, the subtree total. */
static void report_children(const ctx_t *c, const Ut__ReportQuery *q, const Ut__FederationReply *f)
{
	rep_t R = {.kind = "federation", .format = c->format, .cols = federation_cols, .group_key = "node", .fed = 1,
		   .target = -1};
	char label[256];
	snprintf(label, sizeof label, "%s (%s)", f->node, ut_report_label("this_node"));
	row_t *own = group_row(&R, f->node, label);
	for (size_t i = 0; own && i < f->n_own; i++)
		row_add(own, f->own[i]->metric, f->own[i]->value);
	for (size_t i = 0; i < f->n_children; i++) {
		const Ut__Child *ch = f->children[i];
		row_t *r = group_row(&R, ch->node, ch->node);
		if (!r)
			break;
		r->fed = 1;
		r->seq = ch->seq;
		r->received_ms = ch->received_ms;
		r->stale = ch->stale;
		for (size_t k = 0; k < ch->n_cells; k++)
			row_add(r, ch->cells[k]->metric, ch->cells[k]->value);
	}
	for (int i = 0; i < R.n; i++)
		row_sum(&R.total, &R.rows[i]);
	print_report(&R, f->node, f->year, q->quarter, "subtree");
	if (c->format == FMT_TABLE && f->uplink && *f->uplink->parent) {
		const Ut__UplinkState *u = f->uplink;
		char b[32], line[1024];
		const char *w = when(u->acked_ms, b, sizeof b);
		snprintf(line, sizeof line, _("parent %s: snapshot %llu built, %llu acknowledged"), u->parent,
			 (unsigned long long)u->built_seq, (unsigned long long)u->acked_seq);
		printf("\n%s", line);
		if (w)
			printf(_(" at %s"), w);
		if (*u->error)
			printf("; %s", u->error);
		putchar('\n');
	}
	free(R.rows);
}

void report_print(const ctx_t *c, const ProtobufCMessage *req, const ProtobufCMessage *rep)
{
	const Ut__ReportQuery *q = (const Ut__ReportQuery *)req;
	if (rep->descriptor == &ut__federation_reply__descriptor)
		report_children(c, q, (const Ut__FederationReply *)rep);
	else
		report_rows(c, q, (const Ut__ReportReply *)rep);
}

/* ---- node keygen ---- */

enum { O_FORCE = OPT_FIRST };

static const optspec_t keygen_opts[] = {
	{O_FORCE, "force", NULL, 0, "replace an existing key pair (children's parents must then learn the new key)"},
	{0},
};

static int node_keygen(ctx_t *c, int argc, char **argv)
{
	opts_t o;
	const char *arg, *pos[1];
	int k, force = 0;
	opt_begin(&o, c, argc, argv, c->verb->opts);
	while ((k = opt_next(&o, &arg)) > 0)
		if (k == O_FORCE)
			force = 1;
	if (k < 0 || opt_rest(&o, pos, 0, 0, "") < 0)
		return EXIT_USAGE;
	int rc = ctx_ready(c);
	if (rc)
		return rc;
	char *path = ut_curvekey_path(&c->cfg), pub[UT_CURVEKEY_LEN + 1];
	if (!path)
		return EXIT_REFUSED;
	rc = ut_curvekey_generate(path, force, pub);
	if (rc == UT_ECONFLICT)
		fprintf(stderr, "utctl: conflict: %s already exists; --force replaces it\n", path);
	else if (rc)
		fprintf(stderr, "utctl: cannot write %s: %s\n", path, ut_strerror(rc));
	else if (c->json)
		printf("{\"node\": \"%s\", \"public_key\": \"%s\", \"file\": \"%s\"}\n", c->cfg.node_id, pub, path);
	else
		printf("key pair written to %s (mode 0600)\npublic key of %s: %s\n"
		       "on the parent node: utctl node child add %s '%s'\n",
		       path, c->cfg.node_id, pub, c->cfg.node_id, pub);
	free(path);
	return rc ? EXIT_REFUSED : EXIT_OK;
}

const verb_t node_link_verbs[] = {
	{"keygen", node_keygen, "make this node's CURVE key pair for the upward link", "[--force]", keygen_opts,
	 "utctl node keygen",
	 "Writes report.key_file in the run directory (mode 0600) and prints the public key to give the parent."},
	{0},
};
