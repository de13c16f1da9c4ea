/* A report row's reply as a person reads it (ut/report.h): the cells summed per group into the
 * columns of the report, labels in the reader's language, and the report as CSV or JSON. */
#include "ut/report.h"
#include "report.pb-c.h"
#include "ut/i18n.h"
#include "ut/labels.h"
#include "ut/reportfmt.h"
#include "ut/words.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

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
#define MAXC 16
#define FEDC 3 /* a federation report's snapshot, received and stale columns */
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

/* The words a report says, looked up once in the reader's language. */
enum { W_GROUP, W_TOTAL, W_SEQ, W_RECEIVED, W_STALE, W_YES, W_NO, W_NEVER, W_TARGET, W_TITLE, NWORDS };
static const char *const word_keys[NWORDS] = {"", "total", "seq", "received", "stale", "yes",
					      "no", "never", "coverage_target", "title"};

struct ut_report {
	char kind[16], node[128], scope[16], locale[16];
	int year, quarter;
	const char *group_key;
	const col_t *cols;
	int ncols; /* of cols */
	row_t *rows;
	int n;
	row_t total;
	int fed;
	int target;
	char *word[NWORDS];
	char *head[MAXC];
};

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

static row_t *group_row(ut_report_t *R, const char *group, const char *label)
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

