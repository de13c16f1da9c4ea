/* The rows of the command table (see cmd.h), noun by noun. Every string a person reads is a msgid
 * (N_, and NC_ for metavariables and value words); what a field binding cannot say is in hooks.c. */
#include "hooks.h"
#include "ut/cmd.h"
#include "ut/i18n.h"
#include "ut/rpc.h"
#include "ut/words.h"
#include "envelope.pb-c.h"
#include "enrol.pb-c.h"
#include "notify.pb-c.h"
#include "report.pb-c.h"
#include "web.pb-c.h"
#include "sched.pb-c.h"

#include <stdint.h>

#define SCHEDD "ut-schedd"
#define ENROLD "ut-enrold"
#define NOTIFYD "ut-notifyd"
#define REPORTD "ut-reportd"
#define WEBD "ut-webd"

/* ---- arguments many rows share, defined once ---- */

#define ARG_LIMIT {"limit", "limit", UT_ARG_INT, 0, NC_("meta", "N"), N_("at most N items (default 1000)"), 1, UT_LIST_MAX}
#define ARG_AFTER {"after", "after_id", UT_ARG_INT, 0, NC_("meta", "ID"), N_("only items with an id greater than ID (the next page)"), 0, INT64_MAX}
#define ARG_YEAR(field, help) {"year", field, UT_ARG_INT, 0, NC_("meta", "YYYY"), help, 2000, 2100}
#define ARG_UNIT(name, field, flags, help) {name, field, UT_ARG_REF, flags, NC_("meta", "UNIT"), help, .ref = UT_REF_UNIT}
#define ARG_CLASS(field) {"CLASS", field, UT_ARG_INT, UT_ARG_POS | UT_ARG_REQUIRED, NULL, N_("the class's number (its id)"), 1, INT64_MAX}
/* a session's time, as --at or --date/--start/--end, collected by span_hook */
#define ARGS_SPAN(at_help)                                                                                        \
	{"at", NULL, UT_ARG_HOOK, 0, NC_("meta", "WHEN"), at_help},                                                            \
	{"date", NULL, UT_ARG_HOOK, 0, NC_("meta", "DATE"), N_("the date, YYYY-MM-DD, with --start and --end instead of --at")}, \
	{"start", NULL, UT_ARG_HOOK, 0, NC_("meta", "HH:MM"), N_("the start time")},                                            \
	{"end", NULL, UT_ARG_HOOK, 0, NC_("meta", "HH:MM"), N_("the end time (or YYYY-MM-DD HH:MM when it ends on another day)")}

/* ---- the rows ---- */

static const ut_arg_t list_args[] = {ARG_LIMIT, ARG_AFTER, {0}};

static const ut_arg_t course_add_args[] = {
	{"code", "code", UT_ARG_TEXT, UT_ARG_REQUIRED, NC_("meta", "CODE"), N_("unique course code chosen by the training office, e.g. LAW-2026")},
	{"title", "title", UT_ARG_TEXT, UT_ARG_REQUIRED, NC_("meta", "TEXT"), N_("course title")},
	{"category", "category", UT_ARG_CHOICE, UT_ARG_REQUIRED, NC_("meta", "CAT"), N_("what the course is about"), .choices = ut_categories},
	{"hours", "default_hours", UT_ARG_INT, 0, NC_("meta", "N"), N_("usual length of the course in hours"), 0, 10000},
	{"reflection", "requires_reflection", UT_ARG_FLAG, 0, NULL, N_("participants must hand in a written reflection")},
	{0},
};
static const ut_col_t course_cols[] = {
	{"id", N_("ID")},
	{"code", N_("CODE")},
	{"category", N_("CATEGORY"), UT_COL_WORD},
	{"default_hours", N_("HOURS")},
	{"requires_reflection", N_("REFLECTION")},
	{"title", N_("TITLE")},
	{0},
};
static const ut_arg_t course_show_args[] = {
	{"COURSE", NULL, UT_ARG_HOOK, UT_ARG_POS | UT_ARG_REQUIRED, NULL, N_("the course's code (or id)")},
	{0},
};

static const ut_arg_t venue_add_args[] = {
	{"name", "name", UT_ARG_TEXT, UT_ARG_REQUIRED, NC_("meta", "TEXT"), N_("venue name, unique on this node")},
	{"capacity", "capacity", UT_ARG_INT, UT_ARG_REQUIRED, NC_("meta", "N"), N_("number of seats"), 1, INT32_MAX},
	{"address", "address", UT_ARG_TEXT, 0, NC_("meta", "TEXT"), N_("street address, for notices")},
	{0},
};
static const ut_col_t venue_cols[] = {
	{"id", N_("ID")}, {"name", N_("NAME")}, {"capacity", N_("CAPACITY")}, {"address", N_("ADDRESS")}, {0},
};

static const ut_arg_t lecturer_add_args[] = {
	{"name", "name", UT_ARG_TEXT, UT_ARG_REQUIRED, NC_("meta", "TEXT"), N_("lecturer's name, unique on this node")},
	{"affiliation", "affiliation", UT_ARG_TEXT, 0, NC_("meta", "TEXT"), N_("where the lecturer comes from (party school, university ...)")},
	{"email", "email", UT_ARG_TEXT, 0, NC_("meta", "ADDR"), N_("contact address")},
	{0},
};
static const ut_col_t lecturer_cols[] = {
	{"id", N_("ID")}, {"name", N_("NAME")}, {"affiliation", N_("AFFILIATION")}, {"email", N_("EMAIL")}, {0},
};

static const ut_arg_t class_add_args[] = {
	{"course", "cls.course_id", UT_ARG_REF, UT_ARG_REQUIRED, NC_("meta", "CODE"), N_("the course taught, by its code"), .ref = UT_REF_COURSE},
	{"capacity", "cls.capacity", UT_ARG_INT, UT_ARG_REQUIRED, NC_("meta", "N"), N_("seats: how many cadres can enrol"), 1, INT32_MAX},
	{"title", "cls.title", UT_ARG_TEXT, 0, NC_("meta", "TEXT"), N_("class title (default: the course's title)")},
	{"level", "cls.level", UT_ARG_CHOICE, 0, NC_("meta", "LEVEL"), N_("organised by"), .choices = ut_levels},
	{"format", "cls.format", UT_ARG_CHOICE, 0, NC_("meta", "FORMAT"), N_("how it is held"), .choices = ut_formats},
	{"audience", "cls.audience", UT_ARG_TEXT, 0, NC_("meta", "TEXT"), N_("who the class is for, e.g. \"newly elected grassroots chairs\"")},
	{"session", NULL, UT_ARG_HOOK, UT_ARG_REPEAT, NC_("meta", "WHEN"), N_("a session, \"YYYY-MM-DD HH:MM-HH:MM\" (or \"YYYY-MM-DD HH:MM\" and --end)")},
	{"end", NULL, UT_ARG_HOOK, UT_ARG_REPEAT, NC_("meta", "WHEN"), N_("end of the --session before it: HH:MM, or YYYY-MM-DD HH:MM for overnight")},
	{"venue", NULL, UT_ARG_HOOK, UT_ARG_REPEAT, NC_("meta", "NAME"), N_("venue of the --session before it (name or id); before any --session: of all; none = online")},
	{"lecturer", NULL, UT_ARG_HOOK, UT_ARG_REPEAT, NC_("meta", "NAME"), N_("lecturer of the --session before it (name or id); before any --session: of all; none")},
	{"join-url", "cls.join_url", UT_ARG_TEXT, 0, NC_("meta", "URL"), N_("online: the link cadres join by (shown in notices and calendars)")},
	{0},
};

