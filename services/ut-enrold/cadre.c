/* The cadre registry: add, change, leave, search by name fragment, the training record, and the
 * all-or-nothing import of a file's rows (checked here; the CSV itself is read by utctl). */
#include "enrold.h"
#include "ut/clock.h"
#include "ut/err.h"
#include "ut/valid.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif


#define MAX_LIVE 1000 /* live enrolments of one cadre we cancel when they leave */

static int valid_id(ut_reply_t *rep, const char *s)
{
	int rc = ut_valid_text(rep, "cadre id", s, 1, 32);
	if (rc)
		return rc;
	for (const char *p = s; *p; p++)
		if (*p <= ' ' || *p > '~' || *p == ',')
			return ut_reply_err(rep, UT_EINVAL, "cadre id \"%s\" may only hold letters, digits and - _ . /", s);
	return 0;
}

/* The units an import names, looked up once per import instead of once per row (an import
 * writes no unit, so they cannot change under it). */
#define UNIT_CACHE 64
typedef struct unit_cache {
	int n;
	Ut__OrgUnit *u[UNIT_CACHE];
} unit_cache_t;

static int unit_find(ut_store_t *s, ut_arena_t *a, unit_cache_t *uc, const Ut__Cadre *c, Ut__OrgUnit **u)
{
	for (int i = 0; uc && i < uc->n; i++)
		if (c->unit_id ? uc->u[i]->id == c->unit_id : !strcmp(uc->u[i]->code, c->unit_code)) {
			*u = uc->u[i];
			return 0;
		}
	int rc = es_unit_find(s, a, c->unit_id, c->unit_code, u);
	if (!rc && uc && uc->n < UNIT_CACHE)
		uc->u[uc->n++] = *u;
	return rc;
}

/* Every error of one row of an import, not only its first. */
#define ROW_ERRORS 12
typedef struct row_errors {
	int n;
	ut_reply_t r[ROW_ERRORS];
} row_errors_t;

/* Where the next check says what is wrong: the request's reply, or the row's next error. */
static ut_reply_t *say(ut_reply_t *rep, row_errors_t *e) { return e ? &e->r[e->n] : rep; }

/* 1 when the checks stop at rc: the first error of a single change; an import's row is checked on,
 * its errors kept (up to ROW_ERRORS, the last one overwritten beyond). */
static int stop(row_errors_t *e, int rc)
{
	if (!rc)
		return 0;
	if (!e)
		return 1;
	e->n += e->n < ROW_ERRORS - 1;
	return 0;
}

/* Check and normalise a cadre in place (strings from the arena): NFC name, unit resolved from
 * unit_code or unit_id, the unit's code, kind and ownership filled in as the stored cadre reads
 * them back. With errs (an import), every check is made and each error kept there; UT_EINVAL when
 * there are any, another error (storage) with none kept. */
