/* Request handlers of ut-notifyd: the delivery log, what is due next, a deliberate resend, and a
 * preview that renders exactly what a message would say now. */
#include "ut/words.h"
#include "notifyd.h"
#include "ut/clock.h"
#include "ut/err.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "ut/utf8.h"

#define statuses ut_notice_statuses

static int list(ut_service_t *svc, const Ut__Envelope *req, ut_reply_t *rep, int due_only)
{
	Ut__NotifyQuery *q = ut_rpc_body(req, &ut__notify_query__descriptor, rep);
	if (!q)
		return UT_EINVAL;
	int rc = 0, ok = !*q->status;
	for (int i = 0; statuses[i] && !ok; i++)
		ok = !strcmp(statuses[i], q->status);
	if (!ok)
		rc = ut_reply_err(rep, UT_EINVAL, "unknown status '%s' (scheduled, queued, sent, retrying, dead, withdrawn, skipped)",
				  q->status);
	else if (q->limit < 0 || q->limit > 100000)
		rc = ut_reply_err(rep, UT_EINVAL, "limit must be between 1 and 100000");
	ut_arena_t a = {0};
	Ut__DeliveryList l = UT__DELIVERY_LIST__INIT;
	if (!rc)
		rc = ut_reply_msg(rep, &a, notify_msg_list(ut_service_store(svc), &a, q, due_only, &l), &l.base);
	protobuf_c_message_free_unpacked(&q->base, NULL);
	return rc;
}

int notify_log_h(ut_service_t *svc, const Ut__Envelope *req, ut_reply_t *rep) { return list(svc, req, rep, 0); }
int notify_due_h(ut_service_t *svc, const Ut__Envelope *req, ut_reply_t *rep) { return list(svc, req, rep, 1); }

/* A resend is a new message (its key names the original and a resend number), so the original's
 * record stays as it was and the exactly-once rule still holds for both. */
int notify_resend_h(ut_service_t *svc, const Ut__Envelope *req, ut_reply_t *rep)
{
	Ut__Delivery *r = ut_rpc_body(req, &ut__delivery__descriptor, rep);
	if (!r)
		return UT_EINVAL;
	ut_store_t *s = ut_service_store(svc);
	ut_arena_t a = {0};
	Ut__Delivery *d = NULL;
	char *reason = NULL;
	int rc = r->id > 0 ? notify_msg_load(s, &a, r->id, &d, &reason) : UT_ENOTFOUND;
	if (rc == UT_ENOTFOUND)
		rc = ut_reply_err(rep, rc, "no message %lld", (long long)r->id);
	else if (!rc && (!strcmp(d->status, "scheduled") || !strcmp(d->status, "queued") || !strcmp(d->status, "retrying")))
		rc = ut_reply_err(rep, UT_ECONFLICT, "message %lld is %s: it will be sent anyway", (long long)d->id, d->status);
	char key[600];
	int64_t id = 0, now = ut_clock_now_ms();
	for (int n = 1; !rc && n < 1000; n++) {
		snprintf(key, sizeof key, "%s#resend-%d", d->key, n);
		int64_t have;
		int e = notify_msg_by_key(s, key, &have);
		if (e == UT_ENOTFOUND)
			break;
		if (e)
			rc = e;
	}
	if (!rc) {
		Ut__Delivery n = *d;
		n.key = key;
		n.status = "scheduled";
		n.error = "";
		n.due_ms = now;
		n.created_ms = now;
		rc = notify_msg_insert(s, &n, reason);
		rc = rc < 0 ? rc : notify_msg_by_key(s, key, &id);
	}
	Ut__Delivery *out = NULL;
	if (!rc)
		rc = notify_msg_load(s, &a, id, &out, NULL);
	if (!rc)
		notify_dispatch_soon(ut_service_app(svc));
	protobuf_c_message_free_unpacked(&r->base, NULL);
	return ut_reply_msg(rep, &a, rc, out ? &out->base : NULL);
}

