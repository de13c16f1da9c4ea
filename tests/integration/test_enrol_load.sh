# 32 concurrent clients enrol 5,000 cadres into 50 classes of 80 seats (100 asked per class) on a
# real node, with group commit. Checks: every cadre answered exactly once, never more confirmed
# than capacity, the waitlist in the order the daemon answered, every event in the stream exactly
# once; prints the rate and the commits it took.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/enrol_lib.sh"

CADRES=${CADRES:-5000}
CLASSES=50
CAPACITY=80
CLIENTS=32

start_enrol_node
utctl unit add --code U1 --name '区总工会' --kind union >/dev/null
{ echo 'id,name,unit,position'; for i in $(seq "$CADRES"); do printf 'L%05d,员%d,U1,other\n' "$i" "$i"; done; } >"$T/cadres.csv"
check_run "import $CADRES cadres" 0 "imported: $CADRES added" utctl --timeout 60000 cadre import "$T/cadres.csv"
utctl course add --code LOAD --title 'Load' --category safety >/dev/null
for c in $(seq "$CLASSES"); do utctl class add --course LOAD --capacity "$CAPACITY" >/dev/null; done
wait_for "ut-enrold knows the $CLASSES classes" "$CLASSES" sql ut-enrold "SELECT count(*) FROM sched_classes"
wait_published
before=$(redis-cli -s "$T/redis.sock" XLEN ut:ev:ut-enrold)

"$UT_TOOLS/ut-enrol-load" "ipc://$T/ut-enrold.sock" "$CADRES" L 1 "$CLASSES" "$CLIENTS" 8 60000 >"$T/answers.txt" 2>"$T/load.txt"
cat "$T/load.txt" | sed 's/^/# /'

per=$((CADRES / CLASSES))
check "one answer per cadre" "$CADRES" "$(grep -c . "$T/answers.txt")"
check "every cadre answered once" "$CADRES" "$(awk '{print $1}' "$T/answers.txt" | sort -u | grep -c .)"
check "all answers ok" "$CADRES" "$(awk '$3 == "ok"' "$T/answers.txt" | grep -c .)"
check "no timeouts, duplicates or unknown answers" 0 "$(awk '$3 != "ok"' "$T/answers.txt" | grep -c .)"
check "confirmed answers: capacity per class" "$((CLASSES * CAPACITY))" "$(awk '$4 == "confirmed"' "$T/answers.txt" | grep -c .)"
check "no class answered more confirmed than its capacity" "$CAPACITY" \
	"$(awk '$4 == "confirmed" {n[$2]++} END {m = 0; for (k in n) if (n[k] > m) m = n[k]; print m}' "$T/answers.txt")"
check "database: most confirmed in a class" "$CAPACITY" \
	"$(sql ut-enrold "SELECT max(n) FROM (SELECT count(*) n FROM enrolments WHERE state = 'confirmed' GROUP BY class_id)")"
check "database: one row per cadre" "$CADRES" "$(sql ut-enrold "SELECT count(DISTINCT cadre_id) FROM enrolments")"
# The waitlist: the places answered are 1..k per class, and the database's order is the same.
check "places answered are unique per class" 0 \
	"$(awk '$4 == "waitlisted" {print $2, $5}' "$T/answers.txt" | sort | uniq -d | grep -c .)"
check "the last place is the waitlist length" "$((per - CAPACITY))" \
	"$(awk '$4 == "waitlisted" && $5 > m {m = $5} END {print m}' "$T/answers.txt")"
awk '$4 == "waitlisted" {print $2, $5, $1}' "$T/answers.txt" | sort -k1,1n -k2,2n | awk '{print $1, $3}' >"$T/wl.answers"
sql ut-enrold "SELECT class_id || ' ' || cadre_id FROM enrolments WHERE state = 'waitlisted' ORDER BY class_id, id" >"$T/wl.db"
check "waitlist order in the database = the places answered" "" "$(diff "$T/wl.answers" "$T/wl.db" | head -3)"

wait_published
events ut-enrold >"$T/ev.txt"
check "each event id once in the stream" 0 "$(awk '{print $2}' "$T/ev.txt" | sort | uniq -d | grep -c .)"
check "one event per enrolment" "$CADRES" "$(($(grep -c . "$T/ev.txt") - before))"
check "confirmed events" "$((CLASSES * CAPACITY))" "$(awk '$3 == "EV_ENROL_CONFIRMED"' "$T/ev.txt" | grep -c .)"
check "waitlisted events" "$((CADRES - CLASSES * CAPACITY))" "$(awk '$3 == "EV_ENROL_WAITLISTED"' "$T/ev.txt" | grep -c .)"
commits=$(sed -n 's/.* in \([0-9]*\) commits/\1/p' "$T/load.txt")
[[ -n $commits && $commits -lt $CADRES ]] && ok "group commit: $commits commits for $CADRES enrolments" ||
	fail "group commit: $commits commits for $CADRES enrolments"
finish