static const ut_arg_t class_list_args[] = {
	{"state", "state", UT_ARG_CHOICE, 0, NC_("meta", "STATE"), N_("only classes in this state"), .choices = ut_class_states},
	{"course", "course_code", UT_ARG_TEXT, 0, NC_("meta", "CODE"), N_("only classes of this course")},
	{"from", "from", UT_ARG_DATE, 0, NC_("meta", "DATE"), N_("only classes with a session starting on or after DATE (YYYY-MM-DD [HH:MM])")},
	{"to", "to", UT_ARG_DATE_END, 0, NC_("meta", "DATE"), N_("... and before DATE; a bare date includes that whole day")},
	ARG_LIMIT,
	ARG_AFTER,
	{0},
};
static const ut_col_t class_cols[] = {
	{"id", N_("ID")},
	{"course_code", N_("COURSE")},
	{"state", N_("STATE"), UT_COL_WORD},
	{"level", N_("LEVEL"), UT_COL_WORD},
	{"format", N_("FORMAT"), UT_COL_WORD},
	{"capacity", N_("CAPACITY")},
	{"sessions", N_("SESSIONS"), UT_COL_COUNT},
	{"sessions", N_("FIRST"), UT_COL_FIRST},
	{"hours", N_("HOURS")},
	{"title", N_("TITLE")},
	{0},
};
static const ut_col_t class_lines[] = {
	{"id", N_("class")},
	{"version", N_("version")},
	{"course_code", N_("course")},
	{"category", N_("category"), UT_COL_WORD},
	{"title", N_("title")},
	{"state", N_("state"), UT_COL_WORD},
	{"reason", N_("reason")},
	{"level", N_("level"), UT_COL_WORD},
	{"format", N_("format"), UT_COL_WORD},
	{"capacity", N_("capacity")},
	{"audience", N_("audience")},
	{"join_url", N_("join link")},
	{"hours", N_("hours")},
	{"sessions", N_("sessions"), UT_COL_COUNT},
	{0},
};
static const ut_col_t session_cols[] = {
	{"", N_("NO."), UT_COL_NUMBER},
	{"id", N_("SESSION")},
	{"", N_("WHEN"), UT_COL_SPAN},
	{"venue_id", N_("VENUE"), UT_COL_NAMED, "venue_name"},
	{"lecturer_id", N_("LECTURER"), UT_COL_NAMED, "lecturer_name"},
	{"join_url", N_("JOIN LINK")},
	{0},
};

static const char *const forward_states[] = {NC_("value", "open"), NC_("value", "running"), NULL};
static const ut_arg_t class_change_args[] = {
	ARG_CLASS("id"),
	{"capacity", "capacity", UT_ARG_INT, 0, NC_("meta", "N"), N_("new number of seats"), 1, INT32_MAX},
	{"title", "title", UT_ARG_TEXT, 0, NC_("meta", "TEXT"), N_("new title")},
	{"audience", "audience", UT_ARG_TEXT, 0, NC_("meta", "TEXT"), N_("new audience description")},
	{"format", "format", UT_ARG_CHOICE, 0, NC_("meta", "FORMAT"), N_("how it is held"), .choices = ut_formats},
	{"join-url", "join_url", UT_ARG_TEXT, 0, NC_("meta", "URL"), N_("the class's link to join (none removes it)")},
	{"state", "state", UT_ARG_CHOICE, 0, NC_("meta", "STATE"), N_("open (enrolment starts) or running; cancel and close have their own verbs"), .choices = forward_states},
	{"session", "session.id", UT_ARG_REF, 0, NC_("meta", "N"), N_("the session the options below change, by its number in the class (see 'utctl session list'); it keeps its number when moved"), .ref = UT_REF_CLASS_SESSION, .ctx_field = "id"},
	ARGS_SPAN(N_("its new time, \"YYYY-MM-DD HH:MM-HH:MM\"")),
	{"venue", "session.venue_id", UT_ARG_REF, UT_ARG_NONE_OK, NC_("meta", "NAME"), N_("its new venue, by name or id; none = online"), .ref = UT_REF_VENUE, .set = "clear_venue"},
	{"lecturer", "session.lecturer_id", UT_ARG_REF, UT_ARG_NONE_OK, NC_("meta", "NAME"), N_("its new lecturer, by name or id; none = no lecturer"), .ref = UT_REF_LECTURER, .set = "clear_lecturer"},
	{0},
};

static const ut_arg_t class_ref_args[] = {ARG_CLASS("id"), {0}};
static const ut_arg_t class_close_args[] = {
	ARG_CLASS("id"),
	{"force", "force", UT_ARG_FLAG, 0, NULL, N_("close before the last session has ended (needs --reason)")},
	{"reason", "reason", UT_ARG_TEXT, 0, NC_("meta", "TEXT"), N_("why, kept with the class and in its event")},
	{0},
};
static const ut_arg_t class_reopen_args[] = {
	ARG_CLASS("id"),
	{"reason", "reason", UT_ARG_TEXT, UT_ARG_REQUIRED, NC_("meta", "TEXT"), N_("why, kept with the class and in its event")},
	{0},
};
static const ut_arg_t class_cancel_args[] = {
	ARG_CLASS("id"),
	{"reason", "reason", UT_ARG_TEXT, 0, NC_("meta", "TEXT"), N_("why, for the cadres already enrolled")},
	{0},
};

static const ut_arg_t session_add_args[] = {
	ARG_CLASS("class_id"),
	ARGS_SPAN(N_("\"YYYY-MM-DD HH:MM-HH:MM\" (or \"YYYY-MM-DD HH:MM\" with --end)")),
	{"venue", "venue_id", UT_ARG_REF, UT_ARG_NONE_OK, NC_("meta", "NAME"), N_("venue, by name or id; none or left out = online"), .ref = UT_REF_VENUE},
	{"lecturer", "lecturer_id", UT_ARG_REF, UT_ARG_NONE_OK, NC_("meta", "NAME"), N_("lecturer, by name or id"), .ref = UT_REF_LECTURER},
	{"join-url", "join_url", UT_ARG_TEXT, 0, NC_("meta", "URL"), N_("online: this session's own link to join")},
	{0},
};

static const ut_arg_t plan_show_args[] = {ARG_YEAR("year", N_("plan year (default: this year in the node's time zone)")), {0}};
static const ut_col_t plan_cols[] = {
	{"year", N_("YEAR")},
	{"category", N_("CATEGORY"), UT_COL_WORD},
	{"planned_classes", N_("CLASSES")},
	{"planned_participations", N_("PARTICIPATIONS")},
	{0},
};
static const ut_arg_t plan_set_args[] = {
	{"year", "year", UT_ARG_INT, UT_ARG_REQUIRED, NC_("meta", "YYYY"), N_("plan year"), 2000, 2100},
	{"category", "category", UT_ARG_CHOICE, UT_ARG_REQUIRED, NC_("meta", "CAT"), N_("course category the plan counts"), .choices = ut_categories},
	{"classes", "planned_classes", UT_ARG_INT, UT_ARG_REQUIRED, NC_("meta", "N"), N_("classes planned in the year"), 0, INT32_MAX},
	{"participations", "planned_participations", UT_ARG_INT, UT_ARG_REQUIRED, NC_("meta", "N"), N_("participations planned (one cadre in one class counts 1)"), 0, INT32_MAX},
	{0},
};
static const ut_arg_t plan_coverage_args[] = {
	{"YEAR:PERCENT", NULL, UT_ARG_HOOK, UT_ARG_POS | UT_ARG_REQUIRED | UT_ARG_REPEAT, NULL, N_("the share of the node's cadres trained by the end of a year, cumulative (2027:100)")},
	{0},
};
static const ut_col_t target_cols[] = {{"year", N_("YEAR")}, {"percent", N_("PERCENT"), UT_COL_PERCENT}, {0}};

/* ---- reports (ut-reportd) ---- */

#define ARG_REPORT_YEAR ARG_YEAR("year", N_("report year (default: this year in the node's time zone)"))
#define ARG_REPORT_UNIT ARG_UNIT("unit", "unit_id", 0, N_("one org unit of this node, by code or name"))
#define ARG_QUARTER {"quarter", "quarter", UT_ARG_INT, 0, NC_("meta", "1-4"), N_("one quarter (plans and distinct cadres stay yearly)"), 1, 4}
static const ut_arg_t report_args[] = {
	ARG_REPORT_YEAR,
	ARG_QUARTER,
	ARG_REPORT_UNIT,
	{"scope", "scope", UT_ARG_CHOICE, 0, NC_("meta", "SCOPE"), N_("this node only (node, the default) or with its children's latest snapshots (subtree)"), .choices = ut_report_scopes},
	{"by", "by", UT_ARG_CHOICE, 0, NC_("meta", "ROWS"), N_("rows per course category (the default), class format or month"), .choices = ut_report_groupings},
	{0},
};
static const ut_arg_t coverage_args[] = {
	ARG_REPORT_YEAR,
	ARG_REPORT_UNIT,
	{"scope", "scope", UT_ARG_CHOICE, 0, NC_("meta", "SCOPE"), N_("per unit of this node (node, the default), or per unit type with the children (subtree)"), .choices = ut_report_scopes},
	{0},
};
static const ut_arg_t federation_args[] = {ARG_REPORT_YEAR, ARG_QUARTER, {0}};

