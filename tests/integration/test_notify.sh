# Reminders end to end over the spool channel, on an injected clock: confirmations at once,
# reminders at 3d/1d/2h, a reschedule moves them, cancellations withdraw them, quiet hours,
# past-due reminders skipped, every locale renders, each message once; utctl notify log, due,
# preview, resend.
source "$(dirname "$0")/lib.sh"

CLOCK=$T/clock
export UT_CLOCK_FILE=$CLOCK
# set_clock "YYYY-MM-DD HH:MM[:SS]": node time (Asia/Shanghai)
set_clock() { date -d "TZ=\"Asia/Shanghai\" $1" +%s%3N >"$CLOCK.tmp" && mv "$CLOCK.tmp" "$CLOCK"; }
ms_of() { date -d "TZ=\"Asia/Shanghai\" $1" +%s%3N; }
set_clock "2026-03-01 08:00"

write_config "[notify]" "reminder_offsets = 3d,1d,2h" "quiet_hours = 21:00-07:00" "tick_ms = 100" \
	"templates_dir = $UT_SRC/deploy/templates" "spool_dir = spool" "channels = email,webhook,spool" \
	"retry_base_ms = 200" "claim_idle_ms = 1000" "course_offsets = REF=2d"
start_redis
start_daemon ut-schedd
start_daemon ut-notifyd
"$UT_BIN/ut-notifyd" --worker --config "$T/node.ini" --name w1 2>>"$T/worker1.log" &
PIDS[worker1]=$!
wait_until 30 notify_ready || { echo "ut-schedd and ut-notifyd did not answer"; exit 1; }

inject() { "$UT_TOOLS/ut-notify-inject" "$T/redis.sock" ut:ev:ut-enrold "test-node/ut-enrold/$1" "${@:2}" >/dev/null; }
spooled() { find "$T/spool" -name '*.eml' 2>/dev/null | wc -l; }
spool_file() { echo "$T/spool/$(tr -c 'A-Za-z0-9.#\n-' '_' <<<"$1").eml"; }
status_of() { sql ut-notifyd "SELECT status FROM messages WHERE key = '$1'"; }

utctl course add --code SAFE-2026 --title 'Safety first' --category safety >/dev/null
utctl venue add --name 'Hall A' --capacity 100 >/dev/null
check_run "class 1 scheduled" 0 '^class 1 created' \
	utctl class add --course SAFE-2026 --capacity 50 --session '2026-03-10 09:00-12:00' --venue 1
wait_for "notifyd knows class 1" "1" sql ut-notifyd "SELECT version FROM sched_classes WHERE id = 1"

inject 1 unit-added id=7 name='Công đoàn Xí nghiệp 7'
inject 2 cadre-registered id=C1 name='Alice Chen' email=alice@example.org locale=en unit=7
inject 3 cadre-registered id=C2 name='Nguyễn Văn An' phone=+84900000001 locale=vi unit=7
inject 4 cadre-registered id=C3 name='王芳'
inject 5 enrol-confirmed cadre=C1 class=1
inject 6 enrol-confirmed cadre=C2 class=1

wait_for "both confirmations spooled at once" 2 spooled
check "confirmation is in the cadre's language (en)" 1 "$(grep -c 'Your place in the class "Safety first" is confirmed' "$(spool_file C1/1/confirmed/0/1)")"
check "confirmation in Vietnamese" 1 "$(grep -c 'Kính gửi đồng chí Nguyễn Văn An' "$(spool_file C2/1/confirmed/0/1)")"
check "confirmation carries the .ics invitation" 1 "$(grep -c 'DTSTART:20260310T010000Z' "$(spool_file C1/1/confirmed/0/1)")"
check "unit name available to templates" "Công đoàn Xí nghiệp 7" "$(sql ut-notifyd "SELECT name FROM notify_units WHERE id = 7")"
check "six reminders scheduled" 6 "$(sql ut-notifyd "SELECT count(*) FROM messages WHERE kind = 'reminder' AND status = 'scheduled'")"
check "3d reminder due 2026-03-07 09:00" "$(ms_of '2026-03-07 09:00')" "$(sql ut-notifyd "SELECT due_ms FROM messages WHERE key = 'C1/1/reminder/259200/1'")"
check "2h reminder due 2026-03-10 07:00 (end of quiet hours is not inside)" "$(ms_of '2026-03-10 07:00')" \
	"$(sql ut-notifyd "SELECT due_ms FROM messages WHERE key = 'C1/1/reminder/7200/1'")"
check_run "notify due lists what comes next" 0 'reminder +C1 +1 +3d +2026-03-07 09:00' utctl notify due
check "notify due --cadre filters" 3 "$(utctl --json notify due --cadre C2 | grep -c '"kind": "reminder"')"

