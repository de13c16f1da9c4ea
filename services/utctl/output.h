/* Printing for utctl: aligned text tables that know CJK is two columns wide, and a small JSON writer. */
#ifndef UTCTL_OUTPUT_H
#define UTCTL_OUTPUT_H

#include <stdint.h>
#include <stdio.h>
#include <protobuf-c/protobuf-c.h>

/* Terminal columns taken by UTF-8 text: East Asian wide characters count 2, the rest 1. */
int display_width(const char *s);

/* A table is collected whole, then printed with every column as wide as its widest cell. */
typedef struct table table_t;
/* headers: ncols names, or NULL for a table without a header line (key/value blocks).
 * align: one letter per column, 'l' or 'r'; NULL = all left. */
table_t *table_new(int ncols, const char *const *headers, const char *align);
void table_row(table_t *t);
/* The next cell of the current row. Control characters become spaces so rows stay on one line. */
void table_cell(table_t *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void table_print(const table_t *t, FILE *f, int indent);
void table_free(table_t **t);

/* Pretty-printed JSON with commas and indentation handled by the writer. */
typedef struct jw {
	FILE *f;
	int depth;
	int count[32]; /* values written so far at each depth */
	int after_key;
} jw_t;

void jw_init(jw_t *j, FILE *f);
void jw_obj(jw_t *j);
void jw_arr(jw_t *j);
void jw_end_obj(jw_t *j);
void jw_end_arr(jw_t *j);
void jw_key(jw_t *j, const char *k);
void jw_str(jw_t *j, const char *s);
void jw_int(jw_t *j, int64_t v);
void jw_bool(jw_t *j, int v);
void jw_null(jw_t *j);
/* Every field of a protobuf message under its .proto name, nested messages and lists included. */
void jw_message(jw_t *j, const ProtobufCMessage *m);
/* The same fields without the braces, leaving out the one named `skip`, to merge into another object. */
void jw_fields(jw_t *j, const ProtobufCMessage *m, const char *skip);
/* A whole reply as JSON (ut/pbjson.h), then a newline; a reply that is only a list of items
 * (the *List messages) as their array. */
void json_print(FILE *f, const ProtobufCMessage *m);

#endif
