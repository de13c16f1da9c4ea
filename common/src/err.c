/* Error codes and their mapping to the wire status. */
#include "ut/err.h"
#include "ut/words.h"
#include "envelope.pb-c.h"

const char *ut_strerror(int err)
{
	switch (err) {
	case UT_OK: return "ok";
	case UT_EINVAL: return "invalid";
	case UT_ENOTFOUND: return "not found";
	case UT_ECONFLICT: return "conflict";
	case UT_EUNAVAIL: return "unavailable";
	case UT_ETIMEOUT: return "timed out";
	case UT_ENOMEM: return "out of memory";
	default: return "internal error";
	}
}

int ut_err_to_status(int err)
{
	switch (err) {
	case UT_OK: return UT__STATUS__STATUS_OK;
	case UT_EINVAL: return UT__STATUS__STATUS_INVALID;
	case UT_ENOTFOUND: return UT__STATUS__STATUS_NOT_FOUND;
	case UT_ECONFLICT: return UT__STATUS__STATUS_CONFLICT;
	case UT_EUNAVAIL:
	case UT_ETIMEOUT:
	case UT_ENOMEM: return UT__STATUS__STATUS_UNAVAILABLE;
	default: return UT__STATUS__STATUS_INTERNAL;
	}
}

int ut_status_to_err(int status)
{
	switch (status) {
	case UT__STATUS__STATUS_OK: return UT_OK;
	case UT__STATUS__STATUS_INVALID: return UT_EINVAL;
	case UT__STATUS__STATUS_NOT_FOUND: return UT_ENOTFOUND;
	case UT__STATUS__STATUS_CONFLICT: return UT_ECONFLICT;
	case UT__STATUS__STATUS_UNAVAILABLE: return UT_EUNAVAIL;
	default: return UT_EINTERNAL;
	}
}

const char *ut_status_name(int status)
{
	switch (status) {
	case UT__STATUS__STATUS_OK: return NC_("value", "ok");
	case UT__STATUS__STATUS_INVALID: return NC_("value", "invalid");
	case UT__STATUS__STATUS_NOT_FOUND: return NC_("value", "not_found");
	case UT__STATUS__STATUS_CONFLICT: return NC_("value", "conflict");
	case UT__STATUS__STATUS_UNAVAILABLE: return NC_("value", "unavailable");
	default: return NC_("value", "internal");
	}
}
