# Durable request throughput and latency: ut-schedd (course add: validate, insert, outbox event,
# group commit, relay) against the ideal pipeline (ut-ideal) on the same machine, same Redis,
# same client (ut-load), same synchronous mode, at 1, 16 and 128 requests in flight.
set -euo pipefail
BUILD=${1:?usage: requests.sh BUILD_DIR [N]}
N=${2:-20000}
SYNC=${SYNC:-full}
T=$(mktemp -d /tmp/ut-bench.XXXXXX)
pids=()
trap 'kill "${pids[@]}" 2>/dev/null; wait 2>/dev/null; rm -rf "$T"' EXIT

redis-server --port 0 --unixsocket "$T/redis.sock" --save "" --appendonly yes --appendfsync everysec \
	--dir "$T" --daemonize no --logfile "$T/redis.log" &
pids+=($!)
until redis-cli -s "$T/redis.sock" ping >/dev/null 2>&1; do sleep 0.05; done

run() { # run NAME W COUNT: prints "throughput p50 p99"
	"$BUILD/tests/ut-load" -n "$3" -w "$2" -p "$1$2" "ipc://$T/$1.sock" | awk '
		/^throughput/ { print $2, $5, $8 }'
}

printf '[node]\nrun_dir = .\n[store]\nsynchronous = %s\n' "$SYNC" >"$T/node.ini"
"$BUILD/tests/ut-ideal" "ipc://$T/ideal.sock" "$T/ideal.db" "$T/redis.sock" "$SYNC" &
pids+=($!)
"$BUILD/services/ut-schedd" --config "$T/node.ini" 2>"$T/schedd.log" &
pids+=($!)
sleep 0.5

echo "durable requests (sqlite synchronous=$SYNC, redis AOF everysec), $N requests per run"
printf '%-10s %12s %10s %10s %12s %10s %10s %8s\n' in-flight ideal/s p50us p99us ut-schedd/s p50us p99us ratio
for w in 1 16 128; do
	n=$N
	((w == 1)) && n=$((N / 10))
	read -r it ip50 ip99 < <(run ideal "$w" "$n")
	read -r st sp50 sp99 < <(run ut-schedd "$w" "$n")
	printf '%-10s %12s %10s %10s %12s %10s %10s %7s%%\n' "$w" "$it" "$ip50" "$ip99" "$st" "$sp50" "$sp99" \
		"$(awk -v a="$st" -v b="$it" 'BEGIN { printf "%.0f", 100 * a / b }')"
done
