/* Tests common/src/csv.c: RFC 4180 quoting, CRLF and LF, BOM, line numbers of records that span
 * lines, blank lines, malformed input refused with a reason, and the formula-looking cells. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "ut/csv.h"
#include "ut/err.h"

#define INIT(c, lit) ut_csv_init(c, lit, sizeof(lit) - 1)

static void expect(ut_csv_t *c, int line, int n, const char *const *want)
{
	assert_int_equal(ut_csv_next(c), 1);
	assert_int_equal(c->line, line);
	assert_int_equal(c->n, n);
	for (int i = 0; i < n; i++)
		assert_string_equal(ut_csv_field(c, i), want[i]);
}

static void test_plain(void **state)
{
	(void)state;
	ut_csv_t c;
	INIT(&c, "id,name\nC1,王丽\nC2,Nguyễn Văn A");
	expect(&c, 1, 2, (const char *[]){"id", "name"});
	expect(&c, 2, 2, (const char *[]){"C1", "王丽"});
	expect(&c, 3, 2, (const char *[]){"C2", "Nguyễn Văn A"}); /* no final newline */
	assert_int_equal(ut_csv_next(&c), 0);
	assert_int_equal(ut_csv_next(&c), 0);
	ut_csv_free(&c);
}

static void test_quotes_crlf_bom(void **state)
{
	(void)state;
	ut_csv_t c;
	INIT(&c, "\xef\xbb\xbf"
		 "a,\"b,c\",\"say \"\"hi\"\"\"\r\n"
		 "\"two\r\nlines\",,\"\"\r\n"
		 "\r\n"
		 "last,\n");
	expect(&c, 1, 3, (const char *[]){"a", "b,c", "say \"hi\""});
	expect(&c, 2, 3, (const char *[]){"two\r\nlines", "", ""});
	/* the record after a quoted line break starts on line 3; line 4 is blank */
	expect(&c, 5, 2, (const char *[]){"last", ""});
	assert_int_equal(ut_csv_next(&c), 0);
	assert_string_equal(ut_csv_field(&c, 7), "");
	ut_csv_free(&c);
}

static void bad(const char *text, int line, const char *why)
{
	ut_csv_t c;
	ut_csv_init(&c, text, strlen(text));
	int rc;
	while ((rc = ut_csv_next(&c)) == 1)
		;
	assert_int_equal(rc, UT_EINVAL);
	assert_int_equal(c.line, line);
	assert_non_null(strstr(c.err, why));
	assert_int_equal(ut_csv_next(&c), 0); /* nothing after a malformed record */
	ut_csv_free(&c);
}

static void test_malformed(void **state)
{
	(void)state;
	bad("a,b\n\"open,c\n", 2, "not closed");
	bad("a,b\nx\"y,c\n", 2, "quote inside an unquoted field");
	bad("\"a\"b,c\n", 1, "after the closing quote");
	bad("a\rb\n", 1, "carriage return");
}

static void test_nul(void **state)
{
	(void)state;
	ut_csv_t c;
	ut_csv_init(&c, "a,b\0c\n", 6);
	assert_int_equal(ut_csv_next(&c), UT_EINVAL);
	assert_non_null(strstr(c.err, "NUL"));
	ut_csv_free(&c);
}

static void test_formula_like(void **state)
{
	(void)state;
	assert_true(ut_csv_formula_like("=SUM(A1)"));
	assert_true(ut_csv_formula_like("+84 912"));
	assert_true(ut_csv_formula_like("-1"));
	assert_true(ut_csv_formula_like("@cmd"));
	assert_false(ut_csv_formula_like("王丽"));
	assert_false(ut_csv_formula_like(""));
	assert_false(ut_csv_formula_like(NULL));
}

static void test_long_field(void **state)
{
	(void)state;
	static char big[100000];
	memset(big, 'x', sizeof big - 2);
	big[sizeof big - 2] = '\n';
	ut_csv_t c;
	ut_csv_init(&c, big, sizeof big - 1);
	assert_int_equal(ut_csv_next(&c), 1);
	assert_int_equal(strlen(ut_csv_field(&c, 0)), sizeof big - 2);
	ut_csv_free(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain),     cmocka_unit_test(test_quotes_crlf_bom), cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_nul),       cmocka_unit_test(test_formula_like),    cmocka_unit_test(test_long_field),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
