# Backup while the node takes enrolments, then restore into a new run directory on a new Redis:
# every enrolment of the backed-up database is listed by the restored node, its projections and
# report figures equal direct counts, no notice the backup had sent is sent again and none twice;
# restore refuses a running node, a tampered file and another node's backup; a database whose schema
# is newer than the binary is refused at start, naming both versions.
source "$(dirname "$0")/lib.sh"

T0=$(date +%s%N)
elapsed() { echo "$((($(date +%s%N) - T0) / 1000000)) ms"; }
YEAR=$(date +%Y)
CLASSES=6
NCADRES=240
LOAD_MAX=160 # enrolments of the background loop, at most
LOAD_S=60    # and seconds

node_config() {
	write_config '[notify]' 'quiet_hours =' 'tick_ms = 50' "templates_dir = $UT_SRC/deploy/templates" \
		'spool_dir = spool' 'channels = spool' 'retry_base_ms = 200'
	mkdir -p -m 700 "$T/spool"
}

# The sink: every spool file renamed into place, so a key written twice is seen though the second
# write replaces the first file.
start_sink() { start_spool_sink "$T/spool" "$T/sink.log"; }
start_worker() { "$UT_BIN/ut-notifyd" --worker --config "$T/node.ini" --name w1 2>>"$T/w1.log" & PIDS[w1]=$!; }

node_config
start_sink
start_node
start_worker
check_run "key pair for the upward link" 0 '' utctl node keygen

# ---- data through utctl
check_run "unit" 0 '' utctl unit add --code U1 --name 'Công đoàn Khu công nghiệp' --kind union
check_run "course" 0 '' utctl course add --code BK --title 'Backup drill' --category safety
check_run "plan" 0 '' utctl plan set --year "$YEAR" --category safety --classes 6 --participations 200
for c in $(seq $CLASSES); do
	d=$(date -d "+$((20 + c)) days" +%F)
	utctl class add --course BK --capacity 30 --session "$d 09:00-12:00" >/dev/null || fail "class $c not created"
done
{
	echo 'id,name,unit,position,full_time,elected_on,email'
	for k in $(seq $NCADRES); do printf 'B%04d,Cadre %d,U1,chair,%d,2025-06-01,b%d@example.org\n' "$k" "$k" $((k % 2)) "$k"; done
} >"$T/cadres.csv"
check_run "import $NCADRES cadres" 0 "imported: $NCADRES added" utctl cadre import "$T/cadres.csv"
for k in 1 2 3 4 5 6; do
	check_run "enrol B000$k before the load" 0 '' utctl enrol add "B000$k" "$k"
done
wait_for "ut-reportd knows the $CLASSES classes" $CLASSES sql ut-reportd "SELECT count(*) FROM sched_classes"
unsent() { sql ut-notifyd "SELECT count(*) FROM messages WHERE status IN ('scheduled', 'retrying', 'queued') AND due_ms <= $(date +%s%3N)"; }
wait_for "the first notices are sent" 0 unsent
# no worker from here on: the load's notices wait as jobs in Redis, which the restore does not have
stop_daemon w1

# ---- MSG_BACKUP by hand: refusals, and a hold keeps published events in the outbox
check_run "a hold without hold_s is refused" 0 '^invalid hold_s must be 1 to 3600' rawsend ut-enrold type MSG_BACKUP
check_run "a relative backup path is refused" 0 '^invalid the backup file must be an absolute path, not x.db' \
	rawsend ut-enrold body MSG_BACKUP $'\x0a\x04x.db'
echo data >"$T/exists.db"
path_body() { printf '\x0a'"$(printf '\\x%02x' ${#1})"'%s' "$1"; } # BackupRequest.path, under 128 bytes
check_run "an existing backup file is not overwritten" 0 "^conflict $T/exists.db exists" \
	rawsend ut-enrold body MSG_BACKUP "$(path_body "$T/exists.db")"
