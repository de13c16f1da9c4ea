# The upward link: a county, a city and a province, each its own ut-reportd with its own run
# directory, keys and Redis prefix, linked with CURVE over loopback TCP. Snapshots roll up county ->
# city -> province; an unregistered key and a key used for another node id are refused; no cadre
# name, id or contact is in what goes up.
source "$(dirname "$0")/lib.sh"

P_PORT=$(free_port) C_PORT=$(free_port)
until [[ $C_PORT != "$P_PORT" ]]; do C_PORT=$(free_port); done

# node NAME [ini lines...]: a node directory with its configuration.
node() {
	mkdir -p -m 700 "$T/$1"
	{
		printf '[node]\nid = %s\nrun_dir = .\nlog_level = info\n' "$1"
		printf '[redis]\nsocket = %s\nprefix = %s:\n' "$T/redis.sock" "$1"
		printf '[report]\ninterval_ms = 200\nresend_max_ms = 800\nstale_after_s = 3600\nmin_interval_ms = 0\n'
		printf '%s\n' "${@:2}"
	} >"$T/$1/node.ini"
}
u() { "$UT_BIN/utctl" --node-config "$T/$1/node.ini" "${@:2}"; }
up() { "$UT_BIN/ut-reportd" --config "$T/$1/node.ini" 2>>"$T/$1.log" & PIDS[$1]=$!; }
pubkey() { u "$1" --json node keygen | python3 -c 'import json,sys; print(json.load(sys.stdin)["public_key"])'; }
inject() { "$UT_TOOLS/ut-report-inject" "$T/redis.sock" "$1:" "$1" >/dev/null; }
fed() { u "$1" report federation --year 2016 --format json; }
# jq-like: a value from the federation report of node $1
fedval() { fed "$1" | python3 -c "import json,sys; d=json.load(sys.stdin); print($2)" 2>/dev/null; }

start_redis
node province "[report]" "listen = tcp://127.0.0.1:$P_PORT"
node city
node county
declare -A KEY
for n in province city county; do KEY[$n]=$(pubkey "$n"); done
check "keygen wrote a 0600 key file" 600 "$(stat -c %a "$T/county/report.key")"
check_run "keygen refuses to overwrite" 1 'already exists' u county node keygen
check "a key is 40 characters of Z85" 40 "${#KEY[county]}"
node city "[report]" "listen = tcp://127.0.0.1:$C_PORT" "parent = tcp://127.0.0.1:$P_PORT" "parent_key = ${KEY[province]}"
node county "[report]" "parent = tcp://127.0.0.1:$C_PORT" "parent_key = ${KEY[city]}"

# A node told to report upward without a key pair refuses to start, and says what to do.
node nokey "[report]" "parent = tcp://127.0.0.1:$C_PORT" "parent_key = ${KEY[city]}"
timeout 10 "$UT_BIN/ut-reportd" --config "$T/nokey/node.ini" 2>"$T/nokey.log"
check "no key pair: refuses to start" 1 "$?"
check_run "and names the fix" 0 'utctl node keygen' cat "$T/nokey.log"
node badtarget "[report]" "coverage_targets = 2025:40,soon"
timeout 10 "$UT_BIN/ut-reportd" --config "$T/badtarget/node.ini" 2>"$T/badtarget.log"
check "a malformed coverage_targets refuses to start" 1 "$?"

up province
up city
up county
wait_for "province up" 0 bash -c "'$UT_BIN/utctl' --node-config '$T/province/node.ini' node child list >/dev/null 2>&1; echo \$?"
node busy "[report]" "listen = tcp://127.0.0.1:$P_PORT"
u busy node keygen >/dev/null
timeout 10 "$UT_BIN/ut-reportd" --config "$T/busy/node.ini" 2>"$T/busy.log"
check "a listen port in use refuses to start" 1 "$?"
check_run "and says which" 0 "cannot listen on tcp://127.0.0.1:$P_PORT" cat "$T/busy.log"
check_run "province registers the city" 0 '^child city registered' u province node child add city "${KEY[city]}"
check_run "city registers the county" 0 '^child county registered' u city node child add county "${KEY[county]}"
check_run "a malformed key is a usage error" 2 'Z85' u city node child add x 'not-a-key'
check_run "a key registered for another child is refused" 1 'conflict: .*county' u city node child add other "${KEY[county]}"

