# ut-reportd against seed 002: a real ut-schedd holds the plan and 77 classes of 2016, cadres,
# enrolments, roll-calls, completions and deliveries are injected as ut-enrold / ut-notifyd would
# emit them (with corrections and repeats). The reports must show the seed's figures exactly (33/33 =
# 100%, 3831/3580 = 107%, 3060/3000 = 102%), equal what the generator computed from the final facts
# and a direct SQL count, and come out as aligned tables, CSV and JSON that parse back.
source "$(dirname "$0")/lib.sh"

write_config '[node]' 'timezone = Asia/Ho_Chi_Minh' 'locale = vi' '[report]' 'coverage_targets = 2015:5, 2016:40'
start_redis
start_daemon ut-schedd
start_daemon ut-enrold
start_daemon ut-reportd
inject() { "$UT_TOOLS/ut-report-inject" "$T/redis.sock" "ut:" test-node <"$1"; }
rjson() { utctl report "$@" --format json; }

report_up() { utctl report fulfilment --year 2016 >/dev/null 2>&1 && utctl plan show --year 2016 >/dev/null 2>&1; }
wait_until 30 report_up
check_run "ut-reportd answers before it has any data" 0 '' utctl report fulfilment --year 2016

# The units, through the real enrolment daemon (ids 1-5, as the injected events below repeat them).
utctl unit add --code HK --name 'LĐLĐ quận Hoàn Kiếm' --kind union >/dev/null
utctl unit add --code MAY10 --name 'Công ty May 10' --kind enterprise >/dev/null
utctl unit add --code SCH1 --name '第一中学' --kind school >/dev/null
utctl unit add --code AG --name '=SUM(A1:A9)' --kind agency >/dev/null
utctl unit add --code FIN --name 'Sở Tài chính' --kind public_body >/dev/null

# The plan and the classes, through the real scheduling daemon.
utctl course add --code LAW --title 'Pháp luật lao động' --category labour_law >/dev/null
utctl course add --code SAFE --title '安全生产培训' --category safety >/dev/null
utctl plan set --year 2016 --category labour_law --classes 33 --participations 3580 >/dev/null
utctl plan set --year 2016 --category safety --classes 42 --participations 3000 >/dev/null
made=0
for i in $(seq 77); do
	course=SAFE
	((i <= 35)) && course=LAW
	fmt=in_person
	((i % 2)) && fmt=online
	month=$(printf '%02d' $(((i - 1) % 12 + 1)))
	utctl class add --course $course --capacity 300 --format $fmt --session "2016-$month-10 09:00-11:00" \
		>/dev/null && made=$((made + 1))
done
check "77 classes scheduled" 77 "$made"
# Two classes of the year before, for the multi-year coverage.
utctl class add --course LAW --capacity 300 --session '2015-06-10 09:00-11:00' >/dev/null
utctl class add --course LAW --capacity 300 --session '2015-09-10 09:00-11:00' >/dev/null
utctl class cancel 34 --reason 'lecturer ill' >/dev/null
utctl class cancel 35 --reason 'merged' >/dev/null

# Everything ut-enrold and ut-notifyd would say about them, and what the reports must then show.
python3 - "$T" <<'EOF'
import json, random, sys
T = sys.argv[1]
rnd = random.Random(2016)
ev = []
def add(daemon, typ, **kw):
    ev.append("\t".join([daemon, typ] + ["%s=%s" % (k, v) for k, v in kw.items()]))
def month_of(c):
    return 11 if c == 5 else (c - 1) % 12 + 1   # class 5 is moved to November after its completions
cat = lambda c: "labour_law" if c <= 35 else "safety"
units = {1: ("LĐLĐ quận Hoàn Kiếm", "union"), 2: ("Công ty May 10", "enterprise"),
         3: ("第一中学", "school"), 4: ("=SUM(A1:A9)", "agency"), 5: ("Sở Tài chính", "public_body")}
for u, (name, kind) in units.items():
    add("ut-enrold", "EV_UNIT_ADDED", id=u, name=name, kind=kind, ownership="public", parent_id=0)
