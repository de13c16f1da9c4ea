/* Locale choice and the catalogues: gettext looks messages up by the LANGUAGE variable under the
 * always-present C.UTF-8 locale, so a node needs no generated system locales to speak Vietnamese. */
#include "ut/i18n.h"
#include "ut/err.h"

#include <jansson.h>
#include <libintl.h>
#include <locale.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef UT_LOCALEDIR
#define UT_LOCALEDIR "/usr/share/locale"
#endif
#define DOMAIN "ut"

static const char *current = "en";
static int active;

/* The node's locale names and gettext's language codes for them (the catalogues' directories). */
static const struct {
	const char *name, *gettext;
} locales[] = {
	{"zh-Hans", "zh_CN"},
	{"zh-Hant", "zh_TW"},
	{"vi", "vi"},
	{"en", "en"},
};

const char *ut_i18n_norm(const char *l)
{
	if (!l || !*l)
		return NULL;
	char b[32];
	size_t n = strcspn(l, ".@");
	if (n >= sizeof b)
		return NULL;
	for (size_t i = 0; i < n; i++)
		b[i] = l[i] == '_' ? '-' : l[i];
	b[n] = '\0';
	if (!strcasecmp(b, "zh-Hans") || !strcasecmp(b, "zh-CN") || !strcasecmp(b, "zh-SG") || !strcasecmp(b, "zh"))
		return "zh-Hans";
	if (!strcasecmp(b, "zh-Hant") || !strcasecmp(b, "zh-TW") || !strcasecmp(b, "zh-HK") || !strcasecmp(b, "zh-MO"))
		return "zh-Hant";
	if (!strcasecmp(b, "vi") || !strncasecmp(b, "vi-", 3))
		return "vi";
	if (!strcasecmp(b, "en") || !strncasecmp(b, "en-", 3))
		return "en";
	return NULL;
}

const char *ut_i18n_pick(const char *given, const char *node_locale)
{
	if (given)
		return ut_i18n_norm(given);
	static const char *const vars[] = {"LC_ALL", "LC_MESSAGES", "LANG"};
	for (size_t i = 0; i < sizeof vars / sizeof *vars; i++) {
		const char *v = getenv(vars[i]);
		if (v && *v) {
			/* the first variable set decides, as for the C library; C or POSIX says nothing */
			const char *l = ut_i18n_norm(v);
			if (l)
				return l;
			break;
		}
	}
	const char *l = ut_i18n_norm(node_locale);
	return l ? l : "en";
}

int ut_i18n_use(const char *locale)
{
	for (size_t i = 0; i < sizeof locales / sizeof *locales; i++)
		if (!strcmp(locale, locales[i].name)) {
			const char *dir = getenv("UT_LOCALEDIR");
			setlocale(LC_MESSAGES, "C.UTF-8");
			setenv("LANGUAGE", locales[i].gettext, 1);
			bindtextdomain(DOMAIN, dir && *dir ? dir : UT_LOCALEDIR);
			bind_textdomain_codeset(DOMAIN, "UTF-8");
			textdomain(DOMAIN); /* tells gettext its cached translations are stale */
			current = locales[i].name;
			active = strcmp(current, "en") != 0;
			return 0;
		}
	return UT_EINVAL;
}

const char *ut_i18n_locale(void) { return current; }

const char *ut_tr(const char *s)
{
	return active && s && *s ? dgettext(DOMAIN, s) : s;
}

/* A word that stands for a value (a state, a mark, a level) has a catalogue entry in the "value"
 * context; anything else (a name, a date, a number) is shown as it is. */
const char *ut_trc(const char *ctx, const char *s)
{
	char key[200];
	size_t c = strlen(ctx), n = strlen(s);
	if (!active || !*s || c + n + 2 > sizeof key)
		return s;
	memcpy(key, ctx, c);
	key[c] = '\004';
	memcpy(key + c + 1, s, n + 1);
	const char *t = dgettext(DOMAIN, key);
	return t == key ? s : t;
}

const char *ut_tr_word(const char *arg)
{
	if (!active || !*arg)
		return arg;
	size_t n = strlen(arg);
	const char *t = ut_trc("value", arg);
	if (t != arg)
		return t;
	/* a field's name in a daemon's message ("title is required") is a word of the clients too */
	if (strspn(arg, "abcdefghijklmnopqrstuvwxyz_") == n)
		return dgettext(DOMAIN, arg);
	return arg;
}

