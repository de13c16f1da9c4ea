/* Tests the growing buffer: appends across reallocations, NUL termination, reuse after free. */
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

int main(void)
{
	const struct CMUnitTest tests[] = {cmocka_unit_test(test_appends_grow)};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
