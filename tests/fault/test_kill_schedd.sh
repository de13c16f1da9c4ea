# ut-schedd killed with SIGKILL while clients keep creating classes, then restarted: every class
# acknowledged `ok` is in its database, every committed class has its event in the stream exactly
# once, and the consumers end with the same classes.
source "$(dirname "$0")/../integration/lib.sh"

CLIENTS=4
PER_CLIENT=40
KILLS=${KILLS:-5}

write_config '[rpc]' 'timeout_ms = 2000'
start_node
check_run "course for the load" 0 '' utctl course add --code KILL --title 'Fault drill' --category safety

client() {
	local c=$1 i
	for i in $(seq "$PER_CLIENT"); do
		if utctl class add --course KILL --capacity 30 --title "kill-$c-$i" >/dev/null 2>&1; then
			echo "kill-$c-$i" >>"$T/acked.$c"
		fi
	done
}

clients=()
for c in $(seq "$CLIENTS"); do client "$c" & clients+=($!); done

for k in $(seq "$KILLS"); do
	sleep "0.$((RANDOM % 4 + 1))"
	stop_daemon ut-schedd KILL
	sleep 0.1
	start_daemon ut-schedd
done
wait "${clients[@]}"
wait_ready

acked=$(cat "$T"/acked.* 2>/dev/null | sort)
nacked=$(grep -c . <<<"$acked")
echo "# $nacked of $((CLIENTS * PER_CLIENT)) class requests acknowledged across $KILLS kills"
[[ $nacked -gt 0 ]] && ok "some requests were acknowledged" || fail "no request was acknowledged"

stored=$(sql ut-schedd "SELECT title FROM classes ORDER BY title")
missing=$(comm -23 <(echo "$acked") <(echo "$stored") | grep -c .)
check "every acknowledged class is stored" 0 "$missing"
dups=$(sql ut-schedd "SELECT count(*) FROM (SELECT title FROM classes GROUP BY title HAVING count(*) > 1)")
check "no class stored twice" 0 "$dups"

nclasses=$(sql ut-schedd "SELECT count(*) FROM classes")
# the outbox keeps its newest row (it holds up the numbering)
wait_for "outbox published and emptied" 0 sql ut-schedd "SELECT max(count(*) - 1, 0) FROM ut_outbox"
events "ut-schedd" >"$T/events.txt"
check "each event id once in the stream" 0 "$(awk '{print $2}' "$T/events.txt" | sort | uniq -d | grep -c .)"
check "one class-created event per stored class" "$nclasses" "$(awk '$3 == "EV_CLASS_CREATED"' "$T/events.txt" | grep -c .)"
check "stream ids strictly increasing" "$(cut -d' ' -f1 "$T/events.txt" | sort -t- -k1,1n -k2,2n | tr '\n' ' ')" \
	"$(cut -d' ' -f1 "$T/events.txt" | tr '\n' ' ')"

nevents=$(grep -c . "$T/events.txt")
for d in ut-enrold ut-notifyd ut-reportd; do
	wait_for "$d holds every class" "$nclasses" sql "$d" "SELECT count(*) FROM sched_classes"
	check "$d applied each event once" "$nevents" "$(sql "$d" "SELECT count(*) FROM ut_inbox")"
done

finish
