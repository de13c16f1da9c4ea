/* UTF-8 validation (RFC 3629): rejects overlong forms, surrogates and values past U+10FFFF. */
#include "ut/utf8.h"

long ut_utf8_len(const char *str, size_t len)
{
	const unsigned char *s = (const unsigned char *)str, *e = s + len;
	long n = 0;
	while (s < e) {
		unsigned c = *s;
		int k;
		unsigned lo = 0x80, hi = 0xBF;
		if (c < 0x80) {
			s++;
			n++;
			continue;
		} else if (c >= 0xC2 && c <= 0xDF)
			k = 1;
		else if (c >= 0xE0 && c <= 0xEF) {
			k = 2;
			if (c == 0xE0)
				lo = 0xA0;
			if (c == 0xED)
				hi = 0x9F;
		} else if (c >= 0xF0 && c <= 0xF4) {
			k = 3;
			if (c == 0xF0)
				lo = 0x90;
			if (c == 0xF4)
				hi = 0x8F;
		} else
			return -1;
		if (e - s <= k)
			return -1;
		if (s[1] < lo || s[1] > hi)
			return -1;
		for (int i = 2; i <= k; i++)
			if (s[i] < 0x80 || s[i] > 0xBF)
				return -1;
		s += k + 1;
		n++;
	}
	return n;
}

int ut_utf8_valid(const char *s, size_t len) { return ut_utf8_len(s, len) >= 0; }