# Nothing goes before its time.
set_clock "2026-03-07 08:59:59"
sleep 0.5
check "no reminder a second early" 2 "$(spooled)"
set_clock "2026-03-07 09:00"
wait_for "3d reminders sent at their time" 4 spooled
check "reminder text in English" 1 "$(grep -c 'starts at 2026-03-10 09:00 (reminder 3 days ahead)' "$(spool_file C1/1/reminder/259200/1)")"
wait_for "the log says sent" "sent" status_of C1/1/reminder/259200/1
delivered() { events ut-notifyd | awk '$3 == "EV_NOTIFY_DELIVERED"' | wc -l; }
wait_for "delivered events on the outbox stream" 4 delivered

# Reschedule: pending reminders of version 1 withdrawn, new ones for the new dates, a change notice.
sid=$(sql ut-schedd "SELECT id FROM sessions WHERE class_id = 1")
check_run "class 1 moved two days later" 0 '' utctl class change 1 --session 1 --at '2026-03-12 09:00-12:00'
wait_for "old pending reminders withdrawn" 4 sql ut-notifyd "SELECT count(*) FROM messages WHERE class_version = 1 AND status = 'withdrawn'"
wait_for "change notices spooled" 6 spooled
check "change notice names the new dates" 1 "$(grep -c 'New dates: 2026-03-12 09:00' "$(spool_file C1/1/class_changed/0/2)")"
check "new reminders for the new dates" "$(ms_of '2026-03-09 09:00')" "$(sql ut-notifyd "SELECT due_ms FROM messages WHERE key = 'C1/1/reminder/259200/2'")"
set_clock "2026-03-09 09:00"
wait_for "new 3d reminders sent" 8 spooled
check "the withdrawn 1d reminder of the old date was never sent" "withdrawn" "$(status_of C1/1/reminder/86400/1)"
[[ -e $(spool_file C1/1/reminder/86400/1) ]] && fail "withdrawn reminder spooled" || ok "withdrawn reminder not spooled"

# Enrolment cancelled: a notice, and the cadre's pending reminders go.
inject 7 enrol-cancelled cadre=C2 class=1 reason='changed shifts'
wait_for "cancellation notice spooled" 9 spooled
check "C2's pending reminders withdrawn" 2 "$(sql ut-notifyd "SELECT count(*) FROM messages WHERE cadre_id = 'C2' AND class_version = 2 AND status = 'withdrawn'")"
set_clock "2026-03-12 07:00"
wait_for "C1 alone gets the 1d and 2h reminders" 11 spooled
check "nothing for C2 after the cancellation" 0 "$(find "$T/spool" -name 'C2_1_reminder_86400_2.eml' -o -name 'C2_1_reminder_7200_2.eml' | wc -l)"

# Quiet hours: 06:00 moves to 07:00 when the class starts after it, else stays.
set_clock "2026-03-13 08:00"
utctl class add --course SAFE-2026 --capacity 50 --session '2026-03-20 08:00-10:00' --venue 1 >/dev/null
utctl class add --course SAFE-2026 --capacity 50 --session '2026-03-22 06:30-10:00' >/dev/null
wait_for "notifyd knows classes 2 and 3" "2" sql ut-notifyd "SELECT count(*) FROM sched_classes WHERE id IN (2, 3)"
inject 8 enrol-confirmed cadre=C1 class=2
inject 9 enrol-confirmed cadre=C1 class=3
wait_for "reminders for classes 2 and 3" 6 sql ut-notifyd "SELECT count(*) FROM messages WHERE class_id IN (2, 3) AND kind = 'reminder'"
inject 11 enrol-cancelled cadre=C1 class=3
wait_for "cancelling withdraws class 3's reminders" 3 sql ut-notifyd "SELECT count(*) FROM messages WHERE class_id = 3 AND kind = 'reminder' AND status = 'withdrawn'"
inject 12 enrol-confirmed cadre=C1 class=3
wait_for "enrolling again brings them back" 3 sql ut-notifyd "SELECT count(*) FROM messages WHERE class_id = 3 AND kind = 'reminder' AND status = 'scheduled'"
check "2h reminder at 06:00 moved to the end of quiet hours" "$(ms_of '2026-03-20 07:00')" \
	"$(sql ut-notifyd "SELECT due_ms FROM messages WHERE key = 'C1/2/reminder/7200/1'")"
check "quiet end after the class start: kept at 04:30" "$(ms_of '2026-03-22 04:30')" \
	"$(sql ut-notifyd "SELECT due_ms FROM messages WHERE key = 'C1/3/reminder/7200/1'")"

