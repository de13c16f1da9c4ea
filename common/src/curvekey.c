/* CURVE key files: generated with libzmq, written atomically with mode 0600, refused when others
 * can read them (a leaked secret key lets anyone speak for the node). */
#include "ut/curvekey.h"
#include "ut/err.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zmq.h>

char *ut_curvekey_path(const ut_config_t *c)
{
	const char *f = c->report_key_file && *c->report_key_file ? c->report_key_file : "report.key";
	if (f[0] == '/')
		return strdup(f);
	char *dir = ut_config_run_dir(c), *p = NULL;
	if (dir && asprintf(&p, "%s/%s", dir, f) < 0)
		p = NULL;
	free(dir);
	return p;
}

int ut_curvekey_valid(const char *s)
{
	uint8_t raw[32];
	return s && strlen(s) == UT_CURVEKEY_LEN && zmq_z85_decode(raw, s) != NULL;
}

int ut_curvekey_load(const char *path, char *pub, char *sec)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return errno == ENOENT ? UT_ENOTFOUND : UT_EINVAL;
	struct stat st;
	int rc = UT_EINVAL;
	char line[256];
	pub[0] = sec[0] = '\0';
	if (fstat(fileno(f), &st) != 0 || (st.st_mode & 077))
		goto out;
	while (fgets(line, sizeof line, f)) {
		line[strcspn(line, "\r\n")] = '\0';
		if (!strncmp(line, "public ", 7) && ut_curvekey_valid(line + 7))
			memcpy(pub, line + 7, UT_CURVEKEY_LEN + 1);
		else if (!strncmp(line, "secret ", 7) && ut_curvekey_valid(line + 7))
			memcpy(sec, line + 7, UT_CURVEKEY_LEN + 1);
	}
	if (*pub && *sec)
		rc = 0;
out:
	fclose(f);
	return rc;
}

int ut_curvekey_generate(const char *path, int overwrite, char *pub)
{
	char sec[UT_CURVEKEY_LEN + 1], *tmp = NULL;
	if (!overwrite && access(path, F_OK) == 0)
		return UT_ECONFLICT;
	if (zmq_curve_keypair(pub, sec) != 0)
		return UT_EINTERNAL; /* libzmq without CURVE */
	if (asprintf(&tmp, "%s.tmp", path) < 0)
		return UT_ENOMEM;
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0600), rc = UT_EUNAVAIL;
	if (fd >= 0) {
		char buf[128];
		int n = snprintf(buf, sizeof buf, "public %s\nsecret %s\n", pub, sec);
		if (fchmod(fd, 0600) == 0 && write(fd, buf, (size_t)n) == n && fsync(fd) == 0)
			rc = 0;
		close(fd);
		if (!rc && rename(tmp, path) != 0)
			rc = UT_EUNAVAIL;
		if (rc)
			unlink(tmp);
	}
	memset(sec, 0, sizeof sec);
	free(tmp);
	return rc;
}
