/* ut-webd: the web console of a node. Wires the account requests and the schema to the service
 * frame, and runs the HTTP side beside the service's loop. */
#include "webd.h"
#include "ut/log.h"

#include <stdlib.h>

static const ut_handler_t handlers[] = {
	{UT__MSG_TYPE__MSG_USER_ADD, webd_user_add, UT_WRITES},
	{UT__MSG_TYPE__MSG_USER_LIST, webd_user_list_h, UT_READS},
	{UT__MSG_TYPE__MSG_USER_CHANGE, webd_user_change, UT_WRITES},
	{UT__MSG_TYPE__MSG_WEB_LOGIN_BEGIN, webd_login_begin, UT_READS},
	{UT__MSG_TYPE__MSG_WEB_LOGIN_END, webd_login_end, UT_WRITES},
	{UT__MSG_TYPE__MSG_WEB_SESSION_CHECK, webd_session_check, UT_WRITES | UT_UNAUDITED},
	{UT__MSG_TYPE__MSG_WEB_LOGOUT, webd_logout, UT_WRITES},
};

static int webd_init(ut_service_t *svc)
{
	const ut_config_t *cfg = ut_service_config(svc);
	char err[512], *www = *cfg->web_www ? ut_config_resolve(cfg, cfg->web_www) : NULL;
	webd_http_t *h;
	int rc = webd_http_start(&h, cfg, www ? www : UT_WWW_DIR, err, sizeof err);
	free(www);
	if (rc) {
		ut_error("web console: %s", err);
		return rc;
	}
	ut_info("web console on %s://%s", cfg->web_tls ? "https" : "http", cfg->web_listen);
	ut_service_set_app(svc, h);
	return 0;
}

static void webd_fini(ut_service_t *svc)
{
	webd_http_t *h = ut_service_app(svc);
	webd_http_stop(&h);
}

const ut_service_def_t ut_webd_def = {
	.name = "ut-webd",
	.summary = "The web console of a union training node: accounts and roles, and the officers' pages,\n"
		   "on the same requests as utctl.",
	.migrations = webd_migrations,
	.nmigrations = WEBD_NMIGRATIONS,
	.handlers = handlers,
	.nhandlers = sizeof handlers / sizeof handlers[0],
	.init = webd_init,
	.fini = webd_fini,
};

int main(int argc, char **argv) { return ut_service_main(&ut_webd_def, argc, argv); }
