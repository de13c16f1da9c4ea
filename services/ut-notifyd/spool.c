/* Spool channel for air-gapped nodes: one file per message, named by its idempotency key, written
 * to a temporary name, synced and renamed, so a file is whole or absent and a resend of the same
 * key replaces it instead of adding a second one. */
#include "notifyd.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int notify_spool_send(const char *dir, const Ut__Delivery *job, const char *from, char *err, size_t errlen)
{
	char name[400], path[4096], tmp[4096];
	size_t n = 0;
	for (const char *s = job->key; *s && n + 1 < sizeof name - 8; s++)
		name[n++] = (*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') || *s == '.' ||
					    *s == '-' || *s == '#' ? *s : '_';
	name[n] = '\0';
	snprintf(path, sizeof path, "%s/%s.eml", dir, name);
	snprintf(tmp, sizeof tmp, "%s/.%s.%d.tmp", dir, name, (int)getpid());
	if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
		snprintf(err, errlen, "spool: cannot create %s: %s", dir, strerror(errno));
		return SEND_TEMP;
	}
	size_t len;
	char *msg = notify_mime(job, from, &len);
	if (!msg) {
		snprintf(err, errlen, "spool: out of memory");
		return SEND_TEMP;
	}
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	int ok = fd >= 0 && write(fd, msg, len) == (ssize_t)len && fsync(fd) == 0;
	int e = errno;
	if (fd >= 0 && close(fd) != 0)
		ok = 0;
	free(msg);
	if (!ok || rename(tmp, path) != 0) {
		snprintf(err, errlen, "spool: cannot write %s: %s", path, strerror(ok ? errno : e));
		unlink(tmp);
		return SEND_TEMP;
	}
	int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd >= 0) {
		fsync(dfd);
		close(dfd);
	}
	return SEND_OK;
}
