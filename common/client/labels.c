/* The labels of report columns, groups and categories, as msgids in the catalogues' "report"
 * context: the same words in utctl's tables and CSV, and in the web console. */
#include "ut/labels.h"
#include "ut/i18n.h"
#include "ut/words.h"

#include <string.h>

static const struct {
	const char *key, *label;
} labels[] = {
	{"report_fulfilment", NC_("report", "Plan fulfilment")},
	{"report_coverage", NC_("report", "Training coverage")},
	{"report_attendance", NC_("report", "Attendance")},
	{"report_federation", NC_("report", "Federation")},
	{"category", NC_("report", "Category")},
	{"format", NC_("report", "Format")},
	{"month", NC_("report", "Month")},
	{"yearly", NC_("report", "Whole year (plans, cadres)")},
	{"in_person", NC_("report", "In person")},
	{"online", NC_("report", "Online")},
	{"on_site", NC_("report", "On site")},
	{"unit", NC_("report", "Unit")},
	{"node", NC_("report", "Node")},
	{"total", NC_("report", "Total")},
	{"this_node", NC_("report", "This node")},
	{"classes_planned", NC_("report", "Classes planned")},
	{"classes_held", NC_("report", "Classes held")},
	/* xgettext:no-c-format */
	{"classes_pct", NC_("report", "Classes % of plan")},
	{"classes_cancelled", NC_("report", "Classes cancelled")},
	{"participations_planned", NC_("report", "Participations planned")},
	{"participations", NC_("report", "Participations")},
	/* xgettext:no-c-format */
	{"participations_pct", NC_("report", "Participations % of plan")},
	{"enrolled_at_close", NC_("report", "Enrolled at close")},
	{"attendance_rate", NC_("report", "Attendance rate")},
	{"completion_rate", NC_("report", "Completion rate")},
	{"rollcall_rate", NC_("report", "Roll-call present rate")},
	{"reminders_sent", NC_("report", "Reminders sent")},
	{"reminders_failed", NC_("report", "Reminders failed")},
	{"notices_sent", NC_("report", "Notices sent")},
	{"notices_failed", NC_("report", "Notices failed")},
	{"registered_ft", NC_("report", "Full-time cadres")},
	{"trained_ft", NC_("report", "Full-time trained")},
	{"ft_pct", NC_("report", "Full-time coverage")},
	{"registered_pt", NC_("report", "Part-time cadres")},
	{"trained_pt", NC_("report", "Part-time trained")},
	{"pt_pct", NC_("report", "Part-time coverage")},
	{"cumulative", NC_("report", "Trained so far")},
	{"cumulative_pct", NC_("report", "Coverage so far")},
	{"coverage_target", NC_("report", "Coverage target by the end of the year")},
	{"trained", NC_("report", "Cadres trained")},
	{"registered", NC_("report", "Cadres registered")},
	{"coverage_pct", NC_("report", "Coverage")},
	{"seq", NC_("report", "Snapshot")},
	{"received", NC_("report", "Received")},
	{"stale", NC_("report", "Stale")},
	{"nodes", NC_("report", "Nodes")},
	{"yes", NC_("report", "yes")},
	{"no", NC_("report", "no")},
	{"never", NC_("report", "never")},
	{"union", NC_("report", "Union")},
	{"enterprise", NC_("report", "Enterprise")},
	{"school", NC_("report", "School")},
	{"agency", NC_("report", "Agency")},
	{"public_body", NC_("report", "Public body")},
	{"social_org", NC_("report", "Social organisation")},
	{"onboarding", NC_("report", "Onboarding")},
	{"chair_rotation", NC_("report", "Chair rotation")},
	{"finance_audit", NC_("report", "Finance and audit")},
	{"information", NC_("report", "Information")},
	{"negotiation", NC_("report", "Negotiation")},
	{"labour_law", NC_("report", "Labour law")},
	{"safety", NC_("report", "Safety")},
	{"other", NC_("report", "Other")},
	{"", NC_("report", "Unclassified")},
};

const char *ut_report_label(const char *key)
{
	for (size_t i = 0; i < sizeof labels / sizeof labels[0]; i++)
		if (!strcmp(labels[i].key, key))
			return ut_trc("report", labels[i].label);
	return key;
}
