/* Fuzz target: any bytes as one of ut-notifyd's template files (the first byte picks kind and
 * locale): the check, the loader beside the shipped templates, rendering with awkward values. */
#include "../../services/ut-notifyd/notifyd.h"
#include "ut/log.h"

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char dir[] = "/tmp/ut-fz-tpl.XXXXXX";
static int nkinds, nlocales;

static void path_of(char *buf, size_t len, int k, int l)
{
	snprintf(buf, len, "%s/%s.%s.txt", dir, notify_kinds[k], notify_locales[l]);
}

static int rm(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st, (void)flag, (void)ftw;
	return remove(path);
}

static void cleanup(void) { nftw(dir, rm, 8, FTW_DEPTH | FTW_PHYS); }

static void link_shipped(int k, int l)
{
	char p[4096], src[4096];
	path_of(p, sizeof p, k, l);
	snprintf(src, sizeof src, "%s/%s.%s.txt", UT_FUZZ_TEMPLATES_DIR, notify_kinds[k], notify_locales[l]);
	if (symlink(src, p) != 0)
		abort();
}

/* every template a link to the shipped one; the fuzzed one replaces a link per input */
static void setup(void)
{
	if (!mkdtemp(dir))
		abort();
	atexit(cleanup);
	while (notify_kinds[nkinds])
		nkinds++;
	while (notify_locales[nlocales])
		nlocales++;
	ut_log_init("fuzz", UT_LOG_ERR);
	for (int k = 0; k < nkinds; k++)
		for (int l = 0; l < nlocales; l++)
			link_shipped(k, l);
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	if (!nkinds)
		setup();
	if (size < 1)
		return 0;
	int k = data[0] % nkinds, l = data[0] / nkinds % nlocales;
	char err[1024], p[4096];
	/* the check's callers hand it NUL-terminated text */
	char *text = malloc(size);
	if (!text)
		abort();
	memcpy(text, data + 1, size - 1);
	text[size - 1] = '\0';
	notify_template_check(text, size - 1, err, sizeof err);
	free(text);

	path_of(p, sizeof p, k, l);
	unlink(p);
	FILE *f = fopen(p, "wb");
	if (!f)
		abort();
	fwrite(data + 1, 1, size - 1, f);
	fclose(f);
	notify_templates_t *t = NULL;
	if (notify_templates_load(&t, dir, err, sizeof err) == 0) {
		const char *vals[V_NVARS] = {"Nguyễn Thị Hương\r\nBcc: x@example.org", "C001", "{{unit}}", "安全生产培训",
					     "1", "2026-03-05 09:00", "", NULL, "}}{{", "1d", "%s%n", "{{"};
		char *subject, *body; /* the others are the shipped ones, the same every time */
		if (notify_render(t, notify_kinds[k], notify_locales[l], vals, &subject, &body) != 0)
			abort();
		if (strpbrk(subject, "\r\n"))
			abort(); /* a value must never add a mail header */
		free(subject);
		free(body);
		notify_templates_destroy(&t);
	}
	unlink(p);
	link_shipped(k, l);
	return 0;
}
