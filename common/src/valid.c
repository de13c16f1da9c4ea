/* Field checks shared by the request handlers of every daemon. */
#include "ut/valid.h"
#include "ut/err.h"
#include "ut/utf8.h"

#include <string.h>

int ut_valid_text(ut_reply_t *rep, const char *field, const char *s, int required, long maxlen)
{
	size_t n = s ? strlen(s) : 0;
	if (!n)
		return required ? ut_reply_err(rep, UT_EINVAL, "%s is required", field) : 0;
	long cps = ut_utf8_len(s, n);
	if (cps < 0)
		return ut_reply_err(rep, UT_EINVAL, "%s is not valid UTF-8", field);
	if (cps > maxlen)
		return ut_reply_err(rep, UT_EINVAL, "%s is longer than %ld characters", field, maxlen);
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		/* C0, DEL, and C1 (U+0080..U+009F, encoded C2 80..C2 9F) */
		if (c < 0x20 || c == 0x7f || (c == 0xc2 && (unsigned char)s[i + 1] < 0xa0))
			return ut_reply_err(rep, UT_EINVAL, "%s contains a control character", field);
	}
	return 0;
}

int ut_valid_enum(ut_reply_t *rep, const char *field, const char *s, const char *const *allowed)
{
	for (int i = 0; allowed[i]; i++)
		if (s && strcmp(s, allowed[i]) == 0)
			return 0;
	char list[256] = "";
	for (int i = 0; allowed[i]; i++) {
		if (i)
			strncat(list, ", ", sizeof list - strlen(list) - 1);
		strncat(list, allowed[i], sizeof list - strlen(list) - 1);
	}
	if (!s || !*s)
		return ut_reply_err(rep, UT_EINVAL, "%s is required (one of %s)", field, list);
	return ut_reply_err(rep, UT_EINVAL, "%s \"%.64s\" is not one of %s", field,
			    ut_utf8_valid(s, strlen(s)) ? s : "?", list);
}

int ut_valid_range(ut_reply_t *rep, const char *field, int64_t v, int64_t lo, int64_t hi)
{
	if (v < lo || v > hi)
		return ut_reply_err(rep, UT_EINVAL, "%s must be between %lld and %lld (got %lld)", field, (long long)lo,
				    (long long)hi, (long long)v);
	return 0;
}
