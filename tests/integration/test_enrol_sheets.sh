# The files officers really have, imported into a real node (locale vi): an .xlsx saved by Excel
# (a title row, 序号, Chinese headers, dates as serials, a phone as a number, an extra column),
# Excel's "Unicode text" (UTF-16, tabs) with Vietnamese headers and day-first dates, a
# Windows-1258 file with semicolons and a GB18030 one, both detected; every error of every line,
# the scientific-notation phone with its hint, all or nothing; roll-call sheets with marks in
# Chinese and Vietnamese, as .xlsx and as CSV, cadres by id or by name.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/enrol_lib.sh"

write_config '[node]' 'locale = vi'
start_enrol_node
utctl unit add --code XQ --name '海淀区总工会' --kind union >/dev/null
utctl unit add --code HN --name 'Liên đoàn Lao động quận' --kind union >/dev/null
xlsx() { "$UT_TOOLS/ut-xlsx-write" "$@"; }
count() { sql ut-enrold 'SELECT count(*) FROM cadres'; }
# An .xlsx as Excel saves it (tabs separate the cells given to the writer; # a number, @ a date).
{
	printf '2025年海淀区工会干部名册\n\n'
	printf '序号\t工号\t姓名\t单位\t职务\t专兼职\t当选日期\t手机\t电子邮箱\t备注\n'
	printf '#1\tX001 \t王丽华\tXQ\t主席\t专职\t@2025-06-01\t#13800138000\twang@example.org \t新任\n'
	printf '#2\t#1002\t李娜\tXQ\t副主席\t兼职\t2024.12.31\t\t\t\n'
	printf '#3\tX003\t陳大文\tXQ\t經審委員\t\t2023/3/5\t\t\t\n'
	printf '#4\n'
} >"$T/cadres.tsv"
xlsx "$T/cadres.xlsx" <"$T/cadres.tsv"
check_run "the workbook: a dry run reads three cadres" 0 'would be 3 added' utctl cadre import "$T/cadres.xlsx" --dry-run
check_run "the extra column is named once" 0 'warning: .*cadres.xlsx: the columns "备注" are not read' \
	utctl cadre import "$T/cadres.xlsx" --dry-run
check_run "the workbook imported" 0 '^imported: 3 added' utctl cadre import "$T/cadres.xlsx"
check "trimmed id and email, position and full-time from Chinese, date from its serial, the phone's digits" \
	"王丽华|chair|1|2025-06-01|wang@example.org|13800138000" \
	"$(sql ut-enrold "SELECT name, position, full_time, elected_on, email, phone FROM cadres WHERE id = 'X001'")"
check "an id typed as a number, part-time, a dotted date" "李娜|vice_chair|0|2024-12-31" \
	"$(sql ut-enrold "SELECT name, position, full_time, elected_on FROM cadres WHERE id = '1002'")"
check "traditional Chinese position, slashed date" "finance_audit|2023-03-05" \
	"$(sql ut-enrold "SELECT position, elected_on FROM cadres WHERE id = 'X003'")"
xlsx --inline "$T/inline.xlsx" <"$T/cadres.tsv"
check_run "the same cadres with inline strings change nothing" 0 '^imported: 0 added, 0 changed, 3 unchanged' \
	utctl cadre import "$T/inline.xlsx"

# Excel's "Unicode text": UTF-16 with a byte-order mark, tab-separated; day-first dates on a vi node.
printf 'STT\tMã cán bộ\tHọ và tên\tĐơn vị\tChức vụ\tChuyên trách\tNgày bầu\tSố điện thoại\tNgôn ngữ\r\n1\tV01\tNguyễn Thị Hương\tHN\tChủ tịch\tCó\t01/06/2025\t0912 345 678\tTiếng Việt\r\n2\tV02\tLê Văn Tám\tHN\tPhó Chủ tịch\tKiêm nhiệm\t13/06/2025\t\tvi\r\n' |
	iconv -f UTF-8 -t UTF-16 >"$T/unicode.txt"
check_run "UTF-16 text with tabs" 0 '^imported: 2 added' utctl cadre import "$T/unicode.txt"
check "Vietnamese words, 01/06/2025 is the first of June" "Nguyễn Thị Hương|chair|1|2025-06-01|0912 345 678|vi" \
	"$(sql ut-enrold "SELECT name, position, full_time, elected_on, phone, locale FROM cadres WHERE id = 'V01'")"
