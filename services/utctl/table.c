/* Commands of the command table (common/client): fill the request from the words, send it, and show
 * the reply as a table, CSV or JSON, every word in the reader's language. */
#include "utctl.h"
#include "output.h"
#include "ut/clock.h"
#include "ut/cmd.h"
#include "ut/err.h"
#include "ut/i18n.h"
#include "ut/pbjson.h"
#include "ut/reportfmt.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ---- reading fields by name ---- */

/* The message holding the last part of a path ("cadre.name": the cadre), NULL when a part is unset. */
static const ProtobufCMessage *owner(const ProtobufCMessage *m, const char **name)
{
	const char *dot;
	while (m && (dot = strchr(*name, '.'))) {
		char part[64];
		snprintf(part, sizeof part, "%.*s", (int)(dot - *name), *name);
		const ProtobufCFieldDescriptor *fd = protobuf_c_message_descriptor_get_field_by_name(m->descriptor, part);
		m = fd && fd->type == PROTOBUF_C_TYPE_MESSAGE ? *(ProtobufCMessage *const *)((const char *)m + fd->offset) : NULL;
		*name = dot + 1;
	}
	return m;
}

static const ProtobufCFieldDescriptor *fdesc(const ProtobufCMessage **m, const char **name)
{
	*m = owner(*m, name);
	return *m ? protobuf_c_message_descriptor_get_field_by_name((*m)->descriptor, *name) : NULL;
}

static size_t count_of(const ProtobufCMessage *m, const char *name)
{
	const ProtobufCFieldDescriptor *fd = fdesc(&m, &name);
	return fd && fd->label == PROTOBUF_C_LABEL_REPEATED ? *(const size_t *)((const char *)m + fd->quantifier_offset) : 0;
}

static ProtobufCMessage **items_of(const ProtobufCMessage *m, const char *name)
{
	const ProtobufCFieldDescriptor *fd = fdesc(&m, &name);
	return fd ? *(ProtobufCMessage ***)((char *)m + fd->offset) : NULL;
}

static int64_t int_of(const ProtobufCMessage *m, const char *name)
{
	const ProtobufCFieldDescriptor *fd = fdesc(&m, &name);
	if (!fd)
		return 0;
	const char *p = (const char *)m + fd->offset;
	switch (fd->type) {
	case PROTOBUF_C_TYPE_INT64:
	case PROTOBUF_C_TYPE_SINT64:
	case PROTOBUF_C_TYPE_SFIXED64:
	case PROTOBUF_C_TYPE_UINT64:
	case PROTOBUF_C_TYPE_FIXED64: return *(const int64_t *)p;
	case PROTOBUF_C_TYPE_BOOL: return *(const protobuf_c_boolean *)p;
	default: return *(const int32_t *)p;
	}
}

/* A field as text into buf: numbers in decimal, a bool as yes/no, an enum by name. */
static const char *text_of(const ProtobufCMessage *m, const char *name, char *buf, size_t len)
{
	const ProtobufCFieldDescriptor *fd = fdesc(&m, &name);
	if (!fd)
		return "";
	const char *p = (const char *)m + fd->offset;
	switch (fd->type) {
	case PROTOBUF_C_TYPE_STRING: return *(char *const *)p ? *(char *const *)p : "";
	case PROTOBUF_C_TYPE_BOOL: return *(const protobuf_c_boolean *)p ? _("yes") : _("no");
	case PROTOBUF_C_TYPE_ENUM: {
		const ProtobufCEnumValue *ev = protobuf_c_enum_descriptor_get_value(fd->descriptor, *(const int *)p);
		return ev ? ev->name : "";
	}
	default: snprintf(buf, len, "%" PRId64, int_of(m, name)); return buf;
	}
}

static const char *span_text(int64_t s, int64_t e, char *buf, size_t len)
{
	char a[32], b[32];
	ut_clock_format_local(s, a, sizeof a);
	ut_clock_format_local(e, b, sizeof b);
	if (strlen(a) == 16 && strlen(b) == 16 && memcmp(a, b, 11) == 0)
		snprintf(buf, len, "%s-%s", a, b + 11);
	else
		snprintf(buf, len, "%s - %s", a, b);
	return buf;
}

