/* ut-enrold internals: all SQL in store.c; handlers in unit.c, cadre.c, enrol.c, rollcall.c; the
 * wrapped scheduling-event handlers in events.c; name folding in names.c; the classes enrolment
 * keeps in memory in classes.c. */
#ifndef ENROLD_H
#define ENROLD_H

#include "enrol.pb-c.h"
#include "ut/arena.h"
#include "ut/service.h"

/* main.c: the daemon as the service frame runs it (the fuzz target drives it too). */
extern const ut_service_def_t ut_enrold_def;
extern const ut_migration_t enrol_migrations[];
#define ENROL_NMIGRATIONS 4

#include "ut/words.h"
#define enrol_unit_kinds ut_unit_kinds
#define enrol_positions ut_positions
#define enrol_locales ut_locales
#define enrol_marks ut_marks

/* names.c: NFC form of a name, and the search key (NFC, case-folded, marks stripped, đ -> d).
 * Both malloc'd; NULL when the text is not valid UTF-8 or memory ran out. */
char *enrol_name_nfc(const char *s);
char *enrol_name_key(const char *s);
/* 1 when s is a real calendar date YYYY-MM-DD. */
int enrol_valid_date(const char *s);

/* ---- store.c: all SQL of the daemon. Loaders allocate from the arena; UT_ENOTFOUND when absent. ---- */

int es_unit_insert(ut_store_t *s, Ut__OrgUnit *u);
int es_unit_find(ut_store_t *s, ut_arena_t *a, int64_t id, const char *code, Ut__OrgUnit **out);
int es_unit_list(ut_store_t *s, ut_arena_t *a, const Ut__UnitQuery *q, Ut__UnitList *out);
int es_unit_update(ut_store_t *s, const Ut__OrgUnit *u);
/* 1 when unit `id` is `ancestor` or lies below it. */
int es_unit_within(ut_store_t *s, int64_t id, int64_t ancestor);

int es_cadre_insert(ut_store_t *s, const Ut__Cadre *c, const char *key);
int es_cadre_update(ut_store_t *s, const Ut__Cadre *c, const char *key);
/* With the unit's code, kind and ownership filled in. */
int es_cadre_get(ut_store_t *s, ut_arena_t *a, const char *id, Ut__Cadre **out);
/* key: folded name fragment or "" for any. */
int es_cadre_list(ut_store_t *s, ut_arena_t *a, const Ut__CadreQuery *q, int64_t unit_id, const char *key,
		  Ut__CadreList *out);

/* A class as the scheduling projection knows it. */
typedef struct es_class {
	int64_t id;
	int capacity, version, hours, requires_reflection, nsessions;
	int64_t first_start; /* Unix seconds, 0 without sessions (es_class_seats only) */
	int64_t last_end;    /* Unix seconds, 0 without sessions (es_class_get only) */
	char state[16], category[32], title[256];
} es_class_t;
int es_class_get(ut_store_t *s, int64_t id, es_class_t *out);
/* What enrolling needs of a class only: capacity, version, state, and nsessions as 0 or 1. */
int es_class_seats(ut_store_t *s, int64_t id, es_class_t *out);

/* What enrolling a cadre into a class depends on, in one lookup: UT_ENOTFOUND for no cadre. */
typedef struct es_check {
	int left;          /* the cadre has left */
	char name[256];
	char live[16];     /* state of the cadre's enrolment in the class, "" for none */
	int64_t overlap;   /* a confirmed class of the cadre whose sessions overlap, 0 for none */
	int confirmed;     /* seats taken in the class */
} es_check_t;
int es_enrol_check(ut_store_t *s, const es_class_t *cls, const char *cadre, es_check_t *out);
int es_enrol_live(ut_store_t *s, ut_arena_t *a, const char *cadre, int64_t cls, Ut__Enrolment **out);
int es_enrol_by_id(ut_store_t *s, ut_arena_t *a, int64_t id, Ut__Enrolment **out);
int es_enrol_insert(ut_store_t *s, Ut__Enrolment *e);
int es_enrol_set_state(ut_store_t *s, Ut__Enrolment *e, const char *state, const char *reason);
int es_enrol_count(ut_store_t *s, int64_t cls, const char *state);
/* 1-based place of a waitlisted enrolment. */
int es_enrol_waitpos(ut_store_t *s, int64_t cls, int64_t id);
/* Another live class in which the cadre is confirmed and whose sessions overlap those of cls:
 * 1 with its id and title, 0 if none, or UT_E*. */
int es_enrol_overlap(ut_store_t *s, const char *cadre, int64_t cls, int64_t *other, char *title, size_t tlen);
/* Ids of enrolments of a class in `state` ("" = any live), in enrolment order, at most max. */
int es_enrol_ids(ut_store_t *s, int64_t cls, const char *state, int64_t *ids, int max);
/* Live enrolments of a cadre in live classes. */
int es_enrol_ids_of_cadre(ut_store_t *s, const char *cadre, int64_t *ids, int max);
/* Classes in which the cadre waits. */
int es_enrol_waiting_classes(ut_store_t *s, const char *cadre, int64_t *ids, int max);
int es_enrol_list(ut_store_t *s, ut_arena_t *a, const Ut__EnrolQuery *q, Ut__EnrolList *out);

