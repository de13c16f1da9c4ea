/* Tests common/client/cmd.c and the command table: every row is well formed, its help names every
 * argument, every argument reaches the field it is bound to, and the filler's refusals. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ut/clock.h"
#include "ut/cmd.h"
#include "ut/err.h"
#include "ut/pbjson.h"
#include "envelope.pb-c.h"
#include "enrol.pb-c.h"
#include "sched.pb-c.h"

static int setup(void **state)
{
	(void)state;
	ut_clock_set_zone("Asia/Ho_Chi_Minh");
	return 0;
}

static const ProtobufCMessageDescriptor *item_desc(const ut_cmd_t *c)
{
	if (!c->items)
		return c->rep;
	const ProtobufCFieldDescriptor *fd = ut_cmd_field(c->rep, c->items);
	assert_non_null(fd);
	assert_int_equal(fd->type, PROTOBUF_C_TYPE_MESSAGE);
	return fd->descriptor;
}

static void check_col(const ut_cmd_t *c, const ut_col_t *col, const ProtobufCMessageDescriptor *d)
{
	assert_non_null(col->head);
	if (col->kind == UT_COL_NUMBER || col->kind == UT_COL_SPAN) {
		if (col->kind == UT_COL_SPAN)
			assert_non_null(ut_cmd_field(d, "starts_at"));
		return;
	}
	if (!ut_cmd_field(d, col->field))
		fail_msg("%s %s: column %s names no field of %s", c->noun, c->verb, col->field, d->name);
	if (col->kind == UT_COL_NAMED && !ut_cmd_field(d, col->field2))
		fail_msg("%s %s: column %s names no field %s", c->noun, c->verb, col->field, col->field2);
}

/* The kinds and the field types they can fill. */
static int fits(const ut_arg_t *a, const ProtobufCFieldDescriptor *fd)
{
	switch (a->kind) {
	case UT_ARG_TEXT:
	case UT_ARG_CHOICE: return fd->type == PROTOBUF_C_TYPE_STRING;
	case UT_ARG_FLAG: return fd->type == PROTOBUF_C_TYPE_BOOL || fd->type == PROTOBUF_C_TYPE_INT32;
	case UT_ARG_REF: /* a unit goes by its code where the request takes one */
		return fd->type == PROTOBUF_C_TYPE_INT64 || (a->ref == UT_REF_UNIT && fd->type == PROTOBUF_C_TYPE_STRING);
	default: return fd->type == PROTOBUF_C_TYPE_INT32 || fd->type == PROTOBUF_C_TYPE_INT64;
	}
}

static void every_row_is_well_formed(void **state)
{
	(void)state;
	assert_true(ut_ncmds > 10);
	for (size_t i = 0; i < ut_ncmds; i++) {
		const ut_cmd_t *c = &ut_cmds[i];
		assert_non_null(c->noun);
		assert_non_null(c->verb);
		assert_non_null(c->help);
		assert_non_null(c->daemon);
		assert_non_null(c->req);
		assert_non_null(c->rep);
		assert_true(c->type > 0);
		/* asked of every daemon exactly when it says how to gather their replies */
		assert_int_equal(!strcmp(c->daemon, UT_CMD_EVERY), c->gather != NULL);
		assert_int_equal(c->gather != NULL, c->each != NULL);
		assert_ptr_equal(ut_cmd_find(c->noun, c->verb), c); /* no noun and verb twice */
		for (const ut_arg_t *a = c->args; a && a->name; a++) {
			assert_non_null(a->help);
			if (a->kind == UT_ARG_HOOK || a->kind == UT_ARG_FILE) {
				assert_non_null(c->hook);
				continue;
			}
			const ProtobufCFieldDescriptor *fd = ut_cmd_field(c->req, a->field);
			if (!fd || !fits(a, fd))
				fail_msg("%s %s: --%s does not fit field %s of %s", c->noun, c->verb, a->name, a->field,
					 c->req->name);
			if (a->kind == UT_ARG_CHOICE)
				assert_non_null(a->choices);
			if (a->kind == UT_ARG_INT)
				assert_true(a->min <= a->max);
		}
		const ProtobufCMessageDescriptor *d = item_desc(c);
		if (!c->done && !c->said && !c->figures)
			assert_non_null(c->cols);
		for (const ut_col_t *col = c->cols; col && col->head; col++)
			check_col(c, col, d);
		if (c->subcols) {
			const ProtobufCFieldDescriptor *fd = ut_cmd_field(c->rep, c->subitems);
			assert_non_null(fd);
			for (const ut_col_t *col = c->subcols; col->head; col++)
				check_col(c, col, fd->descriptor);
		}
		/* done's arguments are reply fields */
		for (const char *p = c->done_args; p && *p;) {
			char name[64];
			size_t l = strcspn(p, ",");
			snprintf(name, sizeof name, "%.*s", (int)l, p);
			assert_non_null(ut_cmd_field(c->rep, name));
			p += l + (p[l] == ',');
		}
	}
}