# The county's year: a plan, classes held, cadres with names and contacts, completions.
{
	printf 'ut-schedd\tEV_PLAN_SET\tyear=2016\tcategory=safety\tplanned_classes=4\tplanned_participations=100\n'
	for c in 1 2 3; do
		printf 'ut-schedd\tEV_CLASS_CREATED\tid=%d\tcategory=safety\tformat=in_person\tstate=planned\tversion=1\tstart=1460000000\tend=1460007200\n' $c
		printf 'ut-schedd\tEV_CLASS_CLOSED\tid=%d\tcategory=safety\tformat=in_person\tstate=closed\tversion=2\tstart=1460000000\tend=1460007200\n' $c
	done
	printf 'ut-enrold\tEV_UNIT_ADDED\tid=1\tname=Công ty Dệt\tkind=enterprise\townership=non_public\n'
	for n in $(seq 1 40); do
		printf 'ut-enrold\tEV_CADRE_REGISTERED\tid=CT-SECRET-%03d\tname=Trần Thị Bí Mật %d\tunit_id=1\tfull_time=%d\tstate=active\tversion=1\temail=secret%d@example.vn\tphone=+84912%06d\tunit_kind=enterprise\n' $n $n $((n % 4 == 0)) $n $n
	done
	for c in 1 2 3; do for n in $(seq 1 30); do
		printf 'ut-enrold\tEV_CLASS_COMPLETED\tcadre_id=CT-SECRET-%03d\tclass_id=%d\tcompleted=1\tsessions_total=1\tsessions_attended=1\tcategory=safety\tfull_time=%d\tunit_id=1\tunit_kind=enterprise\n' $(((n + c) % 40 + 1)) $c $((n % 4 == 0))
	done; done
} >"$T/county.tsv"
inject county <"$T/county.tsv"
# The city's own classes.
{
	printf 'ut-schedd\tEV_PLAN_SET\tyear=2016\tcategory=safety\tplanned_classes=2\tplanned_participations=50\n'
	printf 'ut-schedd\tEV_CLASS_CREATED\tid=1\tcategory=safety\tformat=online\tstate=closed\tversion=1\tstart=1470000000\tend=1470007200\n'
	for n in $(seq 1 25); do
		printf 'ut-enrold\tEV_CLASS_COMPLETED\tcadre_id=HN-%03d\tclass_id=1\tcompleted=1\tsessions_total=1\tsessions_attended=1\tcategory=safety\tunit_id=7\tunit_kind=union\n' $n
	done
} | inject city

wait_for "city holds the county's snapshot (90 participations)" 90 fedval city '[c for c in d["rows"] if c["node"]=="county"][0]["participations"]'
wait_for "province sees the county through the city: 90 + 25" 115 fedval province '[c for c in d["rows"] if c["node"]=="city"][0]["participations"]'
check "province subtree total classes held 3 + 1" 4 "$(fedval province 'd["total"]["classes_held"]')"
check "province subtree plan 100 + 50 participations" 150 "$(fedval province 'd["total"]["participations_planned"]')"
check "province: 115 of 150 = 77%" 77 "$(fedval province 'd["total"]["participations_pct"]')"
check "subtree fulfilment on the province" "4 115" "$(u province report fulfilment --year 2016 --scope subtree --format json | python3 -c 'import json,sys; t=json.load(sys.stdin)["total"]; print(t["classes_held"], t["participations"])')"
check "province's own figures stay its own" 0 "$(u province report fulfilment --year 2016 --format json | python3 -c 'import json,sys; print(json.load(sys.stdin)["total"]["participations"])')"
check "the link's own bookkeeping is no change in the audit" "0 0" \
	"$(for n in county city; do sqlite3 "$T/$n/ut-reportd.db" 'SELECT count(*) FROM ut_audit WHERE type IN (421, 422, 423)'; done | tr '\n' ' ' | sed 's/ $//')"