static int cadre_check(ut_store_t *s, ut_arena_t *a, unit_cache_t *uc, ut_reply_t *rep, row_errors_t *errs,
		       Ut__Cadre *c)
{
	int rc, email_bad = 0, phone_bad = 0;
	if (stop(errs, rc = valid_id(say(rep, errs), c->id)) ||
	    stop(errs, rc = ut_valid_text(say(rep, errs), "name", c->name, 1, 100)) ||
	    stop(errs, rc = ut_valid_enum(say(rep, errs), "position", c->position, enrol_positions)) ||
	    stop(errs, rc = email_bad = ut_valid_text(say(rep, errs), "email", c->email, 0, 254)) ||
	    stop(errs, rc = phone_bad = ut_valid_text(say(rep, errs), "phone", c->phone, 0, 32)))
		return rc;
	if (*c->elected_on && !enrol_valid_date(c->elected_on) &&
	    stop(errs, rc = ut_reply_err(say(rep, errs), UT_EINVAL, "elected_on \"%s\" is not a date (YYYY-MM-DD)",
				       c->elected_on)))
		return rc;
	if (!email_bad && *c->email &&
	    (!strchr(c->email, '@') || strchr(c->email, ' ') || strchr(c->email, '@') != strrchr(c->email, '@')) &&
	    stop(errs, rc = ut_reply_err(say(rep, errs), UT_EINVAL, "email \"%s\" is not an address", c->email)))
		return rc;
	if (!phone_bad && strspn(c->phone, "0123456789+-() ") != strlen(c->phone) &&
	    stop(errs, rc = ut_reply_err(say(rep, errs), UT_EINVAL, "phone \"%s\" may only hold digits, + - ( ) and spaces",
				       c->phone)))
		return rc;
	if (*c->locale && stop(errs, rc = ut_valid_enum(say(rep, errs), "locale", c->locale, enrol_locales)))
		return rc;
	Ut__OrgUnit *u = NULL;
	if (!c->unit_id && !*c->unit_code) {
		if (stop(errs, rc = ut_reply_err(say(rep, errs), UT_EINVAL, "unit is required")))
			return rc;
	} else if ((rc = unit_find(s, a, uc, c, &u)) == UT_ENOTFOUND) {
		if (stop(errs, rc = ut_reply_err(say(rep, errs), rc, "no unit %s", *c->unit_code ? c->unit_code : "with that id")))
			return rc;
	} else if (rc) {
		if (errs)
			errs->n = 0;
		return rc;
	}
	if (errs && errs->n)
		return UT_EINVAL;
	c->unit_id = u->id;
	c->unit_code = u->code;
	c->unit_kind = u->kind;
	c->unit_ownership = u->ownership;
	char *nfc = enrol_name_nfc(c->name);
	if (nfc && strcmp(nfc, c->name)) /* most names are already NFC and trimmed: no copy */
		c->name = ut_arena_strdup(a, nfc);
	free(nfc);
	if (!nfc || a->failed)
		return ut_reply_err(rep, UT_ENOMEM, "out of memory");
	if (!*c->name)
		return ut_reply_err(rep, UT_EINVAL, "name is required");
	return 0;
}

static int same(const Ut__Cadre *x, const Ut__Cadre *y)
{
	return !strcmp(x->name, y->name) && x->unit_id == y->unit_id && !strcmp(x->position, y->position) &&
	       x->full_time == y->full_time && !strcmp(x->elected_on, y->elected_on) && !strcmp(x->email, y->email) &&
	       !strcmp(x->phone, y->phone) && !strcmp(x->locale, y->locale);
}

/* Emit the cadre just written as `event`: after cadre_check it holds every field as stored, the
 * unit's code, kind and ownership included, so it is not read back (an import writes 100,000). */
static int emit_cadre(ut_service_t *svc, Ut__Cadre *c, int event, Ut__Cadre **out)
{
	*out = c;
	return ut_service_emit(svc, event, &c->base);
}

enum { ADDED, CHANGED, UNCHANGED };

/* The fields an import may leave out, so that a known cadre keeps them. */
static const char *const keepable[] = {"full_time", "elected_on", "email", "phone", "locale", NULL};

/* c's fields named in keep (none: NULL) brought back to the stored cadre's. */
static void keep_stored(Ut__Cadre *c, const Ut__Cadre *old, char *const *keep, size_t nkeep)
{
	for (size_t i = 0; i < nkeep; i++) {
		const char *k = keep[i];
		if (!strcmp(k, "full_time"))
			c->full_time = old->full_time;
		else if (!strcmp(k, "elected_on"))
			c->elected_on = old->elected_on;
		else if (!strcmp(k, "email"))
			c->email = old->email;
		else if (!strcmp(k, "phone"))
			c->phone = old->phone;
		else if (!strcmp(k, "locale"))
			c->locale = old->locale;
	}
}

/* Check c and compare it with the stored cadre, writing nothing: *what is ADDED (new), CHANGED or
 * UNCHANGED, *old the stored one (NULL when new), whose fields in keep c takes. */
