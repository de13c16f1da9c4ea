/* `utctl node backup DIR` and `utctl node restore DIR`: every daemon's database copied by the
 * daemon itself at a committed state, the node's config, keys and secrets beside them, and a
 * MANIFEST with the node id, schema versions, the binaries' commit and a SHA-256 per file. */
#include "utctl.h"
#include "ut/clock.h"
#include "ut/curvekey.h"
#include "ut/err.h"
#include "ut/i18n.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>
#include <zmq.h>

#ifndef UT_GIT_COMMIT
#define UT_GIT_COMMIT "unknown"
#endif

/* Consumers before the daemons whose events they read: each copy then holds every event the copies
 * made before it applied, and (held in the outbox meanwhile) those they did not, which a restore
 * relays to them again. The web console's accounts neither send nor read events. */
static const char *const order[] = {"ut-webd", "ut-reportd", "ut-notifyd", "ut-enrold", "ut-schedd"};
#define NDAEMONS 5
#define HOLD_S 600
#define MAX_FILES 16

/* The files beside the databases: the role names the config setting that locates them. */
typedef struct nfile {
	char role[32];
	char name[64];  /* in the backup directory */
	char *path;     /* on the node (malloc'd) */
	int secret;     /* copied with mode 0600 */
} nfile_t;

static int node_files(ctx_t *c, nfile_t *f)
{
	int n = 0;
	struct {
		const char *role, *setting;
		int secret;
		int run_dir; /* relative to run_dir, not to the config's directory */
	} roles[] = {
		{"key_file", c->cfg.report_key_file, 1, 1},
		{"smtp_secrets", c->cfg.notify_smtp_secrets, 1, 0},
		{"webhook_secret_file", c->cfg.notify_webhook_secret_file, 1, 0},
		{"smtp_ca_file", c->cfg.notify_smtp_ca_file, 0, 0},
		{"web_cert", c->cfg.web_cert, 0, 0},
		{"web_key", c->cfg.web_key, 1, 0},
	};
	if (c->cfg.path) {
		snprintf(f[n].role, sizeof f[n].role, "config");
		snprintf(f[n].name, sizeof f[n].name, "node.ini");
		f[n].path = realpath(c->cfg.path, NULL);
		f[n].secret = 0;
		if (f[n].path)
			n++;
	}
	for (size_t i = 0; i < sizeof roles / sizeof roles[0]; i++) {
		if (!roles[i].setting || !*roles[i].setting)
			continue;
		char *p = roles[i].run_dir ? ut_curvekey_path(&c->cfg) : ut_config_resolve(&c->cfg, roles[i].setting);
		if (!p)
			continue;
		snprintf(f[n].role, sizeof f[n].role, "%s", roles[i].role);
		const char *base = strrchr(p, '/');
		snprintf(f[n].name, sizeof f[n].name, "%s", base ? base + 1 : p);
		f[n].path = p;
		f[n].secret = roles[i].secret;
		n++;
	}
	/* the console's own certificate, made in the run directory when [web] names none */
	static const char *const own[][2] = {{"web_cert", "web-cert.pem"}, {"web_key", "web-key.pem"}};
	char *run = *c->cfg.web_cert ? NULL : ut_config_run_dir(&c->cfg);
	for (int i = 0; run && i < 2 && n < MAX_FILES; i++) {
		char *p = NULL;
		if (asprintf(&p, "%s/%s", run, own[i][1]) < 0 || access(p, F_OK)) {
			free(p);
			continue;
		}
		snprintf(f[n].role, sizeof f[n].role, "%s", own[i][0]);
		snprintf(f[n].name, sizeof f[n].name, "%s", own[i][1]);
		f[n].path = p;
		f[n].secret = i == 1;
		n++;
	}
	free(run);
	return n;
}

static void files_free(nfile_t *f, int n)
{
	for (int i = 0; i < n; i++)
		free(f[i].path);
}

/* SHA-256 of a file as 64 hex digits; -1 when it cannot be read. */
static int sha256_file(const char *path, char hex[65])
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	crypto_hash_sha256_state st;
	crypto_hash_sha256_init(&st);
	unsigned char buf[65536], out[crypto_hash_sha256_BYTES];
	ssize_t r;
	while ((r = read(fd, buf, sizeof buf)) > 0)
		crypto_hash_sha256_update(&st, buf, (unsigned long long)r);
	close(fd);
	if (r < 0)
		return -1;
	crypto_hash_sha256_final(&st, out);
	sodium_bin2hex(hex, 65, out, sizeof out);
	return 0;
}