/* fulfilment, coverage and attendance: the reply's cells summed into rows per group. */
static int from_rows(ut_report_t *R, const Ut__ReportQuery *q, const Ut__ReportReply *r)
{
	int cov = !strcmp(q->kind, "coverage");
	const char *by = *q->by ? q->by : "category";
	R->cols = cov ? coverage_cols : !strcmp(q->kind, "attendance") ? attendance_cols : fulfilment_cols;
	R->group_key = cov ? "unit" : by;
	for (size_t i = 0; i < r->n_cells; i++) {
		const Ut__ReportCell *x = r->cells[i];
		char label[256];
		if (!strcmp(x->metric, "coverage_target")) {
			R->target = (int)x->value;
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
		row_t *g = group_row(R, x->group, label);
		if (!g)
			return -1;
		row_add(g, x->metric, x->value);
		row_add(&R->total, x->metric, x->value);
	}
	/* a row with nothing this report shows (another report's figures) would be noise */
	int keep = 0;
	for (int i = 0; i < R->n; i++)
		if (!row_empty(&R->rows[i], R->cols))
			R->rows[keep++] = R->rows[i];
	R->n = keep;
	snprintf(R->node, sizeof R->node, "%s", r->node);
	snprintf(R->scope, sizeof R->scope, "%s", *r->scope ? r->scope : "node");
	R->year = r->year;
	R->quarter = r->quarter;
	return 0;
}

/* federation: this node's own row, a row per child with its snapshot, the subtree total. */
static int from_children(ut_report_t *R, const Ut__ReportQuery *q, const Ut__FederationReply *f)
{
	R->cols = federation_cols;
	R->group_key = "node";
	R->fed = 1;
	char label[256];
	snprintf(label, sizeof label, "%s (%s)", f->node, ut_report_label("this_node"));
	row_t *own = group_row(R, f->node, label);
	if (!own)
		return -1;
	for (size_t i = 0; i < f->n_own; i++)
		row_add(own, f->own[i]->metric, f->own[i]->value);
	for (size_t i = 0; i < f->n_children; i++) {
		const Ut__Child *ch = f->children[i];
		row_t *r = group_row(R, ch->node, ch->node);
		if (!r)
			return -1;
		r->fed = 1;
		r->seq = ch->seq;
		r->received_ms = ch->received_ms;
		r->stale = ch->stale;
		for (size_t k = 0; k < ch->n_cells; k++)
			row_add(r, ch->cells[k]->metric, ch->cells[k]->value);
	}
	for (int i = 0; i < R->n; i++)
		row_sum(&R->total, &R->rows[i]);
	snprintf(R->node, sizeof R->node, "%s", f->node);
	snprintf(R->scope, sizeof R->scope, "subtree");
	R->year = f->year;
	R->quarter = q->quarter;
	return 0;
}

/* The report's name and what it covers, said once for a title row. */
static char *title(const ut_report_t *R, int64_t now_ms)
{
	char key[32], year[16], quarter[8], period[128], made[32] = "", out[512];
	snprintf(key, sizeof key, "report_%s", R->kind);
	snprintf(year, sizeof year, "%d", R->year);
	snprintf(quarter, sizeof quarter, "%d", R->quarter);
	const char *pa[] = {year, quarter};
	if (R->quarter)
		ut_i18n_render_as_is(period, sizeof period, ut_trc("report", NC_("report", "%s, quarter %s")), pa, 2);
	else
		snprintf(period, sizeof period, "%s", year);
	when(now_ms, made, sizeof made);
	const char *ta[] = {ut_report_label(key), R->node, period, made};
	ut_i18n_render_as_is(out, sizeof out, ut_trc("report", NC_("report", "%s — node %s, year %s — made %s")), ta, 4);
	return strdup(out);
}

ut_report_t *ut_report_new(const ProtobufCMessage *req, const ProtobufCMessage *rep, int64_t now_ms)
{
	const Ut__ReportQuery *q = (const Ut__ReportQuery *)req;
	ut_report_t *R = calloc(1, sizeof *R);
	if (!R)
		return NULL;
	R->target = -1;
	int fed = rep->descriptor == &ut__federation_reply__descriptor;
	snprintf(R->kind, sizeof R->kind, "%s", fed ? "federation" : q->kind);
	snprintf(R->locale, sizeof R->locale, "%s", ut_i18n_locale());
	int rc = fed ? from_children(R, q, (const Ut__FederationReply *)rep) : from_rows(R, q, (const Ut__ReportReply *)rep);
	for (const col_t *c = R->cols; !rc && c->key && R->ncols < MAXC - 1 - FEDC; c++)
		R->ncols++;
	for (int w = 0; !rc && w < NWORDS; w++) {
		R->word[w] = w == W_TITLE ? title(R, now_ms) : strdup(ut_report_label(w == W_GROUP ? R->group_key : word_keys[w]));
		if (!R->word[w])
			rc = -1;
	}
	for (int i = 0; !rc && i < ut_report_cols(R); i++) {
		int k = R->fed ? i - 1 - FEDC : i - 1;
		const char *h = i == 0 ? R->word[W_GROUP] : k < 0 ? R->word[W_SEQ + i - 1] : ut_report_label(R->cols[k].key);
		if (!(R->head[i] = strdup(h)))
			rc = -1;
	}
	if (rc)
		ut_report_destroy(&R);
	return R;
}

void ut_report_destroy(ut_report_t **rp)
{
	ut_report_t *R = *rp;
	if (!R)
		return;
	for (int w = 0; w < NWORDS; w++)
		free(R->word[w]);
	for (int i = 0; i < MAXC; i++)
		free(R->head[i]);
	free(R->rows);
	free(R);
	*rp = NULL;
}

int ut_report_cols(const ut_report_t *R) { return 1 + (R->fed ? FEDC : 0) + R->ncols; }
int ut_report_rows(const ut_report_t *R) { return R->n + 1; }
const char *ut_report_head(const ut_report_t *R, int col) { return col >= 0 && col < ut_report_cols(R) ? R->head[col] : ""; }
const char *ut_report_kind(const ut_report_t *R) { return R->kind; }
const char *ut_report_node(const ut_report_t *R) { return R->node; }
int ut_report_year(const ut_report_t *R) { return R->year; }
int ut_report_quarter(const ut_report_t *R) { return R->quarter; }
int ut_report_target(const ut_report_t *R) { return R->target; }

const char *ut_report_word(const ut_report_t *R, const char *key)
{
	for (int w = 1; w < NWORDS; w++)
		if (!strcmp(word_keys[w], key))
			return R->word[w];
	return key;
}

ut_cell_t ut_report_cell(const ut_report_t *R, int row, int col)
{
	ut_cell_t c = {UT_CELL_EMPTY, "", 0};
	if (row < 0 || row > R->n || col < 0 || col >= ut_report_cols(R))
		return c;
	const row_t *r = row < R->n ? &R->rows[row] : &R->total;
	if (col == 0)
		return (ut_cell_t){UT_CELL_TEXT, row < R->n ? r->label : R->word[W_TOTAL], 0};
	if (R->fed && col <= FEDC) {
		if (!r->fed)
			return c;
		if (col == 1)
			return (ut_cell_t){UT_CELL_INT, "", (int64_t)r->seq};
		if (col == 2)
			return (ut_cell_t){UT_CELL_TIME, "", r->received_ms};
		return (ut_cell_t){UT_CELL_TEXT, R->word[r->stale ? W_YES : W_NO], r->stale};
	}
	const col_t *k = &R->cols[col - 1 - (R->fed ? FEDC : 0)];
	return (ut_cell_t){k->den[0] ? UT_CELL_PCT : UT_CELL_INT, "", col_value(k, r)};
}

static const char *col_key(const ut_report_t *R, int col)
{
	static const char *const fed[FEDC] = {"seq", "received_ms", "stale"};
	if (col == 0)
		return R->group_key;
	return R->fed && col <= FEDC ? fed[col - 1] : R->cols[col - 1 - (R->fed ? FEDC : 0)].key;
}

void ut_report_file_name(const ut_report_t *R, const char *ext, char *out, size_t len)
{
	char q[8] = "";
	if (R->quarter)
		snprintf(q, sizeof q, "-q%d", R->quarter);
	snprintf(out, len, "%s-%s-%d%s.%s", *R->node ? R->node : "node", R->kind, R->year, q, ext);
	for (char *p = out; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || strchr("._-", *p)))
			*p = '_';
}

