/* The spreadsheets officers have, read into rows of checked, trimmed cells under known columns: text
 * files (UTF-8 with or without BOM, UTF-16, GB18030, Big5, Windows-1258; separated by , ; or tab)
 * and .xlsx workbooks (the first sheet), with headers in Chinese, Vietnamese or English. */
#ifndef UT_SHEET_H
#define UT_SHEET_H

#include <stddef.h>
#include "ut/arena.h"

/* What a column holds; every cell is trimmed, then checked and normalised by its kind. */
typedef enum {
	UT_SHEET_TEXT,
	UT_SHEET_NAME,  /* a person's name: NFC, as ut-enrold stores it */
	UT_SHEET_CODE,  /* an id, code or phone: refused in scientific notation (Excel made it a number) */
	UT_SHEET_DATE,  /* 2025-06-01, 2025/6/1, 2025.6.1, 2025年6月1日, 01/06/2025, an Excel serial: YYYY-MM-DD */
	UT_SHEET_WORD,  /* one of `words`, written in any of the four languages: its value */
} ut_sheet_kind_t;

/* A value and the words people write for it, '|' between them. */
typedef struct ut_sheet_word {
	const char *value;
	const char *aliases;
} ut_sheet_word_t;

/* Headers and words are compared without case, diacritics, spaces, line breaks or _ - . * : / ( ); a
 * header is also known without what it says in brackets ("Ngày bầu (dd/mm/yyyy)", "手机（必填）"). */
typedef struct ut_sheet_col {
	const char *name;    /* the canonical header, named in messages */
	const char *aliases; /* the other headers, '|' between them */
	int required;        /* the column must be there and its cells filled */
	ut_sheet_kind_t kind;
	const ut_sheet_word_t *words; /* UT_SHEET_WORD: ends with {0} */
} ut_sheet_col_t;

/* A cadre list (ut_sheet_cadre_cols, indexed by UT_SHEET_C_*) and a roll-call sheet, whose cadres
 * are named by id or, where the id is empty, by name. */
enum { UT_SHEET_C_ID, UT_SHEET_C_NAME, UT_SHEET_C_UNIT, UT_SHEET_C_POSITION, UT_SHEET_C_FULL_TIME,
       UT_SHEET_C_ELECTED, UT_SHEET_C_EMAIL, UT_SHEET_C_PHONE, UT_SHEET_C_LOCALE };
enum { UT_SHEET_R_ID, UT_SHEET_R_MARK, UT_SHEET_R_NAME };
extern const ut_sheet_col_t ut_sheet_cadre_cols[];    /* ends with {0} */
extern const ut_sheet_col_t ut_sheet_rollcall_cols[]; /* ends with {0} */
/* A list of cadres (a nudge, a bulk enrolment): by id, or by name where the id is empty; a file
 * without a header is a column of ids. */
enum { UT_SHEET_K_ID, UT_SHEET_K_NAME };
extern const ut_sheet_col_t ut_sheet_cadre_ref_cols[]; /* ends with {0} */

typedef struct ut_sheet_opts {
	const char *encoding; /* NULL to detect; else one of UT_SHEET_ENCODINGS */
	int day_first;        /* 01/06/2025 is 1 June (Vietnamese practice); otherwise a date whose day and
			       * month could be swapped is refused as ambiguous */
	int header_optional;  /* without a recognised first line, the columns are taken in table order */
	int max_errors;       /* messages kept, the rest only counted; 0 = 50 */
} ut_sheet_opts_t;

#define UT_SHEET_ENCODINGS "utf-8, utf-16, gb18030, big5 or windows-1258"

typedef struct ut_sheet {
	int nrows;
	char ***rows;         /* rows[r][column of the table]: "" where absent or empty */
	int *lines;           /* the file's line (text) or row (xlsx) of each */
	unsigned char *bad;   /* 1 where the row has an error (its bad cells are "") */
	const char *encoding; /* what was read: "UTF-8", "UTF-16", "GB18030", "Big5", "Windows-1258", "xlsx" */
	const char *line_word; /* how messages count: "line" in a text file, "row" in a workbook */
	char sep;             /* the separator of a text file */
	unsigned long long has; /* bit j: the file has column j of the table (all, without a header) */
	char *warning;        /* the columns ignored, or NULL */
	char **errors;        /* "line 3: ...", the first max_errors */
	int nerrors;          /* all of them */
	int kept;             /* how many are in errors[] */
	int max_errors;
	ut_arena_t a;
} ut_sheet_t;

/* Read a whole file (data[0..len), which need not outlive the sheet). Returns 0 when every line is
 * good; UT_EINVAL when any is not, with every error of every line in s->errors (the rows read
 * still filled and marked, for a caller that has the good ones checked further); UT_ENOMEM. *out is set unless UT_ENOMEM; the caller
 * frees it with ut_sheet_destroy. */
int ut_sheet_read(ut_sheet_t **out, const char *data, size_t len, const ut_sheet_col_t *cols,
		  const ut_sheet_opts_t *o);
void ut_sheet_destroy(ut_sheet_t **s);
/* 1 when name is one of UT_SHEET_ENCODINGS (or an alias such as utf8, gbk, cp1258). */
int ut_sheet_encoding_known(const char *name);

#endif
