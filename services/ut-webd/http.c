/* ut-webd's HTTP side, on libmicrohttpd: POST /api/<noun>/<verb> (a verb of two words in two
 * parts: /api/node/child/add) is a row of the command table, sent to its daemon exactly as utctl
 * sends it; /api/login, /api/logout and /api/session open, end and show a session; anything else
 * is a page from the www directory, or /lib/chart.js (Chart.js as Debian installs it). Every
 * answer of the API is JSON, errors included. */
#include "webd.h"
#include "ut/cmd.h"
#include "ut/err.h"
#include "ut/i18n.h"
#include "ut/log.h"
#include "ut/pbjson.h"
#include "ut/words.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <microhttpd.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zmq.h>

#define COOKIE "ut_session"
#define NDAEMONS UT_NODE_DAEMONS

#define daemons ut_node_daemons

/* gettext's language is the process's (LANGUAGE): one thread at a time says things in its
 * reader's language (the words a fill notes, a refusal's sentence). */
static pthread_mutex_t say_lock = PTHREAD_MUTEX_INITIALIZER;

/* A reply's format and arguments as a sentence in locale. */
static json_t *said_in(const char *locale, const char *code, const json_t *args, const char *english)
{
	const char *argv[UT_REPLY_MAX_ARGS];
	size_t n = 0;
	for (; n < json_array_size(args) && n < UT_REPLY_MAX_ARGS; n++)
		argv[n] = json_string_value(json_array_get(args, n));
	char out[1024];
	pthread_mutex_lock(&say_lock);
	ut_i18n_use(locale);
	const char *fmt = code && *code ? _(code) : NULL;
	if (fmt && fmt != code)
		ut_i18n_render(out, sizeof out, fmt, argv, n);
	else
		snprintf(out, sizeof out, "%s", english);
	pthread_mutex_unlock(&say_lock);
	return json_string(out);
}

struct webd_http {
	struct MHD_Daemon *mhd;
	void *zctx;
	char *endpoint[NDAEMONS];
	int timeout_ms;
	size_t max_body;
	char *www;
	char *chartjs;      /* [web] chartjs: the file served as /lib/chart.js */
	char *cert, *key;
	int tls;
	char *words[4];     /* each locale's words of the pages, as JSON (ut_locales' order) */
	int node_locale;    /* the node's, for a page before anyone signs in */
	char *timezone;     /* the node's ([node] timezone): pages show times on its clock */
	int session_max_s;  /* the cookie's Max-Age: the session's longest life */
	pthread_key_t clients; /* each HTTP thread's own sockets: a ZeroMQ socket is one thread's */
};

typedef struct conn {
	char *body;
	size_t len, cap;
	int too_big;
} conn_t;

typedef struct tclients {
	ut_rpc_client_t *c[NDAEMONS];
	char actor[128]; /* who this thread's current request is for */
	char role[16];   /* and that account's role */
} tclients_t;

static void clients_free(void *p)
{
	tclients_t *t = p;
	for (int i = 0; i < NDAEMONS; i++)
		ut_rpc_client_destroy(&t->c[i]);
	free(t);
}

/* This thread's set of sockets, made on its first request. */
static tclients_t *tclients(webd_http_t *h)
{
	tclients_t *t = pthread_getspecific(h->clients);
	if (!t && (!(t = calloc(1, sizeof *t)) || pthread_setspecific(h->clients, t))) {
		free(t);
		return NULL;
	}
	return t;
}

static ut_rpc_client_t *client_of(webd_http_t *h, const char *daemon)
{
	tclients_t *t = tclients(h);
	if (!t)
		return NULL;
	for (int i = 0; i < NDAEMONS; i++)
		if (!strcmp(daemons[i], daemon)) {
			if (!t->c[i])
				t->c[i] = ut_rpc_client_new(h->zctx, h->endpoint[i], h->timeout_ms);
			if (t->c[i]) {
				ut_rpc_client_set_actor(t->c[i], *t->actor ? t->actor : "web");
				ut_rpc_client_set_role(t->c[i], *t->role ? t->role : "viewer");
			}
			return t->c[i];
		}
	return NULL;
}

/* Whose requests this thread sends from now on: "web:NAME" with the account's role, or the
 * console itself ("web", as a viewer). */
static void act_for(webd_http_t *h, const char *name, const char *role)
{
	tclients_t *t = tclients(h);
	if (t) {
		snprintf(t->actor, sizeof t->actor, name ? "web:%s" : "web", name);
		snprintf(t->role, sizeof t->role, "%s", role ? role : "viewer");
	}
}

/* One request to a daemon: 0 with *env (its status may be an error), or UT_E* when it did not
 * answer. */