check "the existing file is untouched" data "$(cat "$T/exists.db")"
check_run "a hold of 60 s" 0 '^ok' rawsend ut-enrold body MSG_BACKUP $'\x10\x3c'
kept=$(sql ut-enrold "SELECT count(*) FROM ut_outbox")
for k in 7 8 9; do utctl enrol add "B000$k" 1 >/dev/null || fail "enrol B000$k"; done
wait_for "ut-reportd applied the enrolments made during the hold" 9 sql ut-reportd "SELECT count(*) FROM rp_enrol"
check "their events are still in ut-enrold's outbox" $((kept + 3)) "$(sql ut-enrold "SELECT count(*) FROM ut_outbox")"

# ---- a bounded enrolment loop in the background; the backup is taken while it runs
load() {
	local i=0 end=$((SECONDS + LOAD_S)) st
	while ((i < LOAD_MAX && SECONDS < end)) && [[ ! -e $T/stop ]]; do
		i=$((i + 1))
		utctl enrol add "$(printf 'B%04d' $((i + 10)))" $((i % CLASSES + 1)) >/dev/null 2>&1
		st=$?
		echo "$i $st" >>"$T/answers"
	done
}
load & PIDS[load]=$!
answered() { (($(grep -c . "$T/answers" 2>/dev/null) >= $1)); }
wait_until 30 answered 20 || fail "the load did not start"
check_run "backup refused into a directory that is not empty" 1 'not empty' utctl node backup "$T"
b0=$(date +%s%N)
check_run "backup while the node takes enrolments" 0 'backup of node test-node written' utctl node backup "$T/bk"
echo "# backup took $((($(date +%s%N) - b0) / 1000000)) ms: $(du -sh "$T/bk" | cut -f1); $(ls -l "$T/bk" | awk 'NR > 1 {printf "%s %s, ", $9, $5}')"
during=$(grep -c . "$T/answers")
check_run "restore refused while the node runs" 1 'is running' utctl node restore "$T/bk"
wait "${PIDS[load]}"
unset 'PIDS[load]'
ok_total=$(awk '$2 == 0' "$T/answers" | grep -c .)
echo "# load: $(grep -c . "$T/answers") enrolments sent, $ok_total answered ok, $during before the backup ended ($(elapsed))"
((during < $(grep -c . "$T/answers"))) && ok "enrolments were answered after the backup" || fail "the load ended before the backup"

check "backup directory mode 0700" 700 "$(stat -c %a "$T/bk")"
check "secret key mode 0600" 600 "$(stat -c %a "$T/bk/report.key")"
check "manifest names the node" "node test-node" "$(grep '^node ' "$T/bk/MANIFEST")"
check "manifest has a schema version per database" 5 "$(grep -cE '^database ut-[a-z]+ ut-[a-z]+\.db [0-9]+$' "$T/bk/MANIFEST")"
check "manifest checksums match (sha256sum)" "" "$(awk '/^sha256 / {print $2 "  " $3}' "$T/bk/MANIFEST" |
	(cd "$T/bk" && sha256sum --quiet -c - 2>&1))"
check "backup databases pass integrity_check" "ok ok ok ok ok" "$(for d in "${DAEMONS[@]}"; do
	sqlite3 "$T/bk/$d.db" 'PRAGMA integrity_check'; done | tr '\n' ' ' | sed 's/ $//')"
read -r nsent nqueued <<<"$(sqlite3 "$T/bk/ut-notifyd.db" "SELECT sum(status = 'sent'), sum(status = 'queued') FROM messages" | tr '|' ' ')"
echo "# the backup's notices: $nsent sent, $nqueued queued as jobs; $(($(sqlite3 "$T/bk/ut-enrold.db" 'SELECT count(*) FROM enrolments') - \
	$(sqlite3 "$T/bk/ut-reportd.db" 'SELECT count(*) FROM rp_enrol'))) enrolments not yet in ut-reportd's copy"
check "notices sent and jobs queued in the backup" "1 1" "$((nsent > 0)) $((nqueued > 0))"

# ---- stop the node; restore into a new run directory with a new Redis
for d in "${DAEMONS[@]}" sink; do stop_daemon "$d"; done
check_run "no backup of a node that is down" 3 'ut-webd is not answering' utctl node backup "$T/bk-down"
stop_redis
OLD=$T
T=$OLD/n2
mkdir -m 700 "$T"
printf '[node]\nid = other-node\nrun_dir = .\n' >"$T/other.ini"
check_run "a backup of another node id is refused" 1 'backup is of node test-node' \
	"$UT_BIN/utctl" --node-config "$T/other.ini" node restore "$OLD/bk"