# Class cancelled: notice with the reason, reminders withdrawn.
utctl class cancel 2 --reason 'venue flooded' >/dev/null
wait_for "class 2 reminders withdrawn" 3 sql ut-notifyd "SELECT count(*) FROM messages WHERE class_id = 2 AND status = 'withdrawn'"
wait_for "class cancelled notice spooled" 1 bash -c "grep -l 'Reason: venue flooded' '$T'/spool/C1_2_class_cancelled_* 2>/dev/null | wc -l"
inject 15 enrol-cancelled cadre=C1 class=2 reason='class cancelled'
wait_for "ut-notifyd saw the cascaded cancellation" cancelled sql ut-notifyd "SELECT state FROM notify_enrolments WHERE cadre_id = 'C1' AND class_id = 2"
check "no second notice for an enrolment cancelled with its class" 0 "$(sql ut-notifyd "SELECT count(*) FROM messages WHERE cadre_id = 'C1' AND class_id = 2 AND kind = 'cancelled'")"
check "cancel notice carries an iCalendar CANCEL" 1 "$(grep -c 'METHOD:CANCEL' "$(spool_file C1/2/class_cancelled/0/2)")"

# Past-due: enrolled 20 hours before the start, only the 2h reminder is still to come.
set_clock "2026-03-21 10:30"
inject 10 enrol-confirmed cadre=C3 class=3
wait_for "C3's confirmation in the node's language (zh-Hans)" 1 \
	bash -c "grep -c '王芳同志' '$(spool_file C3/3/confirmed/0/1)' 2>/dev/null"
check "3d and 1d reminders skipped, not sent late" "skipped skipped scheduled" \
	"$(sql ut-notifyd "SELECT group_concat(status, ' ') FROM (SELECT status FROM messages WHERE cadre_id = 'C3' AND kind = 'reminder' ORDER BY offset_s DESC)")"

# Absent from a session: a follow-up naming it. Reflection due after a class whose course asks for one.
inject 20 attendance cadre=C1 class=1 session="$sid" mark=absent
inject 21 attendance cadre=C2 class=1 session="$sid" mark=present
wait_for "absence follow-up spooled" 1 bash -c "grep -c 'marked absent from the session of \"Safety first\" at 2026-03-12 09:00' '$(spool_file C1/1/absent/$sid/2)' 2>/dev/null"
check "no follow-up for a present cadre" 0 "$(sql ut-notifyd "SELECT count(*) FROM messages WHERE kind = 'absent' AND cadre_id = 'C2'")"
utctl course add --code REF --title 'Chairs course' --category chair_rotation --reflection >/dev/null
utctl class add --course REF --capacity 20 --session '2026-03-15 09:00-12:00' >/dev/null
wait_for "notifyd knows class 4" "1" sql ut-notifyd "SELECT count(*) FROM sched_classes WHERE id = 4"
inject 25 enrol-confirmed cadre=C2 class=4
wait_for "a course with its own offsets: one reminder, 2d before" "172800" sql ut-notifyd "SELECT group_concat(offset_s) FROM messages WHERE class_id = 4 AND kind = 'reminder'"
until=$(($(ms_of '2026-03-29 12:00') / 1000))
inject 22 completed cadre=C1 class=4 reflection=0 missing=1 until=$until
inject 23 completed cadre=C2 class=4 reflection=1
inject 24 completed cadre=C2 class=1 reflection=0
wait_for "reflection due for the one who has not handed it in, saying until when" 1 \
	bash -c "grep -c 'Chairs course. has ended. Please hand in your written reflection by 2026-03-29 12:00' '$(spool_file C1/4/reflection_due/$until/1)' 2>/dev/null"
check "none where it was handed in or the course needs none" 1 "$(sql ut-notifyd "SELECT count(*) FROM messages WHERE kind = 'reflection_due'")"

# Due-list nudge from an officer: once per cadre and day, in each cadre's language.
printf 'id,name\nC1,Alice\nC2,An\n' >"$T/due.csv"
check_run "nudge two cadres from a due list" 0 '^nudges queued: 2; already nudged today: 0' utctl notify nudge --file "$T/due.csv" --note 'onboarding for new chairs'
printf 'Mã cán bộ,Họ và tên\r\nC2,An\r\n' >"$T/due_vi.csv"
check_run "a Vietnamese header is a header, not a cadre" 0 '^nudges queued: 0; already nudged today: 1' \
	utctl notify nudge --file "$T/due_vi.csv" --for onboarding
check_run "again the same day: nothing new" 0 '^nudges queued: 0; already nudged today: 1' utctl notify nudge C1 --for onboarding
check_run "a due reason" 0 '^nudges queued: 1;' utctl notify nudge C3 --for retrain
wait_for "the due reason in the cadre's language, from the templates" 1 \
	bash -c "grep -c '本类别的复训' '$T'/spool/C3_0_due_nudge_*.eml 2>/dev/null"
