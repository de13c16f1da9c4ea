/* A report as an XLSX workbook (ut/xlsx.h), on libxlsxwriter: the library writes the package; this
 * file only lays the report out: title, frozen header, figures, total, widths, print setup. */
#include "ut/xlsx.h"
#include "ut/err.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <utf8proc.h>
#include <xlsxwriter.h>

#define HEAD_WRAP 16 /* a header wider than this wraps onto a second line */

/* Columns of a spreadsheet taken by text: East Asian wide characters 2, combining marks 0. */
static int text_width(const char *s)
{
	const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)s;
	utf8proc_int32_t cp;
	int w = 0;
	for (utf8proc_ssize_t n; *p && (n = utf8proc_iterate(p, -1, &cp)) > 0; p += n)
		w += utf8proc_charwidth(cp);
	return w;
}

/* A sheet's name: at most 31 characters and none of []:*?/\ (Excel's rule). */
static void sheet_name(const char *want, char *out, size_t len)
{
	const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)want;
	utf8proc_int32_t cp;
	size_t used = 0;
	int chars = 0;
	for (utf8proc_ssize_t n; *p && chars < 31 && (n = utf8proc_iterate(p, -1, &cp)) > 0; p += n) {
		if (cp < 0x20 || strchr("[]:*?/\\", cp < 0x80 ? (int)cp : 'a'))
			continue;
		if (used + (size_t)n + 1 > len)
			break;
		memcpy(out + used, p, (size_t)n);
		used += (size_t)n;
		chars++;
	}
	out[used] = '\0';
}

typedef struct formats {
	lxw_format *title, *head, *label, *number, *pct, *time, *text, *total_label, *total_number, *total_pct;
} formats_t;

static lxw_format *format(lxw_workbook *wb, int bold, const char *num, int top)
{
	lxw_format *f = workbook_add_format(wb);
	if (bold)
		format_set_bold(f);
	if (num)
		format_set_num_format(f, num);
	if (top)
		format_set_top(f, LXW_BORDER_THIN);
	return f;
}

static void formats_make(lxw_workbook *wb, formats_t *F)
{
	F->title = format(wb, 1, NULL, 0);
	format_set_font_size(F->title, 14);
	F->head = format(wb, 1, NULL, 0);
	format_set_text_wrap(F->head);
	format_set_align(F->head, LXW_ALIGN_CENTER);
	format_set_align(F->head, LXW_ALIGN_VERTICAL_CENTER);
	format_set_bg_color(F->head, 0xEDEDED);
	format_set_bottom(F->head, LXW_BORDER_THIN);
	F->label = format(wb, 0, NULL, 0);
	F->number = format(wb, 0, "#,##0", 0);
	F->pct = format(wb, 0, "0%", 0);
	F->time = format(wb, 0, "yyyy-mm-dd hh:mm", 0);
	F->text = format(wb, 0, NULL, 0);
	format_set_align(F->text, LXW_ALIGN_RIGHT);
	F->total_label = format(wb, 1, NULL, 1);
	F->total_number = format(wb, 1, "#,##0", 1);
	F->total_pct = format(wb, 1, "0%", 1);
}

/* One cell of the report at (row, col) of the sheet. Returns the columns its text takes. */
static int cell_write(lxw_worksheet *ws, const formats_t *F, const ut_report_t *r, int row, int col, lxw_row_t at,
		      const char *never)
{
	ut_cell_t c = ut_report_cell(r, row, col);
	int total = row == ut_report_rows(r) - 1;
	char b[32];
	switch (c.kind) {
	case UT_CELL_TEXT:
		worksheet_write_string(ws, at, (lxw_col_t)col, c.text,
				       col == 0 ? (total ? F->total_label : F->label) : F->text);
		return text_width(c.text);
	case UT_CELL_INT:
		worksheet_write_number(ws, at, (lxw_col_t)col, (double)c.v, total ? F->total_number : F->number);
		return snprintf(b, sizeof b, "%lld", (long long)c.v) * 4 / 3; /* with thousands separators */
	case UT_CELL_PCT:
		/* the rounded whole percentage, as CSV and the table show it, so every reader sees one
		 * figure; no base to compare with is a dash, as there */
		if (c.v < 0)
			worksheet_write_string(ws, at, (lxw_col_t)col, "-", F->text);
		else
			worksheet_write_number(ws, at, (lxw_col_t)col, (double)c.v / 100.0, total ? F->total_pct : F->pct);
		return 5;
	case UT_CELL_TIME: {
		time_t t = (time_t)(c.v / 1000);
		struct tm tm;
		if (!c.v || !localtime_r(&t, &tm)) {
			worksheet_write_string(ws, at, (lxw_col_t)col, never, F->text);
			return text_width(never);
		}
		/* the node's wall clock, as the other forms say it */
		lxw_datetime d = {tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, 0};
		worksheet_write_datetime(ws, at, (lxw_col_t)col, &d, F->time);
		return 16;
	}
	case UT_CELL_EMPTY: break;
	}
	return 0;
}

