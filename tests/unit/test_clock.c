/* Tests common/src/clock.c: local times in the node's zone (Asia/Shanghai), strict parsing, formatting. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ut/clock.h"
#include "ut/err.h"

static int shanghai(void **state)
{
	(void)state;
	return ut_clock_set_zone("Asia/Shanghai");
}

static void test_parse_local(void **state)
{
	(void)state;
	int64_t t = 0;
	assert_int_equal(ut_clock_parse_local("2026-03-05 09:00", &t), 0);
	assert_int_equal(t, 1772672400); /* 2026-03-05T01:00:00Z */
	t = 0;
	assert_int_equal(ut_clock_parse_local("2026-03-05T09:00", &t), 0);
	assert_int_equal(t, 1772672400);
	assert_int_equal(ut_clock_parse_local("1970-01-01 08:00", &t), 0);
	assert_int_equal(t, 0);
	assert_int_equal(ut_clock_parse_local("2026-12-31 23:59", &t), 0);
	assert_int_equal(t, 1798732740);
	assert_int_equal(ut_clock_parse_local("2024-02-29 00:00", &t), 0); /* leap year */
	assert_int_equal(t, 1709136000);
	assert_int_equal(ut_clock_parse_local("2000-02-29 12:00", &t), 0); /* divisible by 400 */
}

static void test_parse_invalid(void **state)
{
	(void)state;
	const char *bad[] = {
		"2026-02-30 09:00",  /* no such day */
		"2025-02-29 09:00",  /* not a leap year */
		"2100-02-29 09:00",  /* divisible by 100, not by 400 */
		"2026-04-31 09:00",
		"2026-13-01 09:00",
		"2026-00-10 09:00",
		"2026-03-00 09:00",
		"2026-03-05 24:00",
		"2026-03-05 09:60",
		"2026-3-5 9:00",     /* the format has two digits everywhere */
		"2026-03-05 9:00",
		"2026-03-5 09:00",
		"2026-03-05 09:00 trailing",
		"2026-03-05 09:00 ",
		"2026-03-05 09:00:00",
		" 2026-03-05 09:00",
		"2026-03-05  9:00",
		"2026-03-05 +9:00",
		"2026-+3-05 09:00",
		"2026-03-05X09:00",
		"2026/03/05 09:00",
		"2026-03-05",
		"09:00",
		"1969-12-31 23:59",  /* before the epoch */
		"",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		int64_t t = 12345;
		int rc = ut_clock_parse_local(bad[i], &t);
		if (rc != UT_EINVAL || t != 12345)
			fail_msg("\"%s\" parsed: rc %d, t %lld", bad[i], rc, (long long)t);
	}
	int64_t t;
	assert_int_equal(ut_clock_parse_local(NULL, &t), UT_EINVAL);
}

static void test_parse_date_time(void **state)
{
	(void)state;
	int64_t t = 0;
	assert_int_equal(ut_clock_parse_date_time("2026-03-05", "09:00", &t), 0);
	assert_int_equal(t, 1772672400);
	assert_int_equal(ut_clock_parse_date_time("2026-03-05", "00:00", &t), 0);
	assert_int_equal(t, 1772640000);
	const char *bad[][2] = {
		{"2026-02-30", "09:00"}, {"2026-03-05", "24:00"}, {"2026-03-05", "9:00"},
		{"2026-3-5", "09:00"},   {"2026-03-05", "09:00x"}, {"2026-03-05 ", "09:00"},
		{"2026-03-05", "09:00:00"}, {"", "09:00"},     {"2026-03-05", ""},
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		int rc = ut_clock_parse_date_time(bad[i][0], bad[i][1], &t);
		if (rc != UT_EINVAL)
			fail_msg("\"%s\" + \"%s\" parsed: rc %d", bad[i][0], bad[i][1], rc);
	}
	assert_int_equal(ut_clock_parse_date_time(NULL, "09:00", &t), UT_EINVAL);
	assert_int_equal(ut_clock_parse_date_time("2026-03-05", NULL, &t), UT_EINVAL);
}

