# ut-enrold killed with SIGKILL again and again while 32 clients enrol 20,000 cadres, and restarted:
# every enrolment answered `ok` is in the database in the state and place answered, no class holds
# more seats than it has, and every committed enrolment has its event in the stream exactly once.
source "$(dirname "$0")/../integration/lib.sh"
source "$(dirname "$0")/../integration/enrol_lib.sh"

CADRES=${CADRES:-20000}
CLASSES=50
CAPACITY=80
KILLS=${KILLS:-4}

write_config '[rpc]' 'timeout_ms = 60000'
start_enrol_node
utctl unit add --code U1 --name 'Công đoàn' --kind union >/dev/null
{ echo 'id,name,unit,position'; for i in $(seq "$CADRES"); do printf 'L%05d,N%d,U1,other\n' "$i" "$i"; done; } >"$T/cadres.csv"
check_run "import $CADRES cadres" 0 "imported: $CADRES added" utctl cadre import "$T/cadres.csv"
utctl course add --code KILL --title 'Fault drill' --category safety >/dev/null
for c in $(seq "$CLASSES"); do utctl class add --course KILL --capacity "$CAPACITY" >/dev/null; done
wait_for "ut-enrold knows the classes" "$CLASSES" sql ut-enrold "SELECT count(*) FROM sched_classes"
wait_published
before=$(redis-cli -s "$T/redis.sock" XLEN ut:ev:ut-enrold)

# one in flight per client keeps the burst long enough to be hit several times
"$UT_TOOLS/ut-enrol-load" "ipc://$T/ut-enrold.sock" "$CADRES" L 1 "$CLASSES" 32 1 2000 >"$T/answers.txt" 2>"$T/load.txt" &
load=$!
kills=0
while ((kills < KILLS)) && kill -0 "$load" 2>/dev/null; do
	sleep "0.$((RANDOM % 3 + 1))"
	kill -0 "$load" 2>/dev/null || break
	stop_daemon ut-enrold KILL
	kills=$((kills + 1))
	sleep 0.1
	start_daemon ut-enrold
done
wait "$load"
wait_enrol_ready
sed 's/^/# /' "$T/load.txt"
echo "# ut-enrold killed $kills times during the burst"
((kills > 0)) && ok "killed during the burst ($kills times)" || fail "the burst ended before any kill"

nok=$(awk '$3 == "ok"' "$T/answers.txt" | grep -c .)
echo "# $nok of $CADRES enrolments answered ok; the rest timed out while the daemon was down"
((nok > 0)) && ok "some enrolments were answered" || fail "no enrolment was answered"
check "no cadre answered twice" 0 "$(awk '$3 != "late" && $3 != "timeout" {print $1}' "$T/answers.txt" | sort | uniq -d | grep -c .)"
check "no refusals or unknown answers" 0 "$(awk '$3 != "ok" && $3 != "late" && $3 != "timeout"' "$T/answers.txt" | grep -c .)"

# Every answer `ok` is stored, in the state and waitlist place answered.
awk '$3 == "ok" {print $1, $2, $4, ($4 == "waitlisted" ? $5 : 0)}' "$T/answers.txt" | sort >"$T/acked"
sql ut-enrold "SELECT cadre_id || ' ' || class_id || ' ' || state || ' ' ||
	CASE state WHEN 'waitlisted' THEN row_number() OVER (PARTITION BY class_id, state ORDER BY id) ELSE 0 END
	FROM enrolments WHERE state != 'cancelled'" | sort >"$T/stored"
check "every ok answer is stored as answered" 0 "$(comm -23 "$T/acked" "$T/stored" | grep -c .)"
comm -23 "$T/acked" "$T/stored" | head -3 | sed 's/^/# missing: /'
check "no class holds more than its capacity" "$CAPACITY" \
	"$(sql ut-enrold "SELECT max(n) FROM (SELECT count(*) n FROM enrolments WHERE state = 'confirmed' GROUP BY class_id)")"
check "at most one row per cadre" 0 "$(sql ut-enrold "SELECT count(*) FROM (SELECT cadre_id FROM enrolments GROUP BY cadre_id HAVING count(*) > 1)")"

wait_published
events ut-enrold >"$T/ev.txt"
rows=$(sql ut-enrold "SELECT count(*) FROM enrolments")
check "each event id once in the stream" 0 "$(awk '{print $2}' "$T/ev.txt" | sort | uniq -d | grep -c .)"
check "one event per committed enrolment" "$rows" "$(($(grep -c . "$T/ev.txt") - before))"
check "confirmed events = confirmed rows" "$(sql ut-enrold "SELECT count(*) FROM enrolments WHERE state = 'confirmed'")" \
	"$(awk '$3 == "EV_ENROL_CONFIRMED"' "$T/ev.txt" | grep -c .)"
check "stream ids strictly increasing" "$(cut -d' ' -f1 "$T/ev.txt" | sort -t- -k1,1n -k2,2n | tr '\n' ' ')" \
	"$(cut -d' ' -f1 "$T/ev.txt" | tr '\n' ' ')"
finish
