/* Node configuration: an INI reader over a typed table of settings, each with its default. */
#include "ut/config.h"
#include "ut/err.h"
#include "ut/log.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

enum { T_STR, T_INT };

typedef struct setting {
	const char *section, *key;
	int type;
	size_t off;
	const char *def;
	long min, max; /* T_INT bounds */
	const char *comment;
} setting_t;

#define S(sec, k, field, d, c) {sec, k, T_STR, offsetof(ut_config_t, field), d, 0, 0, c}
#define I(sec, k, field, d, lo, hi, c) {sec, k, T_INT, offsetof(ut_config_t, field), #d, lo, hi, c}

static const setting_t settings[] = {
	S("node", "id", node_id, "node-local",
	  "This node's id, unique in the federation tree (e.g. cn-bj-haidian). Sent with every event."),
	S("node", "run_dir", run_dir, "var",
	  "Run directory: sockets, databases, keys (mode 0700). Relative to this file's directory."),
	S("node", "timezone", timezone, "Asia/Shanghai", "Time zone in which class dates are entered and shown."),
	S("node", "locale", locale, "zh-Hans", "Default language of messages and reports: zh-Hans, zh-Hant, vi or en."),
	S("node", "log_level", log_level, "info", "debug, info, warn or error."),
	S("redis", "socket", redis_socket, "redis.sock",
	  "Unix socket of the node's Redis, relative to run_dir; empty to use host and port."),
	S("redis", "host", redis_host, "127.0.0.1", "Redis host when socket is empty."),
	I("redis", "port", redis_port, 6379, 1, 65535, "Redis port when socket is empty."),
	S("redis", "prefix", redis_prefix, "ut:", "Prefix of every Redis key this node uses."),
	I("rpc", "max_request_kb", rpc_max_request_kb, 1024, 1, 65536,
	  "Largest request a daemon answers normally; larger ones are refused as invalid."),
	I("rpc", "timeout_ms", rpc_timeout_ms, 5000, 10, 600000, "How long utctl waits for a daemon's reply."),
	I("rpc", "batch_max", batch_max, 1024, 1, 100000,
	  "Most requests applied in one transaction (group commit) before replying."),
	S("store", "synchronous", sqlite_synchronous, "full",
	  "SQLite synchronous mode: full survives power loss, normal only a process crash."),
	I("store", "busy_timeout_ms", busy_timeout_ms, 5000, 0, 600000,
	  "How long a reader waits for a lock (each database has one writer, its daemon)."),
	I("bus", "read_count", bus_read_count, 256, 1, 10000, "Events a consumer takes per read and commits at once."),
	I("bus", "claim_idle_ms", bus_claim_idle_ms, 30000, 100, 86400000,
	  "Events left unacknowledged this long by a dead consumer are taken over."),
	I("bus", "relay_batch", relay_batch, 1000, 1, 100000, "Most outbox events published in one round trip."),
	S("enrol", "node_level", enrol_node_level, "county",
	  "Level of this node's union (province, city, county): `unit add` warns about units of another level."),
	I("enrol", "city_min_employees", enrol_city_min_employees, 500, 1, 10000000,
	  "Non-public enterprises with at least this many employees belong to the city, fewer to the county."),
	I("enrol", "completion_pct", enrol_completion_pct, 80, 1, 100,
	  "Share of sessions (present or late) a cadre must attend for a class to count as completed."),
	I("enrol", "reflection_days", enrol_reflection_days, 14, 1, 365,
	  "Days after a class's last session within which a reflection is taken; later only as an officer's late one."),
	I("enrol", "import_max_kb", enrol_import_max_kb, 512, 1, 65536,
	  "Largest cadre import file; a file becomes one request, so keep it near half of rpc max_request_kb."),
	S("notify", "reminder_offsets", notify_reminder_offsets, "3d,1d,2h",
	  "Reminders before each class starts: a list of Nd, Nh or Nm."),
	S("notify", "course_offsets", notify_course_offsets, "",
	  "Per-course reminder offsets overriding reminder_offsets: COURSE_CODE=7d,1d;OTHER=2h"),
	S("notify", "quiet_hours", notify_quiet_hours, "21:00-07:00",
	  "Node-time span in which no reminder goes out (moved to its end); empty for none."),
	I("notify", "tick_ms", notify_tick_ms, 1000, 10, 600000,
	  "How often ut-notifyd looks for due messages besides its timer for the next one."),
	S("notify", "channels", notify_channels, "email,webhook,spool",
	  "Channels in order of preference; a cadre gets the first one they have a contact for."),
	S("notify", "templates_dir", notify_templates_dir, "templates",
	  "Message templates, <kind>.<locale>.txt. Relative to this file's directory."),
	S("notify", "spool_dir", notify_spool_dir, "spool",
	  "Spool channel: one file per message in this directory (relative to run_dir); empty disables it."),
	S("notify", "smtp_url", notify_smtp_url, "",
	  "Email channel: smtp://host:port or smtps://...; empty disables the channel."),
	S("notify", "smtp_from", notify_smtp_from, "training@localhost", "Sender address of reminder emails."),
	S("notify", "smtp_secrets", notify_smtp_secrets, "",
	  "File with one line user:password for SMTP AUTH; empty for none."),
	I("notify", "smtp_starttls", notify_smtp_starttls, 0, 0, 1, "1 = require STARTTLS on smtp:// URLs."),
	S("notify", "smtp_ca_file", notify_smtp_ca_file, "",
	  "PEM certificates trusted for the SMTP server (relative to this file's directory); empty for the system's."),
	I("notify", "smtp_timeout_ms", notify_smtp_timeout_ms, 30000, 100, 600000,
	  "Longest one SMTP or webhook delivery may take before it counts as a temporary failure."),
	S("notify", "webhook_url", notify_webhook_url, "",
	  "Webhook channel (SMS/Zalo/WeChat gateways): JSON POST here; empty disables the channel."),
	S("notify", "webhook_secret_file", notify_webhook_secret_file, "",
	  "File with the HMAC-SHA256 key that signs webhook bodies (X-UT-Signature header), relative to this file."),
	I("notify", "max_attempts", notify_max_attempts, 6, 1, 100,
	  "Delivery attempts before a temporarily failing message goes to the dead letters."),
	I("notify", "retry_base_ms", notify_retry_base_ms, 60000, 10, 86400000,
	  "First retry delay after a temporary failure; doubled for each further attempt."),
	I("notify", "claim_idle_ms", notify_claim_idle_ms, 60000, 100, 86400000,
	  "A delivery job left unacknowledged this long by a dead worker is taken by another."),
	S("report", "listen", report_listen, "",
	  "Where children send their snapshots (tcp://host:port, always CURVE); empty = no children."),
	S("report", "parent", report_parent, "", "The parent node's report endpoint (tcp://host:port); empty = top of the tree."),
	S("report", "parent_key", report_parent_key, "", "The parent node's public key (Z85, 40 characters)."),
	S("report", "key_file", report_key_file, "report.key",
	  "This node's CURVE key pair (utctl node keygen), relative to run_dir, mode 0600."),
	I("report", "interval_ms", report_interval_ms, 60000, 10, 86400000,
	  "At most one snapshot goes upward per interval, however many figures changed."),
	I("report", "resend_max_ms", report_resend_max_ms, 60000, 10, 86400000,
	  "Longest wait between resends of a snapshot the parent has not acknowledged."),
	I("report", "stale_after_s", report_stale_after_s, 172800, 1, 31536000,
	  "A child with no snapshot for this long is flagged stale in the federation report."),
	I("report", "clock_skew_s", report_clock_skew_s, 300, 0, 86400,
	  "A child's snapshot built further than this ahead of this node's clock is refused."),
	I("report", "max_groups", report_max_groups, 50000, 1, 10000000,
	  "Most groups (year, category, format, unit type, figure) one child's snapshot may hold."),
	I("report", "min_interval_ms", report_min_interval_ms, 5000, 0, 86400000,
	  "Least time between two snapshots stored from one child; one sooner is answered busy and resent."),
	I("report", "refused_log_s", report_refused_log_s, 60, 1, 86400,
	  "Refused connections (unknown keys) are logged as one summary line per this period at most."),
	S("report", "coverage_targets", report_coverage_targets, "",
	  "Multi-year coverage targets, YEAR:PERCENT (2025:40,2026:75), for years without one set by utctl plan set."),
	S("web", "listen", web_listen, "127.0.0.1:8443", "Where ut-webd serves the web console (HOST:PORT)."),
	I("web", "tls", web_tls, 1, 0, 1, "HTTPS (1), or plain HTTP (0), which only a loopback address may serve."),
	S("web", "cert", web_cert, "",
	  "HTTPS certificate (PEM), relative to this file; empty = a self-signed one made in run_dir."),
	S("web", "key", web_key, "", "HTTPS private key (PEM) of cert, relative to this file, mode 0600."),
	S("web", "www", web_www, "", "The console's pages, relative to this file; empty = those installed with ut-webd."),
	S("web", "chartjs", web_chartjs, "/usr/share/javascript/chart.js/chart.min.js",
	  "Chart.js (Debian's libjs-chart.js), served to the console's pages as /lib/chart.js."),
	I("web", "max_body_kb", web_max_body_kb, 1024, 1, 65536, "The largest request body ut-webd takes (an upload)."),
	I("web", "session_idle_s", web_session_idle_s, 1800, 1, 604800, "A console session ends after this long without a request."),
	I("web", "session_max_s", web_session_max_s, 43200, 1, 2592000, "A console session ends this long after its sign-in at the latest."),
};
#define NSETTINGS (sizeof settings / sizeof settings[0])

