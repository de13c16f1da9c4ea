/* The protocol's value words, one list each (see words.h); NC_ marks them for the catalogues. */
#include "ut/words.h"

#include <stddef.h>

const char *const ut_categories[] = {
	NC_("value", "onboarding"),  NC_("value", "chair_rotation"), NC_("value", "finance_audit"),
	NC_("value", "information"), NC_("value", "negotiation"),    NC_("value", "labour_law"),
	NC_("value", "safety"),      NC_("value", "other"),          NULL,
};
const char *const ut_levels[] = {
	NC_("value", "federation"), NC_("value", "province"),   NC_("value", "city"),
	NC_("value", "county"),     NC_("value", "grassroots"), NULL,
};
const char *const ut_formats[] = {NC_("value", "in_person"), NC_("value", "online"), NC_("value", "on_site"), NULL};
const char *const ut_class_states[] = {
	NC_("value", "planned"), NC_("value", "open"),      NC_("value", "running"),
	NC_("value", "closed"),  NC_("value", "cancelled"), NULL,
};
const char *const ut_positions[] = {
	NC_("value", "chair"),         NC_("value", "vice_chair"),          NC_("value", "committee_member"),
	NC_("value", "finance_audit"), NC_("value", "information_officer"), NC_("value", "negotiator"),
	NC_("value", "other"),         NULL,
};
const char *const ut_marks[] = {
	NC_("value", "present"), NC_("value", "late"), NC_("value", "excused"), NC_("value", "absent"), NULL,
};
const char *const ut_unit_kinds[] = {
	NC_("value", "union"),  NC_("value", "enterprise"),  NC_("value", "school"),
	NC_("value", "agency"), NC_("value", "public_body"), NC_("value", "social_org"), NULL,
};
const char *const ut_ownerships[] = {NC_("value", "public"), NC_("value", "non_public"), NULL};
const char *const ut_locales[] = {"zh-Hans", "zh-Hant", "vi", "en", NULL};
const char *const ut_cadre_states[] = {NC_("value", "active"), NC_("value", "left"), NULL};
const char *const ut_enrol_states[] = {NC_("value", "confirmed"), NC_("value", "waitlisted"), NC_("value", "cancelled"), NULL};
const char *const ut_due_reasons[] = {NC_("value", "onboarding"), NC_("value", "retrain"), NULL};
const char *const ut_due_states[] = {NC_("value", "due"), NC_("value", "planned"), NULL};
const char *const ut_results[] = {NC_("value", "completed"), NC_("value", "not_completed"), NC_("value", "pending"), NULL};

const char *const ut_notice_kinds[] = {
	NC_("value", "confirmed"),       NC_("value", "waitlisted"),    NC_("value", "promoted"),
	NC_("value", "cancelled"),       NC_("value", "class_cancelled"), NC_("value", "class_changed"),
	NC_("value", "reminder"),        NC_("value", "absent"),        NC_("value", "reflection_due"),
	NC_("value", "due_nudge"),       NULL,
};
const char *const ut_notice_statuses[] = {
	NC_("value", "scheduled"), NC_("value", "queued"),    NC_("value", "sent"),    NC_("value", "retrying"),
	NC_("value", "dead"),      NC_("value", "withdrawn"), NC_("value", "skipped"), NULL,
};
const char *const ut_channels[] = {NC_("value", "email"), NC_("value", "webhook"), NC_("value", "spool"), NULL};

/* Request fields the daemons' messages name ("title is required"): words of the catalogues too. */
const char *const ut_field_words[] = {
	NC_("value", "address"), NC_("value", "affiliation"), NC_("value", "audience"), NC_("value", "capacity"),
	NC_("value", "category"), NC_("value", "code"),       NC_("value", "email"),    NC_("value", "format"),
	NC_("value", "level"),    NC_("value", "name"),       NC_("value", "number"),   NC_("value", "planned"),
	NC_("value", "reason"),   NC_("value", "title"),      NC_("value", "year"),     NC_("value", "coverage"),
	NC_("value", "line"),     NC_("value", "row"), /* how a sheet's messages count */
	NULL,
};
const char *const ut_report_scopes[] = {NC_("value", "node"), NC_("value", "subtree"), NULL};
const char *const ut_report_groupings[] = {NC_("value", "category"), NC_("value", "format"), NC_("value", "month"), NULL};
const char *const ut_daemon_states[] = {NC_("value", "up"), NC_("value", "down"), NC_("value", "error"), NULL};
const char *const ut_roles[] = {NC_("value", "viewer"), NC_("value", "lecturer"), NC_("value", "officer"),
				  NC_("value", "admin"), NULL};
