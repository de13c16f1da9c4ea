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
