/* The words of reports (column, group and category labels) in the reader's language, from the
 * catalogues' "report" context: utctl's tables and CSV and the web console say them alike. */
#ifndef UT_LABELS_H
#define UT_LABELS_H

/* The label of `key` (classes_held, safety, total ...) in the locale in use (ut_i18n_use); an
 * unknown key as it is. */
const char *ut_report_label(const char *key);

#endif
