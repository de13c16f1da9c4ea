/* The hooks of the command table's rows (hooks.c), named after the rows that use them. */
#ifndef UT_CLIENT_HOOKS_H
#define UT_CLIENT_HOOKS_H

#include "ut/cmd.h"

#include <stdio.h>

int session_add_hook(ut_fill_t *f, const ut_arg_t *a, const char *value);
int class_add_hook(ut_fill_t *f, const ut_arg_t *a, const char *value);
int class_change_hook(ut_fill_t *f, const ut_arg_t *a, const char *value);
int class_list_hook(ut_fill_t *f, const ut_arg_t *a, const char *value);
int course_ref_hook(ut_fill_t *f, const ut_arg_t *a, const char *value);
int plan_show_hook(ut_fill_t *f, const ut_arg_t *a, const char *value);
int plan_coverage_hook(ut_fill_t *f, const ut_arg_t *a, const char *value);
int report_hook(ut_fill_t *f, const ut_arg_t *a, const char *value);
int unit_add_hook(ut_fill_t *f, const ut_arg_t *a, const char *value);
int unit_list_hook(ut_fill_t *f, const ut_arg_t *a, const char *value);
int cadre_due_hook(ut_fill_t *f, const ut_arg_t *a, const char *value);
int cadre_time_hook(ut_fill_t *f, const ut_arg_t *a, const char *value);
void session_added(const ProtobufCMessage *req, const ProtobufCMessage *rep, FILE *out);
int enrol_bulk_hook(ut_fill_t *f, const ut_arg_t *a, const char *value);
int cadre_import_hook(ut_fill_t *f, const ut_arg_t *a, const char *value);
void imported(const ProtobufCMessage *req, const ProtobufCMessage *rep, FILE *out);
int nudge_hook(ut_fill_t *f, const ut_arg_t *a, const char *value);
void nudged(const ProtobufCMessage *req, const ProtobufCMessage *rep, FILE *out);
int enrol_list_hook(ut_fill_t *f, const ut_arg_t *a, const char *value);
int rollcall_hook(ut_fill_t *f, const ut_arg_t *a, const char *value);
int reflection_hook(ut_fill_t *f, const ut_arg_t *a, const char *value);
int child_key_hook(ut_fill_t *f, const ut_arg_t *a, const char *value);
/* every.c: the replies of the rows asked of every daemon */
int ut_gather_status(const ProtobufCMessage *req, ProtobufCMessage *const rep[], const int down[],
		     const char *const why[], ProtobufCMessage **out);
int ut_gather_audit(const ProtobufCMessage *req, ProtobufCMessage *const rep[], const int down[],
		    const char *const why[], ProtobufCMessage **out);
void enrol_said(const ProtobufCMessage *req, const ProtobufCMessage *rep, FILE *out);
void enrol_cancelled(const ProtobufCMessage *req, const ProtobufCMessage *rep, FILE *out);
void enrol_listed(const ProtobufCMessage *req, const ProtobufCMessage *rep, FILE *out);
void rollcall_said(const ProtobufCMessage *req, const ProtobufCMessage *rep, FILE *out);
void class_closed(const ProtobufCMessage *req, const ProtobufCMessage *rep, FILE *out);
void node_status_said(const ProtobufCMessage *req, const ProtobufCMessage *rep, FILE *out);
void due_counted(const ProtobufCMessage *req, const ProtobufCMessage *rep, FILE *out);
void notice_previewed(const ProtobufCMessage *req, const ProtobufCMessage *rep, FILE *out);
void optout_said(const ProtobufCMessage *req, const ProtobufCMessage *rep, FILE *out);
int password_hook(ut_fill_t *f, const ut_arg_t *a, const char *value);
int disable_hook(ut_fill_t *f, const ut_arg_t *a, const char *value);
void disable_said(const ProtobufCMessage *req, const ProtobufCMessage *rep, FILE *out);

#endif
