/* Fuzz target: any bytes as a CSV file (cadre imports, roll-call sheets, bulk enrolment lists), read
 * record by record as utctl does; checks what the reader promises about each record. */
#include "ut/csv.h"
#include "ut/err.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	ut_csv_t c;
	int rc, line = 0;
	ut_csv_init(&c, (const char *)data, size);
	while ((rc = ut_csv_next(&c)) == 1) {
		/* records start on later lines, and every field is NUL-terminated inside the buffer */
		if (c.n < 1 || c.line <= line || c.next_line < c.line)
			abort();
		line = c.line;
		for (int i = 0; i < c.n; i++) {
			const char *f = ut_csv_field(&c, i);
			if (f < c.buf || f + strlen(f) >= c.buf + c.len)
				abort();
			ut_csv_formula_like(f);
		}
		if (*ut_csv_field(&c, c.n) != '\0' || *ut_csv_field(&c, -1) != '\0')
			abort();
	}
	if (rc != 0 && rc != UT_EINVAL && rc != UT_ENOMEM)
		abort();
	if (rc == UT_EINVAL && (!c.err || ut_csv_next(&c) != 0))
		abort(); /* nothing more is read after a malformed record */
	ut_csv_free(&c);
	return 0;
}