check "county's acknowledged sequence recorded" 1 "$(python3 -c 'import sys; print(int(int(sys.argv[1]) >= 1))' "$(sqlite3 "$T/county/ut-reportd.db" "SELECT ival FROM rp_link WHERE key = 'acked_seq'")")"
check_run "federation table lists the child with its snapshot" 0 'county .* (no|không)' u city report federation --year 2016 --locale en
check_run "child list shows the stored snapshot" 0 'county .* no$' u city node child list

# No personal data upward: the snapshot's bytes, and everything the parents stored.
"$UT_TOOLS/ut-report-snapdump" "ipc://$T/county/ut-reportd.sock" >"$T/county.snap"
check "the snapshot has rows" 1 "$(($(stat -c %s "$T/county.snap") > 100))"
leaks=0
for f in "$T/county.snap" "$T/city/ut-reportd.db"* "$T/province/ut-reportd.db"*; do
	grep -aqE 'CT-SECRET|Bí Mật|secret[0-9]+@|\+84912|Dệt' "$f" && { leaks=1; echo "personal data in $f"; }
done
check "no cadre id, name, contact or unit name leaves the county" 0 "$leaks"

# A node whose key the city does not know: the handshake is refused, nothing is stored.
node rogue "[report]" "parent = tcp://127.0.0.1:$C_PORT" "parent_key = ${KEY[city]}"
u rogue node keygen >/dev/null
printf 'ut-enrold\tEV_CLASS_COMPLETED\tcadre_id=R1\tclass_id=1\tsessions_total=1\tsessions_attended=1\tcategory=safety\n' | inject rogue
up rogue
wait_for "the unregistered key is refused" 1 bash -c "grep -c 'refused' '$T/city.log' | awk '{print (\$1 > 0)}'"
wait_for "the rogue node learns it was refused" 1 bash -c "'$UT_BIN/utctl' --node-config '$T/rogue/node.ini' report federation --year 2016 --format table --locale en | grep -c 'refused this node'"
check "the city knows no rogue child" 0 "$(u city node child list | grep -c rogue)"

# A registered key used by a node with another id: the key decides, the snapshot is refused.
node impostor "[report]" "parent = tcp://127.0.0.1:$C_PORT" "parent_key = ${KEY[city]}"
cp "$T/county/report.key" "$T/impostor/report.key"
printf 'ut-enrold\tEV_CLASS_COMPLETED\tcadre_id=I1\tclass_id=1\tsessions_total=1\tsessions_attended=1\tcategory=safety\n' | inject impostor
before=$(fedval city '[c for c in d["rows"] if c["node"]=="county"][0]["seq"]')
up impostor
wait_for "the impostor's snapshot is refused for claiming another id" 1 bash -c "grep -c 'registered for node county, the snapshot claims impostor' '$T/impostor.log' | awk '{print (\$1 > 0)}'"
check "the county's figures are untouched" "$before 90" "$(fedval city '" ".join(str([c for c in d["rows"] if c["node"]=="county"][0][k]) for k in ("seq","participations"))')"
stop_daemon impostor
stop_daemon rogue

# Parent down while the child changes twice; back up: the latest snapshot arrives, once.
acc() { sqlite3 "$T/city/ut-reportd.db" "SELECT accepted FROM rp_child WHERE node = 'county'"; }
link() { sqlite3 "$T/county/ut-reportd.db" "SELECT ival FROM rp_link WHERE key = '$1'"; }
more() { (($(link "$1") >= $2)); }
a0=$(acc)
stop_daemon city
for round in 1 2; do
	b=$(link built_seq)
	printf 'ut-enrold\tEV_CLASS_COMPLETED\tcadre_id=CT-SECRET-0%02d\tclass_id=3\tcompleted=1\tsessions_total=1\tsessions_attended=1\tcategory=safety\tunit_id=1\tunit_kind=enterprise\n' $((round + 50)) | inject county
	# two new snapshots are built while the city is away
	wait_until 30 more built_seq $((b + 1)) || fail "round $round: the county builds a snapshot"
