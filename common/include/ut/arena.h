/* A bump allocator for building one reply: every string and sub-message of a reply comes from
 * it and is freed at once after packing. */
#ifndef UT_ARENA_H
#define UT_ARENA_H

#include <stddef.h>

typedef struct ut_arena_chunk ut_arena_chunk_t;
typedef struct ut_arena {
	ut_arena_chunk_t *head;
	int failed; /* an allocation failed: the reply must not be used */
} ut_arena_t;

/* Zeroed memory, 8-byte aligned; NULL (and failed set) when out of memory. */
void *ut_arena_alloc(ut_arena_t *a, size_t n);
char *ut_arena_strdup(ut_arena_t *a, const char *s);
/* An array of n pointers, zeroed. */
void **ut_arena_ptrs(ut_arena_t *a, size_t n);
void ut_arena_free(ut_arena_t *a);

#endif