int ut_report_csv(const ut_report_t *R, FILE *f)
{
	/* the BOM makes Excel and WPS read UTF-8; CRLF is what they write themselves */
	fputs("\xEF\xBB\xBF", f);
	for (int i = 0; i < ut_report_cols(R); i++) {
		if (i)
			fputc(',', f);
		ut_csv_cell(f, ut_report_head(R, i));
	}
	fputs("\r\n", f);
	for (int row = 0; row < ut_report_rows(R); row++) {
		for (int i = 0; i < ut_report_cols(R); i++) {
			ut_cell_t c = ut_report_cell(R, row, i);
			char b[32] = "";
			if (i)
				fputc(',', f);
			switch (c.kind) {
			case UT_CELL_TEXT: ut_csv_cell(f, c.text); break;
			case UT_CELL_INT: fprintf(f, "%lld", (long long)c.v); break;
			case UT_CELL_PCT: c.v < 0 ? ut_csv_cell(f, "-") : (void)fprintf(f, "%lld%%", (long long)c.v); break;
			case UT_CELL_TIME: ut_csv_cell(f, when(c.v, b, sizeof b) ? b : ""); break;
			case UT_CELL_EMPTY: break;
			}
		}
		fputs("\r\n", f);
	}
	return ferror(f) ? -1 : 0;
}

static json_t *json_row(const ut_report_t *R, int row)
{
	json_t *o = json_object();
	const row_t *r = row < R->n ? &R->rows[row] : &R->total;
	if (!o)
		return NULL;
	if (row < R->n)
		json_object_set_new(o, R->group_key, json_string(r->group));
	json_object_set_new(o, "label", json_string(row < R->n ? r->label : R->word[W_TOTAL]));
	for (int i = 1; i < ut_report_cols(R); i++) {
		ut_cell_t c = ut_report_cell(R, row, i);
		const char *k = col_key(R, i);
		if (c.kind == UT_CELL_EMPTY)
			continue;
		if (R->fed && i == FEDC) /* stale */
			json_object_set_new(o, k, json_boolean(c.v));
		else
			json_object_set_new(o, k, c.kind == UT_CELL_PCT && c.v < 0 ? json_null() : json_integer(c.v));
	}
	return o;
}

json_t *ut_report_json(const ut_report_t *R)
{
	json_t *rows = json_array();
	for (int i = 0; rows && i < R->n; i++)
		json_array_append_new(rows, json_row(R, i));
	json_t *j = json_pack("{s:s,s:s,s:i,s:i,s:s,s:s,s:s,s:o*,s:o*}", "node", R->node, "report", R->kind, "year",
			      R->year, "quarter", R->quarter, "scope", R->scope, "locale", R->locale, "title",
			      R->word[W_TITLE], "rows", rows, "total", json_row(R, R->n));
	if (j && R->target >= 0)
		json_object_set_new(j, "coverage_target", json_integer(R->target));
	return j;
}
