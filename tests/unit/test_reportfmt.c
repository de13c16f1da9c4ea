/* Tests common/src/reportfmt.c: the seed's percentages, CSV cells that cannot run as formulas, every
 * label in four languages (key files: test_curvekey.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ut/err.h"
#include "ut/i18n.h"
#include "ut/labels.h"
#include "ut/reportfmt.h"

static void seed_percentages(void **state)
{
	assert_int_equal(ut_pct(33, 33), 100);
	assert_int_equal(ut_pct(3831, 3580), 107);
	assert_int_equal(ut_pct(3060, 3000), 102);
	assert_int_equal(ut_pct(1, 8), 13);  /* 12.5 rounds up */
	assert_int_equal(ut_pct(1, 200), 1); /* 0.5 rounds up */
	assert_int_equal(ut_pct(1, 201), 0);
	assert_int_equal(ut_pct(115, 150), 77);
	assert_int_equal(ut_pct(0, 10), 0);
	assert_int_equal(ut_pct(5, 0), -1);
	assert_int_equal(ut_pct(INT64_C(3000000000), INT64_C(3000000000)), 100);
}

static char *csv(const char *s)
{
	static char buf[256];
	memset(buf, 0, sizeof buf);
	FILE *f = fmemopen(buf, sizeof buf, "w");
	ut_csv_cell(f, s);
	fclose(f);
	return buf;
}

static void csv_cells(void **state)
{
	assert_string_equal(csv("安全生产"), "安全生产");
	assert_string_equal(csv("=SUM(A1:A9)"), "'=SUM(A1:A9)");
	assert_string_equal(csv("+1"), "'+1");
	assert_string_equal(csv("-2+3"), "'-2+3");
	assert_string_equal(csv("@cmd"), "'@cmd");
	assert_string_equal(csv("a,b"), "\"a,b\"");
	assert_string_equal(csv("=\"x\",y"), "\"'=\"\"x\"\",y\"");
	assert_string_equal(csv("107%"), "107%");
	assert_string_equal(csv(""), "");
}

static void labels(void **state)
{
	static const char *const keys[] = {"classes_planned", "classes_held", "classes_pct", "participations_pct",
					   "attendance_rate", "completion_rate", "ft_pct", "total", "safety", "labour_law"};
	static const char *const locs[] = {"zh-Hans", "zh-Hant", "vi"};
	const char *en[sizeof keys / sizeof keys[0]];
	ut_i18n_use("en");
	for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
		en[i] = ut_report_label(keys[i]);
	for (size_t k = 0; k < 3; k++) {
		assert_int_equal(ut_i18n_use(locs[k]), 0);
		for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
			if (!strcmp(ut_report_label(keys[i]), en[i]))
				fail_msg("no %s label for %s", locs[k], keys[i]);
	}
	ut_i18n_use("zh-Hans");
	assert_string_equal(ut_report_label("participations"), "参训人次");
	ut_i18n_use("zh-Hant");
	assert_string_equal(ut_report_label("participations"), "參訓人次");
	ut_i18n_use("vi");
	assert_string_equal(ut_report_label("participations"), "Lượt học viên tham gia");
	ut_i18n_use("en");
	assert_string_equal(ut_report_label("participations"), "Participations");
	assert_string_equal(ut_report_label("no_such_key"), "no_such_key");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(seed_percentages),
		cmocka_unit_test(csv_cells),
		cmocka_unit_test(labels),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
