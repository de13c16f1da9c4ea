/* Tests common/src/curvekey.c on real files: a generated pair is written mode 0600 and read back
 * whole, an existing file is kept unless overwriting is asked for, and a file others can read,
 * a missing one or a malformed one are refused with distinct codes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <zmq.h>

#include "testutil.h"
#include "ut/config.h"
#include "ut/curvekey.h"
#include "ut/err.h"

static char *tmp, *path;

static int setup(void **state)
{
	(void)state;
	if (!(tmp = tu_tmpdir()) || asprintf(&path, "%s/report.key", tmp) < 0)
		return -1;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	tu_rmrf(tmp);
	free(tmp);
	free(path);
	return 0;
}

static void test_generate_then_load(void **state)
{
	(void)state;
	char pub[UT_CURVEKEY_LEN + 1], lpub[UT_CURVEKEY_LEN + 1], lsec[UT_CURVEKEY_LEN + 1], derived[UT_CURVEKEY_LEN + 1];
	assert_int_equal(ut_curvekey_generate(path, 0, pub), 0);
	struct stat st;
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal(ut_curvekey_load(path, lpub, lsec), 0);
	assert_string_equal(lpub, pub);
	/* the secret read back is the one that belongs to the public key */
	assert_int_equal(zmq_curve_public(derived, lsec), 0);
	assert_string_equal(derived, pub);
	assert_true(ut_curvekey_valid(pub) && ut_curvekey_valid(lsec));
}

static void test_existing_file_kept_unless_overwritten(void **state)
{
	(void)state;
	char pub[UT_CURVEKEY_LEN + 1], again[UT_CURVEKEY_LEN + 1], sec[UT_CURVEKEY_LEN + 1];
	assert_int_equal(ut_curvekey_load(path, pub, sec), 0);
	assert_int_equal(ut_curvekey_generate(path, 0, again), UT_ECONFLICT);
	assert_int_equal(ut_curvekey_load(path, again, sec), 0);
	assert_string_equal(again, pub);
	assert_int_equal(ut_curvekey_generate(path, 1, again), 0);
	assert_string_not_equal(again, pub);
	assert_int_equal(ut_curvekey_load(path, pub, sec), 0);
	assert_string_equal(pub, again);
}

static void test_refusals(void **state)
{
	(void)state;
	char pub[UT_CURVEKEY_LEN + 1], sec[UT_CURVEKEY_LEN + 1], *p;
	assert_int_equal(chmod(path, 0640), 0);
	assert_int_equal(ut_curvekey_load(path, pub, sec), UT_EINVAL); /* others may read the secret */
	assert_int_equal(chmod(path, 0600), 0);
	assert_int_equal(ut_curvekey_load(path, pub, sec), 0);

	assert_non_null(p = tu_write_file(tmp, "missing.key", ""));
	remove(p);
	assert_int_equal(ut_curvekey_load(p, pub, sec), UT_ENOTFOUND);
	free(p);

	/* a secret line one character short: no pair */
	char text[200];
	snprintf(text, sizeof text, "public %s\nsecret %.39s\n", pub, sec);
	assert_non_null(p = tu_write_file(tmp, "short.key", text));
	assert_int_equal(chmod(p, 0600), 0);
	assert_int_equal(ut_curvekey_load(p, pub, sec), UT_EINVAL);
	free(p);
}

static void test_valid(void **state)
{
	(void)state;
	char pub[UT_CURVEKEY_LEN + 1], sec[UT_CURVEKEY_LEN + 1], bad[UT_CURVEKEY_LEN + 1];
	assert_int_equal(zmq_curve_keypair(pub, sec), 0);
	assert_true(ut_curvekey_valid(pub));
	memcpy(bad, pub, sizeof bad);
	bad[7] = '"'; /* not in the Z85 alphabet */
	assert_false(ut_curvekey_valid(bad));
	bad[39] = '\0';
	assert_false(ut_curvekey_valid(bad));
	assert_false(ut_curvekey_valid(NULL));
}

static void test_path(void **state)
{
	(void)state;
	ut_config_t cfg;
	ut_config_defaults(&cfg);
	free(cfg.run_dir);
	cfg.run_dir = strdup(tmp);
	char *p = ut_curvekey_path(&cfg), *want;
	assert_int_equal(asprintf(&want, "%s/report.key", tmp), (int)strlen(tmp) + 11);
	assert_string_equal(p, want); /* the default, in the run directory */
	free(p);
	free(cfg.report_key_file);
	cfg.report_key_file = strdup("/etc/ut/node.key");
	assert_string_equal(p = ut_curvekey_path(&cfg), "/etc/ut/node.key");
	free(p);
	free(want);
	ut_config_free(&cfg);
}

int main(void)
{
	/* in order: the later tests use the file the first one made */
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_generate_then_load),
		cmocka_unit_test(test_existing_file_kept_unless_overwritten),
		cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_valid),
		cmocka_unit_test(test_path),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
