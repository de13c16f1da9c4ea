# Exactly once through a crash in the middle of a burst: thousands of reminders come due at the same
# moment, ut-notifyd hands them to the delivery stream in pipelined batches, and is SIGKILLed while
# it does (three bursts, killed 10, 40 and 100 ms after the due moment). After each restart it
# republishes only what the stream does not hold: every reminder is handed over once, written to
# the spool once, and recorded once as sent. Bounded: N reminders per burst (default 5000), each
# wait at most 60 s (a deadline: each check waits for its condition, never for a fixed time); the
# spool is on tmpfs where there is one, so the worker keeps up.
source "$(dirname "$0")/../integration/lib.sh"
N=${N:-5000}
SPOOL=$(mktemp -d /dev/shm/ut-spool.XXXXXX 2>/dev/null || mktemp -d "$T/spool.XXXXXX")
trap 'rm -rf "$SPOOL"; cleanup' EXIT

CLOCK=$T/clock
export UT_CLOCK_FILE=$CLOCK
ms_at() { date -d "TZ=\"Asia/Shanghai\" $1" +%s%3N; }
ms_at '2026-03-01 08:00' >"$CLOCK"

write_config "[notify]" "reminder_offsets = 1d" "quiet_hours =" "tick_ms = 20" \
	"templates_dir = $UT_SRC/deploy/templates" "channels = spool" "spool_dir = $SPOOL"
start_redis
start_daemon ut-schedd
start_daemon ut-notifyd
"$UT_BIN/ut-notifyd" --worker --config "$T/node.ini" --name w1 2>>"$T/w1.log" &
PIDS[w1]=$!
wait_until 30 notify_ready || { echo "ut-schedd and ut-notifyd did not answer"; exit 1; }

R() { redis-cli -s "$T/redis.sock" "$@"; }
spooled() { find "$SPOOL" -name '*.eml' 2>/dev/null | wc -l; }
keys() { find "$SPOOL" -name '*.eml' -exec grep -ah '^X-UT-Key:' {} + | sort -u | wc -l; }
wait_spool() { WAIT_S=60 wait_for "$1" "$2" spooled; }
added() { R xinfo stream ut:ev:ut-notifyd-jobs | grep -A1 '^entries-added$' | tail -n 1; }
reminders() { sql ut-notifyd "SELECT count(*) FROM messages WHERE kind = 'reminder'${1:+ AND status = '$1'}"; }

utctl course add --code LAW --title 'Labour law' --category labour_law >/dev/null
for k in 1 2 3; do
	utctl class add --course LAW --capacity 100000 --session "2026-03-1$k 09:00-12:00" >/dev/null
done
wait_for "notifyd knows the three classes" 3 sql ut-notifyd "SELECT count(*) FROM sched_classes"
for k in 1 2 3; do
	"$UT_TOOLS/ut-notify-inject" "$T/redis.sock" ut:ev:ut-enrold "test-node/ut-enrold/b$k" enrol-confirmed \
		cadre="C$k" class="$k" repeat="$N" >/dev/null
done
wait_spool "every enrolment's confirmation written to the spool" $((3 * N))
check "three reminders' worth scheduled" $((3 * N)) "$(reminders scheduled)"

total=$((3 * N))
for k in 1 2 3; do
	delay=$(awk -v k=$k 'BEGIN { split("0.01 0.04 0.1", d, " "); print d[k] }')
	ms_at "2026-03-$((k + 9)) 09:00" >"$CLOCK" # a day before class k's session: all its reminders are due
	sleep "$delay"
	stop_daemon ut-notifyd KILL
	echo "# burst $k: killed ${delay}s after the due moment; $(R xlen ut:ev:ut-notifyd-jobs) jobs in the stream," \
		"$(reminders queued) reminders marked queued"
	start_daemon ut-notifyd
	total=$((total + N))
	wait_spool "burst $k: every reminder written to the spool" "$total"
	check "burst $k: each message handed over once" "$total" "$(added)"
done
# Every job taken and acknowledged, every outcome applied: only then can a duplicate no longer appear.
WAIT_S=60 wait_for "every job acknowledged" "0 0" unacked
WAIT_S=60 wait_for "every reminder recorded once, as sent" $((3 * N)) reminders sent
check "no message written twice" "$total" "$(keys)"
check "every spool file a distinct message" "$total" "$(spooled)"
check "nothing handed over twice in the end either" "$total" "$(added)"

finish