static int cadre_classify(ut_store_t *s, ut_arena_t *a, unit_cache_t *uc, ut_reply_t *rep, row_errors_t *errs,
			  Ut__Cadre *c, char *const *keep, size_t nkeep, Ut__Cadre **old, int *what)
{
	int rc = cadre_check(s, a, uc, rep, errs, c);
	if (rc)
		return rc;
	*old = NULL;
	rc = es_cadre_get(s, a, c->id, old);
	if (rc == UT_ENOTFOUND) {
		*old = NULL;
		*what = ADDED;
		return 0;
	}
	if (!rc) {
		keep_stored(c, *old, keep, nkeep);
		*what = same(*old, c) ? UNCHANGED : CHANGED;
	}
	return rc;
}

/* Write what cadre_classify decided, with its event, or with batch, adding it to the batch's
 * event instead. The search key is made here, not kept from the check: an import of 100,000
 * rows would hold all of them at once. */
static int cadre_write(ut_service_t *svc, Ut__Cadre *c, Ut__Cadre *old, int what, Ut__Cadre **out,
		       Ut__CadreBatch *batch)
{
	ut_store_t *s = ut_service_store(svc);
	*out = old;
	if (what == UNCHANGED)
		return 0;
	char *key = enrol_name_key(c->name);
	if (!key)
		return UT_ENOMEM;
	int added = what == ADDED, rc;
	c->state = added ? "active" : old->state;
	c->version = added ? 1 : old->version + 1;
	rc = added ? es_cadre_insert(s, c, key) : es_cadre_update(s, c, key);
	free(key);
	if (rc || !batch)
		return rc ? rc : emit_cadre(svc, c, added ? UT__MSG_TYPE__EV_CADRE_REGISTERED : UT__MSG_TYPE__EV_CADRE_CHANGED, out);
	if (added)
		batch->registered[batch->n_registered++] = c;
	else
		batch->changed[batch->n_changed++] = c;
	*out = c;
	return 0;
}

/* Emit the batch's event once it is full (or, with flush, when it holds any) and empty it. */
#define BATCH_MAX 500
static int batch_emit(ut_service_t *svc, Ut__CadreBatch *b, int flush)
{
	size_t n = b->n_registered + b->n_changed;
	if (!n || (n < BATCH_MAX && !flush))
		return 0;
	int rc = ut_service_emit(svc, UT__MSG_TYPE__EV_CADRES_IMPORTED, &b->base);
	b->n_registered = b->n_changed = 0;
	return rc;
}

/* Insert c, or with allow_update bring an existing cadre to c's values. *what says which. */
static int cadre_put(ut_service_t *svc, ut_arena_t *a, ut_reply_t *rep, Ut__Cadre *c, int allow_update, int *what,
		     Ut__Cadre **out)
{
	Ut__Cadre *old;
	int rc = cadre_classify(ut_service_store(svc), a, NULL, rep, NULL, c, NULL, 0, &old, what);
	if (rc)
		return rc;
	if (old && !allow_update)
		return ut_reply_err(rep, UT_ECONFLICT, "cadre %s is already registered (%s)", c->id, old->name);
	return cadre_write(svc, c, old, *what, out, NULL);
}

int enrol_cadre_add(ut_service_t *svc, const Ut__Envelope *req, ut_reply_t *rep)
{
	Ut__Cadre *in = ut_rpc_body(req, &ut__cadre__descriptor, rep);
	if (!in)
		return UT_EINVAL;
	ut_arena_t a = {0};
	Ut__Cadre c = *in, *out = NULL; /* normalised in the copy: the unpacked one frees its own strings */
	int what;
	int rc = cadre_put(svc, &a, rep, &c, 0, &what, &out);
	rc = ut_reply_msg(rep, &a, rc, out ? &out->base : NULL);
	protobuf_c_message_free_unpacked(&in->base, NULL);
	return rc;
}

static int load_cadre(ut_store_t *s, ut_arena_t *a, ut_reply_t *rep, const char *id, Ut__Cadre **c)
{
	int rc = es_cadre_get(s, a, id, c);
	if (rc == UT_ENOTFOUND)
		return ut_reply_err(rep, rc, "no cadre %s", ut_valid_text(rep, "id", id, 1, 64) ? "with that id" : id);
	return rc;
}

