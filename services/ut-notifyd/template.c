/* Message templates: one file per kind and locale, checked whole at load time (UTF-8, known
 * {{variables}}, a Subject line), so a mistake stops the daemon at start and never a send. */
#include "notifyd.h"
#include "ut/err.h"
#include "ut/utf8.h"
#include "ut/words.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const notify_var_names[V_NVARS] = {
	"cadre_name", "cadre_id", "unit", "class_title", "class_id", "class_start",
	"class_end", "venue", "lecturer", "offset", "reason", "session_start", "until",
};
const char *const notify_kinds[] = {"confirmed", "waitlisted", "promoted", "cancelled",
				    "class_cancelled", "class_changed", "reminder", "absent", "reflection_due", "due_nudge", NULL};
const char *const notify_locales[] = {"zh-Hans", "zh-Hant", "vi", "en", NULL};

#define NKINDS 10
#define NLOCALES 4
#define MAX_TEMPLATE (64 * 1024)

/* How a reminder's {{offset}} ("3d", "2h", "30m") reads in each locale: offset.<locale>.txt, a line
 * "d: {{n}} ngày" per unit (and "d1: {{n}} day" where one reads otherwise), so the words of a notice
 * all come from the templates. */
static const char offset_units[] = "dhm";

/* How a nudge's {{reason}} reads when it is a due reason (onboarding, retrain): reason.<locale>.txt,
 * a line "onboarding: Bồi dưỡng cán bộ mới" per reason. An officer's own note is said as written. */
#define NREASONS 2

struct notify_templates {
	char *subject[NKINDS][NLOCALES];
	char *body[NKINDS][NLOCALES];
	char *offset[NLOCALES][6]; /* the text around {{n}} for days, hours, minutes; then for n = 1 */
	char *reason[NLOCALES][NREASONS]; /* the words of ut_due_reasons */
};

static int index_of(const char *const *list, const char *s)
{
	for (int i = 0; s && list[i]; i++)
		if (!strcmp(list[i], s))
			return i;
	return -1;
}

int notify_is_kind(const char *kind) { return index_of(notify_kinds, kind) >= 0; }
int notify_is_locale(const char *locale) { return index_of(notify_locales, locale) >= 0; }

static int var_index(const char *name, size_t n)
{
	for (int i = 0; i < V_NVARS; i++)
		if (strlen(notify_var_names[i]) == n && !memcmp(notify_var_names[i], name, n))
			return i;
	return -1;
}

/* Line number of offset off in text, for messages. */
static int line_of(const char *text, size_t off)
{
	int line = 1;
	for (size_t i = 0; i < off; i++)
		line += text[i] == '\n';
	return line;
}

int notify_template_check(const char *text, size_t len, char *err, size_t errlen)
{
	if (!ut_utf8_valid(text, len)) {
		snprintf(err, errlen, "not valid UTF-8");
		return UT_EINVAL;
	}
	if (memchr(text, '\0', len)) {
		snprintf(err, errlen, "contains a NUL byte");
		return UT_EINVAL;
	}
	if (len < 9 || strncmp(text, "Subject: ", 9) != 0) {
		snprintf(err, errlen, "line 1: must start with \"Subject: \"");
		return UT_EINVAL;
	}
	for (const char *p = text; (p = strstr(p, "{{")) != NULL;) {
		const char *e = strstr(p + 2, "}}");
		const char *nl = memchr(p, '\n', (size_t)(text + len - p));
		if (!e || (nl && nl < e)) {
			snprintf(err, errlen, "line %d: \"{{\" without \"}}\"", line_of(text, (size_t)(p - text)));
			return UT_EINVAL;
		}
		const char *n = p + 2;
		size_t nlen = (size_t)(e - n);
		while (nlen && *n == ' ')
			n++, nlen--;
		while (nlen && n[nlen - 1] == ' ')
			nlen--;
		if (var_index(n, nlen) < 0) {
			snprintf(err, errlen, "line %d: unknown variable {{%.*s}}", line_of(text, (size_t)(p - text)),
				 (int)(nlen > 64 ? 64 : nlen), n);
			return UT_EINVAL;
		}
		p = e + 2;
	}
	return 0;
}

static char *read_file(const char *path, size_t *len, char *err, size_t errlen)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		snprintf(err, errlen, "%s: cannot read", path);
		return NULL;
	}
	char *buf = malloc(MAX_TEMPLATE + 1);
	size_t n = buf ? fread(buf, 1, MAX_TEMPLATE + 1, f) : 0;
	fclose(f);
	if (!buf || n > MAX_TEMPLATE) {
		snprintf(err, errlen, "%s: larger than %d bytes", path, MAX_TEMPLATE);
		free(buf);
		return NULL;
	}
	buf[n] = '\0';
	*len = n;
	return buf;
}