static char **str_field(ut_config_t *c, const setting_t *s) { return (char **)((char *)c + s->off); }
static int *int_field(ut_config_t *c, const setting_t *s) { return (int *)((char *)c + s->off); }

static int set_value(ut_config_t *c, const setting_t *s, const char *v, char *why, size_t whylen)
{
	if (s->type == T_STR) {
		char *d = strdup(v);
		if (!d)
			return UT_ENOMEM;
		free(*str_field(c, s));
		*str_field(c, s) = d;
		return 0;
	}
	char *end;
	errno = 0;
	long n = strtol(v, &end, 10);
	if (errno || end == v || *end) {
		snprintf(why, whylen, "%s.%s: \"%s\" is not a whole number", s->section, s->key, v);
		return UT_EINVAL;
	}
	if (n < s->min || n > s->max) {
		snprintf(why, whylen, "%s.%s: %ld is outside %ld..%ld", s->section, s->key, n, s->min, s->max);
		return UT_EINVAL;
	}
	*int_field(c, s) = (int)n;
	return 0;
}

void ut_config_defaults(ut_config_t *c)
{
	memset(c, 0, sizeof *c);
	char why[256]; /* the embedded defaults are valid; kept for set_value's signature */
	for (size_t i = 0; i < NSETTINGS; i++)
		set_value(c, &settings[i], settings[i].def, why, sizeof why);
}

