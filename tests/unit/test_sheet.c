/* Tests common/client/sheet.c over files the test writes: headers in three languages with a serial
 * column and extra columns, dates, positions and marks in four languages, trimmed cells, UTF-8 with
 * and without BOM, UTF-16, GB18030, Big5 and Windows-1258 detected or named, , ; and tab, every
 * error of every line up to the limit, and .xlsx workbooks built here with libxlsxwriter. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <iconv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xlsxwriter.h>
#include <zip.h>

#include "testutil.h"
#include "ut/err.h"
#include "ut/sheet.h"

static ut_sheet_t *read_cadres(const char *data, size_t len, const ut_sheet_opts_t *o, int want_rc)
{
	static const ut_sheet_opts_t none = {0};
	ut_sheet_t *s = NULL;
	int rc = ut_sheet_read(&s, data, len, ut_sheet_cadre_cols, o ? o : &none);
	if (rc != want_rc)
		for (int i = 0; s && i < s->kept; i++)
			fprintf(stderr, "  %s\n", s->errors[i]);
	assert_int_equal(rc, want_rc);
	assert_non_null(s);
	return s;
}

#define AT(s, r, c) ((s)->rows[r][UT_SHEET_C_##c])

/* Some error of s contains want. */
static void has_error(const ut_sheet_t *s, const char *want)
{
	for (int i = 0; i < s->kept; i++)
		if (strstr(s->errors[i], want))
			return;
	for (int i = 0; i < s->kept; i++)
		fprintf(stderr, "  %s\n", s->errors[i]);
	fail_msg("no error with \"%s\"", want);
}

/* text from UTF-8 to `to` (malloc'd). */
static char *encode(const char *to, const char *text, size_t *len)
{
	iconv_t cd = iconv_open(to, "UTF-8");
	assert_true(cd != (iconv_t)-1);
	size_t inleft = strlen(text), cap = inleft * 4 + 16, left = cap;
	char *out = malloc(cap), *o = out, *i = (char *)text;
	assert_true(iconv(cd, &i, &inleft, &o, &left) != (size_t)-1);
	iconv_close(cd);
	*len = cap - left;
	return out;
}

static void test_chinese_headers(void **state)
{
	(void)state;
	/* a title line above the header, the serial number, an extra column, blanks around cells */
	const char *csv = "2025年工会干部名册,,,,,,,\n"
			  "序号,工号,姓名,单位,职务,专兼职,当选日期,电子邮箱,备注\n"
			  "1,C001 ,王丽华,XQ,主席,专职,2025/6/1, wang@example.org ,新任\n"
			  "2,\xe3\x80\x80" "C002,李 娜,XQ,副主席,兼职,2025.6.1,,\n"
			  "3,C003,陳大文,XQ,委員,,2025年6月1日,,\n"
			  ",,,,,,,,\n"
			  "5,,,,,,,,\n";
	ut_sheet_t *s = read_cadres(csv, strlen(csv), NULL, 0);
	assert_int_equal(s->nrows, 3);
	assert_string_equal(AT(s, 0, ID), "C001");
	assert_string_equal(AT(s, 0, EMAIL), "wang@example.org");
	assert_string_equal(AT(s, 0, POSITION), "chair");
	assert_string_equal(AT(s, 0, FULL_TIME), "yes");
	assert_string_equal(AT(s, 0, ELECTED), "2025-06-01");
	assert_string_equal(AT(s, 1, ID), "C002");
	assert_string_equal(AT(s, 1, NAME), "李 娜");
	assert_string_equal(AT(s, 1, POSITION), "vice_chair");
	assert_string_equal(AT(s, 1, FULL_TIME), "no");
	assert_string_equal(AT(s, 1, ELECTED), "2025-06-01");
	assert_string_equal(AT(s, 2, POSITION), "committee_member");
	assert_string_equal(AT(s, 2, FULL_TIME), "");
	assert_string_equal(AT(s, 2, ELECTED), "2025-06-01");
	assert_string_equal(AT(s, 2, PHONE), "");
	assert_int_equal(s->lines[0], 3);
	assert_int_equal(s->lines[2], 5);
	assert_non_null(s->warning);
	assert_non_null(strstr(s->warning, "备注"));
	assert_null(strstr(s->warning, "序号"));
	assert_int_equal(s->sep, ',');
	ut_sheet_destroy(&s);
	assert_null(s);
}

