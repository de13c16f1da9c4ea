# The upward link against a hostile child: a county's key in an attacker's hands (ut-report-child
# sends whatever it is told to over CURVE). The city refuses snapshots it must not store, keeps the
# county's figures as they were, acknowledges only sequences the sender sent, bounds the groups and
# the rate of one child's snapshots (a real child resends one answered busy), deletes sums back at
# zero, logs refused connections as a summary per period, and a rotated or removed key is refused on
# a connection that stays open.
source "$(dirname "$0")/lib.sh"

PORT=$(free_port)

# node NAME [ini lines...]: a node directory with its configuration.
node() {
	mkdir -p -m 700 "$T/$1"
	{
		printf '[node]\nid = %s\nrun_dir = .\nlog_level = info\n' "$1"
		printf '[redis]\nsocket = %s\nprefix = %s:\n' "$T/redis.sock" "$1"
		printf '[report]\ninterval_ms = 200\nresend_max_ms = 800\nstale_after_s = 3600\n'
		printf '%s\n' "${@:2}"
	} >"$T/$1/node.ini"
}
u() { "$UT_BIN/utctl" --node-config "$T/$1/node.ini" "${@:2}"; }
up() { "$UT_BIN/ut-reportd" --config "$T/$1/node.ini" 2>>"$T/$1.log" & PIDS[$1]=$!; }
pubkey() { u "$1" --json node keygen "${@:2}" | python3 -c 'import json,sys; print(json.load(sys.stdin)["public_key"])'; }
fedval() {
	u city report federation --year 2016 --format json |
		python3 -c "import json,sys; d=json.load(sys.stdin); print($1)" 2>/dev/null
}
county() { fedval "' '.join(str([c for c in d['rows'] if c['node']=='county'][0][k]) for k in ('seq','participations'))"; }
stored() { sqlite3 "$T/city/ut-reportd.db" "SELECT seq FROM rp_child WHERE node = 'county'"; }
# hostile [COMMAND]: one connection with the county's key, commands on stdin (or the argument)
hostile() {
	if (($#)); then printf '%s\n' "$1" | hostile; return; fi
	"$UT_TOOLS/ut-report-child" "tcp://127.0.0.1:$PORT" "${KEY[city]}" "$T/county/report.key" county
}
row() { printf '2016:4:safety:in_person:enterprise:%s:%s' "$1" "$2"; }

start_redis
node city "[report]" "listen = tcp://127.0.0.1:$PORT" "max_groups = 1000" "min_interval_ms = 0" "[rpc]" "max_request_kb = 64"
node county
declare -A KEY
for n in city county; do KEY[$n]=$(pubkey "$n"); done
up city
wait_until 30 u city node child list >/dev/null || fail "the city answers"
u city node child add county "${KEY[county]}" >/dev/null

# Negative counters would be taken off the other children's figures: refused, nothing stored.
check_run "a snapshot with a negative counter is refused" 0 '^invalid 0 0 snapshot of county: row 2 has a negative counter' \
	hostile "snap 5 now 1 $(row participations 5) $(row classes_held -3)"
check "nothing of it is stored" 0 "$(stored)"
check_run "an honest snapshot is stored" 0 '^ok 5 1 stored' hostile "snap 5 now-60000 1 $(row participations 7)"
check "the city counts it" "5 7" "$(county)"

# A poisoned sequence: built in the future, the largest sequence, a jump far beyond any real one.
check_run "a snapshot built a day ahead is refused" 0 'invalid 0 0 .*built 8639[0-9] s ahead' \
	hostile "snap 6 now+86400000 1 $(row participations 99)"
check_run "a sequence of 2^64-1 is refused" 0 'invalid 0 0 .*sequence 18446744073709551615 is out of range' \
	hostile "snap 18446744073709551615 now 1 $(row participations 99)"
check_run "a sequence jump beyond any real one is refused" 0 'invalid 0 0 .*sequence jumps from 5 to 1000000000005' \
	hostile "snap 1000000000005 now 1 $(row participations 99)"
check "the county's figures are untouched" "5 7" "$(county)"
check_run "an older snapshot is acknowledged with the sequence sent, not the one stored" 0 '^ok 3 1 already have' \
	hostile "snap 3 now-120000 1 $(row participations 99)"
check_run "a clock a little ahead is allowed" 0 '^ok 6 1 stored' hostile "snap 6 now+60000 1 $(row participations 8)"

# Size: what the daemon would refuse unread is answered by the link, with the request's id; more
# than the daemon's limit is not even read (the connection drops, the parent stays free).
check_run "a snapshot near the limit is answered too large" 0 '^invalid 0 0 snapshot too large: [0-9]+ bytes, this parent takes at most 65536$' \
	hostile "raw 65480"
check_run "one over the limit is not read" 0 '^none$' hostile "raw 100000"
check_run "and the link answers the next at once" 0 '^ok 6 1 ' hostile "snap 6 now+60000 1 $(row participations 8)"

# Disk: no more groups than report.max_groups, and groups back at zero leave the sums.
sums() { sqlite3 "$T/city/ut-reportd.db" "SELECT count(*) FROM rp_child_total"; }
check_run "a snapshot of more groups than max_groups is refused" 0 '^invalid 0 0 .*1001 groups, more than the 1000' \
	hostile "many 7 now 1001"
check "nothing of it is stored" "6 8" "$(county)"
check_run "max_groups groups are taken" 0 '^ok 8 1 stored' hostile "many 8 now 1000"
check "the city keeps a sum per group" 1000 "$(sums)"
check_run "the child drops them again" 0 '^ok 9 1 stored' hostile "snap 9 now 1 $(row participations 8)"
check "groups back at zero are deleted" 1 "$(sums)"

# Revocation: the key is checked for every snapshot, not only when the connection opens.
mkfifo "$T/to" "$T/from"
hostile <"$T/to" >"$T/from" &
exec 7>"$T/to" 8<"$T/from"
say() { printf '%s\n' "$1" >&7; IFS= read -r -t 15 line <&8; echo "${line:-no answer}"; }
check "on an open connection, a snapshot is stored" "ok 10 1 stored" "$(say "snap 10 now 1 $(row participations 9)")"
KEY[county]=$(pubkey county --force)
u city node child add county "${KEY[county]}" >/dev/null
check "a new key resets the stored sequence" "0|0" "$(sqlite3 "$T/city/ut-reportd.db" "SELECT seq, built_ms FROM rp_child WHERE node = 'county'")"
check "the old key's open connection is refused from its next snapshot" "invalid 0 0 refused: the key is not registered" \
	"$(say "snap 11 now 1 $(row participations 50)")"
check "and nothing of it is stored" "0 9" "$(county)"
check_run "the new key is heard from sequence 1" 0 '^ok 1 1 stored' hostile "snap 1 now-600000 1 $(row participations 10)"
check "the county's figures are the new key's" "1 10" "$(county)"
check_run "utctl node child remove" 0 '^child county removed' u city node child remove county
check "its figures leave the total" "0" "$(fedval 'd["total"].get("participations", 0)')"
check "and its sums are gone" 0 "$(sums)"
check "and it is no longer listed" 0 "$(u city node child list | grep -c county)"
check_run "a removed child is not found" 1 'not a registered child' u city node child remove county
check_run "remove needs the id" 2 '' u city node child remove
exec 7>&- 8<&-
wait_until 10 bash -c "! kill -0 $! 2>/dev/null"

# Rate: snapshots from one child no closer than min_interval_ms; a real child resends one answered busy.
stop_daemon city
check "the city stops cleanly" 0 "$STOPPED_STATUS"
node city "[report]" "listen = tcp://127.0.0.1:$PORT" "min_interval_ms = 3000" "refused_log_s = 2"
up city
wait_until 30 u city node child list >/dev/null || fail "the city answers again"
u city node child add county "${KEY[county]}" >/dev/null
b=$(($(date +%s%3N) - 5000))
check "a snapshot, then one too soon after it" "ok 1 1 stored|unavailable 0 0 snapshot of county too soon after the last one" \
	"$(printf '%s\n' "snap 1 $b 1 $(row participations 3)" "snap 2 $((b + 1000)) 1 $(row participations 4)" | hostile |
		sed 's/; send again in .*//' | paste -sd'|')"
check_run "a repeat is acknowledged at once" 0 '^ok 1 1 already have' hostile "snap 1 $b 1 $(row participations 3)"
check "the city keeps the first" "1 3" "$(county)"
node county "[report]" "parent = tcp://127.0.0.1:$PORT" "parent_key = ${KEY[city]}"
done_event() {
	printf 'ut-enrold\tEV_CLASS_COMPLETED\tcadre_id=C%d\tclass_id=1\tcompleted=1\tsessions_total=1\tsessions_attended=1\tcategory=safety\tunit_id=1\tunit_kind=enterprise\n' "$1" |
		"$UT_TOOLS/ut-report-inject" "$T/redis.sock" county: county >/dev/null
}
printf 'ut-schedd\tEV_CLASS_CREATED\tid=1\tcategory=safety\tformat=in_person\tstate=closed\tversion=1\tstart=1460000000\tend=1460007200\n' |
	"$UT_TOOLS/ut-report-inject" "$T/redis.sock" county: county >/dev/null
done_event 1
up county
wait_for "the county's own snapshot arrives" 1 fedval "[c for c in d['rows'] if c['node']=='county'][0]['participations']"
done_event 2
wait_for "its next one, answered busy at first, arrives too" 2 fedval "[c for c in d['rows'] if c['node']=='county'][0]['participations']"
check_run "the county was told to wait" 0 'too soon after the last one' cat "$T/county.log"
wait_for "and its link reports no error once acknowledged" "" sqlite3 "$T/county/ut-reportd.db" "SELECT sval FROM rp_link WHERE key = 'error'"

# Log flood: refused handshakes are counted per key and address and summarised once a period.
node rogue
pubkey rogue >/dev/null
refused() { grep -o '[0-9]* connections refused, unknown keys: key [^ ]* from 127.0.0.1' "$T/city.log" | awk '{s += $1} END {print s + 0}'; }
check "fifty connections with an unknown key are refused" "refused 50" \
	"$("$UT_TOOLS/ut-report-child" "tcp://127.0.0.1:$PORT" "${KEY[city]}" "$T/rogue/report.key" rogue <<<'flood 50')"
# (libzmq may retry a refused socket once before it is closed)
at_least() { (($(refused) >= $1)); }
wait_until 30 at_least 50 && ok "every refusal is counted in the log's summaries" ||
	fail "every refusal is counted in the log's summaries: $(refused) of 50"
lines=$(grep -c 'connections\? .*refused' "$T/city.log")
check "in a few lines, not fifty ($lines)" 1 "$((lines <= 3))"
for n in county city; do
	stop_daemon $n
	check "$n stops cleanly" 0 "$STOPPED_STATUS"
done
finish
