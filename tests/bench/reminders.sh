# Reminders coming due: N reminders (default 100,000) all due at one moment on the real clock.
# ut-notifyd (with 2 delivery workers) against BullMQ's delayed jobs (2 worker processes x
# concurrency 50, empty processor) on the same Redis, next to the raw pipelined XADD rate of that
# Redis measured in the same run. Usage: reminders.sh BUILD_DIR   (env: N, PROFILE=1 for
# UT_SQL_PROFILE in ut-notifyd's log, BULLMQ_DIR for the npm install, KEEP=1 to keep the temp dir)
#
# ut-notifyd side: N enrolments are injected (one pipeline, ut-notify-inject repeat=N) before the
# class exists, so their confirmations go out first and are waited for; then the class is
# created and its event schedules the N reminders (offset 1m) in one go, due on the next whole
# minute at least 8 s ahead (utctl takes minutes, so the due moment is a minute boundary).
# Channel: spool into a tmpfs directory (fsync is a no-op there), the cheapest real channel, so
# the workers compare with BullMQ's empty processor; the worker still does its Redis bookkeeping
# (sent-key state before the send; state, outcome and XACK in one script after it) and writes one
# file per message. BullMQ's "picked" is a worker taking the job; ours "handed over" is one step
# earlier (in the stream), so the "delivered / finished" rows are the end-to-end comparison.
# "handed over" = the job is in the delivery stream: a sampler polls the stream's
# last-generated-id every ~2 ms (ids are "<epoch>-<queue_seq>") and each message's queue_seq gets
# the first sample at or past it; "delivered" = sent_ms in ut-notifyd's database (worker clock).
# BullMQ side: lateness = processedOn - (timestamp + delay), done = finishedOn.
set -euo pipefail
BUILD=$(cd "${1:?usage: reminders.sh BUILD_DIR}" && pwd)
N=${N:-100000}
SRC=$(cd "$(dirname "$0")/../.." && pwd)
HERE=$SRC/tests/bench
T=$(mktemp -d /tmp/ut-bm.XXXXXX)
SPOOL=$(mktemp -d /dev/shm/ut-bm.XXXXXX 2>/dev/null || mktemp -d /tmp/ut-bm.spool.XXXXXX)
pids=()
cleanup() {
	((${#pids[@]})) && kill "${pids[@]}" 2>/dev/null
	wait 2>/dev/null
	rm -rf "$SPOOL"
	if [[ -n ${KEEP:-} ]]; then echo "kept $T"; else rm -rf "$T"; fi
}
trap cleanup EXIT
now_ms() { date +%s%3N; }
# wait_until SECONDS DESCRIPTION SHELL_CONDITION: until it holds (evaluated each time), at most SECONDS.
wait_until() {
	local limit=$(($(date +%s) + $1))
	until eval "$3"; do
		(($(date +%s) < limit)) || { echo "timed out waiting for $2" >&2; return 1; }
		sleep 0.05
	done
}
q() { sqlite3 -cmd '.timeout 5000' "$T/ut-notifyd.db" "$@"; }
# cnt KIND [STATUS]: messages of that kind (and status); at_least N COMMAND...: it prints N or more.
cnt() { q "SELECT count(*) FROM messages WHERE kind = '$1'${2:+ AND status = '$2'}"; }
at_least() { local n=$1 c; shift; c=$("$@" 2>/dev/null) || return 1; (( ${c:-0} >= n )); }

# Node.js from Debian when missing (deploy/lib.sh's UT_DEPS does not list it); BullMQ 5 (the
# version LIMITS.md measured) with its ioredis from npm, installed once beside the build.
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
	# shellcheck source=deploy/lib.sh
	source "$SRC/deploy/lib.sh"
	UT_DEPS=(nodejs npm)
	ut_install_deps
fi
NODE_DIR=${BULLMQ_DIR:-$BUILD/bench-node}
if [[ ! -d $NODE_DIR/node_modules/bullmq || ! -d $NODE_DIR/node_modules/ioredis ]]; then
	mkdir -p "$NODE_DIR"
	[[ -f $NODE_DIR/package.json ]] || echo '{"name":"ut-bench-node","private":true}' >"$NODE_DIR/package.json"
	npm install --prefix "$NODE_DIR" --no-audit --no-fund --loglevel=error 'bullmq@5' >&2
fi
export NODE_PATH=$NODE_DIR/node_modules

redis-server "$SRC/deploy/redis.conf" --unixsocket "$T/redis.sock" --dir "$T" \
	--daemonize no --logfile "$T/redis.log" &
pids+=($!)
wait_until 10 redis 'redis-cli -s "$T/redis.sock" ping >/dev/null 2>&1'
R() { redis-cli -s "$T/redis.sock" "$@"; }

# ---- raw limit: pipelined XADD (batches of 512, the dispatcher's batch) of job-sized entries ----
payload=$(head -c 256 /dev/zero | tr '\0' x)
raw_xadd=$(redis-benchmark -s "$T/redis.sock" -n 200000 -P 512 -c 1 -q xadd bm:raw '*' d "$payload" 2>/dev/null |
	tr '\r' '\n' | awk '/requests per second/ { v = $(NF - 5) } END { printf "%.0f", v }')
R del bm:raw >/dev/null

# ---- BullMQ ----
bull=$(node "$HERE/bullmq_delayed.js" bench "$T/redis.sock" "$N" 2 50)
echo "$bull" >"$T/bullmq.txt"
bv() { sed -n "s/.* $1=\\([-0-9]*\\).*/\\1/p" <<<"$bull"; }

# ---- ut-notifyd ----
cat >"$T/node.ini" <<EOF
[node]
id = bench-node
run_dir = .
log_level = warn
timezone = Asia/Shanghai
[notify]
reminder_offsets = 1m
quiet_hours =
channels = spool
spool_dir = $SPOOL
templates_dir = $SRC/deploy/templates
EOF
U() { "$BUILD/services/utctl" --node-config "$T/node.ini" --timeout 60000 "$@"; }
"$BUILD/services/ut-schedd" --config "$T/node.ini" 2>>"$T/ut-schedd.log" &
pids+=($!)
if [[ -n ${PROFILE:-} ]]; then
	UT_SQL_PROFILE=1 "$BUILD/services/ut-notifyd" --config "$T/node.ini" 2>>"$T/ut-notifyd.log" &
else
	"$BUILD/services/ut-notifyd" --config "$T/node.ini" 2>>"$T/ut-notifyd.log" &
fi
notifyd=$!
pids+=($notifyd)
for w in 1 2; do
	"$BUILD/services/ut-notifyd" --worker --config "$T/node.ini" --name "w$w" 2>>"$T/worker$w.log" &
	pids+=($!)
done
wait_until 20 "the daemons" 'U course list >/dev/null 2>&1 && U notify due >/dev/null 2>&1'
U course add --code BM --title 'Reminder benchmark' --category safety >/dev/null

t0=$(now_ms)
"$BUILD/tests/ut-notify-inject" "$T/redis.sock" ut:ev:ut-enrold bench enrol-confirmed cadre=C class=1 \
	repeat="$N" >/dev/null
wait_until 600 "the enrolments" "at_least $N q 'SELECT count(*) FROM notify_enrolments'"
t1=$(now_ms)
wait_until 900 "the confirmations" "at_least $N cnt confirmed sent"
t2=$(now_ms)
find "$SPOOL" -name '*.eml' -delete

# The due moment: the next minute boundary at least 8 s ahead; the class starts 1 minute later.
due=$(( ($(now_ms) + 8000 + 59999) / 60000 * 60000 ))
at() { TZ=Asia/Shanghai date -d "@$(($1 / 1000))" '+%Y-%m-%d %H:%M'; }
U class add --course BM --capacity 100000 --session "$(at $((due + 60000)))" --end "$(at $((due + 3660000)))" >/dev/null
wait_until 60 "the reminders scheduled" "at_least $N cnt reminder"
t3=$(now_ms)
((t3 < due - 1000)) || { echo "reminders were scheduled only $((t3 - due)) ms after their due moment" >&2; exit 1; }
from=$(q "SELECT coalesce(max(queue_seq), 0) FROM messages")
node "$HERE/bullmq_delayed.js" watch "$T/redis.sock" ut:ev:ut-notifyd-jobs "$from" "$N" "$T/watch.txt" &
watcher=$!
pids+=($watcher)
wait_until 10 "the stream sampler" '[[ -e $T/watch.txt.ready ]]'
wait $watcher || { echo "the stream sampler did not see all jobs" >&2; exit 1; }
# the average job entry, from the newest entries of the stream (the database keeps no job)
jobavg=$(R eval "local r = redis.call('XREVRANGE', KEYS[1], '+', '-', 'COUNT', 1000) local s = 0
	for _, e in ipairs(r) do s = s + #e[2][2] end return #r > 0 and math.floor(s / #r) or 0" 1 ut:ev:ut-notifyd-jobs)
wait_until 900 "the reminders delivered" "at_least $N cnt reminder sent"
q "SELECT queue_seq, due_ms, sent_ms FROM messages WHERE kind = 'reminder' ORDER BY queue_seq" | tr '|' ' ' >"$T/msgs.txt"
ours=$(awk -v due="$due" -v hf="$T/h.txt" -v df="$T/d.txt" '
	NR == FNR { st[NR] = $1; ss[NR] = $2; ns = NR; next }
	{ while (k < ns && ss[k + 1] < $1) k++   # the first sample whose seq reached this message
	  h = st[k + 1] - due
	  print st[k + 1] - $2 >hf; print $3 - $2 >df
	  if (h > hall) hall = h
	  if (FNR == 1 || h < hfirst) hfirst = h
	  if ($3 - due > dall) dall = $3 - due }
	END { printf "n=%d first_ms=%d all_ms=%d dall_ms=%d", FNR, hfirst, hall, dall }' "$T/watch.txt" "$T/msgs.txt")
# pcts FILE NAME: NAMEp50_ms=.. NAMEp99_ms=.. NAMEmax_ms=.. (nearest rank)
pcts() { sort -n "$1" | awk -v p="$2" '{ v[NR] = $1 } END {
	printf " %sp50_ms=%d %sp99_ms=%d %smax_ms=%d", p, v[int(0.5 * NR + 0.999999)], p, v[int(0.99 * NR + 0.999999)], p, v[NR] }'; }
ours="$ours$(pcts "$T/h.txt" "")$(pcts "$T/d.txt" d)"
ov() { sed -n "s/.* $1=\\([-0-9]*\\).*/\\1/p" <<<" $ours"; }
mem="$(awk '/^VmRSS/ { printf "%.1f", $2 / 1024 }' "/proc/$notifyd/status") MiB, peak $(awk '/^VmHWM/ { printf "%.1f", $2 / 1024 }' "/proc/$notifyd/status") MiB"
kill -TERM "$notifyd" 2>/dev/null
wait "$notifyd" 2>/dev/null || true

rate() { awk -v n="$N" -v ms="$1" 'BEGIN { printf "%.0f", (ms > 0 ? n * 1000 / ms : 0) }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.1fx", a / b; else printf "-" }'; }
echo "$N reminders due at one moment; same redis-server (AOF everysec, unix socket); $(nproc) CPUs"
echo "raw limit: pipelined XADD x512 of 256 B entries, one client: $raw_xadd/s (a full run of N at that rate: $(awk -v n="$N" -v r="$raw_xadd" 'BEGIN { printf "%.0f", r ? n * 1000 / r : 0 }') ms)"
echo "setup (not measured): $N enrolments applied by ut-notifyd in $((t1 - t0)) ms, their confirmations delivered $((t2 - t1)) ms later; $N reminders scheduled by one class event; BullMQ enqueue $(bv enqueue_ms) ms"
printf '%-44s %12s %12s %8s\n' "from the due moment (ms)" ut-notifyd BullMQ ratio
printf '%-44s %12s %12s %8s\n' "first handed over / first picked" "$(ov first_ms)" "$(bv first_ms)" ""
printf '%-44s %12s %12s %8s\n' "all in the stream / all picked by workers" "$(ov all_ms)" "$(bv all_picked_ms)" "$(ratio "$(bv all_picked_ms)" "$(ov all_ms)")"
printf '%-44s %12s %12s %8s\n' "  rate (per s)" "$(rate "$(ov all_ms)")" "$(rate "$(bv all_picked_ms)")" ""
printf '%-44s %12s %12s %8s\n' "lateness p50 (handed over / picked)" "$(ov p50_ms)" "$(bv p50_ms)" "$(ratio "$(bv p50_ms)" "$(ov p50_ms)")"
printf '%-44s %12s %12s %8s\n' "lateness p99 (handed over / picked)" "$(ov p99_ms)" "$(bv p99_ms)" "$(ratio "$(bv p99_ms)" "$(ov p99_ms)")"
printf '%-44s %12s %12s %8s\n' "all delivered (spool) / all finished (empty)" "$(ov dall_ms)" "$(bv all_done_ms)" "$(ratio "$(bv all_done_ms)" "$(ov dall_ms)")"
printf '%-44s %12s %12s %8s\n' "  rate (per s)" "$(rate "$(ov dall_ms)")" "$(rate "$(bv all_done_ms)")" ""
printf '%-44s %12s %12s %8s\n' "lateness p50 (delivered / finished)" "$(ov dp50_ms)" "$(bv done_p50_ms)" "$(ratio "$(bv done_p50_ms)" "$(ov dp50_ms)")"
printf '%-44s %12s %12s %8s\n' "lateness p99 (delivered / finished)" "$(ov dp99_ms)" "$(bv done_p99_ms)" "$(ratio "$(bv done_p99_ms)" "$(ov dp99_ms)")"
echo "ratio = BullMQ / ut-notifyd (above 1: ours is faster). Job entries: $jobavg B average. Targets: all handed over >= 2x BullMQ (aim 5x), p99 lateness < 1000 ms."
echo "ut-notifyd RSS after the burst: $mem (target < 64)"
if [[ -n ${PROFILE:-} ]]; then
	echo "ut-notifyd SQL profile (UT_SQL_PROFILE):"
	grep 'sql profile' "$T/ut-notifyd.log" | sed 's/.*sql profile: *//' | sort -k3 -rn | head -15
fi
