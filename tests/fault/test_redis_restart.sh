# Redis killed with SIGKILL and restarted (AOF on) while a training officer keeps working: requests
# are still answered, events wait in the outbox, and once Redis is back every daemon reconnects and
# the consumers end with every class, each event applied once.
source "$(dirname "$0")/../integration/lib.sh"

start_node
check_run "course" 0 '' utctl course add --code R1 --title 'Redis drill' --category safety
for i in 1 2 3; do utctl class add --course R1 --capacity 10 --title "before-$i" >/dev/null; done
wait_for "consumers caught up before the crash" 3 sql ut-reportd "SELECT count(*) FROM sched_classes"
# the outbox keeps its newest row (it holds up the numbering): the rest is what waits
wait_for "outbox emptied before the crash" 0 sql ut-schedd 'SELECT max(count(*) - 1, 0) FROM ut_outbox'
# appendfsync everysec may hold writes back while an fsync runs; once none is held the AOF file has
# them all, and a killed process loses nothing the kernel already has
aof_held() { redis-cli -s "$T/redis.sock" info persistence | tr -d '\r' | awk -F: '/^aof_buffer_length:/ { print $2 }'; }
wait_for "every write in the AOF before the crash" 0 aof_held

stop_redis
for i in 1 2 3 4 5; do
	check_run "class created while Redis is down ($i)" 0 '^class' utctl class add --course R1 --capacity 10 --title "during-$i"
done
check "events wait in the outbox" 5 "$(sql ut-schedd 'SELECT max(count(*) - 1, 0) FROM ut_outbox')"
check_run "status says Redis is down" 0 'ut-schedd +up .* no ' utctl node status

start_redis
for i in 1 2; do utctl class add --course R1 --capacity 10 --title "after-$i" >/dev/null; done
for d in ut-enrold ut-notifyd ut-reportd; do
	wait_for "$d has all 10 classes after Redis came back" 10 sql "$d" "SELECT count(*) FROM sched_classes"
done
events ut-schedd >"$T/events.txt"
check "each event once in the stream" 0 "$(awk '{print $2}' "$T/events.txt" | sort | uniq -d | grep -c .)"
check "stream holds course + 10 class events" 11 "$(grep -c . "$T/events.txt")"
for d in ut-enrold ut-notifyd ut-reportd; do
	check "$d applied each event once" 11 "$(sql "$d" 'SELECT count(*) FROM ut_inbox')"
done
wait_for "every daemon reconnected (the web console too)" 5 bash -c "'$UT_BIN/utctl' --node-config '$T/node.ini' node status | grep -c ' yes '"

finish
