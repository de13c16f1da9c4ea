/* A CSV reader (RFC 4180: quoted fields with "" for a quote, line breaks inside quotes, CRLF or LF;
 * fields separated by a comma, or by the ; or tab a spreadsheet wrote) over a buffer, reporting the
 * line each record starts on, for imports and roll-call sheets (ut/sheet.h reads those through it). */
#ifndef UT_CSV_H
#define UT_CSV_H

#include <stddef.h>

typedef struct ut_csv {
	const char *p, *end;
	int line;        /* line (1-based) where the current record starts */
	int next_line;
	const char *err; /* why the last ut_csv_next failed */
	char sep;        /* ',' unless set after ut_csv_init */
	char *buf;       /* the fields' text, each NUL-terminated */
	size_t len, cap;
	size_t *off;     /* where each field starts in buf */
	int n, ncap;
} ut_csv_t;

/* Read data[0..len), fields separated by ','; a UTF-8 byte-order mark at the start is skipped.
 * Nothing is copied until ut_csv_next, and data must outlive the reader. */
void ut_csv_init(ut_csv_t *c, const char *data, size_t len);
/* The next record: 1 with c->n fields, 0 at the end, UT_EINVAL when malformed (c->err says why and
 * c->line where), UT_ENOMEM. Blank lines are skipped. */
int ut_csv_next(ut_csv_t *c);
/* Field i of the current record ("" past the end). */
const char *ut_csv_field(const ut_csv_t *c, int i);
void ut_csv_free(ut_csv_t *c);
/* 1 when a spreadsheet would take the cell for a formula (starts with = + - @, tab or CR). Such
 * cells are stored as the text they are; writers of CSV files should prefix them with '. */
int ut_csv_formula_like(const char *s);

#endif
