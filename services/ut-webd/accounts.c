/* ut-webd's requests: accounts (utctl user ...), and the sign-ins and sessions its HTTP side asks
 * for. Passwords arrive hashed (Argon2id); tokens are made here and only their hash is kept. */
#include "webd.h"
#include "ut/clock.h"
#include "ut/err.h"
#include "ut/utf8.h"
#include "ut/valid.h"
#include "ut/words.h"

#include <sodium.h>
#include <string.h>

webd_lifetime_t webd_lifetime(const ut_config_t *cfg)
{
	return (webd_lifetime_t){(int64_t)cfg->web_session_idle_s * 1000, (int64_t)cfg->web_session_max_s * 1000};
}

void webd_token_hash(const char *token, char out[65])
{
	unsigned char h[32];
	crypto_generichash(h, sizeof h, (const unsigned char *)token, strlen(token), NULL, 0);
	sodium_bin2hex(out, 65, h, sizeof h);
}

static void random_hex(char *out, size_t nbytes)
{
	unsigned char b[32];
	randombytes_buf(b, nbytes);
	sodium_bin2hex(out, nbytes * 2 + 1, b, nbytes);
}

static int valid_name(ut_reply_t *rep, const char *name)
{
	int rc = ut_valid_text(rep, "name", name, 1, 64);
	for (const char *p = name; !rc && *p; p++)
		if ((unsigned char)*p < 0x20 || *p == ' ')
			rc = ut_reply_err(rep, UT_EINVAL, "an account name has no spaces or control characters");
	return rc;
}

static int valid_hash(ut_reply_t *rep, const char *hash, int required)
{
	if (!*hash && !required)
		return 0;
	if (strncmp(hash, "$argon2id$", 10) || strlen(hash) >= crypto_pwhash_STRBYTES)
		return ut_reply_err(rep, UT_EINVAL, "the password must come hashed with Argon2id");
	return 0;
}

int webd_user_add(ut_service_t *svc, const Ut__Envelope *req, ut_reply_t *rep)
{
	Ut__User *u = ut_rpc_body(req, &ut__user__descriptor, rep);
	if (!u)
		return UT_EINVAL;
	int rc;
	if (!(rc = valid_name(rep, u->name)) && !(rc = ut_valid_enum(rep, "role", u->role, ut_roles)) &&
	    !(rc = (*u->locale ? ut_valid_enum(rep, "locale", u->locale, ut_locales) : 0)) &&
	    !(rc = valid_hash(rep, u->password_hash, 1))) {
		rc = webd_user_insert(ut_service_store(svc), u, ut_clock_now_ms());
		if (rc == UT_ECONFLICT)
			rc = ut_reply_err(rep, rc, "an account named %s already exists", u->name);
		if (!rc) {
			char *hash = u->password_hash;
			u->password_hash = (char *)protobuf_c_empty_string; /* a reply never carries it */
			u->created_ms = ut_clock_now_ms();
			rc = ut_reply_body(rep, &u->base);
			u->password_hash = hash;
		}
	}
	protobuf_c_message_free_unpacked(&u->base, NULL);
	return rc;
}

int webd_user_list_h(ut_service_t *svc, const Ut__Envelope *req, ut_reply_t *rep)
{
	Ut__UserQuery *q = ut_rpc_body(req, &ut__user_query__descriptor, rep);
	if (!q)
		return UT_EINVAL;
	ut_arena_t a = {0};
	Ut__UserList out = UT__USER_LIST__INIT;
	int rc = webd_user_list(ut_service_store(svc), &a, q->limit, &out);
	protobuf_c_message_free_unpacked(&q->base, NULL);
	return ut_reply_msg(rep, &a, rc, &out.base);
}

int webd_user_change(ut_service_t *svc, const Ut__Envelope *req, ut_reply_t *rep)
{
	Ut__UserChange *c = ut_rpc_body(req, &ut__user_change__descriptor, rep);
	if (!c)
		return UT_EINVAL;
	ut_store_t *s = ut_service_store(svc);
	ut_arena_t a = {0};
	Ut__User *u = NULL;
	int rc;
	if (!(rc = valid_name(rep, c->name)) && !(rc = (*c->role ? ut_valid_enum(rep, "role", c->role, ut_roles) : 0)) &&
	    !(rc = valid_hash(rep, c->password_hash, 0))) {
		if (c->disable && c->enable)
			rc = ut_reply_err(rep, UT_EINVAL, "disable and enable exclude each other");
		else if (!*c->role && !*c->password_hash && !c->disable && !c->enable)
			rc = ut_reply_err(rep, UT_EINVAL, "nothing to change: give a role, a password, disable or enable");
		else if ((rc = webd_user_update(s, c)) == UT_ENOTFOUND)
			rc = ut_reply_err(rep, rc, "no account named %s", c->name);
		if (!rc && !(rc = webd_user_get(s, &a, c->name, &u)))
			u->password_hash = (char *)protobuf_c_empty_string;
	}
	protobuf_c_message_free_unpacked(&c->base, NULL);
	return ut_reply_msg(rep, &a, rc, u ? &u->base : NULL);
}