done
built=$(link built_seq)
check "the county built newer snapshots meanwhile" 1 "$((built > before))"
wait_for "the county's resends find the parent away" "parent unreachable; snapshot kept and resent" \
	sqlite3 "$T/county/ut-reportd.db" "SELECT sval FROM rp_link WHERE key = 'error'"
up city
wait_for "the latest snapshot arrives after the restart" "$built 92" fedval city '" ".join(str([c for c in d["rows"] if c["node"]=="county"][0][k]) for k in ("seq","participations"))'
wait_for "the county has the acknowledgement" "$built" link acked_seq
check "it was stored exactly once" "$((a0 + 1))" "$(acc)"
wait_for "and the province follows" 117 fedval province '[c for c in d["rows"] if c["node"]=="city"][0]["participations"]'
# A parent whose database has schema 4 (a row per child counter in rp_child_row) keeps its figures:
# the province's only snapshot is the city's, so the children's sums are exactly the city's rows.
figures() { fedval province '" ".join(str(x) for x in ([c for c in d["rows"] if c["node"]=="city"][0]["participations"], d["total"]["classes_held"], d["total"]["participations"], d["total"]["participations_planned"]))'; }
f0=$(figures)
check "the figures to keep" "117 4 117 150" "$f0"
stop_daemon province
sqlite3 "$T/province/ut-reportd.db" "CREATE TABLE rp_child_row(node TEXT NOT NULL, year INTEGER NOT NULL,
	month INTEGER NOT NULL, category TEXT NOT NULL, format TEXT NOT NULL, unit_kind TEXT NOT NULL, metric TEXT NOT NULL,
	value INTEGER NOT NULL, PRIMARY KEY(node, year, month, category, format, unit_kind, metric)) WITHOUT ROWID;
	INSERT INTO rp_child_row SELECT 'city', year, month, category, format, unit_kind, metric, value FROM rp_child_sum;
	DROP VIEW rp_child_sum; DROP TABLE rp_child_total; DROP TABLE rp_child_snap; PRAGMA user_version = 4;"
up province
wait_for "a schema-4 parent keeps its children's figures" "$f0" figures
check "and holds them as one blob per child" "1|0" "$(sqlite3 "$T/province/ut-reportd.db" "SELECT count(*), (SELECT count(*) FROM sqlite_master WHERE name = 'rp_child_row') FROM rp_child_snap")"
u province node child add ghost "$(u rogue --json node keygen --force | python3 -c 'import json,sys; print(json.load(sys.stdin)["public_key"])')" >/dev/null
check_run "a key that begins with '-' is a key, not an option" 0 '^child dash registered' \
	u province node child add dash '-600000000000000000000000000000000000000'
check "a child that never reported is flagged stale" "True 0" "$(fedval province '" ".join(str([c for c in d["rows"] if c["node"]=="ghost"][0][k]) for k in ("stale","seq"))')"
check "a child that reported is not" "False" "$(fedval province '[c for c in d["rows"] if c["node"]=="city"][0]["stale"]')"
check "the county's link reports no error" "" "$(sqlite3 "$T/county/ut-reportd.db" "SELECT sval FROM rp_link WHERE key = 'error'")"
# A county that lost its database counts from seq 1 again: later built, so the city takes it.
stop_daemon county
rm -f "$T/county/ut-reportd.db"*
up county
wait_for "a child that lost its database is heard again" "1 0" fedval city '" ".join(str([c for c in d["rows"] if c["node"]=="county"][0][k]) for k in ("seq","participations"))'
for n in county city province; do
	stop_daemon $n
	check "$n stops cleanly on SIGTERM, link thread and all" 0 "$STOPPED_STATUS"
done
finish
