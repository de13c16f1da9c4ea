/* Writes an .xlsx workbook as Excel would save an officer's sheet, for the import tests: rows of
 * tab-separated cells on stdin, first sheet; a cell "#123" is a number, "@2025-06-01" a date (a serial
 * with a date format), anything else text (shared strings, or inline with --inline).
 * usage: ut-xlsx-write [--inline] OUT.xlsx < rows.tsv */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xlsxwriter.h>

int main(int argc, char **argv)
{
	int inl = argc > 2 && !strcmp(argv[1], "--inline");
	if (argc != 2 + inl) {
		fprintf(stderr, "usage: ut-xlsx-write [--inline] OUT.xlsx < rows.tsv\n");
		return 2;
	}
	lxw_workbook_options opt = {.constant_memory = (uint8_t)inl}; /* constant memory writes inline strings */
	lxw_workbook *wb = workbook_new_opt(argv[1 + inl], &opt);
	if (!wb)
		return 1;
	lxw_worksheet *ws = workbook_add_worksheet(wb, NULL);
	workbook_add_worksheet(wb, "notes"); /* a second sheet, which is not read */
	lxw_format *date = workbook_add_format(wb);
	format_set_num_format(date, "yyyy/m/d");
	char line[8192];
	for (lxw_row_t r = 0; fgets(line, sizeof line, stdin); r++) {
		line[strcspn(line, "\r\n")] = '\0';
		char *p = line;
		lxw_col_t c = 0;
		for (char *t; (t = strsep(&p, "\t")); c++) {
			lxw_datetime d = {0};
			if (!*t)
				continue;
			if (*t == '#')
				worksheet_write_number(ws, r, c, strtod(t + 1, NULL), NULL);
			else if (*t == '@' && sscanf(t + 1, "%d-%d-%d", &d.year, &d.month, &d.day) == 3)
				worksheet_write_datetime(ws, r, c, &d, date);
			else
				worksheet_write_string(ws, r, c, t, NULL);
		}
	}
	return workbook_close(wb) == LXW_NO_ERROR ? 0 : 1;
}
