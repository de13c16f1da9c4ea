# Group commit on a real ut-schedd: with many requests in flight every one is answered exactly
# once, all are stored, each has its event once, and they were committed in far fewer transactions.
source "$(dirname "$0")/lib.sh"

start_node
N=3000
out=$("$UT_TOOLS/ut-load" -n $N -w 128 -p GC "ipc://$T/ut-schedd.sock")
check "every request answered exactly once" 0 $?
echo "# $out"
check "all answered ok" "ok $N" "$(grep -o 'ok [0-9]*' <<<"$out")"
check "all stored" "$N" "$(sql ut-schedd 'SELECT count(*) FROM courses')"
read -r commits commit_us uptime_s < <(utctl --json node status | /usr/bin/python3 -c 'import json,sys
d = [d for d in json.load(sys.stdin) if d["daemon"] == "ut-schedd"][0]["status"]
print(d.get("commits", 0), d.get("commit_us", 0), d.get("uptime_s", 0))')
echo "# $N requests in $commits commits, which took $commit_us µs"
if ((commits > 0 && commits * 4 <= N)); then ok "group commit: $commits commits for $N requests"; else fail "group commit: $commits commits for $N requests"; fi
# each commit has an fsync: more than 10 µs, and all of them together less than the daemon's life
if ((commit_us > commits * 10 && commit_us < (uptime_s + 1) * 1000000)); then ok "commit time reported: $commit_us µs"
else fail "commit time reported: $commit_us µs for $commits commits in ${uptime_s}s"; fi
# XLEN counts every entry, so a course event published twice shows even with the same event id
wait_for "every course event published" 0 sql ut-schedd 'SELECT max(count(*) - 1, 0) FROM ut_outbox'
check "each course event in the stream once" "$N $N $N" "$(redis-cli -s "$T/redis.sock" XLEN ut:ev:ut-schedd) \
$(events ut-schedd | awk '$3 == "EV_COURSE_CREATED"' | grep -c .) $(events ut-schedd | awk '{ print $2 }' | sort -u | grep -c .)"
wait_for "consumers got every course" "$N" sql ut-reportd 'SELECT count(*) FROM sched_courses'

finish
