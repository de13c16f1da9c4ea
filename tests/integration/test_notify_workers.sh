# Delivery workers as the node sees them: `node status` lists each with its heartbeat, counts the
# notices by state and warns when no worker runs or only the spool can send; a killed worker's
# jobs are taken over as soon as its heartbeat stops (not after claim_idle_ms, a minute here),
# and a live worker in a send longer than the heartbeat's time to live is not robbed.
source "$(dirname "$0")/lib.sh"

CLOCK=$T/clock
export UT_CLOCK_FILE=$CLOCK
date -d 'TZ="Asia/Shanghai" 2026-03-01 08:00' +%s%3N >"$CLOCK"
write_config "[notify]" "reminder_offsets = 3d" "quiet_hours =" "tick_ms = 50" \
	"templates_dir = $UT_SRC/deploy/templates" "spool_dir = spool" "channels = email,spool" \
	"claim_idle_ms = 60000"
start_node
start_worker() {
	UT_NOTIFY_SEND_DELAY_MS=${DELAY:-0} "$UT_BIN/ut-notifyd" --worker --config "$T/node.ini" --name "$1" \
		2>>"$T/$1.log" &
	PIDS[$1]=$!
}
inject() { "$UT_TOOLS/ut-notify-inject" "$T/redis.sock" ut:ev:ut-enrold "test-node/ut-enrold/$1" "${@:2}" >/dev/null; }
notifyd() { utctl --json node status | /usr/bin/python3 -c "
import json, sys
d = [x for x in json.load(sys.stdin) if x['daemon'] == 'ut-notifyd'][0]['status'].get('delivery', {})
print($1)"; }
worker_state() { notifyd "' '.join(w['name'] + '=' + w['state'] for w in sorted(d.get('workers', []), key=lambda w: w['name']))"; }
msg() { sql ut-notifyd "SELECT $2 FROM messages WHERE cadre_id = '$1' AND kind = 'confirmed'"; }
has_msg() { [[ -n $(msg "$1" key) ]]; }

# 1. No worker yet: the status says so, and that only the spool can send.
check_run "node status without a worker warns that notices wait" 0 "no delivery worker is running" utctl node status
check_run "and that there is no email or webhook channel" 0 "no email or webhook channel is configured" utctl node status
check "the channels that can send" "['spool']" "$(notifyd "d.get('channels')")"

utctl course add --code LAW --title 'Labour law' --category labour_law >/dev/null
utctl class add --course LAW --capacity 50 --session '2026-03-10 09:00-12:00' >/dev/null
wait_for "ut-notifyd knows the class" 1 sql ut-notifyd "SELECT count(*) FROM sched_classes"
inject c1 cadre-registered id=C1 name="Cadre 1" email=c1@example.org locale=en
inject e1 enrol-confirmed cadre=C1 class=1
wait_for "the confirmation is queued, no worker to send it" queued msg C1 status
check "the status counts it" 1 "$(notifyd "d.get('queued', 0)")"

# 2. A worker up: listed with its figures; it sends the queued notice.
start_worker w1
wait_for "the confirmation is sent by w1" "sent|w1" msg C1 "status || '|' || worker"
wait_for "node status lists w1 up" "w1=up" worker_state
status_says() { utctl node status 2>&1 | grep -qE -- "$1"; }
line='w1 \(.*pid [0-9]+\): up, last seen [0-9]+s ago, 1 sent, 0 failed'
if wait_until 10 status_says "$line"; then ok "its line in the table's words"; else fail "no line /$line/: $(utctl node status 2>&1)"; fi
out=$(utctl node status 2>&1)
if grep -q "no delivery worker is running" <<<"$out"; then fail "no warning with a worker up: $out"; else ok "no warning with a worker up"; fi

# 3. w1 killed in the middle of a send: w2 takes its job over once w1's heartbeat has stopped,
# within seconds, where claim_idle_ms would have waited a minute.
stop_daemon w1
DELAY=600000 start_worker w1
inject c2 cadre-registered id=C2 name="Cadre 2" email=c2@example.org locale=en
inject e2 enrol-confirmed cadre=C2 class=1
wait_until 30 has_msg C2 || fail "no message for C2"
wait_for "w1 is in the middle of sending" "sending:w1" redis-cli -s "$T/redis.sock" hget ut:notify:state "$(msg C2 key)"
start_worker w2
stop_daemon w1 KILL
WAIT_S=15 wait_for "w2 sends w1's job after its heartbeat stopped" "sent|w2" msg C2 "status || '|' || worker"
check "w2 says it took the job over" 1 "$(grep -c 'took over 1 job(s) of a worker that stopped beating' "$T/w2.log")"
wait_for "node status shows w1 down and w2 up" "w1=down w2=up" worker_state

# 4. A live worker whose send takes longer than the heartbeat's time to live keeps its job.
stop_daemon w2
DELAY=4000 start_worker w3
inject c3 cadre-registered id=C3 name="Cadre 3" email=c3@example.org locale=en
inject e3 enrol-confirmed cadre=C3 class=1
wait_until 30 has_msg C3 || fail "no message for C3"
wait_for "w3 is sending (for 4 s)" "sending:w3" redis-cli -s "$T/redis.sock" hget ut:notify:state "$(msg C3 key)"
start_worker w4
wait_for "w4 is up beside it" "w1=down w3=up w4=up" worker_state
WAIT_S=20 wait_for "the slow send is w3's, recorded once" "sent|w3" msg C3 "status || '|' || worker"
check "w4 took nothing over" 0 "$(grep -c 'took over' "$T/w4.log")"
check "one spool file for C3" 1 "$(grep -l 'c3@example.org' "$T"/spool/*.eml 2>/dev/null | wc -l)"

# 5. A worker stopped on purpose leaves the list; a killed one stays, marked down.
stop_daemon w4
wait_for "w4 stopped: no longer listed" "w1=down w3=up" worker_state
finish
