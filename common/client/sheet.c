/* Reading the cadre lists and roll-call sheets officers export from Excel or WPS: the encoding and
 * separator of a text file or the first sheet of an .xlsx, the header found by its words in three
 * languages, every cell trimmed and checked, every error of every line kept. */
#include "ut/sheet.h"
#include "ut/csv.h"
#include "ut/err.h"
#include "ut/i18n.h"
#include "ut/utf8.h"

#include <errno.h>
#include <expat.h>
#include <iconv.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>
#include <zip.h>

/* ---- the tables ---- */

static const ut_sheet_word_t positions[] = {
	{"chair", "chairman|chairwoman|chairperson|president|主席|工会主席|工會主席|Chủ tịch|Chủ tịch công đoàn|Chủ tịch CĐCS"},
	{"vice_chair", "vice chairman|vice president|deputy chair|副主席|工会副主席|工會副主席|常务副主席|常務副主席|"
		       "Phó Chủ tịch|Phó Chủ tịch công đoàn|Phó Chủ tịch thường trực"},
	{"committee_member", "member|committee|committee member|委员|委員|工会委员|工會委員|女职工委员|女職工委員|Ủy viên|"
			     "Uỷ viên|Ủy viên Ban Chấp hành|Ủy viên BCH|UV BCH|Ủy viên Ban Thường vụ"},
	{"finance_audit", "finance|audit|finance and audit|经审|經審|经审委员|經審委員|经费审查委员|經費審查委員|财务|財務|"
			  "财务审计|財務審計|Ủy viên Ủy ban kiểm tra|Ủy ban kiểm tra|Ủy viên UBKT|UBKT|Kiểm tra|Tài chính|"
			  "Tài chính, kiểm tra"},
	{"information_officer", "information|信息员|信息員|資訊員|宣传员|宣傳員|Cán bộ thông tin|Thông tin"},
	{"negotiator", "协商员|協商員|谈判员|談判員|集体协商|集體協商|Cán bộ thương lượng|Thương lượng"},
	{"other", "其他|其它|Khác"},
	{0},
};

static const ut_sheet_word_t full_time[] = {
	{"yes", "y|1|true|full|full-time|是|专职|專職|Chuyên trách|có|x|✓|√"},
	{"no", "n|0|false|part|part-time|否|兼职|兼職|Kiêm nhiệm|Bán chuyên trách|không"},
	{0},
};

static const ut_sheet_word_t locales[] = {
	{"zh-Hans", "zh|zh-CN|zh_CN|中文|简体|简体中文|簡體中文|Chinese|Tiếng Trung"},
	{"zh-Hant", "zh-TW|zh-HK|繁体|繁體|繁體中文|繁体中文|Traditional Chinese"},
	{"vi", "vi-VN|Tiếng Việt|Vietnamese|越南语|越南語"},
	{"en", "en-US|en-GB|English|Tiếng Anh|英语|英語|英文"},
	{0},
};

static const ut_sheet_word_t marks[] = {
	{"present", "p|到|已到|出席|出勤|签到|簽到|在|有|√|✓|Có mặt|Có|Đã đến|Đến|Dự"},
	{"late", "迟到|遲到|晚到|Đi muộn|Muộn|Đến muộn|Trễ|Đi trễ"},
	{"excused", "leave|请假|請假|事假|病假|公假|Có phép|Vắng có phép|Nghỉ phép|Xin phép"},
	{"absent", "a|缺席|缺勤|未到|旷课|曠課|×|✗|Vắng|Vắng mặt|Vắng không phép|Không phép|Nghỉ không phép"},
	{0},
};

/* The words of each column's header; ut-enrold's own exports (cadre list, cadre due, in any of the
 * four languages) are among them, so an exported list comes back as it went. */
#define ID_ALIASES                                                                                      \
	"cadre_id|cadre id|cadre no|cadre number|staff id|staff no|staff number|employee id|employee no|"  \
	"employee number|personnel no|member id|工号|工號|编号|編號|干部编号|幹部編號|人员编号|人員編號|" \
	"职工编号|職工編號|员工编号|員工編號|会员编号|會員編號|Mã cán bộ|Mã CB|Mã số|Mã số cán bộ|"        \
	"Mã nhân viên|Mã NV|Mã|ID|code"
#define NAME_ALIASES "姓名|名字|名称|名稱|干部姓名|幹部姓名|Họ và tên|Họ tên|Tên|Họ và tên cán bộ|full name|cadre name"

const ut_sheet_col_t ut_sheet_cadre_cols[] = {
	{"id", ID_ALIASES, 1, UT_SHEET_CODE, NULL},
	{"name", NAME_ALIASES, 1, UT_SHEET_TEXT, NULL},
	{"unit", "单位|單位|工作单位|工作單位|所在单位|所在單位|单位代码|單位代碼|单位名称|單位名稱|所属单位|所屬單位|"
		 "所属工会|所屬工會|基层工会|基層工會|Đơn vị|Mã đơn vị|Tên đơn vị|Đơn vị công tác|Công đoàn cơ sở|CĐCS|"
		 "unit code|unit name|organisation|organization|union",
	 1, UT_SHEET_NAME, NULL}, /* a code or a name, NFC as the node's names are compared */
	{"position", "职务|職務|职位|職位|现任职务|現任職務|工会职务|工會職務|担任职务|擔任職務|Chức vụ|Chức vụ công đoàn|"
		     "Chức danh|title|role|union position",
	 1, UT_SHEET_WORD, positions},
	{"full_time", "专职|專職|专兼职|專兼職|专职/兼职|專職/兼職|是否专职|是否專職|Chuyên trách/Kiêm nhiệm|Chuyên trách|"
		      "Chuyên trách/Bán chuyên trách|full-time|full-time/part-time",
	 0, UT_SHEET_WORD, full_time},
	{"elected_on", "elected|date elected|election date|date of election|appointed|appointed on|date appointed|当选日期|"
		       "當選日期|任职日期|任職日期|当选时间|當選時間|任职时间|任職時間|任现职时间|任現職時間|当选/任职日期|"
		       "當選/任職日期|Ngày bầu|Ngày được bầu|Ngày bổ nhiệm|Ngày bầu/bổ nhiệm|Ngày nhận chức",
	 0, UT_SHEET_DATE, NULL},
	{"email", "e-mail|mail|email address|e-mail address|邮箱|郵箱|电子邮箱|電子郵箱|电子邮件|電子郵件|邮件|郵件|"
		  "邮箱地址|郵箱地址|Thư điện tử|Địa chỉ email|Hộp thư",
	 0, UT_SHEET_TEXT, NULL},
	{"phone", "mobile|tel|telephone|phone number|mobile number|mobile phone|telephone number|contact number|电话|電話|"
		  "电话号码|電話號碼|手机|手機|手机号|手機號|手机号码|手機號碼|联系电话|聯繫電話|聯絡電話|联系方式|聯繫方式|聯絡方式|"
		  "移动电话|行動電話|Điện thoại|Số điện thoại|Điện thoại di động|Di động|Số di động|Điện thoại liên hệ|SĐT|ĐT",
	 0, UT_SHEET_CODE, NULL},
	{"locale", "language|lang|preferred language|语言|語言|Ngôn ngữ", 0, UT_SHEET_WORD, locales},
	{0},
};

