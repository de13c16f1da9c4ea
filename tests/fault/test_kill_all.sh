# Every daemon of a node, and a delivery worker, killed with SIGKILL at random moments (at least five
# times each) while a mixed load runs: registrations, enrolments, roll-calls, schedule changes
# (capacity raises, sessions moved, a cancellation) and class closes; each restarted at once. Then:
# every request answered `ok` is in its daemon's database, every event is in each consumer's inbox
# exactly once and the consumers' projections equal the producers' state, every message due was
# delivered exactly once at the spool sink, and the report figures equal a direct SQL count.
#   bash test_kill_all.sh [--rounds N] [--seed S]     (or ROUNDS=N SEED=S; the seed replays the kill moments)
source "$(dirname "$0")/../integration/lib.sh"

ROUNDS=${ROUNDS:-5}
SEED=${SEED:-$(($(date +%s%N) / 1000 % 32768))}
while (($#)); do
	case $1 in
	--rounds) ROUNDS=$2; shift 2 ;;
	--seed) SEED=$2; shift 2 ;;
	*) echo "usage: $0 [--rounds N] [--seed S]"; exit 2 ;;
	esac
done
[[ $ROUNDS =~ ^[1-9][0-9]*$ && $SEED =~ ^[0-9]+$ ]] || { echo "--rounds and --seed take whole numbers"; exit 2; }
RANDOM=$SEED
echo "# seed $SEED, $ROUNDS rounds (replay the kill moments: SEED=$SEED ROUNDS=$ROUNDS)"
T0=$(date +%s%N)
elapsed() { echo "$((($(date +%s%N) - T0) / 1000000)) ms"; }

CLASSES=12      # class 12 is cancelled, classes 1-3 are closed, all during the load
CAPACITY=20
LETTERS=(A B C D E F G H I J L M N O P Q S T U V W X Y Z)
PREFIXES=("${LETTERS[@]:0:$((ROUNDS < 23 ? ROUNDS + 1 : 24))}") # one ut-enrol-load run each, in turn
PER_PREFIX=400
MAX_REG=600
YEAR=2026

CLOCK=$T/clock
export UT_CLOCK_FILE=$CLOCK
set_clock() { date -d "TZ=\"Asia/Shanghai\" $1" +%s%3N >"$CLOCK.tmp" && mv "$CLOCK.tmp" "$CLOCK"; }
set_clock "2026-03-01 08:00"

write_config '[rpc]' 'timeout_ms = 2000' '[notify]' 'reminder_offsets = 3d,1d' 'quiet_hours =' 'tick_ms = 50' \
	"templates_dir = $UT_SRC/deploy/templates" 'spool_dir = spool' 'channels = spool' 'retry_base_ms = 200' \
	'claim_idle_ms = 2000'
mkdir -m 700 "$T/spool"

# The sink's own count of spool files (tests/tools/spool_sink.py).
start_spool_sink "$T/spool" "$T/sink.log"

declare -A KILLS=([ut-schedd]=0 [ut-enrold]=0 [ut-notifyd]=0 [ut-reportd]=0 [worker]=0) AT=()
start_worker() { "$UT_BIN/ut-notifyd" --worker --config "$T/node.ini" --name "$1" 2>>"$T/$1.log" & PIDS[$1]=$!; }
start_node
start_worker w1
start_worker w2

# ---- the node before the load: a unit, a course, a plan, 12 classes, cadres, 4 core cadres per class
check_run "unit" 0 '' utctl unit add --code U1 --name 'Công đoàn Khu công nghiệp' --kind union
check_run "course" 0 '' utctl course add --code KA --title 'Kill-all drill' --category safety
check_run "plan" 0 '' utctl plan set --year $YEAR --category safety --classes 10 --participations 300
for c in $(seq $CLASSES); do
	d=$(printf '2026-03-%02d' $((9 + c)))
	utctl class add --course KA --capacity $CAPACITY --session "$d 09:00-12:00" --session "$d 14:00-17:00" >/dev/null ||
		fail "class $c not created"
