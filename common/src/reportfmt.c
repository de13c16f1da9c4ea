/* Report presentation helpers: percentages, CSV cells, labels in zh-Hans, zh-Hant, vi and en. */
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

static const char *const locales[] = {"zh-Hans", "zh-Hant", "vi", "en"};

/* key, then zh-Hans, zh-Hant, vi, en */
static const char *const labels[][5] = {
	{"category", "培训类别", "培訓類別", "Loại hình", "Category"},
	{"format", "培训形式", "培訓形式", "Hình thức", "Format"},
	{"month", "月份", "月份", "Tháng", "Month"},
	{"yearly", "全年（计划、人数）", "全年（計劃、人數）", "Cả năm (kế hoạch, số người)", "Whole year (plans, cadres)"},
	{"in_person", "面授", "面授", "Trực tiếp", "In person"},
	{"online", "线上", "線上", "Trực tuyến", "Online"},
	{"on_site", "现场", "現場", "Tại cơ sở", "On site"},
	{"unit", "单位", "單位", "Đơn vị", "Unit"},
	{"node", "节点", "節點", "Đơn vị báo cáo", "Node"},
	{"total", "合计", "合計", "Tổng cộng", "Total"},
	{"this_node", "本级", "本級", "Cấp này", "This node"},
	{"classes_planned", "计划班次", "計劃班次", "Số lớp kế hoạch", "Classes planned"},
	{"classes_held", "已办班次", "已辦班次", "Số lớp đã tổ chức", "Classes held"},
	{"classes_pct", "班次完成率", "班次完成率", "% lớp so kế hoạch", "Classes % of plan"},
	{"classes_cancelled", "取消班次", "取消班次", "Số lớp hủy", "Classes cancelled"},
	{"participations_planned", "计划人次", "計劃人次", "Lượt học viên kế hoạch", "Participations planned"},
	{"participations", "参训人次", "參訓人次", "Lượt học viên tham gia", "Participations"},
	{"participations_pct", "人次完成率", "人次完成率", "% lượt so kế hoạch", "Participations % of plan"},
	{"enrolled_at_close", "结班时在册", "結班時在冊", "Học viên khi kết thúc lớp", "Enrolled at close"},
	{"attendance_rate", "出勤率", "出勤率", "Tỷ lệ chuyên cần", "Attendance rate"},
	{"completion_rate", "结业率", "結業率", "Tỷ lệ hoàn thành", "Completion rate"},
	{"rollcall_rate", "点名到课率", "點名到課率", "Tỷ lệ có mặt khi điểm danh", "Roll-call present rate"},
	{"reminders_sent", "已发提醒", "已發提醒", "Nhắc nhở đã gửi", "Reminders sent"},
	{"reminders_failed", "提醒失败", "提醒失敗", "Nhắc nhở thất bại", "Reminders failed"},
	{"registered_ft", "专职干部数", "專職幹部數", "Cán bộ chuyên trách", "Full-time cadres"},
	{"trained_ft", "专职已培训", "專職已培訓", "Chuyên trách đã đào tạo", "Full-time trained"},
	{"ft_pct", "专职覆盖率", "專職覆蓋率", "% chuyên trách", "Full-time coverage"},
	{"registered_pt", "兼职干部数", "兼職幹部數", "Cán bộ không chuyên trách", "Part-time cadres"},
	{"trained_pt", "兼职已培训", "兼職已培訓", "Không chuyên trách đã đào tạo", "Part-time trained"},
	{"pt_pct", "兼职覆盖率", "兼職覆蓋率", "% không chuyên trách", "Part-time coverage"},
	{"cumulative", "累计已培训", "累計已培訓", "Lũy kế đã đào tạo", "Trained so far"},
	{"cumulative_pct", "累计覆盖率", "累計覆蓋率", "% lũy kế", "Coverage so far"},
	{"coverage_target", "本年度覆盖率目标", "本年度覆蓋率目標", "Chỉ tiêu bao phủ đến hết năm", "Coverage target by the end of the year"},
	{"trained", "已培训干部", "已培訓幹部", "Cán bộ đã đào tạo", "Cadres trained"},
	{"registered", "在册干部", "在冊幹部", "Cán bộ đang quản lý", "Cadres registered"},
	{"coverage_pct", "覆盖率", "覆蓋率", "Tỷ lệ bao phủ", "Coverage"},
	{"seq", "快照序号", "快照序號", "Số phiên bản", "Snapshot"},
	{"received", "收到时间", "收到時間", "Thời điểm nhận", "Received"},
	{"stale", "逾期未报", "逾期未報", "Quá hạn báo cáo", "Stale"},
	{"nodes", "节点数", "節點數", "Số đơn vị", "Nodes"},
	{"yes", "是", "是", "có", "yes"},
	{"no", "否", "否", "không", "no"},
	{"never", "从未", "從未", "chưa có", "never"},
	/* unit types, as ut-enrold names them: what a parent sees of its children's units */
	{"union", "工会", "工會", "Công đoàn", "Union"},
	{"enterprise", "企业", "企業", "Doanh nghiệp", "Enterprise"},
	{"school", "学校", "學校", "Trường học", "School"},
	{"agency", "机关", "機關", "Cơ quan", "Agency"},
	{"public_body", "事业单位", "事業單位", "Đơn vị sự nghiệp", "Public body"},
	{"social_org", "社会组织", "社會組織", "Tổ chức xã hội", "Social organisation"},
	/* course categories, as ut-schedd names them */
	{"onboarding", "新任干部入职培训", "新任幹部入職培訓", "Bồi dưỡng cán bộ mới", "Onboarding"},
	{"chair_rotation", "主席轮训", "主席輪訓", "Bồi dưỡng chủ tịch", "Chair rotation"},
	{"finance_audit", "财务审计", "財務審計", "Tài chính, kiểm tra", "Finance and audit"},
	{"information", "信息宣传", "信息宣傳", "Thông tin, tuyên truyền", "Information"},
	{"negotiation", "集体协商", "集體協商", "Đối thoại, thương lượng", "Negotiation"},
	{"labour_law", "劳动法律", "勞動法律", "Pháp luật lao động", "Labour law"},
	{"safety", "安全生产", "安全生產", "An toàn vệ sinh lao động", "Safety"},
	{"other", "其他", "其他", "Khác", "Other"},
	{"", "未分类", "未分類", "Chưa phân loại", "Unclassified"},
};

int ut_report_locale_known(const char *locale)
{
	for (size_t i = 0; i < sizeof locales / sizeof locales[0]; i++)
		if (locale && !strcmp(locale, locales[i]))
			return 1;
	return 0;
}

const char *ut_report_label(const char *locale, const char *key)
{
	size_t li = 3;
	for (size_t i = 0; i < sizeof locales / sizeof locales[0]; i++)
		if (locale && !strcmp(locale, locales[i]))
			li = i;
	for (size_t i = 0; i < sizeof labels / sizeof labels[0]; i++)
		if (!strcmp(labels[i][0], key))
			return labels[i][1 + li];
	return key;
}