/* Copy src to dst (replaced through a temporary file), with `mode`; 0 or -1 with errno. */
static int copy_file(const char *src, const char *dst, mode_t mode)
{
	char tmp[PATH_MAX];
	snprintf(tmp, sizeof tmp, "%s.tmp", dst);
	int in = open(src, O_RDONLY | O_CLOEXEC), out = -1, rc = -1;
	if (in < 0)
		return -1;
	if ((out = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode)) < 0)
		goto done;
	fchmod(out, mode);
	char buf[65536];
	ssize_t r;
	while ((r = read(in, buf, sizeof buf)) > 0)
		if (write(out, buf, (size_t)r) != r)
			goto done;
	if (r < 0 || fsync(out) != 0)
		goto done;
	rc = 0;
done:
	if (out >= 0 && close(out) != 0)
		rc = -1;
	close(in);
	int e = errno;
	if (rc == 0 && rename(tmp, dst) != 0)
		rc = -1, e = errno;
	if (rc)
		unlink(tmp);
	errno = e;
	return rc;
}

/* 1 when the directory exists and holds anything, 0 when it is empty or absent, -1 unreadable. */
static int dir_has_files(const char *path)
{
	DIR *d = opendir(path);
	if (!d)
		return errno == ENOENT ? 0 : -1;
	struct dirent *e;
	int any = 0;
	while (!any && (e = readdir(d)))
		any = strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
	closedir(d);
	return any;
}

static void human(int64_t n, char *buf, size_t len)
{
	if (n >= 10 << 20)
		snprintf(buf, len, "%lld MiB", (long long)(n >> 20));
	else if (n >= 10 << 10)
		snprintf(buf, len, "%lld KiB", (long long)(n >> 10));
	else
		snprintf(buf, len, "%lld B", (long long)n);
}

static int backup_call(ctx_t *c, const char *daemon, const char *path, int hold_s, Ut__BackupReply **rep)
{
	Ut__BackupRequest req = UT__BACKUP_REQUEST__INIT;
	req.path = (char *)path;
	req.hold_s = hold_s;
	return call(c, daemon, UT__MSG_TYPE__MSG_BACKUP, &req.base, &ut__backup_reply__descriptor, (ProtobufCMessage **)rep);
}