/* ---- units and cadres (ut-enrold) ---- */

#define ARG_CADRE(field) {"CADRE", field, UT_ARG_TEXT, UT_ARG_POS | UT_ARG_REQUIRED, NULL, N_("the cadre's registry id")}
#define ARGS_TIME(full_help, part_help)                                                        \
	{"full-time", NULL, UT_ARG_HOOK, 0, NULL, full_help},                                  \
	{"part-time", NULL, UT_ARG_HOOK, 0, NULL, part_help}

static const ut_arg_t unit_add_args[] = {
	{"code", "code", UT_ARG_TEXT, UT_ARG_REQUIRED, NC_("meta", "CODE"), N_("unique unit code, e.g. ENT-0421")},
	{"name", "name", UT_ARG_TEXT, UT_ARG_REQUIRED, NC_("meta", "TEXT"), N_("the unit's name")},
	{"kind", "kind", UT_ARG_CHOICE, UT_ARG_REQUIRED, NC_("meta", "KIND"), N_("what the unit is"), .choices = ut_unit_kinds},
	{"ownership", "ownership", UT_ARG_CHOICE, 0, NC_("meta", "OWN"), N_("who owns it (default public)"), .choices = ut_ownerships},
	{"employees", "employees", UT_ARG_INT, 0, NC_("meta", "N"), N_("number of employees"), 0, 10000000},
	ARG_UNIT("parent", "parent_code", 0, N_("the unit it belongs to, by code or name (default: directly under the node's union)")),
	{"level", "level", UT_ARG_CHOICE, 0, NC_("meta", "LEVEL"), N_("the level it belongs to (default: by the level rule, else this node's)"), .choices = ut_levels},
	{0},
};
static const ut_arg_t unit_change_args[] = {
	ARG_UNIT("UNIT", "code", UT_ARG_POS | UT_ARG_REQUIRED, N_("the unit, by code or name")),
	{"name", "name", UT_ARG_TEXT, 0, NC_("meta", "TEXT"), N_("new name")},
	{"kind", "kind", UT_ARG_CHOICE, 0, NC_("meta", "KIND"), N_("what the unit is"), .choices = ut_unit_kinds},
	{"ownership", "ownership", UT_ARG_CHOICE, 0, NC_("meta", "OWN"), N_("who owns it"), .choices = ut_ownerships},
	{"employees", "employees", UT_ARG_INT, 0, NC_("meta", "N"), N_("number of employees now"), 0, 10000000, .given = "employees_set"},
	ARG_UNIT("parent", "parent_code", 0, N_("move under this unit, by code or name")),
	{"level", "level", UT_ARG_CHOICE, 0, NC_("meta", "LEVEL"), N_("the level it belongs to (default: asked of the level rule again)"), .choices = ut_levels},
	{0},
};
static const ut_arg_t unit_list_args[] = {
	ARG_UNIT("under", "code", 0, N_("only the units under this one, by code or name")),
	{0},
};
static const ut_arg_t unit_show_args[] = {
	ARG_UNIT("UNIT", "code", UT_ARG_POS | UT_ARG_REQUIRED, N_("the unit, by code or name")),
	{0},
};
static const ut_col_t unit_cols[] = {
	{"id", N_("ID")},
	{"code", N_("CODE")},
	{"name", N_("NAME")},
	{"kind", N_("KIND"), UT_COL_WORD},
	{"ownership", N_("OWNERSHIP"), UT_COL_WORD},
	{"employees", N_("EMPLOYEES")},
	{"level", N_("LEVEL"), UT_COL_WORD},
	{"parent_code", N_("PARENT")},
	{0},
};

static const ut_arg_t cadre_add_args[] = {
	{"id", "id", UT_ARG_TEXT, UT_ARG_REQUIRED, NC_("meta", "ID"), N_("registry id (staff or card number), unique on this node")},
	{"name", "name", UT_ARG_TEXT, UT_ARG_REQUIRED, NC_("meta", "TEXT"), N_("full name (Chinese, Vietnamese ...; stored NFC-normalised)")},
	ARG_UNIT("unit", "unit_code", UT_ARG_REQUIRED, N_("the org unit the cadre works in, by code or name")),
	{"position", "position", UT_ARG_CHOICE, UT_ARG_REQUIRED, NC_("meta", "POS"), N_("the cadre's position"), .choices = ut_positions},
	ARGS_TIME(N_("a full-time union cadre (default)"), N_("a part-time union cadre")),
	{"elected", "elected_on", UT_ARG_TEXT, 0, NC_("meta", "DATE"), N_("date elected or appointed, YYYY-MM-DD")},
	{"email", "email", UT_ARG_TEXT, 0, NC_("meta", "ADDR"), N_("e-mail address")},
	{"phone", "phone", UT_ARG_TEXT, 0, NC_("meta", "NUMBER"), N_("phone number")},
	{"locale", "locale", UT_ARG_CHOICE, 0, NC_("meta", "LOC"), N_("the cadre's language for notices (default: the node's)"), .choices = ut_locales},
	{0},
};
static const ut_arg_t cadre_change_args[] = {
	ARG_CADRE("id"),
	{"name", "name", UT_ARG_TEXT, 0, NC_("meta", "TEXT"), N_("new name")},
	ARG_UNIT("unit", "unit_code", 0, N_("moved to this unit, by code or name")),
	{"position", "position", UT_ARG_CHOICE, 0, NC_("meta", "POS"), N_("new position"), .choices = ut_positions},
	ARGS_TIME(N_("now full-time"), N_("now part-time")),
	{"elected", "elected_on", UT_ARG_TEXT, 0, NC_("meta", "DATE"), N_("date elected or appointed (re-election: the new date)")},
	{"email", "email", UT_ARG_TEXT, 0, NC_("meta", "ADDR"), N_("e-mail address; - clears it")},
	{"phone", "phone", UT_ARG_TEXT, 0, NC_("meta", "NUMBER"), N_("phone number; - clears it")},
	{"locale", "locale", UT_ARG_CHOICE, 0, NC_("meta", "LOC"), N_("the cadre's language for notices"), .choices = ut_locales},
	{0},
};
static const ut_arg_t cadre_ref_args[] = {ARG_CADRE("id"), {0}};
static const ut_arg_t cadre_leave_args[] = {
	ARG_CADRE("id"),
	{"reason", "reason", UT_ARG_TEXT, 0, NC_("meta", "TEXT"), N_("why, for the record and the notices")},
	{0},
};
static const ut_arg_t cadre_list_args[] = {
	{"name", "name", UT_ARG_TEXT, 0, NC_("meta", "TEXT"), N_("a fragment of the name; case and diacritics are ignored (Nguyen finds Nguyễn)")},
	ARG_UNIT("unit", "unit_code", 0, N_("only cadres of this unit, by code or name")),
	{"position", "position", UT_ARG_CHOICE, 0, NC_("meta", "POS"), N_("only cadres in this position"), .choices = ut_positions},
	{"state", "state", UT_ARG_CHOICE, 0, NC_("meta", "STATE"), N_("active or left (default: both)"), .choices = ut_cadre_states},
	ARG_LIMIT,
	{"after", "after_id", UT_ARG_TEXT, 0, NC_("meta", "ID"), N_("only cadres with an id after ID (the next page)")},
	{0},
};
static const ut_col_t unit_lines[] = {
	{"id", N_("id")},
	{"code", N_("code")},
	{"name", N_("name")},
	{"kind", N_("kind"), UT_COL_WORD},
	{"ownership", N_("ownership"), UT_COL_WORD},
	{"employees", N_("employees")},
	{"level", N_("level"), UT_COL_WORD},
	{"parent_code", N_("parent")},
	{0},
};
static const ut_col_t cadre_cols[] = {
	{"id", N_("ID")},
	{"name", N_("NAME")},
	{"unit_code", N_("UNIT")},
	{"position", N_("POSITION"), UT_COL_WORD},
	{"full_time", N_("FULL-TIME")},
	{"elected_on", N_("ELECTED")},
	{"state", N_("STATE"), UT_COL_WORD},
	{0},
};
static const ut_col_t cadre_lines[] = {
	{"id", N_("id")},
	{"name", N_("name")},
	{"unit_code", N_("unit")},
	{"unit_kind", N_("unit kind"), UT_COL_WORD},
	{"position", N_("position"), UT_COL_WORD},
	{"full_time", N_("full-time")},
	{"elected_on", N_("elected")},
	{"email", N_("email")},
	{"phone", N_("phone")},
	{"locale", N_("locale")},
	{"state", N_("state"), UT_COL_WORD},
	{"version", N_("version")},
	{0},
};
static const ut_col_t record_lines[] = {
	{"cadre.id", N_("id")},
	{"cadre.name", N_("name")},
	{"cadre.unit_code", N_("unit")},
	{"cadre.position", N_("position"), UT_COL_WORD},
	{"hours_completed", N_("hours completed")},
	{0},
};
static const ut_col_t record_cols[] = {
	{"class_id", N_("CLASS")},
	{"course_code", N_("COURSE")},
	{"category", N_("CATEGORY"), UT_COL_WORD},
	{"first_start", N_("DATES"), UT_COL_DAYS, "last_end"},
	{"hours", N_("HOURS")},
	{"enrolment", N_("ENROLMENT"), UT_COL_WORD},
	{"sessions_attended", N_("ATTENDED"), UT_COL_RATIO, "sessions_total"},
	{"reflection", N_("REFLECTION")},
	{"result", N_("RESULT"), UT_COL_WORD},
	{"title", N_("TITLE")},
	{0},
};
static const ut_arg_t cadre_due_args[] = {
	{"onboarding-months", "onboarding_months", UT_ARG_INT, 0, NC_("meta", "N"), N_("elected more than N months ago without a completed onboarding class"), 1, 1200},
	{"retrain-years", "retrain_years", UT_ARG_INT, 0, NC_("meta", "N"), N_("last completed class of a category more than N years ago"), 1, 100},
	ARG_UNIT("unit", "unit_code", 0, N_("only cadres of this unit and the units under it, by code or name")),
	{"today", "today", UT_ARG_TEXT, 0, NC_("meta", "DATE"), N_("count as of this day, YYYY-MM-DD (planning ahead); default today")},
	{0},
};
static const ut_col_t due_cols[] = {
	{"cadre.id", N_("ID")},
	{"cadre.name", N_("NAME")},
	{"cadre.unit_code", N_("UNIT")},
	{"cadre.position", N_("POSITION"), UT_COL_WORD},
	{"cadre.elected_on", N_("ELECTED")},
	{"reason", N_("DUE"), UT_COL_WORD},
	{"category", N_("CATEGORY"), UT_COL_WORD},
	{"last_trained", N_("LAST TRAINED")},
	{"planned_class", N_("STATUS"), UT_COL_PLANNED},
	{0},
};

