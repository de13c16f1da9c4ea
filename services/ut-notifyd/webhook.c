/* Webhook channel (SMS, Zalo, WeChat gateways): the message as a JSON POST, signed with
 * HMAC-SHA256 over the exact body so the gateway can tell it came from this node. 2xx sent,
 * 4xx permanent, 5xx, garbage and network trouble temporary. */
#include "notifyd.h"
#include "ut/buf.h"

#include <curl/curl.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void str(ut_buf_t *b, const char *key, const char *v, int last)
{
	char esc[8];
	ut_buf_add(b, "\"", 1);
	ut_buf_add(b, key, strlen(key));
	ut_buf_add(b, "\":\"", 3);
	for (const unsigned char *p = (const unsigned char *)v; *p; p++) {
		if (*p == '"' || *p == '\\') {
			esc[0] = '\\', esc[1] = (char)*p;
			ut_buf_add(b, esc, 2);
		} else if (*p < 0x20) {
			snprintf(esc, sizeof esc, "\\u%04x", *p);
			ut_buf_add(b, esc, 6);
		} else
			ut_buf_add(b, (const char *)p, 1);
	}
	ut_buf_add(b, last ? "\"" : "\",", last ? 1 : 2);
}

static void num(ut_buf_t *b, const char *key, long long v)
{
	char t[96];
	snprintf(t, sizeof t, "\"%s\":%lld,", key, v);
	ut_buf_add(b, t, strlen(t));
}

static size_t discard(char *p, size_t size, size_t n, void *arg) { return size * n; }

int notify_webhook_send(const ut_config_t *cfg, const Ut__Delivery *job, char *err, size_t errlen)
{
	ut_buf_t b = {0};
	ut_buf_add(&b, "{", 1);
	str(&b, "key", job->key, 0);
	num(&b, "id", job->id);
	str(&b, "kind", job->kind, 0);
	str(&b, "cadre_id", job->cadre_id, 0);
	num(&b, "class_id", job->class_id);
	str(&b, "to", job->address, 0);
	str(&b, "locale", job->locale, 0);
	str(&b, "subject", job->subject, 0);
	str(&b, "text", job->text, 1);
	ut_buf_add(&b, "}", 1);
	if (b.failed) {
		free(b.p);
		snprintf(err, errlen, "webhook: out of memory");
		return SEND_TEMP;
	}
	/* the key is read on every send, so rotating it needs no restart */
	char secret[512] = "", hex[2 * EVP_MAX_MD_SIZE + 1] = "", sig[200], idem[600];
	char *path = *cfg->notify_webhook_secret_file ? ut_config_resolve(cfg, cfg->notify_webhook_secret_file) : NULL;
	FILE *f = path ? fopen(path, "r") : NULL;
	free(path);
	if (f) {
		if (!fgets(secret, sizeof secret, f))
			secret[0] = '\0';
		fclose(f);
		secret[strcspn(secret, "\r\n")] = '\0';
	} else if (*cfg->notify_webhook_secret_file) {
		free(b.p);
		snprintf(err, errlen, "webhook: cannot read the secret file %s", cfg->notify_webhook_secret_file);
		return SEND_TEMP;
	}
	unsigned char mac[EVP_MAX_MD_SIZE];
	unsigned int maclen = 0;
	HMAC(EVP_sha256(), secret, (int)strlen(secret), (const unsigned char *)b.p, b.n, mac, &maclen);
	for (unsigned i = 0; i < maclen; i++)
		snprintf(hex + 2 * i, 3, "%02x", mac[i]);
	snprintf(sig, sizeof sig, "X-UT-Signature: sha256=%s", hex);
	snprintf(idem, sizeof idem, "Idempotency-Key: %s", job->key);
	struct curl_slist *h = curl_slist_append(NULL, "Content-Type: application/json; charset=utf-8");
	h = curl_slist_append(h, sig);
	h = curl_slist_append(h, idem);
	CURL *c = curl_easy_init();
	if (!c || !h) {
		curl_slist_free_all(h);
		free(b.p);
		snprintf(err, errlen, "webhook: out of memory");
		return SEND_TEMP;
	}
	char cerr[CURL_ERROR_SIZE] = "";
	curl_easy_setopt(c, CURLOPT_URL, cfg->notify_webhook_url);
	curl_easy_setopt(c, CURLOPT_POSTFIELDS, b.p);
	curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long)b.n);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, discard);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, (long)cfg->notify_smtp_timeout_ms);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, cerr);
	CURLcode res = curl_easy_perform(c);
	long code = 0;
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
	curl_easy_cleanup(c);
	curl_slist_free_all(h);
	free(b.p);
	if (res != CURLE_OK) {
		snprintf(err, errlen, "webhook: %s%s%s", curl_easy_strerror(res), *cerr ? ": " : "", cerr);
		return SEND_TEMP;
	}
	if (code >= 200 && code < 300)
		return SEND_OK;
	snprintf(err, errlen, "webhook: HTTP %ld", code);
	return code >= 400 && code < 500 ? SEND_PERM : SEND_TEMP;
}
