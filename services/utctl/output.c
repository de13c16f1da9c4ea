/* Text tables aligned by display width, and JSON built from protobuf descriptors so every reply
 * type prints without per-message code. */
#include "output.h"
#include "ut/pbjson.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

/* Decode one UTF-8 sequence; invalid bytes count as one code point each so widths stay finite. */
static unsigned next_cp(const unsigned char **p)
{
	const unsigned char *s = *p;
	unsigned c = s[0];
	int n = c < 0x80 ? 0 : (c & 0xE0) == 0xC0 ? 1 : (c & 0xF0) == 0xE0 ? 2 : (c & 0xF8) == 0xF0 ? 3 : -1;
	if (n < 0) {
		*p = s + 1;
		return 0xFFFD;
	}
	unsigned cp = n == 0 ? c : c & (0x3F >> n);
	for (int i = 1; i <= n; i++) {
		if ((s[i] & 0xC0) != 0x80) {
			*p = s + 1;
			return 0xFFFD;
		}
		cp = cp << 6 | (s[i] & 0x3F);
	}
	*p = s + n + 1;
	return cp;
}

static int wide(unsigned cp)
{
	return (cp >= 0x1100 && cp <= 0x115F) || (cp >= 0x2E80 && cp <= 0xA4CF) || (cp >= 0xAC00 && cp <= 0xD7A3) ||
	       (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0xFE30 && cp <= 0xFE4F) || (cp >= 0xFF00 && cp <= 0xFF60) ||
	       (cp >= 0xFFE0 && cp <= 0xFFE6) || (cp >= 0x20000 && cp <= 0x3FFFD);
}

/* Combining marks sit on the previous character: Vietnamese typed in decomposed form is full of them. */
static int combining(unsigned cp)
{
	return (cp >= 0x0300 && cp <= 0x036F) || (cp >= 0x1AB0 && cp <= 0x1AFF) || (cp >= 0x1DC0 && cp <= 0x1DFF) ||
	       (cp >= 0x20D0 && cp <= 0x20FF) || (cp >= 0xFE20 && cp <= 0xFE2F);
}

int display_width(const char *s)
{
	int w = 0;
	const unsigned char *p = (const unsigned char *)s;
	while (*p) {
		unsigned cp = next_cp(&p);
		w += wide(cp) ? 2 : combining(cp) ? 0 : 1;
	}
	return w;
}

struct table {
	int ncols;
	const char *const *headers;
	const char *align;
	char **cells; /* row-major */
	int nrows, cap, col;
};

table_t *table_new(int ncols, const char *const *headers, const char *align)
{
	table_t *t = calloc(1, sizeof *t);
	if (!t)
		abort();
	t->ncols = ncols;
	t->headers = headers;
	t->align = align;
	return t;
}

void table_row(table_t *t)
{
	if (t->nrows == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 16;
		t->cells = realloc(t->cells, (size_t)t->cap * (size_t)t->ncols * sizeof *t->cells);
		if (!t->cells)
			abort();
	}
	memset(t->cells + (size_t)t->nrows * (size_t)t->ncols, 0, (size_t)t->ncols * sizeof *t->cells);
	t->nrows++;
	t->col = 0;
}

void table_cell(table_t *t, const char *fmt, ...)
{
	if (!t->nrows || t->col >= t->ncols)
		return;
	char *s;
	va_list ap;
	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		abort();
	va_end(ap);
	for (char *p = s; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7F)
			*p = ' ';
	t->cells[(size_t)(t->nrows - 1) * (size_t)t->ncols + (size_t)t->col++] = s;
}

/* Append to a line buffer; the line is trimmed before printing so empty last cells leave no blanks. */
static void put(char **line, size_t *len, size_t *cap, const char *s, int pad)
{
	size_t n = strlen(s) + (size_t)(pad > 0 ? pad : 0);
	if (*len + n + 2 > *cap) {
		*cap = (*len + n + 2) * 2;
		if (!(*line = realloc(*line, *cap)))
			abort();
	}
	for (; pad > 0; pad--)
		(*line)[(*len)++] = ' ';
	memcpy(*line + *len, s, strlen(s));
	*len += strlen(s);
}

