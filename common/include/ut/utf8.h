/* UTF-8 checks for text arriving from outside. */
#ifndef UT_UTF8_H
#define UT_UTF8_H

#include <stddef.h>

/* 1 if s[0..len) is well-formed UTF-8 (no overlongs, surrogates or code points > U+10FFFF). */
int ut_utf8_valid(const char *s, size_t len);
/* Number of code points, or -1 if invalid. */
long ut_utf8_len(const char *s, size_t len);

#endif