static int rpc(webd_http_t *h, const char *daemon, int type, const ProtobufCMessage *req, Ut__Envelope **env)
{
	ut_rpc_client_t *c = client_of(h, daemon);
	return c ? ut_rpc_call(c, type, req, env) : UT_ENOMEM;
}

/* ---- answers ---- */

static enum MHD_Result send_json(struct MHD_Connection *mc, unsigned status, json_t *j, const char *cookie)
{
	char *text = j ? json_dumps(j, JSON_COMPACT | JSON_ENSURE_ASCII) : NULL;
	json_decref(j);
	if (!text)
		text = strdup("{\"error\":\"internal\",\"message\":\"out of memory\"}"), status = 500;
	if (!text)
		return MHD_NO;
	struct MHD_Response *r = MHD_create_response_from_buffer(strlen(text), text, MHD_RESPMEM_MUST_FREE);
	if (!r) {
		free(text);
		return MHD_NO;
	}
	MHD_add_response_header(r, "Content-Type", "application/json; charset=utf-8");
	MHD_add_response_header(r, "Cache-Control", "no-store");
	MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
	if (cookie)
		MHD_add_response_header(r, "Set-Cookie", cookie);
	enum MHD_Result ret = MHD_queue_response(mc, status, r);
	MHD_destroy_response(r);
	return ret;
}

static enum MHD_Result send_error(struct MHD_Connection *mc, unsigned status, const char *error, const char *message)
{
	return send_json(mc, status, json_pack("{s:s,s:s}", "error", error, "message", message), NULL);
}

static unsigned http_status(int status)
{
	switch (status) {
	case UT__STATUS__STATUS_OK: return 200;
	case UT__STATUS__STATUS_INVALID: return 400;
	case UT__STATUS__STATUS_NOT_FOUND: return 404;
	case UT__STATUS__STATUS_CONFLICT: return 409;
	case UT__STATUS__STATUS_UNAVAILABLE: return 503;
	default: return 500;
	}
}

/* A daemon's refusal as JSON: its status word, the English text, and the format and arguments a
 * page says in its reader's language. */
static enum MHD_Result send_refusal(struct MHD_Connection *mc, const Ut__Envelope *env, const char *locale)
{
	const ProtobufCEnumValue *v = protobuf_c_enum_descriptor_get_value(&ut__status__descriptor, env->status);
	json_t *args = json_array();
	for (size_t i = 0; args && i < env->n_args; i++)
		json_array_append_new(args, json_string(env->args[i]));
	const char *word = v ? v->name + 7 : "internal"; /* STATUS_INVALID -> INVALID */
	char low[32];
	size_t n = 0;
	for (; word[n] && n + 1 < sizeof low; n++)
		low[n] = (char)(word[n] >= 'A' && word[n] <= 'Z' ? word[n] + 32 : word[n]);
	low[n] = '\0';
	json_t *j = json_pack("{s:s,s:s,s:s,s:o}", "error", low, "message", env->message, "code", env->code, "args",
			      args ? args : json_array());
	if (j) /* and in the reader's words */
		json_object_set_new(j, "text", said_in(locale, env->code, json_object_get(j, "args"), env->message));
	return send_json(mc, http_status(env->status), j, NULL);
}

static enum MHD_Result send_down(struct MHD_Connection *mc, const char *daemon)
{
	char m[128];
	snprintf(m, sizeof m, "%s is not answering; try again in a moment", daemon);
	return send_error(mc, 503, "unavailable", m);
}

/* A bulk reply's results (one per cadre) each with its sentence in the reader's words. */
static void results_said(json_t *j, const char *locale)
{
	size_t i;
	json_t *r;
	json_array_foreach(json_object_get(j, "results"), i, r)
	{
		const char *code = json_string_value(json_object_get(r, "code"));
		if (code && *code)
			json_object_set_new(r, "text", said_in(locale, code, json_object_get(r, "args"),
							      json_string_value(json_object_get(r, "message"))));
	}
}

/* ---- sessions ---- */

static void client_address(struct MHD_Connection *mc, char *out, size_t len)
{
	const union MHD_ConnectionInfo *ci = MHD_get_connection_info(mc, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	snprintf(out, len, "?");
	if (!ci || !ci->client_addr)
		return;
	const struct sockaddr *sa = ci->client_addr;
	if (sa->sa_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, out, (socklen_t)len);
	else if (sa->sa_family == AF_INET6)
		inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)sa)->sin6_addr, out, (socklen_t)len);
}

/* The session of the request's cookie: 0 with *env holding a WebSession, or an answer already
 * queued (*sent). */