int enrol_cadre_get(ut_service_t *svc, const Ut__Envelope *req, ut_reply_t *rep)
{
	Ut__CadreRef *r = ut_rpc_body(req, &ut__cadre_ref__descriptor, rep);
	if (!r)
		return UT_EINVAL;
	ut_arena_t a = {0};
	Ut__Cadre *c = NULL;
	int rc = load_cadre(ut_service_store(svc), &a, rep, r->id, &c);
	protobuf_c_message_free_unpacked(&r->base, NULL);
	return ut_reply_msg(rep, &a, rc, c ? &c->base : NULL);
}

int enrol_cadre_list(ut_service_t *svc, const Ut__Envelope *req, ut_reply_t *rep)
{
	Ut__CadreQuery *q = ut_rpc_body(req, &ut__cadre_query__descriptor, rep);
	if (!q)
		return UT_EINVAL;
	ut_store_t *s = ut_service_store(svc);
	ut_arena_t a = {0};
	Ut__CadreList out = UT__CADRE_LIST__INIT;
	int64_t unit = q->unit_id;
	char *key = NULL;
	int rc = ut_valid_text(rep, "name", q->name, 0, 100);
	if (!rc && *q->state && strcmp(q->state, "active") && strcmp(q->state, "left"))
		rc = ut_reply_err(rep, UT_EINVAL, "state \"%s\" is not active or left", q->state);
	if (!rc && *q->position)
		rc = ut_valid_enum(rep, "position", q->position, enrol_positions);
	if (!rc && *q->unit_code) {
		Ut__OrgUnit *u;
		rc = es_unit_find(s, &a, 0, q->unit_code, &u);
		if (rc == UT_ENOTFOUND)
			rc = ut_reply_err(rep, rc, "no unit %s", q->unit_code);
		if (!rc)
			unit = u->id;
	}
	if (!rc && *q->name && !(key = enrol_name_key(q->name)))
		rc = ut_reply_err(rep, UT_ENOMEM, "out of memory");
	if (!rc)
		rc = es_cadre_list(s, &a, q, unit, key ? key : "", &out);
	free(key);
	protobuf_c_message_free_unpacked(&q->base, NULL);
	return ut_reply_msg(rep, &a, rc, &out.base);
}

int enrol_cadre_change(ut_service_t *svc, const Ut__Envelope *req, ut_reply_t *rep)
{
	Ut__CadreChange *ch = ut_rpc_body(req, &ut__cadre_change__descriptor, rep);
	if (!ch)
		return UT_EINVAL;
	ut_store_t *s = ut_service_store(svc);
	ut_arena_t a = {0};
	Ut__Cadre *old = NULL, *out = NULL;
	int rc = load_cadre(s, &a, rep, ch->id, &old), what;
	if (rc)
		goto out;
	if (!strcmp(old->state, "left")) {
		rc = ut_reply_err(rep, UT_ECONFLICT, "cadre %s has left; nothing can be changed", old->id);
		goto out;
	}
	Ut__Cadre c = *old;
	int given = 0;
#define SET(f, v)               \
	if (*(v)) {             \
		c.f = (char *)(v); \
		given = 1;      \
	}
	SET(name, ch->name);
	SET(position, ch->position);
	SET(elected_on, ch->elected_on);
	SET(email, ch->email);
	SET(phone, ch->phone);
	SET(locale, ch->locale);
#undef SET
	/* "-" clears the optional contact fields */
	if (!strcmp(c.email, "-"))
		c.email = "";
	if (!strcmp(c.phone, "-"))
		c.phone = "";
	if (*ch->unit_code) {
		c.unit_code = ch->unit_code;
		c.unit_id = 0;
		given = 1;
	}
	if (*ch->full_time) {
		if (strcmp(ch->full_time, "yes") && strcmp(ch->full_time, "no")) {
			rc = ut_reply_err(rep, UT_EINVAL, "full_time \"%s\" is not yes or no", ch->full_time);
			goto out;
		}
		c.full_time = !strcmp(ch->full_time, "yes");
		given = 1;
	}
	if (!given) {
		rc = ut_reply_err(rep, UT_EINVAL, "nothing to change");
		goto out;
	}
	rc = cadre_put(svc, &a, rep, &c, 1, &what, &out);
out:
	rc = ut_reply_msg(rep, &a, rc, out ? &out->base : NULL);
	protobuf_c_message_free_unpacked(&ch->base, NULL);
	return rc;
}