int ut_xlsx_report(const ut_report_t *r, const char *path, const char *tmpdir, char *err, size_t errlen)
{
	lxw_workbook_options o = {.constant_memory = 0, .tmpdir = (char *)tmpdir};
	lxw_workbook *wb = workbook_new_opt(path, &o);
	if (!wb) {
		snprintf(err, errlen, "cannot make a workbook at %s", path);
		return UT_EINTERNAL;
	}
	char key[32], name[128];
	snprintf(key, sizeof key, "report_%s", ut_report_kind(r));
	sheet_name(ut_report_word(r, key), name, sizeof name);
	lxw_worksheet *ws = workbook_add_worksheet(wb, *name ? name : NULL);
	if (!ws)
		ws = workbook_add_worksheet(wb, NULL);
	lxw_doc_properties props = {.title = (char *)ut_report_word(r, "title"), .created = time(NULL)};
	workbook_set_properties(wb, &props);
	formats_t F;
	formats_make(wb, &F);

	int ncols = ut_report_cols(r), nrows = ut_report_rows(r), width[64] = {0}, wrap = 0;
	if (ncols > 64)
		ncols = 64;
	worksheet_write_string(ws, 0, 0, ut_report_word(r, "title"), F.title);
	worksheet_set_row(ws, 0, 22, NULL);
	for (int i = 0; i < ncols; i++) {
		const char *h = ut_report_head(r, i);
		int w = text_width(h);
		worksheet_write_string(ws, 1, (lxw_col_t)i, h, F.head);
		/* a long header wraps: its column need only hold half of it */
		if (i && w > HEAD_WRAP)
			w = (w + 1) / 2 + 1, wrap = 1;
		width[i] = w;
	}
	const char *never = ut_report_word(r, "never");
	for (int row = 0; row < nrows; row++)
		for (int i = 0; i < ncols; i++) {
			int w = cell_write(ws, &F, r, row, i, (lxw_row_t)(2 + row), never);
			if (w > width[i])
				width[i] = w;
		}
	int target = ut_report_target(r);
	if (target >= 0) { /* under the total, after a blank line, as the table says it */
		worksheet_write_string(ws, (lxw_row_t)(3 + nrows), 0, ut_report_word(r, "coverage_target"), F.label);
		worksheet_write_number(ws, (lxw_row_t)(3 + nrows), 1, target / 100.0, F.pct);
	}
	for (int i = 0; i < ncols; i++)
		worksheet_set_column(ws, (lxw_col_t)i, (lxw_col_t)i, (width[i] > 60 ? 60 : width[i] < 8 ? 8 : width[i]) + 2,
				     NULL);
	worksheet_set_row(ws, 1, wrap ? 32 : 18, NULL);
	worksheet_freeze_panes(ws, 2, 0); /* the title and header rows */
	worksheet_repeat_rows(ws, 1, 1);
	worksheet_set_landscape(ws);
	worksheet_set_paper(ws, 9); /* A4 */
	worksheet_fit_to_pages(ws, 1, 0);

	lxw_error e = workbook_close(wb);
	if (e != LXW_NO_ERROR) {
		snprintf(err, errlen, "cannot write %s: %s", path, lxw_strerror(e));
		return UT_EINTERNAL;
	}
	return 0;
}

int ut_xlsx_report_bytes(const ut_report_t *r, const char *tmpdir, char **data, size_t *len, char *err, size_t errlen)
{
	char path[4096];
	snprintf(path, sizeof path, "%s/ut-report-XXXXXX.xlsx", tmpdir ? tmpdir : P_tmpdir);
	int fd = mkstemps(path, 5);
	*data = NULL;
	*len = 0;
	if (fd < 0) {
		snprintf(err, errlen, "cannot make a scratch file in %s: %s", tmpdir ? tmpdir : P_tmpdir, strerror(errno));
		return UT_EINTERNAL;
	}
	close(fd);
	int rc = ut_xlsx_report(r, path, tmpdir, err, errlen);
	FILE *f = rc ? NULL : fopen(path, "rb");
	if (!rc && !f) {
		snprintf(err, errlen, "cannot read back %s: %s", path, strerror(errno));
		rc = UT_EINTERNAL;
	}
	if (f) {
		long n = fseek(f, 0, SEEK_END) ? -1 : ftell(f);
		rewind(f);
		if (n < 0 || !(*data = malloc((size_t)n + 1)) || fread(*data, 1, (size_t)n, f) != (size_t)n) {
			snprintf(err, errlen, "cannot read back %s", path);
			free(*data);
			*data = NULL;
			rc = n < 0 ? UT_EINTERNAL : UT_ENOMEM;
		} else
			*len = (size_t)n;
		fclose(f);
	}
	unlink(path);
	return rc;
}
