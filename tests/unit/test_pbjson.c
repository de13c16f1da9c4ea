/* Tests common/client/pbjson.c: messages to JSON and back by their descriptors, and the refusals
 * that name the field. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "ut/err.h"
#include "ut/pbjson.h"
#include "envelope.pb-c.h"
#include "sched.pb-c.h"

static void class_round_trip(void **state)
{
	(void)state;
	Ut__Session s1 = UT__SESSION__INIT, s2 = UT__SESSION__INIT, *ss[] = {&s1, &s2};
	s1.id = 31;
	s1.starts_at = 1772672400;
	s1.ends_at = 1772683200;
	s1.venue_name = "Hội trường A";
	s2.id = 32;
	s2.lecturer_id = 7;
	Ut__Class k = UT__CLASS__INIT;
	k.id = ((int64_t)1 << 60) + 3; /* beyond what a JavaScript number holds */
	k.course_code = "SAFE-2027";
	k.title = "安全生产培训";
	k.capacity = 100;
	k.n_sessions = 2;
	k.sessions = ss;
	json_t *j = ut_pbjson_from_msg(&k.base);
	assert_non_null(j);
	assert_string_equal(json_string_value(json_object_get(j, "id")), "1152921504606846979");
	assert_int_equal(json_integer_value(json_object_get(j, "capacity")), 100);
	assert_int_equal(json_array_size(json_object_get(j, "sessions")), 2);
	assert_string_equal(json_string_value(json_object_get(json_array_get(json_object_get(j, "sessions"), 0), "venue_name")),
			    "Hội trường A");

	ProtobufCMessage *m;
	char err[256];
	assert_int_equal(ut_pbjson_to_msg(j, &ut__class__descriptor, &m, err, sizeof err), 0);
	Ut__Class *back = (Ut__Class *)m;
	assert_true(back->id == k.id);
	assert_string_equal(back->title, k.title);
	assert_int_equal(back->n_sessions, 2);
	assert_int_equal(back->sessions[1]->lecturer_id, 7);
	assert_int_equal(back->sessions[0]->ends_at, 1772683200);
	/* the same bytes as the original, packed */
	size_t n1 = protobuf_c_message_get_packed_size(&k.base), n2 = protobuf_c_message_get_packed_size(m);
	assert_int_equal(n1, n2);
	uint8_t *b1 = malloc(n1), *b2 = malloc(n2);
	protobuf_c_message_pack(&k.base, b1);
	protobuf_c_message_pack(m, b2);
	assert_memory_equal(b1, b2, n1);
	free(b1);
	free(b2);
	protobuf_c_message_free_unpacked(m, NULL);
	json_decref(j);
}

static void enums_and_bytes(void **state)
{
	(void)state;
	Ut__Envelope e = UT__ENVELOPE__INIT;
	e.type = UT__MSG_TYPE__MSG_CLASS_ADD;
	e.status = UT__STATUS__STATUS_CONFLICT;
	uint8_t raw[] = {0, 1, 2, 0xff, 'x'};
	e.body.data = raw;
	e.body.len = sizeof raw;
	json_t *j = ut_pbjson_from_msg(&e.base);
	assert_string_equal(json_string_value(json_object_get(j, "type")), "MSG_CLASS_ADD");
	assert_string_equal(json_string_value(json_object_get(j, "status")), "STATUS_CONFLICT");
	assert_string_equal(json_string_value(json_object_get(j, "body")), "AAEC/3g=");
	ProtobufCMessage *m;
	char err[256];
	assert_int_equal(ut_pbjson_to_msg(j, &ut__envelope__descriptor, &m, err, sizeof err), 0);
	Ut__Envelope *b = (Ut__Envelope *)m;
	assert_int_equal(b->type, UT__MSG_TYPE__MSG_CLASS_ADD);
	assert_int_equal(b->body.len, sizeof raw);
	assert_memory_equal(b->body.data, raw, sizeof raw);
	protobuf_c_message_free_unpacked(m, NULL);
	json_decref(j);
}

/* Each bad input is refused with the field's path in the reason, and nothing leaks (ASan). */
static void refusals_name_the_field(void **state)
{
	(void)state;
	static const struct {
		const char *json, *why;
	} bad[] = {
		{"{\"cls\": {\"capacity\": \"many\"}}", "cls.capacity: expected a whole number"},
		{"{\"cls\": {\"capacity\": 4294967296}}", "cls.capacity: number out of range"},
		{"{\"cls\": {\"seats\": 3}}", "cls: unknown field 'seats'"},
		{"{\"sessions\": [{\"starts_at\": 1}, {\"venue_id\": true}]}", "sessions[1].venue_id: expected a whole number"},
		{"{\"cls\": {\"title\": 7}}", "cls.title: expected a string"},
		{"{\"cls\": 5}", "cls: expected an object"},
		{"[1, 2]", "expected a JSON object"},
	};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		json_error_t je;
		json_t *j = json_loads(bad[i].json, 0, &je);
		assert_non_null(j);
		ProtobufCMessage *m = (ProtobufCMessage *)1;
		char err[256] = "";
		assert_int_equal(ut_pbjson_to_msg(j, &ut__class_add__descriptor, &m, err, sizeof err), UT_EINVAL);
		assert_null(m);
		assert_string_equal(err, bad[i].why);
		json_decref(j);
	}
	json_t *j = json_loads("{\"type\": \"MSG_NO_SUCH\"}", 0, NULL);
	ProtobufCMessage *m;
	char err[256];
	assert_int_equal(ut_pbjson_to_msg(j, &ut__envelope__descriptor, &m, err, sizeof err), UT_EINVAL);
	assert_string_equal(err, "type: expected one of the names of MsgType");
	json_decref(j);
}

/* 64-bit values come back from their string form and from a plain number. */
static void int64_both_ways(void **state)
{
	(void)state;
	json_t *j = json_loads("{\"id\": \"9007199254740993\", \"class_id\": 12}", 0, NULL);
	ProtobufCMessage *m;
	char err[256];
	assert_int_equal(ut_pbjson_to_msg(j, &ut__session__descriptor, &m, err, sizeof err), 0);
	assert_true(((Ut__Session *)m)->id == 9007199254740993LL);
	assert_int_equal(((Ut__Session *)m)->class_id, 12);
	protobuf_c_message_free_unpacked(m, NULL);
	json_decref(j);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(class_round_trip),
		cmocka_unit_test(enums_and_bytes),
		cmocka_unit_test(refusals_name_the_field),
		cmocka_unit_test(int64_both_ways),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
