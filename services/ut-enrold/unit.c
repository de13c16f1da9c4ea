/* Org units under the node: the node's own union, subordinate unions and grassroots units, as a
 * tree, and the level rule of seed 004 (non-public enterprises by size: city or county). */
#include "enrold.h"
#include "ut/err.h"
#include "ut/valid.h"

#include <stdio.h>
#include <string.h>

#define ownerships ut_ownerships

/* Codes are typed in commands and CSV files: printable ASCII without blanks or commas. */
static int valid_code(ut_reply_t *rep, const char *field, const char *s)
{
	int rc = ut_valid_text(rep, field, s, 1, 32);
	if (rc)
		return rc;
	for (const char *p = s; *p; p++)
		if (*p <= ' ' || *p > '~' || *p == ',')
			return ut_reply_err(rep, UT_EINVAL, "%s \"%s\" may only hold letters, digits and - _ . /", field, s);
	return 0;
}

/* Seed 004: the city looks after non-public enterprises of city_min_employees or more, the
 * counties the smaller ones. A unit without a level gets the rule's (or the node's); registering
 * one on a node of the other level is allowed (the officer may know better) but said. */
static void level_rule(const ut_config_t *cfg, Ut__OrgUnit *u, ut_reply_t *warning)
{
	const char *rule = NULL;
	if (!strcmp(u->kind, "enterprise") && !strcmp(u->ownership, "non_public"))
		rule = u->employees >= cfg->enrol_city_min_employees ? "city" : "county";
	if (!*u->level)
		u->level = (char *)(rule ? rule : cfg->enrol_node_level);
	if (rule && strcmp(rule, cfg->enrol_node_level) &&
	    (!strcmp(cfg->enrol_node_level, "city") || !strcmp(cfg->enrol_node_level, "county")))
		ut_reply_err(warning, 0,
			     "%s is a non-public enterprise with %d employees: by the level rule (%d or more: city, fewer:"
			     " county) it belongs to the %s, not to this %s node",
			     u->code, u->employees, cfg->enrol_city_min_employees, rule, cfg->enrol_node_level);
}

/* The reply to unit add and change: the unit, and the level rule's warning in words and as a code. */
static int unit_reply(ut_reply_t *rep, Ut__OrgUnit *u, const ut_reply_t *warning)
{
	Ut__UnitReply r = UT__UNIT_REPLY__INIT;
	char *args[UT_REPLY_MAX_ARGS];
	r.unit = u;
	r.warning = (char *)warning->message;
	r.warning_code = (char *)(warning->code ? warning->code : "");
	r.warning_args = args;
	r.n_warning_args = ut_reply_args(warning, args, UT_REPLY_MAX_ARGS);
	return ut_reply_body(rep, &r.base);
}

int enrol_unit_add(ut_service_t *svc, const Ut__Envelope *req, ut_reply_t *rep)
{
	Ut__OrgUnit *in = ut_rpc_body(req, &ut__org_unit__descriptor, rep);
	if (!in)
		return UT_EINVAL;
	Ut__OrgUnit copy = *in, *u = &copy; /* defaults are filled in the copy: the unpacked one frees its own */
	ut_store_t *s = ut_service_store(svc);
	const ut_config_t *cfg = ut_service_config(svc);
	ut_arena_t a = {0};
	Ut__OrgUnit *parent = NULL;
	ut_reply_t warning = {0};
	int rc;
	if ((rc = valid_code(rep, "code", u->code)) || (rc = ut_valid_text(rep, "name", u->name, 1, 200)) ||
	    (rc = ut_valid_enum(rep, "kind", u->kind, enrol_unit_kinds)) ||
	    (rc = ut_valid_enum(rep, "ownership", u->ownership, ownerships)) ||
	    (rc = ut_valid_range(rep, "employees", u->employees, 0, 10000000)) ||
	    (rc = ut_valid_text(rep, "level", u->level, 0, 32)))
		goto out;
	if (u->parent_id || (u->parent_code && *u->parent_code)) {
		rc = es_unit_find(s, &a, u->parent_id, u->parent_code, &parent);
		if (rc == UT_ENOTFOUND)
			rc = ut_reply_err(rep, rc, "no parent unit %s",
					  u->parent_code && *u->parent_code ? u->parent_code : "with that id");
		if (rc)
			goto out;
		u->parent_id = parent->id;
	}
	level_rule(cfg, u, &warning);
	rc = es_unit_insert(s, u);
	if (rc == UT_ECONFLICT)
		rc = ut_reply_err(rep, rc, "a unit with code %s already exists", u->code);
	if (!rc)
		rc = ut_service_emit(svc, UT__MSG_TYPE__EV_UNIT_ADDED, &u->base);
	if (!rc)
		rc = unit_reply(rep, u, &warning);
out:
	ut_arena_free(&a);
	protobuf_c_message_free_unpacked(&in->base, NULL);
	return rc;
}

