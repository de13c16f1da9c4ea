/* The value words of the protocol (course categories, class levels and states, positions, marks
 * ...): the daemons validate requests against these lists and the clients offer them, so both
 * know the same words. Each list ends with NULL. People read them through the catalogues' "value"
 * context (ut_i18n_render, ut_tr_word). */
#ifndef UT_WORDS_H
#define UT_WORDS_H

/* A value word, marked for the catalogues' "value" context (xgettext -kNC_:1c,2). */
#define NC_(ctx, s) (s)

extern const char *const ut_categories[];    /* course categories, the key of yearly plans */
extern const char *const ut_levels[];        /* who organises a class: federation ... grassroots */
extern const char *const ut_formats[];       /* in_person, online, on_site */
extern const char *const ut_class_states[];  /* planned, open, running, closed, cancelled */
extern const char *const ut_positions[];     /* a cadre's position */
extern const char *const ut_marks[];         /* roll-call marks */
extern const char *const ut_unit_kinds[];    /* union, enterprise, school ... */
extern const char *const ut_ownerships[];    /* public, non_public */
extern const char *const ut_cadre_states[];  /* active, left */
extern const char *const ut_enrol_states[];  /* confirmed, waitlisted, cancelled */
extern const char *const ut_due_reasons[];   /* why a cadre is due: onboarding, retrain */
extern const char *const ut_due_states[];    /* a due-list item: due, or planned */
extern const char *const ut_results[];       /* a training record's completed, not_completed, pending */
extern const char *const ut_notice_kinds[];    /* what a notice is about: confirmed ... due_nudge */
extern const char *const ut_notice_statuses[]; /* scheduled, queued, sent, retrying, dead ... */
extern const char *const ut_channels[];        /* email, webhook, spool */
extern const char *const ut_report_scopes[];    /* a report of this node, or of its subtree */
extern const char *const ut_report_groupings[]; /* a report's rows: per category, format or month */
extern const char *const ut_daemon_states[]; /* node status: answered, did not, answered no status */
extern const char *const ut_roles[];         /* web console roles, in ut_role_t order: viewer ... admin */
extern const char *const ut_locales[];       /* zh-Hans, zh-Hant, vi, en */
extern const char *const ut_field_words[];   /* request fields named in replies */

#endif