/* One cell of item m (the idx-th of its list) as its column says. */
static const char *cell(const ut_col_t *col, const ProtobufCMessage *m, size_t idx, char *buf, size_t len)
{
	char t[64];
	switch (col->kind) {
	case UT_COL_PLAIN: return text_of(m, col->field, buf, len);
	case UT_COL_WORD: return ut_tr_word(text_of(m, col->field, buf, len));
	case UT_COL_TIME: {
		int64_t v = int_of(m, col->field);
		return v ? ut_clock_format_local(v, buf, len) : "-";
	}
	case UT_COL_COUNT: snprintf(buf, len, "%zu", count_of(m, col->field)); return buf;
	case UT_COL_SPAN: return span_text(int_of(m, "starts_at"), int_of(m, "ends_at"), buf, len);
	case UT_COL_NAMED: {
		int64_t id = int_of(m, col->field);
		const char *name = text_of(m, col->field2, t, sizeof t);
		if (!id)
			return "-";
		if (*name)
			snprintf(buf, len, "%s (%" PRId64 ")", name, id);
		else
			snprintf(buf, len, "#%" PRId64, id);
		return buf;
	}
	case UT_COL_FIRST: {
		int64_t first = 0;
		ProtobufCMessage **v = items_of(m, col->field);
		for (size_t i = 0; i < count_of(m, col->field); i++) {
			int64_t s = int_of(v[i], "starts_at");
			if (!first || s < first)
				first = s;
		}
		return first ? ut_clock_format_local(first, buf, len) : "-";
	}
	case UT_COL_NUMBER: snprintf(buf, len, "%zu", idx + 1); return buf;
	case UT_COL_PERCENT: snprintf(buf, len, "%" PRId64 "%%", int_of(m, col->field)); return buf;
	case UT_COL_DAYS: {
		int64_t a = int_of(m, col->field), b = int_of(m, col->field2);
		char x[32], y[32];
		if (!a)
			return "-";
		ut_clock_format_local(a, x, sizeof x);
		ut_clock_format_local(b ? b : a, y, sizeof y);
		x[10] = y[10] = '\0';
		snprintf(buf, len, strcmp(x, y) ? "%s..%s" : "%s", x, y);
		return buf;
	}
	case UT_COL_TIME_MS: {
		int64_t v = int_of(m, col->field);
		return v ? ut_clock_format_local(v / 1000, buf, len) : "-";
	}
	case UT_COL_OFFSET: {
		int64_t s = int_of(m, col->field);
		if (!s)
			return "-";
		if (s % 86400 == 0)
			snprintf(buf, len, "%" PRId64 "d", s / 86400);
		else if (s % 3600 == 0)
			snprintf(buf, len, "%" PRId64 "h", s / 3600);
		else
			snprintf(buf, len, "%" PRId64 "m", s / 60);
		return buf;
	}
	case UT_COL_PLANNED: {
		int64_t k = int_of(m, col->field);
		if (k)
			snprintf(buf, len, _("planned: class %lld"), (long long)k);
		return k ? buf : ut_tr_word("due");
	}
	case UT_COL_RATIO:
		snprintf(buf, len, "%" PRId64 "/%" PRId64, int_of(m, col->field), int_of(m, col->field2));
		return buf;
	case UT_COL_DURATION: {
		if (!owner(m, &(const char *){col->field}))
			return "-";
		return ut_clock_format_duration(int_of(m, col->field), buf, len);
	}
	case UT_COL_BRIEF: {
		const char *v = text_of(m, col->field, buf, len);
		size_t n = strlen(v), cut = 100;
		if (n <= cut)
			return v;
		while (cut && ((unsigned char)v[cut] & 0xC0) == 0x80) /* not inside a character */
			cut--;
		snprintf(buf, len, "%.*s...", (int)cut, v);
		return buf;
	}
	}
	return "";
}

static int ncols(const ut_col_t *cols)
{
	int n = 0;
	while (cols[n].head)
		n++;
	return n;
}

static int by_id(const void *a, const void *b)
{
	int64_t x = int_of(*(ProtobufCMessage *const *)a, "id"), y = int_of(*(ProtobufCMessage *const *)b, "id");
	return (x > y) - (x < y);
}

/* Rows of items as an aligned table or as CSV (the one CSV writer, with the formula guard). A
 * numbered list (a class's sessions) is in the order of its numbers, which is the order of ids. */
