/* Bump allocator: a first chunk small enough for malloc's per-thread cache, as most replies fit
 * in it, then 16 KiB chunks (larger requests get a chunk of their own). */
#include "ut/arena.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* What the arena's users store (protobuf-c messages, strings, pointers, int64, double) needs no
 * more than 8-byte alignment; rounding to max_align_t (16) cost a 100,000-row import 4 MiB. */
#define ALIGN 8

struct ut_arena_chunk {
	ut_arena_chunk_t *next;
	size_t used, cap;
	max_align_t data[];
};

void *ut_arena_alloc(ut_arena_t *a, size_t n)
{
	if (n > SIZE_MAX - sizeof(ut_arena_chunk_t) - sizeof(max_align_t)) { /* rounding would wrap */
		a->failed = 1;
		return NULL;
	}
	n = (n + ALIGN - 1) / ALIGN * ALIGN;
	ut_arena_chunk_t *c = a->head;
	if (!c || c->cap - c->used < n) {
		size_t want = c ? 16384 : 1000 - sizeof *c, cap = n > want ? n : want;
		c = malloc(sizeof *c + cap);
		if (!c) {
			a->failed = 1;
			return NULL;
		}
		c->used = 0;
		c->cap = cap;
		c->next = a->head;
		a->head = c;
	}
	void *p = (char *)c->data + c->used;
	c->used += n;
	return memset(p, 0, n);
}

char *ut_arena_strdup(ut_arena_t *a, const char *s)
{
	size_t n = strlen(s ? s : "") + 1;
	char *d = ut_arena_alloc(a, n);
	if (d)
		memcpy(d, s ? s : "", n);
	return d;
}

void **ut_arena_ptrs(ut_arena_t *a, size_t n)
{
	if (n > SIZE_MAX / sizeof(void *)) {
		a->failed = 1;
		return NULL;
	}
	return ut_arena_alloc(a, (n ? n : 1) * sizeof(void *));
}

void ut_arena_free(ut_arena_t *a)
{
	while (a->head) {
		ut_arena_chunk_t *n = a->head->next;
		free(a->head);
		a->head = n;
	}
	a->failed = 0;
}
