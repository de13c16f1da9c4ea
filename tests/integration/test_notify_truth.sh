# Notices that tell the truth, on a whole node (real ut-schedd, ut-enrold, ut-notifyd and a delivery
# worker on the spool channel, an injected clock): every enrolment change is a notice of its own,
# even when the class version stays the same; moving any session tells the confirmed and the
# waitlisted and schedules the reminders again; the attendance report counts reminders apart from
# the other notices; calendars get one event per session with the venue's address or the link to
# join online, a SEQUENCE that follows the class and METHOD:CANCEL when it is cancelled.
source "$(dirname "$0")/lib.sh"

CLOCK=$T/clock
export UT_CLOCK_FILE=$CLOCK
set_clock() { date -d "TZ=\"Asia/Shanghai\" $1" +%s%3N >"$CLOCK.tmp" && mv "$CLOCK.tmp" "$CLOCK"; }
set_clock "2026-03-01 08:00"

write_config "[notify]" "reminder_offsets = 3d,1d" "tick_ms = 100" "templates_dir = $UT_SRC/deploy/templates" \
	"spool_dir = spool" "channels = spool"
start_node
"$UT_BIN/ut-notifyd" --worker --config "$T/node.ini" --name w1 2>>"$T/worker1.log" &
PIDS[worker1]=$!

spooled() { find "$T/spool" -name "$1" 2>/dev/null | wc -l; }
# The kinds of the messages sent to a cadre, oldest first.
sent_kinds() { sql ut-notifyd "SELECT group_concat(kind, ' ') FROM (SELECT kind FROM messages WHERE cadre_id = '$1' AND kind != 'reminder' AND status = 'sent' ORDER BY id)"; }

utctl course add --code SAFE --title 'Safety first' --category safety >/dev/null
utctl class add --course SAFE --capacity 10 --session '2026-03-10 09:00-12:00' >/dev/null
utctl class change 1 --state open >/dev/null
utctl unit add --code XQ --name 'Xí nghiệp 7' --kind union >/dev/null
utctl cadre add --id C1 --name 'Alice Chen' --unit XQ --position chair --locale en >/dev/null
wait_for "notifyd knows the cadre" 1 sql ut-notifyd "SELECT count(*) FROM notify_cadres WHERE id = 'C1'"

# Enrol, cancel, enrol again, all against the same class version.
check_run "C1 enrolled" 0 'confirmed' utctl enrol add C1 1
wait_for "the confirmation is sent" "confirmed" sent_kinds C1
check_run "C1 cancels" 0 '' utctl enrol cancel C1 1 --reason 'night shift'
wait_for "the cancellation is sent" "confirmed cancelled" sent_kinds C1
check_run "C1 enrols again" 0 'confirmed' utctl enrol add C1 1
wait_for "a second confirmation is sent: the last notice says the cadre holds a seat" \
	"confirmed cancelled confirmed" sent_kinds C1
check "three notices spooled" 3 "$(spooled 'C1_1_[cm]*.eml')"
check "the new enrolment has its reminders" 2 \
	"$(sql ut-notifyd "SELECT count(*) FROM messages WHERE cadre_id = 'C1' AND kind = 'reminder' AND status = 'scheduled'")"
check "the first enrolment's reminders stay withdrawn" 2 \
	"$(sql ut-notifyd "SELECT count(*) FROM messages WHERE cadre_id = 'C1' AND kind = 'reminder' AND status = 'withdrawn'")"

# Class 2: two sessions, one seat. Moving the second session is a change of dates too.
utctl class add --course SAFE --capacity 1 --session '2026-03-12 09:00-12:00' --session '2026-03-13 09:00-12:00' >/dev/null
utctl cadre add --id C2 --name 'Trần Văn Bình' --unit XQ --position chair --locale vi >/dev/null
check_run "C1 takes the seat" 0 'confirmed in class 2' utctl enrol add C1 2
check_run "C2 waits" 0 'waitlisted in class 2' utctl enrol add C2 2
wait_for "both places known to ut-notifyd" 2 sql ut-notifyd "SELECT count(*) FROM notify_enrolments WHERE class_id = 2"
check_run "the second session moves a day later" 0 '' utctl class change 2 --session 2 --at '2026-03-14 09:00-12:00'
wait_for "dates changed: sent to the confirmed and the waitlisted" "C1 C2" sql ut-notifyd \
	"SELECT group_concat(cadre_id, ' ') FROM (SELECT cadre_id FROM messages WHERE class_id = 2 AND kind = 'class_changed' AND status = 'sent' ORDER BY cadre_id)"
