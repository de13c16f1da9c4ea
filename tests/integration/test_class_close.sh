# Guarded, reversible closing on a whole node (real daemons, a delivery worker on the spool
# channel, an injected clock): a class closes only after its last session unless forced with a
# reason; roll-call for a session still to come is refused unless forced, and never brings an
# absence notice; roll-call corrections and late reflections after the close compute that cadre's
# completion again; reopening withdraws the completions (the report follows) until the class is
# closed again; notices already sent are not sent again, and a reflection is asked for only where
# it would complete the class. Enrolling after the start or the close needs --late (no "come on
# time" confirmation then); an unknown cadre is named before the closed class. Closing says what it
# does, its reason is in the audit, and what only an officer may do (forcing a roll-call ahead,
# correcting a closed class, a late reflection) a lecturer on the web console may not.
source "$(dirname "$0")/lib.sh"

CLOCK=$T/clock
export UT_CLOCK_FILE=$CLOCK
set_clock() { date -d "TZ=\"Asia/Shanghai\" $1" +%s%3N >"$CLOCK.tmp" && mv "$CLOCK.tmp" "$CLOCK"; }
set_clock "2026-03-01 08:00"

write_config "[notify]" "reminder_offsets = 1d" "tick_ms = 100" "templates_dir = $UT_SRC/deploy/templates" \
	"spool_dir = spool" "channels = spool" "[enrol]" "completion_pct = 100"
start_node
"$UT_BIN/ut-notifyd" --worker --config "$T/node.ini" --name w1 2>>"$T/worker1.log" &
PIDS[worker1]=$!

completions() { sql ut-enrold "SELECT group_concat(cadre_id || ':' || completed, ' ') FROM (SELECT * FROM completions WHERE class_id = 1 ORDER BY cadre_id)"; }
reported() { sql ut-reportd "SELECT coalesce(sum(value), 0) FROM rp_count WHERE metric = '$1'"; }
msgs() { sql ut-notifyd "SELECT count(*) FROM messages WHERE kind = '$1' AND cadre_id = '$2' AND status != 'withdrawn'"; }

utctl course add --code REFL --title 'Chairs course' --category onboarding --reflection >/dev/null
utctl class add --course REFL --capacity 10 --session '2026-03-10 09:00-12:00' --session '2026-03-11 09:00-12:00' >/dev/null
utctl class add --course REFL --capacity 10 --session '2026-03-20 09:00-12:00' >/dev/null
utctl unit add --code XQ --name 'Xí nghiệp 7' --kind union >/dev/null
for i in 1 2 3; do utctl cadre add --id "K$i" --name "Cán bộ $i" --unit XQ --position chair --locale vi >/dev/null; done
printf 'K1\nK2\nK3\n' | utctl enrol bulk 1 >/dev/null
wait_for "enrolments known to ut-notifyd" 3 sql ut-notifyd "SELECT count(*) FROM notify_enrolments WHERE class_id = 1"
mapfile -t S < <(sql ut-enrold "SELECT id FROM sched_sessions WHERE class_id = 1 ORDER BY starts_at")
export UT_WEB_CA=$T/web-cert.pem
port=$(sed -n 's/^listen = 127.0.0.1://p' "$T/node.ini" | head -1)
web() { /usr/bin/python3 "$UT_SRC/tests/tools/webclient.py" "https://127.0.0.1:$port" call "$@"; }
wait_until 30 /usr/bin/python3 "$UT_SRC/tests/tools/webclient.py" "https://127.0.0.1:$port" get / >/dev/null ||
	fail "ut-webd answers"
utctl user add le.thu --role lecturer --password-file - <<<'lecturer password 1' >/dev/null
utctl user add wang.li --role officer --password-file - <<<'officer password 1' >/dev/null
lecturer() { web le.thu 'lecturer password 1' "$@"; }
officer() { web wang.li 'officer password 1' "$@"; }
check_run "help says what closing does" 0 "computes each confirmed cadre's completion" utctl --locale en class close --help
check_run "help says forcing a roll-call ahead is an officer's" 0 'not started yet \(officer only\)' \
	utctl --locale en rollcall mark --help

# During the first session.
set_clock "2026-03-10 10:00"
check_run "closing before the last session has ended is refused, saying when it ends" 1 \
	'conflict: class 1 has not ended: its last session ends at 2026-03-11 12:00' utctl class close 1
check_run "forcing needs a reason" 1 'invalid: closing class 2 early needs a reason' utctl class close 2 --force
check_run "forced with a reason: closed early" 0 '^class 2 closed early' \
	utctl class close 2 --force --reason 'merged into class 1'
check "the reason and the force are kept with the class" "1|merged into class 1" \
	"$(sql ut-schedd "SELECT forced, reason FROM classes WHERE id = 2")"