cadres = {}
for n in range(1, 2001):
    cid = "HN%05d" % n
    cadres[cid] = {"unit": 1 + n % 5, "ft": n % 7 == 0, "active": True}
    add("ut-enrold", "EV_CADRE_REGISTERED", id=cid, name="Nguyễn Văn %d" % n, unit_id=cadres[cid]["unit"],
        full_time=int(cadres[cid]["ft"]), state="active", version=1, email="cb%d@congdoan.vn" % n,
        phone="+8490%07d" % n, unit_kind=units[cadres[cid]["unit"]][1])
# corrections to the registry: 40 move unit (version 2), 25 leave, and a stale version-1 repeat
for n in range(1, 41):
    cid = "HN%05d" % (n * 11)
    cadres[cid]["unit"] = 1 + (cadres[cid]["unit"] % 5)
    add("ut-enrold", "EV_CADRE_CHANGED", id=cid, unit_id=cadres[cid]["unit"], full_time=int(cadres[cid]["ft"]),
        state="active", version=2)
    add("ut-enrold", "EV_CADRE_CHANGED", id=cid, unit_id=1, full_time=1, state="active", version=1)
for n in range(1, 26):
    cid = "HN%05d" % (n * 13)
    cadres[cid]["active"] = False
    add("ut-enrold", "EV_CADRE_LEFT", id=cid, unit_id=cadres[cid]["unit"], full_time=int(cadres[cid]["ft"]),
        state="left", version=3)

held = list(range(1, 34)) + list(range(36, 78))
target = {"labour_law": 3831, "safety": 3060}
per = {}
for cat_name, cl in (("labour_law", held[:33]), ("safety", held[33:])):
    q, r = divmod(target[cat_name], len(cl))
    for k, c in enumerate(cl):
        per[c] = q + (1 if k < r else 0)
ids = sorted(cadres)
facts = []   # final completions: (class, cadre, attended, completed)
enrol_id = 0
for c in held:
    people = rnd.sample(ids, per[c] + 4)     # 4 more enrolled who never came
    for k, cid in enumerate(people):
        att = 1 if k < per[c] else 0
        done = att == 1 and rnd.random() < 0.95
        facts.append((c, cid, att, done))
        enrol_id += 1
        add("ut-enrold", "EV_ENROL_CONFIRMED", id=enrol_id, cadre_id=cid, class_id=c, state="confirmed")
# enrolments cancelled and waitlisted: no completion
for k in range(30):
    enrol_id += 1
    add("ut-enrold", "EV_ENROL_WAITLISTED", id=enrol_id, cadre_id=ids[k], class_id=36, state="waitlisted")
    add("ut-enrold", "EV_ENROL_CANCELLED", id=enrol_id, cadre_id=ids[k], class_id=36, state="cancelled")
marks = {}
for i, (c, cid, att, done) in enumerate(facts):
    final = ("present" if i % 9 else "late") if att else ("absent" if i % 3 else "excused")
    if i % 17 == 0:   # a correction: first marked wrong, then corrected with a higher revision
        add("ut-enrold", "EV_ATTENDANCE_MARKED", class_id=c, session_id=c, cadre_id=cid,
            mark="absent" if att else "present", revision=1)
        add("ut-enrold", "EV_ATTENDANCE_MARKED", class_id=c, session_id=c, cadre_id=cid, mark=final, revision=2)
    elif i % 23 == 0:  # the correction arrives before the original: the older one must change nothing
        add("ut-enrold", "EV_ATTENDANCE_MARKED", class_id=c, session_id=c, cadre_id=cid, mark=final, revision=2)
        add("ut-enrold", "EV_ATTENDANCE_MARKED", class_id=c, session_id=c, cadre_id=cid,
            mark="absent" if att else "present", revision=1)
    else:
        add("ut-enrold", "EV_ATTENDANCE_MARKED", class_id=c, session_id=c, cadre_id=cid, mark=final, revision=1)
    marks[(c, cid)] = final
def completion(c, cid, att, done):
    u = cadres[cid]["unit"]
    add("ut-enrold", "EV_CLASS_COMPLETED", cadre_id=cid, class_id=c, completed=int(done), sessions_total=1,
        sessions_attended=att, hours=2, category=cat(c), full_time=int(cadres[cid]["ft"]), unit_id=u,
        unit_kind=units[u][1], unit_ownership="public")
for i, (c, cid, att, done) in enumerate(facts):
    if i % 29 == 0:    # recomputed after a late roll-call correction: the first outcome was wrong
        completion(c, cid, 1 - att, not done)
    completion(c, cid, att, done)
