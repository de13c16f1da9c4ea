/* Names as people type them: NFC for storage (a Vietnamese name typed with combining marks equals the
 * precomposed one), and a folded key for search by fragment without case or diacritics. */
#include "enrold.h"
#include "ut/utf8.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <utf8proc.h>

static char *map(const char *s, utf8proc_option_t opts)
{
	if (!s || !ut_utf8_valid(s, strlen(s)))
		return NULL;
	utf8proc_uint8_t *out = NULL;
	if (utf8proc_map((const utf8proc_uint8_t *)s, 0, &out, UTF8PROC_NULLTERM | UTF8PROC_STABLE | opts) < 0)
		return NULL;
	return (char *)out;
}

/* Blanks around a name come from spreadsheets and typing, never from the name itself. */
static char *trim(char *s)
{
	if (!s)
		return NULL;
	size_t n = strlen(s), b = 0;
	while (b < n && s[b] == ' ')
		b++;
	while (n > b && s[n - 1] == ' ')
		n--;
	memmove(s, s + b, n - b);
	s[n - b] = '\0';
	return s;
}

char *enrol_name_nfc(const char *s) { return trim(map(s, UTF8PROC_COMPOSE)); }

char *enrol_name_key(const char *s)
{
	char *k = trim(map(s, UTF8PROC_COMPOSE | UTF8PROC_STRIPMARK | UTF8PROC_CASEFOLD));
	if (!k)
		return NULL;
	/* đ (U+0111) is a letter of its own, not d with a mark: people searching without diacritics
	 * type d. Case folding already turned Đ into đ. Same length is not kept (2 bytes -> 1). */
	char *w = k;
	for (char *r = k; *r;) {
		if ((unsigned char)r[0] == 0xc4 && (unsigned char)r[1] == 0x91) {
			*w++ = 'd';
			r += 2;
		} else
			*w++ = *r++;
	}
	*w = '\0';
	return k;
}

int enrol_valid_date(const char *s)
{
	int y, m, d;
	char tail;
	if (!s || strlen(s) != 10 || sscanf(s, "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3 || s[4] != '-' || s[7] != '-')
		return 0;
	if (y < 1900 || y > 2999 || m < 1 || m > 12 || d < 1 || d > 31)
		return 0;
	struct tm tm = {.tm_year = y - 1900, .tm_mon = m - 1, .tm_mday = d, .tm_hour = 12};
	time_t t = timegm(&tm);
	struct tm back;
	gmtime_r(&t, &back);
	return back.tm_mday == d && back.tm_mon == m - 1;
}
