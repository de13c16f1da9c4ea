# A class's life in Vietnamese and in Chinese, by names only: the course by its code, venues and
# lecturers by name, sessions by their number in the class. Every output and every error is in the
# reader's language (no English word outside the names given), and errors name the valid choices.
source "$(dirname "$0")/lib.sh"

start_node

# english_words LOCALE NAMES...: English words left in stdin outside the names (tests/tools).
english_words() { /usr/bin/python3 "$UT_SRC/tests/tools/english_words.py" "$UT_SRC/common/po/en.po" "$@"; }

# says LOCALE DESCRIPTION EXIT PATTERN NAMES... -- CMD...: run CMD in LOCALE, check exit and
# pattern, and that nothing English is left outside NAMES.
says() {
	local l=$1 desc=$2 want=$3 pat=$4 names=() out st left
	shift 4
	while [[ $1 != -- ]]; do names+=("$1"); shift; done
	shift
	out=$(utctl --locale "$l" "$@" 2>&1)
	st=$?
	if [[ $st != "$want" ]]; then
		fail "$l: $desc: exit $st, expected $want; output: $out"
	elif [[ -n $pat ]] && ! grep -qE -- "$pat" <<<"$out"; then
		fail "$l: $desc: output does not match /$pat/: $out"
	elif left=$(english_words "$l" "${names[@]}" <<<"$out") && [[ -n $left ]]; then
		fail "$l: $desc: English words in the output ($left): $out"
	else
		ok "$l: $desc"
	fi
}

# --- Vietnamese: a district union's safety class ---
VI=(ATVSLD-2027 "An toàn vệ sinh lao động" "Hội trường A" "Hội trường B" "Phòng họp nhỏ" "Lê Xuân Trường" "Nguyễn Thị Hương")
says vi "course created" 0 'đã tạo khóa học 1' "${VI[@]}" -- course add --code ATVSLD-2027 --title "An toàn vệ sinh lao động" --category safety --hours 8
says vi "venue created" 0 'đã tạo địa điểm 1' "${VI[@]}" -- venue add --name "Hội trường A" --capacity 120 --address "Số 5 phố Lý Thái Tổ"
says vi "second venue" 0 'đã tạo địa điểm 2' "${VI[@]}" -- venue add --name "Hội trường B" --capacity 80
says vi "small room" 0 'đã tạo địa điểm 3' "${VI[@]}" -- venue add --name "Phòng họp nhỏ" --capacity 20
says vi "lecturer registered" 0 'đã đăng ký giảng viên 1' "${VI[@]}" -- lecturer add --name "Lê Xuân Trường" --affiliation "LĐLĐ Hà Nội"
says vi "class by names" 0 'đã tạo lớp 1' "${VI[@]}" -- class add --course ATVSLD-2027 --capacity 60 --level county \
	--lecturer "Lê Xuân Trường" --session "2027-03-05 08:00-11:30" --venue "hội trường a" --session "2027-03-06 08:00-11:30" --venue "Hội trường B"
check "the venue names became their ids" "1 2" "$(sql ut-schedd 'SELECT venue_id FROM sessions ORDER BY starts_at' | paste -sd' ')"
says vi "a third session by names" 0 'đã thêm buổi 3 vào lớp 1' "${VI[@]}" -- session add 1 --at "2027-03-07 08:00-11:30" --venue "trường B" --lecturer "Lê Xuân"
says vi "an ambiguous venue names the candidates" 2 'không rõ ràng.*Hội trường A \(1\), Hội trường B \(2\)' "${VI[@]}" -- \
	session add 1 --at "2027-03-08 08:00-11:30" --venue "Hội trường"
says vi "an unknown venue lists the venues" 2 'không tồn tại; hiện có: Hội trường A \(1\), Hội trường B \(2\), Phòng họp nhỏ \(3\)' "${VI[@]}" "Nhà văn hóa" -- \
	session add 1 --at "2027-03-08 08:00-11:30" --venue "Nhà văn hóa"
says vi "a double booking, from the daemon, in Vietnamese" 1 'xung đột: địa điểm 1 đã được lớp 1' "${VI[@]}" -- \
	class add --course ATVSLD-2027 --capacity 20 --session "2027-03-05 09:00-10:00" --venue "Hội trường A"
