/* How reports show figures, shared by utctl and its tests: whole percentages rounded half up, CSV
 * cells that spreadsheets will not run as formulas, and report labels in the four node languages. */
#ifndef UT_REPORTFMT_H
#define UT_REPORTFMT_H

#include <stdint.h>
#include <stdio.h>

/* num/den as a whole percentage rounded half up (3831/3580 -> 107); -1 when den <= 0. */
int ut_pct(int64_t num, int64_t den);
/* One CSV cell: text starting with = + - @ (or a tab or CR) gets a leading apostrophe so Excel/WPS
 * show it instead of evaluating it; quoted when it holds a comma, quote or line break. */
void ut_csv_cell(FILE *f, const char *s);
/* The label of `key` (a column or category name) in locale zh-Hans, zh-Hant, vi or en; another
 * locale falls back to en, an unknown key to the key itself. */
const char *ut_report_label(const char *locale, const char *key);
/* 1 if locale is one of the four. */
int ut_report_locale_known(const char *locale);

#endif