static void help_names_every_argument(void **state)
{
	(void)state;
	for (size_t i = 0; i < ut_ncmds; i++) {
		const ut_cmd_t *c = &ut_cmds[i];
		char *text;
		size_t len;
		FILE *f = open_memstream(&text, &len);
		ut_cmd_print_help(c, f);
		fclose(f);
		char want[128];
		snprintf(want, sizeof want, "utctl %s %s", c->noun, c->verb);
		assert_non_null(strstr(text, want));
		for (const ut_arg_t *a = c->args; a && a->name; a++) {
			snprintf(want, sizeof want, a->flags & UT_ARG_POS ? "%s" : "--%s", a->name);
			if (!strstr(text, want))
				fail_msg("%s %s --help does not name %s:\n%s", c->noun, c->verb, want, text);
		}
		free(text);
	}
}

/* Names are looked up through the caller's call: a stand-in node with three venues. */
static int fake_node(void *ctx, const char *daemon, int type, const ProtobufCMessage *req,
		     const ProtobufCMessageDescriptor *rdesc, ProtobufCMessage **out, char *err, size_t errlen)
{
	(void)ctx;
	(void)req;
	(void)err;
	(void)errlen;
	if (type == UT__MSG_TYPE__MSG_UNIT_LIST) { /* XQ and ENT-7 under it */
		assert_string_equal(daemon, "ut-enrold");
		static const char *const codes[] = {"XQ", "ENT-7"}, *const names[] = {"海淀区总工会", "Công ty Minh Phát"};
		Ut__UnitList *l = malloc(sizeof *l);
		ut__unit_list__init(l);
		l->n_units = 2;
		l->units = calloc(2, sizeof *l->units);
		for (int i = 0; i < 2; i++) {
			l->units[i] = malloc(sizeof(Ut__OrgUnit));
			ut__org_unit__init(l->units[i]);
			l->units[i]->id = i + 1;
			l->units[i]->code = strdup(codes[i]);
			l->units[i]->name = strdup(names[i]);
		}
		*out = &l->base;
		return 0;
	}
	assert_string_equal(daemon, "ut-schedd");
	if (type == UT__MSG_TYPE__MSG_CLASS_GET) { /* class N with sessions 31 and 32, the later first */
		Ut__Class *k = malloc(sizeof *k);
		ut__class__init(k);
		k->id = ((const Ut__Ref *)req)->id;
		k->n_sessions = 2;
		k->sessions = calloc(2, sizeof *k->sessions);
		for (int i = 0; i < 2; i++) {
			k->sessions[i] = malloc(sizeof(Ut__Session));
			ut__session__init(k->sessions[i]);
			k->sessions[i]->id = 32 - i;
			k->sessions[i]->starts_at = 1800000000 - 86400 * i;
			k->sessions[i]->ends_at = k->sessions[i]->starts_at + 3600;
		}
		assert_ptr_equal(rdesc, &ut__class__descriptor);
		*out = &k->base;
		return 0;
	}
	assert_int_equal(type, UT__MSG_TYPE__MSG_VENUE_LIST);
	static const char *const names[] = {"Hội trường A", "Hội trường B", "小会议室"};
	Ut__VenueList *l = malloc(sizeof *l);
	ut__venue_list__init(l);
	l->n_venues = 3;
	l->venues = calloc(3, sizeof *l->venues);
	for (int i = 0; i < 3; i++) {
		l->venues[i] = malloc(sizeof(Ut__Venue));
		ut__venue__init(l->venues[i]);
		l->venues[i]->id = i + 1;
		l->venues[i]->name = strdup(names[i]);
	}
	assert_ptr_equal(rdesc, &ut__venue_list__descriptor);
	*out = &l->base;
	return 0;
}

