/* A binary min-heap of timers. Cancel searches linearly: a daemon keeps a handful of timers
 * (the next reminder, retries, reconnects), never one per row. */
#include "ut/timer.h"
#include "ut/err.h"

#include <stdlib.h>

typedef struct tnode {
	int64_t due, id;
	ut_timer_fn fn;
	void *arg;
} tnode_t;

struct ut_timers {
	tnode_t *h;
	int n, cap;
	int64_t next_id;
};

ut_timers_t *ut_timers_new(void) { return calloc(1, sizeof(ut_timers_t)); }

void ut_timers_destroy(ut_timers_t **t)
{
	if (!*t)
		return;
	free((*t)->h);
	free(*t);
	*t = NULL;
}

static int before(const tnode_t *a, const tnode_t *b) { return a->due < b->due || (a->due == b->due && a->id < b->id); }

static void sift_up(ut_timers_t *t, int i)
{
	while (i > 0) {
		int p = (i - 1) / 2;
		if (!before(&t->h[i], &t->h[p]))
			break;
		tnode_t x = t->h[i];
		t->h[i] = t->h[p];
		t->h[p] = x;
		i = p;
	}
}

static void sift_down(ut_timers_t *t, int i)
{
	for (;;) {
		int l = 2 * i + 1, r = l + 1, m = i;
		if (l < t->n && before(&t->h[l], &t->h[m]))
			m = l;
		if (r < t->n && before(&t->h[r], &t->h[m]))
			m = r;
		if (m == i)
			return;
		tnode_t x = t->h[i];
		t->h[i] = t->h[m];
		t->h[m] = x;
		i = m;
	}
}

int64_t ut_timer_add(ut_timers_t *t, int64_t due_ms, ut_timer_fn fn, void *arg)
{
	if (t->n == t->cap) {
		int cap = t->cap ? t->cap * 2 : 16;
		tnode_t *h = realloc(t->h, (size_t)cap * sizeof *h);
		if (!h)
			return UT_ENOMEM;
		t->h = h;
		t->cap = cap;
	}
	tnode_t *x = &t->h[t->n];
	x->due = due_ms;
	x->id = ++t->next_id;
	x->fn = fn;
	x->arg = arg;
	int64_t id = x->id; /* sift_up may move another timer into *x */
	sift_up(t, t->n++);
	return id;
}

int ut_timer_cancel(ut_timers_t *t, int64_t id)
{
	for (int i = 0; i < t->n; i++)
		if (t->h[i].id == id) {
			t->h[i] = t->h[--t->n];
			if (i < t->n) {
				sift_down(t, i);
				sift_up(t, i);
			}
			return 0;
		}
	return UT_ENOTFOUND;
}

long ut_timers_wait_ms(ut_timers_t *t, int64_t now_ms)
{
	if (!t->n)
		return -1;
	int64_t d = t->h[0].due - now_ms;
	return d < 0 ? 0 : (long)d;
}

int ut_timers_run(ut_timers_t *t, int64_t now_ms)
{
	int fired = 0;
	while (t->n && t->h[0].due <= now_ms) {
		tnode_t x = t->h[0];
		t->h[0] = t->h[--t->n];
		if (t->n)
			sift_down(t, 0);
		x.fn(x.arg); /* may add timers */
		fired++;
	}
	return fired;
}

int ut_timers_count(ut_timers_t *t) { return t->n; }