static int session(webd_http_t *h, struct MHD_Connection *mc, Ut__WebSession **w, Ut__Envelope **env,
		   enum MHD_Result *sent)
{
	const char *token = MHD_lookup_connection_value(mc, MHD_COOKIE_KIND, COOKIE);
	*w = NULL;
	*env = NULL;
	if (!token || !*token) {
		*sent = send_error(mc, 401, "not_signed_in", "sign in first");
		return -1;
	}
	Ut__WebSession q = UT__WEB_SESSION__INIT;
	q.token = (char *)token;
	if (rpc(h, "ut-webd", UT__MSG_TYPE__MSG_WEB_SESSION_CHECK, &q.base, env)) {
		*sent = send_down(mc, "ut-webd");
		return -1;
	}
	if ((*env)->status != UT__STATUS__STATUS_OK ||
	    !(*w = ut__web_session__unpack(NULL, (*env)->body.len, (*env)->body.data))) {
		*sent = send_error(mc, 401, "not_signed_in", "not signed in (the session ended or expired)");
		ut__envelope__free_unpacked(*env, NULL);
		*env = NULL;
		return -1;
	}
	return 0;
}

static int role_rank(const char *role)
{
	for (int i = 0; ut_roles[i]; i++)
		if (!strcmp(ut_roles[i], role))
			return i;
	return -1;
}

static json_t *session_json(const webd_http_t *h, const Ut__WebSession *w)
{
	return json_pack("{s:s,s:s,s:s,s:s,s:I,s:s}", "name", w->name, "role", w->role, "locale", w->locale, "csrf",
			 w->csrf, "expires_ms", (json_int_t)w->expires_ms, "timezone", h->timezone);
}

static enum MHD_Result login(webd_http_t *h, struct MHD_Connection *mc, const json_t *body)
{
	const char *name = json_string_value(json_object_get(body, "name"));
	const char *password = json_string_value(json_object_get(body, "password"));
	if (!name || !password)
		return send_error(mc, 400, "invalid", "give name and password");
	char addr[64];
	client_address(mc, addr, sizeof addr);
	Ut__Login l = UT__LOGIN__INIT;
	l.name = (char *)name;
	l.address = addr;
	Ut__Envelope *env = NULL;
	if (rpc(h, "ut-webd", UT__MSG_TYPE__MSG_WEB_LOGIN_BEGIN, &l.base, &env))
		return send_down(mc, "ut-webd");
	Ut__LoginState *st = env->status == UT__STATUS__STATUS_OK
				     ? ut__login_state__unpack(NULL, env->body.len, env->body.data)
				     : NULL;
	ut__envelope__free_unpacked(env, NULL);
	if (!st)
		return send_error(mc, 500, "internal", "the account could not be read");
	if (st->retry_after_ms > 0) {
		char m[160];
		snprintf(m, sizeof m, "too many failed sign-ins; try again in %lld minutes",
			 (long long)(st->retry_after_ms + 59999) / 60000);
		ut__login_state__free_unpacked(st, NULL);
		return send_error(mc, 429, "too_many", m);
	}
	/* an unknown account costs the same time as a known one */
	static const char dummy[] = "$argon2id$v=19$m=65536,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$"
				    "Qm9ndXNCb2d1c0JvZ3VzQm9ndXNCb2d1c0JvZ3VzQm8";
	const char *hash = *st->password_hash ? st->password_hash : dummy;
	l.ok = crypto_pwhash_str_verify(hash, password, strlen(password)) == 0 && *st->password_hash;
	ut__login_state__free_unpacked(st, NULL);
	if (rpc(h, "ut-webd", UT__MSG_TYPE__MSG_WEB_LOGIN_END, &l.base, &env))
		return send_down(mc, "ut-webd");
	Ut__WebSession *w = env->status == UT__STATUS__STATUS_OK
				    ? ut__web_session__unpack(NULL, env->body.len, env->body.data)
				    : NULL;
	enum MHD_Result ret;
	if (!w)
		ret = send_refusal(mc, env, "en");
	else if (!*w->token) {
		ret = send_error(mc, 401, "wrong_password", "wrong account name or password");
		ut__web_session__free_unpacked(w, NULL);
	} else {
		char cookie[256];
		snprintf(cookie, sizeof cookie, COOKIE "=%s; Path=/; HttpOnly; SameSite=Strict%s; Max-Age=%lld", w->token,
			 h->tls ? "; Secure" : "", (long long)h->session_max_s);
		ret = send_json(mc, 200, session_json(h, w), cookie);
		ut__web_session__free_unpacked(w, NULL);
	}
	ut__envelope__free_unpacked(env, NULL);
	return ret;
}

static enum MHD_Result logout(webd_http_t *h, struct MHD_Connection *mc, const json_t *body)
{
	const char *token = MHD_lookup_connection_value(mc, MHD_COOKIE_KIND, COOKIE);
	Ut__WebSession q = UT__WEB_SESSION__INIT;
	q.token = (char *)(token ? token : "");
	q.everywhere = json_is_true(json_object_get(body, "everywhere"));
	Ut__Envelope *env = NULL;
	if (rpc(h, "ut-webd", UT__MSG_TYPE__MSG_WEB_LOGOUT, &q.base, &env))
		return send_down(mc, "ut-webd");
	ut__envelope__free_unpacked(env, NULL);
	return send_json(mc, 200, json_pack("{s:b}", "signed_out", 1),
			 COOKIE "=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0");
}

