/* Logging: one line per event on stderr, "<time> <daemon>[pid] <level>: <text>". */
#ifndef UT_LOG_H
#define UT_LOG_H

enum { UT_LOG_DEBUG, UT_LOG_INFO, UT_LOG_WARN, UT_LOG_ERR };

void ut_log_init(const char *ident, int level);
void ut_log_set_level(int level);
/* "debug", "info", "warn", "error" -> level; -1 when unknown. */
int ut_log_level_parse(const char *name);
void ut_log(int level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#define ut_debug(...) ut_log(UT_LOG_DEBUG, __VA_ARGS__)
#define ut_info(...) ut_log(UT_LOG_INFO, __VA_ARGS__)
#define ut_warn(...) ut_log(UT_LOG_WARN, __VA_ARGS__)
#define ut_error(...) ut_log(UT_LOG_ERR, __VA_ARGS__)

#endif