static int node_backup(ctx_t *c, int argc, char **argv)
{
	const char *pos[1];
	if (opt_none(c, argc, argv, pos, 1, 1, "DIR") < 0)
		return EXIT_USAGE;
	int rc = ctx_ready(c);
	if (rc)
		return rc;
	if (sodium_init() < 0)
		return EXIT_REFUSED;
	const char *dir = pos[0];
	int has = dir_has_files(dir);
	if (has != 0) {
		fprintf(stderr, has > 0 ? _("utctl: %s exists and is not empty; a backup goes into a new directory\n")
					: _("utctl: cannot read %s\n"),
			dir);
		return EXIT_REFUSED;
	}
	if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
		fprintf(stderr, _("utctl: cannot create %s: %s\n"), dir, strerror(errno));
		return EXIT_REFUSED;
	}
	chmod(dir, 0700);
	char abs[PATH_MAX];
	if (!realpath(dir, abs)) {
		fprintf(stderr, _("utctl: cannot create %s: %s\n"), dir, strerror(errno));
		return EXIT_REFUSED;
	}
	int64_t t0 = ut_clock_mono_ms();
	/* every daemon keeps its published events until its own copy is made */
	for (int i = 0; i < NDAEMONS; i++) {
		Ut__BackupReply *r = NULL;
		if ((rc = backup_call(c, order[i], "", HOLD_S, &r)) != 0)
			return rc;
		protobuf_c_message_free_unpacked(&r->base, NULL);
	}
	char names[NDAEMONS][64], size[32];
	int schema[NDAEMONS];
	int64_t total = 0;
	for (int i = 0; i < NDAEMONS; i++) {
		char path[PATH_MAX + 80];
		snprintf(names[i], sizeof names[i], "%s.db", order[i]);
		snprintf(path, sizeof path, "%s/%s", abs, names[i]);
		Ut__BackupReply *r = NULL;
		if ((rc = backup_call(c, order[i], path, 0, &r)) != 0)
			return rc;
		chmod(path, 0600);
		schema[i] = r->schema_version;
		total += r->size;
		human(r->size, size, sizeof size);
		printf(_("%s: %s, schema version %d, %s, %lld ms\n"), order[i], names[i], schema[i], size, (long long)r->took_ms);
		fflush(stdout);
		protobuf_c_message_free_unpacked(&r->base, NULL);
	}
	nfile_t f[MAX_FILES];
	int nf = node_files(c, f);
	for (int i = 0; i < nf; i++) {
		struct stat sb;
		char dst[PATH_MAX + 80];
		snprintf(dst, sizeof dst, "%s/%s", abs, f[i].name);
		if (stat(f[i].path, &sb) != 0) {
			f[i].role[0] = '\0'; /* configured but not made (no key pair yet): nothing to keep */
			continue;
		}
		if (copy_file(f[i].path, dst, f[i].secret ? 0600 : (sb.st_mode & 0777)) != 0) {
			fprintf(stderr, _("utctl: cannot copy %s to %s: %s\n"), f[i].path, dst, strerror(errno));
			files_free(f, nf);
			return EXIT_REFUSED;
		}
		total += sb.st_size;
		printf(_("%s: %s\n"), f[i].role, f[i].name);
	}
	char mpath[PATH_MAX + 80], tpath[PATH_MAX + 90];
	snprintf(mpath, sizeof mpath, "%s/MANIFEST", abs);
	snprintf(tpath, sizeof tpath, "%s.tmp", mpath);
	FILE *m = fopen(tpath, "w");
	rc = m ? 0 : -1;
	if (m) {
		fchmod(fileno(m), 0600);
		fprintf(m, "# utctl node backup: restore with utctl node restore DIR\nformat 1\nnode %s\ncommit %s\n"
			   "version %s\ncreated_ms %lld\n",
			c->cfg.node_id, UT_GIT_COMMIT, UT_VERSION, (long long)ut_clock_now_ms());
		for (int i = 0; i < NDAEMONS; i++)
			fprintf(m, "database %s %s %d\n", order[i], names[i], schema[i]);
		for (int i = 0; i < nf; i++)
			if (f[i].role[0])
				fprintf(m, "file %s %s\n", f[i].role, f[i].name);
		for (int i = 0; i < NDAEMONS + nf && !rc; i++) {
			const char *name = i < NDAEMONS ? names[i] : f[i - NDAEMONS].name;
			char p[PATH_MAX + 300], h[65];
			if (i >= NDAEMONS && !f[i - NDAEMONS].role[0])
				continue;
			snprintf(p, sizeof p, "%s/%.63s", abs, name); /* a name is at most 63 bytes */
			if ((rc = sha256_file(p, h)) == 0)
				fprintf(m, "sha256 %s %s\n", h, name);
		}
		if (fflush(m) != 0 || fsync(fileno(m)) != 0)
			rc = -1;
		if (fclose(m) != 0)
			rc = -1;
	}
	if (rc || rename(tpath, mpath) != 0) {
		fprintf(stderr, _("utctl: cannot write %s: %s\n"), mpath, strerror(errno));
		files_free(f, nf);
		return EXIT_REFUSED;
	}
	files_free(f, nf);
	human(total, size, sizeof size);
	printf(_("backup of node %s written to %s: %s in %lld ms\n"), c->cfg.node_id, abs, size,
	       (long long)(ut_clock_mono_ms() - t0));
	return EXIT_OK;
}

/* ---- restore ---- */

typedef struct manifest {
	char node[128];
	int ndb, nfile, nsum;
	struct { char daemon[32], name[64]; int schema; } db[NDAEMONS];
	struct { char role[32], name[64]; } file[MAX_FILES];
	struct { char hex[65], name[64]; } sum[NDAEMONS + MAX_FILES];
} manifest_t;

/* A name inside the backup directory: no slash, no dot first. */
static int plain_name(const char *s) { return *s && *s != '.' && !strchr(s, '/'); }

static int known(const char *daemon)
{
	for (int i = 0; i < NDAEMONS; i++)
		if (!strcmp(order[i], daemon))
			return 1;
	return 0;
}

