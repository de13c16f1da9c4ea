# Bad input to ut-notifyd: broken templates and settings stop it at start with a clear message;
# a cadre without contact, an unreachable SMTP server, malformed requests, events and jobs give
# clear errors, lose nothing, and the daemon keeps serving.
source "$(dirname "$0")/lib.sh"

CLOCK=$T/clock
export UT_CLOCK_FILE=$CLOCK
date -d 'TZ="Asia/Shanghai" 2026-03-01 08:00' +%s%3N >"$CLOCK"
tick_clock() { while sleep 0.2; do echo $(($(cat "$CLOCK") + 1000)) >"$CLOCK.t1" && mv "$CLOCK.t1" "$CLOCK"; done; }

# A closed port on loopback: bind one, remember it, let it go.
dead_port=$(/usr/bin/python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])')
base=("[notify]" "reminder_offsets = 1d" "quiet_hours =" "tick_ms = 100" "channels = email,webhook"
	"smtp_url = smtp://127.0.0.1:$dead_port" "smtp_timeout_ms = 2000" "retry_base_ms = 100" "max_attempts = 3"
	"claim_idle_ms = 1000")
cp -r "$UT_SRC/deploy/templates" "$T/tpl"
start_redis

# try_start LABEL: run ut-notifyd with the current node.ini; it must refuse to start.
try_start() {
	timeout 10 "$UT_BIN/ut-notifyd" --config "$T/node.ini" >"$T/start.out" 2>&1
	echo "exit $?: $(tr "\n" " " <"$T/start.out")"
}

printf 'Subject: Reminder {{class_title}}\n\nDear {{cadre_nmae}},\n' >"$T/tpl/reminder.en.txt"
write_config "${base[@]}" "templates_dir = $T/tpl"
check_run "unknown template variable: refused at start, file and line named" 0 \
	'exit 1: .*templates: .*/tpl/reminder.en.txt: line 3: unknown variable \{\{cadre_nmae\}\}' try_start
printf 'Subject: \xff\xfe broken\n\nbody\n' >"$T/tpl/reminder.en.txt"
check_run "invalid UTF-8 in a template: refused at start" 0 'exit 1: .*reminder.en.txt: not valid UTF-8' try_start
printf 'Hello {{cadre_name}}\n' >"$T/tpl/reminder.en.txt"
check_run "template without a Subject line: refused" 0 'exit 1: .*reminder.en.txt: line 1: must start with "Subject: "' try_start
rm "$T/tpl/reminder.en.txt"
check_run "missing template: refused, file named" 0 'exit 1: .*reminder.en.txt: cannot read' try_start
cp "$UT_SRC/deploy/templates/reminder.en.txt" "$T/tpl/"
write_config "${base[@]}" "templates_dir = $T/tpl" "reminder_offsets = 3x"
check_run "bad reminder_offsets: refused" 0 'exit 1: .*reminder_offsets: "3x" is not a list' try_start
write_config "${base[@]}" "templates_dir = $T/tpl" "quiet_hours = 25:00-07:00"
check_run "bad quiet_hours: refused" 0 'exit 1: .*quiet_hours: "25:00-07:00" is not HH:MM-HH:MM' try_start

write_config "${base[@]}" "templates_dir = $T/tpl"
start_daemon ut-schedd
start_daemon ut-notifyd
"$UT_BIN/ut-notifyd" --worker --config "$T/node.ini" --name w1 2>>"$T/worker1.log" &
PIDS[worker1]=$!
wait_until 30 notify_ready || { echo "ut-schedd and ut-notifyd did not answer"; exit 1; }
tick_clock &
PIDS[ticker]=$!
inject() { "$UT_TOOLS/ut-notify-inject" "$T/redis.sock" ut:ev:ut-enrold "test-node/ut-enrold/$1" "${@:2}" >/dev/null; }
row() { sql ut-notifyd "SELECT status || ' ' || attempts FROM messages WHERE key = '$1/1/confirmed/0/1'"; }