done
{
	echo 'id,name,unit,position,full_time,elected_on,email'
	for k in $(seq $((4 * CLASSES))); do printf 'K%04d,Core %d,U1,chair,%d,2025-06-01,k%d@example.org\n' "$k" "$k" $((k % 2)) "$k"; done
	for p in "${PREFIXES[@]}"; do
		for i in $(seq $PER_PREFIX); do printf '%s%05d,Load %s %d,U1,other,%d,,\n' "$p" "$i" "$p" "$i" $((i % 3 == 0)); done
	done
} >"$T/cadres.csv"
ncsv=$(($(grep -c . "$T/cadres.csv") - 1))
check_run "import $ncsv cadres" 0 "imported: $ncsv added" utctl cadre import "$T/cadres.csv"
for d in ut-enrold ut-notifyd ut-reportd; do
	wait_for "$d knows the $CLASSES classes" $CLASSES sql $d "SELECT count(*) FROM sched_classes"
done
for c in $(seq $CLASSES); do
	printf 'K%04d\n' $((4 * c - 3)) $((4 * c - 2)) $((4 * c - 1)) $((4 * c)) >"$T/core.$c"
	utctl enrol bulk "$c" --file "$T/core.$c" >/dev/null || fail "core cadres of class $c not enrolled"
done
echo "# setup: $CLASSES classes of $CAPACITY seats, $ncsv cadres imported, 4 core cadres confirmed per class ($(elapsed))"

# ---- the load: four clients, each writing the answers it got
# 1. registrations, one utctl call each
reg_client() {
	local i=0 st
	while ((i < MAX_REG)) && [[ ! -e $T/stop ]]; do
		i=$((i + 1))
		utctl cadre add --id "$(printf 'R%04d' $i)" --name "Registered $i" --unit U1 --position vice_chair \
			--email "r$i@example.org" >/dev/null 2>&1
		st=$?
		echo "$(printf 'R%04d' $i) $st"
	done >"$T/answers.reg"
}
# 2. enrolments: ut-enrol-load, 4 clients with one request in flight each, per prefix
enrol_client() {
	local p
	for p in "${PREFIXES[@]}"; do
		# late: the clock jumps past some classes' start, and sessions move into February
		"$UT_TOOLS/ut-enrol-load" "ipc://$T/ut-enrold.sock" $PER_PREFIX "$p" 1 $CLASSES 4 1 2000 late \
			>>"$T/answers.enrol" 2>>"$T/enrol-load.txt"
		[[ -e $T/stop ]] || sleep 0.5
	done
}
# 3. roll-calls of the core cadres, marks rotating so each call changes every mark it names
rollcall_client() {
	local r=0 c s k marks=(present late absent excused) args out st
	while ((r < 40)) && [[ ! -e $T/stop ]]; do
		r=$((r + 1))
		for c in $(seq 11); do
			for s in 1 2; do # the class's first and second session
				args=()
				for k in 0 1 2 3; do args+=("--${marks[(r + k) % 4]}" "$(printf 'K%04d' $((4 * c - 3 + k)))"); done
				out=$(utctl --json rollcall mark "$c" "$s" "${args[@]}" --force 2>&1)
				st=$?
				echo "$c $s $st ${args[*]}" >>"$T/answers.rollcall"
				((st == 0)) && echo "$out" >>"$T/rollcall.json"
			done
		done
	done
}
# 4. schedule changes: capacity raises (promotions), sessions moved, enrolments cancelled, class 12
#    cancelled, classes 1-3 closed half way, each after an all-present roll-call of its first session
sched_client() {
	local j=0 c out st op hour month closed=0 cap=()
	for c in $(seq $CLASSES); do cap[c]=$CAPACITY; done
	while ((j < 200)) && [[ ! -e $T/stop ]]; do
		j=$((j + 1))
		c=$((j % 11 + 1))
		if ((j == 12)); then
			op=cancel c=12
			out=$(utctl --json class cancel 12 --reason 'kill drill' 2>&1)
		elif [[ -e $T/close ]] && ((closed < 3)); then
			closed=$((closed + 1)) c=$closed
			op=allpresent
			out=$(utctl --json rollcall mark "$c" 1 --all-present --force 2>&1)
			st=$?
			echo "$op $c $st" >>"$T/answers.sched"
			((st == 0)) && echo "$out" >>"$T/rollcall.json"
			op=close
			out=$(utctl --json class close "$c" --force --reason 'kill drill' 2>&1)
		elif ((j % 4 == 0)); then
			# an enrolment of the first ut-enrol-load run cancelled: its seat goes to the first waiting
			op=unenrol c=$(((j - 1) % CLASSES + 1))
			out=$(utctl --json enrol cancel "$(printf 'A%05d' $j)" "$c" --reason 'kill drill' 2>&1)
		elif ((j % 2)); then
			op=capacity
			cap[c]=$((cap[c] + 2))
			out=$(utctl --json class change "$c" --capacity "${cap[c]}" 2>&1)
		else
			# the second session goes back and forth between February (then the class counts in
			# February) and an afternoon of its March day
			op=move
			hour=$(((j / 2) % 3 + 13))
			month=$(((j / 4) % 2 + 2))
			out=$(utctl --json class change "$c" --session 2 \
				--at "$(printf '2026-%02d-%02d %02d:00-%02d:00' $month $((9 + c)) $hour $((hour + 3)))" 2>&1)
		fi
		st=$?
		[[ $op == unenrol ]] && echo "$op $c $st $(printf 'A%05d' $j)" >>"$T/answers.unenrol"
		echo "$op $c $st $(grep -o '"version": *[0-9]*' <<<"$out" | head -1 | grep -o '[0-9]*$') ${cap[c]}" \
			>>"$T/answers.sched"
		sleep 0.1
	done
}

