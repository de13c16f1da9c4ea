/* Fuzz target: any bytes as an officer's spreadsheet (a text file in any encoding, or an .xlsx
 * package), read as a cadre list and as a roll-call sheet; checks what the reader promises. */
#include "ut/err.h"
#include "ut/sheet.h"
#include "ut/utf8.h"

#include <stdlib.h>
#include <string.h>

static void one(const unsigned char *data, size_t size, const ut_sheet_col_t *cols, int header_optional)
{
	ut_sheet_opts_t o = {.header_optional = header_optional, .day_first = size & 1, .max_errors = 5};
	ut_sheet_t *s = NULL;
	int rc = ut_sheet_read(&s, (const char *)data, size, cols, &o), ncols = 0;
	while (cols[ncols].name)
		ncols++;
	if (rc == UT_ENOMEM) {
		ut_sheet_destroy(&s);
		return;
	}
	/* clean means rows and no errors; refused means errors, the first few of them kept */
	if (!s || (rc != 0 && rc != UT_EINVAL) || (!rc && (s->nerrors || !s->nrows)) || (rc && !s->nerrors) ||
	    s->kept > 5 || s->kept > s->nerrors || (s->nerrors <= 5 && s->kept != s->nerrors))
		abort();
	for (int i = 0; i < s->kept; i++)
		if (!s->errors[i] || !*s->errors[i])
			abort();
	/* every cell of every row is text a request can carry; a good row has its required cells */
	for (int r = 0; r < s->nrows; r++)
		for (int j = 0; j < ncols; j++) {
			const char *v = s->rows[r][j];
			if (!v || !ut_utf8_valid(v, strlen(v)) || (cols[j].required && !*v && !s->bad[r]))
				abort();
		}
	ut_sheet_destroy(&s);
	if (s)
		abort();
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	one(data, size, ut_sheet_cadre_cols, 0);
	one(data, size, ut_sheet_rollcall_cols, 1);
	return 0;
}