/* Any file named reads as a short sign-in sheet. */
static int fake_file(void *ctx, const char *name, char **data, size_t *len, char *err, size_t errlen)
{
	(void)ctx;
	(void)err;
	(void)errlen;
	assert_true(!strcmp(name, "list.csv") || !strcmp(name, "-")); /* enrol bulk reads stdin without --file */
	/* a roll-call sheet and a cadre list at once: each reader skips the columns it does not know */
	*data = strdup("id,mark,name,unit,position\nK1,present,An,XQ,chair\nK2,late,Bình,Công ty Minh Phát,vice_chair\n");
	*len = strlen(*data);
	return 0;
}

/* A word that suits the argument: inside its bounds, one of its choices, an id for a name. */
static const char *sample(const ut_arg_t *a, char *buf, size_t len)
{
	switch (a->kind) {
	case UT_ARG_TEXT: return "Hội trường A";
	case UT_ARG_CHOICE: return a->choices[1] ? a->choices[1] : a->choices[0];
	case UT_ARG_INT: snprintf(buf, len, "%lld", (long long)(a->min > 7 ? a->min : a->max < 7 ? a->max : 7)); return buf;
	case UT_ARG_DATE:
	case UT_ARG_DATE_END: return "2027-03-05";
	case UT_ARG_REF: return a->ref == UT_REF_CLASS_SESSION ? "2" : a->ref == UT_REF_UNIT ? "XQ" : "7";
	default: return "1";
	}
}

