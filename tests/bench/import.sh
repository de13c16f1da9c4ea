# CSV import of 100,000 cadres through `utctl cadre import` (utctl reads the CSV, one request, ut-enrold
# checks every row, writes them with their outbox events, 500 cadres to an event, in one transaction)
# against a raw batched SQLite insert of the same rows into a table with the cadres table's indexes,
# one transaction, synchronous=full (ut-rawsql cadres), which like ut-enrold's holds the rows of the
# runs before. Also ut-enrold's resident memory idle and after the import. CALLGRIND=1 (utctl,
# ut-enrold and ut-rawsql under valgrind: instructions per row of each over the first run; use
# N=20000 RUNS=1, and read no times then).
set -euo pipefail
BUILD=${1:?usage: import.sh BUILD_DIR [N]}
N=${2:-100000}
RUNS=${RUNS:-3}
T=$(mktemp -d /tmp/ut-bm2.XXXXXX)
pids=()
trap 'kill "${pids[@]}" 2>/dev/null; wait 2>/dev/null; rm -rf "$T"' EXIT
source "$(dirname "$0")/lib/callgrind.sh"
U() { "$BUILD/services/utctl" --node-config "$T/node.ini" --timeout 600000 "$@"; }
ms() { echo $(($(date +%s%N) / 1000000)); }
rss() { awk '/^VmRSS/ { printf "%.1f", $2 / 1024 }' "/proc/$1/status"; }
hwm() { awk '/^VmHWM/ { printf "%.1f", $2 / 1024 }' "/proc/$1/status"; }

redis-server "$(dirname "$0")/../../deploy/redis.conf" --unixsocket "$T/redis.sock" --dir "$T" \
	--daemonize no --logfile "$T/redis.log" &
pids+=($!)
until redis-cli -s "$T/redis.sock" ping >/dev/null 2>&1; do sleep 0.05; done
# 100,000 rows are ~4 MiB of CSV and ~5 MiB packed: one file, one request, with room to spare
printf '[node]\nrun_dir = .\nlog_level = warn\n[store]\nsynchronous = full\n[enrol]\nimport_max_kb = 16384\n[rpc]\nmax_request_kb = 32768\n' >"$T/node.ini"

# RUNS files of N new cadres each (a fresh set per run: every row is an insert), 20 units
for r in $(seq "$RUNS"); do
	awk -v n="$N" -v r="$r" 'BEGIN { print "id,name,unit,position"; split("chair vice_chair committee_member finance_audit other", p, " ")
		for (i = 1; i <= n; i++) printf "R%d_%06d,Nguyễn Văn Hùng %d,U%02d,%s\n", r, i, i, i % 20, p[1 + i % 5] }' >"$T/c$r.csv"
done
echo "CSV import of $N cadres ($(du -k "$T/c1.csv" | cut -f1) KiB file, one request; sqlite synchronous=full), $RUNS runs"

$(cg enrold) "$BUILD/services/ut-enrold" --config "$T/node.ini" 2>>"$T/ut-enrold.log" &
epid=$!
pids+=("$epid")
until [[ -S $T/ut-enrold.sock ]]; do sleep 0.05; done
for u in $(seq 0 19); do U unit add --code "$(printf 'U%02d' "$u")" --name "Union $u" --kind union >/dev/null; done
sleep 0.5
idle=$(rss "$epid")

printf '%-4s %10s %10s %12s %10s %12s %8s\n' run raw_ms raw_rows/s ut-enrold_ms rows/s events_ms ratio
for r in $(seq "$RUNS"); do
	# into the same database each run, as ut-enrold's holds the cadres of the runs before
	read -r raw_ms < <($( ((r == 1)) && cg raw) "$BUILD/tests/ut-rawsql" cadres "$T/raw.db" "$T/c$r.csv" 2>>"$T/raw.log" |
		awk '{ print $4 }')
	[[ -n ${CALLGRIND:-} && $r == 1 ]] && callgrind_control -z "$epid" >/dev/null
	t0=$(ms)
	out=$($( ((r == 1)) && cg utctl) "$BUILD/services/utctl" --node-config "$T/node.ini" --timeout 600000 \
		cadre import "$T/c$r.csv" 2>>"$T/utctl.log")
	t1=$(ms)
	[[ -n ${CALLGRIND:-} && $r == 1 ]] && callgrind_control -d "$epid" >/dev/null
	[[ $out == *"$N added"* ]] || { echo "import $r: $out" >&2; exit 1; }
	# and until every event is on the stream (the relay runs after the reply; the cadres go 500 to
	# an event; the outbox's newest seq counts the events, as its newest row is always kept)
	top=$(sqlite3 "$T/ut-enrold.db" 'SELECT max(seq) FROM ut_outbox')
	for _ in $(seq 600); do
		[[ $(redis-cli -s "$T/redis.sock" XLEN ut:ev:ut-enrold) -ge $top ]] && break
		sleep 0.05
	done
	t2=$(ms)
	printf '%-4s %10.0f %10.0f %12d %10.0f %12d %7.0f%%\n' "$r" "$raw_ms" "$(awk -v n="$N" -v m="$raw_ms" 'BEGIN { print n * 1000 / m }')" \
		$((t1 - t0)) "$(awk -v n="$N" -v m=$((t1 - t0)) 'BEGIN { print n * 1000 / m }')" $((t2 - t0)) \
		"$(awk -v a="$raw_ms" -v b=$((t1 - t0)) 'BEGIN { print 100 * a / b }')"
done
echo "cadres stored: $(sqlite3 "$T/ut-enrold.db" 'SELECT count(*) FROM cadres'), events on the stream: $(redis-cli -s "$T/redis.sock" XLEN ut:ev:ut-enrold)"
echo "ut-enrold RSS idle: $idle MiB, after load ($((RUNS * N)) cadres imported): $(rss "$epid") MiB, peak $(hwm "$epid") MiB (targets < 16 / < 64)"
if [[ -n ${CALLGRIND:-} ]]; then
	echo "instructions per row of the first import (callgrind): utctl $(cg_per "$T/utctl.out" "$N")," \
		"ut-enrold $(cg_per "$T/enrold.out.1" "$N"), ut-rawsql $(cg_per "$T/raw.out" "$N")"
fi
