/* The files people hand to utctl (sheets, lists, reflections): read whole, with what went wrong said
 * once on stderr. A file that cannot be read is a usage error for every verb. */
#include "utctl.h"
#include "ut/err.h"
#include "ut/i18n.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The whole of `path` ("-" = stdin), at most max bytes, NUL-terminated. Says why on stderr. */
char *read_all(const ctx_t *c, const char *path, size_t max, size_t *len)
{
	FILE *f = strcmp(path, "-") ? fopen(path, "rb") : stdin;
	if (!f) {
		fprintf(stderr, "utctl: %s: %s: %s\n", c->where, path, strerror(errno));
		return NULL;
	}
	size_t cap = 65536, n = 0;
	char *b = malloc(cap + 1);
	while (b) {
		if (n == cap) {
			if (cap > max)
				break;
			char *nb = realloc(b, cap * 2 + 1);
			if (!nb) {
				free(b);
				b = NULL;
				break;
			}
			b = nb;
			cap *= 2;
		}
		size_t r = fread(b + n, 1, cap - n, f);
		n += r;
		if (r == 0)
			break;
	}
	int err = ferror(f);
	if (f != stdin)
		fclose(f);
	if (!b) {
		fprintf(stderr, "utctl: out of memory\n");
		return NULL;
	}
	if (err) {
		fprintf(stderr, "utctl: %s: cannot read %s\n", c->where, path);
		free(b);
		return NULL;
	}
	if (n > max) {
		fprintf(stderr, "utctl: %s: %s is larger than %zu KiB ([enrol] import_max_kb); split it\n", c->where, path,
			max / 1024);
		free(b);
		return NULL;
	}
	b[n] = '\0';
	*len = n;
	return b;
}

/* Read a spreadsheet (ut/sheet.h) and say on stderr what it could not read: a warning for the columns
 * it ignored, every error up to the sheet's limit. EXIT_REFUSED when there were errors (*s may still
 * hold the rows that were read). */
int sheet_load(ctx_t *c, const char *file, size_t max, const ut_sheet_col_t *cols, ut_sheet_opts_t *o,
		      ut_sheet_t **s)
{
	size_t len;
	char *data = read_all(c, file, max, &len);
	if (!data)
		return EXIT_USAGE;
	o->day_first = !strcmp(c->cfg.locale, "vi");
	int rc = ut_sheet_read(s, data, len, cols, o);
	free(data);
	if (rc == UT_ENOMEM || !*s) {
		fprintf(stderr, "utctl: out of memory\n");
		return EXIT_REFUSED;
	}
	if ((*s)->warning)
		fprintf(stderr, "utctl: warning: %s: %s\n", file, (*s)->warning);
	for (int i = 0; i < (*s)->kept; i++)
		fprintf(stderr, "%s: %s\n", file, (*s)->errors[i]);
	if ((*s)->nerrors > (*s)->kept)
		fprintf(stderr, "%s: ... and %d more\n", file, (*s)->nerrors - (*s)->kept);
	return rc ? EXIT_REFUSED : 0;
}