const ut_sheet_col_t ut_sheet_rollcall_cols[] = {
	{"cadre_id", "id|" ID_ALIASES, 0, UT_SHEET_CODE, NULL},
	{"mark", "attendance|status|签到|簽到|出勤|考勤|到课|到課|状态|狀態|出勤情况|出勤情況|签到情况|簽到情況|考勤情况|"
		 "考勤情況|出席情况|出席情況|到会情况|到會情況|Điểm danh|Tình trạng|Có mặt/Vắng|Tình hình tham dự", 1,
	 UT_SHEET_WORD, marks},
	{"name", NAME_ALIASES, 0, UT_SHEET_NAME, NULL},
	{0},
};

const ut_sheet_col_t ut_sheet_cadre_ref_cols[] = {
	{"cadre_id", "id|" ID_ALIASES, 0, UT_SHEET_CODE, NULL},
	{"name", NAME_ALIASES, 0, UT_SHEET_NAME, NULL},
	{0},
};

/* A first column of these is the sheet's own numbering, not data. */
static const char serial_aliases[] = "序号|序號|STT|Số TT|Số thứ tự|TT|No|Nr|#|S/N|S.No|Sr No|serial";

/* ---- errors ---- */

/* An error of the file (line 0) or of one of its lines, in the reader's language. */
static void add_error(ut_sheet_t *s, int line, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void add_error(ut_sheet_t *s, int line, const char *fmt, ...)
{
	if (s->nerrors++ >= s->max_errors)
		return;
	char msg[512];
	int n = 0;
	if (line > 0)
		n = snprintf(msg, sizeof msg, !strcmp(s->line_word, "row") ? _("row %d: ") : _("line %d: "), line);
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg + n, sizeof msg - (size_t)n, fmt, ap);
	va_end(ap);
	char *m = ut_arena_strdup(&s->a, msg);
	if (m)
		s->errors[s->kept++] = m;
}

/* ---- comparing words ---- */

/* s without case, diacritics, compatibility forms (full-width letters) and the punctuation people
 * put in headers at will, into out; "" when it does not fit or is not UTF-8. */
static void fold(const char *s, char *out, size_t cap)
{
	utf8proc_uint8_t *m = NULL;
	*out = '\0';
	if (utf8proc_map((const utf8proc_uint8_t *)s, 0, &m,
			 UTF8PROC_NULLTERM | UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_COMPAT | UTF8PROC_CASEFOLD |
				 UTF8PROC_STRIPMARK) < 0)
		return;
	size_t n = 0;
	for (const char *p = (const char *)m; *p; p++) {
		if (strchr(" \t\r\n_-.*:/()", *p))
			continue;
		if (n + 1 >= cap) {
			n = 0;
			break;
		}
		out[n++] = *p;
	}
	out[n] = '\0';
	free(m);
}

/* A '|' list, folded, as a NULL-terminated array in the arena; `first` (when not NULL) leads it. */
static char **fold_list(ut_arena_t *a, const char *first, const char *list)
{
	size_t n = 2;
	for (const char *p = list; p && *p; p++)
		n += *p == '|';
	char **v = (char **)ut_arena_ptrs(a, n + 1), buf[256];
	size_t k = 0;
	if (!v)
		return NULL;
	if (first) {
		fold(first, buf, sizeof buf);
		v[k++] = ut_arena_strdup(a, buf);
	}
	for (const char *p = list; p && *p;) {
		const char *e = strchr(p, '|');
		size_t len = e ? (size_t)(e - p) : strlen(p);
		char w[256];
		snprintf(w, sizeof w, "%.*s", (int)len, p);
		fold(w, buf, sizeof buf);
		v[k++] = ut_arena_strdup(a, buf);
		p += len + (e != NULL);
	}
	return a->failed ? NULL : v;
}

static int in_list(char *const *v, const char *folded)
{
	for (int i = 0; v && v[i]; i++)
		if (*folded && !strcmp(v[i], folded))
			return 1;
	return 0;
}

/* The folded forms of a table, made once per file. */
typedef struct fcol {
	char **hdr;    /* name and aliases */
	char ***words; /* per word: value and aliases */
} fcol_t;

/* ---- cells ---- */

/* Blanks a spreadsheet leaves around a cell: ASCII white space, no-break and ideographic spaces, a
 * stray byte-order mark or zero-width space. */
static const char *const wide_blanks[] = {"\xc2\xa0", "\xe3\x80\x80", "\xef\xbb\xbf", "\xe2\x80\x8b", NULL};

