/* Tests common/src/config.c: defaults, INI parsing, errors with file:line, path resolution. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "testutil.h"
#include "ut/config.h"
#include "ut/err.h"
#include "ut/log.h"

static char *tmp;

static int setup(void **state)
{
	(void)state;
	ut_log_init("test_config", UT_LOG_ERR + 1); /* the unknown-key warnings are expected */
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

static void check_defaults(const ut_config_t *c)
{
	assert_string_equal(c->node_id, "node-local");
	assert_string_equal(c->run_dir, "var");
	assert_string_equal(c->timezone, "Asia/Shanghai");
	assert_string_equal(c->locale, "zh-Hans");
	assert_string_equal(c->log_level, "info");
	assert_string_equal(c->redis_socket, "redis.sock");
	assert_string_equal(c->redis_host, "127.0.0.1");
	assert_int_equal(c->redis_port, 6379);
	assert_string_equal(c->redis_prefix, "ut:");
	assert_int_equal(c->rpc_max_request_kb, 1024);
	assert_int_equal(c->rpc_timeout_ms, 5000);
	assert_int_equal(c->batch_max, 1024);
	assert_string_equal(c->sqlite_synchronous, "full");
	assert_int_equal(c->busy_timeout_ms, 5000);
	assert_int_equal(c->bus_read_count, 256);
	assert_int_equal(c->bus_claim_idle_ms, 30000);
	assert_int_equal(c->relay_batch, 1000);
}

static void test_defaults(void **state)
{
	(void)state;
	ut_config_t c;
	ut_config_defaults(&c);
	check_defaults(&c);
	assert_null(c.path);
	assert_null(c.dir);
	ut_config_free(&c);
	assert_null(c.node_id);
	assert_null(c.run_dir);
}

/* The file ut_config_write_defaults writes loads back to exactly the defaults. */
static void test_write_defaults_round_trip(void **state)
{
	(void)state;
	char *path = NULL;
	assert_true(asprintf(&path, "%s/defaults.ini", tmp) > 0);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	ut_config_write_defaults(f);
	fclose(f);

	ut_config_t c;
	char err[512] = "";
	int unknown = -1;
	assert_int_equal(ut_config_load(&c, path, err, sizeof err, &unknown), 0);
	assert_string_equal(err, "");
	assert_int_equal(unknown, 0);
	check_defaults(&c);
	ut_config_free(&c);
	free(path);
}

static void test_file_overrides(void **state)
{
	(void)state;
	char *path = tu_write_file(tmp, "node.ini",
				   "# a comment\n"
				   "; another comment\n"
				   "\n"
				   "[node]\n"
				   "id = cn-bj-haidian\n"
				   "  log_level   =   debug  \n"
				   "locale=vi\n"
				   "[redis]\n"
				   "port = 6380\n"
				   "socket =\n"
				   "[ rpc ]\n"
				   "timeout_ms=250\n"
				   "batch_max = 7\n"
				   "[store]\n"
				   "synchronous = normal\n"
				   "busy_timeout_ms = 0\n");
	assert_non_null(path);
	ut_config_t c;
	char err[512] = "";
	int unknown = -1;
	assert_int_equal(ut_config_load(&c, path, err, sizeof err, &unknown), 0);
	assert_int_equal(unknown, 0);
	assert_string_equal(c.node_id, "cn-bj-haidian");
	assert_string_equal(c.log_level, "debug");
	assert_string_equal(c.locale, "vi");
	assert_int_equal(c.redis_port, 6380);
	assert_string_equal(c.redis_socket, "");
	assert_int_equal(c.rpc_timeout_ms, 250);
	assert_int_equal(c.batch_max, 7);
	assert_string_equal(c.sqlite_synchronous, "normal");
	assert_int_equal(c.busy_timeout_ms, 0);
	/* untouched settings keep their defaults */
	assert_string_equal(c.timezone, "Asia/Shanghai");
	assert_string_equal(c.redis_prefix, "ut:");
	assert_int_equal(c.rpc_max_request_kb, 1024);
	assert_int_equal(c.relay_batch, 1000);

	char real[PATH_MAX];
	assert_non_null(realpath(path, real));
	assert_string_equal(c.path, real);
	char *slash = strrchr(real, '/');
	*slash = '\0';
	assert_string_equal(c.dir, real);
	ut_config_free(&c);
	free(path);
}

