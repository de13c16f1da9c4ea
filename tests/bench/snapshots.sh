# A parent ut-reportd merging 3,000 child snapshots: 3,000 children registered (MSG_REPORT_CHILD_ADD,
# each with a fresh CURVE public key), then one snapshot from each fed straight into the parent's
# snapshot-storing path (MSG_REPORT_SNAPSHOT_PUT on its request socket, which is what the link thread
# calls after CURVE and ZAP): time until all 3,000 are stored and acknowledged, at 1 in flight (one
# call at a time, so one commit each) and at 64 in flight (group commit); the first snapshot of each
# child, a newer one with the same figures, then one with every figure changed. Then through the
# CURVE link itself: LINK_C children connected at once, each sending LINK_S snapshots one after the
# other as a child does (waiting for each ack), every figure changed each time; the link thread
# forwards what arrives together in one go. The handshakes are not timed.
# Then the federation report's time with 3,000 children.
# Raw limit: the same number of SQLite upserts of snapshot-sized blobs in one transaction (ut-rawsql).
set -euo pipefail
BUILD=${1:?usage: snapshots.sh BUILD_DIR}
N=${N:-3000}
ROWS=${ROWS:-240} # rows per snapshot: a county's year, 12 months x 10 metrics x 2 categories
RUNS=${RUNS:-5}
LINK_C=${LINK_C:-60}
LINK_S=${LINK_S:-50}
T=$(mktemp -d /tmp/ut-bm2.XXXXXX)
pids=()
trap 'kill "${pids[@]}" 2>/dev/null; wait 2>/dev/null; rm -rf "$T"' EXIT
U() { "$BUILD/services/utctl" --node-config "$T/node.ini" --timeout 60000 "$@"; }
rss() { awk '/^VmRSS/ { printf "%.1f", $2 / 1024 }' "/proc/$1/status"; }
hwm() { awk '/^VmHWM/ { printf "%.1f", $2 / 1024 }' "/proc/$1/status"; }
median() { sort -n | awk '{ v[NR] = $1 } END { printf "%d", v[int((NR + 1) / 2)] }'; }
F() { "$BUILD/tests/ut-snapfeed" "$@" "ipc://$T/ut-reportd.sock" 2>&1; }

redis-server "$(dirname "$0")/../../deploy/redis.conf" --unixsocket "$T/redis.sock" --dir "$T" \
	--daemonize no --logfile "$T/redis.log" &
pids+=($!)
until redis-cli -s "$T/redis.sock" ping >/dev/null 2>&1; do sleep 0.05; done
printf '[node]\nrun_dir = .\nlog_level = warn\n[store]\nsynchronous = full\n' >"$T/node.ini"
key=$(U --json node keygen | python3 -c 'import json,sys; print(json.load(sys.stdin)["public_key"])')
printf '[report]\nlisten = ipc://%s/link.sock\n' "$T" >>"$T/node.ini"
"$BUILD/services/ut-reportd" --config "$T/node.ini" 2>>"$T/ut-reportd.log" &
rpid=$!
pids+=("$rpid")
for _ in $(seq 200); do
	[[ -S $T/ut-reportd.sock ]] && U report fulfilment --year 2026 >/dev/null 2>&1 && break
	sleep 0.05
done
idle=$(rss "$rpid")

field() { awk -v k="$1" '{ for (i = 1; i < NF; i++) if ($i == k) print $(i + 1) }'; }
reg=$("$BUILD/tests/ut-snapfeed" register "ipc://$T/ut-reportd.sock" "$N" 64)
[[ $(field ok <<<"$reg") == "$N" ]] || { echo "register: $reg" >&2; exit 1; }
echo "$N children registered in $(field ms <<<"$reg") ms"

