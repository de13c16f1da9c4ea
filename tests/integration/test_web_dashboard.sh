# The console's dashboard and federation page in a real browser (Debian's chromium, playwright-core
# from tests/web/node_modules), against a real node with two children: one that reported, one
# registered that never did. Every language; the charts drawn by Chart.js served from the node;
# the figures shown equal utctl's; screenshots kept in the test directory.
source "$(dirname "$0")/lib.sh"

if [[ ! -x /usr/bin/chromium || ! -d $UT_SRC/tests/web/node_modules/playwright-core ]]; then
	echo "skipped: needs /usr/bin/chromium and tests/web/node_modules (deploy/test.sh installs them)"
	exit 77
fi
port=$(free_port) rport=$(free_port)
write_config '[web]' "listen = 127.0.0.1:$port" '[report]' "listen = tcp://127.0.0.1:$rport" \
	'interval_ms = 200' 'resend_max_ms = 800' 'stale_after_s = 3600' 'min_interval_ms = 0'
key=$(utctl --json node keygen | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["public_key"])')
start_node
export UT_WEB_CA=$T/web-cert.pem
wait_until 30 /usr/bin/python3 "$UT_SRC/tests/tools/webclient.py" "https://127.0.0.1:$port" get / >/dev/null ||
	{ fail "ut-webd does not answer"; finish; }
check_run "Chart.js is served from the node" 0 '^200' \
	/usr/bin/python3 "$UT_SRC/tests/tools/webclient.py" "https://127.0.0.1:$port" get /lib/chart.js
check_run "a path around it is refused" 1 '^400' \
	/usr/bin/python3 "$UT_SRC/tests/tools/webclient.py" "https://127.0.0.1:$port" get /lib/../lib/chart.js
check_run "no other file under /lib" 1 '^404' \
	/usr/bin/python3 "$UT_SRC/tests/tools/webclient.py" "https://127.0.0.1:$port" get /lib/chart.min.js

# Two children: cn-hd-01 reports (its own ut-reportd, its figures injected), cn-hd-02 never does.
child() {
	mkdir -p -m 700 "$T/$1"
	printf '[node]\nid = %s\nrun_dir = .\n[redis]\nsocket = %s\nprefix = %s:\n[report]\ninterval_ms = 200\nresend_max_ms = 800\nparent = tcp://127.0.0.1:%s\nparent_key = %s\n' \
		"$1" "$T/redis.sock" "$1" "$rport" "$key" >"$T/$1/node.ini"
	"$UT_BIN/utctl" --node-config "$T/$1/node.ini" --json node keygen | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["public_key"])'
}
year=$(TZ=Asia/Shanghai date +%Y)
utctl node child add cn-hd-01 "$(child cn-hd-01)" >/dev/null
utctl node child add cn-hd-02 "$(child cn-hd-02)" >/dev/null
{
	printf 'ut-schedd\tEV_PLAN_SET\tyear=%s\tcategory=safety\tplanned_classes=4\tplanned_participations=100\n' "$year"
	start=$(TZ=Asia/Shanghai date -d "$year-01-15 09:00" +%s)
	for c in 1 2 3; do
		printf 'ut-schedd\tEV_CLASS_CREATED\tid=%d\tcategory=safety\tformat=in_person\tstate=planned\tversion=1\tstart=%s\tend=%s\n' $c "$start" $((start + 7200))
		printf 'ut-schedd\tEV_CLASS_CLOSED\tid=%d\tcategory=safety\tformat=in_person\tstate=closed\tversion=2\tstart=%s\tend=%s\n' $c "$start" $((start + 7200))
	done
	for n in $(seq 1 12); do
		printf 'ut-enrold\tEV_CADRE_REGISTERED\tid=K%03d\tname=K %d\tunit_id=1\tfull_time=%d\tstate=active\tversion=1\tunit_kind=enterprise\n' $n $n $((n % 3 == 0))
		printf 'ut-enrold\tEV_CLASS_COMPLETED\tcadre_id=K%03d\tclass_id=1\tcompleted=1\tsessions_total=1\tsessions_attended=1\tcategory=safety\tfull_time=%d\tunit_id=1\tunit_kind=enterprise\n' $n $((n % 3 == 0))
	done
} | "$UT_TOOLS/ut-report-inject" "$T/redis.sock" "cn-hd-01:" cn-hd-01 >/dev/null
"$UT_BIN/ut-reportd" --config "$T/cn-hd-01/node.ini" 2>>"$T/cn-hd-01.log" &
PIDS[child]=$!

