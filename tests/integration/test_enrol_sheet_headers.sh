# Cadre lists as officers write them, round two, on a real node: the headers of Chinese, Vietnamese
# and English sheets (手机号码, Đơn vị công tác, Staff ID, hints in brackets, a line break in a
# header cell, a sheet that starts in column B), utctl's own export read back in each of the four
# languages, a column the file lacks keeping what is stored, UTF-16 without a byte-order mark, Big5
# detected, a unit named in decomposed Vietnamese, every error of a line (the node's among them),
# the reader's errors in the reader's language (a column named as the file names it, the words
# in that language), and a roll-call sheet that warns of the columns it
# does not read.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/enrol_lib.sh"

start_enrol_node
utctl unit add --code XQ --name '海淀区总工会' --kind union >/dev/null
utctl unit add --code HN --name 'Liên đoàn Lao động quận' --kind union >/dev/null
xlsx() { "$UT_TOOLS/ut-xlsx-write" "$@"; }
cadre() { sql ut-enrold "SELECT $2 FROM cadres WHERE id = '$1'"; }

# Chinese headers as county offices write them; a line break (Alt+Enter) inside a header cell.
printf '序号,工号,姓名,单位名称,现任职务,专职/兼职,"当选\n日期",手机号码,邮箱地址,身份证号\n' >"$T/zh.csv"
printf '1,Z1,王丽华,海淀区总工会,常务副主席,兼职,2025/6/1,13800138000,wang@example.org,110101199001011234\n' >>"$T/zh.csv"
printf '2,Z2,李娜,XQ,财务审计,专职,2024.12.31,,,\n' >>"$T/zh.csv"
check_run "Chinese headers: 单位名称, 现任职务, 手机号码, a header over two lines" 0 '^imported: 2 added' \
	utctl cadre import "$T/zh.csv"
check_run "only the ID-card column is not read" 0 'warning: .*zh.csv: the columns "身份证号" are not read$' \
	utctl cadre import "$T/zh.csv" --dry-run
check "their values" "vice_chair|0|2025-06-01|13800138000|wang@example.org" \
	"$(cadre Z1 'position, full_time, elected_on, phone, email')"
check "财务审计 (ut-enrold's own word) is finance_audit" "finance_audit|1|2024-12-31" \
	"$(cadre Z2 'position, full_time, elected_on')"

# Vietnamese headers, a hint in brackets.
printf 'STT;Mã số cán bộ;Họ và tên;Đơn vị công tác;Chức vụ công đoàn;Ngày bầu (dd/mm/yyyy);Điện thoại di động;Địa chỉ email\r\n' >"$T/vi.csv"
printf '1;V1;Nguyễn Thị Hương;HN;Chủ tịch CĐCS;13/06/2025;0912 345 678;huong@example.vn\r\n' >>"$T/vi.csv"
check_run "Vietnamese headers: Đơn vị công tác, Chức vụ công đoàn, Ngày bầu (dd/mm/yyyy)" 0 '^imported: 1 added' \
	utctl cadre import "$T/vi.csv"
check "its values" "HN|chair|2025-06-13|0912 345 678|huong@example.vn" \
	"$(sql ut-enrold "SELECT u.code, c.position, c.elected_on, c.phone, c.email FROM cadres c JOIN units u ON u.id = c.unit_id WHERE c.id = 'V1'")"

# English headers; a workbook whose table starts in column B with its serial number.
{
	printf '\tNo.\tStaff ID\tFull Name\tUnit\tPosition\tPhone number\tE-mail address\tDate of election\n'
	printf '\t#1\tE1\tMary Tran\tXQ\tCommittee member\t#13900139000\tmary@example.org\t@2023-03-05\n'
} | xlsx "$T/en.xlsx"
check_run "English headers, the serial number in column B skipped" 0 '^imported: 1 added' utctl cadre import "$T/en.xlsx"
check_run "and not named as a column not read" 0 '^imported: 0 added, 0 changed, 1 unchanged$' \
	utctl cadre import "$T/en.xlsx"
check "its values" "Mary Tran|committee_member|13900139000|mary@example.org|2023-03-05" \
	"$(cadre E1 'name, position, phone, email, elected_on')"

# A list without the optional columns changes nothing of them (it used to wipe phones and emails
# and make everyone full-time).
printf '工号,姓名,单位,职务\nZ1,王丽华,XQ,副主席\nZ2,李娜,XQ,财务审计\n' >"$T/short.csv"
check_run "a list of ids, names, units and positions only changes nothing" 0 '^imported: 0 added, 0 changed, 2 unchanged' \
	utctl cadre import "$T/short.csv"