w1=$("$BUILD/tests/ut-snapfeed" put "ipc://$T/ut-reportd.sock" "$N" 1 "$ROWS" 1)
w64=$("$BUILD/tests/ut-snapfeed" put "ipc://$T/ut-reportd.sock" "$N" 64 "$ROWS" 2)
w64c=$("$BUILD/tests/ut-snapfeed" put "ipc://$T/ut-reportd.sock" "$N" 64 "$ROWS" 3 1)
bytes=$(field snapshot_bytes <<<"$w1")
for x in "$w1" "$w64" "$w64c"; do
	[[ $(field stored <<<"$x") == "$N" ]] || { echo "not all stored: $x" >&2; exit 1; }
done
have=$(sqlite3 "$T/ut-reportd.db" "SELECT count(*) || ' children at seq 3, ' || (SELECT count(*) FROM rp_child_snap)
	|| ' blobs of ' || (SELECT sum(length(rows)) / max(count(*), 1) FROM rp_child_snap) || ' B, '
	|| (SELECT count(*) FROM rp_child_total) || ' sum rows' FROM rp_child WHERE seq = 3")
lk=$("$BUILD/tests/ut-snapfeed" link "ipc://$T/ut-reportd.sock" "ipc://$T/link.sock" "$key" "$LINK_C" "$LINK_S" "$ROWS")
[[ $(field stored <<<"$lk") == $((LINK_C * LINK_S)) ]] || { echo "link: not all stored: $lk" >&2; exit 1; }
read -r raw_ms < <("$BUILD/tests/ut-rawsql" upserts "$T/raw.db" "$N" "$bytes" | field ms)

U report federation --year 2026 --format json >"$T/fed.json"
for _ in $(seq "$RUNS"); do
	a=$(date +%s%N)
	U report federation --year 2026 --format json >/dev/null
	echo $((($(date +%s%N) - a) / 1000))
done | median >"$T/fed"
for _ in $(seq "$RUNS"); do
	a=$(date +%s%N)
	U report federation --year 1999 --format json >/dev/null 2>&1 || true
	echo $((($(date +%s%N) - a) / 1000))
done | median >"$T/base"

echo "$N child snapshots of $ROWS rows ($bytes bytes packed) into a parent, sqlite synchronous=full; stored: $have"
printf '%-70s %10s %10s %8s\n' "" ms per_s "raw/ours"
printf '%-70s %10.1f %10s %8s\n' "raw: $N blob upserts ($bytes B) in one transaction" "$raw_ms" \
	"$(awk -v n="$N" -v m="$raw_ms" 'BEGIN { printf "%.0f", n * 1000 / m }')" ""
for x in "1 in flight|$w1" "64 in flight, same figures|$w64" "64 in flight, all changed|$w64c" \
	"via CURVE link, $LINK_C children|$lk"; do
	w=${x%%|*}
	r=${x#*|}
	m=$(field ms <<<"$r")
	n=$(field requests <<<"$r")
	printf '%-70s %10.1f %10s %7.0f%%\n' "ut-reportd: $n snapshots stored+acked, $w" "$m" "$(field per_s <<<"$r")" \
		"$(awk -v a="$raw_ms" -v b="$m" -v n="$n" -v N="$N" 'BEGIN { print 100 * a * n / N / b }')"
done
echo "target: $N snapshots < 1000 ms"
printf '%-70s %10s\n' "utctl report federation --format json ($N children)" "$(awk -v u="$(cat "$T/fed")" 'BEGIN { printf "%.1f", u / 1000 }')"
printf '%-70s %10s\n' "  of which utctl start + a round trip" "$(awk -v u="$(cat "$T/base")" 'BEGIN { printf "%.1f", u / 1000 }')"
echo "federation reply: $(du -k "$T/fed.json" | cut -f1) KiB of JSON"
echo "ut-reportd RSS idle: $idle MiB, after $((2 * N)) snapshots and $((RUNS + 1)) federation reports: $(rss "$rpid") MiB, peak $(hwm "$rpid") MiB (targets < 16 / < 64)"