static int ascii_blank(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

/* The length of the wide blank at s (at_end: ending at e), 0 when there is none. */
static size_t wide_blank(const char *s, const char *e, int at_end)
{
	for (int i = 0; wide_blanks[i]; i++) {
		size_t w = strlen(wide_blanks[i]);
		if ((size_t)(e - s) >= w && !memcmp(at_end ? e - w : s, wide_blanks[i], w))
			return w;
	}
	return 0;
}

static const char *trim(const char *s, size_t *len)
{
	const char *e = s + strlen(s);
	for (size_t w;;) {
		if (s < e && ascii_blank(*s))
			s++;
		else if (e > s && ascii_blank(e[-1]))
			e--;
		else if (s < e && (unsigned char)*s >= 0xc2 && (w = wide_blank(s, e, 0)))
			s += w;
		else if (e > s && (unsigned char)e[-1] >= 0x80 && (w = wide_blank(s, e, 1)))
			e -= w;
		else
			break;
	}
	*len = (size_t)(e - s);
	return s;
}

/* 1 when the cell holds more than blanks; most cells start with their text, so this is quick. */
static int filled(const char *s)
{
	if (!*s)
		return 0;
	if (!ascii_blank(*s) && (unsigned char)*s < 0xc2)
		return 1;
	size_t len;
	trim(s, &len);
	return len > 0;
}

/* 1.38001E+10: what Excel shows, and writes to CSV, for a long number in a General column. */
static int scientific(const char *s)
{
	const char *p = s;
	while (*p >= '0' && *p <= '9')
		p++;
	if (p == s)
		return 0;
	if (*p == '.' || *p == ',')
		for (p++; *p >= '0' && *p <= '9'; p++)
			;
	if (*p != 'e' && *p != 'E')
		return 0;
	p += p[1] == '+' || p[1] == '-' ? 2 : 1;
	if (!*p)
		return 0;
	while (*p >= '0' && *p <= '9')
		p++;
	return !*p;
}

static int leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

static int valid_ymd(int y, int m, int d)
{
	static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	return y >= 1900 && y <= 2200 && m >= 1 && m <= 12 && d >= 1 && d <= mdays[m - 1] + (m == 2 && leap(y));
}

static void ymd(char out[16], int y, int m, int d) { snprintf(out, 16, "%04d-%02d-%02d", y % 10000, m % 100, d % 100); }

static const char *digits(const char *p, int min, int max, int *v)
{
	int n = 0;
	*v = 0;
	while (n < max && *p >= '0' && *p <= '9')
		*v = *v * 10 + (*p++ - '0'), n++;
	return n >= min && !(*p >= '0' && *p <= '9') ? p : NULL;
}

/* A separator of dates: - / . or, after the year and month, 年 and 月. */
static const char *date_sep(const char *p, const char *cjk, char *sep)
{
	if (*p == '-' || *p == '/' || *p == '.')
		return *sep = *p, p + 1;
	size_t n = strlen(cjk);
	if (cjk[0] && !strncmp(p, cjk, n))
		return *sep = 'c', p + n;
	return NULL;
}

/* What may follow a date: 日, a time of day (an Excel date-time), nothing. */
static int date_end(const char *p)
{
	if (!strncmp(p, "日", strlen("日")))
		p += strlen("日");
	if (*p == ' ' || *p == 'T')
		for (p++; (*p >= '0' && *p <= '9') || *p == ':' || *p == '.'; p++)
			;
	return !*p;
}

/* 0 with out = YYYY-MM-DD; -1 not a date; -2 day and month could be either (out and alt the two). */
static int parse_date(const char *s, int day_first, char out[16], char alt[16])
{
	int y, m, d, a0, b0, *a = &a0, *b = &b0;
	char s1, s2;
	const char *p = digits(s, 4, 4, &y);
	if (p) { /* year first: 2025-06-01, 2025/6/1, 2025.6.1, 2025年6月1日 */
		if (!(p = date_sep(p, "年", &s1)) || !(p = digits(p, 1, 2, &m)) || !(p = date_sep(p, "月", &s2)) ||
		    s1 != s2 || !(p = digits(p, 1, 2, &d)) || !date_end(p))
			return -1;
	} else { /* 01/06/2025: which is the day depends on the country */
		if (!(p = digits(s, 1, 2, a)) || !(p = date_sep(p, "", &s1)) || !(p = digits(p, 1, 2, b)) ||
		    !(p = date_sep(p, "", &s2)) || s1 != s2 || !(p = digits(p, 4, 4, &y)) || !date_end(p))
			return -1;
		if (*a > 12 || (day_first && *b <= 12) || *a == *b)
			d = *a, m = *b;
		else if (*b > 12)
			m = *a, d = *b;
		else if (valid_ymd(y, *b, *a) && valid_ymd(y, *a, *b)) {
			ymd(out, y, *b, *a);
			ymd(alt, y, *a, *b);
			return -2;
		} else
			return -1;
	}
	if (!valid_ymd(y, m, d))
		return -1;
	ymd(out, y, m, d);
	return 0;
}

/* An Excel serial day (1900 system: day 60 is the 29 February 1900 that never was) as YYYY-MM-DD. */
static int serial_date(double v, int date1904, char out[16])
{
	if (!(v >= 61 && v < 120000))
		return -1;
	long z = (long)floor(v) + (date1904 ? 1462 : 0) - 25569 + 719468; /* days since 0000-03-01 */
	long era = z / 146097, doe = z - era * 146097;
	long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	long doy = doe - (365 * yoe + yoe / 4 - yoe / 100), mp = (5 * doy + 2) / 153;
	int d = (int)(doy - (153 * mp + 2) / 5 + 1), m = (int)(mp < 10 ? mp + 3 : mp - 9);
	int y = (int)(yoe + era * 400 + (m <= 2));
	if (!valid_ymd(y, m, d))
		return -1;
	ymd(out, y, m, d);
	return 0;
}

/* ---- text files: encoding and separator ---- */

/* in[0..len) from `from` to UTF-8 (malloc'd, NUL-terminated); NULL when it is not that encoding
 * (*bad = the offset of the first byte that is not) or out of memory (*bad = len). */
static char *convert(const char *from, const char *in, size_t len, size_t *outlen, size_t *bad)
{
	iconv_t cd = iconv_open("UTF-8", from);
	*bad = len;
	if (cd == (iconv_t)-1)
		return NULL;
	size_t cap = len * 3 / 2 + 16, inleft = len;
	char *out = malloc(cap + 1), *i = (char *)in, *o = out;
	while (out) {
		size_t left = cap - (size_t)(o - out);
		if (iconv(cd, &i, &inleft, &o, &left) != (size_t)-1 && iconv(cd, NULL, NULL, &o, &left) != (size_t)-1)
			break;
		if (errno != E2BIG) {
			*bad = (size_t)(i - in);
			free(out);
			out = NULL;
			break;
		}
		size_t used = (size_t)(o - out);
		char *n = realloc(out, cap * 2 + 1);
		if (!n) {
			free(out);
			out = NULL;
			break;
		}
		out = n, o = n + used, cap *= 2;
	}
	iconv_close(cd);
	if (out) {
		*o = '\0';
		*outlen = (size_t)(o - out);
	}
	return out;
}

/* Vietnamese written in Windows-1258 uses few of its upper bytes: the letters of the alphabet, the
 * five combining tone marks, dong sign, typographic quotes and dashes. Any other upper byte means
 * the file is something else (Windows-1258 decodes almost any byte). */
static int plausible_1258(const char *s, size_t len)
{
	static const char viet[] = "\xc0\xc1\xc2\xc3\xc8\xc9\xca\xcd\xd0\xd3\xd4\xd5\xd9\xda\xdd"
				   "\xe0\xe1\xe2\xe3\xe8\xe9\xea\xed\xf0\xf3\xf4\xf5\xf9\xfa\xfd"
				   "\xcc\xd2\xde\xec\xf2\xfe\xa0\x80\x85\x91\x92\x93\x94\x96\x97";
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)s[i] >= 0x80 && !memchr(viet, s[i], sizeof viet - 1))
			return 0;
	return 1;
}

/* UTF-16 without a byte-order mark (some exports leave it out): the separators, digits and line
 * ends put a NUL in every other byte, and the other half has hardly any (一 is 00 4E).
 * "UTF-16LE", "UTF-16BE" or NULL when the first bytes do not say so. */
static const char *utf16_unmarked(const char *s, size_t len)
{
	size_t n = len < 4096 ? len & ~(size_t)1 : 4096, z[2] = {0, 0};
	for (size_t i = 0; i < n; i++)
		z[i & 1] += !s[i];
	if (n < 4)
		return NULL;
	if (z[1] >= 2 && z[1] >= n / 8 && z[0] <= z[1] / 16)
		return "UTF-16LE";
	if (z[0] >= 2 && z[0] >= n / 8 && z[1] <= z[0] / 16)
		return "UTF-16BE";
	return NULL;
}