static void test_vietnamese_semicolons(void **state)
{
	(void)state;
	const char *csv = "\xef\xbb\xbfSTT;Mã cán bộ;Họ và tên;Đơn vị;Chức vụ;Chuyên trách;Ngày bầu;Số điện thoại;Ngôn ngữ\r\n"
			  "1;V01;Nguyễn Thị Hương;HN;Chủ tịch;Có;01/06/2025;0912 345 678;Tiếng Việt\r\n"
			  "2;V02;Lê Văn Tám;HN;Phó Chủ tịch;Kiêm nhiệm;2025-06-13;;vi\r\n";
	ut_sheet_opts_t o = {.day_first = 1};
	ut_sheet_t *s = read_cadres(csv, strlen(csv), &o, 0);
	assert_int_equal(s->sep, ';');
	assert_int_equal(s->nrows, 2);
	assert_string_equal(AT(s, 0, NAME), "Nguyễn Thị Hương");
	assert_string_equal(AT(s, 0, POSITION), "chair");
	assert_string_equal(AT(s, 0, FULL_TIME), "yes");
	assert_string_equal(AT(s, 0, ELECTED), "2025-06-01");
	assert_string_equal(AT(s, 0, PHONE), "0912 345 678");
	assert_string_equal(AT(s, 0, LOCALE), "vi");
	assert_string_equal(AT(s, 1, POSITION), "vice_chair");
	assert_string_equal(AT(s, 1, FULL_TIME), "no");
	assert_null(s->warning);
	ut_sheet_destroy(&s);

	/* the same day-first date where the node does not say day first: ambiguous, refused */
	s = read_cadres(csv, strlen(csv), NULL, UT_EINVAL);
	has_error(s, "line 2: Ngày bầu \"01/06/2025\" could be 2025-06-01 or 2025-01-06");
	ut_sheet_destroy(&s);
	/* unless one of the two is over 12 */
	const char *us = "id,name,unit,position,elected_on\nE1,Ann,U1,chair,06/13/2025\nE2,Bob,U1,other,13/06/2025\n";
	s = read_cadres(us, strlen(us), NULL, 0);
	assert_string_equal(AT(s, 0, ELECTED), "2025-06-13");
	assert_string_equal(AT(s, 1, ELECTED), "2025-06-13");
	ut_sheet_destroy(&s);
}

/* Excel's "Unicode text": UTF-16LE with a byte-order mark, tab-separated. */
static void test_utf16_tabs(void **state)
{
	(void)state;
	size_t len;
	char *u = encode("UTF-16", "工号\t姓名\t单位\t职务\tEmail\nC1\t张伟\tXQ\t主席\tzhang@example.org \nC2\t\"李,娜\"\tXQ\t其他\t\n", &len);
	assert_true(!memcmp(u, "\xff\xfe", 2) || !memcmp(u, "\xfe\xff", 2));
	ut_sheet_t *s = read_cadres(u, len, NULL, 0);
	assert_string_equal(s->encoding, "UTF-16");
	assert_int_equal(s->sep, '\t');
	assert_int_equal(s->nrows, 2);
	assert_string_equal(AT(s, 0, NAME), "张伟");
	assert_string_equal(AT(s, 0, EMAIL), "zhang@example.org");
	assert_string_equal(AT(s, 1, NAME), "李,娜");
	assert_string_equal(AT(s, 1, POSITION), "other");
	ut_sheet_destroy(&s);
	free(u);
}

/* Headers as offices write them: hints in brackets, a line break, the table starting in column B
 * with its serial number; UTF-16 without a byte-order mark, and short ASCII files that are not. */
