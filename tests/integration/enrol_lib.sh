# Shared by the enrolment tests (sourced after lib.sh): a node with only Redis, ut-schedd and
# ut-enrold, so these tests depend on nothing else being built.
# shellcheck shell=bash

# start_enrol_node: Redis, the scheduling and enrolment daemons, ready to answer (bounded).
start_enrol_node() {
	[[ -f $T/node.ini ]] || write_config
	start_redis
	start_daemon ut-schedd
	start_daemon ut-enrold
	wait_enrol_ready
}

enrol_up() {
	local d
	for d in ut-schedd ut-enrold; do
		[[ -S $T/$d.sock ]] && rawsend "$d" type MSG_STATUS 2>/dev/null | grep -q '^ok' || return 1
	done
}
wait_enrol_ready() {
	wait_until 30 enrol_up && return 0
	echo "enrolment node did not become ready"; tail -5 "$T"/*.log; exit 1
}

# The number of events of a type in ut-enrold's stream.
count_events() { events ut-enrold | awk -v t="$1" '$3 == t' | grep -c .; }
# Cadres registered and changed by imports, summed over their EV_CADRES_IMPORTED events.
imported() { events ut-enrold | awk '$3 == "EV_CADRES_IMPORTED" { r += $5; c += $6 } END { print r + 0, c + 0 }'; }

# Wait until every event ut-enrold committed is in its stream (the outbox seq counts them: its newest
# row is never forgotten).
wait_published() {
	local n
	n=$(sql ut-enrold "SELECT coalesce(max(seq), 0) FROM ut_outbox")
	wait_for "all $n committed events are in the stream" "$n" redis-cli -s "$T/redis.sock" XLEN ut:ev:ut-enrold
}
