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
	char **ids = calloc(MAX_NUDGE, sizeof *ids);
	ut_sheet_t *sheet = NULL;
	int k, n, rc = EXIT_USAGE;
	size_t nids = 0;
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
	if (file) {
		/* the one reader: a header in any of the four languages is a header, not a cadre */
		ut_sheet_opts_t so = {.header_optional = 1};
		if ((rc = ctx_ready(c)) || (rc = sheet_load(c, file, 4 << 20, ut_sheet_cadre_ref_cols, &so, &sheet)))
			goto out;
		rc = EXIT_USAGE;
		for (int i = 0; i < sheet->nrows; i++) {
			const char *id = sheet->rows[i][UT_SHEET_K_ID];
			if (!*id)
				continue;
			if (nids == MAX_NUDGE) {
				usage(c, "at most %d cadres per nudge", MAX_NUDGE);
				goto out;
			}
			ids[nids++] = (char *)id;
		}
	}
	r.cadre_ids = ids;
	r.n_cadre_ids = nids;
	rc = request(c, NOTIFYD, UT__MSG_TYPE__MSG_NOTIFY_NUDGE, &r.base, &ut__delivery_list__descriptor, nudged);
out:
	ut_sheet_destroy(&sheet);
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