early = []   # 2015: classes 78 and 79, everyone attended
for c, n in ((78, 100), (79, 80)):
    for cid in rnd.sample(ids, n):
        early.append((c, cid))
        add("ut-enrold", "EV_CLASS_COMPLETED", cadre_id=cid, class_id=c, completed=1, sessions_total=1,
            sessions_attended=1, hours=2, category="labour_law", full_time=int(cadres[cid]["ft"]),
            unit_id=cadres[cid]["unit"], unit_kind=units[cadres[cid]["unit"]][1])
deliv = {}
for k in range(600):
    c, cid, att, done = facts[(k * 37) % len(facts)]
    key = "%s/%d/reminder/1d/1" % (cid, c)
    ok = k % 10 != 0
    add("ut-notifyd", "EV_NOTIFY_DELIVERED" if ok else "EV_NOTIFY_FAILED", id=k + 1, key=key, cadre_id=cid,
        class_id=c, kind="reminder", channel="email", status="sent" if ok else "dead")
    if k % 30 == 0:    # resent by hand later, and this time it went out
        add("ut-notifyd", "EV_NOTIFY_DELIVERED", id=k + 1, key=key, cadre_id=cid, class_id=c, kind="reminder",
            channel="email", status="sent")
        ok = True
    deliv[key] = (c, ok)
open(T + "/events.tsv", "w").write("\n".join(ev) + "\n")

def figures(month_range):
    out = {}
    def g(k):
        return out.setdefault(k, {})
    def inc(k, m, v=1):
        g(k)[m] = g(k).get(m, 0) + v
    for (c, cid, att, done) in facts:
        if month_of(c) not in month_range: continue
        k = cat(c)
        inc(k, "enrolled_at_close"); inc(k, "participations", att); inc(k, "completed", int(done))
        inc(k, "sessions_attended", att); inc(k, "sessions_total", 1)
        m = marks[(c, cid)]
        inc(k, "present_or_late", int(m in ("present", "late"))); inc(k, "marks", 1)
    for key, (c, ok) in deliv.items():
        if month_of(c) in month_range:
            inc(cat(c), "reminders_sent" if ok else "reminders_failed")
    return out
exp = {"year": figures(range(1, 13)), "q2": figures(range(4, 7)), "q4": figures(range(10, 13))}
trained = {}
for (c, cid, att, done) in facts:
    if att:
        trained.setdefault(cid, cadres[cid]["unit"])
cov = {}
for cid, d in cadres.items():
    if d["active"]:
        k = "registered_ft" if d["ft"] else "registered_pt"
        cov.setdefault(str(d["unit"]), {}).setdefault(k, 0); cov[str(d["unit"])][k] += 1
exp["trained_total"] = len(trained)
exp["trained_ft"] = sum(1 for cid in trained if cadres[cid]["ft"])
exp["coverage"] = cov
exp["events"] = len(ev)
exp["cumulative_2015"] = len({cid for c, cid in early})
exp["cumulative_2016"] = len({cid for c, cid in early} | set(trained))
exp["registered"] = sum(1 for d in cadres.values() if d["active"])
json.dump(exp, open(T + "/expected.json", "w"))
print(len(ev), "events")
EOF
check_run "events injected" 0 'events' inject "$T/events.tsv"

# Class 5 moves from May to November after its completions were counted: they move with it.
check_run "class 5 moved to November" 0 '' utctl class change 5 --session 1 --at '2016-11-20 09:00-11:00'
closed=0
for i in $(seq 1 33) $(seq 36 79); do
	utctl class close "$i" >/dev/null && closed=$((closed + 1))
done
check "77 classes closed" 77 "$closed"

total() { rjson fulfilment --year 2016 | python3 -c 'import json,sys; t=json.load(sys.stdin)["total"]; print(t["classes_held"], t["participations"])'; }
wait_for "every event applied: 75 classes held, 6891 participations" "75 6891" total
nev=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["events"])' "$T/expected.json")
wait_for "every injected event is in the inbox once" "$nev" sql ut-reportd "SELECT count(*) FROM ut_inbox WHERE event_id LIKE 'test-node/%/inj-%'"

