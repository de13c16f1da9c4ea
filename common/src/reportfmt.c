/* Report presentation helpers: percentages and CSV cells. */
#include "ut/reportfmt.h"

#include <string.h>

int ut_pct(int64_t num, int64_t den)
{
	if (den <= 0)
		return -1;
	if (num < 0)
		num = 0;
	/* round half up in integers: no floating point, so 3060/3000 is 102 on every machine */
	return (int)((num * 200 + den) / (2 * den));
}

void ut_csv_cell(FILE *f, const char *s)
{
	if (!s)
		s = "";
	int formula = strchr("=+-@\t\r", s[0]) != NULL && s[0] != '\0';
	int quote = strpbrk(s, ",\"\r\n") != NULL;
	if (quote)
		fputc('"', f);
	if (formula)
		fputc('\'', f);
	for (const char *p = s; *p; p++) {
		if (*p == '"')
			fputc('"', f);
		fputc(*p, f);
	}
	if (quote)
		fputc('"', f);
}