/* Whether the account may try now; its hash for the worker to check. */
int webd_login_begin(ut_service_t *svc, const Ut__Envelope *req, ut_reply_t *rep)
{
	Ut__Login *l = ut_rpc_body(req, &ut__login__descriptor, rep);
	if (!l)
		return UT_EINVAL;
	ut_store_t *s = ut_service_store(svc);
	ut_arena_t a = {0};
	Ut__LoginState st = UT__LOGIN_STATE__INIT;
	Ut__User *u = NULL;
	int64_t now = ut_clock_now_ms(), locked = 0;
	int failed, rc = webd_user_failures(s, l->name, &failed, &locked);
	int by_address = webd_address_failures(s, l->address, now - WEBD_LOCK_MS);
	if (rc == UT_ENOTFOUND)
		rc = 0;
	if (!rc && by_address < 0)
		rc = by_address;
	if (!rc && by_address >= WEBD_ADDRESS_FAILS)
		st.retry_after_ms = WEBD_LOCK_MS;
	else if (!rc && locked > now)
		st.retry_after_ms = locked - now;
	else if (!rc && (rc = webd_user_get(s, &a, l->name, &u)) == 0 && !u->disabled)
		st.password_hash = u->password_hash;
	else if (rc == UT_ENOTFOUND)
		rc = 0;
	protobuf_c_message_free_unpacked(&l->base, NULL);
	return ut_reply_msg(rep, &a, rc, &st.base);
}

/* The worker's verdict: a failure counted (a session without a token), or a new session. */
int webd_login_end(ut_service_t *svc, const Ut__Envelope *req, ut_reply_t *rep)
{
	Ut__Login *l = ut_rpc_body(req, &ut__login__descriptor, rep);
	if (!l)
		return UT_EINVAL;
	ut_store_t *s = ut_service_store(svc);
	ut_arena_t a = {0};
	int64_t now = ut_clock_now_ms();
	char token[65], hash[65], csrf[33];
	Ut__WebSession *w = NULL;
	webd_lifetime_t life = webd_lifetime(ut_service_config(svc));
	int rc = webd_session_purge(s, now, life);
	if (!rc && !l->ok) { /* counted, so the answer is a success without a session (a refusal is rolled back) */
		if (!(rc = webd_user_login_result(s, l->name, 0, now)) && !(rc = webd_address_failed(s, l->address, now)) &&
		    (w = ut_arena_alloc(&a, sizeof *w)))
			ut__web_session__init(w);
	} else if (!rc) {
		random_hex(token, 32);
		random_hex(csrf, 16);
		webd_token_hash(token, hash);
		if (!(rc = webd_user_login_result(s, l->name, 1, now)) &&
		    !(rc = webd_session_insert(s, hash, csrf, l->name, now)) &&
		    !(rc = webd_session_get(s, &a, hash, now, life, &w)))
			w->token = ut_arena_strdup(&a, token);
	}
	protobuf_c_message_free_unpacked(&l->base, NULL);
	return ut_reply_msg(rep, &a, rc, w ? &w->base : NULL);
}

static int session_of(ut_service_t *svc, const Ut__Envelope *req, ut_reply_t *rep, ut_arena_t *a, char hash[65],
		      Ut__WebSession **w, int *everywhere)
{
	Ut__WebSession *q = ut_rpc_body(req, &ut__web_session__descriptor, rep);
	if (!q)
		return UT_EINVAL;
	webd_token_hash(q->token, hash);
	*everywhere = q->everywhere;
	int rc = webd_session_get(ut_service_store(svc), a, hash, ut_clock_now_ms(), webd_lifetime(ut_service_config(svc)), w);
	protobuf_c_message_free_unpacked(&q->base, NULL);
	if (rc == UT_ENOTFOUND)
		rc = ut_reply_err(rep, rc, "not signed in (the session ended or expired)");
	return rc;
}

int webd_session_check(ut_service_t *svc, const Ut__Envelope *req, ut_reply_t *rep)
{
	ut_arena_t a = {0};
	char hash[65];
	Ut__WebSession *w = NULL;
	int everywhere, rc = session_of(svc, req, rep, &a, hash, &w, &everywhere);
	if (!rc)
		rc = webd_session_touch(ut_service_store(svc), hash, ut_clock_now_ms(), webd_lifetime(ut_service_config(svc)));
	return ut_reply_msg(rep, &a, rc, w ? &w->base : NULL);
}

int webd_logout(ut_service_t *svc, const Ut__Envelope *req, ut_reply_t *rep)
{
	ut_arena_t a = {0};
	char hash[65];
	Ut__WebSession *w = NULL;
	int everywhere, rc = session_of(svc, req, rep, &a, hash, &w, &everywhere);
	if (!rc)
		rc = webd_session_delete(ut_service_store(svc), hash, everywhere ? w->name : NULL);
	return ut_reply_msg(rep, &a, rc, w ? &w->base : NULL);
}
