# Resident memory of each daemon on a real node: idle after start, and after 50,000 requests
# and the events they cause (targets: < 16 MiB idle, < 64 MiB loaded).
set -euo pipefail
BUILD=${1:?usage: memory.sh BUILD_DIR}
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
declare -A pid
for d in ut-schedd ut-enrold ut-notifyd ut-reportd; do
	"$BUILD/services/$d" --config "$T/node.ini" 2>>"$T/$d.log" &
	pid[$d]=$!
	pids+=($!)
done
sleep 1
rss() { awk '/^VmRSS/ { printf "%.1f", $2 / 1024 }' "/proc/$1/status"; }
declare -A idle
for d in "${!pid[@]}"; do idle[$d]=$(rss "${pid[$d]}"); done
"$BUILD/tests/ut-load" -n "$N" -w 128 -p MEM "ipc://$T/ut-schedd.sock" >/dev/null
for _ in $(seq 300); do
	[[ $(sqlite3 "$T/ut-reportd.db" "SELECT count(*) FROM ut_inbox") -ge $N ]] && break
	sleep 0.1
done
printf '%-11s %10s %12s\n' daemon idle_MiB loaded_MiB
for d in ut-schedd ut-enrold ut-notifyd ut-reportd; do
	printf '%-11s %10s %12s\n' "$d" "${idle[$d]}" "$(rss "${pid[$d]}")"
done
