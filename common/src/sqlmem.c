/* Blocks of up to 2 KiB come in six sizes; each thread keeps up to KEEP freed blocks of each size
 * and hands them out again before it asks malloc; a thread's exit frees what it kept. Every block
 * starts with its size. */
#include "ut/sqlmem.h"

#include <pthread.h>
#include <sqlite3.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#if defined(__SANITIZE_ADDRESS__)
#define SQLMEM_ON 0
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SQLMEM_ON 0
#endif
#endif
#ifndef SQLMEM_ON
#define SQLMEM_ON 1
#endif

enum { NSIZES = 6, SMALL = 2048, KEEP = 64 };
static const int64_t sizes[NSIZES] = {64, 128, 256, 512, 1024, SMALL};

typedef struct {
	void *head[NSIZES]; /* freed blocks, linked through their first word */
	int n[NSIZES];
	int keyed; /* the thread's exit frees them */
} kept_t;

static __thread kept_t kept;
static pthread_key_t exit_key;

static int size_of(int n) { return (int)(((int64_t)n + 7) & ~(int64_t)7); }

static int class_of(int64_t n)
{
	for (int c = 0; c < NSIZES; c++)
		if (n <= sizes[c])
			return c;
	return -1;
}

static void *mem_malloc(int n)
{
	int c = class_of(n);
	int64_t *h;
	if (c >= 0 && (h = kept.head[c])) {
		kept.head[c] = *(void **)(h + 1);
		kept.n[c]--;
		return h + 1;
	}
	int64_t size = c >= 0 ? sizes[c] : size_of(n);
	if (!(h = malloc(sizeof *h + (size_t)size)))
		return NULL;
	*h = size;
	return h + 1;
}

static void mem_free(void *p)
{
	if (!p)
		return;
	int64_t *h = (int64_t *)p - 1;
	int c = *h <= SMALL ? class_of(*h) : -1;
	if (c < 0 || kept.n[c] >= KEEP) {
		free(h);
		return;
	}
	if (!kept.keyed)
		kept.keyed = pthread_setspecific(exit_key, &kept) == 0;
	*(void **)p = kept.head[c];
	kept.head[c] = h;
	kept.n[c]++;
}

static int mem_size(void *p) { return p ? (int)((int64_t *)p)[-1] : 0; }

static void *mem_realloc(void *p, int n)
{
	int64_t *h = (int64_t *)p - 1;
	if (*h > SMALL && n > SMALL) {
		if (!(h = realloc(h, sizeof *h + (size_t)size_of(n))))
			return NULL;
		*h = size_of(n);
		return h + 1;
	}
	if (*h <= SMALL && n <= *h)
		return p;
	void *q = mem_malloc(n);
	if (q) {
		memcpy(q, p, (size_t)(*h < n ? *h : n));
		mem_free(p);
	}
	return q;
}

static int mem_roundup(int n)
{
	int c = class_of(n);
	return c >= 0 ? (int)sizes[c] : size_of(n);
}

static void thread_exit(void *arg)
{
	kept_t *k = arg;
	for (int c = 0; c < NSIZES; c++)
		while (k->head[c]) {
			void **h = k->head[c];
			k->head[c] = *(void **)((int64_t *)h + 1);
			free(h);
		}
	memset(k, 0, sizeof *k);
}

static int mem_init(void *app)
{
	(void)app;
	return pthread_key_create(&exit_key, thread_exit) == 0 ? SQLITE_OK : SQLITE_NOMEM;
}

static void mem_shutdown(void *app) { (void)app; }

void ut_sqlmem_install(void)
{
	static const sqlite3_mem_methods m = {mem_malloc,  mem_free, mem_realloc,  mem_size,
	                                      mem_roundup, mem_init, mem_shutdown, NULL};
	if (SQLMEM_ON)
		sqlite3_config(SQLITE_CONFIG_MALLOC, &m);
}