check "part-time in Vietnamese" "vice_chair|0|2025-06-13" \
	"$(sql ut-enrold "SELECT position, full_time, elected_on FROM cadres WHERE id = 'V02'")"

# Vietnamese Windows (Windows-1258) with semicolons, and Chinese Windows (GB18030): detected.
printf 'Mã cán bộ;Họ và tên;Đơn vị;Chức vụ\r\nW01;Trần Văn Đức;HN;Ủy viên\r\n' | iconv -f UTF-8 -t CP1258 >"$T/vn1258.csv"
check_run "Windows-1258 and semicolons detected" 0 '^imported: 1 added' utctl cadre import "$T/vn1258.csv"
check "its name and position" "Trần Văn Đức|committee_member" "$(sql ut-enrold "SELECT name, position FROM cadres WHERE id = 'W01'")"
printf '工号,姓名,单位,职务\r\nG01,张伟,XQ,其他\r\n' | iconv -f UTF-8 -t GB18030 >"$T/gb.csv"
check_run "GB18030 detected by its header" 0 '^imported: 1 added' utctl cadre import "$T/gb.csv"
check "its name" "张伟|other" "$(sql ut-enrold "SELECT name, position FROM cadres WHERE id = 'G01'")"

# Units by their exact names as well as by code; a name two units share is refused.
utctl unit add --code S1 --name 'Công đoàn trường học' --kind school --parent HN >/dev/null
utctl unit add --code S2 --name 'Công đoàn trường học' --kind school --parent XQ >/dev/null
printf 'id,name,unit,position\nN1,Phạm Thu,Liên đoàn Lao động quận,chair\nN2,王芳,海淀区总工会 ,other\n' >"$T/unitnames.csv"
check_run "units named by name" 0 '^imported: 2 added' utctl cadre import "$T/unitnames.csv"
check "their units" "HN XQ" "$(sql ut-enrold "SELECT group_concat(code, ' ') FROM (SELECT u.code FROM cadres c JOIN units u ON u.id = c.unit_id WHERE c.id IN ('N1', 'N2') ORDER BY c.id)")"
printf 'id,name,unit,position\nN3,Võ An,Công đoàn trường học,chair\nN4,Võ Bình,S2,chair\n' >"$T/unitshared.csv"
check_run "a unit name two units share" 1 'line 2: several units are named Công đoàn trường học: give the unit.s code' \
	utctl cadre import "$T/unitshared.csv"

# Every error of every line, the daemon's (unknown unit, repeated id) with the reader's; nothing stored.
before=$(count)
{
	printf '序号\t工号\t姓名\t单位\t职务\t当选日期\t手机\n'
	printf '#1\tE1\t\tXQ\t国王\t2025-02-30\t1.38001E+10\n'
	printf '#2\tE2\t好人\tNOPE\t主席\t\t\n'
	printf '#3\tE3\t好人\tXQ\t主席\t\t\n'
	printf '#4\tE3\t又一个\tXQ\t主席\t\t\n'
} >"$T/bad.tsv"
xlsx "$T/bad.xlsx" <"$T/bad.tsv"
out=$(utctl cadre import "$T/bad.xlsx" 2>&1); st=$?
check "the bad workbook is refused" 1 "$st"
for want in 'row 2: 姓名 is empty' 'row 2: 职务 "国王" is not one of' 'row 2: 当选日期 "2025-02-30" is not a date' \
	'row 2: 手机 "1.38001E\+10" is a number in scientific notation.*format the column as text' \
	'row 3: no unit NOPE' 'row 5: cadre id E3 is also on line 4' 'bad.xlsx: nothing is imported'; do
	grep -qE -- "$want" <<<"$out" && ok "reported: $want" || fail "not reported: $want in: $out"
done
check "nothing of the bad workbook was stored" "$before" "$(count)"
printf 'id,name,unit,position,phone\nS1,A,XQ,chair,1.38001E+10\n' >"$T/sci.csv"
check_run "a phone in scientific notation in a CSV" 1 'line 2: phone "1.38001E\+10" is a number in scientific notation' \
	utctl cadre import "$T/sci.csv"
check "still nothing stored" "$before" "$(count)"