/* ---- the command table ---- */

/* What a request's words may reach while they are read: this thread's sockets, and the files the
 * body brings (an upload, a pasted list) by the names the words give them. */
typedef struct fill_ctx {
	webd_http_t *h;
	const json_t *files;
} fill_ctx_t;

/* A lookup of the filler's (a name to an id). */
static int fill_call(void *ctx, const char *daemon, int type, const ProtobufCMessage *req,
		     const ProtobufCMessageDescriptor *rdesc, ProtobufCMessage **out, char *err, size_t errlen)
{
	fill_ctx_t *fc = ctx;
	Ut__Envelope *env = NULL;
	*out = NULL;
	if (rpc(fc->h, daemon, type, req, &env)) {
		snprintf(err, errlen, "%s is not answering", daemon);
		return UT_EUNAVAIL;
	}
	int rc = 0;
	if (env->status != UT__STATUS__STATUS_OK) {
		snprintf(err, errlen, "%s", env->message);
		rc = env->status == UT__STATUS__STATUS_NOT_FOUND ? UT_ENOTFOUND : UT_EINVAL;
	} else if (!(*out = protobuf_c_message_unpack(rdesc, NULL, env->body.len, env->body.data))) {
		snprintf(err, errlen, "%s sent a reply that does not decode", daemon);
		rc = UT_EINTERNAL;
	}
	ut__envelope__free_unpacked(env, NULL);
	return rc;
}

/* A file the words name: the body's "files" entry of that name. */
static int fill_read(void *ctx, const char *name, char **data, size_t *len, char *err, size_t errlen)
{
	fill_ctx_t *fc = ctx;
	const json_t *f = json_object_get(fc->files, name);
	if (!json_is_string(f)) {
		snprintf(err, errlen, "no file named %s in the request's files", name);
		return UT_EINVAL;
	}
	*len = json_string_length(f);
	if (!(*data = malloc(*len + 1)))
		return UT_ENOMEM;
	memcpy(*data, json_string_value(f), *len + 1);
	return 0;
}

/* The request from the body: the message itself as JSON, or {"words": [...]} as utctl's words
 * after the verb (names instead of ids, sessions by their number), with "files" for the files
 * they name. What the words could not find (a name no one has) is in *notes (malloc'd), and the
 * rest goes, as with utctl. */
static int request_of(webd_http_t *h, const ut_cmd_t *cmd, json_t *body, const char *locale, ProtobufCMessage **req,
		      char **notes, char *err, size_t errlen)
{
	json_t *words = json_object_get(body, "words"), *files = json_object_get(body, "files");
	*notes = NULL;
	if (!words)
		return ut_pbjson_to_msg(body, cmd->req, req, err, errlen);
	size_t n = json_array_size(words);
	if (!json_is_array(words) || n > 200 || json_object_size(body) != 1u + (files != NULL) ||
	    (files && !json_is_object(files))) {
		snprintf(err, errlen, "words: an array of at most 200 strings, with only files (an object) beside it");
		return UT_EINVAL;
	}
	char **argv = calloc(n + 1, sizeof *argv);
	if (!argv)
		return UT_ENOMEM;
	for (size_t i = 0; i < n; i++)
		if (!(argv[i] = (char *)json_string_value(json_array_get(words, i)))) {
			snprintf(err, errlen, "words[%zu]: expected a string", i);
			free(argv);
			return UT_EINVAL;
		}
	fill_ctx_t fc = {h, files};
	ut_fill_t f;
	pthread_mutex_lock(&say_lock);
	ut_i18n_use(locale);
	int rc = ut_cmd_fill_argv_files(&f, cmd, (int)n, argv, fill_call, fill_read, &fc);
	pthread_mutex_unlock(&say_lock);
	free(argv);
	if (rc)
		snprintf(err, errlen, "%s", f.err[0] ? f.err : f.notes ? f.notes : "the words could not be read");
	else {
		*req = f.req;
		f.req = NULL;
		*notes = f.notes;
		f.notes = NULL;
	}
	ut_cmd_fill_free(&f);
	return rc;
}

/* A row asked of every daemon at once: the gathered reply, and beside it the daemons that did not
 * answer ("down": [...]), so a page can say what is missing. */
