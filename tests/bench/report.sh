# The fulfilment report (`utctl report fulfilment --year 2026 --format json`, the whole node) over
# ut-reportd's projection holding 1,000,000 participations, against a raw GROUP BY over 1,000,000
# plain participation rows (ut-rawsql groupby) on the same machine in the same run.
# The projection is generated in SQL, not injected: 1M completion events through Redis would take
# minutes and ~300 MB of stream. The generator writes exactly the rows the event handlers (stats.c)
# keep for these facts: per completion rp_completion, per class rp_class and rp_class_count, per
# bucket/unit/metric rp_count (whose triggers keep the per-node sums rp_total), per cadre rp_trained,
# plus rp_cadre, rp_unit and the plans; the script
# then checks the report's totals against a direct count of rp_completion.
# Shape (env): CLASSES classes of 100 participants (default 10,000 -> 1M participations) over 12
# months, 8 categories, 3 formats; CADRES cadres (default 100,000) in UNITS units (default 1,000).
# Also ut-reportd's resident memory idle and after the load and the reports. KEEP=1 keeps the temp dir.
set -euo pipefail
BUILD=${1:?usage: report.sh BUILD_DIR}
CLASSES=${CLASSES:-10000}
CADRES=${CADRES:-100000}
UNITS=${UNITS:-1000}
RUNS=${RUNS:-7}
N=$((CLASSES * 100))
T=$(mktemp -d /tmp/ut-bm2.XXXXXX)
pids=()
trap 'kill "${pids[@]}" 2>/dev/null; wait 2>/dev/null; [[ -n ${KEEP:-} ]] || rm -rf "$T"' EXIT
U() { "$BUILD/services/utctl" --node-config "$T/node.ini" --timeout 60000 "$@"; }
ms() { echo $(($(date +%s%N) / 1000000)); }
rss() { awk '/^VmRSS/ { printf "%.1f", $2 / 1024 }' "/proc/$1/status"; }
hwm() { awk '/^VmHWM/ { printf "%.1f", $2 / 1024 }' "/proc/$1/status"; }
median() { sort -n | awk '{ v[NR] = $1 } END { printf "%d", v[int((NR + 1) / 2)] }'; }

redis-server "$(dirname "$0")/../../deploy/redis.conf" --unixsocket "$T/redis.sock" --dir "$T" \
	--daemonize no --logfile "$T/redis.log" &
pids+=($!)
until redis-cli -s "$T/redis.sock" ping >/dev/null 2>&1; do sleep 0.05; done
printf '[node]\nrun_dir = .\nlog_level = warn\n[store]\nsynchronous = full\n' >"$T/node.ini"

start_reportd() {
	"$BUILD/services/ut-reportd" --config "$T/node.ini" 2>>"$T/ut-reportd.log" &
	rpid=$!
	pids+=("$rpid")
	for _ in $(seq 200); do
		[[ -S $T/ut-reportd.sock ]] && U report fulfilment --year 2026 >/dev/null 2>&1 && return 0
		sleep 0.05
	done
	echo "ut-reportd did not start" >&2
	exit 1
}
# the first start creates the schema (and shows the idle footprint); the projection is written while it is down
start_reportd
sleep 0.5
idle=$(rss "$rpid")
kill "$rpid"
wait "$rpid" || true

t0=$(ms)
sqlite3 "$T/ut-reportd.db" <<SQL
PRAGMA synchronous = OFF;
BEGIN;
CREATE TEMP TABLE cat(i INTEGER PRIMARY KEY, name TEXT);
INSERT INTO cat VALUES (0,'onboarding'),(1,'chair'),(2,'finance_audit'),(3,'information'),(4,'negotiation'),
  (5,'labour_law'),(6,'safety'),(7,'other');
CREATE TEMP TABLE fmt(i INTEGER PRIMARY KEY, name TEXT);
INSERT INTO fmt VALUES (0,'onsite'),(1,'online'),(2,'door_to_door');
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $UNITS)
INSERT INTO rp_unit SELECT i, 'Unit ' || i, CASE i % 4 WHEN 0 THEN 'enterprise' WHEN 1 THEN 'school'
  WHEN 2 THEN 'agency' ELSE 'union' END, CASE i % 2 WHEN 0 THEN 'public' ELSE 'non_public' END FROM n;
WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < $CADRES - 1)
INSERT INTO rp_cadre SELECT printf('C%06d', i), 1 + i % $UNITS, i % 3 != 0, 1, 1 FROM n;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $CLASSES)
INSERT INTO rp_class SELECT i, 2026, 1 + i % 12, (SELECT name FROM cat WHERE cat.i = (n.i / 12) % 8),
  (SELECT name FROM fmt WHERE fmt.i = (n.i / 96) % 3) FROM n;
-- 100 distinct cadres per class (4729 is prime to 100,000), two sessions, attended one or both
WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < $N - 1),
  p(c, k) AS (SELECT 1 + i / 100, ((1 + i / 100) * 7919 + (i % 100) * 4729) % $CADRES FROM n)
INSERT INTO rp_completion SELECT c, printf('C%06d', k), 1 + k % $UNITS, k % 3 != 0, 1 + k % 2, 2, k % 2 FROM p;
-- what the enrolment, attendance and completion events of these facts add per class and unit
CREATE TEMP TABLE cu AS SELECT class_id, unit_id, count(*) AS n, sum(attended) AS att, sum(total) AS tot,
  sum(completed) AS comp, sum(full_time) AS ft FROM rp_completion GROUP BY 1, 2;