check "the notice gives the new end" 1 "$(grep -c 'Thời gian mới: 2026-03-12 09:00 đến 2026-03-14 12:00' "$T"/spool/C2_2_class_changed_*.eml)"
check "C1's reminders scheduled again under the new version" "2|2" \
	"$(sql ut-notifyd "SELECT sum(status = 'withdrawn' AND class_version = 1), sum(status = 'scheduled' AND class_version = 2) FROM messages WHERE class_id = 2 AND kind = 'reminder'")"
check "no reminders for the waitlisted" 0 "$(sql ut-notifyd "SELECT count(*) FROM messages WHERE cadre_id = 'C2' AND kind = 'reminder'")"

# Calendars and online classes.
utctl venue add --name 'Hall A' --capacity 50 --address '12 Tràng Tiền, Hà Nội' >/dev/null
utctl class add --course SAFE --capacity 10 --session '2026-03-20 09:00-12:00' --venue 1 \
	--session '2026-03-21 09:00-12:00' --venue 1 --session '2026-03-22 09:00-12:00' >/dev/null
check_run "a session's own join link" 0 '' utctl session add 3 --at '2026-03-23 09:00-12:00' --join-url https://meet.example.org/s4
check_run "a link must be a web address" 1 "invalid: join link 'javascript:x' is not" \
	utctl class change 3 --join-url 'javascript:x'
check_run "the class's join link" 0 '' utctl class change 3 --join-url https://meet.example.org/c3
check_run "class show names the link" 0 'join link +https://meet.example.org/c3' utctl class show 3
check_run "class show gives a session's own link" 0 'https://meet.example.org/s4' utctl class show 3
utctl enrol add C2 3 >/dev/null
wait_for "C2's confirmation for class 3 sent" 1 sql ut-notifyd "SELECT count(*) FROM messages WHERE class_id = 3 AND kind = 'confirmed' AND status = 'sent'"
eml=$(ls "$T"/spool/C2_3_confirmed_*.eml)
check "one event per session" 4 "$(grep -c '^BEGIN:VEVENT' "$eml")"
check "the venue's address is the location" 2 "$(grep -c '^LOCATION:Hall A\\, 12 Tràng Tiền\\, Hà Nội' "$eml")"
check "a session without a venue or link of its own: the class's link" 1 "$(grep -c '^LOCATION:https://meet.example.org/c3' "$eml")"
check "the online session's location and URL are its link" 2 "$(grep -c 'https://meet.example.org/s4' "$eml")"
check "the notice names the place with its address" 1 "$(grep -c '^Địa điểm: Hall A, 12 Tràng Tiền, Hà Nội' "$eml")"
check "SEQUENCE is the class version" 4 "$(grep -c "^SEQUENCE:$(sql ut-schedd "SELECT version FROM classes WHERE id = 3")" "$eml")"
utctl class add --course SAFE --capacity 10 --format online --join-url https://meet.example.org/c4 \
	--session '2026-03-25 09:00-12:00' >/dev/null
utctl enrol add C2 4 >/dev/null
wait_for "C2's confirmation for the online class sent" 1 sql ut-notifyd "SELECT count(*) FROM messages WHERE class_id = 4 AND kind = 'confirmed' AND status = 'sent'"
check "an online class's notice gives the link where the place would be" 1 \
	"$(grep -c '^Địa điểm: https://meet.example.org/c4' "$T"/spool/C2_4_confirmed_*.eml)"
utctl class cancel 3 --reason 'merged' >/dev/null
wait_for "the class cancelled notice sent" 1 sql ut-notifyd "SELECT count(*) FROM messages WHERE class_id = 3 AND kind = 'class_cancelled' AND status = 'sent'"
eml=$(ls "$T"/spool/C2_3_class_cancelled_*.eml)
check "the cancellation cancels every session's event" "1 4 4" \
	"$(grep -c '^METHOD:CANCEL' "$eml") $(grep -c '^STATUS:CANCELLED' "$eml") $(grep -c "^SEQUENCE:$(sql ut-schedd "SELECT version FROM classes WHERE id = 3")" "$eml")"

# Reports: no reminder has gone out yet; every other notice is counted apart.
notices=$(sql ut-notifyd "SELECT count(*) FROM messages WHERE status = 'sent' AND kind != 'reminder'")
wait_for "ut-reportd counted the notices sent" "$notices" \
	sql ut-reportd "SELECT coalesce(sum(value), 0) FROM rp_count WHERE metric = 'notices_sent'"
check "the attendance report: reminders sent 0, notices sent $notices" "0 $notices" \
	"$(utctl report attendance --year 2026 --format json | /usr/bin/python3 -c 'import json, sys
t = json.load(sys.stdin)["total"]; print(t.get("reminders_sent", 0), t.get("notices_sent", 0))')"

finish
