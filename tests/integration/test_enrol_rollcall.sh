# Roll-call, corrections, reflections and completion on a real node: marks by list, by
# --all-present --except and by sign-in sheet; a correction bumps the revision and is logged;
# closing a class computes completion (80%, late counts as present, reflection where required);
# the training record shows it.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/enrol_lib.sh"
CLOCK=$T/clock
export UT_CLOCK_FILE=$CLOCK
set_clock() { date -d "TZ=\"Asia/Shanghai\" $1" +%s%3N >"$CLOCK.tmp" && mv "$CLOCK.tmp" "$CLOCK"; }
set_clock "2026-03-01 08:00" # before every class: enrolment is open

start_enrol_node

utctl unit add --code U1 --name 'Liên đoàn Lao động quận' --kind union >/dev/null
for i in 1 2 3 4 5; do
	utctl cadre add --id "K$i" --name "Cán bộ $i" --unit U1 --position chair --elected 2025-01-15 >/dev/null
done
utctl course add --code SAFE --title 'An toàn lao động' --category safety >/dev/null
utctl course add --code REFL --title '工会干部培训' --category onboarding --reflection >/dev/null
# class 1: five sessions of 3 hours; class 2: two sessions, reflection required
utctl class add --course SAFE --capacity 4 --session '2026-04-01 09:00-12:00' --session '2026-04-02 09:00-12:00' \
	--session '2026-04-03 09:00-12:00' --session '2026-04-04 09:00-12:00' --session '2026-04-05 09:00-12:00' >/dev/null
utctl class add --course REFL --capacity 4 --session '2026-05-01 09:00-12:00' --session '2026-05-02 09:00-12:00' >/dev/null
wait_for "both classes known" 2 sql ut-enrold "SELECT count(*) FROM sched_classes"
mapfile -t S < <(sql ut-enrold "SELECT id FROM sched_sessions WHERE class_id = 1 ORDER BY starts_at")
mapfile -t R < <(sql ut-enrold "SELECT id FROM sched_sessions WHERE class_id = 2 ORDER BY starts_at")
check "five sessions" 5 "${#S[@]}"
N=(1 2 3 4 5) # people name a session by its number in the class
printf 'K1\nK2\nK3\nK4\nK5\n' | utctl enrol bulk 1 >/dev/null
check "K5 waits" waitlisted "$(sql ut-enrold "SELECT state FROM enrolments WHERE cadre_id = 'K5'")"
printf 'K1\nK2\n' | utctl enrol bulk 2 >/dev/null
set_clock "2026-05-03 08:00" # after both classes

check_run "session 1: all present but K4" 0 '^4 marked \(0 corrections\), 0 unchanged' \
	utctl rollcall mark 1 "${N[0]}" --all-present --except K4
check "K4 absent in session 1" absent "$(sql ut-enrold "SELECT mark FROM attendance WHERE session_id = ${S[0]} AND cadre_id = 'K4'")"
check_run "session 2: by lists, ids as separate words" 0 '^4 marked' utctl rollcall 1 "${N[1]}" --present K1 K2 --late K3 --absent K4
printf 'cadre_id,mark\r\nK1,present\r\nK2,present\r\n"K3",late\r\nK4,excused\r\n' >"$T/sheet.csv"
check_run "session 3: sign-in sheet" 0 '^4 marked' utctl rollcall mark 1 "${N[2]}" --file "$T/sheet.csv"
check_run "session 4: all present" 0 '^4 marked' utctl rollcall mark 1 "${N[3]}" --all-present
check_run "session 5: K1 present, the rest absent" 0 '^4 marked' utctl rollcall mark 1 "${N[4]}" --present K1 --rest-absent

check_run "correction: K2 was there in session 5" 0 'K2: present \(was absent, revision 2\)' \
	utctl rollcall mark 1 "${N[4]}" --present K2
check_run "correction: K3 left before session 4" 0 'K3: absent \(was present, revision 2\)' \
	utctl rollcall mark 1 "${N[3]}" --absent K3
check_run "the same mark again changes nothing" 0 '0 marked \(0 corrections\), 1 unchanged' \
	utctl rollcall mark 1 "${N[3]}" --absent K3