static int line_of(const char *s, size_t off)
{
	int line = 1;
	for (size_t i = 0; i < off; i++)
		line += s[i] == '\n';
	return line;
}

/* The first line that is not UTF-8 (or holds a NUL), 0 when all are. */
static int bad_utf8_line(const char *s, size_t len)
{
	if (ut_utf8_valid(s, len) && !memchr(s, '\0', len))
		return 0;
	size_t start = 0;
	for (size_t i = 0; i <= len; i++) {
		if (i == len || s[i] == '\n') {
			if (!ut_utf8_valid(s + start, i - start) || memchr(s + start, '\0', i - start))
				return line_of(s, start);
			start = i + 1;
		}
	}
	return 1;
}

/* The separator a spreadsheet used: the most frequent of , ; tab outside quotes in the first lines. */
static char detect_sep(const char *s, size_t len)
{
	int n[3] = {0, 0, 0}, lines = 0, q = 0;
	for (size_t i = 0; i < len && lines < 10; i++) {
		if (s[i] == '"')
			q = !q;
		else if (!q && s[i] == '\n')
			lines++;
		else if (!q)
			n[0] += s[i] == ',', n[1] += s[i] == ';', n[2] += s[i] == '\t';
	}
	return n[2] > n[0] && n[2] >= n[1] ? '\t' : n[1] > n[0] ? ';' : ',';
}

typedef struct encoding {
	const char *name, *iconv, *aliases; /* aliases: ',' around each */
} encoding_t;

static const encoding_t encodings[] = {
	{"UTF-8", "UTF-8", ",utf-8,utf8,"},
	{"UTF-16", "UTF-16", ",utf-16,utf16,unicode,utf-16le,"},
	{"GB18030", "GB18030", ",gb18030,gbk,gb2312,cp936,"},
	{"Big5", "BIG5", ",big5,big-5,cp950,"},
	{"Windows-1258", "CP1258", ",windows-1258,cp1258,"},
	{0},
};

static const encoding_t *encoding_find(const char *name)
{
	char key[40];
	snprintf(key, sizeof key, ",%s,", name);
	for (char *p = key; *p; p++)
		*p = (char)(*p >= 'A' && *p <= 'Z' ? *p + 32 : *p);
	for (const encoding_t *e = encodings; e->name; e++)
		if (strstr(e->aliases, key))
			return e;
	return NULL;
}

int ut_sheet_encoding_known(const char *name) { return name && strlen(name) < 30 && encoding_find(name); }

/* ---- .xlsx: the first sheet of the workbook ---- */

typedef struct xrow {
	int line, n;
	char **cell;
	unsigned char *num;
} xrow_t;

typedef struct xp {
	ut_sheet_t *s;
	int part; /* which file is parsed */
	char *txt;
	size_t tlen, tcap;
	int collect, in_rph, in_is;
	/* workbook and its relationships */
	char rid[128], target[512];
	int date1904, have_sheet;
	/* shared strings */
	char **sst;
	size_t nsst, csst;
	/* the sheet */
	int row, col;
	char type[16];
	char **cells;
	unsigned char *nums;
	int ncells, ccells;
	xrow_t *rows;
	int nrows, crows;
	int failed; /* out of memory or over a limit */
} xp_t;

#define XLSX_MAX_COLS 1024
#define XLSX_MAX_PART (256u << 20) /* bytes of XML one part may inflate to */

static const char *local(const char *n)
{
	const char *c = strrchr(n, ':');
	return c ? c + 1 : n;
}

static const char *attr(const char **atts, const char *name, int prefixed)
{
	for (int i = 0; atts[i]; i += 2)
		if (!strcmp(local(atts[i]), name) && (!prefixed || strchr(atts[i], ':')))
			return atts[i + 1];
	return NULL;
}

static void XMLCALL on_text(void *u, const XML_Char *t, int len)
{
	xp_t *x = u;
	if (!x->collect || x->in_rph || x->failed)
		return;
	if (x->tlen + (size_t)len + 1 > x->tcap) {
		size_t cap = (x->tlen + (size_t)len + 1) * 2;
		char *n = realloc(x->txt, cap);
		if (!n) {
			x->failed = 1;
			return;
		}
		x->txt = n, x->tcap = cap;
	}
	memcpy(x->txt + x->tlen, t, (size_t)len);
	x->tlen += (size_t)len;
	x->txt[x->tlen] = '\0';
}

enum { PART_WORKBOOK, PART_RELS, PART_SST, PART_SHEET };

static void XMLCALL on_start(void *u, const XML_Char *name, const XML_Char **atts)
{
	xp_t *x = u;
	const char *n = local(name), *v;
	switch (x->part) {
	case PART_WORKBOOK:
		if (!strcmp(n, "workbookPr") && (v = attr(atts, "date1904", 0)))
			x->date1904 = !strcmp(v, "1") || !strcmp(v, "true");
		if (!strcmp(n, "sheet") && !x->have_sheet && (v = attr(atts, "id", 1))) {
			snprintf(x->rid, sizeof x->rid, "%s", v);
			x->have_sheet = 1;
		}
		break;
	case PART_RELS:
		if (!strcmp(n, "Relationship") && (v = attr(atts, "Id", 0)) && !strcmp(v, x->rid) &&
		    (v = attr(atts, "Target", 0))) {
			if (*v == '/')
				snprintf(x->target, sizeof x->target, "%s", v + 1);
			else
				snprintf(x->target, sizeof x->target, "xl/%s", v);
		}
		break;
	case PART_SST:
		if (!strcmp(n, "si")) {
			x->tlen = 0;
			if (x->txt)
				x->txt[0] = '\0';
		} else if (!strcmp(n, "t"))
			x->collect = 1;
		else if (!strcmp(n, "rPh"))
			x->in_rph = 1;
		break;
	case PART_SHEET:
		if (!strcmp(n, "row")) {
			v = attr(atts, "r", 0);
			x->row = v ? atoi(v) : x->row + 1;
			x->ncells = 0, x->col = -1;
		} else if (!strcmp(n, "c")) {
			int col = 0;
			v = attr(atts, "r", 0);
			for (const char *p = v; p && *p >= 'A' && *p <= 'Z'; p++)
				col = col * 26 + (*p - 'A' + 1);
			x->col = v && col ? col - 1 : x->col + 1;
			v = attr(atts, "t", 0);
			snprintf(x->type, sizeof x->type, "%s", v ? v : "n");
			x->tlen = 0;
			if (x->txt)
				x->txt[0] = '\0';
		} else if (!strcmp(n, "v") || (!strcmp(n, "t") && x->in_is))
			x->collect = 1;
		else if (!strcmp(n, "is"))
			x->in_is = 1;
		else if (!strcmp(n, "rPh"))
			x->in_rph = 1;
		break;
	}
}

