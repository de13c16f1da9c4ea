# Exactly once through crashes, counted at a real SMTP server: a delivery worker killed with
# SIGKILL in the middle of a send (its jobs are reclaimed by another worker), and ut-notifyd
# killed with SIGKILL while it schedules and queues hundreds of messages.
source "$(dirname "$0")/../integration/lib.sh"

CLOCK=$T/clock
export UT_CLOCK_FILE=$CLOCK
date -d 'TZ="Asia/Shanghai" 2026-03-01 08:00' +%s%3N >"$CLOCK"

/usr/bin/python3 "$UT_SRC/tests/tools/notify_smtp_sink.py" --out "$T/mail" --port-file "$T/smtp.port" \
	--hold "$T/release" 2>"$T/smtp.log" &
PIDS[smtp]=$!
wait_until 30 test -s "$T/smtp.port" || { echo "smtp sink did not start"; cat "$T/smtp.log"; exit 1; }

write_config "[notify]" "reminder_offsets = 3d,1d" "quiet_hours =" "tick_ms = 50" \
	"templates_dir = $UT_SRC/deploy/templates" "spool_dir =" "channels = email" \
	"smtp_url = smtp://127.0.0.1:$(cat "$T/smtp.port")" "smtp_timeout_ms = 10000" "retry_base_ms = 200" \
	"claim_idle_ms = 800"
start_redis
start_daemon ut-schedd
start_daemon ut-notifyd
start_worker() { "$UT_BIN/ut-notifyd" --worker --config "$T/node.ini" --name "$1" 2>>"$T/$1.log" & PIDS[$1]=$!; }
wait_until 30 notify_ready || { echo "ut-schedd and ut-notifyd did not answer"; exit 1; }

inject() { "$UT_TOOLS/ut-notify-inject" "$T/redis.sock" ut:ev:ut-enrold "test-node/ut-enrold/$1" "${@:2}" >/dev/null; }
mails() { find "$T/mail" -name '*.eml' 2>/dev/null | wc -l; }
distinct() { cat "$T"/mail/*.eml 2>/dev/null | grep -a '^X-UT-Key:' | sort -u | wc -l; }

utctl course add --code LAW --title 'Labour law' --category labour_law >/dev/null
utctl class add --course LAW --capacity 500 --session '2026-03-10 09:00-12:00' >/dev/null
wait_for "notifyd knows the class" "1" sql ut-notifyd "SELECT version FROM sched_classes WHERE id = 1"

# 1. A worker killed while the server is taking its first message: the sink holds its reply to
# DATA until the worker is dead, so the kill always falls between the message and the 250.
start_worker w1
for i in 1 2 3 4; do
	inject "s$i" cadre-registered id="S$i" name="Slow $i" email="slow$i@example.org" locale=en
	inject "e$i" enrol-confirmed cadre="S$i" class=1
done
wait_for "w1 is sending" "1" redis-cli -s "$T/redis.sock" hlen ut:notify:state
wait_for "the server has w1's first message and holds its reply" 1 grep -c '"ev": "held"' "$T/mail/events.jsonl"
stop_daemon w1 KILL
touch "$T/release"
check "nothing accepted yet: the kill came mid-send" 0 "$(mails)"
check "the interrupted key is left marked as sending" 1 \
	"$(redis-cli -s "$T/redis.sock" hvals ut:notify:state | grep -c '^sending:w1$')"
wait_for "released, the server stores nothing for the dead client" 1 grep -c '"ev": "gone"' "$T/mail/events.jsonl"
start_worker w2
wait_for "all four recorded as sent" 4 sql ut-notifyd "SELECT count(*) FROM messages WHERE cadre_id LIKE 'S%' AND kind = 'confirmed' AND status = 'sent'"
check "every message delivered after the takeover" 4 "$(mails)"
check "each exactly once" 4 "$(distinct)"
check "w2 took over w1's jobs" 1 "$(grep -c 'took over' "$T/w2.log")"

# 2. ut-notifyd killed (twice) while it applies 300 enrolments and queues their messages.
start_worker w3
N=300
for i in $(seq $N); do
	echo "$i"
done | while read -r i; do
	inject "c$i" cadre-registered id="C$i" name="Cadre $i" email="c$i@example.org"
	inject "n$i" enrol-confirmed cadre="C$i" class=1
done &
feeder=$!
confirmations() { sql ut-notifyd "SELECT count(*) FROM messages WHERE kind = 'confirmed'"; }
at_least() { (($(confirmations) >= $1)); }
# each kill once ut-notifyd has applied another 30 enrolments, while the feeder still sends
wait_until 60 at_least 34 || fail "ut-notifyd applies the enrolments"
stop_daemon ut-notifyd KILL
check "ut-notifyd was killed, not stopped" 137 "$STOPPED_STATUS"
start_daemon ut-notifyd
wait_until 60 at_least $(($(confirmations) + 30)) || fail "ut-notifyd applies enrolments after its restart"
stop_daemon ut-notifyd KILL
start_daemon ut-notifyd
wait "$feeder"
want=$((N + 4))
WAIT_S=60 wait_for "every message recorded as sent" "$want" \
	sql ut-notifyd "SELECT count(*) FROM messages WHERE kind = 'confirmed' AND status = 'sent'"
WAIT_S=60 wait_for "every job acknowledged" "0 0" unacked
check "every confirmation delivered" "$want" "$(mails)"
check "none twice" "$want" "$(distinct)"
check "two reminders scheduled per cadre" $((2 * want)) \
	"$(sql ut-notifyd "SELECT count(*) FROM messages WHERE kind = 'reminder' AND status = 'scheduled'")"

finish