says vi "the class shown" 0 'trạng thái +dự kiến' "${VI[@]}" "LĐLĐ Hà Nội" -- class show 1
says vi "its sessions numbered" 0 '^ *3 .*Hội trường B \(2\)' "${VI[@]}" -- session list 1
says vi "the classes listed" 0 'cấp huyện' "${VI[@]}" -- class list
says vi "a list cut at --limit says there are more" 0 'hiển thị 2; còn nữa' "${VI[@]}" -- venue list --limit 2
check "a whole list does not" 0 "$(utctl venue list --limit 3 2>&1 >/dev/null | grep -c 'there are more')"
check "the JSON of a cut list holds what was shown" 2 "$(utctl --json venue list --limit 2 2>/dev/null | grep -c '"capacity"')"
says vi "a missing option" 2 'thiếu --capacity' "${VI[@]}" -- venue add --name "Phòng 2"
says vi "a word out of the choices lists them in Vietnamese" 2 'không thuộc: dự kiến \(planned\), đang ghi danh \(open\)' "${VI[@]}" -- class list --state asleep
says vi "a choice in Vietnamese" 0 'dự kiến' "${VI[@]}" -- class list --state "dự kiến"
says vi "an unknown class" 1 'không tìm thấy: không có lớp 42' "${VI[@]}" -- class show 42
says vi "cancelled" 0 'đã hủy lớp 1' "${VI[@]}" -- class cancel 1 --reason "Hội trường sửa chữa"
says vi "a cancelled class cannot close" 1 'xung đột: lớp 1 đã hủy' "${VI[@]}" -- class close 1

# --- Chinese: a city union's onboarding class ---
ZH=(XR-2027 "新任工会主席培训" "区总工会三楼会议室" "职工之家" "王丽" "市委党校" "海淀区总工会")
says zh-Hans "course created" 0 '课程 2 已创建' "${ZH[@]}" -- course add --code XR-2027 --title "新任工会主席培训" --category onboarding --reflection
says zh-Hans "venue created" 0 '场地 4 已创建' "${ZH[@]}" -- venue add --name "区总工会三楼会议室" --capacity 60
says zh-Hans "lecturer registered" 0 '授课人 2 已登记' "${ZH[@]}" -- lecturer add --name "王丽" --affiliation "市委党校"
says zh-Hans "class by names" 0 '班级 2 已创建' "${ZH[@]}" -- class add --course XR-2027 --capacity 40 --level city \
	--venue "区总工会三楼会议室" --lecturer "王丽" --session "2027-04-01 09:00-12:00" --session "2027-04-01 14:00-17:00"
says zh-Hans "the class shown" 0 '状态 +计划中' "${ZH[@]}" -- class show 2
says zh-Hans "sessions numbered" 0 '^ *2 .*区总工会三楼会议室' "${ZH[@]}" -- session list 2
says zh-Hans "a level given in Chinese" 0 '班级 3 已创建' "${ZH[@]}" -- class add --course XR-2027 --capacity 10 --level 县级 --format 线上
check "stored as the protocol's words" "county online" "$(sql ut-schedd 'SELECT level, format FROM classes WHERE id = 3' | tr '|' ' ')"
says zh-Hans "an unknown lecturer" 2 '授课人“张三”不存在；现有：' "${ZH[@]}" "张三" "Lê Xuân Trường" -- \
	session add 2 --at "2027-04-02 09:00-12:00" --lecturer "张三"
says zh-Hant "closing before the last session is refused, in Traditional Chinese" 1 '衝突：班級 2 尚未結束' "${ZH[@]}" -- class close 2
says zh-Hant "closed early with a reason, in Traditional Chinese" 0 '已提前結班' "${ZH[@]}" "课程调整" -- class close 2 --force --reason "课程调整"
says zh-Hant "closed again refused" 1 '衝突' "${ZH[@]}" -- class close 2
says zh-Hans "plans listed" 0 '' "${ZH[@]}" -- plan show --year 2027
says zh-Hans "courses as CSV" 0 '^编号,代码,类别' "${ZH[@]}" "${VI[@]}" -- --format csv course list
check "CSV rows" 3 "$(utctl --locale zh-Hans --format csv course list | wc -l)"
# the same commands in JSON keep the protocol's words for programs
check "JSON keeps the value words" '"safety"' "$(utctl --json course list | grep -o '"safety"' | head -1)"
# the reader's language from the environment, then the node's
check "LANG picks the language" 1 "$(env -u LC_MESSAGES LANG=vi_VN.UTF-8 "$UT_BIN/utctl" --node-config "$T/node.ini" class show 42 2>&1 | grep -c 'không có lớp 42')"
check "LC_MESSAGES before LANG" 1 "$(LC_MESSAGES=zh_TW.UTF-8 LANG=vi_VN.UTF-8 "$UT_BIN/utctl" --node-config "$T/node.ini" class show 42 2>&1 | grep -c '沒有班級 42')"
check "C.UTF-8 names no language: the node's" 1 "$(env -u LC_MESSAGES LANG=C.UTF-8 "$UT_BIN/utctl" --node-config "$T/node.ini" class show 42 2>&1 | grep -c '没有班级 42')"
check "--locale must be one of the four" 2 "$(utctl --locale fr course list >/dev/null 2>&1; echo $?)"
finish