echo "# load starts ($(elapsed))"
# in PIDS while they run, so an early exit stops them too
reg_client & PIDS[load1]=$!
enrol_client & PIDS[load2]=$!
rollcall_client & PIDS[load3]=$!
sched_client & PIDS[load4]=$!

# ---- the kills: every round kills each daemon and a worker once, in random order at random moments
kill_one() {
	local name=$1 pid
	if [[ $name == worker ]]; then
		name=w$((RANDOM % 2 + 1))
	fi
	pid=${PIDS[$name]}
	kill -9 "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	[[ $? == 137 ]] || fail "$name (pid $pid) was not running when killed"
	unset "PIDS[$name]"
	KILLS[$1]=$((KILLS[$1] + 1))
	AT[$1]+=" $name@$(elapsed | tr -d ' ')"
	sleep "0.0$((RANDOM % 10))"
	case $name in
	w?) start_worker "$name" ;;
	*) start_daemon "$name" ;;
	esac
}
targets=(ut-schedd ut-enrold ut-notifyd ut-reportd worker)
for round in $(seq "$ROUNDS"); do
	order=("${targets[@]}")
	for i in 4 3 2 1; do
		j=$((RANDOM % (i + 1)))
		t=${order[i]} order[i]=${order[j]} order[j]=$t
	done
	# half way: classes 1-3 are closed
	((round == (ROUNDS + 1) / 2)) && touch "$T/close"
	for t in "${order[@]}"; do
		sleep "0.$((RANDOM % 5 + 1))"
		kill_one "$t"
	done
	# half way: the clock jumps so that reminders come due under the kills
	((round == (ROUNDS + 1) / 2)) && set_clock "2026-03-12 20:00"
done
touch "$T/stop"
echo "# kills done ($(elapsed)): $(for t in "${targets[@]}"; do printf '%s %d, ' "$t" "${KILLS[$t]}"; done)"
for l in load1 load2 load3 load4; do wait "${PIDS[$l]}"; unset "PIDS[$l]"; done
echo "# load done ($(elapsed))"
for t in "${targets[@]}"; do echo "# killed:${AT[$t]}"; done
for t in "${targets[@]}"; do
	((KILLS[$t] >= ROUNDS)) && ok "$t killed ${KILLS[$t]} times" || fail "$t killed only ${KILLS[$t]} times"
done
wait_ready

# ---- the load's answers
nreg_ok=$(awk '$2 == 0' "$T/answers.reg" | grep -c .)
nenrol_ok=$(awk '$3 == "ok"' "$T/answers.enrol" | grep -c .)
nroll_ok=$(awk '$3 == 0' "$T/answers.rollcall" | grep -c .)
nsched_ok=$(awk '$3 == 0' "$T/answers.sched" | grep -c .)
total=$(($(grep -c . "$T/answers.reg") + $(grep -c . "$T/answers.enrol") + $(grep -c . "$T/answers.rollcall") + \
	$(grep -c . "$T/answers.sched")))
