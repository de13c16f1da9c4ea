/* Growing byte buffer: doubles its capacity, remembers a failed allocation. */
#include "ut/buf.h"

#include <stdlib.h>
#include <string.h>

void ut_buf_add(ut_buf_t *b, const void *s, size_t n)
{
	if (b->failed)
		return;
	if (b->n + n + 1 > b->cap) {
		size_t cap = (b->n + n + 1) * 2;
		char *m = realloc(b->p, cap);
		if (!m) {
			b->failed = 1;
			return;
		}
		b->p = m;
		b->cap = cap;
	}
	memcpy(b->p + b->n, s, n);
	b->n += n;
	b->p[b->n] = '\0';
}

void ut_buf_str(ut_buf_t *b, const char *s) { ut_buf_add(b, s, strlen(s)); }

void ut_buf_free(ut_buf_t *b)
{
	free(b->p);
	*b = (ut_buf_t){0};
}
