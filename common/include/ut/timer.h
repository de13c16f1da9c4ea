/* Timers: one min-heap of deadlines on the monotonic clock, fired from the service loop. */
#ifndef UT_TIMER_H
#define UT_TIMER_H

#include <stdint.h>

typedef struct ut_timers ut_timers_t;
typedef void (*ut_timer_fn)(void *arg);

ut_timers_t *ut_timers_new(void);
void ut_timers_destroy(ut_timers_t **t);
/* Schedule fn(arg) at monotonic time due_ms; returns a positive timer id. */
int64_t ut_timer_add(ut_timers_t *t, int64_t due_ms, ut_timer_fn fn, void *arg);
/* Cancel a timer; 0 if it was pending, UT_ENOTFOUND otherwise. */
int ut_timer_cancel(ut_timers_t *t, int64_t id);
/* Milliseconds until the next deadline from now_ms (0 if due), -1 when there is none. */
long ut_timers_wait_ms(ut_timers_t *t, int64_t now_ms);
/* Fire every timer due at now_ms; returns how many fired. */
int ut_timers_run(ut_timers_t *t, int64_t now_ms);
int ut_timers_count(ut_timers_t *t);

#endif
