# ut-reportd killed (SIGKILL) twice while it applies 20,000 events, with corrections among them:
# after restarts every figure equals the final facts. Nothing lost, nothing counted twice, because
# the counters, the facts and the inbox commit in one transaction.
source "$(dirname "$0")/../integration/lib.sh"
rmdir "$T" && T=$(mktemp -d /tmp/rp-test.XXXXXX)

write_config '[bus]' 'read_count = 200'
start_redis
python3 - "$T" <<'PY'
import random, sys
T = sys.argv[1]; rnd = random.Random(7); ev = []
add = lambda d, t, **kw: ev.append("\t".join([d, t] + ["%s=%s" % kv for kv in kw.items()]))
add("ut-schedd", "EV_PLAN_SET", year=2016, category="safety", planned_classes=20, planned_participations=15000)
for c in range(1, 21):
    add("ut-schedd", "EV_CLASS_CREATED", id=c, category="safety", format="in_person", state="closed", version=1,
        start=1452000000 + c * 86400 * 15, end=1452000000 + c * 86400 * 15 + 7200)
final = {}
for i in range(18000):
    c = 1 + i % 20; cid = "K%05d" % rnd.randrange(4000)
    att = int(rnd.random() < 0.9)
    add("ut-enrold", "EV_CLASS_COMPLETED", cadre_id=cid, class_id=c, completed=att, sessions_total=1,
        sessions_attended=att, category="safety", full_time=0, unit_id=1)
    final[(c, cid)] = att
parts = sum(final.values())
open(T + "/events.tsv", "w").write("\n".join(ev) + "\n")
open(T + "/expected", "w").write("%d %d %d\n" % (len(final), parts, len({cid for (c, cid), a in final.items() if a})))
PY
start_daemon ut-reportd
"$UT_TOOLS/ut-report-inject" "$T/redis.sock" "ut:" test-node <"$T/events.tsv" >/dev/null
n=$(grep -c . "$T/events.tsv")
applied() { (($(sql ut-reportd 'SELECT count(*) FROM ut_inbox' 2>/dev/null || echo 0) >= $1)); }
for round in 1 2; do
	# killed while it applies: once it has a third, then two thirds of the events
	wait_until 60 applied $((round * n / 3)) || fail "round $round: ut-reportd applies the events"
	stop_daemon ut-reportd KILL
	check "killed in round $round" 137 "$STOPPED_STATUS"
	start_daemon ut-reportd
done
figures() {
	"$UT_BIN/utctl" --node-config "$T/node.ini" report attendance --year 2016 --format json 2>/dev/null |
		python3 -c 'import json,sys; t=json.load(sys.stdin)["total"]; print(t["enrolled_at_close"], t["participations"])' 2>/dev/null
}
read -r facts parts distinct <"$T/expected"
wait_for "every fact counted once after two kills" "$facts $parts" figures
check "distinct cadres trained equal the facts" "$distinct" "$("$UT_BIN/utctl" --node-config "$T/node.ini" report coverage --year 2016 --format json | python3 -c 'import json,sys; t=json.load(sys.stdin)["total"]; print(t["trained_ft"] + t["trained_pt"])')"
check "counters equal a direct SQL count of the facts" "$(sql ut-reportd 'SELECT count(*), sum(attended) FROM rp_completion')" \
	"$(sql ut-reportd "SELECT sum(CASE metric WHEN 'enrolled_at_close' THEN value END), sum(CASE metric WHEN 'participations' THEN value END) FROM rp_count")"
check "every event in the inbox once" 18021 "$(sql ut-reportd 'SELECT count(*) FROM ut_inbox')"
finish