static enum MHD_Result api_every(webd_http_t *h, struct MHD_Connection *mc, const ut_cmd_t *cmd, const ProtobufCMessage *req)
{
	ut_rpc_client_t *cl[NDAEMONS];
	int down[NDAEMONS];
	ProtobufCMessage *rep = NULL;
	for (int i = 0; i < NDAEMONS; i++)
		cl[i] = client_of(h, daemons[i]);
	if (ut_cmd_every(cmd, cl, req, &rep, down))
		return send_error(mc, 500, "internal", "out of memory");
	json_t *j = ut_pbjson_from_msg(rep), *d = json_array();
	for (int i = 0; d && i < NDAEMONS; i++)
		if (down[i])
			json_array_append_new(d, json_string(daemons[i]));
	if (j && d)
		json_object_set_new(j, "down", d);
	else
		json_decref(d);
	protobuf_c_message_free_unpacked(rep, NULL);
	return send_json(mc, j ? 200 : 500, j, NULL);
}

static enum MHD_Result api(webd_http_t *h, struct MHD_Connection *mc, const char *noun, const char *verb, json_t *body)
{
	const ut_cmd_t *cmd = ut_cmd_find(noun, verb);
	if (!cmd)
		return send_error(mc, 404, "not_found", "no such command");
	Ut__WebSession *w;
	Ut__Envelope *senv;
	enum MHD_Result sent;
	if (session(h, mc, &w, &senv, &sent))
		return sent;
	act_for(h, w->name, w->role); /* until the next request: the account's */
	const char *csrf = MHD_lookup_connection_value(mc, MHD_HEADER_KIND, "X-CSRF-Token");
	const char *locale = *w->locale ? w->locale : ut_locales[h->node_locale];
	enum MHD_Result ret;
	ProtobufCMessage *req = NULL;
	char err[1024], *notes = NULL;
	const ut_arg_t *arg;
	int rc;
	if (!csrf || strlen(csrf) != strlen(w->csrf) || sodium_memcmp(csrf, w->csrf, strlen(csrf)))
		ret = send_error(mc, 403, "csrf", "the page's X-CSRF-Token header is missing or wrong: reload the page");
	else if (role_rank(w->role) < (int)cmd->role) {
		snprintf(err, sizeof err, "the %s role may not %s %s", w->role, verb, noun);
		ret = send_error(mc, 403, "forbidden", err);
	} else if ((rc = request_of(h, cmd, body, locale, &req, &notes, err, sizeof err)) == UT_ENOMEM)
		ret = send_error(mc, 500, "internal", "out of memory");
	else if (rc == UT_EUNAVAIL)
		ret = send_error(mc, 503, "unavailable", err);
	else if (rc)
		ret = send_error(mc, 400, "invalid", err);
	else if (role_rank(w->role) < (int)ut_cmd_role_needed(cmd, req, &arg)) {
		snprintf(err, sizeof err, "the %s role may not %s %s with --%s", w->role, verb, noun, arg->name);
		ret = send_error(mc, 403, "forbidden", err);
	} else if (cmd->gather)
		ret = api_every(h, mc, cmd, req);
	else {
		Ut__Envelope *env = NULL;
		if (rpc(h, cmd->daemon, cmd->type, req, &env))
			ret = send_down(mc, cmd->daemon);
		else if (env->status != UT__STATUS__STATUS_OK)
			ret = send_refusal(mc, env, locale);
		else {
			ProtobufCMessage *rep = protobuf_c_message_unpack(cmd->rep, NULL, env->body.len, env->body.data);
			json_t *j = rep ? ut_pbjson_from_msg(rep) : NULL;
			if (j && notes) /* the lines of what the words did not find, beside the answer for the rest */
				json_object_set_new(j, "notes", json_string(notes));
			results_said(j, locale);
			ret = rep ? send_json(mc, 200, j, NULL)
				  : send_error(mc, 500, "internal", "the daemon's reply does not decode");
			if (rep)
				protobuf_c_message_free_unpacked(rep, NULL);
		}
		if (env)
			ut__envelope__free_unpacked(env, NULL);
	}
	if (req)
		protobuf_c_message_free_unpacked(req, NULL);
	free(notes);
	ut__web_session__free_unpacked(w, NULL);
	ut__envelope__free_unpacked(senv, NULL);
	return ret;
}

/* ---- pages ---- */

static const char *content_type(const char *path)
{
	static const char *const types[][2] = {
		{".html", "text/html; charset=utf-8"}, {".css", "text/css; charset=utf-8"},
		{".js", "text/javascript; charset=utf-8"}, {".json", "application/json"},
		{".svg", "image/svg+xml"}, {".png", "image/png"}, {".ico", "image/x-icon"},
		{".webmanifest", "application/manifest+json"},
	};
	const char *dot = strrchr(path, '.');
	for (size_t i = 0; dot && i < sizeof types / sizeof *types; i++)
		if (!strcmp(dot, types[i][0]))
			return types[i][1];
	return "application/octet-stream";
}

