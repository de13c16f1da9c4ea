/* Tests common/src/projection.c, the class projection ut-enrold, ut-notifyd and ut-reportd keep from
 * ut-schedd's events, through the consumer's own path on a real SQLite file: a class row and its
 * sessions are replaced only by a higher version, so a repeated or late event changes nothing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "envelope.pb-c.h"
#include "sched.pb-c.h"
#include "testutil.h"
#include "ut/err.h"
#include "ut/log.h"
#include "ut/projection.h"
#include "ut/service.h"

static const ut_migration_t migrations[] = {{1, ut_projection_schema}};
static const ut_event_handler_t events[] = {
	{UT__MSG_TYPE__EV_COURSE_CREATED, ut_projection_apply},  {UT__MSG_TYPE__EV_CLASS_CREATED, ut_projection_apply},
	{UT__MSG_TYPE__EV_CLASS_SCHEDULED, ut_projection_apply}, {UT__MSG_TYPE__EV_CLASS_CHANGED, ut_projection_apply},
	{UT__MSG_TYPE__EV_CLASS_CANCELLED, ut_projection_apply}, {UT__MSG_TYPE__EV_CLASS_CLOSED, ut_projection_apply},
	{UT__MSG_TYPE__EV_PLAN_SET, ut_projection_apply},
};
static const char *const consumes[] = {"ut-schedd", NULL};
static const ut_service_def_t def = {
	.name = "ut-projd",
	.summary = "test",
	.migrations = migrations,
	.nmigrations = 1,
	.consumes = consumes,
	.events = events,
	.nevents = sizeof events / sizeof events[0],
};

static char *tmp;
static ut_service_t *svc;
static int seq; /* each event its own id, as the relay gives them */

static int setup(void **state)
{
	(void)state;
	ut_log_init("test_projection", UT_LOG_ERR + 1);
	ut_config_t cfg;
	ut_config_defaults(&cfg);
	if (!(tmp = tu_tmpdir()))
		return -1;
	free(cfg.run_dir);
	cfg.run_dir = strdup(tmp);
	free(cfg.redis_socket);
	cfg.redis_socket = strdup("no-redis.sock"); /* events are applied directly */
	free(cfg.log_level);
	cfg.log_level = strdup("warn");
	return ut_service_open(&svc, &def, &cfg);
}

static int teardown(void **state)
{
	(void)state;
	ut_service_close(&svc);
	tu_rmrf(tmp);
	free(tmp);
	return 0;
}

static int apply(int type, const ProtobufCMessage *body)
{
	char id[64];
	snprintf(id, sizeof id, "test-node/ut-schedd/%d", ++seq);
	uint8_t buf[4096], frame[4200];
	Ut__Envelope e = UT__ENVELOPE__INIT;
	e.id = id;
	e.type = type;
	e.node = "test-node";
	e.body.len = protobuf_c_message_pack(body, buf);
	e.body.data = buf;
	assert_true(ut__envelope__get_packed_size(&e) <= sizeof frame);
	return ut_service_apply_event(svc, frame, ut__envelope__pack(&e, frame));
}

/* Class 7 at VERSION, CAPACITY seats, STATE, with n sessions starting on consecutive days at START. */
static int apply_class(int type, int version, int capacity, const char *state, int n, int64_t start)
{
	Ut__Class c = UT__CLASS__INIT;
	Ut__Session x[4], *xs[4];
	c.id = 7;
	c.course_id = 1;
	c.course_code = "LAW";
	c.title = "Labour law";
	c.category = "labour_law";
	c.level = "city";
	c.format = "in_person";
	c.audience = "";
	c.capacity = capacity;
	c.state = (char *)state;
	c.version = version;
	for (int i = 0; i < n; i++) {
		ut__session__init(&x[i]);
		x[i].id = 100 * version + i;
		x[i].starts_at = start + i * 86400;
		x[i].ends_at = start + i * 86400 + 3 * 3600;
		x[i].venue_name = "";
		x[i].lecturer_name = "";
		xs[i] = &x[i];
	}
	c.n_sessions = (size_t)n;
	c.sessions = xs;
	return apply(type, &c.base);
}

static int64_t q(const char *sql) { return tu_query_int(ut_store_db(ut_service_store(svc)), sql); }

#define T0 1773104400 /* 2026-03-10 09:00 in Beijing */

