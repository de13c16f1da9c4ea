/* Tests common/src/err.c: UT_E* codes, their names and their mapping to and from wire statuses. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "envelope.pb-c.h"
#include "ut/err.h"

static void test_round_trip(void **state)
{
	(void)state;
	const int errs[] = {UT_OK, UT_EINVAL, UT_ENOTFOUND, UT_ECONFLICT, UT_EUNAVAIL, UT_EINTERNAL};
	for (size_t i = 0; i < sizeof errs / sizeof errs[0]; i++)
		assert_int_equal(ut_status_to_err(ut_err_to_status(errs[i])), errs[i]);
}

static void test_mapping(void **state)
{
	(void)state;
	assert_int_equal(ut_err_to_status(UT_OK), UT__STATUS__STATUS_OK);
	assert_int_equal(ut_err_to_status(UT_EINVAL), UT__STATUS__STATUS_INVALID);
	assert_int_equal(ut_err_to_status(UT_ENOTFOUND), UT__STATUS__STATUS_NOT_FOUND);
	assert_int_equal(ut_err_to_status(UT_ECONFLICT), UT__STATUS__STATUS_CONFLICT);
	/* a caller can retry all of these later */
	assert_int_equal(ut_err_to_status(UT_EUNAVAIL), UT__STATUS__STATUS_UNAVAILABLE);
	assert_int_equal(ut_err_to_status(UT_ETIMEOUT), UT__STATUS__STATUS_UNAVAILABLE);
	assert_int_equal(ut_err_to_status(UT_ENOMEM), UT__STATUS__STATUS_UNAVAILABLE);
	assert_int_equal(ut_err_to_status(UT_EINTERNAL), UT__STATUS__STATUS_INTERNAL);
	assert_int_equal(ut_err_to_status(-999), UT__STATUS__STATUS_INTERNAL);
	assert_int_equal(ut_status_to_err(99), UT_EINTERNAL);
}

static void test_names(void **state)
{
	(void)state;
	assert_string_equal(ut_strerror(UT_OK), "ok");
	assert_string_equal(ut_strerror(UT_ECONFLICT), "conflict");
	assert_string_equal(ut_strerror(UT_ETIMEOUT), "timed out");
	assert_string_equal(ut_strerror(-999), "internal error");
	assert_string_equal(ut_status_name(UT__STATUS__STATUS_NOT_FOUND), "not_found");
	assert_string_equal(ut_status_name(UT__STATUS__STATUS_UNAVAILABLE), "unavailable");
	assert_string_equal(ut_status_name(42), "internal");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_mapping),
		cmocka_unit_test(test_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