/* Fill the row with its required arguments and one more; the field of that one is set after. */
static void every_argument_reaches_its_field(void **state)
{
	(void)state;
	int checked = 0;
	for (size_t i = 0; i < ut_ncmds; i++) {
		const ut_cmd_t *c = &ut_cmds[i];
		for (const ut_arg_t *a = c->args; a && a->name; a++) {
			if (a->kind == UT_ARG_HOOK || a->kind == UT_ARG_FILE || ((a->flags & UT_ARG_REQUIRED) && c->args[1].name))
				continue; /* hooks have tests of their own; required ones are in every run below */
			char *argv[64], bufs[64][32];
			int argc = 0;
			for (const ut_arg_t *r = c->args; r && r->name; r++) {
				if (!(r->flags & UT_ARG_REQUIRED) && r != a)
					continue;
				if (r->kind == UT_ARG_FILE) {
					if (!(r->flags & UT_ARG_POS)) {
						snprintf(bufs[argc], sizeof bufs[argc], "--%s", r->name);
						argv[argc] = bufs[argc];
						argc++;
					}
					argv[argc++] = "list.csv";
					continue;
				}
				if (r->kind == UT_ARG_HOOK) {
					if (!strcmp(r->name, "COURSE"))
						argv[argc++] = "SAFE-2027";
					continue;
				}
				if (!(r->flags & UT_ARG_POS)) {
					snprintf(bufs[argc], sizeof bufs[argc], "--%s", r->name);
					argv[argc] = bufs[argc];
					argc++;
				}
				if (r->meta || (r->flags & UT_ARG_POS)) {
					argv[argc] = (char *)sample(r, bufs[argc], sizeof bufs[argc]);
					argc++;
				}
			}
			if (a->field && !strncmp(a->field, "session.", 8)) {
				/* the options that change one session name it, and naming it changes nothing */
				argv[argc++] = strcmp(a->name, "session") ? "--session" : "--lecturer";
				argv[argc++] = "1";
			}
			/* rows whose hook wants one of several options given */
			if (!strcmp(c->noun, "cadre") && !strcmp(c->verb, "due") && strcmp(a->name, "retrain-years")) {
				argv[argc++] = "--retrain-years";
				argv[argc++] = "3";
			}
			if (!strcmp(c->noun, "rollcall") && !strcmp(c->verb, "mark") && strcmp(a->name, "all-present") && strcmp(a->name, "rest-absent")) {
				argv[argc++] = "--all-present";
			}
			if (!strcmp(c->noun, "enrol") && !strcmp(c->verb, "list") && strcmp(a->name, "class")) {
				argv[argc++] = "--class";
				argv[argc++] = "4";
			}
			if (!strcmp(c->noun, "user") && (!strcmp(c->verb, "add") || !strcmp(c->verb, "passwd")) &&
			    strcmp(a->name, "password-file")) { /* no terminal to ask here */
				argv[argc++] = "--password-file";
				argv[argc++] = "list.csv";
			}
			if (!strcmp(c->noun, "notify") && !strcmp(c->verb, "nudge")) { /* cadres, and why */
				if (strcmp(a->name, "for") && strcmp(a->name, "note")) {
					argv[argc++] = "--for";
					argv[argc++] = "onboarding";
				}
				if (strcmp(a->name, "CADRE"))
					argv[argc++] = "C001";
			}
			if (!strcmp(c->verb, "add") && !strcmp(c->noun, "session")) {
				argv[argc++] = "--at";
				argv[argc++] = "2027-03-05 09:00-12:00";
			}
			ut_fill_t f;
			int rc = ut_cmd_fill_argv_files(&f, c, argc, argv, fake_node, fake_file, NULL);
			if (rc)
				fail_msg("%s %s --%s: %s", c->noun, c->verb, a->name, f.err);
			json_t *j = ut_pbjson_from_msg(f.req);
			for (const ut_arg_t *r = c->args; r && r->name; r++) {
				if (r != a && (!(r->flags & UT_ARG_REQUIRED) || r->kind == UT_ARG_HOOK || r->kind == UT_ARG_FILE))
					continue;
				json_t *v = j;
				char path[128];
				snprintf(path, sizeof path, "%s", r->field);
				for (char *p = strtok(path, "."); p && v; p = strtok(NULL, "."))
					v = json_object_get(v, p);
				if (!v || json_is_false(v) || (json_is_integer(v) && !json_integer_value(v)) ||
				    (json_is_string(v) && !*json_string_value(v)))
					fail_msg("%s %s %s left %s at its default", c->noun, c->verb, r->name, r->field);
			}
			json_decref(j);
			ut_cmd_fill_free(&f);
			checked++;
		}
	}
	assert_true(checked > 20);
}

static int fill(const char *noun, const char *verb, ut_fill_t *f, int argc, char **argv)
{
	const ut_cmd_t *c = ut_cmd_find(noun, verb);
	assert_non_null(c);
	return ut_cmd_fill_argv(f, c, argc, argv, NULL, NULL);
}

