/* Checks of request fields that every daemon makes; each sets an `invalid` reply naming the
 * field and returns UT_EINVAL, or returns 0. */
#ifndef UT_VALID_H
#define UT_VALID_H

#include <stddef.h>
#include <stdint.h>
#include "ut/rpc.h"

/* Well-formed UTF-8, no control characters, at most maxlen code points, non-empty if required. */
int ut_valid_text(ut_reply_t *rep, const char *field, const char *s, int required, long maxlen);
/* One of the NULL-terminated allowed values. */
int ut_valid_enum(ut_reply_t *rep, const char *field, const char *s, const char *const *allowed);
int ut_valid_range(ut_reply_t *rep, const char *field, int64_t v, int64_t lo, int64_t hi);

#endif
