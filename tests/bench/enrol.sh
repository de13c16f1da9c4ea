# Durable enrolment requests: ut-enrold (cadre lookup, duplicate and overlap checks, seat count,
# insert, outbox event, group commit) against the ideal pipeline (ut-ideal: decode, one insert,
# XADD, nothing else) on the same machine, Redis and client, at 1, 16 and 128 in flight; with
# ut-enrold's CPU time in each run, to tell CPU from waiting.
# Env: SYNC (both sides' synchronous, default full); DAEMON_SYNC (ut-enrold's alone, e.g. normal:
# what it does without any fsync while the ideal keeps its own); WS (in-flight levels, default
# "1 16 128"); CALLGRIND=1 (ut-enrold and ut-ideal under valgrind: instructions per request,
# counted over the first 128-in-flight round only; slow, so use N=5000; throughput figures are then
# meaningless); ROUNDS
# (default 3): runs of the ideal and ut-enrold alternate this many times at each level, and the
# level's ratio is the median of the rounds' ratios, since the machine's noise moves both sides;
# SYSCALLS=1 (strace on ut-enrold over the first 128-in-flight round: its write and fdatasync
# calls per enrolment, and the WAL frames those writes carried, which SQLite alone writes with two
# calls each; that round's throughput is then meaningless). Also the machine's idle share during
# each ut-enrold run, ut-enrold's requests per commit and time per commit, and its WAL file's size.
set -euo pipefail
BUILD=${1:?usage: enrol.sh BUILD_DIR [N]}
N=${2:-20000}
SYNC=${SYNC:-full}
WS=${WS:-1 16 128}
ROUNDS=${ROUNDS:-3}
T=$(mktemp -d /tmp/ut-bench.XXXXXX)
pids=()
trap 'kill "${pids[@]}" 2>/dev/null; wait 2>/dev/null; rm -rf "$T"' EXIT
U() { "$BUILD/services/utctl" --node-config "$T/node.ini" --timeout 60000 "$@"; }

redis-server "$(dirname "$0")/../../deploy/redis.conf" --unixsocket "$T/redis.sock" --dir "$T" \
	--daemonize no --logfile "$T/redis.log" &
pids+=($!)
until redis-cli -s "$T/redis.sock" ping >/dev/null 2>&1; do sleep 0.05; done
printf '[node]\nrun_dir = .\nlog_level = warn\n[store]\nsynchronous = %s\n[enrol]\nimport_max_kb = 4096\n[rpc]\nmax_request_kb = 8192\n' \
	"${DAEMON_SYNC:-$SYNC}" >"$T/node.ini"
source "$(dirname "$0")/lib/callgrind.sh"
$(cg ideal) "$BUILD/tests/ut-ideal" "ipc://$T/ideal.sock" "$T/ideal.db" "$T/redis.sock" "$SYNC" 2>>"$T/ut-ideal.log" &
ipid=$!
pids+=("$ipid")
"$BUILD/services/ut-schedd" --config "$T/node.ini" 2>>"$T/ut-schedd.log" &
pids+=($!)
$(cg enrold) "$BUILD/services/ut-enrold" --config "$T/node.ini" 2>>"$T/ut-enrold.log" &
epid=$!
pids+=("$epid")
sleep 0.5
until [[ -S $T/ut-enrold.sock ]]; do sleep 0.1; done
cpu_ms() { awk '{ print ($14 + $15) * 10 }' "/proc/$epid/stat"; } # utime + stime, at 100 ticks/s

# Cadres W<in-flight>r<round>_ (one set per run), 50 classes with seats for all.
U unit add --code U1 --name 'Union' --kind union >/dev/null
for w in $WS; do
	n=$N; ((w == 1)) && n=$((N / 10))
	for r in $(seq "$ROUNDS"); do
		{ echo 'id,name,unit,position'; for i in $(seq "$n"); do printf 'W%sr%s_%05d,Cadre %d,U1,other\n' "$w" "$r" "$i" "$i"; done; } >"$T/c.csv"
		U cadre import "$T/c.csv" >/dev/null
	done
done
U course add --code B --title Bench --category safety >/dev/null
for c in $(seq 50); do U class add --course B --capacity 100000 >/dev/null; done
until [[ $(sqlite3 "$T/ut-enrold.db" 'SELECT count(*) FROM sched_classes') == 50 ]]; do sleep 0.1; done

echo "durable enrolments (sqlite synchronous=$SYNC, ut-enrold ${DAEMON_SYNC:-$SYNC}, redis AOF everysec), $N requests per run"
printf '%-10s %12s %10s %10s %12s %10s %10s %8s %10s %6s %6s %9s\n' in-flight ideal/s p50us p99us ut-enrold/s p50us p99us ratio \
	enrold_cpu idle batch commit_us