check "and are in its event" 1 "$(redis-cli -s "$T/redis.sock" --raw XRANGE ut:ev:ut-schedd - + | grep -c 'merged into class 1')"
check_run "roll-call for a session that has not started is refused" 1 \
	"conflict: the session of class 1 at 2026-03-11 09:00 has not started yet" \
	utctl rollcall mark 1 2 --absent K3
check_run "a lecturer on the web console may not force it" 1 '^403 .*may not mark rollcall with --force' \
	lecturer rollcall mark '{"words": ["1", "2", "--absent", "K3", "--force"]}'
check_run "nor by the request's own fields" 1 '^403 ' \
	lecturer rollcall mark "{\"class_id\": 1, \"session_id\": ${S[1]}, \"force\": true, \"marks\": [{\"cadre_id\": \"K3\", \"mark\": \"absent\"}]}"
check "nothing was marked" 0 "$(sql ut-enrold "SELECT count(*) FROM attendance WHERE session_id = ${S[1]}")"
check_run "forced, it is taken" 0 '^1 marked' utctl rollcall mark 1 2 --absent K3 --force
check_run "the first session's roll-call" 0 '^3 marked' utctl rollcall mark 1 1 --present K1,K2 --absent K3
utctl cadre add --id K4 --name 'Cán bộ 4' --unit XQ --position chair --locale vi >/dev/null
check_run "enrolling into a class that has started is refused, saying when it started" 1 \
	'conflict: class 1 started at 2026-03-10 09:00' utctl enrol add K4 1
check_run "an unknown cadre is named before the closed class" 1 'not_found: no cadre NOSUCH \(and class 2 is closed' \
	utctl enrol add NOSUCH 2
check_run "enrolling into a closed class is refused" 1 'conflict: class 2 is closed' utctl enrol add K4 2
check_run "late, an officer may" 0 'confirmed in class 2' utctl enrol add K4 2 --late
wait_for "the late cadre's completion is computed" "K4:0" \
	sql ut-enrold "SELECT cadre_id || ':' || completed FROM completions WHERE class_id = 2"
wait_for "ut-notifyd saw the late enrolment" 1 sql ut-notifyd "SELECT count(*) FROM notify_enrolments WHERE cadre_id = 'K4'"
check "no confirmation asking a late cadre to come on time" 0 "$(msgs confirmed K4)"
wait_for "an absence notice for the session held" 1 msgs absent K3
check "none for the session still to come" 0 \
	"$(sql ut-notifyd "SELECT count(*) FROM messages WHERE kind = 'absent' AND offset_s = ${S[1]}")"

# After the last session: close; K1 completes (both sessions, reflection), K2 missed one, K3 both.
set_clock "2026-03-11 13:00"
utctl rollcall mark 1 2 --present K1 --absent K2 >/dev/null
utctl reflection submit K1 1 --file <(echo 'Bài học rút ra.') >/dev/null
closed=$(utctl --locale en class close 1)
check "closed once it has ended, saying what closing did" \
	"class 1 closed|Each confirmed cadre's completion is computed from the roll-calls and reflections so far; an officer" \
	"$(sed -n '1s/ (version [0-9]*)$//p; 2p' <<<"$closed" | paste -sd '|')"
wait_for "completions computed" "K1:1 K2:0 K3:0" completions
wait_for "the report counts one completion" 1 reported completed
check "no reflection asked for where attendance falls short" 0 \
	"$(sql ut-notifyd "SELECT count(*) FROM messages WHERE kind = 'reflection_due'")"

# Corrections after the close, for that cadre only, and an officer's.
check_run "a lecturer on the web console may not correct a closed class's roll-call" 1 \
	'^409 .*class 1 is closed: only an officer may correct its roll-call' \
	lecturer rollcall mark '{"words": ["1", "2", "--present", "K2"]}'
check "K2 is still absent" absent "$(sql ut-enrold "SELECT mark FROM attendance WHERE session_id = ${S[1]} AND cadre_id = 'K2'")"
check_run "an officer on the web console may" 0 '^200 ' officer rollcall mark '{"words": ["1", "2", "--present", "K1"]}'
check_run "a roll-call correction after the close is accepted" 0 'K2: present \(was absent, revision 2\)' \
	utctl rollcall mark 1 2 --present K2
wait_for "K2 now lacks only the reflection: it is asked for" 1 \
	sql ut-notifyd "SELECT count(*) FROM messages WHERE kind = 'reflection_due' AND cadre_id = 'K2' AND status = 'sent'"
check_run "a late reflection after the close is accepted" 0 'recorded' \
	utctl reflection submit K2 1 --file <(echo 'Nộp muộn.')