check "phone, email, date and part-time kept" \
	"XQ|vice_chair|0|2025-06-01|13800138000|wang@example.org" \
	"$(sql ut-enrold "SELECT u.code, c.position, c.full_time, c.elected_on, c.phone, c.email FROM cadres c JOIN units u ON u.id = c.unit_id WHERE c.id = 'Z1'")"
printf 'id,name,unit,position,phone\nZ1,王丽华,XQ,vice_chair,\n' >"$T/nophone.csv"
check_run "an empty cell of a column the file has still clears" 0 '1 changed' utctl cadre import "$T/nophone.csv"
check "the phone cleared, the email kept" "|wang@example.org" "$(cadre Z1 'phone, email')"

# What utctl exports in each language comes back unchanged (headers and words in that language).
for l in en vi zh-Hans zh-Hant; do
	utctl --locale "$l" cadre list --format csv >"$T/export-$l.csv"
	check_run "the $l export reads back: $(head -1 "$T/export-$l.csv")" 0 ' 0 added, 0 changed, [0-9]+ unchanged' \
		utctl cadre import "$T/export-$l.csv" --dry-run
done
grep -q '财务审计' "$T/export-zh-Hans.csv" && grep -q '"tài chính, kiểm tra"' "$T/export-vi.csv" &&
	ok "the exports held the translated words" || fail "the exports do not hold the words tried"

# UTF-16 without a byte-order mark (tab-separated), and Big5 found by its traditional header.
printf '工號\t姓名\t單位\t職務\r\nU1\t張學友\tXQ\t委員\r\n' | iconv -f UTF-8 -t UTF-16LE >"$T/nobom.txt"
check_run "UTF-16LE without a byte-order mark" 0 '^imported: 1 added' utctl cadre import "$T/nobom.txt"
check "its name" "張學友|committee_member" "$(cadre U1 'name, position')"
printf '工號,姓名,單位,職務\r\nB1,陳大文,XQ,主席\r\n' | iconv -f UTF-8 -t BIG5 >"$T/big5.csv"
check_run "Big5 detected by its header" 0 '^imported: 1 added' utctl cadre import "$T/big5.csv"
check "its name" "陳大文" "$(cadre B1 name)"

# A unit named as a Vietnamese keyboard may type it (decomposed): the same name.
printf 'id,name,unit,position\nN1,Phạm Thu,Lie\xcc\x82n \xc4\x91oa\xcc\x80n Lao \xc4\x91o\xcc\x82\xcc\xa3ng qua\xcc\x82\xcc\xa3n,chair\n' >"$T/nfd.csv"
check_run "a decomposed unit name" 0 '^imported: 1 added' utctl cadre import "$T/nfd.csv"
check "its unit" "HN" "$(sql ut-enrold "SELECT u.code FROM cadres c JOIN units u ON u.id = c.unit_id WHERE c.id = 'N1'")"

# Every error of a line: the reader's and the node's for the same line, and the unit of a line
# whose name is missing.
before=$(sql ut-enrold 'SELECT count(*) FROM cadres')
cat >"$T/bad.csv" <<'CSV'
id,name,unit,position,elected_on,email,phone
R1,Hai Lỗi,NOPE,chair,2025-02-30,not-an-address,1.38001E+10
R2,,NOWHERE,chair,,,
R3,Good,XQ,chair,,,
R1,Again,XQ,chair,,,
CSV
out=$(utctl cadre import "$T/bad.csv" 2>&1); st=$?
check "the file is refused" 1 "$st"
for want in 'line 2: elected_on "2025-02-30" is not a date' 'line 2: phone "1.38001E\+10" is a number in scientific notation' \
	'line 2: email "not-an-address" is not an address' 'line 2: no unit NOPE' 'line 3: name is empty' \
	'line 3: no unit NOWHERE' 'line 5: cadre id R1 is also on line 2' 'utctl: 7 errors; nothing imported'; do
	grep -qE -- "$want" <<<"$out" && ok "reported: $want" || fail "not reported: $want in: $out"
