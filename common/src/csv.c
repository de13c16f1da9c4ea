/* RFC 4180 CSV reading: one record at a time into a reusable buffer, with line numbers for messages. */
#include "ut/csv.h"
#include "ut/err.h"

#include <stdlib.h>
#include <string.h>

void ut_csv_init(ut_csv_t *c, const char *data, size_t len)
{
	memset(c, 0, sizeof *c);
	if (len >= 3 && memcmp(data, "\xef\xbb\xbf", 3) == 0)
		data += 3, len -= 3;
	c->p = data;
	c->end = data + len;
	c->next_line = 1;
	c->sep = ',';
}

static int put(ut_csv_t *c, char ch)
{
	if (c->len + 1 >= c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 256;
		char *b = realloc(c->buf, cap);
		if (!b)
			return UT_ENOMEM;
		c->buf = b;
		c->cap = cap;
	}
	c->buf[c->len++] = ch;
	return 0;
}

static int start_field(ut_csv_t *c)
{
	if (c->n == c->ncap) {
		int cap = c->ncap ? c->ncap * 2 : 16;
		size_t *o = realloc(c->off, (size_t)cap * sizeof *o);
		if (!o)
			return UT_ENOMEM;
		c->off = o;
		c->ncap = cap;
	}
	c->off[c->n++] = c->len;
	return 0;
}

static int fail(ut_csv_t *c, const char *why)
{
	c->err = why;
	c->p = c->end; /* nothing more is read after a malformed record */
	return UT_EINVAL;
}

int ut_csv_next(ut_csv_t *c)
{
	for (;;) {
		c->n = 0;
		c->len = 0;
		c->line = c->next_line;
		if (c->p >= c->end)
			return 0;
		/* a blank line is no record */
		if (*c->p == '\n' || (*c->p == '\r' && c->p + 1 < c->end && c->p[1] == '\n')) {
			c->p += *c->p == '\r' ? 2 : 1;
			c->next_line++;
			continue;
		}
		break;
	}
	int rc;
	for (;;) { /* one field per turn */
		if ((rc = start_field(c)))
			return rc;
		if (c->p < c->end && *c->p == '"') {
			c->p++;
			for (;;) {
				if (c->p >= c->end)
					return fail(c, "a quoted field is not closed");
				char ch = *c->p++;
				if (ch == '"') {
					if (c->p < c->end && *c->p == '"')
						c->p++;
					else
						break;
				} else if (ch == '\0')
					return fail(c, "a NUL byte in the text");
				else if (ch == '\n')
					c->next_line++;
				if ((rc = put(c, ch)))
					return rc;
			}
			if (c->p < c->end && *c->p != c->sep && *c->p != '\n' && *c->p != '\r')
				return fail(c, "text after the closing quote of a field");
		} else {
			while (c->p < c->end && *c->p != c->sep && *c->p != '\n' && *c->p != '\r') {
				if (*c->p == '"')
					return fail(c, "a quote inside an unquoted field (quote the whole field)");
				if (*c->p == '\0')
					return fail(c, "a NUL byte in the text");
				if ((rc = put(c, *c->p++)))
					return rc;
			}
		}
		if ((rc = put(c, '\0')))
			return rc;
		if (c->p >= c->end)
			return 1;
		if (*c->p == c->sep) {
			c->p++;
			continue;
		}
		if (*c->p == '\r') {
			if (c->p + 1 < c->end && c->p[1] == '\n')
				c->p++;
			else
				return fail(c, "a carriage return outside quotes");
		}
		c->p++; /* the \n */
		c->next_line++;
		return 1;
	}
}

const char *ut_csv_field(const ut_csv_t *c, int i) { return i >= 0 && i < c->n ? c->buf + c->off[i] : ""; }

void ut_csv_free(ut_csv_t *c)
{
	free(c->buf);
	free(c->off);
	c->buf = NULL;
	c->off = NULL;
	c->n = c->ncap = 0;
	c->len = c->cap = 0;
}

int ut_csv_formula_like(const char *s)
{
	return s && (*s == '=' || *s == '+' || *s == '-' || *s == '@' || *s == '\t' || *s == '\r');
}