static char *xdup(xp_t *x, const char *s)
{
	char *d = ut_arena_strdup(&x->s->a, s);
	if (!d)
		x->failed = 1;
	return d;
}

/* The cell just read, at its column of the current row. */
static void cell_end(xp_t *x)
{
	const char *t = x->txt ? x->txt : "";
	int num = 0;
	char b[8];
	if (!strcmp(x->type, "s")) {
		size_t i = (size_t)strtoul(t, NULL, 10);
		t = i < x->nsst ? x->sst[i] : "";
	} else if (!strcmp(x->type, "b"))
		t = strcpy(b, !strcmp(t, "1") ? "1" : "0");
	else if (!strcmp(x->type, "n"))
		num = 1;
	if (x->col < 0 || x->col >= XLSX_MAX_COLS) {
		if (*t)
			x->failed = 2;
		return;
	}
	if (x->col >= x->ccells) {
		int cap = x->col + 16;
		char **c = realloc(x->cells, (size_t)cap * sizeof *c);
		unsigned char *nm = c ? realloc(x->nums, (size_t)cap) : NULL;
		if (c)
			x->cells = c;
		if (!nm) {
			x->failed = 1;
			return;
		}
		x->nums = nm, x->ccells = cap;
	}
	while (x->ncells <= x->col)
		x->cells[x->ncells] = "", x->nums[x->ncells++] = 0;
	if (*t && !(x->cells[x->col] = xdup(x, t)))
		return;
	x->nums[x->col] = (unsigned char)num;
}

static void row_end(xp_t *x)
{
	if (!x->ncells)
		return;
	if (x->nrows == x->crows) {
		int cap = x->crows ? x->crows * 2 : 256;
		xrow_t *r = realloc(x->rows, (size_t)cap * sizeof *r);
		if (!r) {
			x->failed = 1;
			return;
		}
		x->rows = r, x->crows = cap;
	}
	xrow_t *r = &x->rows[x->nrows++];
	r->line = x->row;
	r->n = x->ncells;
	r->cell = (char **)ut_arena_ptrs(&x->s->a, (size_t)x->ncells);
	r->num = ut_arena_alloc(&x->s->a, (size_t)x->ncells);
	if (!r->cell || !r->num) {
		x->failed = 1;
		return;
	}
	memcpy(r->cell, x->cells, (size_t)x->ncells * sizeof *r->cell);
	memcpy(r->num, x->nums, (size_t)x->ncells);
}

static void XMLCALL on_end(void *u, const XML_Char *name)
{
	xp_t *x = u;
	const char *n = local(name);
	if (!strcmp(n, "rPh"))
		x->in_rph = 0;
	if (x->part == PART_SST && !strcmp(n, "t"))
		x->collect = 0;
	else if (x->part == PART_SST && !strcmp(n, "si")) {
		if (x->nsst == x->csst) {
			size_t cap = x->csst ? x->csst * 2 : 1024;
			char **v = realloc(x->sst, cap * sizeof *v);
			if (!v) {
				x->failed = 1;
				return;
			}
			x->sst = v, x->csst = cap;
		}
		x->sst[x->nsst++] = xdup(x, x->txt ? x->txt : "");
	} else if (x->part == PART_SHEET) {
		if (!strcmp(n, "v") || !strcmp(n, "t"))
			x->collect = 0;
		else if (!strcmp(n, "is"))
			x->in_is = 0;
		else if (!strcmp(n, "c"))
			cell_end(x);
		else if (!strcmp(n, "row"))
			row_end(x);
	}
}

/* Parse one part of the package; a part that is not there is 1 (some are optional). */
static int parse_part(zip_t *z, xp_t *x, const char *name, int part)
{
	zip_file_t *f = zip_fopen(z, name, ZIP_FL_NOCASE);
	if (!f)
		return 1;
	XML_Parser p = XML_ParserCreate("UTF-8");
	if (!p) {
		zip_fclose(f);
		return UT_ENOMEM;
	}
	XML_SetUserData(p, x);
	XML_SetElementHandler(p, on_start, on_end);
	XML_SetCharacterDataHandler(p, on_text);
	x->part = part;
	x->collect = x->in_rph = x->in_is = 0;
	char buf[65536];
	size_t total = 0;
	zip_int64_t n;
	int rc = 0;
	do {
		n = zip_fread(f, buf, sizeof buf);
		total += n > 0 ? (size_t)n : 0;
		if (n < 0 || total > XLSX_MAX_PART) {
			add_error(x->s, 0, n < 0 ? _("%s in the workbook cannot be read") : _("%s in the workbook is too large"), name);
			rc = UT_EINVAL;
		} else if (XML_Parse(p, buf, (int)n, n == 0) == XML_STATUS_ERROR) {
			add_error(x->s, 0, _("%s in the workbook is not XML: %s (line %lu)"), name,
				  XML_ErrorString(XML_GetErrorCode(p)), (unsigned long)XML_GetCurrentLineNumber(p));
			rc = UT_EINVAL;
		}
	} while (!rc && n > 0 && !x->failed);
	XML_ParserFree(p);
	zip_fclose(f);
	if (!rc && x->failed == 2) {
		add_error(x->s, 0, _("the sheet has cells beyond its first %d columns"), XLSX_MAX_COLS);
		rc = UT_EINVAL;
	} else if (!rc && x->failed)
		rc = UT_ENOMEM;
	return rc;
}

static int xlsx_load(ut_sheet_t *s, const char *data, size_t len, xp_t *x)
{
	zip_error_t ze;
	zip_error_init(&ze);
	zip_source_t *src = zip_source_buffer_create(data, len, 0, &ze);
	zip_t *z = src ? zip_open_from_source(src, ZIP_RDONLY, &ze) : NULL;
	int rc = 0;
	if (!z) {
		add_error(s, 0, _("not a readable .xlsx workbook (%s)"), zip_error_strerror(&ze));
		zip_source_free(src);
		zip_error_fini(&ze);
		return UT_EINVAL;
	}
	x->s = s;
	if ((rc = parse_part(z, x, "xl/workbook.xml", PART_WORKBOOK)) < 0 ||
	    (x->have_sheet && (rc = parse_part(z, x, "xl/_rels/workbook.xml.rels", PART_RELS)) < 0) ||
	    (rc = parse_part(z, x, "xl/sharedStrings.xml", PART_SST)) < 0)
		goto out;
	if (!*x->target)
		snprintf(x->target, sizeof x->target, "xl/worksheets/sheet1.xml");
	if ((rc = parse_part(z, x, x->target, PART_SHEET)) == 1) {
		add_error(s, 0, _("not an .xlsx workbook (no %s): save it as .xlsx or CSV"), x->target);
		rc = UT_EINVAL;
	}
out:
	zip_discard(z); /* also frees the source */
	zip_error_fini(&ze);
	return rc < 0 ? rc : 0;
}

