/* Finding the node (config file, time zone) and one request/reply with a daemon, mapped to exit codes. */
#include "utctl.h"
#include "output.h"
#include "ut/clock.h"
#include "ut/cmd.h"
#include "ut/err.h"
#include "ut/i18n.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pwd.h>
#include <unistd.h>
#include <zmq.h>

int ctx_ready(ctx_t *c)
{
	if (c->ready)
		return 0;
	const char *path = c->config_path;
	const char *env = getenv("UT_NODE_CONFIG");
	if (!path && env && *env)
		path = env;
	if (!path && access("deploy/node.ini", F_OK) == 0)
		path = "deploy/node.ini";
	if (path) {
		char err[512];
		if (ut_config_load(&c->cfg, path, err, sizeof err, NULL) != 0) {
			fprintf(stderr, _("utctl: bad node config: %s\n"), err);
			ut_config_free(&c->cfg);
			return EXIT_USAGE;
		}
	} else
		ut_config_defaults(&c->cfg);
	/* the daemons store Unix seconds; people type and read the node's wall clock */
	ut_clock_set_zone(c->cfg.timezone);
	ut_cmd_set_node_locale(c->cfg.locale);
	if (!c->timeout_ms)
		c->timeout_ms = c->cfg.rpc_timeout_ms;
	c->ready = 1;
	return 0;
}

void ctx_close(ctx_t *c)
{
	ut_rpc_client_destroy(&c->client);
	free(c->client_endpoint);
	c->client_endpoint = NULL;
	if (c->zctx)
		zmq_ctx_term(c->zctx);
	c->zctx = NULL;
	if (c->ready)
		ut_config_free(&c->cfg);
	c->ready = 0;
}

void say_down(const char *daemon, const char *endpoint)
{
	fprintf(stderr, _("utctl: %s is not answering at %s (is the node up? ./deploy/ut-node up)\n"), daemon,
		endpoint ? endpoint : "?");
}

/* Who asks, for the audit: the Unix user, and who they were before sudo. */
static const char *actor(void)
{
	static char a[128];
	if (!*a) {
		const struct passwd *pw = getpwuid(geteuid());
		const char *sudo = getenv("SUDO_USER");
		snprintf(a, sizeof a, "unix:%s%s%s", pw ? pw->pw_name : "?", sudo && *sudo ? " by sudo from " : "",
			 sudo && *sudo ? sudo : "");
	}
	return a;
}

static int connect_to(ctx_t *c, const char *daemon)
{
	if (c->client && strcmp(c->client_daemon, daemon) == 0)
		return 0;
	ut_rpc_client_destroy(&c->client);
	free(c->client_endpoint);
	c->client_daemon = daemon;
	c->client_endpoint = ut_config_endpoint(&c->cfg, daemon);
	if (!c->zctx)
		c->zctx = zmq_ctx_new();
	if (c->client_endpoint && c->zctx)
		c->client = ut_rpc_client_new(c->zctx, c->client_endpoint, c->timeout_ms);
	if (c->client) {
		ut_rpc_client_limit(c->client, (size_t)c->cfg.rpc_max_request_kb * 1024);
		ut_rpc_client_set_actor(c->client, actor());
	}
	if (!c->client) {
		say_down(daemon, c->client_endpoint);
		return EXIT_DOWN;
	}
	return 0;
}

/* What the daemon said, in the reader's language: its code (the English format, a msgid) rendered
 * from the catalogue with its arguments; the English message when the catalogue has no such entry. */
static void reply_text(const Ut__Envelope *rep, char *out, size_t len)
{
	const char *t = rep->code && *rep->code ? ut_tr(rep->code) : NULL;
	if (t && t != rep->code)
		ut_i18n_render(out, len, t, (const char *const *)rep->args, rep->n_args);
	else
		snprintf(out, len, "%s", rep->message && *rep->message ? rep->message : _("(no message)"));
}

int call(ctx_t *c, const char *daemon, int type, const ProtobufCMessage *req, const ProtobufCMessageDescriptor *rdesc,
	 ProtobufCMessage **out)
{
	if (out)
		*out = NULL;
	int rc = ctx_ready(c);
	if (rc || (rc = connect_to(c, daemon)))
		return rc;
	Ut__Envelope *rep = NULL;
	int err = ut_rpc_call(c->client, type, req, &rep);
	if (err == UT_EINVAL) { /* over the limit connect_to set: nothing was sent */
		fprintf(stderr, _("utctl: this request is %zu KiB, more than the daemons take ([rpc] max_request_kb %d); split it\n"),
			(protobuf_c_message_get_packed_size(req) + 1023) / 1024, c->cfg.rpc_max_request_kb);
		return EXIT_REFUSED;
	}
	if (err == UT_ENOMEM) {
		fprintf(stderr, _("utctl: out of memory\n"));
		return EXIT_REFUSED;
	}
	if (err) {
		say_down(daemon, c->client_endpoint);
		return EXIT_DOWN;
	}
	if (rep->status != UT__STATUS__STATUS_OK) {
		char said[1024];
		reply_text(rep, said, sizeof said);
		fprintf(stderr, _("utctl: %s: %s\n"), ut_tr_word(ut_status_name(rep->status)), said);
		ut__envelope__free_unpacked(rep, NULL);
		return EXIT_REFUSED;
	}
	if (rdesc && out) {
		*out = protobuf_c_message_unpack(rdesc, NULL, rep->body.len, rep->body.data);
		if (!*out) {
			fprintf(stderr, _("utctl: %s sent a reply utctl cannot decode (are both built from the same proto/?)\n"),
				daemon);
			rc = EXIT_REFUSED;
		}
	}
	ut__envelope__free_unpacked(rep, NULL);
	return rc;
}

int call_every(ctx_t *c, const struct ut_cmd *cmd, const ProtobufCMessage *req, ProtobufCMessage **out, int down[])
{
	*out = NULL;
	int rc = ctx_ready(c);
	if (rc)
		return rc;
	if (!c->zctx && !(c->zctx = zmq_ctx_new())) {
		fprintf(stderr, _("utctl: out of memory\n"));
		return EXIT_REFUSED;
	}
	ut_rpc_client_t *cl[UT_NODE_DAEMONS] = {0};
	for (size_t i = 0; i < UT_NODE_DAEMONS; i++) {
		char *ep = ut_config_endpoint(&c->cfg, ut_node_daemons[i]);
		if (ep && (cl[i] = ut_rpc_client_new(c->zctx, ep, c->timeout_ms)))
			ut_rpc_client_set_actor(cl[i], actor());
		free(ep);
	}
	if (ut_cmd_every(cmd, cl, req, out, down)) {
		fprintf(stderr, _("utctl: out of memory\n"));
		rc = EXIT_REFUSED;
	}
	for (size_t i = 0; i < UT_NODE_DAEMONS; i++)
		ut_rpc_client_destroy(&cl[i]);
	return rc;
}

int request(ctx_t *c, const char *daemon, int type, const ProtobufCMessage *req,
	    const ProtobufCMessageDescriptor *rdesc, printer_fn *text)
{
	ProtobufCMessage *rep;
	int rc = call(c, daemon, type, req, rdesc, &rep);
	if (rc)
		return rc;
	if (!c->json)
		text(c, rep, req);
	else
		json_print(stdout, rep);
	protobuf_c_message_free_unpacked(rep, NULL);
	return EXIT_OK;
}
