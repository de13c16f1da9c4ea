/* Tests common/src/log.c: level names, filtering, and the one-line "<time> <ident>[pid] <level>: text" format. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "testutil.h"
#include "ut/log.h"

static char *tmp;

/* Run fn with stderr sent to a file; return what it wrote (malloc'd). */
static char *capture(void (*fn)(void))
{
	char path[256];
	snprintf(path, sizeof path, "%s/stderr", tmp);
	int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	assert_true(fd >= 0);
	int saved = dup(STDERR_FILENO);
	dup2(fd, STDERR_FILENO);
	fn();
	dup2(saved, STDERR_FILENO);
	close(saved);
	off_t n = lseek(fd, 0, SEEK_END);
	char *buf = calloc(1, (size_t)n + 1);
	assert_int_equal(pread(fd, buf, (size_t)n, 0), n);
	close(fd);
	return buf;
}

static int setup(void **state)
{
	(void)state;
	tmp = tu_tmpdir();
	return tmp ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	tu_rmrf(tmp);
	free(tmp);
	return 0;
}

static void test_level_parse(void **state)
{
	(void)state;
	assert_int_equal(ut_log_level_parse("debug"), UT_LOG_DEBUG);
	assert_int_equal(ut_log_level_parse("info"), UT_LOG_INFO);
	assert_int_equal(ut_log_level_parse("warn"), UT_LOG_WARN);
	assert_int_equal(ut_log_level_parse("warning"), UT_LOG_WARN);
	assert_int_equal(ut_log_level_parse("error"), UT_LOG_ERR);
	assert_int_equal(ut_log_level_parse("INFO"), -1);
	assert_int_equal(ut_log_level_parse(""), -1);
	assert_int_equal(ut_log_level_parse("loud"), -1);
}

static void write_some(void)
{
	ut_log_init("ut-testd", UT_LOG_INFO);
	ut_debug("hidden %d", 1);
	ut_info("class %s created", "C-001");
	ut_warn("two\nlines");
	ut_log_set_level(UT_LOG_ERR);
	ut_warn("hidden too");
	ut_error("disk %s", "full");
}

static void test_format_and_filter(void **state)
{
	(void)state;
	char *out = capture(write_some);
	char head[64];
	snprintf(head, sizeof head, " ut-testd[%d] ", (int)getpid());
	/* exactly three lines, each "<YYYY-MM-DDTHH:MM:SS.mmmZ> ut-testd[pid] level: text" */
	const char *want[] = {"info: class C-001 created", "warn: two lines", "error: disk full"};
	char *save = NULL, *line = strtok_r(out, "\n", &save);
	for (int i = 0; i < 3; i++) {
		assert_non_null(line);
		assert_true(strlen(line) > 24);
		assert_int_equal(line[4], '-');
		assert_int_equal(line[10], 'T');
		assert_int_equal(line[23], 'Z');
		assert_memory_equal(line + 24, head, strlen(head));
		assert_string_equal(line + 24 + strlen(head), want[i]);
		line = strtok_r(NULL, "\n", &save);
	}
	assert_null(line);
	free(out);
}

static void write_long(void)
{
	ut_log_init("ut-testd", UT_LOG_DEBUG);
	char *big = malloc(5000);
	memset(big, 'x', 4999);
	big[4999] = '\0';
	ut_info("%s", big);
	free(big);
}

static void test_long_line_truncated(void **state)
{
	(void)state;
	char *out = capture(write_long);
	size_t n = strlen(out);
	assert_true(n > 1000 && n <= 2048);
	assert_int_equal(out[n - 1], '\n');
	assert_ptr_equal(strchr(out, '\n'), out + n - 1); /* one line only */
	free(out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_level_parse),
		cmocka_unit_test(test_format_and_filter),
		cmocka_unit_test(test_long_line_truncated),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
