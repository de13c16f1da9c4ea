/* Email channel: the RFC 5322 message (shared with the spool) and its delivery over SMTP with
 * libcurl. The server's reply code decides: 2xx sent, 5xx permanent (a 535 to AUTH too), 4xx and
 * network trouble temporary (retried with backoff by ut-notifyd). With smtp_starttls the session
 * is encrypted before AUTH and MAIL or nothing is sent; the server's certificate is always
 * verified (against smtp_ca_file, or the system's store), and one that is not trusted is a
 * temporary failure naming the certificate problem. */
#include "notifyd.h"
#include "ut/buf.h"
#include "ut/config.h"

#include <curl/curl.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* Text with every line ending as CRLF, as SMTP wants it. */
static void put_crlf(ut_buf_t *b, const char *s)
{
	for (; *s; s++) {
		if (*s == '\r')
			continue;
		if (*s == '\n')
			ut_buf_add(b, "\r\n", 2);
		else
			ut_buf_add(b, s, 1);
	}
}

static void put_b64(ut_buf_t *b, const char *s)
{
	static const char tab[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t n = strlen(s);
	const unsigned char *u = (const unsigned char *)s;
	for (size_t i = 0; i < n; i += 3) {
		unsigned v = (unsigned)u[i] << 16 | (i + 1 < n ? (unsigned)u[i + 1] << 8 : 0) | (i + 2 < n ? u[i + 2] : 0);
		char q[4] = {tab[v >> 18 & 63], tab[v >> 12 & 63], i + 1 < n ? tab[v >> 6 & 63] : '=', i + 2 < n ? tab[v & 63] : '='};
		ut_buf_add(b, q, 4);
	}
}

static void safe_id(char *out, size_t cap, const char *s)
{
	size_t n = 0;
	for (; *s && n + 1 < cap; s++)
		out[n++] = (*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') || *s == '.' ||
					   *s == '-' ? *s : '_';
	out[n] = '\0';
}

char *notify_mime(const Ut__Delivery *job, const char *from, size_t *len)
{
	ut_buf_t b = {0};
	char line[1024], id[300], date[64];
	time_t now = time(NULL);
	struct tm tm;
	gmtime_r(&now, &tm);
	strftime(date, sizeof date, "%a, %d %b %Y %H:%M:%S +0000", &tm);
	safe_id(id, sizeof id, job->key);
	snprintf(line, sizeof line, "From: <%s>\r\nTo: <%s>\r\nDate: %s\r\nMessage-ID: <%s@ut-notifyd>\r\n", from,
		 *job->address ? job->address : job->cadre_id, date, id);
	ut_buf_str(&b, line);
	/* RFC 2047: the subject is UTF-8 in any of the four languages */
	ut_buf_str(&b, "Subject: =?UTF-8?B?");
	put_b64(&b, job->subject);
	ut_buf_str(&b, "?=\r\nX-UT-Key: ");
	ut_buf_str(&b, id);
	ut_buf_str(&b, "\r\nX-UT-Kind: ");
	ut_buf_str(&b, job->kind);
	ut_buf_str(&b, "\r\nMIME-Version: 1.0\r\n");
	if (*job->ics) {
		snprintf(line, sizeof line,
			 "Content-Type: multipart/mixed; boundary=\"ut-%lld\"\r\n\r\n--ut-%lld\r\n"
			 "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n",
			 (long long)job->id, (long long)job->id);
		ut_buf_str(&b, line);
		put_crlf(&b, job->text);
		snprintf(line, sizeof line,
			 "\r\n--ut-%lld\r\nContent-Type: text/calendar; charset=utf-8; method=%s\r\n"
			 "Content-Disposition: attachment; filename=\"class-%lld.ics\"\r\n"
			 "Content-Transfer-Encoding: 8bit\r\n\r\n",
			 (long long)job->id, strstr(job->ics, "METHOD:CANCEL") ? "CANCEL" : "REQUEST", (long long)job->class_id);
		ut_buf_str(&b, line);
		put_crlf(&b, job->ics);
		snprintf(line, sizeof line, "\r\n--ut-%lld--\r\n", (long long)job->id);
		ut_buf_str(&b, line);
	} else {
		ut_buf_str(&b, "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n");
		put_crlf(&b, job->text);
		ut_buf_str(&b, "\r\n");
	}
	if (b.failed) {
		free(b.p);
		return NULL;
	}
	*len = b.n;
	return b.p;
}

typedef struct upload {
	const char *p;
	size_t left;
} upload_t;

static size_t read_cb(char *dst, size_t size, size_t nmemb, void *arg)
{
	upload_t *u = arg;
	size_t n = size * nmemb < u->left ? size * nmemb : u->left;
	memcpy(dst, u->p, n);
	u->p += n;
	u->left -= n;
	return n;
}

/* "user:password" from the secrets file (resolved against the config file's directory; read on
 * every send, so rotating it needs no restart): 1 with the credentials, 0 when none is configured,
 * -1 when the file is configured but unreadable or malformed (reason in err): never fall back to
 * sending without AUTH. */
static int read_secret(const ut_config_t *cfg, char *user, size_t ulen, char *pass, size_t plen, char *err,
		       size_t errlen)
{
	if (!*cfg->notify_smtp_secrets)
		return 0;
	char *path = ut_config_resolve(cfg, cfg->notify_smtp_secrets);
	FILE *f = path ? fopen(path, "r") : NULL;
	if (!f) {
		snprintf(err, errlen, "smtp: cannot read the secrets file %s: %s", path ? path : cfg->notify_smtp_secrets,
			 path ? strerror(errno) : "out of memory");
		free(path);
		return -1;
	}
	char line[512] = "";
	if (!fgets(line, sizeof line, f))
		line[0] = '\0';
	fclose(f);
	line[strcspn(line, "\r\n")] = '\0';
	char *colon = strchr(line, ':');
	if (!colon || colon == line) {
		snprintf(err, errlen, "smtp: the secrets file %s does not hold one line user:password", path);
		explicit_bzero(line, sizeof line);
		free(path);
		return -1;
	}
	free(path);
	*colon = '\0';
	snprintf(user, ulen, "%s", line);
	snprintf(pass, plen, "%s", colon + 1);
	explicit_bzero(line, sizeof line);
	return 1;
}

int notify_smtp_send(const ut_config_t *cfg, const Ut__Delivery *job, char *err, size_t errlen)
{
	if (!*job->address || strpbrk(job->address, "<>\r\n ")) {
		snprintf(err, errlen, "smtp: '%s' is not an email address", job->address);
		return SEND_PERM;
	}
	char from[300], to[300], user[256], pass[256], cerr[CURL_ERROR_SIZE] = "";
	/* configuration read on every send, like the webhook's key: a fixed file needs no restart.
	 * Both are temporary failures: the message waits (with backoff) for the operator. */
	int auth = read_secret(cfg, user, sizeof user, pass, sizeof pass, err, errlen);
	if (auth < 0)
		return SEND_TEMP;
	char *ca = *cfg->notify_smtp_ca_file ? ut_config_resolve(cfg, cfg->notify_smtp_ca_file) : NULL;
	if (*cfg->notify_smtp_ca_file && (!ca || access(ca, R_OK) != 0)) {
		snprintf(err, errlen, "smtp: cannot read smtp_ca_file %s: %s", ca ? ca : cfg->notify_smtp_ca_file,
			 ca ? strerror(errno) : "out of memory");
		free(ca);
		explicit_bzero(pass, sizeof pass);
		return SEND_TEMP;
	}
	size_t len;
	char *msg = notify_mime(job, cfg->notify_smtp_from, &len);
	CURL *c = msg ? curl_easy_init() : NULL;
	if (!c) {
		free(msg);
		free(ca);
		explicit_bzero(pass, sizeof pass);
		snprintf(err, errlen, "smtp: out of memory");
		return SEND_TEMP;
	}
	snprintf(from, sizeof from, "<%s>", cfg->notify_smtp_from);
	snprintf(to, sizeof to, "<%s>", job->address);
	struct curl_slist *rcpt = curl_slist_append(NULL, to);
	upload_t u = {msg, len};
	curl_easy_setopt(c, CURLOPT_URL, cfg->notify_smtp_url);
	curl_easy_setopt(c, CURLOPT_MAIL_FROM, from);
	curl_easy_setopt(c, CURLOPT_MAIL_RCPT, rcpt);
	curl_easy_setopt(c, CURLOPT_READFUNCTION, read_cb);
	curl_easy_setopt(c, CURLOPT_READDATA, &u);
	curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, (long)cfg->notify_smtp_timeout_ms);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, cerr);
	/* the server's certificate is always verified, name included; smtp_ca_file only says which
	 * certificates to trust instead of the system's store */
	curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
	if (ca)
		curl_easy_setopt(c, CURLOPT_CAINFO, ca);
	if (cfg->notify_smtp_starttls)
		curl_easy_setopt(c, CURLOPT_USE_SSL, (long)CURLUSESSL_ALL);
	if (auth) {
		curl_easy_setopt(c, CURLOPT_USERNAME, user);
		curl_easy_setopt(c, CURLOPT_PASSWORD, pass);
	}
	CURLcode res = curl_easy_perform(c);
	long code = 0;
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
	curl_slist_free_all(rcpt);
	curl_easy_cleanup(c);
	free(msg);
	explicit_bzero(pass, sizeof pass);
	const char *why = *cerr ? cerr : curl_easy_strerror(res);
	int rc = SEND_TEMP;
	if (res == CURLE_OK)
		rc = SEND_OK;
	else if (res == CURLE_SSL_CACERT_BADFILE)
		snprintf(err, errlen, "smtp: smtp_ca_file %s holds no usable certificate: %s", ca ? ca : "-", why);
	else if (res == CURLE_PEER_FAILED_VERIFICATION)
		/* not the server's answer (that was the 220 to STARTTLS): our side refused the
		 * connection before anything of the message was sent. Temporary, so the messages wait
		 * for a fixed smtp_ca_file or certificate instead of all going dead at once. */
		snprintf(err, errlen, "smtp: the server's certificate is not trusted (checked against %s): %s",
			 ca ? ca : "the system's CA store", why);
	else if (res == CURLE_USE_SSL_FAILED)
		snprintf(err, errlen, "smtp: the server does not offer STARTTLS, which smtp_starttls = 1 requires (%s)",
			 why);
	else if (code >= 400) {
		snprintf(err, errlen, "smtp: the server answered %ld (%s)", code, why);
		rc = code >= 500 && code < 600 ? SEND_PERM : SEND_TEMP;
	} else
		snprintf(err, errlen, "smtp: %s", why);
	free(ca);
	return rc;
}