/* One file as it is; follow: the path may be a symbolic link (a library as Debian installs it,
 * never a path the request named). */
static enum MHD_Result send_file(struct MHD_Connection *mc, const char *path, int follow, const char *cache)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | (follow ? 0 : O_NOFOLLOW));
	struct stat sb;
	if (fd < 0 || fstat(fd, &sb) || !S_ISREG(sb.st_mode)) {
		if (fd >= 0)
			close(fd);
		return send_error(mc, 404, "not_found", "no such page");
	}
	struct MHD_Response *r = MHD_create_response_from_fd((uint64_t)sb.st_size, fd);
	if (!r) {
		close(fd);
		return MHD_NO;
	}
	MHD_add_response_header(r, "Content-Type", content_type(path));
	MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(r, "Content-Security-Policy", "default-src 'self'; frame-ancestors 'none'");
	if (cache)
		MHD_add_response_header(r, "Cache-Control", cache);
	enum MHD_Result ret = MHD_queue_response(mc, 200, r);
	MHD_destroy_response(r);
	return ret;
}

/* A file of the www directory; or a library the pages use, at a fixed address served from its
 * installed file ([web] chartjs): that request's path picks the library, it never becomes a file name. */
static enum MHD_Result page(webd_http_t *h, struct MHD_Connection *mc, const char *url)
{
	if (!strcmp(url, "/lib/chart.js")) /* it changes with the Debian package only: a day's cache */
		return send_file(mc, h->chartjs, 1, "max-age=86400");
	if (url[0] != '/' || strstr(url, "..") || strstr(url, "//") || strlen(url) > 200)
		return send_error(mc, 400, "invalid", "not a page's path");
	char path[4096];
	snprintf(path, sizeof path, "%s%s", h->www, strcmp(url, "/") ? url : "/index.html");
	return send_file(mc, path, 0, NULL);
}

/* The pages' words in each locale: the catalogues' "web", "value" and "report" contexts (a report's
 * labels, the same words as utctl's tables), read once at start. */
static int words_load(webd_http_t *h, const char *node_locale, char *err, size_t errlen)
{
	for (int l = 0; ut_locales[l]; l++) {
		json_t *j = json_pack("{s:s,s:{},s:{},s:{}}", "locale", ut_locales[l], "web", "value", "report");
		int rc = j ? 0 : UT_ENOMEM;
		if (!rc && (rc = ut_i18n_export(ut_locales[l], "web", json_object_get(j, "web"))) == 0 &&
		    (rc = ut_i18n_export(ut_locales[l], "value", json_object_get(j, "value"))) == 0)
			rc = ut_i18n_export(ut_locales[l], "report", json_object_get(j, "report"));
		if (!rc && !(h->words[l] = json_dumps(j, JSON_COMPACT)))
			rc = UT_ENOMEM;
		json_decref(j);
		if (rc) {
			snprintf(err, errlen, "the %s catalogue cannot be read (%s)", ut_locales[l], ut_strerror(rc));
			return rc;
		}
		if (!strcmp(ut_locales[l], node_locale))
			h->node_locale = l;
	}
	return 0;
}

/* GET /i18n/<locale>.json, or /i18n/node.json for the node's locale. */
static enum MHD_Result words(webd_http_t *h, struct MHD_Connection *mc, const char *url)
{
	char want[16];
	int l = -1;
	if (sscanf(url, "/i18n/%15[a-zA-Z-].json", want) == 1)
		for (int i = 0; ut_locales[i]; i++)
			if (!strcmp(ut_locales[i], want))
				l = i;
	if (l < 0 && !strcmp(url, "/i18n/node.json"))
		l = h->node_locale;
	if (l < 0)
		return send_error(mc, 404, "not_found", "no such language");
	struct MHD_Response *r =
		MHD_create_response_from_buffer(strlen(h->words[l]), h->words[l], MHD_RESPMEM_PERSISTENT);
	if (!r)
		return MHD_NO;
	MHD_add_response_header(r, "Content-Type", "application/json; charset=utf-8");
	MHD_add_response_header(r, "Cache-Control", "no-cache");
	enum MHD_Result ret = MHD_queue_response(mc, 200, r);
	MHD_destroy_response(r);
	return ret;
}

/* ---- the handler ---- */