static int manifest_read(const char *path, manifest_t *m)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return -1;
	char line[512], a[65], b[64];
	int v, bad = 0, format = 0;
	memset(m, 0, sizeof *m);
	while (!bad && fgets(line, sizeof line, f)) {
		if (line[0] == '#' || line[0] == '\n')
			continue;
		if (sscanf(line, "format %d", &format) == 1 || sscanf(line, "node %127s", m->node) == 1 ||
		    !strncmp(line, "commit ", 7) || !strncmp(line, "version ", 8) || !strncmp(line, "created_ms ", 11))
			continue;
		if (sscanf(line, "database %31s %63s %d", a, b, &v) == 3 && m->ndb < NDAEMONS && plain_name(b) && known(a)) {
			memcpy(m->db[m->ndb].daemon, a, strlen(a) + 1);
			memcpy(m->db[m->ndb].name, b, sizeof b);
			m->db[m->ndb++].schema = v;
		} else if (sscanf(line, "file %31s %63s", a, b) == 2 && m->nfile < MAX_FILES && plain_name(b) && strlen(a) < 32) {
			memcpy(m->file[m->nfile].role, a, strlen(a) + 1);
			memcpy(m->file[m->nfile++].name, b, sizeof b);
		} else if (sscanf(line, "sha256 %64s %63s", a, b) == 2 && strlen(a) == 64 && m->nsum < NDAEMONS + MAX_FILES) {
			memcpy(m->sum[m->nsum].hex, a, sizeof a);
			memcpy(m->sum[m->nsum++].name, b, sizeof b);
		} else
			bad = 1;
	}
	fclose(f);
	return bad || format != 1 || !*m->node || m->ndb != NDAEMONS ? -2 : 0;
}

static const char *sum_of(const manifest_t *m, const char *name)
{
	for (int i = 0; i < m->nsum; i++)
		if (!strcmp(m->sum[i].name, name))
			return m->sum[i].hex;
	return NULL;
}

/* 1 when something accepts connections on the Unix socket at path. */
static int socket_listens(const char *path)
{
	struct sockaddr_un a = {.sun_family = AF_UNIX};
	if (!path || strlen(path) >= sizeof a.sun_path)
		return 0;
	memcpy(a.sun_path, path, strlen(path) + 1);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0), up = 0;
	if (fd >= 0) {
		up = connect(fd, (struct sockaddr *)&a, sizeof a) == 0;
		close(fd);
	}
	return up;
}

/* 1 when the daemon is running: something listens on its ipc:// socket (a stopped daemon leaves
 * the file, which refuses connections), or for another endpoint, it answers a status request. */
static int answers(ctx_t *c, const char *daemon)
{
	char *ep = ut_config_endpoint(&c->cfg, daemon);
	int up = 0;
	if (ep && !strncmp(ep, "ipc://", 6))
		up = socket_listens(ep + 6);
	else if (ep) {
		if (!c->zctx)
			c->zctx = zmq_ctx_new();
		ut_rpc_client_t *cl = c->zctx ? ut_rpc_client_new(c->zctx, ep, 1000) : NULL;
		Ut__Envelope *rep = NULL;
		up = cl && ut_rpc_call(cl, UT__MSG_TYPE__MSG_STATUS, NULL, &rep) == 0;
		if (rep)
			ut__envelope__free_unpacked(rep, NULL);
		ut_rpc_client_destroy(&cl);
	}
	free(ep);
	return up;
}

/* The node's Redis Unix socket (malloc'd), or NULL when it is reached over TCP. */
static char *redis_socket(const ctx_t *c, const char *run)
{
	char *p = NULL;
	if (*c->cfg.redis_socket && asprintf(&p, "%s%s%s", c->cfg.redis_socket[0] == '/' ? "" : run,
					     c->cfg.redis_socket[0] == '/' ? "" : "/", c->cfg.redis_socket) < 0)
		p = NULL;
	return p;
}

/* Move run/name (and, for a database, its -wal and -shm, which keep their pairing) out of the way
 * as name.pre-restore-<ms>; 0 when there was nothing, 1 moved, -1 failed. */
static int set_aside(const char *run, const char *name, int64_t stamp)
{
	static const char *const tails[] = {"", "-wal", "-shm"};
	int moved = 0;
	for (int i = 0; i < 3; i++) {
		char from[PATH_MAX + 80], to[PATH_MAX + 120];
		snprintf(from, sizeof from, "%s/%s%s", run, name, tails[i]);
		snprintf(to, sizeof to, "%s/%s.pre-restore-%lld%s", run, name, (long long)stamp, tails[i]);
		if (rename(from, to) == 0)
			moved = 1;
		else if (errno != ENOENT) {
			fprintf(stderr, _("utctl: cannot move %s aside: %s\n"), from, strerror(errno));
			return -1;
		}
	}
	return moved;
}