/* ---- rows from either kind of file ---- */

typedef struct src {
	ut_csv_t csv;
	int text;
	xp_t *x;
	int xi;
	/* the current row */
	const char **cell;
	const unsigned char *num;
	int n, line;
	const char **buf; /* a text row's cells */
	int cap;
} src_t;

/* 1 with the next row, 0 at the end, UT_EINVAL (s->csv.err) or UT_ENOMEM. */
static int src_next(src_t *r)
{
	if (!r->text) {
		if (r->xi >= r->x->nrows)
			return 0;
		xrow_t *x = &r->x->rows[r->xi++];
		r->cell = (const char **)x->cell, r->num = x->num, r->n = x->n, r->line = x->line;
		return 1;
	}
	int rc = ut_csv_next(&r->csv);
	if (rc != 1)
		return rc;
	if (r->csv.n > r->cap) {
		int cap = r->csv.n + 16;
		const char **c = realloc(r->buf, (size_t)cap * sizeof *c);
		if (!c)
			return UT_ENOMEM;
		r->buf = c, r->cap = cap;
	}
	r->cell = r->buf;
	for (int i = 0; i < r->csv.n; i++)
		r->cell[i] = ut_csv_field(&r->csv, i);
	r->num = NULL, r->n = r->csv.n, r->line = r->csv.line;
	return 1;
}

/* s without what is in brackets, ( ) （ ） [ ] 【 】, into out. */
static void unbracket(const char *s, char *out, size_t cap)
{
	static const char *const open[] = {"(", "\xef\xbc\x88", "[", "\xe3\x80\x90"},
				 *const close[] = {")", "\xef\xbc\x89", "]", "\xe3\x80\x91"};
	size_t n = 0;
	int depth = 0;
	while (*s && n + 1 < cap) {
		size_t w = 0;
		for (int k = 0; k < 4 && !w; k++)
			if (!strncmp(s, open[k], strlen(open[k])))
				w = strlen(open[k]), depth++;
			else if (depth && !strncmp(s, close[k], strlen(close[k])))
				w = strlen(close[k]), depth--;
		if (w)
			s += w;
		else if (depth)
			s++;
		else
			out[n++] = *s++;
	}
	out[n] = '\0';
}

/* The table column a header cell names, -1 for none. */
static int header_col(const fcol_t *fc, int ncols, const char *folded)
{
	for (int j = 0; j < ncols; j++)
		if (in_list(fc[j].hdr, folded))
			return j;
	return -1;
}

/* How many columns of the table the row names; map[i] = the table column of cell i (-1 none, -2
 * the serial number: the first filled cell, as a sheet may start in its second column). */
static int header_match(const fcol_t *fc, int ncols, char *const *serial, const src_t *r, int *map)
{
	int n = 0, first = 1;
	for (int i = 0; i < r->n; i++) {
		char f[256], cell[256], bare[256];
		size_t len;
		const char *t = trim(r->cell[i], &len);
		snprintf(cell, sizeof cell, "%.*s", (int)(len < 255 ? len : 255), t);
		fold(cell, f, sizeof f);
		map[i] = -1;
		if (!len)
			continue;
		if (first && (first = 0, in_list(serial, f))) {
			map[i] = -2;
			continue;
		}
		if ((map[i] = header_col(fc, ncols, f)) < 0 && strpbrk(cell, "([\xef\xe3")) {
			unbracket(cell, bare, sizeof bare);
			fold(bare, f, sizeof f);
			map[i] = header_col(fc, ncols, f);
		}
		n += map[i] >= 0;
	}
	return n;
}

/* ---- the reader ---- */

/* A cell of column c normalised by its kind (from the arena), or NULL with the error recorded. */
static const char *cell_value(ut_sheet_t *s, const ut_sheet_col_t *c, const char *head, const fcol_t *fc, const char *raw, int num,
			      int line, int day_first, int date1904)
{
	size_t len;
	const char *t = trim(raw, &len);
	char buf[64], v[16], alt[16];
	if (num && len < sizeof buf) { /* an xlsx number: its digits, as Excel showed them */
		memcpy(buf, t, len);
		buf[len] = '\0';
		char *e;
		double d = strtod(buf, &e);
		if (c->kind == UT_SHEET_DATE)
			return !*e && !serial_date(d, date1904, v) ? ut_arena_strdup(&s->a, v)
				: (add_error(s, line, _("%s %s is not a date"), head, buf), NULL);
		if (!*e && isfinite(d) && d == floor(d) && fabs(d) < 1e15)
			snprintf(buf, sizeof buf, "%.0f", d), t = buf, len = strlen(buf);
	}
	char *out = ut_arena_alloc(&s->a, len + 1);
	if (!out)
		return NULL;
	memcpy(out, t, len);
	if (!len) {
		if (c->required)
			add_error(s, line, _("%s is empty"), head);
		return c->required ? NULL : out;
	}
	switch (c->kind) {
	case UT_SHEET_TEXT: return out;
	case UT_SHEET_NAME: {
		/* as ut-enrold stores names, so that it can be compared byte for byte */
		char *nfc = (char *)utf8proc_NFC((const utf8proc_uint8_t *)out);
		const char *name = nfc ? ut_arena_strdup(&s->a, nfc) : NULL;
		free(nfc);
		return name;
	}
	case UT_SHEET_CODE:
		if (!scientific(out))
			return out;
		add_error(s, line, _("%s \"%s\" is a number in scientific notation, its digits lost: format the column as text"
				     " in the spreadsheet and export again"), head, out);
		return NULL;
	case UT_SHEET_DATE:
		switch (parse_date(out, day_first, v, alt)) {
		case 0: return ut_arena_strdup(&s->a, v);
		case -2:
			add_error(s, line, _("%s \"%s\" could be %s or %s: write the date as YYYY-MM-DD"), head, out, v, alt);
			return NULL;
		default:
			add_error(s, line, _("%s \"%s\" is not a date (2025-06-01, 2025/6/1, 2025.6.1, %s)"), head, out,
				  day_first ? _("01/06/2025 for 1 June") : "2025年6月1日");
			return NULL;
		}
	case UT_SHEET_WORD: {
		for (int i = 0; c->words[i].value; i++)
			if (!strcmp(out, c->words[i].value)) /* the common case, without folding */
				return c->words[i].value;
		char f[256];
		fold(out, f, sizeof f);
		for (int i = 0; c->words[i].value; i++)
			if (in_list(fc->words[i], f))
				return c->words[i].value;
		char list[400] = ""; /* the words in the reader's language */
		for (int i = 0; c->words[i].value; i++)
			snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s", i ? ", " : "",
				 ut_tr_word(c->words[i].value));
		add_error(s, line, _("%s \"%s\" is not one of %s (in any of the four languages)"), head, out, list);
		return NULL;
	}
	}
	return out;
}