int enrol_cadre_leave(ut_service_t *svc, const Ut__Envelope *req, ut_reply_t *rep)
{
	Ut__CadreRef *r = ut_rpc_body(req, &ut__cadre_ref__descriptor, rep);
	if (!r)
		return UT_EINVAL;
	ut_store_t *s = ut_service_store(svc);
	ut_arena_t a = {0};
	Ut__Cadre *c = NULL;
	int64_t ids[MAX_LIVE];
	char reason[600];
	int rc = load_cadre(s, &a, rep, r->id, &c);
	if (!rc)
		rc = ut_valid_text(rep, "reason", r->reason, 0, 500);
	if (!rc && !strcmp(c->state, "left"))
		rc = ut_reply_err(rep, UT_ECONFLICT, "cadre %s has already left", c->id);
	if (rc)
		goto out;
	c->state = "left";
	c->version++;
	char *key = enrol_name_key(c->name);
	rc = key ? es_cadre_update(s, c, key) : UT_ENOMEM;
	free(key);
	if (!rc)
		rc = ut_service_emit(svc, UT__MSG_TYPE__EV_CADRE_LEFT, &c->base);
	/* a cadre who left keeps no seat: their places in running and future classes go to the waitlist */
	int n = rc ? 0 : es_enrol_ids_of_cadre(s, c->id, ids, MAX_LIVE);
	if (n < 0)
		rc = n;
	snprintf(reason, sizeof reason, "cadre left%s%s", *r->reason ? ": " : "", r->reason);
	for (int i = 0; i < n && !rc; i++)
		rc = enrol_cancel_one(svc, ids[i], reason, NULL);
out:
	protobuf_c_message_free_unpacked(&r->base, NULL);
	return ut_reply_msg(rep, &a, rc, c ? &c->base : NULL);
}

int enrol_cadre_record(ut_service_t *svc, const Ut__Envelope *req, ut_reply_t *rep)
{
	Ut__CadreRef *r = ut_rpc_body(req, &ut__cadre_ref__descriptor, rep);
	if (!r)
		return UT_EINVAL;
	ut_store_t *s = ut_service_store(svc);
	ut_arena_t a = {0};
	Ut__TrainingRecord out = UT__TRAINING_RECORD__INIT;
	int rc = load_cadre(s, &a, rep, r->id, &out.cadre);
	if (!rc)
		rc = es_record(s, &a, r->id, &out);
	protobuf_c_message_free_unpacked(&r->base, NULL);
	return ut_reply_msg(rep, &a, rc, &out.base);
}

/* ---- import ---- */

#define MAX_IMPORT 100000
#define MAX_ERRORS 200

/* FNV-1a, for the table of ids seen in an import. */
static size_t id_hash(const char *s)
{
	uint64_t h = 1469598103934665603ULL;
	while (*s)
		h = (h ^ (unsigned char)*s++) * 1099511628211ULL;
	return (size_t)h;
}

/* One line's error, as text and as the reply r that said it (its code and arguments); beyond
 * MAX_ERRORS only counted. */
