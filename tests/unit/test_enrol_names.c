/* Tests services/ut-enrold/names.c: names stored NFC, the search key without case and diacritics
 * (Vietnamese đ included, Chinese unchanged), invalid UTF-8 refused, and calendar dates. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

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
		cmocka_unit_test(test_dates),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
