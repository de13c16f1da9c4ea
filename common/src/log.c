/* Logging to stderr, one line per event; journald or the node runner collects it. */
#include "ut/log.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

static const char *log_ident = "ut";
static int log_level = UT_LOG_INFO;
static const char *const level_names[] = {"debug", "info", "warn", "error"};

void ut_log_init(const char *ident, int level)
{
	log_ident = ident;
	log_level = level;
}

void ut_log_set_level(int level) { log_level = level; }

int ut_log_level_parse(const char *name)
{
	for (int i = 0; i < 4; i++)
		if (strcmp(name, level_names[i]) == 0)
			return i;
	if (strcmp(name, "warning") == 0)
		return UT_LOG_WARN;
	return -1;
}

void ut_log(int level, const char *fmt, ...)
{
	if (level < log_level)
		return;
	if (level < UT_LOG_DEBUG || level > UT_LOG_ERR)
		level = UT_LOG_ERR;
	struct timeval tv;
	struct tm tm;
	char ts[32], line[2048];
	gettimeofday(&tv, NULL);
	gmtime_r(&tv.tv_sec, &tm);
	strftime(ts, sizeof ts, "%Y-%m-%dT%H:%M:%S", &tm);
	int n = snprintf(line, sizeof line, "%s.%03dZ %s[%d] %s: ", ts, (int)(tv.tv_usec / 1000), log_ident,
			 (int)getpid(), level_names[level]);
	va_list ap;
	va_start(ap, fmt);
	int m = vsnprintf(line + n, sizeof line - (size_t)n - 1, fmt, ap);
	va_end(ap);
	size_t len = (size_t)n + (m < 0 ? 0 : (size_t)m);
	if (len > sizeof line - 2)
		len = sizeof line - 2;
	/* One write per line keeps lines whole when several processes share a log. */
	for (size_t i = (size_t)n; i < len; i++)
		if (line[i] == '\n')
			line[i] = ' ';
	line[len++] = '\n';
	ssize_t w = write(STDERR_FILENO, line, len);
	(void)w;
}
