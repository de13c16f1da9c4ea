/* Any protobuf-c message as JSON and back, driven by its descriptor: the codec utctl's --json and
 * --input and the web console's API share. Fields go by their .proto names, enums by name, 64-bit
 * integers beyond 2^53 as strings (JavaScript cannot hold them as numbers), bytes as base64. */
#ifndef UT_PBJSON_H
#define UT_PBJSON_H

#include <stddef.h>
#include <stdio.h>
#include <jansson.h>
#include <protobuf-c/protobuf-c.h>

/* The message as a new JSON object (every field, defaults included); NULL only when out of memory. */
json_t *ut_pbjson_from_msg(const ProtobufCMessage *m);

/* A new message of type `d` from a JSON object. Unknown fields, wrong types, numbers out of the
 * field's range and unknown enum names are refused: UT_EINVAL with the reason, naming the field
 * ("cls.capacity: expected a whole number"), in err. Free the result with
 * protobuf_c_message_free_unpacked(m, NULL). */
int ut_pbjson_to_msg(const json_t *j, const ProtobufCMessageDescriptor *d, ProtobufCMessage **out, char *err,
		     size_t errlen) __attribute__((warn_unused_result));

/* Set one field of m, found by its .proto name, from JSON (a repeated field takes an array, or one
 * value to append). The same rules and errors as ut_pbjson_to_msg; `path` prefixes the errors. */
int ut_pbjson_set_field(ProtobufCMessage *m, const char *name, const json_t *v, const char *path, char *err,
			size_t errlen) __attribute__((warn_unused_result));

/* Print m as indented JSON, then a newline. */
int ut_pbjson_print(FILE *f, const ProtobufCMessage *m);

#endif