/* ---- enrolment, roll-call, reflections (ut-enrold) ---- */

#define ARG_CADRE_POS(field) {"CADRE", field, UT_ARG_TEXT, UT_ARG_POS | UT_ARG_REQUIRED, NULL, N_("the cadre's registry id")}
static const ut_arg_t enrol_add_args[] = {
	ARG_CADRE_POS("cadre_ids"),
	ARG_CLASS("class_id"),
	{"late", "late", UT_ARG_FLAG, 0, NULL, N_("into a class that has started or closed (no \"attend on time\" notice)")},
	{0},
};
static const ut_arg_t enrol_bulk_args[] = {
	ARG_CLASS("class_id"),
	{"file", NULL, UT_ARG_FILE, 0, NC_("meta", "FILE"), N_("the cadres: ids or names, one a line, or a sheet with an id or name column; - or none: stdin")},
	{"late", "late", UT_ARG_FLAG, 0, NULL, N_("into a class that has started or closed (no \"attend on time\" notice)")},
	{0},
};
static const ut_arg_t enrol_cancel_args[] = {
	ARG_CADRE_POS("cadre_id"),
	ARG_CLASS("class_id"),
	{"reason", "reason", UT_ARG_TEXT, 0, NC_("meta", "TEXT"), N_("why, for the record and the notices")},
	{0},
};
static const ut_arg_t enrol_list_args[] = {
	{"class", "class_id", UT_ARG_INT, 0, NC_("meta", "ID"), N_("the enrolments of a class: seats, then the waitlist in order"), 1, INT64_MAX},
	{"cadre", "cadre_id", UT_ARG_TEXT, 0, NC_("meta", "ID"), N_("the enrolments of a cadre")},
	{"state", "state", UT_ARG_CHOICE, 0, NC_("meta", "STATE"), N_("only enrolments in this state"), .choices = ut_enrol_states},
	{0},
};
static const ut_col_t enrolment_cols[] = {
	{"class_id", N_("CLASS")},
	{"cadre_id", N_("CADRE")},
	{"cadre_name", N_("NAME")},
	{"unit_code", N_("UNIT")},
	{"state", N_("STATE"), UT_COL_WORD},
	{"waitlist_pos", N_("PLACE")},
	{"reason", N_("REASON")},
	{0},
};
#define ARGS_MARKS(mark, help) {mark, NULL, UT_ARG_HOOK, UT_ARG_REPEAT | UT_ARG_LIST, NC_("meta", "ID..."), help}
static const ut_arg_t rollcall_args[] = {
	ARG_CLASS("class_id"),
	{"SESSION", "session_id", UT_ARG_REF, UT_ARG_POS | UT_ARG_REQUIRED, NULL, N_("the session's number in the class (see 'utctl session list')"), .ref = UT_REF_CLASS_SESSION, .ctx_field = "class_id"},
	ARGS_MARKS("present", N_("these cadres were present (ids after it, or separated by commas)")),
	ARGS_MARKS("late", N_("came late (counts as present for completion)")),
	ARGS_MARKS("excused", N_("absent with leave")),
	ARGS_MARKS("absent", N_("absent")),
	{"all-present", "all_present", UT_ARG_FLAG, 0, NULL, N_("every confirmed cadre not named otherwise was present")},
	ARGS_MARKS("except", N_("with --all-present: these were absent")),
	{"rest-absent", "rest_absent", UT_ARG_FLAG, 0, NULL, N_("every confirmed cadre not named otherwise was absent")},
	{"file", NULL, UT_ARG_FILE, UT_ARG_REPEAT, NC_("meta", "SHEET"), N_("a sign-in sheet (.xlsx, CSV or text): cadre id or name, and mark; header optional")},
	{"force", "force", UT_ARG_FLAG, 0, NULL, N_("mark a session that has not started yet"), .role = UT_ROLE_OFFICER},
	{0},
};
static const ut_arg_t rollcall_show_args[] = {ARG_CLASS("class_id"), {0}};
static const ut_col_t mark_cols[] = {
	{"session_number", N_("SESSION")},
	{"cadre_id", N_("CADRE")},
	{"mark", N_("MARK"), UT_COL_WORD},
	{"revision", N_("REVISION")},
	{0},
};
static const ut_arg_t reflection_args[] = {
	ARG_CADRE_POS("cadre_id"),
	ARG_CLASS("class_id"),
	{"file", NULL, UT_ARG_FILE, UT_ARG_REQUIRED, NC_("meta", "FILE"), N_("the text (UTF-8); - for stdin")},
	{"late", "late", UT_ARG_FLAG, 0, NULL, N_("after [enrol] reflection_days, on the officer's word"), .role = UT_ROLE_OFFICER},
	{0},
};

/* ---- notifications (ut-notifyd) ---- */

