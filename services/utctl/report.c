/* How `utctl report ...` (rows of the command table) prints: the report (ut/report.h) as an aligned
 * table, CSV or JSON, or an XLSX workbook (ut/xlsx.h), to stdout or --output; and the upward link's
 * keys: `utctl node keygen`, `node child`. */
#include "utctl.h"
#include "output.h"
#include "report.pb-c.h"
#include "ut/curvekey.h"
#include "ut/err.h"
#include "ut/i18n.h"
#include "ut/report.h"
#include "ut/xlsx.h"

#include <errno.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define REPORTD "ut-reportd"

static const char *when(int64_t ms, char *buf, size_t len)
{
	if (!ms)
		return NULL;
	time_t t = (time_t)(ms / 1000);
	struct tm tm;
	if (!localtime_r(&t, &tm) || !strftime(buf, len, "%Y-%m-%d %H:%M", &tm))
		return NULL;
	return buf;
}

static void print_table(const ut_report_t *R, FILE *out)
{
	int nc = ut_report_cols(R);
	const char *h[64];
	char align[65] = "";
	if (nc > 64)
		nc = 64;
	for (int i = 0; i < nc; i++) {
		h[i] = ut_report_head(R, i);
		ut_cell_t c = {UT_CELL_EMPTY, "", 0};
		for (int row = 0; c.kind == UT_CELL_EMPTY && row < ut_report_rows(R); row++)
			c = ut_report_cell(R, row, i);
		align[i] = c.kind == UT_CELL_TEXT || c.kind == UT_CELL_TIME ? 'l' : 'r';
	}
	table_t *t = table_new(nc, h, align);
	for (int row = 0; row < ut_report_rows(R); row++) {
		table_row(t);
		for (int i = 0; i < nc; i++) {
			ut_cell_t c = ut_report_cell(R, row, i);
			char b[32];
			const char *w;
			switch (c.kind) {
			case UT_CELL_TEXT: table_cell(t, "%s", c.text); break;
			case UT_CELL_INT: table_cell(t, "%lld", (long long)c.v); break;
			case UT_CELL_PCT: c.v < 0 ? table_cell(t, "-") : table_cell(t, "%lld%%", (long long)c.v); break;
			case UT_CELL_TIME:
				w = when(c.v, b, sizeof b);
				table_cell(t, "%s", w ? w : ut_report_word(R, "never"));
				break;
			case UT_CELL_EMPTY: table_cell(t, "%s", ""); break;
			}
		}
	}
	table_print(t, out, 0);
	table_free(&t);
	if (ut_report_target(R) >= 0)
		fprintf(out, "%s: %d%%\n", ut_report_word(R, "coverage_target"), ut_report_target(R));
}

/* XLSX into --output, or to stdout (a pipe or a file: run_cmd refused a terminal). */
static int print_xlsx(const ctx_t *c, const ut_report_t *R)
{
	char err[512], *data = NULL;
	size_t len = 0;
	const char *tmp = getenv("TMPDIR");
	int rc = c->output ? ut_xlsx_report(R, c->output, tmp, err, sizeof err)
			   : ut_xlsx_report_bytes(R, tmp && *tmp ? tmp : NULL, &data, &len, err, sizeof err);
	if (!rc && data && fwrite(data, 1, len, stdout) != len)
		snprintf(err, sizeof err, "cannot write the workbook to the output"), rc = UT_EINTERNAL;
	free(data);
	if (rc)
		fprintf(stderr, "utctl: %s: %s\n", c->where, err);
	return rc ? EXIT_REFUSED : EXIT_OK;
}