void ut_config_free(ut_config_t *c)
{
	for (size_t i = 0; i < NSETTINGS; i++)
		if (settings[i].type == T_STR) {
			free(*str_field(c, &settings[i]));
			*str_field(c, &settings[i]) = NULL;
		}
	free(c->path);
	free(c->dir);
	c->path = c->dir = NULL;
}

static char *trim(char *s)
{
	while (isspace((unsigned char)*s))
		s++;
	char *e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

static int check(ut_config_t *c, char *err, size_t errlen)
{
	if (ut_log_level_parse(c->log_level) < 0) {
		snprintf(err, errlen, "node.log_level: \"%s\" is not one of debug, info, warn, error", c->log_level);
		return UT_EINVAL;
	}
	if (strcmp(c->sqlite_synchronous, "full") && strcmp(c->sqlite_synchronous, "normal")) {
		snprintf(err, errlen, "store.synchronous: \"%s\" is not full or normal", c->sqlite_synchronous);
		return UT_EINVAL;
	}
	if (!*c->node_id || strchr(c->node_id, '/') || strchr(c->node_id, ' ')) {
		snprintf(err, errlen, "node.id: \"%s\" must be non-empty without spaces or '/'", c->node_id);
		return UT_EINVAL;
	}
	return 0;
}

int ut_config_load(ut_config_t *c, const char *path, char *err, size_t errlen, int *unknown)
{
	ut_config_defaults(c);
	if (unknown)
		*unknown = 0;
	FILE *f = fopen(path, "r");
	if (!f) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return UT_EINVAL;
	}
	char abs[PATH_MAX];
	c->path = strdup(realpath(path, abs) ? abs : path);
	char *slash = strrchr(c->path, '/');
	c->dir = slash ? strndup(c->path, (size_t)(slash - c->path)) : strdup(".");
	if (c->dir && !*c->dir) {
		free(c->dir);
		c->dir = strdup("/");
	}

	char line[4096], section[64] = "";
	int lineno = 0, rc = 0;
	while (fgets(line, sizeof line, f)) {
		lineno++;
		char why[256] = "";
		if (!strchr(line, '\n') && !feof(f)) {
			snprintf(why, sizeof why, "line longer than %zu bytes", sizeof line - 1);
			goto bad;
		}
		char *s = line;
		if (lineno == 1 && strncmp(s, "\xEF\xBB\xBF", 3) == 0)
			s += 3; /* a byte-order mark, as Windows editors write */
		s = trim(s);
		if (!*s || *s == '#' || *s == ';')
			continue;
		if (*s == '[') {
			char *e = strchr(s, ']');
			if (!e || e[1] || e - s - 1 <= 0 || (size_t)(e - s - 1) >= sizeof section) {
				snprintf(why, sizeof why, "malformed section header");
				goto bad;
			}
			*e = '\0';
			snprintf(section, sizeof section, "%s", trim(s + 1));
			continue;
		}
		char *eq = strchr(s, '=');
		if (!eq) {
			snprintf(why, sizeof why, "expected key = value");
			goto bad;
		}
		*eq = '\0';
		char *key = trim(s), *val = trim(eq + 1);
		size_t vl = strlen(val);
		if (vl >= 2 && val[0] == '"' && val[vl - 1] == '"') {
			val[vl - 1] = '\0';
			val++;
		}
		if (!*section) {
			snprintf(why, sizeof why, "key \"%s\" outside any [section]", key);
			goto bad;
		}
		const setting_t *st = NULL;
		for (size_t i = 0; i < NSETTINGS; i++)
			if (!strcmp(settings[i].section, section) && !strcmp(settings[i].key, key))
				st = &settings[i];
		if (!st) {
			ut_warn("%s:%d: unknown setting %s.%s ignored", path, lineno, section, key);
			if (unknown)
				(*unknown)++;
			continue;
		}
		/* check after each setting, so a bad value is reported at its line */
		if (set_value(c, st, val, why, sizeof why) == 0 && check(c, why, sizeof why) == 0)
			continue;
	bad:
		snprintf(err, errlen, "%s:%d: %s", path, lineno, why);
		rc = UT_EINVAL;
		break;
	}
	fclose(f);
	if (rc == 0 && (rc = check(c, err, errlen)) == 0)
		return 0;
	return rc;
}