static void rows_print(const ut_col_t *cols, ProtobufCMessage **items, size_t n, int csv, int indent)
{
	int nc = ncols(cols);
	char buf[512];
	for (int c = 0; c < nc; c++)
		if (cols[c].kind == UT_COL_NUMBER)
			qsort(items, n, sizeof *items, by_id);
	if (csv) {
		for (int c = 0; c < nc; c++) {
			ut_csv_cell(stdout, _(cols[c].head));
			fputs(c + 1 < nc ? "," : "\r\n", stdout);
		}
		for (size_t i = 0; i < n; i++)
			for (int c = 0; c < nc; c++) {
				ut_csv_cell(stdout, cols[c].kind == UT_COL_BRIEF /* a file keeps it whole */
							    ? text_of(items[i], cols[c].field, buf, sizeof buf)
							    : cell(&cols[c], items[i], i, buf, sizeof buf));
				fputs(c + 1 < nc ? "," : "\r\n", stdout);
			}
		return;
	}
	const char *heads[32], *align = "lllllllllllllllllllllllllllllll";
	char al[33];
	for (int c = 0; c < nc && c < 32; c++) {
		heads[c] = _(cols[c].head);
		int numeric = cols[c].kind == UT_COL_COUNT || cols[c].kind == UT_COL_NUMBER || cols[c].kind == UT_COL_PERCENT ||
			      cols[c].kind == UT_COL_RATIO;
		if (cols[c].kind == UT_COL_PLAIN && n) {
			const ProtobufCMessage *m0 = items[0];
			const char *name = cols[c].field;
			const ProtobufCFieldDescriptor *fd = fdesc(&m0, &name);
			numeric = fd && fd->type != PROTOBUF_C_TYPE_STRING && fd->type != PROTOBUF_C_TYPE_BOOL &&
				  fd->type != PROTOBUF_C_TYPE_ENUM;
		}
		al[c] = numeric ? 'r' : align[c];
	}
	al[nc] = '\0';
	table_t *t = table_new(nc, heads, al);
	for (size_t i = 0; i < n; i++) {
		table_row(t);
		for (int c = 0; c < nc; c++)
			table_cell(t, "%s", cell(&cols[c], items[i], i, buf, sizeof buf));
	}
	table_print(t, stdout, indent);
	table_free(&t);
}

/* A one-thing reply: a line per column, "name  value". */
static void lines_print(const ut_col_t *cols, const ProtobufCMessage *m)
{
	char buf[512];
	table_t *t = table_new(2, NULL, NULL);
	for (const ut_col_t *c = cols; c->head; c++) {
		const char *v = cell(c, m, 0, buf, sizeof buf);
		if (!*v && c->kind == UT_COL_PLAIN)
			continue; /* an empty reason or audience says nothing */
		table_row(t);
		table_cell(t, "%s", _(c->head));
		table_cell(t, "%s", v);
	}
	table_print(t, stdout, 0);
	table_free(&t);
}

/* The confirmation of a change: the row's sentence with its reply fields. */
static void done_print(const ut_cmd_t *cmd, const ProtobufCMessage *req, const ProtobufCMessage *rep)
{
	char out[1024], bufs[8][128];
	const char *args[8];
	size_t n = 0;
	if (cmd->said) {
		cmd->said(req, rep, stdout);
		return;
	}
	for (const char *p = cmd->done_args; p && *p && n < 8;) {
		char name[64];
		size_t l = strcspn(p, ",");
		snprintf(name, sizeof name, "%.*s", (int)l, p);
		args[n] = text_of(rep, name, bufs[n], sizeof bufs[n]);
		/* a value word where the row takes one as a choice (a level, a role); a name stays itself */
		const char *last = strrchr(name, '.') ? strrchr(name, '.') + 1 : name;
		for (const ut_arg_t *a = cmd->args; a && a->name; a++)
			if (a->kind == UT_ARG_CHOICE && a->field && !strcmp(a->field, last))
				args[n] = ut_tr_word(args[n]);
		n++;
		p += l + (p[l] == ',');
	}
	ut_i18n_render_as_is(out, sizeof out, _(cmd->done), args, n);
	puts(out);
}

/* A reply's warning (the level rule's, for a unit), said in the reader's language from its code. */
static void warning_print(const ProtobufCMessage *rep)
{
	char buf[64], out[1024];
	const char *w = text_of(rep, "warning", buf, sizeof buf), *code = text_of(rep, "warning_code", buf, sizeof buf);
	if (!*w)
		return;
	const char *t = *code ? ut_tr(code) : NULL;
	if (t && t != code)
		ut_i18n_render(out, sizeof out, t, (const char *const *)items_of(rep, "warning_args"),
			       count_of(rep, "warning_args"));
	else
		snprintf(out, sizeof out, "%s", w);
	fprintf(stderr, _("utctl: warning: %s\n"), out);
}