cp -a "$OLD/bk" "$OLD/bk-tampered"
sqlite3 "$OLD/bk-tampered/ut-enrold.db" "UPDATE enrolments SET state = 'cancelled' WHERE id = (SELECT min(id) FROM enrolments)"
check_run "a tampered file is refused" 1 'ut-enrold.db does not match its checksum' \
	"$UT_BIN/utctl" --node-config "$T/other.ini" node restore --other-node "$OLD/bk-tampered"
check "nothing restored from a refused backup" "" "$(ls "$T"/*.db 2>/dev/null)"
node_config
check_run "restore into the stopped new node" 0 'node test-node restored' utctl node restore "$OLD/bk"
check "restored key mode 0600" 600 "$(stat -c %a "$T/report.key")"
check "the backed-up config is set beside, not over, the one in use" "$(cat "$OLD/node.ini")" "$(cat "$T/node.ini.restored")"
r0=$(date +%s%N)
start_sink
start_node
start_worker
echo "# restored node up in $((($(date +%s%N) - r0) / 1000000)) ms"

# ---- the restored node
bdb() { sqlite3 -batch -noheader "$OLD/bk/$1.db" "$2"; }
check "consumer groups made on the new Redis" "ut-notifyd ut-reportd" \
	"$(redis-cli -s "$T/redis.sock" xinfo groups ut:ev:ut-enrold | awk '/^name$/ {getline; print}' | sort | tr '\n' ' ' | sed 's/ $//')"
listed() {
	local c
	for c in $(seq $CLASSES); do
		utctl --json enrol list --class "$c" | /usr/bin/python3 -c 'import json,sys
for e in json.load(sys.stdin).get("enrolments", []): print(e["cadre_id"], e["class_id"], e["state"])'
	done | sort
}
check "every enrolment of the backup is listed by the restored node ($(bdb ut-enrold 'SELECT count(*) FROM enrolments'))" \
	"$(bdb ut-enrold "SELECT cadre_id || ' ' || class_id || ' ' || state FROM enrolments" | sort)" "$(listed)"
# an enrolment after the restore reaches every consumer: events flow on the new Redis
check_run "an enrolment on the restored node" 0 '' utctl enrol add B0239 1
outbox_top() { sql "$1" "SELECT coalesce(max(seq), 0) FROM ut_outbox"; }
wait_for "ut-reportd: confirmed enrolments = ut-enrold's" \
	"$(sql ut-enrold "SELECT id || ' ' || class_id || ' ' || (state = 'confirmed') FROM enrolments ORDER BY id")" \
	sql ut-reportd "SELECT id || ' ' || class_id || ' ' || confirmed FROM rp_enrol ORDER BY id"
wait_for "ut-notifyd: enrolment states = ut-enrold's" \
	"$(sql ut-enrold "SELECT cadre_id || ' ' || class_id || ' ' || state FROM enrolments e
		WHERE id = (SELECT max(id) FROM enrolments WHERE cadre_id = e.cadre_id AND class_id = e.class_id) ORDER BY 1")" \
	sql ut-notifyd "SELECT cadre_id || ' ' || class_id || ' ' || state FROM notify_enrolments ORDER BY 1"
check "ut-notifyd and ut-reportd: cadres = ut-enrold's" \
	"$(sql ut-enrold "SELECT id || ' ' || version FROM cadres ORDER BY id" | tee "$T/cv")$(cat "$T/cv")" \
	"$(sql ut-notifyd "SELECT id || ' ' || version FROM notify_cadres ORDER BY id")$(sql ut-reportd "SELECT id || ' ' || version FROM rp_cadre ORDER BY id")"
rj() { utctl report "$@" --year "$YEAR" --format json; }
check "coverage: registered = SQL" "$(sql ut-enrold "SELECT count(*) FROM cadres WHERE state != 'left'")" \
	"$(rj coverage | /usr/bin/python3 -c 'import json,sys; t=json.load(sys.stdin)["total"]; print(t["registered_ft"] + t["registered_pt"])')"