# The seed's figures, exactly.
fj=$(rjson fulfilment --year 2016 --locale en)
field() { python3 -c 'import json,sys; d=json.loads(sys.argv[1]); r=[r for r in d["rows"] if r["category"]==sys.argv[2]][0]; print(" ".join(str(r[k]) for k in sys.argv[3:]))' "$fj" "$@"; }
check "labour law: 33 of 33 classes = 100%" "33 33 100" "$(field labour_law classes_held classes_planned classes_pct)"
check "labour law: 3831 of 3580 participations = 107%" "3831 3580 107" "$(field labour_law participations participations_planned participations_pct)"
check "safety: 42 of 42 classes, 3060 of 3000 participations = 102%" "42 42 100 3060 3000 102" \
	"$(field safety classes_held classes_planned classes_pct participations participations_planned participations_pct)"
check "cancelled classes counted apart" "2" "$(field labour_law classes_cancelled)"
check "total 6891 of 6580 = 105%" "6891 6580 105" "$(python3 -c 'import json,sys; t=json.loads(sys.argv[1])["total"]; print(t["participations"], t["participations_planned"], t["participations_pct"])' "$fj")"

# Every figure equals what the generator computed from the final facts, also per quarter.
compare() {
	python3 - "$T/expected.json" "$1" "$2" "$3" <<'EOF'
import json, sys
exp = json.load(open(sys.argv[1]))[sys.argv[3]]
att = json.loads(sys.argv[2]); ful = json.loads(sys.argv[4])
bad = []
def pct(n, d): return None if d <= 0 else (n * 200 + d) // (2 * d)
for cat, e in exp.items():
    a = [r for r in att["rows"] if r["category"] == cat][0]
    f = [r for r in ful["rows"] if r["category"] == cat][0]
    want = {"enrolled_at_close": e["enrolled_at_close"], "participations": e["participations"],
            "attendance_rate": pct(e["sessions_attended"], e["sessions_total"]),
            "completion_rate": pct(e["completed"], e["enrolled_at_close"]),
            "rollcall_rate": pct(e["present_or_late"], e["marks"]),
            "reminders_sent": e.get("reminders_sent", 0), "reminders_failed": e.get("reminders_failed", 0)}
    for k, v in want.items():
        if a[k] != v: bad.append("%s %s: report %s, facts %s" % (cat, k, a[k], v))
    if f["participations"] != e["participations"]: bad.append("%s fulfilment participations" % cat)
print("; ".join(bad) if bad else "same")
EOF
}
for p in year q2 q4; do
	case $p in year) q=() ;; q2) q=(--quarter 2) ;; q4) q=(--quarter 4) ;; esac
	check "attendance figures ($p) equal the facts" same \
		"$(compare "$(rjson attendance --year 2016 "${q[@]}")" $p "$(rjson fulfilment --year 2016 "${q[@]}")")"
done
check "class 5's counters moved with it to November" "11|$(sql ut-reportd "SELECT sum(value) FROM rp_class_count WHERE class_id = 5 AND metric = 'participations'")" \
	"$(sql ut-reportd "SELECT r.month, (SELECT sum(value) FROM rp_count WHERE year = 2016 AND month = 11 AND metric = 'participations' AND category = 'labour_law') - (SELECT coalesce(sum(cc.value), 0) FROM rp_class_count cc JOIN rp_class k ON k.id = cc.class_id WHERE k.month = 11 AND k.category = 'labour_law' AND cc.metric = 'participations' AND k.id != 5) FROM rp_class r WHERE r.id = 5")"

# Other groupings of the same counters: by format, by month (class 5 now in November).
check "by format: 38 online and 37 in-person classes held, all participations" "38 37 6891" \
	"$(rjson fulfilment --year 2016 --by format | python3 -c 'import json,sys; d=json.load(sys.stdin); r={x["format"]: x for x in d["rows"]}; print(r["online"]["classes_held"], r["in_person"]["classes_held"], d["total"]["participations"])')"
check "by month: six classes held in November, months add up" "6 6891 75" \
	"$(rjson fulfilment --year 2016 --by month | python3 -c 'import json,sys; d=json.load(sys.stdin); r={x["month"]: x for x in d["rows"]}; print(r["11"]["classes_held"], sum(x["participations"] for x in d["rows"]), sum(x["classes_held"] for x in d["rows"]))')"
check_run "month labels" 0 '2016-11 ' utctl report fulfilment --year 2016 --by month --locale en
check_run "--by with coverage refused" 2 '' utctl report coverage --year 2016 --by month

