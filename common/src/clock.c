/* Wall and monotonic clocks, and local calendar times in the node's zone. */
#include "ut/clock.h"
#include "ut/err.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Tests set UT_CLOCK_FILE to a file holding "now" in Unix milliseconds, and rewrite it to move
 * time; production never sets it. A file caught between its truncation and its new value (or
 * missing) reads as the last value read: falling back to the real clock there made a daemon
 * see months pass for an instant. */
static int64_t clock_from_file(void)
{
	static const char *path;
	static int checked;
	static long long last = -1;
	if (!checked) {
		path = getenv("UT_CLOCK_FILE");
		checked = 1;
	}
	if (!path || !*path)
		return -1;
	FILE *f = fopen(path, "r");
	long long v;
	if (f) {
		if (fscanf(f, "%lld", &v) == 1 && v >= 0)
			last = v;
		fclose(f);
	}
	return last;
}

int64_t ut_clock_now_ms(void)
{
	int64_t fake = clock_from_file();
	if (fake >= 0)
		return fake;
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t ut_clock_mono_ms(void) { return ut_clock_mono_us() / 1000; }

int64_t ut_clock_mono_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

int ut_clock_set_zone(const char *tz)
{
	if (tz && *tz && setenv("TZ", tz, 1) != 0)
		return UT_EINTERNAL;
	tzset();
	return 0;
}

static int days_in_month(int y, int m)
{
	static const int d[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	return m == 2 ? 28 + leap : d[m - 1];
}

static int make_local(int y, int mo, int d, int h, int mi, int64_t *out)
{
	if (y < 1970 || y > 9999 || mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, mo) || h < 0 || h > 23 ||
	    mi < 0 || mi > 59)
		return UT_EINVAL;
	struct tm tm = {.tm_year = y - 1900, .tm_mon = mo - 1, .tm_mday = d, .tm_hour = h, .tm_min = mi, .tm_isdst = -1};
	time_t t = mktime(&tm);
	if (t == (time_t)-1)
		return UT_EINVAL;
	*out = (int64_t)t;
	return 0;
}

/* s has exactly the shape of pat, where '9' stands for a digit: sscanf alone would also take
 * "2026-3-5 9:00", signs and spaces. */
static int shaped(const char *s, const char *pat)
{
	for (; *pat; s++, pat++)
		if (*pat == '9' ? !isdigit((unsigned char)*s) : *s != *pat)
			return 0;
	return *s == '\0';
}

int ut_clock_parse_local(const char *s, int64_t *out)
{
	int y, mo, d, h, mi, n = 0;
	char sep;
	if (!s || (!shaped(s, "9999-99-99 99:99") && !shaped(s, "9999-99-99T99:99")) ||
	    sscanf(s, "%4d-%2d-%2d%c%2d:%2d%n", &y, &mo, &d, &sep, &h, &mi, &n) != 6 || s[n] ||
	    (sep != ' ' && sep != 'T'))
		return UT_EINVAL;
	return make_local(y, mo, d, h, mi, out);
}

int ut_clock_parse_date_time(const char *date, const char *hm, int64_t *out)
{
	int y, mo, d, h, mi, n1 = 0, n2 = 0;
	if (!date || !hm || !shaped(date, "9999-99-99") || !shaped(hm, "99:99") ||
	    sscanf(date, "%4d-%2d-%2d%n", &y, &mo, &d, &n1) != 3 || date[n1] ||
	    sscanf(hm, "%2d:%2d%n", &h, &mi, &n2) != 2 || hm[n2])
		return UT_EINVAL;
	return make_local(y, mo, d, h, mi, out);
}

char *ut_clock_format_local(int64_t t, char *buf, size_t len)
{
	time_t tt = (time_t)t;
	struct tm tm;
	if (!localtime_r(&tt, &tm) || !strftime(buf, len, "%Y-%m-%d %H:%M", &tm))
		snprintf(buf, len, "@%lld", (long long)t);
	return buf;
}

char *ut_clock_format_duration(int64_t s, char *buf, size_t len)
{
	long long v = (long long)s;
	if (v >= 86400)
		snprintf(buf, len, "%lldd%02lldh", v / 86400, v % 86400 / 3600);
	else if (v >= 3600)
		snprintf(buf, len, "%lldh%02lldm", v / 3600, v % 3600 / 60);
	else if (v >= 60)
		snprintf(buf, len, "%lldm%02llds", v / 60, v % 60);
	else
		snprintf(buf, len, "%llds", v);
	return buf;
}
