/* A node's CURVE key pair in a file beside its databases ("public <z85>" and "secret <z85>" lines,
 * mode 0600): made by `utctl node keygen`, read by ut-reportd for the upward link. */
#ifndef UT_CURVEKEY_H
#define UT_CURVEKEY_H

#include <stddef.h>

#include "ut/config.h"

#define UT_CURVEKEY_LEN 40 /* Z85 text of a 32-byte key */

/* The key file's path: report.key_file resolved against the run directory (malloc'd). */
char *ut_curvekey_path(const ut_config_t *c);
/* Read a key pair; UT_ENOTFOUND when the file is missing, UT_EINVAL when it is malformed or readable
 * by others. pub and sec get UT_CURVEKEY_LEN + 1 bytes. */
int ut_curvekey_load(const char *path, char *pub, char *sec);
/* Make a new key pair and write it, mode 0600; UT_ECONFLICT when the file exists and !overwrite. */
int ut_curvekey_generate(const char *path, int overwrite, char *pub);
/* 1 when s is a well-formed Z85 key. */
int ut_curvekey_valid(const char *s);

#endif