int notify_preview_h(ut_service_t *svc, const Ut__Envelope *req, ut_reply_t *rep)
{
	Ut__PreviewRequest *r = ut_rpc_body(req, &ut__preview_request__descriptor, rep);
	if (!r)
		return UT_EINVAL;
	notify_app_t *app = ut_service_app(svc);
	ut_store_t *s = ut_service_store(svc);
	const ut_config_t *cfg = ut_service_config(svc);
	ut_arena_t a = {0};
	int rc = 0;
	notify_class_t c;
	notify_cadre_t cad;
	if (!notify_is_kind(r->kind))
		rc = ut_reply_err(rep, UT_EINVAL, "unknown kind '%s' (confirmed, waitlisted, promoted, cancelled, "
				  "class_cancelled, class_changed, reminder, absent, reflection_due, due_nudge)", r->kind);
	else if (*r->locale && !notify_is_locale(r->locale))
		rc = ut_reply_err(rep, UT_EINVAL, "unknown locale '%s' (zh-Hans, zh-Hant, vi, en)", r->locale);
	else if (!*r->cadre_id || notify_cadre_get(s, r->cadre_id, &cad) != 0)
		rc = ut_reply_err(rep, UT_ENOTFOUND, "no cadre '%s' known to ut-notifyd", r->cadre_id);
	else if (notify_class_get(s, r->class_id, &c) != 0)
		rc = ut_reply_err(rep, UT_ENOTFOUND, "no class %lld known to ut-notifyd", (long long)r->class_id);
	const char *vals[V_NVARS];
	char locale[16], err[512] = "";
	Ut__Preview p = UT__PREVIEW__INIT;
	char *subject = NULL, *text = NULL, *ics = NULL;
	if (!rc)
		rc = notify_vars(s, &a, r->cadre_id, r->class_id, &c, app->noffsets ? app->offsets[0] : 0, "", cfg->locale,
				 vals, locale, sizeof locale, &cad);
	if (!rc && *r->locale)
		snprintf(locale, sizeof locale, "%s", r->locale);
	const char *channel = "", *address = "";
	if (!rc && (rc = notify_pick_channel(cfg, s, &cad, &channel, &address, err, sizeof err)) == UT_ENOTFOUND)
		rc = 0; /* the preview still shows the text; channel stays empty */
	if (!rc)
		rc = notify_render(app->tpl, r->kind, locale, vals, &subject, &text);
	notify_session_t *xs;
	int nx;
	if (!rc && strcmp(channel, "webhook") &&
	    (!strcmp(r->kind, "confirmed") || !strcmp(r->kind, "promoted") || !strcmp(r->kind, "class_changed") ||
	     !strcmp(r->kind, "class_cancelled")) &&
	    !(rc = notify_sessions_get(s, &a, r->class_id, &xs, &nx)))
		ics = notify_ics(&c, xs, nx, cfg->node_id, !strcmp(r->kind, "class_cancelled"));
	if (!rc) {
		p.kind = r->kind;
		p.locale = locale;
		p.channel = (char *)channel;
		p.address = (char *)address;
		p.subject = subject;
		p.text = text;
		p.ics = ics ? ics : "";
		rc = ut_reply_body(rep, &p.base);
	}
	free(subject);
	free(text);
	free(ics);
	ut_arena_free(&a);
	protobuf_c_message_free_unpacked(&r->base, NULL);
	return rc;
}

/* Opt-outs are checked when a message is addressed, so they apply to everything not yet queued. */
int notify_optout_h(ut_service_t *svc, const Ut__Envelope *req, ut_reply_t *rep)
{
	Ut__OptOut *o = ut_rpc_body(req, &ut__opt_out__descriptor, rep);
	if (!o)
		return UT_EINVAL;
	int rc = 0;
	size_t n = strlen(o->cadre_id);
	if (!n || n > 120 || !ut_utf8_valid(o->cadre_id, n))
		rc = ut_reply_err(rep, UT_EINVAL, "a cadre id is 1 to 120 bytes of UTF-8");
	else if (strcmp(o->channel, "email") && strcmp(o->channel, "webhook") && strcmp(o->channel, "spool"))
		rc = ut_reply_err(rep, UT_EINVAL, "unknown channel '%s' (email, webhook, spool)", o->channel);
	else
		rc = notify_optout_set(ut_service_store(svc), o->cadre_id, o->channel, o->undo);
	if (!rc) {
		notify_dispatch_changed(ut_service_app(svc));
		rc = ut_reply_body(rep, &o->base);
	}
	protobuf_c_message_free_unpacked(&o->base, NULL);
	return rc;
}