static enum MHD_Result handle(void *cls, struct MHD_Connection *mc, const char *url, const char *method,
			      const char *version, const char *upload, size_t *upload_size, void **con_cls)
{
	webd_http_t *h = cls;
	conn_t *c = *con_cls;
	int is_post = !strcmp(method, MHD_HTTP_METHOD_POST);
	if (!c) { /* the headers are in; the body follows */
		if (!(c = calloc(1, sizeof *c)))
			return MHD_NO;
		*con_cls = c;
		return MHD_YES;
	}
	if (*upload_size) {
		if (c->len + *upload_size > h->max_body)
			c->too_big = 1;
		else {
			if (c->len + *upload_size + 1 > c->cap) {
				size_t cap = (c->len + *upload_size + 1) * 2;
				char *b = realloc(c->body, cap > h->max_body + 1 ? h->max_body + 1 : cap);
				if (!b)
					return MHD_NO;
				c->body = b;
				c->cap = cap > h->max_body + 1 ? h->max_body + 1 : cap;
			}
			memcpy(c->body + c->len, upload, *upload_size);
			c->len += *upload_size;
		}
		*upload_size = 0;
		return MHD_YES;
	}
	if (strncmp(url, "/api/", 5)) {
		if (strcmp(method, MHD_HTTP_METHOD_GET) && strcmp(method, MHD_HTTP_METHOD_HEAD))
			return send_error(mc, 405, "method", "pages are read with GET");
		return strncmp(url, "/i18n/", 6) ? page(h, mc, url) : words(h, mc, url);
	}
	if (!is_post)
		return send_error(mc, 405, "method", "the API takes POST with a JSON body");
	if (c->too_big) {
		char m[128];
		snprintf(m, sizeof m, "the body is larger than %zu KiB", h->max_body / 1024);
		return send_error(mc, 413, "too_large", m);
	}
	json_error_t je;
	json_t *body = c->len ? json_loadb(c->body, c->len, JSON_REJECT_DUPLICATES, &je) : json_object();
	if (!body) {
		char m[256];
		snprintf(m, sizeof m, "the body is not JSON: %s (line %d)", je.text, je.line);
		return send_error(mc, 400, "invalid", m);
	}
	enum MHD_Result ret;
	char noun[32], verb[64], verb2[32], extra;
	int n;
	act_for(h, NULL, NULL); /* the console's own until a session says whose */
	if (!json_is_object(body))
		ret = send_error(mc, 400, "invalid", "the body must be a JSON object");
	else if (!strcmp(url, "/api/login"))
		ret = login(h, mc, body);
	else if (!strcmp(url, "/api/logout"))
		ret = logout(h, mc, body);
	else if (!strcmp(url, "/api/session")) {
		Ut__WebSession *w;
		Ut__Envelope *env;
		if (!session(h, mc, &w, &env, &ret)) {
			ret = send_json(mc, 200, session_json(h, w), NULL);
			ut__web_session__free_unpacked(w, NULL);
			ut__envelope__free_unpacked(env, NULL);
		}
	} else if ((n = sscanf(url, "/api/%31[a-z]/%31[a-z]/%31[a-z]%c", noun, verb, verb2, &extra)) == 2 || n == 3) {
		if (n == 3) /* a verb of two words: /api/node/child/add is `node child add` */
			snprintf(verb + strlen(verb), sizeof verb - strlen(verb), " %s", verb2);
		ret = api(h, mc, noun, verb, body);
	}
	else
		ret = send_error(mc, 404, "not_found", "no such command");
	json_decref(body);
	return ret;
}

static void completed(void *cls, struct MHD_Connection *mc, void **con_cls, enum MHD_RequestTerminationCode toe)
{
	conn_t *c = *con_cls;
	if (c) {
		free(c->body);
		free(c);
	}
	*con_cls = NULL;
}

/* ---- start and stop ---- */

static char *read_whole(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	char *buf = malloc(1 << 20);
	size_t n = buf ? fread(buf, 1, (1 << 20) - 1, f) : 0;
	fclose(f);
	if (buf)
		buf[n] = '\0';
	return buf;
}

/* host:port into an address; *loopback says whether only this machine can reach it. */
static int parse_listen(const char *listen, struct sockaddr_storage *ss, int *loopback)
{
	char host[256];
	unsigned port;
	const char *colon = strrchr(listen, ':');
	if (!colon || colon == listen || (size_t)(colon - listen) >= sizeof host || sscanf(colon + 1, "%u", &port) != 1 ||
	    port == 0 || port > 65535)
		return UT_EINVAL;
	memcpy(host, listen, (size_t)(colon - listen));
	host[colon - listen] = '\0';
	memset(ss, 0, sizeof *ss);
	struct sockaddr_in *a4 = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)ss;
	char *h = host;
	size_t hl = strlen(h);
	if (h[0] == '[' && hl > 2 && h[hl - 1] == ']')
		h[hl - 1] = '\0', h++;
	if (!strcmp(h, "localhost"))
		h = "127.0.0.1";
	if (inet_pton(AF_INET, h, &a4->sin_addr) == 1) {
		a4->sin_family = AF_INET;
		a4->sin_port = htons((uint16_t)port);
		*loopback = (ntohl(a4->sin_addr.s_addr) >> 24) == 127;
	} else if (inet_pton(AF_INET6, h, &a6->sin6_addr) == 1) {
		a6->sin6_family = AF_INET6;
		a6->sin6_port = htons((uint16_t)port);
		*loopback = IN6_IS_ADDR_LOOPBACK(&a6->sin6_addr);
	} else
		return UT_EINVAL;
	return 0;
}

