# A training officer's day on a real node: courses, venues, lecturers, classes with sessions,
# double-booking refused, changes, cancellation, plans; the other daemons follow through events;
# SIGTERM stops every daemon cleanly.
source "$(dirname "$0")/lib.sh"

start_node

check_run "node status lists its daemons up" 0 '' utctl node status
check "five daemons up (the four and the web console)" 5 "$(utctl node status | grep -c ' up ')"

check_run "course added" 0 '^course 1 created' \
	utctl course add --code SAFE-2026 --title '安全生产培训' --category safety --hours 8
check_run "second course added" 0 '^course 2 created' \
	utctl course add --code LAW-2026 --title 'Bồi dưỡng pháp luật lao động' --category labour_law
check_run "venue added" 0 '^venue 1 created' utctl venue add --name 'Hội trường A' --capacity 120
check_run "small venue added" 0 '^venue 2 created' utctl venue add --name '小会议室' --capacity 20
check_run "lecturer added" 0 '^lecturer 1 created' utctl lecturer add --name 'Lê Xuân Trường'
check_run "second lecturer added" 0 '^lecturer 2 created' utctl lecturer add --name '王老师'

check_run "class with a session" 0 '^class 1 created \(version 1\)' \
	utctl class add --course SAFE-2026 --level city --capacity 100 \
	--session '2026-03-05 09:00-12:00' --venue 1 --lecturer 1
check_run "class show names venue and lecturer" 0 'Hội trường A.*Lê Xuân Trường' utctl class show 1

# Double booking, each refused with the other class named, and nothing stored.
check_run "venue double-booked is a conflict naming the other class" 1 \
	'conflict: venue 1 is already booked .* by class 1 \(安全生产培训\)' \
	utctl class add --course LAW-2026 --capacity 50 --session '2026-03-05 11:00-13:00' --venue 1
check_run "lecturer double-booked is a conflict" 1 'conflict: lecturer 1 is already booked .* by class 1' \
	utctl class add --course LAW-2026 --capacity 10 --session '2026-03-05 08:00-09:30' --venue 2 --lecturer 1
check_run "venue too small for the class" 1 'invalid: venue 2 .* seats 20, fewer than the class capacity 50' \
	utctl class add --course LAW-2026 --capacity 50 --session '2026-03-07 09:00-12:00' --venue 2
check "refused classes were not stored" 1 "$(sql ut-schedd 'SELECT count(*) FROM classes')"
check_run "back-to-back booking is fine" 0 '^class 2 created' \
	utctl class add --course LAW-2026 --capacity 20 --session '2026-03-05 12:00-14:00' --venue 1 --lecturer 2
check_run "a class held in the past can be entered" 0 '^class 3 created' \
	utctl class add --course LAW-2026 --capacity 20 --session '2019-06-01 09:00-11:00' --venue 2

# Changes bump the version; moving a session checks clashes again.
check_run "open the class" 0 'version 2' utctl class change 1 --state open
check_run "state cannot go back" 1 'conflict: class 1 is already open' utctl class change 1 --state open
check_run "second session added, by its number in the class" 0 'session 2 added to class 1 \(version 3\)' \
	utctl session add 1 --at '2026-03-06 09:00-12:00' --venue 1 --lecturer 1
check_run "moving a session onto class 2's slot is refused" 1 'conflict: venue 1 is already booked .* by class 2' \
	utctl class change 1 --session 2 --at '2026-03-05 13:00-15:00'
check_run "moving a session to a free slot" 0 'version 4' utctl class change 1 --session 2 --at '2026-03-06 14:00-17:00'
check "the session moved" "2026-03-06 14:00" "$(utctl class show 1 | grep -o '2026-03-06 14:00')"
check_run "unknown session lists the class's sessions" 2 'class 1 has no session 99; its sessions: 1 2026-03-05 09:00, 2 2026-03-06 14:00' \
	utctl class change 1 --session 99 --venue 2
check "the session keeps its number when it moves" 2 "$(utctl --format csv session list 1 | grep '2026-03-06 14:00' | cut -d, -f1)"

# Cancelled classes free their slots and take no more sessions.
check_run "cancel class 2" 0 '' utctl class cancel 2 --reason 'lecturer ill'
check_run "session on a cancelled class refused" 1 'conflict: class 2 is cancelled' \
	utctl session add 2 --at '2026-04-01 09:00-10:00'
check_run "cancelled class's slot can be booked again" 0 '^class 4 created' \
	utctl class add --course LAW-2026 --capacity 20 --session '2026-03-05 12:00-14:00' --venue 1
check_run "close a class" 0 '' utctl class close 3
check_run "closed class cannot be cancelled" 1 'conflict: class 3 is closed' utctl class cancel 3
check_run "unknown class" 1 'not_found: no class 42' utctl class show 42
check_run "list by state" 0 '' utctl class list --state cancelled
check "one cancelled class listed" 1 "$(utctl --json class list --state cancelled | grep -c '"state": "cancelled"')"

check_run "plan set" 0 '' utctl plan set --year 2026 --category safety --classes 42 --participations 3000
check_run "plan shown" 0 'safety +42 +3000' utctl plan show --year 2026

# The consumers follow through events, to the newest version of each class.
want=$(sql ut-schedd "SELECT group_concat(id || ':' || version || ':' || state, ' ') FROM classes ORDER BY id")
for d in ut-enrold ut-notifyd ut-reportd; do
	wait_for "$d has every class at its newest version" "$want" \
		sql "$d" "SELECT group_concat(id || ':' || version || ':' || state, ' ') FROM sched_classes ORDER BY id"
	check "$d has every session" "$(sql ut-schedd 'SELECT count(*) FROM sessions')" \
		"$(sql "$d" 'SELECT count(*) FROM sched_sessions')"
	check "$d has the plan" "3000" "$(sql "$d" "SELECT planned_participations FROM sched_plans WHERE year = 2026")"
done

# utctl's own errors.
check_run "unknown noun is a usage error" 2 '' utctl frobnicate list
check_run "missing required option is a usage error" 2 '' utctl course add --code X
# one rule for every verb: a file that cannot be read is a usage error
check_run "a missing import file is a usage error" 2 'nosuch.csv' utctl cadre import "$T/nosuch.csv"
check_run "a missing bulk file is a usage error" 2 'nosuch.txt' utctl enrol bulk 1 --file "$T/nosuch.txt"
check_run "a missing nudge file is a usage error" 2 'nosuch.csv' utctl notify nudge --file "$T/nosuch.csv" --note x
check_run "bad date is a usage error" 2 '' utctl class add --course LAW-2026 --capacity 5 --session '2026-02-30 09:00-10:00'
check_run "help at every level" 0 'add' utctl class --help
check_run "help for a verb" 0 'capacity' utctl class add --help

for d in "${DAEMONS[@]}"; do
	stop_daemon "$d" TERM
	check "$d stops with exit 0 on SIGTERM" 0 "$STOPPED_STATUS"
done
check_run "stopped node is unreachable (exit 3)" 3 'not answering' utctl --timeout 300 class list

finish