static int grow_rows(ut_sheet_t *s, int *cap)
{
	if (s->nrows < *cap)
		return 0;
	int n = *cap ? *cap * 2 : 256;
	char ***r = realloc(s->rows, (size_t)n * sizeof *r);
	if (!r)
		return UT_ENOMEM;
	s->rows = r;
	int *l = realloc(s->lines, (size_t)n * sizeof *l);
	if (!l)
		return UT_ENOMEM;
	s->lines = l;
	unsigned char *b = realloc(s->bad, (size_t)n);
	if (!b)
		return UT_ENOMEM;
	s->bad = b;
	*cap = n;
	return 0;
}

/* "the required column 'x' is missing", with the first of its other names. */
static void missing(ut_sheet_t *s, int line, const ut_sheet_col_t *c)
{
	char also[160] = "";
	const char *a = c->aliases;
	for (int k = 0; k < 3 && a; k++) {
		const char *bar = strchr(a, '|');
		int n = bar ? (int)(bar - a) : (int)strlen(a);
		snprintf(also + strlen(also), sizeof also - strlen(also), "%s%.*s", k ? ", " : "", n, a);
		a = bar ? bar + 1 : NULL;
	}
	add_error(s, line, _("the required column '%s' is missing (also read as %s, ...)"), c->name, also);
}

/* The header (within the first lines: titles above it are skipped) and every row under it. */
static int read_rows(ut_sheet_t *s, src_t *r, const ut_sheet_col_t *cols, const fcol_t *fc, int ncols,
		     char *const *serial, const ut_sheet_opts_t *o, int date1904)
{
	int *map = NULL, nmap = 0, rc = 0, hn = 0, found = 0, cap = 0, have[64] = {0};
	const char *head[64]; /* each column as the file's header names it, for messages */
	for (int j = 0; j < ncols; j++)
		head[j] = cols[j].name;
	for (int tries = 0; tries < (o->header_optional ? 1 : 10) && (rc = src_next(r)) == 1; tries++) {
		int *m = realloc(map, (size_t)r->n * sizeof *m);
		if (!m)
			return free(map), UT_ENOMEM;
		map = m, nmap = r->n;
		if ((found = header_match(fc, ncols, serial, r, map) > 0))
			break;
	}
	if (rc < 0)
		goto done;
	if (!map) {
		add_error(s, 0, _("the file is empty"));
		return UT_EINVAL;
	}
	if (found) {
		hn = r->n;
		char ignored[256] = "";
		for (int i = 0; i < nmap; i++) {
			size_t len;
			const char *t = trim(r->cell[i], &len);
			if (map[i] >= 0 && have[map[i]]++)
				add_error(s, r->line, _("two columns are %s (\"%.*s\" is the second)"), cols[map[i]].name, (int)len, t);
			else if (map[i] >= 0) {
				char h[64];
				snprintf(h, sizeof h, "%.*s", (int)(len < 60 ? len : 60), t);
				for (char *p = h; *p; p++)
					*p = *p == '\n' || *p == '\r' || *p == '\t' ? ' ' : *p;
				if (ut_utf8_valid(h, strlen(h)) && (head[map[i]] = ut_arena_strdup(&s->a, h)) == NULL)
					head[map[i]] = cols[map[i]].name;
			} else if (map[i] == -1 && len && strlen(ignored) < 200)
				snprintf(ignored + strlen(ignored), sizeof ignored - strlen(ignored), "%s\"%.*s\"",
					 *ignored ? ", " : "", (int)(len < 60 ? len : 60), t);
		}
		char said[400];
		snprintf(said, sizeof said, _("the columns %s are not read"), ignored);
		if (*ignored)
			s->warning = ut_arena_strdup(&s->a, said);
	} else if (o->header_optional) { /* no header: the first row is data, in table order */
		for (int i = 0; i < nmap; i++)
			map[i] = i < ncols ? i : -1;
		for (int j = 0; j < ncols; j++)
			have[j] = 1;
	}
	for (int j = 0; j < ncols; j++)
		s->has |= (unsigned long long)(have[j] > 0) << j;
	for (int j = 0; j < ncols; j++)
		if (cols[j].required && !have[j] && (found || !o->header_optional))
			missing(s, found ? r->line : 1, &cols[j]);
	if (s->nerrors) {
		free(map);
		return UT_EINVAL;
	}
	for (int first = !found; first || (rc = src_next(r)) == 1; first = 0) {
		if (r->text && found && r->n != hn) {
			add_error(s, r->line, _("%d fields where the header has %d"), r->n, hn);
			continue;
		}
		int any = 0;
		for (int i = 0; i < r->n && i < nmap && !any; i++)
			any = map[i] >= 0 && filled(r->cell[i]);
		if (!any) /* blank, or only the sheet's own numbering */
			continue;
		if (grow_rows(s, &cap))
			return free(map), UT_ENOMEM;
		char **row = (char **)ut_arena_ptrs(&s->a, (size_t)ncols);
		if (!row)
			return free(map), UT_ENOMEM;
		uint64_t seen = 0; /* the table's columns this row has a cell for */
		int before = s->nerrors;
		for (int j = 0; j < ncols; j++)
			row[j] = "";
		for (int i = 0; i < r->n && i < nmap; i++) {
			if (map[i] < 0)
				continue;
			seen |= 1ull << map[i];
			const char *v = cell_value(s, &cols[map[i]], head[map[i]], &fc[map[i]], r->cell[i], r->num ? r->num[i] : 0, r->line,
						   o->day_first, date1904);
			if (v)
				row[map[i]] = (char *)v;
		}
		for (int j = 0; j < ncols; j++) /* a row that ends before a required column (xlsx leaves out empty cells) */
			if (cols[j].required && have[j] && !(seen >> j & 1))
				add_error(s, r->line, _("%s is empty"), head[j]);
		if (s->a.failed)
			return free(map), UT_ENOMEM;
		s->lines[s->nrows] = r->line;
		s->bad[s->nrows] = s->nerrors > before;
		s->rows[s->nrows++] = row;
	}
done:
	free(map);
	if (rc == UT_ENOMEM)
		return rc;
	if (rc < 0)
		add_error(s, r->csv.line, "%s", r->csv.err ? r->csv.err : "unreadable");
	else if (!s->nerrors && !s->nrows)
		add_error(s, 0, _("no rows after the header"));
	return s->nerrors ? UT_EINVAL : 0;
}

/* The text's encoding: given, or UTF-8 / UTF-16 by their marks and validity, or the one legacy
 * encoding that decodes the file and under which its header is read best. */
