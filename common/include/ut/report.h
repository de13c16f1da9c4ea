/* A report as a person reads it, shared by utctl and the web console: a report row's reply
 * (fulfilment, coverage, attendance, federation) summed into a row per group with the columns the
 * report shows, every label in the reader's language; and that report as CSV or JSON. The writers
 * of other forms (utctl's table, ut/xlsx.h) read it cell by cell. */
#ifndef UT_REPORT_H
#define UT_REPORT_H

#include <stdint.h>
#include <stdio.h>
#include <jansson.h>
#include <protobuf-c/protobuf-c.h>

typedef struct ut_report ut_report_t;

/* What a cell holds. */
typedef enum {
	UT_CELL_TEXT,  /* text: a group's label, yes/no */
	UT_CELL_INT,   /* a whole number */
	UT_CELL_PCT,   /* a whole percentage (ut_pct); v < 0 when there is nothing to compare with */
	UT_CELL_TIME,  /* Unix milliseconds (a snapshot's arrival); 0 = never */
	UT_CELL_EMPTY, /* nothing (a federation column on a row that is no child) */
} ut_cell_kind_t;

typedef struct ut_cell {
	ut_cell_kind_t kind;
	const char *text;
	int64_t v;
} ut_cell_t;

/* The report of a reply (a ReportReply or a FederationReply, told by its descriptor) to the query
 * req (a ReportQuery), its labels in the language in use now (ut_i18n_use), made at now_ms.
 * NULL when out of memory. */
ut_report_t *ut_report_new(const ProtobufCMessage *req, const ProtobufCMessage *rep, int64_t now_ms);
void ut_report_destroy(ut_report_t **r);

/* Its columns (the group's first) and rows (the total last, at ut_report_rows - 1). */
int ut_report_cols(const ut_report_t *r);
int ut_report_rows(const ut_report_t *r);
/* Column col's header, in the reader's language. */
const char *ut_report_head(const ut_report_t *r, int col);
ut_cell_t ut_report_cell(const ut_report_t *r, int row, int col);

/* fulfilment, coverage, attendance or federation; the node, year and quarter (0 = the year). */
const char *ut_report_kind(const ut_report_t *r);
const char *ut_report_node(const ut_report_t *r);
int ut_report_year(const ut_report_t *r);
int ut_report_quarter(const ut_report_t *r);
/* The node's coverage target for the year (a percentage), -1 when there is none. */
int ut_report_target(const ut_report_t *r);
/* A label of the report's words already in the reader's language: "coverage_target", "never",
 * "title" (the report's name and what it covers: node, year, the time it was made). */
const char *ut_report_word(const ut_report_t *r, const char *key);
/* What a downloaded copy is called: NODE-KIND-YEAR[-qN].ext, in letters safe for any file system. */
void ut_report_file_name(const ut_report_t *r, const char *ext, char *out, size_t len);

/* CSV for Excel and WPS: a UTF-8 byte order mark, a header line, a line per row and the total,
 * CRLF. */
int ut_report_csv(const ut_report_t *r, FILE *f);
/* JSON: node, report, year, quarter, scope, locale, rows (each with its group's key and label and
 * every column by its key, a percentage without a base as null), total, coverage_target. */
json_t *ut_report_json(const ut_report_t *r);

#endif
