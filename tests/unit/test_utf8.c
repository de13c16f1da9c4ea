/* Tests common/src/utf8.c: well-formed UTF-8 accepted, every malformation rejected, code points counted. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "ut/utf8.h"

static void ok(const char *s, size_t len, long cps)
{
	if (!ut_utf8_valid(s, len) || ut_utf8_len(s, len) != cps)
		fail_msg("valid %d len %ld, want valid with %ld code points (%zu bytes)", ut_utf8_valid(s, len),
			 ut_utf8_len(s, len), cps, len);
}

static void bad(const char *s, size_t len)
{
	if (ut_utf8_valid(s, len) || ut_utf8_len(s, len) != -1) {
		char hex[128] = "";
		for (size_t i = 0; i < len && i < 40; i++)
			snprintf(hex + strlen(hex), sizeof hex - strlen(hex), "%02X ", (unsigned char)s[i]);
		fail_msg("accepted malformed %s", hex);
	}
}

#define OK(lit, n) ok(lit, sizeof(lit) - 1, n)
#define BAD(lit) bad(lit, sizeof(lit) - 1)

static void test_ascii(void **state)
{
	(void)state;
	OK("", 0);
	OK("a", 1);
	OK("Union cadre training 2026", 25);
	OK("\x7f", 1);
	/* U+0000 is a code point like any other when the length is explicit */
	ok("a\0b", 3, 3);
}

static void test_chinese(void **state)
{
	(void)state;
	OK("培训", 2);
	assert_int_equal(strlen("培训"), 6);
	OK("工会干部培训班 2026", 12);
	/* the length argument is respected: half a character is a truncated sequence */
	bad("培训", 4);
	ok("培训", 3, 1);
}

static void test_vietnamese(void **state)
{
	(void)state;
	/* "Nguyễn Văn Ánh" precomposed (NFC): ễ U+1EC5, ă U+0103, Á U+00C1 */
	OK("Nguy\xE1\xBB\x85n V\xC4\x83n \xC3\x81nh", 14);
	/* the same name decomposed (NFD) has more code points but is just as valid */
	OK("A\xCC\x81nh", 4);
}

static void test_four_byte(void **state)
{
	(void)state;
	OK("\xF0\x9F\x98\x80", 1);         /* U+1F600 */
	OK("ok \xF0\x9F\x91\x8D!", 5);     /* U+1F44D between ASCII */
	OK("\xF0\xA0\x80\x80", 1);         /* U+20000, a CJK Extension B ideograph */
	OK("\xF4\x8F\xBF\xBF", 1);         /* U+10FFFF, the last code point */
}

static void test_boundaries(void **state)
{
	(void)state;
	OK("\xC2\x80", 1);     /* U+0080 */
	OK("\xDF\xBF", 1);     /* U+07FF */
	OK("\xE0\xA0\x80", 1); /* U+0800 */
	OK("\xED\x9F\xBF", 1); /* U+D7FF, just below the surrogates */
	OK("\xEE\x80\x80", 1); /* U+E000, just above */
	OK("\xEF\xBF\xBF", 1); /* U+FFFF */
	OK("\xF0\x90\x80\x80", 1); /* U+10000 */
}

static void test_invalid(void **state)
{
	(void)state;
	BAD("\x80");              /* lone continuation byte */
	BAD("ab\xBF" "cd");       /* continuation byte inside ASCII */
	BAD("\xC0\xAF");          /* overlong '/' */
	BAD("\xC1\xBF");          /* overlong */
	BAD("\xE0\x80\xAF");      /* overlong '/' in three bytes */
	BAD("\xE0\x9F\xBF");      /* overlong U+07FF */
	BAD("\xF0\x80\x80\xAF");  /* overlong in four bytes */
	BAD("\xF0\x8F\xBF\xBF");  /* overlong U+FFFF */
	BAD("\xED\xA0\x80");      /* surrogate U+D800 */
	BAD("\xED\xBF\xBF");      /* surrogate U+DFFF */
	BAD("\xF4\x90\x80\x80");  /* U+110000 */
	BAD("\xF5\x80\x80\x80");  /* lead byte past U+10FFFF */
	BAD("\xFE");
	BAD("\xFF");
	BAD("\xE5\x9F");          /* truncated 3-byte sequence */
	BAD("\xF0\x9F\x98");      /* truncated emoji */
	BAD("abc\xC3");           /* truncated at the end */
	BAD("\xC3" "A");          /* continuation missing */
	BAD("\xE5\x41\x41");      /* continuation missing */
	BAD("\xF0\x9F\x98\x41");  /* last continuation missing */
	BAD("\xE5\x9F\xB9\xE8\xAE"); /* 培 then half of 训 */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ascii),     cmocka_unit_test(test_chinese),
		cmocka_unit_test(test_vietnamese), cmocka_unit_test(test_four_byte),
		cmocka_unit_test(test_boundaries), cmocka_unit_test(test_invalid),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
