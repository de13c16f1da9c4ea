/* Tests the growing buffer: appends across reallocations, NUL termination, reuse after free, room
 * filled by the caller; and decimal digits. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "ut/buf.h"

static void test_appends_grow(void **state)
{
	(void)state;
	ut_buf_t b = {0};
	for (int i = 0; i < 1000; i++)
		ut_buf_str(&b, "培训");
	assert_false(b.failed);
	assert_int_equal(b.n, 6000);
	assert_int_equal(b.p[b.n], '\0');
	assert_memory_equal(b.p + 5994, "培训", 6);
	ut_buf_add(&b, "a\0b", 3); /* bytes, not strings */
	assert_int_equal(b.n, 6003);
	assert_int_equal(b.p[6001], '\0');
	ut_buf_free(&b);
	assert_null(b.p);
	assert_int_equal(b.n, 0);
	ut_buf_str(&b, "again");
	assert_string_equal(b.p, "again");
	ut_buf_free(&b);
}

static void test_room(void **state)
{
	(void)state;
	ut_buf_t b = {0};
	ut_buf_str(&b, "ab");
	char *at = ut_buf_room(&b, 5000); /* moves the buffer */
	assert_non_null(at);
	assert_ptr_equal(at, b.p + 2);
	memset(at, 'x', 5000);
	ut_buf_str(&b, "cd");
	assert_int_equal(b.n, 5004);
	assert_memory_equal(b.p, "abx", 3);
	assert_string_equal(b.p + 5001, "xcd");
	assert_non_null(ut_buf_room(&b, 0));
	assert_int_equal(b.n, 5004);
	ut_buf_free(&b);
}

static void test_decimal(void **state)
{
	(void)state;
	char s[32];
	static const struct {
		uint64_t v;
		const char *text;
	} cases[] = {{0, "0"}, {7, "7"}, {10, "10"}, {1732412345678, "1732412345678"},
		     {UINT64_MAX, "18446744073709551615"}};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		*ut_decimal(s, cases[i].v) = '\0';
		assert_string_equal(s, cases[i].text);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {cmocka_unit_test(test_appends_grow), cmocka_unit_test(test_room),
					   cmocka_unit_test(test_decimal)};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