static void test_format_round_trip(void **state)
{
	(void)state;
	char buf[32];
	assert_string_equal(ut_clock_format_local(1772672400, buf, sizeof buf), "2026-03-05 09:00");
	assert_string_equal(ut_clock_format_local(0, buf, sizeof buf), "1970-01-01 08:00");
	const char *times[] = {"2026-03-05 09:00", "2026-01-01 00:00", "2024-02-29 23:59", "2030-07-15 14:30",
			       "1999-12-31 23:59"};
	for (size_t i = 0; i < sizeof times / sizeof times[0]; i++) {
		int64_t t;
		assert_int_equal(ut_clock_parse_local(times[i], &t), 0);
		assert_string_equal(ut_clock_format_local(t, buf, sizeof buf), times[i]);
	}
	/* seconds within the minute are dropped */
	assert_string_equal(ut_clock_format_local(1772672400 + 59, buf, sizeof buf), "2026-03-05 09:00");
	/* too small a buffer gets a fallback, never an overflow */
	char small[8];
	ut_clock_format_local(1772672400, small, sizeof small);
	assert_true(strlen(small) < sizeof small);
}

static void test_zone_matters(void **state)
{
	(void)state;
	int64_t t;
	assert_int_equal(ut_clock_set_zone("UTC"), 0);
	assert_int_equal(ut_clock_parse_local("2026-03-05 09:00", &t), 0);
	assert_int_equal(t, 1772672400 + 8 * 3600);
	assert_int_equal(ut_clock_set_zone("Asia/Ho_Chi_Minh"), 0); /* UTC+7 */
	assert_int_equal(ut_clock_parse_local("2026-03-05 09:00", &t), 0);
	assert_int_equal(t, 1772672400 + 3600);
	assert_int_equal(ut_clock_set_zone("Asia/Shanghai"), 0);
	/* "" keeps the zone that is set */
	assert_int_equal(ut_clock_set_zone(""), 0);
	assert_int_equal(ut_clock_parse_local("2026-03-05 09:00", &t), 0);
	assert_int_equal(t, 1772672400);
}

static void test_clocks(void **state)
{
	(void)state;
	int64_t now = ut_clock_now_ms();
	assert_true(now > 1700000000000LL); /* after 2023 */
	assert_true(now < 4102444800000LL); /* before 2100 */
	int64_t a = ut_clock_mono_ms(), b = ut_clock_mono_ms();
	assert_true(b >= a);
}

static char clock_file[] = "/tmp/ut-clock-test.XXXXXX";

static void write_clock(const char *text)
{
	FILE *f = fopen(clock_file, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

/* UT_CLOCK_FILE (set in main before the first read; absent until now, so the real clock ran). */
static void test_clock_file(void **state)
{
	(void)state;
	write_clock("1773190800000\n");
	assert_int_equal(ut_clock_now_ms(), 1773190800000LL);
	write_clock("1773277200000\n");
	assert_int_equal(ut_clock_now_ms(), 1773277200000LL);
	/* caught mid-rewrite (empty, garbage) or missing: the last value, not the real clock */
	write_clock("");
	assert_int_equal(ut_clock_now_ms(), 1773277200000LL);
	write_clock("x");
	assert_int_equal(ut_clock_now_ms(), 1773277200000LL);
	unlink(clock_file);
	assert_int_equal(ut_clock_now_ms(), 1773277200000LL);
}

int main(void)
{
	int fd = mkstemp(clock_file);
	if (fd < 0)
		return 1;
	close(fd);
	unlink(clock_file);
	setenv("UT_CLOCK_FILE", clock_file, 1);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_parse_local, shanghai),
		cmocka_unit_test_setup(test_parse_invalid, shanghai),
		cmocka_unit_test_setup(test_parse_date_time, shanghai),
		cmocka_unit_test_setup(test_format_round_trip, shanghai),
		cmocka_unit_test_setup(test_zone_matters, shanghai),
		cmocka_unit_test(test_clocks),
		cmocka_unit_test(test_clock_file), /* after test_clocks, which needs the real clock */
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