check "corrections are logged" "absent>present present>absent" \
	"$(sql ut-enrold "SELECT group_concat(previous || '>' || mark, ' ') FROM (SELECT previous, mark FROM attendance_log WHERE revision = 2 ORDER BY id)")"

# Refusals change nothing.
before=$(sql ut-enrold "SELECT count(*) FROM attendance_log")
check_run "a waitlisted cadre cannot be marked" 1 'conflict: cadre K5 is waitlisted, not confirmed' \
	utctl rollcall mark 1 "${N[0]}" --present K5
check_run "a cadre not in the class" 1 'not_found: cadre K9 is not enrolled in class 1' utctl rollcall mark 1 "${N[0]}" --present K9
check_run "a session the class does not have lists its sessions" 2 "class 1 has no session 6; its sessions: 1 2026-04-01 09:00, 2 " \
	utctl rollcall mark 1 6 --present K1
check_run "the same cadre twice" 1 'invalid: cadre K1 is marked twice' utctl rollcall mark 1 "${N[0]}" --present K1 --absent K1
printf 'K1,present\nK2,asleep\n' >"$T/bad.csv"
check_run "a sheet with an unknown mark" 2 'line 2: mark .asleep. is not one of present, late, excused, absent' utctl rollcall mark 1 "${N[0]}" --file "$T/bad.csv"
check_run "--except without --all-present" 2 'except goes with --all-present' utctl rollcall mark 1 "${N[0]}" --except K1
check "nothing was marked by the refusals" "$before" "$(sql ut-enrold "SELECT count(*) FROM attendance_log")"

# Reflections (class 2 requires one).
utctl rollcall mark 2 1 --all-present >/dev/null
utctl rollcall mark 2 2 --all-present >/dev/null
check "rollcall show names class 2's sessions by their numbers, not their ids (${R[*]})" "1 1 2 2" \
	"$(utctl --json rollcall show 2 | /usr/bin/python3 -c 'import json, sys; print(" ".join(str(m["session_number"]) for m in json.load(sys.stdin)))')"
check_run "and in its table" 0 '^ *2 +K2 +present' utctl rollcall show 2
printf 'Tôi đã học được nhiều điều.\n第二段。\n' >"$T/refl.txt"
check_run "reflection submitted" 0 'reflection of K1 for class 2 recorded \(revision 1\)' \
	utctl reflection submit K1 2 --file "$T/refl.txt"
check_run "submitted again replaces it" 0 'revision 2' utctl reflection submit K1 2 --file "$T/refl.txt"
check "the text is kept whole" "$(cat "$T/refl.txt")" "$(sql ut-enrold "SELECT text FROM reflections WHERE cadre_id = 'K1'")"
check_run "not enrolled" 1 'not_found: cadre K3 is not enrolled in class 2' utctl reflection submit K3 2 --file "$T/refl.txt"
printf '\xff\xfe' >"$T/bin.txt"
check_run "not UTF-8" 2 'is not UTF-8 text' utctl reflection submit K2 2 --file "$T/bin.txt"

# Closing computes completion: K1 5/5, K2 5/5 (after the correction), K3 3/5 = 60%, K4 1/5.
utctl class close 1 >/dev/null
utctl class close 2 >/dev/null
wait_for "completion computed for class 1" "K1:1:5 K2:1:5 K3:0:3 K4:0:1" \
	sql ut-enrold "SELECT group_concat(cadre_id || ':' || completed || ':' || sessions_attended, ' ') FROM (SELECT * FROM completions WHERE class_id = 1 ORDER BY cadre_id)"
wait_for "class 2: only K1 handed in the required reflection" "K1:1 K2:0" \
	sql ut-enrold "SELECT group_concat(cadre_id || ':' || completed, ' ') FROM (SELECT * FROM completions WHERE class_id = 2 ORDER BY cadre_id)"
check "the waitlisted cadre gets no completion" 0 "$(sql ut-enrold "SELECT count(*) FROM completions WHERE cadre_id = 'K5'")"
check_run "roll-call on a closed class is a correction (here: nothing to correct)" 0 '0 marked \(0 corrections\), 1 unchanged' \
	utctl rollcall mark 1 "${N[0]}" --present K1

check_run "training record" 0 'SAFE.*15 +confirmed +5/5 +no +completed' utctl cadre record K1
check_run "record: hours completed" 0 'hours completed +21' utctl cadre record K1
check_run "record of K3" 0 'SAFE.*3/5.*not_completed' utctl cadre record K3
check_run "record of an unknown cadre" 1 'not_found: no cadre K99' utctl cadre record K99