/* Drop "." and "x/.." components of an absolute path, in place, so logs show plain paths. */
static void normalize(char *p)
{
	char *out = p, *s = p;
	while (*s) {
		while (*s == '/')
			s++;
		char *e = strchrnul(s, '/');
		size_t n = (size_t)(e - s);
		if (n == 1 && s[0] == '.') {
			/* skip */
		} else if (n == 2 && s[0] == '.' && s[1] == '.') {
			while (out > p && *--out != '/')
				;
		} else if (n) {
			*out++ = '/';
			memmove(out, s, n);
			out += n;
		}
		s = e;
	}
	if (out == p)
		*out++ = '/';
	*out = '\0';
}

char *ut_config_resolve(const ut_config_t *c, const char *rel)
{
	char *out = NULL;
	if (!c->dir && rel[0] != '/')
		return strdup(rel);
	if (asprintf(&out, "%s%s%s", rel[0] == '/' ? "" : c->dir, rel[0] == '/' ? "" : "/", rel) < 0)
		return NULL;
	normalize(out);
	return out;
}

char *ut_config_run_dir(const ut_config_t *c) { return ut_config_resolve(c, c->run_dir); }

char *ut_config_endpoint(const ut_config_t *c, const char *daemon)
{
	char *run = ut_config_run_dir(c), *out = NULL;
	if (run && asprintf(&out, "ipc://%s/%s.sock", run, daemon) < 0)
		out = NULL;
	free(run);
	return out;
}

void ut_config_write_defaults(FILE *f)
{
	const char *sec = "";
	for (size_t i = 0; i < NSETTINGS; i++) {
		const setting_t *s = &settings[i];
		if (strcmp(sec, s->section))
			fprintf(f, "%s[%s]\n", i ? "\n" : "", sec = s->section);
		fprintf(f, "# %s\n%s = %s\n", s->comment, s->key, s->def);
	}
}