static void test_headers_and_unmarked_utf16(void **state)
{
	(void)state;
	const char *csv = ",序号,工号,姓名,单位名称,\"现任\n职务\",\"手机（必填）\",Ngày bầu (dd/mm/yyyy),【备注】\n"
			  ",1,A1,王丽,XQ,主席,13800138000,2025/6/1,x\n";
	ut_sheet_t *s = read_cadres(csv, strlen(csv), NULL, 0);
	assert_int_equal(s->nrows, 1);
	assert_string_equal(AT(s, 0, POSITION), "chair");
	assert_string_equal(AT(s, 0, PHONE), "13800138000");
	assert_string_equal(AT(s, 0, ELECTED), "2025-06-01");
	assert_string_equal(s->warning, "the columns \"【备注】\" are not read");
	assert_true(s->has >> UT_SHEET_C_PHONE & 1);
	assert_false(s->has >> UT_SHEET_C_EMAIL & 1);
	ut_sheet_destroy(&s);

	size_t len;
	char *le = encode("UTF-16LE", "工號\t姓名\t單位\t職務\r\nU1\t張學友\tXQ\t委員\r\n", &len);
	s = read_cadres(le, len, NULL, 0);
	assert_string_equal(s->encoding, "UTF-16");
	assert_string_equal(AT(s, 0, NAME), "張學友");
	ut_sheet_destroy(&s);
	free(le);
	char *be = encode("UTF-16BE", "id,name,unit,position\nU2,Lê Văn,HN,other\n", &len);
	s = read_cadres(be, len, NULL, 0);
	assert_string_equal(AT(s, 0, NAME), "Lê Văn");
	ut_sheet_destroy(&s);
	free(be);

	/* no NUL at all is not UTF-16 (a column of ids) */
	ut_sheet_opts_t o = {.header_optional = 1};
	assert_int_equal(ut_sheet_read(&s, "K1\nK2\n", 6, ut_sheet_cadre_ref_cols, &o), 0);
	assert_string_equal(s->encoding, "UTF-8");
	assert_int_equal(s->nrows, 2);
	ut_sheet_destroy(&s);
}

static void test_legacy_encodings(void **state)
{
	(void)state;
	size_t len;
	/* a Chinese header decides between GB18030 and Big5 */
	char *gb = encode("GB18030", "工号,姓名,单位,职务\nG1,张伟,XQ,主席\n", &len);
	ut_sheet_t *s = read_cadres(gb, len, NULL, 0);
	assert_string_equal(s->encoding, "GB18030");
	assert_string_equal(AT(s, 0, NAME), "张伟");
	assert_string_equal(AT(s, 0, POSITION), "chair");
	ut_sheet_destroy(&s);
	free(gb);

	char *b5 = encode("BIG5", "工號,姓名,單位,職務\nT1,陳大文,XQ,副主席\n", &len);
	s = read_cadres(b5, len, NULL, 0);
	assert_string_equal(s->encoding, "Big5");
	assert_string_equal(AT(s, 0, NAME), "陳大文");
	assert_string_equal(AT(s, 0, POSITION), "vice_chair");
	ut_sheet_destroy(&s);
	free(b5);

	char *vn = encode("CP1258", "Mã cán bộ,Họ và tên,Đơn vị,Chức vụ\nV1,Nguyễn Thị Hương,HN,Chủ tịch\n", &len);
	s = read_cadres(vn, len, NULL, 0);
	assert_string_equal(s->encoding, "Windows-1258");
	assert_string_equal(AT(s, 0, POSITION), "chair");
	assert_string_equal(AT(s, 0, NAME), "Nguyễn Thị Hương"); /* composed by iconv */
	ut_sheet_destroy(&s);
	free(vn);

	/* an English header cannot tell GB18030 from Big5: the error names both */
	gb = encode("GB18030", "id,name,unit,position\nG1,张伟,XQ,chair\n", &len);
	s = read_cadres(gb, len, NULL, UT_EINVAL);
	has_error(s, "line 2: not valid UTF-8 text; it reads as GB18030 or Big5");
	has_error(s, "--encoding gb18030 or big5");
	ut_sheet_destroy(&s);
	ut_sheet_opts_t o = {.encoding = "gbk"};
	s = read_cadres(gb, len, &o, 0);
	assert_string_equal(AT(s, 0, NAME), "张伟");
	ut_sheet_destroy(&s);
	free(gb);

	/* bytes that are none of them */
	const char bad[] = "id,name,unit,position\nC1,X,U1,chair\nC2,\xe7\x8e\x8b\xff,U1,chair\n";
	s = read_cadres(bad, sizeof bad - 1, NULL, UT_EINVAL);
	has_error(s, "line 3: not valid UTF-8 text (nor GB18030, Big5 or Windows-1258)");
	ut_sheet_destroy(&s);
	o.encoding = "big5";
	s = read_cadres(bad, sizeof bad - 1, &o, UT_EINVAL);
	has_error(s, "line 3: not valid Big5 text");
	ut_sheet_destroy(&s);
	assert_false(ut_sheet_encoding_known("latin1"));
	assert_true(ut_sheet_encoding_known("Windows-1258"));
	o.encoding = "latin1";
	s = read_cadres("id\n", 3, &o, UT_EINVAL);
	has_error(s, "unknown encoding 'latin1'");
	ut_sheet_destroy(&s);
}