static void test_run_dir_relative_to_file(void **state)
{
	(void)state;
	char *sub = NULL;
	assert_true(asprintf(&sub, "%s/etc", tmp) > 0);
	assert_int_equal(mkdir(sub, 0700), 0);
	char *path = tu_write_file(sub, "node.ini", "[node]\nrun_dir = run/here\n");
	assert_non_null(path);

	ut_config_t c;
	char err[512] = "";
	assert_int_equal(ut_config_load(&c, path, err, sizeof err, NULL), 0);
	char real[PATH_MAX];
	assert_non_null(realpath(sub, real));

	char want[PATH_MAX + 64];
	snprintf(want, sizeof want, "%s/run/here", real);
	char *run = ut_config_run_dir(&c);
	assert_non_null(run);
	assert_string_equal(run, want);
	free(run);

	snprintf(want, sizeof want, "ipc://%s/run/here/ut-schedd.sock", real);
	char *ep = ut_config_endpoint(&c, "ut-schedd");
	assert_non_null(ep);
	assert_string_equal(ep, want);
	free(ep);

	/* relative paths resolve against the file's directory, absolute ones stay */
	char *r = ut_config_resolve(&c, "keys/node.key");
	snprintf(want, sizeof want, "%s/keys/node.key", real);
	assert_string_equal(r, want);
	free(r);
	r = ut_config_resolve(&c, "/srv/ut/db");
	assert_string_equal(r, "/srv/ut/db");
	free(r);
	ut_config_free(&c);
	free(path);

	/* an absolute run_dir is used as it is */
	path = tu_write_file(sub, "abs.ini", "[node]\nrun_dir = /var/lib/ut\n");
	assert_int_equal(ut_config_load(&c, path, err, sizeof err, NULL), 0);
	run = ut_config_run_dir(&c);
	assert_string_equal(run, "/var/lib/ut");
	free(run);
	ep = ut_config_endpoint(&c, "ut-enrold");
	assert_string_equal(ep, "ipc:///var/lib/ut/ut-enrold.sock");
	free(ep);
	ut_config_free(&c);
	free(path);
	free(sub);
}

/* Each bad file must fail with "<path>:<line>: " and a reason naming the problem. */
static void expect_error(const char *name, const char *text, int line, const char *reason)
{
	char *path = tu_write_file(tmp, name, text);
	assert_non_null(path);
	ut_config_t c;
	char err[512] = "";
	int rc = ut_config_load(&c, path, err, sizeof err, NULL);
	char prefix[512];
	snprintf(prefix, sizeof prefix, "%s:%d: ", path, line);
	if (rc != UT_EINVAL || strncmp(err, prefix, strlen(prefix)) != 0 || !strstr(err, reason))
		fail_msg("%s: rc %d, err \"%s\"; want UT_EINVAL and \"%s...%s\"", name, rc, err, prefix, reason);
	ut_config_free(&c);
	free(path);
}

static void test_syntax_errors(void **state)
{
	(void)state;
	expect_error("noeq.ini", "[node]\nid = a\nthis line has no equals sign\n", 3, "expected key = value");
	expect_error("sec1.ini", "# c\n[node\nid = a\n", 2, "malformed section header");
	expect_error("sec2.ini", "[node]\nid = a\n\n[]\n", 4, "malformed section header");
	expect_error("sec3.ini", "[node] trailing\n", 1, "malformed section header");
	expect_error("outside.ini", "# top\n\nid = x\n[node]\n", 3, "outside any [section]");
	expect_error("notnum.ini", "[redis]\nport = 12ab\n", 2, "redis.port: \"12ab\" is not a whole number");
	expect_error("emptynum.ini", "[rpc]\n\n\ntimeout_ms =\n", 4, "is not a whole number");
	expect_error("float.ini", "[bus]\nread_count = 1.5\n", 2, "is not a whole number");
	expect_error("range1.ini", "[redis]\n\nport = 70000\n", 3, "redis.port: 70000 is outside 1..65535");
	expect_error("range2.ini", "[redis]\nport = 0\n", 2, "outside 1..65535");
	expect_error("range3.ini", "[rpc]\nbatch_max = 99999999999999999999\n", 2, "rpc.batch_max");
	expect_error("range4.ini", "[store]\nbusy_timeout_ms = -1\n", 2, "outside 0..600000");
	expect_error("level.ini", "[node]\nid = a\nlog_level = loud\n", 3, "log_level");
	expect_error("sync.ini", "[redis]\nport = 1\n[store]\n# x\nsynchronous = off\n", 5, "synchronous");
	expect_error("id.ini", "[node]\nid = a/b\n", 2, "node.id");
	expect_error("emptyid.ini", "[node]\nid =\n", 2, "node.id");

	/* a line longer than the reader's buffer is refused, not split into two settings */
	size_t n = 5000;
	char *text = malloc(n + 64);
	assert_non_null(text);
	strcpy(text, "[node]\nlocale = ");
	size_t k = strlen(text);
	memset(text + k, 'x', n);
	strcpy(text + k + n, "\n");
	expect_error("long.ini", text, 2, "line longer than");
	free(text);
}