static char *decode(ut_sheet_t *s, const char *data, size_t len, const ut_sheet_opts_t *o, const fcol_t *fc, int ncols,
		    char *const *serial, size_t *outlen)
{
	const encoding_t *e = o->encoding && *o->encoding ? encoding_find(o->encoding) : NULL;
	size_t bad;
	if (o->encoding && *o->encoding && !e) {
		add_error(s, 0, _("unknown encoding '%s' (%s)"), o->encoding, UT_SHEET_ENCODINGS);
		return NULL;
	}
	int bom16 = len >= 2 && (!memcmp(data, "\xff\xfe", 2) || !memcmp(data, "\xfe\xff", 2));
	const char *unmarked = bom16 ? NULL : utf16_unmarked(data, len);
	int first_bad = e && e != &encodings[0] ? 0 : bom16 || unmarked ? -1 : bad_utf8_line(data, len);
	if (!e && (bom16 || unmarked))
		e = &encodings[1];
	if (!e && ((len >= 3 && !memcmp(data, "\xef\xbb\xbf", 3)) || !first_bad))
		e = &encodings[0];
	if (e == &encodings[0]) {
		int line = first_bad;
		if (line) {
			add_error(s, line, "%s", o->encoding ? _("not valid UTF-8 text") : _("not valid UTF-8 text (nor GB18030, Big5 or Windows-1258)"));
			return NULL;
		}
		char *t = malloc(len + 1);
		if (t)
			memcpy(t, data, len), t[len] = '\0', *outlen = len;
		s->encoding = e->name;
		return t;
	}
	if (e) {
		char *t = convert(e == &encodings[1] && !bom16 ? (unmarked ? unmarked : "UTF-16LE") : e->iconv, data, len,
				  outlen, &bad);
		if (!t && bad < len)
			add_error(s, e == &encodings[1] ? 0 : line_of(data, bad), _("not valid %s text"), e->name);
		s->encoding = e->name;
		return t;
	}
	/* not UTF-8: try the legacy encodings, keep those under which the header reads best */
	char *best = NULL, names[96] = "", opts[96] = "";
	size_t blen = 0;
	int top = -1, ties = 0;
	for (const encoding_t *c = &encodings[2]; c->name; c++) {
		size_t n;
		char *t = convert(c->iconv, data, len, &n, &bad);
		if (!t && bad == len)
			return free(best), NULL;
		if (!t || (c == &encodings[4] && !plausible_1258(data, len))) {
			free(t);
			continue;
		}
		src_t r = {.text = 1};
		ut_csv_init(&r.csv, t, n);
		r.csv.sep = detect_sep(t, n);
		int score = 0, *map = NULL;
		for (int i = 0; i < 10 && src_next(&r) == 1; i++) {
			int *m = realloc(map, (size_t)r.n * sizeof *m);
			if (!m)
				break;
			map = m;
			int k = header_match(fc, ncols, serial, &r, map);
			if (k > score)
				score = k;
		}
		free(map);
		free(r.buf);
		ut_csv_free(&r.csv);
		snprintf(names + strlen(names), sizeof names - strlen(names), "%s%s", *names ? _(" or ") : "", c->name);
		snprintf(opts + strlen(opts), sizeof opts - strlen(opts), "%s%.*s", *opts ? _(" or ") : "",
			 (int)strcspn(c->aliases + 1, ","), c->aliases + 1);
		if (score > top) {
			free(best);
			best = t, blen = n, top = score, ties = 0;
			s->encoding = c->name;
		} else {
			ties += score == top;
			free(t);
		}
	}
	if (best && !ties && top > 0) {
		*outlen = blen;
		return best;
	}
	free(best);
	s->encoding = "UTF-8";
	if (*names)
		add_error(s, first_bad, _("not valid UTF-8 text; it reads as %s: give its encoding (--encoding %s)"), names,
			  opts);
	else
		add_error(s, first_bad, "%s", _("not valid UTF-8 text (nor GB18030, Big5 or Windows-1258)"));
	return NULL;
}

int ut_sheet_read(ut_sheet_t **out, const char *data, size_t len, const ut_sheet_col_t *cols, const ut_sheet_opts_t *o)
{
	ut_sheet_t *s = calloc(1, sizeof *s);
	*out = s;
	if (!s)
		return UT_ENOMEM;
	s->max_errors = o->max_errors > 0 ? o->max_errors : 50;
	s->encoding = "UTF-8";
	s->line_word = "line";
	int ncols = 0, rc = 0;
	while (cols[ncols].name)
		ncols++;
	s->errors = (char **)ut_arena_ptrs(&s->a, (size_t)s->max_errors);
	fcol_t *fc = ut_arena_alloc(&s->a, (size_t)ncols * sizeof *fc);
	char **serial = fold_list(&s->a, NULL, serial_aliases);
	for (int j = 0; fc && j < ncols; j++) {
		fc[j].hdr = fold_list(&s->a, cols[j].name, cols[j].aliases);
		int nw = 0;
		while (cols[j].words && cols[j].words[nw].value)
			nw++;
		fc[j].words = nw ? (char ***)ut_arena_ptrs(&s->a, (size_t)nw) : NULL;
		for (int k = 0; k < nw && fc[j].words; k++)
			fc[j].words[k] = fold_list(&s->a, cols[j].words[k].value, cols[j].words[k].aliases);
	}
	if (ncols > 64)
		return UT_EINVAL; /* the tables are ours: a bug */
	if (!s->errors || !fc || !serial || s->a.failed)
		return UT_ENOMEM;
	src_t r = {0};
	xp_t x = {0};
	char *text = NULL;
	if (len >= 8 && !memcmp(data, "\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", 8)) {
		add_error(s, 0, "%s", _("an Excel 97-2003 workbook (.xls): save it as .xlsx or CSV"));
		rc = UT_EINVAL;
	} else if (len >= 4 && !memcmp(data, "PK\x03\x04", 4)) {
		s->encoding = "xlsx";
		s->line_word = "row";
		if (!(rc = xlsx_load(s, data, len, &x)) && s->nerrors)
			rc = UT_EINVAL;
		r.x = &x;
	} else if (!len) {
		add_error(s, 0, _("the file is empty"));
		rc = UT_EINVAL;
	} else {
		size_t tlen = 0;
		text = decode(s, data, len, o, fc, ncols, serial, &tlen);
		if (!text)
			rc = s->nerrors ? UT_EINVAL : UT_ENOMEM;
		else {
			r.text = 1;
			ut_csv_init(&r.csv, text, tlen);
			s->sep = r.csv.sep = detect_sep(r.csv.p, (size_t)(r.csv.end - r.csv.p));
		}
	}
	if (!rc)
		rc = read_rows(s, &r, cols, fc, ncols, serial, o, x.date1904);
	free(r.buf);
	ut_csv_free(&r.csv);
	free(text);
	free(x.txt);
	free(x.sst);
	free(x.cells);
	free(x.nums);
	free(x.rows);
	if (s->a.failed)
		rc = UT_ENOMEM;
	return rc;
}

void ut_sheet_destroy(ut_sheet_t **s)
{
	if (!s || !*s)
		return;
	free((*s)->rows);
	free((*s)->lines);
	free((*s)->bad);
	ut_arena_free(&(*s)->a);
	free(*s);
	*s = NULL;
}
