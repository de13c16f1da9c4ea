# `cadre import` on a real node: UTF-8 with BOM and CRLF, GB18030 and Big5, --dry-run, all or
# nothing with every bad line named, duplicates within the file, formula-looking cells kept as
# text, invalid UTF-8, the size limit, and a re-import that changes nothing.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/enrol_lib.sh"

write_config '[enrol]' 'import_max_kb = 8'
start_enrol_node
utctl unit add --code U1 --name '区总工会' --kind union >/dev/null
utctl unit add --code U2 --name 'Công đoàn trường học' --kind school --parent U1 >/dev/null

count() { sql ut-enrold 'SELECT count(*) FROM cadres'; }

printf '\xef\xbb\xbfid,name,unit,position,full_time,elected_on,email,phone,locale\r\n' >"$T/a.csv"
printf 'A1,王丽华,U1,chair,yes,2024-05-10,wang@example.org,,zh-Hans\r\n' >>"$T/a.csv"
printf 'A2,"Nguyễn Thị Hương",U2,vice_chair,no,2025-01-02,,+84 912 345 678,vi\r\n' >>"$T/a.csv"
printf 'A3,"=HYPERLINK(""http://x"")",U1,other,,,,,\r\n' >>"$T/a.csv"
printf 'A4,"Lê, Văn Tám",U2,finance_audit,兼职,2020-09-01,,-,en\r\n' >>"$T/a.csv"

check_run "dry run says what would happen" 0 '^dry run, nothing changed: would be 4 added, 0 changed, 0 unchanged' \
	utctl cadre import "$T/a.csv" --dry-run
check "dry run stored nothing" 0 "$(count)"
check_run "import" 0 '^imported: 4 added, 0 changed, 0 unchanged' utctl cadre import "$T/a.csv"
check "four cadres" 4 "$(count)"
check "the formula is kept as text" '=HYPERLINK("http://x")' "$(sql ut-enrold "SELECT name FROM cadres WHERE id = 'A3'")"
check "quoted comma, part-time in Chinese, '-' phone kept" "Lê, Văn Tám|0|-" \
	"$(sql ut-enrold "SELECT name, full_time, phone FROM cadres WHERE id = 'A4'")"
check "the phone with + is kept" "+84 912 345 678" "$(sql ut-enrold "SELECT phone FROM cadres WHERE id = 'A2'")"
wait_published
check "one import event for the file, no event per cadre" "1 0" "$(count_events EV_CADRES_IMPORTED) $(count_events EV_CADRE_REGISTERED)"
check "it registers the four" "4 0" "$(imported)"

check_run "the same file again changes nothing" 0 '^imported: 0 added, 0 changed, 4 unchanged' utctl cadre import "$T/a.csv"
check "versions unchanged" "1 1 1 1" "$(sql ut-enrold "SELECT group_concat(version, ' ') FROM cadres")"
sed 's/A2,"Nguyễn Thị Hương",U2,vice_chair/A2,"Nguyễn Thị Hương",U2,chair/' "$T/a.csv" >"$T/b.csv"
check_run "one changed line" 0 '^imported: 0 added, 1 changed, 3 unchanged' utctl cadre import "$T/b.csv"
wait_published
check "no new registrations, one change" "4 1" "$(imported)"

# Every bad line named, nothing imported.
cat >"$T/bad.csv" <<'CSV'
id,name,unit,position,elected_on
B1,Good One,U1,chair,2024-01-01
B2,Bad Date,U1,chair,2024-02-30
B3,No Unit,U9,chair,2024-01-01
B1,Twice,U1,chair,2024-01-01
B5,Bad Position,U1,king,
CSV
out=$(utctl cadre import "$T/bad.csv" 2>&1); st=$?
check "bad file refused" 1 "$st"
for want in 'line 3: elected_on "2024-02-30" is not a date' 'line 4: no unit U9' \
	'line 5: cadre id B1 is also on line 2' 'line 6: position "king"' 'nothing is imported; the other lines are checked'; do
	grep -qE -- "$want" <<<"$out" && ok "reported: $want" || fail "not reported: $want in: $out"
