/* Error codes shared by every module: 0 is success, failures are negative UT_E* values. */
#ifndef UT_ERR_H
#define UT_ERR_H

enum {
	UT_OK = 0,
	UT_EINVAL = -1,    /* bad input: the caller must change the request */
	UT_ENOTFOUND = -2, /* a referenced thing does not exist */
	UT_ECONFLICT = -3, /* clashes with existing state */
	UT_EUNAVAIL = -4,  /* cannot write or reach a dependency now; retry later */
	UT_EINTERNAL = -5, /* a bug or an unexpected library failure */
	UT_ETIMEOUT = -6,  /* no answer in time */
	UT_ENOMEM = -7,
};

const char *ut_strerror(int err);
/* Map a UT_E* code to the wire status (UT__STATUS__*), and back. */
int ut_err_to_status(int err);
int ut_status_to_err(int status);
const char *ut_status_name(int status);

#endif
