/* How reports show figures, shared by utctl and its tests: whole percentages rounded half up, CSV
 * cells that spreadsheets will not run as formulas. */
#ifndef UT_REPORTFMT_H
#define UT_REPORTFMT_H

#include <stdint.h>
#include <stdio.h>

/* num/den as a whole percentage rounded half up (3831/3580 -> 107); -1 when den <= 0. */
int ut_pct(int64_t num, int64_t den);
/* One CSV cell: text starting with = + - @ (or a tab or CR) gets a leading apostrophe so Excel/WPS
 * show it instead of evaluating it; quoted when it holds a comma, quote or line break. */
void ut_csv_cell(FILE *f, const char *s);

#endif
