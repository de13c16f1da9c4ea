# Event lag: ut-schedd takes course-add requests at a fixed rate (default 10,000/s) on a real node;
# for every event, lag = when a consumer applied it (its inbox) - when ut-schedd committed it to
# its outbox. Reported per consumer as p50/p99/max, next to the raw Redis round trip for scale.
set -euo pipefail
BUILD=${1:?usage: event_lag.sh BUILD_DIR}
RATE=${RATE:-10000}
N=${N:-50000}
T=$(mktemp -d /tmp/ut-bench.XXXXXX)
pids=()
trap 'kill "${pids[@]}" 2>/dev/null; wait 2>/dev/null; rm -rf "$T"' EXIT

redis-server "$(dirname "$0")/../../deploy/redis.conf" --unixsocket "$T/redis.sock" --dir "$T" \
	--daemonize no --logfile "$T/redis.log" &
pids+=($!)
until redis-cli -s "$T/redis.sock" ping >/dev/null 2>&1; do sleep 0.05; done
printf '[node]\nrun_dir = .\nlog_level = warn\n[notify]\ntemplates_dir = %s/deploy/templates\n' \
	"$(cd "$(dirname "$0")/../.." && pwd)" >"$T/node.ini"
for d in ut-schedd ut-enrold ut-notifyd ut-reportd; do
	"$BUILD/services/$d" --config "$T/node.ini" 2>>"$T/$d.log" &
	pids+=($!)
done
sleep 0.5

echo "raw Redis round trip, one client: $(redis-benchmark -s "$T/redis.sock" -n 20000 -c 1 -q -t ping 2>/dev/null | tr '\r' '\n' | grep -a 'PING_MBULK' | tail -1)"
"$BUILD/tests/ut-load" -n "$N" -w 256 -r "$RATE" -p EV "ipc://$T/ut-schedd.sock" | sed 's/^/load: /'
for d in ut-enrold ut-notifyd ut-reportd; do
	for _ in $(seq 300); do
		[[ $(sqlite3 "$T/$d.db" "SELECT count(*) FROM ut_inbox") -ge $N ]] && break
		sleep 0.1
	done
done
"$BUILD/tests/ut-streamdump" "$T/redis.sock" ut:ev:ut-schedd | awk '{print $2 "|" $4}' >"$T/ts.txt"
printf '%-11s %8s %8s %8s %8s\n' consumer events p50ms p99ms maxms
for d in ut-enrold ut-notifyd ut-reportd; do
	sqlite3 -separator '|' "$T/$d.db" "SELECT event_id, applied_ms FROM ut_inbox" >"$T/$d.applied"
	awk -F'|' 'NR == FNR { ts[$1] = $2; next } ($1 in ts) { print $2 - ts[$1] }' "$T/ts.txt" "$T/$d.applied" |
		sort -n | awk -v name="$d" '{ l[NR] = $1 } END {
			printf "%-11s %8d %8d %8d %8d\n", name, NR, l[int(NR * 0.5) + 1], l[int(NR * 0.99) + 1], l[NR] }' 
done