check "fulfilment: classes and participations planned = SQL" \
	"$(sql ut-schedd "SELECT sum(planned_classes) || ' ' || sum(planned_participations) FROM plans WHERE year = $YEAR")" \
	"$(rj fulfilment | /usr/bin/python3 -c 'import json,sys; t=json.load(sys.stdin)["total"]; print(t["classes_planned"], t["participations_planned"])')"

# notices: what the backup had not sent goes out once (its jobs published again from the database
# to the new Redis); what it had sent, never again
wait_for "every notice due is sent by the restored node" 0 unsent
sql ut-notifyd "SELECT key FROM messages WHERE status = 'sent'" | tr -c 'A-Za-z0-9.#\n-' '_' | sed 's/$/.eml/' | sort >"$T/keys.sent"
bdb ut-notifyd "SELECT key FROM messages WHERE status = 'sent'" | tr -c 'A-Za-z0-9.#\n-' '_' | sed 's/$/.eml/' | sort >"$T/keys.before"
(cd "$T/spool" && ls -1) | grep -v '^\.' | sort >"$T/keys.spool"
check "the restored node sent only what the backup had not sent" "$(comm -23 "$T/keys.sent" "$T/keys.before")" "$(cat "$T/keys.spool")"
check "no notice the backup had sent was sent again" 0 "$(comm -12 "$T/keys.before" "$T/keys.spool" | grep -c .)"
sink_keys() { grep -v READY "$T/sink.log" | sort -u; }
wait_for "the sink saw every spool file arrive" "$(cat "$T/keys.spool")" sink_keys
check "no notice written twice (spool files $(grep -c . "$T/keys.spool") = distinct keys)" \
	"$(grep -v READY "$T/sink.log" | grep -c .)" "$(sink_keys | grep -c .)"
check "no dead letters" 0 "$(sql ut-notifyd "SELECT count(*) FROM messages WHERE status = 'dead'")"
check_run "node status after the restore" 0 'ut-reportd +up' utctl node status

# ---- a database newer than the binary is refused at start, naming both versions
have=$(sql ut-schedd 'PRAGMA user_version')
stop_daemon ut-schedd
sql ut-schedd 'PRAGMA user_version = 999'
"$UT_BIN/ut-schedd" --config "$T/node.ini" 2>"$T/newer.log"
check "ut-schedd refuses a newer database" 1 "$?"
check_run "its message names both versions" 0 "schema version 999 is newer than this program's, $have" cat "$T/newer.log"
check "and is the only error it logs" 1 "$(grep -c ' error: ' "$T/newer.log")"

# ---- restore over the old node's own run directory: its Redis and databases are set aside
for d in w1 ut-enrold ut-notifyd ut-reportd ut-webd sink; do stop_daemon "$d"; done
stop_redis
T=$OLD
start_redis
check_run "restore refused while the node's Redis runs" 1 'Redis is running at' utctl node restore "$OLD/bk"
stop_redis
check_run "restore over the stopped node" 0 'appendonlydir set aside as appendonlydir.pre-restore-' utctl node restore "$OLD/bk"
check "the old database is kept with its WAL beside the restored one" 1 "$(ls "$T"/ut-enrold.db.pre-restore-*[0-9] | grep -c .)"
check "the restored database is the backup's" "" "$(cmp "$T/bk/ut-enrold.db" "$T/ut-enrold.db")"
start_node
check_run "an enrolment on the node restored in place" 0 '' utctl enrol add B0238 2
wait_for "ut-reportd has it, on the emptied Redis" \
	"$(sql ut-enrold "SELECT id || ' ' || class_id || ' ' || (state = 'confirmed') FROM enrolments ORDER BY id")" \
	sql ut-reportd "SELECT id || ' ' || class_id || ' ' || confirmed FROM rp_enrol ORDER BY id"

check "no sanitizer report in any log" "" "$(grep -l 'AddressSanitizer\|LeakSanitizer\|runtime error:' "$OLD"/*.log "$OLD"/n2/*.log)"
echo "# done in $(elapsed)"
finish
