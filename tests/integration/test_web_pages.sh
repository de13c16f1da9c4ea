# The web console's pages in a real browser (Debian's chromium, playwright-core from
# tests/web/node_modules): an officer in Chinese signs in, opens the class and enrols cadres by
# pasting names and ids; a viewer in Vietnamese sees the classes; every word in their language,
# screenshots kept in the test directory.
source "$(dirname "$0")/lib.sh"

if [[ ! -x /usr/bin/chromium || ! -d $UT_SRC/tests/web/node_modules/playwright-core ]]; then
	echo "skipped: needs /usr/bin/chromium and tests/web/node_modules (deploy/test.sh installs them)"
	exit 77
fi
port=$(/usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
write_config '[web]' "listen = 127.0.0.1:$port"
start_node
export UT_WEB_CA=$T/web-cert.pem
wait_until 30 /usr/bin/python3 "$UT_SRC/tests/tools/webclient.py" "https://127.0.0.1:$port" get / >/dev/null ||
	{ fail "ut-webd does not answer"; finish; }
utctl user add wang.li --role officer --locale zh-Hans --password-file - <<<'officer password 1' >/dev/null
utctl user add an.nguyen --role viewer --locale vi --password-file - <<<'viewer password 1' >/dev/null
utctl course add --code SAFE --title 'Safety first' --category safety >/dev/null
utctl unit add --code XQ --name '海淀区总工会' --kind union >/dev/null
utctl cadre add --id C001 --name '王芳' --unit XQ --position chair >/dev/null
utctl cadre add --id C002 --name '李强' --unit XQ --position vice_chair >/dev/null
utctl class add --course SAFE --title '安全生产培训班' --capacity 40 --session '2027-03-05 09:00-11:00' >/dev/null
# a class that met yesterday, for the roll-call at the door (its cadres enrolled late)
yesterday=$(TZ=Asia/Shanghai date -d yesterday +%F)
utctl class add --course SAFE --title '昨日之班' --capacity 40 --session "$yesterday 09:00-11:00" >/dev/null
utctl enrol add C001 2 --late >/dev/null
utctl enrol add C002 2 --late >/dev/null

out=$(cd "$UT_SRC/tests/web" && node pages.mjs "https://127.0.0.1:$port" "$T" \
	'wang.li:officer password 1:zh-Hans:安全生产培训班:王芳,C002,查无此人:2' 'an.nguyen:viewer password 1:vi:安全生产培训班' 2>&1)
st=$?
while IFS= read -r line; do
	case $line in
	ok\ -*) ok "${line#ok - }" ;;
	FAIL\ -*) fail "${line#FAIL - }" ;;
	esac
done <<<"$out"
check "the browser run ended well" 0 "$st"
check "a screenshot per page and language" 4 "$(ls "$T"/*.png 2>/dev/null | wc -l)"
if command -v pdftotext >/dev/null; then
	pdftotext -layout "$T/sheet-zh-Hans.pdf" "$T/sheet.txt"
	check "the sign-in sheet names its cadres" 2 "$(grep -cE '王芳|李强' "$T/sheet.txt")"
	check_run "its title and columns in Chinese" 0 '签名' cat "$T/sheet.txt"
	check "one A4 page" 1 "$(pdfinfo "$T/sheet-zh-Hans.pdf" | awk '/^Pages:/ {print $2}')"
	check_run "the page is A4" 0 'Page size:.*[(]A4[)]' pdfinfo "$T/sheet-zh-Hans.pdf"
else
	fail "pdftotext (poppler-utils) to read the sign-in sheet back"
fi
check_run "the taps are the marks ut-enrold holds" 0 'late' bash -c "'$UT_BIN/utctl' --node-config '$T/node.ini' --locale en rollcall show 2 | grep C001 | tail -1"
check_run "and the second cadre present" 0 'present' bash -c "'$UT_BIN/utctl' --node-config '$T/node.ini' --locale en rollcall show 2 | grep C002 | tail -1"
check_run "the enrolments are what ut-enrold holds" 0 'C002 .*confirmed' utctl enrol list --class 1
[[ -n ${UT_SCREENSHOTS:-} ]] && cp "$T"/*.png "$UT_SCREENSHOTS"/
finish
