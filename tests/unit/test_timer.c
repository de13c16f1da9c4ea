/* Tests common/src/timer.c: firing order by deadline then insertion, cancel, wait times, re-entry. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "ut/err.h"
#include "ut/timer.h"

#define MAXFIRED 4096
static intptr_t fired[MAXFIRED];
static int nfired;

static void record(void *arg)
{
	assert_true(nfired < MAXFIRED);
	fired[nfired++] = (intptr_t)arg;
}

static int reset(void **state)
{
	(void)state;
	nfired = 0;
	return 0;
}

static void test_order_by_due(void **state)
{
	(void)state;
	ut_timers_t *t = ut_timers_new();
	assert_non_null(t);
	assert_int_equal(ut_timers_wait_ms(t, 0), -1);
	assert_int_equal(ut_timers_run(t, 1000), 0);
	int64_t a = ut_timer_add(t, 30, record, (void *)'a');
	int64_t b = ut_timer_add(t, 10, record, (void *)'b');
	int64_t c = ut_timer_add(t, 20, record, (void *)'c');
	assert_true(a > 0 && b > 0 && c > 0);
	assert_true(a != b && b != c && a != c);
	assert_int_equal(ut_timers_count(t), 3);

	assert_int_equal(ut_timers_wait_ms(t, 0), 10);
	assert_int_equal(ut_timers_wait_ms(t, 4), 6);
	assert_int_equal(ut_timers_run(t, 9), 0);
	assert_int_equal(nfired, 0);
	assert_int_equal(ut_timers_run(t, 20), 2); /* due == now fires */
	assert_int_equal(nfired, 2);
	assert_int_equal(fired[0], 'b');
	assert_int_equal(fired[1], 'c');
	assert_int_equal(ut_timers_count(t), 1);
	assert_int_equal(ut_timers_wait_ms(t, 20), 10);
	assert_int_equal(ut_timers_wait_ms(t, 500), 0); /* overdue: no negative wait */
	assert_int_equal(ut_timers_run(t, 500), 1);
	assert_int_equal(fired[2], 'a');
	assert_int_equal(ut_timers_count(t), 0);
	assert_int_equal(ut_timers_wait_ms(t, 500), -1);
	ut_timers_destroy(&t);
	assert_null(t);
	ut_timers_destroy(&t); /* harmless on NULL */
}

/* Many timers in a scrambled order, several per deadline: they fire sorted by deadline and,
 * within a deadline, in the order they were added. */
static void test_equal_due_insertion_order(void **state)
{
	(void)state;
	ut_timers_t *t = ut_timers_new();
	enum { N = 1000 };
	static int64_t due[N];
	uint32_t x = 12345;
	for (intptr_t i = 0; i < N; i++) {
		x = x * 1103515245u + 12345u;
		due[i] = (x >> 16) % 37; /* lots of equal deadlines */
		assert_true(ut_timer_add(t, due[i], record, (void *)i) > 0);
	}
	assert_int_equal(ut_timers_count(t), N);
	assert_int_equal(ut_timers_run(t, 36), N);
	assert_int_equal(nfired, N);
	for (int k = 1; k < N; k++) {
		intptr_t p = fired[k - 1], q = fired[k];
		if (due[p] > due[q] || (due[p] == due[q] && p > q))
			fail_msg("timer %ld (due %lld) fired before %ld (due %lld)", (long)p, (long long)due[p],
				 (long)q, (long long)due[q]);
	}
	ut_timers_destroy(&t);
}

static void test_cancel(void **state)
{
	(void)state;
	ut_timers_t *t = ut_timers_new();
	int64_t a = ut_timer_add(t, 10, record, (void *)1);
	int64_t b = ut_timer_add(t, 20, record, (void *)2);
	int64_t c = ut_timer_add(t, 30, record, (void *)3);
	assert_int_equal(ut_timer_cancel(t, b), 0);
	assert_int_equal(ut_timer_cancel(t, b), UT_ENOTFOUND);
	assert_int_equal(ut_timer_cancel(t, 9999), UT_ENOTFOUND);
	assert_int_equal(ut_timers_count(t), 2);
	assert_int_equal(ut_timer_cancel(t, a), 0); /* the earliest one */
	assert_int_equal(ut_timers_wait_ms(t, 0), 30);
	assert_int_equal(ut_timers_run(t, 100), 1);
	assert_int_equal(nfired, 1);
	assert_int_equal(fired[0], 3);
	assert_int_equal(ut_timer_cancel(t, c), UT_ENOTFOUND); /* already fired */

	/* cancel a third of a larger heap: the rest still fire in order, the cancelled never */
	reset(NULL);
	int64_t ids[300];
	for (intptr_t i = 0; i < 300; i++)
		ids[i] = ut_timer_add(t, 1000 + (i * 7919) % 300, record, (void *)i);
	for (int i = 0; i < 300; i += 3)
		assert_int_equal(ut_timer_cancel(t, ids[i]), 0);
	assert_int_equal(ut_timers_count(t), 200);
	assert_int_equal(ut_timers_run(t, 5000), 200);
	for (int k = 0; k < nfired; k++) {
		assert_true(fired[k] % 3 != 0);
		if (k)
			assert_true((fired[k - 1] * 7919) % 300 < (fired[k] * 7919) % 300);
	}
	ut_timers_destroy(&t);
}

static ut_timers_t *g_timers;
static int64_t g_victim;

static void add_later(void *arg)
{
	record(arg);
	assert_true(ut_timer_add(g_timers, 110, record, (void *)'n') > 0);
}

static void cancel_victim(void *arg)
{
	record(arg);
	assert_int_equal(ut_timer_cancel(g_timers, g_victim), 0);
}

static void test_callback_adds_and_cancels(void **state)
{
	(void)state;
	ut_timers_t *t = g_timers = ut_timers_new();
	ut_timer_add(t, 100, add_later, (void *)'x');
	ut_timer_add(t, 105, record, (void *)'y');
	assert_int_equal(ut_timers_run(t, 100), 1);
	assert_int_equal(fired[0], 'x');
	assert_int_equal(ut_timers_count(t), 2);
	assert_int_equal(ut_timers_wait_ms(t, 100), 5);
	assert_int_equal(ut_timers_run(t, 200), 2);
	assert_int_equal(fired[1], 'y');
	assert_int_equal(fired[2], 'n');

	/* a callback cancelling a timer due at the same moment: it does not fire */
	reset(NULL);
	ut_timer_add(t, 300, cancel_victim, (void *)'c');
	g_victim = ut_timer_add(t, 300, record, (void *)'v');
	ut_timer_add(t, 300, record, (void *)'w');
	assert_int_equal(ut_timers_run(t, 300), 2);
	assert_int_equal(nfired, 2);
	assert_int_equal(fired[0], 'c');
	assert_int_equal(fired[1], 'w');
	assert_int_equal(ut_timers_count(t), 0);

	/* destroying a heap with timers left frees them (checked by the sanitizer build) */
	ut_timer_add(t, 1000, record, NULL);
	ut_timer_add(t, 2000, record, NULL);
	ut_timers_destroy(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_order_by_due, reset),
		cmocka_unit_test_setup(test_equal_due_insertion_order, reset),
		cmocka_unit_test_setup(test_cancel, reset),
		cmocka_unit_test_setup(test_callback_adds_and_cancels, reset),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
