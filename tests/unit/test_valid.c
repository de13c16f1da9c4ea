/* Tests common/src/valid.c: text, enum and range checks of request fields and the replies they set. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "ut/err.h"
#include "ut/valid.h"

static ut_reply_t rep;

static int reset(void **state)
{
	(void)state;
	ut_reply_clear(&rep);
	return 0;
}

static void assert_ok_reply(void)
{
	assert_int_equal(rep.status, UT__STATUS__STATUS_OK);
	assert_string_equal(rep.message, "");
}

static void assert_invalid(const char *message)
{
	assert_int_equal(rep.status, UT__STATUS__STATUS_INVALID);
	assert_string_equal(rep.message, message);
}

static char *repeat(const char *unit, int n)
{
	size_t u = strlen(unit);
	char *s = malloc(u * (size_t)n + 1);
	assert_non_null(s);
	for (int i = 0; i < n; i++)
		memcpy(s + u * (size_t)i, unit, u);
	s[u * (size_t)n] = '\0';
	return s;
}

static void test_text_required(void **state)
{
	(void)state;
	assert_int_equal(ut_valid_text(&rep, "name", NULL, 1, 10), UT_EINVAL);
	assert_invalid("name is required");
	reset(NULL);
	assert_int_equal(ut_valid_text(&rep, "name", "", 1, 10), UT_EINVAL);
	assert_invalid("name is required");
	reset(NULL);
	assert_int_equal(ut_valid_text(&rep, "name", "Trần Thị Hoa", 1, 40), 0);
	assert_ok_reply();
}

static void test_text_optional(void **state)
{
	(void)state;
	assert_int_equal(ut_valid_text(&rep, "note", NULL, 0, 10), 0);
	assert_int_equal(ut_valid_text(&rep, "note", "", 0, 10), 0);
	assert_ok_reply();
	/* optional does not mean unchecked */
	assert_int_equal(ut_valid_text(&rep, "note", "a\nb", 0, 10), UT_EINVAL);
	assert_invalid("note contains a control character");
}

static void test_text_too_long(void **state)
{
	(void)state;
	assert_int_equal(ut_valid_text(&rep, "code", "abcde", 1, 5), 0);
	assert_int_equal(ut_valid_text(&rep, "code", "abcdef", 1, 5), UT_EINVAL);
	assert_invalid("code is longer than 5 characters");
}

/* The limit counts characters, not bytes: 200 Chinese characters (600 bytes) pass 200. */
static void test_text_length_in_code_points(void **state)
{
	(void)state;
	char *s = repeat("培", 200);
	assert_int_equal(strlen(s), 600);
	assert_int_equal(ut_valid_text(&rep, "title", s, 1, 200), 0);
	assert_ok_reply();
	free(s);
	s = repeat("训", 201);
	assert_int_equal(ut_valid_text(&rep, "title", s, 1, 200), UT_EINVAL);
	assert_invalid("title is longer than 200 characters");
	free(s);
	reset(NULL);
	s = repeat("\xF0\x9F\x98\x80", 3); /* emoji: 4 bytes, one character each */
	assert_int_equal(ut_valid_text(&rep, "title", s, 1, 3), 0);
	assert_ok_reply();
	free(s);
}

static void test_text_invalid_utf8(void **state)
{
	(void)state;
	assert_int_equal(ut_valid_text(&rep, "name", "abc\xC0\xAF", 1, 100), UT_EINVAL);
	assert_invalid("name is not valid UTF-8");
	reset(NULL);
	assert_int_equal(ut_valid_text(&rep, "name", "\xED\xA0\x80", 0, 100), UT_EINVAL);
	assert_invalid("name is not valid UTF-8");
}

static void test_text_control_chars(void **state)
{
	(void)state;
	const char *bad[] = {"a\tb", "line\r\n", "\x01", "del\x7f", "\x1b[31mred", "c1\xc2\x85", "csi\xc2\x9b"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		reset(NULL);
		assert_int_equal(ut_valid_text(&rep, "venue", bad[i], 1, 100), UT_EINVAL);
		assert_invalid("venue contains a control character");
	}
	/* bytes >= 0x80 are not control characters */
	reset(NULL);
	assert_int_equal(ut_valid_text(&rep, "venue", "Hội trường A \xc2\xa0", 1, 100), 0);
	assert_ok_reply();
}

static void test_enum(void **state)
{
	(void)state;
	const char *const modes[] = {"full", "normal", NULL};
	assert_int_equal(ut_valid_enum(&rep, "mode", "full", modes), 0);
	assert_int_equal(ut_valid_enum(&rep, "mode", "normal", modes), 0);
	assert_ok_reply();
	assert_int_equal(ut_valid_enum(&rep, "mode", "off", modes), UT_EINVAL);
	assert_invalid("mode \"off\" is not one of full, normal");
	reset(NULL);
	assert_int_equal(ut_valid_enum(&rep, "mode", "Full", modes), UT_EINVAL); /* exact match */
	reset(NULL);
	assert_int_equal(ut_valid_enum(&rep, "mode", NULL, modes), UT_EINVAL);
	assert_invalid("mode is required (one of full, normal)");
	reset(NULL);
	assert_int_equal(ut_valid_enum(&rep, "mode", "", modes), UT_EINVAL);
	assert_invalid("mode is required (one of full, normal)");
	reset(NULL);
	/* a value that is not UTF-8 is not echoed into the reply */
	assert_int_equal(ut_valid_enum(&rep, "mode", "\xFF\xFE", modes), UT_EINVAL);
	assert_invalid("mode \"?\" is not one of full, normal");
	reset(NULL);
	const char *const locales[] = {"zh-Hans", "zh-Hant", "vi", "en", NULL};
	assert_int_equal(ut_valid_enum(&rep, "locale", "fr", locales), UT_EINVAL);
	assert_invalid("locale \"fr\" is not one of zh-Hans, zh-Hant, vi, en");
}

static void test_range(void **state)
{
	(void)state;
	assert_int_equal(ut_valid_range(&rep, "capacity", 1, 1, 500), 0);
	assert_int_equal(ut_valid_range(&rep, "capacity", 500, 1, 500), 0);
	assert_int_equal(ut_valid_range(&rep, "capacity", 42, 1, 500), 0);
	assert_ok_reply();
	assert_int_equal(ut_valid_range(&rep, "capacity", 0, 1, 500), UT_EINVAL);
	assert_invalid("capacity must be between 1 and 500 (got 0)");
	reset(NULL);
	assert_int_equal(ut_valid_range(&rep, "capacity", 501, 1, 500), UT_EINVAL);
	assert_invalid("capacity must be between 1 and 500 (got 501)");
	reset(NULL);
	assert_int_equal(ut_valid_range(&rep, "year", INT64_MIN, 2000, 2100), UT_EINVAL);
	assert_invalid("year must be between 2000 and 2100 (got -9223372036854775808)");
	reset(NULL);
	assert_int_equal(ut_valid_range(&rep, "ms", INT64_MAX, INT64_MIN, INT64_MAX), 0);
	assert_ok_reply();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_text_required, reset),
		cmocka_unit_test_setup(test_text_optional, reset),
		cmocka_unit_test_setup(test_text_too_long, reset),
		cmocka_unit_test_setup(test_text_length_in_code_points, reset),
		cmocka_unit_test_setup(test_text_invalid_utf8, reset),
		cmocka_unit_test_setup(test_text_control_chars, reset),
		cmocka_unit_test_setup(test_enum, reset),
		cmocka_unit_test_setup(test_range, reset),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
