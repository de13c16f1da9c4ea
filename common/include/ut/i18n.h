/* Words people read, in their language: GNU gettext catalogues (common/po/<locale>.po, compiled
 * into the build tree) shared by utctl and the web console, for the four locales of the node. */
#ifndef UT_I18N_H
#define UT_I18N_H

#include <stddef.h>

/* The msgid s in the chosen locale (s itself when the catalogue has none). */
const char *ut_tr(const char *s) __attribute__((format_arg(1)));
/* The msgid s in context ctx ("meta": a metavariable of help, "value": a value word). */
const char *ut_trc(const char *ctx, const char *s);
/* A value word (confirmed, open, safety ...) in the chosen locale, from the catalogues' "value"
 * context; anything else (a name, a date) as it is. */
const char *ut_tr_word(const char *w);
/* A msgid left for ut_tr to translate later (tables of strings). */
#define N_(s) (s)
#define _(s) ut_tr(s)

/* zh-Hans, zh-Hant, vi or en for a locale as a person or the environment says it (zh_CN.UTF-8,
 * zh-TW, vi_VN, en_US, C ...); NULL when it is none of them. */
const char *ut_i18n_norm(const char *locale);
/* The reader's locale: `given` (--locale), else LC_ALL / LC_MESSAGES / LANG when they name one
 * of the four, else the node's. NULL when `given` is set but not one of the four. */
const char *ut_i18n_pick(const char *given, const char *node_locale);
/* Use `locale` (one of the four) for every ut_tr from now on. The catalogues are read from
 * $UT_LOCALEDIR, else the build tree's. 0, or UT_EINVAL for another locale. */
int ut_i18n_use(const char *locale);
/* The locale in use ("en" before ut_i18n_use). */
const char *ut_i18n_locale(void);

/* fmt (a translated printf format of %s, %d, %lld, %zu ... and their %N$ forms) with each
 * conversion replaced by the next (or the Nth) of args, as text: how a reply's code and arguments
 * become a sentence. An argument that is a status word (confirmed, open ...) is translated too. */
void ut_i18n_render(char *out, size_t len, const char *fmt, const char *const *args, size_t nargs);
/* The same with the arguments as they are (the caller translated the words among them). */
void ut_i18n_render_as_is(char *out, size_t len, const char *fmt, const char *const *args, size_t nargs);

/* Add every translation of context ctx ("web", "value") in locale's catalogue to the JSON object
 * into, msgid -> text: what the web console's pages say. 0, UT_ENOTFOUND (no catalogue), UT_EINVAL
 * (not a catalogue) or UT_ENOMEM. */
typedef struct json_t json_t;
int ut_i18n_export(const char *locale, const char *ctx, json_t *into);

#endif