static void import_error(ut_arena_t *a, Ut__ImportReply *out, int line, const ut_reply_t *r)
{
	char buf[700];
	if (out->n_errors >= MAX_ERRORS) {
		out->more_errors++;
		return;
	}
	snprintf(buf, sizeof buf, "line %d: %s", line, r->message);
	out->errors[out->n_errors++] = ut_arena_strdup(a, buf);
	Ut__ImportError *e = ut_arena_alloc(a, sizeof *e);
	char *args[UT_REPLY_MAX_ARGS];
	size_t n = ut_reply_args(r, args, UT_REPLY_MAX_ARGS);
	if (!e)
		return;
	ut__import_error__init(e);
	if (!(e->args = (char **)ut_arena_ptrs(a, n ? n : 1)))
		return;
	e->line = line;
	e->message = ut_arena_strdup(a, r->message);
	e->code = ut_arena_strdup(a, r->code ? r->code : "");
	for (size_t i = 0; e->args && i < n; i++)
		e->args[e->n_args++] = ut_arena_strdup(a, args[i]);
	out->details[out->n_details++] = e;
}

/* All or nothing: every row is checked first, writing nothing; only a clean file is written. A row
 * equal to the stored cadre changes nothing, so importing the same file twice is harmless. */
int enrol_cadre_import(ut_service_t *svc, const Ut__Envelope *req, ut_reply_t *rep)
{
	/* the rows are decoded into an arena and checked in place: no malloc per field, no copy */
	ut_arena_t in = {0};
	Ut__CadreImport *q = ut_rpc_body_in(req, &ut__cadre_import__descriptor, &in, rep);
	if (!q) {
		ut_arena_free(&in);
		return UT_EINVAL;
	}
	ut_store_t *s = ut_service_store(svc);
	ut_arena_t a = {0};
	Ut__ImportReply out = UT__IMPORT_REPLY__INIT;
	size_t n = q->n_cadres;
	Ut__Cadre **rows = q->cadres;
	uint32_t *seen = NULL; /* row + 1 by id, open addressing (rows <= MAX_IMPORT) */
	size_t cap = 16;
	Ut__Cadre **olds = NULL;
	int *what = NULL, rc = 0, nerr = 0;
	unit_cache_t units = {0};
	row_errors_t *re = malloc(sizeof *re); /* 12 KiB: not on the stack */
	out.dry_run = q->dry_run;
	if (!n)
		rc = ut_reply_err(rep, UT_EINVAL, "no cadres in the file");
	else if (n > MAX_IMPORT)
		rc = ut_reply_err(rep, UT_EINVAL, "at most %d cadres in one import (got %zu)", MAX_IMPORT, n);
	else if (q->n_lines && q->n_lines != n)
		rc = ut_reply_err(rep, UT_EINVAL, "%zu line numbers for %zu cadres", q->n_lines, n);
	for (size_t k = 0; !rc && k < q->n_keep; k++) {
		int known = 0;
		for (int j = 0; keepable[j] && !known; j++)
			known = !strcmp(q->keep[k], keepable[j]);
		if (!known)
			rc = ut_reply_err(rep, UT_EINVAL, "an import cannot keep the stored %.40s", q->keep[k]);
	}
	if (rc)
		goto out;
	while (cap < 2 * n)
		cap *= 2;
	seen = calloc(cap, sizeof *seen);
	olds = calloc(n, sizeof *olds);
	what = calloc(n, sizeof *what);
	out.errors = (char **)ut_arena_ptrs(&a, MAX_ERRORS);
	out.details = (Ut__ImportError **)ut_arena_ptrs(&a, MAX_ERRORS);
	if (!seen || !olds || !what || !re || !out.errors || !out.details) {
		rc = ut_reply_err(rep, UT_ENOMEM, "out of memory");
		goto out;
	}
#define LINE(i) (q->n_lines ? q->lines[i] : (int)(i) + 2)
	for (size_t i = 0; i < n; i++) {
		ut_reply_t r = {0};
		re->n = 0;
		int e = cadre_classify(s, &a, &units, &r, re, rows[i], q->keep, q->n_keep, &olds[i], &what[i]);
		if (e && !re->n && !r.status) { /* storage, not the row */
			rc = e;
			goto out;
		}
		if (e && !re->n) /* the stored cadre could not be compared */
			re->r[re->n++] = r;
		for (int k = 0; k < re->n; k++) {
			nerr++;
			import_error(&a, &out, LINE(i), &re->r[k]);
		}
	}
	for (size_t i = 0; i < n; i++) {
		size_t h = id_hash(rows[i]->id) & (cap - 1);
		while (seen[h] && strcmp(rows[seen[h] - 1]->id, rows[i]->id))
			h = (h + 1) & (cap - 1);
		if (!seen[h]) {
			seen[h] = (uint32_t)i + 1;
			continue;
		}
		ut_reply_t r = {0};
		ut_reply_err(&r, UT_EINVAL, "cadre id %.40s is also on line %d", rows[i]->id, LINE(seen[h] - 1));
		nerr++;
		import_error(&a, &out, LINE(i), &r);
		ut_reply_clear(&r);
	}
	if (nerr)
		goto out; /* nothing written: the officer fixes the file and imports it again */
	for (size_t i = 0; i < n; i++)
		out.added += what[i] == ADDED, out.changed += what[i] == CHANGED, out.unchanged += what[i] == UNCHANGED;
	/* the events go out BATCH_MAX cadres at a time: one each was an outbox row written, read,
	 * published and deleted per cadre */
	Ut__Cadre *reg[BATCH_MAX], *chg[BATCH_MAX];
	Ut__CadreBatch batch = UT__CADRE_BATCH__INIT;
	batch.registered = reg;
	batch.changed = chg;
	for (size_t i = 0; i < n && !q->dry_run && !rc; i++) {
		Ut__Cadre *written;
		if (!(rc = cadre_write(svc, rows[i], olds[i], what[i], &written, &batch)))
			rc = batch_emit(svc, &batch, i == n - 1);
	}
#undef LINE
out:
	free(seen);
	free(olds);
	free(what);
	free(re);
	rc = ut_reply_msg(rep, &a, rc, &out.base);
	ut_arena_free(&in);
#ifdef __GLIBC__
	/* a large import leaves tens of MiB of freed rows in the heap; give them back to the system
	 * instead of keeping the peak resident for the daemon's lifetime */
	if (n > 1000)
		malloc_trim(0);
#endif
	return rc;
}

