/* Unit tests of ut-notifyd's pure parts: reminder offsets, quiet hours in the node's zone,
 * template checking and rendering in every locale, the iCalendar text; linked with the daemon's
 * objects. */
#include "notifyd.h"
#include "ut/clock.h"
#include "ut/err.h"
#include "ut/utf8.h"

#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

static int64_t local_ms(const char *s)
{
	int64_t t;
	assert_int_equal(ut_clock_parse_local(s, &t), 0);
	return t * 1000;
}

static void test_offsets(void **state)
{
	int64_t o[NOTIFY_MAX_OFFSETS];
	int n;
	assert_int_equal(notify_parse_offsets("3d,1d,2h", o, NOTIFY_MAX_OFFSETS, &n), 0);
	assert_int_equal(n, 3);
	assert_int_equal(o[0], 259200);
	assert_int_equal(o[1], 86400);
	assert_int_equal(o[2], 7200);
	assert_int_equal(notify_parse_offsets(" 30m , 1h", o, NOTIFY_MAX_OFFSETS, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(o[0], 1800);
	assert_int_equal(notify_parse_offsets("", o, NOTIFY_MAX_OFFSETS, &n), 0);
	assert_int_equal(n, 0);
	assert_int_equal(notify_parse_offsets("3x", o, NOTIFY_MAX_OFFSETS, &n), UT_EINVAL);
	assert_int_equal(notify_parse_offsets("0d", o, NOTIFY_MAX_OFFSETS, &n), UT_EINVAL);
	assert_int_equal(notify_parse_offsets("2hh", o, NOTIFY_MAX_OFFSETS, &n), UT_EINVAL);
	assert_int_equal(notify_parse_offsets("1d,1d,1d", o, 2, &n), UT_EINVAL);
}

static void test_course_offsets(void **state)
{
	notify_course_offsets_t *c;
	int n;
	assert_int_equal(notify_parse_course_offsets("LAW-2026=7d,1d; SAFE = 2h", &c, &n), 0);
	assert_int_equal(n, 2);
	assert_string_equal(c[0].code, "LAW-2026");
	assert_int_equal(c[0].n, 2);
	assert_int_equal(c[0].offsets[0], 7 * 86400);
	assert_string_equal(c[1].code, "SAFE");
	assert_int_equal(c[1].offsets[0], 7200);
	free(c);
	assert_int_equal(notify_parse_course_offsets("", &c, &n), 0);
	assert_int_equal(n, 0);
	assert_int_equal(notify_parse_course_offsets("LAW", &c, &n), UT_EINVAL);
	assert_null(c);
	assert_int_equal(notify_parse_course_offsets("=1d", &c, &n), UT_EINVAL);
	assert_int_equal(notify_parse_course_offsets("LAW=1y", &c, &n), UT_EINVAL);
}

static void test_quiet(void **state)
{
	int from, to;
	assert_int_equal(notify_parse_quiet("21:00-07:00", &from, &to), 0);
	assert_int_equal(from, 21 * 60);
	assert_int_equal(to, 7 * 60);
	assert_int_equal(notify_parse_quiet("", &from, &to), 0);
	assert_int_equal(from, -1);
	assert_int_equal(notify_parse_quiet("25:00-07:00", &from, &to), UT_EINVAL);
	assert_int_equal(notify_parse_quiet("07:00-07:00", &from, &to), UT_EINVAL);
	assert_int_equal(notify_parse_quiet("21:00-07:00x", &from, &to), UT_EINVAL);

	ut_clock_set_zone("Asia/Shanghai");
	int64_t start = local_ms("2026-03-20 08:00");
	/* early morning: to the end of the quiet period */
	assert_int_equal(notify_quiet_adjust(local_ms("2026-03-20 06:00"), 21 * 60, 7 * 60, start),
			 local_ms("2026-03-20 07:00"));
	/* late evening: to the next morning */
	assert_int_equal(notify_quiet_adjust(local_ms("2026-03-19 23:30"), 21 * 60, 7 * 60, start),
			 local_ms("2026-03-20 07:00"));
	/* the end falls after the class start: left where it was */
	assert_int_equal(notify_quiet_adjust(local_ms("2026-03-20 05:00"), 21 * 60, 7 * 60, local_ms("2026-03-20 06:30")),
			 local_ms("2026-03-20 05:00"));
	/* outside, at the edges */
	assert_int_equal(notify_quiet_adjust(local_ms("2026-03-20 07:00"), 21 * 60, 7 * 60, start),
			 local_ms("2026-03-20 07:00"));
	assert_int_equal(notify_quiet_adjust(local_ms("2026-03-19 20:59"), 21 * 60, 7 * 60, start),
			 local_ms("2026-03-19 20:59"));
	/* a window inside one day */
	assert_int_equal(notify_quiet_adjust(local_ms("2026-03-20 12:30"), 12 * 60, 13 * 60, local_ms("2026-03-21 08:00")),
			 local_ms("2026-03-20 13:00"));
	assert_int_equal(notify_quiet_adjust(local_ms("2026-03-20 12:30"), -1, -1, start), local_ms("2026-03-20 12:30"));
}

static void test_template_check(void **state)
{
	char err[256];
	const char ok[] = "Subject: Hi {{ cadre_name }}\n\nClass {{class_title}} at {{class_start}}\n";
	assert_int_equal(notify_template_check(ok, strlen(ok), err, sizeof err), 0);
	const char unknown[] = "Subject: Hi\n\nline two\n{{cadre_nmae}}\n";
	assert_int_equal(notify_template_check(unknown, strlen(unknown), err, sizeof err), UT_EINVAL);
	assert_string_equal(err, "line 4: unknown variable {{cadre_nmae}}");
	const char open_[] = "Subject: Hi {{cadre_name\n\n}}\n";
	assert_int_equal(notify_template_check(open_, strlen(open_), err, sizeof err), UT_EINVAL);
	assert_string_equal(err, "line 1: \"{{\" without \"}}\"");
	const char bad[] = "Subject: \xc3\x28\n";
	assert_int_equal(notify_template_check(bad, strlen(bad), err, sizeof err), UT_EINVAL);
	assert_string_equal(err, "not valid UTF-8");
	const char nosub[] = "Hello\n";
	assert_int_equal(notify_template_check(nosub, strlen(nosub), err, sizeof err), UT_EINVAL);
}

static char *shipped_dir(void)
{
	char *d = NULL;
	const char *f = __FILE__, *cut = strstr(f, "tests/unit/");
	assert_non_null(cut);
	assert_true(asprintf(&d, "%.*sdeploy/templates", (int)(cut - f), f) > 0);
	return d;
}

static void test_render(void **state)
{
	notify_templates_t *t;
	char err[512] = "", *dir = shipped_dir(), *subject, *text;
	assert_int_equal(notify_templates_load(&t, dir, err, sizeof err), 0);
	const char *vals[V_NVARS] = {0};
	vals[V_CADRE_NAME] = "Alice\r\nBcc: evil@example.org";
	vals[V_CLASS_TITLE] = "Safety";
	vals[V_CLASS_START] = "2026-03-10 09:00";
	vals[V_VENUE] = "Hall A";
	vals[V_LECTURER] = "Mr Wang";
	vals[V_OFFSET] = "1d";
	assert_int_equal(notify_render(t, "reminder", "en", vals, &subject, &text), 0);
	assert_string_equal(subject, "Reminder: Safety starts 2026-03-10 09:00");
	assert_non_null(strstr(text, "The class \"Safety\" starts at 2026-03-10 09:00 (reminder 1 day ahead).\nWhere: Hall A\n"));
	free(subject);
	free(text);
	/* the offset in the words of each locale's offset template, never the code's "3d" */
	static const char *const said[][2] = {{"vi", "(nhắc trước 3 ngày)"}, {"zh-Hans", "提前3天提醒"}, {"zh-Hant", "提前3天提醒"},
					      {"en", "(reminder 3 days ahead)"}};
	vals[V_OFFSET] = "3d";
	for (int i = 0; i < 4; i++) {
		assert_int_equal(notify_render(t, "reminder", said[i][0], vals, &subject, &text), 0);
		if (!strstr(text, said[i][1]))
			fail_msg("%s: no '%s' in: %s", said[i][0], said[i][1], text);
		free(subject);
		free(text);
	}
	vals[V_OFFSET] = "2h";
	assert_int_equal(notify_render(t, "reminder", "vi", vals, &subject, &text), 0);
	assert_non_null(strstr(text, "(nhắc trước 2 giờ)"));
	free(subject);
	free(text);
	/* every kind renders in every locale, and a value cannot add a header line to the subject */
	for (int k = 0; notify_kinds[k]; k++)
		for (int l = 0; notify_locales[l]; l++) {
			vals[V_CLASS_TITLE] = "T\nX-Evil: 1";
			assert_int_equal(notify_render(t, notify_kinds[k], notify_locales[l], vals, &subject, &text), 0);
			assert_null(strchr(subject, '\n'));
			assert_true(strlen(text) > 10);
			assert_true(ut_utf8_valid(text, strlen(text)));
			free(subject);
			free(text);
		}
	assert_int_equal(notify_render(t, "party", "en", vals, &subject, &text), UT_EINVAL);
	assert_int_equal(notify_render(t, "reminder", "fr", vals, &subject, &text), UT_EINVAL);
	notify_templates_destroy(&t);
	assert_null(t);
	assert_int_equal(notify_templates_load(&t, "/nonexistent", err, sizeof err), UT_EINVAL);
	assert_non_null(strstr(err, "/nonexistent/confirmed.zh-Hans.txt: cannot read"));
	free(dir);
}

static void test_ics(void **state)
{
	notify_class_t c = {.id = 7, .version = 3, .first_start = 1773104400, .last_end = 1773201600};
	snprintf(c.title, sizeof c.title, "Law; part 1, basics");
	notify_session_t x[2] = {{31, 1773104400, 1773115200, "Hall A, 12 Tràng Tiền", ""},
				 {32, 1773190800, 1773201600, "https://meet.example.org/law", "https://meet.example.org/law"}};
	char *s = notify_ics(&c, x, 2, "cn-test", 0);
	assert_non_null(s);
	/* one event per session, not one spanning both days */
	assert_non_null(strstr(s, "UID:class-7-session-31@cn-test\r\nSEQUENCE:3\r\n"));
	assert_non_null(strstr(s, "UID:class-7-session-32@cn-test\r\nSEQUENCE:3\r\n"));
	assert_non_null(strstr(s, "DTSTART:20260310T010000Z\r\nDTEND:20260310T040000Z\r\n"));
	assert_non_null(strstr(s, "DTSTART:20260311T010000Z\r\nDTEND:20260311T040000Z\r\n"));
	assert_non_null(strstr(s, "SUMMARY:Law\\; part 1\\, basics (1/2)\r\nLOCATION:Hall A\\, 12 Tràng Tiền\r\nSTATUS:"));
	assert_non_null(strstr(s, "LOCATION:https://meet.example.org/law\r\nURL:https://meet.example.org/law\r\n"));
	assert_non_null(strstr(s, "METHOD:REQUEST"));
	free(s);
	s = notify_ics(&c, x, 2, "cn-test", 1);
	assert_non_null(strstr(s, "METHOD:CANCEL"));
	assert_non_null(strstr(s, "STATUS:CANCELLED"));
	assert_null(strstr(s, "STATUS:CONFIRMED"));
	free(s);
	assert_null(notify_ics(&c, x, 0, "cn-test", 0));
}

static void test_key(void **state)
{
	char k[128];
	notify_key(k, sizeof k, "C1", 12, "reminder", 7200, 4, 0);
	assert_string_equal(k, "C1/12/reminder/7200/4");
	notify_key(k, sizeof k, "C1", 12, "confirmed", 0, 4, 31);
	assert_string_equal(k, "C1/12/confirmed/0/4/31");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_offsets), cmocka_unit_test(test_course_offsets),      cmocka_unit_test(test_quiet), cmocka_unit_test(test_template_check),
		cmocka_unit_test(test_render),       cmocka_unit_test(test_ics),   cmocka_unit_test(test_key),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