# Roll-call sheets: marks in Chinese (xlsx, by cadre id under 工号) and Vietnamese (CSV).
utctl course add --code SAFE --title 'An toàn lao động' --category safety >/dev/null
utctl class add --course SAFE --capacity 10 --session '2027-04-01 09:00-12:00' --session '2027-04-02 09:00-12:00' >/dev/null
wait_for "the class is known" 1 sql ut-enrold "SELECT count(*) FROM sched_classes"
mapfile -t S < <(sql ut-enrold "SELECT id FROM sched_sessions WHERE class_id = 1 ORDER BY starts_at")
printf 'X001\n1002\nX003\nV01\n' | utctl enrol bulk 1 >/dev/null
printf '序号\t姓名\t工号\t签到\n#1\t王丽华\tX001\t到\n#2\t李娜\t#1002\t迟到\n#3\t陳大文\tX003\t请假\n#4\tNguyễn Thị Hương\tV01\t缺席\n' |
	xlsx "$T/sheet.xlsx"
check_run "a Chinese sign-in workbook" 0 '^4 marked' utctl rollcall mark 1 1 --force --file "$T/sheet.xlsx"
check "its marks" "1002:late X001:present X003:excused V01:absent" \
	"$(sql ut-enrold "SELECT group_concat(cadre_id || ':' || mark, ' ') FROM (SELECT cadre_id, mark FROM attendance WHERE session_id = ${S[0]} ORDER BY cadre_id = 'V01', cadre_id)")"
printf 'STT,Mã cán bộ,Điểm danh\n1,X001 ,có mặt\n2,1002,Vắng có phép\n3,X003,Đi muộn\n4,V01,Vắng\n' >"$T/sheet_vi.csv"
check_run "a Vietnamese sign-in sheet" 0 '^4 marked' utctl rollcall mark 1 2 --force --file "$T/sheet_vi.csv"
check "its marks" "1002:excused X001:present X003:late V01:absent" \
	"$(sql ut-enrold "SELECT group_concat(cadre_id || ':' || mark, ' ') FROM (SELECT cadre_id, mark FROM attendance WHERE session_id = ${S[1]} ORDER BY cadre_id = 'V01', cadre_id)")"
# by name where the id is empty: exactly one active cadre of that name (NFC, as stored), else refused
printf '姓名,签到\n王丽华,迟到\nNguye\xcc\x82\xcc\x83n Thi\xcc\xa3 Hu\xcc\x9bo\xcc\x9bng,出席\n' >"$T/names.csv"
check_run "a sheet by names" 0 '^2 marked \(2 corrections\)' utctl rollcall mark 1 1 --force --file "$T/names.csv"
check "marked by name" "X001:late V01:present" \
	"$(sql ut-enrold "SELECT group_concat(cadre_id || ':' || mark, ' ') FROM (SELECT cadre_id, mark FROM attendance WHERE session_id = ${S[0]} AND revision = 2 ORDER BY cadre_id DESC)")"
utctl cadre add --id X009 --name '李娜' --unit XQ --position other >/dev/null
printf '姓名,签到\n李娜,到\n赵六,到\n' >"$T/names_bad.csv"
out=$(utctl rollcall mark 1 1 --force --file "$T/names_bad.csv" 2>&1); st=$?
check "names that are not one cadre are refused" 2 "$st"
for want in 'line 2: 2 cadres are named 李娜: 1002 \(XQ\), X009 \(XQ\); give the id' 'line 3: no active cadre is named 赵六' \
	'2 cadres of .*names_bad.csv not found; nothing marked'; do
	grep -qE -- "$want" <<<"$out" && ok "reported: $want" || fail "not reported: $want in: $out"
done
printf 'Mã cán bộ,Điểm danh\nX001,ngủ\nX003,\n' >"$T/sheet_bad.csv"
out=$(utctl rollcall mark 1 2 --force --file "$T/sheet_bad.csv" 2>&1); st=$?
check "a sheet with bad marks is refused" 2 "$st"
for want in 'line 2: Điểm danh "ngủ" is not one of present, late, excused, absent' 'line 3: Điểm danh is empty'; do
	grep -qE -- "$want" <<<"$out" && ok "reported: $want" || fail "not reported: $want in: $out"
done
check "the marks stand" 2 "$(sql ut-enrold "SELECT count(*) FROM attendance WHERE revision > 1")"
finish