enum { O_OTHER_NODE = OPT_FIRST };

static const optspec_t restore_opts[] = {
	{O_OTHER_NODE, "other-node", NULL, 0, "restore a backup made by another node id"},
	{0},
};

/* Where a restored file goes: the path this node's config names for its role, else the run directory. */
static char *file_dest(ctx_t *c, const char *role, const char *name, const char *run)
{
	char *p = NULL;
	if (!strcmp(role, "key_file") && *c->cfg.report_key_file)
		p = ut_curvekey_path(&c->cfg);
	else if (!strcmp(role, "smtp_secrets") && *c->cfg.notify_smtp_secrets)
		p = ut_config_resolve(&c->cfg, c->cfg.notify_smtp_secrets);
	else if (!strcmp(role, "webhook_secret_file") && *c->cfg.notify_webhook_secret_file)
		p = ut_config_resolve(&c->cfg, c->cfg.notify_webhook_secret_file);
	else if (!strcmp(role, "smtp_ca_file") && *c->cfg.notify_smtp_ca_file)
		p = ut_config_resolve(&c->cfg, c->cfg.notify_smtp_ca_file);
	else if (!strcmp(role, "web_cert") && *c->cfg.web_cert)
		p = ut_config_resolve(&c->cfg, c->cfg.web_cert);
	else if (!strcmp(role, "web_key") && *c->cfg.web_key)
		p = ut_config_resolve(&c->cfg, c->cfg.web_key);
	else if (!strcmp(role, "config") && asprintf(&p, "%s/%s.restored", run, name) < 0)
		p = NULL; /* the config in use stays: compare it with the backed-up one */
	if (!p && strcmp(role, "config") && asprintf(&p, "%s/%s", run, name) < 0)
		p = NULL;
	return p;
}