/* Every reply but a report's, as the reader asked. */
static void reply_text(const ctx_t *c, const ut_cmd_t *cmd, const ProtobufCMessage *req, const ProtobufCMessage *rep)
{
	if (c->format == FMT_JSON) {
		/* a list that is only its items is their array; one with counts beside them (an
		 * enrolment list's seats) stays an object */
		if (cmd->items && rep->descriptor->n_fields == 1) {
			ProtobufCMessage **v = items_of(rep, cmd->items);
			size_t n = count_of(rep, cmd->items);
			json_t *a = json_array();
			for (size_t i = 0; a && i < n; i++)
				json_array_append_new(a, ut_pbjson_from_msg(v[i]));
			if (a)
				json_dumpf(a, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
			putchar('\n');
			json_decref(a);
		} else
			ut_pbjson_print(stdout, rep);
		return;
	}
	int csv = c->format == FMT_CSV;
	if (cmd->items) {
		rows_print(cmd->cols, items_of(rep, cmd->items), count_of(rep, cmd->items), csv, 0);
		if (cmd->said && !csv)
			cmd->said(req, rep, stdout);
		return;
	}
	if (cmd->done || cmd->said) {
		done_print(cmd, req, rep);
		warning_print(rep);
		return;
	}
	if (csv) {
		ProtobufCMessage *one[1] = {(ProtobufCMessage *)rep};
		rows_print(cmd->cols, one, 1, 1, 0);
		return;
	}
	lines_print(cmd->cols, rep);
	if (cmd->subcols && count_of(rep, cmd->subitems)) {
		putchar('\n');
		rows_print(cmd->subcols, items_of(rep, cmd->subitems), count_of(rep, cmd->subitems), 0, 0);
	}
}

/* Printed as the reader asked; an exit code (a report's file may fail to be written). */
static int reply_print(const ctx_t *c, const ut_cmd_t *cmd, const ProtobufCMessage *req, const ProtobufCMessage *rep)
{
	if (cmd->figures)
		return report_print(c, req, rep);
	reply_text(c, cmd, req, rep);
	return EXIT_OK;
}

/* Lookups while filling go through the same call as the request itself. */
static int lookup(void *ctx, const char *daemon, int type, const ProtobufCMessage *req,
		  const ProtobufCMessageDescriptor *rdesc, ProtobufCMessage **out, char *err, size_t errlen)
{
	int rc = call(ctx, daemon, type, req, rdesc, out);
	if (rc) {
		snprintf(err, errlen, "%s", ""); /* call() has said why */
		return rc == EXIT_DOWN ? UT_EUNAVAIL : UT_ENOTFOUND;
	}
	return 0;
}

/* Files the words name, read as utctl reads every file ("-" is stdin). */
static int read_named(void *ctx, const char *name, char **data, size_t *len, char *err, size_t errlen)
{
	ctx_t *c = ctx;
	*data = read_all(c, name, (size_t)c->cfg.enrol_import_max_kb * 1024, len);
	snprintf(err, errlen, "%s", ""); /* read_all has said why */
	return *data ? 0 : UT_EINVAL;
}

/* 1 when the reply says some of its items were refused (a bulk enrolment) or lists errors (an
 * import, which then changed nothing). */
static int some_refused(const ProtobufCMessage *rep)
{
	const ProtobufCFieldDescriptor *fd = protobuf_c_message_descriptor_get_field_by_name(rep->descriptor, "refused");
	if (fd && fd->type == PROTOBUF_C_TYPE_INT32 && *(const int32_t *)((const char *)rep + fd->offset) > 0)
		return 1;
	fd = protobuf_c_message_descriptor_get_field_by_name(rep->descriptor, "errors");
	return fd && fd->label == PROTOBUF_C_LABEL_REPEATED && *(const size_t *)((const char *)rep + fd->quantifier_offset);
}

static int read_input(const ctx_t *c, const ut_cmd_t *cmd, ProtobufCMessage **req)
{
	json_error_t je;
	json_t *j = json_load_file(c->input, JSON_REJECT_DUPLICATES, &je);
	char err[512];
	if (!j)
		return usage(c, _("--input %s: %s (line %d)"), c->input, je.text, je.line);
	int rc = ut_pbjson_to_msg(j, cmd->req, req, err, sizeof err);
	json_decref(j);
	if (rc == UT_EINVAL)
		return usage(c, _("--input %s: %s"), c->input, err);
	return rc ? EXIT_REFUSED : 0;
}

int run_cmd(ctx_t *c, const ut_cmd_t *cmd, int argc, char **argv)
{
	int rc = ctx_ready(c); /* dates are read in the node's zone */
	if (rc)
		return rc;
	/* a workbook and a file of its own are what a report is written as; nothing else is */
	if (!cmd->figures && (c->format == FMT_XLSX || c->output))
		return usage(c, "%s", c->output ? _("--output is for reports (utctl report ...)")
						: _("--format xlsx is for reports (utctl report ...)"));
	if (c->format == FMT_XLSX && !c->output && isatty(STDOUT_FILENO))
		return usage(c, "%s", _("an XLSX workbook is not for a terminal: give --output FILE or redirect the output"));
	ut_fill_t f;
	ProtobufCMessage *req = NULL;
	if (c->input) {
		if (argc > 0)
			return usage(c, _("--input replaces every other argument; '%s' is one too many"), argv[0]);
		if ((rc = read_input(c, cmd, &req)))
			return rc;
		memset(&f, 0, sizeof f);
		f.req = req;
	} else if ((rc = ut_cmd_fill_argv_files(&f, cmd, argc, argv, lookup, read_named, c))) {
		/* a name could not be looked up: the node is down, or said why (call() printed it) */
		if (f.notes)
			fputs(f.notes, stderr);
		if (f.usage && !f.err[0]) /* a file that could not be read: read_all said why */
			rc = EXIT_USAGE;
		else if (f.usage)
			rc = usage(c, "%s", f.err);
		else if (f.err[0])
			rc = (fprintf(stderr, "utctl: %s\n", f.err), EXIT_REFUSED);
		else
			rc = rc == UT_EUNAVAIL ? EXIT_DOWN : EXIT_REFUSED;
		ut_cmd_fill_free(&f);
		return rc;
	}
	/* a list asks for one more than it shows, to say when there are more */
	const ProtobufCFieldDescriptor *lim =
		cmd->items ? protobuf_c_message_descriptor_get_field_by_name(cmd->req, "limit") : NULL;
	int32_t *limit = lim && lim->type == PROTOBUF_C_TYPE_INT32 ? (int32_t *)((char *)f.req + lim->offset) : NULL, shown = 0;
	if (limit) {
		shown = *limit > 0 ? *limit : UT_LIST_DEFAULT;
		*limit = shown + 1;
	}
	if (f.notes) /* names not found: said first, then what the node answered for the others */
		fputs(f.notes, stderr);
	ProtobufCMessage *rep = NULL;
	int down[UT_NODE_DAEMONS] = {0};
	rc = cmd->gather ? call_every(c, cmd, f.req, &rep, down) : call(c, cmd->daemon, cmd->type, f.req, cmd->rep, &rep);
	if (!rc && limit) {
		const ProtobufCFieldDescriptor *fd = protobuf_c_message_descriptor_get_field_by_name(rep->descriptor, cmd->items);
		size_t *n = (size_t *)((char *)rep + fd->quantifier_offset), all = *n;
		if (all > (size_t)shown)
			*n = (size_t)shown;
		rc = reply_print(c, cmd, f.req, rep);
		if (all > (size_t)shown)
			fprintf(stderr, _("utctl: %d shown; there are more: ask for them with --limit (up to %d) or --after\n"),
				shown, UT_LIST_MAX);
		*n = all; /* all of them are freed */
	} else if (!rc)
		rc = reply_print(c, cmd, f.req, rep);
	if (!rc && (f.refused || some_refused(rep)))
		rc = EXIT_REFUSED;
	for (size_t i = 0; !rc && cmd->gather && i < UT_NODE_DAEMONS; i++)
		if (down[i]) { /* said after what the others answered */
			char *ep = ut_config_endpoint(&c->cfg, ut_node_daemons[i]);
			say_down(ut_node_daemons[i], ep);
			free(ep);
		}
	for (size_t i = 0; !rc && cmd->gather && i < UT_NODE_DAEMONS; i++)
		if (down[i])
			rc = EXIT_DOWN;
	if (rep)
		protobuf_c_message_free_unpacked(rep, NULL);
	ut_cmd_fill_free(&f);
	return rc;
}