void table_print(const table_t *t, FILE *f, int indent)
{
	int *w = calloc((size_t)t->ncols, sizeof *w);
	if (!w)
		abort();
	for (int c = 0; c < t->ncols; c++) {
		if (t->headers)
			w[c] = display_width(t->headers[c]);
		for (int r = 0; r < t->nrows; r++) {
			const char *s = t->cells[(size_t)r * (size_t)t->ncols + (size_t)c];
			int dw = s ? display_width(s) : 0;
			if (dw > w[c])
				w[c] = dw;
		}
	}
	char *line = NULL;
	size_t cap = 0;
	for (int r = t->headers ? -1 : 0; r < t->nrows; r++) {
		size_t len = 0;
		put(&line, &len, &cap, "", indent);
		for (int c = 0; c < t->ncols; c++) {
			const char *s = r < 0 ? t->headers[c] : t->cells[(size_t)r * (size_t)t->ncols + (size_t)c];
			int pad = w[c] - display_width(s ? s : "");
			if (t->align && t->align[c] == 'r')
				put(&line, &len, &cap, s ? s : "", pad);
			else {
				put(&line, &len, &cap, s ? s : "", 0);
				put(&line, &len, &cap, "", pad);
			}
			put(&line, &len, &cap, "", c < t->ncols - 1 ? 2 : 0);
		}
		while (len && line[len - 1] == ' ')
			len--;
		line[len++] = '\n';
		fwrite(line, 1, len, f);
	}
	free(line);
	free(w);
}

void table_free(table_t **tp)
{
	table_t *t = *tp;
	if (!t)
		return;
	for (size_t i = 0; i < (size_t)t->nrows * (size_t)t->ncols; i++)
		free(t->cells[i]);
	free(t->cells);
	free(t);
	*tp = NULL;
}

void jw_init(jw_t *j, FILE *f)
{
	memset(j, 0, sizeof *j);
	j->f = f;
}

/* Comma and newline before a value, unless it follows its key. */
static void jw_sep(jw_t *j)
{
	if (j->after_key) {
		j->after_key = 0;
		return;
	}
	if (j->depth > 0) {
		fprintf(j->f, "%s\n%*s", j->count[j->depth] ? "," : "", 2 * j->depth, "");
		j->count[j->depth]++;
	}
}

static void jw_open(jw_t *j, char c)
{
	jw_sep(j);
	fputc(c, j->f);
	if (j->depth < 31)
		j->count[++j->depth] = 0;
}

static void jw_close(jw_t *j, char c)
{
	int had = j->count[j->depth];
	if (j->depth > 0)
		j->depth--;
	if (had)
		fprintf(j->f, "\n%*s", 2 * j->depth, "");
	fputc(c, j->f);
}

void jw_obj(jw_t *j) { jw_open(j, '{'); }
void jw_arr(jw_t *j) { jw_open(j, '['); }
void jw_end_obj(jw_t *j) { jw_close(j, '}'); }
void jw_end_arr(jw_t *j) { jw_close(j, ']'); }

static void put_string(FILE *f, const char *s)
{
	fputc('"', f);
	for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p++) {
		switch (*p) {
		case '"': fputs("\\\"", f); break;
		case '\\': fputs("\\\\", f); break;
		case '\n': fputs("\\n", f); break;
		case '\r': fputs("\\r", f); break;
		case '\t': fputs("\\t", f); break;
		case '\b': fputs("\\b", f); break;
		case '\f': fputs("\\f", f); break;
		default:
			if (*p < 0x20 || *p == 0x7F) {
				fprintf(f, "\\u%04x", *p);
			} else if (*p < 0x80) {
				fputc(*p, f);
			} else {
				/* UTF-8 passes through; a broken sequence would make the whole document invalid */
				const unsigned char *q = p;
				next_cp(&q);
				if (q - p == 1)
					fputs("\\ufffd", f);
				else
					fwrite(p, 1, (size_t)(q - p), f);
				p = q - 1;
			}
		}
	}
	fputc('"', f);
}

void jw_key(jw_t *j, const char *k)
{
	jw_sep(j);
	put_string(j->f, k);
	fputs(": ", j->f);
	j->after_key = 1;
}

void jw_str(jw_t *j, const char *s)
{
	jw_sep(j);
	put_string(j->f, s);
}

void jw_int(jw_t *j, int64_t v)
{
	jw_sep(j);
	fprintf(j->f, "%lld", (long long)v);
}

void jw_bool(jw_t *j, int v)
{
	jw_sep(j);
	fputs(v ? "true" : "false", j->f);
}

void jw_null(jw_t *j)
{
	jw_sep(j);
	fputs("null", j->f);
}

static size_t field_size(ProtobufCType t)
{
	switch (t) {
	case PROTOBUF_C_TYPE_INT32:
	case PROTOBUF_C_TYPE_SINT32:
	case PROTOBUF_C_TYPE_SFIXED32:
	case PROTOBUF_C_TYPE_UINT32:
	case PROTOBUF_C_TYPE_FIXED32: return 4;
	case PROTOBUF_C_TYPE_FLOAT: return sizeof(float);
	case PROTOBUF_C_TYPE_DOUBLE: return sizeof(double);
	case PROTOBUF_C_TYPE_BOOL: return sizeof(protobuf_c_boolean);
	case PROTOBUF_C_TYPE_ENUM: return sizeof(int);
	case PROTOBUF_C_TYPE_STRING: return sizeof(char *);
	case PROTOBUF_C_TYPE_BYTES: return sizeof(ProtobufCBinaryData);
	case PROTOBUF_C_TYPE_MESSAGE: return sizeof(ProtobufCMessage *);
	default: return 8; /* the 64-bit integers */
	}
}