/* Roll-call, reflections, completion. */
/* When the session of the class starts (Unix seconds), 0 when the class has no such session. */
int64_t es_session_start(ut_store_t *s, int64_t cls, int64_t session);
/* The current mark, "" when none; revision in *rev. */
int es_mark_get(ut_store_t *s, int64_t session, const char *cadre, char *mark, size_t len, int *rev);
int es_mark_put(ut_store_t *s, const Ut__Attendance *at);
int es_mark_list(ut_store_t *s, ut_arena_t *a, int64_t cls, Ut__AttendanceList *out);
int es_reflection_put(ut_store_t *s, Ut__Reflection *r);
int es_reflection_has(ut_store_t *s, const char *cadre, int64_t cls);
/* Sessions of the class a cadre attended (present or late). */
int es_attended(ut_store_t *s, int64_t cls, const char *cadre);
int es_completion_done(ut_store_t *s, int64_t cls);
int es_completion_put(ut_store_t *s, const Ut__Completion *c);
/* Delete the class's completions; the cadres they were of in *cadres (arena). */
int es_completion_withdraw(ut_store_t *s, ut_arena_t *a, int64_t cls, char ***cadres, int *n);
int es_record(ut_store_t *s, ut_arena_t *a, const char *cadre, Ut__TrainingRecord *out);
/* Cadres due for onboarding or retraining as of `today` (YYYY-MM-DD); unit_id 0 = all units. */
int es_due(ut_store_t *s, ut_arena_t *a, const Ut__DueQuery *q, int64_t unit_id, const char *today, Ut__DueList *out);

/* ---- handlers ---- */

int enrol_unit_add(ut_service_t *svc, const Ut__Envelope *req, ut_reply_t *rep);
int enrol_unit_list(ut_service_t *svc, const Ut__Envelope *req, ut_reply_t *rep);
int enrol_unit_get(ut_service_t *svc, const Ut__Envelope *req, ut_reply_t *rep);
int enrol_unit_change(ut_service_t *svc, const Ut__Envelope *req, ut_reply_t *rep);

int enrol_cadre_add(ut_service_t *svc, const Ut__Envelope *req, ut_reply_t *rep);
int enrol_cadre_get(ut_service_t *svc, const Ut__Envelope *req, ut_reply_t *rep);
int enrol_cadre_list(ut_service_t *svc, const Ut__Envelope *req, ut_reply_t *rep);
int enrol_cadre_change(ut_service_t *svc, const Ut__Envelope *req, ut_reply_t *rep);
int enrol_cadre_leave(ut_service_t *svc, const Ut__Envelope *req, ut_reply_t *rep);
int enrol_cadre_record(ut_service_t *svc, const Ut__Envelope *req, ut_reply_t *rep);
int enrol_cadre_import(ut_service_t *svc, const Ut__Envelope *req, ut_reply_t *rep);
int enrol_cadre_due(ut_service_t *svc, const Ut__Envelope *req, ut_reply_t *rep);

int enrol_enrol(ut_service_t *svc, const Ut__Envelope *req, ut_reply_t *rep);
int enrol_cancel(ut_service_t *svc, const Ut__Envelope *req, ut_reply_t *rep);
int enrol_list(ut_service_t *svc, const Ut__Envelope *req, ut_reply_t *rep);
/* Cancel enrolment `id` (emits), and when it held a seat of a live class, promote. */
int enrol_cancel_one(ut_service_t *svc, int64_t id, const char *reason, Ut__Enrolment *promoted_out);
/* Fill free seats of a live class from its waitlist, in order (emits EV_ENROL_PROMOTED each). */
int enrol_promote(ut_service_t *svc, int64_t cls, Ut__Enrolment *first_out);

int enrol_rollcall(ut_service_t *svc, const Ut__Envelope *req, ut_reply_t *rep);
int enrol_attendance_list(ut_service_t *svc, const Ut__Envelope *req, ut_reply_t *rep);
int enrol_reflection_submit(ut_service_t *svc, const Ut__Envelope *req, ut_reply_t *rep);
/* Completion for every confirmed cadre of a closed class (emits EV_CLASS_COMPLETED each). */
int enrol_complete_class(ut_service_t *svc, int64_t cls);
/* Compute one cadre's completion again (a correction after the class closed). */
int enrol_complete_cadre(ut_service_t *svc, int64_t cls, const char *cadre);
/* The class was reopened: its completions are withdrawn (an event each) until it closes again. */
int enrol_withdraw_completions(ut_service_t *svc, int64_t cls);

/* events.c: the scheduling projection, plus what enrolment does about each class event. */
int enrol_on_class_event(ut_service_t *svc, const Ut__Envelope *ev);

/* classes.c: es_class_seats, kept until the projection changes (the service's app state). */
int enrol_classes_init(ut_service_t *svc);
void enrol_classes_fini(ut_service_t *svc);
int enrol_class_seats(ut_service_t *svc, int64_t id, es_class_t *out);
/* The projection is about to change: forget every kept class. */
void enrol_classes_changed(ut_service_t *svc);

#endif