done
check "nothing of the bad file was stored" 4 "$(count)"
check_run "the node's errors in the reader's language" 1 'dòng 5: mã cán bộ B1 cũng có ở dòng 2' \
	utctl --locale vi cadre import "$T/bad.csv"
check_run "and in Chinese" 1 '第 5 行：干部工号 B1 也出现在第 2 行' utctl --locale zh-Hans cadre import "$T/bad.csv"

printf 'id,name,unit,position\nC1,X,U1,chair\nC2,Y,U1\n' >"$T/short.csv"
check_run "a line with too few fields" 1 'line 3: 3 fields where the header has 4' utctl cadre import "$T/short.csv"
printf 'id,name,unit,rank\nC1,X,U1,chair\n' >"$T/cols.csv"
check_run "a required column missing, another ignored" 1 "line 1: the required column 'position' is missing" \
	utctl cadre import "$T/cols.csv"
check_run "the ignored column is named" 1 'warning: .*cols.csv: the columns "rank" are not read' utctl cadre import "$T/cols.csv"
printf 'id,name,unit\nC1,X,U1\n' >"$T/cols2.csv"
check_run "a required column missing" 1 "the required column 'position' is missing" utctl cadre import "$T/cols2.csv"
printf 'id,name,unit,position\nC1,X,U1,chair\nC2,"open,U1,chair\n' >"$T/quote.csv"
check_run "an open quote" 1 'line 3: a quoted field is not closed' utctl cadre import "$T/quote.csv"
printf 'id,name,unit,position\nC1,X,U1,chair\nC2,\xe7\x8e\x8b\xff,U1,chair\n' >"$T/utf.csv"
check_run "invalid UTF-8" 1 'line 3: not valid UTF-8' utctl cadre import "$T/utf.csv"
check_run "an empty file" 1 'empty' utctl cadre import /dev/null
{ echo 'id,name,unit,position'; for i in $(seq 400); do echo "Z$i,Name $i,U1,chair"; done; } >"$T/big.csv"
check_run "over the size limit: a file that cannot be read is a usage error" 2 'larger than 8 KiB' utctl cadre import "$T/big.csv"
# a file within the import limit whose request is over the daemons' (utctl reads both from its config)
sed 's/^import_max_kb = 8$/import_max_kb = 64/' "$T/node.ini" >"$T/small-rpc.ini"
printf '[rpc]\nmax_request_kb = 4\n' >>"$T/small-rpc.ini"
check_run "a request over max_request_kb is not sent" 1 'request is [0-9]* KiB, more than the daemons take .*max_request_kb 4' \
	"$UT_BIN/utctl" --node-config "$T/small-rpc.ini" cadre import "$T/big.csv"
check "nothing was stored by any of these" 4 "$(count)"

# Legacy encodings from Excel on Chinese Windows.
printf 'id,name,unit,position\nG1,张伟,U1,chair\nG2,李娜,U2,other\n' | iconv -f UTF-8 -t GB18030 >"$T/gb.csv"
check_run "GB18030 that could be Big5 is refused, naming both" 1 'not valid UTF-8.*reads as GB18030 or Big5.*--encoding gb18030' \
	utctl cadre import "$T/gb.csv"
check_run "GB18030 with --encoding" 0 '2 added' utctl cadre import "$T/gb.csv" --encoding gb18030
check "GB18030 names right" "张伟 李娜" "$(sql ut-enrold "SELECT group_concat(name, ' ') FROM (SELECT name FROM cadres WHERE id LIKE 'G%' ORDER BY id)")"
printf 'id,name,unit,position\nT1,陳大文,U1,chair\n' | iconv -f UTF-8 -t BIG5 >"$T/big5.csv"
check_run "Big5 with --encoding" 0 '1 added' utctl cadre import "$T/big5.csv" --encoding big5
check "Big5 name right" "陳大文" "$(sql ut-enrold "SELECT name FROM cadres WHERE id = 'T1'")"
check_run "unknown encoding" 2 "not utf-8, utf-16, gb18030, big5 or windows-1258" utctl cadre import "$T/gb.csv" --encoding latin1
finish
