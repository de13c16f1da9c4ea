/* The JSON codec for protobuf-c messages: jansson for the JSON, the message descriptors for the
 * shape, so every request and reply type converts without per-message code. */
#include "ut/pbjson.h"
#include "ut/err.h"

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>

#define SAFE_INT (((int64_t)1 << 53) - 1) /* the largest integer a JavaScript number holds exactly */

static size_t value_size(ProtobufCType t)
{
	switch (t) {
	case PROTOBUF_C_TYPE_INT32:
	case PROTOBUF_C_TYPE_SINT32:
	case PROTOBUF_C_TYPE_SFIXED32:
	case PROTOBUF_C_TYPE_UINT32:
	case PROTOBUF_C_TYPE_FIXED32: return 4;
	case PROTOBUF_C_TYPE_FLOAT: return sizeof(float);
	case PROTOBUF_C_TYPE_DOUBLE: return sizeof(double);
	case PROTOBUF_C_TYPE_BOOL: return sizeof(protobuf_c_boolean);
	case PROTOBUF_C_TYPE_ENUM: return sizeof(int);
	case PROTOBUF_C_TYPE_STRING: return sizeof(char *);
	case PROTOBUF_C_TYPE_BYTES: return sizeof(ProtobufCBinaryData);
	case PROTOBUF_C_TYPE_MESSAGE: return sizeof(ProtobufCMessage *);
	default: return 8;
	}
}

static json_t *int_value(int64_t v)
{
	if (v > SAFE_INT || v < -SAFE_INT) {
		char b[24];
		snprintf(b, sizeof b, "%" PRId64, v);
		return json_string(b);
	}
	return json_integer((json_int_t)v);
}

static json_t *value_json(const ProtobufCFieldDescriptor *fd, const void *p)
{
	switch (fd->type) {
	case PROTOBUF_C_TYPE_INT32:
	case PROTOBUF_C_TYPE_SINT32:
	case PROTOBUF_C_TYPE_SFIXED32: return json_integer(*(const int32_t *)p);
	case PROTOBUF_C_TYPE_UINT32:
	case PROTOBUF_C_TYPE_FIXED32: return json_integer(*(const uint32_t *)p);
	case PROTOBUF_C_TYPE_INT64:
	case PROTOBUF_C_TYPE_SINT64:
	case PROTOBUF_C_TYPE_SFIXED64: return int_value(*(const int64_t *)p);
	case PROTOBUF_C_TYPE_UINT64:
	case PROTOBUF_C_TYPE_FIXED64: {
		uint64_t v = *(const uint64_t *)p;
		if (v > (uint64_t)SAFE_INT) {
			char b[24];
			snprintf(b, sizeof b, "%" PRIu64, v);
			return json_string(b);
		}
		return json_integer((json_int_t)v);
	}
	case PROTOBUF_C_TYPE_FLOAT: return json_real(*(const float *)p);
	case PROTOBUF_C_TYPE_DOUBLE: return json_real(*(const double *)p);
	case PROTOBUF_C_TYPE_BOOL: return json_boolean(*(const protobuf_c_boolean *)p);
	case PROTOBUF_C_TYPE_ENUM: {
		const ProtobufCEnumValue *ev = protobuf_c_enum_descriptor_get_value(fd->descriptor, *(const int *)p);
		return ev ? json_string(ev->name) : json_integer(*(const int *)p);
	}
	case PROTOBUF_C_TYPE_STRING: {
		const char *s = *(char *const *)p;
		/* the daemons check UTF-8 on the way in; a broken string still makes valid JSON */
		json_t *j = json_string(s ? s : "");
		return j ? j : json_string("\xEF\xBF\xBD");
	}
	case PROTOBUF_C_TYPE_BYTES: {
		const ProtobufCBinaryData *b = p;
		size_t n = sodium_base64_ENCODED_LEN(b->len, sodium_base64_VARIANT_ORIGINAL);
		char *s = malloc(n);
		if (!s)
			return NULL;
		sodium_bin2base64(s, n, b->data, b->len, sodium_base64_VARIANT_ORIGINAL);
		json_t *j = json_string(s);
		free(s);
		return j;
	}
	case PROTOBUF_C_TYPE_MESSAGE: {
		const ProtobufCMessage *m = *(ProtobufCMessage *const *)p;
		return m ? ut_pbjson_from_msg(m) : json_null();
	}
	}
	return json_null();
}

