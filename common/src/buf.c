/* Growing byte buffer: doubles its capacity, remembers a failed allocation. */
#include "ut/buf.h"

#include <stdlib.h>
#include <string.h>

void *ut_buf_room(ut_buf_t *b, size_t n)
{
	if (b->failed)
		return NULL;
	if (b->n + n + 1 > b->cap) {
		size_t cap = (b->n + n + 1) * 2;
		char *m = realloc(b->p, cap);
		if (!m) {
			b->failed = 1;
			return NULL;
		}
		b->p = m;
		b->cap = cap;
	}
	char *at = b->p + b->n;
	b->n += n;
	b->p[b->n] = '\0';
	return at;
}

void ut_buf_add(ut_buf_t *b, const void *s, size_t n)
{
	char *at = ut_buf_room(b, n);
	if (at && n)
		memcpy(at, s, n);
}

void ut_buf_str(ut_buf_t *b, const char *s) { ut_buf_add(b, s, strlen(s)); }

char *ut_decimal(char *p, uint64_t v)
{
	char tmp[20];
	int n = 0;
	do
		tmp[n++] = (char)('0' + v % 10);
	while ((v /= 10) > 0);
	while (n)
		*p++ = tmp[--n];
	return p;
}

void ut_buf_free(ut_buf_t *b)
{
	free(b->p);
	*b = (ut_buf_t){0};
}