# A direct SQL count over the facts in ut-reportd's own file, and over the projection's classes.
check "participations = a direct SQL count" 6891 "$(sql ut-reportd 'SELECT count(*) FROM rp_completion WHERE attended > 0 AND class_id <= 77')"
check "classes held = closed classes of 2016 in the projection" 75 "$(sql ut-reportd "SELECT count(*) FROM sched_classes WHERE state = 'closed' AND first_start < strftime('%s', '2017-01-01') AND first_start >= strftime('%s', '2016-01-01')")"
check "counters equal a GROUP BY over the facts" "$(sql ut-reportd "SELECT sum(attended), sum(completed), count(*) FROM rp_completion WHERE class_id <= 77")" \
	"$(sql ut-reportd "SELECT sum(CASE metric WHEN 'sessions_attended' THEN value END), sum(CASE metric WHEN 'completed' THEN value END), sum(CASE metric WHEN 'enrolled_at_close' THEN value END) FROM rp_count WHERE year = 2016")"

# Coverage: registered now vs distinct cadres trained in the year.
cj=$(rjson coverage --year 2016 --locale en)
check "registered per unit equals the registry's final state" same "$(python3 - "$T/expected.json" "$cj" <<'EOF'
import json, sys
exp = json.load(open(sys.argv[1])); rep = json.loads(sys.argv[2])
bad = []
for u, e in exp["coverage"].items():
    r = [r for r in rep["rows"] if r["unit"] == u][0]
    for k, v in e.items():
        if r[k] != v: bad.append("unit %s %s: %s vs %s" % (u, k, r[k], v))
t = rep["total"]
if t["trained_ft"] + t["trained_pt"] != exp["trained_total"]: bad.append("trained %s" % (t["trained_ft"] + t["trained_pt"]))
if t["trained_ft"] != exp["trained_ft"]: bad.append("trained ft")
print("; ".join(bad) if bad else "same")
EOF
)"
check "distinct trained = a direct SQL count" "$(sql ut-reportd 'SELECT count(DISTINCT cadre_id) FROM rp_completion WHERE attended > 0 AND class_id <= 77')" \
	"$(python3 -c 'import json,sys; t=json.loads(sys.argv[1])["total"]; print(t["trained_ft"]+t["trained_pt"])' "$cj")"

cum() { rjson coverage --year "$1" | python3 -c 'import json,sys; d=json.load(sys.stdin); t=d["total"]; print(t["cumulative"], t["cumulative_pct"], d.get("coverage_target"))'; }
expcum() { python3 -c 'import json,sys; e=json.load(open(sys.argv[1])); c=e["cumulative_"+sys.argv[2]]; r=e["registered"]; print(c, (c*200+r)//(2*r), sys.argv[3])' "$T/expected.json" "$@"; }
check "multi-year coverage by the end of 2015 against its 5% target" "$(expcum 2015 5)" "$(cum 2015)"
check "multi-year coverage by the end of 2016 counts 2015's cadres once" "$(expcum 2016 40)" "$(cum 2016)"
check "cumulative = a direct SQL count" "$(sql ut-reportd 'SELECT count(DISTINCT cadre_id) FROM rp_completion WHERE attended > 0')" \
	"$(cum 2016 | cut -d' ' -f1)"
check_run "coverage table names the target" 0 'Coverage target by the end of the year: 40%' utctl report coverage --year 2016 --locale en
# Targets set by the officer (seed 004: 40%, 75%, 100%) reach the reports through ut-schedd's
# event and take precedence over the configuration's.
check_run "coverage targets set in the plan" 0 '2017 +100%' utctl plan coverage 2015:40 2016:75 2017:100
check_run "targets listed" 0 '2016 +75%' utctl plan targets
check_run "a target over 100% is refused" 1 'invalid: coverage percent must be between 0 and 100' \
	utctl --locale en plan coverage 2018:120
check_run "a malformed target list is a usage error" 2 'YEAR:PERCENT' utctl --locale en plan coverage 2018-50
wait_for "the report uses the plan's target for 2016" "75" bash -c "'$UT_BIN/utctl' --node-config '$T/node.ini' \
	report coverage --year 2016 --format json | python3 -c 'import json,sys; print(json.load(sys.stdin).get(\"coverage_target\"))'"