/* The words file <stem>.<locale>.txt, read whole into *text; its path in path. */
static char *words_read(const char *dir, const char *stem, int l, char *path, size_t plen, char *err, size_t errlen)
{
	size_t len;
	snprintf(path, plen, "%s/%s.%s.txt", dir, stem, notify_locales[l]);
	return read_file(path, &len, err, errlen);
}

/* The next line of a words file that is neither empty nor a '#' comment, cut in place; NULL at the
 * end. *line counts the lines read. */
static char *next_line(char **at, int *line)
{
	while (**at) {
		char *p = *at, *nl = strchr(p, '\n');
		*at = nl ? nl + 1 : p + strlen(p);
		if (nl)
			*nl = '\0';
		++*line;
		if (*p && *p != '#')
			return p;
	}
	return NULL;
}

/* offset.<locale>.txt: "d: {{n}} days", "h: ...", "m: ...". */
static int offsets_load(notify_templates_t *t, const char *dir, int l, char *err, size_t errlen)
{
	char path[4096], *text = words_read(dir, "offset", l, path, sizeof path, err, errlen), *at = text, *p;
	if (!text)
		return UT_EINVAL;
	int rc = 0, line = 0;
	while (!rc && (p = next_line(&at, &line))) {
		const char *u = strchr(offset_units, *p);
		int one = p[1] == '1', n = 1 + one;
		if (!u || !*u || p[n] != ':' || !strstr(p, "{{n}}")) {
			snprintf(err, errlen, "%s:%d: expected \"d: {{n}} ...\", \"h: ...\", \"m: ...\" (or d1:, h1:, m1:)", path,
				 line);
			rc = UT_EINVAL;
		} else if (!(t->offset[l][u - offset_units + 3 * one] = strdup(p + n + 1 + (p[n + 1] == ' '))))
			rc = UT_ENOMEM;
	}
	for (int i = 0; !rc && i < 3; i++)
		if (!t->offset[l][i]) {
			snprintf(err, errlen, "%s: no line for \"%c:\"", path, offset_units[i]);
			rc = UT_EINVAL;
		}
	free(text);
	return rc;
}

/* reason.<locale>.txt: "onboarding: ...", "retrain: ...". */
static int reasons_load(notify_templates_t *t, const char *dir, int l, char *err, size_t errlen)
{
	char path[4096], *text = words_read(dir, "reason", l, path, sizeof path, err, errlen), *at = text, *p;
	if (!text)
		return UT_EINVAL;
	int rc = 0, line = 0;
	while (!rc && (p = next_line(&at, &line))) {
		char *colon = strchr(p, ':');
		int r = -1;
		if (colon) {
			*colon = '\0';
			r = index_of(ut_due_reasons, p);
		}
		if (r < 0 || r >= NREASONS || !colon[1 + (colon[1] == ' ')]) {
			snprintf(err, errlen, "%s:%d: expected \"onboarding: ...\" or \"retrain: ...\"", path, line);
			rc = UT_EINVAL;
		} else if (!(t->reason[l][r] = strdup(colon + 1 + (colon[1] == ' '))))
			rc = UT_ENOMEM;
	}
	for (int i = 0; !rc && i < NREASONS; i++)
		if (!t->reason[l][i]) {
			snprintf(err, errlen, "%s: no line for \"%s:\"", path, ut_due_reasons[i]);
			rc = UT_EINVAL;
		}
	free(text);
	return rc;
}