utctl course add --code LAW --title 'Labour law' --category labour_law >/dev/null
utctl class add --course LAW --capacity 50 --session '2026-03-10 09:00-12:00' >/dev/null
wait_for "notifyd knows the class" "1" sql ut-notifyd "SELECT version FROM sched_classes WHERE id = 1"

inject 1 cadre-registered id=N1 name='No Contact'
inject 2 enrol-confirmed cadre=N1 class=1
wait_for "a cadre without any contact: dead-lettered at once" "dead 1" row N1
check "the reason names the cadre and the channels" 1 \
	"$(sql ut-notifyd "SELECT error FROM messages WHERE key = 'N1/1/confirmed/0/1'" | grep -c 'cadre N1 has no usable contact for channels "email,webhook"')"

inject 3 cadre-registered id=U1 name='Unreachable' email=u1@example.org
inject 4 enrol-confirmed cadre=U1 class=1
wait_for "unreachable SMTP server: retried, then dead" "dead 3" row U1
check "the reason says why" 1 "$(sql ut-notifyd "SELECT error FROM messages WHERE key = 'U1/1/confirmed/0/1'" | grep -c 'gave up after 3 attempts: smtp:')"
check "the reminder is still scheduled, nothing lost" "scheduled" "$(sql ut-notifyd "SELECT status FROM messages WHERE key = 'U1/1/reminder/86400/1'")"

# Malformed events, jobs and outcomes on the streams: skipped, the daemon and worker go on.
redis-cli -s "$T/redis.sock" xadd ut:ev:ut-enrold '*' d 'not a protobuf at all' >/dev/null
inject 5 enrol-confirmed cadre= class=1
inject 6 enrol-confirmed cadre=N1 class=0
redis-cli -s "$T/redis.sock" xadd ut:ev:ut-notifyd-jobs 9999999999999-1 d 'garbage job' >/dev/null
redis-cli -s "$T/redis.sock" xadd ut:ev:ut-notifyd-results '*' d 'garbage outcome' >/dev/null
inject 7 cadre-registered id=G1 name=Good email=g1@example.org
inject 8 enrol-confirmed cadre=G1 class=1
wait_for "a good event after the bad ones is applied" 1 sql ut-notifyd "SELECT count(*) FROM messages WHERE key = 'G1/1/confirmed/0/1'"
check "an enrolment without cadre or class changed nothing" 0 \
	"$(sql ut-notifyd "SELECT count(*) FROM messages WHERE cadre_id = '' OR class_id = 0")"
wait_for "the garbage job was acknowledged" 0 bash -c "redis-cli -s '$T/redis.sock' xpending ut:ev:ut-notifyd-jobs ut-notifyd-workers | head -1"
check "the worker said so" 1 "$(grep -c 'malformed; dropped' "$T/worker1.log")"

# Malformed requests each get one clear answer.
check_run "garbage frame" 0 '^invalid malformed envelope' rawsend ut-notifyd garbage 200
check_run "log request with a broken body" 0 '^invalid ' rawsend ut-notifyd body 300 $'\xff\xff\xff'
check_run "preview request with a broken body" 0 '^invalid ' rawsend ut-notifyd body 303 $'\x0a\xff'
check_run "resend without an id" 0 '^not_found no message 0' rawsend ut-notifyd type MSG_NOTIFY_RESEND
check_run "preview with nothing" 0 "^invalid unknown kind ''" rawsend ut-notifyd type MSG_NOTIFY_PREVIEW
check_run "the daemon still serves" 0 'dead +confirmed +N1' utctl notify log --cadre N1
check_run "utctl: preview needs three arguments" 2 '' utctl notify preview reminder N1
check_run "utctl: resend needs a number" 2 '' utctl notify resend abc
check_run "utctl: help" 0 'preview' utctl notify --help

finish
