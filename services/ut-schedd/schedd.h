/* ut-schedd internals: the SQL in store.c, the request handlers in course.c, class.c, plan.c. */
#ifndef SCHEDD_H
#define SCHEDD_H

#include "sched.pb-c.h"
#include "ut/arena.h"
#include "ut/service.h"

/* main.c: the daemon's wiring (also used by the fuzz target). */
extern const ut_service_def_t ut_schedd_def;
extern const ut_migration_t sched_migrations[];
#define SCHED_NMIGRATIONS 4
#include "ut/words.h"
#define sched_categories ut_categories

/* store.c: all SQL of the daemon. Loaders allocate from the arena; UT_ENOTFOUND when absent. */
int sched_course_insert(ut_store_t *s, Ut__Course *c);
int sched_course_find(ut_store_t *s, ut_arena_t *a, int64_t id, const char *code, Ut__Course **out);
int sched_course_list(ut_store_t *s, ut_arena_t *a, int64_t after, int limit, Ut__CourseList *out);
int sched_venue_insert(ut_store_t *s, Ut__Venue *v);
int sched_venue_get(ut_store_t *s, ut_arena_t *a, int64_t id, Ut__Venue **out);
int sched_venue_list(ut_store_t *s, ut_arena_t *a, int64_t after, int limit, Ut__VenueList *out);
int sched_lecturer_insert(ut_store_t *s, Ut__Lecturer *l);
int sched_lecturer_get(ut_store_t *s, ut_arena_t *a, int64_t id, Ut__Lecturer **out);
int sched_lecturer_list(ut_store_t *s, ut_arena_t *a, int64_t after, int limit, Ut__LecturerList *out);
int sched_class_insert(ut_store_t *s, Ut__Class *c);
int sched_class_update(ut_store_t *s, const Ut__Class *c);
/* The class with its course code and category, sessions (with venue and lecturer names) and hours. */
int sched_class_load(ut_store_t *s, ut_arena_t *a, int64_t id, Ut__Class **out);
int sched_class_list(ut_store_t *s, ut_arena_t *a, const Ut__ClassQuery *q, Ut__ClassList *out);
int sched_session_insert(ut_store_t *s, Ut__Session *x);
int sched_session_update(ut_store_t *s, const Ut__Session *x);

/* Another live session overlapping x in the same venue (by_venue) or with the same lecturer.
 * Returns 1 and fills what it found, 0 when free, or UT_E*. */
typedef struct sched_clash {
	int64_t class_id, starts_at, ends_at;
	char title[256];
} sched_clash_t;
int sched_find_clash(ut_store_t *s, const Ut__Session *x, int by_venue, sched_clash_t *out);

int sched_plan_upsert(ut_store_t *s, const Ut__Plan *p);
int sched_coverage_upsert(ut_store_t *s, const Ut__CoverageTarget *t);
int sched_coverage_list(ut_store_t *s, ut_arena_t *a, Ut__CoverageTargets *out);
int sched_plan_list(ut_store_t *s, ut_arena_t *a, int year, Ut__PlanList *out);

/* Handlers. */
int sched_course_add(ut_service_t *svc, const Ut__Envelope *req, ut_reply_t *rep);
int sched_course_list_h(ut_service_t *svc, const Ut__Envelope *req, ut_reply_t *rep);
int sched_course_get(ut_service_t *svc, const Ut__Envelope *req, ut_reply_t *rep);
int sched_venue_add(ut_service_t *svc, const Ut__Envelope *req, ut_reply_t *rep);
int sched_venue_list_h(ut_service_t *svc, const Ut__Envelope *req, ut_reply_t *rep);
int sched_lecturer_add(ut_service_t *svc, const Ut__Envelope *req, ut_reply_t *rep);
int sched_lecturer_list_h(ut_service_t *svc, const Ut__Envelope *req, ut_reply_t *rep);
int sched_class_add(ut_service_t *svc, const Ut__Envelope *req, ut_reply_t *rep);
int sched_class_list_h(ut_service_t *svc, const Ut__Envelope *req, ut_reply_t *rep);
int sched_class_get(ut_service_t *svc, const Ut__Envelope *req, ut_reply_t *rep);
int sched_class_change(ut_service_t *svc, const Ut__Envelope *req, ut_reply_t *rep);
int sched_class_cancel(ut_service_t *svc, const Ut__Envelope *req, ut_reply_t *rep);
int sched_class_close(ut_service_t *svc, const Ut__Envelope *req, ut_reply_t *rep);
int sched_class_reopen(ut_service_t *svc, const Ut__Envelope *req, ut_reply_t *rep);
int sched_session_add(ut_service_t *svc, const Ut__Envelope *req, ut_reply_t *rep);
int sched_session_list(ut_service_t *svc, const Ut__Envelope *req, ut_reply_t *rep);
int sched_plan_set(ut_service_t *svc, const Ut__Envelope *req, ut_reply_t *rep);
int sched_plan_get(ut_service_t *svc, const Ut__Envelope *req, ut_reply_t *rep);
int sched_coverage_set(ut_service_t *svc, const Ut__Envelope *req, ut_reply_t *rep);
int sched_coverage_get(ut_service_t *svc, const Ut__Envelope *req, ut_reply_t *rep);

#endif