# Due lists (everyone was elected 2025-01-15; K1 completed the onboarding class 2).
due_ids() { utctl --json cadre due "$@" | grep -o '"id": "[^"]*"' | cut -d'"' -f4 | paste -sd' '; }
check "onboarding due after 6 months" "K2 K3 K4 K5" "$(due_ids --onboarding-months 6 --today 2026-06-01)"
check "not yet due after 18 months" "" "$(due_ids --onboarding-months 18 --today 2026-06-01)"
check "retraining due: each completed category" "K1 K1 K2" "$(due_ids --retrain-years 3 --today 2029-06-01)"
check "retraining: only what is older than the cutoff" "K1 K2" "$(due_ids --retrain-years 3 --today 2029-04-20)"
check_run "CSV output" 0 '^K1,Cán bộ 1,U1,chair,2025-01-15,retrain,safety,2026-04-05' \
	utctl cadre due --retrain-years 3 --today 2029-04-20 --format csv
check_run "CSV header" 0 '^ID,NAME,UNIT,POSITION,ELECTED,DUE,CATEGORY,LAST TRAINED' \
	utctl cadre due --retrain-years 3 --today 2029-04-20 --format csv
# a name a spreadsheet would run as a formula, with a comma in it: one cell, shown as text
utctl cadre add --id K9 --name '=HYPERLINK("http://x","y")' --unit U1 --position chair --elected 2025-01-15 >/dev/null
check "a formula-like name stays one cell of a row as long as the header, as text" "True '=HYPERLINK" "$(utctl cadre due --onboarding-months 6 \
	--today 2026-06-01 --format csv | /usr/bin/python3 -c 'import csv, sys
rows = list(csv.reader(sys.stdin))
k9 = [r for r in rows if r[0] == "K9"][0]
print(all(len(r) == len(rows[0]) for r in rows), k9[1][:11])')"
utctl cadre leave K9 >/dev/null
utctl unit add --code U2 --name 'Tổ công đoàn' --kind union --parent U1 >/dev/null
check "unit filter takes the subtree: U1 holds all" "K2 K3 K4 K5" "$(due_ids --onboarding-months 6 --today 2026-06-01 --unit U1)"
check "unit filter: nobody in U2" "" "$(due_ids --onboarding-months 6 --today 2026-06-01 --unit U2)"
# A cadre confirmed in an onboarding class still to come is planned, not due.
utctl class add --course REFL --capacity 4 --session '2026-07-01 09:00-12:00' >/dev/null
wait_for "class 3 known" 1 sql ut-enrold "SELECT count(*) FROM sched_classes WHERE id = 3"
utctl enrol add K2 3 >/dev/null
planned() { utctl --json cadre due "$@" | /usr/bin/python3 -c 'import json, sys
print(" ".join("%s:%s" % (d["cadre"]["id"], d.get("planned_class", 0)) for d in json.load(sys.stdin)))'; }
check "K2 is planned in class 3, the others due" "K2:3 K3:0 K4:0 K5:0" "$(planned --onboarding-months 6 --today 2026-06-01)"
check_run "the table says so" 0 'planned: class 3.*3 due, 1 planned' \
	bash -c "'$UT_BIN/utctl' --node-config '$T/node.ini' cadre due --onboarding-months 6 --today 2026-06-01 | tr '\n' ' '"
check_run "due without a criterion" 2 'give --onboarding-months' utctl cadre due
check_run "due in an unknown format" 2 "not one of table, csv, json" utctl cadre due --retrain-years 1 --format xml
check_run "due with a bad day" 1 'invalid: today "2029-02-30"' utctl cadre due --retrain-years 1 --today 2029-02-30

wait_published
events ut-enrold >"$T/ev.txt"
check "one attendance event per mark and correction" "$(sql ut-enrold "SELECT count(*) FROM attendance_log")" \
	"$(awk '$3 == "EV_ATTENDANCE_MARKED"' "$T/ev.txt" | grep -c .)"
check "one completion event per confirmed cadre" 6 "$(awk '$3 == "EV_CLASS_COMPLETED"' "$T/ev.txt" | grep -c .)"
finish
