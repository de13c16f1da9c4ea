/* Node configuration: one INI file, a typed table of settings, each with a default and a comment. */
#ifndef UT_CONFIG_H
#define UT_CONFIG_H

#include <stdio.h>

typedef struct ut_config {
	char *path; /* the file read, NULL when running on defaults */
	char *dir;  /* its directory: relative paths in the file are relative to it */

	/* [node] */
	char *node_id;
	char *run_dir;
	char *timezone;
	char *locale;
	char *log_level;
	/* [redis] */
	char *redis_socket;
	char *redis_host;
	int redis_port;
	char *redis_prefix;
	/* [rpc] */
	int rpc_max_request_kb;
	int rpc_timeout_ms;
	int batch_max;
	/* [store] */
	char *sqlite_synchronous;
	int busy_timeout_ms;
	/* [bus] */
	int bus_read_count;
	int bus_claim_idle_ms;
	int relay_batch;
	/* [enrol] */
	char *enrol_node_level;
	int enrol_city_min_employees;
	int enrol_completion_pct;
	int enrol_reflection_days;
	int enrol_import_max_kb;
	/* [notify] (ut-notifyd and its workers) */
	char *notify_reminder_offsets;
	char *notify_course_offsets;
	char *notify_quiet_hours;
	int notify_tick_ms;
	char *notify_channels;
	char *notify_templates_dir;
	char *notify_spool_dir;
	char *notify_smtp_url;
	char *notify_smtp_from;
	char *notify_smtp_secrets;
	int notify_smtp_starttls;
	char *notify_smtp_ca_file; /* resolved against dir by the worker */
	int notify_smtp_timeout_ms;
	char *notify_webhook_url;
	char *notify_webhook_secret_file;
	int notify_max_attempts;
	int notify_retry_base_ms;
	int notify_claim_idle_ms;
	/* [report] (ut-reportd and its upward link) */
	char *report_listen;
	char *report_parent;
	char *report_parent_key;
	char *report_key_file;
	int report_interval_ms;
	int report_resend_max_ms;
	int report_stale_after_s;
	int report_clock_skew_s;
	int report_max_groups;
	int report_min_interval_ms;
	int report_refused_log_s;
	char *report_coverage_targets;
	/* [web] (ut-webd) */
	char *web_listen;
	int web_tls;
	char *web_cert;
	char *web_key;
	char *web_www;
	char *web_chartjs;
	int web_max_body_kb;
	int web_session_idle_s;
	int web_session_max_s;
} ut_config_t;

/* Fill every setting with its default. */
void ut_config_defaults(ut_config_t *c);
/* Defaults, then the file. On a syntax error or bad value returns UT_EINVAL with
 * "file:line: reason" in err. Unknown keys are logged as warnings, and counted in *unknown. */
int ut_config_load(ut_config_t *c, const char *path, char *err, size_t errlen, int *unknown);
void ut_config_free(ut_config_t *c);
/* Absolute path of `rel` resolved against the config file's directory (malloc'd). */
char *ut_config_resolve(const ut_config_t *c, const char *rel);
/* The run directory, resolved (malloc'd). */
char *ut_config_run_dir(const ut_config_t *c);
/* ipc:// endpoint of a daemon's request socket (malloc'd). */
char *ut_config_endpoint(const ut_config_t *c, const char *daemon);
/* Write an INI file with every setting, its default and its comment. */
void ut_config_write_defaults(FILE *f);

#endif