static void test_missing_file(void **state)
{
	(void)state;
	char path[256];
	snprintf(path, sizeof path, "%s/does-not-exist.ini", tmp);
	ut_config_t c;
	char err[512] = "";
	assert_int_equal(ut_config_load(&c, path, err, sizeof err, NULL), UT_EINVAL);
	assert_non_null(strstr(err, path));
	assert_non_null(strstr(err, "No such file"));
	ut_config_free(&c);
}

static void test_unknown_keys(void **state)
{
	(void)state;
	char *path = tu_write_file(tmp, "unknown.ini",
				   "[node]\n"
				   "colour = blue\n"
				   "id = n1\n"
				   "[nosuch]\n"
				   "id = x\n"
				   "port = 1\n"
				   "[redis]\n"
				   "port = 7000\n");
	ut_config_t c;
	char err[512] = "";
	int unknown = -1;
	assert_int_equal(ut_config_load(&c, path, err, sizeof err, &unknown), 0);
	assert_int_equal(unknown, 3);
	assert_string_equal(c.node_id, "n1");
	assert_int_equal(c.redis_port, 7000);
	ut_config_free(&c);
	/* the counter is optional */
	assert_int_equal(ut_config_load(&c, path, err, sizeof err, NULL), 0);
	ut_config_free(&c);
	free(path);
}

static void test_quoted_values(void **state)
{
	(void)state;
	char *path = tu_write_file(tmp, "quoted.ini",
				   "[node]\n"
				   "id = \"quoted-id\"\n"
				   "timezone = \"\"\n"
				   "locale = \"\n"
				   "[redis]\n"
				   "prefix = \" a b: \"\n"
				   "port = \"6390\"\n"
				   "host = \"培训.example\"\n");
	ut_config_t c;
	char err[512] = "";
	assert_int_equal(ut_config_load(&c, path, err, sizeof err, NULL), 0);
	assert_string_equal(c.node_id, "quoted-id");
	assert_string_equal(c.timezone, "");
	assert_string_equal(c.locale, "\""); /* a lone quote is a value, not a quoted empty string */
	assert_string_equal(c.redis_prefix, " a b: ");
	assert_int_equal(c.redis_port, 6390);
	assert_string_equal(c.redis_host, "培训.example");
	ut_config_free(&c);
	free(path);
}

static void test_byte_order_mark(void **state)
{
	(void)state;
	char *path = tu_write_file(tmp, "bom.ini", "\xEF\xBB\xBF[node]\nid = bom-node\n");
	ut_config_t c;
	char err[512] = "";
	assert_int_equal(ut_config_load(&c, path, err, sizeof err, NULL), 0);
	assert_string_equal(c.node_id, "bom-node");
	ut_config_free(&c);
	free(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_write_defaults_round_trip),
		cmocka_unit_test(test_file_overrides),
		cmocka_unit_test(test_run_dir_relative_to_file),
		cmocka_unit_test(test_syntax_errors),
		cmocka_unit_test(test_missing_file),
		cmocka_unit_test(test_unknown_keys),
		cmocka_unit_test(test_quoted_values),
		cmocka_unit_test(test_byte_order_mark),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
