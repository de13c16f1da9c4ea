/* A report (ut/report.h) as an XLSX workbook, written with libxlsxwriter: one sheet with a title
 * row (the report, node, year and when it was made), a frozen header row, figures as numbers and
 * percentages in a percent format, columns as wide as their words; it opens in Excel, WPS and
 * LibreOffice. utctl's `--format xlsx` and the web console's downloads both write it here. */
#ifndef UT_XLSX_H
#define UT_XLSX_H

#include <stddef.h>

#include "ut/report.h"

/* The workbook into the file at path (replaced), libxlsxwriter's scratch files in tmpdir (NULL:
 * the system's). 0, or UT_EINTERNAL with why in err. */
int ut_xlsx_report(const ut_report_t *r, const char *path, const char *tmpdir, char *err, size_t errlen);
/* The same workbook as bytes (malloc'd in *data), by way of a file in tmpdir that is removed. */
int ut_xlsx_report_bytes(const ut_report_t *r, const char *tmpdir, char **data, size_t *len, char *err, size_t errlen);

#endif