static void refusals(void **state)
{
	(void)state;
	static const struct {
		const char *noun, *verb, *words, *why;
	} bad[] = {
		{"venue", "add", "--name A", "missing --capacity N"},
		{"venue", "add", "--name A --capacity 0", "--capacity: 0 is too small (at least 1)"},
		{"venue", "add", "--name A --capacity lots", "--capacity: 'lots' is not a whole number"},
		{"venue", "add", "--name A --name B --capacity 3", "option '--name' is given twice"},
		{"venue", "add", "--seats 3", "unknown option '--seats'"},
		{"venue", "add", "--name A --capacity 3 extra", "unexpected argument 'extra'"},
		{"course", "add", "--code X --title T --category cooking", "--category: 'cooking' is not one of onboarding, chair_rotation, finance_audit, information, negotiation, labour_law, safety, other"},
		{"course", "add", "--code X --title T --category safety --reflection=yes", "option '--reflection' does not take a value"},
		{"class", "show", "", "missing CLASS"},
		{"class", "list", "--from 2027-02-30", "--from: '2027-02-30' is not a date (YYYY-MM-DD)"},
		{"class", "list", "--from 2027-03-05 --to 2027-03-01", "--to is not after --from"},
		{"class", "add", "--course 3 --capacity 5 --end 12:00", "--end must follow the --session it ends"},
		{"session", "add", "4 --at 2027-03-05", "'2027-03-05' is not a session time (\"YYYY-MM-DD HH:MM-HH:MM\")"},
		{"plan", "show", "--year 1969", "--year: 1969 is too small (at least 2000)"},
		{"class", "add", "--course LAW --capacity 5 --venue Hall", "names cannot be looked up here; give the id"},
	};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		char buf[256], *argv[32];
		int argc = 0;
		snprintf(buf, sizeof buf, "%s", bad[i].words);
		for (char *p = strtok(buf, " "); p; p = strtok(NULL, " "))
			argv[argc++] = p;
		ut_fill_t f;
		assert_int_equal(fill(bad[i].noun, bad[i].verb, &f, argc, argv), UT_EINVAL);
		assert_int_equal(f.usage, 1);
		assert_string_equal(f.err, bad[i].why);
		ut_cmd_fill_free(&f);
	}
}

/* class add: each --end, --venue and --lecturer goes with the --session before it; before any
 * session they apply to all; "--" ends the options. */
static void class_sessions(void **state)
{
	(void)state;
	char *argv[] = {"--course", "4", "--capacity", "30", "--lecturer", "2", "--session", "2027-03-05 09:00",
			"--end", "12:00", "--venue", "3", "--session", "2027-03-06 14:00-17:00", "--lecturer", "none"};
	ut_fill_t f;
	assert_int_equal(fill("class", "add", &f, sizeof argv / sizeof *argv, argv), 0);
	Ut__ClassAdd *add = (Ut__ClassAdd *)f.req;
	assert_int_equal(add->cls->course_id, 4);
	assert_int_equal(add->cls->capacity, 30);
	assert_int_equal(add->n_sessions, 2);
	assert_int_equal(add->sessions[0]->ends_at - add->sessions[0]->starts_at, 3 * 3600);
	assert_int_equal(add->sessions[0]->venue_id, 3);
	assert_int_equal(add->sessions[0]->lecturer_id, 2);
	assert_int_equal(add->sessions[1]->venue_id, 0);
	assert_int_equal(add->sessions[1]->lecturer_id, 0);
	int64_t t;
	assert_int_equal(ut_clock_parse_date_time("2027-03-06", "14:00", &t), 0);
	assert_int_equal(add->sessions[1]->starts_at, t);
	ut_cmd_fill_free(&f);

	/* switches take no value, and the hook hears which was given */
	char *part[] = {"--id", "C2", "--name", "Lan", "--unit", "9", "--position", "chair", "--part-time", "--locale", "vi"};
	assert_int_equal(fill("cadre", "add", &f, 11, part), UT_EINVAL); /* unit 9 is looked up: no node here */
	ut_cmd_fill_free(&f);
	const ut_cmd_t *ch = ut_cmd_find("cadre", "change");
	char *both[] = {"C2", "--part-time", "--full-time"};
	assert_int_equal(ut_cmd_fill_argv(&f, ch, 3, both, NULL, NULL), UT_EINVAL);
	assert_string_equal(f.err, "--full-time and --part-time: give one of them");
	ut_cmd_fill_free(&f);
	char *now_part[] = {"C2", "--part-time", "--locale", "vi"};
	assert_int_equal(ut_cmd_fill_argv(&f, ch, 4, now_part, NULL, NULL), 0);
	assert_string_equal(((Ut__CadreChange *)f.req)->full_time, "no");
	assert_string_equal(((Ut__CadreChange *)f.req)->locale, "vi");
	ut_cmd_fill_free(&f);

	char *words[] = {"--", "--7"};
	assert_int_equal(fill("course", "show", &f, 2, words), 0);
	assert_string_equal(((Ut__Ref *)f.req)->code, "--7");
	ut_cmd_fill_free(&f);
}