idle_ms() { awk '/^cpu / { print ($5 + $6) * 10 }' /proc/stat; } # idle + iowait of all CPUs
pct() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.0f", b ? 100 * a / b : 0 }'; }
for w in $WS; do
	n=$N; ((w == 1)) && n=$((N / 10))
	ratios=()
	for r in $(seq "$ROUNDS"); do
		cg_run=; [[ -n ${CALLGRIND:-} && $w == 128 && $r == 1 ]] && cg_run=1
		[[ -n $cg_run ]] && callgrind_control -z "$ipid" >/dev/null
		read -r it ip50 ip99 < <("$BUILD/tests/ut-load" -n "$n" -w "$w" -p "I${w}r${r}_" "ipc://$T/ideal.sock" |
			awk '/^throughput/ { print $2, $5, $8 }')
		[[ -n $cg_run ]] && callgrind_control -d "$ipid" >/dev/null && callgrind_control -z "$epid" >/dev/null
		sc_run=; [[ -n ${SYSCALLS:-} && $w == 128 && $r == 1 ]] && sc_run=1
		if [[ -n $sc_run ]]; then
			strace -f -qq -e trace=pwrite64,fdatasync -p "$epid" -o "$T/strace" &
			spid=$!
			sleep 0.5
		fi
		c0=$(cpu_ms) i0=$(idle_ms) t0=$(date +%s%N)
		read -r et ep50 ep99 batch commit_us < <("$BUILD/tests/ut-load" -s -n "$n" -w "$w" -c 50 -p "W${w}r${r}_" \
			"ipc://$T/ut-enrold.sock" | awk '/^requests/ && $8 != n { print "# not all ok: " $0 > "/dev/stderr" }
				/^throughput/ { t = $2 " " $5 " " $8 } /^daemon/ { d = $6 " " $9 } END { print t, d }' n="$n")
		c1=$(cpu_ms) i1=$(idle_ms) t1=$(date +%s%N)
		[[ -n $sc_run ]] && { kill -INT "$spid"; wait "$spid" 2>/dev/null || true; }
		[[ -n $cg_run ]] && callgrind_control -d "$epid" >/dev/null
		ratios+=("$(pct "$et" "$it")")
		printf '%-10s %12s %10s %10s %12s %10s %10s %7s%% %9s%% %5s%% %6s %9s\n' "$w" "$it" "$ip50" "$ip99" "$et" "$ep50" \
			"$ep99" "${ratios[-1]}" "$(pct $((c1 - c0)) $(((t1 - t0) / 1000000)))" \
			"$(pct $((i1 - i0)) $(($(nproc) * (t1 - t0) / 1000000)))" "$batch" "$commit_us"
	done
	((ROUNDS > 1)) && printf '%-10s median of %d rounds: %s%%\n' "$w" "$ROUNDS" \
		"$(printf '%s\n' "${ratios[@]}" | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }')"
done
echo "enrolments stored: $(sqlite3 "$T/ut-enrold.db" "SELECT count(*) FROM enrolments WHERE state = 'confirmed'")"
echo "enrold_cpu: ut-enrold's user+system time over the run's wall time (100% = one core of $(nproc)); idle: the machine's idle share (100% = all $(nproc) idle)"
echo "batch: ut-enrold's requests per commit (group commit); commit_us: the time one commit took, fsync included (its status counters)"
echo "ut-enrold's WAL file after the runs: $(awk -v b="$(stat -c %s "$T/ut-enrold.db-wal")" 'BEGIN { printf "%.1f", b / 1048576 }') MiB"
if [[ -n ${SYSCALLS:-} ]]; then
	# the bytes written to the WAL's descriptors, in frames of 4,120 (24 of header, a 4,096 page)
	wal_fds=$(for f in /proc/"$epid"/fd/*; do if [[ $(readlink "$f") == *ut-enrold.db-wal ]]; then basename "$f"; fi; done | tr '\n' ' ')
	awk -v n="$N" -v fds=" $wal_fds" '
		/pwrite64\(/ { w++; split($0, a, /[(,]/); if (index(fds, " " a[2] " ") && match($0, /= [0-9]+$/)) b += substr($0, RSTART + 2) }
		/fdatasync\(/ { s++ }
		END { printf "system calls by ut-enrold per enrolment at 128 in flight (strace; throughput then meaningless): pwrite64 %.3f, fdatasync %.4f; WAL frames written per enrolment %.3f (SQLite alone writes each with two pwrite64)\n", w / n, s / n, b / 4120 / n }' "$T/strace"
fi
if [[ -n ${CALLGRIND:-} ]]; then
	echo "instructions per request at 128 in flight (callgrind, everything the process ran):" \
		"ut-enrold $(cg_per "$T/enrold.out.1" "$N"), ut-ideal $(cg_per "$T/ideal.out.1" "$N")"
fi