int notify_templates_load(notify_templates_t **out, const char *dir, char *err, size_t errlen)
{
	*out = NULL;
	notify_templates_t *t = calloc(1, sizeof *t);
	if (!t)
		return UT_ENOMEM;
	for (int k = 0; k < NKINDS; k++)
		for (int l = 0; l < NLOCALES; l++) {
			char path[4096], why[256];
			size_t len;
			snprintf(path, sizeof path, "%s/%s.%s.txt", dir, notify_kinds[k], notify_locales[l]);
			char *text = read_file(path, &len, err, errlen);
			if (!text) {
				notify_templates_destroy(&t);
				return UT_EINVAL;
			}
			if (notify_template_check(text, len, why, sizeof why) != 0) {
				snprintf(err, errlen, "%s: %s", path, why);
				free(text);
				notify_templates_destroy(&t);
				return UT_EINVAL;
			}
			/* "Subject: ...\n" then the body; one blank line between them is dropped */
			char *nl = strchr(text, '\n');
			char *body = nl ? nl + 1 : text + len;
			if (nl)
				*nl = '\0';
			if (*body == '\n')
				body++;
			t->subject[k][l] = strdup(text + 9);
			t->body[k][l] = strdup(body);
			free(text);
			if (!t->subject[k][l] || !t->body[k][l]) {
				notify_templates_destroy(&t);
				return UT_ENOMEM;
			}
		}
	for (int l = 0; l < NLOCALES; l++) {
		int rc = offsets_load(t, dir, l, err, errlen);
		if (!rc)
			rc = reasons_load(t, dir, l, err, errlen);
		if (rc) {
			notify_templates_destroy(&t);
			return rc;
		}
	}
	*out = t;
	return 0;
}

void notify_templates_destroy(notify_templates_t **tp)
{
	notify_templates_t *t = *tp;
	if (!t)
		return;
	for (int k = 0; k < NKINDS; k++)
		for (int l = 0; l < NLOCALES; l++) {
			free(t->subject[k][l]);
			free(t->body[k][l]);
		}
	for (int l = 0; l < NLOCALES; l++) {
		for (int i = 0; i < 6; i++)
			free(t->offset[l][i]);
		for (int i = 0; i < NREASONS; i++)
			free(t->reason[l][i]);
	}
	free(t);
	*tp = NULL;
}

/* Substitute {{var}} in src; the text was checked at load, so every name is known. */
static char *subst(const char *src, const char *const *vals)
{
	size_t cap = strlen(src) + 256, n = 0;
	char *out = malloc(cap);
	if (!out)
		return NULL;
	for (const char *p = src; *p;) {
		const char *add = p;
		size_t alen = 1;
		const char *e;
		if (p[0] == '{' && p[1] == '{' && (e = strstr(p + 2, "}}")) != NULL) {
			const char *nm = p + 2;
			size_t nlen = (size_t)(e - nm);
			while (nlen && *nm == ' ')
				nm++, nlen--;
			while (nlen && nm[nlen - 1] == ' ')
				nlen--;
			int v = var_index(nm, nlen);
			add = v >= 0 && vals[v] ? vals[v] : "";
			alen = strlen(add);
			p = e + 2;
		} else
			p++;
		if (n + alen + 1 > cap) {
			cap = (n + alen + 1) * 2;
			char *m = realloc(out, cap);
			if (!m) {
				free(out);
				return NULL;
			}
			out = m;
		}
		memcpy(out + n, add, alen);
		n += alen;
	}
	out[n] = '\0';
	return out;
}

int notify_render(const notify_templates_t *t, const char *kind, const char *locale, const char *const *vals,
		  char **subject, char **text)
{
	int k = index_of(notify_kinds, kind), l = index_of(notify_locales, locale);
	*subject = *text = NULL;
	if (k < 0 || l < 0)
		return UT_EINVAL;
	/* the offset as the locale says it: "3d" -> "3 ngày" */
	const char *own[V_NVARS];
	char words[128];
	memcpy(own, vals, sizeof own);
	const char *o = vals[V_OFFSET], *u = o && *o ? strchr(offset_units, o[strlen(o) - 1]) : NULL;
	if (u && *u) {
		int unit = (int)(u - offset_units), one = strlen(o) == 2 && o[0] == '1';
		const char *tpl = one && t->offset[l][unit + 3] ? t->offset[l][unit + 3] : t->offset[l][unit];
		const char *at = strstr(tpl, "{{n}}");
		snprintf(words, sizeof words, "%.*s%.*s%s", (int)(at - tpl), tpl, (int)(strlen(o) - 1), o, at + 5);
		own[V_OFFSET] = words;
	}
	int r = index_of(ut_due_reasons, vals[V_REASON]);
	if (r >= 0 && r < NREASONS) /* "onboarding" -> "Bồi dưỡng cán bộ mới" */
		own[V_REASON] = t->reason[l][r];
	*subject = subst(t->subject[k][l], own);
	*text = subst(t->body[k][l], own);
	/* a value with a line break must not add a mail header */
	for (char *p = *subject; p && *p; p++)
		if ((unsigned char)*p < 0x20)
			*p = ' ';
	if (!*subject || !*text) {
		free(*subject);
		free(*text);
		*subject = *text = NULL;
		return UT_ENOMEM;
	}
	return 0;
}
