/* Handlers for the yearly plan (classes and participations planned per course category) and the
 * node's multi-year coverage targets. */
#include "schedd.h"
#include "ut/err.h"
#include "ut/valid.h"

int sched_plan_set(ut_service_t *svc, const Ut__Envelope *req, ut_reply_t *rep)
{
	Ut__Plan *p = ut_rpc_body(req, &ut__plan__descriptor, rep);
	if (!p)
		return UT_EINVAL;
	int rc;
	if (!(rc = ut_valid_range(rep, "year", p->year, 2000, 2100)) &&
	    !(rc = ut_valid_enum(rep, "category", p->category, sched_categories)) &&
	    !(rc = ut_valid_range(rep, "planned classes", p->planned_classes, 0, 1000000)) &&
	    !(rc = ut_valid_range(rep, "planned participations", p->planned_participations, 0, 100000000)) &&
	    !(rc = sched_plan_upsert(ut_service_store(svc), p)) &&
	    !(rc = ut_service_emit(svc, UT__MSG_TYPE__EV_PLAN_SET, &p->base)))
		rc = ut_reply_body(rep, &p->base);
	protobuf_c_message_free_unpacked(&p->base, NULL);
	return rc;
}

int sched_plan_get(ut_service_t *svc, const Ut__Envelope *req, ut_reply_t *rep)
{
	Ut__PlanQuery *q = ut_rpc_body(req, &ut__plan_query__descriptor, rep);
	if (!q)
		return UT_EINVAL;
	ut_arena_t a = {0};
	Ut__PlanList out = UT__PLAN_LIST__INIT;
	int rc = sched_plan_list(ut_service_store(svc), &a, q->year, &out);
	protobuf_c_message_free_unpacked(&q->base, NULL);
	return ut_reply_msg(rep, &a, rc, &out.base);
}

int sched_coverage_set(ut_service_t *svc, const Ut__Envelope *req, ut_reply_t *rep)
{
	Ut__CoverageTargets *in = ut_rpc_body(req, &ut__coverage_targets__descriptor, rep);
	if (!in)
		return UT_EINVAL;
	ut_store_t *s = ut_service_store(svc);
	ut_arena_t a = {0};
	Ut__CoverageTargets all = UT__COVERAGE_TARGETS__INIT;
	int rc = in->n_targets ? 0 : ut_reply_err(rep, UT_EINVAL, "no coverage target given");
	for (size_t i = 0; i < in->n_targets && !rc; i++) {
		const Ut__CoverageTarget *t = in->targets[i];
		if (!(rc = ut_valid_range(rep, "coverage year", t->year, 2000, 2100)) &&
		    !(rc = ut_valid_range(rep, "coverage percent", t->percent, 0, 100)))
			rc = sched_coverage_upsert(s, t);
	}
	/* consumers get the whole set, so an event replaces what they hold */
	if (!rc && !(rc = sched_coverage_list(s, &a, &all)) && !a.failed)
		rc = ut_service_emit(svc, UT__MSG_TYPE__EV_COVERAGE_SET, &all.base);
	protobuf_c_message_free_unpacked(&in->base, NULL);
	return ut_reply_msg(rep, &a, rc, &all.base);
}

int sched_coverage_get(ut_service_t *svc, const Ut__Envelope *req, ut_reply_t *rep)
{
	ut_arena_t a = {0};
	Ut__CoverageTargets all = UT__COVERAGE_TARGETS__INIT;
	int rc = sched_coverage_list(ut_service_store(svc), &a, &all);
	return ut_reply_msg(rep, &a, rc, &all.base);
}