/* A unit by code, exact name or a unique fragment of its name; requests carry its code. */
static void units_by_code_or_name(void **state)
{
	(void)state;
	const ut_cmd_t *c = ut_cmd_find("cadre", "add");
	static const struct {
		const char *unit, *code, *why;
	} cases[] = {
		{"ENT-7", "ENT-7", NULL},
		{"海淀区总工会", "XQ", NULL},
		{"minh phát", "ENT-7", NULL},
		{"Sở Y tế", NULL, "unit 'Sở Y tế' does not exist; there are: 海淀区总工会 (XQ), Công ty Minh Phát (ENT-7)"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		char *argv[] = {"--id", "C1", "--name", "Hương", "--position", "chair", "--unit", (char *)cases[i].unit};
		ut_fill_t f;
		int rc = ut_cmd_fill_argv(&f, c, 8, argv, fake_node, NULL);
		if (cases[i].why) {
			assert_int_equal(rc, UT_EINVAL);
			assert_string_equal(f.err, cases[i].why);
		} else {
			assert_int_equal(rc, 0);
			assert_string_equal(((Ut__Cadre *)f.req)->unit_code, cases[i].code);
			assert_true(((Ut__Cadre *)f.req)->full_time);
		}
		ut_cmd_fill_free(&f);
	}
}

/* A session by its number: the sessions in the order they happen, whatever their ids. */
static void session_numbers(void **state)
{
	(void)state;
	const ut_cmd_t *c = ut_cmd_find("class", "change");
	char *first[] = {"5", "--session", "1", "--venue", "none"};
	ut_fill_t f;
	assert_int_equal(ut_cmd_fill_argv(&f, c, 5, first, fake_node, NULL), 0);
	Ut__ClassChange *ch = (Ut__ClassChange *)f.req;
	assert_int_equal(ch->session->id, 31); /* the earlier of the two */
	assert_int_equal(ch->session->class_id, 5);
	assert_true(ch->clear_venue);
	ut_cmd_fill_free(&f);
	char *third[] = {"5", "--session", "3", "--at", "2027-03-05 09:00-10:00"};
	assert_int_equal(ut_cmd_fill_argv(&f, c, 5, third, fake_node, NULL), UT_EINVAL);
	assert_non_null(strstr(f.err, "class 5 has no session 3; its sessions: 1 "));
	assert_non_null(strstr(f.err, ", 2 "));
	ut_cmd_fill_free(&f);
	char *loose[] = {"5", "--venue", "4"};
	assert_int_equal(ut_cmd_fill_argv(&f, c, 3, loose, fake_node, NULL), UT_EINVAL);
	assert_string_equal(f.err, "--at, --date, --venue and --lecturer change a session: say which with --session N");
	ut_cmd_fill_free(&f);
}

/* rollcall mark: list options take the words after them, the session is a number in the class,
 * a sheet adds its marks. */
static void rollcall_lists(void **state)
{
	(void)state;
	const ut_cmd_t *c = ut_cmd_find("rollcall", "mark");
	char *argv[] = {"5", "2", "--present", "K1", "K2", "--late", "K3", "--excused=K4,K5", "--file", "list.csv"};
	ut_fill_t f;
	assert_int_equal(ut_cmd_fill_argv_files(&f, c, 10, argv, fake_node, fake_file, NULL), 0);
	const Ut__RollCall *q = (const Ut__RollCall *)f.req;
	assert_int_equal(q->class_id, 5);
	assert_int_equal(q->session_id, 32); /* the second added */
	static const char *const want[][2] = {{"K1", "present"}, {"K2", "present"}, {"K3", "late"}, {"K4", "excused"},
					       {"K5", "excused"}, {"K1", "present"}, {"K2", "late"}};
	assert_int_equal(q->n_marks, 7);
	for (size_t i = 0; i < 7; i++) {
		assert_string_equal(q->marks[i]->cadre_id, want[i][0]);
		assert_string_equal(q->marks[i]->mark, want[i][1]);
	}
	ut_cmd_fill_free(&f);
	char *bad[] = {"5", "1", "--except", "K1"};
	assert_int_equal(ut_cmd_fill_argv_files(&f, c, 4, bad, fake_node, fake_file, NULL), UT_EINVAL);
	assert_string_equal(f.err, "--except goes with --all-present");
	ut_cmd_fill_free(&f);
}

/* cadre import: the file's lines become the request's cadres, a unit named as people know it
 * becomes its code, and --encoding after the file still applies. */
static void import_lines(void **state)
{
	(void)state;
	const ut_cmd_t *c = ut_cmd_find("cadre", "import");
	char *argv[] = {"list.csv", "--dry-run", "--encoding", "utf-8"};
	ut_fill_t f;
	assert_int_equal(ut_cmd_fill_argv_files(&f, c, 4, argv, fake_node, fake_file, NULL), 0);
	const Ut__CadreImport *q = (const Ut__CadreImport *)f.req;
	assert_true(q->dry_run);
	assert_int_equal(q->n_cadres, 2);
	assert_int_equal(q->n_lines, 2);
	assert_string_equal(q->cadres[0]->id, "K1");
	assert_string_equal(q->cadres[0]->unit_code, "XQ");
	assert_string_equal(q->cadres[1]->unit_code, "ENT-7"); /* by its name */
	assert_string_equal(q->cadres[1]->position, "vice_chair");
	assert_int_equal(q->lines[1], 3);
	assert_int_equal(f.refused, 0);
	ut_cmd_fill_free(&f);
	char *bad[] = {"list.csv", "--encoding", "latin1"};
	assert_int_equal(ut_cmd_fill_argv_files(&f, c, 3, bad, fake_node, fake_file, NULL), UT_EINVAL);
	assert_true(f.usage);
	ut_cmd_fill_free(&f);
}

static void names_to_ids(void **state)
{
	(void)state;
	const ut_cmd_t *c = ut_cmd_find("session", "add");
	static const struct {
		const char *venue, *why;
		int64_t id;
	} cases[] = {
		{"hội trường b", NULL, 2},
		{"小会议", NULL, 3},
		{"Hội trường", "venue 'Hội trường' is ambiguous: Hội trường A (1), Hội trường B (2)", 0},
		{"Nhà văn hóa", "venue 'Nhà văn hóa' does not exist; there are: Hội trường A (1), Hội trường B (2), 小会议室 (3)", 0},
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		char *argv[] = {"9", "--at", "2027-03-05 09:00-10:00", "--venue", (char *)cases[i].venue};
		ut_fill_t f;
		int rc = ut_cmd_fill_argv(&f, c, 5, argv, fake_node, NULL);
		if (cases[i].why) {
			assert_int_equal(rc, UT_EINVAL);
			assert_string_equal(f.err, cases[i].why);
		} else {
			assert_int_equal(rc, 0);
			assert_int_equal(((Ut__Session *)f.req)->venue_id, cases[i].id);
			assert_int_equal(((Ut__Session *)f.req)->class_id, 9);
		}
		ut_cmd_fill_free(&f);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_row_is_well_formed),
		cmocka_unit_test(help_names_every_argument),
		cmocka_unit_test(every_argument_reaches_its_field),
		cmocka_unit_test(refusals),
		cmocka_unit_test(class_sessions),
		cmocka_unit_test(names_to_ids),
		cmocka_unit_test(session_numbers),
		cmocka_unit_test(units_by_code_or_name),
		cmocka_unit_test(rollcall_lists),
		cmocka_unit_test(import_lines),
	};
	return cmocka_run_group_tests(tests, setup, NULL);
}
