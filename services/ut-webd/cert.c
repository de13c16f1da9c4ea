/* The console's own certificate: on a node whose [web] names none, a self-signed one (ECDSA P-256,
 * ten years, for localhost, 127.0.0.1 and the node's host name) made with GnuTLS on first start
 * and kept in the run directory, the key mode 0600. Browsers warn once; an IT person who has a
 * certificate of the union's names it in [web] cert and key instead. */
#include "webd.h"
#include "ut/err.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <gnutls/gnutls.h>
#include <gnutls/crypto.h>
#include <gnutls/x509.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define YEARS_10 (10LL * 365 * 86400)

static int write_file(const char *path, const gnutls_datum_t *d, mode_t mode)
{
	char tmp[4096];
	snprintf(tmp, sizeof tmp, "%s.tmp", path);
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
	if (fd < 0)
		return -1;
	int ok = write(fd, d->data, d->size) == (ssize_t)d->size && fsync(fd) == 0;
	ok = close(fd) == 0 && ok;
	if (!ok || rename(tmp, path)) {
		unlink(tmp);
		return -1;
	}
	return 0;
}

static int make(const char *cert_path, const char *key_path, const char *node, char *err, size_t errlen)
{
	gnutls_x509_privkey_t key = NULL;
	gnutls_x509_crt_t crt = NULL;
	gnutls_datum_t kpem = {0}, cpem = {0};
	unsigned char serial[16];
	char host[256] = "";
	unsigned char lo[4] = {127, 0, 0, 1};
	time_t now = time(NULL);
	int rc = gnutls_global_init();
	if (!rc)
		rc = gnutls_x509_privkey_init(&key);
	if (!rc)
		rc = gnutls_x509_privkey_generate(key, GNUTLS_PK_ECDSA, GNUTLS_CURVE_TO_BITS(GNUTLS_ECC_CURVE_SECP256R1), 0);
	if (!rc)
		rc = gnutls_x509_crt_init(&crt);
	if (!rc)
		rc = gnutls_rnd(GNUTLS_RND_NONCE, serial, sizeof serial);
	serial[0] &= 0x7f; /* a positive number */
	gethostname(host, sizeof host - 1);
	if (!rc)
		rc = gnutls_x509_crt_set_version(crt, 3);
	if (!rc)
		rc = gnutls_x509_crt_set_serial(crt, serial, sizeof serial);
	if (!rc)
		rc = gnutls_x509_crt_set_activation_time(crt, now - 3600);
	if (!rc)
		rc = gnutls_x509_crt_set_expiration_time(crt, now + YEARS_10);
	if (!rc)
		rc = gnutls_x509_crt_set_dn_by_oid(crt, GNUTLS_OID_X520_COMMON_NAME, 0, node, (unsigned)strlen(node));
	if (!rc)
		rc = gnutls_x509_crt_set_subject_alt_name(crt, GNUTLS_SAN_DNSNAME, "localhost", 9, GNUTLS_FSAN_APPEND);
	if (!rc && *host)
		rc = gnutls_x509_crt_set_subject_alt_name(crt, GNUTLS_SAN_DNSNAME, host, (unsigned)strlen(host),
							  GNUTLS_FSAN_APPEND);
	if (!rc)
		rc = gnutls_x509_crt_set_subject_alt_name(crt, GNUTLS_SAN_IPADDRESS, lo, sizeof lo, GNUTLS_FSAN_APPEND);
	if (!rc)
		rc = gnutls_x509_crt_set_key(crt, key);
	if (!rc)
		rc = gnutls_x509_crt_set_key_usage(crt, GNUTLS_KEY_DIGITAL_SIGNATURE);
	if (!rc)
		rc = gnutls_x509_crt_set_key_purpose_oid(crt, GNUTLS_KP_TLS_WWW_SERVER, 0);
	if (!rc)
		rc = gnutls_x509_crt_sign2(crt, crt, key, GNUTLS_DIG_SHA256, 0);
	if (!rc)
		rc = gnutls_x509_privkey_export2(key, GNUTLS_X509_FMT_PEM, &kpem);
	if (!rc)
		rc = gnutls_x509_crt_export2(crt, GNUTLS_X509_FMT_PEM, &cpem);
	int out = UT_EINTERNAL;
	if (rc)
		snprintf(err, errlen, "cannot make a certificate: %s", gnutls_strerror(rc));
	else if (write_file(key_path, &kpem, 0600) || write_file(cert_path, &cpem, 0644))
		snprintf(err, errlen, "cannot write %s: %s", key_path, strerror(errno));
	else
		out = 0;
	gnutls_free(kpem.data);
	gnutls_free(cpem.data);
	if (crt)
		gnutls_x509_crt_deinit(crt);
	if (key)
		gnutls_x509_privkey_deinit(key);
	gnutls_global_deinit();
	return out;
}

/* The key must be the daemon's alone. */
static int key_private(const char *key, char *err, size_t errlen)
{
	struct stat st;
	if (stat(key, &st) == 0 && (st.st_mode & 077)) {
		snprintf(err, errlen, "%s is readable by others (mode %03o): chmod 600 it", key, (unsigned)(st.st_mode & 0777));
		return UT_EINVAL;
	}
	return 0;
}

int webd_cert_paths(const ut_config_t *cfg, char **cert, char **key, int *made, char *err, size_t errlen)
{
	*made = 0;
	if (*cfg->web_cert || *cfg->web_key) {
		if (!*cfg->web_cert || !*cfg->web_key) {
			snprintf(err, errlen, "[web] cert and key go together");
			return UT_EINVAL;
		}
		*cert = ut_config_resolve(cfg, cfg->web_cert);
		*key = ut_config_resolve(cfg, cfg->web_key);
		return !*cert || !*key ? UT_ENOMEM : key_private(*key, err, errlen);
	}
	char *run = ut_config_run_dir(cfg);
	*cert = *key = NULL;
	if (!run || asprintf(cert, "%s/web-cert.pem", run) < 0 || asprintf(key, "%s/web-key.pem", run) < 0) {
		free(run);
		return UT_ENOMEM;
	}
	free(run);
	if (access(*cert, R_OK) == 0 && access(*key, R_OK) == 0)
		return key_private(*key, err, errlen);
	*made = 1;
	return make(*cert, *key, cfg->node_id, err, errlen);
}