wait_for "K2's completion computed again" "K1:1 K2:1 K3:0" completions
wait_for "the report follows" 2 reported completed
check "K2 is not told again that the reflection is due" 1 "$(msgs reflection_due K2)"

# Reopen: completions withdrawn, then corrected and closed again.
check_run "reopening needs a reason" 2 'missing --reason' utctl class reopen 1
printf '{"id": 1}' >"$T/reopen.json"
check_run "reopening needs a reason, from any client" 1 'invalid: reopening class 1 needs a reason' utctl class reopen --input "$T/reopen.json"
check_run "reopened" 0 '^class 1 reopened' utctl class reopen 1 --reason 'K3 signed the wrong sheet'
check_run "only a closed class reopens" 1 'conflict: class 1 is running, not closed' utctl class reopen 1 --reason x
wait_for "completions withdrawn" "" completions
wait_for "the report withdraws them too" 0 reported completed
check_run "the roll-call is corrected" 0 'K3: present \(was absent, revision 2\)' utctl rollcall mark 1 1 --present K3
check_run "in both sessions" 0 'K3: present \(was absent, revision 2\)' utctl rollcall mark 1 2 --present K3
check_run "closed again" 0 '^class 1 closed' utctl class close 1
wait_for "completions computed anew" "K1:1 K2:1 K3:0" completions
check "K3 attended both sessions now" 2 "$(sql ut-enrold "SELECT sessions_attended FROM completions WHERE cadre_id = 'K3'")"
wait_for "the report counts them again" 2 reported completed
wait_for "K3, now lacking only the reflection, is asked for it" 1 msgs reflection_due K3
check "notices already sent are not sent again: K2 is not asked twice" 1 "$(msgs reflection_due K2)"
check "one absence notice for K3" 1 "$(msgs absent K3)"
check "the reflection-due notice says until when (14 days after the last session)" 1 \
	"$(grep -c 'nộp bài thu hoạch trước 2026-03-25 12:00' "$T"/spool/K3_1_reflection_due_*.eml)"

# After the time for reflections: refused, unless an officer accepts it late.
set_clock "2026-03-26 08:00"
check_run "a reflection after the deadline is refused, saying when it was due" 1 \
	'conflict: reflections for class 1 were due by 2026-03-25 12:00' utctl reflection submit K3 1 --file <(echo 'Muộn.')
check_run "a lecturer on the web console may not accept it late" 1 '^403 .*may not submit reflection with --late' \
	lecturer reflection submit '{"cadre_id": "K3", "class_id": 1, "text": "Muộn.", "late": true}'
check_run "an officer accepts it late" 0 'recorded' utctl reflection submit K3 1 --late --file <(echo 'Muộn.')
wait_for "and K3 completes" "K1:1 K2:1 K3:1" completions
wait_for "the report counts three" 3 reported completed

# Once the time for reflections is over, a reflection changes a completion only on an officer's
# word: closing asks nobody for one then.
utctl cadre add --id K5 --name 'Cán bộ 5' --unit XQ --position chair --locale vi >/dev/null
utctl class reopen 1 --reason 'K5 attended without enrolling' >/dev/null
check_run "late into a class that has started" 0 'confirmed in class 1' utctl enrol add K5 1 --late
utctl rollcall mark 1 1 --present K5 >/dev/null
utctl rollcall mark 1 2 --present K5 >/dev/null
utctl class close 1 >/dev/null
wait_for "K5 attended both, lacks only the reflection" "K1:1 K2:1 K3:1 K5:0" completions
utctl rollcall mark 1 1 --absent K5 >/dev/null # its notice comes after the completion's, in order
wait_for "ut-notifyd has seen the completions" 1 msgs absent K5
check "no confirmation asking a cadre enrolled late into a started class to come on time" 0 "$(msgs confirmed K5)"
check "nobody is asked for a reflection after the time for them" 0 "$(msgs reflection_due K5)"

# The audit keeps why a class was closed early and why it was reopened.
audit_reason() {
	utctl audit --json --limit 1000 | /usr/bin/python3 -c '
import json, sys
rows = [(e["what"], json.loads(e["request"])) for e in reversed(json.load(sys.stdin))]
print(" | ".join("%s force=%s: %s" % (w, r.get("force", False), r["reason"])
                 for w, r in rows if w in ("class close", "class reopen") and r.get("reason")))'
}
check "the audit shows the forced close and the reopening, with their reasons" \
	"class close force=True: merged into class 1 | class reopen force=False: K3 signed the wrong sheet | class reopen force=False: K5 attended without enrolling" "$(audit_reason)"
check_run "utctl audit shows the reason in its table" 0 'class close +\{.*merged into class 1' utctl audit

finish