# Sent again (new event ids, same facts): nothing changes.
before=$(rjson attendance --year 2016; rjson coverage --year 2016; rjson fulfilment --year 2016)
inject "$T/events.tsv" >/dev/null
wait_for "repeats applied" "$((nev * 2))" sql ut-reportd "SELECT count(*) FROM ut_inbox WHERE event_id LIKE 'test-node/%/inj-%'"
after=$(rjson attendance --year 2016; rjson coverage --year 2016; rjson fulfilment --year 2016)
check "the same facts sent twice change no figure" "$before" "$after"

# Restart: the counters are in the file, not in memory.
stop_daemon ut-reportd
start_daemon ut-reportd
wait_for "figures survive a restart" "75 6891" total

# Formats: CSV with BOM and neutralised formulas, JSON, tables aligned with CJK, four languages.
utctl report coverage --year 2016 --format csv --locale en >"$T/cov.csv"
check "CSV starts with a UTF-8 BOM" "efbbbf" "$(head -c 3 "$T/cov.csv" | od -An -tx1 | tr -d ' \n')"
check "CSV parses back, formula cell neutralised" "'=SUM(A1:A9) 7" "$(python3 - "$T/cov.csv" <<'EOF'
import csv, sys
rows = list(csv.reader(open(sys.argv[1], encoding="utf-8-sig", newline="")))
print([r[0] for r in rows if "SUM" in r[0]][0], len(rows))
EOF
)"
utctl report fulfilment --year 2016 --format csv --locale zh-Hans >"$T/ful.csv"
check "CSV figures parse back" "3831 107%" "$(python3 -c 'import csv,sys; r=list(csv.reader(open(sys.argv[1],encoding="utf-8-sig"))); h=r[0]; row=[x for x in r if x[0]=="劳动法律"][0]; print(row[h.index("参训人次")], row[h.index("人次完成率")])' "$T/ful.csv")"
check "JSON parses back with every column" 0 "$(rjson attendance --year 2016 | python3 -c 'import json,sys; d=json.load(sys.stdin); print(sum(1 for r in d["rows"] for k in ("attendance_rate","completion_rate","rollcall_rate") if k not in r))')"
utctl report fulfilment --year 2016 --locale zh-Hans >"$T/ful.txt"
check "table columns line up with CJK text" 1 "$(python3 - "$T/ful.txt" <<'EOF'
import sys, unicodedata
w = lambda s: sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in s)
lines = [l.rstrip("\n") for l in open(sys.argv[1], encoding="utf-8") if l.strip()]
# right-aligned numbers: every line ends at the same display column
print(len({w(l) for l in lines}))
EOF
)"
check_run "labels in Traditional Chinese" 0 '劳動法律|勞動法律' utctl report fulfilment --year 2016 --locale zh-Hant
check_run "labels in the node's locale (vi) when the environment names none" 0 'Số lớp đã tổ chức' \
	env -u LC_MESSAGES LANG=C.UTF-8 "$UT_BIN/utctl" --node-config "$T/node.ini" report fulfilment --year 2016
check_run "labels in English" 0 'Participations % of plan' utctl report fulfilment --year 2016 --locale en
check_run "quarter report" 0 '' utctl report attendance --year 2016 --quarter 3 --locale en
check_run "one unit, by code" 0 '第一中学' utctl report coverage --year 2016 --unit SCH1
check_run "one unit, by name" 0 'Công ty May 10' utctl report coverage --year 2016 --unit 'Công ty May 10'
check_run "an unknown unit is named, with the ones there are" 2 "'NOSUCH' does not exist; there are: .*SCH1" utctl report coverage --year 2016 --unit NOSUCH --locale en

# Bad input: usage errors or one clear refusal, nothing changes.
check_run "year out of range" 2 'year' utctl report fulfilment --year 1990
check_run "unknown format" 2 'format' utctl report fulfilment --year 2016 --format xls
check_run "unknown locale" 2 'locale' utctl report fulfilment --year 2016 --locale fr
check_run "unit with subtree refused" 1 'invalid' utctl report coverage --year 2016 --unit MAY10 --scope subtree --locale en
check_run "garbage frame gets an answer" 0 'invalid' rawsend ut-reportd body 400 'garbage'
check_run "unknown child key refused" 0 '^not_found' rawsend ut-reportd body 420 ''
for d in ut-reportd ut-enrold ut-schedd; do
	stop_daemon $d
	check "$d stops cleanly on SIGTERM" 0 "$STOPPED_STATUS"
done
finish