CREATE TEMP TABLE m(name TEXT PRIMARY KEY);
INSERT INTO m VALUES ('enrolled'),('enrolled_at_close'),('sessions_attended'),('sessions_total'),('marks_present'),
  ('marks_absent'),('completed'),('participations'),('participations_ft'),('participations_pt');
CREATE TEMP VIEW cuv AS SELECT class_id, unit_id, m.name AS metric, CASE m.name WHEN 'enrolled' THEN n
  WHEN 'enrolled_at_close' THEN n WHEN 'sessions_attended' THEN att WHEN 'sessions_total' THEN tot
  WHEN 'marks_present' THEN att WHEN 'marks_absent' THEN tot - att WHEN 'completed' THEN comp
  WHEN 'participations' THEN n WHEN 'participations_ft' THEN ft ELSE n - ft END AS v FROM cu, m;
INSERT INTO rp_class_count SELECT class_id, unit_id, metric, v FROM cuv WHERE v != 0 UNION ALL
  SELECT id, 0, 'classes_scheduled', 1 FROM rp_class UNION ALL SELECT id, 0, 'classes_held', 1 FROM rp_class
  ORDER BY 1, 2, 3;
INSERT INTO rp_count SELECT k.year, k.month, k.category, k.format, cc.unit_id, cc.metric, sum(cc.value)
  FROM rp_class_count cc JOIN rp_class k ON k.id = cc.class_id GROUP BY 1, 2, 3, 4, 5, 6;
INSERT INTO rp_trained SELECT cadre_id, 2026, count(*), unit_id, full_time FROM rp_completion GROUP BY cadre_id;
INSERT INTO rp_count SELECT 2026, 0, '', '', unit_id, CASE full_time WHEN 1 THEN 'trained_ft' ELSE 'trained_pt' END,
  count(*) FROM rp_trained GROUP BY 5, 6;
INSERT INTO rp_count SELECT 2026, 0, '', '', unit_id, CASE full_time WHEN 1 THEN 'first_trained_ft' ELSE 'first_trained_pt' END,
  count(*) FROM rp_trained GROUP BY 5, 6;
INSERT INTO rp_count SELECT 0, 0, '', '', unit_id, CASE full_time WHEN 1 THEN 'registered_ft' ELSE 'registered_pt' END,
  count(*) FROM rp_cadre GROUP BY 5, 6;
INSERT INTO rp_count SELECT 2026, 0, name, '', 0, 'classes_planned', $CLASSES / 8 FROM cat;
INSERT INTO rp_count SELECT 2026, 0, name, '', 0, 'participations_planned', $N / 8 FROM cat;
COMMIT;
ANALYZE;
SQL
t1=$(ms)
echo "projection generated in $((t1 - t0)) ms: $(sqlite3 "$T/ut-reportd.db" "SELECT (SELECT count(*) FROM rp_completion) || ' completions, '
	|| (SELECT count(*) FROM rp_class_count) || ' class counters, ' || (SELECT count(*) FROM rp_count) || ' counter rows, '
	|| $UNITS || ' units, ' || $CADRES || ' cadres, ' || $CLASSES || ' classes'"), $(du -m "$T/ut-reportd.db" | cut -f1) MiB"

start_reportd
U report fulfilment --year 2026 --format json >"$T/report.json" # first run warms the page cache
got=$(python3 -c 'import json, sys
def walk(x):
    if isinstance(x, dict):
        return sum(walk(v) for v in x.values()) + (x["participations"] if isinstance(x.get("participations"), int) else 0)
    if isinstance(x, list):
        return sum(walk(v) for v in x)
    return 0
print(sum(r["participations"] for r in json.load(open(sys.argv[1]))["rows"]))' "$T/report.json" 2>/dev/null || echo '?')
want=$(sqlite3 "$T/ut-reportd.db" 'SELECT count(*) FROM rp_completion WHERE attended > 0')
[[ $got == "$want" ]] || echo "# report total participations $got, direct count $want" >&2
for _ in $(seq "$RUNS"); do
	a=$(date +%s%N)
	U report fulfilment --year 2026 --format json >/dev/null
	echo $((($(date +%s%N) - a) / 1000))
done | median >"$T/ours"
# the utctl process alone (start, config, connect, a refused request): what is not the report
for _ in $(seq "$RUNS"); do
	a=$(date +%s%N)
	U report fulfilment --year 1999 --format json >/dev/null 2>&1 || true
	echo $((($(date +%s%N) - a) / 1000))
done | median >"$T/base"
loaded=$(rss "$rpid")
peak=$(hwm "$rpid")
read -r rows groups raw_ms _ < <("$BUILD/tests/ut-rawsql" groupby "$T/raw.db" "$N" "$RUNS" | awk '{ print $2, $4, $6, $8 }')
ours=$(cat "$T/ours")
base=$(cat "$T/base")
echo "fulfilment report over $want participations (report total: $got), median of $RUNS runs"
printf '%-44s %10s\n' "raw GROUP BY over $rows plain rows ($groups groups)" "$raw_ms ms"
printf '%-44s %10s\n' "utctl report fulfilment --format json" "$(awk -v u="$ours" 'BEGIN { printf "%.1f ms", u / 1000 }')"
printf '%-44s %10s\n' "  of which utctl start + a round trip" "$(awk -v u="$base" 'BEGIN { printf "%.1f ms", u / 1000 }')"
printf '%-44s %10s\n' "ratio raw / ours" "$(awk -v a="$raw_ms" -v u="$ours" 'BEGIN { printf "%.2f", a * 1000 / u }')"
echo "target: report < 50 ms"
echo "ut-reportd RSS idle: $idle MiB, after load ($want participations, $RUNS reports): $loaded MiB, peak $peak MiB (targets < 16 / < 64)"