static const ut_arg_t notify_query_args[] = {
	{"cadre", "cadre_id", UT_ARG_TEXT, 0, NC_("meta", "ID"), N_("only messages to this cadre")},
	{"class", "class_id", UT_ARG_INT, 0, NC_("meta", "ID"), N_("only messages about this class"), 1, INT64_MAX},
	{"status", "status", UT_ARG_CHOICE, 0, NC_("meta", "STATUS"), N_("only messages in this state"), .choices = ut_notice_statuses},
	ARG_LIMIT,
	{0},
};
static const ut_col_t delivery_cols[] = {
	{"id", N_("ID")},
	{"status", N_("STATUS"), UT_COL_WORD},
	{"kind", N_("KIND"), UT_COL_WORD},
	{"cadre_id", N_("CADRE")},
	{"class_id", N_("CLASS")},
	{"offset_s", N_("BEFORE"), UT_COL_OFFSET},
	{"due_ms", N_("DUE"), UT_COL_TIME_MS},
	{"channel", N_("CHANNEL"), UT_COL_WORD},
	{"attempts", N_("TRIES")},
	{"error", N_("ERROR")},
	{0},
};
static const ut_arg_t notify_resend_args[] = {
	{"MESSAGE", "id", UT_ARG_INT, UT_ARG_POS | UT_ARG_REQUIRED, NULL, N_("the message's number (see 'utctl notify log')"), 1, INT64_MAX},
	{0},
};
static const ut_arg_t notify_preview_args[] = {
	{"KIND", "kind", UT_ARG_CHOICE, UT_ARG_POS | UT_ARG_REQUIRED, NULL, N_("what the message is about"), .choices = ut_notice_kinds},
	{"CADRE", "cadre_id", UT_ARG_TEXT, UT_ARG_POS | UT_ARG_REQUIRED, NULL, N_("the cadre's registry id")},
	ARG_CLASS("class_id"),
	{"locale", "locale", UT_ARG_CHOICE, 0, NC_("meta", "LOC"), N_("the message's language (default: the cadre's, else the node's)"), .choices = ut_locales},
	{0},
};
static const ut_arg_t cadre_import_args[] = {
	{"FILE", NULL, UT_ARG_FILE, UT_ARG_POS | UT_ARG_REQUIRED, NULL, N_("the cadre list: .xlsx, CSV or text; - for stdin")},
	{"dry-run", "dry_run", UT_ARG_FLAG, 0, NULL, N_("check the file and say what would change; change nothing")},
	{"encoding", NULL, UT_ARG_HOOK, 0, NC_("meta", "ENC"), N_("of a text file: utf-8, utf-16, gb18030, big5 or windows-1258 (default: detected)")},
	{0},
};
static const ut_arg_t notify_nudge_args[] = {
	{"CADRE", "cadre_ids", UT_ARG_TEXT, UT_ARG_POS | UT_ARG_REPEAT, NULL, N_("the cadres' registry ids")},
	{"file", NULL, UT_ARG_FILE, UT_ARG_REPEAT, NC_("meta", "FILE"), N_("more cadres: ids or names, one a line, or a sheet with an id or name column (a due list); - for stdin")},
	{"for", "note", UT_ARG_CHOICE, 0, NC_("meta", "WHY"), N_("what they are due for, said in each cadre's language"), .choices = ut_due_reasons},
	{"note", "note", UT_ARG_TEXT, 0, NC_("meta", "TEXT"), N_("instead of --for: what they are due for, in your own words")},
	{0},
};
static const ut_arg_t notify_optout_args[] = {
	{"CADRE", "cadre_id", UT_ARG_TEXT, UT_ARG_POS | UT_ARG_REQUIRED, NULL, N_("the cadre's registry id")},
	{"CHANNEL", "channel", UT_ARG_CHOICE, UT_ARG_POS | UT_ARG_REQUIRED, NULL, N_("the channel"), .choices = ut_channels},
	{"undo", "undo", UT_ARG_FLAG, 0, NULL, N_("opt back in")},
	{0},
};

/* ---- the web console's accounts (ut-webd) ---- */

#define ARG_PASSWORD {"password-file", NULL, UT_ARG_FILE, 0, NC_("meta", "FILE"), N_("read the password from FILE's first line (- for stdin) instead of asking for it twice")}
static const ut_arg_t user_add_args[] = {
	{"NAME", "name", UT_ARG_TEXT, UT_ARG_POS | UT_ARG_REQUIRED, NULL, N_("the account's name, as its owner signs in")},
	{"role", "role", UT_ARG_CHOICE, UT_ARG_REQUIRED, NC_("meta", "ROLE"), N_("what the account may do: viewer reads, lecturer takes roll-call, officer does all training work, admin also manages accounts"), .choices = ut_roles},
	{"locale", "locale", UT_ARG_CHOICE, 0, NC_("meta", "LOCALE"), N_("the pages' language (default: the node's)"), .choices = ut_locales},
	ARG_PASSWORD,
	{0},
};
static const ut_arg_t user_passwd_args[] = {
	{"NAME", "name", UT_ARG_TEXT, UT_ARG_POS | UT_ARG_REQUIRED, NULL, N_("the account")},
	ARG_PASSWORD,
	{0},
};
static const ut_arg_t user_role_args[] = {
	{"NAME", "name", UT_ARG_TEXT, UT_ARG_POS | UT_ARG_REQUIRED, NULL, N_("the account")},
	{"ROLE", "role", UT_ARG_CHOICE, UT_ARG_POS | UT_ARG_REQUIRED, NULL, N_("the new role"), .choices = ut_roles},
	{0},
};
static const ut_arg_t user_disable_args[] = {
	{"NAME", "name", UT_ARG_TEXT, UT_ARG_POS | UT_ARG_REQUIRED, NULL, N_("the account")},
	{"undo", "enable", UT_ARG_FLAG, 0, NULL, N_("enable it again")},
	{0},
};
static const ut_arg_t user_list_args[] = {ARG_LIMIT, {0}};
static const ut_col_t user_cols[] = {
	{"name", N_("NAME")},
	{"role", N_("ROLE"), UT_COL_WORD},
	{"locale", N_("LOCALE")},
	{"disabled", N_("DISABLED")},
	{0},
};

static const ut_arg_t no_args[] = {{0}};
static const ut_col_t status_cols[] = {
	{"daemon", N_("DAEMON")},
	{"state", N_("STATE"), UT_COL_WORD},
	{"status.uptime_s", N_("UPTIME"), UT_COL_DURATION},
	{"status.requests_served", N_("REQUESTS")},
	{"status.events_applied", N_("EVENTS")},
	{"status.outbox_pending", N_("OUTBOX")},
	{"status.redis_connected", N_("REDIS")},
	{"status.db_path", N_("DB")},
	{0},
};
static const ut_arg_t child_add_args[] = {
	{"ID", "node", UT_ARG_TEXT, UT_ARG_POS | UT_ARG_REQUIRED, NULL, N_("the child node's id ([node] id on the child)")},
	{"PUBKEY", NULL, UT_ARG_HOOK, UT_ARG_POS | UT_ARG_REQUIRED, NULL, N_("the child's public key, as its `utctl node keygen` printed it")},
	{0},
};
static const ut_arg_t child_remove_args[] = {
	{"ID", "node", UT_ARG_TEXT, UT_ARG_POS | UT_ARG_REQUIRED, NULL, N_("the child node's id")},
	{0},
};
static const ut_col_t child_cols[] = {
	{"node", N_("NODE")},
	{"public_key", N_("PUBLIC KEY")},
	{"seq", N_("SNAPSHOT")},
	{"received_ms", N_("RECEIVED"), UT_COL_TIME_MS},
	{"accepted", N_("STORED")},
	{"ignored", N_("IGNORED")},
	{"stale", N_("STALE")},
	{0},
};
static const ut_arg_t audit_args[] = {
	{"actor", "actor", UT_ARG_TEXT, 0, NC_("meta", "WHO"), N_("only the changes of this actor (unix:root, web:wang.li)")},
	{"since", "since", UT_ARG_DATE, 0, NC_("meta", "DATE"), N_("only changes from this day on (YYYY-MM-DD)")},
	ARG_LIMIT,
	{0},
};
static const ut_col_t audit_cols[] = {
	{"at_ms", N_("WHEN"), UT_COL_TIME_MS},
	{"actor", N_("WHO")},
	{"what", N_("WHAT")},
	{"request", N_("REQUEST"), UT_COL_BRIEF},
	{0},
};

#define REQ(name) &ut__##name##__descriptor
#define MSG(t) UT__MSG_TYPE__MSG_##t

