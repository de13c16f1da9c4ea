/* Tests services/ut-enrold/names.c: names stored NFC, the search key without case and diacritics
 * (Vietnamese đ included, Chinese unchanged), invalid UTF-8 refused, and calendar dates. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "enrold.h"

static void eq_free(char *got, const char *want)
{
	assert_non_null(got);
	assert_string_equal(got, want);
	free(got);
}

static void test_nfc(void **state)
{
	(void)state;
	/* "Nguyễn Thị Hương" typed with combining marks */
	eq_free(enrol_name_nfc("Nguye\xcc\x82\xcc\x83n Thi\xcc\xa3 Hu\xcc\x9bo\xcc\x9bng"), "Nguyễn Thị Hương");
	eq_free(enrol_name_nfc("Nguyễn Thị Hương"), "Nguyễn Thị Hương");
	eq_free(enrol_name_nfc("王丽华"), "王丽华");
	eq_free(enrol_name_nfc("  Lê Văn Tám "), "Lê Văn Tám");
	eq_free(enrol_name_nfc("   "), "");
	assert_null(enrol_name_nfc("bad \xff"));
	assert_null(enrol_name_nfc("\xe1\xba"));
}

static void test_key(void **state)
{
	(void)state;
	eq_free(enrol_name_key("Nguyễn Thị Hương"), "nguyen thi huong");
	eq_free(enrol_name_key("Nguye\xcc\x82\xcc\x83n"), "nguyen");
	eq_free(enrol_name_key("TRẦN VĂN ĐỨC"), "tran van duc");
	eq_free(enrol_name_key("đoàn"), "doan");
	eq_free(enrol_name_key("李建国"), "李建国");
	eq_free(enrol_name_key("陳大文"), "陳大文");
	eq_free(enrol_name_key(""), "");
	assert_null(enrol_name_key("x\xc0\xafy"));
}

/* What utf8proc makes of s as a whole, with the same trimming and đ -> d: the slow path. */
static char *whole(const char *s, utf8proc_option_t opts, int key)
{
	utf8proc_uint8_t *out = NULL;
	if (utf8proc_map((const utf8proc_uint8_t *)s, 0, &out, UTF8PROC_NULLTERM | UTF8PROC_STABLE | opts) < 0)
		return NULL;
	char *t = (char *)out, *w = t, *r = t;
	while (*r == ' ')
		r++;
	for (; *r; r++)
		if (key && (unsigned char)r[0] == 0xc4 && (unsigned char)r[1] == 0x91)
			*w++ = 'd', r++;
		else
			*w++ = *r;
	while (w > t && w[-1] == ' ')
		w--;
	*w = '\0';
	return t;
}

/* Every code point of the fast path's tables, alone and between others, gives what utf8proc gives
 * for the whole name (the tables leave out what would differ). */
static void test_fast_path_equals_utf8proc(void **state)
{
	(void)state;
	static const int ranges[][2] = {{0x20, 0x300}, {0x1e00, 0x1f00}, {0x4e00, 0x4e40}, {0x300, 0x370}, {0xac00, 0xac10}};
	for (size_t r = 0; r < sizeof ranges / sizeof *ranges; r++)
		for (int cp = ranges[r][0]; cp < ranges[r][1]; cp++) {
			utf8proc_uint8_t c[5] = {0};
			utf8proc_encode_char(cp, c);
			char name[64];
			snprintf(name, sizeof name, "%s", (char *)c);
			for (int form = 0; form < 2; form++) {
				char *nfc = enrol_name_nfc(name), *key = enrol_name_key(name);
				char *want_nfc = whole(name, UTF8PROC_COMPOSE, 0);
				char *want_key = whole(name, UTF8PROC_COMPOSE | UTF8PROC_STRIPMARK | UTF8PROC_CASEFOLD, 1);
				assert_non_null(nfc);
				assert_non_null(key);
				if (strcmp(nfc, want_nfc) || strcmp(key, want_key))
					fail_msg("U+%04X in \"%s\": nfc \"%s\" key \"%s\", utf8proc \"%s\" \"%s\"", cp, name, nfc,
						 key, want_nfc, want_key);
				free(nfc), free(key), free(want_nfc), free(want_key);
				snprintf(name, sizeof name, "Tr%sn Ă%sĐ%sx", (char *)c, (char *)c, (char *)c);
			}
		}
}

static void test_dates(void **state)
{
	(void)state;
	assert_true(enrol_valid_date("2024-02-29"));
	assert_true(enrol_valid_date("2026-12-31"));
	assert_false(enrol_valid_date("2025-02-29"));
	assert_false(enrol_valid_date("2025-04-31"));
	assert_false(enrol_valid_date("2025-13-01"));
	assert_false(enrol_valid_date("2025-1-01"));
	assert_false(enrol_valid_date("2025-01-01x"));
	assert_false(enrol_valid_date("20250101"));
	assert_false(enrol_valid_date(""));
	assert_false(enrol_valid_date(NULL));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_nfc),
		cmocka_unit_test(test_key),
		cmocka_unit_test(test_fast_path_equals_utf8proc),
		cmocka_unit_test(test_dates),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