# This node's year: a plan and a target, a class held yesterday and closed, one this week.
utctl user add wang.li --role officer --locale zh-Hans --password-file - <<<'officer password 1' >/dev/null
utctl user add chen.ming --role viewer --locale zh-Hant --password-file - <<<'viewer password 2' >/dev/null
utctl user add an.nguyen --role viewer --locale vi --password-file - <<<'viewer password 1' >/dev/null
utctl user add jane.doe --role viewer --locale en --password-file - <<<'viewer password 3' >/dev/null
utctl plan set --year "$year" --category safety --classes 6 --participations 40 >/dev/null
utctl plan set --year "$year" --category labour_law --classes 2 --participations 30 >/dev/null
utctl plan coverage "$year:60" >/dev/null
utctl course add --code SAFE --title 'Safety first' --category safety >/dev/null
utctl unit add --code XQ --name '海淀区总工会' --kind union >/dev/null
for i in 1 2 3; do utctl cadre add --id C00$i --name "王芳$i" --unit XQ --position chair >/dev/null; done
utctl cadre add --id C004 --name '李强' --unit XQ --position vice_chair --part-time >/dev/null
yesterday=$(TZ=Asia/Shanghai date -d yesterday +%F) today=$(TZ=Asia/Shanghai date +%F)
utctl class add --course SAFE --title '昨日之班' --capacity 40 --session "$yesterday 09:00-11:00" >/dev/null
for i in 1 2 3; do utctl enrol add C00$i 1 --late >/dev/null; done
utctl rollcall mark 1 1 --all-present >/dev/null
check_run "yesterday's class closes" 0 '' utctl class close 1
utctl class add --course SAFE --title '本周安全班' --capacity 30 --session "$today 23:00-23:30" >/dev/null
wait_for "the child's snapshot arrives" 12 bash -c "'$UT_BIN/utctl' --node-config '$T/node.ini' --json report federation | /usr/bin/python3 -c 'import json,sys; print([r for r in json.load(sys.stdin)[\"rows\"] if r.get(\"node\")==\"cn-hd-01\"][0][\"participations\"])'"
wait_for "this node's closed class is in its report" 1 bash -c "'$UT_BIN/utctl' --node-config '$T/node.ini' --json report fulfilment | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)[\"total\"][\"classes_held\"])'"

# What utctl says, for the browser to compare with.
utctl --json report fulfilment >"$T/fulfilment.json"
utctl --json report coverage >"$T/coverage.json"
utctl --json report attendance >"$T/attendance.json"
utctl --json report federation >"$T/federation.json"
utctl --json notify log --status dead >"$T/dead.json"
monday=$(TZ=Asia/Shanghai date -d "$today -$(($(TZ=Asia/Shanghai date +%u) - 1)) days" +%F)
utctl --json class list --from "$monday" --to "$(date -d "$monday +6 days" +%F)" >"$T/week.json"
/usr/bin/python3 - "$T" >"$T/expected.json" <<'EOF'
import json, sys
T = sys.argv[1]
r = lambda n: json.load(open(f"{T}/{n}.json"))
ful, cov, att, fed = r("fulfilment"), r("coverage"), r("attendance"), r("federation")
drop = lambda d: {k: v for k, v in d.items() if k not in ("label", "node", "seq", "received_ms", "stale")}
t = att["total"]
print(json.dumps({
    "fulfilment": drop(ful["total"]),
    "coverage": {**drop(cov["total"]), "coverage_target": cov.get("coverage_target")},
    "notices": {"sent": t.get("notices_sent", 0) + t.get("reminders_sent", 0),
                "failed": t.get("notices_failed", 0) + t.get("reminders_failed", 0), "dead": len(r("dead"))},
    "week": [c["title"] for c in r("week")],
    "stale": [x["node"] for x in fed["rows"] if x.get("stale")],
    "federation": [drop(x) for x in fed["rows"]] + [drop(fed["total"])],
    "flags": [f'{x["node"]}:{"stale" if x.get("received_ms") else "never"}' for x in fed["rows"] if x.get("stale")],
}))
EOF
check "utctl names the never-reported child stale" '["cn-hd-02"]' "$(/usr/bin/python3 -c 'import json,sys; print(json.dumps(json.load(open(sys.argv[1]))["stale"]))' "$T/expected.json")"

out=$(cd "$UT_SRC/tests/web" && node dashboard.mjs "https://127.0.0.1:$port" "$T" "$T/expected.json" \
	"test-node,cn-hd-01,cn-hd-02,昨日之班,本周安全班,wang.li,chen.ming,an.nguyen,jane.doe" \
	'wang.li:officer password 1:zh-Hans' 'chen.ming:viewer password 2:zh-Hant' 'an.nguyen:viewer password 1:vi' \
	'jane.doe:viewer password 3:en' 2>&1)
st=$?
while IFS= read -r line; do
	case $line in
	ok\ -*) ok "${line#ok - }" ;;
	FAIL\ -*) fail "${line#FAIL - }" ;;
	info\ -*) echo "$line" ;;
	esac
done <<<"$out"
check "the browser run ended well" 0 "$st"
check "a screenshot per page and language, and the phone and desktop layouts" 10 "$(ls "$T"/*.png 2>/dev/null | wc -l)"
[[ -n ${UT_SCREENSHOTS:-} ]] && cp "$T"/*.png "$UT_SCREENSHOTS"/
finish