check_run "a reason that is not one" 2 "'later' is not one of" utctl notify nudge C3 --for later
wait_for "the nudge is spooled with the note" 1 bash -c "grep -c 'you are due for: onboarding for new chairs' '$T'/spool/C1_0_due_nudge_*.eml 2>/dev/null"
check_run "a nudge says why" 2 'say what they are due for' utctl notify nudge C1
check_run "an id with a slash is refused" 1 "invalid: cadre 1: an id is" utctl notify nudge 'a/b' --note x

# A cadre who leaves gets nothing more.
inject 13 cadre-left id=C3 name='王芳' version=2
wait_for "a cadre who left: pending reminders withdrawn" "withdrawn" status_of C3/3/reminder/7200/1
check "cadre data follows the newer version" 2 "$(sql ut-notifyd "SELECT version FROM notify_cadres WHERE id = 'C3'")"

# Every message exactly once, whatever the tick and timer did.
check "one spool file per sent message" "$(sql ut-notifyd "SELECT count(*) FROM messages WHERE status = 'sent'")" "$(spooled)"
wait_for "answered jobs are trimmed from the job stream" 0 redis-cli -s "$T/redis.sock" xlen ut:ev:ut-notifyd-jobs
check "no key queued twice" 0 "$(sql ut-notifyd "SELECT count(*) FROM (SELECT key FROM messages GROUP BY key HAVING count(*) > 1)")"

# utctl notify: log, preview in every locale, resend.
check_run "log filtered by cadre and status" 0 'withdrawn +reminder +C2' utctl notify log --cadre C2 --status withdrawn
check_run "bad status refused with the statuses" 2 "'lost' is not one of scheduled, queued, sent" utctl notify log --status lost
printf '{"status": "lost"}' >"$T/q.json"
check_run "bad status refused by the daemon too" 1 "invalid: unknown status 'lost'" utctl notify log --input "$T/q.json" 
check_run "preview renders the reminder" 0 'Subject: Reminder: Safety first starts 2026-03-12 09:00' utctl notify preview reminder C1 1
check_run "preview in zh-Hant" 0 '開班提醒：Safety first' utctl notify preview reminder C1 1 --locale zh-Hant
check_run "preview in zh-Hans" 0 '开班提醒' utctl notify preview reminder C1 1 --locale zh-Hans
check_run "preview in vi" 0 'Nhắc lịch học' utctl notify preview reminder C1 1 --locale vi
check_run "preview names the channel" 0 'Channel: spool' utctl notify preview confirmed C2 1
check_run "preview of an unknown kind lists the kinds" 2 "KIND: 'party' is not one of confirmed, waitlisted" utctl notify preview party C1 1
printf '{"kind": "party", "cadre_id": "C1", "class_id": 1}' >"$T/p.json"
check_run "preview of an unknown kind, from any client" 1 "invalid: unknown kind 'party'" utctl notify preview --input "$T/p.json" 
check_run "preview of an unknown cadre" 1 "not_found: no cadre 'C9'" utctl notify preview reminder C9 1
check_run "preview with a bad locale" 2 "--locale: 'fr' is not one of zh-Hans" utctl notify preview reminder C1 1 --locale fr
first=$(sql ut-notifyd "SELECT id FROM messages WHERE key = 'C1/1/confirmed/0/1'")
before=$(spooled)
check_run "resend a sent message" 0 "queued again as message [0-9]+ \\(C1/1/confirmed/0/1#resend-1\\)" utctl notify resend "$first"
wait_for "the resend is spooled as its own file" $((before + 1)) spooled
check_run "resend of a pending message refused" 1 'conflict: .* is scheduled' \
	utctl notify resend "$(sql ut-notifyd "SELECT id FROM messages WHERE status = 'scheduled' LIMIT 1")"
check_run "resend of an unknown message" 1 'not_found: no message 9999' utctl notify resend 9999

# Restarting the daemon and the worker sends nothing again.
stop_daemon ut-notifyd
kill "${PIDS[worker1]}"; wait "${PIDS[worker1]}" 2>/dev/null; unset 'PIDS[worker1]'
start_daemon ut-notifyd
"$UT_BIN/ut-notifyd" --worker --config "$T/node.ini" --name w1 2>>"$T/worker1.log" &
PIDS[worker1]=$!
before=$(spooled)
wait_until 30 notify_ready
wait_for "every job done after the restart" "0 0" unacked
check "nothing sent twice after a restart" "$before" "$(spooled)"
check "daemon still answers" 0 "$(utctl notify due >/dev/null 2>&1; echo $?)"

# A reminder that comes due after the class started (the daemon was down) is skipped, not sent.
stop_daemon ut-notifyd
set_clock "2026-03-22 07:00"
start_daemon ut-notifyd
wait_for "C1's 2h reminder for class 3 skipped after the start" "skipped" status_of C1/3/reminder/7200/1
check "and not spooled" 0 "$(find "$T/spool" -name 'C1_3_reminder_7200_1.eml' | wc -l)"

finish