int enrol_unit_get(ut_service_t *svc, const Ut__Envelope *req, ut_reply_t *rep)
{
	Ut__UnitQuery *q = ut_rpc_body(req, &ut__unit_query__descriptor, rep);
	if (!q)
		return UT_EINVAL;
	ut_arena_t a = {0};
	Ut__OrgUnit *u = NULL;
	int rc = es_unit_find(ut_service_store(svc), &a, q->id, q->code, &u);
	if (rc == UT_ENOTFOUND)
		ut_reply_err(rep, rc, "no unit %s", *q->code ? q->code : "with that id");
	protobuf_c_message_free_unpacked(&q->base, NULL);
	return ut_reply_msg(rep, &a, rc, u ? &u->base : NULL);
}

int enrol_unit_list(ut_service_t *svc, const Ut__Envelope *req, ut_reply_t *rep)
{
	Ut__UnitQuery *q = ut_rpc_body(req, &ut__unit_query__descriptor, rep);
	if (!q)
		return UT_EINVAL;
	ut_store_t *s = ut_service_store(svc);
	ut_arena_t a = {0};
	Ut__UnitList out = UT__UNIT_LIST__INIT;
	int rc = 0;
	if (*q->code) { /* the subtree under a unit */
		Ut__OrgUnit *u;
		rc = es_unit_find(s, &a, 0, q->code, &u);
		if (rc == UT_ENOTFOUND)
			rc = ut_reply_err(rep, rc, "no unit %s", q->code);
		if (!rc)
			q->parent_id = u->id;
	}
	if (!rc)
		rc = es_unit_list(s, &a, q, &out);
	protobuf_c_message_free_unpacked(&q->base, NULL);
	return ut_reply_msg(rep, &a, rc, &out.base);
}

int enrol_unit_change(ut_service_t *svc, const Ut__Envelope *req, ut_reply_t *rep)
{
	Ut__UnitChange *ch = ut_rpc_body(req, &ut__unit_change__descriptor, rep);
	if (!ch)
		return UT_EINVAL;
	ut_store_t *s = ut_service_store(svc);
	ut_arena_t a = {0};
	Ut__OrgUnit *u = NULL, *parent;
	ut_reply_t warning = {0};
	int rc = es_unit_find(s, &a, 0, ch->code, &u), changed = 0;
	if (rc == UT_ENOTFOUND)
		rc = ut_reply_err(rep, rc, "no unit %s", *ch->code ? ch->code : "given");
	if (rc)
		goto out;
	int rule_inputs = 0; /* kind, ownership or size changed: the level rule is asked again */
	if (*ch->name && !(rc = ut_valid_text(rep, "name", ch->name, 1, 200)))
		u->name = ch->name, changed = 1;
	if (!rc && *ch->kind && !(rc = ut_valid_enum(rep, "kind", ch->kind, enrol_unit_kinds)))
		u->kind = ch->kind, changed = rule_inputs = 1;
	if (!rc && *ch->ownership && !(rc = ut_valid_enum(rep, "ownership", ch->ownership, ownerships)))
		u->ownership = ch->ownership, changed = rule_inputs = 1;
	if (!rc && ch->employees_set && !(rc = ut_valid_range(rep, "employees", ch->employees, 0, 10000000)))
		u->employees = ch->employees, changed = rule_inputs = 1;
	if (!rc && *ch->level && !(rc = ut_valid_text(rep, "level", ch->level, 1, 32)))
		u->level = ch->level, changed = 1;
	else if (!rc && rule_inputs)
		u->level = "";
	if (!rc && *ch->parent_code) {
		rc = es_unit_find(s, &a, 0, ch->parent_code, &parent);
		if (rc == UT_ENOTFOUND)
			rc = ut_reply_err(rep, rc, "no parent unit %s", ch->parent_code);
		int loop = rc ? 0 : es_unit_within(s, parent->id, u->id);
		if (loop < 0)
			rc = loop;
		else if (loop && parent->id == u->id)
			rc = ut_reply_err(rep, UT_EINVAL, "%s cannot move under itself", u->code);
		else if (loop)
			rc = ut_reply_err(rep, UT_EINVAL, "%s cannot move under %s, which is below it", u->code, parent->code);
		if (!rc)
			u->parent_id = parent->id, u->parent_code = parent->code, changed = 1;
	}
	if (!rc && !changed)
		rc = ut_reply_err(rep, UT_EINVAL, "nothing to change");
	if (rc)
		goto out;
	level_rule(ut_service_config(svc), u, &warning);
	if (!(rc = es_unit_update(s, u)))
		rc = ut_service_emit(svc, UT__MSG_TYPE__EV_UNIT_CHANGED, &u->base);
	if (!rc)
		rc = unit_reply(rep, u, &warning);
out:
	ut_arena_free(&a);
	protobuf_c_message_free_unpacked(&ch->base, NULL);
	return rc;
}
