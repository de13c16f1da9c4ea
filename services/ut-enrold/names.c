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

/* The fast path. Most names are made of code points that no normalisation changes and whose key
 * does not depend on their neighbours: Latin up to U+02FF and U+1E00-U+1EFF (precomposed
 * Vietnamese), CJK ideographs. For those, NFC is the name itself and the key is the concatenation of
 * each code point's own key, taken from a table that utf8proc fills once; a name with anything else
 * (combining marks, other scripts) goes through utf8proc whole. */
#define KEY_OPTS (UTF8PROC_COMPOSE | UTF8PROC_STRIPMARK | UTF8PROC_CASEFOLD)

typedef struct {
	unsigned char len; /* bytes of key; 0 when the code point must take the slow path */
	char key[7];
} cp_key_t;

static cp_key_t latin[0x300], viet[0x100];

/* A key made of starters only (no mark to reorder or compose with a neighbour, no jamo). */
static int plain(const char *k)
{
	utf8proc_int32_t cp;
	for (utf8proc_ssize_t n, i = 0; k[i]; i += n)
		if ((n = utf8proc_iterate((const utf8proc_uint8_t *)k + i, -1, &cp)) < 1 ||
		    utf8proc_get_property(cp)->combining_class || (cp >= 0x1100 && cp < 0x1200))
			return 0;
	return 1;
}

static void fill(cp_key_t *t, int first, int n)
{
	for (int i = 0; i < n; i++) {
		utf8proc_uint8_t in[8], *out = NULL;
		utf8proc_ssize_t len = utf8proc_encode_char(first + i, in);
		in[len] = 0;
		char *nfc = map((char *)in, UTF8PROC_COMPOSE);
		if (first + i && nfc && !strcmp(nfc, (char *)in) &&
		    utf8proc_map(in, 0, &out, UTF8PROC_NULLTERM | UTF8PROC_STABLE | KEY_OPTS) >= 0 &&
		    strlen((char *)out) < sizeof t[i].key && plain((char *)out)) {
			t[i].len = (unsigned char)strlen((char *)out);
			memcpy(t[i].key, out, t[i].len);
		}
		free(nfc);
		free(out);
	}
}

/* The key of code point cp, NULL when the name must go the slow way; *n gets its length. Code
 * points whose NFC is not themselves, or whose key holds a mark, are left out of the tables. */
static const char *cp_key(utf8proc_int32_t cp, utf8proc_uint8_t *buf, size_t *n)
{
	static int ready;
	if (!ready) {
		fill(latin, 0, 0x300);
		fill(viet, 0x1e00, 0x100);
		ready = 1;
	}
	const cp_key_t *k = cp < 0x300 ? &latin[cp] : cp >= 0x1e00 && cp < 0x1f00 ? &viet[cp - 0x1e00] : NULL;
	if (k)
		return *n = k->len, k->len ? k->key : NULL;
	if ((cp >= 0x3400 && cp < 0x4dc0) || (cp >= 0x4e00 && cp < 0xa000)) /* ideographs: themselves */
		return *n = (size_t)utf8proc_encode_char(cp, buf), (const char *)buf;
	return NULL;
}

/* The code point at p of well-formed UTF-8; *len gets its bytes. */
static utf8proc_int32_t next_cp(const unsigned char *p, size_t *len)
{
	if (p[0] < 0x80)
		return *len = 1, p[0];
	if (p[0] < 0xe0)
		return *len = 2, (p[0] & 0x1f) << 6 | (p[1] & 0x3f);
	if (p[0] < 0xf0)
		return *len = 3, (p[0] & 0x0f) << 12 | (p[1] & 0x3f) << 6 | (p[2] & 0x3f);
	return *len = 4, (p[0] & 0x07) << 18 | (p[1] & 0x3f) << 12 | (p[2] & 0x3f) << 6 | (p[3] & 0x3f);
}

/* The key of s (well-formed UTF-8) by the table into out (as long as s), or 0 when it needs
 * utf8proc; with out NULL only says whether the fast path applies (then NFC is s itself). */
static int fast(const char *s, char *out)
{
	utf8proc_uint8_t buf[4];
	size_t w = 0, n, len;
	for (size_t i = 0; s[i]; i += len) {
		const char *k = cp_key(next_cp((const unsigned char *)s + i, &len), buf, &n);
		if (!k)
			return 0;
		if (out && w + n > i + len) /* longer than the name so far: rare, go slow */
			return 0;
		if (out)
			memcpy(out + w, k, n), w += n;
	}
	if (out)
		out[w] = '\0';
	return 1;
}

char *enrol_name_nfc(const char *s)
{
	if (s && ut_utf8_valid(s, strlen(s)) && fast(s, NULL))
		return trim(strdup(s));
	return trim(map(s, UTF8PROC_COMPOSE));
}

char *enrol_name_key(const char *s)
{
	char *k = NULL;
	if (s && ut_utf8_valid(s, strlen(s)) && (k = malloc(strlen(s) + 1)) && !fast(s, k)) {
		free(k);
		k = NULL;
	}
	k = trim(k ? k : map(s, KEY_OPTS));
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