static void test_every_error(void **state)
{
	(void)state;
	const char *csv = "id,name,unit,position,elected_on,phone,full_time\n"
			  "C1,,U1,king,2025-02-30,1.38001E+10,maybe\n"
			  "1.2E+05,Ok,U1,chair,,,\n"
			  "C3,Ok,U1,chair,,,\n"
			  "C4,Ok,U1\n";
	ut_sheet_t *s = read_cadres(csv, strlen(csv), NULL, UT_EINVAL);
	has_error(s, "line 2: name is empty");
	has_error(s, "line 2: position \"king\" is not one of chair, vice_chair");
	has_error(s, "line 2: elected_on \"2025-02-30\" is not a date");
	has_error(s, "line 2: phone \"1.38001E+10\" is a number in scientific notation");
	has_error(s, "format the column as text");
	has_error(s, "line 2: full_time \"maybe\" is not one of yes, no");
	has_error(s, "line 3: id \"1.2E+05\" is a number in scientific notation");
	has_error(s, "line 5: 3 fields where the header has 7");
	assert_int_equal(s->nerrors, 7);
	assert_int_equal(s->kept, 7);
	assert_int_equal(s->nrows, 3); /* the line of the wrong length is not a row */
	assert_int_equal(s->bad[0], 1);
	assert_int_equal(s->bad[1], 1);
	assert_int_equal(s->bad[2], 0);
	assert_string_equal(AT(s, 2, ID), "C3");
	ut_sheet_destroy(&s);

	/* over the limit: the first are kept, all are counted */
	char big[8192] = "id,name,unit,position\n";
	for (int i = 0; i < 30; i++)
		snprintf(big + strlen(big), sizeof big - strlen(big), "X%d,,U1,nobody\n", i);
	ut_sheet_opts_t o = {.max_errors = 5};
	s = read_cadres(big, strlen(big), &o, UT_EINVAL);
	assert_int_equal(s->nerrors, 60);
	assert_int_equal(s->kept, 5);
	ut_sheet_destroy(&s);

	const char *cols = "id,name,unit,rank\nC1,X,U1,chair\n";
	s = read_cadres(cols, strlen(cols), NULL, UT_EINVAL);
	has_error(s, "line 1: the required column 'position' is missing (also read as 职务, 職務, 职位");
	assert_non_null(strstr(s->warning, "\"rank\""));
	ut_sheet_destroy(&s);
	const char *twice = "id,name,姓名,unit,position\nC1,X,Y,U1,chair\n";
	s = read_cadres(twice, strlen(twice), NULL, UT_EINVAL);
	has_error(s, "line 1: two columns are name (\"姓名\" is the second)");
	ut_sheet_destroy(&s);
	s = read_cadres("", 0, NULL, UT_EINVAL);
	has_error(s, "the file is empty");
	ut_sheet_destroy(&s);
	s = read_cadres("id,name,unit,position\n", 22, NULL, UT_EINVAL);
	has_error(s, "no rows after the header");
	ut_sheet_destroy(&s);
	const char *quote = "id,name,unit,position\nC1,X,U1,chair\nC2,\"open,U1,chair\n";
	s = read_cadres(quote, strlen(quote), NULL, UT_EINVAL);
	has_error(s, "line 3: a quoted field is not closed");
	ut_sheet_destroy(&s);
}

static ut_sheet_t *read_rollcall(const char *data, int want_rc)
{
	ut_sheet_opts_t o = {.header_optional = 1};
	ut_sheet_t *s = NULL;
	assert_int_equal(ut_sheet_read(&s, data, strlen(data), ut_sheet_rollcall_cols, &o), want_rc);
	return s;
}

