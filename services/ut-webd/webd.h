/* ut-webd: the web console of a node. Its service loop owns the accounts and sessions (its own
 * SQLite database); its HTTP side (libmicrohttpd's threads) turns POST /api/<noun>/<verb> into the
 * same requests utctl sends, over the daemons' sockets, and serves the pages. */
#ifndef UT_WEBD_H
#define UT_WEBD_H

#include "ut/service.h"
#include "web.pb-c.h"

#define WEBD_NMIGRATIONS 1
extern const ut_migration_t webd_migrations[WEBD_NMIGRATIONS];

/* Sign-in attempts: an account that failed this often in a row waits WEBD_LOCK_MS; an address
 * that failed WEBD_ADDRESS_FAILS times within WEBD_LOCK_MS waits too. */
#define WEBD_ACCOUNT_FAILS 5
#define WEBD_ADDRESS_FAILS 20
#define WEBD_LOCK_MS (5LL * 60 * 1000)

/* ---- store.c: accounts, sessions, attempts ---- */
int webd_user_insert(ut_store_t *s, const Ut__User *u, int64_t now);
int webd_user_get(ut_store_t *s, ut_arena_t *a, const char *name, Ut__User **out);
int webd_user_list(ut_store_t *s, ut_arena_t *a, int limit, Ut__UserList *out);
int webd_user_update(ut_store_t *s, const Ut__UserChange *c);
int webd_user_count(ut_store_t *s);
/* The account's failures in a row and when it may try again (0 = now). */
int webd_user_failures(ut_store_t *s, const char *name, int *failed, int64_t *locked_until);
int webd_user_login_result(ut_store_t *s, const char *name, int ok, int64_t now);
int webd_address_failures(ut_store_t *s, const char *address, int64_t since);
int webd_address_failed(ut_store_t *s, const char *address, int64_t now);
int webd_session_insert(ut_store_t *s, const char *token_hash, const char *csrf, const char *name, int64_t now);
/* The session of a token's hash, with its account, if it has not expired at now; UT_ENOTFOUND. */
/* How long a session lasts ([web] session_idle_s and session_max_s), in ms. */
typedef struct webd_lifetime {
	int64_t idle_ms, max_ms;
} webd_lifetime_t;
webd_lifetime_t webd_lifetime(const ut_config_t *cfg);
int webd_session_get(ut_store_t *s, ut_arena_t *a, const char *token_hash, int64_t now, webd_lifetime_t life,
		     Ut__WebSession **out);
int webd_session_touch(ut_store_t *s, const char *token_hash, int64_t now, webd_lifetime_t life);
int webd_session_delete(ut_store_t *s, const char *token_hash, const char *everywhere_of);
int webd_session_purge(ut_store_t *s, int64_t now, webd_lifetime_t life);

/* ---- accounts.c: the request handlers ---- */
int webd_user_add(ut_service_t *svc, const Ut__Envelope *req, ut_reply_t *rep);
int webd_user_list_h(ut_service_t *svc, const Ut__Envelope *req, ut_reply_t *rep);
int webd_user_change(ut_service_t *svc, const Ut__Envelope *req, ut_reply_t *rep);
int webd_login_begin(ut_service_t *svc, const Ut__Envelope *req, ut_reply_t *rep);
int webd_login_end(ut_service_t *svc, const Ut__Envelope *req, ut_reply_t *rep);
int webd_session_check(ut_service_t *svc, const Ut__Envelope *req, ut_reply_t *rep);
int webd_logout(ut_service_t *svc, const Ut__Envelope *req, ut_reply_t *rep);
/* The hex hash under which a session token is stored (out: 65 bytes). */
void webd_token_hash(const char *token, char out[65]);

/* ---- cert.c: the HTTPS certificate ---- */
/* The certificate and key files (malloc'd): [web] cert and key, else the run directory's, made
 * self-signed when missing (*made = 1). UT_EINVAL with err when a key is readable by others. */
int webd_cert_paths(const ut_config_t *cfg, char **cert, char **key, int *made, char *err, size_t errlen);

/* ---- http.c: the HTTP side ---- */
typedef struct webd_http webd_http_t;
/* Listen on [web] listen and serve until webd_http_stop; the pages from www_dir. */
int webd_http_start(webd_http_t **out, const ut_config_t *cfg, const char *www_dir, char *err, size_t errlen);
void webd_http_stop(webd_http_t **h);

#endif
