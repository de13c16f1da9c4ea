/* notify nudge, sent to ut-notifyd: an officer reminds cadres of training they are due for (the
 * other notification verbs are rows of the command table). */
#include "utctl.h"
#include "output.h"
#include "notify.pb-c.h"
#include "ut/clock.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#define NOTIFYD "ut-notifyd"

enum { O_NOTE = OPT_FIRST, O_FILE };

#define MAX_NUDGE 10000

static void nudged(const ctx_t *c, const ProtobufCMessage *m, const ProtobufCMessage *req)
{
	const Ut__DeliveryList *l = (const Ut__DeliveryList *)m;
	const Ut__Nudge *r = (const Ut__Nudge *)req;
	printf("%zu nudge(s) queued", l->n_deliveries);
	if (l->n_deliveries < r->n_cadre_ids)
		printf(", %zu cadre(s) already nudged today", r->n_cadre_ids - l->n_deliveries);
	printf("\n");
}

static const optspec_t nudge_opts[] = {
	{O_NOTE, "note", "TEXT", 1, "what they are due for, e.g. \"onboarding for new chairs\""},
	{O_FILE, "file", "FILE", 0, "cadre ids, one per line (the first CSV column; '-' = stdin)"},
	{0},
};

static int notify_nudge(ctx_t *c, int argc, char **argv)
{
	Ut__Nudge r = UT__NUDGE__INIT;
	opts_t o;
	const char *arg, *file = NULL, **pos = calloc(MAX_NUDGE, sizeof *pos);
	char **ids = calloc(MAX_NUDGE, sizeof *ids), line[512];
	int k, n, rc = EXIT_USAGE;
	size_t nids = 0, argn = 0;
	if (!pos || !ids)
		goto out;
	opt_begin(&o, c, argc, argv, c->verb->opts);
	while ((k = opt_next(&o, &arg)) > 0)
		if (k == O_NOTE)
			r.note = (char *)arg;
		else if (k == O_FILE)
			file = arg;
	if (k < 0 || (n = opt_rest(&o, pos, file ? 0 : 1, MAX_NUDGE, "CADRE...")) < 0)
		goto out;
	for (int i = 0; i < n; i++)
		ids[nids++] = (char *)pos[i];
	argn = nids;
	if (file) {
		FILE *f = strcmp(file, "-") ? fopen(file, "r") : stdin;
		if (!f) {
			rc = usage(c, "cannot read %s", file);
			goto out;
		}
		while (fgets(line, sizeof line, f)) {
			line[strcspn(line, ",\r\n")] = '\0';
			if (!*line || !strcmp(line, "id"))
				continue; /* blank lines and a CSV header */
			if (nids == MAX_NUDGE) {
				rc = usage(c, "at most %d cadres per nudge", MAX_NUDGE);
				if (f != stdin)
					fclose(f);
				goto out;
			}
			if (!(ids[nids] = strdup(line)))
				break;
			nids++;
		}
		if (f != stdin)
			fclose(f);
	}
	r.cadre_ids = ids;
	r.n_cadre_ids = nids;
	rc = request(c, NOTIFYD, UT__MSG_TYPE__MSG_NOTIFY_NUDGE, &r.base, &ut__delivery_list__descriptor, nudged);
out:
	/* ids from the file were strdup'd; those from argv were not */
	for (size_t i = argn; ids && i < nids; i++)
		free(ids[i]);
	free(ids);
	free(pos);
	return rc;
}

/* log, due, resend, preview and optout are rows of the command table */
const verb_t notify_verbs[] = {
	{"nudge", notify_nudge, "remind cadres of training they are due for (once a day each)",
	 "CADRE... --note TEXT | --file FILE --note TEXT", nudge_opts,
	 "utctl cadre due --onboarding-months 6 --format csv | utctl notify nudge --file - --note 'onboarding'", NULL},
	{0},
};
