# Who changed what: every daemon keeps each change with the actor of its request, in the same
# transaction; a refused request leaves nothing; utctl audit merges the daemons' audits, newest
# first, and names each request by its command-table row; the web console's changes carry the
# account's name.
source "$(dirname "$0")/lib.sh"

start_node
me="unix:$(id -un)"
utctl course add --code LAW --title 'Pháp luật lao động' --category labour_law >/dev/null
utctl unit add --code XQ --name 'LĐLĐ quận' --kind union >/dev/null
utctl cadre add --id C001 --name 'Nguyễn Văn An' --unit XQ --position chair >/dev/null
utctl class add --course LAW --capacity 30 --session '2027-03-05 09:00-11:00' >/dev/null
utctl enrol add C001 1 >/dev/null
utctl course add --code LAW --title 'Again' --category labour_law >/dev/null 2>&1 # refused: a duplicate
check "a change and its actor in one row, in each daemon" "$me|1" \
	"$(sql ut-schedd "SELECT actor, count(*) FROM ut_audit WHERE type = 100")"
check "a refused request leaves nothing" 2 "$(sql ut-schedd 'SELECT count(*) FROM ut_audit')"
check "the log says who changed what, once per change" 1 "$(grep -c "MSG_COURSE_ADD by $me" "$T/ut-schedd.log")"
check "reads are not changes" 0 "$(utctl course list >/dev/null; sql ut-schedd 'SELECT count(*) FROM ut_audit WHERE type = 101')"
check_run "utctl audit: newest first, each request by its row" 0 "^[0-9-]+ [0-9:]+ +$me +enrol add +\{.*C001" \
	bash -c "'$UT_BIN/utctl' --node-config '$T/node.ini' audit | sed -n 2p"
check "every change of every daemon" 5 "$(utctl audit --json | /usr/bin/python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')"
check "the request as it was" '"Pháp luật lao động"' \
	"$(utctl audit --json | /usr/bin/python3 -c 'import json,sys; print([json.dumps(json.loads(e["request"])["title"], ensure_ascii=False) for e in json.load(sys.stdin) if e["what"] == "course add"][0])')"
check "--limit" 2 "$(utctl audit --limit 2 | tail -n +2 | wc -l)"
check "--actor" 0 "$(utctl audit --actor web:nobody | tail -n +2 | wc -l)"
check_run "a bad --since is a usage error" 2 'since' utctl audit --since yesterday
check "the change's event carries who asked for it" 1 "$(events ut-schedd | grep -c "EV_COURSE_CREATED.* actor=$me\$")"
check "so does the enrolment's, in another daemon" 1 \
	"$(events ut-enrold | grep -E 'EV_ENROL_CONFIRMED' | grep -c "actor=$me")"
# a large request (an import) is kept as its size, not as a copy
{ echo 'id,name,unit,position'; for n in $(seq 400); do echo "K$n,Cán bộ số $n của đơn vị,XQ,chair"; done; } >"$T/big.csv"
utctl cadre import "$T/big.csv" >/dev/null
check "a large import is audited by its size" 1 "$(utctl audit --json | /usr/bin/python3 -c '
import json, sys
print(sum(1 for e in json.load(sys.stdin) if e["what"] == "cadre import" and json.loads(e["request"]).get("size", 0) > 16384))')"

# The web console's changes are the account's.
port=$(free_port)
stop_daemon ut-webd
printf '[web]\nlisten = 127.0.0.1:%s\n' "$port" >>"$T/node.ini"
start_daemon ut-webd
export UT_WEB_CA=$T/web-cert.pem
web() { /usr/bin/python3 "$UT_SRC/tests/tools/webclient.py" "https://127.0.0.1:$port" "$@"; }
wait_until 30 web get / >/dev/null || fail "ut-webd answers"
utctl user add wang.li --role officer --password-file - <<<'officer password 1' >/dev/null
check_run "an officer adds a course on the web" 0 '^200' web call wang.li 'officer password 1' course add \
	'{"code": "WEB-1", "title": "Web", "category": "safety"}'
check_run "the audit names the account" 0 '^[0-9-]+ [0-9:]+ +web:wang\.li +course add' \
	bash -c "'$UT_BIN/utctl' --node-config '$T/node.ini' audit --actor web:wang.li | sed -n 2p"
check_run "accounts are audited too (the admin's utctl)" 0 "$me +user add" utctl audit --limit 20
check "a session's last use is no change" 0 "$(sql ut-webd 'SELECT count(*) FROM ut_audit WHERE type = 612')"
check "no password hash in the audit's rendering" 0 "$(utctl audit --json | grep -c 'argon2id')"
finish