/* ---- due lists ---- */

int enrol_cadre_due(ut_service_t *svc, const Ut__Envelope *req, ut_reply_t *rep)
{
	Ut__DueQuery *q = ut_rpc_body(req, &ut__due_query__descriptor, rep);
	if (!q)
		return UT_EINVAL;
	ut_store_t *s = ut_service_store(svc);
	ut_arena_t a = {0};
	Ut__DueList out = UT__DUE_LIST__INIT;
	int64_t unit = q->unit_id;
	char today[16];
	int rc = 0;
	if (!q->onboarding_months && !q->retrain_years)
		rc = ut_reply_err(rep, UT_EINVAL, "give onboarding months, retraining years or both");
	else if ((rc = ut_valid_range(rep, "onboarding months", q->onboarding_months, 0, 1200)) ||
		 (rc = ut_valid_range(rep, "retraining years", q->retrain_years, 0, 100)))
		;
	else if (*q->today && !enrol_valid_date(q->today))
		rc = ut_reply_err(rep, UT_EINVAL, "today \"%.32s\" is not a date (YYYY-MM-DD)", q->today);
	if (!rc && *q->unit_code) {
		Ut__OrgUnit *u;
		rc = es_unit_find(s, &a, 0, q->unit_code, &u);
		if (rc == UT_ENOTFOUND)
			rc = ut_reply_err(rep, rc, "no unit %s", q->unit_code);
		if (!rc)
			unit = u->id;
	}
	if (!rc) {
		if (*q->today)
			snprintf(today, sizeof today, "%s", q->today);
		else {
			time_t now = (time_t)(ut_clock_now_ms() / 1000);
			struct tm tm;
			localtime_r(&now, &tm);
			strftime(today, sizeof today, "%Y-%m-%d", &tm);
		}
		rc = es_due(s, &a, q, unit, today, &out);
	}
	protobuf_c_message_free_unpacked(&q->base, NULL);
	return ut_reply_msg(rep, &a, rc, &out.base);
}
