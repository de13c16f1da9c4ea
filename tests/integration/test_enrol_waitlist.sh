# Enrolment on a real node: seats while they last, then the waitlist in order; refusals with their
# reasons (already enrolled, left, cancelled/closed/unknown class, overlapping sessions); a
# cancellation and a capacity increase promote in order; a class cancelled by scheduling cancels
# its enrolments; bulk enrolment answers each cadre; one event per change.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/enrol_lib.sh"
CLOCK=$T/clock
export UT_CLOCK_FILE=$CLOCK
set_clock() { date -d "TZ=\"Asia/Shanghai\" $1" +%s%3N >"$CLOCK.tmp" && mv "$CLOCK.tmp" "$CLOCK"; }
set_clock "2026-03-01 08:00" # before every class: enrolment is open

start_enrol_node

utctl unit add --code U1 --name '区总工会' --kind union >/dev/null
for i in 1 2 3 4 5 6 7 8; do
	utctl cadre add --id "C0$i" --name "学员$i" --unit U1 --position committee_member >/dev/null
done
check "eight cadres" 8 "$(sql ut-enrold 'SELECT count(*) FROM cadres')"

utctl course add --code SAFE --title '安全生产' --category safety >/dev/null
utctl class add --course SAFE --capacity 2 --session '2026-03-05 09:00-12:00' >/dev/null  # 1
utctl class add --course SAFE --capacity 5 --session '2026-03-05 11:00-13:00' >/dev/null  # 2 overlaps 1
utctl class add --course SAFE --capacity 3 --session '2026-03-10 09:00-12:00' >/dev/null  # 3
utctl class add --course SAFE --capacity 3 --session '2026-03-12 09:00-12:00' >/dev/null  # 4
utctl class add --course SAFE --capacity 3 --session '2026-03-15 09:00-12:00' >/dev/null  # 5
wait_for "ut-enrold knows the five classes" 5 sql ut-enrold "SELECT count(*) FROM sched_classes"

check_run "first seat" 0 '^C01: ok: confirmed in class 1$' utctl enrol add C01 1
check_run "second seat, said the short way (utctl enrol CADRE CLASS)" 0 "confirmed in class 1" utctl enrol C02 1
check_run "full: waitlisted first" 0 'waitlisted in class 1 at place 1' utctl enrol add C03 1
check_run "waitlisted second" 0 'waitlisted in class 1 at place 2' utctl enrol add C04 1
check_run "already confirmed" 1 'conflict: cadre C01 is already confirmed in class 1' utctl enrol add C01 1
check_run "already waitlisted" 1 'conflict: cadre C03 is already waitlisted in class 1' utctl enrol add C03 1
check_run "unknown cadre" 1 'not_found: no cadre C99' utctl enrol add C99 1
check_run "unknown class" 1 'not_found: no class 42' utctl enrol add C05 42
check_run "unknown class and cadre: the class is named" 1 'not_found: no class 42' utctl enrol add C99 42
check_run "overlapping class refused" 1 \
	'conflict: cadre C01 is confirmed in class 1 \(安全生产\), whose sessions overlap class 2' utctl enrol add C01 2
check_run "a waitlisted cadre may enrol elsewhere at the same time" 0 'confirmed in class 2' utctl enrol add C03 2
check_run "no overlap, fine" 0 'confirmed in class 3' utctl enrol add C01 3
utctl cadre leave C08 >/dev/null
check_run "a cadre who left is refused" 1 'conflict: cadre C08 \(学员8\) has left' utctl enrol add C08 3
check "the class holds 2 seats and 2 waiting" "confirmed:2 waitlisted:2" \
	"$(sql ut-enrold "SELECT group_concat(state || ':' || n, ' ') FROM (SELECT state, count(*) n FROM enrolments WHERE class_id = 1 GROUP BY state ORDER BY state)")"

# Cancelling a seat promotes the first waiting who is free at that time: C03 now sits in class 2,
# which overlaps, so C04 gets the seat and C03 keeps its place.
check_run "cancel a seat" 0 'cadre C04 promoted from the waitlist' utctl enrol cancel C02 1 --reason 'on duty'
check "class 1 after the cancellation" "C01:confirmed C04:confirmed C03:waitlisted" \
	"$(sql ut-enrold "SELECT group_concat(cadre_id || ':' || state, ' ') FROM (SELECT cadre_id, state FROM enrolments WHERE class_id = 1 AND state != 'cancelled' ORDER BY state, id)")"