echo "# registrations: $(grep -c . "$T/answers.reg") sent, $nreg_ok ok"
echo "# enrolments: $(grep -c . "$T/answers.enrol") answers, $nenrol_ok ok; $(awk '{print $3}' "$T/answers.enrol" | sort | uniq -c | tr '\n' ' ')"
echo "# roll-calls: $(grep -c . "$T/answers.rollcall") sent, $nroll_ok ok"
echo "# schedule: $(grep -c . "$T/answers.sched") sent, $nsched_ok ok; $(awk '$3 == 0 {print $1}' "$T/answers.sched" | sort | uniq -c | tr '\n' ' ')"
echo "# $total operations in all"
sed 's/^/# /' "$T/enrol-load.txt"
((nreg_ok > 0 && nenrol_ok > 0 && nroll_ok > 0 && nsched_ok > 0)) && ok "every kind of request was answered ok" ||
	fail "some kind of request was never answered ok"

# ---- settle (bounded): outboxes published, consumers caught up, due messages delivered
outbox_top() { sql "$1" "SELECT coalesce(max(seq), 0) FROM ut_outbox"; }
# the event ids a consumer must have applied: the streams it reads, the types it handles
expected_ids() {
	local s
	case $1 in
	ut-enrold) events ut-schedd | awk '$3 != "EV_COVERAGE_SET"' ;;
	ut-notifyd) for s in ut-schedd ut-enrold ut-notifyd-results; do events $s; done | awk '$3 != "EV_COVERAGE_SET"' ;;
	ut-reportd) for s in ut-schedd ut-enrold ut-notifyd; do events $s; done | awk '$3 != "EV_COVERAGE_SET"' ;;
	esac | awk '{print $2}' | sort -u
}
inbox_ids() { sql "$1" "SELECT event_id FROM ut_inbox" | sort; }
settled() {
	local d
	[[ $(sql ut-notifyd "SELECT count(*) FROM messages WHERE status IN ('scheduled', 'retrying', 'queued')
		AND due_ms <= $(cat "$CLOCK")") == 0 ]] || return 1
	for d in "${DAEMONS[@]}"; do [[ $(outbox_top "$d") == $(redis-cli -s "$T/redis.sock" XLEN "ut:ev:$d") ]] || return 1; done
	for d in ut-enrold ut-notifyd ut-reportd; do cmp -s <(expected_ids $d) <(inbox_ids $d) || return 1; done
}
wait_until 60 settled && ok "the node settled ($(elapsed))" || fail "the node did not settle in 60 s"
for d in "${DAEMONS[@]}"; do
	check "$d published every event it committed" "$(outbox_top "$d")" "$(redis-cli -s "$T/redis.sock" XLEN "ut:ev:$d")"
done

# ---- 1. every request answered ok is in its daemon's database
sql ut-enrold "SELECT id FROM cadres" | sort >"$T/cadres.stored"
check "every registration answered ok is stored" 0 \
	"$(awk '$2 == 0 {print $1}' "$T/answers.reg" | sort | comm -23 - "$T/cadres.stored" | grep -c .)"
check "every registration refused or unanswered was refused as down or a repeat" 0 \
	"$(awk '$2 != 0 && $2 != 3' "$T/answers.reg" | grep -c .)"
# an answer stands unless the class was cancelled (all cancelled) or seats were added (waitlisted -> confirmed)
sql ut-enrold "SELECT e.cadre_id || ' ' || e.class_id || ' ' || e.state FROM enrolments e" | sort >"$T/enrol.stored"
awk '$3 == "ok" {print $1, $2, $4}' "$T/answers.enrol" | sort >"$T/enrol.acked"
check "every enrolment answered ok is stored, in the state answered or a later one" 0 "$(join -j1 \
	<(awk '{print $1 "/" $2, $3}' "$T/enrol.acked" | sort) <(awk '{print $1 "/" $2, $3}' "$T/enrol.stored" | sort) -a1 |
	awk 'NR == FNR {asked[$4 "/" $2] = 1; next}
		{split($1, k, "/"); ok = NF == 3 && ($2 == $3 || ($2 == "waitlisted" && $3 == "confirmed") ||
		($3 == "cancelled" && (k[2] == 12 || asked[$1])))} !ok' "$T/answers.unenrol" - | tee "$T/enrol.bad" | grep -c .)"
head -3 "$T/enrol.bad" | sed 's/^/# bad: /'
check "no enrolment refused but in a class cancelled or closed" 0 \
	"$(awk '$3 != "ok" && $3 != "timeout" && $3 != "late" && !($3 == "conflict" && ($2 == 12 || $2 <= 3))' "$T/answers.enrol" | grep -c .)"
check "no class holds more confirmed than its seats" 0 "$(sql ut-enrold "SELECT count(*) FROM sched_classes c
	WHERE (SELECT count(*) FROM enrolments e WHERE e.class_id = c.id AND e.state = 'confirmed') > c.capacity")"
check "no waitlisted cadre while a class has a free seat" 0 "$(sql ut-enrold "SELECT count(*) FROM sched_classes c
	WHERE c.state NOT IN ('cancelled', 'closed') AND EXISTS (SELECT 1 FROM enrolments e WHERE e.class_id = c.id AND e.state = 'waitlisted')
	AND (SELECT count(*) FROM enrolments e WHERE e.class_id = c.id AND e.state = 'confirmed') < c.capacity")"
python3 - "$T/rollcall.json" >"$T/marks.acked" <<'PY'
import json, sys
dec = json.JSONDecoder(); text = open(sys.argv[1]).read() if __import__("os").path.exists(sys.argv[1]) else ""
i = 0
while True:
    while i < len(text) and text[i].isspace(): i += 1
    if i >= len(text): break
    o, i = dec.raw_decode(text, i)
    for m in o.get("marked", []):
        print(m["session_id"], m["cadre_id"], m["mark"], m["revision"])
PY
sql ut-enrold "SELECT session_id, cadre_id, mark, revision FROM attendance_log" | tr '|' ' ' | sort >"$T/marks.stored"
check "every mark answered ok is in the attendance log" 0 "$(sort "$T/marks.acked" | comm -23 - "$T/marks.stored" | grep -c .)"
echo "# $(grep -c . "$T/marks.acked") marks answered ok, $(grep -c . "$T/marks.stored") in the log"
check "roll-calls refused only for a closed class" 0 "$(awk '$3 != 0 && $3 != 3 && !($3 == 1 && $1 <= 3)' "$T/answers.rollcall" | grep -c .)"
check "no mark logged twice" 0 "$(uniq -d "$T/marks.stored" | grep -c .)"
sql ut-schedd "SELECT id, version, capacity, state FROM classes" | tr '|' ' ' >"$T/classes.stored"
check "every schedule change answered ok is stored (version and seats at least as answered)" 0 "$(awk '
	NR == FNR {ver[$1] = $2; cap[$1] = $3; state[$1] = $4; next}
	$3 != 0 || $1 == "allpresent" || $1 == "unenrol" {next}
	$4 == "" || ver[$2] < $4 {print; next}
	$1 == "capacity" && cap[$2] < $5 {print; next}
	$1 == "cancel" && state[$2] != "cancelled" {print; next}
	$1 == "close" && state[$2] != "closed" {print}' "$T/classes.stored" "$T/answers.sched" | tee "$T/sched.bad" | grep -c .)"
head -3 "$T/sched.bad" | sed 's/^/# bad: /'
check "every enrolment cancel answered ok is stored" 0 "$(awk '$3 == 0 {print $4, $2, "cancelled"}' "$T/answers.unenrol" |
	sort | comm -23 - "$T/enrol.stored" | grep -c .)"
check "schedule refusals only for a class already cancelled or closed (or a cancel before its enrolment)" 0 \
	"$(awk '$3 != 0 && $3 != 3 && !($3 == 1 && ($2 == 12 || $2 <= 3 || $1 == "unenrol"))' "$T/answers.sched" | grep -c .)"

# ---- 2. every event in each consumer's tables exactly once; projections equal the producers' state
for s in ut-schedd ut-enrold ut-notifyd ut-notifyd-results; do
	events $s >"$T/ev.$s"
	check "$s: each event id once in the stream" 0 "$(awk '{print $2}' "$T/ev.$s" | sort | uniq -d | grep -c .)"
done
echo "# events: $(for s in ut-schedd ut-enrold ut-notifyd ut-notifyd-results; do printf '%s %d, ' $s "$(grep -c . "$T/ev.$s")"; done)"
for d in ut-enrold ut-notifyd ut-reportd; do
	expected_ids $d >"$T/want.$d"
	inbox_ids $d >"$T/inbox.$d"
	check "$d: inbox = the events of the streams it reads ($(grep -c . "$T/want.$d"))" \
		"0 0" "$(comm -23 "$T/want.$d" "$T/inbox.$d" | grep -c .) $(comm -13 "$T/want.$d" "$T/inbox.$d" | grep -c .)"
done
cls_sql="SELECT id || ':' || version || ':' || state || ':' || capacity FROM"
sql ut-schedd "$cls_sql classes ORDER BY id" >"$T/cls.schedd"
ses_sql="SELECT id || ':' || class_id || ':' || starts_at || ':' || ends_at FROM"
sql ut-schedd "$ses_sql sessions ORDER BY id" >"$T/ses.schedd"
for d in ut-enrold ut-notifyd ut-reportd; do
	check "$d: sched_classes id:version:state:capacity = ut-schedd's classes" "$(cat "$T/cls.schedd")" \
		"$(sql $d "$cls_sql sched_classes ORDER BY id")"
	check "$d: sched_sessions = ut-schedd's sessions" "$(cat "$T/ses.schedd")" "$(sql $d "$ses_sql sched_sessions ORDER BY id")"
done
# the latest enrolment of each cadre and class, as ut-enrold has it
sql ut-enrold "SELECT cadre_id || ' ' || class_id || ' ' || state FROM enrolments e
	WHERE id = (SELECT max(id) FROM enrolments WHERE cadre_id = e.cadre_id AND class_id = e.class_id)
	ORDER BY 1" >"$T/enrol.latest"
check "ut-notifyd: enrolment states = ut-enrold's" "$(cat "$T/enrol.latest")" \
	"$(sql ut-notifyd "SELECT cadre_id || ' ' || class_id || ' ' || state FROM notify_enrolments ORDER BY 1")"
check "ut-reportd: confirmed enrolments = ut-enrold's" \
	"$(sql ut-enrold "SELECT id || ' ' || class_id || ' ' || (state = 'confirmed') FROM enrolments ORDER BY id")" \
	"$(sql ut-reportd "SELECT id || ' ' || class_id || ' ' || confirmed FROM rp_enrol ORDER BY id")"
check "ut-notifyd and ut-reportd: cadres and versions = ut-enrold's" \
	"$(sql ut-enrold "SELECT id || ' ' || version FROM cadres ORDER BY id" | tee "$T/cv")$(cat "$T/cv")" \
	"$(sql ut-notifyd "SELECT id || ' ' || version FROM notify_cadres ORDER BY id")$(sql ut-reportd "SELECT id || ' ' || version FROM rp_cadre ORDER BY id")"
check "ut-reportd: marks = ut-enrold's attendance" \
	"$(sql ut-enrold "SELECT class_id, session_id, cadre_id, mark, revision FROM attendance ORDER BY 1, 2, 3")" \
	"$(sql ut-reportd "SELECT class_id, session_id, cadre_id, mark, revision FROM rp_mark ORDER BY 1, 2, 3")"
check "ut-reportd: completions = ut-enrold's" \
	"$(sql ut-enrold "SELECT class_id, cadre_id, sessions_attended, sessions_total, completed FROM completions ORDER BY 1, 2")" \
	"$(sql ut-reportd "SELECT class_id, cadre_id, attended, total, completed FROM rp_completion ORDER BY 1, 2")"
check "completions computed for the closed classes (as many as their confirmed cadres)" \
	"$(sql ut-enrold "SELECT count(*) FROM enrolments e JOIN sched_classes c ON c.id = e.class_id WHERE c.state = 'closed' AND e.state = 'confirmed'")" \
	"$(sql ut-enrold "SELECT count(*) FROM completions")"

# ---- 3. every message due delivered exactly once at the sink
now=$(cat "$CLOCK")
sent=$(sql ut-notifyd "SELECT count(*) FROM messages WHERE status = 'sent'")
sent_reminders=$(sql ut-notifyd "SELECT count(*) FROM messages WHERE status = 'sent' AND kind = 'reminder'")
echo "# messages: $(sql ut-notifyd "SELECT group_concat(kind || ' ' || status || ' ' || n, ', ') FROM (SELECT kind, status, count(*) n FROM messages GROUP BY 1, 2)")"
check "nothing due is left unsent" 0 "$(sql ut-notifyd "SELECT count(*) FROM messages WHERE status NOT IN ('sent', 'withdrawn', 'skipped')
	AND due_ms <= $now")"
check "no dead letters" 0 "$(sql ut-notifyd "SELECT count(*) FROM messages WHERE status = 'dead'")"
sql ut-notifyd "SELECT key FROM messages WHERE status = 'sent'" | tr -c 'A-Za-z0-9.#\n-' '_' | sed 's/$/.eml/' | sort >"$T/keys.sent"
(cd "$T/spool" && ls -1) | grep -v '^\.' | sort >"$T/keys.spool"
check "one spool file per message sent, and no other ($sent)" "0 0" \
	"$(comm -23 "$T/keys.sent" "$T/keys.spool" | grep -c .) $(comm -13 "$T/keys.sent" "$T/keys.spool" | grep -c .)"
tmps=$(find "$T/spool" -name '.*.tmp' | grep -c .)
((tmps <= KILLS[worker])) && ok "temporary spool files left only by killed workers ($tmps <= ${KILLS[worker]})" ||
	fail "$tmps temporary files in the spool, more than the ${KILLS[worker]} worker kills"
sink_keys() { grep -v READY "$T/sink.log" | sort -u; }
wait_for "the sink saw every file arrive" "$(cat "$T/keys.spool")" sink_keys
check "the sink never overflowed" 0 "$(grep -c OVERFLOW "$T/sink.log")"
rewrites=$(($(grep -v READY "$T/sink.log" | grep -c .) - $(grep -c . "$T/keys.spool")))
echo "# sink: $(grep -c . "$T/keys.spool") files, $rewrites written twice (a worker killed between the write and marking it sent)"
((rewrites <= KILLS[worker])) && ok "a message written twice only for a worker killed mid-send ($rewrites <= ${KILLS[worker]})" ||
	fail "$rewrites messages written twice, more than the ${KILLS[worker]} worker kills"
check "one delivered event per message sent" "$sent" "$(awk '$3 == "EV_NOTIFY_DELIVERED"' "$T/ev.ut-notifyd" | grep -c .)"
check "ut-reportd counted each sent key once, reminders apart" "$sent_reminders $((sent - sent_reminders))" \
	"$(sql ut-reportd "SELECT sum(metric = 'reminders_sent'), sum(metric = 'notices_sent') FROM rp_delivery" | tr '|' ' ')"
check "each job answered once: one outcome per message sent" "$sent" "$(grep -c . "$T/ev.ut-notifyd-results")"
evcount() { awk -v t="$1" '$3 == t' "$T/ev.ut-enrold" | grep -c .; }
check "notices confirmed (not late), waitlisted, promoted, cancelled = ut-enrold's events" \
	"$(awk '$3 == "EV_ENROL_CONFIRMED" && $5 != "late"' "$T/ev.ut-enrold" | grep -c .) $(evcount EV_ENROL_WAITLISTED) $(evcount EV_ENROL_PROMOTED) $(sql ut-enrold "SELECT count(*) FROM enrolments WHERE state = 'cancelled' AND class_id != 12")" \
	"$(sql ut-notifyd "SELECT sum(kind = 'confirmed'), sum(kind = 'waitlisted'), sum(kind = 'promoted'), sum(kind = 'cancelled') FROM messages" | tr '|' ' ')"
check "the job stream is drained" 0 "$(redis-cli -s "$T/redis.sock" xlen ut:ev:ut-notifyd-jobs)"

# ---- 4. statistics equal a direct count
rj() { utctl report "$@" --year $YEAR --format json; }
pyget() { python3 -c 'import json,sys; t=json.load(sys.stdin)["total"]; print(" ".join(str(t[k]) for k in sys.argv[1:]))' "$@"; }
pct() { python3 -c 'import sys; n, d = int(sys.argv[1] or 0), int(sys.argv[2] or 0); print((n * 200 + d) // (2 * d) if d else None)' "$@"; }
read -r held cancelled <<<"$(sql ut-schedd "SELECT sum(state = 'closed'), sum(state = 'cancelled') FROM classes" | tr '|' ' ')"
read -r enrolled completed parts att tot <<<"$(sql ut-enrold "SELECT count(*), coalesce(sum(completed), 0),
	coalesce(sum(sessions_attended >= 1), 0), coalesce(sum(sessions_attended), 0), coalesce(sum(sessions_total), 0)
	FROM completions" | tr '|' ' ')"
read -r present marks <<<"$(sql ut-enrold "SELECT sum(mark IN ('present', 'late')), count(*) FROM attendance" | tr '|' ' ')"
check "fulfilment: classes planned, held, cancelled, participations (planned too) = SQL" \
	"$(sql ut-schedd "SELECT sum(planned_classes) FROM plans WHERE year = $YEAR") $held $cancelled $parts $(sql ut-schedd "SELECT sum(planned_participations) FROM plans WHERE year = $YEAR")" \
	"$(rj fulfilment | pyget classes_planned classes_held classes_cancelled participations participations_planned)"
bymonth=$(sqlite3 -batch -noheader "$T/ut-enrold.db" "ATTACH '$T/ut-schedd.db' AS s;
	WITH m AS (SELECT c.id, c.state, CAST(strftime('%m', min(x.starts_at), 'unixepoch', '+8 hours') AS INTEGER) month
		FROM s.classes c JOIN s.sessions x ON x.class_id = c.id GROUP BY c.id)
	SELECT month, sum(state = 'closed'), sum(state = 'cancelled'),
		(SELECT count(*) FROM completions p JOIN m m2 ON m2.id = p.class_id WHERE m2.month = m.month AND p.sessions_attended >= 1)
	FROM m GROUP BY month" | tr '|' ' ')
echo "# by month (month held cancelled participations): $(tr '\n' ';' <<<"$bymonth")"
check "fulfilment by month (classes moved between February and March) = SQL" "$(awk '$2 + $3 + $4 > 0' <<<"$bymonth" | sort -n)" \
	"$(rj fulfilment --by month | python3 -c 'import json,sys
for r in json.load(sys.stdin)["rows"]:
    if r["classes_held"] + r["classes_cancelled"] + r["participations"]:
        print(int(r["month"]), r["classes_held"], r["classes_cancelled"], r["participations"])' | sort -n)"
check "attendance: enrolled at close, participations, rates, reminders and other notices sent = SQL" \
	"$enrolled $parts $(pct "$att" "$tot") $(pct "$completed" "$enrolled") $(pct "$present" "$marks") $sent_reminders $((sent - sent_reminders))" \
	"$(rj attendance | pyget enrolled_at_close participations attendance_rate completion_rate rollcall_rate reminders_sent notices_sent)"
check "coverage: registered and trained = SQL" \
	"$(sql ut-enrold "SELECT count(*) FROM cadres WHERE state != 'left'") $(sql ut-enrold "SELECT count(DISTINCT cadre_id) FROM completions WHERE sessions_attended >= 1")" \
	"$(rj coverage | python3 -c 'import json,sys; t=json.load(sys.stdin)["total"]; print(t["registered_ft"] + t["registered_pt"], t["trained_ft"] + t["trained_pt"])')"
echo "# report: $(rj fulfilment | python3 -c 'import json,sys; t=json.load(sys.stdin)["total"]; print(", ".join("%s %s" % kv for kv in t.items() if kv[0] != "label"))')"
check "no sanitizer report in any log" "" "$(grep -l 'AddressSanitizer\|LeakSanitizer\|runtime error:' "$T"/*.log)"
echo "# done in $(elapsed)"
finish