done
grep -q 'would be' <<<"$out" && fail "a refused file is not a dry run's count: $out" || ok "no dry-run count for a refused file"
check "nothing stored" "$before" "$(sql ut-enrold 'SELECT count(*) FROM cadres')"
# up to a limit, then a count: the reader's (50) and the node's (200)
{ echo 'id,name,unit,position'; for i in $(seq 260); do echo "M$i,Name $i,NOPE,chair"; done; } >"$T/many_units.csv"
out=$(utctl cadre import "$T/many_units.csv" 2>&1)
check "the node lists 200 errors" 200 "$(grep -c 'no unit NOPE' <<<"$out")"
grep -q '^\.\.\. and 60 more$' <<<"$out" && grep -q 'utctl: 260 errors; nothing imported' <<<"$out" &&
	ok "then counts the other 60" || fail "no count of the errors beyond 200 in: $(tail -3 <<<"$out")"
{ echo 'id,name,unit,position'; for i in $(seq 60); do echo "P$i,Name $i,XQ,king"; done; } >"$T/many_positions.csv"
out=$(utctl cadre import "$T/many_positions.csv" 2>&1)
check "the reader lists 50 errors" 50 "$(grep -c 'position "king"' <<<"$out")"
grep -q 'many_positions.csv: \.\.\. and 10 more' <<<"$out" && ok "then counts the other 10" ||
	fail "no count of the reader's errors beyond 50 in: $(tail -3 <<<"$out")"
# the reader's own errors and warnings in the reader's language, as the node's are
check_run "in Vietnamese" 1 'dòng 2: elected_on "2025-02-30" không phải là ngày' utctl --locale vi cadre import "$T/bad.csv"
check_run "in Chinese" 1 '第 3 行：name 为空' utctl --locale zh-Hans cadre import "$T/bad.csv"
check_run "the unit of a line without a name, in Chinese" 1 '第 3 行：没有单位 NOWHERE' utctl --locale zh-Hans cadre import "$T/bad.csv"
printf '工号,姓名,单位,职务,当选日期\nK1,王,XQ,国王,2025-02-30\n' >"$T/zh_bad.csv"
check_run "the column as the file names it, the words in the reader's language" 1 \
	'第 2 行：职务“国王”不是 主席, 副主席, 委员, 财务审计, 信息员, 协商员, 其他 之一' utctl --locale zh-Hans cadre import "$T/zh_bad.csv"
check_run "and the date's column" 1 '第 2 行：当选日期“2025-02-30”不是日期' utctl --locale zh-Hans cadre import "$T/zh_bad.csv"
check_run "a warning in Vietnamese" 0 'cảnh báo: .*zh.csv: các cột "身份证号" không được đọc' \
	utctl --locale vi cadre import "$T/zh.csv" --dry-run

# Roll-call sheets the same way: headers with hints, marks in ut-enrold's own words and ×, and a
# warning for the columns not read.
utctl course add --code SAFE --title 'An toàn lao động' --category safety >/dev/null
utctl class add --course SAFE --capacity 10 --session '2027-04-01 09:00-12:00' >/dev/null
wait_for "the class is known" 1 sql ut-enrold "SELECT count(*) FROM sched_classes"
printf 'Z1\nZ2\nV1\n' | utctl enrol bulk 1 >/dev/null
printf '序号,工号,姓名,单位,出勤情况（到/缺）,签名\n1,Z1,王丽华,XQ,出席,\n2,Z2,李娜,XQ,×,\n3,,Nguyễn Thị Hương,HN,vắng có phép,\n' >"$T/sheet.csv"
check_run "a sign-in sheet with a unit and a signature column" 0 '^3 marked' utctl rollcall mark 1 1 --force --file "$T/sheet.csv"
check_run "it names the columns it does not read" 0 'warning: .*sheet.csv: the columns "单位", "签名" are not read' \
	utctl rollcall mark 1 1 --force --file "$T/sheet.csv"
check "its marks" "V1:excused Z1:present Z2:absent" \
	"$(sql ut-enrold "SELECT group_concat(cadre_id || ':' || mark, ' ') FROM (SELECT cadre_id, mark FROM attendance WHERE revision = 1 ORDER BY cadre_id)")"
{ echo 'Mã cán bộ,Điểm danh'; for i in $(seq 60); do echo "Z1,ngủ"; done; } >"$T/sleepy.csv"
out=$(utctl rollcall mark 1 1 --force --file "$T/sleepy.csv" 2>&1); st=$?
check "a sheet of 60 bad marks is refused" 2 "$st"
check "its first 50 errors are listed, by the sheet's own header" 50 "$(grep -c 'Điểm danh "ngủ" is not one of' <<<"$out")"
grep -q 'sleepy.csv: \.\.\. and 10 more' <<<"$out" && grep -q 'sleepy.csv cannot be read (errors: 60); nothing is done' <<<"$out" &&
	ok "then the count of the rest" || fail "no count in: $(tail -3 <<<"$out")"
finish