const ut_cmd_t ut_cmds[] = {
	{"course", "add", N_("create a course"), SCHEDD, MSG(COURSE_ADD), REQ(course), REQ(course), UT_ROLE_OFFICER,
	 course_add_args, .done = N_("course %s created (%s)"), .done_args = "id,code",
	 .example = "utctl course add --code LAW-2026 --title \"劳动法律法规更新\" --category labour_law --hours 8 --reflection"},
	{"course", "list", N_("list courses"), SCHEDD, MSG(COURSE_LIST), REQ(list_request), REQ(course_list),
	 UT_ROLE_VIEWER, list_args, "courses", course_cols, .example = "utctl course list"},
	{"course", "show", N_("show one course by code or id"), SCHEDD, MSG(COURSE_GET), REQ(ref), REQ(course),
	 UT_ROLE_VIEWER, course_show_args, NULL, course_cols, .example = "utctl course show LAW-2026",
	 .hook = course_ref_hook},

	{"venue", "add", N_("create a venue"), SCHEDD, MSG(VENUE_ADD), REQ(venue), REQ(venue), UT_ROLE_OFFICER,
	 venue_add_args, .done = N_("venue %s created (%s, %s seats)"), .done_args = "id,name,capacity",
	 .example = "utctl venue add --name \"市总工会职工培训中心\" --capacity 120 --address \"人民路 8 号\""},
	{"venue", "list", N_("list venues"), SCHEDD, MSG(VENUE_LIST), REQ(list_request), REQ(venue_list),
	 UT_ROLE_VIEWER, list_args, "venues", venue_cols, .example = "utctl venue list"},

	{"lecturer", "add", N_("register a lecturer"), SCHEDD, MSG(LECTURER_ADD), REQ(lecturer), REQ(lecturer),
	 UT_ROLE_OFFICER, lecturer_add_args, .done = N_("lecturer %s created (%s)"), .done_args = "id,name",
	 .example = "utctl lecturer add --name \"王丽\" --affiliation \"市委党校\" --email wangli@example.org"},
	{"lecturer", "list", N_("list lecturers"), SCHEDD, MSG(LECTURER_LIST), REQ(list_request), REQ(lecturer_list),
	 UT_ROLE_VIEWER, list_args, "lecturers", lecturer_cols, .example = "utctl lecturer list"},

	{"class", "add", N_("schedule a class of a course, with its sessions"), SCHEDD, MSG(CLASS_ADD), REQ(class_add),
	 REQ(class), UT_ROLE_OFFICER, class_add_args, .done = N_("class %s created (version %s)"), .done_args = "id,version",
	 .example = "utctl class add --course LAW-2026 --capacity 120 --level city --lecturer \"王丽\" \\\n"
		    "      --session \"2026-03-05 09:00-12:00\" --venue \"市总工会职工培训中心\" \\\n"
		    "      --session \"2026-03-05 14:00-17:00\" --venue \"小会议室\"",
	 .notes = N_("Each --end, --venue and --lecturer belongs to the --session written before it; --venue and\n"
		     "--lecturer written before the first --session apply to every session that names none.\n"
		     "Times are in the node's time zone."),
	 .hook = class_add_hook},
	{"class", "list", N_("list classes, optionally filtered"), SCHEDD, MSG(CLASS_LIST), REQ(class_query),
	 REQ(class_list), UT_ROLE_VIEWER, class_list_args, "classes", class_cols,
	 .example = "utctl class list --state open --from 2026-03-01 --to 2026-03-31", .hook = class_list_hook},
	{"class", "show", N_("show a class and its timetable"), SCHEDD, MSG(CLASS_GET), REQ(ref), REQ(class),
	 UT_ROLE_VIEWER, class_ref_args, NULL, class_lines, .example = "utctl class show 12", .subcols = session_cols,
	 .subitems = "sessions"},
	{"class", "change", N_("change a class, or move one of its sessions"), SCHEDD, MSG(CLASS_CHANGE), REQ(class_change),
	 REQ(class), UT_ROLE_OFFICER, class_change_args, .done = N_("class %s changed (version %s)"), .done_args = "id,version",
	 .example = "utctl class change 12 --capacity 150\n"
		    "  utctl class change 12 --session 2 --at \"2026-03-06 09:00-12:00\" --venue none",
	 .notes = N_("Only what is given changes. A session keeps its time when only --venue or --lecturer is given."),
	 .hook = class_change_hook},
	{"class", "cancel", N_("cancel a class"), SCHEDD, MSG(CLASS_CANCEL), REQ(class_action), REQ(class),
	 UT_ROLE_OFFICER, class_cancel_args, .done = N_("class %s cancelled (version %s)"), .done_args = "id,version",
	 .example = "utctl class cancel 12 --reason \"场地维修\""},
	{"class", "close", N_("close a class that has ended (computes every cadre's completion)"), SCHEDD,
	 MSG(CLASS_CLOSE), REQ(class_action), REQ(class), UT_ROLE_OFFICER, class_close_args, .said = class_closed,
	 .example = "utctl class close 12\n  utctl class close 12 --force --reason \"last session held online\"",
	 .notes = N_("Closing computes each confirmed cadre's completion from the roll-calls and reflections taken so\n"
		     "far, and the report counts them; after it, enrolling needs --late. An officer may still correct\n"
		     "a roll-call or accept a reflection late (that cadre's completion is computed again), or reopen\n"
		     "the class. Refused before the last session has ended unless --force with a reason, which is\n"
		     "kept with the class and shown by 'utctl audit'.")},
	{"class", "reopen", N_("reopen a closed class (its completions are withdrawn)"), SCHEDD, MSG(CLASS_REOPEN),
	 REQ(class_action), REQ(class), UT_ROLE_OFFICER, class_reopen_args,
	 .done = N_("class %s reopened: its completions are withdrawn until it is closed again (version %s)"),
	 .done_args = "id,version", .example = "utctl class reopen 12 --reason \"roll-call of session 3 was wrong\"",
	 .notes = N_("Correct roll-calls or reflections, then close it again.")},

	{"session", "add", N_("add a session to a class's timetable"), SCHEDD, MSG(SESSION_ADD), REQ(session), REQ(class),
	 UT_ROLE_OFFICER, session_add_args, .said = session_added,
	 .example = "utctl session add 12 --at \"2026-03-12 09:00-12:00\" --venue \"Hội trường A\" --lecturer \"王丽\"",
	 .hook = session_add_hook},
	{"session", "list", N_("list the sessions of a class with their numbers (in the order they were added)"), SCHEDD,
	 MSG(SESSION_LIST), REQ(ref), REQ(session_list), UT_ROLE_VIEWER, class_ref_args, "sessions", session_cols,
	 .example = "utctl session list 12"},

	{"unit", "add", N_("register an org unit under the node"), ENROLD, MSG(UNIT_ADD), REQ(org_unit), REQ(unit_reply),
	 UT_ROLE_OFFICER, unit_add_args, .done = N_("unit %s created (%s, level %s)"), .done_args = "unit.id,unit.code,unit.level",
	 .example = "utctl unit add --code ENT-0421 --name \"华新机械有限公司\" --kind enterprise --ownership non_public --employees 320",
	 .notes = N_("Non-public enterprises are placed by the level rule ([enrol] city_min_employees, default 500: that many\n"
		     "employees or more belong to the city, fewer to the county); a unit registered on a node of the other\n"
		     "level is accepted with a warning."),
	 .hook = unit_add_hook},
	{"unit", "list", N_("list the units as a tree"), ENROLD, MSG(UNIT_LIST), REQ(unit_query), REQ(unit_list),
	 UT_ROLE_VIEWER, unit_list_args, "units", unit_cols, .example = "utctl unit list --under XQ", .hook = unit_list_hook},
	{"unit", "show", N_("show one unit by code or name"), ENROLD, MSG(UNIT_GET), REQ(unit_query), REQ(org_unit), UT_ROLE_VIEWER,
	 unit_show_args, NULL, unit_lines, .example = "utctl unit show \"海淀区总工会\""},
	{"unit", "change", N_("change a unit: name, kind, ownership, size, parent, level"), ENROLD, MSG(UNIT_CHANGE), REQ(unit_change), REQ(unit_reply),
	 UT_ROLE_OFFICER, unit_change_args, .done = N_("unit %s changed (%s, level %s)"), .done_args = "unit.id,unit.code,unit.level",
	 .example = "utctl unit change ENT-7 --employees 450"},

	{"cadre", "add", N_("register a cadre"), ENROLD, MSG(CADRE_ADD), REQ(cadre), REQ(cadre), UT_ROLE_OFFICER,
	 cadre_add_args, .done = N_("cadre %s registered (%s, version %s)"), .done_args = "id,name,version",
	 .example = "utctl cadre add --id C001 --name \"Nguyễn Thị Hương\" --unit ENT-7 --position chair --elected 2025-06-01",
	 .hook = cadre_time_hook},
	{"cadre", "show", N_("show a cadre"), ENROLD, MSG(CADRE_GET), REQ(cadre_ref), REQ(cadre), UT_ROLE_VIEWER,
	 cadre_ref_args, NULL, cadre_lines, .example = "utctl cadre show C001"},
	{"cadre", "list", N_("list or search cadres"), ENROLD, MSG(CADRE_LIST), REQ(cadre_query),
	 REQ(cadre_list), UT_ROLE_VIEWER, cadre_list_args, "cadres", cadre_cols,
	 .example = "utctl cadre list --name huong --position chair --unit XQ"},
	{"cadre", "change", N_("change a cadre's data"), ENROLD, MSG(CADRE_CHANGE), REQ(cadre_change), REQ(cadre),
	 UT_ROLE_OFFICER, cadre_change_args, .done = N_("cadre %s changed (%s, version %s)"), .done_args = "id,name,version",
	 .example = "utctl cadre change C001 --position vice_chair --elected 2027-01-10", .hook = cadre_time_hook},
	{"cadre", "leave", N_("record that a cadre left; their open enrolments are cancelled"), ENROLD,
	 MSG(CADRE_LEAVE), REQ(cadre_ref), REQ(cadre), UT_ROLE_OFFICER, cadre_leave_args,
	 .done = N_("cadre %s has left (%s, version %s)"), .done_args = "id,name,version",
	 .example = "utctl cadre leave C001 --reason \"调任\""},
	{"cadre", "import", N_("import cadres from a spreadsheet (.xlsx, CSV or text): all lines or none"), ENROLD,
	 MSG(CADRE_IMPORT), REQ(cadre_import), REQ(import_reply), UT_ROLE_OFFICER, cadre_import_args,
	 .hook = cadre_import_hook, .said = imported, .example = "utctl cadre import 干部名册.xlsx --dry-run",
	 .notes = N_(
		    "The header names the columns in Chinese, Vietnamese or English (工号 / Mã cán bộ / id, 姓名 / Họ và tên\n"
		    "/ name, 单位 / Đơn vị / unit, 职务 / Chức vụ / position required; full_time, elected_on, email, phone,\n"
		    "locale); title lines above it, a first serial-number column (序号, STT, No.) and other columns are\n"
		    "skipped. A unit is named by its code or its exact name. Positions, full/part-time and locales may be\n"
		    "written in any of the four languages; dates as 2025-06-01, 2025/6/1, 2025.6.1 or 2025年6月1日, and\n"
		    "01/06/2025 is day first on a node whose locale is vi (elsewhere such a date is refused when the day\n"
		    "and month could be swapped). An .xlsx is read from its first sheet; a text file's encoding and\n"
		    "separator (, ; tab) are detected. A known id is updated to the file's values, except those of the\n"
		    "optional columns the file does not have, which stay as stored; a line equal to the stored cadre\n"
		    "changes nothing, so importing the same file again is harmless. Every error of every line is\n"
		    "reported (the first 50, then how many more) and then nothing is imported. Cells are trimmed and\n"
		    "otherwise kept as the text they are (=, +, -, @ included).")},
	{"cadre", "due", N_("cadres due for onboarding or retraining"), ENROLD, MSG(CADRE_DUE), REQ(due_query),
	 REQ(due_list), UT_ROLE_VIEWER, cadre_due_args, "items", due_cols, .hook = cadre_due_hook, .said = due_counted,
	 .example = "utctl cadre due --onboarding-months 6 --retrain-years 3 --unit XQ --format csv > due.csv",
	 .notes = N_("Onboarding: active cadres elected or appointed more than N months ago who completed no class of the\n"
		     "onboarding category. Retraining: for each category a cadre completed, the last such class ended more\n"
		     "than N years ago.")},
	{"cadre", "record", N_("a cadre's training record: classes, hours, results, reflections"), ENROLD, MSG(CADRE_RECORD), REQ(cadre_ref),
	 REQ(training_record), UT_ROLE_VIEWER, cadre_ref_args, NULL, record_lines, .subcols = record_cols,
	 .subitems = "entries", .example = "utctl cadre record C001"},

	{"enrol", "add", N_("enrol a cadre in a class: a seat while there is one, else the waitlist"), ENROLD, MSG(ENROL),
	 REQ(enrol_request), REQ(enrol_reply), UT_ROLE_OFFICER, enrol_add_args, .said = enrol_said,
	 .example = "utctl enrol add C0001 12",
	 .notes = N_("Refused when the cadre is already enrolled, has left, the class is cancelled or closed, or the cadre\n"
		     "holds a seat in another class whose sessions overlap.")},
	{"enrol", "bulk", N_("enrol many cadres in one request, each answered"), ENROLD, MSG(ENROL), REQ(enrol_request),
	 REQ(enrol_reply), UT_ROLE_OFFICER, enrol_bulk_args, .said = enrol_said, .hook = enrol_bulk_hook,
	 .example = "utctl enrol bulk 12 --file chairs.txt",
	 .notes = N_("Exit status 1 when any cadre was refused or not found; the others are enrolled.")},
	{"enrol", "cancel", N_("cancel an enrolment; a freed seat goes to the first waiting"), ENROLD, MSG(ENROL_CANCEL),
	 REQ(enrol_cancel), REQ(enrol_cancel_reply), UT_ROLE_OFFICER, enrol_cancel_args, .said = enrol_cancelled,
	 .example = "utctl enrol cancel C0001 12 --reason \"on duty\""},
	{"enrol", "list", N_("list enrolments of a class (seats, then the waitlist) or of a cadre"), ENROLD,
	 MSG(ENROL_LIST), REQ(enrol_query), REQ(enrol_list), UT_ROLE_VIEWER, enrol_list_args, "enrolments",
	 enrolment_cols, .said = enrol_listed, .hook = enrol_list_hook, .example = "utctl enrol list --class 12"},
	{"rollcall", "mark", N_("record the roll-call of a session; marking again corrects (and is logged)"), ENROLD,
	 MSG(ROLLCALL), REQ(roll_call), REQ(roll_call_reply), UT_ROLE_LECTURER, rollcall_args, .said = rollcall_said,
	 .hook = rollcall_hook, .example = "utctl rollcall mark 12 2 --all-present --except C0007 C0019",
	 .notes = N_("The ids after a list option run to the next option: --present C1 C2 C3 --late C4. Give the class and\n"
		     "session first; the session is its number in the class.")},
	{"rollcall", "show", N_("show every mark of a class"), ENROLD, MSG(ATTENDANCE_LIST), REQ(enrol_query),
	 REQ(attendance_list), UT_ROLE_VIEWER, rollcall_show_args, "marks", mark_cols, .example = "utctl rollcall show 12"},
	{"reflection", "submit", N_("hand in a cadre's written reflection on a class (again: replaces it)"), ENROLD,
	 MSG(REFLECTION_SUBMIT), REQ(reflection), REQ(reflection), UT_ROLE_LECTURER, reflection_args,
	 .done = N_("reflection of %s for class %s recorded (revision %s)"), .done_args = "cadre_id,class_id,revision",
	 .hook = reflection_hook, .example = "utctl reflection submit C0001 12 --file reflection.txt"},

	{"notify", "log", N_("messages sent, pending, retried and dead-lettered"), NOTIFYD, MSG(NOTIFY_LOG),
	 REQ(notify_query), REQ(delivery_list), UT_ROLE_VIEWER, notify_query_args, "deliveries", delivery_cols,
	 .example = "utctl notify log --class 3 --status dead"},
	{"notify", "due", N_("what will be sent next, soonest first"), NOTIFYD, MSG(NOTIFY_DUE), REQ(notify_query),
	 REQ(delivery_list), UT_ROLE_VIEWER, notify_query_args, "deliveries", delivery_cols,
	 .example = "utctl notify due --class 3"},
	{"notify", "resend", N_("send a message again (as a new message)"), NOTIFYD, MSG(NOTIFY_RESEND), REQ(delivery),
	 REQ(delivery), UT_ROLE_OFFICER, notify_resend_args, .done = N_("message queued again as message %s (%s)"),
	 .done_args = "id,key", .example = "utctl notify resend 17",
	 .notes = N_("Only messages that are finished (sent, dead, withdrawn, skipped) can be resent.")},
	{"notify", "preview", N_("show exactly what a message would say now"), NOTIFYD, MSG(NOTIFY_PREVIEW),
	 REQ(preview_request), REQ(preview), UT_ROLE_VIEWER, notify_preview_args, .said = notice_previewed,
	 .example = "utctl notify preview reminder C001 3 --locale vi"},
	{"notify", "nudge", N_("remind cadres of training they are due for (once a day each)"), NOTIFYD,
	 MSG(NOTIFY_NUDGE), REQ(nudge), REQ(delivery_list), UT_ROLE_OFFICER, notify_nudge_args, .hook = nudge_hook,
	 .said = nudged,
	 .example = "utctl cadre due --onboarding-months 6 --format csv | utctl notify nudge --file - --for onboarding"},
	{"notify", "optout", N_("stop (or with --undo resume) messages to a cadre over one channel"), NOTIFYD,
	 MSG(NOTIFY_OPTOUT), REQ(opt_out), REQ(opt_out), UT_ROLE_OFFICER, notify_optout_args, .said = optout_said,
	 .example = "utctl notify optout C001 email", .notes = N_("Messages already queued still go.")},

	{"plan", "show", N_("show the plans of a year"), SCHEDD, MSG(PLAN_GET), REQ(plan_query), REQ(plan_list),
	 UT_ROLE_VIEWER, plan_show_args, "plans", plan_cols, .example = "utctl plan show --year 2026",
	 .hook = plan_show_hook},
	{"plan", "set", N_("set the yearly plan of one category"), SCHEDD, MSG(PLAN_SET), REQ(plan), REQ(plan),
	 UT_ROLE_OFFICER, plan_set_args, .done = N_("plan %s %s set: %s classes, %s participations"),
	 .done_args = "year,category,planned_classes,planned_participations",
	 .example = "utctl plan set --year 2026 --category safety --classes 42 --participations 3000"},
	{"plan", "coverage", N_("set the multi-year coverage targets, replacing the earlier ones"), SCHEDD,
	 MSG(COVERAGE_SET), REQ(coverage_targets), REQ(coverage_targets), UT_ROLE_OFFICER, plan_coverage_args,
	 "targets", target_cols, .hook = plan_coverage_hook, .example = "utctl plan coverage 2025:40 2026:75 2027:100"},
	{"plan", "targets", N_("show the multi-year coverage targets"), SCHEDD, MSG(COVERAGE_GET),
	 REQ(coverage_targets), REQ(coverage_targets), UT_ROLE_VIEWER, NULL, "targets", target_cols,
	 .example = "utctl plan targets"},
	{"report", "fulfilment", N_("classes and participations held against the yearly plan, per category"), REPORTD,
	 MSG(REPORT_QUERY), REQ(report_query), REQ(report_reply), UT_ROLE_VIEWER, report_args, .hook = report_hook, .figures = 1,
	 .example = "utctl report fulfilment --year 2026 --format csv > fulfilment.csv"},
	{"report", "coverage", N_("full- and part-time cadres trained in the year against those registered, per unit"),
	 REPORTD, MSG(REPORT_QUERY), REQ(report_query), REQ(report_reply), UT_ROLE_VIEWER, coverage_args,
	 .hook = report_hook, .figures = 1, .example = "utctl report coverage --year 2026 --unit XQ"},
	{"report", "attendance", N_("attendance, completion and roll-call rates, reminders sent and failed, per category"),
	 REPORTD, MSG(REPORT_QUERY), REQ(report_query), REQ(report_reply), UT_ROLE_VIEWER, report_args,
	 .hook = report_hook, .figures = 1, .example = "utctl report attendance --year 2026 --quarter 3"},
	{"report", "federation", N_("each child node's latest snapshot beside this node's figures, and the subtree total"),
	 REPORTD, MSG(REPORT_FEDERATION), REQ(report_query), REQ(federation_reply), UT_ROLE_VIEWER, federation_args,
	 .hook = report_hook, .figures = 1, .example = "utctl report federation --year 2026"},

	{"node", "status", N_("ask every daemon of the node whether it is up, and how busy it is"), UT_CMD_EVERY,
	 MSG(STATUS), REQ(empty), REQ(node_status), UT_ROLE_VIEWER, no_args, "daemons", status_cols,
	 .gather = ut_gather_status, .each = REQ(status_reply), .said = node_status_said,
	 .example = "utctl node status\n  utctl --node-config /etc/ut/node.ini --json node status",
	 .notes = N_("Columns: daemon, up/down, uptime, requests served since start, events applied, events waiting in "
		     "the outbox, whether Redis is connected, database file. Under them: the delivery workers (up while "
		     "their heartbeat is fresh), the notices by state, and warnings: no channel beyond the spool, no "
		     "worker running. Exits 3 if any daemon is not answering.")},
	{"node", "child add", N_("register a child node's public key: its snapshots are taken from then on"), REPORTD,
	 MSG(REPORT_CHILD_ADD), REQ(child), REQ(child), UT_ROLE_ADMIN, child_add_args, .hook = child_key_hook,
	 .done = N_("child %s registered with key %s"), .done_args = "node,public_key",
	 .example = "utctl node child add cn-hn-thuongtin 'rq:rM>}U?@Lns47E1%kR.o@n%FcmmsL/@{H8]yf7'",
	 .notes = N_("A snapshot is accepted only from the key registered for its node id, checked for every snapshot: "
		     "a key replaced by `child add` or removed is refused on a connection already open. A key that "
		     "begins with '-' and a letter goes after --.")},
	{"node", "child remove", N_("remove a child node: its key is refused and its figures no longer count"), REPORTD,
	 MSG(REPORT_CHILD_REMOVE), REQ(child), REQ(child), UT_ROLE_ADMIN, child_remove_args,
	 .done = N_("child %s removed: its key is refused and its figures no longer count"), .done_args = "node",
	 .example = "utctl node child remove cn-hn-thuongtin"},
	{"node", "child list", N_("the child nodes, their keys and their latest snapshots"), REPORTD,
	 MSG(REPORT_CHILD_LIST), REQ(empty), REQ(child_list), UT_ROLE_ADMIN, no_args, "children", child_cols,
	 .example = "utctl node child list"},
	{"audit", "list", N_("the changes made on the node, who asked for each, newest first"), UT_CMD_EVERY,
	 MSG(AUDIT_LIST), REQ(audit_query), REQ(audit_list), UT_ROLE_OFFICER, audit_args, "entries", audit_cols,
	 .gather = ut_gather_audit, .each = REQ(audit_list), .example = "utctl audit --actor web:wang.li --since 2027-03-01",
	 .notes = N_("Every daemon keeps each change it made with the actor of its request, in the same transaction: "
		     "the Unix user for utctl, the account for the web console.")},

	{"user", "add", N_("create an account of the web console"), WEBD, MSG(USER_ADD), REQ(user), REQ(user), UT_ROLE_ADMIN,
	 user_add_args, .hook = password_hook, .done = N_("account %s created (%s)"), .done_args = "name,role",
	 .example = "utctl user add wang.li --role officer"},
	{"user", "list", N_("list the web console's accounts"), WEBD, MSG(USER_LIST), REQ(user_query), REQ(user_list),
	 UT_ROLE_ADMIN, user_list_args, "users", user_cols, .example = "utctl user list"},
	{"user", "passwd", N_("set an account's password; its sessions end"), WEBD, MSG(USER_CHANGE), REQ(user_change),
	 REQ(user), UT_ROLE_ADMIN, user_passwd_args, .hook = password_hook, .done = N_("password of %s changed"),
	 .done_args = "name", .example = "utctl user passwd wang.li"},
	{"user", "role", N_("change what an account may do"), WEBD, MSG(USER_CHANGE), REQ(user_change), REQ(user),
	 UT_ROLE_ADMIN, user_role_args, .done = N_("%s is now %s"), .done_args = "name,role",
	 .example = "utctl user role wang.li viewer"},
	{"user", "disable", N_("disable (or with --undo enable) an account; its sessions end"), WEBD, MSG(USER_CHANGE),
	 REQ(user_change), REQ(user), UT_ROLE_ADMIN, user_disable_args, .hook = disable_hook, .said = disable_said,
	 .example = "utctl user disable wang.li"},
};
const size_t ut_ncmds = sizeof ut_cmds / sizeof *ut_cmds;