static void test_rollcall(void **state)
{
	(void)state;
	ut_sheet_t *s = read_rollcall("序号,姓名,工号,签到\n1,王丽,K1,到\n2,李娜,K2,迟到\n3,张伟,K3,请假\n4,陳大文,K4,缺席\n", 0);
	assert_int_equal(s->nrows, 4);
	static const char *const want[] = {"present", "late", "excused", "absent"};
	for (int i = 0; i < 4; i++)
		assert_string_equal(s->rows[i][UT_SHEET_R_MARK], want[i]);
	assert_string_equal(s->rows[0][UT_SHEET_R_ID], "K1");
	assert_string_equal(s->rows[0][UT_SHEET_R_NAME], "王丽");
	ut_sheet_destroy(&s);

	s = read_rollcall("STT\tMã cán bộ\tĐiểm danh\n1\tV1\tcó mặt\n2\tV2\tVắng\n3\tV3\tVắng có phép\n4\tV4\tĐi muộn\n", 0);
	static const char *const want_vi[] = {"present", "absent", "excused", "late"};
	for (int i = 0; i < 4; i++)
		assert_string_equal(s->rows[i][UT_SHEET_R_MARK], want_vi[i]);
	ut_sheet_destroy(&s);

	/* by name, decomposed as some keyboards type it: NFC, as stored */
	s = read_rollcall("姓名,签到\nNguye\xcc\x82\xcc\x83n Va\xcc\x86n,出席\n", 0);
	assert_string_equal(s->rows[0][UT_SHEET_R_NAME], "Nguyễn Văn");
	assert_string_equal(s->rows[0][UT_SHEET_R_ID], "");
	ut_sheet_destroy(&s);

	/* no header: cadre, mark */
	s = read_rollcall("K1,present\nK2 , 出席\n", 0);
	assert_int_equal(s->nrows, 2);
	assert_string_equal(s->rows[1][UT_SHEET_R_ID], "K2");
	assert_string_equal(s->rows[1][UT_SHEET_R_MARK], "present");
	ut_sheet_destroy(&s);
	s = read_rollcall("cadre_id,mark\nK1,asleep\nK2\n", UT_EINVAL);
	has_error(s, "line 2: mark \"asleep\" is not one of present, late, excused, absent");
	has_error(s, "line 3: 1 fields where the header has 2");
	ut_sheet_destroy(&s);
	s = read_rollcall("K1,asleep\nK2\n", UT_EINVAL);
	has_error(s, "line 1: mark \"asleep\"");
	has_error(s, "line 2: mark is empty");
	ut_sheet_destroy(&s);
	s = read_rollcall("K1\nK2\n", UT_EINVAL); /* the first row alone decides nothing */
	has_error(s, "line 1: mark is empty");
	has_error(s, "line 2: mark is empty");
	ut_sheet_destroy(&s);
}

/* A workbook built here: a title row, then the header and rows from row 3; strings shared (or
 * inline when constant_memory), dates as serials, a phone as a number. */
static char *write_xlsx(const char *dir, int constant_memory, size_t *len)
{
	char path[256];
	snprintf(path, sizeof path, "%s/cadres%d.xlsx", dir, constant_memory);
	lxw_workbook_options opt = {.constant_memory = (uint8_t)constant_memory, .tmpdir = (char *)dir};
	lxw_workbook *wb = workbook_new_opt(path, &opt);
	assert_non_null(wb);
	lxw_worksheet *other = NULL, *ws;
	if (!constant_memory) { /* the first sheet in the workbook's order is read, whatever its file */
		ws = workbook_add_worksheet(wb, "干部名册");
		other = workbook_add_worksheet(wb, "说明");
		worksheet_write_string(other, 0, 0, "only a note", NULL);
	} else
		ws = workbook_add_worksheet(wb, "Danh sách");
	lxw_format *date = workbook_add_format(wb);
	format_set_num_format(date, "yyyy/m/d");
	worksheet_write_string(ws, 0, 0, "2025年工会干部名册", NULL);
	static const char *const head[] = {"序号", "工号", "姓名", "单位", "职务", "当选日期", "手机", "备注"};
	for (int i = 0; i < 8; i++)
		worksheet_write_string(ws, 2, (lxw_col_t)i, head[i], NULL);
	worksheet_write_number(ws, 3, 0, 1, NULL);
	worksheet_write_string(ws, 3, 1, "X001 ", NULL);
	worksheet_write_string(ws, 3, 2, "王丽华", NULL);
	worksheet_write_string(ws, 3, 3, "XQ", NULL);
	worksheet_write_string(ws, 3, 4, "主席", NULL);
	lxw_datetime d = {2025, 6, 1, 0, 0, 0};
	worksheet_write_datetime(ws, 3, 5, &d, date);
	worksheet_write_number(ws, 3, 6, 13800138000.0, NULL);
	worksheet_write_number(ws, 4, 0, 2, NULL);
	worksheet_write_number(ws, 4, 1, 1002, NULL); /* an id typed as a number */
	worksheet_write_string(ws, 4, 2, "Nguyễn Thị Hương", NULL);
	worksheet_write_string(ws, 4, 3, "HN", NULL);
	worksheet_write_string(ws, 4, 4, "Phó Chủ tịch", NULL);
	worksheet_write_string(ws, 4, 5, "2024.12.31", NULL);
	worksheet_write_string(ws, 4, 7, "新任", NULL);
	worksheet_write_number(ws, 5, 0, 3, NULL); /* numbered, never filled */
	assert_int_equal(workbook_close(wb), LXW_NO_ERROR);
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	static char buf[1 << 20];
	*len = fread(buf, 1, sizeof buf, f);
	fclose(f);
	char *copy = malloc(*len);
	memcpy(copy, buf, *len);
	return copy;
}