check_run "cancel again" 1 'not_found: cadre C02 is not enrolled in class 1' utctl enrol cancel C02 1
check_run "re-enrol after cancelling joins the end of the queue" 0 'waitlisted in class 1 at place 2' utctl enrol add C02 1
check_run "enrol list shows seats then the queue" 0 'class 1: 2 of 2 seats taken, 2 waiting' utctl enrol list --class 1
check "waitlist places" "C03:1 C02:2" "$(utctl --json enrol list --class 1 --state waitlisted | /usr/bin/python3 -c 'import json, sys
print(" ".join("%s:%s" % (e["cadre_id"], e["waitlist_pos"]) for e in json.load(sys.stdin)["enrolments"]))')"
check_run "the list names each cadre and unit" 0 'C03 +学员3 +U1 +waitlisted +1' utctl enrol list --class 1 --state waitlisted
listed() { utctl --json enrol list "$@" | /usr/bin/python3 -c 'import json, sys
print(" ".join("%s:%s:%s:%s" % (e["class_id"], e["cadre_id"], e["state"], e.get("waitlist_pos", 0))
               for e in json.load(sys.stdin).get("enrolments", [])))'; }
check "a cadre's list: its classes, its place in a queue" "1:C03:waitlisted:1 2:C03:confirmed:0" "$(listed --cadre C03)"
check "a cadre in a class: its place in the whole queue" "1:C02:waitlisted:2 1:C02:cancelled:0" \
	"$(listed --class 1 --cadre C02)"

# Scheduling raises the capacity: the queue moves up in order (C03 still overlaps: skipped).
check_run "capacity 2 -> 4" 0 'version' utctl class change 1 --capacity 4
wait_for "C02 promoted when capacity grew" "confirmed" sql ut-enrold "SELECT state FROM enrolments WHERE class_id = 1 AND cadre_id = 'C02' AND state != 'cancelled'"
check "C03 still waits (it sits in overlapping class 2)" "waitlisted" \
	"$(sql ut-enrold "SELECT state FROM enrolments WHERE class_id = 1 AND cadre_id = 'C03' AND state != 'cancelled'")"
check "class 1 has a free seat while C03 waits" "3" "$(sql ut-enrold "SELECT count(*) FROM enrolments WHERE class_id = 1 AND state = 'confirmed'")"
check_run "cancel C03's overlapping seat" 0 '' utctl enrol cancel C03 2
check "C03 is free at that time now: promoted in class 1" "confirmed" \
	"$(sql ut-enrold "SELECT state FROM enrolments WHERE class_id = 1 AND cadre_id = 'C03' AND state != 'cancelled'")"
check_run "C03 enrols in a class at another time" 0 'confirmed in class 4' utctl enrol add C03 4

# Scheduling cancels class 3: every enrolment in it is cancelled, with the reason.
utctl enrol add C05 3 >/dev/null
utctl class cancel 3 --reason 'lecturer ill' >/dev/null
wait_for "class 3's enrolments cancelled" "cancelled:2" \
	sql ut-enrold "SELECT group_concat(state || ':' || n) FROM (SELECT state, count(*) n FROM enrolments WHERE class_id = 3 GROUP BY state)"
check "the reason names the class cancellation" "class cancelled: lecturer ill" \
	"$(sql ut-enrold "SELECT DISTINCT reason FROM enrolments WHERE class_id = 3")"
check_run "a cancelled class takes nobody" 1 'conflict: class 3 is cancelled' utctl enrol add C06 3
utctl class close 4 --force --reason 'held ahead of its date' >/dev/null
wait_for "class 4 closed in the projection" closed sql ut-enrold "SELECT state FROM sched_classes WHERE id = 4"
check_run "a closed class takes nobody" 1 'conflict: class 4 is closed' utctl enrol add C06 4

# Bulk: one request, each cadre answered in order; the refused ones change nothing.
printf 'cadre_id\nC05\nC06\nC99\nC07\nC05\n' >"$T/bulk.csv"
check_run "bulk enrolment answers each line" 1 \
	'C05: ok: confirmed in class 2.*C06: ok: confirmed.*C99: not_found: no cadre C99.*C07: ok: confirmed.*C05: conflict: cadre C05 is already confirmed.*3 confirmed, 0 waitlisted, 2 refused' \
	bash -c "set -o pipefail; '$UT_BIN/utctl' --node-config '$T/node.ini' enrol bulk 2 --file '$T/bulk.csv' | tr '\n' ' '"
check "class 2 holds C05, C06, C07" "C05 C06 C07" \
	"$(sql ut-enrold "SELECT group_concat(cadre_id, ' ') FROM (SELECT cadre_id FROM enrolments WHERE class_id = 2 AND state = 'confirmed' ORDER BY cadre_id)")"
check_run "bulk from stdin" 0 '2 confirmed, 0 waitlisted, 0 refused' \
	bash -c "printf 'C01\nC02\n' | '$UT_BIN/utctl' --node-config '$T/node.ini' enrol bulk 5"

# Scheduling moves class 2's session: the enrolments stay, the projection holds the new version.
v2=$(sql ut-enrold "SELECT version FROM sched_classes WHERE id = 2")
live2=$(sql ut-enrold "SELECT group_concat(cadre_id || state) FROM enrolments WHERE class_id = 2 AND state != 'cancelled'")
check_run "move class 2's session" 0 '' utctl class change 2 --session 1 --at '2026-03-20 14:00-17:00'
wait_for "the projection has the new version" "$((v2 + 1))" sql ut-enrold "SELECT version FROM sched_classes WHERE id = 2"
check "the enrolments stay" "$live2" \
	"$(sql ut-enrold "SELECT group_concat(cadre_id || state) FROM enrolments WHERE class_id = 2 AND state != 'cancelled'")"
check "the enrolments remember the version they were decided on" 1 \
	"$(sql ut-enrold "SELECT max(class_version) <= $v2 FROM enrolments WHERE class_id = 2")"

# A cadre who leaves gives up their seats: the first waiting takes each.
utctl enrol add C04 5 >/dev/null
check_run "class 5 is full: C06 waits" 0 'waitlisted in class 5 at place 1' utctl enrol add C06 5
check_run "C01 leaves" 0 'C01 has left' utctl cadre leave C01 --reason 'moved away'
check "C01's seats are cancelled with the reason" "cancelled:cadre left: moved away" \
	"$(sql ut-enrold "SELECT DISTINCT state || ':' || reason FROM enrolments WHERE cadre_id = 'C01' AND class_id IN (1, 5)")"
check "C06 took the seat in class 5" confirmed "$(sql ut-enrold "SELECT state FROM enrolments WHERE cadre_id = 'C06' AND class_id = 5")"

# Bad requests past utctl.
check_run "enrol with a garbage body" 0 '^invalid malformed EnrolRequest' rawsend ut-enrold body 220 $'\xff\xff'
check_run "enrol with no cadre" 0 '^invalid no cadre given' rawsend ut-enrold body 220 $'\x08\x01'

# Events: exactly one per change.
wait_published
events ut-enrold >"$T/ev.txt"
check "each event id once" 0 "$(awk '{print $2}' "$T/ev.txt" | sort | uniq -d | grep -c .)"
check "cancelled events = cancelled rows" "$(sql ut-enrold "SELECT count(*) FROM enrolments WHERE state = 'cancelled'")" \
	"$(awk '$3 == "EV_ENROL_CANCELLED"' "$T/ev.txt" | grep -c .)"
check "promotions: C04, C02, C03, C06" 4 "$(awk '$3 == "EV_ENROL_PROMOTED"' "$T/ev.txt" | grep -c .)"
check "waitlisted events: C03, C04, C02, C06" 4 "$(awk '$3 == "EV_ENROL_WAITLISTED"' "$T/ev.txt" | grep -c .)"
check "confirmed events: every enrolment row but the 4 waitlisted at first" \
	"$(($(sql ut-enrold "SELECT count(*) FROM enrolments") - 4))" "$(awk '$3 == "EV_ENROL_CONFIRMED"' "$T/ev.txt" | grep -c .)"

finish
