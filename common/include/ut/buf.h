/* A growing byte buffer for building messages (email, JSON bodies): appends never fail loudly;
 * a failed allocation sets `failed` and the caller checks once at the end. */
#ifndef UT_BUF_H
#define UT_BUF_H

#include <stddef.h>
#include <stdint.h>

typedef struct ut_buf {
	char *p;     /* always NUL-terminated once something was added */
	size_t n, cap;
	int failed;
} ut_buf_t;

void ut_buf_add(ut_buf_t *b, const void *s, size_t n);
/* Room for n more bytes at the end, counted as added, for the caller to fill; NULL if it failed. */
void *ut_buf_room(ut_buf_t *b, size_t n);
void ut_buf_str(ut_buf_t *b, const char *s);
/* Write v's decimal digits at p (up to 20, no NUL); returns the end. For hot paths (the relay's
 * event ids and command), where snprintf's format parsing shows. */
char *ut_decimal(char *p, uint64_t v);
void ut_buf_free(ut_buf_t *b);

#endif