json_t *ut_pbjson_from_msg(const ProtobufCMessage *m)
{
	const ProtobufCMessageDescriptor *d = m->descriptor;
	json_t *o = json_object();
	for (unsigned i = 0; o && i < d->n_fields; i++) {
		const ProtobufCFieldDescriptor *fd = &d->fields[i];
		const char *base = (const char *)m + fd->offset;
		json_t *v;
		if (fd->label == PROTOBUF_C_LABEL_REPEATED) {
			size_t n = *(const size_t *)((const char *)m + fd->quantifier_offset);
			const char *arr = *(char *const *)base;
			v = json_array();
			for (size_t k = 0; v && k < n; k++)
				if (json_array_append_new(v, value_json(fd, arr + k * value_size(fd->type))))
					json_decref(v), v = NULL;
		} else
			v = value_json(fd, base);
		if (!v || json_object_set_new(o, fd->name, v))
			json_decref(o), o = NULL;
	}
	return o;
}

int ut_pbjson_print(FILE *f, const ProtobufCMessage *m)
{
	json_t *j = ut_pbjson_from_msg(m);
	if (!j)
		return UT_ENOMEM;
	int rc = json_dumpf(j, f, JSON_INDENT(2) | JSON_PRESERVE_ORDER) == 0 && fputc('\n', f) != EOF ? 0 : UT_EUNAVAIL;
	json_decref(j);
	return rc;
}

/* ---- JSON to message ---- */