static int node_restore(ctx_t *c, int argc, char **argv)
{
	opts_t o;
	const char *arg, *pos[1];
	int k, other = 0;
	opt_begin(&o, c, argc, argv, c->verb->opts);
	while ((k = opt_next(&o, &arg)) > 0)
		if (k == O_OTHER_NODE)
			other = 1;
	if (k < 0 || opt_rest(&o, pos, 1, 1, "DIR") < 0)
		return EXIT_USAGE;
	int rc = ctx_ready(c);
	if (rc)
		return rc;
	if (sodium_init() < 0)
		return EXIT_REFUSED;
	for (int i = 0; i < NDAEMONS; i++)
		if (answers(c, order[i])) {
			fprintf(stderr, _("utctl: %s is running; stop the node before restoring (./deploy/ut-node down)\n"),
				order[i]);
			return EXIT_REFUSED;
		}
	const char *dir = pos[0];
	char mpath[PATH_MAX];
	snprintf(mpath, sizeof mpath, "%s/MANIFEST", dir);
	manifest_t m;
	if ((rc = manifest_read(mpath, &m)) != 0) {
		fprintf(stderr, rc == -1 ? _("utctl: %s cannot be read: is it a backup directory?\n")
					 : _("utctl: %s is not a manifest this utctl can read\n"),
			mpath);
		return EXIT_REFUSED;
	}
	if (strcmp(m.node, c->cfg.node_id) && !other) {
		fprintf(stderr, _("utctl: the backup is of node %s, this node is %s; --other-node restores it all the same\n"),
			m.node, c->cfg.node_id);
		return EXIT_REFUSED;
	}
	/* every file checked before anything is replaced */
	int bad = 0;
	for (int i = 0; i < m.ndb + m.nfile; i++) {
		const char *name = i < m.ndb ? m.db[i].name : m.file[i - m.ndb].name, *want = sum_of(&m, name);
		char p[PATH_MAX + 80], h[65];
		snprintf(p, sizeof p, "%s/%s", dir, name);
		if (!want || sha256_file(p, h) != 0 || strcmp(h, want)) {
			fprintf(stderr, _("utctl: %s does not match its checksum in the manifest\n"), p);
			bad = 1;
		}
	}
	if (bad)
		return EXIT_REFUSED;
	char *run = ut_config_run_dir(&c->cfg);
	if (!run || (mkdir(run, 0700) != 0 && errno != EEXIST)) {
		fprintf(stderr, _("utctl: cannot create %s: %s\n"), run ? run : "run_dir", strerror(errno));
		free(run);
		return EXIT_REFUSED;
	}
	/* The old Redis would hold stream entries above the restored outboxes, and new events with
	 * those ids would be skipped as already published: the node starts on an empty one. */
	char *rsock = redis_socket(c, run);
	if (socket_listens(rsock)) {
		fprintf(stderr, _("utctl: Redis is running at %s; stop the node before restoring (./deploy/ut-node down)\n"),
			rsock);
		free(rsock);
		free(run);
		return EXIT_REFUSED;
	}
	free(rsock);
	int64_t stamp = ut_clock_now_ms();
	static const char *const redis_files[] = {"appendonlydir", "dump.rdb"};
	for (int i = 0; i < 2 && !rc; i++) {
		int r = set_aside(run, redis_files[i], stamp);
		if (r < 0)
			rc = EXIT_REFUSED;
		else if (r)
			printf(_("redis: %s/%s set aside as %s.pre-restore-%lld; the node starts on an empty Redis\n"), run,
			       redis_files[i], redis_files[i], (long long)stamp);
	}
	for (int i = 0; i < m.ndb + m.nfile && !rc; i++) {
		const char *name = i < m.ndb ? m.db[i].name : m.file[i - m.ndb].name;
		char src[PATH_MAX + 80], *dst = NULL;
		snprintf(src, sizeof src, "%s/%s", dir, name);
		if (i < m.ndb) {
			if (asprintf(&dst, "%s/%s.db", run, m.db[i].daemon) < 0)
				dst = NULL;
		} else
			dst = file_dest(c, m.file[i - m.ndb].role, name, run);
		if (!dst) {
			rc = EXIT_REFUSED;
			break;
		}
		if (i < m.ndb) {
			/* kept, with its WAL (which would otherwise be read as the restored file's) */
			char dbname[48];
			snprintf(dbname, sizeof dbname, "%s.db", m.db[i].daemon);
			if (set_aside(run, dbname, stamp) < 0) {
				free(dst);
				rc = EXIT_REFUSED;
				break;
			}
		}
		struct stat sb;
		mode_t mode = stat(src, &sb) == 0 ? sb.st_mode & 0777 : 0600;
		if (copy_file(src, dst, mode) != 0) {
			fprintf(stderr, _("utctl: cannot copy %s to %s: %s\n"), src, dst, strerror(errno));
			rc = EXIT_REFUSED;
		} else if (i < m.ndb)
			printf(_("%s: %s, schema version %d\n"), m.db[i].daemon, dst, m.db[i].schema);
		else
			printf(_("%s: %s\n"), m.file[i - m.ndb].role, dst);
		free(dst);
	}
	free(run);
	if (!rc)
		printf(_("node %s restored from %s; start it (./deploy/ut-node up) and check: utctl node status\n"), m.node, dir);
	return rc;
}

const verb_t node_backup_verbs[] = {
	{"backup", node_backup, "copy the running node's databases, config, keys and secrets into a new directory",
	 "DIR", NULL, "utctl node backup /srv/backup/ut-$(date +%F)",
	 "Each daemon writes a consistent copy of its database between two batches of requests, so the node\n"
	 "keeps serving. DIR must not exist or be empty; it gets mode 0700, secrets 0600, and a MANIFEST with\n"
	 "the node id, each database's schema version, the binaries' commit and a SHA-256 per file."},
	{"restore", node_restore, "put a backup into this (stopped) node's run directory", "DIR [--other-node]",
	 restore_opts, "./deploy/ut-node down && utctl node restore /srv/backup/ut-2026-12-01 && ./deploy/ut-node up",
	 "Refuses while a daemon or the node's Redis answers, when a file does not match its checksum, and a\n"
	 "backup of another node id unless --other-node. Databases and Redis files already in the run\n"
	 "directory are kept as NAME.pre-restore-<ms>; the node starts on an empty Redis, rebuilt from the\n"
	 "databases. The backed-up node.ini is written to the run directory as node.ini.restored; the config\n"
	 "in use is left as it is."},
	{0},
};