#define MAX_NUDGE 10000

/* The key of a nudge is cadre/0/due_nudge/<day>/0 (the day number in the offset's place), so a
 * repeated request on the same day sends nothing new. The reply lists the messages it created. */
int notify_nudge_h(ut_service_t *svc, const Ut__Envelope *req, ut_reply_t *rep)
{
	Ut__Nudge *r = ut_rpc_body(req, &ut__nudge__descriptor, rep);
	if (!r)
		return UT_EINVAL;
	ut_store_t *s = ut_service_store(svc);
	int rc = 0;
	size_t nl = strlen(r->note);
	if (!r->n_cadre_ids || r->n_cadre_ids > MAX_NUDGE)
		rc = ut_reply_err(rep, UT_EINVAL, "name 1 to %d cadres", MAX_NUDGE);
	else if (nl > 500 || !ut_utf8_valid(r->note, nl))
		rc = ut_reply_err(rep, UT_EINVAL, "the note is at most 500 bytes of UTF-8");
	for (size_t i = 0; i < r->n_cadre_ids && !rc; i++) {
		size_t n = strlen(r->cadre_ids[i]);
		if (!n || n > 120 || !ut_utf8_valid(r->cadre_ids[i], n) || strchr(r->cadre_ids[i], '/'))
			rc = ut_reply_err(rep, UT_EINVAL, "cadre %zu: an id is 1 to 120 bytes of UTF-8 without '/'", i + 1);
	}
	ut_arena_t a = {0};
	Ut__DeliveryList l = UT__DELIVERY_LIST__INIT;
	int64_t now = ut_clock_now_ms();
	if (!rc && !(l.deliveries = (Ut__Delivery **)ut_arena_ptrs(&a, r->n_cadre_ids)))
		rc = UT_ENOMEM;
	for (size_t i = 0; i < r->n_cadre_ids && !rc; i++) {
		char key[300];
		notify_key(key, sizeof key, r->cadre_ids[i], 0, "due_nudge", now / 86400000, 0, 0);
		Ut__Delivery d = UT__DELIVERY__INIT;
		d.key = key;
		d.cadre_id = r->cadre_ids[i];
		d.kind = "due_nudge";
		d.offset_s = now / 86400000;
		d.due_ms = now;
		d.status = "scheduled";
		d.created_ms = now;
		int made = notify_msg_insert(s, &d, r->note);
		int64_t id;
		if (made < 0)
			rc = made;
		else if (made && (rc = notify_msg_by_key(s, key, &id)) == 0 &&
			 (rc = notify_msg_load(s, &a, id, &l.deliveries[l.n_deliveries], NULL)) == 0)
			l.n_deliveries++;
	}
	if (!rc)
		notify_dispatch_soon(ut_service_app(svc));
	protobuf_c_message_free_unpacked(&r->base, NULL);
	return ut_reply_msg(rep, &a, rc, &l.base);
}

int notify_status(ut_service_t *svc, ut_arena_t *a, Ut__StatusReply *r)
{
	notify_app_t *app = ut_service_app(svc);
	const ut_config_t *cfg = ut_service_config(svc);
	Ut__DeliveryStatus *d = ut_arena_alloc(a, sizeof *d);
	if (!app || !d)
		return UT_ENOMEM;
	ut__delivery_status__init(d);
	int rc = notify_msg_counts(ut_service_store(svc), &d->scheduled, &d->queued, &d->retrying, &d->dead);
	if (!rc && (rc = notify_alive_list(app->bus, cfg->redis_prefix, a, d)) == UT_EUNAVAIL)
		rc = 0; /* Redis away: no workers to show, and the status says Redis is not connected */
	char list[256];
	snprintf(list, sizeof list, "%s", cfg->notify_channels);
	d->channels = ut_arena_alloc(a, sizeof list / 2 * sizeof *d->channels);
	char *save = NULL;
	for (char *t = strtok_r(list, ", ", &save); t && d->channels; t = strtok_r(NULL, ", ", &save))
		if (notify_channel_ready(cfg, t))
			d->channels[d->n_channels++] = ut_arena_strdup(a, t);
	if (a->failed)
		return UT_ENOMEM;
	r->delivery = d;
	return rc;
}