static void put(char **o, char *end, const char *s)
{
	size_t n = strlen(s), room = (size_t)(end - *o);
	if (n > room)
		n = room;
	memcpy(*o, s, n);
	*o += n;
}

static void render(char *out, size_t len, const char *fmt, const char *const *args, size_t nargs, int words)
{
	if (!len)
		return;
	char *o = out, *end = out + len - 1;
	size_t next = 0;
	for (const char *p = fmt; *p && o < end;) {
		if (*p != '%') {
			*o++ = *p++;
			continue;
		}
		const char *q = p + 1;
		if (*q == '%') {
			*o++ = '%';
			p = q + 1;
			continue;
		}
		size_t idx = next;
		const char *d = q;
		while (*d >= '0' && *d <= '9')
			d++;
		if (*d == '$' && d > q) {
			idx = (size_t)strtoul(q, NULL, 10) - 1;
			q = d + 1;
		} else
			next++;
		while (*q && strchr("-+ #0123456789.*hlzjt", *q))
			q++;
		if (*q)
			q++;
		const char *a = idx < nargs && args[idx] ? args[idx] : "?";
		put(&o, end, words ? ut_tr_word(a) : a);
		p = q;
	}
	*o = '\0';
}

void ut_i18n_render(char *out, size_t len, const char *fmt, const char *const *args, size_t nargs)
{
	render(out, len, fmt, args, nargs, 1);
}

void ut_i18n_render_as_is(char *out, size_t len, const char *fmt, const char *const *args, size_t nargs)
{
	render(out, len, fmt, args, nargs, 0);
}

/* The compiled catalogue (.mo): a header, then two tables of (length, offset) for the msgids and
 * their translations, in the same order; a msgid with a context is "context\4msgid". */
static uint32_t mo_word(const unsigned char *p, int swap)
{
	uint32_t v = (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
	return swap ? __builtin_bswap32(v) : v;
}

int ut_i18n_export(const char *locale, const char *ctx, json_t *into)
{
	const char *code = NULL, *dir = getenv("UT_LOCALEDIR");
	for (size_t i = 0; i < sizeof locales / sizeof *locales; i++)
		if (!strcmp(locale, locales[i].name))
			code = locales[i].gettext;
	if (!code)
		return UT_EINVAL;
	char path[4096];
	snprintf(path, sizeof path, "%s/%s/LC_MESSAGES/" DOMAIN ".mo", dir && *dir ? dir : UT_LOCALEDIR, code);
	FILE *f = fopen(path, "rb");
	if (!f)
		return UT_ENOTFOUND;
	unsigned char *mo = malloc(16 << 20);
	size_t len = mo ? fread(mo, 1, 16 << 20, f) : 0;
	fclose(f);
	int rc = UT_EINVAL;
	if (!mo)
		return UT_ENOMEM;
	if (len < 28)
		goto out;
	int swap = mo_word(mo, 0) != 0x950412de;
	if (swap && mo_word(mo, 1) != 0x950412de)
		goto out;
	uint32_t n = mo_word(mo + 8, swap), orig = mo_word(mo + 12, swap), trans = mo_word(mo + 16, swap);
	if (orig > len || trans > len || n > (len - orig) / 8 || n > (len - trans) / 8)
		goto out;
	size_t clen = strlen(ctx);
	rc = 0;
	for (uint32_t i = 0; i < n && !rc; i++) {
		uint32_t ol = mo_word(mo + orig + 8 * i, swap), oo = mo_word(mo + orig + 8 * i + 4, swap);
		uint32_t tl = mo_word(mo + trans + 8 * i, swap), to = mo_word(mo + trans + 8 * i + 4, swap);
		if (oo > len || ol >= len - oo || to > len || tl >= len - to) {
			rc = UT_EINVAL;
			break;
		}
		const char *id = (const char *)mo + oo, *str = (const char *)mo + to;
		if (ol > clen && !memcmp(id, ctx, clen) && id[clen] == '\4' && *str)
			rc = json_object_set_new(into, id + clen + 1, json_string(str)) ? UT_ENOMEM : 0;
	}
out:
	free(mo);
	return rc;
}