static void test_xlsx(void **state)
{
	(void)state;
	char *dir = tu_tmpdir();
	assert_non_null(dir);
	for (int cm = 0; cm <= 1; cm++) {
		size_t len;
		char *x = write_xlsx(dir, cm, &len);
		ut_sheet_t *s = read_cadres(x, len, NULL, 0);
		assert_string_equal(s->encoding, "xlsx");
		assert_int_equal(s->nrows, 2);
		assert_int_equal(s->lines[0], 4); /* rows as Excel numbers them */
		assert_int_equal(s->lines[1], 5);
		assert_string_equal(AT(s, 0, ID), "X001");
		assert_string_equal(AT(s, 0, NAME), "王丽华");
		assert_string_equal(AT(s, 0, POSITION), "chair");
		assert_string_equal(AT(s, 0, ELECTED), "2025-06-01");
		assert_string_equal(AT(s, 0, PHONE), "13800138000");
		assert_string_equal(AT(s, 1, ID), "1002");
		assert_string_equal(AT(s, 1, NAME), "Nguyễn Thị Hương");
		assert_string_equal(AT(s, 1, POSITION), "vice_chair");
		assert_string_equal(AT(s, 1, ELECTED), "2024-12-31");
		assert_string_equal(AT(s, 1, PHONE), "");
		assert_non_null(strstr(s->warning, "备注"));
		ut_sheet_destroy(&s);
		/* a damaged workbook is refused, not read as text */
		len /= 2;
		s = read_cadres(x, len, NULL, UT_EINVAL);
		has_error(s, "not a readable .xlsx workbook");
		ut_sheet_destroy(&s);
		free(x);
	}
	/* the old binary format, and a zip that is no workbook */
	static const char xls[] = "\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1 and the rest";
	ut_sheet_t *s = read_cadres(xls, sizeof xls - 1, NULL, UT_EINVAL);
	has_error(s, "an Excel 97-2003 workbook (.xls): save it as .xlsx or CSV");
	ut_sheet_destroy(&s);
	char path[300];
	snprintf(path, sizeof path, "%s/notes.zip", dir);
	zip_t *z = zip_open(path, ZIP_CREATE | ZIP_TRUNCATE, NULL);
	assert_non_null(z);
	zip_source_t *src = zip_source_buffer(z, "hi\n", 3, 0);
	assert_true(zip_file_add(z, "a.txt", src, 0) >= 0);
	assert_int_equal(zip_close(z), 0);
	FILE *f = fopen(path, "rb");
	static char buf[4096];
	size_t len = fread(buf, 1, sizeof buf, f);
	fclose(f);
	s = read_cadres(buf, len, NULL, UT_EINVAL);
	has_error(s, "not an .xlsx workbook (no xl/worksheets/sheet1.xml)");
	ut_sheet_destroy(&s);
	tu_rmrf(dir);
	free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_chinese_headers), cmocka_unit_test(test_vietnamese_semicolons),
		cmocka_unit_test(test_utf16_tabs),      cmocka_unit_test(test_legacy_encodings),
		cmocka_unit_test(test_headers_and_unmarked_utf16), cmocka_unit_test(test_every_error),     cmocka_unit_test(test_rollcall),
		cmocka_unit_test(test_xlsx),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