static int fail(char *err, size_t len, const char *path, const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static int fail(char *err, size_t len, const char *path, const char *fmt, ...)
{
	char m[200];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(m, sizeof m, fmt, ap);
	va_end(ap);
	if (path && *path)
		snprintf(err, len, "%s: %s", path, m);
	else
		snprintf(err, len, "%s", m);
	return UT_EINVAL;
}

/* A whole number from a JSON integer or a string of digits (how 64-bit values come back). */
static int whole(const json_t *v, int64_t min, uint64_t max, int64_t *out, uint64_t *uout)
{
	if (json_is_integer(v)) {
		json_int_t x = json_integer_value(v);
		if (x < min || (x > 0 && (uint64_t)x > max))
			return -2;
		*out = x;
		*uout = (uint64_t)x;
		return 0;
	}
	if (!json_is_string(v))
		return -1;
	const char *s = json_string_value(v);
	char *end;
	errno = 0;
	if (*s == '-') {
		long long x = strtoll(s, &end, 10);
		if (end == s || *end || errno)
			return errno ? -2 : -1;
		if (x < min)
			return -2;
		*out = x;
		*uout = (uint64_t)x;
		return 0;
	}
	if (*s < '0' || *s > '9')
		return -1;
	unsigned long long x = strtoull(s, &end, 10);
	if (*end)
		return -1;
	if (errno || x > max)
		return -2;
	*out = (int64_t)x;
	*uout = x;
	return 0;
}

static int set_value(const ProtobufCFieldDescriptor *fd, void *p, const json_t *v, const char *path, char *err,
		     size_t len)
{
	int64_t i = 0;
	uint64_t u = 0;
	int r;
	switch (fd->type) {
	case PROTOBUF_C_TYPE_INT32:
	case PROTOBUF_C_TYPE_SINT32:
	case PROTOBUF_C_TYPE_SFIXED32:
		if ((r = whole(v, INT32_MIN, INT32_MAX, &i, &u)))
			goto number;
		*(int32_t *)p = (int32_t)i;
		return 0;
	case PROTOBUF_C_TYPE_UINT32:
	case PROTOBUF_C_TYPE_FIXED32:
		if ((r = whole(v, 0, UINT32_MAX, &i, &u)))
			goto number;
		*(uint32_t *)p = (uint32_t)u;
		return 0;
	case PROTOBUF_C_TYPE_INT64:
	case PROTOBUF_C_TYPE_SINT64:
	case PROTOBUF_C_TYPE_SFIXED64:
		if ((r = whole(v, INT64_MIN, INT64_MAX, &i, &u)))
			goto number;
		*(int64_t *)p = i;
		return 0;
	case PROTOBUF_C_TYPE_UINT64:
	case PROTOBUF_C_TYPE_FIXED64:
		if ((r = whole(v, 0, UINT64_MAX, &i, &u)))
			goto number;
		*(uint64_t *)p = u;
		return 0;
	case PROTOBUF_C_TYPE_FLOAT:
	case PROTOBUF_C_TYPE_DOUBLE:
		if (!json_is_number(v))
			return fail(err, len, path, "expected a number");
		if (fd->type == PROTOBUF_C_TYPE_FLOAT)
			*(float *)p = (float)json_number_value(v);
		else
			*(double *)p = json_number_value(v);
		return 0;
	case PROTOBUF_C_TYPE_BOOL:
		if (!json_is_boolean(v))
			return fail(err, len, path, "expected true or false");
		*(protobuf_c_boolean *)p = json_is_true(v);
		return 0;
	case PROTOBUF_C_TYPE_ENUM: {
		const ProtobufCEnumDescriptor *ed = fd->descriptor;
		const ProtobufCEnumValue *ev = json_is_string(v)
						       ? protobuf_c_enum_descriptor_get_value_by_name(ed, json_string_value(v))
						       : NULL;
		if (!ev)
			return fail(err, len, path, "expected one of the names of %s", ed->short_name);
		*(int *)p = ev->value;
		return 0;
	}
	case PROTOBUF_C_TYPE_STRING: {
		if (!json_is_string(v))
			return fail(err, len, path, "expected a string");
		char **sp = p;
		char *s = strdup(json_string_value(v));
		if (!s)
			return UT_ENOMEM;
		if (*sp && *sp != fd->default_value && *sp != protobuf_c_empty_string)
			free(*sp);
		*sp = s;
		return 0;
	}
	case PROTOBUF_C_TYPE_BYTES: {
		if (!json_is_string(v))
			return fail(err, len, path, "expected base64 text");
		const char *s = json_string_value(v);
		size_t n = strlen(s), got;
		unsigned char *b = malloc(n ? n : 1);
		if (!b)
			return UT_ENOMEM;
		if (sodium_base642bin(b, n, s, n, NULL, &got, NULL, sodium_base64_VARIANT_ORIGINAL)) {
			free(b);
			return fail(err, len, path, "expected base64 text");
		}
		ProtobufCBinaryData *bd = p;
		free(bd->data);
		bd->data = b;
		bd->len = got;
		return 0;
	}
	case PROTOBUF_C_TYPE_MESSAGE: {
		if (!json_is_object(v))
			return fail(err, len, path, "expected an object");
		ProtobufCMessage **mp = p;
		if (!*mp) {
			const ProtobufCMessageDescriptor *md = fd->descriptor;
			if (!(*mp = malloc(md->sizeof_message)))
				return UT_ENOMEM;
			md->message_init(*mp);
		}
		const char *k;
		json_t *x;
		json_object_foreach((json_t *)v, k, x) {
			int rc = ut_pbjson_set_field(*mp, k, x, path, err, len);
			if (rc)
				return rc;
		}
		return 0;
	}
	}
	return fail(err, len, path, "this field cannot be set");
number:
	return r == -2 ? fail(err, len, path, "number out of range") : fail(err, len, path, "expected a whole number");
}

int ut_pbjson_set_field(ProtobufCMessage *m, const char *name, const json_t *v, const char *path, char *err,
			size_t errlen)
{
	const ProtobufCFieldDescriptor *fd = protobuf_c_message_descriptor_get_field_by_name(m->descriptor, name);
	char sub[256];
	if (path && *path)
		snprintf(sub, sizeof sub, "%s.%s", path, name);
	else
		snprintf(sub, sizeof sub, "%s", name);
	if (!fd)
		return fail(err, errlen, path, "unknown field '%s'", name);
	void *base = (char *)m + fd->offset;
	if (fd->label != PROTOBUF_C_LABEL_REPEATED) {
		if (json_is_null(v))
			return 0; /* null leaves the field at its default */
		return set_value(fd, base, v, sub, err, errlen);
	}
	size_t *n = (size_t *)((char *)m + fd->quantifier_offset);
	size_t add = json_is_array(v) ? json_array_size(v) : 1, sz = value_size(fd->type);
	char **arr = base;
	char *grown = realloc(*arr, (*n + add) * sz);
	if (!grown)
		return UT_ENOMEM;
	*arr = grown;
	for (size_t k = 0; k < add; k++) {
		const json_t *x = json_is_array(v) ? json_array_get(v, k) : v;
		void *slot = grown + *n * sz;
		memset(slot, 0, sz);
		if (fd->type == PROTOBUF_C_TYPE_STRING)
			*(char **)slot = NULL;
		char at[280];
		snprintf(at, sizeof at, "%s[%zu]", sub, *n);
		int rc = set_value(fd, slot, x, at, err, errlen);
		if (rc && fd->type == PROTOBUF_C_TYPE_MESSAGE && *(ProtobufCMessage **)slot)
			(*n)++; /* a half-filled message is still owned by m, freed with it */
		if (rc)
			return rc;
		(*n)++;
	}
	return 0;
}

int ut_pbjson_to_msg(const json_t *j, const ProtobufCMessageDescriptor *d, ProtobufCMessage **out, char *err,
		     size_t errlen)
{
	*out = NULL;
	if (!json_is_object(j))
		return fail(err, errlen, NULL, "expected a JSON object");
	ProtobufCMessage *m = malloc(d->sizeof_message);
	if (!m)
		return UT_ENOMEM;
	d->message_init(m);
	const char *k;
	json_t *v;
	json_object_foreach((json_t *)j, k, v) {
		int rc = ut_pbjson_set_field(m, k, v, NULL, err, errlen);
		if (rc) {
			protobuf_c_message_free_unpacked(m, NULL);
			return rc;
		}
	}
	*out = m;
	return 0;
}