static void jw_value(jw_t *j, const ProtobufCFieldDescriptor *fd, const void *p)
{
	switch (fd->type) {
	case PROTOBUF_C_TYPE_INT32:
	case PROTOBUF_C_TYPE_SINT32:
	case PROTOBUF_C_TYPE_SFIXED32: jw_int(j, *(const int32_t *)p); break;
	case PROTOBUF_C_TYPE_UINT32:
	case PROTOBUF_C_TYPE_FIXED32: jw_int(j, *(const uint32_t *)p); break;
	case PROTOBUF_C_TYPE_INT64:
	case PROTOBUF_C_TYPE_SINT64:
	case PROTOBUF_C_TYPE_SFIXED64: jw_int(j, *(const int64_t *)p); break;
	case PROTOBUF_C_TYPE_UINT64:
	case PROTOBUF_C_TYPE_FIXED64:
		jw_sep(j);
		fprintf(j->f, "%llu", (unsigned long long)*(const uint64_t *)p);
		break;
	case PROTOBUF_C_TYPE_FLOAT:
		jw_sep(j);
		fprintf(j->f, "%.9g", (double)*(const float *)p);
		break;
	case PROTOBUF_C_TYPE_DOUBLE:
		jw_sep(j);
		fprintf(j->f, "%.17g", *(const double *)p);
		break;
	case PROTOBUF_C_TYPE_BOOL: jw_bool(j, *(const protobuf_c_boolean *)p); break;
	case PROTOBUF_C_TYPE_ENUM: {
		const ProtobufCEnumValue *ev =
			protobuf_c_enum_descriptor_get_value(fd->descriptor, *(const int *)p);
		if (ev)
			jw_str(j, ev->name);
		else
			jw_int(j, *(const int *)p);
		break;
	}
	case PROTOBUF_C_TYPE_STRING: jw_str(j, *(char *const *)p); break;
	case PROTOBUF_C_TYPE_BYTES: {
		/* no bytes field is shown to people today; hex keeps the output valid JSON */
		const ProtobufCBinaryData *b = p;
		jw_sep(j);
		fputc('"', j->f);
		for (size_t i = 0; i < b->len; i++)
			fprintf(j->f, "%02x", b->data[i]);
		fputc('"', j->f);
		break;
	}
	case PROTOBUF_C_TYPE_MESSAGE: {
		const ProtobufCMessage *m = *(ProtobufCMessage *const *)p;
		if (m)
			jw_message(j, m);
		else
			jw_null(j);
		break;
	}
	}
}

void jw_fields(jw_t *j, const ProtobufCMessage *m, const char *skip)
{
	const ProtobufCMessageDescriptor *d = m->descriptor;
	for (unsigned i = 0; i < d->n_fields; i++) {
		const ProtobufCFieldDescriptor *fd = &d->fields[i];
		if (skip && strcmp(fd->name, skip) == 0)
			continue;
		const char *base = (const char *)m + fd->offset;
		jw_key(j, fd->name);
		if (fd->label == PROTOBUF_C_LABEL_REPEATED) {
			size_t n = *(const size_t *)((const char *)m + fd->quantifier_offset);
			const char *arr = *(char *const *)base;
			jw_arr(j);
			for (size_t k = 0; k < n; k++)
				jw_value(j, fd, arr + k * field_size(fd->type));
			jw_end_arr(j);
		} else
			jw_value(j, fd, base);
	}
}

void jw_message(jw_t *j, const ProtobufCMessage *m)
{
	jw_obj(j);
	jw_fields(j, m, NULL);
	jw_end_obj(j);
}

void json_print(FILE *f, const ProtobufCMessage *m)
{
	/* a reply that is only a list of items prints as their array */
	const ProtobufCMessageDescriptor *d = m->descriptor;
	if (d->n_fields != 1 || d->fields[0].label != PROTOBUF_C_LABEL_REPEATED || d->fields[0].type != PROTOBUF_C_TYPE_MESSAGE) {
		ut_pbjson_print(f, m);
		return;
	}
	json_t *all = ut_pbjson_from_msg(m), *items = all ? json_object_get(all, d->fields[0].name) : NULL;
	if (items)
		json_dumpf(items, f, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	fputc('\n', f);
	json_decref(all);
}