static int print_report(const ctx_t *c, const ut_report_t *R)
{
	if (c->format == FMT_XLSX)
		return print_xlsx(c, R);
	FILE *out = c->output ? fopen(c->output, "wb") : stdout;
	if (!out) {
		fprintf(stderr, "utctl: %s: %s: %s\n", c->where, c->output, strerror(errno));
		return EXIT_REFUSED;
	}
	if (c->format == FMT_CSV)
		ut_report_csv(R, out);
	else if (c->format == FMT_JSON) {
		json_t *j = ut_report_json(R);
		if (j)
			json_dumpf(j, out, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		fputc('\n', out);
		json_decref(j);
	} else
		print_table(R, out);
	int bad = ferror(out);
	if (out != stdout && fclose(out))
		bad = 1;
	if (bad)
		fprintf(stderr, "utctl: %s: cannot write %s\n", c->where, c->output ? c->output : "the output");
	return bad ? EXIT_REFUSED : EXIT_OK;
}

/* The upward link under a federation table: what the parent has acknowledged. */
static void print_uplink(const Ut__FederationReply *f)
{
	if (!f->uplink || !*f->uplink->parent)
		return;
	const Ut__UplinkState *u = f->uplink;
	char b[32], line[1024];
	const char *w = when(u->acked_ms, b, sizeof b);
	snprintf(line, sizeof line, _("parent %s: snapshot %llu built, %llu acknowledged"), u->parent,
		 (unsigned long long)u->built_seq, (unsigned long long)u->acked_seq);
	printf("\n%s", line);
	if (w)
		printf(_(" at %s"), w);
	if (*u->error)
		printf("; %s", u->error);
	putchar('\n');
}

int report_print(const ctx_t *c, const ProtobufCMessage *req, const ProtobufCMessage *rep)
{
	ut_report_t *R = ut_report_new(req, rep, (int64_t)time(NULL) * 1000);
	if (!R) {
		fprintf(stderr, "utctl: out of memory\n");
		return EXIT_REFUSED;
	}
	int rc = print_report(c, R);
	if (!rc && c->format == FMT_TABLE && !c->output && rep->descriptor == &ut__federation_reply__descriptor)
		print_uplink((const Ut__FederationReply *)rep);
	ut_report_destroy(&R);
	return rc;
}

/* ---- node keygen ---- */

enum { O_FORCE = OPT_FIRST };

static const optspec_t keygen_opts[] = {
	{O_FORCE, "force", NULL, 0, "replace an existing key pair (children's parents must then learn the new key)"},
	{0},
};

static int node_keygen(ctx_t *c, int argc, char **argv)
{
	opts_t o;
	const char *arg, *pos[1];
	int k, force = 0;
	opt_begin(&o, c, argc, argv, c->verb->opts);
	while ((k = opt_next(&o, &arg)) > 0)
		if (k == O_FORCE)
			force = 1;
	if (k < 0 || opt_rest(&o, pos, 0, 0, "") < 0)
		return EXIT_USAGE;
	int rc = ctx_ready(c);
	if (rc)
		return rc;
	char *path = ut_curvekey_path(&c->cfg), pub[UT_CURVEKEY_LEN + 1];
	if (!path)
		return EXIT_REFUSED;
	rc = ut_curvekey_generate(path, force, pub);
	if (rc == UT_ECONFLICT)
		fprintf(stderr, "utctl: conflict: %s already exists; --force replaces it\n", path);
	else if (rc)
		fprintf(stderr, "utctl: cannot write %s: %s\n", path, ut_strerror(rc));
	else if (c->json)
		printf("{\"node\": \"%s\", \"public_key\": \"%s\", \"file\": \"%s\"}\n", c->cfg.node_id, pub, path);
	else
		printf("key pair written to %s (mode 0600)\npublic key of %s: %s\n"
		       "on the parent node: utctl node child add %s '%s'\n",
		       path, c->cfg.node_id, pub, c->cfg.node_id, pub);
	free(path);
	return rc ? EXIT_REFUSED : EXIT_OK;
}

const verb_t node_link_verbs[] = {
	{"keygen", node_keygen, "make this node's CURVE key pair for the upward link", "[--force]", keygen_opts,
	 "utctl node keygen",
	 "Writes report.key_file in the run directory (mode 0600) and prints the public key to give the parent."},
	{0},
};
