/* Clocks and calendar times in the node's time zone. */
#ifndef UT_CLOCK_H
#define UT_CLOCK_H

#include <stddef.h>
#include <stdint.h>

/* Wall clock in Unix milliseconds. When the environment names UT_CLOCK_FILE, the time is read
 * from that file on every call (tests move time by rewriting it). */
int64_t ut_clock_now_ms(void);
/* Monotonic milliseconds, for timers and durations. */
int64_t ut_clock_mono_ms(void);
int64_t ut_clock_mono_us(void);
/* Use this IANA zone ("Asia/Shanghai") for local times; "" keeps the process default. */
int ut_clock_set_zone(const char *tz);
/* Parse local "YYYY-MM-DD HH:MM" (or "YYYY-MM-DDTHH:MM") to Unix seconds. UT_EINVAL if invalid. */
int ut_clock_parse_local(const char *s, int64_t *out);
/* Parse "YYYY-MM-DD" + "HH:MM". */
int ut_clock_parse_date_time(const char *date, const char *hm, int64_t *out);
/* The latest time (Unix seconds, 9999-12-31 UTC) a session may have: times in milliseconds and
 * reminder arithmetic stay far from int64 overflow, and every consumer can format it. */
#define UT_CLOCK_MAX_S 253402300799LL
/* Format Unix seconds as local "YYYY-MM-DD HH:MM". */
char *ut_clock_format_local(int64_t t, char *buf, size_t len);
/* Format a duration in seconds as "3d04h", "2h05m", "4m10s" or "9s". */
char *ut_clock_format_duration(int64_t s, char *buf, size_t len);

#endif