static void test_higher_version_replaces_class_and_sessions(void **state)
{
	(void)state;
	assert_int_equal(apply_class(UT__MSG_TYPE__EV_CLASS_CREATED, 1, 30, "planned", 1, T0), 0);
	assert_int_equal(apply_class(UT__MSG_TYPE__EV_CLASS_CHANGED, 2, 40, "open", 3, T0 + 86400), 0);
	assert_int_equal(q("SELECT version FROM sched_classes WHERE id = 7"), 2);
	assert_int_equal(q("SELECT capacity FROM sched_classes WHERE id = 7"), 40);
	assert_int_equal(q("SELECT state = 'open' FROM sched_classes WHERE id = 7"), 1);
	/* the sessions are version 2's, not added to version 1's */
	assert_int_equal(q("SELECT count(*) FROM sched_sessions WHERE class_id = 7"), 3);
	assert_int_equal(q("SELECT count(*) FROM sched_sessions WHERE id = 100"), 0);
	assert_int_equal(q("SELECT first_start FROM sched_classes WHERE id = 7"), T0 + 86400);
	assert_int_equal(q("SELECT last_end FROM sched_classes WHERE id = 7"), T0 + 3 * 86400 + 3 * 3600);
}

static void test_late_or_repeated_version_changes_nothing(void **state)
{
	(void)state;
	assert_int_equal(apply_class(UT__MSG_TYPE__EV_CLASS_CHANGED, 3, 50, "open", 2, T0), 0);
	/* version 2 arriving after 3, and 3 again with other content: both are already held */
	assert_int_equal(apply_class(UT__MSG_TYPE__EV_CLASS_CHANGED, 2, 10, "planned", 1, T0), 0);
	assert_int_equal(apply_class(UT__MSG_TYPE__EV_CLASS_CANCELLED, 3, 10, "cancelled", 1, T0), 0);
	assert_int_equal(q("SELECT version FROM sched_classes WHERE id = 7"), 3);
	assert_int_equal(q("SELECT capacity FROM sched_classes WHERE id = 7"), 50);
	assert_int_equal(q("SELECT state = 'open' FROM sched_classes WHERE id = 7"), 1);
	assert_int_equal(q("SELECT count(*) FROM sched_sessions WHERE class_id = 7"), 2);
	/* the next version still gets in, whatever its event type */
	assert_int_equal(apply_class(UT__MSG_TYPE__EV_CLASS_CLOSED, 4, 50, "closed", 2, T0), 0);
	assert_int_equal(q("SELECT state = 'closed' FROM sched_classes WHERE id = 7"), 1);
}

static void test_session_out_of_range_is_refused_whole(void **state)
{
	(void)state;
	/* the consumer logs and skips an event it cannot apply, taking back what it had written */
	assert_int_equal(apply_class(UT__MSG_TYPE__EV_CLASS_CHANGED, 9, 99, "open", 1, -5), 0);
	assert_int_equal(q("SELECT version FROM sched_classes WHERE id = 7"), 4);
	assert_int_equal(q("SELECT count(*) FROM sched_sessions WHERE class_id = 7"), 2);
}

static void test_course_and_plan_are_replaced(void **state)
{
	(void)state;
	Ut__Course c = UT__COURSE__INIT;
	c.id = 1;
	c.code = "LAW";
	c.title = "Labour law";
	c.category = "labour_law";
	c.default_hours = 8;
	assert_int_equal(apply(UT__MSG_TYPE__EV_COURSE_CREATED, &c.base), 0);
	Ut__Plan p = UT__PLAN__INIT;
	p.year = 2026;
	p.category = "labour_law";
	p.planned_classes = 33;
	p.planned_participations = 3580;
	assert_int_equal(apply(UT__MSG_TYPE__EV_PLAN_SET, &p.base), 0);
	p.planned_classes = 42;
	assert_int_equal(apply(UT__MSG_TYPE__EV_PLAN_SET, &p.base), 0);
	assert_int_equal(q("SELECT count(*) FROM sched_courses"), 1);
	assert_int_equal(q("SELECT default_hours FROM sched_courses WHERE id = 1"), 8);
	assert_int_equal(q("SELECT planned_classes FROM sched_plans WHERE year = 2026 AND category = 'labour_law'"), 42);
}

int main(void)
{
	/* in order: each builds on the class the one before left */
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_higher_version_replaces_class_and_sessions),
		cmocka_unit_test(test_late_or_repeated_version_changes_nothing),
		cmocka_unit_test(test_session_out_of_range_is_refused_whole),
		cmocka_unit_test(test_course_and_plan_are_replaced),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