int webd_http_start(webd_http_t **out, const ut_config_t *cfg, const char *www_dir, char *err, size_t errlen)
{
	*out = NULL;
	struct sockaddr_storage ss;
	int loopback = 0;
	if (parse_listen(cfg->web_listen, &ss, &loopback)) {
		snprintf(err, errlen, "[web] listen '%s' is not HOST:PORT (127.0.0.1:8080, [::1]:8080)", cfg->web_listen);
		return UT_EINVAL;
	}
	int tls = cfg->web_tls;
	if (!tls && !loopback) {
		snprintf(err, errlen, "[web] listen %s is reachable from other machines: plain HTTP (tls = 0) only on "
				      "a loopback address", cfg->web_listen);
		return UT_EINVAL;
	}
	webd_http_t *h = calloc(1, sizeof *h);
	if (!h || sodium_init() < 0 || !(h->zctx = zmq_ctx_new()) || pthread_key_create(&h->clients, clients_free)) {
		snprintf(err, errlen, "out of memory");
		if (h && h->zctx)
			zmq_ctx_term(h->zctx);
		free(h);
		return UT_ENOMEM;
	}
	h->tls = tls;
	h->timeout_ms = cfg->rpc_timeout_ms;
	h->max_body = (size_t)cfg->web_max_body_kb * 1024;
	h->www = strdup(www_dir);
	h->chartjs = ut_config_resolve(cfg, cfg->web_chartjs);
	h->timezone = strdup(cfg->timezone);
	h->session_max_s = cfg->web_session_max_s;
	for (int i = 0; i < NDAEMONS; i++)
		h->endpoint[i] = ut_config_endpoint(cfg, daemons[i]);
	int rc = words_load(h, cfg->locale, err, errlen);
	if (rc) {
		webd_http_stop(&h);
		return rc;
	}
	if (tls) {
		char *cp = NULL, *kp = NULL;
		int made;
		if (!(rc = webd_cert_paths(cfg, &cp, &kp, &made, err, errlen))) {
			if (made)
				ut_info("made a self-signed certificate for the console: %s", cp);
			h->cert = read_whole(cp);
			h->key = read_whole(kp);
			if (!h->cert || !h->key) {
				snprintf(err, errlen, "cannot read %s", h->cert ? kp : cp);
				rc = UT_EINVAL;
			}
		}
		free(cp);
		free(kp);
		if (rc) {
			webd_http_stop(&h);
			return rc;
		}
	}
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG | (ss.ss_family == AF_INET6 ? MHD_USE_IPv6 : 0) |
			 (tls ? MHD_USE_TLS : 0);
	if (tls)
		h->mhd = MHD_start_daemon(flags, 0, NULL, NULL, handle, h, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
					  MHD_OPTION_THREAD_POOL_SIZE, 4, MHD_OPTION_CONNECTION_LIMIT, 256,
					  MHD_OPTION_CONNECTION_TIMEOUT, 30, MHD_OPTION_NOTIFY_COMPLETED, completed, h,
					  MHD_OPTION_HTTPS_MEM_CERT, h->cert, MHD_OPTION_HTTPS_MEM_KEY, h->key, MHD_OPTION_END);
	else
		h->mhd = MHD_start_daemon(flags, 0, NULL, NULL, handle, h, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
					  MHD_OPTION_THREAD_POOL_SIZE, 4, MHD_OPTION_CONNECTION_LIMIT, 256,
					  MHD_OPTION_CONNECTION_TIMEOUT, 30, MHD_OPTION_NOTIFY_COMPLETED, completed, h,
					  MHD_OPTION_END);
	if (!h->mhd) {
		snprintf(err, errlen, "cannot listen on %s (%s)", cfg->web_listen, strerror(errno));
		webd_http_stop(&h);
		return UT_EUNAVAIL;
	}
	*out = h;
	return 0;
}

void webd_http_stop(webd_http_t **hp)
{
	webd_http_t *h = *hp;
	if (!h)
		return;
	if (h->mhd)
		MHD_stop_daemon(h->mhd); /* joins the threads, which close their sockets */
	pthread_key_delete(h->clients);
	zmq_ctx_term(h->zctx);
	for (int i = 0; i < NDAEMONS; i++)
		free(h->endpoint[i]);
	for (int l = 0; l < 4; l++)
		free(h->words[l]);
	free(h->www);
	free(h->chartjs);
	free(h->timezone);
	free(h->cert);
	free(h->key);
	free(h);
	*hp = NULL;
}
